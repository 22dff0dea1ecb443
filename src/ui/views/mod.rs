//! Views opened over the panes: the object view and the resource browser.
//! `State::stack` holds them; `esc` goes back one, as in k9s.

pub mod browse;
pub mod object;

use ratatui::Frame;
use ratatui::layout::Rect;

use crate::config::keymap::Action;
use crate::model::ObjKey;
use crate::ui::panes::Cx;
use crate::view::objects;

pub enum View {
    Object(object::State),
    Browse(browse::State),
}

/// What a key did in a view.
#[derive(Debug, PartialEq)]
pub enum Reply {
    Handled,
    Ignored,
    Open(OpenView),
    /// Show the Readiness pane filtered by this text.
    Findings(String),
    Status(String),
}

/// A view to open on top (`Reply::Open`).
#[derive(Debug, PartialEq)]
pub enum OpenView {
    Object(ObjKey),
    Browse { kind: String, scope: browse::Scope },
}

impl OpenView {
    pub fn into_view(self) -> View {
        match self {
            OpenView::Object(key) => View::Object(object::State::new(key)),
            OpenView::Browse { kind, scope } => View::Browse(browse::State::new(kind, Some(scope))),
        }
    }
}

/// The view of `key`'s pods (`p`).
pub fn pods_of(cx: &Cx, key: &ObjKey) -> Reply {
    let Some(obj) = cx.model.store.get(key) else {
        return Reply::Status(format!("{key} is not in the store"));
    };
    let keys = objects::pods_for(&cx.model.store, obj)
        .into_iter()
        .map(|p| p.key.clone())
        .collect();
    Reply::Open(OpenView::Browse {
        kind: "Pod".into(),
        scope: browse::Scope {
            title: format!("pods of {key}"),
            keys,
        },
    })
}

/// The view of the events about `key` and, for a workload or Service, about
/// its pods (`v`).
pub fn events_of(cx: &Cx, key: &ObjKey) -> Reply {
    let store = &cx.model.store;
    let Some(obj) = store.get(key) else {
        return Reply::Status(format!("{key} is not in the store"));
    };
    let mut about: Vec<ObjKey> = vec![key.clone()];
    if !key.is("Node") && !key.is("Pod") {
        about.extend(
            objects::pods_for(store, obj)
                .into_iter()
                .map(|p| p.key.clone()),
        );
        about.extend(store.children_of(key).map(|c| c.key.clone()));
    }
    let refs: Vec<&ObjKey> = about.iter().collect();
    let keys = objects::events_about(store, &refs)
        .into_iter()
        .map(|(e, _)| e.key.clone())
        .collect();
    Reply::Open(OpenView::Browse {
        kind: "Event".into(),
        scope: browse::Scope {
            title: format!("events of {key}"),
            keys,
        },
    })
}

impl View {
    pub fn draw(&self, f: &mut Frame, area: Rect, cx: &Cx) {
        match self {
            View::Object(st) => object::draw(f, area, cx, st),
            View::Browse(st) => browse::draw(f, area, cx, st),
        }
    }

    /// The object `y`, `p` and `v` act on: the link under the cursor or the
    /// object shown; the browser's selected row.
    pub fn selected_object(&self, cx: &Cx) -> Option<ObjKey> {
        match self {
            View::Object(st) => {
                let items = object::items(cx, st);
                items
                    .get(st.cursor)
                    .and_then(|i| i.link.clone())
                    .or_else(|| Some(st.key.clone()))
            }
            View::Browse(st) => st.selected(cx),
        }
    }

    pub fn filter(&self) -> &str {
        match self {
            View::Object(st) => &st.search,
            View::Browse(st) => &st.nav.filter,
        }
    }

    /// The `/` text: the object view searches (and moves to the first
    /// match), the browser filters.
    pub fn set_filter(&mut self, cx: &Cx, text: String) {
        match self {
            View::Object(st) => {
                st.search = text;
                let items = object::items(cx, st);
                if let Some(&first) = object::matches(&items, &st.search).first() {
                    st.cursor = first;
                }
            }
            View::Browse(st) => {
                st.nav.filter = text;
                st.nav.selected = 0;
            }
        }
    }

    pub fn handle(&mut self, cx: &Cx, action: Action, page: usize) -> Reply {
        match self {
            View::Object(st) => {
                let items = object::items(cx, st);
                let last = items.len().saturating_sub(1);
                let hits = object::matches(&items, &st.search);
                st.cursor = match action {
                    Action::Up => st.cursor.saturating_sub(1),
                    Action::Down => (st.cursor + 1).min(last),
                    Action::PageUp => st.cursor.saturating_sub(page),
                    Action::PageDown => (st.cursor + page).min(last),
                    Action::Top => 0,
                    Action::Bottom => last,
                    Action::NextMatch | Action::PrevMatch if hits.is_empty() => {
                        return Reply::Status(if st.search.is_empty() {
                            "no search: / to search".into()
                        } else {
                            format!("no match for {:?}", st.search)
                        });
                    }
                    Action::NextMatch => *hits.iter().find(|&&i| i > st.cursor).unwrap_or(&hits[0]),
                    Action::PrevMatch => *hits
                        .iter()
                        .rev()
                        .find(|&&i| i < st.cursor)
                        .unwrap_or(&hits[hits.len() - 1]),
                    Action::Select => {
                        return match items.get(st.cursor).and_then(|i| i.link.clone()) {
                            Some(key) => Reply::Open(OpenView::Object(key)),
                            None => Reply::Ignored,
                        };
                    }
                    Action::Pods => return pods_of(cx, &st.key),
                    Action::Events => return events_of(cx, &st.key),
                    Action::Related => return Reply::Findings(st.key.name.to_string()),
                    _ => return Reply::Ignored,
                };
                Reply::Handled
            }
            View::Browse(st) => {
                let selected = st.selected(cx);
                match (action, selected) {
                    (Action::Select, Some(key)) => Reply::Open(OpenView::Object(key)),
                    (Action::Pods, Some(key)) => pods_of(cx, &key),
                    (Action::Events, Some(key)) => events_of(cx, &key),
                    (Action::Related, Some(key)) => Reply::Findings(key.name.to_string()),
                    (a, _) if st.action(cx, a, page) => Reply::Handled,
                    _ => Reply::Ignored,
                }
            }
        }
    }
}
