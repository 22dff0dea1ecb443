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
        namespaces: vec!["elsewhere".into()],
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

/// Applies `yaml`'s objects to `store` one by one, as watch events would.
fn apply_yaml(store: &mut ClusterStore, yaml: &str) {
    let change = snapshot::load_str(Path::new("change.yaml"), yaml, &LoadOptions::default())
        .expect("change loads")
        .into_store();
    for kind in change.kinds() {
        for obj in change.list(&kind) {
            store.apply(obj.clone());
        }
    }
}

/// After changes whose effects reach past their own object — a RoleBinding
/// in one namespace naming another namespace's `default` ServiceAccount, a
/// pod bound to a node, a pod deleted from a full node — the incremental
/// findings are exactly a fresh evaluation's.
#[test]
fn incremental_findings_match_a_fresh_evaluation_across_namespaces_and_nodes() {
    let base = r#"
apiVersion: v1
kind: Node
metadata: {name: n1}
status:
  allocatable: {cpu: "2", memory: 4Gi}
  conditions: [{type: Ready, status: "True"}]
---
apiVersion: v1
kind: Node
metadata: {name: n2}
status:
  allocatable: {cpu: "2", memory: 4Gi}
  conditions: [{type: Ready, status: "True"}]
---
apiVersion: v1
kind: ServiceAccount
metadata: {name: default, namespace: b}
---
apiVersion: v1
kind: Pod
metadata: {name: big, namespace: b}
spec:
  nodeName: n1
  containers: [{name: c, image: "r/x:1", resources: {requests: {cpu: "1900m", memory: 1Gi}}}]
status: {phase: Running}
---
apiVersion: v1
kind: Pod
metadata: {name: pending, namespace: a}
spec:
  serviceAccountName: app
  containers: [{name: c, image: "r/y:1", resources: {requests: {cpu: "1900m", memory: 1Gi}}}]
status: {phase: Pending}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: reader, namespace: a}
rules: [{apiGroups: [""], resources: [secrets], verbs: [get]}]
"#;
    let mut store = snapshot::load_str(Path::new("base.yaml"), base, &LoadOptions::default())
        .expect("base loads")
        .into_store();
    let rx = store.subscribe();
    let config = Config::default();
    let engine = Engine::new(&config, Selection::default(), None);
    let mut findings = engine.evaluate(&store);
    let status_of = |f: &kready::checks::engine::Findings, check: &str, name: &str| {
        f.sorted()
            .iter()
            .find(|r| r.check == check && r.subject.name == name)
            .map(|r| (r.status, r.severity))
    };
    assert_eq!(
        status_of(&findings, "resources/node-pressure", "n1"),
        Some((Status::Fail, Severity::Error))
    );
    assert_eq!(
        status_of(&findings, "rbac/default-service-account", "b"),
        Some((Status::Fail, Severity::Info)),
        "runs as default, bound to nothing yet"
    );

    let step = |store: &mut ClusterStore,
                findings: &mut kready::checks::engine::Findings,
                what: &str,
                change: &dyn Fn(&mut ClusterStore)| {
        change(store);
        while let Ok(c) = rx.try_recv() {
            engine.apply_change(store, &c, findings);
        }
        engine.refresh(store, findings);
        let fresh = engine.evaluate(store);
        assert!(
            findings.sorted() == fresh.sorted(),
            "{what}: incremental findings differ from a fresh evaluation"
        );
    };
    step(
        &mut store,
        &mut findings,
        "a RoleBinding in a names b's default",
        &|s| {
            apply_yaml(
                s,
                r#"
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: b-default-reads, namespace: a}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: reader}
subjects: [{kind: ServiceAccount, name: default, namespace: b}]
"#,
            )
        },
    );
    assert_eq!(
        status_of(&findings, "rbac/default-service-account", "b"),
        Some((Status::Fail, Severity::Warning)),
        "b's default is now bound to a role in a"
    );
    step(
        &mut store,
        &mut findings,
        "the pending pod is bound to n2",
        &|s| {
            apply_yaml(
                s,
                r#"
apiVersion: v1
kind: Pod
metadata: {name: pending, namespace: a}
spec:
  nodeName: n2
  serviceAccountName: app
  containers: [{name: c, image: "r/y:1", resources: {requests: {cpu: "1900m", memory: 1Gi}}}]
status: {phase: Running}
"#,
            )
        },
    );
    assert_eq!(
        status_of(&findings, "resources/node-pressure", "n2").map(|s| s.0),
        Some(Status::Fail)
    );
    step(&mut store, &mut findings, "the big pod leaves n1", &|s| {
        s.delete(&ObjKey::new("Pod", "b", "big"));
    });
    assert_eq!(
        status_of(&findings, "resources/node-pressure", "n1").map(|s| s.0),
        Some(Status::Pass)
    );
}

