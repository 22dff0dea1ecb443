//! User configuration: TOML in the config directory (`directories`), or the
//! file given with `--config`. Unknown keys and values outside a threshold's
//! range are errors that name the file, the key (its full dotted path) and
//! the value: they change check results, so nothing is guessed.
//!
//! A leaf: nothing here knows the check catalog (check ids stay strings,
//! validated by `checks::validate_config`) or the console. The console's
//! theme and keymap are looked up in `console`, where a bad one falls back
//! to the embedded default with a warning instead of stopping start-up.

pub mod console;
pub mod keymap;
pub mod severity;
pub mod theme;

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use serde::de::{self, DeserializeOwned, DeserializeSeed, MapAccess, Visitor};
use serde::{Deserialize, Deserializer};
use thiserror::Error;

use crate::file_input::{ReadError, read_text};
use crate::model::inert::inert;
use severity::Severity;

/// Namespaces that are always system namespaces.
pub const BUILTIN_SYSTEM_NAMESPACES: &[&str] = &["kube-system", "kube-public", "kube-node-lease"];

/// Config and theme files are a few kilobytes; past this it is not one (and
/// a device such as /dev/zero would never end).
pub const MAX_FILE_BYTES: u64 = 1 << 20;

/// Appended to the too-large error: there is no flag to raise the limit.
const TOO_LARGE_HINT: &str = "; is it the right file?";

/// A place in a file, 1-based; the column counts characters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Position {
    pub line: usize,
    pub column: usize,
}

impl fmt::Display for Position {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.line, self.column)
    }
}

/// ":3:14" after a file name, or nothing where the position is unknown.
fn at_text(at: &Option<Position>) -> String {
    at.map(|p| format!(":{p}")).unwrap_or_default()
}

/// "`key`: " before a message, or nothing for the document as a whole.
fn key_text(key: &str) -> String {
    if key.is_empty() {
        String::new()
    } else {
        format!("`{}`: ", inert(key))
    }
}

/// Every text here may quote what the file says, so it is made inert: a
/// key full of escape sequences must not drive the terminal showing the error.
#[derive(Debug, Error)]
pub enum ConfigError {
    /// Unreadable, not a regular file, too large or not UTF-8. Said once:
    /// no source chain that would repeat the OS error.
    #[error("{0}")]
    Read(ReadError),
    /// The TOML parser, or a value of the wrong type or out of range, with
    /// the line where the parser knows it.
    #[error("{}{}: {}{}", inert(&path.display().to_string()), at_text(at), key_text(key), inert(message))]
    Parse {
        path: PathBuf,
        at: Option<Position>,
        /// Dotted path of the key, e.g. `thresholds.min-zones`; empty for
        /// a syntax error.
        key: String,
        message: String,
    },
    /// A value that parsed but is not valid: "`enabled`: `x/y` is not a check id".
    #[error("{}: {}{}{}", inert(&path.display().to_string()), key_text(key),
        value.as_deref().map(|v| format!("`{}` ", inert(v))).unwrap_or_default(), inert(reason))]
    Invalid {
        path: PathBuf,
        key: String,
        value: Option<String>,
        /// Completes the sentence after the value ("is not a key").
        reason: String,
    },
}

/// TOML that did not parse, or did not fit the expected shape.
#[derive(Debug, Clone, PartialEq)]
pub struct TomlError {
    pub at: Option<Position>,
    /// Dotted path of the key (`severity."workload/replicas"`), or empty.
    pub key: String,
    pub message: String,
}

/// Deserializes TOML text (a leading byte-order mark is dropped), keeping
/// the key path and the line of an error, in words for the user rather
/// than serde's (no `expected i64`).
pub(crate) fn from_toml<T: DeserializeOwned>(text: &str) -> Result<T, TomlError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let de = toml::Deserializer::parse(text).map_err(|e| TomlError {
        at: position(text, &e),
        key: String::new(),
        message: e.message().to_string(),
    })?;
    serde_path_to_error::deserialize(de).map_err(|e| TomlError {
        at: position(text, e.inner()),
        key: key_path(e.path()),
        message: in_words(e.inner().message()),
    })
}

fn position(text: &str, e: &toml::de::Error) -> Option<Position> {
    let before = text.get(..e.span()?.start)?;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    Some(Position {
        line: before.matches('\n').count() + 1,
        column: before[line_start..].chars().count() + 1,
    })
}

/// `thresholds.min-zones`, `severity."workload/replicas"`, `keymap.quit[0]`.
fn key_path(path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    let mut out = String::new();
    for segment in path {
        match segment {
            Segment::Seq { index } => out.push_str(&format!("[{index}]")),
            Segment::Map { key } | Segment::Enum { variant: key } => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(&toml_key(key));
            }
            Segment::Unknown => {}
        }
    }
    out
}

