//! RBAC: who can do what, answered from Roles and bindings alone (like
//! kubectl-who-can), with the rule matching of [`crate::view::rbac`].
//!
//! Three tables, one at a time:
//! - **Subjects** (default): every User, Group and ServiceAccount a binding
//!   names, with risk badges as words (`CLUSTER-ADMIN`, `IMPERSONATE`,
//!   `ESCALATE`, `BIND`, `SECRETS`, `EXEC`, `WILDCARD`; a `(ns)` suffix when
//!   only RoleBindings grant it), the number of bindings and the scope,
//!   sorted by risk. System subjects (`system:`/`eks:` identities,
//!   ServiceAccounts of system namespaces) are shown dimmed and sorted after
//!   everyone else, so the people and automation come first; `o` cycles the
//!   view to hide them, then to the stale bindings.
//! - **Who can** (`:who-can VERB RESOURCE [NAME] [-n NS]`): every subject a
//!   binding grants the request, via which binding and role, and the scope.
//!   `esc` returns to the subjects.
//! - **Stale bindings** (`o` twice): bindings whose role or ServiceAccount
//!   does not exist (the `rbac/stale-bindings` logic).
//!
//! `enter` shows the detail of the selection (a subject's effective rules per
//! namespace, including what it inherits through `system:authenticated` and
//! the ServiceAccount groups; a binding's role and rules); terminals 40 rows
//! high show it all the time. Everything derived from the store is computed
//! once and cached until an object of a kind the pane reads changes (see
//! [`stamp`]), and so are the filtered rows.

use std::cell::RefCell;
use std::cmp::Reverse;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use k8s_openapi::api::rbac::v1::PolicyRule;
use k8s_openapi::apiextensions_apiserver::pkg::apis::apiextensions::v1::CustomResourceDefinition;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};

use super::{Cx, Outcome, Pane, PaneEvent};
use crate::config::keymap::Action;
use crate::config::theme::Theme;
use crate::model::ObjKey;
use crate::store::ClusterStore;
use crate::ui::widgets::inert_lines;
use crate::ui::widgets::table::{self, Keep, Nav};
use crate::view::rbac::{
    self as rbac, Binding, EXEC_NEEDS_CREATE_FROM, RbacIndex, ResourceAttrs, SubjectKind,
    SubjectRef,
};

pub const USAGE: &str =
    "usage: :who-can VERB RESOURCE [NAME] [-n NS], e.g. :who-can create pods/exec -n payments";

// ---------------------------------------------------------------------------
// State
// ---------------------------------------------------------------------------

/// Which table the pane shows when no who-can query is open (`o` cycles).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum View {
    /// Every subject; system subjects dimmed and last.
    #[default]
    Subjects,
    /// Subjects without the system ones.
    NoSystem,
    /// Bindings whose role or ServiceAccount does not exist.
    Stale,
}

#[derive(Default)]
pub struct State {
    pub nav: Nav,
    pub view: View,
    /// `enter` toggled the detail panel.
    pub detail: bool,
    /// Lines scrolled in the detail panel (page up/down while it is open).
    pub detail_scroll: u16,
    /// The open `:who-can` query.
    pub query: Option<Query>,
    /// The subjects table's selection and filter while a query is open.
    saved_nav: Option<Nav>,
    derived: RefCell<Option<(Stamp, Arc<Derived>)>>,
    who: RefCell<Option<WhoCache>>,
    rows: RefCell<Option<(ViewKey, Arc<Vec<usize>>)>>,
}

/// See [`stamp`].
type Stamp = (usize, u64);

/// The answer to the open query, with what it was computed from.
type WhoCache = (Stamp, Query, Arc<Vec<WhoRow>>);

#[derive(Clone, PartialEq)]
struct ViewKey {
    /// The rows index into the derived data: same inputs, same indexes.
    stamp: Stamp,
    filter: String,
    namespace: Option<String>,
    view: View,
    query: Option<Query>,
}

// ---------------------------------------------------------------------------
// Risks
// ---------------------------------------------------------------------------

/// A set of risk badges.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Risks(u8);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Risk {
    ClusterAdmin,
    Impersonate,
    Escalate,
    Bind,
    Secrets,
    Exec,
    Wildcard,
}

impl Risk {
    /// Most severe first: the order of the badges and of the score.
    pub const ALL: [Risk; 7] = [
        Risk::ClusterAdmin,
        Risk::Impersonate,
        Risk::Escalate,
        Risk::Bind,
        Risk::Secrets,
        Risk::Exec,
        Risk::Wildcard,
    ];

    pub fn word(self) -> &'static str {
        match self {
            Risk::ClusterAdmin => "CLUSTER-ADMIN",
            Risk::Impersonate => "IMPERSONATE",
            Risk::Escalate => "ESCALATE",
            Risk::Bind => "BIND",
            Risk::Secrets => "SECRETS",
            Risk::Exec => "EXEC",
            Risk::Wildcard => "WILDCARD",
        }
    }

    fn weight(self) -> u32 {
        match self {
            Risk::ClusterAdmin => 100,
            Risk::Impersonate | Risk::Escalate | Risk::Bind => 30,
            Risk::Secrets => 20,
            Risk::Exec => 15,
            Risk::Wildcard => 10,
        }
    }

    fn bit(self) -> u8 {
        1 << (self as u8)
    }
}

impl Risks {
    pub fn has(self, r: Risk) -> bool {
        self.0 & r.bit() != 0
    }

    pub fn add(&mut self, r: Risk) {
        self.0 |= r.bit();
    }

    pub fn union(self, other: Risks) -> Risks {
        Risks(self.0 | other.0)
    }

    pub fn is_empty(self) -> bool {
        self.0 == 0
    }
}

/// Badges of a subject as words: cluster-wide grants (`WORD`) first, then
/// the ones only RoleBindings give (`WORD(ns)`), each most severe first. `CLUSTER-ADMIN` stands
/// for everything else at its scope (it can do all of it).
pub fn badges(cluster: Risks, namespaced: Risks) -> Vec<(String, bool)> {
    if cluster.has(Risk::ClusterAdmin) {
        return vec![(Risk::ClusterAdmin.word().to_string(), true)];
    }
    let mut out: Vec<(String, bool)> = Risk::ALL
        .iter()
        .filter(|&&r| cluster.has(r))
        .map(|r| (r.word().to_string(), true))
        .collect();
    for r in Risk::ALL {
        if namespaced.has(r)
            && !cluster.has(r)
            && (r == Risk::ClusterAdmin || !namespaced.has(Risk::ClusterAdmin))
        {
            out.push((format!("{}(ns)", r.word()), false));
        }
    }
    out
}

fn score(cluster: Risks, namespaced: Risks) -> u32 {
    Risk::ALL
        .iter()
        .map(|&r| {
            if cluster.has(r) {
                4 * r.weight()
            } else if namespaced.has(r) {
                r.weight()
            } else {
                0
            }
        })
        .sum()
}

