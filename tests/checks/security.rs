//! security check tests.

use kready::checks::{CheckResult, Severity, Status};
use kready::config::Config;

use crate::support::*;

fn has_evidence(r: &CheckResult, needle: &str) -> bool {
    r.evidence.iter().any(|e| e.contains(needle))
}

fn for_container<'a>(results: &'a [CheckResult], name: &str, container: &str) -> &'a CheckResult {
    result(results, name, Some(container))
}

/// A Deployment in `ns` with one container `app`; `spec` is the pod spec
/// body after `containers` (indented 6 spaces), `container` the container's
/// extra fields (indented 10 spaces).
fn deployment(name: &str, ns: &str, pod_extra: &str, container_extra: &str) -> String {
    format!(
        r#"
apiVersion: apps/v1
kind: Deployment
metadata: {{name: {name}, namespace: {ns}}}
spec:
  replicas: 2
  selector: {{matchLabels: {{app: {name}}}}}
  template:
    metadata: {{labels: {{app: {name}}}}}
    spec:
{pod_extra}
      containers:
        - name: app
          image: shop/{name}:1.0
{container_extra}
---"#
    )
}

// ─────────────────────────── privileged ───────────────────────────

#[test]
fn privileged_pass_fail_init_and_windows_host_process() {
    let store = fixture("security/pod-hardening.yaml");
    let r = run("security/privileged", &store);
    assert_eq!(for_container(&r, "hardened", "app").status, Status::Pass);
    assert_eq!(for_container(&r, "root", "agent").status, Status::Pass);
    let init = for_container(&r, "root", "setup");
    assert_eq!(init.status, Status::Fail);
    assert_eq!(init.severity, Severity::Error);
    assert!(init.message.contains("privileged"), "{}", init.message);
    assert!(has_evidence(init, "securityContext.privileged = true"));
    // Windows HostProcess (inherited from the pod) is privileged too.
    let win = assert_fail(&r, "win", Severity::Error);
    assert!(win.message.contains("HostProcess"), "{}", win.message);
    // One result per workload container, none for the ReplicaSet/Pod replicas,
    // none in kube-system.
    assert!(
        r.iter()
            .all(|x| x.subject.kind != "Pod" && x.subject.kind != "ReplicaSet")
    );
    assert!(r.iter().all(|x| x.subject.name != "sys"));
    assert_eq!(r.iter().filter(|x| x.subject.name == "defaults").count(), 1);
}

#[test]
fn privileged_system_namespace_on_request() {
    let store = fixture("security/pod-hardening.yaml");
    let config = Config {
        include_system_namespaces: true,
        ..Config::default()
    };
    let r = run_with("security/privileged", &store, &config);
    assert_fail(&r, "sys", Severity::Error);
}

#[test]
fn privileged_suppressed_by_annotation() {
    let store = yaml(
        r#"
apiVersion: v1
kind: Pod
metadata:
  name: debug
  namespace: shop
  annotations: {kready.io/ignore: "security/privileged"}
spec:
  containers: [{name: c, image: busybox:1.36, securityContext: {privileged: true}}]
"#,
    );
    let r = run("security/privileged", &store);
    assert!(r.is_empty(), "{r:#?}");
}

// ─────────────────────────── host-namespaces ──────────────────────

#[test]
fn host_namespaces_pass_and_fail() {
    let store = fixture("security/pod-hardening.yaml");
    let r = run("security/host-namespaces", &store);
    assert_status(&r, "hardened", Status::Pass);
    let root = assert_fail(&r, "root", Severity::Error);
    assert!(root.message.contains("hostNetwork"), "{}", root.message);
    assert!(root.message.contains("hostPID"), "{}", root.message);
    // hostIPC: false is not a finding.
    assert!(!root.message.contains("hostIPC"), "{}", root.message);
    assert!(has_evidence(root, "spec.hostPID = true"));
    // A naked Pod is a workload too.
    let store = yaml(
        r#"
apiVersion: v1
kind: Pod
metadata: {name: ipc, namespace: shop}
spec:
  hostIPC: true
  containers: [{name: c, image: busybox:1.36}]
"#,
    );
    let r = run("security/host-namespaces", &store);
    let ipc = assert_fail(&r, "ipc", Severity::Error);
    assert!(ipc.message.contains("hostIPC"), "{}", ipc.message);
}

// ─────────────────────────── privilege-escalation ─────────────────

#[test]
fn privilege_escalation_default_is_true() {
    let store = fixture("security/pod-hardening.yaml");
    let r = run("security/privilege-escalation", &store);
    assert_eq!(for_container(&r, "hardened", "app").status, Status::Pass);
    let d = assert_fail(&r, "defaults", Severity::Warning);
    assert!(d.message.contains("defaults to true"), "{}", d.message);
    assert!(has_evidence(d, "allowPrivilegeEscalation = unset"));
    // Windows pods cannot set the field: not judged.
    assert!(r.iter().all(|x| x.subject.name != "win"));
}

#[test]
fn privilege_escalation_effective_with_privileged_or_sys_admin() {
    let store = fixture("security/pod-hardening.yaml");
    let r = run("security/privilege-escalation", &store);
    // privileged ⇒ escalation allowed.
    let init = for_container(&r, "root", "setup");
    assert_eq!(init.status, Status::Fail);
    assert!(init.message.contains("privileged"), "{}", init.message);
    // allowPrivilegeEscalation: false does not hold with CAP_SYS_ADMIN
    // (written in lower case with the CAP_ prefix).
    let agent = for_container(&r, "root", "agent");
    assert_eq!(agent.status, Status::Fail);
    assert!(agent.message.contains("SYS_ADMIN"), "{}", agent.message);
    assert!(has_evidence(agent, "allowPrivilegeEscalation = false"));
    let store = yaml(&deployment(
        "explicit",
        "shop",
        "",
        "          securityContext: {allowPrivilegeEscalation: true}",
    ));
    let r = run("security/privilege-escalation", &store);
    let e = assert_fail(&r, "explicit", Severity::Warning);
    assert!(e.message.contains("is true"), "{}", e.message);
}

// ─────────────────────────── run-as-non-root ──────────────────────

