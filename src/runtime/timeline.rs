//! "Since you opened kready": which findings became new, worse, better or
//! resolved, and when. `transitions` compares one finding's results before
//! and after an evaluation (pure); `Timeline` keeps the latest change of
//! each finding, newest first, stamped with the cluster clock. Ages are
//! computed when drawn, never stored in the text.

use std::collections::VecDeque;
use std::sync::Arc;

use k8s_openapi::jiff::Timestamp;

use crate::checks::{CheckId, CheckResult, Severity, Status, Subject};

/// How many findings' changes the timeline keeps (the oldest go first).
pub const KEEP: usize = 500;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChangeKind {
    /// Failing now, not before.
    New,
    /// Failing before and now, more severely now.
    Worse,
    /// Failing before and now, less severely now.
    Better,
    /// Failing before; passing now, or its object is gone.
    Resolved,
}

impl ChangeKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ChangeKind::New => "new",
            ChangeKind::Worse => "worse",
            ChangeKind::Better => "better",
            ChangeKind::Resolved => "resolved",
        }
    }
}

/// One finding's change in one evaluation.
#[derive(Debug, Clone, PartialEq)]
pub struct Transition {
    pub kind: ChangeKind,
    pub check: CheckId,
    pub subject: Subject,
    /// The severity now (for `Resolved`, the one it had).
    pub severity: Severity,
    /// What the finding says now (for `Resolved`, what it said).
    pub message: String,
}

/// A transition as the console heard of it.
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    pub at: Timestamp,
    pub t: Transition,
}

/// A finding's state in one evaluation: its worst failure, if any.
#[derive(Clone, Copy)]
enum Seen<'a> {
    Failing(Severity, &'a CheckResult),
    /// Passing, or no result (the object is gone).
    Clear,
    /// The check could not tell (a kind not readable).
    Unknown,
}

fn seen<'a>(results: impl Iterator<Item = &'a CheckResult>) -> Seen<'a> {
    let mut state = Seen::Clear;
    let mut unknown = false;
    for r in results {
        match r.status {
            // `Severity` orders the most severe first.
            Status::Fail => match state {
                Seen::Failing(s, _) if s <= r.severity => {}
                _ => state = Seen::Failing(r.severity, r),
            },
            Status::Unknown => unknown = true,
            Status::Pass => {}
        }
    }
    match state {
        Seen::Clear if unknown => Seen::Unknown,
        s => s,
    }
}

/// The transitions between `old` and `new`, two sets of results of the
/// same findings in any order (one object's, one check's). Results are
/// grouped by check and subject; a finding that became unknown has not
/// changed (it cannot be told), and an unchanged severity is no change
/// even if the message moved (a restart count).
pub fn transitions(old: &[Arc<CheckResult>], new: &[Arc<CheckResult>], out: &mut Vec<Transition>) {
    let mut findings: Vec<(CheckId, &Subject)> = Vec::new();
    for r in old.iter().chain(new) {
        if r.status == Status::Fail && !findings.contains(&(r.check, &r.subject)) {
            findings.push((r.check, &r.subject));
        }
    }
    for (check, subject) in findings {
        // Lists are short (one object's results), or grouped by subject.
        let mine = |r: &&Arc<CheckResult>| r.check == check && r.subject == *subject;
        let before = seen(old.iter().filter(mine).map(|r| &**r));
        let after = seen(new.iter().filter(mine).map(|r| &**r));
        if let Some(t) = transition(before, after) {
            out.push(t);
        }
    }
}

fn transition(before: Seen, after: Seen) -> Option<Transition> {
    let (kind, r) = match (before, after) {
        (Seen::Failing(a, _), Seen::Failing(b, r)) if b < a => (ChangeKind::Worse, r),
        (Seen::Failing(a, _), Seen::Failing(b, r)) if b > a => (ChangeKind::Better, r),
        (Seen::Failing(..), Seen::Failing(..)) => return None,
        (_, Seen::Failing(_, r)) => (ChangeKind::New, r),
        (Seen::Failing(_, r), Seen::Clear) => (ChangeKind::Resolved, r),
        _ => return None,
    };
    Some(Transition {
        kind,
        check: r.check,
        subject: r.subject.clone(),
        severity: r.severity,
        message: r.message.clone(),
    })
}

