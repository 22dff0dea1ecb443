//! What the server is told at start (CLI flags, a JSON/YAML file) and what
//! tests change while it runs: identity, permissions, faults, windows.

use std::path::PathBuf;

use serde::Deserialize;

#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct Config {
    /// The snapshot to serve (none: an empty cluster).
    pub snapshot: Option<PathBuf>,
    /// Port on 127.0.0.1 (0: any free port).
    pub port: u16,
    /// The bearer token clients must send (none: any request is accepted).
    pub token: Option<String>,
    /// Whether a request with no `Authorization` header is served (as
    /// `user`). On by default: client-go (kubectl) sends credentials only
    /// over TLS, never to an `http://` server; kube-rs does send the token.
    /// A wrong token is refused either way.
    pub anonymous: bool,
    /// The user the server says the token belongs to (in 403 messages).
    pub user: String,
    /// Requests refused with 403.
    pub forbid: Vec<Forbid>,
    pub faults: Faults,
    /// Changes kept for watches and consistent lists; a watch or list
    /// from before them gets 410 Expired.
    pub history: usize,
    /// How often a watch that allows bookmarks gets one.
    pub bookmark_interval_ms: u64,
    /// Changes per second made by the mutation driver (0: none).
    pub mutate_rate: f64,
    /// Every request as a JSON line in this file.
    pub request_log: Option<PathBuf>,
    /// A watch without `timeoutSeconds` ends after this long (the real
    /// server's default is 30–60 minutes).
    pub watch_timeout_secs: u64,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            snapshot: None,
            port: 0,
            token: Some("sim-token".into()),
            anonymous: true,
            user: "kready".into(),
            forbid: Vec::new(),
            faults: Faults::default(),
            history: 10_000,
            bookmark_interval_ms: 60_000,
            mutate_rate: 0.0,
            request_log: None,
            watch_timeout_secs: 1800,
        }
    }
}

/// A 403 rule: a resource (plural, or `*`), optionally only in one API
/// group, in one namespace or in all but some, or for some verbs.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Forbid {
    pub resource: String,
    #[serde(default)]
    pub group: Option<String>,
    #[serde(default)]
    pub namespace: Option<String>,
    /// Refuse everywhere but in these namespaces (cluster scope included):
    /// a user who may read only their own namespaces.
    #[serde(default)]
    pub except_namespaces: Vec<String>,
    /// Empty: every verb.
    #[serde(default)]
    pub verbs: Vec<String>,
}

impl Forbid {
    pub fn resource(resource: &str) -> Forbid {
        Forbid {
            resource: resource.into(),
            ..Forbid::default()
        }
    }

    /// Does this rule refuse `verb` on `group`/`resource`? `namespace` is
    /// None for a cluster-wide request: a rule for one namespace then
    /// refuses too, as the request would include that namespace.
    pub fn refuses(
        &self,
        verb: &str,
        group: &str,
        resource: &str,
        namespace: Option<&str>,
    ) -> bool {
        (self.resource == "*" || self.resource == resource)
            && self.group.as_deref().is_none_or(|g| g == group)
            && (self.verbs.is_empty() || self.verbs.iter().any(|v| v == verb || v == "*"))
            && match (&self.namespace, namespace) {
                (Some(_), None) => true,
                (Some(a), Some(b)) => a == b,
                (None, Some(b)) => !self.except_namespaces.iter().any(|e| e == b),
                (None, None) => true,
            }
    }
}

#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct Faults {
    /// Added before every answer.
    pub latency_ms: u64,
    /// A watch stream ends after this many events (bookmarks not counted).
    pub drop_watch_after: Option<u64>,
    /// Every Nth API request is answered 500.
    pub error_every: Option<u64>,
    /// This fraction of requests (0 to 1, spread evenly, not at random so
    /// that tests repeat) is answered 500.
    pub error_fraction: f64,
    /// Every Nth API request is answered 429 with Retry-After.
    pub throttle_every: Option<u64>,
    pub retry_after_secs: u64,
    /// Faults (500, 429) apply only to paths containing this text.
    pub only_path: Option<String>,
}

impl Default for Faults {
    fn default() -> Faults {
        Faults {
            latency_ms: 0,
            drop_watch_after: None,
            error_every: None,
            error_fraction: 0.0,
            throttle_every: None,
            retry_after_secs: 1,
            only_path: None,
        }
    }
}

impl Config {
    /// Reads a JSON or YAML config file (the same keys as this struct).
    pub fn from_file(path: &std::path::Path) -> Result<Config, String> {
        let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
        serde_saphyr::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))
    }
}
