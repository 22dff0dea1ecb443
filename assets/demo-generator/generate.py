#!/usr/bin/env python3
"""Generates the bundled demo cluster snapshot (assets/demo/).

    python3 assets/demo-generator/generate.py            # writes assets/demo/
    python3 assets/demo-generator/generate.py OUT_DIR

The output is deterministic. The story of the cluster and the list of which
objects pass and fail each check are in assets/demo/README.md.
"""

import copy
import datetime as dt
import os
import shutil
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import base  # noqa: E402
from base import (  # noqa: E402
    CAPTURE, CLUSTER, ECR, K8S_VERSION, REGION, RNG, ago, at, b64, block, cpu_m, dump_docs, dump_list, fmt_mem,
    mem_b, meta, owner_ref, plus, rand_suffix, uid,
)

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "..", "demo")
base.OUT_DIR = OUT

import cluster as C  # noqa: E402
from nodes import BY_POOL, CP, NODES, control_plane_pods, karpenter_objects, kubelet_config, node_object  # noqa: E402
from addons import PLATFORM, sys_app  # noqa: E402
from teams import APPS, NAMESPACES, SPOT_OK, env  # noqa: E402
from workloads import App, Rendered, make_pod, pod_spec, render  # noqa: E402

PLATFORM.append(sys_app("kube-system", "vpa-recommender", image="registry.k8s.io/autoscaling/vpa-recommender:1.2.1",
                        version="1.2.1", port=8942, cpu="50m", mem="500Mi", probe_path="/health-check",
                        args=["--pod-recommendation-min-cpu-millicores=15", "--pod-recommendation-min-memory-mb=100",
                              "--storage=prometheus",
                              "--prometheus-address=http://prometheus-k8s.monitoring.svc:9090"],
                        nodes=[BY_POOL["general"][2]], priority="system-cluster-critical"))

# ------------------------------------------------------------------ render workloads
per_ns = {}
for a in APPS + PLATFORM:
    r = per_ns.setdefault(a.ns, Rendered())
    render(a, r)

ALL_APPS = {(a.ns, a.name): a for a in APPS + PLATFORM}

# ------------------------------------------------------------------ naked / special pods
extra_pods = {}

# someone's debugging pod from `kubectl run`, two days old
dbg = App("checkout", "pg-client-debug", "Pod", image="postgres:16.4-bookworm", port=None, cpu=None, mem=None,
          mem_limit=None, secure=False, readiness=False, liveness=False, sa="default", gitops=False,
          command=["sleep", "infinity"], spread=False)
p = make_pod(dbg, "pg-client-debug", None, BY_POOL["general"][0], ago(days=2, hours=5, minutes=13),
             {"run": "pg-client-debug"}, pod_spec(dbg, {}))
p["spec"]["containers"][0]["stdin"] = True
p["spec"]["containers"][0]["tty"] = True
extra_pods.setdefault("checkout", []).append(p)

# a GitLab CI job pod (the runner creates bare pods); the docker-in-docker service is privileged
ci = App("ci-runners", "runner", "Pod", image=f"{ECR}/ci/build-image:2026.11.2", port=None, cpu="1", mem="2Gi",
         secure=False, readiness=False, liveness=False, sa="gitlab-runner", gitops=False, spread=False,
         command=["sh", "-c", "if [ -x /usr/local/bin/bash ]; then\n\texec /usr/local/bin/bash \nelif [ -x /usr/bin/bash ]; then\n\texec /usr/bin/bash \nelse\n\texec sh\nfi\n"],
         env=[env("CI_PROJECT_PATH", "acme/web/storefront"), env("CI_JOB_ID", "884213377"),
              env("DOCKER_HOST", "tcp://localhost:2375"), env("DOCKER_TLS_CERTDIR", "")],
         sidecars=[
             {"image": "registry.gitlab.com/gitlab-org/gitlab-runner/gitlab-runner-helper:x86_64-v17.5.3",
              "imagePullPolicy": "IfNotPresent", "name": "helper",
              "resources": {"requests": {"cpu": "100m", "memory": "128Mi"}},
              "terminationMessagePath": "/dev/termination-log", "terminationMessagePolicy": "File"},
             {"image": "docker:27.3.1-dind", "imagePullPolicy": "IfNotPresent", "name": "svc-0",
              "resources": {"requests": {"cpu": "500m", "memory": "1Gi"}},
              "securityContext": {"privileged": True},
              "terminationMessagePath": "/dev/termination-log", "terminationMessagePolicy": "File"}])
rp = f"runner-t3xk2ab9-project-4182-concurrent-0-{rand_suffix(8)}"
p = make_pod(ci, rp, None, SPOT_OK[1], ago(minutes=4, seconds=31),
             {"pod": rp, "project.runner.gitlab.com/id": "4182", "manager.runner.gitlab.com/name": "gitlab-runner"},
             pod_spec(ci, {}))
p["metadata"]["annotations"].update({"job.runner.gitlab.com/id": "884213377",
                                     "job.runner.gitlab.com/url": "https://gitlab.acme-corp.example/acme/web/storefront/-/jobs/884213377",
                                     "project.runner.gitlab.com/id": "4182"})
p["spec"]["restartPolicy"] = "Never"
extra_pods.setdefault("ci-runners", []).append(p)

# a Spark driver that cannot be scheduled: the memory node group is at its max
spark = App("data-pipeline", "etl-daily-driver", "Pod", image="docker.io/apache/spark:3.5.3-scala2.12-java17-python3-ubuntu",
            port=None, cpu="2", mem="24Gi", secure=False, readiness=False, liveness=False, sa="spark-operator",
            gitops=False, spread=False, node_selector={"workload-class": "memory"},
            tolerations=[{"effect": "NoSchedule", "key": "workload-class", "operator": "Equal", "value": "memory"}],
            args=["driver", "--properties-file", "/opt/spark/conf/spark.properties", "--class",
                  "com.acme.etl.DailyJob", "local:///opt/spark/jars/etl.jar"])
p = make_pod(spark, "etl-daily-20261120-driver",
             owner_ref("SparkApplication", "etl-daily-20261120", "sparkoperator.k8s.io/v1beta2",
                       uid("data-pipeline/sparkapplication/etl-daily-20261120")),
             None, ago(minutes=51, seconds=2),
             {"spark-role": "driver", "spark-app-name": "etl-daily-20261120",
              "sparkoperator.k8s.io/app-name": "etl-daily-20261120", "sparkoperator.k8s.io/launched-by-spark-operator": "true",
              "team": "data"},
             pod_spec(spark, {}), phase="Pending", ready=False)
p["spec"]["restartPolicy"] = "Never"
extra_pods.setdefault("data-pipeline", []).append(p)
spark_pod = p

# ------------------------------------------------------------------ namespaces
ns_created = {
    "kube-system": "2025-03-11T10:02:37Z", "kube-public": "2025-03-11T10:02:37Z",
    "kube-node-lease": "2025-03-11T10:02:37Z", "default": "2025-03-11T10:02:37Z",
}
PLATFORM_NS = {
    "monitoring": (("privileged", "baseline"), "2025-03-20T09:29:44Z"),
    "logging": (("privileged", "baseline"), "2025-03-20T09:41:09Z"),
    "velero": (("privileged", "baseline"), "2025-03-21T13:39:58Z"),
    "argocd": (("baseline", "restricted"), "2025-03-19T15:02:31Z"),
    "ingress-nginx": (("baseline", "restricted"), "2025-03-20T10:14:02Z"),
    "cert-manager": (("restricted", "restricted"), "2025-03-20T08:55:31Z"),
    "external-secrets": (("restricted", "restricted"), "2025-04-02T08:17:14Z"),
    "trivy-system": (("baseline", "restricted"), "2025-06-11T10:05:47Z"),
    "gpu-operator": (("privileged", None), "2025-08-27T11:40:22Z"),
    "ci-runners": (("privileged", None), "2025-11-04T09:12:41Z"),
}
team_created = {ns: f"2025-0{4 + i % 5}-{12 + i:02d}T{9 + i % 8:02d}:{(i * 7) % 60:02d}:11Z"
                for i, ns in enumerate(NAMESPACES) if ns != "default"}
ns_created.update(team_created)
ns_created.update({k: v[1] for k, v in PLATFORM_NS.items()})

namespaces = []
for ns in ["default", "kube-node-lease", "kube-public", "kube-system"]:
    namespaces.append(C.namespace(ns, created=ns_created[ns]))
for ns, cfg in NAMESPACES.items():
    if ns == "default":
        continue
    labels = C.pss_labels(*cfg["pss"])
    labels["team"] = cfg["team"]
    if ns not in ("analytics", "data-pipeline"):
        labels["argocd.argoproj.io/instance"] = "platform-namespaces"
    labels["environment"] = "production"
    ann = {"acme-corp.example/owner": f"team-{cfg['team']}@acme-corp.example",
           "acme-corp.example/slack": f"#team-{cfg['team']}"}
    namespaces.append(C.namespace(ns, labels, ann, created=ns_created[ns]))
for ns, (pss, created) in PLATFORM_NS.items():
    labels = C.pss_labels(*pss)
    labels.update({"team": "platform", "environment": "production",
                   "argocd.argoproj.io/instance": "platform-namespaces"})
    namespaces.append(C.namespace(ns, labels, {"acme-corp.example/owner": "platform@acme-corp.example"},
                                  created=created))
ALL_NS = [n["metadata"]["name"] for n in namespaces]

# ------------------------------------------------------------------ RBAC
team_ns = [(ns, cfg["team"]) for ns, cfg in NAMESPACES.items()]
cr, crbs, roles, rbs = C.rbac(team_ns)

