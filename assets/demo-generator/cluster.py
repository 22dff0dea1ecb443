"""Cluster-level and per-namespace objects that are not workloads: namespaces,
CRDs, APIServices, RBAC, quotas, limit ranges, network policies, secrets,
config maps, Velero, Prometheus operator, Argo CD, VPA, events."""

import copy

from base import (
    CAPTURE, CLUSTER, ECR, K8S_VERSION, REGION, RNG, ago, at, b64, block, cpu_m, fmt_cpu, fmt_mem, meta, mem_b,
    owner_ref, plus, rand_suffix, uid,
)
from nodes import BY_POOL, CP, NODES


# ---------------------------------------------------------------- namespaces

def namespace(name, labels=None, annotations=None, created=None):
    l = {"kubernetes.io/metadata.name": name}
    l.update(labels or {})
    return {"apiVersion": "v1", "kind": "Namespace",
            "metadata": meta(name, labels=l, annotations=annotations, created=created),
            "spec": {"finalizers": ["kubernetes"]}, "status": {"phase": "Active"}}


def pss_labels(enforce, warn):
    l = {}
    if enforce:
        l["pod-security.kubernetes.io/enforce"] = enforce
        l["pod-security.kubernetes.io/enforce-version"] = "latest"
        l["pod-security.kubernetes.io/audit"] = warn or enforce
    if warn:
        l["pod-security.kubernetes.io/warn"] = warn
        l["pod-security.kubernetes.io/warn-version"] = "latest"
    return l


# ---------------------------------------------------------------- priority classes

def priority_classes():
    pcs = [
        ("system-node-critical", 2000001000, False, "Used for system critical pods that must not be moved from their current node.", None),
        ("system-cluster-critical", 2000000000, False, "Used for system critical pods that must run in the cluster, but can be moved to another node if necessary.", None),
        ("business-critical", 1000000, False, "Customer-facing request path (checkout, payments, identity, storefront). Pages on-call.", "PreemptLowerPriority"),
        ("platform-high", 100000, False, "Platform add-ons (monitoring, logging, ingress, GitOps).", "PreemptLowerPriority"),
        ("default-priority", 1000, True, "Default for everything else.", "PreemptLowerPriority"),
        ("batch-low", -10, False, "Batch and analytics jobs; never preempts.", "Never"),
    ]
    out = []
    for name, value, default, desc, pp in pcs:
        o = {"apiVersion": "scheduling.k8s.io/v1", "kind": "PriorityClass",
             "metadata": meta(name, created="2025-03-11T10:02:58Z" if name.startswith("system") else "2025-03-20T09:12:40Z",
                              labels={"argocd.argoproj.io/instance": "platform-base"} if not name.startswith("system") else None),
             "value": value, "description": desc, "preemptionPolicy": pp or "PreemptLowerPriority"}
        if default:
            o["globalDefault"] = True
        if o["metadata"].get("labels") is None:
            o["metadata"].pop("labels", None)
        out.append(o)
    return out


# ---------------------------------------------------------------- CRDs

CRD_LIST = [
    # group, kind, plural, scope, versions, created
    ("velero.io", "Backup", "backups", "Namespaced", ["v1"], "2025-03-21T13:40:02Z"),
    ("velero.io", "Schedule", "schedules", "Namespaced", ["v1"], "2025-03-21T13:40:02Z"),
    ("velero.io", "Restore", "restores", "Namespaced", ["v1"], "2025-03-21T13:40:02Z"),
    ("velero.io", "BackupStorageLocation", "backupstoragelocations", "Namespaced", ["v1"], "2025-03-21T13:40:02Z"),
    ("velero.io", "VolumeSnapshotLocation", "volumesnapshotlocations", "Namespaced", ["v1"], "2025-03-21T13:40:02Z"),
    ("velero.io", "PodVolumeBackup", "podvolumebackups", "Namespaced", ["v1"], "2025-03-21T13:40:02Z"),
    ("velero.io", "PodVolumeRestore", "podvolumerestores", "Namespaced", ["v1"], "2025-03-21T13:40:02Z"),
    ("velero.io", "BackupRepository", "backuprepositories", "Namespaced", ["v1"], "2025-03-21T13:40:02Z"),
    ("velero.io", "DeleteBackupRequest", "deletebackuprequests", "Namespaced", ["v1"], "2025-03-21T13:40:02Z"),
    ("velero.io", "ServerStatusRequest", "serverstatusrequests", "Namespaced", ["v1"], "2025-03-21T13:40:02Z"),
    ("velero.io", "DataUpload", "datauploads", "Namespaced", ["v2alpha1"], "2025-03-21T13:40:02Z"),
    ("karpenter.sh", "NodePool", "nodepools", "Cluster", ["v1"], "2026-09-30T12:31:17Z"),
    ("karpenter.sh", "NodeClaim", "nodeclaims", "Cluster", ["v1"], "2026-09-30T12:31:17Z"),
    ("karpenter.k8s.aws", "EC2NodeClass", "ec2nodeclasses", "Cluster", ["v1"], "2026-09-30T12:31:17Z"),
    ("monitoring.coreos.com", "Prometheus", "prometheuses", "Namespaced", ["v1"], "2025-03-20T09:30:11Z"),
    ("monitoring.coreos.com", "Alertmanager", "alertmanagers", "Namespaced", ["v1"], "2025-03-20T09:30:11Z"),
    ("monitoring.coreos.com", "PrometheusRule", "prometheusrules", "Namespaced", ["v1"], "2025-03-20T09:30:11Z"),
    ("monitoring.coreos.com", "ServiceMonitor", "servicemonitors", "Namespaced", ["v1"], "2025-03-20T09:30:11Z"),
    ("monitoring.coreos.com", "PodMonitor", "podmonitors", "Namespaced", ["v1"], "2025-03-20T09:30:11Z"),
    ("monitoring.coreos.com", "Probe", "probes", "Namespaced", ["v1"], "2025-03-20T09:30:11Z"),
    ("monitoring.coreos.com", "AlertmanagerConfig", "alertmanagerconfigs", "Namespaced", ["v1alpha1"], "2025-03-20T09:30:11Z"),
    ("argoproj.io", "Application", "applications", "Namespaced", ["v1alpha1"], "2025-03-19T15:02:44Z"),
    ("argoproj.io", "ApplicationSet", "applicationsets", "Namespaced", ["v1alpha1"], "2025-03-19T15:02:44Z"),
    ("argoproj.io", "AppProject", "appprojects", "Namespaced", ["v1alpha1"], "2025-03-19T15:02:44Z"),
    ("external-secrets.io", "ExternalSecret", "externalsecrets", "Namespaced", ["v1beta1"], "2025-04-02T08:17:20Z"),
    ("external-secrets.io", "ClusterSecretStore", "clustersecretstores", "Cluster", ["v1beta1"], "2025-04-02T08:17:20Z"),
    ("external-secrets.io", "SecretStore", "secretstores", "Namespaced", ["v1beta1"], "2025-04-02T08:17:20Z"),
    ("external-secrets.io", "ClusterExternalSecret", "clusterexternalsecrets", "Cluster", ["v1beta1"], "2025-04-02T08:17:20Z"),
    ("aquasecurity.github.io", "VulnerabilityReport", "vulnerabilityreports", "Namespaced", ["v1alpha1"], "2025-06-11T10:05:51Z"),
    ("aquasecurity.github.io", "ConfigAuditReport", "configauditreports", "Namespaced", ["v1alpha1"], "2025-06-11T10:05:51Z"),
    ("aquasecurity.github.io", "ExposedSecretReport", "exposedsecretreports", "Namespaced", ["v1alpha1"], "2025-06-11T10:05:51Z"),
    ("autoscaling.k8s.io", "VerticalPodAutoscaler", "verticalpodautoscalers", "Namespaced", ["v1"], "2025-05-06T14:48:09Z"),
    ("autoscaling.k8s.io", "VerticalPodAutoscalerCheckpoint", "verticalpodautoscalercheckpoints", "Namespaced", ["v1"], "2025-05-06T14:48:09Z"),
    ("cert-manager.io", "Certificate", "certificates", "Namespaced", ["v1"], "2025-03-20T08:55:37Z"),
    ("cert-manager.io", "ClusterIssuer", "clusterissuers", "Cluster", ["v1"], "2025-03-20T08:55:37Z"),
    ("cert-manager.io", "Issuer", "issuers", "Namespaced", ["v1"], "2025-03-20T08:55:37Z"),
    ("crd.projectcalico.org", "IPPool", "ippools", "Cluster", ["v1"], "2025-03-11T10:14:02Z"),
    ("crd.projectcalico.org", "FelixConfiguration", "felixconfigurations", "Cluster", ["v1"], "2025-03-11T10:14:02Z"),
    ("sparkoperator.k8s.io", "SparkApplication", "sparkapplications", "Namespaced", ["v1beta2"], "2025-09-15T11:20:31Z"),
    ("sparkoperator.k8s.io", "ScheduledSparkApplication", "scheduledsparkapplications", "Namespaced", ["v1beta2"], "2025-09-15T11:20:31Z"),
]


