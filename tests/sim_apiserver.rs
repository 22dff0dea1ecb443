//! The simulated API server's semantics over plain HTTP on 127.0.0.1:
//! discovery, lists (selectors, pagination, resourceVersion), watches
//! (bookmarks, 410, streaming lists), writes (server-side apply, dry runs),
//! authorization, faults — and kube-rs's own watcher and apply against it.
//! Every wait is bounded.

#[path = "../examples/sim-apiserver/sim/mod.rs"]
mod sim;

#[path = "../benches/support/cluster_gen.rs"]
#[allow(dead_code)]
mod cluster_gen;

use std::path::Path;
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use sim::client::Client;
use sim::{Config, Faults, Forbid, Handle, Server};

const SEC: Duration = Duration::from_secs(1);

/// A small cluster: two namespaces, two nodes (one with a kubelet
/// configz), twelve pods, a Deployment, a CRD and one of its objects.
fn fixture(dir: &Path) {
    let mut items = vec![
        json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "a"}}),
        json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "b"}}),
        json!({"apiVersion": "v1", "kind": "Node", "metadata": {"name": "n1", "labels": {"zone": "z1"}}}),
        json!({"apiVersion": "v1", "kind": "Node", "metadata": {"name": "n2", "labels": {"zone": "z2"}}}),
        json!({"apiVersion": "kubelet.config.k8s.io/v1beta1", "kind": "KubeletConfiguration",
               "metadata": {"name": "n1"}, "authentication": {"anonymous": {"enabled": false}}}),
        json!({"apiVersion": "apps/v1", "kind": "Deployment",
               "metadata": {"name": "web", "namespace": "a", "labels": {"app": "web"}},
               "spec": {"replicas": 2, "selector": {"matchLabels": {"app": "web"}},
                        "template": {"metadata": {"labels": {"app": "web"}},
                                     "spec": {"containers": [{"name": "app", "image": "web:1"}]}}}}),
        json!({"apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
               "metadata": {"name": "backups.velero.io"},
               "spec": {"group": "velero.io", "scope": "Namespaced",
                        "names": {"kind": "Backup", "plural": "backups", "singular": "backup", "listKind": "BackupList"},
                        "versions": [{"name": "v1", "served": true, "storage": true}]}}),
        json!({"apiVersion": "velero.io/v1", "kind": "Backup", "metadata": {"name": "nightly", "namespace": "a"},
               "status": {"phase": "Completed"}}),
        json!({"apiVersion": "example.com/v1", "kind": "Gadget", "metadata": {"name": "g1"}}),
        json!({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "db", "namespace": "a"},
               "type": "Opaque", "data": {"password": "c2VjcmV0"}}),
    ];
    for i in 0..12 {
        let ns = if i < 8 { "a" } else { "b" };
        let app = if i % 2 == 0 { "web" } else { "db" };
        let node = if i % 3 == 0 { "n1" } else { "n2" };
        items.push(json!({"apiVersion": "v1", "kind": "Pod",
            "metadata": {"name": format!("p{i:02}"), "namespace": ns, "labels": {"app": app}},
            "spec": {"nodeName": node, "containers": [{"name": "app", "image": "img:1"}]},
            "status": {"phase": "Running", "containerStatuses": [{"name": "app", "restartCount": 0}]}}));
    }
    let list = json!({"apiVersion": "v1", "kind": "List", "items": items});
    std::fs::write(dir.join("cluster.json"), list.to_string()).expect("write fixture");
}

struct Sim {
    handle: Handle,
    http: Client,
    _dir: tempfile::TempDir,
}

fn start(f: impl FnOnce(&mut Config)) -> Sim {
    let dir = tempfile::tempdir().expect("tempdir");
    fixture(dir.path());
    let mut config = Config {
        snapshot: Some(dir.path().to_path_buf()),
        bookmark_interval_ms: 100,
        ..Config::default()
    };
    f(&mut config);
    let token = config.token.clone();
    let handle = Server::start(config).expect("start the simulator");
    let http = Client::new(handle.addr(), token.as_deref());
    Sim {
        handle,
        http,
        _dir: dir,
    }
}

fn names(list: &Value) -> Vec<String> {
    list["items"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|i| {
                    i["metadata"]["name"]
                        .as_str()
                        .unwrap_or_default()
                        .to_string()
                })
                .collect()
        })
        .unwrap_or_default()
}

fn rv_of(v: &Value) -> u64 {
    v["metadata"]["resourceVersion"]
        .as_str()
        .and_then(|s| s.parse().ok())
        .expect("a resourceVersion")
}

// ───────────────────────────── discovery ─────────────────────────────

#[test]
fn discovery_lists_builtin_crd_and_guessed_kinds() {
    let s = start(|_| {});
    let v = s.http.get("/version").json();
    assert_eq!(v["major"], "1");
    assert!(
        v["gitVersion"]
            .as_str()
            .is_some_and(|g| g.starts_with("v1."))
    );

    let api = s.http.get("/api").json();
    assert_eq!(api["kind"], "APIVersions");
    assert_eq!(api["versions"], json!(["v1"]));

    let core = s.http.get("/api/v1").json();
    let pods = core["resources"]
        .as_array()
        .and_then(|r| r.iter().find(|r| r["name"] == "pods"))
        .cloned();
    let pods = pods.expect("pods in /api/v1");
    assert_eq!(pods["kind"], "Pod");
    assert_eq!(pods["namespaced"], true);
    assert_eq!(pods["shortNames"], json!(["po"]));
    assert!(
        pods["verbs"]
            .as_array()
            .is_some_and(|v| v.contains(&json!("watch")))
    );

    let groups = s.http.get("/apis").json();
    let group_names: Vec<&str> = groups["groups"]
        .as_array()
        .map(|g| g.iter().filter_map(|g| g["name"].as_str()).collect())
        .unwrap_or_default();
    for g in [
        "apps",
        "batch",
        "rbac.authorization.k8s.io",
        "velero.io",
        "example.com",
        "authorization.k8s.io",
    ] {
        assert!(group_names.contains(&g), "{g} in /apis: {group_names:?}");
    }
    let apps = s.http.get("/apis/apps/v1").json();
    let deploy = apps["resources"]
        .as_array()
        .and_then(|r| r.iter().find(|r| r["name"] == "deployments"))
        .cloned();
    assert_eq!(
        deploy.expect("deployments")["shortNames"],
        json!(["deploy"])
    );
    // Built-in kinds absent from the snapshot are still served (empty).
    let jobs = s.http.get("/apis/batch/v1/jobs");
    assert_eq!(jobs.status, 200);
    assert_eq!(jobs.json()["kind"], "JobList");
    assert_eq!(jobs.json()["items"], json!([]));
    // A CRD's kind, and a kind with no CRD under a guessed plural.
    assert_eq!(
        s.http
            .get("/apis/velero.io/v1/namespaces/a/backups/nightly")
            .json()["status"]["phase"],
        "Completed"
    );
    assert_eq!(s.http.get("/apis/example.com/v1/gadgets/g1").status, 200);
    assert_eq!(s.http.get("/apis/nope.io/v1").status, 404);
    // OpenAPI v3: an index and per-group-version PATCH operations.
    let oa = s.http.get("/openapi/v3").json();
    assert!(oa["paths"]["api/v1"]["serverRelativeURL"].is_string());
}

