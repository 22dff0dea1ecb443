//! The request log: every request the server answered, kept in memory for
//! tests and optionally appended to a file as JSON lines (benchmarks read
//! it to prove a client does not poll).

use std::fs::File;
use std::io::Write;
use std::path::Path;
use std::sync::Mutex;

use serde::Serialize;

#[derive(Clone, Debug, Serialize)]
pub struct Record {
    /// Milliseconds since the Unix epoch, when the request arrived.
    pub at_ms: u128,
    pub method: String,
    /// Path and query, as sent.
    pub path: String,
    pub status: u16,
    /// The `Accept` header: shows whether a client asked for whole objects,
    /// metadata only (`as=PartialObjectMetadata…`) or a Table.
    pub accept: String,
    /// Until the response head was sent (a watch's stream runs on).
    pub duration_ms: f64,
    pub watch: bool,
}

impl Record {
    /// The path without the query.
    pub fn path_only(&self) -> &str {
        self.path.split('?').next().unwrap_or_default()
    }

    /// A list (GET of a collection, not a watch).
    pub fn is_list(&self) -> bool {
        self.method == "GET"
            && !self.watch
            && self.query("watch").is_none()
            && is_collection(self.path_only())
    }

    /// One query parameter's (percent-decoded) value.
    pub fn query(&self, key: &str) -> Option<String> {
        let q = self.path.split_once('?')?.1;
        q.split('&').find_map(|kv| {
            let (k, v) = kv.split_once('=').unwrap_or((kv, ""));
            (k == key).then(|| super::http::percent_decode(v))
        })
    }
}

/// Collections: `/api/v1/pods`, `/api/v1/namespaces/x/pods`,
/// `/apis/g/v/namespaces/x/kind`, but not `/api/v1/namespaces/x` (a get).
fn is_collection(path: &str) -> bool {
    let segs: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    let rest = match segs.as_slice() {
        ["api", _, rest @ ..] => rest,
        ["apis", _, _, rest @ ..] => rest,
        _ => return false,
    };
    matches!(rest, [_] | ["namespaces", _, _])
}

#[derive(Default)]
pub struct RequestLog {
    records: Mutex<Vec<Record>>,
    file: Mutex<Option<File>>,
}

impl RequestLog {
    pub fn to_file(path: Option<&Path>) -> std::io::Result<RequestLog> {
        let file = match path {
            Some(p) => Some(File::options().create(true).append(true).open(p)?),
            None => None,
        };
        Ok(RequestLog {
            records: Mutex::new(Vec::new()),
            file: Mutex::new(file),
        })
    }

    pub fn push(&self, r: Record) {
        if let Ok(mut f) = self.file.lock()
            && let Some(f) = f.as_mut()
            && let Ok(line) = serde_json::to_string(&r)
        {
            // The log is best effort: a full disk must not stop the server.
            let _ = writeln!(f, "{line}");
        }
        if let Ok(mut v) = self.records.lock() {
            v.push(r);
        }
    }

    pub fn all(&self) -> Vec<Record> {
        self.records.lock().map(|v| v.clone()).unwrap_or_default()
    }

    pub fn clear(&self) {
        if let Ok(mut v) = self.records.lock() {
            v.clear();
        }
    }
}
