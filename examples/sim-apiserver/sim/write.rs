//! Writes: create, replace, patch (JSON merge, strategic merge, server-side
//! apply), delete — each with `dryRun=All` — and the fields the server owns
//! (uid, creation time, generation, managedFields).

use std::sync::Arc;

use hyper::Response;
use serde_json::{Value, json};

use super::Shared;
use super::apply;
use super::http::{Body, Req, Target, json_text, parse_body, status};
use super::objects::{invalid, not_found, plural_for_message};
use super::resources::Resource;
use super::store::{Obj, Store, now_rfc3339, set_meta};

/// The field manager: `fieldManager`, else the User-Agent's program name,
/// as the real server derives it.
fn manager(r: &Req) -> String {
    match r.param("fieldManager") {
        Some(m) => m.to_string(),
        None => r
            .user_agent
            .split('/')
            .next()
            .unwrap_or_default()
            .to_string(),
    }
}

/// Sets what the server owns: uid and creation time kept from the old
/// object (or made), `generation` bumped when the spec changes.
pub fn server_fields(store: &mut Store, old: Option<&Value>, new: &mut Value) {
    let meta = |v: &Value, k: &str| v.pointer(&format!("/metadata/{k}")).cloned();
    match old {
        Some(o) => {
            for k in ["uid", "creationTimestamp"] {
                if let Some(v) = meta(o, k) {
                    set_meta(new, k, v);
                }
            }
            let generation = meta(o, "generation").and_then(|g| g.as_i64()).unwrap_or(0);
            if o.get("spec") != new.get("spec") || generation == 0 {
                set_meta(new, "generation", (generation + 1).into());
            } else {
                set_meta(new, "generation", generation.into());
            }
        }
        None => {
            if meta(new, "uid").is_none() {
                let uid = store.next_uid();
                set_meta(new, "uid", uid.into());
            }
            if meta(new, "creationTimestamp").is_none() {
                set_meta(new, "creationTimestamp", now_rfc3339().into());
            }
            if new.get("spec").is_some() {
                set_meta(new, "generation", 1.into());
            }
        }
    }
}

/// A write to the main resource keeps the stored status; a write to
/// `/status` keeps everything but the status.
fn keep_split(t: &Target, old: &Value, new: &mut Value) {
    if t.sub.as_deref() == Some("status") {
        let status = new.get("status").cloned();
        let mut merged = old.clone();
        if let (Some(s), Some(m)) = (status, merged.as_object_mut()) {
            m.insert("status".into(), s);
        }
        *new = merged;
    } else if let Some(m) = new.as_object_mut() {
        match old.get("status") {
            Some(s) => m.insert("status".into(), s.clone()),
            None => m.remove("status"),
        };
    }
}

fn conflict_modified(res: &Resource, name: &str) -> Response<Body> {
    status(
        409,
        "Conflict",
        &format!(
            "Operation cannot be fulfilled on {} {name:?}: the object has been modified; please apply your changes to the latest version and try again",
            plural_for_message(res)
        ),
        Some(json!({"name": name, "kind": res.plural})),
    )
}

/// Stores `value` (unless a dry run) and answers with it.
fn commit(shared: &Arc<Shared>, t: &Target, r: &Req, value: Value, code: u16) -> Response<Body> {
    let mut store = shared.store();
    if r.dry_run() {
        let res = store.res(t.res).clone();
        // Nothing is stored: the answer is the object as it would be.
        return json_text(code, Obj::new(&res, value, 0).json_with_type(&res));
    }
    let change = store.put(t.res, value);
    let body = change.obj.json_with_type(store.res(t.res));
    shared.publish(change);
    json_text(code, body)
}

