//! YAML snapshot files, converted as they are parsed.
//!
//! A file is split into documents at `---`/`...` lines at column 0 (a
//! block scalar's content is always indented, so such a line can only
//! separate documents), and each document is parsed on its own: a syntax
//! error loses that document only, and the parser's bounds apply per
//! document.
//!
//! The items of a `kind: List` are converted one by one while the list is
//! parsed, so only one item's `Value` tree is alive at a time (a 200 MB
//! list used to become a 3 GB tree before its first item was converted).
//! `kubectl` writes `items` before `kind`, so whether a document is a list
//! is guessed from its text first; a wrong guess costs a second parse, never
//! a different result.
//!
//! Bounds: the file size (checked by the reader), the nesting depth, and
//! the events aliases may replay (the "billion laughs" protection). Node,
//! event and scalar counts are not bounded separately: without aliases they
//! cannot exceed the file size.

use std::borrow::Cow;
use std::fmt;
use std::path::Path;
use std::sync::Arc;

use serde::Deserialize;
use serde::de::value::{MapAccessDeserializer, SeqAccessDeserializer};
use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};
use serde_saphyr::budget::BudgetBreach;
use serde_saphyr::{Budget, Error, MessageFormatter, Spanned, UserMessageFormatter};

use super::snapshot::{DocPos, FileResult, LoadError, LoadOptions, expand, push_object};

/// Nesting deeper than this is refused: parsing and converting recurse, and
/// JSON's parser stops at the same depth.
pub const MAX_DEPTH: usize = 128;

/// Default bound on the events aliases (`*name`) may replay in one document.
/// Snapshots `kubectl` writes have no aliases at all, hand-written files a
/// few; a few-hundred-byte "billion laughs" file would otherwise expand to
/// gigabytes.
pub const DEFAULT_MAX_ALIAS_EVENTS: usize = 100_000;

/// Parses the YAML `text` of `path` into `out`.
pub(super) fn parse(path: &Arc<Path>, text: &str, opts: &LoadOptions, out: &mut FileResult) {
    let mut index = 0;
    for (start, body) in documents(text) {
        let Some(first_line) = first_content_line(body) else {
            continue;
        };
        index += 1;
        let pos = DocPos {
            doc: index,
            item: None,
            line: start + first_line - 1,
            column: None,
        };
        let doc = Doc {
            path,
            pos,
            body,
            start,
            opts,
        };
        doc.load(out);
        if !opts.keep_going && !out.errors.is_empty() {
            break;
        }
    }
}

/// The documents of a file: the 1-based line where each starts and its text
/// (a `--- ` marker's line is the document's first line, without the marker).
pub(crate) fn documents(text: &str) -> Vec<(usize, &str)> {
    // Lines that start with a marker's three characters; few in any file.
    let mut candidates: Vec<usize> = ["\n---", "\n..."]
        .iter()
        .flat_map(|m| text.match_indices(m).map(|(at, _)| at + 1))
        .collect();
    if text.starts_with("---") || text.starts_with("...") {
        candidates.push(0);
    }
    candidates.sort_unstable();

    let mut docs = Vec::new();
    let (mut start, mut start_line) = (0, 1);
    let (mut counted, mut line) = (0, 1);
    for at in candidates {
        line += newlines(&text.as_bytes()[counted..at]);
        counted = at;
        let end = text[at..].find('\n').map_or(text.len(), |n| at + n + 1);
        let rest = text[at + 3..end].trim_end_matches(['\n', '\r']);
        if !rest.is_empty() && !rest.starts_with([' ', '\t']) {
            continue;
        }
        docs.push((start_line, &text[start..at]));
        if text[at..].starts_with("---") {
            // `--- {…}` may carry content on the marker line.
            (start, start_line) = (at + 3, line);
        } else if rest.trim().is_empty() {
            (start, start_line) = (end, line + 1);
        } else {
            // `... x` is not a document end: undo the split.
            docs.pop();
        }
    }
    docs.push((start_line, &text[start..]));
    docs
}

fn newlines(b: &[u8]) -> usize {
    b.iter().filter(|&&c| c == b'\n').count()
}

/// The 1-based line of a document's first content (not blank, not a
/// comment); `None` for a document without any.
fn first_content_line(body: &str) -> Option<usize> {
    body.lines()
        .position(|l| {
            let t = l.trim();
            !t.is_empty() && !t.starts_with('#')
        })
        .map(|i| i + 1)
}

