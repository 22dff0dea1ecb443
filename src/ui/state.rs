//! UI state and `update`, the one state transition: every change of state
//! (a key, a resize, source events, an evaluation, the fold tick, a finished
//! effect) arrives as a `Msg`. Keys become actions through the keymap;
//! actions change `State` and may ask for effects (quit, write a file, fold
//! later) that the event loop runs off the loop and reports back.

use std::io::Write;
use std::path::{Path, PathBuf};

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui_textarea::TextArea;

use super::panes::{self, Cx, Outcome, Pane, PaneEvent};
use super::views::{self, Reply, View};
use crate::config::keymap::{Action, Keymap};
use crate::config::theme::Theme;
use crate::model::ObjKey;
use crate::runtime::{Evaluation, Model};
use crate::source::Event;

/// What the loop feeds `update`.
pub enum Msg {
    Key(KeyEvent),
    Resize(u16, u16),
    /// A batch of events from the source (a replay step, a watch burst).
    Source(Vec<Event>),
    /// The checker's results for the changes so far.
    Evaluated(Evaluation),
    /// The fold deadline passed: evaluate what changed, sample histories.
    Tick,
    /// An effect finished; the line says how (e.g. where an export went).
    EffectDone(String),
    /// An object read whole (`Effect::Fetch`, `Effect::Reread`), as JSON,
    /// with the YAML view's first line saying where from.
    Fetched(ObjKey, serde_json::Value, String),
}

/// Work `update` asks the event loop to do.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    Quit,
    /// Write `contents` to a new file named like `path` (see
    /// `write_new_file`) off the loop, then report the path written.
    Write {
        path: PathBuf,
        contents: String,
    },
    /// Send a `Tick` after the fold delay, unless one is due already: a
    /// burst of changes is evaluated once.
    Fold,
    /// Open this kubeconfig context in place of the current cluster; the
    /// outcome comes back as `EffectDone`.
    SwitchContext(String),
    /// Fetch the object, whole and current, from the live server; it comes
    /// back as `Msg::Fetched` (or an `EffectDone` saying why not).
    Fetch(ObjKey, String),
    /// Read the object whole from its snapshot file, off the loop; it comes
    /// back as `Msg::Fetched` (or an `EffectDone` saying why not).
    Reread(ObjKey, crate::model::Origin),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputKind {
    Filter,
    Command,
}

/// A one-line text input at the bottom (filter or command palette).
pub struct Input {
    pub kind: InputKind,
    pub text: TextArea<'static>,
    /// Completion candidates for the command palette.
    pub completions: Vec<String>,
    /// While `tab` cycles: the candidates it cycles through, and the one
    /// shown.
    pub cycle: Option<(Vec<String>, usize)>,
}

impl Input {
    /// The `/` line, holding the filter or search applied now.
    pub fn filter(applied: &str) -> Input {
        let mut text = TextArea::new(vec![applied.to_string()]);
        text.move_cursor(ratatui_textarea::CursorMove::End);
        Input {
            kind: InputKind::Filter,
            text,
            completions: Vec::new(),
            cycle: None,
        }
    }

    pub fn value(&self) -> String {
        self.text.lines().first().cloned().unwrap_or_default()
    }
}

pub enum Overlay {
    Help {
        scroll: u16,
    },
    Yaml {
        title: String,
        text: String,
        scroll: u16,
        /// The `/` search (`n`/`N` move between matches).
        search: String,
    },
}

pub struct State {
    /// The panes, as `panes::registry` lists them.
    pub panes: Vec<Box<dyn Pane>>,
    /// The index of the pane shown.
    pub active: usize,
    /// Views opened over the pane (object views, browsers), the top one
    /// shown; `esc` goes back one.
    pub stack: Vec<View>,
    pub overlay: Option<Overlay>,
    pub input: Option<Input>,
    /// `:ns NAME` narrows every pane to one namespace.
    pub namespace: Option<String>,
    /// One line of feedback (export path, errors).
    pub status: Option<String>,
    pub size: (u16, u16),
    pub keymap: Keymap,
    pub theme: Theme,
    /// Where `e` writes exports.
    pub export_dir: PathBuf,
    /// The kubeconfig's contexts, for `:ctx` (empty: no kubeconfig).
    pub contexts: Vec<String>,
}

