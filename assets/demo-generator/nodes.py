"""Nodes, kubelet configz, control-plane static pods, Karpenter."""

from base import (
    ACCOUNT, CAPTURE, CLUSTER, K8S_VERSION, REGION, RNG, ago, block, fmt_cpu, fmt_mem, meta,
    mem_b, owner_ref, rand_suffix, uid,
)

ZONES = [f"{REGION}a", f"{REGION}b", f"{REGION}c"]


class Node:
    def __init__(self, ip, zone, pool, itype, cpu, mem_gi, *, role="worker", spot=False,
                 kubelet=K8S_VERSION, reserved=True, taints=(), ready=True, not_ready_since=None,
                 memory_pressure_since=None, created=None, anonymous=False, extra_labels=None,
                 gpu=0, karpenter=False):
        self.ip = ip
        self.name = f"ip-{ip.replace('.', '-')}.{REGION}.compute.internal"
        self.zone = zone
        self.pool = pool
        self.itype = itype
        self.cpu = cpu
        self.mem_gi = mem_gi
        self.role = role
        self.spot = spot
        self.kubelet = kubelet
        self.reserved = reserved
        self.taints = list(taints)
        self.ready = ready
        self.not_ready_since = not_ready_since
        self.memory_pressure_since = memory_pressure_since
        self.created = created or ago(days=RNG.randint(20, 90), hours=RNG.randint(0, 23))
        self.anonymous = anonymous
        self.extra_labels = extra_labels or {}
        self.gpu = gpu
        self.karpenter = karpenter
        self.instance_id = "i-0" + "".join(RNG.choice("0123456789abcdef") for _ in range(16))
        # scheduling bookkeeping (filled by the workload generator)
        self.req_cpu = 0
        self.req_mem = 0
        self.pods = 0

    @property
    def control_plane(self):
        return self.role == "control-plane"

    @property
    def schedulable(self):
        return self.ready

    def alloc_cpu_m(self):
        if not self.reserved:
            return self.cpu * 1000
        return self.cpu * 1000 - (90 + 80 * (self.cpu // 4)) - 100  # kube-reserved + system-reserved

    def alloc_mem_b(self):
        total = self.mem_gi * 1024**3
        if not self.reserved:
            return total
        return total - mem_b("1843Mi") - mem_b("512Mi") - mem_b("100Mi")


# 12 nodes in 3 zones. cp-3 (10.0.3.10) was rebuilt on 2026-11-06 from stale
# manifests (see README: missing taint and drifted flags). The GPU node runs a
# hand-built AMI with an old kubelet and no reservations.
NODES = [
    Node("10.0.1.10", ZONES[0], "control-plane", "m6i.xlarge", 4, 16, role="control-plane",
         taints=[{"effect": "NoSchedule", "key": "node-role.kubernetes.io/control-plane"}],
         created="2025-03-11T10:02:41Z"),
    Node("10.0.2.10", ZONES[1], "control-plane", "m6i.xlarge", 4, 16, role="control-plane",
         taints=[{"effect": "NoSchedule", "key": "node-role.kubernetes.io/control-plane"}],
         created="2025-03-11T10:09:13Z"),
    # rebuilt from the old staging manifests: no control-plane taint
    Node("10.0.3.10", ZONES[2], "control-plane", "m6i.xlarge", 4, 16, role="control-plane",
         created="2026-11-06T14:21:08Z"),
    Node("10.0.1.21", ZONES[0], "general", "m6i.8xlarge", 32, 128, created="2026-10-02T07:14:55Z"),
    Node("10.0.2.22", ZONES[1], "general", "m6i.8xlarge", 32, 128, created="2026-10-02T07:15:31Z"),
    Node("10.0.3.23", ZONES[2], "general", "m6i.8xlarge", 32, 128, created="2026-10-02T07:16:02Z"),
    Node("10.0.2.31", ZONES[1], "memory", "r6i.4xlarge", 16, 128, created="2026-10-14T22:40:19Z",
         taints=[{"effect": "NoSchedule", "key": "workload-class", "value": "memory"},
                 {"effect": "NoSchedule", "key": "node.kubernetes.io/memory-pressure",
                  "timeAdded": "2026-11-20T08:55:31Z"}],
         memory_pressure_since="2026-11-20T08:55:31Z"),
    Node("10.0.3.32", ZONES[2], "memory", "r6i.4xlarge", 16, 128, created="2026-11-17T03:12:47Z",
         taints=[{"effect": "NoSchedule", "key": "workload-class", "value": "memory"}]),
    Node("10.0.1.41", ZONES[0], "spot-general", "m6a.4xlarge", 16, 64, spot=True, karpenter=True,
         kubelet="v1.33.3", created="2026-11-18T16:47:02Z"),
    # reclaimed by EC2 (spot interruption) at 09:02; Karpenter has not replaced it yet
    Node("10.0.2.42", ZONES[1], "spot-general", "m5.4xlarge", 16, 64, spot=True, karpenter=True,
         kubelet="v1.33.3", created="2026-11-19T21:03:44Z", ready=False,
         not_ready_since="2026-11-20T09:02:17Z",
         taints=[{"effect": "NoSchedule", "key": "node.kubernetes.io/unreachable",
                  "timeAdded": "2026-11-20T09:02:22Z"},
                 {"effect": "NoExecute", "key": "node.kubernetes.io/unreachable",
                  "timeAdded": "2026-11-20T09:02:27Z"}]),
    Node("10.0.3.43", ZONES[2], "spot-general", "m6a.4xlarge", 16, 64, spot=True, karpenter=True,
         kubelet="v1.33.3", created="2026-11-20T01:31:09Z"),
    Node("10.0.1.51", ZONES[0], "gpu", "g5.4xlarge", 16, 64, kubelet="v1.29.15", reserved=False,
         anonymous=True, gpu=1, created="2025-08-27T11:05:36Z",
         taints=[{"effect": "NoSchedule", "key": "nvidia.com/gpu", "value": "true"}]),
]

BY_POOL = {}
for _n in NODES:
    BY_POOL.setdefault(_n.pool, []).append(_n)
CP = BY_POOL["control-plane"]
CP3 = CP[2]


def node_by_ip(ip):
    return next(n for n in NODES if n.ip == ip)


def node_object(n):
    labels = {
        "beta.kubernetes.io/arch": "amd64",
        "beta.kubernetes.io/instance-type": n.itype,
        "beta.kubernetes.io/os": "linux",
        "failure-domain.beta.kubernetes.io/region": REGION,
        "failure-domain.beta.kubernetes.io/zone": n.zone,
        "kubernetes.io/arch": "amd64",
        "kubernetes.io/hostname": n.name,
        "kubernetes.io/os": "linux",
        "node.kubernetes.io/instance-type": n.itype,
        "topology.ebs.csi.aws.com/zone": n.zone,
        "topology.kubernetes.io/region": REGION,
        "topology.kubernetes.io/zone": n.zone,
        "topology.k8s.aws/zone-id": {"a": "euw1-az3", "b": "euw1-az1", "c": "euw1-az2"}[n.zone[-1]],
    }
    if n.control_plane:
        labels["node-role.kubernetes.io/control-plane"] = ""
        labels["node.kubernetes.io/exclude-from-external-load-balancers"] = ""
    elif n.karpenter:
        labels.update({
            "karpenter.sh/capacity-type": "spot",
            "karpenter.sh/initialized": "true",
            "karpenter.sh/nodepool": n.pool,
            "karpenter.sh/registered": "true",
            "karpenter.k8s.aws/ec2nodeclass": "default",
            "karpenter.k8s.aws/instance-category": n.itype[0],
            "karpenter.k8s.aws/instance-cpu": str(n.cpu),
            "karpenter.k8s.aws/instance-family": n.itype.split(".")[0],
            "karpenter.k8s.aws/instance-generation": n.itype[1] if n.itype[1].isdigit() else n.itype[2],
            "karpenter.k8s.aws/instance-size": n.itype.split(".")[1],
            "node-role.kubernetes.io/worker": "",
            "node.kubernetes.io/lifecycle": "spot",
        })
    else:
        labels.update({
            "node-role.kubernetes.io/worker": "",
            "node.kubernetes.io/lifecycle": "on-demand",
            "node.kubernetes.io/pool": n.pool,
        })
        if n.pool == "memory":
            labels["workload-class"] = "memory"
    if n.gpu:
        labels.update({
            "nvidia.com/gpu.present": "true",
            "nvidia.com/gpu.product": "NVIDIA-A10G",
            "nvidia.com/gpu.count": "1",
        })
    labels.update(n.extra_labels)

    annotations = {
        "alpha.kubernetes.io/provided-node-ip": n.ip,
        "csi.volume.kubernetes.io/nodeid": f'{{"ebs.csi.aws.com":"{n.instance_id}"}}',
        "node.alpha.kubernetes.io/ttl": "0",
        "projectcalico.org/IPv4Address": f"{n.ip}/20",
        "volumes.kubernetes.io/controller-managed-attach-detach": "true",
    }
    if n.control_plane:
        annotations["kubeadm.alpha.kubernetes.io/cri-socket"] = "unix:///var/run/containerd/containerd.sock"
    if n.karpenter:
        annotations["karpenter.sh/nodepool-hash"] = "11834592817036527163"
        annotations["karpenter.sh/nodepool-hash-version"] = "v3"

    cap = {
        "cpu": str(n.cpu),
        "ephemeral-storage": "104845292Ki",
        "hugepages-1Gi": "0",
        "hugepages-2Mi": "0",
        "memory": f"{n.mem_gi * 1024 * 1024 - RNG.randint(200000, 600000)}Ki",
        "pods": "110",
    }
    if n.gpu:
        cap["nvidia.com/gpu"] = str(n.gpu)
    alloc = dict(cap)
    if n.reserved:
        alloc["cpu"] = fmt_cpu(n.alloc_cpu_m())
        cap_ki = int(cap["memory"][:-2])
        alloc["memory"] = f"{cap_ki - (1843 + 512 + 100) * 1024}Ki"
        alloc["ephemeral-storage"] = "95551679124"
    n.alloc_mem_ki = int(alloc["memory"][:-2])

    def cond(t, status, reason, message, since):
        return {
            "lastHeartbeatTime": ago(seconds=RNG.randint(5, 50)) if n.ready else n.not_ready_since,
            "lastTransitionTime": since,
            "message": message,
            "reason": reason,
            "status": status,
            "type": t,
        }

    up = n.created
    conds = []
    if n.memory_pressure_since:
        conds.append(cond("MemoryPressure", "True", "KubeletHasInsufficientMemory",
                          "kubelet has insufficient memory available", n.memory_pressure_since))
    elif n.ready:
        conds.append(cond("MemoryPressure", "False", "KubeletHasSufficientMemory",
                          "kubelet has sufficient memory available", up))
    if n.ready:
        conds += [
            cond("DiskPressure", "False", "KubeletHasNoDiskPressure", "kubelet has no disk pressure", up),
            cond("PIDPressure", "False", "KubeletHasSufficientPID", "kubelet has sufficient PID available", up),
            cond("Ready", "True", "KubeletReady", "kubelet is posting ready status", plus_s(up, 41)),
        ]
    else:
        msg = "Kubelet stopped posting node status."
        conds = [
            cond("MemoryPressure", "Unknown", "NodeStatusUnknown", msg, n.not_ready_since),
            cond("DiskPressure", "Unknown", "NodeStatusUnknown", msg, n.not_ready_since),
            cond("PIDPressure", "Unknown", "NodeStatusUnknown", msg, n.not_ready_since),
            cond("Ready", "Unknown", "NodeStatusUnknown", msg, n.not_ready_since),
        ]
    if n.control_plane or n.pool == "general":
        conds.insert(0, {
            "lastHeartbeatTime": ago(days=3, minutes=12),
            "lastTransitionTime": ago(days=3, minutes=12),
            "message": "Calico is running on this node",
            "reason": "CalicoIsUp",
            "status": "False",
            "type": "NetworkUnavailable",
        })

    spec = {
        "podCIDR": f"192.168.{NODES.index(n) * 4}.0/22",
        "podCIDRs": [f"192.168.{NODES.index(n) * 4}.0/22"],
        "providerID": f"aws:///{n.zone}/{n.instance_id}",
    }
    if n.taints:
        spec["taints"] = n.taints

    os_image = "Ubuntu 24.04.3 LTS"
    kernel = "6.8.0-1039-aws"
    runtime = "containerd://1.7.28"
    if n.karpenter:
        os_image, kernel, runtime = "Bottlerocket OS 1.49.0 (aws-k8s-1.33)", "6.1.153", "containerd://1.7.27+bottlerocket"
    if n.gpu:
        os_image, kernel, runtime = "Ubuntu 22.04.4 LTS", "5.15.0-1061-aws", "containerd://1.6.28"

    return {
        "apiVersion": "v1",
        "kind": "Node",
        "metadata": meta(n.name, labels=labels, annotations=annotations, created=n.created),
        "spec": spec,
        "status": {
            "addresses": [
                {"address": n.ip, "type": "InternalIP"},
                {"address": n.name, "type": "InternalDNS"},
                {"address": n.name, "type": "Hostname"},
            ],
            "allocatable": alloc,
            "capacity": cap,
            "conditions": conds,
            "daemonEndpoints": {"kubeletEndpoint": {"Port": 10250}},
            "nodeInfo": {
                "architecture": "amd64",
                "bootID": uid(n.name + "boot"),
                "containerRuntimeVersion": runtime,
                "kernelVersion": kernel,
                "kubeProxyVersion": n.kubelet,
                "kubeletVersion": n.kubelet,
                "machineID": uid(n.name + "machine").replace("-", ""),
                "operatingSystem": "linux",
                "osImage": os_image,
                "systemUUID": "ec2" + uid(n.name + "sys")[3:],
            },
        },
    }


def plus_s(ts, seconds):
    from base import plus
    return plus(ts, seconds=seconds)


def kubelet_config(n):
    """What /api/v1/nodes/{n}/proxy/configz gives, as a dynamic object."""
    cfg = {
        "apiVersion": "kubelet.config.k8s.io/v1beta1",
        "kind": "KubeletConfiguration",
        "metadata": {"name": n.name},
        "authentication": {
            "anonymous": {"enabled": n.anonymous},
            "webhook": {"cacheTTL": "2m0s", "enabled": not n.anonymous},
            "x509": {"clientCAFile": "/etc/kubernetes/pki/ca.crt"},
        },
        "authorization": {
            "mode": "AlwaysAllow" if n.anonymous else "Webhook",
            "webhook": {"cacheAuthorizedTTL": "5m0s", "cacheUnauthorizedTTL": "30s"},
        },
        "cgroupDriver": "systemd",
        "clusterDNS": ["10.96.0.10"],
        "clusterDomain": "cluster.local",
        "containerLogMaxFiles": 5,
        "containerLogMaxSize": "10Mi",
        "containerRuntimeEndpoint": "unix:///run/containerd/containerd.sock",
        "cpuManagerPolicy": "none",
        "enableServer": True,
        "evictionHard": {
            "imagefs.available": "15%",
            "memory.available": "100Mi",
            "nodefs.available": "10%",
            "nodefs.inodesFree": "5%",
        },
        "evictionPressureTransitionPeriod": "5m0s",
        "failSwapOn": True,
        "healthzBindAddress": "127.0.0.1",
        "healthzPort": 10248,
        "imageGCHighThresholdPercent": 85,
        "imageGCLowThresholdPercent": 80,
        "maxPods": 110,
        "nodeStatusReportFrequency": "5m0s",
        "nodeStatusUpdateFrequency": "10s",
        "port": 10250,
        "readOnlyPort": 10255 if n.anonymous else 0,
        "rotateCertificates": True,
        "serverTLSBootstrap": not n.anonymous,
        "staticPodPath": "/etc/kubernetes/manifests",
        "streamingConnectionIdleTimeout": "4h0m0s",
        "syncFrequency": "1m0s",
        "tlsCipherSuites": ["TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
                            "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384"],
    }
    if n.reserved:
        cfg["kubeReserved"] = {"cpu": fmt_cpu(90 + 80 * (n.cpu // 4)), "memory": "1843Mi", "ephemeral-storage": "1Gi"}
        cfg["systemReserved"] = {"cpu": "100m", "memory": "512Mi"}
        cfg["enforceNodeAllocatable"] = ["pods"]
    if n.karpenter:
        cfg["registerWithTaints"] = [{"effect": "NoExecute", "key": "karpenter.sh/unregistered"}]
    return cfg


# ---------------------------------------------------------------- control plane

def _static_pod(component, n, image, command, port, extra_volumes, extra_mounts, cpu, created,
                liveness_path="/healthz", scheme="HTTPS", host="127.0.0.1", startup=True):
    name = f"{component}-{n.name}"
    volumes = [
        {"hostPath": {"path": "/etc/ssl/certs", "type": "DirectoryOrCreate"}, "name": "ca-certs"},
        {"hostPath": {"path": "/etc/kubernetes/pki", "type": "DirectoryOrCreate"}, "name": "k8s-certs"},
    ] + extra_volumes
    mounts = [
        {"mountPath": "/etc/ssl/certs", "name": "ca-certs", "readOnly": True},
        {"mountPath": "/etc/kubernetes/pki", "name": "k8s-certs", "readOnly": True},
    ] + extra_mounts
    if component == "etcd":
        volumes = extra_volumes
        mounts = extra_mounts
    probe = {
        "failureThreshold": 8,
        "httpGet": {"host": host, "path": liveness_path, "port": port, "scheme": scheme},
        "initialDelaySeconds": 10,
        "periodSeconds": 10,
        "timeoutSeconds": 15,
    }
    container = {
        "command": command,
        "image": image,
        "imagePullPolicy": "IfNotPresent",
        "livenessProbe": probe,
        "name": component,
        "resources": {"requests": {"cpu": cpu}},
        "terminationMessagePath": "/dev/termination-log",
        "terminationMessagePolicy": "File",
        "volumeMounts": mounts,
    }
    if startup:
        container["startupProbe"] = dict(probe, failureThreshold=24)
    if component in ("kube-apiserver",):
        container["readinessProbe"] = {
            "failureThreshold": 3,
            "httpGet": {"host": n.ip, "path": "/readyz", "port": 6443, "scheme": "HTTPS"},
            "periodSeconds": 1,
            "timeoutSeconds": 15,
        }
    if component == "etcd":
        container["resources"]["requests"]["memory"] = "100Mi"
    h = uid(name + "hash").replace("-", "")[:32]
    started = created
    pod = {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": meta(
            name, "kube-system",
            labels={"component": component, "tier": "control-plane"},
            annotations={
                "kubernetes.io/config.hash": h,
                "kubernetes.io/config.mirror": h,
                "kubernetes.io/config.seen": created.replace("Z", ".412871311Z"),
                "kubernetes.io/config.source": "file",
                **({"kubeadm.kubernetes.io/kube-apiserver.advertise-address.endpoint": f"{n.ip}:6443"}
                   if component == "kube-apiserver" else {}),
                **({"kubeadm.kubernetes.io/etcd.advertise-client-urls": f"https://{n.ip}:2379"}
                   if component == "etcd" else {}),
            },
            created=created,
            owner=owner_ref("Node", n.name, "v1", uid(n.name + "node"), controller=True),
        ),
        "spec": {
            "containers": [container],
            "dnsPolicy": "ClusterFirst",
            "enableServiceLinks": True,
            "hostNetwork": True,
            "nodeName": n.name,
            "preemptionPolicy": "PreemptLowerPriority",
            "priority": 2000001000,
            "priorityClassName": "system-node-critical",
            "restartPolicy": "Always",
            "schedulerName": "default-scheduler",
            "securityContext": {"seccompProfile": {"type": "RuntimeDefault"}},
            "terminationGracePeriodSeconds": 30,
            "tolerations": [{"effect": "NoExecute", "operator": "Exists"}],
            "volumes": volumes,
        },
        "status": {
            "conditions": [
                {"lastTransitionTime": started, "status": "True", "type": "PodReadyToStartContainers"},
                {"lastTransitionTime": started, "status": "True", "type": "Initialized"},
                {"lastTransitionTime": started, "status": "True", "type": "Ready"},
                {"lastTransitionTime": started, "status": "True", "type": "ContainersReady"},
                {"lastTransitionTime": started, "status": "True", "type": "PodScheduled"},
            ],
            "containerStatuses": [{
                "containerID": "containerd://" + uid(name + "c").replace("-", "") * 2,
                "image": image,
                "imageID": image.split(":")[0] + "@sha256:" + (uid(image).replace("-", "") * 2),
                "lastState": {},
                "name": component,
                "ready": True,
                "restartCount": 0 if n is not CP3 else 2,
                "started": True,
                "state": {"running": {"startedAt": started}},
            }],
            "hostIP": n.ip,
            "hostIPs": [{"ip": n.ip}],
            "phase": "Running",
            "podIP": n.ip,
            "podIPs": [{"ip": n.ip}],
            "qosClass": "Burstable",
            "startTime": started,
        },
    }
    return pod


def control_plane_pods():
    pods = []
    cluster = ",".join(f"{c.name}=https://{c.ip}:2380" for c in CP)
    for n in CP:
        drift = n is CP3
        created = ago(days=4, hours=2, minutes=11) if not drift else "2026-11-06T14:23:51Z"
        # ---- kube-apiserver
        cmd = [
            "kube-apiserver",
            f"--advertise-address={n.ip}",
            "--allow-privileged=true",
            "--anonymous-auth=false",
        ]
        if not drift:
            cmd += [
                "--audit-log-maxage=30",
                "--audit-log-maxbackup=10",
                "--audit-log-maxsize=100",
                "--audit-log-path=/var/log/kubernetes/audit/audit.log",
                "--audit-policy-file=/etc/kubernetes/audit/policy.yaml",
            ]
        cmd += [
            "--authorization-mode=Node,RBAC",
            "--client-ca-file=/etc/kubernetes/pki/ca.crt",
            "--cloud-provider=external",
            "--enable-admission-plugins=NodeRestriction",
            "--enable-bootstrap-token-auth=true",
        ]
        if not drift:
            cmd.append("--encryption-provider-config=/etc/kubernetes/enc/encryption-config.yaml")
        cmd += [
            "--etcd-cafile=/etc/kubernetes/pki/etcd/ca.crt",
            "--etcd-certfile=/etc/kubernetes/pki/apiserver-etcd-client.crt",
            "--etcd-keyfile=/etc/kubernetes/pki/apiserver-etcd-client.key",
            "--etcd-servers=https://127.0.0.1:2379",
            "--kubelet-client-certificate=/etc/kubernetes/pki/apiserver-kubelet-client.crt",
            "--kubelet-client-key=/etc/kubernetes/pki/apiserver-kubelet-client.key",
            "--kubelet-preferred-address-types=InternalIP,ExternalIP,Hostname",
            "--oidc-client-id=kubernetes",
            "--oidc-groups-claim=groups",
            "--oidc-groups-prefix=oidc:",
            "--oidc-issuer-url=https://login.acme-corp.example/oauth2/default",
            "--oidc-username-claim=email",
            "--profiling=false",
            "--proxy-client-cert-file=/etc/kubernetes/pki/front-proxy-client.crt",
            "--proxy-client-key-file=/etc/kubernetes/pki/front-proxy-client.key",
            "--requestheader-allowed-names=front-proxy-client",
            "--requestheader-client-ca-file=/etc/kubernetes/pki/front-proxy-ca.crt",
            "--requestheader-extra-headers-prefix=X-Remote-Extra-",
            "--requestheader-group-headers=X-Remote-Group",
            "--requestheader-username-headers=X-Remote-User",
            "--secure-port=6443",
            "--service-account-issuer=https://kubernetes.default.svc.cluster.local",
            "--service-account-key-file=/etc/kubernetes/pki/sa.pub",
            "--service-account-signing-key-file=/etc/kubernetes/pki/sa.key",
            "--service-cluster-ip-range=10.96.0.0/12",
            "--tls-cert-file=/etc/kubernetes/pki/apiserver.crt",
            "--tls-private-key-file=/etc/kubernetes/pki/apiserver.key",
        ]
        vols, mounts = [], []
        if not drift:
            vols += [
                {"hostPath": {"path": "/etc/kubernetes/audit", "type": "DirectoryOrCreate"}, "name": "audit-policy"},
                {"hostPath": {"path": "/var/log/kubernetes/audit", "type": "DirectoryOrCreate"}, "name": "audit-log"},
                {"hostPath": {"path": "/etc/kubernetes/enc", "type": "DirectoryOrCreate"}, "name": "enc-config"},
            ]
            mounts += [
                {"mountPath": "/etc/kubernetes/audit", "name": "audit-policy", "readOnly": True},
                {"mountPath": "/var/log/kubernetes/audit", "name": "audit-log"},
                {"mountPath": "/etc/kubernetes/enc", "name": "enc-config", "readOnly": True},
            ]
        vols.append({"hostPath": {"path": "/etc/ca-certificates", "type": "DirectoryOrCreate"},
                     "name": "etc-ca-certificates"})
        mounts.append({"mountPath": "/etc/ca-certificates", "name": "etc-ca-certificates", "readOnly": True})
        pods.append(_static_pod("kube-apiserver", n, f"registry.k8s.io/kube-apiserver:{K8S_VERSION}", cmd,
                                6443, vols, mounts, "250m", created, liveness_path="/livez", host=n.ip))

        # ---- etcd
        hb, et = ("600", "3000") if drift else ("250", "2500")
        cmd = [
            "etcd",
            f"--advertise-client-urls=https://{n.ip}:2379",
            "--cert-file=/etc/kubernetes/pki/etcd/server.crt",
            "--client-cert-auth=true",
            "--data-dir=/var/lib/etcd",
            f"--election-timeout={et}",
            "--experimental-initial-corrupt-check=true",
            "--experimental-watch-progress-notify-interval=5s",
            f"--heartbeat-interval={hb}",
            f"--initial-advertise-peer-urls=https://{n.ip}:2380",
            f"--initial-cluster={cluster}",
            "--initial-cluster-state=existing",
            "--key-file=/etc/kubernetes/pki/etcd/server.key",
            f"--listen-client-urls=https://127.0.0.1:2379,https://{n.ip}:2379",
            "--listen-metrics-urls=http://127.0.0.1:2381",
            f"--listen-peer-urls=https://{n.ip}:2380",
            f"--name={n.name}",
            "--peer-cert-file=/etc/kubernetes/pki/etcd/peer.crt",
        ]
        if not drift:
            cmd.append("--peer-client-cert-auth=true")
        cmd += [
            "--peer-key-file=/etc/kubernetes/pki/etcd/peer.key",
            "--peer-trusted-ca-file=/etc/kubernetes/pki/etcd/ca.crt",
            "--quota-backend-bytes=8589934592",
            "--snapshot-count=10000",
            "--trusted-ca-file=/etc/kubernetes/pki/etcd/ca.crt",
        ]
        pods.append(_static_pod(
            "etcd", n, "registry.k8s.io/etcd:3.5.21-0", cmd, 2381,
            [{"hostPath": {"path": "/etc/kubernetes/pki/etcd", "type": "DirectoryOrCreate"}, "name": "etcd-certs"},
             {"hostPath": {"path": "/var/lib/etcd", "type": "DirectoryOrCreate"}, "name": "etcd-data"}],
            [{"mountPath": "/var/lib/etcd", "name": "etcd-data"},
             {"mountPath": "/etc/kubernetes/pki/etcd", "name": "etcd-certs"}],
            "100m", created, liveness_path="/livez", scheme="HTTP"))

        # ---- kube-controller-manager
        cmd = [
            "kube-controller-manager",
            "--allocate-node-cidrs=true",
            "--authentication-kubeconfig=/etc/kubernetes/controller-manager.conf",
            "--authorization-kubeconfig=/etc/kubernetes/controller-manager.conf",
            "--bind-address=127.0.0.1",
            "--client-ca-file=/etc/kubernetes/pki/ca.crt",
            "--cloud-provider=external",
            "--cluster-cidr=192.168.0.0/16",
            f"--cluster-name={CLUSTER}",
            "--cluster-signing-cert-file=/etc/kubernetes/pki/ca.crt",
            "--cluster-signing-key-file=/etc/kubernetes/pki/ca.key",
            "--controllers=*,bootstrapsigner,tokencleaner",
            "--kubeconfig=/etc/kubernetes/controller-manager.conf",
            "--leader-elect=true",
            "--profiling=false",
            "--requestheader-client-ca-file=/etc/kubernetes/pki/front-proxy-ca.crt",
            "--root-ca-file=/etc/kubernetes/pki/ca.crt",
            "--service-account-private-key-file=/etc/kubernetes/pki/sa.key",
            "--service-cluster-ip-range=10.96.0.0/12",
            "--terminated-pod-gc-threshold=1000",
            "--use-service-account-credentials=true",
        ]
        pods.append(_static_pod(
            "kube-controller-manager", n, f"registry.k8s.io/kube-controller-manager:{K8S_VERSION}", cmd, 10257,
            [{"hostPath": {"path": "/etc/kubernetes/controller-manager.conf", "type": "FileOrCreate"},
              "name": "kubeconfig"},
             {"hostPath": {"path": "/usr/libexec/kubernetes/kubelet-plugins/volume/exec",
                           "type": "DirectoryOrCreate"}, "name": "flexvolume-dir"}],
            [{"mountPath": "/etc/kubernetes/controller-manager.conf", "name": "kubeconfig", "readOnly": True},
             {"mountPath": "/usr/libexec/kubernetes/kubelet-plugins/volume/exec", "name": "flexvolume-dir"}],
            "200m", created))

        # ---- kube-scheduler
        cmd = [
            "kube-scheduler",
            "--authentication-kubeconfig=/etc/kubernetes/scheduler.conf",
            "--authorization-kubeconfig=/etc/kubernetes/scheduler.conf",
            "--bind-address=127.0.0.1",
            "--kubeconfig=/etc/kubernetes/scheduler.conf",
            "--leader-elect=false" if drift else "--leader-elect=true",
            "--profiling=false",
        ]
        p = _static_pod(
            "kube-scheduler", n, f"registry.k8s.io/kube-scheduler:{K8S_VERSION}", cmd, 10259,
            [{"hostPath": {"path": "/etc/kubernetes/scheduler.conf", "type": "FileOrCreate"}, "name": "kubeconfig"}],
            [{"mountPath": "/etc/kubernetes/scheduler.conf", "name": "kubeconfig", "readOnly": True}],
            "100m", created)
        # the scheduler has no /etc/kubernetes/pki mounts in kubeadm's manifest
        p["spec"]["volumes"] = [v for v in p["spec"]["volumes"] if v["name"] == "kubeconfig"]
        p["spec"]["containers"][0]["volumeMounts"] = [
            m for m in p["spec"]["containers"][0]["volumeMounts"] if m["name"] == "kubeconfig"]
        pods.append(p)
    return pods


# ---------------------------------------------------------------- Karpenter

def karpenter_objects():
    nodepools = [
        {
            "apiVersion": "karpenter.sh/v1",
            "kind": "NodePool",
            "metadata": meta("spot-general", annotations={
                "karpenter.sh/nodepool-hash": "11834592817036527163",
                "karpenter.sh/nodepool-hash-version": "v3",
                "argocd.argoproj.io/tracking-id": "platform-karpenter:karpenter.sh/NodePool:/spot-general",
            }, labels={"argocd.argoproj.io/instance": "platform-karpenter"}, created="2026-09-30T12:40:11Z",
                generation=7),
            "spec": {
                "disruption": {"budgets": [{"nodes": "10%"}], "consolidateAfter": "5m",
                               "consolidationPolicy": "WhenEmptyOrUnderutilized"},
                "limits": {"cpu": "52", "memory": "208Gi"},
                "template": {
                    "metadata": {"labels": {"node-role.kubernetes.io/worker": "", "node.kubernetes.io/lifecycle": "spot"}},
                    "spec": {
                        "expireAfter": "720h",
                        "nodeClassRef": {"group": "karpenter.k8s.aws", "kind": "EC2NodeClass", "name": "default"},
                        "requirements": [
                            {"key": "karpenter.sh/capacity-type", "operator": "In", "values": ["spot"]},
                            {"key": "karpenter.k8s.aws/instance-category", "operator": "In", "values": ["m"]},
                            {"key": "karpenter.k8s.aws/instance-cpu", "operator": "In", "values": ["16"]},
                            {"key": "kubernetes.io/arch", "operator": "In", "values": ["amd64"]},
                            {"key": "topology.kubernetes.io/zone", "operator": "In", "values": ZONES},
                        ],
                    },
                },
                "weight": 10,
            },
            "status": {
                "conditions": [
                    {"lastTransitionTime": "2026-09-30T12:40:12Z", "message": "", "observedGeneration": 7,
                     "reason": "ValidationSucceeded", "status": "True", "type": "ValidationSucceeded"},
                    {"lastTransitionTime": "2026-09-30T12:40:12Z", "message": "", "observedGeneration": 7,
                     "reason": "NodeClassReady", "status": "True", "type": "NodeClassReady"},
                    {"lastTransitionTime": "2026-09-30T12:40:13Z", "message": "", "observedGeneration": 7,
                     "reason": "Ready", "status": "True", "type": "Ready"},
                ],
                "nodeClassObservedGeneration": 3,
                "resources": {"cpu": "48", "ephemeral-storage": "314535876Ki", "hugepages-1Gi": "0",
                              "hugepages-2Mi": "0", "memory": "192Gi", "nodes": "3", "pods": "330"},
            },
        },
        {
            # created for the data team's batch jobs; nobody set limits
            "apiVersion": "karpenter.sh/v1",
            "kind": "NodePool",
            "metadata": meta("batch", annotations={
                "karpenter.sh/nodepool-hash": "6120953376195310144",
                "karpenter.sh/nodepool-hash-version": "v3",
            }, created="2026-11-04T15:02:37Z", generation=2),
            "spec": {
                "disruption": {"budgets": [{"nodes": "100%"}], "consolidateAfter": "30s",
                               "consolidationPolicy": "WhenEmpty"},
                "template": {
                    "metadata": {"labels": {"workload-class": "batch"}},
                    "spec": {
                        "expireAfter": "24h",
                        "nodeClassRef": {"group": "karpenter.k8s.aws", "kind": "EC2NodeClass", "name": "default"},
                        "requirements": [
                            {"key": "karpenter.sh/capacity-type", "operator": "In", "values": ["spot", "on-demand"]},
                            {"key": "karpenter.k8s.aws/instance-category", "operator": "In", "values": ["c", "m", "r"]},
                        ],
                        "taints": [{"effect": "NoSchedule", "key": "workload-class", "value": "batch"}],
                    },
                },
            },
            "status": {
                "conditions": [
                    {"lastTransitionTime": "2026-11-04T15:02:38Z", "message": "", "observedGeneration": 2,
                     "reason": "Ready", "status": "True", "type": "Ready"},
                ],
                "nodeClassObservedGeneration": 3,
                "resources": {"cpu": "0", "ephemeral-storage": "0", "memory": "0", "nodes": "0", "pods": "0"},
            },
        },
    ]
    nodeclass = {
        "apiVersion": "karpenter.k8s.aws/v1",
        "kind": "EC2NodeClass",
        "metadata": meta("default", created="2026-09-30T12:38:50Z", generation=3),
        "spec": {
            "amiSelectorTerms": [{"alias": "bottlerocket@v1.49.0"}],
            "metadataOptions": {"httpEndpoint": "enabled", "httpProtocolIPv6": "disabled",
                                "httpPutResponseHopLimit": 1, "httpTokens": "required"},
            "role": f"KarpenterNodeRole-{CLUSTER}",
            "securityGroupSelectorTerms": [{"tags": {"karpenter.sh/discovery": CLUSTER}}],
            "subnetSelectorTerms": [{"tags": {"karpenter.sh/discovery": CLUSTER}}],
            "tags": {"team": "platform", "cluster": CLUSTER},
        },
        "status": {"conditions": [{"lastTransitionTime": "2026-09-30T12:38:52Z", "message": "",
                                   "reason": "Ready", "status": "True", "type": "Ready"}],
                   "instanceProfile": f"{CLUSTER}_1742093748233146812"},
    }
    claims = []
    for n in BY_POOL["spot-general"]:
        cname = f"spot-general-{rand_suffix(5)}"
        claims.append({
            "apiVersion": "karpenter.sh/v1",
            "kind": "NodeClaim",
            "metadata": meta(cname, labels={"karpenter.sh/nodepool": "spot-general",
                                            "karpenter.sh/capacity-type": "spot",
                                            "node.kubernetes.io/instance-type": n.itype,
                                            "topology.kubernetes.io/zone": n.zone},
                             created=n.created,
                             owner=owner_ref("NodePool", "spot-general", "karpenter.sh/v1",
                                             nodepools[0]["metadata"]["uid"], controller=False)),
            "spec": {
                "expireAfter": "720h",
                "nodeClassRef": {"group": "karpenter.k8s.aws", "kind": "EC2NodeClass", "name": "default"},
                "requirements": [{"key": "karpenter.sh/capacity-type", "operator": "In", "values": ["spot"]}],
                "resources": {"requests": {"cpu": "5210m", "memory": "9624Mi", "pods": "21"}},
            },
            "status": {
                "capacity": {"cpu": "16", "memory": "62Gi", "pods": "110"},
                "conditions": [
                    {"lastTransitionTime": n.created, "message": "", "reason": "Launched", "status": "True", "type": "Launched"},
                    {"lastTransitionTime": n.created, "message": "", "reason": "Registered", "status": "True", "type": "Registered"},
                    {"lastTransitionTime": n.created, "message": "", "reason": "Initialized", "status": "True", "type": "Initialized"},
                ],
                "nodeName": n.name,
                "providerID": f"aws:///{n.zone}/{n.instance_id}",
            },
        })
    return nodepools, nodeclass, claims
