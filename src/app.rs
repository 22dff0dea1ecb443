//! The console's event loop: one tokio loop over terminal events, source
//! changes (the demo replay today, watches later), a tick and signals. It
//! owns the model and the UI state, calls the pure `update`, performs the
//! effects, and redraws only when something changed, at most every ~16 ms.

use std::io::{Stdout, Write};
use std::path::PathBuf;
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
use tokio::signal::unix::{SignalKind, signal};
use tokio::sync::mpsc;

use crate::config::Config;
use crate::config::keymap::Keymap;
use crate::config::theme::Theme;
use crate::source::demo::{self, ReplayStep};
use crate::store::ClusterStore;
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

fn setup() -> Result<Term> {
    enable_raw_mode().context("terminal: raw mode")?;
    let mut out = std::io::stdout();
    execute!(out, EnterAlternateScreen).context("terminal: alternate screen")?;
    Ok(Terminal::new(CrosstermBackend::new(out))?)
}

/// Leaves the alternate screen and raw mode. Safe to call twice.
pub fn restore() {
    let _ = disable_raw_mode();
    let mut out = std::io::stdout();
    let _ = execute!(out, LeaveAlternateScreen, crossterm::cursor::Show);
    let _ = out.flush();
}

/// Runs the console until the user quits or a signal ends it.
pub fn run(store: ClusterStore, config: &Config, opts: Options) -> Result<()> {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        restore();
        previous(info);
    }));
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let mut terminal = setup()?;
    let result = runtime.block_on(event_loop(&mut terminal, store, config, opts));
    restore();
    result
}

async fn event_loop(
    terminal: &mut Term,
    store: ClusterStore,
    config: &Config,
    opts: Options,
) -> Result<()> {
    let log = Log::open(opts.log.as_deref());
    let mut model = Model::new(store, config, None);
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
    let mut sigterm = signal(SignalKind::terminate())?;
    let mut sighup = signal(SignalKind::hangup())?;
    // In raw mode ctrl-c is a key; a SIGINT can still come from `kill`.
    let mut sigint = signal(SignalKind::interrupt())?;
    let mut tick = tokio::time::interval(TICK);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);

    let mut dirty = true;
    let mut pending = false;
    let mut last_draw = Instant::now() - FRAME;
    loop {
        if dirty && last_draw.elapsed() >= FRAME {
            terminal.draw(|f| crate::ui::draw(f, &state, &model))?;
            dirty = false;
            last_draw = Instant::now();
        }
        let next_frame = tokio::time::sleep(FRAME.saturating_sub(last_draw.elapsed()));
        tokio::select! {
            ev = events.next() => match ev {
                Some(Ok(Event::Key(key))) if key.kind != KeyEventKind::Release => {
                    let effects = update(&mut state, &model, Msg::Key(key));
                    dirty = true;
                    for effect in effects {
                        match effect {
                            Effect::Quit => {
                                log.line("quit");
                                return Ok(());
                            }
                            Effect::Write { path, contents } => {
                                state.status = Some(match std::fs::write(&path, contents) {
                                    Ok(()) => format!("exported to {}", path.display()),
                                    Err(e) => format!("export failed: {}: {e}", path.display()),
                                });
                            }
                        }
                    }
                }
                Some(Ok(Event::Resize(w, h))) => {
                    update(&mut state, &model, Msg::Resize(w, h));
                    terminal.autoresize()?;
                    dirty = true;
                }
                Some(Ok(_)) => {}
                Some(Err(e)) => {
                    log.line(&format!("terminal event error: {e}"));
                    return Err(e.into());
                }
                None => return Ok(()),
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
            _ = sigterm.recv() => { log.line("SIGTERM"); return Ok(()); }
            _ = sighup.recv() => { log.line("SIGHUP"); return Ok(()); }
            _ = sigint.recv() => { log.line("SIGINT"); return Ok(()); }
        }
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

    fn line(&self, text: &str) {
        if let Some(f) = &self.0
            && let Ok(mut f) = f.lock()
        {
            let _ = writeln!(f, "{} {text}", k8s_openapi::jiff::Timestamp::now());
        }
    }
}
