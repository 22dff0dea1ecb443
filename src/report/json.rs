//! The JSON report. Its schema is stable (documented in README.md):
//! `schemaVersion`, `source`, `evaluatedAt`, `score` (`overall` plus one
//! number per category, `null` when nothing was decided), `summary`,
//! `topGains`, and `results` — each with `check`, `status`, `severity`,
//! `category`, `subject` (`kind`, `namespace` unless cluster-scoped, `name`,
//! `container` for container subjects), `message`, `evidence`, `location`.

use std::io::{self, Write};
use std::path::Path;

use serde::{Serialize, Serializer};
use serde_json::{Map, Value, json};

use super::Report;
use crate::checks::CheckResult;

pub const SCHEMA_VERSION: u32 = 1;

/// One result with its location; serialised straight from the results, so
/// a report of 100,000+ results never builds a JSON tree in memory.
#[derive(Serialize)]
struct Entry<'a> {
    #[serde(flatten)]
    result: &'a CheckResult,
    #[serde(skip_serializing_if = "Option::is_none")]
    location: Option<Location<'a>>,
}

#[derive(Serialize)]
struct Location<'a> {
    #[serde(serialize_with = "display_path")]
    file: &'a Path,
    line: usize,
}

fn display_path<S: Serializer>(p: &&Path, s: S) -> Result<S::Ok, S::Error> {
    match p.to_str() {
        Some(text) => s.serialize_str(text),
        None => s.collect_str(&p.display()),
    }
}

fn entry<'a>(report: &Report<'a>, r: &'a CheckResult) -> Entry<'a> {
    Entry {
        result: r,
        location: report.origin(r).map(|o| Location {
            file: &o.file,
            line: o.line,
        }),
    }
}

/// Everything but the results.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Head {
    schema_version: u32,
    source: Value,
    evaluated_at: String,
    score: Map<String, Value>,
    summary: Value,
    top_gains: Vec<Value>,
}

pub fn render(report: &Report) -> String {
    let mut out = Vec::new();
    write(report, &mut out, true).expect("writing to memory");
    String::from_utf8(out).expect("serde_json writes UTF-8")
}

pub const FORMAT: super::Format = super::Format {
    name: "json",
    extension: "json",
    write: |r, o, out| write(r, out, o.tty),
};

/// Writes the report, indented (`pretty`, for a terminal) or compact (a
/// third smaller), byte for byte as `serde_json` would print it whole. A
/// cluster's report is about 100 MB, so it is never held whole: the
/// results are serialised on all CPUs a few thousand at a time and written
/// in order.
pub fn write(report: &Report, out: impl Write, pretty: bool) -> io::Result<()> {
    write_in_parts(report, out, pretty, 4096)
}

fn write_in_parts(
    report: &Report,
    mut out: impl Write,
    pretty: bool,
    per_thread: usize,
) -> io::Result<()> {
    // The head, its closing brace replaced by the opening of `results`.
    let text = if pretty {
        let mut t = serde_json::to_vec_pretty(&head(report))?;
        t.truncate(t.len() - 2); // `\n}`
        t.extend_from_slice(b",\n  \"results\": [");
        t
    } else {
        let mut t = serde_json::to_vec(&head(report))?;
        t.truncate(t.len() - 1);
        t.extend_from_slice(b",\"results\":[");
        t
    };
    out.write_all(&text)?;
    super::write_in_rounds(&report.results, per_thread, &mut out, |start, part| {
        serialize_part(report, part, start == 0, pretty)
    })?;
    out.write_all(match (pretty, report.results.is_empty()) {
        (true, false) => b"\n  ]\n}\n",
        (true, true) => b"]\n}\n",
        (false, _) => b"]}\n",
    })
}

