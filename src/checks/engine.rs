//! Runs the catalog over a store and keeps the results indexed so one changed
//! object re-runs only the checks whose subject it is. Checks that read the
//! changed kind indirectly are marked dirty and re-run by `refresh` (the
//! console debounces that; `kready check` runs everything once).

use std::collections::{BTreeSet, HashMap, HashSet};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use k8s_openapi::jiff::Timestamp;

use super::{Category, Check, CheckResult, Ctx, Out, Reach, Scope, Subject, catalog};
use crate::config::Config;
use crate::model::{ObjKey, ObjRef, Object};
use crate::store::{Change, ClusterStore};

/// The annotation that suppresses checks on an object (or a whole namespace
/// when set on the Namespace): a comma-separated list of check ids, `*` for all.
pub use crate::model::pod::annotation::IGNORE as IGNORE_ANNOTATION;

/// Which checks and subjects a run covers (the CLI's filters).
#[derive(Debug, Clone, Default)]
pub struct Selection {
    /// Only results in these namespaces; empty: all.
    pub namespaces: Vec<String>,
    pub categories: Vec<Category>,
    pub checks: Vec<String>,
}

impl Selection {
    /// Whether results in `ns` are selected.
    pub fn includes(&self, ns: &str) -> bool {
        self.namespaces.is_empty() || self.namespaces.iter().any(|n| n == ns)
    }
}

/// The engine owns its copy of the configuration so the console can keep it
/// beside the store for the whole session.
pub struct Engine {
    config: Config,
    selection: Selection,
    now: Option<Timestamp>,
    checks: Vec<&'static Check>,
    /// Subject kind → indexes of the object-scoped checks on that kind.
    by_kind: HashMap<&'static str, Vec<usize>>,
}

