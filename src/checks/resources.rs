//! resources — namespaces, quotas, limits, nodes, cost.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{LimitRange, Node, ResourceQuota};
use k8s_openapi::kube_aggregator::pkg::apis::apiregistration::v1::APIService;

use super::workload::{role, unread};
use super::{Category, Check, Ctx, Out, Scope, Severity, Subject};
use crate::model::pod::Pod;
use crate::model::quantity;
use crate::model::workload::{Role, WORKLOAD_KINDS, Workload, WorkloadKind};
use crate::model::{ObjRef, Object};
use crate::store::ClusterStore;
use crate::view::resources::{
    NodeRequests, QuantityMap, container_defaults, container_request, missing_defaults,
    quantity as q, requests_on, workloads_in,
};
use crate::view::usage;

pub const CHECKS: &[&Check] = &[
    &QUOTA_PRESENT,
    &LIMITRANGE_PRESENT,
    &QUOTA_PRESSURE,
    &SYSTEM_RESERVED,
    &NODE_PRESSURE,
    &COST_LABELS,
    &RIGHTSIZING,
];

/// The kubelet's default hard eviction threshold for memory
/// (`memory.available<100Mi`), which is subtracted from allocatable even
/// when nothing is reserved for system daemons.
const DEFAULT_EVICTION_HARD_MEMORY: f64 = 100.0 * 1024.0 * 1024.0;

/// Slack for float comparisons of ratios (quantities are parsed to `f64`).
const EPSILON: f64 = 1e-9;

fn skip_namespace(ctx: &Ctx, ns: &str) -> bool {
    ctx.is_system_namespace(ns) && !ctx.config.include_system_namespaces
}

// ---------------------------------------------------------------------------

pub static QUOTA_PRESENT: Check = Check {
    id: "resources/quota-present",
    title: "Namespaces with workloads have a ResourceQuota",
    category: Category::Resources,
    severity: Severity::Warning,
    seeds: &["000"],
    rationale: "Without a ResourceQuota one team's runaway Deployment or leaking Job can claim \
                the whole cluster's capacity and starve every other namespace.",
    fix: Some("create ResourceQuota from current requests × (1.5), edited"),
    enabled_by_default: true,
    scope: Scope::Namespace {
        run: quota_present,
        across: &[],
    },
    reads: &[
        "ResourceQuota",
        "Namespace",
        "Deployment",
        "StatefulSet",
        "DaemonSet",
        "CronJob",
        "Job",
        "ReplicaSet",
        "Pod",
    ],
};

fn quota_present(ctx: &Ctx, ns: &str, out: &mut Out) {
    let workloads = workloads_in(ctx.store, ns);
    // Namespaces with workloads.
    if workloads.is_empty() || skip_namespace(ctx, ns) {
        return;
    }
    {
        let quotas: Vec<(&ObjRef, &ResourceQuota)> =
            ctx.store.typed_in::<ResourceQuota>(ns).collect();
        let subject = Subject::namespace(ns);
        if quotas.is_empty() {
            out.fail(
                subject,
                format!(
                    "{} workload(s) and no ResourceQuota: nothing caps what the namespace can request",
                    workloads.len()
                ),
            )
            .evidence("workloads", workloads.len())
            .evidence("resourcequotas", 0);
        } else {
            let names: Vec<String> = quotas
                .iter()
                .map(|(o, rq)| {
                    let keys: Vec<&str> = rq
                        .spec
                        .as_ref()
                        .and_then(|s| s.hard.as_ref())
                        .into_iter()
                        .flat_map(|h| h.keys().map(String::as_str))
                        .collect();
                    format!("{} ({})", o.name(), keys.join(", "))
                })
                .collect();
            let r = out.pass(subject, format!("ResourceQuota {}", names.join("; ")));
            r.evidence("resourcequotas", quotas.len());
        }
    }
}

// ---------------------------------------------------------------------------

pub static LIMITRANGE_PRESENT: Check = Check {
    id: "resources/limitrange-present",
    title: "Namespaces have a LimitRange with default requests and limits",
    category: Category::Resources,
    severity: Severity::Warning,
    seeds: &["000"],
    rationale: "A LimitRange gives containers that set no requests or limits sane defaults, so \
                they are scheduled by what they use and cannot grow without bound.",
    fix: Some("create LimitRange with defaults, edited"),
    enabled_by_default: true,
    scope: Scope::Namespace {
        run: limitrange_present,
        across: &[],
    },
    reads: &[
        "LimitRange",
        "Namespace",
        "Deployment",
        "StatefulSet",
        "DaemonSet",
        "CronJob",
        "Job",
        "ReplicaSet",
        "Pod",
    ],
};