/// A key as TOML would need it written: bare when it can be, else quoted.
pub fn toml_key(key: &str) -> String {
    let bare = !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if bare {
        key.to_string()
    } else {
        format!("{key:?}")
    }
}

/// serde's messages, reworded for someone editing the file: "invalid type:
/// string "a day", expected i64" becomes "expected an integer, found string
/// "a day"".
fn in_words(message: &str) -> String {
    let mismatch = message
        .strip_prefix("invalid type: ")
        .or_else(|| message.strip_prefix("invalid value: "));
    if let Some((found, expected)) = mismatch.and_then(|m| m.split_once(", expected ")) {
        return format!("expected {}, found {found}", type_in_words(expected));
    }
    if let Some(rest) = message.strip_prefix("unknown field ") {
        return match rest.split_once(", expected ") {
            Some((key, known)) => format!(
                "unknown key {key} (the keys here are {})",
                known.trim_start_matches("one of ")
            ),
            None => format!(
                "unknown key {}",
                rest.trim_end_matches(", there are no fields")
            ),
        };
    }
    if let Some((variant, known)) = message
        .strip_prefix("unknown variant ")
        .and_then(|m| m.split_once(", expected "))
    {
        return format!(
            "{variant} is not one of {}",
            known.trim_start_matches("one of ")
        );
    }
    message.to_string()
}

