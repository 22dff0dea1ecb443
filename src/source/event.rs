//! The one path cluster state takes: every source (the snapshot loader, the
//! demo replay, later the live watches) produces `Event`s, and
//! [`Event::apply_to`] folds them into a store. The console's runtime folds
//! the same events into its store and its checker's replica, so both see
//! the same cluster.

use std::collections::HashMap;

use k8s_openapi::jiff::Timestamp;

use crate::model::{ObjKey, ObjRef};
use crate::store::{ClusterStore, KindStatus};

#[derive(Debug, Clone)]
pub enum Event {
    /// An object was added or changed.
    Apply(ObjRef),
    /// An object is gone.
    Delete(ObjKey),
    /// Every object of one kind, as a (re-)list returned them: what the store
    /// held of the kind and is not here is gone. The kind counts as listed.
    /// With a `namespace`, the list was of that namespace only.
    Relist {
        kind: String,
        group: String,
        namespace: Option<String>,
        objects: Vec<ObjRef>,
    },
    /// How complete the source's view of a kind is.
    Status {
        kind: String,
        group: String,
        status: KindStatus,
    },
    /// Cluster time moved (the demo replay's clock); time-based checks
    /// measure against it.
    Clock(Timestamp),
    /// A line for the user: a replay step's title, a loader warning.
    Notice(String),
    /// What the source knows of the cluster as a whole (a snapshot's
    /// capture time, context and server version, once it is read).
    Info(Box<crate::store::ClusterInfo>),
}

impl Event {
    /// Folds a store event into `store`. The clock and notices are not the
    /// store's: they come back for the caller.
    pub fn apply_to(self, store: &mut ClusterStore) -> Option<Event> {
        match self {
            Event::Apply(obj) => {
                store.apply(obj);
            }
            Event::Delete(key) => {
                store.delete(&key);
            }
            Event::Relist {
                kind,
                group,
                namespace,
                objects,
            } => store.relist(&kind, &group, namespace.as_deref(), objects),
            Event::Status {
                kind,
                group,
                status,
            } => store.set_status(&kind, &group, status),
            Event::Info(info) => store.info = *info,
            other @ (Event::Clock(_) | Event::Notice(_)) => return Some(other),
        }
        None
    }

    /// Whether the results may change with this event: all but a notice
    /// (the clock moves time-based checks; a kind's status, what they may
    /// say about it).
    pub fn needs_evaluation(&self) -> bool {
        !matches!(self, Event::Notice(_))
    }
}

/// The events that load `objects` as complete lists: per kind (in the order
/// kinds first appear) one `Relist` of its objects in their order, then
/// `Ready`. Later duplicates win, as in the store.
pub fn relists(objects: Vec<ObjRef>) -> Vec<Event> {
    // (kind, group, objects), in the order kinds first appear.
    let mut lists: Vec<(String, String, Vec<ObjRef>)> = Vec::new();
    let mut at: HashMap<(String, String), usize> = HashMap::new();
    for obj in objects {
        let id = (obj.key.kind.to_string(), obj.key.group.to_string());
        let i = *at.entry(id).or_insert_with_key(|(kind, group)| {
            lists.push((kind.clone(), group.clone(), Vec::new()));
            lists.len() - 1
        });
        lists[i].2.push(obj);
    }
    lists
        .into_iter()
        .flat_map(|(kind, group, objects)| {
            [
                Event::Relist {
                    kind: kind.clone(),
                    group: group.clone(),
                    namespace: None,
                    objects,
                },
                Event::Status {
                    kind,
                    group,
                    status: KindStatus::Ready,
                },
            ]
        })
        .collect()
}
