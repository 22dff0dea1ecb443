//! control_plane check tests.

use kready::checks::{CheckResult, Severity, Status};
use kready::config::Config;

use crate::support::*;

/// A Node with the given extra labels (YAML flow entries), spec and status.
fn node(name: &str, labels: &str, spec: &str, status: &str) -> String {
    format!(
        "apiVersion: v1\nkind: Node\nmetadata:\n  name: {name}\n  \
         creationTimestamp: \"2026-01-01T00:00:00Z\"\n  labels: {{kubernetes.io/hostname: {name}{labels}}}\n\
         spec: {spec}\nstatus: {status}\n---\n"
    )
}

fn ready_node(name: &str, labels: &str) -> String {
    node(
        name,
        labels,
        "{}",
        "{conditions: [{type: Ready, status: \"True\", lastTransitionTime: \"2026-01-01T00:05:00Z\"}]}",
    )
}

/// A static control-plane pod of `component` on `node_name` with the given
/// command-line words.
fn static_pod(component: &str, node_name: &str, image: &str, command: &[&str]) -> String {
    let cmd: Vec<String> = std::iter::once(component)
        .chain(command.iter().copied())
        .map(|w| format!("\"{w}\""))
        .collect();
    format!(
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: {component}-{node_name}\n  namespace: kube-system\n  \
         labels: {{component: {component}, tier: control-plane}}\n  \
         annotations: {{kubernetes.io/config.mirror: h}}\n  \
         ownerReferences: [{{apiVersion: v1, kind: Node, name: {node_name}, uid: u-{node_name}, controller: true}}]\n\
         spec:\n  nodeName: {node_name}\n  containers:\n    - name: {component}\n      image: {image}\n      \
         command: [{}]\nstatus: {{phase: Running}}\n---\n",
        cmd.join(", ")
    )
}

fn etcd(node_name: &str, command: &[&str]) -> String {
    static_pod("etcd", node_name, "registry.k8s.io/etcd:3.6.4-0", command)
}

fn messages(r: &[CheckResult]) -> String {
    r.iter()
        .map(|x| format!("{}: {}", x.subject, x.message))
        .collect::<Vec<_>>()
        .join("\n")
}

// ---------------------------------------------------------------------------
// control-plane/node-count

#[test]
fn node_count_three_control_plane_nodes_pass() {
    let r = run(
        "control-plane/node-count",
        &fixture("control-plane/kubeadm-ha.yaml"),
    );
    assert_eq!(r.len(), 1);
    let x = assert_status(&r, "cluster", Status::Pass);
    assert!(x.message.contains("3 control-plane nodes"), "{}", x.message);
    assert!(x.evidence.iter().any(|e| e.contains("cp-1, cp-2, cp-3")));
}

#[test]
fn node_count_single_and_even_fail() {
    let one = yaml(
        &(ready_node("cp-1", ", node-role.kubernetes.io/control-plane: \"\"")
            + &ready_node("w-1", "")),
    );
    let r = run("control-plane/node-count", &one);
    let x = assert_fail(&r, "cluster", Severity::Error);
    assert!(
        x.message.contains("single control-plane node"),
        "{}",
        x.message
    );
    assert!(x.evidence.contains(&"control-plane nodes = 1".to_string()));

    // Two nodes, one with the legacy master label.
    let two = yaml(
        &(ready_node("cp-1", ", node-role.kubernetes.io/control-plane: \"\"")
            + &ready_node("m-2", ", node-role.kubernetes.io/master: \"true\"")),
    );
    let r = run("control-plane/node-count", &two);
    let x = assert_fail(&r, "cluster", Severity::Error);
    assert!(
        x.message.starts_with("2 control-plane nodes"),
        "{}",
        x.message
    );

    let four: String = (1..=4)
        .map(|i| {
            ready_node(
                &format!("cp-{i}"),
                ", node-role.kubernetes.io/control-plane: \"\"",
            )
        })
        .collect();
    let r = run("control-plane/node-count", &yaml(&four));
    let x = assert_fail(&r, "cluster", Severity::Error);
    assert!(x.message.contains("(even)"), "{}", x.message);
    assert!(x.message.contains("same as 3"), "{}", x.message);

    let five: String = (1..=5)
        .map(|i| ready_node(&format!("cp-{i}"), ", node-role.kubernetes.io/master: \"\""))
        .collect();
    let r = run("control-plane/node-count", &yaml(&five));
    let x = assert_status(&r, "cluster", Status::Pass);
    assert!(x.message.contains("tolerates 2 failure"), "{}", x.message);
}

