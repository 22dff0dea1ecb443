//! Backups: Velero schedules (backup/recent-success's verdict on the RPO,
//! the newest Completed backup, the next run from the cron expression,
//! paused), backups, storage locations, restores, and the etcd snapshot
//! CronJobs with their last Job. What passes is the checks' to decide: the
//! RPO cells show their results; the facts come from `view::backup`.
//!
//! The five sections are stacked when the pane has room (40 rows or more,
//! e.g. 160×48); below that one section shows at a time, with a line naming
//! them all. Either way `o` (the "group" key) moves the focus to the next
//! section; the selection, `y` and the row count act on the focused one,
//! and `/` filters every section. `s` lists the backups and restores that
//! did not complete first (default: newest first).

use std::sync::Arc;

use std::collections::HashMap;

use k8s_openapi::api::batch::v1::Job;
use k8s_openapi::jiff::Timestamp;
use ratatui::Frame;
use ratatui::layout::Rect;
use serde_json::Value;

use super::{Cx, Outcome, Pane, PaneEvent, handle_sections};
use crate::checks::backup::RECENT_SUCCESS;
use crate::checks::{CheckId, Status, Subject};
use crate::config::keymap::Action;
use crate::model::ObjKey;
use crate::runtime::Results;
use crate::ui::memo::Memo;
use crate::ui::widgets::grid::{Grid, Row, Tone, draw_sections, is_tall, one_line};
use crate::ui::widgets::sections::Sections;
use crate::ui::widgets::table::{Keep, Nav};
use crate::view::backup::{
    SCHEDULE_LABEL, etcd_last_success, etcd_snapshot_cronjobs, is_paused, newest_completed,
    on_cluster_reason, str_at, ts_at, velero, velero_installed,
};
use crate::view::duration::age;
use crate::view::schedule::next_run;

// ───────────────────────────── the pane ─────────────────────────────

pub const SECTIONS: [&str; 5] = ["Schedules", "Backups", "Locations", "Restores", "etcd"];

#[derive(Default)]
pub struct State {
    pub nav: Nav,
    pub sections: Sections,
    /// `s`: backups and restores that did not complete first.
    pub failures_first: bool,
    view: Memo<ViewKey, View>,
}

#[derive(Clone, PartialEq)]
struct ViewKey {
    generation: u64,
    filter: String,
    namespace: Option<String>,
    now: Timestamp,
    rpo_hours: i64,
    failures_first: bool,
}

/// The derived sections, filtered.
#[derive(Debug, Clone, PartialEq)]
pub struct View {
    pub schedules: Grid,
    pub backups: Grid,
    pub locations: Grid,
    pub restores: Grid,
    pub etcd: Grid,
}

impl View {
    pub fn grids(&self) -> [&Grid; 5] {
        [
            &self.schedules,
            &self.backups,
            &self.locations,
            &self.restores,
            &self.etcd,
        ]
    }
}

/// The pane's rows for the model's store at `cx.model.now` (cached by
/// generation, filter, namespace and time).
pub fn view(cx: &Cx, st: &State) -> Arc<View> {
    let key = ViewKey {
        generation: cx.model.generation,
        filter: st.nav.filter.clone(),
        namespace: cx.namespace.map(str::to_string),
        now: cx.model.now,
        rpo_hours: cx.model.config().thresholds.backup_rpo_hours,
        failures_first: st.failures_first,
    };
    st.view.get(key, |key| {
        Arc::new(derive(cx, &st.nav, key.rpo_hours, st.failures_first))
    })
}

fn phase_tone(phase: &str) -> Tone {
    match phase {
        "Completed" | "Available" | "Enabled" => Tone::Pass,
        "PartiallyFailed" => Tone::Warning,
        "Failed" | "FailedValidation" | "Unavailable" => Tone::Error,
        "-" => Tone::Unknown,
        _ => Tone::Info,
    }
}

/// Each subject's result of one check (look up with `Subject::of(obj)`).
fn results_of(results: &Results, check: CheckId) -> HashMap<&Subject, Status> {
    results
        .of_check(check)
        .iter()
        .map(|r| (&r.subject, r.status))
        .collect()
}

/// The RPO cell from backup/recent-success's result, and the rank that
/// sorts late schedules first. No result (the check is off, or has not
/// run yet) says so with `-`.
fn rpo_cell(status: Option<Status>) -> (u8, &'static str, Tone) {
    match status {
        Some(Status::Fail) => (0, "LATE", Tone::Error),
        Some(Status::Unknown) => (1, "NEW", Tone::Unknown),
        None => (1, "-", Tone::Unknown),
        Some(Status::Pass) => (2, "OK", Tone::Pass),
    }
}

