//! autoscaling — node autoscalers (cluster-autoscaler, Karpenter, managed
//! autoscalers) and pod autoscalers (HPA, VPA).
//!
//! cluster-autoscaler usually runs in `kube-system`, which the engine skips
//! for object-scoped checks, so the node-level checks are cluster-scoped and
//! find the autoscaler themselves.

use std::borrow::Cow;

use k8s_openapi::api::apps::v1::Deployment;
use k8s_openapi::api::autoscaling::v2::HorizontalPodAutoscaler;
use k8s_openapi::api::core::v1::{ConfigMap, Container, LimitRange, PodSpec};
use serde_json::Value;

use super::{Category, Check, Ctx, Out, Scope, Severity, Subject};
use crate::model::command::{
    command_words, flag_value, flag_values, parse_go_bool, parse_go_duration,
};
use crate::model::image::ImageRef;
use crate::model::pod::{ContainerResources, Pod};
use crate::model::workload::Workload;
use crate::model::{ObjRef, Object, quantity};
use crate::store::ClusterStore;
use crate::view::autoscaling::{
    GroupStatus, STATUS_CONFIGMAP, api_group, at_max_replicas, group_at_max, hpa_cannot_act,
    hpa_held_on_purpose, karpenter_nodepools, parse_ca_status, quantity_value, status_configmaps,
    value_str,
};
use crate::view::usage;

pub const CHECKS: &[&Check] = &[
    &CLUSTER_AUTOSCALER_PRESENT,
    &NODE_LIMITS_SET,
    &NODE_GROUP_AT_MAX,
    &SCALE_DOWN_DELAY,
    &HPA_PRESENT,
    &HPA_AT_MAX,
    &HPA_MIN_AVAILABILITY,
    &HPA_TARGET_HAS_REQUESTS,
    &HPA_OWNS_REPLICAS,
    &VPA_RECOMMENDATIONS,
];

/// cluster-autoscaler's default `--scale-down-delay-after-add`.
const DEFAULT_SCALE_DOWN_DELAY_SECS: f64 = 600.0;
const LAST_APPLIED: &str = "kubectl.kubernetes.io/last-applied-configuration";

// ───────────────────────────── cluster-autoscaler-present ─────────────────────────────

pub static CLUSTER_AUTOSCALER_PRESENT: Check = Check {
    id: "autoscaling/cluster-autoscaler-present",
    title: "A node autoscaler is installed",
    category: Category::Autoscaling,
    severity: Severity::Warning,
    seeds: &["000", "003"],
    rationale: "Without a node autoscaler, pending pods wait for a human to add nodes and idle \
                nodes are paid for until someone removes them; HPAs can only scale within the \
                capacity that happens to be there.",
    fix: None,
    enabled_by_default: true,
    scope: Scope::Cluster {
        run: cluster_autoscaler_present,
    },
    reads: &[
        "Deployment",
        "ConfigMap",
        "Node",
        "NodePool",
        "Provisioner",
        "CustomResourceDefinition",
    ],
};

fn cluster_autoscaler_present(ctx: &Ctx, out: &mut Out) {
    let store = ctx.store;
    let mut found: Vec<String> = Vec::new();
    let mut scaled_to_zero: Vec<String> = Vec::new();
    for (o, d) in autoscaler_deployments(store) {
        if d.spec.replicas == Some(0) {
            scaled_to_zero.push(format!("{}/{}", o.namespace(), o.name()));
        } else {
            found.push(format!(
                "cluster-autoscaler Deployment {}/{}",
                o.namespace(),
                o.name()
            ));
        }
    }
    let nodepools = karpenter_nodepools(store).count();
    if store
        .get_named("CustomResourceDefinition", "", "nodepools.karpenter.sh")
        .is_some()
        || nodepools > 0
    {
        found.push(format!("Karpenter (NodePool API, {nodepools} NodePool(s))"));
    } else if store.has_api("provisioners.karpenter.sh", "Provisioner") {
        found.push("Karpenter (v1alpha5 Provisioner API)".into());
    }
    for cm in status_configmaps(store) {
        found.push(format!(
            "autoscaler status ConfigMap {}/{} (written by a running cluster-autoscaler, \
             self-run or managed by GKE/AKS)",
            cm.namespace(),
            cm.name()
        ));
    }
    // Node labels that only an autoscaler sets.
    let (mut eks_auto, mut karpenter_nodes, mut gke_nap, mut aks_nap) = (0, 0, 0, 0);
    let mut provider_pools: Option<&'static str> = None;
    for n in store.list("Node") {
        let l = n.labels();
        if l.get("eks.amazonaws.com/compute-type").map(String::as_str) == Some("auto") {
            eks_auto += 1;
        }
        if l.contains_key("karpenter.sh/nodepool") {
            karpenter_nodes += 1;
        }
        if l.keys().any(|k| k.starts_with("karpenter.azure.com/")) {
            aks_nap += 1;
        }
        match l.get("cloud.google.com/gke-nodepool") {
            Some(pool) if pool.starts_with("nap-") => gke_nap += 1,
            Some(_) => provider_pools = provider_pools.or(Some("gke")),
            None => {}
        }
        if l.contains_key("kubernetes.azure.com/agentpool") {
            provider_pools = provider_pools.or(Some("aks"));
        }
        if l.contains_key("eks.amazonaws.com/nodegroup") {
            provider_pools = provider_pools.or(Some("eks"));
        }
    }
    if eks_auto > 0 {
        found.push(format!(
            "EKS Auto Mode ({eks_auto} node(s) labelled eks.amazonaws.com/compute-type=auto)"
        ));
    }
    if aks_nap > 0 {
        found.push(format!(
            "AKS node auto-provisioning ({aks_nap} node(s) with karpenter.azure.com/* labels)"
        ));
    } else if karpenter_nodes > 0 && nodepools == 0 {
        found.push(format!(
            "Karpenter-launched nodes ({karpenter_nodes} node(s) labelled karpenter.sh/nodepool)"
        ));
    }
    if gke_nap > 0 {
        found.push(format!(
            "GKE node auto-provisioning ({gke_nap} node(s) in nap-* node pools)"
        ));
    }

    let subject = Subject::cluster();
    if !found.is_empty() {
        let r = out.pass(subject, format!("node autoscaling found: {}", found[0]));
        for f in &found {
            r.evidence("detected", f);
        }
        return;
    }
    let managed = ctx
        .store
        .info
        .managed
        .as_deref()
        .or(provider_pools)
        .map(str::to_ascii_lowercase);
    let configmaps_visible = store.list_in("ConfigMap", "kube-system").next().is_some();
    if matches!(managed.as_deref(), Some("gke" | "aks")) && !configmaps_visible {
        out.unknown(
            subject,
            format!(
                "{} runs its cluster autoscaler in the control plane and reports it only in \
                 kube-system/{STATUS_CONFIGMAP}, but no kube-system ConfigMaps were captured",
                managed.as_deref().unwrap_or_default().to_uppercase()
            ),
        );
        return;
    }
    let mut message = String::from(
        "no node autoscaler found: no cluster-autoscaler Deployment, no Karpenter NodePools, \
         no autoscaler status ConfigMap and no autoscaler node labels",
    );
    if !scaled_to_zero.is_empty() {
        message = format!(
            "cluster-autoscaler is scaled to 0 replicas ({}); no other node autoscaler found",
            scaled_to_zero.join(", ")
        );
    }
    let r = out.fail(subject, message);
    if let Some(m) = managed {
        r.evidence("provider", m);
    }
    for s in &scaled_to_zero {
        r.evidence("spec.replicas", format!("0 ({s})"));
    }
}

