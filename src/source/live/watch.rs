//! Watch streams into source events. One kube-runtime `watcher` per kind
//! (per namespace when the user's scope is a list of namespaces): paginated
//! initial list, bookmarks, `default_backoff`, and a re-list on 410 Gone,
//! all as kube-runtime does them. A (re-)list arrives as one `Relist`, so
//! objects deleted while the watch was down are dropped; changes arrive as
//! `Apply`/`Delete`; every kind reports its status (syncing with a count,
//! ready, forbidden with the server's reason, error since when).
//!
//! Objects are decoded as the snapshot loader decodes them (managedFields
//! dropped, Secrets scrubbed, pods trimmed), so memory stays flat at scale.
//! Secrets are watched as metadata only: their data is never requested.

use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::Duration;

use futures::{Stream, StreamExt};
use k8s_openapi::api::core::v1::Node;
use k8s_openapi::jiff::Timestamp;
use kube::api::{Api, DynamicObject, ListParams};
use kube::core::PartialObjectMeta;
use kube::discovery::ApiResource;
use kube::runtime::WatchStreamExt;
use kube::runtime::utils::Backoff;
use kube::runtime::watcher::{self, DefaultBackoff, Event as WatchEvent};
use serde_json::Value;
use tokio::sync::mpsc;
use tracing::{debug, info, warn};

use super::board::Board;
use super::connect::Connection;
use super::raw::RawObject;
use super::resources::{self, Watched};
use crate::model::ObjRef;
use crate::source::Event;
use crate::source::decode::{DecodeError, decode, decode_text};
use crate::store::KindStatus;

/// How often cluster time moves for time-based checks (ages, RPOs).
const CLOCK: Duration = Duration::from_secs(30);
/// How often discovery runs again, for CRDs installed later.
const REDISCOVER: Duration = Duration::from_secs(300);
/// Discovery's retry after a failure, before anything is watched.
const RETRY: Duration = Duration::from_secs(5);
/// Objects per page of an initial list.
pub(super) const PAGE: u32 = 500;
/// A syncing kind reports its count every this many objects.
const PROGRESS_EVERY: usize = 1000;
/// Most events handed to the console at once.
const BATCH: usize = 5000;
/// How often pod metrics are listed again.
const METRICS_EVERY: Duration = Duration::from_secs(60);
/// Concurrent `/configz` requests.
const CONFIGZ_PARALLEL: usize = 4;
/// Kubelet settings, as snapshots hold them.
pub(super) const KUBELET_KIND: &str = "KubeletConfiguration";
pub(super) const KUBELET_GROUP: &str = "kubelet.config.k8s.io";

/// What to watch beyond the connection.
#[derive(Debug, Clone, Default)]
pub struct WatchScope {
    /// Kind labels to watch where the server has them (see
    /// `resources::wanted`).
    pub kinds: BTreeSet<String>,
    /// Namespaced kinds only in these namespaces (`-n`); empty: all.
    pub namespaces: Vec<String>,
}