#[test]
fn run_as_non_root_pass_and_fail() {
    let store = fixture("security/pod-hardening.yaml");
    let r = run("security/run-as-non-root", &store);
    // Inherited from the pod's securityContext.
    let h = assert_status(&r, "hardened", Status::Pass);
    assert!(h.message.contains("spec.securityContext"), "{}", h.message);
    let d = assert_fail(&r, "defaults", Severity::Warning);
    assert!(d.message.contains("runAsNonRoot"), "{}", d.message);
    // Pod-level runAsUser: 0 is inherited by both containers.
    let agent = for_container(&r, "root", "agent");
    assert_eq!(agent.status, Status::Fail);
    assert!(
        agent.message.contains("runAsUser is 0"),
        "{}",
        agent.message
    );
    assert!(has_evidence(agent, "spec.securityContext.runAsUser = 0"));
    assert_eq!(for_container(&r, "root", "setup").status, Status::Fail);
    // runAsNonRoot is allowed on Windows.
    assert_status(&r, "win", Status::Pass);
}

#[test]
fn run_as_non_root_inheritance_and_overrides() {
    let text = [
        // A non-zero runAsUser passes on its own.
        deployment(
            "uid",
            "shop",
            "      securityContext: {runAsUser: 1000}",
            "",
        ),
        // The container's runAsUser overrides the pod's 0.
        deployment(
            "override-uid",
            "shop",
            "      securityContext: {runAsUser: 0}",
            "          securityContext: {runAsUser: 1000}",
        ),
        // The container's runAsNonRoot: false overrides the pod's true.
        deployment(
            "override-false",
            "shop",
            "      securityContext: {runAsNonRoot: true}",
            "          securityContext: {runAsNonRoot: false}",
        ),
        // runAsNonRoot with runAsUser 0: the kubelet refuses to start it.
        deployment(
            "conflict",
            "shop",
            "      securityContext: {runAsNonRoot: true}",
            "          securityContext: {runAsUser: 0}",
        ),
    ]
    .concat();
    let store = yaml(&text);
    let r = run("security/run-as-non-root", &store);
    let uid = assert_status(&r, "uid", Status::Pass);
    assert!(uid.message.contains("1000"), "{}", uid.message);
    assert_status(&r, "override-uid", Status::Pass);
    let of = assert_fail(&r, "override-false", Severity::Warning);
    assert!(of.message.contains("overriding"), "{}", of.message);
    let c = assert_fail(&r, "conflict", Severity::Warning);
    assert!(c.message.contains("refuses"), "{}", c.message);
}

// ─────────────────────────── read-only-root-fs ────────────────────

#[test]
fn read_only_root_fs_pass_and_fail() {
    let store = fixture("security/pod-hardening.yaml");
    let r = run("security/read-only-root-fs", &store);
    assert_status(&r, "hardened", Status::Pass);
    let d = assert_fail(&r, "defaults", Severity::Info);
    assert!(d.message.contains("writable"), "{}", d.message);
    assert!(has_evidence(d, "readOnlyRootFilesystem = unset"));
    let agent = for_container(&r, "root", "agent");
    assert_eq!(agent.status, Status::Fail);
    assert!(has_evidence(agent, "readOnlyRootFilesystem = false"));
    assert!(r.iter().all(|x| x.subject.name != "win"));
}

// ─────────────────────────── capabilities ─────────────────────────

#[test]
fn capabilities_pass_and_fail() {
    let store = fixture("security/pod-hardening.yaml");
    let r = run("security/capabilities", &store);
    let h = assert_status(&r, "hardened", Status::Pass);
    assert!(h.message.contains("NET_BIND_SERVICE"), "{}", h.message);
    let d = assert_fail(&r, "defaults", Severity::Warning);
    assert!(d.message.contains("does not drop ALL"), "{}", d.message);
    let agent = for_container(&r, "root", "agent");
    assert_eq!(agent.status, Status::Fail);
    assert!(
        agent.message.contains("SYS_ADMIN, NET_ADMIN"),
        "{}",
        agent.message
    );
    assert!(
        agent.message.contains("does not drop ALL"),
        "{}",
        agent.message
    );
    assert!(has_evidence(
        agent,
        "capabilities.add = [SYS_ADMIN, NET_ADMIN]"
    ));
}

#[test]
fn capabilities_prefix_case_and_namespace_level() {
    let text = [
        // Lower case and the CAP_ prefix are accepted; CHOWN is baseline.
        deployment(
            "lower",
            "shop",
            "",
            "          securityContext: {capabilities: {drop: [all], add: [cap_chown, Net_Bind_Service]}}",
        ),
        // ALL in `add` is beyond any set.
        deployment(
            "add-all",
            "shop",
            "",
            "          securityContext: {capabilities: {drop: [ALL], add: [ALL]}}",
        ),
        // The same CHOWN in a namespace that enforces restricted fails.
        deployment(
            "lower",
            "strict",
            "",
            "          securityContext: {capabilities: {drop: [ALL], add: [CHOWN]}}",
        ),
        deployment(
            "bind",
            "strict",
            "",
            "          securityContext: {capabilities: {drop: [ALL], add: [CAP_NET_BIND_SERVICE]}}",
        ),
        r#"
apiVersion: v1
kind: Namespace
metadata:
  name: strict
  labels: {pod-security.kubernetes.io/enforce: restricted}
"#
        .to_string(),
    ]
    .concat();
    let store = yaml(&text);
    let r = run("security/capabilities", &store);
    let in_ns = |ns: &str, name: &str| {
        let v: Vec<&CheckResult> = r
            .iter()
            .filter(|x| x.subject.name == name && x.subject.namespace.as_deref() == Some(ns))
            .collect();
        assert_eq!(v.len(), 1, "{r:#?}");
        v[0]
    };
    assert_eq!(in_ns("shop", "lower").status, Status::Pass);
    let all = in_ns("shop", "add-all");
    assert_eq!(all.status, Status::Fail);
    assert!(all.message.contains("adds ALL"), "{}", all.message);
    let strict = in_ns("strict", "lower");
    assert_eq!(strict.status, Status::Fail);
    assert_eq!(strict.severity, Severity::Warning);
    assert!(strict.message.contains("restricted"), "{}", strict.message);
    assert!(strict.message.contains("CHOWN"), "{}", strict.message);
    assert_eq!(in_ns("strict", "bind").status, Status::Pass);
}

// ─────────────────────────── host-path ────────────────────────────

#[test]
fn host_path_pass_and_fail() {
    let store = fixture("security/pod-hardening.yaml");
    let r = run("security/host-path", &store);
    assert_status(&r, "hardened", Status::Pass);
    let root = assert_fail(&r, "root", Severity::Warning);
    assert!(
        root.message.contains("/var/run/docker.sock"),
        "{}",
        root.message
    );
    assert!(!root.message.contains("scratch"), "{}", root.message);
    assert!(has_evidence(
        root,
        "volumes[docker-sock].hostPath.path = /var/run/docker.sock"
    ));
}

// ─────────────────────────── pod-security-labels ──────────────────