#[test]
fn crds_created_and_deleted_at_run_time() {
    let s = start(|_| {});
    let crd = json!({"apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
        "metadata": {"name": "widgets.example.org"},
        "spec": {"group": "example.org", "scope": "Cluster",
                 "names": {"kind": "Widget", "plural": "widgets", "singular": "widget", "shortNames": ["wd"]},
                 "versions": [{"name": "v1alpha1", "served": true, "storage": true}]}});
    assert_eq!(s.http.get("/apis/example.org/v1alpha1").status, 404);
    let created = s.http.send_json(
        "POST",
        "/apis/apiextensions.k8s.io/v1/customresourcedefinitions",
        "application/json",
        &crd,
    );
    assert_eq!(created.status, 201);
    let list = s.http.get("/apis/example.org/v1alpha1").json();
    assert_eq!(list["resources"][0]["name"], "widgets");
    assert_eq!(list["resources"][0]["namespaced"], false);
    let w =
        json!({"apiVersion": "example.org/v1alpha1", "kind": "Widget", "metadata": {"name": "w1"}});
    assert_eq!(
        s.http
            .send_json(
                "POST",
                "/apis/example.org/v1alpha1/widgets",
                "application/json",
                &w
            )
            .status,
        201
    );
    assert_eq!(
        s.http.get("/apis/example.org/v1alpha1/widgets/w1").json()["kind"],
        "Widget"
    );
    s.handle
        .delete(
            "apiextensions.k8s.io/v1",
            "CustomResourceDefinition",
            "",
            "widgets.example.org",
        )
        .expect("delete the CRD");
    assert_eq!(s.http.get("/apis/example.org/v1alpha1").status, 404);
    assert_eq!(s.http.get("/apis/example.org/v1alpha1/widgets").status, 404);
    let groups = s.http.get("/apis").json();
    assert!(
        !groups["groups"]
            .as_array()
            .is_some_and(|g| g.iter().any(|g| g["name"] == "example.org"))
    );
    // Created again (through the handle this time): served again.
    s.handle.apply(crd).expect("apply the CRD");
    assert_eq!(s.http.get("/apis/example.org/v1alpha1/widgets").status, 200);
}

// ───────────────────────────── lists ─────────────────────────────

#[test]
fn list_get_and_selectors() {
    let s = start(|_| {});
    let all = s.http.get("/api/v1/pods").json();
    assert_eq!(all["kind"], "PodList");
    assert_eq!(names(&all).len(), 12);
    // Built-in list items carry no kind/apiVersion, as the real server's.
    assert!(all["items"][0].get("kind").is_none());
    // Custom resources' items do.
    let backups = s.http.get("/apis/velero.io/v1/backups").json();
    assert_eq!(backups["items"][0]["kind"], "Backup");

    assert_eq!(
        names(&s.http.get("/api/v1/namespaces/b/pods").json()),
        ["p08", "p09", "p10", "p11"]
    );
    assert_eq!(
        names(&s.http.get("/api/v1/pods?labelSelector=app%3Dweb").json()).len(),
        6
    );
    assert_eq!(
        names(
            &s.http
                .get("/api/v1/pods?labelSelector=app+in+(web,db),app!=db")
                .json()
        )
        .len(),
        6
    );
    assert_eq!(
        names(&s.http.get("/api/v1/pods?labelSelector=!app").json()).len(),
        0
    );
    assert_eq!(
        names(
            &s.http
                .get("/api/v1/pods?fieldSelector=spec.nodeName%3Dn1,metadata.namespace%3Da")
                .json()
        ),
        ["p00", "p03", "p06"]
    );
    let bad = s.http.get("/api/v1/pods?fieldSelector=spec.bogus%3Dx");
    assert_eq!(bad.status, 400);
    assert_eq!(
        bad.json()["message"],
        "field label not supported: spec.bogus"
    );

    let one = s.http.get("/api/v1/namespaces/a/pods/p00").json();
    assert_eq!(one["kind"], "Pod");
    assert_eq!(one["apiVersion"], "v1");
    let missing = s.http.get("/api/v1/namespaces/a/pods/nope");
    assert_eq!(missing.status, 404);
    assert_eq!(missing.json()["reason"], "NotFound");
    assert_eq!(missing.json()["message"], "pods \"nope\" not found");
    let missing = s
        .http
        .get("/apis/apps/v1/namespaces/a/deployments/nope")
        .json();
    assert_eq!(missing["message"], "deployments.apps \"nope\" not found");
}

#[test]
fn lists_are_in_etcd_key_order() {
    let s = start(|_| {});
    // "a-b/…" sorts before "a/…" in the real server's etcd keys ('-' < '/').
    s.handle
        .apply(json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "z", "namespace": "a-b"}, "spec": {}}))
        .expect("pod");
    let all = s.http.get("/api/v1/pods").json();
    assert_eq!(all["items"][0]["metadata"]["namespace"], "a-b");
    assert_eq!(all["items"][1]["metadata"]["namespace"], "a");
    let first = s.http.get("/api/v1/pods?limit=1").json();
    let token = first["metadata"]["continue"]
        .as_str()
        .expect("continue")
        .to_string();
    let second = s
        .http
        .get(&format!("/api/v1/pods?limit=1&continue={token}"))
        .json();
    assert_eq!(names(&first), ["z"]);
    assert_eq!(names(&second), ["p00"]);
}

