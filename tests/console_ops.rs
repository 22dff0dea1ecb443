//! The Backups, Nodes & control plane, and Events panes over the demo
//! cluster: row derivation with exact values, navigation and filtering,
//! and rendering at 80×24 and 160×48 (buffer text and insta snapshots).
//! Cron next runs are tested in tests/view_schedule.rs.

use std::path::{Path, PathBuf};

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use kready::config::Config;
use kready::config::keymap::{Action, Keymap};
use kready::config::theme::Theme;
use kready::runtime::Model;
use kready::source::Event;
use kready::source::snapshot::{self, LoadOptions};
use kready::store::ClusterStore;
use kready::ui::panes::{Cx, Outcome, PaneEvent, backups, events, nodes};
use kready::ui::state::{Msg, State, update};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

fn demo_store() -> ClusterStore {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/demo");
    snapshot::load(&dir, &LoadOptions::default())
        .expect("the demo loads")
        .into_store()
}

fn yaml(text: &str) -> ClusterStore {
    snapshot::load_str(Path::new("inline.yaml"), text, &LoadOptions::default())
        .unwrap_or_else(|e| panic!("inline yaml: {e}"))
        .into_store()
}

fn demo() -> Model {
    Model::new(demo_store(), &Config::default(), None)
}

fn state(mono: bool) -> State {
    let theme = if mono {
        Theme::monochrome()
    } else {
        Theme::parse("dark", include_str!("../themes/dark.toml")).expect("dark theme")
    };
    State::new(Keymap::default(), theme, PathBuf::from("/tmp"))
}

