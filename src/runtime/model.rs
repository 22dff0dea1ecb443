//! What the console shows, derived from the store: the check results, the
//! scores, and short histories for sparklines. The event loop owns one
//! `Model`; panes read it through `&Model` and never touch I/O.

use std::collections::{BTreeMap, VecDeque};
use std::sync::mpsc::{Receiver, Sender};

use k8s_openapi::api::autoscaling::v2::HorizontalPodAutoscaler;
use k8s_openapi::api::core::v1::Event as KubeEvent;
use k8s_openapi::jiff::Timestamp;

use super::checker::{Checker, Derivations, DeriveInput, Derived, Evaluation, Job, derive_all};
use super::results::Results;
use super::timeline::{Point, Timeline, Trend};
use crate::checks::score::{Gain, Scores};
use crate::config::Config;
use crate::model::ObjKey;
use crate::source::Event;
use crate::store::{Change, ClusterStore};

/// How many samples a sparkline keeps.
pub const HISTORY: usize = 120;

pub struct Model {
    /// What the panes read. Change it only through `apply_events`: the checker
    /// keeps a replica of its own and hears of changes from there.
    pub store: ClusterStore,
    config: Config,
    checks: Checks,
    changes: Receiver<Change>,
    /// Results in catalog order (replaced by each evaluation; unchanged
    /// checks' results are shared with the previous one).
    pub results: Results,
    pub scores: Scores,
    pub gains: Vec<Gain>,
    /// Bumped whenever `results` change; panes cache derived rows by it.
    pub generation: u64,
    /// Rows the checker derived for this generation, by consumer (pane slug).
    derived: Vec<(&'static str, Derived)>,
    /// The consumer whose rows the checker derives (`None`: all).
    focused: Option<&'static str>,
    /// When the store last changed (cluster time).
    pub last_change: Option<Timestamp>,
    /// Changes per kind over the session, for the source status.
    pub changes_by_kind: BTreeMap<String, u64>,
    /// Changes arrived since the last refresh.
    pending: bool,
    /// HPA → current replicas, one sample per tick.
    pub hpa_history: BTreeMap<ObjKey, VecDeque<u64>>,
    /// Warning events seen per tick.
    pub warning_rate: VecDeque<u64>,
    warnings_seen: u64,
    pub now: Timestamp,
    /// When the console opened (cluster time): where the trend starts.
    pub started: Timestamp,
    /// Findings that changed since the console opened (after the first
    /// full sync: a live cluster's listing is not a change).
    pub timeline: Timeline,
    /// Errors and score over the session.
    pub trend: Trend,
}

/// Where the checks run: inline (tests, benchmarks) or on the checker's
/// thread (the console).
enum Checks {
    Inline(Box<Checker>),
    Thread(Sender<Job>),
    /// The checker's thread is gone (see `run_checks_in_background`).
    Stopped,
}

impl Model {
    pub fn new(mut store: ClusterStore, config: &Config, now: Option<Timestamp>) -> Model {
        let changes = store.subscribe();
        let checker = Checker::new(&store, config, now);
        let now = now
            .or(store.info.captured_at)
            .unwrap_or_else(Timestamp::now);
        let mut m = Model {
            store,
            config: config.clone(),
            checks: Checks::Inline(Box::new(checker)),
            changes,
            results: Results::default(),
            scores: Scores::default(),
            gains: Vec::new(),
            generation: 0,
            derived: Vec::new(),
            focused: None,
            last_change: None,
            changes_by_kind: BTreeMap::new(),
            pending: true,
            hpa_history: BTreeMap::new(),
            warning_rate: VecDeque::new(),
            warnings_seen: 0,
            now,
            started: now,
            timeline: Timeline::default(),
            trend: Trend::default(),
        };
        m.warnings_seen = m.count_warnings();
        m.refresh();
        m.sample();
        m.mark_trend();
        m
    }

    /// Adds the current errors and score to the trend.
    fn mark_trend(&mut self) {
        self.trend.push(Point {
            at: self.now,
            errors: self.scores.tally.error as u64,
            score: self.scores.overall,
        });
    }

    pub fn config(&self) -> &Config {
        &self.config
    }

    /// Has the checker run `derivations` after each evaluation (inline or on
    /// its thread alike), and runs them now for the current results.
    pub fn with_derivations(mut self, derivations: Derivations) -> Model {
        self.derived = derive_all(&derivations, None, &self.derive_input());
        self.send(Job::Derivations(derivations));
        self
    }

    /// Has the checker derive only `name`'s rows from now on: the other
    /// consumers derive theirs themselves when they need them (see
    /// `ui::panes::derived`), which a console does only for the pane on
    /// screen. Under a stream of changes that halves the checker's work.
    pub fn focus(&mut self, name: &'static str) {
        if self.focused != Some(name) {
            self.focused = Some(name);
            self.send(Job::Focus(name));
        }
    }

