//! control-plane — control-plane sizing and placement, etcd, leader election,
//! version support and node health.
//!
//! Control-plane components are read from their static (mirror) pods in
//! `kube-system` (label `component: kube-apiserver|etcd|…`, flags in the
//! container's command/args). On a managed control plane (EKS, GKE, AKS) those
//! pods and nodes are hidden, so the checks that need them say `unknown`.

use std::collections::{BTreeMap, BTreeSet};

use k8s_openapi::api::apps::v1::Deployment;
use k8s_openapi::api::core::v1::{Container, Event, Node};
use k8s_openapi::jiff::Timestamp;

use super::text::name_list;
use super::{Category, Check, Ctx, Out, Scope, Severity, Subject};
use crate::model::command::{command_words, env_value, flag_value, parse_go_bool};
use crate::model::image::ImageRef;
use crate::model::pod::Pod;
use crate::model::{ObjRef, Object};
use crate::view::duration::human_duration;
use crate::view::topology::{
    CONTROL_PLANE_LABEL, MASTER_LABEL, POOL_LABELS, ZONE_LABEL, component_container,
    is_control_plane_node, managed_pool_label, static_pods, zone_of,
};

pub const CHECKS: &[&Check] = &[
    &NODE_COUNT,
    &ZONE_SPREAD,
    &ETCD_DEDICATED,
    &ETCD_TIMEOUTS,
    &LEADER_ELECTION,
    &VERSION_SUPPORT,
    &NODE_NOT_READY,
];

/// The newest Kubernetes minor release kready knows (k8s-openapi 0.29
/// supports up to 1.37). control-plane/version-support measures against it.
pub const NEWEST_KNOWN_MINOR: u32 = 37;

const UNSCHEDULABLE_TAINT: &str = "node.kubernetes.io/unschedulable";
use crate::model::pod::annotation::MIRROR as MIRROR_ANNOTATION;

// ---------------------------------------------------------------------------
// Shared helpers

/// `managed control plane (<provider>)` when the snapshot says the control
/// plane is managed.
pub(super) fn managed_reason(ctx: &Ctx) -> Option<String> {
    ctx.store
        .info
        .managed
        .as_ref()
        .map(|m| format!("managed control plane ({m})"))
}

/// A node label that only managed node pools carry, as a message: used when
/// no control-plane component is visible.
fn managed_hint(ctx: &Ctx) -> Option<String> {
    managed_pool_label(ctx.store).map(|(l, p)| {
        format!("nodes carry `{l}`: the control plane looks managed by {p} and is not visible")
    })
}

/// Major and minor of a Kubernetes version string: `v1.33.2`,
/// `v1.33.2-eks-1234`, `v1.30.1+k3s1`, `v1.29.4-gke.100`, `1.31`, `v1.29+`.
/// `None` when it is not a `1.x` version.
fn parse_minor(version: &str) -> Option<u32> {
    let v = version.trim();
    let v = v.strip_prefix(['v', 'V']).unwrap_or(v);
    let mut parts = v.splitn(3, '.');
    let major: u32 = parts.next()?.parse().ok()?;
    let minor_part = parts.next()?;
    let digits_end = minor_part
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(minor_part.len());
    let (digits, rest) = minor_part.split_at(digits_end);
    if digits.is_empty() || !(rest.is_empty() || rest.starts_with(['-', '+'])) {
        return None;
    }
    if let Some(patch) = parts.next() {
        // A patch must start with a digit (`2`, `2-eks-1`, `1+k3s1`).
        if !patch.starts_with(|c: char| c.is_ascii_digit()) {
            return None;
        }
    }
    (major == 1).then(|| digits.parse().ok()).flatten()
}

// ---------------------------------------------------------------------------
// control-plane/node-count

pub static NODE_COUNT: Check = Check {
    id: "control-plane/node-count",
    title: "An odd number (≥ 3) of control-plane nodes",
    category: Category::ControlPlane,
    severity: Severity::Error,
    seeds: &["000"],
    rationale: "etcd needs a majority of members to accept writes: 3 nodes survive one failure, \
                5 survive two. One node is a single point of failure, and an even count adds \
                no fault tolerance over one node fewer.",
    fix: None,
    enabled_by_default: true,
    scope: Scope::Cluster { run: node_count },
    reads: &["Node", "Pod@kube-system"],
};