/// Watches the cluster until `out` is closed, sending batches of events.
pub async fn run(conn: Connection, scope: WatchScope, out: mpsc::Sender<Vec<Event>>) {
    let (tx, rx) = mpsc::unbounded_channel::<Event>();
    let batcher = tokio::spawn(batch(rx, out));
    tokio::spawn(clock(tx.clone()));
    let board = Arc::new(Board::default());
    let mut started: BTreeSet<String> = BTreeSet::new();
    let mut configz = false;
    while !tx.is_closed() {
        let found = tokio::time::timeout(
            conn.request_timeout * 3,
            resources::resolve(conn.client.clone(), &scope.kinds),
        )
        .await;
        let wait = match found {
            Ok(Ok(found)) => {
                if let Some(metrics) = found.metrics
                    && started.insert(metrics.kind.clone())
                {
                    let _ = tx.send(syncing(&metrics.kind, &metrics.group));
                    tokio::spawn(poll_metrics(conn.clone(), metrics, tx.clone()));
                }
                let new: Vec<Watched> = found
                    .watched
                    .into_iter()
                    .filter(|w| started.insert(w.label()))
                    .collect();
                // Every new kind is announced before any is listed, so a
                // reader waiting for all to settle knows them all.
                for w in &new {
                    let _ = tx.send(syncing(&w.resource.kind, &w.resource.group));
                }
                if !configz {
                    let _ = tx.send(syncing(KUBELET_KIND, KUBELET_GROUP));
                }
                for w in new {
                    spawn_watchers(&conn, &scope, w, &tx, &board);
                }
                if !configz {
                    configz = true;
                    tokio::spawn(kubelet_configs(conn.clone(), tx.clone()));
                }
                REDISCOVER
            }
            Ok(Err(e)) => {
                let _ = tx.send(Event::Notice(format!("discovery failed: {}", describe(&e))));
                if started.is_empty() {
                    RETRY
                } else {
                    REDISCOVER
                }
            }
            Err(_) => {
                let _ = tx.send(Event::Notice(format!(
                    "discovery did not answer within {}s",
                    (conn.request_timeout * 3).as_secs()
                )));
                if started.is_empty() {
                    RETRY
                } else {
                    REDISCOVER
                }
            }
        };
        tokio::time::sleep(wait).await;
    }
    batcher.abort();
}

fn syncing(kind: &str, group: &str) -> Event {
    Event::Status {
        kind: kind.into(),
        group: group.into(),
        status: KindStatus::Syncing { seen: 0 },
    }
}

/// Hands events to the console in batches: whatever queued up while the
/// console handled the previous batch goes in the next.
async fn batch(mut rx: mpsc::UnboundedReceiver<Event>, out: mpsc::Sender<Vec<Event>>) {
    while let Some(first) = rx.recv().await {
        let mut events = vec![first];
        while events.len() < BATCH {
            match rx.try_recv() {
                Ok(e) => events.push(e),
                Err(_) => break,
            }
        }
        if out.send(events).await.is_err() {
            return; // the console is gone
        }
    }
}

async fn clock(tx: mpsc::UnboundedSender<Event>) {
    loop {
        if tx.send(Event::Clock(Timestamp::now())).is_err() {
            return;
        }
        tokio::time::sleep(CLOCK).await;
    }
}

fn spawn_watchers(
    conn: &Connection,
    scope: &WatchScope,
    w: Watched,
    tx: &mpsc::UnboundedSender<Event>,
    board: &Arc<Board>,
) {
    let watch = |ns: Option<String>| {
        let feed = Feed {
            tx: tx.clone(),
            board: board.clone(),
        };
        tokio::spawn(watch_kind(conn.clone(), w.clone(), ns, feed));
    };
    if w.namespaced && !scope.namespaces.is_empty() {
        scope.namespaces.iter().cloned().map(Some).for_each(watch);
    } else {
        watch(None);
    }
}

/// Where a watcher's events go, and the board that combines its status
/// with its kind's other watchers'.
#[derive(Clone)]
struct Feed {
    tx: mpsc::UnboundedSender<Event>,
    board: Arc<Board>,
}

/// Why a watcher stopped.
enum Ended {
    /// The console is gone, or the stream ended.
    Done,
    /// Forbidden to list in every namespace, where narrower is possible.
    Forbidden,
}

