//! One status per kind when a kind is watched in several namespaces (`-n`,
//! or the fallback to the context's namespace): each watcher reports its
//! own, and the kind's is what they say together.

use std::collections::{BTreeMap, HashMap};
use std::sync::Mutex;

use crate::store::KindStatus;

type Watchers = BTreeMap<Option<String>, KindStatus>;

/// Statuses by kind and group, then by the namespace watched (`None`: all).
#[derive(Default)]
pub struct Board(Mutex<HashMap<(String, String), Watchers>>);

impl Board {
    /// Records what one watcher says; returns the kind's status.
    pub fn report(
        &self,
        kind: &str,
        group: &str,
        namespace: Option<&str>,
        status: KindStatus,
    ) -> KindStatus {
        let mut all = self.0.lock().unwrap_or_else(|e| e.into_inner());
        let watchers = all
            .entry((kind.to_string(), group.to_string()))
            .or_default();
        watchers.insert(namespace.map(str::to_string), status);
        combine(watchers)
    }

    /// A watcher that stopped (replaced by narrower ones) says nothing more.
    pub fn forget(&self, kind: &str, group: &str, namespace: Option<&str>) {
        let mut all = self.0.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(w) = all.get_mut(&(kind.to_string(), group.to_string())) {
            w.remove(&namespace.map(str::to_string));
        }
    }
}

/// Still listing while any watcher is (with the count so far); else the
/// first refusal or error, naming its namespace; else ready.
fn combine(watchers: &Watchers) -> KindStatus {
    let seen: Option<usize> = watchers
        .values()
        .filter_map(|s| match s {
            KindStatus::Syncing { seen } => Some(*seen),
            _ => None,
        })
        .reduce(|a, b| a + b);
    if let Some(seen) = seen {
        return KindStatus::Syncing { seen };
    }
    let several = watchers.len() > 1;
    let place = |ns: &Option<String>| match ns {
        Some(ns) if several => format!("in {ns}: "),
        _ => String::new(),
    };
    for (ns, s) in watchers {
        match s {
            KindStatus::Error { reason, retry_at } => {
                return KindStatus::Error {
                    reason: format!("{}{reason}", place(ns)),
                    retry_at: *retry_at,
                };
            }
            KindStatus::Forbidden(why) => {
                return KindStatus::Forbidden(format!("{}{why}", place(ns)));
            }
            _ => {}
        }
    }
    KindStatus::Ready
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_kind_is_ready_when_every_namespace_is() {
        let b = Board::default();
        let ns = |n: &str| Some(n.to_string());
        let s = |b: &Board, n: &str, st| b.report("Pod", "", ns(n).as_deref(), st);
        assert_eq!(
            s(&b, "a", KindStatus::Syncing { seen: 3 }),
            KindStatus::Syncing { seen: 3 }
        );
        assert_eq!(
            s(&b, "b", KindStatus::Syncing { seen: 4 }),
            KindStatus::Syncing { seen: 7 }
        );
        assert_eq!(
            s(&b, "a", KindStatus::Ready),
            KindStatus::Syncing { seen: 4 }
        );
        assert_eq!(
            s(&b, "b", KindStatus::Forbidden("no".into())),
            KindStatus::Forbidden("in b: no".into())
        );
        assert_eq!(s(&b, "b", KindStatus::Ready), KindStatus::Ready);
        b.forget("Pod", "", Some("b"));
        assert_eq!(s(&b, "a", KindStatus::Ready), KindStatus::Ready);
    }
}
