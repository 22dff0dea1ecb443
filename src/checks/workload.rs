//! workload — reliability of Deployments, StatefulSets, DaemonSets, Jobs, Pods.
//!
//! Container-level checks run on the pod template of the top-level workload
//! (`workload_of`), so one Deployment yields one result per container, not
//! one per replica. A pod (ReplicaSet, Job) whose controller is not visible
//! — a partial snapshot, a kind the user may not list — is its own
//! workload: checked through its own spec (a trimmed pod's kept resources
//! for the request and limit checks), or `unknown` naming the controller
//! where that spec was not kept; never skipped. Native sidecars (init
//! containers with `restartPolicy: Always`) run for the pod's lifetime and
//! are judged as regular containers, probes included; run-to-completion
//! init containers are never asked for probes (the API rejects them).
//! Pod-scoped checks (crashloop, naked-pod, critical-on-spot) read runtime
//! facts only a Pod carries: status and node placement.

use std::collections::BTreeMap;

use k8s_openapi::api::apps::v1::{DaemonSet, Deployment, ReplicaSet, StatefulSet};
use k8s_openapi::api::core::v1::{
    Event, LimitRange, LimitRangeItem, Node, NodeSelectorRequirement, NodeSelectorTerm,
    PodAffinityTerm,
};
use k8s_openapi::api::policy::v1::PodDisruptionBudget;
use k8s_openapi::api::scheduling::v1::PriorityClass;
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
use k8s_openapi::jiff::Timestamp;

use super::{Category, Check, Ctx, Out, Scope, Severity, Subject};
use crate::model::image::ImageRef;
use crate::model::pod::{self, ContainerStatus, Pod};
use crate::model::selector::{self, Labels};
use crate::model::workload::{Role, WORKLOAD_KINDS, Workload, WorkloadKind};
use crate::model::{ObjKey, ObjRef, Object, quantity};
use crate::store::KindStatus;
use crate::view::duration::human_duration;

pub const CHECKS: &[&Check] = &[
    &REQUESTS_SET,
    &MEMORY_LIMIT_SET,
    &CPU_LIMIT_SET,
    &READINESS_PROBE,
    &LIVENESS_PROBE,
    &REPLICAS,
    &PDB_PRESENT,
    &PDB_ALLOWS_DISRUPTION,
    &ROLLOUT_STRATEGY,
    &SPREAD,
    &IMAGE_TAG_PINNED,
    &NAKED_POD,
    &CRASHLOOP,
    &NOT_READY,
    &CRITICAL_ON_SPOT,
    &DEFAULT_NAMESPACE,
];

/// "A workload with ≥ 2 replicas" (pdb-present, spread): the catalog's fixed
/// bound for "more than one replica", independent of `min-replicas`.
const MULTI_REPLICA: i32 = 2;

/// Kinds whose replica count is a spec field (scalable workloads).
const SCALABLE_KINDS: &[&str] = &["Deployment", "StatefulSet", "ReplicaSet"];

// ---------------------------------------------------------------------------
// Which workload an object is checked as
// ---------------------------------------------------------------------------

/// How the checks see `obj`, given what the store holds: a pod (or a
/// Deployment's ReplicaSet, a CronJob's Job) whose controller is not
/// visible is its own workload (`Workload::resolve`).
pub(super) fn role<'a>(ctx: &Ctx, obj: &'a ObjRef) -> Role<'a> {
    Workload::resolve(obj, |kind, ns, name| {
        ctx.store.get_named(kind, ns, name).is_some()
    })
}

/// The workload whose pod template the checks read for `obj`, if `obj` is
/// one. One that is its own workload only because its controller is not
/// visible, and whose spec kready did not keep, gets an `unknown` saying so
/// (never a pass, never a failure on what was not kept).
pub(super) fn workload_of<'a>(ctx: &Ctx, obj: &'a ObjRef, out: &mut Out) -> Option<Workload<'a>> {
    match role(ctx, obj) {
        Role::Workload(w) => Some(w),
        Role::Unread { kind, controller } => {
            unread(ctx, obj, kind, &controller, out);
            None
        }
        Role::Other => None,
    }
}

/// The `unknown` for an object whose controller is not visible and whose
/// pod spec was not kept.
pub(super) fn unread(
    ctx: &Ctx,
    obj: &Object,
    kind: WorkloadKind,
    controller: &ObjKey,
    out: &mut Out,
) {
    let label = controller.label();
    // A snapshot (or the demo) marks the kinds it holds listed.
    let live = ctx.store.info.source == "live";
    let why = match ctx.store.status(&label) {
        Some(KindStatus::Forbidden(why)) => format!("{label} may not be listed: {why}"),
        Some(KindStatus::Syncing { .. }) => format!("{label} is still being listed"),
        Some(KindStatus::Error { reason: why, .. }) => {
            format!("{label} could not be listed: {why}")
        }
        _ if !live => "not in the snapshot".to_string(),
        Some(KindStatus::Ready) => format!("no such {label} is listed"),
        None => format!("{label} is not listed"),
    };
    let kept = match kind {
        WorkloadKind::Pod => {
            "kready keeps only the placement, resources and status of a pod that a controller \
             manages"
        }
        WorkloadKind::ReplicaSet => {
            "kready keeps no pod template of a ReplicaSet that a controller manages"
        }
        _ => "its pod template is not in the store",
    };
    out.unknown(
        Subject::of(obj),
        format!(
            "cannot be checked: its controller {label} {}/{} is not visible ({why}), and {kept}",
            controller.namespace, controller.name
        ),
    )
    .evidence(
        "metadata.ownerReferences",
        format!("{label} {} (controller)", controller.name),
    );
}

// ---------------------------------------------------------------------------
// workload/requests-set, memory-limit-set, cpu-limit-set
// ---------------------------------------------------------------------------

pub static REQUESTS_SET: Check = Check {
    id: "workload/requests-set",
    title: "Containers set CPU and memory requests",
    category: Category::Workload,
    severity: Severity::Warning,
    seeds: &["000", "001", "003"],
    rationale: "The scheduler places pods by their requests; without them a node can be \
                overcommitted and the pod is the first evicted under pressure (BestEffort QoS).",
    fix: Some(
        "patch requests (from VPA recommendation, else LimitRange default, else edited template)",
    ),
    enabled_by_default: true,
    scope: Scope::Object {
        kinds: WORKLOAD_KINDS,
        run: requests_set,
    },
    reads: &["LimitRange"],
};

fn requests_set(ctx: &Ctx, obj: &ObjRef, out: &mut Out) {
    let Some(v) = resource_view(ctx, obj, out) else {
        return;
    };
    for c in &v.containers {
        let subject = Subject::container(obj, c.name);
        let cpu = resolve(&v, c, "cpu", Field::Request);
        let memory = resolve(&v, c, "memory", Field::Request);
        let missing: Vec<&str> = [("cpu", &cpu), ("memory", &memory)]
            .into_iter()
            .filter(|(_, s)| s.is_none())
            .map(|(r, _)| r)
            .collect();
        if missing.is_empty() {
            let r = out.pass(subject, "cpu and memory requests are set");
            for (res, src) in [("cpu", cpu), ("memory", memory)] {
                if let Some(src) = src {
                    r.evidence(&format!("resources.requests.{res}"), src);
                }
            }
        } else {
            let r = out.fail(
                subject,
                format!(
                    "no {} request: the scheduler cannot account for it{}",
                    missing.join(" and no "),
                    if missing.len() == 2 {
                        " and it runs as BestEffort, first to be evicted"
                    } else {
                        ""
                    }
                ),
            );
            r.evidence("resources.requests", quantities(c.requests));
        }
    }
}

pub static MEMORY_LIMIT_SET: Check = Check {
    id: "workload/memory-limit-set",
    title: "Containers set a memory limit",
    category: Category::Workload,
    severity: Severity::Warning,
    seeds: &["000", "001", "003"],
    rationale: "Without a memory limit a leaking container grows until the node runs out of \
                memory, and the kernel's OOM killer then picks victims among its neighbours.",
    fix: Some("patch limit (= request × 1.5, edited)"),
    enabled_by_default: true,
    scope: Scope::Object {
        kinds: WORKLOAD_KINDS,
        run: memory_limit_set,
    },
    reads: &["LimitRange"],
};

fn memory_limit_set(ctx: &Ctx, obj: &ObjRef, out: &mut Out) {
    limit_set(ctx, obj, out, "memory");
}

pub static CPU_LIMIT_SET: Check = Check {
    id: "workload/cpu-limit-set",
    title: "Containers set a CPU limit",
    category: Category::Workload,
    severity: Severity::Info,
    seeds: &["001"],
    rationale: "A CPU limit caps what one container can take from its neighbours. Off by \
                default: many teams run without CPU limits on purpose, since CFS throttling \
                can hurt latency more than contention does.",
    fix: Some("patch limit"),
    enabled_by_default: false,
    scope: Scope::Object {
        kinds: WORKLOAD_KINDS,
        run: cpu_limit_set,
    },
    reads: &["LimitRange"],
};

