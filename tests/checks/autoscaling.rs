//! autoscaling check tests.

use kready::checks::{CheckResult, Severity, Status};
use kready::config::Config;

use crate::support::*;

fn has_evidence(r: &CheckResult, needle: &str) -> bool {
    r.evidence.iter().any(|e| e.contains(needle))
}

/// A cluster-autoscaler Deployment with the given command-line flags.
fn ca_deployment(ns: &str, name: &str, flags: &[&str]) -> String {
    let args: String = flags
        .iter()
        .map(|f| format!("\n            - \"{f}\""))
        .collect();
    format!(
        r#"
apiVersion: apps/v1
kind: Deployment
metadata: {{name: {name}, namespace: {ns}}}
spec:
  replicas: 1
  selector: {{matchLabels: {{app: {name}}}}}
  template:
    metadata: {{labels: {{app: {name}}}}}
    spec:
      containers:
        - name: autoscaler
          image: registry.k8s.io/autoscaling/cluster-autoscaler:v1.31.0
          command: [./cluster-autoscaler]
          args:{args}
---
"#
    )
}

// ───────────── cluster-autoscaler-present ─────────────

#[test]
fn autoscaler_present_detects_cluster_autoscaler() {
    let store = fixture("autoscaling/ca-text.yaml");
    let r = run("autoscaling/cluster-autoscaler-present", &store);
    assert_eq!(r.len(), 1);
    let ok = assert_status(&r, "cluster", Status::Pass);
    assert!(
        ok.message
            .contains("cluster-autoscaler Deployment kube-system/cluster-autoscaler"),
        "{}",
        ok.message
    );
    assert!(has_evidence(
        ok,
        "status ConfigMap kube-system/cluster-autoscaler-status"
    ));
}

#[test]
fn autoscaler_present_detects_karpenter_and_eks_auto_mode() {
    let r = run(
        "autoscaling/cluster-autoscaler-present",
        &fixture("autoscaling/karpenter.yaml"),
    );
    let ok = assert_status(&r, "cluster", Status::Pass);
    assert!(ok.message.contains("Karpenter"), "{}", ok.message);

    let store = yaml(
        r#"
apiVersion: v1
kind: Node
metadata:
  name: i-0abc
  labels: {eks.amazonaws.com/compute-type: auto, karpenter.sh/nodepool: general-purpose}
"#,
    );
    let r = run("autoscaling/cluster-autoscaler-present", &store);
    let ok = assert_status(&r, "cluster", Status::Pass);
    assert!(ok.message.contains("EKS Auto Mode"), "{}", ok.message);
}

#[test]
fn autoscaler_present_managed_status_configmap_counts() {
    // AKS/GKE run the autoscaler in the control plane; only its status is visible.
    let store = yaml(
        r#"
apiVersion: kready.io/v1
kind: SnapshotInfo
metadata: {name: info}
managed: aks
---
apiVersion: v1
kind: ConfigMap
metadata: {name: cluster-autoscaler-status, namespace: kube-system}
data: {status: "time: x\nautoscalerStatus: Running\n"}
"#,
    );
    let r = run("autoscaling/cluster-autoscaler-present", &store);
    let ok = assert_status(&r, "cluster", Status::Pass);
    assert!(ok.message.contains("managed by GKE/AKS"), "{}", ok.message);
}

#[test]
fn autoscaler_present_fails_without_any_autoscaler() {
    let store = yaml(
        r#"
apiVersion: v1
kind: Node
metadata:
  name: ip-10-0-0-1
  labels: {eks.amazonaws.com/nodegroup: workers}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: coredns, namespace: kube-system}
data: {}
"#,
    );
    let r = run("autoscaling/cluster-autoscaler-present", &store);
    let bad = assert_fail(&r, "cluster", Severity::Warning);
    assert!(
        bad.message.contains("no node autoscaler"),
        "{}",
        bad.message
    );
    assert!(has_evidence(bad, "provider = eks"));
}

#[test]
fn autoscaler_present_scaled_to_zero_is_not_present() {
    let text = ca_deployment("kube-system", "cluster-autoscaler", &["--nodes=1:3:ng"])
        .replace("replicas: 1", "replicas: 0");
    let r = run("autoscaling/cluster-autoscaler-present", &yaml(&text));
    let bad = assert_fail(&r, "cluster", Severity::Warning);
    assert!(bad.message.contains("scaled to 0"), "{}", bad.message);
}

