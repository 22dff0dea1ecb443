//! The demo replay timeline (assets/demo-replay/): it loads, it is ordered,
//! its objects are the demo's (same names and uids), and every step moves a
//! check result the way the story says, through the same path a live change
//! takes (Model::apply → engine.apply_change → refresh).

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};

use k8s_openapi::jiff::Timestamp;
use kready::checks::{CheckResult, Severity, Status};
use kready::config::Config;
use kready::model::ObjKey;
use kready::runtime::{Model, Results};
use kready::source::demo::{ReplayStep, load_steps};
use kready::source::snapshot::{self, LoadOptions};
use kready::store::ClusterStore;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn demo() -> ClusterStore {
    snapshot::load(&root().join("assets/demo"), &LoadOptions::default())
        .expect("demo loads")
        .into_store()
}

fn capture(store: &ClusterStore) -> Timestamp {
    store.info.captured_at.expect("the demo has a capture time")
}

fn steps(start: Timestamp) -> Vec<ReplayStep> {
    load_steps(&root().join("assets/demo-replay"), start).expect("the timeline loads")
}

fn slug(step: &ReplayStep) -> String {
    let stem = step.file.file_stem().unwrap().to_string_lossy().to_string();
    stem.splitn(3, '-').nth(2).unwrap().to_string()
}

type Key = (String, String, Option<String>, Option<String>);

fn key(r: &CheckResult) -> Key {
    (
        r.check.to_string(),
        format!("{}/{}", r.subject.kind, r.subject.name),
        r.subject.namespace.as_deref().map(String::from),
        r.subject.container.clone(),
    )
}

fn index(results: &Results) -> HashMap<Key, (Status, Severity, String)> {
    results
        .iter()
        .map(|r| (key(r), (r.status, r.severity, r.message.clone())))
        .collect()
}

fn find<'a>(
    results: &'a Results,
    check: &str,
    kind: &str,
    ns: Option<&str>,
    name: impl Fn(&str) -> bool,
) -> Vec<&'a CheckResult> {
    results
        .iter()
        .filter(|r| {
            r.check == check
                && r.subject.kind == kind
                && r.subject.namespace.as_deref() == ns
                && name(&r.subject.name)
        })
        .collect()
}

#[test]
fn timeline_loads_in_order_over_two_minutes() {
    let store = demo();
    let start = capture(&store);
    let steps = steps(start);
    assert!(steps.len() >= 8, "{} steps", steps.len());
    let mut prev: Option<&ReplayStep> = None;
    for (i, s) in steps.iter().enumerate() {
        let name = s.file.file_name().unwrap().to_string_lossy().to_string();
        assert!(
            name.starts_with(&format!("{i:03}-{}s-", s.after_secs)),
            "{name}: numbered {i:03}, plays at {}s",
            s.after_secs
        );
        assert!(!s.title.is_empty() && !s.objects.is_empty(), "{name}");
        assert!(s.at > start, "{name}: cluster time after the capture");
        if let Some(p) = prev {
            assert!(
                s.after_secs > p.after_secs,
                "{name} plays after {:?}",
                p.file
            );
            assert!(s.at > p.at, "{name}: cluster time moves forward");
        }
        prev = Some(s);
    }
    let last = steps.last().unwrap().after_secs;
    assert!(
        (90..=150).contains(&last),
        "the replay lasts about two minutes: {last}s"
    );
}