fn type_in_words(expected: &str) -> &str {
    match expected {
        "i8" | "i16" | "i32" | "i64" | "u8" | "u16" | "u32" | "u64" | "isize" | "usize" => {
            "an integer"
        }
        "f32" | "f64" => "a number",
        "a sequence" => "a list",
        "a map" => "a table",
        s if s.starts_with("struct ") => "a table",
        s => s,
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct Config {
    /// Extra system namespaces, on top of kube-system, kube-public, kube-node-lease.
    pub system_namespaces: Vec<String>,
    /// Run workload checks in system namespaces too.
    pub include_system_namespaces: bool,
    /// Checks turned off everywhere.
    pub disabled: Vec<String>,
    /// Checks that are off by default and turned on (e.g. workload/cpu-limit-set).
    pub enabled: Vec<String>,
    /// Per-check severity overrides.
    pub severity: BTreeMap<String, Severity>,
    /// Per-namespace settings.
    pub namespaces: BTreeMap<String, NamespaceConfig>,
    /// Label keys every workload should carry for cost allocation.
    pub cost_label_keys: Vec<String>,
    pub thresholds: Thresholds,
    /// Console theme name (embedded: dark, light, high-contrast; or a
    /// `<name>.toml` in the themes folder of the config directory). Checked
    /// when the console loads it, falling back with a warning (`console`).
    pub theme: Option<String>,
    /// Key overrides: `action = ["key", …]` (actions and keys as the help
    /// overlay shows them). Checked when the console loads it, falling back
    /// with a warning (`console`).
    pub keymap: BTreeMap<String, Vec<String>>,
    /// The file this was read from, for messages about its values; `None`
    /// for the defaults.
    #[serde(skip)]
    pub path: Option<PathBuf>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct NamespaceConfig {
    pub disabled: Vec<String>,
}

/// Thresholds from the catalog, all configurable. Each has a valid range in
/// [`LIMITS`], checked as the file is read.
#[derive(Debug, Clone, PartialEq)]
pub struct Thresholds {
    /// workload/crashloop: restarts above this fail.
    pub crashloop_restarts: i32,
    /// workload/not-ready: minutes a workload may be short of ready replicas.
    pub not_ready_minutes: i64,
    /// workload/replicas: minimum replicas.
    pub min_replicas: i32,
    /// workload/critical-on-spot: PriorityClass values at or above this are "high".
    pub high_priority_value: i32,
    /// resources/quota-pressure: used/hard ratio that warns (≥ 1.0 is an error).
    pub quota_warn_ratio: f64,
    /// resources/quota-present fix: hard = current requests × this.
    pub quota_headroom_factor: f64,
    /// resources/node-pressure: requests above allocatable × this fail.
    pub node_request_ratio: f64,
    /// resources/rightsizing: usage/request band outside which it fails.
    pub rightsizing_low: f64,
    pub rightsizing_high: f64,
    /// autoscaling/scale-down-delay bounds, in seconds.
    pub scale_down_delay_min_secs: i64,
    pub scale_down_delay_max_secs: i64,
    /// autoscaling/node-group-at-max: NodePool usage/limit ratio that fails.
    pub nodepool_limit_ratio: f64,
    /// autoscaling/vpa-recommendations: request vs recommendation factor.
    pub vpa_factor: f64,
    /// backup/recent-success: the RPO, in hours.
    pub backup_rpo_hours: i64,
    /// backup/failures: look-back window, in days.
    pub backup_failure_days: i64,
    /// backup/restore-tested: a restore must have completed within this many days.
    pub restore_test_days: i64,
    /// control-plane/zone-spread: minimum zones.
    pub min_zones: usize,
    /// control-plane/etcd-timeouts: election-timeout / heartbeat-interval band,
    /// and the highest heartbeat in milliseconds.
    pub etcd_ratio_min: f64,
    pub etcd_ratio_max: f64,
    pub etcd_heartbeat_max_ms: f64,
    /// control-plane/version-support: minors behind the newest known release,
    /// and kubelet minors behind the apiserver.
    pub server_minor_lag: u32,
    pub kubelet_minor_skew: u32,
    /// control-plane/node-not-ready: minutes.
    pub node_not_ready_minutes: i64,
}

impl Default for Thresholds {
    fn default() -> Self {
        Thresholds {
            crashloop_restarts: 5,
            not_ready_minutes: 5,
            min_replicas: 2,
            high_priority_value: 1_000_000,
            quota_warn_ratio: 0.9,
            quota_headroom_factor: 1.5,
            node_request_ratio: 0.9,
            rightsizing_low: 0.2,
            rightsizing_high: 1.2,
            scale_down_delay_min_secs: 120,
            scale_down_delay_max_secs: 3600,
            nodepool_limit_ratio: 0.9,
            vpa_factor: 2.0,
            backup_rpo_hours: 24,
            backup_failure_days: 7,
            restore_test_days: 90,
            min_zones: 2,
            etcd_ratio_min: 5.0,
            etcd_ratio_max: 50.0,
            etcd_heartbeat_max_ms: 500.0,
            server_minor_lag: 2,
            kubelet_minor_skew: 3,
            node_not_ready_minutes: 10,
        }
    }
}

/// The values a threshold may take.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Range {
    /// Whole numbers from `min` to `max`, both included.
    Whole { min: i64, max: i64 },
    /// Finite numbers between `min` and `max`; `*_incl` says whether that
    /// end itself is allowed.
    Real {
        min: f64,
        min_incl: bool,
        max: f64,
        max_incl: bool,
    },
}

const fn whole(min: i64, max: i64) -> Range {
    Range::Whole { min, max }
}

/// `(min, max]`: above `min`, at most `max`.
const fn above(min: f64, max: f64) -> Range {
    Range::Real {
        min,
        min_incl: false,
        max,
        max_incl: true,
    }
}

/// `[min, max]`.
const fn between(min: f64, max: f64) -> Range {
    Range::Real {
        min,
        min_incl: true,
        max,
        max_incl: true,
    }
}

/// `[min, max)`: at least `min`, below `max`.
const fn below(min: f64, max: f64) -> Range {
    Range::Real {
        min,
        min_incl: true,
        max,
        max_incl: false,
    }
}

impl Range {
    /// "a whole number from 1 to 100", "a number > 0 and ≤ 1".
    pub fn describe(&self) -> String {
        match *self {
            Range::Whole { min, max } => format!("a whole number from {min} to {max}"),
            Range::Real {
                min,
                min_incl,
                max,
                max_incl,
            } => format!(
                "a number {} {min} and {} {max}",
                if min_incl { "≥" } else { ">" },
                if max_incl { "≤" } else { "<" }
            ),
        }
    }

    /// The value when it is in range (an integer given for a real range
    /// becomes a real), else why not: a sentence that starts with the value
    /// as written.
    fn accept(&self, n: Number) -> Result<Number, String> {
        let describe = self.describe();
        let fits = match (*self, n) {
            (Range::Whole { .. }, Number::Real(_)) => {
                return Err(format!("`{n}` is not {describe}"));
            }
            (Range::Whole { min, max }, Number::Whole(v)) => (min..=max).contains(&v),
            (Range::Real { .. }, _) if !n.as_f64().is_finite() => {
                return Err(format!("`{n}` is not a finite number: must be {describe}"));
            }
            (
                Range::Real {
                    min,
                    min_incl,
                    max,
                    max_incl,
                },
                _,
            ) => {
                let v = n.as_f64();
                (if min_incl { v >= min } else { v > min })
                    && (if max_incl { v <= max } else { v < max })
            }
        };
        match (*self, fits) {
            (_, false) => Err(format!("`{n}` is out of range: must be {describe}")),
            (Range::Real { .. }, true) => Ok(Number::Real(n.as_f64())),
            (Range::Whole { .. }, true) => Ok(n),
        }
    }
}

/// A number as TOML wrote it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Number {
    Whole(i64),
    Real(f64),
}

impl fmt::Display for Number {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Number::Whole(v) => write!(f, "{v}"),
            // As TOML spells them.
            Number::Real(v) if v.is_nan() => f.write_str("nan"),
            Number::Real(v) if v.is_infinite() => f.write_str(if v > 0.0 { "inf" } else { "-inf" }),
            Number::Real(v) => write!(f, "{v:?}"),
        }
    }
}

