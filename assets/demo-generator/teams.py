"""The product teams' namespaces: mostly good practice, with the lapses a real
production cluster accumulates (see ../demo/README.md for the list)."""

from base import ECR, ago
from nodes import BY_POOL, CP3, node_by_ip
from workloads import App

GEN = BY_POOL["general"]
MEM = BY_POOL["memory"]
SPOT = BY_POOL["spot-general"]
SPOT_OK = [n for n in SPOT if n.ready]
SPOT_DOWN = next(n for n in SPOT if not n.ready)


def secret_env(name, secret, key):
    return {"name": name, "valueFrom": {"secretKeyRef": {"key": key, "name": secret}}}


def env(name, value):
    return {"name": name, "value": value}


def field_env(name, path):
    return {"name": name, "valueFrom": {"fieldRef": {"apiVersion": "v1", "fieldPath": path}}}


def crash(since, restarts, container, pod_hint, exit_code=1, reason="Error"):
    return {
        "ready": False,
        "restarts": restarts,
        "state": {"waiting": {"message": f"back-off 5m0s restarting failed container={container} pod={pod_hint}",
                              "reason": "CrashLoopBackOff"}, "_since": since},
        "last_state": {"terminated": {"containerID": "containerd://9d1c4a" + "7" * 58, "exitCode": exit_code,
                                      "finishedAt": ago(minutes=3, seconds=12), "reason": reason,
                                      "startedAt": ago(minutes=3, seconds=19)}},
    }


def oom_restarts(n):
    return {
        "restarts": n,
        "last_state": {"terminated": {"containerID": "containerd://41be0c" + "3" * 58, "exitCode": 137,
                                      "finishedAt": ago(minutes=38), "reason": "OOMKilled",
                                      "startedAt": ago(hours=2, minutes=11)}},
    }


def daily(hour, minute=0, days=3, ok=(True, True, True), duration=300):
    """Runs of a daily CronJob, newest last."""
    from base import CAPTURE
    import datetime as dt
    runs = []
    t = CAPTURE.replace(hour=hour, minute=minute, second=0)
    if t > CAPTURE:
        t -= dt.timedelta(days=1)
    for i in range(days):
        s = (t - dt.timedelta(days=days - 1 - i)).strftime("%Y-%m-%dT%H:%M:%SZ")
        runs.append({"at": s, "ok": ok[i], "duration": duration})
    return runs


def every(minutes, count=3, ok=None, duration=40):
    from base import CAPTURE
    import datetime as dt
    base = CAPTURE.replace(second=0) - dt.timedelta(minutes=CAPTURE.minute % minutes)
    if base == CAPTURE:
        base -= dt.timedelta(minutes=minutes)
    runs = []
    for i in range(count):
        s = (base - dt.timedelta(minutes=minutes * (count - 1 - i))).strftime("%Y-%m-%dT%H:%M:%SZ")
        runs.append({"at": s, "ok": True if ok is None else ok[i], "duration": duration})
    return runs


def postgres(ns, name, replicas=3, size="100Gi", **kw):
    return App(ns, name, "StatefulSet", replicas, image="postgres:16.4-bookworm", version="16.4", port=5432,
               cpu="1", mem="4Gi", mem_limit="x1", cpu_limit="1", probe_path="/", component="database",
               pvc={"size": size, "mount": "/var/lib/postgresql/data"}, ro_root=False,
               env=[env("PGDATA", "/var/lib/postgresql/data/pgdata"),
                    secret_env("POSTGRES_PASSWORD", f"{name}-credentials", "password")],
               vuln=(0, 2, 11, 34), pool="memory",
               tolerations=[{"effect": "NoSchedule", "key": "workload-class", "operator": "Equal", "value": "memory"}],
               node_selector={"workload-class": "memory"}, **kw)


def redis(ns, name, replicas=3, **kw):
    return App(ns, name, "StatefulSet", replicas, image="redis:7.4.1-alpine", version="7.4.1", port=6379,
               cpu="200m", mem="1Gi", mem_limit="x1", probe_path="/", component="cache",
               args=["--appendonly", "yes", "--maxmemory", "800mb"], pvc={"size": "10Gi"},
               vuln=(0, 0, 2, 5), **kw)


BUSINESS = "business-critical"

