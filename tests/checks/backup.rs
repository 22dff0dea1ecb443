//! backup check tests.

use kready::checks::{CheckResult, Severity, Status};
use kready::config::Config;

use crate::support::*;

fn has_evidence(r: &CheckResult, needle: &str) -> bool {
    r.evidence.iter().any(|e| e.contains(needle))
}

const VELERO_CRD: &str = r#"
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: backups.velero.io}
spec:
  group: velero.io
  names: {kind: Backup, plural: backups}
  scope: Namespaced
  versions: [{name: v1, served: true, storage: true}]
---
"#;

fn deployment(ns: &str, name: &str) -> String {
    format!(
        r#"
apiVersion: apps/v1
kind: Deployment
metadata: {{name: {name}, namespace: {ns}}}
spec:
  selector: {{matchLabels: {{app: {name}}}}}
  template: {{metadata: {{labels: {{app: {name}}}}}, spec: {{containers: [{{name: a, image: "{name}:1"}}]}}}}
---
"#
    )
}

fn pvc(ns: &str, name: &str) -> String {
    format!(
        r#"
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {{name: {name}, namespace: {ns}}}
spec: {{accessModes: [ReadWriteOnce], resources: {{requests: {{storage: 1Gi}}}}}}
---
"#
    )
}

fn schedule(name: &str, created: &str, template: &str) -> String {
    format!(
        r#"
apiVersion: velero.io/v1
kind: Schedule
metadata: {{name: {name}, namespace: velero, creationTimestamp: "{created}"}}
spec:
  schedule: "0 1 * * *"
  template:
{template}
---
"#
    )
}

// ───────────── tool-present ─────────────

#[test]
fn tool_present_velero_or_etcd_snapshot() {
    let r = run("backup/tool-present", &fixture("backup/velero.yaml"));
    let ok = assert_status(&r, "cluster", Status::Pass);
    assert!(ok.message.contains("backups.velero.io"), "{}", ok.message);

    let r = run("backup/tool-present", &fixture("backup/etcd-cronjob.yaml"));
    let ok = assert_status(&r, "cluster", Status::Pass);
    assert!(
        ok.message.contains("kube-system/etcd-backup"),
        "{}",
        ok.message
    );
    assert!(has_evidence(ok, "ops/etcd-offsite"));
    // `etcdctl get` is not a snapshot.
    assert!(!has_evidence(ok, "ops/report"));
}

#[test]
fn tool_present_fails_without_backup_tool() {
    let text = deployment("shop", "web");
    let r = run("backup/tool-present", &yaml(&text));
    let bad = assert_fail(&r, "cluster", Severity::Error);
    assert!(bad.message.contains("no backup tool"), "{}", bad.message);
    assert!(has_evidence(bad, "backups.velero.io = absent"));

    // On a managed control plane the message says the provider keeps etcd.
    let managed = format!(
        "apiVersion: kready.io/v1\nkind: SnapshotInfo\nmetadata: {{name: i}}\nmanaged: eks\n---\n{text}"
    );
    let r = run("backup/tool-present", &yaml(&managed));
    let bad = assert_fail(&r, "cluster", Severity::Error);
    assert!(
        bad.message.contains("eks backs up its own etcd"),
        "{}",
        bad.message
    );

    // A CloudNativePG Backup object is not Velero.
    let cnpg = r#"
apiVersion: postgresql.cnpg.io/v1
kind: Backup
metadata: {name: pg, namespace: db}
spec: {cluster: {name: pg}}
"#;
    let r = run("backup/tool-present", &yaml(cnpg));
    assert_fail(&r, "cluster", Severity::Error);
}

#[test]
fn tool_present_recognises_other_tools() {
    let store = yaml(
        r#"
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: policies.config.kio.kasten.io}
spec:
  group: config.kio.kasten.io
  names: {kind: Policy, plural: policies}
  scope: Namespaced
  versions: [{name: v1alpha1, served: true, storage: true}]
"#,
    );
    let r = run("backup/tool-present", &store);
    let ok = assert_status(&r, "cluster", Status::Pass);
    assert!(ok.message.contains("Kasten K10"), "{}", ok.message);
}

#[test]
fn velero_checks_are_silent_without_velero() {
    let store = fixture("backup/etcd-cronjob.yaml");
    for id in [
        "backup/schedule-present",
        "backup/failures",
        "backup/storage-off-cluster",
        "backup/restore-tested",
        "backup/stateful-covered",
    ] {
        assert!(run(id, &store).is_empty(), "{id}");
    }
}

// ───────────── schedule-present ─────────────