#[test]
fn pod_security_labels_levels() {
    let store = yaml(
        r#"
apiVersion: v1
kind: Namespace
metadata: {name: strict, labels: {pod-security.kubernetes.io/enforce: restricted}}
---
apiVersion: v1
kind: Namespace
metadata: {name: base, labels: {pod-security.kubernetes.io/enforce: baseline}}
---
apiVersion: v1
kind: Namespace
metadata: {name: warned, labels: {pod-security.kubernetes.io/warn: restricted}}
---
apiVersion: v1
kind: Namespace
metadata: {name: open, labels: {pod-security.kubernetes.io/enforce: privileged, pod-security.kubernetes.io/warn: baseline}}
---
apiVersion: v1
kind: Namespace
metadata: {name: bare}
---
apiVersion: v1
kind: Namespace
metadata: {name: typo, labels: {pod-security.kubernetes.io/enforce: Baseline}}
---
apiVersion: v1
kind: Namespace
metadata: {name: kube-system}
"#,
    );
    let r = run("security/pod-security-labels", &store);
    assert_status(&r, "strict", Status::Pass);
    let base = assert_status(&r, "base", Status::Pass);
    assert!(base.message.contains("warn=restricted"), "{}", base.message);
    let warned = assert_fail(&r, "warned", Severity::Warning);
    assert!(warned.message.contains("step 1"), "{}", warned.message);
    assert!(
        warned.message.contains("enforce=baseline"),
        "{}",
        warned.message
    );
    assert!(has_evidence(
        warned,
        "pod-security.kubernetes.io/warn] = restricted"
    ));
    let open = assert_fail(&r, "open", Severity::Warning);
    assert!(
        open.message.contains("enforce=privileged"),
        "{}",
        open.message
    );
    let bare = assert_fail(&r, "bare", Severity::Warning);
    assert!(bare.message.contains("warn=restricted"), "{}", bare.message);
    assert!(has_evidence(
        bare,
        "pod-security.kubernetes.io/enforce] = unset"
    ));
    // Level names are case-sensitive.
    let typo = assert_fail(&r, "typo", Severity::Warning);
    assert!(
        typo.message.contains("not a valid level"),
        "{}",
        typo.message
    );
    assert!(r.iter().all(|x| x.subject.name != "kube-system"));
    assert!(r.iter().all(|x| x.subject.kind == "Namespace"));
}

// ─────────────────────── network-policy-default-deny ──────────────

fn pod(name: &str, ns: &str) -> String {
    format!(
        r#"
apiVersion: v1
kind: Pod
metadata: {{name: {name}, namespace: {ns}, labels: {{app: {name}}}}}
spec:
  containers: [{{name: c, image: busybox:1.36}}]
---"#
    )
}

fn netpol(name: &str, ns: &str, spec: &str) -> String {
    format!(
        r#"
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {{name: {name}, namespace: {ns}}}
spec:
{spec}
---"#
    )
}

#[test]
fn network_policy_default_deny_semantics() {
    let text = [
        // Classic default deny.
        pod("a", "deny"),
        netpol(
            "default-deny-ingress",
            "deny",
            "  podSelector: {}\n  policyTypes: [Ingress]",
        ),
        // No policyTypes, no rules: Ingress is implied.
        pod("a", "implied"),
        netpol("deny", "implied", "  podSelector: {}"),
        // Selects all pods, denies by default, allows one namespace in.
        pod("a", "scoped"),
        netpol(
            "from-ingress",
            "scoped",
            "  podSelector: {}\n  ingress:\n    - from: [{namespaceSelector: {matchLabels: {name: ingress}}}]",
        ),
        // An allow-all rule on every port from every source: not a deny.
        pod("a", "allowall"),
        netpol(
            "allow-everything",
            "allowall",
            "  podSelector: {}\n  policyTypes: [Ingress]\n  ingress: [{}]",
        ),
        // Deny plus a second policy that lets everything back in.
        pod("a", "undone"),
        netpol("deny", "undone", "  podSelector: {}\n  policyTypes: [Ingress]"),
        netpol(
            "allow-cluster",
            "undone",
            "  podSelector: {}\n  ingress:\n    - from: [{namespaceSelector: {}}]",
        ),
        // Egress only.
        pod("a", "egress"),
        netpol(
            "deny-egress",
            "egress",
            "  podSelector: {}\n  policyTypes: [Egress]",
        ),
        // A policy for some pods only.
        pod("a", "partial"),
        netpol(
            "web",
            "partial",
            "  podSelector: {matchLabels: {app: a}}\n  policyTypes: [Ingress]",
        ),
        // Ports restrict the rule: still denied by default for other ports.
        pod("a", "ports"),
        netpol(
            "http-only",
            "ports",
            "  podSelector: {}\n  ingress:\n    - ports: [{port: 8080, protocol: TCP}]",
        ),
        // No pods, no workloads: not judged.
        r#"
apiVersion: v1
kind: ConfigMap
metadata: {name: cm, namespace: empty}
---"#
            .to_string(),
        pod("coredns", "kube-system"),
    ]
    .concat();
    let store = yaml(&text);
    let r = run("security/network-policy-default-deny", &store);
    let deny = assert_status(&r, "deny", Status::Pass);
    assert!(
        deny.message.contains("default-deny-ingress"),
        "{}",
        deny.message
    );
    assert_status(&r, "implied", Status::Pass);
    assert_status(&r, "scoped", Status::Pass);
    assert_status(&r, "ports", Status::Pass);
    let all = assert_fail(&r, "allowall", Severity::Warning);
    assert!(all.message.contains("allow-everything"), "{}", all.message);
    let undone = assert_fail(&r, "undone", Severity::Warning);
    assert!(
        undone.message.contains("allow-cluster"),
        "{}",
        undone.message
    );
    let egress = assert_fail(&r, "egress", Severity::Warning);
    assert!(
        egress.message.contains("only for Egress"),
        "{}",
        egress.message
    );
    let partial = assert_fail(&r, "partial", Severity::Warning);
    assert!(has_evidence(partial, "networkpolicies = 1"));
    assert!(has_evidence(partial, "pods = 1"));
    assert!(r.iter().all(|x| x.subject.name != "empty"));
    assert!(r.iter().all(|x| x.subject.name != "kube-system"));
    assert!(r.iter().all(|x| x.subject.kind == "Namespace"));
}

