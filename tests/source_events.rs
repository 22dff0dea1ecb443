//! The one event path: the demo folded through `source::Event`s gives the
//! same cluster, and the same `kready check --format json` bytes, as objects
//! applied one by one; the replay's events reach the same results as its
//! objects applied directly; groups keep same-named kinds apart; a re-list
//! swaps a whole kind.

use std::path::Path;
use std::sync::Arc;

use kready::checks::engine::{Engine, Selection};
use kready::config::Config;
use kready::model::{ObjKey, ObjRef};
use kready::report::{Report, json};
use kready::source::Event;
use kready::source::decode::decode;
use kready::source::demo::load_steps;
use kready::source::snapshot::{self, LoadOptions, Loaded};
use kready::store::{ClusterStore, KindStatus};
use serde_json::json;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn demo() -> Loaded {
    snapshot::load(&root().join("assets/demo"), &LoadOptions::default()).expect("demo loads")
}

/// Objects applied one by one: the store as it was built before events.
fn applied_directly(loaded: Loaded) -> ClusterStore {
    let mut store = ClusterStore::new(loaded.info);
    for obj in loaded.objects {
        store.apply(obj);
    }
    store
}

fn check_json(store: &ClusterStore) -> Vec<u8> {
    let config = Config::default();
    let engine = Engine::new(&config, Selection::default(), None);
    let findings = engine.evaluate(store);
    let now = store.info.captured_at.expect("the demo has a capture time");
    let report = Report::new(findings.sorted(), engine.checks(), store, now);
    let mut out = Vec::new();
    json::write(&report, &mut out, true).expect("json writes");
    out
}

#[test]
fn the_demo_through_events_gives_byte_identical_json() {
    let direct = check_json(&applied_directly(demo()));
    let through_events = demo().into_store();
    let evented = check_json(&through_events);
    assert!(direct.len() > 10_000, "the demo has findings");
    assert!(direct == evented, "JSON differs between the two paths");
    // Every kind the snapshot held is listed, and Ready.
    for kind in through_events.kinds() {
        assert!(through_events.listed(&kind), "{kind} listed");
        assert_eq!(
            through_events.status(&kind),
            Some(&KindStatus::Ready),
            "{kind}"
        );
    }
    assert!(!through_events.listed("ScaledObject"), "not captured");
}

#[test]
fn the_replay_through_events_matches_direct_applies() {
    let loaded = demo();
    let start = loaded.info.captured_at.expect("capture time");
    let steps = load_steps(&root().join("assets/demo-replay"), start).expect("timeline");
    let loaded = demo();
    let mut direct = ClusterStore::new(loaded.info.clone());
    for obj in &loaded.objects {
        direct.apply(obj.clone());
    }
    let mut evented = loaded.into_store();
    for step in steps {
        for obj in &step.objects {
            direct.apply(obj.clone());
        }
        for key in &step.deletes {
            direct.delete(key);
        }
        let mut notices = Vec::new();
        let mut clock = None;
        for event in step.clone().events() {
            match event.apply_to(&mut evented) {
                Some(Event::Clock(t)) => clock = Some(t),
                Some(Event::Notice(n)) => notices.push(n),
                _ => {}
            }
        }
        assert_eq!(
            clock,
            Some(step.at),
            "{:?}: the clock comes back",
            step.file
        );
        assert_eq!(notices, [format!("demo: {}", step.title)]);
    }
    assert_eq!(contents(&direct), contents(&evented));
}

/// Every object of a store, by key (the same `Arc`s when built from the
/// same loaded objects).
fn contents(store: &ClusterStore) -> Vec<(String, *const kready::model::Object)> {
    store
        .kinds()
        .iter()
        .flat_map(|k| store.list(k).map(|o| (o.key.to_string(), Arc::as_ptr(o))))
        .collect()
}

fn obj(v: serde_json::Value) -> ObjRef {
    Arc::new(decode(v, None).expect("decodes"))
}

fn backup(api_version: &str, name: &str, rv: &str) -> ObjRef {
    obj(json!({"apiVersion": api_version, "kind": "Backup",
               "metadata": {"name": name, "namespace": "velero", "resourceVersion": rv}}))
}