pub fn create(shared: &Arc<Shared>, r: &Req, t: &Target) -> Response<Body> {
    let mut value = match parse_body(r) {
        Ok(v) => v,
        Err(resp) => return resp,
    };
    let res = shared.store().res(t.res).clone();
    if let Err(resp) = check_type(&res, &mut value) {
        return resp;
    }
    if res.namespaced {
        let Some(ns) = &t.namespace else {
            return super::http::method_not_allowed();
        };
        match value.pointer("/metadata/namespace").and_then(Value::as_str) {
            Some(body_ns) if body_ns != ns => {
                return status(
                    400,
                    "BadRequest",
                    "the namespace of the provided object does not match the namespace sent on the request",
                    None,
                );
            }
            _ => set_meta(&mut value, "namespace", ns.clone().into()),
        }
    }
    let name = match value.pointer("/metadata/name").and_then(Value::as_str) {
        Some(n) if !n.is_empty() => n.to_string(),
        _ => match value
            .pointer("/metadata/generateName")
            .and_then(Value::as_str)
        {
            Some(prefix) => {
                let suffix = format!("{:05x}", shared.store().rv * 2_654_435_761 % 0xfffff);
                let n = format!("{prefix}{suffix}");
                set_meta(&mut value, "name", n.clone().into());
                n
            }
            None => {
                return invalid(
                    &res,
                    "metadata.name: Required value: name or generateName is required",
                );
            }
        },
    };
    let mut store = shared.store();
    if let Some(resp) = missing_namespace(&store, &res, t.namespace.as_deref().unwrap_or_default())
    {
        return resp;
    }
    if store
        .get(t.res, t.namespace.as_deref().unwrap_or_default(), &name)
        .is_some()
    {
        return status(
            409,
            "AlreadyExists",
            &format!("{} {name:?} already exists", plural_for_message(&res)),
            Some(json!({"name": name, "kind": res.plural})),
        );
    }
    if let Some(m) = value.get_mut("metadata").and_then(Value::as_object_mut) {
        m.remove("resourceVersion");
    }
    server_fields(&mut store, None, &mut value);
    drop(store);
    apply::record_update(None, &mut value, &manager(r), &res.api_version());
    commit(shared, t, r, value, 201)
}

/// A namespaced object may only be created in a namespace that exists
/// (checked when the store holds Namespaces at all: a partial snapshot
/// may have none).
fn missing_namespace(store: &Store, res: &Resource, ns: &str) -> Option<Response<Body>> {
    let namespaces = store.registry.by_kind("", "Namespace")?;
    if !res.namespaced || store.count(namespaces) == 0 || store.get(namespaces, "", ns).is_some() {
        return None;
    }
    Some(not_found(store.res(namespaces), ns))
}

/// `apiVersion`/`kind` in a body must be the resource's (or absent).
fn check_type(res: &Resource, value: &mut Value) -> Result<(), Response<Body>> {
    let Some(m) = value.as_object_mut() else {
        return Err(status(400, "BadRequest", "the body is not an object", None));
    };
    let kind = m
        .get("kind")
        .and_then(Value::as_str)
        .unwrap_or(&res.kind)
        .to_string();
    let api_version = m
        .get("apiVersion")
        .and_then(Value::as_str)
        .map(String::from);
    let (group, _) = super::resources::split_api_version(api_version.as_deref().unwrap_or(""));
    if kind != res.kind || api_version.as_ref().is_some_and(|_| group != res.group) {
        return Err(status(
            400,
            "BadRequest",
            &format!(
                "the API version in the data ({}) does not match the expected API version ({})",
                api_version.unwrap_or_default(),
                res.api_version()
            ),
            None,
        ));
    }
    m.insert("apiVersion".into(), res.api_version().into());
    m.insert("kind".into(), res.kind.clone().into());
    Ok(())
}

pub fn update(shared: &Arc<Shared>, r: &Req, t: &Target) -> Response<Body> {
    let mut value = match parse_body(r) {
        Ok(v) => v,
        Err(resp) => return resp,
    };
    let mut store = shared.store();
    let res = store.res(t.res).clone();
    if let Err(resp) = check_type(&res, &mut value) {
        return resp;
    }
    let name = t.name.clone().unwrap_or_default();
    if let Some(body_name) = value.pointer("/metadata/name").and_then(Value::as_str)
        && body_name != name
    {
        return status(
            400,
            "BadRequest",
            &format!(
                "the name of the object ({body_name}) does not match the name on the URL ({name})"
            ),
            None,
        );
    }
    let ns = t.namespace.clone().unwrap_or_default();
    let Some(old) = store.get(t.res, &ns, &name).map(|o| o.value(&res)) else {
        return not_found(&res, &name);
    };
    let sent_rv = value
        .pointer("/metadata/resourceVersion")
        .and_then(Value::as_str)
        .unwrap_or_default();
    if !sent_rv.is_empty()
        && Some(sent_rv)
            != old
                .pointer("/metadata/resourceVersion")
                .and_then(Value::as_str)
    {
        return conflict_modified(&res, &name);
    }
    set_meta(&mut value, "name", name.into());
    if res.namespaced {
        set_meta(&mut value, "namespace", ns.into());
    }
    keep_split(t, &old, &mut value);
    server_fields(&mut store, Some(&old), &mut value);
    drop(store);
    apply::record_update(Some(&old), &mut value, &manager(r), &res.api_version());
    commit(shared, t, r, value, 200)
}