APPS = [
    # ------------------------------------------------------------- payments
    App("payments", "payments-api", replicas=6, version="2.14.3", cpu="500m", mem="768Mi",
        pdb=("maxUnavailable", 1), hpa={"min": 4, "max": 12}, priority=BUSINESS, hostname_spread=True,
        env=[secret_env("DB_PASSWORD", "ledger-db-credentials", "password"),
             secret_env("STRIPE_API_KEY", "stripe-credentials", "api-key"), env("LOG_LEVEL", "info")],
        vuln=(0, 1, 4, 12), usage=0.52, part_of="payments"),
    App("payments", "payments-worker", replicas=3, version="2.14.3", port=None, cpu="300m", mem="512Mi",
        pdb=("maxUnavailable", 1), hpa={"min": 3, "max": 10}, priority=BUSINESS,
        env=[secret_env("DB_PASSWORD", "ledger-db-credentials", "password")], vuln=(0, 1, 4, 12),
        part_of="payments"),
    App("payments", "fraud-scorer", replicas=10, version="4.2.0", cpu="400m", mem="1Gi",
        pdb=("minAvailable", "60%"), hpa={"min": 3, "max": 10, "util": 91, "max_since": ago(hours=2, minutes=47)},
        priority=BUSINESS, usage=0.93, mem_usage=0.7, vuln=(0, 0, 3, 9), part_of="payments"),
    App("payments", "payment-webhooks", replicas=2, version="1.8.5", cpu="100m", mem="256Mi",
        pdb=("maxUnavailable", 1), vuln=(0, 0, 1, 6), part_of="payments"),
    App("payments", "payouts-scheduler", replicas=2, version="1.3.0", cpu="100m", mem="256Mi",
        pdb=("maxUnavailable", 1), part_of="payments"),
    App("payments", "currency-rates", replicas=2, version="0.9.12", cpu="50m", mem="128Mi",
        pdb=("maxUnavailable", 1), part_of="payments"),
    App("payments", "chargeback-service", replicas=2, version="1.1.4", cpu="100m", mem="256Mi",
        pdb=("maxUnavailable", 1), part_of="payments"),
    App("payments", "payments-admin", replicas=2, version="3.0.1", cpu="100m", mem="256Mi",
        pdb=("maxUnavailable", 1), part_of="payments"),
    # the database team insists on never losing a ledger member: maxUnavailable 0
    postgres("payments", "ledger-db", 3, "200Gi", pdb=("maxUnavailable", 0), priority=BUSINESS,
             part_of="payments", hostname_spread=True),
    redis("payments", "payments-redis", 3, pdb=("maxUnavailable", 1), part_of="payments"),
    App("payments", "reconciliation", "CronJob", schedule="0 1 * * *", version="2.14.3", port=None,
        cpu="500m", mem="1Gi", job_history=daily(1, 0, duration=840), part_of="payments"),
    App("payments", "settlement-export", "CronJob", schedule="30 4 * * *", version="1.2.2", port=None,
        cpu="200m", mem="512Mi", job_history=daily(4, 30, duration=200), part_of="payments"),

    # ------------------------------------------------------------- checkout
    App("checkout", "checkout-api", replicas=5, version="5.3.1", cpu="500m", mem="1Gi",
        pdb=("maxUnavailable", 1), hpa={"min": 3, "max": 15}, priority=BUSINESS,
        env=[secret_env("DB_PASSWORD", "order-db-credentials", "password")], vuln=(0, 2, 6, 14),
        part_of="checkout"),
    App("checkout", "cart-service", replicas=4, version="3.9.0", cpu="250m", mem="512Mi",
        pdb=("maxUnavailable", 1), hpa={"min": 3, "max": 9}, priority=BUSINESS, vuln=(0, 0, 2, 8),
        part_of="checkout"),
    App("checkout", "pricing-engine", replicas=3, version="2.0.7", cpu="300m", mem="768Mi",
        pdb=("maxUnavailable", 1), usage=0.31, part_of="checkout"),
    App("checkout", "promotions", replicas=2, version="1.12.0", cpu="100m", mem="256Mi",
        pdb=("maxUnavailable", 1), part_of="checkout"),
    App("checkout", "shipping-quotes", replicas=2, version="1.4.3", cpu="100m", mem="256Mi",
        pdb=("maxUnavailable", 1), part_of="checkout"),
    App("checkout", "tax-calculator", replicas=2, version="2.2.0", cpu="100m", mem="384Mi",
        pdb=("maxUnavailable", 1), part_of="checkout"),
    # consumer added in a hurry for Black Friday: no PDB yet
    App("checkout", "checkout-events-consumer", replicas=2, version="0.4.1", port=None, cpu="200m",
        mem="384Mi", created=ago(days=9, hours=4), rollout_days=2.2, part_of="checkout"),
    postgres("checkout", "order-db", 3, "150Gi", pdb=("maxUnavailable", 1), priority=BUSINESS,
             part_of="checkout"),
    redis("checkout", "cart-redis", 3, pdb=("maxUnavailable", 1), part_of="checkout"),
    App("checkout", "abandoned-cart-mailer", "CronJob", schedule="*/30 * * * *", version="1.0.9", port=None,
        cpu="100m", mem="128Mi", job_history=every(30, 3), part_of="checkout"),

    # ------------------------------------------------------------- search
    # search-api runs mostly on spot but prefers on-demand nodes (allowed fallback)
    App("search", "search-api", replicas=4, version="7.1.2", cpu="500m", mem="1Gi",
        pdb=("maxUnavailable", 1), hpa={"min": 1, "max": 6}, affinity="on-demand",
        nodes=[SPOT_OK[0], GEN[1], SPOT_OK[1], CP3], vuln=(0, 1, 2, 7), part_of="search"),
    # crash-looping since 06:12 (opensearch index mapping changed under it)
    App("search", "search-indexer", replicas=3, version="7.1.2", port=None, cpu="300m", mem="768Mi",
        strategy="default", ready_override="2026-11-20T06:14:41Z",
        pod_overrides={0: crash("2026-11-20T06:12:55Z", 41, "search-indexer", "search-indexer"),
                       1: crash("2026-11-20T06:13:02Z", 40, "search-indexer", "search-indexer")},
        rollout_days=0.2, part_of="search"),
    App("search", "opensearch", "StatefulSet", 3, image="opensearchproject/opensearch:2.17.1", version="2.17.1",
        port=9200, cpu="1", mem="4Gi", mem_limit="x1", pdb=("maxUnavailable", 1), ro_root=False, pool="memory",
        tolerations=[{"effect": "NoSchedule", "key": "workload-class", "operator": "Equal", "value": "memory"}],
        node_selector={"workload-class": "memory"},
        pvc={"size": "100Gi", "mount": "/usr/share/opensearch/data"}, probe_path="/_cluster/health",
        init=[{"command": ["sysctl", "-w", "vm.max_map_count=262144"], "image": "busybox:1.36.1",
               "imagePullPolicy": "IfNotPresent", "name": "sysctl", "resources": {},
               "securityContext": {"privileged": True, "runAsUser": 0},
               "terminationMessagePath": "/dev/termination-log", "terminationMessagePolicy": "File"}],
        env=[env("OPENSEARCH_JAVA_OPTS", "-Xms2g -Xmx2g"), env("cluster.name", "search"),
             env("discovery.seed_hosts", "opensearch-headless")],
        vuln=(0, 3, 9, 21), managed_by="Helm", part_of="search"),
    App("search", "query-suggest", replicas=2, version="1.6.0", cpu="200m", mem="384Mi", part_of="search"),
    App("search", "ranking-service", replicas=3, version="2.3.4", cpu="400m", mem="1Gi",
        pdb=("maxUnavailable", 1), part_of="search"),
    App("search", "spellcheck", replicas=2, version="0.8.2", cpu="100m", mem="512Mi", part_of="search"),
    App("search", "reindex-nightly", "CronJob", schedule="0 3 * * *", version="7.1.2", port=None,
        cpu="500m", mem="1Gi", job_history=daily(3, 0, duration=1500), part_of="search"),
    App("search", "synonyms-sync", "CronJob", schedule="*/15 * * * *", image=f"{ECR}/search/synonyms-sync:latest",
        port=None, cpu="50m", mem="64Mi", job_history=every(15, 3, duration=12), part_of="search"),

    # ------------------------------------------------------------- catalog
    App("catalog", "catalog-api", replicas=4, version="9.0.3", cpu="300m", mem="768Mi",
        pdb=("maxUnavailable", 1), hpa={"min": 4, "max": 12}, vuln=(0, 1, 3, 10), part_of="catalog"),
    # internal admin UI: one replica, Service but no readiness probe
    App("catalog", "catalog-admin", replicas=1, version="2.5.0", cpu="100m", mem="256Mi", readiness=False,
        part_of="catalog"),
    # importer takes an exclusive lock on start, so someone switched it to Recreate
    App("catalog", "catalog-importer", replicas=2, version="4.1.1", port=None, cpu="250m", mem="512Mi",
        strategy="recreate", part_of="catalog"),
    App("catalog", "media-resizer", replicas=3, version="1.9.2", cpu="500m", mem="512Mi",
        pdb=("maxUnavailable", 1), hpa={"min": 3, "max": 12}, pool="mixed", part_of="catalog"),
    App("catalog", "reviews-service", replicas=3, version="3.3.0", cpu="200m", mem="512Mi",
        pdb=("maxUnavailable", 1), part_of="catalog"),
    App("catalog", "recommendations-api", replicas=3, version="1.14.2", cpu="300m", mem="768Mi",
        pdb=("maxUnavailable", 1), part_of="catalog"),
    # redis cache moved to spot to save money; catalog-cache-2 sits on the dead spot node
    redis("catalog", "catalog-cache", 3, pdb=("maxUnavailable", 1), part_of="catalog",
          node_selector={"karpenter.sh/capacity-type": "spot"}, nodes=[SPOT_OK[0], SPOT_OK[1], SPOT_DOWN],
          pod_overrides={2: {"ready": False, "deleting": "2026-11-20T09:07:27Z",
                             "state": {"running": {"startedAt": "2026-11-19T21:06:12Z"},
                                       "_since": "2026-11-20T09:02:22Z"},
                             "created": "2026-11-19T21:05:30Z"}}),
    postgres("catalog", "catalog-db", 2, "300Gi", pdb=("maxUnavailable", 1), part_of="catalog"),
    App("catalog", "inventory-sync", "CronJob", schedule="*/10 * * * *", version="2.0.0", port=None,
        cpu="100m", mem="256Mi", job_history=every(10, 3, duration=70), part_of="catalog"),
    App("catalog", "product-feed-export", "CronJob", schedule="0 */6 * * *", version="1.5.1", port=None,
        cpu="300m", mem="512Mi", job_history=every(360, 3, duration=600), part_of="catalog"),

    # ------------------------------------------------------------- identity
    # auth-server: applied by hand with replicas: 3 in the manifest while an HPA owns it,
    # and a PDB with minAvailable equal to the replica count
    App("identity", "auth-server", replicas=3, version="12.4.0", cpu="500m", mem="1Gi",
        pdb=("minAvailable", 3), hpa={"min": 3, "max": 9}, last_applied_replicas=3, priority=BUSINESS,
        env=[secret_env("DB_PASSWORD", "identity-db-credentials", "password"),
             secret_env("JWT_SIGNING_KEY", "jwt-signing", "key")], vuln=(0, 0, 2, 9), gitops=False,
        managed_by="kubectl", part_of="identity"),
    App("identity", "user-profile", replicas=3, version="4.7.1", cpu="200m", mem="512Mi",
        pdb=("maxUnavailable", 1), hpa={"min": 3, "max": 8}, part_of="identity"),
    App("identity", "mfa-service", replicas=2, version="2.1.0", cpu="100m", mem="256Mi",
        pdb=("maxUnavailable", 1), priority=BUSINESS, part_of="identity"),
    App("identity", "admin-console", replicas=2, version="1.9.9", cpu="100m", mem="256Mi",
        pdb=("maxUnavailable", 1), part_of="identity"),
    App("identity", "oauth-consent", replicas=2, version="1.2.6", cpu="100m", mem="256Mi",
        pdb=("maxUnavailable", 1), part_of="identity"),
    redis("identity", "session-store", 3, pdb=("maxUnavailable", 1), part_of="identity", priority=BUSINESS),
    postgres("identity", "identity-db", 3, "50Gi", pdb=("maxUnavailable", 1), part_of="identity"),
    App("identity", "token-cleanup", "CronJob", schedule="15 * * * *", version="12.4.0", port=None,
        cpu="100m", mem="128Mi", job_history=every(60, 3, duration=25), part_of="identity"),
    App("identity", "ldap-sync", "CronJob", schedule="45 */2 * * *", version="0.6.3", port=None,
        cpu="100m", mem="256Mi", job_history=every(120, 2, duration=180), part_of="identity"),

    # ------------------------------------------------------------- notifications
    App("notifications", "email-sender", replicas=2, version="3.2.0", cpu="200m", mem="256Mi", mem_limit="x1",
        env=[env("SMTP_HOST", "email-smtp.eu-west-1.amazonaws.com"), env("SMTP_USER", "AKIA3NOTIFYPROD7Q2X"),
             env("SMTP_PASSWORD", "BPx7n2Lq9+demo+not+a+real+secret")],
        pod_overrides={1: oom_restarts(9)}, mem_usage=0.97, part_of="notifications"),
    # HPA on cpu utilisation, but the container has no cpu request: the HPA cannot compute
    App("notifications", "push-sender", replicas=2, version="2.8.1", cpu="150m", mem="384Mi",
        pdb=("maxUnavailable", 1), part_of="notifications"),
    App("notifications", "sms-gateway", replicas=2, version="1.5.3", cpu="100m", mem="256Mi",
        pdb=("maxUnavailable", 1), part_of="notifications"),
    App("notifications", "notification-router", replicas=3, version="5.0.2", cpu="250m", mem="512Mi",
        pdb=("maxUnavailable", 1), hpa={"min": 3, "max": 10}, part_of="notifications"),
    App("notifications", "email-digest", replicas=1, version="0.9.0", port=None, cpu="100m", mem="256Mi",
        part_of="notifications"),
    App("notifications", "template-renderer", replicas=2, version="1.3.3", cpu="150m", mem="256Mi",
        pdb=("maxUnavailable", 1), part_of="notifications"),
    App("notifications", "webhook-dispatcher", replicas=2, version="0.7.0", cpu="100m", mem="256Mi",
        pdb=("maxUnavailable", 1), part_of="notifications"),
    App("notifications", "rabbitmq", "StatefulSet", 3, image="rabbitmq:3.13.7-management-alpine",
        version="3.13.7", port=15672, cpu="500m", mem="2Gi", mem_limit="x1", pdb=("maxUnavailable", 1),
        pvc={"size": "20Gi", "mount": "/var/lib/rabbitmq"}, ro_root=False, probe_path="/api/health/checks/alarms",
        vuln=(0, 0, 1, 3), part_of="notifications"),
    App("notifications", "digest-scheduler", "CronJob", schedule="0 7 * * *", version="0.9.0", port=None,
        cpu="100m", mem="128Mi", job_history=daily(7, 0, duration=60), part_of="notifications"),

    # ------------------------------------------------------------- web-frontend
    # storefront: business-critical, PDB, and scheduled on spot capacity without any on-demand affinity
    App("web-frontend", "storefront", replicas=8, version="2026.11.18", cpu="300m", mem="512Mi",
        pdb=("maxUnavailable", "25%"), hpa={"min": 6, "max": 20}, priority=BUSINESS,
        node_selector={"karpenter.sh/capacity-type": "spot"}, nodes=SPOT_OK, vuln=(0, 0, 2, 5),
        part_of="web"),
    App("web-frontend", "bff", replicas=5, version="3.4.0", cpu="300m", mem="512Mi",
        pdb=("maxUnavailable", 1), hpa={"min": 4, "max": 12}, priority=BUSINESS, part_of="web"),
    App("web-frontend", "account-portal", replicas=3, version="1.18.2", cpu="200m", mem="384Mi",
        pdb=("maxUnavailable", 1), part_of="web"),
    App("web-frontend", "seo-renderer", replicas=2, version="0.11.0", cpu="500m", mem="1Gi",
        pdb=("maxUnavailable", 1), usage=0.12, part_of="web"),
    App("web-frontend", "static-assets", replicas=2, image="nginxinc/nginx-unprivileged:1.27.2-alpine",
        version="1.27.2", cpu="50m", mem="64Mi", pdb=("maxUnavailable", 1), vuln=(0, 0, 1, 2), part_of="web"),
    App("web-frontend", "image-proxy", replicas=3, image="ghcr.io/imgproxy/imgproxy:v3.26.1", version="3.26.1",
        cpu="300m", mem="512Mi", pdb=("maxUnavailable", 1), hpa={"min": 3, "max": 9}, part_of="web"),
    App("web-frontend", "feature-flags", replicas=2, image="unleashorg/unleash-server:6.3.0", version="6.3.0",
        port=4242, cpu="100m", mem="256Mi", pdb=("maxUnavailable", 1), part_of="web"),
    # the old PHP CMS: maxUnavailable 100% (all pods replaced at once), critical CVEs
    App("web-frontend", "legacy-cms", replicas=2, image=f"{ECR}/web/legacy-cms:2019.4-php7.4", version="2019.4",
        port=80, cpu="250m", mem="512Mi", strategy="all-at-once", secure=False, spread=False,
        vuln=(5, 23, 61, 88), part_of="web"),
    App("web-frontend", "sitemap-generator", "CronJob", schedule="0 2 * * *", version="1.1.0", port=None,
        cpu="200m", mem="256Mi", job_history=daily(2, 0, duration=420), part_of="web"),

    # ------------------------------------------------------------- analytics (Helm, not Argo CD)
    App("analytics", "superset", replicas=1, image="apache/superset:latest", version="latest", port=8088,
        cpu="500m", mem="2Gi", sa="default", secure=False, spread=False, readiness=False, gitops=False,
        managed_by="Helm", usage=0.08, mem_usage=0.35, vuln=(3, 17, 44, 102), part_of="superset",
        env=[secret_env("SUPERSET_SECRET_KEY", "superset-env", "SECRET_KEY")]),
    App("analytics", "superset-worker", replicas=2, image="apache/superset:latest", version="latest", port=None,
        cpu="500m", mem="2Gi", sa="default", secure=False, spread=False, gitops=False, managed_by="Helm",
        command=["celery", "--app=superset.tasks.celery_app:app", "worker"], part_of="superset",
        container_name="superset"),
    App("analytics", "report-api", replicas=2, version="2.2.1", cpu="300m", mem="640Mi",
        pdb=("maxUnavailable", 1), gitops=False, managed_by="Helm", part_of="analytics"),
    App("analytics", "event-collector", replicas=6, version="1.30.0", cpu="400m", mem="512Mi",
        pdb=("maxUnavailable", 1), hpa={"min": 4, "max": 16}, gitops=False, managed_by="Helm",
        part_of="analytics"),
    App("analytics", "metrics-aggregator", replicas=2, version="0.5.4", port=None, cpu="300m", mem="1Gi",
        gitops=False, managed_by="Helm", liveness=False, part_of="analytics"),
    App("analytics", "jupyterhub", replicas=1, image="quay.io/jupyterhub/k8s-hub:4.0.0", version="4.0.0",
        cpu="200m", mem="512Mi", gitops=False, managed_by="Helm", secure=False, part_of="jupyterhub"),
    App("analytics", "clickhouse", "StatefulSet", 3, image="clickhouse/clickhouse-server:24.8.6.70",
        version="24.8.6.70", port=8123, cpu="2", mem="12Gi", mem_limit="x1", pdb=("maxUnavailable", 1),
        pvc={"size": "500Gi", "mount": "/var/lib/clickhouse"}, ro_root=False, pool="memory",
        tolerations=[{"effect": "NoSchedule", "key": "workload-class", "operator": "Equal", "value": "memory"}],
        node_selector={"workload-class": "memory"}, gitops=False, managed_by="Helm", probe_path="/ping",
        nodes=[MEM[0], MEM[1], MEM[1]], vuln=(0, 1, 4, 8), mem_usage=0.86, part_of="analytics"),
    App("analytics", "dbt-nightly", "CronJob", schedule="0 5 * * *", version="1.8.7", port=None,
        cpu="1", mem="2Gi", job_history=daily(5, 0, duration=1900), gitops=False, part_of="analytics"),

    # ------------------------------------------------------------- data-pipeline (Helm, default SA, no policies)
    App("data-pipeline", "airflow-scheduler", replicas=2, image="apache/airflow", version="2.10.3", port=None,
        cpu="500m", mem="1Gi", sa="default", secure=False, spread=False, gitops=False, managed_by="Helm",
        cost_labels=False, command=["airflow", "scheduler"],
        env=[env("AIRFLOW__CORE__EXECUTOR", "CeleryExecutor"),
             env("AIRFLOW__CORE__FERNET_KEY", "Zx8p3Qm1dEmOnLyN0tArEaLkEy4uT0k3nS6aVx9w2Y0="),
             secret_env("AIRFLOW__DATABASE__SQL_ALCHEMY_CONN", "airflow-metadata", "connection")],
        vuln=(1, 9, 31, 70), part_of="airflow", container_name="scheduler"),
    App("data-pipeline", "airflow-webserver", replicas=2, image="apache/airflow:2.10.3", version="2.10.3",
        cpu="300m", mem="1Gi", sa="default", secure=False, spread=False, gitops=False, managed_by="Helm",
        cost_labels=False, command=["airflow", "webserver"], probe_path="/health", part_of="airflow",
        container_name="webserver"),
    App("data-pipeline", "airflow-worker", "StatefulSet", 3, image="apache/airflow:2.10.3", version="2.10.3",
        port=8793, cpu="1", mem="4Gi", sa="default", secure=False, gitops=False, managed_by="Helm",
        cost_labels=False, pvc={"size": "50Gi", "mount": "/opt/airflow/logs"}, pool="memory",
        tolerations=[{"effect": "NoSchedule", "key": "workload-class", "operator": "Equal", "value": "memory"}],
        nodes=[MEM[0], MEM[1], MEM[0]], mem_usage=0.95, part_of="airflow", container_name="worker",
        command=["airflow", "celery", "worker"], readiness=False),
    # requests were copied from a load test: VPA and metrics both say they are far too high
    App("data-pipeline", "ingest-worker", replicas=4, version="0.21.0", image=f"{ECR}/data/ingest-worker:v0.21.0",
        port=None, cpu="2", mem="4Gi", gitops=False, managed_by="Helm", pool="spot", liveness=False,
        usage=0.09, mem_usage=0.3, team="data", part_of="ingest"),
    App("data-pipeline", "kafka-connect", replicas=2, image="confluentinc/cp-kafka-connect:7.7.1",
        version="7.7.1", port=8083, cpu="1", mem="3Gi", drop_all=False, ro_root=False, gitops=False,
        managed_by="Helm", team="data", spread=False, probe_path="/connectors", part_of="ingest",
        pool="memory", nodes=[MEM[0], MEM[1]],
        tolerations=[{"effect": "NoSchedule", "key": "workload-class", "operator": "Equal", "value": "memory"}]),
    # HPA on cpu utilisation, but the chart values never set a cpu request: the HPA cannot compute
    App("data-pipeline", "schema-registry", replicas=2, image="confluentinc/cp-schema-registry:7.7.1",
        version="7.7.1", port=8081, cpu=None, mem="768Mi", gitops=False, managed_by="Helm", team="data",
        pdb=("maxUnavailable", 1), part_of="ingest", hpa={"min": 2, "max": 6, "broken": "2026-11-12T10:41:07Z"}),
    App("data-pipeline", "spark-operator", replicas=1, image="docker.io/kubeflow/spark-operator:2.0.2",
        version="2.0.2", port=None, cpu="100m", mem="300Mi", gitops=False, managed_by="Helm", team="data",
        liveness=False, part_of="spark-operator"),
    App("data-pipeline", "cdc-debezium", replicas=1, image="quay.io/debezium/server:2.7.3.Final",
        version="2.7.3", port=8080, cpu="250m", mem="1Gi", gitops=False, team="data", part_of="ingest",
        probe_path="/q/health"),
    App("data-pipeline", "nightly-export", "CronJob", schedule="0 0 * * *", version="1.4.0",
        image=f"{ECR}/data/nightly-export:v1.4.0", port=None, cpu="1", mem="2Gi", gitops=False, team="data",
        job_history=daily(0, 0, ok=(True, True, False), duration=2400), part_of="ingest"),
    App("data-pipeline", "compaction", "CronJob", schedule="30 */4 * * *", version="0.3.2",
        image=f"{ECR}/data/compaction:v0.3.2", port=None, cpu="1", mem="2Gi", gitops=False, team="data",
        job_history=every(240, 2, duration=900), part_of="ingest", pool="spot"),

    # ------------------------------------------------------------- ml-serving
    App("ml-serving", "triton-inference", replicas=1,
        image="nvcr.io/nvidia/tritonserver@sha256:5d0b5bbd6dd8b2c8e0e6b3e2a8d3d36f1a7f4f6e0f6c4a8c1f2d0b9e7c6a5f4e",
        version="24.10", port=8000, cpu="4", mem="16Gi", mem_limit="x1", cpu_limit="4", pool="gpu",
        tolerations=[{"effect": "NoSchedule", "key": "nvidia.com/gpu", "operator": "Exists"}],
        node_selector={"nvidia.com/gpu.present": "true"}, probe_path="/v2/health/ready", ro_root=False,
        vuln=(0, 4, 12, 40), usage=0.7, part_of="inference"),
    App("ml-serving", "model-router", replicas=3, version="1.7.0", cpu="200m", mem="256Mi",
        pdb=("maxUnavailable", 1), liveness=False, part_of="inference"),
    App("ml-serving", "embeddings-api", replicas=3, version="0.12.5", cpu="1", mem="2Gi",
        pdb=("maxUnavailable", 1), hpa={"min": 2, "max": 6}, part_of="inference"),
    App("ml-serving", "feature-store", replicas=2, image="feastdev/feature-server:0.41.2", version="0.41.2",
        port=6566, cpu="250m", mem="512Mi", part_of="feast"),
    App("ml-serving", "model-monitor", replicas=2, version="0.3.0", port=None, cpu="100m", mem="256Mi",
        liveness=False, part_of="inference"),
    redis("ml-serving", "features-redis", 1, part_of="feast"),
    App("ml-serving", "model-sync", "CronJob", schedule="5 * * * *", version="0.4.1", port=None, cpu="100m",
        mem="256Mi", job_history=every(60, 3, duration=95), part_of="inference"),
    App("ml-serving", "batch-scoring", "CronJob", schedule="0 6 * * *", version="1.0.3", port=None, cpu="2",
        mem="8Gi", job_history=daily(6, 0, duration=2200), pool="spot", part_of="inference"),

    # ------------------------------------------------------------- default (an old experiment nobody removed)
    App("default", "hello-world", replicas=1, image="nginx:1.25", version="1.25", port=80, cpu=None, mem=None,
        mem_limit=None, sa="default", secure=False, spread=False, readiness=False, liveness=False, gitops=False,
        cost_labels=False, created="2025-03-14T16:22:05Z", rollout_days=251, vuln=(2, 11, 30, 64)),
]

