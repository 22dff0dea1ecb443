//! The snapshot loader: formats it accepts and the errors it gives.

use std::fs;
use std::path::Path;

use k8s_openapi::api::autoscaling::v2::HorizontalPodAutoscaler;
use k8s_openapi::api::core::v1::Secret;
use kready::file_input::ReadError;
use kready::model::ObjKey;
use kready::source::snapshot::{self, LoadError, LoadOptions};

fn write(dir: &Path, name: &str, text: &str) -> std::path::PathBuf {
    let p = dir.join(name);
    fs::create_dir_all(p.parent().unwrap()).unwrap();
    fs::write(&p, text).unwrap();
    p
}

fn load(path: &Path) -> Result<snapshot::Loaded, LoadError> {
    snapshot::load(path, &LoadOptions::default())
}

const POD: &str = "apiVersion: v1\nkind: Pod\nmetadata: {name: p1, namespace: a}\nspec: {containers: [{name: c, image: nginx:1.27}]}\n";

#[test]
fn single_multi_document_and_list_yaml() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "one.yaml", POD);
    write(
        dir.path(),
        "multi.yml",
        "# leading comment\n---\napiVersion: v1\nkind: Namespace\nmetadata: {name: a}\n---\n\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: cm}\ndata: {k: v}\n...\n",
    );
    write(
        dir.path(),
        "nested/list.yaml",
        "apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Service\n  metadata: {name: s1, namespace: a}\n- apiVersion: v1\n  kind: Service\n  metadata:\n    name: s2\n    namespace: a\nmetadata: {resourceVersion: \"\"}\n",
    );
    write(dir.path(), ".hidden/skip.yaml", "not: [valid");
    write(dir.path(), "README.md", "ignored");
    let loaded = load(dir.path()).unwrap();
    assert_eq!(loaded.files, 3);
    let store = loaded.into_store();
    assert_eq!(store.len(), 5);
    // A namespaced kind without a namespace lands in `default`, as kubectl applies it.
    let cm = store
        .get(&ObjKey::new("ConfigMap", "default", "cm"))
        .unwrap();
    let origin = cm.origin.as_ref().unwrap();
    assert!(origin.file.ends_with("multi.yml"));
    assert_eq!(origin.line, 9);
    let s2 = store.get(&ObjKey::new("Service", "a", "s2")).unwrap();
    assert_eq!(
        s2.origin.as_ref().unwrap().line,
        7,
        "list items get their own line"
    );
    let ns = store.get(&ObjKey::new("Namespace", "", "a")).unwrap();
    assert_eq!(ns.origin.as_ref().unwrap().line, 3);
}

#[test]
fn json_object_list_and_stream() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "pods.json",
        r#"{"apiVersion":"v1","kind":"PodList","items":[
  {"apiVersion":"v1","kind":"Pod","metadata":{"name":"p1","namespace":"a"},"spec":{"containers":[{"name":"c","image":"x"}]}}
]}
{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"a"}}"#,
    );
    let store = load(dir.path()).unwrap().into_store();
    assert!(store.get(&ObjKey::new("Pod", "a", "p1")).is_some());
    let ns = store.get(&ObjKey::new("Namespace", "", "a")).unwrap();
    assert_eq!(ns.origin.as_ref().unwrap().line, 4);
}

#[test]
fn unknown_kinds_are_kept_as_dynamic_objects() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(
        dir.path(),
        "crs.yaml",
        "apiVersion: velero.io/v1\nkind: Backup\nmetadata: {name: b1, namespace: velero}\nstatus: {phase: Completed}\n---\napiVersion: example.com/v1\nkind: Deployment\nmetadata: {name: d, namespace: x}\nspec: {anything: goes}\n",
    );
    let store = load(&p).unwrap().into_store();
    let b = store.get(&ObjKey::new("Backup", "velero", "b1")).unwrap();
    assert_eq!(b.pointer("/status/phase").unwrap(), "Completed");
    // A custom kind that shares a built-in name does not pose as the built-in.
    assert!(
        store
            .get(&ObjKey::new("Deployment.example.com", "x", "d"))
            .is_some()
    );
    assert!(!store.has_kind("Deployment"));
}

#[test]
fn malformed_yaml_names_file_document_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(
        dir.path(),
        "bad.yaml",
        &format!("{POD}---\napiVersion: v1\nkind: Pod\nmetadata: {{name: [unclosed\n"),
    );
    let err = load(&p).unwrap_err();
    let text = err.to_string();
    assert!(matches!(err, LoadError::Syntax { .. }), "{err:?}");
    assert!(text.contains("bad.yaml"), "{text}");
    assert!(text.contains("document 2"), "{text}");
    assert!(
        text.contains("document 2 (line 8, column"),
        "the parser's line counts from the file start: {text}"
    );
}

