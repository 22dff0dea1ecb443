//! The console's event loop: one tokio loop over terminal events, source
//! changes (the demo replay, or a live cluster's watches), a fold timer and
//! signals.
//! It owns the model and the UI state, calls the pure `update`, performs the
//! effects, and redraws only when something changed, at most every ~16 ms.
//! With nothing pending it arms no timer at all, so an idle console sleeps
//! until a key, a signal or a source event arrives.
//!
//! Signals are handled from before connecting (`Signals`, `until_signal`), the
//! terminal is restored exactly once on every way out (quit, error, signal,
//! panic), and a signal ends the process with status 128 + its number.

use std::io::{Stdout, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use crossterm::event::{Event, EventStream, KeyEventKind};
use crossterm::execute;
use crossterm::terminal::{
    EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode,
};
use futures::StreamExt;
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;
use tokio::runtime::Runtime;
use tokio::signal::unix::{Signal, SignalKind, signal};
use tokio::sync::mpsc;
use tracing::{info, warn};
use tracing_subscriber::EnvFilter;
use tracing_subscriber::fmt::MakeWriter;

use crate::config::keymap::Keymap;
use crate::config::theme::Theme;
use crate::model::inert::inert;
use crate::runtime::Model;
use crate::source::Event as SourceEvent;
use crate::source::demo;
use crate::source::live;
use crate::ui::state::{Effect, Msg, State, update};

/// The shortest time between two frames.
const FRAME: Duration = Duration::from_millis(16);
/// How long store changes wait before they are folded into the results: a
/// burst of changes is folded once, and under a steady stream of watch
/// events the checks run twice a second, a change still on screen within a
/// second.
const FOLD: Duration = Duration::from_millis(500);

pub struct Options {
    pub theme: Theme,
    pub keymap: Keymap,
    /// What keeps changing the cluster after the console opens.
    pub feed: Feed,
    /// How `:ctx` opens another context (`None`: no kubeconfig), and its
    /// contexts.
    pub switch: Option<Switch>,
    pub export_dir: PathBuf,
    /// The status line to start with (start-up warnings).
    pub status: Option<String>,
}

/// The source of changes while the console runs.
pub enum Feed {
    /// A snapshot (or the demo) read behind the open console, then, for
    /// the demo without `--no-replay`, its incident replayed.
    Load(Box<Load>),
    /// A live cluster's watches.
    Live(Box<(live::Connection, live::WatchScope)>),
}

pub struct Load {
    pub path: PathBuf,
    /// `snapshot` or `demo`.
    pub source: String,
    pub options: crate::source::snapshot::LoadOptions,
    /// The demo's replay timeline, to play once the cluster is read.
    pub replay: Option<PathBuf>,
}

/// Reads the snapshot into the console, then plays the replay if any.
async fn load(load: Load, tx: mpsc::Sender<Vec<SourceEvent>>) {
    let start =
        crate::source::loading::feed(load.path, &load.source, load.options, tx.clone()).await;
    let Some(dir) = load.replay else { return };
    let start = start.unwrap_or_else(k8s_openapi::jiff::Timestamp::now);
    match demo::load_steps(&dir, start) {
        Ok(steps) => demo::play(steps, tx).await,
        Err(e) => {
            let _ = tx
                .send(vec![SourceEvent::Notice(format!("replay: {e}"))])
                .await;
        }
    }
}

/// What `:ctx NAME` needs: how to connect (its context replaced by NAME)
/// and what to watch there.
pub struct Switch {
    pub connect: live::ConnectOptions,
    pub scope: live::WatchScope,
    pub contexts: Vec<String>,
}

type Term = Terminal<CrosstermBackend<Stdout>>;

/// How the console ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ended {
    Quit,
    /// By this signal (SIGTERM, SIGHUP or SIGINT).
    Signal(i32),
}

impl Ended {
    /// The process's exit status: 0, or the shell's 128 + signal number.
    pub fn exit_code(self) -> u8 {
        match self {
            Ended::Quit => 0,
            Ended::Signal(n) => u8::try_from(128 + n).unwrap_or(u8::MAX),
        }
    }
}

/// The signals that end the console. Installed first thing, before loading
/// and before the terminal is touched: from then on a signal is recorded
/// instead of killing the process with the terminal still in raw mode, and
/// whichever phase is running observes it.
pub struct Signals {
    term: Signal,
    hup: Signal,
    // In raw mode ctrl-c is a key; a SIGINT can still come from `kill`.
    int: Signal,
}