fn cpu_limit_set(ctx: &Ctx, obj: &ObjRef, out: &mut Out) {
    limit_set(ctx, obj, out, "cpu");
}

fn limit_set(ctx: &Ctx, obj: &ObjRef, out: &mut Out, res: &str) {
    let Some(v) = resource_view(ctx, obj, out) else {
        return;
    };
    for c in &v.containers {
        let subject = Subject::container(obj, c.name);
        match resolve(&v, c, res, Field::Limit) {
            Some(src) => {
                out.pass(subject, format!("{res} limit is {src}"))
                    .evidence(&format!("resources.limits.{res}"), src);
            }
            None => {
                let explicit_zero = c.limits.get(res);
                let msg = match explicit_zero {
                    Some(q) => format!("{res} limit is {}, which means no limit", q.0),
                    None if res == "memory" => {
                        "no memory limit: a leak can exhaust the node's memory".to_string()
                    }
                    None => "no cpu limit: it can take all idle CPU of the node".to_string(),
                };
                let r = out.fail(subject, msg);
                r.evidence("resources.limits", quantities(c.limits));
                if let Some(req) = c.requests.get(res) {
                    r.evidence(&format!("resources.requests.{res}"), &req.0);
                }
            }
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Field {
    Request,
    Limit,
}

/// Where a container's effective request or limit for one resource comes
/// from, as the API server will have set it on the pods.
enum Source<'a> {
    /// Set in the container spec.
    Spec(&'a Quantity),
    /// A request left unset defaults to the limit (Pod defaulting).
    FromLimit(&'a Quantity),
    /// Pod-level resources (`spec.resources`) bound the whole pod.
    PodLevel(&'a Quantity),
    /// The LimitRanger admission plugin fills it from a LimitRange default.
    LimitRange(&'a str, &'a Quantity),
}

impl std::fmt::Display for Source<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Source::Spec(q) => write!(f, "{}", q.0),
            Source::FromLimit(q) => write!(f, "{} (defaults to the limit)", q.0),
            Source::PodLevel(q) => write!(f, "{} (pod-level spec.resources)", q.0),
            Source::LimitRange(n, q) => write!(f, "{} (default of LimitRange {n})", q.0),
        }
    }
}

/// A resource list of a template's container (or a LimitRange), or of a
/// pod as kready keeps it.
#[derive(Clone, Copy)]
enum List<'a> {
    Template(Option<&'a BTreeMap<String, Quantity>>),
    Kept(Option<&'a pod::ResourceList>),
}

impl<'a> List<'a> {
    fn get(self, res: &str) -> Option<&'a Quantity> {
        match self {
            List::Template(m) => m?.get(res),
            List::Kept(l) => l?.get(res),
        }
    }
}

/// A container as the request and limit checks read it.
struct ResourceCtr<'a> {
    name: &'a str,
    requests: List<'a>,
    limits: List<'a>,
}

/// What the request and limit checks read of a workload: its containers,
/// the pod-level resources and the LimitRange items that will apply.
struct ResourceView<'a> {
    containers: Vec<ResourceCtr<'a>>,
    pod_requests: List<'a>,
    pod_limits: List<'a>,
    ranges: Vec<(&'a str, &'a LimitRangeItem)>,
}

/// The `ResourceView` of `obj` when it is a top-level workload. A pod whose
/// controller is not visible is judged on what kready kept of it: every
/// container's resources, as admitted (LimitRange defaults are already in
/// them). Other objects whose spec was not kept get `unread`'s `unknown`.
fn resource_view<'a>(ctx: &Ctx<'a>, obj: &'a ObjRef, out: &mut Out) -> Option<ResourceView<'a>> {
    match role(ctx, obj) {
        Role::Workload(w) => {
            let pod = w.spec.resources.as_ref();
            Some(ResourceView {
                containers: w
                    .containers()
                    .map(|c| ResourceCtr {
                        name: &c.name,
                        requests: List::Template(
                            c.resources.as_ref().and_then(|r| r.requests.as_ref()),
                        ),
                        limits: List::Template(
                            c.resources.as_ref().and_then(|r| r.limits.as_ref()),
                        ),
                    })
                    .collect(),
                pod_requests: List::Template(pod.and_then(|r| r.requests.as_ref())),
                pod_limits: List::Template(pod.and_then(|r| r.limits.as_ref())),
                ranges: container_limit_ranges(ctx, &w),
            })
        }
        Role::Unread {
            kind: WorkloadKind::Pod,
            ..
        } => {
            let spec = obj.typed::<Pod>()?.spec.as_ref()?;
            let pod = spec.resources.as_ref();
            Some(ResourceView {
                containers: spec
                    .containers
                    .iter()
                    .chain(spec.init_containers.iter().flatten())
                    .map(|c| ResourceCtr {
                        name: &c.name,
                        requests: List::Kept(
                            c.resources.as_ref().and_then(|r| r.requests.as_ref()),
                        ),
                        limits: List::Kept(c.resources.as_ref().and_then(|r| r.limits.as_ref())),
                    })
                    .collect(),
                pod_requests: List::Kept(pod.and_then(|r| r.requests.as_ref())),
                pod_limits: List::Kept(pod.and_then(|r| r.limits.as_ref())),
                ranges: Vec::new(),
            })
        }
        Role::Unread { kind, controller } => {
            unread(ctx, obj, kind, &controller, out);
            None
        }
        Role::Other => None,
    }
}

/// A quantity that is set and not zero (the kubelet treats a zero limit as
/// no limit, and QoS treats a zero request as no request).
fn nonzero<'a>(m: List<'a>, res: &str) -> Option<&'a Quantity> {
    m.get(res)
        .filter(|q| quantity::of(q).is_none_or(|v| v > 0.0))
}

fn quantities(m: List) -> String {
    // In key order, as a template's map is.
    let mut pairs: Vec<(&str, &Quantity)> = match m {
        List::Template(m) => m
            .into_iter()
            .flatten()
            .map(|(k, v)| (k.as_str(), v))
            .collect(),
        List::Kept(l) => l.into_iter().flat_map(|l| l.iter()).collect(),
    };
    if pairs.is_empty() {
        return "none".to_string();
    }
    pairs.sort_by_key(|(k, _)| *k);
    let parts: Vec<String> = pairs.iter().map(|(k, v)| format!("{k}: {}", v.0)).collect();
    format!("{{{}}}", parts.join(", "))
}

/// The `type: Container` items of the LimitRanges in the workload's
/// namespace. They apply at pod admission, so they count for the pods a
/// template will create, not for an already-admitted Pod object.
fn container_limit_ranges<'a>(
    ctx: &Ctx<'a>,
    w: &Workload<'a>,
) -> Vec<(&'a str, &'a LimitRangeItem)> {
    if w.kind == WorkloadKind::Pod {
        return Vec::new();
    }
    ctx.store
        .typed_in::<LimitRange>(w.obj.namespace())
        .filter_map(|(o, lr)| lr.spec.as_ref().map(|s| (o, s)))
        .flat_map(|(o, s)| {
            s.limits
                .iter()
                .filter(|i| i.type_ == "Container")
                .map(move |i| (o.name(), i))
        })
        .collect()
}

/// The effective request or limit, following Pod defaulting (a request
/// defaults to the limit), pod-level resources, and LimitRange defaults
/// (a default limit falls back to `max`; a default request to
/// `defaultRequest`, then `default`, then `max`, then `min`, as the API
/// server defaults a LimitRange).
fn resolve<'a>(
    v: &ResourceView<'a>,
    c: &ResourceCtr<'a>,
    res: &str,
    field: Field,
) -> Option<Source<'a>> {
    let limit = nonzero(c.limits, res);
    let explicit = match field {
        Field::Limit => limit.map(Source::Spec),
        Field::Request => nonzero(c.requests, res)
            .map(Source::Spec)
            .or(limit.map(Source::FromLimit)),
    };
    if explicit.is_some() {
        return explicit;
    }
    // An explicit key (zero) is not overwritten by LimitRanger.
    let key_set = match field {
        Field::Limit => c.limits.get(res).is_some(),
        Field::Request => c.requests.get(res).is_some() || c.limits.get(res).is_some(),
    };
    let pod_level = match field {
        Field::Limit => nonzero(v.pod_limits, res),
        Field::Request => nonzero(v.pod_requests, res).or_else(|| nonzero(v.pod_limits, res)),
    };
    if let Some(q) = pod_level {
        return Some(Source::PodLevel(q));
    }
    if key_set {
        return None;
    }
    v.ranges.iter().find_map(|(name, item)| {
        let order: &[&Option<BTreeMap<String, Quantity>>] = match field {
            Field::Limit => &[&item.default, &item.max],
            Field::Request => &[&item.default_request, &item.default, &item.max, &item.min],
        };
        order
            .iter()
            .find_map(|m| nonzero(List::Template(m.as_ref()), res))
            .map(|q| Source::LimitRange(name, q))
    })
}

// ---------------------------------------------------------------------------
// workload/readiness-probe, liveness-probe
// ---------------------------------------------------------------------------

