//! security — pod hardening, namespace isolation, secrets, and the
//! control-plane settings (apiserver, etcd, kubelet) the seeds ask for.
//!
//! Container-level checks run on the pod template of top-level workloads
//! (`workload::workload_of`), so a Deployment yields one result per
//! container, not one per replica; native sidecars are init containers there
//! like any other. A pod whose controller is not visible is its own
//! workload, `unknown` where its spec was not kept.
//! Ephemeral (debug) containers are in no template: the container-level
//! checks that apply to them (privileged, privilege-escalation,
//! run-as-non-root, capabilities, secrets-in-env) judge them on the pod,
//! controlled or not (`each_ephemeral`). Control-plane checks read the
//! static pods in `kube-system` and say `unknown` where a managed provider
//! hides them.

use std::collections::{BTreeMap, BTreeSet};

use k8s_openapi::api::core::v1::{Container, EnvVar, Namespace, PodOS, PodSpec, SecurityContext};
use k8s_openapi::api::networking::v1::{
    NetworkPolicy, NetworkPolicyIngressRule, NetworkPolicyPeer,
};
use serde_json::Value;

use super::control_plane::managed_reason;
use super::workload::workload_of;
use super::{Category, Check, CheckResult, Ctx, Out, Scope, Severity, Status, Subject};
use crate::model::command::{command_words, env_value, flag_value, parse_go_bool};
use crate::model::mask::{NOT_SHOWN, secret_literal};
use crate::model::pod::{self, Pod};
use crate::model::selector;
use crate::model::workload::WORKLOAD_KINDS;
use crate::model::{ObjRef, Object};
use crate::view::topology::{component_container, managed_pool_label, static_pods};

pub const CHECKS: &[&Check] = &[
    &PRIVILEGED,
    &HOST_NAMESPACES,
    &PRIVILEGE_ESCALATION,
    &RUN_AS_NON_ROOT,
    &READ_ONLY_ROOT_FS,
    &CAPABILITIES,
    &HOST_PATH,
    &POD_SECURITY_LABELS,
    &NETWORK_POLICY_DEFAULT_DENY,
    &POD_NOT_ISOLATED,
    &SECRETS_IN_ENV,
    &SECRETS_ENCRYPTION,
    &AUDIT_LOGGING,
    &ANONYMOUS_AUTH,
    &ETCD_CLIENT_AUTH,
    &IMAGE_SCANNING,
    &EXTERNAL_SECRETS,
];

// ───────────────────────────── shared helpers ─────────────────────────────

/// Windows pods (`spec.os.name: windows`): the API server forbids the Linux
/// securityContext fields there (privileged, allowPrivilegeEscalation,
/// capabilities, readOnlyRootFilesystem, runAsUser), so checks on them do
/// not apply.
fn is_windows(os: Option<&PodOS>) -> bool {
    os.is_some_and(|os| os.name == "windows")
}

/// A capability name as container runtimes read it: any case, with or
/// without the `CAP_` prefix (`cap_net_admin` = `NET_ADMIN`).
fn cap_name(cap: &str) -> String {
    let upper = cap.trim().to_ascii_uppercase();
    match upper.strip_prefix("CAP_") {
        Some(rest) => rest.to_string(),
        None => upper,
    }
}

fn added_caps(sc: Option<&SecurityContext>) -> Vec<String> {
    sc.and_then(|s| s.capabilities.as_ref())
        .and_then(|caps| caps.add.as_ref())
        .map(|add| add.iter().map(|a| cap_name(a)).collect())
        .unwrap_or_default()
}

fn dropped_caps(sc: Option<&SecurityContext>) -> Vec<String> {
    sc.and_then(|s| s.capabilities.as_ref())
        .and_then(|caps| caps.drop.as_ref())
        .map(|d| d.iter().map(|a| cap_name(a)).collect())
        .unwrap_or_default()
}

fn is_privileged(sc: Option<&SecurityContext>) -> bool {
    sc.and_then(|s| s.privileged) == Some(true)
}

/// The pod-level settings a container inherits when it sets none of its own.
#[derive(Clone, Copy)]
struct PodLevel {
    run_as_non_root: Option<bool>,
    run_as_user: Option<i64>,
    host_process: Option<bool>,
}

impl PodLevel {
    fn of_template(spec: &PodSpec) -> PodLevel {
        let sc = spec.security_context.as_ref();
        PodLevel {
            run_as_non_root: sc.and_then(|s| s.run_as_non_root),
            run_as_user: sc.and_then(|s| s.run_as_user),
            host_process: sc
                .and_then(|s| s.windows_options.as_ref())
                .and_then(|o| o.host_process),
        }
    }

    fn of_pod(spec: &pod::PodSpec) -> PodLevel {
        let sc = spec.security_context.as_ref();
        PodLevel {
            run_as_non_root: sc.and_then(|s| s.run_as_non_root),
            run_as_user: sc.and_then(|s| s.run_as_user),
            host_process: sc
                .and_then(|s| s.windows_options.as_ref())
                .and_then(|o| o.host_process),
        }
    }
}

/// One container as the container-level checks read it: a container of a
/// workload's template, or an ephemeral container of a live pod.
struct Ctr<'a> {
    sc: Option<&'a SecurityContext>,
    pod: PodLevel,
    env: Env<'a>,
}

enum Env<'a> {
    Template(&'a [EnvVar]),
    Ephemeral(&'a [pod::EnvVar]),
}

impl Env<'_> {
    /// (name, literal value) of each var that has a literal.
    fn literals(&self) -> Vec<(&str, &str)> {
        match self {
            Env::Template(vars) => vars
                .iter()
                .filter_map(|e| Some((e.name.as_str(), e.value.as_deref()?)))
                .collect(),
            Env::Ephemeral(vars) => vars
                .iter()
                .filter_map(|e| Some((e.name.as_str(), e.value.as_deref()?)))
                .collect(),
        }
    }
}

/// Runs `f` for every container of a top-level workload's template (init
/// containers, sidecars included), then for the ephemeral containers of a
/// pod (`each_ephemeral`); `skip_windows` leaves Windows pods out.
fn each_container(
    ctx: &Ctx,
    obj: &ObjRef,
    out: &mut Out,
    skip_windows: bool,
    mut f: impl FnMut(&Ctr, Subject, &mut Out),
) {
    each_template_container(ctx, obj, out, skip_windows, &mut f);
    each_ephemeral(obj, out, skip_windows, f);
}

fn each_template_container(
    ctx: &Ctx,
    obj: &ObjRef,
    out: &mut Out,
    skip_windows: bool,
    mut f: impl FnMut(&Ctr, Subject, &mut Out),
) {
    // A pod keeps `spec.os` even where its spec is trimmed: a Windows pod
    // is left out before its template is asked for.
    let trimmed_os = obj
        .typed::<Pod>()
        .and_then(|p| p.spec.as_ref()?.os.as_deref());
    if skip_windows && is_windows(trimmed_os) {
        return;
    }
    let Some(w) = workload_of(ctx, obj, out) else {
        return;
    };
    if skip_windows && is_windows(w.spec.os.as_ref()) {
        return;
    }
    let pod = PodLevel::of_template(w.spec);
    for c in w.containers() {
        let ctr = Ctr {
            sc: c.security_context.as_ref(),
            pod,
            env: Env::Template(c.env.as_deref().unwrap_or_default()),
        };
        f(&ctr, Subject::container(obj, &c.name), out);
    }
}

