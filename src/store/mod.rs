//! ClusterStore: the one place cluster state lives. Objects are keyed by
//! kind / namespace / name, shared as `Arc`s, indexed by owner, and every
//! change is announced to subscribers (the console, the incremental checker).

mod lookup;

pub use lookup::pdb_selects;

use std::collections::{BTreeMap, HashMap};
use std::sync::mpsc;

use crate::model::{ObjKey, ObjRef, Typed};

/// What a source knows about the cluster as a whole.
#[derive(Debug, Clone, Default)]
pub struct ClusterInfo {
    /// `demo`, `snapshot` or `live`.
    pub source: String,
    /// Context or snapshot path, for humans.
    pub name: String,
    /// When the state was captured; time-based checks measure against it.
    pub captured_at: Option<k8s_openapi::jiff::Timestamp>,
    /// The API server's `gitVersion` (e.g. `v1.31.4`), when known.
    pub server_version: Option<String>,
    /// Set for managed control planes (EKS, GKE, AKS): control-plane flags
    /// are hidden there, so checks that need them say `unknown`.
    pub managed: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChangeKind {
    Applied,
    Deleted,
}

/// A change notification: which object changed and the store version after it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub key: ObjKey,
    pub kind: ChangeKind,
    pub version: u64,
}

type NsName = (String, String);

#[derive(Default)]
pub struct ClusterStore {
    pub info: ClusterInfo,
    objects: HashMap<String, BTreeMap<NsName, ObjRef>>,
    /// (owner kind, namespace, owner name) → keys of the objects it controls.
    children: HashMap<ObjKey, Vec<ObjKey>>,
    version: u64,
    subscribers: Vec<mpsc::Sender<Change>>,
}

impl ClusterStore {
    pub fn new(info: ClusterInfo) -> Self {
        ClusterStore {
            info,
            ..Default::default()
        }
    }

    /// Receives every later change. A dropped receiver is forgotten.
    pub fn subscribe(&mut self) -> mpsc::Receiver<Change> {
        let (tx, rx) = mpsc::channel();
        self.subscribers.push(tx);
        rx
    }

    pub fn version(&self) -> u64 {
        self.version
    }

    /// Inserts or replaces an object; returns the previous one.
    pub fn apply(&mut self, obj: ObjRef) -> Option<ObjRef> {
        let key = obj.key.clone();
        if let Some((kind, name)) = obj.controller() {
            self.children
                .entry(ObjKey::new(kind, &key.namespace, name))
                .or_default()
                .push(key.clone());
        }
        let old = self
            .objects
            .entry(key.kind.clone())
            .or_default()
            .insert((key.namespace.clone(), key.name.clone()), obj);
        if let Some(old) = &old {
            self.unlink_owner(old);
        }
        self.notify(key, ChangeKind::Applied);
        old
    }

    pub fn delete(&mut self, key: &ObjKey) -> Option<ObjRef> {
        let old = self
            .objects
            .get_mut(&key.kind)?
            .remove(&(key.namespace.clone(), key.name.clone()))?;
        self.unlink_owner(&old);
        self.notify(key.clone(), ChangeKind::Deleted);
        Some(old)
    }

    fn unlink_owner(&mut self, old: &ObjRef) {
        let Some((kind, name)) = old.controller() else {
            return;
        };
        let owner = ObjKey::new(kind, &old.key.namespace, name);
        if let Some(list) = self.children.get_mut(&owner) {
            // Remove one entry: a replaced object pushed its key again first.
            if let Some(i) = list.iter().position(|k| *k == old.key) {
                list.swap_remove(i);
            }
            if list.is_empty() {
                self.children.remove(&owner);
            }
        }
    }

    fn notify(&mut self, key: ObjKey, kind: ChangeKind) {
        self.version += 1;
        let change = Change {
            key,
            kind,
            version: self.version,
        };
        self.subscribers.retain(|s| s.send(change.clone()).is_ok());
    }

    pub fn get(&self, key: &ObjKey) -> Option<&ObjRef> {
        self.objects
            .get(&key.kind)?
            .get(&(key.namespace.clone(), key.name.clone()))
    }

    pub fn get_named(&self, kind: &str, namespace: &str, name: &str) -> Option<&ObjRef> {
        self.objects
            .get(kind)?
            .get(&(namespace.to_string(), name.to_string()))
    }

    /// All objects of a kind, ordered by namespace and name.
    pub fn list(&self, kind: &str) -> impl Iterator<Item = &ObjRef> {
        self.objects.get(kind).into_iter().flat_map(|m| m.values())
    }

    /// Objects of a kind in one namespace.
    pub fn list_in<'a>(
        &'a self,
        kind: &str,
        namespace: &'a str,
    ) -> impl Iterator<Item = &'a ObjRef> {
        self.objects.get(kind).into_iter().flat_map(move |m| {
            m.range((namespace.to_string(), String::new())..)
                .take_while(move |((ns, _), _)| ns == namespace)
                .map(|(_, o)| o)
        })
    }

    /// Typed objects of a kind, with their `Object`.
    pub fn typed<'a, T: Typed + 'a>(&'a self) -> impl Iterator<Item = (&'a ObjRef, &'a T)> {
        self.list(T::KIND)
            .filter_map(|o| o.typed::<T>().map(|t| (o, t)))
    }

    pub fn typed_in<'a, T: Typed + 'a>(
        &'a self,
        namespace: &'a str,
    ) -> impl Iterator<Item = (&'a ObjRef, &'a T)> {
        self.list_in(T::KIND, namespace)
            .filter_map(|o| o.typed::<T>().map(|t| (o, t)))
    }

    pub fn count(&self, kind: &str) -> usize {
        self.objects.get(kind).map_or(0, |m| m.len())
    }

    pub fn has_kind(&self, kind: &str) -> bool {
        self.count(kind) > 0
    }

    /// Kinds present, sorted.
    pub fn kinds(&self) -> Vec<&str> {
        let mut k: Vec<&str> = self
            .objects
            .iter()
            .filter(|(_, m)| !m.is_empty())
            .map(|(k, _)| k.as_str())
            .collect();
        k.sort_unstable();
        k
    }

    pub fn len(&self) -> usize {
        self.objects.values().map(|m| m.len()).sum()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Objects whose controlling owner is `owner`.
    pub fn children_of(&self, owner: &ObjKey) -> impl Iterator<Item = &ObjRef> {
        self.children
            .get(owner)
            .into_iter()
            .flatten()
            .filter_map(|k| self.get(k))
    }
}