fn limitrange_present(ctx: &Ctx, ns: &str, out: &mut Out) {
    let store = ctx.store;
    // Namespaces that exist as objects, or hold workloads or LimitRanges.
    let applies = store.get_named("Namespace", "", ns).is_some()
        || !workloads_in(store, ns).is_empty()
        || store.list_in("LimitRange", ns).next().is_some();
    if !applies || skip_namespace(ctx, ns) {
        return;
    }
    {
        let ranges: Vec<(&ObjRef, &LimitRange)> = store.typed_in::<LimitRange>(ns).collect();
        let subject = Subject::namespace(ns);
        if ranges.is_empty() {
            out.fail(
                subject,
                "no LimitRange: containers that set no requests or limits get none",
            )
            .evidence("limitranges", 0);
            return;
        }
        let lrs: Vec<&LimitRange> = ranges.iter().map(|(_, l)| *l).collect();
        let (limits, requests) = container_defaults(&lrs);
        let missing: Vec<String> = missing_defaults(&limits, &requests)
            .iter()
            .map(|m| format!("default {m}"))
            .collect();
        let show = |l: &QuantityMap| {
            let v: Vec<String> = l.iter().map(|(k, q)| format!("{k}={}", q.0)).collect();
            format!("{{{}}}", v.join(", "))
        };
        let names: Vec<&str> = ranges.iter().map(|(o, _)| o.name()).collect();
        if missing.is_empty() {
            out.pass(
                subject,
                format!("LimitRange {} sets container defaults", names.join(", ")),
            )
            .evidence("defaultRequest", show(&requests))
            .evidence("default", show(&limits));
        } else {
            out.fail(
                subject,
                format!(
                    "LimitRange {} sets no {} for containers",
                    names.join(", "),
                    missing.join(", no ")
                ),
            )
            .evidence("defaultRequest", show(&requests))
            .evidence("default", show(&limits));
        }
    }
}

// ---------------------------------------------------------------------------

pub static QUOTA_PRESSURE: Check = Check {
    id: "resources/quota-pressure",
    title: "ResourceQuotas have headroom",
    category: Category::Resources,
    severity: Severity::Warning,
    seeds: &["000"],
    rationale: "At its quota a namespace cannot create pods: rollouts stall and autoscalers \
                cannot add replicas, usually in the middle of a traffic peak.",
    fix: Some("raise the quota (edited)"),
    enabled_by_default: true,
    scope: Scope::Object {
        kinds: &["ResourceQuota"],
        run: quota_pressure,
    },
    reads: &[],
};

fn quota_pressure(ctx: &Ctx, obj: &ObjRef, out: &mut Out) {
    let Some(rq) = obj.typed::<ResourceQuota>() else {
        return;
    };
    let subject = Subject::of(obj);
    let status = rq.status.as_ref();
    let hard = status
        .and_then(|s| s.hard.as_ref())
        .or_else(|| rq.spec.as_ref().and_then(|s| s.hard.as_ref()));
    let used = status.and_then(|s| s.used.as_ref());
    let (Some(hard), Some(used)) = (hard, used) else {
        out.unknown(
            subject,
            "status.used is not reported yet (the quota controller has not synced this quota)",
        );
        return;
    };
    let warn = ctx.config.thresholds.quota_warn_ratio;
    // (resource, ratio, used, hard)
    let mut rows: Vec<(&str, f64, &str, &str)> = Vec::new();
    let mut unreadable = Vec::new();
    for (res, h) in hard {
        let Some(u) = used.get(res) else { continue };
        let (Some(hv), Some(uv)) = (quantity::of(h), quantity::of(u)) else {
            unreadable.push(res.as_str());
            continue;
        };
        rows.push((res, usage::ratio(uv, hv), &u.0, &h.0));
    }
    if rows.is_empty() {
        out.unknown(
            subject,
            if unreadable.is_empty() {
                "status.used reports none of the resources in hard".to_string()
            } else {
                format!("unreadable quantities for {}", unreadable.join(", "))
            },
        );
        return;
    }
    rows.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(b.0)));
    let over: Vec<&(&str, f64, &str, &str)> =
        rows.iter().filter(|r| usage::reaches(r.1, warn)).collect();
    if over.is_empty() {
        let (res, ratio, u, h) = rows[0];
        out.pass(
            subject,
            format!("highest use: {res} {} ({u} of {h})", usage::percent(ratio)),
        )
        .evidence(&format!("{res} used/hard"), format!("{u}/{h}"));
        return;
    }
    let full = over.iter().any(|r| usage::reaches(r.1, 1.0));
    let severity = if full {
        Severity::Error
    } else {
        Severity::Warning
    };
    let parts: Vec<String> = over
        .iter()
        .map(|(res, ratio, u, h)| format!("{res} at {} ({u} of {h})", usage::percent(*ratio)))
        .collect();
    let tail = if full {
        "; new pods that need it are rejected"
    } else {
        ""
    };
    let r = out.fail_at(severity, subject, format!("{}{tail}", parts.join(", ")));
    for (res, _, u, h) in over {
        r.evidence(&format!("{res} used/hard"), format!("{u}/{h}"));
    }
}

