//! observability — metrics API, monitoring, log shipping, alerting, tracing.
//!
//! Tools are recognised by their custom resources and by the workloads that
//! run them (image name, or the `app.kubernetes.io/name` label), in every
//! namespace including the system ones (agents often live in kube-system).

use k8s_openapi::api::apps::v1::DaemonSet;
use k8s_openapi::api::core::v1::{Node, NodeSelectorRequirement, PodSpec, Taint, Toleration};
use k8s_openapi::kube_aggregator::pkg::apis::apiregistration::v1::APIService;

use super::text::name_list;
use super::{Category, Check, Ctx, Out, Scope, Severity, Subject};
use crate::model::image::ImageRef;
use crate::model::pod::Pod;
use crate::model::workload::Workload;
use crate::model::{ObjRef, Object};

pub const CHECKS: &[&Check] = &[
    &METRICS_API,
    &MONITORING,
    &LOG_SHIPPING,
    &ALERTING,
    &TRACING,
];

// ---------------------------------------------------------------------------
// Recognising tools (shared with delivery.rs)

/// A tool recognised from the workloads that run it.
pub(super) struct Product {
    pub name: &'static str,
    /// Image patterns: `x` — the image's last path component is `x`; `x*` —
    /// it starts with `x`; `a/b` — the repository is or ends with `a/b`.
    pub images: &'static [&'static str],
    /// `app.kubernetes.io/name` values (on the workload or its pod template).
    pub names: &'static [&'static str],
    /// When set, the matching image must run in a container of this name
    /// (the Datadog agent traces only with its `trace-agent` container).
    pub container: Option<&'static str>,
}

const fn product(
    name: &'static str,
    images: &'static [&'static str],
    names: &'static [&'static str],
) -> Product {
    Product {
        name,
        images,
        names,
        container: None,
    }
}

/// The repository (without registry) and its last path component.
fn image_parts(image: &str) -> (&str, &str) {
    let repo = ImageRef::parse(image).repository;
    (repo, repo.rsplit('/').next().unwrap_or(repo))
}

fn image_matches((repo, last): (&str, &str), pattern: &str) -> bool {
    if pattern.contains('/') {
        repo == pattern
            || repo
                .strip_suffix(pattern)
                .is_some_and(|head| head.ends_with('/'))
    } else if let Some(prefix) = pattern.strip_suffix('*') {
        last.starts_with(prefix)
    } else {
        last == pattern
    }
}

/// A workload's containers as (container name, image parts), parsed once.
type Images<'a> = Vec<(&'a str, (&'a str, &'a str))>;

fn product_matches(w: &Workload, images: &Images, p: &Product) -> bool {
    let by_image = images.iter().any(|(name, parts)| {
        p.container.is_none_or(|n| *name == n)
            && p.images.iter().any(|pat| image_matches(*parts, pat))
    });
    let by_name = p.container.is_none()
        && [
            w.obj.label("app.kubernetes.io/name"),
            w.template_labels
                .get("app.kubernetes.io/name")
                .map(String::as_str),
        ]
        .into_iter()
        .flatten()
        .any(|n| p.names.contains(&n));
    by_image || by_name
}

/// Workloads of `kinds` that run one of `products`, with the product.
pub(super) fn find_workloads<'a>(
    ctx: &'a Ctx,
    kinds: &[&str],
    products: &'static [Product],
) -> Vec<(&'a ObjRef, &'static Product)> {
    let mut out = Vec::new();
    for kind in kinds {
        for obj in ctx.store.list(kind) {
            let Some(w) = Workload::of(obj) else { continue };
            let images: Images = w
                .containers()
                .filter_map(|c| Some((c.name.as_str(), image_parts(c.image.as_deref()?))))
                .collect();
            if let Some(p) = products.iter().find(|p| product_matches(&w, &images, p)) {
                out.push((obj, p));
            }
        }
    }
    out
}

fn group_of(api_version: &str) -> &str {
    api_version.rsplit_once('/').map_or("", |(g, _)| g)
}