# ------------------------------------------------------------------ per-namespace objects
ns_objects = {ns: [] for ns in ALL_NS}
for ns in ALL_NS:
    ns_objects[ns].append(C.root_ca_cm(ns, ns_created[ns]))
    automount = False if ns in ("payments", "checkout", "identity", "web-frontend", "catalog", "cert-manager",
                                "external-secrets") else None
    ns_objects[ns].append(C.default_sa(ns, ns_created[ns], automount))

all_pods = [p for r in per_ns.values() for p in r.pods] + [p for ps in extra_pods.values() for p in ps]
all_pvcs = [p for r in per_ns.values() for p in r.pvcs]

# standalone PVCs
jhub_pvc = {"apiVersion": "v1", "kind": "PersistentVolumeClaim",
            "metadata": meta("jupyterhub-user-homes", "analytics", labels={"app": "jupyterhub", "team": "analytics"},
                             annotations={"pv.kubernetes.io/bind-completed": "yes",
                                          "volume.kubernetes.io/storage-provisioner": "efs.csi.aws.com"},
                             created="2025-10-21T12:11:40Z", finalizers=["kubernetes.io/pvc-protection"]),
            "spec": {"accessModes": ["ReadWriteMany"], "resources": {"requests": {"storage": "1Ti"}},
                     "storageClassName": "efs-sc", "volumeMode": "Filesystem",
                     "volumeName": "pvc-" + uid("analytics/jhub")},
            "status": {"accessModes": ["ReadWriteMany"], "capacity": {"storage": "1Ti"}, "phase": "Bound"}}
model_pvc = {"apiVersion": "v1", "kind": "PersistentVolumeClaim",
             "metadata": meta("model-repository", "ml-serving", labels={"app.kubernetes.io/name": "triton-inference",
                                                                       "team": "ml-serving"},
                              annotations={"pv.kubernetes.io/bind-completed": "yes",
                                           "volume.kubernetes.io/storage-provisioner": "ebs.csi.aws.com"},
                              created="2025-08-27T12:02:19Z", finalizers=["kubernetes.io/pvc-protection"]),
             "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "500Gi"}},
                      "storageClassName": "gp3", "volumeMode": "Filesystem", "volumeName": "pvc-" + uid("ml/models")},
             "status": {"accessModes": ["ReadWriteOnce"], "capacity": {"storage": "500Gi"}, "phase": "Bound"}}
per_ns["analytics"].pvcs.append(jhub_pvc)
per_ns["ml-serving"].pvcs.append(model_pvc)
all_pvcs += [jhub_pvc, model_pvc]

# LimitRanger admission: pods in namespaces whose LimitRange has defaults get them
LR_DEFAULT_NS = [ns for ns, cfg in NAMESPACES.items() if cfg.get("lr") and ns != "analytics"] + ["monitoring"]
for p in all_pods:
    ns = p["metadata"]["namespace"]
    if ns not in LR_DEFAULT_NS:
        continue
    notes = []
    for c in p["spec"]["containers"] + p["spec"].get("initContainers", []):
        res = c.setdefault("resources", {})
        req = res.setdefault("requests", {})
        lim = res.setdefault("limits", {})
        set_req = [r for r in ("cpu", "memory") if r not in req]
        for r in set_req:
            req[r] = {"cpu": "100m", "memory": "256Mi"}[r]
        set_lim = "memory" not in lim
        if set_lim:
            lim["memory"] = "512Mi"
        if set_req or set_lim:
            parts = []
            if set_req:
                parts.append(", ".join(set_req) + " request")
            if set_lim:
                parts.append("memory limit")
            notes.append(f"{' and '.join(parts)} for {'init container' if c in p['spec'].get('initContainers', []) else 'container'} {c['name']}")
    if notes:
        p["metadata"].setdefault("annotations", {})["kubernetes.io/limit-ranger"] = "LimitRanger plugin set: " + "; ".join(notes)

for ns, cfg in NAMESPACES.items():
    objs = ns_objects[ns]
    if cfg.get("quota"):
        objs.append(C.quota(ns, all_pods, all_pvcs, cfg["quota"], plus(ns_created[ns], minutes=1)))
    if cfg.get("lr"):
        objs.append(C.limit_range(ns, plus(ns_created[ns], minutes=1), defaults=ns != "analytics"))
    apps = [a for a in APPS if a.ns == ns]
    for npol in C.team_netpols(ns, cfg["np"], apps):
        objs.append(npol)

# platform network policies (kube-prometheus and Argo CD ship their own)
for name, sel in [("prometheus-k8s", {"app.kubernetes.io/name": "prometheus-k8s"}),
                  ("alertmanager-main", {"app.kubernetes.io/name": "alertmanager-main"}),
                  ("grafana", {"app.kubernetes.io/name": "grafana"}),
                  ("kube-state-metrics", {"app.kubernetes.io/name": "kube-state-metrics"})]:
    ns_objects["monitoring"].append(C.netpol("monitoring", name, {"matchLabels": sel}, ["Ingress", "Egress"],
                                             ingress=[{"from": [{"podSelector": {}}, C.ns_selector("ingress-nginx")]}],
                                             egress=[{}], labels={"argocd.argoproj.io/instance": "platform-monitoring"}))
for comp in ["argocd-server", "argocd-repo-server", "argocd-application-controller", "argocd-redis",
             "argocd-applicationset-controller", "argocd-notifications-controller", "argocd-dex-server"]:
    ns_objects["argocd"].append(C.netpol("argocd", f"{comp}-network-policy",
                                         {"matchLabels": {"app.kubernetes.io/name": comp}}, ["Ingress"],
                                         ingress=[{"from": [{"podSelector": {}}] if comp != "argocd-server" else []}],
                                         labels={"argocd.argoproj.io/instance": "argocd"}))
ns_objects["argocd"].append(C.netpol("argocd", "default-deny-ingress", {}, ["Ingress"],
                                     labels={"argocd.argoproj.io/instance": "argocd"}))
ns_objects["cert-manager"].append(C.netpol("cert-manager", "default-deny-ingress", {}, ["Ingress"],
                                           labels={"argocd.argoproj.io/instance": "platform-cert-manager"}))
ns_objects["cert-manager"].append(C.netpol("cert-manager", "allow-webhook", {"matchLabels": {"app.kubernetes.io/name": "cert-manager-webhook"}},
                                           ["Ingress"], ingress=[{"ports": [{"port": 10250, "protocol": "TCP"}]}],
                                           labels={"argocd.argoproj.io/instance": "platform-cert-manager"}))
ns_objects["ingress-nginx"].append(C.netpol("ingress-nginx", "ingress-nginx-controller",
                                            {"matchLabels": {"app.kubernetes.io/name": "ingress-nginx-controller"}},
                                            ["Ingress"], ingress=[{"ports": [{"port": 80, "protocol": "TCP"},
                                                                             {"port": 443, "protocol": "TCP"},
                                                                             {"port": 8443, "protocol": "TCP"}]}],
                                            labels={"argocd.argoproj.io/instance": "platform-ingress-nginx"}))
ns_objects["monitoring"].append(C.limit_range("monitoring", "2025-03-20T09:29:50Z"))

# ------------------------------------------------------------------ secrets and config maps
S = C.secret
ESO_MANAGED = {"reconcile.external-secrets.io/managed": "true"}


def es_owner(ns, name):
    return owner_ref("ExternalSecret", name, "external-secrets.io/v1beta1", uid(f"{ns}/externalsecret/{name}"))


external_secrets = []


def eso_secret(ns, name, data, remote):
    ns_objects[ns].append(S(ns, name, data, labels=ESO_MANAGED, created=ago(days=RNG.randint(30, 200)),
                            annotations={"reconcile.external-secrets.io/data-hash": uid(name).replace("-", "")},
                            owner=es_owner(ns, name)))
    external_secrets.append({
        "apiVersion": "external-secrets.io/v1beta1", "kind": "ExternalSecret",
        "metadata": meta(name, ns, labels={"argocd.argoproj.io/instance": ns}, seed=f"{ns}/externalsecret/{name}",
                         created=ago(days=RNG.randint(200, 400))),
        "spec": {"data": [{"remoteRef": {"key": remote, "property": k}, "secretKey": k} for k in data],
                 "refreshInterval": "1h",
                 "secretStoreRef": {"kind": "ClusterSecretStore", "name": "aws-secrets-manager"},
                 "target": {"creationPolicy": "Owner", "deletionPolicy": "Retain", "name": name}},
        "status": {"binding": {"name": name},
                   "conditions": [{"lastTransitionTime": ago(days=RNG.randint(1, 30)), "message": "secret synced",
                                   "reason": "SecretSynced", "status": "True", "type": "Ready"}],
                   "refreshTime": ago(minutes=RNG.randint(1, 59)), "syncedResourceVersion": "1-" + uid(name)[:32]},
    })


for ns, db in [("payments", "ledger-db"), ("checkout", "order-db"), ("identity", "identity-db"), ("catalog", "catalog-db")]:
    eso_secret(ns, f"{db}-credentials", {"username": "app", "password": f"demo-{db}-pw"}, f"prod/{ns}/{db}")
eso_secret("payments", "stripe-credentials", {"api-key": "sk_live_demo_not_real_000000"}, "prod/payments/stripe")
eso_secret("identity", "jwt-signing", {"key": "demo-jwt-signing-key"}, "prod/identity/jwt")
eso_secret("web-frontend", "storefront-session", {"secret": "demo-session-secret"}, "prod/web/storefront")