#[test]
fn node_count_counts_nodes_hosting_apiserver_pods() {
    // cp-3 lost its role label but still runs kube-apiserver.
    let s = ready_node("cp-1", ", node-role.kubernetes.io/control-plane: \"\"")
        + &ready_node("cp-2", ", node-role.kubernetes.io/control-plane: \"\"")
        + &ready_node("cp-3", "")
        + &static_pod(
            "kube-apiserver",
            "cp-3",
            "registry.k8s.io/kube-apiserver:v1.35.0",
            &[],
        );
    let r = run("control-plane/node-count", &yaml(&s));
    assert_status(&r, "cluster", Status::Pass);
}

#[test]
fn node_count_unknown_when_managed_or_invisible() {
    let r = run(
        "control-plane/node-count",
        &fixture("control-plane/eks.yaml"),
    );
    let x = assert_status(&r, "cluster", Status::Unknown);
    assert!(
        x.message.contains("managed control plane (eks)"),
        "{}",
        x.message
    );

    // No SnapshotInfo, but GKE node pool labels and no control-plane node.
    let gke = ready_node("gke-a", ", cloud.google.com/gke-nodepool: default-pool");
    let r = run("control-plane/node-count", &yaml(&gke));
    let x = assert_status(&r, "cluster", Status::Unknown);
    assert!(x.message.contains("gke"), "{}", x.message);

    // Plain unlabelled workers: hosted control plane or missing labels.
    let r = run("control-plane/node-count", &yaml(&ready_node("w-1", "")));
    let x = assert_status(&r, "cluster", Status::Unknown);
    assert!(x.message.contains("no node carries"), "{}", x.message);

    let r = run(
        "control-plane/node-count",
        &yaml("apiVersion: v1\nkind: Namespace\nmetadata: {name: shop}\n"),
    );
    let x = assert_status(&r, "cluster", Status::Unknown);
    assert!(x.message.contains("no Node objects"), "{}", x.message);
}

// ---------------------------------------------------------------------------
// control-plane/zone-spread

#[test]
fn zone_spread_control_plane_and_pools_pass() {
    let r = run(
        "control-plane/zone-spread",
        &fixture("control-plane/kubeadm-ha.yaml"),
    );
    let cp = assert_status(&r, "control-plane", Status::Pass);
    assert_eq!(cp.subject.kind, "ControlPlane");
    assert!(cp.message.contains("3 zones"), "{}", cp.message);
    let pool = assert_status(&r, "general", Status::Pass);
    assert_eq!(pool.subject.kind, "NodePool");
    assert!(
        pool.message.contains("karpenter.sh/nodepool"),
        "{}",
        pool.message
    );
    assert_eq!(r.len(), 2, "{}", messages(&r));
}

#[test]
fn zone_spread_single_zone_pool_fails() {
    let z = |zone: &str| format!(", topology.kubernetes.io/zone: {zone}");
    let s = ready_node("cp-1", &format!(", node-role.kubernetes.io/control-plane: \"\"{}", z("a")))
        + &ready_node("cp-2", &format!(", node-role.kubernetes.io/control-plane: \"\"{}", z("a")))
        + &ready_node("cp-3", &format!(", node-role.kubernetes.io/control-plane: \"\"{}", z("a")))
        + &ready_node("gpu-1", &format!(", node.kubernetes.io/pool: gpu{}", z("b")))
        + &ready_node("gpu-2", &format!(", node.kubernetes.io/pool: gpu{}", z("b")))
        // Legacy zone label is read too.
        + &ready_node("ng-1", ", eks.amazonaws.com/nodegroup: apps, failure-domain.beta.kubernetes.io/zone: a")
        + &ready_node("ng-2", ", eks.amazonaws.com/nodegroup: apps, failure-domain.beta.kubernetes.io/zone: c")
        // No pool label: the "workers" pool.
        + &ready_node("w-1", &z("a"))
        + &ready_node("w-2", &z("b"));
    let r = run("control-plane/zone-spread", &yaml(&s));
    let cp = assert_fail(&r, "control-plane", Severity::Warning);
    assert!(
        cp.message.contains("all 3 node(s) sit in 1 zone(s) (a)"),
        "{}",
        cp.message
    );
    let gpu = assert_fail(&r, "gpu", Severity::Warning);
    assert!(gpu.message.contains("pool gpu"), "{}", gpu.message);
    assert!(
        gpu.evidence.contains(&"zones = b: 2".to_string()),
        "{:?}",
        gpu.evidence
    );
    assert_status(&r, "apps", Status::Pass);
    assert_status(&r, "workers", Status::Pass);

    // With min-zones = 3, a two-zone pool fails.
    let mut config = Config::default();
    config.thresholds.min_zones = 3;
    let r = run_with("control-plane/zone-spread", &yaml(&s), &config);
    assert_fail(&r, "apps", Severity::Warning);
}

