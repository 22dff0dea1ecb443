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
use std::path::{Component, Path};

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

/// The `uriBaseId` of locations relative to the directory `kready check`
/// ran in; `originalUriBaseIds` says what it stands for.
pub const SRCROOT: &str = "SRCROOT";

/// An `artifactLocation` for `path`: a relative URI reference against
/// `SRCROOT` when the path is relative (to the current directory, `base`)
/// or lies under `base`; otherwise an absolute `file://` URI. Every byte
/// outside RFC 3986's unreserved set is percent-encoded, so a `#`, `%`,
/// `?`, space, colon or control character in a file name stays part of
/// the path.
fn artifact_location(path: &Path, base: &Path) -> Value {
    let rel = if path.is_absolute() {
        path.strip_prefix(base).ok()
    } else {
        Some(path)
    };
    match rel {
        Some(rel) => json!({"uri": relative_uri(rel), "uriBaseId": SRCROOT}),
        None => json!({"uri": file_uri(path)}),
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
                    "artifactLocation": artifact_location(&o.file, base),
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
    let mut run = json!({
        "tool": {"driver": {
            "name": "kready",
            "version": env!("CARGO_PKG_VERSION"),
            "informationUri": "https://github.com/kready/kready",
            "rules": rules,
        }},
        "results": results,
    });
    if let Some(bases) = original_uri_base_ids(base) {
        run["originalUriBaseIds"] = bases;
    }
    let doc = json!({
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [run],
    });
    let mut out = serde_json::to_string_pretty(&doc).expect("JSON values serialise");
    out.push('\n');
    out
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
            loc,
            json!({"uri": "snap/a%20b.yaml", "uriBaseId": "SRCROOT"})
        );
        // Relative paths are relative to the current directory, the base.
        let loc = artifact_location(Path::new("./snap/../x#1.yaml"), base);
        assert_eq!(
            loc,
            json!({"uri": "snap/../x%231.yaml", "uriBaseId": "SRCROOT"})
        );
    }

    #[test]
    fn paths_elsewhere_are_file_uris() {
        let base = Path::new("/work/repo");
        let loc = artifact_location(Path::new("/tmp/100%/c.yaml"), base);
        assert_eq!(loc, json!({"uri": "file:///tmp/100%25/c.yaml"}));
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
