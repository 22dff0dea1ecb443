//! The resource table: which kinds the server serves, under which group,
//! version and plural, with which verbs. Built-in kinds are always there (so
//! an empty kind can be listed and discovered, as on a real cluster); CRDs
//! found in the snapshot and unknown kinds are added as the snapshot loads.

use serde_json::Value;

/// Verbs of an ordinary stored resource, as the real server lists them.
pub const RW: &[&str] = &[
    "create",
    "delete",
    "deletecollection",
    "get",
    "list",
    "patch",
    "update",
    "watch",
];
/// Review kinds (SelfSubjectAccessReview, …) are create-only.
const CREATE: &[&str] = &["create"];
/// metrics.k8s.io is read-only.
const READ: &[&str] = &["get", "list"];

#[derive(Clone, Debug)]
pub struct Resource {
    pub group: String,
    pub version: String,
    pub kind: String,
    pub plural: String,
    pub singular: String,
    pub namespaced: bool,
    pub short_names: Vec<String>,
    pub categories: Vec<String>,
    pub verbs: Vec<String>,
    /// Custom resources (CRDs, guessed kinds) keep `apiVersion`/`kind` in
    /// list items, as the real server's unstructured encoding does;
    /// built-in lists leave them out.
    pub custom: bool,
    /// False once its CRD is deleted (kept so indices stay stable).
    pub served: bool,
}

impl Resource {
    /// Workloads with a `/scale` subresource (kubectl scale, HPAs).
    pub fn scalable(&self) -> bool {
        matches!(
            (self.group.as_str(), self.plural.as_str()),
            ("apps", "deployments" | "statefulsets" | "replicasets")
                | ("", "replicationcontrollers")
        )
    }

    pub fn api_version(&self) -> String {
        if self.group.is_empty() {
            self.version.clone()
        } else {
            format!("{}/{}", self.group, self.version)
        }
    }

    /// Stored kinds can be listed and watched; reviews cannot.
    pub fn stored(&self) -> bool {
        self.verbs.iter().any(|v| v == "list")
    }
}

/// (group, version, kind, plural, namespaced, short names, categories, verbs)
type Row = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    bool,
    &'static [&'static str],
    &'static [&'static str],
    &'static [&'static str],
);

const ALL: &[&str] = &["all"];
const NONE: &[&str] = &[];

