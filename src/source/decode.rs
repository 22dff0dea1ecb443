//! Turns one decoded JSON value into a store `Object`: kind and version
//! normalisation, Secret scrubbing, typed parsing with field-path errors.

use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use serde_json::Value;

use crate::model::kinds::{self, Body};
use crate::model::{ObjKey, Object, Origin};

/// Why a document is not a usable object. `field` is the JSON path of the
/// offending field where there is one.
#[derive(Debug, Clone, PartialEq)]
pub struct DecodeError {
    pub field: Option<String>,
    pub message: String,
}

impl DecodeError {
    fn at(field: &str, message: impl Into<String>) -> Self {
        DecodeError {
            field: Some(field.to_string()),
            message: message.into(),
        }
    }
}

/// API groups a typed kind may have been written with (older versions are
/// read with the current struct; the fields checks read did not change).
fn accepted_groups(kind: &str) -> &'static [&'static str] {
    match kind {
        "Deployment" | "DaemonSet" | "ReplicaSet" => &["apps", "extensions"],
        "NetworkPolicy" => &["networking.k8s.io", "extensions"],
        "StatefulSet" => &["apps"],
        "Job" | "CronJob" => &["batch"],
        "PodDisruptionBudget" => &["policy"],
        "HorizontalPodAutoscaler" => &["autoscaling"],
        "Role" | "RoleBinding" | "ClusterRole" | "ClusterRoleBinding" => {
            &["rbac.authorization.k8s.io"]
        }
        "PriorityClass" => &["scheduling.k8s.io"],
        "CustomResourceDefinition" => &["apiextensions.k8s.io"],
        "APIService" => &["apiregistration.k8s.io"],
        // core kinds: Pod, Service, Event (core/v1 Events; events.k8s.io is dynamic), …
        _ => &[""],
    }
}

fn group_of(api_version: &str) -> &str {
    api_version.rsplit_once('/').map_or("", |(g, _)| g)
}

/// Decodes one object. `origin` is kept for locations in reports.
pub fn decode(mut value: Value, origin: Option<Origin>) -> Result<Object, DecodeError> {
    let found = type_name(&value);
    let map = value
        .as_object_mut()
        .ok_or_else(|| DecodeError::at("", format!("expected a mapping, found {found}")))?;
    let kind = string_field(map, "kind")?;
    let api_version = string_field(map, "apiVersion")?;
    if kind == "Secret" {
        scrub_secret(map);
    }
    // Managed fields are bulky and nothing reads them.
    if let Some(Value::Object(meta)) = map.get_mut("metadata") {
        meta.remove("managedFields");
    }
    let meta: ObjectMeta = match map.get("metadata") {
        Some(m) => serde_path_to_error::deserialize(m).map_err(|e| DecodeError {
            field: Some(format!("metadata.{}", e.path())),
            message: e.inner().to_string(),
        })?,
        None => return Err(DecodeError::at("metadata", "missing field")),
    };
    let name = meta
        .name
        .clone()
        .filter(|n| !n.is_empty())
        .ok_or_else(|| DecodeError::at("metadata.name", "missing or empty"))?;

    let typed = kinds::is_typed(&kind) && accepted_groups(&kind).contains(&group_of(&api_version));
    let store_kind = if typed || !kinds::is_typed(&kind) {
        kind.clone()
    } else {
        // A custom resource that shares a built-in kind's name.
        format!("{kind}.{}", group_of(&api_version))
    };
    let namespace = match (typed, kinds::namespaced(&kind)) {
        (true, Some(false)) => String::new(),
        // Namespaced kinds default to `default`, as kubectl applies them.
        (true, _) => meta.namespace.clone().unwrap_or_else(|| "default".into()),
        (false, _) => meta.namespace.clone().unwrap_or_default(),
    };

    let body = if typed {
        if kind == "HorizontalPodAutoscaler" && api_version == "autoscaling/v1" {
            hpa_v1_to_v2(map);
        }
        let expected = kinds::typed_api_version(&kind).expect("typed kind has a version");
        map.insert("apiVersion".into(), Value::String(expected.to_string()));
        kinds::parse_typed(&kind, value).map_err(|(path, message)| DecodeError {
            field: Some(path),
            message,
        })?
    } else {
        Body::Dynamic(value)
    };
    Ok(Object {
        key: ObjKey {
            kind: store_kind,
            namespace,
            name,
        },
        api_version,
        meta,
        body,
        origin,
    })
}

fn string_field(map: &serde_json::Map<String, Value>, field: &str) -> Result<String, DecodeError> {
    match map.get(field) {
        Some(Value::String(s)) if !s.is_empty() => Ok(s.clone()),
        Some(Value::String(_)) | None => Err(DecodeError::at(field, "missing or empty")),
        Some(other) => Err(DecodeError::at(
            field,
            format!("expected a string, found {} {}", type_name(other), other),
        )),
    }
}

pub fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "sequence",
        Value::Object(_) => "mapping",
    }
}

/// Secret values never enter memory: `data` keeps its key names with empty
/// values, `stringData` is dropped, and so is the last-applied annotation
/// (it holds the whole manifest, values included).
fn scrub_secret(map: &mut serde_json::Map<String, Value>) {
    map.remove("stringData");
    if let Some(Value::Object(data)) = map.get_mut("data") {
        for v in data.values_mut() {
            *v = Value::String(String::new());
        }
    } else {
        map.remove("data");
    }
    if let Some(Value::Object(ann)) = map
        .get_mut("metadata")
        .and_then(|m| m.get_mut("annotations"))
    {
        ann.remove("kubectl.kubernetes.io/last-applied-configuration");
    }
}

/// autoscaling/v1 has one CPU target field; v2 expresses it as a metric.
fn hpa_v1_to_v2(map: &mut serde_json::Map<String, Value>) {
    let Some(Value::Object(spec)) = map.get_mut("spec") else {
        return;
    };
    if let Some(target) = spec.remove("targetCPUUtilizationPercentage") {
        spec.insert(
            "metrics".into(),
            serde_json::json!([{
                "type": "Resource",
                "resource": {"name": "cpu", "target": {"type": "Utilization", "averageUtilization": target}}
            }]),
        );
    }
    if let Some(Value::Object(status)) = map.get_mut("status") {
        status.remove("currentCPUUtilizationPercentage");
    }
}