/// What a binding's rules grant that matters, by the same matching the
/// API server (and the rbac checks) use.
fn binding_risks(b: &Binding, abilities: &[rbac::Ability]) -> Risks {
    let mut risks = Risks::default();
    if b.role_ref.kind == "ClusterRole" && b.role_ref.name == "cluster-admin" && b.rules.is_some() {
        risks.add(Risk::ClusterAdmin);
    }
    let Some(rules) = &b.rules else {
        return risks;
    };
    for rule in rules.iter() {
        if rbac::is_full_wildcard(rule) {
            risks.add(Risk::ClusterAdmin);
        }
        if rbac::rule_wildcards(rule).any() {
            risks.add(Risk::Wildcard);
        }
        if rbac::SECRET_READ_VERBS
            .iter()
            .any(|v| rbac::rule_allows(rule, &ResourceAttrs::new(v, "", "secrets")))
        {
            risks.add(Risk::Secrets);
        }
    }
    for a in abilities {
        let risk = match (a.resource, a.verbs.first().copied()) {
            ("pods/exec" | "pods/attach", _) => Risk::Exec,
            (_, Some("escalate")) => Risk::Escalate,
            (_, Some("bind")) => Risk::Bind,
            (_, Some("impersonate")) => Risk::Impersonate,
            _ => continue,
        };
        if b.grant_of(a).is_some() {
            risks.add(risk);
        }
    }
    risks
}

// ---------------------------------------------------------------------------
// Derived rows (once per RBAC change)
// ---------------------------------------------------------------------------

/// A binding, owned, with what the pane shows about it.
#[derive(Debug, Clone)]
pub struct BindingRow {
    pub key: ObjKey,
    /// The RoleBinding's namespace; `None` for a ClusterRoleBinding.
    pub namespace: Option<String>,
    /// `ClusterRoleBinding x` / `RoleBinding ns/x`.
    pub describe: String,
    /// `ClusterRole y` / `Role y`.
    pub role: String,
    /// The role does not exist: the binding grants nothing.
    pub role_missing: bool,
    /// The role's rules (`verbs=[…] apiGroups=[…] resources=[…]`).
    pub rules: Vec<String>,
    pub subjects: Vec<SubjectRef>,
    pub system: bool,
    pub risks: Risks,
    /// References to roles or ServiceAccounts that do not exist.
    pub stale: Vec<String>,
    /// References the snapshot cannot decide.
    pub unknown: Vec<String>,
}

impl BindingRow {
    pub fn scope(&self) -> String {
        scope_word(self.namespace.as_deref())
    }
}

fn scope_word(ns: Option<&str>) -> String {
    match ns {
        None => "cluster-wide".into(),
        Some(ns) => format!("ns {ns}"),
    }
}

/// A subject with its bindings and risks.
#[derive(Debug, Clone)]
pub struct SubjectRow {
    pub subject: SubjectRef,
    pub system: bool,
    /// Bindings naming it (indexes into `Derived::bindings`), riskiest first.
    pub bindings: Vec<usize>,
    /// Bindings it gets through a group it is always in
    /// (`system:authenticated`, `system:serviceaccounts[:NS]`): (binding, group).
    pub inherited: Vec<(usize, String)>,
    /// Risks granted cluster-wide / only inside namespaces, by its own bindings.
    pub cluster: Risks,
    pub namespaced: Risks,
    pub score: u32,
    /// `cluster-wide`, `ns payments`, `3 namespaces`.
    pub scope: String,
    /// The namespaces its RoleBindings are in.
    pub namespaces: BTreeSet<String>,
    pub has_cluster_binding: bool,
    /// Badge words.
    pub badges: Vec<(String, bool)>,
    /// What the filter matches.
    haystack: String,
}

impl SubjectRow {
    pub fn kind_short(&self) -> &'static str {
        kind_short(self.subject.kind)
    }

    /// `name` for users and groups, `ns/name` for ServiceAccounts.
    pub fn name(&self) -> String {
        subject_name(&self.subject)
    }

    pub fn badge_text(&self) -> String {
        self.badges
            .iter()
            .map(|(w, _)| w.as_str())
            .collect::<Vec<_>>()
            .join(" ")
    }
}

fn kind_short(k: SubjectKind) -> &'static str {
    match k {
        SubjectKind::User => "User",
        SubjectKind::Group => "Group",
        SubjectKind::ServiceAccount => "SA",
    }
}

fn subject_name(s: &SubjectRef) -> String {
    match &s.namespace {
        Some(ns) => format!("{ns}/{}", s.name),
        None => s.name.clone(),
    }
}

/// Everything the pane derives from the store.
#[derive(Debug, Default)]
pub struct Derived {
    pub bindings: Vec<BindingRow>,
    /// Sorted: non-system first, then by risk (highest first), kind, name.
    pub subjects: Vec<SubjectRow>,
    /// Bindings with stale or undecidable references.
    pub stale: Vec<usize>,
}

/// Whether `get` on pods/exec still counts (servers before 1.35 or unknown).
fn exec_get(store: &ClusterStore) -> bool {
    store
        .info
        .server_version
        .as_deref()
        .and_then(rbac::parse_version)
        .is_none_or(|v| v < EXEC_NEEDS_CREATE_FROM)
}

