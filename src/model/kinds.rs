//! The Kubernetes kinds kready reads with typed structs. Everything else
//! (Velero, Karpenter, VPA, Prometheus operator, … custom resources) is kept
//! as a dynamic JSON object and read through `Object::dynamic`.

use k8s_openapi::api::{
    apps::v1::{DaemonSet, Deployment, ReplicaSet, StatefulSet},
    autoscaling::v2::HorizontalPodAutoscaler,
    batch::v1::{CronJob, Job},
    core::v1::{
        ConfigMap, Event, LimitRange, Namespace, Node, PersistentVolumeClaim, ResourceQuota,
        Secret, Service, ServiceAccount,
    },
    networking::v1::NetworkPolicy,
    policy::v1::PodDisruptionBudget,
    rbac::v1::{ClusterRole, ClusterRoleBinding, Role, RoleBinding},
    scheduling::v1::PriorityClass,
};
use k8s_openapi::apiextensions_apiserver::pkg::apis::apiextensions::v1::CustomResourceDefinition;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use k8s_openapi::kube_aggregator::pkg::apis::apiregistration::v1::APIService;

use super::pod::Pod;

/// Declares the typed kinds once: the `Body` enum, the `Typed` impls that give
/// checks `&Pod` etc. back, and the kind → typed parser.
macro_rules! typed_kinds {
    ($($variant:ident: $ty:ty $(as $api:ty)?, namespaced = $ns:expr;)*) => {
        /// An object's content: a typed struct for the kinds checks read, or
        /// the raw JSON for everything else.
        #[derive(Debug, Clone)]
        pub enum Body {
            $($variant(Box<$ty>),)*
            Dynamic(serde_json::Value),
        }

        $(impl Typed for $ty {
            const KIND: &'static str = stringify!($variant);
            fn from_body(body: &Body) -> Option<&Self> {
                match body { Body::$variant(v) => Some(v), _ => None }
            }
        })*

        /// Whether `kind` is one of the typed kinds.
        pub fn is_typed(kind: &str) -> bool {
            matches!(kind, $(stringify!($variant))|*)
        }

        /// Every kind read into a typed body.
        pub const TYPED: &[&str] = &[$(stringify!($variant)),*];

        /// Whether objects of a typed kind live in a namespace. `None` for
        /// kinds kready does not know (decided from the object itself).
        pub fn namespaced(kind: &str) -> Option<bool> {
            match kind { $(stringify!($variant) => Some($ns),)* _ => None }
        }

        /// A typed body back as JSON (for the YAML view).
        pub(crate) fn to_json(body: &Body) -> Option<serde_json::Value> {
            match body {
                $(Body::$variant(v) => serde_json::to_value(v).ok(),)*
                Body::Dynamic(v) => Some(v.clone()),
            }
        }

        /// The apiVersion the typed struct is read as (the store's version).
        pub fn typed_api_version(kind: &str) -> Option<&'static str> {
            match kind { $(stringify!($variant) => Some(<api_type!($ty $(, $api)?) as k8s_openapi::Resource>::API_VERSION),)* _ => None }
        }

        /// Parses a typed kind from JSON whose apiVersion was already
        /// normalised; the error's first part is the path of the bad field.
        pub(crate) fn parse_typed(kind: &str, meta: &ObjectMeta, value: serde_json::Value) -> Result<Body, (String, String)> {
            match kind {
                $(stringify!($variant) => {
                    let parsed = <$ty as FromValue>::from_value(meta, value)?;
                    Ok(Body::$variant(Box::new(parsed)))
                })*
                _ => Ok(Body::Dynamic(value)),
            }
        }
    };
}

/// The k8s-openapi type that names a kind's apiVersion: the kind's own
/// type, unless the store holds it in a type of its own (`as`).
macro_rules! api_type {
    ($ty:ty) => {
        $ty
    };
    ($ty:ty, $api:ty) => {
        $api
    };
}

