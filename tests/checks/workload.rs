//! workload check tests.

use kready::checks::engine::{Engine, Selection};
use kready::checks::{Category, CheckResult, Severity, Status, catalog};
use kready::config::Config;

use crate::support::*;

fn results_for<'a>(r: &'a [CheckResult], name: &str) -> Vec<&'a CheckResult> {
    r.iter().filter(|x| x.subject.name == name).collect()
}

fn has_evidence(r: &CheckResult, needle: &str) -> bool {
    r.evidence.iter().any(|e| e.contains(needle))
}

/// A Deployment with one container; `spec_extra` is a line of the
/// Deployment's spec (e.g. its strategy).
fn deployment(name: &str, replicas: i32, spec_extra: &str) -> String {
    format!(
        r#"
apiVersion: apps/v1
kind: Deployment
metadata: {{name: {name}, namespace: shop}}
spec:
  replicas: {replicas}
  {spec_extra}
  selector: {{matchLabels: {{app: {name}}}}}
  template:
    metadata: {{labels: {{app: {name}}}}}
    spec:
      containers: [{{name: app, image: "shop/{name}:1.0"}}]
"#
    )
}

#[test]
fn catalog_lists_the_sixteen_workload_checks_in_order() {
    let ids: Vec<&str> = catalog()
        .iter()
        .filter(|c| c.category == Category::Workload)
        .map(|c| c.id)
        .collect();
    assert_eq!(
        ids,
        [
            "workload/requests-set",
            "workload/memory-limit-set",
            "workload/cpu-limit-set",
            "workload/readiness-probe",
            "workload/liveness-probe",
            "workload/replicas",
            "workload/pdb-present",
            "workload/pdb-allows-disruption",
            "workload/rollout-strategy",
            "workload/spread",
            "workload/image-tag-pinned",
            "workload/naked-pod",
            "workload/crashloop",
            "workload/not-ready",
            "workload/critical-on-spot",
            "workload/default-namespace",
        ]
    );
    let guidance_only = [
        "workload/image-tag-pinned",
        "workload/naked-pod",
        "workload/crashloop",
        "workload/not-ready",
        "workload/default-namespace",
    ];
    for c in catalog()
        .iter()
        .filter(|c| c.category == Category::Workload)
    {
        assert_eq!(c.fix.is_none(), guidance_only.contains(&c.id), "{}", c.id);
        assert_eq!(
            c.enabled_by_default,
            c.id != "workload/cpu-limit-set",
            "{}",
            c.id
        );
    }
}

// --- requests-set -----------------------------------------------------------

#[test]
fn requests_set_pass_and_fail() {
    let store = fixture("workload/requests.yaml");
    let r = run("workload/requests-set", &store);
    assert_status(&r, "good", Status::Pass);
    let bad = assert_fail(&r, "bad", Severity::Warning);
    assert_eq!(bad.subject.container.as_deref(), Some("app"));
    assert!(bad.message.contains("memory"), "{}", bad.message);
    assert!(
        has_evidence(bad, "resources.requests = {cpu: 100m}"),
        "{bad:#?}"
    );
    // kube-system is a system namespace: skipped by default.
    assert!(r.iter().all(|x| x.subject.name != "sys"));
}

#[test]
fn system_namespaces_included_on_request() {
    let store = fixture("workload/requests.yaml");
    let config = Config {
        include_system_namespaces: true,
        ..Config::default()
    };
    let r = run_with("workload/requests-set", &store, &config);
    let sys = assert_fail(&r, "sys", Severity::Warning);
    assert!(sys.message.contains("BestEffort"), "{}", sys.message);
}

#[test]
fn requests_default_to_limits_and_limit_range() {
    let store = fixture("workload/resources.yaml");
    let r = run("workload/requests-set", &store);
    // Limits only: Pod defaulting copies them into requests.
    let lim = assert_status(&r, "limits-only", Status::Pass);
    assert!(has_evidence(lim, "defaults to the limit"), "{lim:#?}");
    // No resources, but a LimitRange default applies to the pods it creates.
    let lr = assert_status(&r, "bare", Status::Pass);
    assert!(has_evidence(lr, "LimitRange defaults"), "{lr:#?}");
    // A LimitRange with only `max`: the default request falls back to it.
    assert_status(&r, "bare-max", Status::Pass);
    // An admitted Pod is not re-defaulted by a LimitRange.
    assert_fail(&r, "naked", Severity::Warning);
    // A zero request counts as none (QoS ignores it).
    let zero = assert_fail(&r, "zero-request", Severity::Warning);
    assert!(zero.message.contains("memory"), "{}", zero.message);
    // Pod-level resources cover containers without their own.
    assert_status(&r, "pod-level", Status::Pass);
    // Init containers are checked too.
    let init = result(&r, "with-init", Some("migrate"));
    assert_eq!(init.status, Status::Fail);
    assert_eq!(result(&r, "with-init", Some("app")).status, Status::Pass);
}

// --- memory-limit-set / cpu-limit-set ----------------------------------------

