//! Heap held per kind after loading a snapshot (a memory investigation aid).
//!
//!   cargo run --release --example heap_by_kind -- DIR
//!
//! Counts live heap bytes with a wrapping global allocator, then deletes
//! one kind at a time from the store and reports what each freed.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicIsize, Ordering};

use kready::source::snapshot::{self, LoadOptions};

struct Counting;
static LIVE: AtomicIsize = AtomicIsize::new(0);
static PEAK: AtomicIsize = AtomicIsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, l: Layout) -> *mut u8 {
        let n = LIVE.fetch_add(l.size() as isize, Ordering::Relaxed) + l.size() as isize;
        PEAK.fetch_max(n, Ordering::Relaxed);
        unsafe { System.alloc(l) }
    }
    unsafe fn dealloc(&self, p: *mut u8, l: Layout) {
        LIVE.fetch_sub(l.size() as isize, Ordering::Relaxed);
        unsafe { System.dealloc(p, l) }
    }
}

#[global_allocator]
static A: Counting = Counting;

fn mb(n: isize) -> f64 {
    n as f64 / 1e6
}

fn main() {
    let dir = std::env::args().nth(1).expect("usage: heap_by_kind DIR");
    let loaded = snapshot::load(dir.as_ref(), &LoadOptions::default()).expect("load");
    println!(
        "after load: live {:.1} MB, peak {:.1} MB",
        mb(LIVE.load(Ordering::Relaxed)),
        mb(PEAK.load(Ordering::Relaxed))
    );
    let mut store = loaded.into_store();
    println!(
        "store: live {:.1} MB, peak {:.1} MB",
        mb(LIVE.load(Ordering::Relaxed)),
        mb(PEAK.load(Ordering::Relaxed))
    );
    let engine = kready::checks::engine::Engine::new(
        &kready::config::Config::default(),
        Default::default(),
        None,
    );
    let before = LIVE.load(Ordering::Relaxed);
    let findings = engine.evaluate(&store);
    println!(
        "findings: {} results, {:.1} MB, peak {:.1} MB",
        findings.len(),
        mb(LIVE.load(Ordering::Relaxed) - before),
        mb(PEAK.load(Ordering::Relaxed))
    );
    let before = LIVE.load(Ordering::Relaxed);
    let sorted = findings.sorted();
    println!(
        "sorted: {:.1} MB",
        mb(LIVE.load(Ordering::Relaxed) - before)
    );
    drop(sorted);
    drop(findings);
    // What the console holds besides the store: its model (a replica of
    // the store's maps, the checker with its own replica, engine findings
    // and sorted results) and the panes' derived rows.
    let before = LIVE.load(Ordering::Relaxed);
    let model = kready::runtime::Model::new(store.replica(), &Default::default(), None);
    println!(
        "console model (replica, checker, results): {:.1} MB",
        mb(LIVE.load(Ordering::Relaxed) - before)
    );
    let before = LIVE.load(Ordering::Relaxed);
    let model = model.with_derivations(kready::ui::panes::derivations());
    println!(
        "derived rows of every pane: {:.1} MB",
        mb(LIVE.load(Ordering::Relaxed) - before)
    );
    drop(model);
    let mut kinds: Vec<String> = store.kinds();
    kinds.sort();
    let mut rows = Vec::new();
    for kind in kinds {
        let keys: Vec<_> = store.list(&kind).map(|o| o.key.clone()).collect();
        let before = LIVE.load(Ordering::Relaxed);
        for k in &keys {
            store.delete(k);
        }
        let freed = before - LIVE.load(Ordering::Relaxed);
        rows.push((freed, kind, keys.len()));
    }
    rows.sort_by_key(|r| std::cmp::Reverse(r.0));
    for (freed, kind, n) in rows {
        println!(
            "{kind:28} {n:7} objects {:9.1} MB {:8} B/object",
            mb(freed),
            freed / n.max(1) as isize
        );
    }
    println!("left: {:.1} MB", mb(LIVE.load(Ordering::Relaxed)));
}