/// Objects the demo has keep their uid; new objects get new, unique uids;
/// owner references point at objects that exist, by name and uid.
#[test]
fn steps_are_consistent_with_the_demo() {
    let store = demo();
    let steps = steps(capture(&store));
    let mut uids: HashMap<ObjKey, String> = store
        .kinds()
        .into_iter()
        .flat_map(|k| store.list(&k).collect::<Vec<_>>())
        .filter_map(|o| Some((o.key.clone(), o.meta.uid.clone()?)))
        .collect();
    let mut taken: HashSet<String> = uids.values().cloned().collect();
    for s in &steps {
        for o in &s.objects {
            let uid = o
                .meta
                .uid
                .clone()
                .unwrap_or_else(|| panic!("{} has no uid", o.key));
            match uids.get(&o.key) {
                Some(u) => assert_eq!(u, &uid, "{:?}: {} keeps its demo uid", s.file, o.key),
                None => {
                    assert!(
                        taken.insert(uid.clone()),
                        "{:?}: {} reuses uid {uid}",
                        s.file,
                        o.key
                    );
                    uids.insert(o.key.clone(), uid);
                }
            }
            for r in o.meta.owner_references.iter().flatten() {
                let owner = ObjKey::new(&r.kind, &o.key.namespace, &r.name);
                assert_eq!(
                    uids.get(&owner),
                    Some(&r.uid),
                    "{:?}: {}'s owner {owner} exists with that uid",
                    s.file,
                    o.key
                );
            }
            if o.key.kind == "Pod"
                && let Some(node) = o.pointer("/spec/nodeName").and_then(|v| v.as_str())
            {
                assert!(
                    uids.contains_key(&ObjKey::new("Node", "", node)),
                    "{:?}: {} runs on a demo node",
                    s.file,
                    o.key
                );
            }
        }
    }
}

/// Plays the timeline into a Model the way the console does and checks what
/// each step did to the results.
#[test]
fn every_step_moves_a_check_result() {
    let store = demo();
    let start = capture(&store);
    let steps = steps(start);
    let mut model = Model::new(store, &Config::default(), None);
    let api = ObjKey::new("HorizontalPodAutoscaler", "checkout", "checkout-api");
    let mut seen: BTreeMap<String, ()> = BTreeMap::new();
    for s in &steps {
        let before = index(&model.results);
        let generation = model.generation;
        model.apply_events(s.clone().events());
        assert!(model.refresh(), "{:?}: refresh sees the change", s.file);
        model.sample();
        assert!(model.generation > generation);
        let after = index(&model.results);
        let changed: Vec<&Key> = after
            .iter()
            .filter(|(k, v)| before.get(*k) != Some(*v))
            .map(|(k, _)| k)
            .collect();
        assert!(!changed.is_empty(), "{:?} changes no check result", s.file);

        let r = &model.results;
        let slug = slug(s);
        seen.insert(slug.clone(), ());
        match slug.as_str() {
            "pricing-engine-rollout" => {
                let bad = find(r, "workload/crashloop", "Pod", Some("checkout"), |n| {
                    n.starts_with("pricing-engine-") && !n.starts_with("pricing-engine-p8mlks2rmr")
                });
                assert_eq!(bad.len(), 1, "one new pricing-engine pod");
                assert_eq!(bad[0].status, Status::Fail, "{}", bad[0].message);
                assert!(
                    bad[0].message.contains("CrashLoopBackOff"),
                    "{}",
                    bad[0].message
                );
            }
            s if s.starts_with("pricing-engine-") => {
                let bad = find(r, "workload/crashloop", "Pod", Some("checkout"), |n| {
                    n.starts_with("pricing-engine-") && !n.starts_with("pricing-engine-p8mlks2rmr")
                });
                assert_eq!(bad[0].status, Status::Fail);
                let key = key(bad[0]);
                assert_ne!(
                    before.get(&key).map(|v| &v.2),
                    Some(&bad[0].message),
                    "restarts rise"
                );
            }
            "checkout-api-scales-up" | "checkout-api-scales-up-more" => {
                let hpa = find(
                    r,
                    "autoscaling/hpa-at-max",
                    "HorizontalPodAutoscaler",
                    Some("checkout"),
                    |n| n == "checkout-api",
                );
                assert_eq!(hpa[0].status, Status::Pass, "{}", hpa[0].message);
            }
            "checkout-api-at-max" => {
                let hpa = find(
                    r,
                    "autoscaling/hpa-at-max",
                    "HorizontalPodAutoscaler",
                    Some("checkout"),
                    |n| n == "checkout-api",
                );
                assert_eq!(hpa[0].status, Status::Fail, "{}", hpa[0].message);
                assert!(hpa[0].message.contains("15 of 15"), "{}", hpa[0].message);
                let q = find(
                    r,
                    "resources/quota-pressure",
                    "ResourceQuota",
                    Some("checkout"),
                    |_| true,
                );
                assert_eq!(
                    (q[0].status, q[0].severity),
                    (Status::Fail, Severity::Warning),
                    "{}",
                    q[0].message
                );
            }
            "node-stops-reporting" => {
                let n = find(r, "control-plane/node-not-ready", "Node", None, |n| {
                    n.starts_with("ip-10-0-1-21.")
                });
                assert!(n[0].message.contains("NotReady"), "{}", n[0].message);
                assert!(
                    n[0].message.contains("within the 10m threshold"),
                    "{}",
                    n[0].message
                );
            }
            "node-cordoned" => {
                let n = find(r, "control-plane/node-not-ready", "Node", None, |n| {
                    n.starts_with("ip-10-0-1-21.")
                });
                assert_eq!(
                    (n[0].status, n[0].severity),
                    (Status::Fail, Severity::Error),
                    "{}",
                    n[0].message
                );
                assert!(n[0].message.contains("NotReady"), "{}", n[0].message);
            }
            "backup-fails" => {
                let b = find(r, "backup/failures", "Backup", Some("velero"), |n| {
                    n.starts_with("checkout-pre-rollback-")
                });
                assert_eq!(b.len(), 1);
                assert_eq!(b[0].status, Status::Fail, "{}", b[0].message);
                assert!(b[0].message.contains("Failed"), "{}", b[0].message);
            }
            "notebooks-start" => {
                let q = find(
                    r,
                    "resources/quota-pressure",
                    "ResourceQuota",
                    Some("analytics"),
                    |_| true,
                );
                assert_eq!(
                    (q[0].status, q[0].severity),
                    (Status::Fail, Severity::Warning),
                    "{}",
                    q[0].message
                );
                assert!(q[0].message.contains("97%"), "{}", q[0].message);
            }
            "notebooks-fill-quota" => {
                let q = find(
                    r,
                    "resources/quota-pressure",
                    "ResourceQuota",
                    Some("analytics"),
                    |_| true,
                );
                assert_eq!(
                    (q[0].status, q[0].severity),
                    (Status::Fail, Severity::Error),
                    "{}",
                    q[0].message
                );
                assert!(
                    q[0].message.contains("requests.cpu at 100%"),
                    "{}",
                    q[0].message
                );
            }
            other => panic!("no expectation for step {other}: add one here"),
        }
    }
    for expected in [
        "pricing-engine-rollout",
        "checkout-api-at-max",
        "node-cordoned",
        "backup-fails",
        "notebooks-fill-quota",
    ] {
        assert!(
            seen.contains_key(expected),
            "the timeline has a {expected} step"
        );
    }
    // The sparkline moves: several distinct samples, climbing to the max.
    let hist: Vec<u64> = model.hpa_history[&api].iter().copied().collect();
    assert_eq!(hist.first(), Some(&5));
    assert_eq!(hist.last(), Some(&15));
    assert!(hist.windows(2).all(|w| w[0] <= w[1]), "{hist:?}");
    let distinct: HashSet<u64> = hist.iter().copied().collect();
    assert!(distinct.len() >= 4, "{hist:?}");
    // Warning events arrive (BackOff, FailedCreate, BackupFailed).
    assert!(model.warning_rate.iter().sum::<u64>() > 0);
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p
}

