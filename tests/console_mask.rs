//! Secret literals are never shown: the YAML view (`y`), exports (`e`) and
//! every report format hide the values `security/secrets-in-env` flags,
//! wherever they are in a manifest, and the last-applied annotation that
//! repeats them. Secret objects stay metadata-only.

use std::path::{Path, PathBuf};
use std::process::Command;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use kready::config::Config;
use kready::config::keymap::Keymap;
use kready::config::theme::Theme;
use kready::model::ObjKey;
use kready::model::mask::{LAST_APPLIED_FOLDED, NOT_SHOWN};
use kready::runtime::Model;
use kready::source::snapshot::{self, LoadOptions};
use kready::store::ClusterStore;
use kready::ui::panes::readiness;
use kready::ui::state::{Effect, Msg, State, update};

/// The literals of secret-looking names in the fixture: none may show.
const SECRETS: &[&str] = &[
    "hunter2-db",
    "fernet-Zm9vYmFy",
    "s3cr3t-init",
    "eph-token-value",
    "cron-pw",
    "sts-api-key",
    "flag-secret",
    "shell-pw",
    "stringdata-pw",
    "c2VjcmV0LWRhdGE=",
    "bare-last-applied-pw",
];

const DEPLOYMENT_ENV: &str = r#"[{"name":"DB_PASSWORD","value":"hunter2-db"},{"name":"AIRFLOW__CORE__FERNET_KEY","value":"fernet-Zm9vYmFy"},{"name":"LOG_LEVEL","value":"debug"}]"#;

fn fixture() -> String {
    let last_applied = format!(
        r#"{{"apiVersion":"apps/v1","kind":"Deployment","metadata":{{"name":"airflow","namespace":"data"}},"spec":{{"template":{{"spec":{{"containers":[{{"name":"web","image":"airflow:2","env":{DEPLOYMENT_ENV}}}]}}}}}}}}"#
    );
    format!(
        r#"apiVersion: apps/v1
kind: Deployment
metadata:
  name: airflow
  namespace: data
  annotations:
    kubectl.kubernetes.io/last-applied-configuration: '{last_applied}'
spec:
  replicas: 2
  selector: {{matchLabels: {{app: airflow}}}}
  template:
    metadata: {{labels: {{app: airflow}}}}
    spec:
      initContainers:
      - name: migrate
        image: airflow:2
        env: [{{name: INIT_PASSWORD, value: s3cr3t-init}}]
      containers:
      - name: web
        image: airflow:2
        args: ["--client-secret=flag-secret", "--log-level=info"]
        env:
        - {{name: DB_PASSWORD, value: hunter2-db}}
        - {{name: AIRFLOW__CORE__FERNET_KEY, value: fernet-Zm9vYmFy}}
        - {{name: LOG_LEVEL, value: debug}}
        - {{name: API_TOKEN, valueFrom: {{secretKeyRef: {{name: api, key: token}}}}}}
---
apiVersion: v1
kind: Pod
metadata:
  name: debug
  namespace: data
  annotations:
    kubectl.kubernetes.io/last-applied-configuration: 'DB_PASSWORD=bare-last-applied-pw (not JSON)'
spec:
  containers:
  - name: sh
    image: busybox
    command: ["sh", "-c", "MYSQL_PASSWORD=shell-pw mysql -h db"]
  ephemeralContainers:
  - name: dbg
    image: busybox
    env: [{{name: GITHUB_TOKEN, value: eph-token-value}}]
---
apiVersion: batch/v1
kind: CronJob
metadata: {{name: backup, namespace: data}}
spec:
  schedule: "0 * * * *"
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: OnFailure
          containers:
          - name: dump
            image: postgres:16
            env: [{{name: PGPASSWORD, value: cron-pw}}]
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {{name: "db\u001b]0;pwned\u0007", namespace: data}}
spec:
  serviceName: db
  selector: {{matchLabels: {{app: db}}}}
  template:
    metadata: {{labels: {{app: db}}}}
    spec:
      containers:
      - name: db
        image: postgres:16
        env: [{{name: STRIPE_API_KEY, value: sts-api-key}}]
---
apiVersion: v1
kind: Secret
metadata:
  name: db
  namespace: data
  annotations:
    kubectl.kubernetes.io/last-applied-configuration: '{{"stringData":{{"password":"stringdata-pw"}}}}'
data: {{password: c2VjcmV0LWRhdGE=}}
stringData: {{password: stringdata-pw}}
"#
    )
}

fn write_fixture(dir: &Path) -> PathBuf {
    let path = dir.join("cluster.yaml");
    std::fs::write(&path, fixture()).unwrap();
    path
}

fn store(dir: &Path) -> ClusterStore {
    snapshot::load(&write_fixture(dir), &LoadOptions::default())
        .unwrap()
        .into_store()
}

