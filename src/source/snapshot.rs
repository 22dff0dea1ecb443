//! The snapshot source: cluster state from YAML or JSON files — single
//! objects, multi-document YAML, `kind: List` (what `kubectl get -o yaml`
//! prints), and directories read recursively.
//!
//! Errors name the file, the 1-based document (and list item) index, the
//! line, and the field and value where there is one. With `keep_going`, a bad
//! document is reported and the rest are still loaded.

use std::fmt;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use serde::{Deserialize, Deserializer};
use serde_json::Value;
use serde_json::value::RawValue;
use thiserror::Error;

use super::decode::{self, DecodeError};
use crate::model::{ObjRef, Object, Origin};
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
    pub objects: Vec<ObjRef>,
    pub info: ClusterInfo,
    pub errors: Vec<LoadError>,
    pub files: usize,
}

impl Loaded {
    /// Builds a store from the loaded objects (later duplicates win).
    pub fn into_store(self) -> ClusterStore {
        let mut store = ClusterStore::new(self.info);
        for obj in self.objects {
            store.apply(obj);
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

    // Files are parsed in parallel, largest first so that no big file is
    // left for last; results are merged in path order so the outcome does
    // not depend on scheduling.
    let mut order: Vec<usize> = (0..files.len()).collect();
    let sizes: Vec<u64> = files
        .iter()
        .map(|f| std::fs::metadata(f).map_or(0, |m| m.len()))
        .collect();
    order.sort_by_key(|&i| std::cmp::Reverse(sizes[i]));
    let next = AtomicUsize::new(0);
    let workers = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(files.len());
    let mut per_file: Vec<(usize, FileResult)> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..workers)
            .map(|_| {
                s.spawn(|| {
                    let mut out = Vec::new();
                    // One buffer per thread: fresh memory for every file
                    // costs more than reading it.
                    let mut buf = Vec::new();
                    loop {
                        let n = next.fetch_add(1, Ordering::Relaxed);
                        let Some(&i) = order.get(n) else { break };
                        let file = &files[i];
                        out.push((i, load_file(file, opts, &mut buf)));
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
    loaded
        .objects
        .reserve(per_file.iter().map(|(_, r)| r.objects.len()).sum());
    for (_, result) in per_file {
        merge(&mut loaded, result, opts)?;
    }
    Ok(loaded)
}

struct FileResult {
    objects: Vec<ObjRef>,
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

fn load_file(path: &Path, opts: &LoadOptions, buf: &mut Vec<u8>) -> FileResult {
    let mut result = FileResult {
        objects: Vec::new(),
        errors: Vec::new(),
    };
    match read_text(path, opts.max_file_bytes, buf) {
        Ok(text) => parse_text(path, text, opts.keep_going, &mut result),
        Err(e) => result.errors.push(e),
    }
    result
}

/// Parses YAML or JSON text that was read from `path`.
fn parse_text(path: &Path, text: &str, keep_going: bool, result: &mut FileResult) {
    // Shared by the origins of all the file's objects.
    let path: &Arc<Path> = &Arc::from(path);
    let is_json =
        path.extension().is_some_and(|e| e == "json") || text.trim_start().starts_with(['{', '[']);
    if is_json && let Some(fast) = json_fast(path, text, keep_going) {
        result.objects.extend(fast.objects);
        result.errors.extend(fast.errors);
        return;
    }
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

/// Reads the file into `buf` and returns it as text.
fn read_text<'b>(path: &Path, limit: u64, buf: &'b mut Vec<u8>) -> Result<&'b str, LoadError> {
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
    buf.clear();
    std::fs::File::open(path)
        .and_then(|mut f| f.read_to_end(buf))
        .map_err(io)?;
    // The first NUL byte or invalid UTF-8, whichever comes first (NUL is
    // valid UTF-8; `str::find` looks for it with memchr).
    let (valid, bad) = match std::str::from_utf8(buf) {
        Ok(text) => (text, None),
        Err(e) => (
            std::str::from_utf8(&buf[..e.valid_up_to()]).expect("valid up to here"),
            Some(e.valid_up_to()),
        ),
    };
    match valid.find('\0').or(bad) {
        Some(offset) => Err(LoadError::NotText {
            path: path.to_path_buf(),
            offset,
        }),
        None => Ok(valid),
    }
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
    let mut lines = Lines {
        text,
        offset: 0,
        line: 1,
    };
    let mut index = 0;
    loop {
        let offset = stream.byte_offset();
        let rest = &text[offset..];
        let skipped = rest.len() - rest.trim_start().len();
        let line = lines.of(&text[offset + skipped..]);
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

/// A top-level JSON document: its kind and, when it has them, the text of
/// each of its `items`.
#[derive(Deserialize)]
struct DocHead<'a> {
    #[serde(borrow)]
    kind: Option<std::borrow::Cow<'a, str>>,
    #[serde(borrow, default, deserialize_with = "present")]
    items: Option<Vec<&'a RawValue>>,
}

/// `Some` whenever the field is there (`null` is an error: the `Value` path
/// deals with it).
fn present<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Vec<&'de RawValue>>, D::Error> {
    Vec::deserialize(d).map(Some)
}

/// 1-based line of byte offsets, for offsets that only grow.
struct Lines<'a> {
    text: &'a str,
    offset: usize,
    line: usize,
}

impl Lines<'_> {
    /// The line of `part`, a slice of the text.
    fn of(&mut self, part: &str) -> usize {
        let at = part.as_ptr() as usize - self.text.as_ptr() as usize;
        if at >= self.offset {
            self.line += newlines(&self.text.as_bytes()[self.offset..at]);
        } else {
            self.line = 1 + newlines(&self.text.as_bytes()[..at]);
        }
        self.offset = at;
        self.line
    }
}

fn newlines(b: &[u8]) -> usize {
    b.iter().filter(|&&c| c == b'\n').count()
}

/// JSON files without a `Value` tree: list items are found as raw text and
/// decoded with `decode::decode_str` (typed kinds straight from the text);
/// each item gets its own line. `None` when the file has a syntax error or
/// an odd shape (say `items: null`): the caller then takes the `Value` path,
/// which reports it.
fn json_fast(path: &Arc<Path>, text: &str, keep_going: bool) -> Option<FileResult> {
    let mut out = FileResult {
        objects: Vec::new(),
        errors: Vec::new(),
    };
    let mut lines = Lines {
        text,
        offset: 0,
        line: 1,
    };
    let mut stream = serde_json::Deserializer::from_str(text).into_iter::<DocHead>();
    let mut index = 0;
    loop {
        let start = stream.byte_offset();
        let Some(head) = stream.next() else { break };
        let head = head.ok()?;
        let doc = text[start..stream.byte_offset()].trim_start();
        index += 1;
        let pos = DocPos {
            doc: index,
            item: None,
            line: lines.of(doc),
        };
        let is_list = head.kind.as_deref().is_some_and(|k| k.ends_with("List"));
        match head.items.filter(|_| is_list) {
            None => push_str(path, pos, doc, &mut out)?,
            Some(items) => {
                out.objects.reserve(items.len());
                for (i, item) in items.into_iter().enumerate() {
                    let item_pos = DocPos {
                        doc: pos.doc,
                        item: Some(i + 1),
                        line: lines.of(item.get()),
                    };
                    push_str(path, item_pos, item.get(), &mut out)?;
                    if !keep_going && !out.errors.is_empty() {
                        return Some(out);
                    }
                }
            }
        }
        if !keep_going && !out.errors.is_empty() {
            break;
        }
    }
    Some(out)
}

/// `push_object` from text; `None` when the text is not a valid `Value`.
fn push_str(path: &Arc<Path>, pos: DocPos, text: &str, out: &mut FileResult) -> Option<()> {
    let origin = Origin {
        file: path.clone(),
        line: pos.line,
    };
    match decode::decode_str(text, Some(origin))? {
        Ok(obj) => out.objects.push(Arc::new(obj)),
        Err(DecodeError { field, message }) => out.errors.push(LoadError::Object {
            path: path.to_path_buf(),
            pos,
            field: field.filter(|f| !f.is_empty()),
            message,
        }),
    }
    Some(())
}

/// Turns a document into objects: a `*List` yields its items.
fn expand(
    path: &Arc<Path>,
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

fn push_object(path: &Arc<Path>, pos: DocPos, value: Value, out: &mut FileResult) {
    let origin = Origin {
        file: path.clone(),
        line: pos.line,
    };
    match decode::decode(value, Some(origin)) {
        Ok(obj) => out.objects.push(Arc::new(obj)),
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The `Value` path alone, as JSON was loaded before the fast path.
    fn slow(text: &str, keep_going: bool) -> FileResult {
        let mut r = FileResult {
            objects: Vec::new(),
            errors: Vec::new(),
        };
        for doc in json_documents(Path::new("t.json"), text) {
            match doc {
                Ok((pos, value, lines)) => {
                    let path = Arc::from(Path::new("t.json"));
                    expand(&path, pos, value, &lines, &mut r, keep_going)
                }
                Err(e) => r.errors.push(e),
            }
            if !keep_going && !r.errors.is_empty() {
                break;
            }
        }
        r
    }

    fn fast(text: &str, keep_going: bool) -> FileResult {
        let mut r = FileResult {
            objects: Vec::new(),
            errors: Vec::new(),
        };
        parse_text(Path::new("t.json"), text, keep_going, &mut r);
        r
    }

    /// Same objects (ignoring list item lines) and the same errors.
    fn assert_same(text: &str) {
        for keep_going in [false, true] {
            let (a, b) = (slow(text, keep_going), fast(text, keep_going));
            let show = |r: &FileResult| {
                let objs: Vec<String> = r
                    .objects
                    .iter()
                    .map(|o| {
                        let mut o = Object::clone(o);
                        o.origin = None;
                        format!("{o:?}")
                    })
                    .collect();
                let errs: Vec<String> = r.errors.iter().map(|e| e.to_string()).collect();
                (objs, errs)
            };
            assert_eq!(show(&a), show(&b), "keep_going = {keep_going}: {text}");
        }
    }

    const POD: &str = r#"{"apiVersion":"v1","kind":"Pod","metadata":{"name":"web-1","namespace":"shop","labels":{"app":"web"},"ownerReferences":[{"apiVersion":"apps/v1","kind":"ReplicaSet","name":"web","uid":"u","controller":true}],"managedFields":[{"manager":"kubectl"}]},"spec":{"containers":[{"name":"web","image":"nginx:1.27","env":[{"name":"A","value":"1"},{"name":"B","value":"2"},{"name":"C","value":"3"}],"resources":{"requests":{"cpu":"100m"}}}],"volumes":[{"name":"a","emptyDir":{}},{"name":"b","hostPath":{"path":"/var/log"}},{"name":"c","configMap":{"name":"x"}}],"nodeName":"n1"},"status":{"phase":"Running","containerStatuses":[{"name":"web","image":"nginx:1.27","imageID":"","ready":true,"restartCount":7}]}}"#;

    #[test]
    fn fast_path_matches_value_path() {
        let others = [
            // Typed kinds of the current version.
            r#"{"kind":"Deployment","apiVersion":"apps/v1","metadata":{"name":"web"},"spec":{"replicas":3,"selector":{"matchLabels":{"app":"web"}},"template":{"metadata":{"labels":{"app":"web"}},"spec":{"containers":[{"name":"web","image":"nginx"}]}}}}"#,
            r#"{"apiVersion":"v1","kind":"Node","metadata":{"name":"n1","labels":{"topology.kubernetes.io/zone":"a"}},"status":{"capacity":{"cpu":"4"}}}"#,
            r#"{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"shop","namespace":"ignored"}}"#,
            // ReplicaSets: managed (template skipped), bare (template kept), odd shapes.
            r#"{"apiVersion":"apps/v1","kind":"ReplicaSet","metadata":{"name":"web-1","namespace":"shop","ownerReferences":[{"apiVersion":"apps/v1","kind":"Deployment","name":"web","uid":"d","controller":true}]},"spec":{"replicas":2,"minReadySeconds":5,"selector":{"matchLabels":{"app":"web"}},"template":{"metadata":{"labels":{"app":"web"}},"spec":{"containers":[{"name":"web","image":"nginx"}]}}},"status":{"replicas":2,"readyReplicas":1}}"#,
            r#"{"apiVersion":"apps/v1","kind":"ReplicaSet","metadata":{"name":"bare","namespace":"shop"},"spec":{"selector":{"matchLabels":{"app":"b"}},"template":{"metadata":{"labels":{"app":"b"}},"spec":{"containers":[{"name":"b","image":"busybox"}]}}}}"#,
            r#"{"apiVersion":"apps/v1","kind":"ReplicaSet","metadata":{"name":"nospec","namespace":"shop"}}"#,
            r#"{"apiVersion":"apps/v1","kind":"ReplicaSet","metadata":{"name":"nulls","namespace":"shop"},"spec":{"selector":null,"template":null}}"#,
            r#"{"apiVersion":"apps/v1","kind":"ReplicaSet","metadata":{"name":"bad","namespace":"shop"},"spec":{"replicas":"two","selector":{}}}"#,
            // Taken by the Value path: scrubbed, converted, older group.
            r#"{"apiVersion":"v1","kind":"Secret","metadata":{"name":"s","annotations":{"kubectl.kubernetes.io/last-applied-configuration":"{}"}},"data":{"password":"c2VjcmV0"},"stringData":{"a":"b"}}"#,
            r#"{"apiVersion":"autoscaling/v1","kind":"HorizontalPodAutoscaler","metadata":{"name":"h","namespace":"shop"},"spec":{"scaleTargetRef":{"kind":"Deployment","name":"web"},"maxReplicas":5,"targetCPUUtilizationPercentage":70}}"#,
            r#"{"apiVersion":"extensions/v1beta1","kind":"Deployment","metadata":{"name":"old","namespace":"shop"},"spec":{"template":{"spec":{"containers":[{"name":"c","image":"i"}]}}}}"#,
            r#"{"apiVersion":"velero.io/v1","kind":"Backup","metadata":{"name":"b","namespace":"velero"},"status":{"phase":"Completed"}}"#,
            r#"{"apiVersion":"example.com/v1","kind":"Pod","metadata":{"name":"custom","namespace":"shop"}}"#,
            // Key order, escapes and duplicates the leading-key guess must not trust.
            r#"{"metadata":{"name":"late"},"spec":{},"kind":"Service","apiVersion":"v1"}"#,
            r#"{"apiVersion":"v1","kind":"Po\u0064","metadata":{"name":"escaped"}}"#,
            r#"{"apiVersion":"v1","kind":"Pod","metadata":{"name":"dup"},"kind":"Service"}"#,
            r#"{"apiVersion":"v1","kind":"Pod","apiVersion":"apps/v1","metadata":{"name":"dup2"}}"#,
            // Errors.
            r#"{"apiVersion":"v1","kind":"Pod","metadata":{"name":""}}"#,
            r#"{"apiVersion":"v1","kind":"Pod"}"#,
            r#"{"apiVersion":"v1","kind":"Pod","metadata":{"name":"bad"},"spec":{"containers":"nope"}}"#,
            r#"{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"bad","labels":{"a":1}},"spec":{}}"#,
            r#"{"kind":"Pod","metadata":{"name":"noversion"}}"#,
            r#"{"apiVersion":"v1","kind":7,"metadata":{"name":"x"}}"#,
            r#"["not","an","object"]"#,
            r#"null"#,
        ];
        assert_same(POD);
        for o in others {
            assert_same(o);
            // As list items, between good ones.
            assert_same(&format!(
                r#"{{"apiVersion":"v1","kind":"List","items":[{POD},{o},{POD}]}}"#
            ));
        }
        // Several documents in one file, and odd lists.
        assert_same(&format!("{POD}\n{}\n{POD}", others[0]));
        assert_same(r#"{"apiVersion":"v1","kind":"PodList","items":null}"#);
        assert_same(r#"{"apiVersion":"v1","kind":"List","items":{"a":1}}"#);
        assert_same(r#"{"apiVersion":"v1","kind":"List"}"#);
        assert_same(r#"{"apiVersion":"v1","kind":"List","items":[1e999]}"#);
        assert_same(&format!(
            r#"{{"apiVersion":"v1","kind":"List","items":[{POD},"#
        ));
        assert_same(&format!("{POD}\n{{\"kind\": "));
    }

    #[test]
    fn json_list_items_get_their_own_line() {
        let text = format!(
            "{{\n  \"apiVersion\": \"v1\",\n  \"kind\": \"List\",\n  \"items\": [\n    {POD},\n    {}\n  ]\n}}\n{POD}\n",
            POD.replace("web-1", "web-2")
        );
        let r = fast(&text, false);
        assert!(r.errors.is_empty(), "{:?}", r.errors);
        let lines: Vec<usize> = r
            .objects
            .iter()
            .map(|o| o.origin.as_ref().expect("origin").line)
            .collect();
        assert_eq!(lines, [5, 6, 9]);
    }

    #[test]
    fn managed_fields_are_dropped_and_vectors_compacted() {
        use crate::model::pod::Pod;
        // A pod a ReplicaSet manages keeps what checks read of it.
        let r = fast(POD, false);
        let obj = &r.objects[0];
        assert!(obj.meta.managed_fields.is_none());
        let p = obj.typed::<Pod>().expect("typed");
        assert!(p.is_trimmed());
        let spec = p.spec.as_ref().expect("spec");
        assert_eq!(spec.node_name.as_deref(), Some("n1"));
        assert_eq!(spec.containers.len(), 1);
        assert_eq!(spec.containers.capacity(), 1);
        let requests = spec.containers[0]
            .resources
            .as_ref()
            .and_then(|r| r.requests.as_ref());
        assert_eq!(
            requests.and_then(|r| r.get("cpu")).map(|q| q.0.as_str()),
            Some("100m")
        );
        let statuses = p
            .status
            .as_ref()
            .and_then(|s| s.container_statuses.as_ref());
        assert_eq!(statuses.map(|s| s[0].restart_count), Some(7));

        // A bare pod is its own workload: its whole spec is kept.
        let bare = POD.replace(r#""ownerReferences""#, r#""x-ownerReferences""#);
        let r = fast(&bare, false);
        let p = r.objects[0].typed::<Pod>().expect("typed");
        assert!(!p.is_trimmed());
        let full = p.full_spec.as_ref().expect("full spec");
        let volumes = full.volumes.as_ref().expect("volumes");
        assert_eq!(volumes.len(), 3);
        assert_eq!(volumes.capacity(), 3);
        let env = full.containers[0].env.as_ref().expect("env");
        assert_eq!(env.capacity(), env.len());
    }
}
