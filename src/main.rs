//! The binary edge: parse the command line, load configuration and cluster
//! state, run the checks, print the report, and map outcomes to exit codes.

#![cfg_attr(not(test), deny(clippy::unwrap_used))]

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::{Context, Result, bail};
use clap::Parser;
use k8s_openapi::jiff::Timestamp;

use kready::app::Feed;
use kready::checks::engine::{Engine, Selection};
use kready::checks::{Severity, catalog, validate_config};
use kready::cli::{CheckArgs, Cli, Command, FailOn, ListFormat};
use kready::config::Config;
use kready::config::console::ConsoleSettings;
use kready::model::inert::{inert, inert_lines};
use kready::report::{self, Report};
use kready::runtime::Model;
use kready::source::live;
use kready::source::snapshot::{self, LoadOptions};
use kready::store::{ClusterStore, KindStatus};
use tracing::info;

/// glibc's malloc grows its per-thread arenas a page range at a time (an
/// `mprotect` each), which cost a fifth of loading a large snapshot on two
/// threads; mimalloc does not, and keeps less memory resident.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(e) => {
            // Errors quote paths and values from the snapshot.
            eprintln!("kready: {}", inert_lines(&format!("{e:#}")));
            ExitCode::from(2)
        }
    }
}

fn run(cli: Cli) -> Result<ExitCode> {
    let config = Config::load(cli.config.as_deref())?;
    validate_config(&config)?;
    match &cli.command {
        Some(Command::Checks { format }) => {
            print_catalog(*format)?;
            Ok(ExitCode::SUCCESS)
        }
        Some(Command::Check(args)) => {
            let store = if is_live(&cli) {
                live_store(&cli)?
            } else {
                load_store(&cli)?
            };
            let code = check(&store, &config, &cli, args);
            // The process ends here: freeing a large cluster object by
            // object would take most of a second for nothing.
            std::mem::forget(store);
            code
        }
        None => console(Arc::new(cli), config),
    }
}

/// The console's theme (`--theme`, else the config's, else dark; none
/// under NO_COLOR) and keymap. One that cannot be used is replaced by the
/// embedded default, with a warning.
fn console_settings(config: &Config, cli: &Cli) -> ConsoleSettings {
    let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    let themes = Config::dirs().map(|d| d.config_dir().join("themes"));
    ConsoleSettings::load(config, cli.theme.as_deref(), no_color, themes.as_deref())
}

/// The console. Signals are handled from its first step, so that one that
/// arrives while a big snapshot loads, or right after the terminal is put
/// in raw mode, still leaves a usable terminal and a 128+n exit status.
fn console(cli: Arc<Cli>, config: Config) -> Result<ExitCode> {
    let settings = console_settings(&config, &cli);
    require_terminal()?;
    // Only the console logs (`kready check` says all on stdout and stderr),
    // and from before loading, so the log sees what loading leads to.
    if let Some(dirs) = Config::dirs() {
        kready::app::init_log(&dirs.data_dir().join("kready.log"))?;
    }
    for warning in &settings.warnings {
        tracing::warn!("{warning}");
    }
    let runtime = kready::app::runtime()?;
    let mut signals = kready::app::Signals::install(&runtime)?;
    let (store, feed) = if is_live(&cli) {
        // The console opens at once on an empty store; the watches fill it.
        let options = connect_options(&cli);
        let conn = match kready::app::until_signal(&runtime, &mut signals, live::connect(&options))
        {
            Ok(conn) => conn?,
            Err(ended) => return Ok(ExitCode::from(ended.exit_code())),
        };
        info!(
            "connected to {} ({}, {})",
            conn.context, conn.server, conn.version
        );
        let store = ClusterStore::new(live::cluster_info(&conn));
        (store, Feed::Live(Box::new((conn, watch_scope(&cli)))))
    } else {
        // The console opens at once; the snapshot is read behind it. A path
        // that is not there fails before the terminal is touched.
        let (path, source) = snapshot_path(&cli);
        std::fs::metadata(&path).with_context(|| format!("{}", path.display()))?;
        let store = ClusterStore::new(kready::store::ClusterInfo {
            source: source.to_string(),
            name: path.display().to_string(),
            ..Default::default()
        });
        let replay = (cli.demo && !cli.no_replay).then(|| demo_dir().join("../demo-replay"));
        let load = kready::app::Load {
            path,
            source: source.to_string(),
            options: load_options(&cli),
            replay,
        };
        (store, Feed::Load(Box::new(load)))
    };
    let export_dir = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
    // The store starts empty: the first evaluation is immediate, and the
    // checker derives the panes' heavy rows off the event loop.
    let model = Model::new(store, &config, None).with_derivations(kready::ui::panes::derivations());
    let options = kready::app::Options {
        status: settings.status_line(),
        theme: settings.theme,
        keymap: settings.keymap,
        feed,
        // `:ctx` works wherever a kubeconfig can be read (from the demo too).
        switch: live::contexts(cli.kubeconfig.as_ref())
            .ok()
            .map(|(contexts, _)| kready::app::Switch {
                connect: connect_options(&cli),
                scope: watch_scope(&cli),
                contexts,
            }),
        export_dir,
    };
    let ended = kready::app::run(&runtime, &mut signals, model, options)?;
    Ok(ExitCode::from(ended.exit_code()))
}

