//! observability check tests.

use kready::checks::{Severity, Status};

use crate::support::*;

const STACK: &str = "observability/stack.yaml";

/// A Deployment running `image` (a stand-in for "the cluster runs things").
fn deployment(ns: &str, name: &str, image: &str) -> String {
    format!(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {{name: {name}, namespace: {ns}}}\n\
         spec:\n  selector: {{matchLabels: {{app: {name}}}}}\n  template:\n    \
         metadata: {{labels: {{app: {name}}}}}\n    spec: {{containers: [{{name: main, image: \"{image}\"}}]}}\n---\n"
    )
}

fn coredns() -> String {
    deployment(
        "kube-system",
        "coredns",
        "registry.k8s.io/coredns/coredns:v1.12.0",
    )
}

// ---------------------------------------------------------------------------
// observability/metrics-api

#[test]
fn metrics_api_available_passes() {
    let r = run("observability/metrics-api", &fixture(STACK));
    let x = assert_status(&r, "cluster", Status::Pass);
    assert!(
        x.message.contains("kube-system/metrics-server"),
        "{}",
        x.message
    );
}

#[test]
fn metrics_api_missing_or_unavailable_fails() {
    let other = r#"apiVersion: apiregistration.k8s.io/v1
kind: APIService
metadata: {name: v1.apps}
spec: {group: apps, version: v1, groupPriorityMinimum: 17800, versionPriority: 15}
---
"#;
    let r = run("observability/metrics-api", &yaml(other));
    let x = assert_fail(&r, "cluster", Severity::Warning);
    assert!(x.message.contains("missing"), "{}", x.message);

    let down = r#"apiVersion: apiregistration.k8s.io/v1
kind: APIService
metadata: {name: v1beta1.metrics.k8s.io}
spec:
  group: metrics.k8s.io
  version: v1beta1
  groupPriorityMinimum: 100
  versionPriority: 100
  service: {namespace: kube-system, name: metrics-server}
status:
  conditions:
    - type: Available
      status: "False"
      reason: FailedDiscoveryCheck
      message: "failing or missing response from https://10.96.0.10:443/apis/metrics.k8s.io/v1beta1"
"#;
    let r = run("observability/metrics-api", &yaml(down));
    let x = assert_fail(&r, "cluster", Severity::Warning);
    assert!(x.message.contains("FailedDiscoveryCheck"), "{}", x.message);
    assert!(
        x.evidence
            .contains(&"status.conditions[Available].status = False".to_string())
    );
}

#[test]
fn metrics_api_unknown_without_apiservices_or_status() {
    let r = run("observability/metrics-api", &yaml(&coredns()));
    let x = assert_status(&r, "cluster", Status::Unknown);
    assert!(x.message.contains("no APIService objects"), "{}", x.message);

    let no_status = r#"apiVersion: apiregistration.k8s.io/v1
kind: APIService
metadata: {name: v1beta1.metrics.k8s.io}
spec: {group: metrics.k8s.io, version: v1beta1, groupPriorityMinimum: 100, versionPriority: 100}
"#;
    let r = run("observability/metrics-api", &yaml(no_status));
    assert_status(&r, "cluster", Status::Unknown);
}

// ---------------------------------------------------------------------------
// observability/monitoring

#[test]
fn monitoring_found_by_operator_object_or_workload() {
    let r = run("observability/monitoring", &fixture(STACK));
    let x = assert_status(&r, "cluster", Status::Pass);
    assert!(
        x.message.contains("Prometheus monitoring/k8s"),
        "{}",
        x.message
    );

    // Plain Prometheus from a mirror registry.
    let s = coredns()
        + &deployment(
            "metrics",
            "prom",
            "harbor.corp:5000/mirror/prom/prometheus:v3.2.0",
        );
    let r = run("observability/monitoring", &yaml(&s));
    let x = assert_status(&r, "cluster", Status::Pass);
    assert!(
        x.message.contains("Deployment metrics/prom"),
        "{}",
        x.message
    );

    // An equivalent agent (Datadog, as a DaemonSet).
    let s = coredns()
        + r#"apiVersion: apps/v1
kind: DaemonSet
metadata: {name: datadog, namespace: datadog}
spec:
  selector: {matchLabels: {app: datadog}}
  template:
    metadata: {labels: {app: datadog}}
    spec: {containers: [{name: agent, image: "gcr.io/datadoghq/agent:7.60.0"}]}
"#;
    let r = run("observability/monitoring", &yaml(&s));
    let x = assert_status(&r, "cluster", Status::Pass);
    assert!(x.message.contains("Datadog"), "{}", x.message);
}

#[test]
fn monitoring_fails_without_prometheus() {
    // The operator and an exporter are not a Prometheus.
    let s = coredns()
        + &deployment(
            "monitoring",
            "operator",
            "quay.io/prometheus-operator/prometheus-operator:v0.80.0",
        )
        + &deployment(
            "monitoring",
            "ksm",
            "registry.k8s.io/kube-state-metrics/kube-state-metrics:v2.15.0",
        )
        + "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata: {name: prometheuses.monitoring.coreos.com}\n\
           spec: {group: monitoring.coreos.com, scope: Namespaced, names: {plural: prometheuses, kind: Prometheus}, versions: []}\n";
    let r = run("observability/monitoring", &yaml(&s));
    let x = assert_fail(&r, "cluster", Severity::Warning);
    assert!(
        x.message.contains("CRD is installed but no Prometheus"),
        "{}",
        x.message
    );

    let r = run("observability/monitoring", &yaml(&coredns()));
    let x = assert_fail(&r, "cluster", Severity::Warning);
    assert!(x.message.contains("no Prometheus"), "{}", x.message);
}

#[test]
fn monitoring_unknown_without_workloads() {
    let r = run(
        "observability/monitoring",
        &yaml("apiVersion: v1\nkind: Namespace\nmetadata: {name: shop}\n"),
    );
    let x = assert_status(&r, "cluster", Status::Unknown);
    assert!(x.message.contains("no Deployments"), "{}", x.message);
}

// ---------------------------------------------------------------------------
// observability/log-shipping

#[test]
fn log_shipping_covers_every_schedulable_node() {
    let r = run("observability/log-shipping", &fixture(STACK));
    let x = assert_status(&r, "cluster", Status::Pass);
    // cp-1 (control-plane taint) and w-4 (cordoned) are not required.
    assert!(
        x.message
            .contains("covers all 3 schedulable nodes (3/3 pods ready)"),
        "{}",
        x.message
    );
}

fn worker(name: &str, labels: &str, spec: &str) -> String {
    format!(
        "apiVersion: v1\nkind: Node\nmetadata: {{name: {name}, labels: {{kubernetes.io/os: linux{labels}}}}}\nspec: {spec}\n---\n"
    )
}

fn collector(name: &str, image: &str, pod_spec_extra: &str, ready: i32, desired: i32) -> String {
    format!(
        "apiVersion: apps/v1\nkind: DaemonSet\nmetadata: {{name: {name}, namespace: logging, uid: uid-{name}}}\n\
         spec:\n  selector: {{matchLabels: {{app: {name}}}}}\n  template:\n    metadata: {{labels: {{app: {name}}}}}\n    \
         spec:\n      containers: [{{name: c, image: \"{image}\"}}]\n{pod_spec_extra}\
         status: {{currentNumberScheduled: {desired}, desiredNumberScheduled: {desired}, numberMisscheduled: 0, numberReady: {ready}}}\n---\n"
    )
}

#[test]
fn log_shipping_fails_naming_the_gap() {
    let s = worker("w-1", "", "{}")
        + &worker("w-2", "", "{}")
        + &worker("gpu-1", "", "{taints: [{key: nvidia.com/gpu, value: present, effect: NoSchedule}]}")
        + "apiVersion: v1\nkind: Node\nmetadata: {name: win-1, labels: {kubernetes.io/os: windows}}\n---\n"
        // An untainted control-plane node runs workloads: required.
        + &worker("cp-1", ", node-role.kubernetes.io/control-plane: \"\"", "{}")
        + &collector(
            "fluent-bit",
            "fluent/fluent-bit:3.2.0",
            "      nodeSelector: {kubernetes.io/os: linux}\n",
            3,
            4,
        )
        + r#"apiVersion: v1
kind: Pod
metadata:
  name: fluent-bit-w2
  namespace: logging
  ownerReferences: [{apiVersion: apps/v1, kind: DaemonSet, name: fluent-bit, uid: uid-fluent-bit, controller: true}]
spec:
  nodeName: w-2
  containers: [{name: c, image: fluent/fluent-bit:3.2.0}]
status:
  phase: Running
  conditions: [{type: Ready, status: "False"}]
"#;
    let r = run("observability/log-shipping", &yaml(&s));
    let x = assert_fail(&r, "cluster", Severity::Warning);
    assert!(
        x.message
            .contains("2 of 5 schedulable nodes get no log collector"),
        "{}",
        x.message
    );
    assert!(
        x.message
            .contains("gpu-1 (taint nvidia.com/gpu=present:NoSchedule not tolerated)"),
        "{}",
        x.message
    );
    assert!(
        x.message
            .contains("win-1 (nodeSelector kubernetes.io/os=linux does not match)"),
        "{}",
        x.message
    );
    assert!(
        x.message
            .contains("logging/fluent-bit: 3 of 4 pods ready (not ready on w-2)"),
        "{}",
        x.message
    );
    assert!(x.evidence.contains(&"uncovered nodes = 2".to_string()));
}

#[test]
fn log_shipping_toleration_and_affinity_semantics() {
    let nodes = worker("w-1", ", disk: ssd, gen: \"5\"", "{}")
        + &worker(
            "gpu-1",
            ", disk: ssd, gen: \"6\"",
            "{taints: [{key: nvidia.com/gpu, value: present, effect: NoExecute}]}",
        )
        + "apiVersion: v1\nkind: Node\nmetadata: {name: win-1, labels: {kubernetes.io/os: windows, disk: ssd, gen: \"7\"}}\n---\n";
    // Exists with no key tolerates every taint; two collectors together
    // cover Linux and Windows.
    let s = nodes.clone()
        + &collector(
            "vector",
            "timberio/vector:0.44.0-distroless-libc",
            "      nodeSelector: {kubernetes.io/os: linux}\n      tolerations: [{operator: Exists}]\n",
            2,
            2,
        )
        + &collector(
            "fluentd-win",
            "fluent/fluentd-kubernetes-daemonset:v1-windows",
            "      nodeSelector: {kubernetes.io/os: windows}\n",
            1,
            1,
        );
    let r = run("observability/log-shipping", &yaml(&s));
    let x = assert_status(&r, "cluster", Status::Pass);
    assert!(
        x.message.contains("Vector") && x.message.contains("Fluentd"),
        "{}",
        x.message
    );

    // A toleration for the wrong effect does not help; required node
    // affinity with Gt excludes gen 5.
    let s = nodes
        + &collector(
            "promtail",
            "grafana/promtail:3.4.0",
            "      tolerations: [{key: nvidia.com/gpu, operator: Exists, effect: NoSchedule}]\n      \
             affinity: {nodeAffinity: {requiredDuringSchedulingIgnoredDuringExecution: {nodeSelectorTerms: \
             [{matchExpressions: [{key: gen, operator: Gt, values: [\"5\"]}, {key: disk, operator: In, values: [ssd]}]}]}}}\n",
            1,
            1,
        );
    let r = run("observability/log-shipping", &yaml(&s));
    let x = assert_fail(&r, "cluster", Severity::Warning);
    assert!(
        x.message.contains("2 of 3 schedulable nodes"),
        "{}",
        x.message
    );
    assert!(
        x.message
            .contains("w-1 (required nodeAffinity does not match)"),
        "{}",
        x.message
    );
    assert!(
        x.message
            .contains("gpu-1 (taint nvidia.com/gpu=present:NoExecute not tolerated)"),
        "{}",
        x.message
    );
}

#[test]
fn log_shipping_fails_without_a_collector() {
    // A log collector as a Deployment does not run on every node.
    let s = coredns() + &deployment("logging", "vector-aggregator", "timberio/vector:0.44.0");
    let r = run("observability/log-shipping", &yaml(&s));
    let x = assert_fail(&r, "cluster", Severity::Warning);
    assert!(
        x.message.contains("no log-collector DaemonSet"),
        "{}",
        x.message
    );
}

#[test]
fn log_shipping_unknown_cases() {
    let r = run(
        "observability/log-shipping",
        &yaml("apiVersion: v1\nkind: Namespace\nmetadata: {name: a}\n"),
    );
    assert_status(&r, "cluster", Status::Unknown);

    // Collector but no nodes to compare with.
    let s = collector("fluent-bit", "fluent/fluent-bit:3.2.0", "", 3, 3);
    let r = run("observability/log-shipping", &yaml(&s));
    let x = assert_status(&r, "cluster", Status::Unknown);
    assert!(x.message.contains("no Node objects"), "{}", x.message);

    // Collector without status: cannot tell whether its pods run.
    let s = worker("w-1", "", "{}")
        + "apiVersion: apps/v1\nkind: DaemonSet\nmetadata: {name: fb, namespace: logging}\nspec:\n  \
           selector: {matchLabels: {app: fb}}\n  template:\n    metadata: {labels: {app: fb}}\n    \
           spec: {containers: [{name: c, image: \"fluent/fluent-bit:3.2.0\"}]}\n";
    let r = run("observability/log-shipping", &yaml(&s));
    let x = assert_status(&r, "cluster", Status::Unknown);
    assert!(x.message.contains("has no status"), "{}", x.message);
}

// ---------------------------------------------------------------------------
// observability/alerting

#[test]
fn alerting_pass_with_alertmanager_and_rules() {
    let r = run("observability/alerting", &fixture(STACK));
    let x = assert_status(&r, "cluster", Status::Pass);
    assert!(
        x.message.contains("Alertmanager monitoring/main"),
        "{}",
        x.message
    );
    assert!(x.evidence.contains(&"alerting rules = 1".to_string()));

    // Alertmanager as a plain StatefulSet counts too.
    let s = "apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: am, namespace: mon}\nspec:\n  serviceName: am\n  \
             selector: {matchLabels: {app: am}}\n  template:\n    metadata: {labels: {app: am}}\n    \
             spec: {containers: [{name: am, image: \"quay.io/prometheus/alertmanager:v0.28.0\"}]}\n---\n\
             apiVersion: monitoring.coreos.com/v1\nkind: PrometheusRule\nmetadata: {name: r, namespace: mon}\n\
             spec: {groups: [{name: g, rules: [{alert: Down, expr: up == 0}]}]}\n";
    let r = run("observability/alerting", &yaml(s));
    assert_status(&r, "cluster", Status::Pass);
}

#[test]
fn alerting_fails_without_alertmanager_or_alert_rules() {
    let recording_only = "apiVersion: monitoring.coreos.com/v1\nkind: PrometheusRule\nmetadata: {name: rec, namespace: mon}\n\
                          spec: {groups: [{name: g, rules: [{record: 'job:up:sum', expr: sum(up)}]}]}\n---\n";
    let s = coredns() + recording_only;
    let r = run("observability/alerting", &yaml(&s));
    let x = assert_fail(&r, "cluster", Severity::Warning);
    assert!(x.message.contains("no Alertmanager"), "{}", x.message);
    assert!(x.message.contains("recording rules only"), "{}", x.message);

    let s = coredns()
        + "apiVersion: monitoring.coreos.com/v1\nkind: Alertmanager\nmetadata: {name: main, namespace: mon}\nspec: {}\n";
    let r = run("observability/alerting", &yaml(&s));
    let x = assert_fail(&r, "cluster", Severity::Warning);
    assert!(
        x.message.contains("no PrometheusRule objects"),
        "{}",
        x.message
    );
    assert!(!x.message.contains("no Alertmanager"), "{}", x.message);
}

#[test]
fn alerting_unknown_without_workloads() {
    let r = run(
        "observability/alerting",
        &yaml("apiVersion: v1\nkind: Namespace\nmetadata: {name: a}\n"),
    );
    assert_status(&r, "cluster", Status::Unknown);
}

// ---------------------------------------------------------------------------
// observability/tracing

#[test]
fn tracing_pass_with_collector_backend_or_cr() {
    let r = run("observability/tracing", &fixture(STACK));
    let x = assert_status(&r, "cluster", Status::Pass);
    assert!(
        x.message.contains("OpenTelemetry Collector"),
        "{}",
        x.message
    );

    let s = coredns() + &deployment("tracing", "jaeger", "jaegertracing/all-in-one:1.65.0");
    let r = run("observability/tracing", &yaml(&s));
    assert!(result(&r, "cluster", None).message.contains("Jaeger"));

    let s = "apiVersion: opentelemetry.io/v1beta1\nkind: OpenTelemetryCollector\nmetadata: {name: otel, namespace: obs}\nspec: {}\n";
    let r = run("observability/tracing", &yaml(s));
    assert_status(&r, "cluster", Status::Pass);

    // Datadog traces through its trace-agent container.
    let s = "apiVersion: apps/v1\nkind: DaemonSet\nmetadata: {name: datadog, namespace: dd}\nspec:\n  \
             selector: {matchLabels: {app: dd}}\n  template:\n    metadata: {labels: {app: dd}}\n    \
             spec: {containers: [{name: agent, image: \"gcr.io/datadoghq/agent:7.60.0\"}, \
             {name: trace-agent, image: \"gcr.io/datadoghq/agent:7.60.0\"}]}\n";
    let r = run("observability/tracing", &yaml(s));
    let x = assert_status(&r, "cluster", Status::Pass);
    assert!(x.message.contains("Datadog APM"), "{}", x.message);
}

#[test]
fn tracing_fails_without_collector() {
    // The Datadog agent without its trace-agent does not trace.
    let s = coredns()
        + "apiVersion: apps/v1\nkind: DaemonSet\nmetadata: {name: datadog, namespace: dd}\nspec:\n  \
           selector: {matchLabels: {app: dd}}\n  template:\n    metadata: {labels: {app: dd}}\n    \
           spec: {containers: [{name: agent, image: \"gcr.io/datadoghq/agent:7.60.0\"}]}\n";
    let r = run("observability/tracing", &yaml(&s));
    let x = assert_fail(&r, "cluster", Severity::Info);
    assert!(
        x.message.contains("no OpenTelemetry collector"),
        "{}",
        x.message
    );

    let r = run(
        "observability/tracing",
        &yaml("apiVersion: v1\nkind: Namespace\nmetadata: {name: a}\n"),
    );
    assert_status(&r, "cluster", Status::Unknown);
}