/// Runs `f` for each ephemeral (debug) container of a pod, controlled or
/// not: `kubectl debug` adds them to running pods and no template holds
/// them, so they are judged on the pod itself (its controller's results say
/// nothing about them). Each result then says which debug container it is,
/// what it targets, and its state.
fn each_ephemeral(
    obj: &ObjRef,
    out: &mut Out,
    skip_windows: bool,
    mut f: impl FnMut(&Ctr, Subject, &mut Out),
) {
    let Some(pod) = obj.typed::<Pod>() else {
        return;
    };
    let Some(spec) = pod.spec.as_ref() else {
        return;
    };
    if skip_windows && is_windows(spec.os.as_deref()) {
        return;
    }
    let level = PodLevel::of_pod(spec);
    for e in spec.ephemeral_containers.iter().flatten() {
        let ctr = Ctr {
            sc: e.security_context.as_ref(),
            pod: level,
            env: Env::Ephemeral(e.env.as_deref().unwrap_or_default()),
        };
        let first = out.results.len();
        f(&ctr, Subject::container(obj, &e.name), out);
        let state = ephemeral_state(pod, &e.name);
        for r in &mut out.results[first..] {
            describe_ephemeral(r, e, state.as_deref());
        }
    }
}

/// An ephemeral container's state from `status.ephemeralContainerStatuses`.
fn ephemeral_state(pod: &Pod, name: &str) -> Option<String> {
    let cs = pod
        .status
        .as_ref()?
        .ephemeral_container_statuses
        .iter()
        .flatten()
        .find(|c| c.name == name)?;
    let state = cs.state.as_ref()?;
    if state.running.is_some() {
        Some("running".into())
    } else if let Some(t) = &state.terminated {
        Some(format!(
            "terminated ({}, exit code {})",
            t.reason.as_deref().unwrap_or("no reason"),
            t.exit_code
        ))
    } else {
        state
            .waiting
            .as_ref()
            .map(|w| format!("waiting ({})", w.reason.as_deref().unwrap_or("no reason")))
    }
}

/// Names an ephemeral container in a result: it is no template's, so the
/// reader needs to know it was added to this pod, for what, and that it
/// stays in the pod's spec (ephemeral containers cannot be removed).
fn describe_ephemeral(r: &mut CheckResult, e: &pod::EphemeralContainer, state: Option<&str>) {
    let target = match e.target_container_name.as_deref() {
        Some(t) => format!(", targeting container {t}"),
        None => String::new(),
    };
    let what = format!("ephemeral (debug) container added to the running pod{target}");
    r.message = match r.status {
        Status::Fail => format!(
            "{what}: {}; ephemeral containers cannot be removed: delete the pod once \
             debugging is done",
            r.message
        ),
        _ => format!("{what}: {}", r.message),
    };
    let at = format!("spec.ephemeralContainers[{}]", e.name);
    if let Some(t) = &e.target_container_name {
        r.evidence(&format!("{at}.targetContainerName"), t);
    }
    if let Some(image) = &e.image {
        r.evidence(&format!("{at}.image"), image);
    }
    if let Some(state) = state {
        r.evidence(
            &format!("ephemeralContainerStatuses[{}].state", e.name),
            state,
        );
    }
}

fn system_ns_skipped(ctx: &Ctx, ns: &str) -> bool {
    ctx.is_system_namespace(ns) && !ctx.config.include_system_namespaces
}

// ─────────────────────────── security/privileged ──────────────────────────

pub static PRIVILEGED: Check = Check {
    id: "security/privileged",
    title: "Containers do not run privileged",
    category: Category::Security,
    severity: Severity::Error,
    seeds: &["002", "004"],
    rationale: "A privileged container has every capability and access to the host's devices: \
                escaping to the node is trivial.",
    fix: Some("set `privileged: false`"),
    enabled_by_default: true,
    scope: Scope::Object {
        kinds: WORKLOAD_KINDS,
        run: privileged,
    },
    reads: &[],
};

fn privileged(ctx: &Ctx, obj: &ObjRef, out: &mut Out) {
    each_container(ctx, obj, out, false, |c, subject, out| {
        let host_process =
            c.sc.and_then(|s| s.windows_options.as_ref())
                .and_then(|o| o.host_process)
                .or(c.pod.host_process);
        if is_privileged(c.sc) {
            out.fail(
                subject,
                "runs privileged: every capability and the host's devices",
            )
            .evidence("securityContext.privileged", true);
        } else if host_process == Some(true) {
            out.fail(
                subject,
                "runs as a Windows HostProcess container: host-level privileges",
            )
            .evidence("securityContext.windowsOptions.hostProcess", true);
        } else {
            out.pass(subject, "not privileged");
        }
    });
}

// ───────────────────────── security/host-namespaces ───────────────────────

pub static HOST_NAMESPACES: Check = Check {
    id: "security/host-namespaces",
    title: "Pods do not share the host's network, PID or IPC namespace",
    category: Category::Security,
    severity: Severity::Error,
    seeds: &["004"],
    rationale: "hostNetwork exposes the node's interfaces and bypasses NetworkPolicy; hostPID \
                and hostIPC let a pod see and signal the node's processes and shared memory.",
    fix: Some("unset"),
    enabled_by_default: true,
    scope: Scope::Object {
        kinds: WORKLOAD_KINDS,
        run: host_namespaces,
    },
    reads: &[],
};

fn host_namespaces(ctx: &Ctx, obj: &ObjRef, out: &mut Out) {
    let Some(w) = workload_of(ctx, obj, out) else {
        return;
    };
    let set: Vec<&str> = [
        ("hostNetwork", w.spec.host_network),
        ("hostPID", w.spec.host_pid),
        ("hostIPC", w.spec.host_ipc),
    ]
    .into_iter()
    .filter(|(_, v)| *v == Some(true))
    .map(|(k, _)| k)
    .collect();
    let subject = Subject::of(obj);
    if set.is_empty() {
        out.pass(subject, "uses its own network, PID and IPC namespaces");
    } else {
        let r = out.fail(
            subject,
            format!("shares the node's namespaces: {}", set.join(", ")),
        );
        for k in set {
            r.evidence(&format!("spec.{k}"), true);
        }
    }
}

// ─────────────────────── security/privilege-escalation ────────────────────

pub static PRIVILEGE_ESCALATION: Check = Check {
    id: "security/privilege-escalation",
    title: "Containers set allowPrivilegeEscalation: false",
    category: Category::Security,
    severity: Severity::Warning,
    seeds: &["003"],
    rationale: "Unless allowPrivilegeEscalation is false, a process can gain more privileges \
                than its parent (setuid binaries, file capabilities); the default is true.",
    fix: Some("patch securityContext"),
    enabled_by_default: true,
    scope: Scope::Object {
        kinds: WORKLOAD_KINDS,
        run: privilege_escalation,
    },
    reads: &[],
};