#[test]
fn zone_spread_unknown_without_zone_labels_and_when_managed() {
    let s = ready_node(
        "cp-1",
        ", node-role.kubernetes.io/control-plane: \"\", topology.kubernetes.io/zone: a",
    ) + &ready_node("cp-2", ", node-role.kubernetes.io/control-plane: \"\"")
        + &ready_node("cp-3", ", node-role.kubernetes.io/control-plane: \"\"")
        + &ready_node("w-1", "")
        + &ready_node("w-2", "");
    let r = run("control-plane/zone-spread", &yaml(&s));
    // One zone known, two nodes unlabelled: they might be elsewhere.
    let cp = assert_status(&r, "control-plane", Status::Unknown);
    assert!(
        cp.message.contains("2 of 3 node(s) carry no"),
        "{}",
        cp.message
    );
    let w = assert_status(&r, "workers", Status::Unknown);
    assert!(w.message.contains("2 of 2"), "{}", w.message);

    // Managed: the control plane is unknown, node groups are still judged.
    let r = run(
        "control-plane/zone-spread",
        &fixture("control-plane/eks.yaml"),
    );
    let cp = assert_status(&r, "control-plane", Status::Unknown);
    assert!(cp.message.contains("managed"), "{}", cp.message);
    assert_status(&r, "apps", Status::Pass);
    let legacy = assert_fail(&r, "legacy", Severity::Warning);
    assert!(legacy.message.contains("eu-west-1c"), "{}", legacy.message);
}

// ---------------------------------------------------------------------------
// control-plane/etcd-dedicated

#[test]
fn etcd_dedicated_pass_ignores_system_daemonset_and_static_pods() {
    let r = run(
        "control-plane/etcd-dedicated",
        &fixture("control-plane/kubeadm-ha.yaml"),
    );
    assert_eq!(r.len(), 3, "{}", messages(&r));
    for n in ["cp-1", "cp-2", "cp-3"] {
        let x = assert_status(&r, n, Status::Pass);
        assert_eq!(x.subject.kind, "Node");
    }
}

#[test]
fn etcd_dedicated_fails_with_application_pods() {
    let s = etcd("cp-1", &[])
        + &etcd("cp-2", &[])
        + r#"apiVersion: v1
kind: Pod
metadata:
  name: web-1
  namespace: shop
  ownerReferences: [{apiVersion: apps/v1, kind: ReplicaSet, name: web-6d4, uid: u, controller: true}]
spec:
  nodeName: cp-1
  containers: [{name: web, image: shop/web:1}]
status: {phase: Running}
---
apiVersion: v1
kind: Pod
metadata: {name: done-job, namespace: shop}
spec:
  nodeName: cp-2
  containers: [{name: job, image: shop/job:1}]
status: {phase: Succeeded}
"#;
    let r = run("control-plane/etcd-dedicated", &yaml(&s));
    let x = assert_fail(&r, "cp-1", Severity::Info);
    assert!(x.message.contains("shop/web-1"), "{}", x.message);
    assert!(x.message.contains("etcd-cp-1"), "{}", x.message);
    // A finished pod no longer competes with etcd.
    assert_status(&r, "cp-2", Status::Pass);
}

