//! SARIF 2.1.0 for code-scanning tools. Failures and unknowns are results
//! (unknowns as `kind: review`); each result points at the file and line of
//! the object's document when the snapshot came from files, and always
//! carries the object as a logical location.

use std::collections::HashMap;
use std::path::Path;

use serde_json::{Value, json};

use super::Report;
use crate::checks::{CheckResult, Severity, Status};

pub const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

fn level(r: &CheckResult) -> &'static str {
    match (r.status, r.severity) {
        (Status::Unknown, _) | (Status::Pass, _) => "none",
        (_, Severity::Error) => "error",
        (_, Severity::Warning) => "warning",
        (_, Severity::Info) => "note",
    }
}

/// A relative, forward-slash URI for a file path (relative to `base`).
fn uri(path: &Path, base: &Path) -> String {
    let rel = path.strip_prefix(base).unwrap_or(path);
    rel.components()
        .map(|c| c.as_os_str().to_string_lossy().replace(' ', "%20"))
        .collect::<Vec<_>>()
        .join("/")
        .replacen("//", "/", 1)
}

pub fn render(report: &Report, base: &Path) -> String {
    let rules: Vec<Value> = report
        .checks
        .iter()
        .map(|c| {
            json!({
                "id": c.id,
                "name": c.title,
                "shortDescription": {"text": c.title},
                "fullDescription": {"text": c.rationale},
                "help": {"text": c.fix.map_or_else(
                    || c.rationale.to_string(),
                    |f| format!("{} Guided fix: {f}.", c.rationale))},
                "defaultConfiguration": {"level": match c.severity {
                    Severity::Error => "error", Severity::Warning => "warning", Severity::Info => "note"
                }},
                "properties": {"category": c.category.as_str(), "seeds": c.seeds, "tags": [c.category.as_str()]},
            })
        })
        .collect();
    let index: HashMap<&str, usize> = report
        .checks
        .iter()
        .enumerate()
        .map(|(i, c)| (c.id, i))
        .collect();
    let results: Vec<Value> = report
        .results
        .iter()
        .filter(|r| r.status != Status::Pass)
        .map(|r| {
            let mut fqn = r.subject.kind.clone();
            if let Some(ns) = &r.subject.namespace {
                fqn = format!("{fqn}/{ns}");
            }
            fqn = format!("{fqn}/{}", r.subject.name);
            if let Some(c) = &r.subject.container {
                fqn = format!("{fqn}/{c}");
            }
            let mut location = json!({
                "logicalLocations": [{"fullyQualifiedName": fqn, "kind": "object"}]
            });
            if let Some(o) = report.origin(r) {
                location["physicalLocation"] = json!({
                    "artifactLocation": {"uri": uri(&o.file, base)},
                    "region": {"startLine": o.line},
                });
            }
            let mut text = r.message.clone();
            if !r.evidence.is_empty() {
                text = format!("{text} ({})", r.evidence.join("; "));
            }
            let mut v = json!({
                "ruleId": r.check,
                "level": level(r),
                "kind": if r.status == Status::Unknown { "review" } else { "fail" },
                "message": {"text": text},
                "locations": [location],
                "properties": {"category": r.category.as_str(), "severity": r.severity.as_str()},
            });
            if let Some(i) = index.get(r.check) {
                v["ruleIndex"] = json!(i);
            }
            v
        })
        .collect();
    let doc = json!({
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "kready",
                "version": env!("CARGO_PKG_VERSION"),
                "informationUri": "https://github.com/kready/kready",
                "rules": rules,
            }},
            "results": results,
        }],
    });
    let mut out = serde_json::to_string_pretty(&doc).expect("JSON values serialise");
    out.push('\n');
    out
}
