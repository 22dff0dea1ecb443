//! The console shows text from the cluster inert: a name with terminal
//! escapes or a bidi override appears escaped (`\x1b`) in tables, titles,
//! the header and detail views, instead of being dropped by ratatui (control
//! characters) or passed to the terminal (bidi overrides).

use std::path::{Path, PathBuf};

use kready::config::Config;
use kready::config::keymap::Keymap;
use kready::config::theme::Theme;
use kready::runtime::Model;
use kready::source::snapshot::{self, LoadOptions};
use kready::ui::panes::readiness;
use kready::ui::state::State;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use serde_json::json;

const NAME: &str = "web\u{1b}]0;pwned\u{7}\u{202e}x";
const CONTEXT: &str = "ctx\u{1b}[2J";
const MESSAGE: &str = "Back-off\u{1b}[31m restarting\u{202e} failed container";

/// One JSON document per YAML document; C1 controls escaped for YAML.
fn write_snapshot(path: &Path) {
    let docs = [
        json!({"apiVersion": "kready.io/v1", "kind": "SnapshotInfo",
               "metadata": {"name": "hostile"}, "capturedAt": "2026-11-20T12:00:00Z",
               "context": CONTEXT}),
        json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "shop"}}),
        json!({"apiVersion": "apps/v1", "kind": "Deployment",
               "metadata": {"name": NAME, "namespace": "shop"},
               "spec": {"replicas": 1, "selector": {"matchLabels": {"app": "x"}},
                        "template": {"metadata": {"labels": {"app": "x"}},
                                     "spec": {"containers": [{"name": "app", "image": "app:1"}]}}}}),
        json!({"apiVersion": "v1", "kind": "Node", "metadata": {"name": NAME},
               "status": {"conditions": [{"type": "Ready", "status": "True"}]}}),
        json!({"apiVersion": "v1", "kind": "Event",
               "metadata": {"name": "e1", "namespace": "shop"},
               "involvedObject": {"kind": "Deployment", "namespace": "shop", "name": NAME},
               "reason": "BackOff", "message": MESSAGE, "type": "Warning", "count": 3,
               "lastTimestamp": "2026-11-20T11:59:00Z"}),
    ];
    let text: String = docs.iter().map(|d| format!("---\n{d}\n")).collect();
    std::fs::write(path, text).unwrap();
}

/// Each pane at 160×48 (tall enough for the detail views), as text.
fn screens() -> Vec<(&'static str, String)> {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("cluster.yaml");
    write_snapshot(&file);
    let store = snapshot::load(&file, &LoadOptions::default())
        .unwrap()
        .into_store();
    let model = Model::new(store, &Config::default(), None);
    let mut state = State::new(
        Keymap::default(),
        Theme::monochrome(),
        PathBuf::from("/tmp"),
    );
    // Findings about the hostile objects only, so the detail shows one.
    state.pane_mut::<readiness::State>().nav.filter = "pwned".into();
    (0..state.panes.len())
        .map(|i| {
            state.active = i;
            let pane = state.active_slug();
            let mut t = Terminal::new(TestBackend::new(160, 48)).unwrap();
            t.draw(|f| kready::ui::draw(f, &state, &model)).unwrap();
            let buf = t.backend().buffer();
            let text: String = buf
                .content()
                .chunks(buf.area.width as usize)
                .map(|row| row.iter().map(|c| c.symbol()).collect::<String>() + "\n")
                .collect();
            (pane, text)
        })
        .collect()
}

#[test]
fn cluster_text_is_shown_escaped_in_every_pane() {
    let screens = screens();
    for (pane, text) in &screens {
        for c in text.chars() {
            let bidi =
                ('\u{202a}'..='\u{202e}').contains(&c) || ('\u{2066}'..='\u{2069}').contains(&c);
            assert!(
                c == '\n' || !(c.is_control() || bidi),
                "{pane:?}: raw {c:?}\n{text}"
            );
        }
        assert!(
            text.contains("ctx\\x1b[2J"),
            "{pane:?}: context in the header\n{text}"
        );
    }
    let screen = |p: &str| &screens.iter().find(|(q, _)| *q == p).unwrap().1;
    // Table cells, and the detail of the selected finding.
    let readiness = screen("readiness");
    assert!(
        readiness.matches("web\\x1b]0;pwned").count() >= 2,
        "{readiness}"
    );
    assert!(
        readiness.contains("Deployment shop/web\\x1b]0;pwned\\x07\\u{202e}x"),
        "the detail names the subject in full\n{readiness}"
    );
    assert!(
        screen("nodes").contains("web\\x1b]0;pwned"),
        "{}",
        screen("nodes")
    );
    let events = screen("events");
    assert!(
        events.contains("Back-off\\x1b[31m restarting\\u{202e}"),
        "{events}"
    );
}