#[test]
fn pagination_is_consistent_and_expires() {
    let s = start(|c| c.history = 5);
    let first = s.http.get("/api/v1/pods?limit=5").json();
    assert_eq!(names(&first), ["p00", "p01", "p02", "p03", "p04"]);
    assert_eq!(first["metadata"]["remainingItemCount"], 7);
    let snap = rv_of(&first);
    // A pod added after the first page is not in the later pages: they
    // are served as of the first page's resourceVersion.
    s.handle
        .apply(json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p99", "namespace": "b"}, "spec": {}}))
        .expect("add a pod");
    let mut seen = names(&first);
    let mut token = first["metadata"]["continue"]
        .as_str()
        .expect("a continue token")
        .to_string();
    loop {
        let page = s
            .http
            .get(&format!("/api/v1/pods?limit=5&continue={token}"))
            .json();
        assert_eq!(rv_of(&page), snap);
        seen.extend(names(&page));
        match page["metadata"]["continue"].as_str() {
            Some(t) => token = t.to_string(),
            None => break,
        }
    }
    assert_eq!(seen.len(), 12);
    assert!(!seen.contains(&"p99".to_string()));

    // Once the history no longer reaches back to the snapshot: 410.
    let first = s.http.get("/api/v1/pods?limit=5").json();
    let token = first["metadata"]["continue"]
        .as_str()
        .expect("a continue token")
        .to_string();
    for i in 0..6 {
        s.handle
            .mutate("v1", "Pod", "a", "p00", |p| {
                p["metadata"]["labels"]["n"] = json!(i.to_string())
            })
            .expect("mutate");
    }
    let expired = s
        .http
        .get(&format!("/api/v1/pods?limit=5&continue={token}"));
    assert_eq!(expired.status, 410);
    assert_eq!(expired.json()["reason"], "Expired");
    assert_eq!(s.http.get("/api/v1/pods?continue=garbage").status, 400);
}

#[test]
fn list_resource_version_semantics() {
    let s = start(|c| c.history = 3);
    let before = s.http.get("/api/v1/namespaces/a/pods").json();
    let rv0 = rv_of(&before);
    s.handle.delete("v1", "Pod", "a", "p00").expect("delete");
    // Exact: the list as it was.
    let exact = s
        .http
        .get(&format!(
            "/api/v1/namespaces/a/pods?resourceVersion={rv0}&resourceVersionMatch=Exact"
        ))
        .json();
    assert_eq!(names(&exact), names(&before));
    assert_eq!(rv_of(&exact), rv0);
    // NotOlderThan (and "0"): the current state.
    let now = s
        .http
        .get(&format!(
            "/api/v1/namespaces/a/pods?resourceVersion={rv0}&resourceVersionMatch=NotOlderThan"
        ))
        .json();
    assert_eq!(names(&now).len(), names(&before).len() - 1);
    assert!(rv_of(&now) > rv0);
    assert_eq!(
        names(
            &s.http
                .get("/api/v1/namespaces/a/pods?resourceVersion=0")
                .json()
        )
        .len(),
        7
    );
    // At "0" the limit is ignored (the watch cache serves it whole).
    let any = s
        .http
        .get("/api/v1/pods?resourceVersion=0&resourceVersionMatch=NotOlderThan&limit=2")
        .json();
    assert_eq!(names(&any).len(), 11);
    assert!(any["metadata"].get("continue").is_none());
    // In the future: 504 Timeout "Too large resource version".
    let future = s
        .http
        .get("/api/v1/pods?resourceVersion=999999999&resourceVersionMatch=NotOlderThan");
    assert_eq!(future.status, 504);
    assert!(
        future.json()["message"]
            .as_str()
            .is_some_and(|m| m.starts_with("Too large resource version"))
    );
    // Older than the history: 410.
    for i in 0..4 {
        s.handle
            .mutate("v1", "Pod", "a", "p01", |p| {
                p["metadata"]["labels"]["n"] = json!(i.to_string())
            })
            .expect("mutate");
    }
    let old = s.http.get(&format!(
        "/api/v1/namespaces/a/pods?resourceVersion={rv0}&resourceVersionMatch=Exact"
    ));
    assert_eq!(old.status, 410);
    assert_eq!(
        old.json()["message"],
        "The resourceVersion for the provided list is too old."
    );
    assert_eq!(
        s.http.get("/api/v1/pods?resourceVersionMatch=Exact").status,
        422
    );
}

#[test]
fn a_large_list_streams_whole_and_in_pages() {
    let dir = tempfile::tempdir().expect("tempdir");
    let params = cluster_gen::Params {
        nodes: 20,
        pods: 1500,
        deployments: 150,
        namespaces: 10,
        ..Default::default()
    };
    cluster_gen::generate(&params, dir.path()).expect("generate a cluster");
    let handle = Server::start(Config {
        snapshot: Some(dir.path().to_path_buf()),
        ..Config::default()
    })
    .expect("start");
    let http = Client::new(handle.addr(), Some("sim-token"));
    let stored = handle.count("v1", "Pod");
    assert!(stored >= 1500, "{stored} pods");
    let whole = http.get("/api/v1/pods");
    assert_eq!(whole.header("transfer-encoding"), Some("chunked"));
    assert_eq!(names(&whole.json()).len(), stored);
    let mut n = 0;
    let mut path = "/api/v1/pods?limit=500".to_string();
    loop {
        let page = http.get(&path).json();
        n += names(&page).len();
        match page["metadata"]["continue"].as_str() {
            Some(t) => path = format!("/api/v1/pods?limit=500&continue={t}"),
            None => break,
        }
    }
    assert_eq!(n, stored);
}

#[test]
fn metadata_only_lists_gets_and_watches() {
    let mut s = start(|_| {});
    s.http.accept =
        "application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json".into();
    let list = s.http.get("/api/v1/secrets");
    assert!(
        !String::from_utf8_lossy(&list.body).contains("c2VjcmV0"),
        "no secret data"
    );
    let list = list.json();
    assert_eq!(list["kind"], "PartialObjectMetadataList");
    assert_eq!(list["apiVersion"], "meta.k8s.io/v1");
    assert_eq!(list["items"][0]["kind"], "PartialObjectMetadata");
    assert_eq!(list["items"][0]["metadata"]["name"], "db");
    assert!(list["items"][0].get("data").is_none());
    s.http.accept =
        "application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1,application/json".into();
    let one = s.http.get("/api/v1/namespaces/a/secrets/db").json();
    assert_eq!(one["kind"], "PartialObjectMetadata");
    assert!(one.get("data").is_none());
    let rv = s.handle.resource_version();
    let mut w = s
        .http
        .watch(&format!("/api/v1/secrets?watch=1&resourceVersion={rv}"));
    s.handle
        .mutate("v1", "Secret", "a", "db", |v| {
            v["data"]["password"] = json!("bmV3")
        })
        .expect("mutate");
    let e = w.next(2 * SEC).expect("MODIFIED");
    assert_eq!(e["object"]["kind"], "PartialObjectMetadata");
    assert!(e["object"].get("data").is_none());
    assert!(
        s.handle
            .requests()
            .iter()
            .all(|r| r.accept.contains("PartialObjectMetadata"))
    );
}

// ───────────────────────────── watches ─────────────────────────────

fn event_type(e: &Value) -> &str {
    e["type"].as_str().unwrap_or_default()
}

#[test]
fn watch_sends_changes_and_bookmarks() {
    let s = start(|_| {});
    let list = s.http.get("/api/v1/namespaces/a/pods").json();
    let rv = rv_of(&list);
    let mut w = s.http.watch(&format!(
        "/api/v1/namespaces/a/pods?watch=1&resourceVersion={rv}&allowWatchBookmarks=true"
    ));
    assert_eq!(w.status, 200);
    let new_rv = s
        .handle
        .mutate("v1", "Pod", "a", "p02", |p| {
            p["status"]["phase"] = json!("Failed")
        })
        .expect("mutate");
    // A change in another namespace is not seen; it moves the bookmark on.
    s.handle
        .mutate("v1", "Pod", "b", "p08", |p| {
            p["status"]["phase"] = json!("Failed")
        })
        .expect("mutate");
    let e = w
        .until(2 * SEC, |e| event_type(e) != "BOOKMARK")
        .expect("a MODIFIED event");
    assert_eq!(event_type(&e), "MODIFIED");
    assert_eq!(e["object"]["kind"], "Pod");
    assert_eq!(e["object"]["metadata"]["name"], "p02");
    assert_eq!(rv_of(&e["object"]), new_rv);
    let b = w
        .until(2 * SEC, |e| event_type(e) == "BOOKMARK")
        .expect("a BOOKMARK");
    assert!(rv_of(&b["object"]) > new_rv);
    assert_eq!(b["object"]["kind"], "Pod");
    s.handle.delete("v1", "Pod", "a", "p02").expect("delete");
    let d = w
        .until(2 * SEC, |e| event_type(e) != "BOOKMARK")
        .expect("a DELETED event");
    assert_eq!(event_type(&d), "DELETED");

    // Without a resourceVersion: every object first, as ADDED.
    let mut w = s.http.watch("/api/v1/namespaces/b/pods?watch=true");
    let added: Vec<Value> = (0..4).filter_map(|_| w.next(2 * SEC)).collect();
    assert_eq!(added.len(), 4);
    assert!(added.iter().all(|e| event_type(e) == "ADDED"));
    // No bookmarks unless asked for.
    assert!(w.next(Duration::from_millis(300)).is_none());
}

#[test]
fn watch_with_selector_sees_objects_enter_and_leave() {
    let s = start(|_| {});
    let rv = s.handle.resource_version();
    let mut w = s.http.watch(&format!(
        "/api/v1/pods?watch=1&resourceVersion={rv}&labelSelector=app%3Dweb"
    ));
    s.handle
        .mutate("v1", "Pod", "a", "p01", |p| {
            p["metadata"]["labels"]["app"] = json!("web")
        })
        .expect("mutate");
    s.handle
        .mutate("v1", "Pod", "a", "p00", |p| {
            p["metadata"]["labels"]["app"] = json!("db")
        })
        .expect("mutate");
    let a = w.next(2 * SEC).expect("ADDED");
    assert_eq!(
        (event_type(&a), &a["object"]["metadata"]["name"]),
        ("ADDED", &json!("p01"))
    );
    let d = w.next(2 * SEC).expect("DELETED");
    assert_eq!(
        (event_type(&d), &d["object"]["metadata"]["name"]),
        ("DELETED", &json!("p00"))
    );
}

#[test]
fn watch_from_a_compacted_version_gets_410_in_the_stream() {
    let s = start(|c| c.history = 2);
    let rv = s.handle.resource_version();
    for i in 0..3 {
        s.handle
            .mutate("v1", "Pod", "a", "p00", |p| {
                p["metadata"]["labels"]["n"] = json!(i.to_string())
            })
            .expect("mutate");
    }
    let mut w = s
        .http
        .watch(&format!("/api/v1/pods?watch=1&resourceVersion={rv}"));
    assert_eq!(w.status, 200);
    let e = w.next(2 * SEC).expect("an ERROR event");
    assert_eq!(event_type(&e), "ERROR");
    assert_eq!(e["object"]["kind"], "Status");
    assert_eq!(e["object"]["code"], 410);
    assert_eq!(e["object"]["reason"], "Expired");
    assert!(w.next(2 * SEC).is_none());
    assert!(w.ended);

    // Each kind has its own window: the busy pods did not push the idle
    // nodes' watchers out of theirs.
    let mut nodes = s
        .http
        .watch(&format!("/api/v1/nodes?watch=1&resourceVersion={rv}"));
    assert!(nodes.next(Duration::from_millis(300)).is_none());
    assert!(!nodes.ended, "the node watch is open");
    s.handle
        .mutate("v1", "Node", "", "n1", |n| {
            n["metadata"]["labels"]["x"] = json!("y")
        })
        .expect("mutate");
    assert_eq!(
        nodes.next(2 * SEC).map(|e| e["type"].clone()),
        Some(json!("MODIFIED"))
    );
}

#[test]
fn watch_honours_timeout_seconds_and_streaming_lists() {
    let s = start(|_| {});
    let started = Instant::now();
    let mut w = s.http.watch(&format!(
        "/api/v1/nodes?watch=1&timeoutSeconds=1&resourceVersion={}",
        s.handle.resource_version()
    ));
    assert!(w.next(3 * SEC).is_none());
    assert!(w.ended, "the stream ended");
    assert!(started.elapsed() < 3 * SEC);

    // sendInitialEvents: the current objects, then the end bookmark.
    let mut w = s.http.watch(
        "/api/v1/namespaces/b/pods?watch=1&sendInitialEvents=true&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true",
    );
    let events: Vec<Value> = (0..5).filter_map(|_| w.next(2 * SEC)).collect();
    assert_eq!(
        events.iter().filter(|e| event_type(e) == "ADDED").count(),
        4
    );
    let end = &events[4];
    assert_eq!(event_type(end), "BOOKMARK");
    assert_eq!(
        end["object"]["metadata"]["annotations"]["k8s.io/initial-events-end"],
        "true"
    );
    // sendInitialEvents needs the bookmark options, as on the real server.
    assert_eq!(
        s.http
            .get("/api/v1/pods?watch=1&sendInitialEvents=true")
            .status,
        422
    );
}

// ───────────────────────────── writes ─────────────────────────────

const APPLY: &str = "application/apply-patch+yaml";

fn cm(data: Value) -> Value {
    json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "cfg", "namespace": "a"}, "data": data})
}

