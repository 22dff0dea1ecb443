//! rbac check tests.

use kready::checks::{CheckResult, Severity, Status};

use crate::support::*;

/// The result whose subject has this kind and name.
fn subject<'a>(results: &'a [CheckResult], kind: &str, name: &str) -> &'a CheckResult {
    let found: Vec<&CheckResult> = results
        .iter()
        .filter(|r| r.subject.kind == kind && r.subject.name == name)
        .collect();
    assert_eq!(
        found.len(),
        1,
        "expected one result for {kind} {name}, got {results:#?}"
    );
    found[0]
}

fn has_evidence(r: &CheckResult, needle: &str) -> bool {
    r.evidence.iter().any(|e| e.contains(needle))
}

const INFO_133: &str = r#"
apiVersion: kready.io/v1
kind: SnapshotInfo
metadata: {name: info}
serverVersion: v1.33.2
"#;

const INFO_135: &str = r#"
apiVersion: kready.io/v1
kind: SnapshotInfo
metadata: {name: info}
serverVersion: v1.35.0
"#;

// --- rbac/cluster-admin-bindings -------------------------------------------

#[test]
fn cluster_admin_bindings_pass_and_fail() {
    let store = fixture("rbac/bindings.yaml");
    let r = run("rbac/cluster-admin-bindings", &store);
    // Bootstrap binding to system:masters: a system component.
    let ok = assert_status(&r, "cluster-admin", Status::Pass);
    assert!(ok.message.contains("system components"), "{}", ok.message);
    // A kube-system ServiceAccount is a system component.
    assert_status(&r, "sealed-secrets", Status::Pass);
    let bad = assert_fail(&r, "ops-admin", Severity::Error);
    assert!(bad.message.contains("alice@example.com"), "{}", bad.message);
    assert!(bad.message.contains("cluster-wide"), "{}", bad.message);
    assert!(!bad.message.contains("system:masters"), "{}", bad.message);
    assert!(has_evidence(bad, "subject = User alice@example.com"));
    // Bindings of other roles get no result.
    assert!(
        r.iter()
            .all(|x| x.subject.name != "team-edit" && x.subject.name != "readers")
    );
}

#[test]
fn cluster_admin_equivalents_and_broad_groups() {
    let store = yaml(
        r#"
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: god}
rules:
  - {apiGroups: ["*"], resources: ["*"], verbs: ["*"]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: ci-god}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: god}
subjects: [{kind: ServiceAccount, name: deployer, namespace: ci}]
---
# Everything, but only for objects named `x`: not cluster-admin.
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: named-only}
rules:
  - {apiGroups: ["*"], resources: ["*"], verbs: ["*"], resourceNames: ["x"]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: named-only}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: named-only}
subjects: [{kind: User, name: carol}]
---
# Every authenticated user is not a system component.
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: everyone-admin}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin}
subjects: [{kind: Group, name: "system:authenticated"}]
---
# EKS's own identities are.
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: "eks:addon-cluster-admin"}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin}
subjects: [{kind: User, name: "eks:addon-manager"}]
---
# A RoleBinding to cluster-admin: full control of one namespace.
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: shop-admin, namespace: shop}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin}
subjects: [{kind: Group, name: shop-devs}]
---
# A namespaced Role with */*/*, bound in its namespace.
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: all, namespace: lab}
rules:
  - {apiGroups: ["*"], resources: ["*"], verbs: ["*"]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: lab-all, namespace: lab}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: all}
subjects: [{kind: ServiceAccount, name: runner}]
---
# A ClusterRoleBinding ServiceAccount without a namespace names nobody.
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: nobody}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin}
subjects: [{kind: ServiceAccount, name: ghost}]
"#,
    );
    let r = run("rbac/cluster-admin-bindings", &store);
    let god = assert_fail(&r, "ci-god", Severity::Error);
    assert!(god.message.contains("*/*/*"), "{}", god.message);
    assert!(
        god.message.contains("ServiceAccount ci/deployer"),
        "{}",
        god.message
    );
    let everyone = assert_fail(&r, "everyone-admin", Severity::Error);
    assert!(
        everyone.message.contains("system:authenticated"),
        "{}",
        everyone.message
    );
    assert_status(&r, "eks:addon-cluster-admin", Status::Pass);
    let ns = assert_fail(&r, "shop-admin", Severity::Error);
    assert!(ns.message.contains("in namespace shop"), "{}", ns.message);
    assert_eq!(ns.subject.namespace.as_deref(), Some("shop"));
    // RoleBinding ServiceAccount without namespace: the binding's namespace.
    let lab = assert_fail(&r, "lab-all", Severity::Error);
    assert!(
        lab.message.contains("ServiceAccount lab/runner"),
        "{}",
        lab.message
    );
    let nobody = assert_status(&r, "nobody", Status::Pass);
    assert!(nobody.message.contains("no subject"), "{}", nobody.message);
    assert!(r.iter().all(|x| x.subject.name != "named-only"), "{r:#?}");
}

