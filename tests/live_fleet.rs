//! Fleet scans (`kready check --all-contexts`, several `--context`s)
//! against simulated API servers on 127.0.0.1: two live clusters and one
//! whose server is gone, in one kubeconfig. The dead one is reported as
//! unreachable with a reason and never stops the others; the exit code
//! follows the live ones. Every run of the binary is bounded in time.

#[path = "../examples/sim-apiserver/sim/mod.rs"]
mod sim;

#[path = "support/run.rs"]
mod run;

use std::path::Path;
use std::process::Output;

use run::kready;
use serde_json::{Value, json};
use sim::{Config, Handle, Server};

const NOW: &str = "2026-11-20T09:30:00Z";

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// A small cluster: a namespace, a node, a config map.
fn clean_cluster(dir: &Path) {
    let mut items = vec![
        json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "shop"}}),
        json!({"apiVersion": "v1", "kind": "Node", "metadata": {"name": "n1",
               "labels": {"topology.kubernetes.io/zone": "z1"}},
               "status": {"conditions": [{"type": "Ready", "status": "True"}],
                          "nodeInfo": {"kubeletVersion": "v1.33.4"}}}),
    ];
    items.push(json!({"apiVersion": "v1", "kind": "ConfigMap",
        "metadata": {"name": "settings", "namespace": "shop"}, "data": {"a": "b"}}));
    let list = json!({"apiVersion": "v1", "kind": "List", "items": items});
    std::fs::write(dir.join("cluster.json"), list.to_string()).expect("write the cluster");
}

struct Fleet {
    _alpha: Handle,
    _beta: Handle,
    kubeconfig: std::path::PathBuf,
    _dir: tempfile::TempDir,
}

/// `alpha` serves the demo cluster, `beta` a small clean one, `gamma`
/// pointed at a server that was stopped (its port is closed).
fn fleet() -> Fleet {
    let dir = tempfile::tempdir().expect("tempdir");
    let demo = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/demo");
    let alpha = Server::start(Config {
        snapshot: Some(demo.clone()),
        ..Config::default()
    })
    .expect("alpha");
    let small = dir.path().join("small");
    std::fs::create_dir(&small).expect("mkdir");
    clean_cluster(&small);
    let beta = Server::start(Config {
        snapshot: Some(small),
        ..Config::default()
    })
    .expect("beta");
    let mut gamma = Server::start(Config::default()).expect("gamma");
    let gamma_url = gamma.url();
    gamma.stop();
    let cluster =
        |name: &str, url: &str| format!("- name: {name}\n  cluster:\n    server: {url}\n");
    let context =
        |name: &str| format!("- name: {name}\n  context:\n    cluster: {name}\n    user: kready\n");
    let kubeconfig = format!(
        "apiVersion: v1\nkind: Config\nclusters:\n{}{}{}contexts:\n{}{}{}\
         current-context: alpha\nusers:\n- name: kready\n  user:\n    token: sim-token\n",
        cluster("alpha", &alpha.url()),
        cluster("beta", &beta.url()),
        cluster("gamma", &gamma_url),
        context("alpha"),
        context("beta"),
        context("gamma"),
    );
    let path = dir.path().join("kubeconfig");
    std::fs::write(&path, kubeconfig).expect("kubeconfig");
    Fleet {
        _alpha: alpha,
        _beta: beta,
        kubeconfig: path,
        _dir: dir,
    }
}

fn check(f: &Fleet, extra: &[&str]) -> Output {
    let k = f.kubeconfig.to_str().expect("utf-8 path");
    let mut args = vec![
        "check",
        "--kubeconfig",
        k,
        "--now",
        NOW,
        "--request-timeout",
        "5s",
    ];
    args.extend_from_slice(extra);
    kready(&args)
}

