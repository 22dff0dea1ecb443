//! Nodes & control plane: nodes sorted by role, zone and pool with their
//! Ready/NotReady/SchedulingDisabled state, pressure conditions, kubelet
//! version, allocatable/capacity and age; and the control-plane static pods
//! (kube-apiserver, etcd, kube-controller-manager, kube-scheduler on each
//! node) with the flags the checks read and the checks they fail.
//!
//! Like Backups, the two sections are stacked when the pane has 40 rows or
//! more and shown one at a time below that; `o` moves the focus, `s` cycles
//! the node sort (role → zone → pool → status → name), `enter` shows the
//! selected row's detail (taints and conditions of a node; every flag and
//! the failing checks' messages of a component), always shown when tall.

use std::sync::Arc;

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{Container, Node};
use k8s_openapi::jiff::Timestamp;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::Span;
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};

use super::{Cx, Outcome, Pane, PaneEvent, derived, handle_sections};
use crate::checks::{CheckResult, Severity, Status};
use crate::config::keymap::Action;
use crate::model::command::{command_words, env_value, flag_value};
use crate::model::pod::Pod;
use crate::model::{ObjKey, Object, inert, quantity};
use crate::runtime::Results;
use crate::runtime::checker::{Derive, DeriveInput};
use crate::ui::memo::Memo;
use crate::ui::widgets::grid::{self, Grid, Row, Tone};
use crate::ui::widgets::sections::Sections;
use crate::ui::widgets::table::{Keep, Nav};
use crate::view::duration::age;
use crate::view::topology::{
    common_domain, component_container, is_control_plane_node, managed_pool_label, pool_label,
    static_pods, zone_of,
};

pub const SECTIONS: [&str; 2] = ["Nodes", "Control plane"];

/// The control-plane components, in the order rows show them.
pub const COMPONENTS: [&str; 4] = [
    "kube-apiserver",
    "etcd",
    "kube-controller-manager",
    "kube-scheduler",
];

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SortKey {
    #[default]
    Role,
    Zone,
    Pool,
    Status,
    Name,
}

#[derive(Default)]
pub struct State {
    pub nav: Nav,
    pub sections: Sections,
    pub sort: SortKey,
    /// `enter`: the detail under the table (always shown when tall).
    pub detail: bool,
    data: Memo<u64, NodesData>,
    view: Memo<ViewKey, View>,
}

/// The pane's rows before sorting, `:ns`, the filter and ages: what the
/// checker derives after each evaluation (see `Pane::derive`).
#[derive(Debug, Clone, PartialEq)]
pub struct NodesData {
    /// Shared with the store's cache until a Node changes.
    nodes: Arc<Vec<NodeEntry>>,
    /// The domain every node name ends with (shown without it).
    domain: Option<String>,
    /// (detail, row), in component then node order.
    control_plane: Vec<(String, Row)>,
    /// What the control-plane table says when it is empty.
    control_plane_empty: String,
}

/// A node's row with what it sorts by; its AGE cell is filled at view time.
#[derive(Debug, Clone, PartialEq)]
struct NodeEntry {
    detail: String,
    cp: bool,
    role: String,
    zone: String,
    pool: String,
    rank: u8,
    created: Option<Timestamp>,
    row: Row,
}

/// The column of a node row's age.
const AGE: usize = 10;

#[derive(Clone, PartialEq)]
struct ViewKey {
    generation: u64,
    filter: String,
    namespace: Option<String>,
    now: Timestamp,
    sort: SortKey,
}

#[derive(Debug, Clone, PartialEq)]
pub struct View {
    pub nodes: Grid,
    pub control_plane: Grid,
    /// The detail text of each row, per section.
    pub details: [Vec<String>; 2],
}

impl View {
    pub fn grids(&self) -> [&Grid; 2] {
        [&self.nodes, &self.control_plane]
    }
}

pub fn view(cx: &Cx, st: &State) -> Arc<View> {
    let key = ViewKey {
        generation: cx.model.generation,
        filter: st.nav.filter.clone(),
        namespace: cx.namespace.map(str::to_string),
        now: cx.model.now,
        sort: st.sort,
    };
    st.view.get(key, |_| {
        let d = derived(cx, st.slug(), derive_rows, &st.data);
        Arc::new(view_of(&d, cx, &st.nav, st.sort))
    })
}

