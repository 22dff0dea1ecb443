//! Configuration: defaults, parsing, and errors that quote the bad key/value.

use std::path::Path;

use kready::checks::{Severity, validate_config};
use kready::config::Config;
use kready::config::console::ConsoleSettings;

/// The config as kready reads it: parsed, then its check ids checked
/// against the catalog.
fn read(text: &str) -> Result<Config, kready::config::ConfigError> {
    let config = Config::parse(text, Path::new("my.toml"))?;
    validate_config(&config)?;
    Ok(config)
}

fn err(text: &str) -> String {
    read(text).unwrap_err().to_string()
}

/// The console's warnings for a config that reads without error (no
/// colour, so that no theme is read).
fn warnings(text: &str) -> Vec<String> {
    ConsoleSettings::load(&ok(text), None, true, None).warnings
}

/// The one warning of a config whose keymap falls back to the defaults.
fn keymap_warning(text: &str) -> String {
    let settings = ConsoleSettings::load(&ok(text), None, true, None);
    assert_eq!(
        settings
            .keymap
            .bindings
            .iter()
            .map(|b| b.keys.clone())
            .collect::<Vec<_>>(),
        kready::config::keymap::Keymap::default()
            .bindings
            .into_iter()
            .map(|b| b.keys)
            .collect::<Vec<_>>(),
        "{text}: the default keymap"
    );
    match settings.warnings.as_slice() {
        [w] => w
            .strip_suffix("; using the default keymap")
            .unwrap_or_else(|| panic!("{w}"))
            .to_string(),
        other => panic!("{text}: {other:?}"),
    }
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

fn ok(text: &str) -> Config {
    read(text).unwrap_or_else(|e| panic!("{text}: {e}"))
}

/// (key, below the range, lowest, highest, above the range, range as the
/// error says it, a line that keeps the pair in order at the ends).
const WHOLE: &[(&str, &str, &str, &str, &str, &str, &str)] = &[
    (
        "crashloop-restarts",
        "-1",
        "0",
        "10000",
        "10001",
        "a whole number from 0 to 10000",
        "",
    ),
    (
        "not-ready-minutes",
        "0",
        "1",
        "525600",
        "525601",
        "a whole number from 1 to 525600",
        "",
    ),
    (
        "min-replicas",
        "0",
        "1",
        "1000",
        "1001",
        "a whole number from 1 to 1000",
        "",
    ),
    (
        "high-priority-value",
        "0",
        "1",
        "2000001000",
        "2000001001",
        "a whole number from 1 to 2000001000",
        "",
    ),
    (
        "backup-rpo-hours",
        "0",
        "1",
        "8760",
        "8761",
        "a whole number from 1 to 8760",
        "",
    ),
    (
        "backup-failure-days",
        "0",
        "1",
        "3650",
        "3651",
        "a whole number from 1 to 3650",
        "",
    ),
    (
        "restore-test-days",
        "0",
        "1",
        "3650",
        "3651",
        "a whole number from 1 to 3650",
        "",
    ),
    (
        "min-zones",
        "0",
        "1",
        "100",
        "101",
        "a whole number from 1 to 100",
        "",
    ),
    (
        "server-minor-lag",
        "-1",
        "0",
        "10",
        "11",
        "a whole number from 0 to 10",
        "",
    ),
    (
        "kubelet-minor-skew",
        "-1",
        "0",
        "3",
        "4",
        "a whole number from 0 to 3",
        "",
    ),
    (
        "node-not-ready-minutes",
        "0",
        "1",
        "525600",
        "525601",
        "a whole number from 1 to 525600",
        "",
    ),
    (
        "scale-down-delay-min-secs",
        "-1",
        "0",
        "604799",
        "604800",
        "a whole number from 0 to 604799",
        "scale-down-delay-max-secs = 604800",
    ),
    (
        "scale-down-delay-max-secs",
        "0",
        "1",
        "604800",
        "604801",
        "a whole number from 1 to 604800",
        "scale-down-delay-min-secs = 0",
    ),
];

#[test]
fn whole_thresholds_hold_at_their_ends_and_fail_beyond() {
    for (key, below, lo, hi, above, range, pair) in WHOLE {
        for v in [lo, hi] {
            let c = ok(&format!("[thresholds]\n{key} = {v}\n{pair}\n"));
            let parsed = kready::config::limit(key).unwrap().get(&c.thresholds);
            assert_eq!(parsed.to_string(), *v, "{key}");
        }
        // The value starts after "key = ", on line 2.
        let column = key.len() + 4;
        for v in [below, above] {
            assert_eq!(
                err(&format!("[thresholds]\n{key} = {v}\n{pair}\n")),
                format!(
                    "my.toml:2:{column}: `thresholds.{key}`: `{v}` is out of range: must be {range}"
                )
            );
        }
        assert_eq!(
            err(&format!("[thresholds]\n{key} = 2.5\n")),
            format!("my.toml:2:{column}: `thresholds.{key}`: `2.5` is not {range}")
        );
        assert_eq!(
            err(&format!("[thresholds]\n{key} = nan\n")),
            format!("my.toml:2:{column}: `thresholds.{key}`: `nan` is not {range}")
        );
    }
}

/// A real-valued threshold: values out of its range and in it, the range
/// as the error says it, and a line that keeps its pair in order.
struct Real {
    key: &'static str,
    out: &'static [&'static str],
    within: &'static [&'static str],
    range: &'static str,
    pair: &'static str,
}

