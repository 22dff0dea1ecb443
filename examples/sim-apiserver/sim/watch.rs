//! Watch streams: JSON lines of `{"type": …, "object": …}` over a chunked
//! response, as the real server writes them.
//!
//! - `resourceVersion` unset or "0": ADDED for every current object first.
//! - `resourceVersion=N`: the changes after N from the history; older than
//!   the history → one ERROR event with a 410 `Expired` Status, in the
//!   stream (HTTP 200), as the watch cache answers.
//! - `sendInitialEvents=true`: the current objects as ADDED, then a
//!   BOOKMARK annotated `k8s.io/initial-events-end` (kube-rs's streaming
//!   list).
//! - `allowWatchBookmarks=true`: a BOOKMARK every bookmark interval with the
//!   resourceVersion of the last change this watch has passed (never one
//!   it has not yet sent).
//! - An object entering or leaving a selector is ADDED or DELETED.
//! - The stream ends after `timeoutSeconds`, after `dropWatchAfter` events,
//!   or when the watch falls too far behind.

use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use hyper::Response;
use serde_json::{Value, json};
use tokio::sync::broadcast::error::RecvError;
use tokio::sync::mpsc;

use super::Shared;
use super::config::Config;
use super::http::{Body, Req, Target, status, status_value};
use super::list::streaming_response;
use super::resources::Resource;
use super::select::{FieldSelector, LabelSelector};
use super::store::{ChangeType, Form, ListError, Obj, partial_metadata};

struct Filter {
    res: usize,
    form: Form,
    namespace: Option<String>,
    labels: LabelSelector,
    fields: FieldSelector,
}

impl Filter {
    fn matches(&self, o: &Obj) -> bool {
        self.namespace.as_ref().is_none_or(|ns| &o.namespace == ns)
            && self.labels.matches(&o.labels)
            && self.fields.matches(&o.fields)
    }
}

fn event(typ: &str, object: &str) -> Bytes {
    Bytes::from(format!("{{\"type\":\"{typ}\",\"object\":{object}}}\n"))
}

fn bookmark(res: &Resource, form: Form, rv: u64, initial_end: bool) -> Bytes {
    let mut meta = json!({"resourceVersion": rv.to_string(), "creationTimestamp": null});
    if initial_end && let Some(m) = meta.as_object_mut() {
        m.insert(
            "annotations".into(),
            json!({"k8s.io/initial-events-end": "true"}),
        );
    }
    let (kind, api_version) = match form {
        Form::Full => (res.kind.clone(), res.api_version()),
        Form::Metadata => (
            "PartialObjectMetadata".to_string(),
            "meta.k8s.io/v1".to_string(),
        ),
    };
    let obj = json!({"kind": kind, "apiVersion": api_version, "metadata": meta});
    event("BOOKMARK", &obj.to_string())
}

fn error_event(status: Value) -> Bytes {
    event("ERROR", &status.to_string())
}

