//! The loader against hostile and large input: big YAML lists, alias bombs,
//! devices and FIFOs, unreadable directories, broken JSON streams,
//! duplicate objects, and the exact words of its errors.

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use kready::model::ObjKey;
use kready::source::snapshot::{self, LoadError, LoadOptions, LoadWarning};

#[path = "../benches/support/cluster_gen.rs"]
#[allow(dead_code)]
mod cluster_gen;

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(name);
    fs::create_dir_all(p.parent().unwrap()).unwrap();
    fs::write(&p, text).unwrap();
    p
}

/// The error of loading `p` with the default options, as the user reads it.
fn load_error(p: &Path) -> String {
    snapshot::load(p, &LoadOptions::default())
        .unwrap_err()
        .to_string()
}

fn keep_going() -> LoadOptions {
    LoadOptions {
        keep_going: true,
        ..LoadOptions::default()
    }
}

fn messages(errors: &[LoadError]) -> Vec<String> {
    errors.iter().map(|e| e.to_string()).collect()
}

/// `kubectl get pods -A -o yaml` for `n` pods: one `kind: List` with
/// `items` before `kind`, about 6 KB per pod as kubectl prints them.
fn pod_list_yaml(n: usize) -> String {
    let mut s = String::from("apiVersion: v1\nitems:\n");
    for i in 0..n {
        write!(
            s,
            "- apiVersion: v1\n  kind: Pod\n  metadata:\n    name: web-{i}\n    namespace: ns-{}\n    labels:\n      app: web\n      pod-template-hash: 5d8f7c\n    ownerReferences:\n    - apiVersion: apps/v1\n      kind: ReplicaSet\n      name: web-5d8f7c\n      uid: 0b7c9a1e-{i:08}\n      controller: true\n    managedFields:\n",
            i % 10
        )
        .unwrap();
        for m in 0..40 {
            write!(
                s,
                "    - manager: kube-controller-manager-{m}\n      operation: Update\n      apiVersion: v1\n      time: \"2026-11-20T12:00:00Z\"\n      fieldsType: FieldsV1\n      fieldsV1:\n        f:metadata:\n          f:labels:\n            .: {{}}\n            f:app: {{}}\n"
            )
            .unwrap();
        }
        write!(
            s,
            "  spec:\n    nodeName: node-{}\n    containers:\n    - name: web\n      image: nginx:1.27\n      resources:\n        requests:\n          cpu: 100m\n          memory: 128Mi\n  status:\n    phase: Running\n    containerStatuses:\n    - name: web\n      image: nginx:1.27\n      imageID: \"\"\n      ready: true\n      restartCount: 0\n",
            i % 7
        )
        .unwrap();
    }
    s.push_str("kind: List\nmetadata:\n  resourceVersion: \"\"\n");
    s
}

#[test]
fn a_big_yaml_list_loads_every_item_with_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let text = pod_list_yaml(1000);
    assert!(
        text.len() > 5_000_000,
        "as big as kubectl prints: {}",
        text.len()
    );
    let p = write(dir.path(), "pods.yaml", &text);
    let loaded = snapshot::load(&p, &LoadOptions::default()).unwrap();
    assert!(loaded.errors.is_empty());
    assert!(loaded.warnings.is_empty(), "{:?}", loaded.warnings);
    assert_eq!(loaded.objects.len(), 1000);
    let store = loaded.into_store();
    let last = store.get(&ObjKey::new("Pod", "ns-9", "web-999")).unwrap();
    let item_line = text
        .lines()
        .position(|l| l == "    name: web-999")
        .unwrap() // 1-based line of `name`, less the three lines above it
        - 2;
    assert_eq!(last.origin.as_ref().unwrap().line, item_line);
}

