//! SARIF 2.1.0 for code-scanning tools. Failures and unknowns are results
//! (unknowns as `kind: review`); each result points at the file and line of
//! the object's document when the snapshot came from files, and always
//! carries the object as a logical location. File locations are URI
//! references (RFC 3986): relative to `SRCROOT`, the directory the report
//! was made in, or absolute `file://` URIs.

use std::borrow::Cow;
use std::collections::HashMap;
use std::ffi::OsStr;
use std::fmt::Write;
use std::io;
use std::path::{Component, Path};

use serde::{Serialize, Serializer};
use serde_json::{Value, json};

use super::Report;
use crate::checks::{Check, CheckResult, Severity, Status};

pub const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

fn level(r: &CheckResult) -> &'static str {
    match (r.status, r.severity) {
        (Status::Unknown, _) | (Status::Pass, _) => "none",
        (_, Severity::Error) => "error",
        (_, Severity::Warning) => "warning",
        (_, Severity::Info) => "note",
    }
}

/// The `uriBaseId` of locations relative to the directory `kready check`
/// ran in; `originalUriBaseIds` says what it stands for.
pub const SRCROOT: &str = "SRCROOT";

/// An `artifactLocation` for `path`: a relative URI reference against
/// `SRCROOT` when the path is relative (to the current directory, `base`)
/// or lies under `base`; otherwise an absolute `file://` URI. Every byte
/// outside RFC 3986's unreserved set is percent-encoded, so a `#`, `%`,
/// `?`, space, colon or control character in a file name stays part of
/// the path.
fn artifact_location(path: &Path, base: &Path) -> ArtifactLocation {
    let rel = if path.is_absolute() {
        path.strip_prefix(base).ok()
    } else {
        Some(path)
    };
    match rel {
        Some(rel) => ArtifactLocation {
            uri: relative_uri(rel),
            uri_base_id: Some(SRCROOT),
        },
        None => ArtifactLocation {
            uri: file_uri(path),
            uri_base_id: None,
        },
    }
}

/// `originalUriBaseIds` declaring `SRCROOT` as `base` (which must be
/// absolute to be written as a URI; a base URI ends with `/`).
fn original_uri_base_ids(base: &Path) -> Option<Value> {
    if !base.is_absolute() {
        return None;
    }
    let mut uri = file_uri(base);
    if !uri.ends_with('/') {
        uri.push('/');
    }
    Some(json!({ SRCROOT: {"uri": uri} }))
}

/// `file:///a/b%20c` for an absolute path.
fn file_uri(path: &Path) -> String {
    format!("file:///{}", relative_uri(path))
}

/// The path's segments, each percent-encoded, joined by `/` (the root and
/// `.` segments left out, `..` kept: a URI resolver applies it as the
/// filesystem would).
fn relative_uri(path: &Path) -> String {
    let mut segments = Vec::new();
    for c in path.components() {
        match c {
            Component::Normal(name) => segments.push(percent_encode(name)),
            Component::ParentDir => segments.push("..".to_string()),
            Component::RootDir | Component::CurDir | Component::Prefix(_) => {}
        }
    }
    segments.join("/")
}

/// RFC 3986 percent-encoding of one path segment: unreserved bytes as they
/// are, every other byte (non-UTF-8 ones included) as `%XX`.
fn percent_encode(segment: &OsStr) -> String {
    let mut out = String::new();
    for &b in os_bytes(segment).iter() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(b));
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

#[cfg(unix)]
fn os_bytes(s: &OsStr) -> Cow<'_, [u8]> {
    Cow::Borrowed(std::os::unix::ffi::OsStrExt::as_bytes(s))
}

#[cfg(not(unix))]
fn os_bytes(s: &OsStr) -> Cow<'_, [u8]> {
    match s.to_string_lossy() {
        Cow::Borrowed(t) => Cow::Borrowed(t.as_bytes()),
        Cow::Owned(t) => Cow::Owned(t.into_bytes()),
    }
}

pub fn render(report: &Report, base: &Path) -> String {
    let mut out = Vec::new();
    write(report, base, &mut out).expect("writing to memory");
    String::from_utf8(out).expect("serde_json writes UTF-8")
}

pub const FORMAT: super::Format = super::Format {
    name: "sarif",
    extension: "sarif",
    write: |r, o, out| write(r, o.base, out),
};

/// Writes the document, pretty-printed, as it is serialised: one result at
/// a time, never a whole tree or string (a cluster has 100,000+ results).
/// Field order is alphabetical, as the document was when it was built as a
/// `serde_json::Value` tree, so the output is the same byte for byte.
pub fn write(report: &Report, base: &Path, mut out: impl io::Write) -> io::Result<()> {
    let doc = Document {
        schema: SCHEMA,
        runs: [Run {
            original_uri_base_ids: original_uri_base_ids(base),
            results: Results { report, base },
            tool: Tool {
                driver: Driver {
                    information_uri: "https://github.com/kready/kready",
                    name: "kready",
                    rules: report.checks.iter().map(|c| rule(c)).collect(),
                    version: env!("CARGO_PKG_VERSION"),
                },
            },
        }],
        version: "2.1.0",
    };
    serde_json::to_writer_pretty(&mut out, &doc)?;
    out.write_all(b"\n")
}