pub fn watch(shared: &Arc<Shared>, cfg: &Config, r: &Req, t: &Target) -> Response<Body> {
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
    let send_initial = r.flag("sendInitialEvents");
    let bookmarks = r.flag("allowWatchBookmarks");
    if send_initial && (!bookmarks || r.param("resourceVersionMatch") != Some("NotOlderThan")) {
        return status(
            422,
            "Invalid",
            "sendInitialEvents is forbidden for watch unless resourceVersionMatch is NotOlderThan and allowWatchBookmarks is true",
            None,
        );
    }
    let rv_param = r.param("resourceVersion");
    let since = match rv_param {
        None | Some("0") => None,
        Some(v) => match v.parse::<u64>() {
            Ok(n) => Some(n),
            Err(_) => {
                return status(
                    400,
                    "BadRequest",
                    &format!("invalid resource version: {v}"),
                    None,
                );
            }
        },
    };
    let form = Form::of(&r.accept);
    let filter = Filter {
        res: t.res,
        form,
        namespace: t.namespace.clone(),
        labels,
        fields,
    };
    // A day at most: far-off deadlines would overflow the clock.
    let timeout = r
        .param("timeoutSeconds")
        .and_then(|s| s.parse::<u64>().ok())
        .unwrap_or(cfg.watch_timeout_secs)
        .min(86_400);

    // Under the store lock: what to send first, and the subscription, so
    // that no change falls between them.
    // (event, whether it counts towards `dropWatchAfter`)
    let mut first: Vec<(Bytes, bool)> = Vec::new();
    let (changes, start_rv) = {
        let store = shared.store();
        let rx = shared.subscribe();
        let current = store.rv;
        if send_initial || since.is_none() {
            for o in store
                .state_at(t.res, t.namespace.as_deref(), current)
                .unwrap_or_default()
            {
                if filter.matches(&o) {
                    first.push((event("ADDED", &o.json_as(&res, form)), true));
                }
            }
            if send_initial {
                first.push((bookmark(&res, form, current, true), false));
            }
        } else if let Some(n) = since {
            match store.changes_since(t.res, n) {
                Ok(changes) => {
                    for c in &changes {
                        if let Some(e) = render(&filter, &res, c.typ, &c.obj, c.prev.as_deref()) {
                            first.push((e, true));
                        }
                    }
                }
                Err(ListError::TooOld { oldest }) => {
                    return finish(error_event(status_value(
                        410,
                        "Expired",
                        &format!("too old resource version: {n} ({oldest})"),
                        None,
                    )));
                }
                Err(ListError::TooNew { current }) => {
                    return finish(error_event(status_value(
                        504,
                        "Timeout",
                        &format!("Too large resource version: {n}, current: {current}"),
                        Some(
                            json!({"causes": [{"reason": "ResourceVersionTooLarge", "message": "Too large resource version"}], "retryAfterSeconds": 1}),
                        ),
                    )));
                }
            }
        }
        (rx, current)
    };

    let (tx, rx) = mpsc::channel::<Bytes>(256);
    let drop_after = cfg.faults.drop_watch_after;
    let interval = Duration::from_millis(cfg.bookmark_interval_ms.max(1));
    tokio::spawn(async move {
        let mut changes = changes;
        let mut seen_rv = start_rv;
        let mut sent = 0u64;
        let dropped = |sent: u64| drop_after.is_some_and(|n| sent >= n);
        for (e, counts) in first {
            if tx.send(e).await.is_err() {
                return;
            }
            if counts {
                sent += 1;
                if dropped(sent) {
                    return;
                }
            }
        }
        let deadline = tokio::time::sleep(Duration::from_secs(timeout));
        tokio::pin!(deadline);
        let mut ticker = tokio::time::interval_at(tokio::time::Instant::now() + interval, interval);
        loop {
            tokio::select! {
                _ = &mut deadline => return,
                _ = ticker.tick(), if bookmarks => {
                    if tx.send(bookmark(&res, filter.form, seen_rv, false)).await.is_err() {
                        return;
                    }
                }
                got = changes.recv() => {
                    let c = match got {
                        Ok(c) => c,
                        // Too far behind, or the server is stopping.
                        Err(RecvError::Lagged(_) | RecvError::Closed) => return,
                    };
                    seen_rv = c.rv;
                    if c.res != filter.res {
                        continue;
                    }
                    if let Some(e) = render(&filter, &res, c.typ, &c.obj, c.prev.as_deref()) {
                        if tx.send(e).await.is_err() {
                            return;
                        }
                        sent += 1;
                        if dropped(sent) {
                            return;
                        }
                    }
                }
            }
        }
    });
    streaming_response(rx)
}

/// A stream of one event that then ends.
fn finish(event: Bytes) -> Response<Body> {
    let (tx, rx) = mpsc::channel::<Bytes>(1);
    let _ = tx.try_send(event);
    streaming_response(rx)
}

/// The event a watch with this filter sees for a change, if any: objects
/// moving into the filter are ADDED, out of it DELETED.
fn render(
    f: &Filter,
    res: &Resource,
    typ: ChangeType,
    obj: &Obj,
    prev: Option<&Obj>,
) -> Option<Bytes> {
    let now = f.matches(obj);
    let before = prev.is_some_and(|p| f.matches(p));
    let typ = match typ {
        ChangeType::Added if now => "ADDED",
        ChangeType::Deleted if before || now => "DELETED",
        ChangeType::Modified if now && before => "MODIFIED",
        ChangeType::Modified if now => "ADDED",
        ChangeType::Modified if before => {
            // The watch cache sends the object as it last matched, at the
            // change's resourceVersion.
            let mut old = prev?.value(res);
            super::store::set_meta(&mut old, "resourceVersion", obj.rv.to_string().into());
            let json = match f.form {
                Form::Full => old.to_string(),
                Form::Metadata => partial_metadata(&old.to_string()),
            };
            return Some(event("DELETED", &json));
        }
        _ => return None,
    };
    Some(event(typ, &obj.json_as(res, f.form)))
}