/// Custom resources of the given (kind, API group) pairs.
pub(super) fn custom_objects<'a>(
    ctx: &'a Ctx,
    kinds: &'a [(&'a str, &'a str)],
) -> impl Iterator<Item = &'a ObjRef> {
    kinds.iter().flat_map(move |(kind, group)| {
        ctx.store
            .list(kind)
            .filter(move |o| group_of(&o.api_version) == *group)
    })
}

/// The first installed CRD of the list (`plural.group`).
pub(super) fn installed_crd<'a>(ctx: &Ctx, crds: &[&'a str]) -> Option<&'a str> {
    crds.iter().copied().find(|c| {
        ctx.store
            .get_named("CustomResourceDefinition", "", c)
            .is_some()
    })
}

/// True when the store holds no Deployments, StatefulSets or DaemonSets at
/// all: every real cluster runs some (CoreDNS, kube-proxy, …), so absence of
/// a tool cannot be told from a snapshot without them.
pub(super) fn no_workloads_captured(ctx: &Ctx) -> bool {
    ["Deployment", "StatefulSet", "DaemonSet"]
        .iter()
        .all(|k| !ctx.store.has_kind(k))
}

pub(super) const NO_WORKLOADS: &str =
    "the snapshot holds no Deployments, StatefulSets or DaemonSets to look for it in";

pub(super) fn describe(obj: &Object) -> String {
    if obj.namespace().is_empty() {
        format!("{} {}", obj.key.kind, obj.name())
    } else {
        format!("{} {}/{}", obj.key.kind, obj.namespace(), obj.name())
    }
}

fn found_list(found: &[(String, &str)]) -> String {
    let items: Vec<String> = found
        .iter()
        .map(|(what, p)| format!("{p} ({what})"))
        .collect();
    name_list(&items, 4)
}

const WORKLOAD_KINDS: &[&str] = &["Deployment", "StatefulSet", "DaemonSet"];

// ---------------------------------------------------------------------------
// observability/metrics-api

pub static METRICS_API: Check = Check {
    id: "observability/metrics-api",
    title: "The resource metrics API is available",
    category: Category::Observability,
    severity: Severity::Warning,
    seeds: &["000", "003"],
    rationale: "The HPA on CPU/memory, `kubectl top` and the VPA read `metrics.k8s.io`; without \
                metrics-server (or an adapter serving it) they silently stop working.",
    fix: None,
    enabled_by_default: true,
    scope: Scope::Cluster { run: metrics_api },
    reads: &["APIService"],
};

const METRICS_APISERVICE: &str = "v1beta1.metrics.k8s.io";

fn metrics_api(ctx: &Ctx, out: &mut Out) {
    let subject = Subject::cluster();
    let Some(obj) = ctx.store.get_named("APIService", "", METRICS_APISERVICE) else {
        if ctx.store.has_kind("APIService") {
            out.fail(
                subject,
                format!(
                    "the {METRICS_APISERVICE} APIService is missing: no metrics-server (or \
                     adapter) serves resource metrics, so CPU/memory HPAs and `kubectl top` fail"
                ),
            )
            .evidence("APIService", format!("{METRICS_APISERVICE} not found"));
        } else {
            out.unknown(
                subject,
                "no APIService objects in the snapshot: cannot tell whether the metrics API is \
                 registered",
            );
        }
        return;
    };
    let Some(svc) = obj.typed::<APIService>() else {
        out.unknown(
            subject,
            format!("{METRICS_APISERVICE} could not be read as an APIService"),
        );
        return;
    };
    let backend = svc
        .spec
        .as_ref()
        .and_then(|s| s.service.as_ref())
        .map(|s| {
            format!(
                "{}/{}",
                s.namespace.as_deref().unwrap_or("?"),
                s.name.as_deref().unwrap_or("?")
            )
        })
        .unwrap_or_else(|| "local".into());
    let available = svc
        .status
        .as_ref()
        .and_then(|s| s.conditions.as_ref())
        .and_then(|c| c.iter().find(|c| c.type_ == "Available"));
    match available {
        Some(c) if c.status == "True" => {
            out.pass(
                subject,
                format!("{METRICS_APISERVICE} is Available (served by {backend})"),
            )
            .evidence("service", backend);
        }
        Some(c) => {
            let why = [c.reason.as_deref(), c.message.as_deref()]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(": ");
            out.fail(
                subject,
                format!(
                    "{METRICS_APISERVICE} is not Available (status {}{}): the backing service \
                     {backend} does not answer",
                    c.status,
                    if why.is_empty() {
                        String::new()
                    } else {
                        format!(", {why}")
                    }
                ),
            )
            .evidence("status.conditions[Available].status", &c.status)
            .evidence("service", backend);
        }
        None => {
            out.unknown(
                subject,
                format!("{METRICS_APISERVICE} exists but has no Available condition in status"),
            )
            .evidence("service", backend);
        }
    }
}