/// The value of the document's top-level `kind:` line, as text: only a
/// guess (see the module comment).
fn guessed_kind(body: &str) -> Option<&str> {
    let at = if body.starts_with("kind:") {
        0
    } else {
        body.find("\nkind:")? + 1
    };
    let rest = &body[at + "kind:".len()..];
    let value = rest[..rest.find('\n').unwrap_or(rest.len())].trim();
    let value = value.split(" #").next().unwrap_or(value).trim();
    Some(value.trim_matches(['"', '\'']))
}

struct Doc<'a> {
    path: &'a Arc<Path>,
    pos: DocPos,
    body: &'a str,
    /// The line the body starts on.
    start: usize,
    opts: &'a LoadOptions,
}

/// What parsing a document gave besides the objects it pushed.
enum Parsed {
    /// A whole document, to be expanded as the JSON `Value` path does.
    Value(Value),
    /// A list whose items were converted as they were parsed.
    Streamed,
    /// The items were converted, but the document is not a list after all.
    NotAList,
}

impl Doc<'_> {
    fn load(&self, out: &mut FileResult) {
        let before = out.errors.len();
        self.convert(out);
        // Each search walks the document: a few are enough to fix a file.
        for e in out.errors[before..].iter_mut().take(10) {
            self.point_at_field(e);
        }
    }

    /// Moves an object error's line from its object to its bad field.
    fn point_at_field(&self, e: &mut LoadError) {
        let LoadError::Object {
            pos,
            field: Some(field),
            ..
        } = e
        else {
            return;
        };
        let path = match pos.item {
            Some(i) => format!("items[{}].{field}", i - 1),
            None => field.clone(),
        };
        if let Some(line) = field_line(self.body, &path) {
            pos.line = self.start + line - 1;
        }
    }

    fn convert(&self, out: &mut FileResult) {
        let stream = guessed_kind(self.body).is_some_and(|k| k.ends_with("List"));
        let before = (out.objects.len(), out.errors.len());
        match self.parse(stream, out) {
            Ok(Parsed::Streamed) => {}
            Ok(Parsed::Value(v)) => self.expand(v, out),
            Ok(Parsed::NotAList) => {
                out.objects.truncate(before.0);
                out.errors.truncate(before.1);
                match self.parse(false, out) {
                    Ok(Parsed::Value(v)) => self.expand(v, out),
                    Ok(_) => unreachable!("nothing is streamed when not asked"),
                    Err(e) => out.errors.push(self.error(&e)),
                }
            }
            Err(e) => {
                // A malformed document is lost whole, as in JSON.
                out.objects.truncate(before.0);
                out.errors.truncate(before.1);
                out.errors.push(self.error(&e));
            }
        }
    }

    fn parse(&self, stream: bool, out: &mut FileResult) -> Result<Parsed, Error> {
        let seed = DocSeed {
            doc: self,
            stream,
            out,
        };
        serde_saphyr::with_deserializer_from_str_with_options(
            self.body,
            parser_options(self.opts),
            |de| seed.deserialize(de),
        )
    }

    fn expand(&self, value: Value, out: &mut FileResult) {
        let lines = list_item_lines(self.body, self.start);
        expand(
            self.path,
            self.pos.clone(),
            value,
            &lines,
            out,
            self.opts.keep_going,
        );
    }

    fn error(&self, e: &Error) -> LoadError {
        let mut pos = self.pos.clone();
        if let Some(loc) = e.location().filter(|l| l.line() > 0) {
            pos.line = self.start + loc.line() as usize - 1;
            pos.column = Some(loc.column() as usize);
        }
        let words = Words { opts: self.opts };
        let message = words.format_message(original(e)).into_owned();
        let path = self.path.to_path_buf();
        if is_bound(e) {
            LoadError::Bound { path, pos, message }
        } else {
            LoadError::Syntax {
                path,
                pos,
                format: "YAML",
                message,
            }
        }
    }

    /// The position of the `i`-th (0-based) item, at `line` of the body.
    fn item_pos(&self, i: usize, line: usize) -> DocPos {
        DocPos {
            doc: self.pos.doc,
            item: Some(i + 1),
            line: self.start + line - 1,
            column: None,
        }
    }
}