#[test]
fn network_policy_default_deny_workloads_without_pods_and_ipblock() {
    let text = [
        deployment("web", "scaled-down", "", ""),
        pod("a", "world"),
        netpol(
            "from-anywhere",
            "world",
            "  podSelector: {}\n  ingress:\n    - from: [{ipBlock: {cidr: 0.0.0.0/0}}]",
        ),
        pod("a", "except"),
        netpol(
            "not-metadata",
            "except",
            "  podSelector: {}\n  ingress:\n    - from: [{ipBlock: {cidr: 0.0.0.0/0, except: [169.254.169.254/32]}}]",
        ),
    ]
    .concat();
    let store = yaml(&text);
    let r = run("security/network-policy-default-deny", &store);
    let s = assert_fail(&r, "scaled-down", Severity::Warning);
    assert!(has_evidence(s, "pods = 0"));
    assert_fail(&r, "world", Severity::Warning);
    assert_status(&r, "except", Status::Pass);
}

// ─────────────────────────── pod-not-isolated ─────────────────────

#[test]
fn pod_not_isolated_pass_and_fail() {
    let text = [
        deployment("api", "shop", "", ""),
        deployment("worker", "shop", "", ""),
        deployment("web", "shop", "", ""),
        deployment("edge", "shop", "      hostNetwork: true", ""),
        netpol(
            "api-in",
            "shop",
            "  podSelector: {matchExpressions: [{key: app, operator: In, values: [api, edge]}]}\n  policyTypes: [Ingress]",
        ),
        // Egress-only policies isolate too.
        netpol(
            "worker-out",
            "shop",
            "  podSelector: {matchLabels: {app: worker}}\n  policyTypes: [Egress]",
        ),
        // A policy in another namespace does not count.
        netpol("all", "other", "  podSelector: {}"),
        // A replica pod of `web`: the Deployment is judged, not the pod.
        r#"
apiVersion: v1
kind: Pod
metadata:
  name: web-1
  namespace: shop
  labels: {app: web}
  ownerReferences: [{apiVersion: apps/v1, kind: ReplicaSet, name: web-5d8f, uid: r1, controller: true}]
spec:
  containers: [{name: c, image: busybox:1.36}]
"#
        .to_string(),
    ]
    .concat();
    let store = yaml(&text);
    let r = run("security/pod-not-isolated", &store);
    let api = assert_status(&r, "api", Status::Pass);
    assert!(api.message.contains("api-in"), "{}", api.message);
    assert_status(&r, "worker", Status::Pass);
    let web = assert_fail(&r, "web", Severity::Info);
    assert!(web.message.contains("no NetworkPolicy"), "{}", web.message);
    assert!(has_evidence(web, "app=web"));
    let edge = assert_fail(&r, "edge", Severity::Info);
    assert!(edge.message.contains("hostNetwork"), "{}", edge.message);
    assert!(r.iter().all(|x| x.subject.kind == "Deployment"), "{r:#?}");
}

// ─────────────────────────── secrets-in-env ───────────────────────

#[test]
fn secrets_in_env_pass_and_fail() {
    let store = yaml(
        r#"
apiVersion: apps/v1
kind: Deployment
metadata: {name: leaky, namespace: shop}
spec:
  selector: {matchLabels: {app: leaky}}
  template:
    metadata: {labels: {app: leaky}}
    spec:
      containers:
        - name: app
          image: shop/leaky:1.0
          env:
            - {name: DB_PASSWORD, value: hunter2}
            - {name: stripe_api_key, value: sk_live_abc}
            - {name: GITHUB_TOKEN, valueFrom: {secretKeyRef: {name: gh, key: token}}}
            - {name: KEYCLOAK_URL, value: "https://sso.example.com"}
        - name: sidecar
          image: shop/sidecar:1.0
          env:
            - {name: Client_Secret, value: s3cr3t}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: clean, namespace: shop}
spec:
  selector: {matchLabels: {app: clean}}
  template:
    metadata: {labels: {app: clean}}
    spec:
      containers:
        - name: app
          image: shop/clean:1.0
          env:
            - {name: RAW_PASSWORD, valueFrom: {secretKeyRef: {name: db, key: password}}}
            - {name: DB_PASSWORD, value: "$(RAW_PASSWORD)"}
            - {name: EMPTY_TOKEN, value: ""}
            - {name: PUBLIC_KEY_PATH, value: /etc/keys/pub.pem}
            - {name: LOG_LEVEL, value: debug}
"#,
    );
    let r = run("security/secrets-in-env", &store);
    let app = for_container(&r, "leaky", "app");
    assert_eq!(app.status, Status::Fail);
    assert_eq!(app.severity, Severity::Warning);
    assert!(app.message.contains("DB_PASSWORD"), "{}", app.message);
    assert!(app.message.contains("stripe_api_key"), "{}", app.message);
    assert!(!app.message.contains("GITHUB_TOKEN"), "{}", app.message);
    assert!(!app.message.contains("KEYCLOAK_URL"), "{}", app.message);
    // The values themselves are never shown.
    let all = format!("{app:?}");
    assert!(
        !all.contains("hunter2") && !all.contains("sk_live"),
        "{all}"
    );
    assert!(has_evidence(app, "env[DB_PASSWORD].value"));
    let side = for_container(&r, "leaky", "sidecar");
    assert_eq!(side.status, Status::Fail);
    assert!(side.message.contains("Client_Secret"), "{}", side.message);
    assert_status(&r, "clean", Status::Pass);
}

// ─────────────────────── ephemeral (debug) containers ─────────────

/// The container-level security checks that judge ephemeral containers.
const EPHEMERAL_CHECKS: &[&str] = &[
    "security/privileged",
    "security/privilege-escalation",
    "security/run-as-non-root",
    "security/capabilities",
    "security/secrets-in-env",
];