/// One kind's watch, until the console is gone. A user who may not list a
/// namespaced kind in every namespace falls back to the context's namespace
/// (as kubectl does); `-n` names others.
async fn watch_kind(conn: Connection, w: Watched, namespace: Option<String>, feed: Feed) {
    fn api<K>(conn: &Connection, w: &Watched, namespace: Option<&str>) -> Api<K>
    where
        K: kube::Resource<
                DynamicType = kube::discovery::ApiResource,
                Scope = kube::core::DynamicResourceScope,
            >,
    {
        match namespace {
            Some(ns) => Api::namespaced_with(conn.client.clone(), ns, &w.resource),
            None => Api::all_with(conn.client.clone(), &w.resource),
        }
    }
    let r = w.resource.clone();
    let raw =
        move |obj: RawObject| object(decode_text(obj.text(), &r.api_version, &r.kind), &r.kind);
    let r = w.resource.clone();
    let meta_only = move |obj: PartialObjectMeta<DynamicObject>| {
        let v = serde_json::json!({
            "apiVersion": r.api_version, "kind": r.kind, "metadata": obj.metadata,
        });
        object(decode(v, None), &r.kind)
    };
    let mut namespace = namespace;
    loop {
        let narrower =
            (namespace.is_none() && w.namespaced).then(|| conn.default_namespace.clone());
        let config = watcher::Config::default().page_size(PAGE);
        let retry = Retry::default();
        let at = Pumped {
            w: &w,
            namespace: namespace.as_deref(),
            narrower: narrower.is_some(),
            retry: &retry,
            feed: &feed,
        };
        let ended = if w.metadata_only {
            // A metadata-only Api asks for PartialObjectMetadata: no data.
            let api: Api<PartialObjectMeta<DynamicObject>> = api(&conn, &w, namespace.as_deref());
            let s = watcher::watcher(api, config)
                .backoff(retry.clone())
                .map(|e| e.map(|e| map_event(e, &meta_only)));
            pump(s, &at).await
        } else {
            let api: Api<RawObject> = api(&conn, &w, namespace.as_deref());
            let s = watcher::watcher(api, config)
                .backoff(retry.clone())
                .map(|e| e.map(|e| map_event(e, &raw)));
            pump(s, &at).await
        };
        match (ended, narrower) {
            (Ended::Forbidden, Some(ns)) => {
                let (kind, group) = (&w.resource.kind, &w.resource.group);
                feed.board.forget(kind, group, None);
                let _ = feed.tx.send(Event::Notice(format!(
                    "{kind} may not be listed in every namespace: watching namespace {ns} \
                     (the context's; -n names others)"
                )));
                namespace = Some(ns);
            }
            _ => return,
        }
    }
}

/// kube's default backoff, remembering the delay it last handed out so a
/// failing kind can count down to its retry: `StreamBackoff` takes the
/// delay before it yields the error the pump then reports.
#[derive(Clone, Default)]
struct Retry {
    backoff: Arc<std::sync::Mutex<(DefaultBackoff, Option<Timestamp>)>>,
}

impl Retry {
    fn next_at(&self) -> Option<Timestamp> {
        self.backoff.lock().ok()?.1
    }
}

impl Iterator for Retry {
    type Item = Duration;

    fn next(&mut self) -> Option<Duration> {
        let mut b = self.backoff.lock().ok()?;
        let delay = b.0.next();
        b.1 = delay.and_then(|d| Timestamp::now().checked_add(d).ok());
        delay
    }
}

impl Backoff for Retry {
    fn reset(&mut self) {
        if let Ok(mut b) = self.backoff.lock() {
            b.0.reset();
            b.1 = None;
        }
    }
}

fn map_event<K>(e: WatchEvent<K>, f: &impl Fn(K) -> Option<ObjRef>) -> WatchEvent<Option<ObjRef>> {
    match e {
        WatchEvent::Apply(o) => WatchEvent::Apply(f(o)),
        WatchEvent::Delete(o) => WatchEvent::Delete(f(o)),
        WatchEvent::Init => WatchEvent::Init,
        WatchEvent::InitApply(o) => WatchEvent::InitApply(f(o)),
        WatchEvent::InitDone => WatchEvent::InitDone,
    }
}

/// Turns one kind's watch events into source events.
/// What one watch of a kind pumps into: the kind, the namespace watched
/// (`None`: all), whether a narrower fallback exists, the backoff, the feed.
struct Pumped<'a> {
    w: &'a Watched,
    namespace: Option<&'a str>,
    narrower: bool,
    retry: &'a Retry,
    feed: &'a Feed,
}

