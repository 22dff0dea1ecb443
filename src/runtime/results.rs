//! The results the console shows, kept in order from one evaluation to the
//! next in time proportional to what changed: one bucket per check (catalog
//! order), each sorted by `engine::order` and shared as an `Arc`, so
//! publishing an evaluation copies no result, and a change re-sorts nothing
//! (a changed result is removed and inserted by binary search). A bucket an
//! evaluation did not touch is the previous evaluation's, shared.

use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

use crate::checks::engine::{FindingChanges, Findings, catalog_positions, order};
use crate::checks::score::{self, Gain, Scores, Tally};
use crate::checks::{Category, CheckResult};
use crate::runtime::timeline::{self, Transition, sorted_transitions};

#[derive(Clone, Default)]
struct Bucket {
    results: Arc<Vec<Arc<CheckResult>>>,
    /// Per check id in the bucket (one, except the bucket of ids outside the
    /// catalog): its category and tally, for the scores.
    tallies: Vec<(&'static str, Category, Tally)>,
}

impl Bucket {
    fn tally(&mut self) {
        // A bucket holds one check's results (the last, the few outside the
        // catalog): a short list beats a map per result.
        let mut tallies: Vec<(&'static str, Category, Tally)> = Vec::new();
        for r in self.results.iter() {
            match tallies.iter_mut().find(|(id, _, _)| *id == r.check) {
                Some((_, _, t)) => t.add(r),
                None => {
                    let mut t = Tally::default();
                    t.add(r);
                    tallies.push((r.check, r.category, t));
                }
            }
        }
        tallies.sort_unstable_by_key(|(id, _, _)| *id);
        self.tallies = tallies;
    }

    /// Counts `r` in (`add`) or out of the tallies, without a pass over
    /// the bucket (a pod change would re-count 30,000 results).
    fn count(&mut self, r: &CheckResult, add: bool) {
        let i = match self
            .tallies
            .binary_search_by_key(&r.check, |(id, _, _)| *id)
        {
            Ok(i) => i,
            Err(i) => {
                self.tallies
                    .insert(i, (r.check, r.category, Tally::default()));
                i
            }
        };
        let t = &mut self.tallies[i].2;
        if add {
            t.add(r);
        } else {
            t.remove(r);
        }
        if t.is_empty() {
            self.tallies.remove(i);
        }
    }
}

/// All results of an evaluation, in catalog order, then `engine::order`.
/// Cloning shares everything.
#[derive(Clone, Default)]
pub struct Results {
    /// Per catalog position; the last holds ids outside the catalog.
    buckets: Vec<Bucket>,
    /// Where each bucket starts in the whole order.
    starts: Arc<Vec<usize>>,
    positions: Arc<HashMap<&'static str, usize>>,
}

impl Results {
    /// All of `findings`, sorted.
    pub fn new(findings: &Findings) -> Results {
        let positions = catalog_positions();
        let mut buckets = vec![Bucket::default(); positions.len() + 1];
        let mut current = usize::MAX;
        let mut bucket: Vec<Arc<CheckResult>> = Vec::new();
        // `sorted` is in bucket order already.
        for r in findings.sorted_shared() {
            let b = positions.get(r.check).copied().unwrap_or(positions.len());
            if b != current {
                if let Some(done) = buckets.get_mut(current) {
                    done.results = Arc::new(std::mem::take(&mut bucket));
                }
                current = b;
            }
            bucket.push(r.clone());
        }
        if let Some(done) = buckets.get_mut(current) {
            done.results = Arc::new(bucket);
        }
        let mut results = Results {
            buckets,
            starts: Arc::default(),
            positions: Arc::new(positions),
        };
        results.buckets.iter_mut().for_each(Bucket::tally);
        results.index();
        results
    }

    fn position(&self, id: &str) -> usize {
        self.positions
            .get(id)
            .copied()
            .unwrap_or(self.positions.len())
    }