#[test]
fn schedule_present_reports_uncovered_namespaces() {
    let r = run("backup/schedule-present", &fixture("backup/velero.yaml"));
    let bad = assert_fail(&r, "cluster", Severity::Error);
    // legacy-crm is excluded by `legacy-*` and its own schedule is paused;
    // velero's namespace and kube-system are not required.
    assert!(
        bad.message.contains("1 of 4 namespace(s)") && bad.message.ends_with("legacy-crm"),
        "{}",
        bad.message
    );
    assert!(has_evidence(bad, "uncovered = legacy-crm"));
    assert!(has_evidence(
        bad,
        "schedule daily = includes *, excludes analytics,legacy-*"
    ));
}

#[test]
fn schedule_present_pass_with_all_namespaces_and_globs() {
    let text = [
        VELERO_CRD.to_string(),
        deployment("shop", "web"),
        deployment("team-a", "api"),
        deployment("team-b", "api"),
        deployment("kube-system", "dns"),
        // Empty includedNamespaces means every namespace.
        schedule("all", "2026-01-01T00:00:00Z", "    ttl: 720h"),
    ]
    .concat();
    let r = run("backup/schedule-present", &yaml(&text));
    let ok = assert_status(&r, "cluster", Status::Pass);
    assert!(ok.message.contains("all 3 namespace(s)"), "{}", ok.message);

    let text = [
        VELERO_CRD.to_string(),
        deployment("shop", "web"),
        deployment("team-a", "api"),
        deployment("team-b", "api"),
        deployment("team-cc", "api"),
        schedule(
            "teams",
            "2026-01-01T00:00:00Z",
            "    includedNamespaces: [\"team-?\", shop]",
        ),
    ]
    .concat();
    let r = run("backup/schedule-present", &yaml(&text));
    let bad = assert_fail(&r, "cluster", Severity::Error);
    assert!(bad.message.ends_with(": team-cc"), "{}", bad.message);
}

#[test]
fn schedule_present_fails_without_active_schedules() {
    let text = [VELERO_CRD.to_string(), deployment("shop", "web")].concat();
    let r = run("backup/schedule-present", &yaml(&text));
    let bad = assert_fail(&r, "cluster", Severity::Error);
    assert!(bad.message.contains("no Schedule"), "{}", bad.message);

    let text = [
        VELERO_CRD.to_string(),
        deployment("shop", "web"),
        schedule("nightly", "2026-01-01T00:00:00Z", "    ttl: 720h").replace(
            "  schedule: \"0 1 * * *\"",
            "  schedule: \"0 1 * * *\"\n  paused: true",
        ),
    ]
    .concat();
    let r = run("backup/schedule-present", &yaml(&text));
    let bad = assert_fail(&r, "cluster", Severity::Error);
    assert!(bad.message.contains("paused (nightly)"), "{}", bad.message);
}

#[test]
fn schedule_present_respects_configured_system_namespaces() {
    let text = [
        VELERO_CRD.to_string(),
        deployment("shop", "web"),
        deployment("platform", "ingress"),
        schedule(
            "shop",
            "2026-01-01T00:00:00Z",
            "    includedNamespaces: [shop]",
        ),
    ]
    .concat();
    let store = yaml(&text);
    let r = run("backup/schedule-present", &store);
    assert_fail(&r, "cluster", Severity::Error);
    let config = Config {
        system_namespaces: vec!["platform".into()],
        ..Config::default()
    };
    let r = run_with("backup/schedule-present", &store, &config);
    assert_status(&r, "cluster", Status::Pass);
}

// ───────────── recent-success ─────────────

#[test]
fn recent_success_per_schedule() {
    let r = run("backup/recent-success", &fixture("backup/velero.yaml"));
    let ok = assert_status(&r, "daily", Status::Pass);
    assert!(
        ok.message
            .contains("daily-20261120010000 finished 10h48m ago"),
        "{}",
        ok.message
    );
    let bad = assert_fail(&r, "analytics-manifests", Severity::Error);
    assert!(
        bad.message
            .contains("finished 3d8h ago, older than the RPO 24h"),
        "{}",
        bad.message
    );
    let bad = assert_fail(&r, "legacy-weekly", Severity::Error);
    assert!(
        bad.message.contains("no Completed backup"),
        "{}",
        bad.message
    );
    assert!(bad.message.contains("paused"), "{}", bad.message);
}

#[test]
fn recent_success_rpo_is_configurable_and_new_schedules_are_unknown() {
    let mut config = Config::default();
    config.thresholds.backup_rpo_hours = 6;
    let r = run_with(
        "backup/recent-success",
        &fixture("backup/velero.yaml"),
        &config,
    );
    let bad = assert_fail(&r, "daily", Severity::Error);
    assert!(
        bad.message.contains("older than the RPO 6h"),
        "{}",
        bad.message
    );

    let text = [
        VELERO_CRD.to_string(),
        schedule("brand-new", "2026-11-20T10:00:00Z", "    ttl: 720h"),
    ]
    .concat();
    let r = run("backup/recent-success", &yaml(&text));
    let u = assert_status(&r, "brand-new", Status::Unknown);
    assert!(u.message.contains("created only 2h ago"), "{}", u.message);
}