// ───────────────────────────── node-limits-set ─────────────────────────────

pub static NODE_LIMITS_SET: Check = Check {
    id: "autoscaling/node-limits-set",
    title: "Node autoscaling has upper bounds",
    category: Category::Autoscaling,
    severity: Severity::Error,
    seeds: &["003"],
    rationale: "An autoscaler without upper bounds turns a runaway workload or a bad HPA into \
                an unbounded cloud bill; bounds per node group (or NodePool limits) cap it.",
    fix: Some("for Karpenter: patch NodePool limits (edited)"),
    enabled_by_default: true,
    scope: Scope::Cluster {
        run: node_limits_set,
    },
    reads: &["Deployment", "NodePool"],
};

fn node_limits_set(ctx: &Ctx, out: &mut Out) {
    for (o, d) in autoscaler_deployments(ctx.store) {
        let flags = CaFlags::of(d);
        let subject = Subject::of(o);
        let nodes = flags.all("nodes");
        let discovery = flags.all("node-group-auto-discovery");
        let max_total = flags.last("max-nodes-total");
        let provider = flags.last("cloud-provider").unwrap_or("");
        let bad: Vec<&str> = nodes
            .iter()
            .copied()
            .filter(|spec| parse_nodes_flag(spec).is_none())
            .collect();
        let r = if !bad.is_empty() {
            out.fail(
                subject,
                format!(
                    "--nodes={} is not min:max:group with 0 ≤ min ≤ max and max > 0",
                    bad[0]
                ),
            )
        } else if !nodes.is_empty() {
            let groups: Vec<String> = nodes
                .iter()
                .filter_map(|s| parse_nodes_flag(s))
                .map(|(min, max, g)| format!("{g} {min}..{max}"))
                .collect();
            out.pass(
                subject,
                format!("node groups are bounded by --nodes: {}", groups.join(", ")),
            )
        } else if !discovery.is_empty() {
            let unbounded: Vec<&str> = discovery
                .iter()
                .copied()
                .filter(|d| {
                    // GCE MIG auto-discovery carries the bounds in the spec itself.
                    d.starts_with("mig:") && !(d.contains("min=") && d.contains("max="))
                })
                .collect();
            if let Some(u) = unbounded.first() {
                out.fail(
                    subject,
                    format!("--node-group-auto-discovery={u} has no min=/max= bounds"),
                )
            } else {
                out.pass(
                    subject,
                    format!(
                        "node groups are auto-discovered ({}); their bounds are {}",
                        discovery.join(", "),
                        discovery_bounds(discovery[0])
                    ),
                )
            }
        } else if provider == "clusterapi" {
            out.pass(
                subject,
                "the clusterapi provider only scales MachineSets/MachineDeployments annotated \
                 with cluster-api-autoscaler-node-group-min-size/max-size",
            )
        } else if flags.last("cloud-config").is_some() {
            out.unknown(
                subject,
                "no --nodes or --node-group-auto-discovery: node groups and their bounds come \
                 from the --cloud-config file, which is not visible",
            )
        } else {
            out.fail(
                subject,
                "cluster-autoscaler runs without --nodes=min:max:group or \
                 --node-group-auto-discovery: no node group has a visible upper bound",
            )
        };
        if !provider.is_empty() {
            r.evidence("--cloud-provider", provider);
        }
        for n in &nodes {
            r.evidence("--nodes", n);
        }
        for d in &discovery {
            r.evidence("--node-group-auto-discovery", d);
        }
        if let Some(m) = max_total {
            r.evidence("--max-nodes-total", m);
        }
    }
    for np in karpenter_nodepools(ctx.store) {
        let subject = Subject::of(np);
        match np.pointer("/spec/limits").and_then(Value::as_object) {
            Some(limits) if !limits.is_empty() => {
                let listed: Vec<String> = limits
                    .iter()
                    .map(|(k, v)| format!("{k}={}", value_str(v)))
                    .collect();
                out.pass(subject, format!("NodePool limits: {}", listed.join(", ")))
                    .evidence("spec.limits", listed.join(", "));
            }
            _ => {
                out.fail(
                    subject,
                    "NodePool has no spec.limits: Karpenter may launch nodes without bound",
                )
                .evidence("spec.limits", "<unset>");
            }
        }
    }
}

/// Parses `--nodes=min:max:group`.
fn parse_nodes_flag(spec: &str) -> Option<(i64, i64, &str)> {
    let mut parts = spec.splitn(3, ':');
    let min: i64 = parts.next()?.trim().parse().ok()?;
    let max: i64 = parts.next()?.trim().parse().ok()?;
    let group = parts.next().filter(|g| !g.is_empty())?;
    (min >= 0 && min <= max && max > 0).then_some((min, max, group))
}

