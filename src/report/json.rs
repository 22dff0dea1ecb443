//! The JSON report. Its schema is stable (documented in README.md):
//! `schemaVersion`, `source`, `evaluatedAt`, `score` (`overall` plus one
//! number per category, `null` when nothing was decided), `summary`,
//! `topGains`, and `results` — each with `check`, `status`, `severity`,
//! `category`, `subject` (`kind`, `namespace` unless cluster-scoped, `name`,
//! `container` for container subjects), `message`, `evidence`, `location`.

use std::io::{self, Write};
use std::path::Path;

use serde::ser::SerializeSeq;
use serde::{Serialize, Serializer};
use serde_json::{Map, Value, json};

use super::Report;
use crate::checks::CheckResult;

pub const SCHEMA_VERSION: u32 = 1;

/// One result with its location; serialised straight from the results, so
/// a report of 100,000+ results never builds a JSON tree in memory.
#[derive(Serialize)]
struct Entry<'a> {
    #[serde(flatten)]
    result: &'a CheckResult,
    #[serde(skip_serializing_if = "Option::is_none")]
    location: Option<Location<'a>>,
}

#[derive(Serialize)]
struct Location<'a> {
    #[serde(serialize_with = "display_path")]
    file: &'a Path,
    line: usize,
}

fn display_path<S: Serializer>(p: &&Path, s: S) -> Result<S::Ok, S::Error> {
    match p.to_str() {
        Some(text) => s.serialize_str(text),
        None => s.collect_str(&p.display()),
    }
}

fn entry<'a>(report: &Report<'a>, r: &'a CheckResult) -> Entry<'a> {
    Entry {
        result: r,
        location: report.origin(r).map(|o| Location {
            file: &o.file,
            line: o.line,
        }),
    }
}

struct Results<'a, 'r>(&'a Report<'r>);

impl Serialize for Results<'_, '_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let report = self.0;
        let mut seq = s.serialize_seq(Some(report.results.len()))?;
        for r in &report.results {
            seq.serialize_element(&entry(report, r))?;
        }
        seq.end()
    }
}

/// Everything but the results.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Head {
    schema_version: u32,
    source: Value,
    evaluated_at: String,
    score: Map<String, Value>,
    summary: Value,
    top_gains: Vec<Value>,
}

#[derive(Serialize)]
struct Doc<'a, 'r> {
    #[serde(flatten)]
    head: Head,
    results: Results<'a, 'r>,
}

pub fn render(report: &Report) -> String {
    let mut out = Vec::new();
    write(report, &mut out, true).expect("writing to memory");
    String::from_utf8(out).expect("serde_json writes UTF-8")
}

/// Writes the report as it is serialised: a cluster's report can be
/// 100 MB, which never has to be held in memory. `pretty` indents it (for
/// a terminal); else it is compact, a third smaller.
pub fn write(report: &Report, mut out: impl Write, pretty: bool) -> io::Result<()> {
    let info = &report.store.info;
    let mut score = Map::new();
    score.insert("overall".into(), json!(report.scores.overall.map(round1)));
    for (cat, s) in &report.scores.categories {
        score.insert(cat.as_str().into(), json!(s.map(round1)));
    }
    let t = &report.scores.tally;
    let head = Head {
        schema_version: SCHEMA_VERSION,
        source: json!({
            "kind": info.source,
            "name": info.name,
            "capturedAt": info.captured_at.map(|t| t.to_string()),
            "serverVersion": info.server_version,
        }),
        evaluated_at: report.evaluated_at.to_string(),
        score,
        summary: json!({
            "pass": t.pass, "warning": t.warning, "error": t.error,
            "info": t.info, "unknown": t.unknown, "total": report.results.len(),
        }),
        top_gains: report
            .gains
            .iter()
            .map(|g| json!({"check": g.check, "failing": g.failing, "gain": round1(g.gain)}))
            .collect(),
    };
    if pretty {
        let doc = Doc {
            head,
            results: Results(report),
        };
        serde_json::to_writer_pretty(&mut out, &doc)?;
        return out.write_all(b"\n");
    }
    // Compact: the head, then the results serialised on all CPUs a few
    // thousand at a time and written in order.
    let mut text = serde_json::to_vec(&head)?;
    text.pop(); // its closing brace
    text.extend_from_slice(b",\"results\":[");
    out.write_all(&text)?;
    let cpus = std::thread::available_parallelism().map_or(1, |n| n.get());
    let per_thread = 4096;
    for (round, results) in report.results.chunks(per_thread * cpus).enumerate() {
        let parts: Vec<io::Result<Vec<u8>>> = std::thread::scope(|s| {
            let handles: Vec<_> = results
                .chunks(per_thread)
                .enumerate()
                .map(|(i, part)| {
                    let first = round == 0 && i == 0;
                    s.spawn(move || serialize_part(report, part, first))
                })
                .collect();
            handles
                .into_iter()
                .map(|h| h.join().expect("serialising thread panicked"))
                .collect()
        });
        for part in parts {
            out.write_all(&part?)?;
        }
    }
    out.write_all(b"]}\n")
}

/// Results as comma-separated JSON, with a leading comma unless `first`.
fn serialize_part(report: &Report, results: &[&CheckResult], first: bool) -> io::Result<Vec<u8>> {
    let mut buf = Vec::with_capacity(results.len() * 512);
    for (i, r) in results.iter().enumerate() {
        if i > 0 || !first {
            buf.push(b',');
        }
        serde_json::to_writer(&mut buf, &entry(report, r))?;
    }
    Ok(buf)
}

fn round1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}