/// Derives the subjects and bindings of the store.
pub fn derive(store: &ClusterStore, is_system_namespace: impl Fn(&str) -> bool) -> Derived {
    let idx = RbacIndex::build(store);
    let abilities = rbac::dangerous_abilities(exec_get(store));
    let mut bindings = Vec::with_capacity(idx.bindings.len());
    let mut by_subject: BTreeMap<SubjectRef, Vec<usize>> = BTreeMap::new();
    for (i, b) in idx.bindings.iter().enumerate() {
        let subjects: Vec<SubjectRef> = b
            .subject_refs()
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        for s in &subjects {
            by_subject.entry(s.clone()).or_default().push(i);
        }
        let (stale, unknown) = rbac::binding_problems(store, b.obj).unwrap_or_default();
        bindings.push(BindingRow {
            key: b.obj.key.clone(),
            namespace: b.namespace.map(str::to_string),
            describe: b.describe(),
            role: b.describe_role(),
            role_missing: b.rules.is_none(),
            rules: b
                .rules
                .iter()
                .flat_map(|r| r.iter())
                .map(|r: &&PolicyRule| rbac::describe_rule(r))
                .collect(),
            subjects,
            system: b.system,
            risks: binding_risks(b, &abilities),
            stale,
            unknown,
        });
    }
    let mut subjects: Vec<SubjectRow> = by_subject
        .iter()
        .map(|(s, list)| {
            let mut list = list.clone();
            let mut cluster = Risks::default();
            let mut namespaced = Risks::default();
            let mut namespaces = BTreeSet::new();
            let mut has_cluster_binding = false;
            for &i in &list {
                let b = &bindings[i];
                match &b.namespace {
                    None => {
                        cluster = cluster.union(b.risks);
                        has_cluster_binding = true;
                    }
                    Some(ns) => {
                        namespaced = namespaced.union(b.risks);
                        namespaces.insert(ns.clone());
                    }
                }
            }
            let risk_of = |i: usize| {
                let b = &bindings[i];
                if b.namespace.is_none() {
                    score(b.risks, Risks::default())
                } else {
                    score(Risks::default(), b.risks)
                }
            };
            list.sort_by_key(|&i| (Reverse(risk_of(i)), i));
            let groups: Vec<String> = match s.kind {
                SubjectKind::ServiceAccount => {
                    let ns = s.namespace.as_deref().unwrap_or_default();
                    vec![
                        "system:serviceaccounts".into(),
                        format!("system:serviceaccounts:{ns}"),
                        "system:authenticated".into(),
                    ]
                }
                SubjectKind::User if s.name == "system:anonymous" => {
                    vec!["system:unauthenticated".into()]
                }
                SubjectKind::User => vec!["system:authenticated".into()],
                SubjectKind::Group => Vec::new(),
            };
            let inherited: Vec<(usize, String)> = groups
                .iter()
                .flat_map(|g| {
                    by_subject
                        .get(&SubjectRef::group(g))
                        .into_iter()
                        .flatten()
                        .map(move |&i| (i, g.clone()))
                })
                .collect();
            let scope = if has_cluster_binding {
                "cluster-wide".to_string()
            } else if namespaces.len() == 1 {
                format!("ns {}", namespaces.iter().next().expect("one"))
            } else {
                format!("{} namespaces", namespaces.len())
            };
            let badges = badges(cluster, namespaced);
            let system = s.is_system(&is_system_namespace);
            let mut haystack = format!(
                "{} {} {} {}",
                s.kind.as_str(),
                subject_name(s),
                scope,
                badges
                    .iter()
                    .map(|(w, _)| w.as_str())
                    .collect::<Vec<_>>()
                    .join(" ")
            );
            // Implied badges match too (`/secrets` finds cluster-admins).
            for r in Risk::ALL {
                if cluster.union(namespaced).has(r) {
                    haystack.push(' ');
                    haystack.push_str(r.word());
                }
            }
            if system {
                haystack.push_str(" system");
            }
            SubjectRow {
                subject: s.clone(),
                system,
                bindings: list,
                inherited,
                cluster,
                namespaced,
                score: score(cluster, namespaced),
                scope,
                namespaces,
                has_cluster_binding,
                badges,
                haystack,
            }
        })
        .collect();
    subjects.sort_by(|a, b| {
        (
            a.system,
            Reverse(a.score),
            a.subject.kind,
            &a.subject.name,
            &a.subject.namespace,
        )
            .cmp(&(
                b.system,
                Reverse(b.score),
                b.subject.kind,
                &b.subject.name,
                &b.subject.namespace,
            ))
    });
    let stale = bindings
        .iter()
        .enumerate()
        .filter(|(_, b)| !b.stale.is_empty() || !b.unknown.is_empty())
        .map(|(i, _)| i)
        .collect();
    Derived {
        bindings,
        subjects,
        stale,
    }
}

/// The kinds the pane derives from.
const READS: &[&str] = &[
    "ClusterRole",
    "ClusterRoleBinding",
    "Role",
    "RoleBinding",
    "ServiceAccount",
    "Namespace",
    "CustomResourceDefinition",
];

/// Changes the pane's inputs: the store it reads and how many changes of
/// the kinds it reads have arrived. `model.generation` bumps on every change
/// (pods churn all the time on a live cluster); this stamp only when RBAC
/// does, so the derivation runs once per RBAC change, not once per pod.
fn stamp(cx: &Cx) -> Stamp {
    let m = cx.model;
    let changes = READS.iter().filter_map(|k| m.changes_by_kind.get(*k)).sum();
    (std::ptr::from_ref(&m.store) as usize, changes)
}

fn derived(cx: &Cx, st: &State) -> Arc<Derived> {
    let stamp = stamp(cx);
    if let Some((s, d)) = st.derived.borrow().as_ref()
        && *s == stamp
    {
        return d.clone();
    }
    let config = cx.model.config();
    let d = Arc::new(derive(&cx.model.store, |ns| config.is_system_namespace(ns)));
    *st.derived.borrow_mut() = Some((stamp, d.clone()));
    d
}

// ---------------------------------------------------------------------------
// who-can
// ---------------------------------------------------------------------------

/// A parsed `:who-can` query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Query {
    pub verb: String,
    /// `""` is the core group, `*` every group.
    pub group: String,
    /// With the subresource: `pods/exec`.
    pub resource: String,
    pub name: Option<String>,
    /// `None`: cluster-wide and in every namespace.
    pub namespace: Option<String>,
    /// A cluster-scoped resource: RoleBindings cannot grant it.
    pub cluster_scoped: bool,
}

impl Query {
    /// `create pods/exec in payments`, `list deployments.apps everywhere`.
    pub fn describe(&self) -> String {
        let (res, sub) = match self.resource.split_once('/') {
            Some((r, s)) => (r, Some(s)),
            None => (self.resource.as_str(), None),
        };
        let mut s = format!("{} {res}", self.verb);
        let every = res == "*" && self.group == "*";
        if !self.group.is_empty() && !every {
            s.push('.');
            s.push_str(&self.group);
        }
        if let Some(sub) = sub {
            s.push('/');
            s.push_str(sub);
        }
        if let Some(n) = &self.name {
            s.push(' ');
            s.push_str(n);
        }
        match (&self.namespace, self.cluster_scoped) {
            (_, true) => s.push_str(" (cluster-scoped)"),
            (Some(ns), _) => s.push_str(&format!(" in {ns}")),
            (None, _) => s.push_str(" anywhere"),
        }
        s
    }

    fn attrs(&self) -> ResourceAttrs<'_> {
        let a = ResourceAttrs::new(&self.verb, &self.group, &self.resource);
        match &self.name {
            Some(n) => a.named(n),
            None => a,
        }
    }
}