fn discovery_bounds(spec: &str) -> &'static str {
    match spec.split(':').next().unwrap_or("") {
        "asg" => "each Auto Scaling group's MinSize/MaxSize",
        "mig" => "the min=/max= of the discovery spec",
        "label" => "the min/max tags of each scale set",
        "clusterapi" => "the cluster-api-autoscaler-node-group-min-size/max-size annotations",
        _ => "set by the cloud provider",
    }
}

// ───────────────────────────── node-group-at-max ─────────────────────────────

pub static NODE_GROUP_AT_MAX: Check = Check {
    id: "autoscaling/node-group-at-max",
    title: "Node groups have room to scale up",
    category: Category::Autoscaling,
    severity: Severity::Error,
    seeds: &["003"],
    rationale: "A node group at its maximum, in scale-up backoff or unhealthy cannot add \
                capacity: the next traffic spike leaves pods Pending.",
    fix: None,
    enabled_by_default: true,
    scope: Scope::Cluster {
        run: node_group_at_max,
    },
    reads: &["ConfigMap", "NodePool", "Deployment"],
};

fn node_group_at_max(ctx: &Ctx, out: &mut Out) {
    let store = ctx.store;
    let configmaps: Vec<&ObjRef> = status_configmaps(store).collect();
    for cm in &configmaps {
        let subject = Subject::of(cm);
        let text = cm
            .typed::<ConfigMap>()
            .and_then(|c| c.data.as_ref())
            .and_then(|d| d.get("status"));
        let Some(text) = text else {
            out.unknown(subject, "the status ConfigMap has no data.status");
            continue;
        };
        let Some(status) = parse_ca_status(text) else {
            out.unknown(
                subject,
                "data.status is in neither the text nor the YAML cluster-autoscaler format",
            );
            continue;
        };
        // Cluster-wide conditions, on the ConfigMap itself.
        let mut problems = Vec::new();
        if status.cluster_health.as_deref() == Some("Unhealthy") {
            problems.push("cluster-wide health is Unhealthy".to_string());
        }
        if status.cluster_scale_up.as_deref() == Some("Backoff") {
            problems.push("cluster-wide scale-up is in Backoff".to_string());
        }
        let r = if problems.is_empty() {
            out.pass(
                subject,
                format!(
                    "cluster-wide health {}, {} node group(s) reported",
                    status.cluster_health.as_deref().unwrap_or("not reported"),
                    status.groups.len()
                ),
            )
        } else {
            out.fail(subject, problems.join("; "))
        };
        r.evidence("format", status.format);
        if let Some(h) = &status.cluster_health {
            r.evidence("clusterWide.health", h);
        }
        if let Some(s) = &status.cluster_scale_up {
            r.evidence("clusterWide.scaleUp", s);
        }
        for g in &status.groups {
            node_group_result(cm, g, out);
        }
    }
    if configmaps.is_empty() {
        for (o, _) in autoscaler_deployments(store) {
            out.unknown(
                Subject::of(o),
                format!(
                    "cluster-autoscaler runs but its {STATUS_CONFIGMAP} ConfigMap is not in the \
                     captured state, so node group sizes are not visible"
                ),
            );
        }
    }
    let ratio = ctx.config.thresholds.nodepool_limit_ratio;
    for np in karpenter_nodepools(store) {
        let Some(limits) = np
            .pointer("/spec/limits")
            .and_then(Value::as_object)
            .filter(|l| !l.is_empty())
        else {
            continue; // no limits: nothing to be at (autoscaling/node-limits-set reports it)
        };
        let subject = Subject::of(np);
        let Some(used) = np.pointer("/status/resources").and_then(Value::as_object) else {
            out.unknown(
                subject,
                "NodePool has spec.limits but no status.resources yet (not reconciled by Karpenter)",
            );
            continue;
        };
        let mut worst: Option<(String, f64, String, String)> = None;
        let mut evidence = Vec::new();
        for (res, lim) in limits {
            let Some(limit) = quantity_value(lim) else {
                continue;
            };
            if limit <= 0.0 {
                continue; // a zero limit disables the NodePool on purpose
            }
            let usage = used.get(res).and_then(quantity_value).unwrap_or(0.0);
            let r = usage / limit;
            let used_s = used.get(res).map_or("0".into(), value_str);
            evidence.push(format!("{res}: {used_s} of {}", value_str(lim)));
            if worst.as_ref().is_none_or(|w| r > w.1) {
                worst = Some((res.clone(), r, used_s, value_str(lim)));
            }
        }
        let Some((res, r, used_s, lim_s)) = worst else {
            continue;
        };
        let pct = (r * 100.0).round();
        // The Autoscaling pane marks the same line (its gauge reaches HIGH).
        let res_out = if usage::reaches(r, ratio) {
            out.fail(
                subject,
                format!(
                    "NodePool uses {used_s} of its {res} limit {lim_s} ({pct}%, threshold {}%): \
                     Karpenter stops launching nodes at the limit",
                    (ratio * 100.0).round()
                ),
            )
        } else {
            out.pass(
                subject,
                format!("highest use is {res} at {pct}% of the NodePool limit"),
            )
        };
        for e in evidence {
            res_out.evidence("status.resources vs spec.limits", e);
        }
    }
}

