//! The panes, as components: each pane module has a `State` (selection,
//! filter, pane specifics) that implements `Pane`, and `registry` lists them
//! in display order. A new pane is one file and one line in `registry`;
//! the tab bar, number keys, `:pane`, help and the checker's derivations all
//! read the registry.

pub mod autoscaling;
pub mod backups;
pub mod events;
pub mod nodes;
pub mod overview;
pub mod quotas;
pub mod rbac;
pub mod readiness;

use std::any::Any;
use std::sync::Arc;

use ratatui::Frame;
use ratatui::layout::Rect;

use crate::config::keymap::Action;
use crate::config::theme::Theme;
use crate::model::ObjKey;
use crate::runtime::Model;
use crate::runtime::checker::{Derivations, Derive, DeriveInput};
use crate::ui::memo::Memo;
use crate::ui::widgets::sections::{Reply, Sections};
use crate::ui::widgets::table::{Keep, Nav};

/// What panes read: the model, the theme, and the namespace narrowing.
pub struct Cx<'a> {
    pub model: &'a Model,
    pub theme: &'a Theme,
    /// Set by `:ns NAME`: show only this namespace (cluster-scoped rows stay).
    pub namespace: Option<&'a str>,
}

impl Cx<'_> {
    /// Whether a row in `ns` (`""` or `None` for cluster-scoped) is shown.
    pub fn in_scope(&self, ns: Option<&str>) -> bool {
        match (self.namespace, ns) {
            (None, _) | (_, None) | (_, Some("")) => true,
            (Some(want), Some(ns)) => want == ns,
        }
    }
}

/// Input a pane handles.
#[derive(Debug, Clone, PartialEq)]
pub enum PaneEvent {
    /// A navigation/pane action from the keymap (up, down, sort, …).
    Action(Action),
    /// The `/` filter text (applied as it is typed; empty clears).
    Filter(String),
}

#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    Handled,
    Ignored,
    /// A line for the status bar (e.g. a bad who-can query).
    Status(String),
    /// A command the pane knows but cannot run (`:check` of an unknown
    /// id): the line for the status bar, and the console stays where it is.
    Refused(String),
    /// Run this `:` command line (a row that leads elsewhere).
    Command(String),
}

impl From<Reply> for Outcome {
    fn from(r: Reply) -> Outcome {
        match r {
            Reply::Handled => Outcome::Handled,
            Reply::Ignored => Outcome::Ignored,
            Reply::Status(s) => Outcome::Status(s),
        }
    }
}

/// The part of a pane with sections that they all share: the filter, `o`
/// for the next section, navigation within the focused one. `names` and
/// `lens` are per section.
pub(crate) fn handle_sections(
    sections: &mut Sections,
    nav: &mut Nav,
    names: &[&str],
    lens: &[usize],
    ev: PaneEvent,
) -> Outcome {
    match ev {
        PaneEvent::Filter(f) => {
            sections.filter(nav, f);
            Outcome::Handled
        }
        PaneEvent::Action(a) => sections.action(nav, names, lens, a).into(),
    }
}

/// A pane of the console. `handle` and `follow` change its state; the rest
/// reads it. Panes that derive heavy rows name a `derive` function: the
/// checker runs it off the event loop after each evaluation and the model
/// keeps its result (`Model::derived`) for `draw` to filter and format.
pub trait Pane: Any {
    fn title(&self) -> &'static str;
    /// For narrow terminals.
    fn short_title(&self) -> &'static str;
    /// The name `:pane` takes (and the key of its derived rows).
    fn slug(&self) -> &'static str;
    fn handle(&mut self, cx: &Cx, ev: PaneEvent) -> Outcome;
    fn draw(&self, f: &mut Frame, area: Rect, cx: &Cx);
    /// The object behind the selected row, for `y`.
    fn selected_object(&self, _cx: &Cx) -> Option<ObjKey> {
        None
    }
    /// The current `/` filter (to reopen `/` with it).
    fn filter(&self) -> &str {
        ""
    }
    /// After the rows may have changed: keeps the selection on its object.
    fn follow(&mut self, _cx: &Cx) {}
    /// The pane's own keys, for the help overlay.
    fn hints(&self) -> &'static [(Action, &'static str)] {
        &[]
    }
    /// A `:` command this pane runs (`words[0]` is its name); `None` when
    /// it is not this pane's. The console shows the pane that ran it.
    fn command(&mut self, _cx: &Cx, _words: &[&str]) -> Option<Outcome> {
        None
    }
    /// The pane's view as a file (`md` or `json`) for `e` / `:export`.
    fn export(&self, _cx: &Cx, _format: &str) -> Option<String> {
        None
    }
    /// Derives the pane's rows from the store and results, on the checker's
    /// thread; the result must not depend on the theme or `:ns`.
    fn derive(&self) -> Option<Derive> {
        None
    }
}

/// Runs a table pane's input `handle`, then keeps its selection: after a
/// sort it follows the row it was on, after any other input it anchors on
/// the row now selected.
pub(crate) fn keep_selection<S>(
    cx: &Cx,
    st: &mut S,
    ev: PaneEvent,
    handle: fn(&Cx, &mut S, PaneEvent) -> Outcome,
    keep: fn(&Cx, &mut S, Keep),
) -> Outcome {
    let how = if ev == PaneEvent::Action(Action::Sort) {
        Keep::Follow
    } else {
        Keep::Anchor
    };
    let outcome = handle(cx, st, ev);
    keep(cx, st, how);
    outcome
}

/// The panes, in display order (the number keys follow it).
pub fn registry() -> Vec<Box<dyn Pane>> {
    vec![
        Box::new(overview::State::default()),
        Box::new(readiness::State::default()),
        Box::new(rbac::State::default()),
        Box::new(quotas::State::default()),
        Box::new(autoscaling::State::default()),
        Box::new(backups::State::default()),
        Box::new(nodes::State::default()),
        Box::new(events::State::default()),
    ]
}

/// The registered panes' derivations, by slug, for `Model::with_derivations`.
pub fn derivations() -> Derivations {
    registry()
        .iter()
        .filter_map(|p| p.derive().map(|d| (p.slug(), d)))
        .collect()
}

/// The pane's rows published by the checker for the model's generation,
/// else derived here with the same function (a model built without the
/// derivations, as in most tests) and kept until the generation changes.
pub(crate) fn derived<T: Any + Send + Sync>(
    cx: &Cx,
    slug: &str,
    derive: fn(&DeriveInput) -> T,
    cache: &Memo<u64, T>,
) -> Arc<T> {
    if let Some(d) = cx.model.derived(slug)
        && let Ok(d) = d.clone().downcast::<T>()
    {
        return d;
    }
    cache.get(cx.model.generation, |_| {
        Arc::new(derive(&cx.model.derive_input()))
    })
}
