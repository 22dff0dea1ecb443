//! rbac — who can do what, from Roles and bindings alone.
//!
//! The first half of this file is a small RBAC evaluator that follows the API
//! server's authorizer (`plugin/pkg/auth/authorizer/rbac` and
//! `pkg/apis/rbac/v1/evaluation_helpers.go`):
//!
//! - a rule matches a resource request when one of its verbs is the verb or
//!   `*`, one of its apiGroups is the group or `*`, one of its resources is
//!   `*`, the exact `resource[/subresource]`, or `*/subresource`, and its
//!   resourceNames are empty or contain the name. `pods/*` is NOT a wildcard
//!   for the subresources of pods (the API server matches it literally, so it
//!   grants nothing); `pods` does not cover `pods/exec`.
//! - nonResourceURLs only matter for non-resource requests (`/healthz`).
//! - a ClusterRoleBinding grants its role everywhere; a RoleBinding grants
//!   (even a ClusterRole) only inside its own namespace.
//! - a ServiceAccount subject without a namespace means the binding's
//!   namespace in a RoleBinding and nobody in a ClusterRoleBinding.
//! - aggregated ClusterRoles get the rules of every ClusterRole their
//!   selectors match (as the aggregation controller fills them in).
//!
//! The RBAC pane answers "who can VERB RESOURCE in NAMESPACE" with
//! [`RbacIndex::who_can`] and "what can SUBJECT do" with
//! [`RbacIndex::bindings_for`]; the checks below use the same functions.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt;
use std::sync::Arc;

use k8s_openapi::api::core::v1::ServiceAccount;
use k8s_openapi::api::rbac::v1::{
    ClusterRole, ClusterRoleBinding, PolicyRule, Role, RoleBinding, RoleRef, Subject as RbacSubject,
};

use super::{Category, Check, Ctx, Out, Scope, Severity, Subject};
use crate::model::workload::{WORKLOAD_KINDS, Workload};
use crate::model::{ObjRef, Object, selector};
use crate::store::ClusterStore;

// ---------------------------------------------------------------------------
// Rule evaluation
// ---------------------------------------------------------------------------

/// The label the API server puts on the default roles and bindings it creates
/// (and reconciles) at start-up.
pub const BOOTSTRAP_LABEL: &str = "kubernetes.io/bootstrapping";
pub const BOOTSTRAP_LABEL_VALUE: &str = "rbac-defaults";

/// Name prefixes reserved for components: `system:` (Kubernetes itself) and
/// `eks:` (the objects and identities Amazon EKS manages in every cluster).
pub const SYSTEM_PREFIXES: &[&str] = &["system:", "eks:"];

/// The default user-facing ClusterRoles (bootstrap roles without the
/// `system:` prefix).
pub const DEFAULT_CLUSTER_ROLES: &[&str] = &["cluster-admin", "admin", "edit", "view"];

/// Groups with a `system:` name that stand for broad audiences, not for
/// components: a grant to one of them is a grant to many users.
pub const BROAD_GROUPS: &[&str] = &[
    "system:authenticated",
    "system:unauthenticated",
    "system:serviceaccounts",
];

const SA_USER_PREFIX: &str = "system:serviceaccount:";
const SA_GROUP_PREFIX: &str = "system:serviceaccounts:";

/// A resource request as the authorizer sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ResourceAttrs<'a> {
    pub verb: &'a str,
    /// `""` is the core group.
    pub api_group: &'a str,
    pub resource: &'a str,
    pub subresource: Option<&'a str>,
    /// The object name (`get`, `update`, `bind` of one role); `None` for
    /// collection requests (`list`, `watch`, `create` without a name).
    pub name: Option<&'a str>,
    /// The request's namespace; `None` for cluster-scoped resources and for
    /// requests across all namespaces (only ClusterRoleBindings apply).
    pub namespace: Option<&'a str>,
}

impl<'a> ResourceAttrs<'a> {
    /// A request for `resource`, which may carry a subresource
    /// (`pods/exec`), across all namespaces and without a name.
    pub fn new(verb: &'a str, api_group: &'a str, resource: &'a str) -> Self {
        let (resource, subresource) = match resource.split_once('/') {
            Some((r, s)) => (r, Some(s)),
            None => (resource, None),
        };
        ResourceAttrs {
            verb,
            api_group,
            resource,
            subresource,
            name: None,
            namespace: None,
        }
    }

    #[allow(dead_code)] // RBAC pane API (the checks ask cluster-wide questions)
    pub fn in_namespace(self, namespace: &'a str) -> Self {
        ResourceAttrs {
            namespace: Some(namespace),
            ..self
        }
    }

    #[allow(dead_code)] // RBAC pane API
    pub fn named(self, name: &'a str) -> Self {
        ResourceAttrs {
            name: Some(name),
            ..self
        }
    }
}

impl fmt::Display for ResourceAttrs<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.verb, self.resource)?;
        if let Some(s) = self.subresource {
            write!(f, "/{s}")?;
        }
        if !self.api_group.is_empty() {
            write!(f, ".{}", self.api_group)?;
        }
        if let Some(n) = self.name {
            write!(f, " {n}")?;
        }
        match self.namespace {
            Some(ns) => write!(f, " in namespace {ns}"),
            None => write!(f, " cluster-wide"),
        }
    }
}

/// One of the rule's verbs is `verb` or `*`.
pub fn verb_matches(rule: &PolicyRule, verb: &str) -> bool {
    rule.verbs.iter().any(|v| v == "*" || v == verb)
}

/// One of the rule's apiGroups is `group` or `*` (no apiGroups: no match).
pub fn api_group_matches(rule: &PolicyRule, group: &str) -> bool {
    rule.api_groups
        .iter()
        .flatten()
        .any(|g| g == "*" || g == group)
}

/// One of the rule's resources is `*`, the exact `resource[/subresource]`,
/// or `*/subresource`.
pub fn resource_matches(rule: &PolicyRule, resource: &str, subresource: Option<&str>) -> bool {
    let sub = subresource.filter(|s| !s.is_empty());
    rule.resources.iter().flatten().any(|r| {
        if r == "*" {
            return true;
        }
        match sub {
            None => r == resource,
            Some(s) => {
                r.strip_prefix(resource)
                    .and_then(|rest| rest.strip_prefix('/'))
                    == Some(s)
                    || r.strip_prefix("*/") == Some(s)
            }
        }
    })
}

/// The rule names no objects, or names this one. A request without a name
/// (`list`, `watch`, `create`) is only matched by rules without names.
pub fn resource_name_matches(rule: &PolicyRule, name: Option<&str>) -> bool {
    match rule.resource_names.as_deref() {
        None | Some([]) => true,
        Some(names) => names.iter().any(|n| n == name.unwrap_or("")),
    }
}

/// Whether the rule grants the request (namespace scope is the binding's
/// business, see [`Binding::allows`]).
pub fn rule_allows(rule: &PolicyRule, attrs: &ResourceAttrs) -> bool {
    verb_matches(rule, attrs.verb)
        && api_group_matches(rule, attrs.api_group)
        && resource_matches(rule, attrs.resource, attrs.subresource)
        && resource_name_matches(rule, attrs.name)
}

/// Whether the rule grants a non-resource request (`get /healthz`): a
/// nonResourceURL is `*`, the exact path, or a prefix ending in `*`.
#[allow(dead_code)] // RBAC pane API
pub fn non_resource_allows(rule: &PolicyRule, verb: &str, path: &str) -> bool {
    verb_matches(rule, verb)
        && rule.non_resource_urls.iter().flatten().any(|u| {
            u == "*" || u == path || u.strip_suffix('*').is_some_and(|p| path.starts_with(p))
        })
}

