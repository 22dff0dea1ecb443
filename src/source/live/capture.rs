//! `kready snapshot`: one read of a live cluster written as a snapshot
//! directory that `kready --snapshot DIR` reopens with the same check
//! results, and that other tools read as `kubectl get -o yaml` output: one
//! YAML `kind: List` file per kind (`pods.yaml`, `deployments.apps.yaml`),
//! items with their apiVersion and kind, managedFields stripped.
//!
//! The server's objects are written whole, not kready's trimmed in-memory
//! forms (other tools need what kready drops). Secrets are listed as
//! metadata only, as the live source watches them: their data is never
//! requested, and the last-applied annotation (which repeats it) is
//! dropped. Besides the kinds the checks read, a capture holds what the
//! live source gets without watching: each node's kubelet `/configz`, pod
//! metrics when metrics.k8s.io exists, and a `SnapshotInfo` document, so
//! the capture is judged as of the time it was taken.
//!
//! Files are written under a hidden temporary name (the loader skips
//! hidden files) and renamed when complete, so an interrupted capture
//! leaves no half-written list behind.

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

use futures::StreamExt;
use k8s_openapi::api::core::v1::Node;
use k8s_openapi::jiff::Timestamp;
use kube::api::{Api, DynamicObject, ListParams};
use kube::core::{PartialObjectMeta, TypeMeta};
use kube::discovery::ApiResource;
use serde_json::{Value, json};

use super::connect::Connection;
use super::resources::{self, Watched};
use super::sync::cluster_info;
use super::watch::{
    KUBELET_GROUP, KUBELET_KIND, PAGE, WatchScope, configz_value, describe, list_names,
};
use crate::model::kinds;
use crate::store::KindStatus;

/// Kinds listed at once: enough to keep the server and the writer busy
/// while the big kinds (pods, events) page through.
const PARALLEL_KINDS: usize = 4;
/// Concurrent `/configz` requests.
const CONFIGZ_PARALLEL: usize = 8;
/// Tries of a page request that timed out or failed with a transient
/// error (5xx, 429, a dropped connection) before the kind counts as failed.
const TRIES: u32 = 3;
/// A kind is listed again from its first page when its continue token
/// expired (410) this many times at most.
const RESTARTS: u32 = 3;
/// The capture's own description, as `--snapshot` reads it.
const INFO_FILE: &str = "snapshot-info.yaml";
/// Secrets' annotation that repeats their data.
const LAST_APPLIED: &str = "kubectl.kubernetes.io/last-applied-configuration";

/// What the capture reports as it goes, for a progress display.
pub enum Progress<'a> {
    /// Discovery found these kinds (labels, in the order they will be read).
    Found(&'a [String]),
    /// A kind's objects written so far.
    Listing { label: &'a str, objects: usize },
    /// A kind written whole.
    Done { label: &'a str, objects: usize },
    /// A kind not captured: forbidden, or failing.
    Skipped {
        label: &'a str,
        forbidden: bool,
        reason: &'a str,
    },
    /// Something to tell the user that does not stop the kind (one node's
    /// `/configz` failing).
    Warning(&'a str),
}

/// What a capture wrote.
#[derive(Debug, Default)]
pub struct Captured {
    pub objects: usize,
    /// Files written, the `SnapshotInfo` included.
    pub files: usize,
    /// (kind label, the server's reason) of kinds the user may not list.
    pub forbidden: Vec<(String, String)>,
    /// (kind label, why) of kinds that failed after retries.
    pub failed: Vec<(String, String)>,
    /// Files already in the directory that this capture did not write
    /// (with `--force`): `--snapshot DIR` reads them too.
    pub foreign: Vec<PathBuf>,
}

#[derive(Debug, thiserror::Error)]
pub enum CaptureError {
    #[error(
        "{}: the directory is not empty; pass --force to write the capture into it anyway",
        .0.display()
    )]
    NotEmpty(PathBuf),
    #[error("{}: {error}", path.display())]
    Io { path: PathBuf, error: io::Error },
    #[error("{0}")]
    Yaml(String),
    #[error("context {context}: discovery failed: {reason}")]
    Discovery { context: String, reason: String },
}

/// The directory a capture goes to, checked before connecting: it must be
/// empty (or new) unless `force`.
pub struct Target {
    dir: PathBuf,
    /// Entries it held before the capture (with `force`).
    existing: Vec<PathBuf>,
}

impl Target {
    pub fn prepare(dir: &Path, force: bool) -> Result<Target, CaptureError> {
        let io_error = |error| CaptureError::Io {
            path: dir.to_path_buf(),
            error,
        };
        let existing = match std::fs::read_dir(dir) {
            Ok(entries) => entries
                .map(|e| e.map(|e| e.path()))
                .collect::<io::Result<Vec<_>>>()
                .map_err(io_error)?,
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                std::fs::create_dir_all(dir).map_err(io_error)?;
                Vec::new()
            }
            Err(e) => return Err(io_error(e)),
        };
        if !existing.is_empty() && !force {
            return Err(CaptureError::NotEmpty(dir.to_path_buf()));
        }
        Ok(Target {
            dir: dir.to_path_buf(),
            existing,
        })
    }
}