#[test]
fn etcd_dedicated_unknown_when_etcd_not_visible() {
    let r = run(
        "control-plane/etcd-dedicated",
        &fixture("control-plane/eks.yaml"),
    );
    let x = assert_status(&r, "cluster", Status::Unknown);
    assert!(x.message.contains("managed"), "{}", x.message);

    let s = static_pod(
        "kube-apiserver",
        "cp-1",
        "registry.k8s.io/kube-apiserver:v1.35.0",
        &["--etcd-servers=https://etcd-1.internal:2379"],
    );
    let r = run("control-plane/etcd-dedicated", &yaml(&s));
    let x = assert_status(&r, "cluster", Status::Unknown);
    assert!(x.message.contains("etcd-1.internal"), "{}", x.message);
}

// ---------------------------------------------------------------------------
// control-plane/etcd-timeouts

#[test]
fn etcd_timeouts_pass_with_flags_and_defaults() {
    let r = run(
        "control-plane/etcd-timeouts",
        &fixture("control-plane/kubeadm-ha.yaml"),
    );
    assert_eq!(r.len(), 3);
    let x = assert_status(&r, "etcd-cp-1", Status::Pass);
    assert!(x.message.contains("= 10.0"), "{}", x.message);

    // No flags at all: etcd's defaults (1000 / 100).
    let r = run("control-plane/etcd-timeouts", &yaml(&etcd("cp-1", &[])));
    let x = assert_status(&r, "etcd-cp-1", Status::Pass);
    assert!(
        x.evidence
            .contains(&"--election-timeout = 1000 (default)".to_string()),
        "{:?}",
        x.evidence
    );
}

#[test]
fn etcd_timeouts_fail_on_ratio_and_heartbeat() {
    let s = etcd("low", &["--election-timeout=300", "--heartbeat-interval=100"])
        // `--flag value` form.
        + &etcd("high", &["--election-timeout", "10000", "--heartbeat-interval", "100"])
        + &etcd("slow", &["--heartbeat-interval=600", "--election-timeout=6000"])
        // Single-dash form, later flag wins.
        + &etcd("last", &["-heartbeat-interval=50", "--heartbeat-interval=100", "--election-timeout=400"])
        + &etcd("edge", &["--heartbeat-interval=100", "--election-timeout=500"]);
    let r = run("control-plane/etcd-timeouts", &yaml(&s));
    let x = assert_fail(&r, "etcd-low", Severity::Warning);
    assert!(x.message.contains("= 3.0, below 5"), "{}", x.message);
    let x = assert_fail(&r, "etcd-high", Severity::Warning);
    assert!(x.message.contains("= 100.0, above 50"), "{}", x.message);
    let x = assert_fail(&r, "etcd-slow", Severity::Warning);
    assert!(
        x.message.contains("heartbeat-interval 600 ms is above 500"),
        "{}",
        x.message
    );
    assert!(
        !x.message.contains("ratio"),
        "ratio 10 is fine: {}",
        x.message
    );
    let x = assert_fail(&r, "etcd-last", Severity::Warning);
    assert!(x.message.contains("= 4.0"), "{}", x.message);
    // Exactly 5 is inside the band.
    assert_status(&r, "etcd-edge", Status::Pass);

    // Configurable band.
    let mut config = Config::default();
    config.thresholds.etcd_ratio_min = 8.0;
    config.thresholds.etcd_ratio_max = 20.0;
    let r = run_with("control-plane/etcd-timeouts", &yaml(&s), &config);
    assert_fail(&r, "etcd-edge", Severity::Warning);
}

#[test]
fn etcd_timeouts_env_vars_and_undecidable_cases() {
    let env_pod = r#"apiVersion: v1
kind: Pod
metadata:
  name: etcd-env
  namespace: kube-system
  labels: {component: etcd, tier: control-plane}
spec:
  nodeName: cp-1
  containers:
    - name: etcd
      image: registry.k8s.io/etcd:3.6.4-0
      command: [etcd]
      env:
        - {name: ETCD_HEARTBEAT_INTERVAL, value: "250"}
        - {name: ETCD_ELECTION_TIMEOUT, value: "1000"}
---
"#;
    let s = env_pod.to_string()
        + &etcd(
            "cfg",
            &[
                "--config-file=/etc/etcd/etcd.yaml",
                "--heartbeat-interval=100",
            ],
        )
        + &etcd("bad", &["--heartbeat-interval=100ms"]);
    let r = run("control-plane/etcd-timeouts", &yaml(&s));
    let x = assert_fail(&r, "etcd-env", Severity::Warning);
    assert!(x.message.contains("= 4.0"), "{}", x.message);
    assert!(
        x.evidence
            .contains(&"--heartbeat-interval = 250 (env)".to_string())
    );
    let x = assert_status(&r, "etcd-cfg", Status::Unknown);
    assert!(x.message.contains("--config-file"), "{}", x.message);
    let x = assert_status(&r, "etcd-bad", Status::Unknown);
    assert!(x.message.contains("100ms"), "{}", x.message);

    let r = run(
        "control-plane/etcd-timeouts",
        &fixture("control-plane/eks.yaml"),
    );
    assert_status(&r, "cluster", Status::Unknown);
    let r = run("control-plane/etcd-timeouts", &yaml(&ready_node("w-1", "")));
    let x = assert_status(&r, "cluster", Status::Unknown);
    assert!(x.message.contains("no etcd pod"), "{}", x.message);
}

