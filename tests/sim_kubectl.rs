//! The simulated API server's fidelity, checked with a real client:
//! Debian's `kubectl` (package `kubernetes-client`, which `.ci/run`
//! installs) run against it through a kubeconfig the server wrote — never
//! the user's. Every run and wait is bounded.

#[path = "../examples/sim-apiserver/sim/mod.rs"]
mod sim;

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use sim::{Config, Forbid, Handle, Server};

const KUBECTL_TIMEOUT: Duration = Duration::from_secs(30);

fn kubectl_path() -> PathBuf {
    for dir in std::env::var("PATH").unwrap_or_default().split(':') {
        let p = Path::new(dir).join("kubectl");
        if p.is_file() {
            return p;
        }
    }
    panic!(
        "kubectl is not installed: these tests check the simulated API server with the real kubectl \
         (Debian package kubernetes-client; `apt-get install kubernetes-client`, as .ci/run does)"
    );
}

/// A server and a private kubeconfig and cache directory for kubectl.
struct Kube {
    handle: Handle,
    dir: tempfile::TempDir,
}

impl Kube {
    fn start(config: Config) -> Kube {
        let handle = Server::start(config).expect("start the simulator");
        let dir = tempfile::tempdir().expect("tempdir");
        handle
            .write_kubeconfig(&dir.path().join("kubeconfig"))
            .expect("kubeconfig");
        Kube { handle, dir }
    }

    fn command(&self, args: &[&str]) -> Command {
        let mut c = Command::new(kubectl_path());
        c.arg("--kubeconfig")
            .arg(self.dir.path().join("kubeconfig"))
            .arg("--cache-dir")
            .arg(self.dir.path().join("cache"))
            .args(args)
            // Nothing of the user's: no KUBECONFIG, HOME in the temp dir.
            .env_remove("KUBECONFIG")
            .env("HOME", self.dir.path())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        c
    }

