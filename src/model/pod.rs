//! Pods as the store holds them.
//!
//! A cluster has far more pods than anything else, and a k8s-openapi `Pod`
//! takes about 30 KB of heap for 5 KB of JSON: every optional field of a
//! `Container` or `Volume` is inline (2.3 and 3.3 KB each). Checks read a
//! managed pod's spec from its controller's template, so a pod keeps only
//! what is read of the pod itself — placement, priority, container
//! resources and status — in about 5 KB. A pod that is its own workload
//! (no workload controller manages it: bare pods, static pods) also keeps
//! its whole spec in `full_spec`. Field names follow the API, so check
//! code reads a pod as it reads any other kind.
//!
//! Ephemeral containers (`kubectl debug`) are the exception to "the
//! template says it all": they are added to running pods and no template
//! holds them, so a pod keeps what the security checks read of them, and
//! the pod-level settings they inherit (`securityContext`, `os`).

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt;

use k8s_openapi::api::core::v1 as api;
use k8s_openapi::api::core::v1::{Affinity, ContainerState, PodCondition};
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{ObjectMeta, Time};
use serde::de::{MapAccess, Visitor};
use serde::ser::SerializeStruct;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;

use super::workload::managed_by_workload;

#[derive(Debug, Clone, Default)]
pub struct Pod {
    pub spec: Option<PodSpec>,
    pub status: Option<PodStatus>,
    /// The whole spec of a pod that is its own workload (see the module doc).
    pub full_spec: Option<Box<api::PodSpec>>,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PodSpec {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub node_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub priority: Option<i32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub priority_class_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub node_selector: Option<BTreeMap<String, String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub affinity: Option<Affinity>,
    #[serde(default)]
    pub containers: Vec<Container>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub init_containers: Option<Vec<Container>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub overhead: Option<ResourceList>,
    /// Pod-level resources (they win over the containers' when set).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resources: Option<Resources>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub security_context: Option<PodSecurityContext>,
    /// `windows` makes the Linux-only securityContext fields not apply.
    /// (Boxed, like the rare lists below: most pods have none, and a pod
    /// should not pay inline for them.)
    #[serde(skip_serializing_if = "Option::is_none")]
    pub os: Option<Box<api::PodOS>>,
    /// Exactly sized: the loader does not shrink these as it does the
    /// containers.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ephemeral_containers: Option<Box<[EphemeralContainer]>>,
}

/// The pod-level security settings a container inherits when it sets none
/// of its own (inline and without heap: every admitted pod has one).
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PodSecurityContext {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub run_as_non_root: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub run_as_user: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub windows_options: Option<WindowsOptions>,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct WindowsOptions {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub host_process: Option<bool>,
}

/// An ephemeral (debug) container: what the security checks read. The API
/// forbids probes, ports and resources on them, so there are none to keep.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct EphemeralContainer {
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub image: Option<String>,
    /// The container whose namespaces (processes) it shares, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target_container_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub security_context: Option<api::SecurityContext>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub env: Option<Box<[EnvVar]>>,
}

/// An env var's name and literal value; `valueFrom` is not kept (only a
/// literal can leak a secret).
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct EnvVar {
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Container {
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub restart_policy: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resources: Option<Resources>,
}

impl Container {
    /// An init container with `restartPolicy: Always` is a native sidecar:
    /// it keeps running for the pod's lifetime.
    pub fn is_sidecar(&self) -> bool {
        self.restart_policy.as_deref() == Some("Always")
    }
}

/// A container's resources, read alike from a pod template (`api::Container`)
/// and from a stored pod.
pub trait ContainerResources {
    fn requests(&self) -> Option<&dyn ResourceLookup>;
    fn limits(&self) -> Option<&dyn ResourceLookup>;

    fn requested(&self, res: &str) -> Option<&Quantity> {
        self.requests()?.quantity(res)
    }
}

/// A resource list of either representation.
pub trait ResourceLookup {
    fn quantity(&self, res: &str) -> Option<&Quantity>;
}

impl ResourceLookup for BTreeMap<String, Quantity> {
    fn quantity(&self, res: &str) -> Option<&Quantity> {
        self.get(res)
    }
}

impl ResourceLookup for ResourceList {
    fn quantity(&self, res: &str) -> Option<&Quantity> {
        self.get(res)
    }
}

impl ContainerResources for api::Container {
    fn requests(&self) -> Option<&dyn ResourceLookup> {
        Some(self.resources.as_ref()?.requests.as_ref()? as &dyn ResourceLookup)
    }
    fn limits(&self) -> Option<&dyn ResourceLookup> {
        Some(self.resources.as_ref()?.limits.as_ref()? as &dyn ResourceLookup)
    }
}

impl ContainerResources for Container {
    fn requests(&self) -> Option<&dyn ResourceLookup> {
        Some(self.resources.as_ref()?.requests.as_ref()? as &dyn ResourceLookup)
    }
    fn limits(&self) -> Option<&dyn ResourceLookup> {
        Some(self.resources.as_ref()?.limits.as_ref()? as &dyn ResourceLookup)
    }
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct Resources {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub requests: Option<ResourceList>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub limits: Option<ResourceList>,
}

/// A resource name → quantity map. A pod lists two or three resources; a
/// `BTreeMap` would allocate a 540-byte node for each list.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ResourceList(Vec<(String, Quantity)>);

impl ResourceList {
    pub fn get(&self, name: &str) -> Option<&Quantity> {
        self.0.iter().find(|(k, _)| k == name).map(|(_, v)| v)
    }

    pub fn iter(&self) -> impl Iterator<Item = (&str, &Quantity)> {
        self.0.iter().map(|(k, v)| (k.as_str(), v))
    }
}

impl<'de> Deserialize<'de> for ResourceList {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = ResourceList;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a map of resource names to quantities")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<ResourceList, A::Error> {
                let mut list = Vec::with_capacity(map.size_hint().unwrap_or(2));
                while let Some((k, v)) = map.next_entry::<String, Quantity>()? {
                    // A later duplicate wins, as in a map.
                    list.retain(|(name, _): &(String, Quantity)| *name != k);
                    list.push((k, v));
                }
                list.shrink_to_fit();
                Ok(ResourceList(list))
            }
        }
        d.deserialize_map(V)
    }
}

