//! Who can do what, from Roles and bindings alone: a small RBAC evaluator
//! that follows the API server's authorizer (`plugin/pkg/auth/authorizer/rbac`
//! and `pkg/apis/rbac/v1/evaluation_helpers.go`):
//!
//! - a rule matches a resource request when one of its verbs is the verb or
//!   `*`, one of its apiGroups is the group or `*`, one of its resources is
//!   `*`, the exact `resource[/subresource]`, or `*/subresource`, and its
//!   resourceNames are empty or contain the name. `pods/*` is NOT a wildcard
//!   for the subresources of pods (the API server matches it literally, so it
//!   grants nothing); `pods` does not cover `pods/exec`.
//! - a ClusterRoleBinding grants its role everywhere; a RoleBinding grants
//!   (even a ClusterRole) only inside its own namespace.
//! - a ServiceAccount subject without a namespace means the binding's
//!   namespace in a RoleBinding and nobody in a ClusterRoleBinding.
//! - aggregated ClusterRoles get the rules of every ClusterRole their
//!   selectors match (as the aggregation controller fills them in).
//!
//! The RBAC checks and the RBAC pane ("who can VERB RESOURCE in NAMESPACE",
//! [`RbacIndex::who_can`]) both read it, with the abilities the
//! `rbac/dangerous-verbs` check and the pane count as dangerous and the
//! stale-reference test of `rbac/stale-bindings`.

use std::collections::{BTreeSet, HashMap};
use std::fmt;
use std::sync::Arc;

use k8s_openapi::api::rbac::v1::{
    ClusterRole, ClusterRoleBinding, PolicyRule, Role, RoleBinding, RoleRef, Subject as RbacSubject,
};

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
/// The group of every ServiceAccount of a namespace: `system:serviceaccounts:<ns>`.
pub const SA_GROUP_PREFIX: &str = "system:serviceaccounts:";

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

    pub fn in_namespace(self, namespace: &'a str) -> Self {
        ResourceAttrs {
            namespace: Some(namespace),
            ..self
        }
    }

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

/// The verbs that read a Secret's data (`rbac/secrets-read`; the RBAC pane's
/// Secrets risk).
pub const SECRET_READ_VERBS: [&str; 3] = ["get", "list", "watch"];

/// The wildcards `rbac/wildcards` flags in a rule: `*` among its verbs, and
/// its `*` and `*/subresource` resources.
pub struct RuleWildcards<'a> {
    pub verbs: bool,
    pub resources: Vec<&'a str>,
}

impl RuleWildcards<'_> {
    pub fn any(&self) -> bool {
        self.verbs || !self.resources.is_empty()
    }
}

pub fn rule_wildcards(rule: &PolicyRule) -> RuleWildcards<'_> {
    RuleWildcards {
        verbs: rule.verbs.iter().any(|v| v == "*"),
        resources: rule
            .resources
            .iter()
            .flatten()
            .filter(|r| *r == "*" || r.starts_with("*/"))
            .map(String::as_str)
            .collect(),
    }
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
}

impl fmt::Display for SubjectRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.namespace {
            Some(ns) => write!(f, "{} {ns}/{}", self.kind.as_str(), self.name),
            None => write!(f, "{} {}", self.kind.as_str(), self.name),
        }
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
        RbacIndex { bindings }
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
// Rule descriptions, dangerous abilities, stale references
// ---------------------------------------------------------------------------

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

/// A dangerous ability: what `rbac/dangerous-verbs` reports and the RBAC
/// pane marks on a binding.
pub struct Ability {
    /// What the SRE reads: `exec into pods`.
    pub what: &'static str,
    pub verbs: &'static [&'static str],
    pub group: &'static str,
    pub resource: &'static str,
    /// A cluster-scoped resource: a RoleBinding cannot grant it.
    pub cluster_scoped: bool,
    /// Grants restricted to resourceNames still count (exec into the named
    /// pods is still exec); for bind/escalate, naming the roles that may be
    /// bound is the documented safe delegation, so only unrestricted rules count.
    pub names_count: bool,
    /// Say which verbs granted it (`get` vs `create` matters for exec).
    pub show_verbs: bool,
}

/// What a binding grants of a dangerous ability.
#[derive(Debug, Default)]
pub struct AbilityGrant<'a> {
    /// The ability's verbs that its rules grant.
    pub verbs: BTreeSet<&'static str>,
    /// Some granting rule names no resource.
    pub unrestricted: bool,
    /// The resourceNames the other granting rules are restricted to.
    pub names: BTreeSet<&'a str>,
}