tls = lambda ns, name, created: S(ns, name, {"tls.crt": "-----BEGIN CERTIFICATE-----demo", "tls.key": "-----BEGIN PRIVATE KEY-----demo"},
                                  type_="kubernetes.io/tls", created=created,
                                  annotations={"cert-manager.io/certificate-name": name, "cert-manager.io/issuer-kind": "ClusterIssuer",
                                               "cert-manager.io/issuer-name": "letsencrypt-prod",
                                               "cert-manager.io/common-name": name.replace("-tls", "") + ".acme-corp.example"},
                                  labels={"controller.cert-manager.io/fao": "true"})
ns_objects["web-frontend"].append(tls("web-frontend", "storefront-tls", ago(days=41)))
ns_objects["payments"].append(tls("payments", "webhooks-tls", ago(days=12)))
ns_objects["argocd"].append(tls("argocd", "argocd-server-tls", ago(days=33)))
ns_objects["monitoring"].append(tls("monitoring", "grafana-tls", ago(days=33)))
ns_objects["search"].append(S("search", "opensearch-credentials", {"username": "admin", "password": "demo-opensearch"},
                              created="2025-05-02T10:33:18Z"))
ns_objects["notifications"].append(S("notifications", "rabbitmq-credentials", {"username": "notifications",
                                                                               "password": "demo-rabbit", "erlang-cookie": "demo-cookie"},
                                     created="2025-04-12T09:08:51Z"))
ns_objects["notifications"].append(S("notifications", "fcm-service-account", {"key.json": '{"type":"service_account","project_id":"acme-push"}'},
                                     created="2025-04-12T09:08:51Z"))
# created with `kubectl apply` (the annotation holds the data too; kready drops both on load)
analytics_secret = S("analytics", "superset-env", {"SECRET_KEY": "demo-superset-secret", "DB_PASS": "demo-superset-db"},
                     created="2025-07-08T14:22:09Z")
analytics_secret["metadata"]["annotations"] = {
    "kubectl.kubernetes.io/last-applied-configuration":
        '{"apiVersion":"v1","kind":"Secret","metadata":{"name":"superset-env","namespace":"analytics"},'
        '"stringData":{"DB_PASS":"demo-superset-db","SECRET_KEY":"demo-superset-secret"},"type":"Opaque"}\n'}
ns_objects["analytics"].append(analytics_secret)
for rel, ver, ns in [("superset", 7, "analytics"), ("clickhouse", 12, "analytics"), ("airflow", 23, "data-pipeline"),
                     ("kafka-connect", 4, "data-pipeline"), ("spark-operator", 3, "data-pipeline")]:
    ns_objects[ns].append(S(ns, f"sh.helm.release.v1.{rel}.v{ver}", {"release": "H4sIAAAAAAAC/demo-helm-release"},
                            type_="helm.sh/release.v1",
                            labels={"name": rel, "owner": "helm", "status": "deployed", "version": str(ver)},
                            created=ago(days=RNG.randint(5, 60))))
ns_objects["data-pipeline"].append(S("data-pipeline", "airflow-metadata",
                                     {"connection": "postgresql://airflow:demo@airflow-db.data-pipeline:5432/airflow"},
                                     created="2025-09-15T11:20:55Z"))
ns_objects["monitoring"].append(S("monitoring", "grafana-admin", {"admin-user": "admin", "admin-password": "demo-grafana"},
                                  created="2025-03-20T09:30:40Z"))
ns_objects["monitoring"].append(S("monitoring", "alertmanager-main", {"alertmanager.yaml": "route:\n  receiver: pagerduty\n"},
                                  created="2025-03-20T09:30:40Z"))
ns_objects["velero"].append(S("velero", "cloud-credentials", {"cloud": "[default]\naws_access_key_id=AKIADEMO\naws_secret_access_key=demo\n"},
                              created="2025-03-21T13:40:00Z"))
ns_objects["argocd"].append(S("argocd", "argocd-secret", {"server.secretkey": "demo", "admin.password": "$2a$10$demo"},
                              labels={"app.kubernetes.io/name": "argocd-secret", "app.kubernetes.io/part-of": "argocd"},
                              created="2025-03-19T15:02:49Z"))
ns_objects["argocd"].append(S("argocd", "argocd-initial-admin-secret", {"password": "demo-initial"},
                              created="2025-03-19T15:03:20Z"))
ns_objects["argocd"].append(S("argocd", "repo-gitlab-acme", {"url": "https://gitlab.acme-corp.example/platform/gitops.git",
                                                             "username": "argocd", "password": "glpat-demo"},
                              labels={"argocd.argoproj.io/secret-type": "repository"}, created="2025-03-19T15:20:02Z"))
ns_objects["ci-runners"].append(S("ci-runners", "gitlab-runner", {"runner-token": "glrt-demo", "runner-registration-token": ""},
                                  created="2025-11-04T09:12:44Z"))
ns_objects["kube-system"].append(S("kube-system", "bootstrap-token-k3x9qa", {
    "auth-extra-groups": "system:bootstrappers:kubeadm:default-node-token", "expiration": "2026-11-21T08:12:07Z",
    "token-id": "k3x9qa", "token-secret": "demo0000demo0000", "usage-bootstrap-authentication": "true",
    "usage-bootstrap-signing": "true"}, type_="bootstrap.kubernetes.io/token", created="2026-11-20T08:12:07Z"))
ns_objects["catalog"].append(S("catalog", "algolia-api-key", {"api-key": "demo-algolia"}, created="2025-05-17T16:40:00Z"))

CM = lambda ns, name, data, labels=None, annotations=None, created=None: {
    "apiVersion": "v1", "kind": "ConfigMap", "metadata": meta(name, ns, labels=labels, annotations=annotations,
                                                              created=created), "data": data}
ns_objects["payments"].append(CM("payments", "payments-api-config", {
    "application.yaml": block("server:\n  port: 8080\npayments:\n  providers: [stripe, adyen]\n  idempotency-ttl: 24h\n")},
    labels={"app.kubernetes.io/name": "payments-api", "argocd.argoproj.io/instance": "payments"}))
ns_objects["search"].append(CM("search", "search-indexer-config", {
    "indexer.yaml": block("source: kafka://kafka.data-pipeline:9092/catalog-changes\nindex: products-v14\nbatch-size: 500\n")},
    labels={"app.kubernetes.io/name": "search-indexer", "argocd.argoproj.io/instance": "search"},
    created="2026-11-20T06:11:48Z"))
ns_objects["ingress-nginx"].append(CM("ingress-nginx", "ingress-nginx-controller", {
    "allow-snippet-annotations": "false", "use-forwarded-headers": "true", "proxy-body-size": "20m",
    "enable-ocsp": "true", "ssl-protocols": "TLSv1.2 TLSv1.3"},
    labels={"app.kubernetes.io/name": "ingress-nginx"}))
ns_objects["argocd"].append(CM("argocd", "argocd-cm", {
    "url": "https://argocd.acme-corp.example", "application.resourceTrackingMethod": "label",
    "admin.enabled": "false", "dex.config": block("connectors:\n- type: oidc\n  id: okta\n  name: Okta\n  config:\n    issuer: https://login.acme-corp.example/oauth2/default\n")},
    labels={"app.kubernetes.io/name": "argocd-cm", "app.kubernetes.io/part-of": "argocd"}))
ns_objects["argocd"].append(CM("argocd", "argocd-rbac-cm", {
    "policy.default": "role:readonly",
    "policy.csv": block("g, oidc:platform-sre, role:admin\np, role:team, applications, sync, */*, allow\n")},
    labels={"app.kubernetes.io/name": "argocd-rbac-cm", "app.kubernetes.io/part-of": "argocd"}))

