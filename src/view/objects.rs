//! Objects as kubectl lists them (the resource browser's columns) and how
//! they relate (owners, owned objects, a Service's pods, a node's pods, an
//! object's events). Pure reads of the store.

use k8s_openapi::api::core::v1::{Event as KubeEvent, Node, Service};
use k8s_openapi::jiff::Timestamp;

use super::duration::age;
use crate::model::pod::Pod;
use crate::model::{ObjKey, ObjRef, Object, selector};
use crate::store::ClusterStore;

/// `:po`, `:deploy`, … → the kind label they list (k9s's and kubectl's
/// short names and plurals).
pub const ALIASES: &[(&str, &str)] = &[
    ("po", "Pod"),
    ("pod", "Pod"),
    ("pods", "Pod"),
    ("deploy", "Deployment"),
    ("deployments", "Deployment"),
    ("sts", "StatefulSet"),
    ("ds", "DaemonSet"),
    ("rs", "ReplicaSet"),
    ("svc", "Service"),
    ("services", "Service"),
    ("no", "Node"),
    ("nodes", "Node"),
    ("namespaces", "Namespace"),
    ("ev", "Event"),
    ("events", "Event"),
    ("hpa", "HorizontalPodAutoscaler"),
    ("pdb", "PodDisruptionBudget"),
    ("quota", "ResourceQuota"),
    ("limits", "LimitRange"),
    ("sa", "ServiceAccount"),
    ("rb", "RoleBinding"),
    ("crb", "ClusterRoleBinding"),
    ("role", "Role"),
    ("roles", "Role"),
    ("cr", "ClusterRole"),
    ("jobs", "Job"),
    ("job", "Job"),
    ("cj", "CronJob"),
    ("cm", "ConfigMap"),
    ("secret", "Secret"),
    ("secrets", "Secret"),
    ("pvc", "PersistentVolumeClaim"),
    ("pv", "PersistentVolume"),
    ("ing", "Ingress"),
    ("netpol", "NetworkPolicy"),
    ("sc", "StorageClass"),
    ("pc", "PriorityClass"),
];

/// The kind label `word` names: an alias, or a kind in the store by its
/// label, its kind name or its plural (any case).
pub fn kind_named(store: &ClusterStore, word: &str) -> Option<String> {
    if let Some((_, kind)) = ALIASES.iter().find(|(a, _)| *a == word) {
        return Some(kind.to_string());
    }
    let w = word.to_ascii_lowercase();
    store.kinds().into_iter().find(|label| {
        let l = label.to_ascii_lowercase();
        let kind = l.split('.').next().unwrap_or(&l);
        l == w || kind == w || format!("{kind}s") == w || format!("{kind}es") == w
    })
}

/// The columns kubectl shows for a kind (NAMESPACE first when namespaced).
pub fn columns(kind: &str) -> &'static [&'static str] {
    match kind {
        "Pod" => &[
            "NAMESPACE",
            "NAME",
            "READY",
            "STATUS",
            "RESTARTS",
            "NODE",
            "AGE",
        ],
        "Deployment" => &[
            "NAMESPACE",
            "NAME",
            "READY",
            "UP-TO-DATE",
            "AVAILABLE",
            "AGE",
        ],
        "StatefulSet" | "ReplicaSet" => &["NAMESPACE", "NAME", "READY", "AGE"],
        "DaemonSet" => &["NAMESPACE", "NAME", "DESIRED", "READY", "AVAILABLE", "AGE"],
        "Service" => &["NAMESPACE", "NAME", "TYPE", "CLUSTER-IP", "PORTS", "AGE"],
        "Node" => &["NAME", "STATUS", "ROLES", "AGE", "VERSION"],
        "Namespace" => &["NAME", "STATUS", "AGE"],
        "Event" => &[
            "NAMESPACE",
            "LAST SEEN",
            "TYPE",
            "REASON",
            "OBJECT",
            "MESSAGE",
        ],
        "HorizontalPodAutoscaler" => &[
            "NAMESPACE",
            "NAME",
            "REFERENCE",
            "MINPODS",
            "MAXPODS",
            "REPLICAS",
            "AGE",
        ],
        "PodDisruptionBudget" => &[
            "NAMESPACE",
            "NAME",
            "MIN AVAILABLE",
            "MAX UNAVAILABLE",
            "ALLOWED DISRUPTIONS",
            "AGE",
        ],
        "RoleBinding" => &["NAMESPACE", "NAME", "ROLE", "AGE"],
        "ClusterRoleBinding" => &["NAME", "ROLE", "AGE"],
        _ => &["NAMESPACE", "NAME", "AGE"],
    }
}

