//! ClusterStore: the one place cluster state lives. Objects are keyed by
//! kind / namespace / name, shared as `Arc`s, indexed by owner, and every
//! change is announced to subscribers (the console, the incremental checker).

mod lookup;
mod memo;

pub use lookup::pdb_selects;

use std::sync::Arc;

use memo::{Memo, next_stamp};

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::mpsc;

use crate::model::{KindLabel, Name, ObjKey, ObjRef, Typed, kinds};
use k8s_openapi::jiff::Timestamp;

/// What a source knows about the cluster as a whole.
#[derive(Debug, Clone, Default)]
pub struct ClusterInfo {
    /// `demo`, `snapshot` or `live`.
    pub source: String,
    /// Context or snapshot path, for humans.
    pub name: String,
    /// When the state was captured; time-based checks measure against it.
    pub captured_at: Option<k8s_openapi::jiff::Timestamp>,
    /// The API server's URL (live).
    pub server: Option<String>,
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
    /// For a pod: the nodes it is and was bound to (one, as a bound pod
    /// keeps its node; none while unscheduled).
    pub nodes: Vec<String>,
}

/// The objects of one kind: namespace → name → object (`""` holds the
/// cluster-scoped ones). Nested maps let look-ups borrow `&str` keys (no
/// allocation per `get`) and make a namespace's objects one map.
#[derive(Default, Clone)]
struct KindMap {
    by_ns: BTreeMap<Name, BTreeMap<Name, ObjRef>>,
    len: usize,
    /// Namespace → a stamp that changes whenever an object in it does.
    stamps: HashMap<String, u64>,
}

impl KindMap {
    fn get(&self, namespace: &str, name: &str) -> Option<&ObjRef> {
        self.by_ns.get(namespace)?.get(name)
    }

    fn insert(&mut self, key: &ObjKey, obj: ObjRef) -> Option<ObjRef> {
        self.touch(&key.namespace);
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
        self.touch(namespace);
        self.len -= 1;
        Some(old)
    }

    fn touch(&mut self, namespace: &str) {
        match self.stamps.get_mut(namespace) {
            Some(s) => *s = next_stamp(),
            None => {
                self.stamps.insert(namespace.to_string(), next_stamp());
            }
        }
    }

    fn values(&self) -> impl Iterator<Item = &ObjRef> {
        self.by_ns.values().flat_map(BTreeMap::values)
    }
}

/// How complete the store's copy of one kind is, as its source says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KindStatus {
    /// Being listed: `seen` objects so far.
    Syncing { seen: usize },
    /// Listed: the store holds every object of the kind the source can see.
    Ready,
    /// The user may not list the kind (the API server's reason).
    Forbidden(String),
    /// Listing or watching failed; what the store holds may be stale.
    /// `retry_at`: when the watcher tries again (its backoff's next delay).
    Error {
        reason: String,
        retry_at: Option<Timestamp>,
    },
}

impl KindStatus {
    pub fn error(reason: impl Into<String>) -> KindStatus {
        KindStatus::Error {
            reason: reason.into(),
            retry_at: None,
        }
    }

    /// `retry in 4 s` as of `now`, for a failing kind the watcher retries.
    pub fn retry_countdown(&self, now: Timestamp) -> Option<String> {
        let KindStatus::Error {
            retry_at: Some(at), ..
        } = self
        else {
            return None;
        };
        let ms = (at.as_millisecond() - now.as_millisecond()).max(0);
        let secs = (ms + 999) / 1000;
        Some(if secs == 0 {
            "retrying now".to_string()
        } else {
            format!("retry in {secs} s")
        })
    }
}

/// Kinds by status (see `ClusterStore::sync_summary`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SyncSummary {
    pub ready: usize,
    pub syncing: usize,
    pub forbidden: usize,
    pub failing: usize,
}

