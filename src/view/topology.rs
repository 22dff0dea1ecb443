//! Node topology and the control plane as the API shows them: node roles,
//! zones and pools, the static (mirror) pods of the control-plane
//! components in `kube-system` and their main container, and the node labels
//! that betray a managed provider (EKS, GKE, AKS).

use k8s_openapi::api::core::v1::Container;

use crate::model::pod::Pod;
use crate::model::{ObjRef, Object};
use crate::store::ClusterStore;

pub const CONTROL_PLANE_LABEL: &str = "node-role.kubernetes.io/control-plane";
pub const MASTER_LABEL: &str = "node-role.kubernetes.io/master";
pub const ZONE_LABEL: &str = "topology.kubernetes.io/zone";
const LEGACY_ZONE_LABEL: &str = "failure-domain.beta.kubernetes.io/zone";

/// Node labels naming the pool a worker node belongs to, most specific first.
pub const POOL_LABELS: &[&str] = &[
    "karpenter.sh/nodepool",
    "karpenter.sh/provisioner-name",
    "eks.amazonaws.com/nodegroup",
    "cloud.google.com/gke-nodepool",
    "kubernetes.azure.com/agentpool",
    "agentpool",
    "node.kubernetes.io/pool",
];

/// Labels only managed node pools carry, with the provider they point to.
pub const MANAGED_POOL_LABELS: &[(&str, &str)] = &[
    ("eks.amazonaws.com/nodegroup", "eks"),
    ("cloud.google.com/gke-nodepool", "gke"),
    ("kubernetes.azure.com/agentpool", "aks"),
];

pub fn is_control_plane_node(node: &Object) -> bool {
    node.labels().contains_key(CONTROL_PLANE_LABEL) || node.labels().contains_key(MASTER_LABEL)
}

pub fn zone_of(node: &Object) -> Option<&str> {
    node.label(ZONE_LABEL)
        .or_else(|| node.label(LEGACY_ZONE_LABEL))
        .filter(|z| !z.is_empty())
}

/// The pool a node belongs to: the first non-empty value of
/// [`POOL_LABELS`] it carries.
pub fn pool_label(node: &Object) -> Option<&str> {
    POOL_LABELS
        .iter()
        .find_map(|l| node.label(l).filter(|v| !v.is_empty()))
}

/// The suffix every node name shares after its first dot (the cloud's DNS
/// domain), so rows can show `ip-10-0-1-10` instead of the whole name.
pub fn common_domain<'a>(names: &[&'a str]) -> Option<&'a str> {
    let first = names.first()?.split_once('.')?.1;
    names
        .iter()
        .all(|n| n.split_once('.').is_some_and(|(_, d)| d == first))
        .then_some(first)
}

/// The first managed-pool label a node carries, with its provider: a hint
/// (used when no control-plane component is visible) that the control plane
/// is managed.
pub fn managed_pool_label(store: &ClusterStore) -> Option<(&'static str, &'static str)> {
    store.list("Node").find_map(|n| {
        MANAGED_POOL_LABELS
            .iter()
            .find(|(l, _)| n.labels().contains_key(*l))
            .copied()
    })
}

/// Static pods of a control-plane component (`kube-apiserver`, `etcd`, …)
/// in kube-system: labelled `component: <c>` and unowned or owned by a Node,
/// or named `<c>-<node>` and owned by a Node (a mirror pod).
pub fn static_pods<'a>(store: &'a ClusterStore, component: &str) -> Vec<(&'a ObjRef, &'a Pod)> {
    let prefix = format!("{component}-");
    store
        .typed_in::<Pod>("kube-system")
        .filter(|(o, _)| {
            let mirror = matches!(o.controller(), Some(("Node", _)));
            (o.label("component") == Some(component) && (mirror || o.controller().is_none()))
                || (mirror && o.name().starts_with(&prefix))
        })
        .collect()
}

/// The component's container: the one named like the component, else the
/// first.
pub fn component_container<'a>(pod: &'a Pod, component: &str) -> Option<&'a Container> {
    // Static pods are their own workload: the store keeps their whole spec.
    let spec = pod.full_spec.as_ref()?;
    spec.containers
        .iter()
        .find(|c| c.name == component)
        .or_else(|| spec.containers.first())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shared_node_domain() {
        let names = ["ip-10-0-1-10.ec2.internal", "ip-10-0-2-7.ec2.internal"];
        assert_eq!(common_domain(&names), Some("ec2.internal"));
        assert_eq!(common_domain(&["a.x", "b.y"]), None);
        assert_eq!(common_domain(&["node-1"]), None);
        assert_eq!(common_domain(&[]), None);
    }
}
