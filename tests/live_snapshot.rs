//! `kready snapshot` against the simulated API server (127.0.0.1 only):
//! the capture reopens with the same check results as the live cluster,
//! holds Secrets as metadata only and no managedFields, refuses a
//! non-empty directory without --force, and leaves forbidden kinds out
//! with a warning. Every run of the binary is bounded in time.

#[path = "../examples/sim-apiserver/sim/mod.rs"]
mod sim;

#[path = "support/run.rs"]
mod run;

use std::path::{Path, PathBuf};
use std::process::Output;

use run::kready;
use serde_json::{Value, json};
use sim::{Config, Forbid, Handle, Server};

const NOW: &str = "2026-11-20T09:30:00Z";
const LAST_APPLIED: &str = "kubectl.kubernetes.io/last-applied-configuration";

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// The demo cluster served, its kubeconfig written in `dir`.
fn serve_demo(dir: &Path, f: impl FnOnce(&mut Config)) -> (Handle, PathBuf) {
    let mut config = Config {
        snapshot: Some(Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/demo")),
        ..Config::default()
    };
    f(&mut config);
    let handle = Server::start(config).expect("start the simulator");
    let kubeconfig = dir.join("kubeconfig");
    handle.write_kubeconfig(&kubeconfig).expect("kubeconfig");
    (handle, kubeconfig)
}

/// The results of a JSON report, without their file locations (a live
/// cluster's objects have none).
fn results(report: &[u8]) -> Vec<Value> {
    let v: Value = serde_json::from_slice(report).expect("a JSON report");
    let mut results = v["results"].as_array().expect("results").clone();
    for r in &mut results {
        if let Some(m) = r.as_object_mut() {
            m.remove("location");
        }
    }
    results
}

/// Every item of a captured list file.
fn items(path: &Path) -> Vec<Value> {
    let text = std::fs::read_to_string(path).expect("read the list");
    let list: Value = serde_saphyr::from_str(&text).expect("YAML");
    assert_eq!(list["kind"], "List", "{}", path.display());
    list["items"].as_array().cloned().unwrap_or_default()
}

#[test]
fn a_capture_reopens_with_the_same_results() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let (server, kubeconfig) = serve_demo(tmp.path(), |_| {});
    // What the capture must not write: managedFields, a Secret's data and
    // the annotation that repeats it.
    server
        .apply(json!({"apiVersion": "v1", "kind": "Secret",
            "metadata": {"name": "db-password", "namespace": "default",
                "annotations": {LAST_APPLIED: "{\"data\":{\"password\":\"aHVudGVyMg==\"}}"},
                "managedFields": [{"manager": "kubectl", "operation": "Apply"}]},
            "type": "Opaque", "data": {"password": "aHVudGVyMg=="},
            "stringData": {"token": "hunter2"}}))
        .expect("a secret");
    server
        .apply(json!({"apiVersion": "v1", "kind": "ConfigMap",
            "metadata": {"name": "managed", "namespace": "default",
                "managedFields": [{"manager": "kubectl", "operation": "Apply"}]},
            "data": {"k": "v"}}))
        .expect("a config map");
    let k = kubeconfig.to_str().expect("utf-8 path");
    let dir = tmp.path().join("capture");
    let d = dir.to_str().expect("utf-8 path");

    let captured = kready(&["snapshot", "--kubeconfig", k, "-o", d]);
    assert!(captured.status.success(), "{}", stderr(&captured));
    assert!(
        stderr(&captured).contains("kready: captured "),
        "{}",
        stderr(&captured)
    );

    let live = kready(&["check", "--kubeconfig", k, "--now", NOW, "--format", "json"]);
    let snap = kready(&["check", "--snapshot", d, "--now", NOW, "--format", "json"]);
    assert_eq!(live.status.code(), snap.status.code(), "{}", stderr(&snap));
    let (live, snap) = (results(&live.stdout), results(&snap.stdout));
    assert!(live.len() > 1000, "the demo cluster has many results");
    assert_eq!(live.len(), snap.len());
    for (l, s) in live.iter().zip(&snap) {
        assert_eq!(l, s);
    }

    // kubectl's layout: one List per kind, items with apiVersion and kind.
    let pods = items(&dir.join("pods.yaml"));
    assert!(pods.len() > 100);
    assert!(
        pods.iter()
            .all(|p| p["apiVersion"] == "v1" && p["kind"] == "Pod")
    );
    let deployments = items(&dir.join("deployments.apps.yaml"));
    assert!(deployments.iter().all(|d| d["apiVersion"] == "apps/v1"));
    // Secrets as metadata only.
    let secrets = items(&dir.join("secrets.yaml"));
    let ours = secrets
        .iter()
        .find(|s| s["metadata"]["name"] == "db-password")
        .expect("the secret is captured");
    assert!(ours["metadata"]["annotations"].get(LAST_APPLIED).is_none());
    for s in &secrets {
        assert!(
            s.get("data").is_none() && s.get("stringData").is_none(),
            "{s}"
        );
    }
    let requests = server.requests();
    let secret_requests: Vec<_> = requests
        .iter()
        .filter(|r| r.path.contains("/secrets"))
        .collect();
    assert!(!secret_requests.is_empty());
    assert!(
        secret_requests
            .iter()
            .all(|r| r.accept.contains("as=PartialObjectMetadata")),
        "Secrets' data is never requested"
    );
    // No managedFields anywhere, no secret value anywhere.
    for entry in std::fs::read_dir(&dir).expect("read the capture") {
        let path = entry.expect("entry").path();
        let text = std::fs::read_to_string(&path).expect("read");
        assert!(!text.contains("managedFields"), "{}", path.display());
        assert!(!text.contains("aHVudGVyMg"), "{}", path.display());
        assert!(!text.contains("hunter2"), "{}", path.display());
        let name = path.file_name().expect("name").to_string_lossy();
        assert!(!name.starts_with('.'), "no temporary file left: {name}");
    }
    let cm = items(&dir.join("configmaps.yaml"));
    assert!(cm.iter().any(|c| c["metadata"]["name"] == "managed"));
    // Kubelet settings from /configz, and the capture's description.
    assert!(!items(&dir.join("kubeletconfigurations.kubelet.config.k8s.io.yaml")).is_empty());
    let info: Value = serde_saphyr::from_str(
        &std::fs::read_to_string(dir.join("snapshot-info.yaml")).expect("info"),
    )
    .expect("YAML");
    assert_eq!(info["kind"], "SnapshotInfo");
    assert_eq!(info["context"], "sim");
    assert_eq!(info["serverVersion"], "v1.33.4");
    assert!(info["capturedAt"].as_str().is_some());
}

