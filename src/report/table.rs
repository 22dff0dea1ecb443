//! The terminal report: results grouped by category, severity-coloured
//! (plain under NO_COLOR or when piped — the severity word is always there,
//! so nothing depends on colour), with scores and what would raise them most.
//! Text from the cluster is printed `inert`: a name cannot drive the terminal.

use std::io;

use super::{Report, score_text};
use crate::checks::score::Tally;
use crate::checks::{Category, CheckResult, Severity, Status};
use crate::model::inert::inert;

const RESET: &str = "\x1b[0m";
const BOLD: &str = "\x1b[1m";

fn colour(r: &CheckResult) -> &'static str {
    match (r.status, r.severity) {
        (Status::Pass, _) => "\x1b[32m",
        (Status::Unknown, _) => "\x1b[35m",
        (Status::Fail, Severity::Error) => "\x1b[1;31m",
        (Status::Fail, Severity::Warning) => "\x1b[33m",
        (Status::Fail, Severity::Info) => "\x1b[36m",
    }
}

fn label(r: &CheckResult) -> &'static str {
    match (r.status, r.severity) {
        (Status::Pass, _) => "PASS",
        (Status::Unknown, _) => "UNKNOWN",
        (Status::Fail, Severity::Error) => "ERROR",
        (Status::Fail, Severity::Warning) => "WARNING",
        (Status::Fail, Severity::Info) => "INFO",
    }
}

fn tally_text(t: &Tally) -> String {
    format!(
        "{} pass · {} error · {} warning · {} info · {} unknown",
        t.pass, t.error, t.warning, t.info, t.unknown
    )
}

pub fn render(report: &Report, color: bool, show_pass: bool) -> String {
    let mut out = Vec::new();
    write(report, color, show_pass, &mut out).expect("writing to memory");
    String::from_utf8(out).expect("the report is UTF-8")
}

pub const FORMAT: super::Format = super::Format {
    name: "table",
    extension: "txt",
    write: |r, o, out| write(r, o.color, o.show_pass, out),
};

/// Writes the report as it is produced, one row at a time.
pub fn write(
    report: &Report,
    color: bool,
    show_pass: bool,
    mut out: impl io::Write,
) -> io::Result<()> {
    let paint = |code: &str, text: &str| {
        if color {
            format!("{code}{text}{RESET}")
        } else {
            text.to_string()
        }
    };
    let info = &report.store.info;
    writeln!(
        out,
        "kready — {} {}{}{}",
        inert(&info.source),
        inert(&info.name),
        info.captured_at
            .map(|t| format!(", captured {t}"))
            .unwrap_or_default(),
        info.server_version
            .as_ref()
            .map(|v| format!(", server {}", inert(v)))
            .unwrap_or_default()
    )?;
    for cat in Category::ALL {
        let mut rows: Vec<&CheckResult> = report
            .results
            .iter()
            .copied()
            .filter(|r| r.category == cat && (show_pass || r.status != Status::Pass))
            .collect();
        let Some(tally) = report.scores.tallies.get(&cat) else {
            continue;
        };
        rows.sort_by_key(|r| {
            (
                r.status == Status::Unknown,
                r.status == Status::Pass,
                r.severity,
            )
        });
        writeln!(
            out,
            "\n{}  score {}  ({})",
            paint(BOLD, &cat.as_str().to_uppercase()),
            score_text(report.scores.categories.get(&cat).copied().flatten()),
            tally_text(tally)
        )?;
        let check_w = rows.iter().map(|r| r.check.len()).max().unwrap_or(0);
        for r in rows {
            writeln!(
                out,
                "  {}  {:check_w$}  {}  {}",
                paint(colour(r), &format!("{:7}", label(r))),
                r.check,
                inert(&r.subject.to_string()),
                inert(&r.message)
            )?;
        }
    }
    writeln!(
        out,
        "\n{} {}  ({})",
        paint(BOLD, "Overall score"),
        score_text(report.scores.overall),
        tally_text(&report.scores.tally)
    )?;
    if !report.gains.is_empty() {
        writeln!(out, "What would raise the score most:")?;
        for g in &report.gains {
            writeln!(
                out,
                "  +{:<5.1} {}  ({} failing)",
                g.gain, g.check, g.failing
            )?;
        }
    }
    Ok(())
}