#[test]
fn alias_bombs_hit_a_named_bound_that_can_be_raised() {
    let dir = tempfile::tempdir().unwrap();
    let mut bomb = String::from(
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: lol}\ndata:\n  a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n",
    );
    for i in 1..9 {
        let refs = vec![format!("*a{}", i - 1); 10].join(", ");
        writeln!(bomb, "  a{i}: &a{i} [{refs}]").unwrap();
    }
    let p = write(dir.path(), "bomb.yaml", &bomb);
    let start = Instant::now();
    let err = snapshot::load(&p, &LoadOptions::default()).unwrap_err();
    assert!(
        start.elapsed() < Duration::from_secs(20),
        "{:?}",
        start.elapsed()
    );
    assert!(matches!(err, LoadError::Bound { .. }), "{err:?}");
    let text = err.to_string();
    assert!(!text.contains("malformed"), "{text}");
    assert!(
        text.ends_with(
            "aliases (*name) expand to more than 100000 parser events, the bound against alias bombs; raise it with --max-alias-events"
        ),
        "{text}"
    );
    let lower = LoadOptions {
        max_alias_events: 1000,
        ..LoadOptions::default()
    };
    let text = snapshot::load(&p, &lower).unwrap_err().to_string();
    assert!(text.contains("more than 1000 parser events"), "{text}");

    // A few aliases, as hand-written files use them, are fine.
    let p = write(
        dir.path(),
        "anchors.yaml",
        "apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: a, namespace: x, labels: &l {app: web}}\n- apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: b, namespace: x, labels: *l}\n",
    );
    let store = snapshot::load(&p, &LoadOptions::default())
        .unwrap()
        .into_store();
    let b = store.get(&ObjKey::new("ConfigMap", "x", "b")).unwrap();
    assert_eq!(b.meta.labels.as_ref().unwrap()["app"], "web");
}

#[test]
fn depth_is_a_named_bound_in_yaml_and_json() {
    let dir = tempfile::tempdir().unwrap();
    let deep = format!("{}1{}", "[".repeat(200), "]".repeat(200));
    let p = write(
        dir.path(),
        "deep.yaml",
        &format!("apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: d}}\ndata: {deep}\n"),
    );
    let text = load_error(&p);
    assert!(
        text.ends_with("nested more than 128 levels deep, the bound that protects the loader's stack (it cannot be raised)"),
        "{text}"
    );
    let p = write(
        dir.path(),
        "deep.json",
        &format!(
            r#"{{"apiVersion":"v1","kind":"ConfigMap","metadata":{{"name":"d"}},"data":{deep}}}"#
        ),
    );
    let text = load_error(&p);
    assert!(
        text.ends_with("nested more than 128 levels deep, the bound that protects the loader's stack (it cannot be raised)"),
        "{text}"
    );
}

#[test]
fn a_bad_yaml_document_is_named_and_the_others_load() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(
        dir.path(),
        "multi.yaml",
        "apiVersion: v1\nkind: Namespace\nmetadata: {name: a}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: [unclosed\n---\napiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: good, namespace: a}\n- apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: bad, namespace: a, labels: {a: [1]}}\n- apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: later, namespace: a}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: dup\n  name: again\n",
    );
    let loaded = snapshot::load(&p, &keep_going()).unwrap();
    let shown = p.display();
    assert_eq!(
        messages(&loaded.errors),
        [
            format!(
                "{shown}: document 2 (line 7, column 18): malformed YAML: unclosed bracket '['"
            ),
            format!(
                "{shown}: document 3, item 2 (line 17): field `metadata.labels.a`: invalid type: sequence, expected a string"
            ),
            format!(
                "{shown}: document 4 (line 26, column 3): malformed YAML: the key \"name\" appears twice in one mapping"
            ),
        ]
    );
    let store = loaded.into_store();
    assert_eq!(store.len(), 3, "the namespace, good and later");
    assert!(store.get(&ObjKey::new("ConfigMap", "a", "later")).is_some());
}

fn mkfifo(path: &Path) {
    let c = std::ffi::CString::new(path.as_os_str().as_encoded_bytes()).unwrap();
    // SAFETY: a valid NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
}

