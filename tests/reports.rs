//! Every `kready check` output format, on a small fixture cluster.

use std::path::{Path, PathBuf};
use std::process::Command;

use kready::checks::engine::{Engine, Findings, Selection};
use kready::checks::{CheckResult, Status};
use kready::config::Config;
use kready::report::{self, Report};
use kready::source::snapshot::{self, LoadOptions};
use kready::store::ClusterStore;
use serde_json::Value;

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/report/cluster.yaml")
}

fn evaluate() -> (ClusterStore, Config, Findings) {
    let store = snapshot::load(&fixture(), &LoadOptions::default())
        .unwrap()
        .into_store();
    let config = Config::default();
    let findings = Engine::new(&config, Selection::default(), None).evaluate(&store);
    (store, config, findings)
}

fn with_report<T>(f: impl FnOnce(&Report) -> T) -> T {
    let (store, config, findings) = evaluate();
    let engine = Engine::new(&config, Selection::default(), None);
    let now = store.info.captured_at.unwrap();
    let report = Report::new(findings.sorted(), engine.checks(), &store, now);
    f(&report)
}

#[test]
fn json_has_the_documented_fields_and_round_trips() {
    let (text, expected): (String, Vec<CheckResult>) = with_report(|r| {
        (
            report::json::render(r),
            r.results.iter().map(|x| (*x).clone()).collect(),
        )
    });
    let doc: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(doc["schemaVersion"], 1);
    assert_eq!(doc["source"]["serverVersion"], "v1.33.4");
    assert!(doc["score"]["overall"].is_number());
    assert!(doc["score"]["workload"].is_number());
    let results = doc["results"].as_array().unwrap();
    assert_eq!(results.len(), expected.len());
    let bad = results
        .iter()
        .find(|r| r["check"] == "workload/replicas" && r["subject"]["name"] == "bad<&>")
        .unwrap();
    assert_eq!(bad["status"], "fail");
    assert_eq!(bad["severity"], "warning");
    assert_eq!(bad["category"], "workload");
    assert_eq!(bad["subject"]["kind"], "Deployment");
    assert_eq!(bad["subject"]["namespace"], "shop");
    assert!(bad["subject"].get("container").is_none());
    assert!(bad["message"].as_str().unwrap().contains("1 replica"));
    assert_eq!(bad["location"]["line"], 27);
    let container = results
        .iter()
        .find(|r| r["check"] == "workload/requests-set" && r["subject"]["name"] == "bad<&>")
        .unwrap();
    assert_eq!(container["subject"]["container"], "app");
    // Round trip: the results deserialise back to what the engine produced.
    let back: Vec<CheckResult> = results
        .iter()
        .map(|r| serde_json::from_value(r.clone()).unwrap())
        .collect();
    assert_eq!(back, expected);
}

