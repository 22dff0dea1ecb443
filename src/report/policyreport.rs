//! `wgpolicyk8s.io/v1alpha2` PolicyReports, ready for `kubectl apply`: one
//! PolicyReport per namespace and one ClusterPolicyReport for cluster-scoped
//! results, as a multi-document YAML stream.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use super::Report;
use crate::checks::{CheckResult, Severity, Status};

pub const API_VERSION: &str = "wgpolicyk8s.io/v1alpha2";

/// PolicyReport result values: pass, fail, warn, error (evaluation error), skip.
fn result_value(r: &CheckResult) -> &'static str {
    match (r.status, r.severity) {
        (Status::Pass, _) => "pass",
        (Status::Unknown, _) => "skip",
        (Status::Fail, Severity::Info) => "warn",
        (Status::Fail, _) => "fail",
    }
}

/// PolicyReport severities: critical, high, medium, low, info.
fn severity_value(s: Severity) -> &'static str {
    match s {
        Severity::Error => "high",
        Severity::Warning => "medium",
        Severity::Info => "info",
    }
}

fn entry(report: &Report, r: &CheckResult) -> Value {
    let s = &r.subject;
    let mut resource = json!({"kind": s.kind, "name": s.name});
    if let Some(ns) = &s.namespace {
        resource["namespace"] = json!(ns);
    }
    if let Some(obj) = report.object(r) {
        resource["apiVersion"] = json!(obj.api_version);
        if let Some(uid) = &obj.meta.uid {
            resource["uid"] = json!(uid);
        }
    } else if s.kind == "Namespace" {
        resource["apiVersion"] = json!("v1");
    }
    let mut v = json!({
        "source": "kready",
        "policy": r.check,
        "category": r.category.as_str(),
        "severity": severity_value(r.severity),
        "result": result_value(r),
        "scored": r.status != Status::Unknown && r.severity != Severity::Info,
        "message": r.message,
        "timestamp": {"seconds": report.evaluated_at.as_second(), "nanos": 0},
        "resources": [resource],
    });
    let mut props = serde_json::Map::new();
    if let Some(c) = &s.container {
        props.insert("container".into(), json!(c));
    }
    if !r.evidence.is_empty() {
        props.insert("evidence".into(), json!(r.evidence.join("; ")));
    }
    if !props.is_empty() {
        v["properties"] = Value::Object(props);
    }
    v
}

fn summary(results: &[&CheckResult]) -> Value {
    let count = |v: &str| results.iter().filter(|r| result_value(r) == v).count();
    json!({"pass": count("pass"), "fail": count("fail"), "warn": count("warn"), "error": 0, "skip": count("skip")})
}

fn document(report: &Report, namespace: Option<&str>, results: &[&CheckResult]) -> Value {
    let mut metadata = json!({
        "name": namespace.map_or("kready-cluster".to_string(), |_| "kready".to_string()),
        "labels": {"app.kubernetes.io/managed-by": "kready"},
    });
    if let Some(ns) = namespace {
        metadata["namespace"] = json!(ns);
    }
    json!({
        "apiVersion": API_VERSION,
        "kind": if namespace.is_some() { "PolicyReport" } else { "ClusterPolicyReport" },
        "metadata": metadata,
        "summary": summary(results),
        "results": results.iter().map(|r| entry(report, r)).collect::<Vec<_>>(),
    })
}

/// Namespaced subjects go to their namespace's report; Namespace objects go
/// to the report in that namespace too; everything else is cluster-scoped.
pub fn render(report: &Report) -> String {
    let mut by_ns: BTreeMap<Option<&str>, Vec<&CheckResult>> = BTreeMap::new();
    for r in &report.results {
        by_ns
            .entry(r.subject.scope_namespace())
            .or_default()
            .push(r);
    }
    let mut out = String::new();
    for (ns, results) in &by_ns {
        let doc = document(report, *ns, results);
        out.push_str("---\n");
        out.push_str(&serde_saphyr::to_string(&doc).expect("JSON values serialise as YAML"));
    }
    out
}