/// `verbs: [*]`, `apiGroups: [*]`, `resources: [*]` with no resourceNames:
/// everything `cluster-admin` can do with resources.
pub fn is_full_wildcard(rule: &PolicyRule) -> bool {
    rule.verbs.iter().any(|v| v == "*")
        && rule.api_groups.iter().flatten().any(|g| g == "*")
        && rule.resources.iter().flatten().any(|r| r == "*")
        && rule.resource_names.as_ref().is_none_or(|n| n.is_empty())
}

/// A name reserved for components (`system:…`, `eks:…`).
pub fn is_system_name(name: &str) -> bool {
    SYSTEM_PREFIXES.iter().any(|p| name.starts_with(p))
}

/// A default role or binding: a reserved name or the bootstrap label.
pub fn is_system_rbac_object(obj: &Object) -> bool {
    is_system_name(obj.name()) || obj.label(BOOTSTRAP_LABEL) == Some(BOOTSTRAP_LABEL_VALUE)
}

// ---------------------------------------------------------------------------
// Subjects and identities
// ---------------------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum SubjectKind {
    User,
    Group,
    ServiceAccount,
}

impl SubjectKind {
    pub fn as_str(self) -> &'static str {
        match self {
            SubjectKind::User => "User",
            SubjectKind::Group => "Group",
            SubjectKind::ServiceAccount => "ServiceAccount",
        }
    }
}

/// A binding subject with its namespace resolved: a ServiceAccount always
/// has one, users and groups never do. `User system:serviceaccount:NS:NAME`
/// is the ServiceAccount NS/NAME.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SubjectRef {
    pub kind: SubjectKind,
    pub name: String,
    pub namespace: Option<String>,
}

impl SubjectRef {
    pub fn user(name: &str) -> Self {
        match name
            .strip_prefix(SA_USER_PREFIX)
            .and_then(|r| r.split_once(':'))
        {
            Some((ns, sa)) if !ns.is_empty() && !sa.is_empty() => {
                SubjectRef::service_account(ns, sa)
            }
            _ => SubjectRef {
                kind: SubjectKind::User,
                name: name.to_string(),
                namespace: None,
            },
        }
    }

    pub fn group(name: &str) -> Self {
        SubjectRef {
            kind: SubjectKind::Group,
            name: name.to_string(),
            namespace: None,
        }
    }

    pub fn service_account(namespace: &str, name: &str) -> Self {
        SubjectRef {
            kind: SubjectKind::ServiceAccount,
            name: name.to_string(),
            namespace: Some(namespace.to_string()),
        }
    }

    /// The subject a binding entry names; `None` when it names nobody (a
    /// ServiceAccount without a namespace in a ClusterRoleBinding, an
    /// unknown kind). `binding_namespace` is `None` for ClusterRoleBindings.
    pub fn from_binding(s: &RbacSubject, binding_namespace: Option<&str>) -> Option<Self> {
        match s.kind.as_str() {
            "User" => Some(SubjectRef::user(&s.name)),
            "Group" => Some(SubjectRef::group(&s.name)),
            "ServiceAccount" => {
                let ns = s
                    .namespace
                    .as_deref()
                    .filter(|n| !n.is_empty())
                    .or(binding_namespace)?;
                Some(SubjectRef::service_account(ns, &s.name))
            }
            _ => None,
        }
    }

    /// A component rather than a person or a team: `system:`/`eks:` users
    /// and groups (but not `system:anonymous` nor the broad audiences such as
    /// `system:authenticated` or `system:serviceaccounts:<app namespace>`),
    /// and ServiceAccounts in system namespaces.
    pub fn is_system(&self, is_system_namespace: impl Fn(&str) -> bool) -> bool {
        match self.kind {
            SubjectKind::ServiceAccount => {
                self.namespace.as_deref().is_some_and(is_system_namespace)
            }
            SubjectKind::User => is_system_name(&self.name) && self.name != "system:anonymous",
            SubjectKind::Group => {
                if BROAD_GROUPS.contains(&self.name.as_str()) {
                    return false;
                }
                if let Some(ns) = self.name.strip_prefix(SA_GROUP_PREFIX) {
                    return is_system_namespace(ns);
                }
                is_system_name(&self.name)
            }
        }
    }

    /// The check-result subject for this RBAC subject.
    pub fn to_subject(&self) -> Subject {
        Subject {
            kind: self.kind.as_str().to_string(),
            namespace: self.namespace.clone(),
            name: self.name.clone(),
            container: None,
        }
    }
}

impl fmt::Display for SubjectRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.namespace {
            Some(ns) => write!(f, "{} {ns}/{}", self.kind.as_str(), self.name),
            None => write!(f, "{} {}", self.kind.as_str(), self.name),
        }
    }
}

/// An authenticated identity: a user name and its groups.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserInfo {
    pub name: String,
    pub groups: Vec<String>,
}

impl UserInfo {
    /// A user as an authenticator presents it: with `system:authenticated`.
    #[allow(dead_code)] // RBAC pane API ("what can USER do")
    pub fn user(name: &str, groups: &[&str]) -> Self {
        let mut groups: Vec<String> = groups.iter().map(|g| g.to_string()).collect();
        if !groups.iter().any(|g| g == "system:authenticated") {
            groups.push("system:authenticated".into());
        }
        UserInfo {
            name: name.to_string(),
            groups,
        }
    }

    /// A ServiceAccount's identity: `system:serviceaccount:NS:NAME` in the
    /// groups `system:serviceaccounts`, `system:serviceaccounts:NS` and
    /// `system:authenticated`.
    #[allow(dead_code)] // RBAC pane API ("what can this ServiceAccount do")
    pub fn service_account(namespace: &str, name: &str) -> Self {
        UserInfo {
            name: format!("{SA_USER_PREFIX}{namespace}:{name}"),
            groups: vec![
                "system:serviceaccounts".into(),
                format!("{SA_GROUP_PREFIX}{namespace}"),
                "system:authenticated".into(),
            ],
        }
    }
}

/// Whether a binding subject applies to `user` (the authorizer's
/// `appliesToUser`). `binding_namespace` is `None` for ClusterRoleBindings.
pub fn subject_applies_to(
    s: &RbacSubject,
    binding_namespace: Option<&str>,
    user: &UserInfo,
) -> bool {
    match s.kind.as_str() {
        "User" => s.name == user.name,
        "Group" => user.groups.contains(&s.name),
        "ServiceAccount" => {
            let ns = s
                .namespace
                .as_deref()
                .filter(|n| !n.is_empty())
                .or(binding_namespace);
            ns.is_some_and(|ns| {
                user.name
                    .strip_prefix(SA_USER_PREFIX)
                    .and_then(|rest| rest.split_once(':'))
                    == Some((ns, s.name.as_str()))
            })
        }
        _ => false,
    }
}

// ---------------------------------------------------------------------------
// The index: bindings with their roles' rules resolved
// ---------------------------------------------------------------------------

/// A RoleBinding or ClusterRoleBinding with the rules its role grants.
#[derive(Debug, Clone)]
pub struct Binding<'a> {
    pub obj: &'a ObjRef,
    /// The RoleBinding's namespace; `None` for a ClusterRoleBinding.
    pub namespace: Option<&'a str>,
    pub role_ref: &'a RoleRef,
    pub subjects: &'a [RbacSubject],
    /// The referenced role's rules (aggregation resolved); `None` when the
    /// role does not exist (the binding grants nothing).
    pub rules: Option<Arc<[&'a PolicyRule]>>,
    /// A default binding (reserved name or bootstrap label).
    pub system: bool,
}