const fn real(
    key: &'static str,
    out: &'static [&'static str],
    within: &'static [&'static str],
    range: &'static str,
    pair: &'static str,
) -> Real {
    Real {
        key,
        out,
        within,
        range,
        pair,
    }
}

const REAL: &[Real] = &[
    real(
        "quota-warn-ratio",
        &["0", "-0.1", "1.01"],
        &["0.0001", "1"],
        "a number > 0 and ≤ 1",
        "",
    ),
    real(
        "node-request-ratio",
        &["0", "-1", "1.5"],
        &["0.01", "1.0"],
        "a number > 0 and ≤ 1",
        "",
    ),
    real(
        "nodepool-limit-ratio",
        &["0", "-0.5", "2"],
        &["0.5", "1"],
        "a number > 0 and ≤ 1",
        "",
    ),
    real(
        "quota-headroom-factor",
        &["1", "0.5", "-1.5", "10.5"],
        &["1.01", "10"],
        "a number > 1 and ≤ 10",
        "",
    ),
    real(
        "vpa-factor",
        &["1", "0", "-2", "100.1"],
        &["1.001", "100"],
        "a number > 1 and ≤ 100",
        "",
    ),
    real(
        "rightsizing-low",
        &["-0.01", "1", "1.5"],
        &["0", "0.99"],
        "a number ≥ 0 and < 1",
        "",
    ),
    real(
        "rightsizing-high",
        &["0.99", "0", "100.5"],
        &["1", "100"],
        "a number ≥ 1 and ≤ 100",
        "",
    ),
    real(
        "etcd-ratio-min",
        &["4.9", "0", "50000"],
        &["5", "49999.5"],
        "a number ≥ 5 and < 50000",
        "etcd-ratio-max = 50000",
    ),
    real(
        "etcd-ratio-max",
        &["5", "-1", "50001"],
        &["5.5", "50000"],
        "a number > 5 and ≤ 50000",
        "",
    ),
    real(
        "etcd-heartbeat-max-ms",
        &["0.9", "0", "10001"],
        &["1", "10000"],
        "a number ≥ 1 and ≤ 10000",
        "",
    ),
];