#[test]
fn autoscaler_present_unknown_when_managed_configmaps_not_captured() {
    let store = yaml(
        r#"
apiVersion: kready.io/v1
kind: SnapshotInfo
metadata: {name: info}
managed: gke
---
apiVersion: v1
kind: Node
metadata:
  name: gke-pool-1
  labels: {cloud.google.com/gke-nodepool: default-pool}
"#,
    );
    let r = run("autoscaling/cluster-autoscaler-present", &store);
    let u = assert_status(&r, "cluster", Status::Unknown);
    assert!(u.message.contains("GKE"), "{}", u.message);
    assert!(
        u.message
            .contains("no kube-system ConfigMaps were captured"),
        "{}",
        u.message
    );

    // With kube-system ConfigMaps captured, a missing status ConfigMap means
    // the managed autoscaler is off.
    let store = yaml(
        r#"
apiVersion: kready.io/v1
kind: SnapshotInfo
metadata: {name: info}
managed: gke
---
apiVersion: v1
kind: ConfigMap
metadata: {name: kube-root-ca.crt, namespace: kube-system}
data: {}
"#,
    );
    let r = run("autoscaling/cluster-autoscaler-present", &store);
    let bad = assert_fail(&r, "cluster", Severity::Warning);
    assert!(has_evidence(bad, "provider = gke"));
}

#[test]
fn autoscaler_present_gke_node_auto_provisioning() {
    let store = yaml(
        r#"
apiVersion: v1
kind: Node
metadata:
  name: gke-nap-1
  labels: {cloud.google.com/gke-nodepool: nap-e2-standard-4-1acv0bno}
"#,
    );
    let r = run("autoscaling/cluster-autoscaler-present", &store);
    let ok = assert_status(&r, "cluster", Status::Pass);
    assert!(
        ok.message.contains("GKE node auto-provisioning"),
        "{}",
        ok.message
    );
}

// ───────────── node-limits-set ─────────────

#[test]
fn node_limits_explicit_nodes_flags_pass() {
    let r = run(
        "autoscaling/node-limits-set",
        &fixture("autoscaling/ca-text.yaml"),
    );
    let ok = assert_status(&r, "cluster-autoscaler", Status::Pass);
    assert!(ok.message.contains("ng-full 1..5"), "{}", ok.message);
    assert!(ok.message.contains("ng-room 1..10"), "{}", ok.message);
}

#[test]
fn node_limits_auto_discovery_passes_with_source_of_bounds() {
    let r = run(
        "autoscaling/node-limits-set",
        &fixture("autoscaling/ca-yaml.yaml"),
    );
    let ok = assert_status(&r, "ca-aws-cluster-autoscaler", Status::Pass);
    assert!(ok.message.contains("Auto Scaling group"), "{}", ok.message);
    assert!(has_evidence(ok, "--max-nodes-total = 50"));
}

#[test]
fn node_limits_fail_without_bounds_or_with_bad_bounds() {
    let text = [
        ca_deployment(
            "kube-system",
            "unbounded",
            &["--cloud-provider=aws", "--v=4"],
        ),
        ca_deployment("ca-2", "inverted", &["--nodes=10:2:ng-a"]),
        ca_deployment(
            "ca-3",
            "mig-nobounds",
            &["--node-group-auto-discovery=mig:namePrefix=pool-"],
        ),
        ca_deployment(
            "ca-4",
            "mig-bounds",
            &["--node-group-auto-discovery=mig:namePrefix=pool-,min=1,max=20"],
        ),
        ca_deployment(
            "ca-5",
            "cloud-config",
            &["--cloud-config=/etc/ca/cloud.conf"],
        ),
        ca_deployment("ca-6", "capi", &["--cloud-provider=clusterapi"]),
    ]
    .concat();
    let r = run("autoscaling/node-limits-set", &yaml(&text));
    let bad = assert_fail(&r, "unbounded", Severity::Error);
    assert!(
        bad.message.contains("--nodes=min:max:group"),
        "{}",
        bad.message
    );
    let bad = assert_fail(&r, "inverted", Severity::Error);
    assert!(bad.message.contains("10:2:ng-a"), "{}", bad.message);
    let bad = assert_fail(&r, "mig-nobounds", Severity::Error);
    assert!(bad.message.contains("min=/max="), "{}", bad.message);
    assert_status(&r, "mig-bounds", Status::Pass);
    let u = assert_status(&r, "cloud-config", Status::Unknown);
    assert!(u.message.contains("--cloud-config"), "{}", u.message);
    assert_status(&r, "capi", Status::Pass);
}

#[test]
fn node_limits_karpenter_nodepools() {
    let r = run(
        "autoscaling/node-limits-set",
        &fixture("autoscaling/karpenter.yaml"),
    );
    let bad = assert_fail(&r, "np-unbounded", Severity::Error);
    assert!(bad.message.contains("no spec.limits"), "{}", bad.message);
    let ok = assert_status(&r, "np-near-limit", Status::Pass);
    assert!(ok.message.contains("cpu=100"), "{}", ok.message);
    assert_status(&r, "np-room", Status::Pass);
    // Another API's NodePool kind is not judged.
    assert!(r.iter().all(|x| x.subject.name != "other-api"));
}

