//! Live mode against the simulated API server (127.0.0.1, bounded waits):
//! a live cluster gives the same results as its snapshot; forbidden kinds
//! make their checks `unknown`; an unreachable or silent server is reported
//! at once; watches that drop, and histories that expire (410), converge
//! on the server's state with nothing lost or duplicated; after the sync
//! nothing is polled.

#[path = "../examples/sim-apiserver/sim/mod.rs"]
mod sim;

#[path = "support/run.rs"]
mod run;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Output;
use std::time::{Duration, Instant};

use kready::source::Event;
use kready::source::live::{self, ConnectOptions, WatchScope};
use kready::store::{ClusterStore, KindStatus};
use run::kready;
use serde_json::Value;
use sim::{Config, Faults, Forbid, Handle, Server};
use tokio::sync::mpsc;

/// The demo's capture time: results are compared as of it.
const NOW: &str = "2026-11-20T09:30:00Z";

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The demo cluster, served.
fn serve_demo(f: impl FnOnce(&mut Config)) -> Handle {
    let mut config = Config {
        snapshot: Some(root().join("assets/demo")),
        bookmark_interval_ms: 200,
        ..Config::default()
    };
    f(&mut config);
    Server::start(config).expect("the simulator starts")
}

fn kubeconfig(handle: &Handle, dir: &Path) -> PathBuf {
    let path = dir.join("kubeconfig");
    handle.write_kubeconfig(&path).expect("write kubeconfig");
    path
}

fn results(out: &Output) -> Vec<Value> {
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}); stderr: {}",
            String::from_utf8_lossy(&out.stderr)
        )
    });
    let mut results = doc["results"].as_array().expect("results").clone();
    // Where a snapshot's object was read from: live objects have no file.
    for r in &mut results {
        if let Some(r) = r.as_object_mut() {
            r.remove("location");
        }
    }
    results
}

/// `kready check --format json` on the served cluster, as of `NOW`.
fn check_live(sim: &Handle) -> Output {
    let dir = tempfile::tempdir().expect("tempdir");
    let kc = kubeconfig(sim, dir.path());
    let kc = kc.to_str().expect("utf-8 path");
    kready(&[
        "check",
        "--kubeconfig",
        kc,
        "--now",
        NOW,
        "--format",
        "json",
    ])
}

/// The same on the demo snapshot.
fn check_demo() -> Output {
    kready(&["check", "--demo", "--now", NOW, "--format", "json"])
}

#[test]
fn a_live_cluster_gives_the_results_of_its_snapshot() {
    let sim = serve_demo(|_| {});
    let live = check_live(&sim);
    let snapshot = check_demo();
    assert_eq!(live.status.code(), snapshot.status.code());
    let (live, snapshot) = (results(&live), results(&snapshot));
    assert!(live.len() > 1000, "the demo's results: {}", live.len());
    assert_eq!(live.len(), snapshot.len());
    for (l, s) in live.iter().zip(&snapshot) {
        assert_eq!(l, s, "the same result in the same place");
    }
}

#[test]
fn forbidden_kinds_make_their_checks_unknown_and_leave_the_rest() {
    let sim = serve_demo(|c| {
        c.forbid = vec![Forbid {
            group: Some("policy".into()),
            ..Forbid::resource("poddisruptionbudgets")
        }]
    });
    let out = check_live(&sim);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("PodDisruptionBudget") && stderr.contains("forbidden"),
        "the forbidden kind is named: {stderr}"
    );
    let live = results(&out);
    let of = |rs: &[Value], check: &str| -> Vec<Value> {
        rs.iter().filter(|r| r["check"] == check).cloned().collect()
    };
    let pdb = of(&live, "workload/pdb-present");
    assert_eq!(pdb.len(), 1, "one unknown says why: {pdb:?}");
    assert_eq!(pdb[0]["status"], "unknown");
    let message = pdb[0]["message"].as_str().unwrap_or_default();
    assert!(
        message.contains("PodDisruptionBudget may not be listed") && message.contains("forbidden"),
        "{message}"
    );
    // A check that reads no PDB is as in the snapshot.
    let snapshot = results(&check_demo());
    for check in ["workload/replicas", "security/privileged", "rbac/wildcards"] {
        assert_eq!(of(&live, check), of(&snapshot, check), "{check}");
    }
}

#[test]
fn an_unreachable_server_is_reported_at_once() {
    let mut sim = serve_demo(|_| {});
    let dir = tempfile::tempdir().expect("tempdir");
    let kc = kubeconfig(&sim, dir.path());
    sim.stop();
    let start = Instant::now();
    let out = kready(&["check", "--kubeconfig", kc.to_str().expect("utf-8")]);
    assert_eq!(out.status.code(), Some(2));
    assert!(start.elapsed() < Duration::from_secs(10));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("context sim (http://127.0.0.1:") && stderr.contains("refused"),
        "{stderr}"
    );
}

