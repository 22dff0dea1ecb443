//! The JSON report. Its schema is stable (documented in README.md):
//! `schemaVersion`, `source`, `evaluatedAt`, `score` (`overall` plus one
//! number per category, `null` when nothing was decided), `summary`,
//! `topGains`, and `results` — each with `check`, `status`, `severity`,
//! `category`, `subject` (`kind`, `namespace` unless cluster-scoped, `name`,
//! `container` for container subjects), `message`, `evidence`, `location`.

use serde_json::{Map, Value, json};

use super::Report;
use crate::checks::CheckResult;

pub const SCHEMA_VERSION: u32 = 1;

pub fn render(report: &Report) -> String {
    let info = &report.store.info;
    let mut score = Map::new();
    score.insert("overall".into(), json!(report.scores.overall.map(round1)));
    for (cat, s) in &report.scores.categories {
        score.insert(cat.as_str().into(), json!(s.map(round1)));
    }
    let t = &report.scores.tally;
    let results: Vec<Value> = report.results.iter().map(|r| result(report, r)).collect();
    let doc = json!({
        "schemaVersion": SCHEMA_VERSION,
        "source": {
            "kind": info.source,
            "name": info.name,
            "capturedAt": info.captured_at.map(|t| t.to_string()),
            "serverVersion": info.server_version,
        },
        "evaluatedAt": report.evaluated_at.to_string(),
        "score": score,
        "summary": {
            "pass": t.pass, "warning": t.warning, "error": t.error,
            "info": t.info, "unknown": t.unknown, "total": report.results.len(),
        },
        "topGains": report.gains.iter().map(|g| json!({
            "check": g.check, "failing": g.failing, "gain": round1(g.gain),
        })).collect::<Vec<_>>(),
        "results": results,
    });
    let mut out = serde_json::to_string_pretty(&doc).expect("JSON values serialise");
    out.push('\n');
    out
}

fn result(report: &Report, r: &CheckResult) -> Value {
    let mut v = serde_json::to_value(r).expect("results serialise");
    if let (Some(o), Value::Object(m)) = (report.origin(r), &mut v) {
        m.insert(
            "location".into(),
            json!({"file": o.file.display().to_string(), "line": o.line}),
        );
    }
    v
}

fn round1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}
