//! The object view (`enter` on a row): what an SRE asks of one object —
//! its state, its findings, its owners and what it owns, the pods behind
//! it, its events — as lines, some of them links to other objects.
//! `/` searches it (`n`/`N`), `enter` on a link opens that object.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

use std::sync::Arc;

use crate::checks::{Status, catalog};
use crate::model::{ObjKey, ObjRef};
use crate::ui::memo::Memo;
use crate::ui::panes::Cx;
use crate::ui::widgets::table::contains_ignore_case;
use crate::ui::widgets::{fit_line, inert_line};
use crate::view::duration::age;
use crate::view::objects::{self, event_time, pod_summary};

/// A line of the view, and the object it leads to.
pub struct Item {
    pub line: Line<'static>,
    pub link: Option<ObjKey>,
}

pub struct State {
    pub key: ObjKey,
    pub cursor: usize,
    /// The `/` search (empty: none).
    pub search: String,
    /// The lines, until the store, the results or the clock move: a key
    /// or a frame does not scan every result again.
    items: Memo<(u64, u64, i64), Vec<Item>>,
}

impl State {
    pub fn new(key: ObjKey) -> State {
        State {
            key,
            cursor: 0,
            search: String::new(),
            items: Memo::default(),
        }
    }
}

fn text(line: &Line) -> String {
    line.spans.iter().map(|s| s.content.as_ref()).collect()
}

fn heading(cx: &Cx, title: String) -> Item {
    Item {
        line: Line::styled(title, cx.theme.header),
        link: None,
    }
}

fn plain(s: String) -> Item {
    Item {
        line: Line::raw(s),
        link: None,
    }
}

/// A line for a pod: name, ready, status, restarts, node, age.
fn pod_item(cx: &Cx, p: &ObjRef, indent: &str) -> Item {
    let s = pod_summary(p);
    let style = match s.status.as_str() {
        "Running" | "Succeeded" | "Completed" => cx.theme.base,
        _ => cx.theme.error,
    };
    let created = p.meta.creation_timestamp.as_ref().map(|t| t.0);
    Item {
        line: Line::from(vec![
            Span::raw(format!("{indent}Pod {:<40} ", p.name())),
            Span::styled(format!("{:<18}", s.status), style),
            Span::raw(format!(
                " {:<5} restarts {:<4} {} {}",
                s.ready,
                s.restarts,
                s.node.as_deref().unwrap_or("-"),
                created.map_or("-".into(), |t| age(cx.model.now, t))
            )),
        ]),
        link: Some(p.key.clone()),
    }
}

/// The view's lines for the object now in the store.
pub fn items(cx: &Cx, st: &State) -> Arc<Vec<Item>> {
    let m = cx.model;
    let key = (m.generation, m.store.version(), m.now.as_second());
    st.items.get(key, |_| Arc::new(make_items(cx, st)))
}