fn managers(v: &Value) -> Vec<(String, String)> {
    v["metadata"]["managedFields"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|m| {
                    (
                        m["manager"].as_str().unwrap_or_default().into(),
                        m["operation"].as_str().unwrap_or_default().into(),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn server_side_apply_owns_fields_and_conflicts() {
    let s = start(|_| {});
    let path = "/api/v1/namespaces/a/configmaps/cfg";
    let no_manager = s
        .http
        .send_json("PATCH", path, APPLY, &cm(json!({"x": "1"})));
    assert_eq!(no_manager.status, 400);
    assert_eq!(
        no_manager.json()["message"],
        "fieldManager is required for apply requests"
    );

    let created = s.http.send_json(
        "PATCH",
        &format!("{path}?fieldManager=alice"),
        APPLY,
        &cm(json!({"x": "1", "y": "1"})),
    );
    assert_eq!(created.status, 201);
    let v = created.json();
    assert_eq!(v["data"], json!({"x": "1", "y": "1"}));
    assert_eq!(managers(&v), [("alice".to_string(), "Apply".to_string())]);
    assert_eq!(
        v["metadata"]["managedFields"][0]["fieldsV1"],
        json!({"f:data": {"f:x": {}, "f:y": {}}})
    );

    // Bob sets x to another value: a conflict naming alice and the field.
    let conflict = s.http.send_json(
        "PATCH",
        &format!("{path}?fieldManager=bob"),
        APPLY,
        &cm(json!({"x": "2"})),
    );
    assert_eq!(conflict.status, 409);
    let st = conflict.json();
    assert_eq!(st["reason"], "Conflict");
    assert_eq!(
        st["message"],
        "Apply failed with 1 conflict: conflict with \"alice\": .data.x"
    );
    assert_eq!(st["details"]["causes"][0]["type"], "FieldManagerConflict");
    assert_eq!(st["details"]["causes"][0]["field"], ".data.x");
    // The same value is shared ownership, not a conflict.
    assert_eq!(
        s.http
            .send_json(
                "PATCH",
                &format!("{path}?fieldManager=carol"),
                APPLY,
                &cm(json!({"x": "1"}))
            )
            .status,
        200
    );
    // Forced: bob takes x.
    let forced = s.http.send_json(
        "PATCH",
        &format!("{path}?fieldManager=bob&force=true"),
        APPLY,
        &cm(json!({"x": "2"})),
    );
    assert_eq!(forced.status, 200);
    let v = forced.json();
    assert_eq!(v["data"]["x"], "2");
    let fields = |m: &str| {
        v["metadata"]["managedFields"]
            .as_array()
            .and_then(|a| a.iter().find(|e| e["manager"] == m))
            .map(|e| e["fieldsV1"].clone())
    };
    assert_eq!(fields("alice"), Some(json!({"f:data": {"f:y": {}}})));
    assert_eq!(fields("bob"), Some(json!({"f:data": {"f:x": {}}})));
    assert_eq!(fields("carol"), None, "carol's field was taken");
    // Alice applies without y: her field is removed.
    let v = s
        .http
        .send_json(
            "PATCH",
            &format!("{path}?fieldManager=alice"),
            APPLY,
            &cm(json!({})),
        )
        .json();
    assert_eq!(v["data"], json!({"x": "2"}));

    // Named list items are merged by name and owned per field.
    let dep = json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web", "namespace": "a"},
        "spec": {"template": {"spec": {"containers": [{"name": "app", "image": "web:2"}]}}}});
    let conflict = s.http.send_json(
        "PATCH",
        "/apis/apps/v1/namespaces/a/deployments/web?fieldManager=ci",
        APPLY,
        &dep,
    );
    // The snapshot's Deployment has no managedFields: nobody owns the image.
    assert_eq!(
        conflict.status,
        200,
        "{}",
        String::from_utf8_lossy(&conflict.body)
    );
    let v = conflict.json();
    assert_eq!(
        v["spec"]["template"]["spec"]["containers"][0]["image"],
        "web:2"
    );
    assert_eq!(
        v["spec"]["replicas"], 2,
        "fields the apply does not name are kept"
    );
    assert_eq!(v["metadata"]["generation"], 2);
    let mf = &v["metadata"]["managedFields"][0]["fieldsV1"]["f:spec"]["f:template"]["f:spec"]["f:containers"];
    assert_eq!(
        mf["k:{\"name\":\"app\"}"],
        json!({".": {}, "f:image": {}, "f:name": {}})
    );
    let dep2 = json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web", "namespace": "a"},
        "spec": {"template": {"spec": {"containers": [{"name": "app", "image": "web:3"}]}}}});
    let c = s
        .http
        .send_json(
            "PATCH",
            "/apis/apps/v1/namespaces/a/deployments/web?fieldManager=other",
            APPLY,
            &dep2,
        )
        .json();
    assert_eq!(
        c["message"],
        "Apply failed with 1 conflict: conflict with \"ci\": .spec.template.spec.containers[name=\"app\"].image"
    );
}