// ---------------------------------------------------------------------------

pub static SYSTEM_RESERVED: Check = Check {
    id: "resources/system-reserved",
    title: "Nodes reserve CPU and memory for system daemons",
    category: Category::Resources,
    severity: Severity::Warning,
    seeds: &["000"],
    rationale: "Without kube-reserved/system-reserved the scheduler hands the kubelet's, the \
                container runtime's and the OS's share to pods; under load the node runs out \
                of memory and the kubelet or sshd is what gets killed.",
    fix: None,
    enabled_by_default: true,
    scope: Scope::Object {
        kinds: &["Node"],
        run: system_reserved,
    },
    reads: &["KubeletConfiguration"],
};

fn system_reserved(ctx: &Ctx, obj: &ObjRef, out: &mut Out) {
    let Some(node) = obj.typed::<Node>() else {
        return;
    };
    let subject = Subject::of(obj);
    // The kubelet's own configuration, when captured, decides.
    if let Some(kc) = ctx
        .store
        .get_named("KubeletConfiguration", "", obj.name())
        .and_then(|o| o.dynamic())
    {
        let reserved = |res: &str| {
            ["kubeReserved", "systemReserved"].iter().any(|k| {
                kc.get(k)
                    .and_then(|m| m.get(res))
                    .and_then(|v| v.as_str())
                    .and_then(|s| quantity::parse(s).ok())
                    .is_some_and(|v| v > 0.0)
            })
        };
        let missing: Vec<&str> = ["cpu", "memory"]
            .into_iter()
            .filter(|r| !reserved(r))
            .collect();
        let show = |k: &str| kc.get(k).map_or("unset".to_string(), |v| v.to_string());
        let r = if missing.is_empty() {
            out.pass(
                subject,
                "kubelet reserves cpu and memory for system daemons",
            )
        } else {
            out.fail(
                subject,
                format!(
                    "kubelet reserves no {} for system daemons (kubeReserved/systemReserved)",
                    missing.join(" or ")
                ),
            )
        };
        r.evidence("kubeReserved", show("kubeReserved"))
            .evidence("systemReserved", show("systemReserved"))
            .evidence("evictionHard", show("evictionHard"));
        return;
    }
    let status = node.status.as_ref();
    let cap = status.and_then(|s| s.capacity.as_ref());
    let alloc = status.and_then(|s| s.allocatable.as_ref());
    let (Some(cpu_c), Some(cpu_a), Some(mem_c), Some(mem_a)) = (
        q(cap, "cpu"),
        q(alloc, "cpu"),
        q(cap, "memory"),
        q(alloc, "memory"),
    ) else {
        out.unknown(
            subject,
            "status.capacity/allocatable do not report cpu and memory",
        );
        return;
    };
    let mut problems = Vec::new();
    if cpu_a >= cpu_c {
        problems.push(format!(
            "allocatable cpu equals capacity ({})",
            quantity::format("cpu", cpu_c)
        ));
    }
    if mem_c - mem_a <= DEFAULT_EVICTION_HARD_MEMORY + 1.0 {
        problems.push(format!(
            "allocatable memory is capacity minus {} at most (only the default eviction threshold; nothing reserved)",
            quantity::format("memory", mem_c - mem_a)
        ));
    }
    let shown = |c: f64, a: f64, r: &str| {
        format!("{} / {}", quantity::format(r, c), quantity::format(r, a))
    };
    let r = if problems.is_empty() {
        out.pass(
            subject,
            format!(
                "reserved: cpu {}, memory {}",
                quantity::format("cpu", cpu_c - cpu_a),
                quantity::format("memory", mem_c - mem_a)
            ),
        )
    } else {
        out.fail(
            subject,
            format!(
                "{}: set --kube-reserved/--system-reserved (kubelet config kubeReserved/systemReserved)",
                problems.join("; ")
            ),
        )
    };
    r.evidence("cpu capacity / allocatable", shown(cpu_c, cpu_a, "cpu"))
        .evidence(
            "memory capacity / allocatable",
            shown(mem_c, mem_a, "memory"),
        );
}