# kube-system config maps, including the cluster-autoscaler status (newer YAML form)
ca_status = f"""time: 2026-11-20 09:29:52.481226343 +0000 UTC
autoscalerStatus: Running
clusterWide:
  health:
    status: Healthy
    nodeCounts:
      registered:
        total: 6
        ready: 6
        notStarted: 0
        unready:
          total: 0
          resourceUnready: 0
      longUnregistered: 0
      unregistered: 0
    lastProbeTime: "2026-11-20T09:29:52Z"
    lastTransitionTime: "2026-11-16T10:03:44Z"
  scaleUp:
    status: NoActivity
    lastProbeTime: "2026-11-20T09:29:52Z"
    lastTransitionTime: "2026-11-17T03:13:20Z"
  scaleDown:
    status: NoCandidates
    candidates: 0
    lastProbeTime: "2026-11-20T09:29:52Z"
    lastTransitionTime: "2026-11-17T03:23:41Z"
nodeGroups:
- name: {CLUSTER}-general
  health:
    status: Healthy
    nodeCounts:
      registered:
        total: 3
        ready: 3
        notStarted: 0
        unready:
          total: 0
          resourceUnready: 0
      longUnregistered: 0
      unregistered: 0
    cloudProviderTarget: 3
    minSize: 3
    maxSize: 6
    lastProbeTime: "2026-11-20T09:29:52Z"
    lastTransitionTime: "2026-10-02T07:17:40Z"
  scaleUp:
    status: NoActivity
    lastProbeTime: "2026-11-20T09:29:52Z"
    lastTransitionTime: "2026-10-02T07:17:40Z"
  scaleDown:
    status: NoCandidates
    candidates: 0
    lastProbeTime: "2026-11-20T09:29:52Z"
    lastTransitionTime: "2026-10-02T07:27:51Z"
- name: {CLUSTER}-memory
  health:
    status: Healthy
    nodeCounts:
      registered:
        total: 2
        ready: 2
        notStarted: 0
        unready:
          total: 0
          resourceUnready: 0
      longUnregistered: 0
      unregistered: 0
    cloudProviderTarget: 2
    minSize: 1
    maxSize: 2
    lastProbeTime: "2026-11-20T09:29:52Z"
    lastTransitionTime: "2026-11-17T03:13:20Z"
  scaleUp:
    status: NoActivity
    lastProbeTime: "2026-11-20T09:29:52Z"
    lastTransitionTime: "2026-11-17T03:13:20Z"
  scaleDown:
    status: NoCandidates
    candidates: 0
    lastProbeTime: "2026-11-20T09:29:52Z"
    lastTransitionTime: "2026-11-17T03:23:41Z"
- name: {CLUSTER}-gpu-a
  health:
    status: Healthy
    nodeCounts:
      registered:
        total: 1
        ready: 1
        notStarted: 0
        unready:
          total: 0
          resourceUnready: 0
      longUnregistered: 0
      unregistered: 0
    cloudProviderTarget: 1
    minSize: 1
    maxSize: 2
    lastProbeTime: "2026-11-20T09:29:52Z"
    lastTransitionTime: "2025-08-27T11:08:02Z"
  scaleUp:
    status: NoActivity
    lastProbeTime: "2026-11-20T09:29:52Z"
    lastTransitionTime: "2025-08-27T11:08:02Z"
  scaleDown:
    status: NoCandidates
    candidates: 0
    lastProbeTime: "2026-11-20T09:29:52Z"
    lastTransitionTime: "2025-08-27T11:18:13Z"
"""
ns_objects["kube-system"] += [
    CM("kube-system", "cluster-autoscaler-status", {"status": block(ca_status)},
       annotations={"cluster-autoscaler.kubernetes.io/last-updated": "2026-11-20 09:29:52.481226343 +0000 UTC"},
       created="2025-03-22T11:08:31Z"),
    CM("kube-system", "kubeadm-config", {"ClusterConfiguration": block(f"""apiServer:
  certSANs:
  - api.{CLUSTER}.acme-corp.example
apiVersion: kubeadm.k8s.io/v1beta4
caCertificateValidityPeriod: 87600h0m0s
certificateValidityPeriod: 8760h0m0s
certificatesDir: /etc/kubernetes/pki
clusterName: {CLUSTER}
controlPlaneEndpoint: api.{CLUSTER}.acme-corp.example:6443
controllerManager: {{}}
dns: {{}}
encryptionAlgorithm: RSA-2048
etcd:
  local:
    dataDir: /var/lib/etcd
    extraArgs:
    - name: heartbeat-interval
      value: "250"
    - name: election-timeout
      value: "2500"
imageRepository: registry.k8s.io
kind: ClusterConfiguration
kubernetesVersion: {K8S_VERSION}
networking:
  dnsDomain: cluster.local
  podSubnet: 192.168.0.0/16
  serviceSubnet: 10.96.0.0/12
proxy: {{}}
scheduler: {{}}
""")}, created="2025-03-11T10:02:40Z"),
    CM("kube-system", "coredns", {"Corefile": block(""".:53 {
    errors
    health {
       lameduck 5s
    }
    ready
    kubernetes cluster.local in-addr.arpa ip6.arpa {
       pods insecure
       fallthrough in-addr.arpa ip6.arpa
       ttl 30
    }
    prometheus :9153
    forward . /etc/resolv.conf {
       max_concurrent 1000
    }
    cache 30
    loop
    reload
    loadbalance
}
""")}, created="2025-03-11T10:02:42Z"),
    CM("kube-system", "kube-proxy", {"config.conf": block("""apiVersion: kubeproxy.config.k8s.io/v1alpha1
kind: KubeProxyConfiguration
clusterCIDR: 192.168.0.0/16
mode: ipvs
metricsBindAddress: 0.0.0.0:10249
""")}, labels={"app": "kube-proxy"}, created="2025-03-11T10:02:42Z"),
]

# ------------------------------------------------------------------ service accounts for system controllers
for name in ["deployment-controller", "replicaset-controller", "namespace-controller", "generic-garbage-collector",
             "cloud-controller-manager"]:
    ns_objects["kube-system"].append({"apiVersion": "v1", "kind": "ServiceAccount",
                                      "metadata": meta(name, "kube-system", created="2025-03-11T10:02:44Z")})
for ns, name in [("cert-manager", "cert-manager-cainjector"), ("ingress-nginx", "ingress-nginx-admission")]:
    ns_objects[ns].append({"apiVersion": "v1", "kind": "ServiceAccount",
                           "metadata": meta(name, ns, created=ns_created[ns])})

# ------------------------------------------------------------------ ingresses
def ingress(ns, name, host, svc, port=80, created=None, annotations=None):
    return {"apiVersion": "networking.k8s.io/v1", "kind": "Ingress",
            "metadata": meta(name, ns, labels={"argocd.argoproj.io/instance": ns if ns in NAMESPACES else f"platform-{ns}"},
                             annotations=dict({"cert-manager.io/cluster-issuer": "letsencrypt-prod"}, **(annotations or {})),
                             created=created, generation=3),
            "spec": {"ingressClassName": "nginx",
                     "rules": [{"host": host, "http": {"paths": [{"backend": {"service": {"name": svc, "port": {"number": port}}},
                                                                  "path": "/", "pathType": "Prefix"}]}}],
                     "tls": [{"hosts": [host], "secretName": f"{name}-tls"}]},
            "status": {"loadBalancer": {"ingress": [{"hostname": "a3f9c1d2e4b5-1234567890.elb.eu-west-1.amazonaws.com"}]}}}


ns_objects["web-frontend"].append(ingress("web-frontend", "storefront", "www.acme-corp.example", "storefront"))
ns_objects["payments"].append(ingress("payments", "webhooks", "pay-hooks.acme-corp.example", "payment-webhooks"))
ns_objects["identity"].append(ingress("identity", "auth", "login.acme-corp.example", "auth-server"))
ns_objects["argocd"].append(ingress("argocd", "argocd-server", "argocd.acme-corp.example", "argocd-server"))
ns_objects["monitoring"].append(ingress("monitoring", "grafana", "grafana.acme-corp.example", "grafana"))

# ------------------------------------------------------------------ Prometheus operator objects
monitoring_objs = []
monitoring_objs.append({
    "apiVersion": "monitoring.coreos.com/v1", "kind": "Prometheus",
    "metadata": meta("k8s", "monitoring", labels={"app.kubernetes.io/name": "prometheus", "argocd.argoproj.io/instance": "platform-monitoring"},
                     seed="monitoring/prometheus/k8s", created="2025-03-20T09:31:02Z", generation=14),
    "spec": {"alerting": {"alertmanagers": [{"apiVersion": "v2", "name": "alertmanager-main", "namespace": "monitoring", "port": "web"}]},
             "enableFeatures": [], "externalLabels": {"cluster": CLUSTER}, "image": "quay.io/prometheus/prometheus:v2.55.1",
             "podMonitorNamespaceSelector": {}, "podMonitorSelector": {}, "probeNamespaceSelector": {}, "probeSelector": {},
             "replicas": 2, "resources": {"requests": {"cpu": "1", "memory": "8Gi"}, "limits": {"memory": "8Gi"}},
             "retention": "15d", "ruleNamespaceSelector": {}, "ruleSelector": {}, "securityContext": {
                 "fsGroup": 2000, "runAsNonRoot": True, "runAsUser": 1000},
             "serviceAccountName": "prometheus-k8s", "serviceMonitorNamespaceSelector": {}, "serviceMonitorSelector": {},
             "storage": {"volumeClaimTemplate": {"spec": {"resources": {"requests": {"storage": "200Gi"}}, "storageClassName": "gp3"}}},
             "version": "2.55.1"},
    "status": {"availableReplicas": 2, "conditions": [
        {"lastTransitionTime": "2026-11-16T08:12:44Z", "message": "", "observedGeneration": 14, "reason": "", "status": "True", "type": "Available"},
        {"lastTransitionTime": "2026-11-16T08:12:44Z", "message": "", "observedGeneration": 14, "reason": "", "status": "True", "type": "Reconciled"}],
        "paused": False, "replicas": 2, "shardStatuses": [{"availableReplicas": 2, "replicas": 2, "shardID": "0",
                                                            "unavailableReplicas": 0, "updatedReplicas": 2}],
        "shards": 1, "unavailableReplicas": 0, "updatedReplicas": 2},
})
monitoring_objs.append({
    "apiVersion": "monitoring.coreos.com/v1", "kind": "Alertmanager",
    "metadata": meta("main", "monitoring", labels={"app.kubernetes.io/name": "alertmanager", "argocd.argoproj.io/instance": "platform-monitoring"},
                     seed="monitoring/alertmanager/main", created="2025-03-20T09:31:02Z", generation=5),
    "spec": {"image": "quay.io/prometheus/alertmanager:v0.27.0", "replicas": 3, "version": "0.27.0",
             "resources": {"requests": {"cpu": "50m", "memory": "128Mi"}, "limits": {"memory": "256Mi"}},
             "secrets": [], "serviceAccountName": "alertmanager-main",
             "securityContext": {"fsGroup": 2000, "runAsNonRoot": True, "runAsUser": 1000}},
    "status": {"availableReplicas": 3, "conditions": [
        {"lastTransitionTime": "2026-11-02T14:40:09Z", "message": "", "observedGeneration": 5, "reason": "", "status": "True", "type": "Available"},
        {"lastTransitionTime": "2026-11-02T14:40:09Z", "message": "", "observedGeneration": 5, "reason": "", "status": "True", "type": "Reconciled"}],
        "paused": False, "replicas": 3, "unavailableReplicas": 0, "updatedReplicas": 3},
})