#[test]
fn privileged_ephemeral_container_is_a_finding_on_the_controlled_pod() {
    let store = fixture("security/ephemeral.yaml");
    let r = run("security/privileged", &store);
    let dbg = for_container(&r, "api-5d4c-x1", "debugger-h7x2q");
    assert_eq!((dbg.status, dbg.severity), (Status::Fail, Severity::Error));
    assert_eq!(dbg.subject.kind, "Pod");
    assert_eq!(dbg.subject.namespace.as_deref(), Some("shop"));
    for part in [
        "ephemeral (debug) container",
        "targeting container app",
        "runs privileged",
        "delete the pod",
    ] {
        assert!(dbg.message.contains(part), "{part}: {}", dbg.message);
    }
    assert!(
        has_evidence(dbg, "securityContext.privileged = true"),
        "{dbg:#?}"
    );
    assert!(
        has_evidence(
            dbg,
            "spec.ephemeralContainers[debugger-h7x2q].targetContainerName = app"
        ),
        "{dbg:#?}"
    );
    assert!(
        has_evidence(
            dbg,
            "ephemeralContainerStatuses[debugger-h7x2q].state = running"
        ),
        "{dbg:#?}"
    );
    // The template is judged on the Deployment, once; the pod has no result
    // for its template containers.
    assert_eq!(for_container(&r, "api", "app").status, Status::Pass);
    assert!(
        r.iter()
            .filter(|x| x.subject.kind == "Pod")
            .all(|x| x.subject.container.as_deref() != Some("app")),
        "{r:#?}"
    );
    // A pod without debug containers has nothing of its own, even when its
    // own (trimmed) spec differs from the template.
    assert!(r.iter().all(|x| x.subject.name != "api-5d4c-x3"), "{r:#?}");
    // kube-system is left out by default, included on request.
    assert!(r.iter().all(|x| x.subject.name != "coredns-5d-a"), "{r:#?}");
    let config = Config {
        include_system_namespaces: true,
        ..Config::default()
    };
    let r = run_with("security/privileged", &store, &config);
    assert_eq!(
        for_container(&r, "coredns-5d-a", "debugger-sys").status,
        Status::Fail
    );
}

#[test]
fn privileged_ephemeral_container_fails_the_other_container_rules() {
    let store = fixture("security/ephemeral.yaml");
    let esc = run("security/privilege-escalation", &store);
    let r = for_container(&esc, "api-5d4c-x1", "debugger-h7x2q");
    assert_eq!((r.status, r.severity), (Status::Fail, Severity::Warning));
    assert!(
        r.message.contains("ephemeral (debug) container")
            && r.message.contains("the container is privileged"),
        "{}",
        r.message
    );
    let root = run("security/run-as-non-root", &store);
    let r = for_container(&root, "api-5d4c-x1", "debugger-h7x2q");
    assert_eq!(r.status, Status::Fail);
    assert!(r.message.contains("runAsUser is 0"), "{}", r.message);
    assert!(has_evidence(r, "securityContext.runAsUser = 0"), "{r:#?}");
    let caps = run("security/capabilities", &store);
    let r = for_container(&caps, "api-5d4c-x1", "debugger-h7x2q");
    assert_eq!(r.status, Status::Fail);
    assert!(r.message.contains("does not drop ALL"), "{}", r.message);
    // Its literal token is a finding; the value is never shown.
    let env = run("security/secrets-in-env", &store);
    let r = for_container(&env, "api-5d4c-x1", "debugger-h7x2q");
    assert_eq!(r.status, Status::Fail);
    assert!(r.message.contains("API_TOKEN"), "{}", r.message);
    assert!(
        format!("{r:?}").contains("not shown") && !format!("{r:?}").contains("tok-literal"),
        "{r:#?}"
    );
}

#[test]
fn ephemeral_container_with_a_safe_security_context_is_no_finding() {
    let store = fixture("security/ephemeral.yaml");
    for check in EPHEMERAL_CHECKS {
        let r = run(check, &store);
        let safe = for_container(&r, "api-5d4c-x2", "debugger-safe");
        assert_eq!(safe.status, Status::Pass, "{check}: {safe:#?}");
        assert!(
            safe.message.starts_with("ephemeral (debug) container"),
            "{check}: {}",
            safe.message
        );
        assert!(!safe.message.contains("delete the pod"), "{}", safe.message);
        assert!(
            has_evidence(safe, "state = terminated (Completed, exit code 0)"),
            "{check}: {safe:#?}"
        );
    }
    // runAsNonRoot is inherited from the pod's securityContext.
    let r = run("security/run-as-non-root", &store);
    let safe = for_container(&r, "api-5d4c-x2", "debugger-safe");
    assert!(
        safe.message.contains("spec.securityContext.runAsNonRoot"),
        "{}",
        safe.message
    );
}

#[test]
fn read_only_root_fs_does_not_judge_debug_containers() {
    let store = fixture("security/ephemeral.yaml");
    let r = run("security/read-only-root-fs", &store);
    assert!(
        r.iter()
            .all(|x| x.subject.kind != "Pod" || x.subject.name == "scratch"),
        "{r:#?}"
    );
    assert!(
        r.iter()
            .all(|x| x.subject.container.as_deref() != Some("tcpdump")),
        "{r:#?}"
    );
    assert_eq!(for_container(&r, "scratch", "sh").status, Status::Pass);
}

#[test]
fn ephemeral_containers_of_bare_and_windows_pods() {
    let store = fixture("security/ephemeral.yaml");
    // A bare pod: its own container from its spec, its debug container too,
    // each once.
    let caps = run("security/capabilities", &store);
    assert_eq!(for_container(&caps, "scratch", "sh").status, Status::Pass);
    let tcpdump = for_container(&caps, "scratch", "tcpdump");
    assert_eq!(tcpdump.status, Status::Fail);
    assert!(
        tcpdump
            .message
            .contains("adds NET_ADMIN, NET_RAW beyond the baseline set"),
        "{}",
        tcpdump.message
    );
    // No target: the message says what it is without one.
    assert!(
        tcpdump
            .message
            .starts_with("ephemeral (debug) container added to the running pod:"),
        "{}",
        tcpdump.message
    );
    assert!(
        !has_evidence(tcpdump, "targetContainerName"),
        "{tcpdump:#?}"
    );
    assert!(
        has_evidence(
            tcpdump,
            "spec.ephemeralContainers[tcpdump].image = corfr/tcpdump:latest"
        ),
        "{tcpdump:#?}"
    );
    assert_eq!(
        caps.iter().filter(|x| x.subject.name == "scratch").count(),
        2
    );
    // Windows pods: the Linux-only fields do not apply.
    for check in ["security/privilege-escalation", "security/capabilities"] {
        let r = run(check, &store);
        assert!(
            r.iter().all(|x| x.subject.name != "win-7f-a"),
            "{check}: {r:#?}"
        );
    }
    let r = run("security/privileged", &store);
    assert_eq!(
        for_container(&r, "win-7f-a", "debugger-win").status,
        Status::Pass
    );
}