pub(crate) fn parser_options(opts: &LoadOptions) -> serde_saphyr::Options {
    let mut budget = Budget::default();
    // The reader bounds the file size; without aliases a document cannot
    // hold more nodes, events or scalar bytes than it has bytes.
    budget.max_reader_input_bytes = None;
    budget.max_events = usize::MAX;
    budget.max_nodes = usize::MAX;
    budget.max_total_scalar_bytes = usize::MAX;
    budget.max_total_comment_bytes = usize::MAX;
    budget.max_documents = usize::MAX;
    budget.max_depth = MAX_DEPTH;
    // Aliases are bounded by what they replay, not by how many there are.
    budget.max_aliases = usize::MAX;
    budget.enforce_alias_anchor_ratio = false;
    let mut o = serde_saphyr::Options::default();
    o.budget = Some(budget);
    o.alias_limits.max_total_replayed_events = opts.max_alias_events;
    o.emit_comments = false;
    o.with_snippet = false;
    o
}

/// The parser's error without the wrappers that only add locations.
fn original(mut e: &Error) -> &Error {
    while let Error::AliasError { error, .. } | Error::WithSnippet { error, .. } = e {
        e = error;
    }
    e
}

/// Whether the error is a bound of ours rather than bad YAML.
fn is_bound(e: &Error) -> bool {
    matches!(
        original(e),
        Error::Budget { .. }
            | Error::AliasReplayLimitExceeded { .. }
            | Error::AliasExpansionLimitExceeded { .. }
            | Error::AliasReplayStackDepthExceeded { .. }
    )
}

/// The parser's messages for people reading a snapshot, not for the
/// programmer calling the parser ("set DuplicateKeyPolicy in Options").
struct Words<'a> {
    opts: &'a LoadOptions,
}

impl MessageFormatter for Words<'_> {
    fn format_message<'a>(&self, err: &'a Error) -> Cow<'a, str> {
        let alias_bound = || {
            format!(
                "aliases (*name) expand to more than {} parser events, the bound against alias bombs; \
                 raise it with --max-alias-events",
                self.opts.max_alias_events
            )
        };
        match err {
            Error::Budget { breach, .. } => Cow::Owned(match breach {
                BudgetBreach::Depth { .. } => format!(
                    "nested more than {MAX_DEPTH} levels deep, the bound that protects the \
                     loader's stack (it cannot be raised)"
                ),
                BudgetBreach::RecordedAnchorEvents { .. }
                | BudgetBreach::RecordedAnchorBytes { .. } => {
                    "anchors (&name) hold more than the parser keeps for aliases (1,000,000 \
                     events or 64 MiB), the bound against alias bombs"
                        .to_string()
                }
                other => format!("over a YAML parser bound: {other:?}"),
            }),
            Error::AliasReplayLimitExceeded { .. }
            | Error::AliasExpansionLimitExceeded { .. }
            | Error::AliasReplayStackDepthExceeded { .. } => Cow::Owned(alias_bound()),
            Error::DuplicateMappingKey { key: Some(k), .. } => {
                Cow::Owned(format!("the key {k:?} appears twice in one mapping"))
            }
            Error::DuplicateMappingKey { key: None, .. } => {
                Cow::Borrowed("a key appears twice in one mapping")
            }
            other => UserMessageFormatter.format_message(other),
        }
    }
}

/// Lines where the items of a top-level `items:` sequence start, for lists
/// read as a whole `Value` (flow style, or not guessed to be lists).
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

/// Reads a document: a mapping field by field (its `items` streamed when
/// `stream`), anything else as a `Value`.
struct DocSeed<'d, 'o> {
    doc: &'d Doc<'d>,
    stream: bool,
    out: &'o mut FileResult,
}