/// How a typed kind is read from JSON: k8s-openapi's own deserialiser,
/// except for kinds the store holds in a type of its own.
trait FromValue: Sized {
    fn from_value(meta: &ObjectMeta, value: serde_json::Value) -> Result<Self, (String, String)>;
}

impl<T: serde::de::DeserializeOwned> FromValue for T {
    fn from_value(_: &ObjectMeta, value: serde_json::Value) -> Result<Self, (String, String)> {
        serde_path_to_error::deserialize(value)
            .map_err(|e| (e.path().to_string(), e.inner().to_string()))
    }
}

impl FromValue for Pod {
    fn from_value(meta: &ObjectMeta, value: serde_json::Value) -> Result<Self, (String, String)> {
        Pod::from_value(meta, &value)
    }
}

/// A typed Kubernetes kind stored in `Body`.
pub trait Typed: Sized {
    const KIND: &'static str;
    fn from_body(body: &Body) -> Option<&Self>;
}

typed_kinds! {
    Pod: Pod as k8s_openapi::api::core::v1::Pod, namespaced = true;
    Deployment: Deployment, namespaced = true;
    StatefulSet: StatefulSet, namespaced = true;
    DaemonSet: DaemonSet, namespaced = true;
    ReplicaSet: ReplicaSet, namespaced = true;
    Job: Job, namespaced = true;
    CronJob: CronJob, namespaced = true;
    Service: Service, namespaced = true;
    ServiceAccount: ServiceAccount, namespaced = true;
    ConfigMap: ConfigMap, namespaced = true;
    Secret: Secret, namespaced = true;
    Event: Event, namespaced = true;
    PersistentVolumeClaim: PersistentVolumeClaim, namespaced = true;
    ResourceQuota: ResourceQuota, namespaced = true;
    LimitRange: LimitRange, namespaced = true;
    NetworkPolicy: NetworkPolicy, namespaced = true;
    PodDisruptionBudget: PodDisruptionBudget, namespaced = true;
    HorizontalPodAutoscaler: HorizontalPodAutoscaler, namespaced = true;
    Role: Role, namespaced = true;
    RoleBinding: RoleBinding, namespaced = true;
    Namespace: Namespace, namespaced = false;
    Node: Node, namespaced = false;
    ClusterRole: ClusterRole, namespaced = false;
    ClusterRoleBinding: ClusterRoleBinding, namespaced = false;
    PriorityClass: PriorityClass, namespaced = false;
    CustomResourceDefinition: CustomResourceDefinition, namespaced = false;
    APIService: APIService, namespaced = false;
}

/// API groups a typed kind may have been written with (older versions are
/// read with the current struct; the fields checks read did not change).
pub fn accepted_groups(kind: &str) -> &'static [&'static str] {
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

/// The home API group of a typed kind (`apps` for Deployment), `None` for
/// other kinds.
pub fn home_group(kind: &str) -> Option<&'static str> {
    typed_api_version(kind).map(|v| v.rsplit_once('/').map_or("", |(g, _)| g))
}

/// The group a key carries for `kind` written in `group`: a typed kind's
/// older groups (`extensions`) become its home group, the object is read as
/// the typed kind then; any other group stays as written.
pub fn canonical_group(kind: &str, group: &str) -> std::borrow::Cow<'static, str> {
    match home_group(kind) {
        Some(home) if accepted_groups(kind).contains(&group) => std::borrow::Cow::Borrowed(home),
        _ => std::borrow::Cow::Owned(group.to_string()),
    }
}

/// How people and reports name `kind` in `group`: the bare kind, qualified
/// with the group only where a bare kind would mean a typed kind of another
/// group (`Event.events.k8s.io`).
pub fn label<'a>(kind: &'a str, group: &str) -> std::borrow::Cow<'a, str> {
    match home_group(kind) {
        Some(home) if home != group => std::borrow::Cow::Owned(format!("{kind}.{group}")),
        _ => std::borrow::Cow::Borrowed(kind),
    }
}