/// Two lists sorted by `engine::order` (subject first), compared subject by
/// subject, in one pass: a check re-run over 30,000 pods costs a walk.
pub fn sorted_transitions(
    old: &[Arc<CheckResult>],
    new: &[Arc<CheckResult>],
    out: &mut Vec<Transition>,
) {
    let (mut i, mut j) = (0, 0);
    while i < old.len() || j < new.len() {
        // Unchanged results are the same shared result.
        if i < old.len() && j < new.len() && Arc::ptr_eq(&old[i], &new[j]) {
            i += 1;
            j += 1;
            continue;
        }
        let subject = match (old.get(i), new.get(j)) {
            (Some(a), Some(b)) => std::cmp::min(&a.subject, &b.subject),
            (Some(a), None) => &a.subject,
            (None, Some(b)) => &b.subject,
            (None, None) => break,
        };
        let end = |v: &[Arc<CheckResult>], from: usize| {
            from + v[from..].partition_point(|r| r.subject <= *subject)
        };
        let (i2, j2) = (end(old, i), end(new, j));
        transitions(&old[i..i2], &new[j..j2], out);
        (i, j) = (i2, j2);
    }
}

/// The latest change of each finding since the console started, newest
/// first.
#[derive(Debug, Clone, Default)]
pub struct Timeline {
    changes: VecDeque<Change>,
}

impl Timeline {
    /// Records `transitions` as heard `at`: a finding's earlier change
    /// gives way to its new one.
    pub fn record(&mut self, at: Timestamp, transitions: Vec<Transition>) {
        // Of a burst, only the last `KEEP` can stay.
        let skip = transitions.len().saturating_sub(KEEP);
        for t in transitions.into_iter().skip(skip) {
            self.changes
                .retain(|c| !(c.t.check == t.check && c.t.subject == t.subject));
            self.changes.push_front(Change { at, t });
        }
        self.changes.truncate(KEEP);
    }

    pub fn iter(&self) -> impl Iterator<Item = &Change> {
        self.changes.iter()
    }
}

/// One point of the trend: errors and the score after an evaluation.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Point {
    pub at: Timestamp,
    pub errors: u64,
    pub score: Option<f64>,
}

/// How many points the trend keeps; beyond, every other old point goes,
/// so a long session keeps its whole span at a coarser grain.
pub const TREND_POINTS: usize = 720;

#[derive(Debug, Clone, Default)]
pub struct Trend {
    points: Vec<Point>,
}

impl Trend {
    /// Adds a point. One at the time of the last replaces it, and so does
    /// one that extends a flat stretch (it needs its two ends only).
    pub fn push(&mut self, p: Point) {
        let same = |a: &Point| a.errors == p.errors && a.score == p.score;
        let n = self.points.len();
        let replaces = match self.points.as_slice() {
            [.., last] if last.at == p.at => true,
            [.., prev, last] => same(prev) && same(last),
            _ => false,
        };
        if replaces {
            self.points[n - 1] = p;
            return;
        }
        self.points.push(p);
        if self.points.len() > TREND_POINTS {
            // Every other point goes; the newest stays.
            let last = self.points.len() - 1;
            let mut i = 0;
            self.points.retain(|_| {
                i += 1;
                (i - 1) % 2 == 0 || i - 1 == last
            });
        }
    }

