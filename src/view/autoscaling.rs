//! What the autoscalers say about themselves: the cluster-autoscaler status
//! ConfigMap (YAML and text forms), Karpenter NodePools, and the JSON
//! quantities their status fields hold. The autoscaling checks judge it; the
//! Autoscaling pane shows it.

use std::collections::BTreeMap;

use k8s_openapi::api::autoscaling::v2::HorizontalPodAutoscalerCondition;
use serde_json::Value;

use crate::model::{ObjRef, Object, quantity};
use crate::store::ClusterStore;

/// The ConfigMap cluster-autoscaler (self-run, GKE or AKS) writes its status to.
pub const STATUS_CONFIGMAP: &str = "cluster-autoscaler-status";

/// One node group of the status ConfigMap.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct GroupStatus {
    pub name: String,
    pub health: Option<String>,
    pub scale_up: Option<String>,
    pub backoff: Option<String>,
    pub target: Option<i64>,
    pub registered: Option<i64>,
    pub min: Option<i64>,
    pub max: Option<i64>,
    /// The newest scale-up/scale-down transition (`lastTransitionTime`), as written.
    pub last_activity: Option<String>,
}

/// The status ConfigMap, read: cluster-wide state and node groups.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct CaStatus {
    pub format: &'static str,
    pub cluster_health: Option<String>,
    pub cluster_scale_up: Option<String>,
    pub groups: Vec<GroupStatus>,
}

/// Whether an HPA condition says it cannot act: AbleToScale or
/// ScalingActive False.
pub fn hpa_cannot_act(c: &HorizontalPodAutoscalerCondition) -> bool {
    matches!(c.type_.as_str(), "ScalingActive" | "AbleToScale") && c.status == "False"
}

/// Whether an HPA that cannot act is held on purpose rather than broken:
/// ScalingActive=False/ScalingDisabled (the target was scaled to 0 on
/// purpose) and AbleToScale=False/Backoff* (the cooldown right after a
/// scale event).
pub fn hpa_held_on_purpose(c: &HorizontalPodAutoscalerCondition) -> bool {
    matches!(
        c.reason.as_deref(),
        Some("ScalingDisabled" | "BackoffBoth" | "BackoffDownscale" | "BackoffUpscale")
    )
}

/// Whether an HPA runs at its maxReplicas (`autoscaling/hpa-at-max`; the
/// Autoscaling pane's AT MAX).
pub fn at_max_replicas(current_replicas: i32, max_replicas: i32) -> bool {
    current_replicas >= max_replicas
}

/// Whether a node group of `size` nodes is at its `max` (a max of 0 bounds
/// nothing): `autoscaling/node-group-at-max` and the Autoscaling pane agree.
pub fn group_at_max(size: i64, max: i64) -> bool {
    max > 0 && size >= max
}

/// Parses `data.status` of the cluster-autoscaler status ConfigMap: the YAML
/// form (cluster-autoscaler ≥ 1.30: `autoscalerStatus`, `clusterWide`,
/// `nodeGroups`) or the older human-readable text form.
pub fn parse_ca_status(text: &str) -> Option<CaStatus> {
    if let Ok(v) = serde_saphyr::from_str::<Value>(text)
        && ["nodeGroups", "clusterWide", "autoscalerStatus"]
            .iter()
            .any(|k| v.get(k).is_some())
    {
        return Some(parse_yaml_status(&v));
    }
    parse_text_status(text)
}

