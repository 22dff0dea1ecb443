//! SARIF output against the official SARIF 2.1.0 JSON schema, with format
//! validation on (`uri`, `uri-reference`), for snapshots in files whose
//! names need percent-encoding; every location's URI resolves back to the
//! file it names.

use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};
use std::process::Command;

use kready::checks::engine::{Engine, Selection};
use kready::config::Config;
use kready::report::{self, Report};
use kready::source::snapshot::{self, LoadOptions};
use serde_json::{Value, json};

/// The OASIS SARIF 2.1.0 schema, as shipped in the `serde-sarif` 0.8.0
/// crate (`src/schema.json`; `$id` names the oasis-tcs/sarif-spec copy).
const SCHEMA: &str = include_str!("sarif/sarif-schema-2.1.0.json");

/// The language-tag pattern of the 2.1.0 schema (on `run` and
/// `toolComponent`) has a stray `]`, which ECMA-262 regexes (the `regex`
/// format the meta-schema checks) reject; kready writes no `language`.
const BROKEN_PATTERN: &str = "^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$";
const INTENDED_PATTERN: &str = "^[a-zA-Z]{2}(-[a-zA-Z]{2})?$";

/// Replaces `BROKEN_PATTERN` wherever it is; returns how often it was.
fn mend_patterns(v: &mut Value) -> usize {
    match v {
        Value::String(s) if s == BROKEN_PATTERN => {
            *s = INTENDED_PATTERN.to_string();
            1
        }
        Value::Array(items) => items.iter_mut().map(mend_patterns).sum(),
        Value::Object(map) => map.values_mut().map(mend_patterns).sum(),
        _ => 0,
    }
}

fn validator() -> jsonschema::Validator {
    let mut schema: Value = serde_json::from_str(SCHEMA).unwrap();
    assert_eq!(mend_patterns(&mut schema), 2);
    jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
        .expect("the SARIF schema compiles")
}

fn schema_errors(v: &jsonschema::Validator, doc: &Value) -> Vec<String> {
    v.iter_errors(doc)
        .map(|e| format!("{}: {e}", e.instance_path()))
        .collect()
}

/// A log with one result located at `uri`.
fn log_at(uri: &str) -> Value {
    json!({
        "$schema": report::sarif::SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "t"}},
            "results": [{
                "message": {"text": "m"},
                "locations": [{"physicalLocation": {"artifactLocation": {"uri": uri}}}],
            }],
        }],
    })
}

#[test]
fn the_validator_checks_uri_formats() {
    let v = validator();
    for good in [
        "a%20b.yaml",
        "dir/x%231.yaml",
        "../x.yaml",
        "file:///tmp/a%25b",
    ] {
        assert!(schema_errors(&v, &log_at(good)).is_empty(), "{good}");
    }
    // What kready used to write for such file names.
    for bad in ["a b.yaml", "100%.yaml", "x#1#2.yaml", "a\nb.yaml"] {
        assert!(
            !schema_errors(&v, &log_at(bad)).is_empty(),
            "{bad:?} passed"
        );
    }
}

/// File names that need encoding, one Deployment in each.
const NAMES: &[&str] = &[
    "hash#1",
    "percent%41",
    "with space",
    "query?x=1&y",
    "zoë-✓",
    "dots..in..name",
    "new\nline",
    "esc\u{1b}[2J",
    "colon:x",
    "[brackets]@+",
];

/// A directory whose own name needs encoding, with one file per `NAMES`.
fn hostile_files(root: &Path) -> (PathBuf, Vec<PathBuf>) {
    let dir = root.join("my snap#1");
    std::fs::create_dir(&dir).unwrap();
    let files = NAMES
        .iter()
        .enumerate()
        .map(|(i, name)| {
            let path = dir.join(format!("{name}.yaml"));
            let doc = json!({"apiVersion": "apps/v1", "kind": "Deployment",
                "metadata": {"name": format!("app-{i}"), "namespace": "shop"},
                "spec": {"replicas": 1, "selector": {"matchLabels": {"app": "x"}},
                    "template": {"metadata": {"labels": {"app": "x"}},
                        "spec": {"containers": [{"name": "app", "image": "app:1.0"}]}}}});
            std::fs::write(&path, format!("---\n{doc}\n")).unwrap();
            path
        })
        .collect();
    (dir, files)
}

fn sarif(snapshot: &Path, base: &Path) -> Value {
    let store = snapshot::load(snapshot, &LoadOptions::default())
        .unwrap()
        .into_store();
    let engine = Engine::new(&Config::default(), Selection::default(), None);
    let findings = engine.evaluate(&store);
    let report = Report::new(
        findings.sorted(),
        engine.checks(),
        &store,
        store.info.captured_at.unwrap_or_default(),
    );
    serde_json::from_str(&report::sarif::render(&report, base)).unwrap()
}

/// Percent-decodes a URI path, checking that it has nothing but unreserved
/// characters, `/` and `%XX`.
fn decode(path: &str) -> Vec<u8> {
    let bytes = path.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b == b'%' {
            let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap();
            out.push(u8::from_str_radix(hex, 16).unwrap());
            i += 3;
        } else {
            assert!(
                b.is_ascii_alphanumeric() || b"-._~/".contains(&b),
                "{:?} in {path:?}",
                b as char
            );
            out.push(b);
            i += 1;
        }
    }
    out
}