/// Results, indexed for incremental updates.
#[derive(Default)]
pub struct Findings {
    /// The results of the object-scoped checks, by the object they ran on
    /// (one entry per object, not per check and object: a large cluster has
    /// 200,000 of the latter).
    per_object: HashMap<ObjKey, SharedResults>,
    /// The results of the cluster-scoped checks, by check id.
    per_check: HashMap<&'static str, SharedResults>,
    /// The results of the namespace-scoped checks, by check id and namespace.
    per_namespace: HashMap<(&'static str, String), SharedResults>,
    /// Checks to re-run everywhere (by index).
    dirty: BTreeSet<usize>,
    /// Checks to re-run in one namespace.
    dirty_in: BTreeSet<(usize, String)>,
    /// Checks on Nodes to re-run on one node (by name: see `Reach`).
    dirty_on: BTreeSet<(usize, String)>,
    /// What changed since `take_changes`, for readers that keep results
    /// of their own up to date (the console's checker).
    changes: FindingChanges,
    /// The checks that could not run when these were evaluated.
    blocked: Arc<super::inputs::Blocked>,
}

/// The difference between the findings at the last `take_changes` and now.
#[derive(Default)]
pub struct FindingChanges {
    /// Per object whose results changed: the results it had at the last
    /// `take_changes` (empty if it had none). The object's results now are
    /// `Findings::of_object`.
    pub objects: HashMap<ObjKey, SharedResults>,
    /// Per namespace-scoped check and namespace re-run there: the results it
    /// had at the last `take_changes`. Its results now are
    /// `Findings::of_namespace`.
    pub namespaces: HashMap<(&'static str, String), SharedResults>,
    /// Cluster- and namespace-scoped checks whose results were all made
    /// anew: their results now are `Findings::of_check`; `namespaces` says
    /// nothing about them.
    pub checks: BTreeSet<&'static str>,
    /// Object-scoped checks re-run over every subject: all their results
    /// now (also among each object's, `Findings::of_object`); `objects`
    /// says nothing about them.
    pub object_checks: HashMap<&'static str, SharedResults>,
}

/// Results as the engine keeps them: shared, so that the console's sorted
/// results hold the same ones.
pub type SharedResults = Vec<Arc<CheckResult>>;

/// What one `evaluate` thread found.
#[derive(Default)]
struct Part {
    per_object: Vec<(ObjKey, SharedResults)>,
    per_check: Vec<(&'static str, SharedResults)>,
    per_namespace: Vec<((&'static str, String), SharedResults)>,
}

impl Engine {
    /// `now` overrides the evaluation time (else the snapshot's capture time,
    /// else the clock).
    pub fn new(config: &Config, selection: Selection, now: Option<Timestamp>) -> Self {
        let checks: Vec<&'static Check> = catalog()
            .iter()
            .copied()
            .filter(|c| config.is_enabled(c.id, c.enabled_by_default))
            .filter(|c| {
                selection.categories.is_empty() || selection.categories.contains(&c.category)
            })
            .filter(|c| selection.checks.is_empty() || selection.checks.iter().any(|id| id == c.id))
            .collect();
        let mut by_kind: HashMap<&'static str, Vec<usize>> = HashMap::new();
        for (i, c) in checks.iter().enumerate() {
            if let Scope::Object { kinds, .. } = c.scope {
                for k in kinds {
                    by_kind.entry(k).or_default().push(i);
                }
            }
        }
        Engine {
            config: config.clone(),
            selection,
            now,
            checks,
            by_kind,
        }
    }

    /// Evaluates as of `now` from here on (the demo replay advances time).
    pub fn set_now(&mut self, now: Option<Timestamp>) {
        self.now = now;
    }

    pub fn config(&self) -> &Config {
        &self.config
    }

    pub fn checks(&self) -> &[&'static Check] {
        &self.checks
    }

    fn ctx<'s>(&'s self, store: &'s ClusterStore) -> Ctx<'s> {
        Ctx {
            store,
            blocked: super::inputs::blocked(store),
            config: &self.config,
            now: self
                .now
                .or(store.info.captured_at)
                .unwrap_or_else(Timestamp::now),
        }
    }

    /// Runs every selected check. Checks are pure functions of the store,
    /// so the work is shared among the CPUs; the results do not depend on
    /// how it was shared.
    pub fn evaluate(&self, store: &ClusterStore) -> Findings {
        let cpus = std::thread::available_parallelism().map_or(1, |n| n.get());
        self.evaluate_on(store, cpus, PARALLEL_MIN_WORK)
    }

    /// `evaluate` with at most `cpus` threads, and one more thread for each
    /// `min_work` units of work.
    fn evaluate_on(&self, store: &ClusterStore, cpus: usize, min_work: usize) -> Findings {
        let ctx = self.ctx(store);
        // Object by object, all checks on its kind in turn: each object is
        // read from memory once instead of once per check. Cluster-scoped
        // checks come first, so the long ones start early.
        let mut kinds: Vec<(&str, &[usize])> = self
            .by_kind
            .iter()
            .map(|(k, v)| (*k, v.as_slice()))
            .collect();
        kinds.sort_unstable();
        let mut work: Vec<Work> = (0..self.checks.len())
            .filter(|&i| matches!(self.checks[i].scope, Scope::Cluster { .. }))
            .map(Work::Cluster)
            .collect();
        let namespaces = store.namespaces();
        for i in 0..self.checks.len() {
            if matches!(self.checks[i].scope, Scope::Namespace { .. }) {
                work.extend(namespaces.iter().map(|ns| Work::Namespace(i, ns)));
            }
        }
        for (kind, indexes) in kinds {
            work.extend(
                store
                    .list(kind)
                    .filter(|o| self.in_scope(o))
                    .map(|o| Work::Object(o, indexes)),
            );
        }
        let workers = cpus.min(work.len() / min_work + 1);
        let next = AtomicUsize::new(0);
        let parts: Vec<Part> = if workers <= 1 {
            vec![self.run_work(&ctx, &work, &next)]
        } else {
            std::thread::scope(|s| {
                let handles: Vec<_> = (0..workers)
                    .map(|_| s.spawn(|| self.run_work(&ctx, &work, &next)))
                    .collect();
                handles
                    .into_iter()
                    .map(|h| h.join().expect("check thread panicked"))
                    .collect()
            })
        };
        let mut f = Findings::default();
        f.per_object
            .reserve(parts.iter().map(|p| p.per_object.len()).sum());
        for part in parts {
            f.per_object.extend(part.per_object);
            f.per_check.extend(part.per_check);
            f.per_namespace.extend(part.per_namespace);
        }
        // A check of objects or namespaces that cannot run says so once.
        for c in &self.checks {
            if let (Some(why), Scope::Object { .. } | Scope::Namespace { .. }) =
                (ctx.blocked.get(c.id), &c.scope)
            {
                let mut out = Out::new(c);
                out.unknown(Subject::cluster(), why);
                f.per_check
                    .insert(c.id, out.results.into_iter().map(Arc::new).collect());
            }
        }
        f.blocked = ctx.blocked.clone();
        f
    }

    /// Whether the checks that cannot run on `store` are others than when
    /// `f` was evaluated: then `f` must be evaluated anew.
    pub fn blocked_changed(&self, store: &ClusterStore, f: &Findings) -> bool {
        *super::inputs::blocked(store) != *f.blocked
    }

    /// Takes chunks of `work` until none is left.
    fn run_work(&self, ctx: &Ctx, work: &[Work], next: &AtomicUsize) -> Part {
        const CHUNK: usize = 64;
        let mut f = Part::default();
        loop {
            let start = next.fetch_add(CHUNK, Ordering::Relaxed);
            let Some(chunk) = work.get(start..(start + CHUNK).min(work.len())) else {
                return f;
            };
            if chunk.is_empty() {
                return f;
            }
            for w in chunk {
                match *w {
                    Work::Cluster(i) => f
                        .per_check
                        .push((self.checks[i].id, self.run_cluster(ctx, i))),
                    Work::Namespace(i, ns) => {
                        let results = self.run_namespace(ctx, i, ns);
                        if !results.is_empty() {
                            f.per_namespace
                                .push(((self.checks[i].id, ns.to_string()), results));
                        }
                    }
                    Work::Object(obj, indexes) => {
                        let near = Near::of(ctx.store, obj);
                        let mut results = Vec::new();
                        for &i in indexes {
                            self.run_near(ctx, i, &near, &mut results);
                        }
                        if !results.is_empty() {
                            results.shrink_to_fit();
                            f.per_object.push((obj.key.clone(), results));
                        }
                    }
                }
            }
        }
    }

    /// Whether object-scoped checks run on `obj` (system namespaces and the
    /// namespace selection).
    fn in_scope(&self, obj: &Object) -> bool {
        let ns = if obj.key.is("Namespace") {
            obj.name()
        } else {
            obj.namespace()
        };
        ns.is_empty()
            || ((self.config.include_system_namespaces || !self.config.is_system_namespace(ns))
                && self.selection.includes(ns))
    }

    /// Runs the object-scoped checks `indexes` on `obj`, adding their
    /// results to the object's; the caller has removed the old ones.
    /// The results of the object-scoped checks `indexes` on one object.
    fn object_results(&self, ctx: &Ctx, indexes: &[usize], obj: &ObjRef) -> SharedResults {
        let mut results = Vec::new();
        if self.in_scope(obj) {
            let near = Near::of(ctx.store, obj);
            for &i in indexes {
                self.run_near(ctx, i, &near, &mut results);
            }
        }
        results
    }

    /// Runs check `i` on `near.obj`, adding its results to `results`.
    fn run_near(&self, ctx: &Ctx, i: usize, near: &Near, results: &mut SharedResults) {
        let Scope::Object { run, .. } = self.checks[i].scope else {
            return;
        };
        if ctx.blocked.contains_key(self.checks[i].id) {
            return; // one `unknown` for the check says why (see `evaluate`)
        }
        let mut out = Out::new(self.checks[i]);
        run(ctx, near.obj, &mut out);
        if !out.results.is_empty() {
            results.extend(self.finish(ctx.store, out.results, Some(near)));
        }
    }

    fn run_namespace(&self, ctx: &Ctx, i: usize, ns: &str) -> SharedResults {
        let Scope::Namespace { run, .. } = self.checks[i].scope else {
            return Vec::new();
        };
        if ctx.blocked.contains_key(self.checks[i].id) {
            return Vec::new();
        }
        let mut out = Out::new(self.checks[i]);
        run(ctx, ns, &mut out);
        self.finish(ctx.store, out.results, None)
    }

    fn run_cluster(&self, ctx: &Ctx, i: usize) -> SharedResults {
        let Scope::Cluster { run } = self.checks[i].scope else {
            return Vec::new();
        };
        let mut out = Out::new(self.checks[i]);
        if let Some(why) = ctx.blocked.get(self.checks[i].id) {
            out.unknown(Subject::cluster(), why);
            return out.results.into_iter().map(Arc::new).collect();
        }
        run(ctx, &mut out);
        self.finish(ctx.store, out.results, None)
    }

    /// Applies the namespace filter, suppressions and severity overrides.
    fn finish(
        &self,
        store: &ClusterStore,
        mut results: Vec<CheckResult>,
        near: Option<&Near>,
    ) -> SharedResults {
        results.retain(|r| {
            let ns = r.subject.scope_namespace();
            if !self.selection.namespaces.is_empty()
                && !ns.is_some_and(|ns| self.selection.includes(ns))
            {
                return false;
            }
            if ns.is_some_and(|ns| self.config.is_disabled_in(r.check, ns)) {
                return false;
            }
            !suppressed(store, r, near)
        });
        for r in &mut results {
            if let Some(sev) = self.config.severity.get(r.check) {
                r.severity = *sev;
            }
            // Kept for the session: 200,000 of them at scale, so no slack.
            r.message.shrink_to_fit();
            r.evidence.shrink_to_fit();
            r.evidence.iter_mut().for_each(String::shrink_to_fit);
        }
        // Shared from here on: the console's results hold the same ones.
        results.into_iter().map(Arc::new).collect()
    }

    /// Re-runs what one change affects: the object-scoped checks on the
    /// changed object now, and marks the checks that read its kind dirty.
    pub fn apply_change(&self, store: &ClusterStore, change: &Change, f: &mut Findings) {
        let ctx = self.ctx(store);
        self.recheck(&ctx, &change.key, f);
        // Whether an object is checked as itself or through its controller
        // depends on which controllers are there: what the changed object
        // controls (a Deployment's ReplicaSets, their pods) is checked anew.
        // Each once: owner references from a hostile file may form a cycle.
        let mut seen: HashSet<ObjKey> = HashSet::from([change.key.clone()]);
        let mut controlled: Vec<ObjKey> = vec![change.key.clone()];
        while let Some(key) = controlled.pop() {
            for child in controlled_by(store, &key) {
                if seen.insert(child.clone()) {
                    self.recheck(&ctx, &child, f);
                    controlled.push(child);
                }
            }
        }
        let is_namespace = change.key.is("Namespace");
        // The namespace the change is in (or is); empty for other
        // cluster-scoped objects.
        let ns = if is_namespace {
            &change.key.name
        } else {
            &change.key.namespace
        };
        for (i, c) in self.checks.iter().enumerate() {
            let reach = c.reach(&change.key.kind, &change.key.namespace);
            if reach == Reach::SubjectNode {
                for node in &change.nodes {
                    f.dirty_on.insert((i, node.clone()));
                }
                continue;
            }
            let reads = reach == Reach::All;
            match c.scope {
                // Only the namespace the change is in.
                Scope::Namespace { across, .. } if reads || is_namespace => {
                    if ns.is_empty() || across.contains(&change.key.kind.as_str()) {
                        f.dirty.insert(i);
                    } else {
                        f.dirty_in.insert((i, ns.to_string()));
                    }
                }
                Scope::Cluster { .. } if reads || is_namespace => {
                    f.dirty.insert(i);
                }
                // Namespaced subjects read what is in their own namespace
                // (owners, selectors, the Namespace itself): only that
                // namespace's re-run. Cluster-scoped subjects (and kinds
                // kready does not know) re-run everywhere.
                Scope::Object {
                    kinds: subjects, ..
                } if reads => {
                    let local = !ns.is_empty()
                        && subjects
                            .iter()
                            .all(|k| crate::model::kinds::namespaced(k) == Some(true));
                    if local {
                        f.dirty_in.insert((i, ns.to_string()));
                    } else {
                        f.dirty.insert(i);
                    }
                }
                _ => {}
            }
        }
    }

    /// Re-runs the object-scoped checks on one object (removed: drops its
    /// results).
    fn recheck(&self, ctx: &Ctx, key: &ObjKey, f: &mut Findings) {
        // A custom resource named like a typed kind is not its subject.
        let Some(indexes) = self
            .by_kind
            .get(key.kind.as_str())
            .filter(|_| key.is(&key.kind))
        else {
            return;
        };
        self.rerun(ctx, indexes, key, f);
    }

    /// Re-runs object-scoped check `i` on the objects of `kinds` in `ns`.
    fn rerun_in(&self, ctx: &Ctx, i: usize, kinds: &[&str], ns: &str, f: &mut Findings) {
        for kind in kinds {
            for obj in ctx.store.list_in(kind, ns) {
                self.rerun(ctx, &[i], &obj.key, f);
            }
        }
    }

    /// Replaces the results of the object-scoped checks `indexes` on one
    /// object with theirs now (none if it is gone).
    fn rerun(&self, ctx: &Ctx, indexes: &[usize], key: &ObjKey, f: &mut Findings) {
        let ids: Vec<&str> = indexes.iter().map(|&i| self.checks[i].id).collect();
        let old = f.per_object.remove(key).unwrap_or_default();
        let new = match ctx.store.get(key) {
            Some(obj) => self.object_results(ctx, indexes, obj),
            None => Vec::new(),
        };
        // A check re-run everywhere since the last `take_changes` keeps
        // its whole result list current.
        for (id, all) in f.changes.object_checks.iter_mut() {
            if ids.contains(id) {
                all.retain(|r| !old.iter().any(|o| Arc::ptr_eq(o, r)));
                all.extend(new.iter().filter(|r| r.check == *id).cloned());
            }
        }
        let kept = old.iter().filter(|r| !ids.contains(&r.check)).cloned();
        let now: SharedResults = kept.chain(new).collect();
        if !now.is_empty() {
            f.per_object.insert(key.clone(), now);
        }
        // Only the first removal since the last `take_changes` holds
        // results a reader has seen.
        f.changes.objects.entry(key.clone()).or_insert(old);
    }

    /// Re-runs the checks marked dirty by `apply_change`.
    pub fn refresh(&self, store: &ClusterStore, f: &mut Findings) {
        let ctx = self.ctx(store);
        let everywhere = std::mem::take(&mut f.dirty);
        for (i, ns) in std::mem::take(&mut f.dirty_in) {
            if everywhere.contains(&i) {
                continue;
            }
            if let Scope::Object { kinds, .. } = self.checks[i].scope {
                self.rerun_in(&ctx, i, kinds, &ns, f);
                continue;
            }
            let key = (self.checks[i].id, ns);
            let results = self.run_namespace(&ctx, i, &key.1);
            let old = if results.is_empty() {
                f.per_namespace.remove(&key)
            } else {
                f.per_namespace.insert(key.clone(), results)
            };
            // Only the first removal holds results a reader has seen.
            f.changes
                .namespaces
                .entry(key)
                .or_insert_with(|| old.unwrap_or_default());
        }
        for (i, node) in std::mem::take(&mut f.dirty_on) {
            if !everywhere.contains(&i) {
                self.rerun(&ctx, &[i], &ObjKey::new("Node", "", &node), f);
            }
        }
        for i in everywhere {
            match self.checks[i].scope {
                Scope::Object { kinds, .. } => {
                    // Only the subjects' results are touched: a pass over
                    // every object's would cost more than the check.
                    let id = self.checks[i].id;
                    let mut all = SharedResults::new();
                    for kind in kinds {
                        for obj in store.list(kind) {
                            if let Some(results) = f.per_object.get_mut(&obj.key) {
                                results.retain(|r| r.check != id);
                                if results.is_empty() {
                                    f.per_object.remove(&obj.key);
                                }
                            }
                            let new = self.object_results(&ctx, &[i], obj);
                            if !new.is_empty() {
                                all.extend(new.iter().cloned());
                                f.per_object.entry(obj.key.clone()).or_default().extend(new);
                            }
                        }
                    }
                    f.changes.object_checks.insert(id, all);
                }
                Scope::Namespace { .. } => {
                    let id = self.checks[i].id;
                    f.changes.checks.insert(id);
                    f.per_namespace.retain(|(check, _), _| *check != id);
                    for ns in store.namespaces() {
                        let results = self.run_namespace(&ctx, i, &ns);
                        if !results.is_empty() {
                            f.per_namespace.insert((id, ns), results);
                        }
                    }
                }
                Scope::Cluster { .. } => {
                    let results = self.run_cluster(&ctx, i);
                    f.changes.checks.insert(self.checks[i].id);
                    f.per_check.insert(self.checks[i].id, results);
                }
            }
        }
    }
}

/// The order of results within one check: subject, message, evidence,
/// status, severity. Results equal in these are equal in every field.
/// The objects whose role may change with `owner`: those it controls, and
/// for a Deployment the pods of its missing ReplicaSets (they are checked
/// through the Deployment their ReplicaSet is named after).
fn controlled_by(store: &ClusterStore, owner: &ObjKey) -> Vec<ObjKey> {
    let mut keys: Vec<ObjKey> = store.children_of(owner).map(|o| o.key.clone()).collect();
    if owner.is("Deployment") {
        keys.extend(
            store
                .list_in("Pod", &owner.namespace)
                .filter(|p| {
                    crate::model::workload::named_deployment(p) == Some(owner.name.as_str())
                })
                .filter(|p| {
                    p.controller_key()
                        .is_some_and(|rs| store.get(&rs).is_none())
                })
                .map(|p| p.key.clone()),
        );
    }
    keys
}

pub fn order(a: &CheckResult, b: &CheckResult) -> std::cmp::Ordering {
    (&a.subject, &a.message, &a.evidence, a.status, a.severity).cmp(&(
        &b.subject,
        &b.message,
        &b.evidence,
        b.status,
        b.severity,
    ))
}

/// Check id → its position in the catalog: results are shown and reported
/// in catalog order.
pub fn catalog_positions() -> HashMap<&'static str, usize> {
    catalog()
        .iter()
        .enumerate()
        .map(|(i, c)| (c.id, i))
        .collect()
}

/// Below this many units of work per extra thread, `evaluate` runs on one.
const PARALLEL_MIN_WORK: usize = 2000;

/// One unit of `evaluate`: a cluster-scoped check, or an object and the
/// indexes of the object-scoped checks on its kind.
enum Work<'a> {
    Cluster(usize),
    Namespace(usize, &'a str),
    Object(&'a ObjRef, &'a [usize]),
}

/// The object a check runs on and its Namespace, so that filtering its
/// results needs no store look-ups in the common case.
struct Near<'a> {
    obj: &'a ObjRef,
    namespace: Option<&'a ObjRef>,
}

impl<'a> Near<'a> {
    fn of(store: &'a ClusterStore, obj: &'a ObjRef) -> Self {
        Near {
            obj,
            namespace: store.get_named("Namespace", "", obj.namespace()),
        }
    }
}

fn suppressed(store: &ClusterStore, r: &CheckResult, near: Option<&Near>) -> bool {
    let lists = |o: Option<&ObjRef>| {
        o.and_then(|o| o.annotations().get(IGNORE_ANNOTATION))
            .is_some_and(|v| {
                v.split(',')
                    .map(str::trim)
                    .any(|id| id == "*" || id == r.check)
            })
    };
    let s = &r.subject;
    let ns = s.namespace.as_deref().unwrap_or("");
    let subject = match near {
        Some(n)
            if n.obj.key.label() == s.kind.as_str()
                && n.obj.key.namespace == ns
                && n.obj.key.name == s.name =>
        {
            Some(n.obj)
        }
        _ => store.get_named(&s.kind, ns, &s.name),
    };
    if lists(subject) {
        return true;
    }
    let Some(ns) = s.namespace.as_deref() else {
        return false;
    };
    lists(match near {
        Some(n) if n.obj.key.namespace == ns => n.namespace,
        _ => store.get_named("Namespace", "", ns),
    })
}

impl Findings {
    pub fn is_dirty(&self) -> bool {
        !self.dirty.is_empty() || !self.dirty_in.is_empty() || !self.dirty_on.is_empty()
    }

