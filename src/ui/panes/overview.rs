//! Overview: the findings that changed since kready opened (newest first),
//! overall and per-category scores, counts by severity, the errors' trend,
//! the checks whose fixing raises the score most (outages first), and the
//! source status.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::symbols;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Axis, Block, Borders, Chart, Dataset, GraphType, Paragraph};

use std::sync::Arc;

use k8s_openapi::jiff::Timestamp;

use super::{Cx, Outcome, Pane, PaneEvent, derived};
use crate::checks::score::Gain;
use crate::checks::{Category, STATE_CHECKS};
use crate::config::keymap::Action;
use crate::model::ObjKey;
use crate::report::score_text;
use crate::runtime::checker::{Derive, DeriveInput};
use crate::runtime::timeline::{Change, ChangeKind, Point};
use crate::store::KindStatus;
use crate::ui::memo::Memo;
use crate::ui::widgets::inert_lines;
use crate::ui::widgets::table::{Nav, ellipsize};
use crate::view::duration::age;

/// The Overview's two lists a row can be selected in.
const CHANGES: usize = 0;
const GAINS: usize = 1;

#[derive(Default)]
pub struct State {
    counts: Memo<u64, Counts>,
    /// The list with the selection (changes, gains).
    focus: usize,
    selected: [usize; 2],
}

/// What the source box counts, derived by the checker (see `Pane::derive`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Counts {
    pub objects: usize,
    pub kinds: usize,
}

fn derive_counts(input: &DeriveInput) -> Counts {
    Counts {
        objects: input.store.len(),
        kinds: input.store.kinds().len(),
    }
}

/// The findings changed since the console opened, in `:ns` scope, newest
/// first.
fn changes<'a>(cx: &'a Cx) -> Vec<&'a Change> {
    cx.model
        .timeline
        .iter()
        .filter(|c| cx.in_scope(c.t.subject.scope_namespace()))
        .collect()
}

/// The checks whose fixing raises the score most, outages first (a crash
/// loop before a missing practice), then by gain.
fn gains<'a>(cx: &'a Cx) -> Vec<&'a Gain> {
    let mut g: Vec<&Gain> = cx.model.gains.iter().collect();
    g.sort_by_key(|g| !STATE_CHECKS.contains(&g.check.as_str()));
    g
}

pub fn handle(cx: &Cx, st: &mut State, ev: PaneEvent) -> Outcome {
    let PaneEvent::Action(action) = ev else {
        return Outcome::Ignored;
    };
    let lens = [changes(cx).len(), gains(cx).len()];
    match action {
        Action::NextSection | Action::PrevSection => {
            st.focus = 1 - st.focus;
            Outcome::Status(
                if st.focus == CHANGES {
                    "section: since you opened kready"
                } else {
                    "section: what would raise the score most"
                }
                .into(),
            )
        }
        // A gain opens its check's findings.
        Action::Select if st.focus == GAINS => match gains(cx).get(st.selected[GAINS]) {
            Some(g) => Outcome::Command(format!("check {}", g.check)),
            None => Outcome::Ignored,
        },
        a => {
            let mut nav = Nav {
                selected: st.selected[st.focus],
                ..Nav::default()
            };
            if nav.apply(a, lens[st.focus], 10) {
                st.selected[st.focus] = nav.selected;
                Outcome::Handled
            } else {
                Outcome::Ignored
            }
        }
    }
}

/// The object of the selected change (`enter` opens it).
pub fn selected_object(cx: &Cx, st: &State) -> Option<ObjKey> {
    if st.focus != CHANGES {
        return None;
    }
    let list = changes(cx);
    let c = list.get(st.selected[CHANGES].min(list.len().saturating_sub(1)))?;
    Some(c.t.subject.key())
}

fn score_style(cx: &Cx, score: Option<f64>) -> Style {
    match score {
        None => cx.theme.muted,
        Some(s) if s >= 90.0 => cx.theme.pass,
        Some(s) if s >= 70.0 => cx.theme.warning,
        Some(_) => cx.theme.error,
    }
}