// ---------------------------------------------------------------------------
// control-plane/leader-election

#[test]
fn leader_election_pass_with_three_static_pods() {
    let r = run(
        "control-plane/leader-election",
        &fixture("control-plane/kubeadm-ha.yaml"),
    );
    assert_eq!(r.len(), 2);
    for c in ["kube-controller-manager", "kube-scheduler"] {
        let x = assert_status(&r, c, Status::Pass);
        assert!(x.message.contains("3 instances"), "{}", x.message);
    }
}

#[test]
fn leader_election_fails_when_disabled_or_single() {
    let kcm = "registry.k8s.io/kube-controller-manager:v1.35.0";
    let sched = "registry.k8s.io/kube-scheduler:v1.35.0";
    let s = static_pod(
        "kube-controller-manager",
        "cp-1",
        kcm,
        &["--leader-elect=false"],
    ) + &static_pod("kube-controller-manager", "cp-2", kcm, &["--leader-elect"])
        + &static_pod("kube-controller-manager", "cp-3", kcm, &[])
        + &static_pod("kube-scheduler", "cp-1", sched, &["--leader-elect=true"]);
    let r = run("control-plane/leader-election", &yaml(&s));
    let x = assert_fail(&r, "kube-controller-manager", Severity::Warning);
    assert!(
        x.message
            .contains("--leader-elect=false on pod kube-controller-manager-cp-1"),
        "{}",
        x.message
    );
    assert!(!x.message.contains("cp-2 on"), "{}", x.message);
    let x = assert_fail(&r, "kube-scheduler", Severity::Warning);
    assert!(x.message.contains("only 1 instance"), "{}", x.message);

    // Go bool parsing: `0` is false.
    let s = static_pod("kube-scheduler", "cp-1", sched, &["--leader-elect=0"])
        + &static_pod("kube-scheduler", "cp-2", sched, &[]);
    let r = run("control-plane/leader-election", &yaml(&s));
    assert_fail(&r, "kube-scheduler", Severity::Warning);
}

#[test]
fn leader_election_counts_deployment_replicas() {
    let s = r#"apiVersion: apps/v1
kind: Deployment
metadata: {name: kube-scheduler, namespace: kube-system}
spec:
  replicas: 2
  selector: {matchLabels: {component: kube-scheduler}}
  template:
    metadata: {labels: {component: kube-scheduler}}
    spec:
      containers: [{name: kube-scheduler, image: "registry.k8s.io/kube-scheduler:v1.35.0", command: [kube-scheduler, --leader-elect=true]}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: kcm, namespace: hosted-cp}
spec:
  selector: {matchLabels: {component: kube-controller-manager}}
  template:
    metadata: {labels: {component: kube-controller-manager}}
    spec:
      containers: [{name: kube-controller-manager, image: "registry.k8s.io/kube-controller-manager:v1.35.0", command: [kube-controller-manager]}]
"#;
    let r = run("control-plane/leader-election", &yaml(s));
    let x = assert_status(&r, "kube-scheduler", Status::Pass);
    assert!(x.message.contains("2 instances"), "{}", x.message);
    // replicas unset = 1.
    let x = assert_fail(&r, "kube-controller-manager", Severity::Warning);
    assert!(
        x.message.contains("Deployment hosted-cp/kcm (1 replicas)"),
        "{}",
        x.message
    );
}

