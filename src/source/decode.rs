//! Turns one decoded JSON value into a store `Object`: kind and version
//! normalisation, Secret scrubbing, typed parsing with field-path errors.
//!
//! `decode_str` is the fast path for JSON text: a typed kind written with
//! its current apiVersion is parsed straight from the text into its struct,
//! without building a `serde_json::Value` tree first (that tree costs a
//! B-tree node per JSON object — about 15× the text in allocations).
//! Everything else, and every object the fast path cannot take as is, goes
//! through `decode`, so results and errors are the same either way.

use std::borrow::Cow;

use k8s_openapi::api::{
    apps::v1::{DaemonSet, Deployment, ReplicaSet, ReplicaSetSpec, ReplicaSetStatus, StatefulSet},
    autoscaling::v2::HorizontalPodAutoscaler,
    batch::v1::{CronJob, Job},
    core::v1::{
        ConfigMap, Event, LimitRange, Namespace, Node, PersistentVolumeClaim, ResourceQuota,
        Service, ServiceAccount,
    },
    networking::v1::NetworkPolicy,
    policy::v1::PodDisruptionBudget,
    rbac::v1::{ClusterRole, ClusterRoleBinding, Role, RoleBinding},
    scheduling::v1::PriorityClass,
};
use k8s_openapi::apiextensions_apiserver::pkg::apis::apiextensions::v1::CustomResourceDefinition;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{LabelSelector, ObjectMeta};
use k8s_openapi::kube_aggregator::pkg::apis::apiregistration::v1::APIService;
use serde::Deserialize;
use serde_json::Value;
use serde_json::value::RawValue;

use crate::model::kinds::{self, Body};
use crate::model::pod::Pod;
use crate::model::workload::managed_by_workload;
use crate::model::{ObjKey, Object, Origin, group_of};

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

    /// A typed parse error at `field`: serde's message in words, without
    /// the found value where that value may be a secret literal.
    fn typed(field: String, message: &str) -> Self {
        let message = in_words(message);
        let message = if may_hold_secret(&field) {
            hide_found_value(&message)
        } else {
            message
        };
        DecodeError {
            field: Some(field),
            message,
        }
    }
}

/// Env values and command lines are where secret literals sit (see
/// `model::mask`); an error about such a field must not quote its value.
fn may_hold_secret(field: &str) -> bool {
    (field.contains("env[") && field.ends_with(".value"))
        || field.contains("command[")
        || field.contains("args[")
}

/// serde quotes the value it found in backticks (`integer `5``) or double
/// quotes (`string "x"`); the type is kept, the value is not shown.
fn hide_found_value(message: &str) -> String {
    let head_end = message.find(", expected ").unwrap_or(message.len());
    let head = &message[..head_end];
    let Some(open) = head.find(['`', '"']) else {
        return message.to_string();
    };
    let quote = &head[open..open + 1];
    let close = head[open + 1..]
        .rfind(quote)
        .map_or(head_end, |i| open + 1 + i + 1);
    format!(
        "{}{}{}",
        &message[..open],
        crate::model::mask::NOT_SHOWN,
        &message[close..]
    )
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
    let mut meta: ObjectMeta = match map.get("metadata") {
        Some(m) => serde_path_to_error::deserialize(m).map_err(|e| {
            DecodeError::typed(
                field_path("metadata", &e.path().to_string()),
                &e.inner().to_string(),
            )
        })?,
        None => return Err(DecodeError::at("metadata", "missing field")),
    };
    compact_meta(&mut meta);
    let name = meta
        .name
        .clone()
        .filter(|n| !n.is_empty())
        .ok_or_else(|| DecodeError::at("metadata.name", "missing or empty"))?;

    let group = group_of(&api_version);
    // A custom resource that shares a typed kind's name stays dynamic.
    let typed = kinds::is_typed(&kind) && kinds::accepted_groups(&kind).contains(&group);
    let namespace = match (typed, kinds::namespaced(&kind)) {
        (true, Some(false)) => String::new(),
        // Namespaced kinds default to `default`, as kubectl applies them.
        (true, _) => meta.namespace.clone().unwrap_or_else(|| "default".into()),
        (false, _) => meta.namespace.clone().unwrap_or_default(),
    };

    let mut body = if typed {
        if kind == "HorizontalPodAutoscaler" && api_version == "autoscaling/v1" {
            hpa_v1_to_v2(map);
        }
        let expected = kinds::typed_api_version(&kind).expect("typed kind has a version");
        map.insert("apiVersion".into(), Value::String(expected.to_string()));
        // Read above; the object keeps it, the typed body's stays empty.
        map.remove("metadata");
        kinds::parse_typed(&kind, &meta, value)
            .map_err(|(path, message)| DecodeError::typed(field_path("", &path), &message))?
    } else {
        Body::Dynamic(value)
    };
    compact(&mut body, &mut meta);
    Ok(Object {
        key: ObjKey::of(&api_version, &kind, &namespace, &name),
        api_version,
        meta,
        body,
        origin,
    })
}