#[derive(Serialize)]
struct Document<'a, 'r> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    runs: [Run<'a, 'r>; 1],
    version: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run<'a, 'r> {
    #[serde(skip_serializing_if = "Option::is_none")]
    original_uri_base_ids: Option<Value>,
    results: Results<'a, 'r>,
    tool: Tool,
}

#[derive(Serialize)]
struct Tool {
    driver: Driver,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver {
    information_uri: &'static str,
    name: &'static str,
    /// One per check: a few dozen, so built as values.
    rules: Vec<Value>,
    version: &'static str,
}

fn rule(c: &Check) -> Value {
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
}

/// The failures and unknowns, each serialised as the array reaches it.
struct Results<'a, 'r> {
    report: &'a Report<'r>,
    base: &'a Path,
}

impl Serialize for Results<'_, '_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let index: HashMap<&str, usize> = (self.report.checks.iter().enumerate())
            .map(|(i, c)| (c.id, i))
            .collect();
        s.collect_seq(
            (self.report.results.iter())
                .filter(|r| r.status != Status::Pass)
                .map(|r| result(self.report, self.base, &index, r)),
        )
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult<'a> {
    kind: &'static str,
    level: &'static str,
    locations: [SarifLocation; 1],
    message: Text,
    properties: ResultProperties,
    rule_id: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    rule_index: Option<usize>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifLocation {
    logical_locations: [LogicalLocation; 1],
    #[serde(skip_serializing_if = "Option::is_none")]
    physical_location: Option<PhysicalLocation>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct LogicalLocation {
    fully_qualified_name: String,
    kind: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation {
    artifact_location: ArtifactLocation,
    region: Region,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ArtifactLocation {
    uri: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    uri_base_id: Option<&'static str>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    start_line: usize,
}

#[derive(Serialize)]
struct Text {
    text: String,
}

#[derive(Serialize)]
struct ResultProperties {
    category: &'static str,
    severity: &'static str,
}

fn result<'a>(
    report: &Report,
    base: &Path,
    index: &HashMap<&str, usize>,
    r: &'a CheckResult,
) -> SarifResult<'a> {
    let mut fqn = r.subject.kind.to_string();
    if let Some(ns) = &r.subject.namespace {
        fqn = format!("{fqn}/{ns}");
    }
    fqn = format!("{fqn}/{}", r.subject.name);
    if let Some(c) = &r.subject.container {
        fqn = format!("{fqn}/{c}");
    }
    let mut text = r.message.clone();
    if !r.evidence.is_empty() {
        text = format!("{text} ({})", r.evidence.join("; "));
    }
    SarifResult {
        kind: if r.status == Status::Unknown {
            "review"
        } else {
            "fail"
        },
        level: level(r),
        locations: [SarifLocation {
            logical_locations: [LogicalLocation {
                fully_qualified_name: fqn,
                kind: "object",
            }],
            physical_location: report.origin(r).map(|o| PhysicalLocation {
                artifact_location: artifact_location(&o.file, base),
                region: Region { start_line: o.line },
            }),
        }],
        message: Text { text },
        properties: ResultProperties {
            category: r.category.as_str(),
            severity: r.severity.as_str(),
        },
        rule_id: r.check,
        rule_index: index.get(r.check).copied(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segments_are_percent_encoded() {
        let enc = |s: &str| percent_encode(OsStr::new(s));
        assert_eq!(enc("cluster.yaml"), "cluster.yaml");
        assert_eq!(enc("a b#c%d?e:f"), "a%20b%23c%25d%3Fe%3Af");
        assert_eq!(enc("zoë\n\x1b"), "zo%C3%AB%0A%1B");
        assert_eq!(enc("~_-."), "~_-.");
    }

    #[cfg(unix)]
    #[test]
    fn non_utf8_bytes_are_encoded_as_they_are() {
        use std::os::unix::ffi::OsStrExt;
        assert_eq!(
            percent_encode(OsStr::from_bytes(b"a\xff.yaml")),
            "a%FF.yaml"
        );
    }

    #[test]
    fn paths_under_the_base_are_relative_to_srcroot() {
        let base = Path::new("/work/repo");
        let loc = artifact_location(Path::new("/work/repo/snap/a b.yaml"), base);
        assert_eq!(
            serde_json::to_value(loc).unwrap(),
            json!({"uri": "snap/a%20b.yaml", "uriBaseId": "SRCROOT"})
        );
        // Relative paths are relative to the current directory, the base.
        let loc = artifact_location(Path::new("./snap/../x#1.yaml"), base);
        assert_eq!(
            serde_json::to_value(loc).unwrap(),
            json!({"uri": "snap/../x%231.yaml", "uriBaseId": "SRCROOT"})
        );
    }

    #[test]
    fn paths_elsewhere_are_file_uris() {
        let base = Path::new("/work/repo");
        let loc = artifact_location(Path::new("/tmp/100%/c.yaml"), base);
        assert_eq!(
            serde_json::to_value(loc).unwrap(),
            json!({"uri": "file:///tmp/100%25/c.yaml"})
        );
    }

    #[test]
    fn the_base_is_declared_as_a_directory_uri() {
        assert_eq!(
            original_uri_base_ids(Path::new("/work/my repo")),
            Some(json!({"SRCROOT": {"uri": "file:///work/my%20repo/"}}))
        );
        assert_eq!(
            original_uri_base_ids(Path::new("/")),
            Some(json!({"SRCROOT": {"uri": "file:///"}}))
        );
        assert_eq!(original_uri_base_ids(Path::new("")), None);
    }
}
