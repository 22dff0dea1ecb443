//! resources check tests.

use kready::checks::{CheckResult, Severity, Status};
use kready::config::Config;

use crate::support::*;

fn has_evidence(r: &CheckResult, needle: &str) -> bool {
    r.evidence.iter().any(|e| e.contains(needle))
}

// --- resources/quota-present -------------------------------------------------

#[test]
fn quota_present_pass_and_fail() {
    let store = fixture("resources/namespaces.yaml");
    let r = run("resources/quota-present", &store);
    let shop = assert_status(&r, "shop", Status::Pass);
    assert_eq!(shop.subject.kind, "Namespace");
    assert!(shop.message.contains("compute"), "{}", shop.message);
    let blog = assert_fail(&r, "blog", Severity::Warning);
    assert!(
        blog.message.contains("no ResourceQuota"),
        "{}",
        blog.message
    );
    assert!(has_evidence(blog, "workloads = 1"), "{blog:#?}");
    // A CronJob is a workload.
    assert_fail(&r, "batch", Severity::Warning);
    // No workloads: nothing to cap. System namespaces are skipped.
    for ns in ["empty", "capped", "kube-system"] {
        assert!(r.iter().all(|x| x.subject.name != ns), "{ns}: {r:#?}");
    }
}

#[test]
fn quota_present_system_namespaces_on_request() {
    let store = fixture("resources/namespaces.yaml");
    let config = Config {
        include_system_namespaces: true,
        ..Config::default()
    };
    let r = run_with("resources/quota-present", &store, &config);
    assert_fail(&r, "kube-system", Severity::Warning);
}

// --- resources/limitrange-present --------------------------------------------

#[test]
fn limitrange_present_pass_and_fail() {
    let store = fixture("resources/namespaces.yaml");
    let r = run("resources/limitrange-present", &store);
    let shop = assert_status(&r, "shop", Status::Pass);
    assert!(
        has_evidence(shop, "defaultRequest = {cpu=100m, memory=128Mi}"),
        "{shop:#?}"
    );
    // `default` alone: the API copies it into `defaultRequest`.
    let blog = assert_status(&r, "blog", Status::Pass);
    assert!(
        has_evidence(blog, "defaultRequest = {cpu=250m, memory=256Mi}"),
        "{blog:#?}"
    );
    // `max` alone: it becomes the default limit, and that the default request.
    let capped = assert_status(&r, "capped", Status::Pass);
    assert!(
        has_evidence(capped, "default = {cpu=1, memory=1Gi}"),
        "{capped:#?}"
    );
    // A Pod-type range sets no container defaults; cpu only is not enough.
    let batch = assert_fail(&r, "batch", Severity::Warning);
    assert!(
        batch.message.contains("default memory request"),
        "{}",
        batch.message
    );
    assert!(
        batch.message.contains("default memory limit"),
        "{}",
        batch.message
    );
    assert!(!batch.message.contains("default cpu"), "{}", batch.message);
    let empty = assert_fail(&r, "empty", Severity::Warning);
    assert!(empty.message.contains("no LimitRange"), "{}", empty.message);
    assert!(r.iter().all(|x| x.subject.name != "kube-system"));
}

// --- resources/quota-pressure ------------------------------------------------

const QUOTAS: &str = r#"
apiVersion: v1
kind: ResourceQuota
metadata: {name: roomy, namespace: shop}
spec:
  hard: {requests.cpu: "4", services.loadbalancers: "0"}
status:
  hard: {requests.cpu: "4", services.loadbalancers: "0"}
  used: {requests.cpu: 1500m, services.loadbalancers: "0"}
---
apiVersion: v1
kind: ResourceQuota
metadata: {name: tight, namespace: shop}
spec:
  hard: {requests.memory: 10Gi, requests.cpu: "1"}
status:
  hard: {requests.memory: 10Gi, requests.cpu: "1"}
  used: {requests.memory: 9728Mi, requests.cpu: 900m}
---
apiVersion: v1
kind: ResourceQuota
metadata: {name: full, namespace: shop}
spec:
  hard: {pods: "10", requests.cpu: "2"}
status:
  hard: {pods: "10", requests.cpu: "2"}
  used: {pods: "10", requests.cpu: 500m}