/// Well-known resources: (plural, group, cluster-scoped, other names).
const KNOWN: &[(&str, &str, bool, &[&str])] = &[
    ("pods", "", false, &["po", "pod"]),
    ("services", "", false, &["svc", "service"]),
    ("secrets", "", false, &["secret"]),
    ("configmaps", "", false, &["cm", "configmap"]),
    ("serviceaccounts", "", false, &["sa", "serviceaccount"]),
    ("persistentvolumeclaims", "", false, &["pvc"]),
    ("events", "", false, &["ev", "event"]),
    ("endpoints", "", false, &["ep"]),
    ("resourcequotas", "", false, &["quota"]),
    ("limitranges", "", false, &["limits"]),
    ("namespaces", "", true, &["ns", "namespace"]),
    ("nodes", "", true, &["no", "node"]),
    ("persistentvolumes", "", true, &["pv"]),
    ("users", "", true, &[]),
    ("groups", "", true, &[]),
    ("deployments", "apps", false, &["deploy", "deployment"]),
    ("replicasets", "apps", false, &["rs"]),
    ("statefulsets", "apps", false, &["sts"]),
    ("daemonsets", "apps", false, &["ds"]),
    ("jobs", "batch", false, &["job"]),
    ("cronjobs", "batch", false, &["cj"]),
    ("horizontalpodautoscalers", "autoscaling", false, &["hpa"]),
    ("poddisruptionbudgets", "policy", false, &["pdb"]),
    ("ingresses", "networking.k8s.io", false, &["ing"]),
    ("networkpolicies", "networking.k8s.io", false, &["netpol"]),
    ("leases", "coordination.k8s.io", false, &[]),
    ("roles", "rbac.authorization.k8s.io", false, &[]),
    ("rolebindings", "rbac.authorization.k8s.io", false, &[]),
    ("clusterroles", "rbac.authorization.k8s.io", true, &[]),
    (
        "clusterrolebindings",
        "rbac.authorization.k8s.io",
        true,
        &[],
    ),
    ("storageclasses", "storage.k8s.io", true, &["sc"]),
    ("priorityclasses", "scheduling.k8s.io", true, &["pc"]),
    (
        "customresourcedefinitions",
        "apiextensions.k8s.io",
        true,
        &["crd", "crds"],
    ),
    (
        "certificatesigningrequests",
        "certificates.k8s.io",
        true,
        &["csr"],
    ),
    (
        "validatingwebhookconfigurations",
        "admissionregistration.k8s.io",
        true,
        &[],
    ),
    (
        "mutatingwebhookconfigurations",
        "admissionregistration.k8s.io",
        true,
        &[],
    ),
];

/// (plural, group, cluster-scoped) of a resource named without a group:
/// the well-known ones and the store's CRDs, by plural, singular, short name
/// or kind.
fn resolve(store: &ClusterStore, name: &str) -> Option<(String, String, bool)> {
    let lower = name.to_ascii_lowercase();
    if let Some((p, g, c, _)) = KNOWN
        .iter()
        .find(|(p, _, _, aliases)| *p == lower || aliases.contains(&lower.as_str()))
    {
        return Some((p.to_string(), g.to_string(), *c));
    }
    for (_, crd) in store.typed::<CustomResourceDefinition>() {
        let n = &crd.spec.names;
        let hit = n.plural == lower
            || n.singular.as_deref() == Some(lower.as_str())
            || n.kind.to_ascii_lowercase() == lower
            || n.short_names.iter().flatten().any(|s| *s == lower);
        if hit {
            return Some((
                n.plural.clone(),
                crd.spec.group.clone(),
                crd.spec.scope == "Cluster",
            ));
        }
    }
    None
}

/// Whether `plural` in `group` is cluster-scoped (known resources and CRDs).
fn is_cluster_scoped(store: &ClusterStore, plural: &str, group: &str) -> bool {
    if let Some((_, _, c, _)) = KNOWN
        .iter()
        .find(|(p, g, _, _)| *p == plural && *g == group)
    {
        return *c;
    }
    store.typed::<CustomResourceDefinition>().any(|(_, crd)| {
        crd.spec.names.plural == plural && crd.spec.group == group && crd.spec.scope == "Cluster"
    })
}

/// Parses `VERB RESOURCE [NAME] [-n NS | --namespace NS | -A]`. RESOURCE is
/// `plural`, `plural.group`, either with `/subresource`, a short name
/// (`deploy`, `po`), or `*` (every resource in every group). A resource
/// without a group is looked up among the well-known ones and the CRDs;
/// unknown ones are taken as core. `default_ns` (the `:ns` narrowing) applies
/// when no `-n` is given.
pub fn parse_who_can(
    args: &[String],
    store: &ClusterStore,
    default_ns: Option<&str>,
) -> Result<Query, String> {
    let usage = |why: &str| format!("{why} — {USAGE}");
    let mut positional: Vec<&str> = Vec::new();
    let mut namespace: Option<Option<String>> = None;
    let mut it = args.iter().map(String::as_str);
    while let Some(a) = it.next() {
        match a {
            "-n" | "--namespace" => match it.next() {
                Some(ns) if !ns.is_empty() && !ns.starts_with('-') => {
                    namespace = Some(Some(ns.to_string()))
                }
                _ => return Err(usage(&format!("{a} needs a namespace"))),
            },
            "-A" | "--all-namespaces" => namespace = Some(None),
            _ if a.starts_with("--namespace=") => {
                namespace = Some(Some(a["--namespace=".len()..].to_string()))
            }
            _ if a.starts_with("-n") && a.len() > 2 => {
                namespace = Some(Some(a[2..].trim_start_matches('=').to_string()))
            }
            _ if a.starts_with('-') => return Err(usage(&format!("unknown flag {a}"))),
            _ => positional.push(a.trim_matches(|c| c == '\'' || c == '"')),
        }
    }
    let (verb, resource, name) = match positional.as_slice() {
        [v, r] => (*v, *r, None),
        [v, r, n] => (*v, *r, Some(n.to_string())),
        [] | [_] => return Err(usage("need a VERB and a RESOURCE")),
        _ => return Err(usage("too many arguments")),
    };
    if verb.is_empty() || !(verb == "*" || verb.chars().all(|c| c.is_ascii_alphabetic())) {
        return Err(usage(&format!("{verb:?} is not a verb")));
    }
    let (head, sub) = match resource.split_once('/') {
        Some((h, s)) if !s.is_empty() && !s.contains('/') => (h, Some(s)),
        Some(_) => return Err(usage(&format!("bad resource {resource:?}"))),
        None => (resource, None),
    };
    if head.is_empty() {
        return Err(usage(&format!("bad resource {resource:?}")));
    }
    let (plural, group, cluster_scoped) = match head.split_once('.') {
        Some((r, g)) if !r.is_empty() => {
            let r = r.to_ascii_lowercase();
            let c = is_cluster_scoped(store, &r, g);
            (r, g.to_string(), c)
        }
        Some(_) => return Err(usage(&format!("bad resource {resource:?}"))),
        None if head == "*" => ("*".to_string(), "*".to_string(), false),
        None => resolve(store, head).unwrap_or((head.to_ascii_lowercase(), String::new(), false)),
    };
    let resource = match sub {
        Some(s) => format!("{plural}/{s}"),
        None => plural,
    };
    let namespace = if cluster_scoped {
        None
    } else {
        namespace.unwrap_or_else(|| default_ns.map(str::to_string))
    };
    Ok(Query {
        verb: verb.to_string(),
        group,
        resource,
        name,
        namespace,
        cluster_scoped,
    })
}