pub static READINESS_PROBE: Check = Check {
    id: "workload/readiness-probe",
    title: "Containers behind a Service have a readiness probe",
    category: Category::Workload,
    severity: Severity::Warning,
    seeds: &["003", "004"],
    rationale: "Without a readiness probe a pod receives Service traffic as soon as its \
                containers start, before the application can answer, and keeps receiving \
                it when the application stops answering.",
    fix: Some("add probe template (tcpSocket on the first containerPort), edited before apply"),
    enabled_by_default: true,
    scope: Scope::Object {
        kinds: WORKLOAD_KINDS,
        run: readiness_probe,
    },
    reads: &["Service"],
};

fn readiness_probe(ctx: &Ctx, obj: &ObjRef, out: &mut Out) {
    let Some(w) = workload_of(ctx, obj, out) else {
        return;
    };
    // Services that publish not-ready addresses route to pods whatever their
    // readiness, so only the others make a readiness probe matter.
    let services: Vec<&str> = ctx
        .store
        .services_selecting(obj.namespace(), w.template_labels)
        .filter(|(_, s)| s.spec.as_ref().and_then(|s| s.publish_not_ready_addresses) != Some(true))
        .map(|(o, _)| o.name())
        .collect();
    if services.is_empty() {
        return;
    }
    let services = services.join(", ");
    // The pod is Ready (an endpoint of the Service) when its regular
    // containers and its native sidecars are ready (the kubelet's
    // ContainersReady condition). Run-to-completion init containers cannot
    // have probes and are done before the pod serves.
    let regular = w.spec.containers.iter().map(|c| (c, false));
    for (c, sidecar) in regular.chain(w.sidecars().map(|c| (c, true))) {
        let subject = Subject::container(obj, &c.name);
        if c.readiness_probe.is_some() {
            out.pass(subject, "has a readiness probe")
                .evidence("service", &services);
            continue;
        }
        let msg = if sidecar {
            format!(
                "native sidecar (init container with restartPolicy: Always) without a \
                 readiness probe: its readiness gates the pod's for Service {services}, and \
                 without a probe it counts as ready as soon as it starts"
            )
        } else {
            format!(
                "no readiness probe, but Service {services} sends it traffic: requests \
                 reach the pod before it can serve and after it stops answering"
            )
        };
        let r = out.fail(subject, msg);
        r.evidence("readinessProbe", "none")
            .evidence("service", &services);
        if sidecar {
            r.evidence(
                &format!("initContainers[{}].restartPolicy", c.name),
                "Always",
            );
        }
        if let Some(p) = c.ports.iter().flatten().next() {
            r.evidence("ports[0].containerPort", p.container_port);
        }
    }
}

pub static LIVENESS_PROBE: Check = Check {
    id: "workload/liveness-probe",
    title: "Long-running containers have a liveness probe",
    category: Category::Workload,
    severity: Severity::Info,
    seeds: &["004"],
    rationale: "A liveness probe lets the kubelet restart a container that is running but \
                stuck (deadlock, exhausted pool); without one it stays broken until someone \
                notices.",
    fix: Some("add probe template"),
    enabled_by_default: true,
    scope: Scope::Object {
        kinds: WORKLOAD_KINDS,
        run: liveness_probe,
    },
    reads: &[],
};

fn liveness_probe(ctx: &Ctx, obj: &ObjRef, out: &mut Out) {
    let Some(w) = workload_of(ctx, obj, out) else {
        return;
    };
    // Run-to-completion workloads (Jobs, CronJobs, Pods that do not restart)
    // finish on their own.
    if w.is_batch() {
        return;
    }
    // Native sidecars run for the pod's lifetime too, and the kubelet
    // restarts a sidecar whose liveness probe fails, as it does a regular
    // container. Run-to-completion init containers cannot have probes.
    let regular = w.spec.containers.iter().map(|c| (c, false));
    for (c, sidecar) in regular.chain(w.sidecars().map(|c| (c, true))) {
        let subject = Subject::container(obj, &c.name);
        if c.liveness_probe.is_some() {
            out.pass(subject, "has a liveness probe");
            continue;
        }
        let what = if sidecar {
            "native sidecar (init container with restartPolicy: Always) without a liveness \
             probe: it runs for the pod's lifetime, and"
        } else {
            "no liveness probe:"
        };
        let r = out.fail(
            subject,
            format!("{what} if it hangs without exiting, the kubelet never restarts it"),
        );
        r.evidence("livenessProbe", "none");
        if sidecar {
            r.evidence(
                &format!("initContainers[{}].restartPolicy", c.name),
                "Always",
            );
        }
    }
}

// ---------------------------------------------------------------------------
// workload/replicas
// ---------------------------------------------------------------------------

pub static REPLICAS: Check = Check {
    id: "workload/replicas",
    title: "Deployments and StatefulSets run at least 2 replicas",
    category: Category::Workload,
    severity: Severity::Warning,
    seeds: &["000"],
    rationale: "A single replica is a single point of failure: a node drain, an eviction or a \
                crash takes the service down.",
    fix: Some("scale to 2"),
    enabled_by_default: true,
    scope: Scope::Object {
        kinds: &["Deployment", "StatefulSet"],
        run: replicas,
    },
    reads: &["HorizontalPodAutoscaler"],
};

fn replicas(ctx: &Ctx, obj: &ObjRef, out: &mut Out) {
    let Some(w) = Workload::of(obj) else { return };
    let replicas = w.replicas.unwrap_or(1);
    let min = ctx.config.thresholds.min_replicas;
    let subject = Subject::of(obj);
    // An HPA owns spec.replicas: its minReplicas is the floor it may scale to.
    match hpa_min(ctx, obj) {
        Some((hpa, m)) if m >= min => {
            out.pass(subject, format!("HPA {hpa} keeps at least {m} replicas"))
                .evidence("hpa.spec.minReplicas", m);
        }
        Some((hpa, m)) => {
            out.fail(
                subject,
                format!("HPA {hpa} may scale it down to {m} replica(s), below {min}"),
            )
            .evidence("hpa.spec.minReplicas", m)
            .evidence("spec.replicas", replicas);
        }
        None if replicas >= min => {
            out.pass(subject, format!("{replicas} replicas"))
                .evidence("spec.replicas", replicas);
        }
        None => {
            out.fail(
                subject,
                format!("runs {replicas} replica(s), below {min}, and no HPA raises it"),
            )
            .evidence("spec.replicas", replicas);
        }
    }
}

/// The HPA targeting `obj` with the highest minReplicas (default 1).
fn hpa_min<'a>(ctx: &Ctx<'a>, obj: &'a Object) -> Option<(&'a str, i32)> {
    ctx.store
        .hpas_targeting(obj)
        .map(|(o, h)| (o.name(), h.spec.min_replicas.unwrap_or(1)))
        .max_by_key(|(_, m)| *m)
}

/// The replicas a scalable workload runs: spec.replicas, raised to an HPA's
/// minReplicas. `None` for kinds without a replica count.
fn effective_replicas(ctx: &Ctx, w: &Workload) -> Option<i32> {
    let r = w.replicas?;
    Some(hpa_min(ctx, w.obj).map_or(r, |(_, m)| r.max(m)))
}

// ---------------------------------------------------------------------------
// workload/pdb-present, pdb-allows-disruption
// ---------------------------------------------------------------------------

pub static PDB_PRESENT: Check = Check {
    id: "workload/pdb-present",
    title: "Multi-replica workloads are covered by a PodDisruptionBudget",
    category: Category::Workload,
    severity: Severity::Warning,
    seeds: &["003"],
    rationale: "Without a PodDisruptionBudget a node drain, a cluster-autoscaler scale-down or \
                a spot interruption may evict every replica at once.",
    fix: Some("create PDB `maxUnavailable: 1`"),
    enabled_by_default: true,
    scope: Scope::Object {
        kinds: SCALABLE_KINDS,
        run: pdb_present,
    },
    reads: &["PodDisruptionBudget", "HorizontalPodAutoscaler"],
};

fn pdb_present(ctx: &Ctx, obj: &ObjRef, out: &mut Out) {
    let Some(w) = workload_of(ctx, obj, out) else {
        return;
    };
    let Some(replicas) = effective_replicas(ctx, &w) else {
        return;
    };
    if replicas < MULTI_REPLICA {
        return;
    }
    let pdbs: Vec<&str> = ctx
        .store
        .pdbs_covering(obj.namespace(), w.template_labels)
        .map(|(o, _)| o.name())
        .collect();
    let subject = Subject::of(obj);
    if pdbs.is_empty() {
        out.fail(
            subject,
            format!(
                "{replicas} replicas and no PodDisruptionBudget selects its pods: a drain may \
                 evict them all at once"
            ),
        )
        .evidence("replicas", replicas)
        .evidence("template.labels", fmt_labels(w.template_labels));
    } else {
        out.pass(
            subject,
            format!("covered by PodDisruptionBudget {}", pdbs.join(", ")),
        )
        .evidence("pdb", pdbs.join(", "));
    }
}

