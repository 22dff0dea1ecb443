//! The console's checks, apart from the event loop. The checker keeps its
//! own replica of the store (the objects are shared `Arc`s), the engine and
//! the findings. The loop sends it every batch of source events and, on its tick,
//! asks for an evaluation; the checker re-runs what the changes made dirty,
//! sorts the results and sends them back. On a large cluster under a few
//! hundred changes a second that takes a few hundred milliseconds, which
//! must not delay a keypress: in the console it runs on its own thread.
//! Tests and benchmarks run the same code inline. After each evaluation it
//! also runs the panes' derivations (their heavy rows), so the event loop
//! only filters and formats them.

use std::any::Any;
use std::collections::HashSet;
use std::sync::Arc;
use std::sync::mpsc::{self, Receiver, Sender};

use k8s_openapi::jiff::Timestamp;

use super::results::Results;
use super::timeline::Transition;
use crate::checks::engine::{Engine, Findings, Selection};
use crate::checks::score::{Gain, Scores};
use crate::config::Config;
use crate::source::Event;
use crate::store::{Change, ClusterStore};

/// How many "what would raise the score most" entries the console shows.
const GAINS: usize = 40;
/// Changes in one batch above which (and above an eighth of the cluster)
/// the checks run over the whole store instead of change by change.
const BULK: usize = 1000;

/// What a derivation reads: the checker's store and results as of its
/// latest evaluation.
pub struct DeriveInput<'a> {
    pub store: &'a ClusterStore,
    pub results: &'a Results,
    pub config: &'a Config,
    pub now: Timestamp,
}

/// Rows derived for one consumer (a pane), shared with the event loop.
pub type Derived = Arc<dyn Any + Send + Sync>;

/// A derivation: pure, and cheap enough to run after every evaluation.
pub type Derive = fn(&DeriveInput) -> Derived;