impl<'a> Binding<'a> {
    /// What the binding grants of `a`; `None` when nothing: its role is
    /// missing, `a` is cluster-scoped and this is a RoleBinding, or no rule
    /// grants it.
    pub fn grant_of(&self, a: &Ability) -> Option<AbilityGrant<'a>> {
        if a.cluster_scoped && self.namespace.is_some() {
            return None;
        }
        let rules = self.rules.as_ref()?;
        let attrs = ResourceAttrs::new("", a.group, a.resource);
        let mut grant = AbilityGrant::default();
        for &rule in rules.iter() {
            if !api_group_matches(rule, attrs.api_group)
                || !resource_matches(rule, attrs.resource, attrs.subresource)
            {
                continue;
            }
            let vs: Vec<&'static str> = a
                .verbs
                .iter()
                .copied()
                .filter(|v| verb_matches(rule, v))
                .collect();
            if vs.is_empty() {
                continue;
            }
            match rule.resource_names.as_ref().filter(|n| !n.is_empty()) {
                None => grant.unrestricted = true,
                Some(n) if a.names_count => grant.names.extend(n.iter().map(String::as_str)),
                Some(_) => continue,
            }
            grant.verbs.extend(vs);
        }
        (!grant.verbs.is_empty()).then_some(grant)
    }
}

pub fn dangerous_abilities(exec_get: bool) -> Vec<Ability> {
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

/// What is wrong with a binding: `(stale, unknown)` — references to roles or
/// ServiceAccounts that do not exist, and ones the snapshot cannot decide
/// (kind not captured). `None` for objects that are not bindings. Shared
/// with the RBAC pane's stale-bindings view.
pub fn binding_problems(store: &ClusterStore, obj: &ObjRef) -> Option<(Vec<String>, Vec<String>)> {
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
    fn non_resource_urls_grant_no_resources() {
        let r = PolicyRule {
            non_resource_urls: Some(vec!["/healthz".into(), "/metrics/*".into()]),
            verbs: vec!["get".into()],
            ..Default::default()
        };
        assert!(!rule_allows(&r, &ResourceAttrs::new("get", "", "pods")));
    }

    #[test]
    fn subjects_and_identities() {
        let sa = RbacSubject {
            kind: "ServiceAccount".into(),
            name: "ci".into(),
            ..Default::default()
        };
        // Namespace defaults to the RoleBinding's; a ClusterRoleBinding needs one.
        assert_eq!(
            SubjectRef::from_binding(&sa, Some("shop")),
            Some(SubjectRef::service_account("shop", "ci"))
        );
        assert_eq!(SubjectRef::from_binding(&sa, None), None);
        let user = RbacSubject {
            kind: "User".into(),
            name: "system:serviceaccount:shop:ci".into(),
            ..Default::default()
        };
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
        // A binding to a missing role grants nothing.
        let broken = idx
            .bindings
            .iter()
            .find(|b| b.obj.name() == "broken")
            .unwrap();
        assert!(broken.rules.is_none());
    }

    #[test]
    fn wildcards_of_a_rule() {
        let r = rule(&["apps"], &["deployments", "*/scale"], &["*"], &[]);
        let w = rule_wildcards(&r);
        assert!(w.any() && w.verbs);
        assert_eq!(w.resources, ["*/scale"]);
        // `pods/*` is no wildcard for the API server, nor here.
        assert!(!rule_wildcards(&rule(&[""], &["pods/*"], &["get"], &[])).any());
    }

    const OPS: &str = r#"
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: ops}
rules:
- {apiGroups: [""], resources: ["pods/exec"], verbs: ["get", "create"], resourceNames: ["web-0"]}
- {apiGroups: ["rbac.authorization.k8s.io"], resources: ["clusterroles"], verbs: ["bind"], resourceNames: ["view"]}
- {apiGroups: [""], resources: ["users"], verbs: ["impersonate"]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: ops-everywhere}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: ops}
subjects: [{kind: Group, name: ops}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: ops-in-shop, namespace: shop}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: ops}
subjects: [{kind: Group, name: ops}]
"#;

    #[test]
    fn grants_of_dangerous_abilities() {
        let store = crate::source::snapshot::load_str(
            std::path::Path::new("inline.yaml"),
            OPS,
            &Default::default(),
        )
        .expect("loads")
        .into_store();
        let idx = RbacIndex::build(&store);
        let binding = |name: &str| {
            idx.bindings
                .iter()
                .find(|b| b.obj.name() == name)
                .expect("binding")
        };
        let ability = |what: &str, exec_get: bool| {
            dangerous_abilities(exec_get)
                .into_iter()
                .find(|a| a.what == what)
                .expect("ability")
        };
        let (cluster, shop) = (binding("ops-everywhere"), binding("ops-in-shop"));
        // Exec restricted to named pods still counts; `get` only before 1.35.
        let exec = cluster
            .grant_of(&ability("exec into pods", true))
            .expect("exec");
        assert_eq!(
            exec.verbs.into_iter().collect::<Vec<_>>(),
            ["create", "get"]
        );
        assert!(!exec.unrestricted);
        assert_eq!(exec.names.into_iter().collect::<Vec<_>>(), ["web-0"]);
        let exec = cluster
            .grant_of(&ability("exec into pods", false))
            .expect("exec");
        assert_eq!(exec.verbs.into_iter().collect::<Vec<_>>(), ["create"]);
        // Binding only the named roles is the safe delegation: no grant.
        assert!(
            cluster
                .grant_of(&ability("bind ClusterRoles", true))
                .is_none()
        );
        // Impersonating users is cluster-scoped: a RoleBinding cannot grant it.
        let users = ability("impersonate users", true);
        assert!(cluster.grant_of(&users).is_some_and(|g| g.unrestricted));
        assert!(shop.grant_of(&users).is_none());
    }
}