    /// Runs kubectl to the end (killed after KUBECTL_TIMEOUT): status,
    /// stdout, stderr.
    fn run(&self, args: &[&str]) -> (i32, String, String) {
        let mut child = self.command(args).spawn().expect("run kubectl");
        let start = Instant::now();
        loop {
            if let Ok(Some(_)) = child.try_wait() {
                break;
            }
            if start.elapsed() > KUBECTL_TIMEOUT {
                let _ = child.kill();
                let _ = child.wait();
                panic!("kubectl {args:?} did not finish in {KUBECTL_TIMEOUT:?}");
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let out = child.wait_with_output().expect("kubectl output");
        (
            out.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    }

    fn ok(&self, args: &[&str]) -> String {
        let (code, out, err) = self.run(args);
        assert_eq!(code, 0, "kubectl {args:?} failed: {err}");
        out
    }
}

fn demo() -> Config {
    Config {
        snapshot: Some(Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/demo")),
        ..Config::default()
    }
}

/// The demo snapshot's objects of one kind in one namespace, as files hold them.
fn snapshot_objects(kind: &str, namespace: &str) -> Vec<Value> {
    let mut out = Vec::new();
    let file = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join(format!("assets/demo/namespaces/{namespace}.yaml"));
    for doc in sim::load::parse_file(&file).expect("read the demo") {
        sim::load::expand(doc, &mut |o| {
            if o["kind"] == kind && o["metadata"]["namespace"] == namespace {
                out.push(o);
            }
        });
    }
    out
}

#[test]
fn kubectl_reads_the_demo_cluster() {
    let k = Kube::start(demo());
    let pods = k.ok(&["get", "pods", "-A"]);
    let lines: Vec<&str> = pods.lines().collect();
    assert!(lines[0].starts_with("NAMESPACE"), "{}", lines[0]);
    assert_eq!(lines.len() - 1, k.handle.count("v1", "Pod"));
    assert!(pods.contains("checkout"));

    // -o json: the same Deployments as the snapshot, field for field
    // (apart from what the server sets).
    let out: Value =
        serde_json::from_str(&k.ok(&["get", "deploy", "-n", "checkout", "-o", "json"]))
            .expect("json");
    let got = out["items"].as_array().cloned().unwrap_or_default();
    let want = snapshot_objects("Deployment", "checkout");
    assert!(!want.is_empty());
    assert_eq!(got.len(), want.len());
    for w in &want {
        let name = &w["metadata"]["name"];
        let g = got
            .iter()
            .find(|g| &g["metadata"]["name"] == name)
            .expect("a Deployment from the snapshot");
        assert_eq!(g["apiVersion"], "apps/v1");
        assert_eq!(g["kind"], "Deployment");
        assert_eq!(g["spec"], w["spec"], "{name}: spec");
        assert_eq!(g["status"], w["status"], "{name}: status");
        assert_eq!(
            g["metadata"]["labels"], w["metadata"]["labels"],
            "{name}: labels"
        );
        assert!(g["metadata"]["resourceVersion"].is_string());
    }

    // A CRD's objects, by the CRD's short or plural name.
    let backups = k.ok(&["get", "backups.velero.io", "-A", "-o", "name"]);
    assert!(
        backups.lines().count() > 0 && backups.lines().all(|l| l.starts_with("backup.velero.io/")),
        "{backups}"
    );
    // The node proxy's configz.
    let node = k.ok(&["get", "nodes", "-o", "jsonpath={.items[0].metadata.name}"]);
    let configz: Value = serde_json::from_str(&k.ok(&[
        "get",
        "--raw",
        &format!("/api/v1/nodes/{node}/proxy/configz"),
    ]))
    .expect("json");
    assert!(configz["kubeletconfig"].is_object());
    // Served in pages as kubectl asks (--chunk-size, default 500).
    let _ = k.ok(&["get", "pods", "-A", "--chunk-size=50"]);
    let pages = k
        .handle
        .requests()
        .iter()
        .filter(|r| r.path.starts_with("/api/v1/pods?limit=50"))
        .count();
    assert!(pages > 1, "{pages} pages");
}

fn pod(ns: &str, name: &str) -> Value {
    json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name, "namespace": ns},
           "spec": {"containers": [{"name": "app", "image": "img:1"}]}, "status": {"phase": "Running"}})
}

#[test]
fn kubectl_watch_sees_changes_the_handle_makes() {
    let k = Kube::start(Config::default());
    k.handle
        .apply(json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "w"}}))
        .expect("namespace");
    k.handle.apply(pod("w", "first")).expect("pod");
    let mut child = Killed(
        k.command(&["get", "pods", "-n", "w", "-w", "--output-watch-events"])
            .spawn()
            .expect("run kubectl get -w"),
    );
    let stdout = child.0.stdout.take().expect("stdout");
    let (tx, rx) = mpsc::channel::<String>();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let next = |what: &str| -> String {
        loop {
            match rx.recv_timeout(Duration::from_secs(15)) {
                Ok(l) if l.starts_with("EVENT") => continue,
                Ok(l) => return l,
                Err(_) => panic!("no {what} line from kubectl get -w"),
            }
        }
    };
    let first = next("initial");
    assert!(
        first.starts_with("ADDED") && first.contains("first"),
        "{first}"
    );
    // The watch is open once kubectl has asked for it.
    assert!(sim::wait_for(Duration::from_secs(15), || k
        .handle
        .requests()
        .iter()
        .any(|r| r.watch)));
    k.handle.apply(pod("w", "second")).expect("add");
    let l = next("ADDED");
    assert!(l.starts_with("ADDED") && l.contains("second"), "{l}");
    k.handle
        .mutate("v1", "Pod", "w", "second", |p| {
            p["metadata"]["labels"] = json!({"x": "y"})
        })
        .expect("mutate");
    let l = next("MODIFIED");
    assert!(l.starts_with("MODIFIED") && l.contains("second"), "{l}");
    k.handle.delete("v1", "Pod", "w", "first").expect("delete");
    let l = next("DELETED");
    assert!(l.starts_with("DELETED") && l.contains("first"), "{l}");
}