pub static PDB_ALLOWS_DISRUPTION: Check = Check {
    id: "workload/pdb-allows-disruption",
    title: "PodDisruptionBudgets allow at least one eviction",
    category: Category::Workload,
    severity: Severity::Warning,
    seeds: &["003"],
    rationale: "A PDB that can never allow an eviction blocks every node drain: upgrades and \
                autoscaler scale-downs hang until someone deletes the PDB by hand.",
    fix: Some("patch PDB"),
    enabled_by_default: true,
    scope: Scope::Object {
        kinds: &["PodDisruptionBudget"],
        run: pdb_allows_disruption,
    },
    reads: &[
        "Deployment",
        "StatefulSet",
        "ReplicaSet",
        "DaemonSet",
        "PodDisruptionBudget",
    ],
};

/// A workload a PDB selects, with what the disruption controller counts.
struct Selected<'a> {
    obj: &'a ObjRef,
    labels: &'a Labels,
    /// spec.replicas (scale subresource) for scalable kinds; for DaemonSets,
    /// `None` (no scale subresource) and `pods` is the scheduled count.
    scale: Option<i32>,
    /// Pods it runs: replicas, or a DaemonSet's desiredNumberScheduled
    /// (`None` when the DaemonSet has no status).
    pods: Option<i32>,
}

fn pdb_allows_disruption(ctx: &Ctx, obj: &ObjRef, out: &mut Out) {
    let Some(pdb) = obj.typed::<PodDisruptionBudget>() else {
        return;
    };
    let subject = Subject::of(obj);
    let ns = obj.namespace();
    let spec = pdb.spec.as_ref();
    let mut selected: Vec<Selected> = Vec::new();
    for kind in ["Deployment", "StatefulSet", "ReplicaSet", "DaemonSet"] {
        for o in ctx.store.list_in(kind, ns) {
            let Some(w) = Workload::of(o) else { continue };
            if !crate::store::pdb_selects(obj, pdb, w.template_labels) {
                continue;
            }
            let (scale, pods) = match w.kind {
                WorkloadKind::DaemonSet => {
                    let desired = o
                        .typed::<DaemonSet>()
                        .and_then(|d| d.status.as_ref())
                        .map(|s| s.desired_number_scheduled);
                    (None, desired)
                }
                _ => (w.replicas, w.replicas),
            };
            selected.push(Selected {
                obj: o,
                labels: w.template_labels,
                scale,
                pods,
            });
        }
    }
    if selected.is_empty() {
        out.unknown(
            subject,
            "selects no Deployment, StatefulSet, ReplicaSet or DaemonSet: cannot tell how many \
             pods it protects",
        )
        .evidence(
            "spec.selector",
            fmt_selector(obj, spec.and_then(|s| s.selector.as_ref())),
        );
        return;
    }
    let names: Vec<String> = selected
        .iter()
        .map(|s| format!("{}/{}", s.obj.key.kind, s.obj.name()))
        .collect();
    let names = names.join(", ");

    // The eviction API refuses pods covered by more than one PDB.
    for s in &selected {
        let others: Vec<&str> = ctx
            .store
            .pdbs_covering(ns, s.labels)
            .map(|(o, _)| o.name())
            .filter(|n| *n != obj.name())
            .collect();
        if !others.is_empty() {
            out.fail(
                subject,
                format!(
                    "the pods of {}/{} are also selected by PDB {}: the eviction API refuses \
                     to evict a pod covered by more than one PDB, so drains block",
                    s.obj.key.kind,
                    s.obj.name(),
                    others.join(", ")
                ),
            )
            .evidence("selects", &names)
            .evidence("overlapping pdb", others.join(", "));
            return;
        }
    }

    let max_unavailable = spec.and_then(|s| s.max_unavailable.as_ref());
    // policy/v1beta1 defaulted minAvailable to 1 when neither is set.
    let v1beta1_default = IntOrString::Int(1);
    let min_available = spec
        .and_then(|s| s.min_available.as_ref())
        .or(
            (max_unavailable.is_none() && obj.api_version == "policy/v1beta1")
                .then_some(&v1beta1_default),
        );

    // maxUnavailable and percentage minAvailable are computed against the
    // scale subresource of the pods' controllers; DaemonSets have none, and
    // the disruption controller then allows no eviction.
    let needs_scale =
        max_unavailable.is_some() || matches!(min_available, Some(IntOrString::String(_)));
    if needs_scale && let Some(ds) = selected.iter().find(|s| s.scale.is_none()) {
        let field = if max_unavailable.is_some() {
            "maxUnavailable"
        } else {
            "a percentage minAvailable"
        };
        out.fail(
            subject,
            format!(
                "uses {field} over the pods of DaemonSet {}, which has no scale subresource: \
                 the disruption controller cannot compute the expected pod count and allows \
                 no eviction (use an integer minAvailable)",
                ds.obj.name()
            ),
        )
        .evidence("selects", &names);
        return;
    }
    if let Some(s) = selected.iter().find(|s| s.pods.is_none()) {
        out.unknown(
            subject,
            format!(
                "DaemonSet {} has no status: its pod count (desiredNumberScheduled) is unknown",
                s.obj.name()
            ),
        )
        .evidence("selects", &names);
        return;
    }
    let expected: i32 = selected.iter().map(|s| s.pods.unwrap_or(0)).sum();

    let (field, raw) = match (max_unavailable, min_available) {
        (Some(mu), _) => ("maxUnavailable", mu),
        (None, Some(ma)) => ("minAvailable", ma),
        (None, None) => {
            out.pass(
                subject,
                "sets neither minAvailable nor maxUnavailable: it allows every eviction",
            )
            .evidence("selects", &names);
            return;
        }
    };
    // The disruption controller rounds both fields up.
    let resolved = match scaled_value(raw, expected, true) {
        Ok(n) => n,
        Err(e) => {
            out.unknown(subject, format!("spec.{field}: {e}"));
            return;
        }
    };
    let raw_s = fmt_int_or_string(raw);
    let desired_healthy = if field == "maxUnavailable" {
        (expected - resolved).max(0)
    } else {
        resolved
    };
    let disruptions = expected - desired_healthy;
    if field == "maxUnavailable" && scaled_value(raw, 100, true) == Ok(0) {
        out.fail(
            subject,
            format!("maxUnavailable is {raw_s}: it never allows an eviction, so drains block"),
        )
        .evidence("spec.maxUnavailable", &raw_s)
        .evidence("selects", &names);
    } else if expected == 0 {
        out.pass(
            subject,
            format!("the workloads it selects ({names}) are scaled to 0: nothing to evict"),
        )
        .evidence(&format!("spec.{field}"), &raw_s);
    } else if disruptions <= 0 {
        let detail = if raw_s.ends_with('%') {
            format!("{raw_s} of {expected} rounds up to {resolved}")
        } else {
            raw_s.clone()
        };
        out.fail(
            subject,
            format!(
                "minAvailable {detail}, and the pods it selects number {expected}: it never \
                 allows an eviction, so drains block"
            ),
        )
        .evidence("spec.minAvailable", &raw_s)
        .evidence("expected pods", expected)
        .evidence("selects", &names);
    } else {
        out.pass(
            subject,
            format!(
                "{field} {raw_s} allows {disruptions} of {expected} pods to be evicted at once"
            ),
        )
        .evidence(&format!("spec.{field}"), &raw_s)
        .evidence("expected pods", expected)
        .evidence("selects", &names);
    }
}

/// `intstr.GetScaledValueFromIntOrPercent`: an int as is, a percentage of
/// `total` rounded up or down. A string without `%` is invalid.
fn scaled_value(v: &IntOrString, total: i32, round_up: bool) -> Result<i32, String> {
    match v {
        IntOrString::Int(i) => Ok(*i),
        IntOrString::String(s) => {
            let p: i64 = s
                .strip_suffix('%')
                .and_then(|p| p.trim().parse().ok())
                .ok_or_else(|| format!("{s:?} is neither an integer nor a percentage"))?;
            let total = i64::from(total);
            let v = if round_up {
                (p * total + 99).div_euclid(100)
            } else {
                (p * total).div_euclid(100)
            };
            Ok(v.clamp(i64::from(i32::MIN), i64::from(i32::MAX)) as i32)
        }
    }
}

fn fmt_int_or_string(v: &IntOrString) -> String {
    match v {
        IntOrString::Int(i) => i.to_string(),
        IntOrString::String(s) => s.clone(),
    }
}

// ---------------------------------------------------------------------------
// workload/rollout-strategy
// ---------------------------------------------------------------------------

pub static ROLLOUT_STRATEGY: Check = Check {
    id: "workload/rollout-strategy",
    title: "Multi-replica Deployments roll out without taking every replica down",
    category: Category::Workload,
    severity: Severity::Warning,
    seeds: &["003"],
    rationale: "Recreate, or a RollingUpdate whose maxUnavailable covers every replica, stops \
                all pods before new ones are ready: every rollout is an outage.",
    fix: Some("patch strategy (maxSurge 25%, maxUnavailable 0 or 1)"),
    enabled_by_default: true,
    scope: Scope::Object {
        kinds: &["Deployment"],
        run: rollout_strategy,
    },
    reads: &["HorizontalPodAutoscaler"],
};

