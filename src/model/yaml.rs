//! An object as YAML for the `y` view. Secret values were dropped on load;
//! what is left of `data` shows key names only. Other secret literals (env
//! vars, flags, the last-applied annotation) are masked (`model::mask`),
//! and control characters made visible (`model::inert`). Fields the store
//! did not keep (see `model::pod`) are named in a comment, not silently
//! missing.

use k8s_openapi::api::apps::v1::ReplicaSet;
use serde_json::Value;

use super::pod::Pod;
use super::{Body, Object};
use crate::model::kinds;

pub fn render(obj: &Object) -> String {
    let mut value = match &obj.body {
        Body::Dynamic(v) => v.clone(),
        body => kinds::to_json(body).unwrap_or(Value::Null),
    };
    if let Value::Object(map) = &mut value {
        map.insert("apiVersion".into(), Value::String(obj.api_version.clone()));
        // Typed bodies leave their metadata to the object.
        map.entry("kind")
            .or_insert_with(|| Value::String(obj.key.kind.to_string()));
        map.insert(
            "metadata".into(),
            serde_json::to_value(&obj.meta).unwrap_or(Value::Null),
        );
    }
    render_value(value, trimmed_note(obj).as_deref())
}

/// An object as YAML for the screen, as the server or a file holds it:
/// Secret values hidden, managedFields dropped, secret literals masked,
/// control characters made inert; `note` (comment lines) goes first.
pub fn render_value(mut value: Value, note: Option<&str>) -> String {
    if let Value::Object(map) = &mut value {
        if map.get("kind").and_then(Value::as_str) == Some("Secret") {
            for field in ["data", "stringData"] {
                if let Some(Value::Object(data)) = map.get_mut(field) {
                    for v in data.values_mut() {
                        *v = Value::String("(value hidden)".into());
                    }
                }
            }
        }
        if let Some(Value::Object(meta)) = map.get_mut("metadata") {
            meta.remove("managedFields");
        }
    }
    super::mask::mask_object(&mut value);
    let yaml =
        serde_saphyr::to_string(&value).unwrap_or_else(|e| format!("# cannot render: {e}\n"));
    let text = match note {
        Some(note) => format!("{note}{yaml}"),
        None => yaml,
    };
    super::inert::inert_lines(&text).into_owned()
}

/// What the store left out of the object, as YAML comment lines.
fn trimmed_note(obj: &Object) -> Option<String> {
    let left_out = if obj.typed::<Pod>().is_some_and(Pod::is_trimmed) {
        format!(
            "kready keeps only what checks read of a pod that a controller manages ({}); \
             the checks read its spec from the controller's template.",
            Pod::KEPT_FIELDS
        )
    } else if obj
        .typed::<ReplicaSet>()
        .is_some_and(|r| r.spec.template.is_none())
        && super::workload::managed_by_workload(&obj.meta)
    {
        "kready does not keep the pod template of a ReplicaSet that a Deployment manages; \
         the checks read the Deployment's template."
            .to_string()
    } else {
        return None;
    };
    let whole = match &obj.origin {
        Some(o) => format!(
            " The whole object is in {}, line {}.",
            o.file.display(),
            o.line
        ),
        None => String::new(),
    };
    Some(comment(&format!("{left_out}{whole}"), 76))
}

/// `text` as YAML comment lines of at most `width` characters (a longer
/// word keeps its own line).
fn comment(text: &str, width: usize) -> String {
    let mut out = String::new();
    let mut line = String::from("#");
    for word in text.split_whitespace() {
        if line.len() > 1 && line.chars().count() + 1 + word.chars().count() > width {
            out.push_str(&line);
            out.push('\n');
            line = String::from("#");
        }
        line.push(' ');
        line.push_str(word);
    }
    out.push_str(&line);
    out.push('\n');
    out
}