impl<'de> DeserializeSeed<'de> for DocSeed<'_, '_> {
    type Value = Parsed;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Parsed, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for DocSeed<'_, '_> {
    type Value = Parsed;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a Kubernetes object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Parsed, A::Error> {
        let mut fields = Map::new();
        let mut streamed = false;
        while let Some(key) = map.next_key::<String>()? {
            if key == "items" && self.stream {
                let items = ItemsSeed {
                    doc: self.doc,
                    out: &mut *self.out,
                };
                match map.next_value_seed(items)? {
                    Some(v) => {
                        fields.insert(key, v);
                    }
                    None => streamed = true,
                }
            } else {
                fields.insert(key, map.next_value()?);
            }
        }
        if !streamed {
            return Ok(Parsed::Value(Value::Object(fields)));
        }
        let is_list = fields
            .get("kind")
            .and_then(Value::as_str)
            .is_some_and(|k| k.ends_with("List"));
        Ok(if is_list {
            Parsed::Streamed
        } else {
            Parsed::NotAList
        })
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Parsed, A::Error> {
        Value::deserialize(SeqAccessDeserializer::new(seq)).map(Parsed::Value)
    }

    fn visit_bool<E: serde::de::Error>(self, v: bool) -> Result<Parsed, E> {
        Ok(Parsed::Value(Value::Bool(v)))
    }

    fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Parsed, E> {
        Ok(Parsed::Value(v.into()))
    }

    fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Parsed, E> {
        Ok(Parsed::Value(v.into()))
    }

    fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<Parsed, E> {
        Ok(Parsed::Value(v.into()))
    }

    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Parsed, E> {
        Ok(Parsed::Value(v.into()))
    }

    fn visit_unit<E: serde::de::Error>(self) -> Result<Parsed, E> {
        Ok(Parsed::Value(Value::Null))
    }

    fn visit_none<E: serde::de::Error>(self) -> Result<Parsed, E> {
        Ok(Parsed::Value(Value::Null))
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Parsed, D::Error> {
        d.deserialize_any(self)
    }
}

/// A list's `items`: a sequence is converted item by item (`None`), any
/// other value is returned for `expand` to report or skip.
struct ItemsSeed<'d, 'o> {
    doc: &'d Doc<'d>,
    out: &'o mut FileResult,
}

impl<'de> DeserializeSeed<'de> for ItemsSeed<'_, '_> {
    type Value = Option<Value>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Option<Value>, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for ItemsSeed<'_, '_> {
    type Value = Option<Value>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a sequence of objects")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Option<Value>, A::Error> {
        let keep_going = self.doc.opts.keep_going;
        let mut i = 0;
        while let Some(item) = seq.next_element::<Spanned<Value>>()? {
            let pos = self.doc.item_pos(i, item.referenced.line() as usize);
            push_object(self.doc.path, pos, item.value, self.out);
            i += 1;
            if !keep_going && !self.out.errors.is_empty() {
                // The load fails on this error: only check the rest parses.
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                break;
            }
        }
        Ok(None)
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Option<Value>, A::Error> {
        Value::deserialize(MapAccessDeserializer::new(map)).map(Some)
    }

    fn visit_bool<E: serde::de::Error>(self, v: bool) -> Result<Option<Value>, E> {
        Ok(Some(Value::Bool(v)))
    }

    fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Option<Value>, E> {
        Ok(Some(v.into()))
    }

    fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Option<Value>, E> {
        Ok(Some(v.into()))
    }

    fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<Option<Value>, E> {
        Ok(Some(v.into()))
    }

    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Option<Value>, E> {
        Ok(Some(v.into()))
    }

    fn visit_unit<E: serde::de::Error>(self) -> Result<Option<Value>, E> {
        Ok(Some(Value::Null))
    }

    fn visit_none<E: serde::de::Error>(self) -> Result<Option<Value>, E> {
        Ok(Some(Value::Null))
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Option<Value>, D::Error> {
        d.deserialize_any(self)
    }
}

/// The 1-based line, in the YAML or JSON `text`, of the node at the field
/// `path` of a decode error (`spec.containers[0].image`), found by walking
/// the parser's events: decoding works on a `Value`, which has no lines.
/// Keys are matched against the rest of the path, so a key holding dots
/// (`app.kubernetes.io/name`) is found too. `None` when the path is not in
/// the text; only called for errors.
pub(super) fn field_line(text: &str, path: &str) -> Option<usize> {
    let mut events = granit_parser::Parser::new_from_str(text)
        .map_while(Result::ok)
        .filter(|(e, _)| is_node(e) || matches!(e, Event::SequenceEnd | Event::MappingEnd));
    // Up to the root node.
    loop {
        let (e, span) = events.next()?;
        if is_node(&e) {
            return find(&mut events, e, span.start.line(), path);
        }
    }
}

use serde_saphyr::granit_parser;

type Event<'a> = granit_parser::Event<'a>;

fn is_node(e: &Event) -> bool {
    matches!(
        e,
        Event::Scalar(..) | Event::SequenceStart(..) | Event::MappingStart(..) | Event::Alias(..)
    )
}

/// Looks for `rest` below the node that starts with `first` (at `line`).
fn find<'a>(
    events: &mut impl Iterator<Item = (Event<'a>, granit_parser::Span)>,
    first: Event<'a>,
    line: usize,
    rest: &str,
) -> Option<usize> {
    if rest.is_empty() {
        return Some(line);
    }
    match first {
        Event::MappingStart(..) => loop {
            let (key, key_span) = events.next()?;
            let Event::Scalar(k, ..) = key else {
                return None;
            };
            let (value, value_span) = events.next()?;
            let after = rest
                .strip_prefix(k.as_ref())
                .filter(|r| r.is_empty() || r.starts_with(['.', '[']));
            match after {
                // A scalar value is on its key's line; a block collection
                // starts below it, the key's line is the one to show.
                Some("") => return Some(key_span.start.line()),
                Some(r) => {
                    let line = value_span.start.line();
                    return find(events, value, line, r.strip_prefix('.').unwrap_or(r));
                }
                None => skip(events, &value)?,
            }
        },
        Event::SequenceStart(..) => {
            let inner = rest.strip_prefix('[')?;
            let close = inner.find(']')?;
            let index: usize = inner[..close].parse().ok()?;
            let r = &inner[close + 1..];
            let r = r.strip_prefix('.').unwrap_or(r);
            for _ in 0..index {
                let (e, _) = events.next()?;
                if matches!(e, Event::SequenceEnd) {
                    return None;
                }
                skip(events, &e)?;
            }
            let (e, span) = events.next()?;
            is_node(&e).then_some(())?;
            find(events, e, span.start.line(), r)
        }
        _ => None,
    }
}

/// Consumes the rest of the node that starts with `first`.
fn skip<'a>(
    events: &mut impl Iterator<Item = (Event<'a>, granit_parser::Span)>,
    first: &Event<'a>,
) -> Option<()> {
    let mut depth = match first {
        Event::SequenceStart(..) | Event::MappingStart(..) => 1,
        _ => return Some(()),
    };
    while depth > 0 {
        match events.next()?.0 {
            Event::SequenceStart(..) | Event::MappingStart(..) => depth += 1,
            Event::SequenceEnd | Event::MappingEnd => depth -= 1,
            _ => {}
        }
    }
    Some(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documents_split_at_markers_only() {
        let text = "# c\n---\na: 1\n--- {b: 2}\n...\nc: |\n  ---\n  x\n- d\n---\r\ne: 3";
        let docs = documents(text);
        let got: Vec<(usize, &str)> = docs;
        assert_eq!(
            got,
            [
                (1, "# c\n"),
                (2, "\na: 1\n"),
                (4, " {b: 2}\n"),
                (6, "c: |\n  ---\n  x\n- d\n"),
                (10, "\r\ne: 3"),
            ]
        );
    }

    #[test]
    fn field_lines_are_found_in_yaml_and_json() {
        let yaml = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  labels:\n    app.kubernetes.io/name: [1]\nspec:\n  containers:\n  - name: a\n    image: x\n  - name: b\n    image: [1]\n";
        assert_eq!(field_line(yaml, "spec.containers[1].image"), Some(12));
        assert_eq!(field_line(yaml, "spec.containers[1]"), Some(11));
        assert_eq!(
            field_line(yaml, "metadata.labels.app.kubernetes.io/name"),
            Some(6)
        );
        assert_eq!(field_line(yaml, "spec.containers[2].image"), None);
        assert_eq!(field_line(yaml, "status"), None);
        let json = "{\"kind\": \"Pod\",\n \"spec\": {\"containers\": [\n  {\"name\": \"a\"},\n  {\"name\": \"b\", \"image\": 7}]}}";
        assert_eq!(field_line(json, "spec.containers[1].image"), Some(4));
    }

    #[test]
    fn kind_is_guessed_from_a_top_level_line() {
        assert_eq!(
            guessed_kind("apiVersion: v1\nitems: []\nkind: List\n"),
            Some("List")
        );
        assert_eq!(guessed_kind("kind: \"PodList\" # c\n"), Some("PodList"));
        assert_eq!(guessed_kind("items:\n- kind: Pod\n"), None);
    }
}
