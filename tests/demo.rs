//! The bundled demo cluster loads cleanly and exercises every check: each
//! catalog id shows a pass and a fail/unknown somewhere, except the
//! cluster-wide checks with a single subject (assets/demo/README.md says
//! which outcome each of those shows, and this test holds it to that).

use std::collections::BTreeMap;
use std::path::Path;

use kready::checks::engine::{Engine, Selection};
use kready::checks::{Status, catalog};
use kready::config::Config;
use kready::source::snapshot::{self, LoadOptions};

/// Cluster-wide checks with one subject, and the outcome the demo shows.
const SINGLE_OUTCOME: &[(&str, Status)] = &[
    ("security/external-secrets", Status::Pass),
    ("autoscaling/cluster-autoscaler-present", Status::Pass),
    ("autoscaling/scale-down-delay", Status::Pass),
    ("backup/tool-present", Status::Pass),
    ("backup/restore-tested", Status::Pass),
    ("control-plane/node-count", Status::Pass),
    ("observability/metrics-api", Status::Pass),
    ("observability/monitoring", Status::Pass),
    ("observability/alerting", Status::Pass),
    ("backup/schedule-present", Status::Fail),
    ("observability/log-shipping", Status::Fail),
    ("observability/tracing", Status::Fail),
    ("delivery/progressive", Status::Fail),
];

#[test]
fn demo_exercises_every_check() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/demo");
    let loaded = snapshot::load(&dir, &LoadOptions::default()).expect("the demo loads");
    assert!(loaded.errors.is_empty());
    let store = loaded.into_store();
    assert!(
        store.info.captured_at.is_some(),
        "the demo says when it was captured"
    );
    assert_eq!(store.count("Node"), 12);

    let config = Config {
        enabled: catalog().iter().map(|c| c.id.to_string()).collect(),
        ..Config::default()
    };
    let engine = Engine::new(&config, Selection::default(), None);
    let findings = engine.evaluate(&store);
    let mut seen: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    for r in findings.sorted() {
        let e = seen
            .entry(kready::checks::find(r.check).unwrap().id)
            .or_default();
        match r.status {
            Status::Pass => e.0 += 1,
            Status::Fail | Status::Unknown => e.1 += 1,
        }
    }
    let mut problems = Vec::new();
    for c in catalog() {
        let (pass, other) = seen.get(c.id).copied().unwrap_or_default();
        match SINGLE_OUTCOME.iter().find(|(id, _)| *id == c.id) {
            Some((_, Status::Pass)) if pass == 0 => {
                problems.push(format!("{}: expected a pass", c.id))
            }
            Some((_, Status::Fail)) if other == 0 => {
                problems.push(format!("{}: expected a fail", c.id))
            }
            Some(_) => {}
            None if pass == 0 || other == 0 => {
                problems.push(format!("{}: {pass} pass, {other} fail/unknown", c.id))
            }
            None => {}
        }
    }
    assert!(
        problems.is_empty(),
        "demo coverage gaps:\n{}",
        problems.join("\n")
    );
}