impl Number {
    pub fn as_f64(self) -> f64 {
        match self {
            Number::Whole(v) => v as f64,
            Number::Real(v) => v,
        }
    }
}

/// Where a threshold lives in [`Thresholds`].
#[derive(Clone, Copy)]
pub enum Slot {
    I32(fn(&mut Thresholds) -> &mut i32),
    I64(fn(&mut Thresholds) -> &mut i64),
    U32(fn(&mut Thresholds) -> &mut u32),
    Usize(fn(&mut Thresholds) -> &mut usize),
    F64(fn(&mut Thresholds) -> &mut f64),
}

/// One threshold: its key in `[thresholds]`, where it lives, its valid
/// range and what it means. The one table behind parsing, range errors and
/// the README's list.
pub struct Limit {
    pub key: &'static str,
    pub slot: Slot,
    pub range: Range,
    pub meaning: &'static str,
}

impl Limit {
    /// The value in `t`.
    pub fn get(&self, t: &Thresholds) -> Number {
        let mut t = t.clone();
        match self.slot {
            Slot::I32(f) => Number::Whole(i64::from(*f(&mut t))),
            Slot::I64(f) => Number::Whole(*f(&mut t)),
            Slot::U32(f) => Number::Whole(i64::from(*f(&mut t))),
            Slot::Usize(f) => Number::Whole(*f(&mut t) as i64),
            Slot::F64(f) => Number::Real(*f(&mut t)),
        }
    }

    /// Stores an accepted value: the range fits the slot's type (a unit
    /// test holds every row to that), so the casts keep the value.
    fn set(&self, t: &mut Thresholds, n: Number) {
        let (whole, real) = match n {
            Number::Whole(v) => (v, v as f64),
            Number::Real(v) => (v as i64, v),
        };
        match self.slot {
            Slot::I32(f) => *f(t) = whole as i32,
            Slot::I64(f) => *f(t) = whole,
            Slot::U32(f) => *f(t) = whole as u32,
            Slot::Usize(f) => *f(t) = whole as usize,
            Slot::F64(f) => *f(t) = real,
        }
    }
}

const MINUTES_IN_A_YEAR: i64 = 525_600;
const SECONDS_IN_A_WEEK: i64 = 604_800;