/// The console draws on a terminal and reads keys from it; without one it
/// would run invisibly (or fight a pipe for raw mode).
fn require_terminal() -> Result<()> {
    let missing = match (
        std::io::stdin().is_terminal(),
        std::io::stdout().is_terminal(),
    ) {
        (true, true) => return Ok(()),
        (false, true) => "stdin is not a terminal",
        (true, false) => "stdout is not a terminal",
        (false, false) => "stdin and stdout are not terminals",
    };
    bail!(
        "the console needs a terminal ({missing}); \
         for non-interactive output use `kready check` (e.g. `kready check --format json`)"
    )
}

/// The bundled demo cluster: `KREADY_DEMO_DIR`, else `assets/demo` of the source tree.
fn demo_dir() -> PathBuf {
    std::env::var_os("KREADY_DEMO_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/demo"))
}

/// Without --snapshot or --demo, kready opens a live cluster.
fn is_live(cli: &Cli) -> bool {
    cli.snapshot.is_none() && !cli.demo
}

fn connect_options(cli: &Cli) -> live::ConnectOptions {
    live::ConnectOptions {
        kubeconfig: cli.kubeconfig.clone(),
        context: cli.context.clone(),
        request_timeout: cli.request_timeout,
    }
}

/// What the live source watches: every kind a check reads, in the
/// namespaces of `-n` (all without).
fn watch_scope(cli: &Cli) -> live::WatchScope {
    live::WatchScope {
        kinds: live::wanted(kready::checks::kinds_read()),
        namespaces: cli.namespace.clone(),
    }
}

/// A live cluster read once, for `kready check`. Kinds that could not be
/// read are named on stderr (their checks say `unknown`).
fn live_store(cli: &Cli) -> Result<ClusterStore> {
    let runtime = kready::app::runtime()?;
    runtime.block_on(async {
        let conn = live::connect(&connect_options(cli)).await?;
        let context = conn.context.clone();
        let (store, notices) = live::sync_once(conn, watch_scope(cli))
            .await
            .map_err(|e| anyhow::anyhow!("context {context}: {e}"))?;
        for n in notices {
            eprintln!("kready: {}", inert(&n));
        }
        for (label, status) in store.statuses() {
            match status {
                KindStatus::Forbidden(why) => {
                    eprintln!("kready: {label}: forbidden ({})", inert(why))
                }
                KindStatus::Error(why) => eprintln!("kready: {label}: {}", inert(why)),
                _ => {}
            }
        }
        Ok(store)
    })
}

/// The snapshot to read and what to call the source.
fn snapshot_path(cli: &Cli) -> (PathBuf, &'static str) {
    match &cli.snapshot {
        Some(p) => (p.clone(), "snapshot"),
        None => (demo_dir(), "demo"),
    }
}