impl Serialize for ResourceList {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_map(self.0.iter().map(|(k, v)| (k, v)))
    }
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PodStatus {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phase: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start_time: Option<Time>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub conditions: Option<Vec<PodCondition>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub container_statuses: Option<Vec<ContainerStatus>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub init_container_statuses: Option<Vec<ContainerStatus>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ephemeral_container_statuses: Option<Box<[ContainerStatus]>>,
}

/// Boxed states: a `ContainerState` is 200 bytes inline, and most
/// containers have no last state.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ContainerStatus {
    pub name: String,
    #[serde(default)]
    pub ready: bool,
    #[serde(default)]
    pub restart_count: i32,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub state: Option<Box<ContainerState>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_state: Option<Box<ContainerState>>,
}

/// The annotations checks read of a pod; a pod that is trimmed keeps these
/// only (a pod's other annotations are for the tools that set them).
pub mod annotation {
    /// Suppresses listed check ids on the object (`kready.io/ignore`).
    pub const IGNORE: &str = "kready.io/ignore";
    /// Marks the API server's mirror of a static pod.
    pub const MIRROR: &str = "kubernetes.io/config.mirror";
    /// Opts a pod's volumes in to Velero's file-system backup.
    pub const VELERO_FS_BACKUP: &str = "backup.velero.io/backup-volumes";
    /// Argo CD's tracking of what it applied.
    pub const ARGOCD_TRACKING: &str = "argocd.argoproj.io/tracking-id";

    pub const READ: &[&str] = &[IGNORE, MIRROR, VELERO_FS_BACKUP, ARGOCD_TRACKING];
}

impl Pod {
    /// The fields read of a managed pod, for the YAML view.
    pub const KEPT_FIELDS: &'static str = "the annotations checks read; spec.nodeName, \
        priority, priorityClassName, nodeSelector and affinity; the containers' names, \
        restartPolicy and resources; spec.overhead; securityContext runAsNonRoot, runAsUser \
        and hostProcess; spec.os; ephemeral containers' name, image, targetContainerName, \
        securityContext and env literals; status phase, startTime, the Ready condition and \
        any condition that is not True, and container states";

    /// Whether the pod keeps only the fields checks read (see the module doc).
    pub fn is_trimmed(&self) -> bool {
        self.full_spec.is_none() && self.spec.is_some()
    }