// ───────────── node-group-at-max ─────────────

#[test]
fn node_group_at_max_text_status() {
    let r = run(
        "autoscaling/node-group-at-max",
        &fixture("autoscaling/ca-text.yaml"),
    );
    let full = assert_fail(&r, "ng-full", Severity::Error);
    assert_eq!(full.subject.kind, "NodeGroup");
    assert!(
        full.message.contains("maximum size (5 of maxSize 5)"),
        "{}",
        full.message
    );
    assert!(has_evidence(
        full,
        "configmap = kube-system/cluster-autoscaler-status"
    ));
    let room = assert_status(&r, "ng-room", Status::Pass);
    assert!(room.message.contains("2 of maxSize 10"), "{}", room.message);
    let backoff = assert_fail(
        &r,
        "https://www.googleapis.com/compute/v1/projects/p/zones/europe-west1-b/instanceGroups/ng-backoff",
        Severity::Error,
    );
    assert!(backoff.message.contains("Backoff"), "{}", backoff.message);
    // Cluster-wide conditions on the ConfigMap itself.
    let cm = assert_status(&r, "cluster-autoscaler-status", Status::Pass);
    assert!(has_evidence(cm, "format = text"));
}

#[test]
fn node_group_at_max_yaml_status() {
    let r = run(
        "autoscaling/node-group-at-max",
        &fixture("autoscaling/ca-yaml.yaml"),
    );
    let full = assert_fail(&r, "eks-full-2c1f9d3b", Severity::Error);
    assert!(full.message.contains("8 of maxSize 8"), "{}", full.message);
    let sick = assert_fail(&r, "eks-sick-7a8b", Severity::Error);
    assert!(sick.message.contains("Unhealthy"), "{}", sick.message);
    let quota = assert_fail(&r, "eks-quota-40ce", Severity::Error);
    assert!(
        quota.message.contains("QUOTA_EXCEEDED"),
        "{}",
        quota.message
    );
    assert_status(&r, "eks-ok-11aa", Status::Pass);
    let cm = assert_fail(&r, "cluster-autoscaler-status", Severity::Error);
    assert!(
        cm.message.contains("cluster-wide health is Unhealthy"),
        "{}",
        cm.message
    );
    assert!(has_evidence(cm, "format = yaml"));
}

#[test]
fn node_group_at_max_unknown_without_readable_status() {
    // The autoscaler runs, but its status ConfigMap was not captured.
    let text = ca_deployment("kube-system", "cluster-autoscaler", &["--nodes=1:3:ng"]);
    let r = run("autoscaling/node-group-at-max", &yaml(&text));
    let u = assert_status(&r, "cluster-autoscaler", Status::Unknown);
    assert!(
        u.message.contains("cluster-autoscaler-status"),
        "{}",
        u.message
    );

    // A status in neither format.
    let store = yaml(
        r#"
apiVersion: v1
kind: ConfigMap
metadata: {name: cluster-autoscaler-status, namespace: kube-system}
data: {status: "something else entirely"}
"#,
    );
    let r = run("autoscaling/node-group-at-max", &store);
    let u = assert_status(&r, "cluster-autoscaler-status", Status::Unknown);
    assert!(u.message.contains("neither"), "{}", u.message);
}

#[test]
fn node_group_at_max_karpenter_limits() {
    let r = run(
        "autoscaling/node-group-at-max",
        &fixture("autoscaling/karpenter.yaml"),
    );
    let near = assert_fail(&r, "np-near-limit", Severity::Error);
    assert!(
        near.message.contains("95 of its cpu limit 100 (95%"),
        "{}",
        near.message
    );
    let mem = assert_fail(&r, "np-memory-full", Severity::Error);
    assert!(mem.message.contains("memory"), "{}", mem.message);
    assert_status(&r, "np-room", Status::Pass);
    let u = assert_status(&r, "np-new", Status::Unknown);
    assert!(u.message.contains("status.resources"), "{}", u.message);
    // Without limits there is nothing to be at (node-limits-set reports it).
    assert!(r.iter().all(|x| x.subject.name != "np-unbounded"));
}

#[test]
fn node_group_at_max_threshold_is_configurable() {
    let mut config = Config::default();
    config.thresholds.nodepool_limit_ratio = 0.99;
    let r = run_with(
        "autoscaling/node-group-at-max",
        &fixture("autoscaling/karpenter.yaml"),
        &config,
    );
    assert_status(&r, "np-near-limit", Status::Pass);
}

