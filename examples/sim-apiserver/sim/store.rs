//! The object store: every object as its serialised JSON (memory stays
//! close to the snapshot's size: 30,000 pods are ~150 MB, not the ~1 GB a
//! `Value` tree would take), with one global resourceVersion that every
//! change bumps, and a bounded history of changes per resource that
//! watches resume from and consistent (paginated or `Exact`) lists are
//! rebuilt from — the simulator's etcd and watch cache in one.
//!
//! The history is per resource, as the real server's watch caches are: a
//! busy kind (pods under churn) does not push an idle kind's watchers out
//! of their window, so they resume without a 410.

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::sync::Arc;

use serde_json::{Map, Value};

use super::resources::{Registry, Resource};
use super::select::{field_values, labels_of};

/// One stored object.
#[derive(Debug)]
pub struct Obj {
    pub namespace: String,
    pub name: String,
    pub rv: u64,
    pub labels: BTreeMap<String, String>,
    pub fields: Vec<(&'static str, String)>,
    /// The object without `apiVersion` and `kind` (added back per
    /// response: built-in list items carry neither), starting with `{`.
    pub body: Box<str>,
}

impl Obj {
    /// Builds the stored form; `value` must be an object whose
    /// `metadata.resourceVersion` is already set.
    pub fn new(res: &Resource, mut value: Value, rv: u64) -> Obj {
        let namespace = str_at(&value, "/metadata/namespace");
        let name = str_at(&value, "/metadata/name");
        let labels = labels_of(&value);
        let fields = field_values(&value, &res.kind, &res.group);
        if let Some(m) = value.as_object_mut() {
            m.remove("apiVersion");
            m.remove("kind");
        }
        Obj {
            namespace,
            name,
            rv,
            labels,
            fields,
            body: value.to_string().into_boxed_str(),
        }
    }

    /// The JSON with `kind` and `apiVersion` first, as the server writes a
    /// single object or a watch event's object.
    pub fn json_with_type(&self, res: &Resource) -> String {
        let rest = &self.body[1..];
        let sep = if rest.starts_with('}') { "" } else { "," };
        format!(
            "{{\"kind\":{},\"apiVersion\":{}{sep}{rest}",
            Value::from(res.kind.as_str()),
            Value::from(res.api_version())
        )
    }

    /// The JSON as a list item: built-in kinds without type fields.
    pub fn json_for_list(&self, res: &Resource) -> String {
        if res.custom {
            self.json_with_type(res)
        } else {
            self.body.to_string()
        }
    }

    /// The object as a single answer or watch event asks for it.
    pub fn json_as(&self, res: &Resource, form: Form) -> String {
        match form {
            Form::Full => self.json_with_type(res),
            Form::Metadata => partial_metadata(&self.body),
        }
    }

    /// The object as a list item in the asked form.
    pub fn list_item(&self, res: &Resource, form: Form) -> String {
        match form {
            Form::Full => self.json_for_list(res),
            Form::Metadata => partial_metadata(&self.body),
        }
    }

    /// The whole object as a `Value` (for patches and mutations).
    pub fn value(&self, res: &Resource) -> Value {
        let mut v: Value = serde_json::from_str(&self.body).unwrap_or(Value::Null);
        if let Some(m) = v.as_object_mut() {
            m.insert("apiVersion".into(), res.api_version().into());
            m.insert("kind".into(), res.kind.clone().into());
        }
        v
    }
}

/// What a client asked to get back: whole objects, or only their metadata
/// (`Accept: application/json;as=PartialObjectMetadata[List];g=meta.k8s.io;v=v1`,
/// as kube-rs's `metadata_watcher` and `Api::get_metadata` ask).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Form {
    Full,
    Metadata,
}

impl Form {
    pub fn of(accept: &str) -> Form {
        let metadata = accept.split(',').next().is_some_and(|first| {
            first.contains("as=PartialObjectMetadata") && first.contains("g=meta.k8s.io")
        });
        if metadata { Form::Metadata } else { Form::Full }
    }