def crds():
    out = []
    for group, kind, plural, scope, versions, created in CRD_LIST:
        name = f"{plural}.{group}"
        singular = kind.lower()
        labels = {}
        ann = {}
        if group == "velero.io":
            labels = {"component": "velero", "app.kubernetes.io/name": "velero"}
            ann = {"controller-gen.kubebuilder.io/version": "v0.14.0"}
        elif group.startswith("karpenter"):
            ann = {"controller-gen.kubebuilder.io/version": "v0.18.0"}
            labels = {"app.kubernetes.io/managed-by": "Helm"}
        elif group == "monitoring.coreos.com":
            ann = {"controller-gen.kubebuilder.io/version": "v0.16.4", "operator.prometheus.io/version": "0.78.1"}
        elif group == "argoproj.io":
            labels = {"app.kubernetes.io/name": name, "app.kubernetes.io/part-of": "argocd"}
        elif group == "external-secrets.io":
            ann = {"controller-gen.kubebuilder.io/version": "v0.16.5"}
        vs = []
        for i, v in enumerate(versions):
            vs.append({
                "name": v, "served": True, "storage": i == len(versions) - 1,
                "schema": {"openAPIV3Schema": {"type": "object", "x-kubernetes-preserve-unknown-fields": True,
                                               "description": f"{kind} is the Schema for the {plural} API."}},
                "subresources": {"status": {}},
            })
        o = {
            "apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
            "metadata": meta(name, labels=labels or None, annotations=ann or None, created=created, generation=1),
            "spec": {
                "conversion": {"strategy": "None"},
                "group": group,
                "names": {"kind": kind, "listKind": f"{kind}List", "plural": plural, "singular": singular},
                "scope": scope,
                "versions": vs,
            },
            "status": {
                "acceptedNames": {"kind": kind, "listKind": f"{kind}List", "plural": plural, "singular": singular},
                "conditions": [
                    {"lastTransitionTime": created, "message": "no conflicts found", "reason": "NoConflicts",
                     "status": "True", "type": "NamesAccepted"},
                    {"lastTransitionTime": created, "message": "the initial names have been accepted",
                     "reason": "InitialNamesAccepted", "status": "True", "type": "Established"},
                ],
                "storedVersions": [versions[-1]],
            },
        }
        for k in ("labels", "annotations"):
            if o["metadata"].get(k) is None:
                o["metadata"].pop(k, None)
        out.append(o)
    return out


# ---------------------------------------------------------------- APIServices

def apiservices():
    local = [("", "v1"), ("apps", "v1"), ("batch", "v1"), ("autoscaling", "v2"), ("policy", "v1"),
             ("rbac.authorization.k8s.io", "v1"), ("networking.k8s.io", "v1"), ("storage.k8s.io", "v1"),
             ("scheduling.k8s.io", "v1"), ("apiextensions.k8s.io", "v1"), ("coordination.k8s.io", "v1"),
             ("discovery.k8s.io", "v1"), ("events.k8s.io", "v1"), ("velero.io", "v1"), ("karpenter.sh", "v1"),
             ("monitoring.coreos.com", "v1"), ("argoproj.io", "v1alpha1"), ("autoscaling.k8s.io", "v1")]
    out = []
    for group, version in local:
        name = f"{version}.{group}" if group else version
        created = "2025-03-11T10:02:39Z"
        out.append({
            "apiVersion": "apiregistration.k8s.io/v1", "kind": "APIService",
            "metadata": meta(name, labels={"kube-aggregator.kubernetes.io/automanaged": "onstart" if "." not in group
                                           or group.endswith("k8s.io") and group.count(".") <= 2 else "true"},
                             created=created),
            "spec": {"group": group, "groupPriorityMinimum": 18000, "version": version, "versionPriority": 15},
            "status": {"conditions": [{"lastTransitionTime": created, "message": "Local APIServices are always available",
                                       "reason": "Local", "status": "True", "type": "Available"}]},
        })
    out.append({
        "apiVersion": "apiregistration.k8s.io/v1", "kind": "APIService",
        "metadata": meta("v1beta1.metrics.k8s.io", labels={"k8s-app": "metrics-server",
                                                           "app.kubernetes.io/name": "metrics-server"},
                         created="2025-03-11T10:31:47Z"),
        "spec": {"group": "metrics.k8s.io", "groupPriorityMinimum": 100, "insecureSkipTLSVerify": True,
                 "service": {"name": "metrics-server", "namespace": "kube-system", "port": 443},
                 "version": "v1beta1", "versionPriority": 100},
        "status": {"conditions": [{"lastTransitionTime": ago(days=4, hours=1, minutes=48), "message": "all checks passed",
                                   "reason": "Passed", "status": "True", "type": "Available"}]},
    })
    return out


# ---------------------------------------------------------------- RBAC

def rule(groups, resources, verbs, names=None):
    r = {"apiGroups": groups, "resources": resources, "verbs": verbs}
    if names:
        r["resourceNames"] = names
    return r


RO = ["get", "list", "watch"]
RW = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"]

