//! The snapshot source: cluster state from YAML or JSON files — single
//! objects, multi-document YAML, `kind: List` (what `kubectl get -o yaml`
//! prints), and directories read recursively.
//!
//! Errors name the file, the 1-based document (and list item) index, the
//! line, and the field and value where there is one. With `keep_going`, a bad
//! document is reported and the rest are still loaded.
//!
//! Bounds, each named in its error: the file size (`max_file_bytes`,
//! `--max-file-mb`), the nesting depth (`yaml::MAX_DEPTH`, as JSON's), and
//! the events YAML aliases may replay (`max_alias_events`,
//! `--max-alias-events`). Only regular files are read, through a bounded
//! reader: devices, FIFOs and sockets are skipped and reported.

use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use serde::{Deserialize, Deserializer};
use serde_json::Value;
use serde_json::value::RawValue;
use thiserror::Error;

use super::Event;
use super::decode::{self, DecodeError};
use super::event;
use super::yaml;
use crate::file_input::{self, ReadError, os_error};
use crate::model::{KindLabel, ObjKey, ObjRef, Object, Origin};
use crate::store::{ClusterInfo, ClusterStore, KindStatus};

/// Files larger than this are refused unless the caller raises it.
pub const DEFAULT_MAX_FILE_BYTES: u64 = 256 * 1024 * 1024;

/// The kind of the document that describes the snapshot itself.
pub const SNAPSHOT_INFO_KIND: &str = "SnapshotInfo";

#[derive(Debug, Clone)]
pub struct LoadOptions {
    pub keep_going: bool,
    pub max_file_bytes: u64,
    /// Bound on the events YAML aliases may replay in one document.
    pub max_alias_events: usize,
    /// Told as files are read, for a progress display.
    pub progress: Option<Progress>,
}

/// Called from the loader threads after each file: bytes read so far, and
/// of all the files.
#[derive(Clone)]
pub struct Progress(pub Arc<dyn Fn(u64, u64) + Send + Sync>);

impl std::fmt::Debug for Progress {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Progress")
    }
}

impl Default for LoadOptions {
    fn default() -> Self {
        LoadOptions {
            keep_going: false,
            max_file_bytes: DEFAULT_MAX_FILE_BYTES,
            max_alias_events: yaml::DEFAULT_MAX_ALIAS_EVENTS,
            progress: None,
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
    /// 1-based column, where a parser points at one.
    pub column: Option<usize>,
}

impl fmt::Display for DocPos {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "document {}", self.doc)?;
        if let Some(i) = self.item {
            write!(f, ", item {i}")?;
        }
        write!(f, " (line {}", self.line)?;
        if let Some(c) = self.column {
            write!(f, ", column {c}")?;
        }
        f.write_str(")")
    }
}

#[derive(Debug, Error)]
pub enum LoadError {
    /// A file that could not be read (missing, not a regular file, too large).
    #[error(transparent)]
    Read(#[from] ReadError),
    /// Not called `source`: a chained print would repeat the OS error.
    #[error("{}: cannot read the directory: {}", path.display(), os_error(error))]
    Dir {
        path: PathBuf,
        error: std::io::Error,
    },
    #[error("{}: no YAML or JSON files (*.yaml, *.yml, *.json) found", path.display())]
    NoFiles { path: PathBuf },
    #[error("{}: not a text file (binary content at byte {offset})", path.display())]
    NotText { path: PathBuf, offset: usize },
    #[error("{}: {pos}: malformed {format}: {message}", path.display())]
    Syntax {
        path: PathBuf,
        pos: DocPos,
        format: &'static str,
        message: String,
    },
    /// A loader bound was hit; the message names it and how to raise it.
    #[error("{}: {pos}: {message}", path.display())]
    Bound {
        path: PathBuf,
        pos: DocPos,
        message: String,
    },
    #[error("{}: {pos}: {}{message}", path.display(), field.as_ref().map(|f| format!("field `{f}`: ")).unwrap_or_default())]
    Object {
        path: PathBuf,
        pos: DocPos,
        field: Option<String>,
        message: String,
    },
}

/// Something the load did not stop for but the user should know.
#[derive(Debug, Clone)]
pub enum LoadWarning {
    /// Two documents describe the same object; `kept` is the later one in
    /// path and document order, which the store keeps.
    Duplicate {
        key: ObjKey,
        dropped: Option<Origin>,
        kept: Option<Origin>,
    },
    /// A directory entry that is neither a regular file nor a directory.
    Skipped { path: PathBuf, what: &'static str },
}

impl fmt::Display for LoadWarning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LoadWarning::Duplicate { key, dropped, kept } => {
                let at = |o: &Option<Origin>| match o {
                    Some(o) => format!("{} line {}", o.file.display(), o.line),
                    None => "an unknown place".to_string(),
                };
                let name = if key.namespace.is_empty() {
                    key.name.to_string()
                } else {
                    format!("{}/{}", key.namespace, key.name)
                };
                write!(
                    f,
                    "{} {name} is defined twice, at {} and at {}; keeping the one at {} (the later in path order)",
                    key.label(),
                    at(dropped),
                    at(kept),
                    at(kept)
                )
            }
            LoadWarning::Skipped { path, what } => {
                write!(
                    f,
                    "{}: skipped, {what} is not a regular file",
                    path.display()
                )
            }
        }
    }
}