/// A pod change re-runs the checks on Nodes that read pods (`Pod@node`) on
/// the pod's node only, not on every node; an object-scoped check whose
/// subjects may be anywhere (VerticalPodAutoscaler, a custom kind) is re-run
/// over its subjects only and hands its whole result list to the reader.
#[test]
fn a_pod_change_re_runs_node_checks_on_its_node_only() {
    let base = r#"
apiVersion: v1
kind: Node
metadata: {name: n1}
status:
  allocatable: {cpu: "2", memory: 4Gi}
  conditions: [{type: Ready, status: "True"}]
---
apiVersion: v1
kind: Node
metadata: {name: n2}
status:
  allocatable: {cpu: "2", memory: 4Gi}
  conditions: [{type: Ready, status: "True"}]
---
apiVersion: autoscaling.k8s.io/v1
kind: VerticalPodAutoscaler
metadata: {name: web, namespace: a}
spec:
  targetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
---
apiVersion: v1
kind: Pod
metadata: {name: p, namespace: a}
spec:
  nodeName: n1
  containers: [{name: c, image: "r/x:1", resources: {requests: {cpu: "100m", memory: 1Gi}}}]
status: {phase: Running}
"#;
    let mut store = snapshot::load_str(Path::new("base.yaml"), base, &LoadOptions::default())
        .expect("base loads")
        .into_store();
    let rx = store.subscribe();
    let engine = Engine::new(&Config::default(), Selection::default(), None);
    let mut findings = engine.evaluate(&store);
    findings.take_changes();
    apply_yaml(
        &mut store,
        r#"
apiVersion: v1
kind: Pod
metadata: {name: p, namespace: a}
spec:
  nodeName: n1
  containers: [{name: c, image: "r/x:1", resources: {requests: {cpu: "1900m", memory: 1Gi}}}]
status: {phase: Running}
"#,
    );
    let change = rx.try_recv().expect("a change");
    assert_eq!(change.nodes, vec!["n1".to_string()]);
    engine.apply_change(&store, &change, &mut findings);
    engine.refresh(&store, &mut findings);
    let changes = findings.take_changes();
    assert!(changes.objects.contains_key(&ObjKey::new("Node", "", "n1")));
    assert!(!changes.objects.contains_key(&ObjKey::new("Node", "", "n2")));
    assert!(!changes.checks.contains("resources/node-pressure"));
    let vpa = changes
        .object_checks
        .get("autoscaling/vpa-recommendations")
        .expect("re-run over its subjects");
    assert!(!vpa.is_empty() && vpa.iter().all(|r| r.subject.name == "web"));
    assert!(
        findings.sorted() == engine.evaluate(&store).sorted(),
        "incremental findings equal a fresh evaluation"
    );
    let n1 = findings
        .sorted()
        .into_iter()
        .find(|r| r.check == "resources/node-pressure" && r.subject.name == "n1")
        .map(|r| r.status);
    assert_eq!(n1, Some(Status::Fail), "1.9 of 2 CPUs requested");
}

/// A live source's per-kind status: a check that needs a kind the user may
/// not list, or that is still being listed, says `unknown` with the reason
/// — never pass, never fail for "absent"; kinds only read to refine a
/// message (Namespaces) block nothing.
#[test]
fn checks_whose_inputs_are_forbidden_or_syncing_say_unknown() {
    use kready::store::KindStatus;
    let mut store = store();
    let engine = Engine::new(&Config::default(), Selection::default(), None);
    let before = engine.evaluate(&store);
    let pdb_results = |f: &kready::checks::engine::Findings| {
        f.sorted()
            .into_iter()
            .filter(|r| r.check == "workload/pdb-present")
            .map(|r| (r.status, r.message.clone()))
            .collect::<Vec<_>>()
    };
    assert!(
        pdb_results(&before)
            .iter()
            .any(|(s, _)| *s != Status::Unknown),
        "the fixture has PDB results"
    );

    store.set_status(
        "PodDisruptionBudget",
        "policy",
        KindStatus::Forbidden(
            "poddisruptionbudgets.policy is forbidden: User \"dev\" cannot list resource".into(),
        ),
    );
    store.set_status("Namespace", "", KindStatus::Forbidden("no".into()));
    store.set_status("Service", "", KindStatus::Syncing { seen: 10 });
    assert!(engine.blocked_changed(&store, &before));
    let after = engine.evaluate(&store);
    assert!(!engine.blocked_changed(&store, &after));
    let pdb = pdb_results(&after);
    assert_eq!(pdb.len(), 1, "one unknown for the check: {pdb:?}");
    assert_eq!(pdb[0].0, Status::Unknown);
    assert!(
        pdb[0].1.contains("PodDisruptionBudget may not be listed")
            && pdb[0].1.contains("cannot list resource"),
        "{}",
        pdb[0].1
    );
    let readiness: Vec<_> = after
        .sorted()
        .into_iter()
        .filter(|r| r.check == "workload/readiness-probe")
        .collect();
    assert_eq!(readiness.len(), 1, "reads Services, which are still listed");
    assert!(
        readiness[0]
            .message
            .contains("Service is still being listed")
    );
    assert!(
        after
            .sorted()
            .iter()
            .any(|r| r.check == "workload/replicas" && r.status == Status::Fail),
        "a forbidden Namespace list blocks nothing"
    );

    // Listed at last: the check runs again.
    store.set_status("Service", "", KindStatus::Ready);
    let listed = engine.evaluate(&store);
    assert!(
        listed
            .sorted()
            .iter()
            .all(|r| r.check != "workload/readiness-probe" || !r.message.contains("still")),
    );
}