async fn pump(
    stream: impl Stream<Item = Result<WatchEvent<Option<ObjRef>>, watcher::Error>>,
    at: &Pumped<'_>,
) -> Ended {
    let Pumped {
        w,
        namespace,
        narrower,
        retry,
        feed,
    } = *at;
    let tx = &feed.tx;
    let kind = w.resource.kind.clone();
    let group = w.resource.group.clone();
    let status = |s: KindStatus| Event::Status {
        kind: kind.clone(),
        group: group.clone(),
        status: feed.board.report(&kind, &group, namespace, s),
    };
    let mut stream = std::pin::pin!(stream);
    let mut listed: Vec<ObjRef> = Vec::new();
    let mut failing_since: Option<Timestamp> = None;
    // The last list or watch failed (forbidden or an error).
    let mut refused = false;
    let where_ = namespace.map_or(String::new(), |ns| format!(" in {ns}"));
    while let Some(event) = stream.next().await {
        let sent = match event {
            Ok(WatchEvent::Init) => {
                listed.clear();
                // A retry after a refusal or an error keeps saying so (with
                // "retrying") until a list succeeds.
                if refused {
                    Ok(())
                } else {
                    tx.send(status(KindStatus::Syncing { seen: 0 }))
                }
            }
            Ok(WatchEvent::InitApply(obj)) => {
                listed.extend(obj);
                if listed.len().is_multiple_of(PROGRESS_EVERY) {
                    tx.send(status(KindStatus::Syncing { seen: listed.len() }))
                } else {
                    Ok(())
                }
            }
            Ok(WatchEvent::InitDone) => {
                failing_since = None;
                refused = false;
                debug!("{kind}.{group}{where_}: listed {}", listed.len());
                let objects = std::mem::take(&mut listed);
                tx.send(Event::Relist {
                    kind: kind.clone(),
                    group: group.clone(),
                    namespace: namespace.map(str::to_string),
                    objects,
                })
                .and_then(|_| tx.send(status(KindStatus::Ready)))
            }
            Ok(WatchEvent::Apply(obj)) => match obj {
                Some(obj) => tx.send(Event::Apply(obj)),
                None => Ok(()),
            },
            Ok(WatchEvent::Delete(obj)) => match obj {
                Some(obj) => tx.send(Event::Delete(obj.key.clone())),
                None => Ok(()),
            },
            Err(e) => match status_of(&e) {
                Some(KindStatus::Error { reason, .. }) => {
                    refused = true;
                    let since = *failing_since.get_or_insert_with(Timestamp::now);
                    warn!("{kind}.{group}{where_}: {reason}");
                    tx.send(status(KindStatus::Error {
                        reason: format!(
                            "{reason} (stale since {})",
                            since.strftime("%H:%M:%S UTC")
                        ),
                        retry_at: retry.next_at(),
                    }))
                }
                Some(KindStatus::Forbidden(_)) if narrower => return Ended::Forbidden,
                Some(s) => {
                    refused = true;
                    info!("{kind}.{group}{where_}: {s:?}");
                    tx.send(status(s))
                }
                None => Ok(()),
            },
        };
        if sent.is_err() {
            return Ended::Done; // the console is gone
        }
    }
    Ended::Done
}

/// A decoded object, or `None` with a warning naming what could not be read.
fn object(decoded: Result<crate::model::Object, DecodeError>, kind: &str) -> Option<ObjRef> {
    match decoded {
        Ok(obj) => Some(Arc::new(obj)),
        Err(e) => {
            let at = e
                .field
                .as_deref()
                .map_or(String::new(), |f| format!(" at {f}"));
            warn!("a {kind} could not be read{at}: {}", e.message);
            None
        }
    }
}