#[test]
fn recent_success_etcd_snapshot_jobs() {
    let r = run(
        "backup/recent-success",
        &fixture("backup/etcd-cronjob.yaml"),
    );
    let ok = assert_status(&r, "etcd-backup", Status::Pass);
    assert!(
        ok.message.contains("Job etcd-backup-29001"),
        "{}",
        ok.message
    );
    assert!(ok.message.contains("5h58m ago"), "{}", ok.message);
    // Only the CronJob's lastSuccessfulTime is left, and it is stale.
    let bad = assert_fail(&r, "etcd-offsite", Severity::Error);
    assert!(
        bad.message.contains("status.lastSuccessfulTime"),
        "{}",
        bad.message
    );
    assert!(bad.message.contains("5d9h"), "{}", bad.message);
    assert!(r.iter().all(|x| x.subject.name != "report"));
}

#[test]
fn recent_success_etcd_cronjob_without_success() {
    let store = yaml(
        r#"
apiVersion: batch/v1
kind: CronJob
metadata: {name: etcd-snap, namespace: ops, creationTimestamp: "2026-06-01T00:00:00Z"}
spec:
  schedule: "0 2 * * *"
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: OnFailure
          containers: [{name: s, image: etcd:3.5, command: [sh, -c, "etcdctl snapshot save /x.db"]}]
"#,
    );
    let r = run("backup/recent-success", &store);
    let bad = assert_fail(&r, "etcd-snap", Severity::Error);
    assert!(
        bad.message.contains("no successful etcd snapshot"),
        "{}",
        bad.message
    );
}

// ───────────── failures ─────────────

#[test]
fn failures_in_window() {
    let r = run("backup/failures", &fixture("backup/velero.yaml"));
    let bad = assert_fail(&r, "daily-20261118010000", Severity::Warning);
    assert!(bad.message.contains("PartiallyFailed"), "{}", bad.message);
    assert!(
        bad.message.contains("3 error(s), 1 warning(s)"),
        "{}",
        bad.message
    );
    assert!(has_evidence(bad, "velero.io/schedule-name = daily"));
    let bad = assert_fail(&r, "analytics-manifests-20261118030000", Severity::Warning);
    assert!(
        bad.message.contains("BackupStorageLocation"),
        "{}",
        bad.message
    );
    assert_status(&r, "daily-20261120010000", Status::Pass);
    // Outside the 7-day window, still running, or not Velero: no result.
    for name in ["manual-old-failure", "daily-20261120110000", "pg-nightly"] {
        assert!(r.iter().all(|x| x.subject.name != name), "{name}");
    }
}

#[test]
fn failures_window_is_configurable() {
    let mut config = Config::default();
    config.thresholds.backup_failure_days = 60;
    let r = run_with("backup/failures", &fixture("backup/velero.yaml"), &config);
    assert_fail(&r, "manual-old-failure", Severity::Warning);
}

// ───────────── storage-off-cluster ─────────────

#[test]
fn storage_off_cluster_locations() {
    let r = run("backup/storage-off-cluster", &fixture("backup/velero.yaml"));
    assert_status(&r, "default", Status::Pass);
    let bad = assert_fail(&r, "minio", Severity::Error);
    assert!(bad.message.contains("minio.velero.svc"), "{}", bad.message);
    let bad = assert_fail(&r, "broken", Severity::Error);
    assert!(bad.message.contains("Unavailable"), "{}", bad.message);
    assert!(
        bad.message.contains("bucket acme-dr not found"),
        "{}",
        bad.message
    );
    let u = assert_status(&r, "fresh", Status::Unknown);
    assert!(u.message.contains("not validated"), "{}", u.message);
    let ok = assert_status(&r, "cluster", Status::Pass);
    assert!(ok.message.contains("1 of 4"), "{}", ok.message);
}