/// `path` under `parent`, either possibly empty. serde_path_to_error
/// writes the root as "."; joined naively that gave "metadata..".
fn field_path(parent: &str, path: &str) -> String {
    let path = path.trim_start_matches('.');
    match (parent, path) {
        (p, "") => p.to_string(),
        ("", c) => c.to_string(),
        (p, c) if c.starts_with('[') => format!("{p}{c}"),
        (p, c) => format!("{p}.{c}"),
    }
}

/// serde's "expected i32" or "expected struct ObjectMeta" in the words of
/// the YAML and JSON the user wrote.
fn in_words(message: &str) -> String {
    let Some(at) = message.rfind(", expected ") else {
        return message.to_string();
    };
    let (head, what) = (&message[..at], &message[at + ", expected ".len()..]);
    let what = what.strip_prefix("struct ").unwrap_or(what);
    let words = match what {
        "i8" | "i16" | "i32" | "i64" | "u8" | "u16" | "u32" | "u64" | "usize" | "isize" => {
            "a whole number"
        }
        "f32" | "f64" => "a number",
        "a map" => "a mapping",
        "IntOrString" => "a whole number or a string",
        "Quantity" => "a quantity string (such as 100m or 1Gi)",
        "Time" | "MicroTime" => "an RFC 3339 time string",
        w if w.starts_with(|c: char| c.is_ascii_uppercase())
            && w.chars().all(|c| c.is_ascii_alphanumeric()) =>
        {
            "a mapping"
        }
        _ => return message.to_string(),
    };
    format!("{head}, expected {words}")
}

/// Decodes one object from its JSON text. `None` when the text is not valid
/// JSON as a `Value` (the caller reports it as a syntax error).
pub fn decode_str(text: &str, origin: Option<Origin>) -> Option<Result<Object, DecodeError>> {
    if let Some(obj) = decode_typed_str(text, &origin) {
        return Some(Ok(obj));
    }
    let value: Value = serde_json::from_str(text).ok()?;
    Some(decode(value, origin))
}

/// Decodes one object from its JSON text as a server sent it, where list
/// items carry no `apiVersion` and `kind`: those of the list they came in
/// are given to the ones without.
pub fn decode_text(text: &str, api_version: &str, kind: &str) -> Result<Object, DecodeError> {
    let syntax = || DecodeError::at("", "not a JSON object");
    if leading_kind(text).is_some() {
        return decode_str(text, None).unwrap_or_else(|| Err(syntax()));
    }
    let head: Head = serde_json::from_str(text).map_err(|_| syntax())?;
    match (head.api_version, head.kind) {
        (None, None) => {
            let body = text.trim_start().strip_prefix('{').ok_or_else(syntax)?;
            let comma = if body.trim_start().starts_with('}') {
                ""
            } else {
                ","
            };
            let typed = format!(
                r#"{{"apiVersion":{},"kind":{}{comma}{body}"#,
                Value::from(api_version),
                Value::from(kind)
            );
            decode_str(&typed, None).unwrap_or_else(|| Err(syntax()))
        }
        // One of the two, or both out of the usual place: the tree path.
        _ => {
            let mut value: Value = serde_json::from_str(text).map_err(|_| syntax())?;
            if let Value::Object(map) = &mut value {
                map.entry("apiVersion")
                    .or_insert_with(|| Value::from(api_version));
                map.entry("kind").or_insert_with(|| Value::from(kind));
            }
            decode(value, None)
        }
    }
}