// ---------------------------------------------------------------------------

pub static NODE_PRESSURE: Check = Check {
    id: "resources/node-pressure",
    title: "Nodes are not under resource pressure",
    category: Category::Resources,
    severity: Severity::Error,
    seeds: &["000"],
    rationale: "A node under memory, disk or PID pressure evicts pods; a node whose requests \
                are near its allocatable has no room to reschedule pods from a failed node.",
    fix: None,
    enabled_by_default: true,
    scope: Scope::Object {
        kinds: &["Node"],
        run: node_pressure,
    },
    // A pod change re-runs the check on the pod's node only.
    reads: &["Pod@node"],
};

fn node_pressure(ctx: &Ctx, obj: &ObjRef, out: &mut Out) {
    let store = ctx.store;
    let ratio = ctx.config.thresholds.node_request_ratio;
    // Whether pods were read at all (a listed kind may have none), not
    // whether some exist now: a pod change re-runs its own node only.
    let have_pods = store.listed("Pod") || store.has_kind("Pod");
    let Some(node) = obj.typed::<Node>() else {
        return;
    };
    let subject = Subject::of(obj);
    let status = node.status.as_ref();
    let conditions = status.and_then(|s| s.conditions.as_ref());
    let pressures: Vec<String> = conditions
        .into_iter()
        .flatten()
        .filter(|c| {
            matches!(
                c.type_.as_str(),
                "MemoryPressure" | "DiskPressure" | "PIDPressure"
            ) && c.status == "True"
        })
        .map(|c| match c.message.as_deref().filter(|m| !m.is_empty()) {
            Some(m) => format!("{} ({m})", c.type_),
            None => c.type_.clone(),
        })
        .collect();
    let alloc = status.and_then(|s| s.allocatable.as_ref());
    let NodeRequests {
        cpu,
        memory: mem,
        pods,
    } = requests_on(store, obj.name());
    let mut over = Vec::new();
    let mut usage = Vec::new();
    for (res, sum) in [("cpu", cpu), ("memory", mem)] {
        let Some(a) = q(alloc, res) else { continue };
        let share = if a > 0.0 { sum / a } else { f64::INFINITY };
        let line = format!(
            "{res} requests {} of {} allocatable ({})",
            quantity::format(res, sum),
            quantity::format(res, a),
            usage::percent(share)
        );
        if have_pods && sum > a * ratio + EPSILON {
            over.push(line.clone());
        }
        usage.push(line);
    }
    if !pressures.is_empty() || !over.is_empty() {
        let mut parts = Vec::new();
        if !pressures.is_empty() {
            parts.push(format!("reports {}", pressures.join(", ")));
        }
        if !over.is_empty() {
            parts.push(format!(
                "{} (above {} of allocatable)",
                over.join(", "),
                usage::percent(ratio)
            ));
        }
        let r = out.fail(subject, parts.join("; "));
        for p in &pressures {
            r.evidence("condition", format!("{p} = True"));
        }
        for u in &usage {
            r.evidence("requests", u);
        }
        r.evidence("pods on node", pods);
        return;
    }
    if !have_pods {
        out.unknown(
            subject,
            "no Pods in the snapshot: requests on the node cannot be summed",
        );
    } else if usage.len() < 2 {
        out.unknown(subject, "status.allocatable does not report cpu and memory");
    } else if conditions.is_none_or(|c| c.is_empty()) {
        out.unknown(subject, "the node reports no conditions");
    } else {
        let r = out.pass(subject, format!("no pressure; {}", usage.join(", ")));
        r.evidence("pods on node", pods);
    }
}