impl<'a> Binding<'a> {
    /// Whether the binding's grants reach a request in `namespace`
    /// (`None`: cluster-scoped or all namespaces).
    pub fn applies_in(&self, namespace: Option<&str>) -> bool {
        match self.namespace {
            None => true,
            Some(ns) => namespace == Some(ns),
        }
    }

    /// The first rule that grants the request, when the binding reaches it.
    pub fn rule_for(&self, attrs: &ResourceAttrs) -> Option<&'a PolicyRule> {
        if !self.applies_in(attrs.namespace) {
            return None;
        }
        self.rules
            .as_ref()?
            .iter()
            .copied()
            .find(|r| rule_allows(r, attrs))
    }

    pub fn allows(&self, attrs: &ResourceAttrs) -> bool {
        self.rule_for(attrs).is_some()
    }

    /// The subjects it names (resolved; entries that name nobody dropped).
    pub fn subject_refs(&self) -> impl Iterator<Item = SubjectRef> + '_ {
        self.subjects
            .iter()
            .filter_map(|s| SubjectRef::from_binding(s, self.namespace))
    }

    /// Whether one of its subjects is `user`.
    pub fn applies_to(&self, user: &UserInfo) -> bool {
        self.subjects
            .iter()
            .any(|s| subject_applies_to(s, self.namespace, user))
    }

    /// `ClusterRoleBinding x` / `RoleBinding ns/x`.
    pub fn describe(&self) -> String {
        match self.namespace {
            None => format!("ClusterRoleBinding {}", self.obj.name()),
            Some(ns) => format!("RoleBinding {ns}/{}", self.obj.name()),
        }
    }

    /// `ClusterRole x` / `Role x`.
    pub fn describe_role(&self) -> String {
        format!("{} {}", self.role_ref.kind, self.role_ref.name)
    }

    /// `cluster-wide` / `in namespace ns`.
    pub fn scope(&self) -> String {
        match self.namespace {
            None => "cluster-wide".into(),
            Some(ns) => format!("in namespace {ns}"),
        }
    }
}

/// One answer to "who can": a subject, the binding and the rule that grant it.
#[derive(Debug, Clone)]
pub struct Grant<'i, 'a> {
    pub subject: SubjectRef,
    pub binding: &'i Binding<'a>,
    pub rule: &'a PolicyRule,
}

/// Every binding of the store with its rules resolved, built once per run.
pub struct RbacIndex<'a> {
    pub bindings: Vec<Binding<'a>>,
    cluster_roles: HashMap<&'a str, Arc<[&'a PolicyRule]>>,
}

impl<'a> RbacIndex<'a> {
    pub fn build(store: &'a ClusterStore) -> Self {
        let cluster_roles = cluster_role_rules(store);
        let mut role_cache: HashMap<(&'a str, &'a str), Option<Arc<[&'a PolicyRule]>>> =
            HashMap::new();
        let mut bindings = Vec::new();
        for (obj, b) in store.typed::<ClusterRoleBinding>() {
            // A ClusterRoleBinding can only reference a ClusterRole.
            let rules = match b.role_ref.kind.as_str() {
                "ClusterRole" => cluster_roles.get(b.role_ref.name.as_str()).cloned(),
                _ => None,
            };
            bindings.push(Binding {
                obj,
                namespace: None,
                role_ref: &b.role_ref,
                subjects: b.subjects.as_deref().unwrap_or(&[]),
                rules,
                system: is_system_rbac_object(obj),
            });
        }
        for (obj, b) in store.typed::<RoleBinding>() {
            let ns = obj.namespace();
            let rules = match b.role_ref.kind.as_str() {
                "ClusterRole" => cluster_roles.get(b.role_ref.name.as_str()).cloned(),
                "Role" => role_cache
                    .entry((ns, b.role_ref.name.as_str()))
                    .or_insert_with(|| {
                        store
                            .get_named("Role", ns, &b.role_ref.name)
                            .and_then(|o| o.typed::<Role>())
                            .map(|r| r.rules.iter().flatten().collect())
                    })
                    .clone(),
                _ => None,
            };
            bindings.push(Binding {
                obj,
                namespace: Some(ns),
                role_ref: &b.role_ref,
                subjects: b.subjects.as_deref().unwrap_or(&[]),
                rules,
                system: is_system_rbac_object(obj),
            });
        }
        RbacIndex {
            bindings,
            cluster_roles,
        }
    }

    /// A ClusterRole's rules, aggregation resolved.
    #[allow(dead_code)] // for the RBAC pane ("what does this role grant")
    pub fn cluster_role(&self, name: &str) -> Option<&[&'a PolicyRule]> {
        self.cluster_roles.get(name).map(|r| &r[..])
    }

    /// Who can make the request (like kubectl-who-can): every subject of
    /// every binding that reaches it, with the granting rule. Subjects are
    /// as bound: a Group answer means every member of the group.
    pub fn who_can(&self, attrs: &ResourceAttrs) -> Vec<Grant<'_, 'a>> {
        let mut out = Vec::new();
        for b in &self.bindings {
            if let Some(rule) = b.rule_for(attrs) {
                out.extend(b.subject_refs().map(|subject| Grant {
                    subject,
                    binding: b,
                    rule,
                }));
            }
        }
        out
    }

    /// The first binding that lets `user` make the request.
    #[allow(dead_code)] // for the RBAC pane ("can SUBJECT do X")
    pub fn allows(&self, user: &UserInfo, attrs: &ResourceAttrs) -> Option<&Binding<'a>> {
        self.bindings
            .iter()
            .find(|b| b.applies_to(user) && b.allows(attrs))
    }

    /// What `user` can do: the bindings naming it (directly or through its
    /// groups), each with its rules and scope.
    #[allow(dead_code)] // RBAC pane API
    pub fn bindings_for<'s>(
        &'s self,
        user: &'s UserInfo,
    ) -> impl Iterator<Item = &'s Binding<'a>> + 's {
        self.bindings.iter().filter(move |b| b.applies_to(user))
    }

    /// Every subject named by any binding.
    pub fn subjects(&self) -> BTreeSet<SubjectRef> {
        self.bindings
            .iter()
            .flat_map(|b| b.subject_refs())
            .collect()
    }
}

/// The rules of every ClusterRole, with aggregation resolved: an aggregated
/// role gets the rules of every other ClusterRole its selectors match
/// (transitively), on top of the rules already stored in it.
pub fn cluster_role_rules(store: &ClusterStore) -> HashMap<&str, Arc<[&PolicyRule]>> {
    let roles: Vec<(&ObjRef, &ClusterRole)> = store.typed::<ClusterRole>().collect();
    let mut out: HashMap<&str, Arc<[&PolicyRule]>> = HashMap::new();
    for (i, (obj, role)) in roles.iter().enumerate() {
        let rules: Vec<&PolicyRule> = if role.aggregation_rule.is_some() {
            let mut seen = BTreeSet::new();
            let mut rules = Vec::new();
            aggregate(&roles, i, &mut seen, &mut rules);
            rules
        } else {
            role.rules.iter().flatten().collect()
        };
        out.insert(obj.name(), rules.into());
    }
    out
}

fn aggregate<'a>(
    roles: &[(&'a ObjRef, &'a ClusterRole)],
    i: usize,
    seen: &mut BTreeSet<usize>,
    rules: &mut Vec<&'a PolicyRule>,
) {
    if !seen.insert(i) {
        return;
    }
    let (obj, role) = roles[i];
    for r in role.rules.iter().flatten() {
        if !rules.contains(&r) {
            rules.push(r);
        }
    }
    let Some(agg) = &role.aggregation_rule else {
        return;
    };
    for sel in agg.cluster_role_selectors.iter().flatten() {
        for (j, (other, _)) in roles.iter().enumerate() {
            if other.name() != obj.name() && selector::matches(sel, other.labels()) {
                aggregate(roles, j, seen, rules);
            }
        }
    }
}

