//! An object as YAML for the `y` view. Secret values were dropped on load;
//! what is left of `data` shows key names only.

use serde_json::Value;

use super::{Body, Object};
use crate::model::kinds;

pub fn render(obj: &Object) -> String {
    let mut value = match &obj.body {
        Body::Dynamic(v) => v.clone(),
        body => kinds::to_json(body).unwrap_or(Value::Null),
    };
    if let Value::Object(map) = &mut value {
        map.insert("apiVersion".into(), Value::String(obj.api_version.clone()));
        if obj.key.kind == "Secret"
            && let Some(Value::Object(data)) = map.get_mut("data")
        {
            for v in data.values_mut() {
                *v = Value::String("(value hidden)".into());
            }
        }
    }
    serde_saphyr::to_string(&value).unwrap_or_else(|e| format!("# cannot render: {e}\n"))
}