---
apiVersion: v1
kind: ResourceQuota
metadata: {name: zero-hard, namespace: shop}
spec:
  hard: {services.nodeports: "0"}
status:
  hard: {services.nodeports: "0"}
  used: {services.nodeports: "1"}
---
apiVersion: v1
kind: ResourceQuota
metadata: {name: fresh, namespace: shop}
spec:
  hard: {pods: "10"}
"#;

#[test]
fn quota_pressure_levels() {
    let store = yaml(QUOTAS);
    let r = run("resources/quota-pressure", &store);
    let roomy = assert_status(&r, "roomy", Status::Pass);
    assert!(
        roomy.message.contains("requests.cpu 38%"),
        "{}",
        roomy.message
    );
    // 95% memory and exactly 90% cpu (900m of 1) both warn.
    let tight = assert_fail(&r, "tight", Severity::Warning);
    assert!(
        tight
            .message
            .contains("requests.memory at 95% (9728Mi of 10Gi)"),
        "{}",
        tight.message
    );
    assert!(
        tight.message.contains("requests.cpu at 90%"),
        "{}",
        tight.message
    );
    let full = assert_fail(&r, "full", Severity::Error);
    assert!(
        full.message.contains("pods at 100% (10 of 10)"),
        "{}",
        full.message
    );
    assert!(!full.message.contains("requests.cpu"), "{}", full.message);
    assert!(has_evidence(full, "pods used/hard = 10/10"), "{full:#?}");
    // A hard limit of 0 already exceeded.
    assert_fail(&r, "zero-hard", Severity::Error);
    let fresh = assert_status(&r, "fresh", Status::Unknown);
    assert!(fresh.message.contains("status.used"), "{}", fresh.message);
}

#[test]
fn quota_pressure_threshold_configurable() {
    let store = yaml(QUOTAS);
    let mut config = Config::default();
    config.thresholds.quota_warn_ratio = 0.96;
    let r = run_with("resources/quota-pressure", &store, &config);
    assert_status(&r, "tight", Status::Pass);
    assert_fail(&r, "full", Severity::Error);
}

// --- resources/system-reserved -----------------------------------------------

#[test]
fn system_reserved_from_node_status() {
    let store = fixture("resources/nodes.yaml");
    let r = run("resources/system-reserved", &store);
    let a = assert_status(&r, "node-a", Status::Pass);
    assert!(a.message.contains("cpu 200m"), "{}", a.message);
    let b = assert_fail(&r, "node-b", Severity::Warning);
    assert!(
        b.message.contains("allocatable cpu equals capacity"),
        "{}",
        b.message
    );
    assert!(
        has_evidence(b, "cpu capacity / allocatable = 4 / 4"),
        "{b:#?}"
    );
    let c = assert_fail(&r, "node-c", Severity::Warning);
    assert!(
        c.message.contains("default eviction threshold"),
        "{}",
        c.message
    );
    assert!(!c.message.contains("cpu equals"), "{}", c.message);
    assert_fail(&r, "node-d", Severity::Warning);
    assert_status(&r, "node-e", Status::Unknown);
}

#[test]
fn system_reserved_from_kubelet_config() {
    let store = yaml(
        r#"
apiVersion: v1
kind: Node
metadata: {name: good}
status:
  capacity: {cpu: "4", memory: 16Gi}
  allocatable: {cpu: "4", memory: 16Gi}
---
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
metadata: {name: good}
kubeReserved: {cpu: 100m, memory: 512Mi}
---
apiVersion: v1
kind: Node
metadata: {name: half}
status:
  capacity: {cpu: "4", memory: 16Gi}
  allocatable: {cpu: 3900m, memory: 15Gi}
---
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
metadata: {name: half}
systemReserved: {cpu: 100m}
evictionHard: {memory.available: 100Mi}
"#,
    );
    let r = run("resources/system-reserved", &store);
    // The kubelet's configuration decides when it was captured.
    assert_status(&r, "good", Status::Pass);
    let half = assert_fail(&r, "half", Severity::Warning);
    assert!(half.message.contains("no memory"), "{}", half.message);
    assert!(
        has_evidence(half, "systemReserved = {\"cpu\":\"100m\"}"),
        "{half:#?}"
    );
}

