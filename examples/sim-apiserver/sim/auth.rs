//! Authorization as the configured 403 rules say, with the real server's
//! messages, and the self-subject reviews that report it.

use serde_json::{Value, json};

use hyper::Response;

use super::config::{Config, Forbid};
use super::http::{Body, status};
use super::resources::{RW, Registry};

/// Authentication: 401 for a wrong bearer token, and for none unless
/// anonymous requests are allowed (or the path is public, as `/version` is
/// to `system:anonymous` by default).
pub fn authenticate(cfg: &Config, path: &str, authorization: &str) -> Option<Response<Body>> {
    let token = cfg.token.as_ref()?;
    let public = matches!(path, "/version" | "/healthz" | "/livez" | "/readyz");
    let ok = if authorization.is_empty() {
        cfg.anonymous || public
    } else {
        authorization == format!("Bearer {token}")
    };
    (!ok).then(|| status(401, "Unauthorized", "Unauthorized", None))
}

/// The real RBAC authorizer's refusal: `pods is forbidden: User "kready"
/// cannot list resource "pods" in API group "" at the cluster scope`.
pub fn forbidden_message(
    user: &str,
    verb: &str,
    group: &str,
    resource: &str,
    sub: Option<&str>,
    namespace: Option<&str>,
    name: Option<&str>,
) -> String {
    // The subject is the group-qualified resource (`deployments.apps`).
    let qualified = if group.is_empty() {
        resource.to_string()
    } else {
        format!("{resource}.{group}")
    };
    let what = match name {
        Some(n) => format!("{qualified} {n:?}"),
        None => qualified,
    };
    let full = match sub {
        Some(s) => format!("{resource}/{s}"),
        None => resource.to_string(),
    };
    let scope = match namespace {
        Some(ns) => format!("in the namespace {ns:?}"),
        None => "at the cluster scope".to_string(),
    };
    format!(
        "{what} is forbidden: User {user:?} cannot {verb} resource {full:?} in API group {group:?} {scope}"
    )
}

pub fn refused(
    rules: &[Forbid],
    verb: &str,
    group: &str,
    resource: &str,
    namespace: Option<&str>,
) -> bool {
    rules
        .iter()
        .any(|r| r.refuses(verb, group, resource, namespace))
}

/// Answers a SelfSubjectAccessReview: the request echoed with `status`.
pub fn access_review(rules: &[Forbid], mut review: Value) -> Value {
    let attrs = review.pointer("/spec/resourceAttributes").cloned();
    let allowed = match attrs {
        Some(a) => {
            let s = |k: &str| {
                a.get(k)
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_string()
            };
            let resource = match s("subresource").as_str() {
                "" => s("resource"),
                sub => format!("{}/{sub}", s("resource")),
            };
            let ns = s("namespace");
            let ns = (!ns.is_empty()).then_some(ns.as_str());
            !refused(rules, &s("verb"), &s("group"), &resource, ns)
        }
        // Non-resource URLs (/healthz, /version, …) are always allowed.
        None => true,
    };
    let status = if allowed {
        json!({"allowed": true, "reason": "allowed by the simulated API server's configuration"})
    } else {
        json!({"allowed": false})
    };
    if let Some(m) = review.as_object_mut() {
        m.insert("status".into(), status);
        m.entry("metadata")
            .or_insert_with(|| json!({"creationTimestamp": null}));
    }
    review
}

/// Answers a SelfSubjectRulesReview for a namespace: with no 403 rules, one
/// rule allowing everything; otherwise, per served resource, the verbs not
/// refused (RBAC rules cannot say "all but").
pub fn rules_review(rules: &[Forbid], registry: &Registry, mut review: Value) -> Value {
    let ns = review
        .pointer("/spec/namespace")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();
    let ns_opt = (!ns.is_empty()).then_some(ns.as_str());
    let resource_rules: Vec<Value> = if rules.is_empty() {
        vec![json!({"verbs": ["*"], "apiGroups": ["*"], "resources": ["*"]})]
    } else {
        registry
            .served()
            .filter_map(|r| {
                let verbs: Vec<&str> = RW
                    .iter()
                    .copied()
                    .filter(|v| r.verbs.iter().any(|rv| rv == v))
                    .filter(|v| !refused(rules, v, &r.group, &r.plural, ns_opt))
                    .collect();
                (!verbs.is_empty()).then(
                    || json!({"verbs": verbs, "apiGroups": [r.group], "resources": [r.plural]}),
                )
            })
            .collect()
    };
    let status = json!({
        "resourceRules": resource_rules,
        "nonResourceRules": [{"verbs": ["get"], "nonResourceURLs": ["*"]}],
        "incomplete": false,
    });
    if let Some(m) = review.as_object_mut() {
        m.insert("status".into(), status);
        m.entry("metadata")
            .or_insert_with(|| json!({"creationTimestamp": null}));
    }
    review
}
