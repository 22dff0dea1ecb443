//! Derived data cached on the store: an index or sum that readers (checks,
//! panes) would otherwise rebuild from every object on each evaluation is
//! built once and kept while the stamp of what it was built from holds.
//!
//! Stamps come from one process-wide counter, so a stamp names one state of
//! the store's data whichever store (or replica) holds it.

use std::any::{Any, TypeId};
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

static NEXT_STAMP: AtomicU64 = AtomicU64::new(1);

/// A stamp no earlier change had.
pub(super) fn next_stamp() -> u64 {
    NEXT_STAMP.fetch_add(1, Ordering::Relaxed)
}

type Entry = (u64, Arc<dyn Any + Send + Sync>);
/// Per type, values by key (looked up by `&str`, without allocating).
type Values = HashMap<TypeId, HashMap<String, Entry>>;

/// Values by type and key, each with the stamp it was built at.
#[derive(Default)]
pub(super) struct Memo {
    values: Mutex<Values>,
}

impl Memo {
    pub(super) fn get_or_build<T: Any + Send + Sync>(
        &self,
        key: &str,
        stamp: u64,
        build: impl FnOnce() -> T,
    ) -> Arc<T> {
        let id = TypeId::of::<T>();
        if let Some((s, v)) = self.lock().get(&id).and_then(|m| m.get(key))
            && *s == stamp
            && let Ok(v) = Arc::clone(v).downcast::<T>()
        {
            return v;
        }
        // Built outside the lock: two threads may both build it once.
        let v = Arc::new(build());
        self.lock()
            .entry(id)
            .or_default()
            .insert(key.to_string(), (stamp, v.clone()));
        v
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Values> {
        // A panic while holding the lock leaves a map of complete entries.
        self.values.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl Clone for Memo {
    /// A replica starts with the same cached values: same stamps, same data.
    fn clone(&self) -> Memo {
        Memo {
            values: Mutex::new(self.lock().clone()),
        }
    }
}
