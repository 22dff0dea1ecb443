//! Resource facts the resource checks and the Autoscaling and Quotas panes
//! share: what the scheduler counts for a pod, the requests bound to each
//! node, the container defaults of LimitRanges, and workloads per namespace.

use std::collections::{BTreeMap, HashMap};

use k8s_openapi::api::core::v1::LimitRange;
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;

use crate::model::ObjRef;
use crate::model::pod::{self, ContainerResources, Pod, ResourceLookup};
use crate::model::quantity;
use crate::model::workload::{WORKLOAD_KINDS, Workload};
use crate::store::ClusterStore;

/// Quantities by resource name, as LimitRange items hold them.
pub type QuantityMap = BTreeMap<String, Quantity>;

/// A quantity from a resource list (`cpu` in cores, `memory` in bytes).
pub fn quantity<L: ResourceLookup + ?Sized>(list: Option<&L>, key: &str) -> Option<f64> {
    list?.quantity(key).and_then(quantity::of)
}

/// A container's effective requests: `requests`, else `limits` (the API
/// defaults a missing request to the limit).
pub fn container_request(c: &impl ContainerResources, res: &str) -> f64 {
    quantity(c.requests(), res)
        .or_else(|| quantity(c.limits(), res))
        .unwrap_or(0.0)
}

/// What the scheduler counts for a pod (`resourcehelper.PodRequests`): the
/// sum of the app containers and restartable init containers (sidecars),
/// or the largest init container (plus the sidecars started before it) if
/// that is more, plus the pod overhead. Pod-level requests win (cpu, memory
/// and hugepages only).
pub fn pod_request(spec: &pod::PodSpec, res: &str) -> f64 {
    let overhead = quantity(spec.overhead.as_ref(), res).unwrap_or(0.0);
    if let Some(v) = pod_level_request(spec, res) {
        return v + overhead;
    }
    let req = |c: &pod::Container| container_request(c, res);
    let mut total: f64 = spec.containers.iter().map(req).sum();
    let mut sidecars = 0.0;
    let mut init_max: f64 = 0.0;
    for c in spec.init_containers.iter().flatten() {
        let r = req(c);
        if c.is_sidecar() {
            total += r;
            sidecars += r;
            init_max = init_max.max(sidecars);
        } else {
            init_max = init_max.max(r + sidecars);
        }
    }
    total.max(init_max) + overhead
}

/// The pod-level request for `res`, as the API server defaults it: the
/// request if set; else, when pod-level limits are set and no container
/// sets `res` (request or limit), the pod-level limit. When a container
/// sets it, the pod-level request defaults to the containers' effective
/// sum, which is what `pod_request` computes without one.
fn pod_level_request(spec: &pod::PodSpec, res: &str) -> Option<f64> {
    if !(res == "cpu" || res == "memory" || res.starts_with("hugepages-")) {
        return None;
    }
    let pod = spec.resources.as_ref()?;
    if let Some(v) = quantity(pod.requests.as_ref(), res) {
        return Some(v);
    }
    // Only overcommittable resources default from the containers' sum;
    // hugepages go straight to the pod-level limit.
    let overcommit = res == "cpu" || res == "memory";
    let containers = spec
        .containers
        .iter()
        .chain(spec.init_containers.iter().flatten());
    let set_by_container = containers.flat_map(|c| c.resources.iter()).any(|r| {
        r.requests.as_ref().is_some_and(|l| l.get(res).is_some())
            || r.limits.as_ref().is_some_and(|l| l.get(res).is_some())
    });
    if overcommit && set_by_container {
        return None;
    }
    quantity(pod.limits.as_ref(), res)
}

/// The requests of the pods bound to one node.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct NodeRequests {
    /// Cores.
    pub cpu: f64,
    /// Bytes.
    pub memory: f64,
    pub pods: usize,
}

