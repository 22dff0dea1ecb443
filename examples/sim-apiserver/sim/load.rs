//! Loads a snapshot directory the way kready reads one (YAML/JSON files,
//! multi-document, `kind: List`, recursive, hidden entries skipped), keeping
//! whole objects. Each file is parsed on its own, so memory is bounded by
//! the largest file plus the stored objects.

use std::path::{Path, PathBuf};

use serde_json::Value;

use super::resources::split_api_version;
use super::store::Store;

pub fn load_dir(store: &mut Store, path: &Path) -> Result<usize, String> {
    let mut files = Vec::new();
    walk(path, &mut files)?;
    files.sort();
    let mut pending = Vec::new();
    let mut count = 0;
    for file in &files {
        for doc in parse_file(file)? {
            expand(doc, &mut |obj| {
                count += 1;
                add(store, obj, &mut pending);
            });
        }
    }
    // Objects of kinds no CRD (seen so far) declared: CRDs may come later
    // in path order, so they are resolved once everything is read.
    for obj in pending {
        let (group, version) = split_api_version(str_of(&obj, "apiVersion"));
        let kind = str_of(&obj, "kind");
        let res = match store.registry.by_kind(group, kind) {
            Some(r) => r,
            None => {
                let namespaced = obj.pointer("/metadata/namespace").is_some();
                let (g, v, k) = (group.to_string(), version.to_string(), kind.to_string());
                store.registry.add_guess(&g, &v, &k, namespaced)
            }
        };
        store.load(res, obj);
    }
    Ok(count)
}

fn walk(path: &Path, out: &mut Vec<PathBuf>) -> Result<(), String> {
    let meta = std::fs::metadata(path).map_err(|e| format!("{}: {e}", path.display()))?;
    if meta.is_file() {
        out.push(path.to_path_buf());
        return Ok(());
    }
    let entries = std::fs::read_dir(path).map_err(|e| format!("{}: {e}", path.display()))?;
    for entry in entries {
        let entry = entry.map_err(|e| format!("{}: {e}", path.display()))?;
        let p = entry.path();
        let name = entry.file_name();
        if name.to_string_lossy().starts_with('.') {
            continue;
        }
        let ft = entry
            .file_type()
            .map_err(|e| format!("{}: {e}", p.display()))?;
        if ft.is_dir() {
            walk(&p, out)?;
        } else if ft.is_file() {
            let ext = p.extension().and_then(|e| e.to_str()).unwrap_or_default();
            if matches!(ext, "yaml" | "yml" | "json") {
                out.push(p);
            }
        }
    }
    Ok(())
}

/// The documents of one file: a stream of JSON values, or YAML documents.
pub fn parse_file(path: &Path) -> Result<Vec<Value>, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    parse_text(text).map_err(|e| format!("{}: {e}", path.display()))
}

pub fn parse_text(text: &str) -> Result<Vec<Value>, String> {
    let trimmed = text.trim_start();
    if trimmed.starts_with('{') || trimmed.starts_with('[') {
        let docs: Result<Vec<Value>, _> = serde_json::Deserializer::from_str(text)
            .into_iter::<Value>()
            .collect();
        if let Ok(docs) = docs {
            return Ok(docs);
        }
    }
    let docs: Vec<Value> = serde_saphyr::from_multiple(text).map_err(|e| e.to_string())?;
    Ok(docs.into_iter().filter(|d| !d.is_null()).collect())
}

/// Calls `f` with every object of a document (`*List` items flattened).
pub fn expand(doc: Value, f: &mut dyn FnMut(Value)) {
    match doc {
        Value::Array(items) => items.into_iter().for_each(|d| expand(d, f)),
        Value::Object(mut m) => {
            let is_list = m
                .get("kind")
                .and_then(Value::as_str)
                .is_some_and(|k| k.ends_with("List"))
                && m.get("items").is_some_and(Value::is_array);
            if is_list {
                if let Some(Value::Array(items)) = m.remove("items") {
                    items.into_iter().for_each(|d| expand(d, f));
                }
            } else {
                f(Value::Object(m));
            }
        }
        _ => {}
    }
}

fn str_of<'a>(v: &'a Value, key: &str) -> &'a str {
    v.get(key).and_then(Value::as_str).unwrap_or_default()
}

fn add(store: &mut Store, obj: Value, pending: &mut Vec<Value>) {
    let kind = str_of(&obj, "kind").to_string();
    let api_version = str_of(&obj, "apiVersion").to_string();
    let (group, _) = split_api_version(&api_version);
    if kind.is_empty()
        || obj
            .pointer("/metadata/name")
            .and_then(Value::as_str)
            .is_none()
    {
        return;
    }
    match (group, kind.as_str()) {
        // kready's snapshots carry each node's `/configz` as a document.
        ("kubelet.config.k8s.io", "KubeletConfiguration") => {
            let node = obj
                .pointer("/metadata/name")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string();
            let config = match obj.get("kubeletconfig") {
                Some(inner) => inner.clone(),
                None => {
                    let mut c = obj;
                    if let Some(m) = c.as_object_mut() {
                        m.remove("metadata");
                    }
                    c
                }
            };
            store.configz.insert(node, config);
        }
        ("kready.io", "SnapshotInfo") => {
            if let Some(v) = obj.get("serverVersion").and_then(Value::as_str) {
                store.server_version = v.to_string();
            }
        }
        _ => {
            if group == "apiextensions.k8s.io" && kind == "CustomResourceDefinition" {
                store.registry.add_crd(&obj);
            }
            match store.registry.by_kind(group, &kind) {
                Some(res) => store.load(res, obj),
                None => pending.push(obj),
            }
        }
    }
}