// ---------------------------------------------------------------------------
// observability/monitoring

pub static MONITORING: Check = Check {
    id: "observability/monitoring",
    title: "A metrics monitoring system runs",
    category: Category::Observability,
    severity: Severity::Warning,
    seeds: &["000", "001", "003"],
    rationale: "Without metrics collection there is no history to diagnose an incident with and \
                nothing to alert on: you cannot operate what you cannot see.",
    fix: None,
    enabled_by_default: true,
    scope: Scope::Cluster { run: monitoring },
    reads: &[
        "Deployment",
        "StatefulSet",
        "DaemonSet",
        "CustomResourceDefinition",
        "Prometheus",
        "PrometheusAgent",
        "VMSingle",
        "VMCluster",
        "VMAgent",
        "DatadogAgent",
    ],
};

const MONITORING_CRS: &[(&str, &str)] = &[
    ("Prometheus", "monitoring.coreos.com"),
    ("PrometheusAgent", "monitoring.coreos.com"),
    ("VMSingle", "operator.victoriametrics.com"),
    ("VMCluster", "operator.victoriametrics.com"),
    ("VMAgent", "operator.victoriametrics.com"),
    ("DatadogAgent", "datadoghq.com"),
];

const MONITORING_PRODUCTS: &[Product] = &[
    // prom/prometheus, quay.io/prometheus/prometheus, GKE managed collection
    // (gke.gcr.io/prometheus-engine/prometheus).
    product("Prometheus", &["prometheus"], &["prometheus"]),
    product(
        "VictoriaMetrics",
        &[
            "victoria-metrics",
            "vmagent",
            "vmstorage",
            "vmselect",
            "vminsert",
        ],
        &["victoria-metrics-single", "vmagent"],
    ),
    product(
        "Grafana Alloy / Agent",
        &["grafana/alloy", "grafana/agent"],
        &["alloy", "grafana-agent"],
    ),
    product(
        "Datadog Agent",
        &["datadoghq/agent", "datadog/agent"],
        &["datadog"],
    ),
    product(
        "New Relic",
        &["infrastructure-k8s", "nri-kubernetes"],
        &["newrelic-infrastructure"],
    ),
    product("Dynatrace OneAgent", &["dynatrace/oneagent"], &["oneagent"]),
    product(
        "Elastic",
        &["metricbeat", "elastic-agent"],
        &["metricbeat", "elastic-agent"],
    ),
    product("Sysdig", &["sysdig/agent"], &["sysdig"]),
    product(
        "CloudWatch agent",
        &["cloudwatch-agent"],
        &["cloudwatch-agent"],
    ),
    product(
        "Azure Monitor managed Prometheus",
        &["prometheus-collector/images"],
        &["ama-metrics"],
    ),
    product(
        "GKE Cloud Monitoring",
        &["gke-metrics-agent"],
        &["gke-metrics-agent"],
    ),
];