/// The command palette's commands, for completion and help.
pub const COMMANDS: &[(&str, &str)] = &[
    (
        "ns",
        ":ns NAME — narrow every pane to a namespace (:ns all clears)",
    ),
    ("ctx", ":ctx NAME — open another kubeconfig context, live"),
    (
        "who-can",
        ":who-can VERB RESOURCE [-n NS] — who may do it (RBAC pane)",
    ),
    ("check", ":check ID — readiness findings of one check"),
    ("pane", ":pane NAME — go to a pane"),
    (
        "export",
        ":export [FORMAT] — write the findings view to a file (markdown, json, sarif, …)",
    ),
    ("q", ":q — quit"),
];

impl State {
    pub fn new(keymap: Keymap, theme: Theme, export_dir: PathBuf) -> State {
        State {
            panes: panes::registry(),
            active: 0,
            stack: Vec::new(),
            overlay: None,
            input: None,
            namespace: None,
            status: None,
            size: (80, 24),
            keymap,
            theme,
            export_dir,
            contexts: Vec::new(),
        }
    }

    pub fn cx<'a>(&'a self, model: &'a Model) -> Cx<'a> {
        Cx {
            model,
            theme: &self.theme,
            namespace: self.namespace.as_deref(),
        }
    }

    /// The pane shown.
    pub fn active_pane(&self) -> &dyn Pane {
        &*self.panes[self.active]
    }

    /// The slug of the pane shown.
    pub fn active_slug(&self) -> &'static str {
        self.active_pane().slug()
    }

    /// Shows the pane named `slug`; false if there is none.
    pub fn show(&mut self, slug: &str) -> bool {
        match self.panes.iter().position(|p| p.slug() == slug) {
            Some(i) => {
                self.active = i;
                true
            }
            None => false,
        }
    }

    /// The registered pane of type `T`, for code that needs a concrete
    /// pane's state (tests, benchmarks).
    pub fn pane<T: Pane>(&self) -> &T {
        self.panes
            .iter()
            .find_map(|p| (&**p as &dyn std::any::Any).downcast_ref::<T>())
            .expect("the pane type is in the registry")
    }

    pub fn pane_mut<T: Pane>(&mut self) -> &mut T {
        self.panes
            .iter_mut()
            .find_map(|p| (&mut **p as &mut dyn std::any::Any).downcast_mut::<T>())
            .expect("the pane type is in the registry")
    }

    /// Hands `ev` to the pane shown.
    pub fn handle(&mut self, model: &Model, ev: PaneEvent) -> Outcome {
        let cx = Cx {
            model,
            theme: &self.theme,
            namespace: self.namespace.as_deref(),
        };
        self.panes[self.active].handle(&cx, ev)
    }

    /// The object behind the selected row of the view or pane shown.
    pub fn selected_object(&self, model: &Model) -> Option<crate::model::ObjKey> {
        let cx = self.cx(model);
        match self.stack.last() {
            Some(v) => v.selected_object(&cx),
            None => self.active_pane().selected_object(&cx),
        }
    }

    /// The `/` text of the view or pane shown.
    pub fn filter(&self) -> &str {
        match self.stack.last() {
            Some(v) => v.filter(),
            None => self.active_pane().filter(),
        }
    }

    /// Shows pane `i`, closing the views over the panes.
    fn show_pane(&mut self, model: &Model, i: usize) {
        self.active = i;
        self.stack.clear();
        follow(self, model);
    }

    /// Rows a page key moves in the body.
    fn page(&self) -> usize {
        (self.size.1 as usize).saturating_sub(6).max(1)
    }
}

/// The one state transition.
pub fn update(state: &mut State, model: &mut Model, msg: Msg) -> Vec<Effect> {
    let effects = transition(state, model, msg);
    // The checker derives the rows of the pane on screen only.
    model.focus(state.active_slug());
    effects
}