/// What a load produced: the objects, the snapshot's own description,
/// (with `keep_going`) the errors of the documents that were skipped, and
/// warnings (duplicates, skipped entries).
#[derive(Debug, Default)]
pub struct Loaded {
    pub objects: Vec<ObjRef>,
    pub info: ClusterInfo,
    pub errors: Vec<LoadError>,
    pub warnings: Vec<LoadWarning>,
    pub files: usize,
    /// Kinds the capture could not read (its `SnapshotInfo` lists them):
    /// (kind label, forbidden or failed, with the reason).
    pub left_out: Vec<(String, KindStatus)>,
}

impl Loaded {
    /// Builds a store from the loaded objects (later duplicates win),
    /// through the events a source produces: each kind the snapshot holds
    /// is one complete list.
    pub fn into_store(mut self) -> ClusterStore {
        let events = self.kind_events();
        let mut store = ClusterStore::new(self.info);
        for event in events {
            event.apply_to(&mut store);
        }
        store
    }

    /// Each kind's objects as one complete list, then the kinds the capture
    /// could not read, with why: their checks say `unknown`, never `pass`
    /// or `fail` for what is absent only from the capture.
    pub fn kind_events(&mut self) -> Vec<Event> {
        let mut events = event::relists(std::mem::take(&mut self.objects));
        for (label, status) in std::mem::take(&mut self.left_out) {
            let label = KindLabel::parse(&label);
            events.push(Event::Status {
                kind: label.kind.to_string(),
                group: label.group_or_home().into_owned(),
                status,
            });
        }
        events
    }
}

/// Loads a file or a directory tree.
pub fn load(path: &Path, opts: &LoadOptions) -> Result<Loaded, LoadError> {
    let meta = std::fs::metadata(path).map_err(|error| ReadError::Io {
        path: path.to_path_buf(),
        error,
    })?;
    let mut loaded = Loaded {
        info: ClusterInfo {
            source: "snapshot".into(),
            name: path.display().to_string(),
            ..Default::default()
        },
        ..Default::default()
    };
    let files = if meta.is_dir() {
        let mut files = Vec::new();
        // The top directory must be readable: there is nothing to load otherwise.
        std::fs::read_dir(path).map_err(|error| LoadError::Dir {
            path: path.to_path_buf(),
            error,
        })?;
        walk_entries(path, &mut files, &mut loaded, opts)?;
        files.sort();
        if files.is_empty() && loaded.errors.is_empty() {
            return Err(LoadError::NoFiles {
                path: path.to_path_buf(),
            });
        }
        files
    } else {
        vec![path.to_path_buf()]
    };
    loaded.files = files.len();

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
    let total: u64 = sizes.iter().sum();
    let read = std::sync::atomic::AtomicU64::new(0);
    let workers = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(files.len());
    let mut per_file: Vec<(usize, FileResult)> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..workers)
            .map(|_| {
                loader_thread().spawn_scoped(s, || {
                    let mut out = Vec::new();
                    // One buffer per thread: fresh memory for every file
                    // costs more than reading it.
                    let mut buf = Vec::new();
                    loop {
                        let n = next.fetch_add(1, Ordering::Relaxed);
                        let Some(&i) = order.get(n) else { break };
                        let file = &files[i];
                        out.push((i, load_file(file, opts, &mut buf)));
                        if let Some(progress) = &opts.progress {
                            let done = read.fetch_add(sizes[i], Ordering::Relaxed) + sizes[i];
                            (progress.0)(done, total);
                        }
                    }
                    out
                })
            })
            .collect::<std::io::Result<_>>()
            .expect("cannot start a loader thread");
        handles
            .into_iter()
            .flat_map(|h| h.join().expect("loader thread panicked"))
            .collect()
    });
    per_file.sort_by_key(|(i, _)| *i);

    loaded
        .objects
        .reserve(per_file.iter().map(|(_, r)| r.objects.len()).sum());
    for (_, result) in per_file {
        merge(&mut loaded, result, opts)?;
    }
    loaded.warnings.extend(duplicates(&loaded.objects));
    Ok(loaded)
}