/// What a watch error means for the kind: forbidden, an error to show, or
/// nothing (410 Gone: the watcher lists again by itself).
fn status_of(e: &watcher::Error) -> Option<KindStatus> {
    let api = match e {
        watcher::Error::InitialListFailed(ke)
        | watcher::Error::WatchStartFailed(ke)
        | watcher::Error::WatchFailed(ke) => match ke {
            kube::Error::Api(s) => Some((s.code, s.message.clone())),
            other => return Some(KindStatus::error(describe(other))),
        },
        watcher::Error::WatchError(s) => Some((s.code, s.message.clone())),
        watcher::Error::NoResourceVersion => None,
    };
    match api {
        Some((403, m)) => Some(KindStatus::Forbidden(m)),
        Some((410, _)) | None => None,
        Some((code, m)) => Some(KindStatus::error(format!("{code} {m}"))),
    }
}

/// A kube error in a sentence (the API server's message where it sent one).
pub fn describe(e: &kube::Error) -> String {
    match e {
        kube::Error::Api(s) => match s.code {
            401 => format!(
                "401 unauthorized: the server rejected the credentials ({})",
                s.message
            ),
            code => format!("{code} {}", s.message),
        },
        other => {
            // The innermost cause says what happened (connection refused …).
            let mut text = other.to_string();
            let mut source = std::error::Error::source(other);
            while let Some(s) = source {
                let part = s.to_string();
                // Layers often repeat their cause's words.
                if !text.contains(&part) {
                    text = format!("{text}: {part}");
                }
                source = s.source();
            }
            text
        }
    }
}

/// Pod metrics (metrics.k8s.io cannot be watched): listed every
/// `METRICS_EVERY`, each list replacing the last.
async fn poll_metrics(conn: Connection, resource: ApiResource, tx: mpsc::UnboundedSender<Event>) {
    let api: Api<RawObject> = Api::all_with(conn.client.clone(), &resource);
    loop {
        let mut objects = Vec::new();
        let mut params = ListParams::default().limit(PAGE);
        let status = loop {
            match tokio::time::timeout(conn.request_timeout, api.list(&params)).await {
                Err(_) => break KindStatus::error("listing pod metrics timed out"),
                Ok(Err(kube::Error::Api(s))) if s.code == 403 => {
                    break KindStatus::Forbidden(s.message.clone());
                }
                Ok(Err(e)) => break KindStatus::error(describe(&e)),
                Ok(Ok(page)) => {
                    objects.extend(page.items.iter().filter_map(|o| {
                        let decoded = decode_text(o.text(), &resource.api_version, &resource.kind);
                        object(decoded, &resource.kind)
                    }));
                    match page.metadata.continue_ {
                        Some(t) if !t.is_empty() => params = params.continue_token(&t),
                        _ => break KindStatus::Ready,
                    }
                }
            }
        };
        let relist = (status == KindStatus::Ready).then(|| Event::Relist {
            kind: resource.kind.clone(),
            group: resource.group.clone(),
            namespace: None,
            objects,
        });
        let status = Event::Status {
            kind: resource.kind.clone(),
            group: resource.group.clone(),
            status,
        };
        if relist
            .into_iter()
            .chain([status])
            .any(|e| tx.send(e).is_err())
        {
            return;
        }
        tokio::time::sleep(METRICS_EVERY).await;
    }
}