fn boxed<'a>(cx: &Cx, title: impl Into<Line<'a>>, focused: bool) -> Block<'a> {
    Block::default()
        .borders(Borders::ALL)
        .border_style(if focused {
            cx.theme.accent
        } else {
            cx.theme.border
        })
        .title(title)
}

pub fn draw(f: &mut Frame, area: Rect, cx: &Cx, st: &State) {
    let large = area.height >= 36 && area.width >= 120;
    // The source box (kinds forbidden or failing) whenever it fits.
    let source_height = if area.height >= 26 {
        9.min(area.height - 17)
    } else {
        0
    };
    let [top, middle, bottom] = Layout::vertical([
        Constraint::Length(11),
        Constraint::Min(6),
        Constraint::Length(source_height),
    ])
    .areas(area);
    if large {
        let [score, counts, trend] = Layout::horizontal([
            Constraint::Min(50),
            Constraint::Length(20),
            Constraint::Percentage(40),
        ])
        .areas(top);
        draw_scores(f, score, cx);
        draw_counts(f, counts, cx, false);
        draw_trend(f, trend, cx);
    } else {
        let [score, counts] =
            Layout::horizontal([Constraint::Min(40), Constraint::Length(30)]).areas(top);
        draw_scores(f, score, cx);
        draw_counts(f, counts, cx, true);
    }
    let [changes_area, gains_area] =
        Layout::horizontal([Constraint::Percentage(60), Constraint::Percentage(40)]).areas(middle);
    draw_changes(f, changes_area, cx, st);
    draw_gains(f, gains_area, cx, st);
    if source_height > 0 {
        draw_source(f, bottom, cx, st);
    }
}

/// Per-category scores as horizontal gauges; the number and the word carry
/// the value without colour. Every bar has one width.
fn draw_scores(f: &mut Frame, area: Rect, cx: &Cx) {
    let theme = cx.theme;
    let m = cx.model;
    let block = boxed(
        cx,
        Line::from(vec![
            Span::styled(" Readiness score ", theme.title),
            Span::styled(
                score_text(m.scores.overall),
                score_style(cx, m.scores.overall),
            ),
            Span::raw(" "),
        ]),
        false,
    );
    let inner = block.inner(area);
    f.render_widget(block, area);
    let details: Vec<String> = Category::ALL
        .iter()
        .map(|c| {
            let t = m.scores.tallies.get(c).copied().unwrap_or_default();
            format!(" {}E {}W {}I", t.error, t.warning, t.info)
        })
        .collect();
    let detail_width = details.iter().map(|d| d.len()).max().unwrap_or(0) as u16;
    let rows = Layout::vertical(vec![Constraint::Length(1); Category::ALL.len()]).split(inner);
    for ((c, row), detail) in Category::ALL.iter().zip(rows.iter()).zip(details) {
        let s = m.scores.categories.get(c).copied().flatten();
        let label = format!("{:<14}{:>4} ", c.as_str(), score_text(s));
        let [l, g, d] = Layout::horizontal([
            Constraint::Length(19),
            Constraint::Min(6),
            Constraint::Length(detail_width),
        ])
        .areas(*row);
        f.render_widget(Span::styled(label, score_style(cx, s)), l);
        f.render_widget(bar(s, g.width, score_style(cx, s), theme.muted), g);
        f.render_widget(Span::styled(detail, theme.muted), d);
    }
}