#[test]
fn leader_election_unknown_cases() {
    let sched = "registry.k8s.io/kube-scheduler:v1.35.0";
    // The scheduler's --config file holds leaderElection: not visible.
    let s = static_pod(
        "kube-scheduler",
        "cp-1",
        sched,
        &["--config=/etc/kubernetes/scheduler.yaml"],
    ) + &static_pod(
        "kube-scheduler",
        "cp-2",
        sched,
        &["--config=/etc/kubernetes/scheduler.yaml"],
    );
    let r = run("control-plane/leader-election", &yaml(&s));
    let x = assert_status(&r, "kube-scheduler", Status::Unknown);
    assert!(x.message.contains("--config"), "{}", x.message);
    let x = assert_status(&r, "kube-controller-manager", Status::Unknown);
    assert!(
        x.message.contains("no kube-controller-manager"),
        "{}",
        x.message
    );

    let r = run(
        "control-plane/leader-election",
        &fixture("control-plane/eks.yaml"),
    );
    assert_eq!(r.len(), 2);
    assert!(
        r.iter()
            .all(|x| x.status == Status::Unknown && x.message.contains("eks"))
    );
}

// ---------------------------------------------------------------------------
// control-plane/version-support

#[test]
fn version_support_pass_on_supported_versions() {
    let r = run(
        "control-plane/version-support",
        &fixture("control-plane/kubeadm-ha.yaml"),
    );
    let x = assert_status(&r, "cluster", Status::Pass);
    assert!(x.message.contains("1.35"), "{}", x.message);
    let w = assert_status(&r, "w-1", Status::Pass);
    assert!(w.message.contains("1 minor(s) behind"), "{}", w.message);
    assert_status(&r, "cp-1", Status::Pass);
    assert_eq!(r.len(), 7);
}

#[test]
fn version_support_fails_old_server_and_skewed_kubelet() {
    let r = run(
        "control-plane/version-support",
        &fixture("control-plane/eks.yaml"),
    );
    // 1.33 is 4 minors behind 1.37.
    let x = assert_fail(&r, "cluster", Severity::Warning);
    assert!(
        x.message
            .contains("1.33 (v1.33.2-eks-1234), 4 minor releases behind 1.37"),
        "{}",
        x.message
    );
    assert_status(&r, "ip-10-0-1-10.eu-west-1.compute.internal", Status::Pass);
    // v1.29.15-eks-… is 4 minors behind 1.33.
    let x = assert_fail(
        &r,
        "ip-10-0-3-20.eu-west-1.compute.internal",
        Severity::Warning,
    );
    assert!(x.message.contains("4 minors behind"), "{}", x.message);
    assert!(
        x.evidence
            .contains(&"status.nodeInfo.kubeletVersion = v1.29.15-eks-473151a".to_string())
    );
}

#[test]
fn version_support_version_string_edge_cases() {
    let kubelet = |name: &str, v: &str| {
        node(
            name,
            "",
            "{}",
            &format!(
                "{{nodeInfo: {{kubeletVersion: \"{v}\", kubeProxyVersion: x, architecture: amd64, bootID: b, \
                 containerRuntimeVersion: c, kernelVersion: k, machineID: m, operatingSystem: linux, osImage: o, systemUUID: s}}}}"
            ),
        )
    };
    let s = "apiVersion: kready.io/v1\nkind: SnapshotInfo\nmetadata: {name: s}\nserverVersion: v1.35.1+k3s1\n---\n"
        .to_string()
        + &kubelet("k3s", "v1.32.6+k3s1")
        + &kubelet("gke", "v1.35.0-gke.100")
        + &kubelet("newer", "v1.36.0")
        + &kubelet("too-old", "v1.31.9")
        + &kubelet("junk", "unknown")
        + &kubelet("two-digit", "v1.3x.1")
        + &node("no-info", "", "{}", "{}");
    let r = run("control-plane/version-support", &yaml(&s));
    let x = assert_status(&r, "cluster", Status::Pass);
    assert!(x.message.contains("1.35 (v1.35.1+k3s1)"), "{}", x.message);
    // Exactly 3 behind is allowed.
    assert_status(&r, "k3s", Status::Pass);
    assert_status(&r, "gke", Status::Pass);
    let x = assert_fail(&r, "newer", Severity::Warning);
    assert!(
        x.message.contains("newer than the API server"),
        "{}",
        x.message
    );
    let x = assert_fail(&r, "too-old", Severity::Warning);
    assert!(x.message.contains("4 minors behind"), "{}", x.message);
    assert_status(&r, "junk", Status::Unknown);
    assert_status(&r, "two-digit", Status::Unknown);
    assert_status(&r, "no-info", Status::Unknown);

    // The threshold is configurable.
    let mut config = Config::default();
    config.thresholds.kubelet_minor_skew = 2;
    let r = run_with("control-plane/version-support", &yaml(&s), &config);
    assert_fail(&r, "k3s", Severity::Warning);
    config.thresholds.server_minor_lag = 1;
    let r = run_with("control-plane/version-support", &yaml(&s), &config);
    assert_fail(&r, "cluster", Severity::Warning);
}

