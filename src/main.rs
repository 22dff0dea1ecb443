//! The binary edge: parse the command line, load configuration and cluster
//! state, run the checks, print the report, and map outcomes to exit codes.

#![cfg_attr(not(test), deny(clippy::unwrap_used))]

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::{Context, Result, bail};
use clap::Parser;
use futures::StreamExt;
use k8s_openapi::jiff::Timestamp;

use kready::app::Feed;
use kready::checks::engine::{Engine, Findings, Selection};
use kready::checks::{Severity, catalog, validate_config};
use kready::cli::{CheckArgs, Cli, Command, FailOn, ListFormat, SnapshotArgs};
use kready::config::Config;
use kready::config::console::ConsoleSettings;
use kready::model::inert::{inert, inert_lines};
use kready::report::fleet::{ClusterScan, JsonDocument, Scanned};
use kready::report::{self, Report};
use kready::runtime::Model;
use kready::source::live;
use kready::source::live::capture::{self, Progress};
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
        Some(Command::Snapshot(args)) => snapshot(&cli, args),
        Some(Command::Check(args)) => {
            if let Some(contexts) = fleet_contexts(&cli, args)? {
                return fleet(&cli, &config, args, contexts);
            }
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
        // Several are a fleet scan (`kready check`); elsewhere the first.
        context: cli.context.first().cloned(),
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
        unreadable_kinds(&store, "");
        Ok(store)
    })
}