fn node_count(ctx: &Ctx, out: &mut Out) {
    let subject = Subject::cluster();
    if let Some(reason) = managed_reason(ctx) {
        out.unknown(
            subject,
            format!("{reason}: the provider runs the control-plane nodes, which are not visible"),
        );
        return;
    }
    let mut nodes: BTreeSet<String> = ctx
        .store
        .list("Node")
        .filter(|n| is_control_plane_node(n))
        .map(|n| n.name().to_string())
        .collect();
    // A node that hosts a kube-apiserver static pod is a control-plane node
    // even when its role label is missing.
    nodes.extend(
        static_pods(ctx.store, "kube-apiserver")
            .into_iter()
            .filter_map(|(_, p)| p.spec.as_ref()?.node_name.clone()),
    );
    let n = nodes.len();
    let names: Vec<&String> = nodes.iter().collect();
    if n == 0 {
        let reason = if let Some(hint) = managed_hint(ctx) {
            hint
        } else if !ctx.store.has_kind("Node") {
            "no Node objects in the snapshot".to_string()
        } else {
            format!(
                "no node carries `{CONTROL_PLANE_LABEL}` (or `{MASTER_LABEL}`) and no \
                 kube-apiserver pod is visible: the control plane is hosted outside the \
                 cluster or its nodes are unlabelled"
            )
        };
        out.unknown(subject, reason);
        return;
    }
    let list = name_list(&names, 7);
    if n < 3 {
        let what = if n == 1 {
            "a single control-plane node: losing it takes the API server and etcd down".to_string()
        } else {
            format!(
                "{n} control-plane nodes: etcd needs both for quorum, so losing either stops \
                 writes (no better than 1)"
            )
        };
        out.fail(subject, format!("{what}; run 3 or 5"))
            .evidence("control-plane nodes", n)
            .evidence("nodes", list);
    } else if n.is_multiple_of(2) {
        out.fail(
            subject,
            format!(
                "{n} control-plane nodes (even): tolerates {} failure(s), the same as {}; run an \
                 odd number",
                (n - 1) / 2,
                n - 1
            ),
        )
        .evidence("control-plane nodes", n)
        .evidence("nodes", list);
    } else {
        out.pass(
            subject,
            format!(
                "{n} control-plane nodes: tolerates {} failure(s)",
                (n - 1) / 2
            ),
        )
        .evidence("control-plane nodes", n)
        .evidence("nodes", list);
    }
}

// ---------------------------------------------------------------------------
// control-plane/zone-spread

pub static ZONE_SPREAD: Check = Check {
    id: "control-plane/zone-spread",
    title: "Control-plane nodes and each node pool span several zones",
    category: Category::ControlPlane,
    severity: Severity::Warning,
    seeds: &["000", "003"],
    rationale: "Nodes in one availability zone go down together: a zone outage then takes the \
                control plane, or every node of a pool, with it.",
    fix: None,
    enabled_by_default: true,
    scope: Scope::Cluster { run: zone_spread },
    reads: &["Node"],
};

fn zone_spread(ctx: &Ctx, out: &mut Out) {
    let min = ctx.config.thresholds.min_zones;
    let cp_subject = Subject::cluster_scoped("ControlPlane", "control-plane");
    let all: Vec<&ObjRef> = ctx.store.list("Node").collect();
    if all.is_empty() {
        out.unknown(cp_subject, "no Node objects in the snapshot");
        return;
    }
    let (cp, workers): (Vec<&ObjRef>, Vec<&ObjRef>) =
        all.into_iter().partition(|n| is_control_plane_node(n));

    if let Some(reason) = managed_reason(ctx) {
        out.unknown(
            cp_subject,
            format!("{reason}: the provider places the control plane, which is not visible"),
        );
    } else if cp.is_empty() {
        let reason = managed_hint(ctx).unwrap_or_else(|| {
            format!("no node carries `{CONTROL_PLANE_LABEL}` (or `{MASTER_LABEL}`)")
        });
        out.unknown(cp_subject, reason);
    } else {
        judge_zones(out, cp_subject, "control-plane nodes", &cp, min);
    }

    // Worker pools, keyed by (pool label, value); nodes without a pool
    // label form one "workers" pool.
    let mut pools: BTreeMap<(Option<&str>, &str), Vec<&ObjRef>> = BTreeMap::new();
    for n in workers {
        let key = POOL_LABELS
            .iter()
            .find_map(|l| n.label(l).filter(|v| !v.is_empty()).map(|v| (Some(*l), v)))
            .unwrap_or((None, "workers"));
        pools.entry(key).or_default().push(n);
    }
    let mut name_uses: BTreeMap<&str, usize> = BTreeMap::new();
    for (_, v) in pools.keys() {
        *name_uses.entry(v).or_default() += 1;
    }
    for ((label, value), nodes) in &pools {
        let name = if name_uses[value] > 1 {
            format!("{}={value}", label.unwrap_or("(no pool label)"))
        } else {
            value.to_string()
        };
        let what = match label {
            Some(l) => format!("pool {value} ({l})"),
            None => "worker nodes without a pool label".to_string(),
        };
        judge_zones(
            out,
            Subject::cluster_scoped("NodePool", &name),
            &what,
            nodes,
            min,
        );
    }
}