#[test]
fn a_non_empty_directory_needs_force() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let (_server, kubeconfig) = serve_demo(tmp.path(), |_| {});
    let k = kubeconfig.to_str().expect("utf-8 path");
    let dir = tmp.path().join("capture");
    std::fs::create_dir(&dir).expect("mkdir");
    std::fs::write(dir.join("notes.txt"), "mine").expect("write");
    let d = dir.to_str().expect("utf-8 path");

    let refused = kready(&["snapshot", "--kubeconfig", k, "-o", d]);
    assert_eq!(refused.status.code(), Some(2));
    assert!(stderr(&refused).contains("--force"), "{}", stderr(&refused));
    assert_eq!(
        std::fs::read_dir(&dir).expect("read").count(),
        1,
        "nothing written"
    );

    let forced = kready(&["snapshot", "--kubeconfig", k, "-o", d, "--force"]);
    assert!(forced.status.success(), "{}", stderr(&forced));
    assert!(stderr(&forced).contains("notes.txt"), "{}", stderr(&forced));
    assert_eq!(
        std::fs::read_to_string(dir.join("notes.txt")).expect("read"),
        "mine"
    );
    assert!(dir.join("pods.yaml").exists());
}

#[test]
fn forbidden_kinds_are_left_out_with_the_servers_reason() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let (_server, kubeconfig) = serve_demo(tmp.path(), |c| {
        c.forbid = vec![Forbid::resource("roles")];
    });
    let k = kubeconfig.to_str().expect("utf-8 path");
    let dir = tmp.path().join("capture");
    let d = dir.to_str().expect("utf-8 path");
    let out = kready(&["snapshot", "--kubeconfig", k, "-o", d]);
    assert!(out.status.success(), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains(
            "warning: Role not captured, forbidden: roles.rbac.authorization.k8s.io is forbidden"
        ),
        "{err}"
    );
    assert!(!dir.join("roles.rbac.authorization.k8s.io.yaml").exists());
    assert!(
        dir.join("rolebindings.rbac.authorization.k8s.io.yaml")
            .exists()
    );
    let info: Value = serde_saphyr::from_str(
        &std::fs::read_to_string(dir.join("snapshot-info.yaml")).expect("info"),
    )
    .expect("YAML");
    assert_eq!(info["forbidden"][0]["kind"], "Role");

    // Reopened, the capture says what the live cluster says: checks that
    // read Roles are unknown because Roles may not be listed, not passed
    // for having none.
    let live = kready(&["check", "--kubeconfig", k, "--now", NOW, "--format", "json"]);
    let snap = kready(&["check", "--snapshot", d, "--now", NOW, "--format", "json"]);
    let (live, snap) = (results(&live.stdout), results(&snap.stdout));
    let unknown_for_roles = |rs: &[Value]| {
        rs.iter()
            .filter(|r| {
                r["status"] == "unknown"
                    && r["message"]
                        .as_str()
                        .is_some_and(|m| m.contains("Role may not be listed"))
            })
            .count()
    };
    assert!(
        unknown_for_roles(&snap) > 0,
        "checks reading Roles are unknown"
    );
    assert_eq!(unknown_for_roles(&live), unknown_for_roles(&snap));
    // The same results; the server's reason may name another scope (the
    // live watch also tried the context's namespace).
    let same = |r: &Value| {
        (
            r["check"].clone(),
            r["status"].clone(),
            r["subject"].clone(),
        )
    };
    assert_eq!(live.len(), snap.len());
    for (l, s) in live.iter().zip(&snap) {
        assert_eq!(same(l), same(s));
        if !l["message"]
            .as_str()
            .unwrap_or("")
            .contains("may not be listed")
        {
            assert_eq!(l, s);
        }
    }
}

#[test]
fn a_server_that_is_gone_is_an_error() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let (mut server, kubeconfig) = serve_demo(tmp.path(), |_| {});
    server.stop();
    let k = kubeconfig.to_str().expect("utf-8 path");
    let dir = tmp.path().join("capture");
    let d = dir.to_str().expect("utf-8 path");
    let out = kready(&[
        "snapshot",
        "--kubeconfig",
        k,
        "-o",
        d,
        "--request-timeout",
        "5s",
    ]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("context sim"), "{}", stderr(&out));
    assert_eq!(std::fs::read_dir(&dir).map_or(0, |d| d.count()), 0);
}