// ───────────── scale-down-delay ─────────────

#[test]
fn scale_down_delay_bounds_default_and_durations() {
    let text = [
        ca_deployment("a", "too-long", &["--scale-down-delay-after-add=1h30m"]),
        ca_deployment("b", "too-short", &["--scale-down-delay-after-add=90s"]),
        ca_deployment("c", "fine", &["--scale-down-delay-after-add", "15m"]),
        ca_deployment("d", "defaulted", &["--nodes=1:3:ng"]),
        ca_deployment("e", "garbage", &["--scale-down-delay-after-add=10"]),
        ca_deployment("f", "disabled", &["--scale-down-enabled=false"]),
        ca_deployment("g", "fractional", &["--scale-down-delay-after-add=0.5h"]),
        ca_deployment("h", "exactly-min", &["--scale-down-delay-after-add=2m0s"]),
    ]
    .concat();
    let r = run("autoscaling/scale-down-delay", &yaml(&text));
    let bad = assert_fail(&r, "too-long", Severity::Info);
    assert!(bad.message.contains("above 1h"), "{}", bad.message);
    assert!(has_evidence(bad, "1h30m"));
    let bad = assert_fail(&r, "too-short", Severity::Info);
    assert!(bad.message.contains("below 2m"), "{}", bad.message);
    assert_status(&r, "fine", Status::Pass);
    let d = assert_status(&r, "defaulted", Status::Pass);
    assert!(d.message.contains("default"), "{}", d.message);
    let u = assert_status(&r, "garbage", Status::Unknown);
    assert!(u.message.contains("not a Go duration"), "{}", u.message);
    let off = assert_fail(&r, "disabled", Severity::Info);
    assert!(
        off.message.contains("scale-down is disabled"),
        "{}",
        off.message
    );
    let frac = assert_status(&r, "fractional", Status::Pass);
    assert!(frac.message.contains("30m"), "{}", frac.message);
    assert_status(&r, "exactly-min", Status::Pass);
}

#[test]
fn scale_down_delay_unknown_for_managed_autoscaler() {
    let store = yaml(
        r#"
apiVersion: v1
kind: ConfigMap
metadata: {name: cluster-autoscaler-status, namespace: kube-system}
data: {status: "autoscalerStatus: Running\n"}
"#,
    );
    let r = run("autoscaling/scale-down-delay", &store);
    let u = assert_status(&r, "cluster-autoscaler-status", Status::Unknown);
    assert!(u.message.contains("managed"), "{}", u.message);
    // No autoscaler at all: nothing to judge.
    assert!(run("autoscaling/scale-down-delay", &yaml("")).is_empty());
}

// ───────────── HPA fixtures ─────────────

fn deployment(ns: &str, name: &str, replicas: i32, containers: &str) -> String {
    format!(
        r#"
apiVersion: apps/v1
kind: Deployment
metadata: {{name: {name}, namespace: {ns}}}
spec:
  replicas: {replicas}
  selector: {{matchLabels: {{app: {name}}}}}
  template:
    metadata: {{labels: {{app: {name}}}}}
    spec:
{containers}
---
"#
    )
}

const ONE_CPU_CONTAINER: &str = r#"      containers:
        - name: app
          image: shop/app:1.0
          resources: {requests: {cpu: 100m, memory: 128Mi}}"#;

fn hpa(ns: &str, name: &str, target: &str, body: &str) -> String {
    format!(
        r#"
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {{name: {name}, namespace: {ns}}}
spec:
  scaleTargetRef: {{apiVersion: apps/v1, kind: Deployment, name: {target}}}
{body}
---
"#
    )
}

// ───────────── hpa-present ─────────────

#[test]
fn hpa_present_for_multi_replica_deployments() {
    let text = [
        deployment("shop", "fixed", 3, ONE_CPU_CONTAINER),
        deployment("shop", "scaled", 3, ONE_CPU_CONTAINER),
        hpa(
            "shop",
            "scaled",
            "scaled",
            "  minReplicas: 3\n  maxReplicas: 9",
        ),
        deployment("shop", "single", 1, ONE_CPU_CONTAINER),
        deployment("kube-system", "sysdep", 3, ONE_CPU_CONTAINER),
        r#"
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db, namespace: shop}
spec:
  replicas: 3
  serviceName: db
  selector: {matchLabels: {app: db}}
  template: {metadata: {labels: {app: db}}, spec: {containers: [{name: a, image: a:1}]}}
"#
        .to_string(),
    ]
    .concat();
    let r = run("autoscaling/hpa-present", &yaml(&text));
    let bad = assert_fail(&r, "fixed", Severity::Info);
    assert!(bad.message.contains("fixed 3 replicas"), "{}", bad.message);
    let ok = assert_status(&r, "scaled", Status::Pass);
    assert!(has_evidence(ok, "hpa = scaled"));
    // Single replica, StatefulSets and system namespaces are out of scope.
    assert_eq!(r.len(), 2, "{r:#?}");
}

