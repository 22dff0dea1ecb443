//! The simulated Kubernetes API server as a program:
//!
//! ```text
//! cargo run --example sim-apiserver -- --snapshot DIR [--port 0] [--kubeconfig-out FILE]
//!     [--config FILE.yaml|json] [--token T | --no-token] [--forbid RESOURCE[@NAMESPACE]]...
//!     [--mutate-rate N] [--request-log FILE.jsonl] [--history N] [--bookmark-ms MS]
//!     [--latency-ms MS] [--drop-watch-after N] [--error-every N] [--error-fraction F]
//!     [--throttle-every N]
//! ```
//!
//! It prints the address it listens on, then serves until killed.

mod sim;

use std::path::PathBuf;
use std::process::ExitCode;

const USAGE: &str = "usage: sim-apiserver [--snapshot DIR] [--port N] [--kubeconfig-out FILE] [--config FILE] \
[--token T | --no-token] [--forbid RESOURCE[@NAMESPACE]]... [--mutate-rate N] [--request-log FILE] \
[--history N] [--bookmark-ms MS] [--latency-ms MS] [--drop-watch-after N] [--error-every N] \
[--error-fraction F] [--throttle-every N]";

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("sim-apiserver: {e}");
            ExitCode::from(2)
        }
    }
}

fn run() -> Result<(), String> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    // The config file first, so flags override it wherever they appear.
    let mut config = match args.iter().position(|a| a == "--config") {
        Some(i) => {
            let path = args.get(i + 1).ok_or("--config needs a value")?;
            sim::Config::from_file(std::path::Path::new(path))?
        }
        None => sim::Config::default(),
    };
    let mut kubeconfig_out: Option<PathBuf> = None;
    let mut it = args.into_iter();
    while let Some(flag) = it.next() {
        if flag == "-h" || flag == "--help" {
            println!("{USAGE}");
            return Ok(());
        }
        if flag == "--no-token" {
            config.token = None;
            continue;
        }
        let value = it
            .next()
            .ok_or_else(|| format!("{flag} needs a value\n{USAGE}"))?;
        let num = |v: &str| v.parse::<u64>().map_err(|e| format!("{flag} {v:?}: {e}"));
        match flag.as_str() {
            "--config" => {}
            "--snapshot" => config.snapshot = Some(PathBuf::from(value)),
            "--port" => config.port = u16::try_from(num(&value)?).map_err(|e| e.to_string())?,
            "--kubeconfig-out" => kubeconfig_out = Some(PathBuf::from(value)),
            "--token" => config.token = Some(value),
            "--forbid" => {
                let (resource, ns) = match value.split_once('@') {
                    Some((r, ns)) => (r, Some(ns.to_string())),
                    None => (value.as_str(), None),
                };
                let mut rule = sim::Forbid::resource(resource);
                rule.namespace = ns;
                config.forbid.push(rule);
            }
            "--mutate-rate" => {
                config.mutate_rate = value
                    .parse()
                    .map_err(|e| format!("{flag} {value:?}: {e}"))?
            }
            "--request-log" => config.request_log = Some(PathBuf::from(value)),
            "--history" => config.history = num(&value)? as usize,
            "--bookmark-ms" => config.bookmark_interval_ms = num(&value)?,
            "--latency-ms" => config.faults.latency_ms = num(&value)?,
            "--drop-watch-after" => config.faults.drop_watch_after = Some(num(&value)?),
            "--error-every" => config.faults.error_every = Some(num(&value)?),
            "--error-fraction" => {
                config.faults.error_fraction = value
                    .parse()
                    .map_err(|e| format!("{flag} {value:?}: {e}"))?
            }
            "--throttle-every" => config.faults.throttle_every = Some(num(&value)?),
            _ => return Err(format!("unknown flag {flag}\n{USAGE}")),
        }
    }
    let handle = sim::Server::start(config)?;
    if let Some(path) = &kubeconfig_out {
        handle
            .write_kubeconfig(path)
            .map_err(|e| format!("{}: {e}", path.display()))?;
    }
    println!("{}", handle.url());
    // Serve until killed; the handle's thread does the work.
    loop {
        std::thread::park();
    }
}