#[test]
fn fifos_in_a_snapshot_directory_are_skipped_and_reported() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "ns.yaml",
        "apiVersion: v1\nkind: Namespace\nmetadata: {name: a}\n",
    );
    let fifo = dir.path().join("pipe.yaml");
    mkfifo(&fifo);
    let start = Instant::now();
    let loaded = snapshot::load(dir.path(), &LoadOptions::default()).unwrap();
    assert!(start.elapsed() < Duration::from_secs(5));
    assert_eq!(loaded.objects.len(), 1);
    let warnings: Vec<String> = loaded.warnings.iter().map(|w| w.to_string()).collect();
    assert_eq!(
        warnings,
        [format!(
            "{}: skipped, a FIFO is not a regular file",
            fifo.display()
        )]
    );

    // Named directly, a FIFO is an error, not a wait.
    let err = snapshot::load(&fifo, &LoadOptions::default()).unwrap_err();
    assert_eq!(
        err.to_string(),
        format!("{}: a FIFO, not a regular file", fifo.display())
    );
}

fn kready(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_kready"))
        .args(args)
        .env("XDG_CONFIG_HOME", "/nonexistent-kready-test")
        .output()
        .unwrap()
}

#[test]
fn devices_are_refused_quickly_by_the_binary() {
    let start = Instant::now();
    let out = kready(&["check", "--snapshot", "/dev/zero", "--format", "json"]);
    assert!(start.elapsed() < Duration::from_secs(10));
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "kready: /dev/zero: a character device, not a regular file\n"
    );
}

#[test]
fn missing_and_too_large_files_are_said_once() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("nope.yaml");
    let out = kready(&["check", "--snapshot", missing.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        format!("kready: {}: no such file or directory\n", missing.display())
    );

    let big = write(dir.path(), "big.yaml", &"# padding\n".repeat(120_000));
    let out = kready(&[
        "check",
        "--snapshot",
        big.to_str().unwrap(),
        "--max-file-mb",
        "1",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        format!(
            "kready: {}: larger than the 1048576-byte limit; raise it with --max-file-mb (now 1)\n",
            big.display()
        )
    );
}

#[test]
fn an_unreadable_directory_is_skipped_with_keep_going() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "a/ns.yaml",
        "apiVersion: v1\nkind: Namespace\nmetadata: {name: a}\n",
    );
    // SAFETY: no arguments, no side effects.
    let root = unsafe { libc::geteuid() } == 0;
    let bad = if root {
        // Root reads mode-000 directories; a path longer than PATH_MAX
        // cannot be opened by anyone.
        long_path_dir(&dir.path().join("b"))
    } else {
        let locked = dir.path().join("b");
        fs::create_dir(&locked).unwrap();
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(&locked, fs::Permissions::from_mode(0o000)).unwrap();
        locked
    };
    write(
        dir.path(),
        "c/cm.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, namespace: a}\n",
    );

    let err = snapshot::load(dir.path(), &LoadOptions::default()).unwrap_err();
    assert!(matches!(err, LoadError::Dir { .. }), "{err:?}");
    let loaded = snapshot::load(dir.path(), &keep_going()).unwrap();
    let errors = messages(&loaded.errors);
    assert_eq!(errors.len(), 1, "{errors:?}");
    let reason = if root {
        "file name too long"
    } else {
        "permission denied"
    };
    assert_eq!(
        errors[0],
        format!("{}: cannot read the directory: {reason}", bad.display())
    );
    assert_eq!(loaded.objects.len(), 2, "a/ and c/ still load");

    if !root {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(&bad, fs::Permissions::from_mode(0o700)).unwrap();
    }
}

/// Creates directories under `base` (one level at a time, relative to an
/// open descriptor) until the deepest one's path is longer than PATH_MAX;
/// returns that path.
fn long_path_dir(base: &Path) -> PathBuf {
    use std::os::fd::AsRawFd;
    fs::create_dir(base).unwrap();
    let name = "d".repeat(250);
    let c_name = std::ffi::CString::new(name.clone()).unwrap();
    let mut path = base.to_path_buf();
    let mut fd = fs::File::open(base).unwrap();
    while path.as_os_str().len() <= libc::PATH_MAX as usize {
        // SAFETY: a valid directory descriptor and NUL-terminated name.
        let next = unsafe {
            assert_eq!(libc::mkdirat(fd.as_raw_fd(), c_name.as_ptr(), 0o700), 0);
            libc::openat(
                fd.as_raw_fd(),
                c_name.as_ptr(),
                libc::O_RDONLY | libc::O_DIRECTORY,
            )
        };
        assert!(next >= 0);
        // SAFETY: `openat` just returned this descriptor to us alone.
        fd = unsafe { std::os::fd::FromRawFd::from_raw_fd(next) };
        path.push(&name);
    }
    path
}