fn transition(state: &mut State, model: &mut Model, msg: Msg) -> Vec<Effect> {
    match msg {
        Msg::Resize(w, h) => {
            state.size = (w, h);
            Vec::new()
        }
        Msg::Key(key) => on_key(state, model, key),
        Msg::Source(events) => {
            let changes = events.iter().any(Event::needs_evaluation);
            if let Some(line) = model.apply_events(events).pop() {
                state.status = Some(line);
            }
            follow(state, model);
            if changes {
                vec![Effect::Fold]
            } else {
                Vec::new()
            }
        }
        Msg::Evaluated(e) => {
            model.accept(e);
            follow(state, model);
            Vec::new()
        }
        Msg::Tick => {
            // Inline (tests), the results are in place when it returns.
            if model.refresh() {
                follow(state, model);
            }
            model.sample();
            Vec::new()
        }
        Msg::EffectDone(line) => {
            state.status = Some(line);
            Vec::new()
        }
        Msg::Fetched(key, value, from) => {
            // Shown only if its YAML view is still open.
            if let Some(Overlay::Yaml { title, text, .. }) = &mut state.overlay
                && *title == key.to_string()
            {
                *text = crate::model::yaml::render_value(value, Some(&format!("# {from}\n")));
            }
            Vec::new()
        }
    }
}

/// Keeps the active pane's selection on its object after its rows changed.
fn follow(state: &mut State, model: &Model) {
    let cx = Cx {
        model,
        theme: &state.theme,
        namespace: state.namespace.as_deref(),
    };
    state.panes[state.active].follow(&cx);
}

fn on_key(state: &mut State, model: &mut Model, key: KeyEvent) -> Vec<Effect> {
    if key.modifiers.contains(KeyModifiers::CONTROL) && key.code == KeyCode::Char('c') {
        return vec![Effect::Quit];
    }
    if state.input.is_some() {
        return on_input_key(state, model, key);
    }
    let Some(action) = state.keymap.action(&key) else {
        return Vec::new();
    };
    if let Some(overlay) = &mut state.overlay {
        // `q` and `esc` close an overlay: only the top level quits.
        let page = state.size.1.saturating_sub(6).max(1);
        match (overlay, action) {
            (Overlay::Yaml { search, .. }, Action::Back) if !search.is_empty() => search.clear(),
            (_, Action::Back | Action::Help | Action::Select | Action::Quit) => {
                state.overlay = None
            }
            (Overlay::Yaml { search, .. }, Action::Filter) => {
                state.input = Some(Input::filter(search))
            }
            (
                Overlay::Yaml {
                    text,
                    scroll,
                    search,
                    ..
                },
                a @ (Action::NextMatch | Action::PrevMatch),
            ) => match next_match(text, search, *scroll, a == Action::NextMatch) {
                Some(line) => *scroll = line,
                None if search.is_empty() => state.status = Some("/ to search".into()),
                None => state.status = Some(format!("no match for {search:?}")),
            },
            (Overlay::Yaml { text, scroll, .. }, a) => {
                let last = (text.lines().count() as u16).saturating_sub(page);
                *scroll = scroll_by(*scroll, a, page, last)
            }
            (Overlay::Help { scroll }, a) => *scroll = scroll_by(*scroll, a, page, u16::MAX),
        }
        return Vec::new();
    }
    state.status = None;
    if !state.stack.is_empty() {
        return on_view_key(state, model, action);
    }
    on_key_action(state, model, action)
}