// ---------------------------------------------------------------------------
// Checks
// ---------------------------------------------------------------------------

pub const CHECKS: &[&Check] = &[
    &CLUSTER_ADMIN_BINDINGS,
    &WILDCARDS,
    &SECRETS_READ,
    &DANGEROUS_VERBS,
    &DEFAULT_SERVICE_ACCOUNT,
    &STALE_BINDINGS,
    &DIRECT_USER_BINDINGS,
];

const RBAC_KINDS: &[&str] = &["ClusterRoleBinding", "RoleBinding", "ClusterRole", "Role"];

fn is_system_subject(ctx: &Ctx, s: &SubjectRef) -> bool {
    s.is_system(|ns| ctx.is_system_namespace(ns))
}

fn list_subjects(subjects: &[SubjectRef]) -> String {
    subjects
        .iter()
        .map(|s| s.to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

pub static CLUSTER_ADMIN_BINDINGS: Check = Check {
    id: "rbac/cluster-admin-bindings",
    title: "cluster-admin is bound only to system components",
    category: Category::Rbac,
    severity: Severity::Error,
    seeds: &["003", "004"],
    rationale: "cluster-admin (or any role with verbs, apiGroups and resources all `*`) can do \
                anything, including reading every Secret and granting itself more. Least \
                privilege means people and automation get namespaced roles instead.",
    fix: Some("replace with a namespaced `admin` RoleBinding, or delete (typed confirmation)"),
    enabled_by_default: true,
    scope: Scope::Cluster {
        run: cluster_admin_bindings,
    },
    reads: RBAC_KINDS,
};

fn cluster_admin_bindings(ctx: &Ctx, out: &mut Out) {
    let idx = RbacIndex::build(ctx.store);
    let mut any = false;
    for b in &idx.bindings {
        let by_name = b.role_ref.kind == "ClusterRole" && b.role_ref.name == "cluster-admin";
        let wildcard = b
            .rules
            .as_ref()
            .is_some_and(|r| r.iter().any(|r| is_full_wildcard(r)));
        if !by_name && !wildcard {
            continue;
        }
        any = true;
        let why = if by_name {
            "cluster-admin".to_string()
        } else {
            format!(
                "{}, whose rules grant */*/* (full control)",
                b.describe_role()
            )
        };
        let offenders: Vec<SubjectRef> = b
            .subject_refs()
            .filter(|s| !is_system_subject(ctx, s))
            .collect();
        let subject = Subject::of(b.obj);
        if b.subject_refs().next().is_none() {
            out.pass(subject, format!("grants {why} {} to no subject", b.scope()))
                .evidence("roleRef", b.describe_role());
        } else if offenders.is_empty() {
            out.pass(
                subject,
                format!("grants {why} {} to system components only", b.scope()),
            )
            .evidence("roleRef", b.describe_role());
        } else {
            let r = out.fail(
                subject,
                format!(
                    "grants {why} {} to {}",
                    b.scope(),
                    list_subjects(&offenders)
                ),
            );
            r.evidence("roleRef", b.describe_role());
            for s in &offenders {
                r.evidence("subject", s);
            }
        }
    }
    if !any {
        out.pass(
            Subject::cluster(),
            "no binding grants cluster-admin or an equivalent */*/* role",
        );
    }
}

pub static WILDCARDS: Check = Check {
    id: "rbac/wildcards",
    title: "Roles do not use `*` in verbs or resources",
    category: Category::Rbac,
    severity: Severity::Warning,
    seeds: &["003"],
    rationale: "A `*` grants every verb or resource, including ones added later (new CRDs, \
                subresources such as pods/exec): the role silently grows.",
    fix: None,
    enabled_by_default: true,
    scope: Scope::Object {
        kinds: &["Role", "ClusterRole"],
        run: wildcards,
    },
    reads: &[],
};

fn wildcards(_ctx: &Ctx, obj: &ObjRef, out: &mut Out) {
    if is_system_rbac_object(obj) {
        return;
    }
    let rules: &[PolicyRule] = if let Some(r) = obj.typed::<Role>() {
        r.rules.as_deref().unwrap_or(&[])
    } else if let Some(r) = obj.typed::<ClusterRole>() {
        if DEFAULT_CLUSTER_ROLES.contains(&obj.name()) {
            return;
        }
        r.rules.as_deref().unwrap_or(&[])
    } else {
        return;
    };
    let mut found = Vec::new();
    for (i, rule) in rules.iter().enumerate() {
        let verbs = rule.verbs.iter().any(|v| v == "*");
        let resources: Vec<&str> = rule
            .resources
            .iter()
            .flatten()
            .filter(|r| *r == "*" || r.starts_with("*/"))
            .map(String::as_str)
            .collect();
        if verbs || !resources.is_empty() {
            found.push((i, rule, verbs, resources));
        }
    }
    let subject = Subject::of(obj);
    if found.is_empty() {
        out.pass(subject, "no `*` in verbs or resources");
        return;
    }
    let what: Vec<String> = found
        .iter()
        .map(|(i, _, verbs, res)| {
            let mut parts = Vec::new();
            if *verbs {
                parts.push("verbs `*`".to_string());
            }
            if !res.is_empty() {
                parts.push(format!("resources `{}`", res.join("`, `")));
            }
            format!("rule {} has {}", i + 1, parts.join(" and "))
        })
        .collect();
    let r = out.fail(subject, what.join("; "));
    for (i, rule, _, _) in &found {
        r.evidence(&format!("rules[{i}]"), describe_rule(rule));
    }
}

/// `verbs=[get] apiGroups=[""] resources=[pods]` for evidence.
pub fn describe_rule(rule: &PolicyRule) -> String {
    let list = |v: Option<&Vec<String>>| {
        let items: Vec<String> = v
            .into_iter()
            .flatten()
            .map(|s| {
                if s.is_empty() {
                    "\"\"".to_string()
                } else {
                    s.clone()
                }
            })
            .collect();
        format!("[{}]", items.join(","))
    };
    let mut s = format!(
        "verbs={} apiGroups={} resources={}",
        list(Some(&rule.verbs)),
        list(rule.api_groups.as_ref()),
        list(rule.resources.as_ref())
    );
    if rule.resource_names.as_ref().is_some_and(|n| !n.is_empty()) {
        s.push_str(&format!(
            " resourceNames={}",
            list(rule.resource_names.as_ref())
        ));
    }
    if rule
        .non_resource_urls
        .as_ref()
        .is_some_and(|n| !n.is_empty())
    {
        s.push_str(&format!(
            " nonResourceURLs={}",
            list(rule.non_resource_urls.as_ref())
        ));
    }
    s
}

pub static SECRETS_READ: Check = Check {
    id: "rbac/secrets-read",
    title: "No one but system components reads Secrets cluster-wide",
    category: Category::Rbac,
    severity: Severity::Warning,
    seeds: &["003"],
    rationale: "get/list/watch on Secrets in every namespace reads every credential and \
                ServiceAccount token in the cluster; it is one step from cluster-admin.",
    fix: None,
    enabled_by_default: true,
    scope: Scope::Cluster { run: secrets_read },
    reads: &["ClusterRoleBinding", "RoleBinding", "ClusterRole"],
};

fn secrets_read(ctx: &Ctx, out: &mut Out) {
    let idx = RbacIndex::build(ctx.store);
    // Every non-system subject named by a binding gets a result.
    let mut found: BTreeMap<SubjectRef, Vec<(&str, &Binding, &PolicyRule)>> = idx
        .subjects()
        .into_iter()
        .filter(|s| !is_system_subject(ctx, s))
        .map(|s| (s, Vec::new()))
        .collect();
    // A request across all namespaces: only ClusterRoleBindings reach it.
    for verb in ["get", "list", "watch"] {
        for g in idx.who_can(&ResourceAttrs::new(verb, "", "secrets")) {
            if let Some(list) = found.get_mut(&g.subject) {
                list.push((verb, g.binding, g.rule));
            }
        }
    }
    if found.is_empty() {
        out.pass(
            Subject::cluster(),
            "no non-system subject is bound to any role",
        );
        return;
    }
    for (s, grants) in found {
        if grants.is_empty() {
            out.pass(s.to_subject(), "cannot read Secrets cluster-wide");
            continue;
        }
        let verbs: BTreeSet<&str> = grants.iter().map(|(v, _, _)| *v).collect();
        let via: BTreeSet<String> = grants
            .iter()
            .map(|(_, b, _)| format!("{} → {}", b.describe(), b.describe_role()))
            .collect();
        let rules: BTreeSet<String> = grants.iter().map(|(_, _, r)| describe_rule(r)).collect();
        let via: Vec<String> = via.into_iter().collect();
        let r = out.fail(
            s.to_subject(),
            format!(
                "{s} can {} Secrets in every namespace (via {})",
                verbs.into_iter().collect::<Vec<_>>().join("/"),
                via.join(", ")
            ),
        );
        for v in via {
            r.evidence("binding", v);
        }
        for rule in rules {
            r.evidence("rule", rule);
        }
    }
}

pub static DANGEROUS_VERBS: Check = Check {
    id: "rbac/dangerous-verbs",
    title: "No one but system components can exec into pods, escalate, bind or impersonate",
    category: Category::Rbac,
    severity: Severity::Warning,
    seeds: &["003"],
    rationale: "exec/attach/port-forward reach into running containers and their credentials; \
                escalate and bind let a subject grant itself permissions it does not have; \
                impersonate lets it act as any user, group or ServiceAccount.",
    fix: None,
    enabled_by_default: true,
    scope: Scope::Cluster {
        run: dangerous_verbs,
    },
    reads: RBAC_KINDS,
};

/// The release from which `pods/exec`, `pods/attach` and `pods/portforward`
/// need `create` for WebSocket requests too (feature gate
/// `AuthorizePodWebsocketUpgradeCreatePermission`, beta and on by default in
/// 1.35); before it, `get` on them was enough to exec over WebSockets.
pub const EXEC_NEEDS_CREATE_FROM: (u32, u32) = (1, 35);

/// `(major, minor)` of a `gitVersion` such as `v1.33.2` or `v1.29.3-eks-…`.
pub fn parse_version(v: &str) -> Option<(u32, u32)> {
    let v = v.trim().trim_start_matches('v');
    let mut parts = v.split('.');
    let major = parts.next()?.parse().ok()?;
    let minor_part = parts.next()?;
    let digits: String = minor_part
        .chars()
        .take_while(|c| c.is_ascii_digit())
        .collect();
    Some((major, digits.parse().ok()?))
}

pub(crate) struct Ability {
    /// What the SRE reads: `exec into pods`.
    what: &'static str,
    pub(crate) verbs: &'static [&'static str],
    pub(crate) group: &'static str,
    pub(crate) resource: &'static str,
    /// A cluster-scoped resource: a RoleBinding cannot grant it.
    pub(crate) cluster_scoped: bool,
    /// Grants restricted to resourceNames still count (exec into the named
    /// pods is still exec); for bind/escalate, naming the roles that may be
    /// bound is the documented safe delegation, so only unrestricted rules count.
    pub(crate) names_count: bool,
    /// Say which verbs granted it (`get` vs `create` matters for exec).
    show_verbs: bool,
}

pub(crate) fn dangerous_abilities(exec_get: bool) -> Vec<Ability> {
    let exec_verbs: &'static [&'static str] = if exec_get {
        &["create", "get"]
    } else {
        &["create"]
    };
    let pod = |what, resource| Ability {
        what,
        verbs: exec_verbs,
        group: "",
        resource,
        cluster_scoped: false,
        names_count: true,
        show_verbs: true,
    };
    let rbac = |what, verb, resource, cluster_scoped| Ability {
        what,
        verbs: match verb {
            "escalate" => &["escalate"],
            _ => &["bind"],
        },
        group: "rbac.authorization.k8s.io",
        resource,
        cluster_scoped,
        names_count: false,
        show_verbs: false,
    };
    let imp = |what, resource, cluster_scoped| Ability {
        what,
        verbs: &["impersonate"],
        group: "",
        resource,
        cluster_scoped,
        names_count: true,
        show_verbs: false,
    };
    vec![
        pod("exec into pods", "pods/exec"),
        pod("attach to pods", "pods/attach"),
        pod("port-forward to pods", "pods/portforward"),
        rbac("escalate Roles", "escalate", "roles", false),
        // Escalating a ClusterRole is checked cluster-wide.
        rbac("escalate ClusterRoles", "escalate", "clusterroles", true),
        rbac("bind Roles", "bind", "roles", false),
        // Binding a ClusterRole in a RoleBinding is checked in that namespace.
        rbac("bind ClusterRoles", "bind", "clusterroles", false),
        imp("impersonate users", "users", true),
        imp("impersonate groups", "groups", true),
        imp("impersonate ServiceAccounts", "serviceaccounts", false),
    ]
}