#[test]
fn ephemeral_containers_survive_the_json_loader_and_yaml_view() {
    // The JSON fast path (`Pod::from_json_text`) keeps the same fields as
    // the YAML one, and the YAML view shows them with the literal masked.
    let json = r#"{"apiVersion":"v1","kind":"Pod","metadata":{"name":"api-1","namespace":"shop","ownerReferences":[{"apiVersion":"apps/v1","kind":"ReplicaSet","name":"api-1","uid":"u","controller":true}]},"spec":{"securityContext":{"runAsUser":0},"containers":[{"name":"app","image":"shop/api:1"}],"ephemeralContainers":[{"name":"dbg","image":"busybox:1.36","targetContainerName":"app","securityContext":{"privileged":true},"env":[{"name":"DB_PASSWORD","value":"hunter2"}]}]},"status":{"phase":"Running","ephemeralContainerStatuses":[{"name":"dbg","image":"busybox:1.36","imageID":"","ready":false,"restartCount":0,"state":{"running":{}}}]}}"#;
    let store = kready::source::snapshot::load_str(
        std::path::Path::new("pods.json"),
        json,
        &Default::default(),
    )
    .expect("loads")
    .into_store();
    let r = run("security/privileged", &store);
    let dbg = for_container(&r, "api-1", "dbg");
    assert_eq!(dbg.status, Status::Fail);
    assert!(has_evidence(dbg, "state = running"), "{dbg:#?}");
    // runAsUser 0 inherited from the pod.
    let r = run("security/run-as-non-root", &store);
    let dbg = for_container(&r, "api-1", "dbg");
    assert!(
        has_evidence(dbg, "spec.securityContext.runAsUser = 0"),
        "{dbg:#?}"
    );
    let obj = store
        .get(&kready::model::ObjKey::new("Pod", "shop", "api-1"))
        .expect("pod");
    let view = kready::model::yaml::render(obj);
    assert!(view.contains("ephemeralContainers"), "{view}");
    assert!(view.contains("targetContainerName: app"), "{view}");
    assert!(view.contains("DB_PASSWORD"), "{view}");
    assert!(!view.contains("hunter2"), "{view}");
}

// ─────────────────────── control plane: apiserver ─────────────────

fn apiserver(flags: &[&str]) -> String {
    let mut cmd = String::from("        - kube-apiserver\n");
    for f in flags {
        cmd.push_str(&format!("        - {f}\n"));
    }
    format!(
        r#"
apiVersion: v1
kind: Node
metadata: {{name: cp-1, labels: {{node-role.kubernetes.io/control-plane: ""}}}}
---
apiVersion: v1
kind: Pod
metadata:
  name: kube-apiserver-cp-1
  namespace: kube-system
  labels: {{component: kube-apiserver, tier: control-plane}}
spec:
  nodeName: cp-1
  containers:
    - name: kube-apiserver
      image: registry.k8s.io/kube-apiserver:v1.33.2
      command:
{cmd}---"#
    )
}

const MANAGED: &str = r#"
apiVersion: kready.io/v1
kind: SnapshotInfo
metadata: {name: snapshot}
managed: eks
---
apiVersion: v1
kind: Node
metadata: {name: ip-10-0-1-5}
---"#;

const GKE_NODES_ONLY: &str = r#"
apiVersion: v1
kind: Node
metadata: {name: gke-pool-1-abc, labels: {cloud.google.com/gke-nodepool: pool-1}}
---"#;

const SELF_MANAGED_NO_POD: &str = r#"
apiVersion: v1
kind: Node
metadata: {name: cp-1, labels: {node-role.kubernetes.io/control-plane: ""}}
---"#;

fn cluster_unknown(r: &[CheckResult], needle: &str) {
    let u = assert_status(r, "cluster", Status::Unknown);
    assert!(u.message.contains(needle), "{}", u.message);
}

#[test]
fn secrets_encryption_pass_fail_unknown() {
    let r = run(
        "security/secrets-encryption",
        &fixture("security/kubeadm.yaml"),
    );
    let p = assert_status(&r, "kube-apiserver-cp-1", Status::Pass);
    assert!(has_evidence(p, "encryption.yaml"));
    assert_eq!(r.len(), 1, "{r:#?}");

    // Space-separated value form counts too.
    let store = yaml(&apiserver(&[
        "--encryption-provider-config",
        "/etc/enc.yaml",
    ]));
    let r = run("security/secrets-encryption", &store);
    assert_status(&r, "kube-apiserver-cp-1", Status::Pass);

    let store = yaml(&apiserver(&["--anonymous-auth=false"]));
    let r = run("security/secrets-encryption", &store);
    let f = assert_fail(&r, "kube-apiserver-cp-1", Severity::Error);
    assert!(
        f.message.contains("--encryption-provider-config"),
        "{}",
        f.message
    );
    assert_eq!(f.subject.namespace.as_deref(), Some("kube-system"));

    let r = run("security/secrets-encryption", &yaml(MANAGED));
    cluster_unknown(&r, "managed control plane (eks)");
    let r = run("security/secrets-encryption", &yaml(GKE_NODES_ONLY));
    cluster_unknown(&r, "gke");
    let r = run("security/secrets-encryption", &yaml(SELF_MANAGED_NO_POD));
    cluster_unknown(&r, "no kube-apiserver static pod is visible");
}

#[test]
fn audit_logging_pass_fail_unknown() {
    let r = run("security/audit-logging", &fixture("security/kubeadm.yaml"));
    let p = assert_status(&r, "kube-apiserver-cp-1", Status::Pass);
    assert!(
        p.message.contains("/var/log/kubernetes/audit.log"),
        "{}",
        p.message
    );

    let store = yaml(&apiserver(&[
        "--audit-webhook-config-file=/etc/audit-webhook.yaml",
        "--audit-policy-file=/etc/audit-policy.yaml",
    ]));
    assert_status(
        &run("security/audit-logging", &store),
        "kube-apiserver-cp-1",
        Status::Pass,
    );

    let store = yaml(&apiserver(&["--anonymous-auth=false"]));
    let r = run("security/audit-logging", &store);
    let f = assert_fail(&r, "kube-apiserver-cp-1", Severity::Warning);
    assert!(f.message.contains("--audit-log-path"), "{}", f.message);

    // A log path without a policy logs nothing.
    let store = yaml(&apiserver(&["--audit-log-path=/var/log/audit.log"]));
    let r = run("security/audit-logging", &store);
    let f = assert_fail(&r, "kube-apiserver-cp-1", Severity::Warning);
    assert!(f.message.contains("--audit-policy-file"), "{}", f.message);

    let r = run("security/audit-logging", &yaml(MANAGED));
    cluster_unknown(&r, "managed");
}