#[test]
fn a_server_that_does_not_answer_is_not_waited_on() {
    let sim = serve_demo(|c| {
        c.faults = Faults {
            latency_ms: 5_000,
            ..Faults::default()
        }
    });
    let dir = tempfile::tempdir().expect("tempdir");
    let kc = kubeconfig(&sim, dir.path());
    let start = Instant::now();
    let out = kready(&[
        "check",
        "--kubeconfig",
        kc.to_str().expect("utf-8"),
        "--request-timeout",
        "1s",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        start.elapsed() < Duration::from_secs(4),
        "{:?}",
        start.elapsed()
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("did not answer within 1s"), "{stderr}");
}

#[test]
fn no_kubeconfig_says_how_to_open_the_demo() {
    // HOME is an empty directory: no ~/.kube/config.
    let out = kready(&["check"]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("no kubeconfig found") && stderr.contains("kready --demo"));
}

/// The live source folding into a store, as the console's runtime does.
struct Watching {
    store: ClusterStore,
    events: mpsc::Receiver<Vec<Event>>,
}

impl Watching {
    /// Folds what arrives for up to `within`, until `done` holds.
    async fn until(
        &mut self,
        within: Duration,
        mut done: impl FnMut(&ClusterStore) -> bool,
    ) -> bool {
        let end = tokio::time::Instant::now() + within;
        loop {
            if done(&self.store) {
                return true;
            }
            match tokio::time::timeout_at(end, self.events.recv()).await {
                Ok(Some(batch)) => {
                    for e in batch {
                        e.apply_to(&mut self.store);
                    }
                }
                _ => return done(&self.store),
            }
        }
    }
}

async fn connect(kubeconfig: &Path) -> live::Connection {
    live::connect(&ConnectOptions {
        kubeconfig: Some(kubeconfig.to_path_buf()),
        context: None,
        request_timeout: Duration::from_secs(5),
    })
    .await
    .expect("connects")
}

/// Runs `body` on a live source once it has listed every kind of `sim`.
fn with_synced_source(sim: &Handle, body: impl AsyncFnOnce(&mut Watching)) {
    let dir = tempfile::tempdir().expect("tempdir");
    let kc = kubeconfig(sim, dir.path());
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    rt.block_on(async {
        let conn = connect(&kc).await;
        let store = ClusterStore::new(live::cluster_info(&conn));
        let (tx, events) = mpsc::channel(16);
        let scope = WatchScope {
            kinds: live::wanted(kready::checks::kinds_read()),
            namespaces: Vec::new(),
        };
        tokio::spawn(live::run(conn, scope, tx));
        let mut w = Watching { store, events };
        assert!(w.until(Duration::from_secs(30), synced).await, "synced");
        body(&mut w).await;
    });
}

fn synced(store: &ClusterStore) -> bool {
    let statuses = store.statuses();
    !statuses.is_empty()
        && statuses
            .iter()
            .all(|(_, s)| !matches!(s, KindStatus::Syncing { .. }))
}

/// Pods by namespace/name with their resourceVersion.
fn pods_in(store: &ClusterStore) -> BTreeMap<String, String> {
    store
        .list("Pod")
        .map(|p| {
            (
                format!("{}/{}", p.namespace(), p.name()),
                p.meta.resource_version.clone().unwrap_or_default(),
            )
        })
        .collect()
}

/// The pods the server holds, from a plain list.
fn pods_on_server(sim: &Handle) -> BTreeMap<String, String> {
    let http = sim::client::Client::new(sim.addr(), Some("sim-token"));
    let list = http.get("/api/v1/pods").json();
    list["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|p| {
            (
                format!(
                    "{}/{}",
                    p["metadata"]["namespace"].as_str().unwrap_or_default(),
                    p["metadata"]["name"].as_str().unwrap_or_default()
                ),
                p["metadata"]["resourceVersion"]
                    .as_str()
                    .unwrap_or_default()
                    .to_string(),
            )
        })
        .collect()
}

