//! delivery check tests.

use kready::checks::{Severity, Status};

use crate::support::*;

fn deployment(ns: &str, name: &str, labels: &str, image: &str) -> String {
    format!(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {{name: {name}, namespace: {ns}, labels: {{{labels}}}}}\n\
         spec:\n  selector: {{matchLabels: {{app: {name}}}}}\n  template:\n    \
         metadata: {{labels: {{app: {name}}}}}\n    spec: {{containers: [{{name: main, image: \"{image}\"}}]}}\n---\n"
    )
}

fn namespace(name: &str, labels: &str) -> String {
    format!(
        "apiVersion: v1\nkind: Namespace\nmetadata: {{name: {name}, labels: {{{labels}}}}}\n---\n"
    )
}

fn crd(name: &str) -> String {
    let (plural, group) = name.split_once('.').expect("plural.group");
    format!(
        "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata: {{name: {name}}}\n\
         spec: {{group: {group}, scope: Namespaced, names: {{plural: {plural}, kind: X}}, versions: []}}\n---\n"
    )
}

// ---------------------------------------------------------------------------
// delivery/gitops

#[test]
fn gitops_argocd_owns_some_namespaces() {
    let r = run("delivery/gitops", &fixture("delivery/argocd.yaml"));
    let x = assert_status(&r, "cluster", Status::Pass);
    assert!(x.message.contains("Argo CD"), "{}", x.message);
    // Label tracking and annotation tracking both count.
    let shop = assert_status(&r, "shop", Status::Pass);
    assert_eq!(shop.subject.kind, "Namespace");
    assert!(
        shop.message.contains("all 2 workload(s)"),
        "{}",
        shop.message
    );
    // `app.kubernetes.io/instance` counts only when it names an Application.
    let pay = assert_fail(&r, "payments", Severity::Info);
    assert!(
        pay.message.contains("1 of 2 workload(s)"),
        "{}",
        pay.message
    );
    assert!(pay.message.contains("Deployment hotfix"), "{}", pay.message);
    assert!(!pay.message.contains("Deployment api"), "{}", pay.message);
    // The controller's own namespace and system namespaces are not judged.
    assert!(
        r.iter()
            .all(|x| x.subject.name != "argocd" && x.subject.name != "kube-system")
    );
    assert_eq!(r.len(), 3);
}

#[test]
fn gitops_production_namespaces_by_environment_label() {
    let s = crd("kustomizations.kustomize.toolkit.fluxcd.io")
        + &deployment(
            "flux-system",
            "kustomize-controller",
            "app: kustomize-controller",
            "ghcr.io/fluxcd/kustomize-controller:v1.5.1",
        )
        + &namespace("shop", "environment: Production")
        + &namespace("checkout", "env: prod")
        + &namespace("staging", "environment: staging")
        + &namespace("sandbox", "")
        + &deployment(
            "shop",
            "web",
            "kustomize.toolkit.fluxcd.io/name: apps",
            "shop/web:1",
        )
        + &deployment(
            "shop",
            "cart",
            "helm.toolkit.fluxcd.io/name: cart",
            "shop/cart:1",
        )
        + &deployment("checkout", "pay", "team: pay", "shop/pay:1")
        + &deployment("staging", "web", "team: web", "shop/web:2")
        + &deployment("sandbox", "toy", "team: toy", "toy:1");
    let r = run("delivery/gitops", &yaml(&s));
    let x = assert_status(&r, "cluster", Status::Pass);
    assert!(x.message.contains("Flux"), "{}", x.message);
    assert_status(&r, "shop", Status::Pass);
    let x = assert_fail(&r, "checkout", Severity::Info);
    assert!(x.message.contains("Deployment pay"), "{}", x.message);
    assert!(
        x.evidence.iter().any(|e| e.contains("environment=prod")),
        "{:?}",
        x.evidence
    );
    // Labelled non-production and unlabelled namespaces are not judged.
    assert!(
        r.iter()
            .all(|x| x.subject.name != "staging" && x.subject.name != "sandbox")
    );
}

#[test]
fn gitops_fails_without_controller() {
    let s = deployment("shop", "web", "app: web", "shop/web:1");
    let r = run("delivery/gitops", &yaml(&s));
    assert_eq!(r.len(), 1);
    let x = assert_fail(&r, "cluster", Severity::Info);
    assert!(x.message.contains("no GitOps controller"), "{}", x.message);

    // A kustomize.config.k8s.io Kustomization is not Flux.
    let s = s
        + "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nmetadata: {name: k, namespace: shop}\n";
    let r = run("delivery/gitops", &yaml(&s));
    assert_fail(&r, "cluster", Severity::Info);
}

#[test]
fn gitops_detected_from_crd_only() {
    let s = crd("helmreleases.helm.toolkit.fluxcd.io")
        + &deployment(
            "shop",
            "web",
            "helm.toolkit.fluxcd.io/name: web",
            "shop/web:1",
        );
    let r = run("delivery/gitops", &yaml(&s));
    let x = assert_status(&r, "cluster", Status::Pass);
    assert!(
        x.message.contains("helmreleases.helm.toolkit.fluxcd.io"),
        "{}",
        x.message
    );
    assert_status(&r, "shop", Status::Pass);
}

#[test]
fn gitops_unknown_without_workloads() {
    let r = run("delivery/gitops", &yaml(&namespace("shop", "")));
    let x = assert_status(&r, "cluster", Status::Unknown);
    assert!(x.message.contains("no Deployments"), "{}", x.message);
}

// ---------------------------------------------------------------------------
// delivery/progressive

#[test]
fn progressive_found_by_crd_objects_or_controller() {
    let r = run("delivery/progressive", &yaml(&crd("rollouts.argoproj.io")));
    let x = assert_status(&r, "cluster", Status::Pass);
    assert!(x.message.contains("rollouts.argoproj.io"), "{}", x.message);

    let s = deployment(
        "flagger-system",
        "flagger",
        "app: flagger",
        "ghcr.io/fluxcd/flagger:1.40.0",
    );
    let r = run("delivery/progressive", &yaml(&s));
    let x = assert_status(&r, "cluster", Status::Pass);
    assert!(
        x.message
            .contains("Flagger (Deployment flagger-system/flagger)"),
        "{}",
        x.message
    );

    let s = "apiVersion: argoproj.io/v1alpha1\nkind: Rollout\nmetadata: {name: web, namespace: shop}\nspec: {}\n";
    let r = run("delivery/progressive", &yaml(s));
    assert_status(&r, "cluster", Status::Pass);
}

#[test]
fn progressive_fails_and_unknown() {
    let s = deployment("shop", "web", "app: web", "shop/web:1")
        // An Argo CD install is not Argo Rollouts.
        + &deployment("argocd", "argocd-server", "app: argocd-server", "quay.io/argoproj/argocd:v3.0.6");
    let r = run("delivery/progressive", &yaml(&s));
    let x = assert_fail(&r, "cluster", Severity::Info);
    assert!(
        x.message.contains("no progressive-delivery controller"),
        "{}",
        x.message
    );

    let r = run("delivery/progressive", &yaml(&namespace("shop", "")));
    assert_status(&r, "cluster", Status::Unknown);
}
