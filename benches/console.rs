//! Console benchmarks: one full frame of the Readiness pane holding ~30,000
//! findings at 160×48 with nothing changed, the first frame of every pane
//! after an evaluation (its rows derived by the checker, the view filtered
//! on the loop), each pane's derivation on the checker, and
//! keypress-to-frame latency while 500 pod changes per second stream in
//! (125 per 250 ms tick; the checks re-run on the checker's thread).
//!
//!     cargo bench --bench console
//!
//! The synthetic cluster: bare pods with none of the good practices (no
//! requests, no probes, `:latest`, no securityContext…), spread over 40
//! namespaces, enough of them for ~30,000 failing results.

use std::hint::black_box;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group, criterion_main};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use serde_json::json;

use kready::checks::Status;
use kready::config::Config;
use kready::config::keymap::Keymap;
use kready::config::theme::Theme;
use kready::model::ObjRef;
use kready::runtime::Model;
use kready::source::Event;
use kready::source::decode::decode;
use kready::store::{ClusterInfo, ClusterStore};
use kready::ui::panes;
use kready::ui::state::{Msg, State, update};

const NAMESPACES: usize = 40;
/// Findings the Readiness pane should hold.
const TARGET_FINDINGS: usize = 30_000;
/// Pod changes per second, and per 250 ms tick.
const CHANGES_PER_SEC: usize = 500;
const PER_TICK: usize = CHANGES_PER_SEC / 4;

fn pod(i: usize, restarts: u64) -> ObjRef {
    let ns = format!("team-{:02}", i % NAMESPACES);
    let v = json!({
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {
            "name": format!("worker-{i:05}"),
            "namespace": ns,
            "uid": format!("00000000-0000-0000-0000-{i:012}"),
            "labels": {"app": format!("worker-{}", i % 500)},
            "creationTimestamp": "2026-11-01T00:00:00Z"
        },
        "spec": {
            "nodeName": format!("node-{}", i % 20),
            "containers": [{
                "name": "app",
                "image": "registry.example.com/worker:latest",
                "env": [{"name": "DB_PASSWORD", "value": "hunter2"}]
            }]
        },
        "status": {
            "phase": "Running",
            "startTime": "2026-11-01T00:00:00Z",
            "conditions": [{"type": "Ready", "status": "True"}],
            "containerStatuses": [{
                "name": "app", "ready": true, "restartCount": restarts,
                "image": "registry.example.com/worker:latest", "imageID": "",
                "state": {"running": {"startedAt": "2026-11-01T00:00:00Z"}}
            }]
        }
    });
    Arc::new(decode(v, None).expect("synthetic pod decodes"))
}

fn node(i: usize) -> ObjRef {
    let v = json!({
        "apiVersion": "v1", "kind": "Node",
        "metadata": {"name": format!("node-{i}"), "uid": format!("node-{i}"),
                     "labels": {"topology.kubernetes.io/zone": format!("eu-west-1{}", ["a", "b", "c"][i % 3])},
                     "creationTimestamp": "2026-01-01T00:00:00Z"},
        "status": {
            "conditions": [{"type": "Ready", "status": "True", "lastTransitionTime": "2026-01-01T00:00:00Z"}],
            "capacity": {"cpu": "16", "memory": "64Gi", "pods": "110"},
            "allocatable": {"cpu": "15", "memory": "60Gi", "pods": "110"},
            "nodeInfo": {"kubeletVersion": "v1.33.4"}
        }
    });
    Arc::new(decode(v, None).expect("synthetic node decodes"))
}

fn namespace(i: usize) -> ObjRef {
    let v = json!({"apiVersion": "v1", "kind": "Namespace",
                   "metadata": {"name": format!("team-{i:02}"), "uid": format!("ns-{i}")}});
    Arc::new(decode(v, None).expect("synthetic namespace decodes"))
}

fn store(pods: usize) -> ClusterStore {
    let mut s = ClusterStore::new(ClusterInfo {
        source: "bench".into(),
        name: "synthetic".into(),
        captured_at: Some("2026-11-20T09:30:00Z".parse().unwrap()),
        ..Default::default()
    });
    for i in 0..NAMESPACES {
        s.apply(namespace(i));
    }
    for i in 0..20 {
        s.apply(node(i));
    }
    for i in 0..pods {
        s.apply(pod(i, 0));
    }
    s
}

fn findings(model: &Model) -> usize {
    model
        .results
        .iter()
        .filter(|r| r.status != Status::Pass)
        .count()
}

/// A model whose Readiness pane holds about TARGET_FINDINGS findings.
fn model() -> Model {
    // findings grow linearly with pods: fit a + b·n on two small probes.
    let at = |n: usize| findings(&Model::new(store(n), &Config::default(), None)) as f64;
    let (f1, f2) = (at(200), at(400));
    let per_pod = (f2 - f1) / 200.0;
    let pods = ((TARGET_FINDINGS as f64 - (f1 - per_pod * 200.0)) / per_pod).ceil() as usize;
    // As the console has it: the checker derives the panes' rows.
    let m =
        Model::new(store(pods), &Config::default(), None).with_derivations(panes::derivations());
    eprintln!(
        "synthetic cluster: {pods} pods, {} results, {} findings in the Readiness pane",
        m.results.len(),
        findings(&m)
    );
    m
}