    /// The list's kind and apiVersion for a resource in this form.
    pub fn list_type(self, res: &Resource) -> (String, String) {
        match self {
            Form::Full => (format!("{}List", res.kind), res.api_version()),
            Form::Metadata => ("PartialObjectMetadataList".into(), "meta.k8s.io/v1".into()),
        }
    }
}

/// A `PartialObjectMetadata` of a stored body (or any object's JSON).
pub fn partial_metadata(body: &str) -> String {
    let v: Value = serde_json::from_str(body).unwrap_or(Value::Null);
    serde_json::json!({
        "kind": "PartialObjectMetadata",
        "apiVersion": "meta.k8s.io/v1",
        "metadata": v.get("metadata").cloned().unwrap_or_default(),
    })
    .to_string()
}

fn str_at(v: &Value, pointer: &str) -> String {
    v.pointer(pointer)
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string()
}

/// (namespace, name), ordered as the real server lists: by its etcd key
/// `namespace/name` (just `name` for cluster-scoped kinds) compared byte by
/// byte, so namespace `a-b` sorts before `a`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Key(pub String, pub String);

impl Key {
    pub fn new(ns: &str, name: &str) -> Key {
        Key(ns.to_string(), name.to_string())
    }
}

impl Ord for Key {
    fn cmp(&self, other: &Key) -> std::cmp::Ordering {
        etcd_order(&self.0, &self.1, &other.0, &other.1)
    }
}

impl PartialOrd for Key {
    fn partial_cmp(&self, other: &Key) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

/// Compares two objects' etcd keys without building them.
pub fn etcd_order(ns_a: &str, name_a: &str, ns_b: &str, name_b: &str) -> std::cmp::Ordering {
    let a = ns_a
        .bytes()
        .chain((!ns_a.is_empty()).then_some(b'/'))
        .chain(name_a.bytes());
    let b = ns_b
        .bytes()
        .chain((!ns_b.is_empty()).then_some(b'/'))
        .chain(name_b.bytes());
    a.cmp(b)
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ChangeType {
    Added,
    Modified,
    Deleted,
}

impl ChangeType {
    pub fn as_str(self) -> &'static str {
        match self {
            ChangeType::Added => "ADDED",
            ChangeType::Modified => "MODIFIED",
            ChangeType::Deleted => "DELETED",
        }
    }
}

/// One change, as kept in the history and broadcast to watches.
#[derive(Debug)]
pub struct Change {
    pub rv: u64,
    pub res: usize,
    pub typ: ChangeType,
    /// The object after the change (for a deletion: the object as deleted,
    /// with the deletion's resourceVersion, as the real server sends it).
    pub obj: Arc<Obj>,
    /// The object before the change (none for an addition).
    pub prev: Option<Arc<Obj>>,
}

#[derive(Debug)]
pub enum ListError {
    /// Older than the retained history: 410 Expired.
    TooOld { oldest: u64 },
    /// A resourceVersion the server has not reached yet.
    TooNew { current: u64 },
}

pub struct Store {
    pub registry: Registry,
    pub rv: u64,
    objects: HashMap<usize, BTreeMap<Key, Arc<Obj>>>,
    history: HashMap<usize, History>,
    history_cap: usize,
    /// The version the snapshot was loaded at: every resource's history
    /// starts after it.
    loaded: u64,
    /// `/configz` answers by node name (from KubeletConfiguration documents).
    pub configz: HashMap<String, Value>,
    /// `gitVersion` for `/version` (from a SnapshotInfo document).
    pub server_version: String,
    uid_counter: u64,
}

impl Store {
    pub fn new(registry: Registry, history_cap: usize) -> Store {
        Store {
            registry,
            rv: 1,
            objects: HashMap::new(),
            history: HashMap::new(),
            history_cap: history_cap.max(1),
            loaded: 1,
            configz: HashMap::new(),
            server_version: "v1.33.4".into(),
            uid_counter: 0,
        }
    }