fn count_cell(row: Row, v: Option<i64>, tone: Tone) -> Row {
    match v {
        Some(n) if n > 0 => row.word(n.to_string(), tone),
        Some(n) => row.cell(n.to_string()),
        None => row.word("0", Tone::Muted),
    }
}

fn derive(cx: &Cx, nav: &Nav, rpo_hours: i64, failures_first: bool) -> View {
    let store = &cx.model.store;
    let now = cx.model.now;
    let installed = velero_installed(store).is_some();
    let absent = "Velero is not installed (no backups.velero.io CRD and no Velero objects)";
    let in_scope = |ns: &str| cx.in_scope(Some(ns));

    // Schedules. Whether each is within the RPO is backup/recent-success's
    // to decide; the pane shows its result.
    let recent = results_of(&cx.model.results, RECENT_SUCCESS.id);
    let newest = newest_completed(store);
    let mut sched: Vec<(u8, Row)> = Vec::new();
    for s in velero(store, "Schedule").filter(|s| in_scope(s.namespace())) {
        let paused = is_paused(s);
        let cron = str_at(s, "/spec/schedule").unwrap_or("");
        let last = newest
            .get(&(s.namespace(), s.name()))
            .map_or("never".to_string(), |(done, _)| age(now, *done));
        let (rank, word, tone) = rpo_cell(recent.get(&Subject::of(s)).copied());
        let next = if paused {
            "paused".to_string()
        } else {
            match next_run(cron, None, now) {
                Some(t) => format!("in {}", age(t, now)),
                None => "?".to_string(),
            }
        };
        let phase = str_at(s, "/status/phase").unwrap_or("-");
        let row = Row::new(Some(s.key.clone()))
            .cell(s.name())
            .word(word, tone)
            .cell(last)
            .cell(next)
            .cell(cron)
            .word(
                if paused { "PAUSED" } else { "no" },
                if paused { Tone::Warning } else { Tone::Plain },
            )
            .word(phase, phase_tone(phase))
            .cell(s.namespace());
        sched.push((rank, row));
    }
    sched.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.cells[0].cmp(&b.1.cells[0])));
    let mut schedules = Grid::new(
        "Schedules",
        &[
            "SCHEDULE",
            "RPO",
            "LAST OK",
            "NEXT RUN",
            "CRON",
            "PAUSED",
            "PHASE",
            "NAMESPACE",
        ],
        &[0, 0, 0, 1, 2, 0, 3, 4],
    );
    schedules.note = format!("RPO {rpo_hours}h, next run in UTC");
    schedules.empty = if installed {
        "no Velero Schedule: backups only run by hand".into()
    } else {
        absent.into()
    };
    schedules.filter(sched.into_iter().map(|(_, r)| r).collect(), nav);

    // Backups, newest first.
    let started = |o: &crate::model::Object| {
        ts_at(o, "/status/startTimestamp")
            .or_else(|| o.meta.creation_timestamp.as_ref().map(|t| t.0))
    };
    // `s` puts what did not complete first (in progress, failed, …).
    let order = |o: &crate::model::Object| {
        failures_first && str_at(o, "/status/phase") == Some("Completed")
    };
    let order_note = if failures_first {
        "not Completed first, then newest (s: newest first)"
    } else {
        "newest first (s: not Completed first)"
    };
    // Backups and Restores: listed and shown alike up to their own columns.
    let runs = |kind| {
        let mut list: Vec<_> = velero(store, kind)
            .filter(|o| in_scope(o.namespace()))
            .collect();
        list.sort_by(|a, b| {
            order(a)
                .cmp(&order(b))
                .then(started(b).cmp(&started(a)))
                .then(a.name().cmp(b.name()))
        });
        list
    };
    // PHASE, name, `reference`, ERRORS, WARNINGS, AGE.
    let run_row = |o: &crate::model::Object, reference: &str| {
        let phase = str_at(o, "/status/phase").unwrap_or("-");
        let row = Row::new(Some(o.key.clone()))
            .word(phase, phase_tone(phase))
            .cell(o.name())
            .cell(reference);
        let row = count_cell(
            row,
            o.pointer("/status/errors").and_then(Value::as_i64),
            Tone::Error,
        );
        let row = count_cell(
            row,
            o.pointer("/status/warnings").and_then(Value::as_i64),
            Tone::Warning,
        );
        row.cell(started(o).map_or("-".into(), |t| age(now, t)))
    };
    let rows = runs("Backup")
        .iter()
        .map(|b| {
            run_row(b, b.label(SCHEDULE_LABEL).unwrap_or("-")).cell(
                str_at(b, "/status/failureReason")
                    .map(one_line)
                    .unwrap_or_default(),
            )
        })
        .collect();
    let mut backups = Grid::new(
        "Backups",
        &[
            "PHASE", "BACKUP", "SCHEDULE", "ERRORS", "WARNINGS", "AGE", "REASON",
        ],
        &[0, 0, 3, 0, 2, 1, 4],
    );
    backups.note = order_note.into();
    backups.empty = if installed {
        "no Velero Backup".into()
    } else {
        absent.into()
    };
    backups.filter(rows, nav);

    // Storage locations.
    let rows = velero(store, "BackupStorageLocation")
        .filter(|l| in_scope(l.namespace()))
        .map(|l| {
            let phase = str_at(l, "/status/phase").unwrap_or("-");
            let (where_, wt) = match on_cluster_reason(l) {
                Some(_) => ("ON CLUSTER", Tone::Error),
                None => ("off-cluster", Tone::Plain),
            };
            Row::new(Some(l.key.clone()))
                .cell(l.name())
                .word(phase, phase_tone(phase))
                .word(where_, wt)
                .cell(
                    if l.pointer("/spec/default").and_then(Value::as_bool) == Some(true) {
                        "default"
                    } else {
                        "-"
                    },
                )
                .cell(str_at(l, "/spec/provider").unwrap_or("-"))
                .cell(str_at(l, "/spec/objectStorage/bucket").unwrap_or("-"))
                .cell(str_at(l, "/spec/accessMode").unwrap_or("ReadWrite"))
                .cell(
                    ts_at(l, "/status/lastSyncedTime")
                        .map_or("never".into(), |t| format!("{} ago", age(now, t))),
                )
                .cell(
                    str_at(l, "/status/message")
                        .map(one_line)
                        .unwrap_or_default(),
                )
        })
        .collect();
    let mut locations = Grid::new(
        "Locations",
        &[
            "LOCATION", "PHASE", "WHERE", "DEFAULT", "PROVIDER", "BUCKET", "ACCESS", "SYNCED",
            "MESSAGE",
        ],
        &[0, 0, 1, 3, 2, 2, 3, 1, 4],
    );
    locations.empty = if installed {
        "no BackupStorageLocation: backups have nowhere to go".into()
    } else {
        absent.into()
    };
    locations.filter(rows, nav);

    // Restores, newest first.
    let rows = runs("Restore")
        .iter()
        .map(|r| run_row(r, str_at(r, "/spec/backupName").unwrap_or("-")))
        .collect();
    let mut restores = Grid::new(
        "Restores",
        &["PHASE", "RESTORE", "BACKUP", "ERRORS", "WARNINGS", "AGE"],
        &[0, 0, 2, 0, 1, 1],
    );
    restores.note = format!(
        "restore drill due every {} days",
        cx.model.config().thresholds.restore_test_days
    );
    restores.empty = if installed {
        "no Velero Restore: the backups were never proven restorable".into()
    } else {
        absent.into()
    };
    restores.filter(rows, nav);

    // etcd snapshot CronJobs and their newest Job.
    let rows = etcd_snapshot_cronjobs(store)
        .into_iter()
        .filter(|(o, _)| in_scope(o.namespace()))
        .map(|(o, cj)| {
            let suspended = cj.spec.suspend == Some(true);
            let last = etcd_last_success(store, o, cj);
            let (_, word, tone) = rpo_cell(recent.get(&Subject::of(o)).copied());
            let next = if suspended {
                "suspended".to_string()
            } else {
                match next_run(&cj.spec.schedule, cj.spec.time_zone.as_deref(), now) {
                    Some(t) => format!("in {}", age(t, now)),
                    None => "?".to_string(),
                }
            };
            let job = store
                .children_of(&o.key)
                .filter_map(|c| c.typed::<Job>().map(|j| (c, j)))
                .max_by_key(|(c, _)| {
                    (
                        c.meta.creation_timestamp.as_ref().map(|t| t.0),
                        c.name().to_string(),
                    )
                });
            let (job_name, job_word, job_tone, job_age) = match job {
                Some((c, j)) => {
                    let (w, t) = job_state(j);
                    let at = c.meta.creation_timestamp.as_ref().map(|t| t.0);
                    (
                        c.name().to_string(),
                        w,
                        t,
                        at.map_or("-".into(), |t| age(now, t)),
                    )
                }
                None => ("-".into(), "none", Tone::Muted, "-".into()),
            };
            Row::new(Some(o.key.clone()))
                .cell(format!("{}/{}", o.namespace(), o.name()))
                .word(word, tone)
                .cell(last.map_or("never".into(), |(t, _)| age(now, t)))
                .cell(next)
                .cell(cj.spec.schedule.clone())
                .word(
                    if suspended { "SUSPENDED" } else { "no" },
                    if suspended {
                        Tone::Warning
                    } else {
                        Tone::Plain
                    },
                )
                .cell(job_name)
                .word(job_word, job_tone)
                .cell(job_age)
        })
        .collect();
    let mut etcd = Grid::new(
        "etcd snapshots",
        &[
            "CRONJOB",
            "RPO",
            "LAST OK",
            "NEXT RUN",
            "CRON",
            "SUSPENDED",
            "LAST JOB",
            "JOB",
            "JOB AGE",
        ],
        &[0, 0, 0, 1, 2, 3, 4, 0, 2],
    );
    etcd.empty = match &store.info.managed {
        Some(p) => format!("managed control plane ({p}): the provider snapshots etcd"),
        None => "no CronJob runs `etcdctl snapshot save`".into(),
    };
    etcd.filter(rows, nav);

    View {
        schedules,
        backups,
        locations,
        restores,
        etcd,
    }
}