/// One thing to read into one file.
enum Job {
    /// A listed kind (pod metrics too: they are listed, not watched).
    List { w: Watched, namespaces: Vec<String> },
    /// Kubelet settings from each node's `/configz`.
    Kubelet,
}

impl Job {
    fn label(&self) -> String {
        match self {
            Job::List { w, .. } => w.label(),
            Job::Kubelet => kinds::label(KUBELET_KIND, KUBELET_GROUP).into_owned(),
        }
    }

    fn file_name(&self) -> String {
        match self {
            Job::List { w, .. } => file_name(&w.resource),
            Job::Kubelet => format!("kubeletconfigurations.{KUBELET_GROUP}.yaml"),
        }
    }
}

/// How one job ended.
enum Outcome {
    Written(usize),
    Forbidden(String),
    Failed(String),
}

/// Captures the cluster `conn` points at into `target`: the kinds of
/// `scope` the server serves (namespaced ones only in `scope.namespaces`
/// when given), kubelet settings, pod metrics and a `SnapshotInfo`.
/// Forbidden and failing kinds are left out and named in the result; only
/// discovery failing or a file that cannot be written stops the capture.
pub async fn capture(
    conn: Connection,
    scope: &WatchScope,
    target: Target,
    progress: &dyn Fn(Progress),
) -> Result<Captured, CaptureError> {
    let captured_at = Timestamp::now();
    let found = match tokio::time::timeout(
        conn.request_timeout * 3,
        resources::resolve(conn.client.clone(), &scope.kinds),
    )
    .await
    {
        Ok(Ok(found)) => found,
        Ok(Err(e)) => {
            return Err(CaptureError::Discovery {
                context: conn.context.clone(),
                reason: describe(&e),
            });
        }
        Err(_) => {
            return Err(CaptureError::Discovery {
                context: conn.context.clone(),
                reason: format!("no answer within {}s", (conn.request_timeout * 3).as_secs()),
            });
        }
    };
    let mut jobs: Vec<Job> = found
        .watched
        .into_iter()
        .map(|w| Job::List {
            namespaces: if w.namespaced {
                scope.namespaces.clone()
            } else {
                Vec::new()
            },
            w,
        })
        .collect();
    // Pod metrics across namespaces, as the live source polls them.
    if let Some(resource) = found.metrics {
        jobs.push(Job::List {
            w: Watched {
                resource,
                namespaced: true,
                metadata_only: false,
            },
            namespaces: Vec::new(),
        });
    }
    jobs.push(Job::Kubelet);
    // The big kinds first, so they are not left to run alone at the end.
    jobs.sort_by_key(|j| match j {
        Job::List { w, .. } => !matches!(w.resource.kind.as_str(), "Pod" | "Event" | "ReplicaSet"),
        Job::Kubelet => true,
    });
    let labels: Vec<String> = jobs.iter().map(Job::label).collect();
    progress(Progress::Found(&labels));

    let dir = target.dir.as_path();
    let conn = &conn;
    let outcomes: Vec<(String, String, Result<Outcome, CaptureError>)> =
        futures::stream::iter(jobs)
            .map(|job| async move {
                let (label, name) = (job.label(), job.file_name());
                let outcome = run_job(conn, &job, &dir.join(&name), &label, progress).await;
                (label, name, outcome)
            })
            .buffer_unordered(PARALLEL_KINDS)
            .collect()
            .await;

    let mut captured = Captured::default();
    let mut written: Vec<String> = vec![INFO_FILE.to_string()];
    for (label, name, outcome) in outcomes {
        match outcome? {
            Outcome::Written(n) => {
                captured.objects += n;
                captured.files += 1;
                written.push(name);
            }
            Outcome::Forbidden(why) => captured.forbidden.push((label, why)),
            Outcome::Failed(why) => captured.failed.push((label, why)),
        }
    }
    captured.forbidden.sort();
    captured.failed.sort();

    let info = snapshot_info(conn, captured_at, &captured);
    let mut file = ListFile::create(&dir.join(INFO_FILE))?;
    file.write_document(&info)?;
    file.finish()?;
    captured.files += 1;

    captured.foreign = target
        .existing
        .into_iter()
        .filter(|p| {
            let name = p.file_name().map(|n| n.to_string_lossy().into_owned());
            !name.is_some_and(|n| n.starts_with('.') || written.contains(&n))
        })
        .collect();
    captured.foreign.sort();
    Ok(captured)
}

