//! Pods (and ReplicaSets, Jobs) whose controller is not visible — missing
//! from a partial snapshot, or of a kind the user may not list — are still
//! checked: as their own workload, or `unknown` naming the controller and
//! why it is not visible. Never silently skipped.

use std::path::Path;

use kready::checks::engine::{Engine, Findings, Selection};
use kready::checks::{CheckResult, Status};
use kready::config::Config;
use kready::model::ObjKey;
use kready::source::snapshot::{self, LoadOptions};
use kready::store::{ClusterStore, KindStatus};

use crate::support::*;

const FIXTURE: &str = "workload/orphans.yaml";

/// The template checks: each reads the pod spec of the top-level workload.
const TEMPLATE_CHECKS: &[&str] = &[
    "workload/requests-set",
    "workload/memory-limit-set",
    "workload/cpu-limit-set",
    "workload/liveness-probe",
    "workload/image-tag-pinned",
    "security/privileged",
    "security/host-namespaces",
    "security/privilege-escalation",
    "security/run-as-non-root",
    "security/read-only-root-fs",
    "security/capabilities",
    "security/host-path",
    "security/pod-not-isolated",
    "security/secrets-in-env",
];

fn of<'a>(r: &'a [CheckResult], name: &str) -> Vec<&'a CheckResult> {
    r.iter().filter(|x| x.subject.name == name).collect()
}

/// The request and limit checks read what a trimmed pod keeps.
fn reads_more_than_resources(check: &str) -> bool {
    ![
        "workload/requests-set",
        "workload/memory-limit-set",
        "workload/cpu-limit-set",
    ]
    .contains(&check)
}

#[test]
fn a_trimmed_pod_whose_controller_is_not_in_the_snapshot_is_unknown_naming_it() {
    let store = fixture(FIXTURE);
    for check in TEMPLATE_CHECKS
        .iter()
        .filter(|c| reads_more_than_resources(c))
    {
        let r = run(check, &store);
        let web = assert_status(&r, "web-7d9-a", Status::Unknown);
        assert_eq!(web.subject.kind, "Pod", "{check}");
        assert_eq!(web.subject.container, None, "{check}: one result per pod");
        assert!(
            web.message.starts_with(
                "cannot be checked: its controller ReplicaSet shop/web-7d9 is not visible \
                 (not in the snapshot)"
            ),
            "{check}: {}",
            web.message
        );
        assert!(
            web.message
                .contains("keeps only the placement, resources and status"),
            "{check}: {}",
            web.message
        );
        assert!(
            web.evidence
                .iter()
                .any(|e| e == "metadata.ownerReferences = ReplicaSet web-7d9 (controller)"),
            "{check}: {web:#?}"
        );
    }
}

#[test]
fn what_a_trimmed_orphan_keeps_is_still_judged() {
    let store = fixture(FIXTURE);
    // Every container's resources are kept, as admitted.
    let r = run("workload/requests-set", &store);
    let web = assert_status(&r, "web-7d9-a", Status::Pass);
    assert_eq!(web.subject.kind, "Pod");
    assert_eq!(web.subject.container.as_deref(), Some("app"));
    assert!(web.message.contains("cpu and memory requests are set"));
    assert!(
        web.evidence
            .iter()
            .any(|e| e == "resources.requests.cpu = 100m"),
        "{web:#?}"
    );
    let r = run("workload/memory-limit-set", &store);
    let web = assert_status(&r, "web-7d9-a", Status::Fail);
    assert_eq!(web.subject.container.as_deref(), Some("app"));
    assert!(web.message.contains("no memory limit"), "{}", web.message);
    assert!(
        web.evidence
            .iter()
            .any(|e| e == "resources.requests.memory = 128Mi"),
        "{web:#?}"
    );
    // The namespace and the pod's labels need no spec.
    let r = run("workload/default-namespace", &store);
    let web = assert_status(&r, "web-7d9-a", Status::Pass);
    assert_eq!(web.subject.kind, "Pod");
    assert!(web.message.contains("namespace shop"), "{}", web.message);
    let config = Config {
        cost_label_keys: vec!["app".into()],
        ..Config::default()
    };
    let r = run_with("resources/cost-labels", &store, &config);
    let web = assert_status(&r, "web-7d9-a", Status::Pass);
    assert_eq!(web.subject.kind, "Pod");
    assert!(web.message.contains("labelled app=web"), "{}", web.message);
    let config = Config {
        cost_label_keys: vec!["team".into()],
        ..Config::default()
    };
    let r = run_with("resources/cost-labels", &store, &config);
    let web = assert_status(&r, "web-7d9-a", Status::Fail);
    assert!(web.message.contains("no team label"), "{}", web.message);
}