/// Every threshold with its valid range. The ends are where a check stops
/// making sense: a ratio of 0 flags everything, a factor of 1 or less
/// flags any difference, a minimum of 0 replicas or zones never fails,
/// and durations stop at a year-ish scale so that `× 60` or `× 86 400`
/// cannot overflow.
pub const LIMITS: &[Limit] = &[
    Limit {
        key: "crashloop-restarts",
        slot: Slot::I32(|t| &mut t.crashloop_restarts),
        range: whole(0, 10_000),
        meaning: "workload/crashloop: a container restarted more times than this fails (0: any restart)",
    },
    Limit {
        key: "not-ready-minutes",
        slot: Slot::I64(|t| &mut t.not_ready_minutes),
        range: whole(1, MINUTES_IN_A_YEAR),
        meaning: "workload/not-ready: minutes a workload may be short of ready replicas",
    },
    Limit {
        key: "min-replicas",
        slot: Slot::I32(|t| &mut t.min_replicas),
        range: whole(1, 1_000),
        meaning: "workload/replicas, autoscaling/hpa-min-availability: fewest replicas (or HPA \
                  minReplicas) that pass",
    },
    Limit {
        key: "high-priority-value",
        slot: Slot::I32(|t| &mut t.high_priority_value),
        // 0 is the priority of pods without a class; 2000001000 is
        // system-node-critical, the highest there is.
        range: whole(1, 2_000_001_000),
        meaning: "workload/critical-on-spot: PriorityClass values at or above this are high priority",
    },
    Limit {
        key: "quota-warn-ratio",
        slot: Slot::F64(|t| &mut t.quota_warn_ratio),
        range: above(0.0, 1.0),
        meaning: "resources/quota-pressure: used/hard ratio that warns (a full quota is an error)",
    },
    Limit {
        key: "quota-headroom-factor",
        slot: Slot::F64(|t| &mut t.quota_headroom_factor),
        // Headroom: the proposed quota must be more than what runs now.
        range: above(1.0, 10.0),
        meaning: "resources/quota-present fix: proposed hard limits = current requests × this",
    },
    Limit {
        key: "node-request-ratio",
        slot: Slot::F64(|t| &mut t.node_request_ratio),
        range: above(0.0, 1.0),
        meaning: "resources/node-pressure: requests above allocatable × this fail",
    },
    Limit {
        key: "rightsizing-low",
        slot: Slot::F64(|t| &mut t.rightsizing_low),
        // Below 1 and rightsizing-high at least 1: the band is never empty.
        range: below(0.0, 1.0),
        meaning: "resources/rightsizing: usage/request below this fails (0: never)",
    },
    Limit {
        key: "rightsizing-high",
        slot: Slot::F64(|t| &mut t.rightsizing_high),
        range: between(1.0, 100.0),
        meaning: "resources/rightsizing: usage/request above this fails",
    },
    Limit {
        key: "scale-down-delay-min-secs",
        slot: Slot::I64(|t| &mut t.scale_down_delay_min_secs),
        range: whole(0, SECONDS_IN_A_WEEK - 1),
        meaning: "autoscaling/scale-down-delay: --scale-down-delay-after-add below this fails \
                  (below the max)",
    },
    Limit {
        key: "scale-down-delay-max-secs",
        slot: Slot::I64(|t| &mut t.scale_down_delay_max_secs),
        range: whole(1, SECONDS_IN_A_WEEK),
        meaning: "autoscaling/scale-down-delay: --scale-down-delay-after-add above this fails",
    },
    Limit {
        key: "nodepool-limit-ratio",
        slot: Slot::F64(|t| &mut t.nodepool_limit_ratio),
        range: above(0.0, 1.0),
        meaning: "autoscaling/node-group-at-max: NodePool usage/limit ratio that fails",
    },
    Limit {
        key: "vpa-factor",
        slot: Slot::F64(|t| &mut t.vpa_factor),
        // Requests and recommendations differ by a factor of at least 1.
        range: above(1.0, 100.0),
        meaning: "autoscaling/vpa-recommendations: requests off the recommendation by more than \
                  this factor fail",
    },
    Limit {
        key: "backup-rpo-hours",
        slot: Slot::I64(|t| &mut t.backup_rpo_hours),
        range: whole(1, 8_760),
        meaning: "backup/recent-success: the RPO, in hours",
    },
    Limit {
        key: "backup-failure-days",
        slot: Slot::I64(|t| &mut t.backup_failure_days),
        range: whole(1, 3_650),
        meaning: "backup/failures: days looked back for failed backups",
    },
    Limit {
        key: "restore-test-days",
        slot: Slot::I64(|t| &mut t.restore_test_days),
        range: whole(1, 3_650),
        meaning: "backup/restore-tested: a restore must have completed within this many days",
    },
    Limit {
        key: "min-zones",
        slot: Slot::Usize(|t| &mut t.min_zones),
        range: whole(1, 100),
        meaning: "control-plane/zone-spread: fewest zones the control plane and each pool span",
    },
    Limit {
        key: "etcd-ratio-min",
        slot: Slot::F64(|t| &mut t.etcd_ratio_min),
        // etcd refuses to start below 5; the election timeout is at most
        // 50 000 ms and the heartbeat at least 1 ms.
        range: below(5.0, 50_000.0),
        meaning: "control-plane/etcd-timeouts: lowest election-timeout / heartbeat-interval \
                  (below the max)",
    },
    Limit {
        key: "etcd-ratio-max",
        slot: Slot::F64(|t| &mut t.etcd_ratio_max),
        range: above(5.0, 50_000.0),
        meaning: "control-plane/etcd-timeouts: highest election-timeout / heartbeat-interval",
    },
    Limit {
        key: "etcd-heartbeat-max-ms",
        slot: Slot::F64(|t| &mut t.etcd_heartbeat_max_ms),
        // etcd's heartbeat is at least 1 ms and at most 50 000 / 5 ms.
        range: between(1.0, 10_000.0),
        meaning: "control-plane/etcd-timeouts: highest heartbeat-interval, in milliseconds",
    },
    Limit {
        key: "server-minor-lag",
        slot: Slot::U32(|t| &mut t.server_minor_lag),
        range: whole(0, 10),
        meaning: "control-plane/version-support: minors the API server may be behind the newest \
                  release (0: only the newest; upstream supports 2)",
    },
    Limit {
        key: "kubelet-minor-skew",
        slot: Slot::U32(|t| &mut t.kubelet_minor_skew),
        // The version skew policy allows kubelets 3 minors behind, no more.
        range: whole(0, 3),
        meaning: "control-plane/version-support: minors a kubelet may be behind the API server",
    },
    Limit {
        key: "node-not-ready-minutes",
        slot: Slot::I64(|t| &mut t.node_not_ready_minutes),
        range: whole(1, MINUTES_IN_A_YEAR),
        meaning: "control-plane/node-not-ready: minutes a node may be NotReady",
    },
];