fn dangerous_verbs(ctx: &Ctx, out: &mut Out) {
    let version = ctx.store.info.server_version.as_deref();
    let parsed = version.and_then(parse_version);
    let exec_get = parsed.is_none_or(|v| v < EXEC_NEEDS_CREATE_FROM);
    let exec_note = match (version, parsed) {
        (Some(v), Some(_)) if exec_get => {
            format!("server {v} is older than 1.35: `get` on pods/exec|attach|portforward also allows them over WebSockets")
        }
        (Some(v), Some(_)) => {
            format!("server {v}: exec/attach/port-forward need `create` (AuthorizePodWebsocketUpgradeCreatePermission, on by default since 1.35)")
        }
        _ => "server version unknown: `get` on pods/exec|attach|portforward is counted too (it allows them over WebSockets before 1.35)".to_string(),
    };
    let abilities = dangerous_abilities(exec_get);
    let idx = RbacIndex::build(ctx.store);
    let mut found: BTreeMap<SubjectRef, Vec<String>> = idx
        .subjects()
        .into_iter()
        .filter(|s| !is_system_subject(ctx, s))
        .map(|s| (s, Vec::new()))
        .collect();
    for b in &idx.bindings {
        let Some(rules) = &b.rules else { continue };
        let mut granted = Vec::new();
        for a in &abilities {
            if a.cluster_scoped && b.namespace.is_some() {
                continue;
            }
            let attrs = ResourceAttrs::new("", a.group, a.resource);
            let mut verbs: BTreeSet<&str> = BTreeSet::new();
            let mut unrestricted = false;
            let mut names: BTreeSet<&str> = BTreeSet::new();
            for rule in rules.iter() {
                if !api_group_matches(rule, attrs.api_group)
                    || !resource_matches(rule, attrs.resource, attrs.subresource)
                {
                    continue;
                }
                let vs: Vec<&str> = a
                    .verbs
                    .iter()
                    .copied()
                    .filter(|v| verb_matches(rule, v))
                    .collect();
                if vs.is_empty() {
                    continue;
                }
                match rule.resource_names.as_ref().filter(|n| !n.is_empty()) {
                    None => unrestricted = true,
                    Some(n) if a.names_count => names.extend(n.iter().map(String::as_str)),
                    Some(_) => continue,
                }
                verbs.extend(vs);
            }
            if verbs.is_empty() {
                continue;
            }
            let verbs = if a.show_verbs {
                format!(" [{}]", verbs.into_iter().collect::<Vec<_>>().join("/"))
            } else {
                String::new()
            };
            let only = if unrestricted {
                String::new()
            } else {
                format!(
                    " (only {})",
                    names.into_iter().collect::<Vec<_>>().join(", ")
                )
            };
            granted.push(format!("{}{only}{verbs}", a.what));
        }
        if granted.is_empty() {
            continue;
        }
        let granted = format!(
            "{} {} (via {} → {})",
            granted.join(", "),
            b.scope(),
            b.describe(),
            b.describe_role()
        );
        if granted.is_empty() {
            continue;
        }
        for s in b.subject_refs() {
            if let Some(list) = found.get_mut(&s) {
                list.push(granted.clone());
            }
        }
    }
    if found.is_empty() {
        out.pass(
            Subject::cluster(),
            "no non-system subject is bound to any role",
        );
        return;
    }
    for (s, grants) in found {
        if grants.is_empty() {
            out.pass(
                s.to_subject(),
                "cannot exec/attach/port-forward, escalate, bind or impersonate",
            )
            .evidence("exec verbs", &exec_note);
            continue;
        }
        let r = out.fail(s.to_subject(), format!("{s} can {}", grants.join("; ")));
        r.evidence("exec verbs", &exec_note);
        for g in grants {
            r.evidence("grant", g);
        }
    }
}