/// What an action does over the panes (and, for the keys views share with
/// them, over a view).
fn on_key_action(state: &mut State, model: &mut Model, action: Action) -> Vec<Effect> {
    match action {
        Action::Quit => return vec![Effect::Quit],
        Action::Help => state.overlay = Some(Overlay::Help { scroll: 0 }),
        // A pane's rows may have changed while it was away.
        Action::NextPane => state.show_pane(model, (state.active + 1) % state.panes.len()),
        Action::PrevPane => state.show_pane(
            model,
            (state.active + state.panes.len() - 1) % state.panes.len(),
        ),
        // 1-based, as the tabs show them.
        Action::Pane(n) => {
            if let Some(i) = (n as usize).checked_sub(1)
                && i < state.panes.len()
            {
                state.show_pane(model, i);
            }
        }
        // `enter` on a row opens its object; rows that stand for no stored
        // object (a node group, the cluster) keep the pane's own meaning.
        Action::Select | Action::Pods | Action::Events | Action::Related
            if let Some(reply) = state
                .selected_object(model)
                .filter(|k| model.store.get(k).is_some())
                .and_then(|key| views::on_object(&state.cx(model), action, key)) =>
        {
            apply_reply(state, model, reply);
        }
        Action::Filter => state.input = Some(Input::filter(state.filter())),
        Action::Command => {
            state.input = Some(Input {
                kind: InputKind::Command,
                text: TextArea::default(),
                completions: complete(model, &state.contexts, ""),
                cycle: None,
            })
        }
        Action::Yaml => match state.selected_object(model) {
            Some(key) => match model.store.get(&key) {
                Some(obj) => {
                    let live = model.store.info.source == "live";
                    let text = crate::model::yaml::render(obj);
                    // What the store holds until the whole object is read:
                    // from the server, or from the snapshot's file.
                    let (note, effect) = match (&obj.origin, live) {
                        (_, true) => (
                            "# fetching the current object from the server…\n".to_string(),
                            Some(Effect::Fetch(key.clone(), obj.api_version.clone())),
                        ),
                        (Some(origin), false) => (
                            format!(
                                "# reading the whole object from {}:{}…\n",
                                origin.file.display(),
                                origin.line
                            ),
                            Some(Effect::Reread(key.clone(), origin.clone())),
                        ),
                        (None, false) => (String::new(), None),
                    };
                    state.overlay = Some(Overlay::Yaml {
                        title: key.to_string(),
                        text: format!("{note}{text}"),
                        scroll: 0,
                        search: String::new(),
                    });
                    return effect.into_iter().collect();
                }
                None => state.status = Some(format!("{key} is not in the store")),
            },
            None => state.status = Some("no object selected".into()),
        },
        Action::Export => return export(state, model, "markdown"),
        // `esc` closes the pane's own detail first, then clears an applied
        // filter, then the namespace narrowing.
        Action::Back if state.namespace.is_some() && state.active_pane().filter().is_empty() => {
            state.namespace = None;
        }
        other => match state.handle(model, PaneEvent::Action(other)) {
            Outcome::Command(line) => return run_command(state, model, &line),
            Outcome::Ignored if other == Action::Back && !state.filter().is_empty() => {
                set_filter(state, model, String::new())
            }
            outcome => apply_outcome(state, outcome),
        },
    }
    Vec::new()
}

fn apply_outcome(state: &mut State, outcome: Outcome) {
    match outcome {
        Outcome::Handled | Outcome::Ignored => {}
        Outcome::Status(s) | Outcome::Refused(s) => state.status = Some(s),
        // Run by `on_key_action`, which has the model.
        Outcome::Command(_) => {}
    }
}

/// A key while a view is shown over the panes.
fn on_view_key(state: &mut State, model: &mut Model, action: Action) -> Vec<Effect> {
    match action {
        Action::Help => state.overlay = Some(Overlay::Help { scroll: 0 }),
        // `esc` clears an applied filter first, then goes back; `q` goes
        // back (only the top level quits).
        Action::Back if !state.filter().is_empty() => set_filter(state, model, String::new()),
        Action::Back | Action::Quit => {
            state.stack.pop();
            follow(state, model);
        }
        Action::NextPane | Action::PrevPane | Action::Pane(_) => {
            state.stack.clear();
            return on_key_action(state, model, action);
        }
        Action::Filter | Action::Command | Action::Yaml | Action::Export => {
            return on_key_action(state, model, action);
        }
        a => {
            let page = state.page();
            let cx = Cx {
                model,
                theme: &state.theme,
                namespace: state.namespace.as_deref(),
            };
            let top = state.stack.last_mut().expect("a view is shown");
            let reply = top.handle(&cx, a, page);
            apply_reply(state, model, reply);
        }
    }
    Vec::new()
}