fn draw_counts(f: &mut Frame, area: Rect, cx: &Cx, with_spark: bool) {
    let theme = cx.theme;
    let t = &cx.model.scores.tally;
    let line = |n: usize, style: Style, word: &'static str| {
        Line::from(vec![
            Span::styled(format!("{n:>6} "), style),
            Span::raw(word),
        ])
    };
    let mut lines = vec![
        line(t.error, theme.error, "error"),
        line(t.warning, theme.warning, "warning"),
        line(t.info, theme.info, "info"),
        line(t.unknown, theme.unknown, "unknown"),
        line(t.pass, theme.pass, "pass"),
    ];
    if with_spark {
        // At 80×24 the trend is a sparkline of errors under the counts.
        let points = cx.model.trend.points();
        let width = area.width.saturating_sub(2) as usize;
        let values: Vec<u64> = resample(points, width, cx.model.started, cx.model.now);
        let max = values.iter().copied().max().unwrap_or(0).max(1);
        const BARS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
        let spark: String = values
            .iter()
            .map(|v| BARS[((*v * 7) / max) as usize])
            .collect();
        lines.push(Line::raw(""));
        lines.push(Line::styled(
            format!("errors since {}", cx.model.started.strftime("%H:%M")),
            theme.muted,
        ));
        lines.push(Line::styled(spark, theme.error));
    }
    f.render_widget(
        Paragraph::new(lines).block(boxed(cx, Span::styled(" Results ", theme.title), false)),
        area,
    );
}

/// The errors at `width` evenly spaced times from `start` to `now` (each
/// the value of the last point at or before it).
fn resample(points: &[Point], width: usize, start: Timestamp, now: Timestamp) -> Vec<u64> {
    let span = (now.as_second() - start.as_second()).max(1) as f64;
    (0..width)
        .map(|i| {
            let at = start.as_second() as f64 + span * (i as f64 + 1.0) / width.max(1) as f64;
            points
                .iter()
                .take_while(|p| p.at.as_second() as f64 <= at)
                .last()
                .map_or(0, |p| p.errors)
        })
        .collect()
}

/// Errors over the session, with a time axis; the score's move in the title.
fn draw_trend(f: &mut Frame, area: Rect, cx: &Cx) {
    let theme = cx.theme;
    let m = cx.model;
    let start = m.started.as_second();
    let data: Vec<(f64, f64)> = m
        .trend
        .points()
        .iter()
        .map(|p| ((p.at.as_second() - start) as f64, p.errors as f64))
        .chain(std::iter::once((
            (m.now.as_second() - start) as f64,
            m.scores.tally.error as f64,
        )))
        .collect();
    let span = ((m.now.as_second() - start) as f64).max(60.0);
    let top = data.iter().map(|d| d.1).fold(0.0, f64::max).max(1.0) * 1.25;
    let first_score = m.trend.points().first().and_then(|p| p.score);
    let score = match (first_score, m.scores.overall) {
        (Some(a), Some(b)) => format!("score {} → {} ", score_text(Some(a)), score_text(Some(b))),
        _ => String::new(),
    };
    let title = Line::from(vec![
        Span::styled(" Errors since kready opened ", theme.title),
        Span::styled(score, theme.muted),
    ]);
    let dataset = Dataset::default()
        .name("errors")
        .marker(symbols::Marker::Braille)
        .graph_type(GraphType::Line)
        .style(theme.error)
        .data(&data);
    let end = Timestamp::from_second(start + span as i64).unwrap_or(m.now);
    let chart = Chart::new(vec![dataset])
        .block(boxed(cx, title, false))
        .style(theme.base)
        .legend_position(None)
        .x_axis(
            Axis::default()
                .style(theme.muted)
                .bounds([0.0, span])
                .labels([
                    m.started.strftime("%H:%M:%S").to_string(),
                    end.strftime("%H:%M:%S").to_string(),
                ]),
        )
        .y_axis(
            Axis::default()
                .style(theme.muted)
                .bounds([0.0, top])
                .labels(["0".to_string(), format!("{:.0}", top)]),
        );
    f.render_widget(chart, area);
}