fn privilege_escalation(ctx: &Ctx, obj: &ObjRef, out: &mut Out) {
    each_container(ctx, obj, out, true, |c, subject, out| {
        let field = c.sc.and_then(|s| s.allow_privilege_escalation);
        if is_privileged(c.sc) {
            out.fail(
                subject,
                "privilege escalation is always allowed: the container is privileged",
            )
            .evidence("securityContext.privileged", true)
            .evidence(
                "securityContext.allowPrivilegeEscalation",
                fmt_opt(field, "unset"),
            );
        } else if added_caps(c.sc).iter().any(|c| c == "SYS_ADMIN") {
            out.fail(
                subject,
                "privilege escalation is always allowed: CAP_SYS_ADMIN is added",
            )
            .evidence("securityContext.capabilities.add", "SYS_ADMIN")
            .evidence(
                "securityContext.allowPrivilegeEscalation",
                fmt_opt(field, "unset"),
            );
        } else {
            match field {
                Some(false) => {
                    out.pass(subject, "allowPrivilegeEscalation is false");
                }
                Some(true) => {
                    out.fail(subject, "allowPrivilegeEscalation is true")
                        .evidence("securityContext.allowPrivilegeEscalation", true);
                }
                None => {
                    out.fail(
                        subject,
                        "allowPrivilegeEscalation is not set, so it defaults to true",
                    )
                    .evidence("securityContext.allowPrivilegeEscalation", "unset");
                }
            }
        }
    });
}

fn fmt_opt<T: std::fmt::Display>(v: Option<T>, none: &str) -> String {
    v.map_or_else(|| none.to_string(), |v| v.to_string())
}

// ─────────────────────────── security/run-as-non-root ─────────────────────

pub static RUN_AS_NON_ROOT: Check = Check {
    id: "security/run-as-non-root",
    title: "Containers run as a non-root user",
    category: Category::Security,
    severity: Severity::Warning,
    seeds: &["003"],
    rationale: "Root in a container is root on the node once anything breaks out; \
                runAsNonRoot makes the kubelet refuse to start a container as UID 0.",
    fix: Some("patch securityContext"),
    enabled_by_default: true,
    scope: Scope::Object {
        kinds: WORKLOAD_KINDS,
        run: run_as_non_root,
    },
    reads: &[],
};

fn run_as_non_root(ctx: &Ctx, obj: &ObjRef, out: &mut Out) {
    each_container(ctx, obj, out, false, |c, subject, out| {
        let c_non_root = c.sc.and_then(|s| s.run_as_non_root);
        let p_non_root = c.pod.run_as_non_root;
        let c_user = c.sc.and_then(|s| s.run_as_user);
        let p_user = c.pod.run_as_user;
        // The container's settings override the pod's.
        let (non_root, non_root_at) = match (c_non_root, p_non_root) {
            (Some(v), _) => (Some(v), "securityContext.runAsNonRoot"),
            (None, Some(v)) => (Some(v), "spec.securityContext.runAsNonRoot"),
            (None, None) => (None, "securityContext.runAsNonRoot"),
        };
        let (user, user_at) = match (c_user, p_user) {
            (Some(u), _) => (Some(u), "securityContext.runAsUser"),
            (None, Some(u)) => (Some(u), "spec.securityContext.runAsUser"),
            (None, None) => (None, "securityContext.runAsUser"),
        };
        match (non_root, user) {
            (Some(true), Some(0)) => {
                out.fail(
                    subject,
                    "runAsNonRoot is true but runAsUser is 0: the kubelet refuses to start \
                     the container",
                )
                .evidence(non_root_at, true)
                .evidence(user_at, 0);
            }
            (_, Some(0)) => {
                out.fail(subject, "runs as root: runAsUser is 0")
                    .evidence(user_at, 0);
            }
            (Some(true), _) => {
                out.pass(subject, format!("runAsNonRoot is true ({non_root_at})"));
            }
            (_, Some(uid)) => {
                out.pass(subject, format!("runs as UID {uid} ({user_at})"));
            }
            (Some(false), None) => {
                let msg = if p_non_root == Some(true) {
                    "the container sets runAsNonRoot: false, overriding the pod's true, \
                     and no non-zero runAsUser: the image's USER decides and may be root"
                } else {
                    "runAsNonRoot is false and no non-zero runAsUser is set: the image's \
                     USER decides and may be root"
                };
                out.fail(subject, msg)
                    .evidence(non_root_at, false)
                    .evidence(user_at, "unset");
            }
            (None, None) => {
                out.fail(
                    subject,
                    "neither pod nor container sets runAsNonRoot: true or a non-zero \
                     runAsUser: the image's USER decides and may be root",
                )
                .evidence(non_root_at, "unset")
                .evidence(user_at, "unset");
            }
        }
    });
}

// ────────────────────────── security/read-only-root-fs ────────────────────

pub static READ_ONLY_ROOT_FS: Check = Check {
    id: "security/read-only-root-fs",
    title: "Containers mount their root filesystem read-only",
    category: Category::Security,
    severity: Severity::Info,
    seeds: &["003"],
    rationale: "A read-only root filesystem stops an attacker from dropping tools or \
                altering binaries; writable paths go to emptyDir volumes.",
    fix: Some("patch securityContext"),
    enabled_by_default: true,
    scope: Scope::Object {
        kinds: WORKLOAD_KINDS,
        run: read_only_root_fs,
    },
    reads: &[],
};

fn read_only_root_fs(ctx: &Ctx, obj: &ObjRef, out: &mut Out) {
    // Template containers only. An ephemeral (debug) container is an
    // interactive session that installs tools and writes dumps by design;
    // the practice protects a long-running container's image from being
    // altered, and no Pod Security level (nor `kubectl debug --profile`,
    // restricted included) asks it of a debug container.
    each_template_container(ctx, obj, out, true, |c, subject, out| {
        match c.sc.and_then(|s| s.read_only_root_filesystem) {
            Some(true) => {
                out.pass(subject, "root filesystem is read-only");
            }
            v => {
                out.fail(subject, "root filesystem is writable").evidence(
                    "securityContext.readOnlyRootFilesystem",
                    fmt_opt(v, "unset"),
                );
            }
        }
    });
}

// ─────────────────────────── security/capabilities ────────────────────────

/// Capabilities the Pod Security Standards' baseline level allows adding.
const BASELINE_CAPS: &[&str] = &[
    "AUDIT_WRITE",
    "CHOWN",
    "DAC_OVERRIDE",
    "FOWNER",
    "FSETID",
    "KILL",
    "MKNOD",
    "NET_BIND_SERVICE",
    "SETFCAP",
    "SETGID",
    "SETPCAP",
    "SETUID",
    "SYS_CHROOT",
];

/// The only capability the restricted level allows adding.
const RESTRICTED_CAPS: &[&str] = &["NET_BIND_SERVICE"];

const PSA_ENFORCE: &str = "pod-security.kubernetes.io/enforce";
const PSA_WARN: &str = "pod-security.kubernetes.io/warn";
const PSA_AUDIT: &str = "pod-security.kubernetes.io/audit";

pub static CAPABILITIES: Check = Check {
    id: "security/capabilities",
    title: "Containers drop ALL capabilities and add none beyond the baseline",
    category: Category::Security,
    severity: Severity::Warning,
    seeds: &["003"],
    rationale: "Capabilities such as SYS_ADMIN or NET_ADMIN are most of root; dropping ALL \
                and adding back only what is needed keeps a compromised process weak.",
    fix: Some("patch `drop: [ALL]`"),
    enabled_by_default: true,
    scope: Scope::Object {
        kinds: WORKLOAD_KINDS,
        run: capabilities,
    },
    reads: &["Namespace"],
};

