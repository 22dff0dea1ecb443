//! The readiness score (catalog § Score):
//! `100 × 2·pass / (2·pass + warning + 2·error)` over decided results;
//! `unknown` and `info` are left out.

use std::collections::BTreeMap;

use serde::Serialize;

use super::{Category, CheckResult, Severity, Status};

#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Tally {
    pub pass: usize,
    pub warning: usize,
    pub error: usize,
    pub info: usize,
    pub unknown: usize,
}

impl Tally {
    pub fn add(&mut self, r: &CheckResult) {
        *self.count_of(r) += 1;
    }

    /// Takes back one `add` of `r`.
    pub fn remove(&mut self, r: &CheckResult) {
        let n = self.count_of(r);
        *n = n.saturating_sub(1);
    }

    /// The count `r` goes to.
    fn count_of(&mut self, r: &CheckResult) -> &mut usize {
        match (r.status, r.severity) {
            (Status::Unknown, _) => &mut self.unknown,
            (Status::Pass, Severity::Info) | (Status::Fail, Severity::Info) => &mut self.info,
            (Status::Pass, _) => &mut self.pass,
            (Status::Fail, Severity::Warning) => &mut self.warning,
            (Status::Fail, Severity::Error) => &mut self.error,
        }
    }

    pub fn is_empty(&self) -> bool {
        *self == Tally::default()
    }

    pub fn merge(&mut self, other: &Tally) {
        self.pass += other.pass;
        self.warning += other.warning;
        self.error += other.error;
        self.info += other.info;
        self.unknown += other.unknown;
    }

    /// The score, `None` when nothing was decided.
    pub fn score(&self) -> Option<f64> {
        let denom = 2 * self.pass + self.warning + 2 * self.error;
        (denom > 0).then(|| 100.0 * (2 * self.pass) as f64 / denom as f64)
    }
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Scores {
    pub overall: Option<f64>,
    pub categories: BTreeMap<Category, Option<f64>>,
    #[serde(skip)]
    pub tally: Tally,
    #[serde(skip)]
    pub tallies: BTreeMap<Category, Tally>,
}

pub fn score<'a>(results: impl IntoIterator<Item = &'a CheckResult>) -> Scores {
    Scores::from_tallies(per_check(results).into_values())
}

/// Each check's tally and category, by check id.
pub fn per_check<'a>(
    results: impl IntoIterator<Item = &'a CheckResult>,
) -> BTreeMap<&'static str, (Category, Tally)> {
    let mut out: BTreeMap<&'static str, (Category, Tally)> = BTreeMap::new();
    for r in results {
        out.entry(r.check)
            .or_insert_with(|| (r.category, Tally::default()))
            .1
            .add(r);
    }
    out
}

impl Scores {
    /// The scores of results already tallied per check (a check's results
    /// share its category).
    pub fn from_tallies(tallies: impl IntoIterator<Item = (Category, Tally)>) -> Scores {
        let mut s = Scores::default();
        for (category, t) in tallies {
            s.tally.merge(&t);
            s.tallies.entry(category).or_default().merge(&t);
        }
        s.overall = s.tally.score();
        s.categories = s.tallies.iter().map(|(c, t)| (*c, t.score())).collect();
        s
    }
}

/// A check whose failures, fixed, would raise the overall score by `gain` points.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Gain {
    pub check: String,
    pub failing: usize,
    pub gain: f64,
}

/// The checks whose fixing raises the overall score most, best first.
pub fn top_gains<'a>(results: impl IntoIterator<Item = &'a CheckResult>, n: usize) -> Vec<Gain> {
    let tallies = per_check(results);
    gains_from(tallies.iter().map(|(id, (_, t))| (*id, *t)), n)
}

/// `top_gains` from each check's tally, in check id order.
pub fn gains_from<'a>(
    per_check: impl Iterator<Item = (&'a str, Tally)> + Clone,
    n: usize,
) -> Vec<Gain> {
    let mut total = Tally::default();
    for (_, t) in per_check.clone() {
        total.merge(&t);
    }
    let Some(base) = total.score() else {
        return Vec::new();
    };
    let mut gains: Vec<Gain> = per_check
        .filter(|(_, t)| t.warning + t.error > 0)
        .map(|(check, t)| {
            // Fixing turns each failure into a pass.
            let fixed = Tally {
                pass: total.pass + t.warning + t.error,
                warning: total.warning - t.warning,
                error: total.error - t.error,
                ..total
            };
            Gain {
                check: check.to_string(),
                failing: t.warning + t.error,
                gain: fixed.score().unwrap_or(base) - base,
            }
        })
        .collect();
    gains.sort_by(|a, b| {
        b.gain
            .total_cmp(&a.gain)
            .then_with(|| a.check.cmp(&b.check))
    });
    gains.truncate(n);
    gains
}
