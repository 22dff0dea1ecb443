//! One complete read of a live cluster, for `kready check` and `kready
//! snapshot`: the same watches as the console, until every kind is listed,
//! forbidden or failing.

use std::collections::HashSet;

use k8s_openapi::jiff::Timestamp;
use tokio::sync::mpsc;

use super::connect::Connection;
use super::watch::{WatchScope, run};
use crate::source::Event;
use crate::store::{ClusterInfo, ClusterStore, KindStatus};

/// What the live source knows about the cluster before any object.
pub fn cluster_info(conn: &Connection) -> ClusterInfo {
    ClusterInfo {
        source: "live".into(),
        name: conn.context.clone(),
        server: Some(conn.server.clone()),
        captured_at: Some(Timestamp::now()),
        server_version: Some(conn.version.clone()),
        managed: managed(&conn.version),
    }
}

/// A managed control plane, as its version string names it (its flags are
/// hidden there; checks that need them say `unknown`).
fn managed(version: &str) -> Option<String> {
    [("-eks-", "EKS"), ("-gke.", "GKE")]
        .iter()
        .find(|(marker, _)| version.contains(marker))
        .map(|(_, name)| name.to_string())
}

/// The cluster as the watches first list it, and the notices they gave.
/// Returns when every kind discovery found has been listed, is forbidden or
/// is failing (the checks say `unknown` for those). Fails when discovery
/// does, before anything could be watched.
pub async fn sync_once(
    conn: Connection,
    scope: WatchScope,
) -> Result<(ClusterStore, Vec<String>), String> {
    let mut store = ClusterStore::new(cluster_info(&conn));
    let (tx, mut rx) = mpsc::channel(16);
    let task = tokio::spawn(run(conn, scope, tx));
    let mut syncing: HashSet<(String, String)> = HashSet::new();
    let mut settled_any = false;
    let mut notices = Vec::new();
    while let Some(batch) = rx.recv().await {
        for event in batch {
            match &event {
                Event::Status {
                    kind,
                    group,
                    status,
                } => {
                    let id = (kind.clone(), group.clone());
                    if matches!(status, KindStatus::Syncing { .. }) {
                        syncing.insert(id);
                    } else {
                        syncing.remove(&id);
                        settled_any = true;
                    }
                }
                Event::Notice(n) if !settled_any && syncing.is_empty() => {
                    task.abort();
                    return Err(n.clone());
                }
                Event::Notice(n) => notices.push(n.clone()),
                _ => {}
            }
            event.apply_to(&mut store);
        }
        // Every kind announces itself syncing before any is listed, so the
        // first settled kind means all are known.
        if settled_any && syncing.is_empty() {
            break;
        }
    }
    task.abort();
    Ok((store, notices))
}

#[cfg(test)]
mod tests {
    #[test]
    fn managed_control_planes_from_the_version() {
        assert_eq!(
            super::managed("v1.31.4-eks-2d5f260").as_deref(),
            Some("EKS")
        );
        assert_eq!(
            super::managed("v1.30.5-gke.1014001").as_deref(),
            Some("GKE")
        );
        assert_eq!(super::managed("v1.31.4"), None);
    }
}