fn capabilities(ctx: &Ctx, obj: &ObjRef, out: &mut Out) {
    // In a namespace that enforces restricted, only NET_BIND_SERVICE may be added.
    let restricted = ctx
        .store
        .get_named("Namespace", "", obj.namespace())
        .and_then(|n| n.label(PSA_ENFORCE))
        == Some("restricted");
    let (allowed, level) = if restricted {
        (RESTRICTED_CAPS, "restricted")
    } else {
        (BASELINE_CAPS, "baseline")
    };
    each_container(ctx, obj, out, true, |c, subject, out| {
        let added = added_caps(c.sc);
        let beyond: Vec<&String> = added
            .iter()
            .filter(|a| !allowed.contains(&a.as_str()))
            .collect();
        let dropped_all = dropped_caps(c.sc).iter().any(|d| d == "ALL");
        let mut problems = Vec::new();
        if !beyond.is_empty() {
            let names: Vec<&str> = beyond.iter().map(|s| s.as_str()).collect();
            let mut p = format!("adds {} beyond the {level} set", names.join(", "));
            if restricted {
                p.push_str(" (the namespace enforces restricted: only NET_BIND_SERVICE)");
            }
            problems.push(p);
        }
        if !dropped_all {
            problems.push("does not drop ALL".to_string());
        }
        let fmt_list = |v: &[String]| {
            if v.is_empty() {
                "[]".to_string()
            } else {
                format!("[{}]", v.join(", "))
            }
        };
        if problems.is_empty() {
            let msg = if added.is_empty() {
                "drops ALL and adds none".to_string()
            } else {
                format!("drops ALL and adds only {}", added.join(", "))
            };
            out.pass(subject, msg);
        } else {
            let mut msg = problems.join("; ");
            if is_privileged(c.sc) {
                msg.push_str(" (privileged: it has every capability anyway)");
            }
            out.fail(subject, msg)
                .evidence("securityContext.capabilities.add", fmt_list(&added))
                .evidence(
                    "securityContext.capabilities.drop",
                    fmt_list(&dropped_caps(c.sc)),
                );
        }
    });
}

// ─────────────────────────── security/host-path ───────────────────────────

pub static HOST_PATH: Check = Check {
    id: "security/host-path",
    title: "Pods do not mount hostPath volumes",
    category: Category::Security,
    severity: Severity::Warning,
    seeds: &["004"],
    rationale: "A hostPath volume gives the pod the node's filesystem: container runtime \
                sockets, kubelet credentials, other pods' data.",
    fix: None,
    enabled_by_default: true,
    scope: Scope::Object {
        kinds: WORKLOAD_KINDS,
        run: host_path,
    },
    reads: &[],
};

fn host_path(ctx: &Ctx, obj: &ObjRef, out: &mut Out) {
    let Some(w) = workload_of(ctx, obj, out) else {
        return;
    };
    let mounts: Vec<(&str, &str)> = w
        .spec
        .volumes
        .iter()
        .flatten()
        .filter_map(|v| {
            v.host_path
                .as_ref()
                .map(|h| (v.name.as_str(), h.path.as_str()))
        })
        .collect();
    let subject = Subject::of(obj);
    if mounts.is_empty() {
        out.pass(subject, "no hostPath volumes");
    } else {
        let list: Vec<String> = mounts.iter().map(|(n, p)| format!("{n} ({p})")).collect();
        let r = out.fail(
            subject,
            format!("mounts the node's filesystem: {}", list.join(", ")),
        );
        for (n, p) in mounts {
            r.evidence(&format!("volumes[{n}].hostPath.path"), p);
        }
    }
}

// ───────────────────────── security/pod-security-labels ───────────────────

pub static POD_SECURITY_LABELS: Check = Check {
    id: "security/pod-security-labels",
    title: "Namespaces enforce a Pod Security Standard",
    category: Category::Security,
    severity: Severity::Warning,
    seeds: &["003"],
    rationale: "Pod Security Admission rejects pods that break the namespace's standard; \
                without an enforce label of baseline or restricted any pod is admitted. The \
                gradual path: warn=restricted, review the warnings, then enforce=baseline.",
    fix: Some("label namespace: first `warn=restricted`, then `enforce=baseline`"),
    enabled_by_default: true,
    scope: Scope::Object {
        kinds: &["Namespace"],
        run: pod_security_labels,
    },
    reads: &[],
};

fn pod_security_labels(_ctx: &Ctx, obj: &ObjRef, out: &mut Out) {
    if obj.typed::<Namespace>().is_none() {
        return;
    }
    let subject = Subject::namespace(obj.name());
    let enforce = obj.label(PSA_ENFORCE);
    let warn = obj.label(PSA_WARN);
    let audit = obj.label(PSA_AUDIT);
    let evidence = |r: &mut CheckResult| {
        for (k, v) in [(PSA_ENFORCE, enforce), (PSA_WARN, warn), (PSA_AUDIT, audit)] {
            if let Some(v) = v {
                r.evidence(&format!("metadata.labels[{k}]"), v);
            }
        }
    };
    match enforce {
        Some(level @ ("baseline" | "restricted")) => {
            let mut msg = format!("enforce={level}");
            if level == "baseline" && warn != Some("restricted") {
                msg.push_str("; next step: warn=restricted");
            }
            evidence(out.pass(subject, msg));
        }
        Some("privileged") => {
            evidence(out.fail(
                subject,
                "enforce=privileged admits any pod (privileged, host namespaces, hostPath); \
                 set enforce=baseline or restricted",
            ));
        }
        Some(other) => {
            evidence(out.fail(
                subject,
                format!(
                    "enforce={other:?} is not a valid level (privileged, baseline, restricted; \
                     case-sensitive): PodSecurity treats it as restricted, and the label is \
                     rejected on the next namespace update; set it explicitly"
                ),
            ));
        }
        None => {
            let msg = match (warn, audit) {
                (Some(w), _) => format!(
                    "only warn={w} is set: that is step 1 of the gradual path (warn, review \
                     the warnings, then enforce); nothing is enforced yet — next: enforce=baseline"
                ),
                (None, Some(a)) => format!(
                    "only audit={a} is set: nothing is enforced; step 1 of the gradual path is \
                     warn=restricted, then enforce=baseline"
                ),
                (None, None) => "no pod-security.kubernetes.io/enforce label: any pod is \
                                 admitted (unless a cluster-wide PodSecurity default applies); \
                                 step 1 of the gradual path: warn=restricted, then enforce=baseline"
                    .to_string(),
            };
            let r = out.fail(subject, msg);
            r.evidence(&format!("metadata.labels[{PSA_ENFORCE}]"), "unset");
            evidence(r);
        }
    }
}

// ─────────────────────── security/network-policy-default-deny ─────────────

