//! The Backups pane shows what backup/recent-success decided, never its own
//! judgement (the shared facts live in src/view/backup.rs).

use std::path::{Path, PathBuf};

use kready::checks::Status;
use kready::config::Config;
use kready::config::keymap::Keymap;
use kready::config::theme::Theme;
use kready::runtime::Model;
use kready::source::snapshot::{self, LoadOptions};
use kready::ui::panes::backups;
use kready::ui::state::State;

const NOW: &str = "2026-11-20T09:30:00Z";

const CLUSTER: &str = r#"
apiVersion: velero.io/v1
kind: Schedule
metadata: {name: fresh, namespace: velero, creationTimestamp: "2026-11-20T08:30:00Z"}
spec: {schedule: "0 2 * * *"}
---
apiVersion: velero.io/v1
kind: Schedule
metadata: {name: stale, namespace: velero, creationTimestamp: "2026-01-01T00:00:00Z"}
spec: {schedule: "0 3 * * *"}
---
apiVersion: velero.io/v1
kind: Backup
metadata:
  name: stale-20261119033000
  namespace: velero
  labels: {velero.io/schedule-name: stale}
status: {phase: Completed, completionTimestamp: "2026-11-19T03:30:00Z"}
---
apiVersion: velero.io/v1
kind: Schedule
metadata: {name: recent, namespace: velero, creationTimestamp: "2026-01-01T00:00:00Z"}
spec: {schedule: "15 * * * *"}
---
apiVersion: velero.io/v1
kind: Backup
metadata:
  name: recent-20261120091500
  namespace: velero
  labels: {velero.io/schedule-name: recent}
status: {phase: Completed, completionTimestamp: "2026-11-20T09:17:00Z"}
---
apiVersion: batch/v1
kind: CronJob
metadata: {name: etcd-snap, namespace: ops, creationTimestamp: "2026-11-20T08:00:00Z"}
spec:
  schedule: "0 2 * * *"
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: OnFailure
          containers: [{name: s, image: etcd:3.5, command: [sh, -c, "etcdctl snapshot save /x.db"]}]
"#;

fn model(config: &Config) -> Model {
    let store = snapshot::load_str(Path::new("inline.yaml"), CLUSTER, &LoadOptions::default())
        .expect("inline yaml")
        .into_store();
    Model::new(store, config, Some(NOW.parse().expect("now")))
}

fn state() -> State {
    State::new(
        Keymap::default(),
        Theme::monochrome(),
        PathBuf::from("/tmp"),
    )
}

/// backup/recent-success's status for an object, by name.
fn status(model: &Model, name: &str) -> Option<Status> {
    model
        .results
        .iter()
        .find(|r| r.check == "backup/recent-success" && r.subject.name == name)
        .map(|r| r.status)
}

#[test]
fn rpo_cells_are_the_checks_results() {
    let model = model(&Config::default());
    let st = state();
    let v = backups::view(&st.cx(&model), st.pane::<backups::State>());

    // Late first, then not yet known, then within the RPO.
    let s = &v.schedules;
    assert_eq!(s.column("SCHEDULE"), ["stale", "fresh", "recent"]);
    assert_eq!(s.column("RPO"), ["LATE", "NEW", "OK"]);
    assert_eq!(status(&model, "stale"), Some(Status::Fail));
    assert_eq!(status(&model, "fresh"), Some(Status::Unknown));
    assert_eq!(status(&model, "recent"), Some(Status::Pass));

    // A snapshot CronJob created an hour ago with no Job yet: the check
    // cannot tell (unknown), and the pane no longer says LATE.
    assert_eq!(status(&model, "etcd-snap"), Some(Status::Unknown));
    assert_eq!(v.etcd.column("RPO"), ["NEW"]);
    assert_eq!(v.etcd.column("LAST OK"), ["never"]);
}

#[test]
fn without_the_check_the_pane_does_not_judge() {
    let config = Config {
        disabled: vec!["backup/recent-success".into()],
        ..Config::default()
    };
    let model = model(&config);
    let st = state();
    let v = backups::view(&st.cx(&model), st.pane::<backups::State>());
    assert_eq!(status(&model, "stale"), None);
    assert_eq!(v.schedules.column("RPO"), ["-", "-", "-"]);
    assert_eq!(v.etcd.column("RPO"), ["-"]);
    // By name when nothing ranks them; the facts stay (the newest
    // completed backup's age).
    assert_eq!(v.schedules.column("SCHEDULE"), ["fresh", "recent", "stale"]);
    assert_eq!(v.schedules.column("LAST OK"), ["never", "13m", "1d6h"]);
}
