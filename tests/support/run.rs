//! Runs the built binary for a test: bounded in time (the test fails if it
//! hangs), its pipes read while it runs (a large report cannot block it),
//! with HOME at an empty directory of its own (no user kubeconfig or
//! configuration is ever read), KUBECONFIG unset and no colour.

use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::sync::OnceLock;
use std::time::Duration;

const LIMIT: Duration = Duration::from_secs(120);

fn home() -> &'static Path {
    static HOME: OnceLock<tempfile::TempDir> = OnceLock::new();
    HOME.get_or_init(|| tempfile::tempdir().expect("a temporary HOME"))
        .path()
}

pub fn kready(args: &[&str]) -> Output {
    let child = Command::new(env!("CARGO_BIN_EXE_kready"))
        .args(args)
        .env("HOME", home())
        .env_remove("KUBECONFIG")
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("kready runs");
    let pid = child.id();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || tx.send(child.wait_with_output()));
    match rx.recv_timeout(LIMIT) {
        Ok(out) => out.expect("kready's output"),
        Err(_) => {
            let _ = Command::new("kill").args(["-9", &pid.to_string()]).status();
            panic!("kready {args:?} did not end within {LIMIT:?}");
        }
    }
}