#[test]
fn kinds_with_one_name_in_two_groups_do_not_collide() {
    let mut store = ClusterStore::default();
    store.apply(backup("velero.io/v1", "nightly", "1"));
    store.apply(backup("postgresql.cnpg.io/v1", "nightly", "1"));
    store.apply(obj(json!({"apiVersion": "v1", "kind": "Event",
        "metadata": {"name": "e1", "namespace": "shop"}, "type": "Warning",
        "involvedObject": {"kind": "Pod", "name": "p"}})));
    store.apply(obj(
        json!({"apiVersion": "events.k8s.io/v1", "kind": "Event",
        "metadata": {"name": "e1", "namespace": "shop"}, "type": "Warning"}),
    ));
    store.apply(obj(
        json!({"apiVersion": "extensions/v1beta1", "kind": "Deployment",
        "metadata": {"name": "web", "namespace": "shop"},
        "spec": {"selector": {"matchLabels": {"app": "web"}},
                 "template": {"metadata": {"labels": {"app": "web"}},
                              "spec": {"containers": [{"name": "c", "image": "nginx:1.27"}]}}}}),
    ));

    assert_eq!(store.count("Backup"), 2, "a bare custom kind: every group");
    assert_eq!(store.count("Backup.velero.io"), 1);
    assert_eq!(store.count("Backup.postgresql.cnpg.io"), 1);
    let velero = store
        .get_named("Backup.velero.io", "velero", "nightly")
        .expect("velero's");
    assert_eq!(velero.key.group, "velero.io");
    assert_eq!(velero.key.to_string(), "Backup/velero/nightly");

    // A bare `Event` is the typed core kind; the other group is qualified.
    assert_eq!(store.count("Event"), 1);
    assert_eq!(store.count("Event.events.k8s.io"), 1);
    let other = store
        .get_named("Event.events.k8s.io", "shop", "e1")
        .expect("events.k8s.io");
    assert_eq!(other.key.to_string(), "Event.events.k8s.io/shop/e1");
    assert!(other.key.is("Event.events.k8s.io") && !other.key.is("Event"));

    // An older group of a typed kind is read as the typed kind: one key.
    let web = store
        .get(&ObjKey::new("Deployment", "shop", "web"))
        .expect("found by bare label");
    assert_eq!(web.key.group, "apps");
    assert!(
        store
            .get(&ObjKey::new("Deployment.extensions", "shop", "web"))
            .is_some()
    );

    // Deleting one group's object leaves the other.
    assert!(store.delete(&velero.key.clone()).is_some());
    assert_eq!(store.count("Backup"), 1);
    assert!(
        store.get_named("Backup", "velero", "nightly").is_some(),
        "cnpg's is still there"
    );
}

#[test]
fn a_relist_swaps_the_kind_and_keeps_what_did_not_change() {
    let mut store = ClusterStore::default();
    let changes = store.subscribe();
    let kept = backup("velero.io/v1", "kept", "7");
    Event::Relist {
        kind: "Backup".into(),
        group: "velero.io".into(),
        namespace: None,
        objects: vec![kept.clone(), backup("velero.io/v1", "gone", "3")],
    }
    .apply_to(&mut store);
    assert!(store.listed("Backup.velero.io"));
    assert_eq!(changes.try_iter().count(), 2);

    // The same kept object (same resourceVersion) is no change; a changed
    // one and a new one are; the missing one is deleted.
    Event::Relist {
        kind: "Backup".into(),
        group: "velero.io".into(),
        namespace: None,
        objects: vec![
            backup("velero.io/v1", "kept", "7"),
            backup("velero.io/v1", "new", "9"),
        ],
    }
    .apply_to(&mut store);
    let seen: Vec<String> = changes
        .try_iter()
        .map(|c| format!("{:?} {}", c.kind, c.key))
        .collect();
    assert_eq!(
        seen,
        ["Applied Backup/velero/new", "Deleted Backup/velero/gone"]
    );
    assert!(Arc::ptr_eq(
        store.get_named("Backup", "velero", "kept").expect("kept"),
        &kept
    ));

    // Within one list the later duplicate wins, as everywhere.
    Event::Relist {
        kind: "Backup".into(),
        group: "velero.io".into(),
        namespace: None,
        objects: vec![
            backup("velero.io/v1", "kept", "7"),
            backup("velero.io/v1", "kept", "8"),
        ],
    }
    .apply_to(&mut store);
    let rv = |s: &ClusterStore| {
        s.get_named("Backup", "velero", "kept")
            .and_then(|o| o.meta.resource_version.clone())
    };
    assert_eq!(rv(&store).as_deref(), Some("8"));
    assert_eq!(store.count("Backup"), 1);
}

#[test]
fn status_tells_not_captured_from_none_there() {
    let mut store = ClusterStore::default();
    let status = |kind: &str, status| Event::Status {
        kind: kind.into(),
        group: "rbac.authorization.k8s.io".into(),
        status,
    };
    status("Role", KindStatus::Syncing { seen: 0 }).apply_to(&mut store);
    assert!(!store.listed("Role"), "still syncing");
    status("Role", KindStatus::Ready).apply_to(&mut store);
    assert!(
        store.listed("Role") && store.count("Role") == 0,
        "listed: none there"
    );
    status("Role", KindStatus::error("connection reset")).apply_to(&mut store);
    assert!(store.listed("Role"), "an error later keeps what was listed");
    assert_eq!(
        store.status("Role"),
        Some(&KindStatus::error("connection reset"))
    );
    status(
        "ClusterRole",
        KindStatus::Forbidden("cannot list clusterroles".into()),
    )
    .apply_to(&mut store);
    assert!(!store.listed("ClusterRole"));
    assert!(!store.listed("RoleBinding"), "never heard of: not captured");
    // Notices and the clock are not the store's: they come back.
    assert!(Event::Notice("x".into()).apply_to(&mut store).is_some());
}