pub static NETWORK_POLICY_DEFAULT_DENY: Check = Check {
    id: "security/network-policy-default-deny",
    title: "Namespaces deny ingress by default",
    category: Category::Security,
    severity: Severity::Warning,
    seeds: &["000", "003", "004"],
    rationale: "Kubernetes lets every pod reach every other pod. A NetworkPolicy that \
                selects all pods of a namespace for Ingress makes traffic denied unless a \
                policy allows it, which stops lateral movement.",
    fix: Some(
        "create default-deny-ingress NetworkPolicy (preview lists the pods whose traffic it would affect)",
    ),
    enabled_by_default: true,
    scope: Scope::Namespace {
        run: network_policy_default_deny,
        across: &[],
    },
    reads: &[
        "NetworkPolicy",
        "Pod",
        "Deployment",
        "StatefulSet",
        "DaemonSet",
        "CronJob",
        "Job",
        "ReplicaSet",
        "Namespace",
    ],
};

/// The policy types a NetworkPolicy applies to: when `policyTypes` is
/// unset (or empty), Ingress always, and Egress when it has egress rules.
fn policy_types(np: &NetworkPolicy) -> (bool, bool) {
    let Some(spec) = np.spec.as_ref() else {
        return (false, false);
    };
    match spec.policy_types.as_deref() {
        Some(types) if !types.is_empty() => (
            types.iter().any(|t| t == "Ingress"),
            types.iter().any(|t| t == "Egress"),
        ),
        _ => (true, spec.egress.as_ref().is_some_and(|e| !e.is_empty())),
    }
}

fn selects_all_pods(np: &NetworkPolicy) -> bool {
    np.spec
        .as_ref()
        .is_some_and(|s| s.pod_selector.as_ref().is_none_or(selector::is_empty))
}

/// A peer that admits every source: all pods of all namespaces, or every
/// IPv4/IPv6 address.
fn peer_allows_all(p: &NetworkPolicyPeer) -> bool {
    let all_pods = p
        .namespace_selector
        .as_ref()
        .is_some_and(selector::is_empty)
        && p.pod_selector.as_ref().is_none_or(selector::is_empty)
        && p.ip_block.is_none();
    let all_ips = p.ip_block.as_ref().is_some_and(|b| {
        matches!(b.cidr.as_str(), "0.0.0.0/0" | "::/0")
            && b.except.as_ref().is_none_or(|e| e.is_empty())
    });
    all_pods || all_ips
}

/// A rule that allows all ingress: no port restriction, and no source
/// restriction (or a peer that admits every source).
fn rule_allows_all(rule: &NetworkPolicyIngressRule) -> bool {
    let all_ports = rule.ports.as_ref().is_none_or(|p| p.is_empty());
    let all_from = rule
        .from
        .as_ref()
        .is_none_or(|f| f.is_empty() || f.iter().any(peer_allows_all));
    all_ports && all_from
}

fn allow_all_rule(np: &NetworkPolicy) -> Option<usize> {
    np.spec
        .as_ref()?
        .ingress
        .as_ref()?
        .iter()
        .position(rule_allows_all)
}

fn network_policy_default_deny(ctx: &Ctx, ns: &str, out: &mut Out) {
    // Namespaces with pods or workloads, and how many pods each runs.
    let workloads = WORKLOAD_KINDS
        .iter()
        .map(|kind| ctx.store.list_in(kind, ns).count())
        .sum::<usize>();
    let pods = ctx.store.list_in("Pod", ns).count();
    if workloads == 0 || system_ns_skipped(ctx, ns) {
        return;
    }
    {
        let subject = Subject::namespace(ns);
        let mut deny: Vec<&str> = Vec::new();
        let mut undo: Vec<(&str, usize)> = Vec::new();
        let mut egress_only: Vec<&str> = Vec::new();
        let mut count = 0;
        for (o, np) in ctx.store.typed_in::<NetworkPolicy>(ns) {
            count += 1;
            if !selects_all_pods(np) {
                continue;
            }
            let (ingress, _) = policy_types(np);
            if !ingress {
                egress_only.push(o.name());
                continue;
            }
            match allow_all_rule(np) {
                Some(i) => undo.push((o.name(), i)),
                None => deny.push(o.name()),
            }
        }
        if let Some((name, i)) = undo.first() {
            out.fail(
                subject,
                format!(
                    "NetworkPolicy {name} selects every pod and its ingress rule {i} allows \
                     all traffic, which overrides any default deny"
                ),
            )
            .evidence(
                &format!("NetworkPolicy {name} spec.ingress[{i}]"),
                "allows all",
            )
            .evidence("pods", pods);
        } else if let Some(name) = deny.first() {
            out.pass(
                subject,
                format!("NetworkPolicy {name} denies ingress to every pod by default"),
            );
        } else {
            let mut msg = format!(
                "no NetworkPolicy selects all pods with ingress denied by default ({count} \
                 NetworkPolicies in the namespace)"
            );
            if let Some(name) = egress_only.first() {
                msg.push_str(&format!("; {name} selects every pod but only for Egress"));
            }
            out.fail(subject, msg)
                .evidence("networkpolicies", count)
                .evidence("pods", pods);
        }
    }
}

// ───────────────────────────── security/pod-not-isolated ──────────────────

pub static POD_NOT_ISOLATED: Check = Check {
    id: "security/pod-not-isolated",
    title: "Pods are selected by a NetworkPolicy",
    category: Category::Security,
    severity: Severity::Info,
    seeds: &["003"],
    rationale: "A pod that no NetworkPolicy selects accepts traffic from anywhere in the \
                cluster and may send it anywhere.",
    fix: None,
    enabled_by_default: true,
    scope: Scope::Object {
        kinds: WORKLOAD_KINDS,
        run: pod_not_isolated,
    },
    reads: &["NetworkPolicy"],
};

fn pod_not_isolated(ctx: &Ctx, obj: &ObjRef, out: &mut Out) {
    let Some(w) = workload_of(ctx, obj, out) else {
        return;
    };
    let subject = Subject::of(obj);
    if w.spec.host_network == Some(true) {
        out.fail(
            subject,
            "runs with hostNetwork: NetworkPolicy does not isolate host-network pods \
             (behaviour is left to the CNI)",
        )
        .evidence("spec.hostNetwork", true);
        return;
    }
    let names: Vec<&str> = ctx
        .store
        .network_policies_selecting(obj.namespace(), w.template_labels)
        .map(|(o, _)| o.name())
        .collect();
    if names.is_empty() {
        let labels: Vec<String> = w
            .template_labels
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect();
        out.fail(
            subject,
            "no NetworkPolicy selects its pods: all ingress and egress is allowed",
        )
        .evidence("pod labels", format!("{{{}}}", labels.join(", ")));
    } else {
        out.pass(
            subject,
            format!("selected by NetworkPolicy {}", names.join(", ")),
        );
    }
}

// ───────────────────────────── security/secrets-in-env ────────────────────

pub static SECRETS_IN_ENV: Check = Check {
    id: "security/secrets-in-env",
    title: "Secret-looking env vars come from Secrets, not literals",
    category: Category::Security,
    severity: Severity::Warning,
    seeds: &["003"],
    rationale: "A literal value in the pod template is readable by anyone who can read the \
                workload, and lands in Git, kubectl output and the audit log.",
    fix: None,
    enabled_by_default: true,
    scope: Scope::Object {
        kinds: WORKLOAD_KINDS,
        run: secrets_in_env,
    },
    reads: &[],
};