// ───────────── hpa-at-max ─────────────

#[test]
fn hpa_at_max_pass_fail_unknown() {
    let text = [
        hpa(
            "shop",
            "maxed",
            "a",
            "  minReplicas: 2\n  maxReplicas: 5\nstatus: {currentReplicas: 5, desiredReplicas: 5}",
        ),
        hpa(
            "shop",
            "headroom",
            "b",
            "  minReplicas: 2\n  maxReplicas: 10\nstatus: {currentReplicas: 4, desiredReplicas: 4}",
        ),
        hpa(
            "shop",
            "no-metrics",
            "c",
            r#"  minReplicas: 2
  maxReplicas: 10
status:
  currentReplicas: 2
  desiredReplicas: 2
  conditions:
    - {type: AbleToScale, status: "True", reason: SucceededGetScale}
    - type: ScalingActive
      status: "False"
      reason: FailedGetResourceMetric
      message: "the HPA was unable to compute the replica count: failed to get cpu utilization: missing request for cpu in container app of Pod c-1"
"#,
        ),
        hpa(
            "shop",
            "zeroed",
            "d",
            r#"  minReplicas: 2
  maxReplicas: 10
status:
  currentReplicas: 0
  desiredReplicas: 0
  conditions:
    - type: ScalingActive
      status: "False"
      reason: ScalingDisabled
      message: "scaling is disabled since the replica count of the target is zero"
"#,
        ),
        hpa(
            "shop",
            "cooldown",
            "f",
            r#"  minReplicas: 2
  maxReplicas: 10
status:
  currentReplicas: 6
  desiredReplicas: 6
  conditions:
    - type: AbleToScale
      status: "False"
      reason: BackoffBoth
      message: "the time since the previous scale is still within both the downscale and upscale forbidden windows"
"#,
        ),
        hpa("shop", "fresh", "e", "  maxReplicas: 10"),
    ]
    .concat();
    let r = run("autoscaling/hpa-at-max", &yaml(&text));
    let bad = assert_fail(&r, "maxed", Severity::Error);
    assert!(
        bad.message.contains("maxReplicas (5 of 5)"),
        "{}",
        bad.message
    );
    assert!(has_evidence(bad, "status.currentReplicas = 5"));
    assert_status(&r, "headroom", Status::Pass);
    let bad = assert_fail(&r, "no-metrics", Severity::Error);
    assert!(
        bad.message.contains("ScalingActive is False"),
        "{}",
        bad.message
    );
    assert!(
        bad.message.contains("FailedGetResourceMetric"),
        "{}",
        bad.message
    );
    let z = assert_status(&r, "zeroed", Status::Pass);
    assert!(z.message.contains("scaled to zero"), "{}", z.message);
    let c = assert_status(&r, "cooldown", Status::Pass);
    assert!(c.message.contains("cooldown"), "{}", c.message);
    let u = assert_status(&r, "fresh", Status::Unknown);
    assert!(u.message.contains("no status"), "{}", u.message);
}

// ───────────── hpa-min-availability ─────────────

#[test]
fn hpa_min_availability_rules() {
    let text = [
        hpa("shop", "min1", "a", "  minReplicas: 1\n  maxReplicas: 5"),
        hpa("shop", "defaulted", "b", "  maxReplicas: 5"),
        hpa("shop", "no-room", "c", "  minReplicas: 3\n  maxReplicas: 3"),
        hpa("shop", "good", "d", "  minReplicas: 2\n  maxReplicas: 10"),
    ]
    .concat();
    let r = run("autoscaling/hpa-min-availability", &yaml(&text));
    let bad = assert_fail(&r, "min1", Severity::Warning);
    assert!(
        bad.message.contains("minReplicas 1 is below 2"),
        "{}",
        bad.message
    );
    let bad = assert_fail(&r, "defaulted", Severity::Warning);
    assert!(has_evidence(bad, "1 (default)"));
    let bad = assert_fail(&r, "no-room", Severity::Warning);
    assert!(
        bad.message.contains("maxReplicas 3 ≤ minReplicas 3"),
        "{}",
        bad.message
    );
    let ok = assert_status(&r, "good", Status::Pass);
    assert!(ok.message.contains("between 2 and 10"), "{}", ok.message);
}

// ───────────── hpa-target-has-requests ─────────────