const HEAD: &str =
    "apiVersion: kready.io/v1\nkind: ReplayStep\nmetadata: {name: x}\ntitle: a step\n";
const OBJ: &str = "---\napiVersion: v1\nkind: Namespace\nmetadata: {name: team, uid: u1}\n";

fn error(files: &[(&str, &str)]) -> String {
    let dir = tempfile::tempdir().unwrap();
    for (n, t) in files {
        write(dir.path(), n, t);
    }
    let start: Timestamp = "2026-11-20T09:30:00Z".parse().unwrap();
    format!("{:#}", load_steps(dir.path(), start).unwrap_err())
}

#[test]
fn a_good_step_and_its_clock() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "README.md", "not a step");
    write(dir.path(), "000-5s-first.yaml", &format!("{HEAD}{OBJ}"));
    write(
        dir.path(),
        "001-10s-second.yaml",
        &format!("{HEAD}clock: 12m30s\ndelete: [Namespace/team, Pod/team/p]\n{OBJ}"),
    );
    let start: Timestamp = "2026-11-20T09:30:00Z".parse().unwrap();
    let steps = load_steps(dir.path(), start).unwrap();
    assert_eq!(steps.len(), 2);
    assert_eq!(steps[0].after_secs, 5);
    assert_eq!(steps[0].at.to_string(), "2026-11-20T09:30:05Z");
    assert_eq!(steps[1].at.to_string(), "2026-11-20T09:42:30Z");
    assert_eq!(
        steps[1].deletes,
        vec![
            ObjKey::new("Namespace", "", "team"),
            ObjKey::new("Pod", "team", "p")
        ]
    );
    assert_eq!(
        steps[1].objects[0].key,
        ObjKey::new("Namespace", "", "team")
    );
}

