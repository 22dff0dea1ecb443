//! rbac — the RBAC checks: cluster-admin, wildcards, Secrets, dangerous
//! verbs, default ServiceAccounts, stale and direct-user bindings. Who can do
//! what is answered by the evaluator in [`crate::view::rbac`], which the RBAC
//! pane reads too.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use k8s_openapi::api::core::v1::ServiceAccount;
use k8s_openapi::api::rbac::v1::{ClusterRole, ClusterRoleBinding, PolicyRule, Role, RoleBinding};

use super::{Category, Check, Ctx, Out, Scope, Severity, Subject};
use crate::model::workload::{WORKLOAD_KINDS, Workload};
use crate::model::{Name, ObjKey, ObjRef};
use crate::store::ClusterStore;
use crate::view::rbac::{
    AbilityGrant, Binding, DEFAULT_CLUSTER_ROLES, EXEC_NEEDS_CREATE_FROM, RbacIndex, ResourceAttrs,
    SA_GROUP_PREFIX, SECRET_READ_VERBS, SubjectRef, binding_problems, dangerous_abilities,
    describe_rule, is_full_wildcard, is_system_name, is_system_rbac_object, parse_version,
    rule_wildcards,
};

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

/// The check-result subject for an RBAC subject.
fn result_subject(s: &SubjectRef) -> Subject {
    Subject {
        kind: s.kind.as_str().into(),
        namespace: s.namespace.as_deref().map(Name::from),
        name: s.name.as_str().into(),
        container: None,
    }
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
        let w = rule_wildcards(rule);
        if w.any() {
            found.push((i, rule, w.verbs, w.resources));
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
    for verb in SECRET_READ_VERBS {
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
            out.pass(result_subject(&s), "cannot read Secrets cluster-wide");
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
            result_subject(&s),
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
        let mut granted = Vec::new();
        for a in &abilities {
            let Some(AbilityGrant {
                verbs,
                unrestricted,
                names,
            }) = b.grant_of(a)
            else {
                continue;
            };
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
                result_subject(&s),
                "cannot exec/attach/port-forward, escalate, bind or impersonate",
            )
            .evidence("exec verbs", &exec_note);
            continue;
        }
        let r = out.fail(result_subject(&s), format!("{s} can {}", grants.join("; ")));
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
    scope: Scope::Namespace {
        run: default_service_account,
        // A binding may name another namespace's `default`, or a group all
        // ServiceAccounts are in.
        across: RBAC_KINDS,
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

/// Bindings that grant something, by the subjects they name, each as the
/// binding's key and "binding → role". Default bindings (e.g.
/// system:service-account-issuer-discovery for all ServiceAccounts) are what
/// every ServiceAccount has: not counted. Neither are bindings to missing
/// roles (they grant nothing). Built once per state of the RBAC objects.
type GrantingBindings = HashMap<SubjectRef, Vec<(ObjKey, String)>>;

fn granting_bindings(store: &ClusterStore) -> std::sync::Arc<GrantingBindings> {
    store.memo("rbac/granting-bindings", store.stamp(RBAC_KINDS), || {
        let idx = RbacIndex::build(store);
        let mut by_subject = GrantingBindings::new();
        for b in idx
            .bindings
            .iter()
            .filter(|b| !b.system && b.rules.is_some())
        {
            for s in b.subject_refs() {
                by_subject.entry(s).or_default().push((
                    b.obj.key.clone(),
                    format!("{} → {}", b.describe(), b.describe_role()),
                ));
            }
        }
        by_subject
    })
}

fn default_service_account(ctx: &Ctx, ns: &str, out: &mut Out) {
    let store = ctx.store;
    if ctx.is_system_namespace(ns) && !ctx.config.include_system_namespaces {
        return;
    }
    let sa_obj = store.get_named("ServiceAccount", ns, "default");
    // Namespaces with a default ServiceAccount or with workloads.
    if sa_obj.is_none()
        && WORKLOAD_KINDS
            .iter()
            .all(|k| store.list_in(k, ns).next().is_none())
    {
        return;
    }
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
    let by_subject = granting_bindings(store);
    let mut bound: Vec<&(ObjKey, String)> = Vec::new();
    for b in keys.iter().filter_map(|k| by_subject.get(k)).flatten() {
        if !bound.iter().any(|x| x.0 == b.0) {
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
    let via: Vec<&str> = bound.iter().map(|(_, via)| via.as_str()).collect();
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