fn head(report: &Report) -> Head {
    let info = &report.store.info;
    let mut score = Map::new();
    score.insert("overall".into(), json!(report.scores.overall.map(round1)));
    for (cat, s) in &report.scores.categories {
        score.insert(cat.as_str().into(), json!(s.map(round1)));
    }
    let t = &report.scores.tally;
    Head {
        schema_version: SCHEMA_VERSION,
        source: json!({
            "kind": info.source,
            "name": info.name,
            "capturedAt": info.captured_at.map(|t| t.to_string()),
            "serverVersion": info.server_version,
        }),
        evaluated_at: report.evaluated_at.to_string(),
        score,
        summary: json!({
            "pass": t.pass, "warning": t.warning, "error": t.error,
            "info": t.info, "unknown": t.unknown, "total": report.results.len(),
        }),
        top_gains: report
            .gains
            .iter()
            .map(|g| json!({"check": g.check, "failing": g.failing, "gain": round1(g.gain)}))
            .collect(),
    }
}

/// Results as elements of the `results` array, each after a comma unless
/// it is the very first (and, `pretty`, a line break at the array's depth).
fn serialize_part(
    report: &Report,
    results: &[&CheckResult],
    first: bool,
    pretty: bool,
) -> io::Result<Vec<u8>> {
    /// `{"r": [...]}` puts the elements two levels in, as in the report,
    /// so the pretty printer indents them as it would there.
    #[derive(Serialize)]
    struct Nest<'p, 'a, 'r> {
        r: Part<'p, 'a, 'r>,
    }
    struct Part<'p, 'a, 'r>(&'p Report<'r>, &'p [&'a CheckResult]);
    impl Serialize for Part<'_, '_, '_> {
        fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            s.collect_seq(self.1.iter().map(|r| entry(self.0, r)))
        }
    }
    let (open, close): (&[u8], &[u8]) = if pretty {
        (b"{\n  \"r\": [", b"\n  ]\n}")
    } else {
        (b"{\"r\":[", b"]}")
    };
    let mut buf = Vec::with_capacity(results.len() * 700);
    if !first {
        buf.push(b',');
    }
    let start = buf.len();
    let nest = Nest {
        r: Part(report, results),
    };
    if pretty {
        serde_json::to_writer_pretty(&mut buf, &nest)?;
    } else {
        serde_json::to_writer(&mut buf, &nest)?;
    }
    debug_assert!(buf[start..].starts_with(open) && buf.ends_with(close));
    buf.truncate(buf.len() - close.len());
    buf.drain(start..start + open.len());
    Ok(buf)
}

fn round1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

#[cfg(test)]
mod tests {
    use serde::ser::SerializeSeq;

    use super::*;
    use crate::checks::engine::{Engine, Selection};
    use crate::config::Config;
    use crate::source::snapshot::{LoadOptions, load};

    /// The whole report as serde_json prints it in one go.
    #[derive(Serialize)]
    struct Doc<'a, 'r> {
        #[serde(flatten)]
        head: Head,
        results: Results<'a, 'r>,
    }

    struct Results<'a, 'r>(&'a Report<'r>);

    impl Serialize for Results<'_, '_> {
        fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            let mut seq = s.serialize_seq(Some(self.0.results.len()))?;
            for r in &self.0.results {
                seq.serialize_element(&entry(self.0, r))?;
            }
            seq.end()
        }
    }

    #[test]
    fn written_in_parts_as_printed_whole() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/demo");
        let store = load(&dir, &LoadOptions::default())
            .expect("demo")
            .into_store();
        let engine = Engine::new(&Config::default(), Selection::default(), None);
        let findings = engine.evaluate(&store);
        let now = store.info.captured_at.expect("captured");
        for results in [findings.sorted(), Vec::new()] {
            let report = Report::new(results, engine.checks(), &store, now);
            let doc = Doc {
                head: head(&report),
                results: Results(&report),
            };
            for pretty in [true, false] {
                let whole = if pretty {
                    serde_json::to_string_pretty(&doc)
                } else {
                    serde_json::to_string(&doc)
                };
                let whole = whole.unwrap() + "\n";
                // Parts of 7 results: many rounds, an odd last part.
                for per_thread in [7, 4096] {
                    let mut parts = Vec::new();
                    write_in_parts(&report, &mut parts, pretty, per_thread).unwrap();
                    let parts = String::from_utf8(parts).unwrap();
                    assert_eq!(parts, whole, "pretty {pretty}, {per_thread} per thread");
                }
            }
        }
    }
}
