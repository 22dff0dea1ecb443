//! Fuzz-style robustness: the demo snapshot, mutated the way hostile or
//! broken captures are (type swaps, truncation, duplicated and deleted
//! lines, control characters, alias tricks), must never panic or hang the
//! loader, the checks or the reports, and `kready check` must exit 0, 1 or 2
//! only. Deterministic (fixed seed) and bounded in count and time; a failure
//! names the seed, the file and the mutations so it can be replayed.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use kready::checks::engine::{Engine, Selection};
use kready::config::Config;
use kready::report::Report;
use kready::source::snapshot::{self, LoadOptions};

const SEED: u64 = 0x6b72_6561_6479;
/// In-process rounds: one mutated file loaded, checked and reported.
const ROUNDS: usize = 160;
/// Runs of the built binary over a whole mutated demo directory.
const RUNS: usize = 6;
/// No round may take longer than this (a hang is a failure, not a wait).
const RUN_LIMIT: Duration = Duration::from_secs(60);
/// The whole in-process part stops after this, however far it got.
const BUDGET: Duration = Duration::from_secs(45);

/// xorshift64*: enough randomness for mutations, no dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// Values of every YAML type, plus the hostile ones.
const VALUES: &[&str] = &[
    "[]",
    "{}",
    "\"\"",
    "-1",
    "-2147483649",
    "99999999999999999999",
    "1e999",
    ".nan",
    "null",
    "~",
    "true",
    "\"\\x1b]0;owned\\x07\\x1b[2J\"",
    "*undefined",
    "&a [*a, *a]",
    "!!binary aGk=",
    "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]",
    "\"\u{202e}gnp.exe\"",
    "1.5Gi",
    "-500m",
];

fn demo_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/demo")
}

fn demo_files() -> Vec<(PathBuf, String)> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        for e in std::fs::read_dir(dir).expect("demo dir") {
            let p = e.expect("entry").path();
            if p.is_dir() {
                walk(&p, out);
            } else if p.extension().is_some_and(|x| x == "yaml") {
                out.push(p);
            }
        }
    }
    let mut paths = Vec::new();
    walk(&demo_dir(), &mut paths);
    paths.sort();
    paths
        .into_iter()
        .map(|p| {
            let text = std::fs::read_to_string(&p).expect("demo file");
            (p, text)
        })
        .collect()
}

/// Applies one random mutation; returns what it did, for the failure text.
fn mutate(rng: &mut Rng, text: &mut String) -> String {
    let lines: Vec<&str> = text.lines().collect();
    if lines.is_empty() {
        return "empty".into();
    }
    let at = rng.below(lines.len());
    let mut out: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
    let what = match rng.below(8) {
        0 | 1 => {
            // Type swap: the value of a `key: value` line.
            let Some(colon) = out[at].find(": ") else {
                return "none".into();
            };
            let v = rng.pick(VALUES);
            out[at] = format!("{}: {v}", &out[at][..colon]);
            format!("line {}: value -> {v}", at + 1)
        }
        2 => {
            out.remove(at);
            format!("line {} deleted", at + 1)
        }
        3 => {
            let l = out[at].clone();
            out.insert(at, l);
            format!("line {} duplicated", at + 1)
        }
        4 => {
            out.truncate(at);
            format!("truncated at line {}", at + 1)
        }
        5 => {
            let hostile = rng.pick(&["\x1b[2J", "\x07", "\r", "\u{0}", "|", "\u{feff}", "\t"]);
            let l = &out[at];
            let cut = l.char_indices().map(|(i, _)| i).nth(rng.below(l.len() + 1));
            let cut = cut.unwrap_or(l.len());
            out[at] = format!("{}{hostile}{}", &l[..cut], &l[cut..]);
            format!("line {}: inserted {hostile:?}", at + 1)
        }
        6 => {
            out[at] = format!("  {}", out[at]);
            format!("line {} indented", at + 1)
        }
        _ => {
            let other = rng.below(out.len());
            out.swap(at, other);
            format!("lines {} and {} swapped", at + 1, other + 1)
        }
    };
    *text = out.join("\n");
    text.push('\n');
    what
}

