//! Quotas: ResourceQuota gauges (used/hard per quota and resource, highest
//! pressure first), the container defaults each namespace's LimitRanges
//! apply, and the namespaces with workloads but no quota or no limits.
//!
//! Three sections. At 160×48 and up they are all on screen (gauges left,
//! LimitRanges and gaps right); smaller, one at a time under a section
//! line. `o` (the Group action) moves the focus to the next section; the
//! focused one takes the navigation keys. `s` (Sort) orders the gauges by
//! pressure or by namespace. `/` filters all three.

use std::sync::Arc;

use k8s_openapi::api::core::v1::{LimitRange, ResourceQuota};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::Line;

use super::{Cx, Outcome, Pane, PaneEvent, derived, handle_sections};
use crate::config::Config;
use crate::config::keymap::Action;
use crate::model::{ObjKey, quantity};
use crate::runtime::checker::{Derive, DeriveInput};
use crate::store::ClusterStore;
use crate::ui::memo::Memo;
use crate::ui::widgets::gauge::{Level, bar, percent_cell};
use crate::ui::widgets::sections::{Sections, section_line, title, unfocused};
use crate::ui::widgets::table::{self, Keep, Nav};
use crate::view::resources::{container_defaults, missing_defaults, workload_counts};
use crate::view::usage::{self, percent};

// ───────────────────────────── derived rows ─────────────────────────────

/// One resource of one ResourceQuota.
#[derive(Debug, Clone, PartialEq)]
pub struct GaugeRow {
    pub namespace: String,
    pub quota: String,
    pub resource: String,
    /// `None` until the quota controller has reported `status.used`.
    pub used: Option<f64>,
    pub hard: f64,
    pub used_text: String,
    pub hard_text: String,
    /// used/hard (`∞` when something is used of a zero hard limit).
    pub ratio: Option<f64>,
    pub level: Level,
}

impl GaugeRow {
    fn text(&self) -> String {
        format!(
            "{} {} {} {} {}",
            self.namespace,
            self.quota,
            self.resource,
            self.level.word(),
            self.ratio.map(percent).unwrap_or_default()
        )
    }
}

/// The container defaults a namespace's LimitRanges apply (after the API's
/// defaulting: a missing default takes max, a missing request the default).
#[derive(Debug, Clone, PartialEq)]
pub struct LimitRow {
    pub namespace: String,
    pub limitranges: Vec<String>,
    pub request_cpu: Option<String>,
    pub request_memory: Option<String>,
    pub limit_cpu: Option<String>,
    pub limit_memory: Option<String>,
}

impl LimitRow {
    fn text(&self) -> String {
        format!("{} {}", self.namespace, self.limitranges.join(" "))
    }
}

/// What a namespace's LimitRanges give containers that set nothing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Limits {
    None,
    /// LimitRanges exist but lack these defaults.
    Partial(Vec<String>),
    Ok,
}

/// A non-system namespace with workloads that lacks a quota or limits.
#[derive(Debug, Clone, PartialEq)]
pub struct GapRow {
    pub namespace: String,
    pub workloads: usize,
    pub has_quota: bool,
    pub limits: Limits,
}

impl GapRow {
    pub fn quota_word(&self) -> &'static str {
        if self.has_quota { "ok" } else { "NO QUOTA" }
    }

    pub fn limits_text(&self) -> String {
        match &self.limits {
            Limits::None => "NO LIMITRANGE".into(),
            Limits::Partial(missing) => format!("NO DEFAULT {}", missing.join(", ")),
            Limits::Ok => "ok".into(),
        }
    }

    fn text(&self) -> String {
        format!(
            "{} {} {}",
            self.namespace,
            self.quota_word(),
            self.limits_text()
        )
    }
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct QuotaData {
    /// Highest pressure first (unreported last), then namespace, quota, resource.
    pub gauges: Vec<GaugeRow>,
    /// By namespace.
    pub limits: Vec<LimitRow>,
    /// By namespace.
    pub gaps: Vec<GapRow>,
}

