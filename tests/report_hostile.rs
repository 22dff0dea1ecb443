//! Every `kready check` format on a snapshot whose names, context and
//! images carry terminal escapes, Markdown/HTML and XML syntax: text for
//! terminals and Markdown is inert, XML stays well-formed, and the data
//! formats (JSON, PolicyReport YAML) carry the exact values, escaped.

use std::path::Path;
use std::process::Command;

use kready::checks::engine::{Engine, Selection};
use kready::config::Config;
use kready::model::inert::inert;
use kready::report::{self, Report};
use kready::source::snapshot::{self, LoadOptions};
use serde_json::{Value, json};

/// Retitles the terminal, clears it, breaks a Markdown table and injects
/// HTML, then reverses the rest of the line.
const NAME: &str =
    "web\u{1b}]0;pwned\u{7}\u{1b}[2J|a`b<img src=x>*c*_d_[e](f)&amp;\\|\r\nnext\u{202e}gnp~~";
const CONTEXT: &str = "ctx\u{1b}]0;title\u{7}\u{9b}31m";
const IMAGE: &str = "registry.example/app\u{1b}[31m:latest";

/// A snapshot file with the hostile objects: one JSON document per YAML
/// document (JSON is YAML), so the control characters are written escaped.
fn write_snapshot(path: &Path) {
    let docs = [
        json!({"apiVersion": "kready.io/v1", "kind": "SnapshotInfo",
               "metadata": {"name": "hostile"}, "capturedAt": "2026-11-20T12:00:00Z",
               "serverVersion": "v1.33.4\u{1b}[2J", "context": CONTEXT}),
        json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "shop"}}),
        json!({"apiVersion": "apps/v1", "kind": "Deployment",
               "metadata": {"name": NAME, "namespace": "shop"},
               "spec": {"replicas": 1, "selector": {"matchLabels": {"app": "x"}},
                        "template": {"metadata": {"labels": {"app": "x"}},
                                     "spec": {"containers": [{"name": "app", "image": IMAGE}]}}}}),
    ];
    let text: String = docs.iter().map(|d| format!("---\n{d}\n")).collect();
    // serde_json leaves C1 controls raw; YAML wants them escaped.
    let text: String = text
        .chars()
        .map(|c| match c {
            '\u{80}'..='\u{9f}' => format!("\\u{:04x}", c as u32),
            c => c.to_string(),
        })
        .collect();
    std::fs::write(path, text).unwrap();
}

fn with_report<T>(f: impl FnOnce(&Report) -> T) -> T {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("cluster.yaml");
    write_snapshot(&file);
    let store = snapshot::load(&file, &LoadOptions::default())
        .unwrap()
        .into_store();
    let engine = Engine::new(&Config::default(), Selection::default(), None);
    let findings = engine.evaluate(&store);
    let now = store.info.captured_at.unwrap();
    let report = Report::new(findings.sorted(), engine.checks(), &store, now);
    assert!(
        report.results.iter().any(|r| r.subject.name == NAME),
        "the hostile object has results"
    );
    f(&report)
}

/// Characters that a terminal or a Markdown renderer would act on.
fn assert_no_controls(text: &str, allowed: &[char]) {
    for c in text.chars() {
        assert!(
            allowed.contains(&c) || !(c.is_control() || ('\u{202a}'..='\u{202e}').contains(&c)),
            "raw {c:?} in output:\n{text}"
        );
    }
}

#[test]
fn table_shows_cluster_text_escaped() {
    let (plain, colored) = with_report(|r| {
        (
            report::table::render(r, false, true),
            report::table::render(r, true, true),
        )
    });
    assert_no_controls(&plain, &['\n']);
    assert!(plain.contains(&*inert(NAME)), "{plain}");
    assert!(plain.contains("web\\x1b]0;pwned\\x07\\x1b[2J"), "{plain}");
    assert!(plain.contains("ctx\\x1b]0;title\\x07\\u{9b}31m"), "{plain}");
    assert!(plain.contains("v1.33.4\\x1b[2J"), "{plain}");
    // In colour, the only escapes are kready's own SGR sequences.
    let ours = [
        "\x1b[0m",
        "\x1b[1m",
        "\x1b[32m",
        "\x1b[35m",
        "\x1b[1;31m",
        "\x1b[33m",
        "\x1b[36m",
    ];
    let mut rest = colored.clone();
    for code in ours {
        rest = rest.replace(code, "");
    }
    assert_no_controls(&rest, &['\n']);
    assert_eq!(rest, plain);
}

/// A table row's cells, split as GFM does: at pipes not escaped by a
/// backslash (a backslash escapes the character after it).
fn gfm_cells(row: &str) -> Vec<String> {
    let mut cells = vec![String::new()];
    let mut chars = row.trim().chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                let next = chars.next().expect("a backslash escapes something");
                assert!(next.is_ascii_punctuation(), "\\{next} is not an escape");
                cells.last_mut().unwrap().push(next);
            }
            '|' => cells.push(String::new()),
            c => cells.last_mut().unwrap().push(c),
        }
    }
    // The leading and trailing pipes delimit the row.
    assert!(cells.first().unwrap().is_empty() && cells.last().unwrap().is_empty());
    cells[1..cells.len() - 1]
        .iter()
        .map(|c| c.trim().to_string())
        .collect()
}