#[test]
fn anonymous_auth_apiserver_flag() {
    let r = run("security/anonymous-auth", &fixture("security/kubeadm.yaml"));
    assert_status(&r, "kube-apiserver-cp-1", Status::Pass);
    assert_status(&r, "cp-1", Status::Pass);
    assert_status(&r, "worker-1", Status::Pass);
    assert_eq!(r.len(), 3, "{r:#?}");

    // Absent flag: the default is true.
    let store = yaml(&apiserver(&["--authorization-mode=Node,RBAC"]));
    let r = run("security/anonymous-auth", &store);
    let f = assert_fail(&r, "kube-apiserver-cp-1", Severity::Error);
    assert!(f.message.contains("default is true"), "{}", f.message);

    // A bare boolean flag means true; `--flag false` does not set false.
    let store = yaml(&apiserver(&["--anonymous-auth", "\"false\""]));
    let r = run("security/anonymous-auth", &store);
    assert_fail(&r, "kube-apiserver-cp-1", Severity::Error);

    // The last occurrence wins; Go booleans accept 0/f/F/FALSE.
    let store = yaml(&apiserver(&["--anonymous-auth=true", "--anonymous-auth=0"]));
    let r = run("security/anonymous-auth", &store);
    assert_status(&r, "kube-apiserver-cp-1", Status::Pass);

    // Anonymous settings in a structured authentication config: not visible.
    let store = yaml(&apiserver(&["--authentication-config=/etc/authn.yaml"]));
    let r = run("security/anonymous-auth", &store);
    let u = assert_status(&r, "kube-apiserver-cp-1", Status::Unknown);
    assert!(
        u.message.contains("--authentication-config"),
        "{}",
        u.message
    );
}

#[test]
fn anonymous_auth_kubelets() {
    let text = format!(
        "{}{}",
        MANAGED,
        r#"
apiVersion: v1
kind: Node
metadata: {name: node-a}
---
apiVersion: v1
kind: Node
metadata: {name: node-b}
---
apiVersion: v1
kind: Node
metadata: {name: node-c}
---
apiVersion: v1
kind: Node
metadata: {name: node-d}
---
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
metadata: {name: node-a}
authentication: {anonymous: {enabled: true}}
authorization: {mode: Webhook}
---
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
metadata: {name: node-b}
authorization: {mode: AlwaysAllow}
---
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
metadata: {name: ip-10-0-1-5}
kubeletconfig:
  authentication: {anonymous: {enabled: false}}
  authorization: {mode: Webhook}
---
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
metadata: {name: node-c}
"#
    );
    let store = yaml(&text);
    let r = run("security/anonymous-auth", &store);
    // The managed apiserver is unknown, the kubelets are still judged.
    cluster_unknown(&r, "managed");
    let a = assert_fail(&r, "node-a", Severity::Error);
    assert!(a.message.contains("anonymous"), "{}", a.message);
    assert_eq!(a.subject.kind, "Node");
    let b = assert_fail(&r, "node-b", Severity::Error);
    assert!(b.message.contains("AlwaysAllow"), "{}", b.message);
    // The /configz wrapper form.
    assert_status(&r, "ip-10-0-1-5", Status::Pass);
    // v1beta1 defaults: anonymous off, Webhook.
    let c = assert_status(&r, "node-c", Status::Pass);
    assert!(has_evidence(c, "default false"));
    // A node whose config was not captured.
    assert_status(&r, "node-d", Status::Unknown);
}

#[test]
fn anonymous_auth_no_kubelet_configs() {
    let store = yaml(&apiserver(&["--anonymous-auth=false"]));
    let r = run("security/anonymous-auth", &store);
    assert_status(&r, "kube-apiserver-cp-1", Status::Pass);
    cluster_unknown(&r, "configz");
}

// ─────────────────────────── etcd-client-auth ─────────────────────

fn etcd(flags: &[&str], env: &str) -> String {
    let mut cmd = String::from("        - etcd\n");
    for f in flags {
        cmd.push_str(&format!("        - {f}\n"));
    }
    format!(
        r#"
apiVersion: v1
kind: Pod
metadata:
  name: etcd-cp-1
  namespace: kube-system
  labels: {{component: etcd, tier: control-plane}}
spec:
  containers:
    - name: etcd
      image: registry.k8s.io/etcd:3.5.21-0
{env}
      command:
{cmd}---"#
    )
}

#[test]
fn etcd_client_auth_pass_fail_unknown() {
    let r = run(
        "security/etcd-client-auth",
        &fixture("security/kubeadm.yaml"),
    );
    assert_status(&r, "etcd-cp-1", Status::Pass);

    // A bare boolean flag is true.
    let store = yaml(&etcd(
        &["--client-cert-auth", "--peer-client-cert-auth"],
        "",
    ));
    assert_status(
        &run("security/etcd-client-auth", &store),
        "etcd-cp-1",
        Status::Pass,
    );

    let store = yaml(&etcd(&["--client-cert-auth=true"], ""));
    let r = run("security/etcd-client-auth", &store);
    let f = assert_fail(&r, "etcd-cp-1", Severity::Error);
    assert!(
        f.message.contains("--peer-client-cert-auth=true"),
        "{}",
        f.message
    );
    assert!(!f.message.contains(" --client-cert-auth"), "{}", f.message);

    let store = yaml(&etcd(
        &["--client-cert-auth=false", "--peer-client-cert-auth=true"],
        "",
    ));
    let r = run("security/etcd-client-auth", &store);
    let f = assert_fail(&r, "etcd-cp-1", Severity::Error);
    assert!(has_evidence(f, "--client-cert-auth = false"));

    // etcd also reads ETCD_* environment variables.
    let store = yaml(&etcd(
        &["--peer-client-cert-auth=true"],
        "      env: [{name: ETCD_CLIENT_CERT_AUTH, value: \"true\"}]",
    ));
    let r = run("security/etcd-client-auth", &store);
    let p = assert_status(&r, "etcd-cp-1", Status::Pass);
    assert!(has_evidence(p, "env ETCD_CLIENT_CERT_AUTH = true"));

    // A config file replaces flags and environment.
    let store = yaml(&etcd(&["--config-file=/etc/etcd/etcd.yaml"], ""));
    let r = run("security/etcd-client-auth", &store);
    assert_status(&r, "etcd-cp-1", Status::Unknown);

    let r = run("security/etcd-client-auth", &yaml(MANAGED));
    cluster_unknown(&r, "managed");

    // External etcd: the apiserver is visible, etcd is not.
    let store = yaml(&apiserver(&["--etcd-servers=https://10.0.0.50:2379"]));
    let r = run("security/etcd-client-auth", &store);
    cluster_unknown(&r, "--etcd-servers=https://10.0.0.50:2379");
}

// ─────────────────────────── image-scanning ───────────────────────

#[test]
fn image_scanning_no_scanner() {
    let store = yaml(&deployment("web", "shop", "", ""));
    let r = run("security/image-scanning", &store);
    let f = assert_fail(&r, "cluster", Severity::Warning);
    assert!(
        f.message.contains("no image-vulnerability scanner"),
        "{}",
        f.message
    );
    assert_eq!(r.len(), 1);
}