// --- resources/node-pressure -------------------------------------------------

#[test]
fn node_pressure_conditions_and_requests() {
    let store = fixture("resources/nodes.yaml");
    let r = run("resources/node-pressure", &store);
    // The Succeeded pod's 30 cpu no longer count.
    let a = assert_status(&r, "node-a", Status::Pass);
    assert!(
        a.message
            .contains("cpu requests 1 of 3.8 allocatable (26%)"),
        "{}",
        a.message
    );
    let b = assert_fail(&r, "node-b", Severity::Error);
    assert!(b.message.contains("MemoryPressure"), "{}", b.message);
    assert!(has_evidence(b, "condition = MemoryPressure"), "{b:#?}");
    // Init container next to the sidecar: the pod requests 2 cpu, not 1.5.
    let c = assert_fail(&r, "node-c", Severity::Error);
    assert!(
        c.message
            .contains("cpu requests 2 of 1.9 allocatable (105%)"),
        "{}",
        c.message
    );
    // Limits stand in for missing requests.
    let d = assert_fail(&r, "node-d", Severity::Error);
    assert!(d.message.contains("cpu requests 1.9 of 2"), "{}", d.message);
    assert!(!d.message.contains("memory requests"), "{}", d.message);
    assert_status(&r, "node-e", Status::Unknown);
}

#[test]
fn node_pressure_ratio_configurable_and_unknown_without_pods() {
    let store = fixture("resources/nodes.yaml");
    let mut config = Config::default();
    config.thresholds.node_request_ratio = 1.0;
    let r = run_with("resources/node-pressure", &store, &config);
    assert_status(&r, "node-d", Status::Pass);
    assert_fail(&r, "node-c", Severity::Error);

    let nodes_only = yaml(
        r#"
apiVersion: v1
kind: Node
metadata: {name: lonely}
status:
  allocatable: {cpu: "4", memory: 16Gi}
  conditions:
    - {type: MemoryPressure, status: "False"}
    - {type: Ready, status: "True"}
---
apiVersion: v1
kind: Node
metadata: {name: squeezed}
status:
  allocatable: {cpu: "4", memory: 16Gi}
  conditions:
    - {type: DiskPressure, status: "True"}
"#,
    );
    let r = run("resources/node-pressure", &nodes_only);
    let u = assert_status(&r, "lonely", Status::Unknown);
    assert!(u.message.contains("no Pods"), "{}", u.message);
    // A pressure condition needs no pods to fail.
    assert_fail(&r, "squeezed", Severity::Error);
}

