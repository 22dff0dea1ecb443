//! Views opened over the panes: the object view and the resource browser.
//! `State::stack` holds them; `esc` goes back one, as in k9s.

pub mod browse;
pub mod object;

use ratatui::Frame;
use ratatui::layout::Rect;

use crate::config::keymap::Action;
use crate::model::{ObjKey, ObjRef};
use crate::store::ClusterStore;
use crate::ui::panes::Cx;
use crate::ui::widgets::table::{Nav, next_hit};
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

/// What `enter`, `p`, `v` and `r` do on an object, wherever it is selected
/// (a pane's row, a browser's row, an object view); `None` for other keys.
pub fn on_object(cx: &Cx, action: Action, key: ObjKey) -> Option<Reply> {
    Some(match action {
        Action::Select => Reply::Open(OpenView::Object(key)),
        Action::Pods => related(cx, &key, "Pod", "pods", |store, obj| {
            objects::pods_for(store, obj)
                .into_iter()
                .map(|p| p.key.clone())
                .collect()
        }),
        // The events about it and, for a workload or Service, about its
        // pods and the objects it owns.
        Action::Events => related(cx, &key, "Event", "events", |store, obj| {
            let mut about: Vec<ObjKey> = vec![obj.key.clone()];
            if !obj.key.is("Node") && !obj.key.is("Pod") {
                about.extend(
                    objects::pods_for(store, obj)
                        .into_iter()
                        .map(|p| p.key.clone()),
                );
                about.extend(store.children_of(&obj.key).map(|c| c.key.clone()));
            }
            let refs: Vec<&ObjKey> = about.iter().collect();
            objects::events_about(store, &refs)
                .into_iter()
                .map(|(e, _)| e.key.clone())
                .collect()
        }),
        Action::Related => Reply::Findings(key.name.to_string()),
        _ => return None,
    })
}

/// A browser of `kind` over the objects `keys` finds for `key`.
fn related(
    cx: &Cx,
    key: &ObjKey,
    kind: &str,
    what: &str,
    keys: impl Fn(&ClusterStore, &ObjRef) -> Vec<ObjKey>,
) -> Reply {
    let store = &cx.model.store;
    let Some(obj) = store.get(key) else {
        return Reply::Status(format!("{key} is not in the store"));
    };
    Reply::Open(OpenView::Browse {
        kind: kind.into(),
        scope: browse::Scope {
            title: format!("{what} of {key}"),
            keys: keys(store, obj),
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
                // The cursor moves as a table's selection does.
                let mut nav = Nav {
                    selected: st.cursor,
                    ..Nav::default()
                };
                if nav.apply(action, items.len(), page) {
                    st.cursor = nav.selected;
                    return Reply::Handled;
                }
                match action {
                    Action::NextMatch | Action::PrevMatch => {
                        let hits = object::matches(&items, &st.search);
                        match next_hit(&hits, st.cursor, action == Action::NextMatch) {
                            Some(i) => {
                                st.cursor = i;
                                Reply::Handled
                            }
                            None if st.search.is_empty() => {
                                Reply::Status("no search: / to search".into())
                            }
                            None => Reply::Status(format!("no match for {:?}", st.search)),
                        }
                    }
                    // `enter` follows the link under the cursor; the other
                    // object keys act on the object shown.
                    Action::Select => match items.get(st.cursor).and_then(|i| i.link.clone()) {
                        Some(key) => Reply::Open(OpenView::Object(key)),
                        None => Reply::Ignored,
                    },
                    a => on_object(cx, a, st.key.clone()).unwrap_or(Reply::Ignored),
                }
            }
            View::Browse(st) => {
                if let Some(reply) = st.selected(cx).and_then(|key| on_object(cx, action, key)) {
                    reply
                } else if st.action(cx, action, page) {
                    Reply::Handled
                } else {
                    Reply::Ignored
                }
            }
        }
    }
}