def prom_rule(ns, name, groups, inst):
    return {"apiVersion": "monitoring.coreos.com/v1", "kind": "PrometheusRule",
            "metadata": meta(name, ns, labels={"prometheus": "k8s", "role": "alert-rules", "argocd.argoproj.io/instance": inst},
                             created=ago(days=RNG.randint(30, 300)), generation=RNG.randint(1, 9)),
            "spec": {"groups": groups}}


def alert(name, expr, for_, sev, summary, runbook=None):
    r = {"alert": name, "expr": block(expr + "\n") if "\n" in expr else expr, "for": for_,
         "labels": {"severity": sev}, "annotations": {"summary": summary}}
    if runbook:
        r["annotations"]["runbook_url"] = runbook
    return r


monitoring_objs += [
    prom_rule("monitoring", "kubernetes-apps", [{"name": "kubernetes-apps", "rules": [
        alert("KubePodCrashLooping", 'max_over_time(kube_pod_container_status_waiting_reason{reason="CrashLoopBackOff", job="kube-state-metrics"}[5m]) >= 1',
              "15m", "warning", "Pod is crash looping.", "https://runbooks.prometheus-operator.dev/runbooks/kubernetes/kubepodcrashlooping"),
        alert("KubeDeploymentReplicasMismatch", 'kube_deployment_spec_replicas{job="kube-state-metrics"}\n  > kube_deployment_status_replicas_available{job="kube-state-metrics"}',
              "15m", "warning", "Deployment has not matched the expected number of replicas."),
        alert("KubeHpaMaxedOut", 'kube_horizontalpodautoscaler_status_current_replicas{job="kube-state-metrics"}\n  == kube_horizontalpodautoscaler_spec_max_replicas{job="kube-state-metrics"}',
              "15m", "warning", "HPA is running at max replicas"),
    ]}], "platform-monitoring"),
    prom_rule("monitoring", "node-exporter-rules", [{"name": "node-exporter", "rules": [
        alert("NodeFilesystemAlmostOutOfSpace", '(node_filesystem_avail_bytes{job="node-exporter",fstype!=""} / node_filesystem_size_bytes{job="node-exporter",fstype!=""} * 100 < 5 and node_filesystem_readonly{job="node-exporter",fstype!=""} == 0)',
              "30m", "warning", "Filesystem has less than 5% space left."),
        alert("NodeMemoryHighUtilization", '100 - (node_memory_MemAvailable_bytes{job="node-exporter"} / node_memory_MemTotal_bytes{job="node-exporter"} * 100) > 90',
              "15m", "warning", "Host is running out of memory."),
    ]}], "platform-monitoring"),
    prom_rule("monitoring", "etcd", [{"name": "etcd", "rules": [
        alert("etcdMembersDown", 'max without (endpoint) (sum without (instance) (up{job=~".*etcd.*"} == bool 0))\n  > 0',
              "10m", "critical", "etcd cluster members are down."),
        alert("etcdHighFsyncDurations", 'histogram_quantile(0.99, rate(etcd_disk_wal_fsync_duration_seconds_bucket{job=~".*etcd.*"}[5m])) > 0.5',
              "10m", "warning", "etcd cluster 99th percentile fsync durations are too high."),
        alert("EtcdSnapshotMissing", 'time() - kube_cronjob_status_last_successful_time{cronjob="etcd-snapshot"} > 8 * 3600',
              "10m", "critical", "No successful etcd snapshot in 8 hours."),
    ]}], "platform-monitoring"),
    prom_rule("monitoring", "velero", [{"name": "velero", "rules": [
        alert("VeleroBackupFailures", 'increase(velero_backup_failure_total[24h]) > 0', "5m", "warning",
              "Velero backups failed in the last 24h."),
        alert("VeleroNoRecentBackup", 'time() - velero_backup_last_successful_timestamp{schedule!=""} > 90000',
              "15m", "critical", "A Velero schedule has had no successful backup for more than 25h."),
    ]}], "platform-monitoring"),
    prom_rule("payments", "payments-slo", [{"name": "payments-slo", "rules": [
        {"record": "payments:request_errors:ratio_rate5m",
         "expr": 'sum(rate(http_server_requests_seconds_count{namespace="payments",status=~"5.."}[5m])) / sum(rate(http_server_requests_seconds_count{namespace="payments"}[5m]))'},
        alert("PaymentsErrorBudgetBurn", "payments:request_errors:ratio_rate5m > 14.4 * 0.001", "2m", "critical",
              "Payments API is burning its error budget 14x too fast."),
    ]}], "payments"),
    prom_rule("checkout", "checkout-slo", [{"name": "checkout-slo", "rules": [
        alert("CheckoutLatencyHigh", 'histogram_quantile(0.99, sum by (le) (rate(http_server_requests_seconds_bucket{namespace="checkout"}[5m]))) > 1.5',
              "10m", "warning", "Checkout p99 latency above 1.5s."),
    ]}], "checkout"),
]
for ns, name, port in [("monitoring", "kube-state-metrics", "http"), ("monitoring", "node-exporter", "http"),
                       ("payments", "payments-api", "http"), ("checkout", "checkout-api", "http"),
                       ("web-frontend", "storefront", "http"), ("logging", "fluent-bit", "http"),
                       ("velero", "velero", "http"), ("ingress-nginx", "ingress-nginx-controller", "metrics")]:
    monitoring_objs.append({
        "apiVersion": "monitoring.coreos.com/v1", "kind": "ServiceMonitor",
        "metadata": meta(name, ns, labels={"app.kubernetes.io/name": name,
                                           "argocd.argoproj.io/instance": ns if ns in NAMESPACES else f"platform-{ns}"},
                         created=ago(days=RNG.randint(30, 300)), generation=1),
        "spec": {"endpoints": [{"interval": "30s", "path": "/metrics", "port": port}],
                 "selector": {"matchLabels": {"app.kubernetes.io/name": name}}},
    })

# ------------------------------------------------------------------ Velero
velero_objs = []
velero_created = "2025-03-21T13:40:10Z"
velero_objs.append({
    "apiVersion": "velero.io/v1", "kind": "BackupStorageLocation",
    "metadata": meta("default", "velero", labels={"component": "velero", "argocd.argoproj.io/instance": "platform-velero"},
                     created=velero_created, generation=2),
    "spec": {"accessMode": "ReadWrite", "config": {"region": REGION, "kmsKeyId": "alias/velero-backups"}, "default": True,
             "objectStorage": {"bucket": "acme-prod-eu-west-velero", "prefix": CLUSTER}, "provider": "aws"},
    "status": {"lastSyncedTime": ago(seconds=41), "lastValidationTime": ago(seconds=41), "phase": "Available"},
})
# cross-region copy target: the IAM role lost access to the bucket in October
velero_objs.append({
    "apiVersion": "velero.io/v1", "kind": "BackupStorageLocation",
    "metadata": meta("dr-eu-central-1", "velero", labels={"component": "velero", "argocd.argoproj.io/instance": "platform-velero"},
                     created="2025-06-30T09:12:03Z", generation=1),
    "spec": {"accessMode": "ReadOnly", "config": {"region": "eu-central-1"},
             "objectStorage": {"bucket": "acme-dr-eu-central-velero", "prefix": CLUSTER}, "provider": "aws"},
    "status": {"lastValidationTime": ago(seconds=41), "lastSyncedTime": "2026-10-14T06:02:11Z",
               "message": "BackupStorageLocation \"dr-eu-central-1\" is unavailable: rpc error: code = Unknown desc = "
                          "AccessDenied: Access Denied\n\tstatus code: 403, request id: 3KZ1A5Q0W2E9RT7Y",
               "phase": "Unavailable"},
})
velero_objs.append({
    "apiVersion": "velero.io/v1", "kind": "VolumeSnapshotLocation",
    "metadata": meta("default", "velero", labels={"component": "velero"}, created=velero_created, generation=1),
    "spec": {"config": {"region": REGION}, "provider": "aws"},
    "status": {"phase": "Available"},
})

ALL_EXCEPT = ["kube-system", "kube-public", "kube-node-lease", "analytics", "ci-runners", "velero"]
SCHEDULES = {
    "daily-full": dict(cron="0 2 * * *", include=["*"], exclude=ALL_EXCEPT, ttl="720h0m0s", snapshot=True, fs=False,
                       created="2025-03-21T13:52:40Z"),
    "hourly-critical": dict(cron="15 * * * *", include=["payments", "checkout", "identity"], exclude=[],
                            ttl="72h0m0s", snapshot=True, fs=False, created="2025-04-08T10:14:22Z"),
    # resource manifests only: volumes are not snapshotted nor file-backed-up
    "daily-data-pipeline": dict(cron="30 3 * * *", include=["data-pipeline"], exclude=[], ttl="168h0m0s",
                                snapshot=False, fs=False, created="2025-09-16T08:01:55Z"),
}


def backup_spec(s):
    return {"csiSnapshotTimeout": "10m0s", "defaultVolumesToFsBackup": s["fs"], "excludedNamespaces": s["exclude"],
            "hooks": {}, "includedNamespaces": s["include"], "itemOperationTimeout": "4h0m0s",
            "metadata": {}, "snapshotMoveData": False, "snapshotVolumes": s["snapshot"], "storageLocation": "default",
            "ttl": s["ttl"], "volumeSnapshotLocations": ["default"]}


def ttl_hours(t):
    return int(t.split("h")[0])