/// The role a node shows (`node-role.kubernetes.io/<role>` labels; the
/// legacy `master` reads as control-plane), `<none>` without one.
pub fn role_of(node: &Object) -> String {
    let mut roles: Vec<&str> = node
        .labels()
        .keys()
        .filter_map(|k| k.strip_prefix("node-role.kubernetes.io/"))
        .map(|r| if r == "master" { "control-plane" } else { r })
        .filter(|r| !r.is_empty())
        .collect();
    roles.sort_unstable();
    roles.dedup();
    if roles.is_empty() {
        "<none>".into()
    } else {
        roles.join(",")
    }
}

/// The pool label value a node carries (the checks' list, most specific
/// first), `-` without one.
pub fn pool_of(node: &Object) -> &str {
    pool_label(node).unwrap_or("-")
}

fn status_of(node: &Node) -> (String, Tone, u8) {
    let conds = node
        .status
        .as_ref()
        .and_then(|s| s.conditions.as_deref())
        .unwrap_or(&[]);
    let ready = conds.iter().find(|c| c.type_ == "Ready");
    let (mut word, mut tone, mut rank) = match ready.map(|c| c.status.as_str()) {
        Some("True") => ("Ready".to_string(), Tone::Pass, 2),
        Some(_) => ("NotReady".to_string(), Tone::Error, 0),
        None => ("Unknown".to_string(), Tone::Unknown, 0),
    };
    if node.spec.as_ref().and_then(|s| s.unschedulable) == Some(true) {
        word.push_str(",SchedulingDisabled");
        if tone == Tone::Pass {
            tone = Tone::Warning;
            rank = 1;
        }
    }
    (word, tone, rank)
}

fn pressure_of(node: &Node) -> (String, Tone) {
    let conds = node
        .status
        .as_ref()
        .and_then(|s| s.conditions.as_deref())
        .unwrap_or(&[]);
    let mut on = Vec::new();
    let mut unknown = false;
    for (t, word) in [
        ("MemoryPressure", "Memory"),
        ("DiskPressure", "Disk"),
        ("PIDPressure", "PID"),
        ("NetworkUnavailable", "Network"),
    ] {
        match conds
            .iter()
            .find(|c| c.type_ == t)
            .map(|c| c.status.as_str())
        {
            Some("True") => on.push(word),
            Some("Unknown") => unknown = true,
            _ => {}
        }
    }
    if !on.is_empty() {
        (on.join(","), Tone::Warning)
    } else if unknown {
        ("unknown".into(), Tone::Unknown)
    } else {
        ("-".into(), Tone::Plain)
    }
}

/// `allocatable/capacity` of a resource, formatted.
fn alloc_cap(node: &Node, resource: &str) -> String {
    let st = node.status.as_ref();
    let get =
        |m: Option<&BTreeMap<String, k8s_openapi::apimachinery::pkg::api::resource::Quantity>>| {
            m.and_then(|m| m.get(resource))
                .and_then(quantity::of)
                .map_or("?".to_string(), |v| quantity::format(resource, v))
        };
    format!(
        "{}/{}",
        get(st.and_then(|s| s.allocatable.as_ref())),
        get(st.and_then(|s| s.capacity.as_ref()))
    )
}