#[test]
fn memory_limit_set_pass_fail_and_defaults() {
    let store = fixture("workload/resources.yaml");
    let r = run("workload/memory-limit-set", &store);
    let good = assert_status(&r, "limits-only", Status::Pass);
    assert!(good.message.contains("512Mi"), "{}", good.message);
    let bad = assert_fail(&r, "zero-request", Severity::Warning);
    assert!(bad.message.contains("no memory limit"), "{}", bad.message);
    assert!(has_evidence(bad, "resources.limits = none"), "{bad:#?}");
    // LimitRange default limit → pods get it.
    let lr = assert_status(&r, "bare", Status::Pass);
    assert!(lr.message.contains("LimitRange defaults"), "{}", lr.message);
    // A limit of 0 means no limit at all.
    let zero = assert_fail(&r, "zero-limit", Severity::Warning);
    assert!(zero.message.contains("means no limit"), "{}", zero.message);
    assert_status(&r, "pod-level", Status::Pass);
    assert_fail(&r, "naked", Severity::Warning);
}

#[test]
fn cpu_limit_set_is_off_by_default_and_info() {
    let check = kready::checks::find("workload/cpu-limit-set").expect("in catalog");
    assert!(!check.enabled_by_default);
    let config = Config::default();
    let engine = Engine::new(
        &config,
        Selection {
            checks: vec!["workload/cpu-limit-set".into()],
            ..Default::default()
        },
        None,
    );
    assert!(engine.checks().is_empty(), "cpu-limit-set must be opt-in");

    let store = fixture("workload/resources.yaml");
    let r = run("workload/cpu-limit-set", &store);
    assert_status(&r, "limits-only", Status::Pass);
    let bad = assert_fail(&r, "zero-request", Severity::Info);
    assert!(bad.message.contains("no cpu limit"), "{}", bad.message);
    // The LimitRange in `limited` only defaults memory.
    assert_fail(&r, "bare", Severity::Info);
}

// --- readiness-probe ----------------------------------------------------------

const PROBES: &str = r#"
apiVersion: v1
kind: Service
metadata: {name: web, namespace: shop}
spec:
  selector: {app: web}
  ports: [{port: 80}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web, tier: front}}
    spec:
      initContainers:
        - {name: proxy, image: "envoy:1.30", restartPolicy: Always}
        - {name: migrate, image: "migrate:1"}
      containers:
        - name: app
          image: "shop/web:1.0"
          ports: [{containerPort: 8080}]
          livenessProbe: {httpGet: {path: /healthz, port: 8080}}
        - name: probed
          image: "shop/web:1.0"
          readinessProbe: {tcpSocket: {port: 8080}}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: worker, namespace: shop}
spec:
  replicas: 2
  selector: {matchLabels: {app: worker}}
  template:
    metadata: {labels: {app: worker}}
    spec:
      containers: [{name: app, image: "shop/worker:1.0"}]
---
apiVersion: v1
kind: Service
metadata: {name: peers, namespace: shop}
spec:
  clusterIP: None
  publishNotReadyAddresses: true
  selector: {app: db}
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db, namespace: shop}
spec:
  replicas: 3
  serviceName: peers
  selector: {matchLabels: {app: db}}
  template:
    metadata: {labels: {app: db}}
    spec:
      containers: [{name: db, image: "postgres:16"}]
---
apiVersion: v1
kind: Service
metadata: {name: other-ns, namespace: other}
spec:
  selector: {app: api}
---
apiVersion: v1
kind: Service
metadata: {name: manual, namespace: shop}
spec:
  ports: [{port: 80}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: api, namespace: shop}
spec:
  selector: {matchLabels: {app: api}}
  template:
    metadata: {labels: {app: api}}
    spec:
      containers: [{name: app, image: "shop/api:1.0"}]
---
apiVersion: batch/v1
kind: CronJob
metadata: {name: report, namespace: shop}
spec:
  schedule: "0 * * * *"
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: OnFailure
          containers: [{name: report, image: "shop/report:1.0"}]
---
apiVersion: batch/v1
kind: Job
metadata: {name: once, namespace: shop}
spec:
  template:
    spec:
      restartPolicy: Never
      containers: [{name: once, image: "shop/once:1.0"}]
---
apiVersion: v1
kind: Pod
metadata: {name: debug, namespace: shop}
spec:
  restartPolicy: Never
  containers: [{name: sh, image: "busybox:1.36"}]
"#;

#[test]
fn readiness_probe_only_for_pods_behind_a_service() {
    let store = yaml(PROBES);
    let r = run("workload/readiness-probe", &store);
    let bad = result(&r, "web", Some("app"));
    assert_eq!(
        (bad.status, bad.severity),
        (Status::Fail, Severity::Warning)
    );
    assert!(bad.message.contains("Service web"), "{}", bad.message);
    assert!(has_evidence(bad, "containerPort = 8080"), "{bad:#?}");
    assert_eq!(result(&r, "web", Some("probed")).status, Status::Pass);
    // The native sidecar's readiness gates the pod's; the run-to-completion
    // init container is not judged (the API rejects probes on it).
    let proxy = result(&r, "web", Some("proxy"));
    assert_eq!(proxy.status, Status::Fail, "{proxy:#?}");
    assert!(
        proxy.message.contains("native sidecar"),
        "{}",
        proxy.message
    );
    assert_eq!(results_for(&r, "web").len(), 3, "{r:#?}");
    assert!(
        r.iter()
            .all(|x| x.subject.container.as_deref() != Some("migrate"))
    );
    // Not selected by any Service in its namespace, or only by a Service
    // without selector: not applicable.
    assert!(results_for(&r, "worker").is_empty());
    assert!(results_for(&r, "api").is_empty());
    // Only selected by a Service that publishes not-ready addresses.
    assert!(results_for(&r, "db").is_empty());
}