#[test]
fn version_support_falls_back_to_apiserver_image_and_uses_the_oldest() {
    // No server version: the static pods' tags; mid-upgrade, the oldest counts.
    let s = static_pod(
        "kube-apiserver",
        "cp-1",
        "registry.k8s.io/kube-apiserver:v1.36.1",
        &[],
    ) + &static_pod(
        "kube-apiserver",
        "cp-2",
        "registry.k8s.io/kube-apiserver:v1.35.4",
        &[],
    ) + &node(
        "cp-1",
        "",
        "{}",
        "{nodeInfo: {kubeletVersion: v1.36.1, kubeProxyVersion: x, architecture: amd64, bootID: b, \
             containerRuntimeVersion: c, kernelVersion: k, machineID: m, operatingSystem: linux, osImage: o, systemUUID: s}}",
    );
    let r = run("control-plane/version-support", &yaml(&s));
    let x = assert_status(&r, "cluster", Status::Pass);
    assert!(x.message.contains("1.35 (v1.35.4)"), "{}", x.message);
    assert!(
        x.evidence
            .iter()
            .any(|e| e.contains("kube-apiserver-cp-2 image tag"))
    );
    // A 1.36 kubelet is newer than the oldest (1.35) apiserver.
    assert_fail(&r, "cp-1", Severity::Warning);
}

#[test]
fn version_support_unknown_without_server_version() {
    let r = run(
        "control-plane/version-support",
        &yaml(&ready_node("w-1", "")),
    );
    assert_eq!(r.len(), 1);
    let x = assert_status(&r, "cluster", Status::Unknown);
    assert!(x.message.contains("version is unknown"), "{}", x.message);

    let s = "apiVersion: kready.io/v1\nkind: SnapshotInfo\nmetadata: {name: s}\nserverVersion: v2.0.0\n---\n";
    let r = run("control-plane/version-support", &yaml(s));
    assert_status(&r, "cluster", Status::Unknown);
}

// ---------------------------------------------------------------------------
// control-plane/node-not-ready

fn cond(status: &str, since: &str) -> String {
    format!(
        "{{conditions: [{{type: Ready, status: \"{status}\", reason: KubeletNotReady, lastTransitionTime: \"{since}\"}}]}}"
    )
}

#[test]
fn node_not_ready_pass_and_fail() {
    let s = node("ok", "", "{}", &cond("True", "2026-11-01T00:00:00Z"))
        + &node("down", "", "{}", &cond("False", "2026-11-20T11:30:00Z"))
        + &node("blip", "", "{}", &cond("False", "2026-11-20T11:57:00Z"))
        + &node("lost", "", "{}", &cond("Unknown", "2026-11-20T10:00:00Z"))
        // Exactly at the threshold: not "more than".
        + &node("edge", "", "{}", &cond("False", "2026-11-20T11:50:00Z"));
    let r = run("control-plane/node-not-ready", &yaml(&s));
    let x = assert_status(&r, "ok", Status::Pass);
    assert_eq!(x.message, "Ready and schedulable");
    let x = assert_fail(&r, "down", Severity::Error);
    assert!(
        x.message
            .contains("NotReady for 30m, reason KubeletNotReady"),
        "{}",
        x.message
    );
    assert!(
        x.evidence
            .contains(&"status.conditions[Ready].status = False".to_string())
    );
    let x = assert_status(&r, "blip", Status::Pass);
    assert!(
        x.message
            .contains("NotReady for 3m, reason KubeletNotReady, within the 10m"),
        "{}",
        x.message
    );
    let x = assert_fail(&r, "lost", Severity::Error);
    assert!(
        x.message.contains("kubelet stopped reporting) for 2h"),
        "{}",
        x.message
    );
    assert_status(&r, "edge", Status::Pass);

    let mut config = Config::default();
    config.thresholds.node_not_ready_minutes = 2;
    let r = run_with("control-plane/node-not-ready", &yaml(&s), &config);
    assert_fail(&r, "blip", Severity::Error);
}