    pub fn set_history_cap(&mut self, cap: usize) {
        self.history_cap = cap.max(1);
        for h in self.history.values_mut() {
            h.trim(self.history_cap);
        }
    }

    fn is_crd(&self, res: usize) -> bool {
        let r = &self.registry.all[res];
        r.group == "apiextensions.k8s.io" && r.kind == "CustomResourceDefinition"
    }

    pub fn res(&self, i: usize) -> &Resource {
        &self.registry.all[i]
    }

    pub fn get(&self, res: usize, ns: &str, name: &str) -> Option<&Arc<Obj>> {
        self.objects.get(&res)?.get(&Key::new(ns, name))
    }

    /// How many objects of a resource are stored.
    pub fn count(&self, res: usize) -> usize {
        self.objects.get(&res).map_or(0, BTreeMap::len)
    }

    /// A uid that looks like one (a UUID's shape, unique per server).
    pub fn next_uid(&mut self) -> String {
        self.uid_counter += 1;
        format!("5e1a0000-0000-4000-8000-{:012x}", self.uid_counter)
    }

    /// Stores an object loaded from the snapshot: no change is recorded
    /// (the snapshot is the state at the start). Returns its stored form.
    pub fn load(&mut self, res: usize, mut value: Value) {
        self.rv += 1;
        set_meta(&mut value, "resourceVersion", self.rv.to_string().into());
        let meta_missing = |v: &Value, k: &str| v.pointer(&format!("/metadata/{k}")).is_none();
        if meta_missing(&value, "uid") {
            let uid = self.next_uid();
            set_meta(&mut value, "uid", uid.into());
        }
        if meta_missing(&value, "creationTimestamp") {
            set_meta(&mut value, "creationTimestamp", now_rfc3339().into());
        }
        if meta_missing(&value, "generation") && value.get("spec").is_some() {
            set_meta(&mut value, "generation", 1.into());
        }
        let obj = Obj::new(&self.registry.all[res], value, self.rv);
        let key = Key(obj.namespace.clone(), obj.name.clone());
        self.objects
            .entry(res)
            .or_default()
            .insert(key, Arc::new(obj));
        self.loaded = self.rv;
    }

    /// Stores `value` (create or replace) as a new version and records
    /// the change. Returns the change (the caller broadcasts it).
    pub fn put(&mut self, res: usize, mut value: Value) -> Arc<Change> {
        if self.is_crd(res) {
            self.registry.add_crd(&value);
        }
        self.rv += 1;
        let rv = self.rv;
        set_meta(&mut value, "resourceVersion", rv.to_string().into());
        let obj = Arc::new(Obj::new(&self.registry.all[res], value, rv));
        let key = Key(obj.namespace.clone(), obj.name.clone());
        let prev = self
            .objects
            .entry(res)
            .or_default()
            .insert(key, obj.clone());
        let typ = if prev.is_some() {
            ChangeType::Modified
        } else {
            ChangeType::Added
        };
        self.record(Change {
            rv,
            res,
            typ,
            obj,
            prev,
        })
    }

    /// Deletes an object; the DELETED event carries it with a new
    /// resourceVersion, as the real server's does.
    pub fn delete(&mut self, res: usize, ns: &str, name: &str) -> Option<Arc<Change>> {
        let prev = self.objects.get_mut(&res)?.remove(&Key::new(ns, name))?;
        self.rv += 1;
        let rv = self.rv;
        let mut value = prev.value(&self.registry.all[res]);
        if self.is_crd(res) {
            self.registry.remove_crd(&value);
        }
        set_meta(&mut value, "resourceVersion", rv.to_string().into());
        let obj = Arc::new(Obj::new(&self.registry.all[res], value, rv));
        Some(self.record(Change {
            rv,
            res,
            typ: ChangeType::Deleted,
            obj,
            prev: Some(prev),
        }))
    }

