//! A uniform view of the objects that run pods: Deployments, StatefulSets,
//! DaemonSets, Jobs, CronJobs, and ReplicaSets, Jobs and Pods that no
//! controller owns. Container-level checks run on the pod template of the
//! top-level workload, so one Deployment yields one finding, not one per pod.

use k8s_openapi::api::apps::v1::{DaemonSet, Deployment, ReplicaSet, StatefulSet};
use k8s_openapi::api::batch::v1::{CronJob, Job};
use k8s_openapi::api::core::v1::{Container, PodSpec};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{LabelSelector, ObjectMeta};

use super::pod::Pod;
use super::selector::Labels;
use super::{ObjKey, Object};

/// Kinds that can be a top-level workload, in the order reports list them.
pub const WORKLOAD_KINDS: &[&str] = &[
    "Deployment",
    "StatefulSet",
    "DaemonSet",
    "CronJob",
    "Job",
    "ReplicaSet",
    "Pod",
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WorkloadKind {
    Deployment,
    StatefulSet,
    DaemonSet,
    CronJob,
    Job,
    ReplicaSet,
    Pod,
}

pub struct Workload<'a> {
    pub obj: &'a Object,
    pub kind: WorkloadKind,
    pub spec: &'a PodSpec,
    pub template_labels: &'a Labels,
    /// Desired replicas for scalable kinds (default 1 when unset).
    pub replicas: Option<i32>,
    pub selector: Option<&'a LabelSelector>,
}

static NO_LABELS: Labels = Labels::new();

/// Whether a workload kind kready reads controls the object: that owner is
/// the subject of workload checks. Owned by anything else (an Argo Rollout,
/// a Node for mirror pods, a custom controller), nobody else would check
/// it, so it is a top-level workload itself.
pub fn managed_by_workload(meta: &ObjectMeta) -> bool {
    meta.owner_references
        .iter()
        .flatten()
        .find(|o| o.controller == Some(true))
        .is_some_and(|o| WORKLOAD_KINDS.contains(&o.kind.as_str()))
}

/// The controlling owner of a managed `obj` when `visible` says the store
/// does not hold it. A Deployment names its ReplicaSets
/// `<deployment>-<pod-template-hash>` (and labels their pods with that
/// hash), so a pod whose ReplicaSet is missing but whose Deployment is
/// present is checked through the Deployment, as with the ReplicaSet.
fn hidden_controller(obj: &Object, visible: &impl Fn(&str, &str, &str) -> bool) -> Option<ObjKey> {
    // Borrowed look-ups: every controlled pod is asked this by every
    // workload check, and the controller is nearly always there.
    let (kind, name) = obj.controller()?;
    let ns = obj.namespace();
    if visible(kind, ns, name) {
        return None;
    }
    if named_deployment(obj).is_some_and(|d| visible("Deployment", ns, d)) {
        return None;
    }
    obj.controller_key()
}

/// The Deployment a pod's ReplicaSet is named after
/// (`<deployment>-<pod-template-hash>`), when the pod's hash label agrees.
pub fn named_deployment(obj: &Object) -> Option<&str> {
    let (kind, name) = obj.controller()?;
    if kind != "ReplicaSet" || !obj.key.is("Pod") {
        return None;
    }
    let (deployment, hash) = name.rsplit_once('-')?;
    obj.label("pod-template-hash")
        .is_none_or(|h| h == hash)
        .then_some(deployment)
}

/// A native sidecar (KEP-753): an init container with `restartPolicy:
/// Always`. It starts before the later init containers and the regular
/// containers and keeps running for the pod's lifetime.
pub fn is_sidecar(c: &Container) -> bool {
    c.restart_policy.as_deref() == Some("Always")
}

/// How checks see an object, given which objects the store holds (see
/// [`Workload::resolve`]).
pub enum Role<'a> {
    /// A top-level workload, checked through its pod template (a pod
    /// without a visible controller: its own spec).
    Workload(Workload<'a>),
    /// A top-level workload only because its controller is not visible, and
    /// kready did not keep its pod spec (a controlled pod is trimmed, and a
    /// Deployment's ReplicaSet loses its template, as they are read): the
    /// checks that read the spec cannot decide it.
    Unread {
        kind: WorkloadKind,
        /// The controller the store does not hold.
        controller: ObjKey,
    },
    /// Checked through its controller, or not a workload at all.
    Other,
}