    /// The rows derived for `name` with the current results, if the checker
    /// derives them.
    pub fn derived(&self, name: &str) -> Option<&Derived> {
        self.derived
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, d)| d)
    }

    /// What a derivation reads, from this model (for consumers that derive
    /// on the event loop themselves).
    pub fn derive_input(&self) -> DeriveInput<'_> {
        DeriveInput {
            store: &self.store,
            results: &self.results,
            config: &self.config,
            now: self.now,
        }
    }

    /// Moves the checks to a thread of their own; their evaluations arrive
    /// on the returned receiver and go to `accept`. The receiver ends if
    /// the checker stops (a check panicked).
    pub fn run_checks_in_background(
        &mut self,
    ) -> std::io::Result<tokio::sync::mpsc::UnboundedReceiver<Evaluation>> {
        let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
        if let Checks::Inline(checker) = std::mem::replace(&mut self.checks, Checks::Stopped) {
            self.checks = Checks::Thread(checker.spawn(tx)?);
        }
        Ok(rx)
    }

    /// Folds a batch of source events into the store, and sends the same
    /// batch to the checker. Returns the notices among them (for the
    /// status line).
    pub fn apply_events(&mut self, events: Vec<Event>) -> Vec<String> {
        let mut notices = Vec::new();
        // A cluster described anew (a snapshot read behind the console):
        // the trend starts at its clock.
        let described = events.iter().any(|e| matches!(e, Event::Info(_)));
        for event in events.iter().cloned() {
            match event.apply_to(&mut self.store) {
                Some(Event::Clock(now)) => {
                    self.now = now;
                    self.mark_trend();
                }
                Some(Event::Notice(line)) => notices.push(line),
                _ => {}
            }
        }
        if described {
            self.started = self.now;
            self.trend = Trend::default();
        }
        while let Ok(change) = self.changes.try_recv() {
            *self
                .changes_by_kind
                .entry(change.key.label().into_owned())
                .or_default() += 1;
            self.last_change = Some(self.now);
            self.pending = true;
        }
        self.send(Job::Events(events));
        notices
    }

    /// Asks for the results of the changes so far. Inline, they are in
    /// place when it returns, and it returns whether they changed; on the
    /// checker's thread they arrive later (see `accept`) and it returns false.
    pub fn refresh(&mut self) -> bool {
        if !std::mem::take(&mut self.pending) {
            return false;
        }
        match &mut self.checks {
            Checks::Inline(checker) => match checker.run(Job::Evaluate) {
                Some(e) => {
                    self.accept(e);
                    true
                }
                None => false,
            },
            _ => {
                self.send(Job::Evaluate);
                false
            }
        }
    }

    /// Takes in an evaluation: the panes show its results from now on.
    pub fn accept(&mut self, e: Evaluation) {
        self.results = e.results;
        self.scores = e.scores;
        self.gains = e.gains;
        self.derived = e.derived;
        self.generation += 1;
        // The checker leaves out what the cluster being read (a first list,
        // a snapshot opened) looked like a change.
        self.timeline.record(self.now, e.transitions);
        self.mark_trend();
    }

    /// Whether the checker's thread stopped (a check panicked).
    pub fn checks_stopped(&self) -> bool {
        matches!(self.checks, Checks::Stopped)
    }

    fn send(&mut self, job: Job) {
        match &mut self.checks {
            Checks::Inline(checker) => {
                checker.run(job);
            }
            Checks::Thread(tx) => {
                if tx.send(job).is_err() {
                    self.checks = Checks::Stopped;
                }
            }
            Checks::Stopped => {}
        }
    }

    fn count_warnings(&self) -> u64 {
        self.store
            .typed::<KubeEvent>()
            .filter(|(_, e)| e.type_.as_deref() == Some("Warning"))
            .map(|(_, e)| e.count.unwrap_or(1).max(1) as u64)
            .sum()
    }

    /// Records one sample of the histories (called on the tick).
    pub fn sample(&mut self) {
        for (o, h) in self.store.typed::<HorizontalPodAutoscaler>() {
            let current = h
                .status
                .as_ref()
                .and_then(|s| s.current_replicas)
                .unwrap_or(0)
                .max(0) as u64;
            let hist = self.hpa_history.entry(o.key.clone()).or_default();
            hist.push_back(current);
            if hist.len() > HISTORY {
                hist.pop_front();
            }
        }
        let seen = self.count_warnings();
        self.warning_rate
            .push_back(seen.saturating_sub(self.warnings_seen));
        self.warnings_seen = seen;
        if self.warning_rate.len() > HISTORY {
            self.warning_rate.pop_front();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::snapshot::{LoadOptions, load_str};

    /// After `focus`, an evaluation carries the focused consumer's rows
    /// only; the others derive theirs themselves when shown.
    #[test]
    fn the_checker_derives_the_focused_rows_only() {
        let yaml = "apiVersion: v1\nkind: Namespace\nmetadata: {name: a}\n";
        let load = |name: &str| {
            load_str(
                std::path::Path::new(name),
                &yaml.replace("name: a", &format!("name: {name}")),
                &LoadOptions::default(),
            )
            .unwrap()
            .into_store()
        };
        let mut model = Model::new(load("a"), &Config::default(), None)
            .with_derivations(crate::ui::panes::derivations());
        assert!(model.derived("quotas").is_some() && model.derived("nodes").is_some());
        model.focus("quotas");
        let b = load("b").get_named("Namespace", "", "b").cloned().unwrap();
        model.apply_events(vec![Event::Apply(b)]);
        assert!(model.refresh(), "inline, the evaluation is in place");
        assert!(model.derived("quotas").is_some());
        assert!(model.derived("nodes").is_none());
    }
}
