"""Workloads: an `App` describes one Deployment/StatefulSet/DaemonSet/CronJob
(and its practices and lapses); `render` turns it into the objects the API
server would hold (ReplicaSets, Pods, Services, PDBs, HPAs, PVCs, metrics,
vulnerability reports)."""

import copy
import json

from base import (
    CAPTURE, ECR, RNG, ago, at, cpu_m, fmt_cpu, fmt_mem, last_applied, mem_b, meta, owner_ref,
    plus, pod_template_hash, rand_suffix, uid,
)
from nodes import BY_POOL, CP3, NODES

DEFAULT_TOLERATIONS = [
    {"effect": "NoExecute", "key": "node.kubernetes.io/not-ready", "operator": "Exists", "tolerationSeconds": 300},
    {"effect": "NoExecute", "key": "node.kubernetes.io/unreachable", "operator": "Exists", "tolerationSeconds": 300},
]

ON_DEMAND_PREFERRED = {
    "nodeAffinity": {
        "preferredDuringSchedulingIgnoredDuringExecution": [{
            "preference": {"matchExpressions": [
                {"key": "karpenter.sh/capacity-type", "operator": "NotIn", "values": ["spot"]}]},
            "weight": 100,
        }],
    },
}


class App:
    """One workload and how well it follows the practices."""

    def __init__(self, ns, name, kind="Deployment", replicas=2, *, image=None, version="1.0.0",
                 port=8080, cpu="200m", mem="256Mi", cpu_limit=None, mem_limit="x2",
                 readiness=True, liveness=True, secure=True, ro_root=True, drop_all=True,
                 non_root=True, ape_false=True, spread=True, sa=None, pdb=None, hpa=None,
                 pool="general", nodes=None, priority=None, gitops=True, service=True, env=None,
                 usage=0.45, mem_usage=0.6, strategy="safe", team=None, cost_labels=True,
                 schedule=None, command=None, args=None, sidecars=(), init=(), pvc=None,
                 tolerations=(), node_selector=None, affinity=None, vuln=None, host_network=False,
                 host_pid=False, host_paths=(), privileged=False, caps_add=(), component=None,
                 part_of=None, managed_by=None, annotations=None, created=None, rollout_days=None,
                 last_applied_replicas=None, pod_overrides=None, history=3, extra_labels=None,
                 automount=None, job_history=None, ready_override=None, crd_owner=None,
                 volumes=(), mounts=(), svc_type="ClusterIP", svc_port=80, probe_path="/healthz",
                 ds_nodes=None, update_strategy=None, old_rs=True, template_annotations=None,
                 hostname_spread=False, pod_priority_value=None, container_name=None, ports=None,
                 probe_port="http", probe_scheme="HTTP"):
        self.ports, self.probe_port, self.probe_scheme = ports, probe_port, probe_scheme
        self.ns, self.name, self.kind, self.replicas = ns, name, kind, replicas
        self.team = team if team is not None else ns
        self.image = image or f"{ECR}/{self.team}/{name}:v{version}"
        self.version = version
        self.port = port
        self.cpu, self.mem, self.cpu_limit, self.mem_limit = cpu, mem, cpu_limit, mem_limit
        self.readiness, self.liveness = readiness, liveness
        self.secure, self.ro_root, self.drop_all, self.non_root, self.ape_false = (
            secure, ro_root, drop_all, non_root, ape_false)
        if not secure:
            self.ro_root = self.drop_all = self.non_root = self.ape_false = False
        self.spread = spread
        self.sa = sa if sa is not None else name
        self.pdb, self.hpa = pdb, hpa
        self.pool, self.nodes, self.priority = pool, nodes, priority
        self.gitops, self.service, self.env = gitops, service, env or []
        self.usage, self.mem_usage = usage, mem_usage
        self.strategy = strategy
        self.cost_labels = cost_labels
        self.schedule = schedule
        self.command, self.args = command, args
        self.sidecars, self.init = list(sidecars), list(init)
        self.pvc = pvc
        self.tolerations = list(tolerations)
        self.node_selector, self.affinity = node_selector, affinity
        self.vuln = vuln
        self.host_network, self.host_pid, self.host_paths = host_network, host_pid, list(host_paths)
        self.privileged, self.caps_add = privileged, list(caps_add)
        self.component = component
        self.part_of = part_of
        self.managed_by = managed_by
        self.annotations = annotations or {}
        self.created = created or ago(days=RNG.randint(120, 560), hours=RNG.randint(0, 23))
        self.rollout_days = rollout_days if rollout_days is not None else RNG.uniform(0.6, 19)
        self.last_applied_replicas = last_applied_replicas
        self.pod_overrides = pod_overrides or {}
        self.history = history
        self.extra_labels = extra_labels or {}
        self.automount = automount
        self.job_history = job_history
        self.ready_override = ready_override
        self.crd_owner = crd_owner
        self.volumes, self.mounts = list(volumes), list(mounts)
        self.svc_type, self.svc_port = svc_type, svc_port
        self.probe_path = probe_path
        self.ds_nodes = ds_nodes
        self.update_strategy = update_strategy
        self.old_rs = old_rs
        self.template_annotations = template_annotations or {}
        self.hostname_spread = hostname_spread
        self.container_name = container_name or name
        # filled while rendering
        self.pod_names = []
        self.obj = None


# ------------------------------------------------------------------ helpers

def app_labels(a, include_version=True):
    labels = {"app.kubernetes.io/name": a.name}
    if a.component:
        labels["app.kubernetes.io/component"] = a.component
    if a.part_of:
        labels["app.kubernetes.io/part-of"] = a.part_of
    if include_version:
        labels["app.kubernetes.io/version"] = a.version
    if a.managed_by:
        labels["app.kubernetes.io/managed-by"] = a.managed_by
    if a.cost_labels:
        labels["team"] = a.team
    else:
        labels.pop("app.kubernetes.io/name", None)
        labels["app"] = a.name
    if a.gitops:
        labels["argocd.argoproj.io/instance"] = a.gitops if isinstance(a.gitops, str) else a.ns
    labels.update(a.extra_labels)
    return labels


def selector_labels(a):
    if a.cost_labels:
        return {"app.kubernetes.io/name": a.name}
    return {"app": a.name}