/// Derives the nodes and control-plane rows (on the checker's thread: no
/// theme, no `:ns`, no filter, no ages).
fn derive_rows(input: &DeriveInput) -> NodesData {
    let store = input.store;
    let nodes: Vec<(&crate::model::ObjRef, &Node)> = store.typed::<Node>().collect();
    let names: Vec<&str> = nodes.iter().map(|(o, _)| o.name()).collect();
    let domain = common_domain(&names).map(str::to_string);
    let short = |name: &str| -> String {
        match &domain {
            Some(d) => name
                .strip_suffix(d.as_str())
                .and_then(|n| n.strip_suffix('.'))
                .unwrap_or(name)
                .to_string(),
            None => name.to_string(),
        }
    };

    // Node rows read only Nodes: built once per state of the Nodes.
    let node_entries = store.memo("ui/nodes", store.stamp(&["Node"]), || {
        nodes
            .iter()
            .map(|(o, n)| {
                let (status, tone, rank) = status_of(n);
                let (pressure, ptone) = pressure_of(n);
                let role = role_of(o);
                let zone = zone_of(o).unwrap_or("-").to_string();
                let pool = pool_of(o).to_string();
                let kubelet = n
                    .status
                    .as_ref()
                    .and_then(|s| s.node_info.as_ref())
                    .map_or("?".to_string(), |i| i.kubelet_version.clone());
                let row = Row::new(Some(o.key.clone()))
                    .cell(short(o.name()))
                    .word(status, tone)
                    .cell(role.clone())
                    .cell(zone.clone())
                    .cell(pool.clone())
                    .word(pressure, ptone)
                    .cell(kubelet)
                    .cell(alloc_cap(n, "cpu"))
                    .cell(alloc_cap(n, "memory"))
                    .cell(o.label("node.kubernetes.io/instance-type").unwrap_or("-"))
                    // AGE: filled in at view time, against the model's clock.
                    .cell("-");
                NodeEntry {
                    detail: node_detail(o, n),
                    cp: is_control_plane_node(o),
                    role,
                    zone,
                    pool,
                    rank,
                    created: o.meta.creation_timestamp.as_ref().map(|t| t.0),
                    row,
                }
            })
            .collect::<Vec<NodeEntry>>()
    });

    let mut rows = Vec::new();
    let (findings, on_components) = control_plane_findings(input.results);
    let mut seen: BTreeMap<&str, Vec<&str>> = BTreeMap::new(); // node → components
    for component in COMPONENTS {
        for (o, pod) in static_pods(store, component) {
            let node = pod
                .spec
                .as_ref()
                .and_then(|s| s.node_name.as_deref())
                .unwrap_or("?");
            seen.entry(node).or_default().push(component);
            let (status, tone) = pod_state(pod);
            let mut found: Vec<&CheckResult> = findings.get(o.name()).cloned().unwrap_or_default();
            found.extend(
                on_components
                    .iter()
                    .filter(|r| r.subject.name == component && r.message.contains(o.name())),
            );
            let (word, ctone) = checks_word(&found);
            let failing: Vec<&str> = found
                .iter()
                .filter(|r| r.status == Status::Fail)
                .map(|r| r.check.split_once('/').map_or(r.check, |(_, c)| c))
                .collect();
            let flags = match component_container(pod, component) {
                Some(c) => flags_of(component, c),
                None => "no containers".into(),
            };
            let mut detail = format!("{} on {node}\nflags: {flags}", o.name());
            for r in &found {
                detail.push_str(&format!(
                    "\n{} {}: {}",
                    r.status.as_str().to_uppercase(),
                    r.check,
                    r.message
                ));
            }
            rows.push((
                detail,
                Row::new(Some(o.key.clone()))
                    .cell(component)
                    .cell(short(node))
                    .word(status, tone)
                    .word(word, ctone)
                    .cell(if failing.is_empty() {
                        "-".to_string()
                    } else {
                        failing.join(", ")
                    })
                    .cell(flags),
            ));
        }
    }
    // A control-plane node without one of the components (when any is
    // visible at all).
    if !rows.is_empty() {
        for (o, _) in &nodes {
            if !is_control_plane_node(o) {
                continue;
            }
            for component in COMPONENTS {
                if seen.get(o.name()).is_some_and(|c| c.contains(&component)) {
                    continue;
                }
                rows.push((
                    format!("{component} on {}: no static pod", o.name()),
                    Row::new(Some(o.key.clone()))
                        .cell(component)
                        .cell(short(o.name()))
                        .word("ABSENT", Tone::Warning)
                        .word("-", Tone::Muted)
                        .cell("-")
                        .cell("no static pod of this component on this node"),
                ));
            }
        }
        let order = |c: &str| COMPONENTS.iter().position(|x| *x == c).unwrap_or(9);
        rows.sort_by(|(_, a), (_, b)| {
            (order(&a.cells[0]), &a.cells[1]).cmp(&(order(&b.cells[0]), &b.cells[1]))
        });
    }
    let control_plane_empty = match (&store.info.managed, managed_pool_label(store)) {
        (Some(p), _) => format!(
            "unknown: managed control plane ({p}) — the provider hides kube-apiserver, etcd, \
             kube-controller-manager and kube-scheduler and their flags"
        ),
        (None, Some((label, provider))) => format!(
            "unknown: managed control plane? nodes carry {label} ({provider}); no \
             control-plane static pod is visible and their flags cannot be read"
        ),
        (None, None) => "unknown: no control-plane static pod is visible in kube-system \
                         (label component=kube-apiserver, …): their flags cannot be read"
            .into(),
    };
    NodesData {
        nodes: node_entries,
        domain,
        control_plane: rows,
        control_plane_empty,
    }
}

