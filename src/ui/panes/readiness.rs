//! Readiness: the findings table (fail and unknown results) with sort,
//! filter, grouping, and a detail panel with evidence, the practice's
//! rationale and whether a guided fix exists.

use std::path::Path;
use std::sync::Arc;

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};

use super::{Cx, Outcome, Pane, PaneEvent, derived};
use crate::checks::{CheckResult, Nature, Severity, Status, catalog, nature};
use crate::config::keymap::Action;
use crate::config::theme::Theme;
use crate::model::ObjKey;
use crate::report::{Output, Report};
use crate::runtime::checker::{Derive, DeriveInput};
use crate::ui::memo::Memo;
use crate::ui::widgets::inert_lines;
use crate::ui::widgets::table::{self, Keep, Nav};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SortKey {
    #[default]
    Severity,
    Check,
    Namespace,
    Subject,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Group {
    #[default]
    None,
    Category,
    Namespace,
    Severity,
}

#[derive(Default)]
pub struct State {
    pub nav: Nav,
    pub sort: SortKey,
    pub group: Group,
    pub detail: bool,
    /// The current view's results (shared with the model), cached by what
    /// decides them so a frame never re-filters 30,000 results.
    rows: Memo<ViewKey, [Arc<CheckResult>]>,
    /// The findings in the default order, when no checker derived them.
    findings: Memo<u64, Findings>,
}

/// Every finding (fail and unknown) in the default order — state problems
/// first, then by severity, then catalog order — made on the checker after
/// each evaluation, so the default view is drawn without filtering or
/// sorting on the event loop.
pub struct Findings(Arc<[Arc<CheckResult>]>);

fn derive_findings(input: &DeriveInput) -> Findings {
    let mut rows: Vec<Arc<CheckResult>> = input
        .results
        .shared()
        .filter(|r| r.status != Status::Pass)
        .cloned()
        .collect();
    // Results come in catalog order, which stays the order within equal
    // ranks: a stable sort by a small key is enough.
    rows.sort_by_key(|r| rank(r));
    Findings(rows.into())
}

#[derive(Clone, PartialEq)]
struct ViewKey {
    generation: u64,
    filter: String,
    namespace: Option<String>,
    sort: SortKey,
    group: Group,
}

/// The severity word and its style; the word carries the meaning without colour.
pub fn severity_cell(theme: &Theme, r: &CheckResult) -> (&'static str, Style) {
    match (r.status, r.severity) {
        (Status::Unknown, _) => ("UNKNOWN", theme.unknown),
        (Status::Pass, _) => ("PASS", theme.pass),
        (Status::Fail, Severity::Error) => ("ERROR", theme.error),
        (Status::Fail, Severity::Warning) => ("WARNING", theme.warning),
        (Status::Fail, Severity::Info) => ("INFO", theme.info),
    }
}

/// Failures before unknowns; state problems (an outage) before missing
/// practices; then by severity.
fn rank(r: &CheckResult) -> (u8, Nature, Severity) {
    (
        u8::from(r.status == Status::Unknown),
        nature(r.check),
        r.severity,
    )
}

/// The rows of the view: failures and unknowns, filtered and sorted.
fn view(cx: &Cx, st: &State) -> Arc<[Arc<CheckResult>]> {
    let by_severity = st.group == Group::None && st.sort == SortKey::Severity;
    let findings = derived(cx, "readiness", derive_findings, &st.findings);
    if by_severity && st.nav.filter.is_empty() && cx.namespace.is_none() {
        return findings.0.clone();
    }
    let shown = |r: &&Arc<CheckResult>| {
        cx.in_scope(r.subject.scope_namespace())
            && (st.nav.filter.is_empty()
                || st.nav.matches(r.check)
                || st.nav.matches(&r.subject.to_string())
                || st.nav.matches(&r.message)
                || st.nav.matches(severity_word(r)))
    };
    let key = ViewKey {
        generation: cx.model.generation,
        filter: st.nav.filter.clone(),
        namespace: cx.namespace.map(str::to_string),
        sort: st.sort,
        group: st.group,
    };
    st.rows.get(key, |_| {
        if by_severity {
            // Filtering keeps the default order.
            return findings.0.iter().filter(shown).cloned().collect();
        }
        // Results come in catalog order, which stays the order within
        // equal keys.
        let mut rows: Vec<Arc<CheckResult>> = cx
            .model
            .results
            .shared()
            .filter(|r| r.status != Status::Pass)
            .filter(shown)
            .cloned()
            .collect();
        rows.sort_by(|a, b| compare(st, a, b));
        rows.into()
    })
}

fn compare(st: &State, a: &CheckResult, b: &CheckResult) -> std::cmp::Ordering {
    {
        let group = match st.group {
            Group::None => std::cmp::Ordering::Equal,
            Group::Category => a.category.cmp(&b.category),
            Group::Namespace => a
                .subject
                .scope_namespace()
                .cmp(&b.subject.scope_namespace()),
            Group::Severity => rank(a).cmp(&rank(b)),
        };
        group.then_with(|| match st.sort {
            SortKey::Severity => rank(a).cmp(&rank(b)),
            SortKey::Check => a.check.cmp(b.check),
            SortKey::Namespace => a.subject.namespace.cmp(&b.subject.namespace),
            SortKey::Subject => a.subject.cmp(&b.subject),
        })
    }
}

fn severity_word(r: &CheckResult) -> &'static str {
    match r.status {
        Status::Unknown => "unknown",
        _ => r.severity.as_str(),
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
        PaneEvent::Action(Action::Sort) => {
            st.sort = match st.sort {
                SortKey::Severity => SortKey::Check,
                SortKey::Check => SortKey::Namespace,
                SortKey::Namespace => SortKey::Subject,
                SortKey::Subject => SortKey::Severity,
            };
            keep(cx, st, Keep::Follow);
            Outcome::Status(format!("sorted by {:?}", st.sort).to_lowercase())
        }
        PaneEvent::Action(Action::Group) => {
            st.group = match st.group {
                Group::None => Group::Category,
                Group::Category => Group::Namespace,
                Group::Namespace => Group::Severity,
                Group::Severity => Group::None,
            };
            keep(cx, st, Keep::Follow);
            Outcome::Status(format!("grouped by {:?}", st.group).to_lowercase())
        }
        PaneEvent::Action(a) => {
            let len = view(cx, st).len();
            if st.nav.apply(a, len, 20) {
                keep(cx, st, Keep::Anchor);
                Outcome::Handled
            } else {
                Outcome::Ignored
            }
        }
    }
}

