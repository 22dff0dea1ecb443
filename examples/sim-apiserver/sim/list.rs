//! Lists: label and field selectors, `limit`/`continue` pages consistent
//! as of the first page, `resourceVersion`/`resourceVersionMatch`, whole or
//! metadata-only items, large lists written as a stream.

use std::sync::Arc;

use bytes::Bytes;
use http_body_util::StreamBody;
use hyper::Response;
use hyper::body::Frame;
use serde_json::{Value, json};

use super::Shared;
use super::http::{Body, Req, Target, json_text, status};
use super::objects::invalid;
use super::resources::Resource;
use super::select::{FieldSelector, LabelSelector};
use super::store::{Form, Key, ListError, Obj, etcd_order};

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