fn apply_reply(state: &mut State, model: &Model, reply: Reply) {
    match reply {
        Reply::Handled | Reply::Ignored => {}
        Reply::Status(s) => state.status = Some(s),
        Reply::Open(v) => {
            // A long walk keeps its last steps.
            if state.stack.len() >= 32 {
                state.stack.remove(0);
            }
            state.stack.push(v.into_view());
        }
        Reply::Findings(text) => {
            state.stack.clear();
            if state.show("readiness") {
                set_filter(state, model, text.clone());
                state.status = Some(format!("findings matching {text:?} (esc clears)"));
            }
        }
    }
}

/// A scroll position after a key: paging and `g`/`G` stop at the ends.
fn scroll_by(scroll: u16, action: Action, page: u16, last: u16) -> u16 {
    let to = match action {
        Action::Down => scroll.saturating_add(1),
        Action::Up => scroll.saturating_sub(1),
        Action::PageDown => scroll.saturating_add(page),
        Action::PageUp => scroll.saturating_sub(page),
        Action::Top => 0,
        Action::Bottom => last,
        _ => scroll,
    };
    to.min(last)
}

/// The line of the next (or previous) match of `search` after (before)
/// line `from`, wrapping around.
pub fn next_match(text: &str, search: &str, from: u16, forward: bool) -> Option<u16> {
    if search.is_empty() {
        return None;
    }
    let hits: Vec<usize> = text
        .lines()
        .enumerate()
        .filter(|(_, l)| crate::ui::widgets::table::contains_ignore_case(l, search))
        .map(|(i, _)| i)
        .collect();
    let hit = crate::ui::widgets::table::next_hit(&hits, from as usize, forward)?;
    Some(hit.min(u16::MAX as usize) as u16)
}

fn on_input_key(state: &mut State, model: &mut Model, key: KeyEvent) -> Vec<Effect> {
    let input = state.input.as_mut().expect("input is open");
    match key.code {
        KeyCode::Esc => {
            if input.kind == InputKind::Filter {
                set_filter(state, model, String::new());
            }
            state.input = None;
        }
        KeyCode::Enter => {
            let value = input.value();
            let kind = input.kind;
            state.input = None;
            match kind {
                InputKind::Filter => set_filter(state, model, value),
                InputKind::Command => return run_command(state, model, &value),
            }
        }
        // `tab` and `shift-tab` cycle through the candidates.
        KeyCode::Tab | KeyCode::BackTab if input.kind == InputKind::Command => {
            let (list, i) = match input.cycle.take() {
                Some((list, i)) if !list.is_empty() => {
                    let n = list.len();
                    let next = if key.code == KeyCode::Tab {
                        (i + 1) % n
                    } else {
                        (i + n - 1) % n
                    };
                    (list, next)
                }
                _ => (input.completions.clone(), 0),
            };
            if let Some(pick) = list.get(i).cloned() {
                input.text = TextArea::new(vec![pick]);
                input.text.move_cursor(ratatui_textarea::CursorMove::End);
                input.completions = list.clone();
                input.cycle = Some((list, i));
            }
        }
        // `ctrl-u` clears the line, as in a shell.
        KeyCode::Char('u') if key.modifiers.contains(KeyModifiers::CONTROL) => {
            input.text = TextArea::default();
            input.cycle = None;
            match input.kind {
                InputKind::Filter => set_filter(state, model, String::new()),
                InputKind::Command => input.completions = complete(model, &state.contexts, ""),
            }
        }
        _ => {
            input.cycle = None;
            input.text.input(key);
            let value = input.value();
            match input.kind {
                InputKind::Filter => set_filter(state, model, value),
                InputKind::Command => input.completions = complete(model, &state.contexts, &value),
            }
        }
    }
    Vec::new()
}