/// Kubelet settings from each node's `/configz` (through the API server's
/// node proxy), once at start: as `KubeletConfiguration` objects named
/// after their node, the form snapshots capture. Forbidden or absent, the
/// checks that need them say `unknown`.
async fn kubelet_configs(conn: Connection, tx: mpsc::UnboundedSender<Event>) {
    let status = |s: KindStatus| Event::Status {
        kind: KUBELET_KIND.into(),
        group: KUBELET_GROUP.into(),
        status: s,
    };
    let nodes: Api<Node> = Api::all(conn.client.clone());
    let names = match list_names(&nodes, conn.request_timeout).await {
        Ok(n) => n,
        Err(s) => {
            let _ = tx.send(status(s));
            return;
        }
    };
    let fetched = futures::stream::iter(names)
        .map(|node| {
            let conn = conn.clone();
            async move { (configz(&conn, &node).await, node) }
        })
        .buffer_unordered(CONFIGZ_PARALLEL)
        .collect::<Vec<_>>()
        .await;
    let mut objects = Vec::new();
    for (result, node) in fetched {
        match result {
            Ok(Some(obj)) => objects.push(obj),
            Ok(None) => debug!("node {node}: no /configz"),
            Err(s @ KindStatus::Forbidden(_)) => {
                let _ = tx.send(status(s));
                return;
            }
            Err(s) => warn!("node {node}: /configz: {s:?}"),
        }
    }
    let _ = tx.send(Event::Relist {
        kind: KUBELET_KIND.into(),
        group: KUBELET_GROUP.into(),
        namespace: None,
        objects,
    });
    let _ = tx.send(status(KindStatus::Ready));
}

pub(super) async fn list_names(
    nodes: &Api<Node>,
    timeout: Duration,
) -> Result<Vec<String>, KindStatus> {
    let mut names = Vec::new();
    let mut params = ListParams::default().limit(PAGE);
    loop {
        let page = tokio::time::timeout(timeout, nodes.list_metadata(&params))
            .await
            .map_err(|_| KindStatus::error("listing nodes timed out"))?
            .map_err(|e| match &e {
                kube::Error::Api(s) if s.code == 403 => KindStatus::Forbidden(s.message.clone()),
                other => KindStatus::error(describe(other)),
            })?;
        names.extend(page.items.into_iter().filter_map(|n| n.metadata.name));
        match page.metadata.continue_ {
            Some(token) if !token.is_empty() => params = params.continue_token(&token),
            _ => return Ok(names),
        }
    }
}

/// One node's kubelet configuration; `None` when the node has none to give.
async fn configz(conn: &Connection, node: &str) -> Result<Option<ObjRef>, KindStatus> {
    Ok(configz_value(conn, node)
        .await?
        .and_then(|v| object(decode(v, None), KUBELET_KIND)))
}

/// One node's `/configz` as a `KubeletConfiguration` object named after
/// the node (`kready snapshot` writes it as it is).
pub(super) async fn configz_value(
    conn: &Connection,
    node: &str,
) -> Result<Option<Value>, KindStatus> {
    let path = format!("/api/v1/nodes/{node}/proxy/configz");
    let request = http::Request::get(&path)
        .body(Vec::new())
        .map_err(|e| KindStatus::error(e.to_string()))?;
    let text =
        match tokio::time::timeout(conn.request_timeout, conn.client.request_text(request)).await {
            Err(_) => return Err(KindStatus::error(format!("{path}: timed out"))),
            Ok(Err(kube::Error::Api(s))) if s.code == 403 => {
                return Err(KindStatus::Forbidden(s.message.clone()));
            }
            Ok(Err(kube::Error::Api(s))) if s.code == 404 => return Ok(None),
            Ok(Err(e)) => return Err(KindStatus::error(describe(&e))),
            Ok(Ok(text)) => text,
        };
    let Ok(Value::Object(mut body)) = serde_json::from_str::<Value>(&text) else {
        return Err(KindStatus::error(format!("{path}: not a JSON object")));
    };
    // `{"kubeletconfig": {...}}`; accept it unwrapped too.
    let mut config = match body.remove("kubeletconfig") {
        Some(Value::Object(c)) => c,
        _ => body,
    };
    config.insert(
        "apiVersion".into(),
        Value::String(format!("{KUBELET_GROUP}/v1beta1")),
    );
    config.insert("kind".into(), Value::String(KUBELET_KIND.into()));
    config.insert("metadata".into(), serde_json::json!({ "name": node }));
    Ok(Some(Value::Object(config)))
}
