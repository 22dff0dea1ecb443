//! A simulated Kubernetes API server for tests and demos: it serves a
//! snapshot directory over plain HTTP on 127.0.0.1 with the real API's
//! semantics (discovery, paginated lists, watches with bookmarks and 410s,
//! server-side apply, dry runs, access reviews, the node configz proxy),
//! plus configurable 403s, injected faults, a request log and a driver that
//! changes objects to make watch traffic.
//!
//! Tests include it with
//! `#[path = "../examples/sim-apiserver/sim/mod.rs"] mod sim;` and start it
//! with `sim::Server::start(config)`; it runs on its own thread and tokio
//! runtime, so a test needs no runtime of its own, and `Handle::stop` (or
//! dropping the handle) ends it and every open connection.

// Each test uses part of the API.
#![allow(dead_code)]
// Handlers return an error response as `Err`; boxing it buys nothing here.
#![allow(clippy::result_large_err)]

pub mod apply;
pub mod auth;
pub mod client;
pub mod config;
pub mod discovery;
pub mod driver;
pub mod faults;
pub mod http;
pub mod list;
pub mod load;
pub mod log;
pub mod objects;
pub mod proto;
pub mod resources;
pub mod select;
pub mod store;
pub mod subresources;
pub mod watch;
pub mod write;

use std::net::SocketAddr;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use serde_json::Value;
use tokio::sync::{broadcast, oneshot};

pub use config::{Config, Faults, Forbid};
pub use log::Record;
use resources::{Registry, split_api_version};
use store::{Change, Store};

/// What the server's tasks share.
pub struct Shared {
    store: Mutex<Store>,
    /// Every change, in resourceVersion order (sent under the store lock).
    changes: broadcast::Sender<Arc<Change>>,
    config: Mutex<Config>,
    pub log: log::RequestLog,
    /// Requests seen, for the every-Nth faults.
    requests: AtomicU64,
    /// Mutation drivers stop when this changes.
    driver_epoch: AtomicU64,
    /// Whether the server listens (false: paused, the port is closed).
    up: tokio::sync::watch::Sender<bool>,
    pub addr: SocketAddr,
}

/// A watch that falls this many changes behind is closed (the real server
/// closes unresponsive watchers too); the client re-watches.
const CHANGE_BUFFER: usize = 65_536;

impl Shared {
    pub fn store(&self) -> MutexGuard<'_, Store> {
        // A panicking handler must not take the server down with it.
        self.store.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn config(&self) -> Config {
        self.config
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    fn config_mut(&self) -> MutexGuard<'_, Config> {
        self.config.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn subscribe(&self) -> broadcast::Receiver<Arc<Change>> {
        self.changes.subscribe()
    }

    /// Announces a change; called with the store locked so that watches
    /// see changes in resourceVersion order.
    pub fn publish(&self, change: Arc<Change>) {
        // No receivers is fine: nobody watches.
        let _ = self.changes.send(change);
    }
}

pub struct Server;

impl Server {
    /// Loads the snapshot, binds 127.0.0.1:`config.port` and serves on a
    /// thread of its own until the handle is stopped or dropped.
    pub fn start(config: Config) -> Result<Handle, String> {
        let mut store = Store::new(Registry::builtin(), config.history);
        if let Some(dir) = &config.snapshot {
            load::load_dir(&mut store, dir)?;
        }
        let listener = std::net::TcpListener::bind(("127.0.0.1", config.port))
            .map_err(|e| format!("cannot listen on 127.0.0.1:{}: {e}", config.port))?;
        listener
            .set_nonblocking(true)
            .map_err(|e| format!("cannot listen: {e}"))?;
        let addr = listener
            .local_addr()
            .map_err(|e| format!("cannot listen: {e}"))?;
        let log = log::RequestLog::to_file(config.request_log.as_deref())
            .map_err(|e| format!("request log: {e}"))?;
        let (changes, _) = broadcast::channel(CHANGE_BUFFER);
        let shared = Arc::new(Shared {
            store: Mutex::new(store),
            changes,
            config: Mutex::new(config.clone()),
            log,
            requests: AtomicU64::new(0),
            driver_epoch: AtomicU64::new(0),
            up: tokio::sync::watch::Sender::new(true),
            addr,
        });
        let (stop_tx, stop_rx) = oneshot::channel::<()>();
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("sim-apiserver")
            .enable_all()
            .build()
            .map_err(|e| format!("cannot start a runtime: {e}"))?;
        let runtime_handle = runtime.handle().clone();
        let s = shared.clone();
        let thread = std::thread::Builder::new()
            .name("sim-apiserver".into())
            .spawn(move || {
                runtime.block_on(async move {
                    let listener = match tokio::net::TcpListener::from_std(listener) {
                        Ok(l) => l,
                        Err(e) => {
                            eprintln!("sim-apiserver: {e}");
                            return;
                        }
                    };
                    if config.mutate_rate > 0.0 {
                        tokio::spawn(driver::run(s.clone(), config.mutate_rate, 0));
                    }
                    http::serve(s, listener, stop_rx).await;
                });
                // Ends every connection and watch still open: a dead server.
                runtime.shutdown_background();
            })
            .map_err(|e| format!("cannot start the server thread: {e}"))?;
        Ok(Handle {
            shared,
            stop: Some(stop_tx),
            thread: Some(thread),
            runtime: runtime_handle,
        })
    }
}

/// The running server, for the test that started it.
pub struct Handle {
    shared: Arc<Shared>,
    stop: Option<oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
    runtime: tokio::runtime::Handle,
}

impl Handle {
    pub fn addr(&self) -> SocketAddr {
        self.shared.addr
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.shared.addr)
    }