#[derive(Deserialize)]
struct Head<'a> {
    #[serde(borrow, rename = "apiVersion")]
    api_version: Option<Cow<'a, str>>,
    #[serde(borrow)]
    kind: Option<Cow<'a, str>>,
}

/// `kind` and `apiVersion` when they are the first members of the object
/// with plain string values, as `kubectl` writes them; no full scan. Only a
/// guess of which struct to parse: the typed parse checks both values again.
fn leading_kind(text: &str) -> Option<(&str, &str)> {
    let b = text.as_bytes();
    let ws = |mut i: usize| {
        while b.get(i).is_some_and(u8::is_ascii_whitespace) {
            i += 1;
        }
        i
    };
    // A plain string starting at `i` (no escapes): its content and the end.
    let string = |i: usize| -> Option<(&str, usize)> {
        if b.get(i) != Some(&b'"') {
            return None;
        }
        let len = b[i + 1..].iter().position(|&c| c == b'"' || c == b'\\')?;
        (b[i + 1 + len] == b'"').then(|| (&text[i + 1..i + 1 + len], i + len + 2))
    };
    let mut i = ws(0);
    if b.get(i) != Some(&b'{') {
        return None;
    }
    let (mut kind, mut api_version) = (None, None);
    for _ in 0..4 {
        let (key, end) = string(ws(i + 1))?;
        i = ws(end);
        if b.get(i) != Some(&b':') {
            return None;
        }
        let (value, end) = string(ws(i + 1))?;
        match key {
            "kind" => kind = Some(value),
            "apiVersion" => api_version = Some(value),
            _ => {}
        }
        if let (Some(k), Some(v)) = (kind, api_version) {
            return Some((k, v));
        }
        i = ws(end);
        if b.get(i) != Some(&b',') {
            return None;
        }
    }
    None
}

/// Parses a typed kind, as `kinds::parse_typed` does, from text; also
/// returns its metadata with managed fields dropped. `None` for kinds that
/// are not listed here or on any error.
macro_rules! typed_from_str {
    ($kind:expr, $text:expr; $($variant:ident: $ty:ty,)*) => {
        match $kind {
            $(stringify!($variant) => {
                let mut v: $ty = serde_json::from_str($text).ok()?;
                // The object keeps the metadata; the body's is left empty.
                let mut meta = std::mem::take(&mut v.metadata);
                meta.managed_fields = None;
                compact_meta(&mut meta);
                let mut body = Body::$variant(Box::new(v));
                compact(&mut body, &mut meta);
                (body, meta)
            })*
            _ => return None,
        }
    };
}