fn secrets_in_env(ctx: &Ctx, obj: &ObjRef, out: &mut Out) {
    each_container(ctx, obj, out, false, |c, subject, out| {
        let literal: Vec<&str> = c
            .env
            .literals()
            .into_iter()
            .filter(|(name, value)| secret_literal(name, value))
            .map(|(name, _)| name)
            .collect();
        if literal.is_empty() {
            out.pass(subject, "no secret-looking env var has a literal value");
        } else {
            // Names only: the values are the secret.
            let r = out.fail(
                subject,
                format!(
                    "literal value in secret-looking env var {}: use valueFrom.secretKeyRef",
                    literal.join(", ")
                ),
            );
            for name in literal {
                r.evidence(&format!("env[{name}].value"), NOT_SHOWN);
            }
        }
    });
}

// ─────────────────────── control plane: static pods and flags ─────────────

/// The visible static pods of `component`, or why they cannot be read.
fn control_plane_pods<'a>(
    ctx: &'a Ctx,
    component: &str,
) -> Result<Vec<(&'a ObjRef, &'a Pod)>, String> {
    if let Some(reason) = managed_reason(ctx) {
        return Err(format!(
            "{reason}: the provider hides {component} and its flags"
        ));
    }
    let pods = static_pods(ctx.store, component);
    if !pods.is_empty() {
        return Ok(pods);
    }
    if let Some((label, provider)) = managed_pool_label(ctx.store) {
        return Err(format!(
            "nodes carry {label} (managed {provider} control plane): the provider hides \
             {component} and its flags"
        ));
    }
    Err(format!(
        "no {component} static pod is visible in kube-system (label component={component}): \
         its flags cannot be read"
    ))
}

/// Runs `judge` on each visible static pod of `component`; `Err` says why
/// none can be read.
fn each_static_pod(
    ctx: &Ctx,
    out: &mut Out,
    component: &str,
    mut judge: impl FnMut(&Container, &[&str], Subject, &mut Out),
) -> Result<(), String> {
    for (p, pod) in control_plane_pods(ctx, component)? {
        let subject = Subject::of(p);
        match component_container(pod, component) {
            Some(c) => judge(c, &command_words(c), subject, out),
            None => {
                out.unknown(subject, format!("{component} pod has no containers"));
            }
        }
    }
    Ok(())
}

/// `each_static_pod`, reporting one cluster `unknown` when none is visible.
fn per_static_pod(
    ctx: &Ctx,
    out: &mut Out,
    component: &str,
    judge: impl FnMut(&Container, &[&str], Subject, &mut Out),
) {
    if let Err(reason) = each_static_pod(ctx, out, component, judge) {
        out.unknown(Subject::cluster(), reason);
    }
}

// ──────────────────────────── security/secrets-encryption ─────────────────

pub static SECRETS_ENCRYPTION: Check = Check {
    id: "security/secrets-encryption",
    title: "Secrets are encrypted at rest",
    category: Category::Security,
    severity: Severity::Error,
    seeds: &["003", "004"],
    rationale: "Without an encryption provider, Secrets sit in etcd (and its backups) as \
                base64, readable by anyone with the disk or a snapshot.",
    fix: None,
    enabled_by_default: true,
    scope: Scope::Cluster {
        run: secrets_encryption,
    },
    reads: &["Pod@kube-system", "Node"],
};

fn secrets_encryption(ctx: &Ctx, out: &mut Out) {
    per_static_pod(
        ctx,
        out,
        "kube-apiserver",
        |_, words, subject, out| match flag_value(words, "encryption-provider-config", false)
            .filter(|v| !v.is_empty())
        {
            Some(path) => {
                out.pass(
                    subject,
                    format!(
                        "--encryption-provider-config={path} (the file's providers are not \
                         visible; an identity-first config would not encrypt)"
                    ),
                )
                .evidence("--encryption-provider-config", path);
            }
            None => {
                out.fail(
                    subject,
                    "kube-apiserver runs without --encryption-provider-config: Secrets are \
                     stored unencrypted in etcd",
                )
                .evidence("--encryption-provider-config", "unset");
            }
        },
    );
}

// ─────────────────────────────── security/audit-logging ───────────────────

pub static AUDIT_LOGGING: Check = Check {
    id: "security/audit-logging",
    title: "The API server writes an audit log",
    category: Category::Security,
    severity: Severity::Warning,
    seeds: &["002", "004"],
    rationale: "The audit log is the record of who changed what: needed for intrusion \
                detection, incident reviews and compliance.",
    fix: None,
    enabled_by_default: true,
    scope: Scope::Cluster { run: audit_logging },
    reads: &["Pod@kube-system", "Node"],
};

fn audit_logging(ctx: &Ctx, out: &mut Out) {
    per_static_pod(ctx, out, "kube-apiserver", |_, words, subject, out| {
        let get = |n| flag_value(words, n, false).filter(|v| !v.is_empty());
        let path = get("audit-log-path");
        let webhook = get("audit-webhook-config-file");
        let policy = get("audit-policy-file");
        let backends: Vec<String> = path
            .iter()
            .map(|p| format!("--audit-log-path={p}"))
            .chain(
                webhook
                    .iter()
                    .map(|w| format!("--audit-webhook-config-file={w}")),
            )
            .collect();
        if backends.is_empty() {
            out.fail(
                subject,
                "kube-apiserver runs without --audit-log-path or --audit-webhook-config-file: \
                 no audit log is written",
            )
            .evidence("--audit-log-path", "unset")
            .evidence("--audit-webhook-config-file", "unset");
        } else if policy.is_none() {
            out.fail(
                subject,
                format!(
                    "{} is set but --audit-policy-file is not: without a policy the apiserver \
                     records no audit events",
                    backends.join(" and ")
                ),
            )
            .evidence("--audit-policy-file", "unset");
        } else {
            let r = out.pass(subject, format!("audit log: {}", backends.join(", ")));
            r.evidence("--audit-policy-file", policy.unwrap_or_default());
        }
    });
}

// ─────────────────────────────── security/anonymous-auth ──────────────────

pub static ANONYMOUS_AUTH: Check = Check {
    id: "security/anonymous-auth",
    title: "API server and kubelets refuse anonymous requests",
    category: Category::Security,
    severity: Severity::Error,
    seeds: &["004"],
    rationale: "Anonymous requests reach whatever RBAC grants system:anonymous; on a kubelet \
                with AlwaysAllow authorization they can exec into any pod on the node.",
    fix: None,
    enabled_by_default: true,
    scope: Scope::Cluster {
        run: anonymous_auth,
    },
    reads: &["Pod@kube-system", "Node", "KubeletConfiguration"],
};