#[test]
fn a_json_stream_with_a_broken_document_loses_nothing_silently() {
    let dir = tempfile::tempdir().unwrap();
    let cm = |n: &str| {
        format!(
            r#"{{"apiVersion":"v1","kind":"ConfigMap","metadata":{{"name":"{n}","namespace":"a"}}}}"#
        )
    };
    let text = format!(
        "{}\n{{\"apiVersion\": \"v1\", \"kind\": \n{}\n{{\n    \"apiVersion\": \"v1\",\n    \"kind\": \"ConfigMap\",\n    \"metadata\": {{\"name\": \"four\", \"namespace\": \"a\"}}\n}}\n{}\n",
        cm("one"),
        cm("three"),
        cm("five")
    );
    let p = write(dir.path(), "stream.json", &text);
    let loaded = snapshot::load(&p, &keep_going()).unwrap();
    assert_eq!(
        messages(&loaded.errors),
        // The parser sees the document end only at the next one.
        [format!(
            "{}: document 2 (line 4, column 1): malformed JSON: expected `,` or `}}`",
            p.display()
        )]
    );
    let names: Vec<&str> = loaded.objects.iter().map(|o| o.key.name.as_str()).collect();
    assert_eq!(names, ["one", "three", "four", "five"]);
    let lines: Vec<usize> = loaded
        .objects
        .iter()
        .map(|o| o.origin.as_ref().unwrap().line)
        .collect();
    assert_eq!(lines, [1, 3, 4, 9]);

    // Without --keep-going the first error stops the load.
    let err = snapshot::load(&p, &LoadOptions::default()).unwrap_err();
    assert!(err.to_string().contains("document 2 (line 4"), "{err}");
}

#[test]
fn duplicates_are_named_with_both_places_and_the_later_is_kept() {
    let dir = tempfile::tempdir().unwrap();
    let a = write(
        dir.path(),
        "monday/cm.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cfg, namespace: shop}\ndata: {day: monday}\n",
    );
    let b = write(
        dir.path(),
        "tuesday/cm.json",
        "\n{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"cfg\",\"namespace\":\"shop\"},\"data\":{\"day\":\"tuesday\"}}\n",
    );
    let loaded = snapshot::load(dir.path(), &LoadOptions::default()).unwrap();
    let warnings: Vec<String> = loaded.warnings.iter().map(|w| w.to_string()).collect();
    assert_eq!(
        warnings,
        [format!(
            "ConfigMap shop/cfg is defined twice, at {} line 1 and at {} line 2; keeping the one at {} line 2 (the later in path order)",
            a.display(),
            b.display(),
            b.display()
        )]
    );
    assert!(matches!(loaded.warnings[0], LoadWarning::Duplicate { .. }));
    let store = loaded.into_store();
    let kept = store.get(&ObjKey::new("ConfigMap", "shop", "cfg")).unwrap();
    let cm: &k8s_openapi::api::core::v1::ConfigMap = kept.typed().unwrap();
    assert_eq!(cm.data.as_ref().unwrap()["day"], "tuesday");

    // The binary prints it as a warning.
    let out = kready(&[
        "check",
        "--snapshot",
        dir.path().to_str().unwrap(),
        "--format",
        "json",
    ]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.starts_with(&format!("kready: warning: {}\n", warnings[0])),
        "{stderr}"
    );
}

#[test]
fn a_byte_order_mark_is_accepted_in_json_as_in_yaml() {
    let dir = tempfile::tempdir().unwrap();
    let json = dir.path().join("bom.json");
    fs::write(
        &json,
        "\u{feff}{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":\"j\"}}",
    )
    .unwrap();
    let yaml = dir.path().join("bom.yaml");
    fs::write(
        &yaml,
        "\u{feff}apiVersion: v1\nkind: Namespace\nmetadata: {name: yml}\n",
    )
    .unwrap();
    let store = snapshot::load(dir.path(), &LoadOptions::default())
        .unwrap()
        .into_store();
    assert!(store.get(&ObjKey::new("Namespace", "", "j")).is_some());
    assert!(store.get(&ObjKey::new("Namespace", "", "yml")).is_some());
}