#[test]
fn apply_keys_lists_as_the_schema_does() {
    let s = start(|_| {});
    let dep = json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web", "namespace": "a"},
        "spec": {"template": {"spec": {"containers": [{"name": "app",
            "ports": [{"containerPort": 8080}, {"containerPort": 53, "protocol": "UDP"}],
            "volumeMounts": [{"name": "data", "mountPath": "/a"}, {"name": "data", "mountPath": "/b"}]}]}}}});
    let v = s
        .http
        .send_json(
            "PATCH",
            "/apis/apps/v1/namespaces/a/deployments/web?fieldManager=ci",
            APPLY,
            &dep,
        )
        .json();
    let app = &v["metadata"]["managedFields"][0]["fieldsV1"]["f:spec"]["f:template"]["f:spec"]["f:containers"]
        ["k:{\"name\":\"app\"}"];
    let ports = app["f:ports"]
        .as_object()
        .map(|m| m.keys().cloned().collect::<Vec<_>>())
        .unwrap_or_default();
    assert_eq!(
        ports,
        [
            "k:{\"containerPort\":53,\"protocol\":\"UDP\"}",
            "k:{\"containerPort\":8080,\"protocol\":\"TCP\"}"
        ]
    );
    let mounts = app["f:volumeMounts"]
        .as_object()
        .map(|m| m.keys().cloned().collect::<Vec<_>>())
        .unwrap_or_default();
    assert_eq!(
        mounts,
        ["k:{\"mountPath\":\"/a\"}", "k:{\"mountPath\":\"/b\"}"]
    );
    // Another manager changing the port's name conflicts on that item.
    let mut other = dep.clone();
    other["spec"]["template"]["spec"]["containers"][0]["ports"] =
        json!([{"containerPort": 8080, "name": "http"}]);
    other["spec"]["template"]["spec"]["containers"][0]
        .as_object_mut()
        .map(|m| m.remove("volumeMounts"));
    let ok = s.http.send_json(
        "PATCH",
        "/apis/apps/v1/namespaces/a/deployments/web?fieldManager=other",
        APPLY,
        &other,
    );
    assert_eq!(
        ok.status, 200,
        "a new field of the same item is no conflict"
    );
    let mut clash = other.clone();
    clash["spec"]["template"]["spec"]["containers"][0]["ports"][0]["name"] = json!("web");
    let c = s.http.send_json(
        "PATCH",
        "/apis/apps/v1/namespaces/a/deployments/web?fieldManager=third",
        APPLY,
        &clash,
    );
    assert_eq!(c.status, 409);
    assert_eq!(
        c.json()["details"]["causes"][0]["field"],
        ".spec.template.spec.containers[name=\"app\"].ports[containerPort=8080,protocol=\"TCP\"].name"
    );
}

#[test]
fn merge_patch_update_and_create() {
    let s = start(|_| {});
    let path = "/api/v1/namespaces/a/pods/p00";
    let merged = s.http.send_json(
        "PATCH",
        path,
        "application/merge-patch+json",
        &json!({"metadata": {"labels": {"x": "y", "app": null}}}),
    );
    assert_eq!(merged.status, 200);
    assert_eq!(merged.json()["metadata"]["labels"], json!({"x": "y"}));
    let smp = s.http.send_json(
        "PATCH",
        path,
        "application/strategic-merge-patch+json",
        &json!({"spec": {"containers": [{"name": "side", "image": "s:1"}]}}),
    );
    assert_eq!(
        smp.json()["spec"]["containers"].as_array().map(Vec::len),
        Some(2)
    );
    // PUT with a stale resourceVersion: 409.
    let mut pod = s.http.get(path).json();
    pod["metadata"]["resourceVersion"] = json!("1");
    let stale = s.http.send_json("PUT", path, "application/json", &pod);
    assert_eq!(stale.status, 409);
    assert!(
        stale.json()["message"]
            .as_str()
            .is_some_and(|m| m.contains("the object has been modified"))
    );
    // POST: 201, then 409 AlreadyExists.
    let new = json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "made"}, "data": {"k": "v"}});
    let created = s.http.send_json(
        "POST",
        "/api/v1/namespaces/b/configmaps",
        "application/json",
        &new,
    );
    assert_eq!(created.status, 201);
    assert_eq!(created.json()["metadata"]["namespace"], "b");
    assert!(created.json()["metadata"]["uid"].is_string());
    assert_eq!(
        s.http
            .send_json(
                "POST",
                "/api/v1/namespaces/b/configmaps",
                "application/json",
                &new
            )
            .json()["reason"],
        "AlreadyExists"
    );
    // Not in a namespace that does not exist.
    let nowhere = s.http.send_json(
        "POST",
        "/api/v1/namespaces/nope/configmaps",
        "application/json",
        &new,
    );
    assert_eq!(nowhere.status, 404);
    assert_eq!(nowhere.json()["message"], "namespaces \"nope\" not found");
    assert_eq!(
        s.http
            .request(
                "DELETE",
                "/api/v1/namespaces/b/configmaps/made",
                "application/json",
                b""
            )
            .map(|r| r.status)
            .ok(),
        Some(200)
    );
    assert_eq!(
        s.http.get("/api/v1/namespaces/b/configmaps/made").status,
        404
    );
}

#[test]
fn the_scale_subresource() {
    let s = start(|_| {});
    let path = "/apis/apps/v1/namespaces/a/deployments/web/scale";
    let scale = s.http.get(path).json();
    assert_eq!(scale["kind"], "Scale");
    assert_eq!(scale["apiVersion"], "autoscaling/v1");
    assert_eq!(scale["spec"]["replicas"], 2);
    assert_eq!(scale["status"]["selector"], "app=web");
    let r = s.http.send_json(
        "PATCH",
        path,
        "application/merge-patch+json",
        &json!({"spec": {"replicas": 5}}),
    );
    assert_eq!(r.json()["spec"]["replicas"], 5);
    let dep = s
        .http
        .get("/apis/apps/v1/namespaces/a/deployments/web")
        .json();
    assert_eq!(dep["spec"]["replicas"], 5);
    assert_eq!(dep["metadata"]["generation"], 2);
    assert_eq!(
        s.http.get("/api/v1/namespaces/a/pods/p00/scale").status,
        404
    );
}

#[test]
fn dry_run_stores_nothing_and_sends_no_event() {
    let s = start(|_| {});
    let rv = s.handle.resource_version();
    let mut w = s
        .http
        .watch(&format!("/api/v1/configmaps?watch=1&resourceVersion={rv}"));
    let new = json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "dry", "namespace": "a"}});
    let r = s.http.send_json(
        "POST",
        "/api/v1/namespaces/a/configmaps?dryRun=All",
        "application/json",
        &new,
    );
    assert_eq!(r.status, 201);
    assert_eq!(r.json()["metadata"]["name"], "dry");
    let r = s.http.send_json("PATCH", "/api/v1/namespaces/a/configmaps/dry2?dryRun=All&fieldManager=m", APPLY,
        &json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "dry2", "namespace": "a"}, "data": {"a": "b"}}));
    assert_eq!(r.status, 201);
    assert_eq!(r.json()["data"]["a"], "b");
    let r = s.http.send_json(
        "PATCH",
        "/api/v1/namespaces/a/pods/p00?dryRun=All",
        "application/merge-patch+json",
        &json!({"metadata": {"labels": {"z": "1"}}}),
    );
    assert_eq!(r.json()["metadata"]["labels"]["z"], "1");
    let r = s
        .http
        .request(
            "DELETE",
            "/api/v1/namespaces/a/pods/p01?dryRun=All",
            "application/json",
            b"",
        )
        .expect("delete");
    assert_eq!(r.status, 200);
    assert_eq!(s.handle.resource_version(), rv, "no version was used");
    assert_eq!(
        s.http.get("/api/v1/namespaces/a/configmaps/dry").status,
        404
    );
    assert_eq!(s.http.get("/api/v1/namespaces/a/pods/p01").status, 200);
    assert!(
        s.http.get("/api/v1/namespaces/a/pods/p00").json()["metadata"]["labels"]
            .get("z")
            .is_none()
    );
    assert!(
        w.next(Duration::from_millis(300)).is_none(),
        "no watch event"
    );
}

// ───────────────────────────── authorization ─────────────────────────────

