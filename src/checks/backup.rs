//! backup — disaster recovery: Velero (schedules, backups, storage
//! locations, restores) and etcd snapshot CronJobs.
//!
//! Velero objects are custom resources read as dynamic JSON. Other products
//! also have `Backup`/`Schedule`/`Restore` kinds (CloudNativePG, K8up, …),
//! so every Velero look-up filters on the `velero.io` API group. The checks
//! are cluster-scoped: they measure ages against the capture time and must
//! still run when the Velero namespace is configured as a system namespace.

use std::collections::BTreeSet;

use k8s_openapi::jiff::Timestamp;
use serde_json::Value;

use super::text::name_list;
use super::{Category, Check, Ctx, Out, Scope, Severity, Subject};
use crate::model::pod::Pod;
use crate::model::workload::WORKLOAD_KINDS;
use crate::model::{ObjRef, Object};
use crate::store::ClusterStore;
use crate::view::backup::{
    SCHEDULE_LABEL, etcd_last_success, etcd_snapshot_cronjobs, is_paused, newest_completed,
    on_cluster_reason, str_at, ts_at, velero, velero_installed,
};
use crate::view::duration::human_duration;

pub const CHECKS: &[&Check] = &[
    &TOOL_PRESENT,
    &SCHEDULE_PRESENT,
    &RECENT_SUCCESS,
    &FAILURES,
    &STORAGE_OFF_CLUSTER,
    &RESTORE_TESTED,
    &STATEFUL_COVERED,
];

/// Velero's per-pod opt-in to file-system backup of the listed volumes.
use crate::model::pod::annotation::VELERO_FS_BACKUP as FS_BACKUP_ANNOTATION;

/// Other backup products recognised by their CRDs (kready judges only
/// Velero schedules, but does not claim there is no backup tool).
const OTHER_TOOLS: &[(&str, &str)] = &[
    ("policies.config.kio.kasten.io", "Kasten K10"),
    ("schedules.k8up.io", "K8up"),
    ("backupconfigurations.stash.appscode.com", "Stash"),
    ("backupconfigurations.core.kubestash.com", "KubeStash"),
];

// ───────────────────────────── tool-present ─────────────────────────────

pub static TOOL_PRESENT: Check = Check {
    id: "backup/tool-present",
    title: "A backup tool is installed",
    category: Category::Backup,
    severity: Severity::Error,
    seeds: &["000", "001", "003"],
    rationale: "etcd holds the whole cluster state and volumes hold the data: without Velero \
                (or an etcd snapshot job) a lost cluster or namespace cannot be restored.",
    fix: None,
    enabled_by_default: true,
    scope: Scope::Cluster { run: tool_present },
    reads: &[
        "CustomResourceDefinition",
        "Backup",
        "Schedule",
        "BackupStorageLocation",
        "Restore",
        "CronJob",
    ],
};

fn tool_present(ctx: &Ctx, out: &mut Out) {
    let store = ctx.store;
    let mut found: Vec<String> = Vec::new();
    if let Some(v) = velero_installed(store) {
        found.push(v);
    }
    for (cj, _) in etcd_snapshot_cronjobs(store) {
        found.push(format!(
            "etcd snapshot CronJob {}/{} (etcdctl snapshot save)",
            cj.namespace(),
            cj.name()
        ));
    }
    let subject = Subject::cluster();
    if !found.is_empty() {
        let r = out.pass(subject, format!("backups: {}", found[0]));
        for f in &found {
            r.evidence("detected", f);
        }
        return;
    }
    if let Some(tool) = other_tool(store) {
        out.pass(
            subject,
            format!(
                "{tool} is installed (kready checks schedules, storage and restores for Velero \
                 only)"
            ),
        )
        .evidence("detected", tool);
        return;
    }
    let r = out.fail(
        subject,
        match store.info.managed.as_deref() {
            Some(p) => format!(
                "no backup tool: no Velero (backups.velero.io CRD) and no etcd snapshot CronJob; \
                 {p} backs up its own etcd, but nothing backs up your workloads and volumes"
            ),
            None => "no backup tool: no Velero (backups.velero.io CRD) and no CronJob running \
                     `etcdctl snapshot save`"
                .to_string(),
        },
    );
    r.evidence("crd backups.velero.io", "absent");
}