#[test]
fn a_job_whose_cronjob_is_not_in_the_snapshot_is_checked_through_its_own_template() {
    let store = fixture(FIXTURE);
    let r = run("workload/requests-set", &store);
    let job = assert_status(&r, "report-29001", Status::Pass);
    assert_eq!(job.subject.kind, "Job");
    assert_eq!(job.subject.container.as_deref(), Some("report"));
    assert!(job.message.contains("cpu and memory requests are set"));
    let r = run("workload/image-tag-pinned", &store);
    let job = assert_status(&r, "report-29001", Status::Fail);
    assert_eq!(job.subject.kind, "Job");
    assert!(
        job.message.contains("image busybox has no tag"),
        "{}",
        job.message
    );
    let r = run("security/run-as-non-root", &store);
    let job = assert_status(&r, "report-29001", Status::Fail);
    assert!(job.message.contains("runAsNonRoot"), "{}", job.message);
    // A Job runs to completion: no liveness probe asked.
    let r = run("workload/liveness-probe", &store);
    assert!(of(&r, "report-29001").is_empty(), "{r:#?}");
}

#[test]
fn a_pod_whose_replicaset_is_missing_but_whose_deployment_is_present_is_checked_through_the_deployment()
 {
    let store = fixture(FIXTURE);
    for check in TEMPLATE_CHECKS {
        let r = run(check, &store);
        assert!(of(&r, "api-5c8-a").is_empty(), "{check}: {r:#?}");
    }
    let r = run("workload/requests-set", &store);
    let api = assert_status(&r, "api", Status::Fail);
    assert_eq!(api.subject.kind, "Deployment");
    assert!(
        api.message.contains("no cpu and no memory request"),
        "{}",
        api.message
    );
}

#[test]
fn a_replicaset_whose_deployment_is_missing_is_the_workload_of_its_pods() {
    let store = fixture(FIXTURE);
    for check in TEMPLATE_CHECKS {
        let r = run(check, &store);
        let rs = assert_status(&r, "cart-66b", Status::Unknown);
        assert_eq!(rs.subject.kind, "ReplicaSet", "{check}");
        assert!(
            rs.message.starts_with(
                "cannot be checked: its controller Deployment shop/cart is not visible \
                 (not in the snapshot), and kready keeps no pod template of a ReplicaSet"
            ),
            "{check}: {}",
            rs.message
        );
        // Its pods are checked through it; the old ReplicaSet runs nothing.
        assert!(of(&r, "cart-66b-a").is_empty(), "{check}: {r:#?}");
        assert!(of(&r, "cart-55a").is_empty(), "{check}: {r:#?}");
    }
    // Its status is kept: readiness is decided.
    let r = run("workload/not-ready", &store);
    let rs = assert_status(&r, "cart-66b", Status::Pass);
    assert_eq!(rs.subject.kind, "ReplicaSet");
    assert!(rs.message.contains("2/2"), "{}", rs.message);
}