/// The built-in kinds kready reads (and a few kubectl users expect), at the
/// version a current (1.33) server prefers. Short names and categories as
/// the real server's discovery gives them.
#[rustfmt::skip]
const BUILTIN: &[Row] = &[
    ("", "v1", "Pod", "pods", true, &["po"], ALL, RW),
    ("", "v1", "Node", "nodes", false, &["no"], NONE, RW),
    ("", "v1", "Namespace", "namespaces", false, &["ns"], NONE, RW),
    ("", "v1", "Service", "services", true, &["svc"], ALL, RW),
    ("", "v1", "Endpoints", "endpoints", true, &["ep"], NONE, RW),
    ("", "v1", "ConfigMap", "configmaps", true, &["cm"], NONE, RW),
    ("", "v1", "Secret", "secrets", true, NONE, NONE, RW),
    ("", "v1", "ServiceAccount", "serviceaccounts", true, &["sa"], NONE, RW),
    ("", "v1", "PersistentVolume", "persistentvolumes", false, &["pv"], NONE, RW),
    ("", "v1", "PersistentVolumeClaim", "persistentvolumeclaims", true, &["pvc"], NONE, RW),
    ("", "v1", "Event", "events", true, &["ev"], NONE, RW),
    ("", "v1", "ResourceQuota", "resourcequotas", true, &["quota"], NONE, RW),
    ("", "v1", "LimitRange", "limitranges", true, &["limits"], NONE, RW),
    ("", "v1", "ReplicationController", "replicationcontrollers", true, &["rc"], ALL, RW),
    ("", "v1", "PodTemplate", "podtemplates", true, NONE, NONE, RW),
    ("apps", "v1", "Deployment", "deployments", true, &["deploy"], ALL, RW),
    ("apps", "v1", "StatefulSet", "statefulsets", true, &["sts"], ALL, RW),
    ("apps", "v1", "DaemonSet", "daemonsets", true, &["ds"], ALL, RW),
    ("apps", "v1", "ReplicaSet", "replicasets", true, &["rs"], ALL, RW),
    ("apps", "v1", "ControllerRevision", "controllerrevisions", true, NONE, NONE, RW),
    ("batch", "v1", "Job", "jobs", true, NONE, ALL, RW),
    ("batch", "v1", "CronJob", "cronjobs", true, &["cj"], ALL, RW),
    ("autoscaling", "v2", "HorizontalPodAutoscaler", "horizontalpodautoscalers", true, &["hpa"], ALL, RW),
    ("policy", "v1", "PodDisruptionBudget", "poddisruptionbudgets", true, &["pdb"], NONE, RW),
    ("networking.k8s.io", "v1", "NetworkPolicy", "networkpolicies", true, &["netpol"], NONE, RW),
    ("networking.k8s.io", "v1", "Ingress", "ingresses", true, &["ing"], NONE, RW),
    ("networking.k8s.io", "v1", "IngressClass", "ingressclasses", false, NONE, NONE, RW),
    ("rbac.authorization.k8s.io", "v1", "Role", "roles", true, NONE, NONE, RW),
    ("rbac.authorization.k8s.io", "v1", "RoleBinding", "rolebindings", true, NONE, NONE, RW),
    ("rbac.authorization.k8s.io", "v1", "ClusterRole", "clusterroles", false, NONE, NONE, RW),
    ("rbac.authorization.k8s.io", "v1", "ClusterRoleBinding", "clusterrolebindings", false, NONE, NONE, RW),
    ("storage.k8s.io", "v1", "StorageClass", "storageclasses", false, &["sc"], NONE, RW),
    ("storage.k8s.io", "v1", "CSIDriver", "csidrivers", false, NONE, NONE, RW),
    ("storage.k8s.io", "v1", "VolumeAttachment", "volumeattachments", false, NONE, NONE, RW),
    ("scheduling.k8s.io", "v1", "PriorityClass", "priorityclasses", false, &["pc"], NONE, RW),
    ("apiextensions.k8s.io", "v1", "CustomResourceDefinition", "customresourcedefinitions", false, &["crd", "crds"], NONE, RW),
    ("apiregistration.k8s.io", "v1", "APIService", "apiservices", false, NONE, NONE, RW),
    ("admissionregistration.k8s.io", "v1", "ValidatingWebhookConfiguration", "validatingwebhookconfigurations", false, NONE, NONE, RW),
    ("admissionregistration.k8s.io", "v1", "MutatingWebhookConfiguration", "mutatingwebhookconfigurations", false, NONE, NONE, RW),
    ("admissionregistration.k8s.io", "v1", "ValidatingAdmissionPolicy", "validatingadmissionpolicies", false, NONE, NONE, RW),
    ("coordination.k8s.io", "v1", "Lease", "leases", true, NONE, NONE, RW),
    ("discovery.k8s.io", "v1", "EndpointSlice", "endpointslices", true, NONE, NONE, RW),
    ("events.k8s.io", "v1", "Event", "events", true, &["ev"], NONE, RW),
    ("node.k8s.io", "v1", "RuntimeClass", "runtimeclasses", false, NONE, NONE, RW),
    ("certificates.k8s.io", "v1", "CertificateSigningRequest", "certificatesigningrequests", false, &["csr"], NONE, RW),
    ("metrics.k8s.io", "v1beta1", "PodMetrics", "pods", true, NONE, NONE, READ),
    ("metrics.k8s.io", "v1beta1", "NodeMetrics", "nodes", false, NONE, NONE, READ),
    ("authorization.k8s.io", "v1", "SelfSubjectAccessReview", "selfsubjectaccessreviews", false, NONE, NONE, CREATE),
    ("authorization.k8s.io", "v1", "SelfSubjectRulesReview", "selfsubjectrulesreviews", false, NONE, NONE, CREATE),
];

/// Every served resource; an index into it identifies a resource elsewhere.
#[derive(Clone, Debug, Default)]
pub struct Registry {
    pub all: Vec<Resource>,
}

impl Registry {
    pub fn builtin() -> Registry {
        let mut r = Registry::default();
        for &(group, version, kind, plural, namespaced, short, cats, verbs) in BUILTIN {
            r.all.push(Resource {
                group: group.into(),
                version: version.into(),
                kind: kind.into(),
                plural: plural.into(),
                singular: kind.to_lowercase(),
                namespaced,
                short_names: short.iter().map(|s| s.to_string()).collect(),
                categories: cats.iter().map(|s| s.to_string()).collect(),
                verbs: verbs.iter().map(|s| s.to_string()).collect(),
                custom: false,
                served: true,
            });
        }
        r
    }

    /// The resources currently served.
    pub fn served(&self) -> impl Iterator<Item = &Resource> {
        self.all.iter().filter(|r| r.served)
    }

    /// The resource at a URL's group, version and plural.
    pub fn by_path(&self, group: &str, version: &str, plural: &str) -> Option<usize> {
        self.all.iter().position(|r| {
            r.served && r.group == group && r.version == version && r.plural == plural
        })
    }