/// One object's cells under `columns(kind)`.
pub fn cells(obj: &Object, now: Timestamp) -> Vec<String> {
    let ns = obj.namespace().to_string();
    let name = obj.name().to_string();
    let created = obj.meta.creation_timestamp.as_ref().map(|t| t.0);
    let age_text = created.map_or("-".to_string(), |t| age(now, t));
    let num = |p: &str| {
        json(obj)
            .and_then(|v| v.pointer(p).cloned())
            .map_or("-".to_string(), |v| match v {
                serde_json::Value::String(s) => s,
                other => other.to_string(),
            })
    };
    let int = |p: &str| {
        json(obj)
            .and_then(|v| v.pointer(p).and_then(|v| v.as_i64()))
            .unwrap_or(0)
    };
    match obj.key.kind.as_str() {
        "Pod" => {
            let s = pod_summary(obj);
            vec![
                ns,
                name,
                s.ready,
                s.status,
                s.restarts.to_string(),
                s.node.unwrap_or_else(|| "-".into()),
                age_text,
            ]
        }
        "Deployment" => vec![
            ns,
            name,
            format!("{}/{}", int("/status/readyReplicas"), int("/spec/replicas")),
            int("/status/updatedReplicas").to_string(),
            int("/status/availableReplicas").to_string(),
            age_text,
        ],
        "StatefulSet" | "ReplicaSet" => vec![
            ns,
            name,
            format!("{}/{}", int("/status/readyReplicas"), int("/spec/replicas")),
            age_text,
        ],
        "DaemonSet" => vec![
            ns,
            name,
            int("/status/desiredNumberScheduled").to_string(),
            int("/status/numberReady").to_string(),
            int("/status/numberAvailable").to_string(),
            age_text,
        ],
        "Service" => {
            let svc = obj.typed::<Service>().and_then(|s| s.spec.as_ref());
            let ports = svc
                .and_then(|s| s.ports.as_ref())
                .map(|ps| {
                    ps.iter()
                        .map(|p| format!("{}/{}", p.port, p.protocol.as_deref().unwrap_or("TCP")))
                        .collect::<Vec<_>>()
                        .join(",")
                })
                .unwrap_or_else(|| "-".into());
            vec![
                ns,
                name,
                svc.and_then(|s| s.type_.clone())
                    .unwrap_or_else(|| "ClusterIP".into()),
                svc.and_then(|s| s.cluster_ip.clone())
                    .unwrap_or_else(|| "-".into()),
                ports,
                age_text,
            ]
        }
        "Node" => {
            let roles: Vec<&str> = obj
                .labels()
                .keys()
                .filter_map(|k| k.strip_prefix("node-role.kubernetes.io/"))
                .collect();
            vec![
                name,
                node_status(obj),
                if roles.is_empty() {
                    "<none>".into()
                } else {
                    roles.join(",")
                },
                age_text,
                num("/status/nodeInfo/kubeletVersion"),
            ]
        }
        "Namespace" => vec![name, num("/status/phase"), age_text],
        "Event" => {
            let e = obj.typed::<KubeEvent>();
            let seen = e.and_then(event_time).map_or("-".into(), |t| age(now, t));
            let o = e.map(|e| &e.involved_object);
            vec![
                ns,
                seen,
                e.and_then(|e| e.type_.clone()).unwrap_or_default(),
                e.and_then(|e| e.reason.clone()).unwrap_or_default(),
                o.map(|o| {
                    format!(
                        "{}/{}",
                        o.kind.as_deref().unwrap_or("").to_ascii_lowercase(),
                        o.name.as_deref().unwrap_or("")
                    )
                })
                .unwrap_or_default(),
                e.and_then(|e| e.message.clone()).unwrap_or_default(),
            ]
        }
        "HorizontalPodAutoscaler" => vec![
            ns,
            name,
            format!(
                "{}/{}",
                num("/spec/scaleTargetRef/kind"),
                num("/spec/scaleTargetRef/name")
            ),
            num("/spec/minReplicas"),
            num("/spec/maxReplicas"),
            num("/status/currentReplicas"),
            age_text,
        ],
        "PodDisruptionBudget" => vec![
            ns,
            name,
            num("/spec/minAvailable"),
            num("/spec/maxUnavailable"),
            num("/status/disruptionsAllowed"),
            age_text,
        ],
        "RoleBinding" => vec![
            ns,
            name,
            format!("{}/{}", num("/roleRef/kind"), num("/roleRef/name")),
            age_text,
        ],
        "ClusterRoleBinding" => vec![
            name,
            format!("{}/{}", num("/roleRef/kind"), num("/roleRef/name")),
            age_text,
        ],
        _ => vec![ns, name, age_text],
    }
}