// ---------------------------------------------------------------------------

pub static COST_LABELS: Check = Check {
    id: "resources/cost-labels",
    title: "Workloads carry cost-allocation labels",
    category: Category::Resources,
    severity: Severity::Info,
    seeds: &["003"],
    rationale: "Cost tools (Kubecost, OpenCost, cloud billing) split the bill by labels; a \
                workload without them is cost nobody owns.",
    fix: Some("add labels (values edited)"),
    enabled_by_default: true,
    scope: Scope::Object {
        kinds: WORKLOAD_KINDS,
        run: cost_labels,
    },
    reads: &[],
};

fn cost_labels(ctx: &Ctx, obj: &ObjRef, out: &mut Out) {
    let keys = &ctx.config.cost_label_keys;
    if keys.is_empty() {
        return;
    }
    let template_labels = match role(ctx, obj) {
        Role::Workload(w) => w.template_labels,
        // A pod's labels are its template's: decided without its spec.
        Role::Unread {
            kind: WorkloadKind::Pod,
            ..
        } => obj.labels(),
        Role::Unread { kind, controller } => return unread(ctx, obj, kind, &controller, out),
        Role::Other => return,
    };
    let missing: Vec<&str> = keys
        .iter()
        .filter(|k| !obj.labels().contains_key(*k) && !template_labels.contains_key(*k))
        .map(String::as_str)
        .collect();
    let subject = Subject::of(obj);
    if missing.is_empty() {
        let found: Vec<String> = keys
            .iter()
            .map(|k| {
                let v = obj
                    .labels()
                    .get(k)
                    .or_else(|| template_labels.get(k))
                    .map_or("", String::as_str);
                format!("{k}={v}")
            })
            .collect();
        out.pass(subject, format!("labelled {}", found.join(", ")));
    } else {
        out.fail(
            subject,
            format!(
                "no {} label on the workload or its pod template",
                missing.join(", no ")
            ),
        )
        .evidence("missing labels", missing.join(", "));
    }
}

// ---------------------------------------------------------------------------

pub static RIGHTSIZING: Check = Check {
    id: "resources/rightsizing",
    title: "Requests match observed usage",
    category: Category::Resources,
    severity: Severity::Info,
    seeds: &["003"],
    rationale: "Requests far above usage waste paid capacity; requests far below usage let \
                the scheduler overcommit nodes and make the pod an early eviction target.",
    fix: Some("patch requests to the observed p95 × 1.2 (edited)"),
    enabled_by_default: true,
    scope: Scope::Cluster { run: rightsizing },
    reads: &[
        "PodMetrics",
        "APIService",
        "Deployment",
        "StatefulSet",
        "DaemonSet",
        "CronJob",
        "Job",
        "ReplicaSet",
        "Pod",
    ],
};

const METRICS_APISERVICE: &str = "v1beta1.metrics.k8s.io";

/// Why rightsizing cannot be decided, when no usage is available.
fn metrics_unavailable(store: &ClusterStore) -> Option<String> {
    if store.has_kind("PodMetrics") {
        return None;
    }
    Some(
        match store
            .get_named("APIService", "", METRICS_APISERVICE)
            .and_then(|o| o.typed::<APIService>())
        {
            None => format!(
                "metrics.k8s.io is not served (no {METRICS_APISERVICE} APIService): install metrics-server"
            ),
            Some(api) => {
                let available = api
                    .status
                    .as_ref()
                    .and_then(|s| s.conditions.as_ref())
                    .into_iter()
                    .flatten()
                    .any(|c| c.type_ == "Available" && c.status == "True");
                if available {
                    "metrics.k8s.io is available but the snapshot holds no PodMetrics".into()
                } else {
                    format!("the {METRICS_APISERVICE} APIService is not Available")
                }
            }
        },
    )
}

/// Usage of one container of one pod, from its PodMetrics object.
fn container_usage(metrics: &Object, container: &str, res: &str) -> Option<f64> {
    metrics
        .pointer("/containers")?
        .as_array()?
        .iter()
        .find(|c| c.get("name").and_then(|n| n.as_str()) == Some(container))?
        .get("usage")?
        .get(res)?
        .as_str()
        .and_then(|s| quantity::parse(s).ok())
}

