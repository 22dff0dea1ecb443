//! Headless report formats for `kready check`. Each takes a `Report` (the
//! results of one run plus what they need to locate objects) and `write`s
//! it to an `io::Write` as it is produced (a large cluster's report is
//! 100+ MB); `render` returns the same text as a `String`. A format is one
//! module with a `FORMAT` and its line in `FORMATS`: `--format`, its help
//! and the console's export read the list.

pub mod fleet;
pub mod json;
pub mod junit;
pub mod markdown;
pub mod policyreport;
pub mod sarif;
pub mod table;

use std::io;
use std::path::Path;

use k8s_openapi::jiff::Timestamp;

use crate::checks::score::{self, Gain, Scores};
use crate::checks::{Check, CheckResult, Severity, Status};
use crate::model::{Object, Origin};
use crate::store::ClusterStore;

/// How many "what would raise the score most" entries reports show.
pub const TOP_GAINS: usize = 5;

/// Every output format, `--format`'s values in this order.
pub const FORMATS: &[Format] = &[
    table::FORMAT,
    json::FORMAT,
    markdown::FORMAT,
    sarif::FORMAT,
    junit::FORMAT,
    policyreport::FORMAT,
];

/// The format named `name` (as `--format` takes it).
pub fn format(name: &str) -> Option<&'static Format> {
    FORMATS.iter().find(|f| f.name == name)
}

/// An output format: its name and its writer.
pub struct Format {
    /// What `--format` takes, and an export file's extension's source.
    pub name: &'static str,
    /// The file extension of a file in this format.
    pub extension: &'static str,
    pub write: fn(&Report, &Output, &mut dyn io::Write) -> io::Result<()>,
}

/// Where a report goes and what the caller asked of it.
pub struct Output<'a> {
    /// Written to a terminal: JSON is indented, the table may use colour.
    pub tty: bool,
    /// The table may use colour (a terminal, and `NO_COLOR` unset).
    pub color: bool,
    /// `--show-pass`: list passing results in the table and Markdown.
    pub show_pass: bool,
    /// What SARIF locations are relative to (the working directory).
    pub base: &'a Path,
}

pub struct Report<'a> {
    /// Results in catalog order, then subject.
    pub results: Vec<&'a CheckResult>,
    pub checks: &'a [&'static Check],
    pub scores: Scores,
    pub gains: Vec<Gain>,
    pub store: &'a ClusterStore,
    pub evaluated_at: Timestamp,
}

impl<'a> Report<'a> {
    pub fn new(
        results: Vec<&'a CheckResult>,
        checks: &'a [&'static Check],
        store: &'a ClusterStore,
        evaluated_at: Timestamp,
    ) -> Self {
        Report {
            scores: score::score(results.iter().copied()),
            gains: score::top_gains(results.iter().copied(), TOP_GAINS),
            results,
            checks,
            store,
            evaluated_at,
        }
    }

    /// The object a result is about, when it is a stored object.
    pub fn object(&self, r: &CheckResult) -> Option<&'a Object> {
        let s = &r.subject;
        self.store
            .get_named(&s.kind, s.namespace.as_deref().unwrap_or(""), &s.name)
            .map(|o| o.as_ref())
    }

    /// The file and line the subject was read from.
    pub fn origin(&self, r: &CheckResult) -> Option<&'a Origin> {
        self.object(r).and_then(|o| o.origin.as_ref())
    }

    /// Whether any failure is at or above `threshold`.
    pub fn fails_at(&self, threshold: Severity) -> bool {
        self.results
            .iter()
            .any(|r| r.status == Status::Fail && r.severity <= threshold)
    }
}

/// Formats a score for humans: `87` or `n/a` when nothing was decided.
pub fn score_text(score: Option<f64>) -> String {
    score.map_or_else(|| "n/a".to_string(), |s| format!("{s:.0}"))
}

/// Serialises `items` on all CPUs, `per_thread` items per thread a round at
/// a time, and writes the parts in order: a report can be 100 MB, so only a
/// round's text is held. `part(start, items)` serialises the items that
/// begin at index `start`.
pub(crate) fn write_in_rounds<T: Sync>(
    items: &[T],
    per_thread: usize,
    out: &mut impl std::io::Write,
    part: impl Fn(usize, &[T]) -> std::io::Result<Vec<u8>> + Sync,
) -> std::io::Result<()> {
    let cpus = std::thread::available_parallelism().map_or(1, |n| n.get());
    let round_len = per_thread * cpus;
    for (round, chunk) in items.chunks(round_len).enumerate() {
        let part = &part;
        let parts: Vec<std::io::Result<Vec<u8>>> = std::thread::scope(|s| {
            let handles: Vec<_> = chunk
                .chunks(per_thread)
                .enumerate()
                .map(|(i, slice)| {
                    let start = round * round_len + i * per_thread;
                    s.spawn(move || part(start, slice))
                })
                .collect();
            handles
                .into_iter()
                .map(|h| h.join().expect("serialising thread panicked"))
                .collect()
        });
        for p in parts {
            out.write_all(&p?)?;
        }
    }
    Ok(())
}