fn node_group_result(cm: &Object, g: &GroupStatus, out: &mut Out) {
    let subject = Subject::cluster_scoped("NodeGroup", &g.name);
    let size = g.target.or(g.registered);
    let mut problems = Vec::new();
    if let (Some(size), Some(max)) = (size, g.max)
        && group_at_max(size, max)
    {
        problems.push(format!(
            "at its maximum size ({size} of maxSize {max}): pending pods cannot get new nodes"
        ));
    }
    if g.health.as_deref() == Some("Unhealthy") {
        problems.push("health is Unhealthy".into());
    }
    if g.scale_up.as_deref() == Some("Backoff") {
        let why = g
            .backoff
            .as_deref()
            .map(|b| format!(" ({b})"))
            .unwrap_or_default();
        problems.push(format!("scale-up is in Backoff{why}"));
    }
    let r = if problems.is_empty() {
        out.pass(
            subject,
            format!(
                "{} of maxSize {}, health {}, scale-up {}",
                size.map_or("?".into(), |s| s.to_string()),
                g.max.map_or("?".into(), |s| s.to_string()),
                g.health.as_deref().unwrap_or("?"),
                g.scale_up.as_deref().unwrap_or("?")
            ),
        )
    } else {
        out.fail(subject, format!("node group {}", problems.join("; ")))
    };
    r.evidence("configmap", format!("{}/{}", cm.namespace(), cm.name()));
    if let Some(t) = g.target {
        r.evidence("cloudProviderTarget", t);
    }
    if let Some(t) = g.registered {
        r.evidence("registered", t);
    }
    if let Some(m) = g.min {
        r.evidence("minSize", m);
    }
    if let Some(m) = g.max {
        r.evidence("maxSize", m);
    }
    if let Some(h) = &g.health {
        r.evidence("health", h);
    }
    if let Some(s) = &g.scale_up {
        r.evidence("scaleUp", s);
    }
}

// ───────────────────────────── scale-down-delay ─────────────────────────────

pub static SCALE_DOWN_DELAY: Check = Check {
    id: "autoscaling/scale-down-delay",
    title: "Scale-down delay after scale-up is sensible",
    category: Category::Autoscaling,
    severity: Severity::Info,
    seeds: &["003"],
    rationale: "A very short --scale-down-delay-after-add makes the cluster thrash (nodes added \
                and removed within minutes); a very long one pays for unneeded nodes. The 10 \
                minute default works for most workloads.",
    fix: None,
    enabled_by_default: true,
    scope: Scope::Cluster {
        run: scale_down_delay,
    },
    reads: &["Deployment", "ConfigMap"],
};

fn scale_down_delay(ctx: &Ctx, out: &mut Out) {
    let t = &ctx.config.thresholds;
    let (min, max) = (
        t.scale_down_delay_min_secs as f64,
        t.scale_down_delay_max_secs as f64,
    );
    let deployments = autoscaler_deployments(ctx.store);
    if deployments.is_empty() {
        // A managed autoscaler (GKE, AKS) reports its status but not its flags.
        if let Some(cm) = status_configmaps(ctx.store).next() {
            out.unknown(
                Subject::of(cm),
                "the autoscaler runs outside the cluster (managed): its \
                 --scale-down-delay-after-add is set in the provider's autoscaler profile, not \
                 visible here",
            );
        }
        return;
    }
    for (o, d) in deployments {
        let flags = CaFlags::of(d);
        let subject = Subject::of(o);
        if flags.bool("scale-down-enabled") == Some(false) {
            out.fail(
                subject,
                "scale-down is disabled (--scale-down-enabled=false): nodes added for a spike \
                 are never removed",
            )
            .evidence("--scale-down-enabled", "false");
            continue;
        }
        let (secs, raw, default) = match flags.last("scale-down-delay-after-add") {
            None => (Some(DEFAULT_SCALE_DOWN_DELAY_SECS), "10m", true),
            Some(v) => (parse_go_duration(v), v, false),
        };
        let Some(secs) = secs else {
            out.unknown(
                subject,
                format!("--scale-down-delay-after-add={raw} is not a Go duration"),
            )
            .evidence("--scale-down-delay-after-add", raw);
            continue;
        };
        let shown = if default {
            "10m (the default; the flag is not set)".to_string()
        } else {
            format!("{raw} ({})", format_secs(secs))
        };
        let r = if secs < min {
            out.fail(
                subject,
                format!(
                    "--scale-down-delay-after-add={raw} is below {}: nodes may be removed right \
                     after a scale-up (thrashing)",
                    format_secs(min)
                ),
            )
        } else if secs > max {
            out.fail(
                subject,
                format!(
                    "--scale-down-delay-after-add={raw} is above {}: unneeded nodes stay paid \
                     for that long after every scale-up",
                    format_secs(max)
                ),
            )
        } else {
            out.pass(subject, format!("scale-down delay after add is {shown}"))
        };
        r.evidence("--scale-down-delay-after-add", shown);
    }
}

/// `5400` → `1h30m`, `90` → `1m30s`, `0.5` → `500ms`.
fn format_secs(secs: f64) -> String {
    if secs.abs() < 1.0 && secs != 0.0 {
        return format!("{}ms", (secs * 1000.0).round());
    }
    let neg = secs < 0.0;
    let total = secs.abs().round() as i64;
    let (h, m, s) = (total / 3600, total % 3600 / 60, total % 60);
    let mut out = String::new();
    if neg {
        out.push('-');
    }
    if h > 0 {
        out.push_str(&format!("{h}h"));
    }
    if m > 0 {
        out.push_str(&format!("{m}m"));
    }
    if s > 0 || (h == 0 && m == 0) {
        out.push_str(&format!("{s}s"));
    }
    out
}

// ───────────────────────────── hpa-present ─────────────────────────────

pub static HPA_PRESENT: Check = Check {
    id: "autoscaling/hpa-present",
    title: "Multi-replica stateless Deployments have an HPA",
    category: Category::Autoscaling,
    severity: Severity::Info,
    seeds: &["000", "003"],
    rationale: "A stateless service with a fixed replica count is either over-provisioned at \
                night or under-provisioned at peak; an HPA follows the load.",
    fix: Some(
        "create HPA (min = current replicas, max = 3 × min, CPU 70%) — requires cpu requests",
    ),
    enabled_by_default: true,
    scope: Scope::Object {
        kinds: &["Deployment"],
        run: hpa_present,
    },
    reads: &["HorizontalPodAutoscaler"],
};

fn hpa_present(ctx: &Ctx, obj: &ObjRef, out: &mut Out) {
    let Some(w) = Workload::of(obj) else { return };
    let replicas = w.replicas.unwrap_or(1);
    if replicas < 2 {
        return; // not a multi-replica service (workload/replicas covers it)
    }
    let hpas: Vec<&str> = ctx
        .store
        .hpas_targeting(obj)
        .map(|(h, _)| h.name())
        .collect();
    let subject = Subject::of(obj);
    if hpas.is_empty() {
        out.fail(
            subject,
            format!("runs a fixed {replicas} replicas and no HorizontalPodAutoscaler targets it"),
        )
        .evidence("spec.replicas", replicas);
    } else {
        out.pass(subject, format!("scaled by HPA {}", hpas.join(", ")))
            .evidence("hpa", hpas.join(", "));
    }
}

