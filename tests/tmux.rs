//! The built console in a real terminal: `kready --demo` in a detached tmux
//! session (its own server socket), driven with send-keys and read with
//! capture-pane. Skipped, with a message, when tmux is not installed.

#[path = "../examples/sim-apiserver/sim/mod.rs"]
mod sim;

#[path = "../benches/support/cluster_gen.rs"]
#[allow(dead_code)]
mod cluster_gen;

use std::path::Path;
use std::process::{Command, Output};
use std::time::{Duration, Instant};

/// Startup loads and evaluates the whole demo; a debug build on a busy
/// machine needs a while. Everything after the first frame is quick.
const STARTUP: Duration = Duration::from_secs(90);
const STEP: Duration = Duration::from_secs(10);

const TABS: [&str; 8] = [
    "Overview",
    "Readiness",
    "RBAC",
    "Quotas",
    "Autoscaling",
    "Backups",
    "Nodes",
    "Events",
];

struct Tmux {
    socket: String,
    target: String,
}

impl Tmux {
    fn run(&self, args: &[&str]) -> Output {
        let out = Command::new("tmux")
            .arg("-L")
            .arg(&self.socket)
            .args(args)
            .output()
            .expect("tmux runs");
        assert!(
            out.status.success(),
            "tmux {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        out
    }

    fn keys(&self, keys: &[&str]) {
        let mut args = vec!["send-keys", "-t", &self.target];
        args.extend_from_slice(keys);
        self.run(&args);
    }

    /// Types text literally (no key-name lookup).
    fn type_text(&self, text: &str) {
        self.run(&["send-keys", "-t", &self.target, "-l", text]);
    }

    /// The screen as text with its SGR sequences.
    fn screen(&self) -> String {
        let args = ["capture-pane", "-p", "-e", "-t", &self.target];
        String::from_utf8_lossy(&self.run(&args).stdout).into_owned()
    }

    fn display(&self, format: &str) -> String {
        String::from_utf8_lossy(
            &self
                .run(&["display-message", "-p", "-t", &self.target, format])
                .stdout,
        )
        .trim()
        .to_string()
    }

    /// Polls the screen until `ok` holds, or fails showing the last screen.
    fn wait(&self, what: &str, timeout: Duration, ok: impl Fn(&str, &str) -> bool) -> String {
        let deadline = Instant::now() + timeout;
        loop {
            // One capture for both: two would be taken at different moments,
            // and the text could predate the styled screen the test saw.
            let styled = self.screen();
            let text = strip_sgr(&styled);
            if ok(&text, &styled) {
                return text;
            }
            if Instant::now() > deadline {
                panic!("timed out after {timeout:?} waiting for {what}; the screen:\n{text}");
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Tmux {
    /// A tmux server of this test's own running `sh -c script` in a 100×30
    /// pane, with HOME and the XDG directories under `home`.
    fn start(&self, home: &Path, script: &str) {
        let h = home.display().to_string();
        self.run(&[
            "-f",
            "/dev/null",
            "new-session",
            "-d",
            "-s",
            &self.target,
            "-x",
            "100",
            "-y",
            "30",
            "-e",
            &format!("HOME={h}"),
            "-e",
            &format!("XDG_CONFIG_HOME={h}/config"),
            "-e",
            &format!("XDG_DATA_HOME={h}/data"),
            "-e",
            "NO_COLOR=",
            "sh",
            "-c",
            script,
        ]);
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = Command::new("tmux")
            .args(["-L", &self.socket, "kill-server"])
            .output();
    }
}

/// The text runs of a styled line: the pieces between escape sequences.
fn runs(line: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = line;
    while let Some(i) = rest.find('\x1b') {
        out.push(&rest[..i]);
        let tail = &rest[i..];
        // CSI: ESC [ params final-byte
        let end = tail
            .char_indices()
            .skip(2)
            .find(|(_, c)| c.is_ascii_alphabetic())
            .map_or(tail.len(), |(j, c)| j + c.len_utf8());
        rest = &tail[end..];
    }
    out.push(rest);
    out.into_iter().filter(|r| !r.is_empty()).collect()
}

/// Whether tab `n` (1-based) is the active one: tabs share one style except
/// the active tab, so the active tab is a run of its own while its inactive
/// neighbours on one side share a run.
/// The screen's text without the SGR sequences `capture-pane -e` adds.
fn strip_sgr(styled: &str) -> String {
    let mut out = String::with_capacity(styled.len());
    let mut chars = styled.chars();
    while let Some(c) = chars.next() {
        if c == '\x1b' {
            // ESC [ parameters… final byte (@ to ~).
            if chars.next() == Some('[') {
                for p in chars.by_ref() {
                    if ('@'..='~').contains(&p) {
                        break;
                    }
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

fn tab_active(styled: &str, n: usize) -> bool {
    let Some(line) = styled.lines().next() else {
        return false;
    };
    let runs = runs(line);
    let own = format!(" {n} {} ", TABS[n - 1]);
    let merged = |a: usize, b: usize| {
        let pair = format!(" {a} {}  {b} {} ", TABS[a - 1], TABS[b - 1]);
        runs.iter().any(|r| r.contains(&pair))
    };
    let others_merged = if n <= 4 { merged(7, 8) } else { merged(1, 2) };
    runs.contains(&own.as_str()) && others_merged
}

#[test]
fn console_in_a_real_terminal() {
    if Command::new("tmux").arg("-V").output().is_err() {
        eprintln!("SKIPPED console_in_a_real_terminal: tmux is not installed");
        return;
    }
    let started = Instant::now();
    let home = tempfile::tempdir().unwrap();
    let bin = env!("CARGO_BIN_EXE_kready");
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    let tmux = Tmux {
        socket: format!("kready-test-{}", std::process::id()),
        target: "kready".into(),
    };
    let script = format!("cd '{}' && '{bin}' --demo; {AFTER}", dir.display());
    tmux.start(home.path(), &script);

    tmux.wait("the first frame", STARTUP, |t, s| {
        t.contains("Readiness score") && tab_active(s, 1)
    });
    assert_eq!(
        tmux.display("#{alternate_on}"),
        "1",
        "the console uses the alternate screen"
    );
    let first_frame = started.elapsed();

    // Every pane.
    for n in 1..=8 {
        tmux.keys(&[&n.to_string()]);
        tmux.wait(&format!("tab {n} active"), STEP, |_, s| tab_active(s, n));
    }

    // Help opens and closes.
    tmux.keys(&["?"]);
    tmux.wait("help", STEP, |t, _| t.contains("Help — esc to close"));
    tmux.keys(&["Escape"]);
    tmux.wait("help closed", STEP, |t, _| {
        !t.contains("Help — esc to close")
    });

    // Filter the readiness pane.
    tmux.keys(&["2"]);
    tmux.wait("readiness", STEP, |t, s| {
        tab_active(s, 2) && t.contains("SEVERITY")
    });
    tmux.keys(&["/"]);
    tmux.type_text("crashloop");
    tmux.keys(&["Enter"]);
    // The frame arrives in several writes: wait until all of it is there
    // (every finding row is a crashloop row), bounded by STEP.
    let only_crashloop = |t: &str| {
        t.lines()
            .filter(|l| l.contains("workload/") || l.contains("security/") || l.contains("rbac/"))
            .all(|l| l.contains("workload/crashloop"))
    };
    let screen = tmux.wait("filtered rows", STEP, |t, _| {
        t.contains("filter:/crashloop")
            && t.matches("workload/crashloop").count() >= 3
            && only_crashloop(t)
    });
    let rows: Vec<&str> = screen
        .lines()
        .filter(|l| l.contains("workload/") || l.contains("security/") || l.contains("rbac/"))
        .collect();
    assert!(
        rows.iter().all(|l| l.contains("workload/crashloop")),
        "only crashloop rows after the filter:\n{screen}"
    );
    assert!(screen.contains("search/search-index"), "{screen}");

    // YAML of the selected finding's object.
    tmux.keys(&["y"]);
    tmux.wait("the YAML view", STEP, |t, _| {
        t.contains("esc to close") && t.contains("apiVersion: v1") && t.contains("kind: Pod")
    });
    tmux.keys(&["Escape"]);
    tmux.wait("YAML closed", STEP, |t, _| !t.contains("esc to close"));

    // A who-can query lands on the RBAC pane without a command error.
    tmux.keys(&[":"]);
    tmux.type_text("who-can get secrets");
    tmux.keys(&["Enter"]);
    let screen = tmux.wait("the RBAC pane", STEP, |_, s| tab_active(s, 3));
    assert!(!screen.contains("unknown command"), "{screen}");
    assert!(
        !screen.lines().last().unwrap_or("").starts_with(':'),
        "the palette closed:\n{screen}"
    );

    // Too small, then back.
    tmux.run(&["resize-window", "-t", "kready", "-x", "60", "-y", "20"]);
    tmux.wait("terminal too small", STEP, |t, _| {
        t.contains("terminal too small")
    });
    tmux.run(&["resize-window", "-t", "kready", "-x", "100", "-y", "30"]);
    tmux.wait("the panes again", STEP, |t, s| {
        !t.contains("terminal too small") && tab_active(s, 3)
    });

    // Quit: the shell is back, on the normal screen, with a cooked tty.
    tmux.keys(&["q"]);
    let screen = tmux.wait("the shell after quit", STEP, |t, _| t.contains("EXITED-"));
    assert!(screen.contains("EXITED-0"), "{screen}");
    assert!(
        screen.contains("modes: icanon echo"),
        "the tty is back in canonical mode with echo:\n{screen}"
    );
    assert!(
        !screen.contains("Readiness"),
        "the alternate screen was left:\n{screen}"
    );
    assert_eq!(tmux.display("#{alternate_on}"), "0");
    assert_eq!(
        tmux.display("#{cursor_flag}"),
        "1",
        "the cursor is visible again"
    );

    // The log went to the data directory, not to the terminal.
    let log = std::fs::read_to_string(home.path().join("data/kready/kready.log"))
        .expect("the log file is in the data directory");
    assert!(
        log.contains("console started") && log.contains("quit"),
        "{log}"
    );

    eprintln!(
        "tmux test: first frame after {first_frame:?}, done after {:?}",
        started.elapsed()
    );
}

#[test]
fn runs_and_active_tab() {
    let line = "\x1b[38;2;1;1;1m 1 Overview  2 Readiness \x1b[1m\x1b[48;5;4m 3 RBAC \x1b[0m\x1b[38m 4 Quotas  5 Autoscaling  6 Backups  7 Nodes  8 Events \x1b[2m x";
    assert_eq!(runs(line)[1], " 3 RBAC ");
    assert!(tab_active(line, 3));
    assert!(!tab_active(line, 4));
    assert!(!tab_active(line, 1));
}

/// After kready ends, the shell prints its exit status and whether the tty
/// is in canonical mode with echo (raw mode turns both off).
const AFTER: &str = "code=$?; modes=$(stty -a | tr ' ;' '\\n\\n' | grep -xE -- '-?(icanon|echo)' | tr '\\n' ' '); \
                     echo \"EXITED-$code modes: $modes\"; sleep 600";

/// When the process that ran `kready` got a signal, what the terminal
/// looks like afterwards.
#[derive(Debug, Clone, Copy)]
enum When {
    /// While a big snapshot loads behind the open console.
    Loading,
    /// As soon as the pane is on the alternate screen.
    AlternateScreen,
    /// Once the first frame is drawn.
    FirstFrame,
}

/// Runs `kready --demo` (for `Loading`, a generated snapshot large enough to
/// take a while) in a pane, sends `signal` at `when`, and checks that it
/// exits with 128 + the signal number and leaves a usable terminal.
fn signal_leaves_the_terminal_usable(when: When, signal: &str, status: u8) {
    if Command::new("tmux").arg("-V").output().is_err() {
        eprintln!("SKIPPED signal test: tmux is not installed");
        return;
    }
    let home = tempfile::tempdir().unwrap();
    let pid_file = home.path().join("kready.pid");
    let tmux = Tmux {
        socket: format!("kready-signal-{:?}-{}", when, std::process::id()),
        target: "kready".into(),
    };
    let cluster = home.path().join("cluster");
    let source = match when {
        When::Loading => {
            let params = cluster_gen::Params {
                nodes: 200,
                pods: 8000,
                deployments: 800,
                namespaces: 50,
                ..cluster_gen::Params::default()
            };
            cluster_gen::generate(&params, &cluster).unwrap();
            format!("--snapshot \"{}\"", cluster.display())
        }
        _ => "--demo --no-replay".to_string(),
    };
    // The inner shell writes its pid and becomes kready (exec keeps the pid).
    let script = format!(
        "cd '{}' && sh -c 'echo $$ > \"{}\"; exec \"{}\" {source}'; {AFTER}",
        env!("CARGO_MANIFEST_DIR"),
        pid_file.display(),
        env!("CARGO_BIN_EXE_kready"),
    );
    tmux.start(home.path(), &script);
    let pid = wait_for("the pid file", || {
        std::fs::read_to_string(&pid_file)
            .ok()
            .and_then(|s| s.trim().parse::<u32>().ok())
    });
    let started = Instant::now();
    match when {
        When::Loading => {
            wait_for("kready's signal handlers", || {
                catches_sigterm(pid).then_some(())
            });
            // The console is open and says how far the load has come.
            tmux.wait("the load in progress", STARTUP, |t, _| {
                t.contains("loading ")
            });
        }
        When::AlternateScreen => {
            let deadline = Instant::now() + STARTUP;
            while tmux.display("#{alternate_on}") != "1" {
                assert!(Instant::now() < deadline, "no alternate screen");
                std::thread::sleep(Duration::from_millis(5));
            }
        }
        When::FirstFrame => {
            tmux.wait("the first frame", STARTUP, |t, _| {
                t.contains("Readiness score")
            });
        }
    }
    let sent_after = started.elapsed();
    let kill = Command::new("kill")
        .args([&format!("-{signal}"), &pid.to_string()])
        .output()
        .unwrap();
    assert!(kill.status.success(), "{kill:?}");

    let screen = tmux.wait("the shell", STEP, |t, _| t.contains("EXITED-"));
    assert!(
        screen.contains(&format!("EXITED-{status} ")),
        "exit status 128 + SIG{signal}:\n{screen}"
    );
    assert!(
        screen.contains("modes: icanon echo"),
        "the tty is back in canonical mode with echo:\n{screen}"
    );
    assert_eq!(tmux.display("#{alternate_on}"), "0", "{screen}");
    assert_eq!(tmux.display("#{cursor_flag}"), "1", "the cursor is shown");
    eprintln!("SIG{signal} at {when:?}, {sent_after:?} after the start: {screen}");
}

/// Polls `f` every 2 ms until it gives a value (at most `STARTUP`).
fn wait_for<T>(what: &str, f: impl Fn() -> Option<T>) -> T {
    let deadline = Instant::now() + STARTUP;
    loop {
        if let Some(v) = f() {
            return v;
        }
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(2));
    }
}

/// Whether process `pid` is kready and has a SIGTERM handler installed
/// (Linux: the `SigCgt` mask in /proc).
fn catches_sigterm(pid: u32) -> bool {
    let comm = std::fs::read_to_string(format!("/proc/{pid}/comm")).unwrap_or_default();
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let caught = status
        .lines()
        .find_map(|l| l.strip_prefix("SigCgt:"))
        .and_then(|hex| u64::from_str_radix(hex.trim(), 16).ok())
        .unwrap_or(0);
    comm.trim() == "kready" && caught & (1 << (libc::SIGTERM - 1)) != 0
}

#[test]
fn sigterm_while_loading() {
    signal_leaves_the_terminal_usable(When::Loading, "TERM", 143);
}

#[test]
fn sigterm_right_after_the_alternate_screen() {
    signal_leaves_the_terminal_usable(When::AlternateScreen, "TERM", 143);
}

#[test]
fn sigterm_and_sighup_after_the_first_frame() {
    signal_leaves_the_terminal_usable(When::FirstFrame, "TERM", 143);
    signal_leaves_the_terminal_usable(When::FirstFrame, "HUP", 129);
}

/// `kready --demo | cat` in a real terminal: stdout is a pipe.
#[test]
fn console_refuses_a_pipe() {
    if Command::new("tmux").arg("-V").output().is_err() {
        eprintln!("SKIPPED console_refuses_a_pipe: tmux is not installed");
        return;
    }
    let home = tempfile::tempdir().unwrap();
    let tmux = Tmux {
        socket: format!("kready-pipe-{}", std::process::id()),
        target: "kready".into(),
    };
    let script = format!(
        "cd '{}' && {{ '{}' --demo; echo \"EXITED-$?\" >&2; }} | cat; sleep 600",
        env!("CARGO_MANIFEST_DIR"),
        env!("CARGO_BIN_EXE_kready"),
    );
    tmux.start(home.path(), &script);
    let screen = tmux.wait("the refusal", STEP, |t, _| t.contains("EXITED-"));
    assert!(screen.contains("EXITED-2"), "{screen}");
    assert!(
        screen.contains("stdout is not a terminal") && screen.contains("kready check"),
        "{screen}"
    );
    assert_eq!(tmux.display("#{alternate_on}"), "0");
}

/// `kready --demo --theme bad` with a bad colour in the user's bad.toml:
/// the console starts in the default theme, says why on its status line,
/// and logs it.
#[test]
fn a_bad_theme_starts_the_console_with_a_warning() {
    if Command::new("tmux").arg("-V").output().is_err() {
        eprintln!("SKIPPED a_bad_theme_starts_the_console_with_a_warning: tmux is not installed");
        return;
    }
    let home = tempfile::tempdir().unwrap();
    let themes = home.path().join("config/kready/themes");
    std::fs::create_dir_all(&themes).unwrap();
    let dark = kready::config::theme::EMBEDDED[0].1;
    std::fs::write(themes.join("bad.toml"), dark.replace("#ff5f5f", "blurple")).unwrap();
    let tmux = Tmux {
        socket: format!("kready-theme-{}", std::process::id()),
        target: "kready".into(),
    };
    let script = format!(
        "cd '{}' && '{}' --demo --no-replay --theme bad; {AFTER}",
        env!("CARGO_MANIFEST_DIR"),
        env!("CARGO_BIN_EXE_kready"),
    );
    tmux.start(home.path(), &script);
    let warning = format!(
        "theme {}: `error.fg`: `blurple` is not a colour",
        themes.join("bad.toml").display()
    );
    let screen = tmux.wait("the warning", STARTUP, |t, _| {
        t.contains("Readiness score") && t.contains(&warning)
    });
    assert!(screen.contains(&warning), "on the status line:\n{screen}");
    tmux.keys(&["q"]);
    let screen = tmux.wait("the shell", STEP, |t, _| t.contains("EXITED-"));
    assert!(screen.contains("EXITED-0 "), "{screen}");
    let log = std::fs::read_to_string(home.path().join("data/kready/kready.log")).unwrap();
    assert!(
        log.contains(&format!("{warning} (a name such as"))
            && log.contains("using the default theme"),
        "{log}"
    );
}

/// The console on a live (simulated) cluster: it opens at once and shows
/// the sync per kind, a forbidden kind as such, and a change as it arrives.
#[test]
fn console_on_a_live_cluster() {
    if Command::new("tmux").arg("-V").output().is_err() {
        eprintln!("SKIPPED console_on_a_live_cluster: tmux is not installed");
        return;
    }
    let sim = sim::Server::start(sim::Config {
        snapshot: Some(Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/demo")),
        forbid: vec![sim::Forbid::resource("secrets")],
        // Slow answers, so the sync can be seen.
        faults: sim::Faults {
            latency_ms: 300,
            ..sim::Faults::default()
        },
        ..sim::Config::default()
    })
    .unwrap();
    // A second cluster, for `:ctx`.
    let other = sim::Server::start(sim::Config {
        snapshot: Some(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/report")),
        ..sim::Config::default()
    })
    .unwrap();
    let home = tempfile::tempdir().unwrap();
    let kubeconfig = home.path().join("kubeconfig");
    std::fs::write(
        &kubeconfig,
        sim::kubeconfig(&[("sim", &sim), ("other", &other)]),
    )
    .unwrap();
    let tmux = Tmux {
        socket: format!("kready-live-{}", std::process::id()),
        target: "kready".into(),
    };
    let script = format!(
        "'{}' --kubeconfig '{}'; {AFTER}",
        env!("CARGO_BIN_EXE_kready"),
        kubeconfig.display(),
    );
    tmux.start(home.path(), &script);
    tmux.wait("the sync in progress", STARTUP, |t, _| {
        t.contains("live:sim") && t.contains("syncing")
    });
    // 100 columns clip the Source box's lines.
    let screen = tmux.wait("the sync to end", STARTUP, |t, _| {
        t.contains("(synced · 1 forbid") && t.contains("Readiness score")
    });
    assert!(
        screen.contains("kind    Secret: forbidden (secrets is forbi"),
        "the forbidden kind and the server's reason:\n{screen}"
    );
    let objects = |t: &str| -> Option<usize> {
        let at = t.find("objects ")? + "objects ".len();
        t[at..].split_whitespace().next()?.parse().ok()
    };
    // The counts follow the evaluations, a moment after the statuses: wait
    // until the count holds still.
    let mut before = objects(&screen).expect("an object count");
    let mut still_since = Instant::now();
    let deadline = Instant::now() + STEP;
    while still_since.elapsed() < Duration::from_millis(1500) && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(100));
        let now = objects(&strip_sgr(&tmux.screen())).expect("an object count");
        if now != before {
            before = now;
            still_since = Instant::now();
        }
    }
    sim.configure(|c| c.faults = sim::Faults::default());
    sim.apply(serde_json::json!({
        "apiVersion": "v1", "kind": "ConfigMap",
        "metadata": {"name": "arrived", "namespace": "default"},
        "data": {"k": "v"},
    }))
    .unwrap();
    tmux.wait(&format!("{} objects", before + 1), STEP, |t, _| {
        objects(t) == Some(before + 1)
    });
    // Another context, in place: completed from the kubeconfig.
    tmux.keys(&[":"]);
    tmux.type_text("ctx ot");
    tmux.keys(&["Tab"]);
    tmux.wait("the completed context", STEP, |t, _| {
        t.contains(":ctx other")
    });
    tmux.keys(&["Enter"]);
    let screen = tmux.wait("the other cluster", STARTUP, |t, _| {
        // 100 columns clip the header: the Overview's Source box says it.
        t.contains("source  live other") && t.contains("objects 4 in 2 kinds (synced")
    });
    assert!(screen.contains("connected to other"), "{screen}");
    tmux.keys(&["q"]);
    let screen = tmux.wait("the shell", STEP, |t, _| t.contains("EXITED-"));
    assert!(screen.contains("EXITED-0 "), "{screen}");
}
