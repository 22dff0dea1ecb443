//! Rendering of every pane at 80×24 and 160×48 (insta text snapshots), the
//! severity cells' styles, the too-small notice, and the pure `update`.

use std::path::{Path, PathBuf};

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use kready::config::Config;
use kready::config::keymap::Keymap;
use kready::config::theme::Theme;
use kready::runtime::Model;
use kready::source::snapshot::{self, LoadOptions};
use kready::ui::panes::readiness;
use kready::ui::state::{Effect, Msg, State, update};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;

fn demo_model() -> Model {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/demo");
    let store = snapshot::load(&dir, &LoadOptions::default())
        .unwrap()
        .into_store();
    Model::new(store, &Config::default(), None)
}

fn dark() -> Theme {
    Theme::load("dark", None).unwrap()
}

fn render(state: &State, model: &Model, w: u16, h: u16) -> Buffer {
    let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
    t.draw(|f| kready::ui::draw(f, state, model)).unwrap();
    t.backend().buffer().clone()
}

fn text(buf: &Buffer) -> String {
    let w = buf.area.width as usize;
    buf.content()
        .chunks(w)
        .map(|row| {
            row.iter()
                .map(|c| c.symbol())
                .collect::<String>()
                .trim_end()
                .to_string()
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn key(c: char) -> Msg {
    Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE))
}

fn code(c: KeyCode) -> Msg {
    Msg::Key(KeyEvent::new(c, KeyModifiers::NONE))
}

#[test]
fn every_pane_at_both_sizes() {
    let model = demo_model();
    let mut state = State::new(
        Keymap::default(),
        Theme::monochrome(),
        PathBuf::from("/tmp"),
    );
    for i in 0..state.panes.len() {
        state.active = i;
        let pane = state.active_pane();
        let (title, short, slug) = (pane.title(), pane.short_title(), pane.slug());
        for (w, h) in [(80, 24), (160, 48)] {
            let t = text(&render(&state, &model, w, h));
            assert!(t.contains(short) || t.contains(title), "{title} tab");
            insta::assert_snapshot!(format!("{slug}_{w}x{h}"), t);
        }
    }
}

#[test]
fn severity_cells_carry_word_and_style() {
    let model = demo_model();
    let theme = dark();
    let mut state = State::new(Keymap::default(), theme.clone(), PathBuf::from("/tmp"));
    state.show("readiness");
    let buf = render(&state, &model, 160, 48);
    let w = buf.area.width as usize;
    let mut seen = 0;
    for (i, row) in buf.content().chunks(w).enumerate() {
        let line: String = row.iter().map(|c| c.symbol()).collect();
        for (word, style) in [("ERROR", theme.error), ("WARNING", theme.warning)] {
            if let Some(col) = line.find(&format!("│{word} ")) {
                let cell = &buf[(col as u16 + 1, i as u16)];
                assert_eq!(cell.fg, style.fg.unwrap(), "{word} cell colour on row {i}");
                seen += 1;
            }
        }
    }
    assert!(seen > 5, "severity cells found: {seen}");
}

#[test]
fn too_small_terminal_says_so() {
    let model = demo_model();
    let state = State::new(
        Keymap::default(),
        Theme::monochrome(),
        PathBuf::from("/tmp"),
    );
    let t = text(&render(&state, &model, 60, 20));
    assert!(t.contains("terminal too small"), "{t}");
}

#[test]
fn keys_navigate_filter_and_quit() {
    let mut model = demo_model();
    let mut state = State::new(
        Keymap::default(),
        Theme::monochrome(),
        PathBuf::from("/tmp"),
    );
    assert!(update(&mut state, &mut model, key('2')).is_empty());
    assert_eq!(state.active_slug(), "readiness");
    update(&mut state, &mut model, code(KeyCode::Tab));
    assert_eq!(state.active_slug(), "rbac");
    update(&mut state, &mut model, code(KeyCode::BackTab));
    // `/` filter: typed text narrows the table as it is typed.
    update(&mut state, &mut model, key('/'));
    for c in "crashloop".chars() {
        update(&mut state, &mut model, key(c));
    }
    update(&mut state, &mut model, code(KeyCode::Enter));
    assert_eq!(state.pane::<readiness::State>().nav.filter, "crashloop");
    let t = text(&render(&state, &model, 160, 48));
    assert!(t.contains("workload/crashloop"), "{t}");
    assert!(!t.contains("workload/not-ready"), "{t}");
    // `?` help lists the keymap; esc closes it.
    update(&mut state, &mut model, key('?'));
    assert!(text(&render(&state, &model, 160, 48)).contains("YAML of selection"));
    update(&mut state, &mut model, code(KeyCode::Esc));
    assert!(state.overlay.is_none());
    // `y` shows the selected object's YAML.
    update(&mut state, &mut model, key('y'));
    let t = text(&render(&state, &model, 160, 48));
    assert!(
        t.contains("apiVersion: v1") && t.contains("kind: Pod"),
        "{t}"
    );
    update(&mut state, &mut model, code(KeyCode::Esc));
    // `:ns` narrows, `:q` quits.
    update(&mut state, &mut model, key(':'));
    for c in "ns search".chars() {
        update(&mut state, &mut model, key(c));
    }
    update(&mut state, &mut model, code(KeyCode::Enter));
    assert_eq!(state.namespace.as_deref(), Some("search"));
    update(&mut state, &mut model, key(':'));
    update(&mut state, &mut model, key('q'));
    assert_eq!(
        update(&mut state, &mut model, code(KeyCode::Enter)),
        vec![Effect::Quit]
    );
}

#[test]
fn export_writes_the_filtered_view() {
    let mut model = demo_model();
    let dir = tempfile::tempdir().unwrap();
    let mut state = State::new(
        Keymap::default(),
        Theme::monochrome(),
        dir.path().to_path_buf(),
    );
    state.show("readiness");
    state.pane_mut::<readiness::State>().nav.filter = "crashloop".into();
    let effects = update(&mut state, &mut model, key('e'));
    let [Effect::Write { path, contents }] = effects.as_slice() else {
        panic!("{effects:?}")
    };
    assert!(path.starts_with(dir.path()) && path.extension().unwrap() == "md");
    assert!(contents.contains("workload/crashloop"));
    assert!(!contents.contains("workload/not-ready"));
}

#[test]
fn themes_parse_and_user_themes_override() {
    for (name, _) in kready::config::theme::EMBEDDED {
        Theme::load(name, None).unwrap();
    }
    let dir = tempfile::tempdir().unwrap();
    let dark_text = kready::config::theme::EMBEDDED[0]
        .1
        .replace("#ff5f5f", "#123456");
    std::fs::write(dir.path().join("dark.toml"), dark_text).unwrap();
    let user = Theme::load("dark", Some(dir.path())).unwrap();
    assert_eq!(
        user.error.fg,
        Some(ratatui::style::Color::Rgb(0x12, 0x34, 0x56))
    );
    std::fs::write(
        dir.path().join("bad.toml"),
        "error = { fg = \"nocolour\" }\n",
    )
    .unwrap();
    let e = Theme::load("bad", Some(dir.path()))
        .unwrap_err()
        .to_string();
    assert!(e.contains("nocolour") || e.contains("missing key"), "{e}");
    assert!(
        Theme::load("nope", None)
            .unwrap_err()
            .to_string()
            .contains("dark, light, high-contrast")
    );
}

#[test]
fn keymap_overrides_and_errors() {
    let mut o = std::collections::BTreeMap::new();
    o.insert("quit".to_string(), vec!["x".to_string()]);
    let km = Keymap::with_overrides(&o).unwrap();
    let ev = KeyEvent::new(KeyCode::Char('x'), KeyModifiers::NONE);
    assert_eq!(km.action(&ev), Some(kready::config::keymap::Action::Quit));
    o.insert("fly".to_string(), vec!["f".to_string()]);
    assert!(
        Keymap::with_overrides(&o)
            .unwrap_err()
            .to_string()
            .contains("fly")
    );
}

/// A new evaluation re-sorts the findings; the selection stays on the
/// finding it was on (check and subject), not on the row number, so `y`
/// and the detail still show the object the user chose.
#[test]
fn the_selection_stays_on_its_finding_when_an_evaluation_resorts_the_rows() {
    use kready::source::Event;
    use kready::ui::panes::Cx;

    let mut model = demo_model();
    let mut state = State::new(Keymap::default(), dark(), PathBuf::from("/tmp"));
    state.show("readiness");
    let selected = |state: &State, model: &Model| {
        let cx = Cx {
            model,
            theme: &state.theme,
            namespace: None,
        };
        let r = readiness::selected(&cx, state.pane::<readiness::State>())
            .expect("a finding is selected");
        (r.check, r.subject.to_string())
    };
    // The last finding but three: rows added anywhere before it move it.
    update(&mut state, &mut model, code(KeyCode::End));
    for _ in 0..3 {
        update(&mut state, &mut model, key('k'));
    }
    let row = state.pane::<readiness::State>().nav.selected;
    let chosen = selected(&state, &model);

    // A bare pod in a new namespace: root, `:latest`, no requests, no
    // probes — a dozen new findings, sorted in among the others.
    let pod = serde_json::json!({
        "apiVersion": "v1", "kind": "Pod",
        "metadata": {"name": "stray", "namespace": "aaa-first", "uid": "stray-1"},
        "spec": {"containers": [{"name": "c", "image": "busybox:latest",
                                  "securityContext": {"privileged": true}}]},
        "status": {"phase": "Running"}
    });
    let pod = kready::source::decode::decode(pod, None).expect("decodes");
    let generation = model.generation;
    let effects = update(
        &mut state,
        &mut model,
        Msg::Source(vec![Event::Apply(std::sync::Arc::new(pod))]),
    );
    assert_eq!(effects, [Effect::Fold], "a change asks for a fold");
    update(&mut state, &mut model, Msg::Tick);
    assert!(model.generation > generation, "re-evaluated");

    let now = &state.pane::<readiness::State>().nav;
    assert_ne!(now.selected, row, "the findings before it moved it");
    assert_eq!(
        selected(&state, &model),
        chosen,
        "still on the same finding"
    );
    // `y` opens the same object.
    update(&mut state, &mut model, key('y'));
    match &state.overlay {
        Some(kready::ui::state::Overlay::Yaml { title, .. }) => {
            assert!(
                chosen
                    .1
                    .contains(title.rsplit('/').next().unwrap_or_default()),
                "{title} vs {chosen:?}"
            )
        }
        _ => panic!("y opens the YAML view: {:?}", state.status),
    }
}

/// `:export FORMAT` writes the view with `kready check`'s own writer for
/// that format; an unknown format is a status line, not a file.
#[test]
fn export_takes_any_report_format() {
    let mut model = demo_model();
    let dir = tempfile::tempdir().unwrap();
    let mut state = State::new(Keymap::default(), Theme::monochrome(), dir.path().into());
    state.show("readiness");
    state.pane_mut::<readiness::State>().nav.filter = "crashloop".into();
    let command = |state: &mut State, model: &mut Model, line: &str| {
        update(state, model, key(':'));
        for c in line.chars() {
            update(state, model, key(c));
        }
        update(state, model, code(KeyCode::Enter))
    };
    let effects = command(&mut state, &mut model, "export json");
    let [Effect::Write { path, contents }] = effects.as_slice() else {
        panic!("{effects:?}")
    };
    assert_eq!(path.extension().unwrap(), "json");
    let report: serde_json::Value = serde_json::from_str(contents).expect("the JSON report");
    assert_eq!(report["schemaVersion"], 1);
    let results = report["results"].as_array().expect("results");
    assert!(!results.is_empty());
    assert!(results.iter().all(|r| r["check"] == "workload/crashloop"));

    let effects = command(&mut state, &mut model, "export sarif");
    let [Effect::Write { path, contents }] = effects.as_slice() else {
        panic!("{effects:?}")
    };
    assert_eq!(path.extension().unwrap(), "sarif");
    assert!(
        contents.contains("\"version\": \"2.1.0\"") || contents.contains("\"version\":\"2.1.0\"")
    );

    assert!(command(&mut state, &mut model, "export docx").is_empty());
    let status = state.status.clone().unwrap_or_default();
    assert!(
        status.contains("no export format \"docx\"") && status.contains("sarif"),
        "{status}"
    );
}