impl std::fmt::Display for SyncSummary {
    /// `syncing 12/40 kinds`, `synced`, `synced · 2 forbidden · 1 failing`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let total = self.ready + self.syncing + self.forbidden + self.failing;
        if self.syncing > 0 {
            write!(f, "syncing {}/{total} kinds", total - self.syncing)?;
        } else {
            f.write_str("synced")?;
        }
        if self.forbidden > 0 {
            write!(f, " · {} forbidden", self.forbidden)?;
        }
        if self.failing > 0 {
            write!(f, " · {} failing", self.failing)?;
        }
        Ok(())
    }
}

/// The objects and the state of one kind in one API group.
#[derive(Default, Clone)]
struct KindEntry {
    group: String,
    objects: KindMap,
    status: Option<KindStatus>,
    /// Listed in full at least once (a snapshot held it, or a list ended).
    listed: bool,
    /// Changes whenever an object or the status of the entry does.
    stamp: u64,
}

/// The pods bound to one node.
#[derive(Default, Clone)]
struct NodePods {
    keys: Vec<ObjKey>,
    /// Changes whenever one of them does.
    stamp: u64,
}

#[derive(Default)]
pub struct ClusterStore {
    pub info: ClusterInfo,
    /// kind → its entries, one per API group (almost always one), in
    /// group order.
    objects: HashMap<String, Vec<KindEntry>>,
    /// Controlling owner → keys of the objects it controls.
    children: HashMap<ObjKey, Vec<ObjKey>>,
    /// Node name → the pods bound to it (`spec.nodeName`).
    by_node: HashMap<String, NodePods>,
    /// Derived data kept while what it was built from is unchanged.
    memo: Memo,
    /// Changes whenever a kind's status or listed flag does.
    status_version: u64,
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
            by_node: self.by_node.clone(),
            memo: self.memo.clone(),
            status_version: self.status_version,
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

    /// The entry of `kind` in `group`, made if missing.
    fn entry_mut(&mut self, kind: &str, group: &str) -> &mut KindEntry {
        if !self.objects.contains_key(kind) {
            self.objects.insert(kind.to_string(), Vec::new());
        }
        let entries = self.objects.get_mut(kind).expect("inserted above");
        let i = match entries.binary_search_by(|e| e.group.as_str().cmp(group)) {
            Ok(i) => i,
            Err(i) => {
                entries.insert(
                    i,
                    KindEntry {
                        group: group.to_string(),
                        ..Default::default()
                    },
                );
                i
            }
        };
        &mut entries[i]
    }

