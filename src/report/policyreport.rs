//! `wgpolicyk8s.io/v1alpha2` PolicyReports, ready for `kubectl apply`: one
//! PolicyReport per namespace and one ClusterPolicyReport for cluster-scoped
//! results, as a multi-document YAML stream.

use std::collections::BTreeMap;

use std::io;

use serde::{Serialize, Serializer};

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

// The structs below list their fields in alphabetical order: the reports
// were built as `serde_json::Value` trees (sorted maps) before, and kept
// their key order when they became structs serialised straight to YAML.

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Document<'a, 'r> {
    api_version: &'static str,
    kind: &'static str,
    metadata: Metadata<'a>,
    results: Results<'a, 'r>,
    summary: Summary,
}

#[derive(Serialize)]
struct Metadata<'a> {
    labels: Labels,
    name: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    namespace: Option<&'a str>,
}

#[derive(Serialize)]
struct Labels {
    #[serde(rename = "app.kubernetes.io/managed-by")]
    managed_by: &'static str,
}

#[derive(Serialize)]
struct Summary {
    error: usize,
    fail: usize,
    pass: usize,
    skip: usize,
    warn: usize,
}

/// A namespace's results, each serialised as the sequence reaches it.
struct Results<'a, 'r>(&'a Report<'r>, &'a [&'a CheckResult]);

impl Serialize for Results<'_, '_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.1.iter().map(|r| entry(self.0, r)))
    }
}

#[derive(Serialize)]
struct Entry<'a> {
    category: &'static str,
    message: &'a str,
    policy: &'a str,
    #[serde(skip_serializing_if = "Properties::is_empty")]
    properties: Properties<'a>,
    resources: [Resource<'a>; 1],
    result: &'static str,
    scored: bool,
    severity: &'static str,
    source: &'static str,
    timestamp: Timestamp,
}

#[derive(Serialize)]
struct Properties<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    container: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    evidence: Option<String>,
}

impl Properties<'_> {
    fn is_empty(&self) -> bool {
        self.container.is_none() && self.evidence.is_none()
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Resource<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    api_version: Option<&'a str>,
    kind: &'a str,
    name: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    namespace: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    uid: Option<&'a str>,
}

#[derive(Serialize)]
struct Timestamp {
    nanos: u32,
    seconds: i64,
}

fn entry<'a>(report: &Report<'a>, r: &'a CheckResult) -> Entry<'a> {
    let s = &r.subject;
    let object = report.object(r);
    let api_version = match object {
        Some(obj) => Some(obj.api_version.as_str()),
        None if s.kind == "Namespace" => Some("v1"),
        None => None,
    };
    Entry {
        category: r.category.as_str(),
        message: &r.message,
        policy: r.check,
        properties: Properties {
            container: s.container.as_deref(),
            evidence: (!r.evidence.is_empty()).then(|| r.evidence.join("; ")),
        },
        resources: [Resource {
            api_version,
            kind: &s.kind,
            name: &s.name,
            namespace: s.namespace.as_deref(),
            uid: object.and_then(|o| o.meta.uid.as_deref()),
        }],
        result: result_value(r),
        scored: r.status != Status::Unknown && r.severity != Severity::Info,
        severity: severity_value(r.severity),
        source: "kready",
        timestamp: Timestamp {
            nanos: 0,
            seconds: report.evaluated_at.as_second(),
        },
    }
}

fn summary(results: &[&CheckResult]) -> Summary {
    let count = |v: &str| results.iter().filter(|r| result_value(r) == v).count();
    Summary {
        error: 0,
        fail: count("fail"),
        pass: count("pass"),
        skip: count("skip"),
        warn: count("warn"),
    }
}

fn document<'a, 'r>(
    report: &'a Report<'r>,
    namespace: Option<&'a str>,
    results: &'a [&'a CheckResult],
) -> Document<'a, 'r> {
    Document {
        api_version: API_VERSION,
        kind: if namespace.is_some() {
            "PolicyReport"
        } else {
            "ClusterPolicyReport"
        },
        metadata: Metadata {
            labels: Labels {
                managed_by: "kready",
            },
            name: if namespace.is_some() {
                "kready"
            } else {
                "kready-cluster"
            },
            namespace,
        },
        results: Results(report, results),
        summary: summary(results),
    }
}

pub fn render(report: &Report) -> String {
    let mut out = Vec::new();
    write(report, &mut out).expect("writing to memory");
    String::from_utf8(out).expect("YAML is written as UTF-8")
}

pub const FORMAT: super::Format = super::Format {
    name: "policyreport",
    extension: "yaml",
    write: |r, _, out| write(r, out),
};

/// Namespaced subjects go to their namespace's report; Namespace objects go
/// to the report in that namespace too; everything else is cluster-scoped.
/// Each report is serialised straight to `out`, one result at a time.
pub fn write(report: &Report, mut out: impl io::Write) -> io::Result<()> {
    let mut by_ns: BTreeMap<Option<&str>, Vec<&CheckResult>> = BTreeMap::new();
    for r in &report.results {
        by_ns
            .entry(r.subject.scope_namespace())
            .or_default()
            .push(r);
    }
    // YAML serialisation is most of the time: namespaces are serialised on
    // all CPUs a round at a time (a round's text stays small) and written
    // in order, so the output is the same as one after the other.
    let docs: Vec<_> = by_ns.into_iter().collect();
    super::write_in_rounds(&docs, NAMESPACES_PER_THREAD, &mut out, |_, part| {
        serialize_part(report, part)
    })
}

/// Namespaces one thread serialises per round.
const NAMESPACES_PER_THREAD: usize = 8;

type NamespaceResults<'a> = (Option<&'a str>, Vec<&'a CheckResult>);

fn serialize_part(report: &Report, part: &[NamespaceResults]) -> io::Result<Vec<u8>> {
    let mut buf = Vec::new();
    for (ns, results) in part {
        buf.extend_from_slice(b"---\n");
        serde_saphyr::to_io_writer(&mut buf, &document(report, *ns, results)).map_err(
            |e| match e {
                serde_saphyr::SerializeError::IO { error } => error,
                e => io::Error::other(e),
            },
        )?;
    }
    Ok(buf)
}