// ───────────────────────────── schedule-present ─────────────────────────────

pub static SCHEDULE_PRESENT: Check = Check {
    id: "backup/schedule-present",
    title: "Velero schedules cover every namespace with workloads",
    category: Category::Backup,
    severity: Severity::Error,
    seeds: &["000", "003"],
    rationale: "Velero only backs up on demand unless a Schedule runs it; a namespace no \
                schedule includes is simply not backed up.",
    fix: Some("create a daily Velero Schedule (TTL 720h), edited"),
    enabled_by_default: true,
    scope: Scope::Cluster {
        run: schedule_present,
    },
    reads: &[
        "CustomResourceDefinition",
        "Schedule",
        "Deployment",
        "StatefulSet",
        "DaemonSet",
        "CronJob",
        "Job",
        "ReplicaSet",
        "Pod",
    ],
};

fn schedule_present(ctx: &Ctx, out: &mut Out) {
    let store = ctx.store;
    if velero_installed(store).is_none() {
        return; // backup/tool-present reports it
    }
    let subject = Subject::cluster();
    let schedules: Vec<&ObjRef> = velero(store, "Schedule").collect();
    let active: Vec<(&ObjRef, NsFilter)> = schedules
        .iter()
        .filter(|s| !is_paused(s))
        .map(|s| (*s, NsFilter::of_schedule(s)))
        .collect();
    if active.is_empty() {
        let r = out.fail(
            subject,
            if schedules.is_empty() {
                "Velero is installed but has no Schedule: backups only happen when someone runs \
                 them by hand"
                    .to_string()
            } else {
                format!(
                    "every Velero Schedule is paused ({}): nothing is backed up on a schedule",
                    names(&schedules)
                )
            },
        );
        r.evidence("schedules", schedules.len());
        return;
    }
    let velero_ns = velero_namespaces(store);
    let needed: Vec<String> = namespaces_with_workloads(store)
        .into_iter()
        .filter(|ns| !ctx.is_system_namespace(ns) && !velero_ns.contains(ns))
        .collect();
    let uncovered: Vec<&String> = needed
        .iter()
        .filter(|ns| !active.iter().any(|(_, f)| f.includes(ns)))
        .collect();
    let schedule_names: Vec<&ObjRef> = active.iter().map(|(s, _)| *s).collect();
    if uncovered.is_empty() {
        out.pass(
            subject,
            format!(
                "{} active schedule(s) cover all {} namespace(s) with workloads",
                active.len(),
                needed.len()
            ),
        )
        .evidence("schedules", names(&schedule_names));
    } else {
        let list = name_list(&uncovered, 10);
        let r = out.fail(
            subject,
            format!(
                "{} of {} namespace(s) with workloads are in no active Velero Schedule: {list}",
                uncovered.len(),
                needed.len()
            ),
        );
        r.evidence("uncovered", list)
            .evidence("schedules", names(&schedule_names));
        for (s, f) in &active {
            r.evidence(&format!("schedule {}", s.name()), f.describe());
        }
    }
}

// ───────────────────────────── recent-success ─────────────────────────────

pub static RECENT_SUCCESS: Check = Check {
    id: "backup/recent-success",
    title: "Every schedule has a recent successful backup",
    category: Category::Backup,
    severity: Severity::Error,
    seeds: &["000", "001"],
    rationale: "The recovery point is the newest backup that completed: if it is older than \
                the RPO, a disaster now loses more data than agreed.",
    fix: None,
    enabled_by_default: true,
    scope: Scope::Cluster {
        run: recent_success,
    },
    reads: &["Schedule", "Backup", "CronJob", "Job"],
};