#[test]
fn forbidden_kinds_and_access_reviews() {
    let s = start(|c| {
        c.forbid = vec![
            Forbid::resource("secrets"),
            Forbid {
                resource: "configmaps".into(),
                namespace: Some("b".into()),
                ..Forbid::default()
            },
            Forbid {
                resource: "nodes/proxy".into(),
                ..Forbid::default()
            },
        ]
    });
    let r = s.http.get("/api/v1/secrets");
    assert_eq!(r.status, 403);
    assert_eq!(r.json()["reason"], "Forbidden");
    assert_eq!(
        r.json()["message"],
        "secrets is forbidden: User \"kready\" cannot list resource \"secrets\" in API group \"\" at the cluster scope"
    );
    assert_eq!(r.json()["details"]["kind"], "secrets");
    let r = s.http.get("/api/v1/namespaces/b/configmaps");
    assert_eq!(
        r.json()["message"],
        "configmaps is forbidden: User \"kready\" cannot list resource \"configmaps\" in API group \"\" in the namespace \"b\""
    );
    assert_eq!(s.http.get("/api/v1/namespaces/a/configmaps").status, 200);
    // Listing across namespaces includes the forbidden one.
    assert_eq!(s.http.get("/api/v1/configmaps").status, 403);
    assert_eq!(s.http.get("/api/v1/pods").status, 200);
    assert_eq!(
        s.http.get("/api/v1/secrets?watch=1").json()["message"],
        "secrets is forbidden: User \"kready\" cannot watch resource \"secrets\" in API group \"\" at the cluster scope"
    );
    let r = s.http.get("/api/v1/nodes/n1/proxy/configz");
    assert_eq!(
        r.json()["message"],
        "nodes \"n1\" is forbidden: User \"kready\" cannot get resource \"nodes/proxy\" in API group \"\" at the cluster scope"
    );

    let review = |verb: &str, resource: &str, ns: &str| {
        let body = json!({"apiVersion": "authorization.k8s.io/v1", "kind": "SelfSubjectAccessReview",
            "spec": {"resourceAttributes": {"verb": verb, "resource": resource, "namespace": ns}}});
        let r = s.http.send_json(
            "POST",
            "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews",
            "application/json",
            &body,
        );
        assert_eq!(r.status, 201);
        r.json()["status"]["allowed"].as_bool().expect("allowed")
    };
    assert!(review("list", "pods", ""));
    assert!(!review("list", "secrets", ""));
    assert!(!review("get", "configmaps", "b"));
    assert!(review("get", "configmaps", "a"));

    let rules = s.http.send_json("POST", "/apis/authorization.k8s.io/v1/selfsubjectrulesreviews", "application/json",
        &json!({"apiVersion": "authorization.k8s.io/v1", "kind": "SelfSubjectRulesReview", "spec": {"namespace": "b"}})).json();
    let granted: Vec<&str> = rules["status"]["resourceRules"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|r| r["resources"][0].as_str())
                .collect()
        })
        .unwrap_or_default();
    assert!(granted.contains(&"pods"));
    assert!(!granted.contains(&"secrets") && !granted.contains(&"configmaps"));

    s.handle.set_forbid(vec![Forbid::resource("deployments")]);
    assert_eq!(
        s.http
            .get("/apis/apps/v1/namespaces/a/deployments/web")
            .json()["message"],
        "deployments.apps \"web\" is forbidden: User \"kready\" cannot get resource \"deployments\" in API group \"apps\" in the namespace \"a\""
    );

    // A user who may read pods only in namespace a.
    s.handle.set_forbid(vec![Forbid {
        resource: "pods".into(),
        except_namespaces: vec!["a".into()],
        ..Forbid::default()
    }]);
    assert_eq!(s.http.get("/api/v1/pods").status, 403);
    assert_eq!(s.http.get("/api/v1/namespaces/b/pods").status, 403);
    assert_eq!(s.http.get("/api/v1/namespaces/a/pods").status, 200);
    assert!(review("list", "pods", "a"));
    assert!(!review("list", "pods", ""));

    // Changed at run time.
    s.handle.set_forbid(vec![Forbid::resource("pods")]);
    assert_eq!(s.http.get("/api/v1/pods").status, 403);
    assert_eq!(s.http.get("/api/v1/secrets").status, 200);
}

#[test]
fn tokens_are_checked() {
    let s = start(|_| {});
    let wrong = Client::new(s.handle.addr(), Some("wrong"));
    let r = wrong.get("/api/v1/pods");
    assert_eq!(r.status, 401);
    assert_eq!(r.json()["reason"], "Unauthorized");
    // No token: anonymous, served (kubectl sends none over http).
    assert_eq!(
        Client::new(s.handle.addr(), None)
            .get("/api/v1/pods")
            .status,
        200
    );
    s.handle.configure(|c| c.anonymous = false);
    assert_eq!(
        Client::new(s.handle.addr(), None)
            .get("/api/v1/pods")
            .status,
        401
    );
    assert_eq!(
        Client::new(s.handle.addr(), None).get("/version").status,
        200
    );
    assert_eq!(s.http.get("/api/v1/pods").status, 200);
}

#[test]
fn node_configz_proxy() {
    let s = start(|_| {});
    let r = s.http.get("/api/v1/nodes/n1/proxy/configz");
    assert_eq!(r.status, 200);
    assert_eq!(
        r.json()["kubeletconfig"]["authentication"]["anonymous"]["enabled"],
        false
    );
    assert_eq!(s.http.get("/api/v1/nodes/n2/proxy/configz").status, 404);
}

