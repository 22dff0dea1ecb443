//! A Markdown readiness report, for reviews and tickets.

use std::io;

use super::{Report, score_text};
use crate::checks::{Category, Status};
use crate::model::inert::inert;

/// Text from the cluster as Markdown inline text that renders as written
/// and stays in its table cell (a cell is one line): control characters
/// and line breaks are shown escaped (`inert`), then every character a
/// CommonMark/GFM renderer would interpret is backslash-escaped — `|` ends
/// a cell, `<` opens raw HTML or an autolink, `&` an entity, `` ` `` a code
/// span, `*` `_` `~` emphasis, `[` `]` a link, `#` ends a heading, `\`
/// escapes the next one.
pub fn cell(s: &str) -> String {
    let s = inert(s);
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if matches!(
            c,
            '\\' | '|' | '<' | '>' | '&' | '`' | '*' | '_' | '~' | '[' | ']' | '#'
        ) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

pub fn render(report: &Report, show_pass: bool) -> String {
    let mut out = Vec::new();
    write(report, show_pass, &mut out).expect("writing to memory");
    String::from_utf8(out).expect("the report is UTF-8")
}

pub const FORMAT: super::Format = super::Format {
    name: "markdown",
    extension: "md",
    write: |r, o, out| write(r, o.show_pass, out),
};

/// Writes the report as it is produced, one row at a time.
pub fn write(report: &Report, show_pass: bool, mut out: impl io::Write) -> io::Result<()> {
    let info = &report.store.info;
    writeln!(out, "# Readiness report: {}\n", cell(&info.name))?;
    writeln!(
        out,
        "Source: {}{}. Evaluated at {}.\n",
        cell(&info.source),
        info.captured_at
            .map(|t| format!(", captured {t}"))
            .unwrap_or_default(),
        report.evaluated_at
    )?;
    writeln!(
        out,
        "| Category | Score | Pass | Error | Warning | Info | Unknown |"
    )?;
    writeln!(out, "|---|---:|---:|---:|---:|---:|---:|")?;
    for (cat, t) in &report.scores.tallies {
        writeln!(
            out,
            "| {cat} | {} | {} | {} | {} | {} | {} |",
            score_text(report.scores.categories.get(cat).copied().flatten()),
            t.pass,
            t.error,
            t.warning,
            t.info,
            t.unknown
        )?;
    }
    let t = &report.scores.tally;
    writeln!(
        out,
        "| **overall** | **{}** | {} | {} | {} | {} | {} |\n",
        score_text(report.scores.overall),
        t.pass,
        t.error,
        t.warning,
        t.info,
        t.unknown
    )?;
    if !report.gains.is_empty() {
        writeln!(out, "## What would raise the score most\n")?;
        for g in &report.gains {
            writeln!(
                out,
                "- `{}`: +{:.1} points ({} failing)",
                g.check, g.gain, g.failing
            )?;
        }
        out.write_all(b"\n")?;
    }
    for cat in Category::ALL {
        let rows: Vec<_> = report
            .results
            .iter()
            .filter(|r| r.category == cat && (show_pass || r.status != Status::Pass))
            .collect();
        if rows.is_empty() {
            continue;
        }
        writeln!(out, "## {cat}\n")?;
        writeln!(out, "| Result | Check | Subject | Message |")?;
        writeln!(out, "|---|---|---|---|")?;
        for r in rows {
            let result = match r.status {
                Status::Fail => r.severity.as_str(),
                s => s.as_str(),
            };
            writeln!(
                out,
                "| {result} | `{}` | {} | {} |",
                r.check,
                cell(&r.subject.to_string()),
                cell(&r.message)
            )?;
        }
        out.write_all(b"\n")?;
    }
    Ok(())
}