/// Parsing and converting recurse once per nesting level (up to
/// `yaml::MAX_DEPTH`), with large frames in the YAML parser: more stack than
/// a thread's default 2 MiB. Only the pages used are ever touched.
const STACK_BYTES: usize = 64 << 20;

fn loader_thread() -> std::thread::Builder {
    std::thread::Builder::new()
        .name("loader".into())
        .stack_size(STACK_BYTES)
}

/// The objects of one file and the errors of its bad documents.
pub(super) struct FileResult {
    pub(super) objects: Vec<ObjRef>,
    pub(super) errors: Vec<LoadError>,
}

/// Collects the snapshot files under `dir`. Entries that are neither
/// regular files nor directories are skipped with a warning (a FIFO would
/// block the reader, a device never ends); a directory that cannot be read
/// is an error, which `keep_going` reports and passes over.
fn walk_entries(
    dir: &Path,
    out: &mut Vec<PathBuf>,
    loaded: &mut Loaded,
    opts: &LoadOptions,
) -> Result<(), LoadError> {
    let fail = |error| LoadError::Dir {
        path: dir.to_path_buf(),
        error,
    };
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if opts.keep_going => {
            loaded.errors.push(fail(e));
            return Ok(());
        }
        Err(e) => return Err(fail(e)),
    };
    for entry in entries {
        let entry = match entry.and_then(|e| e.file_type().map(|ft| (e, ft))) {
            Ok(entry) => entry,
            Err(e) if opts.keep_going => {
                loaded.errors.push(fail(e));
                continue;
            }
            Err(e) => return Err(fail(e)),
        };
        let (entry, mut ft) = entry;
        if entry.file_name().to_string_lossy().starts_with('.') {
            continue;
        }
        let path = entry.path();
        let snapshot_file = matches!(
            path.extension().and_then(|e| e.to_str()),
            Some("yaml" | "yml" | "json")
        );
        if ft.is_symlink() {
            // Linked files are read as what they point to (the reader then
            // names a dangling link); linked directories are not followed,
            // which keeps a link cycle from looping.
            match std::fs::metadata(&path) {
                Ok(m) if m.is_dir() => {
                    loaded.warnings.push(LoadWarning::Skipped {
                        path,
                        what: "a symbolic link to a directory",
                    });
                    continue;
                }
                Ok(m) => ft = m.file_type(),
                Err(_) => {
                    if snapshot_file {
                        out.push(path);
                    }
                    continue;
                }
            }
        }
        if ft.is_dir() {
            walk_entries(&path, out, loaded, opts)?;
        } else if !ft.is_file() {
            loaded.warnings.push(LoadWarning::Skipped {
                path,
                what: file_input::describe(&ft),
            });
        } else if snapshot_file {
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
        Ok(text) => parse_text(path, text, opts, &mut result),
        Err(e) => result.errors.push(e),
    }
    result
}

/// Parses YAML or JSON text that was read from `path`.
fn parse_text(path: &Path, text: &str, opts: &LoadOptions, result: &mut FileResult) {
    // Shared by the origins of all the file's objects.
    let path: &Arc<Path> = &Arc::from(path);
    // Editors on Windows start UTF-8 files with a byte-order mark.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let is_json =
        path.extension().is_some_and(|e| e == "json") || text.trim_start().starts_with(['{', '[']);
    if !is_json {
        yaml::parse(path, text, opts, result);
        return;
    }
    let keep_going = opts.keep_going;
    if let Some(fast) = json_fast(path, text, keep_going) {
        result.objects.extend(fast.objects);
        result.errors.extend(fast.errors);
        return;
    }
    for doc in json_documents(path, text, keep_going) {
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
    // On a thread of its own for the stack (see `STACK_BYTES`).
    std::thread::scope(|s| {
        loader_thread()
            .spawn_scoped(s, || parse_text(name, text, opts, &mut result))
            .expect("cannot start a loader thread")
            .join()
            .expect("loader thread panicked")
    });
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
    loaded.warnings.extend(duplicates(&loaded.objects));
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
            loaded.left_out.extend(left_out(&obj));
        } else {
            loaded.objects.push(obj);
        }
    }
    Ok(())
}

/// Objects that share a kind, namespace and name: the store keeps the last
/// of them (path order, then document order), so each earlier one is named
/// with the one that replaces it.
fn duplicates(objects: &[ObjRef]) -> Vec<LoadWarning> {
    let mut last: HashMap<&ObjKey, usize> = HashMap::with_capacity(objects.len());
    let mut out = Vec::new();
    for (i, obj) in objects.iter().enumerate() {
        if let Some(prev) = last.insert(&obj.key, i) {
            out.push(LoadWarning::Duplicate {
                key: obj.key.clone(),
                dropped: objects[prev].origin.clone(),
                kept: obj.origin.clone(),
            });
        }
    }
    out
}

