//! Velero and etcd-snapshot state that the backup checks and the Backups
//! pane both read: which objects there are, each schedule's newest
//! completed backup, whether a schedule is paused, where a storage
//! location writes. Facts only; what passes is the checks' to decide.

use std::collections::HashMap;

use k8s_openapi::api::batch::v1::{CronJob, Job};
use k8s_openapi::jiff::Timestamp;
use serde_json::Value;

use crate::model::workload::Workload;
use crate::model::{ObjRef, Object};
use crate::store::ClusterStore;

const VELERO_GROUP: &str = "velero.io";
/// The label Velero puts on the backups a Schedule creates.
pub const SCHEDULE_LABEL: &str = "velero.io/schedule-name";

/// Velero objects of one kind (`Backup`, `Schedule`, …), any namespace.
pub fn velero<'a>(store: &'a ClusterStore, kind: &'a str) -> impl Iterator<Item = &'a ObjRef> {
    store.list(kind).filter(|o| {
        o.api_version
            .rsplit_once('/')
            .is_some_and(|(g, _)| g == VELERO_GROUP)
    })
}

/// The newest Completed backup of each schedule, keyed by (namespace,
/// schedule name) from the `velero.io/schedule-name` label.
pub fn newest_completed(store: &ClusterStore) -> HashMap<(&str, &str), (Timestamp, &ObjRef)> {
    let mut newest: HashMap<(&str, &str), (Timestamp, &ObjRef)> = HashMap::new();
    for b in velero(store, "Backup") {
        let Some(schedule) = b.label(SCHEDULE_LABEL) else {
            continue;
        };
        if str_at(b, "/status/phase") != Some("Completed") {
            continue;
        }
        let Some(done) = ts_at(b, "/status/completionTimestamp") else {
            continue;
        };
        let e = newest.entry((b.namespace(), schedule)).or_insert((done, b));
        if done > e.0 {
            *e = (done, b);
        }
    }
    newest
}

/// The newest successful etcd snapshot of a CronJob: its
/// `status.lastSuccessfulTime` or a succeeded child Job's completion time,
/// whichever is newer, with where it came from.
pub fn etcd_last_success(
    store: &ClusterStore,
    o: &ObjRef,
    cj: &CronJob,
) -> Option<(Timestamp, String)> {
    let mut last: Option<(Timestamp, String)> = cj
        .status
        .as_ref()
        .and_then(|s| s.last_successful_time.as_ref())
        .map(|t| (t.0, "status.lastSuccessfulTime".to_string()));
    for child in store.children_of(&o.key) {
        let Some(job) = child.typed::<Job>() else {
            continue;
        };
        let Some(st) = &job.status else { continue };
        if st.succeeded.unwrap_or(0) < 1 {
            continue;
        }
        if let Some(t) = &st.completion_time
            && last.as_ref().is_none_or(|l| t.0 > l.0)
        {
            last = Some((t.0, format!("Job {}", child.name())));
        }
    }
    last
}

/// How Velero shows itself, when it is installed: its CRD, or its objects.
pub fn velero_installed(store: &ClusterStore) -> Option<String> {
    if store
        .get_named("CustomResourceDefinition", "", "backups.velero.io")
        .is_some()
    {
        return Some("Velero (CRD backups.velero.io)".into());
    }
    ["Backup", "Schedule", "BackupStorageLocation", "Restore"]
        .into_iter()
        .find_map(|k| velero(store, k).next().map(|o| (k, o)))
        .map(|(k, o)| format!("Velero ({k} {}/{})", o.namespace(), o.name()))
}

/// CronJobs whose containers run `etcdctl … snapshot save`.
pub fn etcd_snapshot_cronjobs(store: &ClusterStore) -> Vec<(&ObjRef, &CronJob)> {
    store
        .typed::<CronJob>()
        .filter(|(o, _)| {
            Workload::of(o).is_some_and(|w| {
                w.containers().any(|c| {
                    let line = c
                        .command
                        .iter()
                        .flatten()
                        .chain(c.args.iter().flatten())
                        .flat_map(|s| s.split_whitespace())
                        .collect::<Vec<_>>()
                        .join(" ");
                    line.contains("etcdctl") && line.contains("snapshot save")
                })
            })
        })
        .collect()
}

pub fn is_paused(schedule: &Object) -> bool {
    schedule
        .pointer("/spec/paused")
        .and_then(Value::as_bool)
        .unwrap_or(false)
}

pub fn str_at<'a>(obj: &'a Object, ptr: &str) -> Option<&'a str> {
    obj.pointer(ptr).and_then(Value::as_str)
}

pub fn ts_at(obj: &Object, ptr: &str) -> Option<Timestamp> {
    str_at(obj, ptr)?.parse().ok()
}

/// Why a location stores on the cluster it backs up, if it does: a hostPath
/// or local provider, a PVC provider, or an object store URL naming an
/// in-cluster Service (an in-cluster MinIO).
pub fn on_cluster_reason(bsl: &Object) -> Option<String> {
    let provider = str_at(bsl, "/spec/provider")
        .unwrap_or("")
        .to_ascii_lowercase();
    let last = provider.rsplit('/').next().unwrap_or("");
    if provider.contains("hostpath") || last == "local" || last == "filesystem" {
        return Some(format!("provider {provider} writes to a node's filesystem"));
    }
    if last == "pvc" {
        return Some(format!(
            "provider {provider} writes to a PersistentVolumeClaim"
        ));
    }
    for key in ["s3Url", "url", "endpoint"] {
        let Some(url) = str_at(bsl, &format!("/spec/config/{key}")) else {
            continue;
        };
        let host = url
            .split_once("://")
            .map_or(url, |(_, rest)| rest)
            .split(['/', ':'])
            .next()
            .unwrap_or("")
            .to_ascii_lowercase();
        let in_cluster = host.ends_with(".svc")
            || host.ends_with(".cluster.local")
            || host.contains(".svc.")
            || host == "localhost"
            || host.starts_with("127.")
            || (!host.is_empty() && !host.contains('.'));
        if in_cluster {
            return Some(format!(
                "spec.config.{key} {url} points at a Service inside the cluster"
            ));
        }
    }
    None
}