#[test]
fn a_pod_whose_controller_is_present_is_checked_through_it_as_before() {
    let store = fixture(FIXTURE);
    for check in TEMPLATE_CHECKS {
        let r = run(check, &store);
        assert!(of(&r, "db-0").is_empty(), "{check}: {r:#?}");
    }
    let r = run("workload/image-tag-pinned", &store);
    let db = assert_status(&r, "db", Status::Pass);
    assert_eq!(db.subject.kind, "StatefulSet");
    assert!(db.message.contains("tag 16.4"), "{}", db.message);
}

/// Listing fails after ReplicaSets were listed once: the pod says why its
/// controller is not visible, with the server's reason.
#[test]
fn an_orphan_says_when_its_controllers_kind_could_not_be_listed() {
    let mut store = fixture(FIXTURE);
    store.set_status("ReplicaSet", "apps", KindStatus::Ready);
    store.set_status(
        "ReplicaSet",
        "apps",
        KindStatus::error("500 etcdserver: request timed out"),
    );
    let r = run("workload/image-tag-pinned", &store);
    let web = assert_status(&r, "web-7d9-a", Status::Unknown);
    assert!(
        web.message.contains(
            "its controller ReplicaSet shop/web-7d9 is not visible (ReplicaSet could not be \
             listed: 500 etcdserver: request timed out)"
        ),
        "{}",
        web.message
    );
}

/// A user who may not list ReplicaSets: the Deployments they can see are
/// still judged, and each pod whose ReplicaSet cannot be seen says
/// `unknown` with the server's reason — no orphaned pod is passed or failed
/// on a spec kready did not keep, and no check is blocked whole
/// (`checks::inputs`: a check's own subject kinds block nothing).
#[test]
fn a_forbidden_controller_kind_makes_its_pods_unknown_with_the_reason() {
    let mut store = fixture(FIXTURE);
    store.set_status(
        "ReplicaSet",
        "apps",
        KindStatus::Forbidden(
            "replicasets.apps is forbidden: User \"dev\" cannot list resource \"replicasets\""
                .into(),
        ),
    );
    for check in TEMPLATE_CHECKS {
        let r = run(check, &store);
        assert!(
            r.iter().all(|x| x.subject.kind != "Cluster"),
            "{check}: not blocked whole: {r:#?}"
        );
        // What a trimmed pod keeps (its resources) is still judged.
        if check.ends_with("-set") {
            continue;
        }
        let web = assert_status(&r, "web-7d9-a", Status::Unknown);
        assert!(
            web.message
                .contains("its controller ReplicaSet shop/web-7d9 is not visible")
                && web.message.contains("replicasets.apps is forbidden"),
            "{check}: {}",
            web.message
        );
    }
}

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

/// The results of the template checks on `name` (pod-scoped checks such as
/// crashloop judge every pod, controlled or not).
fn results_of<'a>(f: &'a Findings, name: &str) -> Vec<&'a CheckResult> {
    f.sorted()
        .into_iter()
        .filter(|r| r.subject.name == name && TEMPLATE_CHECKS.contains(&r.check))
        .collect()
}