    /// A kubeconfig whose only context points at this server with its
    /// bearer token.
    pub fn kubeconfig(&self) -> String {
        kubeconfig(&[("sim", self)])
    }

    pub fn write_kubeconfig(&self, path: &Path) -> std::io::Result<()> {
        std::fs::write(path, self.kubeconfig())
    }

    /// Every request answered so far.
    pub fn requests(&self) -> Vec<Record> {
        self.shared.log.all()
    }

    pub fn clear_requests(&self) {
        self.shared.log.clear();
    }

    /// The current (global) resourceVersion.
    pub fn resource_version(&self) -> u64 {
        self.shared.store().rv
    }

    /// Changes the running configuration (403 rules, faults, token,
    /// bookmark interval, history window); takes effect on the next request
    /// (for watches: the next one opened).
    pub fn configure(&self, f: impl FnOnce(&mut Config)) {
        let mut cfg = self.shared.config_mut();
        f(&mut cfg);
        let history = cfg.history;
        drop(cfg);
        self.shared.store().set_history_cap(history);
    }

    pub fn set_forbid(&self, rules: Vec<Forbid>) {
        self.configure(|c| c.forbid = rules);
    }

    pub fn set_faults(&self, faults: Faults) {
        self.configure(|c| c.faults = faults);
    }

    /// Changes one stored object with `f` (a MODIFIED event); returns the
    /// new resourceVersion.
    pub fn mutate(
        &self,
        api_version: &str,
        kind: &str,
        namespace: &str,
        name: &str,
        f: impl FnOnce(&mut Value),
    ) -> Result<u64, String> {
        let mut store = self.shared.store();
        let res = resource_of(&store, api_version, kind)?;
        let obj = store
            .get(res, namespace, name)
            .ok_or_else(|| format!("{kind} {namespace}/{name} not found"))?
            .clone();
        let mut value = obj.value(store.res(res));
        f(&mut value);
        let change = store.put(res, value);
        let rv = change.rv;
        self.shared.publish(change);
        Ok(rv)
    }

    /// Creates or replaces an object (ADDED or MODIFIED); returns the new
    /// resourceVersion.
    pub fn apply(&self, mut value: Value) -> Result<u64, String> {
        let mut store = self.shared.store();
        let api_version = value
            .get("apiVersion")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string();
        let kind = value
            .get("kind")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string();
        let res = resource_of(&store, &api_version, &kind)?;
        let ns = value
            .pointer("/metadata/namespace")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string();
        let name = value
            .pointer("/metadata/name")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string();
        let old = store.get(res, &ns, &name).map(|o| o.value(store.res(res)));
        write::server_fields(&mut store, old.as_ref(), &mut value);
        let change = store.put(res, value);
        let rv = change.rv;
        self.shared.publish(change);
        Ok(rv)
    }