fn set_filter(state: &mut State, model: &Model, value: String) {
    if let Some(Overlay::Yaml {
        text,
        scroll,
        search,
        ..
    }) = &mut state.overlay
    {
        // The first match at or after the top line.
        if let Some(line) = next_match(text, &value, scroll.saturating_sub(1), true) {
            *scroll = line;
        }
        *search = value;
        return;
    }
    let cx = Cx {
        model,
        theme: &state.theme,
        namespace: state.namespace.as_deref(),
    };
    match state.stack.last_mut() {
        Some(view) => view.set_filter(&cx, value),
        None => {
            state.panes[state.active].handle(&cx, PaneEvent::Filter(value));
        }
    }
}

/// Candidates for what is typed so far: command names, then arguments
/// (namespaces, check ids, pane names).
pub fn complete(model: &Model, contexts: &[String], typed: &str) -> Vec<String> {
    let mut words: Vec<&str> = typed.split_whitespace().collect();
    // The word being completed (empty after a space) and the ones before.
    let prefix = if typed.ends_with(' ') || words.is_empty() {
        ""
    } else {
        words.pop().unwrap_or("")
    };
    let candidates: Vec<String> = match words.as_slice() {
        [] => COMMANDS
            .iter()
            .map(|(name, _)| name.to_string())
            // Kinds for the browser once something is typed.
            .chain(
                crate::view::objects::ALIASES
                    .iter()
                    .filter(|_| !prefix.is_empty())
                    .map(|(a, _)| a.to_string()),
            )
            .collect(),
        ["ns"] => std::iter::once("all".to_string())
            .chain(model.store.namespaces())
            .collect(),
        ["ctx"] => contexts.to_vec(),
        ["check"] => crate::checks::catalog()
            .iter()
            .map(|c| c.id.to_string())
            .collect(),
        ["pane"] => panes::registry()
            .iter()
            .map(|p| p.slug().to_string())
            .collect(),
        ["export"] => crate::report::FORMATS
            .iter()
            .map(|f| f.name.to_string())
            .collect(),
        ["who-can"] => WHO_CAN_VERBS.iter().map(|s| s.to_string()).collect(),
        ["who-can", _] => WHO_CAN_RESOURCES
            .iter()
            .map(|s| s.to_string())
            .chain(model.store.kinds().iter().map(|k| {
                let kind = k.split('.').next().unwrap_or(k).to_ascii_lowercase();
                format!("{kind}s")
            }))
            .collect(),
        ["who-can", _, ..] if words.last() == Some(&"-n") => {
            model.store.namespaces().into_iter().collect()
        }
        ["who-can", _, _, ..] => vec!["-n".to_string()],
        _ => Vec::new(),
    };
    let head: String = words.iter().map(|w| format!("{w} ")).collect();
    // Prefix matches first, then the names that contain what is typed.
    let mut starts: Vec<String> = Vec::new();
    let mut contains: Vec<String> = Vec::new();
    for c in candidates {
        if starts.contains(&c) || contains.contains(&c) {
            continue;
        }
        if c.starts_with(prefix) {
            starts.push(c);
        } else if crate::ui::widgets::table::contains_ignore_case(&c, prefix) {
            contains.push(c);
        }
    }
    starts
        .into_iter()
        .chain(contains)
        .take(50)
        .map(|c| {
            // A command takes an argument: the space is part of it.
            let space = if words.is_empty() { " " } else { "" };
            format!("{head}{c}{space}")
        })
        .collect()
}

/// The verbs `:who-can` completes.
const WHO_CAN_VERBS: &[&str] = &[
    "get",
    "list",
    "watch",
    "create",
    "update",
    "patch",
    "delete",
    "deletecollection",
    "impersonate",
    "bind",
    "escalate",
    "*",
];

/// The resources `:who-can` completes first (then the store's kinds).
const WHO_CAN_RESOURCES: &[&str] = &[
    "pods",
    "pods/exec",
    "pods/log",
    "pods/portforward",
    "pods/attach",
    "deployments",
    "deployments/scale",
    "statefulsets",
    "daemonsets",
    "replicasets",
    "jobs",
    "cronjobs",
    "services",
    "secrets",
    "configmaps",
    "persistentvolumeclaims",
    "nodes",
    "nodes/proxy",
    "namespaces",
    "serviceaccounts",
    "serviceaccounts/token",
    "roles",
    "rolebindings",
    "clusterroles",
    "clusterrolebindings",
    "networkpolicies",
    "ingresses",
    "events",
    "horizontalpodautoscalers",
    "poddisruptionbudgets",
    "resourcequotas",
    "*",
];