#[test]
fn liveness_probe_long_running_only() {
    let store = yaml(PROBES);
    let r = run("workload/liveness-probe", &store);
    assert_eq!(result(&r, "web", Some("app")).status, Status::Pass);
    let bad = result(&r, "web", Some("probed"));
    assert_eq!((bad.status, bad.severity), (Status::Fail, Severity::Info));
    assert!(bad.message.contains("no liveness probe"), "{}", bad.message);
    // A native sidecar is long-running; a run-to-completion init container is not.
    assert_eq!(result(&r, "web", Some("proxy")).status, Status::Fail);
    assert!(
        r.iter()
            .all(|x| x.subject.container.as_deref() != Some("migrate"))
    );
    assert_fail(&r, "worker", Severity::Info);
    // Jobs, CronJobs and Pods that do not restart run to completion.
    for batch in ["report", "once", "debug"] {
        assert!(results_for(&r, batch).is_empty(), "{batch}: {r:#?}");
    }
}

// --- native sidecars ---------------------------------------------------------

#[test]
fn sidecar_without_probes_fails_both_probe_checks() {
    let store = fixture("workload/sidecars.yaml");
    let r = run("workload/readiness-probe", &store);
    let proxy = result(&r, "checkout", Some("mesh-proxy"));
    assert_eq!(
        (proxy.status, proxy.severity),
        (Status::Fail, Severity::Warning)
    );
    assert_eq!(proxy.subject.kind, "Deployment");
    assert!(
        proxy.message.contains("native sidecar") && proxy.message.contains("Service checkout"),
        "{}",
        proxy.message
    );
    assert!(
        has_evidence(proxy, "initContainers[mesh-proxy].restartPolicy = Always"),
        "{proxy:#?}"
    );
    assert!(has_evidence(proxy, "containerPort = 15001"), "{proxy:#?}");
    assert_eq!(
        result(&r, "checkout", Some("log-agent")).status,
        Status::Fail
    );
    let app = result(&r, "checkout", Some("app"));
    assert_eq!(app.status, Status::Pass);
    assert!(!app.message.contains("sidecar"), "{}", app.message);

    let r = run("workload/liveness-probe", &store);
    let proxy = result(&r, "checkout", Some("mesh-proxy"));
    assert_eq!(
        (proxy.status, proxy.severity),
        (Status::Fail, Severity::Info)
    );
    assert!(
        proxy.message.contains("native sidecar")
            && proxy.message.contains("the kubelet never restarts it"),
        "{}",
        proxy.message
    );
    assert!(has_evidence(proxy, "livenessProbe = none"), "{proxy:#?}");
    assert_eq!(result(&r, "checkout", Some("app")).status, Status::Pass);
}

#[test]
fn sidecar_with_probes_passes() {
    let store = fixture("workload/sidecars.yaml");
    for check in ["workload/readiness-probe", "workload/liveness-probe"] {
        let r = run(check, &store);
        let proxy = result(&r, "cart", Some("mesh-proxy"));
        assert_eq!(proxy.status, Status::Pass, "{check}: {proxy:#?}");
        assert!(proxy.message.contains("has a"), "{}", proxy.message);
        assert_eq!(result(&r, "cart", Some("app")).status, Status::Pass);
    }
}

#[test]
fn regular_init_containers_are_not_asked_for_probes() {
    let store = fixture("workload/sidecars.yaml");
    for check in ["workload/readiness-probe", "workload/liveness-probe"] {
        let r = run(check, &store);
        assert!(
            r.iter()
                .all(|x| x.subject.container.as_deref() != Some("migrate")),
            "{check}: {r:#?}"
        );
        // One result per long-running container, none per replica pod.
        assert_eq!(results_for(&r, "checkout").len(), 3, "{check}: {r:#?}");
        assert!(r.iter().all(|x| x.subject.kind == "Deployment"), "{r:#?}");
    }
    // Other container rules still apply to them.
    let r = run("workload/requests-set", &store);
    assert_eq!(result(&r, "checkout", Some("migrate")).status, Status::Fail);
}

#[test]
fn sidecar_images_are_judged() {
    let store = fixture("workload/sidecars.yaml");
    let r = run("workload/image-tag-pinned", &store);
    let agent = result(&r, "checkout", Some("log-agent"));
    assert_eq!(
        (agent.status, agent.severity),
        (Status::Fail, Severity::Warning)
    );
    assert!(agent.message.contains(":latest"), "{}", agent.message);
    assert_eq!(
        result(&r, "checkout", Some("mesh-proxy")).status,
        Status::Pass
    );
}

#[test]
fn sidecar_restarts_are_counted() {
    let store = fixture("workload/sidecars.yaml");
    let r = run("workload/crashloop", &store);
    // Restarted 9 times, above the default 5: a flapping sidecar.
    let proxy = result(&r, "checkout-7c9f-a", Some("mesh-proxy"));
    assert_eq!(
        (proxy.status, proxy.severity),
        (Status::Fail, Severity::Error)
    );
    assert_eq!(proxy.subject.kind, "Pod");
    assert!(
        proxy.message.contains("native sidecar restarted 9 times"),
        "{}",
        proxy.message
    );
    assert!(
        proxy.message.contains("OOMKilled, exit code 137"),
        "{}",
        proxy.message
    );
    assert!(
        has_evidence(proxy, "initContainerStatuses.restartCount = 9"),
        "{proxy:#?}"
    );
    assert!(
        has_evidence(proxy, "initContainers[mesh-proxy].restartPolicy = Always"),
        "{proxy:#?}"
    );
    // A sidecar in CrashLoopBackOff after fewer restarts.
    let agent = result(&r, "checkout-7c9f-a", Some("log-agent"));
    assert_eq!(agent.status, Status::Fail);
    assert!(
        agent
            .message
            .contains("native sidecar in CrashLoopBackOff after 3 restart(s)"),
        "{}",
        agent.message
    );
    // The completed init container and the app container are fine.
    let migrate = result(&r, "checkout-7c9f-a", Some("migrate"));
    assert_eq!(migrate.status, Status::Pass);
    assert!(!migrate.message.contains("sidecar"), "{}", migrate.message);
    assert_eq!(
        result(&r, "checkout-7c9f-a", Some("app")).status,
        Status::Pass
    );
    // The threshold applies to sidecars as to any container.
    let mut config = Config::default();
    config.thresholds.crashloop_restarts = 10;
    let r = run_with("workload/crashloop", &store, &config);
    assert_eq!(
        result(&r, "checkout-7c9f-a", Some("mesh-proxy")).status,
        Status::Pass
    );
}

