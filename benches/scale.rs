//! Scale benchmarks on a synthetic cluster of the target size (1,000 nodes,
//! 30,000 pods, 3,000 Deployments, 500 namespaces), generated once into a
//! temporary directory by the same generator as `examples/gen_cluster.rs`:
//!
//! - `incremental/pod_status_change`: one Pod's restartCount changes; the
//!   store applies it and `Engine::apply_change` re-runs that pod's checks
//!   (target: < 100 µs median);
//! - `runtime/pod_label_change_to_results`: one Pod's labels change; the
//!   console's checker folds the event, re-runs that pod's checks and the
//!   checks that read pods, and publishes results, scores, gains and every
//!   pane's rows (target: < 50 ms median); it first prints what each re-run
//!   check and each pane's derivation costs;
//! - `full/evaluate`: `Engine::evaluate` over the whole store;
//! - `full/load`: reading and decoding the snapshot and building the store.
//!
//! ```text
//! cargo bench --bench scale
//! KREADY_BENCH_SCALE=0.1 cargo bench --bench scale   # a tenth of the size
//! ```

#[path = "support/cluster_gen.rs"]
mod cluster_gen;

use std::hint::black_box;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group, criterion_main};
use kready::checks::engine::{Engine, Selection};
use kready::config::Config;
use kready::model::{Body, ObjRef, Object};
use kready::runtime::checker::{Checker, DeriveInput, Job};
use kready::runtime::results::Results;
use kready::source::Event;
use kready::source::snapshot::{self, LoadOptions};
use kready::store::{Change, ChangeKind, ClusterStore};

fn params() -> cluster_gen::Params {
    let scale: f64 = std::env::var("KREADY_BENCH_SCALE")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1.0);
    let d = cluster_gen::Params::default();
    let s = |n: usize| ((n as f64 * scale).round() as usize).max(1);
    cluster_gen::Params {
        nodes: s(d.nodes),
        pods: s(d.pods),
        deployments: s(d.deployments),
        namespaces: s(d.namespaces).max(8),
        ..d
    }
}

fn load_store(dir: &Path) -> ClusterStore {
    let loaded = snapshot::load(dir, &LoadOptions::default()).expect("snapshot loads");
    assert!(loaded.errors.is_empty(), "load errors: {:?}", loaded.errors);
    loaded.into_store()
}

/// Peak resident set size of this process so far, from /proc (Linux).
fn peak_rss_mb() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

/// A copy of `pod` whose first container restarted once more.
fn restarted(pod: &Object) -> Object {
    let mut obj = pod.clone();
    if let Body::Pod(p) = &mut obj.body
        && let Some(cs) = p
            .status
            .as_mut()
            .and_then(|s| s.container_statuses.as_mut())
            .and_then(|c| c.first_mut())
    {
        cs.restart_count += 1;
    }
    obj
}

/// A copy of `pod` with one more label.
fn relabelled(pod: &Object) -> Object {
    let mut obj = pod.clone();
    obj.meta
        .labels
        .get_or_insert_with(Default::default)
        .insert("kready.io/bench".into(), "1".into());
    obj
}

/// The change notice of a pod applied in place (on the node it is bound to).
fn applied(pod: &ObjRef) -> Change {
    let node = pod
        .typed::<kready::model::pod::Pod>()
        .and_then(|p| p.spec.as_ref()?.node_name.clone());
    Change {
        key: pod.key.clone(),
        kind: ChangeKind::Applied,
        version: 0,
        nodes: node.into_iter().collect(),
    }
}

/// Prints what each check that a pod change marks dirty costs to re-run.
fn profile_dirty_checks(store: &ClusterStore, config: &Config, pod: &ObjRef) {
    let change = applied(pod);
    let all = Engine::new(config, Selection::default(), None);
    let mut costs = Vec::new();
    for check in all.checks() {
        let one = Engine::new(
            config,
            Selection {
                checks: vec![check.id.to_string()],
                ..Default::default()
            },
            None,
        );
        let mut f = one.evaluate(store);
        one.apply_change(store, &change, &mut f);
        if !f.is_dirty() {
            continue;
        }
        let t = Instant::now();
        one.refresh(store, &mut f);
        costs.push((t.elapsed(), check.id));
    }
    costs.sort();
    costs.reverse();
    let total: Duration = costs.iter().map(|(d, _)| *d).sum();
    eprintln!(
        "a pod change re-runs {} checks, {total:.2?} in all:",
        costs.len()
    );
    for (d, id) in costs {
        eprintln!("  {d:>10.2?}  {id}");
    }
}

