//! Patches and field ownership: JSON merge patch, a strategic merge patch
//! good enough for kubectl (lists of named objects merge by name), and
//! server-side apply with `metadata.managedFields`.
//!
//! Ownership is tracked per leaf field. Associative lists are keyed as the
//! real schema keys them for the kinds kready reads: ports by
//! `containerPort` (or `port`) and `protocol` (default TCP), volume mounts
//! by `mountPath`, volume devices by `devicePath`, conditions by `type`,
//! and any other list of named objects by `name` (containers, env,
//! volumes…): `k:{"name":"app"}`. Other lists are atomic (owned whole). The
//! real server reads the keys from its OpenAPI schema; this table is a
//! stand-in for it.

use std::collections::BTreeSet;

use serde_json::{Map, Value, json};

use super::store::now_rfc3339;

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Elem {
    /// `f:name`
    Field(String),
    /// `k:{"name":"app"}`: the raw key JSON.
    Key(String),
    /// `.`: the list item or map itself (no leaf of it).
    Itself,
}

pub type Path = Vec<Elem>;
pub type FieldSet = BTreeSet<Path>;

/// `.spec.containers[name="app"].image`, as the real conflict message says.
pub fn path_string(path: &Path) -> String {
    let mut s = String::new();
    for e in path {
        match e {
            Elem::Field(f) => {
                s.push('.');
                s.push_str(f);
            }
            Elem::Key(raw) => {
                let parts: Vec<String> = serde_json::from_str::<Map<String, Value>>(raw)
                    .map(|m| m.iter().map(|(k, v)| format!("{k}={v}")).collect())
                    .unwrap_or_else(|_| vec![raw.clone()]);
                s.push('[');
                s.push_str(&parts.join(","));
                s.push(']');
            }
            Elem::Itself => {}
        }
    }
    s
}

/// Metadata fields the server sets: never owned by an applier.
const SERVER_META: &[&str] = &[
    "name",
    "namespace",
    "uid",
    "resourceVersion",
    "generation",
    "creationTimestamp",
    "managedFields",
    "selfLink",
    "deletionTimestamp",
];

/// The leaf fields an object (an apply configuration, or an object whose
/// changes an update owns) sets.
pub fn leaves(obj: &Value) -> FieldSet {
    let mut out = FieldSet::new();
    if let Some(m) = obj.as_object() {
        for (k, v) in m {
            if k == "apiVersion" || k == "kind" {
                continue;
            }
            if k == "metadata" {
                if let Some(meta) = v.as_object() {
                    for (mk, mv) in meta {
                        if !SERVER_META.contains(&mk.as_str()) {
                            walk(
                                mv,
                                vec![Elem::Field(k.clone()), Elem::Field(mk.clone())],
                                &mut out,
                            );
                        }
                    }
                }
                continue;
            }
            walk(v, vec![Elem::Field(k.clone())], &mut out);
        }
    }
    out
}

fn walk(v: &Value, path: Path, out: &mut FieldSet) {
    match v {
        Value::Object(m) if !m.is_empty() => {
            for (k, v) in m {
                let mut p = path.clone();
                p.push(Elem::Field(k.clone()));
                walk(v, p, out);
            }
        }
        Value::Array(items) if list_keys(&path, items).is_some() => {
            let keys = list_keys(&path, items).unwrap_or_default();
            for item in items {
                let mut p = path.clone();
                p.push(Elem::Key(item_key(item, keys)));
                let mut itself = p.clone();
                itself.push(Elem::Itself);
                out.insert(itself);
                walk(item, p, out);
            }
        }
        _ => {
            out.insert(path);
        }
    }
}

fn is_associative(items: &[Value]) -> bool {
    !items.is_empty()
        && items
            .iter()
            .all(|i| i.get("name").and_then(Value::as_str).is_some())
}

/// The keys of a list of objects at `path`, None for an atomic list.
fn list_keys(path: &Path, items: &[Value]) -> Option<&'static [&'static str]> {
    let field = match path.last() {
        Some(Elem::Field(f)) => f.as_str(),
        _ => "",
    };
    let all_have = |k: &str| !items.is_empty() && items.iter().all(|i| i.get(k).is_some());
    match field {
        "ports" if all_have("containerPort") => Some(&["containerPort", "protocol"]),
        "ports" if all_have("port") => Some(&["port", "protocol"]),
        "volumeMounts" if all_have("mountPath") => Some(&["mountPath"]),
        "volumeDevices" if all_have("devicePath") => Some(&["devicePath"]),
        "conditions" if all_have("type") => Some(&["type"]),
        _ if is_associative(items) => Some(&["name"]),
        _ => None,
    }
}