VIEW_RULES = [
    rule([""], ["configmaps", "endpoints", "persistentvolumeclaims", "persistentvolumeclaims/status", "pods",
                "replicationcontrollers", "replicationcontrollers/scale", "serviceaccounts", "services",
                "services/status"], RO),
    rule([""], ["bindings", "events", "limitranges", "namespaces/status", "pods/log", "pods/status",
                "replicationcontrollers/status", "resourcequotas", "resourcequotas/status"], RO),
    rule([""], ["namespaces"], RO),
    rule(["apps"], ["controllerrevisions", "daemonsets", "daemonsets/status", "deployments", "deployments/scale",
                    "deployments/status", "replicasets", "replicasets/scale", "replicasets/status", "statefulsets",
                    "statefulsets/scale", "statefulsets/status"], RO),
    rule(["autoscaling"], ["horizontalpodautoscalers", "horizontalpodautoscalers/status"], RO),
    rule(["batch"], ["cronjobs", "cronjobs/status", "jobs", "jobs/status"], RO),
    rule(["networking.k8s.io"], ["ingresses", "ingresses/status", "networkpolicies"], RO),
    rule(["policy"], ["poddisruptionbudgets", "poddisruptionbudgets/status"], RO),
    rule(["discovery.k8s.io"], ["endpointslices"], RO),
]
EDIT_RULES = [
    rule([""], ["pods/attach", "pods/exec", "pods/portforward", "pods/proxy", "secrets", "services/proxy"], RO),
    rule([""], ["serviceaccounts"], ["impersonate"]),
    rule([""], ["pods", "pods/attach", "pods/exec", "pods/portforward", "pods/proxy"],
         ["create", "delete", "deletecollection", "patch", "update"]),
    rule([""], ["pods/eviction"], ["create"]),
    rule([""], ["configmaps", "events", "persistentvolumeclaims", "replicationcontrollers",
                "replicationcontrollers/scale", "secrets", "serviceaccounts", "services", "services/proxy"],
         ["create", "delete", "deletecollection", "patch", "update"]),
    rule([""], ["serviceaccounts/token"], ["create"]),
    rule(["apps"], ["daemonsets", "deployments", "deployments/rollback", "deployments/scale", "replicasets",
                    "replicasets/scale", "statefulsets", "statefulsets/scale"],
         ["create", "delete", "deletecollection", "patch", "update"]),
    rule(["autoscaling"], ["horizontalpodautoscalers"], ["create", "delete", "deletecollection", "patch", "update"]),
    rule(["batch"], ["cronjobs", "jobs"], ["create", "delete", "deletecollection", "patch", "update"]),
    rule(["networking.k8s.io"], ["ingresses", "networkpolicies"], ["create", "delete", "deletecollection", "patch", "update"]),
    rule(["policy"], ["poddisruptionbudgets"], ["create", "delete", "deletecollection", "patch", "update"]),
] + VIEW_RULES
ADMIN_RULES = [
    rule(["authorization.k8s.io"], ["localsubjectaccessreviews"], ["create"]),
    rule(["rbac.authorization.k8s.io"], ["rolebindings", "roles"], RW),
] + EDIT_RULES


def cluster_role(name, rules, labels=None, annotations=None, created="2025-03-11T10:02:41Z", aggregation=None):
    o = {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole",
         "metadata": meta(name, labels=labels, annotations=annotations, created=created), "rules": rules}
    if aggregation:
        o["aggregationRule"] = aggregation
    return o


def crb(name, role, subjects, labels=None, annotations=None, created="2025-03-11T10:02:41Z"):
    return {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRoleBinding",
            "metadata": meta(name, labels=labels, annotations=annotations, created=created),
            "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": role},
            "subjects": subjects}


def role(ns, name, rules, labels=None, created=None):
    return {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "Role",
            "metadata": meta(name, ns, labels=labels, created=created), "rules": rules}


def rb(ns, name, kind, role_name, subjects, labels=None, annotations=None, created=None):
    return {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "RoleBinding",
            "metadata": meta(name, ns, labels=labels, annotations=annotations, created=created),
            "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": kind, "name": role_name},
            "subjects": subjects}


def sa(ns, name):
    return {"kind": "ServiceAccount", "name": name, "namespace": ns}


def group(name):
    return {"apiGroup": "rbac.authorization.k8s.io", "kind": "Group", "name": name}


def user(name):
    return {"apiGroup": "rbac.authorization.k8s.io", "kind": "User", "name": name}


BOOT = {"kubernetes.io/bootstrapping": "rbac-defaults"}
AUTO = {"rbac.authorization.kubernetes.io/autoupdate": "true"}


