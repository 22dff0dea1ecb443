//! The readiness catalog: one pure function per check, registered in
//! `CATALOG` with its id, category, severity, seed practice and rationale.
//! The same table drives `kready check`, `kready checks` and the help text.

pub mod engine;
pub mod inputs;
pub mod score;

mod autoscaling;
pub(crate) mod backup;
mod control_plane;
mod delivery;
mod observability;
mod rbac;
mod resources;
mod security;
mod text;
mod workload;

use std::borrow::Cow;
use std::fmt;

use k8s_openapi::jiff::Timestamp;
use serde::{Deserialize, Serialize};

use crate::config::{Config, ConfigError, toml_key};
// Defined beside the config that reads it (see `config::severity`).
pub use crate::config::severity::Severity;
use crate::model::{Name, ObjKey, ObjRef, Object};
use crate::store::ClusterStore;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Category {
    Workload,
    Security,
    Rbac,
    Resources,
    Autoscaling,
    Backup,
    ControlPlane,
    Observability,
    Delivery,
}

impl Category {
    pub const ALL: [Category; 9] = [
        Category::Workload,
        Category::Security,
        Category::Rbac,
        Category::Resources,
        Category::Autoscaling,
        Category::Backup,
        Category::ControlPlane,
        Category::Observability,
        Category::Delivery,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Category::Workload => "workload",
            Category::Security => "security",
            Category::Rbac => "rbac",
            Category::Resources => "resources",
            Category::Autoscaling => "autoscaling",
            Category::Backup => "backup",
            Category::ControlPlane => "control-plane",
            Category::Observability => "observability",
            Category::Delivery => "delivery",
        }
    }

    pub fn parse(s: &str) -> Option<Category> {
        Category::ALL.into_iter().find(|c| c.as_str() == s)
    }
}

impl fmt::Display for Category {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Pass,
    Fail,
    Unknown,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Pass => "pass",
            Status::Fail => "fail",
            Status::Unknown => "unknown",
        }
    }
}

/// What a result is about. `namespace` is absent for cluster-scoped
/// subjects; `container` is set when the subject is one container.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Subject {
    pub kind: Name,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub namespace: Option<Name>,
    pub name: Name,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub container: Option<String>,
}

impl Subject {
    pub fn of(obj: &Object) -> Subject {
        Subject {
            kind: match obj.key.label() {
                Cow::Borrowed(_) => obj.key.kind.clone(),
                Cow::Owned(label) => label.into(),
            },
            namespace: Some(obj.key.namespace.clone()).filter(|n| !n.is_empty()),
            name: obj.key.name.clone(),
            container: None,
        }
    }

    pub fn container(obj: &Object, container: &str) -> Subject {
        Subject {
            container: Some(container.to_string()),
            ..Subject::of(obj)
        }
    }

    /// A subject outside any namespace, by kind and name: a cluster-scoped
    /// object (a Node) or something no stored object stands for (a node
    /// group, a control-plane component).
    pub fn cluster_scoped(kind: &str, name: &str) -> Subject {
        Subject {
            kind: kind.into(),
            namespace: None,
            name: name.into(),
            container: None,
        }
    }

    pub fn namespace(ns: &str) -> Subject {
        Subject::cluster_scoped("Namespace", ns)
    }

    /// The cluster as a whole (cluster-wide checks).
    pub fn cluster() -> Subject {
        Subject::cluster_scoped("Cluster", "cluster")
    }

    /// The key of the object the subject is (its kind is a kind label).
    pub fn key(&self) -> ObjKey {
        ObjKey::new(
            &self.kind,
            self.namespace.as_deref().unwrap_or(""),
            &self.name,
        )
    }

    /// The namespace the subject belongs to (a Namespace belongs to itself).
    pub fn scope_namespace(&self) -> Option<&str> {
        match (&self.namespace, self.kind.as_str()) {
            (Some(ns), _) => Some(ns),
            (None, "Namespace") => Some(&self.name),
            _ => None,
        }
    }
}

impl fmt::Display for Subject {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.kind)?;
        if let Some(ns) = &self.namespace {
            write!(f, " {ns}/{}", self.name)?;
        } else {
            write!(f, " {}", self.name)?;
        }
        if let Some(c) = &self.container {
            write!(f, " [{c}]")?;
        }
        Ok(())
    }
}

/// One result of one check on one subject.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CheckResult {
    /// The catalog id (static: a large cluster has 200,000 results).
    #[serde(deserialize_with = "catalog_id")]
    pub check: CheckId,
    pub status: Status,
    /// For `fail`, how bad; for `pass`/`unknown`, the check's severity.
    pub severity: Severity,
    pub category: Category,
    pub subject: Subject,
    pub message: String,
    /// The field values that decided the result (`spec.replicas = 1`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub evidence: Vec<String>,
}

/// A catalog id. (An alias, so that serde does not take the field for
/// text borrowed from the input.)
pub type CheckId = &'static str;

