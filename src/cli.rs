//! Command-line interface (clap).

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

#[derive(Debug, Parser)]
#[command(
    name = "kready",
    version,
    about = "Kubernetes production readiness: a terminal console and a headless checker",
    after_help = "Exit codes of `kready check`: 0 clean, 1 findings at or above --fail-on, 2 usage or input error."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,

    /// Open the bundled demo cluster.
    #[arg(long, global = true, conflicts_with = "snapshot")]
    pub demo: bool,

    /// Read cluster state from a YAML/JSON file or a directory of them.
    #[arg(long, global = true, value_name = "PATH")]
    pub snapshot: Option<PathBuf>,

    /// Kubeconfig file (default: KUBECONFIG, whose files are merged, else
    /// ~/.kube/config). Without --snapshot or --demo, kready opens the
    /// cluster of its current context.
    #[arg(long, global = true, value_name = "FILE", conflicts_with_all = ["snapshot", "demo"])]
    pub kubeconfig: Option<PathBuf>,

    /// Kubeconfig context to open (default: the current context). `kready
    /// check` takes several (repeat the flag) and scans them together; the
    /// console opens the first.
    #[arg(long, global = true, value_name = "NAME", conflicts_with_all = ["snapshot", "demo"])]
    pub context: Vec<String>,

    /// Namespace: only results there; live, only its namespaced objects are
    /// watched (repeat, or comma-separate, for several).
    #[arg(
        long,
        short = 'n',
        global = true,
        value_name = "NS",
        value_delimiter = ','
    )]
    pub namespace: Vec<String>,

    /// How long one API request may take before the server counts as not
    /// answering (`10s`, `1m`, or seconds).
    #[arg(long, global = true, value_name = "DURATION", default_value = "10s",
          value_parser = parse_timeout)]
    pub request_timeout: std::time::Duration,

    /// Configuration file (default: config.toml in the kready config directory).
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// Keep loading when a document is malformed (its error is reported).
    #[arg(long, global = true)]
    pub keep_going: bool,

    /// Largest snapshot file read, in MB.
    #[arg(long, global = true, value_name = "MB", default_value_t = 256,
          value_parser = clap::value_parser!(u64).range(1..=1 << 20))]
    pub max_file_mb: u64,

    /// Most events YAML aliases (*name) may expand to in one document: the
    /// bound against alias bombs.
    #[arg(long, global = true, value_name = "N", default_value_t = 100_000)]
    pub max_alias_events: usize,

    /// Console theme: dark, light, high-contrast, or a user theme.
    #[arg(long, value_name = "NAME")]
    pub theme: Option<String>,

    /// With --demo: hold the demo still instead of replaying its incident.
    #[arg(long, requires = "demo")]
    pub no_replay: bool,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the readiness checks and print a report.
    Check(CheckArgs),
    /// List the check catalog.
    Checks {
        #[arg(long, value_enum, default_value_t = ListFormat::Table)]
        format: ListFormat,
    },
    /// Capture a live cluster into a snapshot directory (one YAML List per
    /// kind, as `kubectl get -o yaml` writes them; Secrets as metadata
    /// only) that `--snapshot DIR` reopens.
    Snapshot(SnapshotArgs),
}

#[derive(Debug, clap::Args)]
pub struct SnapshotArgs {
    /// The directory to write (created if missing; must be empty unless
    /// --force).
    #[arg(long, short = 'o', value_name = "DIR")]
    pub output: PathBuf,

    /// Write into a directory that is not empty (files of the same names
    /// are replaced).
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    /// Only these categories (repeatable).
    #[arg(long = "category", value_name = "C", value_parser = parse_category)]
    pub categories: Vec<crate::checks::Category>,

    /// Only these checks, by catalog id (repeatable).
    #[arg(long = "check", value_name = "ID", value_parser = parse_check_id)]
    pub checks: Vec<String>,

    /// Output format (default: table on a terminal, json when piped).
    #[arg(long, value_name = "FORMAT", value_parser = formats())]
    pub format: Option<String>,

    /// Exit 1 when a finding is at or above this severity.
    #[arg(long, value_enum, default_value_t = FailOn::Error)]
    pub fail_on: FailOn,

    /// Evaluate as of this time (RFC 3339) instead of the snapshot's capture time.
    #[arg(long, value_name = "TIME")]
    pub now: Option<k8s_openapi::jiff::Timestamp>,

    /// Also list passing results in the table and markdown formats.
    #[arg(long)]
    pub show_pass: bool,

    /// Scan every context of the kubeconfig (a fleet scan: a summary per
    /// cluster with --format table, one combined document with json).
    #[arg(long, conflicts_with_all = ["context", "snapshot", "demo"])]
    pub all_contexts: bool,
}

/// `--format`'s values: the report formats' names.
fn formats() -> clap::builder::PossibleValuesParser {
    clap::builder::PossibleValuesParser::new(crate::report::FORMATS.iter().map(|f| f.name))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ListFormat {
    Table,
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    Error,
    Warning,
    Never,
}

/// `10s`, `1m30s`, `500ms` or a whole number of seconds, as kubectl's
/// `--request-timeout` takes them; above zero.
fn parse_timeout(s: &str) -> Result<std::time::Duration, String> {
    let parsed = match s.parse::<u64>() {
        Ok(secs) => Ok(std::time::Duration::from_secs(secs)),
        Err(_) => s
            .parse::<jiff::SignedDuration>()
            .map_err(|e| e.to_string())
            .and_then(|d| std::time::Duration::try_from(d).map_err(|e| e.to_string())),
    };
    match parsed {
        Ok(d) if !d.is_zero() => Ok(d),
        Ok(_) => Err("the timeout must be above zero".into()),
        Err(e) => Err(format!("{s:?} is not a duration such as 10s or 1m ({e})")),
    }
}

fn parse_category(s: &str) -> Result<crate::checks::Category, String> {
    crate::checks::Category::parse(s).ok_or_else(|| {
        let all: Vec<&str> = crate::checks::Category::ALL
            .iter()
            .map(|c| c.as_str())
            .collect();
        format!("unknown category {s:?}; one of: {}", all.join(", "))
    })
}

fn parse_check_id(s: &str) -> Result<String, String> {
    crate::checks::find(s)
        .map(|c| c.id.to_string())
        .ok_or_else(|| format!("no check has the id {s:?} (see `kready checks`)"))
}