impl Signals {
    /// Must run inside `runtime` (tokio registers the handlers there).
    pub fn install(runtime: &Runtime) -> Result<Signals> {
        let _inside = runtime.enter();
        let install = |kind: SignalKind, name: &str| {
            signal(kind).with_context(|| format!("installing the {name} handler"))
        };
        Ok(Signals {
            term: install(SignalKind::terminate(), "SIGTERM")?,
            hup: install(SignalKind::hangup(), "SIGHUP")?,
            int: install(SignalKind::interrupt(), "SIGINT")?,
        })
    }

    /// The number of the next signal.
    async fn recv(&mut self) -> i32 {
        tokio::select! {
            _ = self.term.recv() => libc::SIGTERM,
            _ = self.hup.recv() => libc::SIGHUP,
            _ = self.int.recv() => libc::SIGINT,
        }
    }
}

/// The console's runtime: one thread; checks run on a thread of their own.
pub fn runtime() -> Result<Runtime> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("starting the event loop")
}

/// Runs `work` (connecting to a cluster) until it ends or a signal comes:
/// `Err` names the signal that came first.
pub fn until_signal<T>(
    runtime: &Runtime,
    signals: &mut Signals,
    work: impl std::future::Future<Output = T>,
) -> Result<T, Ended> {
    runtime.block_on(async {
        tokio::select! {
            value = work => Ok(value),
            n = signals.recv() => Err(Ended::Signal(n)),
        }
    })
}

/// Whether the terminal is in raw mode on the alternate screen (so that
/// `restore` undoes it exactly once, whichever path gets there first).
static TERMINAL_TAKEN: AtomicBool = AtomicBool::new(false);

/// The terminal, restored when this is dropped (on every return, error or
/// unwinding); the panic hook restores it before the message is printed.
struct TerminalGuard;

impl Drop for TerminalGuard {
    fn drop(&mut self) {
        restore();
    }
}

fn setup() -> Result<(Term, TerminalGuard)> {
    TERMINAL_TAKEN.store(true, Ordering::SeqCst);
    // From here on a failure half-way still restores what was done.
    let guard = TerminalGuard;
    enable_raw_mode().context("terminal: raw mode")?;
    let mut out = std::io::stdout();
    execute!(out, EnterAlternateScreen).context("terminal: alternate screen")?;
    Ok((Terminal::new(CrosstermBackend::new(out))?, guard))
}

/// Leaves the alternate screen and raw mode, if the console took them.
pub fn restore() {
    if !TERMINAL_TAKEN.swap(false, Ordering::SeqCst) {
        return;
    }
    let _ = disable_raw_mode();
    let mut out = std::io::stdout();
    let _ = execute!(out, LeaveAlternateScreen, crossterm::cursor::Show);
    let _ = out.flush();
}

/// Runs the console on `model` until the user quits or a signal ends it;
/// the terminal is restored on every way out.
pub fn run(runtime: &Runtime, signals: &mut Signals, model: Model, opts: Options) -> Result<Ended> {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        restore();
        previous(info);
    }));
    let mut model = model;
    let (mut terminal, restore_on_drop) = setup()?;
    let ended = runtime.block_on(event_loop(&mut terminal, signals, &mut model, opts));
    drop(restore_on_drop);
    // The process ends next: freeing a large cluster object by object would
    // keep a signalled console alive for most of a second, for nothing.
    std::mem::forget(model);
    ended
}