#[test]
fn the_table_lists_every_cluster_and_the_dead_one_as_unreachable() {
    let f = fleet();
    let out = check(&f, &["--all-contexts", "--format", "table"]);
    let table = text(&out.stdout);
    // The demo cluster fails at error severity: exit 1, despite gamma.
    assert_eq!(out.status.code(), Some(1), "{table}{}", text(&out.stderr));
    let lines: Vec<&str> = table.lines().collect();
    assert!(lines[0].starts_with("CONTEXT"), "{table}");
    for h in ["SERVER", "SCORE", "ERRORS", "WARNINGS", "UNKNOWN", "STATUS"] {
        assert!(lines[0].contains(h), "{table}");
    }
    let row = |name: &str| {
        *lines
            .iter()
            .find(|l| l.starts_with(&format!("{name} ")))
            .unwrap_or_else(|| panic!("no row for {name}: {table}"))
    };
    assert!(row("alpha").ends_with(" ok"), "{table}");
    assert!(row("alpha").contains("http://127.0.0.1:"), "{table}");
    assert!(row("beta").ends_with(" ok"), "{table}");
    let gamma = row("gamma");
    let reason = gamma
        .split_once("unreachable: ")
        .map(|(_, r)| r)
        .unwrap_or_else(|| panic!("gamma unreachable: {table}"));
    assert!(!reason.trim().is_empty(), "{table}");
    assert!(
        table.contains("3 clusters: 2 scanned, 1 unreachable"),
        "{table}"
    );
    assert!(text(&out.stderr).contains("context gamma"));

    // The exit code is decided by the live clusters only.
    let never = check(
        &f,
        &["--all-contexts", "--format", "table", "--fail-on", "never"],
    );
    assert_eq!(never.status.code(), Some(0), "{}", text(&never.stderr));
    let pair = check(
        &f,
        &[
            "--context",
            "beta",
            "--context",
            "gamma",
            "--format",
            "table",
        ],
    );
    let alone = check(&f, &["--context", "beta", "--format", "json"]);
    assert_eq!(
        pair.status.code(),
        alone.status.code(),
        "{}",
        text(&pair.stdout)
    );
    assert!(!text(&pair.stdout).contains("alpha "), "only those asked");
}

#[test]
fn json_is_one_document_with_each_clusters_report() {
    let f = fleet();
    let out = check(&f, &["--all-contexts", "--format", "json"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let doc: Value = serde_json::from_slice(&out.stdout).expect("one JSON document");
    let clusters = doc["clusters"].as_array().expect("clusters");
    let names: Vec<&str> = clusters
        .iter()
        .map(|c| c["context"].as_str().unwrap_or_default())
        .collect();
    assert_eq!(
        names,
        ["alpha", "beta", "gamma"],
        "in the kubeconfig's order"
    );
    for c in &clusters[..2] {
        assert!(c["error"].is_null(), "{}", c["error"]);
        assert!(
            c["server"]
                .as_str()
                .is_some_and(|s| s.starts_with("http://127.0.0.1:"))
        );
        assert_eq!(c["report"]["schemaVersion"], 1);
    }
    assert!(clusters[2]["error"].as_str().is_some_and(|e| !e.is_empty()));
    assert!(clusters[2]["report"].is_null());

    // Each report is the one `kready check --context` gives alone.
    let alone = check(&f, &["--context", "alpha", "--format", "json"]);
    let alone: Value = serde_json::from_slice(&alone.stdout).expect("a report");
    assert_eq!(clusters[0]["report"]["results"], alone["results"]);
    assert_eq!(clusters[0]["report"]["summary"], alone["summary"]);
}

#[test]
fn no_cluster_scanned_is_exit_2_and_other_formats_are_refused() {
    let f = fleet();
    let dead = check(
        &f,
        &[
            "--context",
            "gamma",
            "--context",
            "nope",
            "--format",
            "table",
        ],
    );
    assert_eq!(dead.status.code(), Some(2), "{}", text(&dead.stdout));
    let table = text(&dead.stdout);
    assert!(table.contains("nope "), "{table}");
    assert!(table.contains("no context named"), "{table}");

    let sarif = check(&f, &["--all-contexts", "--format", "sarif"]);
    assert_eq!(sarif.status.code(), Some(2));
    assert!(
        text(&sarif.stderr).contains("not supported for several clusters"),
        "{}",
        text(&sarif.stderr)
    );
    assert!(sarif.stdout.is_empty());
}
