//! delivery — GitOps ownership and progressive delivery.

use std::collections::{BTreeMap, BTreeSet};

use super::observability::{
    NO_WORKLOADS, Product, custom_objects, describe, find_workloads, installed_crd,
    no_workloads_captured,
};
use super::text::name_list;
use super::{Category, Check, Ctx, Out, Scope, Severity, Subject};
use crate::model::Object;
use crate::model::workload::{WORKLOAD_KINDS, Workload};

pub const CHECKS: &[&Check] = &[&GITOPS, &PROGRESSIVE];

// ---------------------------------------------------------------------------
// delivery/gitops

pub static GITOPS: Check = Check {
    id: "delivery/gitops",
    title: "A GitOps controller owns production workloads",
    category: Category::Delivery,
    severity: Severity::Info,
    seeds: &["002", "004"],
    rationale: "With GitOps the cluster's desired state lives in Git: every change is reviewed \
                and recorded, drift is corrected, and a lost cluster is rebuilt from the \
                repository in minutes. Workloads applied by hand are outside that loop.",
    fix: None,
    enabled_by_default: true,
    scope: Scope::Cluster { run: gitops },
    reads: &[
        "Deployment",
        "StatefulSet",
        "DaemonSet",
        "CronJob",
        "Job",
        "ReplicaSet",
        "Pod",
        "Namespace",
        "CustomResourceDefinition",
        "Application",
        "ApplicationSet",
        "Kustomization",
        "HelmRelease",
    ],
};

const GITOPS_CRDS: &[&str] = &[
    "applications.argoproj.io",
    "kustomizations.kustomize.toolkit.fluxcd.io",
    "helmreleases.helm.toolkit.fluxcd.io",
];

const GITOPS_CRS: &[(&str, &str)] = &[
    ("Application", "argoproj.io"),
    ("ApplicationSet", "argoproj.io"),
    ("Kustomization", "kustomize.toolkit.fluxcd.io"),
    ("HelmRelease", "helm.toolkit.fluxcd.io"),
];

const GITOPS_PRODUCTS: &[Product] = &[
    Product {
        name: "Argo CD",
        images: &["argoproj/argocd"],
        names: &[
            "argocd-server",
            "argocd-application-controller",
            "argocd-repo-server",
        ],
        container: None,
    },
    Product {
        name: "Flux",
        images: &[
            "fluxcd/kustomize-controller",
            "fluxcd/helm-controller",
            "fluxcd/source-controller",
        ],
        names: &[
            "kustomize-controller",
            "helm-controller",
            "source-controller",
        ],
        container: None,
    },
];

/// Labels Argo CD and Flux put on the objects they apply.
const OWNERSHIP_LABELS: &[&str] = &[
    "argocd.argoproj.io/instance",
    "kustomize.toolkit.fluxcd.io/name",
    "helm.toolkit.fluxcd.io/name",
];
/// Argo CD's annotation tracking (the default since Argo CD 3.0).
use crate::model::pod::annotation::ARGOCD_TRACKING as ARGOCD_TRACKING_ANNOTATION;
/// Argo CD's legacy default tracking label; counted only when its value
/// names an Argo CD Application (Helm sets it to the release name too).
const INSTANCE_LABEL: &str = "app.kubernetes.io/instance";

const ENV_LABELS: &[&str] = &["environment", "env"];

fn is_owned(obj: &Object, argo_apps: &BTreeSet<&str>) -> bool {
    OWNERSHIP_LABELS
        .iter()
        .any(|l| obj.labels().contains_key(*l))
        || obj.annotations().contains_key(ARGOCD_TRACKING_ANNOTATION)
        || obj
            .label(INSTANCE_LABEL)
            .is_some_and(|v| argo_apps.contains(v))
}