/// One answer: a subject and the binding that lets it.
#[derive(Debug, Clone)]
pub struct WhoRow {
    pub subject: SubjectRef,
    pub system: bool,
    pub binding: ObjKey,
    /// `ClusterRoleBinding x` / `RoleBinding ns/x`.
    pub via: String,
    /// `ClusterRole y` / `Role y`.
    pub role: String,
    /// The RoleBinding's namespace; `None`: cluster-wide.
    pub namespace: Option<String>,
    /// The granting rule.
    pub rule: String,
}

impl WhoRow {
    pub fn scope(&self) -> String {
        scope_word(self.namespace.as_deref())
    }
}

/// Who can make the request: with a namespace, the bindings that reach it
/// ([`RbacIndex::who_can`]); without one, every ClusterRoleBinding plus each
/// RoleBinding asked about its own namespace (unless the resource is
/// cluster-scoped, which RoleBindings cannot grant). Sorted: non-system
/// first, cluster-wide before namespaced, then by subject.
pub fn who_can(
    store: &ClusterStore,
    q: &Query,
    is_system_namespace: impl Fn(&str) -> bool,
) -> Vec<WhoRow> {
    let idx = RbacIndex::build(store);
    let base = q.attrs();
    let mut grants: Vec<(SubjectRef, &Binding, &PolicyRule)> = Vec::new();
    match &q.namespace {
        Some(ns) if !q.cluster_scoped => {
            for g in idx.who_can(&base.in_namespace(ns)) {
                grants.push((g.subject, g.binding, g.rule));
            }
        }
        _ => {
            for b in &idx.bindings {
                let attrs = match b.namespace {
                    None => base,
                    Some(_) if q.cluster_scoped => continue,
                    Some(ns) => base.in_namespace(ns),
                };
                if let Some(rule) = b.rule_for(&attrs) {
                    grants.extend(b.subject_refs().map(|s| (s, b, rule)));
                }
            }
        }
    }
    let mut seen = BTreeSet::new();
    let mut rows: Vec<WhoRow> = grants
        .into_iter()
        .filter(|(s, b, _)| seen.insert((s.clone(), b.obj.key.clone())))
        .map(|(s, b, rule)| WhoRow {
            system: s.is_system(&is_system_namespace),
            subject: s,
            binding: b.obj.key.clone(),
            via: b.describe(),
            role: b.describe_role(),
            namespace: b.namespace.map(str::to_string),
            rule: rbac::describe_rule(rule),
        })
        .collect();
    rows.sort_by(|a, b| {
        (a.system, &a.namespace, &a.subject, &a.via).cmp(&(
            b.system,
            &b.namespace,
            &b.subject,
            &b.via,
        ))
    });
    rows
}

fn who_rows(cx: &Cx, st: &State, q: &Query) -> Arc<Vec<WhoRow>> {
    let stamp = stamp(cx);
    if let Some((s, cached_q, rows)) = st.who.borrow().as_ref()
        && *s == stamp
        && cached_q == q
    {
        return rows.clone();
    }
    let config = cx.model.config();
    let rows = Arc::new(who_can(&cx.model.store, q, |ns| {
        config.is_system_namespace(ns)
    }));
    *st.who.borrow_mut() = Some((stamp, q.clone(), rows.clone()));
    rows
}

// ---------------------------------------------------------------------------
// The view: filtered rows of the shown table
// ---------------------------------------------------------------------------

/// Indexes of the shown rows: into `Derived::subjects` (subjects views),
/// into the who-can rows (query), or into `Derived::bindings` (stale).
fn view(cx: &Cx, st: &State) -> Arc<Vec<usize>> {
    let key = ViewKey {
        stamp: stamp(cx),
        filter: st.nav.filter.clone(),
        namespace: cx.namespace.map(str::to_string),
        view: st.view,
        query: st.query.clone(),
    };
    if let Some((k, rows)) = st.rows.borrow().as_ref()
        && *k == key
    {
        return rows.clone();
    }
    let d = derived(cx, st);
    let rows: Vec<usize> = if let Some(q) = &st.query {
        who_rows(cx, st, q)
            .iter()
            .enumerate()
            .filter(|(_, r)| cx.in_scope(r.namespace.as_deref()))
            .filter(|(_, r)| {
                st.nav.matches(&format!(
                    "{} {} {} {} {}",
                    r.subject.kind.as_str(),
                    subject_name(&r.subject),
                    r.via,
                    r.role,
                    r.scope()
                ))
            })
            .map(|(i, _)| i)
            .collect()
    } else if st.view == View::Stale {
        d.stale
            .iter()
            .copied()
            .filter(|&i| cx.in_scope(d.bindings[i].namespace.as_deref()))
            .filter(|&i| {
                let b = &d.bindings[i];
                st.nav.matches(&format!(
                    "{} {} {} {}",
                    b.describe,
                    b.role,
                    b.stale.join(" "),
                    b.unknown.join(" ")
                ))
            })
            .collect()
    } else {
        d.subjects
            .iter()
            .enumerate()
            .filter(|(_, s)| st.view == View::Subjects || !s.system)
            .filter(|(_, s)| {
                // Under `:ns X`: subjects whose grants reach X.
                cx.namespace.is_none()
                    || s.has_cluster_binding
                    || s.namespaces.iter().any(|ns| cx.in_scope(Some(ns)))
            })
            .filter(|(_, s)| st.nav.matches(&s.haystack))
            .map(|(i, _)| i)
            .collect()
    };
    let rows = Arc::new(rows);
    *st.rows.borrow_mut() = Some((key, rows.clone()));
    rows
}

// ---------------------------------------------------------------------------
// Events
// ---------------------------------------------------------------------------

pub fn handle(cx: &Cx, st: &mut State, ev: PaneEvent) -> Outcome {
    match ev {
        PaneEvent::Filter(f) => {
            st.nav.filter = f;
            st.nav.selected = 0;
            st.detail_scroll = 0;
            Outcome::Handled
        }
        PaneEvent::Action(Action::Back) => {
            if st.query.take().is_some() {
                st.nav = st.saved_nav.take().unwrap_or_default();
                st.detail = false;
                st.detail_scroll = 0;
                Outcome::Handled
            } else if st.detail {
                st.detail = false;
                Outcome::Handled
            } else if st.view != View::Subjects {
                st.view = View::Subjects;
                st.nav.selected = 0;
                Outcome::Handled
            } else {
                Outcome::Ignored
            }
        }
        PaneEvent::Action(Action::Detail) => {
            st.detail = !st.detail;
            st.detail_scroll = 0;
            Outcome::Handled
        }
        PaneEvent::Action(Action::NextSection) => {
            if st.query.is_some() {
                return Outcome::Status("esc first: a who-can query is shown".into());
            }
            st.view = match st.view {
                View::Subjects => View::NoSystem,
                View::NoSystem => View::Stale,
                View::Stale => View::Subjects,
            };
            st.nav.selected = 0;
            st.detail_scroll = 0;
            Outcome::Status(
                match st.view {
                    View::Subjects => "RBAC: all subjects (system ones dimmed)",
                    View::NoSystem => "RBAC: subjects without system components",
                    View::Stale => "RBAC: stale bindings (missing role or ServiceAccount)",
                }
                .into(),
            )
        }
        PaneEvent::Action(a @ (Action::PageUp | Action::PageDown)) if st.detail => {
            st.detail_scroll = if a == Action::PageDown {
                st.detail_scroll.saturating_add(10)
            } else {
                st.detail_scroll.saturating_sub(10)
            };
            Outcome::Handled
        }
        PaneEvent::Action(a) => {
            let len = view(cx, st).len();
            let before = st.nav.selected;
            if st.nav.apply(a, len, 10) {
                if st.nav.selected != before {
                    st.detail_scroll = 0;
                }
                Outcome::Handled
            } else {
                Outcome::Ignored
            }
        }
    }
}