#[test]
fn node_pressure_counts_sidecars_by_start_order_and_pod_level_requests() {
    // Effective pod request = max(max over init containers i of (request_i +
    // sidecars started before i), regular containers + all sidecars) (+
    // overhead); pod-level requests win (KEP-753, KEP-2837).
    let node = |name: &str| {
        format!(
            "apiVersion: v1\nkind: Node\nmetadata: {{name: {name}}}\nstatus:\n  \
             allocatable: {{cpu: \"10\", memory: 64Gi}}\n  conditions: [{{type: Ready, status: \"True\"}}]\n---\n"
        )
    };
    let mut text = String::new();
    for n in [
        "early",
        "late",
        "sum",
        "pod-level",
        "pod-limit",
        "pod-limit-ctr",
    ] {
        text.push_str(&node(n));
    }
    text.push_str(
        r#"
# The 4-cpu init container runs before the sidecar: max(4, 1 + 1) = 4.
apiVersion: v1
kind: Pod
metadata: {name: early, namespace: shop}
spec:
  nodeName: early
  initContainers:
    - {name: warm, image: w:1, resources: {requests: {cpu: "4"}}}
    - {name: proxy, image: p:1, restartPolicy: Always, resources: {requests: {cpu: "1"}}}
  containers:
    - {name: app, image: a:1, resources: {requests: {cpu: "1"}}}
status: {phase: Running}
---
# The same init container after the sidecar runs next to it: 4 + 1 = 5.
apiVersion: v1
kind: Pod
metadata: {name: late, namespace: shop}
spec:
  nodeName: late
  initContainers:
    - {name: proxy, image: p:1, restartPolicy: Always, resources: {requests: {cpu: "1"}}}
    - {name: warm, image: w:1, resources: {requests: {cpu: "4"}}}
  containers:
    - {name: app, image: a:1, resources: {requests: {cpu: "1"}}}
status: {phase: Running}
---
# Small init container: the long-running sum wins, two sidecars included:
# 3 + 2 + 1.5 = 6.5, plus 500m overhead = 7.
apiVersion: v1
kind: Pod
metadata: {name: sum, namespace: shop}
spec:
  nodeName: sum
  overhead: {cpu: 500m}
  initContainers:
    - {name: proxy, image: p:1, restartPolicy: Always, resources: {requests: {cpu: "2"}}}
    - {name: setup, image: s:1, resources: {requests: {cpu: 100m}}}
    - {name: logs, image: l:1, restartPolicy: Always, resources: {limits: {cpu: 1500m}}}
  containers:
    - {name: app, image: a:1, resources: {requests: {cpu: "3"}}}
status: {phase: Running}
---
# Pod-level requests win over the containers'.
apiVersion: v1
kind: Pod
metadata: {name: pod-level, namespace: shop}
spec:
  nodeName: pod-level
  resources: {requests: {cpu: "2"}, limits: {cpu: "8"}}
  initContainers:
    - {name: proxy, image: p:1, restartPolicy: Always, resources: {requests: {cpu: "1"}}}
  containers:
    - {name: app, image: a:1, resources: {requests: {cpu: "6"}}}
status: {phase: Running}
---
# Pod-level limits only, no container sets cpu: the request defaults to the
# pod-level limit.
apiVersion: v1
kind: Pod
metadata: {name: pod-limit, namespace: shop}
spec:
  nodeName: pod-limit
  resources: {limits: {cpu: "3", memory: 1Gi}}
  containers:
    - {name: app, image: a:1}
status: {phase: Running}
---
# Pod-level limits, and the containers set cpu: the request defaults to
# their sum (1 + 1), not to the pod-level limit.
apiVersion: v1
kind: Pod
metadata: {name: pod-limit-ctr, namespace: shop}
spec:
  nodeName: pod-limit-ctr
  resources: {limits: {cpu: "9"}}
  initContainers:
    - {name: proxy, image: p:1, restartPolicy: Always, resources: {requests: {cpu: "1"}}}
  containers:
    - {name: app, image: a:1, resources: {requests: {cpu: "1"}}}
status: {phase: Running}
"#,
    );
    let store = yaml(&text);
    let r = run("resources/node-pressure", &store);
    for (node, cpu) in [
        ("early", "cpu requests 4 of 10"),
        ("late", "cpu requests 5 of 10"),
        ("sum", "cpu requests 7 of 10"),
        ("pod-level", "cpu requests 2 of 10"),
        ("pod-limit", "cpu requests 3 of 10"),
        ("pod-limit-ctr", "cpu requests 2 of 10"),
    ] {
        let res = assert_status(&r, node, Status::Pass);
        assert!(res.message.contains(cpu), "{node}: {}", res.message);
    }
}

// --- resources/cost-labels ---------------------------------------------------

const COST: &str = r#"
apiVersion: apps/v1
kind: Deployment
metadata: {name: labelled, namespace: shop, labels: {team: payments}}
spec:
  replicas: 2
  selector: {matchLabels: {app: labelled}}
  template:
    metadata: {labels: {app: labelled, app.kubernetes.io/name: checkout}}
    spec: {containers: [{name: a, image: a:1}]}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: anonymous, namespace: shop}
spec:
  replicas: 2
  selector: {matchLabels: {app: anonymous}}
  template:
    metadata: {labels: {app: anonymous, app.kubernetes.io/name: anonymous}}
    spec: {containers: [{name: a, image: a:1}]}
---
apiVersion: apps/v1
kind: ReplicaSet
metadata:
  name: anonymous-5d8
  namespace: shop
  ownerReferences: [{apiVersion: apps/v1, kind: Deployment, name: anonymous, uid: u1, controller: true}]
spec:
  replicas: 2
  selector: {matchLabels: {app: anonymous}}
  template:
    metadata: {labels: {app: anonymous}}
    spec: {containers: [{name: a, image: a:1}]}
"#;