/// The fast path of `decode_str`: a typed kind (not Secret, whose values
/// are scrubbed from the JSON) written with the apiVersion its struct reads.
/// `None` sends the object through `decode`, which also gives any error.
fn decode_typed_str(text: &str, origin: &Option<Origin>) -> Option<Object> {
    let (kind, api_version) = match leading_kind(text) {
        Some((k, v)) => (Cow::Borrowed(k), Cow::Borrowed(v)),
        None => {
            let head: Head = serde_json::from_str(text).ok()?;
            (head.kind?, head.api_version?)
        }
    };
    if kind == "Secret" || kinds::typed_api_version(&kind)? != api_version {
        return None;
    }
    let (body, meta) = match kind.as_ref() {
        "ReplicaSet" => {
            let (rs, mut meta) = replica_set_from_text(text)?;
            meta.managed_fields = None;
            compact_meta(&mut meta);
            let mut body = Body::ReplicaSet(Box::new(rs));
            compact(&mut body, &mut meta);
            (body, meta)
        }
        "Pod" => {
            let (pod, mut meta) = Pod::from_json_text(text)?;
            meta.managed_fields = None;
            compact_meta(&mut meta);
            let mut body = Body::Pod(Box::new(pod));
            compact(&mut body, &mut meta);
            (body, meta)
        }
        _ => typed_from_str!(kind.as_ref(), text;
        Deployment: Deployment,
        StatefulSet: StatefulSet,
        DaemonSet: DaemonSet,
        Job: Job,
        CronJob: CronJob,
        Service: Service,
        ServiceAccount: ServiceAccount,
        ConfigMap: ConfigMap,
        Event: Event,
        PersistentVolumeClaim: PersistentVolumeClaim,
        ResourceQuota: ResourceQuota,
        LimitRange: LimitRange,
        NetworkPolicy: NetworkPolicy,
        PodDisruptionBudget: PodDisruptionBudget,
        HorizontalPodAutoscaler: HorizontalPodAutoscaler,
        Role: Role,
        RoleBinding: RoleBinding,
        Namespace: Namespace,
        Node: Node,
        ClusterRole: ClusterRole,
        ClusterRoleBinding: ClusterRoleBinding,
        PriorityClass: PriorityClass,
        CustomResourceDefinition: CustomResourceDefinition,
        APIService: APIService,
        ),
    };
    let name = meta.name.clone().filter(|n| !n.is_empty())?;
    let namespace = match kinds::namespaced(&kind) {
        Some(false) => String::new(),
        _ => meta.namespace.clone().unwrap_or_else(|| "default".into()),
    };
    Some(Object {
        key: ObjKey::of(&api_version, &kind, &namespace, &name),
        api_version: api_version.into_owned(),
        meta,
        body,
        origin: origin.clone(),
    })
}

/// A ReplicaSet from its text. The pod template of one that a workload
/// controller manages is skipped, not parsed only for `compact` to drop
/// it: a cluster keeps several old ReplicaSets per Deployment. `None` on
/// any error (the caller then takes the `Value` path, which reports it).
fn replica_set_from_text(text: &str) -> Option<(ReplicaSet, ObjectMeta)> {
    #[derive(Deserialize)]
    struct Doc<'a> {
        #[serde(borrow)]
        kind: Option<Cow<'a, str>>,
        #[serde(borrow, rename = "apiVersion")]
        api_version: Option<Cow<'a, str>>,
        #[serde(default)]
        metadata: ObjectMeta,
        #[serde(borrow)]
        spec: Option<Spec<'a>>,
        status: Option<ReplicaSetStatus>,
    }
    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct Spec<'a> {
        min_ready_seconds: Option<i32>,
        replicas: Option<i32>,
        #[serde(default)]
        selector: LabelSelector,
        #[serde(borrow)]
        template: Option<&'a RawValue>,
    }
    let doc: Doc = serde_json::from_str(text).ok()?;
    if doc.kind.as_deref() != Some("ReplicaSet") || doc.api_version.as_deref() != Some("apps/v1") {
        return None;
    }
    let spec = match doc.spec {
        None => ReplicaSetSpec::default(),
        Some(s) => ReplicaSetSpec {
            min_ready_seconds: s.min_ready_seconds,
            replicas: s.replicas,
            selector: s.selector,
            template: match s.template {
                Some(t) if !managed_by_workload(&doc.metadata) => {
                    serde_json::from_str(t.get()).ok()?
                }
                _ => None,
            },
        },
    };
    let rs = ReplicaSet {
        spec,
        status: doc.status,
        ..Default::default()
    };
    Some((rs, doc.metadata))
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