/// `:who-can ARGS`: opens the query's answer (the subjects table waits
/// behind it), or says how to write the query.
pub fn who_can_command(cx: &Cx, st: &mut State, args: &[String]) -> Outcome {
    match parse_who_can(args, &cx.model.store, cx.namespace) {
        Err(usage) => Outcome::Status(usage),
        Ok(q) => {
            if st.query.is_none() {
                st.saved_nav = Some(std::mem::take(&mut st.nav));
            } else {
                st.nav = Nav::default();
            }
            st.detail_scroll = 0;
            let rows = who_rows(cx, st, &q);
            let subjects: BTreeSet<&SubjectRef> = rows.iter().map(|r| &r.subject).collect();
            let msg = format!(
                "who can {}: {} subject(s) via {} grant(s) — esc returns to the subjects",
                q.describe(),
                subjects.len(),
                rows.len()
            );
            st.query = Some(q);
            Outcome::Status(msg)
        }
    }
}

/// The identity of row `i` of the table shown: the grant (who-can), the
/// binding (stale) or the subject.
fn identity(cx: &Cx, st: &State, rows: &[usize], i: usize) -> Option<String> {
    let r = *rows.get(i)?;
    Some(match (&st.query, st.view) {
        (Some(q), _) => {
            let g = who_rows(cx, st, q).get(r)?.clone();
            format!("{:?} {}", g.subject, g.binding)
        }
        (None, View::Stale) => derived(cx, st).bindings.get(r)?.key.to_string(),
        (None, _) => format!("{:?}", derived(cx, st).subjects.get(r)?.subject),
    })
}

/// Keeps the selection on its subject, grant or binding (see `Keep`).
fn keep(cx: &Cx, st: &mut State, how: Keep) {
    let rows = view(cx, st);
    // `identity` reads the pane's state, so the navigation is taken out.
    let mut nav = std::mem::take(&mut st.nav);
    nav.keep(how, rows.len(), |i| identity(cx, st, &rows, i));
    st.nav = nav;
}

/// The selected subject row (subjects views only).
pub fn selected_subject(cx: &Cx, st: &State) -> Option<SubjectRow> {
    if st.query.is_some() || st.view == View::Stale {
        return None;
    }
    let rows = view(cx, st);
    let i = *rows.get(st.nav.clamp(rows.len()))?;
    Some(derived(cx, st).subjects[i].clone())
}

/// The selected who-can answer (query shown).
pub fn selected_grant(cx: &Cx, st: &State) -> Option<WhoRow> {
    let q = st.query.as_ref()?;
    let rows = view(cx, st);
    let i = *rows.get(st.nav.clamp(rows.len()))?;
    Some(who_rows(cx, st, q)[i].clone())
}

/// The binding behind the selection; for a ServiceAccount subject, the
/// ServiceAccount when it exists (else its riskiest binding).
pub fn selected_object(cx: &Cx, st: &State) -> Option<ObjKey> {
    if st.query.is_some() {
        return selected_grant(cx, st).map(|g| g.binding);
    }
    let d = derived(cx, st);
    let rows = view(cx, st);
    let i = *rows.get(st.nav.clamp(rows.len()))?;
    if st.view == View::Stale {
        return Some(d.bindings[i].key.clone());
    }
    let s = &d.subjects[i];
    if let (SubjectKind::ServiceAccount, Some(ns)) = (s.subject.kind, &s.subject.namespace)
        && let Some(sa) = cx
            .model
            .store
            .get_named("ServiceAccount", ns, &s.subject.name)
    {
        return Some(sa.key.clone());
    }
    s.bindings.first().map(|&b| d.bindings[b].key.clone())
}

// ---------------------------------------------------------------------------
// Drawing
// ---------------------------------------------------------------------------

fn risk_style(theme: &Theme, word: &str, cluster: bool) -> Style {
    if !cluster {
        return theme.info;
    }
    if word.starts_with("CLUSTER-ADMIN") {
        theme.error
    } else {
        theme.warning
    }
}

/// The badges as styled words; only whole words that fit in `width`
/// columns, then `+N` for the ones left out (they are in the detail).
fn badge_line<'a>(theme: &Theme, badges: &[(String, bool)], dim: bool, width: usize) -> Line<'a> {
    if badges.is_empty() {
        return Line::from(Span::styled("-", theme.muted));
    }
    let mut spans = Vec::new();
    let mut used = 0;
    for (i, (w, cluster)) in badges.iter().enumerate() {
        let sep = usize::from(i > 0);
        let rest = badges.len() - i - 1;
        let more = if rest > 0 { 3 } else { 0 };
        if i > 0 && used + sep + w.len() + more > width {
            spans.push(Span::styled(format!(" +{}", badges.len() - i), theme.muted));
            break;
        }
        used += sep + w.len();
        if i > 0 {
            spans.push(Span::raw(" "));
        }
        let style = if dim {
            theme.muted
        } else {
            risk_style(theme, w, *cluster)
        };
        spans.push(Span::styled(w.clone(), style));
    }
    Line::from(spans)
}