#[test]
fn cost_labels_pass_and_fail() {
    let store = yaml(COST);
    let r = run("resources/cost-labels", &store);
    // team on the Deployment, app.kubernetes.io/name on its pod template.
    let ok = assert_status(&r, "labelled", Status::Pass);
    assert!(ok.message.contains("team=payments"), "{}", ok.message);
    let bad = assert_fail(&r, "anonymous", Severity::Info);
    assert!(bad.message.contains("no team label"), "{}", bad.message);
    assert!(has_evidence(bad, "missing labels = team"), "{bad:#?}");
    // Owned ReplicaSets are not top-level workloads.
    assert!(r.iter().all(|x| x.subject.name != "anonymous-5d8"));
}

#[test]
fn cost_labels_keys_configurable() {
    let store = yaml(COST);
    let config = Config {
        cost_label_keys: vec!["cost-center".into()],
        ..Config::default()
    };
    let r = run_with("resources/cost-labels", &store, &config);
    let f = assert_fail(&r, "labelled", Severity::Info);
    assert!(f.message.contains("cost-center"), "{}", f.message);
    let none = Config {
        cost_label_keys: vec![],
        ..Config::default()
    };
    assert!(run_with("resources/cost-labels", &store, &none).is_empty());
}

// --- resources/rightsizing ---------------------------------------------------

#[test]
fn rightsizing_unknown_without_metrics() {
    let store = yaml(COST);
    let r = run("resources/rightsizing", &store);
    assert_eq!(r.len(), 1, "{r:#?}");
    let u = assert_status(&r, "cluster", Status::Unknown);
    assert!(u.message.contains("metrics-server"), "{}", u.message);

    let down = yaml(&format!(
        "{COST}---\n{}",
        r#"
apiVersion: apiregistration.k8s.io/v1
kind: APIService
metadata: {name: v1beta1.metrics.k8s.io}
spec:
  group: metrics.k8s.io
  version: v1beta1
  groupPriorityMinimum: 100
  versionPriority: 100
  service: {name: metrics-server, namespace: kube-system}
status:
  conditions:
    - {type: Available, status: "False", reason: MissingEndpoints}
"#
    ));
    let r = run("resources/rightsizing", &down);
    let u = assert_status(&r, "cluster", Status::Unknown);
    assert!(u.message.contains("not Available"), "{}", u.message);
}

#[test]
fn rightsizing_usage_against_requests() {
    let store = fixture("resources/metrics.yaml");
    let r = run("resources/rightsizing", &store);
    // 20m + 30m used of 2 × 500m requested: 5%, averaged over both pods.
    let web = result(&r, "web", Some("web"));
    assert_eq!(web.status, Status::Fail, "{web:#?}");
    assert_eq!(web.severity, Severity::Info);
    assert!(
        web.message
            .contains("cpu usage 25m is 5% of the 500m request (below 20%)"),
        "{}",
        web.message
    );
    assert!(
        !web.message.contains("memory"),
        "memory is in band: {}",
        web.message
    );
    assert!(has_evidence(web, "cpu usage max per pod = 30m"), "{web:#?}");
    assert!(has_evidence(web, "pods sampled = 2"), "{web:#?}");
    // The sidecar of the same pods is sized right.
    let proxy = result(&r, "web", Some("proxy"));
    assert_eq!(proxy.status, Status::Pass, "{proxy:#?}");
    // Usage above the request.
    let hot = result(&r, "hot", Some("app"));
    assert_eq!(hot.status, Status::Fail, "{hot:#?}");
    assert!(
        hot.message
            .contains("memory usage 300Mi is 234% of the 128Mi request (above 120%)"),
        "{}",
        hot.message
    );
    // No PodMetrics for its pods; no requests to compare.
    assert_eq!(result(&r, "fresh", Some("app")).status, Status::Unknown);
    let noreq = result(&r, "noreq", Some("app"));
    assert_eq!(noreq.status, Status::Unknown, "{noreq:#?}");
    assert!(
        noreq.message.contains("workload/requests-set"),
        "{}",
        noreq.message
    );
    // Batch workloads and system namespaces get no result.
    assert!(
        r.iter()
            .all(|x| x.subject.name != "nightly" && x.subject.name != "coredns")
    );
}