pub static DEFAULT_SERVICE_ACCOUNT: Check = Check {
    id: "rbac/default-service-account",
    title: "Workloads do not run as a privileged `default` ServiceAccount",
    category: Category::Rbac,
    severity: Severity::Warning,
    seeds: &["003"],
    rationale: "Every pod that names no ServiceAccount runs as `default` and, unless told \
                otherwise, gets its token mounted. Once `default` is bound to a role, every \
                such pod carries those permissions; automation should use its own ServiceAccount.",
    fix: Some("set `automountServiceAccountToken: false` on the default SA"),
    enabled_by_default: true,
    scope: Scope::Cluster {
        run: default_service_account,
    },
    reads: &[
        "ServiceAccount",
        "RoleBinding",
        "ClusterRoleBinding",
        "Role",
        "ClusterRole",
        "Namespace",
        "Deployment",
        "StatefulSet",
        "DaemonSet",
        "CronJob",
        "Job",
        "ReplicaSet",
        "Pod",
    ],
};

/// The workloads of a namespace that run as `default`, with whether each
/// mounts the token (pod setting, else the ServiceAccount's, else true).
fn default_sa_users<'a>(
    store: &'a ClusterStore,
    ns: &'a str,
    sa_automount: bool,
) -> Vec<(&'a ObjRef, bool)> {
    let mut users = Vec::new();
    for kind in WORKLOAD_KINDS {
        for obj in store.list_in(kind, ns) {
            let Some(w) = Workload::of(obj) else { continue };
            let sa = w
                .spec
                .service_account_name
                .as_deref()
                .or(w.spec.service_account.as_deref())
                .filter(|s| !s.is_empty())
                .unwrap_or("default");
            if sa == "default" {
                let mounts = w
                    .spec
                    .automount_service_account_token
                    .unwrap_or(sa_automount);
                users.push((obj, mounts));
            }
        }
    }
    users
}

fn default_service_account(ctx: &Ctx, out: &mut Out) {
    let store = ctx.store;
    let idx = RbacIndex::build(store);
    // Non-default bindings by the subjects they name, once. Default bindings
    // (e.g. system:service-account-issuer-discovery for all ServiceAccounts)
    // are what every ServiceAccount has: not counted. Neither are bindings
    // to missing roles (they grant nothing).
    let mut by_subject: HashMap<SubjectRef, Vec<&Binding>> = HashMap::new();
    for b in idx
        .bindings
        .iter()
        .filter(|b| !b.system && b.rules.is_some())
    {
        for s in b.subject_refs() {
            by_subject.entry(s).or_default().push(b);
        }
    }
    let include_system = ctx.config.include_system_namespaces;
    // Namespaces with a default ServiceAccount or with workloads.
    let mut namespaces: BTreeSet<&str> = store
        .list("ServiceAccount")
        .filter(|o| o.name() == "default")
        .map(|o| o.namespace())
        .collect();
    for kind in WORKLOAD_KINDS {
        namespaces.extend(store.list(kind).map(|o| o.namespace()));
    }
    for ns in namespaces {
        if ctx.is_system_namespace(ns) && !include_system {
            continue;
        }
        let sa_obj = store.get_named("ServiceAccount", ns, "default");
        let sa = sa_obj.and_then(|o| o.typed::<ServiceAccount>());
        let sa_automount = sa
            .and_then(|s| s.automount_service_account_token)
            .unwrap_or(true);
        // The subjects that stand for `default` (itself and the groups every
        // ServiceAccount of the namespace is in), as bindings_for would match.
        let keys = [
            SubjectRef::service_account(ns, "default"),
            SubjectRef::group("system:serviceaccounts"),
            SubjectRef::group(&format!("{SA_GROUP_PREFIX}{ns}")),
            SubjectRef::group("system:authenticated"),
        ];
        let mut bound: Vec<&Binding> = Vec::new();
        for b in keys.iter().filter_map(|k| by_subject.get(k)).flatten() {
            if !bound.iter().any(|x| std::ptr::eq(*x, *b)) {
                bound.push(b);
            }
        }
        let users = default_sa_users(store, ns, sa_automount);
        let subject = Subject::namespace(ns);
        let names = |ws: &[&(&ObjRef, bool)]| {
            let mut v: Vec<String> = ws
                .iter()
                .take(5)
                .map(|(o, _)| format!("{} {}", o.key.kind, o.name()))
                .collect();
            if ws.len() > 5 {
                v.push(format!("and {} more", ws.len() - 5));
            }
            v.join(", ")
        };
        let all: Vec<&(&ObjRef, bool)> = users.iter().collect();
        let mounting: Vec<&(&ObjRef, bool)> = users.iter().filter(|(_, m)| *m).collect();
        let via: Vec<String> = bound
            .iter()
            .map(|b| format!("{} → {}", b.describe(), b.describe_role()))
            .collect();
        let sa_note = match (sa_obj, sa.and_then(|s| s.automount_service_account_token)) {
            (None, _) => "ServiceAccount not in snapshot (default: true)".to_string(),
            (Some(_), Some(v)) => v.to_string(),
            (Some(_), None) => "unset (default: true)".to_string(),
        };
        let run = |ws: &[&(&ObjRef, bool)]| if ws.len() == 1 { "runs" } else { "run" };
        if !bound.is_empty() && (!users.is_empty() || sa_automount) {
            let msg = if !mounting.is_empty() {
                format!(
                    "{} {} as ServiceAccount default with its token mounted, and default is bound to {}",
                    names(&mounting),
                    run(&mounting),
                    via.join(", ")
                )
            } else if !users.is_empty() {
                format!(
                    "{} {} as ServiceAccount default, which is bound to {} (token not mounted today)",
                    names(&all),
                    run(&all),
                    via.join(", ")
                )
            } else {
                format!(
                    "ServiceAccount default automounts its token and is bound to {}: any pod that names no ServiceAccount gets these permissions",
                    via.join(", ")
                )
            };
            let r = out.fail(subject, msg);
            r.evidence(
                "serviceaccount/default automountServiceAccountToken",
                &sa_note,
            );
            for v in &via {
                r.evidence("binding", v);
            }
        } else if !users.is_empty() {
            out.fail_at(
                Severity::Info,
                subject,
                format!(
                    "{} {} as ServiceAccount default (bound to no role today); give workloads their own ServiceAccount",
                    names(&all),
                    run(&all)
                ),
            )
            .evidence("serviceaccount/default automountServiceAccountToken", &sa_note);
        } else {
            let msg = if bound.is_empty() {
                "no workload runs as ServiceAccount default, and it is bound to no role"
            } else {
                "no workload runs as ServiceAccount default, and it does not automount its token"
            };
            out.pass(subject, msg).evidence(
                "serviceaccount/default automountServiceAccountToken",
                &sa_note,
            );
        }
    }
}