const CPU_UTIL: &str = r#"  minReplicas: 2
  maxReplicas: 10
  metrics:
    - type: Resource
      resource: {name: cpu, target: {type: Utilization, averageUtilization: 70}}"#;

#[test]
fn hpa_target_requests_all_containers() {
    let two_containers_one_missing = r#"      containers:
        - name: app
          image: shop/app:1.0
          resources: {requests: {cpu: 100m}}
        - name: proxy
          image: envoy:1.30
          resources: {requests: {memory: 64Mi}}"#;
    let with_sidecar = r#"      initContainers:
        - name: migrate
          image: shop/migrate:1.0
        - name: log-shipper
          image: fluent-bit:3.0
          restartPolicy: Always
      containers:
        - name: app
          image: shop/app:1.0
          resources: {requests: {cpu: 100m}}"#;
    let plain_init = r#"      initContainers:
        - name: migrate
          image: shop/migrate:1.0
      containers:
        - name: app
          image: shop/app:1.0
          resources: {requests: {cpu: 100m}}"#;
    let limits_only = r#"      containers:
        - name: app
          image: shop/app:1.0
          resources: {limits: {cpu: 500m, memory: 256Mi}}"#;
    let text = [
        deployment("shop", "ok", 2, ONE_CPU_CONTAINER),
        hpa("shop", "ok", "ok", CPU_UTIL),
        deployment("shop", "partial", 2, two_containers_one_missing),
        hpa("shop", "partial", "partial", CPU_UTIL),
        deployment("shop", "sidecar", 2, with_sidecar),
        hpa("shop", "sidecar", "sidecar", CPU_UTIL),
        deployment("shop", "init", 2, plain_init),
        hpa("shop", "init", "init", CPU_UTIL),
        deployment("shop", "limits", 2, limits_only),
        hpa(
            "shop",
            "limits",
            "limits",
            r#"  maxReplicas: 10
  metrics:
    - type: Resource
      resource: {name: memory, target: {type: Utilization, averageUtilization: 80}}"#,
        ),
    ]
    .concat();
    let r = run("autoscaling/hpa-target-has-requests", &yaml(&text));
    assert_status(&r, "ok", Status::Pass);
    let bad = assert_fail(&r, "partial", Severity::Error);
    assert!(
        bad.message
            .contains("cpu request missing in container proxy"),
        "{}",
        bad.message
    );
    assert!(!bad.message.contains("container app"), "{}", bad.message);
    let bad = assert_fail(&r, "sidecar", Severity::Error);
    assert!(bad.message.contains("log-shipper"), "{}", bad.message);
    assert!(!bad.message.contains("migrate"), "{}", bad.message);
    assert_status(&r, "init", Status::Pass);
    let ok = assert_status(&r, "limits", Status::Pass);
    assert!(has_evidence(ok, "defaults to the limit"));
}

#[test]
fn hpa_target_requests_container_resource_and_defaults() {
    let app_only = r#"      containers:
        - name: app
          image: shop/app:1.0
          resources: {requests: {cpu: 100m}}
        - name: proxy
          image: envoy:1.30"#;
    let container_metric = |c: &str| {
        format!(
            r#"  maxReplicas: 10
  metrics:
    - type: ContainerResource
      containerResource: {{name: cpu, container: {c}, target: {{type: Utilization, averageUtilization: 60}}}}"#
        )
    };
    let text = [
        deployment("shop", "cr-app", 2, app_only),
        hpa("shop", "cr-app", "cr-app", &container_metric("app")),
        deployment("shop", "cr-proxy", 2, app_only),
        hpa("shop", "cr-proxy", "cr-proxy", &container_metric("proxy")),
        deployment("shop", "cr-ghost", 2, app_only),
        hpa("shop", "cr-ghost", "cr-ghost", &container_metric("ghost")),
        // No metrics: the API defaults to 80% average CPU utilisation.
        deployment(
            "shop",
            "bare",
            2,
            "      containers: [{name: app, image: shop/app:1.0}]",
        ),
        hpa("shop", "bare", "bare", "  maxReplicas: 10"),
        // AverageValue targets need no requests.
        deployment(
            "shop",
            "avg",
            2,
            "      containers: [{name: app, image: shop/app:1.0}]",
        ),
        hpa(
            "shop",
            "avg",
            "avg",
            r#"  maxReplicas: 10
  metrics:
    - type: Resource
      resource: {name: memory, target: {type: AverageValue, averageValue: 500Mi}}"#,
        ),
        hpa("shop", "orphan", "gone", CPU_UTIL),
    ]
    .concat();
    let r = run("autoscaling/hpa-target-has-requests", &yaml(&text));
    assert_status(&r, "cr-app", Status::Pass);
    let bad = assert_fail(&r, "cr-proxy", Severity::Error);
    assert!(bad.message.contains("container proxy"), "{}", bad.message);
    let bad = assert_fail(&r, "cr-ghost", Severity::Error);
    assert!(
        bad.message.contains("container ghost not found"),
        "{}",
        bad.message
    );
    let bad = assert_fail(&r, "bare", Severity::Error);
    assert!(
        bad.message.contains("cpu request missing"),
        "{}",
        bad.message
    );
    assert_status(&r, "avg", Status::Pass);
    let u = assert_status(&r, "orphan", Status::Unknown);
    assert!(u.message.contains("Deployment gone"), "{}", u.message);
}