#[test]
fn ephemeral_debug_images_are_not_image_pinning_findings() {
    // `kubectl debug --image=busybox:latest` on a controlled pod: a one-off
    // session, never rolled out or back; the security checks judge it.
    let store = fixture("security/ephemeral.yaml");
    let r = run("workload/image-tag-pinned", &store);
    // win-7f-a's ReplicaSet (and any Deployment) is not in the fixture: the
    // pod is its own workload, and its trimmed spec cannot be judged.
    let win = assert_status(&r, "win-7f-a", Status::Unknown);
    assert!(
        win.message
            .contains("its controller ReplicaSet shop/win-7f is not visible"),
        "{}",
        win.message
    );
    assert!(
        r.iter().all(|x| x.subject.kind != "Pod"
            || x.subject.name == "scratch"
            || x.subject.name == "win-7f-a"),
        "{r:#?}"
    );
    assert!(
        r.iter().all(|x| !x
            .subject
            .container
            .as_deref()
            .unwrap_or("")
            .starts_with("debugger")),
        "{r:#?}"
    );
    assert!(
        r.iter()
            .all(|x| x.subject.container.as_deref() != Some("tcpdump")),
        "{r:#?}"
    );
    assert_eq!(result(&r, "scratch", Some("sh")).status, Status::Pass);
}

// --- replicas ---------------------------------------------------------------

#[test]
fn replicas_pass_fail_and_hpa() {
    let store = yaml(
        r#"
apiVersion: apps/v1
kind: Deployment
metadata: {name: single, namespace: shop}
spec:
  replicas: 1
  selector: {matchLabels: {app: single}}
  template: {metadata: {labels: {app: single}}, spec: {containers: [{name: a, image: a:1}]}}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: unset, namespace: shop}
spec:
  selector: {matchLabels: {app: unset}}
  template: {metadata: {labels: {app: unset}}, spec: {containers: [{name: a, image: a:1}]}}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: scaled, namespace: shop}
spec:
  replicas: 1
  selector: {matchLabels: {app: scaled}}
  template: {metadata: {labels: {app: scaled}}, spec: {containers: [{name: a, image: a:1}]}}
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: scaled, namespace: shop}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: scaled}
  minReplicas: 2
  maxReplicas: 5
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: shrinks, namespace: shop}
spec:
  replicas: 4
  selector: {matchLabels: {app: shrinks}}
  template: {metadata: {labels: {app: shrinks}}, spec: {containers: [{name: a, image: a:1}]}}
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: shrinks, namespace: shop}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: shrinks}
  maxReplicas: 5
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db, namespace: shop}
spec:
  replicas: 3
  serviceName: db
  selector: {matchLabels: {app: db}}
  template: {metadata: {labels: {app: db}}, spec: {containers: [{name: a, image: a:1}]}}
"#,
    );
    let r = run("workload/replicas", &store);
    let single = assert_fail(&r, "single", Severity::Warning);
    assert!(has_evidence(single, "spec.replicas = 1"), "{single:#?}");
    // spec.replicas unset defaults to 1.
    assert_fail(&r, "unset", Severity::Warning);
    assert_status(&r, "scaled", Status::Pass);
    // An HPA without minReplicas (default 1) may scale 4 replicas down to 1.
    let shrinks = assert_fail(&r, "shrinks", Severity::Warning);
    assert!(
        shrinks.message.contains("HPA shrinks"),
        "{}",
        shrinks.message
    );
    assert_status(&r, "db", Status::Pass);
}

// --- pdb-present ---------------------------------------------------------------

#[test]
fn pdb_present_pass_fail_and_selector_semantics() {
    let store = fixture("workload/pdb.yaml");
    let r = run("workload/pdb-present", &store);
    let bad = assert_fail(&r, "unprotected", Severity::Warning);
    assert!(bad.message.contains("3 replicas"), "{}", bad.message);
    assert!(has_evidence(bad, "app=unprotected"), "{bad:#?}");
    let good = assert_status(&r, "web", Status::Pass);
    assert!(good.message.contains("web-pdb"), "{}", good.message);
    // matchExpressions select it.
    assert_status(&r, "expr", Status::Pass);
    // policy/v1: `{}` selects every pod of the namespace.
    assert_status(&r, "covered-by-all", Status::Pass);
    // policy/v1beta1: `{}` selects nothing.
    assert_fail(&r, "legacy", Severity::Warning);
    // HPA minReplicas 3 makes a spec.replicas 1 Deployment multi-replica.
    assert_fail(&r, "hpa-scaled", Severity::Warning);
    // Single replica: not applicable.
    assert!(results_for(&r, "solo").is_empty());
    // A PDB in another namespace does not count.
    assert_fail(&r, "elsewhere", Severity::Warning);
}