# ml-serving's gpu node is tainted; its other workloads avoid it
for _a in APPS:
    if _a.ns == "ml-serving" and _a.pool == "general":
        _a.pool = "mixed"

# ------------------------------------------------------------- namespace settings
# pss: (enforce, warn); np: "deny" (default deny + allows), "allow" (allow rules only), None
# quota: True / "tight" / None; lr: bool; backup: covered by velero
NAMESPACES = {
    "payments": dict(pss=("restricted", "restricted"), np="deny", quota=True, lr=True, team="payments"),
    "checkout": dict(pss=("baseline", "restricted"), np="deny", quota=True, lr=True, team="checkout"),
    "search": dict(pss=("baseline", "restricted"), np="allow", quota=True, lr=True, team="search"),
    "catalog": dict(pss=("baseline", "restricted"), np="deny", quota=True, lr=True, team="catalog"),
    "identity": dict(pss=("restricted", "restricted"), np="deny", quota=True, lr=True, team="identity"),
    "notifications": dict(pss=("baseline", "restricted"), np="allow", quota=True, lr=True, team="notifications"),
    "web-frontend": dict(pss=("baseline", "restricted"), np="deny", quota=True, lr=True, team="web"),
    "analytics": dict(pss=(None, "restricted"), np=None, quota="tight", lr=True, team="analytics"),
    "data-pipeline": dict(pss=(None, None), np=None, quota=None, lr=False, team="data"),
    "ml-serving": dict(pss=(None, None), np="allow", quota=True, lr=False, team="ml"),
    "default": dict(pss=(None, None), np=None, quota=None, lr=False, team=None),
}
