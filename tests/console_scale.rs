//! The Quotas and Autoscaling panes over the demo cluster: row derivation
//! with exact values, navigation/filter/selection, and rendering at 80×24
//! and 160×48 (buffer text and insta snapshots).

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use kready::config::Config;
use kready::config::keymap::{Action, Keymap};
use kready::config::theme::Theme;
use kready::model::ObjKey;
use kready::runtime::Model;
use kready::source::snapshot::{self, LoadOptions};
use kready::store::ClusterStore;
use kready::ui::panes::autoscaling::{self, Scope};
use kready::ui::panes::quotas::{self, Limits};
use kready::ui::panes::{Cx, Outcome, Pane, PaneEvent};
use kready::ui::state::State;
use kready::ui::widgets::gauge::Level;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

fn load() -> ClusterStore {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/demo");
    snapshot::load(&dir, &LoadOptions::default())
        .expect("the demo loads")
        .into_store()
}

/// The demo store, loaded once for the row-derivation tests.
fn store() -> &'static ClusterStore {
    static STORE: OnceLock<ClusterStore> = OnceLock::new();
    STORE.get_or_init(load)
}

/// The whole console model (runs every check: a few seconds in debug
/// builds, so the console tests build it once each).
fn demo() -> Model {
    Model::new(load(), &Config::default(), None)
}

fn dark() -> Theme {
    Theme::parse("dark", include_str!("../themes/dark.toml")).expect("dark theme")
}