#[test]
fn config_files_in_yaml_and_json() {
    let dir = tempfile::tempdir().expect("tempdir");
    let yaml = dir.path().join("sim.yaml");
    std::fs::write(
        &yaml,
        "token: t0ken\nforbid:\n  - resource: secrets\n  - {resource: configmaps, namespace: b, verbs: [list]}\n\
         faults: {latencyMs: 5, dropWatchAfter: 3, errorFraction: 0.1}\nhistory: 50\nbookmarkIntervalMs: 250\n",
    )
    .expect("write");
    let c = Config::from_file(&yaml).expect("yaml config");
    assert_eq!(c.token.as_deref(), Some("t0ken"));
    assert_eq!(c.forbid.len(), 2);
    assert_eq!(c.forbid[1].namespace.as_deref(), Some("b"));
    assert_eq!(c.faults.drop_watch_after, Some(3));
    assert_eq!((c.history, c.bookmark_interval_ms), (50, 250));
    let json = dir.path().join("sim.json");
    std::fs::write(&json, r#"{"anonymous": false, "mutateRate": 20.5}"#).expect("write");
    let c = Config::from_file(&json).expect("json config");
    assert!(!c.anonymous);
    assert_eq!(c.mutate_rate, 20.5);
    assert_eq!(
        c.token.as_deref(),
        Some("sim-token"),
        "defaults for what is not given"
    );
    std::fs::write(&json, r#"{"tokn": "x"}"#).expect("write");
    assert!(
        Config::from_file(&json).is_err(),
        "unknown keys are refused"
    );
}

#[test]
fn event_field_selectors() {
    let s = start(|_| {});
    for (name, kind, obj) in [("e1", "Pod", "p00"), ("e2", "Node", "n1")] {
        let ev = json!({"apiVersion": "v1", "kind": "Event", "metadata": {"name": name, "namespace": "a"},
            "involvedObject": {"kind": kind, "name": obj, "namespace": "a"}, "reason": "BackOff", "type": "Warning"});
        s.handle.apply(ev).expect("event");
    }
    let pods = s
        .http
        .get("/api/v1/namespaces/a/events?fieldSelector=involvedObject.kind%3DPod,type%3DWarning")
        .json();
    assert_eq!(names(&pods), ["e1"]);
    let not_pods = s
        .http
        .get("/api/v1/events?fieldSelector=involvedObject.kind!%3DPod")
        .json();
    assert_eq!(names(&not_pods), ["e2"]);
}

// ───────────────────────────── faults ─────────────────────────────

#[test]
fn injected_faults() {
    let s = start(|_| {});
    s.handle.set_faults(Faults {
        error_every: Some(2),
        only_path: Some("/pods".into()),
        ..Faults::default()
    });
    let statuses: Vec<u16> = (0..4).map(|_| s.http.get("/api/v1/pods").status).collect();
    assert!(
        statuses.contains(&500) && statuses.contains(&200),
        "{statuses:?}"
    );
    s.handle.set_faults(Faults {
        error_fraction: 0.25,
        ..Faults::default()
    });
    let failed = (0..20)
        .filter(|_| s.http.get("/api/v1/nodes").status == 500)
        .count();
    assert_eq!(failed, 5, "a quarter of 20 requests");
    assert_eq!(
        s.http.get("/api/v1/nodes").status,
        200,
        "other paths are spared"
    );

    s.handle.set_faults(Faults {
        throttle_every: Some(1),
        retry_after_secs: 3,
        ..Faults::default()
    });
    let r = s.http.get("/api/v1/pods");
    assert_eq!(r.status, 429);
    assert_eq!(r.header("retry-after"), Some("3"));
    assert_eq!(r.json()["details"]["retryAfterSeconds"], 3);

    s.handle.set_faults(Faults {
        latency_ms: 200,
        ..Faults::default()
    });
    let t = Instant::now();
    assert_eq!(s.http.get("/api/v1/nodes").status, 200);
    assert!(t.elapsed() >= Duration::from_millis(200));

    s.handle.set_faults(Faults {
        drop_watch_after: Some(2),
        ..Faults::default()
    });
    let mut w = s.http.watch("/api/v1/pods?watch=1");
    assert!(w.next(2 * SEC).is_some() && w.next(2 * SEC).is_some());
    assert!(w.next(2 * SEC).is_none());
    assert!(w.ended, "the watch was dropped after two events");
}

#[test]
fn request_log_and_a_dead_server() {
    let mut s = start(|_| {});
    s.http.get("/api/v1/pods?limit=2");
    let rv = s.handle.resource_version().to_string();
    let mut w = s
        .http
        .watch(&format!("/api/v1/pods?watch=1&resourceVersion={rv}"));
    let log = s.handle.requests();
    let list = log
        .iter()
        .find(|r| r.path == "/api/v1/pods?limit=2")
        .expect("the list is logged");
    assert!(list.is_list() && !list.watch && list.status == 200);
    assert!(
        log.iter()
            .any(|r| r.watch && r.query("resourceVersion") == Some(rv.clone()))
    );

    let addr = s.handle.addr();
    s.handle.stop();
    // The open watch ends and the port refuses connections.
    assert!(w.next(2 * SEC).is_none());
    assert!(std::net::TcpStream::connect_timeout(&addr, SEC).is_err());
}

#[test]
fn a_paused_server_comes_back_with_its_state() {
    let s = start(|_| {});
    let rv = s.handle.resource_version();
    let mut w = s
        .http
        .watch(&format!("/api/v1/pods?watch=1&resourceVersion={rv}"));
    s.handle.pause();
    assert!(
        w.next(2 * SEC).is_none() && w.ended,
        "the watch was dropped"
    );
    assert!(std::net::TcpStream::connect_timeout(&s.handle.addr(), SEC).is_err());
    // Changes while down are there after the restart, in the history.
    s.handle
        .mutate("v1", "Pod", "a", "p00", |p| {
            p["metadata"]["labels"]["down"] = json!("yes")
        })
        .expect("mutate");
    s.handle.resume();
    let mut w = s
        .http
        .watch(&format!("/api/v1/pods?watch=1&resourceVersion={rv}"));
    let e = w.next(2 * SEC).expect("the change made while down");
    assert_eq!(e["type"], "MODIFIED");
    assert_eq!(e["object"]["metadata"]["labels"]["down"], "yes");
    assert_eq!(s.http.get("/api/v1/pods").status, 200);
}

#[test]
fn the_mutation_driver_makes_watch_traffic() {
    let s = start(|_| {});
    let rv = s.handle.resource_version();
    let mut w = s
        .http
        .watch(&format!("/api/v1/pods?watch=1&resourceVersion={rv}"));
    s.handle.start_driver(200.0);
    let mut n = 0;
    let end = Instant::now() + 5 * SEC;
    while let Some(_e) = w.next(end.saturating_duration_since(Instant::now())) {
        n += 1;
        if n >= 100 {
            break;
        }
    }
    s.handle.stop_driver();
    assert!(n >= 100, "{n} events in 5 s at 200/s");
    let pods = s.handle.count("v1", "Pod");
    assert!(
        (12..=22).contains(&pods),
        "churn stays bounded: {pods} pods"
    );
}

// ───────────────────────────── kube-rs ─────────────────────────────

mod kube_rs {
    use super::*;
    use futures::StreamExt;
    use k8s_openapi::api::core::v1::{ConfigMap, Pod};
    use kube::api::{Api, Patch, PatchParams};
    use kube::runtime::{WatchStreamExt, reflector, watcher};

    async fn client(handle: &Handle) -> kube::Client {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("kubeconfig");
        handle.write_kubeconfig(&path).expect("kubeconfig");
        let kc = kube::config::Kubeconfig::read_from(&path).expect("read kubeconfig");
        let config =
            kube::Config::from_custom_kubeconfig(kc, &kube::config::KubeConfigOptions::default())
                .await
                .expect("config");
        kube::Client::try_from(config).expect("client")
    }

    /// kube-runtime's reflector over the simulator: the initial paginated
    /// list, then changes; after a 410 (history too short) it relists and
    /// still converges; both list strategies.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn kube_runtime_reflector_follows_the_simulator() {
        for streaming in [false, true] {
            let s = start(|c| c.history = 3);
            // kube-rs sends its token; anonymous off proves it does.
            s.handle.configure(|c| c.anonymous = false);
            let client = client(&s.handle).await;
            let pods: Api<Pod> = Api::all(client.clone());
            let (reader, writer) = reflector::store();
            let mut config = watcher::Config::default().page_size(5);
            if streaming {
                config = config.streaming_lists();
            }
            let stream = reflector(writer, watcher(pods, config)).applied_objects();
            let task = tokio::spawn(async move {
                let mut stream = std::pin::pin!(stream);
                // Errors (a 410, a dropped connection) do not end the stream.
                while stream.next().await.is_some() {}
            });
            tokio::time::timeout(5 * SEC, reader.wait_until_ready())
                .await
                .expect("synced")
                .expect("ready");
            assert_eq!(reader.state().len(), 12);

            s.handle
                .mutate("v1", "Pod", "a", "p03", |p| {
                    p["metadata"]["labels"]["seen"] = json!("yes")
                })
                .expect("mutate");
            s.handle.delete("v1", "Pod", "b", "p11").expect("delete");
            let converged = |want_len: usize| {
                let reader = reader.clone();
                async move {
                    for _ in 0..500 {
                        let st = reader.state();
                        let labelled = st.iter().any(|p| {
                            p.metadata
                                .labels
                                .as_ref()
                                .is_some_and(|l| l.contains_key("seen"))
                        });
                        if st.len() == want_len && labelled {
                            return true;
                        }
                        tokio::time::sleep(Duration::from_millis(10)).await;
                    }
                    false
                }
            };
            assert!(
                converged(11).await,
                "streaming={streaming}: the reflector saw the changes"
            );
            task.abort();

            let lists = s
                .handle
                .requests()
                .iter()
                .filter(|r| r.path.starts_with("/api/v1/pods") && r.is_list())
                .count();
            if streaming {
                assert_eq!(lists, 0, "a streaming list needs no list request");
            } else {
                // kube-runtime 5 lists the most recent state (no
                // resourceVersion), so the page size holds: 12 pods in 5s.
                assert_eq!(lists, 3, "12 pods in pages of 5: {lists} list requests");
            }
        }
    }

    /// kube-rs discovery, legacy (a request per group version) and
    /// aggregated (two requests), finds the same resources.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn kube_rs_discovery_legacy_and_aggregated() {
        let s = start(|_| {});
        let client = client(&s.handle).await;
        let legacy = kube::Discovery::new(client.clone())
            .run()
            .await
            .expect("discovery");
        let aggregated = kube::Discovery::new(client)
            .run_aggregated()
            .await
            .expect("aggregated discovery");
        for d in [&legacy, &aggregated] {
            let (ar, caps) = d
                .resolve_gvk(&kube::api::GroupVersionKind::gvk(
                    "apps",
                    "v1",
                    "Deployment",
                ))
                .expect("Deployment");
            assert_eq!(ar.plural, "deployments");
            assert_eq!(caps.scope, kube::discovery::Scope::Namespaced);
            assert!(
                d.resolve_gvk(&kube::api::GroupVersionKind::gvk(
                    "velero.io",
                    "v1",
                    "Backup"
                ))
                .is_some()
            );
            let (node, caps) = d
                .resolve_gvk(&kube::api::GroupVersionKind::gvk("", "v1", "Node"))
                .expect("Node");
            assert_eq!(node.plural, "nodes");
            assert_eq!(caps.scope, kube::discovery::Scope::Cluster);
        }
        let mut legacy_groups: Vec<String> =
            legacy.groups().map(|g| g.name().to_string()).collect();
        let mut aggregated_groups: Vec<String> =
            aggregated.groups().map(|g| g.name().to_string()).collect();
        legacy_groups.sort();
        aggregated_groups.sort();
        assert_eq!(legacy_groups, aggregated_groups);
    }

    /// A dropped watch whose resourceVersion has left the history: the
    /// re-watch gets a 410 in the stream, kube-runtime relists, and the
    /// reflector still ends with every change.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn kube_runtime_relists_after_a_dropped_watch_and_410() {
        let s = start(|c| {
            c.history = 2;
            c.faults.drop_watch_after = Some(1);
        });
        let client = client(&s.handle).await;
        let pods: Api<Pod> = Api::namespaced(client, "a");
        let (reader, writer) = reflector::store();
        let stream = reflector(
            writer,
            watcher(pods, watcher::Config::default()).default_backoff(),
        )
        .applied_objects();
        let task = tokio::spawn(async move {
            let mut stream = std::pin::pin!(stream);
            // Errors (a 410, a dropped connection) do not end the stream.
            while stream.next().await.is_some() {}
        });
        tokio::time::timeout(5 * SEC, reader.wait_until_ready())
            .await
            .expect("synced")
            .expect("ready");
        assert_eq!(reader.state().len(), 8);
        // Slow the re-watch down so that the changes outrun it.
        s.handle.configure(|c| c.faults.latency_ms = 300);
        for i in 0..5 {
            s.handle
                .mutate("v1", "Pod", "a", "p00", |p| {
                    p["metadata"]["labels"]["n"] = json!(i.to_string())
                })
                .expect("mutate");
        }
        s.handle.delete("v1", "Pod", "a", "p01").expect("delete");
        let mut done = false;
        for _ in 0..500 {
            let st = reader.state();
            let p00 = st
                .iter()
                .find(|p| p.metadata.name.as_deref() == Some("p00"));
            let n = p00
                .and_then(|p| p.metadata.labels.as_ref())
                .and_then(|l| l.get("n").cloned());
            if st.len() == 7 && n.as_deref() == Some("4") {
                done = true;
                break;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        task.abort();
        let log = s.handle.requests();
        let lists = log.iter().filter(|r| r.is_list()).count();
        let st: Vec<_> = reader
            .state()
            .iter()
            .map(|p| (p.metadata.name.clone(), p.metadata.labels.clone()))
            .collect();
        assert!(
            done,
            "the reflector converged; requests: {:#?} {st:?}",
            log.iter()
                .map(|r| (&r.path, r.status, r.duration_ms))
                .collect::<Vec<_>>()
        );
        assert!(lists >= 2, "relisted after the 410: {lists} lists");
    }

    /// Secrets as kready watches them: metadata only, never their data.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn kube_runtime_metadata_watcher_gets_no_secret_data() {
        let s = start(|_| {});
        let client = client(&s.handle).await;
        // kube 5: an Api of PartialObjectMeta asks for metadata only.
        let secrets: Api<kube::core::PartialObjectMeta<k8s_openapi::api::core::v1::Secret>> =
            Api::all(client.clone());
        let (reader, writer) = reflector::store();
        let stream =
            reflector(writer, watcher(secrets, watcher::Config::default())).applied_objects();
        let task = tokio::spawn(async move {
            let mut stream = std::pin::pin!(stream);
            // Errors (a 410, a dropped connection) do not end the stream.
            while stream.next().await.is_some() {}
        });
        tokio::time::timeout(5 * SEC, reader.wait_until_ready())
            .await
            .expect("synced")
            .expect("ready");
        assert_eq!(reader.state().len(), 1);
        assert_eq!(reader.state()[0].metadata.name.as_deref(), Some("db"));
        task.abort();
        let secret_requests: Vec<_> = s
            .handle
            .requests()
            .into_iter()
            .filter(|r| r.path.contains("/secrets"))
            .collect();
        assert!(!secret_requests.is_empty());
        assert!(
            secret_requests
                .iter()
                .all(|r| r.accept.contains("as=PartialObjectMetadata")),
            "metadata only"
        );
        let meta = Api::<k8s_openapi::api::core::v1::Secret>::namespaced(client, "a")
            .get_metadata("db")
            .await
            .expect("metadata");
        assert_eq!(meta.metadata.name.as_deref(), Some("db"));
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn kube_rs_relists_after_410_and_applies() {
        let s = start(|c| c.history = 2);
        let client = client(&s.handle).await;
        let pods: Api<Pod> = Api::namespaced(client.clone(), "a");
        let list = pods.list(&Default::default()).await.expect("list");
        let rv = list.metadata.resource_version.clone().expect("rv");
        for i in 0..3 {
            s.handle
                .mutate("v1", "Pod", "a", "p00", |p| {
                    p["metadata"]["labels"]["n"] = json!(i.to_string())
                })
                .expect("mutate");
        }
        // An old resourceVersion: kube-rs sees the in-stream 410 as an error.
        let mut stream = pods
            .watch(&Default::default(), &rv)
            .await
            .expect("watch")
            .boxed();
        let first = tokio::time::timeout(2 * SEC, stream.next())
            .await
            .expect("an event");
        match first {
            Some(Ok(kube::api::WatchEvent::Error(e))) => assert_eq!(e.code, 410),
            other => panic!("expected a 410 ERROR event, got {other:?}"),
        }

        // Server-side apply through kube-rs, then a conflict.
        let cms: Api<ConfigMap> = Api::namespaced(client, "a");
        let cm =
            serde_json::from_value::<ConfigMap>(json!({"apiVersion": "v1", "kind": "ConfigMap",
            "metadata": {"name": "kube"}, "data": {"k": "1"}}))
            .expect("cm");
        let applied = cms
            .patch("kube", &PatchParams::apply("kready"), &Patch::Apply(&cm))
            .await
            .expect("apply");
        assert_eq!(
            applied.data.and_then(|d| d.get("k").cloned()).as_deref(),
            Some("1")
        );
        let mut other = cm.clone();
        other.data = Some([("k".to_string(), "2".to_string())].into());
        match cms
            .patch("kube", &PatchParams::apply("other"), &Patch::Apply(&other))
            .await
        {
            Err(kube::Error::Api(e)) => assert_eq!(e.code, 409),
            r => panic!("expected a conflict, got {r:?}"),
        }
        let forced = cms
            .patch(
                "kube",
                &PatchParams::apply("other").force(),
                &Patch::Apply(&other),
            )
            .await
            .expect("forced");
        assert_eq!(
            forced.data.and_then(|d| d.get("k").cloned()).as_deref(),
            Some("2")
        );
    }
}