fn render(st: &State, model: &Model, w: u16, h: u16) -> String {
    let mut term = Terminal::new(TestBackend::new(w, h)).expect("terminal");
    term.draw(|f| kready::ui::draw(f, st, model)).expect("draw");
    let buf = term.backend().buffer().clone();
    let mut out = String::new();
    for y in 0..h {
        let mut line = String::new();
        for x in 0..w {
            line.push_str(buf[(x, y)].symbol());
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

fn cx<'a>(st: &'a State, model: &'a Model) -> Cx<'a> {
    st.cx(model)
}

fn action(st: &mut State, model: &Model, a: Action) -> Outcome {
    st.handle(model, PaneEvent::Action(a))
}

fn filter(st: &mut State, model: &Model, text: &str) {
    st.handle(model, PaneEvent::Filter(text.into()));
}

// ───────────────────────────── backups ─────────────────────────────

#[test]
fn backups_pane_over_the_demo() {
    let model = demo();
    let mut st = state(false);
    st.show("backups");
    let v = backups::view(&cx(&st, &model), st.pane::<backups::State>());

    let s = &v.schedules;
    assert_eq!(
        s.column("SCHEDULE"),
        ["daily-data-pipeline", "daily-full", "hourly-critical"]
    );
    assert_eq!(s.column("RPO"), ["LATE", "OK", "OK"]);
    assert_eq!(s.column("LAST OK"), ["3d5h", "7h20m", "13m"]);
    assert_eq!(s.column("NEXT RUN"), ["in 18h", "in 16h30m", "in 45m"]);
    assert_eq!(s.column("CRON"), ["30 3 * * *", "0 2 * * *", "15 * * * *"]);
    assert_eq!(s.column("PAUSED"), ["no", "no", "no"]);
    assert_eq!(s.column("PHASE"), ["Enabled", "Enabled", "Enabled"]);
    assert_eq!(s.note, "RPO 24h, next run in UTC");

    let b = &v.backups;
    assert_eq!(b.rows.len(), 39);
    assert_eq!(b.column("BACKUP")[0], "hourly-critical-20261120091500");
    let failed: Vec<(&str, &str, &str, &str)> = b
        .rows
        .iter()
        .filter(|r| r.cells[0] != "Completed")
        .map(|r| {
            (
                r.cells[0].as_str(),
                r.cells[1].as_str(),
                r.cells[3].as_str(),
                r.cells[5].as_str(),
            )
        })
        .collect();
    assert_eq!(
        failed,
        [
            (
                "PartiallyFailed",
                "daily-data-pipeline-20261120033000",
                "4",
                "5h59m"
            ),
            ("Failed", "daily-data-pipeline-20261119033000", "0", "1d5h"),
            ("Failed", "daily-data-pipeline-20261118033000", "0", "2d5h"),
        ]
    );
    assert!(
        b.rows[9].cells[6].is_empty(),
        "completed backups have no reason"
    );
    let reason = b
        .rows
        .iter()
        .find(|r| r.cells[1] == "daily-data-pipeline-20261119033000")
        .map(|r| r.cells[6].clone())
        .unwrap_or_default();
    assert!(reason.starts_with("error getting backup store for location \"default\""));

    let l = &v.locations;
    assert_eq!(l.column("LOCATION"), ["default", "dr-eu-central-1"]);
    assert_eq!(l.column("PHASE"), ["Available", "Unavailable"]);
    assert_eq!(l.column("WHERE"), ["off-cluster", "off-cluster"]);
    assert_eq!(l.column("DEFAULT"), ["default", "-"]);
    assert_eq!(l.column("SYNCED"), ["41s ago", "37d3h ago"]);
    assert!(l.rows[1].cells[8].contains("AccessDenied"));

    let r = &v.restores;
    assert_eq!(
        r.column("RESTORE"),
        [
            "catalog-db-restore-20261118",
            "payments-restore-drill-20261015"
        ]
    );
    assert_eq!(r.column("PHASE"), ["PartiallyFailed", "Completed"]);
    assert_eq!(r.column("ERRORS"), ["1", "0"]);
    assert_eq!(r.column("WARNINGS"), ["0", "3"]);

    let e = &v.etcd;
    assert_eq!(e.column("CRONJOB"), ["kube-system/etcd-snapshot"]);
    assert_eq!(e.column("RPO"), ["OK"]);
    assert_eq!(e.column("LAST OK"), ["29m"]);
    assert_eq!(e.column("NEXT RUN"), ["in 2h30m"]);
    assert_eq!(e.column("LAST JOB"), ["etcd-snapshot-29919420"]);
    assert_eq!(e.column("JOB"), ["Complete"]);

    // Selection: the focused section's row; `o` moves to the next section.
    let key = |st: &State| st.selected_object(&model);
    assert_eq!(
        key(&st).map(|k| k.to_string()).as_deref(),
        Some("Schedule/velero/daily-data-pipeline")
    );
    assert_eq!(
        action(&mut st, &model, Action::NextSection),
        Outcome::Status("section: Backups".into())
    );
    action(&mut st, &model, Action::Down);
    assert_eq!(
        key(&st).map(|k| k.to_string()).as_deref(),
        Some("Backup/velero/hourly-critical-20261120081500")
    );
    for _ in 0..3 {
        action(&mut st, &model, Action::NextSection);
    }
    assert_eq!(st.pane::<backups::State>().sections.focus, 4);
    assert_eq!(
        key(&st).map(|k| k.to_string()).as_deref(),
        Some("CronJob/kube-system/etcd-snapshot")
    );
    action(&mut st, &model, Action::NextSection);
    assert_eq!(st.pane::<backups::State>().sections.focus, 0);

    // `s`: what did not complete first.
    action(&mut st, &model, Action::Sort);
    let v = backups::view(&cx(&st, &model), st.pane::<backups::State>());
    assert_eq!(
        v.backups.column("PHASE")[..4],
        ["PartiallyFailed", "Failed", "Failed", "Completed"]
    );
    assert_eq!(v.restores.column("PHASE"), ["PartiallyFailed", "Completed"]);
    action(&mut st, &model, Action::Sort);

    // The filter applies to every section.
    filter(&mut st, &model, "partiallyfailed");
    let v = backups::view(&cx(&st, &model), st.pane::<backups::State>());
    let counts: Vec<usize> = v.grids().iter().map(|g| g.rows.len()).collect();
    assert_eq!(counts, [0, 1, 0, 1, 0]);
    filter(&mut st, &model, "LATE");
    let v = backups::view(&cx(&st, &model), st.pane::<backups::State>());
    assert_eq!(v.schedules.column("SCHEDULE"), ["daily-data-pipeline"]);
    filter(&mut st, &model, "");

    // 80×24: one section at a time, the bar names them all.
    let narrow = render(&st, &model, 80, 24);
    assert!(narrow.contains("[Schedules 3]"), "{narrow}");
    assert!(narrow.contains("Backups 39"), "{narrow}");
    assert!(narrow.contains("daily-data-pipeline LATE 3d5h"), "{narrow}");
    assert!(!narrow.contains("PartiallyFailed"), "{narrow}");
    insta::assert_snapshot!("backups_80x24", narrow);
    action(&mut st, &model, Action::NextSection);
    let narrow_backups = render(&st, &model, 80, 24);
    assert!(narrow_backups.contains("[Backups 39]"), "{narrow_backups}");
    assert!(narrow_backups.contains("PartiallyFailed daily-data-pipeline-20261120033000"));
    action(&mut st, &model, Action::NextSection);
    action(&mut st, &model, Action::NextSection);
    action(&mut st, &model, Action::NextSection);
    action(&mut st, &model, Action::NextSection);

    // 160×48: the five sections stacked.
    let mut mono = state(true);
    mono.show("backups");
    let wide = render(&mono, &model, 160, 48);
    for want in [
        "▶ Schedules (3)",
        "Backups (39)",
        "Locations (2)",
        "Restores (2)",
        "etcd snapshots (1)",
        "Unavailable",
        "dr-eu-central-1",
        "PartiallyFailed",
        "etcd-snapshot-29919420 Complete",
    ] {
        assert!(wide.contains(want), "{want} missing:\n{wide}");
    }
    insta::assert_snapshot!("backups_160x48", wide);
}

// ───────────────────────────── nodes ─────────────────────────────

#[test]
fn nodes_pane_over_the_demo() {
    let model = demo();
    let mut st = state(false);
    st.show("nodes");
    let v = nodes::view(&cx(&st, &model), st.pane::<nodes::State>());
    let n = &v.nodes;
    assert_eq!(
        n.column("NODE"),
        [
            "ip-10-0-1-10",
            "ip-10-0-2-10",
            "ip-10-0-3-10",
            "ip-10-0-1-21",
            "ip-10-0-1-51",
            "ip-10-0-1-41",
            "ip-10-0-2-22",
            "ip-10-0-2-31",
            "ip-10-0-2-42",
            "ip-10-0-3-23",
            "ip-10-0-3-32",
            "ip-10-0-3-43",
        ]
    );
    let row = |name: &str| -> Vec<String> {
        n.rows
            .iter()
            .find(|r| r.cells[0] == name)
            .map(|r| r.cells.clone())
            .unwrap_or_default()
    };
    assert_eq!(
        row("ip-10-0-2-42"),
        [
            "ip-10-0-2-42",
            "NotReady",
            "worker",
            "eu-west-1b",
            "spot-general",
            "unknown",
            "v1.33.3",
            "15.49/16",
            "61.24Gi/63.64Gi",
            "m5.4xlarge",
            "12h26m",
        ]
    );
    assert_eq!(row("ip-10-0-2-31")[5], "Memory");
    assert_eq!(row("ip-10-0-1-51")[6], "v1.29.15");
    assert_eq!(row("ip-10-0-1-51")[7], "16/16");
    assert_eq!(row("ip-10-0-1-51")[8], "63.72Gi/63.72Gi");
    assert_eq!(
        row("ip-10-0-1-10")[1..5],
        ["Ready", "control-plane", "eu-west-1a", "-"]
    );
    assert_eq!(
        n.column("STATUS").iter().filter(|s| **s == "Ready").count(),
        11
    );

    let c = &v.control_plane;
    assert_eq!(c.rows.len(), 12);
    let cp = |component: &str, node: &str| -> Vec<String> {
        c.rows
            .iter()
            .find(|r| r.cells[0] == component && r.cells[1] == node)
            .map(|r| r.cells.clone())
            .unwrap_or_default()
    };
    assert_eq!(
        cp("kube-apiserver", "ip-10-0-3-10"),
        [
            "kube-apiserver",
            "ip-10-0-3-10",
            "Running",
            "FAIL 2",
            "secrets-encryption, audit-logging",
            "anonymous-auth=false encryption-provider-config MISSING audit-log-path MISSING \
             audit-policy-file MISSING",
        ]
    );
    assert_eq!(cp("kube-apiserver", "ip-10-0-1-10")[3], "OK");
    assert_eq!(
        cp("kube-apiserver", "ip-10-0-1-10")[5],
        "anonymous-auth=false encryption-provider-config=encryption-config.yaml \
         audit-log-path=audit.log audit-policy-file=policy.yaml"
    );
    let etcd3 = cp("etcd", "ip-10-0-3-10");
    assert_eq!(etcd3[3], "FAIL 2");
    assert_eq!(
        etcd3[5],
        "client-cert-auth=true peer-client-cert-auth MISSING heartbeat-interval=600 \
         election-timeout=3000"
    );
    assert_eq!(
        cp("kube-scheduler", "ip-10-0-3-10")[3..],
        ["FAIL 1", "leader-election", "leader-elect=false"]
    );
    assert_eq!(
        cp("kube-scheduler", "ip-10-0-1-10")[3..],
        ["OK", "-", "leader-elect=true"]
    );

    assert!(v.details[1][2].contains("FAIL security/secrets-encryption: kube-apiserver runs"));
    assert_eq!(
        v.details[0][8],
        "ip-10-0-2-42.eu-west-1.compute.internal\ntaints: \
         node.kubernetes.io/unreachable:NoSchedule, node.kubernetes.io/unreachable:NoExecute\n\
         conditions: MemoryPressure=Unknown (Kubelet stopped posting node status.); \
         DiskPressure=Unknown (Kubelet stopped posting node status.); PIDPressure=Unknown \
         (Kubelet stopped posting node status.); Ready=Unknown (Kubelet stopped posting node \
         status.)"
    );

    // Selection and sort.
    let key = |st: &State| st.selected_object(&model);
    filter(&mut st, &model, "notready");
    let v = nodes::view(&cx(&st, &model), st.pane::<nodes::State>());
    assert_eq!((v.nodes.rows.len(), v.nodes.total), (1, 12));
    assert_eq!(
        key(&st).map(|k| k.to_string()).as_deref(),
        Some("Node/ip-10-0-2-42.eu-west-1.compute.internal")
    );
    filter(&mut st, &model, "");
    action(&mut st, &model, Action::NextSection);
    action(&mut st, &model, Action::Bottom);
    assert_eq!(
        key(&st).map(|k| k.to_string()).as_deref(),
        Some("Pod/kube-system/kube-scheduler-ip-10-0-3-10.eu-west-1.compute.internal")
    );
    action(&mut st, &model, Action::NextSection);
    for _ in 0..3 {
        action(&mut st, &model, Action::Sort);
    }
    let v = nodes::view(&cx(&st, &model), st.pane::<nodes::State>());
    assert_eq!(v.nodes.note.split(',').next(), Some("sort:status"));
    assert_eq!(v.nodes.column("NODE")[0], "ip-10-0-2-42");
    action(&mut st, &model, Action::Sort);
    action(&mut st, &model, Action::Sort);

    let narrow = render(&st, &model, 80, 24);
    assert!(narrow.contains("[Nodes 12]"), "{narrow}");
    assert!(narrow.contains("ip-10-0-2-42 NotReady"), "{narrow}");
    insta::assert_snapshot!("nodes_80x24", narrow);
    action(&mut st, &model, Action::NextSection);
    let narrow_cp = render(&st, &model, 80, 24);
    assert!(narrow_cp.contains("[Control plane 12]"), "{narrow_cp}");
    assert!(narrow_cp.contains("FAIL 2"), "{narrow_cp}");
    insta::assert_snapshot!("nodes_control_plane_80x24", narrow_cp);
    action(&mut st, &model, Action::Top);
    action(&mut st, &model, Action::Down);
    action(&mut st, &model, Action::Down);
    action(&mut st, &model, Action::Detail);
    let detail = render(&st, &model, 80, 24);
    assert!(detail.contains("Detail"), "{detail}");
    assert!(
        detail.contains("encryption-provider-config MISSING"),
        "{detail}"
    );
    insta::assert_snapshot!("nodes_control_plane_detail_80x24", detail);
    action(&mut st, &model, Action::Select);
    action(&mut st, &model, Action::NextSection);

    let mut mono = state(true);
    mono.show("nodes");
    let wide = render(&mono, &model, 160, 48);
    for want in [
        "▶ Nodes (12)",
        "Control plane (12)",
        "NotReady",
        "Memory",
        "v1.29.15",
        "peer-client-cert-auth MISSING",
        "leader-elect=false",
    ] {
        assert!(wide.contains(want), "{want} missing:\n{wide}");
    }
    insta::assert_snapshot!("nodes_160x48", wide);
}

#[test]
fn nodes_managed_and_cordoned() {
    let store = yaml(
        r#"
apiVersion: kready.io/v1
kind: SnapshotInfo
metadata: {name: eks-prod}
capturedAt: "2026-11-20T12:00:00Z"
managed: eks
---
apiVersion: v1
kind: Node
metadata:
  name: ip-10-0-1-10.ec2.internal
  creationTimestamp: "2026-11-19T12:00:00Z"
  labels:
    eks.amazonaws.com/nodegroup: apps
    topology.kubernetes.io/zone: us-east-1a
spec:
  unschedulable: true
status:
  conditions: [{type: Ready, status: "True"}, {type: DiskPressure, status: "True"}]
  capacity: {cpu: "2", memory: 8Gi}
  allocatable: {cpu: 1930m, memory: 7Gi}
  nodeInfo: {kubeletVersion: v1.33.1-eks-b9c9ed7, kubeProxyVersion: v1.33.1, architecture: amd64, bootID: b, containerRuntimeVersion: containerd://1.7.27, kernelVersion: "6.1", machineID: m, operatingSystem: linux, osImage: Amazon Linux 2023, systemUUID: s}
"#,
    );
    let model = Model::new(store, &Config::default(), None);
    let st = state(true);
    let v = nodes::view(&cx(&st, &model), st.pane::<nodes::State>());
    assert_eq!(
        v.nodes.rows[0].cells,
        [
            "ip-10-0-1-10",
            "Ready,SchedulingDisabled",
            "<none>",
            "us-east-1a",
            "apps",
            "Disk",
            "v1.33.1-eks-b9c9ed7",
            "1.93/2",
            "7Gi/8Gi",
            "-",
            "1d",
        ]
    );
    assert!(v.control_plane.rows.is_empty());
    assert!(
        v.control_plane
            .empty
            .starts_with("unknown: managed control plane (eks)"),
        "{}",
        v.control_plane.empty
    );
    let b = backups::view(&cx(&st, &model), st.pane::<backups::State>());
    assert!(b.schedules.empty.starts_with("Velero is not installed"));
    assert_eq!(
        b.etcd.empty,
        "managed control plane (eks): the provider snapshots etcd"
    );
}

// ───────────────────────────── events ─────────────────────────────

#[test]
fn events_pane_over_the_demo() {
    let mut model = demo();
    let mut st = state(false);
    st.show("events");
    let v = events::view(&cx(&st, &model), st.pane::<events::State>());
    let g = &v.events;
    assert_eq!(g.rows.len(), 15);
    assert_eq!(g.total, 15);
    assert_eq!(
        g.rows[0].cells,
        [
            "27s",
            "11-20 09:29:33Z",
            "data-pipeline",
            "hpa/schema-registry",
            "FailedComputeMetricsReplicas",
            "11522",
            "invalid metrics (1 invalid out of 1), first error is: failed to get cpu resource \
             metric value: failed to get cpu utilization: missing request for cpu in container \
             schema-registry of Pod schema-registry-5d7c8b9f4d-2kq8w",
        ]
        .map(String::from)
        .to_vec()[..6]
            .iter()
            .chain(std::iter::once(&g.rows[0].cells[6]))
            .cloned()
            .collect::<Vec<_>>()
    );
    assert_eq!(
        g.column("REASON"),
        [
            "FailedComputeMetricsReplicas",
            "FailedGetResourceMetric",
            "BackupStorageLocationUnavailable",
            "FailedScheduling",
            "EvictionThresholdMet",
            "BackOff",
            "BackOff",
            "Unhealthy",
            "Unhealthy",
            "Unhealthy",
            "Unhealthy",
            "NodeNotReady",
            "SystemOOM",
            "BackoffLimitExceeded",
            "Unhealthy",
        ]
    );
    assert_eq!(
        g.column("LAST"),
        [
            "27s", "27s", "1m", "1m", "1m", "2m", "2m", "3m", "3m", "14m", "22m", "27m", "38m",
            "8h50m", "13d19h"
        ]
    );
    assert_eq!(g.column("OBJECT")[4], "Node/ip-10-0-2-31");
    assert_eq!(g.column("COUNT")[2], "52410");

    // `y` shows the involved object.
    let key = |st: &State, m: &Model| st.selected_object(m);
    assert_eq!(
        key(&st, &model).map(|k| k.to_string()).as_deref(),
        Some("HorizontalPodAutoscaler/data-pipeline/schema-registry")
    );
    filter(&mut st, &model, "eviction");
    assert_eq!(
        key(&st, &model).map(|k| k.to_string()).as_deref(),
        Some("Node/ip-10-0-2-31.eu-west-1.compute.internal")
    );
    filter(&mut st, &model, "search");
    let v = events::view(&cx(&st, &model), st.pane::<events::State>());
    assert_eq!(v.events.rows.len(), 4);
    assert_eq!(v.events.total, 15);
    filter(&mut st, &model, "");
    st.namespace = Some("catalog".into());
    let v = events::view(&cx(&st, &model), st.pane::<events::State>());
    assert_eq!(
        v.events.column("OBJECT"),
        ["Pod/catalog-admin-7cqbnhbzch-wsqld", "Pod/catalog-cache-2"]
    );
    st.namespace = None;

    let narrow = render(&st, &model, 80, 24);
    assert!(narrow.contains("hpa/schema-registry"), "{narrow}");
    assert!(narrow.contains("Warning events (15)"), "{narrow}");
    insta::assert_snapshot!("events_80x24", narrow);

    // A new Warning event arrives: it is first, and the rate shows it.
    let gen0 = model.generation;
    let new = yaml(
        r#"
apiVersion: v1
kind: Event
metadata: {name: payments-api-oom.1, namespace: payments}
type: Warning
reason: OOMKilling
message: "Memory cgroup out of memory: Killed process 4242 (java)"
count: 3
lastTimestamp: "2026-11-20T09:29:59Z"
involvedObject: {kind: Pod, namespace: payments, name: payments-api-7d9c-abcde}
"#,
    );
    let obj = new.list("Event").next().cloned().expect("event");
    model.apply_events(vec![Event::Apply(obj)]);
    assert!(model.refresh());
    model.sample();
    assert!(model.generation > gen0);
    assert_eq!(model.warning_rate.back(), Some(&3));
    let v = events::view(&cx(&st, &model), st.pane::<events::State>());
    assert_eq!(v.events.rows.len(), 16);
    assert_eq!(v.events.rows[0].cells[3], "Pod/payments-api-7d9c-abcde");
    assert_eq!(v.events.rows[0].cells[4], "OOMKilling");
    assert_eq!(v.events.rows[0].cells[0], "1s");

    let mut mono = state(true);
    mono.show("events");
    let wide = render(&mono, &model, 160, 48);
    for want in [
        "Warning rate",
        "last 3, max 3 over 2 samples",
        "Warning events (16)",
        "OOMKilling",
        "payments",
        "Event",
    ] {
        assert!(wide.contains(want), "{want} missing:\n{wide}");
    }
    insta::assert_snapshot!("events_160x48", wide);
}

// ───────────────────────── selection follows its object ─────────────────────────

/// One object from inline YAML, as a source event.
fn apply(text: &str, kind: &str) -> Msg {
    let obj = yaml(text).list(kind).next().cloned().expect("the object");
    Msg::Source(vec![Event::Apply(obj)])
}

/// New Warning events arrive at the top of the Events pane: the selection
/// stays on the event it was on, rows below where it was.
#[test]
fn the_events_selection_stays_on_its_event_when_newer_ones_arrive() {
    let mut model = demo();
    let mut st = state(true);
    st.show("events");
    let selected_event = |st: &State, m: &Model| {
        let v = events::view(&st.cx(m), st.pane::<events::State>());
        v.ids[st.pane::<events::State>().nav.selected].clone()
    };
    for _ in 0..3 {
        update(&mut st, &mut model, Msg::Key(key(KeyCode::Down)));
    }
    let row = st.pane::<events::State>().nav.selected;
    let chosen = selected_event(&st, &model);
    let object = st.selected_object(&model);

    for name in ["newer-1", "newer-2"] {
        let event = format!(
            r#"
apiVersion: v1
kind: Event
metadata: {{name: {name}, namespace: payments}}
type: Warning
reason: BackOff
message: "Back-off restarting failed container"
lastTimestamp: "2026-11-20T09:29:59Z"
involvedObject: {{kind: Pod, namespace: payments, name: payments-api-0}}
"#
        );
        update(&mut st, &mut model, apply(&event, "Event"));
    }
    update(&mut st, &mut model, Msg::Tick);

    assert_eq!(st.pane::<events::State>().nav.selected, row + 2);
    assert_eq!(selected_event(&st, &model), chosen);
    assert_eq!(st.selected_object(&model), object);
}

/// A quota filling up sorts above the selected gauge (highest pressure
/// first): the selection stays on its quota and resource.
#[test]
fn the_quotas_selection_stays_on_its_gauge_when_pressure_resorts_the_rows() {
    use kready::ui::panes::quotas;

    let mut model = demo();
    let mut st = state(true);
    st.show("quotas");
    let selected_gauge = |st: &State, m: &Model| {
        let d = quotas::derive(&m.store, m.config());
        let object = st.selected_object(m).expect("a quota is selected");
        let nav = &st.pane::<quotas::State>().nav;
        let g = &d.gauges[nav.selected];
        assert_eq!(
            (g.namespace.as_str(), g.quota.as_str()),
            (object.namespace.as_str(), object.name.as_str())
        );
        format!("{}/{} {}", g.namespace, g.quota, g.resource)
    };
    for _ in 0..4 {
        update(&mut st, &mut model, Msg::Key(key(KeyCode::Down)));
    }
    let chosen = selected_gauge(&st, &model);

    let quota = r#"
apiVersion: v1
kind: ResourceQuota
metadata: {name: overcommitted, namespace: payments}
spec: {hard: {pods: "10", requests.cpu: "2"}}
status:
  hard: {pods: "10", requests.cpu: "2"}
  used: {pods: "12", requests.cpu: "3"}
"#;
    update(&mut st, &mut model, apply(quota, "ResourceQuota"));
    update(&mut st, &mut model, Msg::Tick);

    assert_eq!(
        st.pane::<quotas::State>().nav.selected,
        4 + 2,
        "two gauges above it"
    );
    assert_eq!(selected_gauge(&st, &model), chosen);

    // `s` re-sorts by namespace: still the same gauge.
    update(&mut st, &mut model, Msg::Key(key(KeyCode::Char('s'))));
    let v = st.selected_object(&model).expect("a quota is selected");
    assert_eq!(
        chosen.split_once(' ').map(|(q, _)| q.to_string()),
        Some(format!("{}/{}", v.namespace, v.name))
    );
}

/// The console's model derives the heavy panes' rows on the checker, on
/// its thread as inline, and the panes draw from them.
#[test]
fn the_checker_derives_the_panes_rows_after_each_evaluation() {
    use kready::ui::panes::{self, quotas};

    let slugs: Vec<&str> = panes::derivations().iter().map(|(s, _)| *s).collect();
    for slug in ["overview", "quotas", "autoscaling", "nodes"] {
        assert!(
            slugs.contains(&slug),
            "{slug} derives on the checker: {slugs:?}"
        );
    }
    let mut model = demo().with_derivations(panes::derivations());
    let rows = |m: &Model| {
        m.derived("quotas")
            .expect("derived quotas")
            .clone()
            .downcast::<quotas::QuotaData>()
            .expect("the quotas pane's rows")
    };
    let before = rows(&model);
    assert_eq!(*before, quotas::derive(&model.store, model.config()));

    // On the checker's thread: the evaluation carries the rows.
    let mut evaluations = model.run_checks_in_background().expect("checker thread");
    let quota = r#"
apiVersion: v1
kind: ResourceQuota
metadata: {name: overcommitted, namespace: payments}
spec: {hard: {pods: "10"}}
status: {hard: {pods: "10"}, used: {pods: "12"}}
"#;
    let obj = yaml(quota)
        .list("ResourceQuota")
        .next()
        .cloned()
        .expect("quota");
    model.apply_events(vec![Event::Apply(obj)]);
    model.refresh();
    let e = evaluations.blocking_recv().expect("an evaluation");
    let names: Vec<&str> = e.derived.iter().map(|(s, _)| *s).collect();
    assert_eq!(names, slugs);
    model.accept(e);
    let after = rows(&model);
    assert_eq!(after.gauges.len(), before.gauges.len() + 1);
    assert_eq!(after.gauges[0].quota, "overcommitted");

    // The pane draws the checker's rows.
    let mut st = state(true);
    st.show("quotas");
    let screen = render(&st, &model, 160, 48);
    assert!(screen.contains("overcommitted"), "{screen}");
}

fn key(code: KeyCode) -> KeyEvent {
    KeyEvent::new(code, KeyModifiers::NONE)
}

/// Sorted by status, a node going NotReady sorts first: the selection
/// stays on its node.
#[test]
fn the_nodes_selection_stays_on_its_node_when_a_new_node_sorts_above_it() {
    let mut model = demo();
    let mut st = state(true);
    st.show("nodes");
    // Role → zone → pool → status.
    for _ in 0..3 {
        update(&mut st, &mut model, Msg::Key(key(KeyCode::Char('s'))));
    }
    assert_eq!(st.pane::<nodes::State>().sort, nodes::SortKey::Status);
    for _ in 0..2 {
        update(&mut st, &mut model, Msg::Key(key(KeyCode::Down)));
    }
    let row = st.pane::<nodes::State>().nav.selected;
    let chosen = st.selected_object(&model).expect("a node is selected");

    let node = r#"
apiVersion: v1
kind: Node
metadata:
  name: ip-10-0-0-1.eu-west-1.compute.internal
  labels: {topology.kubernetes.io/zone: eu-west-1a}
status:
  conditions: [{type: Ready, status: "False", reason: KubeletNotReady}]
"#;
    update(&mut st, &mut model, apply(node, "Node"));
    update(&mut st, &mut model, Msg::Tick);

    let v = nodes::view(&st.cx(&model), st.pane::<nodes::State>());
    let new_row = v
        .nodes
        .column("NODE")
        .iter()
        .position(|n| *n == "ip-10-0-0-1");
    assert_eq!(new_row, Some(0), "the NotReady node sorts first");
    assert_eq!(st.pane::<nodes::State>().nav.selected, row + 1);
    assert_eq!(st.selected_object(&model), Some(chosen));
}