    /// The resource an object of `apiVersion`/`kind` is stored under. The
    /// version is not compared: an `autoscaling/v1` HPA in a snapshot is
    /// served as the one HPA resource (no conversion is done).
    pub fn by_kind(&self, group: &str, kind: &str) -> Option<usize> {
        self.all
            .iter()
            .position(|r| r.served && r.group == group && r.kind == kind && r.stored())
    }

    /// A CRD's group and kind.
    fn crd_kind(crd: &Value) -> Option<(&str, &str)> {
        let spec = crd.get("spec")?;
        Some((
            spec.get("group")?.as_str()?,
            spec.pointer("/names/kind")?.as_str()?,
        ))
    }

    /// A deleted CRD's kind is no longer served (discovery, paths).
    pub fn remove_crd(&mut self, crd: &Value) {
        if let Some((group, kind)) = Self::crd_kind(crd) {
            for r in self
                .all
                .iter_mut()
                .filter(|r| r.custom && r.group == group && r.kind == kind)
            {
                r.served = false;
            }
        }
    }

    /// Adds a CRD's served resource (its storage version, else the first
    /// served one); a CRD for a kind already known replaces nothing.
    pub fn add_crd(&mut self, crd: &Value) -> Option<usize> {
        let spec = crd.get("spec")?;
        let group = spec.get("group")?.as_str()?;
        let names = spec.get("names")?;
        let kind = names.get("kind")?.as_str()?;
        // Known (or deleted and now created again): served as before.
        if let Some(i) = self
            .all
            .iter()
            .position(|r| r.group == group && r.kind == kind && r.stored())
        {
            self.all[i].served = true;
            return Some(i);
        }
        let versions = spec.get("versions")?.as_array()?;
        let served = |v: &&Value| v.get("served").and_then(Value::as_bool).unwrap_or(true);
        let version = versions
            .iter()
            .filter(served)
            .find(|v| v.get("storage").and_then(Value::as_bool) == Some(true))
            .or_else(|| versions.iter().find(served))?
            .get("name")?
            .as_str()?;
        let strs = |key: &str| -> Vec<String> {
            names
                .get(key)
                .and_then(Value::as_array)
                .map(|a| {
                    a.iter()
                        .filter_map(|s| s.as_str().map(String::from))
                        .collect()
                })
                .unwrap_or_default()
        };
        let plural = names.get("plural")?.as_str()?;
        self.all.push(Resource {
            group: group.into(),
            version: version.into(),
            kind: kind.into(),
            plural: plural.into(),
            singular: names
                .get("singular")
                .and_then(Value::as_str)
                .map_or_else(|| kind.to_lowercase(), String::from),
            namespaced: spec.get("scope").and_then(Value::as_str) != Some("Cluster"),
            short_names: strs("shortNames"),
            categories: strs("categories"),
            verbs: RW.iter().map(|s| s.to_string()).collect(),
            custom: true,
            served: true,
        });
        Some(self.all.len() - 1)
    }

    /// A kind found in the files with no CRD and no built-in entry: served
    /// under a guessed lowercase plural, as `kubectl` would guess it.
    pub fn add_guess(&mut self, group: &str, version: &str, kind: &str, namespaced: bool) -> usize {
        let singular = kind.to_lowercase();
        self.all.push(Resource {
            group: group.into(),
            version: version.into(),
            kind: kind.into(),
            plural: plural_of(&singular),
            singular,
            namespaced,
            short_names: Vec::new(),
            categories: Vec::new(),
            verbs: RW.iter().map(|s| s.to_string()).collect(),
            custom: true,
            served: true,
        });
        self.all.len() - 1
    }

    /// Groups in the order discovery lists them: core first, then by first
    /// appearance (built-ins before CRDs, as the real server orders them).
    pub fn groups(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for r in self.served() {
            if !r.group.is_empty() && !out.contains(&r.group) {
                out.push(r.group.clone());
            }
        }
        out
    }

    /// The versions served for a group (one per group today, unless CRDs of
    /// one group differ).
    pub fn versions(&self, group: &str) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for r in self.served().filter(|r| r.group == group) {
            if !out.contains(&r.version) {
                out.push(r.version.clone());
            }
        }
        out
    }
}

/// The plural client-go's `UnsafeGuessKindToResource` makes of a lowercase
/// kind.
pub fn plural_of(singular: &str) -> String {
    if singular.ends_with('s') || singular.ends_with("ch") || singular.ends_with("sh") {
        format!("{singular}es")
    } else if let Some(stem) = singular.strip_suffix('y') {
        format!("{stem}ies")
    } else {
        format!("{singular}s")
    }
}

/// Splits an `apiVersion` into group and version (`v1` is the core group).
pub fn split_api_version(api_version: &str) -> (&str, &str) {
    match api_version.rsplit_once('/') {
        Some((g, v)) => (g, v),
        None => ("", api_version),
    }
}