fn judge_zones(out: &mut Out, subject: Subject, what: &str, nodes: &[&ObjRef], min: usize) {
    let mut zones: BTreeMap<&str, usize> = BTreeMap::new();
    let mut unlabelled: Vec<&str> = Vec::new();
    for n in nodes {
        match zone_of(n) {
            Some(z) => *zones.entry(z).or_default() += 1,
            None => unlabelled.push(n.name()),
        }
    }
    let zone_list = zones
        .iter()
        .map(|(z, c)| format!("{z}: {c}"))
        .collect::<Vec<_>>()
        .join(", ");
    let total = nodes.len();
    if zones.len() >= min {
        out.pass(
            subject,
            format!("{what}: {total} node(s) across {} zones", zones.len()),
        )
        .evidence("zones", zone_list);
    } else if !unlabelled.is_empty() {
        let known = if zones.is_empty() {
            "no node carries one".to_string()
        } else {
            format!("the labelled ones span {} zone(s)", zones.len())
        };
        let r = out.unknown(
            subject,
            format!(
                "{what}: {} of {total} node(s) carry no `{ZONE_LABEL}` label, so their zone is \
                 unknown ({known}; {min} required)",
                unlabelled.len(),
            ),
        );
        r.evidence("unlabelled nodes", name_list(&unlabelled, 5));
        if !zone_list.is_empty() {
            r.evidence("zones", zone_list);
        }
    } else {
        out.fail(
            subject,
            format!(
                "{what}: all {total} node(s) sit in {} zone(s) ({}), fewer than {min}: a zone \
                 outage takes them all down",
                zones.len(),
                zones.keys().copied().collect::<Vec<_>>().join(", ")
            ),
        )
        .evidence("zones", zone_list)
        .evidence(
            "nodes",
            name_list(&nodes.iter().map(|n| n.name()).collect::<Vec<_>>(), 5),
        );
    }
}

// ---------------------------------------------------------------------------
// control-plane/etcd-dedicated

pub static ETCD_DEDICATED: Check = Check {
    id: "control-plane/etcd-dedicated",
    title: "etcd runs on nodes without application workloads",
    category: Category::ControlPlane,
    severity: Severity::Info,
    seeds: &["000"],
    rationale: "etcd is sensitive to disk and CPU latency; application pods on its nodes \
                compete for them and can starve it into leader elections or downtime.",
    fix: None,
    enabled_by_default: true,
    scope: Scope::Cluster {
        run: etcd_dedicated,
    },
    reads: &["Pod", "Node"],
};

/// Why etcd cannot be inspected, when it cannot.
fn etcd_invisible(ctx: &Ctx) -> String {
    if let Some(hint) = managed_hint(ctx) {
        return hint;
    }
    let external = static_pods(ctx.store, "kube-apiserver")
        .into_iter()
        .find_map(|(_, p)| {
            let c = component_container(p, "kube-apiserver")?;
            flag_value(&command_words(c), "etcd-servers", false)
        });
    match external {
        Some(servers) => format!(
            "no etcd pod is visible in kube-system: etcd runs outside the cluster \
             (kube-apiserver --etcd-servers={servers})"
        ),
        None => "no etcd pod is visible in kube-system (external etcd, or the pods are not in \
                 the snapshot)"
            .to_string(),
    }
}

/// A pod that counts as an application workload next to etcd: outside the
/// system namespaces, not a static/mirror pod, not a DaemonSet pod (node
/// agents run on every node by design), and not finished.
fn is_application_pod(ctx: &Ctx, obj: &Object, pod: &Pod) -> bool {
    if ctx.is_system_namespace(obj.namespace())
        || obj.annotations().contains_key(MIRROR_ANNOTATION)
        || matches!(obj.controller(), Some(("DaemonSet" | "Node", _)))
    {
        return false;
    }
    !matches!(
        pod.status.as_ref().and_then(|s| s.phase.as_deref()),
        Some("Succeeded" | "Failed")
    )
}

