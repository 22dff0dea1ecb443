//! The catalog matches `shared/readiness-catalog.md` row for row: ids,
//! seeds, default severities and whether a guided fix exists.

use kready::checks::{Severity, catalog};

/// (id, seeds, severity, has fix) — copied from the catalog table (`— (…)`
/// in its fix column is guidance only: no fix).
const EXPECTED: &[(&str, &[&str], &str, bool)] = &[
    (
        "workload/requests-set",
        &["000", "001", "003"],
        "warning",
        true,
    ),
    (
        "workload/memory-limit-set",
        &["000", "001", "003"],
        "warning",
        true,
    ),
    ("workload/cpu-limit-set", &["001"], "info", true),
    ("workload/readiness-probe", &["003", "004"], "warning", true),
    ("workload/liveness-probe", &["004"], "info", true),
    ("workload/replicas", &["000"], "warning", true),
    ("workload/pdb-present", &["003"], "warning", true),
    ("workload/pdb-allows-disruption", &["003"], "warning", true),
    ("workload/rollout-strategy", &["003"], "warning", true),
    ("workload/spread", &["000", "003"], "info", true),
    (
        "workload/image-tag-pinned",
        &["000", "001"],
        "warning",
        false,
    ),
    ("workload/naked-pod", &["004"], "warning", false),
    ("workload/crashloop", &["004"], "error", false),
    ("workload/not-ready", &["004"], "error", false),
    ("workload/critical-on-spot", &["003"], "warning", true),
    ("workload/default-namespace", &["000", "004"], "info", false),
    ("security/privileged", &["002", "004"], "error", true),
    ("security/host-namespaces", &["004"], "error", true),
    ("security/privilege-escalation", &["003"], "warning", true),
    ("security/run-as-non-root", &["003"], "warning", true),
    ("security/read-only-root-fs", &["003"], "info", true),
    ("security/capabilities", &["003"], "warning", true),
    ("security/host-path", &["004"], "warning", false),
    ("security/pod-security-labels", &["003"], "warning", true),
    (
        "security/network-policy-default-deny",
        &["000", "003", "004"],
        "warning",
        true,
    ),
    ("security/pod-not-isolated", &["003"], "info", false),
    ("security/secrets-in-env", &["003"], "warning", false),
    (
        "security/secrets-encryption",
        &["003", "004"],
        "error",
        false,
    ),
    ("security/audit-logging", &["002", "004"], "warning", false),
    ("security/anonymous-auth", &["004"], "error", false),
    ("security/etcd-client-auth", &["004"], "error", false),
    ("security/image-scanning", &["000"], "warning", false),
    ("security/external-secrets", &["003"], "info", false),
    (
        "rbac/cluster-admin-bindings",
        &["003", "004"],
        "error",
        true,
    ),
    ("rbac/wildcards", &["003"], "warning", false),
    ("rbac/secrets-read", &["003"], "warning", false),
    ("rbac/dangerous-verbs", &["003"], "warning", false),
    ("rbac/default-service-account", &["003"], "warning", true),
    ("rbac/stale-bindings", &["003"], "info", true),
    ("rbac/direct-user-bindings", &["002"], "info", false),
    ("resources/quota-present", &["000"], "warning", true),
    ("resources/limitrange-present", &["000"], "warning", true),
    ("resources/quota-pressure", &["000"], "warning/error", true),
    ("resources/system-reserved", &["000"], "warning", false),
    ("resources/node-pressure", &["000"], "error", false),
    ("resources/cost-labels", &["003"], "info", true),
    ("resources/rightsizing", &["003"], "info", true),
    (
        "autoscaling/cluster-autoscaler-present",
        &["000", "003"],
        "warning",
        false,
    ),
    ("autoscaling/node-limits-set", &["003"], "error", true),
    ("autoscaling/node-group-at-max", &["003"], "error", false),
    ("autoscaling/scale-down-delay", &["003"], "info", false),
    ("autoscaling/hpa-present", &["000", "003"], "info", true),
    ("autoscaling/hpa-at-max", &["003"], "error", true),
    (
        "autoscaling/hpa-min-availability",
        &["003"],
        "warning",
        true,
    ),
    (
        "autoscaling/hpa-target-has-requests",
        &["003"],
        "error",
        true,
    ),
    ("autoscaling/hpa-owns-replicas", &["004"], "info", false),
    (
        "autoscaling/vpa-recommendations",
        &["000", "003"],
        "info",
        true,
    ),
    (
        "backup/tool-present",
        &["000", "001", "003"],
        "error",
        false,
    ),
    ("backup/schedule-present", &["000", "003"], "error", true),
    ("backup/recent-success", &["000", "001"], "error", false),
    ("backup/failures", &["003"], "warning", false),
    (
        "backup/storage-off-cluster",
        &["000", "001"],
        "error",
        false,
    ),
    ("backup/restore-tested", &["003"], "warning", false),
    ("backup/stateful-covered", &["004"], "warning", false),
    ("control-plane/node-count", &["000"], "error", false),
    (
        "control-plane/zone-spread",
        &["000", "003"],
        "warning",
        false,
    ),
    ("control-plane/etcd-dedicated", &["000"], "info", false),
    (
        "control-plane/etcd-timeouts",
        &["000", "001"],
        "warning",
        false,
    ),
    ("control-plane/leader-election", &["000"], "warning", false),
    (
        "control-plane/version-support",
        &["003", "004"],
        "warning",
        false,
    ),
    ("control-plane/node-not-ready", &["000"], "error", false),
    (
        "observability/metrics-api",
        &["000", "003"],
        "warning",
        false,
    ),
    (
        "observability/monitoring",
        &["000", "001", "003"],
        "warning",
        false,
    ),
    (
        "observability/log-shipping",
        &["000", "001", "003"],
        "warning",
        false,
    ),
    ("observability/alerting", &["002", "003"], "warning", false),
    ("observability/tracing", &["003"], "info", false),
    ("delivery/gitops", &["002", "004"], "info", false),
    ("delivery/progressive", &["003"], "info", false),
];