/// The object as JSON (typed bodies serialised; a dynamic one as it is).
fn json(obj: &Object) -> Option<std::borrow::Cow<'_, serde_json::Value>> {
    match obj.dynamic() {
        Some(v) => Some(std::borrow::Cow::Borrowed(v)),
        None => crate::model::kinds::to_json(&obj.body).map(std::borrow::Cow::Owned),
    }
}

/// What `kubectl get pods` says of a pod.
#[derive(Debug, Clone, PartialEq)]
pub struct PodSummary {
    pub ready: String,
    /// The phase, or the reason a container waits or ended with
    /// (`CrashLoopBackOff`, `OOMKilled`), or `Terminating`.
    pub status: String,
    pub restarts: i64,
    pub node: Option<String>,
}

pub fn pod_summary(obj: &Object) -> PodSummary {
    let pod = obj.typed::<Pod>();
    let statuses = pod
        .and_then(|p| p.status.as_ref())
        .and_then(|s| s.container_statuses.as_deref())
        .unwrap_or(&[]);
    let containers = pod
        .and_then(|p| p.spec.as_ref())
        .map_or(statuses.len(), |s| s.containers.len());
    let ready = statuses.iter().filter(|c| c.ready).count();
    let phase = pod
        .and_then(|p| p.status.as_ref())
        .and_then(|s| s.phase.clone())
        .unwrap_or_else(|| "Unknown".into());
    // kubectl: a waiting or terminated container's reason wins over the phase.
    let reason = statuses.iter().find_map(|c| {
        let st = c.state.as_deref()?;
        st.waiting
            .as_ref()
            .and_then(|w| w.reason.clone())
            .or_else(|| st.terminated.as_ref().and_then(|t| t.reason.clone()))
    });
    let status = if obj.meta.deletion_timestamp.is_some() {
        "Terminating".to_string()
    } else {
        reason.unwrap_or(phase)
    };
    PodSummary {
        ready: format!("{ready}/{containers}"),
        status,
        restarts: statuses.iter().map(|c| c.restart_count as i64).sum(),
        node: pod
            .and_then(|p| p.spec.as_ref())
            .and_then(|s| s.node_name.clone()),
    }
}

/// `Ready`, `NotReady` or `Unknown`, and `SchedulingDisabled` when cordoned.
pub fn node_status(obj: &Object) -> String {
    let node = obj.typed::<Node>();
    let ready = node
        .and_then(|n| n.status.as_ref())
        .and_then(|s| s.conditions.as_ref())
        .and_then(|cs| cs.iter().find(|c| c.type_ == "Ready"))
        .map(|c| c.status.as_str());
    let mut s = match ready {
        Some("True") => "Ready".to_string(),
        Some("False") => "NotReady".to_string(),
        _ => "Unknown".to_string(),
    };
    if node
        .and_then(|n| n.spec.as_ref())
        .and_then(|s| s.unschedulable)
        .unwrap_or(false)
    {
        s.push_str(",SchedulingDisabled");
    }
    s
}

/// When an event last happened.
pub fn event_time(e: &KubeEvent) -> Option<Timestamp> {
    e.last_timestamp
        .as_ref()
        .map(|t| t.0)
        .or_else(|| e.event_time.as_ref().map(|t| t.0))
        .or_else(|| e.first_timestamp.as_ref().map(|t| t.0))
}

/// The owner chain upward (controller references in the store), nearest
/// first.
pub fn owners<'a>(store: &'a ClusterStore, obj: &'a Object) -> Vec<&'a ObjRef> {
    let mut out: Vec<&ObjRef> = Vec::new();
    let mut cur = obj.controller_key();
    while let Some(key) = cur {
        let Some(owner) = store.get(&key) else { break };
        if out.iter().any(|o| o.key == owner.key) || out.len() >= 8 {
            break; // a cycle in hostile input
        }
        out.push(owner);
        cur = owner.controller_key();
    }
    out
}

