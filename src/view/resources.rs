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

/// What the pods bound to `node` that have not terminated request
/// (Succeeded and Failed pods hold no resources). Cached on the store until
/// one of the node's pods changes, so a pod change costs one node's sum.
pub fn requests_on(store: &ClusterStore, node: &str) -> NodeRequests {
    let sum = store.memo(node, store.pods_on_stamp(node), || {
        // In key order: the same sum whatever order the pods arrived in.
        let mut pods: Vec<&ObjRef> = store.pods_on(node).collect();
        pods.sort_unstable_by(|a, b| a.key.cmp(&b.key));
        let mut sum = NodeRequests::default();
        for pod in pods {
            let Some(spec) = pod.typed::<Pod>().and_then(|p| {
                let phase = p.status.as_ref().and_then(|s| s.phase.as_deref());
                p.spec
                    .as_ref()
                    .filter(|_| !matches!(phase, Some("Succeeded" | "Failed")))
            }) else {
                continue;
            };
            sum.cpu += pod_request(spec, "cpu");
            sum.memory += pod_request(spec, "memory");
            sum.pods += 1;
        }
        sum
    });
    *sum
}

/// Requests per node name, for every node that has pods bound to it.
pub fn requests_per_node(store: &ClusterStore) -> HashMap<&str, NodeRequests> {
    store
        .nodes_with_pods()
        .map(|node| (node, requests_on(store, node)))
        .filter(|(_, r)| r.pods > 0)
        .collect()
}

/// Top-level workloads in one namespace.
pub fn workloads_in<'a>(store: &'a ClusterStore, ns: &'a str) -> Vec<&'a ObjRef> {
    WORKLOAD_KINDS
        .iter()
        .flat_map(|kind| store.list_in(kind, ns))
        .filter(|obj| Workload::of(obj).is_some())
        .collect()
}

/// How many top-level workloads each namespace holds (namespaces without
/// any left out). Counted once per namespace until an object of a workload
/// kind there changes.
pub fn workload_counts(store: &ClusterStore) -> BTreeMap<&str, usize> {
    let namespaces: std::collections::BTreeSet<&str> = WORKLOAD_KINDS
        .iter()
        .flat_map(|kind| store.namespaces_of(kind))
        .collect();
    namespaces
        .into_iter()
        .map(|ns| {
            let stamp = store.stamp_in(WORKLOAD_KINDS, ns);
            let n = store.memo(&format!("workloads in {ns}"), stamp, || {
                workloads_in(store, ns).len()
            });
            (ns, *n)
        })
        .filter(|(_, n)| *n > 0)
        .collect()
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