#[test]
fn cluster_admin_through_aggregation() {
    // `platform` aggregates `platform-core`, which aggregates `wild`.
    let store = yaml(
        r#"
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: platform}
aggregationRule:
  clusterRoleSelectors: [{matchLabels: {aggregate-to-platform: "true"}}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: platform-core
  labels: {aggregate-to-platform: "true"}
aggregationRule:
  clusterRoleSelectors: [{matchLabels: {aggregate-to-core: "true"}}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: wild
  labels: {aggregate-to-core: "true"}
rules:
  - {apiGroups: ["*"], resources: ["*"], verbs: ["*"]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: platform-team}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: platform}
subjects: [{kind: Group, name: platform}]
"#,
    );
    let r = run("rbac/cluster-admin-bindings", &store);
    let f = assert_fail(&r, "platform-team", Severity::Error);
    assert!(f.message.contains("Group platform"), "{}", f.message);
}

#[test]
fn cluster_admin_none_bound_passes_cluster() {
    let store = yaml(
        r#"
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: readers}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view}
subjects: [{kind: Group, name: readers}]
"#,
    );
    let r = run("rbac/cluster-admin-bindings", &store);
    assert_eq!(r.len(), 1, "{r:#?}");
    assert_status(&r, "cluster", Status::Pass);
}

// --- rbac/wildcards ----------------------------------------------------------

#[test]
fn wildcards_pass_and_fail() {
    let store = yaml(
        r#"
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: deploy-anything}
rules:
  - {apiGroups: ["apps"], resources: ["deployments"], verbs: ["*"]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: all-status, namespace: shop}
rules:
  - {apiGroups: [""], resources: ["*/status"], verbs: ["get"]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: narrow, namespace: shop}
rules:
  - {apiGroups: ["*"], resources: ["configmaps"], verbs: ["get", "list"]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: cluster-admin
  labels: {kubernetes.io/bootstrapping: rbac-defaults}
rules:
  - {apiGroups: ["*"], resources: ["*"], verbs: ["*"]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: "system:controller:thing"}
rules:
  - {apiGroups: ["*"], resources: ["*"], verbs: ["*"]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: addon, namespace: kube-system}
rules:
  - {apiGroups: [""], resources: ["*"], verbs: ["*"]}
"#,
    );
    let r = run("rbac/wildcards", &store);
    let d = assert_fail(&r, "deploy-anything", Severity::Warning);
    assert!(d.message.contains("verbs `*`"), "{}", d.message);
    assert!(has_evidence(d, "resources=[deployments]"), "{d:#?}");
    let s = assert_fail(&r, "all-status", Severity::Warning);
    assert!(s.message.contains("`*/status`"), "{}", s.message);
    // `*` in apiGroups alone is not what this check is about.
    assert_status(&r, "narrow", Status::Pass);
    // Default and system roles, and roles in system namespaces, are skipped.
    for n in ["cluster-admin", "system:controller:thing", "addon"] {
        assert!(r.iter().all(|x| x.subject.name != n), "{n}: {r:#?}");
    }
}

// --- rbac/secrets-read -------------------------------------------------------

#[test]
fn secrets_read_pass_and_fail() {
    let store = fixture("rbac/bindings.yaml");
    let r = run("rbac/secrets-read", &store);
    let alice = assert_fail(&r, "alice@example.com", Severity::Warning);
    assert_eq!(alice.subject.kind, "User");
    assert!(
        alice.message.contains("get/list/watch"),
        "{}",
        alice.message
    );
    assert!(
        alice.message.contains("ClusterRoleBinding ops-admin"),
        "{}",
        alice.message
    );
    let auditors = assert_fail(&r, "auditors", Severity::Warning);
    assert_eq!(auditors.subject.kind, "Group");
    assert!(
        auditors.message.contains("can list Secrets"),
        "{}",
        auditors.message
    );
    assert!(
        has_evidence(
            auditors,
            "rule = verbs=[list] apiGroups=[\"\"] resources=[secrets]"
        ),
        "{auditors:#?}"
    );
    // `edit` includes Secrets, but a RoleBinding grants it in one namespace only.
    assert_status(&r, "shop-devs", Status::Pass);
    // One named Secret is not every Secret.
    let ingress = assert_status(&r, "ingress", Status::Pass);
    assert_eq!(ingress.subject.namespace.as_deref(), Some("edge"));
    assert_status(&r, "readers", Status::Pass);
    // System subjects get no result.
    assert!(r.iter().all(|x| x.subject.name != "system:masters"));
    assert!(
        r.iter()
            .all(|x| x.subject.name != "sealed-secrets-controller")
    );
}