def rbac(team_namespaces):
    cr = [
        cluster_role("cluster-admin", [rule(["*"], ["*"], ["*"]), {"nonResourceURLs": ["*"], "verbs": ["*"]}],
                     labels=BOOT, annotations=AUTO),
        cluster_role("admin", ADMIN_RULES, labels=BOOT, annotations=AUTO,
                     aggregation={"clusterRoleSelectors": [{"matchLabels": {"rbac.authorization.k8s.io/aggregate-to-admin": "true"}}]}),
        cluster_role("edit", EDIT_RULES, labels=dict(BOOT, **{"rbac.authorization.k8s.io/aggregate-to-admin": "true"}),
                     annotations=AUTO,
                     aggregation={"clusterRoleSelectors": [{"matchLabels": {"rbac.authorization.k8s.io/aggregate-to-edit": "true"}}]}),
        cluster_role("view", VIEW_RULES, labels=dict(BOOT, **{"rbac.authorization.k8s.io/aggregate-to-edit": "true"}),
                     annotations=AUTO,
                     aggregation={"clusterRoleSelectors": [{"matchLabels": {"rbac.authorization.k8s.io/aggregate-to-view": "true"}}]}),
        cluster_role("system:basic-user", [rule(["authorization.k8s.io"], ["selfsubjectaccessreviews", "selfsubjectrulesreviews"], ["create"]),
                                           rule(["authentication.k8s.io"], ["selfsubjectreviews"], ["create"])],
                     labels=BOOT, annotations=AUTO),
        cluster_role("system:discovery", [{"nonResourceURLs": ["/api", "/api/*", "/apis", "/apis/*", "/healthz", "/livez",
                                                               "/openapi", "/openapi/*", "/readyz", "/version", "/version/"],
                                           "verbs": ["get"]}], labels=BOOT, annotations=AUTO),
        cluster_role("system:public-info-viewer", [{"nonResourceURLs": ["/healthz", "/livez", "/readyz", "/version", "/version/"],
                                                    "verbs": ["get"]}], labels=BOOT, annotations=AUTO),
        cluster_role("system:node", [rule([""], ["nodes"], ["create", "get", "list", "watch", "patch", "update"]),
                                     rule([""], ["pods"], RO), rule([""], ["secrets", "configmaps"], ["get", "list", "watch"]),
                                     rule([""], ["pods/status", "nodes/status"], ["patch", "update"])],
                     labels=BOOT, annotations=AUTO),
        cluster_role("system:kube-scheduler", [rule(["", "events.k8s.io"], ["events"], ["create", "patch", "update"]),
                                               rule(["coordination.k8s.io"], ["leases"], ["create"]),
                                               rule(["coordination.k8s.io"], ["leases"], ["get", "update"], ["kube-scheduler"]),
                                               rule([""], ["pods"], ["delete", "get", "list", "watch"]),
                                               rule([""], ["bindings", "pods/binding"], ["create"]),
                                               rule([""], ["pods/status"], ["patch", "update"]),
                                               rule([""], ["nodes", "persistentvolumeclaims", "persistentvolumes", "services",
                                                           "replicationcontrollers", "namespaces"], RO)],
                     labels=BOOT, annotations=AUTO),
        cluster_role("system:kube-controller-manager", [rule(["", "events.k8s.io"], ["events"], ["create", "patch", "update"]),
                                                        rule(["coordination.k8s.io"], ["leases"], ["create"]),
                                                        rule(["coordination.k8s.io"], ["leases"], ["get", "update"], ["kube-controller-manager"]),
                                                        rule([""], ["secrets", "serviceaccounts"], ["create"]),
                                                        rule([""], ["secrets"], ["delete"]),
                                                        rule([""], ["configmaps", "namespaces", "secrets", "serviceaccounts"], ["get"]),
                                                        rule(["*"], ["*"], ["list", "watch"]),
                                                        rule([""], ["serviceaccounts/token"], ["create"])],
                     labels=BOOT, annotations=AUTO),
        cluster_role("system:controller:deployment-controller", [rule(["apps", "extensions"], ["deployments"], ["get", "list", "update", "watch"]),
                                                                 rule(["apps", "extensions"], ["replicasets"], RW),
                                                                 rule([""], ["pods"], ["get", "list", "update", "watch"])],
                     labels=BOOT, annotations=AUTO),
        cluster_role("system:controller:replicaset-controller", [rule(["apps", "extensions"], ["replicasets"], ["get", "list", "update", "watch"]),
                                                                 rule([""], ["pods"], ["create", "delete", "list", "patch", "watch"])],
                     labels=BOOT, annotations=AUTO),
        cluster_role("system:controller:namespace-controller", [rule(["*"], ["*"], ["delete", "deletecollection", "get", "list"])],
                     labels=BOOT, annotations=AUTO),
        cluster_role("system:controller:generic-garbage-collector", [rule(["*"], ["*"], ["delete", "get", "list", "patch", "update", "watch"])],
                     labels=BOOT, annotations=AUTO),
        cluster_role("system:auth-delegator", [rule(["authentication.k8s.io"], ["tokenreviews"], ["create"]),
                                               rule(["authorization.k8s.io"], ["subjectaccessreviews"], ["create"])],
                     labels=BOOT, annotations=AUTO),
        cluster_role("system:coredns", [rule([""], ["endpoints", "services", "pods", "namespaces"], ["list", "watch"]),
                                        rule(["discovery.k8s.io"], ["endpointslices"], ["list", "watch"])]),
        cluster_role("system:metrics-server", [rule([""], ["nodes/metrics"], ["get"]),
                                               rule([""], ["pods", "nodes"], RO)],
                     labels={"k8s-app": "metrics-server"}),
        cluster_role("system:aggregated-metrics-reader", [rule(["metrics.k8s.io"], ["pods", "nodes"], RO)],
                     labels={"k8s-app": "metrics-server", "rbac.authorization.k8s.io/aggregate-to-admin": "true",
                             "rbac.authorization.k8s.io/aggregate-to-edit": "true",
                             "rbac.authorization.k8s.io/aggregate-to-view": "true"}),
        cluster_role("kubeadm:get-nodes", [rule([""], ["nodes"], ["get"])]),
        cluster_role("calico-node", [rule([""], ["pods", "nodes", "namespaces"], ["get"]),
                                     rule([""], ["nodes/status"], ["patch", "update"]),
                                     rule(["crd.projectcalico.org"], ["*"], ["get", "list", "watch", "create", "update"])]),
        cluster_role("calico-kube-controllers", [rule([""], ["nodes"], ["watch", "list", "get"]),
                                                 rule(["crd.projectcalico.org"], ["ippools", "ipamblocks", "blockaffinities",
                                                                                  "ipamhandles", "kubecontrollersconfigurations"],
                                                      ["get", "list", "watch", "create", "update", "delete"])]),
        cluster_role("cluster-autoscaler", [
            rule([""], ["events", "endpoints"], ["create", "patch"]),
            rule([""], ["pods/eviction"], ["create"]),
            rule([""], ["pods/status"], ["update"]),
            rule([""], ["endpoints"], ["get", "update"], ["cluster-autoscaler"]),
            rule([""], ["nodes"], ["watch", "list", "get", "update"]),
            rule([""], ["namespaces", "pods", "services", "replicationcontrollers", "persistentvolumeclaims",
                        "persistentvolumes"], ["watch", "list", "get"]),
            rule(["apps"], ["statefulsets", "replicasets", "daemonsets"], ["watch", "list", "get"]),
            rule(["policy"], ["poddisruptionbudgets"], ["watch", "list"]),
            rule(["storage.k8s.io"], ["storageclasses", "csinodes", "csidrivers", "csistoragecapacities"], ["watch", "list", "get"]),
            rule(["coordination.k8s.io"], ["leases"], ["create"]),
            rule(["coordination.k8s.io"], ["leases"], ["get", "update"], ["cluster-autoscaler"]),
        ], labels={"app.kubernetes.io/name": "cluster-autoscaler"}, created="2025-03-22T11:08:14Z"),
        cluster_role("karpenter", [
            rule(["karpenter.sh"], ["nodepools", "nodepools/status", "nodeclaims", "nodeclaims/status"], RO + ["create", "delete", "patch", "update"]),
            rule([""], ["pods", "nodes", "persistentvolumes", "persistentvolumeclaims", "replicationcontrollers", "namespaces"], RO),
            rule([""], ["nodes"], ["create", "patch", "delete", "update"]),
            rule([""], ["pods/eviction"], ["create"]),
            rule(["apps"], ["daemonsets", "deployments", "replicasets", "statefulsets"], RO),
            rule(["policy"], ["poddisruptionbudgets"], RO),
        ], labels={"app.kubernetes.io/name": "karpenter", "app.kubernetes.io/managed-by": "Helm"}, created="2026-09-30T12:31:19Z"),
        cluster_role("vpa-recommender", [rule(["autoscaling.k8s.io"], ["verticalpodautoscalers", "verticalpodautoscalercheckpoints"], RO + ["patch", "create"]),
                                         rule(["metrics.k8s.io"], ["pods"], ["get", "list"]),
                                         rule([""], ["pods", "nodes", "limitranges"], RO)], created="2025-05-06T14:48:12Z"),
        cluster_role("kube-state-metrics", [rule(["", "apps", "batch", "autoscaling", "policy", "networking.k8s.io",
                                                  "storage.k8s.io", "coordination.k8s.io", "certificates.k8s.io",
                                                  "admissionregistration.k8s.io"],
                                                 ["configmaps", "secrets", "nodes", "pods", "services", "serviceaccounts",
                                                  "resourcequotas", "replicationcontrollers", "limitranges",
                                                  "persistentvolumeclaims", "persistentvolumes", "namespaces", "endpoints",
                                                  "statefulsets", "daemonsets", "deployments", "replicasets", "cronjobs",
                                                  "jobs", "horizontalpodautoscalers", "poddisruptionbudgets",
                                                  "networkpolicies", "ingresses", "storageclasses", "volumeattachments",
                                                  "leases", "certificatesigningrequests",
                                                  "mutatingwebhookconfigurations", "validatingwebhookconfigurations"],
                                                 ["list", "watch"])],
                     labels={"app.kubernetes.io/name": "kube-state-metrics", "argocd.argoproj.io/instance": "platform-monitoring"}),
        cluster_role("prometheus-k8s", [rule([""], ["nodes/metrics"], ["get"]),
                                        {"nonResourceURLs": ["/metrics", "/metrics/slis"], "verbs": ["get"]},
                                        rule([""], ["services", "endpoints", "pods"], RO),
                                        rule(["discovery.k8s.io"], ["endpointslices"], RO)],
                     labels={"app.kubernetes.io/name": "prometheus", "argocd.argoproj.io/instance": "platform-monitoring"}),
        cluster_role("prometheus-operator", [rule(["monitoring.coreos.com"], ["alertmanagers", "alertmanagers/finalizers",
                                                                              "alertmanagers/status", "alertmanagerconfigs",
                                                                              "prometheuses", "prometheuses/finalizers",
                                                                              "prometheuses/status", "servicemonitors",
                                                                              "podmonitors", "probes", "prometheusrules"], ["*"]),
                                             rule(["apps"], ["statefulsets"], ["*"]),
                                             rule([""], ["configmaps", "secrets"], ["*"]),
                                             rule([""], ["pods"], ["list", "delete"]),
                                             rule([""], ["services", "services/finalizers", "endpoints"], ["get", "create", "update", "delete"]),
                                             rule([""], ["nodes"], ["list", "watch"]),
                                             rule([""], ["namespaces"], ["get", "list", "watch"])],
                     labels={"app.kubernetes.io/name": "prometheus-operator", "argocd.argoproj.io/instance": "platform-monitoring"}),
        cluster_role("fluent-bit", [rule([""], ["namespaces", "pods", "nodes", "nodes/proxy"], RO)],
                     labels={"app.kubernetes.io/name": "fluent-bit", "argocd.argoproj.io/instance": "platform-logging"}),
        # Argo CD's controller role is cluster-admin equivalent by design
        cluster_role("argocd-application-controller", [rule(["*"], ["*"], ["*"]), {"nonResourceURLs": ["*"], "verbs": ["*"]}],
                     labels={"app.kubernetes.io/component": "application-controller", "app.kubernetes.io/name": "argocd-application-controller",
                             "app.kubernetes.io/part-of": "argocd"}, created="2025-03-19T15:02:47Z"),
        cluster_role("argocd-server", [rule(["*"], ["*"], ["delete", "get", "patch"]),
                                       rule([""], ["events"], ["list"]),
                                       rule([""], ["pods", "pods/log"], ["get"]),
                                       rule(["argoproj.io"], ["applications", "applicationsets"], ["get", "list", "update", "watch"])],
                     labels={"app.kubernetes.io/component": "server", "app.kubernetes.io/name": "argocd-server",
                             "app.kubernetes.io/part-of": "argocd"}, created="2025-03-19T15:02:47Z"),
        cluster_role("external-secrets-controller", [rule(["external-secrets.io"], ["externalsecrets", "externalsecrets/status",
                                                                                    "externalsecrets/finalizers", "secretstores",
                                                                                    "clustersecretstores", "clusterexternalsecrets"],
                                                          ["get", "list", "watch", "update", "patch"]),
                                                     rule([""], ["serviceaccounts", "namespaces"], ["get", "list", "watch"]),
                                                     rule([""], ["configmaps"], ["get", "list", "watch"]),
                                                     rule([""], ["secrets"], ["get", "list", "watch", "create", "update", "delete", "patch"]),
                                                     rule([""], ["serviceaccounts/token"], ["create"]),
                                                     rule([""], ["events"], ["create", "patch"])],
                     labels={"app.kubernetes.io/name": "external-secrets", "argocd.argoproj.io/instance": "platform-external-secrets"},
                     created="2025-04-02T08:17:22Z"),
        cluster_role("cert-manager-controller-certificates", [rule(["cert-manager.io"], ["certificates", "certificates/status",
                                                                                         "certificaterequests", "certificaterequests/status"],
                                                                   ["update", "patch", "get", "list", "watch", "create", "delete"]),
                                                              rule([""], ["secrets"], ["get", "list", "watch", "create", "update", "delete", "patch"]),
                                                              rule([""], ["events"], ["create", "patch"])],
                     labels={"app.kubernetes.io/name": "cert-manager", "argocd.argoproj.io/instance": "platform-cert-manager"},
                     created="2025-03-20T08:55:40Z"),
        cluster_role("trivy-operator", [rule([""], ["pods", "pods/log", "replicationcontrollers", "services", "resourcequotas",
                                                    "limitranges", "nodes", "configmaps", "namespaces"], RO),
                                        rule([""], ["secrets"], ["get"]),
                                        rule(["apps"], ["replicasets", "statefulsets", "daemonsets", "deployments"], RO),
                                        rule(["batch"], ["jobs", "cronjobs"], RO),
                                        rule(["aquasecurity.github.io"], ["vulnerabilityreports", "configauditreports",
                                                                          "exposedsecretreports"],
                                             ["get", "list", "watch", "create", "update", "delete"])],
                     labels={"app.kubernetes.io/name": "trivy-operator"}, created="2025-06-11T10:05:53Z"),
        cluster_role("ingress-nginx", [rule([""], ["configmaps", "endpoints", "nodes", "pods", "secrets", "namespaces"], ["list", "watch"]),
                                       rule([""], ["nodes"], ["get"]),
                                       rule([""], ["services"], RO),
                                       rule(["networking.k8s.io"], ["ingresses", "ingressclasses"], RO),
                                       rule(["networking.k8s.io"], ["ingresses/status"], ["update"]),
                                       rule(["discovery.k8s.io"], ["endpointslices"], ["list", "watch", "get"])],
                     labels={"app.kubernetes.io/name": "ingress-nginx"}, created="2025-03-20T10:14:09Z"),
        cluster_role("gitlab-runner-ci-deployer", [], created="2025-11-04T09:12:55Z"),
        # --- human and team roles
        cluster_role("platform-sre", [rule(["*"], ["*"], ["get", "list", "watch"]),
                                      rule([""], ["nodes"], ["patch", "update"]),
                                      rule([""], ["pods/eviction"], ["create"]),
                                      rule(["apps"], ["deployments", "statefulsets", "daemonsets"], ["patch"]),
                                      rule(["apps"], ["deployments/scale", "statefulsets/scale"], ["patch", "update"])],
                     labels={"argocd.argoproj.io/instance": "platform-rbac"}, created="2025-03-25T16:40:12Z"),
        cluster_role("developer", [rule(["", "apps", "batch", "autoscaling", "policy", "networking.k8s.io"],
                                        ["pods", "pods/log", "services", "endpoints", "configmaps", "events",
                                         "deployments", "replicasets", "statefulsets", "jobs", "cronjobs",
                                         "horizontalpodautoscalers", "poddisruptionbudgets", "ingresses"], RO),
                                   rule([""], ["pods/exec", "pods/portforward"], ["create", "get"]),
                                   rule([""], ["pods"], ["delete"]),
                                   rule(["apps"], ["deployments", "deployments/scale"], ["patch"])],
                     labels={"argocd.argoproj.io/instance": "platform-rbac"}, created="2025-03-25T16:40:12Z"),
        cluster_role("read-only", [rule(["", "apps", "batch", "autoscaling", "policy", "networking.k8s.io"],
                                        ["pods", "pods/log", "services", "endpoints", "configmaps", "events",
                                         "deployments", "replicasets", "statefulsets", "daemonsets", "jobs", "cronjobs",
                                         "horizontalpodautoscalers", "poddisruptionbudgets", "ingresses", "namespaces",
                                         "nodes", "resourcequotas", "limitranges"], RO)],
                     labels={"argocd.argoproj.io/instance": "platform-rbac"}, created="2025-03-25T16:40:12Z"),
        cluster_role("ci-deployer", [rule(["apps"], ["deployments", "statefulsets"], ["*"]),
                                     rule([""], ["services", "configmaps"], ["*"]),
                                     rule(["batch"], ["jobs", "cronjobs"], ["create", "get", "list", "delete"])],
                     created="2025-11-04T09:12:55Z"),
        # added for Airflow's KubernetesPodOperator connections; reads every secret in the cluster
        cluster_role("secret-reader", [rule([""], ["secrets"], ["get", "list", "watch"])], created="2026-02-17T13:03:27Z"),
    ]
    cr = [c for c in cr if c["metadata"]["name"] != "gitlab-runner-ci-deployer"]

    crbs = [
        crb("cluster-admin", "cluster-admin", [group("system:masters")], labels=BOOT, annotations=AUTO),
        crb("kubeadm:cluster-admins", "cluster-admin", [group("kubeadm:cluster-admins")]),
        crb("kubeadm:get-nodes", "kubeadm:get-nodes", [group("system:bootstrappers:kubeadm:default-node-token")]),
        crb("system:basic-user", "system:basic-user", [group("system:authenticated")], labels=BOOT, annotations=AUTO),
        crb("system:discovery", "system:discovery", [group("system:authenticated")], labels=BOOT, annotations=AUTO),
        crb("system:public-info-viewer", "system:public-info-viewer",
            [group("system:authenticated"), group("system:unauthenticated")], labels=BOOT, annotations=AUTO),
        crb("system:kube-scheduler", "system:kube-scheduler", [user("system:kube-scheduler")], labels=BOOT, annotations=AUTO),
        crb("system:kube-controller-manager", "system:kube-controller-manager", [user("system:kube-controller-manager")],
            labels=BOOT, annotations=AUTO),
        crb("system:controller:deployment-controller", "system:controller:deployment-controller",
            [sa("kube-system", "deployment-controller")], labels=BOOT, annotations=AUTO),
        crb("system:controller:replicaset-controller", "system:controller:replicaset-controller",
            [sa("kube-system", "replicaset-controller")], labels=BOOT, annotations=AUTO),
        crb("system:controller:namespace-controller", "system:controller:namespace-controller",
            [sa("kube-system", "namespace-controller")], labels=BOOT, annotations=AUTO),
        crb("system:controller:generic-garbage-collector", "system:controller:generic-garbage-collector",
            [sa("kube-system", "generic-garbage-collector")], labels=BOOT, annotations=AUTO),
        crb("system:coredns", "system:coredns", [sa("kube-system", "coredns")]),
        crb("system:metrics-server", "system:metrics-server", [sa("kube-system", "metrics-server")],
            labels={"k8s-app": "metrics-server"}),
        crb("metrics-server:system:auth-delegator", "system:auth-delegator", [sa("kube-system", "metrics-server")],
            labels={"k8s-app": "metrics-server"}),
        crb("calico-node", "calico-node", [sa("kube-system", "calico-node")]),
        crb("calico-kube-controllers", "calico-kube-controllers", [sa("kube-system", "calico-kube-controllers")]),
        crb("cluster-autoscaler", "cluster-autoscaler", [sa("kube-system", "cluster-autoscaler")],
            created="2025-03-22T11:08:14Z"),
        crb("karpenter", "karpenter", [sa("kube-system", "karpenter")], created="2026-09-30T12:31:19Z"),
        crb("vpa-recommender", "vpa-recommender", [sa("kube-system", "vpa-recommender")], created="2025-05-06T14:48:12Z"),
        crb("kube-state-metrics", "kube-state-metrics", [sa("monitoring", "kube-state-metrics")]),
        crb("prometheus-k8s", "prometheus-k8s", [sa("monitoring", "prometheus-k8s")]),
        crb("prometheus-operator", "prometheus-operator", [sa("monitoring", "prometheus-operator")]),
        crb("fluent-bit", "fluent-bit", [sa("logging", "fluent-bit")]),
        crb("argocd-application-controller", "argocd-application-controller",
            [sa("argocd", "argocd-application-controller")], created="2025-03-19T15:02:47Z",
            labels={"app.kubernetes.io/part-of": "argocd"}),
        crb("argocd-server", "argocd-server", [sa("argocd", "argocd-server")], created="2025-03-19T15:02:47Z",
            labels={"app.kubernetes.io/part-of": "argocd"}),
        # the Velero chart binds its server to cluster-admin; accepted risk, suppressed in kready
        crb("velero-server", "cluster-admin", [sa("velero", "velero")], created="2025-03-21T13:40:05Z",
            labels={"app.kubernetes.io/name": "velero", "app.kubernetes.io/instance": "velero"},
            annotations={"kready.io/ignore": "rbac/cluster-admin-bindings",
                         "kready.io/ignore-reason": "velero needs to back up and restore every resource (RISK-112)"}),
        crb("external-secrets-controller", "external-secrets-controller", [sa("external-secrets", "external-secrets")],
            created="2025-04-02T08:17:22Z"),
        crb("cert-manager-controller-certificates", "cert-manager-controller-certificates",
            [sa("cert-manager", "cert-manager")], created="2025-03-20T08:55:40Z"),
        crb("trivy-operator", "trivy-operator", [sa("trivy-system", "trivy-operator")], created="2025-06-11T10:05:53Z"),
        crb("ingress-nginx", "ingress-nginx", [sa("ingress-nginx", "ingress-nginx")], created="2025-03-20T10:14:09Z"),
        # people
        crb("platform-sre", "platform-sre", [group("oidc:platform-sre")], created="2025-03-25T16:40:12Z",
            labels={"argocd.argoproj.io/instance": "platform-rbac"}),
        crb("security-auditors", "read-only", [group("oidc:security")], created="2025-03-25T16:40:12Z",
            labels={"argocd.argoproj.io/instance": "platform-rbac"}),
        crb("platform-leads-admin", "cluster-admin", [group("oidc:platform-leads")], created="2025-03-25T16:40:12Z",
            labels={"argocd.argoproj.io/instance": "platform-rbac"}),
        # break-glass grant from the July incident (INC-2291) that was never removed
        crb("oncall-jdoe-cluster-admin", "cluster-admin", [user("jane.doe@acme-corp.example")],
            created="2026-07-03T02:14:51Z",
            annotations={"kubernetes.io/change-cause": "INC-2291 break-glass, remove after incident"}),
        crb("ci-deployer", "ci-deployer", [sa("ci-runners", "gitlab-runner")], created="2025-11-04T09:12:55Z"),
        crb("airflow-secret-reader", "secret-reader", [sa("data-pipeline", "default")], created="2026-02-17T13:03:27Z"),
        # left over from the Prometheus migration: the ClusterRole and the ServiceAccount are gone
        crb("prometheus-legacy", "prometheus-legacy", [sa("monitoring", "prometheus")], created="2025-03-12T09:51:33Z"),
    ]

    roles = [
        role("kube-system", "kubeadm:nodes-kubeadm-config", [rule([""], ["configmaps"], ["get"], ["kubeadm-config"])]),
        role("kube-system", "extension-apiserver-authentication-reader",
             [rule([""], ["configmaps"], ["get", "list", "watch"], ["extension-apiserver-authentication"])]),
        role("kube-system", "system::leader-locking-kube-scheduler", [rule([""], ["configmaps"], ["watch"])]),
        role("kube-system", "cluster-autoscaler", [rule([""], ["configmaps"], ["create", "list", "watch"]),
                                                   rule([""], ["configmaps"], ["delete", "get", "update"],
                                                        ["cluster-autoscaler-status", "cluster-autoscaler-priority-expander"])]),
        role("payments", "payments-api", [rule([""], ["configmaps"], ["get", "watch"], ["payments-api-config"]),
                                          rule(["coordination.k8s.io"], ["leases"], ["get", "create", "update"])]),
        role("payments", "payouts-scheduler", [rule(["coordination.k8s.io"], ["leases"], ["get", "create", "update"],
                                                    None)]),
        role("identity", "auth-server", [rule([""], ["secrets"], ["get", "watch"], ["jwt-signing"])]),
        role("search", "search-indexer", [rule([""], ["configmaps"], ["get", "list", "watch"]),
                                          rule(["coordination.k8s.io"], ["leases"], ["get", "create", "update"])]),
        role("catalog", "deployer", [rule(["apps"], ["deployments"], ["get", "list", "patch", "update"])]),
        role("ml-serving", "model-sync", [rule([""], ["configmaps"], ["*"])], created="2026-04-09T12:30:02Z"),
        role("data-pipeline", "spark-operator", [rule([""], ["pods", "services", "configmaps"], ["*"]),
                                                 rule(["sparkoperator.k8s.io"], ["*"], ["*"])]),
        role("argocd", "argocd-server", [rule([""], ["secrets", "configmaps"], ["create", "get", "list", "watch", "update", "patch", "delete"]),
                                         rule(["argoproj.io"], ["applications", "appprojects"], ["create", "get", "list", "watch", "update", "delete", "patch"])]),
        role("monitoring", "prometheus-k8s-config", [rule([""], ["configmaps"], ["get"])]),
        role("ci-runners", "gitlab-runner", [rule([""], ["pods", "pods/exec", "pods/attach", "secrets", "configmaps"],
                                                  ["get", "list", "watch", "create", "patch", "update", "delete"])]),
    ]

    rbs = [
        rb("kube-system", "kubeadm:nodes-kubeadm-config", "Role", "kubeadm:nodes-kubeadm-config",
           [group("system:bootstrappers:kubeadm:default-node-token"), group("system:nodes")]),
        rb("kube-system", "metrics-server-auth-reader", "Role", "extension-apiserver-authentication-reader",
           [sa("kube-system", "metrics-server")]),
        rb("kube-system", "cluster-autoscaler", "Role", "cluster-autoscaler", [sa("kube-system", "cluster-autoscaler")]),
        rb("payments", "payments-api", "Role", "payments-api", [sa("payments", "payments-api")]),
        rb("payments", "payouts-scheduler", "Role", "payouts-scheduler", [sa("payments", "payouts-scheduler")]),
        rb("identity", "auth-server", "Role", "auth-server", [sa("identity", "auth-server")]),
        rb("search", "search-indexer", "Role", "search-indexer", [sa("search", "search-indexer")]),
        rb("ml-serving", "model-sync", "Role", "model-sync", [sa("ml-serving", "model-sync")]),
        rb("data-pipeline", "spark-operator", "Role", "spark-operator", [sa("data-pipeline", "spark-operator")]),
        rb("argocd", "argocd-server", "Role", "argocd-server", [sa("argocd", "argocd-server")]),
        rb("monitoring", "prometheus-k8s-config", "Role", "prometheus-k8s-config", [sa("monitoring", "prometheus-k8s")]),
        rb("ci-runners", "gitlab-runner", "Role", "gitlab-runner", [sa("ci-runners", "gitlab-runner")]),
        # Airflow's KubernetesPodOperator runs as the default SA and needs to create pods
        rb("data-pipeline", "default-edit", "ClusterRole", "edit", [sa("data-pipeline", "default")],
           created="2025-09-15T11:24:40Z"),
        # Jenkins was replaced by GitLab CI in 2025; its ServiceAccount is gone
        rb("catalog", "jenkins-deployer", "Role", "deployer", [sa("catalog", "jenkins")], created="2025-03-28T08:02:11Z"),
        # an analyst was given edit directly instead of through the analytics group
        rb("analytics", "mkowalski-edit", "ClusterRole", "edit", [user("m.kowalski@acme-corp.example")],
           created="2026-05-19T15:47:03Z"),
        # the web team's old contractor role binding points at a Role that was deleted
        rb("web-frontend", "contractor-deploy", "Role", "contractor-deployer", [group("oidc:ext-agency-devs")],
           created="2025-06-02T10:11:45Z"),
    ]
    for ns, team in team_namespaces:
        if team is None:
            continue
        lab = {"argocd.argoproj.io/instance": "platform-rbac"}
        if ns in ("payments", "identity"):
            # regulated namespaces: developers read-only, leads edit via group
            rbs.append(rb(ns, "developers-view", "ClusterRole", "view", [group(f"oidc:team-{team}")], labels=lab,
                          created="2025-03-25T16:40:13Z"))
            rbs.append(rb(ns, "leads-edit", "ClusterRole", "edit", [group(f"oidc:team-{team}-leads")], labels=lab,
                          created="2025-03-25T16:40:13Z"))
        else:
            rbs.append(rb(ns, "developers", "ClusterRole", "developer", [group(f"oidc:team-{team}")], labels=lab,
                          created="2025-03-25T16:40:13Z"))
            rbs.append(rb(ns, "leads-admin", "ClusterRole", "admin", [group(f"oidc:team-{team}-leads")], labels=lab,
                          created="2025-03-25T16:40:13Z"))
    return cr, crbs, roles, rbs