#[test]
fn sarif_is_2_1_0_with_file_and_line() {
    let base = Path::new(env!("CARGO_MANIFEST_DIR"));
    let text = with_report(|r| report::sarif::render(r, base));
    let doc: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(doc["version"], "2.1.0");
    assert!(doc["$schema"].as_str().unwrap().contains("sarif-2.1.0"));
    let run = &doc["runs"][0];
    assert_eq!(run["tool"]["driver"]["name"], "kready");
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    assert!(rules.iter().any(|r| r["id"] == "workload/replicas"));
    let results = run["results"].as_array().unwrap();
    assert!(!results.is_empty());
    for r in results {
        let idx = r["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[idx]["id"], r["ruleId"]);
        assert!(["error", "warning", "note", "none"].contains(&r["level"].as_str().unwrap()));
    }
    let bad = results
        .iter()
        .find(|r| r["ruleId"] == "workload/replicas")
        .unwrap();
    let loc = &bad["locations"][0]["physicalLocation"];
    assert_eq!(
        loc["artifactLocation"]["uri"],
        "tests/fixtures/report/cluster.yaml"
    );
    assert_eq!(loc["artifactLocation"]["uriBaseId"], "SRCROOT");
    let root = run["originalUriBaseIds"]["SRCROOT"]["uri"]
        .as_str()
        .unwrap();
    assert!(
        root.starts_with("file:///") && root.ends_with('/'),
        "{root}"
    );
    assert_eq!(loc["region"]["startLine"], 27);
    assert_eq!(bad["level"], "warning");
    assert_eq!(
        bad["locations"][0]["logicalLocations"][0]["fullyQualifiedName"],
        "Deployment/shop/bad<&>"
    );
}

#[test]
fn junit_is_well_formed_xml_with_failures() {
    let (text, fails, total) = with_report(|r| {
        let fails = r
            .results
            .iter()
            .filter(|x| x.status == Status::Fail)
            .count();
        (report::junit::render(r), fails, r.results.len())
    });
    let mut reader = quick_xml::Reader::from_str(&text);
    let (mut testcases, mut failures, mut depth) = (0, 0, 0i32);
    loop {
        match reader.read_event().expect("well-formed XML") {
            quick_xml::events::Event::Start(e) => {
                depth += 1;
                match e.name().as_ref() {
                    "testcase" => testcases += 1,
                    "failure" => failures += 1,
                    _ => {}
                }
            }
            quick_xml::events::Event::Empty(e) if e.name().as_ref() == "testcase" => testcases += 1,
            quick_xml::events::Event::End(_) => depth -= 1,
            quick_xml::events::Event::Eof => break,
            _ => {}
        }
    }
    assert_eq!(depth, 0);
    assert_eq!(testcases, total);
    assert_eq!(failures, fails);
    assert!(
        text.contains("name=\"Deployment shop/bad&lt;&amp;&gt;\""),
        "names are escaped"
    );
    assert!(text.contains("<failure message=\"runs 1 replica(s)"));
}

#[test]
fn policyreport_per_namespace_with_fields() {
    let text = with_report(report::policyreport::render);
    let docs: Vec<Value> = serde_saphyr::from_multiple(&text).unwrap();
    let shop = docs
        .iter()
        .find(|d| d["kind"] == "PolicyReport" && d["metadata"]["namespace"] == "shop")
        .expect("a PolicyReport for namespace shop");
    assert_eq!(shop["apiVersion"], "wgpolicyk8s.io/v1alpha2");
    assert!(shop["metadata"]["name"].is_string());
    let results = shop["results"].as_array().unwrap();
    let bad = results
        .iter()
        .find(|r| r["policy"] == "workload/replicas" && r["resources"][0]["name"] == "bad<&>")
        .unwrap();
    assert_eq!(bad["result"], "fail");
    assert_eq!(bad["severity"], "medium");
    assert_eq!(bad["source"], "kready");
    assert_eq!(bad["resources"][0]["apiVersion"], "apps/v1");
    assert_eq!(bad["resources"][0]["kind"], "Deployment");
    assert_eq!(bad["resources"][0]["namespace"], "shop");
    assert!(bad["timestamp"]["seconds"].as_i64().unwrap() > 0);
    let good = results
        .iter()
        .find(|r| r["policy"] == "workload/replicas" && r["resources"][0]["name"] == "good")
        .unwrap();
    assert_eq!(good["result"], "pass");
    assert_eq!(
        good["resources"][0]["uid"],
        "0b7c6f1e-1111-4c1e-9d5e-000000000001"
    );
    let fails = results.iter().filter(|r| r["result"] == "fail").count() as u64;
    assert_eq!(shop["summary"]["fail"].as_u64().unwrap(), fails);
}

#[test]
fn table_and_markdown_group_by_category_and_score() {
    let (plain, colored, md) = with_report(|r| {
        (
            report::table::render(r, false, false),
            report::table::render(r, true, false),
            report::markdown::render(r, false),
        )
    });
    assert!(plain.contains("WORKLOAD  score"), "{plain}");
    assert!(plain.contains("WARNING  workload/replicas"), "{plain}");
    assert!(plain.contains("Overall score"), "{plain}");
    assert!(plain.contains("What would raise the score most"), "{plain}");
    assert!(!plain.contains('\x1b'), "plain output has no escape codes");
    assert!(colored.contains("\x1b[33mWARNING"), "warnings are yellow");
    assert!(md.contains("| workload |"), "{md}");
    assert!(md.contains("`workload/replicas`"), "{md}");
    // Markdown/HTML characters in names are backslash-escaped: rendered,
    // the cell reads `bad<&>`.
    assert!(md.contains("bad\\<\\&\\>"), "{md}");
}

fn kready(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_kready"))
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .unwrap()
}

#[test]
fn exit_codes_follow_fail_on() {
    let f = fixture();
    let f = f.to_str().unwrap();
    // Only warnings in the fixture: clean at --fail-on error, 1 at warning.
    let only = [
        "check",
        "--snapshot",
        f,
        "--check",
        "workload/replicas",
        "--format",
        "json",
    ];
    assert_eq!(kready(&only).status.code(), Some(0));
    let mut warn = only.to_vec();
    warn.extend(["--fail-on", "warning"]);
    assert_eq!(kready(&warn).status.code(), Some(1));
    let mut never = only.to_vec();
    never.extend(["--fail-on", "never"]);
    assert_eq!(kready(&never).status.code(), Some(0));
    // Usage and input errors are 2, with a message naming the problem.
    let out = kready(&["check", "--snapshot", "/nonexistent/dir"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("/nonexistent/dir"));
    let out = kready(&["check", "--snapshot", f, "--check", "no/such-check"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no/such-check"));
    assert_eq!(
        kready(&["check", "--format", "yaml"]).status.code(),
        Some(2)
    );
    assert_eq!(kready(&["check"]).status.code(), Some(2), "no source given");
}

#[test]
fn checks_lists_the_catalog() {
    let out = kready(&["checks", "--format", "json"]);
    assert!(out.status.success());
    let list: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(list.len(), kready::checks::catalog().len());
    assert!(
        list.iter()
            .any(|c| c["id"] == "workload/replicas" && c["category"] == "workload")
    );
}
