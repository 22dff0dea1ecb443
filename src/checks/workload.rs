//! workload — reliability of Deployments, StatefulSets, DaemonSets, Jobs, Pods.

use super::{Category, Check, Ctx, Out, Scope, Severity, Subject};
use crate::model::ObjRef;
use crate::model::workload::{WORKLOAD_KINDS, Workload};

pub const CHECKS: &[&Check] = &[&REQUESTS_SET, &REPLICAS];

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
    reads: &[],
};

fn requests_set(_ctx: &Ctx, obj: &ObjRef, out: &mut Out) {
    let Some(w) = Workload::of(obj) else { return };
    for c in w.containers() {
        let requests = c.resources.as_ref().and_then(|r| r.requests.as_ref());
        let missing: Vec<&str> = ["cpu", "memory"]
            .into_iter()
            .filter(|r| requests.is_none_or(|m| !m.contains_key(*r)))
            .collect();
        let subject = Subject::container(obj, &c.name);
        if missing.is_empty() {
            out.pass(subject, "cpu and memory requests are set");
        } else {
            out.fail(subject, format!("no {} request", missing.join(" or ")))
                .evidence(
                    "resources.requests",
                    format!("{:?}", requests.map(|m| m.keys().collect::<Vec<_>>())),
                );
        }
    }
}

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
    let hpa_min = ctx
        .store
        .hpas_targeting(obj)
        .map(|(_, h)| h.spec.min_replicas.unwrap_or(1))
        .max();
    let subject = Subject::of(obj);
    match hpa_min {
        Some(m) if m >= min => {
            out.pass(subject, format!("an HPA keeps at least {m} replicas"));
        }
        _ if replicas >= min => {
            out.pass(subject, format!("{replicas} replicas"));
        }
        _ => {
            out.fail(
                subject,
                format!("runs {replicas} replica(s), below {min}, and no HPA raises it"),
            )
            .evidence("spec.replicas", replicas);
        }
    }
}
