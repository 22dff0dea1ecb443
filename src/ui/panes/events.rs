//! Events: the Warning events in the store, newest first (last seen,
//! namespace, involved object, reason, count, message), filterable with
//! `/`, under a sparkline of Warning events per sample
//! (`Model::warning_rate`). Rows are derived once per store generation, so
//! new events show up as the store changes. `enter` toggles the detail
//! (always shown when the pane has 40 rows or more); `y` shows the involved
//! object.

use std::sync::Arc;

use k8s_openapi::api::core::v1::Event;
use k8s_openapi::jiff::Timestamp;
use k8s_openapi::jiff::tz::TimeZone;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Sparkline, Wrap};

use super::{Cx, Outcome, Pane, PaneEvent};
use crate::config::keymap::Action;
use crate::model::{ObjKey, inert, kinds};
use crate::ui::memo::Memo;
use crate::ui::widgets::grid::{self, Grid, Row, Tone, one_line};
use crate::ui::widgets::table::{Keep, Nav};
use crate::view::duration::age;
use crate::view::topology::common_domain;

#[derive(Default)]
pub struct State {
    pub nav: Nav,
    pub detail: bool,
    view: Memo<ViewKey, View>,
}

#[derive(Clone, PartialEq)]
struct ViewKey {
    generation: u64,
    filter: String,
    namespace: Option<String>,
    now: Timestamp,
}

#[derive(Debug, Clone, PartialEq)]
pub struct View {
    pub events: Grid,
    /// Full messages and first-seen/source text of the rows, for the detail.
    pub details: Vec<String>,
    /// The Event object of each row: the selection's identity (several
    /// events can be about one involved object).
    pub ids: Vec<String>,
}

/// When an event was last seen: `lastTimestamp`, the series' last
/// observation, `eventTime`, `firstTimestamp`, then creation.
pub fn last_seen(o: &crate::model::Object, e: &Event) -> Option<Timestamp> {
    e.last_timestamp
        .as_ref()
        .map(|t| t.0)
        .or_else(|| {
            e.series
                .as_ref()
                .and_then(|s| s.last_observed_time.as_ref())
                .map(|t| t.0)
        })
        .or_else(|| e.event_time.as_ref().map(|t| t.0))
        .or_else(|| e.first_timestamp.as_ref().map(|t| t.0))
        .or_else(|| o.meta.creation_timestamp.as_ref().map(|t| t.0))
}

/// The involved object as a store key (cluster-scoped kinds have no
/// namespace; a namespaced one without its own defaults to the event's).
pub fn involved_key(o: &crate::model::Object, e: &Event) -> Option<ObjKey> {
    let io = &e.involved_object;
    let kind = io.kind.as_deref()?;
    let name = io.name.as_deref()?;
    let ns = match kinds::namespaced(kind) {
        Some(false) => "",
        _ => io.namespace.as_deref().unwrap_or(o.namespace()),
    };
    Some(ObjKey::new(kind, ns, name))
}

/// kubectl's short names for the long kinds events are about.
fn short_kind(kind: &str) -> &str {
    match kind {
        "HorizontalPodAutoscaler" => "hpa",
        "BackupStorageLocation" => "bsl",
        "PersistentVolumeClaim" => "pvc",
        "PersistentVolume" => "pv",
        "PodDisruptionBudget" => "pdb",
        "VerticalPodAutoscaler" => "vpa",
        k => k,
    }
}

pub fn view(cx: &Cx, st: &State) -> Arc<View> {
    let key = ViewKey {
        generation: cx.model.generation,
        filter: st.nav.filter.clone(),
        namespace: cx.namespace.map(str::to_string),
        now: cx.model.now,
    };
    st.view.get(key, |_| Arc::new(derive(cx, &st.nav)))
}

