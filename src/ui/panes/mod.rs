//! The panes. Each pane module has a `State` (selection, filter, pane
//! specifics), a pure `handle` for actions, and a `draw` that reads `&Model`
//! and `&State`. This module dispatches to them.

pub mod autoscaling;
pub mod backups;
pub mod events;
pub mod nodes;
pub mod overview;
pub mod quotas;
pub mod rbac;
pub mod readiness;

use ratatui::Frame;
use ratatui::layout::Rect;

use crate::config::keymap::Action;
use crate::config::theme::Theme;
use crate::model::ObjKey;
use crate::runtime::Model;
use crate::ui::widgets::sections::{Reply, Sections};
use crate::ui::widgets::table::Nav;

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
    /// `:who-can` arguments (RBAC pane only).
    WhoCan(Vec<String>),
}

#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    Handled,
    Ignored,
    /// A line for the status bar (e.g. a bad who-can query).
    Status(String),
    Goto(Pane),
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
        PaneEvent::WhoCan(_) => Outcome::Ignored,
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pane {
    Overview,
    Readiness,
    Rbac,
    Quotas,
    Autoscaling,
    Backups,
    Nodes,
    Events,
}

impl Pane {
    pub const ALL: [Pane; 8] = [
        Pane::Overview,
        Pane::Readiness,
        Pane::Rbac,
        Pane::Quotas,
        Pane::Autoscaling,
        Pane::Backups,
        Pane::Nodes,
        Pane::Events,
    ];

    pub fn title(self) -> &'static str {
        match self {
            Pane::Overview => "Overview",
            Pane::Readiness => "Readiness",
            Pane::Rbac => "RBAC",
            Pane::Quotas => "Quotas",
            Pane::Autoscaling => "Autoscaling",
            Pane::Backups => "Backups",
            Pane::Nodes => "Nodes",
            Pane::Events => "Events",
        }
    }

    /// For narrow terminals.
    pub fn short_title(self) -> &'static str {
        match self {
            Pane::Overview => "Ovw",
            Pane::Readiness => "Ready",
            Pane::Rbac => "RBAC",
            Pane::Quotas => "Quota",
            Pane::Autoscaling => "Scale",
            Pane::Backups => "Bkup",
            Pane::Nodes => "Nodes",
            Pane::Events => "Evts",
        }
    }

    /// The name `:pane` takes.
    pub fn slug(self) -> &'static str {
        match self {
            Pane::Overview => "overview",
            Pane::Readiness => "readiness",
            Pane::Rbac => "rbac",
            Pane::Quotas => "quotas",
            Pane::Autoscaling => "autoscaling",
            Pane::Backups => "backups",
            Pane::Nodes => "nodes",
            Pane::Events => "events",
        }
    }

    fn index(self) -> usize {
        Pane::ALL.iter().position(|p| *p == self).expect("listed")
    }

    pub fn next(self) -> Pane {
        Pane::ALL[(self.index() + 1) % Pane::ALL.len()]
    }

    pub fn prev(self) -> Pane {
        Pane::ALL[(self.index() + Pane::ALL.len() - 1) % Pane::ALL.len()]
    }

    /// 1-based, as the number keys.
    pub fn from_number(n: u8) -> Option<Pane> {
        Pane::ALL.get((n as usize).checked_sub(1)?).copied()
    }
}

#[derive(Default)]
pub struct PaneStates {
    pub overview: overview::State,
    pub readiness: readiness::State,
    pub rbac: rbac::State,
    pub quotas: quotas::State,
    pub autoscaling: autoscaling::State,
    pub backups: backups::State,
    pub nodes: nodes::State,
    pub events: events::State,
}

pub fn draw(f: &mut Frame, area: Rect, cx: &Cx, states: &PaneStates, pane: Pane) {
    match pane {
        Pane::Overview => overview::draw(f, area, cx, &states.overview),
        Pane::Readiness => readiness::draw(f, area, cx, &states.readiness),
        Pane::Rbac => rbac::draw(f, area, cx, &states.rbac),
        Pane::Quotas => quotas::draw(f, area, cx, &states.quotas),
        Pane::Autoscaling => autoscaling::draw(f, area, cx, &states.autoscaling),
        Pane::Backups => backups::draw(f, area, cx, &states.backups),
        Pane::Nodes => nodes::draw(f, area, cx, &states.nodes),
        Pane::Events => events::draw(f, area, cx, &states.events),
    }
}

pub fn handle(cx: &Cx, states: &mut PaneStates, pane: Pane, ev: PaneEvent) -> Outcome {
    match pane {
        Pane::Overview => overview::handle(cx, &mut states.overview, ev),
        Pane::Readiness => readiness::handle(cx, &mut states.readiness, ev),
        Pane::Rbac => rbac::handle(cx, &mut states.rbac, ev),
        Pane::Quotas => quotas::handle(cx, &mut states.quotas, ev),
        Pane::Autoscaling => autoscaling::handle(cx, &mut states.autoscaling, ev),
        Pane::Backups => backups::handle(cx, &mut states.backups, ev),
        Pane::Nodes => nodes::handle(cx, &mut states.nodes, ev),
        Pane::Events => events::handle(cx, &mut states.events, ev),
    }
}

/// After the rows may have changed (new results, source events): keeps
/// the pane's selection on its object.
pub fn follow(cx: &Cx, states: &mut PaneStates, pane: Pane) {
    if pane == Pane::Readiness {
        readiness::follow(cx, &mut states.readiness);
    }
}

/// The object behind the selected row, for `y`.
pub fn selected_object(cx: &Cx, states: &PaneStates, pane: Pane) -> Option<ObjKey> {
    match pane {
        Pane::Overview => None,
        Pane::Readiness => readiness::selected_object(cx, &states.readiness),
        Pane::Rbac => rbac::selected_object(cx, &states.rbac),
        Pane::Quotas => quotas::selected_object(cx, &states.quotas),
        Pane::Autoscaling => autoscaling::selected_object(cx, &states.autoscaling),
        Pane::Backups => backups::selected_object(cx, &states.backups),
        Pane::Nodes => nodes::selected_object(cx, &states.nodes),
        Pane::Events => events::selected_object(cx, &states.events),
    }
}

/// The current filter text of a pane (to reopen `/` with it).
pub fn filter_of(states: &PaneStates, pane: Pane) -> String {
    match pane {
        Pane::Overview => String::new(),
        Pane::Readiness => states.readiness.nav.filter.clone(),
        Pane::Rbac => states.rbac.nav.filter.clone(),
        Pane::Quotas => states.quotas.nav.filter.clone(),
        Pane::Autoscaling => states.autoscaling.nav.filter.clone(),
        Pane::Backups => states.backups.nav.filter.clone(),
        Pane::Nodes => states.nodes.nav.filter.clone(),
        Pane::Events => states.events.nav.filter.clone(),
    }
}
