//! Subresources: `/scale` of workloads and the node proxy's `/configz`.

use std::sync::Arc;

use hyper::Response;
use serde_json::{Value, json};

use super::Shared;
use super::apply;
use super::http::{Body, Req, Target, json_response, parse_body};
use super::objects::{invalid, not_found};
use super::write::server_fields;

pub fn configz(shared: &Arc<Shared>, t: &Target) -> Response<Body> {
    let store = shared.store();
    let name = t.name.as_deref().unwrap_or_default();
    match store.configz.get(name) {
        Some(c) => json_response(200, &json!({"kubeletconfig": c})),
        None => not_found(store.res(t.res), name),
    }
}

/// The `autoscaling/v1` Scale of a workload.
fn scale_of(obj: &Value) -> Value {
    let meta = |k: &str| {
        obj.pointer(&format!("/metadata/{k}"))
            .cloned()
            .unwrap_or(Value::Null)
    };
    // `metav1.FormatLabelSelector` of the matchLabels (sorted by key).
    let selector = obj
        .pointer("/spec/selector/matchLabels")
        .or_else(|| obj.pointer("/spec/selector"))
        .and_then(Value::as_object)
        .map(|m| {
            let mut pairs: Vec<String> = m
                .iter()
                .filter_map(|(k, v)| v.as_str().map(|v| format!("{k}={v}")))
                .collect();
            pairs.sort();
            pairs.join(",")
        })
        .unwrap_or_default();
    json!({
        "kind": "Scale",
        "apiVersion": "autoscaling/v1",
        "metadata": {
            "name": meta("name"), "namespace": meta("namespace"), "uid": meta("uid"),
            "resourceVersion": meta("resourceVersion"), "creationTimestamp": meta("creationTimestamp"),
        },
        "spec": {"replicas": obj.pointer("/spec/replicas").cloned().unwrap_or(json!(1))},
        "status": {
            "replicas": obj.pointer("/status/replicas").cloned().unwrap_or(json!(0)),
            "selector": selector,
        },
    })
}

/// GET, PUT and PATCH (merge or strategic) of `/scale`: the new
/// `spec.replicas` is written to the workload.
pub fn scale(shared: &Arc<Shared>, r: &Req, t: &Target) -> Response<Body> {
    let mut store = shared.store();
    let res = store.res(t.res).clone();
    let name = t.name.clone().unwrap_or_default();
    let ns = t.namespace.clone().unwrap_or_default();
    let Some(old) = store.get(t.res, &ns, &name).map(|o| o.value(&res)) else {
        return not_found(&res, &name);
    };
    let current = scale_of(&old);
    let wanted = match t.verb {
        "get" => return json_response(200, &current),
        "update" => match parse_body(r) {
            Ok(v) => v,
            Err(resp) => return resp,
        },
        _ => {
            let patch = match parse_body(r) {
                Ok(v) => v,
                Err(resp) => return resp,
            };
            let mut v = current.clone();
            apply::merge_patch(&mut v, &patch);
            v
        }
    };
    let Some(replicas) = wanted.pointer("/spec/replicas").and_then(Value::as_i64) else {
        return invalid(&res, "spec.replicas: Required value");
    };
    let mut new = old.clone();
    new["spec"]["replicas"] = json!(replicas);
    server_fields(&mut store, Some(&old), &mut new);
    if r.dry_run() {
        return json_response(200, &scale_of(&new));
    }
    let change = store.put(t.res, new);
    let body = scale_of(&change.obj.value(&res));
    shared.publish(change);
    json_response(200, &body)
}