fn recent_success(ctx: &Ctx, out: &mut Out) {
    let store = ctx.store;
    let rpo_hours = ctx.config.thresholds.backup_rpo_hours;
    let rpo_secs = rpo_hours * 3600;
    let rpo = format!("{rpo_hours}h");
    let newest = newest_completed(store);
    for s in velero(store, "Schedule") {
        let subject = Subject::of(s);
        let paused = if is_paused(s) {
            " (the schedule is paused)"
        } else {
            ""
        };
        match newest.get(&(s.namespace(), s.name())) {
            Some((done, b)) => {
                let age = ctx.age_secs(*done);
                let r = if age > rpo_secs {
                    out.fail(
                        subject,
                        format!(
                            "newest Completed backup {} finished {} ago, older than the RPO \
                             {rpo}{paused}",
                            b.name(),
                            human_duration(age)
                        ),
                    )
                } else {
                    out.pass(
                        subject,
                        format!(
                            "newest Completed backup {} finished {} ago",
                            b.name(),
                            human_duration(age)
                        ),
                    )
                };
                r.evidence("backup", b.name())
                    .evidence("status.completionTimestamp", done);
            }
            None => {
                let created = s.meta.creation_timestamp.as_ref().map(|t| t.0);
                match created.map(|c| ctx.age_secs(c)) {
                    Some(age) if age < rpo_secs && paused.is_empty() => {
                        out.unknown(
                            subject,
                            format!(
                                "no Completed backup yet, but the schedule was created only {} \
                                 ago (RPO {rpo})",
                                human_duration(age)
                            ),
                        );
                    }
                    _ => {
                        out.fail(
                            subject,
                            format!(
                                "no Completed backup of this schedule exists (label \
                                 {SCHEDULE_LABEL}={}){paused}",
                                s.name()
                            ),
                        )
                        .evidence("spec.schedule", str_at(s, "/spec/schedule").unwrap_or("?"));
                    }
                }
            }
        }
    }
    for (o, cj) in etcd_snapshot_cronjobs(store) {
        let subject = Subject::of(o);
        let last = etcd_last_success(store, o, cj);
        let suspended = if cj.spec.suspend == Some(true) {
            " (the CronJob is suspended)"
        } else {
            ""
        };
        match last {
            Some((t, from)) => {
                let age = ctx.age_secs(t);
                let r = if age > rpo_secs {
                    out.fail(
                        subject,
                        format!(
                            "newest successful etcd snapshot ({from}) finished {} ago, older \
                             than the RPO {rpo}{suspended}",
                            human_duration(age)
                        ),
                    )
                } else {
                    out.pass(
                        subject,
                        format!(
                            "newest successful etcd snapshot ({from}) finished {} ago",
                            human_duration(age)
                        ),
                    )
                };
                r.evidence("completed", t).evidence("source", from);
            }
            None => {
                let age = o
                    .meta
                    .creation_timestamp
                    .as_ref()
                    .map(|t| ctx.age_secs(t.0));
                match age {
                    Some(age) if age < rpo_secs && suspended.is_empty() => {
                        out.unknown(
                            subject,
                            format!(
                                "no successful snapshot Job yet, but the CronJob was created \
                                 only {} ago (RPO {rpo})",
                                human_duration(age)
                            ),
                        );
                    }
                    _ => {
                        out.fail(
                            subject,
                            format!(
                                "no successful etcd snapshot Job is visible and the CronJob \
                                 reports no lastSuccessfulTime{suspended}"
                            ),
                        )
                        .evidence("spec.schedule", &cj.spec.schedule);
                    }
                }
            }
        }
    }
}

// ───────────────────────────── failures ─────────────────────────────

pub static FAILURES: Check = Check {
    id: "backup/failures",
    title: "No recent backup failed",
    category: Category::Backup,
    severity: Severity::Warning,
    seeds: &["003"],
    rationale: "A Failed or PartiallyFailed backup silently leaves a gap in the recovery \
                points; partially failed ones often miss exactly the volume that matters.",
    fix: None,
    enabled_by_default: true,
    scope: Scope::Cluster { run: failures },
    reads: &["Backup"],
};