async fn event_loop(
    terminal: &mut Term,
    signals: &mut Signals,
    model: &mut Model,
    opts: Options,
) -> Result<Ended> {
    // Checks re-run on their own thread, so a keypress never waits for them.
    let mut evaluations = model
        .run_checks_in_background()
        .context("starting the checker thread")?;
    let mut state = State::new(opts.keymap, opts.theme, opts.export_dir);
    state.status = opts.status;
    let size = terminal.size()?;
    state.size = (size.width, size.height);
    info!(
        "console started: {} objects, {} results",
        model.store.len(),
        model.results.len()
    );

    // Sources send batches of events: a snapshot read behind the open
    // console (then the demo's replay), or a live cluster's watches.
    let (tx, mut source) = mpsc::channel::<Vec<SourceEvent>>(16);
    // The live cluster's connection, for `y` (fetches) and `:ctx`.
    let mut connection: Option<live::Connection> = None;
    let mut feed = match opts.feed {
        Feed::Load(l) => Some(tokio::spawn(load(*l, tx))),
        Feed::Live(live) => {
            let (conn, scope) = *live;
            connection = Some(conn.clone());
            Some(tokio::spawn(live::run(conn, scope, tx)))
        }
    };
    state.contexts = opts
        .switch
        .as_ref()
        .map(|s| s.contexts.clone())
        .unwrap_or_default();
    // `:ctx` connects off the loop and hands the connection back here.
    let (connected_tx, mut connected) =
        mpsc::unbounded_channel::<Result<live::Connection, String>>();
    // Effects run as tasks and report back here.
    let (done_tx, mut done) = mpsc::unbounded_channel::<Msg>();
    let mut events = EventStream::new();

    let mut dirty = true;
    // When the store changes still to fold are due; `None` (nothing
    // pending) arms no timer, so a static snapshot wakes for nothing.
    let mut fold_at: Option<tokio::time::Instant> = None;
    let mut last_draw = Instant::now() - FRAME;
    loop {
        if dirty && last_draw.elapsed() >= FRAME {
            terminal.draw(|f| crate::ui::draw(f, &state, model))?;
            dirty = false;
            last_draw = Instant::now();
        }
        let next_frame = tokio::time::sleep(FRAME.saturating_sub(last_draw.elapsed()));
        let msg = tokio::select! {
            ev = events.next() => match ev {
                Some(Ok(Event::Key(key))) if key.kind != KeyEventKind::Release => Msg::Key(key),
                Some(Ok(Event::Resize(w, h))) => {
                    terminal.autoresize()?;
                    Msg::Resize(w, h)
                }
                Some(Ok(_)) => continue,
                Some(Err(e)) => {
                    warn!("terminal event error: {e}");
                    return Err(e.into());
                }
                None => return Ok(Ended::Quit),
            },
            Some(batch) = source.recv() => Msg::Source(batch),
            _ = tokio::time::sleep_until(fold_at.unwrap_or_else(tokio::time::Instant::now)),
                if fold_at.is_some() => {
                fold_at = None;
                Msg::Tick
            }
            evaluation = evaluations.recv() => match evaluation {
                Some(e) => Msg::Evaluated(e),
                None => {
                    warn!("the checker stopped");
                    anyhow::bail!("the checks stopped running (a check panicked; see the log)");
                }
            },
            Some(msg) = done.recv() => msg,
            Some(result) = connected.recv() => match result {
                Ok(conn) => {
                    let Some(switch) = &opts.switch else { continue };
                    let line = format!("connected to {} ({})", conn.context, conn.server);
                    info!("{line}");
                    // The old cluster's watches stop; its events are dropped
                    // with their channel.
                    if let Some(old) = feed.take() {
                        old.abort();
                    }
                    let (tx, rx) = mpsc::channel::<Vec<SourceEvent>>(16);
                    source = rx;
                    let store = crate::store::ClusterStore::new(live::cluster_info(&conn));
                    let mut fresh = Model::new(store, model.config(), None)
                        .with_derivations(crate::ui::panes::derivations());
                    evaluations = fresh
                        .run_checks_in_background()
                        .context("starting the checker thread")?;
                    *model = fresh;
                    fold_at = None;
                    connection = Some(conn.clone());
                    feed = Some(tokio::spawn(live::run(conn, switch.scope.clone(), tx)));
                    Msg::EffectDone(line)
                }
                Err(e) => Msg::EffectDone(e),
            },
            _ = next_frame, if dirty => continue,
            // A failing kind's retry countdown moves once a second.
            _ = tokio::time::sleep(Duration::from_secs(1)), if model.store.retry_pending() => {
                dirty = true;
                continue;
            }
            n = signals.recv() => {
                info!("ended by signal {n}");
                return Ok(Ended::Signal(n));
            }
        };
        dirty = true;
        for effect in update(&mut state, model, msg) {
            match effect {
                Effect::Quit => {
                    info!("quit");
                    return Ok(Ended::Quit);
                }
                Effect::Write { path, contents } => {
                    let done = done_tx.clone();
                    tokio::task::spawn_blocking(move || {
                        let status = export_status(&path, &contents);
                        info!("{status}");
                        let _ = done.send(Msg::EffectDone(status));
                    });
                }
                // The first change of a burst sets the deadline; later ones
                // are folded with it.
                Effect::Fold => {
                    fold_at.get_or_insert_with(|| tokio::time::Instant::now() + FOLD);
                }
                Effect::Fetch(key, api_version) => {
                    let done = done_tx.clone();
                    match connection.clone() {
                        Some(conn) => {
                            tokio::spawn(async move {
                                let fetched = live::fetch(
                                    &conn,
                                    &api_version,
                                    &key.kind,
                                    &key.namespace,
                                    &key.name,
                                )
                                .await;
                                let _ = done.send(match fetched {
                                    Ok(value) => Msg::Fetched(
                                        key,
                                        value,
                                        "the whole object, as the server holds it now".into(),
                                    ),
                                    Err(why) => Msg::EffectDone(why),
                                });
                            });
                        }
                        None => {
                            let _ = done.send(Msg::EffectDone("no live connection".into()));
                        }
                    }
                }
                Effect::Reread(key, origin) => {
                    let done = done_tx.clone();
                    tokio::task::spawn_blocking(move || {
                        let msg = match crate::source::reread::object(&origin, &key) {
                            Ok(value) => Msg::Fetched(
                                key,
                                value,
                                format!(
                                    "the whole object, as {}:{} holds it",
                                    origin.file.display(),
                                    origin.line
                                ),
                            ),
                            Err(why) => Msg::EffectDone(why),
                        };
                        let _ = done.send(msg);
                    });
                }
                Effect::SwitchContext(name) => match &opts.switch {
                    Some(switch) => {
                        let options = live::ConnectOptions {
                            context: Some(name),
                            ..switch.connect.clone()
                        };
                        let tx = connected_tx.clone();
                        tokio::spawn(async move {
                            let _ =
                                tx.send(live::connect(&options).await.map_err(|e| e.to_string()));
                        });
                    }
                    None => {
                        let _ =
                            done_tx.send(Msg::EffectDone("no kubeconfig to switch with".into()));
                    }
                },
            }
        }
    }
}