# ---------------------------------------------------------------- quotas, limit ranges

def pod_requests(pods, ns):
    cpu = mem = lim_mem = n = 0
    gpu = 0
    for p in pods:
        if p["metadata"]["namespace"] != ns or p["status"].get("phase") in ("Succeeded", "Failed"):
            continue
        n += 1
        for c in p["spec"]["containers"]:
            r = c.get("resources", {})
            cpu += cpu_m(r.get("requests", {}).get("cpu"))
            mem += mem_b(r.get("requests", {}).get("memory"))
            lim_mem += mem_b(r.get("limits", {}).get("memory"))
            gpu += int(r.get("limits", {}).get("nvidia.com/gpu", 0))
    return cpu, mem, lim_mem, n, gpu


def round_up(v, step):
    return -(-v // step) * step


def quota(ns, pods, pvcs, kind, created):
    cpu, mem, lim_mem, n, gpu = pod_requests(pods, ns)
    npvc = sum(1 for p in pvcs if p["metadata"]["namespace"] == ns)
    storage = sum(mem_b(p["spec"]["resources"]["requests"]["storage"]) for p in pvcs if p["metadata"]["namespace"] == ns)
    if kind == "tight":
        hard_cpu = round_up(int(cpu / 0.93), 500)
        hard_mem = round_up(int(mem / 0.8), 1024**3)
        hard_pods = 40
    else:
        hard_cpu = round_up(int(cpu * 1.6), 2000)
        hard_mem = round_up(int(mem * 1.6), 4 * 1024**3)
        hard_pods = round_up(int(n * 2), 10)
    hard_lim = round_up(int(max(lim_mem, mem) * 1.8), 4 * 1024**3)
    hard = {
        "limits.memory": fmt_mem(hard_lim),
        "persistentvolumeclaims": str(max(10, round_up(npvc * 2, 5))),
        "pods": str(hard_pods),
        "requests.cpu": fmt_cpu(hard_cpu),
        "requests.memory": fmt_mem(hard_mem),
        "requests.storage": fmt_mem(max(round_up(int(storage * 1.5), 100 * 1024**3), 100 * 1024**3)),
        "services.loadbalancers": "0",
    }
    used = {
        "limits.memory": fmt_mem(lim_mem) if lim_mem % (1024**2) == 0 else f"{lim_mem // 1024**2}Mi",
        "persistentvolumeclaims": str(npvc),
        "pods": str(n),
        "requests.cpu": fmt_cpu(cpu),
        "requests.memory": fmt_mem(mem),
        "requests.storage": fmt_mem(storage) if storage else "0",
        "services.loadbalancers": "0",
    }
    if ns == "ml-serving":
        hard["requests.nvidia.com/gpu"] = "1"
        used["requests.nvidia.com/gpu"] = "1"
    return {"apiVersion": "v1", "kind": "ResourceQuota",
            "metadata": meta(f"{ns}-quota", ns, labels={"argocd.argoproj.io/instance": "platform-namespaces"},
                             created=created),
            "spec": {"hard": hard}, "status": {"hard": hard, "used": used}}


def limit_range(ns, created, defaults=True):
    lim = {"type": "Container", "max": {"memory": "16Gi"}}
    if defaults:
        lim.update({"default": {"memory": "512Mi"}, "defaultRequest": {"cpu": "100m", "memory": "256Mi"}})
    return {"apiVersion": "v1", "kind": "LimitRange",
            "metadata": meta(f"{ns}-limits", ns, labels={"argocd.argoproj.io/instance": "platform-namespaces"},
                             created=created),
            "spec": {"limits": [lim, {"type": "PersistentVolumeClaim", "max": {"storage": "1Ti"}}]}}


# ---------------------------------------------------------------- network policies

def netpol(ns, name, pod_selector, policy_types, ingress=None, egress=None, labels=None, created=None):
    spec = {"podSelector": pod_selector, "policyTypes": policy_types}
    if ingress is not None:
        spec["ingress"] = ingress
    if egress is not None:
        spec["egress"] = egress
    return {"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
            "metadata": meta(name, ns, labels=labels or {"argocd.argoproj.io/instance": ns}, created=created,
                             generation=1),
            "spec": spec}


def ns_selector(name):
    return {"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": name}}}


