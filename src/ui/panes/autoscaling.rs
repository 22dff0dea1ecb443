//! Autoscaling: HPAs (replicas against their bounds, conditions, a
//! sparkline of current replicas over the session), cluster-autoscaler node
//! groups (from its status ConfigMap, parsed by the autoscaling checks'
//! parser), Karpenter NodePools (status.resources against spec.limits), and
//! capacity headroom per zone and per node pool (allocatable against the
//! requests of the pods on each node).
//!
//! Four sections. At 140×40 and up they are all on screen; smaller, one at
//! a time under a section line. `o` (the Group action) moves the focus to
//! the next section; the focused one takes the navigation keys. `/`
//! filters all four.

use std::sync::Arc;

use std::collections::BTreeMap;

use k8s_openapi::api::autoscaling::v2::HorizontalPodAutoscaler;
use k8s_openapi::api::core::v1::{ConfigMap, Node};
use k8s_openapi::jiff::Timestamp;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::Line;
use serde_json::Value;

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
use crate::view::autoscaling::{
    at_max_replicas, group_at_max, hpa_cannot_act, hpa_held_on_purpose, karpenter_nodepools,
    parse_ca_status, quantity_value, status_configmaps, value_str,
};
use crate::view::duration::age;
use crate::view::resources::requests_per_node;
use crate::view::topology::{
    CONTROL_PLANE_LABEL, MASTER_LABEL, is_control_plane_node, pool_label, zone_of,
};
use crate::view::usage::{self, percent};

// ───────────────────────────── derived rows ─────────────────────────────

#[derive(Debug, Clone, PartialEq)]
pub struct HpaRow {
    pub key: ObjKey,
    /// `Deployment/name`.
    pub target: String,
    pub current: i64,
    pub desired: i64,
    pub min: i64,
    pub max: i64,
    pub at_max: bool,
    /// Problem conditions with their reasons (`ScalingActive=False`,
    /// `FailedGetResourceMetric`), `AbleToScale=False`, `ScalingLimited`;
    /// empty when all is well.
    pub conditions: Vec<(String, String)>,
    /// Whether a condition says the HPA cannot act (AbleToScale or
    /// ScalingActive False) and it is not held on purpose (scaled to zero,
    /// cooling down): autoscaling/hpa-at-max's breakage.
    pub blocked: bool,
}

impl HpaRow {
    pub fn state_word(&self) -> &'static str {
        if self.at_max { "AT MAX" } else { "" }
    }

    /// `ScalingActive=False`, with the reasons when `reasons`.
    pub fn conditions_text(&self, reasons: bool) -> String {
        if self.conditions.is_empty() {
            return "ok".into();
        }
        self.conditions
            .iter()
            .map(|(c, r)| {
                if reasons && !r.is_empty() {
                    format!("{c} ({r})")
                } else {
                    c.clone()
                }
            })
            .collect::<Vec<_>>()
            .join(", ")
    }

    fn text(&self) -> String {
        format!(
            "{}/{} {} {} {}",
            self.key.namespace,
            self.key.name,
            self.target,
            self.state_word(),
            self.conditions_text(true)
        )
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct NodeGroupRow {
    /// The status ConfigMap the group was read from.
    pub configmap: ObjKey,
    pub name: String,
    pub min: Option<i64>,
    /// cloudProviderTarget, else registered nodes.
    pub current: Option<i64>,
    pub registered: Option<i64>,
    pub max: Option<i64>,
    pub health: Option<String>,
    pub scale_up: Option<String>,
    pub backoff: Option<String>,
    pub last_activity: Option<String>,
}

impl NodeGroupRow {
    pub fn at_max(&self) -> bool {
        matches!((self.current, self.max), (Some(c), Some(m)) if group_at_max(c, m))
    }

    /// The worst state as a word: AT MAX, BACKOFF, UNHEALTHY or ok.
    pub fn state_word(&self) -> &'static str {
        if self.health.as_deref() == Some("Unhealthy") {
            "UNHEALTHY"
        } else if self.scale_up.as_deref() == Some("Backoff") {
            "BACKOFF"
        } else if self.at_max() {
            "AT MAX"
        } else {
            "ok"
        }
    }

    fn text(&self) -> String {
        format!(
            "{} {} {} {}",
            self.name,
            self.state_word(),
            self.health.as_deref().unwrap_or(""),
            self.scale_up.as_deref().unwrap_or("")
        )
    }
}