#[test]
fn real_thresholds_hold_at_their_ends_and_refuse_nan_and_inf() {
    for Real {
        key,
        out,
        within,
        range,
        pair,
    } in REAL
    {
        let column = key.len() + 4;
        for v in *within {
            let c = ok(&format!("[thresholds]\n{key} = {v}\n{pair}\n"));
            let parsed = kready::config::limit(key).unwrap().get(&c.thresholds);
            assert_eq!(parsed.as_f64(), v.parse::<f64>().unwrap(), "{key}");
        }
        for v in *out {
            assert_eq!(
                err(&format!("[thresholds]\n{key} = {v}\n{pair}\n")),
                format!(
                    "my.toml:2:{column}: `thresholds.{key}`: `{v}` is out of range: must be {range}"
                )
            );
        }
        for v in ["nan", "-nan", "inf", "+inf", "-inf"] {
            let shown = v.trim_start_matches('+').replace("-nan", "nan");
            assert_eq!(
                err(&format!("[thresholds]\n{key} = {v}\n")),
                format!(
                    "my.toml:2:{column}: `thresholds.{key}`: `{shown}` is not a finite number: \
                     must be {range}"
                )
            );
        }
    }
}

#[test]
fn every_threshold_is_tested_here() {
    let tested: Vec<&str> = WHOLE
        .iter()
        .map(|r| r.0)
        .chain(REAL.iter().map(|r| r.key))
        .collect();
    for l in kready::config::LIMITS {
        assert!(tested.contains(&l.key), "{} has no range test", l.key);
    }
    assert_eq!(tested.len(), kready::config::LIMITS.len());
}

#[test]
fn pairs_must_be_in_order() {
    assert_eq!(
        err("[thresholds]\nscale-down-delay-min-secs = 600\nscale-down-delay-max-secs = 600\n"),
        "my.toml: `thresholds.scale-down-delay-min-secs`: `600` must be below \
         `thresholds.scale-down-delay-max-secs` (600)"
    );
    assert_eq!(
        err("[thresholds]\netcd-ratio-min = 60\n"),
        "my.toml: `thresholds.etcd-ratio-min`: `60.0` must be below `thresholds.etcd-ratio-max` \
         (50.0)"
    );
    let c = ok("[thresholds]\nscale-down-delay-min-secs = 0\nscale-down-delay-max-secs = 1\n");
    assert_eq!(c.thresholds.scale_down_delay_max_secs, 1);
}

#[test]
fn wrong_types_and_unknown_keys_say_where_in_words() {
    assert_eq!(
        err("[thresholds]\nbackup-rpo-hours = \"a day\"\n"),
        "my.toml:2:20: `thresholds.backup-rpo-hours`: expected a whole number from 1 to 8760, \
         found string \"a day\""
    );
    let e = err("\n[thresholds]\ncrashloop-restart = 3\n");
    assert!(
        e.starts_with(
            "my.toml:3:21: `thresholds.crashloop-restart`: unknown threshold (the thresholds \
             are crashloop-restarts, "
        ),
        "{e}"
    );
    assert_eq!(
        err("include-system-namespaces = \"yes\"\n"),
        "my.toml:1:29: `include-system-namespaces`: expected a boolean, found string \"yes\""
    );
    assert_eq!(
        err("disabled = \"workload/replicas\"\n"),
        "my.toml:1:12: `disabled`: expected a list, found string \"workload/replicas\""
    );
    assert_eq!(
        err("[severity]\n\"workload/replicas\" = \"fatal\"\n"),
        "my.toml:2:23: `severity.\"workload/replicas\"`: `fatal` is not one of `error`, \
         `warning`, `info`"
    );
    assert_eq!(
        err("[thresholds]\nmin-zones = [\n"),
        "my.toml:2:14: unclosed array, expected `]`"
    );
    let e = err("theme = \"dark\"\ncolour = 1\n");
    assert!(e.starts_with("my.toml:2:1: "), "{e}");
    assert!(e.contains("unknown key `colour`"), "{e}");
}