/// Requests per node name, summed once over the pods bound to a node that
/// have not terminated (Succeeded and Failed pods hold no resources).
pub fn requests_per_node(store: &ClusterStore) -> HashMap<&str, NodeRequests> {
    let mut requested: HashMap<&str, NodeRequests> = HashMap::new();
    for (_, pod) in store.typed::<Pod>() {
        let Some(spec) = &pod.spec else { continue };
        let Some(node) = spec.node_name.as_deref().filter(|n| !n.is_empty()) else {
            continue;
        };
        let phase = pod.status.as_ref().and_then(|s| s.phase.as_deref());
        if matches!(phase, Some("Succeeded" | "Failed")) {
            continue;
        }
        let e = requested.entry(node).or_default();
        e.cpu += pod_request(spec, "cpu");
        e.memory += pod_request(spec, "memory");
        e.pods += 1;
    }
    requested
}

/// Top-level workloads in one namespace.
pub fn workloads_in<'a>(store: &'a ClusterStore, ns: &'a str) -> Vec<&'a ObjRef> {
    WORKLOAD_KINDS
        .iter()
        .flat_map(|kind| store.list_in(kind, ns))
        .filter(|obj| Workload::of(obj).is_some())
        .collect()
}

/// Top-level workloads per namespace.
pub fn workloads_per_namespace(store: &ClusterStore) -> BTreeMap<&str, Vec<&ObjRef>> {
    let mut out: BTreeMap<&str, Vec<&ObjRef>> = BTreeMap::new();
    for kind in WORKLOAD_KINDS {
        for obj in store.list(kind) {
            if Workload::of(obj).is_some() {
                out.entry(obj.namespace()).or_default().push(obj);
            }
        }
    }
    out
}

/// What a namespace's container defaults lack, by the bar of
/// `resources/limitrange-present` (the Quotas pane shows the same): a cpu
/// and a memory request, and a memory limit.
pub fn missing_defaults(limits: &QuantityMap, requests: &QuantityMap) -> Vec<&'static str> {
    let mut missing = Vec::new();
    for (res, what) in [("cpu", "cpu request"), ("memory", "memory request")] {
        if !requests.contains_key(res) {
            missing.push(what);
        }
    }
    if !limits.contains_key("memory") {
        missing.push("memory limit");
    }
    missing
}

/// The container defaults the LimitRanger admission plugin applies in a
/// namespace, with the API's defaulting of LimitRange items: a missing
/// `default` limit takes `max`, a missing `defaultRequest` takes the
/// (defaulted) `default`, then `min`.
pub fn container_defaults(ranges: &[&LimitRange]) -> (QuantityMap, QuantityMap) {
    let mut limits = QuantityMap::new();
    let mut requests = QuantityMap::new();
    for lr in ranges {
        for item in lr.spec.iter().flat_map(|s| s.limits.iter()) {
            if item.type_ != "Container" {
                continue;
            }
            let mut default = item.default.clone().unwrap_or_default();
            for (k, v) in item.max.iter().flatten() {
                default.entry(k.clone()).or_insert_with(|| v.clone());
            }
            let mut default_request = item.default_request.clone().unwrap_or_default();
            for (k, v) in default.iter().chain(item.min.iter().flatten()) {
                default_request
                    .entry(k.clone())
                    .or_insert_with(|| v.clone());
            }
            for (k, v) in default {
                limits.entry(k).or_insert(v);
            }
            for (k, v) in default_request {
                requests.entry(k).or_insert(v);
            }
        }
    }
    (limits, requests)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_container_defaults() {
        let q = |pairs: &[(&str, &str)]| -> QuantityMap {
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), Quantity(v.to_string())))
                .collect()
        };
        let requests = q(&[("cpu", "100m"), ("memory", "128Mi")]);
        assert!(missing_defaults(&q(&[("memory", "256Mi")]), &requests).is_empty());
        assert_eq!(
            missing_defaults(&q(&[("cpu", "1")]), &q(&[("memory", "128Mi")])),
            ["cpu request", "memory limit"]
        );
    }
}