fn draw_changes(f: &mut Frame, area: Rect, cx: &Cx, st: &State) {
    let theme = cx.theme;
    let list = changes(cx);
    let focused = st.focus == CHANGES;
    let title = Line::from(vec![
        Span::styled(" Since you opened kready ", theme.title),
        Span::styled(format!("{} changed ", list.len()), theme.muted),
    ]);
    let visible = area.height.saturating_sub(2) as usize;
    let selected = st.selected[CHANGES].min(list.len().saturating_sub(1));
    let offset = (selected + 1).saturating_sub(visible);
    let mut lines: Vec<Line> = Vec::new();
    if list.is_empty() {
        lines.push(Line::styled(
            "no finding has changed since kready opened; new, worse and resolved findings show here",
            theme.muted,
        ));
    }
    for (i, c) in list.iter().enumerate().skip(offset).take(visible) {
        let kind_style = match c.t.kind {
            ChangeKind::New | ChangeKind::Worse => theme.error,
            ChangeKind::Better | ChangeKind::Resolved => theme.pass,
        };
        let sev = match c.t.severity {
            crate::config::severity::Severity::Error => theme.error,
            crate::config::severity::Severity::Warning => theme.warning,
            crate::config::severity::Severity::Info => theme.info,
        };
        let s = &c.t.subject;
        let object = match &s.namespace {
            Some(ns) => format!("{ns}/{}", s.name),
            None => s.name.to_string(),
        };
        // Narrow: the object (namespace first) before the check's name.
        let object = ellipsize(
            &format!("{} {object}", s.kind),
            (area.width as usize * 2 / 5).max(20),
        );
        let mut line = Line::from(vec![
            Span::styled(format!("{:>4} ", age(cx.model.now, c.at)), theme.muted),
            Span::styled(
                format!("{:<9}", c.t.kind.as_str().to_uppercase()),
                kind_style,
            ),
            Span::styled(format!("{:<8}", c.t.severity.as_str()), sev),
            Span::raw(format!("{object} ")),
            Span::styled(format!("{} ", c.t.check), theme.accent),
        ]);
        let room = (area.width as usize).saturating_sub(2 + line.width());
        line.push_span(Span::styled(ellipsize(&c.t.message, room), theme.muted));
        if focused && i == selected {
            line = line.patch_style(theme.selected);
        }
        lines.push(line);
    }
    f.render_widget(
        Paragraph::new(inert_lines(lines)).block(boxed(cx, title, focused)),
        area,
    );
}

fn draw_gains(f: &mut Frame, area: Rect, cx: &Cx, st: &State) {
    let theme = cx.theme;
    let list = gains(cx);
    let focused = st.focus == GAINS;
    let visible = area.height.saturating_sub(2) as usize;
    let selected = st.selected[GAINS].min(list.len().saturating_sub(1));
    let offset = (selected + 1).saturating_sub(visible);
    let lines: Vec<Line> = if list.is_empty() {
        vec![Line::styled(
            "nothing to gain: no failing checks",
            theme.muted,
        )]
    } else {
        list.iter()
            .enumerate()
            .skip(offset)
            .take(visible)
            .map(|(i, g)| {
                let outage = STATE_CHECKS.contains(&g.check.as_str());
                let mut line = Line::from(vec![
                    Span::styled(format!("+{:<5.1}", g.gain), theme.accent),
                    Span::styled(
                        if outage { "state  " } else { "config " },
                        if outage { theme.error } else { theme.muted },
                    ),
                    Span::raw(format!("{} ({} failing)", g.check, g.failing)),
                ]);
                if focused && i == selected {
                    line = line.patch_style(theme.selected);
                }
                line
            })
            .collect()
    };
    f.render_widget(
        Paragraph::new(lines).block(boxed(
            cx,
            Span::styled(
                if area.width >= 40 {
                    " What would raise the score most "
                } else {
                    " Raise the score "
                },
                theme.title,
            ),
            focused,
        )),
        area,
    );
}