fn failures(ctx: &Ctx, out: &mut Out) {
    let window_days = ctx.config.thresholds.backup_failure_days;
    let window = window_days * 86_400;
    for b in velero(ctx.store, "Backup") {
        let Some(phase) = str_at(b, "/status/phase") else {
            continue;
        };
        let ended = ["/status/completionTimestamp", "/status/startTimestamp"]
            .iter()
            .find_map(|p| ts_at(b, p))
            .or_else(|| b.meta.creation_timestamp.as_ref().map(|t| t.0));
        let Some(ended) = ended else { continue };
        let age = ctx.age_secs(ended);
        if age > window {
            continue;
        }
        let subject = Subject::of(b);
        let errors = b.pointer("/status/errors").and_then(Value::as_i64);
        let warnings = b.pointer("/status/warnings").and_then(Value::as_i64);
        let r = match phase {
            "Completed" => out.pass(
                subject,
                format!("completed {} ago", human_duration(age.max(0))),
            ),
            "Failed" | "PartiallyFailed" | "FailedValidation" => {
                let reason = str_at(b, "/status/failureReason")
                    .map(|r| format!(": {r}"))
                    .or_else(|| {
                        b.pointer("/status/validationErrors")
                            .and_then(Value::as_array)
                            .and_then(|v| v.first())
                            .and_then(Value::as_str)
                            .map(|r| format!(": {r}"))
                    })
                    .unwrap_or_default();
                out.fail(
                    subject,
                    format!(
                        "backup ended {phase} {} ago ({} error(s), {} warning(s)){reason}",
                        human_duration(age.max(0)),
                        errors.unwrap_or(0),
                        warnings.unwrap_or(0)
                    ),
                )
            }
            _ => continue, // still running (New, InProgress, Finalizing, …)
        };
        r.evidence("status.phase", phase);
        if let Some(s) = b.label(SCHEDULE_LABEL) {
            r.evidence(SCHEDULE_LABEL, s);
        }
        if let Some(e) = errors {
            r.evidence("status.errors", e);
        }
        if let Some(w) = warnings {
            r.evidence("status.warnings", w);
        }
    }
}

// ───────────────────────────── storage-off-cluster ─────────────────────────────

pub static STORAGE_OFF_CLUSTER: Check = Check {
    id: "backup/storage-off-cluster",
    title: "Backups are stored off the cluster",
    category: Category::Backup,
    severity: Severity::Error,
    seeds: &["000", "001"],
    rationale: "A backup stored on the cluster it protects (a node's disk, an in-cluster MinIO, \
                a PVC) is lost together with the cluster; an unavailable location takes no \
                backups at all.",
    fix: None,
    enabled_by_default: true,
    scope: Scope::Cluster {
        run: storage_off_cluster,
    },
    reads: &["CustomResourceDefinition", "BackupStorageLocation"],
};

fn storage_off_cluster(ctx: &Ctx, out: &mut Out) {
    let store = ctx.store;
    if velero_installed(store).is_none() {
        return;
    }
    let mut usable: Vec<&str> = Vec::new();
    let mut total = 0;
    for bsl in velero(store, "BackupStorageLocation") {
        total += 1;
        let subject = Subject::of(bsl);
        let provider = str_at(bsl, "/spec/provider").unwrap_or("");
        let phase = str_at(bsl, "/status/phase");
        let on_cluster = on_cluster_reason(bsl);
        let r = match (&on_cluster, phase) {
            (Some(why), _) => out.fail(
                subject,
                format!("stores backups on the cluster itself: {why}"),
            ),
            (None, Some("Available")) => {
                usable.push(bsl.name());
                out.pass(
                    subject,
                    format!("Available, provider {provider} (off the cluster)"),
                )
            }
            (None, Some(p)) => out.fail(
                subject,
                format!(
                    "phase {p}: Velero cannot write backups here{}",
                    str_at(bsl, "/status/message")
                        .map(|m| format!(" ({m})"))
                        .unwrap_or_default()
                ),
            ),
            (None, None) => out.unknown(
                subject,
                "the location has no status.phase yet (Velero has not validated it)",
            ),
        };
        r.evidence("spec.provider", provider)
            .evidence("status.phase", phase.unwrap_or("<unset>"));
        if let Some(bucket) = str_at(bsl, "/spec/objectStorage/bucket") {
            r.evidence("spec.objectStorage.bucket", bucket);
        }
    }
    let subject = Subject::cluster();
    if usable.is_empty() {
        out.fail(
            subject,
            if total == 0 {
                "Velero has no BackupStorageLocation: backups have nowhere to go".to_string()
            } else {
                format!(
                    "none of the {total} BackupStorageLocation(s) is Available and off the cluster"
                )
            },
        )
        .evidence("locations", total);
    } else {
        out.pass(
            subject,
            format!(
                "{} of {total} location(s) Available off the cluster: {}",
                usable.len(),
                usable.join(", ")
            ),
        );
    }
}