#[test]
fn secrets_read_semantics() {
    let store = yaml(
        r#"
# `*` in resources covers secrets; a rule without apiGroups matches nothing;
# the secrets rule in another group is not core secrets.
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: star}
rules:
  - {apiGroups: [""], resources: ["*"], verbs: ["watch"]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: no-groups}
rules:
  - {resources: ["secrets"], verbs: ["get", "list"]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: other-group}
rules:
  - {apiGroups: ["external-secrets.io"], resources: ["secrets"], verbs: ["list"]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: star}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: star}
subjects: [{kind: User, name: "system:serviceaccount:shop:ci"}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: no-groups}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: no-groups}
subjects: [{kind: Group, name: dev}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: other-group}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: other-group}
subjects: [{kind: Group, name: eso}]
"#,
    );
    let r = run("rbac/secrets-read", &store);
    // The ServiceAccount's user name is the ServiceAccount itself.
    let ci = subject(&r, "ServiceAccount", "ci");
    assert_eq!(ci.status, Status::Fail, "{ci:#?}");
    assert_eq!(ci.subject.namespace.as_deref(), Some("shop"));
    assert!(ci.message.contains("can watch Secrets"), "{}", ci.message);
    assert_status(&r, "dev", Status::Pass);
    assert_status(&r, "eso", Status::Pass);
}

// --- rbac/dangerous-verbs ----------------------------------------------------

#[test]
fn dangerous_verbs_pass_and_fail() {
    let store = fixture("rbac/bindings.yaml");
    let r = run("rbac/dangerous-verbs", &store);
    let alice = assert_fail(&r, "alice@example.com", Severity::Warning);
    for what in [
        "exec into pods",
        "impersonate users",
        "escalate ClusterRoles",
        "bind Roles",
    ] {
        assert!(alice.message.contains(what), "{what}: {}", alice.message);
    }
    // edit (aggregated) grants exec in the RoleBinding's namespace only.
    let devs = assert_fail(&r, "shop-devs", Severity::Warning);
    assert!(
        devs.message.contains("exec into pods [create]"),
        "{}",
        devs.message
    );
    assert!(
        devs.message
            .contains("in namespace shop (via RoleBinding shop/team-edit → ClusterRole edit)"),
        "{}",
        devs.message
    );
    assert!(!devs.message.contains("cluster-wide"), "{}", devs.message);
    assert!(!devs.message.contains("impersonate"), "{}", devs.message);
    // pods/log is not pods/exec.
    assert_status(&r, "readers", Status::Pass);
    assert_status(&r, "auditors", Status::Pass);
    // Version unknown: the message says `get` is counted.
    assert!(has_evidence(devs, "server version unknown"), "{devs:#?}");
}

const EXEC_RULES: &str = r#"
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: exec-get}
rules:
  - {apiGroups: [""], resources: ["pods/exec"], verbs: ["get"]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: exec-get}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: exec-get}
subjects: [{kind: Group, name: viewers}]
---
# `pods/*` is not a wildcard: the API server matches it literally.
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: pods-star}
rules:
  - {apiGroups: [""], resources: ["pods", "pods/*"], verbs: ["create"]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: pods-star}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: pods-star}
subjects: [{kind: Group, name: pod-makers}]
---
# `*/attach` is: the attach subresource of every resource.
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: any-attach}
rules:
  - {apiGroups: [""], resources: ["*/attach"], verbs: ["create"]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: any-attach}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: any-attach}
subjects: [{kind: Group, name: attachers}]
"#;

#[test]
fn dangerous_verbs_exec_get_before_1_35() {
    let store = yaml(&format!("{EXEC_RULES}---{INFO_133}"));
    let r = run("rbac/dangerous-verbs", &store);
    let v = assert_fail(&r, "viewers", Severity::Warning);
    assert!(
        v.message.contains("exec into pods [get] cluster-wide"),
        "{}",
        v.message
    );
    assert!(has_evidence(v, "older than 1.35"), "{v:#?}");
    assert_status(&r, "pod-makers", Status::Pass);
    let a = assert_fail(&r, "attachers", Severity::Warning);
    assert!(a.message.contains("attach to pods"), "{}", a.message);
    assert!(!a.message.contains("exec"), "{}", a.message);
}