fn monitoring(ctx: &Ctx, out: &mut Out) {
    let subject = Subject::cluster();
    let mut found: Vec<(String, &str)> = custom_objects(ctx, MONITORING_CRS)
        .map(|o| (describe(o), o.key.kind.as_str()))
        .collect();
    found.extend(
        find_workloads(ctx, WORKLOAD_KINDS, MONITORING_PRODUCTS)
            .into_iter()
            .map(|(o, p)| (describe(o), p.name)),
    );
    if !found.is_empty() {
        out.pass(subject, format!("monitoring found: {}", found_list(&found)))
            .evidence("found", found.len());
        return;
    }
    if no_workloads_captured(ctx) {
        out.unknown(subject, format!("no monitoring found, but {NO_WORKLOADS}"));
        return;
    }
    let crd = installed_crd(ctx, &["prometheuses.monitoring.coreos.com"]);
    let message = match crd {
        Some(crd) => format!(
            "the {crd} CRD is installed but no Prometheus object or Prometheus (or equivalent \
             agent) workload runs: nothing collects metrics"
        ),
        None => "no Prometheus (operator objects or a Prometheus workload) or equivalent agent \
                 (VictoriaMetrics, Grafana Alloy, Datadog, New Relic, Dynatrace, Elastic, …) \
                 found: nothing collects metrics"
            .to_string(),
    };
    out.fail(subject, message);
}

// ---------------------------------------------------------------------------
// observability/log-shipping

pub static LOG_SHIPPING: Check = Check {
    id: "observability/log-shipping",
    title: "A log collector runs on every schedulable node",
    category: Category::Observability,
    severity: Severity::Warning,
    seeds: &["000", "001", "003"],
    rationale: "Container logs live on the node and vanish with the pod or the node; a \
                collector DaemonSet ships them to central storage. A node it does not run on \
                loses its logs.",
    fix: None,
    enabled_by_default: true,
    scope: Scope::Cluster { run: log_shipping },
    reads: &["DaemonSet", "Node", "Pod", "Deployment", "StatefulSet"],
};

const LOG_COLLECTORS: &[Product] = &[
    // fluent/fluent-bit, gke.gcr.io/fluent-bit (GKE), amazon/aws-for-fluent-bit.
    product(
        "Fluent Bit",
        &[
            "fluent-bit*",
            "fluentbit*",
            "aws-for-fluent-bit",
            "newrelic-fluentbit-output",
        ],
        &["fluent-bit"],
    ),
    product("Fluentd", &["fluentd*"], &["fluentd"]),
    product("Vector", &["vector"], &["vector"]),
    product("Promtail", &["promtail"], &["promtail"]),
    product(
        "OpenTelemetry Collector",
        &[
            "opentelemetry-collector*",
            "otelcol*",
            "splunk-otel-collector",
            "sumologic-otel-collector",
        ],
        &["opentelemetry-collector"],
    ),
    product(
        "Grafana Alloy / Agent",
        &["grafana/alloy", "grafana/agent"],
        &["alloy", "grafana-agent"],
    ),
    product(
        "Datadog Agent",
        &["datadoghq/agent", "datadog/agent"],
        &["datadog"],
    ),
    product(
        "Filebeat / Elastic Agent",
        &["filebeat", "elastic-agent"],
        &["filebeat"],
    ),
    product(
        "Azure Monitor (ama-logs)",
        &["containerinsights/ciprod"],
        &["ama-logs"],
    ),
];

/// Tolerations the DaemonSet controller adds to every daemon pod.
fn daemon_tolerates(taint: &Taint, host_network: bool) -> bool {
    match (taint.key.as_str(), taint.effect.as_str()) {
        ("node.kubernetes.io/not-ready" | "node.kubernetes.io/unreachable", "NoExecute") => true,
        (
            "node.kubernetes.io/disk-pressure"
            | "node.kubernetes.io/memory-pressure"
            | "node.kubernetes.io/pid-pressure"
            | "node.kubernetes.io/unschedulable",
            "NoSchedule",
        ) => true,
        ("node.kubernetes.io/network-unavailable", "NoSchedule") => host_network,
        _ => false,
    }
}

/// `Toleration.ToleratesTaint` of the core API.
fn toleration_matches(t: &Toleration, taint: &Taint) -> bool {
    let effect = t.effect.as_deref().unwrap_or("");
    if !effect.is_empty() && effect != taint.effect {
        return false;
    }
    let key = t.key.as_deref().unwrap_or("");
    if !key.is_empty() && key != taint.key {
        return false;
    }
    let tv = t.value.as_deref().unwrap_or("");
    let nv = taint.value.as_deref().unwrap_or("");
    match t.operator.as_deref().unwrap_or("") {
        "" | "Equal" => tv == nv,
        "Exists" => true,
        op @ ("Gt" | "Lt") => match (nv.parse::<i64>(), tv.parse::<i64>()) {
            (Ok(n), Ok(v)) => {
                if op == "Gt" {
                    n > v
                } else {
                    n < v
                }
            }
            _ => false,
        },
        _ => false,
    }
}