#[derive(Default)]
struct Sample {
    usage: f64,
    request: f64,
    pods: usize,
    max_usage: f64,
}

fn rightsizing(ctx: &Ctx, out: &mut Out) {
    let store = ctx.store;
    if let Some(reason) = metrics_unavailable(store) {
        out.unknown(Subject::cluster(), reason);
        return;
    }
    let t = &ctx.config.thresholds;
    for kind in WORKLOAD_KINDS {
        for obj in store.list(kind) {
            if skip_namespace(ctx, obj.namespace()) {
                continue;
            }
            let Some(w) = Workload::of(obj) else { continue };
            // Run-to-completion pods have no steady usage to size against.
            if w.is_batch() {
                continue;
            }
            let pods: Vec<&ObjRef> = if w.kind == WorkloadKind::Pod {
                vec![obj]
            } else {
                store.pods_of(obj)
            };
            // container → resource → sample, over the pods with metrics.
            let mut samples: BTreeMap<&str, BTreeMap<&str, Sample>> = BTreeMap::new();
            let mut measured = 0;
            for pod_obj in &pods {
                let Some(pod) = pod_obj.typed::<Pod>() else {
                    continue;
                };
                let Some(spec) = &pod.spec else { continue };
                let Some(m) = store.get_named("PodMetrics", pod_obj.namespace(), pod_obj.name())
                else {
                    continue;
                };
                measured += 1;
                let running = spec.containers.iter().chain(
                    spec.init_containers
                        .iter()
                        .flatten()
                        .filter(|c| c.restart_policy.as_deref() == Some("Always")),
                );
                for c in running {
                    for res in ["cpu", "memory"] {
                        let request = container_request(c, res);
                        let Some(usage) = container_usage(m, &c.name, res) else {
                            continue;
                        };
                        if request <= 0.0 {
                            continue;
                        }
                        let s = samples
                            .entry(c.name.as_str())
                            .or_default()
                            .entry(res)
                            .or_default();
                        s.usage += usage;
                        s.request += request;
                        s.pods += 1;
                        s.max_usage = s.max_usage.max(usage);
                    }
                }
            }
            for c in w.long_running_containers() {
                let subject = Subject::container(obj, &c.name);
                if measured == 0 {
                    out.unknown(
                        subject,
                        format!("no PodMetrics for its pods ({} pod(s) found)", pods.len()),
                    );
                    continue;
                }
                let Some(per_res) = samples.get(c.name.as_str()) else {
                    out.unknown(
                        subject,
                        "no cpu/memory request with usage to compare (see workload/requests-set)",
                    );
                    continue;
                };
                let mut off = Vec::new();
                let mut fine = Vec::new();
                for (res, s) in per_res {
                    let ratio = s.usage / s.request;
                    let avg_usage = s.usage / s.pods as f64;
                    let avg_req = s.request / s.pods as f64;
                    let line = format!(
                        "{res} usage {} is {} of the {} request",
                        quantity::format(res, avg_usage),
                        usage::percent(ratio),
                        quantity::format(res, avg_req)
                    );
                    if ratio + EPSILON < t.rightsizing_low {
                        off.push((
                            format!("{line} (below {})", usage::percent(t.rightsizing_low)),
                            res,
                            s,
                        ));
                    } else if ratio > t.rightsizing_high + EPSILON {
                        off.push((
                            format!("{line} (above {})", usage::percent(t.rightsizing_high)),
                            res,
                            s,
                        ));
                    } else {
                        fine.push(line);
                    }
                }
                if off.is_empty() {
                    out.pass(subject, format!("{} (sampled at capture)", fine.join(", ")))
                        .evidence("pods sampled", measured);
                } else {
                    let msg: Vec<&str> = off.iter().map(|(m, _, _)| m.as_str()).collect();
                    let r = out.fail(
                        subject,
                        format!(
                            "{} (sampled at capture over {} pod(s))",
                            msg.join(", "),
                            measured
                        ),
                    );
                    for (_, res, s) in &off {
                        r.evidence(
                            &format!("{res} usage max per pod"),
                            quantity::format(res, s.max_usage),
                        );
                    }
                    r.evidence("pods sampled", measured);
                }
            }
        }
    }
}