/// Reads a check id back as the catalog's own string.
fn catalog_id<'de, D: serde::Deserializer<'de>>(d: D) -> Result<&'static str, D::Error> {
    let id = String::deserialize(d)?;
    catalog()
        .iter()
        .find(|c| c.id == id)
        .map(|c| c.id)
        .ok_or_else(|| serde::de::Error::custom(format!("unknown check id `{id}`")))
}

impl CheckResult {
    /// Adds one piece of evidence (`field = value`). Every report shows
    /// it, so a secret literal is masked here (see `model::mask`).
    pub fn evidence(&mut self, field: &str, value: impl fmt::Display) -> &mut Self {
        let value = value.to_string();
        let value = crate::model::mask::evidence_value(field, &value);
        self.evidence.push(format!("{field} = {value}"));
        self
    }
}

/// What a check may read: the store, the configuration, and the time the
/// state was captured (so a snapshot is judged as of its capture).
pub struct Ctx<'a> {
    pub store: &'a ClusterStore,
    pub config: &'a Config,
    pub now: Timestamp,
    /// Checks whose inputs cannot be read now (see `inputs`).
    pub blocked: std::sync::Arc<inputs::Blocked>,
}

impl Ctx<'_> {
    pub fn is_system_namespace(&self, ns: &str) -> bool {
        self.config.is_system_namespace(ns)
    }

    /// Seconds from `t` to the capture time.
    pub fn age_secs(&self, t: Timestamp) -> i64 {
        self.now.as_second() - t.as_second()
    }
}

/// Collects one check's results.
pub struct Out {
    check: &'static Check,
    pub results: Vec<CheckResult>,
}

impl Out {
    pub fn new(check: &'static Check) -> Out {
        Out {
            check,
            results: Vec::new(),
        }
    }

    fn push(
        &mut self,
        status: Status,
        severity: Severity,
        subject: Subject,
        message: String,
    ) -> &mut CheckResult {
        self.results.push(CheckResult {
            check: self.check.id,
            status,
            severity,
            category: self.check.category,
            subject,
            message,
            evidence: Vec::new(),
        });
        self.results.last_mut().expect("just pushed")
    }

    pub fn pass(&mut self, subject: Subject, message: impl Into<String>) -> &mut CheckResult {
        self.push(Status::Pass, self.check.severity, subject, message.into())
    }

    /// A failure at the check's default severity.
    pub fn fail(&mut self, subject: Subject, message: impl Into<String>) -> &mut CheckResult {
        self.push(Status::Fail, self.check.severity, subject, message.into())
    }

    /// A failure at a given severity (checks with graded thresholds).
    pub fn fail_at(
        &mut self,
        severity: Severity,
        subject: Subject,
        message: impl Into<String>,
    ) -> &mut CheckResult {
        self.push(Status::Fail, severity, subject, message.into())
    }

    /// Cannot be decided from what the API shows; `reason` says why.
    pub fn unknown(&mut self, subject: Subject, reason: impl Into<String>) -> &mut CheckResult {
        self.push(Status::Unknown, self.check.severity, subject, reason.into())
    }
}

pub type ObjectFn = fn(&Ctx, &ObjRef, &mut Out);
pub type ClusterFn = fn(&Ctx, &mut Out);
pub type NamespaceFn = fn(&Ctx, &str, &mut Out);

/// How a check runs, which drives incremental re-evaluation.
pub enum Scope {
    /// Once per object of these kinds; re-run for the object when it changes.
    /// Objects in system namespaces are skipped unless configured otherwise.
    Object {
        kinds: &'static [&'static str],
        run: ObjectFn,
    },
    /// Once per namespace (every namespace the store knows of); a change in
    /// one namespace re-runs the check there only, except a change to a kind
    /// in `across`, whose objects reach into other namespaces (a RoleBinding
    /// may name another namespace's ServiceAccount): that re-runs all.
    Namespace {
        run: NamespaceFn,
        across: &'static [&'static str],
    },
    /// Once over the whole store.
    Cluster { run: ClusterFn },
}

/// A catalog entry.
pub struct Check {
    pub id: &'static str,
    pub title: &'static str,
    pub category: Category,
    pub severity: Severity,
    /// Seed article numbers (`000`…`004`) that ask for the practice.
    pub seeds: &'static [&'static str],
    /// Why it matters, for the detail panel and `kready checks`.
    pub rationale: &'static str,
    /// What the guided fix proposes; `None` means guidance text only.
    pub fix: Option<&'static str>,
    pub enabled_by_default: bool,
    pub scope: Scope,
    /// Kinds read besides the subject: a change to one marks the check for
    /// a (debounced) full re-run. `"*"` means any kind; `Kind@namespace`
    /// only that kind's objects in that namespace.
    pub reads: &'static [&'static str],
}

/// What a failure of a check means: the cluster is hurting now (a crash
/// loop, a node not ready, an HPA at its maximum, a quota full, a backup
/// failing) or a practice is missing. During an incident the first come
/// first, whatever their severity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Nature {
    State,
    Configuration,
}

