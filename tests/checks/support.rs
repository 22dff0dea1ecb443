//! Shared helpers for the check tests: load YAML fixtures, run one check,
//! and look results up by subject.

#![allow(dead_code)]

use std::path::{Path, PathBuf};

use kready::checks::engine::{Engine, Selection};
use kready::checks::{CheckResult, Severity, Status};
use kready::config::Config;
use kready::source::snapshot::{self, LoadOptions};
use kready::store::ClusterStore;

/// Evaluation time used by every fixture: ages in fixtures are relative to it.
pub const NOW: &str = "2026-11-20T12:00:00Z";

pub fn fixture_path(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// A store from a fixture file or directory under `tests/fixtures/`.
pub fn fixture(name: &str) -> ClusterStore {
    let path = fixture_path(name);
    snapshot::load(&path, &LoadOptions::default())
        .unwrap_or_else(|e| panic!("fixture {name}: {e}"))
        .into_store()
}

/// A store from inline YAML (multi-document allowed).
pub fn yaml(text: &str) -> ClusterStore {
    snapshot::load_str(Path::new("inline.yaml"), text, &LoadOptions::default())
        .unwrap_or_else(|e| panic!("inline yaml: {e}"))
        .into_store()
}

/// Runs one check with the default configuration at `NOW`.
pub fn run(check: &str, store: &ClusterStore) -> Vec<CheckResult> {
    run_with(check, store, &Config::default())
}

pub fn run_with(check: &str, store: &ClusterStore, config: &Config) -> Vec<CheckResult> {
    assert!(
        kready::checks::find(check).is_some(),
        "{check} is not in the catalog"
    );
    let mut config = config.clone();
    // Off-by-default checks are tested as if enabled.
    config.enabled.push(check.to_string());
    let selection = Selection {
        checks: vec![check.to_string()],
        ..Default::default()
    };
    let now = NOW.parse().expect("NOW parses");
    let engine = Engine::new(&config, selection, Some(now));
    engine
        .evaluate(store)
        .sorted()
        .into_iter()
        .cloned()
        .collect()
}

/// The one result whose subject name (and container, when given) matches.
/// With `container: None`, any container of the subject matches.
pub fn result<'a>(
    results: &'a [CheckResult],
    name: &str,
    container: Option<&str>,
) -> &'a CheckResult {
    let found: Vec<&CheckResult> = results
        .iter()
        .filter(|r| r.subject.name == name)
        .filter(|r| container.is_none() || r.subject.container.as_deref() == container)
        .collect();
    assert_eq!(
        found.len(),
        1,
        "expected one result for {name} {container:?}, got {results:#?}"
    );
    found[0]
}

/// Asserts the status (and severity for failures) of the result for `name`.
pub fn assert_status<'a>(
    results: &'a [CheckResult],
    name: &str,
    status: Status,
) -> &'a CheckResult {
    let r = result(results, name, None);
    assert_eq!(r.status, status, "{name}: {r:#?}");
    r
}

pub fn assert_fail<'a>(
    results: &'a [CheckResult],
    name: &str,
    severity: Severity,
) -> &'a CheckResult {
    let r = assert_status(results, name, Status::Fail);
    assert_eq!(r.severity, severity, "{name}: {r:#?}");
    r
}
