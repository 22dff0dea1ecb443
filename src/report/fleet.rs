//! A fleet scan's output (`kready check --all-contexts`, or several
//! `--context`s): a summary table with a row per cluster, or one JSON
//! document holding each cluster's normal JSON report:
//!
//! ```jsonc
//! {"clusters": [
//! {"context": "prod", "server": "https://…", "error": null, "report": { /* as `--format json` */ }},
//! {"context": "dead", "server": "https://…", "error": "connection refused", "report": null}
//! ]}
//! ```
//!
//! Each report is rendered (compact) when its cluster's checks finish, so
//! only the reports, not the clusters, are held until they are written.

use std::io::{self, Write};

use serde_json::json;

use super::Report;
use crate::checks::Severity;
use crate::model::inert::inert;

/// One cluster of the fleet: what it answered, or why it could not be
/// scanned.
#[derive(Debug)]
pub struct ClusterScan {
    pub context: String,
    /// The API server's URL, when the kubeconfig gave one.
    pub server: Option<String>,
    pub outcome: Result<Scanned, String>,
}

/// A cluster that was read and checked.
#[derive(Debug)]
pub struct Scanned {
    pub score: Option<f64>,
    /// Failures of error and of warning severity, and unknown results.
    pub errors: usize,
    pub warnings: usize,
    pub unknown: usize,
    /// Kinds that could not be read (forbidden, failing): their checks say
    /// unknown.
    pub unreadable: usize,
    /// A failure at or above `--fail-on`.
    pub fails: bool,
    /// The normal JSON report, compact, when the combined document is
    /// wanted.
    pub json: Option<Vec<u8>>,
}

impl Scanned {
    pub fn new(
        report: &Report,
        fail_on: Option<Severity>,
        unreadable: usize,
        json: bool,
    ) -> io::Result<Scanned> {
        let t = &report.scores.tally;
        let json = if json {
            let mut out = Vec::new();
            super::json::write(report, &mut out, false)?;
            // The report ends with a line break; the document goes on.
            if out.last() == Some(&b'\n') {
                out.pop();
            }
            Some(out)
        } else {
            None
        };
        Ok(Scanned {
            score: report.scores.overall,
            errors: t.error,
            warnings: t.warning,
            unknown: t.unknown,
            unreadable,
            fails: fail_on.is_some_and(|s| report.fails_at(s)),
            json,
        })
    }
}

/// The summary table: context, server, score, errors, warnings, unknown,
/// status (`ok`, or `unreachable: why`), and a closing count.
pub fn write_table(scans: &[ClusterScan], out: &mut impl Write) -> io::Result<()> {
    let dash = || "-".to_string();
    let rows: Vec<[String; 7]> = scans
        .iter()
        .map(|s| {
            let server = s
                .server
                .as_deref()
                .map_or_else(dash, |s| inert(s).into_owned());
            match &s.outcome {
                Ok(r) => [
                    inert(&s.context).into_owned(),
                    server,
                    super::score_text(r.score),
                    r.errors.to_string(),
                    r.warnings.to_string(),
                    r.unknown.to_string(),
                    match r.unreadable {
                        0 => "ok".to_string(),
                        1 => "ok (1 kind not readable)".to_string(),
                        n => format!("ok ({n} kinds not readable)"),
                    },
                ],
                Err(why) => [
                    inert(&s.context).into_owned(),
                    server,
                    dash(),
                    dash(),
                    dash(),
                    dash(),
                    format!("unreachable: {}", inert(why)),
                ],
            }
        })
        .collect();
    let head = [
        "CONTEXT", "SERVER", "SCORE", "ERRORS", "WARNINGS", "UNKNOWN", "STATUS",
    ];
    let mut widths = head.map(|h| h.chars().count());
    for row in &rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let line = |cells: [&str; 7], out: &mut dyn Write| -> io::Result<()> {
        let mut text = String::new();
        for (i, (cell, w)) in cells.iter().zip(widths).enumerate() {
            let pad = w.saturating_sub(cell.chars().count());
            match i {
                // Numbers right-aligned; the status last, unpadded.
                2..=5 => text.push_str(&format!("{}{cell}  ", " ".repeat(pad))),
                6 => text.push_str(cell),
                _ => text.push_str(&format!("{cell}{}  ", " ".repeat(pad))),
            }
        }
        writeln!(out, "{}", text.trim_end())
    };
    line(head, out)?;
    for row in &rows {
        line(row.each_ref().map(String::as_str), out)?;
    }
    let ok = scans.iter().filter(|s| s.outcome.is_ok()).count();
    writeln!(
        out,
        "\n{} cluster{}: {ok} scanned, {} unreachable",
        scans.len(),
        if scans.len() == 1 { "" } else { "s" },
        scans.len() - ok
    )
}

