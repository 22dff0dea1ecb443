//! JUnit XML for CI dashboards: one testsuite per category, one testcase per
//! (check, subject); failures carry the message, unknowns are skipped.

use std::fmt::Write;
use std::io;

use super::Report;
use crate::checks::{Category, Status};
use crate::model::inert::inert;

/// Text from the cluster for an XML attribute or element: control
/// characters are shown escaped (`inert`: XML 1.0 cannot carry most of
/// them even as character references, and dropping them would hide them),
/// as are the noncharacters U+FFFE/U+FFFF, which XML 1.0 forbids too;
/// markup characters become entities. Line breaks come out as `\n` too, so
/// attribute-value normalisation cannot turn them into spaces.
pub fn escape(s: &str) -> String {
    let s = inert(s);
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\u{FFFE}' | '\u{FFFF}' => {
                let _ = write!(out, "\\u{{{:x}}}", c as u32);
            }
            c => out.push(c),
        }
    }
    out
}

/// The failure's body: one line per piece of evidence.
fn evidence(items: &[String]) -> String {
    let lines: Vec<String> = items.iter().map(|e| escape(e)).collect();
    lines.join("\n")
}

pub fn render(report: &Report) -> String {
    let mut out = Vec::new();
    write(report, &mut out).expect("writing to memory");
    String::from_utf8(out).expect("the report is UTF-8")
}

pub const FORMAT: super::Format = super::Format {
    name: "junit",
    extension: "xml",
    write: |r, _, out| write(r, out),
};

/// Writes the XML as it is produced, one testcase at a time: a cluster
/// has 100,000+ of them.
pub fn write(report: &Report, mut out: impl io::Write) -> io::Result<()> {
    let t = &report.scores.tally;
    let failures = report
        .results
        .iter()
        .filter(|r| r.status == Status::Fail)
        .count();
    let skipped = t.unknown;
    out.write_all(b"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n")?;
    writeln!(
        out,
        "<testsuites name=\"kready\" tests=\"{}\" failures=\"{failures}\" errors=\"0\" skipped=\"{skipped}\">",
        report.results.len()
    )?;
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
        writeln!(
            out,
            "  <testsuite name=\"{cat}\" tests=\"{}\" failures=\"{f}\" errors=\"0\" skipped=\"{s}\" timestamp=\"{}\">",
            rows.len(),
            report.evaluated_at
        )?;
        for r in rows {
            write!(
                out,
                "    <testcase classname=\"{}\" name=\"{}\"",
                escape(r.check),
                escape(&r.subject.to_string())
            )?;
            match r.status {
                Status::Pass => out.write_all(b"/>\n")?,
                Status::Fail => {
                    writeln!(
                        out,
                        ">\n      <failure message=\"{}\" type=\"{}\">{}</failure>\n    </testcase>",
                        escape(&r.message),
                        r.severity,
                        evidence(&r.evidence)
                    )?;
                }
                Status::Unknown => {
                    writeln!(
                        out,
                        ">\n      <skipped message=\"{}\"/>\n    </testcase>",
                        escape(&r.message)
                    )?;
                }
            }
        }
        out.write_all(b"  </testsuite>\n")?;
    }
    out.write_all(b"</testsuites>\n")
}
