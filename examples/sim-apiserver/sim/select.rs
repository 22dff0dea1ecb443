//! Label and field selectors, parsed as the real server parses them
//! (`k8s.io/apimachinery/pkg/labels` and `.../fields`), with its error
//! messages for what it refuses.

use std::collections::BTreeMap;

use serde_json::Value;

#[derive(Clone, Debug, PartialEq)]
enum Op {
    Eq(String),
    Ne(String),
    In(Vec<String>),
    NotIn(Vec<String>),
    Exists,
    NotExists,
    Gt(i64),
    Lt(i64),
}

#[derive(Clone, Debug, Default)]
pub struct LabelSelector {
    reqs: Vec<(String, Op)>,
}

impl LabelSelector {
    pub fn parse(text: &str) -> Result<LabelSelector, String> {
        let mut reqs = Vec::new();
        for part in split_top_level(text) {
            let part = part.trim();
            if part.is_empty() {
                continue;
            }
            reqs.push(parse_requirement(part)?);
        }
        Ok(LabelSelector { reqs })
    }

    pub fn matches(&self, labels: &BTreeMap<String, String>) -> bool {
        self.reqs.iter().all(|(key, op)| {
            let v = labels.get(key);
            match op {
                Op::Eq(x) => v == Some(x),
                Op::Ne(x) => v != Some(x),
                Op::In(xs) => v.is_some_and(|v| xs.contains(v)),
                Op::NotIn(xs) => v.is_none_or(|v| !xs.contains(v)),
                Op::Exists => v.is_some(),
                Op::NotExists => v.is_none(),
                Op::Gt(n) => v
                    .and_then(|v| v.parse::<i64>().ok())
                    .is_some_and(|v| v > *n),
                Op::Lt(n) => v
                    .and_then(|v| v.parse::<i64>().ok())
                    .is_some_and(|v| v < *n),
            }
        })
    }
}