fn derive(cx: &Cx, nav: &Nav) -> View {
    let now = cx.model.now;
    let mut list: Vec<(Option<Timestamp>, &crate::model::ObjRef, &Event)> = cx
        .model
        .store
        .typed::<Event>()
        .filter(|(_, e)| e.type_.as_deref() == Some("Warning"))
        .filter(|(o, _)| cx.in_scope(Some(o.namespace())))
        .map(|(o, e)| (last_seen(o, e), o, e))
        .collect();
    list.sort_by(|a, b| {
        b.0.cmp(&a.0)
            .then_with(|| a.1.namespace().cmp(b.1.namespace()))
            .then_with(|| a.1.name().cmp(b.1.name()))
    });
    let nodes: Vec<&str> = cx.model.store.list("Node").map(|n| n.name()).collect();
    let domain = common_domain(&nodes).map(str::to_string);
    let mut rows = Vec::new();
    let mut details = Vec::new();
    let mut ids = Vec::new();
    for (at, o, e) in list {
        let io = &e.involved_object;
        let kind = io.kind.as_deref().unwrap_or("?");
        let name = io.name.as_deref().unwrap_or("?");
        let name = match (kind, &domain) {
            ("Node", Some(d)) => name
                .strip_suffix(d.as_str())
                .and_then(|n| n.strip_suffix('.'))
                .unwrap_or(name),
            _ => name,
        };
        let object = format!("{}/{name}", short_kind(kind));
        let count = e
            .count
            .or_else(|| e.series.as_ref().and_then(|s| s.count))
            .unwrap_or(1)
            .max(1);
        let message = one_line(e.message.as_deref().unwrap_or(""));
        let row = Row::new(involved_key(o, e))
            .cell(at.map_or("-".into(), |t| age(now, t)))
            .cell(at.map_or("-".into(), |t| {
                t.to_zoned(TimeZone::UTC)
                    .strftime("%m-%d %H:%M:%SZ")
                    .to_string()
            }))
            .cell(o.namespace())
            .cell(object.clone())
            .word(e.reason.as_deref().unwrap_or("-"), Tone::Warning)
            .cell(count.to_string())
            .cell(message.clone());
        if !row.cells.iter().any(|c| nav.matches(c)) {
            continue;
        }
        let first = e
            .first_timestamp
            .as_ref()
            .map(|t| t.0)
            .or_else(|| e.event_time.as_ref().map(|t| t.0));
        let source = e
            .source
            .as_ref()
            .and_then(|s| s.component.clone())
            .or_else(|| e.reporting_component.clone())
            .unwrap_or_else(|| "?".into());
        details.push(format!(
            "{kind}/{full} in {ns}: {reason} ×{count}, first seen {first}, last seen {last}, from \
             {source}\n{message}",
            ns = o.namespace(),
            full = io.name.as_deref().unwrap_or("?"),
            reason = e.reason.as_deref().unwrap_or("-"),
            first = first.map_or("?".into(), |t| format!("{} ago", age(now, t))),
            last = at.map_or("?".into(), |t| format!("{} ago", age(now, t))),
        ));
        rows.push(row);
        ids.push(o.key.to_string());
    }
    let mut events = Grid::new(
        "Warning events",
        &[
            "LAST",
            "TIME",
            "NAMESPACE",
            "OBJECT",
            "REASON",
            "COUNT",
            "MESSAGE",
        ],
        &[0, 3, 2, 0, 0, 1, 0],
    );
    events.max = &[6, 16, 16, 40, 28, 6, 200];
    events.note = "newest first".into();
    events.empty = "no Warning events in the store".into();
    events.total = cx
        .model
        .store
        .typed::<Event>()
        .filter(|(o, e)| e.type_.as_deref() == Some("Warning") && cx.in_scope(Some(o.namespace())))
        .count();
    events.rows = rows;
    View {
        events,
        details,
        ids,
    }
}

