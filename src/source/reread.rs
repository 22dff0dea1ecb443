//! An object re-read whole from the snapshot file it came from: the store
//! keeps a managed pod trimmed to what checks read, and an SRE asking for
//! its YAML wants to see the image, env and command it runs. Called off
//! the event loop (a file may be large).

use std::path::Path;

use serde_json::Value;

use super::snapshot::{DEFAULT_MAX_FILE_BYTES, LoadOptions};
use super::yaml::{documents, parser_options};
use crate::model::{ObjKey, Origin};

/// The object `key` from `origin`'s file, as written there; the error
/// names the file.
pub fn object(origin: &Origin, key: &ObjKey) -> Result<Value, String> {
    let path: &Path = &origin.file;
    let shown = path.display();
    let meta = std::fs::metadata(path).map_err(|e| format!("{shown}: {e}"))?;
    if meta.len() > DEFAULT_MAX_FILE_BYTES {
        return Err(format!(
            "{shown}: {} bytes, more than kready reads",
            meta.len()
        ));
    }
    let text = std::fs::read_to_string(path).map_err(|e| format!("{shown}: {e}"))?;
    let is_json = text.trim_start().starts_with('{') || text.trim_start().starts_with('[');
    let found = if is_json {
        serde_json::Deserializer::from_str(&text)
            .into_iter::<Value>()
            .map_while(Result::ok)
            .find_map(|v| find(v, key))
    } else {
        let docs = documents(&text);
        // The document holding the object's line first, then any.
        let at = docs
            .iter()
            .rposition(|(line, _)| *line <= origin.line)
            .unwrap_or(0);
        let opts = LoadOptions::default();
        docs.get(at)
            .into_iter()
            .chain(docs.iter())
            .find_map(|(_, body)| {
                serde_saphyr::from_str_with_options::<Value>(body, parser_options(&opts))
                    .ok()
                    .and_then(|v| find(v, key))
            })
    };
    found.ok_or_else(|| format!("{shown} no longer holds {key}"))
}

/// `key` in a document: the document itself, or an item of a List.
fn find(v: Value, key: &ObjKey) -> Option<Value> {
    if is(&v, key) {
        return Some(v);
    }
    match v {
        Value::Object(mut map) => match map.remove("items") {
            Some(Value::Array(items)) => items.into_iter().find(|i| is(i, key)),
            _ => None,
        },
        Value::Array(items) => items.into_iter().find_map(|i| find(i, key)),
        _ => None,
    }
}

fn is(v: &Value, key: &ObjKey) -> bool {
    let s = |p: &str| v.pointer(p).and_then(Value::as_str).unwrap_or("");
    s("/kind") == key.kind.as_str()
        && s("/metadata/name") == key.name.as_str()
        && s("/metadata/namespace") == key.namespace.as_str()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    #[test]
    fn a_pod_is_read_back_whole_from_its_document_or_list() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("pods.yaml");
        std::fs::write(
            &file,
            "apiVersion: v1\nkind: Pod\nmetadata: {name: a, namespace: shop}\n\
             spec: {containers: [{name: c, image: 'shop/a:1.2', env: [{name: MODE, value: live}]}]}\n\
             ---\napiVersion: v1\nkind: List\nitems:\n\
             - apiVersion: v1\n  kind: Pod\n  metadata: {name: b, namespace: shop}\n  \
             spec: {containers: [{name: c, image: 'shop/b:2', command: [run]}]}\n",
        )
        .unwrap();
        let origin = |line| Origin {
            file: Arc::from(file.as_path()),
            line,
        };
        let a = object(&origin(1), &ObjKey::new("Pod", "shop", "a")).unwrap();
        assert_eq!(a.pointer("/spec/containers/0/image").unwrap(), "shop/a:1.2");
        assert_eq!(a.pointer("/spec/containers/0/env/0/value").unwrap(), "live");
        let b = object(&origin(8), &ObjKey::new("Pod", "shop", "b")).unwrap();
        assert_eq!(b.pointer("/spec/containers/0/command/0").unwrap(), "run");
        let err = object(&origin(1), &ObjKey::new("Pod", "shop", "gone")).unwrap_err();
        assert!(err.contains("no longer holds Pod/shop/gone"), "{err}");
    }
}