#[test]
fn node_not_ready_cordoned_nodes() {
    let ready = cond("True", "2026-11-01T00:00:00Z");
    let s = node(
        "tainted",
        "",
        "{unschedulable: true, taints: [{key: node.kubernetes.io/unschedulable, effect: NoSchedule, timeAdded: \"2026-11-20T11:00:00Z\"}]}",
        &ready,
    ) + &node(
        "fresh-taint",
        "",
        "{unschedulable: true, taints: [{key: node.kubernetes.io/unschedulable, effect: NoSchedule, timeAdded: \"2026-11-20T11:55:00Z\"}]}",
        &ready,
    ) + &node(
        "undated",
        "",
        "{unschedulable: true, taints: [{key: node.kubernetes.io/unschedulable, effect: NoSchedule}]}",
        &ready,
    ) + &node("by-event", "", "{unschedulable: true}", &ready)
        + &node("old-event", "", "{unschedulable: true}", &ready)
        + "apiVersion: v1\nkind: Node\nmetadata: {name: newborn, creationTimestamp: \"2026-11-20T11:58:00Z\"}\n\
           spec: {unschedulable: true}\nstatus: {conditions: [{type: Ready, status: \"True\"}]}\n---\n"
        + r#"apiVersion: v1
kind: Event
metadata: {name: by-event.1, namespace: default}
involvedObject: {kind: Node, name: by-event}
reason: NodeNotSchedulable
lastTimestamp: "2026-11-20T11:58:00Z"
---
apiVersion: v1
kind: Event
metadata: {name: old-event.1, namespace: default}
involvedObject: {kind: Node, name: old-event}
reason: NodeNotSchedulable
firstTimestamp: "2026-11-19T08:00:00Z"
lastTimestamp: "2026-11-20T09:00:00Z"
---
apiVersion: v1
kind: Event
metadata: {name: old-event.0, namespace: default}
involvedObject: {kind: Node, name: old-event}
reason: NodeSchedulable
lastTimestamp: "2026-11-19T09:00:00Z"
"#;
    let r = run("control-plane/node-not-ready", &yaml(&s));
    let x = assert_fail(&r, "tainted", Severity::Error);
    assert!(
        x.message.contains("cordoned (spec.unschedulable) for 1h"),
        "{}",
        x.message
    );
    assert!(
        x.evidence
            .contains(&"spec.unschedulable = true".to_string())
    );
    assert_status(&r, "fresh-taint", Status::Pass);
    // No timestamp anywhere: reported one step down, never passed.
    let x = assert_fail(&r, "undated", Severity::Warning);
    assert!(x.message.contains("since an unknown time"), "{}", x.message);
    let x = assert_status(&r, "by-event", Status::Pass);
    assert!(x.message.contains("for 2m"), "{}", x.message);
    let x = assert_fail(&r, "old-event", Severity::Error);
    assert!(x.message.contains("for 3h"), "{}", x.message);
    // Created 2 minutes ago: cannot have been cordoned for longer.
    let x = assert_status(&r, "newborn", Status::Pass);
    assert!(x.message.contains("node created 2m ago"), "{}", x.message);
}

#[test]
fn node_not_ready_unknown_without_conditions() {
    let s = node("bare", "", "{}", "{}")
        + &node("bare-cordoned", "", "{unschedulable: true}", "{}")
        + &node(
            "undated-notready",
            "",
            "{}",
            "{conditions: [{type: Ready, status: \"False\"}]}",
        );
    let r = run("control-plane/node-not-ready", &yaml(&s));
    let x = assert_status(&r, "bare", Status::Unknown);
    assert!(x.message.contains("no Ready condition"), "{}", x.message);
    // A cordon of unknown age is still reported.
    assert_fail(&r, "bare-cordoned", Severity::Warning);
    let x = assert_fail(&r, "undated-notready", Severity::Warning);
    assert!(x.message.contains("no lastTransitionTime"), "{}", x.message);
}