fn draw_source(f: &mut Frame, area: Rect, cx: &Cx, st: &State) {
    let theme = cx.theme;
    let m = cx.model;
    let info = &m.store.info;
    let mut source = vec![
        Line::from(vec![
            Span::styled("source  ", theme.muted),
            Span::raw(format!("{} {}", info.source, info.name)),
        ]),
        Line::from(vec![
            Span::styled("server  ", theme.muted),
            Span::raw(
                match (info.server.as_deref(), info.server_version.as_deref()) {
                    (Some(url), Some(v)) => format!("{url} {v}"),
                    (url, v) => url.or(v).unwrap_or("unknown").to_string(),
                },
            ),
        ]),
        Line::from(vec![
            Span::styled("as of   ", theme.muted),
            // A live cluster is judged as of now: a ticking time here would
            // redraw an idle console every 30 s.
            Span::raw(if info.source == "live" {
                "now (live)".to_string()
            } else {
                m.now.strftime("%Y-%m-%d %H:%M:%S UTC").to_string()
            }),
        ]),
        Line::from(vec![
            Span::styled("changed ", theme.muted),
            Span::raw(
                m.last_change
                    .map_or("no change this session".to_string(), |t| {
                        t.strftime("%H:%M:%S").to_string()
                    }),
            ),
        ]),
        Line::from(vec![
            Span::styled("objects ", theme.muted),
            Span::raw({
                let counts = derived(cx, st.slug(), derive_counts, &st.counts);
                let state = match m.store.sync_summary() {
                    Some(s) if info.source == "live" => s.to_string(),
                    _ => format!("a {}", info.source),
                };
                format!("{} in {} kinds ({state})", counts.objects, counts.kinds)
            }),
        ]),
    ];
    // Kinds not (yet) readable, as the live source says.
    for (label, status) in m.store.statuses() {
        let text = match status {
            KindStatus::Ready => continue,
            KindStatus::Syncing { seen } => format!("{label}: listing, {seen} so far"),
            KindStatus::Forbidden(why) => format!("{label}: forbidden ({why})"),
            KindStatus::Error { reason, .. } => match status.retry_countdown(Timestamp::now()) {
                Some(retry) => format!("{label}: {reason}; {retry}"),
                None => format!("{label}: {reason}"),
            },
        };
        source.push(Line::from(vec![
            Span::styled("kind    ", theme.muted),
            Span::raw(text),
        ]));
    }
    let busiest: Vec<String> = {
        let mut v: Vec<(&String, &u64)> = m.changes_by_kind.iter().collect();
        v.sort_by(|a, b| b.1.cmp(a.1));
        v.iter().take(4).map(|(k, n)| format!("{k} {n}")).collect()
    };
    if !busiest.is_empty() {
        source.push(Line::from(vec![
            Span::styled("changes ", theme.muted),
            Span::raw(busiest.join(", ")),
        ]));
    }
    f.render_widget(
        Paragraph::new(inert_lines(source)).block(
            Block::default()
                .borders(Borders::ALL)
                .border_style(theme.border)
                .title(Span::styled(" Source ", theme.title)),
        ),
        area,
    );
}

/// A text bar (`█████░░░`): the filled part reads without colour too.
fn bar(score: Option<f64>, width: u16, filled: Style, empty: Style) -> Line<'static> {
    let width = width as usize;
    let full = score
        .map_or(0, |s| ((s / 100.0) * width as f64).round() as usize)
        .min(width);
    Line::from(vec![
        Span::styled("█".repeat(full), filled),
        Span::styled("░".repeat(width - full), empty),
    ])
}

impl Pane for State {
    fn title(&self) -> &'static str {
        "Overview"
    }

    fn short_title(&self) -> &'static str {
        "Ovw"
    }

    fn slug(&self) -> &'static str {
        "overview"
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

    fn hints(&self) -> &'static [(Action, &'static str)] {
        &[
            (
                Action::NextSection,
                "changes since kready opened / what would raise the score",
            ),
            (
                Action::Select,
                "open the changed object, or the check's findings",
            ),
        ]
    }

    fn derive(&self) -> Option<Derive> {
        Some(|input| Arc::new(derive_counts(input)))
    }
}