/// Prints what each pane's derivation costs after one evaluation.
fn profile_derivations(store: &ClusterStore, config: &Config) {
    let findings = Engine::new(config, Selection::default(), None).evaluate(store);
    let results = Results::new(&findings);
    let input = DeriveInput {
        store,
        results: &results,
        config,
        now: store
            .info
            .captured_at
            .unwrap_or_else(k8s_openapi::jiff::Timestamp::now),
    };
    for (slug, derive) in kready::ui::panes::derivations() {
        // The second run is what an evaluation pays once caches are warm.
        let _ = derive(&input);
        let t = Instant::now();
        black_box(derive(&input));
        eprintln!("  {:>10.2?}  derive {slug}", t.elapsed());
    }
}

fn scale(c: &mut Criterion) {
    let p = params();
    let tmp = tempfile::tempdir().expect("temp dir");
    let dir = tmp.path().join("cluster");
    let t = Instant::now();
    let stats = cluster_gen::generate(&p, &dir).expect("generate cluster");
    eprintln!(
        "generated {} objects ({} nodes, {} namespaces, {} Deployments, {} Pods), {:.1} MB in {} files, in {:.2?}",
        stats.objects,
        stats.nodes,
        stats.namespaces,
        stats.deployments,
        stats.pods,
        stats.bytes as f64 / 1e6,
        stats.files,
        t.elapsed()
    );

    let t = Instant::now();
    let loaded = snapshot::load(&dir, &LoadOptions::default()).expect("snapshot loads");
    let t_load = t.elapsed();
    let t = Instant::now();
    let mut store = loaded.into_store();
    let t_store = t.elapsed();
    let config = Config::default();
    let engine = Engine::new(&config, Selection::default(), None);
    let t = Instant::now();
    let mut findings = engine.evaluate(&store);
    let t_eval = t.elapsed();
    eprintln!(
        "one-off: load {t_load:.2?}, into_store {t_store:.2?}, evaluate {t_eval:.2?} \
         ({} checks, {} results); peak RSS {:.0} MB",
        engine.checks().len(),
        findings.len(),
        peak_rss_mb().unwrap_or(f64::NAN)
    );

    // (a) Incremental: one pod's status changes.
    let pod: ObjRef = store
        .list("Pod")
        .find(|p| {
            !p.namespace().starts_with("kube-")
                && p.controller().is_some_and(|(k, _)| k == "ReplicaSet")
        })
        .expect("a Deployment pod")
        .clone();
    let versions = [Arc::new(restarted(&pod)), pod.clone()];
    let change = applied(&pod);
    let mut g = c.benchmark_group("incremental");
    let mut i = 0usize;
    g.bench_function("pod_status_change", |b| {
        b.iter(|| {
            i += 1;
            store.apply(versions[i % 2].clone());
            engine.apply_change(&store, black_box(&change), &mut findings);
        })
    });
    g.bench_function("apply_change_only", |b| {
        b.iter(|| engine.apply_change(&store, black_box(&change), &mut findings))
    });
    g.finish();

    // (b) The console's path for one pod whose labels change: the event
    // reaches the checker's store, its checks and the checks that read pods
    // re-run, and the results, scores and gains are published.
    let relabelled = [Arc::new(relabelled(&pod)), pod.clone()];
    let mut checker = Checker::new(&store, &config, None);
    checker.run(Job::Derivations(kready::ui::panes::derivations()));
    checker.run(Job::Evaluate);
    profile_dirty_checks(&store, &config, &relabelled[0]);
    profile_derivations(&store, &config);
    let mut g = c.benchmark_group("runtime");
    let mut i = 0usize;
    g.bench_function("pod_label_change_to_results", |b| {
        b.iter(|| {
            i += 1;
            let event = Event::Apply(relabelled[i % 2].clone());
            checker.run(Job::Events(vec![event]));
            black_box(checker.run(Job::Evaluate).expect("results changed"))
        })
    });
    g.finish();

    // (b), (c) Full passes: few samples, they take around a second each.
    let mut g = c.benchmark_group("full");
    g.sample_size(10)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(10));
    // Dropping 180,000 results or a whole store is not part of the work.
    g.bench_function("evaluate", |b| {
        b.iter_with_large_drop(|| engine.evaluate(&store))
    });
    g.bench_function("load", |b| b.iter_with_large_drop(|| load_store(&dir)));
    g.finish();
}

criterion_group!(benches, scale);
criterion_main!(benches);