pub static STALE_BINDINGS: Check = Check {
    id: "rbac/stale-bindings",
    title: "Bindings reference roles and ServiceAccounts that exist",
    category: Category::Rbac,
    severity: Severity::Info,
    seeds: &["003"],
    rationale: "A binding to a missing role or ServiceAccount grants nothing today, but it \
                springs back to life when someone creates an object of that name.",
    fix: Some("delete binding"),
    enabled_by_default: true,
    scope: Scope::Object {
        kinds: &["ClusterRoleBinding", "RoleBinding"],
        run: stale_bindings,
    },
    reads: &["Role", "ClusterRole", "ServiceAccount", "Namespace"],
};

/// What is wrong with a binding: `(stale, unknown)` — references to roles or
/// ServiceAccounts that do not exist, and ones the snapshot cannot decide
/// (kind not captured). `None` for objects that are not bindings. Shared
/// with the RBAC pane's stale-bindings view.
pub(crate) fn binding_problems(
    store: &ClusterStore,
    obj: &ObjRef,
) -> Option<(Vec<String>, Vec<String>)> {
    let (role_ref, subjects, binding_ns) = if let Some(b) = obj.typed::<ClusterRoleBinding>() {
        (&b.role_ref, b.subjects.as_deref().unwrap_or(&[]), None)
    } else if let Some(b) = obj.typed::<RoleBinding>() {
        (
            &b.role_ref,
            b.subjects.as_deref().unwrap_or(&[]),
            Some(obj.namespace()),
        )
    } else {
        return None;
    };
    let mut stale = Vec::new();
    let mut unknown = Vec::new();
    match (role_ref.kind.as_str(), binding_ns) {
        ("ClusterRole", _) => {
            if store.get_named("ClusterRole", "", &role_ref.name).is_none() {
                if store.has_kind("ClusterRole") {
                    stale.push(format!("ClusterRole {} does not exist", role_ref.name));
                } else {
                    unknown.push("no ClusterRoles in the snapshot".to_string());
                }
            }
        }
        ("Role", Some(ns)) => {
            if store.get_named("Role", ns, &role_ref.name).is_none() {
                if store.has_kind("Role") {
                    stale.push(format!("Role {ns}/{} does not exist", role_ref.name));
                } else {
                    unknown.push("no Roles in the snapshot".to_string());
                }
            }
        }
        (kind, _) => stale.push(format!(
            "roleRef kind {kind} cannot be used by this binding"
        )),
    }
    for s in subjects.iter().filter(|s| s.kind == "ServiceAccount") {
        let ns = s
            .namespace
            .as_deref()
            .filter(|n| !n.is_empty())
            .or(binding_ns);
        let Some(ns) = ns else {
            stale.push(format!(
                "ServiceAccount {} has no namespace: it names nobody",
                s.name
            ));
            continue;
        };
        if store.get_named("ServiceAccount", ns, &s.name).is_some() {
            continue;
        }
        if store.list_in("ServiceAccount", ns).next().is_some() {
            stale.push(format!("ServiceAccount {ns}/{} does not exist", s.name));
        } else if store.has_kind("Namespace") && store.get_named("Namespace", "", ns).is_none() {
            stale.push(format!(
                "ServiceAccount {ns}/{}: namespace {ns} does not exist",
                s.name
            ));
        } else {
            unknown.push(format!(
                "no ServiceAccounts of namespace {ns} in the snapshot"
            ));
        }
    }
    Some((stale, unknown))
}

fn stale_bindings(ctx: &Ctx, obj: &ObjRef, out: &mut Out) {
    let Some(role_ref) = obj
        .typed::<ClusterRoleBinding>()
        .map(|b| &b.role_ref)
        .or_else(|| obj.typed::<RoleBinding>().map(|b| &b.role_ref))
    else {
        return;
    };
    let Some((stale, unknown)) = binding_problems(ctx.store, obj) else {
        return;
    };
    let subject = Subject::of(obj);
    let role = format!("{} {}", role_ref.kind, role_ref.name);
    if !stale.is_empty() {
        let r = out.fail(subject, stale.join("; "));
        r.evidence("roleRef", &role);
        for s in &stale {
            r.evidence("stale", s);
        }
    } else if !unknown.is_empty() {
        out.unknown(subject, unknown.join("; "))
            .evidence("roleRef", &role);
    } else {
        out.pass(subject, "role and ServiceAccounts exist")
            .evidence("roleRef", &role);
    }
}

pub static DIRECT_USER_BINDINGS: Check = Check {
    id: "rbac/direct-user-bindings",
    title: "Roles are bound to groups, not individual users",
    category: Category::Rbac,
    severity: Severity::Info,
    seeds: &["002"],
    rationale: "Access granted to groups from the identity provider follows people as they \
                join and leave teams; per-user bindings are forgotten when they leave.",
    fix: None,
    enabled_by_default: true,
    scope: Scope::Object {
        kinds: &["ClusterRoleBinding", "RoleBinding"],
        run: direct_user_bindings,
    },
    reads: &[],
};