fn state(pane: &str) -> State {
    let theme = Theme::parse("dark", include_str!("../themes/dark.toml")).expect("dark theme");
    let mut st = State::new(Keymap::default(), theme, PathBuf::from("/tmp"));
    assert!(st.show(pane), "{pane} is a pane");
    st.size = (160, 48);
    st
}

fn key(code: KeyCode) -> Msg {
    Msg::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

fn benches(c: &mut Criterion) {
    let mut model = model();
    let pods = model.store.count("Pod");
    let mut st = state("readiness");
    let mut term = Terminal::new(TestBackend::new(160, 48)).unwrap();
    term.draw(|f| kready::ui::draw(f, &st, &model)).unwrap();

    let mut g = c.benchmark_group("console");
    g.sample_size(50);
    g.measurement_time(Duration::from_secs(10));

    // A redraw with nothing changed (cursor moves, resize, the 16 ms frame).
    g.bench_function("readiness_frame_160x48_30k", |b| {
        b.iter(|| {
            term.draw(|f| kready::ui::draw(f, &st, &model)).unwrap();
        })
    });
    // The first frame after the results changed: the row cache is rebuilt
    // (filter + sort of every result).
    g.bench_function("readiness_frame_160x48_30k_after_change", |b| {
        b.iter(|| {
            model.generation += 1;
            term.draw(|f| kready::ui::draw(f, &st, &model)).unwrap();
        })
    });
    // Every pane's first frame after an evaluation: a new generation (the
    // checker's rows for it are in the model), then one frame. What is left
    // on the loop is filtering and formatting, plus the whole derivation
    // for the panes that still derive in `draw`.
    for i in 0..st.panes.len() {
        let mut pane_state = state("readiness");
        pane_state.active = i;
        let slug = pane_state.active_slug();
        term.draw(|f| kready::ui::draw(f, &pane_state, &model))
            .unwrap();
        g.bench_function(format!("first_frame_after_evaluation_160x48_{slug}"), |b| {
            b.iter(|| {
                model.generation += 1;
                term.draw(|f| kready::ui::draw(f, &pane_state, &model))
                    .unwrap();
            })
        });
    }
    // The same rows, derived on the checker's thread after an evaluation.
    for (slug, derive) in panes::derivations() {
        g.bench_function(format!("checker_derive_{slug}"), |b| {
            b.iter(|| black_box(derive(&model.derive_input())))
        });
    }
    // A keypress: update + draw.
    g.bench_function("keypress_down_update_draw", |b| {
        b.iter(|| {
            update(&mut st, &mut model, key(KeyCode::Down));
            term.draw(|f| kready::ui::draw(f, &st, &model)).unwrap();
        })
    });

    // One tick's worth of changes at 500/s: 125 pod updates.
    let mut round = 0u64;
    let mut batch = move || {
        round += 1;
        (0..PER_TICK)
            .map(|j| pod((round as usize * PER_TICK + j) % pods, round))
            .collect::<Vec<ObjRef>>()
    };
    // The checker's work per tick (on its own thread in the console): the
    // changes (engine.apply_change per pod), then the dirty checks re-run
    // and the results sorted. It bounds how fresh the results are, not
    // how soon a key is answered.
    {
        let (mut applied, mut evaluated) = (Duration::ZERO, Duration::ZERO);
        for _ in 0..20 {
            let objs = batch();
            let t = Instant::now();
            model.apply_events(objs.into_iter().map(Event::Apply).collect());
            applied += t.elapsed();
            let t = Instant::now();
            black_box(model.refresh());
            evaluated += t.elapsed();
        }
        eprintln!(
            "checker per tick (mean of 20, inline): apply {PER_TICK} changes {:?}, evaluate {:?}",
            applied / 20,
            evaluated / 20
        );
    }
    g.bench_function("checker_tick_125_pod_changes", |b| {
        b.iter(|| {
            model.apply_events(batch().into_iter().map(Event::Apply).collect());
            black_box(model.refresh());
        })
    });

    // What a keypress can wait for on the event loop while 500 changes/s
    // stream in, with the checker on its thread as in the console: a
    // batch of changes arriving (store apply, forwarded to the checker),
    // an evaluation arriving (taken in, first frame after the change),
    // then the key itself (update + draw) — back to back, the worst case.
    let mut evaluations = model.run_checks_in_background().expect("checker thread");
    g.bench_function("keypress_worst_case_under_500_changes_per_sec", |b| {
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            for _ in 0..iters {
                let objs = batch();
                let t = Instant::now();
                model.apply_events(objs.into_iter().map(Event::Apply).collect());
                model.refresh();
                total += t.elapsed();
                let e = evaluations.blocking_recv().expect("an evaluation");
                let t = Instant::now();
                model.accept(e);
                term.draw(|f| kready::ui::draw(f, &st, &model)).unwrap();
                update(&mut st, &mut model, key(KeyCode::Down));
                term.draw(|f| kready::ui::draw(f, &st, &model)).unwrap();
                total += t.elapsed();
            }
            total
        })
    });
    g.finish();
}

criterion_group!(console, benches);
criterion_main!(console);