#[test]
fn markdown_cells_stay_in_their_table_and_render_as_written() {
    let md = with_report(|r| report::markdown::render(r, true));
    assert_no_controls(&md, &['\n']);
    // Lines with cluster text open no HTML, emphasis or links of their own
    // (the only code spans there are kready's check ids).
    let hostile_lines = md
        .lines()
        .filter(|l| l.contains("pwned") || l.contains("title"));
    assert_eq!(
        hostile_lines.clone().count(),
        1 + md.matches("pwned").count()
    );
    for line in hostile_lines {
        for (j, c) in line.char_indices() {
            if "<>&*_[]~".contains(c) {
                assert!(line[..j].ends_with('\\'), "unescaped {c:?} in: {line}");
            }
        }
    }
    let subject = format!("Deployment shop/{}", inert(NAME));
    let rows: Vec<Vec<String>> = md
        .lines()
        .filter(|l| l.starts_with('|') && !l.starts_with("|---"))
        .map(gfm_cells)
        .collect();
    let hostile: Vec<_> = rows.iter().filter(|r| r[2] == subject).collect();
    assert!(!hostile.is_empty(), "{md}");
    for row in &rows {
        let header_of_scores = row[0] == "Category" || row.len() == 7;
        assert_eq!(row.len(), if header_of_scores { 7 } else { 4 }, "{row:?}");
    }
    let title = md.lines().next().unwrap();
    assert!(
        title.starts_with("# Readiness report: ctx\\\\x1b\\]0;title"),
        "{title}"
    );
}

#[test]
fn markdown_of_an_ordinary_name_is_unchanged_but_for_escapes() {
    assert_eq!(report::markdown::cell("web-1.shop"), "web-1.shop");
    assert_eq!(report::markdown::cell("a|b"), "a\\|b");
    assert_eq!(report::markdown::cell("a\r\nb"), "a\\\\r\\\\nb");
    assert_eq!(
        report::markdown::cell("<b>`x`</b>"),
        "\\<b\\>\\`x\\`\\</b\\>"
    );
}

/// Every attribute value, as an XML 1.0 parser reads it (references
/// resolved, whitespace normalised).
fn xml_attributes(text: &str) -> Vec<String> {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_str(text);
    let mut out = Vec::new();
    loop {
        match reader.read_event().expect("well-formed XML") {
            Event::Start(e) | Event::Empty(e) => {
                for a in e.attributes() {
                    let a = a.expect("well-formed attribute");
                    let value = a.normalized_value(quick_xml::XmlVersion::Explicit1_0);
                    out.push(value.expect("known references").into_owned());
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    out
}

#[test]
fn junit_is_well_formed_xml_1_0_with_names_shown_escaped() {
    let xml = with_report(report::junit::render);
    // XML 1.0 allows no other C0 character, not even as a reference.
    for c in xml.chars() {
        assert!(
            matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{d7ff}' | '\u{e000}'..='\u{fffd}')
                || c >= '\u{10000}',
            "{c:?} is not an XML 1.0 character"
        );
    }
    let attributes = xml_attributes(&xml);
    let subject = format!("Deployment shop/{}", inert(NAME));
    assert!(attributes.contains(&subject), "{attributes:?}");
    assert!(
        xml.contains(&*inert(IMAGE)),
        "evidence names the image: {xml}"
    );
}

#[test]
fn json_escapes_controls_and_keeps_the_exact_names() {
    let (pretty, compact) = with_report(|r| {
        let mut compact = Vec::new();
        report::json::write(r, &mut compact, false).unwrap();
        (report::json::render(r), String::from_utf8(compact).unwrap())
    });
    for (text, allowed) in [(&pretty, &['\n'][..]), (&compact, &['\n'][..])] {
        for c in text.chars() {
            assert!(allowed.contains(&c) || !c.is_ascii_control(), "raw {c:?}");
        }
        assert!(text.contains("\\u001b]0;pwned\\u0007"), "{text}");
        let doc: Value = serde_json::from_str(text).unwrap();
        assert_eq!(doc["source"]["name"], CONTEXT);
        let names: Vec<&str> = doc["results"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|r| r["subject"]["name"].as_str())
            .collect();
        assert!(names.contains(&NAME));
    }
}

#[test]
fn policyreport_yaml_round_trips_hostile_names() {
    let text = with_report(report::policyreport::render);
    for c in text.chars() {
        assert!(c == '\n' || !c.is_control(), "raw {c:?} in YAML:\n{text}");
    }
    let docs: Vec<Value> = serde_saphyr::from_multiple(&text).unwrap();
    let shop = docs
        .iter()
        .find(|d| d["metadata"]["namespace"] == "shop")
        .expect("a PolicyReport for shop");
    let results = shop["results"].as_array().unwrap();
    let hostile: Vec<_> = results
        .iter()
        .filter(|r| r["resources"][0]["name"] == NAME)
        .collect();
    assert!(!hostile.is_empty(), "{text}");
    assert!(
        hostile.iter().any(|r| r["properties"]["evidence"]
            .as_str()
            .is_some_and(|e| e.contains(IMAGE))),
        "evidence keeps the image as it is: {text}"
    );
}

fn kready(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_kready"))
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .unwrap()
}

#[test]
fn check_prints_table_and_markdown_inert() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("cluster.yaml");
    write_snapshot(&file);
    let f = file.to_str().unwrap();
    for format in ["table", "markdown"] {
        let out = kready(&[
            "check",
            "--snapshot",
            f,
            "--format",
            format,
            "--fail-on",
            "never",
        ]);
        assert_eq!(out.status.code(), Some(0), "{out:?}");
        let text = String::from_utf8(out.stdout).unwrap();
        assert_no_controls(&text, &['\n']);
        assert!(text.contains("pwned"), "{format}: {text}");
    }
}