/// A finding's identity across evaluations: its check and subject (its
/// message may change, e.g. a restart count).
fn identity(r: &CheckResult) -> String {
    format!("{} {}", r.check, r.subject)
}

/// Keeps the selection on its finding (see `Keep`).
fn keep(cx: &Cx, st: &mut State, how: Keep) {
    let rows = view(cx, st);
    st.nav
        .keep(how, rows.len(), |i| rows.get(i).map(|r| identity(r)));
}

/// The selected finding.
pub fn selected(cx: &Cx, st: &State) -> Option<Arc<CheckResult>> {
    let rows = view(cx, st);
    rows.get(st.nav.clamp(rows.len())).cloned()
}

pub fn selected_object(cx: &Cx, st: &State) -> Option<ObjKey> {
    Some(selected(cx, st)?.subject.key())
}

pub fn draw(f: &mut Frame, area: Rect, cx: &Cx, st: &State) {
    let rows = view(cx, st);
    let show_detail = st.detail || area.height >= 40;
    let [table_area, detail_area] = if show_detail {
        Layout::vertical([Constraint::Min(6), Constraint::Length(9)]).areas(area)
    } else {
        [area, Rect::default()]
    };
    let theme = cx.theme;
    let title = Line::from(vec![
        Span::styled(" Findings ", theme.title),
        Span::styled(
            format!(
                "sort:{:?} group:{:?}{} ",
                st.sort,
                st.group,
                if st.nav.filter.is_empty() {
                    String::new()
                } else {
                    format!(" filter:/{}", st.nav.filter)
                }
            )
            .to_lowercase(),
            theme.muted,
        ),
    ]);
    let selected = st.nav.clamp(rows.len());
    // Below 120 columns the namespace joins the subject to leave room for
    // the message.
    let wide = table_area.width >= 120;
    let (header, widths): (&[&str], Vec<Constraint>) = if wide {
        (
            &["SEVERITY", "CHECK", "NAMESPACE", "SUBJECT", "MESSAGE"],
            vec![
                Constraint::Length(8),
                Constraint::Length(34),
                Constraint::Length(16),
                Constraint::Length(36),
                Constraint::Min(20),
            ],
        )
    } else {
        (
            &["SEVERITY", "CHECK", "SUBJECT", "MESSAGE"],
            vec![
                Constraint::Length(8),
                Constraint::Length(24),
                Constraint::Length(24),
                Constraint::Min(16),
            ],
        )
    };
    table::draw(
        f,
        table_area,
        theme,
        title,
        header,
        &widths,
        rows.len(),
        selected,
        |i| {
            let r = &rows[i];
            let (word, style) = severity_cell(theme, r);
            let mut subject = match (&r.subject.namespace, wide) {
                (Some(ns), false) => format!("{} {ns}/{}", r.subject.kind, r.subject.name),
                _ => format!("{} {}", r.subject.kind, r.subject.name),
            };
            if let Some(c) = &r.subject.container {
                subject.push_str(&format!(" [{c}]"));
            }
            let mut cells = vec![Line::from(word).style(style), Line::from(r.check)];
            if wide {
                cells.push(Line::from(
                    r.subject
                        .namespace
                        .as_deref()
                        .unwrap_or_default()
                        .to_string(),
                ));
            }
            cells.push(Line::from(subject));
            cells.push(Line::from(r.message.clone()));
            cells
        },
    );
    if show_detail {
        draw_detail(f, detail_area, cx, rows.get(selected).map(|r| &**r));
    }
}