/// Commas inside `in (a,b)` do not separate requirements.
fn split_top_level(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let (mut depth, mut start) = (0, 0);
    for (i, c) in text.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            ',' if depth == 0 => {
                out.push(&text[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    out.push(&text[start..]);
    out
}

fn parse_requirement(part: &str) -> Result<(String, Op), String> {
    let bad = || format!("unable to parse requirement: found '{part}'");
    if let Some(key) = part.strip_prefix('!') {
        return Ok((valid_key(key.trim())?, Op::NotExists));
    }
    if let Some(open) = part.find('(') {
        let close = part.rfind(')').ok_or_else(bad)?;
        let values: Vec<String> = part[open + 1..close]
            .split(',')
            .map(|v| v.trim().to_string())
            .filter(|v| !v.is_empty())
            .collect();
        let head = part[..open].trim();
        if let Some(key) = head.strip_suffix(" notin") {
            return Ok((valid_key(key.trim())?, Op::NotIn(values)));
        }
        if let Some(key) = head.strip_suffix(" in") {
            return Ok((valid_key(key.trim())?, Op::In(values)));
        }
        return Err(bad());
    }
    for (sep, make) in [
        ("!=", Op::Ne as fn(String) -> Op),
        ("==", Op::Eq),
        ("=", Op::Eq),
    ] {
        if let Some((k, v)) = part.split_once(sep) {
            return Ok((valid_key(k.trim())?, make(v.trim().to_string())));
        }
    }
    for sep in ['>', '<'] {
        if let Some((k, v)) = part.split_once(sep) {
            let n: i64 = v.trim().parse().map_err(|_| bad())?;
            let op = if sep == '>' { Op::Gt(n) } else { Op::Lt(n) };
            return Ok((valid_key(k.trim())?, op));
        }
    }
    Ok((valid_key(part)?, Op::Exists))
}

fn valid_key(key: &str) -> Result<String, String> {
    let ok = !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./".contains(c));
    if ok {
        Ok(key.to_string())
    } else {
        Err(format!(
            "unable to parse requirement: invalid label key \"{key}\""
        ))
    }
}

/// Field selectors: `field=value`, `field==value`, `field!=value`, on the
/// fields the real server indexes for the kind.
#[derive(Clone, Debug, Default)]
pub struct FieldSelector {
    reqs: Vec<(String, bool, String)>,
}

impl FieldSelector {
    pub fn parse(text: &str, kind: &str, group: &str) -> Result<FieldSelector, String> {
        let allowed = supported_fields(kind, group);
        let mut reqs = Vec::new();
        for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let (field, eq, value) = if let Some((f, v)) = part.split_once("!=") {
                (f, false, v)
            } else if let Some((f, v)) = part.split_once("==") {
                (f, true, v)
            } else if let Some((f, v)) = part.split_once('=') {
                (f, true, v)
            } else {
                return Err(format!(
                    "invalid selector: '{text}'; can't understand '{part}'"
                ));
            };
            let field = field.trim();
            if !allowed.contains(&field) {
                return Err(format!("field label not supported: {field}"));
            }
            reqs.push((field.to_string(), eq, value.trim().to_string()));
        }
        Ok(FieldSelector { reqs })
    }

    pub fn is_empty(&self) -> bool {
        self.reqs.is_empty()
    }

    pub fn matches(&self, fields: &[(&'static str, String)]) -> bool {
        self.reqs.iter().all(|(f, eq, want)| {
            let have = fields
                .iter()
                .find(|(k, _)| k == f)
                .map_or("", |(_, v)| v.as_str());
            (have == want) == *eq
        })
    }
}

/// The fields the real server supports in field selectors for a kind
/// (`GetAttrs`/`AddFieldLabelConversionFunc` in its registry).
pub fn supported_fields(kind: &str, group: &str) -> Vec<&'static str> {
    let mut f = vec!["metadata.name", "metadata.namespace"];
    match (group, kind) {
        ("", "Pod") => f.extend([
            "spec.nodeName",
            "spec.restartPolicy",
            "spec.schedulerName",
            "spec.serviceAccountName",
            "spec.hostNetwork",
            "status.phase",
            "status.podIP",
            "status.nominatedNodeName",
        ]),
        ("", "Event") => f.extend([
            "involvedObject.kind",
            "involvedObject.namespace",
            "involvedObject.name",
            "involvedObject.uid",
            "involvedObject.apiVersion",
            "involvedObject.resourceVersion",
            "involvedObject.fieldPath",
            "reason",
            "reportingComponent",
            "source",
            "type",
        ]),
        ("", "Secret") => f.push("type"),
        ("", "Node") => f.push("spec.unschedulable"),
        ("", "Namespace") => f.push("status.phase"),
        ("", "ReplicationController") | ("apps", "ReplicaSet") => f.push("status.replicas"),
        ("batch", "Job") => f.push("status.successful"),
        _ => {}
    }
    f
}

/// The selectable field values of one object (missing fields are "", as the
/// real server's `GetAttrs` gives them).
pub fn field_values(obj: &Value, kind: &str, group: &str) -> Vec<(&'static str, String)> {
    supported_fields(kind, group)
        .into_iter()
        .map(|f| {
            let v = match f {
                // Events' `source` is the reporting component's name.
                "source" => obj.pointer("/source/component"),
                _ => obj.pointer(&format!("/{}", f.replace('.', "/"))),
            };
            let text = match v {
                Some(Value::String(s)) => s.clone(),
                Some(Value::Bool(b)) => b.to_string(),
                Some(Value::Number(n)) => n.to_string(),
                _ if f == "spec.unschedulable" || f == "spec.hostNetwork" => "false".into(),
                _ => String::new(),
            };
            (f, text)
        })
        .collect()
}

/// An object's labels.
pub fn labels_of(obj: &Value) -> BTreeMap<String, String> {
    obj.pointer("/metadata/labels")
        .and_then(Value::as_object)
        .map(|m| {
            m.iter()
                .filter_map(|(k, v)| v.as_str().map(|v| (k.clone(), v.to_string())))
                .collect()
        })
        .unwrap_or_default()
}
