//! The snapshot source: cluster state from YAML or JSON files — single
//! objects, multi-document YAML, `kind: List` (what `kubectl get -o yaml`
//! prints), and directories read recursively.
//!
//! Errors name the file, the 1-based document (and list item) index, the
//! line, and the field and value where there is one. With `keep_going`, a bad
//! document is reported and the rest are still loaded.

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use serde_json::Value;
use thiserror::Error;

use super::decode::{self, DecodeError};
use crate::model::{Object, Origin};
use crate::store::{ClusterInfo, ClusterStore};

/// Files larger than this are refused unless the caller raises it.
pub const DEFAULT_MAX_FILE_BYTES: u64 = 256 * 1024 * 1024;

/// The kind of the document that describes the snapshot itself.
pub const SNAPSHOT_INFO_KIND: &str = "SnapshotInfo";

#[derive(Debug, Clone)]
pub struct LoadOptions {
    pub keep_going: bool,
    pub max_file_bytes: u64,
}

impl Default for LoadOptions {
    fn default() -> Self {
        LoadOptions {
            keep_going: false,
            max_file_bytes: DEFAULT_MAX_FILE_BYTES,
        }
    }
}

/// Where in a file a document sits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocPos {
    /// 1-based document index within the file.
    pub doc: usize,
    /// 1-based item index within a `kind: List` document.
    pub item: Option<usize>,
    /// 1-based line.
    pub line: usize,
}

impl fmt::Display for DocPos {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "document {}", self.doc)?;
        if let Some(i) = self.item {
            write!(f, ", item {i}")?;
        }
        write!(f, " (line {})", self.line)
    }
}

#[derive(Debug, Error)]
pub enum LoadError {
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}: no YAML or JSON files (*.yaml, *.yml, *.json) found")]
    NoFiles { path: PathBuf },
    #[error("{path}: not a text file (binary content at byte {offset})")]
    NotText { path: PathBuf, offset: usize },
    #[error("{path}: file is {size} bytes, over the {limit}-byte limit")]
    TooLarge {
        path: PathBuf,
        size: u64,
        limit: u64,
    },
    #[error("{path}: {pos}: malformed {format}: {message}")]
    Syntax {
        path: PathBuf,
        pos: DocPos,
        format: &'static str,
        message: String,
    },
    #[error("{path}: {pos}: {}{message}", field.as_ref().map(|f| format!("field `{f}`: ")).unwrap_or_default())]
    Object {
        path: PathBuf,
        pos: DocPos,
        field: Option<String>,
        message: String,
    },
}

/// What a load produced: the objects, the snapshot's own description, and
/// (with `keep_going`) the errors of the documents that were skipped.
#[derive(Debug, Default)]
pub struct Loaded {
    pub objects: Vec<Object>,
    pub info: ClusterInfo,
    pub errors: Vec<LoadError>,
    pub files: usize,
}

impl Loaded {
    /// Builds a store from the loaded objects (later duplicates win).
    pub fn into_store(self) -> ClusterStore {
        let mut store = ClusterStore::new(self.info);
        for obj in self.objects {
            store.apply(std::sync::Arc::new(obj));
        }
        store
    }
}

/// Loads a file or a directory tree.
pub fn load(path: &Path, opts: &LoadOptions) -> Result<Loaded, LoadError> {
    let meta = std::fs::metadata(path).map_err(|source| LoadError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let files = if meta.is_dir() {
        let mut files = Vec::new();
        walk(path, &mut files)?;
        files.sort();
        if files.is_empty() {
            return Err(LoadError::NoFiles {
                path: path.to_path_buf(),
            });
        }
        files
    } else {
        vec![path.to_path_buf()]
    };

    // Files are parsed in parallel; results are merged in path order so the
    // outcome does not depend on scheduling.
    let next = AtomicUsize::new(0);
    let workers = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(files.len());
    let mut per_file: Vec<(usize, FileResult)> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..workers)
            .map(|_| {
                s.spawn(|| {
                    let mut out = Vec::new();
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let Some(file) = files.get(i) else { break };
                        out.push((i, load_file(file, opts)));
                    }
                    out
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().expect("loader thread panicked"))
            .collect()
    });
    per_file.sort_by_key(|(i, _)| *i);

    let mut loaded = Loaded {
        files: files.len(),
        info: ClusterInfo {
            source: "snapshot".into(),
            name: path.display().to_string(),
            ..Default::default()
        },
        ..Default::default()
    };
    for (_, result) in per_file {
        merge(&mut loaded, result, opts)?;
    }
    Ok(loaded)
}

struct FileResult {
    objects: Vec<Object>,
    errors: Vec<LoadError>,
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), LoadError> {
    let io = |source| LoadError::Io {
        path: dir.to_path_buf(),
        source,
    };
    for entry in std::fs::read_dir(dir).map_err(io)? {
        let entry = entry.map_err(io)?;
        let path = entry.path();
        let hidden = entry.file_name().to_string_lossy().starts_with('.');
        let ft = entry.file_type().map_err(io)?;
        if hidden {
            continue;
        }
        if ft.is_dir() {
            walk(&path, out)?;
        } else if matches!(
            path.extension().and_then(|e| e.to_str()),
            Some("yaml" | "yml" | "json")
        ) {
            out.push(path);
        }
    }
    Ok(())
}