fn direct_user_bindings(_ctx: &Ctx, obj: &ObjRef, out: &mut Out) {
    if is_system_rbac_object(obj) {
        return;
    }
    let (role_ref, subjects) = if let Some(b) = obj.typed::<ClusterRoleBinding>() {
        (&b.role_ref, b.subjects.as_deref().unwrap_or(&[]))
    } else if let Some(b) = obj.typed::<RoleBinding>() {
        (&b.role_ref, b.subjects.as_deref().unwrap_or(&[]))
    } else {
        return;
    };
    let users: Vec<&str> = subjects
        .iter()
        .filter(|s| s.kind == "User" && !is_system_name(&s.name))
        .map(|s| s.name.as_str())
        .collect();
    let subject = Subject::of(obj);
    let role = format!("{} {}", role_ref.kind, role_ref.name);
    if users.is_empty() {
        out.pass(subject, "binds groups or ServiceAccounts only")
            .evidence("roleRef", &role);
    } else {
        let r = out.fail(
            subject,
            format!(
                "binds {role} to individual user(s) {}; bind an identity-provider group instead",
                users.join(", ")
            ),
        );
        r.evidence("roleRef", &role);
        for u in users {
            r.evidence("subject", format!("User {u}"));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(groups: &[&str], resources: &[&str], verbs: &[&str], names: &[&str]) -> PolicyRule {
        let v = |s: &[&str]| s.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        PolicyRule {
            api_groups: Some(v(groups)),
            resources: Some(v(resources)),
            verbs: v(verbs),
            resource_names: (!names.is_empty()).then(|| v(names)),
            non_resource_urls: None,
        }
    }

    #[test]
    fn resource_and_subresource_matching() {
        let pods = rule(&[""], &["pods"], &["get"], &[]);
        assert!(rule_allows(&pods, &ResourceAttrs::new("get", "", "pods")));
        // `pods` does not cover its subresources.
        assert!(!rule_allows(
            &pods,
            &ResourceAttrs::new("get", "", "pods/log")
        ));
        // `pods/*` is matched literally by the API server: no wildcard.
        let pods_star = rule(&[""], &["pods/*"], &["create"], &[]);
        assert!(!rule_allows(
            &pods_star,
            &ResourceAttrs::new("create", "", "pods/exec")
        ));
        // `*/exec` is the exec subresource of anything; not the parent.
        let any_exec = rule(&[""], &["*/exec"], &["create"], &[]);
        assert!(rule_allows(
            &any_exec,
            &ResourceAttrs::new("create", "", "pods/exec")
        ));
        assert!(!rule_allows(
            &any_exec,
            &ResourceAttrs::new("create", "", "pods")
        ));
        assert!(!rule_allows(
            &any_exec,
            &ResourceAttrs::new("create", "", "pods/execute")
        ));
        // `*` covers resources and subresources, in the listed groups only.
        let star = rule(&[""], &["*"], &["*"], &[]);
        assert!(rule_allows(
            &star,
            &ResourceAttrs::new("delete", "", "pods/exec")
        ));
        assert!(!rule_allows(
            &star,
            &ResourceAttrs::new("delete", "apps", "deployments")
        ));
        let all_groups = rule(&["*"], &["deployments"], &["get"], &[]);
        assert!(rule_allows(
            &all_groups,
            &ResourceAttrs::new("get", "apps", "deployments")
        ));
        assert!(!rule_allows(
            &all_groups,
            &ResourceAttrs::new("list", "apps", "deployments")
        ));
        // No apiGroups: matches no resource request.
        let mut no_groups = rule(&[], &["pods"], &["get"], &[]);
        no_groups.api_groups = None;
        assert!(!rule_allows(
            &no_groups,
            &ResourceAttrs::new("get", "", "pods")
        ));
        // Verbs are exact.
        assert!(!rule_allows(&pods, &ResourceAttrs::new("GET", "", "pods")));
    }

    #[test]
    fn resource_names_restrict() {
        let one = rule(&[""], &["secrets"], &["get", "list"], &["tls"]);
        assert!(rule_allows(
            &one,
            &ResourceAttrs::new("get", "", "secrets").named("tls")
        ));
        assert!(!rule_allows(
            &one,
            &ResourceAttrs::new("get", "", "secrets").named("db")
        ));
        // A collection request has no name: not matched by named rules.
        assert!(!rule_allows(
            &one,
            &ResourceAttrs::new("list", "", "secrets")
        ));
    }

    #[test]
    fn non_resource_urls() {
        let r = PolicyRule {
            non_resource_urls: Some(vec!["/healthz".into(), "/metrics/*".into()]),
            verbs: vec!["get".into()],
            ..Default::default()
        };
        assert!(non_resource_allows(&r, "get", "/healthz"));
        assert!(non_resource_allows(&r, "get", "/metrics/cadvisor"));
        assert!(!non_resource_allows(&r, "get", "/healthz/etcd"));
        assert!(!non_resource_allows(&r, "post", "/healthz"));
        // nonResourceURLs grant no resources.
        assert!(!rule_allows(&r, &ResourceAttrs::new("get", "", "pods")));
    }

    #[test]
    fn subjects_and_identities() {
        let sa = RbacSubject {
            kind: "ServiceAccount".into(),
            name: "ci".into(),
            ..Default::default()
        };
        let ci = UserInfo::service_account("shop", "ci");
        // Namespace defaults to the RoleBinding's; a ClusterRoleBinding needs one.
        assert!(subject_applies_to(&sa, Some("shop"), &ci));
        assert!(!subject_applies_to(&sa, Some("other"), &ci));
        assert!(!subject_applies_to(&sa, None, &ci));
        assert_eq!(SubjectRef::from_binding(&sa, None), None);
        let group = RbacSubject {
            kind: "Group".into(),
            name: "system:serviceaccounts:shop".into(),
            ..Default::default()
        };
        assert!(subject_applies_to(&group, None, &ci));
        assert!(!subject_applies_to(
            &group,
            None,
            &UserInfo::user("alice", &["devs"])
        ));
        let user = RbacSubject {
            kind: "User".into(),
            name: "system:serviceaccount:shop:ci".into(),
            ..Default::default()
        };
        assert!(subject_applies_to(&user, None, &ci));
        assert_eq!(
            SubjectRef::from_binding(&user, None),
            Some(SubjectRef::service_account("shop", "ci"))
        );
        let sys = |ns: &str| ns == "kube-system";
        assert!(SubjectRef::group("system:masters").is_system(sys));
        assert!(!SubjectRef::group("system:authenticated").is_system(sys));
        assert!(!SubjectRef::group("system:serviceaccounts:shop").is_system(sys));
        assert!(SubjectRef::group("system:serviceaccounts:kube-system").is_system(sys));
        assert!(!SubjectRef::user("system:anonymous").is_system(sys));
        assert!(SubjectRef::user("eks:addon-manager").is_system(sys));
        assert!(SubjectRef::service_account("kube-system", "x").is_system(sys));
        assert!(!SubjectRef::service_account("shop", "x").is_system(sys));
    }

    #[test]
    fn versions() {
        assert_eq!(parse_version("v1.33.2"), Some((1, 33)));
        assert_eq!(parse_version("v1.29.3-eks-4f4795d"), Some((1, 29)));
        assert_eq!(parse_version("v1.35+"), Some((1, 35)));
        assert_eq!(parse_version("garbage"), None);
    }

    const CLUSTER: &str = r#"
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: secret-reader}
rules: [{apiGroups: [""], resources: ["secrets"], verbs: ["get", "list"]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: global}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: secret-reader}
subjects: [{kind: Group, name: sre}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: local, namespace: shop}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: secret-reader}
subjects: [{kind: ServiceAccount, name: app}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: broken, namespace: shop}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: missing}
subjects: [{kind: User, name: dave}]
"#;

    fn store() -> ClusterStore {
        crate::source::snapshot::load_str(
            std::path::Path::new("inline.yaml"),
            CLUSTER,
            &Default::default(),
        )
        .expect("loads")
        .into_store()
    }

    #[test]
    fn who_can_respects_binding_scope() {
        let store = store();
        let idx = RbacIndex::build(&store);
        let in_shop = ResourceAttrs::new("list", "", "secrets").in_namespace("shop");
        let mut who: Vec<String> = idx
            .who_can(&in_shop)
            .iter()
            .map(|g| g.subject.to_string())
            .collect();
        who.sort();
        assert_eq!(who, ["Group sre", "ServiceAccount shop/app"]);
        // Elsewhere (and across all namespaces) only the ClusterRoleBinding reaches.
        for attrs in [
            ResourceAttrs::new("list", "", "secrets").in_namespace("blog"),
            ResourceAttrs::new("list", "", "secrets"),
        ] {
            let who: Vec<String> = idx
                .who_can(&attrs)
                .iter()
                .map(|g| g.subject.to_string())
                .collect();
            assert_eq!(who, ["Group sre"], "{attrs}");
        }
        assert!(
            idx.who_can(&ResourceAttrs::new("delete", "", "secrets"))
                .is_empty()
        );
        // What can the ServiceAccount do: the RoleBinding, in shop only.
        let app = UserInfo::service_account("shop", "app");
        assert!(idx.allows(&app, &in_shop).is_some());
        assert!(
            idx.allows(
                &app,
                &ResourceAttrs::new("get", "", "secrets").in_namespace("blog")
            )
            .is_none()
        );
        let sre = UserInfo::user("erin", &["sre"]);
        assert_eq!(
            idx.allows(&sre, &ResourceAttrs::new("get", "", "secrets").named("x"))
                .map(|b| b.describe()),
            Some("ClusterRoleBinding global".into())
        );
        // A binding to a missing role grants nothing.
        let broken = idx
            .bindings
            .iter()
            .find(|b| b.obj.name() == "broken")
            .unwrap();
        assert!(broken.rules.is_none());
        assert_eq!(idx.cluster_role("secret-reader").map(|r| r.len()), Some(1));
    }
}