def backup(name, sched, start, dur_s, phase, items, errors=0, warnings=0, vols=0, labels=None, spec=None):
    s = SCHEDULES.get(sched) if sched else None
    spec = spec or backup_spec(s)
    end = plus(start, seconds=dur_s)
    st = {"expiration": plus(start, hours=ttl_hours(spec["ttl"])), "formatVersion": "1.1.0", "hookStatus": {},
          "phase": phase, "progress": {"itemsBackedUp": items, "totalItems": items}, "startTimestamp": start,
          "version": 1}
    if phase != "InProgress":
        st["completionTimestamp"] = end
    if errors:
        st["errors"] = errors
    if warnings:
        st["warnings"] = warnings
    if vols:
        st["volumeSnapshotsAttempted"] = vols
        st["volumeSnapshotsCompleted"] = vols if phase == "Completed" else max(0, vols - errors)
    if phase == "Failed":
        st["failureReason"] = "error getting backup store for location \"default\": rpc error: code = Unknown desc = " \
                              "RequestTimeout: Your socket connection to the server was not read from or written to " \
                              "within the timeout period."
        st["progress"] = {"itemsBackedUp": items // 3, "totalItems": items}
    l = {"velero.io/storage-location": "default"}
    if sched:
        l["velero.io/schedule-name"] = sched
    l.update(labels or {})
    return {"apiVersion": "velero.io/v1", "kind": "Backup",
            "metadata": meta(name, "velero", labels=l, created=start, generation=RNG.randint(5, 9), annotations={
                "velero.io/resource-timeout": "10m0s",
                "velero.io/source-cluster-k8s-gitversion": K8S_VERSION,
                "velero.io/source-cluster-k8s-major-version": "1",
                "velero.io/source-cluster-k8s-minor-version": "33"}),
            "spec": spec, "status": st}


def bname(sched, ts):
    return f"{sched}-{at(ts).strftime('%Y%m%d%H%M%S')}"


backups = []
for d in range(6, -1, -1):
    start = plus(f"2026-11-{20 - d:02d}T02:00:00Z", seconds=RNG.randint(20, 40))
    backups.append(backup(bname("daily-full", start[:-3] + "00Z"), "daily-full", start, RNG.randint(540, 760),
                          "Completed", RNG.randint(14800, 15200), warnings=RNG.choice([0, 0, 1, 3]), vols=31))
last_daily = backups[-1]["metadata"]["name"]
for h in range(23, -1, -1):
    start = (CAPTURE.replace(minute=15, second=0) - dt.timedelta(hours=h)).strftime("%Y-%m-%dT%H:%M:%SZ")
    start = plus(start, seconds=RNG.randint(2, 9))
    backups.append(backup(bname("hourly-critical", start[:-3] + "00Z"), "hourly-critical", start, RNG.randint(70, 140),
                          "Completed", RNG.randint(2900, 3000), vols=12))
last_hourly = backups[-1]["metadata"]["name"]
for day, phase, err in [(14, "Completed", 0), (15, "Completed", 0), (16, "Completed", 0), (17, "Completed", 0),
                        (18, "Failed", 0), (19, "Failed", 0), (20, "PartiallyFailed", 4)]:
    start = f"2026-11-{day:02d}T03:30:0{RNG.randint(1, 9)}Z"
    backups.append(backup(bname("daily-data-pipeline", start[:-3] + "00Z"), "daily-data-pipeline", start,
                          RNG.randint(60, 200) if phase != "Failed" else 600, phase, RNG.randint(610, 640), errors=err))
last_dp = backups[-1]["metadata"]["name"]
manual_spec = backup_spec(dict(include=["identity"], exclude=[], ttl="2160h0m0s", snapshot=True, fs=False))
backups.append(backup("pre-upgrade-identity-20261112", None, "2026-11-12T19:04:51Z", 188, "Completed", 412, vols=3,
                      spec=manual_spec))
velero_objs += backups

for name, s in SCHEDULES.items():
    last = {"daily-full": last_daily, "hourly-critical": last_hourly, "daily-data-pipeline": last_dp}[name]
    last_ts = next(b["status"]["startTimestamp"] for b in backups if b["metadata"]["name"] == last)
    velero_objs.append({
        "apiVersion": "velero.io/v1", "kind": "Schedule",
        "metadata": meta(name, "velero", labels={"argocd.argoproj.io/instance": "platform-velero"},
                         created=s["created"], generation=RNG.randint(1, 4)),
        "spec": {"schedule": s["cron"], "skipImmediately": False, "template": backup_spec(s),
                 "useOwnerReferencesInBackup": False},
        "status": {"lastBackup": last_ts, "lastSkipped": None, "phase": "Enabled"},
    })
    velero_objs[-1]["status"].pop("lastSkipped")

velero_objs.append({
    "apiVersion": "velero.io/v1", "kind": "Restore",
    "metadata": meta("payments-restore-drill-20261015", "velero", created="2026-10-15T13:02:10Z", generation=6,
                     labels={"velero.io/backup-name": "daily-full-20261015020024"}),
    "spec": {"backupName": "daily-full-20261015020024", "excludedResources": ["nodes", "events", "events.events.k8s.io",
                                                                            "backups.velero.io", "restores.velero.io",
                                                                            "resticrepositories.velero.io",
                                                                            "csinodes.storage.k8s.io",
                                                                            "volumeattachments.storage.k8s.io",
                                                                            "backuprepositories.velero.io"],
             "hooks": {}, "includedNamespaces": ["payments"], "itemOperationTimeout": "4h0m0s",
             "namespaceMapping": {"payments": "payments-restore-drill"}, "restorePVs": True},
    "status": {"completionTimestamp": "2026-10-15T13:19:44Z", "phase": "Completed",
               "progress": {"itemsRestored": 287, "totalItems": 287}, "startTimestamp": "2026-10-15T13:02:11Z",
               "warnings": 3},
})
velero_objs.append({
    "apiVersion": "velero.io/v1", "kind": "Restore",
    "metadata": meta("catalog-db-restore-20261118", "velero", created="2026-11-18T16:44:09Z", generation=5,
                     labels={"velero.io/backup-name": "daily-full-20261118020031"}),
    "spec": {"backupName": "daily-full-20261118020031", "hooks": {}, "includedNamespaces": ["catalog"],
             "includedResources": ["persistentvolumeclaims", "persistentvolumes"], "itemOperationTimeout": "4h0m0s",
             "labelSelector": {"matchLabels": {"app.kubernetes.io/name": "catalog-db"}},
             "namespaceMapping": {"catalog": "catalog-restore"}, "restorePVs": True},
    "status": {"completionTimestamp": "2026-11-18T16:51:30Z", "errors": 1, "phase": "PartiallyFailed",
               "progress": {"itemsRestored": 3, "totalItems": 4}, "startTimestamp": "2026-11-18T16:44:10Z"},
})

# ------------------------------------------------------------------ Argo CD
argo_objs = []
proj = lambda name, dests, desc: {
    "apiVersion": "argoproj.io/v1alpha1", "kind": "AppProject",
    "metadata": meta(name, "argocd", created="2025-03-19T15:20:40Z", generation=4),
    "spec": {"description": desc, "destinations": [{"namespace": d, "server": "https://kubernetes.default.svc"} for d in dests],
             "sourceRepos": ["https://gitlab.acme-corp.example/*"],
             **({"clusterResourceWhitelist": [{"group": "*", "kind": "*"}]} if name == "platform" else {})},
}
argo_objs.append(proj("default", [], "Unused default project"))
argo_objs.append(proj("platform", ["*"], "Platform add-ons"))
argo_objs.append(proj("teams", [ns for ns in NAMESPACES if ns not in ("default",)], "Product teams"))
apps_argo = [(ns, "teams", f"apps/{ns}") for ns in ["payments", "checkout", "search", "catalog", "identity",
                                                     "notifications", "web-frontend", "ml-serving"]]
apps_argo += [(f"platform-{ns}", "platform", f"platform/{ns}") for ns in
              ["monitoring", "logging", "velero", "ingress-nginx", "cert-manager", "external-secrets", "trivy-system",
               "gpu-operator", "karpenter", "namespaces", "rbac", "base"]]
apps_argo += [("platform-ci", "platform", "platform/ci-runners"), ("argocd", "platform", "platform/argocd")]
for name, project, path in apps_argo:
    dest_ns = name.replace("platform-", "") if name.startswith("platform-") else name
    if dest_ns == "ci":
        dest_ns = "ci-runners"
    out_of_sync = name == "identity"
    argo_objs.append({
        "apiVersion": "argoproj.io/v1alpha1", "kind": "Application",
        "metadata": meta(name, "argocd", created=ago(days=RNG.randint(200, 600)), generation=RNG.randint(100, 9000),
                         finalizers=["resources-finalizer.argocd.argoproj.io"]),
        "spec": {"destination": {"namespace": dest_ns, "server": "https://kubernetes.default.svc"}, "project": project,
                 "source": {"path": path, "repoURL": "https://gitlab.acme-corp.example/platform/gitops.git",
                            "targetRevision": "main"},
                 "syncPolicy": {"automated": {"prune": True, "selfHeal": name != "identity"},
                                "syncOptions": ["ServerSideApply=true"] if name.startswith("platform") else []}},
        "status": {"health": {"status": "Degraded" if name == "search" else "Healthy"},
                   "operationState": {"finishedAt": ago(minutes=RNG.randint(3, 300)), "phase": "Succeeded",
                                      "startedAt": ago(minutes=RNG.randint(301, 310))},
                   "reconciledAt": ago(minutes=RNG.randint(0, 3)),
                   "sourceType": "Kustomize" if project == "teams" else "Helm",
                   "sync": {"revision": uid(name + "rev").replace("-", "")[:40],
                            "status": "OutOfSync" if out_of_sync else "Synced"}},
    })

# ------------------------------------------------------------------ VPA
vpa_objs = []


def vpa(ns, target, kind, cont, cpu_t, mem_t, mode="Off"):
    return {"apiVersion": "autoscaling.k8s.io/v1", "kind": "VerticalPodAutoscaler",
            "metadata": meta(target, ns, created=ago(days=RNG.randint(20, 120)), generation=1),
            "spec": {"resourcePolicy": {"containerPolicies": [{"containerName": "*", "controlledResources": ["cpu", "memory"]}]},
                     "targetRef": {"apiVersion": "apps/v1", "kind": kind, "name": target},
                     "updatePolicy": {"updateMode": mode}},
            "status": {"conditions": [{"lastTransitionTime": ago(days=RNG.randint(5, 20)), "status": "True",
                                       "type": "RecommendationProvided"}],
                       "recommendation": {"containerRecommendations": [{
                           "containerName": cont,
                           "lowerBound": {"cpu": f"{max(15, int(cpu_t * 0.7))}m", "memory": f"{int(mem_t * 0.8)}Mi"},
                           "target": {"cpu": f"{cpu_t}m", "memory": f"{mem_t}Mi"},
                           "uncappedTarget": {"cpu": f"{cpu_t}m", "memory": f"{mem_t}Mi"},
                           "upperBound": {"cpu": f"{int(cpu_t * 2.4)}m", "memory": f"{int(mem_t * 1.9)}Mi"}}]}}}


vpa_objs += [
    vpa("data-pipeline", "ingest-worker", "Deployment", "ingest-worker", 163, 1150),
    vpa("web-frontend", "seo-renderer", "Deployment", "seo-renderer", 61, 412),
    vpa("analytics", "report-api", "Deployment", "report-api", 280, 585),
    vpa("analytics", "clickhouse", "StatefulSet", "clickhouse", 1800, 13312),
    vpa("search", "ranking-service", "Deployment", "ranking-service", 450, 900),
    vpa("payments", "payments-api", "Deployment", "payments-api", 410, 690),
]
vpa_objs[-1]["metadata"]["labels"] = {"argocd.argoproj.io/instance": "payments"}

# ------------------------------------------------------------------ external-secrets store, cert-manager issuer
misc_cluster = [{
    "apiVersion": "external-secrets.io/v1beta1", "kind": "ClusterSecretStore",
    "metadata": meta("aws-secrets-manager", labels={"argocd.argoproj.io/instance": "platform-external-secrets"},
                     created="2025-04-02T08:20:13Z", generation=2),
    "spec": {"provider": {"aws": {"auth": {"jwt": {"serviceAccountRef": {"name": "external-secrets", "namespace": "external-secrets"}}},
                                  "region": REGION, "service": "SecretsManager"}}},
    "status": {"capabilities": "ReadWrite", "conditions": [{"lastTransitionTime": "2025-04-02T08:20:14Z",
                                                              "message": "store validated", "reason": "Valid",
                                                              "status": "True", "type": "Ready"}]},
}, {
    "apiVersion": "cert-manager.io/v1", "kind": "ClusterIssuer",
    "metadata": meta("letsencrypt-prod", labels={"argocd.argoproj.io/instance": "platform-cert-manager"},
                     created="2025-03-20T09:01:12Z", generation=1),
    "spec": {"acme": {"email": "platform@acme-corp.example", "privateKeySecretRef": {"name": "letsencrypt-prod"},
                      "server": "https://acme-v02.api.letsencrypt.org/directory",
                      "solvers": [{"http01": {"ingress": {"ingressClassName": "nginx"}}}]}},
    "status": {"conditions": [{"lastTransitionTime": "2025-03-20T09:01:15Z", "message": "The ACME account was registered with the ACME server",
                               "observedGeneration": 1, "reason": "ACMEAccountRegistered", "status": "True", "type": "Ready"}]},
}, {
    "apiVersion": "sparkoperator.k8s.io/v1beta2", "kind": "SparkApplication",
    "metadata": meta("etl-daily-20261120", "data-pipeline", seed="data-pipeline/sparkapplication/etl-daily-20261120",
                     created=ago(minutes=51, seconds=9), labels={"team": "data"}),
    "spec": {"type": "Scala", "mode": "cluster", "image": "docker.io/apache/spark:3.5.3-scala2.12-java17-python3-ubuntu",
             "mainClass": "com.acme.etl.DailyJob", "mainApplicationFile": "local:///opt/spark/jars/etl.jar",
             "sparkVersion": "3.5.3", "driver": {"cores": 2, "memory": "20g", "serviceAccount": "spark-operator"},
             "executor": {"cores": 4, "instances": 6, "memory": "24g"}},
    "status": {"applicationState": {"state": "SUBMITTED"}, "driverInfo": {"podName": "etl-daily-20261120-driver"},
               "submissionAttempts": 1, "lastSubmissionAttemptTime": ago(minutes=51, seconds=4)},
}]
misc_cluster[-1]["metadata"]["uid"] = uid("data-pipeline/sparkapplication/etl-daily-20261120")

# ------------------------------------------------------------------ events
E = C.event
spot_down = next(n for n in NODES if not n.ready)
mem1 = BY_POOL["memory"][0]
gpu = BY_POOL["gpu"][0]
events = []


def find_pod(ns, prefix):
    for p in per_ns[ns].pods + extra_pods.get(ns, []):
        if p["metadata"]["name"].startswith(prefix):
            yield p


for p in list(find_pod("search", "search-indexer-"))[:2]:
    events.append(E("search", "Pod", p["metadata"]["name"], p["metadata"]["uid"], "BackOff",
                    f"Back-off restarting failed container search-indexer in pod {p['metadata']['name']}_search({p['metadata']['uid']})",
                    "2026-11-20T06:13:40Z", ago(minutes=2, seconds=RNG.randint(1, 50)), RNG.randint(780, 820), "kubelet",
                    p["spec"]["nodeName"], field_path="spec.containers{search-indexer}"))
    events.append(E("search", "Pod", p["metadata"]["name"], p["metadata"]["uid"], "Unhealthy",
                    "Liveness probe failed: test: -lt: unexpected operator",
                    "2026-11-20T06:13:21Z", ago(minutes=3, seconds=30), 122, "kubelet", p["spec"]["nodeName"],
                    field_path="spec.containers{search-indexer}"))
cache2 = next(find_pod("catalog", "catalog-cache-2"))
events.append(E("catalog", "Pod", "catalog-cache-2", cache2["metadata"]["uid"], "NodeNotReady", "Node is not ready",
                "2026-11-20T09:02:22Z", "2026-11-20T09:02:22Z", 1, "node-controller"))
events.append(E("catalog", "Pod", "catalog-cache-2", cache2["metadata"]["uid"], "TaintManagerEviction",
                "Marking for deletion Pod catalog/catalog-cache-2", "2026-11-20T09:07:27Z", "2026-11-20T09:07:27Z", 1,
                "taint-eviction-controller", etype="Normal"))
events.append(E("default", "Node", spot_down.name, uid(spot_down.name + "node"), "NodeNotReady",
                f"Node {spot_down.name} status is now: NodeNotReady", "2026-11-20T09:02:17Z", "2026-11-20T09:02:17Z", 1,
                "node-controller", etype="Normal"))
events.append(E("default", "Node", mem1.name, uid(mem1.name + "node"), "EvictionThresholdMet",
                "Attempting to reclaim memory", "2026-11-20T08:55:31Z", ago(minutes=1, seconds=12), 37, "kubelet", mem1.name))
events.append(E("default", "Node", mem1.name, uid(mem1.name + "node"), "NodeHasInsufficientMemory",
                f"Node {mem1.name} status is now: NodeHasInsufficientMemory", "2026-11-20T08:55:31Z",
                "2026-11-20T08:55:31Z", 1, "kubelet", mem1.name, etype="Normal"))
email = list(find_pod("notifications", "email-sender-"))[1]
events.append(E("default", "Node", email["spec"]["nodeName"], uid(email["spec"]["nodeName"] + "node"), "SystemOOM",
                "System OOM encountered, victim process: java, pid: 2211881", ago(hours=7, minutes=3), ago(minutes=38), 9,
                "kubelet", email["spec"]["nodeName"]))
events.append(E("data-pipeline", "Pod", spark_pod["metadata"]["name"], spark_pod["metadata"]["uid"], "FailedScheduling",
                spark_pod["status"]["conditions"][0]["message"], ago(minutes=51), ago(minutes=1, seconds=4), 46,
                "default-scheduler"))
events.append(E("data-pipeline", "Pod", spark_pod["metadata"]["name"], spark_pod["metadata"]["uid"], "NotTriggerScaleUp",
                f"pod didn't trigger scale-up: 1 max node group size reached ({CLUSTER}-memory), 2 node(s) didn't match "
                f"Pod's node affinity/selector",
                ago(minutes=50, seconds=41), ago(minutes=0, seconds=58), 302, "cluster-autoscaler", etype="Normal"))
push = next(h for h in per_ns["data-pipeline"].hpas if h["metadata"]["name"] == "schema-registry")
events.append(E("data-pipeline", "HorizontalPodAutoscaler", "schema-registry", push["metadata"]["uid"],
                "FailedGetResourceMetric", push["status"]["conditions"][1]["message"].split(": ", 1)[1],
                "2026-11-12T10:41:07Z", ago(seconds=27), 11522, "horizontal-pod-autoscaler",
                api_version="autoscaling/v2"))
events.append(E("data-pipeline", "HorizontalPodAutoscaler", "schema-registry", push["metadata"]["uid"],
                "FailedComputeMetricsReplicas",
                "invalid metrics (1 invalid out of 1), first error is: failed to get cpu resource metric value: failed to get "
                "cpu utilization: missing request for cpu in container schema-registry of Pod " + push["status"]["conditions"][1]["message"].rsplit(" ", 1)[1],
                "2026-11-12T10:41:07Z", ago(seconds=27), 11522, "horizontal-pod-autoscaler",
                api_version="autoscaling/v2"))
fraud = next(h for h in per_ns["payments"].hpas if h["metadata"]["name"] == "fraud-scorer")
events.append(E("payments", "HorizontalPodAutoscaler", "fraud-scorer", fraud["metadata"]["uid"], "SuccessfulRescale",
                "New size: 10; reason: cpu resource utilization (percentage of request) above target",
                ago(hours=2, minutes=47), ago(hours=2, minutes=47), 1, "horizontal-pod-autoscaler", etype="Normal",
                api_version="autoscaling/v2"))
failed_job = next(j for j in per_ns["data-pipeline"].children if j["kind"] == "Job" and j["metadata"]["name"].startswith("nightly-export")
                  and j["status"].get("failed"))
events.append(E("data-pipeline", "Job", failed_job["metadata"]["name"], failed_job["metadata"]["uid"], "BackoffLimitExceeded",
                "Job has reached the specified backoff limit", failed_job["status"]["conditions"][0]["lastTransitionTime"],
                failed_job["status"]["conditions"][0]["lastTransitionTime"], 1, "job-controller", api_version="batch/v1"))
admin = next(find_pod("catalog", "catalog-admin-"))
events.append(E("catalog", "Pod", admin["metadata"]["name"], admin["metadata"]["uid"], "Unhealthy",
                "Liveness probe failed: Get \"http://" + admin["status"]["podIP"] + ":8080/healthz\": context deadline exceeded (Client.Timeout exceeded while awaiting headers)",
                ago(hours=5, minutes=12), ago(minutes=14), 6, "kubelet", admin["spec"]["nodeName"],
                field_path="spec.containers{catalog-admin}"))
cms = next(find_pod("web-frontend", "legacy-cms-"))
events.append(E("web-frontend", "Pod", cms["metadata"]["name"], cms["metadata"]["uid"], "Unhealthy",
                "Readiness probe failed: HTTP probe failed with statuscode: 503", ago(hours=1, minutes=4), ago(minutes=22),
                4, "kubelet", cms["spec"]["nodeName"], field_path="spec.containers{legacy-cms}"))
dp = next(b for b in backups if b["metadata"]["name"] == last_dp)
events.append(E("kube-system", "Pod", "kube-scheduler-" + CP[2].name, uid("kube-scheduler-" + CP[2].name), "Unhealthy",
                "Readiness probe failed: Get \"https://127.0.0.1:10259/healthz\": dial tcp 127.0.0.1:10259: connect: connection refused",
                "2026-11-06T14:24:02Z", "2026-11-06T14:24:31Z", 3, "kubelet", CP[2].name,
                field_path="spec.containers{kube-scheduler}"))
events.append(E("velero", "BackupStorageLocation", "dr-eu-central-1",
                next(o for o in velero_objs if o["metadata"]["name"] == "dr-eu-central-1")["metadata"]["uid"],
                "BackupStorageLocationUnavailable", "AccessDenied: Access Denied (status code: 403)", "2026-10-14T06:03:11Z",
                ago(minutes=1), 52410, "velero-server", api_version="velero.io/v1"))
events.sort(key=lambda e: (e["metadata"]["namespace"], e["lastTimestamp"]))

# ------------------------------------------------------------------ write
if os.path.isdir(OUT):
    for entry in os.listdir(OUT):
        if entry != "README.md":
            path = os.path.join(OUT, entry)
            shutil.rmtree(path) if os.path.isdir(path) else os.remove(path)
os.makedirs(OUT, exist_ok=True)

seen = set()


def dedupe(objs):
    out = []
    for o in objs:
        k = (o["kind"], o["metadata"].get("namespace", ""), o["metadata"]["name"])
        if k in seen:
            continue
        seen.add(k)
        out.append(o)
    return out


dump_docs("00-snapshot-info.yaml", [{
    "apiVersion": "kready.io/v1", "kind": "SnapshotInfo", "metadata": {"name": "demo"},
    "capturedAt": CAPTURE.strftime("%Y-%m-%dT%H:%M:%SZ"), "serverVersion": K8S_VERSION, "context": CLUSTER,
}], comment="The bundled demo cluster: a self-managed kubeadm cluster on AWS (prod-eu-west).\n"
            "Captured 2026-11-20 09:30 UTC. See README.md for the story and the coverage table.")

dump_list("cluster/nodes.yaml", dedupe([node_object(n) for n in NODES]),
          comment="kubectl get nodes -o yaml")
dump_list("cluster/namespaces.yaml", dedupe(namespaces), comment="kubectl get namespaces -o yaml")
dump_docs("cluster/priorityclasses.yaml", dedupe(C.priority_classes()))
dump_docs("cluster/crds.yaml", dedupe(C.crds()),
          comment="CustomResourceDefinitions (schemas trimmed to x-kubernetes-preserve-unknown-fields)")
dump_list("cluster/apiservices.yaml", dedupe(C.apiservices()), comment="kubectl get apiservices -o yaml")
dump_docs("cluster/kubelet-configz.yaml", [kubelet_config(n) for n in NODES],
          comment="kubectl get --raw /api/v1/nodes/<node>/proxy/configz, one document per node\n"
                  "(the `kubeletconfig` wrapper removed, apiVersion/kind/metadata.name added)")
pools, nodeclass, claims = karpenter_objects()
dump_docs("cluster/karpenter.yaml", dedupe(pools + [nodeclass] + claims))
dump_docs("cluster/cluster-scoped-misc.yaml", dedupe([misc_cluster[0], misc_cluster[1]]))
dump_list("rbac.yaml", dedupe(cr + crbs + roles + rbs),
          comment="kubectl get clusterroles,clusterrolebindings,roles,rolebindings -A -o yaml\n"
                  "(system roles abbreviated to a representative subset)")
dump_docs("kube-system/control-plane.yaml", dedupe(control_plane_pods()),
          comment="Static (mirror) pods of the three control-plane nodes.")


def ns_bundle(ns):
    r = per_ns.get(ns, Rendered())
    objs = []
    objs += ns_objects.get(ns, [])
    objs += r.service_accounts
    objs += r.workloads + r.children + r.pods + extra_pods.get(ns, [])
    objs += r.services + r.pdbs + r.hpas + r.pvcs
    objs += [o for o in external_secrets if o["metadata"]["namespace"] == ns]
    objs += [o for o in vpa_objs if o["metadata"]["namespace"] == ns]
    objs += [o for o in monitoring_objs if o["metadata"]["namespace"] == ns and ns != "monitoring"]
    objs += [o for o in misc_cluster[2:] if o["metadata"].get("namespace") == ns]
    return dedupe(objs)


dump_list("kube-system/kube-system.yaml", ns_bundle("kube-system"),
          comment="kubectl get all,cm,secrets,sa,pdb,pvc -n kube-system -o yaml (control-plane pods are in control-plane.yaml)")
dump_list("namespaces/default.yaml", ns_bundle("default") + ns_bundle("kube-public") + ns_bundle("kube-node-lease"),
          comment="default, kube-public and kube-node-lease")
for ns in NAMESPACES:
    if ns == "default":
        continue
    dump_list(f"namespaces/{ns}.yaml", ns_bundle(ns), comment=f"kubectl get all,cm,secret,sa,pdb,hpa,pvc,quota,limits,netpol,... -n {ns} -o yaml")
for ns in PLATFORM_NS:
    extra = []
    if ns == "monitoring":
        extra = [o for o in monitoring_objs if o["metadata"]["namespace"] == "monitoring"]
    if ns == "velero":
        extra = velero_objs
    if ns == "argocd":
        extra = argo_objs
    objs = ns_bundle(ns) + dedupe(extra)
    if ns in ("velero", "monitoring"):
        # multi-document form, as `kubectl get ... -o yaml` of each object concatenated
        dump_docs(f"{ns}.yaml", objs, comment=f"namespace {ns}")
    else:
        dump_list(f"platform/{ns}.yaml", objs, comment=f"namespace {ns}")

podmetrics = [m for r in per_ns.values() for m in r.podmetrics]
dump_list("metrics/podmetrics.yaml", podmetrics, comment="kubectl get podmetrics -A -o yaml (metrics.k8s.io/v1beta1)")
vr = [v for r in per_ns.values() for v in r.vulnreports]
dump_list("security/vulnerabilityreports.yaml", dedupe(vr),
          comment="trivy-operator VulnerabilityReports (vulnerability lists trimmed to a sample)")
dump_list("events.yaml", dedupe(events), comment="kubectl get events -A --field-selector type=Warning -o yaml (plus a few Normal ones for context)")

# ------------------------------------------------------------------ summary
count = {}
for root, _, files in os.walk(OUT):
    for f in files:
        if f.endswith(".yaml"):
            import yaml
            for d in yaml.safe_load_all(open(os.path.join(root, f))):
                if not d:
                    continue
                items = d.get("items") if d.get("kind") == "List" else [d]
                for o in items:
                    count[o["kind"]] = count.get(o["kind"], 0) + 1
print("objects:", sum(count.values()))
for k in sorted(count):
    print(f"  {k}: {count[k]}")
print("node requests (cpu m / alloc, mem Gi / alloc):")
for n in NODES:
    print(f"  {n.name:45} {n.pool:14} pods={n.pods:3} cpu={n.req_cpu:6}/{n.alloc_cpu_m():6} "
          f"({n.req_cpu / n.alloc_cpu_m():.0%}) mem={n.req_mem / 1024**3:6.1f}/{n.alloc_mem_b() / 1024**3:6.1f} "
          f"({n.req_mem / n.alloc_mem_b():.0%})")
