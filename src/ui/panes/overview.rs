//! Overview: overall and per-category scores, counts by severity, the checks
//! whose fixing raises the score most, and the source status.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

use std::sync::Arc;

use k8s_openapi::jiff::Timestamp;

use super::{Cx, Outcome, Pane, PaneEvent, derived};
use crate::checks::Category;
use crate::report::score_text;
use crate::runtime::checker::{Derive, DeriveInput};
use crate::store::KindStatus;
use crate::ui::memo::Memo;
use crate::ui::widgets::inert_lines;

#[derive(Default)]
pub struct State {
    counts: Memo<u64, Counts>,
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

pub fn handle(_cx: &Cx, _st: &mut State, _ev: PaneEvent) -> Outcome {
    Outcome::Ignored
}

fn score_style(cx: &Cx, score: Option<f64>) -> Style {
    match score {
        None => cx.theme.muted,
        Some(s) if s >= 90.0 => cx.theme.pass,
        Some(s) if s >= 70.0 => cx.theme.warning,
        Some(_) => cx.theme.error,
    }
}

pub fn draw(f: &mut Frame, area: Rect, cx: &Cx, st: &State) {
    let theme = cx.theme;
    let m = cx.model;
    let [top, bottom] = Layout::vertical([Constraint::Length(11), Constraint::Min(6)]).areas(area);
    let [chart_area, counts_area] =
        Layout::horizontal([Constraint::Min(40), Constraint::Length(34)]).areas(top);
    let [gains_area, source_area] =
        Layout::horizontal([Constraint::Percentage(55), Constraint::Percentage(45)]).areas(bottom);

    // Per-category scores as horizontal gauges; the number and the word
    // carry the value without colour.
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.border)
        .title(Line::from(vec![
            Span::styled(" Readiness score ", theme.title),
            Span::styled(
                score_text(m.scores.overall),
                score_style(cx, m.scores.overall),
            ),
            Span::raw(" "),
        ]));
    let inner = block.inner(chart_area);
    f.render_widget(block, chart_area);
    let rows = Layout::vertical(vec![Constraint::Length(1); Category::ALL.len()]).split(inner);
    for (c, row) in Category::ALL.iter().zip(rows.iter()) {
        let s = m.scores.categories.get(c).copied().flatten();
        let t = m.scores.tallies.get(c).copied().unwrap_or_default();
        let label = format!("{:<14}{:>4} ", c.as_str(), score_text(s));
        let detail = format!(" {}E {}W {}I", t.error, t.warning, t.info);
        let [l, g, d] = Layout::horizontal([
            Constraint::Length(19),
            Constraint::Min(6),
            Constraint::Length(detail.len() as u16),
        ])
        .areas(*row);
        f.render_widget(Span::styled(label, score_style(cx, s)), l);
        f.render_widget(bar(s, g.width, score_style(cx, s), theme.muted), g);
        f.render_widget(Span::styled(detail, theme.muted), d);
    }

    let t = &m.scores.tally;
    let counts = vec![
        Line::from(vec![
            Span::styled(format!("{:>6} ", t.error), theme.error),
            Span::raw("error"),
        ]),
        Line::from(vec![
            Span::styled(format!("{:>6} ", t.warning), theme.warning),
            Span::raw("warning"),
        ]),
        Line::from(vec![
            Span::styled(format!("{:>6} ", t.info), theme.info),
            Span::raw("info"),
        ]),
        Line::from(vec![
            Span::styled(format!("{:>6} ", t.unknown), theme.unknown),
            Span::raw("unknown"),
        ]),
        Line::from(vec![
            Span::styled(format!("{:>6} ", t.pass), theme.pass),
            Span::raw("pass"),
        ]),
    ];
    f.render_widget(
        Paragraph::new(counts).block(
            Block::default()
                .borders(Borders::ALL)
                .border_style(theme.border)
                .title(Span::styled(" Results ", theme.title)),
        ),
        counts_area,
    );

    let gains: Vec<Line> = if m.gains.is_empty() {
        vec![Line::styled(
            "nothing to gain: no failing checks",
            theme.muted,
        )]
    } else {
        m.gains
            .iter()
            .map(|g| {
                Line::from(vec![
                    Span::styled(format!("+{:<5.1}", g.gain), theme.accent),
                    Span::raw(format!("{} ({} failing)", g.check, g.failing)),
                ])
            })
            .collect()
    };
    f.render_widget(
        Paragraph::new(gains).block(
            Block::default()
                .borders(Borders::ALL)
                .border_style(theme.border)
                .title(Span::styled(
                    " What would raise the score most ",
                    theme.title,
                )),
        ),
        gains_area,
    );

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
        source_area,
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

    fn derive(&self) -> Option<Derive> {
        Some(|input| Arc::new(derive_counts(input)))
    }
}