// ───────────────────────────── hpa-at-max ─────────────────────────────

pub static HPA_AT_MAX: Check = Check {
    id: "autoscaling/hpa-at-max",
    title: "HPAs can still scale",
    category: Category::Autoscaling,
    severity: Severity::Error,
    seeds: &["003"],
    rationale: "An HPA at maxReplicas cannot absorb more load, and one whose ScalingActive or \
                AbleToScale condition is False does not scale at all (missing metrics, missing \
                requests, broken target).",
    fix: Some("raise maxReplicas (edited)"),
    enabled_by_default: true,
    scope: Scope::Object {
        kinds: &["HorizontalPodAutoscaler"],
        run: hpa_at_max,
    },
    reads: &[],
};

fn hpa_at_max(_ctx: &Ctx, obj: &ObjRef, out: &mut Out) {
    let Some(h) = obj.typed::<HorizontalPodAutoscaler>() else {
        return;
    };
    let subject = Subject::of(obj);
    let max = h.spec.max_replicas;
    let Some(status) = &h.status else {
        out.unknown(subject, "the HPA has no status yet (not reconciled)");
        return;
    };
    let conditions = status.conditions.as_deref().unwrap_or(&[]);
    let broken: Vec<_> = conditions.iter().filter(|c| hpa_cannot_act(c)).collect();
    let (benign, broken): (Vec<_>, Vec<_>) =
        broken.into_iter().partition(|c| hpa_held_on_purpose(c));
    if let Some(c) = broken.first() {
        let r = out.fail(
            subject,
            format!(
                "{} is False ({}): {}",
                c.type_,
                c.reason.as_deref().unwrap_or("no reason"),
                c.message.as_deref().unwrap_or("no message")
            ),
        );
        for c in &broken {
            r.evidence(
                &format!("status.conditions[{}]", c.type_),
                format!("False ({})", c.reason.as_deref().unwrap_or("")),
            );
        }
        return;
    }
    let Some(current) = status.current_replicas else {
        out.unknown(subject, "the HPA status has no currentReplicas yet");
        return;
    };
    if at_max_replicas(current, max) {
        out.fail(
            subject,
            format!("running at maxReplicas ({current} of {max}): it cannot scale further"),
        )
        .evidence("status.currentReplicas", current)
        .evidence("spec.maxReplicas", max);
    } else if let Some(c) = benign.first() {
        let why = if c.reason.as_deref() == Some("ScalingDisabled") {
            "scaling is disabled because the target is scaled to zero"
        } else {
            "in the cooldown window after a recent scale"
        };
        out.pass(
            subject,
            format!(
                "{why} ({}: {}); {current} of max {max} replicas",
                c.reason.as_deref().unwrap_or(""),
                c.message.as_deref().unwrap_or("")
            ),
        )
        .evidence("status.currentReplicas", current)
        .evidence("spec.maxReplicas", max);
    } else {
        out.pass(subject, format!("{current} of max {max} replicas"))
            .evidence("status.currentReplicas", current)
            .evidence("spec.maxReplicas", max);
    }
}

// ───────────────────────────── hpa-min-availability ─────────────────────────────

pub static HPA_MIN_AVAILABILITY: Check = Check {
    id: "autoscaling/hpa-min-availability",
    title: "HPAs keep at least 2 replicas and have room to grow",
    category: Category::Autoscaling,
    severity: Severity::Warning,
    seeds: &["003"],
    rationale: "minReplicas 1 lets the HPA scale a service down to a single point of failure \
                at night; maxReplicas ≤ minReplicas leaves it nothing to scale.",
    fix: Some("patch HPA"),
    enabled_by_default: true,
    scope: Scope::Object {
        kinds: &["HorizontalPodAutoscaler"],
        run: hpa_min_availability,
    },
    reads: &[],
};

fn hpa_min_availability(ctx: &Ctx, obj: &ObjRef, out: &mut Out) {
    let Some(h) = obj.typed::<HorizontalPodAutoscaler>() else {
        return;
    };
    let min = h.spec.min_replicas.unwrap_or(1);
    let max = h.spec.max_replicas;
    let want = ctx.config.thresholds.min_replicas;
    let subject = Subject::of(obj);
    let mut problems = Vec::new();
    if min < want {
        problems.push(format!(
            "minReplicas {min} is below {want}: off-peak the service runs without redundancy"
        ));
    }
    if max <= min {
        problems.push(format!(
            "maxReplicas {max} ≤ minReplicas {min}: the HPA has no room to scale"
        ));
    }
    let r = if problems.is_empty() {
        out.pass(subject, format!("scales between {min} and {max} replicas"))
    } else {
        out.fail(subject, problems.join("; "))
    };
    r.evidence(
        "spec.minReplicas",
        h.spec
            .min_replicas
            .map_or("1 (default)".into(), |m| m.to_string()),
    )
    .evidence("spec.maxReplicas", max);
}

// ───────────────────────────── hpa-target-has-requests ─────────────────────────────

pub static HPA_TARGET_HAS_REQUESTS: Check = Check {
    id: "autoscaling/hpa-target-has-requests",
    title: "HPA utilisation metrics have requests to measure against",
    category: Category::Autoscaling,
    severity: Severity::Error,
    seeds: &["003"],
    rationale: "Utilisation is usage divided by request: when a container has no request for \
                the resource, the HPA cannot compute it and does not scale (FailedGetResourceMetric).",
    fix: Some("patch requests"),
    enabled_by_default: true,
    scope: Scope::Object {
        kinds: &["HorizontalPodAutoscaler"],
        run: hpa_target_has_requests,
    },
    reads: &[
        "Deployment",
        "StatefulSet",
        "ReplicaSet",
        "LimitRange",
        "Rollout",
    ],
};

