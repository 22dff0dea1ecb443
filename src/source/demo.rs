//! The demo replay: a scripted incident timeline from `assets/demo-replay/`
//! played through the same path a live cluster's changes take (step →
//! `source::Event`s → `Model::apply_events` → store changes →
//! `engine.apply_change` → refresh).
//!
//! One YAML file per step, named `NNN-<seconds>s-<slug>.yaml` (`seconds`:
//! when the step plays, after the console starts). Its first document
//! describes the step, the rest are full objects (an apply replaces the
//! object):
//!
//! ```yaml
//! apiVersion: kready.io/v1
//! kind: ReplayStep
//! metadata: {name: node-cordoned}
//! title: on-call cordons ip-10-0-1-21   # shown in the status line
//! clock: 16m          # optional: cluster time after the capture (default: the file's seconds)
//! delete: [Pod/checkout/pg-client-debug, Node/ip-10-0-2-42.eu-west-1.compute.internal]   # optional
//! ---
//! apiVersion: v1
//! kind: Node
//! …
//! ```
//!
//! See assets/demo-replay/README.md for the story.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, anyhow, bail};
use k8s_openapi::jiff::{SignedDuration, Timestamp};
use serde_json::Value;
use tokio::sync::mpsc::Sender;

use crate::model::{Body, ObjKey, ObjRef};
use crate::source::Event;
use crate::source::snapshot::{self, LoadOptions};

/// The kind of a step's first document.
pub const STEP_KIND: &str = "ReplayStep";

/// One moment of the timeline: objects to apply and keys to delete.
#[derive(Debug, Clone)]
pub struct ReplayStep {
    /// Seconds after the console starts.
    pub after_secs: u64,
    /// Cluster time of the step (capture time + the step's clock offset).
    pub at: Timestamp,
    pub title: String,
    pub objects: Vec<ObjRef>,
    pub deletes: Vec<ObjKey>,
    /// The file the step was read from.
    pub file: PathBuf,
}

impl ReplayStep {
    /// The step as a source's events: the clock, the objects, the deletes,
    /// and its title for the status line.
    pub fn events(self) -> Vec<Event> {
        let mut events = Vec::with_capacity(self.objects.len() + self.deletes.len() + 2);
        events.push(Event::Clock(self.at));
        events.extend(self.objects.into_iter().map(Event::Apply));
        events.extend(self.deletes.into_iter().map(Event::Delete));
        events.push(Event::Notice(format!("demo: {}", self.title)));
        events
    }
}

/// Sends each step's events when its time comes.
pub async fn play(steps: Vec<ReplayStep>, tx: Sender<Vec<Event>>) {
    let start = tokio::time::Instant::now();
    for step in steps {
        tokio::time::sleep_until(start + std::time::Duration::from_secs(step.after_secs)).await;
        tracing::info!("replay: {}", step.title);
        if tx.send(step.events()).await.is_err() {
            return;
        }
    }
}

/// Loads the replay timeline from `dir`: every `NNN-<seconds>s-<slug>.yaml`
/// in file-name order. `start` is the cluster time the replay starts from
/// (the snapshot's capture time). Errors name the file.
pub fn load_steps(dir: &Path, start: Timestamp) -> Result<Vec<ReplayStep>> {
    let entries = std::fs::read_dir(dir)
        .with_context(|| format!("demo replay: cannot read {}", dir.display()))?;
    let mut files = Vec::new();
    for e in entries {
        let path = e
            .with_context(|| format!("demo replay: cannot read {}", dir.display()))?
            .path();
        if matches!(
            path.extension().and_then(|e| e.to_str()),
            Some("yaml" | "yml")
        ) {
            files.push(path);
        }
    }
    files.sort();
    let mut steps: Vec<ReplayStep> = Vec::with_capacity(files.len());
    for path in files {
        let step = load_step(&path, start)?;
        if let Some(prev) = steps.last() {
            if step.after_secs < prev.after_secs {
                bail!(
                    "demo replay step {}: plays at {}s, before the previous step {} ({}s)",
                    path.display(),
                    step.after_secs,
                    prev.file.display(),
                    prev.after_secs
                );
            }
            if step.at < prev.at {
                bail!(
                    "demo replay step {}: its clock ({}) is earlier than the previous step's ({})",
                    path.display(),
                    step.at,
                    prev.at
                );
            }
        }
        steps.push(step);
    }
    Ok(steps)
}

/// `NNN-<seconds>s-<slug>.yaml` → (NNN, seconds, slug).
fn parse_file_name(path: &Path) -> Result<(u32, u64, String)> {
    let stem = path
        .file_stem()
        .and_then(|s| s.to_str())
        .ok_or_else(|| anyhow!("the file name is not UTF-8"))?;
    let bad = || {
        anyhow!(
            "the file name must look like NNN-<seconds>s-<slug>.yaml (e.g. 003-45s-node-not-ready.yaml), \
             found {stem:?}"
        )
    };
    let mut parts = stem.splitn(3, '-');
    let (Some(n), Some(secs), Some(slug)) = (parts.next(), parts.next(), parts.next()) else {
        return Err(bad());
    };
    let n: u32 = n.parse().map_err(|_| bad())?;
    let secs: u64 = secs
        .strip_suffix('s')
        .and_then(|s| s.parse().ok())
        .ok_or_else(bad)?;
    if slug.is_empty() {
        return Err(bad());
    }
    Ok((n, secs, slug.to_string()))
}

