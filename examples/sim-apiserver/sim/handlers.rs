//! The verbs on stored resources: list (selectors, pagination,
//! resourceVersion semantics), get, create, update, patch (merge,
//! strategic, server-side apply), delete, and the node configz proxy.

use std::sync::Arc;

use bytes::Bytes;
use http_body_util::StreamBody;
use hyper::Response;
use hyper::body::Frame;
use serde_json::{Value, json};

use super::Shared;
use super::apply;
use super::http::{Body, Req, Target, json_response, json_text, parse_body, status};
use super::resources::Resource;
use super::select::{FieldSelector, LabelSelector};
use super::store::{Form, Key, ListError, Obj, Store, etcd_order, now_rfc3339, set_meta};

// ───────────────────────────── list ─────────────────────────────

/// Lists bigger than this are written as a stream of chunks, so a 30,000-
/// pod list is never one 150 MB string.
const STREAM_ABOVE: usize = 500;
const CHUNK: usize = 256 * 1024;

pub async fn list(shared: &Arc<Shared>, r: &Req, t: &Target) -> Response<Body> {
    let res = shared.store().res(t.res).clone();
    let labels = match LabelSelector::parse(r.param("labelSelector").unwrap_or_default()) {
        Ok(s) => s,
        Err(e) => return status(400, "BadRequest", &e, None),
    };
    let fields = match FieldSelector::parse(
        r.param("fieldSelector").unwrap_or_default(),
        &res.kind,
        &res.group,
    ) {
        Ok(s) => s,
        Err(e) => return status(400, "BadRequest", &e, None),
    };
    let rv_param = r.param("resourceVersion");
    // `resourceVersion=0` is served from the watch cache, which ignores
    // `limit` (through 1.33: `shouldDelegateList` in the cacher): the whole
    // list in one answer, as kube-runtime's default watcher then gets it.
    let limit: usize = match rv_param {
        Some("0") => 0,
        _ => r.param("limit").and_then(|l| l.parse().ok()).unwrap_or(0),
    };
    let rv_match = r.param("resourceVersionMatch");
    if rv_match.is_some() && rv_param.is_none() {
        return invalid(
            &res,
            "resourceVersionMatch is forbidden unless resourceVersion is provided",
        );
    }
    let token = match r.param("continue") {
        Some(c) => {
            if rv_param.is_some_and(|v| v != "0") {
                return invalid(
                    &res,
                    "specifying resource version is not allowed when using continue",
                );
            }
            match decode_continue(c) {
                Some(t) => Some(t),
                None => {
                    return status(
                        400,
                        "BadRequest",
                        "continue key is not valid: invalid token",
                        None,
                    );
                }
            }
        }
        None => None,
    };

    let (snap_rv, items) = {
        let store = shared.store();
        let current = store.rv;
        let snap_rv = match (&token, rv_param, rv_match) {
            (Some((rv, _)), _, _) => *rv,
            (None, None | Some("0"), _) => current,
            (None, Some(v), m) => {
                let Ok(v) = v.parse::<u64>() else {
                    return status(
                        400,
                        "BadRequest",
                        &format!("invalid resource version: {v}"),
                        None,
                    );
                };
                if v > current {
                    return too_large(v, current);
                }
                if m == Some("Exact") { v } else { current }
            }
        };
        match store.state_at(t.res, t.namespace.as_deref(), snap_rv) {
            Ok(items) => (snap_rv, items),
            Err(ListError::TooOld { .. }) => {
                let msg = if token.is_some() {
                    "The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list."
                } else {
                    "The resourceVersion for the provided list is too old."
                };
                return status(410, "Expired", msg, None);
            }
            Err(ListError::TooNew { current }) => return too_large(snap_rv, current),
        }
    };

    let start = token.map(|(_, k)| k);
    let mut page: Vec<Arc<Obj>> = Vec::new();
    let mut remaining = 0usize;
    for o in items.into_iter() {
        if start
            .as_ref()
            .is_some_and(|s| etcd_order(&o.namespace, &o.name, &s.0, &s.1).is_le())
        {
            continue;
        }
        if !labels.matches(&o.labels) || !fields.matches(&o.fields) {
            continue;
        }
        if limit > 0 && page.len() >= limit {
            remaining += 1;
        } else {
            page.push(o);
        }
    }
    let mut meta = json!({"resourceVersion": snap_rv.to_string()});
    if remaining > 0
        && let (Some(last), Some(m)) = (page.last(), meta.as_object_mut())
    {
        m.insert(
            "continue".into(),
            encode_continue(snap_rv, &Key::new(&last.namespace, &last.name)).into(),
        );
        // The real server counts the rest only when it need not filter.
        if r.param("labelSelector").is_none() && fields.is_empty() {
            m.insert("remainingItemCount".into(), remaining.into());
        }
    }
    let form = Form::of(&r.accept);
    let (list_kind, list_api_version) = form.list_type(&res);
    let head = format!(
        "{{\"kind\":{},\"apiVersion\":{},\"metadata\":{meta},\"items\":[",
        Value::from(list_kind),
        Value::from(list_api_version)
    );
    if page.len() <= STREAM_ABOVE {
        let mut body = head;
        for (i, o) in page.iter().enumerate() {
            if i > 0 {
                body.push(',');
            }
            body.push_str(&o.list_item(&res, form));
        }
        body.push_str("]}");
        return json_text(200, body);
    }
    stream_list(head, page, res, form)
}