fn etcd_dedicated(ctx: &Ctx, out: &mut Out) {
    if let Some(reason) = managed_reason(ctx) {
        out.unknown(
            Subject::cluster(),
            format!("{reason}: the provider runs etcd, which is not visible"),
        );
        return;
    }
    let etcd = static_pods(ctx.store, "etcd");
    if etcd.is_empty() {
        out.unknown(Subject::cluster(), etcd_invisible(ctx));
        return;
    }
    let mut etcd_nodes: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for (o, p) in &etcd {
        match p.spec.as_ref().and_then(|s| s.node_name.as_deref()) {
            Some(node) => etcd_nodes.entry(node).or_default().push(o.name()),
            None => {
                out.unknown(
                    Subject::of(o),
                    "the etcd pod has no spec.nodeName: its node is unknown",
                );
            }
        }
    }
    let mut sharing: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for &node in etcd_nodes.keys() {
        let mut pods: Vec<&ObjRef> = ctx
            .store
            .pods_on(node)
            .filter(|o| {
                o.typed::<Pod>()
                    .is_some_and(|p| is_application_pod(ctx, o, p))
            })
            .collect();
        if !pods.is_empty() {
            pods.sort_unstable_by(|a, b| a.key.cmp(&b.key));
            sharing.insert(
                node,
                pods.iter()
                    .map(|o| format!("{}/{}", o.namespace(), o.name()))
                    .collect(),
            );
        }
    }
    for (node, etcd_pods) in etcd_nodes {
        let subject = Subject::cluster_scoped("Node", node);
        match sharing.get(node) {
            Some(pods) => {
                out.fail(
                    subject,
                    format!(
                        "node {node} runs etcd ({}) and {} application pod(s): {}",
                        etcd_pods.join(", "),
                        pods.len(),
                        name_list(pods, 5)
                    ),
                )
                .evidence("etcd pods", etcd_pods.join(", "))
                .evidence("application pods", pods.len());
            }
            None => {
                out.pass(
                    subject,
                    format!(
                        "node {node} runs etcd ({}) with control-plane, system and DaemonSet \
                         pods only",
                        etcd_pods.join(", ")
                    ),
                );
            }
        }
    }
}

// ---------------------------------------------------------------------------
// control-plane/etcd-timeouts

pub static ETCD_TIMEOUTS: Check = Check {
    id: "control-plane/etcd-timeouts",
    title: "etcd election timeout and heartbeat interval are tuned",
    category: Category::ControlPlane,
    severity: Severity::Warning,
    seeds: &["000", "001"],
    rationale: "The heartbeat should match the round trip between members and the election \
                timeout be about ten times it: too close and a slow heartbeat triggers needless \
                elections, too far apart and a dead leader is noticed late.",
    fix: None,
    enabled_by_default: true,
    scope: Scope::Cluster { run: etcd_timeouts },
    reads: &["Pod@kube-system", "Node"],
};

/// etcd's defaults, in milliseconds.
const ETCD_DEFAULT_ELECTION_MS: u64 = 1000;
const ETCD_DEFAULT_HEARTBEAT_MS: u64 = 100;