// --- pdb-allows-disruption -------------------------------------------------------

#[test]
fn pdb_allows_disruption_int_and_percent() {
    let store = fixture("workload/pdb.yaml");
    let r = run("workload/pdb-allows-disruption", &store);
    // web: 3 replicas, maxUnavailable 1.
    let ok = assert_status(&r, "web-pdb", Status::Pass);
    assert!(ok.message.contains("allows 1 of 3"), "{}", ok.message);
    let zero = assert_fail(&r, "expr-pdb", Severity::Warning);
    assert!(
        zero.message.contains("maxUnavailable is 0"),
        "{}",
        zero.message
    );
    let all = assert_fail(&r, "min-all", Severity::Warning);
    assert!(all.message.contains("minAvailable 4"), "{}", all.message);
    assert!(has_evidence(all, "expected pods = 4"), "{all:#?}");
    // 90% of 5 rounds up to 5: never.
    let pct = assert_fail(&r, "min-90pct", Severity::Warning);
    assert!(
        pct.message.contains("90% of 5 rounds up to 5"),
        "{}",
        pct.message
    );
    // 50% of 2 rounds up to 1: one may go.
    assert_status(&r, "min-50pct", Status::Pass);
    // "0%" maxUnavailable never allows, "10%" of 2 rounds up to 1.
    assert_fail(&r, "max-0pct", Severity::Warning);
    assert_status(&r, "max-10pct", Status::Pass);
    // minAvailable 3 over two Deployments of 2 replicas each: 1 may go.
    let sum = assert_status(&r, "shared", Status::Pass);
    assert!(sum.message.contains("1 of 4"), "{}", sum.message);
    // Selects no workload.
    let none = assert_status(&r, "orphan", Status::Unknown);
    assert!(none.message.contains("selects no"), "{}", none.message);
    // Workload scaled to zero: nothing to evict.
    assert_status(&r, "idle-pdb", Status::Pass);
    // policy/v1beta1 `{}` selects no pods, so no workload.
    let legacy = assert_status(&r, "legacy-pdb", Status::Unknown);
    assert!(
        has_evidence(legacy, "selects no pods in policy/v1beta1"),
        "{legacy:#?}"
    );
    // policy/v1 `{}` selects every pod of the namespace.
    assert_status(&r, "everything", Status::Pass);
}

#[test]
fn pdb_allows_disruption_overlap_daemonset_and_v1beta1() {
    let store = yaml(
        r#"
apiVersion: apps/v1
kind: Deployment
metadata: {name: api, namespace: shop}
spec:
  replicas: 3
  selector: {matchLabels: {app: api}}
  template: {metadata: {labels: {app: api, tier: back}}, spec: {containers: [{name: a, image: a:1}]}}
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: by-app, namespace: shop}
spec:
  maxUnavailable: 1
  selector: {matchLabels: {app: api}}
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: by-tier, namespace: shop}
spec:
  maxUnavailable: 1
  selector: {matchLabels: {tier: back}}
---
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: agent, namespace: mon}
spec:
  selector: {matchLabels: {app: agent}}
  template: {metadata: {labels: {app: agent}}, spec: {containers: [{name: a, image: a:1}]}}
status: {desiredNumberScheduled: 4, currentNumberScheduled: 4, numberMisscheduled: 0, numberReady: 4}
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: agent-max, namespace: mon}
spec:
  maxUnavailable: 1
  selector: {matchLabels: {app: agent}}
---
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: logs, namespace: logs}
spec:
  selector: {matchLabels: {app: logs}}
  template: {metadata: {labels: {app: logs}}, spec: {containers: [{name: a, image: a:1}]}}
status: {desiredNumberScheduled: 4, currentNumberScheduled: 4, numberMisscheduled: 0, numberReady: 4}
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: logs-min, namespace: logs}
spec:
  minAvailable: 3
  selector: {matchLabels: {app: logs}}
---
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: fresh, namespace: fresh}
spec:
  selector: {matchLabels: {app: fresh}}
  template: {metadata: {labels: {app: fresh}}, spec: {containers: [{name: a, image: a:1}]}}
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: fresh-min, namespace: fresh}
spec:
  minAvailable: 1
  selector: {matchLabels: {app: fresh}}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: old, namespace: legacy}
spec:
  replicas: 1
  selector: {matchLabels: {app: old}}
  template: {metadata: {labels: {app: old}}, spec: {containers: [{name: a, image: a:1}]}}
---
apiVersion: policy/v1beta1
kind: PodDisruptionBudget
metadata: {name: old-default, namespace: legacy}
spec:
  selector: {matchLabels: {app: old}}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: new, namespace: modern}
spec:
  replicas: 1
  selector: {matchLabels: {app: new}}
  template: {metadata: {labels: {app: new}}, spec: {containers: [{name: a, image: a:1}]}}
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: new-empty, namespace: modern}
spec:
  selector: {matchLabels: {app: new}}