#[test]
fn field_errors_read_as_sentences() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(
        dir.path(),
        "meta.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata: just a string\n",
    );
    let text = load_error(&p);
    assert_eq!(
        text,
        format!(
            "{}: document 1 (line 3): field `metadata`: invalid type: string \"just a string\", expected a mapping",
            p.display()
        )
    );
    assert!(!text.contains(".."), "{text}");

    // The line is the bad field's, not the document's first.
    let p = write(
        dir.path(),
        "deploy.yaml",
        "# comment\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d, namespace: a}\nspec:\n  selector: {}\n  replicas: three\n  template: {}\n",
    );
    let text = load_error(&p);
    assert_eq!(
        text,
        format!(
            "{}: document 1 (line 7): field `spec.replicas`: invalid type: string \"three\", expected a whole number",
            p.display()
        )
    );

    // The binary does not repeat the path.
    let out = kready(&["check", "--snapshot", p.to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(stderr, format!("kready: {text}\n"));
}

/// Removes what differs between the same cluster written in two formats:
/// the file names and lines results point at.
fn without_locations(v: &mut serde_json::Value) {
    match v {
        serde_json::Value::Object(m) => {
            m.remove("location");
            m.values_mut().for_each(without_locations);
        }
        serde_json::Value::Array(a) => a.iter_mut().for_each(without_locations),
        _ => {}
    }
}

#[test]
fn the_same_cluster_as_yaml_and_json_checks_the_same() {
    let dir = tempfile::tempdir().unwrap();
    let mut reports = Vec::new();
    for yaml in [false, true] {
        let out = dir.path().join(if yaml { "yaml" } else { "json" });
        let p = cluster_gen::Params {
            nodes: 12,
            pods: 240,
            deployments: 30,
            namespaces: 8,
            seed: 7,
            pretty: false,
            yaml,
        };
        cluster_gen::generate(&p, &out).unwrap();
        let run = kready(&[
            "check",
            "--snapshot",
            out.to_str().unwrap(),
            "--format",
            "json",
            "--fail-on",
            "never",
        ]);
        assert_eq!(
            run.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&run.stderr)
        );
        assert!(
            run.stderr.is_empty(),
            "{}",
            String::from_utf8_lossy(&run.stderr)
        );
        let mut report: serde_json::Value = serde_json::from_slice(&run.stdout).unwrap();
        without_locations(&mut report);
        report["source"]["name"] = serde_json::Value::Null;
        reports.push(report);
    }
    let results = |r: &serde_json::Value| r["results"].as_array().unwrap().clone();
    let (json, yaml) = (results(&reports[0]), results(&reports[1]));
    assert!(json.len() > 100, "a real report: {}", json.len());
    for (j, y) in json.iter().zip(&yaml) {
        assert_eq!(j, y);
    }
    assert_eq!(json.len(), yaml.len());
    assert_eq!(reports[0], reports[1]);
}

#[test]
fn errors_about_env_values_and_command_lines_do_not_quote_them() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(
        dir.path(),
        "deploy.yaml",
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d, namespace: a}\nspec:\n  selector: {}\n  template:\n    spec:\n      containers:\n      - name: c\n        image: i\n        env:\n        - name: DB_PASSWORD\n          value: 123456789\n",
    );
    let text = load_error(&p);
    assert_eq!(
        text,
        format!(
            "{}: document 1 (line 13): field `spec.template.spec.containers[0].env[0].value`: invalid type: integer <literal, not shown>, expected a string",
            p.display()
        )
    );
    let p = write(
        dir.path(),
        "pod.yaml",
        "apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: a}\nspec:\n  containers:\n  - name: c\n    image: i\n    args: [--token, 987654321]\n",
    );
    let text = load_error(&p);
    assert!(!text.contains("987654321"), "{text}");
    assert!(text.contains("args[1]"), "{text}");
    // Elsewhere the value is still quoted: it helps to fix the file.
    let p = write(
        dir.path(),
        "rs.yaml",
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d, namespace: a}\nspec:\n  selector: {}\n  replicas: three\n  template: {}\n",
    );
    let text = load_error(&p);
    assert!(text.contains("\"three\""), "{text}");
}