fn severity(s: Severity) -> &'static str {
    s.as_str()
}

#[test]
fn every_catalog_row_is_registered_in_order() {
    let ids: Vec<&str> = catalog().iter().map(|c| c.id).collect();
    let expected: Vec<&str> = EXPECTED.iter().map(|e| e.0).collect();
    assert_eq!(ids, expected);
}

#[test]
fn metadata_matches_the_catalog() {
    for (id, seeds, sev, fix) in EXPECTED {
        let c = kready::checks::find(id).unwrap();
        assert_eq!(c.seeds, *seeds, "{id} seeds");
        // graded checks (warning/error) register their lower default.
        let want = sev.split('/').next().unwrap();
        assert_eq!(severity(c.severity), want, "{id} severity");
        assert_eq!(c.fix.is_some(), *fix, "{id} fix");
        assert_eq!(
            c.category.as_str(),
            id.split('/').next().unwrap(),
            "{id} category"
        );
        assert!(
            !c.title.is_empty() && !c.rationale.is_empty(),
            "{id} has docs text"
        );
    }
}

#[test]
fn only_cpu_limits_are_off_by_default() {
    let off: Vec<&str> = catalog()
        .iter()
        .filter(|c| !c.enabled_by_default)
        .map(|c| c.id)
        .collect();
    assert_eq!(off, vec!["workload/cpu-limit-set"]);
}

/// When the shared catalog sits beside the repository (as in CI), compare
/// against it directly so the copy above cannot drift.
#[test]
fn matches_the_shared_catalog_file_when_present() {
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/readiness-catalog.md");
    let Ok(text) = std::fs::read_to_string(&path) else {
        return;
    };
    let ids: Vec<&str> = text
        .lines()
        .filter_map(|l| l.strip_prefix("| "))
        .filter_map(|l| l.split(" |").next())
        .filter(|id| id.contains('/') && !id.contains(' '))
        .collect();
    let expected: Vec<&str> = EXPECTED.iter().map(|e| e.0).collect();
    assert_eq!(ids, expected);
}

/// Every check marked as state exists, and the marking tells an outage
/// (a crash loop, a failed backup) from a missing practice.
#[test]
fn state_checks_are_catalog_checks() {
    use kready::checks::{Nature, STATE_CHECKS, nature};
    for id in STATE_CHECKS {
        assert!(catalog().iter().any(|c| c.id == *id), "{id} is not a check");
    }
    assert_eq!(nature("workload/crashloop"), Nature::State);
    assert_eq!(nature("backup/failures"), Nature::State);
    assert_eq!(nature("rbac/wildcards"), Nature::Configuration);
    assert_eq!(nature("workload/requests-set"), Nature::Configuration);
}