fn rollout_strategy(ctx: &Ctx, obj: &ObjRef, out: &mut Out) {
    let Some(d) = obj.typed::<Deployment>() else {
        return;
    };
    let Some(w) = Workload::of(obj) else { return };
    let Some(replicas) = effective_replicas(ctx, &w) else {
        return;
    };
    if replicas < MULTI_REPLICA {
        return;
    }
    let subject = Subject::of(obj);
    let strategy = d.spec.strategy.as_ref();
    let type_ = strategy
        .and_then(|s| s.type_.as_deref())
        .unwrap_or("RollingUpdate");
    if type_ == "Recreate" {
        out.fail(
            subject,
            format!(
                "strategy Recreate with {replicas} replicas: every rollout stops all pods \
                 before starting new ones"
            ),
        )
        .evidence("spec.strategy.type", "Recreate")
        .evidence("replicas", replicas);
        return;
    }
    if type_ != "RollingUpdate" {
        out.unknown(subject, format!("unknown strategy type {type_:?}"))
            .evidence("spec.strategy.type", type_);
        return;
    }
    let ru = strategy.and_then(|s| s.rolling_update.as_ref());
    let default = IntOrString::String("25%".into());
    let mu = ru
        .and_then(|r| r.max_unavailable.as_ref())
        .unwrap_or(&default);
    let ms = ru.and_then(|r| r.max_surge.as_ref()).unwrap_or(&default);
    // deploymentutil.ResolveFenceposts: surge rounds up, unavailable down,
    // and both 0 means unavailable 1.
    let (surge, unavailable) = match (
        scaled_value(ms, replicas, true),
        scaled_value(mu, replicas, false),
    ) {
        (Ok(s), Ok(u)) => (s, if s == 0 && u == 0 { 1 } else { u }),
        (Err(e), _) | (_, Err(e)) => {
            out.unknown(subject, format!("spec.strategy.rollingUpdate: {e}"));
            return;
        }
    };
    let raw = fmt_int_or_string(mu);
    if unavailable >= replicas {
        out.fail(
            subject,
            format!(
                "maxUnavailable {raw} resolves to {unavailable} of {replicas} replicas: a \
                 rollout may take every replica down at once"
            ),
        )
        .evidence("spec.strategy.rollingUpdate.maxUnavailable", &raw)
        .evidence("replicas", replicas);
    } else {
        out.pass(
            subject,
            format!(
                "RollingUpdate keeps at least {} of {replicas} replicas up (maxUnavailable \
                 {raw} = {unavailable}, maxSurge {} = {surge})",
                replicas - unavailable,
                fmt_int_or_string(ms)
            ),
        )
        .evidence("spec.strategy.rollingUpdate.maxUnavailable", &raw);
    }
}

// ---------------------------------------------------------------------------
// workload/spread
// ---------------------------------------------------------------------------

pub static SPREAD: Check = Check {
    id: "workload/spread",
    title: "Multi-replica workloads spread across nodes or zones",
    category: Category::Workload,
    severity: Severity::Info,
    seeds: &["000", "003"],
    rationale: "Replicas the scheduler packs onto one node or one zone fail together when \
                that node or zone does.",
    fix: Some("add topologySpreadConstraints (zone, ScheduleAnyway)"),
    enabled_by_default: true,
    scope: Scope::Object {
        kinds: SCALABLE_KINDS,
        run: spread,
    },
    reads: &["HorizontalPodAutoscaler", "Namespace"],
};

const SPREAD_KEYS: &[&str] = &[
    "kubernetes.io/hostname",
    "topology.kubernetes.io/zone",
    // Deprecated zone label, still set on older clusters.
    "failure-domain.beta.kubernetes.io/zone",
];

fn spread(ctx: &Ctx, obj: &ObjRef, out: &mut Out) {
    let Some(w) = workload_of(ctx, obj, out) else {
        return;
    };
    let Some(replicas) = effective_replicas(ctx, &w) else {
        return;
    };
    if replicas < MULTI_REPLICA {
        return;
    }
    let subject = Subject::of(obj);
    let labels = w.template_labels;
    // A constraint spreads the workload only when its selector picks the
    // workload's own pods (a missing selector counts no pods).
    let tsc = w
        .spec
        .topology_spread_constraints
        .iter()
        .flatten()
        .find(|t| {
            SPREAD_KEYS.contains(&t.topology_key.as_str())
                && t.label_selector
                    .as_ref()
                    .is_some_and(|s| selector::matches(s, labels))
        });
    if let Some(t) = tsc {
        out.pass(
            subject,
            format!(
                "topologySpreadConstraint over {} (maxSkew {}, {})",
                t.topology_key, t.max_skew, t.when_unsatisfiable
            ),
        )
        .evidence("topologySpreadConstraints.topologyKey", &t.topology_key);
        return;
    }
    let anti = w
        .spec
        .affinity
        .as_ref()
        .and_then(|a| a.pod_anti_affinity.as_ref());
    let required = anti
        .and_then(|a| {
            a.required_during_scheduling_ignored_during_execution
                .as_ref()
        })
        .into_iter()
        .flatten()
        .map(|t| (t, "required"));
    let preferred = anti
        .and_then(|a| {
            a.preferred_during_scheduling_ignored_during_execution
                .as_ref()
        })
        .into_iter()
        .flatten()
        .filter(|t| t.weight > 0)
        .map(|t| (&t.pod_affinity_term, "preferred"));
    let term = required.chain(preferred).find(|(t, _)| {
        SPREAD_KEYS.contains(&t.topology_key.as_str())
            && t.label_selector
                .as_ref()
                .is_some_and(|s| selector::matches(s, labels))
            && term_covers_namespace(ctx, t, obj.namespace())
    });
    if let Some((t, how)) = term {
        out.pass(
            subject,
            format!("{how} pod anti-affinity over {}", t.topology_key),
        )
        .evidence("podAntiAffinity.topologyKey", &t.topology_key);
        return;
    }
    out.fail(
        subject,
        format!(
            "{replicas} replicas and no topologySpreadConstraints or pod anti-affinity over \
             hostname or zone that selects its own pods: they may all land on one node"
        ),
    )
    .evidence("replicas", replicas)
    .evidence(
        "topologySpreadConstraints",
        w.spec
            .topology_spread_constraints
            .as_ref()
            .map_or(0, Vec::len),
    );
}

/// Whether a pod (anti-)affinity term counts pods of `ns`: its own namespace
/// when neither `namespaces` nor `namespaceSelector` is set, else the union
/// of the listed namespaces and those the selector matches.
fn term_covers_namespace(ctx: &Ctx, t: &PodAffinityTerm, ns: &str) -> bool {
    let listed = t.namespaces.as_deref().unwrap_or(&[]);
    match &t.namespace_selector {
        None => listed.is_empty() || listed.iter().any(|n| n == ns),
        Some(sel) => {
            if listed.iter().any(|n| n == ns) || selector::is_empty(sel) {
                return true;
            }
            let mut labels = ctx
                .store
                .get_named("Namespace", "", ns)
                .map(|o| o.labels().clone())
                .unwrap_or_default();
            labels.insert("kubernetes.io/metadata.name".into(), ns.to_string());
            selector::matches(sel, &labels)
        }
    }
}

// ---------------------------------------------------------------------------
// workload/image-tag-pinned
// ---------------------------------------------------------------------------

pub static IMAGE_TAG_PINNED: Check = Check {
    id: "workload/image-tag-pinned",
    title: "Images are pinned to a tag or digest",
    category: Category::Workload,
    severity: Severity::Warning,
    seeds: &["000", "001"],
    rationale: "An image without a tag, or tagged `latest`, changes under the workload: two \
                replicas may run different code and a rollback cannot return to a known \
                version. Edit the tag to a released version or pin a digest.",
    fix: None,
    enabled_by_default: true,
    scope: Scope::Object {
        kinds: WORKLOAD_KINDS,
        run: image_tag_pinned,
    },
    reads: &[],
};

fn image_tag_pinned(ctx: &Ctx, obj: &ObjRef, out: &mut Out) {
    let Some(w) = workload_of(ctx, obj, out) else {
        return;
    };
    // Native sidecars are in `containers()`: they run the pod's whole life.
    // Ephemeral (debug) containers are not judged here: the rule is about
    // replicas running the same code and rollbacks returning to a known
    // version, and a debug container runs once, in one pod, and is never
    // rolled out or back (`busybox:latest` there is no reliability risk).
    // The security checks judge them.
    for c in w.containers() {
        let subject = Subject::container(obj, &c.name);
        let image = c.image.as_deref().unwrap_or("").trim();
        if image.is_empty() {
            out.fail(subject, "no image set").evidence("image", "none");
            continue;
        }
        let r = ImageRef::parse(image);
        if let Some(d) = r.digest {
            out.pass(subject, format!("pinned by digest {d}"))
                .evidence("image", image);
        } else if r.is_pinned() {
            out.pass(subject, format!("tag {}", r.tag.unwrap_or_default()))
                .evidence("image", image);
        } else {
            let why = match r.tag {
                Some(t) => format!("image {image} uses the moving tag :{t}"),
                None => format!("image {image} has no tag, so it pulls :latest"),
            };
            out.fail(subject, format!("{why}: edit it to a released version"))
                .evidence("image", image);
        }
    }
}