"#,
    );
    let r = run("workload/pdb-allows-disruption", &store);
    // Two PDBs over the same pods: the eviction API refuses them.
    for name in ["by-app", "by-tier"] {
        let o = assert_fail(&r, name, Severity::Warning);
        assert!(o.message.contains("more than one PDB"), "{}", o.message);
    }
    // maxUnavailable over DaemonSet pods: no scale subresource.
    let ds = assert_fail(&r, "agent-max", Severity::Warning);
    assert!(ds.message.contains("scale subresource"), "{}", ds.message);
    // Integer minAvailable over a DaemonSet counts its scheduled pods.
    let logs = assert_status(&r, "logs-min", Status::Pass);
    assert!(logs.message.contains("1 of 4"), "{}", logs.message);
    // DaemonSet without status: pod count unknown.
    assert_status(&r, "fresh-min", Status::Unknown);
    // policy/v1beta1 defaulted minAvailable to 1: with 1 replica, never.
    assert_fail(&r, "old-default", Severity::Warning);
    // policy/v1 has no default: neither field allows everything.
    assert_status(&r, "new-empty", Status::Pass);
}

// --- rollout-strategy ----------------------------------------------------------

#[test]
fn rollout_strategy_recreate_and_max_unavailable_rounding() {
    let ru = |mu: &str| format!("strategy: {{rollingUpdate: {{maxUnavailable: {mu}}}}}");
    let text = [
        deployment("recreate", 3, "strategy: {type: Recreate}"),
        deployment("recreate-one", 1, "strategy: {type: Recreate}"),
        deployment("default", 2, ""),
        deployment("all-pct", 4, &ru("\"100%\"")),
        deployment("all-int", 3, &ru("3")),
        deployment("more-int", 3, &ru("5")),
        // 75% of 2 = 1.5 rounds DOWN to 1: one replica stays.
        deployment("rounds-down", 2, &ru("\"75%\"")),
        deployment("bad-value", 2, &ru("\"half\"")),
        // maxSurge 0 and maxUnavailable 0% resolve to unavailable 1.
        deployment(
            "fencepost",
            2,
            "strategy: {type: RollingUpdate, rollingUpdate: {maxSurge: 0, maxUnavailable: \"0%\"}}",
        ),
    ]
    .join("---");
    let store = yaml(&text);
    let r = run("workload/rollout-strategy", &store);
    let rec = assert_fail(&r, "recreate", Severity::Warning);
    assert!(rec.message.contains("Recreate"), "{}", rec.message);
    assert!(results_for(&r, "recreate-one").is_empty(), "{r:#?}");
    // Defaults 25%/25%: 25% of 2 rounds down to 0, surge up to 1.
    let def = assert_status(&r, "default", Status::Pass);
    assert!(def.message.contains("2 of 2"), "{}", def.message);
    let pct = assert_fail(&r, "all-pct", Severity::Warning);
    assert!(
        pct.message.contains("resolves to 4 of 4"),
        "{}",
        pct.message
    );
    assert_fail(&r, "all-int", Severity::Warning);
    assert_fail(&r, "more-int", Severity::Warning);
    let down = assert_status(&r, "rounds-down", Status::Pass);
    assert!(down.message.contains("75% = 1"), "{}", down.message);
    assert_status(&r, "bad-value", Status::Unknown);
    let fp = assert_status(&r, "fencepost", Status::Pass);
    assert!(fp.message.contains("at least 1 of 2"), "{}", fp.message);
}

// --- spread ----------------------------------------------------------------------

#[test]
fn spread_constraints_and_anti_affinity() {
    let store = fixture("workload/spread.yaml");
    let r = run("workload/spread", &store);
    let bad = assert_fail(&r, "packed", Severity::Info);
    assert!(bad.message.contains("3 replicas"), "{}", bad.message);
    let tsc = assert_status(&r, "zonal", Status::Pass);
    assert!(
        tsc.message.contains("topology.kubernetes.io/zone"),
        "{}",
        tsc.message
    );
    // A constraint whose selector does not pick the workload's own pods.
    assert_fail(&r, "wrong-selector", Severity::Info);
    // A constraint over a key that is neither hostname nor zone.
    assert_fail(&r, "by-rack", Severity::Info);
    let anti = assert_status(&r, "anti", Status::Pass);
    assert!(anti.message.contains("preferred"), "{}", anti.message);
    // Anti-affinity that only counts pods of another namespace.
    assert_fail(&r, "anti-other-ns", Severity::Info);
    // namespaceSelector matching the namespace's labels.
    assert_status(&r, "anti-ns-selector", Status::Pass);
    assert!(results_for(&r, "solo").is_empty());
    assert!(
        results_for(&r, "agent").is_empty(),
        "DaemonSets are one per node"
    );
}

// --- image-tag-pinned ------------------------------------------------------------

#[test]
fn image_tag_pinned_tags_digests_and_ports() {
    let store = yaml(
        r#"
apiVersion: apps/v1
kind: Deployment
metadata: {name: images, namespace: shop}
spec:
  selector: {matchLabels: {app: images}}
  template:
    metadata: {labels: {app: images}}
    spec:
      initContainers:
        - {name: init-latest, image: "busybox:latest"}
      containers:
        - {name: untagged, image: nginx}
        - {name: latest, image: "nginx:latest"}
        - {name: tagged, image: "nginx:1.27.1"}
        - {name: digest, image: "nginx@sha256:0d17b565c37bcbd895e9d92315a05c1c3c9a29f762b011a10c54a66cd53c9b31"}
        - {name: latest-digest, image: "nginx:latest@sha256:0d17b565c37bcbd895e9d92315a05c1c3c9a29f762b011a10c54a66cd53c9b31"}
        - {name: port-only, image: "registry.local:5000/team/app"}
        - {name: port-tag, image: "registry.local:5000/team/app:2.3"}
"#,
    );
    let r = run("workload/image-tag-pinned", &store);
    let c = |name: &str| result(&r, "images", Some(name));
    let untagged = c("untagged");
    assert_eq!(
        (untagged.status, untagged.severity),
        (Status::Fail, Severity::Warning)
    );
    assert!(untagged.message.contains("no tag"), "{}", untagged.message);
    assert!(has_evidence(untagged, "image = nginx"), "{untagged:#?}");
    assert!(c("latest").message.contains(":latest"));
    assert_eq!(c("latest").status, Status::Fail);
    assert_eq!(c("init-latest").status, Status::Fail);
    assert_eq!(c("tagged").status, Status::Pass);
    assert_eq!(c("digest").status, Status::Pass);
    assert_eq!(c("latest-digest").status, Status::Pass);
    // The registry's port is not a tag.
    assert_eq!(c("port-only").status, Status::Fail);
    assert_eq!(c("port-tag").status, Status::Pass);
}