fn load_file(path: &Path, opts: &LoadOptions) -> FileResult {
    let mut result = FileResult {
        objects: Vec::new(),
        errors: Vec::new(),
    };
    match read_text(path, opts.max_file_bytes) {
        Ok(text) => parse_text(path, &text, opts.keep_going, &mut result),
        Err(e) => result.errors.push(e),
    }
    result
}

/// Parses YAML or JSON text that was read from `path`.
fn parse_text(path: &Path, text: &str, keep_going: bool, result: &mut FileResult) {
    let is_json =
        path.extension().is_some_and(|e| e == "json") || text.trim_start().starts_with(['{', '[']);
    let docs = if is_json {
        json_documents(path, text)
    } else {
        yaml_documents(path, text)
    };
    for doc in docs {
        match doc {
            Ok((pos, value, item_lines)) => {
                expand(path, pos, value, &item_lines, result, keep_going)
            }
            Err(e) => result.errors.push(e),
        }
        if !keep_going && !result.errors.is_empty() {
            break;
        }
    }
}

/// Loads objects from in-memory YAML or JSON text; `name` stands in for the
/// file name in locations and errors (tests, stdin, the demo replay).
pub fn load_str(name: &Path, text: &str, opts: &LoadOptions) -> Result<Loaded, LoadError> {
    let mut result = FileResult {
        objects: Vec::new(),
        errors: Vec::new(),
    };
    parse_text(name, text, opts.keep_going, &mut result);
    let mut loaded = Loaded {
        files: 1,
        info: ClusterInfo {
            source: "snapshot".into(),
            name: name.display().to_string(),
            ..Default::default()
        },
        ..Default::default()
    };
    merge(&mut loaded, result, opts)?;
    Ok(loaded)
}

fn merge(loaded: &mut Loaded, result: FileResult, opts: &LoadOptions) -> Result<(), LoadError> {
    let FileResult { objects, errors } = result;
    if opts.keep_going {
        loaded.errors.extend(errors);
    } else if let Some(first) = errors.into_iter().next() {
        return Err(first);
    }
    for obj in objects {
        if obj.key.kind == SNAPSHOT_INFO_KIND {
            apply_info(&mut loaded.info, &obj);
        } else {
            loaded.objects.push(obj);
        }
    }
    Ok(())
}

fn read_text(path: &Path, limit: u64) -> Result<String, LoadError> {
    let io = |source| LoadError::Io {
        path: path.to_path_buf(),
        source,
    };
    let size = std::fs::metadata(path).map_err(io)?.len();
    if size > limit {
        return Err(LoadError::TooLarge {
            path: path.to_path_buf(),
            size,
            limit,
        });
    }
    let bytes = std::fs::read(path).map_err(io)?;
    if let Some(offset) = bytes.iter().position(|&b| b == 0) {
        return Err(LoadError::NotText {
            path: path.to_path_buf(),
            offset,
        });
    }
    String::from_utf8(bytes).map_err(|e| LoadError::NotText {
        path: path.to_path_buf(),
        offset: e.utf8_error().valid_up_to(),
    })
}

type Doc = Result<(DocPos, Value, Vec<usize>), LoadError>;

/// Splits YAML on `---` lines at column 0 (a block scalar's content is always
/// indented, so such a line can only separate documents).
fn yaml_documents(path: &Path, text: &str) -> Vec<Doc> {
    let mut docs: Vec<(usize, String)> = vec![(1, String::new())];
    for (i, line) in text.lines().enumerate() {
        let is_sep = line.starts_with("---")
            && line[3..]
                .chars()
                .next()
                .is_none_or(|c| c == ' ' || c == '\t');
        if is_sep {
            // `--- {…}` may carry content on the marker line.
            docs.push((i + 1, format!("{}\n", &line[3..])));
        } else if line.starts_with("...") && line[3..].trim().is_empty() {
            docs.push((i + 2, String::new()));
        } else {
            let cur = &mut docs.last_mut().expect("one doc").1;
            cur.push_str(line);
            cur.push('\n');
        }
    }
    let mut out = Vec::new();
    let mut index = 0;
    for (start, body) in docs {
        let blank = body
            .lines()
            .all(|l| l.trim().is_empty() || l.trim_start().starts_with('#'));
        if blank {
            continue;
        }
        index += 1;
        let first_line = start
            + body
                .lines()
                .take_while(|l| l.trim().is_empty() || l.trim_start().starts_with('#'))
                .count();
        let pos = DocPos {
            doc: index,
            item: None,
            line: first_line,
        };
        let doc = match serde_saphyr::from_str::<Value>(&body) {
            Ok(v) => Ok((pos, v, list_item_lines(&body, start))),
            Err(e) => Err(LoadError::Syntax {
                path: path.to_path_buf(),
                pos,
                format: "YAML",
                message: absolute_line(e.to_string().lines().next().unwrap_or(""), start - 1),
            }),
        };
        out.push(doc);
    }
    out
}