/// The `SnapshotInfo` document (see `source::snapshot`'s `apply_info`):
/// when, from which server and context, a managed control plane, and the
/// kinds left out with why.
fn snapshot_info(conn: &Connection, captured_at: Timestamp, captured: &Captured) -> Value {
    let mut info = json!({
        "apiVersion": "kready.io/v1",
        "kind": "SnapshotInfo",
        "metadata": {"name": conn.context},
        "capturedAt": captured_at.to_string(),
        "serverVersion": conn.version,
        "context": conn.context,
        "server": conn.server,
    });
    if let Some(managed) = cluster_info(conn).managed {
        info["managed"] = json!(managed);
    }
    let left_out = |list: &[(String, String)]| -> Vec<Value> {
        list.iter()
            .map(|(kind, reason)| json!({"kind": kind, "reason": reason}))
            .collect()
    };
    if !captured.forbidden.is_empty() {
        info["forbidden"] = json!(left_out(&captured.forbidden));
    }
    if !captured.failed.is_empty() {
        info["failed"] = json!(left_out(&captured.failed));
    }
    info
}

async fn run_job(
    conn: &Connection,
    job: &Job,
    path: &Path,
    label: &str,
    progress: &dyn Fn(Progress),
) -> Result<Outcome, CaptureError> {
    let outcome = match job {
        Job::List { w, namespaces } => list_kind(conn, w, namespaces, path, label, progress).await,
        Job::Kubelet => kubelet(conn, path, progress).await,
    }?;
    match &outcome {
        Outcome::Written(objects) => progress(Progress::Done {
            label,
            objects: *objects,
        }),
        Outcome::Forbidden(reason) => progress(Progress::Skipped {
            label,
            forbidden: true,
            reason,
        }),
        Outcome::Failed(reason) => progress(Progress::Skipped {
            label,
            forbidden: false,
            reason,
        }),
    }
    Ok(outcome)
}

/// `plural.yaml` for the core group, `plural.group.yaml` else, as kubectl
/// names resources; characters a file name should not have (the server
/// chose them) become `_`.
fn file_name(r: &ApiResource) -> String {
    let base = if r.group.is_empty() {
        r.plural.clone()
    } else {
        format!("{}.{}", r.plural, r.group)
    };
    let safe: String = base
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '.' {
                c
            } else {
                '_'
            }
        })
        .collect();
    format!("{}.yaml", safe.trim_start_matches('.'))
}

/// Why a page could not be read, and what to do about it.
enum PageError {
    Forbidden(String),
    /// The continue token expired (410): list again from the start.
    Expired,
    /// Worth another try (timeout, 5xx, 429, transport).
    Transient(String),
    Fatal(String),
}