/// Cluster-wide lines of the status ConfigMap(s).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ClusterWide {
    pub health: Option<String>,
    pub scale_up: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct NodePoolRow {
    pub key: ObjKey,
    /// `None`: the NodePool has no spec.limits.
    pub resource: Option<String>,
    pub used: Option<f64>,
    pub limit: Option<f64>,
    pub used_text: String,
    pub limit_text: String,
    pub ratio: Option<f64>,
    pub level: Level,
    /// status.resources.nodes.
    pub nodes: Option<String>,
}

impl NodePoolRow {
    fn text(&self) -> String {
        format!(
            "{} {} {} {}",
            self.key.name,
            self.resource.as_deref().unwrap_or("NO LIMITS"),
            self.level.word(),
            self.ratio.map(percent).unwrap_or_default()
        )
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Scope {
    Zone,
    Pool,
}

/// Allocatable against requested, over a zone's or a pool's nodes.
#[derive(Debug, Clone, PartialEq)]
pub struct HeadroomRow {
    pub scope: Scope,
    pub name: String,
    pub nodes: usize,
    /// Ready, schedulable nodes: only these count towards allocatable.
    pub usable: usize,
    pub cpu_allocatable: f64,
    pub cpu_requested: f64,
    pub memory_allocatable: f64,
    pub memory_requested: f64,
    /// The Karpenter NodePool behind a pool row.
    pub nodepool: Option<ObjKey>,
}

impl HeadroomRow {
    pub fn ratio(&self, res: &str) -> f64 {
        let (a, r) = match res {
            "cpu" => (self.cpu_allocatable, self.cpu_requested),
            _ => (self.memory_allocatable, self.memory_requested),
        };
        usage::ratio(r, a)
    }

    /// `free / allocatable`, formatted.
    pub fn free_text(&self, res: &str) -> String {
        let (a, r) = match res {
            "cpu" => (self.cpu_allocatable, self.cpu_requested),
            _ => (self.memory_allocatable, self.memory_requested),
        };
        format!("{} / {}", compact(res, (a - r).max(0.0)), compact(res, a))
    }

    fn text(&self) -> String {
        format!(
            "{} {}",
            match self.scope {
                Scope::Zone => "zone",
                Scope::Pool => "pool",
            },
            self.name
        )
    }
}

/// Capacity for a glance: cores to 3 significant digits, memory in Gi
/// (Mi below 1Gi).
pub fn compact(res: &str, v: f64) -> String {
    const GI: f64 = 1024.0 * 1024.0 * 1024.0;
    if res == "cpu" {
        if v >= 100.0 {
            format!("{v:.0}")
        } else if v >= 10.0 {
            format!("{v:.1}")
        } else {
            format!("{v:.2}")
        }
    } else if v >= 100.0 * GI {
        format!("{:.0}Gi", v / GI)
    } else if v >= GI {
        format!("{:.1}Gi", v / GI)
    } else {
        format!("{:.0}Mi", v / (1024.0 * 1024.0))
    }
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct ScaleData {
    /// Blocked and at-max first, then by namespace and name.
    pub hpas: Vec<HpaRow>,
    pub cluster_wide: Option<ClusterWide>,
    pub node_groups: Vec<NodeGroupRow>,
    pub nodepools: Vec<NodePoolRow>,
    /// Zones (without control-plane-tainted nodes), then pools.
    pub headroom: Vec<HeadroomRow>,
}

/// Derives the pane's rows from the store (once per model generation).
pub fn derive(store: &ClusterStore, config: &Config) -> ScaleData {
    let mut d = ScaleData {
        hpas: hpas(store),
        ..Default::default()
    };
    node_groups(store, &mut d);
    d.nodepools = nodepools(store, config);
    d.headroom = headroom(store);
    d
}

fn hpas(store: &ClusterStore) -> Vec<HpaRow> {
    let mut rows: Vec<HpaRow> = store
        .typed::<HorizontalPodAutoscaler>()
        .map(|(o, h)| {
            let spec = &h.spec;
            let status = h.status.as_ref();
            let current = status.and_then(|s| s.current_replicas).unwrap_or(0) as i64;
            let desired = status.map_or(0, |s| s.desired_replicas) as i64;
            let min = spec.min_replicas.unwrap_or(1) as i64;
            let max = spec.max_replicas as i64;
            let mut conditions = Vec::new();
            let mut blocked = false;
            for c in status
                .and_then(|s| s.conditions.as_ref())
                .into_iter()
                .flatten()
            {
                let reason = c.reason.as_deref().unwrap_or("");
                if hpa_cannot_act(c) {
                    blocked |= !hpa_held_on_purpose(c);
                    conditions.push((format!("{}=False", c.type_), reason.to_string()));
                } else if c.type_ == "ScalingLimited" && c.status == "True" {
                    conditions.push(("ScalingLimited".to_string(), reason.to_string()));
                }
            }
            let target = format!(
                "{}/{}",
                spec.scale_target_ref.kind, spec.scale_target_ref.name
            );
            HpaRow {
                key: o.key.clone(),
                target,
                current,
                desired,
                min,
                max,
                at_max: status
                    .and_then(|s| s.current_replicas)
                    .is_some_and(|c| at_max_replicas(c, spec.max_replicas)),
                conditions,
                blocked,
            }
        })
        .collect();
    rows.sort_by(|a, b| (!a.blocked, !a.at_max, &a.key).cmp(&(!b.blocked, !b.at_max, &b.key)));
    rows
}

fn node_groups(store: &ClusterStore, d: &mut ScaleData) {
    for cm in status_configmaps(store) {
        let Some(status) = cm
            .typed::<ConfigMap>()
            .and_then(|c| c.data.as_ref())
            .and_then(|m| m.get("status"))
            .and_then(|t| parse_ca_status(t))
        else {
            continue;
        };
        d.cluster_wide.get_or_insert(ClusterWide {
            health: status.cluster_health.clone(),
            scale_up: status.cluster_scale_up.clone(),
        });
        for g in status.groups {
            d.node_groups.push(NodeGroupRow {
                configmap: cm.key.clone(),
                current: g.target.or(g.registered),
                name: g.name,
                min: g.min,
                registered: g.registered,
                max: g.max,
                health: g.health,
                scale_up: g.scale_up,
                backoff: g.backoff,
                last_activity: g.last_activity,
            });
        }
    }
}

fn nodepools(store: &ClusterStore, config: &Config) -> Vec<NodePoolRow> {
    let warn = config.thresholds.nodepool_limit_ratio;
    let mut rows = Vec::new();
    let mut pools: Vec<_> = karpenter_nodepools(store).collect();
    pools.sort_by(|a, b| a.key.cmp(&b.key));
    for np in pools {
        let used = np.pointer("/status/resources").and_then(Value::as_object);
        let nodes = used.and_then(|u| u.get("nodes")).map(value_str);
        let limits = np
            .pointer("/spec/limits")
            .and_then(Value::as_object)
            .filter(|l| !l.is_empty());
        let Some(limits) = limits else {
            let cpu = used.and_then(|u| u.get("cpu"));
            rows.push(NodePoolRow {
                key: np.key.clone(),
                resource: None,
                used: cpu.and_then(quantity_value),
                limit: None,
                used_text: format!("cpu {}", cpu.map_or("?".into(), value_str)),
                limit_text: "unbounded".into(),
                ratio: None,
                level: Level::Ok,
                nodes,
            });
            continue;
        };
        for (res, lim) in limits {
            let limit = quantity_value(lim);
            let u = used.map(|u| u.get(res).and_then(quantity_value).unwrap_or(0.0));
            let ratio = match (u, limit) {
                (Some(u), Some(l)) if l > 0.0 => Some(u / l),
                _ => None,
            };
            rows.push(NodePoolRow {
                key: np.key.clone(),
                resource: Some(res.clone()),
                used: u,
                limit,
                used_text: u.map_or("?".into(), |v| quantity::format(res, v)),
                limit_text: limit.map_or_else(|| value_str(lim), |v| quantity::format(res, v)),
                ratio,
                level: ratio.map_or(Level::Ok, |r| Level::of(r, warn)),
                nodes: nodes.clone(),
            });
        }
    }
    rows
}

/// Whether general workloads cannot land on the node: a control-plane node
/// that keeps its NoSchedule/NoExecute taint.
fn control_plane_tainted(obj: &crate::model::Object, node: &Node) -> bool {
    is_control_plane_node(obj)
        && node
            .spec
            .as_ref()
            .and_then(|s| s.taints.as_ref())
            .into_iter()
            .flatten()
            .any(|t| {
                (t.key == CONTROL_PLANE_LABEL || t.key == MASTER_LABEL)
                    && matches!(t.effect.as_str(), "NoSchedule" | "NoExecute")
            })
}

fn headroom(store: &ClusterStore) -> Vec<HeadroomRow> {
    let requested = requests_per_node(store);
    let nodepools: Vec<&str> = karpenter_nodepools(store).map(|o| o.name()).collect();
    let mut zones: BTreeMap<String, HeadroomRow> = BTreeMap::new();
    let mut pools: BTreeMap<String, HeadroomRow> = BTreeMap::new();
    let blank = |scope, name: &str| HeadroomRow {
        scope,
        name: name.to_string(),
        nodes: 0,
        usable: 0,
        cpu_allocatable: 0.0,
        cpu_requested: 0.0,
        memory_allocatable: 0.0,
        memory_requested: 0.0,
        nodepool: None,
    };
    for (o, n) in store.typed::<Node>() {
        let ready = n
            .status
            .as_ref()
            .and_then(|s| s.conditions.as_ref())
            .into_iter()
            .flatten()
            .any(|c| c.type_ == "Ready" && c.status == "True");
        let cordoned = n.spec.as_ref().and_then(|s| s.unschedulable) == Some(true);
        let usable = ready && !cordoned;
        let alloc = n.status.as_ref().and_then(|s| s.allocatable.as_ref());
        let a = |res: &str| {
            alloc
                .and_then(|m| m.get(res))
                .and_then(quantity::of)
                .unwrap_or(0.0)
        };
        let sum = requested.get(o.name()).copied().unwrap_or_default();
        let (rc, rm) = (sum.cpu, sum.memory);
        let add = |row: &mut HeadroomRow| {
            row.nodes += 1;
            if usable {
                row.usable += 1;
                row.cpu_allocatable += a("cpu");
                row.memory_allocatable += a("memory");
                row.cpu_requested += rc;
                row.memory_requested += rm;
            }
        };
        let pool = if is_control_plane_node(o) {
            "control-plane".to_string()
        } else {
            pool_label(o).unwrap_or("workers").to_string()
        };
        let is_nodepool = o
            .label("karpenter.sh/nodepool")
            .is_some_and(|p| nodepools.contains(&p));
        let row = pools
            .entry(pool.clone())
            .or_insert_with(|| blank(Scope::Pool, &pool));
        if is_nodepool {
            row.nodepool = Some(ObjKey::new("NodePool.karpenter.sh", "", &pool));
        }
        add(row);
        if !control_plane_tainted(o, n) {
            let zone = zone_of(o).unwrap_or("(no zone)").to_string();
            add(zones
                .entry(zone.clone())
                .or_insert_with(|| blank(Scope::Zone, &zone)));
        }
    }
    zones.into_values().chain(pools.into_values()).collect()
}

// ───────────────────────────── state ─────────────────────────────

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Section {
    #[default]
    Hpas,
    NodeGroups,
    NodePools,
    Headroom,
}

impl Section {
    pub const ALL: [Section; 4] = [
        Section::Hpas,
        Section::NodeGroups,
        Section::NodePools,
        Section::Headroom,
    ];

    fn index(self) -> usize {
        self as usize
    }

    fn title(self) -> &'static str {
        match self {
            Section::Hpas => "HPAs",
            Section::NodeGroups => "Node groups",
            Section::NodePools => "NodePools",
            Section::Headroom => "Headroom",
        }
    }
}

#[derive(Default)]
pub struct State {
    /// The focused section's selection, and the filter (shared by all).
    pub nav: Nav,
    pub sections: Sections,
    data: Memo<u64, ScaleData>,
    view: Memo<ViewKey, View>,
}

#[derive(Clone, PartialEq)]
struct ViewKey {
    generation: u64,
    filter: String,
    namespace: Option<String>,
}

#[derive(Default)]
struct View {
    hpas: Vec<usize>,
    node_groups: Vec<usize>,
    nodepools: Vec<usize>,
    headroom: Vec<usize>,
}

impl View {
    fn len(&self, s: Section) -> usize {
        match s {
            Section::Hpas => self.hpas.len(),
            Section::NodeGroups => self.node_groups.len(),
            Section::NodePools => self.nodepools.len(),
            Section::Headroom => self.headroom.len(),
        }
    }
}

/// The pane's rows: the checker's (see `Pane::derive`), else derived here.
fn data(cx: &Cx, st: &State) -> Arc<ScaleData> {
    derived(cx, st.slug(), derive_rows, &st.data)
}

fn derive_rows(input: &DeriveInput) -> ScaleData {
    derive(input.store, input.config)
}

/// The identity of row `i` of section `s` in `v`, for a selection that
/// follows its row.
fn identity(d: &ScaleData, v: &View, s: Section, i: usize) -> Option<String> {
    Some(match s {
        Section::Hpas => d.hpas[*v.hpas.get(i)?].key.to_string(),
        Section::NodeGroups => {
            let g = &d.node_groups[*v.node_groups.get(i)?];
            format!("{} {}", g.configmap, g.name)
        }
        Section::NodePools => {
            let p = &d.nodepools[*v.nodepools.get(i)?];
            format!("{} {}", p.key, p.resource.as_deref().unwrap_or(""))
        }
        Section::Headroom => d.headroom[*v.headroom.get(i)?].text(),
    })
}

/// Keeps the selection on its row (see `Keep`).
fn keep(cx: &Cx, st: &mut State, how: Keep) {
    let d = data(cx, st);
    let v = view(cx, st, &d);
    let s = st.section();
    st.nav.keep(how, v.len(s), |i| identity(&d, &v, s, i));
}

fn view(cx: &Cx, st: &State, d: &ScaleData) -> Arc<View> {
    let key = ViewKey {
        generation: cx.model.generation,
        filter: st.nav.filter.clone(),
        namespace: cx.namespace.map(str::to_string),
    };
    st.view.get(key, |_| {
        let nav = &st.nav;
        Arc::new(View {
            hpas: (0..d.hpas.len())
                .filter(|&i| {
                    cx.in_scope(Some(&d.hpas[i].key.namespace)) && nav.matches(&d.hpas[i].text())
                })
                .collect(),
            // Node groups, NodePools and nodes are cluster-scoped: `:ns` keeps them.
            node_groups: (0..d.node_groups.len())
                .filter(|&i| nav.matches(&d.node_groups[i].text()))
                .collect(),
            nodepools: (0..d.nodepools.len())
                .filter(|&i| nav.matches(&d.nodepools[i].text()))
                .collect(),
            headroom: (0..d.headroom.len())
                .filter(|&i| nav.matches(&d.headroom[i].text()))
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
    let d = data(cx, st);
    let v = view(cx, st, &d);
    let names: Vec<&str> = Section::ALL.iter().map(|s| s.title()).collect();
    let lens: Vec<usize> = Section::ALL.iter().map(|s| v.len(*s)).collect();
    handle_sections(&mut st.sections, &mut st.nav, &names, &lens, ev)
}

pub fn selected_object(cx: &Cx, st: &State) -> Option<ObjKey> {
    let d = data(cx, st);
    let v = view(cx, st, &d);
    let sel = st.nav.clamp(v.len(st.section()));
    match st.section() {
        Section::Hpas => Some(d.hpas[*v.hpas.get(sel)?].key.clone()),
        Section::NodeGroups => Some(d.node_groups[*v.node_groups.get(sel)?].configmap.clone()),
        Section::NodePools => Some(d.nodepools[*v.nodepools.get(sel)?].key.clone()),
        Section::Headroom => d.headroom[*v.headroom.get(sel)?].nodepool.clone(),
    }
}

// ───────────────────────────── drawing ─────────────────────────────

const SPARKS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];

/// The last `width` samples as a sparkline scaled to `max` (right-aligned).
pub fn sparkline(
    samples: Option<&std::collections::VecDeque<u64>>,
    max: i64,
    width: usize,
) -> String {
    let Some(h) = samples else {
        return String::new();
    };
    let top = (max.max(1) as u64).max(h.iter().copied().max().unwrap_or(0));
    let skip = h.len().saturating_sub(width);
    let line: String = h
        .iter()
        .skip(skip)
        .map(|&v| {
            if v == 0 {
                ' '
            } else {
                let i = ((v as f64 / top as f64) * 7.0).round() as usize;
                SPARKS[i.min(7)]
            }
        })
        .collect();
    format!("{line:>width$}")
}

/// `3d6h ago` from an RFC 3339 time; other forms as written.
fn ago(now: Timestamp, t: &str) -> String {
    let Ok(ts) = t.parse::<Timestamp>() else {
        return t.to_string();
    };
    format!("{} ago", age(now, ts))
}

fn num(v: Option<i64>) -> String {
    v.map_or("?".into(), |v| v.to_string())
}

/// Whether every section fits on screen at once.
fn wide(area: Rect) -> bool {
    area.width >= 140 && area.height >= 40
}

pub fn draw(f: &mut Frame, area: Rect, cx: &Cx, st: &State) {
    let d = data(cx, st);
    let v = view(cx, st, &d);
    if wide(area) {
        let mid_h = (v.node_groups.len().max(v.nodepools.len()) as u16 + 3).clamp(5, 10);
        let bottom_h = (v.headroom.len() as u16 + 3).clamp(5, 14);
        let [top, mid, bottom] = Layout::vertical([
            Constraint::Min(8),
            Constraint::Length(mid_h),
            Constraint::Length(bottom_h),
        ])
        .areas(area);
        let [groups, pools] =
            Layout::horizontal([Constraint::Percentage(55), Constraint::Percentage(45)]).areas(mid);
        draw_section(f, top, cx, st, &d, &v, Section::Hpas);
        draw_section(f, groups, cx, st, &d, &v, Section::NodeGroups);
        draw_section(f, pools, cx, st, &d, &v, Section::NodePools);
        draw_section(f, bottom, cx, st, &d, &v, Section::Headroom);
        return;
    }
    let [line, body] = Layout::vertical([Constraint::Length(1), Constraint::Min(3)]).areas(area);
    let titles: Vec<(&str, usize)> = Section::ALL
        .iter()
        .map(|s| (s.title(), v.len(*s)))
        .collect();
    f.render_widget(section_line(cx.theme, &titles, st.section().index()), line);
    draw_section(f, body, cx, st, &d, &v, st.section());
}

fn draw_section(
    f: &mut Frame,
    area: Rect,
    cx: &Cx,
    st: &State,
    d: &ScaleData,
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
    let filter = st.nav.filter.as_str();
    let thresholds = &cx.model.config().thresholds;
    match s {
        Section::Hpas => {
            let at_max = v.hpas.iter().filter(|&&i| d.hpas[i].at_max).count();
            let blocked = v.hpas.iter().filter(|&&i| d.hpas[i].blocked).count();
            let t = title(
                theme,
                s.title(),
                focused,
                format!("{at_max} at max, {blocked} not scaling"),
                filter,
            );
            let roomy = area.width >= 120;
            let trend_w: usize = if roomy { 20 } else { 6 };
            let (header, widths): (Vec<&str>, Vec<Constraint>) = if roomy {
                (
                    vec![
                        "NAMESPACE",
                        "NAME",
                        "TARGET",
                        "CUR",
                        "DES",
                        "MIN",
                        "MAX",
                        "STATE",
                        "REPLICAS (SESSION)",
                        "CONDITIONS",
                    ],
                    vec![
                        Constraint::Length(14),
                        Constraint::Length(24),
                        Constraint::Length(28),
                        Constraint::Length(3),
                        Constraint::Length(3),
                        Constraint::Length(3),
                        Constraint::Length(3),
                        Constraint::Length(6),
                        Constraint::Length(trend_w as u16),
                        Constraint::Min(16),
                    ],
                )
            } else {
                // Replicas as `current/desired` and `min-max` to leave the
                // conditions room at 80 columns.
                (
                    vec!["HPA", "CUR/DES", "MIN-MAX", "STATE", "TREND", "CONDITIONS"],
                    vec![
                        Constraint::Length(28),
                        Constraint::Length(7),
                        Constraint::Length(7),
                        Constraint::Length(6),
                        Constraint::Length(trend_w as u16),
                        Constraint::Min(19),
                    ],
                )
            };
            table::draw(f, area, theme, t, &header, &widths, total, selected, |i| {
                let h = &d.hpas[v.hpas[i]];
                let mut cells = if roomy {
                    vec![
                        Line::from(h.key.namespace.to_string()),
                        Line::from(h.key.name.to_string()),
                        Line::from(h.target.clone()),
                        Line::from(h.current.to_string()),
                        Line::from(h.desired.to_string()),
                        Line::from(h.min.to_string()),
                        Line::from(h.max.to_string()),
                    ]
                } else {
                    vec![
                        Line::from(format!("{}/{}", h.key.namespace, h.key.name)),
                        Line::from(format!("{}/{}", h.current, h.desired)),
                        Line::from(format!("{}-{}", h.min, h.max)),
                    ]
                };
                let spark = sparkline(cx.model.hpa_history.get(&h.key), h.max, trend_w);
                cells.extend([
                    Line::from(h.state_word()).style(theme.warning),
                    Line::from(spark).style(if h.at_max {
                        theme.warning
                    } else {
                        theme.accent
                    }),
                    Line::from(h.conditions_text(roomy)).style(if h.blocked {
                        theme.error
                    } else if h.conditions.is_empty() {
                        theme.muted
                    } else {
                        theme.warning
                    }),
                ]);
                cells
            });
        }
        Section::NodeGroups => {
            let extra = match &d.cluster_wide {
                Some(c) => format!(
                    "cluster-autoscaler: {}, scale-up {}",
                    c.health.as_deref().unwrap_or("?"),
                    c.scale_up.as_deref().unwrap_or("?")
                ),
                None => "no cluster-autoscaler-status ConfigMap".into(),
            };
            let t = title(theme, s.title(), focused, extra, filter);
            let now = cx.model.now;
            table::draw(
                f,
                area,
                theme,
                t,
                &[
                    "NODE GROUP",
                    "MIN",
                    "CUR",
                    "MAX",
                    "STATE",
                    "HEALTH",
                    "SCALE-UP",
                    "LAST ACTIVITY",
                ],
                &[
                    Constraint::Length(21),
                    Constraint::Length(3),
                    Constraint::Length(3),
                    Constraint::Length(3),
                    Constraint::Length(9),
                    Constraint::Length(9),
                    Constraint::Length(10),
                    Constraint::Min(9),
                ],
                total,
                selected,
                |i| {
                    let g = &d.node_groups[v.node_groups[i]];
                    let word = g.state_word();
                    let word_style = match word {
                        "ok" => theme.pass,
                        "AT MAX" => theme.warning,
                        _ => theme.error,
                    };
                    let scale_up = match (&g.scale_up, &g.backoff) {
                        (Some(s), Some(b)) => format!("{s} ({b})"),
                        (s, _) => s.clone().unwrap_or_else(|| "?".into()),
                    };
                    vec![
                        Line::from(g.name.clone()),
                        Line::from(num(g.min)),
                        Line::from(num(g.current)),
                        Line::from(num(g.max)),
                        Line::from(word).style(word_style),
                        Line::from(g.health.clone().unwrap_or_else(|| "?".into())),
                        Line::from(scale_up),
                        Line::from(
                            g.last_activity
                                .as_deref()
                                .map_or("?".into(), |t| ago(now, t)),
                        ),
                    ]
                },
            );
        }
        Section::NodePools => {
            let t = title(
                theme,
                s.title(),
                focused,
                format!(
                    "Karpenter, high at {}",
                    percent(thresholds.nodepool_limit_ratio)
                ),
                filter,
            );
            table::draw(
                f,
                area,
                theme,
                t,
                &["NODEPOOL", "RESOURCE", "GAUGE", "USE", "USED / LIMIT"],
                &[
                    Constraint::Length(14),
                    Constraint::Length(9),
                    Constraint::Length(10),
                    Constraint::Length(9),
                    Constraint::Min(12),
                ],
                total,
                selected,
                |i| {
                    let p = &d.nodepools[v.nodepools[i]];
                    let (gauge, usage) = match (&p.resource, p.ratio) {
                        (None, _) => (Line::from(""), Line::from("NO LIMITS").style(theme.error)),
                        (Some(_), Some(r)) => {
                            (bar(theme, r, p.level, 10), percent_cell(theme, r, p.level))
                        }
                        (Some(_), None) => {
                            (Line::from(""), Line::from("NO STATUS").style(theme.unknown))
                        }
                    };
                    vec![
                        Line::from(p.key.name.to_string()),
                        Line::from(p.resource.clone().unwrap_or_else(|| "—".into())),
                        gauge,
                        usage,
                        Line::from(format!("{} / {}", p.used_text, p.limit_text)),
                    ]
                },
            );
        }
        Section::Headroom => {
            let warn = thresholds.node_request_ratio;
            let t = title(
                theme,
                s.title(),
                focused,
                "requests vs allocatable of ready nodes".into(),
                filter,
            );
            let roomy = area.width >= 120;
            let mut header = vec!["", "ZONE / POOL", "NODES"];
            let mut widths = vec![
                Constraint::Length(4),
                Constraint::Length(16),
                Constraint::Length(5),
            ];
            for res in ["CPU", "MEMORY"] {
                if roomy {
                    header.push(if res == "CPU" {
                        "CPU REQUESTED"
                    } else {
                        "MEMORY REQUESTED"
                    });
                    widths.push(Constraint::Length(16));
                    header.push("");
                } else {
                    header.push(if res == "CPU" { "CPU REQ" } else { "MEM REQ" });
                }
                widths.push(Constraint::Length(9));
                header.push(if res == "CPU" {
                    "FREE / ALLOC"
                } else {
                    "FREE / ALLOC "
                });
                widths.push(Constraint::Length(if res == "CPU" { 13 } else { 15 }));
            }
            table::draw(f, area, theme, t, &header, &widths, total, selected, |i| {
                let h = &d.headroom[v.headroom[i]];
                let mut cells = vec![
                    Line::from(match h.scope {
                        Scope::Zone => "zone",
                        Scope::Pool => "pool",
                    })
                    .style(theme.muted),
                    Line::from(h.name.clone()),
                    Line::from(format!("{}/{}", h.usable, h.nodes)),
                ];
                for res in ["cpu", "memory"] {
                    let r = h.ratio(res);
                    let level = Level::of(r, warn);
                    if roomy {
                        cells.push(bar(theme, r, level, 16));
                    }
                    cells.push(percent_cell(theme, r, level));
                    cells.push(Line::from(h.free_text(res)));
                }
                cells
            });
        }
    }
}

impl Pane for State {
    fn title(&self) -> &'static str {
        "Autoscaling"
    }

    fn short_title(&self) -> &'static str {
        "Scale"
    }

    fn slug(&self) -> &'static str {
        "autoscaling"
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
        &[(
            Action::NextSection,
            "next section (HPAs, node groups, NodePools, headroom)",
        )]
    }

    fn derive(&self) -> Option<Derive> {
        Some(|input| Arc::new(derive_rows(input)))
    }
}