/// The YAML parser counts lines from the document's start; make its first
/// `line N` count from the file's start.
fn absolute_line(message: &str, offset: usize) -> String {
    let Some(at) = message.find("line ") else {
        return message.to_string();
    };
    let digits_at = at + "line ".len();
    let len = message[digits_at..]
        .bytes()
        .take_while(u8::is_ascii_digit)
        .count();
    match message[digits_at..digits_at + len].parse::<usize>() {
        Ok(n) => format!(
            "{}{}{}",
            &message[..digits_at],
            n + offset,
            &message[digits_at + len..]
        ),
        Err(_) => message.to_string(),
    }
}

/// Lines where the items of a top-level `items:` sequence start, so list
/// items get their own location.
fn list_item_lines(body: &str, start: usize) -> Vec<usize> {
    let mut out = Vec::new();
    let mut in_items = false;
    let mut indent: Option<usize> = None;
    for (i, line) in body.lines().enumerate() {
        if !line.starts_with([' ', '-']) && !line.trim().is_empty() && !line.starts_with('#') {
            in_items = line.trim_end() == "items:";
            continue;
        }
        if !in_items {
            continue;
        }
        let trimmed = line.trim_start();
        let ind = line.len() - trimmed.len();
        if trimmed.starts_with("- ") || trimmed == "-" {
            if indent.is_none() {
                indent = Some(ind);
            }
            if indent == Some(ind) {
                out.push(start + i);
            }
        }
    }
    out
}

fn json_documents(path: &Path, text: &str) -> Vec<Doc> {
    let mut out = Vec::new();
    let mut stream = serde_json::Deserializer::from_str(text).into_iter::<Value>();
    let mut index = 0;
    loop {
        let offset = stream.byte_offset();
        let rest = &text[offset..];
        let skipped = rest.len() - rest.trim_start().len();
        let line = 1 + text[..offset + skipped].matches('\n').count();
        let pos = DocPos {
            doc: index + 1,
            item: None,
            line,
        };
        match stream.next() {
            None => break,
            Some(Ok(v)) => out.push(Ok((pos, v, Vec::new()))),
            Some(Err(e)) => {
                out.push(Err(LoadError::Syntax {
                    path: path.to_path_buf(),
                    pos: DocPos {
                        line: e.line(),
                        ..pos
                    },
                    format: "JSON",
                    message: e.to_string(),
                }));
                break;
            }
        }
        index += 1;
    }
    out
}

/// Turns a document into objects: a `*List` yields its items.
fn expand(
    path: &Path,
    pos: DocPos,
    value: Value,
    item_lines: &[usize],
    out: &mut FileResult,
    keep_going: bool,
) {
    if value.is_null() {
        return;
    }
    let is_list = value
        .get("kind")
        .and_then(Value::as_str)
        .is_some_and(|k| k.ends_with("List"))
        && value.get("items").is_some();
    if !is_list {
        push_object(path, pos, value, out);
        return;
    }
    let Value::Object(mut map) = value else {
        unreachable!("a value with fields is a mapping")
    };
    let items = match map.remove("items") {
        Some(Value::Array(items)) => items,
        Some(Value::Null) => Vec::new(),
        Some(other) => {
            out.errors.push(LoadError::Object {
                path: path.to_path_buf(),
                pos,
                field: Some("items".into()),
                message: format!(
                    "expected a sequence, found {} {other}",
                    decode::type_name(&other)
                ),
            });
            return;
        }
        None => Vec::new(),
    };
    for (i, item) in items.into_iter().enumerate() {
        let item_pos = DocPos {
            doc: pos.doc,
            item: Some(i + 1),
            line: item_lines.get(i).copied().unwrap_or(pos.line),
        };
        push_object(path, item_pos, item, out);
        if !keep_going && !out.errors.is_empty() {
            return;
        }
    }
}

fn push_object(path: &Path, pos: DocPos, value: Value, out: &mut FileResult) {
    let origin = Origin {
        file: path.to_path_buf(),
        line: pos.line,
    };
    match decode::decode(value, Some(origin)) {
        Ok(obj) => out.objects.push(obj),
        Err(DecodeError { field, message }) => out.errors.push(LoadError::Object {
            path: path.to_path_buf(),
            pos,
            field: field.filter(|f| !f.is_empty()),
            message,
        }),
    }
}

/// Reads the snapshot's own description (`kind: SnapshotInfo`).
fn apply_info(info: &mut ClusterInfo, obj: &Object) {
    let get = |k: &str| obj.pointer(k).and_then(Value::as_str).map(str::to_string);
    if let Some(t) = get("/capturedAt").and_then(|t| t.parse().ok()) {
        info.captured_at = Some(t);
    }
    info.server_version = get("/serverVersion").or(info.server_version.take());
    info.managed = get("/managed").or(info.managed.take());
    if let Some(c) = get("/context") {
        info.name = c;
    }
}