#[test]
fn hpa_target_requests_limitrange_default_and_v1_hpa() {
    let text = [
        r#"
apiVersion: v1
kind: LimitRange
metadata: {name: defaults, namespace: team}
spec:
  limits:
    - type: Container
      defaultRequest: {cpu: 100m}
---
"#
        .to_string(),
        deployment(
            "team",
            "lr",
            2,
            "      containers: [{name: app, image: shop/app:1.0}]",
        ),
        hpa("team", "lr", "lr", CPU_UTIL),
        deployment(
            "shop",
            "legacy",
            2,
            "      containers: [{name: app, image: shop/app:1.0}]",
        ),
        r#"
apiVersion: autoscaling/v1
kind: HorizontalPodAutoscaler
metadata: {name: legacy, namespace: shop}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: legacy}
  minReplicas: 2
  maxReplicas: 6
  targetCPUUtilizationPercentage: 75
"#
        .to_string(),
    ]
    .concat();
    let r = run("autoscaling/hpa-target-has-requests", &yaml(&text));
    let ok = assert_status(&r, "lr", Status::Pass);
    assert!(has_evidence(ok, "LimitRange"));
    let bad = assert_fail(&r, "legacy", Severity::Error);
    assert!(
        bad.message.contains("cpu request missing in container app"),
        "{}",
        bad.message
    );
}

// ───────────── hpa-owns-replicas ─────────────

#[test]
fn hpa_owns_replicas_last_applied_and_gitops() {
    let with_annotation = |name: &str, manifest: &str| {
        deployment("shop", name, 3, ONE_CPU_CONTAINER).replace(
            &format!("metadata: {{name: {name}, namespace: shop}}"),
            &format!(
                "metadata:\n  name: {name}\n  namespace: shop\n  annotations:\n    kubectl.kubernetes.io/last-applied-configuration: '{manifest}'"
            ),
        )
    };
    let argo = deployment("shop", "argo", 3, ONE_CPU_CONTAINER).replace(
        "metadata: {name: argo, namespace: shop}",
        "metadata:\n  name: argo\n  namespace: shop\n  labels: {argocd.argoproj.io/instance: shop}",
    );
    let text = [
        with_annotation(
            "fights",
            r#"{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"fights"},"spec":{"replicas":3}}"#,
        ),
        hpa("shop", "fights", "fights", CPU_UTIL),
        with_annotation(
            "leaves",
            r#"{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"leaves"},"spec":{"template":{}}}"#,
        ),
        hpa("shop", "leaves", "leaves", CPU_UTIL),
        argo,
        hpa("shop", "argo", "argo", CPU_UTIL),
        deployment("shop", "created", 3, ONE_CPU_CONTAINER),
        hpa("shop", "created", "created", CPU_UTIL),
        with_annotation(
            "no-hpa",
            r#"{"spec":{"replicas":3}}"#,
        ),
    ]
    .concat();
    let r = run("autoscaling/hpa-owns-replicas", &yaml(&text));
    let bad = assert_fail(&r, "fights", Severity::Info);
    assert!(bad.message.contains("spec.replicas=3"), "{}", bad.message);
    assert!(has_evidence(bad, "hpa = fights"));
    assert_status(&r, "leaves", Status::Pass);
    let u = assert_status(&r, "argo", Status::Unknown);
    assert!(u.message.contains("Argo CD"), "{}", u.message);
    let u = assert_status(&r, "created", Status::Unknown);
    assert!(u.message.contains("no last-applied"), "{}", u.message);
    // Not scaled by an HPA: out of scope.
    assert!(r.iter().all(|x| x.subject.name != "no-hpa"));
}

// ───────────── vpa-recommendations ─────────────

fn vpa(name: &str, target: &str, body: &str) -> String {
    format!(
        r#"
apiVersion: autoscaling.k8s.io/v1
kind: VerticalPodAutoscaler
metadata: {{name: {name}, namespace: shop}}
spec:
  targetRef: {{apiVersion: apps/v1, kind: Deployment, name: {target}}}
{body}
---
"#
    )
}