    /// Drops what a trimmed pod does not keep of its status and metadata
    /// (see `KEPT_FIELDS`): conditions that say all is well but Ready, empty
    /// container states, annotations no check reads.
    pub fn trim(&mut self, meta: &mut ObjectMeta) {
        if !self.is_trimmed() {
            return;
        }
        if let Some(a) = &mut meta.annotations {
            a.retain(|k, _| annotation::READ.contains(&k.as_str()));
            if a.is_empty() {
                meta.annotations = None;
            }
        }
        let Some(status) = &mut self.status else {
            return;
        };
        if let Some(conditions) = &mut status.conditions {
            conditions.retain(|c| c.type_ == "Ready" || c.status != "True");
            conditions.shrink_to_fit();
        }
        let empty = |s: &Option<Box<ContainerState>>| {
            s.as_ref().is_some_and(|s| {
                s.running.is_none() && s.terminated.is_none() && s.waiting.is_none()
            })
        };
        for cs in status
            .container_statuses
            .iter_mut()
            .chain(status.init_container_statuses.iter_mut())
            .flatten()
        {
            if empty(&cs.state) {
                cs.state = None;
            }
            if empty(&cs.last_state) {
                cs.last_state = None;
            }
        }
    }

    /// Reads a pod from its JSON text (the loader's fast path); `None` on
    /// any error, which the caller then reports through `from_value`.
    pub fn from_json_text(text: &str) -> Option<(Pod, ObjectMeta)> {
        // Duplicate keys fail the parse; `kind` and `apiVersion` are checked
        // because the caller only guessed them from the leading keys.
        #[derive(Deserialize)]
        struct Doc<'a> {
            #[serde(borrow)]
            kind: Option<Cow<'a, str>>,
            #[serde(borrow, rename = "apiVersion")]
            api_version: Option<Cow<'a, str>>,
            #[serde(default)]
            metadata: ObjectMeta,
            spec: Option<PodSpec>,
            status: Option<PodStatus>,
        }
        /// The second pass, for the few pods that keep their whole spec.
        #[derive(Deserialize)]
        struct Full {
            spec: Option<api::PodSpec>,
        }
        let doc: Doc = serde_json::from_str(text).ok()?;
        if doc.kind.as_deref() != Some("Pod") || doc.api_version.as_deref() != Some("v1") {
            return None;
        }
        let full_spec = match &doc.spec {
            Some(_) if !managed_by_workload(&doc.metadata) => {
                Some(Box::new(serde_json::from_str::<Full>(text).ok()?.spec?))
            }
            _ => None,
        };
        let pod = Pod {
            spec: doc.spec,
            status: doc.status,
            full_spec,
        };
        Some((pod, doc.metadata))
    }

    /// Reads a pod from a JSON value; the error's first part is the path of
    /// the bad field.
    pub fn from_value(meta: &ObjectMeta, value: &Value) -> Result<Pod, (String, String)> {
        fn parse<'a, T: Deserialize<'a>>(v: &'a Value, at: &str) -> Result<T, (String, String)> {
            serde_path_to_error::deserialize(v).map_err(|e| {
                let path = e.path().to_string();
                let path = if path == "." {
                    at.to_string()
                } else {
                    format!("{at}.{path}")
                };
                (path, e.inner().to_string())
            })
        }
        let spec = value.get("spec").filter(|s| !s.is_null());
        let status = value.get("status").filter(|s| !s.is_null());
        Ok(Pod {
            // The whole spec is parsed first so that its errors (the more
            // complete ones) are the ones reported.
            full_spec: match spec {
                Some(s) if !managed_by_workload(meta) => Some(Box::new(parse(s, "spec")?)),
                _ => None,
            },
            spec: spec.map(|s| parse(s, "spec")).transpose()?,
            status: status.map(|s| parse(s, "status")).transpose()?,
        })
    }
}

/// The whole spec where the pod keeps it, else the fields that were kept.
impl Serialize for Pod {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut st = s.serialize_struct("Pod", 2)?;
        match (&self.full_spec, &self.spec) {
            (Some(full), _) => st.serialize_field("spec", full)?,
            (None, Some(spec)) => st.serialize_field("spec", spec)?,
            (None, None) => st.skip_field("spec")?,
        }
        match &self.status {
            Some(status) => st.serialize_field("status", status)?,
            None => st.skip_field("status")?,
        }
        st.end()
    }
}