/// Writes an export (on a blocking task) and says where it went.
fn export_status(path: &std::path::Path, contents: &str) -> String {
    match crate::ui::state::write_new_file(path, contents) {
        Ok(written) => format!("exported to {}", inert(&written.to_string_lossy())),
        Err(e) => format!(
            "export failed: {}: {}",
            inert(&path.to_string_lossy()),
            crate::file_input::os_error(&e)
        ),
    }
}

/// The environment variable with the log's `EnvFilter` directives
/// (`warn`, `kready=debug`, …); `info` when unset.
pub const LOG_ENV: &str = "KREADY_LOG";

/// Sends the process's `tracing` events (kready's, and its libraries') to
/// the file at `path`, appending; `KREADY_LOG` chooses what is recorded.
/// Never the terminal: the console owns it. A log that cannot be opened is
/// not an error (the console works without one); bad `KREADY_LOG`
/// directives are, so a typo does not silently record nothing.
pub fn init_log(path: &Path) -> Result<()> {
    let filter = log_filter(std::env::var(LOG_ENV).ok().as_deref())?;
    let Some(file) = LogFile::open(path) else {
        return Ok(());
    };
    tracing::subscriber::set_global_default(log_subscriber(file, filter))
        .context("installing the logger")
}

/// The filter for `directives` (`KREADY_LOG`'s value), `info` when none.
pub fn log_filter(directives: Option<&str>) -> Result<EnvFilter> {
    match directives.map(str::trim).filter(|d| !d.is_empty()) {
        None => Ok(EnvFilter::new("info")),
        Some(d) => EnvFilter::try_new(d).with_context(|| format!("{LOG_ENV}={}", inert(d))),
    }
}

/// One line per event: time, level, target, message; no colours.
fn log_subscriber(file: LogFile, filter: EnvFilter) -> impl tracing::Subscriber + Send + Sync {
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(file)
        .with_ansi(false)
        // A failed write must not be reported on stderr, which is the
        // console's terminal.
        .log_internal_errors(false)
        .finish()
}

/// The log file, shared by every event. Each event is formatted into its
/// own buffer (`LogLine`) and written whole, masked and inert.
struct LogFile(Mutex<std::fs::File>);

impl LogFile {
    fn open(path: &Path) -> Option<LogFile> {
        if let Some(dir) = path.parent() {
            let _ = std::fs::create_dir_all(dir);
        }
        let file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
            .ok()?;
        Some(LogFile(Mutex::new(file)))
    }
}

impl<'a> MakeWriter<'a> for LogFile {
    type Writer = LogLine<'a>;