fn anonymous_auth(ctx: &Ctx, out: &mut Out) {
    let kubelet_configs: Vec<&ObjRef> = ctx.store.list("KubeletConfiguration").collect();
    let mut unknown_reasons: Vec<String> = Vec::new();
    if let Err(reason) = each_static_pod(ctx, out, "kube-apiserver", |_, words, subject, out| {
        apiserver_anonymous(words, subject, out)
    }) {
        unknown_reasons.push(reason);
    }
    // Kubelets: one result per captured /configz.
    let mut seen: BTreeSet<&str> = BTreeSet::new();
    for kc in &kubelet_configs {
        seen.insert(kc.name());
        kubelet_anonymous(kc, out);
    }
    if kubelet_configs.is_empty() {
        if ctx.store.has_kind("Node") {
            unknown_reasons.push(
                "no kubelet configuration was captured (/api/v1/nodes/{node}/proxy/configz): \
                 kubelet anonymous access cannot be judged"
                    .into(),
            );
        }
    } else {
        for n in ctx.store.list("Node") {
            if !seen.contains(n.name()) {
                out.unknown(
                    Subject::cluster_scoped("Node", n.name()),
                    "this node's kubelet configuration (/configz) was not captured",
                );
            }
        }
    }
    if !unknown_reasons.is_empty() {
        out.unknown(Subject::cluster(), unknown_reasons.join("; "));
    }
}

fn apiserver_anonymous(words: &[&str], subject: Subject, out: &mut Out) {
    match flag_value(words, "anonymous-auth", true) {
        Some(v) => match parse_go_bool(v) {
            Some(false) => {
                out.pass(subject, "--anonymous-auth=false")
                    .evidence("--anonymous-auth", v);
            }
            Some(true) => {
                out.fail(
                    subject,
                    "kube-apiserver allows anonymous requests: --anonymous-auth=true",
                )
                .evidence("--anonymous-auth", v);
            }
            None => {
                out.unknown(
                    subject,
                    format!(
                        "--anonymous-auth={v} is not a boolean (the apiserver would not start)"
                    ),
                );
            }
        },
        None => match flag_value(words, "authentication-config", false) {
            Some(path) => {
                out.unknown(
                    subject,
                    format!(
                        "anonymous access is configured in --authentication-config={path}, \
                         which is not visible"
                    ),
                )
                .evidence("--authentication-config", path);
            }
            None => {
                out.fail(
                    subject,
                    "kube-apiserver runs without --anonymous-auth, whose default is true: \
                     anonymous requests are allowed",
                )
                .evidence("--anonymous-auth", "unset (default true)");
            }
        },
    }
}

fn kubelet_anonymous(kc: &Object, out: &mut Out) {
    let subject = Subject::cluster_scoped("Node", kc.name());
    let Some(body) = kc.dynamic() else { return };
    // /configz answers `{"kubeletconfig": {...}}`; accept it unwrapped too.
    let root = body.get("kubeletconfig").unwrap_or(body);
    // kubelet.config.k8s.io/v1beta1 defaults: anonymous off, Webhook authorization.
    let anon = root.pointer("/authentication/anonymous/enabled");
    let mode = root.pointer("/authorization/mode");
    let anonymous = anon.and_then(Value::as_bool).unwrap_or(false);
    let mode_str = mode.and_then(Value::as_str).unwrap_or("Webhook");
    let anon_ev = match anon {
        Some(v) => v.to_string(),
        None => "unset (default false)".into(),
    };
    let mode_ev = match mode {
        Some(_) => mode_str.to_string(),
        None => "unset (default Webhook)".into(),
    };
    let mut problems = Vec::new();
    if anonymous {
        problems.push(
            "the kubelet accepts anonymous requests (authentication.anonymous.enabled: true)",
        );
    }
    if mode_str == "AlwaysAllow" {
        problems.push("the kubelet authorizes every request (authorization.mode: AlwaysAllow)");
    }
    let r = if problems.is_empty() {
        out.pass(
            subject,
            "kubelet: anonymous off, authorization not AlwaysAllow",
        )
    } else {
        out.fail(subject, problems.join("; "))
    };
    r.evidence("authentication.anonymous.enabled", anon_ev)
        .evidence("authorization.mode", mode_ev);
}

// ───────────────────────────── security/etcd-client-auth ──────────────────

pub static ETCD_CLIENT_AUTH: Check = Check {
    id: "security/etcd-client-auth",
    title: "etcd requires client certificates from clients and peers",
    category: Category::Security,
    severity: Severity::Error,
    seeds: &["004"],
    rationale: "etcd holds every Secret; without client-certificate auth anyone who can reach \
                its port can read or rewrite the cluster.",
    fix: None,
    enabled_by_default: true,
    scope: Scope::Cluster {
        run: etcd_client_auth,
    },
    reads: &["Pod@kube-system", "Node"],
};

fn etcd_client_auth(ctx: &Ctx, out: &mut Out) {
    if ctx.store.info.managed.is_none() && static_pods(ctx.store, "etcd").is_empty() {
        // External etcd: the apiserver points elsewhere.
        let servers = static_pods(ctx.store, "kube-apiserver")
            .into_iter()
            .find_map(|(_, pod)| {
                let c = component_container(pod, "kube-apiserver")?;
                flag_value(&command_words(c), "etcd-servers", false)
            });
        if let Some(servers) = servers {
            out.unknown(
                Subject::cluster(),
                format!(
                    "no etcd static pod is visible; kube-apiserver uses --etcd-servers={servers} \
                     (etcd runs outside the cluster's pods): its flags cannot be read"
                ),
            )
            .evidence("--etcd-servers", servers);
            return;
        }
    }
    per_static_pod(ctx, out, "etcd", |c, words, subject, out| {
        if let Some(file) = flag_value(words, "config-file", false) {
            out.unknown(
                subject,
                format!(
                    "etcd reads its settings from --config-file={file} (flags and environment \
                     are then ignored), which is not visible"
                ),
            )
            .evidence("--config-file", file);
            return;
        }
        // A flag wins over the ETCD_* environment variable.
        let setting = |name: &str| -> (bool, String, String) {
            let env_name = format!("ETCD_{}", name.to_ascii_uppercase().replace('-', "_"));
            match flag_value(words, name, true) {
                Some(v) => (
                    parse_go_bool(v) == Some(true),
                    format!("--{name}"),
                    v.to_string(),
                ),
                None => match env_value(c, &env_name) {
                    Some(v) => (
                        parse_go_bool(v) == Some(true),
                        format!("env {env_name}"),
                        v.to_string(),
                    ),
                    None => (
                        false,
                        format!("--{name}"),
                        "unset (default false)".to_string(),
                    ),
                },
            }
        };
        let (client, client_at, client_v) = setting("client-cert-auth");
        let (peer, peer_at, peer_v) = setting("peer-client-cert-auth");
        let mut missing = Vec::new();
        if !client {
            missing.push("--client-cert-auth=true");
        }
        if !peer {
            missing.push("--peer-client-cert-auth=true");
        }
        let r = if missing.is_empty() {
            out.pass(subject, "clients and peers must present certificates")
        } else {
            out.fail(
                subject,
                format!(
                    "etcd runs without {}: it accepts connections without a client certificate",
                    missing.join(" and ")
                ),
            )
        };
        r.evidence(&client_at, client_v).evidence(&peer_at, peer_v);
    });
}

// ───────────────────────────── security/image-scanning ────────────────────

/// Scanner APIs: (CRD name, kind, product).
const SCANNER_APIS: &[(&str, &str, &str)] = &[
    (
        "vulnerabilityreports.aquasecurity.github.io",
        "VulnerabilityReport",
        "trivy-operator",
    ),
    (
        "vulnerabilitymanifests.spdx.softwarecomposition.kubescape.io",
        "VulnerabilityManifest",
        "Kubescape",
    ),
];

