//! HTTP: the accept loop, authentication, injected faults, routing, the
//! request log, and the response helpers (`Status` errors as the real
//! server writes them).

use std::collections::HashMap;
use std::convert::Infallible;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body_util::combinators::UnsyncBoxBody;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;
use serde_json::{Value, json};
use tokio::sync::oneshot;

use super::config::Config;
use super::log::Record;
use super::{Shared, auth, discovery, faults, list, objects, subresources, watch, write};

pub type Body = UnsyncBoxBody<Bytes, Infallible>;

/// Accepts connections while the server is up; pausing closes the port
/// and drops every open connection (watches included), resuming listens on
/// the same address again with the same state — an API server restart.
pub async fn serve(
    shared: Arc<Shared>,
    first: tokio::net::TcpListener,
    mut stop: oneshot::Receiver<()>,
) {
    let mut up = shared.up.subscribe();
    let mut listener = Some(first);
    loop {
        let Some(l) = listener.take() else {
            // Down: wait to be resumed, then listen again.
            tokio::select! {
                _ = &mut stop => return,
                _ = up.wait_for(|up| *up) => {}
            }
            match tokio::net::TcpListener::bind(shared.addr).await {
                Ok(l) => listener = Some(l),
                Err(e) => {
                    eprintln!("sim-apiserver: cannot listen again on {}: {e}", shared.addr);
                    return;
                }
            }
            continue;
        };
        tokio::select! {
            _ = &mut stop => return,
            _ = up.wait_for(|up| !*up) => drop(l),
            accepted = l.accept() => {
                listener = Some(l);
                let Ok((stream, _)) = accepted else { continue };
                let _ = stream.set_nodelay(true);
                let shared = shared.clone();
                let mut conn_up = shared.up.subscribe();
                tokio::spawn(async move {
                    let svc = hyper::service::service_fn(move |req| {
                        let shared = shared.clone();
                        async move { Ok::<_, Infallible>(handle(shared, req).await) }
                    });
                    let conn = hyper::server::conn::http1::Builder::new()
                        .serve_connection(TokioIo::new(stream), svc);
                    // A client hanging up mid-request is not the server's
                    // error; pausing drops the connection.
                    tokio::select! {
                        _ = conn => {}
                        _ = conn_up.wait_for(|up| !*up) => {}
                    }
                });
            }
        }
    }
}

/// One request, as parsed once for routing and the log.
pub struct Req {
    pub method: String,
    pub path: String,
    pub query: HashMap<String, String>,
    pub content_type: String,
    pub accept: String,
    pub user_agent: String,
    pub body: Bytes,
}

impl Req {
    pub fn param(&self, key: &str) -> Option<&str> {
        self.query
            .get(key)
            .map(String::as_str)
            .filter(|v| !v.is_empty())
    }

    pub fn flag(&self, key: &str) -> bool {
        matches!(self.param(key), Some("true" | "1"))
    }

    pub fn dry_run(&self) -> bool {
        self.param("dryRun") == Some("All")
    }
}

async fn handle(shared: Arc<Shared>, req: Request<Incoming>) -> Response<Body> {
    let start = Instant::now();
    let at_ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis());
    let path_q = req
        .uri()
        .path_and_query()
        .map_or_else(String::new, |p| p.as_str().to_string());
    let cfg = shared.config();
    if cfg.faults.latency_ms > 0 {
        tokio::time::sleep(Duration::from_millis(cfg.faults.latency_ms)).await;
    }
    let header = |name: &str| {
        req.headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string()
    };
    let authorization = header("authorization");
    let content_type = header("content-type");
    let accept = header("accept");
    let user_agent = header("user-agent");
    let method = req.method().to_string();
    let path = req.uri().path().to_string();
    let query = parse_query(req.uri().query().unwrap_or_default());
    let body = match req.into_body().collect().await {
        Ok(b) => b.to_bytes(),
        Err(_) => Bytes::new(),
    };
    let r = Req {
        method,
        path,
        query,
        content_type,
        accept,
        user_agent,
        body,
    };
    let watch = r.method == "GET" && r.flag("watch");
    let n = shared.requests.fetch_add(1, Ordering::Relaxed) + 1;
    let refused = auth::authenticate(&cfg, &r.path, &authorization)
        .or_else(|| faults::inject(&cfg.faults, n, &r.path));
    let resp = match refused {
        Some(resp) => resp,
        None => route(&shared, &cfg, &r).await,
    };
    shared.log.push(Record {
        at_ms,
        method: r.method,
        path: path_q,
        status: resp.status().as_u16(),
        accept: r.accept,
        duration_ms: start.elapsed().as_secs_f64() * 1000.0,
        watch,
    });
    resp
}