fn run_command(state: &mut State, model: &mut Model, line: &str) -> Vec<Effect> {
    let words: Vec<&str> = line.split_whitespace().collect();
    match words.as_slice() {
        [] => {}
        ["q" | "quit" | "q!"] => return vec![Effect::Quit],
        ["ns", "all" | "*"] => state.namespace = None,
        ["ns", ns] => {
            if model.store.namespaces().contains(*ns) {
                state.namespace = Some(ns.to_string());
            } else {
                state.status = Some(format!("no namespace {ns:?} in this cluster"));
            }
        }
        ["ctx"] => {
            state.status = Some(match state.contexts.as_slice() {
                [] => "no kubeconfig: there is no other context to open".into(),
                names => format!("contexts: {}", names.join(", ")),
            })
        }
        ["ctx", name] => {
            if state.contexts.iter().any(|c| c == name) {
                state.status = Some(format!("connecting to {name}…"));
                return vec![Effect::SwitchContext(name.to_string())];
            }
            state.status = Some(format!(
                "no context {name:?} in the kubeconfig (tab completes the names)"
            ));
        }
        ["pane", name] => {
            if !state.show(name) {
                state.status = Some(format!("no pane {name:?}"));
            }
        }
        ["export"] => return export(state, model, "markdown"),
        ["export", "md"] => return export(state, model, "markdown"),
        ["export", name] => return export(state, model, name),
        // `:po`, `:deploy`, `:ns`, `:KIND`: the resource browser.
        [word]
            if crate::view::objects::kind_named(&model.store, word).is_some() || *word == "ns" =>
        {
            let kind = crate::view::objects::kind_named(&model.store, word)
                .unwrap_or_else(|| "Namespace".into());
            state.stack.clear();
            state
                .stack
                .push(View::Browse(views::browse::State::new(kind, None)));
        }
        words => {
            if !pane_command(state, model, words) {
                state.status = Some(format!(
                    "unknown command {line:?}; try :po, :deploy, :svc, :no, :ev (any kind), :ns, \
                     :ctx, :who-can, :check, :pane, :export, :q"
                ))
            }
        }
    }
    Vec::new()
}

/// Offers a command to the panes (`:check`, `:who-can`); the one that runs
/// it is shown, unless it refused. False if no pane knows the command.
fn pane_command(state: &mut State, model: &Model, words: &[&str]) -> bool {
    let cx = Cx {
        model,
        theme: &state.theme,
        namespace: state.namespace.as_deref(),
    };
    let Some((i, outcome)) = state
        .panes
        .iter_mut()
        .enumerate()
        .find_map(|(i, p)| p.command(&cx, words).map(|o| (i, o)))
    else {
        return false;
    };
    if !matches!(outcome, Outcome::Refused(_)) {
        state.active = i;
    }
    apply_outcome(state, outcome);
    true
}

/// Exports the findings view (the pane that exports: Readiness, with its
/// filter and the namespace applied). The name is only a wish:
/// `write_new_file` never overwrites.
fn export(state: &mut State, model: &Model, name: &str) -> Vec<Effect> {
    let Some(format) = crate::report::format(name) else {
        let names: Vec<&str> = crate::report::FORMATS.iter().map(|f| f.name).collect();
        state.status = Some(format!(
            "no export format {name:?}; one of: {}",
            names.join(", ")
        ));
        return Vec::new();
    };
    let cx = state.cx(model);
    let Some(contents) = state.panes.iter().find_map(|p| p.export(&cx, name)) else {
        state.status = Some("no pane exports a view".into());
        return Vec::new();
    };
    let stamp = model.now.strftime("%Y%m%dT%H%M%SZ").to_string();
    let path = state
        .export_dir
        .join(format!("kready-findings-{stamp}.{}", format.extension));
    vec![Effect::Write { path, contents }]
}