/// The file a location names: an absolute `file://` URI, or a reference
/// resolved against the run's `SRCROOT` (dot segments removed, RFC 3986 §5.2).
fn resolve(run: &Value, location: &Value) -> PathBuf {
    let uri = location["uri"].as_str().unwrap();
    let absolute = match location["uriBaseId"].as_str() {
        None => uri.to_string(),
        Some(id) => {
            assert_eq!(id, "SRCROOT");
            let base = run["originalUriBaseIds"]["SRCROOT"]["uri"]
                .as_str()
                .unwrap();
            assert!(base.ends_with('/'), "{base}");
            format!("{base}{uri}")
        }
    };
    let path = absolute.strip_prefix("file://").expect("a file URI");
    let mut segments: Vec<&str> = Vec::new();
    for s in path.split('/').skip(1) {
        match s {
            ".." => {
                segments.pop();
            }
            "." => {}
            s => segments.push(s),
        }
    }
    let bytes = decode(&format!("/{}", segments.join("/")));
    PathBuf::from(OsStr::from_bytes(&bytes))
}

/// Every result's file, after checking the document against the schema.
fn located_files(doc: &Value) -> Vec<PathBuf> {
    let errors = schema_errors(&validator(), doc);
    assert!(errors.is_empty(), "{errors:#?}");
    let run = &doc["runs"][0];
    let mut files: Vec<PathBuf> = run["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|r| r["locations"][0].get("physicalLocation"))
        .map(|p| resolve(run, &p["artifactLocation"]))
        .collect();
    files.sort();
    files.dedup();
    files
}

#[test]
fn hostile_file_names_under_the_base_are_relative_to_srcroot() {
    let root = tempfile::tempdir().unwrap();
    let (dir, mut files) = hostile_files(root.path());
    files.sort();
    let doc = sarif(&dir, root.path());
    let run = &doc["runs"][0];
    let root_uri = run["originalUriBaseIds"]["SRCROOT"]["uri"]
        .as_str()
        .unwrap();
    assert!(root_uri.starts_with("file:///") && root_uri.ends_with('/'));
    let uris: Vec<&str> = run["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|r| r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].as_str())
        .collect();
    assert!(uris.contains(&"my%20snap%231/hash%231.yaml"), "{uris:?}");
    assert!(uris.contains(&"my%20snap%231/new%0Aline.yaml"), "{uris:?}");
    assert_eq!(located_files(&doc), files);
}

#[test]
fn hostile_file_names_elsewhere_are_file_uris() {
    let root = tempfile::tempdir().unwrap();
    let (dir, mut files) = hostile_files(root.path());
    files.sort();
    let doc = sarif(&dir, Path::new("/nonexistent/base dir"));
    let run = &doc["runs"][0];
    assert_eq!(
        run["originalUriBaseIds"]["SRCROOT"]["uri"],
        "file:///nonexistent/base%20dir/"
    );
    let located = run["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|r| r["locations"][0].get("physicalLocation"));
    for p in located {
        let loc = &p["artifactLocation"];
        assert!(
            loc["uri"].as_str().unwrap().starts_with("file:///"),
            "{loc}"
        );
        assert!(loc.get("uriBaseId").is_none(), "{loc}");
    }
    assert_eq!(located_files(&doc), files);
}

#[test]
fn dot_dot_segments_resolve_to_the_file() {
    let root = tempfile::tempdir().unwrap();
    let (dir, files) = hostile_files(root.path());
    let sub = dir.join("sub");
    std::fs::create_dir(&sub).unwrap();
    let file = &files[0];
    let via_parent = sub.join("..").join(file.file_name().unwrap());
    let doc = sarif(&via_parent, &sub);
    let uri = &doc["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"];
    assert_eq!(uri["uri"], "../hash%231.yaml");
    assert_eq!(located_files(&doc), vec![file.clone()]);
}

#[test]
fn check_writes_sarif_relative_to_the_current_directory() {
    let root = tempfile::tempdir().unwrap();
    let (_, mut files) = hostile_files(root.path());
    files.sort();
    let out = Command::new(env!("CARGO_BIN_EXE_kready"))
        .args([
            "check",
            "--snapshot",
            "my snap#1",
            "--format",
            "sarif",
            "--fail-on",
            "never",
        ])
        .current_dir(root.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    let run = &doc["runs"][0];
    let loc = &run["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"];
    assert_eq!(loc["uriBaseId"], "SRCROOT", "{loc}");
    assert!(
        loc["uri"].as_str().unwrap().starts_with("my%20snap%231/"),
        "{loc}"
    );
    // The temporary directory may be reached through a symlink (macOS
    // /var): compare canonical paths.
    let canon = |p: &PathBuf| p.canonicalize().unwrap();
    let located: Vec<PathBuf> = located_files(&doc).iter().map(canon).collect();
    assert_eq!(located, files.iter().map(canon).collect::<Vec<_>>());
}