pub fn draw(f: &mut Frame, area: Rect, cx: &Cx, st: &State) {
    let rows = view(cx, st);
    let selected = st.nav.clamp(rows.len());
    let d = derived(cx, st);
    let who = st.query.as_ref().map(|q| who_rows(cx, st, q));
    let lines = if let Some(who) = &who {
        rows.get(selected)
            .map(|&i| grant_lines(cx.theme, &who[i], &d))
            .unwrap_or_else(|| vec![Line::from("nobody: no binding grants this request")])
    } else if st.view == View::Stale {
        rows.get(selected)
            .map(|&i| binding_lines(cx.theme, &d.bindings[i], None))
            .unwrap_or_else(|| vec![Line::from("no stale bindings")])
    } else {
        rows.get(selected)
            .map(|&i| subject_lines(cx.theme, &d.subjects[i], &d))
            .unwrap_or_else(|| vec![Line::from("no subject selected")])
    };
    // The detail shows on `enter`, or always on tall terminals; it takes
    // what its lines need, up to a half (tall) or all but a few table rows.
    let show_detail = st.detail || area.height >= 40;
    let [table_area, detail_area] = if show_detail {
        let max = if st.detail {
            area.height.saturating_sub(7)
        } else {
            area.height / 2
        };
        // Rows the lines take once wrapped inside the borders.
        let inner = usize::from(area.width.saturating_sub(2)).max(1);
        let rows: usize = lines.iter().map(|l| l.width().div_ceil(inner).max(1)).sum();
        let want = u16::try_from(rows + 2).unwrap_or(u16::MAX);
        let h = want.clamp(6.min(max), max.max(1));
        Layout::vertical([Constraint::Min(5), Constraint::Length(h)]).areas(area)
    } else {
        [area, Rect::default()]
    };
    if let (Some(q), Some(who)) = (&st.query, &who) {
        draw_who(f, table_area, cx, st, q, who, &rows, selected);
    } else if st.view == View::Stale {
        draw_stale(f, table_area, cx, st, &d, &rows, selected);
    } else {
        draw_subjects(f, table_area, cx, st, &d, &rows, selected);
    }
    if show_detail {
        let block = Block::default()
            .borders(Borders::ALL)
            .border_style(cx.theme.border)
            .title(Span::styled(" Detail ", cx.theme.title))
            .title_bottom(
                Line::from(Span::styled(
                    if st.detail {
                        " pgup/pgdn scroll · i/esc close "
                    } else {
                        " i: detail "
                    },
                    cx.theme.muted,
                ))
                .right_aligned(),
            );
        f.render_widget(
            Paragraph::new(inert_lines(lines))
                .block(block)
                .wrap(Wrap { trim: false })
                .scroll((st.detail_scroll, 0)),
            detail_area,
        );
    }
}

fn filter_note(st: &State) -> String {
    if st.nav.filter.is_empty() {
        String::new()
    } else {
        format!(" filter:/{}", st.nav.filter)
    }
}

#[allow(clippy::too_many_arguments)]
fn draw_subjects(
    f: &mut Frame,
    area: Rect,
    cx: &Cx,
    st: &State,
    d: &Derived,
    rows: &[usize],
    selected: usize,
) {
    let theme = cx.theme;
    let wide = area.width >= 120;
    let title = Line::from(vec![
        Span::styled(" Subjects ", theme.title),
        Span::styled(
            format!(
                "by risk · {} · o: next view{} ",
                match st.view {
                    View::Subjects => "system dimmed",
                    View::NoSystem => "system hidden",
                    View::Stale => "",
                },
                filter_note(st)
            ),
            theme.muted,
        ),
        if d.stale.is_empty() {
            Span::raw("")
        } else {
            Span::styled(format!("{} stale bindings ", d.stale.len()), theme.warning)
        },
    ]);
    let risk_width: u16 = if wide { 36 } else { 24 };
    let widths = [
        Constraint::Length(risk_width),
        Constraint::Length(5),
        Constraint::Min(16),
        Constraint::Length(if wide { 8 } else { 5 }),
        Constraint::Length(if wide { 18 } else { 13 }),
    ];
    table::draw(
        f,
        area,
        theme,
        title,
        &[
            "RISK",
            "KIND",
            "SUBJECT",
            if wide { "BINDINGS" } else { "BIND#" },
            "SCOPE",
        ],
        &widths,
        rows.len(),
        selected,
        |i| {
            let s = &d.subjects[rows[i]];
            let dim = |c: Line<'static>| if s.system { c.style(theme.muted) } else { c };
            vec![
                badge_line(theme, &s.badges, s.system, risk_width.into()),
                dim(Line::from(s.kind_short())),
                dim(Line::from(s.name())),
                dim(Line::from(s.bindings.len().to_string())),
                dim(Line::from(s.scope.clone())),
            ]
        },
    );
}

#[allow(clippy::too_many_arguments)]
fn draw_who(
    f: &mut Frame,
    area: Rect,
    cx: &Cx,
    st: &State,
    q: &Query,
    who: &[WhoRow],
    rows: &[usize],
    selected: usize,
) {
    let theme = cx.theme;
    let wide = area.width >= 120;
    let subjects: BTreeSet<&SubjectRef> = rows.iter().map(|&i| &who[i].subject).collect();
    let title = Line::from(vec![
        Span::styled(format!(" Who can {} ", q.describe()), theme.title),
        Span::styled(
            if rows.is_empty() {
                format!("nobody{} · esc back ", filter_note(st))
            } else {
                format!("{} subjects{} · esc back ", subjects.len(), filter_note(st))
            },
            theme.muted,
        ),
    ]);
    let (header, widths): (&[&str], Vec<Constraint>) = if wide {
        (
            &["KIND", "SUBJECT", "SCOPE", "VIA BINDING", "ROLE"],
            vec![
                Constraint::Length(5),
                Constraint::Fill(3),
                Constraint::Length(20),
                Constraint::Fill(3),
                Constraint::Fill(2),
            ],
        )
    } else {
        // Narrow: `binding → role` by name; the kinds are in the detail
        // (a ClusterRoleBinding always names a ClusterRole, and SCOPE says
        // whether the grant is cluster-wide or one namespace's).
        (
            &["KIND", "SUBJECT", "SCOPE", "BINDING → ROLE"],
            vec![
                Constraint::Length(5),
                Constraint::Fill(3),
                Constraint::Length(13),
                Constraint::Fill(4),
            ],
        )
    };
    table::draw(
        f,
        area,
        theme,
        title,
        header,
        &widths,
        rows.len(),
        selected,
        |i| {
            let r = &who[rows[i]];
            let style = if r.system { theme.muted } else { theme.base };
            let mut cells = vec![
                Line::from(kind_short(r.subject.kind)).style(style),
                Line::from(subject_name(&r.subject)).style(style),
                Line::from(r.scope()).style(if r.namespace.is_none() && !r.system {
                    theme.warning
                } else {
                    style
                }),
            ];
            if wide {
                cells.push(Line::from(r.via.clone()).style(style));
                cells.push(Line::from(r.role.clone()).style(style));
            } else {
                cells.push(
                    Line::from(format!("{} → {}", r.binding.name, role_name(&r.role))).style(style),
                );
            }
            cells
        },
    );
}

/// `ClusterRole x` → `x`.
fn role_name(role: &str) -> &str {
    role.split_once(' ').map_or(role, |(_, n)| n)
}