#[test]
fn storage_off_cluster_fails_when_only_local() {
    let text = [
        VELERO_CRD.to_string(),
        r#"
apiVersion: velero.io/v1
kind: BackupStorageLocation
metadata: {name: local, namespace: velero}
spec:
  provider: replicated.com/hostpath
  objectStorage: {bucket: velero-internal-snapshots}
  config: {path: /var/velero}
status: {phase: Available}
---
apiVersion: velero.io/v1
kind: BackupStorageLocation
metadata: {name: bare-minio, namespace: velero}
spec:
  provider: aws
  objectStorage: {bucket: velero}
  config: {s3Url: "http://minio:9000"}
status: {phase: Available}
---
apiVersion: velero.io/v1
kind: BackupStorageLocation
metadata: {name: offsite, namespace: velero}
spec:
  provider: aws
  objectStorage: {bucket: velero}
  config: {s3Url: "https://s3.eu-central-1.wasabisys.com"}
status: {phase: Unavailable}
"#
        .to_string(),
    ]
    .concat();
    let r = run("backup/storage-off-cluster", &yaml(&text));
    let bad = assert_fail(&r, "local", Severity::Error);
    assert!(bad.message.contains("node's filesystem"), "{}", bad.message);
    assert_fail(&r, "bare-minio", Severity::Error);
    let bad = assert_fail(&r, "offsite", Severity::Error);
    assert!(bad.message.contains("phase Unavailable"), "{}", bad.message);
    let bad = assert_fail(&r, "cluster", Severity::Error);
    assert!(bad.message.contains("none of the 3"), "{}", bad.message);

    let r = run("backup/storage-off-cluster", &yaml(VELERO_CRD));
    let bad = assert_fail(&r, "cluster", Severity::Error);
    assert!(
        bad.message.contains("no BackupStorageLocation"),
        "{}",
        bad.message
    );
}

// ───────────── restore-tested ─────────────

#[test]
fn restore_tested_window() {
    let store = fixture("backup/velero.yaml");
    let r = run("backup/restore-tested", &store);
    let ok = assert_status(&r, "cluster", Status::Pass);
    // The newer PartiallyFailed restore does not count.
    assert!(
        ok.message.contains("drill-2026-10 completed 49d22h ago"),
        "{}",
        ok.message
    );

    let mut config = Config::default();
    config.thresholds.restore_test_days = 30;
    let r = run_with("backup/restore-tested", &store, &config);
    let bad = assert_fail(&r, "cluster", Severity::Warning);
    assert!(bad.message.contains("beyond 30 days"), "{}", bad.message);

    let r = run("backup/restore-tested", &yaml(VELERO_CRD));
    let bad = assert_fail(&r, "cluster", Severity::Warning);
    assert!(
        bad.message.contains("never proven restorable"),
        "{}",
        bad.message
    );
}

// ───────────── stateful-covered ─────────────

#[test]
fn stateful_covered_per_namespace() {
    let r = run("backup/stateful-covered", &fixture("backup/velero.yaml"));
    let ok = assert_status(&r, "shop", Status::Pass);
    assert_eq!(ok.subject.kind, "Namespace");
    assert!(
        ok.message.contains("schedule daily (volume snapshots)"),
        "{}",
        ok.message
    );
    assert_status(&r, "payments", Status::Pass);
    let bad = assert_fail(&r, "analytics", Severity::Warning);
    assert!(bad.message.contains("neither snapshot"), "{}", bad.message);
    assert!(has_evidence(bad, "snapshotVolumes=false"));
    let bad = assert_fail(&r, "legacy-crm", Severity::Warning);
    assert!(
        bad.message.contains("no active Velero Schedule"),
        "{}",
        bad.message
    );
}

#[test]
fn stateful_covered_fs_backup_and_resource_filters() {
    let text = [
        VELERO_CRD.to_string(),
        pvc("fsb", "data"),
        schedule(
            "fsb",
            "2026-01-01T00:00:00Z",
            "    includedNamespaces: [fsb]\n    snapshotVolumes: false\n    defaultVolumesToFsBackup: true",
        ),
        pvc("nopvc", "data"),
        schedule(
            "nopvc",
            "2026-01-01T00:00:00Z",
            "    includedNamespaces: [nopvc]\n    excludedResources: [persistentvolumeclaims]",
        ),
        pvc("optin", "data"),
        schedule(
            "optin",
            "2026-01-01T00:00:00Z",
            "    includedNamespaces: [optin]\n    snapshotVolumes: false",
        ),
        r#"
apiVersion: v1
kind: Pod
metadata:
  name: db-0
  namespace: optin
  annotations: {backup.velero.io/backup-volumes: data}
spec: {containers: [{name: db, image: "postgres:16"}]}
---
"#
        .to_string(),
        pvc("kube-system", "etcd-data"),
    ]
    .concat();
    let r = run("backup/stateful-covered", &yaml(&text));
    let ok = assert_status(&r, "fsb", Status::Pass);
    assert!(ok.message.contains("file-system backup"), "{}", ok.message);
    assert_fail(&r, "nopvc", Severity::Warning);
    let ok = assert_status(&r, "optin", Status::Pass);
    assert!(
        ok.message.contains("backup.velero.io/backup-volumes"),
        "{}",
        ok.message
    );
    // System namespaces are not judged.
    assert!(r.iter().all(|x| x.subject.name != "kube-system"));
}
