"""Platform add-ons: kube-system, monitoring, logging, velero, argocd, ingress,
cert-manager, external-secrets, trivy, gpu-operator, CI runners."""

from base import CLUSTER, ECR, REGION, ago, uid
from nodes import BY_POOL, CP, NODES
from teams import daily, env, every, field_env
from workloads import App

ALL = NODES
WORKERS_UNTAINTED = [n for n in NODES if not any(t["effect"] == "NoSchedule" and not t["key"].startswith("node.kubernetes.io")
                                                 for t in n.taints)]
GPU = BY_POOL["gpu"]
NOT_GPU = [n for n in NODES if not n.gpu]

TOLERATE_ALL = [{"operator": "Exists"}]
CP_TOL = [{"effect": "NoSchedule", "key": "node-role.kubernetes.io/control-plane", "operator": "Exists"}]
CRITICAL_ADDON = [{"key": "CriticalAddonsOnly", "operator": "Exists"}]


def hp(name, path, mount, ro=True, type_=""):
    return {"name": name, "path": path, "mount": mount, "ro": ro, "type": type_}


def sys_app(ns, name, kind="Deployment", replicas=1, **kw):
    kw.setdefault("gitops", False)
    kw.setdefault("cost_labels", True)
    kw.setdefault("team", "platform")
    return App(ns, name, kind, replicas, **kw)


def plat(ns, name, kind="Deployment", replicas=1, **kw):
    kw.setdefault("gitops", f"platform-{ns}")
    kw.setdefault("team", "platform")
    kw.setdefault("priority", "platform-high")
    return App(ns, name, kind, replicas, **kw)


PROM_OWNER = {"apiVersion": "monitoring.coreos.com/v1", "blockOwnerDeletion": True, "controller": True,
              "kind": "Prometheus", "name": "k8s", "uid": uid("monitoring/prometheus/k8s")}
AM_OWNER = {"apiVersion": "monitoring.coreos.com/v1", "blockOwnerDeletion": True, "controller": True,
            "kind": "Alertmanager", "name": "main", "uid": uid("monitoring/alertmanager/main")}

CA_COMMAND = [
    "./cluster-autoscaler",
    "--cloud-provider=aws",
    "--namespace=kube-system",
    f"--nodes=3:6:{CLUSTER}-general",
    f"--nodes=1:2:{CLUSTER}-memory",
    f"--nodes=1:2:{CLUSTER}-gpu-a",
    "--balance-similar-node-groups=true",
    "--expander=least-waste",
    "--scale-down-delay-after-add=10m",
    "--scale-down-unneeded-time=10m",
    "--scale-down-utilization-threshold=0.5",
    "--skip-nodes-with-local-storage=false",
    "--skip-nodes-with-system-pods=false",
    "--max-node-provision-time=15m",
    "--write-status-configmap=true",
    "--status-config-map-name=cluster-autoscaler-status",
    "--v=4",
]

ETCD_BACKUP_SCRIPT = """set -euo pipefail
ts=$(date -u +%Y%m%dT%H%M%SZ)
ETCDCTL_API=3 etcdctl snapshot save /var/backups/etcd/snapshot-${ts}.db \\
  --endpoints=https://127.0.0.1:2379 \\
  --cacert=/etc/kubernetes/pki/etcd/ca.crt \\
  --cert=/etc/kubernetes/pki/etcd/healthcheck-client.crt \\
  --key=/etc/kubernetes/pki/etcd/healthcheck-client.key
etcdutl snapshot status /var/backups/etcd/snapshot-${ts}.db -w table
aws s3 cp --sse aws:kms /var/backups/etcd/snapshot-${ts}.db s3://acme-prod-eu-west-etcd-backups/CLUSTER/
find /var/backups/etcd -name 'snapshot-*.db' -mtime +2 -delete
""".replace("CLUSTER", CLUSTER)