fn assert_no_secret(what: &str, text: &str) {
    for secret in SECRETS {
        assert!(!text.contains(secret), "{what} shows {secret}:\n{text}");
    }
}

fn yaml(store: &ClusterStore, kind: &str, name: &str) -> String {
    let obj = store
        .get(&ObjKey::new(kind, "data", name))
        .unwrap_or_else(|| panic!("{kind} {name} loaded"));
    kready::model::yaml::render(obj)
}

#[test]
fn yaml_view_masks_env_flags_and_last_applied() {
    let dir = tempfile::tempdir().unwrap();
    let store = store(dir.path());

    let deployment = yaml(&store, "Deployment", "airflow");
    assert_no_secret("the Deployment's YAML", &deployment);
    assert!(
        deployment.contains("value: debug"),
        "LOG_LEVEL is shown: {deployment}"
    );
    assert!(deployment.contains("--log-level=info"), "{deployment}");
    assert!(deployment.contains("secretKeyRef"), "{deployment}");
    // The container env twice (spec and annotation), the init container,
    // the flag.
    assert!(deployment.matches(NOT_SHOWN).count() >= 4, "{deployment}");
    assert!(
        deployment.contains("last-applied-configuration") && deployment.contains("LOG_LEVEL"),
        "the annotation stays, masked: {deployment}"
    );

    let pod = yaml(&store, "Pod", "debug");
    assert_no_secret("the bare Pod's YAML", &pod);
    assert!(pod.contains(LAST_APPLIED_FOLDED), "{pod}");
    assert!(pod.contains("mysql -h db"), "{pod}");

    assert_no_secret("the CronJob's YAML", &yaml(&store, "CronJob", "backup"));

    let sts = yaml(&store, "StatefulSet", "db\u{1b}]0;pwned\u{7}");
    assert_no_secret("the StatefulSet's YAML", &sts);
    assert!(!sts.contains('\u{1b}') && !sts.contains('\u{7}'), "{sts:?}");
}

#[test]
fn secrets_stay_metadata_only() {
    let dir = tempfile::tempdir().unwrap();
    let store = store(dir.path());
    let secret = yaml(&store, "Secret", "db");
    assert_no_secret("the Secret's YAML", &secret);
    assert!(secret.contains("password: (value hidden)"), "{secret}");
    assert!(!secret.contains("stringData"), "{secret}");
    assert!(!secret.contains("last-applied"), "{secret}");
}

#[test]
fn export_and_every_report_format_mask_the_evidence() {
    let dir = tempfile::tempdir().unwrap();
    let store = store(dir.path());
    let mut model = Model::new(store, &Config::default(), None);
    let mut state = State::new(Keymap::default(), Theme::monochrome(), dir.path().into());
    state.show("readiness");
    state.pane_mut::<readiness::State>().nav.filter = "secrets-in-env".into();
    for format in ["md", "json"] {
        let msg = if format == "md" {
            Msg::Key(KeyEvent::new(KeyCode::Char('e'), KeyModifiers::NONE))
        } else {
            state.input = None;
            update(
                &mut state,
                &mut model,
                Msg::Key(KeyEvent::new(KeyCode::Char(':'), KeyModifiers::NONE)),
            );
            for c in "export json".chars() {
                update(
                    &mut state,
                    &mut model,
                    Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE)),
                );
            }
            Msg::Key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE))
        };
        let effects = update(&mut state, &mut model, msg);
        let [Effect::Write { contents, .. }] = effects.as_slice() else {
            panic!("{format}: {effects:?}")
        };
        // Markdown cells escape `_` (it would start emphasis).
        let name = if format == "md" {
            "DB\\_PASSWORD"
        } else {
            "DB_PASSWORD"
        };
        assert!(contents.contains(name), "{format}: {contents}");
        if format == "json" {
            assert!(contents.contains(NOT_SHOWN), "{format}: {contents}");
        }
        assert!(!contents.contains('\u{1b}'), "{format}: {contents:?}");
        assert_no_secret(&format!("the {format} export"), contents);
    }

    let path = write_fixture(dir.path());
    for format in [
        "json",
        "table",
        "markdown",
        "sarif",
        "junit",
        "policyreport",
    ] {
        let out = Command::new(env!("CARGO_BIN_EXE_kready"))
            .args(["check", "--snapshot"])
            .arg(&path)
            .args(["--format", format, "--show-pass", "--fail-on", "never"])
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(out.status.success(), "{format}: {out:?}");
        assert!(stdout.contains("secrets-in-env"), "{format}: {stdout}");
        assert_no_secret(&format!("the {format} report"), &stdout);
        assert_no_secret(
            &format!("stderr of {format}"),
            &String::from_utf8_lossy(&out.stderr),
        );
    }
}