#[test]
fn dangerous_verbs_exec_needs_create_from_1_35() {
    let store = yaml(&format!("{EXEC_RULES}---{INFO_135}"));
    let r = run("rbac/dangerous-verbs", &store);
    let v = assert_status(&r, "viewers", Status::Pass);
    assert!(has_evidence(v, "need `create`"), "{v:#?}");
    assert_fail(&r, "attachers", Severity::Warning);
}

#[test]
fn dangerous_verbs_scope_and_resource_names() {
    let store = yaml(
        r#"
# In a RoleBinding, impersonating users/groups (cluster-scoped) and escalating
# ClusterRoles grant nothing; binding ClusterRoles and impersonating
# ServiceAccounts work inside the namespace.
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: power}
rules:
  - {apiGroups: [""], resources: ["users", "groups"], verbs: ["impersonate"]}
  - {apiGroups: ["rbac.authorization.k8s.io"], resources: ["clusterroles"], verbs: ["escalate", "bind"]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: power, namespace: shop}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: power}
subjects: [{kind: Group, name: ns-power}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: power}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: power}
subjects: [{kind: Group, name: cluster-power}]
---
# Delegating the right to bind only `view`: the documented safe pattern.
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: bind-view}
rules:
  - {apiGroups: ["rbac.authorization.k8s.io"], resources: ["clusterroles"], verbs: ["bind"], resourceNames: ["view"]}
  - {apiGroups: [""], resources: ["pods/portforward"], verbs: ["create"], resourceNames: ["debug-0"]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: bind-view}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: bind-view}
subjects: [{kind: Group, name: team-leads}]
"#,
    );
    let r = run("rbac/dangerous-verbs", &store);
    let ns = assert_fail(&r, "ns-power", Severity::Warning);
    assert!(
        ns.message.contains("bind ClusterRoles in namespace shop"),
        "{}",
        ns.message
    );
    assert!(!ns.message.contains("impersonate"), "{}", ns.message);
    assert!(!ns.message.contains("escalate"), "{}", ns.message);
    let cl = assert_fail(&r, "cluster-power", Severity::Warning);
    for what in [
        "impersonate users",
        "impersonate groups",
        "escalate ClusterRoles",
        "bind ClusterRoles",
    ] {
        assert!(cl.message.contains(what), "{what}: {}", cl.message);
    }
    let leads = assert_fail(&r, "team-leads", Severity::Warning);
    assert!(
        leads
            .message
            .contains("port-forward to pods (only debug-0)"),
        "{}",
        leads.message
    );
    assert!(
        !leads.message.contains("bind ClusterRoles"),
        "{}",
        leads.message
    );
}

// --- rbac/default-service-account --------------------------------------------

#[test]
fn default_service_account_cases() {
    let store = fixture("rbac/default-sa.yaml");
    let r = run("rbac/default-service-account", &store);
    // Runs as default with the token mounted, default bound to a role.
    let shop = assert_fail(&r, "shop", Severity::Warning);
    assert!(shop.message.contains("Deployment web"), "{}", shop.message);
    assert!(shop.message.contains("token mounted"), "{}", shop.message);
    assert!(
        shop.message.contains("RoleBinding shop/default-edit"),
        "{}",
        shop.message
    );
    assert!(
        !shop.message.contains("api"),
        "has its own SA: {}",
        shop.message
    );
    // Bound through the group of all ServiceAccounts of the namespace; the
    // workload opts out of the token, still a warning.
    let pay = assert_fail(&r, "payments", Severity::Warning);
    assert!(pay.message.contains("token not mounted"), "{}", pay.message);
    assert!(
        pay.message.contains("ClusterRoleBinding payments-sas"),
        "{}",
        pay.message
    );
    // No workload uses it, but it automounts while bound.
    let idle = assert_fail(&r, "idle", Severity::Warning);
    assert!(
        idle.message
            .contains("any pod that names no ServiceAccount"),
        "{}",
        idle.message
    );
    // Runs as default, unbound: informational.
    let plain = assert_fail(&r, "plain", Severity::Info);
    assert!(
        plain.message.contains("StatefulSet db"),
        "{}",
        plain.message
    );
    // Own ServiceAccounts, default unbound; and bound but automount off and unused.
    assert_status(&r, "clean", Status::Pass);
    assert_status(&r, "locked", Status::Pass);
    // System namespaces are skipped; a bootstrap binding to all
    // ServiceAccounts does not make `default` "bound".
    assert!(r.iter().all(|x| x.subject.name != "kube-system"));
}