#[test]
fn errors_name_the_file() {
    let e = error(&[("000-5s-a.yaml", OBJ)]);
    assert!(
        e.contains("000-5s-a.yaml") && e.contains("kind: ReplayStep"),
        "{e}"
    );

    let e = error(&[("first.yaml", &format!("{HEAD}{OBJ}"))]);
    assert!(
        e.contains("first.yaml") && e.contains("NNN-<seconds>s-<slug>.yaml"),
        "{e}"
    );

    let e = error(&[("000-5s-a.yaml", &format!("{HEAD}clock: soon\n{OBJ}"))]);
    assert!(e.contains("000-5s-a.yaml") && e.contains("clock"), "{e}");

    let e = error(&[(
        "000-5s-a.yaml",
        &format!("apiVersion: kready.io/v1\nkind: ReplayStep\nmetadata: {{name: x}}\n{OBJ}"),
    )]);
    assert!(e.contains("000-5s-a.yaml") && e.contains("title"), "{e}");

    let e = error(&[("000-5s-a.yaml", &format!("{HEAD}{OBJ}  bad: [\n"))]);
    assert!(
        e.contains("000-5s-a.yaml") && e.contains("document 2"),
        "{e}"
    );

    let e = error(&[("000-5s-a.yaml", &format!("{HEAD}delete: [Pod]\n{OBJ}"))]);
    assert!(
        e.contains("000-5s-a.yaml") && e.contains("delete[0]"),
        "{e}"
    );

    let e = error(&[
        ("000-50s-a.yaml", &format!("{HEAD}{OBJ}")),
        ("001-10s-b.yaml", &format!("{HEAD}{OBJ}")),
    ]);
    assert!(
        e.contains("001-10s-b.yaml") && e.contains("before the previous step"),
        "{e}"
    );

    let e = error(&[("000-5s-a.yaml", HEAD)]);
    assert!(
        e.contains("000-5s-a.yaml") && e.contains("changes nothing"),
        "{e}"
    );

    let e = error(&[("000-5s-a.yaml", &format!("{HEAD}{OBJ}{OBJ}"))]);
    assert!(e.contains("000-5s-a.yaml") && e.contains("twice"), "{e}");
}

/// With the checks on their own thread (as in the console), the timeline
/// gives the same results as inline: each step's evaluation arrives on the
/// channel and `accept` puts it in place.
#[test]
fn background_checker_matches_inline() {
    let store = demo();
    let start = capture(&store);
    let steps = steps(start);
    let mut inline = Model::new(demo(), &Config::default(), None);
    let mut threaded = Model::new(store, &Config::default(), None);
    let mut evaluations = threaded.run_checks_in_background().expect("checker thread");
    for s in steps.iter().take(4) {
        for m in [&mut inline, &mut threaded] {
            m.apply_events(s.clone().events());
        }
        assert!(inline.refresh());
        assert!(!threaded.refresh(), "results arrive later, not in place");
        // Bounded wait: 20 s at most.
        let mut waited = 0;
        let e = loop {
            match evaluations.try_recv() {
                Ok(e) => break e,
                Err(_) if waited < 2000 => {
                    std::thread::sleep(std::time::Duration::from_millis(10));
                    waited += 1;
                }
                Err(e) => panic!("{:?}: no evaluation in 20 s: {e:?}", s.file),
            }
        };
        let generation = threaded.generation;
        threaded.accept(e);
        assert_eq!(threaded.generation, generation + 1);
        assert_eq!(
            index(&threaded.results),
            index(&inline.results),
            "{:?}",
            s.file
        );
        assert_eq!(threaded.scores.overall, inline.scores.overall);
    }
    assert!(!threaded.checks_stopped());
}