/// The derivations to run, each under its consumer's name.
pub type Derivations = Vec<(&'static str, Derive)>;

/// Runs every derivation over `input` (only `focus`'s, when set).
pub fn derive_all(
    derivations: &Derivations,
    focus: Option<&str>,
    input: &DeriveInput,
) -> Vec<(&'static str, Derived)> {
    derivations
        .iter()
        .filter(|(name, _)| focus.is_none_or(|f| f == *name))
        .map(|(name, derive)| (*name, derive(input)))
        .collect()
}

/// What the loop sends the checker.
pub enum Job {
    /// Run these derivations after each evaluation from now on.
    Derivations(Derivations),
    /// Run only this one of them from now on.
    Focus(&'static str),
    /// Source events, in the order the loop's store folded them (the clock
    /// among them: evaluate as of that time from then on).
    Events(Vec<Event>),
    /// Send back the results if anything changed since the last evaluation.
    Evaluate,
}

/// The results of one evaluation, ready for the panes.
pub struct Evaluation {
    /// In catalog order, then subject (shared with the checker).
    pub results: Results,
    pub scores: Scores,
    pub gains: Vec<Gain>,
    /// The derivations' rows for these results, by name.
    pub derived: Vec<(&'static str, Derived)>,
    /// The findings that changed since the last evaluation.
    pub transitions: Vec<Transition>,
}

pub struct Checker {
    store: ClusterStore,
    changes: Receiver<Change>,
    engine: Engine,
    findings: Findings,
    /// The findings in order, as last published.
    results: Results,
    /// Changes since the last evaluation.
    pending: bool,
    /// Findings changed since the last evaluation.
    transitions: Vec<Transition>,
    /// The lists seen so far (kind, group, namespace).
    listed: HashSet<(String, String, Option<String>)>,
    /// Whether the next evaluation's changes are the cluster being read
    /// (a first list, a snapshot opened, kinds still listing) rather than
    /// the cluster changing: they are not reported as transitions.
    reading: bool,
    config: Config,
    derivations: Derivations,
    /// The only derivation to run, when set.
    focus: Option<&'static str>,
    /// The cluster time derivations see (ages, recency).
    now: Timestamp,
}

impl Checker {
    /// Evaluates `store` once; later changes come as jobs.
    pub fn new(store: &ClusterStore, config: &Config, now: Option<Timestamp>) -> Checker {
        let mut store = store.replica();
        let captured_at = store.info.captured_at;
        let changes = store.subscribe();
        let engine = Engine::new(config, Selection::default(), now);
        let findings = engine.evaluate(&store);
        let results = Results::new(&findings);
        Checker {
            store,
            changes,
            engine,
            findings,
            results,
            pending: true,
            transitions: Vec::new(),
            listed: HashSet::new(),
            reading: false,
            config: config.clone(),
            derivations: Vec::new(),
            focus: None,
            now: now.or(captured_at).unwrap_or_else(Timestamp::now),
        }
    }

    /// Handles a job; an `Evaluate` with changes pending returns the results.
    pub fn run(&mut self, job: Job) -> Option<Evaluation> {
        match job {
            Job::Derivations(derivations) => {
                self.derivations = derivations;
                None
            }
            Job::Focus(name) => {
                self.focus = Some(name);
                None
            }
            Job::Events(events) => {
                for event in events {
                    self.reading |= self.first_sight(&event);
                    if let Some(Event::Clock(now)) = event.apply_to(&mut self.store) {
                        self.engine.set_now(Some(now));
                        self.now = now;
                    }
                }
                self.reading |= self.store.listing();
                let changes: Vec<Change> = self.changes.try_iter().collect();
                // Every check is run anew when a kind became readable or
                // unreadable (a live source's list ended, or was forbidden),
                // or when much of the cluster changed at once (a snapshot
                // loaded, a first list): one pass beats change by change.
                let bulk = changes.len() > BULK.max(self.store.len() / 8);
                if bulk || self.engine.blocked_changed(&self.store, &self.findings) {
                    self.findings = self.engine.evaluate(&self.store);
                    let fresh = Results::new(&self.findings);
                    self.transitions
                        .extend(fresh.transitions_from(&self.results));
                    self.results = fresh;
                    self.pending = true;
                    return None;
                }
                // Object-scoped checks re-run now, the rest when evaluating.
                for change in changes {
                    self.engine
                        .apply_change(&self.store, &change, &mut self.findings);
                    self.pending = true;
                }
                None
            }
            Job::Evaluate => self.evaluate(),
        }
    }

    fn evaluate(&mut self) -> Option<Evaluation> {
        if self.findings.is_dirty() {
            self.engine.refresh(&self.store, &mut self.findings);
        }
        if !std::mem::take(&mut self.pending) {
            return None;
        }
        // Only what changed is re-sorted; unchanged checks are shared.
        let changes = self.findings.take_changes();
        self.results
            .update(&self.findings, changes, &mut self.transitions);
        if std::mem::take(&mut self.reading) {
            self.transitions.clear();
        }
        let derived = derive_all(
            &self.derivations,
            self.focus,
            &DeriveInput {
                store: &self.store,
                results: &self.results,
                config: &self.config,
                now: self.now,
            },
        );
        Some(Evaluation {
            scores: self.results.scores(),
            gains: self.results.gains(GAINS),
            results: self.results.clone(),
            derived,
            transitions: std::mem::take(&mut self.transitions),
        })
    }

    /// Whether `event` shows a part of the cluster for the first time: a
    /// new cluster described, or a kind's first list.
    fn first_sight(&mut self, event: &Event) -> bool {
        match event {
            Event::Info(_) => {
                self.listed.clear();
                true
            }
            Event::Relist {
                kind,
                group,
                namespace,
                ..
            } => self
                .listed
                .insert((kind.clone(), group.clone(), namespace.clone())),
            _ => false,
        }
    }

    /// Runs the checker on a thread of its own: jobs go in through the
    /// returned sender, evaluations come out through `publish`. Jobs that
    /// queued up while it evaluated are all applied before the next
    /// evaluation. It stops when the sender is dropped.
    pub fn spawn(
        mut self,
        publish: tokio::sync::mpsc::UnboundedSender<Evaluation>,
    ) -> std::io::Result<Sender<Job>> {
        let (tx, rx) = mpsc::channel::<Job>();
        std::thread::Builder::new()
            .name("kready-checker".into())
            .spawn(move || {
                while let Ok(job) = rx.recv() {
                    let mut evaluate = matches!(job, Job::Evaluate);
                    self.run_quietly(job);
                    for job in rx.try_iter() {
                        evaluate |= matches!(job, Job::Evaluate);
                        self.run_quietly(job);
                    }
                    if evaluate
                        && let Some(e) = self.evaluate()
                        && publish.send(e).is_err()
                    {
                        return; // the console is gone
                    }
                }
            })?;
        Ok(tx)
    }

    /// `run`, with evaluation left to the caller.
    fn run_quietly(&mut self, job: Job) {
        if !matches!(job, Job::Evaluate) {
            self.run(job);
        }
    }
}