fn load_options(cli: &Cli) -> LoadOptions {
    LoadOptions {
        keep_going: cli.keep_going,
        max_file_bytes: cli.max_file_mb * 1024 * 1024,
        max_alias_events: cli.max_alias_events,
        progress: None,
    }
}

fn load_store(cli: &Cli) -> Result<ClusterStore> {
    let (path, source) = snapshot_path(cli);
    let opts = load_options(cli);
    // Loader errors start with the path (not repeated here); `main` prints
    // them inert.
    let mut loaded = snapshot::load(&path, &opts)?;
    for e in &loaded.errors {
        eprintln!("kready: skipped: {}", inert(&e.to_string()));
    }
    for w in &loaded.warnings {
        eprintln!("kready: warning: {}", inert(&w.to_string()));
    }
    if loaded.objects.is_empty() {
        bail!("{}: no Kubernetes objects found", path.display());
    }
    loaded.info.source = source.to_string();
    Ok(loaded.into_store())
}

fn check(store: &ClusterStore, config: &Config, cli: &Cli, args: &CheckArgs) -> Result<ExitCode> {
    let selection = Selection {
        namespaces: cli.namespace.clone(),
        categories: args.categories.clone(),
        checks: args.checks.clone(),
    };
    let engine = Engine::new(config, selection, args.now);
    let findings = engine.evaluate(store);
    let evaluated_at = args
        .now
        .or(store.info.captured_at)
        .unwrap_or_else(Timestamp::now);
    let report = Report::new(findings.sorted(), engine.checks(), store, evaluated_at);

    let stdout = std::io::stdout();
    let tty = stdout.is_terminal();
    let name = args
        .format
        .as_deref()
        .unwrap_or(if tty { "table" } else { "json" });
    let format = report::format(name).context("--format was checked by clap")?;
    let base = std::env::current_dir().unwrap_or_default();
    let output = report::Output {
        tty,
        color: tty && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
        show_pass: args.show_pass,
        base: &base,
    };
    // Every format is written as it is produced: a large cluster's report
    // is 100+ MB and is never held whole.
    write_stdout(|out| (format.write)(&report, &output, out))?;
    let threshold = match args.fail_on {
        FailOn::Error => Some(Severity::Error),
        FailOn::Warning => Some(Severity::Warning),
        FailOn::Never => None,
    };
    let code = match threshold {
        Some(t) if report.fails_at(t) => ExitCode::from(1),
        _ => ExitCode::SUCCESS,
    };
    drop(report);
    std::mem::forget(findings); // as the store (see `run`)
    Ok(code)
}

type Stdout = std::io::BufWriter<std::io::StdoutLock<'static>>;

/// Writes to stdout; a closed pipe (`| head`) is not an error.
/// (`Stdout` is a concrete type so that serialisers writing many small
/// pieces into it are compiled for it, not for a `dyn Write`.)
fn write_stdout(f: impl FnOnce(&mut Stdout) -> std::io::Result<()>) -> Result<()> {
    let mut out = std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
    match f(&mut out).and_then(|_| out.flush()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => other.context("writing the report"),
    }
}

fn print_catalog(format: ListFormat) -> Result<()> {
    let text = match format {
        ListFormat::Json => {
            let list: Vec<_> = catalog()
                .iter()
                .map(|c| {
                    serde_json::json!({
                        "id": c.id, "title": c.title, "category": c.category,
                        "severity": c.severity, "seeds": c.seeds, "rationale": c.rationale,
                        "fix": c.fix, "enabledByDefault": c.enabled_by_default,
                    })
                })
                .collect();
            serde_json::to_string_pretty(&list)? + "\n"
        }
        ListFormat::Table => {
            let w = catalog().iter().map(|c| c.id.len()).max().unwrap_or(0);
            let mut s = String::new();
            for c in catalog() {
                s.push_str(&format!(
                    "{:w$}  {:7}  {:3}  {}{}\n",
                    c.id,
                    c.severity.as_str(),
                    if c.fix.is_some() { "fix" } else { "" },
                    c.title,
                    if c.enabled_by_default {
                        ""
                    } else {
                        " (off by default)"
                    }
                ));
            }
            s
        }
    };
    write_stdout(|out| out.write_all(text.as_bytes()))
}