fn requirement_matches(r: &NodeSelectorRequirement, value: Option<&str>) -> bool {
    let values = r.values.as_deref().unwrap_or(&[]);
    match r.operator.as_str() {
        "In" => value.is_some_and(|v| values.iter().any(|x| x == v)),
        "NotIn" => value.is_none_or(|v| !values.iter().any(|x| x == v)),
        "Exists" => value.is_some(),
        "DoesNotExist" => value.is_none(),
        op @ ("Gt" | "Lt") => {
            let (Some(v), [bound]) = (value.and_then(|v| v.parse::<i64>().ok()), values) else {
                return false;
            };
            let Ok(bound) = bound.parse::<i64>() else {
                return false;
            };
            if op == "Gt" { v > bound } else { v < bound }
        }
        _ => false,
    }
}

/// Why a pod with this spec cannot run on the node (nodeSelector, required
/// node affinity, untolerated NoSchedule/NoExecute taints); `None` if it can.
fn why_not_scheduled(spec: &PodSpec, node_obj: &Object, node: &Node) -> Option<String> {
    for (k, v) in spec.node_selector.iter().flatten() {
        if node_obj.label(k) != Some(v.as_str()) {
            return Some(format!("nodeSelector {k}={v} does not match"));
        }
    }
    if let Some(required) = spec
        .affinity
        .as_ref()
        .and_then(|a| a.node_affinity.as_ref())
        .and_then(|a| {
            a.required_during_scheduling_ignored_during_execution
                .as_ref()
        })
    {
        // Terms are ORed; an empty term matches nothing.
        let any = required.node_selector_terms.iter().any(|term| {
            let exprs = term.match_expressions.as_deref().unwrap_or(&[]);
            let fields = term.match_fields.as_deref().unwrap_or(&[]);
            (!exprs.is_empty() || !fields.is_empty())
                && exprs
                    .iter()
                    .all(|r| requirement_matches(r, node_obj.label(&r.key)))
                && fields.iter().all(|r| {
                    r.key == "metadata.name" && requirement_matches(r, Some(node_obj.name()))
                })
        });
        if !any {
            return Some("required nodeAffinity does not match".into());
        }
    }
    let host_network = spec.host_network == Some(true);
    let tolerations = spec.tolerations.as_deref().unwrap_or(&[]);
    for taint in node
        .spec
        .as_ref()
        .and_then(|s| s.taints.as_deref())
        .unwrap_or(&[])
    {
        if !matches!(taint.effect.as_str(), "NoSchedule" | "NoExecute") {
            continue;
        }
        if daemon_tolerates(taint, host_network)
            || tolerations.iter().any(|t| toleration_matches(t, taint))
        {
            continue;
        }
        let value = taint
            .value
            .as_deref()
            .map(|v| format!("={v}"))
            .unwrap_or_default();
        return Some(format!(
            "taint {}{value}:{} not tolerated",
            taint.key, taint.effect
        ));
    }
    None
}

/// A node ordinary pods can be scheduled on: not cordoned, and not a
/// control-plane node fenced off by the control-plane/master taint.
fn is_schedulable(node_obj: &Object, node: &Node) -> bool {
    let spec = node.spec.as_ref();
    if spec.and_then(|s| s.unschedulable) == Some(true) {
        return false;
    }
    let cp_tainted = spec
        .and_then(|s| s.taints.as_deref())
        .unwrap_or(&[])
        .iter()
        .any(|t| {
            matches!(
                t.key.as_str(),
                "node-role.kubernetes.io/control-plane" | "node-role.kubernetes.io/master"
            ) && matches!(t.effect.as_str(), "NoSchedule" | "NoExecute")
        });
    !(cp_tainted
        && (node_obj
            .labels()
            .contains_key("node-role.kubernetes.io/control-plane")
            || node_obj
                .labels()
                .contains_key("node-role.kubernetes.io/master")))
}