    pub fn points(&self) -> &[Point] {
        &self.points
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::Category;

    fn r(check: CheckId, name: &str, status: Status, severity: Severity) -> Arc<CheckResult> {
        Arc::new(CheckResult {
            check,
            status,
            severity,
            category: Category::Workload,
            subject: Subject {
                kind: "Pod".into(),
                namespace: Some("shop".into()),
                name: name.into(),
                container: None,
            },
            message: format!("{name} {status:?}"),
            evidence: Vec::new(),
        })
    }

    fn kinds(old: &[Arc<CheckResult>], new: &[Arc<CheckResult>]) -> Vec<(ChangeKind, String)> {
        let mut out = Vec::new();
        sorted_transitions(old, new, &mut out);
        out.into_iter()
            .map(|t| (t.kind, t.subject.name.to_string()))
            .collect()
    }

    #[test]
    fn new_worse_better_resolved_and_silent_cases() {
        use Severity::*;
        use Status::*;
        let c = "workload/crashloop";
        let old = vec![
            r(c, "a", Pass, Error),
            r(c, "b", Fail, Warning),
            r(c, "c", Fail, Error),
            r(c, "d", Fail, Error),
            r(c, "e", Fail, Error),
            r(c, "f", Fail, Warning),
        ];
        let new = vec![
            r(c, "a", Fail, Error),    // new
            r(c, "b", Fail, Error),    // worse
            r(c, "c", Fail, Warning),  // better
            r(c, "d", Pass, Error),    // resolved
            r(c, "e", Unknown, Error), // cannot tell: no change
            r(c, "f", Fail, Warning),  // same
            r(c, "g", Fail, Info),     // new, no old result
        ];
        assert_eq!(
            kinds(&old, &new),
            vec![
                (ChangeKind::New, "a".into()),
                (ChangeKind::Worse, "b".into()),
                (ChangeKind::Better, "c".into()),
                (ChangeKind::Resolved, "d".into()),
                (ChangeKind::New, "g".into()),
            ]
        );
        // A deleted object's failure is resolved.
        assert_eq!(
            kinds(&old[3..4], &[]),
            vec![(ChangeKind::Resolved, "d".into())]
        );
    }

    #[test]
    fn the_timeline_keeps_each_findings_latest_change_newest_first() {
        let c = "workload/crashloop";
        let at = |s: i64| Timestamp::from_second(s).unwrap();
        let mut out = Vec::new();
        transitions(&[], &[r(c, "a", Status::Fail, Severity::Error)], &mut out);
        transitions(&[], &[r(c, "b", Status::Fail, Severity::Error)], &mut out);
        let mut tl = Timeline::default();
        tl.record(at(10), out[..1].to_vec());
        tl.record(at(20), out[1..].to_vec());
        let mut gone = Vec::new();
        transitions(&[r(c, "a", Status::Fail, Severity::Error)], &[], &mut gone);
        tl.record(at(30), gone);
        let seen: Vec<(i64, ChangeKind, &str)> = tl
            .iter()
            .map(|c| (c.at.as_second(), c.t.kind, c.t.subject.name.as_str()))
            .collect();
        assert_eq!(
            seen,
            vec![(30, ChangeKind::Resolved, "a"), (20, ChangeKind::New, "b")]
        );
    }

    #[test]
    fn the_trend_keeps_its_span_when_thinned() {
        let mut t = Trend::default();
        for s in 0..2000 {
            t.push(Point {
                at: Timestamp::from_second(s).unwrap(),
                errors: s as u64,
                score: Some(50.0),
            });
        }
        let p = t.points();
        assert!(p.len() <= TREND_POINTS, "{}", p.len());
        assert_eq!(p[0].at.as_second(), 0);
        assert_eq!(p.last().unwrap().at.as_second(), 1999);
        // A flat stretch is kept as its ends.
        let mut flat = Trend::default();
        for s in 0..10 {
            flat.push(Point {
                at: Timestamp::from_second(s).unwrap(),
                errors: 3,
                score: None,
            });
        }
        let ends: Vec<i64> = flat.points().iter().map(|p| p.at.as_second()).collect();
        assert_eq!(ends, vec![0, 9]);
    }
}