// --- naked-pod ---------------------------------------------------------------------

#[test]
fn naked_pod_owners_and_static_pods() {
    let store = yaml(
        r#"
apiVersion: v1
kind: Pod
metadata: {name: naked, namespace: shop}
spec: {containers: [{name: a, image: "a:1"}]}
status: {phase: Running}
---
apiVersion: v1
kind: Pod
metadata:
  name: web-7d9f-abcde
  namespace: shop
  ownerReferences: [{apiVersion: apps/v1, kind: ReplicaSet, name: web-7d9f, uid: u1, controller: true}]
spec: {containers: [{name: a, image: "a:1"}]}
---
apiVersion: v1
kind: Pod
metadata:
  name: adopted
  namespace: shop
  ownerReferences: [{apiVersion: v1, kind: ConfigMap, name: cfg, uid: u2}]
spec: {containers: [{name: a, image: "a:1"}]}
---
apiVersion: v1
kind: Pod
metadata:
  name: static-web-node1
  namespace: shop
  annotations: {kubernetes.io/config.mirror: abc123}
spec: {nodeName: node1, containers: [{name: a, image: "a:1"}]}
---
apiVersion: v1
kind: Pod
metadata: {name: sys-naked, namespace: kube-system}
spec: {containers: [{name: a, image: "a:1"}]}
"#,
    );
    let r = run("workload/naked-pod", &store);
    let naked = assert_fail(&r, "naked", Severity::Warning);
    assert!(naked.message.contains("no controller"), "{}", naked.message);
    assert!(has_evidence(naked, "status.phase = Running"), "{naked:#?}");
    let owned = assert_status(&r, "web-7d9f-abcde", Status::Pass);
    assert!(
        owned.message.contains("ReplicaSet web-7d9f"),
        "{}",
        owned.message
    );
    // An owner that is not a controller does not recreate the pod.
    let adopted = assert_fail(&r, "adopted", Severity::Warning);
    assert!(has_evidence(adopted, "ConfigMap/cfg"), "{adopted:#?}");
    assert_status(&r, "static-web-node1", Status::Pass);
    assert!(results_for(&r, "sys-naked").is_empty());
}

// --- crashloop ---------------------------------------------------------------------

#[test]
fn crashloop_backoff_restarts_and_unknown() {
    let store = fixture("workload/crashloop.yaml");
    let r = run("workload/crashloop", &store);
    let cl = result(&r, "api-1", Some("api"));
    assert_eq!((cl.status, cl.severity), (Status::Fail, Severity::Error));
    assert!(cl.message.contains("CrashLoopBackOff"), "{}", cl.message);
    assert!(
        cl.message.contains("OOMKilled, exit code 137"),
        "{}",
        cl.message
    );
    assert!(
        has_evidence(
            cl,
            "event = BackOff (×42): Back-off restarting failed container api"
        ),
        "{cl:#?}"
    );
    // Events of another container are not this container's evidence.
    assert!(!has_evidence(cl, "sidecar"), "{cl:#?}");
    // The other container of the same pod is fine.
    assert_eq!(result(&r, "api-1", Some("sidecar")).status, Status::Pass);
    // Running now, but restarted more than 5 times.
    let flappy = result(&r, "flappy", Some("app"));
    assert_eq!(flappy.status, Status::Fail);
    assert!(
        flappy.message.contains("restarted 6 times"),
        "{}",
        flappy.message
    );
    assert!(
        flappy.message.contains("Error, exit code 1"),
        "{}",
        flappy.message
    );
    // Exactly the threshold is not "more than".
    assert_eq!(result(&r, "five", Some("app")).status, Status::Pass);
    // An init container crash-looping blocks the pod.
    assert_eq!(
        result(&r, "stuck-init", Some("migrate")).status,
        Status::Fail
    );
    // No container statuses: cannot tell.
    let pending = assert_status(&r, "pending", Status::Unknown);
    assert!(pending.message.contains("Pending"), "{}", pending.message);
}

#[test]
fn crashloop_threshold_is_configurable() {
    let store = fixture("workload/crashloop.yaml");
    let mut config = Config::default();
    config.thresholds.crashloop_restarts = 10;
    let r = run_with("workload/crashloop", &store, &config);
    assert_eq!(result(&r, "flappy", Some("app")).status, Status::Pass);
    // CrashLoopBackOff fails whatever the count.
    assert_eq!(result(&r, "api-1", Some("api")).status, Status::Fail);
}

// --- not-ready ---------------------------------------------------------------------