    /// The entries a kind label names: `Kind.group` or a typed `Kind` one
    /// entry, a bare other `Kind` every group's. The iterator does not hold
    /// on to `label`.
    fn entries<'s>(&'s self, label: &str) -> impl Iterator<Item = &'s KindEntry> + use<'s> {
        let l = KindLabel::parse(label);
        let group = l.group_filter();
        self.objects
            .get(l.kind)
            .into_iter()
            .flatten()
            .filter(move |e| group.as_deref().is_none_or(|g| g == e.group))
    }

    /// Inserts or replaces an object; returns the previous one.
    pub fn apply(&mut self, obj: ObjRef) -> Option<ObjRef> {
        let key = obj.key.clone();
        if let Some(owner) = obj.controller_key() {
            self.children.entry(owner).or_default().push(key.clone());
        }
        if let Some(node) = node_of(&obj) {
            let pods = self.by_node.entry(node.to_string()).or_default();
            pods.keys.push(key.clone());
            pods.stamp = next_stamp();
        }
        let mut nodes: Vec<String> = node_of(&obj).map(str::to_string).into_iter().collect();
        let entry = self.entry_mut(&key.kind, &key.group);
        entry.stamp = next_stamp();
        let old = entry.objects.insert(&key, obj);
        if let Some(old) = &old {
            self.unlink(old);
            if let Some(n) = node_of(old).filter(|n| !nodes.iter().any(|m| m == n)) {
                nodes.push(n.to_string());
            }
        }
        self.notify(key, ChangeKind::Applied, nodes);
        old
    }

    pub fn delete(&mut self, key: &ObjKey) -> Option<ObjRef> {
        let entry = self
            .objects
            .get_mut(key.kind.as_str())?
            .iter_mut()
            .find(|e| e.group == key.group)?;
        let old = entry.objects.remove(&key.namespace, &key.name)?;
        entry.stamp = next_stamp();
        self.unlink(&old);
        let nodes = node_of(&old).map(str::to_string).into_iter().collect();
        self.notify(key.clone(), ChangeKind::Deleted, nodes);
        Some(old)
    }

    /// Replaces every object of `kind` in `group` with `objects` (a re-list,
    /// as kube-runtime's reflector swaps its store): objects missing from
    /// the list are deleted, new or changed ones applied, and unchanged ones
    /// (same non-empty resourceVersion) kept without a change notice. With
    /// a `namespace`, the list was of that namespace only (a user who may
    /// not list cluster-wide): only its objects can be gone. The kind counts
    /// as listed from now on.
    pub fn relist(
        &mut self,
        kind: &str,
        group: &str,
        namespace: Option<&str>,
        objects: Vec<ObjRef>,
    ) {
        let mut gone: BTreeSet<(Name, Name)> = self
            .entries_exact(kind, group)
            .map(|m| {
                m.values()
                    .filter(|o| namespace.is_none_or(|ns| o.key.namespace == ns))
                    .map(|o| (o.key.namespace.clone(), o.key.name.clone()))
                    .collect()
            })
            .unwrap_or_default();
        for obj in objects {
            // Held before this list and not seen in it yet (a duplicate
            // within the list replaces, as the later one wins).
            let held = gone.remove(&(obj.key.namespace.clone(), obj.key.name.clone()));
            let unchanged = held
                && self.get(&obj.key).is_some_and(|old| {
                    old.meta.resource_version.is_some()
                        && old.meta.resource_version == obj.meta.resource_version
                });
            if !unchanged {
                self.apply(obj);
            }
        }
        for (namespace, name) in gone {
            self.delete(&ObjKey {
                kind: kind.into(),
                namespace,
                name,
                group: crate::model::kinds::canonical_group(kind, group),
            });
        }
        let entry = self.entry_mut(kind, group);
        entry.listed = true;
        entry.stamp = next_stamp();
        self.status_version = next_stamp();
    }

    /// Records what the source says of a kind's completeness. `Ready` also
    /// marks it listed.
    pub fn set_status(&mut self, kind: &str, group: &str, status: KindStatus) {
        let e = self.entry_mut(kind, group);
        e.listed |= status == KindStatus::Ready;
        e.status = Some(status);
        e.stamp = next_stamp();
        self.status_version = next_stamp();
    }

    /// What the source last said of a kind (`None`: nothing, e.g. a kind no
    /// file of a snapshot held).
    pub fn status(&self, label: &str) -> Option<&KindStatus> {
        self.entries(label).find_map(|e| e.status.as_ref())
    }

    /// Changes whenever what the source says of a kind (its status, or
    /// that it was listed) does.
    pub fn status_version(&self) -> u64 {
        self.status_version
    }

    /// What the source says of the whole: `None` for a snapshot (its kinds
    /// have no status), else how many kinds are listed, still listing,
    /// forbidden and failing.
    pub fn sync_summary(&self) -> Option<SyncSummary> {
        let statuses = self.statuses();
        if statuses.is_empty() {
            return None;
        }
        let mut s = SyncSummary::default();
        for (_, status) in statuses {
            match status {
                KindStatus::Ready => s.ready += 1,
                KindStatus::Syncing { .. } => s.syncing += 1,
                KindStatus::Forbidden(_) => s.forbidden += 1,
                KindStatus::Error { .. } => s.failing += 1,
            }
        }
        Some(s)
    }

    /// What the source said of each kind, by label, sorted.
    /// Whether a failing kind waits for a retry (the console then counts
    /// down once a second).
    pub fn retry_pending(&self) -> bool {
        self.objects.values().flatten().any(|e| {
            matches!(
                e.status,
                Some(KindStatus::Error {
                    retry_at: Some(_),
                    ..
                })
            )
        })
    }

    /// Whether any kind is still being listed.
    pub fn listing(&self) -> bool {
        self.objects
            .values()
            .flatten()
            .any(|e| matches!(e.status, Some(KindStatus::Syncing { .. })))
    }

    pub fn statuses(&self) -> Vec<(String, &KindStatus)> {
        let mut out: Vec<(String, &KindStatus)> = self
            .objects
            .iter()
            .flat_map(|(kind, entries)| {
                entries.iter().filter_map(move |e| {
                    e.status
                        .as_ref()
                        .map(|s| (kinds::label(kind, &e.group).into_owned(), s))
                })
            })
            .collect();
        out.sort_by(|a, b| a.0.cmp(&b.0));
        out
    }

    /// Whether the store ever held the whole of a kind: tells "no Roles"
    /// (listed, none there) from "Roles not captured".
    pub fn listed(&self, label: &str) -> bool {
        self.entries(label).any(|e| e.listed)
    }

    fn entries_exact(&self, kind: &str, group: &str) -> Option<&KindMap> {
        self.objects
            .get(kind)?
            .iter()
            .find(|e| e.group == group)
            .map(|e| &e.objects)
    }

    /// Removes a replaced or deleted object from the owner and node
    /// indexes. Removes one entry each: a replacement pushed its key first.
    fn unlink(&mut self, old: &ObjRef) {
        if let Some(owner) = old.controller_key()
            && let Some(list) = self.children.get_mut(&owner)
        {
            if let Some(i) = list.iter().position(|k| *k == old.key) {
                list.swap_remove(i);
            }
            if list.is_empty() {
                self.children.remove(&owner);
            }
        }
        if let Some(node) = node_of(old)
            && let Some(pods) = self.by_node.get_mut(node)
        {
            if let Some(i) = pods.keys.iter().position(|k| *k == old.key) {
                pods.keys.swap_remove(i);
            }
            pods.stamp = next_stamp();
            if pods.keys.is_empty() {
                self.by_node.remove(node);
            }
        }
    }

    fn notify(&mut self, key: ObjKey, kind: ChangeKind, nodes: Vec<String>) {
        self.version += 1;
        let change = Change {
            key,
            kind,
            version: self.version,
            nodes,
        };
        self.subscribers.retain(|s| s.send(change.clone()).is_ok());
    }

    /// The object with this key. A key with an empty group and a kind that
    /// is not typed (made from a bare label) finds the kind in any group.
    pub fn get(&self, key: &ObjKey) -> Option<&ObjRef> {
        let entries = self.objects.get(key.kind.as_str())?;
        let exact = entries
            .iter()
            .find(|e| e.group == key.group)
            .and_then(|e| e.objects.get(&key.namespace, &key.name));
        if exact.is_some() || !key.group.is_empty() || kinds::is_typed(&key.kind) {
            return exact;
        }
        entries
            .iter()
            .find_map(|e| e.objects.get(&key.namespace, &key.name))
    }

    /// The object of kind `label` (see [`KindLabel`]) named `namespace/name`.
    pub fn get_named(&self, label: &str, namespace: &str, name: &str) -> Option<&ObjRef> {
        self.entries(label)
            .find_map(|e| e.objects.get(namespace, name))
    }

    /// All objects of a kind, ordered by group, namespace and name.
    pub fn list<'a>(&'a self, label: &str) -> impl Iterator<Item = &'a ObjRef> + use<'a> {
        self.entries(label).flat_map(|e| e.objects.values())
    }

    /// Objects of a kind in one namespace.
    pub fn list_in<'a>(
        &'a self,
        label: &str,
        namespace: &'a str,
    ) -> impl Iterator<Item = &'a ObjRef> + use<'a> {
        self.entries(label)
            .filter_map(move |e| e.objects.by_ns.get(namespace))
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

    pub fn count(&self, label: &str) -> usize {
        self.entries(label).map(|e| e.objects.len).sum()
    }

    pub fn has_kind(&self, label: &str) -> bool {
        self.count(label) > 0
    }

    /// Kinds present, as labels, sorted.
    pub fn kinds(&self) -> Vec<String> {
        let mut k: Vec<String> = self
            .objects
            .iter()
            .flat_map(|(kind, entries)| {
                entries
                    .iter()
                    .filter(|e| e.objects.len > 0)
                    .map(move |e| kinds::label(kind, &e.group).into_owned())
            })
            .collect();
        k.sort_unstable();
        // A bare label stands for its kind in every group.
        k.dedup();
        k
    }

    pub fn len(&self) -> usize {
        self.objects.values().flatten().map(|e| e.objects.len).sum()
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

    /// The pods bound to `node` (any phase), in no particular order.
    pub fn pods_on<'a>(&'a self, node: &str) -> impl Iterator<Item = &'a ObjRef> + use<'a> {
        self.by_node
            .get(node)
            .into_iter()
            .flat_map(|p| &p.keys)
            .filter_map(|k| self.get(k))
    }

    /// Node names that have pods bound to them.
    pub fn nodes_with_pods(&self) -> impl Iterator<Item = &str> {
        self.by_node.keys().map(String::as_str)
    }

    /// Changes whenever a pod bound to `node` does (0: none ever was).
    pub fn pods_on_stamp(&self, node: &str) -> u64 {
        self.by_node.get(node).map_or(0, |p| p.stamp)
    }

    /// The namespaces holding objects of a kind, sorted (per API group).
    pub fn namespaces_of<'a>(&'a self, label: &str) -> impl Iterator<Item = &'a str> + use<'a> {
        self.entries(label)
            .flat_map(|e| e.objects.by_ns.keys())
            .map(Name::as_str)
    }

    /// Changes whenever an object or the status of one of these kinds does:
    /// the newest of their stamps (0: none was ever held).
    pub fn stamp(&self, labels: &[&str]) -> u64 {
        labels
            .iter()
            .flat_map(|l| self.entries(l))
            .map(|e| e.stamp)
            .max()
            .unwrap_or(0)
    }

    /// Changes whenever an object of one of these kinds in `namespace` does
    /// (0: none was ever held there).
    pub fn stamp_in(&self, labels: &[&str], namespace: &str) -> u64 {
        labels
            .iter()
            .flat_map(|l| self.entries(l))
            .filter_map(|e| e.objects.stamps.get(namespace).copied())
            .max()
            .unwrap_or(0)
    }

    /// `build()`'s value, cached under `key` while `stamp` (from [`stamp`],
    /// [`stamp_in`] or [`pods_on_stamp`]) is unchanged. `build` must read only what the
    /// stamp covers.
    ///
    /// [`stamp`]: ClusterStore::stamp
    /// [`stamp_in`]: ClusterStore::stamp_in
    /// [`pods_on_stamp`]: ClusterStore::pods_on_stamp
    pub fn memo<T: std::any::Any + Send + Sync>(
        &self,
        key: &str,
        stamp: u64,
        build: impl FnOnce() -> T,
    ) -> Arc<T> {
        self.memo.get_or_build(key, stamp, build)
    }

    /// Every namespace-scoped map, for look-ups across kinds.
    fn namespace_maps(&self) -> impl Iterator<Item = &BTreeMap<Name, BTreeMap<Name, ObjRef>>> {
        self.objects.values().flatten().map(|e| &e.objects.by_ns)
    }
}

