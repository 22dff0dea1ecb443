//! The cluster object model: one `Object` per Kubernetes object, typed where
//! checks read fields, plus the value types checks share (quantities, label
//! selectors, image references, workloads, command lines).

pub mod command;
pub mod image;
pub mod inert;
pub mod kinds;
pub mod mask;
pub mod pod;
pub mod quantity;
pub mod selector;
pub mod workload;
pub mod yaml;

use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;
use std::sync::Arc;

use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
pub use kinds::{Body, Typed};

/// Identifies an object: kind, namespace (empty for cluster-scoped), name.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ObjKey {
    pub kind: String,
    pub namespace: String,
    pub name: String,
}

impl ObjKey {
    pub fn new(kind: &str, namespace: &str, name: &str) -> Self {
        ObjKey {
            kind: kind.to_string(),
            namespace: namespace.to_string(),
            name: name.to_string(),
        }
    }
}

impl fmt::Display for ObjKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.namespace.is_empty() {
            write!(f, "{}/{}", self.kind, self.name)
        } else {
            write!(f, "{}/{}/{}", self.kind, self.namespace, self.name)
        }
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
        self.meta
            .owner_references
            .as_ref()?
            .iter()
            .find(|o| o.controller == Some(true))
            .map(|o| (o.kind.as_str(), o.name.as_str()))
    }

    /// Reads a field of a dynamic object by JSON pointer (`/spec/limits`).
    pub fn pointer(&self, ptr: &str) -> Option<&serde_json::Value> {
        self.dynamic()?.pointer(ptr)
    }
}

pub type ObjRef = Arc<Object>;