/// The pods an object stands for: a workload's pods (through its
/// ReplicaSets or Jobs), a Service's selected pods, a node's pods, a pod
/// itself.
pub fn pods_for<'a>(store: &'a ClusterStore, obj: &'a ObjRef) -> Vec<&'a ObjRef> {
    let mut pods: Vec<&ObjRef> = match obj.key.kind.as_str() {
        "Pod" => vec![obj],
        "Node" => store.pods_on(obj.name()).collect(),
        "Service" => {
            let sel = obj
                .typed::<Service>()
                .and_then(|s| s.spec.as_ref())
                .and_then(|s| s.selector.as_ref());
            match sel {
                Some(sel) if !sel.is_empty() => store
                    .list_in("Pod", obj.namespace())
                    .filter(|p| selector::matches_map(sel, p.labels()))
                    .collect(),
                _ => Vec::new(),
            }
        }
        _ => store.pods_of(obj),
    };
    pods.sort_by(|a, b| a.key.cmp(&b.key));
    pods
}

/// The events about `key` (and, for `also`, about those objects), newest
/// first.
pub fn events_about<'a>(
    store: &'a ClusterStore,
    keys: &[&ObjKey],
) -> Vec<(&'a ObjRef, &'a KubeEvent)> {
    let mut out: Vec<(&ObjRef, &KubeEvent)> = store
        .typed::<KubeEvent>()
        .filter(|(_, e)| {
            let o = &e.involved_object;
            keys.iter().any(|k| {
                o.kind.as_deref() == Some(k.kind.as_str())
                    && o.name.as_deref() == Some(k.name.as_str())
                    && o.namespace.as_deref().unwrap_or("") == k.namespace.as_str()
            })
        })
        .collect();
    out.sort_by_key(|(_, e)| std::cmp::Reverse(event_time(e)));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    /// The store's own test helper: a store of one YAML text.
    use crate::store::tests::store;

    #[test]
    fn a_crash_looping_pod_reads_as_kubectl_shows_it() {
        let s = store(
            "apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: a}\n\
             spec: {nodeName: n1, containers: [{name: c, image: x}, {name: d, image: 'yy'}]}\n\
             status:\n  phase: Running\n  containerStatuses:\n\
             \x20 - {name: c, ready: false, restartCount: 7, image: x, imageID: '', \
             state: {waiting: {reason: CrashLoopBackOff}}}\n\
             \x20 - {name: d, ready: true, restartCount: 1, image: 'yy', imageID: '', \
             state: {running: {}}}\n",
        );
        let p = s.get_named("Pod", "a", "p").unwrap();
        assert_eq!(
            pod_summary(p),
            PodSummary {
                ready: "1/2".into(),
                status: "CrashLoopBackOff".into(),
                restarts: 8,
                node: Some("n1".into()),
            }
        );
    }

    #[test]
    fn a_service_selects_its_pods_and_aliases_name_kinds() {
        let s = store(
            "apiVersion: v1\nkind: Service\nmetadata: {name: web, namespace: a}\n\
             spec: {selector: {app: web}}\n---\n\
             apiVersion: v1\nkind: Pod\nmetadata: {name: w1, namespace: a, labels: {app: web}}\n---\n\
             apiVersion: v1\nkind: Pod\nmetadata: {name: w2, namespace: b, labels: {app: web}}\n---\n\
             apiVersion: v1\nkind: Pod\nmetadata: {name: o, namespace: a, labels: {app: other}}\n",
        );
        let svc = s.get_named("Service", "a", "web").unwrap();
        let names: Vec<&str> = pods_for(&s, svc).iter().map(|p| p.name()).collect();
        assert_eq!(names, vec!["w1"], "same namespace, matching labels only");
        assert_eq!(kind_named(&s, "po").as_deref(), Some("Pod"));
        assert_eq!(kind_named(&s, "services").as_deref(), Some("Service"));
        assert_eq!(kind_named(&s, "Service").as_deref(), Some("Service"));
        assert_eq!(kind_named(&s, "nosuch"), None);
    }
}
