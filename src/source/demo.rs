//! The demo replay: a scripted incident timeline from `assets/` played
//! through the same path a live cluster's changes take.

use k8s_openapi::jiff::Timestamp;
use tokio::sync::mpsc::Sender;

use crate::model::{ObjKey, ObjRef};

/// One moment of the timeline: objects to apply and keys to delete.
#[derive(Debug, Clone)]
pub struct ReplayStep {
    /// Seconds after the console starts.
    pub after_secs: u64,
    /// Cluster time of the step (capture time + offset).
    pub at: Timestamp,
    pub title: String,
    pub objects: Vec<ObjRef>,
    pub deletes: Vec<ObjKey>,
}

/// Sends each step when its time comes.
pub async fn play(steps: Vec<ReplayStep>, tx: Sender<ReplayStep>) {
    let start = tokio::time::Instant::now();
    for step in steps {
        tokio::time::sleep_until(start + std::time::Duration::from_secs(step.after_secs)).await;
        if tx.send(step).await.is_err() {
            return;
        }
    }
}

/// Loads the replay timeline from `dir` (see assets/demo-replay/README.md).
/// Placeholder until the timeline format lands: no steps.
pub fn load_steps(dir: &std::path::Path, _start: Timestamp) -> anyhow::Result<Vec<ReplayStep>> {
    let _ = dir;
    Ok(Vec::new())
}