fn hpa_target_has_requests(ctx: &Ctx, obj: &ObjRef, out: &mut Out) {
    let Some(h) = obj.typed::<HorizontalPodAutoscaler>() else {
        return;
    };
    let subject = Subject::of(obj);
    // (resource, container or None for all containers)
    let mut wanted: Vec<(String, Option<String>)> = Vec::new();
    match h.spec.metrics.as_deref() {
        // No metrics: the API defaults to 80% average CPU utilisation.
        None | Some([]) => wanted.push(("cpu".into(), None)),
        Some(metrics) => {
            for m in metrics {
                if let Some(r) = &m.resource
                    && m.type_ == "Resource"
                    && r.target.type_ == "Utilization"
                {
                    wanted.push((r.name.clone(), None));
                }
                if let Some(r) = &m.container_resource
                    && m.type_ == "ContainerResource"
                    && r.target.type_ == "Utilization"
                {
                    wanted.push((r.name.clone(), Some(r.container.clone())));
                }
            }
        }
    }
    if wanted.is_empty() {
        out.pass(
            subject,
            "scales on no utilisation metric (values and external metrics need no requests)",
        );
        return;
    }
    let target_ref = &h.spec.scale_target_ref;
    let Some(target) = ctx
        .store
        .get_named(&target_ref.kind, obj.namespace(), &target_ref.name)
    else {
        out.unknown(
            subject,
            format!(
                "scale target {} {} is not in the captured state",
                target_ref.kind, target_ref.name
            ),
        );
        return;
    };
    let Some(spec) = template_spec(target) else {
        out.unknown(
            subject,
            format!(
                "scale target {} {} has no pod template to read requests from",
                target_ref.kind, target_ref.name
            ),
        );
        return;
    };
    // Pod-level requests (PodLevelResources) replace the per-container sum
    // for Resource metrics.
    let pod_requests = spec
        .resources
        .as_ref()
        .and_then(|r| r.requests.as_ref())
        .cloned()
        .unwrap_or_default();
    let containers: Vec<&Container> = spec
        .containers
        .iter()
        .chain(
            spec.init_containers
                .iter()
                .flatten()
                .filter(|c| c.restart_policy.as_deref() == Some("Always")),
        )
        .collect();
    let mut missing: Vec<String> = Vec::new();
    let mut sources: Vec<String> = Vec::new();
    for (res, only) in &wanted {
        if only.is_none() && pod_requests.contains_key(res) {
            sources.push(format!("{res}: pod-level request"));
            continue;
        }
        let lr_default = limitrange_defaults_request(ctx.store, obj.namespace(), res);
        let selected: Vec<&&Container> = containers
            .iter()
            .filter(|c| only.as_ref().is_none_or(|n| *n == c.name))
            .collect();
        if let (Some(name), true) = (only, selected.is_empty()) {
            missing.push(format!("{res}: container {name} not found in the target"));
            continue;
        }
        for c in selected {
            match request_source(c, res, lr_default) {
                Some(src) => sources.push(format!("{res} [{}]: {src}", c.name)),
                None => missing.push(format!("{res} request missing in container {}", c.name)),
            }
        }
    }
    let target_name = format!("{} {}", target_ref.kind, target_ref.name);
    if missing.is_empty() {
        let r = out.pass(
            subject,
            format!("every container the utilisation metrics read has a request ({target_name})"),
        );
        for s in sources {
            r.evidence("request", s);
        }
    } else {
        let r = out.fail(
            subject,
            format!(
                "scales on utilisation but {target_name} has no request to measure it against: {}",
                missing.join("; ")
            ),
        );
        for m in missing {
            r.evidence("missing", m);
        }
    }
}

/// Where a container's request for `resource` comes from, when it gets one:
/// its own requests, its limit (the API copies a limit to a missing
/// request), or a LimitRange default.
fn request_source(c: &Container, resource: &str, limitrange_default: bool) -> Option<&'static str> {
    let r = c.resources.as_ref();
    if r.and_then(|r| r.requests.as_ref())
        .is_some_and(|m| m.contains_key(resource))
    {
        Some("resources.requests")
    } else if r
        .and_then(|r| r.limits.as_ref())
        .is_some_and(|m| m.contains_key(resource))
    {
        Some("resources.limits (the request defaults to the limit)")
    } else if limitrange_default {
        Some("LimitRange default request")
    } else {
        None
    }
}

/// Whether a Container LimitRange in `ns` gives containers a default request
/// for `resource` (defaultRequest, or default/max/min, which the API defaults
/// defaultRequest from).
fn limitrange_defaults_request(store: &ClusterStore, ns: &str, resource: &str) -> bool {
    store.typed_in::<LimitRange>(ns).any(|(_, lr)| {
        lr.spec.as_ref().is_some_and(|s| {
            s.limits.iter().any(|item| {
                item.type_ == "Container"
                    && [&item.default_request, &item.default, &item.max, &item.min]
                        .into_iter()
                        .any(|m| m.as_ref().is_some_and(|m| m.contains_key(resource)))
            })
        })
    })
}

/// The pod template of a workload, typed or custom (`spec.template.spec`).
fn template_spec(obj: &Object) -> Option<Cow<'_, PodSpec>> {
    if let Some(w) = Workload::of(obj) {
        return Some(Cow::Borrowed(w.spec));
    }
    let spec = obj.pointer("/spec/template/spec")?;
    serde_json::from_value::<PodSpec>(spec.clone())
        .ok()
        .map(Cow::Owned)
}

// ───────────────────────────── hpa-owns-replicas ─────────────────────────────

pub static HPA_OWNS_REPLICAS: Check = Check {
    id: "autoscaling/hpa-owns-replicas",
    title: "Manifests leave spec.replicas to the HPA",
    category: Category::Autoscaling,
    severity: Severity::Info,
    seeds: &["004"],
    rationale: "When the applied manifest of an HPA-scaled workload sets spec.replicas, every \
                apply or GitOps sync resets the replica count and fights the HPA: a deploy at \
                peak drops the service to the manifest's count.",
    fix: None,
    enabled_by_default: true,
    scope: Scope::Object {
        kinds: &["Deployment", "StatefulSet"],
        run: hpa_owns_replicas,
    },
    reads: &["HorizontalPodAutoscaler"],
};