/// Names on stderr (after `prefix`) the kinds that could not be read, and
/// counts them.
fn unreadable_kinds(store: &ClusterStore, prefix: &str) -> usize {
    let mut n = 0;
    for (label, status) in store.statuses() {
        match status {
            KindStatus::Forbidden(why) => {
                eprintln!("kready: {prefix}{label}: forbidden ({})", inert(why))
            }
            KindStatus::Error { reason: why, .. } => {
                eprintln!("kready: {prefix}{label}: {}", inert(why))
            }
            _ => continue,
        }
        n += 1;
    }
    n
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

fn selection(cli: &Cli, args: &CheckArgs) -> Selection {
    Selection {
        namespaces: cli.namespace.clone(),
        categories: args.categories.clone(),
        checks: args.checks.clone(),
    }
}

fn fail_threshold(args: &CheckArgs) -> Option<Severity> {
    match args.fail_on {
        FailOn::Error => Some(Severity::Error),
        FailOn::Warning => Some(Severity::Warning),
        FailOn::Never => None,
    }
}

/// Runs the checks on `store` and hands their report to `f`; returns what
/// `f` did and the findings (for the caller to drop or not).
fn with_report<T>(
    store: &ClusterStore,
    config: &Config,
    selection: Selection,
    now: Option<Timestamp>,
    f: impl FnOnce(&Report) -> T,
) -> (T, Findings) {
    let engine = Engine::new(config, selection, now);
    let findings = engine.evaluate(store);
    let evaluated_at = now
        .or(store.info.captured_at)
        .unwrap_or_else(Timestamp::now);
    let report = Report::new(findings.sorted(), engine.checks(), store, evaluated_at);
    let out = f(&report);
    drop(report);
    (out, findings)
}

fn check(store: &ClusterStore, config: &Config, cli: &Cli, args: &CheckArgs) -> Result<ExitCode> {
    let (code, findings) = with_report(store, config, selection(cli, args), args.now, |report| {
        write_report(report, args)
    });
    std::mem::forget(findings); // as the store (see `run`)
    code
}

fn write_report(report: &Report, args: &CheckArgs) -> Result<ExitCode> {
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
    write_stdout(|out| (format.write)(report, &output, out))?;
    Ok(match fail_threshold(args) {
        Some(t) if report.fails_at(t) => ExitCode::from(1),
        _ => ExitCode::SUCCESS,
    })
}

/// Clusters of a fleet scan read and checked at once (each holds its
/// whole cluster meanwhile).
const FLEET_PARALLEL: usize = 4;

/// The contexts of a fleet scan: `--all-contexts`, or more than one
/// `--context` (repeats dropped). `None`: one cluster, as always.
fn fleet_contexts(cli: &Cli, args: &CheckArgs) -> Result<Option<Vec<String>>> {
    let mut contexts = if args.all_contexts {
        let (names, _) = live::contexts(cli.kubeconfig.as_ref())?;
        if names.is_empty() {
            bail!("--all-contexts: the kubeconfig has no contexts");
        }
        names
    } else if cli.context.len() > 1 {
        cli.context.clone()
    } else {
        return Ok(None);
    };
    let mut seen = std::collections::HashSet::new();
    contexts.retain(|c| seen.insert(c.clone()));
    Ok(Some(contexts))
}

/// A fleet scan: the clusters read and checked concurrently (at most
/// `FLEET_PARALLEL` at a time), a summary table or one combined JSON
/// document. A cluster that cannot be reached is reported, never waited
/// on beyond the request timeout, and never stops the others. Exit 2 when
/// no cluster could be scanned, else by `--fail-on` over those that were.
fn fleet(cli: &Cli, config: &Config, args: &CheckArgs, contexts: Vec<String>) -> Result<ExitCode> {
    let tty = std::io::stdout().is_terminal();
    let json = match args
        .format
        .as_deref()
        .unwrap_or(if tty { "table" } else { "json" })
    {
        "table" => false,
        "json" => true,
        other => bail!(
            "--format {other} is not supported for several clusters: use table (a summary per \
             cluster) or json (one document with each cluster's report), or one --context at a \
             time"
        ),
    };
    // Several clusters' lists are decoded at once: a worker per CPU (one
    // cluster alone is read on the current thread, as the console does).
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the runtime")?;
    let mut out = std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
    let scans: Vec<ClusterScan> = runtime
        .block_on(async {
            // In order, so that the JSON document lists the clusters as asked;
            // a report is written as soon as those before it are.
            let scans = futures::stream::iter(contexts)
                .map(|context| scan_cluster(cli, config, args, context, json))
                .buffered(FLEET_PARALLEL);
            let mut scans = std::pin::pin!(scans);
            let mut doc = if json {
                Some(JsonDocument::start(&mut out)?)
            } else {
                None
            };
            let mut done = Vec::new();
            while let Some(mut scan) = scans.next().await {
                if let Some(doc) = doc.as_mut() {
                    doc.entry(&scan, &mut out)?;
                }
                if let Ok(s) = scan.outcome.as_mut() {
                    s.json = None; // written
                }
                done.push(scan);
            }
            if let Some(doc) = doc {
                doc.end(&mut out)?;
            }
            std::io::Result::Ok(done)
        })
        .or_else(broken_pipe(Vec::new()))
        .context("writing the report")?;
    if !json {
        report::fleet::write_table(&scans, &mut out)
            .or_else(broken_pipe(()))
            .context("writing the report")?;
    }
    out.flush()
        .or_else(broken_pipe(()))
        .context("writing the report")?;
    if scans.iter().all(|s| s.outcome.is_err()) {
        eprintln!("kready: no cluster could be scanned");
        return Ok(ExitCode::from(2));
    }
    let fails = scans
        .iter()
        .any(|s| s.outcome.as_ref().is_ok_and(|r| r.fails));
    Ok(if fails {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// A closed pipe (`| head`) is not an error: what was wanted was read.
fn broken_pipe<T>(value: T) -> impl FnOnce(std::io::Error) -> std::io::Result<T> {
    move |e| {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            Ok(value)
        } else {
            Err(e)
        }
    }
}

/// One cluster of a fleet scan: connect, read it once, check it. Every
/// failure becomes the cluster's status.
async fn scan_cluster(
    cli: &Cli,
    config: &Config,
    args: &CheckArgs,
    context: String,
    json: bool,
) -> ClusterScan {
    let failed = |server: Option<String>, why: String| {
        eprintln!("kready: context {}: {}", inert(&context), inert(&why));
        ClusterScan {
            context: context.clone(),
            server,
            outcome: Err(why),
        }
    };
    let opts = live::ConnectOptions {
        context: Some(context.clone()),
        ..connect_options(cli)
    };
    let conn = match live::connect(&opts).await {
        Ok(conn) => conn,
        Err(live::ConnectError::Timeout {
            server, timeout, ..
        }) => {
            let why = format!("did not answer within {}s", timeout.as_secs_f64());
            return failed(Some(server), why);
        }
        Err(live::ConnectError::Unreachable { server, reason, .. }) => {
            return failed(Some(server), reason);
        }
        Err(other) => return failed(None, other.to_string()),
    };
    let server = conn.server.clone();
    let (store, notices) = match live::sync_once(conn, watch_scope(cli)).await {
        Ok(synced) => synced,
        Err(why) => return failed(Some(server), why),
    };
    let prefix = format!("context {}: ", inert(&context));
    for n in notices {
        eprintln!("kready: {prefix}{}", inert(&n));
    }
    let unreadable = unreadable_kinds(&store, &prefix);
    let (config, selection, now) = (config.clone(), selection(cli, args), args.now);
    let fail_on = fail_threshold(args);
    // The checks run on a thread of their own while the other clusters
    // keep syncing; the cluster is dropped there too.
    let scanned = tokio::task::spawn_blocking(move || {
        with_report(&store, &config, selection, now, |report| {
            Scanned::new(report, fail_on, unreadable, json)
        })
        .0
    })
    .await;
    match scanned {
        Ok(Ok(scanned)) => ClusterScan {
            context,
            server: Some(server),
            outcome: Ok(scanned),
        },
        Ok(Err(e)) => failed(
            Some(server),
            format!("its report could not be written: {e}"),
        ),
        Err(e) => failed(Some(server), format!("the checks failed: {e}")),
    }
}

/// `kready snapshot -o DIR`: the live cluster written as a snapshot
/// directory. Exit 2 when it could not be captured, or when kinds failed
/// (forbidden kinds are left out with a warning, not an error).
fn snapshot(cli: &Cli, args: &SnapshotArgs) -> Result<ExitCode> {
    if !is_live(cli) {
        bail!("kready snapshot captures a live cluster: --snapshot and --demo do not apply");
    }
    if cli.context.len() > 1 {
        bail!("kready snapshot captures one context at a time: pass one --context");
    }
    // Before connecting: a directory that would be overwritten is refused
    // at once.
    let target = capture::Target::prepare(&args.output, args.force)?;
    let runtime = kready::app::runtime()?;
    let started = std::time::Instant::now();
    let progress = CaptureProgress::new(std::io::stderr().is_terminal());
    let captured = runtime.block_on(async {
        let conn = live::connect(&connect_options(cli)).await?;
        progress.say(&format!(
            "capturing context {} ({}, {}) into {}",
            conn.context,
            conn.server,
            conn.version,
            args.output.display()
        ));
        let scope = watch_scope(cli);
        anyhow::Ok(capture::capture(conn, &scope, target, &|p| progress.update(p)).await?)
    });
    progress.finish();
    let captured = captured?;
    if !captured.foreign.is_empty() {
        let names: Vec<String> = captured
            .foreign
            .iter()
            .map(|p| p.display().to_string())
            .collect();
        eprintln!(
            "kready: warning: {} entr{} in {} were not written by this capture and are read with \
             it by --snapshot: {}",
            names.len(),
            if names.len() == 1 { "y" } else { "ies" },
            args.output.display(),
            inert(&names.join(", "))
        );
    }
    eprintln!(
        "kready: captured {} objects in {} files into {} in {:.1}s",
        captured.objects,
        captured.files,
        args.output.display(),
        started.elapsed().as_secs_f64()
    );
    if !captured.forbidden.is_empty() {
        let kinds: Vec<&str> = captured.forbidden.iter().map(|(k, _)| k.as_str()).collect();
        eprintln!(
            "kready: left out as forbidden (their checks will say unknown or judge them absent): {}",
            inert(&kinds.join(", "))
        );
    }
    if !captured.failed.is_empty() {
        let kinds: Vec<&str> = captured.failed.iter().map(|(k, _)| k.as_str()).collect();
        eprintln!(
            "kready: the capture is incomplete: {} could not be read",
            inert(&kinds.join(", "))
        );
        return Ok(ExitCode::from(2));
    }
    Ok(ExitCode::SUCCESS)
}

/// `kready snapshot`'s progress on stderr: on a terminal, a bar over the
/// kinds and a line per kind being read with its objects so far; else a
/// line per kind when it is done. Warnings go above the bars.
struct CaptureProgress {
    bars: Option<Bars>,
}

struct Bars {
    multi: indicatif::MultiProgress,
    kinds: indicatif::ProgressBar,
    /// The kinds being read, by label.
    active: std::cell::RefCell<std::collections::HashMap<String, indicatif::ProgressBar>>,
}

impl CaptureProgress {
    fn new(tty: bool) -> CaptureProgress {
        let bars = tty.then(|| {
            let multi = indicatif::MultiProgress::new();
            let kinds = multi.add(indicatif::ProgressBar::new(0));
            kinds.set_style(style("{elapsed:>4} [{bar:40}] {pos}/{len} kinds {msg}"));
            Bars {
                multi,
                kinds,
                active: Default::default(),
            }
        });
        CaptureProgress { bars }
    }

    /// A line for the user, above the bars on a terminal.
    fn say(&self, text: &str) {
        let line = format!("kready: {}", inert(text));
        match &self.bars {
            Some(b) => {
                if b.multi.println(&line).is_err() {
                    eprintln!("{line}");
                }
            }
            None => eprintln!("{line}"),
        }
    }

    fn update(&self, p: Progress) {
        match (&self.bars, p) {
            (Some(b), Progress::Found(labels)) => b.kinds.set_length(labels.len() as u64),
            (None, Progress::Found(labels)) => self.say(&format!("{} kinds to read", labels.len())),
            (Some(b), Progress::Listing { label, objects }) => {
                let mut active = b.active.borrow_mut();
                let bar = active.entry(label.to_string()).or_insert_with(|| {
                    let bar = b.multi.add(indicatif::ProgressBar::new_spinner());
                    bar.set_style(style("     {prefix:<48} {human_pos:>9} objects"));
                    bar.set_prefix(inert(label).into_owned());
                    bar
                });
                bar.set_position(objects as u64);
            }
            (None, Progress::Listing { .. }) => {}
            (bars, Progress::Done { label, objects }) => {
                if let Some(b) = bars {
                    if let Some(bar) = b.active.borrow_mut().remove(label) {
                        bar.finish_and_clear();
                        b.multi.remove(&bar);
                    }
                    b.kinds.inc(1);
                } else {
                    let s = if objects == 1 { "" } else { "s" };
                    self.say(&format!("{label}: {objects} object{s}"));
                }
            }
            (
                bars,
                Progress::Skipped {
                    label,
                    forbidden,
                    reason,
                },
            ) => {
                if let Some(b) = bars {
                    if let Some(bar) = b.active.borrow_mut().remove(label) {
                        bar.finish_and_clear();
                        b.multi.remove(&bar);
                    }
                    b.kinds.inc(1);
                }
                let what = if forbidden { "forbidden" } else { "failed" };
                self.say(&format!("warning: {label} not captured, {what}: {reason}"));
            }
            (_, Progress::Warning(text)) => self.say(&format!("warning: {text}")),
        }
    }

    fn finish(&self) {
        if let Some(b) = &self.bars {
            for (_, bar) in b.active.borrow_mut().drain() {
                bar.finish_and_clear();
            }
            b.kinds.finish_and_clear();
        }
    }
}

fn style(template: &str) -> indicatif::ProgressStyle {
    indicatif::ProgressStyle::with_template(template)
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
        .progress_chars("=> ")
}

type Stdout = std::io::BufWriter<std::io::StdoutLock<'static>>;

/// Writes to stdout; a closed pipe (`| head`) is not an error.
/// (`Stdout` is a concrete type so that serialisers writing many small
/// pieces into it are compiled for it, not for a `dyn Write`.)
fn write_stdout(f: impl FnOnce(&mut Stdout) -> std::io::Result<()>) -> Result<()> {
    let mut out = std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
    f(&mut out)
        .and_then(|_| out.flush())
        .or_else(broken_pipe(()))
        .context("writing the report")
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