    /// Brings the results up to `findings`, given what changed since they
    /// last matched (see `FindingChanges`), adding the findings that
    /// changed to `transitions`. Returns whether anything did.
    pub fn update(
        &mut self,
        findings: &Findings,
        changes: FindingChanges,
        transitions: &mut Vec<Transition>,
    ) -> bool {
        let mut touched: BTreeSet<usize> = BTreeSet::new();
        let rebuilt: BTreeSet<usize> = changes
            .checks
            .iter()
            .chain(changes.object_checks.keys())
            .map(|id| self.position(id))
            .collect();
        if !rebuilt.is_empty() {
            let mut made: HashMap<usize, Vec<Arc<CheckResult>>> =
                rebuilt.iter().map(|b| (*b, Vec::new())).collect();
            for id in &changes.checks {
                if let Some(v) = made.get_mut(&self.position(id)) {
                    v.extend(findings.of_check(id).cloned());
                }
            }
            for (id, results) in changes.object_checks {
                if let Some(v) = made.get_mut(&self.position(id)) {
                    v.extend(results);
                }
            }
            // Replaced whole: comparing a re-run check's results with the
            // last ones, string by string, cost more than re-tallying them.
            for (b, mut v) in made {
                v.sort_unstable_by(|x, y| order(x, y));
                sorted_transitions(&self.buckets[b].results, &v, transitions);
                self.buckets[b].results = Arc::new(v);
                touched.insert(b);
            }
        }
        let replaced = changes
            .objects
            .iter()
            .map(|(key, old)| (old, findings.of_object(key)))
            .chain(
                changes
                    .namespaces
                    .iter()
                    .map(|((id, ns), old)| (old, findings.of_namespace(id, ns))),
            );
        for (old, new) in replaced {
            if old.as_slice() == new {
                continue; // re-checked, same results
            }
            // A rebuilt bucket's transitions were found above.
            if rebuilt.is_empty() {
                timeline::transitions(old, new, transitions);
            } else {
                let kept = |rs: &[Arc<CheckResult>]| -> Vec<Arc<CheckResult>> {
                    rs.iter()
                        .filter(|r| !rebuilt.contains(&self.position(r.check)))
                        .cloned()
                        .collect()
                };
                timeline::transitions(&kept(old), &kept(new), transitions);
            }
            for r in old {
                let b = self.position(r.check);
                if rebuilt.contains(&b) {
                    continue;
                }
                let bucket = &mut self.buckets[b];
                let v = Arc::make_mut(&mut bucket.results);
                if let Ok(i) = v.binary_search_by(|x| order(x, r)) {
                    v.remove(i);
                    bucket.count(r, false);
                    touched.insert(b);
                }
            }
            for r in new {
                let b = self.position(r.check);
                if rebuilt.contains(&b) {
                    continue;
                }
                let bucket = &mut self.buckets[b];
                let v = Arc::make_mut(&mut bucket.results);
                let i = v.binary_search_by(|x| order(x, r)).unwrap_or_else(|i| i);
                v.insert(i, r.clone());
                bucket.count(r, true);
                touched.insert(b);
            }
        }
        for &b in &rebuilt {
            self.buckets[b].tally();
        }
        if !touched.is_empty() {
            self.index();
        }
        !touched.is_empty()
    }

    fn index(&mut self) {
        let mut at = 0;
        self.starts = Arc::new(
            self.buckets
                .iter()
                .map(|b| {
                    let start = at;
                    at += b.results.len();
                    start
                })
                .collect(),
        );
    }

    /// The findings that changed from `old` to these results, bucket by
    /// bucket (a bucket both share is skipped): after a whole evaluation.
    pub fn transitions_from(&self, old: &Results) -> Vec<Transition> {
        let mut out = Vec::new();
        if old.buckets.len() != self.buckets.len() {
            return out; // no results before: nothing to compare with
        }
        for (a, b) in old.buckets.iter().zip(&self.buckets) {
            if !Arc::ptr_eq(&a.results, &b.results) {
                sorted_transitions(&a.results, &b.results, &mut out);
            }
        }
        out
    }

    pub fn len(&self) -> usize {
        self.buckets.iter().map(|b| b.results.len()).sum()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The `i`th result in the whole order.
    pub fn get(&self, i: usize) -> Option<&Arc<CheckResult>> {
        let b = self.starts.partition_point(|&s| s <= i).checked_sub(1)?;
        self.buckets.get(b)?.results.get(i - self.starts[b])
    }

    /// Every result, in order.
    pub fn iter(&self) -> impl Iterator<Item = &CheckResult> {
        self.buckets
            .iter()
            .flat_map(|b| b.results.iter().map(|r| &**r))
    }

    /// Every result, in order, as the shared `Arc`s.
    pub fn shared(&self) -> impl Iterator<Item = &Arc<CheckResult>> {
        self.buckets.iter().flat_map(|b| b.results.iter())
    }

    /// One check's results, in order.
    pub fn of_check(&self, id: &str) -> &[Arc<CheckResult>] {
        match self.positions.get(id) {
            Some(&b) => &self.buckets[b].results,
            None => &[],
        }
    }

    pub fn scores(&self) -> Scores {
        Scores::from_tallies(
            self.buckets
                .iter()
                .flat_map(|b| b.tallies.iter().map(|(_, c, t)| (*c, *t))),
        )
    }

    /// The `n` checks whose fixing raises the overall score most.
    pub fn gains(&self, n: usize) -> Vec<Gain> {
        score::gains_from(
            self.buckets
                .iter()
                .flat_map(|b| b.tallies.iter().map(|(id, _, t)| (*id, *t))),
            n,
        )
    }
}
