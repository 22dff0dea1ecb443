//! A snapshot read behind an open console: progress as notices while the
//! files are parsed (off the event loop), then the cluster as one batch of
//! events — its description (capture time, context), its clock, and one
//! relist per kind — so a big snapshot no longer leaves the terminal blank.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use k8s_openapi::jiff::Timestamp;
use tokio::sync::mpsc;

use super::Event;
use super::snapshot::{self, LoadOptions, Progress};
use crate::model::inert::inert;

/// Reads `path` and sends it as events; returns its capture time (for a
/// replay that starts from it). Errors come as notices: the console shows
/// them on its status line.
pub async fn feed(
    path: PathBuf,
    source: &str,
    mut opts: LoadOptions,
    tx: mpsc::Sender<Vec<Event>>,
) -> Option<Timestamp> {
    let shown = path.display().to_string();
    let progress_tx = tx.clone();
    let last = AtomicU64::new(0);
    let name = shown.clone();
    // Every tenth of the way: the status line, not a flood of frames.
    opts.progress = Some(Progress(Arc::new(move |done, total| {
        let tenth = done * 10 / total.max(1);
        if tenth > last.fetch_max(tenth, Ordering::Relaxed) {
            let _ = progress_tx.blocking_send(vec![Event::Notice(format!(
                "loading {}: {}% of {:.0} MB",
                inert(&name),
                tenth * 10,
                total as f64 / 1e6
            ))]);
        }
    })));
    let started = Instant::now();
    let reading = path.clone();
    let loaded = tokio::task::spawn_blocking(move || snapshot::load(&reading, &opts)).await;
    let mut loaded = match loaded {
        Ok(Ok(l)) => l,
        Ok(Err(e)) => {
            let _ = tx
                .send(vec![Event::Notice(inert(&e.to_string()).into_owned())])
                .await;
            return None;
        }
        Err(e) => {
            let _ = tx
                .send(vec![Event::Notice(format!("loading stopped: {e}"))])
                .await;
            return None;
        }
    };
    loaded.info.source = source.to_string();
    let captured_at = loaded.info.captured_at;
    let mut events: Vec<Event> = loaded
        .errors
        .iter()
        .map(|e| Event::Notice(format!("skipped: {}", inert(&e.to_string()))))
        .chain(
            loaded
                .warnings
                .iter()
                .map(|w| Event::Notice(format!("warning: {}", inert(&w.to_string())))),
        )
        .collect();
    let count = loaded.objects.len();
    let kinds = loaded.kind_events();
    events.push(Event::Info(Box::new(loaded.info)));
    if let Some(t) = captured_at {
        events.push(Event::Clock(t));
    }
    events.extend(kinds);
    events.push(Event::Notice(if count == 0 {
        format!("{}: no Kubernetes objects found", inert(&shown))
    } else {
        format!(
            "loaded {count} objects from {} in {:.1} s",
            inert(&shown),
            started.elapsed().as_secs_f64()
        )
    }));
    let _ = tx.send(events).await;
    captured_at
}