/// A live source lists Pods before their controllers: the orphan's own
/// results go away when its ReplicaSet appears, the ReplicaSet's when its
/// Deployment does, and come back when they are deleted — incrementally
/// exactly what a fresh evaluation finds, and never both.
#[test]
fn a_controller_listed_after_its_pods_takes_their_results_over_incrementally() {
    let base = r#"
apiVersion: v1
kind: Pod
metadata:
  name: web-7d9-a
  namespace: shop
  labels: {app: web, pod-template-hash: 7d9}
  ownerReferences: [{apiVersion: apps/v1, kind: ReplicaSet, name: web-7d9, uid: rs-web, controller: true}]
spec:
  containers: [{name: app, image: "shop/web:1.0"}]
status: {phase: Running}
---
apiVersion: v1
kind: Pod
metadata:
  name: other
  namespace: other
  labels: {app: other}
spec:
  containers: [{name: app, image: "shop/other:1.0"}]
"#;
    let mut store = snapshot::load_str(Path::new("base.yaml"), base, &LoadOptions::default())
        .expect("base loads")
        .into_store();
    let rx = store.subscribe();
    let config = Config::default();
    let engine = Engine::new(&config, Selection::default(), Some(NOW.parse().unwrap()));
    let mut findings = engine.evaluate(&store);
    let web = results_of(&findings, "web-7d9-a");
    assert!(
        web.iter()
            .any(|r| r.check == "workload/image-tag-pinned" && r.status == Status::Unknown),
        "{web:#?}"
    );

    let mut step = |what: &str, change: &dyn Fn(&mut ClusterStore)| -> Findings {
        change(&mut store);
        while let Ok(c) = rx.try_recv() {
            engine.apply_change(&store, &c, &mut findings);
        }
        engine.refresh(&store, &mut findings);
        let fresh = engine.evaluate(&store);
        assert!(
            findings.sorted() == fresh.sorted(),
            "{what}: incremental findings differ from a fresh evaluation"
        );
        fresh
    };
    let pinned = |f: &Findings, name: &str| {
        results_of(f, name)
            .into_iter()
            .filter(|r| r.check == "workload/image-tag-pinned")
            .map(|r| (r.subject.kind.clone(), r.status, r.message.clone()))
            .collect::<Vec<_>>()
    };

    let f = step("the ReplicaSet is listed", &|s| {
        apply_yaml(
            s,
            r#"
apiVersion: apps/v1
kind: ReplicaSet
metadata:
  name: web-7d9
  namespace: shop
  ownerReferences: [{apiVersion: apps/v1, kind: Deployment, name: web, uid: d-web, controller: true}]
spec:
  replicas: 1
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: app, image: "shop/web:1.0"}]
"#,
        )
    });
    let left = results_of(&f, "web-7d9-a");
    assert!(left.is_empty(), "checked through its ReplicaSet: {left:#?}");
    let rs = pinned(&f, "web-7d9");
    assert_eq!(rs.len(), 1, "{rs:?}");
    assert_eq!((rs[0].0.as_str(), rs[0].1), ("ReplicaSet", Status::Unknown));
    assert!(
        rs[0]
            .2
            .contains("its controller Deployment shop/web is not visible"),
        "{}",
        rs[0].2
    );

    let f = step("the Deployment is listed", &|s| {
        apply_yaml(
            s,
            r#"
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  replicas: 1
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: app, image: "shop/web:1.0"}]
"#,
        )
    });
    assert!(
        results_of(&f, "web-7d9").is_empty(),
        "checked through its Deployment"
    );
    assert!(results_of(&f, "web-7d9-a").is_empty());
    let d = pinned(&f, "web");
    assert_eq!(d.len(), 1, "{d:?}");
    assert_eq!((d[0].0.as_str(), d[0].1), ("Deployment", Status::Pass));
    assert!(d[0].2.contains("tag 1.0"), "{}", d[0].2);

    // The ReplicaSet goes (a rollout): the pod's Deployment is still
    // known from its pod-template-hash.
    let f = step("the ReplicaSet is deleted", &|s| {
        s.delete(&ObjKey::new("ReplicaSet", "shop", "web-7d9"));
    });
    assert!(results_of(&f, "web-7d9-a").is_empty());
    assert_eq!(pinned(&f, "web").len(), 1);

    let f = step("the Deployment is deleted", &|s| {
        s.delete(&ObjKey::new("Deployment", "shop", "web"));
    });
    let web = pinned(&f, "web-7d9-a");
    assert_eq!(web.len(), 1, "{web:?}");
    assert_eq!((web[0].0.as_str(), web[0].1), ("Pod", Status::Unknown));
    assert!(
        web[0].2.contains(
            "its controller ReplicaSet shop/web-7d9 is not visible (not in the snapshot)"
        ),
        "{}",
        web[0].2
    );
    assert!(results_of(&f, "web").is_empty());
}