#[test]
fn wrong_field_type_names_field_and_value() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(
        dir.path(),
        "deploy.yaml",
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d, namespace: a}\nspec:\n  replicas: three\n  selector: {}\n  template: {}\n",
    );
    let text = load(&p).unwrap_err().to_string();
    assert!(text.contains("deploy.yaml: document 1"), "{text}");
    assert!(text.contains("spec.replicas"), "{text}");
    assert!(text.contains("\"three\""), "{text}");
}

#[test]
fn missing_kind_and_name_are_errors() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(
        dir.path(),
        "a.yaml",
        "apiVersion: v1\nmetadata: {name: x}\n",
    );
    let text = load(&p).unwrap_err().to_string();
    assert!(text.contains("field `kind`"), "{text}");
    let p = write(
        dir.path(),
        "b.yaml",
        "apiVersion: v1\nkind: Pod\nmetadata: {namespace: x}\nspec: {containers: []}\n",
    );
    let text = load(&p).unwrap_err().to_string();
    assert!(text.contains("metadata.name"), "{text}");
    let p = write(dir.path(), "c.yaml", "- just\n- a list\n");
    let text = load(&p).unwrap_err().to_string();
    assert!(text.contains("expected a mapping"), "{text}");
}

#[test]
fn keep_going_loads_the_rest() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "mixed.yaml",
        &format!(
            "{POD}---\napiVersion: v1\nkind: Pod\nmetadata: {{name: p2, namespace: a}}\nspec: {{containers: 7}}\n---\napiVersion: v1\nkind: Namespace\nmetadata: {{name: a}}\n"
        ),
    );
    write(dir.path(), "broken.yaml", "key: [unclosed\n");
    assert!(load(dir.path()).is_err());
    let loaded = snapshot::load(
        dir.path(),
        &LoadOptions {
            keep_going: true,
            ..LoadOptions::default()
        },
    )
    .unwrap();
    assert_eq!(loaded.errors.len(), 2, "{:?}", loaded.errors);
    let msgs: Vec<String> = loaded.errors.iter().map(|e| e.to_string()).collect();
    assert!(
        msgs.iter()
            .any(|m| m.contains("mixed.yaml: document 2") && m.contains("spec.containers")),
        "{msgs:?}"
    );
    let store = loaded.into_store();
    assert_eq!(store.len(), 2, "p1 and the namespace survive");
}

#[test]
fn empty_directory_binary_and_huge_files() {
    let dir = tempfile::tempdir().unwrap();
    let err = load(dir.path()).unwrap_err();
    assert!(matches!(err, LoadError::NoFiles { .. }), "{err:?}");

    let bin = dir.path().join("blob.yaml");
    fs::write(&bin, [0x89, b'P', b'N', b'G', 0, 1, 2]).unwrap();
    let err = load(&bin).unwrap_err();
    assert!(err.to_string().contains("not a text file"), "{err}");

    let big = write(dir.path(), "big.yaml", &POD.repeat(50));
    let err = snapshot::load(
        &big,
        &LoadOptions {
            max_file_bytes: 1024,
            ..LoadOptions::default()
        },
    )
    .unwrap_err();
    assert!(
        matches!(err, LoadError::Read(ReadError::TooLarge { .. })),
        "{err:?}"
    );
    assert!(err.to_string().contains("big.yaml"), "{err}");

    let missing = load(&dir.path().join("nope.yaml")).unwrap_err();
    assert!(missing.to_string().contains("nope.yaml"), "{missing}");
}

#[test]
fn secret_values_are_dropped_on_load() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(
        dir.path(),
        "secret.yaml",
        "apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\n  namespace: a\n  annotations:\n    kubectl.kubernetes.io/last-applied-configuration: '{\"stringData\":{\"password\":\"hunter2-plain\"}}'\ndata:\n  password: aHVudGVyMi1iNjQ=\nstringData:\n  token: hunter2-plain\n",
    );
    let store = load(&p).unwrap().into_store();
    let obj = store.get(&ObjKey::new("Secret", "a", "db")).unwrap();
    let secret: &Secret = obj.typed().unwrap();
    let data = secret.data.as_ref().unwrap();
    assert!(data.contains_key("password"), "key names are kept");
    assert!(data.values().all(|v| v.0.is_empty()), "values are dropped");
    assert!(secret.string_data.is_none());
    let everything = format!("{obj:?}");
    assert!(
        !everything.contains("hunter2"),
        "no secret value anywhere: {everything}"
    );
    assert!(!everything.contains("aHVudGVyMi1iNjQ="));
}

