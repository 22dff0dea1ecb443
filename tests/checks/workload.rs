//! workload check tests.

use kready::checks::{Severity, Status};
use kready::config::Config;

use crate::support::*;

#[test]
fn requests_set_pass_and_fail() {
    let store = fixture("workload/requests.yaml");
    let r = run("workload/requests-set", &store);
    assert_status(&r, "good", Status::Pass);
    let bad = assert_fail(&r, "bad", Severity::Warning);
    assert_eq!(bad.subject.container.as_deref(), Some("app"));
    assert!(bad.message.contains("memory"), "{}", bad.message);
    // kube-system is a system namespace: skipped by default.
    assert!(r.iter().all(|x| x.subject.name != "sys"));
}

#[test]
fn system_namespaces_included_on_request() {
    let store = fixture("workload/requests.yaml");
    let config = Config {
        include_system_namespaces: true,
        ..Config::default()
    };
    let r = run_with("workload/requests-set", &store, &config);
    assert_fail(&r, "sys", Severity::Warning);
}

#[test]
fn replicas_pass_fail_and_hpa() {
    let store = yaml(
        r#"
apiVersion: apps/v1
kind: Deployment
metadata: {name: single, namespace: shop}
spec:
  replicas: 1
  selector: {matchLabels: {app: single}}
  template: {metadata: {labels: {app: single}}, spec: {containers: [{name: a, image: a:1}]}}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: scaled, namespace: shop}
spec:
  replicas: 1
  selector: {matchLabels: {app: scaled}}
  template: {metadata: {labels: {app: scaled}}, spec: {containers: [{name: a, image: a:1}]}}
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: scaled, namespace: shop}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: scaled}
  minReplicas: 2
  maxReplicas: 5
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db, namespace: shop}
spec:
  replicas: 3
  serviceName: db
  selector: {matchLabels: {app: db}}
  template: {metadata: {labels: {app: db}}, spec: {containers: [{name: a, image: a:1}]}}
"#,
    );
    let r = run("workload/replicas", &store);
    assert_fail(&r, "single", Severity::Warning);
    assert_status(&r, "scaled", Status::Pass);
    assert_status(&r, "db", Status::Pass);
}
