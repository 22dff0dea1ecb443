//! Connecting to a cluster the way kubectl does: `--kubeconfig` or
//! `KUBECONFIG` (several files merged) or `~/.kube/config`, the current or a
//! named context, exec credential plugins and in-cluster service-account
//! config as kube-rs supports them. A server that does not answer within the
//! request timeout is reported, not waited on.

use std::path::PathBuf;
use std::time::Duration;

use kube::config::{KubeConfigOptions, Kubeconfig};
use kube::{Client, Config};

/// How to reach the cluster, from the command line.
#[derive(Debug, Clone, Default)]
pub struct ConnectOptions {
    /// `--kubeconfig`; else `KUBECONFIG`, else `~/.kube/config`.
    pub kubeconfig: Option<PathBuf>,
    /// `--context`; else the kubeconfig's current context.
    pub context: Option<String>,
    /// How long one request (not a watch) may take.
    pub request_timeout: Duration,
}

/// A client for one context, and what to tell the user about it.
#[derive(Clone)]
pub struct Connection {
    pub client: Client,
    /// The context's name (`in-cluster` inside a pod).
    pub context: String,
    /// The API server's URL.
    pub server: String,
    /// The API server's `gitVersion`.
    pub version: String,
    /// The context's namespace (`default` when it names none): where a user
    /// who may not list a kind in every namespace is watched.
    pub default_namespace: String,
    pub request_timeout: Duration,
}

#[derive(Debug, thiserror::Error)]
pub enum ConnectError {
    #[error(
        "no kubeconfig found (KUBECONFIG is unset and ~/.kube/config does not exist) and not \
         running in a cluster; pass --kubeconfig FILE, or try kready without a cluster: \
         `kready --demo`"
    )]
    NoConfig,
    #[error("{0}")]
    Kubeconfig(String),
    #[error("context {context} ({server}) did not answer within {}s", timeout.as_secs_f64())]
    Timeout {
        context: String,
        server: String,
        timeout: Duration,
    },
    #[error("context {context} ({server}): {reason}")]
    Unreachable {
        context: String,
        server: String,
        reason: String,
    },
}

/// The contexts of the kubeconfig `connect` would read, with its current
/// one (for `:ctx` completion and `--all-contexts`).
pub fn contexts(
    kubeconfig: Option<&PathBuf>,
) -> Result<(Vec<String>, Option<String>), ConnectError> {
    let kc = read_kubeconfig(kubeconfig)?.ok_or(ConnectError::NoConfig)?;
    let names = kc.contexts.iter().map(|c| c.name.clone()).collect();
    Ok((names, kc.current_context))
}

fn read_kubeconfig(path: Option<&PathBuf>) -> Result<Option<Kubeconfig>, ConnectError> {
    let described = |e: kube::config::KubeconfigError| ConnectError::Kubeconfig(e.to_string());
    match path {
        Some(p) => Kubeconfig::read_from(p)
            .map(Some)
            .map_err(|e| ConnectError::Kubeconfig(format!("{}: {e}", p.display()))),
        None => match Kubeconfig::from_env().map_err(described)? {
            Some(kc) => Ok(Some(kc)),
            None => {
                let home = std::env::var_os("HOME").map(PathBuf::from);
                match home.map(|h| h.join(".kube/config")).filter(|p| p.exists()) {
                    Some(p) => Kubeconfig::read_from(&p)
                        .map(Some)
                        .map_err(|e| ConnectError::Kubeconfig(format!("{}: {e}", p.display()))),
                    None => Ok(None),
                }
            }
        },
    }
}

/// A client for the chosen context, after the server answered `/version`.
pub async fn connect(opts: &ConnectOptions) -> Result<Connection, ConnectError> {
    let (mut config, context) = match read_kubeconfig(opts.kubeconfig.as_ref())? {
        Some(kc) => {
            let context = opts
                .context
                .clone()
                .or_else(|| kc.current_context.clone())
                .ok_or_else(|| {
                    ConnectError::Kubeconfig(
                        "the kubeconfig has no current context; pass --context NAME".into(),
                    )
                })?;
            if !kc.contexts.iter().any(|c| c.name == context) {
                let known: Vec<&str> = kc.contexts.iter().map(|c| c.name.as_str()).collect();
                return Err(ConnectError::Kubeconfig(format!(
                    "no context named {context:?} in the kubeconfig (contexts: {})",
                    known.join(", ")
                )));
            }
            let options = KubeConfigOptions {
                context: Some(context.clone()),
                ..Default::default()
            };
            let config = Config::from_custom_kubeconfig(kc, &options)
                .await
                .map_err(|e| ConnectError::Kubeconfig(format!("context {context}: {e}")))?;
            (config, context)
        }
        None if opts.context.is_none() => match Config::incluster() {
            Ok(config) => (config, "in-cluster".to_string()),
            Err(_) => return Err(ConnectError::NoConfig),
        },
        None => return Err(ConnectError::NoConfig),
    };
    let server = config.cluster_url.to_string();
    let default_namespace = config.default_namespace.clone();
    config.connect_timeout = Some(opts.request_timeout);
    let client = Client::try_from(config).map_err(|e| ConnectError::Unreachable {
        context: context.clone(),
        server: server.clone(),
        reason: e.to_string(),
    })?;
    let version = match tokio::time::timeout(opts.request_timeout, client.apiserver_version()).await
    {
        Err(_) => {
            return Err(ConnectError::Timeout {
                context,
                server,
                timeout: opts.request_timeout,
            });
        }
        Ok(Err(e)) => {
            return Err(ConnectError::Unreachable {
                context,
                server,
                reason: super::watch::describe(&e),
            });
        }
        Ok(Ok(info)) => info.git_version,
    };
    Ok(Connection {
        client,
        context,
        server,
        version,
        default_namespace,
        request_timeout: opts.request_timeout,
    })
}