fn pod_ready(p: &Pod) -> bool {
    p.status
        .as_ref()
        .and_then(|s| s.conditions.as_ref())
        .and_then(|c| c.iter().find(|c| c.type_ == "Ready"))
        .is_some_and(|c| c.status == "True")
}

fn log_shipping(ctx: &Ctx, out: &mut Out) {
    let subject = Subject::cluster();
    let collectors: Vec<(&ObjRef, &DaemonSet, &Product)> =
        find_workloads(ctx, &["DaemonSet"], LOG_COLLECTORS)
            .into_iter()
            .filter_map(|(o, p)| o.typed::<DaemonSet>().map(|d| (o, d, p)))
            .collect();
    if collectors.is_empty() {
        if no_workloads_captured(ctx) {
            out.unknown(
                subject,
                format!("no log collector found, but {NO_WORKLOADS}"),
            );
        } else {
            out.fail(
                subject,
                "no log-collector DaemonSet found (fluent-bit, fluentd, Vector, Promtail, \
                 OpenTelemetry collector, Grafana Alloy, Datadog, Filebeat): container logs are \
                 lost with their pods and nodes",
            );
        }
        return;
    }
    let names: Vec<String> = collectors
        .iter()
        .map(|(o, _, p)| format!("{} ({}/{})", p.name, o.namespace(), o.name()))
        .collect();
    let nodes: Vec<(&ObjRef, &Node)> = ctx.store.typed::<Node>().collect();
    if nodes.is_empty() {
        out.unknown(
            subject,
            format!(
                "found {} but no Node objects in the snapshot to check coverage against",
                names.join(", ")
            ),
        );
        return;
    }
    let schedulable: Vec<&(&ObjRef, &Node)> =
        nodes.iter().filter(|(o, n)| is_schedulable(o, n)).collect();
    if schedulable.is_empty() {
        out.unknown(
            subject,
            format!(
                "found {}, but no node is schedulable (all cordoned or control-plane only)",
                names.join(", ")
            ),
        );
        return;
    }

    // Nodes no collector can run on, with the first collector's reason.
    let mut uncovered: Vec<String> = Vec::new();
    for (node_obj, node) in &schedulable {
        let mut first_reason = None;
        let covered = collectors.iter().any(|(_, ds, _)| {
            let Some(spec) = ds.spec.template.spec.as_ref() else {
                return false;
            };
            match why_not_scheduled(spec, node_obj, node) {
                None => true,
                Some(r) => {
                    first_reason.get_or_insert(r);
                    false
                }
            }
        });
        if !covered {
            uncovered.push(format!(
                "{} ({})",
                node_obj.name(),
                first_reason.unwrap_or_else(|| "no pod template".into())
            ));
        }
    }

    // Collector pods that are scheduled but not ready.
    let mut not_ready: Vec<String> = Vec::new();
    let mut no_status: Vec<String> = Vec::new();
    let mut ready_total = 0;
    let mut desired_total = 0;
    for (o, ds, _) in &collectors {
        let Some(st) = ds.status.as_ref() else {
            no_status.push(format!("{}/{}", o.namespace(), o.name()));
            continue;
        };
        ready_total += st.number_ready;
        desired_total += st.desired_number_scheduled;
        if st.number_ready < st.desired_number_scheduled {
            let mut bad_nodes: Vec<String> = ctx
                .store
                .children_of(&o.key)
                .filter_map(|c| c.typed::<Pod>())
                .filter(|p| !pod_ready(p))
                .filter_map(|p| p.spec.as_ref()?.node_name.clone())
                .collect();
            bad_nodes.sort();
            let on = if bad_nodes.is_empty() {
                String::new()
            } else {
                format!(" (not ready on {})", bad_nodes.join(", "))
            };
            not_ready.push(format!(
                "{}/{}: {} of {} pods ready{on}",
                o.namespace(),
                o.name(),
                st.number_ready,
                st.desired_number_scheduled
            ));
        }
    }

    let n = schedulable.len();
    if !uncovered.is_empty() || !not_ready.is_empty() {
        let mut parts = Vec::new();
        if !uncovered.is_empty() {
            parts.push(format!(
                "{} of {n} schedulable nodes get no log collector: {}",
                uncovered.len(),
                name_list(&uncovered, 5)
            ));
        }
        parts.extend(not_ready);
        out.fail(subject, parts.join("; "))
            .evidence("collectors", names.join(", "))
            .evidence("schedulable nodes", n)
            .evidence("uncovered nodes", uncovered.len());
    } else if !no_status.is_empty() {
        out.unknown(
            subject,
            format!(
                "{} can run on all {n} schedulable nodes, but {} has no status: cannot tell \
                 whether its pods run",
                names.join(", "),
                no_status.join(", ")
            ),
        );
    } else {
        out.pass(
            subject,
            format!(
                "{} covers all {n} schedulable nodes ({ready_total}/{desired_total} pods ready)",
                names.join(", ")
            ),
        )
        .evidence("schedulable nodes", n);
    }
}