#[allow(clippy::too_many_arguments)]
fn draw_stale(
    f: &mut Frame,
    area: Rect,
    cx: &Cx,
    st: &State,
    d: &Derived,
    rows: &[usize],
    selected: usize,
) {
    let theme = cx.theme;
    let title = Line::from(vec![
        Span::styled(" Stale bindings ", theme.title),
        Span::styled(
            format!(
                "missing role or ServiceAccount · o: next view{} ",
                filter_note(st)
            ),
            theme.muted,
        ),
    ]);
    table::draw(
        f,
        area,
        theme,
        title,
        &["STATUS", "BINDING", "ROLE", "PROBLEM"],
        &[
            Constraint::Length(7),
            Constraint::Fill(3),
            Constraint::Fill(2),
            Constraint::Fill(4),
        ],
        rows.len(),
        selected,
        |i| {
            let b = &d.bindings[rows[i]];
            let (word, style, problem) = if b.stale.is_empty() {
                ("UNKNOWN", theme.unknown, b.unknown.join("; "))
            } else {
                ("STALE", theme.warning, b.stale.join("; "))
            };
            vec![
                Line::from(word).style(style),
                Line::from(b.describe.clone()),
                Line::from(b.role.clone()),
                Line::from(problem),
            ]
        },
    );
}

/// The detail of a subject: its bindings per scope (cluster-wide, then
/// each namespace), each with its role and rules, including the bindings it
/// inherits through groups it is always in.
pub fn subject_lines<'a>(theme: &Theme, s: &SubjectRow, d: &Derived) -> Vec<Line<'a>> {
    let mut lines = vec![Line::from(vec![
        Span::styled(s.subject.to_string(), theme.accent),
        Span::raw("  "),
        Span::raw(if s.system { "system component  " } else { "" }),
        Span::raw(format!(
            "{} binding(s), {} inherited",
            s.bindings.len(),
            s.inherited.len()
        )),
    ])];
    let mut risk = vec![Span::styled("risk: ", theme.muted)];
    risk.extend(badge_line(theme, &s.badges, false, usize::MAX).spans);
    lines.push(Line::from(risk));
    // Scope → (binding, via group).
    let mut by_scope: BTreeMap<Option<&str>, Vec<(usize, Option<&str>)>> = BTreeMap::new();
    for &i in &s.bindings {
        by_scope
            .entry(d.bindings[i].namespace.as_deref())
            .or_default()
            .push((i, None));
    }
    for (i, g) in &s.inherited {
        by_scope
            .entry(d.bindings[*i].namespace.as_deref())
            .or_default()
            .push((*i, Some(g.as_str())));
    }
    for (scope, list) in by_scope {
        lines.push(Line::from(Span::styled(
            match scope {
                None => "cluster-wide".to_string(),
                Some(ns) => format!("namespace {ns}"),
            },
            theme.header,
        )));
        for (i, via) in list {
            let b = &d.bindings[i];
            let mut head = vec![Span::raw(format!("  {} → {}", b.describe, b.role))];
            if let Some(g) = via {
                head.push(Span::styled(format!("  (via Group {g})"), theme.muted));
            }
            if b.namespace.is_some() && b.role.starts_with("ClusterRole ") {
                head.push(Span::styled(
                    "  (ClusterRole limited to the namespace)",
                    theme.muted,
                ));
            }
            lines.push(Line::from(head));
            rule_lines(theme, b, &mut lines);
        }
    }
    lines
}

fn rule_lines<'a>(theme: &Theme, b: &BindingRow, lines: &mut Vec<Line<'a>>) {
    if b.role_missing {
        lines.push(Line::from(Span::styled(
            format!("    {} does not exist: grants nothing", b.role),
            theme.warning,
        )));
    } else if b.rules.is_empty() {
        lines.push(Line::from(Span::styled("    (no rules)", theme.muted)));
    }
    for r in &b.rules {
        lines.push(Line::from(format!("    {r}")));
    }
}

/// The detail of a binding: scope, role, subjects, problems, rules.
pub fn binding_lines<'a>(theme: &Theme, b: &BindingRow, granting: Option<&str>) -> Vec<Line<'a>> {
    let mut lines = vec![
        Line::from(vec![
            Span::styled(b.describe.clone(), theme.accent),
            Span::raw(format!(" → {}  {}", b.role, b.scope())),
            Span::raw(if b.system { "  (default binding)" } else { "" }),
        ]),
        Line::from(vec![
            Span::styled("subjects: ", theme.muted),
            Span::raw(if b.subjects.is_empty() {
                "none".to_string()
            } else {
                b.subjects
                    .iter()
                    .map(|s| s.to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            }),
        ]),
    ];
    for p in &b.stale {
        lines.push(Line::from(vec![
            Span::styled("STALE ", theme.warning),
            Span::raw(p.clone()),
        ]));
    }
    for p in &b.unknown {
        lines.push(Line::from(vec![
            Span::styled("UNKNOWN ", theme.unknown),
            Span::raw(p.clone()),
        ]));
    }
    if let Some(rule) = granting {
        lines.push(Line::from(vec![
            Span::styled("granted by: ", theme.accent),
            Span::raw(rule.to_string()),
        ]));
    }
    lines.push(Line::from(Span::styled("rules:", theme.header)));
    rule_lines(theme, b, &mut lines);
    lines
}

fn grant_lines<'a>(theme: &Theme, r: &WhoRow, d: &Derived) -> Vec<Line<'a>> {
    let mut lines = vec![Line::from(vec![
        Span::styled(r.subject.to_string(), theme.accent),
        Span::raw(format!(" — {}", r.scope())),
        Span::raw(if r.system { "  (system component)" } else { "" }),
    ])];
    match d.bindings.iter().find(|b| b.key == r.binding) {
        Some(b) => lines.extend(binding_lines(theme, b, Some(&r.rule))),
        None => lines.push(Line::from(format!(
            "{} → {}; granted by: {}",
            r.via, r.role, r.rule
        ))),
    }
    lines
}

impl Pane for State {
    fn title(&self) -> &'static str {
        "RBAC"
    }

    fn short_title(&self) -> &'static str {
        "RBAC"
    }

    fn slug(&self) -> &'static str {
        "rbac"
    }

    fn handle(&mut self, cx: &Cx, ev: PaneEvent) -> Outcome {
        let outcome = handle(cx, self, ev);
        keep(cx, self, Keep::Anchor);
        outcome
    }

    fn draw(&self, f: &mut Frame, area: Rect, cx: &Cx) {
        draw(f, area, cx, self)
    }

    fn selected_object(&self, cx: &Cx) -> Option<ObjKey> {
        selected_object(cx, self)
    }

    fn filter(&self) -> &str {
        &self.nav.filter
    }

    fn follow(&mut self, cx: &Cx) {
        keep(cx, self, Keep::Follow)
    }

    fn hints(&self) -> &'static [(Action, &'static str)] {
        &[
            (
                Action::NextSection,
                "subjects, without system ones, stale bindings",
            ),
            (Action::Detail, "show or hide the detail"),
            (Action::Back, "close the who-can answer or the detail"),
        ]
    }

    /// `:who-can VERB RESOURCE [-n NS]`.
    fn command(&mut self, cx: &Cx, words: &[&str]) -> Option<Outcome> {
        let ["who-can", args @ ..] = words else {
            return None;
        };
        let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
        let outcome = who_can_command(cx, self, &args);
        keep(cx, self, Keep::Anchor);
        Some(outcome)
    }
}