pub fn patch(shared: &Arc<Shared>, r: &Req, t: &Target) -> Response<Body> {
    let patch = match parse_body(r) {
        Ok(v) => v,
        Err(resp) => return resp,
    };
    let mut store = shared.store();
    let res = store.res(t.res).clone();
    let name = t.name.clone().unwrap_or_default();
    let ns = t.namespace.clone().unwrap_or_default();
    let old = store.get(t.res, &ns, &name).map(|o| o.value(&res));
    let content_type = r.content_type.split(';').next().unwrap_or_default().trim();
    let apply_patch = content_type == "application/apply-patch+yaml";
    if r.param("force").is_some() && !apply_patch {
        return status(
            400,
            "BadRequest",
            "force is only allowed for apply requests",
            None,
        );
    }
    if old.is_none()
        && apply_patch
        && let Some(resp) = missing_namespace(&store, &res, &ns)
    {
        return resp;
    }
    let (mut new, code) = if apply_patch {
        let Some(field_manager) = r.param("fieldManager") else {
            return status(
                400,
                "BadRequest",
                "fieldManager is required for apply requests",
                None,
            );
        };
        let mut applied = patch;
        if applied.get("apiVersion").is_none() || applied.get("kind").is_none() {
            return status(
                400,
                "BadRequest",
                "apiVersion and kind must be set in an apply request",
                None,
            );
        }
        if let Err(resp) = check_type(&res, &mut applied) {
            return resp;
        }
        if let Some(body_name) = applied.pointer("/metadata/name").and_then(Value::as_str)
            && body_name != name
        {
            return status(
                400,
                "BadRequest",
                &format!(
                    "the name of the object ({body_name}) does not match the name on the URL ({name})"
                ),
                None,
            );
        }
        if let Some(m) = applied.get_mut("metadata").and_then(Value::as_object_mut) {
            m.remove("managedFields");
            m.remove("resourceVersion");
        }
        match apply::apply(
            old.as_ref(),
            &applied,
            field_manager,
            &res.api_version(),
            r.flag("force"),
        ) {
            Ok(v) => (v, if old.is_some() { 200 } else { 201 }),
            Err(conflicts) => {
                return status(
                    409,
                    "Conflict",
                    &conflicts.message(),
                    Some(json!({"causes": conflicts.causes()})),
                );
            }
        }
    } else {
        let Some(old) = &old else {
            return not_found(&res, &name);
        };
        let mut v = old.clone();
        match content_type {
            "application/merge-patch+json" => apply::merge_patch(&mut v, &patch),
            "application/strategic-merge-patch+json" => {
                apply::strategic_merge_patch(&mut v, &patch)
            }
            other => {
                return status(
                    415,
                    "UnsupportedMediaType",
                    &format!(
                        "the body of the request was in an unknown format - accepted media types include: application/merge-patch+json, application/strategic-merge-patch+json, application/apply-patch+yaml (not {other})"
                    ),
                    None,
                );
            }
        }
        let sent_rv = patch
            .pointer("/metadata/resourceVersion")
            .and_then(Value::as_str);
        if sent_rv.is_some_and(|s| {
            Some(s)
                != old
                    .pointer("/metadata/resourceVersion")
                    .and_then(Value::as_str)
        }) {
            return conflict_modified(&res, &name);
        }
        (v, 200)
    };
    set_meta(&mut new, "name", name.into());
    if res.namespaced {
        set_meta(&mut new, "namespace", ns.into());
    }
    if let Some(o) = &old {
        keep_split(t, o, &mut new);
    }
    server_fields(&mut store, old.as_ref(), &mut new);
    drop(store);
    if !apply_patch {
        apply::record_update(old.as_ref(), &mut new, &manager(r), &res.api_version());
    }
    commit(shared, t, r, new, code)
}

pub fn delete(shared: &Arc<Shared>, r: &Req, t: &Target) -> Response<Body> {
    let mut store = shared.store();
    let res = store.res(t.res).clone();
    let name = t.name.clone().unwrap_or_default();
    let ns = t.namespace.clone().unwrap_or_default();
    let Some(old) = store.get(t.res, &ns, &name).cloned() else {
        return not_found(&res, &name);
    };
    if r.dry_run() {
        return json_text(200, old.json_with_type(&res));
    }
    let Some(change) = store.delete(t.res, &ns, &name) else {
        return not_found(&res, &name);
    };
    let body = change.obj.json_with_type(&res);
    shared.publish(change);
    json_text(200, body)
}