def team_netpols(ns, mode, apps):
    out = []
    if mode == "deny":
        out.append(netpol(ns, "default-deny-ingress", {}, ["Ingress"]))
        out.append(netpol(ns, "allow-same-namespace", {}, ["Ingress"], ingress=[{"from": [{"podSelector": {}}]}]))
        out.append(netpol(ns, "allow-prometheus-scrape", {}, ["Ingress"],
                          ingress=[{"from": [dict(ns_selector("monitoring"),
                                                  podSelector={"matchLabels": {"app.kubernetes.io/name": "prometheus"}})]}]))
        fronts = [a for a in apps if a.kind == "Deployment" and a.port and a.name in
                  ("payments-api", "payment-webhooks", "checkout-api", "cart-service", "catalog-api", "auth-server",
                   "storefront", "bff", "account-portal", "static-assets", "image-proxy", "media-resizer")]
        for a in fronts:
            out.append(netpol(ns, f"allow-ingress-nginx-to-{a.name}",
                              {"matchLabels": {"app.kubernetes.io/name": a.name}}, ["Ingress"],
                              ingress=[{"from": [ns_selector("ingress-nginx")],
                                        "ports": [{"port": a.port, "protocol": "TCP"}]}]))
        if ns == "payments":
            out.append(netpol(ns, "default-deny-egress", {}, ["Egress"]))
            out.append(netpol(ns, "allow-egress-dns-and-internal", {}, ["Egress"], egress=[
                {"ports": [{"port": 53, "protocol": "UDP"}, {"port": 53, "protocol": "TCP"}],
                 "to": [dict(ns_selector("kube-system"), podSelector={"matchLabels": {"k8s-app": "kube-dns"}})]},
                {"to": [{"podSelector": {}}]},
                {"ports": [{"port": 443, "protocol": "TCP"}],
                 "to": [{"ipBlock": {"cidr": "0.0.0.0/0", "except": ["10.0.0.0/8", "169.254.169.254/32"]}}]},
            ]))
    elif mode == "allow":
        picks = {"search": [("search-api", "ingress-nginx"), ("opensearch", None)],
                 "notifications": [("rabbitmq", None), ("notification-router", None)],
                 "ml-serving": [("triton-inference", None), ("embeddings-api", "catalog")]}[ns]
        for name, src in picks:
            frm = [ns_selector(src)] if src else [{"podSelector": {}}]
            out.append(netpol(ns, f"{name}-ingress", {"matchLabels": {"app.kubernetes.io/name": name}}, ["Ingress"],
                              ingress=[{"from": frm}]))
    return out