#[test]
fn watches_that_drop_and_expire_converge_on_the_server() {
    // Every watch ends after 5 events, and the history keeps 8 changes per
    // kind: re-established watches often start too late and get 410.
    let sim = serve_demo(|c| {
        c.history = 8;
        c.faults = Faults {
            drop_watch_after: Some(5),
            ..Faults::default()
        };
    });
    with_synced_source(&sim, async |w| {
        assert_eq!(pods_in(&w.store), pods_on_server(&sim));
        let lists_before = sim.requests().iter().filter(|r| is_list(r)).count();

        // Changes, deletions and new pods, faster than the watches last.
        let pods: Vec<(String, String)> = w
            .store
            .list("Pod")
            .take(40)
            .map(|p| (p.namespace().to_string(), p.name().to_string()))
            .collect();
        for (i, (ns, name)) in pods.iter().enumerate() {
            match i % 4 {
                0 => {
                    sim.delete("v1", "Pod", ns, name).expect("delete");
                }
                _ => {
                    sim.mutate("v1", "Pod", ns, name, |v| {
                        v["metadata"]["annotations"]["kready.io/test"] = Value::from(i.to_string());
                    })
                    .expect("mutate");
                }
            }
            if i % 8 == 0 {
                sim.apply(serde_json::json!({
                    "apiVersion": "v1", "kind": "Pod",
                    "metadata": {"name": format!("added-{i}"), "namespace": ns},
                    "spec": {"containers": [{"name": "c", "image": "img:1"}]},
                }))
                .expect("apply");
            }
        }
        let want = pods_on_server(&sim);
        let converged = w
            .until(Duration::from_secs(30), |s| pods_in(s) == want)
            .await;
        let have = pods_in(&w.store);
        let differ: Vec<_> = want
            .iter()
            .filter(|(k, v)| have.get(*k) != Some(v))
            .chain(have.iter().filter(|(k, _)| !want.contains_key(*k)))
            .take(5)
            .collect();
        assert!(
            converged,
            "the store has every pod at its resourceVersion; differ: {differ:?}, pods: {:?}",
            w.store.status("Pod")
        );
        let lists_after = sim.requests().iter().filter(|r| is_list(r)).count();
        assert!(
            lists_after > lists_before,
            "some watch met a 410 and listed again"
        );
    });
}

fn is_list(r: &sim::log::Record) -> bool {
    r.method == "GET" && !r.watch && r.path.starts_with("/api/v1/pods")
}

#[test]
fn after_the_sync_nothing_is_polled() {
    let sim = serve_demo(|_| {});
    with_synced_source(&sim, async |w| {
        // Let the watches open, then count what is asked while idle.
        w.until(Duration::from_millis(500), |_| false).await;
        sim.clear_requests();
        w.until(Duration::from_secs(2), |_| false).await;
        let asked: Vec<String> = sim
            .requests()
            .iter()
            .filter(|r| !r.watch)
            .map(|r| format!("{} {}", r.method, r.path))
            .collect();
        assert!(asked.is_empty(), "requests while idle: {asked:?}");
    });
}

/// `y` in live mode: the whole current object from the server (a managed
/// pod's image and command, which the store trims), and a Secret's
/// metadata only.
#[test]
fn fetch_gets_the_whole_object_and_never_secret_data() {
    let sim = serve_demo(|_| {});
    let dir = tempfile::tempdir().expect("tempdir");
    let kc = kubeconfig(&sim, dir.path());
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    rt.block_on(async {
        let conn = connect(&kc).await;
        let http = sim::client::Client::new(sim.addr(), Some("sim-token"));
        let pods = http.get("/api/v1/namespaces/checkout/pods").json();
        let pod = &pods["items"][0]["metadata"];
        let name = pod["name"].as_str().expect("a pod");
        let got = live::fetch(&conn, "v1", "Pod", "checkout", name)
            .await
            .expect("fetched");
        assert_eq!(got["kind"], "Pod");
        assert!(
            got["spec"]["containers"][0]["image"].is_string(),
            "the whole spec: {got}"
        );
        let secrets = http.get("/api/v1/secrets").json();
        let s = &secrets["items"][0]["metadata"];
        let (ns, name) = (
            s["namespace"].as_str().expect("ns"),
            s["name"].as_str().expect("name"),
        );
        sim.clear_requests(); // the test's own list above asked for data
        let secret = live::fetch(&conn, "v1", "Secret", ns, name)
            .await
            .expect("fetched");
        assert_eq!(secret["metadata"]["name"], name);
        assert!(
            secret.get("data").is_none() && secret.get("stringData").is_none(),
            "no Secret data is ever requested: {secret}"
        );
        let missing = live::fetch(&conn, "v1", "Pod", "checkout", "gone").await;
        assert!(missing.is_err_and(|e| e.contains("404")));
    });
    let secret_requests: Vec<_> = sim
        .requests()
        .into_iter()
        .filter(|r| r.path.contains("/secrets"))
        .collect();
    assert!(!secret_requests.is_empty());
    assert!(
        secret_requests
            .iter()
            .all(|r| r.accept.contains("PartialObjectMetadata")),
        "Secrets are asked for as metadata only: {secret_requests:?}"
    );
}