// --- rbac/stale-bindings -----------------------------------------------------

#[test]
fn stale_bindings_cases() {
    let store = yaml(
        r#"
apiVersion: v1
kind: Namespace
metadata: {name: shop}
---
apiVersion: v1
kind: ServiceAccount
metadata: {name: default, namespace: shop}
---
apiVersion: v1
kind: ServiceAccount
metadata: {name: api, namespace: shop}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: view}
rules: [{apiGroups: [""], resources: ["pods"], verbs: ["get"]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: reader, namespace: shop}
rules: [{apiGroups: [""], resources: ["pods"], verbs: ["get"]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: ok, namespace: shop}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: reader}
subjects: [{kind: ServiceAccount, name: api}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: gone-role, namespace: shop}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: writer}
subjects: [{kind: Group, name: devs}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: gone-sa}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view}
subjects: [{kind: ServiceAccount, name: old-job, namespace: shop}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: gone-ns}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view}
subjects: [{kind: ServiceAccount, name: bot, namespace: retired}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: no-ns}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view}
subjects: [{kind: ServiceAccount, name: bot}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: gone-clusterrole}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: old-operator}
subjects: [{kind: Group, name: ops}]
---
# A namespace whose ServiceAccounts were not captured: cannot tell.
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: uncaptured}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view}
subjects: [{kind: ServiceAccount, name: bot, namespace: tools}]
---
apiVersion: v1
kind: Namespace
metadata: {name: tools}
"#,
    );
    let r = run("rbac/stale-bindings", &store);
    assert_status(&r, "ok", Status::Pass);
    let role = assert_fail(&r, "gone-role", Severity::Info);
    assert!(
        role.message.contains("Role shop/writer does not exist"),
        "{}",
        role.message
    );
    let sa = assert_fail(&r, "gone-sa", Severity::Info);
    assert!(
        sa.message
            .contains("ServiceAccount shop/old-job does not exist"),
        "{}",
        sa.message
    );
    let ns = assert_fail(&r, "gone-ns", Severity::Info);
    assert!(
        ns.message.contains("namespace retired does not exist"),
        "{}",
        ns.message
    );
    let nons = assert_fail(&r, "no-ns", Severity::Info);
    assert!(nons.message.contains("no namespace"), "{}", nons.message);
    let cr = assert_fail(&r, "gone-clusterrole", Severity::Info);
    assert!(
        cr.message.contains("ClusterRole old-operator"),
        "{}",
        cr.message
    );
    let unk = assert_status(&r, "uncaptured", Status::Unknown);
    assert!(unk.message.contains("namespace tools"), "{}", unk.message);
}

#[test]
fn stale_bindings_unknown_without_roles() {
    // Only bindings were captured: missing roles cannot be told from
    // roles that were not exported.
    let store = yaml(
        r#"
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: readers}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view}
subjects: [{kind: Group, name: readers}]
"#,
    );
    let r = run("rbac/stale-bindings", &store);
    let u = assert_status(&r, "readers", Status::Unknown);
    assert!(u.message.contains("no ClusterRoles"), "{}", u.message);
}

// --- rbac/direct-user-bindings -----------------------------------------------

#[test]
fn direct_user_bindings_pass_and_fail() {
    let store = fixture("rbac/bindings.yaml");
    let r = run("rbac/direct-user-bindings", &store);
    let ops = assert_fail(&r, "ops-admin", Severity::Info);
    assert!(ops.message.contains("alice@example.com"), "{}", ops.message);
    assert!(has_evidence(ops, "User alice@example.com"));
    let readers = assert_fail(&r, "readers", Severity::Info);
    assert!(
        readers.message.contains("bob@example.com"),
        "{}",
        readers.message
    );
    assert!(!readers.message.contains("readers,"), "{}", readers.message);
    assert_status(&r, "auditors", Status::Pass);
    assert_status(&r, "team-edit", Status::Pass);
    assert_status(&r, "ingress-tls", Status::Pass);
    // Bootstrap bindings are not the operator's: no result.
    assert!(
        r.iter()
            .all(|x| x.subject.name != "system:public-info-viewer")
    );
    assert!(r.iter().all(|x| x.subject.name != "cluster-admin"));
}