// ---------------------------------------------------------------------------
// workload/naked-pod
// ---------------------------------------------------------------------------

pub static NAKED_POD: Check = Check {
    id: "workload/naked-pod",
    title: "Pods are managed by a controller",
    category: Category::Workload,
    severity: Severity::Warning,
    seeds: &["004"],
    rationale: "A Pod no controller owns is not recreated when its node fails or it is \
                evicted; run it from a Deployment, StatefulSet, DaemonSet or Job.",
    fix: None,
    enabled_by_default: true,
    scope: Scope::Object {
        kinds: &["Pod"],
        run: naked_pod,
    },
    reads: &[],
};

/// The kubelet marks the API mirror of a static pod with this annotation.
use crate::model::pod::annotation::MIRROR as MIRROR_ANNOTATION;

fn naked_pod(_ctx: &Ctx, obj: &ObjRef, out: &mut Out) {
    let subject = Subject::of(obj);
    if let Some((kind, name)) = obj.controller() {
        out.pass(subject, format!("controlled by {kind} {name}"))
            .evidence("ownerReferences.controller", format!("{kind}/{name}"));
    } else if obj.annotations().contains_key(MIRROR_ANNOTATION) {
        out.pass(subject, "static pod: the kubelet on its node manages it")
            .evidence("annotations", MIRROR_ANNOTATION);
    } else {
        let phase = obj
            .typed::<Pod>()
            .and_then(|p| p.status.as_ref())
            .and_then(|s| s.phase.as_deref())
            .unwrap_or("unknown");
        let r = out.fail(
            subject,
            "no controller owns this pod: it is not recreated if its node fails or it is evicted",
        );
        r.evidence("ownerReferences.controller", "none")
            .evidence("status.phase", phase);
        if let Some(owners) = obj.meta.owner_references.as_ref().filter(|o| !o.is_empty()) {
            let o: Vec<String> = owners
                .iter()
                .map(|o| format!("{}/{}", o.kind, o.name))
                .collect();
            r.evidence("ownerReferences (not controllers)", o.join(", "));
        }
    }
}

// ---------------------------------------------------------------------------
// workload/crashloop
// ---------------------------------------------------------------------------

pub static CRASHLOOP: Check = Check {
    id: "workload/crashloop",
    title: "Containers are not crash-looping",
    category: Category::Workload,
    severity: Severity::Error,
    seeds: &["004"],
    rationale: "A container in CrashLoopBackOff, or one that keeps restarting, is down or \
                flapping; the last termination reason and the pod's events say why.",
    fix: None,
    enabled_by_default: true,
    scope: Scope::Object {
        kinds: &["Pod"],
        run: crashloop,
    },
    reads: &["Event"],
};

/// How many of a pod's recent Warning events are shown as evidence.
const CRASHLOOP_EVENTS: usize = 3;

fn crashloop(ctx: &Ctx, obj: &ObjRef, out: &mut Out) {
    let Some(pod) = obj.typed::<Pod>() else {
        return;
    };
    let status = pod.status.as_ref();
    let statuses: Vec<(&ContainerStatus, &str)> = status
        .into_iter()
        .flat_map(|s| {
            let init = s
                .init_container_statuses
                .iter()
                .flatten()
                .map(|c| (c, "initContainerStatuses"));
            s.container_statuses
                .iter()
                .flatten()
                .map(|c| (c, "containerStatuses"))
                .chain(init)
        })
        .collect();
    if statuses.is_empty() {
        let phase = status.and_then(|s| s.phase.as_deref());
        out.unknown(
            Subject::of(obj),
            match phase {
                Some(p) => format!("no container statuses reported (phase {p})"),
                None => "the pod has no status".to_string(),
            },
        );
        return;
    }
    let threshold = ctx.config.thresholds.crashloop_restarts;
    // Native sidecars report in initContainerStatuses; they restart for the
    // pod's lifetime, so their restarts count as a regular container's.
    let sidecar = |name: &str| {
        pod.spec
            .iter()
            .flat_map(|s| s.init_containers.iter().flatten())
            .any(|c| c.name == name && c.is_sidecar())
    };
    for (cs, field) in statuses {
        let subject = Subject::container(obj, &cs.name);
        let sidecar = field == "initContainerStatuses" && sidecar(&cs.name);
        let waiting = cs
            .state
            .as_ref()
            .and_then(|s| s.waiting.as_ref())
            .and_then(|w| w.reason.as_deref());
        let crashloop = waiting == Some("CrashLoopBackOff");
        if !crashloop && cs.restart_count <= threshold {
            out.pass(
                subject,
                format!("{} restart(s), not crash-looping", cs.restart_count),
            )
            .evidence(&format!("{field}.restartCount"), cs.restart_count);
            continue;
        }
        // The last termination: the previous run's (lastState), or the
        // current state when the container is terminated now.
        let term = cs
            .last_state
            .as_ref()
            .and_then(|s| s.terminated.as_ref())
            .or_else(|| cs.state.as_ref().and_then(|s| s.terminated.as_ref()));
        let last = term.map(|t| {
            let mut s = format!(
                "last terminated: {}, exit code {}",
                t.reason.as_deref().unwrap_or("no reason"),
                t.exit_code
            );
            if let Some(f) = &t.finished_at {
                s.push_str(&format!(" ({} ago)", human_duration(ctx.age_secs(f.0))));
            }
            s
        });
        let head = if crashloop {
            format!("in CrashLoopBackOff after {} restart(s)", cs.restart_count)
        } else {
            format!(
                "restarted {} times since the pod started{}, above {threshold}",
                cs.restart_count,
                pod_age(ctx, obj, pod)
                    .map(|a| format!(" {a} ago"))
                    .unwrap_or_default()
            )
        };
        let head = if sidecar {
            format!("native sidecar {head}")
        } else {
            head
        };
        let msg = match &last {
            Some(l) => format!("{head}; {l}"),
            None => head,
        };
        let r = out.fail(subject, msg);
        r.evidence(&format!("{field}.restartCount"), cs.restart_count);
        if sidecar {
            r.evidence(
                &format!("initContainers[{}].restartPolicy", cs.name),
                "Always",
            );
        }
        if let Some(w) = waiting {
            r.evidence(&format!("{field}.state.waiting.reason"), w);
        }
        if let Some(t) = term {
            r.evidence(
                &format!("{field}.lastState.terminated.reason"),
                t.reason.as_deref().unwrap_or("none"),
            )
            .evidence(
                &format!("{field}.lastState.terminated.exitCode"),
                t.exit_code,
            );
            if let Some(m) = t
                .message
                .as_deref()
                .map(str::trim)
                .filter(|m| !m.is_empty())
            {
                r.evidence(
                    &format!("{field}.lastState.terminated.message"),
                    truncate(m, 200),
                );
            }
        }
        for e in recent_warnings(ctx, obj, &cs.name) {
            r.evidence("event", e);
        }
    }
}

fn pod_age(ctx: &Ctx, obj: &Object, pod: &Pod) -> Option<String> {
    let start = pod
        .status
        .as_ref()
        .and_then(|s| s.start_time.as_ref())
        .or(obj.meta.creation_timestamp.as_ref())?;
    Some(human_duration(ctx.age_secs(start.0)))
}

/// The latest Warning events about this pod (and this container, when the
/// event names one), newest first, as `Reason (×count): message`.
fn recent_warnings(ctx: &Ctx, obj: &Object, container: &str) -> Vec<String> {
    let uid = obj.meta.uid.as_deref();
    let suffix = format!("{{{container}}}");
    let mut events: Vec<(Option<Timestamp>, String)> = ctx
        .store
        .typed_in::<Event>(obj.namespace())
        .map(|(_, e)| e)
        .filter(|e| {
            let io = &e.involved_object;
            io.kind.as_deref() == Some("Pod")
                && io.name.as_deref() == Some(obj.name())
                && (uid.is_none() || io.uid.is_none() || io.uid.as_deref() == uid)
                && io
                    .field_path
                    .as_deref()
                    .is_none_or(|f| f.ends_with(&suffix))
                && e.type_.as_deref() == Some("Warning")
        })
        .map(|e| {
            let when = e
                .last_timestamp
                .as_ref()
                .map(|t| t.0)
                .or(e.event_time.as_ref().map(|t| t.0))
                .or(e.first_timestamp.as_ref().map(|t| t.0));
            let count = e
                .series
                .as_ref()
                .and_then(|s| s.count)
                .or(e.count)
                .filter(|c| *c > 1)
                .map(|c| format!(" (×{c})"))
                .unwrap_or_default();
            let text = format!(
                "{}{count}: {}",
                e.reason.as_deref().unwrap_or("Warning"),
                truncate(e.message.as_deref().unwrap_or("").trim(), 200)
            );
            (when, text)
        })
        .collect();
    events.sort_by_key(|e| std::cmp::Reverse(e.0));
    events
        .into_iter()
        .take(CRASHLOOP_EVENTS)
        .map(|(_, t)| t)
        .collect()
}