async fn route(shared: &Arc<Shared>, cfg: &Config, r: &Req) -> Response<Body> {
    let segs: Vec<&str> = r.path.split('/').filter(|s| !s.is_empty()).collect();
    let get = r.method == "GET";
    match segs.as_slice() {
        ["version"] if get => json_ok(&discovery::version(&shared.store().server_version)),
        ["healthz" | "livez" | "readyz"] if get => text(200, "ok"),
        ["api" | "apis"] if get && discovery::wants_aggregated(&r.accept) => {
            let doc = discovery::aggregated(&shared.store().registry, segs[0] == "api");
            let mut resp = json_ok(&doc);
            resp.headers_mut().insert(
                "content-type",
                hyper::header::HeaderValue::from_static(discovery::AGGREGATED),
            );
            resp
        }
        ["api"] if get => json_ok(&discovery::core_versions(&shared.addr.to_string())),
        ["apis"] if get => json_ok(&discovery::group_list(&shared.store().registry)),
        ["apis", g] if get => match discovery::group(&shared.store().registry, g) {
            Some(v) => json_ok(&v),
            None => not_found_path(),
        },
        ["openapi", "v3"] if get => json_ok(&discovery::openapi_root(&shared.store().registry)),
        ["openapi", "v3", "api", v] if get => openapi(shared, "", v),
        ["openapi", "v3", "apis", g, v] if get => openapi(shared, g, v),
        ["api", v] if get => resource_list(shared, "", v),
        ["apis", g, v] if get => resource_list(shared, g, v),
        ["api", v, rest @ ..] => resource(shared, cfg, r, "", v, rest).await,
        ["apis", g, v, rest @ ..] => resource(shared, cfg, r, g, v, rest).await,
        _ => not_found_path(),
    }
}

fn openapi(shared: &Shared, group: &str, version: &str) -> Response<Body> {
    match discovery::openapi_group_version(&shared.store().registry, group, version) {
        Some(v) => json_ok(&v),
        None => not_found_path(),
    }
}

fn resource_list(shared: &Shared, group: &str, version: &str) -> Response<Body> {
    match discovery::resource_list(&shared.store().registry, group, version) {
        Some(v) => json_ok(&v),
        None => not_found_path(),
    }
}

/// A request for a resource: what it names and which verb it is.
pub struct Target {
    pub res: usize,
    pub namespace: Option<String>,
    pub name: Option<String>,
    pub sub: Option<String>,
    pub verb: &'static str,
}

async fn resource(
    shared: &Arc<Shared>,
    cfg: &Config,
    r: &Req,
    group: &str,
    version: &str,
    rest: &[&str],
) -> Response<Body> {
    let (namespace, plural, tail) = match rest {
        ["namespaces", ns, plural, tail @ ..] => (Some(ns.to_string()), *plural, tail),
        [plural, tail @ ..] => (None, *plural, tail),
        [] => return not_found_path(),
    };
    let (res, resource) = {
        let store = shared.store();
        match store.registry.by_path(group, version, plural) {
            Some(i) => (i, store.res(i).clone()),
            None => return not_found_path(),
        }
    };
    if namespace.is_some() && !resource.namespaced {
        return not_found_path();
    }
    let name = tail.first().map(|s| s.to_string());
    let sub = (tail.len() > 1).then(|| tail[1..].join("/"));
    let verb = match (r.method.as_str(), &name) {
        ("GET", None) if r.flag("watch") => "watch",
        ("GET", None) => "list",
        ("GET", Some(_)) => "get",
        ("POST", None) => "create",
        ("PUT", Some(_)) => "update",
        ("PATCH", Some(_)) => "patch",
        ("DELETE", Some(_)) => "delete",
        ("DELETE", None) => "deletecollection",
        _ => return method_not_allowed(),
    };
    // Subresources: only the node proxy's configz, and status (served as
    // the object itself).
    let sub_resource = match sub.as_deref() {
        None => None,
        Some("status") => Some("status"),
        Some("scale") if resource.scalable() && matches!(verb, "get" | "update" | "patch") => {
            Some("scale")
        }
        Some("proxy/configz") if plural == "nodes" && verb == "get" => Some("proxy"),
        Some(_) => return not_found_path(),
    };
    let auth_resource = match sub_resource {
        Some(s) => format!("{plural}/{s}"),
        None => plural.to_string(),
    };
    if auth::refused(
        &cfg.forbid,
        verb,
        group,
        &auth_resource,
        namespace.as_deref(),
    ) {
        let msg = auth::forbidden_message(
            &cfg.user,
            verb,
            group,
            plural,
            sub_resource,
            namespace.as_deref(),
            name.as_deref(),
        );
        let mut details = json!({"kind": plural});
        if let Some(m) = details.as_object_mut() {
            if let Some(n) = &name {
                m.insert("name".into(), n.clone().into());
            }
            if !group.is_empty() {
                m.insert("group".into(), group.into());
            }
        }
        return status(403, "Forbidden", &msg, Some(details));
    }
    if !resource.verbs.iter().any(|v| v == verb) {
        return method_not_allowed();
    }
    let t = Target {
        res,
        namespace,
        name,
        sub: sub_resource.map(String::from),
        verb,
    };
    if t.sub.as_deref() == Some("proxy") {
        return subresources::configz(shared, &t);
    }
    if t.sub.as_deref() == Some("scale") {
        return subresources::scale(shared, r, &t);
    }
    match (group, plural) {
        ("authorization.k8s.io", "selfsubjectaccessreviews") => {
            return match parse_body(r) {
                Ok(v) => json_response(201, &auth::access_review(&cfg.forbid, v)),
                Err(resp) => resp,
            };
        }
        ("authorization.k8s.io", "selfsubjectrulesreviews") => {
            return match parse_body(r) {
                Ok(v) => {
                    let reg = shared.store().registry.clone();
                    json_response(201, &auth::rules_review(&cfg.forbid, &reg, v))
                }
                Err(resp) => resp,
            };
        }
        _ => {}
    }
    match verb {
        "list" => list::list(shared, r, &t).await,
        "watch" => watch::watch(shared, cfg, r, &t),
        "get" => objects::get(shared, r, &t),
        "create" => write::create(shared, r, &t),
        "update" => write::update(shared, r, &t),
        "patch" => write::patch(shared, r, &t),
        "delete" => write::delete(shared, r, &t),
        _ => method_not_allowed(),
    }
}