/// A node's name, taints and the conditions that are not as they should be.
fn node_detail(o: &Object, n: &Node) -> String {
    let taints: Vec<String> = n
        .spec
        .as_ref()
        .and_then(|s| s.taints.as_ref())
        .into_iter()
        .flatten()
        .map(|t| match &t.value {
            Some(v) => format!("{}={v}:{}", t.key, t.effect),
            None => format!("{}:{}", t.key, t.effect),
        })
        .collect();
    let conditions: Vec<String> = n
        .status
        .as_ref()
        .and_then(|s| s.conditions.as_ref())
        .into_iter()
        .flatten()
        .filter(|c| {
            // Ready when not True; the pressure conditions when not False.
            c.status != if c.type_ == "Ready" { "True" } else { "False" }
        })
        .map(|c| {
            format!(
                "{}={} ({})",
                c.type_,
                c.status,
                c.message.as_deref().or(c.reason.as_deref()).unwrap_or("")
            )
        })
        .collect();
    format!(
        "{}\ntaints: {}\nconditions: {}",
        o.name(),
        if taints.is_empty() {
            "none".into()
        } else {
            taints.join(", ")
        },
        if conditions.is_empty() {
            "Ready, no pressure".into()
        } else {
            conditions.join("; ")
        }
    )
}

/// The derived rows sorted, aged against the model's clock, narrowed to
/// `:ns` and filtered.
fn view_of(d: &NodesData, cx: &Cx, nav: &Nav, sort: SortKey) -> View {
    let now = cx.model.now;
    let mut list: Vec<&NodeEntry> = d.nodes.iter().collect();
    list.sort_by(|a, b| {
        let name = |n: &NodeEntry| n.row.cells[0].clone();
        let role = |n: &NodeEntry| (!n.cp, n.role.clone());
        match sort {
            SortKey::Role => (role(a), &a.zone, &a.pool).cmp(&(role(b), &b.zone, &b.pool)),
            SortKey::Zone => (&a.zone, role(a), &a.pool).cmp(&(&b.zone, role(b), &b.pool)),
            SortKey::Pool => (&a.pool, &a.zone).cmp(&(&b.pool, &b.zone)),
            SortKey::Status => (a.rank, role(a)).cmp(&(b.rank, role(b))),
            SortKey::Name => std::cmp::Ordering::Equal,
        }
        .then_with(|| name(a).cmp(&name(b)))
    });
    let mut node_grid = Grid::new(
        "Nodes",
        &[
            "NODE", "STATUS", "ROLE", "ZONE", "POOL", "PRESSURE", "KUBELET", "CPU a/c", "MEM a/c",
            "TYPE", "AGE",
        ],
        &[0, 0, 0, 0, 0, 0, 1, 3, 3, 4, 2],
    );
    node_grid.note = format!(
        "sort:{}{}",
        format!("{sort:?}").to_lowercase(),
        d.domain
            .as_ref()
            .map(|d| format!(", names without .{d}"))
            .unwrap_or_default()
    );
    node_grid.empty = "no Node objects (the snapshot did not include them)".into();
    let all = list.len();
    let mut node_rows = Vec::new();
    let mut node_details = Vec::new();
    for n in list {
        let mut row = n.row.clone();
        if let (Some(created), Some(cell)) = (n.created, row.cells.get_mut(AGE)) {
            *cell = age(now, created);
        }
        if row.matches(nav) {
            node_rows.push(row);
            node_details.push(n.detail.clone());
        }
    }
    node_grid.filter(node_rows, nav);
    node_grid.total = all;

    let mut cp_grid = Grid::new(
        "Control plane",
        &["COMPONENT", "NODE", "STATUS", "CHECKS", "FAILING", "FLAGS"],
        &[0, 0, 0, 0, 2, 0],
    );
    cp_grid.note = "flags the checks read".into();
    cp_grid.empty = d.control_plane_empty.clone();
    // The control plane lives in kube-system: `:ns` elsewhere hides it.
    let rows: &[(String, Row)] = if cx.in_scope(Some("kube-system")) {
        &d.control_plane
    } else {
        cp_grid.empty = "the control plane is in kube-system (:ns all to see it)".into();
        &[]
    };
    let rows: Vec<&(String, Row)> = rows.iter().filter(|(_, r)| r.matches(nav)).collect();
    let cp_details: Vec<String> = rows.iter().map(|(d, _)| d.clone()).collect();
    cp_grid.filter(rows.iter().map(|(_, r)| r.clone()).collect(), nav);
    cp_grid.total = if cx.in_scope(Some("kube-system")) {
        d.control_plane.len()
    } else {
        0
    };

    View {
        nodes: node_grid,
        control_plane: cp_grid,
        details: [node_details, cp_details],
    }
}