fn parse_yaml_status(v: &Value) -> CaStatus {
    let s = |v: &Value, p: &str| v.pointer(p).and_then(Value::as_str).map(str::to_string);
    let n = |v: &Value, p: &str| {
        v.pointer(p)
            .and_then(|x| x.as_i64().or_else(|| x.as_str()?.trim().parse().ok()))
    };
    let groups = v
        .get("nodeGroups")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .map(|g| GroupStatus {
            name: s(g, "/name").unwrap_or_else(|| "<unnamed>".into()),
            health: s(g, "/health/status"),
            scale_up: s(g, "/scaleUp/status"),
            backoff: {
                let code = s(g, "/scaleUp/backoffInfo/errorCode");
                let msg = s(g, "/scaleUp/backoffInfo/errorMessage");
                match (code, msg) {
                    (Some(c), Some(m)) => Some(format!("{c}: {m}")),
                    (c, m) => c.or(m),
                }
            },
            target: n(g, "/health/cloudProviderTarget"),
            registered: n(g, "/health/nodeCounts/registered/total"),
            min: n(g, "/health/minSize"),
            max: n(g, "/health/maxSize"),
            last_activity: s(g, "/scaleUp/lastTransitionTime")
                .into_iter()
                .chain(s(g, "/scaleDown/lastTransitionTime"))
                .max(),
        })
        .collect();
    CaStatus {
        format: "yaml",
        cluster_health: s(v, "/clusterWide/health/status"),
        cluster_scale_up: s(v, "/clusterWide/scaleUp/status"),
        groups,
    }
}

/// The text form:
/// ```text
/// Cluster-wide:
///   Health:      Healthy (ready=3 unready=0 ... registered=3 longUnregistered=0)
///   ScaleUp:     NoActivity (ready=3 registered=3)
/// NodeGroups:
///   Name:        ng-1
///   Health:      Healthy (ready=3 ... cloudProviderTarget=5 (minSize=1, maxSize=5))
///   ScaleUp:     Backoff (ready=3 cloudProviderTarget=5)
/// ```
fn parse_text_status(text: &str) -> Option<CaStatus> {
    #[derive(PartialEq)]
    enum Section {
        None,
        Cluster,
        Groups,
    }
    let mut st = CaStatus {
        format: "text",
        ..Default::default()
    };
    let mut section = Section::None;
    // The group status line a `LastTransitionTime:` line belongs to.
    let mut activity = false;
    for line in text.lines() {
        let t = line.trim();
        if t.starts_with("Cluster-wide:") {
            section = Section::Cluster;
            continue;
        }
        if t.starts_with("NodeGroups:") {
            section = Section::Groups;
            continue;
        }
        let Some((key, rest)) = t.split_once(':') else {
            continue;
        };
        let rest = rest.trim();
        let word = rest.split_whitespace().next().map(str::to_string);
        if matches!(key, "Name" | "Health" | "ScaleUp" | "ScaleDown") {
            activity = matches!(key, "ScaleUp" | "ScaleDown");
        }
        match (&section, key) {
            (Section::Groups, "Name") => st.groups.push(GroupStatus {
                name: rest.to_string(),
                ..Default::default()
            }),
            (Section::Cluster, "Health") => st.cluster_health = word,
            (Section::Cluster, "ScaleUp") => st.cluster_scale_up = word,
            (Section::Groups, "Health") => {
                if let Some(g) = st.groups.last_mut() {
                    let kv = key_values(rest);
                    g.health = word;
                    g.target = kv.get("cloudProviderTarget").copied();
                    g.registered = kv.get("registered").copied();
                    g.min = kv.get("minSize").copied();
                    g.max = kv.get("maxSize").copied();
                }
            }
            (Section::Groups, "ScaleUp") => {
                if let Some(g) = st.groups.last_mut() {
                    g.scale_up = word;
                }
            }
            (Section::Groups, "LastTransitionTime") => {
                if activity
                    && let Some(g) = st.groups.last_mut()
                    && g.last_activity.as_deref().is_none_or(|t| t < rest)
                {
                    g.last_activity = Some(rest.to_string());
                }
            }
            _ => {}
        }
    }
    (section != Section::None).then_some(st)
}

/// `key=number` pairs of a status line, ignoring the parentheses and commas
/// around them: `(ready=3 unready=0 (resourceUnready=0) ... (minSize=1, maxSize=5))`.
fn key_values(s: &str) -> BTreeMap<&str, i64> {
    s.split_whitespace()
        .filter_map(|tok| {
            let tok = tok.trim_matches(|c| c == '(' || c == ')' || c == ',');
            let (k, v) = tok.split_once('=')?;
            Some((k, v.trim_matches(|c| c == ')' || c == ',').parse().ok()?))
        })
        .collect()
}