fn draw_detail(f: &mut Frame, area: Rect, cx: &Cx, r: Option<&CheckResult>) {
    let theme = cx.theme;
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.border)
        .title(Span::styled(" Detail ", theme.title));
    let Some(r) = r else {
        f.render_widget(Paragraph::new("no finding selected").block(block), area);
        return;
    };
    let check = crate::checks::find(r.check);
    let (word, style) = severity_cell(theme, r);
    let mut lines = vec![
        Line::from(vec![
            Span::styled(word, style),
            Span::raw(format!("  {}  {}", r.check, r.subject)),
        ]),
        Line::from(r.message.clone()),
    ];
    if !r.evidence.is_empty() {
        lines.push(Line::from(Span::styled(
            format!("evidence: {}", r.evidence.join("; ")),
            theme.muted,
        )));
    }
    if let Some(c) = check {
        lines.push(Line::from(vec![
            Span::styled("why: ", theme.accent),
            Span::raw(c.rationale),
        ]));
        lines.push(Line::from(match c.fix {
            Some(fix) => vec![Span::styled("guided fix: ", theme.accent), Span::raw(fix)],
            None => vec![Span::styled("guidance only (no guided fix)", theme.muted)],
        }));
    }
    f.render_widget(
        Paragraph::new(inert_lines(lines))
            .block(block)
            .wrap(Wrap { trim: true }),
        area,
    );
}

/// The current view in one of `kready check`'s formats (`e` / `:export`),
/// written by the report module itself: the same escaping, masking and
/// schema as headless reports. `None` for a name no format has.
pub fn export(cx: &Cx, st: &State, format: &str) -> Option<String> {
    let format = crate::report::format(format)?;
    let rows = view(cx, st);
    let results: Vec<&CheckResult> = rows.iter().map(|r| &**r).collect();
    let report = Report::new(results, catalog(), &cx.model.store, cx.model.now);
    let output = Output {
        tty: true,
        color: false,
        show_pass: false,
        base: Path::new("."),
    };
    let mut out = Vec::new();
    // Writing to memory does not fail; a format that did would show no text.
    (format.write)(&report, &output, &mut out).ok()?;
    Some(String::from_utf8_lossy(&out).into_owned())
}

impl Pane for State {
    fn title(&self) -> &'static str {
        "Readiness"
    }

    fn short_title(&self) -> &'static str {
        "Ready"
    }

    fn slug(&self) -> &'static str {
        "readiness"
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
        &[
            (Action::Detail, "show or hide the finding's detail"),
            (Action::Sort, "sort by severity, check, namespace, subject"),
            (Action::Group, "group by category, namespace, severity"),
        ]
    }

    /// `:check ID`: this pane, filtered to one check's findings.
    fn command(&mut self, cx: &Cx, words: &[&str]) -> Option<Outcome> {
        let ["check", id] = words else {
            return None;
        };
        Some(match crate::checks::find(id) {
            Some(c) => handle(cx, self, PaneEvent::Filter(c.id.to_string())),
            None => Outcome::Refused(format!("no check {id:?} (see `kready checks`)")),
        })
    }

    fn export(&self, cx: &Cx, format: &str) -> Option<String> {
        export(cx, self, format)
    }

    fn derive(&self) -> Option<Derive> {
        Some(|input| Arc::new(derive_findings(input)))
    }
}
