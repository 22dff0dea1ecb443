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
    s.collect_str(&p.display())
}

struct Results<'a, 'r>(&'a Report<'r>);

impl Serialize for Results<'_, '_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let report = self.0;
        let mut seq = s.serialize_seq(Some(report.results.len()))?;
        for r in &report.results {
            let location = report.origin(r).map(|o| Location {
                file: &o.file,
                line: o.line,
            });
            seq.serialize_element(&Entry {
                result: r,
                location,
            })?;
        }
        seq.end()
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Doc<'a, 'r> {
    schema_version: u32,
    source: Value,
    evaluated_at: String,
    score: Map<String, Value>,
    summary: Value,
    top_gains: Vec<Value>,
    results: Results<'a, 'r>,
}

pub fn render(report: &Report) -> String {
    let mut out = Vec::new();
    write(report, &mut out).expect("writing to memory");
    String::from_utf8(out).expect("serde_json writes UTF-8")
}

/// Writes the report as it is serialised: a cluster's report can be
/// 100 MB, which never has to be held in memory.
pub fn write(report: &Report, mut out: impl Write) -> io::Result<()> {
    let info = &report.store.info;
    let mut score = Map::new();
    score.insert("overall".into(), json!(report.scores.overall.map(round1)));
    for (cat, s) in &report.scores.categories {
        score.insert(cat.as_str().into(), json!(s.map(round1)));
    }
    let t = &report.scores.tally;
    let doc = Doc {
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
        results: Results(report),
    };
    serde_json::to_writer_pretty(&mut out, &doc)?;
    out.write_all(b"\n")
}

fn round1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}