/// The row of [`LIMITS`] for a `[thresholds]` key.
pub fn limit(key: &str) -> Option<&'static Limit> {
    LIMITS.iter().find(|l| l.key == key)
}

/// Read key by key: every key is looked up in [`LIMITS`] and its value
/// checked against the range there, while the parser still knows its line.
impl<'de> Deserialize<'de> for Thresholds {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_map(ThresholdsVisitor)
    }
}

struct ThresholdsVisitor;

impl<'de> Visitor<'de> for ThresholdsVisitor {
    type Value = Thresholds;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a table of thresholds")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Thresholds, A::Error> {
        let mut t = Thresholds::default();
        while let Some(key) = map.next_key::<String>()? {
            let (limit, n) = map.next_value_seed(ThresholdSeed(&key))?;
            limit.set(&mut t, n);
        }
        Ok(t)
    }
}

/// The value of one threshold key; an unknown key is reported here, as a
/// value error, so that it carries the key's path and line.
struct ThresholdSeed<'k>(&'k str);

impl<'de> DeserializeSeed<'de> for ThresholdSeed<'_> {
    type Value = (&'static Limit, Number);

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        let Some(limit) = limit(self.0) else {
            let keys: Vec<&str> = LIMITS.iter().map(|l| l.key).collect();
            return Err(de::Error::custom(format!(
                "unknown threshold (the thresholds are {})",
                keys.join(", ")
            )));
        };
        d.deserialize_any(NumberVisitor(limit)).map(|n| (limit, n))
    }
}