#[test]
fn check_ids_are_named_with_their_key() {
    // The config layer knows no catalog: the ids are checked by `checks`.
    assert!(Config::parse("enabled = [\"workload/nope\"]\n", Path::new("my.toml")).is_ok());
    assert_eq!(
        err("enabled = [\"workload/nope\"]\n"),
        "my.toml: `enabled`: `workload/nope` is not a check id (see `kready checks`)"
    );
    assert_eq!(
        err("[namespaces.team-a]\ndisabled = [\"x/y\"]\n"),
        "my.toml: `namespaces.team-a.disabled`: `x/y` is not a check id (see `kready checks`)"
    );
}

#[test]
fn values_from_the_file_cannot_drive_the_terminal() {
    let e = err("disabled = [\"\\u001b]0;owned\\u0007\"]\n");
    assert!(!e.contains('\u{1b}') && !e.contains('\u{7}'), "{e:?}");
    assert!(e.contains("`\\x1b]0;owned\\x07`"), "{e}");
    let e = keymap_warning("[keymap]\n\"\\u001b[2J\" = [\"q\"]\n");
    assert!(!e.contains('\u{1b}'), "{e:?}");
    assert!(
        e.starts_with("my.toml: `keymap.\"\\u{1b}[2J\"`: no such action"),
        "{e}"
    );
}

#[test]
fn a_byte_order_mark_is_accepted() {
    let c = ok("\u{feff}[thresholds]\nmin-zones = 3\n");
    assert_eq!(c.thresholds.min_zones, 3);
    // Positions count from after the mark.
    assert_eq!(
        err("\u{feff}[thresholds]\nmin-zones = 0\n"),
        "my.toml:2:13: `thresholds.min-zones`: `0` is out of range: must be a whole number from \
         1 to 100"
    );
}

#[test]
fn shift_tab_and_the_names_help_shows_are_keys() {
    use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
    use kready::config::keymap::{Action, Keymap};
    let c =
        ok("[keymap]\nprev-pane = [\"shift-tab\"]\nup = [\"↑\", \"k\"]\npage-down = [\"pgdn\"]\n");
    let km = Keymap::with_overrides(&c.keymap).unwrap();
    let ev = |code| KeyEvent::new(code, KeyModifiers::NONE);
    assert_eq!(km.action(&ev(KeyCode::BackTab)), Some(Action::PrevPane));
    assert_eq!(km.action(&ev(KeyCode::Up)), Some(Action::Up));
    assert_eq!(km.action(&ev(KeyCode::PageDown)), Some(Action::PageDown));
    assert_eq!(km.keys_of(Action::PrevPane), "shift-tab");
}

#[test]
fn keys_that_are_not_keys_fall_back_to_the_default_keymap() {
    assert_eq!(
        keymap_warning("[keymap]\nquit = [\"ctrl-\"]\n"),
        "my.toml: `keymap.quit`: `ctrl-` is not a key (no key name follows `ctrl-`)"
    );
    assert_eq!(
        keymap_warning("[keymap]\nquit = [\"\"]\n"),
        "my.toml: `keymap.quit`: `` is not a key (the name is empty)"
    );
    assert_eq!(
        keymap_warning("[keymap]\nquit = [\"ctrl-Q\"]\n"),
        "my.toml: `keymap.quit`: `ctrl-Q` can never be pressed: terminals send ctrl with a \
         capital letter as ctrl with the small one; write `ctrl-q`"
    );
    assert_eq!(
        keymap_warning("[keymap]\nselect = [\"ctrl-m\"]\n"),
        "my.toml: `keymap.select`: `ctrl-m` can never be pressed: terminals send ctrl-m as `enter`"
    );
    assert_eq!(
        keymap_warning("[keymap]\nback = [\"ctrl-esc\"]\n"),
        "my.toml: `keymap.back`: `ctrl-esc` can never be pressed: terminals do not send ctrl \
         with `esc`"
    );
    let e = keymap_warning("[keymap]\nquit = [\"escape\"]\n");
    assert!(
        e.starts_with("my.toml: `keymap.quit`: `escape` is not a key (a key is a single"),
        "{e}"
    );
    let e = keymap_warning("[keymap]\nfly = [\"f\"]\n");
    assert!(
        e.starts_with("my.toml: `keymap.fly`: no such action (the actions are quit, help,"),
        "{e}"
    );
    assert_eq!(
        err("[keymap]\nquit = \"q\"\n"),
        "my.toml:2:8: `keymap.quit`: expected a list, found string \"q\""
    );
}