fn make_items(cx: &Cx, st: &State) -> Vec<Item> {
    let store = &cx.model.store;
    let theme = cx.theme;
    let Some(obj) = store.get(&st.key) else {
        return vec![plain(format!(
            "{} is not in the cluster (any more): it was deleted, or is not readable",
            st.key
        ))];
    };
    let mut out = Vec::new();
    // State.
    let cells = objects::cells(obj, cx.model.now);
    let cols = objects::columns(&obj.key.kind);
    out.push(heading(cx, st.key.to_string()));
    out.push(plain(
        cols.iter()
            .zip(&cells)
            .map(|(c, v)| format!("{}: {v}", c.to_ascii_lowercase()))
            .collect::<Vec<_>>()
            .join("   "),
    ));
    if obj.key.is("Node") {
        for (name, status) in node_conditions(obj) {
            out.push(plain(format!("  condition {name} = {status}")));
        }
    }

    // Findings on the object (containers included).
    let findings: Vec<_> = cx
        .model
        .results
        .iter()
        .filter(|r| {
            // The name first: a key is built only for the few that match it.
            r.status != Status::Pass
                && r.subject.name.as_str() == obj.name()
                && r.subject.key() == obj.key
        })
        .collect();
    out.push(plain(String::new()));
    out.push(heading(cx, format!("Findings ({})", findings.len())));
    if findings.is_empty() {
        out.push(plain("  none: every check on it passes".into()));
    }
    for r in findings {
        let (word, style) = crate::ui::panes::readiness::severity_cell(theme, r);
        let container = r
            .subject
            .container
            .as_ref()
            .map(|c| format!(" [{c}]"))
            .unwrap_or_default();
        out.push(Item {
            line: Line::from(vec![
                Span::styled(format!("  {word:<8}"), style),
                Span::styled(format!("{}{container}  ", r.check), theme.accent),
                Span::raw(r.message.clone()),
            ]),
            link: None,
        });
        for e in &r.evidence {
            out.push(plain(format!("            {e}")));
        }
        if let Some(fix) = catalog()
            .iter()
            .find(|c| c.id == r.check)
            .and_then(|c| c.fix)
        {
            out.push(plain(format!("            fix: {fix}")));
        }
    }

    // Owners and owned.
    let owners = objects::owners(store, obj);
    if !owners.is_empty() {
        out.push(plain(String::new()));
        out.push(heading(cx, "Owned by".into()));
        for (i, o) in owners.iter().enumerate() {
            out.push(Item {
                line: Line::raw(format!("  {}{}", "  ".repeat(i), o.key)),
                link: Some(o.key.clone()),
            });
        }
    }
    let children: Vec<&ObjRef> = store.children_of(&obj.key).collect();
    if !children.is_empty() {
        out.push(plain(String::new()));
        out.push(heading(cx, format!("Owns ({})", children.len())));
        for c in children {
            if c.key.is("Pod") {
                out.push(pod_item(cx, c, "  "));
                continue;
            }
            out.push(Item {
                line: Line::raw(format!(
                    "  {}  {}",
                    c.key,
                    objects::cells(c, cx.model.now)
                        .get(2..)
                        .map(|c| c.join("  "))
                        .unwrap_or_default()
                )),
                link: Some(c.key.clone()),
            });
            for p in store.children_of(&c.key).filter(|p| p.key.is("Pod")) {
                out.push(pod_item(cx, p, "    "));
            }
        }
    }
    if obj.key.is("Service") || obj.key.is("Node") {
        let pods = objects::pods_for(store, obj);
        out.push(plain(String::new()));
        let what = if obj.key.is("Node") {
            "Pods on this node"
        } else {
            "Selects pods"
        };
        out.push(heading(cx, format!("{what} ({})", pods.len())));
        for p in pods {
            out.push(pod_item(cx, p, "  "));
        }
    }

    // Events, newest first.
    let events = objects::events_about(store, &[&obj.key]);
    out.push(plain(String::new()));
    out.push(heading(cx, format!("Events ({})", events.len())));
    if events.is_empty() {
        out.push(plain("  none stored".into()));
    }
    for (_, e) in events {
        let warning = e.type_.as_deref() == Some("Warning");
        let count = e.count.filter(|c| *c > 1).map(|c| format!(" (×{c})"));
        out.push(Item {
            line: Line::from(vec![
                Span::raw(format!(
                    "  {:>6} ago  ",
                    event_time(e).map_or("-".into(), |t| age(cx.model.now, t))
                )),
                Span::styled(
                    format!("{:<8}", e.type_.as_deref().unwrap_or("")),
                    if warning { theme.warning } else { theme.muted },
                ),
                Span::styled(
                    format!("{:<18} ", e.reason.as_deref().unwrap_or("")),
                    theme.accent,
                ),
                Span::raw(format!(
                    "{}{}",
                    e.message.as_deref().unwrap_or(""),
                    count.unwrap_or_default()
                )),
            ]),
            link: None,
        });
    }
    out.push(plain(String::new()));
    out.push(Item {
        line: Line::styled(
            "y: the whole YAML · p: its pods · v: its events · r: related findings · esc: back",
            theme.muted,
        ),
        link: None,
    });
    out
}

fn node_conditions(obj: &ObjRef) -> Vec<(String, String)> {
    obj.typed::<k8s_openapi::api::core::v1::Node>()
        .and_then(|n| n.status.as_ref())
        .and_then(|s| s.conditions.as_ref())
        .map(|cs| {
            cs.iter()
                .map(|c| (c.type_.clone(), c.status.clone()))
                .collect()
        })
        .unwrap_or_default()
}

/// The lines matching the search, by index.
pub fn matches(items: &[Item], search: &str) -> Vec<usize> {
    if search.is_empty() {
        return Vec::new();
    }
    items
        .iter()
        .enumerate()
        .filter(|(_, i)| contains_ignore_case(&text(&i.line), search))
        .map(|(n, _)| n)
        .collect()
}

pub fn draw(f: &mut Frame, area: Rect, cx: &Cx, st: &State) {
    let items = items(cx, st);
    let theme = cx.theme;
    let visible = area.height.saturating_sub(2) as usize;
    let cursor = st.cursor.min(items.len().saturating_sub(1));
    let offset = (cursor + 1).saturating_sub(visible);
    let hits = matches(&items, &st.search);
    let lines: Vec<Line> = items
        .iter()
        .enumerate()
        .skip(offset)
        .take(visible)
        .map(|(i, item)| {
            let mut line = fit_line(
                inert_line(item.line.clone()),
                area.width.saturating_sub(2) as usize,
            );
            if item.link.is_some() {
                line = line.patch_style(Style::default().add_modifier(Modifier::UNDERLINED));
            }
            if hits.contains(&i) {
                line = line.patch_style(theme.accent);
            }
            if i == cursor {
                line = line.patch_style(theme.selected);
            }
            line
        })
        .collect();
    let more = offset + visible < items.len();
    let bottom = match (more, hits.len()) {
        (true, 0) => " ↓ more ".to_string(),
        (false, 0) => " end ".to_string(),
        (more, n) => format!(
            " {n} matches for {:?}{} ",
            st.search,
            if more { " · ↓ more" } else { "" }
        ),
    };
    f.render_widget(
        Paragraph::new(lines).style(theme.base).block(
            Block::default()
                .borders(Borders::ALL)
                .border_style(theme.accent)
                .title(inert_line(Line::styled(
                    format!(" {} ", st.key),
                    theme.title,
                )))
                .title_bottom(Line::from(bottom).right_aligned()),
        ),
        area,
    );
}