    /// What changed since the last call (see `FindingChanges`).
    pub fn take_changes(&mut self) -> FindingChanges {
        std::mem::take(&mut self.changes)
    }

    /// The results of the object-scoped checks on one object.
    pub fn of_object(&self, key: &ObjKey) -> &[Arc<CheckResult>] {
        self.per_object.get(key).map_or(&[], Vec::as_slice)
    }

    /// Every result of one cluster- or namespace-scoped check, unordered.
    pub fn of_check<'a>(&'a self, id: &'a str) -> impl Iterator<Item = &'a Arc<CheckResult>> {
        self.per_check
            .get(id)
            .into_iter()
            .chain(
                self.per_namespace
                    .iter()
                    .filter(move |((check, _), _)| *check == id)
                    .map(|(_, results)| results),
            )
            .flatten()
    }

    /// The results of a namespace-scoped check in one namespace.
    pub fn of_namespace(&self, id: &'static str, ns: &str) -> &[Arc<CheckResult>] {
        self.per_namespace
            .get(&(id, ns.to_string()))
            .map_or(&[], Vec::as_slice)
    }

    /// Every result, unordered.
    pub fn iter(&self) -> impl Iterator<Item = &CheckResult> {
        self.shared().map(|r| &**r)
    }

    /// Every result as the shared form the console's results keep.
    pub fn shared(&self) -> impl Iterator<Item = &Arc<CheckResult>> {
        self.per_object
            .values()
            .chain(self.per_check.values())
            .chain(self.per_namespace.values())
            .flatten()
    }