# ---------------------------------------------------------------- misc helpers

FAKE_CA = block("-----BEGIN CERTIFICATE-----\nMIIDBTCCAe2gAwIBAgIIQ1dlbW8tZGVtbzANBgkqhkiG9w0BAQsFADAVMRMwEQYD\n"
                "VQQDEwprdWJlcm5ldGVzMB4XDTI1MDMxMTA5NTc0MVoXDTM1MDMwOTEwMDI0MVow\n"
                "FTETMBEGA1UEAxMKa3ViZXJuZXRlczCCASIwDQYJKoZIhvcNAQEBBQADggEPADCC\n"
                "...demo certificate, truncated...\n-----END CERTIFICATE-----\n")


def root_ca_cm(ns, created):
    return {"apiVersion": "v1", "kind": "ConfigMap",
            "metadata": meta("kube-root-ca.crt", ns, annotations={
                "kubernetes.io/description": "Contains a CA bundle that can be used to verify the kube-apiserver "
                                             "when using internal endpoints such as the internal service IP or "
                                             "kubernetes.default.svc. No other usage is guaranteed across "
                                             "distributions of Kubernetes clusters."}, created=created),
            "data": {"ca.crt": FAKE_CA}}


def secret(ns, name, data, type_="Opaque", labels=None, annotations=None, created=None, owner=None):
    return {"apiVersion": "v1", "kind": "Secret",
            "metadata": meta(name, ns, labels=labels, annotations=annotations, created=created, owner=owner),
            "type": type_, "data": {k: b64(v) for k, v in data.items()}}


def default_sa(ns, created, automount=None):
    o = {"apiVersion": "v1", "kind": "ServiceAccount", "metadata": meta("default", ns, created=created)}
    if automount is not None:
        o["automountServiceAccountToken"] = automount
    return o


def event(ns, obj_kind, obj_name, obj_uid, reason, message, first, last, count, component, host=None,
          etype="Warning", field_path=None, api_version="v1"):
    name = f"{obj_name}.{uid(obj_name + reason + first).replace('-', '')[:16]}"
    io = {"apiVersion": api_version, "kind": obj_kind, "name": obj_name, "namespace": ns, "uid": obj_uid,
          "resourceVersion": str(RNG.randint(48_000_000, 48_900_000))}
    if obj_kind in ("Node",):
        io.pop("namespace")
        io["namespace"] = ""
    if field_path:
        io["fieldPath"] = field_path
    e = {"apiVersion": "v1", "kind": "Event",
         "metadata": meta(name, ns or "default", created=first),
         "count": count, "eventTime": None, "firstTimestamp": first, "involvedObject": io, "lastTimestamp": last,
         "message": message, "reason": reason, "reportingComponent": component,
         "reportingInstance": host or "", "source": {"component": component, **({"host": host} if host else {})},
         "type": etype}
    return e