/// The API group of an object (`""` for the core group).
pub fn api_group(obj: &Object) -> &str {
    obj.api_version.rsplit_once('/').map_or("", |(g, _)| g)
}

/// Karpenter NodePools (`karpenter.sh`; other APIs also have a `NodePool` kind).
pub fn karpenter_nodepools(store: &ClusterStore) -> impl Iterator<Item = &ObjRef> {
    store
        .list("NodePool")
        .filter(|o| api_group(o) == "karpenter.sh")
}

/// The cluster-autoscaler status ConfigMaps, in any namespace.
pub fn status_configmaps(store: &ClusterStore) -> impl Iterator<Item = &ObjRef> {
    store
        .list("ConfigMap")
        .filter(|o| o.name() == STATUS_CONFIGMAP)
}

/// A quantity held as a JSON string or number, in base units.
pub fn quantity_value(v: &Value) -> Option<f64> {
    match v {
        Value::String(s) => quantity::parse(s).ok(),
        Value::Number(n) => n.as_f64(),
        _ => None,
    }
}

/// A JSON value as text: a string as it is, anything else as JSON.
pub fn value_str(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn at_max_and_held_hpas() {
        assert!(group_at_max(5, 5) && group_at_max(6, 5));
        assert!(!group_at_max(4, 5) && !group_at_max(3, 0));
        assert!(at_max_replicas(10, 10) && !at_max_replicas(9, 10));
        let cond = |type_: &str, status: &str, reason: &str| HorizontalPodAutoscalerCondition {
            type_: type_.into(),
            status: status.into(),
            reason: Some(reason.into()),
            ..Default::default()
        };
        let broken = cond("ScalingActive", "False", "FailedGetResourceMetric");
        assert!(hpa_cannot_act(&broken) && !hpa_held_on_purpose(&broken));
        let cooling = cond("AbleToScale", "False", "BackoffBoth");
        assert!(hpa_cannot_act(&cooling) && hpa_held_on_purpose(&cooling));
        assert!(!hpa_cannot_act(&cond(
            "ScalingLimited",
            "True",
            "TooManyReplicas"
        )));
    }

    #[test]
    fn text_status_last_activity() {
        let st = parse_text_status(
            "Cluster-wide:\n  Health: Healthy (ready=3)\n  ScaleUp: NoActivity (ready=3)\n\
             NodeGroups:\n  Name: ng-1\n  Health: Healthy (ready=3 cloudProviderTarget=3 (minSize=1, maxSize=5))\n\
             \x20   LastProbeTime: 2026-11-20 09:29:52 +0000 UTC\n\
             \x20   LastTransitionTime: 2026-11-19 01:00:00 +0000 UTC\n\
             \x20 ScaleUp: NoActivity (ready=3 cloudProviderTarget=3)\n\
             \x20   LastTransitionTime: 2026-11-17 03:13:20 +0000 UTC\n\
             \x20 ScaleDown: NoCandidates (candidates=0)\n\
             \x20   LastTransitionTime: 2026-11-18 04:00:00 +0000 UTC\n",
        )
        .expect("text form");
        let g = &st.groups[0];
        assert_eq!((g.min, g.max, g.target), (Some(1), Some(5), Some(3)));
        // The health transition is not scaling activity.
        assert_eq!(
            g.last_activity.as_deref(),
            Some("2026-11-18 04:00:00 +0000 UTC")
        );
    }

    #[test]
    fn text_status_key_values() {
        let kv = key_values(
            "Healthy (ready=4 unready=0 (resourceUnready=0) notStarted=0 registered=4 \
             cloudProviderTarget=4 (minSize=3, maxSize=10))",
        );
        assert_eq!(kv.get("cloudProviderTarget"), Some(&4));
        assert_eq!(kv.get("minSize"), Some(&3));
        assert_eq!(kv.get("maxSize"), Some(&10));
        assert_eq!(kv.get("resourceUnready"), Some(&0));
    }
}