/// The node a pod is bound to.
fn node_of(obj: &crate::model::Object) -> Option<&str> {
    let pod = obj.typed::<crate::model::pod::Pod>()?;
    pod.spec
        .as_ref()?
        .node_name
        .as_deref()
        .filter(|n| !n.is_empty())
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::source::snapshot::{LoadOptions, load_str};

    pub(crate) fn store(yaml: &str) -> ClusterStore {
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

    fn pod(name: &str, node: &str, restarts: u32) -> ObjRef {
        let yaml = format!(
            "apiVersion: v1\nkind: Pod\nmetadata: {{name: {name}, namespace: ns, resourceVersion: \"{restarts}\"}}\n\
             spec: {{nodeName: \"{node}\", containers: [{{name: c, image: x}}]}}\n"
        );
        let s = store(&yaml);
        s.list("Pod").next().expect("one pod").clone()
    }

    fn names_on(s: &ClusterStore, node: &str) -> Vec<String> {
        let mut v: Vec<String> = s.pods_on(node).map(|p| p.name().to_string()).collect();
        v.sort();
        v
    }

    #[test]
    fn pods_by_node_follow_binding_replacement_and_deletion() {
        let mut s = ClusterStore::default();
        s.apply(pod("a", "", 0));
        assert_eq!(
            s.nodes_with_pods().count(),
            0,
            "an unbound pod is on no node"
        );
        s.apply(pod("a", "n1", 1));
        s.apply(pod("b", "n1", 1));
        assert_eq!(names_on(&s, "n1"), ["a", "b"]);
        let before = s.pods_on_stamp("n1");
        s.apply(pod("a", "n1", 2));
        assert_eq!(names_on(&s, "n1"), ["a", "b"], "replaced once, not twice");
        assert_ne!(s.pods_on_stamp("n1"), before, "a pod on n1 changed");
        let n2 = s.pods_on_stamp("n2");
        s.delete(&ObjKey::new("Pod", "ns", "b"));
        assert_eq!(names_on(&s, "n1"), ["a"]);
        assert_eq!(s.pods_on_stamp("n2"), n2, "nothing changed on n2");
        s.delete(&ObjKey::new("Pod", "ns", "a"));
        assert_eq!(s.nodes_with_pods().count(), 0);
        // A replica keeps the index.
        s.apply(pod("c", "n2", 0));
        assert_eq!(names_on(&s.replica(), "n2"), ["c"]);
    }

    #[test]
    fn stamps_change_with_their_kind_and_namespace_only() {
        let mut s = store("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, namespace: a}\n");
        let cm = s.stamp(&["ConfigMap"]);
        let in_a = s.stamp_in(&["ConfigMap"], "a");
        assert!(cm > 0 && in_a > 0);
        assert_eq!(s.stamp(&["Pod"]), 0, "never held");
        s.apply(pod("p", "n1", 0));
        assert_eq!(s.stamp(&["ConfigMap"]), cm, "a Pod is not a ConfigMap");
        assert_eq!(s.stamp_in(&["ConfigMap"], "a"), in_a);
        assert!(
            s.stamp(&["ConfigMap", "Pod"]) > cm,
            "the newest of the kinds"
        );
        assert!(s.stamp_in(&["Pod"], "ns") > 0);
        s.delete(&ObjKey::new("ConfigMap", "a", "c"));
        assert!(s.stamp(&["ConfigMap"]) > cm, "a deletion changes it");
        assert!(s.stamp_in(&["ConfigMap"], "a") > in_a);
    }

    #[test]
    fn memo_rebuilds_only_when_its_stamp_changes() {
        let mut s = store("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, namespace: a}\n");
        let builds = std::cell::Cell::new(0);
        let count = |s: &ClusterStore| {
            *s.memo("configmaps", s.stamp(&["ConfigMap"]), || {
                builds.set(builds.get() + 1);
                s.count("ConfigMap")
            })
        };
        assert_eq!(count(&s), 1);
        assert_eq!(count(&s), 1);
        s.apply(pod("p", "n1", 0));
        assert_eq!(count(&s), 1);
        assert_eq!(builds.get(), 1, "built once while ConfigMaps stay");
        let r = s.replica();
        assert_eq!(count(&r), 1);
        assert_eq!(builds.get(), 1, "a replica shares the cache");
        s.delete(&ObjKey::new("ConfigMap", "a", "c"));
        assert_eq!(count(&s), 0);
        assert_eq!(count(&r), 1, "the replica's own state");
        assert_eq!(builds.get(), 2, "only the changed store rebuilt");
    }
}