/// A Job's state as a word: Complete, Failed, Running, or Pending.
fn job_state(j: &Job) -> (&'static str, Tone) {
    let Some(s) = &j.status else {
        return ("Pending", Tone::Info);
    };
    let cond = |t: &str| {
        s.conditions
            .iter()
            .flatten()
            .any(|c| c.type_ == t && c.status == "True")
    };
    if cond("Complete") || s.succeeded.unwrap_or(0) > 0 {
        ("Complete", Tone::Pass)
    } else if cond("Failed") {
        ("Failed", Tone::Error)
    } else if s.active.unwrap_or(0) > 0 {
        ("Running", Tone::Info)
    } else if s.failed.unwrap_or(0) > 0 {
        ("Failed", Tone::Error)
    } else {
        ("Pending", Tone::Info)
    }
}

fn lens(v: &View) -> Vec<usize> {
    v.grids().iter().map(|g| g.rows.len()).collect()
}

pub fn handle(cx: &Cx, st: &mut State, ev: PaneEvent) -> Outcome {
    if ev == PaneEvent::Action(Action::Sort) {
        st.failures_first = !st.failures_first;
        st.nav.selected = 0;
        return Outcome::Status(
            if st.failures_first {
                "backups and restores: not Completed first"
            } else {
                "backups and restores: newest first"
            }
            .into(),
        );
    }
    let lens = match ev {
        PaneEvent::Action(_) => lens(&view(cx, st)),
        _ => Vec::new(),
    };
    handle_sections(&mut st.sections, &mut st.nav, &SECTIONS, &lens, ev)
}

pub fn selected_object(cx: &Cx, st: &State) -> Option<ObjKey> {
    let v = view(cx, st);
    let g = v.grids()[st.sections.focus];
    g.rows
        .get(st.nav.clamp(g.rows.len()))
        .and_then(|r| r.obj.clone())
}

pub fn draw(f: &mut Frame, area: Rect, cx: &Cx, st: &State) {
    let v = view(cx, st);
    let grids = v.grids();
    let focus = st.sections.focus.min(grids.len() - 1);
    let selected = st.nav.clamp(grids[focus].rows.len());
    draw_sections(
        f,
        area,
        cx.theme,
        &grids,
        focus,
        selected,
        &st.nav.filter,
        is_tall(area),
    );
}

/// The identity of row `i` of the focused section.
fn identity(v: &View, focus: usize, i: usize) -> Option<String> {
    v.grids()
        .get(focus)
        .and_then(|g| g.rows.get(i))
        .map(|r| r.identity())
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
        "Backups"
    }

    fn short_title(&self) -> &'static str {
        "Bkup"
    }

    fn slug(&self) -> &'static str {
        "backups"
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
            (Action::NextSection, "next section"),
            (
                Action::Sort,
                "backups and restores: not Completed first, or newest first",
            ),
        ]
    }
}