/// The list file: here, or with the thread writing a page into it.
enum Writer {
    Idle(ListFile),
    Busy(tokio::task::JoinHandle<Result<ListFile, CaptureError>>),
}

impl Writer {
    async fn file(self) -> Result<ListFile, CaptureError> {
        match self {
            Writer::Idle(f) => Ok(f),
            Writer::Busy(h) => h
                .await
                .map_err(|e| CaptureError::Yaml(format!("the writing thread failed: {e}")))?,
        }
    }
}

/// One kind, every page of it, into one file. While a page is written on
/// a blocking thread the next one is fetched.
async fn list_kind(
    conn: &Connection,
    w: &Watched,
    namespaces: &[String],
    path: &Path,
    label: &str,
    progress: &dyn Fn(Progress),
) -> Result<Outcome, CaptureError> {
    let scopes: Vec<Option<&str>> = if namespaces.is_empty() {
        vec![None]
    } else {
        namespaces.iter().map(|n| Some(n.as_str())).collect()
    };
    let mut restarts = 0;
    'attempt: loop {
        let mut writer = Writer::Idle(ListFile::create(path)?);
        for ns in &scopes {
            let mut params = ListParams::default().limit(PAGE);
            loop {
                let page = page_with_retries(conn, w, *ns, &params).await;
                let mut file = writer.file().await?;
                let (items, next) = match page {
                    Ok(page) => page,
                    Err(PageError::Expired) if restarts < RESTARTS => {
                        file.abandon();
                        restarts += 1;
                        continue 'attempt;
                    }
                    Err(e) => {
                        file.abandon();
                        return Ok(match e {
                            PageError::Expired => Outcome::Failed(
                                "the list kept expiring (410) while it was read".into(),
                            ),
                            PageError::Forbidden(m) => Outcome::Forbidden(m),
                            PageError::Transient(m) | PageError::Fatal(m) => Outcome::Failed(m),
                        });
                    }
                };
                progress(Progress::Listing {
                    label,
                    objects: file.items + items.len(),
                });
                writer = Writer::Busy(tokio::task::spawn_blocking(move || {
                    file.write_items(&items)?;
                    Ok(file)
                }));
                match next {
                    Some(token) => params = params.continue_token(&token),
                    None => break,
                }
            }
        }
        let file = writer.file().await?;
        let n = file.items;
        file.finish()?;
        return Ok(Outcome::Written(n));
    }
}