/// Scanner workloads, by Deployment/DaemonSet name.
const SCANNER_WORKLOADS: &[&str] = &[
    "trivy-operator",
    "starboard-operator",
    "kubevuln",
    "neuvector-scanner-pod",
];

const TRIVY_KIND: &str = "trivy-operator.resource.kind";
const TRIVY_NAME: &str = "trivy-operator.resource.name";
const TRIVY_CONTAINER: &str = "trivy-operator.container.name";

pub static IMAGE_SCANNING: Check = Check {
    id: "security/image-scanning",
    title: "Images are scanned for vulnerabilities",
    category: Category::Security,
    severity: Severity::Warning,
    seeds: &["000"],
    rationale: "Known-vulnerable images are the easiest way in; an in-cluster scanner keeps \
                reporting on what actually runs, not only on what CI saw.",
    fix: None,
    enabled_by_default: true,
    scope: Scope::Cluster {
        run: image_scanning,
    },
    reads: &[
        "CustomResourceDefinition",
        "VulnerabilityReport",
        "VulnerabilityManifest",
        "Deployment",
        "DaemonSet",
        "StatefulSet",
        "ReplicaSet",
        "CronJob",
        "Job",
        "Pod",
    ],
};

fn image_scanning(ctx: &Ctx, out: &mut Out) {
    let api = SCANNER_APIS
        .iter()
        .find(|(crd, kind, _)| ctx.store.has_api(crd, kind))
        .map(|(crd, _, product)| format!("{product} ({crd})"));
    let workload = || {
        ["Deployment", "DaemonSet"].into_iter().find_map(|k| {
            ctx.store
                .list(k)
                .find(|o| SCANNER_WORKLOADS.contains(&o.name()))
                .map(|o| format!("{k} {}/{}", o.namespace(), o.name()))
        })
    };
    match api.or_else(workload) {
        None => {
            out.fail(
                Subject::cluster(),
                "no image-vulnerability scanner found (trivy-operator VulnerabilityReport CRD, \
                 Kubescape, NeuVector)",
            );
            return;
        }
        Some(found) => {
            let reports = ctx.store.count("VulnerabilityReport");
            out.pass(
                Subject::cluster(),
                format!("scanner installed: {found}; {reports} VulnerabilityReport(s)"),
            );
        }
    }

    // Per workload: critical counts from trivy-operator reports.
    struct Acc {
        critical: u64,
        decided: bool,
        evidence: Vec<(String, String)>,
    }
    let mut per_workload: BTreeMap<Subject, Acc> = BTreeMap::new();
    for report in ctx.store.list("VulnerabilityReport") {
        let ns = report.namespace();
        if ns.is_empty() || system_ns_skipped(ctx, ns) {
            continue;
        }
        let target = report
            .label(TRIVY_KIND)
            .zip(report.label(TRIVY_NAME))
            .or_else(|| report.controller());
        let Some((kind, name)) = target else { continue };
        let subject = match ctx.store.get_named(kind, ns, name) {
            Some(o) => Subject::of(ctx.store.top_owner(o)),
            None => Subject {
                kind: kind.into(),
                namespace: Some(ns.into()),
                name: name.into(),
                container: None,
            },
        };
        let critical = report
            .pointer("/report/summary/criticalCount")
            .and_then(Value::as_u64);
        let acc = per_workload.entry(subject).or_insert(Acc {
            critical: 0,
            decided: false,
            evidence: Vec::new(),
        });
        let container = report.label(TRIVY_CONTAINER).unwrap_or("?");
        match critical {
            Some(n) => {
                acc.critical += n;
                acc.decided = true;
                acc.evidence.push((
                    format!(
                        "VulnerabilityReport {} [{container}] criticalCount",
                        report.name()
                    ),
                    n.to_string(),
                ));
            }
            None => acc.evidence.push((
                format!(
                    "VulnerabilityReport {} [{container}] criticalCount",
                    report.name()
                ),
                "missing".into(),
            )),
        }
    }
    for (subject, acc) in per_workload {
        let r = if !acc.decided {
            out.unknown(
                subject,
                "its VulnerabilityReports carry no summary.criticalCount",
            )
        } else if acc.critical > 0 {
            out.fail(
                subject,
                format!(
                    "{} critical vulnerabilit{} in its images",
                    acc.critical,
                    if acc.critical == 1 { "y" } else { "ies" }
                ),
            )
        } else {
            out.pass(subject, "no critical vulnerabilities reported")
        };
        for (k, v) in acc.evidence {
            r.evidence(&k, v);
        }
    }
}

// ──────────────────────────── security/external-secrets ───────────────────

/// External secret managers: (CRD name, kind, product).
const SECRET_MANAGER_APIS: &[(&str, &str, &str)] = &[
    (
        "externalsecrets.external-secrets.io",
        "ExternalSecret",
        "External Secrets Operator",
    ),
    (
        "clustersecretstores.external-secrets.io",
        "ClusterSecretStore",
        "External Secrets Operator",
    ),
    (
        "secretproviderclasses.secrets-store.csi.x-k8s.io",
        "SecretProviderClass",
        "Secrets Store CSI driver",
    ),
    (
        "vaultstaticsecrets.secrets.hashicorp.com",
        "VaultStaticSecret",
        "Vault Secrets Operator",
    ),
];

pub static EXTERNAL_SECRETS: Check = Check {
    id: "security/external-secrets",
    title: "An external secrets manager is integrated",
    category: Category::Security,
    severity: Severity::Info,
    seeds: &["003"],
    rationale: "An external secrets manager (Vault, a cloud secret store) adds audit trails, \
                rotation and central policy beyond Kubernetes Secrets.",
    fix: None,
    enabled_by_default: true,
    scope: Scope::Cluster {
        run: external_secrets,
    },
    reads: &[
        "CustomResourceDefinition",
        "ExternalSecret",
        "ClusterSecretStore",
        "SecretProviderClass",
        "VaultStaticSecret",
        "CSIDriver",
        "Deployment",
        "DaemonSet",
    ],
};

fn external_secrets(ctx: &Ctx, out: &mut Out) {
    let api = SECRET_MANAGER_APIS
        .iter()
        .find(|(crd, kind, _)| ctx.store.has_api(crd, kind))
        .map(|(crd, _, product)| format!("{product} ({crd})"));
    let csi = || {
        ctx.store
            .get_named("CSIDriver", "", "secrets-store.csi.k8s.io")
            .map(|_| "Secrets Store CSI driver (CSIDriver secrets-store.csi.k8s.io)".to_string())
    };
    let vault_injector = || {
        ["Deployment", "DaemonSet"].into_iter().find_map(|k| {
            ctx.store
                .list(k)
                .find(|o| o.name().contains("vault-agent-injector"))
                .map(|o| format!("Vault agent injector ({k} {}/{})", o.namespace(), o.name()))
        })
    };
    match api.or_else(csi).or_else(vault_injector) {
        Some(found) => {
            out.pass(Subject::cluster(), format!("found {found}"));
        }
        None => {
            out.fail(
                Subject::cluster(),
                "no external secrets manager integration found (External Secrets Operator, \
                 Secrets Store CSI driver, Vault agent injector or Vault Secrets Operator)",
            );
        }
    }
}