#[test]
fn hpa_v1_reads_as_v2() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(
        dir.path(),
        "hpa.yaml",
        "apiVersion: autoscaling/v1\nkind: HorizontalPodAutoscaler\nmetadata: {name: h, namespace: a}\nspec:\n  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: d}\n  minReplicas: 2\n  maxReplicas: 4\n  targetCPUUtilizationPercentage: 70\n",
    );
    let store = load(&p).unwrap().into_store();
    let obj = store
        .get(&ObjKey::new("HorizontalPodAutoscaler", "a", "h"))
        .unwrap();
    assert_eq!(obj.api_version, "autoscaling/v1");
    let hpa: &HorizontalPodAutoscaler = obj.typed().unwrap();
    let metric = &hpa.spec.metrics.as_ref().unwrap()[0];
    let target = &metric.resource.as_ref().unwrap().target;
    assert_eq!(target.average_utilization, Some(70));
}

#[test]
fn managed_pods_keep_what_checks_read() {
    use kready::model::pod::Pod;
    let dir = tempfile::tempdir().unwrap();
    let p = write(
        dir.path(),
        "pods.yaml",
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web-1\n  namespace: a\n  ownerReferences: [{apiVersion: apps/v1, kind: ReplicaSet, name: web, uid: u, controller: true}]\nspec:\n  nodeName: n1\n  containers:\n  - name: web\n    image: nginx:1.27\n    env: [{name: A, value: '1'}]\n    resources: {requests: {cpu: 100m}, limits: {memory: 1Gi}}\n  volumes: [{name: v, emptyDir: {}}]\nstatus: {phase: Running}\n\
         ---\napiVersion: v1\nkind: Pod\nmetadata: {name: debug, namespace: a}\nspec:\n  containers: [{name: sh, image: busybox}]\n  volumes: [{name: host, hostPath: {path: /}}]\n\
         ---\napiVersion: apps/v1\nkind: ReplicaSet\nmetadata:\n  name: web\n  namespace: a\n  ownerReferences: [{apiVersion: apps/v1, kind: Deployment, name: web, uid: d, controller: true}]\nspec:\n  replicas: 2\n  selector: {matchLabels: {app: web}}\n  template: {metadata: {labels: {app: web}}, spec: {containers: [{name: web, image: nginx}]}}\n",
    );
    let store = load(&p).unwrap().into_store();

    let managed = store.get(&ObjKey::new("Pod", "a", "web-1")).unwrap();
    let pod: &Pod = managed.typed().unwrap();
    assert!(pod.is_trimmed());
    let spec = pod.spec.as_ref().unwrap();
    assert_eq!(spec.node_name.as_deref(), Some("n1"));
    let res = spec.containers[0].resources.as_ref().unwrap();
    assert_eq!(res.limits.as_ref().unwrap().get("memory").unwrap().0, "1Gi");
    let yaml = kready::model::yaml::render(managed);
    assert!(
        yaml.starts_with("# kready keeps only what checks read"),
        "{yaml}"
    );
    assert!(
        yaml.contains("pods.yaml") && yaml.contains("line 1."),
        "{yaml}"
    );
    assert!(yaml.contains("name: web-1"), "metadata is shown: {yaml}");
    assert!(yaml.contains("nodeName: n1"), "{yaml}");
    assert!(!yaml.contains("emptyDir"), "{yaml}");

    // A bare pod is its own workload: its whole spec is kept and shown.
    let bare = store.get(&ObjKey::new("Pod", "a", "debug")).unwrap();
    let pod: &Pod = bare.typed().unwrap();
    assert!(!pod.is_trimmed());
    let yaml = kready::model::yaml::render(bare);
    assert!(!yaml.contains("# kready"), "{yaml}");
    assert!(yaml.contains("hostPath"), "{yaml}");

    // A ReplicaSet a Deployment manages keeps its status and selector only.
    let rs = store.get(&ObjKey::new("ReplicaSet", "a", "web")).unwrap();
    let r: &k8s_openapi::api::apps::v1::ReplicaSet = rs.typed().unwrap();
    assert!(r.spec.template.is_none());
    assert_eq!(r.spec.replicas, Some(2));
    assert!(kready::model::yaml::render(rs).contains("Deployment's template"));
}

#[test]
fn pod_field_errors_name_the_field() {
    let dir = tempfile::tempdir().unwrap();
    // A bare pod is read whole; a managed pod's kept fields are checked too.
    for (owner, field, bad) in [
        ("", "spec.containers[0].image", "image: [1]"),
        (
            "\n  ownerReferences: [{apiVersion: apps/v1, kind: ReplicaSet, name: r, uid: u, controller: true}]",
            "spec.containers[0].resources.requests.cpu",
            "resources: {requests: {cpu: [1]}}",
        ),
    ] {
        let p = write(
            dir.path(),
            "pod.yaml",
            &format!(
                "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  namespace: a{owner}\nspec:\n  containers:\n  - name: c\n    {bad}\n"
            ),
        );
        let text = load(&p).unwrap_err().to_string();
        assert!(text.contains("pod.yaml: document 1"), "{text}");
        assert!(text.contains(field), "{field}: {text}");
    }
}