/// Loads, checks and reports one text; panics propagate to the caller.
/// Returns whether the load reported an error (so the test can show that
/// the mutations reach the error paths, not only the happy one).
fn exercise(name: &Path, text: &str, keep_going: bool) -> bool {
    let opts = LoadOptions {
        keep_going,
        ..LoadOptions::default()
    };
    let loaded = match snapshot::load_str(name, text, &opts) {
        Ok(loaded) => loaded,
        // An error is a fine outcome; a panic is not.
        Err(e) => return !e.to_string().is_empty(),
    };
    let had_errors = !loaded.errors.is_empty();
    for e in &loaded.errors {
        assert!(!e.to_string().is_empty());
    }
    let store = loaded.into_store();
    let config = Config::default();
    let engine = Engine::new(&config, Selection::default(), None);
    let findings = engine.evaluate(&store);
    let now = store.info.captured_at.unwrap_or_else(|| {
        "2026-11-20T09:30:00Z"
            .parse()
            .expect("a valid RFC 3339 time")
    });
    let report = Report::new(findings.sorted(), engine.checks(), &store, now);
    let mut json = Vec::new();
    kready::report::json::write(&report, &mut json, false).expect("writing to memory");
    serde_json::from_slice::<serde_json::Value>(&json).expect("the JSON report parses");
    had_errors
}

#[test]
fn mutated_demo_files_never_panic_in_process() {
    let files = demo_files();
    let mut rng = Rng(SEED);
    let start = Instant::now();
    let (mut done, mut errors) = (0, 0);
    for round in 0..ROUNDS {
        if start.elapsed() > BUDGET {
            break;
        }
        let (path, original) = rng.pick(&files);
        let mut text = original.clone();
        let steps: Vec<String> = (0..1 + rng.below(3))
            .map(|_| mutate(&mut rng, &mut text))
            .collect();
        let keep_going = rng.below(2) == 0;
        let t = Instant::now();
        let outcome = std::panic::catch_unwind(|| exercise(path, &text, keep_going));
        errors += usize::from(outcome.as_ref().is_ok_and(|e| *e));
        assert!(
            outcome.is_ok(),
            "round {round} (seed {SEED:#x}): {} with {steps:?}, keep_going={keep_going} panicked",
            path.display()
        );
        assert!(
            t.elapsed() < RUN_LIMIT,
            "round {round}: {} with {steps:?} took {:?}",
            path.display(),
            t.elapsed()
        );
        done += 1;
    }
    assert!(done >= 10, "only {done} rounds ran within {BUDGET:?}");
    eprintln!("{done} rounds, {errors} with load errors");
    assert!(
        errors > 0 && errors < done,
        "the mutations should break some files and not others: {errors} of {done}"
    );
}

/// Runs the binary to completion or kills it at the limit.
fn run_check(dir: &Path, keep_going: bool) -> (Option<i32>, String, Duration) {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_kready"));
    cmd.args(["check", "--format", "json", "--snapshot"])
        .arg(dir)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    if keep_going {
        cmd.arg("--keep-going");
    }
    let start = Instant::now();
    let mut child = cmd.spawn().expect("kready runs");
    loop {
        if let Some(status) = child.try_wait().expect("wait") {
            let mut err = String::new();
            if let Some(mut e) = child.stderr.take() {
                use std::io::Read;
                let _ = e.read_to_string(&mut err);
            }
            return (status.code(), err, start.elapsed());
        }
        if start.elapsed() > RUN_LIMIT {
            let _ = child.kill();
            let _ = child.wait();
            return (
                None,
                "killed: no exit within the limit".into(),
                start.elapsed(),
            );
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn mutated_demo_directories_exit_0_1_or_2() {
    let files = demo_files();
    let demo = demo_dir();
    let mut rng = Rng(SEED ^ 0x5eed);
    for run in 0..RUNS {
        let tmp = tempfile::tempdir().expect("tempdir");
        let mut changed = Vec::new();
        for (path, text) in &files {
            let rel = path.strip_prefix(&demo).expect("inside the demo");
            let target = tmp.path().join(rel);
            std::fs::create_dir_all(target.parent().expect("a parent")).expect("mkdir");
            let mut text = text.clone();
            if rng.below(6) == 0 {
                let what = mutate(&mut rng, &mut text);
                changed.push(format!("{}: {what}", rel.display()));
            }
            std::fs::write(&target, text).expect("write");
        }
        let keep_going = run % 2 == 0;
        let (code, stderr, took) = run_check(tmp.path(), keep_going);
        assert!(
            matches!(code, Some(0..=2)),
            "run {run} (seed {:#x}, keep_going={keep_going}): exit {code:?} after {took:?}\n\
             mutations: {changed:#?}\nstderr: {stderr}",
            SEED ^ 0x5eed
        );
        assert!(
            !stderr.contains("panicked"),
            "run {run}: a panic: {stderr}\nmutations: {changed:#?}"
        );
        if code == Some(2) {
            assert!(
                stderr.starts_with("kready: "),
                "run {run}: an input error must say what is wrong: {stderr:?}"
            );
        }
    }
}