// ───────────────────────────── restore-tested ─────────────────────────────

pub static RESTORE_TESTED: Check = Check {
    id: "backup/restore-tested",
    title: "A restore was tested recently",
    category: Category::Backup,
    severity: Severity::Warning,
    seeds: &["003"],
    rationale: "Untested backups might not restore: a completed restore is the only proof that \
                the backups, credentials and storage work together.",
    fix: None,
    enabled_by_default: true,
    scope: Scope::Cluster {
        run: restore_tested,
    },
    reads: &["CustomResourceDefinition", "Restore"],
};

fn restore_tested(ctx: &Ctx, out: &mut Out) {
    let store = ctx.store;
    if velero_installed(store).is_none() {
        return;
    }
    let days = ctx.config.thresholds.restore_test_days;
    let mut newest_completed: Option<(Timestamp, &ObjRef)> = None;
    let mut total = 0;
    for r in velero(store, "Restore") {
        total += 1;
        if str_at(r, "/status/phase") != Some("Completed") {
            continue;
        }
        let Some(t) = ts_at(r, "/status/completionTimestamp") else {
            continue;
        };
        if newest_completed.as_ref().is_none_or(|n| t > n.0) {
            newest_completed = Some((t, r));
        }
    }
    let subject = Subject::cluster();
    match newest_completed {
        Some((t, r)) if ctx.age_secs(t) <= days * 86_400 => {
            out.pass(
                subject,
                format!(
                    "restore {} completed {} ago",
                    r.name(),
                    human_duration(ctx.age_secs(t).max(0))
                ),
            )
            .evidence("restore", r.name())
            .evidence("status.completionTimestamp", t);
        }
        Some((t, r)) => {
            out.fail(
                subject,
                format!(
                    "the newest Completed restore ({}) is {} old, beyond {days} days: restores \
                     are not being tested",
                    r.name(),
                    human_duration(ctx.age_secs(t))
                ),
            )
            .evidence("restore", r.name())
            .evidence("status.completionTimestamp", t);
        }
        None => {
            out.fail(
                subject,
                format!(
                    "no Velero Restore has ever Completed ({total} Restore object(s)): the \
                     backups were never proven restorable"
                ),
            )
            .evidence("restores", total);
        }
    }
}

// ───────────────────────────── stateful-covered ─────────────────────────────

pub static STATEFUL_COVERED: Check = Check {
    id: "backup/stateful-covered",
    title: "Persistent volumes are backed up",
    category: Category::Backup,
    severity: Severity::Warning,
    seeds: &["004"],
    rationale: "Manifests can be recreated from Git; the data in PersistentVolumes cannot. A \
                schedule that skips a namespace or does not snapshot its volumes loses the \
                data.",
    fix: None,
    enabled_by_default: true,
    scope: Scope::Cluster {
        run: stateful_covered,
    },
    reads: &[
        "CustomResourceDefinition",
        "PersistentVolumeClaim",
        "Schedule",
        "Pod",
    ],
};