#[test]
fn a_key_bound_to_two_actions_falls_back_naming_both() {
    // Taking a default key of an action that keeps it.
    assert_eq!(
        keymap_warning("[keymap]\nhelp = [\"q\"]\n"),
        "my.toml: `keymap.help`: `q` is also bound to `quit`"
    );
    // Two overrides with the same key.
    assert_eq!(
        keymap_warning("[keymap]\nquit = [\"x\"]\nyaml = [\"x\"]\n"),
        "my.toml: `keymap.quit`: `x` is also bound to `yaml`"
    );
    // ctrl-c quits before the keymap is asked.
    assert_eq!(
        keymap_warning("[keymap]\nhelp = [\"ctrl-c\"]\n"),
        "my.toml: `keymap.help`: `ctrl-c` always quits: it cannot be bound to another action"
    );
    // Moving a key: the action that had it is given others.
    let c = ok("[keymap]\nhelp = [\"q\"]\nquit = [\"x\", \"ctrl-c\"]\n");
    assert_eq!(c.keymap["help"], vec!["q"]);
}

#[test]
fn theme_names_stay_in_the_themes_folder() {
    let settings = ConsoleSettings::load(&ok("theme = \"../../etc/x\"\n"), None, false, None);
    assert_eq!(
        settings.warnings,
        [
            "my.toml: `theme`: `../../etc/x` is not a theme name (letters, digits, `-` and `_` \
          only); using the default theme"
        ]
    );
    assert_eq!(settings.theme.name, "dark");
    assert_eq!(
        warnings("theme = \"../../etc/x\"\n"),
        Vec::<String>::new(),
        "under NO_COLOR no theme is read"
    );
    assert_eq!(
        ok("theme = \"my-theme_2\"\n").theme.as_deref(),
        Some("my-theme_2")
    );
}

/// The README lists every threshold with its default and range, as the
/// table in the code has them.
#[test]
fn readme_documents_every_threshold() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let defaults = kready::config::Thresholds::default();
    let mut table = String::from("| Key | Default | Valid | Meaning |\n|---|---|---|---|\n");
    for l in kready::config::LIMITS {
        table.push_str(&format!(
            "| `{}` | {} | {} | {} |\n",
            l.key,
            l.get(&defaults),
            l.range.describe(),
            l.meaning
        ));
    }
    assert!(
        readme.contains(&table),
        "README.md should contain:\n{table}"
    );
}

#[test]
fn names_that_could_never_match_are_errors() {
    assert_eq!(
        err("system-namespaces = [\"Platform\"]\n"),
        "my.toml: `system-namespaces`: `Platform` is not a namespace name (at most 63 lowercase \
         letters, digits and `-`, starting and ending with a letter or digit)"
    );
    let e = err("[namespaces.\"team a\"]\ndisabled = []\n");
    assert!(
        e.starts_with("my.toml: `namespaces`: `team a` is not a namespace name"),
        "{e}"
    );
    let e = err("cost-label-keys = [\"cost center\"]\n");
    assert!(
        e.starts_with("my.toml: `cost-label-keys`: `cost center` is not a label key"),
        "{e}"
    );
    let c =
        ok("system-namespaces = [\"platform\"]\ncost-label-keys = [\"example.com/cost-center\"]\n");
    assert_eq!(c.cost_label_keys, vec!["example.com/cost-center"]);
}