fn hpa_owns_replicas(ctx: &Ctx, obj: &ObjRef, out: &mut Out) {
    let hpas: Vec<&str> = ctx
        .store
        .hpas_targeting(obj)
        .map(|(h, _)| h.name())
        .collect();
    if hpas.is_empty() {
        return;
    }
    let subject = Subject::of(obj);
    let hpa_list = hpas.join(", ");
    if let Some(text) = obj.annotations().get(LAST_APPLIED) {
        let Ok(manifest) = serde_json::from_str::<Value>(text) else {
            out.unknown(subject, format!("{LAST_APPLIED} is not valid JSON"));
            return;
        };
        match manifest.pointer("/spec/replicas") {
            Some(r) if !r.is_null() => {
                out.fail(
                    subject,
                    format!(
                        "the last applied manifest sets spec.replicas={r} while HPA {hpa_list} \
                         scales it: every kubectl apply resets the replica count"
                    ),
                )
                .evidence("last-applied spec.replicas", r)
                .evidence("hpa", &hpa_list);
            }
            _ => {
                out.pass(
                    subject,
                    format!("the last applied manifest leaves spec.replicas to HPA {hpa_list}"),
                )
                .evidence("hpa", &hpa_list);
            }
        }
        return;
    }
    let manager = gitops_manager(obj);
    let reason = match manager {
        Some(m) => format!(
            "managed by {m}: its source manifest is not visible here; check that it omits \
             spec.replicas (HPA {hpa_list} scales this workload)"
        ),
        None => format!(
            "no last-applied or GitOps manifest is visible (created with kubectl create, \
             server-side apply or an operator); cannot tell whether it sets spec.replicas \
             (HPA {hpa_list} scales this workload)"
        ),
    };
    let r = out.unknown(subject, reason);
    if let Some(m) = manager {
        r.evidence("managed-by", m);
    }
}

/// Which GitOps tool or package manager applies the object, from its markers.
fn gitops_manager(obj: &Object) -> Option<&'static str> {
    let l = obj.labels();
    let a = obj.annotations();
    if l.contains_key("argocd.argoproj.io/instance")
        || a.contains_key("argocd.argoproj.io/tracking-id")
    {
        Some("Argo CD")
    } else if l.contains_key("kustomize.toolkit.fluxcd.io/name") {
        Some("Flux (Kustomization)")
    } else if l.contains_key("helm.toolkit.fluxcd.io/name") {
        Some("Flux (HelmRelease)")
    } else if l.get("app.kubernetes.io/managed-by").map(String::as_str) == Some("Helm")
        || a.contains_key("meta.helm.sh/release-name")
    {
        Some("Helm")
    } else {
        None
    }
}

// ───────────────────────────── vpa-recommendations ─────────────────────────────

pub static VPA_RECOMMENDATIONS: Check = Check {
    id: "autoscaling/vpa-recommendations",
    title: "Requests follow VPA recommendations",
    category: Category::Autoscaling,
    severity: Severity::Info,
    seeds: &["000", "003"],
    rationale: "Requests far above actual use waste capacity; far below it invite contention \
                and OOM kills. The VPA recommender measures the real need.",
    fix: Some("apply recommendation to requests"),
    enabled_by_default: true,
    scope: Scope::Object {
        kinds: &["VerticalPodAutoscaler"],
        run: vpa_recommendations,
    },
    reads: &[
        "Deployment",
        "StatefulSet",
        "DaemonSet",
        "ReplicaSet",
        "CronJob",
        "Job",
        "Pod",
    ],
};

fn vpa_recommendations(ctx: &Ctx, obj: &ObjRef, out: &mut Out) {
    if api_group(obj) != "autoscaling.k8s.io" {
        return;
    }
    let factor = ctx.config.thresholds.vpa_factor;
    let kind = obj
        .pointer("/spec/targetRef/kind")
        .and_then(Value::as_str)
        .unwrap_or("");
    let name = obj
        .pointer("/spec/targetRef/name")
        .and_then(Value::as_str)
        .unwrap_or("");
    let Some(target) = ctx.store.get_named(kind, obj.namespace(), name) else {
        out.unknown(
            Subject::of(obj),
            format!("VPA target {kind} {name} is not in the captured state"),
        );
        return;
    };
    let recs = obj
        .pointer("/status/recommendation/containerRecommendations")
        .and_then(Value::as_array)
        .filter(|r| !r.is_empty());
    let Some(recs) = recs else {
        out.unknown(
            Subject::of(obj),
            "the VPA has no recommendation yet (the recommender has not collected enough usage)",
        );
        return;
    };
    let Some(spec) = template_spec(target) else {
        out.unknown(
            Subject::of(obj),
            format!("VPA target {kind} {name} has no pod template"),
        );
        return;
    };
    let mode = obj
        .pointer("/spec/updatePolicy/updateMode")
        .and_then(Value::as_str)
        .unwrap_or("Auto");
    // In every mode but Off the admission controller writes the
    // recommendation into new pods, so the running pods are what to compare.
    let pods: Vec<&ObjRef> = if mode == "Off" {
        Vec::new()
    } else {
        ctx.store.pods_of(target)
    };
    for rec in recs {
        let Some(cname) = rec.get("containerName").and_then(Value::as_str) else {
            continue;
        };
        let Some(policy) = container_policy(obj, cname) else {
            continue; // mode: Off for this container
        };
        let subject = Subject::container(obj, cname);
        let Some(template_container) = spec.containers.iter().find(|c| c.name == cname) else {
            continue; // a stale recommendation for a container that is gone
        };
        // (where, container) pairs to compare.
        let mut compared: Vec<(String, &dyn ContainerResources)> = Vec::new();
        if mode == "Off" {
            compared.push((format!("{kind} {name} template"), template_container));
        } else {
            for p in &pods {
                if let Some(c) = p
                    .typed::<Pod>()
                    .and_then(|p| p.spec.as_ref())
                    .and_then(|s| s.containers.iter().find(|c| c.name == cname))
                {
                    compared.push((format!("pod {}", p.name()), c));
                }
            }
            if compared.is_empty() {
                out.unknown(
                    subject,
                    format!(
                        "updateMode {mode}: the VPA sets requests on pods at admission, and no \
                         running pod of {kind} {name} is visible to compare"
                    ),
                );
                continue;
            }
        }
        let mut worst: Option<(f64, String)> = None;
        let mut evidence: Vec<(String, String)> = Vec::new();
        for res in &policy {
            let Some(target_q) = rec.pointer(&format!("/target/{res}")) else {
                continue;
            };
            let Some(want) = quantity_value(target_q).filter(|v| *v > 0.0) else {
                continue;
            };
            let want_s = quantity::format(res, want);
            evidence.push((format!("recommendation.target.{res}"), want_s.clone()));
            for (where_, c) in &compared {
                let req = c.requested(res).and_then(quantity::of);
                let (score, msg) = match req {
                    None => (
                        f64::INFINITY,
                        format!("{where_} has no {res} request; the VPA recommends {want_s}"),
                    ),
                    Some(have) => {
                        let ratio = have / want;
                        let far = ratio.max(1.0 / ratio.max(f64::MIN_POSITIVE));
                        let dir = if ratio >= 1.0 { "above" } else { "below" };
                        (
                            far,
                            format!(
                                "{where_} requests {res} {} — {:.1}× {dir} the VPA recommendation {want_s}",
                                quantity::format(res, have),
                                far
                            ),
                        )
                    }
                };
                if worst.as_ref().is_none_or(|w| score > w.0) {
                    worst = Some((score, msg));
                }
            }
        }
        let Some((score, msg)) = worst else {
            continue;
        };
        let r = if score > factor {
            out.fail(subject, msg)
        } else {
            out.pass(
                subject,
                format!("requests are within {factor}× of the VPA recommendation ({msg})"),
            )
        };
        r.evidence("updateMode", mode);
        for (k, v) in evidence {
            r.evidence(&k, v);
        }
    }
}