/// Reads one step; every error names the file.
fn load_step(path: &Path, start: Timestamp) -> Result<ReplayStep> {
    let context = || format!("demo replay step {}", path.display());
    let (_, after_secs, _) = parse_file_name(path).with_context(context)?;
    // Load errors name the file (and the document and line) themselves.
    let loaded = snapshot::load(path, &LoadOptions::default())
        .map_err(|e| anyhow!("demo replay step {e}"))?;
    step_from(path, after_secs, loaded.objects, start).with_context(context)
}

fn step_from(
    path: &Path,
    after_secs: u64,
    objects: Vec<ObjRef>,
    start: Timestamp,
) -> Result<ReplayStep> {
    let mut objects = objects.into_iter();
    let head = objects
        .next()
        .filter(|o| o.key.kind == STEP_KIND)
        .ok_or_else(|| anyhow!("the first document must be `kind: {STEP_KIND}`"))?;
    let Body::Dynamic(head) = &head.body else {
        bail!("the first document must be `kind: {STEP_KIND}`");
    };
    let title = match head.get("title") {
        Some(Value::String(t)) if !t.trim().is_empty() => t.clone(),
        _ => bail!("{STEP_KIND}: `title` (a non-empty string) is required"),
    };
    let clock = match head.get("clock") {
        None | Some(Value::Null) => SignedDuration::from_secs(after_secs as i64),
        Some(Value::Number(n)) => {
            SignedDuration::from_secs(n.as_i64().ok_or_else(|| {
                anyhow!("{STEP_KIND}: `clock`: expected whole seconds, found {n}")
            })?)
        }
        Some(Value::String(s)) => s.parse::<SignedDuration>().map_err(|e| {
            anyhow!("{STEP_KIND}: `clock`: expected a duration like 3m30s, found {s:?}: {e}")
        })?,
        Some(other) => bail!("{STEP_KIND}: `clock`: expected a duration like 3m30s, found {other}"),
    };
    if clock.is_negative() {
        bail!("{STEP_KIND}: `clock` must not be negative");
    }
    let at = start
        .checked_add(clock)
        .map_err(|e| anyhow!("{STEP_KIND}: `clock` {clock}: {e}"))?;
    let deletes = match head.get("delete") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(items)) => items
            .iter()
            .enumerate()
            .map(|(i, v)| parse_delete(v).with_context(|| format!("{STEP_KIND}: `delete[{i}]`")))
            .collect::<Result<_>>()?,
        Some(other) => bail!("{STEP_KIND}: `delete`: expected a list, found {other}"),
    };
    let mut seen = std::collections::HashSet::new();
    let mut out = Vec::new();
    for o in objects {
        if o.key.kind == STEP_KIND {
            bail!("only the first document may be `kind: {STEP_KIND}`");
        }
        if !seen.insert(o.key.clone()) {
            bail!("{} appears twice in one step", o.key);
        }
        out.push(o);
    }
    if out.is_empty() && deletes.is_empty() {
        bail!("the step changes nothing: no objects and no `delete`");
    }
    Ok(ReplayStep {
        after_secs,
        at,
        title,
        objects: out,
        deletes,
        file: path.to_path_buf(),
    })
}

/// `Kind/namespace/name`, or `Kind/name` for a cluster-scoped object.
fn parse_delete(v: &Value) -> Result<ObjKey> {
    let Value::String(s) = v else {
        bail!("expected a string Kind/namespace/name, found {v}");
    };
    let parts: Vec<&str> = s.split('/').collect();
    match parts.as_slice() {
        [kind, name] if !kind.is_empty() && !name.is_empty() => Ok(ObjKey::new(kind, "", name)),
        [kind, ns, name] if !kind.is_empty() && !ns.is_empty() && !name.is_empty() => {
            Ok(ObjKey::new(kind, ns, name))
        }
        _ => bail!("expected Kind/namespace/name or Kind/name, found {s:?}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names() {
        let (n, s, slug) = parse_file_name(Path::new("/x/003-45s-node-down.yaml")).unwrap();
        assert_eq!((n, s, slug.as_str()), (3, 45, "node-down"));
        for bad in [
            "03-x-a.yaml",
            "003-45-a.yaml",
            "003-45s-.yaml",
            "readme.yaml",
        ] {
            let e = parse_file_name(Path::new(bad)).unwrap_err().to_string();
            assert!(e.contains("NNN-<seconds>s-<slug>.yaml"), "{bad}: {e}");
        }
    }

    #[test]
    fn deletes() {
        let k = parse_delete(&Value::String("Pod/checkout/x".into())).unwrap();
        assert_eq!(k, ObjKey::new("Pod", "checkout", "x"));
        let k = parse_delete(&Value::String("Node/n1".into())).unwrap();
        assert_eq!(k, ObjKey::new("Node", "", "n1"));
        assert!(parse_delete(&Value::String("Pod".into())).is_err());
        assert!(parse_delete(&Value::Bool(true)).is_err());
    }
}