/// Non-passing results about kube-system pods, by pod name.
/// Findings (not passes) on kube-system pods by pod name, and those on
/// control-plane components: one pass over the results.
type ControlPlaneFindings<'a> = (
    BTreeMap<&'a str, Vec<&'a CheckResult>>,
    Vec<&'a CheckResult>,
);

fn control_plane_findings(results: &Results) -> ControlPlaneFindings<'_> {
    let mut pods: BTreeMap<&str, Vec<&CheckResult>> = BTreeMap::new();
    let mut components = Vec::new();
    for r in results.iter().filter(|r| r.status != Status::Pass) {
        match r.subject.kind.as_str() {
            "Pod" if r.subject.namespace.as_deref() == Some("kube-system") => {
                pods.entry(r.subject.name.as_str()).or_default().push(r)
            }
            "Component" => components.push(r),
            _ => {}
        }
    }
    (pods, components)
}

fn checks_word(found: &[&CheckResult]) -> (String, Tone) {
    let fails: Vec<&&CheckResult> = found.iter().filter(|r| r.status == Status::Fail).collect();
    if !fails.is_empty() {
        let tone = if fails.iter().any(|r| r.severity == Severity::Error) {
            Tone::Error
        } else {
            Tone::Warning
        };
        return (format!("FAIL {}", fails.len()), tone);
    }
    if found.iter().any(|r| r.status == Status::Unknown) {
        return ("UNKNOWN".into(), Tone::Unknown);
    }
    ("OK".into(), Tone::Pass)
}

fn pod_state(pod: &Pod) -> (String, Tone) {
    let st = pod.status.as_ref();
    let phase = st.and_then(|s| s.phase.as_deref()).unwrap_or("Unknown");
    let ready = st
        .and_then(|s| s.container_statuses.as_ref())
        .is_some_and(|cs| !cs.is_empty() && cs.iter().all(|c| c.ready));
    match (phase, ready) {
        ("Running", true) => ("Running".into(), Tone::Pass),
        ("Running", false) => ("NotReady".into(), Tone::Error),
        ("Pending", _) => ("Pending".into(), Tone::Warning),
        (p, _) => (p.to_string(), Tone::Error),
    }
}

/// Paths show as their file name (the checks read whether they are set).
fn short_value(v: &str) -> String {
    match v.rsplit_once('/') {
        Some((_, file)) if !file.is_empty() && !v.contains("://") => file.to_string(),
        _ => v.to_string(),
    }
}

/// The flags the checks read from a component's command line: `name=value`,
/// `name=value(env)` for etcd settings from `ETCD_*`, `name MISSING` when a
/// flag the checks expect is absent; optional flags only when set.
pub fn flags_of(component: &str, c: &Container) -> String {
    let words = command_words(c);
    // (flag, shown when absent, is boolean)
    let wanted: &[(&str, bool, bool)] = match component {
        "kube-apiserver" => &[
            ("anonymous-auth", true, true),
            ("authentication-config", false, false),
            ("encryption-provider-config", true, false),
            ("audit-log-path", true, false),
            ("audit-webhook-config-file", false, false),
            ("audit-policy-file", true, false),
        ],
        "etcd" => &[
            ("config-file", false, false),
            ("client-cert-auth", true, true),
            ("peer-client-cert-auth", true, true),
            ("heartbeat-interval", true, false),
            ("election-timeout", true, false),
        ],
        "kube-controller-manager" => &[("leader-elect", true, true)],
        "kube-scheduler" => &[("config", false, false), ("leader-elect", true, true)],
        _ => &[],
    };
    let mut out = Vec::new();
    for (flag, always, boolean) in wanted {
        match flag_value(&words, flag, *boolean) {
            Some(v) => out.push(format!("{flag}={}", short_value(v))),
            None => {
                let env = format!("ETCD_{}", flag.to_ascii_uppercase().replace('-', "_"));
                match (component, env_value(c, &env)) {
                    ("etcd", Some(v)) => out.push(format!("{flag}={}(env)", short_value(v))),
                    _ if *always => out.push(format!("{flag} MISSING")),
                    _ => {}
                }
            }
        }
    }
    out.join(" ")
}