#[test]
fn not_ready_conditions_pods_and_grace() {
    let store = fixture("workload/not-ready.yaml");
    let r = run("workload/not-ready", &store);
    let down = assert_fail(&r, "down", Severity::Error);
    assert!(
        down.message.contains("1/3 replicas ready for 1h"),
        "{}",
        down.message
    );
    assert!(down.message.contains("Available=False"), "{}", down.message);
    assert!(has_evidence(down, "status.readyReplicas = 1"), "{down:#?}");
    // Short for 2 minutes: within the 5 minute grace.
    let fresh = assert_status(&r, "rolling", Status::Pass);
    assert!(fresh.message.contains("grace"), "{}", fresh.message);
    assert_status(&r, "healthy", Status::Pass);
    assert_status(&r, "no-status", Status::Unknown);
    // Available stays True (within maxUnavailable), but a pod has been
    // not ready for 30 minutes.
    let pod = assert_fail(&r, "one-pod-down", Severity::Error);
    assert!(
        pod.message.contains("pod one-pod-down-6c8f-x1"),
        "{}",
        pod.message
    );
    assert!(pod.message.contains("30m"), "{}", pod.message);
    // Short, but nothing tells since when.
    assert_status(&r, "untimed", Status::Unknown);
    let ds = assert_fail(&r, "node-agent", Severity::Error);
    assert!(ds.message.contains("2/3"), "{}", ds.message);
    let sts = assert_fail(&r, "db", Severity::Error);
    assert!(sts.message.contains("0/2"), "{}", sts.message);
    // Owned ReplicaSets are judged through their Deployment.
    assert!(results_for(&r, "one-pod-down-6c8f").is_empty());
}

#[test]
fn not_ready_threshold_is_configurable() {
    let store = fixture("workload/not-ready.yaml");
    let mut config = Config::default();
    config.thresholds.not_ready_minutes = 120;
    let r = run_with("workload/not-ready", &store, &config);
    assert_status(&r, "down", Status::Pass);
}

// --- critical-on-spot ---------------------------------------------------------------

#[test]
fn critical_on_spot_pdb_priority_and_affinity() {
    let store = fixture("workload/spot.yaml");
    let r = run("workload/critical-on-spot", &store);
    let bad = assert_fail(&r, "web-1", Severity::Warning);
    assert!(bad.message.contains("PDB web"), "{}", bad.message);
    assert!(
        bad.message.contains("eks.amazonaws.com/capacityType=SPOT"),
        "{}",
        bad.message
    );
    let pc = assert_fail(&r, "payments-1", Severity::Warning);
    assert!(
        pc.message.contains("priority class high = 1000000"),
        "{}",
        pc.message
    );
    // Built-in class not in the store, on a GKE spot node.
    assert_fail(&r, "critical-1", Severity::Warning);
    // Preferred on-demand affinity (Karpenter label) and NotIn spot.
    let pref = assert_status(&r, "web-2", Status::Pass);
    assert!(
        pref.message.contains("prefers on-demand"),
        "{}",
        pref.message
    );
    assert_status(&r, "web-3", Status::Pass);
    // On an on-demand node.
    assert_status(&r, "web-4", Status::Pass);
    // Not critical: low priority, no PDB.
    assert!(results_for(&r, "batch-1").is_empty());
    // DaemonSet pods run everywhere by design.
    assert!(results_for(&r, "agent-1").is_empty());
    // Node not in the snapshot.
    let unk = assert_status(&r, "web-5", Status::Unknown);
    assert!(unk.message.contains("ghost"), "{}", unk.message);
}

#[test]
fn critical_on_spot_priority_threshold_is_configurable() {
    let store = fixture("workload/spot.yaml");
    let mut config = Config::default();
    config.thresholds.high_priority_value = 2_000_000;
    let r = run_with("workload/critical-on-spot", &store, &config);
    assert!(results_for(&r, "payments-1").is_empty());
}

// --- default-namespace --------------------------------------------------------------

#[test]
fn default_namespace_top_level_workloads() {
    let store = yaml(
        r#"
apiVersion: apps/v1
kind: Deployment
metadata: {name: legacy, namespace: default}
spec:
  selector: {matchLabels: {app: legacy}}
  template: {metadata: {labels: {app: legacy}}, spec: {containers: [{name: a, image: "a:1"}]}}
---
apiVersion: apps/v1
kind: ReplicaSet
metadata:
  name: legacy-5f6
  namespace: default
  ownerReferences: [{apiVersion: apps/v1, kind: Deployment, name: legacy, uid: u, controller: true}]
spec:
  selector: {matchLabels: {app: legacy}}
  template: {metadata: {labels: {app: legacy}}, spec: {containers: [{name: a, image: "a:1"}]}}
---
apiVersion: v1
kind: Pod
metadata: {name: nomad}
spec: {containers: [{name: a, image: "a:1"}]}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: shop, namespace: shop}
spec:
  selector: {matchLabels: {app: shop}}
  template: {metadata: {labels: {app: shop}}, spec: {containers: [{name: a, image: "a:1"}]}}
"#,
    );
    let r = run("workload/default-namespace", &store);
    let bad = assert_fail(&r, "legacy", Severity::Info);
    assert!(bad.message.contains("default namespace"), "{}", bad.message);
    // A manifest without namespace lands in `default`.
    assert_fail(&r, "nomad", Severity::Info);
    assert_status(&r, "shop", Status::Pass);
    assert!(results_for(&r, "legacy-5f6").is_empty());
}