const REC_250M: &str = r#"status:
  recommendation:
    containerRecommendations:
      - containerName: app
        lowerBound: {cpu: 100m, memory: 100Mi}
        target: {cpu: 250m, memory: 128Mi}
        upperBound: {cpu: "1", memory: 512Mi}"#;

#[test]
fn vpa_recommendations_off_mode_compares_template() {
    let req = |cpu: &str| {
        format!(
            "      containers:\n        - name: app\n          image: shop/app:1.0\n          resources: {{requests: {{cpu: {cpu}, memory: 128Mi}}}}"
        )
    };
    let off = format!("  updatePolicy: {{updateMode: \"Off\"}}\n{REC_250M}");
    let text = [
        deployment("shop", "over", 2, &req("\"1\"")),
        vpa("over", "over", &off),
        deployment("shop", "under", 2, &req("100m")),
        vpa("under", "under", &off),
        deployment("shop", "close", 2, &req("400m")),
        vpa("close", "close", &off),
        deployment("shop", "exactly2x", 2, &req("500m")),
        vpa("exactly2x", "exactly2x", &off),
        deployment(
            "shop",
            "none",
            2,
            "      containers: [{name: app, image: shop/app:1.0}]",
        ),
        vpa("none", "none", &off),
        deployment("shop", "waiting", 2, &req("\"1\"")),
        vpa(
            "waiting",
            "waiting",
            "  updatePolicy: {updateMode: \"Off\"}",
        ),
        vpa("lost", "gone", &off),
    ]
    .concat();
    let r = run("autoscaling/vpa-recommendations", &yaml(&text));
    let bad = assert_fail(&r, "over", Severity::Info);
    assert_eq!(bad.subject.container.as_deref(), Some("app"));
    assert!(bad.message.contains("4.0× above"), "{}", bad.message);
    assert!(has_evidence(bad, "recommendation.target.cpu = 250m"));
    let bad = assert_fail(&r, "under", Severity::Info);
    assert!(bad.message.contains("2.5× below"), "{}", bad.message);
    assert_status(&r, "close", Status::Pass);
    // "far" means more than 2×: exactly 2× passes.
    assert_status(&r, "exactly2x", Status::Pass);
    let bad = assert_fail(&r, "none", Severity::Info);
    assert!(bad.message.contains("no cpu request"), "{}", bad.message);
    let u = assert_status(&r, "waiting", Status::Unknown);
    assert!(u.message.contains("no recommendation yet"), "{}", u.message);
    let u = assert_status(&r, "lost", Status::Unknown);
    assert!(u.message.contains("Deployment gone"), "{}", u.message);
}

#[test]
fn vpa_recommendations_auto_mode_reads_running_pods() {
    let text = [
        deployment("shop", "web", 2, ONE_CPU_CONTAINER),
        r#"
apiVersion: apps/v1
kind: ReplicaSet
metadata:
  name: web-5d8f
  namespace: shop
  ownerReferences: [{apiVersion: apps/v1, kind: Deployment, name: web, uid: u1, controller: true}]
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: app, image: shop/app:1.0}]}
---
apiVersion: v1
kind: Pod
metadata:
  name: web-5d8f-a
  namespace: shop
  labels: {app: web}
  ownerReferences: [{apiVersion: apps/v1, kind: ReplicaSet, name: web-5d8f, uid: u2, controller: true}]
spec:
  containers:
    - name: app
      image: shop/app:1.0
      resources: {requests: {cpu: 250m, memory: 128Mi}}
---
"#
        .to_string(),
        // Template says 100m, but the VPA admission controller set 250m on the pod.
        vpa("web", "web", REC_250M),
        deployment("shop", "nopods", 2, ONE_CPU_CONTAINER),
        vpa("nopods", "nopods", REC_250M),
        deployment("shop", "optout", 2, ONE_CPU_CONTAINER),
        vpa(
            "optout",
            "optout",
            &format!(
                "  updatePolicy: {{updateMode: \"Off\"}}\n  resourcePolicy:\n    containerPolicies:\n      - {{containerName: \"*\", mode: \"Off\"}}\n{REC_250M}"
            ),
        ),
    ]
    .concat();
    let r = run("autoscaling/vpa-recommendations", &yaml(&text));
    let ok = assert_status(&r, "web", Status::Pass);
    assert!(ok.message.contains("pod web-5d8f-a"), "{}", ok.message);
    assert!(has_evidence(ok, "updateMode = Auto"));
    let u = assert_status(&r, "nopods", Status::Unknown);
    assert!(u.message.contains("no running pod"), "{}", u.message);
    assert!(r.iter().all(|x| x.subject.name != "optout"));
}
