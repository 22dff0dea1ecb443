//! User configuration: TOML in the config directory (`directories`), or the
//! file given with `--config`. Unknown keys and unknown check ids are errors
//! that quote the bad key or value.

pub mod keymap;
pub mod theme;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use thiserror::Error;

use crate::checks::{self, Check, Severity};

/// Namespaces that are always system namespaces.
pub const BUILTIN_SYSTEM_NAMESPACES: &[&str] = &["kube-system", "kube-public", "kube-node-lease"];

#[derive(Debug, Error)]
pub enum ConfigError {
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}: {message}")]
    Parse { path: PathBuf, message: String },
    #[error("{path}: {key} = {value:?}: {reason}")]
    Invalid {
        path: PathBuf,
        key: String,
        value: String,
        reason: String,
    },
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
    /// `<name>.toml` in the themes folder of the config directory).
    pub theme: Option<String>,
    /// Key overrides: `action = ["key", …]` (see `kready --help-keys`).
    pub keymap: BTreeMap<String, Vec<String>>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct NamespaceConfig {
    pub disabled: Vec<String>,
}

/// Thresholds from the catalog, all configurable.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
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

    /// Loads `path`, or the default file when it exists, or the defaults.
    pub fn load(path: Option<&Path>) -> Result<Config, ConfigError> {
        match path {
            Some(p) => Self::from_file(p),
            None => match Self::default_path().filter(|p| p.exists()) {
                Some(p) => Self::from_file(&p),
                None => Ok(Config::default()),
            },
        }
    }

    pub fn from_file(path: &Path) -> Result<Config, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        Self::parse(&text, path)
    }

    /// Parses and validates config text; `path` names it in errors.
    pub fn parse(text: &str, path: &Path) -> Result<Config, ConfigError> {
        let config: Config = toml::from_str(text).map_err(|e| ConfigError::Parse {
            path: path.to_path_buf(),
            message: e.to_string(),
        })?;
        config.validate(path)?;
        Ok(config)
    }

    fn validate(&self, path: &Path) -> Result<(), ConfigError> {
        let invalid = |key: String, value: String, reason: &str| ConfigError::Invalid {
            path: path.to_path_buf(),
            key,
            value,
            reason: reason.to_string(),
        };
        let unknown_id = "no check has this id (see `kready checks`)";
        for (key, ids) in [("disabled", &self.disabled), ("enabled", &self.enabled)] {
            if let Some(id) = ids.iter().find(|id| checks::find(id).is_none()) {
                return Err(invalid(key.into(), id.clone(), unknown_id));
            }
        }
        if let Some(id) = self.severity.keys().find(|id| checks::find(id).is_none()) {
            return Err(invalid(
                format!("severity.\"{id}\""),
                id.clone(),
                unknown_id,
            ));
        }
        for (ns, nc) in &self.namespaces {
            if let Some(id) = nc.disabled.iter().find(|id| checks::find(id).is_none()) {
                return Err(invalid(
                    format!("namespaces.{ns}.disabled"),
                    id.clone(),
                    unknown_id,
                ));
            }
        }
        if let Err(e) = keymap::Keymap::with_overrides(&self.keymap) {
            let (key, value) = e.split_once(": ").unwrap_or((&e, ""));
            return Err(invalid(
                key.to_string(),
                value.to_string(),
                "see the help overlay for actions and keys",
            ));
        }
        let t = &self.thresholds;
        let ratios = [
            ("quota-warn-ratio", t.quota_warn_ratio),
            ("node-request-ratio", t.node_request_ratio),
            ("nodepool-limit-ratio", t.nodepool_limit_ratio),
        ];
        for (k, v) in ratios {
            if !(v > 0.0 && v <= 1.0) {
                return Err(invalid(
                    format!("thresholds.{k}"),
                    v.to_string(),
                    "must be in (0, 1]",
                ));
            }
        }
        if t.rightsizing_low >= t.rightsizing_high || t.rightsizing_low < 0.0 {
            return Err(invalid(
                "thresholds.rightsizing-low".into(),
                t.rightsizing_low.to_string(),
                "must be ≥ 0 and below rightsizing-high",
            ));
        }
        if t.etcd_ratio_min >= t.etcd_ratio_max {
            return Err(invalid(
                "thresholds.etcd-ratio-min".into(),
                t.etcd_ratio_min.to_string(),
                "must be below etcd-ratio-max",
            ));
        }
        if t.scale_down_delay_min_secs >= t.scale_down_delay_max_secs {
            return Err(invalid(
                "thresholds.scale-down-delay-min-secs".into(),
                t.scale_down_delay_min_secs.to_string(),
                "must be below scale-down-delay-max-secs",
            ));
        }
        let positive = [
            ("backup-rpo-hours", t.backup_rpo_hours),
            ("backup-failure-days", t.backup_failure_days),
            ("restore-test-days", t.restore_test_days),
            ("not-ready-minutes", t.not_ready_minutes),
            ("node-not-ready-minutes", t.node_not_ready_minutes),
        ];
        for (k, v) in positive {
            if v <= 0 {
                return Err(invalid(
                    format!("thresholds.{k}"),
                    v.to_string(),
                    "must be positive",
                ));
            }
        }
        Ok(())
    }

    pub fn is_system_namespace(&self, ns: &str) -> bool {
        BUILTIN_SYSTEM_NAMESPACES.contains(&ns) || self.system_namespaces.iter().any(|s| s == ns)
    }

    pub fn is_enabled(&self, check: &Check) -> bool {
        if self.disabled.iter().any(|d| d == check.id) {
            return false;
        }
        check.enabled_by_default || self.enabled.iter().any(|e| e == check.id)
    }

    pub fn is_disabled_in(&self, check: &str, namespace: &str) -> bool {
        self.namespaces
            .get(namespace)
            .is_some_and(|n| n.disabled.iter().any(|d| d == check))
    }
}
