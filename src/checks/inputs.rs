//! Whether a check's inputs can be read. A live source says per kind
//! whether it is listed, still syncing, forbidden or failing; a check that
//! needs a kind it cannot see says `unknown` with that reason — never
//! `pass`, never `fail` for "absent". (Snapshots say nothing of their kinds'
//! status: a kind a snapshot lacks is judged by each check as before.)

use std::collections::BTreeMap;
use std::sync::Arc;

use super::{Check, Scope, catalog};
use crate::store::{ClusterStore, KindStatus};

/// Kinds checks read only to refine what they say (namespace annotations,
/// CRD presence besides the objects, events as evidence, kubelet settings
/// that checks report per node as not captured): not reading them does not
/// make a result wrong, so they never block a check.
const REFINING: &[&str] = &[
    "Namespace",
    "CustomResourceDefinition",
    "Event",
    "KubeletConfiguration",
    "PodMetrics",
];

/// Check id → why it cannot run now.
pub type Blocked = BTreeMap<&'static str, String>;

/// The checks of the catalog that cannot run on `store` now, cached until
/// a kind's status changes.
pub fn blocked(store: &ClusterStore) -> Arc<Blocked> {
    store.memo("checks/blocked", store.status_version(), || {
        catalog()
            .iter()
            .filter_map(|c| why_blocked(store, c).map(|why| (c.id, why)))
            .collect()
    })
}

fn why_blocked(store: &ClusterStore, check: &Check) -> Option<String> {
    let mut reasons: Vec<String> = Vec::new();
    // A kind the check judges objects of blocks nothing: unlisted, it has
    // no subjects there, and a pod whose controller cannot be seen says so
    // itself (see `Workload::resolve`).
    let subjects: &[&str] = match check.scope {
        Scope::Object { kinds, .. } => kinds,
        _ => &[],
    };
    let mut kinds: Vec<&str> = check
        .kinds()
        .filter(|k| !REFINING.contains(k) && !subjects.contains(k))
        .collect();
    kinds.sort_unstable();
    kinds.dedup();
    for kind in kinds {
        let listed = store.listed(kind);
        let Some(status) = store.status(kind) else {
            continue;
        };
        let reason = match status {
            KindStatus::Forbidden(why) => format!("{kind} may not be listed ({why})"),
            // No count: the reason must not change while the list grows.
            KindStatus::Syncing { .. } if !listed => format!("{kind} is still being listed"),
            KindStatus::Error { reason: why, .. } if !listed => {
                format!("{kind} could not be listed: {why}")
            }
            _ => continue,
        };
        reasons.push(reason);
    }
    (!reasons.is_empty()).then(|| format!("cannot be checked: {}", reasons.join("; ")))
}