    fn record(&mut self, change: Change) -> Arc<Change> {
        let change = Arc::new(change);
        let loaded = self.loaded;
        let h = self.history.entry(change.res).or_insert_with(|| History {
            changes: VecDeque::new(),
            compacted: loaded,
        });
        h.changes.push_back(change.clone());
        h.trim(self.history_cap);
        change
    }

    /// The changes of `res` after `rv`, or `TooOld` when some are no
    /// longer kept.
    pub fn changes_since(&self, res: usize, rv: u64) -> Result<Vec<Arc<Change>>, ListError> {
        if rv > self.rv {
            return Err(ListError::TooNew { current: self.rv });
        }
        let Some(h) = self.history.get(&res) else {
            // Never changed: any version since the load is current.
            return if rv < self.loaded {
                Err(ListError::TooOld {
                    oldest: self.loaded,
                })
            } else {
                Ok(Vec::new())
            };
        };
        if rv < h.compacted {
            return Err(ListError::TooOld {
                oldest: h.compacted,
            });
        }
        let start = h.changes.partition_point(|c| c.rv <= rv);
        Ok(h.changes.range(start..).cloned().collect())
    }

    /// The objects of `res` (in `ns` if given) as they were at `rv`, in key
    /// order: the current state with later changes undone.
    pub fn state_at(
        &self,
        res: usize,
        ns: Option<&str>,
        rv: u64,
    ) -> Result<Vec<Arc<Obj>>, ListError> {
        let empty = BTreeMap::new();
        let current = self.objects.get(&res).unwrap_or(&empty);
        let in_ns = |k: &Key| ns.is_none_or(|ns| k.0 == ns);
        let later = if rv >= self.rv {
            Vec::new()
        } else {
            self.changes_since(res, rv)?
        };
        if later.is_empty() {
            return Ok(current
                .iter()
                .filter(|(k, _)| in_ns(k))
                .map(|(_, o)| o.clone())
                .collect());
        }
        let mut state: BTreeMap<Key, Arc<Obj>> = current
            .iter()
            .filter(|(k, _)| in_ns(k))
            .map(|(k, o)| (k.clone(), o.clone()))
            .collect();
        for c in later.iter().rev() {
            let key = Key(c.obj.namespace.clone(), c.obj.name.clone());
            if !in_ns(&key) {
                continue;
            }
            match &c.prev {
                Some(p) => {
                    state.insert(key, p.clone());
                }
                None => {
                    state.remove(&key);
                }
            }
        }
        Ok(state.into_values().collect())
    }

    /// Every object of a resource, for the mutation driver.
    pub fn keys(&self, res: usize) -> Vec<Key> {
        self.objects
            .get(&res)
            .map(|m| m.keys().cloned().collect())
            .unwrap_or_default()
    }
}

pub fn set_meta(value: &mut Value, key: &str, v: Value) {
    if let Some(obj) = value.as_object_mut() {
        let meta = obj
            .entry("metadata")
            .or_insert_with(|| Value::Object(Map::new()));
        if let Some(m) = meta.as_object_mut() {
            m.insert(key.into(), v);
        }
    }
}

/// Now as RFC 3339 UTC with seconds (`metav1.Time`'s format).
pub fn now_rfc3339() -> String {
    jiff::Timestamp::now()
        .strftime("%Y-%m-%dT%H:%M:%SZ")
        .to_string()
}

/// One resource's retained changes.
struct History {
    changes: VecDeque<Arc<Change>>,
    /// Changes at or below this version are gone.
    compacted: u64,
}

impl History {
    fn trim(&mut self, cap: usize) {
        while self.changes.len() > cap {
            if let Some(old) = self.changes.pop_front() {
                self.compacted = old.rv;
            }
        }
    }
}