    /// All results in a stable order: catalog order, then subject, message
    /// and evidence.
    pub fn sorted(&self) -> Vec<&CheckResult> {
        self.sorted_shared().into_iter().map(|r| &**r).collect()
    }

    /// `sorted`, as the shared form the console's results keep.
    pub fn sorted_shared(&self) -> Vec<&Arc<CheckResult>> {
        let positions = catalog_positions();
        // One bucket per check, in catalog order (ids outside the catalog
        // last); the buckets are sorted on all CPUs.
        let mut buckets: Vec<Vec<&Arc<CheckResult>>> = vec![Vec::new(); positions.len() + 1];
        for r in self.shared() {
            let i = positions.get(r.check).copied().unwrap_or(positions.len());
            buckets[i].push(r);
        }
        // Results equal in the order's fields are equal in every field, so
        // the faster unstable sort gives the same order every time.
        let sort =
            |bucket: &mut Vec<&Arc<CheckResult>>| bucket.sort_unstable_by(|a, b| order(a, b));
        let total = self.len();
        let cpus = std::thread::available_parallelism().map_or(1, |n| n.get());
        if cpus > 1 && total >= 10_000 {
            // Two halves of about equal size.
            let mut acc = 0;
            let split = buckets
                .iter()
                .position(|b| {
                    acc += b.len();
                    acc >= total / 2
                })
                .map_or(buckets.len(), |i| i + 1);
            let (first, second) = buckets.split_at_mut(split);
            std::thread::scope(|s| {
                s.spawn(|| first.iter_mut().for_each(sort));
                second.iter_mut().for_each(sort);
            });
        } else {
            buckets.iter_mut().for_each(sort);
        }
        buckets.concat()
    }

    pub fn len(&self) -> usize {
        self.per_object
            .values()
            .chain(self.per_check.values())
            .chain(self.per_namespace.values())
            .map(Vec::len)
            .sum()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::snapshot::{LoadOptions, load};

    /// Sharing the work among threads changes nothing in the results.
    #[test]
    fn parallel_evaluation_matches_sequential() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/demo");
        let store = load(&dir, &LoadOptions::default())
            .expect("demo loads")
            .into_store();
        let config = Config::default();
        let engine = Engine::new(&config, Selection::default(), None);
        let one = engine.evaluate_on(&store, 1, PARALLEL_MIN_WORK);
        assert!(one.len() > 100, "the demo yields results");
        for cpus in [2, 3, 8] {
            // One thread per unit of work: several threads on a small store.
            let many = engine.evaluate_on(&store, cpus, 1);
            assert_eq!(one.sorted(), many.sorted(), "{cpus} threads");
        }
    }
}