fn lens(v: &View) -> Vec<usize> {
    v.grids().iter().map(|g| g.rows.len()).collect()
}

pub fn handle(cx: &Cx, st: &mut State, ev: PaneEvent) -> Outcome {
    if ev == PaneEvent::Action(Action::Sort) {
        st.sort = match st.sort {
            SortKey::Role => SortKey::Zone,
            SortKey::Zone => SortKey::Pool,
            SortKey::Pool => SortKey::Status,
            SortKey::Status => SortKey::Name,
            SortKey::Name => SortKey::Role,
        };
        return Outcome::Status(format!("nodes sorted by {:?}", st.sort).to_lowercase());
    }
    if ev == PaneEvent::Action(Action::Detail) {
        st.detail = !st.detail;
        return Outcome::Handled;
    }
    let lens = match ev {
        PaneEvent::Action(_) => lens(&view(cx, st)),
        _ => Vec::new(),
    };
    handle_sections(&mut st.sections, &mut st.nav, &SECTIONS, &lens, ev)
}

pub fn selected_object(cx: &Cx, st: &State) -> Option<ObjKey> {
    let v = view(cx, st);
    let g = v.grids()[st.sections.focus.min(1)];
    g.rows
        .get(st.nav.clamp(g.rows.len()))
        .and_then(|r| r.obj.clone())
}

pub fn draw(f: &mut Frame, area: Rect, cx: &Cx, st: &State) {
    let v = view(cx, st);
    let grids = v.grids();
    let focus = st.sections.focus.min(grids.len() - 1);
    let selected = st.nav.clamp(grids[focus].rows.len());
    let tall = grid::is_tall(area);
    let [sections, detail] = if tall || st.detail {
        Layout::vertical([
            Constraint::Min(6),
            Constraint::Length(if tall { 9 } else { 7 }),
        ])
        .areas(area)
    } else {
        [area, Rect::default()]
    };
    grid::draw_sections(
        f,
        sections,
        cx.theme,
        &grids,
        focus,
        selected,
        &st.nav.filter,
        tall,
    );
    if tall || st.detail {
        let text = v.details[focus]
            .get(selected)
            .cloned()
            .unwrap_or_else(|| "nothing selected".into());
        f.render_widget(
            Paragraph::new(inert::inert_lines(&text).into_owned())
                .block(
                    Block::default()
                        .borders(Borders::ALL)
                        .border_style(cx.theme.border)
                        .title(Span::styled(" Detail ", cx.theme.title)),
                )
                .wrap(Wrap { trim: true }),
            detail,
        );
    }
}

/// The identity of row `i` of the focused section: a node, or a component
/// on a node (the rows of components missing from a node share its key).
fn identity(v: &View, focus: usize, i: usize) -> Option<String> {
    let row = v.grids().get(focus)?.rows.get(i)?;
    Some(match (focus, row.cells.first()) {
        (1, Some(component)) => format!("{} {component}", row.identity()),
        _ => row.identity(),
    })
}

/// Keeps the selection on its row (see `Keep`).
fn keep(cx: &Cx, st: &mut State, how: Keep) {
    let v = view(cx, st);
    let focus = st.sections.focus;
    let len = v.grids().get(focus).map_or(0, |g| g.rows.len());
    st.nav.keep(how, len, |i| identity(&v, focus, i));
}

impl Pane for State {
    fn title(&self) -> &'static str {
        "Nodes"
    }

    fn short_title(&self) -> &'static str {
        "Nodes"
    }

    fn slug(&self) -> &'static str {
        "nodes"
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

    fn derive(&self) -> Option<Derive> {
        Some(|input| Arc::new(derive_rows(input)))
    }

    fn hints(&self) -> &'static [(Action, &'static str)] {
        &[
            (Action::NextSection, "next section (nodes, control plane)"),
            (Action::Sort, "sort nodes by role, zone, pool, status, name"),
            (Action::Detail, "show or hide the row's detail"),
        ]
    }
}
