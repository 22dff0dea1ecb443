//! The console's results kept up to date incrementally (`runtime::Results`)
//! are, after every change, exactly the full sort of the findings: same
//! order, same scores, same gains. Driven by the demo and its replay.

use std::path::Path;

use kready::checks::engine::{Engine, Selection};
use kready::checks::score;
use kready::config::Config;
use kready::runtime::Results;
use kready::source::demo::load_steps;
use kready::source::snapshot::{self, LoadOptions};

#[test]
fn incremental_results_match_a_full_sort_after_every_step() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut store = snapshot::load(&root.join("assets/demo"), &LoadOptions::default())
        .expect("demo loads")
        .into_store();
    let changes = store.subscribe();
    let start = store.info.captured_at.expect("capture time");
    let steps = load_steps(&root.join("assets/demo-replay"), start).expect("timeline");
    let config = Config::default();
    let mut engine = Engine::new(&config, Selection::default(), None);
    let mut findings = engine.evaluate(&store);
    let mut results = Results::new(&findings);
    assert!(results.len() > 500);

    let mut updated = 0;
    for step in steps {
        let file = step.file.clone();
        for event in step.events() {
            if let Some(kready::source::Event::Clock(t)) = event.apply_to(&mut store) {
                engine.set_now(Some(t));
            }
        }
        for change in changes.try_iter() {
            engine.apply_change(&store, &change, &mut findings);
        }
        engine.refresh(&store, &mut findings);
        let changed = findings.take_changes();
        if results.update(&findings, changed, &mut Vec::new()) {
            updated += 1;
        }

        let full: Vec<_> = findings.sorted().into_iter().cloned().collect();
        let kept: Vec<_> = results.iter().cloned().collect();
        assert_eq!(kept.len(), full.len(), "{file:?}: as many results");
        assert!(kept == full, "{file:?}: same results in the same order");
        for (i, r) in full.iter().enumerate().step_by(97) {
            assert_eq!(
                results.get(i).map(|a| &**a),
                Some(r),
                "{file:?}: result {i}"
            );
        }
        assert_eq!(results.get(full.len()), None);
        let scores = score::score(&full);
        assert_eq!(results.scores().overall, scores.overall, "{file:?}");
        assert_eq!(results.scores().categories, scores.categories, "{file:?}");
        assert_eq!(results.gains(8), score::top_gains(&full, 8), "{file:?}");
    }
    assert!(updated >= 8, "every step moves some result ({updated})");
}
