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

/// The objects of one kind: namespace → name → object (`""` holds the
/// cluster-scoped ones). Nested maps let look-ups borrow `&str` keys (no
/// allocation per `get`) and make a namespace's objects one map.
#[derive(Default, Clone)]
struct KindMap {
    by_ns: BTreeMap<String, BTreeMap<String, ObjRef>>,
    len: usize,
}

impl KindMap {
    fn get(&self, namespace: &str, name: &str) -> Option<&ObjRef> {
        self.by_ns.get(namespace)?.get(name)
    }

    fn insert(&mut self, key: &ObjKey, obj: ObjRef) -> Option<ObjRef> {
        let names = match self.by_ns.get_mut(key.namespace.as_str()) {
            Some(names) => names,
            None => self.by_ns.entry(key.namespace.clone()).or_default(),
        };
        let old = names.insert(key.name.clone(), obj);
        if old.is_none() {
            self.len += 1;
        }
        old
    }

    fn remove(&mut self, namespace: &str, name: &str) -> Option<ObjRef> {
        let names = self.by_ns.get_mut(namespace)?;
        let old = names.remove(name)?;
        if names.is_empty() {
            self.by_ns.remove(namespace);
        }
        self.len -= 1;
        Some(old)
    }

    fn values(&self) -> impl Iterator<Item = &ObjRef> {
        self.by_ns.values().flat_map(BTreeMap::values)
    }
}

#[derive(Default)]
pub struct ClusterStore {
    pub info: ClusterInfo,
    objects: HashMap<String, KindMap>,
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

    /// A copy of the state (the objects are shared, not copied) without
    /// the subscribers: the console's checker keeps one of its own.
    pub fn replica(&self) -> ClusterStore {
        ClusterStore {
            info: self.info.clone(),
            objects: self.objects.clone(),
            children: self.children.clone(),
            version: self.version,
            subscribers: Vec::new(),
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
        let kind_map = match self.objects.get_mut(key.kind.as_str()) {
            Some(m) => m,
            None => self.objects.entry(key.kind.clone()).or_default(),
        };
        let old = kind_map.insert(&key, obj);
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
            .remove(&key.namespace, &key.name)?;
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
        self.get_named(&key.kind, &key.namespace, &key.name)
    }

    pub fn get_named(&self, kind: &str, namespace: &str, name: &str) -> Option<&ObjRef> {
        self.objects.get(kind)?.get(namespace, name)
    }

    /// All objects of a kind, ordered by namespace and name.
    pub fn list(&self, kind: &str) -> impl Iterator<Item = &ObjRef> {
        self.objects.get(kind).into_iter().flat_map(KindMap::values)
    }

    /// Objects of a kind in one namespace.
    pub fn list_in<'a>(
        &'a self,
        kind: &str,
        namespace: &'a str,
    ) -> impl Iterator<Item = &'a ObjRef> {
        self.objects
            .get(kind)
            .and_then(|m| m.by_ns.get(namespace))
            .into_iter()
            .flat_map(BTreeMap::values)
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
        self.objects.get(kind).map_or(0, |m| m.len)
    }

    pub fn has_kind(&self, kind: &str) -> bool {
        self.count(kind) > 0
    }

    /// Kinds present, sorted.
    pub fn kinds(&self) -> Vec<&str> {
        let mut k: Vec<&str> = self
            .objects
            .iter()
            .filter(|(_, m)| m.len > 0)
            .map(|(k, _)| k.as_str())
            .collect();
        k.sort_unstable();
        k
    }

    pub fn len(&self) -> usize {
        self.objects.values().map(|m| m.len).sum()
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::snapshot::{LoadOptions, load_str};

    fn store(yaml: &str) -> ClusterStore {
        load_str(
            std::path::Path::new("t.yaml"),
            yaml,
            &LoadOptions::default(),
        )
        .expect("loads")
        .into_store()
    }

    #[test]
    fn index_by_kind_namespace_name() {
        let mut s = store(
            "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: b, namespace: beta}\n---\n\
             apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a, namespace: beta}\n---\n\
             apiVersion: v1\nkind: ConfigMap\nmetadata: {name: z, namespace: alpha}\n---\n\
             apiVersion: v1\nkind: Namespace\nmetadata: {name: alpha}\n",
        );
        let names = |s: &ClusterStore, kind: &str| -> Vec<String> {
            s.list(kind).map(|o| o.key.to_string()).collect()
        };
        assert_eq!(
            names(&s, "ConfigMap"),
            ["ConfigMap/alpha/z", "ConfigMap/beta/a", "ConfigMap/beta/b"]
        );
        let in_beta: Vec<&str> = s.list_in("ConfigMap", "beta").map(|o| o.name()).collect();
        assert_eq!(in_beta, ["a", "b"]);
        assert_eq!(s.list_in("ConfigMap", "nope").count(), 0);
        assert_eq!((s.count("ConfigMap"), s.len()), (3, 4));
        assert!(s.get_named("ConfigMap", "beta", "a").is_some());
        assert!(s.get_named("Namespace", "", "alpha").is_some());
        assert_eq!(s.kinds(), ["ConfigMap", "Namespace"]);

        // Replacing keeps the count; deleting the last of a namespace drops it.
        let a = s.get_named("ConfigMap", "beta", "a").cloned().expect("a");
        assert!(s.apply(a).is_some());
        assert_eq!(s.count("ConfigMap"), 3);
        assert!(s.delete(&ObjKey::new("ConfigMap", "alpha", "z")).is_some());
        assert!(s.delete(&ObjKey::new("ConfigMap", "alpha", "z")).is_none());
        assert_eq!(s.count("ConfigMap"), 2);
        assert_eq!(
            s.namespaces().into_iter().collect::<Vec<_>>(),
            ["alpha", "beta"] // alpha is still a Namespace object
        );
        for k in ["beta/a", "beta/b"] {
            let (ns, name) = k.split_once('/').expect("key");
            s.delete(&ObjKey::new("ConfigMap", ns, name));
        }
        assert_eq!(s.count("ConfigMap"), 0);
        assert!(!s.has_kind("ConfigMap"));
        assert_eq!(s.kinds(), ["Namespace"]);
    }
}