fn stateful_covered(ctx: &Ctx, out: &mut Out) {
    let store = ctx.store;
    if velero_installed(store).is_none() {
        return;
    }
    let schedules: Vec<(&ObjRef, NsFilter)> = velero(store, "Schedule")
        .filter(|s| !is_paused(s))
        .map(|s| (s, NsFilter::of_schedule(s)))
        .collect();
    let mut pvc_ns: Vec<(&str, usize)> = Vec::new();
    for pvc in store.list("PersistentVolumeClaim") {
        match pvc_ns.last_mut() {
            Some((ns, n)) if *ns == pvc.namespace() => *n += 1,
            _ => pvc_ns.push((pvc.namespace(), 1)),
        }
    }
    for (ns, count) in pvc_ns {
        if ctx.is_system_namespace(ns) {
            continue;
        }
        let subject = Subject::namespace(ns);
        let including: Vec<&(&ObjRef, NsFilter)> =
            schedules.iter().filter(|(_, f)| f.includes(ns)).collect();
        if including.is_empty() {
            out.fail(
                subject,
                format!(
                    "{count} PersistentVolumeClaim(s), but no active Velero Schedule includes \
                     this namespace"
                ),
            )
            .evidence("pvcs", count);
            continue;
        }
        let volume_schedules: Vec<(&ObjRef, &'static str)> = including
            .iter()
            .filter_map(|(s, _)| volume_method(s).map(|m| (*s, m)))
            .collect();
        let included_names: Vec<&ObjRef> = including.iter().map(|(s, _)| *s).collect();
        if let Some((s, method)) = volume_schedules.first() {
            out.pass(
                subject,
                format!(
                    "{count} PersistentVolumeClaim(s) backed up by schedule {} ({method})",
                    s.name()
                ),
            )
            .evidence("schedules", names(&included_names));
            continue;
        }
        // Per-pod opt-in to file-system backup still covers the listed volumes.
        let opted_in = store
            .list_in("Pod", ns)
            .filter(|p| p.typed::<Pod>().is_some())
            .any(|p| p.annotations().contains_key(FS_BACKUP_ANNOTATION));
        if opted_in {
            out.pass(
                subject,
                format!(
                    "schedule {} skips volume snapshots, but pods opt volumes in to file-system \
                     backup ({FS_BACKUP_ANNOTATION})",
                    included_names[0].name()
                ),
            )
            .evidence("schedules", names(&included_names));
            continue;
        }
        let r = out.fail(
            subject,
            format!(
                "{count} PersistentVolumeClaim(s): schedule(s) {} include the namespace but \
                 neither snapshot its volumes nor back them up file by file (snapshotVolumes: \
                 false, no defaultVolumesToFsBackup)",
                names(&included_names)
            ),
        );
        for s in included_names {
            r.evidence(
                &format!("schedule {}", s.name()),
                format!(
                    "snapshotVolumes={}, defaultVolumesToFsBackup={}",
                    tmpl(s, "snapshotVolumes").map_or("<unset>".into(), |v| v.to_string()),
                    tmpl(s, "defaultVolumesToFsBackup").map_or("<unset>".into(), |v| v.to_string())
                ),
            );
        }
    }
}

/// How a schedule backs up volume data, or `None` when it does not: volume
/// snapshots (`snapshotVolumes` unset or true) or file-system backup
/// (`defaultVolumesToFsBackup: true`); resource filters that drop PVCs or
/// PVs disable both.
fn volume_method(schedule: &Object) -> Option<&'static str> {
    let list = |field: &str| -> Vec<String> {
        schedule
            .pointer(&format!("/spec/template/{field}"))
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .map(str::to_ascii_lowercase)
            .collect()
    };
    let is_volume_kind = |r: &str| {
        let base = r.split('.').next().unwrap_or(r);
        matches!(
            base,
            "persistentvolumeclaims" | "persistentvolumes" | "pvc" | "pv"
        )
    };
    let included = list("includedResources");
    if !included.is_empty() && !included.iter().any(|r| r == "*" || is_volume_kind(r)) {
        return None;
    }
    if list("excludedResources").iter().any(|r| is_volume_kind(r)) {
        return None;
    }
    if tmpl(schedule, "defaultVolumesToFsBackup") == Some(true) {
        return Some("file-system backup of all volumes");
    }
    if tmpl(schedule, "snapshotVolumes") != Some(false) {
        return Some("volume snapshots");
    }
    None
}

fn tmpl(schedule: &Object, field: &str) -> Option<bool> {
    schedule
        .pointer(&format!("/spec/template/{field}"))
        .and_then(Value::as_bool)
}

// ───────────────────────────── shared helpers ─────────────────────────────

