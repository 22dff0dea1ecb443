//! The console's event loop: one tokio loop over terminal events, source
//! changes (the demo replay today, watches later), a tick and signals. It
//! owns the model and the UI state, calls the pure `update`, performs the
//! effects, and redraws only when something changed, at most every ~16 ms.
//!
//! Signals are handled from before loading (`Signals`, `until_signal`), the
//! terminal is restored exactly once on every way out (quit, error, signal,
//! panic), and a signal ends the process with status 128 + its number.

use std::io::{Stdout, Write};
use std::path::PathBuf;
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

use crate::config::keymap::Keymap;
use crate::config::theme::Theme;
use crate::model::inert::inert;
use crate::source::demo::{self, ReplayStep};
use crate::ui::model::Model;
use crate::ui::state::{Effect, Msg, State, update};

/// The shortest time between two frames.
const FRAME: Duration = Duration::from_millis(16);
/// How often pending store changes are folded into the results.
const TICK: Duration = Duration::from_millis(250);

pub struct Options {
    pub theme: Theme,
    pub keymap: Keymap,
    /// Demo replay steps, when `--demo` without `--no-replay`.
    pub replay: Vec<ReplayStep>,
    pub export_dir: PathBuf,
    pub log: Option<PathBuf>,
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

/// Runs `work` (loading, the first evaluation) on a thread of its own while
/// this one waits for it or for a signal. `Err(n)`: signal `n` came first;
/// the work is abandoned, as the process is about to exit.
pub fn until_signal<T: Send + 'static>(
    runtime: &Runtime,
    signals: &mut Signals,
    what: &str,
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<Result<T, Ended>> {
    let (tx, rx) = tokio::sync::oneshot::channel();
    std::thread::Builder::new()
        .name(format!("kready {what}"))
        .spawn(move || {
            let _ = tx.send(work());
        })
        .with_context(|| format!("starting {what}"))?;
    runtime.block_on(async {
        tokio::select! {
            done = rx => match done {
                Ok(value) => Ok(Ok(value)),
                Err(_) => anyhow::bail!("{what} stopped (it panicked)"),
            },
            n = signals.recv() => Ok(Err(Ended::Signal(n))),
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
    let log = Log::open(opts.log.as_deref());
    // Checks re-run on their own thread, so a keypress never waits for them.
    let mut evaluations = model
        .run_checks_in_background()
        .context("starting the checker thread")?;
    let mut state = State::new(opts.keymap, opts.theme, opts.export_dir);
    let size = terminal.size()?;
    state.size = (size.width, size.height);
    log.line(&format!(
        "console started: {} objects, {} results",
        model.store.len(),
        model.results.len()
    ));

    let (tx, mut replay) = mpsc::channel::<ReplayStep>(16);
    if !opts.replay.is_empty() {
        tokio::spawn(demo::play(opts.replay, tx));
    } else {
        drop(tx);
    }
    let mut events = EventStream::new();
    let mut tick = tokio::time::interval(TICK);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);

    let mut dirty = true;
    let mut pending = false;
    let mut last_draw = Instant::now() - FRAME;
    loop {
        if dirty && last_draw.elapsed() >= FRAME {
            terminal.draw(|f| crate::ui::draw(f, &state, model))?;
            dirty = false;
            last_draw = Instant::now();
        }
        let next_frame = tokio::time::sleep(FRAME.saturating_sub(last_draw.elapsed()));
        tokio::select! {
            ev = events.next() => match ev {
                Some(Ok(Event::Key(key))) if key.kind != KeyEventKind::Release => {
                    let effects = update(&mut state, model, Msg::Key(key));
                    dirty = true;
                    for effect in effects {
                        match effect {
                            Effect::Quit => {
                                log.line("quit");
                                return Ok(Ended::Quit);
                            }
                            Effect::Write { path, contents } => {
                                let status = export_status(&path, &contents);
                                log.line(&status);
                                state.status = Some(status);
                            }
                        }
                    }
                }
                Some(Ok(Event::Resize(w, h))) => {
                    update(&mut state, model, Msg::Resize(w, h));
                    terminal.autoresize()?;
                    dirty = true;
                }
                Some(Ok(_)) => {}
                Some(Err(e)) => {
                    log.line(&format!("terminal event error: {e}"));
                    return Err(e.into());
                }
                None => return Ok(Ended::Quit),
            },
            Some(step) = replay.recv() => {
                log.line(&format!("replay: {}", step.title));
                model.set_now(step.at);
                model.apply(step.objects, &step.deletes);
                state.status = Some(format!("demo: {}", step.title));
                pending = true;
                dirty = true;
            }
            _ = tick.tick() => {
                if std::mem::take(&mut pending) {
                    model.refresh();
                    model.sample();
                    dirty = true;
                }
            }
            evaluation = evaluations.recv() => match evaluation {
                Some(e) => {
                    model.accept(e);
                    dirty = true;
                }
                None => {
                    log.line("the checker stopped");
                    anyhow::bail!("the checks stopped running (a check panicked; see the log)");
                }
            },
            _ = next_frame, if dirty => {}
            n = signals.recv() => {
                log.line(&format!("ended by signal {n}"));
                return Ok(Ended::Signal(n));
            }
        }
    }
}

/// Writes an export (a small file, so on the loop) and says where it went.
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

/// Log lines go to a file in the data directory, never to the terminal.
struct Log(Option<std::sync::Mutex<std::fs::File>>);

impl Log {
    fn open(path: Option<&std::path::Path>) -> Log {
        let file = path.and_then(|p| {
            if let Some(dir) = p.parent() {
                let _ = std::fs::create_dir_all(dir);
            }
            std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(p)
                .ok()
        });
        Log(file.map(std::sync::Mutex::new))
    }

    /// One line, made inert and with secret literals masked: it may quote
    /// cluster text.
    fn line(&self, text: &str) {
        if let Some(f) = &self.0
            && let Ok(mut f) = f.lock()
        {
            let text = crate::model::mask::mask_words(text);
            let text = crate::model::inert::inert(&text);
            let _ = writeln!(f, "{} {text}", k8s_openapi::jiff::Timestamp::now());
        }
    }
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

    #[test]
    fn log_lines_are_masked_and_inert() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("data/kready.log");
        let log = Log::open(Some(&path));
        log.line("replay: PGPASSWORD=hunter2 step \u{1b}[2J");
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(
            text.ends_with("replay: PGPASSWORD=<literal, not shown> step \\x1b[2J\n"),
            "{text:?}"
        );
    }
}