/// The checks whose failures are state (see [`Nature`]).
pub const STATE_CHECKS: &[CheckId] = &[
    "workload/crashloop",
    "workload/not-ready",
    "workload/pdb-allows-disruption",
    "control-plane/node-not-ready",
    "control-plane/etcd-timeouts",
    "autoscaling/hpa-at-max",
    "autoscaling/node-group-at-max",
    "resources/quota-pressure",
    "resources/node-pressure",
    "backup/recent-success",
    "backup/failures",
];

pub fn nature(check: CheckId) -> Nature {
    if STATE_CHECKS.contains(&check) {
        Nature::State
    } else {
        Nature::Configuration
    }
}

/// Every check, in catalog order.
pub fn catalog() -> &'static [&'static Check] {
    static CATALOG: std::sync::OnceLock<Vec<&'static Check>> = std::sync::OnceLock::new();
    CATALOG.get_or_init(|| {
        [
            workload::CHECKS,
            security::CHECKS,
            rbac::CHECKS,
            resources::CHECKS,
            autoscaling::CHECKS,
            backup::CHECKS,
            control_plane::CHECKS,
            observability::CHECKS,
            delivery::CHECKS,
        ]
        .concat()
    })
}

impl Check {
    /// The kinds the check reads: its subjects' and `reads` (without `*`,
    /// and without a `@namespace` restriction).
    pub fn kinds(&self) -> impl Iterator<Item = &'static str> {
        let subjects: &'static [&'static str] = match self.scope {
            Scope::Object { kinds, .. } => kinds,
            _ => &[],
        };
        subjects
            .iter()
            .chain(self.reads)
            .map(|k| read_kind(k).0)
            .filter(|k| *k != "*")
    }

    /// How a change to an object of `kind` in `namespace` ("" for
    /// cluster-scoped objects) reaches the check's results.
    pub fn reach(&self, kind: &str, namespace: &str) -> Reach {
        let mut reach = Reach::None;
        for r in self.reads {
            match read_kind(r) {
                ("*", _) => return Reach::All,
                (k, _) if k != kind => {}
                (_, Read::Everywhere) => return Reach::All,
                (_, Read::In(ns)) if ns == namespace => return Reach::All,
                (_, Read::In(_)) => {}
                (_, Read::OnSubjectNode) => reach = Reach::SubjectNode,
            }
        }
        reach
    }
}

/// Which of a check's results a change can alter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reach {
    None,
    /// Any of them (how many re-run depends on the scope).
    All,
    /// Those on the node the changed pod is bound to (`Pod@node`).
    SubjectNode,
}

/// Where a `reads` entry reads its kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Read<'a> {
    Everywhere,
    /// `Kind@namespace`: in one namespace only (the control-plane checks
    /// read the static pods in kube-system: a pod change elsewhere does not
    /// concern them).
    In(&'a str),
    /// `Pod@node`, for checks on Nodes: only the pods bound to the subject
    /// node (a pod change re-runs the check on its node, not on all).
    OnSubjectNode,
}

/// The `reads` entry that stands for the pods bound to the subject node.
const ON_NODE: &str = "node";

fn read_kind(entry: &str) -> (&str, Read<'_>) {
    match entry.split_once('@') {
        Some((kind, ON_NODE)) => (kind, Read::OnSubjectNode),
        Some((kind, ns)) => (kind, Read::In(ns)),
        None => (entry, Read::Everywhere),
    }
}

/// Every kind some check reads, as kind labels (`Kind` or `Kind.group`),
/// sorted: what a live source must watch for the catalog.
pub fn kinds_read() -> std::collections::BTreeSet<&'static str> {
    catalog().iter().flat_map(|c| c.kinds()).collect()
}

pub fn find(id: &str) -> Option<&'static Check> {
    catalog().iter().copied().find(|c| c.id == id)
}

/// Checks the config's check ids against the catalog: `disabled`,
/// `enabled`, `[severity]` and each namespace's `disabled`. An unknown id is
/// an error naming the file, the key and the id, as the config's own errors
/// do: a typo would otherwise leave a check silently on (or off). Done here,
/// not in `config`, so that config stays a leaf that knows no catalog.
pub fn validate_config(config: &Config) -> Result<(), ConfigError> {
    let unknown = |key: String, id: &str| ConfigError::Invalid {
        path: config
            .path
            .clone()
            .unwrap_or_else(|| std::path::PathBuf::from("config")),
        key,
        value: Some(id.to_string()),
        reason: "is not a check id (see `kready checks`)".to_string(),
    };
    for (key, ids) in [("disabled", &config.disabled), ("enabled", &config.enabled)] {
        if let Some(id) = ids.iter().find(|id| find(id).is_none()) {
            return Err(unknown(key.to_string(), id));
        }
    }
    if let Some(id) = config.severity.keys().find(|id| find(id).is_none()) {
        return Err(unknown(format!("severity.{}", toml_key(id)), id));
    }
    for (ns, nc) in &config.namespaces {
        if let Some(id) = nc.disabled.iter().find(|id| find(id).is_none()) {
            let key = format!("namespaces.{}.disabled", toml_key(ns));
            return Err(unknown(key, id));
        }
    }
    Ok(())
}