/// A child process killed when dropped, a failed assertion included.
struct Killed(std::process::Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn kubectl_server_side_apply_dry_run_and_apply() {
    let k = Kube::start(Config::default());
    k.handle
        .apply(json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "shop"}}))
        .expect("namespace");
    let file = k.dir.path().join("cm.yaml");
    std::fs::write(&file, "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n  namespace: shop\ndata:\n  mode: fast\n")
        .expect("write manifest");
    let f = file.to_str().expect("utf-8 path");
    let rv = k.handle.resource_version();
    let out = k.ok(&["apply", "--server-side", "--dry-run=server", "-f", f]);
    assert!(
        out.contains("configmap/settings serverside-applied (server dry run)"),
        "{out}"
    );
    assert_eq!(k.handle.resource_version(), rv, "a dry run stores nothing");
    assert_eq!(k.handle.count("v1", "ConfigMap"), 0);
    let patch = k
        .handle
        .requests()
        .into_iter()
        .find(|r| r.method == "PATCH")
        .expect("a PATCH");
    assert_eq!(patch.query("dryRun").as_deref(), Some("All"));
    assert_eq!(patch.query("fieldManager").as_deref(), Some("kubectl"));

    k.ok(&["apply", "--server-side", "-f", f]);
    let got: Value = serde_json::from_str(&k.ok(&[
        "get",
        "cm",
        "settings",
        "-n",
        "shop",
        "-o",
        "json",
        "--show-managed-fields",
    ]))
    .expect("json");
    assert_eq!(got["data"]["mode"], "fast");
    assert_eq!(got["metadata"]["managedFields"][0]["manager"], "kubectl");
    assert_eq!(got["metadata"]["managedFields"][0]["operation"], "Apply");

    // Another manager changing the value: kubectl reports the conflict.
    std::fs::write(&file, "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n  namespace: shop\ndata:\n  mode: slow\n")
        .expect("write manifest");
    let (code, _, err) = k.run(&["apply", "--server-side", "--field-manager=other", "-f", f]);
    assert_ne!(code, 0);
    assert!(
        err.contains("conflict with \"kubectl\"") && err.contains(".data.mode"),
        "{err}"
    );
    k.ok(&[
        "apply",
        "--server-side",
        "--field-manager=other",
        "--force-conflicts",
        "-f",
        f,
    ]);
    assert_eq!(
        k.ok(&[
            "get",
            "cm",
            "settings",
            "-n",
            "shop",
            "-o",
            "jsonpath={.data.mode}"
        ]),
        "slow"
    );
}

#[test]
fn kubectl_scale_label_and_delete() {
    let k = Kube::start(demo());
    let out = k.ok(&[
        "scale",
        "deploy",
        "checkout-api",
        "-n",
        "checkout",
        "--replicas=7",
    ]);
    assert!(out.contains("scaled"), "{out}");
    assert_eq!(
        k.ok(&[
            "get",
            "deploy",
            "checkout-api",
            "-n",
            "checkout",
            "-o",
            "jsonpath={.spec.replicas}"
        ]),
        "7"
    );
    k.ok(&[
        "label",
        "deploy",
        "checkout-api",
        "-n",
        "checkout",
        "sim=yes",
    ]);
    assert_eq!(
        k.ok(&[
            "get", "deploy", "-n", "checkout", "-l", "sim=yes", "-o", "name"
        ])
        .trim(),
        "deployment.apps/checkout-api"
    );
    let pods = k.handle.count("v1", "Pod");
    let pod = k.ok(&[
        "get",
        "pods",
        "-n",
        "checkout",
        "-o",
        "jsonpath={.items[0].metadata.name}",
    ]);
    k.ok(&["delete", "pod", &pod, "-n", "checkout", "--wait=false"]);
    assert_eq!(k.handle.count("v1", "Pod"), pods - 1);
}

#[test]
fn kubectl_switches_between_two_servers() {
    let one = Kube::start(Config::default());
    let two = Server::start(Config::default()).expect("a second server");
    one.handle
        .apply(json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "first"}}))
        .expect("ns");
    two.apply(json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "second"}}))
        .expect("ns");
    std::fs::write(
        one.dir.path().join("kubeconfig"),
        sim::kubeconfig(&[("one", &one.handle), ("two", &two)]),
    )
    .expect("kubeconfig");
    assert_eq!(
        one.ok(&["get", "ns", "-o", "name"]).trim(),
        "namespace/first"
    );
    assert_eq!(
        one.ok(&["--context", "two", "get", "ns", "-o", "name"])
            .trim(),
        "namespace/second"
    );
    assert_eq!(
        one.ok(&["config", "get-contexts", "-o", "name"]).trim(),
        "one\ntwo"
    );
}

#[test]
fn kubectl_auth_can_i_under_forbidden_kinds() {
    let k = Kube::start(Config {
        forbid: vec![Forbid::resource("secrets")],
        ..Config::default()
    });
    let (code, out, err) = k.run(&["auth", "can-i", "list", "pods"]);
    assert_eq!((code, out.trim()), (0, "yes"), "{err}");
    let (code, out, _) = k.run(&["auth", "can-i", "list", "secrets"]);
    assert_eq!((code, out.trim()), (1, "no"));
    let (code, out, _) = k.run(&["auth", "can-i", "get", "secrets", "-n", "kube-system"]);
    assert_eq!((code, out.trim()), (1, "no"));
    let (code, _, err) = k.run(&["get", "secrets", "-A"]);
    assert_ne!(code, 0);
    assert!(
        err.contains("secrets is forbidden: User \"kready\" cannot list resource \"secrets\" in API group \"\" at the cluster scope"),
        "{err}"
    );
    let list = k.ok(&["auth", "can-i", "--list", "-n", "default"]);
    assert!(
        list.contains("pods") && !list.lines().any(|l| l.starts_with("secrets ")),
        "{list}"
    );
}