// ---------------------------------------------------------------------------
// workload/not-ready
// ---------------------------------------------------------------------------

pub static NOT_READY: Check = Check {
    id: "workload/not-ready",
    title: "Workloads have all their replicas ready",
    category: Category::Workload,
    severity: Severity::Error,
    seeds: &["004"],
    rationale: "A workload short of ready replicas for more than a few minutes is degraded: \
                a rollout is stuck, pods crash, or they cannot be scheduled.",
    fix: None,
    enabled_by_default: true,
    scope: Scope::Object {
        kinds: &["Deployment", "StatefulSet", "DaemonSet", "ReplicaSet"],
        run: not_ready,
    },
    reads: &["Pod", "ReplicaSet"],
};

fn not_ready(ctx: &Ctx, obj: &ObjRef, out: &mut Out) {
    // The counts are in the status, which is kept even where the pod
    // template is not.
    let kind = match role(ctx, obj) {
        Role::Workload(w) => w.kind,
        Role::Unread { kind, .. } => kind,
        Role::Other => return,
    };
    let subject = Subject::of(obj);
    // (desired, ready, field names, conditions that mark "short since").
    let mut since: Vec<(Timestamp, String)> = Vec::new();
    let counts = match kind {
        WorkloadKind::Deployment => obj.typed::<Deployment>().and_then(|d| {
            let s = d.status.as_ref()?;
            for c in s.conditions.iter().flatten() {
                let bad = matches!(
                    (c.type_.as_deref(), c.status.as_deref()),
                    (Some("Available"), Some("False"))
                        | (Some("Progressing"), Some("False"))
                        | (Some("ReplicaFailure"), Some("True"))
                );
                if bad && let Some(t) = &c.last_transition_time {
                    since.push((
                        t.0,
                        format!(
                            "condition {}={} ({})",
                            c.type_.as_deref().unwrap_or(""),
                            c.status.as_deref().unwrap_or(""),
                            c.reason.as_deref().unwrap_or("no reason")
                        ),
                    ));
                }
            }
            Some((
                d.spec.replicas.unwrap_or(1),
                s.ready_replicas.unwrap_or(0),
                "spec.replicas",
                "status.readyReplicas",
            ))
        }),
        WorkloadKind::StatefulSet => obj.typed::<StatefulSet>().and_then(|d| {
            let s = d.status.as_ref()?;
            Some((
                d.spec.replicas.unwrap_or(1),
                s.ready_replicas.unwrap_or(0),
                "spec.replicas",
                "status.readyReplicas",
            ))
        }),
        WorkloadKind::ReplicaSet => obj.typed::<ReplicaSet>().and_then(|d| {
            let s = d.status.as_ref()?;
            Some((
                d.spec.replicas.unwrap_or(1),
                s.ready_replicas.unwrap_or(0),
                "spec.replicas",
                "status.readyReplicas",
            ))
        }),
        WorkloadKind::DaemonSet => obj.typed::<DaemonSet>().and_then(|d| {
            let s = d.status.as_ref()?;
            Some((
                s.desired_number_scheduled,
                s.number_ready,
                "status.desiredNumberScheduled",
                "status.numberReady",
            ))
        }),
        _ => return,
    };
    let Some((desired, ready, desired_field, ready_field)) = counts else {
        out.unknown(
            subject,
            "no status: the controller has not reported ready replicas",
        );
        return;
    };
    if ready >= desired {
        out.pass(subject, format!("{ready}/{desired} replicas ready"))
            .evidence(ready_field, ready);
        return;
    }
    // The oldest pod that is not ready tells how long the workload has been short.
    for p in ctx.store.pods_of(obj) {
        let Some(pod) = p.typed::<Pod>() else {
            continue;
        };
        if p.meta.deletion_timestamp.is_some() {
            continue;
        }
        let status = pod.status.as_ref();
        if matches!(
            status.and_then(|s| s.phase.as_deref()),
            Some("Succeeded" | "Failed")
        ) {
            continue;
        }
        let ready_cond = status
            .and_then(|s| s.conditions.as_ref())
            .and_then(|cs| cs.iter().find(|c| c.type_ == "Ready"));
        let t = match ready_cond {
            Some(c) if c.status == "True" => continue,
            Some(c) => c.last_transition_time.as_ref().map(|t| t.0),
            None => None,
        }
        .or(p.meta.creation_timestamp.as_ref().map(|t| t.0));
        if let Some(t) = t {
            since.push((t, format!("pod {} not ready", p.name())));
        }
    }
    let threshold = ctx.config.thresholds.not_ready_minutes * 60;
    let oldest = since.into_iter().min_by_key(|(t, _)| *t);
    let Some((t, why)) = oldest else {
        out.unknown(
            subject,
            format!("{ready}/{desired} replicas ready, but no condition or pod shows since when"),
        )
        .evidence(desired_field, desired)
        .evidence(ready_field, ready);
        return;
    };
    let age = ctx.age_secs(t);
    if age > threshold {
        out.fail(
            subject,
            format!(
                "{ready}/{desired} replicas ready for {} (since {t}: {why}), longer than {}",
                human_duration(age),
                human_duration(threshold)
            ),
        )
        .evidence(desired_field, desired)
        .evidence(ready_field, ready)
        .evidence("not ready since", t);
    } else {
        out.pass(
            subject,
            format!(
                "{ready}/{desired} replicas ready for {} ({why}), within the {} grace period",
                human_duration(age),
                human_duration(threshold)
            ),
        )
        .evidence(desired_field, desired)
        .evidence(ready_field, ready)
        .evidence("not ready since", t);
    }
}

// ---------------------------------------------------------------------------
// workload/critical-on-spot
// ---------------------------------------------------------------------------

pub static CRITICAL_ON_SPOT: Check = Check {
    id: "workload/critical-on-spot",
    title: "Critical pods do not run on spot nodes without an on-demand preference",
    category: Category::Workload,
    severity: Severity::Warning,
    seeds: &["003"],
    rationale: "Spot and preemptible nodes are reclaimed at short notice; pods of critical \
                workloads (those with a PDB or a high PriorityClass) belong on on-demand \
                capacity, with spot only for overflow.",
    fix: Some("add preferred nodeAffinity for on-demand"),
    enabled_by_default: true,
    scope: Scope::Object {
        kinds: &["Pod"],
        run: critical_on_spot,
    },
    reads: &["Node", "PodDisruptionBudget", "PriorityClass"],
};

/// Node labels that mark spot/preemptible capacity, with their spot value.
const SPOT_LABELS: &[(&str, &str)] = &[
    ("eks.amazonaws.com/capacityType", "SPOT"),
    ("cloud.google.com/gke-spot", "true"),
    ("cloud.google.com/gke-preemptible", "true"),
    ("karpenter.sh/capacity-type", "spot"),
    ("kubernetes.azure.com/scalesetpriority", "spot"),
];

/// Values of the built-in PriorityClasses, which need not be in the store.
const BUILTIN_PRIORITIES: &[(&str, i32)] = &[
    ("system-cluster-critical", 2_000_000_000),
    ("system-node-critical", 2_000_001_000),
];

fn critical_on_spot(ctx: &Ctx, obj: &ObjRef, out: &mut Out) {
    let Some(pod) = obj.typed::<Pod>() else {
        return;
    };
    let Some(spec) = pod.spec.as_ref() else {
        return;
    };
    // DaemonSet pods run on every node by design.
    if obj.controller().is_some_and(|(k, _)| k == "DaemonSet") {
        return;
    }
    let phase = pod.status.as_ref().and_then(|s| s.phase.as_deref());
    if matches!(phase, Some("Succeeded" | "Failed")) {
        return;
    }
    let Some(node_name) = spec.node_name.as_deref().filter(|n| !n.is_empty()) else {
        return;
    };
    let ns = obj.namespace();
    let pdbs: Vec<&str> = ctx
        .store
        .pdbs_covering(ns, obj.labels())
        .map(|(o, _)| o.name())
        .collect();
    let threshold = ctx.config.thresholds.high_priority_value;
    let priority = pod_priority(ctx, spec).filter(|(_, v)| *v >= threshold);
    let why = match (pdbs.first(), &priority) {
        (Some(_), _) => format!("covered by PDB {}", pdbs.join(", ")),
        (None, Some((class, v))) => {
            format!("priority class {class} = {v}, at or above {threshold}")
        }
        (None, None) => return,
    };
    let subject = Subject::of(obj);
    let Some(node) = ctx
        .store
        .get_named("Node", "", node_name)
        .and_then(|n| n.typed::<Node>().map(|t| (n, t)))
    else {
        out.unknown(
            subject,
            format!(
                "runs on node {node_name}, which is not in the snapshot: cannot tell if it is spot"
            ),
        )
        .evidence("spec.nodeName", node_name);
        return;
    };
    let node_labels = node.0.labels();
    let spot = SPOT_LABELS.iter().find(|(k, v)| {
        node_labels
            .get(*k)
            .is_some_and(|x| x.eq_ignore_ascii_case(v))
    });
    let Some((spot_key, spot_value)) = spot else {
        out.pass(
            subject,
            format!("critical ({why}), on non-spot node {node_name}"),
        )
        .evidence("spec.nodeName", node_name);
        return;
    };
    if let Some(how) = on_demand_affinity(spec) {
        out.pass(
            subject,
            format!("critical ({why}) on spot node {node_name}, but it {how}"),
        )
        .evidence("spec.nodeName", node_name)
        .evidence(&format!("node label {spot_key}"), spot_value);
        return;
    }
    let r = out.fail(
        subject,
        format!(
            "critical ({why}) but runs on spot node {node_name} ({spot_key}={spot_value}) with \
             no on-demand node affinity: a reclaim takes it down at short notice"
        ),
    );
    r.evidence("spec.nodeName", node_name)
        .evidence(&format!("node label {spot_key}"), spot_value);
    if let Some((class, v)) = &priority {
        r.evidence("priority", format!("{v} ({class})"));
        r.evidence("high-priority-value", threshold);
    }
    if !pdbs.is_empty() {
        r.evidence("pdb", pdbs.join(", "));
    }
}