/// The value a key field has when an item leaves it out (the real server
/// defaults it before applying).
fn key_default(key: &str) -> Option<Value> {
    (key == "protocol").then(|| Value::from("TCP"))
}

fn item_key(item: &Value, keys: &[&str]) -> String {
    let mut m = Map::new();
    for k in keys {
        if let Some(v) = item.get(*k).cloned().or_else(|| key_default(k)) {
            m.insert(k.to_string(), v);
        }
    }
    Value::Object(m).to_string()
}

fn key_matches(item: &Value, raw: &str) -> bool {
    match serde_json::from_str::<Map<String, Value>>(raw) {
        Ok(m) => m
            .iter()
            .all(|(k, v)| item.get(k).cloned().or_else(|| key_default(k)).as_ref() == Some(v)),
        Err(_) => false,
    }
}

/// The value at `path`, if any (`Itself` paths: the item).
pub fn get<'a>(v: &'a Value, path: &Path) -> Option<&'a Value> {
    let mut cur = v;
    for e in path {
        cur = match e {
            Elem::Field(f) => cur.get(f)?,
            Elem::Key(raw) => cur.as_array()?.iter().find(|i| key_matches(i, raw))?,
            Elem::Itself => cur,
        };
    }
    Some(cur)
}

/// Sets the value at `path`, creating maps and list items on the way.
fn set(root: &mut Value, path: &Path, value: Value) {
    let mut cur = root;
    for e in path {
        match e {
            Elem::Field(f) => {
                if !cur.is_object() {
                    *cur = Value::Object(Map::new());
                }
                let Some(m) = cur.as_object_mut() else { return };
                cur = m.entry(f.clone()).or_insert(Value::Null);
            }
            Elem::Key(raw) => {
                if !cur.is_array() {
                    *cur = Value::Array(Vec::new());
                }
                let Some(items) = cur.as_array_mut() else {
                    return;
                };
                let pos = match items.iter().position(|i| key_matches(i, raw)) {
                    Some(p) => p,
                    None => {
                        let seed = serde_json::from_str(raw).unwrap_or(Value::Object(Map::new()));
                        items.push(seed);
                        items.len() - 1
                    }
                };
                cur = &mut items[pos];
            }
            Elem::Itself => return,
        }
    }
    *cur = value;
}

/// Removes the field at `path` (a list item when the path names the item).
fn remove(root: &mut Value, path: &Path) {
    let (last, parent) = match path.split_last() {
        Some((Elem::Itself, rest)) => match rest.split_last() {
            Some((l, p)) => (l, p),
            None => return,
        },
        Some((l, p)) => (l, p),
        None => return,
    };
    let mut cur = root;
    for e in parent {
        let next = match e {
            Elem::Field(f) => cur.get_mut(f),
            Elem::Key(raw) => cur
                .as_array_mut()
                .and_then(|items| items.iter_mut().find(|i| key_matches(i, raw))),
            Elem::Itself => Some(cur),
        };
        match next {
            Some(n) => cur = n,
            None => return,
        }
    }
    match last {
        Elem::Field(f) => {
            if let Some(m) = cur.as_object_mut() {
                m.remove(f);
            }
        }
        Elem::Key(raw) => {
            if let Some(items) = cur.as_array_mut() {
                items.retain(|i| !key_matches(i, raw));
            }
        }
        Elem::Itself => {}
    }
}

/// A field set as `fieldsV1` JSON.
pub fn to_fields_v1(set: &FieldSet) -> Value {
    let mut root = Map::new();
    for path in set {
        let mut cur = &mut root;
        for e in path {
            let key = match e {
                Elem::Field(f) => format!("f:{f}"),
                Elem::Key(raw) => format!("k:{raw}"),
                Elem::Itself => ".".to_string(),
            };
            let next = cur.entry(key).or_insert_with(|| Value::Object(Map::new()));
            let Some(m) = next.as_object_mut() else { break };
            cur = m;
        }
    }
    Value::Object(root)
}

/// `fieldsV1` JSON as a field set (leaves: entries with no children).
pub fn from_fields_v1(v: &Value) -> FieldSet {
    fn go(v: &Value, path: Path, out: &mut FieldSet) {
        let Some(m) = v.as_object() else { return };
        if m.is_empty() && !path.is_empty() {
            out.insert(path);
            return;
        }
        for (k, child) in m {
            let e = if k == "." {
                Elem::Itself
            } else if let Some(f) = k.strip_prefix("f:") {
                Elem::Field(f.to_string())
            } else if let Some(raw) = k.strip_prefix("k:") {
                Elem::Key(raw.to_string())
            } else {
                // `v:` (set members) and `i:` are kept opaque.
                Elem::Field(k.clone())
            };
            let mut p = path.clone();
            p.push(e);
            go(child, p, out);
        }
    }
    let mut out = FieldSet::new();
    go(v, Vec::new(), &mut out);
    out
}