/// Gives back the spare capacity serde leaves in vectors (it grows them by
/// doubling). Big for pods: a `Volume` is 3 KB inline and a `Container` over
/// 2 KB, so a pod with three volumes wastes a fourth slot, and small
/// element types start at a capacity of four.
///
/// Trims a managed pod (`Pod::trim`). Also drops the pod template of a ReplicaSet that a Deployment (or any
/// workload kind) manages: checks read the Deployment's template, and a
/// cluster keeps several old ReplicaSets per Deployment.
fn compact(body: &mut Body, meta: &mut ObjectMeta) {
    match body {
        Body::Pod(p) => {
            p.trim(meta);
            if let Some(s) = &mut p.spec {
                s.containers.shrink_to_fit();
                shrink(&mut s.init_containers);
            }
            if let Some(s) = &mut p.full_spec {
                compact_pod_spec(s);
            }
            if let Some(s) = &mut p.status {
                shrink(&mut s.conditions);
                shrink(&mut s.container_statuses);
                shrink(&mut s.init_container_statuses);
            }
        }
        Body::Deployment(d) => compact_template(&mut d.spec.template),
        Body::ReplicaSet(r) if managed_by_workload(meta) => r.spec.template = None,
        Body::ReplicaSet(r) => {
            if let Some(t) = &mut r.spec.template {
                compact_template(t);
            }
        }
        Body::StatefulSet(s) => compact_template(&mut s.spec.template),
        Body::DaemonSet(d) => compact_template(&mut d.spec.template),
        Body::Job(j) => {
            if let Some(s) = &mut j.spec {
                compact_template(&mut s.template);
            }
        }
        Body::CronJob(c) => {
            if let Some(s) = &mut c.spec.job_template.spec {
                compact_template(&mut s.template);
            }
        }
        _ => {}
    }
}

fn shrink<T>(v: &mut Option<Vec<T>>) {
    if let Some(v) = v {
        v.shrink_to_fit();
    }
}

fn compact_meta(m: &mut ObjectMeta) {
    shrink(&mut m.owner_references);
    shrink(&mut m.finalizers);
}

fn compact_template(t: &mut k8s_openapi::api::core::v1::PodTemplateSpec) {
    if let Some(s) = &mut t.spec {
        compact_pod_spec(s);
    }
}

fn compact_pod_spec(s: &mut k8s_openapi::api::core::v1::PodSpec) {
    s.containers.shrink_to_fit();
    shrink(&mut s.init_containers);
    for c in s
        .containers
        .iter_mut()
        .chain(s.init_containers.iter_mut().flatten())
    {
        shrink(&mut c.args);
        shrink(&mut c.command);
        shrink(&mut c.env);
        shrink(&mut c.env_from);
        shrink(&mut c.ports);
        shrink(&mut c.volume_mounts);
    }
    shrink(&mut s.volumes);
    for v in s.volumes.iter_mut().flatten() {
        if let Some(p) = &mut v.projected {
            shrink(&mut p.sources);
        }
    }
    shrink(&mut s.tolerations);
    shrink(&mut s.topology_spread_constraints);
    shrink(&mut s.image_pull_secrets);
}

#[cfg(test)]
mod tests {
    use super::*;

    /// List items come without `apiVersion` and `kind`, watch events with
    /// them first; both, and an object with them elsewhere, decode alike.
    #[test]
    fn text_from_a_server_decodes_with_or_without_its_type() {
        let item = r#"{"metadata":{"name":"c","namespace":"a"},"data":{"k":"v"}}"#;
        let event = r#"{"kind":"ConfigMap","apiVersion":"v1","metadata":{"name":"c","namespace":"a"},"data":{"k":"v"}}"#;
        let late =
            r#"{"metadata":{"name":"c","namespace":"a"},"data":{"k":"v"},"kind":"ConfigMap"}"#;
        let empty = r#"{}"#;
        let key = ObjKey::of("v1", "ConfigMap", "a", "c");
        for text in [item, event, late] {
            let obj = decode_text(text, "v1", "ConfigMap").expect(text);
            assert_eq!(obj.key, key, "{text}");
            assert!(matches!(obj.body, Body::ConfigMap(_)), "{text}");
        }
        let err = decode_text(empty, "v1", "ConfigMap").unwrap_err();
        assert_eq!(err.field.as_deref(), Some("metadata"));
        assert!(decode_text("[1]", "v1", "ConfigMap").is_err());
    }
}