pub fn handle(cx: &Cx, st: &mut State, ev: PaneEvent) -> Outcome {
    match ev {
        PaneEvent::Filter(f) => {
            st.nav.filter = f;
            st.nav.selected = 0;
            keep(cx, st, Keep::Anchor);
            Outcome::Handled
        }
        PaneEvent::Action(Action::Detail) => {
            st.detail = !st.detail;
            Outcome::Handled
        }
        PaneEvent::Action(a) => {
            let len = view(cx, st).events.rows.len();
            if st.nav.apply(a, len, 20) {
                keep(cx, st, Keep::Anchor);
                Outcome::Handled
            } else {
                Outcome::Ignored
            }
        }
    }
}

/// Keeps the selection on its event (see `Keep`), as newer ones arrive
/// above it.
fn keep(cx: &Cx, st: &mut State, how: Keep) {
    let v = view(cx, st);
    st.nav.keep(how, v.ids.len(), |i| v.ids.get(i).cloned());
}

pub fn selected_object(cx: &Cx, st: &State) -> Option<ObjKey> {
    let v = view(cx, st);
    v.events
        .rows
        .get(st.nav.clamp(v.events.rows.len()))
        .and_then(|r| r.obj.clone())
}

pub fn draw(f: &mut Frame, area: Rect, cx: &Cx, st: &State) {
    let theme = cx.theme;
    let v = view(cx, st);
    let show_detail = st.detail || grid::is_tall(area);
    let [spark_area, table_area, detail_area] = Layout::vertical([
        Constraint::Length(3),
        Constraint::Min(5),
        Constraint::Length(if show_detail { 5 } else { 0 }),
    ])
    .areas(area);

    // Sparkline: the newest samples that fit, one column each.
    let rate = &cx.model.warning_rate;
    let width = spark_area.width.saturating_sub(2) as usize;
    let data: Vec<u64> = rate
        .iter()
        .skip(rate.len().saturating_sub(width))
        .copied()
        .collect();
    let latest = data.last().copied().unwrap_or(0);
    let max = data.iter().copied().max().unwrap_or(0);
    let title = Line::from(vec![
        Span::styled(" Warning rate ", theme.title),
        Span::styled(
            format!(
                "new per sample: last {latest}, max {max} over {} samples ",
                data.len()
            ),
            theme.muted,
        ),
    ]);
    f.render_widget(
        Sparkline::default()
            .block(
                Block::default()
                    .borders(Borders::ALL)
                    .border_style(theme.border)
                    .title(title),
            )
            .data(&data)
            .style(theme.warning),
        spark_area,
    );

    let selected = st.nav.clamp(v.events.rows.len());
    grid::draw_grid(
        f,
        table_area,
        theme,
        &v.events,
        selected,
        true,
        &st.nav.filter,
    );

    if show_detail {
        let block = Block::default()
            .borders(Borders::ALL)
            .border_style(theme.border)
            .title(Span::styled(" Event ", theme.title));
        let text = v
            .details
            .get(selected)
            .cloned()
            .unwrap_or_else(|| "no event selected".into());
        f.render_widget(
            Paragraph::new(inert::inert_lines(&text).into_owned())
                .block(block)
                .wrap(Wrap { trim: true }),
            detail_area,
        );
    }
}

impl Pane for State {
    fn title(&self) -> &'static str {
        "Events"
    }

    fn short_title(&self) -> &'static str {
        "Evts"
    }

    fn slug(&self) -> &'static str {
        "events"
    }

    fn handle(&mut self, cx: &Cx, ev: PaneEvent) -> Outcome {
        handle(cx, self, ev)
    }

    fn draw(&self, f: &mut Frame, area: Rect, cx: &Cx) {
        draw(f, area, cx, self)
    }

    fn selected_object(&self, cx: &Cx) -> Option<ObjKey> {
        selected_object(cx, self)
    }

    fn filter(&self) -> &str {
        &self.nav.filter
    }

    fn follow(&mut self, cx: &Cx) {
        keep(cx, self, Keep::Follow)
    }

    fn hints(&self) -> &'static [(Action, &'static str)] {
        &[(Action::Detail, "show or hide the event's detail")]
    }
}