    /// Deletes an object (DELETED); returns the new resourceVersion.
    pub fn delete(
        &self,
        api_version: &str,
        kind: &str,
        namespace: &str,
        name: &str,
    ) -> Result<u64, String> {
        let mut store = self.shared.store();
        let res = resource_of(&store, api_version, kind)?;
        let change = store
            .delete(res, namespace, name)
            .ok_or_else(|| format!("{kind} {namespace}/{name} not found"))?;
        let rv = change.rv;
        self.shared.publish(change);
        Ok(rv)
    }

    /// How many objects of a kind are stored.
    pub fn count(&self, api_version: &str, kind: &str) -> usize {
        let store = self.shared.store();
        resource_of(&store, api_version, kind).map_or(0, |r| store.count(r))
    }

    /// Takes the server down without losing its state: the port is closed
    /// and every open connection (watches included) is dropped, until
    /// `resume`. Clients see a dead server; after `resume` they see the
    /// same objects and resourceVersions, as after an API server restart.
    /// Returns once the port refuses connections (or after 5 s).
    pub fn pause(&self) {
        self.shared.up.send_replace(false);
        let addr = self.addr();
        wait_for(Duration::from_secs(5), || {
            std::net::TcpStream::connect_timeout(&addr, Duration::from_millis(100)).is_err()
        });
    }

    /// Listens again on the same address (see `pause`); returns once the
    /// port accepts connections (or after 5 s).
    pub fn resume(&self) {
        self.shared.up.send_replace(true);
        let addr = self.addr();
        wait_for(Duration::from_secs(5), || {
            std::net::TcpStream::connect_timeout(&addr, Duration::from_millis(100)).is_ok()
        });
    }

    /// Stops the server: the port is closed and every open connection
    /// (watches included) is dropped, as when an API server dies.
    pub fn stop(&mut self) {
        if let Some(tx) = self.stop.take() {
            let _ = tx.send(());
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }

    /// Starts a mutation driver at `rate` changes per second; it runs until
    /// `stop_driver` or the server stops.
    pub fn start_driver(&self, rate: f64) {
        let epoch = self.shared.driver_epoch.load(Ordering::SeqCst);
        self.runtime
            .spawn(driver::run(self.shared.clone(), rate, epoch));
    }

    pub fn stop_driver(&self) {
        self.shared.driver_epoch.fetch_add(1, Ordering::SeqCst);
    }
}

impl Drop for Handle {
    fn drop(&mut self) {
        self.stop();
    }
}

/// A kubeconfig with one context per server (cluster, context and user
/// all named by the given name); the first is the current context. For
/// tests of context switching and fleet scans.
pub fn kubeconfig(servers: &[(&str, &Handle)]) -> String {
    let (mut clusters, mut contexts, mut users) = (String::new(), String::new(), String::new());
    for (name, h) in servers {
        clusters.push_str(&format!(
            "- name: {name}\n  cluster:\n    server: {}\n",
            h.url()
        ));
        contexts.push_str(&format!(
            "- name: {name}\n  context:\n    cluster: {name}\n    user: {name}\n    namespace: default\n"
        ));
        let user = match h.shared.config().token {
            Some(t) => format!("    token: {t}\n"),
            None => "    {}\n".to_string(),
        };
        users.push_str(&format!("- name: {name}\n  user:\n{user}"));
    }
    let current = servers.first().map_or("", |(n, _)| n);
    format!(
        "apiVersion: v1\nkind: Config\nclusters:\n{clusters}contexts:\n{contexts}current-context: {current}\nusers:\n{users}"
    )
}

fn resource_of(store: &Store, api_version: &str, kind: &str) -> Result<usize, String> {
    let (group, _) = split_api_version(api_version);
    store
        .registry
        .by_kind(group, kind)
        .ok_or_else(|| format!("no resource for {api_version} {kind}"))
}

/// Waits for `cond`, checking every 10 ms, up to `timeout`.
pub fn wait_for(timeout: Duration, mut cond: impl FnMut() -> bool) -> bool {
    let end = std::time::Instant::now() + timeout;
    while std::time::Instant::now() < end {
        if cond() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    cond()
}