impl<'a> Workload<'a> {
    /// The workload view of `obj` when it is a top-level workload, taking
    /// every controller it names as present. Checks use [`Workload::resolve`].
    pub fn of(obj: &'a Object) -> Option<Workload<'a>> {
        Workload::build(obj, managed_by_workload(&obj.meta))
    }

    /// How checks see `obj` when `visible(kind, namespace, name)` says
    /// whether the store holds an object (the workload kinds are all typed,
    /// so a bare kind names its group). An object whose controller is not
    /// visible (a snapshot without ReplicaSets, a kind the user may not
    /// list) is its own workload rather than nobody's: the chain ends at
    /// the top owner that is present.
    pub fn resolve(obj: &'a Object, visible: impl Fn(&str, &str, &str) -> bool) -> Role<'a> {
        let hidden = if managed_by_workload(&obj.meta) {
            hidden_controller(obj, &visible)
        } else {
            None
        };
        let Some(controller) = hidden else {
            return Workload::of(obj).map_or(Role::Other, Role::Workload);
        };
        if let Some(w) = Workload::build(obj, false) {
            return Role::Workload(w);
        }
        // Only these can be controlled (the other workload kinds are
        // top-level whoever owns them).
        let kind = if obj.typed::<Pod>().is_some() {
            WorkloadKind::Pod
        } else if let Some(r) = obj.typed::<ReplicaSet>() {
            // One scaled to zero (a Deployment keeps its old ones so) runs
            // no pod: there is nothing to check.
            if r.spec.replicas == Some(0) {
                return Role::Other;
            }
            WorkloadKind::ReplicaSet
        } else if obj.typed::<Job>().is_some() {
            WorkloadKind::Job
        } else {
            return Role::Other;
        };
        Role::Unread { kind, controller }
    }

    /// The workload view of `obj`; `owned`: a controller that is checked
    /// in its place manages it.
    fn build(obj: &'a Object, owned: bool) -> Option<Workload<'a>> {
        let labels = |t: &'a Option<k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta>| {
            t.as_ref()
                .and_then(|m| m.labels.as_ref())
                .unwrap_or(&NO_LABELS)
        };
        let w = |kind, spec, template_labels, replicas, selector| {
            Some(Workload {
                obj,
                kind,
                spec,
                template_labels,
                replicas,
                selector,
            })
        };
        if let Some(d) = obj.typed::<Deployment>() {
            let s = &d.spec;
            return w(
                WorkloadKind::Deployment,
                s.template.spec.as_ref()?,
                labels(&s.template.metadata),
                Some(s.replicas.unwrap_or(1)),
                Some(&s.selector),
            );
        }
        if let Some(d) = obj.typed::<StatefulSet>() {
            let s = &d.spec;
            return w(
                WorkloadKind::StatefulSet,
                s.template.spec.as_ref()?,
                labels(&s.template.metadata),
                Some(s.replicas.unwrap_or(1)),
                Some(&s.selector),
            );
        }
        if let Some(d) = obj.typed::<DaemonSet>() {
            let s = &d.spec;
            return w(
                WorkloadKind::DaemonSet,
                s.template.spec.as_ref()?,
                labels(&s.template.metadata),
                None,
                Some(&s.selector),
            );
        }
        if let Some(c) = obj.typed::<CronJob>() {
            let t = &c.spec.job_template;
            let s = t.spec.as_ref()?;
            return w(
                WorkloadKind::CronJob,
                s.template.spec.as_ref()?,
                labels(&s.template.metadata),
                None,
                None,
            );
        }
        if owned {
            return None;
        }
        if let Some(j) = obj.typed::<Job>() {
            let s = j.spec.as_ref()?;
            return w(
                WorkloadKind::Job,
                s.template.spec.as_ref()?,
                labels(&s.template.metadata),
                None,
                s.selector.as_ref(),
            );
        }
        if let Some(r) = obj.typed::<ReplicaSet>() {
            let s = &r.spec;
            return w(
                WorkloadKind::ReplicaSet,
                s.template.as_ref()?.spec.as_ref()?,
                labels(&s.template.as_ref()?.metadata),
                Some(s.replicas.unwrap_or(1)),
                Some(&s.selector),
            );
        }
        if let Some(p) = obj.typed::<Pod>() {
            return w(
                WorkloadKind::Pod,
                p.full_spec.as_deref()?,
                obj.labels(),
                None,
                None,
            );
        }
        None
    }

    /// Regular containers, then init containers (sidecars included).
    /// Ephemeral containers are never in a template: a live pod's are read
    /// from the stored pod (`pod::PodSpec::ephemeral_containers`).
    pub fn containers(&self) -> impl Iterator<Item = &'a Container> {
        self.spec
            .containers
            .iter()
            .chain(self.spec.init_containers.iter().flatten())
    }

    /// The containers that run for the pod's lifetime: regular ones plus
    /// native sidecars, not run-to-completion init containers. Probes apply
    /// to these only (the API rejects probes on other init containers).
    pub fn long_running_containers(&self) -> impl Iterator<Item = &'a Container> {
        self.spec.containers.iter().chain(self.sidecars())
    }

    /// The native sidecars, in start order.
    pub fn sidecars(&self) -> impl Iterator<Item = &'a Container> {
        self.spec
            .init_containers
            .iter()
            .flatten()
            .filter(|c| is_sidecar(c))
    }

    /// Runs to completion (Job, CronJob, or a Pod with restartPolicy != Always).
    pub fn is_batch(&self) -> bool {
        match self.kind {
            WorkloadKind::Job | WorkloadKind::CronJob => true,
            WorkloadKind::Pod => self
                .spec
                .restart_policy
                .as_deref()
                .is_some_and(|p| p != "Always"),
            _ => false,
        }
    }
}
