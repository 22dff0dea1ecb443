//! Single objects: get, and the Status errors the verbs share (named as
//! the real server names resources: `deployments.apps "x" not found`).

use std::sync::Arc;

use hyper::Response;
use serde_json::json;

use super::Shared;
use super::http::{Body, Req, Target, json_text, status};
use super::resources::Resource;
use super::store::Form;

pub fn not_found(res: &Resource, name: &str) -> Response<Body> {
    let mut details = json!({"name": name, "kind": res.plural});
    if !res.group.is_empty()
        && let Some(m) = details.as_object_mut()
    {
        m.insert("group".into(), res.group.clone().into());
    }
    status(
        404,
        "NotFound",
        &format!("{} {name:?} not found", plural_for_message(res)),
        Some(details),
    )
}

/// Messages name a resource by plural, with its group when it has one
/// (`deployments.apps "x" not found`).
pub fn plural_for_message(res: &Resource) -> String {
    if res.group.is_empty() {
        res.plural.clone()
    } else {
        format!("{}.{}", res.plural, res.group)
    }
}

pub fn get(shared: &Arc<Shared>, r: &Req, t: &Target) -> Response<Body> {
    let store = shared.store();
    let res = store.res(t.res);
    let name = t.name.as_deref().unwrap_or_default();
    match store.get(t.res, t.namespace.as_deref().unwrap_or_default(), name) {
        Some(o) => json_text(200, o.json_as(res, Form::of(&r.accept))),
        None => not_found(res, name),
    }
}

/// 422 Invalid, as field validation failures are.
pub fn invalid(res: &Resource, msg: &str) -> Response<Body> {
    status(
        422,
        "Invalid",
        &format!("{} is invalid: {msg}", res.kind),
        Some(json!({"kind": res.kind})),
    )
}
