//! Look-ups the checks and panes need across objects: owners, the Services,
//! PDBs, HPAs and NetworkPolicies that select a workload.

use std::collections::BTreeSet;

use k8s_openapi::api::autoscaling::v2::HorizontalPodAutoscaler;
use k8s_openapi::api::core::v1::Service;
use k8s_openapi::api::networking::v1::NetworkPolicy;
use k8s_openapi::api::policy::v1::PodDisruptionBudget;

use super::ClusterStore;
use crate::model::selector::{self, Labels};
use crate::model::{ObjKey, ObjRef, Object};

/// Whether a PDB selects pods with `labels`. In policy/v1 an empty selector
/// selects every pod of the namespace; in policy/v1beta1 it selects none; a
/// missing selector selects none.
pub fn pdb_selects(obj: &Object, pdb: &PodDisruptionBudget, labels: &Labels) -> bool {
    let Some(sel) = pdb.spec.as_ref().and_then(|s| s.selector.as_ref()) else {
        return false;
    };
    if obj.api_version == "policy/v1beta1" && selector::is_empty(sel) {
        return false;
    }
    selector::matches(sel, labels)
}

impl ClusterStore {
    /// The pods a workload runs, following Deployment → ReplicaSet → Pod and
    /// CronJob → Job → Pod.
    pub fn pods_of(&self, workload: &Object) -> Vec<&ObjRef> {
        let mut out = Vec::new();
        for child in self.children_of(&workload.key) {
            if child.key.is("Pod") {
                out.push(child);
            } else {
                out.extend(self.children_of(&child.key).filter(|p| p.key.is("Pod")));
            }
        }
        out
    }

    /// The top-level controller of an object (itself when unowned), following
    /// owner references up to two levels.
    pub fn top_owner<'a>(&'a self, obj: &'a ObjRef) -> &'a ObjRef {
        let mut cur = obj;
        for _ in 0..2 {
            match cur.controller_key().and_then(|owner| self.get(&owner)) {
                Some(owner) => cur = owner,
                None => break,
            }
        }
        cur
    }

    /// Services in `namespace` whose selector matches `labels`. A Service
    /// without a selector (or with an empty one) selects no pods.
    pub fn services_selecting<'a>(
        &'a self,
        namespace: &'a str,
        labels: &'a Labels,
    ) -> impl Iterator<Item = (&'a ObjRef, &'a Service)> {
        self.typed_in::<Service>(namespace).filter(move |(_, s)| {
            s.spec
                .as_ref()
                .and_then(|s| s.selector.as_ref())
                .is_some_and(|sel| !sel.is_empty() && selector::matches_map(sel, labels))
        })
    }

    /// PDBs in `namespace` that select pods with `labels` (see `pdb_selects`).
    pub fn pdbs_covering<'a>(
        &'a self,
        namespace: &'a str,
        labels: &'a Labels,
    ) -> impl Iterator<Item = (&'a ObjRef, &'a PodDisruptionBudget)> {
        self.typed_in::<PodDisruptionBudget>(namespace)
            .filter(move |(o, p)| pdb_selects(o, p, labels))
    }

    /// HPAs whose scaleTargetRef names this object.
    pub fn hpas_targeting<'a>(
        &'a self,
        target: &'a Object,
    ) -> impl Iterator<Item = (&'a ObjRef, &'a HorizontalPodAutoscaler)> {
        self.typed_in::<HorizontalPodAutoscaler>(target.namespace())
            .filter(move |(_, h)| {
                h.spec.scale_target_ref.kind == target.key.kind
                    && h.spec.scale_target_ref.name == target.key.name
            })
    }

    /// NetworkPolicies in `namespace` whose podSelector matches `labels`.
    pub fn network_policies_selecting<'a>(
        &'a self,
        namespace: &'a str,
        labels: &'a Labels,
    ) -> impl Iterator<Item = (&'a ObjRef, &'a NetworkPolicy)> {
        self.typed_in::<NetworkPolicy>(namespace)
            .filter(move |(_, np)| {
                np.spec.as_ref().is_some_and(|s| {
                    // A missing podSelector is `{}`: every pod of the namespace.
                    s.pod_selector
                        .as_ref()
                        .is_none_or(|sel| selector::matches(sel, labels))
                })
            })
    }

    /// Every namespace: Namespace objects plus namespaces objects live in.
    pub fn namespaces(&self) -> BTreeSet<String> {
        let mut out: BTreeSet<String> = self
            .list("Namespace")
            .map(|n| n.name().to_string())
            .collect();
        for by_ns in self.namespace_maps() {
            for ns in by_ns.keys() {
                if !ns.is_empty() && !out.contains(ns.as_str()) {
                    out.insert(ns.to_string());
                }
            }
        }
        out
    }

    /// Whether an API (custom resource) is installed: its CRD is present, or
    /// objects of the kind exist. `crd` is `plural.group`.
    pub fn has_api(&self, crd: &str, kind: &str) -> bool {
        self.get(&ObjKey::new("CustomResourceDefinition", "", crd))
            .is_some()
            || self.has_kind(kind)
    }
}