/// One `managedFields` entry.
#[derive(Clone, Debug)]
pub struct Manager {
    pub manager: String,
    pub operation: String,
    pub api_version: String,
    pub time: String,
    pub fields: FieldSet,
    /// `subresource`, kept as read.
    pub subresource: Option<String>,
}

pub fn managers_of(obj: &Value) -> Vec<Manager> {
    obj.pointer("/metadata/managedFields")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .map(|m| {
                    let s = |k: &str| {
                        m.get(k)
                            .and_then(Value::as_str)
                            .unwrap_or_default()
                            .to_string()
                    };
                    Manager {
                        manager: s("manager"),
                        operation: s("operation"),
                        api_version: s("apiVersion"),
                        time: s("time"),
                        fields: m.get("fieldsV1").map(from_fields_v1).unwrap_or_default(),
                        subresource: m
                            .get("subresource")
                            .and_then(Value::as_str)
                            .map(String::from),
                    }
                })
                .collect()
        })
        .unwrap_or_default()
}

fn write_managers(obj: &mut Value, managers: &[Manager]) {
    let entries: Vec<Value> = managers
        .iter()
        .filter(|m| !m.fields.is_empty())
        .map(|m| {
            let mut e = json!({
                "manager": m.manager,
                "operation": m.operation,
                "apiVersion": m.api_version,
                "time": m.time,
                "fieldsType": "FieldsV1",
                "fieldsV1": to_fields_v1(&m.fields),
            });
            if let (Some(sub), Some(map)) = (&m.subresource, e.as_object_mut()) {
                map.insert("subresource".into(), sub.clone().into());
            }
            e
        })
        .collect();
    if let Some(meta) = obj.get_mut("metadata").and_then(Value::as_object_mut) {
        if entries.is_empty() {
            meta.remove("managedFields");
        } else {
            meta.insert("managedFields".into(), Value::Array(entries));
        }
    }
}

/// An apply that conflicts with other managers: (manager label, path).
pub struct Conflicts(pub Vec<(String, Path)>);

impl Conflicts {
    /// The real server's message (`fieldmanager/internal/conflict.go`).
    pub fn message(&self) -> String {
        let n = self.0.len();
        if n == 1 {
            let (m, p) = &self.0[0];
            return format!(
                "Apply failed with 1 conflict: conflict with {m}: {}",
                path_string(p)
            );
        }
        let mut managers: Vec<&String> = self.0.iter().map(|(m, _)| m).collect();
        managers.sort();
        managers.dedup();
        let mut lines = Vec::new();
        for m in managers {
            lines.push(format!("conflicts with {m}:"));
            for (_, p) in self.0.iter().filter(|(mm, _)| mm == m) {
                lines.push(format!("- {}", path_string(p)));
            }
        }
        format!("Apply failed with {n} conflicts: {}", lines.join("\n"))
    }

    /// `details.causes` of the 409 Status.
    pub fn causes(&self) -> Value {
        Value::Array(
            self.0
                .iter()
                .map(|(m, p)| {
                    json!({"type": "FieldManagerConflict", "message": format!("conflict with {m}"), "field": path_string(p)})
                })
                .collect(),
        )
    }
}

/// How the real server names a manager in conflicts: quoted, and for an
/// update with its API version and time.
fn manager_label(m: &Manager) -> String {
    if m.operation == "Update" {
        if m.time.is_empty() {
            format!("{:?} using {}", m.manager, m.api_version)
        } else {
            format!("{:?} using {} at {}", m.manager, m.api_version, m.time)
        }
    } else {
        format!("{:?}", m.manager)
    }
}