/// Derives the pane's rows from the store (once per model generation).
pub fn derive(store: &ClusterStore, config: &Config) -> QuotaData {
    let warn = config.thresholds.quota_warn_ratio;
    let mut gauges = Vec::new();
    for (o, rq) in store.typed::<ResourceQuota>() {
        let status = rq.status.as_ref();
        let Some(hard) = status
            .and_then(|s| s.hard.as_ref())
            .or_else(|| rq.spec.as_ref().and_then(|s| s.hard.as_ref()))
        else {
            continue;
        };
        let used = status.and_then(|s| s.used.as_ref());
        for (res, h) in hard {
            let Some(hv) = quantity::of(h) else { continue };
            let uv = used.and_then(|u| u.get(res)).and_then(quantity::of);
            let ratio = uv.map(|u| usage::ratio(u, hv));
            gauges.push(GaugeRow {
                namespace: o.namespace().to_string(),
                quota: o.name().to_string(),
                resource: res.clone(),
                used: uv,
                hard: hv,
                used_text: uv.map_or("?".into(), |u| quantity::format(res, u)),
                hard_text: quantity::format(res, hv),
                ratio,
                level: ratio.map_or(Level::Ok, |r| Level::of(r, warn)),
            });
        }
    }
    gauges.sort_by(|a, b| {
        let ra = a.ratio.unwrap_or(-1.0);
        let rb = b.ratio.unwrap_or(-1.0);
        rb.total_cmp(&ra)
            .then_with(|| a.namespace.cmp(&b.namespace))
            .then_with(|| a.quota.cmp(&b.quota))
            .then_with(|| a.resource.cmp(&b.resource))
    });

    let mut limits = Vec::new();
    let mut by_ns: std::collections::BTreeMap<&str, Vec<(&str, &LimitRange)>> =
        std::collections::BTreeMap::new();
    for (o, lr) in store.typed::<LimitRange>() {
        by_ns.entry(o.namespace()).or_default().push((o.name(), lr));
    }
    let mut limit_state: std::collections::BTreeMap<&str, Limits> =
        std::collections::BTreeMap::new();
    for (ns, ranges) in &by_ns {
        let lrs: Vec<&LimitRange> = ranges.iter().map(|(_, l)| *l).collect();
        let (lim, req) = container_defaults(&lrs);
        let show = |l: &std::collections::BTreeMap<String, _>, res: &str| {
            l.get(res)
                .and_then(quantity::of)
                .map(|v| quantity::format(res, v))
        };
        let row = LimitRow {
            namespace: ns.to_string(),
            limitranges: ranges.iter().map(|(n, _)| n.to_string()).collect(),
            request_cpu: show(&req, "cpu"),
            request_memory: show(&req, "memory"),
            limit_cpu: show(&lim, "cpu"),
            limit_memory: show(&lim, "memory"),
        };
        let missing: Vec<String> = missing_defaults(&lim, &req)
            .iter()
            .map(|m| m.to_string())
            .collect();
        limit_state.insert(
            ns,
            if missing.is_empty() {
                Limits::Ok
            } else {
                Limits::Partial(missing)
            },
        );
        limits.push(row);
    }

    let mut gaps = Vec::new();
    for (ns, workloads) in workload_counts(store) {
        if config.is_system_namespace(ns) {
            continue;
        }
        let has_quota = store.typed_in::<ResourceQuota>(ns).next().is_some();
        let limits = limit_state.get(ns).cloned().unwrap_or(Limits::None);
        if has_quota && limits == Limits::Ok {
            continue;
        }
        gaps.push(GapRow {
            namespace: ns.to_string(),
            workloads,
            has_quota,
            limits,
        });
    }
    QuotaData {
        gauges,
        limits,
        gaps,
    }
}

// ───────────────────────────── state ─────────────────────────────

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Section {
    #[default]
    Gauges,
    Limits,
    Gaps,
}

impl Section {
    pub const ALL: [Section; 3] = [Section::Gauges, Section::Limits, Section::Gaps];

    fn index(self) -> usize {
        self as usize
    }