def container_spec(a):
    req = {}
    if a.cpu:
        req["cpu"] = a.cpu
    if a.mem:
        req["memory"] = a.mem
    lim = {}
    if a.cpu_limit:
        lim["cpu"] = a.cpu_limit
    if a.mem_limit == "x2" and a.mem:
        lim["memory"] = fmt_mem(mem_b(a.mem) * 2)
    elif a.mem_limit == "x1" and a.mem:
        lim["memory"] = a.mem
    elif a.mem_limit and a.mem_limit not in ("x2", "x1"):
        lim["memory"] = a.mem_limit
    resources = {}
    if lim:
        resources["limits"] = lim
    if req:
        resources["requests"] = req
    c = {
        "image": a.image,
        "imagePullPolicy": "IfNotPresent" if not a.image.endswith(":latest") and ":" in a.image.split("/")[-1]
        else "Always",
        "name": a.container_name,
        "resources": resources,
        "terminationMessagePath": "/dev/termination-log",
        "terminationMessagePolicy": "File",
    }
    if a.command:
        c["command"] = a.command
    if a.args:
        c["args"] = a.args
    if a.ports:
        c["ports"] = a.ports
    elif a.port:
        c["ports"] = [{"containerPort": a.port, "name": "http", "protocol": "TCP"}]
    if a.env:
        c["env"] = a.env
    if a.port and a.readiness:
        c["readinessProbe"] = {
            "failureThreshold": 3,
            "httpGet": {"path": a.probe_path if a.probe_path != "/healthz" else "/ready", "port": a.probe_port,
                        "scheme": a.probe_scheme},
            "periodSeconds": 10, "successThreshold": 1, "timeoutSeconds": 2,
        }
    elif a.readiness and a.kind in ("Deployment", "StatefulSet"):
        c["readinessProbe"] = {
            "exec": {"command": ["/bin/grpc_health_probe", "-addr=:9090"]},
            "failureThreshold": 3, "periodSeconds": 10, "successThreshold": 1, "timeoutSeconds": 2,
        }
    if a.liveness and a.kind != "CronJob":
        if a.port:
            c["livenessProbe"] = {
                "failureThreshold": 3,
                "httpGet": {"path": a.probe_path, "port": a.probe_port, "scheme": a.probe_scheme},
                "initialDelaySeconds": 15, "periodSeconds": 20, "successThreshold": 1, "timeoutSeconds": 3,
            }
        else:
            c["livenessProbe"] = {
                "exec": {"command": ["/bin/sh", "-c", "test $(( $(date +%s) - $(stat -c %Y /tmp/heartbeat) )) -lt 120"]},
                "failureThreshold": 3, "periodSeconds": 30, "successThreshold": 1, "timeoutSeconds": 5,
            }
    sc = {}
    if a.ape_false:
        sc["allowPrivilegeEscalation"] = False
    if a.drop_all:
        sc["capabilities"] = {"drop": ["ALL"]}
        if a.caps_add:
            sc["capabilities"]["add"] = a.caps_add
    elif a.caps_add:
        sc["capabilities"] = {"add": a.caps_add}
    if a.privileged:
        sc["privileged"] = True
    if a.ro_root:
        sc["readOnlyRootFilesystem"] = True
    if sc:
        c["securityContext"] = sc
    mounts = list(a.mounts)
    if a.ro_root and a.kind != "DaemonSet":
        mounts.append({"mountPath": "/tmp", "name": "tmp"})
    if a.pvc:
        mounts.append({"mountPath": a.pvc.get("mount", "/data"), "name": "data"})
    for hp in a.host_paths:
        mounts.append({"mountPath": hp["mount"], "name": hp["name"], "readOnly": hp.get("ro", True)})
    if mounts:
        c["volumeMounts"] = mounts
    return c


def pod_spec(a, template_labels):
    containers = [container_spec(a)] + copy.deepcopy(a.sidecars)
    spec = {
        "containers": containers,
        "dnsPolicy": "ClusterFirstWithHostNet" if a.host_network else "ClusterFirst",
        "restartPolicy": "OnFailure" if a.kind == "CronJob" else "Always",
        "schedulerName": "default-scheduler",
        "terminationGracePeriodSeconds": 30,
    }
    if a.init:
        spec["initContainers"] = copy.deepcopy(a.init)
    if a.sa != "default":
        spec["serviceAccountName"] = a.sa
        spec["serviceAccount"] = a.sa
    if a.automount is not None:
        spec["automountServiceAccountToken"] = a.automount
    psc = {}
    if a.non_root:
        psc = {"fsGroup": 10001, "runAsGroup": 10001, "runAsNonRoot": True, "runAsUser": 10001,
               "seccompProfile": {"type": "RuntimeDefault"}}
    elif a.secure is False and a.kind != "DaemonSet":
        psc = {}
    spec["securityContext"] = psc
    if a.priority:
        spec["priorityClassName"] = a.priority
    if a.host_network:
        spec["hostNetwork"] = True
    if a.host_pid:
        spec["hostPID"] = True
    if a.node_selector:
        spec["nodeSelector"] = dict(a.node_selector)
    if a.affinity == "on-demand":
        spec["affinity"] = copy.deepcopy(ON_DEMAND_PREFERRED)
    elif isinstance(a.affinity, dict):
        spec["affinity"] = copy.deepcopy(a.affinity)
    tol = list(a.tolerations)
    if tol:
        spec["tolerations"] = tol
    if a.spread and a.kind in ("Deployment", "StatefulSet") and a.replicas >= 2:
        sel = {"matchLabels": selector_labels(a)}
        tsc = [{"labelSelector": sel, "maxSkew": 1, "topologyKey": "topology.kubernetes.io/zone",
                "whenUnsatisfiable": "ScheduleAnyway"}]
        if a.hostname_spread:
            tsc.append({"labelSelector": sel, "maxSkew": 1, "topologyKey": "kubernetes.io/hostname",
                        "whenUnsatisfiable": "DoNotSchedule"})
        spec["topologySpreadConstraints"] = tsc
    vols = list(a.volumes)
    if a.ro_root and a.kind != "DaemonSet":
        vols.append({"emptyDir": {"sizeLimit": "256Mi"}, "name": "tmp"})
    for hp in a.host_paths:
        vols.append({"hostPath": {"path": hp["path"], "type": hp.get("type", "")}, "name": hp["name"]})
    if vols:
        for v in vols:
            if "hostPath" in v and not v["hostPath"].get("type"):
                v["hostPath"].pop("type")
        spec["volumes"] = vols
    return spec


def template(a):
    labels = dict(selector_labels(a))
    full = app_labels(a)
    labels.update({k: v for k, v in full.items() if k != "app.kubernetes.io/managed-by"})
    md = {"labels": labels}
    ann = dict(a.template_annotations)
    if a.port and a.kind != "CronJob":
        ann.setdefault("prometheus.io/scrape", "true")
        ann.setdefault("prometheus.io/port", str(a.port))
    if ann:
        md["annotations"] = ann
    if a.kind == "Deployment":
        ann["kubectl.kubernetes.io/restartedAt"] = ago(days=int(a.rollout_days) + 1, hours=3)
    return {"metadata": md, "spec": pod_spec(a, labels)}


# ------------------------------------------------------------------ scheduling

POOLS = {
    "general": [n for n in BY_POOL["general"]],
    "memory": [n for n in BY_POOL["memory"]],
    "spot": [n for n in BY_POOL["spot-general"] if n.ready],
    "gpu": BY_POOL["gpu"],
    "cp": BY_POOL["control-plane"],
    "mixed": [n for n in BY_POOL["general"]] + [n for n in BY_POOL["spot-general"] if n.ready],
}
_rr = {}