/// Server-side apply of `applied` (an apply configuration) by `manager` to
/// `live` (None: the object is created). Returns the new object.
pub fn apply(
    live: Option<&Value>,
    applied: &Value,
    manager: &str,
    api_version: &str,
    force: bool,
) -> Result<Value, Conflicts> {
    let applied_set = leaves(applied);
    let mut managers = live.map(managers_of).unwrap_or_default();
    let base = live.cloned().unwrap_or_else(|| {
        json!({"apiVersion": applied.get("apiVersion"), "kind": applied.get("kind"), "metadata": {}})
    });
    let is_me =
        |m: &Manager| m.manager == manager && m.operation == "Apply" && m.subresource.is_none();

    // Another manager owns a field this apply sets to a different value.
    let mut conflicts = Vec::new();
    for m in managers.iter().filter(|m| !is_me(m)) {
        for p in m.fields.intersection(&applied_set) {
            if matches!(p.last(), Some(Elem::Itself)) {
                continue;
            }
            if get(&base, p) != get(applied, p) {
                conflicts.push((manager_label(m), p.clone()));
            }
        }
    }
    if !conflicts.is_empty() {
        if !force {
            return Err(Conflicts(conflicts));
        }
        // Forcing takes the conflicting fields away from their owners.
        for m in managers.iter_mut().filter(|m| !is_me(m)) {
            for (_, p) in &conflicts {
                m.fields.remove(p);
            }
        }
    }

    let mut out = base.clone();
    for p in &applied_set {
        let Some(v) = get(applied, p) else { continue };
        // An empty map in the configuration (`emptyDir: {}`) owns the
        // field without clearing what is in it.
        let keeps = v.as_object().is_some_and(|m| m.is_empty())
            && get(&out, p).is_some_and(Value::is_object);
        if !matches!(p.last(), Some(Elem::Itself)) && !keeps {
            set(&mut out, p, v.clone());
        }
    }
    // Fields this manager applied before and no longer does are removed,
    // unless someone else owns them too.
    let before: FieldSet = managers
        .iter()
        .find(|m| is_me(m))
        .map(|m| m.fields.clone())
        .unwrap_or_default();
    for p in before.difference(&applied_set) {
        let shared = managers.iter().any(|m| !is_me(m) && m.fields.contains(p));
        if !shared {
            remove(&mut out, p);
        }
    }
    if let Some(m) = out.as_object_mut() {
        m.insert("apiVersion".into(), api_version.into());
    }
    managers.retain(|m| !is_me(m));
    managers.insert(
        0,
        Manager {
            manager: manager.into(),
            operation: "Apply".into(),
            api_version: api_version.into(),
            time: now_rfc3339(),
            fields: applied_set,
            subresource: None,
        },
    );
    write_managers(&mut out, &managers);
    Ok(out)
}

/// Records an update (create, replace, merge patch) by `manager`: it owns
/// the leaf fields it changed, taking them from others without conflict.
pub fn record_update(old: Option<&Value>, new: &mut Value, manager: &str, api_version: &str) {
    let mut managers = old.map(managers_of).unwrap_or_default();
    let changed: FieldSet = leaves(new)
        .into_iter()
        .filter(|p| old.is_none_or(|o| get(o, p) != get(new, p)))
        .collect();
    if changed.is_empty() {
        write_managers(new, &managers);
        return;
    }
    for m in &mut managers {
        for p in &changed {
            m.fields.remove(p);
        }
    }
    match managers
        .iter_mut()
        .find(|m| m.manager == manager && m.operation == "Update" && m.subresource.is_none())
    {
        Some(m) => {
            m.fields.extend(changed);
            m.time = now_rfc3339();
            m.api_version = api_version.into();
        }
        None => managers.push(Manager {
            manager: manager.into(),
            operation: "Update".into(),
            api_version: api_version.into(),
            time: now_rfc3339(),
            fields: changed,
            subresource: None,
        }),
    }
    write_managers(new, &managers);
}

/// RFC 7386 JSON merge patch.
pub fn merge_patch(target: &mut Value, patch: &Value) {
    let Some(p) = patch.as_object() else {
        *target = patch.clone();
        return;
    };
    if !target.is_object() {
        *target = Value::Object(Map::new());
    }
    let Some(t) = target.as_object_mut() else {
        return;
    };
    for (k, v) in p {
        if v.is_null() {
            t.remove(k);
        } else {
            merge_patch(t.entry(k.clone()).or_insert(Value::Null), v);
        }
    }
}

/// A strategic merge patch, approximately: maps merge, lists of named
/// objects merge by name (`$patch: delete` removes an item), other lists
/// are replaced.
pub fn strategic_merge_patch(target: &mut Value, patch: &Value) {
    match (target, patch) {
        (Value::Object(t), Value::Object(p)) => {
            for (k, v) in p {
                if k.starts_with("$") {
                    continue;
                }
                if v.is_null() {
                    t.remove(k);
                } else {
                    strategic_merge_patch(t.entry(k.clone()).or_insert(Value::Null), v);
                }
            }
        }
        (Value::Array(t), Value::Array(p)) if is_associative(p) && is_associative(t) => {
            for item in p {
                let name = item.get("name");
                let pos = t.iter().position(|i| i.get("name") == name);
                let delete = item.get("$patch").and_then(Value::as_str) == Some("delete");
                match (pos, delete) {
                    (Some(i), true) => {
                        t.remove(i);
                    }
                    (Some(i), false) => strategic_merge_patch(&mut t[i], item),
                    (None, false) => t.push(item.clone()),
                    (None, true) => {}
                }
            }
        }
        (t, p) => *t = p.clone(),
    }
}