fn render(state: &State, model: &Model, w: u16, h: u16) -> String {
    let mut t = Terminal::new(TestBackend::new(w, h)).expect("terminal");
    t.draw(|f| kready::ui::draw(f, state, model)).expect("draw");
    let buf = t.backend().buffer();
    let mut out = String::new();
    for y in 0..h {
        let line: String = (0..w).map(|x| buf[(x, y)].symbol()).collect();
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// (name, min, current, max, state).
type GroupRow<'a> = (&'a str, Option<i64>, Option<i64>, Option<i64>, &'a str);
/// (nodepool, resource, used, limit, level).
type PoolRow<'a> = (&'a str, Option<&'a str>, Option<f64>, Option<f64>, Level);

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-6
}

// ───────────────────────────── quotas: rows ─────────────────────────────

#[test]
fn quota_gauges_sorted_by_pressure() {
    let d = quotas::derive(store(), &Config::default());
    // 9 quotas: 8 with 7 resources, ml-serving with 8 (the GPU).
    assert_eq!(d.gauges.len(), 64);
    let g = &d.gauges[0];
    assert_eq!(
        (g.namespace.as_str(), g.quota.as_str(), g.resource.as_str()),
        ("ml-serving", "ml-serving-quota", "requests.nvidia.com/gpu")
    );
    assert_eq!((g.used_text.as_str(), g.hard_text.as_str()), ("1", "1"));
    assert_eq!(g.ratio, Some(1.0));
    assert_eq!(g.level, Level::Full);

    // The quota near full: analytics requests 11300m of 12500m cpu (90.4%).
    let g = &d.gauges[1];
    assert_eq!(
        (g.namespace.as_str(), g.resource.as_str()),
        ("analytics", "requests.cpu")
    );
    assert!(close(g.used.unwrap(), 11.3) && close(g.hard, 12.5));
    assert_eq!(
        (g.used_text.as_str(), g.hard_text.as_str()),
        ("11.3", "12.5")
    );
    assert!(close(g.ratio.unwrap(), 0.904));
    assert_eq!(g.level, Level::High);

    // Everything else is below the 90% warning ratio, in descending order.
    assert!(d.gauges[2..].iter().all(|g| g.level == Level::Ok));
    assert_eq!(d.gauges[2].resource, "requests.memory");
    assert_eq!(
        (
            d.gauges[2].used_text.as_str(),
            d.gauges[2].hard_text.as_str()
        ),
        ("48.75Gi", "61Gi")
    );
    let ratios: Vec<f64> = d.gauges.iter().map(|g| g.ratio.unwrap()).collect();
    assert!(ratios.windows(2).all(|w| w[0] >= w[1]));
    // A zero hard limit with zero use reads as 0%, not as full.
    let lb = d
        .gauges
        .iter()
        .find(|g| g.namespace == "payments" && g.resource == "services.loadbalancers")
        .unwrap();
    assert_eq!((lb.ratio, lb.level), (Some(0.0), Level::Ok));
}

#[test]
fn limitrange_defaults_and_gaps() {
    let d = quotas::derive(store(), &Config::default());
    assert_eq!(d.limits.len(), 9);
    let a = &d.limits[0];
    assert_eq!(a.namespace, "analytics");
    assert_eq!(a.limitranges, vec!["analytics-limits".to_string()]);
    // Only a max: the API defaults the limit and the request to it.
    assert_eq!(
        (
            a.request_cpu.as_deref(),
            a.request_memory.as_deref(),
            a.limit_cpu.as_deref(),
            a.limit_memory.as_deref()
        ),
        (None, Some("16Gi"), None, Some("16Gi"))
    );
    let p = d.limits.iter().find(|l| l.namespace == "payments").unwrap();
    assert_eq!(
        (
            p.request_cpu.as_deref(),
            p.request_memory.as_deref(),
            p.limit_cpu.as_deref(),
            p.limit_memory.as_deref()
        ),
        (Some("100m"), Some("256Mi"), None, Some("512Mi"))
    );

    let gaps: Vec<(&str, usize, bool, String)> = d
        .gaps
        .iter()
        .map(|g| {
            (
                g.namespace.as_str(),
                g.workloads,
                g.has_quota,
                g.limits_text(),
            )
        })
        .collect();
    let want = |ns: &str| gaps.iter().find(|g| g.0 == ns).cloned();
    assert_eq!(gaps.len(), 14);
    assert_eq!(
        want("data-pipeline"),
        Some(("data-pipeline", 11, false, "NO LIMITRANGE".into()))
    );
    assert_eq!(
        want("analytics"),
        Some(("analytics", 8, true, "NO DEFAULT cpu request".into()))
    );
    assert_eq!(
        want("ml-serving"),
        Some(("ml-serving", 8, true, "NO LIMITRANGE".into()))
    );
    assert_eq!(
        want("monitoring"),
        Some(("monitoring", 7, false, "ok".into()))
    );
    assert_eq!(want("default").map(|g| g.2), Some(false));
    // Namespaces with quota and full defaults, and system namespaces, are not gaps.
    assert!(want("payments").is_none() && want("kube-system").is_none());
    assert_eq!(
        d.gaps
            .iter()
            .find(|g| g.namespace == "analytics")
            .unwrap()
            .limits,
        Limits::Partial(vec!["cpu request".into()])
    );
}

// ───────────────────────────── autoscaling: rows ─────────────────────────────

#[test]
fn hpa_rows() {
    let d = autoscaling::derive(store(), &Config::default());
    assert_eq!(d.hpas.len(), 18);
    // Not scaling first, then at max, then by namespace/name.
    let s = &d.hpas[0];
    assert_eq!(
        (s.key.namespace.as_str(), s.key.name.as_str()),
        ("data-pipeline", "schema-registry")
    );
    assert!(s.blocked && !s.at_max);
    assert_eq!(
        s.conditions,
        vec![(
            "ScalingActive=False".to_string(),
            "FailedGetResourceMetric".to_string()
        )]
    );
    let f = &d.hpas[1];
    assert_eq!(
        (f.key.namespace.as_str(), f.key.name.as_str()),
        ("payments", "fraud-scorer")
    );
    assert_eq!(
        (f.current, f.desired, f.min, f.max, f.at_max),
        (10, 10, 3, 10, true)
    );
    assert_eq!(f.target, "Deployment/fraud-scorer");
    assert_eq!(f.state_word(), "AT MAX");
    assert_eq!(f.conditions_text(false), "ScalingLimited");
    assert_eq!(d.hpas.iter().filter(|h| h.at_max).count(), 1);
    assert_eq!(d.hpas[2].conditions_text(true), "ok");
    let sa = d.hpas.iter().find(|h| h.key.name == "search-api").unwrap();
    assert_eq!((sa.current, sa.desired, sa.min, sa.max), (4, 4, 1, 6));
}

#[test]
fn node_groups_from_the_status_configmap() {
    let d = autoscaling::derive(store(), &Config::default());
    let cw = d.cluster_wide.as_ref().unwrap();
    assert_eq!(
        (cw.health.as_deref(), cw.scale_up.as_deref()),
        (Some("Healthy"), Some("NoActivity"))
    );
    let rows: Vec<GroupRow> = d
        .node_groups
        .iter()
        .map(|g| (g.name.as_str(), g.min, g.current, g.max, g.state_word()))
        .collect();
    assert_eq!(
        rows,
        vec![
            ("prod-eu-west-general", Some(3), Some(3), Some(6), "ok"),
            ("prod-eu-west-memory", Some(1), Some(2), Some(2), "AT MAX"),
            ("prod-eu-west-gpu-a", Some(1), Some(1), Some(2), "ok"),
        ]
    );
    let mem = &d.node_groups[1];
    assert_eq!(mem.health.as_deref(), Some("Healthy"));
    assert_eq!(mem.scale_up.as_deref(), Some("NoActivity"));
    // The newer of the scale-up (03:13:20) and scale-down (03:23:41) transitions.
    assert_eq!(mem.last_activity.as_deref(), Some("2026-11-17T03:23:41Z"));
    assert_eq!(
        mem.configmap,
        ObjKey::new("ConfigMap", "kube-system", "cluster-autoscaler-status")
    );
}

#[test]
fn karpenter_nodepools_against_limits() {
    let d = autoscaling::derive(store(), &Config::default());
    let rows: Vec<PoolRow> = d
        .nodepools
        .iter()
        .map(|p| {
            (
                p.key.name.as_str(),
                p.resource.as_deref(),
                p.used,
                p.limit,
                p.level,
            )
        })
        .collect();
    let gi = 1024f64.powi(3);
    assert_eq!(
        rows,
        vec![
            ("batch", None, Some(0.0), None, Level::Ok),
            (
                "spot-general",
                Some("cpu"),
                Some(48.0),
                Some(52.0),
                Level::High
            ),
            (
                "spot-general",
                Some("memory"),
                Some(192.0 * gi),
                Some(208.0 * gi),
                Level::High
            ),
        ]
    );
    let cpu = &d.nodepools[1];
    assert!(close(cpu.ratio.unwrap(), 48.0 / 52.0));
    assert_eq!(
        (cpu.used_text.as_str(), cpu.limit_text.as_str()),
        ("48", "52")
    );
    assert_eq!(cpu.nodes.as_deref(), Some("3"));
    assert_eq!(d.nodepools[0].limit_text, "unbounded");
}

#[test]
fn headroom_per_zone_and_pool() {
    let d = autoscaling::derive(store(), &Config::default());
    let names: Vec<(Scope, &str, usize, usize)> = d
        .headroom
        .iter()
        .map(|h| (h.scope, h.name.as_str(), h.usable, h.nodes))
        .collect();
    assert_eq!(
        names,
        vec![
            // cp-1 and cp-2 keep the control-plane taint; cp-3 lost it (eu-west-1c).
            (Scope::Zone, "eu-west-1a", 3, 3),
            // The spot node ip-10-0-2-42 is NotReady: its allocatable does not count.
            (Scope::Zone, "eu-west-1b", 2, 3),
            (Scope::Zone, "eu-west-1c", 4, 4),
            (Scope::Pool, "control-plane", 3, 3),
            (Scope::Pool, "general", 3, 3),
            (Scope::Pool, "gpu", 1, 1),
            (Scope::Pool, "memory", 2, 2),
            (Scope::Pool, "spot-general", 2, 3),
        ]
    );
    let b = &d.headroom[1];
    // general 31170m + memory 15490m.
    assert!(close(b.cpu_allocatable, 46.66));
    let general = &d.headroom[4];
    assert!(close(general.cpu_allocatable, 3.0 * 31.17));
    assert_eq!(general.free_text("cpu"), "37.0 / 93.5");
    assert_eq!(
        d.headroom[7].nodepool,
        Some(ObjKey::new("NodePool.karpenter.sh", "", "spot-general"))
    );
    assert_eq!(d.headroom[4].nodepool, None);
    // Every figure is within allocatable.
    for h in &d.headroom {
        assert!(h.cpu_requested <= h.cpu_allocatable, "{}", h.name);
        assert!(h.memory_requested <= h.memory_allocatable, "{}", h.name);
    }
}

// ───────────────────────────── navigation, filter, selection ─────────────────────────────

fn quotas_filter_sections_and_selection(m: &Model) {
    let theme = dark();
    let cx = Cx {
        model: m,
        theme: &theme,
        namespace: None,
    };
    let mut st = quotas::State::default();
    assert_eq!(
        st.selected_object(&cx),
        Some(ObjKey::new(
            "ResourceQuota",
            "ml-serving",
            "ml-serving-quota"
        ))
    );
    st.handle(&cx, PaneEvent::Action(Action::Down));
    assert_eq!(
        st.selected_object(&cx),
        Some(ObjKey::new("ResourceQuota", "analytics", "analytics-quota"))
    );
    let out = st.handle(&cx, PaneEvent::Action(Action::NextSection));
    assert!(matches!(out, Outcome::Status(_)));
    assert_eq!(
        st.selected_object(&cx),
        Some(ObjKey::new("LimitRange", "analytics", "analytics-limits"))
    );
    st.handle(&cx, PaneEvent::Action(Action::NextSection));
    st.handle(&cx, PaneEvent::Filter("DATA-PIPE".into()));
    assert_eq!(
        st.selected_object(&cx),
        Some(ObjKey::new("Namespace", "", "data-pipeline"))
    );
    // Back to the gauges: the filter applies there too (no quota in data-pipeline).
    st.handle(&cx, PaneEvent::Action(Action::NextSection));
    assert_eq!(st.selected_object(&cx), None);
    st.handle(&cx, PaneEvent::Filter("full".into()));
    assert_eq!(
        st.selected_object(&cx),
        Some(ObjKey::new(
            "ResourceQuota",
            "ml-serving",
            "ml-serving-quota"
        ))
    );

    // `:ns` narrows the rows.
    let cx = Cx {
        model: m,
        theme: &theme,
        namespace: Some("payments"),
    };
    let mut st = quotas::State::default();
    assert_eq!(
        st.selected_object(&cx),
        Some(ObjKey::new("ResourceQuota", "payments", "payments-quota"))
    );
    st.handle(&cx, PaneEvent::Action(Action::Bottom));
    assert_eq!(st.nav.selected, 6);
}

fn autoscaling_sections_and_selection(m: &Model) {
    let theme = dark();
    let cx = Cx {
        model: m,
        theme: &theme,
        namespace: None,
    };
    let mut st = autoscaling::State::default();
    let sel = |st: &autoscaling::State| st.selected_object(&cx);
    assert_eq!(
        sel(&st),
        Some(ObjKey::new(
            "HorizontalPodAutoscaler",
            "data-pipeline",
            "schema-registry"
        ))
    );
    st.handle(&cx, PaneEvent::Filter("at max".into()));
    assert_eq!(
        sel(&st),
        Some(ObjKey::new(
            "HorizontalPodAutoscaler",
            "payments",
            "fraud-scorer"
        ))
    );
    st.handle(&cx, PaneEvent::Action(Action::NextSection));
    assert_eq!(
        sel(&st),
        Some(ObjKey::new(
            "ConfigMap",
            "kube-system",
            "cluster-autoscaler-status"
        ))
    );
    st.handle(&cx, PaneEvent::Filter(String::new()));
    st.handle(&cx, PaneEvent::Action(Action::NextSection));
    st.handle(&cx, PaneEvent::Action(Action::Bottom));
    assert_eq!(
        sel(&st),
        Some(ObjKey::new("NodePool.karpenter.sh", "", "spot-general"))
    );
    st.handle(&cx, PaneEvent::Action(Action::NextSection));
    st.handle(&cx, PaneEvent::Action(Action::Bottom));
    assert_eq!(
        sel(&st),
        Some(ObjKey::new("NodePool.karpenter.sh", "", "spot-general"))
    );
    st.handle(&cx, PaneEvent::Action(Action::Top));
    assert_eq!(sel(&st), None, "a zone is not an object");
    // Around again to the HPAs, with their selection kept.
    st.handle(&cx, PaneEvent::Action(Action::NextSection));
    assert_eq!(st.section(), autoscaling::Section::Hpas);
}

#[test]
fn sparkline_scales_to_max_replicas() {
    let h: std::collections::VecDeque<u64> = [3, 5, 10, 10].into_iter().collect();
    assert_eq!(autoscaling::sparkline(Some(&h), 10, 6), "  ▃▅██");
    assert_eq!(autoscaling::sparkline(Some(&h), 10, 2), "██");
    assert_eq!(autoscaling::sparkline(None, 10, 4), "");
}

// ───────────────────────────── rendering ─────────────────────────────

fn state(pane: &str, theme: Theme) -> State {
    let mut s = State::new(Keymap::default(), theme, PathBuf::from("/tmp"));
    assert!(s.show(pane), "{pane} is a pane");
    s
}

fn quotas_render_80x24(m: &Model) {
    let s = state("quotas", Theme::monochrome());
    let text = render(&s, m, 80, 24);
    assert!(text.contains("requests.nvidia.com/gpu ██████████ 100% FULL 1 / 1"));
    assert!(text.contains("requests.cpu            █████████░  90% HIGH 11.3 / 12.5"));
    assert!(text.contains("▶Quotas (64)"));
    assert!(text.contains("1/64"));
    // Only what fits: 18 of the 64 gauges.
    assert!(!text.contains("services.loadbalancers"));
    insta::assert_snapshot!("quotas_80x24", text);
}

fn quotas_render_160x48(m: &Model) {
    let s = state("quotas", dark());
    let text = render(&s, m, 160, 48);
    assert!(text.contains("ml-serving-quota   requests.nvidia.com/gpu"));
    assert!(text.contains("100% FULL"));
    assert!(text.contains("LimitRange defaults"));
    assert!(text.contains("data-pipeline    11  NO QUOTA NO LIMITRANGE"));
    assert!(text.contains("analytics        8   ok       NO DEFAULT cpu request"));
    insta::assert_snapshot!("quotas_160x48", text);
}

fn quotas_scroll_with_selection(m: &Model) {
    let mut s = state("quotas", Theme::monochrome());
    s.handle(m, PaneEvent::Action(Action::Bottom));
    let text = render(&s, m, 80, 24);
    assert!(text.contains("64/64"));
    assert!(text.contains("services.loadbalancers"));
    assert!(!text.contains("100% FULL"));
}

fn autoscaling_render_80x24(m: &Model) {
    let mut s = state("autoscaling", Theme::monochrome());
    let text = render(&s, m, 80, 24);
    assert!(text.contains("payments/fraud-scorer        10/10   3-10    AT MAX"));
    assert!(text.contains("ScalingActive=False"));
    assert!(text.contains("▶HPAs (18)"));
    insta::assert_snapshot!("autoscaling_80x24_hpas", text);

    let mut sections = Vec::new();
    for _ in 0..3 {
        s.handle(m, PaneEvent::Action(Action::NextSection));
        sections.push(render(&s, m, 80, 24));
    }
    assert!(
        sections[0]
            .contains("prod-eu-west-memory   1   2   2   AT MAX    Healthy   NoActivity 3d6h ago")
    );
    assert!(sections[1].contains("spot-general   cpu       █████████░  92% HIGH 48 / 52"));
    assert!(
        sections[1].contains("batch          —                    NO LIMITS cpu 0 / unbounded")
    );
    assert!(sections[2].contains("zone eu-west-1b       2/3"));
    insta::assert_snapshot!("autoscaling_80x24_nodegroups", sections[0]);
    insta::assert_snapshot!("autoscaling_80x24_nodepools", sections[1]);
    insta::assert_snapshot!("autoscaling_80x24_headroom", sections[2]);
}

fn autoscaling_render_160x48(m: &Model) {
    let s = state("autoscaling", dark());
    let text = render(&s, m, 160, 48);
    for want in [
        "payments       fraud-scorer",
        "AT MAX",
        "ScalingActive=False (FailedGetResourceMetric)",
        "prod-eu-west-memory",
        "92% HIGH",
        "NO LIMITS",
        "pool spot-general",
        "cluster-autoscaler: Healthy, scale-up NoActivity",
    ] {
        assert!(text.contains(want), "missing {want:?} in\n{text}");
    }
    insta::assert_snapshot!("autoscaling_160x48", text);
}

fn below_80x24_is_too_small(m: &Model) {
    let s = state("autoscaling", dark());
    assert!(render(&s, m, 79, 24).contains("terminal too small"));
}

#[test]
fn quotas_console() {
    let m = demo();
    quotas_filter_sections_and_selection(&m);
    quotas_render_80x24(&m);
    quotas_render_160x48(&m);
    quotas_scroll_with_selection(&m);
}

#[test]
fn autoscaling_console() {
    let m = demo();
    autoscaling_sections_and_selection(&m);
    autoscaling_render_80x24(&m);
    autoscaling_render_160x48(&m);
    below_80x24_is_too_small(&m);
}
