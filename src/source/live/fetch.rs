//! One object, whole and current, from the server: what `y` shows in live
//! mode (the store keeps trimmed forms). Secrets are fetched as metadata
//! only, as they are watched.

use kube::api::{Api, DynamicObject};
use kube::core::{GroupVersionKind, PartialObjectMeta};
use serde_json::Value;

use super::connect::Connection;
use super::watch::describe;

/// The object's JSON as the server holds it now.
pub async fn fetch(
    conn: &Connection,
    api_version: &str,
    kind: &str,
    namespace: &str,
    name: &str,
) -> Result<Value, String> {
    let (group, version) = match api_version.rsplit_once('/') {
        Some((g, v)) => (g, v),
        None => ("", api_version),
    };
    let gvk = GroupVersionKind::gvk(group, version, kind);
    let ask = async {
        let (resource, _) = kube::discovery::pinned_kind(&conn.client, &gvk).await?;
        let api = |ns: &str| -> Api<DynamicObject> {
            if ns.is_empty() {
                Api::all_with(conn.client.clone(), &resource)
            } else {
                Api::namespaced_with(conn.client.clone(), ns, &resource)
            }
        };
        let mut value = if kind == "Secret" && group.is_empty() {
            let meta: PartialObjectMeta<DynamicObject> = api(namespace).get_metadata(name).await?;
            serde_json::json!({ "metadata": meta.metadata })
        } else {
            serde_json::to_value(api(namespace).get(name).await?).unwrap_or(Value::Null)
        };
        if let Value::Object(map) = &mut value {
            map.insert("apiVersion".into(), Value::String(api_version.to_string()));
            map.insert("kind".into(), Value::String(kind.to_string()));
        }
        Ok::<Value, kube::Error>(value)
    };
    match tokio::time::timeout(conn.request_timeout, ask).await {
        Err(_) => Err(format!(
            "{kind} {name}: the server did not answer within {}s",
            conn.request_timeout.as_secs_f64()
        )),
        Ok(Err(e)) => Err(format!("{kind} {name}: {}", describe(&e))),
        Ok(Ok(v)) => Ok(v),
    }
}