struct NumberVisitor(&'static Limit);

impl<'de> Visitor<'de> for NumberVisitor {
    type Value = Number;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0.range.describe())
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Number, E> {
        self.0.range.accept(Number::Whole(v)).map_err(E::custom)
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Number, E> {
        match i64::try_from(v) {
            Ok(v) => self.visit_i64(v),
            // Beyond i64 is beyond every range.
            Err(_) => Err(E::custom(format!(
                "`{v}` is out of range: must be {}",
                self.0.range.describe()
            ))),
        }
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Number, E> {
        self.0.range.accept(Number::Real(v)).map_err(E::custom)
    }
}

impl Default for Config {
    fn default() -> Self {
        Config {
            system_namespaces: Vec::new(),
            include_system_namespaces: false,
            disabled: Vec::new(),
            enabled: Vec::new(),
            severity: BTreeMap::new(),
            namespaces: BTreeMap::new(),
            cost_label_keys: vec!["team".into(), "app.kubernetes.io/name".into()],
            thresholds: Thresholds::default(),
            theme: None,
            keymap: BTreeMap::new(),
            path: None,
        }
    }
}

impl Config {
    /// The default config file: `<config dir>/kready/config.toml`.
    pub fn default_path() -> Option<PathBuf> {
        Self::dirs().map(|d| d.config_dir().join("config.toml"))
    }

    pub fn dirs() -> Option<directories::ProjectDirs> {
        directories::ProjectDirs::from("io", "kready", "kready")
    }

    /// Loads `path`, or the default file when there is one, or the
    /// defaults. A default file that exists but cannot be read is an error,
    /// not a silent fallback.
    pub fn load(path: Option<&Path>) -> Result<Config, ConfigError> {
        if let Some(p) = path {
            return Self::from_file(p);
        }
        let Some(p) = Self::default_path() else {
            return Ok(Config::default());
        };
        match read_text(&p, MAX_FILE_BYTES, TOO_LARGE_HINT) {
            Ok(text) => Self::parse(&text, &p),
            Err(ReadError::Io { error: source, .. })
                if source.kind() == std::io::ErrorKind::NotFound =>
            {
                Ok(Config::default())
            }
            Err(e) => Err(ConfigError::Read(e)),
        }
    }

    /// Reads a config file: a regular file of at most [`MAX_FILE_BYTES`].
    pub fn from_file(path: &Path) -> Result<Config, ConfigError> {
        let text = read_text(path, MAX_FILE_BYTES, TOO_LARGE_HINT).map_err(ConfigError::Read)?;
        Self::parse(&text, path)
    }

    /// Parses and validates config text; `path` names it in errors. Check
    /// ids are validated by `checks::validate_config`, and the theme and
    /// keymap where the console loads them (`console`).
    pub fn parse(text: &str, path: &Path) -> Result<Config, ConfigError> {
        let mut config: Config = from_toml(text).map_err(|e| ConfigError::Parse {
            path: path.to_path_buf(),
            at: e.at,
            key: e.key,
            message: e.message,
        })?;
        config.validate(path)?;
        config.path = Some(path.to_path_buf());
        Ok(config)
    }

    fn validate(&self, path: &Path) -> Result<(), ConfigError> {
        let invalid = |key: String, value: &str, reason: String| ConfigError::Invalid {
            path: path.to_path_buf(),
            key,
            value: Some(value.to_string()),
            reason,
        };
        // Names that no namespace or label can have would never match:
        // refused rather than silently doing nothing.
        let not_a_namespace = || {
            "is not a namespace name (at most 63 lowercase letters, digits and `-`, starting and \
             ending with a letter or digit)"
                .to_string()
        };
        if let Some(ns) = self.system_namespaces.iter().find(|n| !is_dns_label(n)) {
            return Err(invalid("system-namespaces".into(), ns, not_a_namespace()));
        }
        if let Some(ns) = self.namespaces.keys().find(|n| !is_dns_label(n)) {
            return Err(invalid("namespaces".into(), ns, not_a_namespace()));
        }
        if let Some(k) = self.cost_label_keys.iter().find(|k| !is_label_key(k)) {
            let reason = "is not a label key (an optional DNS prefix and `/`, then at most 63 \
                          letters, digits, `-`, `_` and `.`, starting and ending with a letter or \
                          digit)";
            return Err(invalid("cost-label-keys".into(), k, reason.to_string()));
        }
        // Each value is in its range (checked as it was read); what is left
        // is the pairs whose ends must be in order. (rightsizing-low is
        // below 1 and rightsizing-high at least 1: always in order.)
        let pairs = [
            ("scale-down-delay-min-secs", "scale-down-delay-max-secs"),
            ("etcd-ratio-min", "etcd-ratio-max"),
        ];
        for (min_key, max_key) in pairs {
            let (Some(min), Some(max)) = (limit(min_key), limit(max_key)) else {
                continue;
            };
            let (min, max) = (min.get(&self.thresholds), max.get(&self.thresholds));
            if min.as_f64() >= max.as_f64() {
                return Err(invalid(
                    format!("thresholds.{min_key}"),
                    &min.to_string(),
                    format!("must be below `thresholds.{max_key}` ({max})"),
                ));
            }
        }
        Ok(())
    }

    pub fn is_system_namespace(&self, ns: &str) -> bool {
        BUILTIN_SYSTEM_NAMESPACES.contains(&ns) || self.system_namespaces.iter().any(|s| s == ns)
    }

    /// Whether the check `id` runs: not `disabled`, and on by default or
    /// `enabled`.
    pub fn is_enabled(&self, id: &str, enabled_by_default: bool) -> bool {
        if self.disabled.iter().any(|d| d == id) {
            return false;
        }
        enabled_by_default || self.enabled.iter().any(|e| e == id)
    }

    pub fn is_disabled_in(&self, check: &str, namespace: &str) -> bool {
        self.namespaces
            .get(namespace)
            .is_some_and(|n| n.disabled.iter().any(|d| d == check))
    }
}

/// An RFC 1123 label, as a namespace name is: at most 63 lowercase letters,
/// digits and `-`, starting and ending with a letter or digit.
fn is_dns_label(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 63
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !s.starts_with('-')
        && !s.ends_with('-')
}

/// A label key: an optional DNS subdomain prefix and `/`, then a name of at
/// most 63 letters, digits, `-`, `_` and `.`, starting and ending with a
/// letter or digit.
fn is_label_key(s: &str) -> bool {
    let (prefix, name) = match s.split_once('/') {
        Some((p, n)) => (Some(p), n),
        None => (None, s),
    };
    let alnum_ends = |n: &str| {
        n.bytes().next().is_some_and(|b| b.is_ascii_alphanumeric())
            && n.bytes().last().is_some_and(|b| b.is_ascii_alphanumeric())
    };
    let name_ok = name.len() <= 63
        && alnum_ends(name)
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'));
    let prefix_ok = prefix.is_none_or(|p| p.len() <= 253 && p.split('.').all(is_dns_label));
    name_ok && prefix_ok
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each row's range fits the type of its field, so `Limit::set` keeps
    /// every accepted value, and no two rows share a field.
    #[test]
    fn every_range_fits_its_field_and_rows_are_distinct() {
        let mut t = Thresholds::default();
        for (i, l) in LIMITS.iter().enumerate() {
            let (lo, hi) = match (l.range, l.slot) {
                (Range::Whole { min, max }, Slot::I32(_)) => {
                    assert!(i32::try_from(min).is_ok() && i32::try_from(max).is_ok());
                    (Number::Whole(min), Number::Whole(max))
                }
                (Range::Whole { min, max }, Slot::U32(_)) => {
                    assert!(u32::try_from(min).is_ok() && u32::try_from(max).is_ok());
                    (Number::Whole(min), Number::Whole(max))
                }
                (Range::Whole { min, max }, Slot::Usize(_)) => {
                    assert!(usize::try_from(min).is_ok() && usize::try_from(max).is_ok());
                    (Number::Whole(min), Number::Whole(max))
                }
                (Range::Whole { min, max }, Slot::I64(_)) => {
                    (Number::Whole(min), Number::Whole(max))
                }
                (Range::Real { min, max, .. }, Slot::F64(_)) => {
                    (Number::Real(min), Number::Real(max))
                }
                _ => panic!("{}: the range does not match the field's type", l.key),
            };
            for n in [lo, hi] {
                l.set(&mut t, n);
                assert_eq!(l.get(&t), n, "{}", l.key);
            }
            // A mark only this row carries: read back below.
            let mark = match l.range {
                Range::Whole { min, .. } => Number::Whole(min + i as i64 % 2),
                Range::Real { min, .. } => Number::Real(min + 0.5 + i as f64 / 1000.0),
            };
            l.set(&mut t, mark);
        }
        for (i, l) in LIMITS.iter().enumerate() {
            let mark = match l.range {
                Range::Whole { min, .. } => Number::Whole(min + i as i64 % 2),
                Range::Real { min, .. } => Number::Real(min + 0.5 + i as f64 / 1000.0),
            };
            assert_eq!(l.get(&t), mark, "{} shares its field", l.key);
        }
        let mut keys: Vec<&str> = LIMITS.iter().map(|l| l.key).collect();
        keys.sort_unstable();
        keys.dedup();
        assert_eq!(keys.len(), LIMITS.len());
        assert_eq!(LIMITS.len(), 23, "every field of Thresholds has a row");
    }

    #[test]
    fn defaults_are_in_range() {
        let t = Thresholds::default();
        for l in LIMITS {
            assert_eq!(l.range.accept(l.get(&t)), Ok(l.get(&t)), "{}", l.key);
        }
    }

    #[test]
    fn numbers_and_ranges_read_as_written() {
        assert_eq!(Number::Real(f64::NAN).to_string(), "nan");
        assert_eq!(Number::Real(f64::NEG_INFINITY).to_string(), "-inf");
        assert_eq!(Number::Real(2.0).to_string(), "2.0");
        assert_eq!(Number::Whole(-3).to_string(), "-3");
        assert_eq!(above(0.0, 1.0).describe(), "a number > 0 and ≤ 1");
        assert_eq!(below(0.0, 1.0).describe(), "a number ≥ 0 and < 1");
        assert_eq!(whole(1, 10).describe(), "a whole number from 1 to 10");
        assert_eq!(
            whole(1, 10).accept(Number::Real(2.5)),
            Err("`2.5` is not a whole number from 1 to 10".into())
        );
        assert_eq!(
            above(1.0, 10.0).accept(Number::Whole(3)),
            Ok(Number::Real(3.0))
        );
    }

    #[test]
    fn namespace_names_and_label_keys() {
        for ok in ["payments", "a", "team-1", &"a".repeat(63)] {
            assert!(is_dns_label(ok), "{ok}");
        }
        for bad in ["", "Payments", "-a", "a-", "a_b", "a.b", &"a".repeat(64)] {
            assert!(!is_dns_label(bad), "{bad}");
        }
        for ok in [
            "team",
            "app.kubernetes.io/name",
            "Cost_Center",
            "a.b-c",
            "x.y/z",
        ] {
            assert!(is_label_key(ok), "{ok}");
        }
        for bad in [
            "", "/name", "a/", "a/b/c", "-team", "team.", "a b", "Ex.com/x",
        ] {
            assert!(!is_label_key(bad), "{bad}");
        }
    }

    #[test]
    fn serde_messages_are_reworded() {
        assert_eq!(
            in_words("invalid type: string \"a\", expected a sequence"),
            "expected a list, found string \"a\""
        );
        assert_eq!(
            in_words("invalid type: integer `3`, expected a boolean"),
            "expected a boolean, found integer `3`"
        );
        assert_eq!(
            in_words("unknown field `x`, expected `disabled`"),
            "unknown key `x` (the keys here are `disabled`)"
        );
        assert_eq!(toml_key("workload/replicas"), "\"workload/replicas\"");
        assert_eq!(toml_key("min-zones"), "min-zones");
        assert_eq!(toml_key("a\u{1b}b"), "\"a\\u{1b}b\"");
    }
}
