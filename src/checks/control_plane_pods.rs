//! Finding the control plane the security and control-plane checks read:
//! the static (mirror) pods of its components in `kube-system`, their main
//! container, and whether a managed provider (EKS, GKE, AKS) hides them.

use k8s_openapi::api::core::v1::Container;

use super::Ctx;
use crate::model::ObjRef;
use crate::model::pod::Pod;
use crate::store::ClusterStore;

/// Labels only managed node pools carry, with the provider they point to.
pub(super) const MANAGED_POOL_LABELS: &[(&str, &str)] = &[
    ("eks.amazonaws.com/nodegroup", "eks"),
    ("cloud.google.com/gke-nodepool", "gke"),
    ("kubernetes.azure.com/agentpool", "aks"),
];

/// `managed control plane (<provider>)` when the snapshot says the control
/// plane is managed.
pub(super) fn managed_reason(ctx: &Ctx) -> Option<String> {
    ctx.store
        .info
        .managed
        .as_ref()
        .map(|m| format!("managed control plane ({m})"))
}

/// The first managed-pool label a node carries, with its provider: a hint
/// (used when no control-plane component is visible) that the control plane
/// is managed.
pub(super) fn managed_pool_label(ctx: &Ctx) -> Option<(&'static str, &'static str)> {
    managed_pool_label_in(ctx.store)
}

/// `managed_pool_label` over a store (for the console).
pub(crate) fn managed_pool_label_in(store: &ClusterStore) -> Option<(&'static str, &'static str)> {
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
pub(super) fn static_pods<'a>(ctx: &'a Ctx, component: &str) -> Vec<(&'a ObjRef, &'a Pod)> {
    static_pods_in(ctx.store, component)
}

/// `static_pods` over a store (for the console).
pub(crate) fn static_pods_in<'a>(
    store: &'a ClusterStore,
    component: &str,
) -> Vec<(&'a ObjRef, &'a Pod)> {
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
pub(crate) fn component_container<'a>(pod: &'a Pod, component: &str) -> Option<&'a Container> {
    // Static pods are their own workload: the store keeps their whole spec.
    let spec = pod.full_spec.as_ref()?;
    spec.containers
        .iter()
        .find(|c| c.name == component)
        .or_else(|| spec.containers.first())
}
