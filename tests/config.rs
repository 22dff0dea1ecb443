//! Configuration: defaults, parsing, and errors that quote the bad key/value.

use std::path::Path;

use kready::checks::Severity;
use kready::config::Config;

fn err(text: &str) -> String {
    Config::parse(text, Path::new("my.toml"))
        .unwrap_err()
        .to_string()
}

#[test]
fn defaults_match_the_catalog() {
    let c = Config::default();
    assert_eq!(c.thresholds.crashloop_restarts, 5);
    assert_eq!(c.thresholds.backup_rpo_hours, 24);
    assert_eq!(c.thresholds.quota_warn_ratio, 0.9);
    assert_eq!(c.cost_label_keys, vec!["team", "app.kubernetes.io/name"]);
    assert!(c.is_system_namespace("kube-system"));
    assert!(!c.is_system_namespace("payments"));
    let path = Config::default_path().expect("a config directory exists");
    assert!(path.ends_with("config.toml"));
    assert!(path.to_string_lossy().contains("kready"));
}

#[test]
fn full_config_parses() {
    let c = Config::parse(
        r#"
system-namespaces = ["platform"]
include-system-namespaces = false
disabled = ["workload/replicas"]
enabled = ["workload/requests-set"]
cost-label-keys = ["cost-center"]
[severity]
"workload/requests-set" = "error"
[namespaces.sandbox]
disabled = ["workload/requests-set"]
[thresholds]
crashloop-restarts = 10
backup-rpo-hours = 6
quota-warn-ratio = 0.8
"#,
        Path::new("ok.toml"),
    )
    .unwrap();
    assert!(c.is_system_namespace("platform"));
    assert_eq!(c.severity["workload/requests-set"], Severity::Error);
    assert_eq!(c.thresholds.crashloop_restarts, 10);
    assert_eq!(c.thresholds.backup_rpo_hours, 6);
    assert_eq!(
        c.thresholds.not_ready_minutes, 5,
        "unset thresholds keep defaults"
    );
    assert!(c.is_disabled_in("workload/requests-set", "sandbox"));
}

#[test]
fn unknown_key_is_quoted() {
    let e = err("[thresholds]\ncrashloop-restart = 3\n");
    assert!(e.contains("my.toml"), "{e}");
    assert!(e.contains("crashloop-restart"), "{e}");
}

#[test]
fn wrong_type_is_quoted() {
    let e = err("[thresholds]\nbackup-rpo-hours = \"a day\"\n");
    assert!(e.contains("backup-rpo-hours") || e.contains("a day"), "{e}");
    assert!(e.contains("a day"), "{e}");
}

#[test]
fn unknown_check_ids_and_severities_are_quoted() {
    let e = err("disabled = [\"workload/nope\"]\n");
    assert!(e.contains("disabled") && e.contains("workload/nope"), "{e}");
    let e = err("[severity]\n\"workload/nope\" = \"error\"\n");
    assert!(e.contains("workload/nope"), "{e}");
    let e = err("[severity]\n\"workload/replicas\" = \"fatal\"\n");
    assert!(e.contains("fatal"), "{e}");
    let e = err("[namespaces.a]\ndisabled = [\"x/y\"]\n");
    assert!(
        e.contains("namespaces.a.disabled") && e.contains("x/y"),
        "{e}"
    );
}

#[test]
fn out_of_range_thresholds_are_rejected() {
    let e = err("[thresholds]\nquota-warn-ratio = 1.5\n");
    assert!(
        e.contains("thresholds.quota-warn-ratio") && e.contains("1.5"),
        "{e}"
    );
    let e = err("[thresholds]\nbackup-rpo-hours = 0\n");
    assert!(e.contains("backup-rpo-hours"), "{e}");
}

#[test]
fn missing_file_names_it() {
    let e = Config::load(Some(Path::new("/nonexistent/kready.toml")))
        .unwrap_err()
        .to_string();
    assert!(e.contains("/nonexistent/kready.toml"), "{e}");
}