/// The combined JSON document, written a cluster at a time: `start`, one
/// `entry` per cluster in order, then `end`.
pub struct JsonDocument {
    entries: usize,
}

impl JsonDocument {
    pub fn start(out: &mut impl Write) -> io::Result<JsonDocument> {
        out.write_all(b"{\"clusters\":[")?;
        Ok(JsonDocument { entries: 0 })
    }

    pub fn entry(&mut self, scan: &ClusterScan, out: &mut impl Write) -> io::Result<()> {
        if self.entries > 0 {
            out.write_all(b",")?;
        }
        self.entries += 1;
        let error = scan.outcome.as_ref().err();
        // The head is built as JSON; the report, already rendered, is
        // spliced in as the value of `report`.
        let mut head = serde_json::to_vec(&json!({
            "context": scan.context,
            "server": scan.server,
            "error": error,
        }))?;
        head.pop(); // `}`
        out.write_all(b"\n")?;
        out.write_all(&head)?;
        out.write_all(b",\"report\":")?;
        match &scan.outcome {
            Ok(Scanned {
                json: Some(report), ..
            }) => out.write_all(report)?,
            _ => out.write_all(b"null")?,
        }
        out.write_all(b"}")
    }

    pub fn end(self, out: &mut impl Write) -> io::Result<()> {
        out.write_all(b"\n]}\n")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scanned(errors: usize) -> Scanned {
        Scanned {
            score: Some(71.4),
            errors,
            warnings: 3,
            unknown: 1,
            unreadable: 0,
            fails: errors > 0,
            json: Some(br#"{"schemaVersion":1}"#.to_vec()),
        }
    }

    fn fleet() -> Vec<ClusterScan> {
        vec![
            ClusterScan {
                context: "prod".into(),
                server: Some("http://127.0.0.1:1".into()),
                outcome: Ok(scanned(12)),
            },
            ClusterScan {
                context: "dead\x1b[2J".into(),
                server: None,
                outcome: Err("connection refused".into()),
            },
        ]
    }

    #[test]
    fn the_table_has_a_row_per_cluster_and_is_inert() {
        let mut out = Vec::new();
        write_table(&fleet(), &mut out).expect("write");
        let text = String::from_utf8(out).expect("utf-8");
        let lines: Vec<&str> = text.lines().collect();
        assert!(lines[0].starts_with("CONTEXT"), "{text}");
        assert!(lines[1].starts_with("prod "), "{text}");
        assert!(lines[1].ends_with(" ok"), "{text}");
        assert!(lines[1].contains(" 71 "), "{text}");
        assert!(lines[2].contains("dead\\x1b[2J"), "{text}");
        assert!(
            lines[2].ends_with("unreachable: connection refused"),
            "{text}"
        );
        assert!(!text.contains('\x1b'));
        assert!(text.ends_with("2 clusters: 1 scanned, 1 unreachable\n"));
    }

    #[test]
    fn the_document_holds_each_report_or_the_error() {
        let mut out = Vec::new();
        let mut doc = JsonDocument::start(&mut out).expect("start");
        for scan in &fleet() {
            doc.entry(scan, &mut out).expect("entry");
        }
        doc.end(&mut out).expect("end");
        let v: serde_json::Value = serde_json::from_slice(&out).expect("valid JSON");
        assert_eq!(
            v,
            json!({"clusters": [
                {"context": "prod", "server": "http://127.0.0.1:1", "error": null,
                 "report": {"schemaVersion": 1}},
                {"context": "dead\x1b[2J", "server": null, "error": "connection refused",
                 "report": null},
            ]})
        );
    }
}
