//! JUnit XML for CI dashboards: one testsuite per category, one testcase per
//! (check, subject); failures carry the message, unknowns are skipped.

use std::fmt::Write;

use super::Report;
use crate::checks::{Category, Status};

/// Escapes text for XML attributes and content, dropping characters XML 1.0
/// cannot carry.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
    out
}

pub fn render(report: &Report) -> String {
    let t = &report.scores.tally;
    let failures = report
        .results
        .iter()
        .filter(|r| r.status == Status::Fail)
        .count();
    let skipped = t.unknown;
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        out,
        "<testsuites name=\"kready\" tests=\"{}\" failures=\"{failures}\" errors=\"0\" skipped=\"{skipped}\">",
        report.results.len()
    );
    for cat in Category::ALL {
        let rows: Vec<_> = report
            .results
            .iter()
            .filter(|r| r.category == cat)
            .collect();
        if rows.is_empty() {
            continue;
        }
        let f = rows.iter().filter(|r| r.status == Status::Fail).count();
        let s = rows.iter().filter(|r| r.status == Status::Unknown).count();
        let _ = writeln!(
            out,
            "  <testsuite name=\"{cat}\" tests=\"{}\" failures=\"{f}\" errors=\"0\" skipped=\"{s}\" timestamp=\"{}\">",
            rows.len(),
            report.evaluated_at
        );
        for r in rows {
            let _ = write!(
                out,
                "    <testcase classname=\"{}\" name=\"{}\"",
                escape(r.check),
                escape(&r.subject.to_string())
            );
            match r.status {
                Status::Pass => out.push_str("/>\n"),
                Status::Fail => {
                    let _ = writeln!(
                        out,
                        ">\n      <failure message=\"{}\" type=\"{}\">{}</failure>\n    </testcase>",
                        escape(&r.message),
                        r.severity,
                        escape(&r.evidence.join("\n"))
                    );
                }
                Status::Unknown => {
                    let _ = writeln!(
                        out,
                        ">\n      <skipped message=\"{}\"/>\n    </testcase>",
                        escape(&r.message)
                    );
                }
            }
        }
        out.push_str("  </testsuite>\n");
    }
    out.push_str("</testsuites>\n");
    out
}