    fn title(self) -> &'static str {
        match self {
            Section::Gauges => "Quota use",
            Section::Limits => "LimitRange defaults",
            Section::Gaps => "No quota / no limits",
        }
    }

    fn short(self) -> &'static str {
        match self {
            Section::Gauges => "Quotas",
            Section::Limits => "LimitRanges",
            Section::Gaps => "Gaps",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SortKey {
    #[default]
    Pressure,
    Namespace,
}

#[derive(Default)]
pub struct State {
    /// The focused section's selection, and the filter (shared by all).
    pub nav: Nav,
    pub sections: Sections,
    pub sort: SortKey,
    data: Memo<u64, QuotaData>,
    view: Memo<ViewKey, View>,
}

#[derive(Clone, PartialEq)]
struct ViewKey {
    generation: u64,
    filter: String,
    namespace: Option<String>,
    sort: SortKey,
}

/// Indexes into the `QuotaData` vectors for the current filter and scope.
#[derive(Default)]
struct View {
    gauges: Vec<usize>,
    limits: Vec<usize>,
    gaps: Vec<usize>,
}

impl View {
    fn len(&self, s: Section) -> usize {
        match s {
            Section::Gauges => self.gauges.len(),
            Section::Limits => self.limits.len(),
            Section::Gaps => self.gaps.len(),
        }
    }
}

/// The pane's rows: the checker's (see `Pane::derive`), else derived here.
fn data(cx: &Cx, st: &State) -> Arc<QuotaData> {
    derived(cx, st.slug(), derive_rows, &st.data)
}

fn derive_rows(input: &DeriveInput) -> QuotaData {
    derive(input.store, input.config)
}

/// The identity of row `i` of section `s` in `v`, for a selection that
/// follows its row.
fn identity(d: &QuotaData, v: &View, s: Section, i: usize) -> Option<String> {
    Some(match s {
        Section::Gauges => {
            let g = &d.gauges[*v.gauges.get(i)?];
            format!("{}/{} {}", g.namespace, g.quota, g.resource)
        }
        Section::Limits => d.limits[*v.limits.get(i)?].namespace.clone(),
        Section::Gaps => d.gaps[*v.gaps.get(i)?].namespace.clone(),
    })
}

/// Keeps the selection on its row (see `Keep`).
fn keep(cx: &Cx, st: &mut State, how: Keep) {
    let d = data(cx, st);
    let v = view(cx, st, &d);
    let s = st.section();
    st.nav.keep(how, v.len(s), |i| identity(&d, &v, s, i));
}

fn view(cx: &Cx, st: &State, d: &QuotaData) -> Arc<View> {
    let key = ViewKey {
        generation: cx.model.generation,
        filter: st.nav.filter.clone(),
        namespace: cx.namespace.map(str::to_string),
        sort: st.sort,
    };
    st.view.get(key, |_| {
        let keep = |ns: &str, text: String| cx.in_scope(Some(ns)) && st.nav.matches(&text);
        let mut gauges: Vec<usize> = (0..d.gauges.len())
            .filter(|&i| keep(&d.gauges[i].namespace, d.gauges[i].text()))
            .collect();
        if st.sort == SortKey::Namespace {
            // Stable: keeps pressure order within a namespace.
            gauges.sort_by(|&a, &b| d.gauges[a].namespace.cmp(&d.gauges[b].namespace));
        }
        Arc::new(View {
            gauges,
            limits: (0..d.limits.len())
                .filter(|&i| keep(&d.limits[i].namespace, d.limits[i].text()))
                .collect(),
            gaps: (0..d.gaps.len())
                .filter(|&i| keep(&d.gaps[i].namespace, d.gaps[i].text()))
                .collect(),
        })
    })
}

impl State {
    /// The section with the focus.
    pub fn section(&self) -> Section {
        Section::ALL[self.sections.focus]
    }
}

fn selection(st: &State, s: Section) -> usize {
    st.sections.selected(&st.nav, s.index())
}

pub fn handle(cx: &Cx, st: &mut State, ev: PaneEvent) -> Outcome {
    match ev {
        PaneEvent::Action(Action::Sort) => {
            st.sort = match st.sort {
                SortKey::Pressure => SortKey::Namespace,
                SortKey::Namespace => SortKey::Pressure,
            };
            Outcome::Status(format!("quotas sorted by {:?}", st.sort).to_lowercase())
        }
        ev => {
            let d = data(cx, st);
            let v = view(cx, st, &d);
            let names: Vec<&str> = Section::ALL.iter().map(|s| s.title()).collect();
            let lens: Vec<usize> = Section::ALL.iter().map(|s| v.len(*s)).collect();
            handle_sections(&mut st.sections, &mut st.nav, &names, &lens, ev)
        }
    }
}

pub fn selected_object(cx: &Cx, st: &State) -> Option<ObjKey> {
    let d = data(cx, st);
    let v = view(cx, st, &d);
    let sel = st.nav.clamp(v.len(st.section()));
    match st.section() {
        Section::Gauges => {
            let g = &d.gauges[*v.gauges.get(sel)?];
            Some(ObjKey::new("ResourceQuota", &g.namespace, &g.quota))
        }
        Section::Limits => {
            let l = &d.limits[*v.limits.get(sel)?];
            Some(ObjKey::new(
                "LimitRange",
                &l.namespace,
                l.limitranges.first()?,
            ))
        }
        Section::Gaps => {
            let g = &d.gaps[*v.gaps.get(sel)?];
            Some(ObjKey::new("Namespace", "", &g.namespace))
        }
    }
}

// ───────────────────────────── drawing ─────────────────────────────

/// Whether every section fits on screen at once.
fn wide(area: Rect) -> bool {
    area.width >= 140 && area.height >= 40
}

pub fn draw(f: &mut Frame, area: Rect, cx: &Cx, st: &State) {
    let d = data(cx, st);
    let v = view(cx, st, &d);
    if wide(area) {
        let [left, right] =
            Layout::horizontal([Constraint::Min(80), Constraint::Length(56)]).areas(area);
        let limits_h = (v.limits.len() as u16 + 3).clamp(5, right.height / 2);
        let [top, bottom] =
            Layout::vertical([Constraint::Length(limits_h), Constraint::Min(5)]).areas(right);
        draw_section(f, left, cx, st, &d, &v, Section::Gauges);
        draw_section(f, top, cx, st, &d, &v, Section::Limits);
        draw_section(f, bottom, cx, st, &d, &v, Section::Gaps);
        return;
    }
    let [line, body] = Layout::vertical([Constraint::Length(1), Constraint::Min(3)]).areas(area);
    let titles: Vec<(&str, usize)> = Section::ALL
        .iter()
        .map(|s| (s.short(), v.len(*s)))
        .collect();
    f.render_widget(section_line(cx.theme, &titles, st.section().index()), line);
    draw_section(f, body, cx, st, &d, &v, st.section());
}

fn opt(s: &Option<String>) -> String {
    s.clone().unwrap_or_else(|| "—".into())
}

fn draw_section(
    f: &mut Frame,
    area: Rect,
    cx: &Cx,
    st: &State,
    d: &QuotaData,
    v: &View,
    s: Section,
) {
    let focused = s == st.section();
    let plain;
    let theme = if focused {
        cx.theme
    } else {
        plain = unfocused(cx.theme);
        &plain
    };
    let total = v.len(s);
    let selected = selection(st, s).min(total.saturating_sub(1));
    match s {
        Section::Gauges => {
            let high = v
                .gauges
                .iter()
                .filter(|&&i| d.gauges[i].level != Level::Ok)
                .count();
            let t = title(
                theme,
                s.title(),
                focused,
                format!(
                    "{high} at or above {} · sort:{:?}",
                    percent(cx.model.config().thresholds.quota_warn_ratio),
                    st.sort
                )
                .to_lowercase(),
                &st.nav.filter,
            );
            let with_quota = area.width >= 100;
            let bar_w: usize = if area.width >= 100 { 14 } else { 10 };
            let mut header = vec!["NAMESPACE"];
            let mut widths = vec![Constraint::Length(14)];
            if with_quota {
                header.push("QUOTA");
                widths.push(Constraint::Length(18));
            }
            header.extend(["RESOURCE", "GAUGE", "USE", "USED / HARD"]);
            widths.extend([
                Constraint::Length(23),
                Constraint::Length(bar_w as u16),
                Constraint::Length(9),
                Constraint::Min(12),
            ]);
            table::draw(f, area, theme, t, &header, &widths, total, selected, |i| {
                let g = &d.gauges[v.gauges[i]];
                let mut cells = vec![Line::from(g.namespace.clone())];
                if with_quota {
                    cells.push(Line::from(g.quota.clone()));
                }
                cells.push(Line::from(g.resource.clone()));
                match g.ratio {
                    Some(r) => {
                        cells.push(bar(theme, r, g.level, bar_w));
                        cells.push(percent_cell(theme, r, g.level));
                    }
                    None => {
                        cells.push(Line::from(""));
                        cells.push(Line::from("NO STATUS").style(theme.unknown));
                    }
                }
                cells.push(Line::from(format!("{} / {}", g.used_text, g.hard_text)));
                cells
            });
        }
        Section::Limits => {
            let t = title(
                theme,
                s.title(),
                focused,
                "per container".into(),
                &st.nav.filter,
            );
            // The LimitRange names only where they fit (`y` shows the object).
            let named = area.width >= 70;
            let mut header = vec!["NAMESPACE", "REQ CPU", "REQ MEM", "LIM CPU", "LIM MEM"];
            let mut widths = vec![
                Constraint::Length(14),
                Constraint::Length(7),
                Constraint::Length(7),
                Constraint::Length(7),
                Constraint::Length(7),
            ];
            if named {
                header.push("LIMITRANGE");
                widths.push(Constraint::Min(10));
            }
            table::draw(f, area, theme, t, &header, &widths, total, selected, |i| {
                let l = &d.limits[v.limits[i]];
                let mut cells = vec![
                    Line::from(l.namespace.clone()),
                    Line::from(opt(&l.request_cpu)),
                    Line::from(opt(&l.request_memory)),
                    Line::from(opt(&l.limit_cpu)),
                    Line::from(opt(&l.limit_memory)),
                ];
                if named {
                    cells.push(Line::from(l.limitranges.join(", ")));
                }
                cells
            });
        }
        Section::Gaps => {
            let t = title(
                theme,
                s.title(),
                focused,
                "namespaces with workloads".into(),
                &st.nav.filter,
            );
            table::draw(
                f,
                area,
                theme,
                t,
                &["NAMESPACE", "WL", "QUOTA", "LIMITS"],
                &[
                    Constraint::Length(16),
                    Constraint::Length(3),
                    Constraint::Length(8),
                    Constraint::Min(14),
                ],
                total,
                selected,
                |i| {
                    let g = &d.gaps[v.gaps[i]];
                    let limits_style = match g.limits {
                        Limits::None => theme.warning,
                        Limits::Partial(_) => theme.info,
                        Limits::Ok => theme.base,
                    };
                    vec![
                        Line::from(g.namespace.clone()),
                        Line::from(g.workloads.to_string()),
                        Line::from(g.quota_word()).style(if g.has_quota {
                            theme.base
                        } else {
                            theme.warning
                        }),
                        Line::from(g.limits_text()).style(limits_style),
                    ]
                },
            );
        }
    }
}

impl Pane for State {
    fn title(&self) -> &'static str {
        "Quotas"
    }

    fn short_title(&self) -> &'static str {
        "Quota"
    }

    fn slug(&self) -> &'static str {
        "quotas"
    }

    fn handle(&mut self, cx: &Cx, ev: PaneEvent) -> Outcome {
        super::keep_selection(cx, self, ev, handle, keep)
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
            (
                Action::NextSection,
                "next section (quotas, LimitRanges, gaps)",
            ),
            (Action::Sort, "sort quotas by pressure or namespace"),
        ]
    }

    fn derive(&self) -> Option<Derive> {
        Some(|input| Arc::new(derive_rows(input)))
    }
}