// ---------------------------------------------------------------------------
// observability/alerting

pub static ALERTING: Check = Check {
    id: "observability/alerting",
    title: "Alertmanager runs and alerting rules are defined",
    category: Category::Observability,
    severity: Severity::Warning,
    seeds: &["002", "003"],
    rationale: "Nobody watches dashboards at 3 AM: alerts must be defined (PrometheusRule) and \
                routed to people (Alertmanager), or problems are found by customers.",
    fix: None,
    enabled_by_default: true,
    scope: Scope::Cluster { run: alerting },
    reads: &[
        "Deployment",
        "StatefulSet",
        "DaemonSet",
        "Alertmanager",
        "VMAlertmanager",
        "PrometheusRule",
        "VMRule",
    ],
};

const ALERTMANAGER_CRS: &[(&str, &str)] = &[
    ("Alertmanager", "monitoring.coreos.com"),
    ("VMAlertmanager", "operator.victoriametrics.com"),
];
const RULE_CRS: &[(&str, &str)] = &[
    ("PrometheusRule", "monitoring.coreos.com"),
    ("VMRule", "operator.victoriametrics.com"),
];
const ALERTMANAGER_PRODUCTS: &[Product] = &[product(
    "Alertmanager",
    &["alertmanager", "vmalertmanager"],
    &["alertmanager"],
)];

/// Alerting rules (`rules[].alert`) in a PrometheusRule/VMRule.
fn alert_rule_count(obj: &Object) -> usize {
    obj.pointer("/spec/groups")
        .and_then(|g| g.as_array())
        .into_iter()
        .flatten()
        .filter_map(|g| g.get("rules").and_then(|r| r.as_array()))
        .flatten()
        .filter(|r| {
            r.get("alert")
                .and_then(|a| a.as_str())
                .is_some_and(|a| !a.is_empty())
        })
        .count()
}

fn alerting(ctx: &Ctx, out: &mut Out) {
    let subject = Subject::cluster();
    let mut managers: Vec<String> = custom_objects(ctx, ALERTMANAGER_CRS)
        .map(|o| describe(o))
        .collect();
    managers.extend(
        find_workloads(ctx, &["Deployment", "StatefulSet"], ALERTMANAGER_PRODUCTS)
            .into_iter()
            .map(|(o, _)| describe(o)),
    );
    let rule_objects: Vec<&ObjRef> = custom_objects(ctx, RULE_CRS).collect();
    let alert_rules: usize = rule_objects.iter().map(|o| alert_rule_count(o)).sum();

    if managers.is_empty() && rule_objects.is_empty() && no_workloads_captured(ctx) {
        out.unknown(
            subject,
            format!("no Alertmanager found, but {NO_WORKLOADS}"),
        );
        return;
    }
    let mut problems = Vec::new();
    if managers.is_empty() {
        problems.push(
            "no Alertmanager (no Alertmanager object, no alertmanager workload): alerts reach \
             nobody"
                .to_string(),
        );
    }
    if rule_objects.is_empty() {
        problems.push("no PrometheusRule objects: no alerts are defined".to_string());
    } else if alert_rules == 0 {
        problems.push(format!(
            "the {} PrometheusRule object(s) hold recording rules only: no alerts are defined",
            rule_objects.len()
        ));
    }
    if problems.is_empty() {
        out.pass(
            subject,
            format!(
                "Alertmanager ({}) and {alert_rules} alerting rule(s) in {} rule object(s)",
                managers
                    .iter()
                    .take(3)
                    .cloned()
                    .collect::<Vec<_>>()
                    .join(", "),
                rule_objects.len()
            ),
        )
        .evidence("alerting rules", alert_rules);
    } else {
        out.fail(subject, problems.join("; "))
            .evidence("alertmanagers", managers.len())
            .evidence("rule objects", rule_objects.len())
            .evidence("alerting rules", alert_rules);
    }
}