#[test]
fn image_scanning_reports_per_workload() {
    let text = [
        r#"
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: vulnerabilityreports.aquasecurity.github.io}
spec:
  group: aquasecurity.github.io
  names: {kind: VulnerabilityReport, plural: vulnerabilityreports}
  scope: Namespaced
  versions: [{name: v1alpha1, served: true, storage: true}]
---
apiVersion: apps/v1
kind: ReplicaSet
metadata:
  name: web-6f7d
  namespace: shop
  ownerReferences: [{apiVersion: apps/v1, kind: Deployment, name: web, uid: d1, controller: true}]
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: app, image: shop/web:1.0}]}
---
apiVersion: aquasecurity.github.io/v1alpha1
kind: VulnerabilityReport
metadata:
  name: replicaset-web-6f7d-app
  namespace: shop
  labels:
    trivy-operator.resource.kind: ReplicaSet
    trivy-operator.resource.name: web-6f7d
    trivy-operator.resource.namespace: shop
    trivy-operator.container.name: app
report:
  summary: {criticalCount: 3, highCount: 10}
---
apiVersion: aquasecurity.github.io/v1alpha1
kind: VulnerabilityReport
metadata:
  name: statefulset-db-postgres
  namespace: shop
  labels:
    trivy-operator.resource.kind: StatefulSet
    trivy-operator.resource.name: db
    trivy-operator.container.name: postgres
report:
  summary: {criticalCount: 0, highCount: 2}
---
apiVersion: aquasecurity.github.io/v1alpha1
kind: VulnerabilityReport
metadata:
  name: daemonset-kube-proxy-kube-proxy
  namespace: kube-system
  labels:
    trivy-operator.resource.kind: DaemonSet
    trivy-operator.resource.name: kube-proxy
report:
  summary: {criticalCount: 7}
---
apiVersion: aquasecurity.github.io/v1alpha1
kind: VulnerabilityReport
metadata:
  name: pod-job-x
  namespace: shop
  labels:
    trivy-operator.resource.kind: Pod
    trivy-operator.resource.name: job-x
report: {}
---"#
            .to_string(),
        deployment("web", "shop", "", ""),
    ]
    .concat();
    let store = yaml(&text);
    let r = run("security/image-scanning", &store);
    let c = assert_status(&r, "cluster", Status::Pass);
    assert!(c.message.contains("trivy-operator"), "{}", c.message);
    // The ReplicaSet's report is attributed to its Deployment.
    let web = assert_fail(&r, "web", Severity::Warning);
    assert_eq!(web.subject.kind, "Deployment");
    assert!(web.message.contains("3 critical"), "{}", web.message);
    assert!(has_evidence(
        web,
        "replicaset-web-6f7d-app [app] criticalCount = 3"
    ));
    // A workload not in the store keeps the report's reference.
    let db = assert_status(&r, "db", Status::Pass);
    assert_eq!(db.subject.kind, "StatefulSet");
    // No summary: cannot be decided.
    assert_status(&r, "job-x", Status::Unknown);
    // System namespaces are skipped by default.
    assert!(r.iter().all(|x| x.subject.name != "kube-proxy"));
}

#[test]
fn image_scanning_scanner_by_workload_name() {
    let store = yaml(
        r#"
apiVersion: apps/v1
kind: Deployment
metadata: {name: trivy-operator, namespace: trivy-system}
spec:
  selector: {matchLabels: {app: trivy}}
  template:
    metadata: {labels: {app: trivy}}
    spec: {containers: [{name: op, image: aquasec/trivy-operator:0.24.1}]}
"#,
    );
    let r = run("security/image-scanning", &store);
    let c = assert_status(&r, "cluster", Status::Pass);
    assert!(
        c.message.contains("trivy-system/trivy-operator"),
        "{}",
        c.message
    );
}

// ─────────────────────────── external-secrets ─────────────────────

#[test]
fn external_secrets_pass_and_fail() {
    let r = run(
        "security/external-secrets",
        &yaml(&deployment("web", "shop", "", "")),
    );
    let f = assert_fail(&r, "cluster", Severity::Info);
    assert!(
        f.message.contains("External Secrets Operator"),
        "{}",
        f.message
    );

    let eso = yaml(
        r#"
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: externalsecrets.external-secrets.io}
spec:
  group: external-secrets.io
  names: {kind: ExternalSecret, plural: externalsecrets}
  scope: Namespaced
  versions: [{name: v1, served: true, storage: true}]
"#,
    );
    let p = run("security/external-secrets", &eso);
    let p = assert_status(&p, "cluster", Status::Pass);
    assert!(
        p.message.contains("External Secrets Operator"),
        "{}",
        p.message
    );

    let vault = yaml(
        r#"
apiVersion: apps/v1
kind: Deployment
metadata: {name: vault-agent-injector, namespace: vault}
spec:
  selector: {matchLabels: {app: injector}}
  template:
    metadata: {labels: {app: injector}}
    spec: {containers: [{name: sidecar-injector, image: hashicorp/vault-k8s:1.4.2}]}
"#,
    );
    let p = run("security/external-secrets", &vault);
    let p = assert_status(&p, "cluster", Status::Pass);
    assert!(p.message.contains("Vault agent injector"), "{}", p.message);

    let spc = yaml(
        r#"
apiVersion: secrets-store.csi.x-k8s.io/v1
kind: SecretProviderClass
metadata: {name: aws-secrets, namespace: shop}
spec: {provider: aws}
"#,
    );
    let p = run("security/external-secrets", &spc);
    let p = assert_status(&p, "cluster", Status::Pass);
    assert!(p.message.contains("Secrets Store CSI"), "{}", p.message);
}

#[test]
fn every_security_check_is_in_the_catalog() {
    let ids: Vec<&str> = kready::checks::catalog()
        .iter()
        .filter(|c| c.category == kready::checks::Category::Security)
        .map(|c| c.id)
        .collect();
    assert_eq!(
        ids,
        [
            "security/privileged",
            "security/host-namespaces",
            "security/privilege-escalation",
            "security/run-as-non-root",
            "security/read-only-root-fs",
            "security/capabilities",
            "security/host-path",
            "security/pod-security-labels",
            "security/network-policy-default-deny",
            "security/pod-not-isolated",
            "security/secrets-in-env",
            "security/secrets-encryption",
            "security/audit-logging",
            "security/anonymous-auth",
            "security/etcd-client-auth",
            "security/image-scanning",
            "security/external-secrets",
        ]
    );
}