fn stream_list(head: String, page: Vec<Arc<Obj>>, res: Resource, form: Form) -> Response<Body> {
    let (tx, rx) = tokio::sync::mpsc::channel::<Bytes>(4);
    tokio::spawn(async move {
        let mut buf = head;
        for (i, o) in page.iter().enumerate() {
            if i > 0 {
                buf.push(',');
            }
            buf.push_str(&o.list_item(&res, form));
            if buf.len() >= CHUNK
                && tx
                    .send(Bytes::from(std::mem::take(&mut buf)))
                    .await
                    .is_err()
            {
                return; // the client went away
            }
        }
        buf.push_str("]}");
        let _ = tx.send(Bytes::from(buf)).await;
    });
    streaming_response(rx)
}

/// A response whose body is whatever the channel yields, until it closes.
pub fn streaming_response(rx: tokio::sync::mpsc::Receiver<Bytes>) -> Response<Body> {
    use http_body_util::BodyExt;
    let stream = futures::stream::unfold(rx, |mut rx| async move {
        rx.recv()
            .await
            .map(|b| (Ok::<_, std::convert::Infallible>(Frame::data(b)), rx))
    });
    let mut resp = Response::new(StreamBody::new(stream).boxed_unsync());
    resp.headers_mut().insert(
        "content-type",
        hyper::header::HeaderValue::from_static("application/json"),
    );
    resp
}

/// 422 Invalid, as field validation failures are.
fn invalid(res: &Resource, msg: &str) -> Response<Body> {
    status(
        422,
        "Invalid",
        &format!("{} is invalid: {msg}", res.kind),
        Some(json!({"kind": res.kind})),
    )
}

/// The real server waits up to ~3 s for a future resourceVersion, then
/// answers this 504.
fn too_large(rv: u64, current: u64) -> Response<Body> {
    status(
        504,
        "Timeout",
        &format!("Too large resource version: {rv}, current: {current}"),
        Some(
            json!({"causes": [{"reason": "ResourceVersionTooLarge", "message": "Too large resource version"}], "retryAfterSeconds": 1}),
        ),
    )
}

/// Continue tokens are base64url JSON as the real server's
/// (`{"v":"meta.k8s.io/v1","rv":N,"start":"ns/name\u0000"}`): the
/// snapshot's resourceVersion and the last key returned.
fn encode_continue(rv: u64, key: &Key) -> String {
    let start = if key.0.is_empty() {
        format!("{}\u{0}", key.1)
    } else {
        format!("{}/{}\u{0}", key.0, key.1)
    };
    base64url(
        json!({"v": "meta.k8s.io/v1", "rv": rv, "start": start})
            .to_string()
            .as_bytes(),
    )
}

fn decode_continue(token: &str) -> Option<(u64, Key)> {
    let v: Value = serde_json::from_slice(&unbase64url(token)?).ok()?;
    if v.get("v")?.as_str()? != "meta.k8s.io/v1" {
        return None;
    }
    let rv = v.get("rv")?.as_u64()?;
    let start = v.get("start")?.as_str()?.trim_end_matches('\u{0}');
    let key = match start.split_once('/') {
        Some((ns, name)) => Key::new(ns, name),
        None => Key::new("", start),
    };
    Some((rv, key))
}

const B64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

fn base64url(data: &[u8]) -> String {
    let mut out = String::new();
    for chunk in data.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, &b)| n | (u32::from(b) << (16 - 8 * i)));
        for i in 0..=chunk.len() {
            out.push(B64[(n >> (18 - 6 * i) & 63) as usize] as char);
        }
    }
    out
}

fn unbase64url(s: &str) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    let (mut acc, mut bits) = (0u32, 0);
    for c in s.trim_end_matches('=').bytes() {
        let v = B64.iter().position(|&b| b == c)? as u32;
        acc = (acc << 6) | v;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits & 0xff) as u8);
        }
    }
    Some(out)
}

// ───────────────────────────── get ─────────────────────────────

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
fn plural_for_message(res: &Resource) -> String {
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

pub fn configz(shared: &Arc<Shared>, t: &Target) -> Response<Body> {
    let store = shared.store();
    let name = t.name.as_deref().unwrap_or_default();
    match store.configz.get(name) {
        Some(c) => json_response(200, &json!({"kubeletconfig": c})),
        None => not_found(store.res(t.res), name),
    }
}

// ───────────────────────────── writes ─────────────────────────────

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

// ───────────────────────────── scale ─────────────────────────────

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