/// Reads the file into `buf` (a regular file only, never more than `limit`
/// bytes whatever size it reports) and returns it as text.
fn read_text<'b>(path: &Path, limit: u64, buf: &'b mut Vec<u8>) -> Result<&'b str, LoadError> {
    let hint = format!(
        "; raise it with --max-file-mb (now {})",
        limit.div_ceil(1024 * 1024)
    );
    file_input::read_into(path, limit, &hint, buf)?;
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

/// The documents of a JSON file (one or several, concatenated) as `Value`s.
/// After a syntax error, `keep_going` resumes at the next line that starts
/// with `{` or `[` after the bad document's start (where the next document
/// of a `kubectl` or one-per-line stream starts), so every later document is
/// either loaded or named in an error.
fn json_documents(path: &Path, text: &str, keep_going: bool) -> Vec<Doc> {
    let mut out = Vec::new();
    let mut lines = Lines {
        text,
        offset: 0,
        line: 1,
    };
    let mut index = 0;
    let mut base = 0;
    'chunks: loop {
        let chunk = &text[base..];
        let chunk_line = lines.of(chunk);
        let mut stream = serde_json::Deserializer::from_str(chunk).into_iter::<Value>();
        loop {
            let offset = base + stream.byte_offset();
            let rest = &text[offset..];
            let start = offset + (rest.len() - rest.trim_start().len());
            let pos = DocPos {
                doc: index + 1,
                item: None,
                line: lines.of(&text[start..]),
                column: None,
            };
            index += 1;
            match stream.next() {
                None => break 'chunks,
                Some(Ok(v)) => out.push(Ok((pos, v, Vec::new()))),
                Some(Err(e)) => {
                    out.push(Err(json_error(path, pos, chunk_line, &e)));
                    let next = next_json_start(text, start);
                    match next.filter(|_| keep_going) {
                        Some(next) => {
                            base = next;
                            continue 'chunks;
                        }
                        None => break 'chunks,
                    }
                }
            }
        }
    }
    out
}

/// The offset of the first line after `from` that starts with `{` or `[`.
fn next_json_start(text: &str, from: usize) -> Option<usize> {
    let rest = &text[from..];
    ["\n{", "\n["]
        .iter()
        .filter_map(|m| rest.find(m))
        .min()
        .map(|n| from + n + 1)
}

/// A serde_json syntax error of a document whose text starts at line
/// `chunk_line` of the file: its line made absolute and its column kept
/// in the position, the bound it hit named.
fn json_error(path: &Path, pos: DocPos, chunk_line: usize, e: &serde_json::Error) -> LoadError {
    let pos = DocPos {
        line: chunk_line + e.line().max(1) - 1,
        column: (e.column() > 0).then_some(e.column()),
        ..pos
    };
    let text = e.to_string();
    let message = match text.rfind(" at line ") {
        Some(at) => text[..at].to_string(),
        None => text,
    };
    if message == "recursion limit exceeded" {
        return LoadError::Bound {
            path: path.to_path_buf(),
            pos,
            message: format!(
                "nested more than {} levels deep, the bound that protects the loader's stack (it cannot be raised)",
                yaml::MAX_DEPTH
            ),
        };
    }
    LoadError::Syntax {
        path: path.to_path_buf(),
        pos,
        format: "JSON",
        message,
    }
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
            column: None,
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
                        column: None,
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
pub(super) fn expand(
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
            column: None,
        };
        push_object(path, item_pos, item, out);
        if !keep_going && !out.errors.is_empty() {
            return;
        }
    }
}

pub(super) fn push_object(path: &Arc<Path>, pos: DocPos, value: Value, out: &mut FileResult) {
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

/// The kinds a `SnapshotInfo` says the capture left out (`forbidden`,
/// `failed`: lists of `{kind, reason}`).
fn left_out(obj: &Object) -> Vec<(String, KindStatus)> {
    let entries = |field: &str, status: fn(String) -> KindStatus| {
        obj.pointer(field)
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(move |e| {
                let kind = e.get("kind")?.as_str()?.to_string();
                let reason = e.get("reason").and_then(Value::as_str).unwrap_or("");
                Some((kind, status(reason.to_string())))
            })
    };
    entries("/forbidden", KindStatus::Forbidden)
        .chain(entries("/failed", |r| {
            KindStatus::error(format!("{r} (when the snapshot was taken)"))
        }))
        .collect()
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
        for doc in json_documents(Path::new("t.json"), text, keep_going) {
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
        parse_text(
            Path::new("t.json"),
            text,
            &LoadOptions {
                keep_going,
                ..LoadOptions::default()
            },
            &mut r,
        );
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