async fn page_with_retries(
    conn: &Connection,
    w: &Watched,
    ns: Option<&str>,
    params: &ListParams,
) -> Result<(Vec<DynamicObject>, Option<String>), PageError> {
    let mut tries = 0;
    loop {
        tries += 1;
        match page(conn, w, ns, params).await {
            Err(PageError::Transient(m)) if tries < TRIES => {
                tracing::debug!("{}: {m}; trying again", w.label());
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
            other => return other,
        }
    }
}

/// One page of a kind: its items as the server sent them, with their
/// apiVersion and kind, cleaned for writing; and the continue token. The
/// objects are written as they were decoded (no second pass through a
/// `Value` tree: that was a fifth of a capture's CPU time).
async fn page(
    conn: &Connection,
    w: &Watched,
    ns: Option<&str>,
    params: &ListParams,
) -> Result<(Vec<DynamicObject>, Option<String>), PageError> {
    fn api<K>(conn: &Connection, w: &Watched, ns: Option<&str>) -> Api<K>
    where
        K: kube::Resource<DynamicType = ApiResource, Scope = kube::core::DynamicResourceScope>,
    {
        match ns {
            Some(ns) => Api::namespaced_with(conn.client.clone(), ns, &w.resource),
            None => Api::all_with(conn.client.clone(), &w.resource),
        }
    }
    let timeout = conn.request_timeout;
    let (mut items, token) = if w.metadata_only {
        // A metadata-only Api asks for PartialObjectMetadata: no data.
        let api: Api<PartialObjectMeta<DynamicObject>> = api(conn, w, ns);
        let list = within(timeout, api.list(params)).await?;
        let items: Vec<DynamicObject> = list
            .items
            .into_iter()
            .map(|o| DynamicObject {
                types: None,
                metadata: o.metadata,
                data: Value::Object(serde_json::Map::new()),
            })
            .collect();
        (items, list.metadata.continue_)
    } else {
        let api: Api<DynamicObject> = api(conn, w, ns);
        let list = within(timeout, api.list(params)).await?;
        (list.items, list.metadata.continue_)
    };
    for o in &mut items {
        clean(o, &w.resource, w.metadata_only);
    }
    Ok((items, token.filter(|t| !t.is_empty())))
}

async fn within<T>(
    timeout: Duration,
    request: impl Future<Output = Result<T, kube::Error>>,
) -> Result<T, PageError> {
    match tokio::time::timeout(timeout, request).await {
        Err(_) => Err(PageError::Transient(format!(
            "no answer within {}s",
            timeout.as_secs_f64()
        ))),
        Ok(Ok(t)) => Ok(t),
        Ok(Err(e)) => Err(match &e {
            kube::Error::Api(s) if s.code == 403 => PageError::Forbidden(s.message.clone()),
            kube::Error::Api(s) if s.code == 410 => PageError::Expired,
            kube::Error::Api(s) if s.code == 429 || s.code >= 500 => {
                PageError::Transient(describe(&e))
            }
            kube::Error::Api(_) => PageError::Fatal(describe(&e)),
            _ => PageError::Transient(describe(&e)),
        }),
    }
}

/// As kubectl writes an object: with its apiVersion and kind (list items
/// come without), without managedFields; a Secret (metadata only) also
/// without the annotation that repeats its data.
fn clean(o: &mut DynamicObject, r: &ApiResource, secret: bool) {
    if o.types.is_none() {
        o.types = Some(TypeMeta {
            api_version: r.api_version.clone(),
            kind: r.kind.clone(),
        });
    }
    o.metadata.managed_fields = None;
    if secret && let Some(annotations) = o.metadata.annotations.as_mut() {
        annotations.remove(LAST_APPLIED);
    }
}

/// Each node's kubelet settings, as the live source reads them once.
async fn kubelet(
    conn: &Connection,
    path: &Path,
    progress: &dyn Fn(Progress),
) -> Result<Outcome, CaptureError> {
    let nodes: Api<Node> = Api::all(conn.client.clone());
    let names = match list_names(&nodes, conn.request_timeout).await {
        Ok(n) => n,
        Err(KindStatus::Forbidden(m)) => return Ok(Outcome::Forbidden(m)),
        Err(KindStatus::Error { reason: m, .. }) => return Ok(Outcome::Failed(m)),
        Err(other) => return Ok(Outcome::Failed(format!("{other:?}"))),
    };
    let fetched: Vec<(String, Result<Option<Value>, KindStatus>)> = futures::stream::iter(names)
        .map(|node| async move {
            let r = configz_value(conn, &node).await;
            (node, r)
        })
        .buffer_unordered(CONFIGZ_PARALLEL)
        .collect()
        .await;
    let mut configs = Vec::new();
    for (node, result) in fetched {
        match result {
            Ok(Some(v)) => configs.push((node, v)),
            Ok(None) => {}
            Err(KindStatus::Forbidden(m)) => return Ok(Outcome::Forbidden(m)),
            Err(e) => progress(Progress::Warning(&format!(
                "node {node}: /configz: {}",
                match e {
                    KindStatus::Error { reason: m, .. } => m,
                    other => format!("{other:?}"),
                }
            ))),
        }
    }
    configs.sort_by(|a, b| a.0.cmp(&b.0));
    let items: Vec<Value> = configs.into_iter().map(|(_, v)| v).collect();
    let mut file = ListFile::create(path)?;
    file.write_items(&items)?;
    let n = file.items;
    file.finish()?;
    Ok(Outcome::Written(n))
}

/// A YAML file written under a hidden temporary name and renamed into
/// place when finished: a `kind: List` as kubectl prints it (`apiVersion`,
/// `items`, `kind`, `metadata`), or one document.
struct ListFile {
    out: BufWriter<File>,
    tmp: PathBuf,
    path: PathBuf,
    /// List items written so far.
    items: usize,
    /// One document, not a list: no list tail.
    document: bool,
}

impl ListFile {
    fn create(path: &Path) -> Result<ListFile, CaptureError> {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let tmp = path.with_file_name(format!(".{name}.tmp"));
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create(true).truncate(true);
        // Never write through a symlink planted under the temporary name.
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::custom_flags(&mut options, libc::O_NOFOLLOW);
        let file = options.open(&tmp).map_err(|error| CaptureError::Io {
            path: tmp.clone(),
            error,
        })?;
        Ok(ListFile {
            out: BufWriter::with_capacity(1 << 20, file),
            tmp,
            path: path.to_path_buf(),
            items: 0,
            document: false,
        })
    }

    fn write(&mut self, text: &str) -> Result<(), CaptureError> {
        self.out
            .write_all(text.as_bytes())
            .map_err(|error| CaptureError::Io {
                path: self.tmp.clone(),
                error,
            })
    }

    /// Appends list items: the list's head before the first.
    fn write_items<T: serde::Serialize>(&mut self, items: &[T]) -> Result<(), CaptureError> {
        if items.is_empty() {
            return Ok(());
        }
        if self.items == 0 {
            self.write("apiVersion: v1\nitems:\n")?;
        }
        // A top-level sequence is written `- key: …` from column 0, which
        // is what `items:` takes (kubectl writes it that way too).
        let text = to_yaml(&items)?;
        self.write(&text)?;
        self.items += items.len();
        Ok(())
    }

    fn write_document(&mut self, v: &Value) -> Result<(), CaptureError> {
        let text = to_yaml(v)?;
        self.write(&text)?;
        self.document = true;
        Ok(())
    }

    /// Writes the list's tail, flushes and renames the file into place.
    fn finish(mut self) -> Result<(), CaptureError> {
        if !self.document {
            if self.items == 0 {
                self.write("apiVersion: v1\nitems: []\n")?;
            }
            self.write("kind: List\nmetadata:\n  resourceVersion: \"\"\n")?;
        }
        let tmp = self.tmp.clone();
        let io = |error| CaptureError::Io {
            path: tmp.clone(),
            error,
        };
        self.out.into_inner().map_err(|e| io(e.into_error()))?;
        std::fs::rename(&self.tmp, &self.path).map_err(|error| CaptureError::Io {
            path: self.path.clone(),
            error,
        })
    }

    /// Removes the unfinished file.
    fn abandon(self) {
        let tmp = self.tmp.clone();
        drop(self.out);
        let _ = std::fs::remove_file(tmp);
    }
}

/// YAML text ending with a line break (the next page or the list's tail
/// starts on a line of its own).
fn to_yaml(v: &impl serde::Serialize) -> Result<String, CaptureError> {
    let mut options = serde_saphyr::SerializerOptions::default();
    // Long and multi-line strings stay plain or quoted scalars: what every
    // YAML reader agrees on.
    options.prefer_block_scalars = false;
    let mut text = serde_saphyr::to_string_with_options(v, options)
        .map_err(|e| CaptureError::Yaml(format!("cannot write YAML: {e}")))?;
    if !text.ends_with('\n') {
        text.push('\n');
    }
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::snapshot::{LoadOptions, load_str};

    fn resource(group: &str, kind: &str, plural: &str) -> ApiResource {
        ApiResource {
            group: group.into(),
            version: "v1".into(),
            api_version: if group.is_empty() {
                "v1".into()
            } else {
                format!("{group}/v1")
            },
            kind: kind.into(),
            plural: plural.into(),
        }
    }

    #[test]
    fn file_names_as_kubectl_names_resources_and_safe() {
        assert_eq!(file_name(&resource("", "Pod", "pods")), "pods.yaml");
        assert_eq!(
            file_name(&resource("apps", "Deployment", "deployments")),
            "deployments.apps.yaml"
        );
        assert_eq!(
            file_name(&resource("", "X", "../../etc/passwd")),
            "_.._etc_passwd.yaml"
        );
    }

    #[test]
    fn secrets_lose_the_annotation_that_repeats_their_data() {
        let mut o: DynamicObject = serde_json::from_value(json!({
            "metadata": {"name": "s", "managedFields": [{"manager": "kubectl"}],
                "annotations": {LAST_APPLIED: "{\"data\":{\"k\":\"djE=\"}}", "team": "a"}}}))
        .expect("an object");
        clean(&mut o, &resource("", "Secret", "secrets"), true);
        let v = serde_json::to_value(&o).expect("json");
        assert_eq!(v["kind"], "Secret");
        assert_eq!(v["apiVersion"], "v1");
        assert!(v["metadata"].get("managedFields").is_none());
        assert_eq!(v["metadata"]["annotations"], json!({"team": "a"}));
    }

    /// Strings YAML readers could take for something else come back as
    /// the same strings through the snapshot loader.
    #[test]
    fn lists_round_trip_through_the_loader() {
        let tricky = [
            "true",
            "no",
            "on",
            "y",
            "null",
            "~",
            "",
            "0755",
            "1e3",
            "1.10",
            "0x1F",
            "12:30",
            "2026-11-20",
            "- a",
            "a: b",
            "#x",
            "  lead",
            "trail  ",
            "a\nb\n",
            "tab\there",
            "quote'\"",
            "{x}",
            "[y]",
            "*alias",
            "&anchor",
            "!tag",
            "%p",
            "@at",
            "`tick",
            "ünïcode",
            "\u{202e}bidi",
            "long words that go on and on for well over eighty characters, so a folding writer would fold them",
        ];
        let labels: serde_json::Map<String, Value> = tricky
            .iter()
            .enumerate()
            .map(|(i, s)| (format!("k{i}"), json!(s)))
            .collect();
        let item = |name: &str| {
            json!({"apiVersion": "example.com/v1", "kind": "Widget",
                   "metadata": {"name": name, "namespace": "a", "annotations": labels},
                   "data": labels, "empty": {}, "list": [1, 2.5, true, null, [], {}]})
        };
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("widgets.example.com.yaml");
        let mut file = ListFile::create(&path).expect("create");
        file.write_items(&[item("one")]).expect("write");
        file.write_items(&[item("two"), item("three")])
            .expect("write");
        file.finish().expect("finish");
        let text = std::fs::read_to_string(&path).expect("read");
        assert!(text.starts_with("apiVersion: v1\nitems:\n- "), "{text}");
        assert!(text.ends_with("kind: List\nmetadata:\n  resourceVersion: \"\"\n"));
        let loaded = load_str(&path, &text, &LoadOptions::default()).expect("loads");
        assert_eq!(loaded.objects.len(), 3);
        for obj in &loaded.objects {
            let name = obj.key.name.to_string();
            let want = item(&name);
            for field in ["/data", "/empty", "/list"] {
                assert_eq!(obj.pointer(field), want.pointer(field), "{name}{field}");
            }
            let annotations = serde_json::to_value(&obj.meta.annotations).expect("json");
            assert_eq!(annotations, want["metadata"]["annotations"], "{name}");
        }
        assert!(
            !dir.path().join(".widgets.example.com.yaml.tmp").exists(),
            "renamed into place"
        );
    }

    #[test]
    fn an_empty_list_and_a_non_empty_directory() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("roles.yaml");
        ListFile::create(&path)
            .expect("create")
            .finish()
            .expect("finish");
        let text = std::fs::read_to_string(&path).expect("read");
        assert_eq!(
            text,
            "apiVersion: v1\nitems: []\nkind: List\nmetadata:\n  resourceVersion: \"\"\n"
        );
        assert!(matches!(
            Target::prepare(dir.path(), false),
            Err(CaptureError::NotEmpty(_))
        ));
        assert!(Target::prepare(dir.path(), true).is_ok());
        let new = dir.path().join("new/deeper");
        assert!(Target::prepare(&new, false).is_ok());
        assert!(new.is_dir());
    }
}