fn gitops(ctx: &Ctx, out: &mut Out) {
    let subject = Subject::cluster();
    let controllers = find_workloads(ctx, &["Deployment", "StatefulSet"], GITOPS_PRODUCTS);
    let mut found: Vec<String> = controllers
        .iter()
        .map(|(o, p)| format!("{} ({})", p.name, describe(o)))
        .collect();
    let crs: Vec<String> = custom_objects(ctx, GITOPS_CRS)
        .take(3)
        .map(|o| describe(o))
        .collect();
    let crd = installed_crd(ctx, GITOPS_CRDS);
    if found.is_empty() {
        found.extend(crs.iter().cloned());
    }
    if found.is_empty()
        && let Some(crd) = crd
    {
        found.push(format!("CRD {crd}"));
    }
    if found.is_empty() {
        if no_workloads_captured(ctx) {
            out.unknown(
                subject,
                format!("no GitOps controller found, but {NO_WORKLOADS}"),
            );
        } else {
            out.fail(
                subject,
                "no GitOps controller (Argo CD, Flux) is installed: changes reach the cluster \
                 outside version control",
            );
        }
        return;
    }
    out.pass(
        subject,
        format!("GitOps controller found: {}", name_list(&found, 3)),
    );

    // The controller's own namespaces are bootstrapped, not production.
    let controller_ns: BTreeSet<&str> = controllers.iter().map(|(o, _)| o.namespace()).collect();
    let argo_apps: BTreeSet<&str> = ctx
        .store
        .list("Application")
        .filter(|o| o.api_version.starts_with("argoproj.io/"))
        .map(|o| o.name())
        .collect();

    // Production namespaces: those labelled environment/env = prod or
    // production when any namespace carries such a label, else every
    // non-system namespace.
    let env_of = |ns: &Object| {
        ENV_LABELS
            .iter()
            .find_map(|l| ns.label(l))
            .map(str::to_ascii_lowercase)
    };
    let labelled: BTreeMap<&str, String> = ctx
        .store
        .list("Namespace")
        .filter_map(|n| env_of(n).map(|e| (n.name(), e)))
        .collect();
    let by_label = !labelled.is_empty();
    let is_production = |ns: &str| {
        if ctx.is_system_namespace(ns) || controller_ns.contains(ns) {
            return false;
        }
        !by_label
            || labelled
                .get(ns)
                .is_some_and(|e| e == "prod" || e == "production")
    };

    // namespace → (workloads, unowned workloads)
    let mut per_ns: BTreeMap<&str, (usize, Vec<String>)> = BTreeMap::new();
    for kind in WORKLOAD_KINDS {
        for obj in ctx.store.list(kind) {
            if !is_production(obj.namespace()) || Workload::of(obj).is_none() {
                continue;
            }
            let entry = per_ns.entry(obj.namespace()).or_default();
            entry.0 += 1;
            if !is_owned(obj, &argo_apps) {
                entry.1.push(format!("{} {}", obj.key.kind, obj.name()));
            }
        }
    }
    let why = if by_label {
        "labelled environment=prod/production"
    } else {
        "non-system namespace; no namespace carries an environment/env label"
    };
    for (ns, (total, unowned)) in per_ns {
        let subject = Subject::namespace(ns);
        if unowned.is_empty() {
            out.pass(
                subject,
                format!("all {total} workload(s) are applied by the GitOps controller"),
            )
            .evidence("production", why);
        } else {
            let list = name_list(&unowned, 5);
            out.fail(
                subject,
                format!(
                    "{} of {total} workload(s) in production namespace {ns} carry no GitOps \
                     ownership label ({}): {}",
                    unowned.len(),
                    OWNERSHIP_LABELS.join(", "),
                    list
                ),
            )
            .evidence("unowned workloads", unowned.len())
            .evidence("production", why);
        }
    }
}

// ---------------------------------------------------------------------------
// delivery/progressive

pub static PROGRESSIVE: Check = Check {
    id: "delivery/progressive",
    title: "A progressive-delivery controller is available",
    category: Category::Delivery,
    severity: Severity::Info,
    seeds: &["003"],
    rationale: "Canary and blue-green releases with automatic metric analysis (Argo Rollouts, \
                Flagger) limit a bad release to a slice of traffic and roll it back without a \
                human in the loop.",
    fix: None,
    enabled_by_default: true,
    scope: Scope::Cluster { run: progressive },
    reads: &[
        "Deployment",
        "StatefulSet",
        "DaemonSet",
        "CustomResourceDefinition",
        "Rollout",
        "Canary",
    ],
};

const PROGRESSIVE_CRDS: &[&str] = &["rollouts.argoproj.io", "canaries.flagger.app"];
const PROGRESSIVE_CRS: &[(&str, &str)] = &[("Rollout", "argoproj.io"), ("Canary", "flagger.app")];
const PROGRESSIVE_PRODUCTS: &[Product] = &[
    Product {
        name: "Argo Rollouts",
        images: &["argoproj/argo-rollouts"],
        names: &["argo-rollouts"],
        container: None,
    },
    Product {
        name: "Flagger",
        images: &["flagger"],
        names: &["flagger"],
        container: None,
    },
];

fn progressive(ctx: &Ctx, out: &mut Out) {
    let subject = Subject::cluster();
    let mut found: Vec<String> = find_workloads(ctx, &["Deployment"], PROGRESSIVE_PRODUCTS)
        .into_iter()
        .map(|(o, p)| format!("{} ({})", p.name, describe(o)))
        .collect();
    let crs = custom_objects(ctx, PROGRESSIVE_CRS).count();
    if crs > 0 {
        found.push(format!("{crs} Rollout/Canary object(s)"));
    }
    if found.is_empty()
        && let Some(crd) = installed_crd(ctx, PROGRESSIVE_CRDS)
    {
        found.push(format!("CRD {crd}"));
    }
    if !found.is_empty() {
        out.pass(
            subject,
            format!("progressive delivery found: {}", found.join(", ")),
        );
    } else if no_workloads_captured(ctx) {
        out.unknown(
            subject,
            format!("no progressive-delivery controller found, but {NO_WORKLOADS}"),
        );
    } else {
        out.fail(
            subject,
            "no progressive-delivery controller (Argo Rollouts, Flagger): releases go to all \
             traffic at once, with no automated canary analysis or rollback",
        );
    }
}
