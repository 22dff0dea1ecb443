//! The check engine: configuration effects, suppression, filters and the
//! incremental path.

use std::path::Path;
use std::sync::Arc;

use kready::checks::engine::{Engine, Selection};
use kready::checks::{Category, Severity, Status};
use kready::config::Config;
use kready::model::ObjKey;
use kready::source::snapshot::{self, LoadOptions};
use kready::store::{ChangeKind, ClusterStore};

fn store() -> ClusterStore {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/report/cluster.yaml");
    snapshot::load(&path, &LoadOptions::default())
        .unwrap()
        .into_store()
}

fn ids_for(
    store: &ClusterStore,
    config: &Config,
    selection: Selection,
    name: &str,
) -> Vec<(String, Status, Severity)> {
    let engine = Engine::new(config, selection, None);
    engine
        .evaluate(store)
        .sorted()
        .into_iter()
        .filter(|r| r.subject.name == name)
        .map(|r| (r.check.to_string(), r.status, r.severity))
        .collect()
}

#[test]
fn ignore_annotation_suppresses_listed_checks() {
    let store = store();
    let quiet = ids_for(&store, &Config::default(), Selection::default(), "quiet");
    assert!(
        quiet
            .iter()
            .all(|(id, ..)| id != "workload/replicas" && id != "workload/requests-set"),
        "{quiet:?}"
    );
    let bad = ids_for(&store, &Config::default(), Selection::default(), "bad<&>");
    assert!(
        bad.iter()
            .any(|(id, s, _)| id == "workload/replicas" && *s == Status::Fail),
        "{bad:?}"
    );
}

#[test]
fn config_disables_overrides_and_scopes() {
    let store = store();
    let config = Config::parse(
        r#"
disabled = ["workload/requests-set"]
[severity]
"workload/replicas" = "error"
"#,
        Path::new("test.toml"),
    )
    .unwrap();
    let bad = ids_for(&store, &config, Selection::default(), "bad<&>");
    assert!(
        bad.iter().all(|(id, ..)| id != "workload/requests-set"),
        "{bad:?}"
    );
    assert!(
        bad.contains(&("workload/replicas".into(), Status::Fail, Severity::Error)),
        "{bad:?}"
    );

    let per_ns = Config::parse(
        "[namespaces.shop]\ndisabled = [\"workload/replicas\"]\n",
        Path::new("t.toml"),
    )
    .unwrap();
    let bad = ids_for(&store, &per_ns, Selection::default(), "bad<&>");
    assert!(
        bad.iter().all(|(id, ..)| id != "workload/replicas"),
        "{bad:?}"
    );
}

#[test]
fn selection_filters_namespace_category_and_check() {
    let store = store();
    let config = Config::default();
    let other_ns = Selection {
        namespace: Some("elsewhere".into()),
        ..Default::default()
    };
    assert!(ids_for(&store, &config, other_ns, "bad<&>").is_empty());
    let only = Selection {
        checks: vec!["workload/replicas".into()],
        ..Default::default()
    };
    let r = ids_for(&store, &config, only, "bad<&>");
    assert_eq!(r.len(), 1, "{r:?}");
    let security = Selection {
        categories: vec![Category::Security],
        ..Default::default()
    };
    assert!(
        ids_for(&store, &config, security, "bad<&>")
            .iter()
            .all(|(id, ..)| id.starts_with("security/"))
    );
}

#[test]
fn off_by_default_checks_need_enabling() {
    let ids = |config: &Config| -> Vec<&'static str> {
        Engine::new(config, Selection::default(), None)
            .checks()
            .iter()
            .map(|c| c.id)
            .collect()
    };
    assert!(!ids(&Config::default()).contains(&"workload/cpu-limit-set"));
    let on = Config::parse(
        "enabled = [\"workload/cpu-limit-set\"]\n",
        Path::new("t.toml"),
    )
    .unwrap();
    assert!(ids(&on).contains(&"workload/cpu-limit-set"));
}

#[test]
fn incremental_change_updates_only_that_object() {
    let mut store = store();
    let rx = store.subscribe();
    let config = Config::default();
    let engine = Engine::new(
        &config,
        Selection {
            checks: vec!["workload/replicas".into()],
            ..Default::default()
        },
        None,
    );
    let mut findings = engine.evaluate(&store);
    let failing = |f: &kready::checks::engine::Findings| {
        f.sorted()
            .iter()
            .filter(|r| r.status == Status::Fail)
            .map(|r| r.subject.name.clone())
            .collect::<Vec<_>>()
    };
    assert_eq!(failing(&findings), vec!["bad<&>".to_string()]);

    // Scale the failing Deployment to 3 through the store, as a watch event would.
    let key = ObjKey::new("Deployment", "shop", "bad<&>");
    let mut obj = (**store.get(&key).unwrap()).clone();
    if let kready::model::Body::Deployment(d) = &mut obj.body {
        d.spec.replicas = Some(3);
    }
    store.apply(Arc::new(obj));
    let change = rx.try_recv().unwrap();
    assert_eq!(change.kind, ChangeKind::Applied);
    assert_eq!(change.key, key);
    engine.apply_change(&store, &change, &mut findings);
    assert!(failing(&findings).is_empty());

    // Deleting it removes its results.
    let before = findings.len();
    store.delete(&key);
    let change = rx.try_recv().unwrap();
    assert_eq!(change.kind, ChangeKind::Deleted);
    engine.apply_change(&store, &change, &mut findings);
    assert_eq!(findings.len(), before - 1);
}