/// How many numbered names `write_new_file` tries before giving up.
const MAX_NAME_TRIES: u32 = 1000;

/// Writes `contents` to a file that did not exist: `path`, else `stem-2.ext`,
/// `stem-3.ext`, … Each candidate is created with create-new semantics and
/// `O_NOFOLLOW`, so neither an existing file nor a planted symlink (even a
/// dangling one) is ever written through. Returns the absolute path written.
pub fn write_new_file(path: &Path, contents: &str) -> std::io::Result<PathBuf> {
    let path = std::path::absolute(path)?;
    for n in 1..=MAX_NAME_TRIES {
        let candidate = numbered(&path, n);
        match create_new(&candidate) {
            Ok(mut file) => {
                return match file.write_all(contents.as_bytes()) {
                    Ok(()) => Ok(candidate),
                    Err(e) => {
                        // Our own half-written file: better none than a torn one.
                        let _ = std::fs::remove_file(&candidate);
                        Err(e)
                    }
                };
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e),
        }
    }
    Err(std::io::Error::new(
        std::io::ErrorKind::AlreadyExists,
        format!(
            "{} and {MAX_NAME_TRIES} numbered variants exist already",
            path.display()
        ),
    ))
}

fn create_new(path: &Path) -> std::io::Result<std::fs::File> {
    use std::os::unix::fs::OpenOptionsExt;
    std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .custom_flags(libc::O_NOFOLLOW)
        .open(path)
}

/// `path` for `n == 1`, else `stem-n.ext`.
fn numbered(path: &Path, n: u32) -> PathBuf {
    if n == 1 {
        return path.to_path_buf();
    }
    let stem = path.file_stem().unwrap_or_default().to_string_lossy();
    let name = match path.extension() {
        Some(ext) => format!("{stem}-{n}.{}", ext.to_string_lossy()),
        None => format!("{stem}-{n}"),
    };
    path.with_file_name(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_name_for_each_export() {
        let dir = tempfile::tempdir().unwrap();
        let wish = dir.path().join("kready-findings-x.md");
        let first = write_new_file(&wish, "one").unwrap();
        let second = write_new_file(&wish, "two").unwrap();
        let third = write_new_file(&wish, "three").unwrap();
        assert_eq!(first, wish);
        assert_eq!(second, dir.path().join("kready-findings-x-2.md"));
        assert_eq!(third, dir.path().join("kready-findings-x-3.md"));
        assert_eq!(std::fs::read_to_string(&first).unwrap(), "one");
        assert_eq!(std::fs::read_to_string(&second).unwrap(), "two");
    }

    #[test]
    fn a_planted_symlink_is_not_followed() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("victim");
        std::fs::write(&target, "precious").unwrap();
        let wish = dir.path().join("kready-findings-x.md");
        std::os::unix::fs::symlink(&target, &wish).unwrap();
        // A dangling link is not followed either (it would create its target).
        let dangling = dir.path().join("kready-findings-x-2.md");
        std::os::unix::fs::symlink(dir.path().join("created?"), &dangling).unwrap();

        let written = write_new_file(&wish, "export").unwrap();
        assert_eq!(written, dir.path().join("kready-findings-x-3.md"));
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "precious");
        assert!(!dir.path().join("created?").exists());
        assert!(std::fs::symlink_metadata(&wish).unwrap().is_symlink());
        assert_eq!(std::fs::read_to_string(&written).unwrap(), "export");
    }

    #[test]
    fn relative_names_are_made_absolute_and_errors_are_returned() {
        let written = write_new_file(Path::new("/nonexistent-dir/x.md"), "x").unwrap_err();
        assert_eq!(written.kind(), std::io::ErrorKind::NotFound);
        assert!(numbered(Path::new("/d/noext"), 4).ends_with("noext-4"));
        let abs = std::path::absolute(Path::new("rel.md")).unwrap();
        assert!(abs.is_absolute() && abs.ends_with("rel.md"));
    }
}