// ---------------------------------------------------------------------------
// observability/tracing

pub static TRACING: Check = Check {
    id: "observability/tracing",
    title: "A tracing pipeline runs",
    category: Category::Observability,
    severity: Severity::Info,
    seeds: &["003"],
    rationale: "Distributed tracing follows a request across services; without a collector or \
                backend, a slow or failing request in a microservice chain is guesswork.",
    fix: None,
    enabled_by_default: true,
    scope: Scope::Cluster { run: tracing },
    reads: &[
        "Deployment",
        "StatefulSet",
        "DaemonSet",
        "CustomResourceDefinition",
        "OpenTelemetryCollector",
        "Jaeger",
        "TempoStack",
        "TempoMonolithic",
    ],
};

const TRACING_CRS: &[(&str, &str)] = &[
    ("OpenTelemetryCollector", "opentelemetry.io"),
    ("Jaeger", "jaegertracing.io"),
    ("TempoStack", "tempo.grafana.com"),
    ("TempoMonolithic", "tempo.grafana.com"),
];

const TRACING_PRODUCTS: &[Product] = &[
    product(
        "OpenTelemetry Collector",
        &[
            "opentelemetry-collector*",
            "otelcol*",
            "splunk-otel-collector",
            "aws-otel-collector",
            "signoz-otel-collector",
        ],
        &["opentelemetry-collector"],
    ),
    product("Grafana Alloy", &["grafana/alloy"], &["alloy"]),
    product(
        "Jaeger",
        &["jaeger*", "jaegertracing/all-in-one"],
        &["jaeger"],
    ),
    product("Zipkin", &["zipkin"], &["zipkin"]),
    product("Grafana Tempo", &["grafana/tempo"], &["tempo"]),
    product(
        "AWS X-Ray daemon",
        &["aws-xray-daemon", "xray-daemon"],
        &["xray-daemon"],
    ),
    product("Elastic APM", &["apm-server"], &["apm-server"]),
    product("Instana agent", &["instana/agent"], &["instana-agent"]),
    Product {
        name: "Datadog APM",
        images: &["datadoghq/agent", "datadog/agent"],
        names: &[],
        container: Some("trace-agent"),
    },
];

fn tracing(ctx: &Ctx, out: &mut Out) {
    let subject = Subject::cluster();
    let mut found: Vec<(String, &str)> = custom_objects(ctx, TRACING_CRS)
        .map(|o| (describe(o), o.key.kind.as_str()))
        .collect();
    found.extend(
        find_workloads(ctx, WORKLOAD_KINDS, TRACING_PRODUCTS)
            .into_iter()
            .map(|(o, p)| (describe(o), p.name)),
    );
    if !found.is_empty() {
        out.pass(subject, format!("tracing found: {}", found_list(&found)))
            .evidence("found", found.len());
    } else if no_workloads_captured(ctx) {
        out.unknown(subject, format!("no tracing found, but {NO_WORKLOADS}"));
    } else {
        let crd = installed_crd(
            ctx,
            &[
                "opentelemetrycollectors.opentelemetry.io",
                "jaegers.jaegertracing.io",
            ],
        );
        let extra = crd
            .map(|c| format!(" (the {c} CRD is installed, but nothing uses it)"))
            .unwrap_or_default();
        out.fail(
            subject,
            format!(
                "no OpenTelemetry collector or tracing backend (Jaeger, Zipkin, Tempo, X-Ray, \
                 Elastic APM, Datadog APM) found{extra}"
            ),
        );
    }
}