/// A user who may read pods only in some namespaces: without `-n`, kready
/// falls back to the context's namespace and says so; with `-n` it watches
/// the namespaces named. Either way the pods there are checked.
#[test]
fn a_user_limited_to_namespaces_is_watched_there() {
    let sim = serve_demo(|c| {
        c.forbid = vec![sim::Forbid {
            except_namespaces: vec!["checkout".into(), "payments".into()],
            ..Forbid::resource("pods")
        }]
    });
    let dir = tempfile::tempdir().expect("tempdir");
    let kc = dir.path().join("kubeconfig");
    std::fs::write(
        &kc,
        sim.kubeconfig()
            .replace("namespace: default", "namespace: checkout"),
    )
    .expect("kubeconfig");
    let kc = kc.to_str().expect("utf-8");
    let pod_namespaces = |out: &Output| -> std::collections::BTreeSet<String> {
        results(out)
            .iter()
            .filter(|r| r["subject"]["kind"] == "Pod")
            .filter_map(|r| r["subject"]["namespace"].as_str().map(str::to_string))
            .collect()
    };
    let out = kready(&[
        "check",
        "--kubeconfig",
        kc,
        "--now",
        NOW,
        "--format",
        "json",
    ]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("Pod may not be listed in every namespace: watching namespace checkout"),
        "{stderr}"
    );
    assert_eq!(pod_namespaces(&out), ["checkout".to_string()].into());

    let out = kready(&[
        "check",
        "--kubeconfig",
        kc,
        "--now",
        NOW,
        "--format",
        "json",
        "-n",
        "checkout,payments",
    ]);
    assert_eq!(
        pod_namespaces(&out),
        ["checkout".to_string(), "payments".to_string()].into()
    );
}

fn rss_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            let line = s.lines().find(|l| l.starts_with("VmRSS:"))?.to_string();
            line.split_whitespace().nth(1)?.parse::<f64>().ok()
        })
        .map_or(0.0, |kb| kb / 1024.0)
}

/// A bounded soak: the simulator's mutation driver changes pods (annotations,
/// restart counts, a bounded churn of added and deleted pods) at 200 a
/// second for 8 s; the store keeps up, ends equal to the server, and the
/// process does not grow (the full 10-minute soak is `benches/live.sh`).
#[test]
fn a_bounded_soak_under_the_mutation_driver_shows_no_growth() {
    let sim = serve_demo(|_| {});
    with_synced_source(&sim, async |w| {
        let objects = w.store.len();
        sim.start_driver(200.0);
        w.until(Duration::from_secs(3), |_| false).await;
        let warm = rss_mb();
        w.until(Duration::from_secs(5), |_| false).await;
        let grown = rss_mb() - warm;
        sim.stop_driver();
        let want = pods_on_server(&sim);
        assert!(
            w.until(Duration::from_secs(20), |s| pods_in(s) == want)
                .await,
            "the store ends equal to the server"
        );
        assert!(
            w.store.len() < objects + 200,
            "the churn is bounded: {} objects, {objects} at the start",
            w.store.len()
        );
        assert!(grown < 100.0, "RSS grew {grown:.0} MB in 5 s of changes");
        eprintln!("soak: RSS {warm:.0} → {:.0} MB", warm + grown);
    });
}

/// A kind the server keeps answering 500 shows the error with a countdown
/// to the watcher's next retry, and the retries back off instead of
/// hammering the server.
#[test]
fn a_failing_kind_counts_down_to_its_retry() {
    let sim = serve_demo(|c| {
        c.faults.error_fraction = 1.0;
        c.faults.only_path = Some("/poddisruptionbudgets".into());
    });
    with_synced_source(&sim, async |w| {
        let status = w.store.status("PodDisruptionBudget").cloned();
        let Some(KindStatus::Error { reason, retry_at }) = &status else {
            panic!("PodDisruptionBudget failing: {status:?}");
        };
        assert!(reason.contains("500"), "{reason}");
        let now = k8s_openapi::jiff::Timestamp::now();
        assert!(retry_at.is_some_and(|at| at > now), "{retry_at:?}");
        let countdown = status.as_ref().unwrap().retry_countdown(now);
        assert!(
            countdown
                .as_deref()
                .is_some_and(|c| c.starts_with("retry in ")),
            "{countdown:?}"
        );
        sim.clear_requests();
        w.until(Duration::from_secs(3), |_| false).await;
        let retries = sim
            .requests()
            .iter()
            .filter(|r| r.path.contains("/poddisruptionbudgets"))
            .count();
        assert!(
            (1..=4).contains(&retries),
            "backed-off retries in 3 s: {retries}"
        );
    });
}