/// The request body as JSON (or YAML, which apply patches may be).
pub fn parse_body(r: &Req) -> Result<Value, Response<Body>> {
    // Protobuf is decoded for the access reviews only (client-go's typed
    // clients send it); other protobuf and CBOR bodies are refused.
    let ct = r.content_type.split(';').next().unwrap_or_default().trim();
    if ct.contains("protobuf")
        && let Some(v) = super::proto::decode_review(&r.body)
    {
        return Ok(v);
    }
    if ct.contains("protobuf") || ct.contains("cbor") {
        return Err(status(
            415,
            "UnsupportedMediaType",
            &format!(
                "the body of the request was in an unknown format - accepted media types include: application/json, application/yaml (not {ct})"
            ),
            None,
        ));
    }
    let text = std::str::from_utf8(&r.body)
        .map_err(|_| status(400, "BadRequest", "the body is not UTF-8", None))?;
    if let Ok(v) = serde_json::from_str::<Value>(text) {
        return Ok(v);
    }
    serde_saphyr::from_str::<Value>(text).map_err(|e| {
        status(
            400,
            "BadRequest",
            &format!("the body of the request was in an unknown format: {e}"),
            None,
        )
    })
}

pub fn parse_query(q: &str) -> HashMap<String, String> {
    q.split('&')
        .filter(|kv| !kv.is_empty())
        .map(|kv| {
            let (k, v) = kv.split_once('=').unwrap_or((kv, ""));
            (percent_decode(k), percent_decode(v))
        })
        .collect()
}

pub fn percent_decode(s: &str) -> String {
    let hex = |b: u8| (b as char).to_digit(16);
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let escaped = match (bytes[i], bytes.get(i + 1), bytes.get(i + 2)) {
            (b'%', Some(&h), Some(&l)) => hex(h).zip(hex(l)).map(|(h, l)| (h * 16 + l) as u8),
            _ => None,
        };
        match (escaped, bytes[i]) {
            (Some(b), _) => {
                out.push(b);
                i += 2;
            }
            (None, b'+') => out.push(b' '),
            (None, b) => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

pub fn full(b: impl Into<Bytes>) -> Body {
    Full::new(b.into()).boxed_unsync()
}

pub fn text(code: u16, body: &str) -> Response<Body> {
    let mut resp = Response::new(full(body.to_string()));
    *resp.status_mut() = hyper::StatusCode::from_u16(code).unwrap_or_default();
    resp.headers_mut().insert(
        "content-type",
        hyper::header::HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    resp
}

pub fn json_text(code: u16, body: String) -> Response<Body> {
    let mut resp = Response::new(full(body));
    *resp.status_mut() = hyper::StatusCode::from_u16(code).unwrap_or_default();
    resp.headers_mut().insert(
        "content-type",
        hyper::header::HeaderValue::from_static("application/json"),
    );
    resp
}

pub fn json_response(code: u16, v: &Value) -> Response<Body> {
    json_text(code, v.to_string())
}

pub fn json_ok(v: &Value) -> Response<Body> {
    json_response(200, v)
}

/// A `Status` error body, as `apierrors` writes one.
pub fn status_value(code: u16, reason: &str, message: &str, details: Option<Value>) -> Value {
    let mut v = json!({
        "kind": "Status",
        "apiVersion": "v1",
        "metadata": {},
        "status": "Failure",
        "message": message,
        "reason": reason,
        "code": code,
    });
    if let (Some(d), Some(m)) = (details, v.as_object_mut()) {
        m.insert("details".into(), d);
    }
    v
}

pub fn status(code: u16, reason: &str, message: &str, details: Option<Value>) -> Response<Body> {
    json_response(code, &status_value(code, reason, message, details))
}

pub fn not_found_path() -> Response<Body> {
    status(
        404,
        "NotFound",
        "the server could not find the requested resource",
        None,
    )
}

pub fn method_not_allowed() -> Response<Body> {
    status(
        405,
        "MethodNotAllowed",
        "the server does not allow this method on the requested resource",
        None,
    )
}