def place(a, i):
    if a.nodes:
        return a.nodes[i % len(a.nodes)]
    pool = POOLS[a.pool]
    start = _rr.setdefault(a.pool, RNG.randint(0, 7))
    _rr[a.pool] = start + 1
    return pool[(start + i) % len(pool)]


# ------------------------------------------------------------------ pods

def _cid(seed):
    return uid(seed).replace("-", "") + uid(seed + "x").replace("-", "")


def _digest(image):
    return image.split("@")[0].rsplit(":", 1)[0] + "@sha256:" + _cid(image)


def make_pod(a, name, owner, node, created, labels, spec, *, index=0, ready=True, phase="Running",
             state=None, restarts=0, last_state=None, deleting=None, extra_meta=None, succeeded_at=None):
    spec = copy.deepcopy(spec)
    spec["nodeName"] = node.name if node else None
    if node is None:
        spec.pop("nodeName")
    spec["enableServiceLinks"] = True
    spec["preemptionPolicy"] = "PreemptLowerPriority"
    spec["priority"] = PRIORITY_VALUES.get(spec.get("priorityClassName"), 0)
    tol = spec.get("tolerations", [])
    if a.kind != "DaemonSet":
        spec["tolerations"] = tol + DEFAULT_TOLERATIONS
    if "serviceAccountName" not in spec:
        spec["serviceAccountName"] = "default"
        spec["serviceAccount"] = "default"
    vols = spec.setdefault("volumes", [])
    token = f"kube-api-access-{rand_suffix(5)}"
    if spec.get("automountServiceAccountToken") is not False:
        vols.append({"name": token, "projected": {"defaultMode": 420, "sources": [
            {"serviceAccountToken": {"expirationSeconds": 3607, "path": "token"}},
            {"configMap": {"items": [{"key": "ca.crt", "path": "ca.crt"}], "name": "kube-root-ca.crt"}},
            {"downwardAPI": {"items": [{"fieldRef": {"apiVersion": "v1", "fieldPath": "metadata.namespace"},
                                        "path": "namespace"}]}}]}})
        for c in spec["containers"]:
            c.setdefault("volumeMounts", []).append(
                {"mountPath": "/var/run/secrets/kubernetes.io/serviceaccount", "name": token, "readOnly": True})
    if a.pvc and a.kind == "StatefulSet":
        vols.insert(0, {"name": "data", "persistentVolumeClaim": {"claimName": f"data-{name}"}})
    if not vols:
        spec.pop("volumes")
    started = plus(created, seconds=RNG.randint(4, 40))
    statuses = []
    for c in spec["containers"]:
        st = {k: v for k, v in (state or {"running": {"startedAt": started}}).items() if k != "_since"}
        cready = ready
        if phase == "Succeeded":
            st = {"terminated": {"containerID": "containerd://" + _cid(name + c["name"]), "exitCode": 0,
                                 "finishedAt": succeeded_at, "reason": "Completed", "startedAt": started}}
            cready = False
        if phase == "Pending":
            continue
        cs = {
            "containerID": "containerd://" + _cid(name + c["name"]),
            "image": c["image"].split("@")[0] if "@" not in c["image"] else c["image"],
            "imageID": _digest(c["image"]),
            "lastState": last_state if (last_state and c is spec["containers"][0]) else {},
            "name": c["name"],
            "ready": cready if c is spec["containers"][0] else (phase == "Running" and ready),
            "restartCount": restarts if c is spec["containers"][0] else 0,
            "started": bool(st.get("running")),
            "state": st if c is spec["containers"][0] else {"running": {"startedAt": started}},
        }
        statuses.append(cs)
    ready_since = plus(started, seconds=RNG.randint(8, 35))
    conds_t = ready_since if ready else (state or {}).get("_since", ready_since)
    if phase == "Pending":
        status = {
            "conditions": [{"lastProbeTime": None, "lastTransitionTime": created,
                            "message": "0/12 nodes are available: 1 node(s) had untolerated taint "
                                       "{node.kubernetes.io/memory-pressure: }, 1 node(s) had untolerated taint "
                                       "{node.kubernetes.io/unreachable: }, 1 node(s) had untolerated taint "
                                       "{nvidia.com/gpu: true}, 1 Insufficient memory, 2 node(s) had untolerated "
                                       "taint {node-role.kubernetes.io/control-plane: }, 6 node(s) didn't match "
                                       "Pod's node affinity/selector. preemption: 0/12 nodes are available: 1 No "
                                       "preemption victims found for incoming pod, 11 Preemption is not helpful "
                                       "for scheduling.",
                            "reason": "Unschedulable", "status": "False", "type": "PodScheduled"}],
            "phase": "Pending",
            "qosClass": qos(spec),
        }
    else:
        status = {
            "conditions": [
                {"lastProbeTime": None, "lastTransitionTime": started,
                 "status": "True" if phase == "Running" else "False", "type": "PodReadyToStartContainers"},
                {"lastProbeTime": None, "lastTransitionTime": created, "status": "True", "type": "Initialized"}
                if phase != "Succeeded" else
                {"lastProbeTime": None, "lastTransitionTime": created, "reason": "PodCompleted",
                 "status": "True", "type": "Initialized"},
                {"lastProbeTime": None, "lastTransitionTime": conds_t, "status": "True" if ready else "False",
                 "type": "Ready", **({} if ready else {"reason": "PodCompleted" if phase == "Succeeded"
                                                       else "ContainersNotReady"})},
                {"lastProbeTime": None, "lastTransitionTime": conds_t, "status": "True" if ready else "False",
                 "type": "ContainersReady", **({} if ready else {"reason": "PodCompleted" if phase == "Succeeded"
                                                                 else "ContainersNotReady"})},
                {"lastProbeTime": None, "lastTransitionTime": created, "status": "True", "type": "PodScheduled"},
            ],
            "containerStatuses": statuses,
            "hostIP": node.ip,
            "hostIPs": [{"ip": node.ip}],
            "phase": phase,
            "podIP": node.ip if spec.get("hostNetwork") else pod_ip(node),
            "qosClass": qos(spec),
            "startTime": created,
        }
        status["podIPs"] = [{"ip": status["podIP"]}]
        if spec.get("initContainers"):
            status["initContainerStatuses"] = [{
                "containerID": "containerd://" + _cid(name + ic["name"]),
                "image": ic["image"], "imageID": _digest(ic["image"]), "lastState": {}, "name": ic["name"],
                "ready": True, "restartCount": 0, "started": False,
                "state": {"terminated": {"containerID": "containerd://" + _cid(name + ic["name"]), "exitCode": 0,
                                         "finishedAt": plus(created, seconds=3), "reason": "Completed",
                                         "startedAt": plus(created, seconds=2)}},
            } for ic in spec["initContainers"]]
    m = meta(name, a.ns, labels=labels, created=created, owner=owner)
    ann = {}
    if a.template_annotations:
        ann.update(a.template_annotations)
    if a.port and a.kind != "CronJob":
        ann["prometheus.io/scrape"] = "true"
        ann["prometheus.io/port"] = str(a.port)
    if a.kind == "DaemonSet" or True:
        ann["cni.projectcalico.org/containerID"] = _cid(name + "cni")[:64]
        if not spec.get("hostNetwork"):
            ann["cni.projectcalico.org/podIP"] = status.get("podIP", "") + "/32" if status.get("podIP") else ""
            ann["cni.projectcalico.org/podIPs"] = ann["cni.projectcalico.org/podIP"]
    m["annotations"] = {k: v for k, v in ann.items() if v}
    if a.kind == "Deployment":
        m["generateName"] = owner["name"] + "-"
    elif a.kind in ("DaemonSet", "Job", "CronJob"):
        m["generateName"] = owner["name"] + "-" if owner else None
    if deleting:
        m["deletionTimestamp"] = deleting
        m["deletionGracePeriodSeconds"] = 30
    if extra_meta:
        m.update(extra_meta)
    m = {k: v for k, v in m.items() if v is not None}
    pod = {"apiVersion": "v1", "kind": "Pod", "metadata": m, "spec": spec, "status": status}
    if node:
        node.req_cpu += sum(cpu_m(c.get("resources", {}).get("requests", {}).get("cpu")) for c in spec["containers"])
        node.req_mem += sum(mem_b(c.get("resources", {}).get("requests", {}).get("memory")) for c in spec["containers"])
        node.pods += 1
    return pod