/// The pod's priority: spec.priority (set at admission), else its
/// PriorityClass's value, else the globalDefault class's.
fn pod_priority(ctx: &Ctx, spec: &pod::PodSpec) -> Option<(String, i32)> {
    let class = spec
        .priority_class_name
        .as_deref()
        .filter(|c| !c.is_empty());
    if let Some(p) = spec.priority {
        return Some((class.unwrap_or("spec.priority").to_string(), p));
    }
    let value_of = |pc: &PriorityClass| pc.value.unwrap_or(0);
    match class {
        Some(c) => ctx
            .store
            .get_named("PriorityClass", "", c)
            .and_then(|o| o.typed::<PriorityClass>())
            .map(value_of)
            .or_else(|| {
                BUILTIN_PRIORITIES
                    .iter()
                    .find(|(n, _)| *n == c)
                    .map(|(_, v)| *v)
            })
            .map(|v| (c.to_string(), v)),
        None => ctx
            .store
            .typed::<PriorityClass>()
            .find(|(_, pc)| pc.global_default == Some(true))
            .map(|(o, pc)| (format!("{} (globalDefault)", o.name()), value_of(pc))),
    }
}

/// Whether a node requirement rules out a node labelled `key=spot_value`.
fn excludes_spot(r: &NodeSelectorRequirement) -> bool {
    SPOT_LABELS.iter().any(|(key, spot)| {
        if r.key != *key {
            return false;
        }
        let values = r.values.as_deref().unwrap_or(&[]);
        let has_spot = values.iter().any(|v| v.eq_ignore_ascii_case(spot));
        match r.operator.as_str() {
            "In" => !has_spot,
            "NotIn" => has_spot,
            "DoesNotExist" => true,
            _ => false,
        }
    })
}

fn term_excludes_spot(t: &NodeSelectorTerm) -> bool {
    t.match_expressions.iter().flatten().any(excludes_spot)
}

/// How the pod asks for on-demand nodes, if it does: a nodeSelector on a
/// spot label with a non-spot value, required node affinity whose every term
/// rules spot out, or a preferred term that does.
fn on_demand_affinity(spec: &pod::PodSpec) -> Option<String> {
    if let Some((k, v)) = spec.node_selector.iter().flatten().find(|(k, v)| {
        SPOT_LABELS
            .iter()
            .any(|(key, spot)| key == k && !v.eq_ignore_ascii_case(spot))
    }) {
        return Some(format!("selects on-demand nodes with nodeSelector {k}={v}"));
    }
    let na = spec.affinity.as_ref()?.node_affinity.as_ref()?;
    if let Some(req) = &na.required_during_scheduling_ignored_during_execution
        && !req.node_selector_terms.is_empty()
        && req.node_selector_terms.iter().all(term_excludes_spot)
    {
        return Some("requires on-demand nodes by node affinity".into());
    }
    na.preferred_during_scheduling_ignored_during_execution
        .iter()
        .flatten()
        .find(|p| p.weight > 0 && term_excludes_spot(&p.preference))
        .map(|p| {
            format!(
                "prefers on-demand nodes by node affinity (weight {})",
                p.weight
            )
        })
}

// ---------------------------------------------------------------------------
// workload/default-namespace
// ---------------------------------------------------------------------------

pub static DEFAULT_NAMESPACE: Check = Check {
    id: "workload/default-namespace",
    title: "Workloads do not run in the default namespace",
    category: Category::Workload,
    severity: Severity::Info,
    seeds: &["000", "004"],
    rationale: "The default namespace gets no quota, network policy or RBAC of its own by \
                design; workloads there are easy to lose track of and hard to isolate.",
    fix: None,
    enabled_by_default: true,
    scope: Scope::Object {
        kinds: WORKLOAD_KINDS,
        run: default_namespace,
    },
    reads: &[],
};

fn default_namespace(ctx: &Ctx, obj: &ObjRef, out: &mut Out) {
    // Only the namespace is read: decided even where the spec is not kept.
    if matches!(role(ctx, obj), Role::Other) {
        return;
    }
    let subject = Subject::of(obj);
    if obj.namespace() == "default" {
        out.fail(
            subject,
            format!(
                "{} runs in the default namespace: move it to a namespace of its own",
                obj.key.kind
            ),
        )
        .evidence("metadata.namespace", "default");
    } else {
        out.pass(subject, format!("runs in namespace {}", obj.namespace()));
    }
}

// ---------------------------------------------------------------------------
// Formatting
// ---------------------------------------------------------------------------

fn fmt_labels(l: &Labels) -> String {
    if l.is_empty() {
        return "none".into();
    }
    let parts: Vec<String> = l.iter().map(|(k, v)| format!("{k}={v}")).collect();
    parts.join(",")
}

/// A PDB's selector for humans, with what an empty or missing one means.
fn fmt_selector(
    pdb: &Object,
    s: Option<&k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector>,
) -> String {
    let Some(s) = s else {
        return "none (selects no pods)".into();
    };
    let mut parts: Vec<String> = s
        .match_labels
        .iter()
        .flatten()
        .map(|(k, v)| format!("{k}={v}"))
        .collect();
    for e in s.match_expressions.iter().flatten() {
        parts.push(format!(
            "{} {} ({})",
            e.key,
            e.operator,
            e.values.as_deref().unwrap_or(&[]).join(",")
        ));
    }
    if parts.is_empty() && pdb.api_version == "policy/v1beta1" {
        "{} (selects no pods in policy/v1beta1)".into()
    } else if parts.is_empty() {
        "{} (every pod of the namespace)".into()
    } else {
        parts.join(",")
    }
}

fn truncate(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        let t: String = s.chars().take(max).collect();
        format!("{t}…")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;
    use crate::source::snapshot::{LoadOptions, load_str};

    /// The engine does not run a check whose subject kinds may not be
    /// listed (`inputs`), so this wording is only reached where a check
    /// runs anyway: the per-object reason names the server's.
    #[test]
    fn an_orphan_of_a_forbidden_kind_says_so_with_the_servers_reason() {
        let text = r#"
apiVersion: v1
kind: Pod
metadata:
  name: web-7d9-a
  namespace: shop
  ownerReferences: [{apiVersion: apps/v1, kind: ReplicaSet, name: web-7d9, uid: u, controller: true}]
spec:
  containers: [{name: app, image: "shop/web:1.0"}]
"#;
        let mut store = load_str(
            std::path::Path::new("orphan.yaml"),
            text,
            &LoadOptions::default(),
        )
        .expect("loads")
        .into_store();
        store.set_status(
            "ReplicaSet",
            "apps",
            KindStatus::Forbidden("replicasets.apps is forbidden: User \"dev\"".into()),
        );
        let config = Config::default();
        let ctx = Ctx {
            store: &store,
            config: &config,
            now: k8s_openapi::jiff::Timestamp::UNIX_EPOCH,
            blocked: Default::default(),
        };
        let pod = store.list("Pod").next().expect("the pod");
        let mut out = Out::new(&REQUESTS_SET);
        assert!(workload_of(&ctx, pod, &mut out).is_none());
        assert_eq!(out.results.len(), 1);
        let r = &out.results[0];
        assert_eq!(r.status, super::super::Status::Unknown);
        assert_eq!(r.subject, Subject::of(pod));
        assert!(
            r.message.starts_with(
                "cannot be checked: its controller ReplicaSet shop/web-7d9 is not visible \
                 (ReplicaSet may not be listed: replicasets.apps is forbidden: User \"dev\")"
            ),
            "{}",
            r.message
        );
    }
}
