//! A Markdown readiness report, for reviews and tickets.

use std::fmt::Write;

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
    let mut out = String::new();
    let info = &report.store.info;
    let _ = writeln!(out, "# Readiness report: {}\n", cell(&info.name));
    let _ = writeln!(
        out,
        "Source: {}{}. Evaluated at {}.\n",
        cell(&info.source),
        info.captured_at
            .map(|t| format!(", captured {t}"))
            .unwrap_or_default(),
        report.evaluated_at
    );
    let _ = writeln!(
        out,
        "| Category | Score | Pass | Error | Warning | Info | Unknown |"
    );
    let _ = writeln!(out, "|---|---:|---:|---:|---:|---:|---:|");
    for (cat, t) in &report.scores.tallies {
        let _ = writeln!(
            out,
            "| {cat} | {} | {} | {} | {} | {} | {} |",
            score_text(report.scores.categories.get(cat).copied().flatten()),
            t.pass,
            t.error,
            t.warning,
            t.info,
            t.unknown
        );
    }
    let t = &report.scores.tally;
    let _ = writeln!(
        out,
        "| **overall** | **{}** | {} | {} | {} | {} | {} |\n",
        score_text(report.scores.overall),
        t.pass,
        t.error,
        t.warning,
        t.info,
        t.unknown
    );
    if !report.gains.is_empty() {
        let _ = writeln!(out, "## What would raise the score most\n");
        for g in &report.gains {
            let _ = writeln!(
                out,
                "- `{}`: +{:.1} points ({} failing)",
                g.check, g.gain, g.failing
            );
        }
        out.push('\n');
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
        let _ = writeln!(out, "## {cat}\n");
        let _ = writeln!(out, "| Result | Check | Subject | Message |");
        let _ = writeln!(out, "|---|---|---|---|");
        for r in rows {
            let result = match r.status {
                Status::Fail => r.severity.as_str(),
                s => s.as_str(),
            };
            let _ = writeln!(
                out,
                "| {result} | `{}` | {} | {} |",
                r.check,
                cell(&r.subject.to_string()),
                cell(&r.message)
            );
        }
        out.push('\n');
    }
    out
}