/// The resources the VPA controls for a container (`None` when its policy
/// mode is Off): the most specific containerPolicy, `*` as the fallback,
/// cpu and memory by default.
fn container_policy(vpa: &Object, container: &str) -> Option<Vec<String>> {
    let policies = vpa
        .pointer("/spec/resourcePolicy/containerPolicies")
        .and_then(Value::as_array);
    let find = |n: &str| {
        policies?
            .iter()
            .find(|p| p.get("containerName").and_then(Value::as_str) == Some(n))
    };
    let policy = find(container).or_else(|| find("*"));
    if policy.and_then(|p| p.get("mode")).and_then(Value::as_str) == Some("Off") {
        return None;
    }
    let controlled = policy
        .and_then(|p| p.get("controlledResources"))
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect()
        });
    Some(controlled.unwrap_or_else(|| vec!["cpu".into(), "memory".into()]))
}

// ───────────────────────────── shared helpers ─────────────────────────────

/// A container running cluster-autoscaler: named so, or running its image.
fn is_autoscaler_container(c: &Container) -> bool {
    c.name == "cluster-autoscaler"
        || c.image.as_deref().is_some_and(|i| {
            ImageRef::parse(i)
                .repository
                .rsplit('/')
                .next()
                .is_some_and(|last| last.ends_with("cluster-autoscaler"))
        })
}

/// cluster-autoscaler Deployments, in any namespace: named
/// `cluster-autoscaler`, or running the cluster-autoscaler image (Helm
/// releases name it `<release>-<cloud>-cluster-autoscaler`).
fn autoscaler_deployments(store: &ClusterStore) -> Vec<(&ObjRef, &Deployment)> {
    store
        .typed::<Deployment>()
        .filter(|(o, d)| {
            o.name() == "cluster-autoscaler"
                || d.spec
                    .template
                    .spec
                    .as_ref()
                    .is_some_and(|s| s.containers.iter().any(is_autoscaler_container))
        })
        .collect()
}

/// The command line of a cluster-autoscaler Deployment, read from the
/// autoscaler container's command and args (shell-wrapped command lines
/// alike, with quotes around a word dropped).
struct CaFlags<'a>(Vec<&'a str>);

impl<'a> CaFlags<'a> {
    fn of(d: &'a Deployment) -> CaFlags<'a> {
        let Some(spec) = d.spec.template.spec.as_ref() else {
            return CaFlags(Vec::new());
        };
        let mut containers: Vec<&Container> = spec
            .containers
            .iter()
            .filter(|c| is_autoscaler_container(c))
            .collect();
        if containers.is_empty() {
            containers = spec.containers.iter().collect();
        }
        let words: Vec<&str> = containers
            .into_iter()
            .flat_map(command_words)
            .map(|t| t.trim_matches(|c| c == '"' || c == '\''))
            .collect();
        CaFlags(words)
    }

    /// Every value given for a (non-boolean) flag, in order.
    fn all(&self, name: &str) -> Vec<&'a str> {
        flag_values(&self.0, name, false)
    }

    /// The value that takes effect (the last one, as Go's flag package does).
    fn last(&self, name: &str) -> Option<&'a str> {
        flag_value(&self.0, name, false)
    }

    /// A boolean flag's value, `None` when absent or not a Go boolean.
    fn bool(&self, name: &str) -> Option<bool> {
        flag_value(&self.0, name, true).and_then(parse_go_bool)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secs_for_messages() {
        assert_eq!(format_secs(5400.0), "1h30m");
        assert_eq!(format_secs(90.0), "1m30s");
        assert_eq!(format_secs(0.0), "0s");
    }

    #[test]
    fn flags_both_forms() {
        let f = CaFlags(vec![
            "./cluster-autoscaler",
            "--nodes=1:5:ng-1",
            "--nodes",
            "2:4:ng-2",
            "--balance-similar-node-groups",
            "--v=4",
        ]);
        assert_eq!(f.all("nodes"), vec!["1:5:ng-1", "2:4:ng-2"]);
        assert_eq!(f.bool("balance-similar-node-groups"), Some(true));
        assert_eq!(f.last("v"), Some("4"));
        assert_eq!(parse_nodes_flag("1:5:ng-1"), Some((1, 5, "ng-1")));
        assert_eq!(parse_nodes_flag("5:1:ng"), None);
        assert_eq!(parse_nodes_flag("1:x:ng"), None);
        assert_eq!(parse_nodes_flag("0:0:ng"), None);
    }
}