    fn make_writer(&'a self) -> LogLine<'a> {
        LogLine {
            file: &self.0,
            text: Vec::new(),
        }
    }
}

/// One event's text, written to the file when dropped: the formatter hands
/// it over in pieces, and masking needs the whole line.
struct LogLine<'a> {
    file: &'a Mutex<std::fs::File>,
    text: Vec<u8>,
}

impl Write for LogLine<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.text.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Drop for LogLine<'_> {
    fn drop(&mut self) {
        if self.text.is_empty() {
            return;
        }
        let line = log_line(&String::from_utf8_lossy(&self.text));
        // A poisoned lock only means another event's write panicked; the
        // file is still fine to append to.
        let mut file = self.file.lock().unwrap_or_else(|e| e.into_inner());
        let _ = file.write_all(line.as_bytes());
    }
}

/// An event as it goes to the file: it may quote cluster text, so secret
/// literals are masked and control characters escaped — the newlines inside
/// a message too, so that one event is one line and cannot fake another.
fn log_line(event: &str) -> String {
    let event = event.strip_suffix('\n').unwrap_or(event);
    let masked = crate::model::mask::mask_words(event);
    format!("{}\n", inert(&masked))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exit_codes() {
        assert_eq!(Ended::Quit.exit_code(), 0);
        assert_eq!(Ended::Signal(libc::SIGTERM).exit_code(), 143);
        assert_eq!(Ended::Signal(libc::SIGHUP).exit_code(), 129);
        assert_eq!(Ended::Signal(libc::SIGINT).exit_code(), 130);
    }

    #[test]
    fn export_status_names_the_file_written() {
        let dir = tempfile::tempdir().unwrap();
        let wish = dir.path().join("kready-findings.md");
        assert_eq!(
            export_status(&wish, "a"),
            format!("exported to {}", wish.display())
        );
        let second = dir.path().join("kready-findings-2.md");
        assert_eq!(
            export_status(&wish, "b"),
            format!("exported to {}", second.display())
        );
        let missing = dir.path().join("gone/x.md");
        assert_eq!(
            export_status(&missing, "c"),
            format!(
                "export failed: {}: no such file or directory",
                missing.display()
            )
        );
    }

    /// Runs `log` with a subscriber writing to a fresh file; its text.
    fn logged(directives: Option<&str>, log: impl FnOnce()) -> String {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("data/kready.log");
        let file = LogFile::open(&path).unwrap();
        let filter = log_filter(directives).unwrap();
        tracing::subscriber::with_default(log_subscriber(file, filter), log);
        std::fs::read_to_string(&path).unwrap()
    }

    #[test]
    fn log_lines_are_masked_and_inert() {
        let text = logged(None, || info!("replay: PGPASSWORD=hunter2 step \u{1b}[2J"));
        assert!(
            text.ends_with(
                "kready::app::tests: replay: PGPASSWORD=<literal, not shown> step \\x1b[2J\n"
            ),
            "{text:?}"
        );
        assert!(text.contains(" INFO "), "{text:?}");
        assert_eq!(text.lines().count(), 1, "{text:?}");
    }

    #[test]
    fn a_multi_line_message_stays_one_line() {
        let text = logged(None, || {
            warn!("terminal event error: x\n2026-01-01T00:00:00Z  INFO forged")
        });
        assert_eq!(text.lines().count(), 1, "{text:?}");
        assert!(
            text.ends_with("x\\n2026-01-01T00:00:00Z  INFO forged\n"),
            "{text:?}"
        );
    }

    #[test]
    fn log_level_is_info_unless_kready_log_says_otherwise() {
        let events = || {
            tracing::debug!("detail");
            info!("progress");
            warn!("trouble");
        };
        let default = logged(None, events);
        assert!(
            !default.contains("detail") && default.contains("progress"),
            "{default}"
        );
        let quiet = logged(Some("warn"), events);
        assert!(
            !quiet.contains("progress") && quiet.contains("trouble"),
            "{quiet}"
        );
        let verbose = logged(Some("kready=debug"), events);
        assert!(verbose.contains("detail"), "{verbose}");
        // Blank is unset.
        let blank = logged(Some(" "), events);
        assert!(
            !blank.contains("detail") && blank.contains("progress"),
            "{blank}"
        );
    }

    #[test]
    fn bad_kready_log_directives_are_an_error() {
        let err = log_filter(Some("kready=loud")).unwrap_err();
        assert!(
            format!("{err:#}").starts_with("KREADY_LOG=kready=loud: "),
            "{err:#}"
        );
    }
}