_ipc = {}


def pod_ip(node):
    i = _ipc.get(node.name, 3) + RNG.randint(1, 3)
    _ipc[node.name] = i
    base = NODES.index(node) * 4
    return f"192.168.{base + i // 250}.{i % 250 + 2}"


def qos(spec):
    reqs = [c.get("resources", {}) for c in spec["containers"]]
    if all(not r for r in reqs):
        return "BestEffort"
    if all(r.get("limits") and r.get("requests") and r["limits"] == r["requests"]
           and set(r["limits"]) >= {"cpu", "memory"} for r in reqs):
        return "Guaranteed"
    return "Burstable"


PRIORITY_VALUES = {
    "system-node-critical": 2000001000,
    "system-cluster-critical": 2000000000,
    "business-critical": 1000000,
    "platform-high": 100000,
    "default-priority": 1000,
    "batch-low": -10,
}


# ------------------------------------------------------------------ render

class Rendered:
    def __init__(self):
        self.workloads = []      # top-level objects
        self.children = []       # ReplicaSets, Jobs
        self.pods = []
        self.services = []
        self.pdbs = []
        self.hpas = []
        self.pvcs = []
        self.service_accounts = []
        self.podmetrics = []
        self.vulnreports = []


def render(a, out: Rendered):
    labels = app_labels(a)
    sel = selector_labels(a)
    tmpl = template(a)
    ann = dict(a.annotations)
    if a.kind in ("Deployment", "StatefulSet", "DaemonSet"):
        gen = RNG.randint(2, 40)
    else:
        gen = RNG.randint(1, 6)
    obj_meta = meta(a.name, a.ns, labels=labels, annotations=ann, created=a.created, generation=gen)
    obj_meta.setdefault("annotations", {})
    if a.crd_owner:
        obj_meta["ownerReferences"] = [a.crd_owner]
    api = {"Deployment": "apps/v1", "StatefulSet": "apps/v1", "DaemonSet": "apps/v1", "CronJob": "batch/v1"}[a.kind]
    obj = {"apiVersion": api, "kind": a.kind, "metadata": obj_meta}
    oref = owner_ref(a.kind, a.name, api, obj_meta["uid"])
    rollout_at = ago(days=a.rollout_days)
    pods = []

    if a.kind == "Deployment":
        spec = {
            "progressDeadlineSeconds": 600,
            "replicas": a.replicas,
            "revisionHistoryLimit": 10,
            "selector": {"matchLabels": sel},
            "template": tmpl,
        }
        if a.strategy == "safe":
            spec["strategy"] = {"rollingUpdate": {"maxSurge": "25%", "maxUnavailable": 0 if a.replicas > 1 else "25%"},
                                "type": "RollingUpdate"}
        elif a.strategy == "default":
            spec["strategy"] = {"rollingUpdate": {"maxSurge": "25%", "maxUnavailable": "25%"}, "type": "RollingUpdate"}
        elif a.strategy == "recreate":
            spec["strategy"] = {"type": "Recreate"}
        elif a.strategy == "all-at-once":
            spec["strategy"] = {"rollingUpdate": {"maxSurge": 0, "maxUnavailable": "100%"}, "type": "RollingUpdate"}
        obj["spec"] = spec
        revision = max(2, int(gen / 2))
        h = pod_template_hash(f"{a.ns}/{a.name}/{revision}")
        rs_name = f"{a.name}-{h}"
        rs_meta = meta(rs_name, a.ns, labels=dict(tmpl["metadata"]["labels"], **{"pod-template-hash": h}),
                       annotations={"deployment.kubernetes.io/desired-replicas": str(a.replicas),
                                    "deployment.kubernetes.io/max-replicas": str(a.replicas + max(1, -(-a.replicas // 4))),
                                    "deployment.kubernetes.io/revision": str(revision)},
                       created=rollout_at, owner=oref, generation=1)
        rs_tmpl = copy.deepcopy(tmpl)
        rs_tmpl["metadata"]["labels"]["pod-template-hash"] = h
        rs_sel = {"matchLabels": dict(sel, **{"pod-template-hash": h})}
        rs_ref = owner_ref("ReplicaSet", rs_name, "apps/v1", rs_meta["uid"])
        a.rs_name, a.rs_uid = rs_name, rs_meta["uid"]
        ready = 0
        for i in range(a.replicas):
            node = place(a, i)
            pname = f"{rs_name}-{rand_suffix()}"
            created = plus(rollout_at, seconds=RNG.randint(2, 240))
            ov = a.pod_overrides.get(i, {})
            if "created" in ov:
                created = ov["created"]
            if "node" in ov:
                node = ov["node"]
            p = make_pod(a, pname, rs_ref, node, created, rs_tmpl["metadata"]["labels"], rs_tmpl["spec"],
                         index=i, **{k: v for k, v in ov.items() if k not in ("created", "node")})
            if p["status"]["phase"] == "Running" and all(c["ready"] for c in p["status"]["containerStatuses"]):
                ready += 1
            pods.append(p)
            a.pod_names.append(pname)
        rs = {"apiVersion": "apps/v1", "kind": "ReplicaSet", "metadata": rs_meta,
              "spec": {"replicas": a.replicas, "selector": rs_sel, "template": rs_tmpl},
              "status": {"availableReplicas": ready, "fullyLabeledReplicas": a.replicas, "observedGeneration": 1,
                         "readyReplicas": ready, "replicas": a.replicas}}
        if ready == 0:
            rs["status"].pop("availableReplicas")
            rs["status"].pop("readyReplicas")
        out.children.append(rs)
        if a.old_rs and revision > 2 and (a.hpa or a.pdb and a.replicas >= 3):
            oh = pod_template_hash(f"{a.ns}/{a.name}/{revision - 1}")
            old_tmpl = copy.deepcopy(tmpl)
            old_tmpl["metadata"]["labels"]["pod-template-hash"] = oh
            old_created = ago(days=a.rollout_days + RNG.uniform(3, 30))
            for c in old_tmpl["spec"]["containers"]:
                if c["image"].startswith(ECR) and ":v" in c["image"]:
                    base, ver = c["image"].rsplit(":v", 1)
                    parts = ver.split(".")
                    if parts[-1].isdigit() and int(parts[-1]) > 0:
                        parts[-1] = str(int(parts[-1]) - 1)
                    else:
                        parts[-2] = str(max(0, int(parts[-2]) - 1))
                    c["image"] = base + ":v" + ".".join(parts)
            old_tmpl["metadata"]["labels"]["app.kubernetes.io/version"] = old_tmpl["spec"]["containers"][0]["image"].rsplit(":v", 1)[-1]
            out.children.append({
                "apiVersion": "apps/v1", "kind": "ReplicaSet",
                "metadata": meta(f"{a.name}-{oh}", a.ns, labels=dict(old_tmpl["metadata"]["labels"]),
                                 annotations={"deployment.kubernetes.io/desired-replicas": str(a.replicas),
                                              "deployment.kubernetes.io/max-replicas": str(a.replicas + 1),
                                              "deployment.kubernetes.io/revision": str(revision - 1)},
                                 created=old_created, owner=oref, generation=3),
                "spec": {"replicas": 0, "selector": {"matchLabels": dict(sel, **{"pod-template-hash": oh})},
                         "template": old_tmpl},
                "status": {"observedGeneration": 3, "replicas": 0},
            })
        available = ready
        conds = []
        if a.replicas - ready > (0 if a.replicas > 1 and a.strategy == "safe" else a.replicas // 4):
            since = a.ready_override or rollout_at
            conds.append({"lastTransitionTime": since, "lastUpdateTime": since,
                          "message": "Deployment does not have minimum availability.",
                          "reason": "MinimumReplicasUnavailable", "status": "False", "type": "Available"})
        else:
            t = plus(rollout_at, seconds=95)
            conds.append({"lastTransitionTime": t, "lastUpdateTime": t,
                          "message": "Deployment has minimum availability.",
                          "reason": "MinimumReplicasAvailable", "status": "True", "type": "Available"})
        conds.append({"lastTransitionTime": a.created, "lastUpdateTime": plus(rollout_at, seconds=130),
                      "message": f'ReplicaSet "{rs_name}" has successfully progressed.',
                      "reason": "NewReplicaSetAvailable", "status": "True", "type": "Progressing"})
        obj["status"] = {"availableReplicas": available, "conditions": conds, "observedGeneration": gen,
                         "readyReplicas": ready, "replicas": a.replicas, "updatedReplicas": a.replicas}
        if ready < a.replicas:
            obj["status"]["unavailableReplicas"] = a.replicas - ready
        obj_meta["annotations"]["deployment.kubernetes.io/revision"] = str(revision)

    elif a.kind == "StatefulSet":
        spec = {
            "persistentVolumeClaimRetentionPolicy": {"whenDeleted": "Retain", "whenScaled": "Retain"},
            "podManagementPolicy": "OrderedReady",
            "replicas": a.replicas,
            "revisionHistoryLimit": 10,
            "selector": {"matchLabels": sel},
            "serviceName": f"{a.name}-headless",
            "template": tmpl,
            "updateStrategy": {"rollingUpdate": {"partition": 0}, "type": "RollingUpdate"},
        }
        if a.pvc:
            spec["volumeClaimTemplates"] = [{
                "apiVersion": "v1", "kind": "PersistentVolumeClaim",
                "metadata": {"name": "data"},
                "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": a.pvc["size"]}},
                         "storageClassName": a.pvc.get("class", "gp3"), "volumeMode": "Filesystem"},
            }]
        obj["spec"] = spec
        rev = f"{a.name}-{pod_template_hash(a.ns + a.name)[:10]}"
        ready = 0
        for i in range(a.replicas):
            node = place(a, i)
            pname = f"{a.name}-{i}"
            ov = a.pod_overrides.get(i, {})
            created = ov.get("created", plus(rollout_at, seconds=60 * i + RNG.randint(2, 50)))
            node = ov.get("node", node)
            plabels = dict(tmpl["metadata"]["labels"], **{
                "apps.kubernetes.io/pod-index": str(i),
                "controller-revision-hash": rev,
                "statefulset.kubernetes.io/pod-name": pname,
            })
            p = make_pod(a, pname, oref, node, created, plabels, tmpl["spec"], index=i,
                         extra_meta={"generateName": f"{a.name}-"},
                         **{k: v for k, v in ov.items() if k not in ("created", "node")})
            p["spec"]["hostname"] = pname
            p["spec"]["subdomain"] = f"{a.name}-headless"
            if p["status"]["phase"] == "Running" and all(c["ready"] for c in p["status"]["containerStatuses"]):
                ready += 1
            pods.append(p)
            a.pod_names.append(pname)
            if a.pvc:
                pvc_name = f"data-{pname}"
                vol = "pvc-" + uid(a.ns + pvc_name)
                out.pvcs.append({
                    "apiVersion": "v1", "kind": "PersistentVolumeClaim",
                    "metadata": meta(pvc_name, a.ns, labels=dict(sel),
                                     annotations={"pv.kubernetes.io/bind-completed": "yes",
                                                  "pv.kubernetes.io/bound-by-controller": "yes",
                                                  "volume.beta.kubernetes.io/storage-provisioner": "ebs.csi.aws.com",
                                                  "volume.kubernetes.io/selected-node": node.name,
                                                  "volume.kubernetes.io/storage-provisioner": "ebs.csi.aws.com"},
                                     created=plus(a.created, seconds=60 * i + 5),
                                     finalizers=["kubernetes.io/pvc-protection"]),
                    "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": a.pvc["size"]}},
                             "storageClassName": a.pvc.get("class", "gp3"), "volumeMode": "Filesystem",
                             "volumeName": vol},
                    "status": {"accessModes": ["ReadWriteOnce"], "capacity": {"storage": a.pvc["size"]},
                               "phase": "Bound"},
                })
        obj["status"] = {"availableReplicas": ready, "collisionCount": 0, "currentReplicas": a.replicas,
                         "currentRevision": rev, "observedGeneration": gen, "readyReplicas": ready,
                         "replicas": a.replicas, "updateRevision": rev, "updatedReplicas": a.replicas}

    elif a.kind == "DaemonSet":
        spec = {
            "revisionHistoryLimit": 10,
            "selector": {"matchLabels": sel},
            "template": tmpl,
            "updateStrategy": a.update_strategy or {"rollingUpdate": {"maxSurge": 0, "maxUnavailable": 1},
                                                     "type": "RollingUpdate"},
        }
        obj["spec"] = spec
        rev = pod_template_hash(a.ns + a.name + "ds")[:10]
        targets = a.ds_nodes if a.ds_nodes is not None else NODES
        ready = 0
        for n in targets:
            pname = f"{a.name}-{rand_suffix()}"
            created = plus(max(a.created, n.created), seconds=RNG.randint(5, 90))
            created = max(created, rollout_at) if at(rollout_at) > at(n.created) else created
            plabels = dict(tmpl["metadata"]["labels"], **{"controller-revision-hash": rev, "pod-template-generation": str(gen)})
            pspec = copy.deepcopy(tmpl["spec"])
            pspec["affinity"] = {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {
                "nodeSelectorTerms": [{"matchFields": [{"key": "metadata.name", "operator": "In", "values": [n.name]}]}]}}}
            pspec["tolerations"] = pspec.get("tolerations", []) + [
                {"effect": "NoExecute", "key": "node.kubernetes.io/not-ready", "operator": "Exists"},
                {"effect": "NoExecute", "key": "node.kubernetes.io/unreachable", "operator": "Exists"},
                {"effect": "NoSchedule", "key": "node.kubernetes.io/disk-pressure", "operator": "Exists"},
                {"effect": "NoSchedule", "key": "node.kubernetes.io/memory-pressure", "operator": "Exists"},
                {"effect": "NoSchedule", "key": "node.kubernetes.io/pid-pressure", "operator": "Exists"},
                {"effect": "NoSchedule", "key": "node.kubernetes.io/unschedulable", "operator": "Exists"},
            ]
            ok = n.ready
            kw = {}
            if not ok:
                kw = {"ready": False, "state": {"running": {"startedAt": plus(created, seconds=9)},
                                                "_since": "2026-11-20T09:02:22Z"}}
            p = make_pod(a, pname, oref, n, created, plabels, pspec, **kw)
            for cs in p["status"]["containerStatuses"]:
                cs["state"].pop("_since", None)
            if ok:
                ready += 1
            pods.append(p)
            a.pod_names.append(pname)
        desired = len(targets)
        obj["status"] = {"currentNumberScheduled": desired, "desiredNumberScheduled": desired,
                         "numberAvailable": ready, "numberMisscheduled": 0, "numberReady": ready,
                         "observedGeneration": gen, "updatedNumberScheduled": desired}
        if ready < desired:
            obj["status"]["numberUnavailable"] = desired - ready

    elif a.kind == "CronJob":
        jt = copy.deepcopy(tmpl)
        jt["metadata"].pop("annotations", None)
        spec = {
            "concurrencyPolicy": "Forbid",
            "failedJobsHistoryLimit": 1,
            "jobTemplate": {"metadata": {"labels": dict(sel)}, "spec": {
                "backoffLimit": 2, "activeDeadlineSeconds": 3600, "template": jt, "ttlSecondsAfterFinished": None}},
            "schedule": a.schedule,
            "successfulJobsHistoryLimit": 3,
            "suspend": False,
            "timeZone": "Etc/UTC",
        }
        spec["jobTemplate"]["spec"].pop("ttlSecondsAfterFinished")
        obj["spec"] = spec
        runs = a.job_history or []
        last_sched, last_ok = None, None
        for run in runs:
            sched = run["at"]
            minutes = int(at(sched).timestamp()) // 60
            jname = f"{a.name}-{minutes}"
            jmeta = meta(jname, a.ns, labels=dict(sel, **{"batch.kubernetes.io/controller-uid": uid(jname),
                                                          "batch.kubernetes.io/job-name": jname,
                                                          "controller-uid": uid(jname), "job-name": jname}),
                         annotations={"batch.kubernetes.io/cronjob-scheduled-timestamp": sched},
                         created=sched, owner=oref, generation=1, seed=jname)
            jmeta["uid"] = uid(jname)
            jtmpl = copy.deepcopy(jt)
            jtmpl["metadata"]["labels"].update({"batch.kubernetes.io/controller-uid": uid(jname),
                                                "batch.kubernetes.io/job-name": jname,
                                                "controller-uid": uid(jname), "job-name": jname})
            job = {"apiVersion": "batch/v1", "kind": "Job", "metadata": jmeta,
                   "spec": {"activeDeadlineSeconds": 3600, "backoffLimit": 2, "completionMode": "NonIndexed",
                            "completions": 1, "manualSelector": False, "parallelism": 1,
                            "podReplacementPolicy": "TerminatingOrFailed",
                            "selector": {"matchLabels": {"batch.kubernetes.io/controller-uid": uid(jname)}},
                            "suspend": False, "template": jtmpl}}
            start = plus(sched, seconds=1)
            end = plus(sched, seconds=run.get("duration", 120))
            if run["ok"]:
                job["status"] = {"completionTime": end, "conditions": [
                    {"lastProbeTime": end, "lastTransitionTime": end, "message": "Reached expected number of succeeded pods",
                     "reason": "CompletionsReached", "status": "True", "type": "SuccessCriteriaMet"},
                    {"lastProbeTime": end, "lastTransitionTime": end, "message": "Reached expected number of succeeded pods",
                     "reason": "CompletionsReached", "status": "True", "type": "Complete"}],
                    "ready": 0, "startTime": start, "succeeded": 1, "terminating": 0,
                    "uncountedTerminatedPods": {}}
                last_ok = end
            else:
                job["status"] = {"conditions": [
                    {"lastProbeTime": end, "lastTransitionTime": end, "message": "Job has reached the specified backoff limit",
                     "reason": "BackoffLimitExceeded", "status": "True", "type": "FailureTarget"},
                    {"lastProbeTime": end, "lastTransitionTime": end, "message": "Job has reached the specified backoff limit",
                     "reason": "BackoffLimitExceeded", "status": "True", "type": "Failed"}],
                    "failed": 3, "ready": 0, "startTime": start, "terminating": 0, "uncountedTerminatedPods": {}}
            out.children.append(job)
            last_sched = sched
            if run.get("pod", True) and run["ok"] and run is runs[-1]:
                jref = owner_ref("Job", jname, "batch/v1", uid(jname))
                node = place(a, 0)
                p = make_pod(a, f"{jname}-{rand_suffix()}", jref, node, start, jtmpl["metadata"]["labels"],
                             jtmpl["spec"], phase="Succeeded", ready=False, succeeded_at=end)
                node.req_cpu -= sum(cpu_m(c.get("resources", {}).get("requests", {}).get("cpu"))
                                    for c in p["spec"]["containers"])
                node.req_mem -= sum(mem_b(c.get("resources", {}).get("requests", {}).get("memory"))
                                    for c in p["spec"]["containers"])
                pods.append(p)
        st = {}
        if last_sched:
            st["lastScheduleTime"] = last_sched
        if last_ok:
            st["lastSuccessfulTime"] = last_ok
        obj["status"] = st

    if a.last_applied_replicas is not None or a.kind == "Deployment" and a.hpa and a.gitops:
        la = copy.deepcopy({k: obj[k] for k in ("apiVersion", "kind", "metadata", "spec")})
        la["spec"] = copy.deepcopy(la["spec"])
        if a.last_applied_replicas is None:
            la["spec"].pop("replicas", None)
        else:
            la["spec"]["replicas"] = a.last_applied_replicas
        obj_meta["annotations"]["kubectl.kubernetes.io/last-applied-configuration"] = last_applied(la)
    if not obj_meta["annotations"]:
        obj_meta.pop("annotations")

    out.workloads.append(obj)
    out.pods.extend(pods)
    a.obj = obj

    # ---- service
    if a.port and a.service and a.kind in ("Deployment", "StatefulSet"):
        sname = a.name if a.kind == "Deployment" else a.name
        svc = {
            "apiVersion": "v1", "kind": "Service",
            "metadata": meta(sname, a.ns, labels=labels, created=a.created),
            "spec": {
                "clusterIP": f"10.{RNG.randint(96, 111)}.{RNG.randint(0, 255)}.{RNG.randint(1, 254)}",
                "internalTrafficPolicy": "Cluster",
                "ipFamilies": ["IPv4"], "ipFamilyPolicy": "SingleStack",
                "ports": [{"name": "http", "port": a.svc_port, "protocol": "TCP", "targetPort": "http"}],
                "selector": dict(sel), "sessionAffinity": "None", "type": a.svc_type,
            },
            "status": {"loadBalancer": {}},
        }
        svc["spec"]["clusterIPs"] = [svc["spec"]["clusterIP"]]
        out.services.append(svc)
        if a.kind == "StatefulSet":
            out.services.append({
                "apiVersion": "v1", "kind": "Service",
                "metadata": meta(f"{a.name}-headless", a.ns, labels=labels, created=a.created),
                "spec": {"clusterIP": "None", "clusterIPs": ["None"], "internalTrafficPolicy": "Cluster",
                         "ipFamilies": ["IPv4"], "ipFamilyPolicy": "SingleStack",
                         "ports": [{"name": "http", "port": a.port, "protocol": "TCP", "targetPort": "http"}],
                         "publishNotReadyAddresses": True, "selector": dict(sel), "sessionAffinity": "None",
                         "type": "ClusterIP"},
                "status": {"loadBalancer": {}},
            })

    # ---- PDB
    if a.pdb:
        kind, val = a.pdb
        healthy = sum(1 for p in pods if p["status"].get("phase") == "Running"
                      and all(c["ready"] for c in p["status"]["containerStatuses"]))
        expected = a.replicas
        if kind == "maxUnavailable":
            mu = val if isinstance(val, int) else -(-expected * int(val[:-1]) // 100)
            desired = expected - mu
        else:
            mv = val if isinstance(val, int) else -(-expected * int(val[:-1]) // 100)
            desired = mv
        allowed = max(0, healthy - desired)
        out.pdbs.append({
            "apiVersion": "policy/v1", "kind": "PodDisruptionBudget",
            "metadata": meta(a.name, a.ns, labels=labels, created=plus(a.created, seconds=2), generation=1),
            "spec": {kind: val, "selector": {"matchLabels": dict(sel)}, "unhealthyPodEvictionPolicy": "AlwaysAllow"},
            "status": {
                "conditions": [{
                    "lastTransitionTime": ago(days=RNG.randint(1, 10)) if allowed else ago(hours=RNG.randint(2, 900)),
                    "message": "", "observedGeneration": 1,
                    "reason": "SufficientPods" if allowed else "InsufficientPods",
                    "status": "True" if allowed else "False", "type": "DisruptionAllowed"}],
                "currentHealthy": healthy, "desiredHealthy": desired, "disruptionsAllowed": allowed,
                "expectedPods": expected, "observedGeneration": 1,
            },
        })

    # ---- HPA
    if a.hpa:
        h = a.hpa
        cur = a.replicas
        metrics = [{"resource": {"name": "cpu", "target": {"averageUtilization": h.get("cpu", 70), "type": "Utilization"}},
                    "type": "Resource"}]
        if h.get("memory"):
            metrics.append({"resource": {"name": "memory", "target": {"averageUtilization": h["memory"],
                                                                        "type": "Utilization"}}, "type": "Resource"})
        at_max = cur >= h["max"]
        no_metric = h.get("broken")
        util = h.get("util", RNG.randint(38, 66))
        conds = [
            {"lastTransitionTime": ago(days=RNG.randint(20, 90)), "message": "recommended size matches current size",
             "reason": "ReadyForNewScale", "status": "True", "type": "AbleToScale"},
        ]
        if no_metric:
            conds.append({"lastTransitionTime": h["broken"],
                          "message": f"the HPA was unable to compute the replica count: failed to get cpu utilization: "
                                     f"missing request for cpu in container {a.container_name} of Pod {a.pod_names[0]}",
                          "reason": "FailedGetResourceMetric", "status": "False", "type": "ScalingActive"})
        else:
            conds.append({"lastTransitionTime": ago(days=RNG.randint(20, 90)),
                          "message": "the HPA was able to successfully calculate a replica count from cpu resource "
                                     "utilization (percentage of request)",
                          "reason": "ValidMetricFound", "status": "True", "type": "ScalingActive"})
        if at_max:
            conds.append({"lastTransitionTime": h.get("max_since", ago(hours=3)),
                          "message": "the desired replica count is more than the maximum replica count",
                          "reason": "TooManyReplicas", "status": "True", "type": "ScalingLimited"})
        else:
            conds.append({"lastTransitionTime": ago(hours=RNG.randint(1, 30)),
                          "message": "the desired count is within the acceptable range",
                          "reason": "DesiredWithinRange", "status": "False", "type": "ScalingLimited"})
        status = {"conditions": conds, "currentReplicas": cur, "desiredReplicas": cur}
        if not no_metric:
            status["currentMetrics"] = [{"resource": {"current": {
                "averageUtilization": util,
                "averageValue": fmt_cpu(int(cpu_m(a.cpu or "0") * util / 100)) if a.cpu else "0"},
                "name": "cpu"}, "type": "Resource"}]
            status["lastScaleTime"] = ago(hours=RNG.randint(1, 20), minutes=RNG.randint(0, 59))
        out.hpas.append({
            "apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler",
            "metadata": meta(a.name, a.ns, labels=labels, created=plus(a.created, seconds=3)),
            "spec": {
                "behavior": {"scaleDown": {"policies": [{"periodSeconds": 60, "type": "Percent", "value": 50}],
                                           "selectPolicy": "Max", "stabilizationWindowSeconds": 300},
                             "scaleUp": {"policies": [{"periodSeconds": 15, "type": "Pods", "value": 4},
                                                      {"periodSeconds": 15, "type": "Percent", "value": 100}],
                                         "selectPolicy": "Max", "stabilizationWindowSeconds": 0}},
                "maxReplicas": h["max"], "metrics": metrics, "minReplicas": h["min"],
                "scaleTargetRef": {"apiVersion": "apps/v1", "kind": a.kind, "name": a.name},
            },
            "status": status,
        })

    # ---- ServiceAccount
    if a.sa not in ("default",) and not getattr(a, "_sa_done", False):
        out.service_accounts.append({
            "apiVersion": "v1", "kind": "ServiceAccount",
            "metadata": meta(a.sa, a.ns, labels=labels, created=a.created,
                             annotations={"eks.amazonaws.com/role-arn": f"arn:aws:iam::{ECR.split('.')[0]}:role/{a.ns}-{a.sa}"}
                             if a.ns in ("payments", "data-pipeline", "ml-serving", "velero") else None),
        })
        out.service_accounts[-1]["metadata"].pop("annotations", None) if not out.service_accounts[-1]["metadata"].get("annotations") else None

    # ---- metrics (metrics-server) for running pods
    for p in pods:
        if p["status"].get("phase") != "Running":
            continue
        node_name = p["spec"].get("nodeName")
        if node_name and not next(n for n in NODES if n.name == node_name).ready:
            continue
        conts = []
        for c in p["spec"]["containers"]:
            r = c.get("resources", {}).get("requests", {})
            creq = cpu_m(r.get("cpu")) or 50
            mreq = mem_b(r.get("memory")) or 128 * 1024**2
            cu = max(1, int(creq * a.usage * RNG.uniform(0.85, 1.15)))
            mu = int(mreq * a.mem_usage * RNG.uniform(0.9, 1.1))
            if c is not p["spec"]["containers"][0]:
                cu, mu = max(1, int(creq * 0.3)), int(mreq * 0.4)
            conts.append({"name": c["name"], "usage": {"cpu": f"{cu * 1_000_000 + RNG.randint(0, 999_999)}n",
                                                        "memory": f"{mu // 1024}Ki"}})
        out.podmetrics.append({
            "apiVersion": "metrics.k8s.io/v1beta1", "kind": "PodMetrics",
            "metadata": {"creationTimestamp": ago(), "labels": p["metadata"].get("labels", {}),
                         "name": p["metadata"]["name"], "namespace": a.ns},
            "containers": conts,
            "timestamp": ago(seconds=RNG.randint(8, 25)),
            "window": f"{RNG.randint(10, 20)}.{RNG.randint(100, 999)}s",
        })

    # ---- trivy-operator VulnerabilityReports
    if a.vuln is not None:
        if a.kind == "Deployment":
            rkind, rname, ruid = "ReplicaSet", a.rs_name, a.rs_uid
        else:
            rkind, rname, ruid = a.kind, a.name, obj_meta["uid"]
        crit, high, med, low = a.vuln
        image = a.image.split("@")[0]
        repo, _, tag = image.rpartition(":") if ":" in image.split("/")[-1] else (image, "", "latest")
        registry, _, repository = repo.partition("/")
        if "." not in registry:
            registry, repository = "index.docker.io", repo if "/" in repo else "library/" + repo
        out.vulnreports.append({
            "apiVersion": "aquasecurity.github.io/v1alpha1", "kind": "VulnerabilityReport",
            "metadata": meta(f"{rkind.lower()}-{rname}-{a.container_name}"[:63].rstrip("-"), a.ns, labels={
                "resource-spec-hash": pod_template_hash(a.ns + a.name + "vr")[:10],
                "trivy-operator.container.name": a.container_name,
                "trivy-operator.resource.kind": rkind,
                "trivy-operator.resource.name": rname,
                "trivy-operator.resource.namespace": a.ns,
            }, created=ago(hours=RNG.randint(1, 20), minutes=RNG.randint(0, 59)),
                owner=owner_ref(rkind, rname, "apps/v1" if rkind != "CronJob" else "batch/v1",
                                ruid, controller=True)),
            "report": {
                "artifact": {"repository": repository, "tag": tag or "latest"},
                "os": {"family": "debian" if "airflow" in image or "superset" in image else "alpine",
                       "name": "12.7" if "airflow" in image or "superset" in image else "3.20.3"},
                "registry": {"server": registry},
                "scanner": {"name": "Trivy", "vendor": "Aqua Security", "version": "0.61.1"},
                "summary": {"criticalCount": crit, "highCount": high, "lowCount": low, "mediumCount": med,
                            "noneCount": 0, "unknownCount": 0},
                "updateTimestamp": ago(hours=RNG.randint(1, 20)),
                "vulnerabilities": VULN_SAMPLES[:crit + min(high, 2)] if crit or high else [],
            },
        })
    return obj


VULN_SAMPLES = [
    {"fixedVersion": "3.0.15-1~deb12u1", "installedVersion": "3.0.11-1~deb12u2", "primaryLink":
        "https://avd.aquasec.com/nvd/cve-2024-5535", "resource": "libssl3", "score": 9.1, "severity": "CRITICAL",
     "target": "", "title": "openssl: SSL_select_next_proto buffer overread", "vulnerabilityID": "CVE-2024-5535"},
    {"fixedVersion": "1.2.13.dfsg-1+deb12u1", "installedVersion": "1.2.13.dfsg-1", "primaryLink":
        "https://avd.aquasec.com/nvd/cve-2023-45853", "resource": "zlib1g", "score": 9.8, "severity": "CRITICAL",
     "target": "", "title": "zlib: integer overflow and resultant heap-based buffer overflow in zipOpenNewFileInZip4_6",
     "vulnerabilityID": "CVE-2023-45853"},
    {"fixedVersion": "2.7.1", "installedVersion": "2.6.2", "primaryLink": "https://avd.aquasec.com/nvd/cve-2024-6345",
     "resource": "setuptools", "score": 8.8, "severity": "CRITICAL", "target": "Python",
     "title": "pypa/setuptools: Remote code execution via download functions in the package_index module",
     "vulnerabilityID": "CVE-2024-6345"},
    {"fixedVersion": "8.2.26", "installedVersion": "8.1.29", "primaryLink": "https://avd.aquasec.com/nvd/cve-2024-4577",
     "resource": "php", "score": 9.8, "severity": "CRITICAL", "target": "",
     "title": "php: command injection via argument injection in php-cgi", "vulnerabilityID": "CVE-2024-4577"},
    {"fixedVersion": "1.6.2", "installedVersion": "1.5.0", "primaryLink": "https://avd.aquasec.com/nvd/cve-2024-24790",
     "resource": "stdlib", "score": 7.5, "severity": "HIGH", "target": "usr/local/bin/app",
     "title": "golang: net/netip: Unexpected behavior from Is methods for IPv4-mapped IPv6 addresses",
     "vulnerabilityID": "CVE-2024-24790"},
    {"fixedVersion": "8.11.1", "installedVersion": "8.5.0", "primaryLink": "https://avd.aquasec.com/nvd/cve-2024-7264",
     "resource": "curl", "score": 6.5, "severity": "HIGH", "target": "", "title": "curl: ASN.1 date parser overread",
     "vulnerabilityID": "CVE-2024-7264"},
    {"fixedVersion": "1.1.1w-r1", "installedVersion": "1.1.1t-r2", "primaryLink": "https://avd.aquasec.com/nvd/cve-2023-5363",
     "resource": "libcrypto1.1", "score": 7.5, "severity": "HIGH", "target": "",
     "title": "openssl: Incorrect cipher key and IV length processing", "vulnerabilityID": "CVE-2023-5363"},
]
