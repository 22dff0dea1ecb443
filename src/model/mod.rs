//! The cluster object model: one `Object` per Kubernetes object, typed where
//! checks read fields, plus the value types checks share (quantities, label
//! selectors, image references, workloads, command lines).

pub mod command;
pub mod image;
pub mod inert;
pub mod kinds;
pub mod mask;
pub mod name;
pub mod pod;
pub mod quantity;
pub mod selector;
pub mod workload;
pub mod yaml;

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;
use std::sync::Arc;

use k8s_openapi::apimachinery::pkg::apis::meta::v1::{ObjectMeta, OwnerReference};
pub use kinds::{Body, Typed};
pub use name::Name;

/// Identifies an object: kind, namespace (empty for cluster-scoped), name
/// and API group. The group tells apart kinds that share a name: core
/// `Event` and `events.k8s.io` Events, or two CRDs named `Backup`. A typed
/// kind always carries its home group (`apps` for a Deployment written as
/// `extensions/v1beta1`), so one object has one key. The group is last so
/// that keys sort as before: by kind, namespace, name.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ObjKey {
    pub kind: Name,
    pub namespace: Name,
    pub name: Name,
    pub group: Cow<'static, str>,
}

impl ObjKey {
    /// `kind` is a kind label (see [`KindLabel`]): `Kind.group`, or `Kind`
    /// for a typed kind's home group. A bare label of another kind leaves
    /// the group empty; store look-ups then take the kind in any group.
    pub fn new(kind: &str, namespace: &str, name: &str) -> Self {
        let label = KindLabel::parse(kind);
        ObjKey {
            kind: label.kind.into(),
            namespace: namespace.into(),
            name: name.into(),
            group: label.group_or_home(),
        }
    }

    /// The key of an object of `kind` written with `api_version`.
    pub fn of(api_version: &str, kind: &str, namespace: &str, name: &str) -> Self {
        ObjKey {
            kind: kind.into(),
            namespace: namespace.into(),
            name: name.into(),
            group: kinds::canonical_group(kind, group_of(api_version)),
        }
    }

    /// How people and reports name the kind: `Kind`, qualified with the
    /// group only where a bare `Kind` would mean a typed kind of another
    /// group (`Event.events.k8s.io`).
    pub fn label(&self) -> Cow<'_, str> {
        kinds::label(&self.kind, &self.group)
    }

    /// Whether this is an object of the kind `label` names (see [`KindLabel`]).
    pub fn is(&self, label: &str) -> bool {
        KindLabel::parse(label).matches(&self.kind, &self.group)
    }
}

impl fmt::Display for ObjKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = self.label();
        if self.namespace.is_empty() {
            write!(f, "{kind}/{}", self.name)
        } else {
            write!(f, "{kind}/{}/{}", self.namespace, self.name)
        }
    }
}

/// The API group of an apiVersion (`apps/v1` → `apps`, `v1` → core `""`).
pub fn group_of(api_version: &str) -> &str {
    api_version.rsplit_once('/').map_or("", |(g, _)| g)
}

/// A kind as people write it: `Kind` or `Kind.group` (kubectl's
/// `resource.group` form, with the kind). Kinds never hold a dot.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KindLabel<'a> {
    pub kind: &'a str,
    /// `None` for a bare `Kind`.
    pub group: Option<&'a str>,
}

impl<'a> KindLabel<'a> {
    pub fn parse(label: &'a str) -> Self {
        match label.split_once('.') {
            Some((kind, group)) => KindLabel {
                kind,
                group: Some(group),
            },
            None => KindLabel {
                kind: label,
                group: None,
            },
        }
    }

    /// The group a key made from this label carries: the given one, a
    /// typed kind's home group, else empty (any group).
    pub fn group_or_home(&self) -> Cow<'static, str> {
        match self.group {
            Some(g) => kinds::canonical_group(self.kind, g),
            None => Cow::Borrowed(kinds::home_group(self.kind).unwrap_or("")),
        }
    }

    /// The group this label's kind must have: `None` for any (a bare
    /// label of a kind that is not typed).
    pub fn group_filter(&self) -> Option<Cow<'static, str>> {
        match (self.group, kinds::home_group(self.kind)) {
            (Some(g), _) => Some(kinds::canonical_group(self.kind, g)),
            (None, Some(home)) => Some(Cow::Borrowed(home)),
            (None, None) => None,
        }
    }

    /// Whether `(kind, group)` is what this label names: a bare typed kind
    /// means its home group, a bare other kind any group.
    pub fn matches(&self, kind: &str, group: &str) -> bool {
        self.kind == kind && self.group_filter().is_none_or(|g| g == group)
    }
}

/// Where an object was read from, for SARIF locations and error messages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin {
    /// Shared by all the objects of one file.
    pub file: Arc<Path>,
    /// 1-based line of the object's document (or list item).
    pub line: usize,
}

/// One Kubernetes object as the store holds it.
#[derive(Debug, Clone)]
pub struct Object {
    pub key: ObjKey,
    /// The apiVersion the object was written with (typed bodies are read as
    /// the current version of their kind).
    pub api_version: String,
    /// The object's metadata. Typed bodies leave their own `metadata`
    /// empty: it would be a second copy.
    pub meta: ObjectMeta,
    pub body: Body,
    pub origin: Option<Origin>,
}

impl Object {
    pub fn typed<T: Typed>(&self) -> Option<&T> {
        T::from_body(&self.body)
    }

    /// The raw JSON of a dynamic (custom resource) object.
    pub fn dynamic(&self) -> Option<&serde_json::Value> {
        match &self.body {
            Body::Dynamic(v) => Some(v),
            _ => None,
        }
    }

    pub fn labels(&self) -> &BTreeMap<String, String> {
        static EMPTY: BTreeMap<String, String> = BTreeMap::new();
        self.meta.labels.as_ref().unwrap_or(&EMPTY)
    }

    pub fn annotations(&self) -> &BTreeMap<String, String> {
        static EMPTY: BTreeMap<String, String> = BTreeMap::new();
        self.meta.annotations.as_ref().unwrap_or(&EMPTY)
    }

    pub fn label(&self, key: &str) -> Option<&str> {
        self.labels().get(key).map(String::as_str)
    }

    pub fn namespace(&self) -> &str {
        &self.key.namespace
    }

    pub fn name(&self) -> &str {
        &self.key.name
    }

    /// The controlling owner reference (`controller: true`), if any.
    pub fn controller(&self) -> Option<(&str, &str)> {
        self.controller_ref()
            .map(|o| (o.kind.as_str(), o.name.as_str()))
    }

    /// The key of the controlling owner, in the object's namespace: the
    /// owners kready follows (workload controllers) live there. A
    /// cluster-scoped owner (the Node of a mirror pod) is not followed.
    pub fn controller_key(&self) -> Option<ObjKey> {
        let o = self.controller_ref()?;
        Some(ObjKey::of(
            &o.api_version,
            &o.kind,
            self.namespace(),
            &o.name,
        ))
    }

    fn controller_ref(&self) -> Option<&OwnerReference> {
        self.meta
            .owner_references
            .as_ref()?
            .iter()
            .find(|o| o.controller == Some(true))
    }

    /// Reads a field of a dynamic object by JSON pointer (`/spec/limits`).
    pub fn pointer(&self, ptr: &str) -> Option<&serde_json::Value> {
        self.dynamic()?.pointer(ptr)
    }
}

pub type ObjRef = Arc<Object>;