fn other_tool(store: &ClusterStore) -> Option<&'static str> {
    OTHER_TOOLS
        .iter()
        .find(|(crd, _)| {
            store
                .get_named("CustomResourceDefinition", "", crd)
                .is_some()
        })
        .map(|(_, name)| *name)
}

/// Namespaces that hold Velero's own objects (its install namespace).
fn velero_namespaces(store: &ClusterStore) -> BTreeSet<String> {
    ["Schedule", "BackupStorageLocation"]
        .into_iter()
        .flat_map(|k| velero(store, k))
        .map(|o| o.namespace().to_string())
        .collect()
}

/// Namespaces holding at least one workload object, sorted.
fn namespaces_with_workloads(store: &ClusterStore) -> BTreeSet<String> {
    WORKLOAD_KINDS
        .iter()
        .flat_map(|kind| store.namespaces_of(kind))
        .filter(|ns| !ns.is_empty())
        .map(str::to_string)
        .collect()
}

/// A Velero namespace filter (a Schedule's template, or a Backup's spec):
/// empty includes or `*` mean every namespace; excludes win; both accept
/// glob patterns (`*`, `?`, `[abc]`, `[a-z]`) as Velero ≥ 1.18 does.
#[derive(Debug, Clone)]
struct NsFilter {
    includes: Vec<String>,
    excludes: Vec<String>,
}

impl NsFilter {
    fn of_schedule(s: &Object) -> NsFilter {
        let list = |field: &str| -> Vec<String> {
            s.pointer(&format!("/spec/template/{field}"))
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect()
        };
        NsFilter {
            includes: list("includedNamespaces"),
            excludes: list("excludedNamespaces"),
        }
    }

    fn includes(&self, ns: &str) -> bool {
        if self.excludes.iter().any(|p| glob_match(p, ns)) {
            return false;
        }
        self.includes.is_empty() || self.includes.iter().any(|p| p == "*" || glob_match(p, ns))
    }

    fn describe(&self) -> String {
        let inc = if self.includes.is_empty() {
            "*".to_string()
        } else {
            self.includes.join(",")
        };
        if self.excludes.is_empty() {
            format!("includes {inc}")
        } else {
            format!("includes {inc}, excludes {}", self.excludes.join(","))
        }
    }
}

/// Shell-style glob: `*` any run, `?` one character, `[abc]`/`[a-z]` one of
/// a set; an unclosed `[` matches itself.
fn glob_match(pattern: &str, s: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let s: Vec<char> = s.chars().collect();
    glob(&p, &s)
}

fn glob(p: &[char], s: &[char]) -> bool {
    match p.first() {
        None => s.is_empty(),
        Some('*') => (0..=s.len()).any(|i| glob(&p[1..], &s[i..])),
        Some('?') => !s.is_empty() && glob(&p[1..], &s[1..]),
        Some('[') => match p.iter().position(|c| *c == ']').filter(|&i| i > 1) {
            Some(close) => {
                let Some(&c) = s.first() else { return false };
                let set = &p[1..close];
                let mut hit = false;
                let mut i = 0;
                while i < set.len() {
                    if i + 2 < set.len() && set[i + 1] == '-' {
                        hit |= set[i] <= c && c <= set[i + 2];
                        i += 3;
                    } else {
                        hit |= set[i] == c;
                        i += 1;
                    }
                }
                hit && glob(&p[close + 1..], &s[1..])
            }
            None => s.first() == Some(&'[') && glob(&p[1..], &s[1..]),
        },
        Some(c) => s.first() == Some(c) && glob(&p[1..], &s[1..]),
    }
}

fn names(objs: &[&ObjRef]) -> String {
    objs.iter().map(|o| o.name()).collect::<Vec<_>>().join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs() {
        assert!(glob_match("app-*", "app-prod"));
        assert!(!glob_match("app-*", "web-prod"));
        assert!(glob_match("ns?", "ns1"));
        assert!(!glob_match("ns?", "ns10"));
        assert!(glob_match("ns[123]", "ns2"));
        assert!(glob_match("ns[a-c]", "nsb"));
        assert!(!glob_match("ns[a-c]", "nsd"));
        assert!(glob_match("shop", "shop"));
        assert!(!glob_match("shop", "shop2"));
    }
}
