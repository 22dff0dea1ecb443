//! The resource browser (`:po`, `:deploy`, `:KIND`, and `p`/`v` from an
//! object): objects of one kind with the columns kubectl shows, filtered
//! (`/`), sorted (`s` cycles the columns), narrowed by `:ns`, optionally
//! to a set of objects (a workload's pods, an object's events).

use std::cmp::Ordering;
use std::sync::Arc;

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::{Line, Span};

use crate::config::keymap::Action;
use crate::model::ObjKey;
use crate::ui::memo::Memo;
use crate::ui::panes::Cx;
use crate::ui::widgets::table::{self, Nav, ellipsize, fit_columns};
use crate::view::objects;

/// Which objects of the kind are listed.
#[derive(Debug, Clone, PartialEq)]
pub struct Scope {
    /// What the set is (`pods of Deployment/shop/checkout`).
    pub title: String,
    pub keys: Vec<ObjKey>,
}

pub struct Row {
    pub key: ObjKey,
    pub cells: Vec<String>,
    /// Creation (events: last seen), seconds, for sorting by age.
    when: i64,
}

#[derive(PartialEq)]
struct RowsKey {
    version: u64,
    now: i64,
    filter: String,
    sort: Option<usize>,
    namespace: Option<String>,
}

pub struct State {
    pub kind: String,
    pub scope: Option<Scope>,
    pub nav: Nav,
    /// The column sorted by (`None`: namespace and name; events: newest).
    pub sort: Option<usize>,
    rows: Memo<RowsKey, Vec<Row>>,
}

impl State {
    pub fn new(kind: String, scope: Option<Scope>) -> State {
        State {
            kind,
            scope,
            nav: Nav::default(),
            sort: None,
            rows: Memo::default(),
        }
    }

    pub fn title(&self) -> String {
        match &self.scope {
            Some(s) => s.title.clone(),
            None => self.kind.clone(),
        }
    }

    /// The rows shown, filtered and sorted.
    pub fn rows(&self, cx: &Cx) -> Arc<Vec<Row>> {
        let store = &cx.model.store;
        let key = RowsKey {
            version: store.version(),
            now: cx.model.now.as_second(),
            filter: self.nav.filter.clone(),
            sort: self.sort,
            namespace: cx.namespace.map(str::to_string),
        };
        self.rows.get(key, |_| Arc::new(self.make_rows(cx)))
    }

    fn make_rows(&self, cx: &Cx) -> Vec<Row> {
        let store = &cx.model.store;
        let now = cx.model.now;
        let objs: Vec<&crate::model::ObjRef> = match &self.scope {
            Some(s) => s.keys.iter().filter_map(|k| store.get(k)).collect(),
            None => store.list(&self.kind).collect(),
        };
        let events = self.kind == "Event";
        let mut rows: Vec<Row> = objs
            .into_iter()
            .filter(|o| cx.in_scope(Some(o.namespace())))
            .map(|o| {
                let when = if events {
                    o.typed::<k8s_openapi::api::core::v1::Event>()
                        .and_then(objects::event_time)
                } else {
                    o.meta.creation_timestamp.as_ref().map(|t| t.0)
                };
                Row {
                    key: o.key.clone(),
                    cells: objects::cells(o, now),
                    when: when.map_or(0, |t| t.as_second()),
                }
            })
            .filter(|r| self.nav.filter.is_empty() || r.cells.iter().any(|c| self.nav.matches(c)))
            .collect();
        let headers = objects::columns(&self.kind);
        match self.sort {
            Some(i) if matches!(headers.get(i), Some(&"AGE") | Some(&"LAST SEEN")) => {
                rows.sort_by_key(|r| std::cmp::Reverse(r.when))
            }
            Some(i) => rows.sort_by(|a, b| by_cell(&a.cells, &b.cells, i)),
            None if events => rows.sort_by_key(|r| std::cmp::Reverse(r.when)),
            None => rows.sort_by(|a, b| a.key.cmp(&b.key)),
        }
        rows
    }

    pub fn selected(&self, cx: &Cx) -> Option<ObjKey> {
        let rows = self.rows(cx);
        rows.get(self.nav.clamp(rows.len())).map(|r| r.key.clone())
    }

    /// Navigation and `s`; false for keys it does not take.
    pub fn action(&mut self, cx: &Cx, action: Action, page: usize) -> bool {
        if action == Action::Sort {
            let n = objects::columns(&self.kind).len();
            self.sort = match self.sort {
                None => Some(0),
                Some(i) if i + 1 < n => Some(i + 1),
                Some(_) => None,
            };
            return true;
        }
        let len = self.rows(cx).len();
        self.nav.apply(action, len, page)
    }
}

/// Numbers as numbers (`10` after `9`), the rest as text.
fn by_cell(a: &[String], b: &[String], i: usize) -> Ordering {
    let (x, y) = (a.get(i), b.get(i));
    match (
        x.and_then(|s| s.parse::<f64>().ok()),
        y.and_then(|s| s.parse::<f64>().ok()),
    ) {
        (Some(p), Some(q)) => q.partial_cmp(&p).unwrap_or(Ordering::Equal),
        _ => x.cmp(&y),
    }
}

pub fn draw(f: &mut Frame, area: Rect, cx: &Cx, st: &State) {
    let rows = st.rows(cx);
    let headers = objects::columns(&st.kind);
    let mut natural: Vec<usize> = headers.iter().map(|h| h.chars().count()).collect();
    for r in rows.iter() {
        for (w, c) in natural.iter_mut().zip(&r.cells) {
            *w = (*w).max(c.chars().count());
        }
    }
    let widths = fit_columns(&natural, headers, area.width.saturating_sub(2) as usize);
    let constraints: Vec<Constraint> = widths.iter().map(|w| Constraint::Length(*w)).collect();
    let sorted = st
        .sort
        .and_then(|i| headers.get(i))
        .map(|h| format!(" sorted by {h}"))
        .unwrap_or_default();
    let filter = if st.nav.filter.is_empty() {
        String::new()
    } else {
        format!(" /{}", st.nav.filter)
    };
    let title = Line::from(vec![
        Span::styled(format!(" {} ", st.title()), cx.theme.title),
        Span::styled(format!("{filter}{sorted} "), cx.theme.muted),
    ]);
    table::draw(
        f,
        area,
        cx.theme,
        title,
        headers,
        &constraints,
        rows.len(),
        st.nav.clamp(rows.len()),
        |i| {
            rows[i]
                .cells
                .iter()
                .zip(&widths)
                .map(|(c, w)| Line::raw(ellipsize(c, *w as usize)))
                .collect()
        },
    );
}