enum Setting {
    Default(u64),
    Set(u64, &'static str),
    Bad(String),
}

/// An etcd setting from its flag, else its `ETCD_*` env var, else the default.
fn etcd_setting(words: &[&str], c: &Container, flag: &str, env: &str, default: u64) -> Setting {
    let (raw, source) = match flag_value(words, flag, false) {
        Some(v) => (v, "flag"),
        None => match env_value(c, env) {
            Some(v) => (v, "env"),
            None => return Setting::Default(default),
        },
    };
    match raw.trim().parse::<u64>() {
        Ok(v) => Setting::Set(v, source),
        Err(_) => Setting::Bad(format!("--{flag}={raw:?} is not a number of milliseconds")),
    }
}

fn etcd_timeouts(ctx: &Ctx, out: &mut Out) {
    if let Some(reason) = managed_reason(ctx) {
        out.unknown(
            Subject::cluster(),
            format!("{reason}: etcd flags are hidden by the provider"),
        );
        return;
    }
    let etcd = static_pods(ctx.store, "etcd");
    if etcd.is_empty() {
        out.unknown(Subject::cluster(), etcd_invisible(ctx));
        return;
    }
    let t = &ctx.config.thresholds;
    for (o, p) in etcd {
        let subject = Subject::of(o);
        let Some(c) = component_container(p, "etcd") else {
            out.unknown(subject, "the etcd pod has no containers");
            continue;
        };
        let words = command_words(c);
        if let Some(file) = flag_value(&words, "config-file", false) {
            out.unknown(
                subject,
                format!(
                    "etcd reads its settings from --config-file={file} (flags and env are then \
                     ignored), which is not visible"
                ),
            );
            continue;
        }
        let election = etcd_setting(
            &words,
            c,
            "election-timeout",
            "ETCD_ELECTION_TIMEOUT",
            ETCD_DEFAULT_ELECTION_MS,
        );
        let heartbeat = etcd_setting(
            &words,
            c,
            "heartbeat-interval",
            "ETCD_HEARTBEAT_INTERVAL",
            ETCD_DEFAULT_HEARTBEAT_MS,
        );
        let value = |s: &Setting| match s {
            Setting::Default(v) => Ok((*v, format!("{v} (default)"))),
            Setting::Set(v, "env") => Ok((*v, format!("{v} (env)"))),
            Setting::Set(v, _) => Ok((*v, v.to_string())),
            Setting::Bad(m) => Err(m.clone()),
        };
        let (e, e_text, h, h_text) = match (value(&election), value(&heartbeat)) {
            (Ok((e, et)), Ok((h, ht))) => (e, et, h, ht),
            (Err(m), _) | (_, Err(m)) => {
                out.unknown(subject, m);
                continue;
            }
        };
        let mut problems = Vec::new();
        if h == 0 {
            problems.push("heartbeat-interval is 0 ms".to_string());
        } else {
            let ratio = e as f64 / h as f64;
            if ratio < t.etcd_ratio_min {
                problems.push(format!(
                    "election-timeout/heartbeat-interval = {ratio:.1}, below {} (a delayed \
                     heartbeat triggers needless leader elections)",
                    t.etcd_ratio_min
                ));
            } else if ratio > t.etcd_ratio_max {
                problems.push(format!(
                    "election-timeout/heartbeat-interval = {ratio:.1}, above {} (a failed leader \
                     is noticed late)",
                    t.etcd_ratio_max
                ));
            }
        }
        if h as f64 > t.etcd_heartbeat_max_ms {
            problems.push(format!(
                "heartbeat-interval {h} ms is above {} ms",
                t.etcd_heartbeat_max_ms
            ));
        }
        let ratio = if h == 0 {
            "n/a".to_string()
        } else {
            format!("{:.1}", e as f64 / h as f64)
        };
        if problems.is_empty() {
            out.pass(
                subject,
                format!(
                    "election-timeout {e} ms / heartbeat-interval {h} ms = {ratio}, within {}–{}",
                    t.etcd_ratio_min, t.etcd_ratio_max
                ),
            )
            .evidence("--election-timeout", e_text)
            .evidence("--heartbeat-interval", h_text);
        } else {
            out.fail(subject, problems.join("; "))
                .evidence("--election-timeout", e_text)
                .evidence("--heartbeat-interval", h_text)
                .evidence("ratio", ratio);
        }
    }
}

// ---------------------------------------------------------------------------
// control-plane/leader-election

pub static LEADER_ELECTION: Check = Check {
    id: "control-plane/leader-election",
    title: "Controller manager and scheduler run several instances with leader election",
    category: Category::ControlPlane,
    severity: Severity::Warning,
    seeds: &["000"],
    rationale: "With leader election, a standby kube-controller-manager or kube-scheduler takes \
                over when the active one fails; a single instance, or several without leader \
                election (which then fight over the same objects), is not highly available.",
    fix: None,
    enabled_by_default: true,
    scope: Scope::Cluster {
        run: leader_election,
    },
    reads: &["Pod@kube-system", "Deployment", "Node"],
};

const ELECTED_COMPONENTS: &[&str] = &["kube-controller-manager", "kube-scheduler"];

fn leader_election(ctx: &Ctx, out: &mut Out) {
    for component in ELECTED_COMPONENTS {
        let subject = Subject::cluster_scoped("Component", component);
        if let Some(reason) = managed_reason(ctx) {
            out.unknown(
                subject,
                format!("{reason}: the provider runs {component}, whose flags are hidden"),
            );
            continue;
        }
        // (instance description, instance count, container)
        let mut instances: Vec<(String, i32, &Container)> = Vec::new();
        for (o, p) in static_pods(ctx.store, component) {
            if let Some(c) = component_container(p, component) {
                let node = p
                    .spec
                    .as_ref()
                    .and_then(|s| s.node_name.as_deref())
                    .unwrap_or("?");
                instances.push((format!("pod {} on {node}", o.name()), 1, c));
            }
        }
        for (o, d) in ctx.store.typed::<Deployment>() {
            let spec = &d.spec;
            let labelled = spec
                .template
                .metadata
                .as_ref()
                .and_then(|m| m.labels.as_ref())
                .and_then(|l| l.get("component"))
                .is_some_and(|c| c == component);
            if o.name() != *component && !labelled {
                continue;
            }
            let Some(c) = spec.template.spec.as_ref().and_then(|s| {
                s.containers
                    .iter()
                    .find(|c| c.name == *component)
                    .or(s.containers.first())
            }) else {
                continue;
            };
            let replicas = spec.replicas.unwrap_or(1);
            instances.push((
                format!(
                    "Deployment {}/{} ({replicas} replicas)",
                    o.namespace(),
                    o.name()
                ),
                replicas,
                c,
            ));
        }
        if instances.is_empty() {
            let reason = managed_hint(ctx).unwrap_or_else(|| {
                format!(
                    "no {component} static pod (kube-system, label component={component}) or \
                     Deployment is visible"
                )
            });
            out.unknown(subject, reason);
            continue;
        }
        let total: i32 = instances.iter().map(|(_, n, _)| *n).sum();
        let mut disabled = Vec::new();
        let mut undecided = Vec::new();
        let mut bad_value = Vec::new();
        for (what, _, c) in &instances {
            let words = command_words(c);
            match flag_value(&words, "leader-elect", true) {
                Some(v) => match parse_go_bool(v) {
                    Some(false) => disabled.push(what.clone()),
                    Some(true) => {}
                    None => bad_value.push(format!("{what}: --leader-elect={v}")),
                },
                // kube-scheduler's --config file carries leaderElection
                // when the flag is not given.
                None if flag_value(&words, "config", false).is_some() => {
                    undecided.push(what.clone())
                }
                None => {}
            }
        }
        let names: Vec<&str> = instances.iter().map(|(w, _, _)| w.as_str()).collect();
        let mut problems = Vec::new();
        if !disabled.is_empty() {
            problems.push(format!(
                "--leader-elect=false on {}",
                name_list(&disabled, 5)
            ));
        }
        if total <= 1 {
            problems.push(format!(
                "only {total} instance runs ({}): no standby takes over if it fails",
                names.join(", ")
            ));
        }
        if !problems.is_empty() {
            out.fail(subject, format!("{component}: {}", problems.join("; ")))
                .evidence("instances", total)
                .evidence("running", name_list(&names, 5));
        } else if !bad_value.is_empty() {
            out.unknown(
                subject,
                format!(
                    "{component}: unparseable --leader-elect value ({})",
                    bad_value.join(", ")
                ),
            );
        } else if !undecided.is_empty() {
            out.unknown(
                subject,
                format!(
                    "{component}: {total} instances, but leader election is set in the --config \
                     file, which is not visible ({})",
                    name_list(&undecided, 5)
                ),
            )
            .evidence("instances", total);
        } else {
            out.pass(
                subject,
                format!("{component}: {total} instances with leader election"),
            )
            .evidence("instances", total)
            .evidence("running", name_list(&names, 5));
        }
    }
}

// ---------------------------------------------------------------------------
// control-plane/version-support

pub static VERSION_SUPPORT: Check = Check {
    id: "control-plane/version-support",
    title: "Kubernetes and kubelet versions are supported",
    category: Category::ControlPlane,
    severity: Severity::Warning,
    seeds: &["003", "004"],
    rationale: "Upstream supports the three newest minor releases; older ones get no security \
                fixes. Kubelets may lag the API server by a few minors but never lead it.",
    fix: None,
    enabled_by_default: true,
    scope: Scope::Cluster {
        run: version_support,
    },
    reads: &["Node", "Pod@kube-system"],
};

fn version_support(ctx: &Ctx, out: &mut Out) {
    let t = &ctx.config.thresholds;
    // Every apiserver version known: the reported one, and each static
    // pod's image tag (in an upgrade they differ; kubelets must not be newer
    // than the oldest apiserver).
    let mut sources: Vec<(String, String)> = Vec::new();
    if let Some(v) = &ctx.store.info.server_version {
        sources.push(("server version".into(), v.clone()));
    }
    for (o, p) in static_pods(ctx.store, "kube-apiserver") {
        if let Some(tag) = component_container(p, "kube-apiserver")
            .and_then(|c| c.image.as_deref())
            .and_then(|i| ImageRef::parse(i).tag)
        {
            sources.push((format!("{} image tag", o.name()), tag.to_string()));
        }
    }
    let parsed: Vec<(&str, &str, u32)> = sources
        .iter()
        .filter_map(|(s, v)| parse_minor(v).map(|m| (s.as_str(), v.as_str(), m)))
        .collect();
    let Some(&(src, version, api)) = parsed.iter().min_by_key(|(_, _, m)| *m) else {
        let reason = match sources.first() {
            Some((s, v)) => format!("the API server version {v:?} ({s}) is not a 1.x version"),
            None => "the API server version is unknown: no server version in the snapshot and \
                     no kube-apiserver pod visible; kubelet skew cannot be checked either"
                .to_string(),
        };
        out.unknown(Subject::cluster(), reason);
        return;
    };

    let lag = NEWEST_KNOWN_MINOR.saturating_sub(api);
    if lag > t.server_minor_lag {
        out.fail(
            Subject::cluster(),
            format!(
                "the API server runs 1.{api} ({version}), {lag} minor releases behind 1.\
                 {NEWEST_KNOWN_MINOR} (more than {} behind is out of upstream support)",
                t.server_minor_lag
            ),
        )
        .evidence(src, version);
    } else {
        out.pass(
            Subject::cluster(),
            format!(
                "the API server runs 1.{api} ({version}), within {} minors of 1.\
                 {NEWEST_KNOWN_MINOR}",
                t.server_minor_lag
            ),
        )
        .evidence(src, version);
    }

    for (o, n) in ctx.store.typed::<Node>() {
        let subject = Subject::of(o);
        let Some(kv) = n
            .status
            .as_ref()
            .and_then(|s| s.node_info.as_ref())
            .map(|i| i.kubelet_version.as_str())
            .filter(|v| !v.is_empty())
        else {
            out.unknown(subject, "status.nodeInfo.kubeletVersion is not set");
            continue;
        };
        let Some(k) = parse_minor(kv) else {
            out.unknown(
                subject,
                format!("kubelet version {kv:?} is not a 1.x version"),
            );
            continue;
        };
        if k > api {
            out.fail(
                subject,
                format!(
                    "kubelet {kv} is newer than the API server 1.{api} ({version}): a kubelet \
                     must never be newer than the API server"
                ),
            )
            .evidence("status.nodeInfo.kubeletVersion", kv)
            .evidence(src, version);
        } else if api - k > t.kubelet_minor_skew {
            out.fail(
                subject,
                format!(
                    "kubelet {kv} is {} minors behind the API server 1.{api} ({version}); at most \
                     {} is supported",
                    api - k,
                    t.kubelet_minor_skew
                ),
            )
            .evidence("status.nodeInfo.kubeletVersion", kv)
            .evidence(src, version);
        } else {
            let lag = match api - k {
                0 => "is on the same minor as".to_string(),
                n => format!("is {n} minor(s) behind"),
            };
            out.pass(
                subject,
                format!("kubelet {kv} {lag} the API server 1.{api}"),
            )
            .evidence("status.nodeInfo.kubeletVersion", kv);
        }
    }
}

// ---------------------------------------------------------------------------
// control-plane/node-not-ready

pub static NODE_NOT_READY: Check = Check {
    id: "control-plane/node-not-ready",
    title: "Nodes are Ready and schedulable",
    category: Category::ControlPlane,
    severity: Severity::Error,
    seeds: &["000"],
    rationale: "A node that stays NotReady or cordoned is lost capacity: its pods are evicted or \
                stuck, and the rest of the cluster carries the load without the headroom it was \
                planned with.",
    fix: None,
    enabled_by_default: true,
    scope: Scope::Object {
        kinds: &["Node"],
        run: node_not_ready,
    },
    reads: &["Event"],
};

/// When the node was cordoned: the `node.kubernetes.io/unschedulable`
/// taint's timeAdded (only written by some tools; the API sets it for
/// NoExecute taints), else the kubelet's latest `NodeNotSchedulable` event
/// when no later `NodeSchedulable` event undoes it.
fn cordoned_since(
    ctx: &Ctx,
    node: &Object,
    spec_taints: &[k8s_openapi::api::core::v1::Taint],
) -> Option<Timestamp> {
    if let Some(t) = spec_taints
        .iter()
        .find(|t| t.key == UNSCHEDULABLE_TAINT)
        .and_then(|t| t.time_added.as_ref())
    {
        return Some(t.0);
    }
    let mut latest: BTreeMap<&str, Timestamp> = BTreeMap::new();
    // Node events are recorded in the `default` namespace.
    for (o, e) in ctx.store.typed_in::<Event>("default") {
        if e.involved_object.kind.as_deref() != Some("Node")
            || e.involved_object.name.as_deref() != Some(node.name())
        {
            continue;
        }
        let Some(reason @ ("NodeNotSchedulable" | "NodeSchedulable")) = e.reason.as_deref() else {
            continue;
        };
        let Some(at) = e
            .last_timestamp
            .as_ref()
            .map(|t| t.0)
            .or_else(|| e.event_time.as_ref().map(|t| t.0))
            .or_else(|| e.first_timestamp.as_ref().map(|t| t.0))
            .or_else(|| o.meta.creation_timestamp.as_ref().map(|t| t.0))
        else {
            continue;
        };
        let slot = latest.entry(reason).or_insert(at);
        if at > *slot {
            *slot = at;
        }
    }
    let cordoned = *latest.get("NodeNotSchedulable")?;
    match latest.get("NodeSchedulable") {
        Some(un) if *un > cordoned => None,
        _ => Some(cordoned),
    }
}

fn node_not_ready(ctx: &Ctx, obj: &ObjRef, out: &mut Out) {
    let Some(node) = obj.typed::<Node>() else {
        return;
    };
    let threshold_min = ctx.config.thresholds.node_not_ready_minutes;
    let threshold = threshold_min * 60;
    let created_age = obj
        .meta
        .creation_timestamp
        .as_ref()
        .map(|t| ctx.age_secs(t.0));
    let subject = Subject::of(obj);

    let mut long: Vec<String> = Vec::new(); // bad for longer than the threshold
    let mut undated: Vec<String> = Vec::new(); // bad, since an unknown time
    let mut recent: Vec<String> = Vec::new(); // bad, but within the threshold
    let mut unknown: Vec<String> = Vec::new();
    let mut evidence: Vec<(&str, String)> = Vec::new();

    let ready = node
        .status
        .as_ref()
        .and_then(|s| s.conditions.as_ref())
        .and_then(|c| c.iter().find(|c| c.type_ == "Ready"));
    match ready {
        None => unknown.push("the node has no Ready condition in status".to_string()),
        Some(c) if c.status == "True" => {}
        Some(c) => {
            let state = match c.status.as_str() {
                "False" => "NotReady".to_string(),
                s => format!("NotReady (Ready={s}: the kubelet stopped reporting)"),
            };
            let detail = c
                .reason
                .as_deref()
                .map(|r| format!(", reason {r}"))
                .unwrap_or_default();
            evidence.push(("status.conditions[Ready].status", c.status.clone()));
            match c.last_transition_time.as_ref().map(|t| ctx.age_secs(t.0)) {
                Some(age) => {
                    evidence.push((
                        "status.conditions[Ready].lastTransitionTime",
                        c.last_transition_time
                            .as_ref()
                            .map(|t| t.0.to_string())
                            .unwrap_or_default(),
                    ));
                    let text = format!("{state} for {}{detail}", human_duration(age));
                    if age > threshold {
                        long.push(text);
                    } else {
                        recent.push(text);
                    }
                }
                None => undated.push(format!(
                    "{state}{detail} since an unknown time (no lastTransitionTime)"
                )),
            }
        }
    }

    let spec = node.spec.as_ref();
    if spec.and_then(|s| s.unschedulable) == Some(true) {
        evidence.push(("spec.unschedulable", "true".into()));
        let taints = spec.and_then(|s| s.taints.as_deref()).unwrap_or(&[]);
        match cordoned_since(ctx, obj, taints) {
            Some(t) => {
                let age = ctx.age_secs(t);
                evidence.push(("cordoned at", t.to_string()));
                let text = format!("cordoned (spec.unschedulable) for {}", human_duration(age));
                if age > threshold {
                    long.push(text);
                } else {
                    recent.push(text);
                }
            }
            // A node younger than the threshold cannot have been cordoned
            // for longer than it.
            None if created_age.is_some_and(|a| a <= threshold) => recent.push(format!(
                "cordoned (spec.unschedulable), node created {} ago",
                human_duration(created_age.unwrap_or(0))
            )),
            None => undated.push(
                "cordoned (spec.unschedulable) since an unknown time: no timeAdded on the \
                 node.kubernetes.io/unschedulable taint and no NodeNotSchedulable event"
                    .to_string(),
            ),
        }
    }

    let with_evidence = |r: &mut super::CheckResult| {
        for (k, v) in &evidence {
            r.evidence(k, v);
        }
    };
    if !long.is_empty() {
        let mut all = long;
        all.extend(undated);
        let r = out.fail(
            subject,
            format!("{} (threshold {threshold_min}m)", all.join("; ")),
        );
        with_evidence(r);
    } else if !undated.is_empty() {
        // The state is bad now but its duration cannot be measured: reported,
        // one severity step down, rather than passed or hidden as unknown.
        let r = out.fail_at(
            Severity::Warning,
            subject,
            format!(
                "{} — cannot tell whether it exceeds {threshold_min}m",
                undated.join("; ")
            ),
        );
        with_evidence(r);
    } else if !unknown.is_empty() {
        out.unknown(subject, unknown.join("; "));
    } else if !recent.is_empty() {
        let r = out.pass(
            subject,
            format!(
                "{}, within the {threshold_min}m threshold",
                recent.join("; ")
            ),
        );
        with_evidence(r);
    } else {
        out.pass(subject, "Ready and schedulable");
    }
}
