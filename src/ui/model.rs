//! What the console shows, derived from the store: the check results, the
//! scores, and short histories for sparklines. The event loop owns one
//! `Model`; panes read it through `&Model` and never touch I/O.

use std::collections::{BTreeMap, VecDeque};
use std::sync::mpsc::Receiver;

use k8s_openapi::api::autoscaling::v2::HorizontalPodAutoscaler;
use k8s_openapi::api::core::v1::Event;
use k8s_openapi::jiff::Timestamp;

use crate::checks::CheckResult;
use crate::checks::engine::{Engine, Findings, Selection};
use crate::checks::score::{self, Gain, Scores};
use crate::config::Config;
use crate::model::{ObjKey, ObjRef};
use crate::store::{Change, ClusterStore};

/// How many samples a sparkline keeps.
pub const HISTORY: usize = 120;

pub struct Model {
    pub store: ClusterStore,
    pub engine: Engine,
    findings: Findings,
    changes: Receiver<Change>,
    /// Results in catalog order (rebuilt when findings change).
    pub results: Vec<CheckResult>,
    pub scores: Scores,
    pub gains: Vec<Gain>,
    /// Bumped whenever `results` change; panes cache derived rows by it.
    pub generation: u64,
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
}

impl Model {
    pub fn new(mut store: ClusterStore, config: &Config, now: Option<Timestamp>) -> Model {
        let changes = store.subscribe();
        let engine = Engine::new(config, Selection::default(), now);
        let findings = engine.evaluate(&store);
        let now = now
            .or(store.info.captured_at)
            .unwrap_or_else(Timestamp::now);
        let mut m = Model {
            store,
            engine,
            findings,
            changes,
            results: Vec::new(),
            scores: Scores::default(),
            gains: Vec::new(),
            generation: 0,
            last_change: None,
            changes_by_kind: BTreeMap::new(),
            pending: false,
            hpa_history: BTreeMap::new(),
            warning_rate: VecDeque::new(),
            warnings_seen: 0,
            now,
        };
        m.warnings_seen = m.count_warnings();
        m.rebuild();
        m.sample();
        m
    }

    /// Applies objects (and deletions) from a source, as a watch would.
    pub fn apply(&mut self, objects: Vec<ObjRef>, deletes: &[ObjKey]) {
        for o in objects {
            self.store.apply(o);
        }
        for k in deletes {
            self.store.delete(k);
        }
        self.drain_changes();
    }

    fn drain_changes(&mut self) {
        while let Ok(change) = self.changes.try_recv() {
            self.engine
                .apply_change(&self.store, &change, &mut self.findings);
            *self
                .changes_by_kind
                .entry(change.key.kind.clone())
                .or_default() += 1;
            self.last_change = Some(self.now);
            self.pending = true;
        }
    }

    /// Advances cluster time (the demo replay's clock).
    pub fn set_now(&mut self, now: Timestamp) {
        self.now = now;
        self.engine.set_now(Some(now));
    }

    /// Re-runs dirty checks and rebuilds the result list. Returns whether
    /// anything changed (so the loop knows to redraw).
    pub fn refresh(&mut self) -> bool {
        self.drain_changes();
        if self.findings.is_dirty() {
            self.engine.refresh(&self.store, &mut self.findings);
        }
        if !std::mem::take(&mut self.pending) {
            return false;
        }
        self.rebuild();
        true
    }

    fn rebuild(&mut self) {
        self.results = self.findings.sorted().into_iter().cloned().collect();
        self.scores = score::score(&self.results);
        self.gains = score::top_gains(&self.results, 8);
        self.generation += 1;
    }

    fn count_warnings(&self) -> u64 {
        self.store
            .typed::<Event>()
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
