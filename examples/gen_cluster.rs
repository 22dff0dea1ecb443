//! Writes a realistic synthetic cluster as `kubectl get -o json` (or, with
//! `--format yaml`, `kubectl get -o yaml`) files, for scale tests and
//! benchmarks:
//!
//! ```text
//! cargo run --release --example gen_cluster -- \
//!     --nodes 1000 --pods 30000 --deployments 3000 --namespaces 500 --out DIR [--seed N] [--pretty] [--format json|yaml]
//! ```
//!
//! Files are compact JSON (about 5 KB per pod); `--pretty` indents them as
//! `kubectl get -o json` does; `--format yaml` writes the same objects as
//! YAML Lists.
//!
//! Then `kready check --snapshot DIR`. The generator itself lives in
//! `benches/support/cluster_gen.rs` (shared with `benches/scale.rs`).

#[path = "../benches/support/cluster_gen.rs"]
mod cluster_gen;

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

const USAGE: &str = "usage: gen_cluster [--nodes N] [--pods N] [--deployments N] [--namespaces N] [--seed N] [--pretty] [--format json|yaml] --out DIR";

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("gen_cluster: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<(), String> {
    let mut p = cluster_gen::Params::default();
    let mut out: Option<PathBuf> = None;
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        if flag == "-h" || flag == "--help" {
            println!("{USAGE}");
            return Ok(());
        }
        if flag == "--pretty" {
            p.pretty = true;
            continue;
        }
        let value = args
            .next()
            .ok_or_else(|| format!("{flag} needs a value\n{USAGE}"))?;
        let num = || {
            value
                .parse::<u64>()
                .map_err(|e| format!("{flag} {value:?}: {e}"))
        };
        match flag.as_str() {
            "--nodes" => p.nodes = num()? as usize,
            "--pods" => p.pods = num()? as usize,
            "--deployments" => p.deployments = num()? as usize,
            "--namespaces" => p.namespaces = num()? as usize,
            "--seed" => p.seed = num()?,
            "--format" => {
                p.yaml = match value.as_str() {
                    "json" => false,
                    "yaml" => true,
                    _ => return Err(format!("--format {value:?}: json or yaml\n{USAGE}")),
                }
            }
            "--out" => out = Some(PathBuf::from(&value)),
            _ => return Err(format!("unknown flag {flag}\n{USAGE}")),
        }
    }
    let out = out.ok_or_else(|| format!("--out is required\n{USAGE}"))?;
    let start = Instant::now();
    let s = cluster_gen::generate(&p, &out).map_err(|e| e.to_string())?;
    eprintln!(
        "wrote {} objects ({} nodes, {} namespaces, {} Deployments, {} Pods) in {} files, {:.1} MB, to {} in {:.1?}",
        s.objects,
        s.nodes,
        s.namespaces,
        s.deployments,
        s.pods,
        s.files,
        s.bytes as f64 / 1e6,
        out.display(),
        start.elapsed()
    );
    Ok(())
}
