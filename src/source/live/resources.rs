//! Which API resources to watch: every kind the check catalog reads (typed
//! kinds in their home group; the others — Velero, Karpenter, VPA,
//! trivy-operator, Prometheus operator, Argo/Flux … — in whichever group
//! discovery shows them), if the server serves it with list and watch.

use std::collections::BTreeSet;

use kube::Client;
use kube::discovery::{ApiCapabilities, ApiResource, Discovery, Scope, verbs};

use crate::model::KindLabel;
use crate::model::kinds;

/// Kinds a check reads that are not API resources to watch: kubelet
/// settings come from each node's `/configz`, pod metrics are polled.
const NOT_WATCHED: &[&str] = &["KubeletConfiguration", "PodMetrics"];

/// The one API that is polled: metrics.k8s.io cannot be watched.
pub const METRICS: (&str, &str) = ("PodMetrics", "metrics.k8s.io");

/// One resource to watch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Watched {
    pub resource: ApiResource,
    pub namespaced: bool,
    /// Secrets: only their metadata is ever requested.
    pub metadata_only: bool,
}

impl Watched {
    /// `Kind` or `Kind.group`, as the store labels it.
    pub fn label(&self) -> String {
        kinds::label(&self.resource.kind, &self.resource.group).into_owned()
    }
}

/// The kind labels to look for: the typed kinds and `read` (what the
/// checks read), but for those that are not watched.
pub fn wanted<'a>(read: impl IntoIterator<Item = &'a str>) -> BTreeSet<String> {
    let mut out: BTreeSet<String> = kinds::TYPED.iter().map(|k| k.to_string()).collect();
    out.extend(
        read.into_iter()
            .filter(|k| !NOT_WATCHED.contains(k))
            .map(str::to_string),
    );
    out
}

/// Whether discovery's resource is one of `wanted`.
fn is_wanted(wanted: &BTreeSet<String>, r: &ApiResource) -> bool {
    if kinds::is_typed(&r.kind) {
        // Typed kinds in their home group only: events.k8s.io Events and
        // extensions Deployments would be the same objects twice.
        return wanted.contains(&r.kind) && kinds::home_group(&r.kind) == Some(r.group.as_str());
    }
    wanted.iter().any(|w| {
        let l = KindLabel::parse(w);
        l.kind == r.kind && l.group_filter().as_deref().is_none_or(|g| g == r.group)
    })
}

/// What discovery found: the resources to watch, in kind order, and the
/// pod metrics resource to poll when the server has one.
pub struct Found {
    pub watched: Vec<Watched>,
    pub metrics: Option<ApiResource>,
}

/// Runs discovery (aggregated when the server offers it).
pub async fn resolve(client: Client, wanted: &BTreeSet<String>) -> Result<Found, kube::Error> {
    let discovery = match Discovery::new(client.clone()).run_aggregated().await {
        Ok(d) => d,
        Err(_) => Discovery::new(client).run().await?,
    };
    let mut out: Vec<Watched> = Vec::new();
    let mut metrics = None;
    for group in discovery.groups() {
        for (resource, caps) in group.recommended_resources() {
            if (resource.kind.as_str(), resource.group.as_str()) == METRICS
                && caps.supports_operation(verbs::LIST)
            {
                metrics = Some(resource);
            } else if is_wanted(wanted, &resource) && can_watch(&caps) {
                out.push(Watched {
                    namespaced: caps.scope == Scope::Namespaced,
                    metadata_only: resource.kind == "Secret" && resource.group.is_empty(),
                    resource,
                });
            }
        }
    }
    out.sort_by(|a, b| {
        (&a.resource.kind, &a.resource.group).cmp(&(&b.resource.kind, &b.resource.group))
    });
    out.dedup_by(|a, b| a.resource.kind == b.resource.kind && a.resource.group == b.resource.group);
    Ok(Found {
        watched: out,
        metrics,
    })
}

fn can_watch(caps: &ApiCapabilities) -> bool {
    caps.supports_operation(verbs::LIST) && caps.supports_operation(verbs::WATCH)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resource(group: &str, kind: &str) -> ApiResource {
        ApiResource {
            group: group.into(),
            version: "v1".into(),
            api_version: if group.is_empty() {
                "v1".into()
            } else {
                format!("{group}/v1")
            },
            kind: kind.into(),
            plural: format!("{}s", kind.to_lowercase()),
        }
    }

    #[test]
    fn typed_kinds_in_their_home_group_and_crds_the_checks_read() {
        let w = wanted(["Schedule", "NodePool", "KubeletConfiguration"]);
        assert!(is_wanted(&w, &resource("", "Pod")));
        assert!(is_wanted(&w, &resource("apps", "Deployment")));
        assert!(
            !is_wanted(&w, &resource("events.k8s.io", "Event")),
            "core Events only"
        );
        assert!(is_wanted(&w, &resource("", "Event")));
        assert!(is_wanted(&w, &resource("velero.io", "Schedule")));
        assert!(is_wanted(&w, &resource("karpenter.sh", "NodePool")));
        assert!(!is_wanted(&w, &resource("example.com", "Widget")));
        assert!(!w.contains("KubeletConfiguration"), "read from /configz");
    }
}