def sec(uid_=65532, ro=True):
    return dict(secure=True, ro_root=ro)


PLATFORM = [
    # ------------------------------------------------------------- kube-system
    sys_app("kube-system", "coredns", replicas=2, image="registry.k8s.io/coredns/coredns:v1.12.0",
            version="1.12.0", port=None, cpu="100m", mem="70Mi", mem_limit="170Mi", priority="system-cluster-critical",
            ports=[{"containerPort": 53, "name": "dns", "protocol": "UDP"},
                   {"containerPort": 53, "name": "dns-tcp", "protocol": "TCP"},
                   {"containerPort": 9153, "name": "metrics", "protocol": "TCP"}],
            args=["-conf", "/etc/coredns/Corefile"], non_root=False, caps_add=["NET_BIND_SERVICE"],
            tolerations=CRITICAL_ADDON + CP_TOL, nodes=CP[:2], extra_labels={"k8s-app": "kube-dns"},
            sa="coredns", pdb=("maxUnavailable", 1)),
    sys_app("kube-system", "calico-kube-controllers", image="docker.io/calico/kube-controllers:v3.29.1",
            version="3.29.1", port=None, cpu="50m", mem="64Mi", priority="system-cluster-critical",
            tolerations=CRITICAL_ADDON + CP_TOL, nodes=[CP[1]], extra_labels={"k8s-app": "calico-kube-controllers"}),
    sys_app("kube-system", "calico-node", "DaemonSet", image="docker.io/calico/node:v3.29.1", version="3.29.1",
            port=None, cpu="250m", mem=None, mem_limit=None, secure=False, privileged=True, host_network=True,
            priority="system-node-critical", tolerations=TOLERATE_ALL, sa="calico-node",
            host_paths=[hp("lib-modules", "/lib/modules", "/lib/modules"),
                        hp("var-run-calico", "/var/run/calico", "/var/run/calico", ro=False),
                        hp("cni-net-dir", "/etc/cni/net.d", "/host/etc/cni/net.d", ro=False)],
            extra_labels={"k8s-app": "calico-node"}),
    sys_app("kube-system", "kube-proxy", "DaemonSet", image=f"registry.k8s.io/kube-proxy:v1.33.4", version="1.33.4",
            port=None, cpu=None, mem=None, mem_limit=None, secure=False, privileged=True, host_network=True,
            priority="system-node-critical", tolerations=TOLERATE_ALL, liveness=False, readiness=False,
            command=["/usr/local/bin/kube-proxy", "--config=/var/lib/kube-proxy/config.conf",
                     "--hostname-override=$(NODE_NAME)"], env=[field_env("NODE_NAME", "spec.nodeName")],
            host_paths=[hp("xtables-lock", "/run/xtables.lock", "/run/xtables.lock", ro=False, type_="FileOrCreate"),
                        hp("lib-modules", "/lib/modules", "/lib/modules")],
            extra_labels={"k8s-app": "kube-proxy"}, sa="kube-proxy"),
    sys_app("kube-system", "ebs-csi-controller", replicas=2,
            image="public.ecr.aws/ebs-csi-driver/aws-ebs-csi-driver:v1.37.0", version="1.37.0", port=None,
            cpu="10m", mem="40Mi", mem_limit="256Mi", tolerations=CRITICAL_ADDON, nodes=BY_POOL["general"],
            pdb=("maxUnavailable", 1), priority="system-cluster-critical", sa="ebs-csi-controller-sa"),
    sys_app("kube-system", "ebs-csi-node", "DaemonSet", image="public.ecr.aws/ebs-csi-driver/aws-ebs-csi-driver:v1.37.0",
            version="1.37.0", port=None, cpu="10m", mem="40Mi", mem_limit="256Mi", secure=False, privileged=True,
            priority="system-node-critical", tolerations=TOLERATE_ALL, sa="ebs-csi-node-sa",
            host_paths=[hp("kubelet-dir", "/var/lib/kubelet", "/var/lib/kubelet", ro=False, type_="Directory"),
                        hp("device-dir", "/dev", "/dev", ro=False, type_="Directory")]),
    sys_app("kube-system", "aws-cloud-controller-manager", "DaemonSet",
            image="registry.k8s.io/provider-aws/cloud-controller-manager:v1.33.1", version="1.33.1", port=None,
            cpu="200m", mem=None, mem_limit=None, host_network=True, ds_nodes=CP, tolerations=CP_TOL + [
                {"effect": "NoSchedule", "key": "node.cloudprovider.kubernetes.io/uninitialized", "value": "true"}],
            node_selector={"node-role.kubernetes.io/control-plane": ""}, priority="system-node-critical",
            args=["--v=2", "--cloud-provider=aws", "--use-service-account-credentials=true",
                  "--configure-cloud-routes=false"], sa="cloud-controller-manager",
            extra_labels={"k8s-app": "aws-cloud-controller-manager"}),
    sys_app("kube-system", "metrics-server", replicas=2, image="registry.k8s.io/metrics-server/metrics-server:v0.7.2",
            version="0.7.2", port=10250, cpu="100m", mem="200Mi", priority="system-cluster-critical",
            probe_path="/livez", probe_port="https", probe_scheme="HTTPS",
            ports=[{"containerPort": 10250, "name": "https", "protocol": "TCP"}],
            args=["--cert-dir=/tmp", "--secure-port=10250", "--kubelet-preferred-address-types=InternalIP",
                  "--kubelet-use-node-status-port", "--metric-resolution=15s"], nodes=BY_POOL["general"],
            pdb=("minAvailable", 1), extra_labels={"k8s-app": "metrics-server"}, svc_port=443),
    sys_app("kube-system", "cluster-autoscaler", image="registry.k8s.io/autoscaling/cluster-autoscaler:v1.33.0",
            version="1.33.0", port=8085, cpu="100m", mem="600Mi", priority="system-cluster-critical",
            command=CA_COMMAND, probe_path="/health-check", nodes=[BY_POOL["general"][0]],
            template_annotations={"cluster-autoscaler.kubernetes.io/safe-to-evict": "false"},
            extra_labels={"app.kubernetes.io/instance": "cluster-autoscaler"}, managed_by="Helm",
            env=[env("AWS_REGION", REGION)]),
    sys_app("kube-system", "karpenter", replicas=2, image="public.ecr.aws/karpenter/controller:1.5.0@sha256:"
            "8b3b4d1f5e2a9c7d6b0e4f1a2c3d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d", version="1.5.0", port=8080,
            cpu="500m", mem="1Gi", mem_limit="x1", priority="system-cluster-critical", pdb=("maxUnavailable", 1),
            ports=[{"containerPort": 8080, "name": "http-metrics", "protocol": "TCP"},
                   {"containerPort": 8081, "name": "http", "protocol": "TCP"}],
            env=[env("CLUSTER_NAME", CLUSTER), env("KUBERNETES_MIN_VERSION", "1.19.0-0"),
                 env("BATCH_MAX_DURATION", "10s"), env("FEATURE_GATES", "SpotToSpotConsolidation=true")],
            nodes=BY_POOL["general"][1:], managed_by="Helm", sa="karpenter"),
    sys_app("kube-system", "etcd-snapshot", "CronJob", schedule="0 */6 * * *",
            image=f"{ECR}/platform/etcd-backup:3.5.21-2", version="3.5.21-2", port=None, cpu="100m", mem="256Mi",
            command=["/bin/sh", "-c", ETCD_BACKUP_SCRIPT], secure=False, host_network=True,
            node_selector={"node-role.kubernetes.io/control-plane": ""}, tolerations=CP_TOL, nodes=[CP[0]],
            host_paths=[hp("etcd-certs", "/etc/kubernetes/pki/etcd", "/etc/kubernetes/pki/etcd", type_="Directory"),
                        hp("backup", "/var/backups/etcd", "/var/backups/etcd", ro=False, type_="DirectoryOrCreate")],
            job_history=every(360, 3, duration=48), priority="system-cluster-critical", sa="etcd-backup"),

    # ------------------------------------------------------------- monitoring
    plat("monitoring", "prometheus-operator", image="quay.io/prometheus-operator/prometheus-operator:v0.78.1",
         version="0.78.1", cpu="100m", mem="128Mi", args=["--kubelet-service=kube-system/kubelet",
                                                          "--prometheus-config-reloader=quay.io/prometheus-operator/prometheus-config-reloader:v0.78.1"],
         vuln=(0, 0, 0, 1)),
    plat("monitoring", "prometheus-k8s", "StatefulSet", 2, image="quay.io/prometheus/prometheus:v2.55.1",
         version="2.55.1", port=9090, cpu="1", mem="8Gi", mem_limit="x1", pvc={"size": "200Gi", "mount": "/prometheus"},
         crd_owner=PROM_OWNER, probe_path="/-/healthy", sa="prometheus-k8s", pdb=("maxUnavailable", 1),
         args=["--web.console.templates=/etc/prometheus/consoles", "--storage.tsdb.retention.time=15d",
               "--config.file=/etc/prometheus/config_out/prometheus.env.yaml", "--storage.tsdb.path=/prometheus",
               "--web.enable-lifecycle", "--web.route-prefix=/"],
         extra_labels={"app.kubernetes.io/instance": "k8s", "prometheus": "k8s"}, component="prometheus",
         container_name="prometheus", vuln=(0, 0, 1, 2), mem_usage=0.74),
    plat("monitoring", "alertmanager-main", "StatefulSet", 3, image="quay.io/prometheus/alertmanager:v0.27.0",
         version="0.27.0", port=9093, cpu="50m", mem="128Mi", pvc={"size": "5Gi", "mount": "/alertmanager"},
         crd_owner=AM_OWNER, probe_path="/-/healthy", sa="alertmanager-main", pdb=("maxUnavailable", 1),
         extra_labels={"app.kubernetes.io/instance": "main", "alertmanager": "main"}, component="alert-router",
         container_name="alertmanager"),
    plat("monitoring", "kube-state-metrics", replicas=2,
         image="registry.k8s.io/kube-state-metrics/kube-state-metrics:v2.14.0", version="2.14.0", cpu="100m",
         mem="256Mi", pdb=("maxUnavailable", 1), probe_path="/livez"),
    plat("monitoring", "node-exporter", "DaemonSet", image="quay.io/prometheus/node-exporter:v1.8.2",
         version="1.8.2", port=9100, cpu="100m", mem="180Mi", host_network=True, host_pid=True,
         tolerations=TOLERATE_ALL, probe_path="/", priority="system-node-critical",
         args=["--web.listen-address=127.0.0.1:9100", "--path.sysfs=/host/sys", "--path.rootfs=/host/root",
               "--path.procfs=/host/proc", "--no-collector.wifi", "--no-collector.hwmon"],
         host_paths=[hp("sys", "/sys", "/host/sys"), hp("root", "/", "/host/root"), hp("proc", "/proc", "/host/proc")],
         non_root=False, vuln=(0, 0, 0, 0), sa="node-exporter"),
    plat("monitoring", "grafana", replicas=2, image="docker.io/grafana/grafana:11.3.1", version="11.3.1",
         port=3000, cpu="100m", mem="256Mi", pdb=("maxUnavailable", 1), probe_path="/api/health",
         env=[{"name": "GF_SECURITY_ADMIN_PASSWORD",
               "valueFrom": {"secretKeyRef": {"key": "admin-password", "name": "grafana-admin"}}},
              env("GF_AUTH_GENERIC_OAUTH_ENABLED", "true")], vuln=(0, 1, 2, 6)),
    plat("monitoring", "blackbox-exporter", image="quay.io/prometheus/blackbox-exporter:v0.25.0", version="0.25.0",
         port=9115, cpu="20m", mem="40Mi", probe_path="/-/healthy"),

    # ------------------------------------------------------------- logging
    # fluent-bit does not tolerate the GPU node's taint: that node's logs are not shipped
    plat("logging", "fluent-bit", "DaemonSet", image="cr.fluentbit.io/fluent/fluent-bit:3.2.2", version="3.2.2",
         port=2020, cpu="100m", mem="128Mi", probe_path="/api/v1/health", non_root=False, ro_root=True,
         tolerations=[{"effect": "NoSchedule", "key": "node-role.kubernetes.io/control-plane", "operator": "Exists"},
                      {"effect": "NoSchedule", "key": "workload-class", "operator": "Exists"}],
         ds_nodes=NOT_GPU, priority="system-node-critical",
         host_paths=[hp("varlog", "/var/log", "/var/log"),
                     hp("varlibcontainers", "/var/lib/containerd/io.containerd.grpc.v1.cri/containers",
                        "/var/lib/containerd/io.containerd.grpc.v1.cri/containers"),
                     hp("etcmachineid", "/etc/machine-id", "/etc/machine-id", type_="File")],
         vuln=(0, 0, 1, 3), sa="fluent-bit"),
    plat("logging", "loki", "StatefulSet", 3, image="docker.io/grafana/loki:3.3.1", version="3.3.1", port=3100,
         cpu="500m", mem="2Gi", pvc={"size": "50Gi", "mount": "/var/loki"}, pdb=("maxUnavailable", 1),
         probe_path="/ready", args=["-config.file=/etc/loki/config/config.yaml", "-target=all"],
         component="single-binary"),
    plat("logging", "loki-gateway", replicas=2, image="docker.io/nginxinc/nginx-unprivileged:1.27.2-alpine",
         version="1.27.2", cpu="50m", mem="64Mi", pdb=("maxUnavailable", 1), component="gateway"),

    # ------------------------------------------------------------- velero
    plat("velero", "velero", image="velero/velero:v1.15.0", version="1.15.0", port=8085, cpu="500m", mem="512Mi",
         command=["/velero"], args=["server", "--uploader-type=kopia", "--default-volumes-to-fs-backup=false",
                                    "--features=EnableCSI"], probe_path="/metrics",
         init=[{"image": "velero/velero-plugin-for-aws:v1.11.0", "imagePullPolicy": "IfNotPresent",
                "name": "velero-plugin-for-aws", "resources": {},
                "terminationMessagePath": "/dev/termination-log", "terminationMessagePolicy": "File",
                "volumeMounts": [{"mountPath": "/target", "name": "plugins"}]}],
         volumes=[{"emptyDir": {}, "name": "plugins"}], mounts=[{"mountPath": "/plugins", "name": "plugins"}],
         env=[env("AWS_SHARED_CREDENTIALS_FILE", "/credentials/cloud"), env("VELERO_NAMESPACE", "velero")],
         vuln=(0, 0, 1, 1)),
    plat("velero", "node-agent", "DaemonSet", image="velero/velero:v1.15.0", version="1.15.0", port=None,
         cpu="500m", mem="512Mi", command=["/velero"], args=["node-agent", "server"], non_root=False,
         ds_nodes=WORKERS_UNTAINTED, sa="velero", liveness=False, readiness=False,
         host_paths=[hp("host-pods", "/var/lib/kubelet/pods", "/host_pods", ro=False),
                     hp("host-plugins", "/var/lib/kubelet/plugins", "/var/lib/kubelet/plugins", ro=False)]),

    # ------------------------------------------------------------- argocd
    plat("argocd", "argocd-server", replicas=2, image="quay.io/argoproj/argocd:v2.13.1", version="2.13.1",
         cpu="100m", mem="256Mi", pdb=("maxUnavailable", 1), gitops="argocd", component="server",
         args=["/usr/local/bin/argocd-server", "--insecure"], part_of="argocd", vuln=(0, 1, 3, 5)),
    plat("argocd", "argocd-repo-server", replicas=2, image="quay.io/argoproj/argocd:v2.13.1", version="2.13.1",
         port=8081, cpu="250m", mem="512Mi", pdb=("maxUnavailable", 1), gitops="argocd", component="repo-server",
         part_of="argocd"),
    plat("argocd", "argocd-application-controller", "StatefulSet", 1, image="quay.io/argoproj/argocd:v2.13.1",
         version="2.13.1", port=8082, cpu="500m", mem="1Gi", gitops="argocd", component="application-controller",
         part_of="argocd", args=["/usr/local/bin/argocd-application-controller"], probe_path="/healthz"),
    plat("argocd", "argocd-redis", image="public.ecr.aws/docker/library/redis:7.4.1-alpine", version="7.4.1",
         port=6379, cpu="100m", mem="128Mi", gitops="argocd", component="redis", part_of="argocd",
         ports=[{"containerPort": 6379, "name": "redis", "protocol": "TCP"}], probe_port="redis", readiness=False,
         liveness=False),
    plat("argocd", "argocd-applicationset-controller", image="quay.io/argoproj/argocd:v2.13.1", version="2.13.1",
         port=7000, cpu="100m", mem="128Mi", gitops="argocd", component="applicationset-controller",
         part_of="argocd"),
    plat("argocd", "argocd-notifications-controller", image="quay.io/argoproj/argocd:v2.13.1", version="2.13.1",
         port=9001, cpu="50m", mem="64Mi", gitops="argocd", component="notifications-controller", part_of="argocd"),
    plat("argocd", "argocd-dex-server", image="ghcr.io/dexidp/dex:v2.41.1", version="2.41.1", port=5556,
         cpu="50m", mem="64Mi", gitops="argocd", component="dex-server", part_of="argocd"),

    # ------------------------------------------------------------- ingress-nginx
    plat("ingress-nginx", "ingress-nginx-controller", replicas=3,
         image="registry.k8s.io/ingress-nginx/controller:v1.11.3@sha256:"
               "d56f135b6462cfc476447cfe564b83a45e8bb7da2774963b00d12161112270b7", version="1.11.3",
         port=80, cpu="200m", mem="256Mi", pdb=("maxUnavailable", 1), hpa={"min": 3, "max": 10},
         ro_root=False, caps_add=["NET_BIND_SERVICE"], non_root=False, component="controller",
         ports=[{"containerPort": 80, "name": "http", "protocol": "TCP"},
                {"containerPort": 443, "name": "https", "protocol": "TCP"},
                {"containerPort": 8443, "name": "webhook", "protocol": "TCP"}],
         probe_path="/healthz", svc_type="LoadBalancer",
         args=["/nginx-ingress-controller", "--publish-service=$(POD_NAMESPACE)/ingress-nginx-controller",
               "--election-id=ingress-nginx-leader", "--controller-class=k8s.io/ingress-nginx",
               "--ingress-class=nginx", "--configmap=$(POD_NAMESPACE)/ingress-nginx-controller"],
         env=[field_env("POD_NAME", "metadata.name"), field_env("POD_NAMESPACE", "metadata.namespace")],
         vuln=(0, 0, 2, 4), sa="ingress-nginx"),

    # ------------------------------------------------------------- cert-manager
    plat("cert-manager", "cert-manager", replicas=2, image="quay.io/jetstack/cert-manager-controller:v1.16.2",
         version="1.16.2", port=9402, cpu="50m", mem="128Mi", pdb=("maxUnavailable", 1), component="controller",
         probe_path="/livez"),
    plat("cert-manager", "cert-manager-cainjector", image="quay.io/jetstack/cert-manager-cainjector:v1.16.2",
         version="1.16.2", port=None, cpu="20m", mem="128Mi", component="cainjector", liveness=False),
    plat("cert-manager", "cert-manager-webhook", replicas=2, image="quay.io/jetstack/cert-manager-webhook:v1.16.2",
         version="1.16.2", port=10250, cpu="20m", mem="64Mi", pdb=("maxUnavailable", 1), component="webhook",
         probe_path="/livez"),

    # ------------------------------------------------------------- external-secrets
    plat("external-secrets", "external-secrets", replicas=2,
         image="oci.external-secrets.io/external-secrets/external-secrets:v0.10.7", version="0.10.7", port=8080,
         cpu="50m", mem="128Mi", pdb=("maxUnavailable", 1), probe_path="/metrics", vuln=(0, 0, 0, 2)),
    plat("external-secrets", "external-secrets-cert-controller",
         image="oci.external-secrets.io/external-secrets/external-secrets:v0.10.7", version="0.10.7", port=8081,
         cpu="20m", mem="64Mi", probe_path="/readyz", args=["certcontroller"]),
    plat("external-secrets", "external-secrets-webhook", replicas=2,
         image="oci.external-secrets.io/external-secrets/external-secrets:v0.10.7", version="0.10.7", port=10250,
         cpu="20m", mem="64Mi", pdb=("maxUnavailable", 1), probe_path="/readyz", args=["webhook"]),

    # ------------------------------------------------------------- trivy-operator
    plat("trivy-system", "trivy-operator", image="mirror.gcr.io/aquasec/trivy-operator:0.24.1", version="0.24.1",
         port=8080, cpu="100m", mem="512Mi", probe_path="/healthz/", mem_limit="1Gi",
         env=[env("OPERATOR_VULNERABILITY_SCANNER_ENABLED", "true"),
              env("OPERATOR_SCAN_JOB_TIMEOUT", "5m"), env("OPERATOR_CONCURRENT_SCAN_JOBS_LIMIT", "3")]),

    # ------------------------------------------------------------- gpu-operator (privileged by design, suppressed)
    plat("gpu-operator", "nvidia-device-plugin-daemonset", "DaemonSet",
         image="nvcr.io/nvidia/k8s-device-plugin:v0.17.0", version="0.17.0", port=None, cpu="50m", mem="64Mi",
         secure=False, privileged=True, ds_nodes=GPU, liveness=False, readiness=False,
         tolerations=[{"effect": "NoSchedule", "key": "nvidia.com/gpu", "operator": "Exists"}],
         node_selector={"nvidia.com/gpu.present": "true"}, priority="system-node-critical",
         host_paths=[hp("device-plugin", "/var/lib/kubelet/device-plugins", "/var/lib/kubelet/device-plugins",
                        ro=False)],
         annotations={"kready.io/ignore": "security/privileged,security/host-path,security/run-as-non-root"}),
    plat("gpu-operator", "nvidia-dcgm-exporter", "DaemonSet",
         image="nvcr.io/nvidia/k8s/dcgm-exporter:3.3.8-3.6.0-ubuntu22.04", version="3.3.8", port=9400,
         cpu="100m", mem="256Mi", secure=False, ds_nodes=GPU, caps_add=["SYS_ADMIN"], probe_path="/health",
         tolerations=[{"effect": "NoSchedule", "key": "nvidia.com/gpu", "operator": "Exists"}],
         node_selector={"nvidia.com/gpu.present": "true"}),

    # ------------------------------------------------------------- CI runners
    plat("ci-runners", "gitlab-runner", image="registry.gitlab.com/gitlab-org/gitlab-runner:alpine-v17.5.3",
         version="17.5.3", port=9252, cpu="100m", mem="128Mi", probe_path="/metrics", priority=None,
         gitops="platform-ci", sa="gitlab-runner", vuln=(0, 0, 0, 3)),
]
