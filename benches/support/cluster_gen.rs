//! Synthetic cluster generator: a realistic, deterministic cluster written as
//! the files `kubectl get -o json` prints (one `kind: List` per namespace,
//! plus cluster-scoped lists and a `SnapshotInfo` document).
//!
//! Shared by `examples/gen_cluster.rs` (the command) and `benches/scale.rs`;
//! both include this file with `#[path]`, so there is one copy.
//!
//! The same parameters and seed always give byte-identical files. The
//! cluster mixes good and bad practice (single replicas, missing probes and
//! requests, `:latest` images, privileged containers, crash-looping pods,
//! cluster-admin bindings, missing quotas and network policies, …) so the
//! checks have something to find.

use std::fs;
use std::io::{self, BufWriter, Write};
use std::path::Path;

use serde::Serialize;
use serde_json::{Map, Value, json};

/// 2026-11-20T12:00:00Z: when the generated snapshot is "captured".
pub const CAPTURED_AT: i64 = 1_795_176_000;
pub const SERVER_VERSION: &str = "v1.33.4";

#[derive(Debug, Clone)]
pub struct Params {
    pub nodes: usize,
    pub pods: usize,
    pub deployments: usize,
    pub namespaces: usize,
    pub seed: u64,
    /// Indent like `kubectl get -o json` (four spaces; files are about 2.2×
    /// larger) instead of one compact line per file.
    pub pretty: bool,
    /// Write each file as a YAML `kind: List` (`kubectl get -o yaml`, keys
    /// sorted as kubectl sorts them) instead of JSON; same objects.
    pub yaml: bool,
}

impl Default for Params {
    fn default() -> Self {
        Params {
            nodes: 1000,
            pods: 30_000,
            deployments: 3000,
            namespaces: 500,
            seed: 1,
            pretty: false,
            yaml: false,
        }
    }
}

/// What was written.
#[derive(Debug, Default, Clone)]
pub struct Stats {
    pub files: usize,
    pub bytes: u64,
    pub objects: usize,
    pub nodes: usize,
    pub namespaces: usize,
    pub deployments: usize,
    pub pods: usize,
}

/// Writes the cluster into `out` (created if missing; must not hold files).
pub fn generate(p: &Params, out: &Path) -> io::Result<Stats> {
    fs::create_dir_all(out)?;
    if fs::read_dir(out)?.next().is_some() {
        return Err(io::Error::other(format!(
            "{}: directory is not empty",
            out.display()
        )));
    }
    fs::create_dir_all(out.join("cluster"))?;
    fs::create_dir_all(out.join("namespaces"))?;
    let plan = Plan::new(p);
    let mut g = Gen {
        out,
        stats: Stats::default(),
        node_pods: vec![0; plan.nodes.len()],
        ca_pem: fake_pem(&mut Rng::new(p.seed ^ 0xca)),
        items: Vec::new(),
        pretty: p.pretty,
        yaml: p.yaml,
    };
    g.cluster_files(&plan, p.seed)?;
    for ns in 0..plan.namespaces.len() {
        g.namespace_file(&plan, ns, p.seed)?;
    }
    g.stats.nodes = plan.nodes.len();
    g.stats.namespaces = plan.namespaces.len();
    Ok(g.stats)
}

// ---------------------------------------------------------------- randomness

/// SplitMix64: tiny, fast, and good enough for test data.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        let mut r = Rng(seed ^ 0x5851_f42d_4c95_7f2d);
        r.next_u64();
        r
    }

    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (`n > 0`).
    fn below(&mut self, n: usize) -> usize {
        ((self.next_u64() as u128 * n as u128) >> 64) as usize
    }

    /// Uniform in `lo..=hi`.
    fn range(&mut self, lo: usize, hi: usize) -> usize {
        lo + self.below(hi - lo + 1)
    }

    /// True with probability `pct` percent.
    fn pct(&mut self, pct: usize) -> bool {
        self.below(100) < pct
    }

    fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.below(xs.len())]
    }

    fn hex(&mut self, n: usize) -> String {
        (0..n)
            .map(|_| char::from(b"0123456789abcdef"[self.below(16)]))
            .collect()
    }

    fn uid(&mut self) -> String {
        format!(
            "{}-{}-4{}-{}{}-{}",
            self.hex(8),
            self.hex(4),
            self.hex(3),
            self.pick(&['8', '9', 'a', 'b']),
            self.hex(3),
            self.hex(12)
        )
    }

    /// The alphabet Kubernetes uses for generated name suffixes.
    fn suffix(&mut self, n: usize) -> String {
        const ALPHA: &[u8] = b"bcdfghjklmnpqrstvwxz2456789";
        (0..n)
            .map(|_| char::from(ALPHA[self.below(ALPHA.len())]))
            .collect()
    }
}

fn ts(secs: i64) -> String {
    jiff::Timestamp::from_second(secs)
        .expect("timestamp in range")
        .to_string()
}

/// A time `lo..=hi` seconds before the capture.
fn ago(r: &mut Rng, lo: i64, hi: i64) -> i64 {
    CAPTURED_AT - lo - r.below((hi - lo + 1) as usize) as i64
}

const DAY: i64 = 86_400;

// ---------------------------------------------------------------- the plan

const ZONES: &[&str] = &["us-east-1a", "us-east-1b", "us-east-1c"];
const INSTANCE_TYPES: &[(&str, u32, u64)] = &[
    // type, vCPU, memory GiB
    ("m6i.2xlarge", 8, 32),
    ("m6i.4xlarge", 16, 64),
    ("r6i.2xlarge", 8, 64),
    ("c6i.4xlarge", 16, 32),
];
const SYSTEM_NAMESPACES: &[&str] = &[
    "kube-system",
    "kube-public",
    "kube-node-lease",
    "default",
    "monitoring",
    "ingress-nginx",
    "velero",
];
const TEAMS: &[&str] = &[
    "payments",
    "checkout",
    "search",
    "catalog",
    "identity",
    "billing",
    "shipping",
    "inventory",
    "pricing",
    "growth",
    "messaging",
    "media",
    "analytics",
    "platform",
    "data",
    "ml",
    "fraud",
    "support",
    "partners",
    "mobile",
    "web",
    "ads",
    "reviews",
    "loyalty",
    "orders",
    "accounts",
    "notifications",
    "ledger",
    "reporting",
    "compliance",
    "content",
    "maps",
    "booking",
    "tickets",
    "chat",
    "feeds",
    "recs",
    "risk",
    "tax",
    "warehouse",
    "fleet",
    "devices",
    "iot",
    "video",
    "audio",
    "docs",
    "forms",
    "surveys",
    "crm",
    "hr",
];
const ENVS: &[&str] = &["prod", "staging", "dev", "qa", "sandbox"];
const APP_WORDS: &[&str] = &[
    "api",
    "web",
    "worker",
    "gateway",
    "auth",
    "frontend",
    "backend",
    "graphql",
    "admin",
    "events",
    "scheduler",
    "consumer",
    "producer",
    "indexer",
    "sync",
    "importer",
    "exporter",
    "webhook",
    "cache-warmer",
    "feature-flags",
    "audit",
    "session",
    "notifier",
    "renderer",
    "thumbnailer",
    "reconciler",
    "projector",
    "aggregator",
    "router",
    "validator",
];

struct NodePlan {
    name: String,
    ip: String,
    zone: &'static str,
    control_plane: bool,
    spot: bool,
    ready: bool,
    itype: usize,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Deployment,
    StatefulSet,
    DaemonSet,
}

#[derive(Clone)]
struct AppPlan {
    name: String,
    kind: Kind,
    replicas: usize,
    /// Fixed system components have hand-written shapes.
    system: Option<&'static str>,
}

struct NsPlan {
    name: String,
    system: bool,
    /// 0..100: how well the owning team follows practice.
    quality: usize,
    apps: Vec<AppPlan>,
    cronjob: bool,
}

struct Plan {
    nodes: Vec<NodePlan>,
    workers: Vec<usize>,
    namespaces: Vec<NsPlan>,
    control_planes: Vec<usize>,
}

impl Plan {
    fn new(p: &Params) -> Plan {
        let mut r = Rng::new(p.seed);
        let n_cp = match p.nodes {
            0 => 0,
            1..=9 => 1,
            _ => 3,
        };
        let nodes: Vec<NodePlan> = (0..p.nodes)
            .map(|i| {
                let cp = i < n_cp;
                let ip = format!("10.0.{}.{}", 16 + i / 250, 10 + i % 250);
                NodePlan {
                    name: format!("ip-{}.ec2.internal", ip.replace('.', "-")),
                    ip,
                    zone: ZONES[i % ZONES.len()],
                    control_plane: cp,
                    spot: !cp && r.pct(20),
                    ready: cp || !r.pct(1),
                    itype: if cp { 0 } else { r.below(INSTANCE_TYPES.len()) },
                }
            })
            .collect();
        let workers: Vec<usize> = (0..nodes.len())
            .filter(|&i| !nodes[i].control_plane)
            .collect();
        let control_planes: Vec<usize> = (0..n_cp).collect();

        // Namespaces: the system ones, then team-env ones.
        let n_system = SYSTEM_NAMESPACES.len().min(p.namespaces.saturating_sub(1));
        let n_user = p.namespaces.saturating_sub(n_system).max(1);
        let mut namespaces: Vec<NsPlan> = SYSTEM_NAMESPACES[..n_system]
            .iter()
            .map(|n| NsPlan {
                name: n.to_string(),
                system: true,
                quality: 80,
                apps: Vec::new(),
                cronjob: false,
            })
            .collect();
        for i in 0..n_user {
            let team = TEAMS[i % TEAMS.len()];
            let env = ENVS[(i / TEAMS.len()) % ENVS.len()];
            let round = i / (TEAMS.len() * ENVS.len());
            let name = if round == 0 {
                format!("{team}-{env}")
            } else {
                format!("{team}-{env}-{round}")
            };
            namespaces.push(NsPlan {
                name,
                system: false,
                quality: r.below(101),
                apps: Vec::new(),
                cronjob: false,
            });
        }
        let user: Vec<usize> = (0..namespaces.len())
            .filter(|&i| !namespaces[i].system)
            .collect();

        // Pods are budgeted: static pods, DaemonSets, StatefulSets and Jobs
        // first, the rest goes to Deployments.
        let mut budget = Budget(p.pods);
        budget.take(4 * n_cp);
        let mut system_deployments = 0;
        let n = p.nodes;
        let daemonsets = [
            ("kube-system", "kube-proxy", "kube-proxy"),
            ("kube-system", "calico-node", "calico-node"),
            ("monitoring", "node-exporter", "node-exporter"),
        ];
        for (ns, name, sys) in daemonsets {
            if n > 0 && budget.take(n) {
                add_system(&mut namespaces, ns, name, Kind::DaemonSet, n, sys);
            }
        }
        let fixed = [
            ("kube-system", "coredns", Kind::Deployment, 2, "coredns"),
            (
                "kube-system",
                "metrics-server",
                Kind::Deployment,
                1,
                "metrics-server",
            ),
            ("kube-system", "karpenter", Kind::Deployment, 2, "karpenter"),
            (
                "monitoring",
                "kube-state-metrics",
                Kind::Deployment,
                1,
                "kube-state-metrics",
            ),
            ("monitoring", "grafana", Kind::Deployment, 1, "grafana"),
            (
                "monitoring",
                "prometheus-k8s",
                Kind::StatefulSet,
                2,
                "prometheus",
            ),
            (
                "monitoring",
                "alertmanager-main",
                Kind::StatefulSet,
                3,
                "alertmanager",
            ),
            (
                "ingress-nginx",
                "ingress-nginx-controller",
                Kind::Deployment,
                3,
                "ingress-nginx",
            ),
            ("velero", "velero", Kind::Deployment, 1, "velero"),
        ];
        for (ns, name, kind, replicas, sys) in fixed {
            let is_deploy = kind == Kind::Deployment;
            if is_deploy && system_deployments >= p.deployments {
                continue;
            }
            if namespaces.iter().any(|n| n.name == ns) && budget.take(replicas) {
                add_system(&mut namespaces, ns, name, kind, replicas, sys);
                system_deployments += usize::from(is_deploy);
            }
        }
        // A database StatefulSet in some namespaces, a CronJob in others.
        for &i in &user {
            if r.pct(6) {
                let replicas = if r.pct(30) { 1 } else { 3 };
                if budget.take(replicas) {
                    namespaces[i].apps.push(AppPlan {
                        name: r
                            .pick(&["postgres", "redis", "kafka", "mongodb"])
                            .to_string(),
                        kind: Kind::StatefulSet,
                        replicas,
                        system: None,
                    });
                }
            }
            if r.pct(10) && budget.take(1) {
                namespaces[i].cronjob = true;
            }
        }

        // User Deployments: every namespace gets one, the rest go to a
        // skewed pick (a few big namespaces, a long tail of small ones).
        let n_user_deploy = p.deployments.saturating_sub(system_deployments);
        let mut owner: Vec<usize> = Vec::with_capacity(n_user_deploy);
        for d in 0..n_user_deploy {
            let ns = if d < user.len() {
                user[d]
            } else {
                let u = (r.below(1 << 20) as f64) / f64::from(1 << 20);
                user[((u * u) * user.len() as f64) as usize % user.len()]
            };
            owner.push(ns);
        }
        owner.sort_unstable();
        // Replica counts: a realistic spread scaled to the pod budget.
        let mut replicas: Vec<usize> = (0..n_user_deploy)
            .map(|_| match r.below(100) {
                0..15 => 1,
                15..40 => r.range(2, 3),
                40..70 => r.range(4, 8),
                70..90 => r.range(10, 20),
                _ => r.range(20, 40),
            })
            .collect();
        let budget = budget.0;
        let sum: usize = replicas.iter().sum();
        if sum > 0 {
            let scale = budget as f64 / sum as f64;
            for x in &mut replicas {
                *x = ((*x as f64 * scale).round() as usize).max(usize::from(budget > 0));
            }
            let mut total: usize = replicas.iter().sum();
            let len = replicas.len();
            while total < budget {
                replicas[r.below(len)] += 1;
                total += 1;
            }
            let mut guard = 0;
            while total > budget && guard < 100 * len + 1000 {
                let i = r.below(len);
                let floor = usize::from(guard < 50 * len);
                if replicas[i] > floor {
                    replicas[i] -= 1;
                    total -= 1;
                }
                guard += 1;
            }
        }
        for (d, ns) in owner.into_iter().enumerate() {
            let nsp = &mut namespaces[ns];
            let word = APP_WORDS[r.below(APP_WORDS.len())];
            let mut name = word.to_string();
            let mut k = 2;
            while nsp.apps.iter().any(|a| a.name == name) {
                name = format!("{word}-{k}");
                k += 1;
            }
            nsp.apps.push(AppPlan {
                name,
                kind: Kind::Deployment,
                replicas: replicas[d],
                system: None,
            });
        }
        Plan {
            nodes,
            workers,
            namespaces,
            control_planes,
        }
    }
}

/// Pods not yet given to a workload.
struct Budget(usize);

impl Budget {
    fn take(&mut self, n: usize) -> bool {
        let ok = n <= self.0;
        if ok {
            self.0 -= n;
        }
        ok
    }
}

fn add_system(
    nss: &mut [NsPlan],
    ns: &str,
    name: &str,
    kind: Kind,
    replicas: usize,
    sys: &'static str,
) {
    if let Some(n) = nss.iter_mut().find(|n| n.name == ns) {
        n.apps.push(AppPlan {
            name: name.into(),
            kind,
            replicas,
            system: Some(sys),
        });
    }
}

// ---------------------------------------------------------------- writing

struct Gen<'a> {
    out: &'a Path,
    stats: Stats,
    /// Pods placed on each node so far (for pod IPs).
    node_pods: Vec<usize>,
    ca_pem: String,
    /// The objects of the namespace being written.
    items: Vec<Value>,
    pretty: bool,
    yaml: bool,
}

/// One pod to write.
struct PodIn<'a> {
    ns: &'a str,
    name: String,
    tmpl: &'a Value,
    owner: Value,
    extra_labels: Value,
    /// 0..=100: 0 crash-loops, 100 never restarted.
    health: usize,
    wl_created: i64,
}

impl Gen<'_> {
    fn write_list(&mut self, rel: &str, items: Vec<Value>) -> io::Result<()> {
        for it in &items {
            match it["kind"].as_str() {
                Some("Pod") => self.stats.pods += 1,
                Some("Deployment") => self.stats.deployments += 1,
                _ => {}
            }
        }
        self.stats.objects += items.len();
        let list = json!({
            "apiVersion": "v1",
            "items": items,
            "kind": "List",
            "metadata": {"resourceVersion": ""},
        });
        self.write_doc(rel, &list)
    }

    fn write_doc(&mut self, rel: &str, doc: &Value) -> io::Result<()> {
        let mut path = self.out.join(rel);
        if self.yaml {
            path.set_extension("yaml");
        }
        let mut w = BufWriter::with_capacity(1 << 20, fs::File::create(&path)?);
        if self.yaml {
            serde_saphyr::to_io_writer(&mut w, doc).map_err(io::Error::other)?;
        } else if self.pretty {
            // kubectl indents JSON by four spaces.
            let fmt = serde_json::ser::PrettyFormatter::with_indent(b"    ");
            let mut ser = serde_json::Serializer::with_formatter(&mut w, fmt);
            doc.serialize(&mut ser).map_err(io::Error::other)?;
        } else {
            serde_json::to_writer(&mut w, doc).map_err(io::Error::other)?;
        }
        w.write_all(b"\n")?;
        w.flush()?;
        self.stats.files += 1;
        self.stats.bytes += fs::metadata(&path)?.len();
        Ok(())
    }

    fn cluster_files(&mut self, plan: &Plan, seed: u64) -> io::Result<()> {
        let mut r = Rng::new(seed ^ 0xc1);
        self.write_doc(
            "snapshot-info.json",
            &json!({
                "apiVersion": "kready.io/v1",
                "kind": "SnapshotInfo",
                "metadata": {"name": "gen"},
                "capturedAt": ts(CAPTURED_AT),
                "serverVersion": SERVER_VERSION,
            }),
        )?;
        let nodes = plan.nodes.iter().map(|n| node(&mut r, n)).collect();
        self.write_list("cluster/nodes.json", nodes)?;
        let nss = plan
            .namespaces
            .iter()
            .map(|ns| namespace_obj(&mut r, ns))
            .collect();
        self.write_list("cluster/namespaces.json", nss)?;
        self.write_list("cluster/rbac.json", cluster_rbac(&mut r))?;
        self.write_list("cluster/priorityclasses.json", priority_classes(&mut r))?;
        self.write_list("cluster/apiservices.json", api_services(&mut r))?;
        self.write_list("cluster/crds.json", crds(&mut r))?;
        let pools = karpenter_nodepools(&mut r, plan);
        self.write_list("cluster/karpenter.json", pools)?;
        Ok(())
    }

    fn namespace_file(&mut self, plan: &Plan, ns: usize, seed: u64) -> io::Result<()> {
        let nsp = &plan.namespaces[ns];
        let mut r = Rng::new(seed.wrapping_mul(0x0100_0000_01b3) ^ (ns as u64 + 1));
        let r = &mut r;
        let created = ago(r, 60 * DAY, 700 * DAY);

        // Plumbing every namespace has.
        let ca = json!({
            "apiVersion": "v1",
            "kind": "ConfigMap",
            "metadata": meta(r, "kube-root-ca.crt", &nsp.name, created, None),
            "data": {"ca.crt": self.ca_pem},
        });
        self.items.push(ca);
        self.items
            .push(service_account(r, "default", &nsp.name, created, None));

        if nsp.name == "kube-system" {
            self.static_pods(plan, r);
        }
        for app in &nsp.apps {
            self.app(plan, r, nsp, app, created);
        }
        if nsp.cronjob {
            self.cronjob(plan, r, nsp, created);
        }
        if !nsp.system {
            namespace_policy(r, nsp, created, &mut self.items);
        }
        match nsp.name.as_str() {
            "kube-system" => kube_system_extras(r, plan, created, &mut self.items),
            "velero" => velero_objects(r, created, &plan.namespaces, &mut self.items),
            "monitoring" => monitoring_objects(r, created, &mut self.items),
            _ => {}
        }
        let items = std::mem::take(&mut self.items);
        self.write_list(&format!("namespaces/{}.json", nsp.name), items)
    }

    fn place(&self, plan: &Plan, r: &mut Rng) -> Option<usize> {
        if plan.workers.is_empty() {
            return plan.nodes.first().map(|_| 0);
        }
        Some(plan.workers[r.below(plan.workers.len())])
    }

    fn pod_ip(&mut self, node: usize) -> String {
        self.node_pods[node] += 1;
        let k = self.node_pods[node];
        format!("10.{}.{}.{}", 64 + node / 250, node % 250, k % 250 + 2)
    }

    fn static_pods(&mut self, plan: &Plan, r: &mut Rng) {
        for &cp in &plan.control_planes {
            let node = &plan.nodes[cp];
            for component in [
                "kube-apiserver",
                "etcd",
                "kube-controller-manager",
                "kube-scheduler",
            ] {
                let name = format!("{component}-{}", node.name);
                let created = ago(r, 10 * DAY, 90 * DAY);
                let (image, command, port) = control_plane_command(component, &node.ip, plan);
                let mut labels = Map::new();
                labels.insert("component".into(), component.into());
                labels.insert("tier".into(), "control-plane".into());
                let mut m = meta(r, &name, "kube-system", created, Some(labels));
                m["annotations"] = json!({
                    "kubernetes.io/config.hash": r.hex(32),
                    "kubernetes.io/config.mirror": r.hex(32),
                    "kubernetes.io/config.seen": ts(created),
                    "kubernetes.io/config.source": "file",
                });
                m["ownerReferences"] = json!([{
                    "apiVersion": "v1", "controller": true, "kind": "Node",
                    "name": node.name, "uid": r.uid(),
                }]);
                let spec = json!({
                    "containers": [{
                        "command": command,
                        "image": image,
                        "imagePullPolicy": "IfNotPresent",
                        "livenessProbe": {
                            "failureThreshold": 8,
                            "httpGet": {"host": node.ip, "path": if component == "etcd" { "/livez" } else { "/healthz" }, "port": port, "scheme": "HTTPS"},
                            "initialDelaySeconds": 10, "periodSeconds": 10, "successThreshold": 1, "timeoutSeconds": 15,
                        },
                        "name": component,
                        "resources": {"requests": {"cpu": if component == "kube-apiserver" { "250m" } else { "100m" }}},
                        "terminationMessagePath": "/dev/termination-log",
                        "terminationMessagePolicy": "File",
                        "volumeMounts": [
                            {"mountPath": "/etc/kubernetes/pki", "name": "k8s-certs", "readOnly": true},
                            {"mountPath": "/etc/ssl/certs", "name": "ca-certs", "readOnly": true},
                        ],
                    }],
                    "dnsPolicy": "ClusterFirst",
                    "enableServiceLinks": true,
                    "hostNetwork": true,
                    "nodeName": node.name,
                    "preemptionPolicy": "PreemptLowerPriority",
                    "priority": 2_000_001_000,
                    "priorityClassName": "system-node-critical",
                    "restartPolicy": "Always",
                    "schedulerName": "default-scheduler",
                    "securityContext": {"seccompProfile": {"type": "RuntimeDefault"}},
                    "terminationGracePeriodSeconds": 30,
                    "tolerations": [{"effect": "NoExecute", "operator": "Exists"}],
                    "volumes": [
                        {"hostPath": {"path": "/etc/kubernetes/pki", "type": "DirectoryOrCreate"}, "name": "k8s-certs"},
                        {"hostPath": {"path": "/etc/ssl/certs", "type": "DirectoryOrCreate"}, "name": "ca-certs"},
                    ],
                });
                let status = pod_status(r, &spec, &node.ip, &node.ip, created, 100);
                self.items.push(json!({
                    "apiVersion": "v1", "kind": "Pod",
                    "metadata": m, "spec": spec, "status": status,
                }));
            }
        }
    }

    fn app(&mut self, plan: &Plan, r: &mut Rng, nsp: &NsPlan, app: &AppPlan, ns_created: i64) {
        let ns = nsp.name.as_str();
        let q = nsp.quality;
        let created = ns_created + r.below(((CAPTURED_AT - ns_created) / 2) as usize) as i64;
        let team = ns.split('-').next().unwrap_or(ns).to_string();

        let mut labels = Map::new();
        labels.insert("app".into(), app.name.clone().into());
        labels.insert("app.kubernetes.io/name".into(), app.name.clone().into());
        if nsp.system || good(r, q, 50) {
            labels.insert("team".into(), team.clone().into());
        }
        if good(r, q, 40) {
            labels.insert("app.kubernetes.io/part-of".into(), team.clone().into());
            labels.insert("app.kubernetes.io/managed-by".into(), "Helm".into());
        }
        let selector = json!({"app": app.name});
        let sa = if nsp.system || good(r, q, 40) {
            let automount = !good(r, q, 30);
            let sa = service_account(r, &app.name, ns, created, (!automount).then_some(false));
            self.items.push(sa);
            app.name.clone()
        } else {
            "default".to_string()
        };
        let tmpl = pod_template(r, nsp, app, &labels, &sa);
        let tmpl_labels = tmpl["metadata"]["labels"].clone();

        let mut wl_meta = meta(r, &app.name, ns, created, Some(labels.clone()));
        let wl_uid = wl_meta["uid"].as_str().unwrap_or_default().to_string();
        let generation = r.range(1, 40);
        wl_meta["generation"] = json!(generation);
        let replicas = app.replicas;
        // Some workloads are short of ready replicas.
        let broken = !nsp.system && replicas > 0 && !good(r, q, 93);
        let ready = if broken {
            replicas - r.range(1, replicas)
        } else {
            replicas
        };

        match app.kind {
            Kind::Deployment => {
                let revision = r.range(1, 30);
                let mut ann = Map::new();
                ann.insert(
                    "deployment.kubernetes.io/revision".into(),
                    revision.to_string().into(),
                );
                if !nsp.system && r.pct(3) {
                    ann.insert("kready.io/ignore".into(), "workload/replicas".into());
                }
                wl_meta["annotations"] = Value::Object(ann);
                let strategy = if replicas > 1 && !good(r, q, 85) {
                    json!({"type": "Recreate"})
                } else if good(r, q, 80) {
                    json!({"type": "RollingUpdate", "rollingUpdate": {"maxSurge": "25%", "maxUnavailable": "25%"}})
                } else {
                    let unavailable = if r.pct(50) { json!(0) } else { json!("100%") };
                    json!({"type": "RollingUpdate", "rollingUpdate": {"maxSurge": 1, "maxUnavailable": unavailable}})
                };
                let status = deployment_status(r, replicas, ready, generation, created);
                self.items.push(json!({
                    "apiVersion": "apps/v1", "kind": "Deployment",
                    "metadata": wl_meta,
                    "spec": {
                        "progressDeadlineSeconds": 600,
                        "replicas": replicas,
                        "revisionHistoryLimit": 10,
                        "selector": {"matchLabels": selector},
                        "strategy": strategy,
                        "template": tmpl,
                    },
                    "status": status,
                }));
                // The current ReplicaSet and up to two scaled-down old ones.
                let olds = r.range(0, 2).min(revision - 1);
                let mut current = (String::new(), String::new(), String::new());
                for k in 0..=olds {
                    let is_current = k == olds;
                    let hash = r.suffix(10);
                    let rs_name = format!("{}-{hash}", app.name);
                    let step = (CAPTURED_AT - created) / (olds as i64 + 2);
                    let rs_created = created + (k as i64 + 1) * step;
                    let mut rs_labels = tmpl_labels.as_object().cloned().unwrap_or_default();
                    rs_labels.insert("pod-template-hash".into(), hash.clone().into());
                    let mut m = meta(r, &rs_name, ns, rs_created, Some(rs_labels.clone()));
                    m["annotations"] = json!({
                        "deployment.kubernetes.io/desired-replicas": replicas.to_string(),
                        "deployment.kubernetes.io/max-replicas": (replicas + replicas.div_ceil(4)).to_string(),
                        "deployment.kubernetes.io/revision": (revision - olds + k).to_string(),
                    });
                    m["ownerReferences"] = owner_ref("apps/v1", "Deployment", &app.name, &wl_uid);
                    m["generation"] = json!(r.range(1, 5));
                    let rs_uid = m["uid"].as_str().unwrap_or_default().to_string();
                    let n = if is_current { replicas } else { 0 };
                    let n_ready = if is_current { ready } else { 0 };
                    let mut t = tmpl.clone();
                    t["metadata"]["labels"] = Value::Object(rs_labels);
                    let mut sel = selector.clone();
                    sel["pod-template-hash"] = json!(hash);
                    self.items.push(json!({
                        "apiVersion": "apps/v1", "kind": "ReplicaSet",
                        "metadata": m,
                        "spec": {"replicas": n, "selector": {"matchLabels": sel}, "template": t},
                        "status": {
                            "availableReplicas": n_ready,
                            "fullyLabeledReplicas": n,
                            "observedGeneration": 1,
                            "readyReplicas": n_ready,
                            "replicas": n,
                        },
                    }));
                    if is_current {
                        current = (rs_name, rs_uid, hash);
                    }
                }
                let (rs_name, rs_uid, hash) = current;
                for i in 0..replicas {
                    let name = format!("{rs_name}-{}", r.suffix(5));
                    let pod = PodIn {
                        ns,
                        name,
                        tmpl: &tmpl,
                        owner: owner_ref("apps/v1", "ReplicaSet", &rs_name, &rs_uid),
                        extra_labels: json!({"pod-template-hash": hash}),
                        health: if i < ready { 100 } else { 0 },
                        wl_created: created,
                    };
                    let node = self.pick_node(plan, r);
                    self.pod(plan, r, pod, node);
                }
            }
            Kind::StatefulSet => {
                let svc = format!("{}-headless", app.name);
                let rev = format!("{}-{}", app.name, r.hex(10));
                self.items.push(json!({
                    "apiVersion": "apps/v1", "kind": "StatefulSet",
                    "metadata": wl_meta,
                    "spec": {
                        "persistentVolumeClaimRetentionPolicy": {"whenDeleted": "Retain", "whenScaled": "Retain"},
                        "podManagementPolicy": "OrderedReady",
                        "replicas": replicas,
                        "revisionHistoryLimit": 10,
                        "selector": {"matchLabels": selector},
                        "serviceName": svc,
                        "template": tmpl,
                        "updateStrategy": {"rollingUpdate": {"partition": 0}, "type": "RollingUpdate"},
                        "volumeClaimTemplates": [{
                            "apiVersion": "v1", "kind": "PersistentVolumeClaim",
                            "metadata": {"creationTimestamp": null, "name": "data"},
                            "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "50Gi"}}, "storageClassName": "gp3", "volumeMode": "Filesystem"},
                            "status": {"phase": "Pending"},
                        }],
                    },
                    "status": {
                        "availableReplicas": ready, "collisionCount": 0, "currentReplicas": replicas,
                        "currentRevision": rev, "observedGeneration": generation, "readyReplicas": ready,
                        "replicas": replicas, "updateRevision": rev, "updatedReplicas": replicas,
                    },
                }));
                let headless = headless_service(r, &svc, ns, created, &selector);
                self.items.push(headless);
                for i in 0..replicas {
                    let name = format!("{}-{i}", app.name);
                    let pvc = format!("data-{name}");
                    let pvc_labels = tmpl_labels.as_object().cloned();
                    let pvc_meta = meta(r, &pvc, ns, created, pvc_labels);
                    self.items.push(json!({
                        "apiVersion": "v1", "kind": "PersistentVolumeClaim",
                        "metadata": pvc_meta,
                        "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "50Gi"}}, "storageClassName": "gp3", "volumeMode": "Filesystem", "volumeName": format!("pvc-{}", r.uid())},
                        "status": {"accessModes": ["ReadWriteOnce"], "capacity": {"storage": "50Gi"}, "phase": "Bound"},
                    }));
                    let pod = PodIn {
                        ns,
                        name: name.clone(),
                        tmpl: &tmpl,
                        owner: owner_ref("apps/v1", "StatefulSet", &app.name, &wl_uid),
                        extra_labels: json!({
                            "apps.kubernetes.io/pod-index": i.to_string(),
                            "controller-revision-hash": rev,
                            "statefulset.kubernetes.io/pod-name": name,
                        }),
                        health: if i < ready { 100 } else { 0 },
                        wl_created: created,
                    };
                    let node = self.pick_node(plan, r);
                    self.pod(plan, r, pod, node);
                }
            }
            Kind::DaemonSet => {
                let n = plan.nodes.len();
                self.items.push(json!({
                    "apiVersion": "apps/v1", "kind": "DaemonSet",
                    "metadata": wl_meta,
                    "spec": {
                        "revisionHistoryLimit": 10,
                        "selector": {"matchLabels": selector},
                        "template": tmpl,
                        "updateStrategy": {"rollingUpdate": {"maxSurge": 0, "maxUnavailable": 1}, "type": "RollingUpdate"},
                    },
                    "status": {
                        "currentNumberScheduled": n, "desiredNumberScheduled": n, "numberAvailable": n,
                        "numberMisscheduled": 0, "numberReady": n, "observedGeneration": generation, "updatedNumberScheduled": n,
                    },
                }));
                let hash = r.hex(10);
                for node in 0..n {
                    let pod = PodIn {
                        ns,
                        name: format!("{}-{}", app.name, r.suffix(5)),
                        tmpl: &tmpl,
                        owner: owner_ref("apps/v1", "DaemonSet", &app.name, &wl_uid),
                        extra_labels: json!({"controller-revision-hash": hash, "pod-template-generation": "1"}),
                        health: 100,
                        wl_created: created,
                    };
                    self.pod(plan, r, pod, Some(node));
                }
            }
        }

        // Companions: Service, HPA, PDB, ConfigMap, NetworkPolicy.
        if app.kind != Kind::DaemonSet && (nsp.system || r.pct(85)) {
            let s = service(r, nsp, app, created, &selector);
            self.items.push(s);
        } else if !nsp.system && r.pct(3) {
            // A Service whose selector matches nothing.
            let sel = json!({"app": format!("{}-old", app.name)});
            let mut s = service(r, nsp, app, created, &sel);
            s["metadata"]["name"] = json!(format!("{}-legacy", app.name));
            self.items.push(s);
        }
        if app.kind == Kind::Deployment && !nsp.system && replicas >= 2 && r.pct(40) {
            let h = hpa(r, ns, app, created, q);
            self.items.push(h);
        }
        if app.kind != Kind::DaemonSet && replicas >= 2 && (nsp.system || good(r, q, 30)) {
            let p = pdb(r, ns, app, created, &selector, ready, q);
            self.items.push(p);
        }
        if app.system.is_none() {
            let m = meta(
                r,
                &format!("{}-config", app.name),
                ns,
                created,
                Some(labels),
            );
            self.items.push(json!({
                "apiVersion": "v1", "kind": "ConfigMap",
                "metadata": m,
                "data": {
                    "LOG_FORMAT": "json",
                    "FEATURE_FLAGS": "checkout_v2,fast_search",
                    "application.yaml": format!("server:\n  port: 8080\nspring:\n  application:\n    name: {}\nmanagement:\n  endpoints:\n    web:\n      exposure:\n        include: health,info,prometheus\n", app.name),
                },
            }));
            if good(r, q, 20) {
                let m = meta(r, &format!("{}-ingress", app.name), ns, created, None);
                self.items.push(json!({
                    "apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
                    "metadata": m,
                    "spec": {
                        "podSelector": {"matchLabels": selector},
                        "policyTypes": ["Ingress"],
                        "ingress": [{
                            "from": [
                                {"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "ingress-nginx"}}},
                                {"podSelector": {"matchLabels": {"app": "gateway"}}},
                            ],
                            "ports": [{"port": 8080, "protocol": "TCP"}],
                        }],
                    },
                }));
            }
        }
    }

    /// A worker for a new pod; about 0.3% of pods wait for one.
    fn pick_node(&self, plan: &Plan, r: &mut Rng) -> Option<usize> {
        if r.below(1000) < 3 {
            None
        } else {
            self.place(plan, r)
        }
    }

    fn pod(&mut self, plan: &Plan, r: &mut Rng, p: PodIn, node: Option<usize>) {
        let created = p.wl_created.max(ago(r, 0, 30 * DAY));
        let mut labels = p.tmpl["metadata"]["labels"]
            .as_object()
            .cloned()
            .unwrap_or_default();
        if let Value::Object(extra) = p.extra_labels {
            labels.extend(extra);
        }
        let mut m = meta(r, &p.name, p.ns, created, Some(labels));
        if !p.name.ends_with(|c: char| c.is_ascii_digit())
            && let Some((prefix, _)) = p.name.rsplit_once('-')
        {
            m["generateName"] = json!(format!("{prefix}-"));
        }
        if let Some(a) = p.tmpl["metadata"].get("annotations") {
            m["annotations"] = a.clone();
        }
        m["ownerReferences"] = p.owner;
        let mut spec = p.tmpl["spec"].clone();
        let token_vol = format!("kube-api-access-{}", r.suffix(5));
        for c in spec["containers"].as_array_mut().into_iter().flatten() {
            let mounts = c
                .as_object_mut()
                .expect("container")
                .entry("volumeMounts")
                .or_insert_with(|| json!([]));
            if let Some(mounts) = mounts.as_array_mut() {
                mounts.push(json!({
                    "mountPath": "/var/run/secrets/kubernetes.io/serviceaccount",
                    "name": token_vol,
                    "readOnly": true,
                }));
            }
        }
        let sp = spec.as_object_mut().expect("pod spec");
        sp.insert("enableServiceLinks".into(), json!(true));
        sp.insert("preemptionPolicy".into(), json!("PreemptLowerPriority"));
        sp.entry("priority").or_insert(json!(0));
        let sa = sp
            .get("serviceAccountName")
            .cloned()
            .unwrap_or(json!("default"));
        sp.insert("serviceAccount".into(), sa);
        if let Some(n) = node {
            sp.insert("nodeName".into(), json!(plan.nodes[n].name));
        }
        if let Some(tol) = sp
            .entry("tolerations")
            .or_insert_with(|| json!([]))
            .as_array_mut()
        {
            for key in ["not-ready", "unreachable"] {
                tol.push(json!({
                    "effect": "NoExecute",
                    "key": format!("node.kubernetes.io/{key}"),
                    "operator": "Exists",
                    "tolerationSeconds": 300,
                }));
            }
        }
        if let Some(vols) = sp
            .entry("volumes")
            .or_insert_with(|| json!([]))
            .as_array_mut()
        {
            vols.push(json!({
                "name": token_vol,
                "projected": {
                    "defaultMode": 420,
                    "sources": [
                        {"serviceAccountToken": {"expirationSeconds": 3607, "path": "token"}},
                        {"configMap": {"items": [{"key": "ca.crt", "path": "ca.crt"}], "name": "kube-root-ca.crt"}},
                        {"downwardAPI": {"items": [{"fieldRef": {"apiVersion": "v1", "fieldPath": "metadata.namespace"}, "path": "namespace"}]}},
                    ],
                },
            }));
        }
        let host_network = sp.get("hostNetwork") == Some(&json!(true));
        let status = match node {
            Some(n) => {
                let host = plan.nodes[n].ip.clone();
                let ip = if host_network {
                    host.clone()
                } else {
                    self.pod_ip(n)
                };
                pod_status(r, &spec, &ip, &host, created, p.health)
            }
            None => json!({
                "conditions": [{
                    "lastProbeTime": null,
                    "lastTransitionTime": ts(created),
                    "message": format!("0/{n} nodes are available: {n} Insufficient memory. preemption: 0/{n} nodes are available: {n} No preemption victims found for incoming pod.", n = plan.nodes.len()),
                    "reason": "Unschedulable",
                    "status": "False",
                    "type": "PodScheduled",
                }],
                "phase": "Pending",
                "qosClass": qos(&spec),
            }),
        };
        self.items.push(json!({
            "apiVersion": "v1", "kind": "Pod",
            "metadata": m, "spec": spec, "status": status,
        }));
    }

    fn cronjob(&mut self, plan: &Plan, r: &mut Rng, nsp: &NsPlan, ns_created: i64) {
        let ns = nsp.name.as_str();
        let name = "nightly-cleanup";
        let m = meta(r, name, ns, ns_created, None);
        let uid = m["uid"].as_str().unwrap_or_default().to_string();
        let team = ns.split('-').next().unwrap_or(ns);
        let pod_spec = json!({
            "containers": [{
                "args": ["cleanup", "--older-than=720h"],
                "image": format!("ghcr.io/acme/{team}-tools:v{}.{}.0", r.range(1, 3), r.range(0, 20)),
                "imagePullPolicy": "IfNotPresent",
                "name": "cleanup",
                "resources": {"limits": {"memory": "256Mi"}, "requests": {"cpu": "100m", "memory": "128Mi"}},
                "terminationMessagePath": "/dev/termination-log",
                "terminationMessagePolicy": "File",
            }],
            "dnsPolicy": "ClusterFirst",
            "restartPolicy": "OnFailure",
            "schedulerName": "default-scheduler",
            "securityContext": {},
            "terminationGracePeriodSeconds": 30,
        });
        let last = CAPTURED_AT - CAPTURED_AT % DAY + 2 * 3600;
        let last = if last > CAPTURED_AT { last - DAY } else { last };
        self.items.push(json!({
            "apiVersion": "batch/v1", "kind": "CronJob",
            "metadata": m,
            "spec": {
                "concurrencyPolicy": "Forbid",
                "failedJobsHistoryLimit": 1,
                "jobTemplate": {
                    "metadata": {"creationTimestamp": null},
                    "spec": {"backoffLimit": 3, "template": {"metadata": {"creationTimestamp": null}, "spec": pod_spec}},
                },
                "schedule": "0 2 * * *",
                "successfulJobsHistoryLimit": 3,
                "suspend": false,
            },
            "status": {"lastScheduleTime": ts(last), "lastSuccessfulTime": ts(last + 95)},
        }));
        let job_name = format!("{name}-{}", last / 60);
        let job_labels = json!({"batch.kubernetes.io/job-name": job_name, "job-name": job_name});
        let mut jm = meta(r, &job_name, ns, last, job_labels.as_object().cloned());
        jm["ownerReferences"] = owner_ref("batch/v1", "CronJob", name, &uid);
        let job_uid = jm["uid"].as_str().unwrap_or_default().to_string();
        let tmpl = json!({"metadata": {"creationTimestamp": null, "labels": job_labels}, "spec": pod_spec});
        self.items.push(json!({
            "apiVersion": "batch/v1", "kind": "Job",
            "metadata": jm,
            "spec": {
                "backoffLimit": 3, "completionMode": "NonIndexed", "completions": 1, "manualSelector": false,
                "parallelism": 1, "podReplacementPolicy": "TerminatingOrFailed", "suspend": false, "template": tmpl,
            },
            "status": {
                "completionTime": ts(last + 95),
                "conditions": [{"lastProbeTime": ts(last + 95), "lastTransitionTime": ts(last + 95), "status": "True", "type": "Complete"}],
                "ready": 0, "startTime": ts(last), "succeeded": 1, "terminating": 0,
            },
        }));
        let node = self.place(plan, r);
        let pod = PodIn {
            ns,
            name: format!("{job_name}-{}", r.suffix(5)),
            tmpl: &tmpl,
            owner: owner_ref("batch/v1", "Job", &job_name, &job_uid),
            extra_labels: Value::Null,
            health: 100,
            wl_created: last - 30 * DAY,
        };
        self.pod(plan, r, pod, node);
        if let Some(pod) = self.items.last_mut() {
            pod["metadata"]["creationTimestamp"] = json!(ts(last));
            let status = &mut pod["status"];
            status["phase"] = json!("Succeeded");
            status["startTime"] = json!(ts(last));
            if let Some(cs) = status["containerStatuses"].get_mut(0) {
                cs["ready"] = json!(false);
                cs["started"] = json!(false);
                cs["restartCount"] = json!(0);
                cs["lastState"] = json!({});
                cs["state"] = json!({"terminated": {
                    "containerID": format!("containerd://{}", r.hex(64)), "exitCode": 0,
                    "finishedAt": ts(last + 90), "reason": "Completed", "startedAt": ts(last + 3),
                }});
            }
        }
    }
}

/// True with a probability that grows with the team's `quality`, from
/// `base`% for the worst team to 99% for the best.
fn good(r: &mut Rng, quality: usize, base: usize) -> bool {
    r.pct((base + quality * (100 - base) / 100).min(99))
}

fn meta(
    r: &mut Rng,
    name: &str,
    ns: &str,
    created: i64,
    labels: Option<Map<String, Value>>,
) -> Value {
    let mut m = Map::new();
    m.insert("creationTimestamp".into(), ts(created).into());
    if let Some(l) = labels.filter(|l| !l.is_empty()) {
        m.insert("labels".into(), Value::Object(l));
    }
    m.insert("name".into(), name.into());
    if !ns.is_empty() {
        m.insert("namespace".into(), ns.into());
    }
    m.insert(
        "resourceVersion".into(),
        (10_000_000 + r.below(90_000_000)).to_string().into(),
    );
    m.insert("uid".into(), r.uid().into());
    Value::Object(m)
}

fn owner_ref(api_version: &str, kind: &str, name: &str, uid: &str) -> Value {
    json!([{
        "apiVersion": api_version,
        "blockOwnerDeletion": true,
        "controller": true,
        "kind": kind,
        "name": name,
        "uid": uid,
    }])
}

fn service_account(
    r: &mut Rng,
    name: &str,
    ns: &str,
    created: i64,
    automount: Option<bool>,
) -> Value {
    let mut sa = json!({
        "apiVersion": "v1", "kind": "ServiceAccount",
        "metadata": meta(r, name, ns, created, None),
    });
    if let Some(a) = automount {
        sa["automountServiceAccountToken"] = json!(a);
    }
    sa
}

// ---------------------------------------------------------------- pods

/// Images of the fixed system components, with their port and arguments.
fn system_container(sys: &str) -> (&'static str, u16, Vec<&'static str>) {
    match sys {
        "kube-proxy" => (
            "registry.k8s.io/kube-proxy:v1.33.4",
            10256,
            vec![
                "/usr/local/bin/kube-proxy",
                "--config=/var/lib/kube-proxy/config.conf",
                "--hostname-override=$(NODE_NAME)",
            ],
        ),
        "calico-node" => ("docker.io/calico/node:v3.28.2", 9099, vec![]),
        "node-exporter" => (
            "quay.io/prometheus/node-exporter:v1.8.2",
            9100,
            vec![
                "--path.procfs=/host/proc",
                "--path.sysfs=/host/sys",
                "--path.rootfs=/host/root",
            ],
        ),
        "coredns" => (
            "registry.k8s.io/coredns/coredns:v1.11.3",
            8080,
            vec!["-conf", "/etc/coredns/Corefile"],
        ),
        "metrics-server" => (
            "registry.k8s.io/metrics-server/metrics-server:v0.7.2",
            10250,
            vec![
                "--cert-dir=/tmp",
                "--secure-port=10250",
                "--kubelet-preferred-address-types=InternalIP,ExternalIP,Hostname",
                "--kubelet-use-node-status-port",
                "--metric-resolution=15s",
            ],
        ),
        "karpenter" => (
            "public.ecr.aws/karpenter/controller:1.0.6@sha256:1eb1073b9f4ed804634aabf320e4d6e822bb61c0f5ecfd9c3a88f05f1ca4c5c5",
            8080,
            vec![],
        ),
        "kube-state-metrics" => (
            "registry.k8s.io/kube-state-metrics/kube-state-metrics:v2.13.0",
            8080,
            vec!["--port=8080", "--telemetry-port=8081"],
        ),
        "grafana" => ("docker.io/grafana/grafana:11.2.0", 3000, vec![]),
        "prometheus" => (
            "quay.io/prometheus/prometheus:v2.54.1",
            9090,
            vec![
                "--config.file=/etc/prometheus/config_out/prometheus.env.yaml",
                "--storage.tsdb.path=/prometheus",
                "--storage.tsdb.retention.time=15d",
                "--web.enable-lifecycle",
            ],
        ),
        "alertmanager" => (
            "quay.io/prometheus/alertmanager:v0.27.0",
            9093,
            vec![
                "--config.file=/etc/alertmanager/config_out/alertmanager.env.yaml",
                "--storage.path=/alertmanager",
                "--cluster.listen-address=[$(POD_IP)]:9094",
            ],
        ),
        "ingress-nginx" => (
            "registry.k8s.io/ingress-nginx/controller:v1.11.2@sha256:d5f8217feeac4887cb1ed21f27c2674e58be06bd8f5184cacea2a69abaf78dce",
            10254,
            vec![
                "/nginx-ingress-controller",
                "--publish-service=$(POD_NAMESPACE)/ingress-nginx-controller",
                "--election-id=ingress-nginx-leader",
                "--controller-class=k8s.io/ingress-nginx",
                "--ingress-class=nginx",
                "--configmap=$(POD_NAMESPACE)/ingress-nginx-controller",
            ],
        ),
        "velero" => (
            "velero/velero:v1.14.1",
            8085,
            vec![
                "/velero",
                "server",
                "--uploader-type=kopia",
                "--default-volumes-to-fs-backup=false",
            ],
        ),
        _ => ("docker.io/library/busybox:1.36", 8080, vec![]),
    }
}

fn probe(kind: &str, port: Value, path: &str, delay: u32, period: u32) -> Value {
    let mut p = json!({
        "failureThreshold": 3,
        "initialDelaySeconds": delay,
        "periodSeconds": period,
        "successThreshold": 1,
        "timeoutSeconds": 1,
    });
    match kind {
        "http" => p["httpGet"] = json!({"path": path, "port": port, "scheme": "HTTP"}),
        "tcp" => p["tcpSocket"] = json!({"port": port}),
        _ => p["exec"] = json!({"command": ["/bin/sh", "-c", path]}),
    }
    p
}

fn hardened() -> Value {
    json!({
        "allowPrivilegeEscalation": false,
        "capabilities": {"drop": ["ALL"]},
        "readOnlyRootFilesystem": true,
        "runAsNonRoot": true,
    })
}

/// The pod template of a workload (what `spec.template` holds).
fn pod_template(
    r: &mut Rng,
    nsp: &NsPlan,
    app: &AppPlan,
    labels: &Map<String, Value>,
    sa: &str,
) -> Value {
    let q = nsp.quality;
    let mut tlabels = Map::new();
    for k in [
        "app",
        "app.kubernetes.io/name",
        "team",
        "app.kubernetes.io/part-of",
    ] {
        if let Some(v) = labels.get(k) {
            tlabels.insert(k.into(), v.clone());
        }
    }
    if !nsp.system && r.pct(60) {
        tlabels.insert(
            "version".into(),
            format!("v{}.{}", r.range(1, 4), r.range(0, 30)).into(),
        );
    }
    let mut annotations = Map::new();
    let mut spec = Map::new();
    let mut containers = Vec::new();
    let mut volumes = Vec::new();

    if let Some(sys) = app.system {
        let (image, port, args) = system_container(sys);
        let node_level = matches!(sys, "kube-proxy" | "calico-node" | "node-exporter");
        let mut c = json!({
            "image": image,
            "imagePullPolicy": "IfNotPresent",
            "name": sys,
            "ports": [{"containerPort": port, "name": "metrics", "protocol": "TCP"}],
            "resources": {"requests": {"cpu": "100m", "memory": "128Mi"}, "limits": {"memory": "512Mi"}},
            "terminationMessagePath": "/dev/termination-log",
            "terminationMessagePolicy": "File",
        });
        if !args.is_empty() {
            let key = if args[0].starts_with('/') {
                "command"
            } else {
                "args"
            };
            c[key] = json!(args);
        }
        if sys == "kube-proxy" {
            c["resources"] = json!({});
            c["env"] = json!([{"name": "NODE_NAME", "valueFrom": {"fieldRef": {"apiVersion": "v1", "fieldPath": "spec.nodeName"}}}]);
        }
        if matches!(sys, "kube-proxy" | "calico-node") {
            c["securityContext"] = json!({"privileged": true});
        } else {
            c["securityContext"] = hardened();
            c["livenessProbe"] = probe("http", json!(port), "/healthz", 10, 10);
            c["readinessProbe"] = probe("http", json!(port), "/readyz", 0, 10);
        }
        if sys == "coredns" {
            c["ports"] = json!([
                {"containerPort": 53, "name": "dns", "protocol": "UDP"},
                {"containerPort": 53, "name": "dns-tcp", "protocol": "TCP"},
                {"containerPort": 9153, "name": "metrics", "protocol": "TCP"},
            ]);
            c["securityContext"]["capabilities"]["add"] = json!(["NET_BIND_SERVICE"]);
            c["livenessProbe"] = probe("http", json!(8080), "/health", 60, 10);
            c["readinessProbe"] = probe("http", json!(8181), "/ready", 0, 10);
            c["volumeMounts"] =
                json!([{"mountPath": "/etc/coredns", "name": "config-volume", "readOnly": true}]);
            volumes.push(json!({"configMap": {"defaultMode": 420, "items": [{"key": "Corefile", "path": "Corefile"}], "name": "coredns"}, "name": "config-volume"}));
        }
        if node_level {
            spec.insert("hostNetwork".into(), json!(true));
            if sys == "node-exporter" {
                spec.insert("hostPID".into(), json!(true));
            }
            spec.insert("priorityClassName".into(), json!("system-node-critical"));
            spec.insert("tolerations".into(), json!([{"operator": "Exists"}]));
            let (path, mount) = if sys == "node-exporter" {
                ("/proc", "/host/proc")
            } else {
                ("/lib/modules", "/lib/modules")
            };
            c["volumeMounts"] = json!([{"mountPath": mount, "name": "host", "readOnly": true}]);
            volumes.push(json!({"hostPath": {"path": path, "type": ""}, "name": "host"}));
        } else if nsp.name == "kube-system" {
            spec.insert("priorityClassName".into(), json!("system-cluster-critical"));
        }
        if sys == "karpenter" || sys == "coredns" || sys == "ingress-nginx" {
            spec.insert("affinity".into(), anti_affinity(&app.name, true));
        }
        containers.push(c);
        spec.insert(
            "securityContext".into(),
            json!({"seccompProfile": {"type": "RuntimeDefault"}}),
        );
    } else {
        let team = nsp.name.split('-').next().unwrap_or(&nsp.name);
        let db = app.kind == Kind::StatefulSet;
        let image = if db {
            match app.name.as_str() {
                "postgres" => "docker.io/library/postgres:16.4".to_string(),
                "redis" => "docker.io/library/redis:7.4".to_string(),
                "kafka" => "docker.io/bitnami/kafka:3.8".to_string(),
                _ => "docker.io/library/mongo:latest".to_string(),
            }
        } else {
            let registry = r.pick(&[
                "123456789012.dkr.ecr.us-east-1.amazonaws.com",
                "ghcr.io/acme",
                "registry.acme.internal",
            ]);
            let repo = format!("{registry}/{team}/{}", app.name);
            match r.below(100) {
                0..5 => format!("{repo}:latest"),
                5..8 => repo,
                8..20 => format!("{repo}@sha256:{}", r.hex(64)),
                _ => format!(
                    "{repo}:{}.{}.{}",
                    r.range(1, 4),
                    r.range(0, 40),
                    r.range(0, 12)
                ),
            }
        };
        let port: u16 = if db {
            match app.name.as_str() {
                "postgres" => 5432,
                "redis" => 6379,
                "kafka" => 9092,
                _ => 27017,
            }
        } else {
            8080
        };
        let mut env = vec![
            json!({"name": "LOG_LEVEL", "value": r.pick(&["info", "debug", "warn"])}),
            json!({"name": "PORT", "value": port.to_string()}),
            json!({"name": "POD_NAME", "valueFrom": {"fieldRef": {"apiVersion": "v1", "fieldPath": "metadata.name"}}}),
            json!({"name": "POD_NAMESPACE", "valueFrom": {"fieldRef": {"apiVersion": "v1", "fieldPath": "metadata.namespace"}}}),
            json!({"name": "OTEL_EXPORTER_OTLP_ENDPOINT", "value": "http://otel-collector.monitoring:4317"}),
        ];
        if good(r, q, 85) {
            env.push(json!({"name": "DB_PASSWORD", "valueFrom": {"secretKeyRef": {"key": "password", "name": format!("{}-db", app.name)}}}));
        } else {
            env.push(json!({"name": "DB_PASSWORD", "value": format!("s3cr3t-{}", r.hex(8))}));
        }
        if r.pct(40) {
            env.push(json!({"name": "DATABASE_URL", "value": format!("postgres://{team}-db.{}.svc:5432/{team}", nsp.name)}));
        }
        if !good(r, q, 90) {
            env.push(json!({"name": "STRIPE_API_KEY", "value": format!("sk_live_{}", r.hex(24))}));
        }
        let cpu_req = *r.pick(&["50m", "100m", "250m", "500m", "1"]);
        let mem_req = *r.pick(&["128Mi", "256Mi", "512Mi", "1Gi", "2Gi"]);
        let resources = match r.below(100) {
            x if x < 100 - (70 + q * 25 / 100) => match r.below(3) {
                0 => json!({}),
                1 => json!({"requests": {"cpu": cpu_req}}),
                _ => json!({"limits": {"cpu": "1", "memory": "1Gi"}}),
            },
            x if x < 60 => {
                json!({"limits": {"memory": mem_req}, "requests": {"cpu": cpu_req, "memory": mem_req}})
            }
            x if x < 80 => {
                json!({"limits": {"cpu": "2", "memory": mem_req}, "requests": {"cpu": cpu_req, "memory": mem_req}})
            }
            _ => json!({"requests": {"cpu": cpu_req, "memory": mem_req}}),
        };
        let mut c = json!({
            "env": env,
            "image": image,
            "imagePullPolicy": if image.ends_with(":latest") { "Always" } else { "IfNotPresent" },
            "name": app.name,
            "ports": [{"containerPort": port, "name": if db { "tcp" } else { "http" }, "protocol": "TCP"}],
            "resources": resources,
            "terminationMessagePath": "/dev/termination-log",
            "terminationMessagePolicy": "File",
            "volumeMounts": [
                {"mountPath": "/etc/app", "name": "config", "readOnly": true},
                {"mountPath": "/tmp", "name": "tmp"},
            ],
        });
        if db {
            c["volumeMounts"]
                .as_array_mut()
                .expect("mounts")
                .push(json!({"mountPath": "/data", "name": "data"}));
        }
        let (kind, path) = if db {
            ("tcp", "")
        } else {
            ("http", "/healthz")
        };
        if good(r, q, 70) {
            c["readinessProbe"] = probe(kind, json!(port), "/ready", 5, 10);
        }
        if good(r, q, 60) {
            c["livenessProbe"] = probe(kind, json!(port), path, 30, 15);
        }
        if r.pct(10) {
            c["startupProbe"] = probe(kind, json!(port), path, 0, 5);
        }
        match r.below(100) {
            x if x < q * 7 / 10 => c["securityContext"] = hardened(),
            x if x < 97 => {
                if r.pct(50) {
                    c["securityContext"] = json!({"allowPrivilegeEscalation": false});
                }
            }
            _ => c["securityContext"] = json!({"privileged": true}),
        }
        containers.push(c);
        if r.pct(30) {
            let (name, image) = *r.pick(&[
                ("envoy", "docker.io/envoyproxy/envoy:v1.31.2"),
                ("fluent-bit", "cr.fluentbit.io/fluent/fluent-bit:3.1.9"),
                (
                    "cloud-sql-proxy",
                    "gcr.io/cloud-sql-connectors/cloud-sql-proxy:2.13.0",
                ),
            ]);
            let mut s = json!({
                "image": image,
                "imagePullPolicy": "IfNotPresent",
                "name": name,
                "resources": {"limits": {"memory": "128Mi"}, "requests": {"cpu": "50m", "memory": "64Mi"}},
                "securityContext": hardened(),
                "terminationMessagePath": "/dev/termination-log",
                "terminationMessagePolicy": "File",
            });
            if name == "envoy" {
                s["ports"] = json!([{"containerPort": 9901, "name": "admin", "protocol": "TCP"}]);
                s["readinessProbe"] = probe("http", json!(9901), "/ready", 0, 5);
            }
            containers.push(s);
        }
        if r.pct(15) {
            let mut init = containers[0].clone();
            let o = init.as_object_mut().expect("container");
            o.insert("name".into(), json!("migrate"));
            o.insert("args".into(), json!(["migrate", "--up"]));
            for k in ["ports", "readinessProbe", "livenessProbe", "startupProbe"] {
                o.remove(k);
            }
            spec.insert("initContainers".into(), json!([init]));
        }
        volumes.push(json!({"configMap": {"defaultMode": 420, "name": format!("{}-config", app.name)}, "name": "config"}));
        volumes.push(json!({"emptyDir": {}, "name": "tmp"}));
        if !db && r.pct(1) {
            volumes.push(
                json!({"hostPath": {"path": "/var/log", "type": "Directory"}, "name": "host-logs"}),
            );
        }
        if r.pct(1) {
            spec.insert("hostNetwork".into(), json!(true));
        }
        if good(r, q, 30) {
            spec.insert(
                "securityContext".into(),
                json!({"fsGroup": 10001, "runAsGroup": 10001, "runAsNonRoot": true, "runAsUser": 10001, "seccompProfile": {"type": "RuntimeDefault"}}),
            );
        } else {
            spec.insert("securityContext".into(), json!({}));
        }
        if app.replicas >= 2 {
            match r.below(100) {
                x if x < 20 + q / 3 => {
                    spec.insert(
                        "topologySpreadConstraints".into(),
                        json!([{
                            "labelSelector": {"matchLabels": {"app": app.name}},
                            "maxSkew": 1,
                            "topologyKey": "topology.kubernetes.io/zone",
                            "whenUnsatisfiable": "ScheduleAnyway",
                        }]),
                    );
                }
                x if x < 40 + q / 3 => {
                    spec.insert("affinity".into(), anti_affinity(&app.name, false));
                }
                _ => {}
            }
        }
        if r.pct(10) {
            spec.insert("priorityClassName".into(), json!("high-priority"));
            spec.insert("priority".into(), json!(100_000));
        }
        if r.pct(20) {
            spec.insert("nodeSelector".into(), json!({"kubernetes.io/os": "linux"}));
        }
        if r.pct(50) {
            annotations.insert("prometheus.io/scrape".into(), json!("true"));
            annotations.insert("prometheus.io/port".into(), json!(port.to_string()));
        }
        if r.pct(20) {
            annotations.insert(
                "kubectl.kubernetes.io/restartedAt".into(),
                json!(ts(ago(r, DAY, 60 * DAY))),
            );
        }
    }
    spec.insert("containers".into(), Value::Array(containers));
    spec.insert("dnsPolicy".into(), json!("ClusterFirst"));
    spec.insert("restartPolicy".into(), json!("Always"));
    spec.insert("schedulerName".into(), json!("default-scheduler"));
    spec.entry("securityContext").or_insert(json!({}));
    if sa != "default" {
        spec.insert("serviceAccountName".into(), json!(sa));
    }
    spec.insert("terminationGracePeriodSeconds".into(), json!(30));
    if !volumes.is_empty() {
        spec.insert("volumes".into(), Value::Array(volumes));
    }
    let mut m = json!({"creationTimestamp": null, "labels": tlabels});
    if !annotations.is_empty() {
        m["annotations"] = Value::Object(annotations);
    }
    json!({"metadata": m, "spec": spec})
}

fn anti_affinity(app: &str, required: bool) -> Value {
    let term = json!({
        "labelSelector": {"matchExpressions": [{"key": "app", "operator": "In", "values": [app]}]},
        "topologyKey": "kubernetes.io/hostname",
    });
    if required {
        json!({"podAntiAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": [term]}})
    } else {
        json!({"podAntiAffinity": {"preferredDuringSchedulingIgnoredDuringExecution": [{"podAffinityTerm": term, "weight": 100}]}})
    }
}

fn qos(spec: &Value) -> &'static str {
    let cs = spec["containers"].as_array().map_or(&[][..], Vec::as_slice);
    let any = cs.iter().any(|c| {
        let r = &c["resources"];
        r.get("requests").is_some() || r.get("limits").is_some()
    });
    let guaranteed = cs.iter().all(|c| {
        let r = &c["resources"];
        ["cpu", "memory"].iter().all(|k| {
            r["limits"].get(k).is_some()
                && (r["requests"].get(k).is_none() || r["requests"][k] == r["limits"][k])
        })
    });
    match (any, guaranteed) {
        (_, true) if !cs.is_empty() => "Guaranteed",
        (true, _) => "Burstable",
        _ => "BestEffort",
    }
}

/// A running pod's status; `health` 0 crash-loops, 100 is steady.
fn pod_status(
    r: &mut Rng,
    spec: &Value,
    pod_ip: &str,
    host_ip: &str,
    created: i64,
    health: usize,
) -> Value {
    let start = created + r.range(1, 5) as i64;
    let crash = health == 0;
    let cond = |t: &str, ok: bool, at: i64| json!({"lastProbeTime": null, "lastTransitionTime": ts(at), "status": if ok { "True" } else { "False" }, "type": t});
    let ready_at = start + r.range(5, 60) as i64;
    let mut conditions = vec![
        cond("PodReadyToStartContainers", true, start + 2),
        cond("Initialized", true, start + 1),
        cond("Ready", !crash, ready_at),
        cond("ContainersReady", !crash, ready_at),
        cond("PodScheduled", true, created),
    ];
    if crash {
        for c in &mut conditions[2..4] {
            c["reason"] = json!("ContainersNotReady");
            c["message"] = json!(format!(
                "containers with unready status: [{}]",
                spec["containers"][0]["name"].as_str().unwrap_or("app")
            ));
        }
    }
    let statuses: Vec<Value> = spec["containers"]
        .as_array()
        .map_or(&[][..], Vec::as_slice)
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let image = c["image"].as_str().unwrap_or_default();
            let restarts = if crash && i == 0 {
                r.range(20, 400)
            } else {
                match r.below(100) {
                    0..88 => 0,
                    88..97 => r.range(1, 3),
                    _ => r.range(6, 40),
                }
            };
            let cid = format!("containerd://{}", r.hex(64));
            let last = if restarts > 0 {
                let oom = r.pct(30);
                json!({"terminated": {
                    "containerID": format!("containerd://{}", r.hex(64)),
                    "exitCode": if oom { 137 } else { 1 },
                    "finishedAt": ts(ago(r, 60, 3 * 3600)),
                    "reason": if oom { "OOMKilled" } else { "Error" },
                    "startedAt": ts(start),
                }})
            } else {
                json!({})
            };
            let state = if crash && i == 0 {
                json!({"waiting": {
                    "message": format!("back-off 5m0s restarting failed container={} pod=…", c["name"].as_str().unwrap_or("app")),
                    "reason": "CrashLoopBackOff",
                }})
            } else {
                json!({"running": {"startedAt": ts(start + r.range(1, 3) as i64)}})
            };
            let mut s = json!({
                "containerID": cid,
                "image": image,
                "imageID": format!("{}@sha256:{}", image.split(['@', ':']).next().unwrap_or(image), r.hex(64)),
                "lastState": last,
                "name": c["name"],
                "ready": !(crash && i == 0),
                "restartCount": restarts,
                "started": !(crash && i == 0),
                "state": state,
                "volumeMounts": c["volumeMounts"].as_array().map(|ms| ms.iter().map(|m| json!({
                    "mountPath": m["mountPath"], "name": m["name"], "readOnly": m.get("readOnly").cloned().unwrap_or(json!(false)),
                    "recursiveReadOnly": "Disabled",
                })).collect::<Vec<_>>()).unwrap_or_default(),
            });
            if crash && i == 0 {
                s.as_object_mut().expect("status").remove("containerID");
            }
            s
        })
        .collect();
    let mut status = json!({
        "conditions": conditions,
        "containerStatuses": statuses,
        "hostIP": host_ip,
        "hostIPs": [{"ip": host_ip}],
        "phase": "Running",
        "podIP": pod_ip,
        "podIPs": [{"ip": pod_ip}],
        "qosClass": qos(spec),
        "startTime": ts(start),
    });
    if let Some(inits) = spec["initContainers"].as_array() {
        status["initContainerStatuses"] = Value::Array(
            inits
                .iter()
                .map(|c| {
                    json!({
                        "containerID": format!("containerd://{}", r.hex(64)),
                        "image": c["image"],
                        "imageID": format!("{}@sha256:{}", c["image"].as_str().unwrap_or_default().split(['@', ':']).next().unwrap_or_default(), r.hex(64)),
                        "lastState": {},
                        "name": c["name"],
                        "ready": true,
                        "restartCount": 0,
                        "started": false,
                        "state": {"terminated": {
                            "containerID": format!("containerd://{}", r.hex(64)),
                            "exitCode": 0, "finishedAt": ts(start + 3), "reason": "Completed", "startedAt": ts(start + 1),
                        }},
                    })
                })
                .collect(),
        );
    }
    status
}

fn deployment_status(
    r: &mut Rng,
    replicas: usize,
    ready: usize,
    generation: usize,
    created: i64,
) -> Value {
    let ok = ready >= replicas;
    let since = if ok {
        ago(r, 3600, 20 * DAY).max(created)
    } else if r.pct(30) {
        ago(r, 30, 240)
    } else {
        ago(r, 900, 3 * DAY)
    };
    let mut s = json!({
        "availableReplicas": ready,
        "conditions": [
            {
                "lastTransitionTime": ts(since), "lastUpdateTime": ts(since),
                "message": if ok { "Deployment has minimum availability.".to_string() } else { "Deployment does not have minimum availability.".to_string() },
                "reason": if ok { "MinimumReplicasAvailable" } else { "MinimumReplicasUnavailable" },
                "status": if ok { "True" } else { "False" }, "type": "Available",
            },
            {
                "lastTransitionTime": ts(created), "lastUpdateTime": ts(ago(r, 3600, 20 * DAY).max(created)),
                "message": "ReplicaSet has successfully progressed.",
                "reason": "NewReplicaSetAvailable", "status": "True", "type": "Progressing",
            },
        ],
        "observedGeneration": generation,
        "readyReplicas": ready,
        "replicas": replicas,
        "updatedReplicas": replicas,
    });
    if !ok {
        s["unavailableReplicas"] = json!(replicas - ready);
    }
    s
}

// ---------------------------------------------------------------- companions

fn cluster_ip(r: &mut Rng) -> String {
    format!("172.20.{}.{}", r.range(0, 255), r.range(1, 254))
}

fn service(r: &mut Rng, nsp: &NsPlan, app: &AppPlan, created: i64, selector: &Value) -> Value {
    let name = if app.system == Some("coredns") {
        "kube-dns".to_string()
    } else {
        app.name.clone()
    };
    let lb = app.system == Some("ingress-nginx") || (!nsp.system && r.pct(4));
    let ip = cluster_ip(r);
    let (port, target) = match app.system {
        Some("coredns") => (53, json!(53)),
        Some(_) => (80, json!("metrics")),
        None if app.kind == Kind::StatefulSet => (5432, json!("tcp")),
        None => (80, json!("http")),
    };
    let mut ports =
        vec![json!({"name": "http", "port": port, "protocol": "TCP", "targetPort": target})];
    if lb {
        ports[0]["nodePort"] = json!(r.range(30000, 32767));
    }
    let mut s = json!({
        "apiVersion": "v1", "kind": "Service",
        "metadata": meta(r, &name, &nsp.name, created, Some(selector.as_object().cloned().unwrap_or_default())),
        "spec": {
            "clusterIP": ip,
            "clusterIPs": [ip],
            "internalTrafficPolicy": "Cluster",
            "ipFamilies": ["IPv4"],
            "ipFamilyPolicy": "SingleStack",
            "ports": ports,
            "selector": selector,
            "sessionAffinity": "None",
            "type": if lb { "LoadBalancer" } else { "ClusterIP" },
        },
        "status": {"loadBalancer": {}},
    });
    if lb {
        s["spec"]["allocateLoadBalancerNodePorts"] = json!(true);
        s["spec"]["externalTrafficPolicy"] = json!("Cluster");
        s["status"]["loadBalancer"] = json!({"ingress": [{"hostname": format!("a{}-{}.elb.us-east-1.amazonaws.com", r.hex(32), r.range(100_000_000, 999_999_999))}]});
    }
    s
}

fn headless_service(r: &mut Rng, name: &str, ns: &str, created: i64, selector: &Value) -> Value {
    json!({
        "apiVersion": "v1", "kind": "Service",
        "metadata": meta(r, name, ns, created, Some(selector.as_object().cloned().unwrap_or_default())),
        "spec": {
            "clusterIP": "None", "clusterIPs": ["None"], "internalTrafficPolicy": "Cluster",
            "ipFamilies": ["IPv4"], "ipFamilyPolicy": "SingleStack",
            "ports": [{"name": "tcp", "port": 5432, "protocol": "TCP", "targetPort": "tcp"}],
            "publishNotReadyAddresses": true, "selector": selector, "sessionAffinity": "None", "type": "ClusterIP",
        },
        "status": {"loadBalancer": {}},
    })
}

fn hpa(r: &mut Rng, ns: &str, app: &AppPlan, created: i64, q: usize) -> Value {
    let replicas = app.replicas;
    let min = if good(r, q, 60) { 2 } else { 1 };
    let max = if r.pct(8) {
        replicas
    } else {
        replicas * r.range(2, 4)
    };
    let cpu = r.range(40, 110);
    let mut metrics = vec![
        json!({"resource": {"name": "cpu", "target": {"averageUtilization": 70, "type": "Utilization"}}, "type": "Resource"}),
    ];
    let mut current = vec![
        json!({"resource": {"current": {"averageUtilization": cpu, "averageValue": format!("{}m", cpu * 3)}, "name": "cpu"}, "type": "Resource"}),
    ];
    if r.pct(30) {
        metrics.push(json!({"resource": {"name": "memory", "target": {"averageUtilization": 80, "type": "Utilization"}}, "type": "Resource"}));
        current.push(json!({"resource": {"current": {"averageUtilization": 55, "averageValue": "300Mi"}, "name": "memory"}, "type": "Resource"}));
    }
    let at_max = replicas >= max;
    let since = ts(ago(r, 600, 10 * DAY));
    json!({
        "apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler",
        "metadata": meta(r, &app.name, ns, created, None),
        "spec": {
            "maxReplicas": max, "metrics": metrics, "minReplicas": min,
            "scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": app.name},
        },
        "status": {
            "conditions": [
                {"lastTransitionTime": since, "message": "recommended size matches current size", "reason": "ReadyForNewScale", "status": "True", "type": "AbleToScale"},
                {"lastTransitionTime": since, "message": "the HPA was able to successfully calculate a replica count from cpu resource utilization (percentage of request)", "reason": "ValidMetricFound", "status": "True", "type": "ScalingActive"},
                {"lastTransitionTime": since, "message": if at_max { "the desired replica count is more than the maximum replica count" } else { "the desired count is within the acceptable range" }, "reason": if at_max { "TooManyReplicas" } else { "DesiredWithinRange" }, "status": if at_max { "True" } else { "False" }, "type": "ScalingLimited"},
            ],
            "currentMetrics": current,
            "currentReplicas": replicas,
            "desiredReplicas": replicas,
        },
    })
}

fn pdb(
    r: &mut Rng,
    ns: &str,
    app: &AppPlan,
    created: i64,
    selector: &Value,
    ready: usize,
    q: usize,
) -> Value {
    let replicas = app.replicas;
    let (field, value, desired) = if good(r, q, 75) {
        if r.pct(50) {
            ("maxUnavailable", json!(1), replicas - 1)
        } else {
            ("minAvailable", json!("50%"), replicas.div_ceil(2))
        }
    } else if r.pct(50) {
        ("maxUnavailable", json!(0), replicas)
    } else {
        ("minAvailable", json!(replicas), replicas)
    };
    let allowed = ready.saturating_sub(desired);
    json!({
        "apiVersion": "policy/v1", "kind": "PodDisruptionBudget",
        "metadata": meta(r, &app.name, ns, created, None),
        "spec": {field: value, "selector": {"matchLabels": selector}},
        "status": {
            "conditions": [{
                "lastTransitionTime": ts(ago(r, 3600, 30 * DAY)),
                "message": "", "observedGeneration": 1,
                "reason": if allowed > 0 { "SufficientPods" } else { "InsufficientPods" },
                "status": if allowed > 0 { "True" } else { "False" }, "type": "DisruptionAllowed",
            }],
            "currentHealthy": ready, "desiredHealthy": desired, "disruptionsAllowed": allowed,
            "expectedPods": replicas, "observedGeneration": 1,
        },
    })
}

fn secret(r: &mut Rng, name: &str, ns: &str, created: i64) -> Value {
    json!({
        "apiVersion": "v1", "kind": "Secret",
        "metadata": meta(r, name, ns, created, None),
        "type": "Opaque",
        "data": {"password": "c2VjcmV0LXBhc3N3b3Jk", "username": "YXBw"},
    })
}

/// Quotas, limits, default-deny policy and RBAC of a team namespace.
fn namespace_policy(r: &mut Rng, nsp: &NsPlan, created: i64, items: &mut Vec<Value>) {
    let ns = nsp.name.as_str();
    let q = nsp.quality;
    let team = ns.split('-').next().unwrap_or(ns);
    let pods: usize = nsp.apps.iter().map(|a| a.replicas).sum();
    if good(r, q, 40) {
        let hard_pods = (pods * 2).max(20);
        let cpu = (pods as u64 * 2).max(8);
        let used = if r.pct(8) { 95 } else { r.range(20, 80) as u64 };
        items.push(json!({
            "apiVersion": "v1", "kind": "ResourceQuota",
            "metadata": meta(r, "compute", ns, created, None),
            "spec": {"hard": {"limits.memory": format!("{}Gi", cpu * 4), "pods": hard_pods.to_string(), "requests.cpu": cpu.to_string(), "requests.memory": format!("{}Gi", cpu * 2)}},
            "status": {
                "hard": {"limits.memory": format!("{}Gi", cpu * 4), "pods": hard_pods.to_string(), "requests.cpu": cpu.to_string(), "requests.memory": format!("{}Gi", cpu * 2)},
                "used": {"limits.memory": format!("{}Gi", cpu * 4 * used / 100), "pods": pods.to_string(), "requests.cpu": format!("{}m", cpu * 10 * used), "requests.memory": format!("{}Mi", cpu * 2 * 1024 * used / 100)},
            },
        }));
    }
    if good(r, q, 30) {
        items.push(json!({
            "apiVersion": "v1", "kind": "LimitRange",
            "metadata": meta(r, "defaults", ns, created, None),
            "spec": {"limits": [{
                "default": {"cpu": "1", "memory": "512Mi"},
                "defaultRequest": {"cpu": "100m", "memory": "256Mi"},
                "max": {"cpu": "4", "memory": "8Gi"},
                "type": "Container",
            }]},
        }));
    }
    if good(r, q, 35) {
        items.push(json!({
            "apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
            "metadata": meta(r, "default-deny-ingress", ns, created, None),
            "spec": {"podSelector": {}, "policyTypes": ["Ingress"]},
        }));
    }
    let group = |r: &mut Rng, name: &str, role_kind: &str, role: &str, subjects: Value| {
        json!({
            "apiVersion": "rbac.authorization.k8s.io/v1", "kind": "RoleBinding",
            "metadata": meta(r, name, ns, created, None),
            "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": role_kind, "name": role},
            "subjects": subjects,
        })
    };
    let devs = json!([{"apiGroup": "rbac.authorization.k8s.io", "kind": "Group", "name": format!("{team}-developers")}]);
    items.push(group(
        r,
        &format!("{team}-developers"),
        "ClusterRole",
        "edit",
        devs,
    ));
    let viewers =
        json!([{"apiGroup": "rbac.authorization.k8s.io", "kind": "Group", "name": "engineering"}]);
    items.push(group(r, "engineering-view", "ClusterRole", "view", viewers));
    if !good(r, q, 80) {
        let user = json!([{"apiGroup": "rbac.authorization.k8s.io", "kind": "User", "name": format!("{}@acme.com", r.pick(&["alice", "bob", "carol", "dave", "erin"]))}]);
        items.push(group(r, "oncall-admin", "ClusterRole", "admin", user));
    }
    if r.pct(3) {
        let sa = json!([{"kind": "ServiceAccount", "name": "deployer", "namespace": ns}]);
        items.push(group(
            r,
            "deployer-cluster-admin",
            "ClusterRole",
            "cluster-admin",
            sa,
        ));
    }
    if let Some(app) = nsp.apps.first() {
        let wildcard = !good(r, q, 92);
        let rules = if wildcard {
            json!([{"apiGroups": ["*"], "resources": ["*"], "verbs": ["*"]}])
        } else {
            json!([
                {"apiGroups": [""], "resources": ["configmaps"], "verbs": ["get", "list", "watch"]},
                {"apiGroups": ["coordination.k8s.io"], "resources": ["leases"], "verbs": ["get", "create", "update"]},
            ])
        };
        items.push(json!({
            "apiVersion": "rbac.authorization.k8s.io/v1", "kind": "Role",
            "metadata": meta(r, &format!("{}-runtime", app.name), ns, created, None),
            "rules": rules,
        }));
        let sa = json!([{"kind": "ServiceAccount", "name": app.name, "namespace": ns}]);
        items.push(group(
            r,
            &format!("{}-runtime", app.name),
            "Role",
            &format!("{}-runtime", app.name),
            sa,
        ));
    }
    if r.pct(2) {
        let sa = json!([{"kind": "ServiceAccount", "name": "old-ci", "namespace": ns}]);
        items.push(group(r, "old-ci", "Role", "old-ci-role", sa));
    }
    for app in nsp.apps.iter().filter(|a| a.system.is_none()) {
        if r.pct(50) {
            items.push(secret(r, &format!("{}-db", app.name), ns, created));
        }
    }
}

// ---------------------------------------------------------------- cluster scope

fn node(r: &mut Rng, n: &NodePlan) -> Value {
    let (itype, cpu, mem_gi) = INSTANCE_TYPES[n.itype];
    let created = ago(r, DAY, 200 * DAY);
    let mut labels = json!({
        "beta.kubernetes.io/arch": "amd64",
        "beta.kubernetes.io/instance-type": itype,
        "beta.kubernetes.io/os": "linux",
        "failure-domain.beta.kubernetes.io/region": "us-east-1",
        "failure-domain.beta.kubernetes.io/zone": n.zone,
        "kubernetes.io/arch": "amd64",
        "kubernetes.io/hostname": n.name,
        "kubernetes.io/os": "linux",
        "node.kubernetes.io/instance-type": itype,
        "topology.kubernetes.io/region": "us-east-1",
        "topology.kubernetes.io/zone": n.zone,
    });
    if n.control_plane {
        labels["node-role.kubernetes.io/control-plane"] = json!("");
        labels["node.kubernetes.io/exclude-from-external-load-balancers"] = json!("");
    } else {
        labels["karpenter.sh/capacity-type"] = json!(if n.spot { "spot" } else { "on-demand" });
        labels["karpenter.sh/nodepool"] = json!(if n.spot { "spot" } else { "default" });
        labels["karpenter.sh/registered"] = json!("true");
        labels["karpenter.sh/initialized"] = json!("true");
    }
    let mem_ki = mem_gi * 1024 * 1024 - 500_000;
    // A few nodes run without system/kube reservations.
    let reserved = n.control_plane || !r.pct(5);
    let (alloc_cpu, alloc_mem) = if reserved {
        (
            format!("{}m", cpu * 1000 - 90 - cpu * 6),
            format!("{}Ki", mem_ki - 1_800_000),
        )
    } else {
        (cpu.to_string(), format!("{mem_ki}Ki"))
    };
    let heartbeat = ts(ago(r, 5, 40));
    let cond = |t: &str, status: &str, reason: &str, msg: &str, since: i64| json!({"lastHeartbeatTime": heartbeat, "lastTransitionTime": ts(since), "message": msg, "reason": reason, "status": status, "type": t});
    let pressure = !n.control_plane && r.pct(1);
    let since = created + 60;
    let mut conditions = vec![
        cond(
            "MemoryPressure",
            if pressure { "True" } else { "False" },
            if pressure {
                "KubeletHasInsufficientMemory"
            } else {
                "KubeletHasSufficientMemory"
            },
            if pressure {
                "kubelet has insufficient memory available"
            } else {
                "kubelet has sufficient memory available"
            },
            since,
        ),
        cond(
            "DiskPressure",
            "False",
            "KubeletHasNoDiskPressure",
            "kubelet has no disk pressure",
            since,
        ),
        cond(
            "PIDPressure",
            "False",
            "KubeletHasSufficientPID",
            "kubelet has sufficient PID available",
            since,
        ),
    ];
    if n.ready {
        conditions.push(cond(
            "Ready",
            "True",
            "KubeletReady",
            "kubelet is posting ready status",
            since,
        ));
    } else {
        conditions.push(cond(
            "Ready",
            "Unknown",
            "NodeStatusUnknown",
            "Kubelet stopped posting node status.",
            ago(r, 1200, 7200),
        ));
    }
    let id = r.hex(17);
    let kubelet = if n.control_plane || !r.pct(10) {
        SERVER_VERSION
    } else {
        "v1.29.10"
    };
    let mut node = json!({
        "apiVersion": "v1", "kind": "Node",
        "metadata": {
            "annotations": {
                "alpha.kubernetes.io/provided-node-ip": n.ip,
                "node.alpha.kubernetes.io/ttl": "0",
                "volumes.kubernetes.io/controller-managed-attach-detach": "true",
            },
            "creationTimestamp": ts(created),
            "labels": labels,
            "name": n.name,
            "resourceVersion": (10_000_000 + r.below(90_000_000)).to_string(),
            "uid": r.uid(),
        },
        "spec": {
            "podCIDR": format!("10.{}.{}.0/24", 64 + n.ip.len() % 2, r.range(0, 255)),
            "providerID": format!("aws:///{}/i-0{id}", n.zone),
        },
        "status": {
            "addresses": [
                {"address": n.ip, "type": "InternalIP"},
                {"address": n.name, "type": "InternalDNS"},
                {"address": n.name, "type": "Hostname"},
            ],
            "allocatable": {"cpu": alloc_cpu, "ephemeral-storage": "95551679124", "hugepages-1Gi": "0", "hugepages-2Mi": "0", "memory": alloc_mem, "pods": "110"},
            "capacity": {"cpu": cpu.to_string(), "ephemeral-storage": "104845292Ki", "hugepages-1Gi": "0", "hugepages-2Mi": "0", "memory": format!("{mem_ki}Ki"), "pods": "110"},
            "conditions": conditions,
            "daemonEndpoints": {"kubeletEndpoint": {"Port": 10250}},
            "images": [
                {"names": ["registry.k8s.io/kube-proxy@sha256:".to_string() + &r.hex(64), "registry.k8s.io/kube-proxy:v1.33.4".to_string()], "sizeBytes": 30_000_000 + r.below(1_000_000)},
                {"names": ["docker.io/calico/node@sha256:".to_string() + &r.hex(64), "docker.io/calico/node:v3.28.2".to_string()], "sizeBytes": 120_000_000 + r.below(1_000_000)},
            ],
            "nodeInfo": {
                "architecture": "amd64",
                "bootID": r.uid(),
                "containerRuntimeVersion": "containerd://1.7.22",
                "kernelVersion": "6.1.112-124.190.amzn2023.x86_64",
                "kubeProxyVersion": kubelet,
                "kubeletVersion": kubelet,
                "machineID": r.hex(32),
                "operatingSystem": "linux",
                "osImage": "Amazon Linux 2023.6.20241010",
                "systemUUID": r.uid(),
            },
        },
    });
    if n.control_plane {
        node["spec"]["taints"] =
            json!([{"effect": "NoSchedule", "key": "node-role.kubernetes.io/control-plane"}]);
    } else if !n.ready {
        node["spec"]["taints"] = json!([
            {"effect": "NoSchedule", "key": "node.kubernetes.io/unreachable", "timeAdded": ts(ago(r, 1200, 7200))},
            {"effect": "NoExecute", "key": "node.kubernetes.io/unreachable", "timeAdded": ts(ago(r, 1200, 7200))},
        ]);
        node["spec"]["unschedulable"] = json!(true);
    }
    node
}

fn namespace_obj(r: &mut Rng, ns: &NsPlan) -> Value {
    let created = ago(r, 60 * DAY, 700 * DAY);
    let mut labels = json!({"kubernetes.io/metadata.name": ns.name});
    if !ns.system {
        labels["team"] = json!(ns.name.split('-').next().unwrap_or(&ns.name));
        match r.below(100) {
            x if x < ns.quality / 2 => {
                labels["pod-security.kubernetes.io/enforce"] =
                    json!(if r.pct(40) { "restricted" } else { "baseline" });
                labels["pod-security.kubernetes.io/enforce-version"] = json!("latest");
            }
            x if x < ns.quality => {
                labels["pod-security.kubernetes.io/warn"] = json!("restricted");
            }
            _ => {}
        }
    } else if ns.name == "kube-system" {
        labels["pod-security.kubernetes.io/enforce"] = json!("privileged");
    }
    let mut o = json!({
        "apiVersion": "v1", "kind": "Namespace",
        "metadata": meta(r, &ns.name, "", created, labels.as_object().cloned()),
        "spec": {"finalizers": ["kubernetes"]},
        "status": {"phase": "Active"},
    });
    if !ns.system && r.pct(1) {
        o["metadata"]["annotations"] = json!({"kready.io/ignore": "*"});
    }
    o
}

fn cluster_role(r: &mut Rng, name: &str, rules: Value, bootstrap: bool) -> Value {
    let labels = bootstrap.then(|| {
        json!({"kubernetes.io/bootstrapping": "rbac-defaults"})
            .as_object()
            .cloned()
            .unwrap_or_default()
    });
    let mut o = json!({
        "apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole",
        "metadata": meta(r, name, "", CAPTURED_AT - 700 * DAY, labels),
        "rules": rules,
    });
    if bootstrap {
        o["metadata"]["annotations"] =
            json!({"rbac.authorization.kubernetes.io/autoupdate": "true"});
    }
    o
}

fn cluster_binding(r: &mut Rng, name: &str, role: &str, subjects: Value) -> Value {
    let created = ago(r, 30 * DAY, 700 * DAY);
    json!({
        "apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRoleBinding",
        "metadata": meta(r, name, "", created, None),
        "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": role},
        "subjects": subjects,
    })
}

fn cluster_rbac(r: &mut Rng) -> Vec<Value> {
    let read = json!(["get", "list", "watch"]);
    let write = json!([
        "create",
        "delete",
        "deletecollection",
        "get",
        "list",
        "patch",
        "update",
        "watch"
    ]);
    let mut out = vec![
        cluster_role(
            r,
            "cluster-admin",
            json!([{"apiGroups": ["*"], "resources": ["*"], "verbs": ["*"]}, {"nonResourceURLs": ["*"], "verbs": ["*"]}]),
            true,
        ),
        cluster_role(
            r,
            "admin",
            json!([
                {"apiGroups": [""], "resources": ["pods/attach", "pods/exec", "pods/portforward", "pods/proxy", "secrets", "services/proxy"], "verbs": ["get", "list", "watch"]},
                {"apiGroups": [""], "resources": ["serviceaccounts"], "verbs": ["impersonate"]},
                {"apiGroups": [""], "resources": ["pods", "pods/attach", "pods/exec", "pods/portforward", "pods/proxy"], "verbs": ["create", "delete", "deletecollection", "patch", "update"]},
                {"apiGroups": ["apps"], "resources": ["daemonsets", "deployments", "deployments/rollback", "deployments/scale", "replicasets", "replicasets/scale", "statefulsets", "statefulsets/scale"], "verbs": write},
                {"apiGroups": ["rbac.authorization.k8s.io"], "resources": ["rolebindings", "roles"], "verbs": write},
            ]),
            true,
        ),
        cluster_role(
            r,
            "edit",
            json!([
                {"apiGroups": [""], "resources": ["pods/attach", "pods/exec", "pods/portforward", "pods/proxy", "secrets", "services/proxy"], "verbs": ["get", "list", "watch"]},
                {"apiGroups": [""], "resources": ["pods", "pods/attach", "pods/exec", "pods/portforward", "pods/proxy"], "verbs": ["create", "delete", "deletecollection", "patch", "update"]},
                {"apiGroups": [""], "resources": ["configmaps", "events", "persistentvolumeclaims", "replicationcontrollers", "secrets", "serviceaccounts", "services"], "verbs": write},
                {"apiGroups": ["apps"], "resources": ["daemonsets", "deployments", "deployments/scale", "replicasets", "statefulsets"], "verbs": write},
                {"apiGroups": ["autoscaling"], "resources": ["horizontalpodautoscalers"], "verbs": write},
                {"apiGroups": ["policy"], "resources": ["poddisruptionbudgets"], "verbs": write},
            ]),
            true,
        ),
        cluster_role(
            r,
            "view",
            json!([
                {"apiGroups": [""], "resources": ["configmaps", "endpoints", "persistentvolumeclaims", "pods", "replicationcontrollers", "serviceaccounts", "services", "events", "namespaces"], "verbs": read},
                {"apiGroups": ["apps"], "resources": ["daemonsets", "deployments", "replicasets", "statefulsets"], "verbs": read},
                {"apiGroups": ["batch"], "resources": ["cronjobs", "jobs"], "verbs": read},
            ]),
            true,
        ),
        cluster_role(
            r,
            "system:node",
            json!([
                {"apiGroups": [""], "resources": ["nodes"], "verbs": ["create", "get", "list", "watch", "patch", "update"]},
                {"apiGroups": [""], "resources": ["pods"], "verbs": read},
                {"apiGroups": [""], "resources": ["secrets", "configmaps"], "verbs": ["get", "list", "watch"]},
            ]),
            true,
        ),
        cluster_role(
            r,
            "system:kube-scheduler",
            json!([{"apiGroups": [""], "resources": ["pods", "nodes"], "verbs": read}, {"apiGroups": [""], "resources": ["bindings", "pods/binding"], "verbs": ["create"]}]),
            true,
        ),
        cluster_role(
            r,
            "system:kube-controller-manager",
            json!([{"apiGroups": ["*"], "resources": ["*"], "verbs": ["list", "watch"]}, {"apiGroups": [""], "resources": ["secrets", "serviceaccounts"], "verbs": ["create", "get", "update"]}]),
            true,
        ),
        cluster_role(
            r,
            "system:coredns",
            json!([{"apiGroups": [""], "resources": ["endpoints", "services", "pods", "namespaces"], "verbs": ["list", "watch"]}, {"apiGroups": ["discovery.k8s.io"], "resources": ["endpointslices"], "verbs": ["list", "watch"]}]),
            false,
        ),
        cluster_role(
            r,
            "system:metrics-server",
            json!([{"apiGroups": [""], "resources": ["nodes/metrics"], "verbs": ["get"]}, {"apiGroups": [""], "resources": ["pods", "nodes"], "verbs": read}]),
            false,
        ),
        cluster_role(
            r,
            "kube-state-metrics",
            json!([{"apiGroups": ["", "apps", "batch", "autoscaling", "policy", "networking.k8s.io"], "resources": ["*"], "verbs": ["list", "watch"]}]),
            false,
        ),
        cluster_role(
            r,
            "prometheus-k8s",
            json!([{"apiGroups": [""], "resources": ["nodes/metrics", "services", "endpoints", "pods"], "verbs": read}, {"nonResourceURLs": ["/metrics"], "verbs": ["get"]}]),
            false,
        ),
        cluster_role(
            r,
            "karpenter",
            json!([{"apiGroups": ["karpenter.sh"], "resources": ["nodepools", "nodeclaims"], "verbs": write}, {"apiGroups": [""], "resources": ["pods", "nodes"], "verbs": read}]),
            false,
        ),
        cluster_role(
            r,
            "ci-deployer",
            json!([{"apiGroups": ["*"], "resources": ["*"], "verbs": ["*"]}]),
            false,
        ),
        cluster_role(
            r,
            "pod-debugger",
            json!([{"apiGroups": [""], "resources": ["pods/exec", "pods/portforward", "pods/attach"], "verbs": ["create", "get"]}, {"apiGroups": [""], "resources": ["pods"], "verbs": read}]),
            false,
        ),
        cluster_role(
            r,
            "secret-reader",
            json!([{"apiGroups": [""], "resources": ["secrets"], "verbs": read}]),
            false,
        ),
    ];
    for c in [
        "deployment-controller",
        "replicaset-controller",
        "statefulset-controller",
        "daemon-set-controller",
        "job-controller",
        "cronjob-controller",
        "namespace-controller",
        "horizontal-pod-autoscaler",
        "disruption-controller",
        "endpointslice-controller",
    ] {
        out.push(cluster_role(r, &format!("system:controller:{c}"), json!([{"apiGroups": ["", "apps", "batch", "policy", "autoscaling"], "resources": ["pods", "deployments", "replicasets", "statefulsets", "daemonsets", "jobs", "cronjobs"], "verbs": ["get", "list", "watch", "update", "patch"]}]), true));
    }
    let user =
        |n: &str| json!([{"apiGroup": "rbac.authorization.k8s.io", "kind": "User", "name": n}]);
    let group =
        |n: &str| json!([{"apiGroup": "rbac.authorization.k8s.io", "kind": "Group", "name": n}]);
    let sa = |ns: &str, n: &str| json!([{"kind": "ServiceAccount", "name": n, "namespace": ns}]);
    out.extend([
        cluster_binding(r, "cluster-admin", "cluster-admin", group("system:masters")),
        cluster_binding(
            r,
            "kubeadm:cluster-admins",
            "cluster-admin",
            group("kubeadm:cluster-admins"),
        ),
        cluster_binding(r, "system:node", "system:node", group("system:nodes")),
        cluster_binding(
            r,
            "system:kube-scheduler",
            "system:kube-scheduler",
            user("system:kube-scheduler"),
        ),
        cluster_binding(
            r,
            "system:kube-controller-manager",
            "system:kube-controller-manager",
            user("system:kube-controller-manager"),
        ),
        cluster_binding(
            r,
            "system:coredns",
            "system:coredns",
            sa("kube-system", "coredns"),
        ),
        cluster_binding(
            r,
            "system:metrics-server",
            "system:metrics-server",
            sa("kube-system", "metrics-server"),
        ),
        cluster_binding(
            r,
            "kube-state-metrics",
            "kube-state-metrics",
            sa("monitoring", "kube-state-metrics"),
        ),
        cluster_binding(
            r,
            "prometheus-k8s",
            "prometheus-k8s",
            sa("monitoring", "prometheus-k8s"),
        ),
        cluster_binding(r, "karpenter", "karpenter", sa("kube-system", "karpenter")),
        cluster_binding(r, "velero", "cluster-admin", sa("velero", "velero")),
        cluster_binding(r, "ci-deployer", "ci-deployer", sa("ci", "deployer")),
        cluster_binding(r, "oncall-admins", "cluster-admin", user("alice@acme.com")),
        cluster_binding(r, "platform-debug", "pod-debugger", group("platform-team")),
        cluster_binding(
            r,
            "audit-secret-readers",
            "secret-reader",
            group("security-auditors"),
        ),
        cluster_binding(
            r,
            "legacy-monitoring",
            "monitoring-reader",
            sa("monitoring", "legacy-agent"),
        ),
    ]);
    for c in [
        "deployment-controller",
        "replicaset-controller",
        "statefulset-controller",
        "daemon-set-controller",
        "job-controller",
        "cronjob-controller",
        "namespace-controller",
        "horizontal-pod-autoscaler",
        "disruption-controller",
        "endpointslice-controller",
    ] {
        let name = format!("system:controller:{c}");
        out.push(cluster_binding(r, &name, &name, sa("kube-system", c)));
    }
    out
}

fn priority_classes(r: &mut Rng) -> Vec<Value> {
    [
        ("system-cluster-critical", 2_000_000_000, false, "Used for system critical pods that must run in the cluster, but can be moved to another node if necessary."),
        ("system-node-critical", 2_000_001_000, false, "Used for system critical pods that must not be moved from their current node."),
        ("high-priority", 100_000, false, "Customer-facing services."),
        ("default-priority", 0, true, "Default for everything else."),
        ("batch-low", -10, false, "Preemptible batch work."),
    ]
    .into_iter()
    .map(|(name, value, global, desc)| {
        json!({
            "apiVersion": "scheduling.k8s.io/v1", "kind": "PriorityClass",
            "description": desc, "globalDefault": global,
            "metadata": meta(r, name, "", CAPTURED_AT - 600 * DAY, None),
            "preemptionPolicy": "PreemptLowerPriority", "value": value,
        })
    })
    .collect()
}

fn api_services(r: &mut Rng) -> Vec<Value> {
    let mut out: Vec<Value> = [
        ("", "v1", 18000, 1),
        ("apps", "v1", 17800, 15),
        ("batch", "v1", 17400, 15),
        ("autoscaling", "v2", 17500, 30),
        ("autoscaling", "v1", 17500, 15),
        ("policy", "v1", 17100, 15),
        ("rbac.authorization.k8s.io", "v1", 17000, 15),
        ("networking.k8s.io", "v1", 17200, 15),
        ("apiextensions.k8s.io", "v1", 16700, 15),
    ]
    .into_iter()
    .map(|(group, version, gpm, vp)| {
        let name = if group.is_empty() {
            format!("{version}.")
        } else {
            format!("{version}.{group}")
        };
        let labels = json!({"kube-aggregator.kubernetes.io/automanaged": "onstart"});
        json!({
            "apiVersion": "apiregistration.k8s.io/v1", "kind": "APIService",
            "metadata": meta(r, &name, "", CAPTURED_AT - 600 * DAY, labels.as_object().cloned()),
            "spec": {"group": group, "groupPriorityMinimum": gpm, "version": version, "versionPriority": vp},
            "status": {"conditions": [{"lastTransitionTime": ts(CAPTURED_AT - 30 * DAY), "message": "Local APIServices are always available", "reason": "Local", "status": "True", "type": "Available"}]},
        })
    })
    .collect();
    out.push(json!({
        "apiVersion": "apiregistration.k8s.io/v1", "kind": "APIService",
        "metadata": meta(r, "v1beta1.metrics.k8s.io", "", CAPTURED_AT - 400 * DAY, None),
        "spec": {
            "group": "metrics.k8s.io", "groupPriorityMinimum": 100, "insecureSkipTLSVerify": true,
            "service": {"name": "metrics-server", "namespace": "kube-system", "port": 443},
            "version": "v1beta1", "versionPriority": 100,
        },
        "status": {"conditions": [{"lastTransitionTime": ts(CAPTURED_AT - 3 * DAY), "message": "all checks passed", "reason": "Passed", "status": "True", "type": "Available"}]},
    }));
    out
}

fn crds(r: &mut Rng) -> Vec<Value> {
    [
        ("nodepools", "karpenter.sh", "NodePool", "Cluster", "v1"),
        ("nodeclaims", "karpenter.sh", "NodeClaim", "Cluster", "v1"),
        ("ec2nodeclasses", "karpenter.k8s.aws", "EC2NodeClass", "Cluster", "v1"),
        ("prometheuses", "monitoring.coreos.com", "Prometheus", "Namespaced", "v1"),
        ("alertmanagers", "monitoring.coreos.com", "Alertmanager", "Namespaced", "v1"),
        ("servicemonitors", "monitoring.coreos.com", "ServiceMonitor", "Namespaced", "v1"),
        ("prometheusrules", "monitoring.coreos.com", "PrometheusRule", "Namespaced", "v1"),
        ("backups", "velero.io", "Backup", "Namespaced", "v1"),
        ("schedules", "velero.io", "Schedule", "Namespaced", "v1"),
        ("restores", "velero.io", "Restore", "Namespaced", "v1"),
        ("backupstoragelocations", "velero.io", "BackupStorageLocation", "Namespaced", "v1"),
        ("certificates", "cert-manager.io", "Certificate", "Namespaced", "v1"),
    ]
    .into_iter()
    .map(|(plural, group, kind, scope, version)| {
        let name = format!("{plural}.{group}");
        let mut m = meta(r, &name, "", CAPTURED_AT - 300 * DAY, None);
        m["annotations"] = json!({"controller-gen.kubebuilder.io/version": "v0.16.3"});
        let names = json!({"kind": kind, "listKind": format!("{kind}List"), "plural": plural, "singular": kind.to_lowercase()});
        json!({
            "apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
            "metadata": m,
            "spec": {
                "conversion": {"strategy": "None"},
                "group": group,
                "names": names,
                "scope": scope,
                "versions": [{
                    "name": version, "served": true, "storage": true,
                    "schema": {"openAPIV3Schema": {
                        "description": format!("{kind} is the Schema for the {plural} API."),
                        "properties": {
                            "apiVersion": {"type": "string"}, "kind": {"type": "string"}, "metadata": {"type": "object"},
                            "spec": {"type": "object", "x-kubernetes-preserve-unknown-fields": true},
                            "status": {"type": "object", "x-kubernetes-preserve-unknown-fields": true},
                        },
                        "type": "object",
                    }},
                    "subresources": {"status": {}},
                }],
            },
            "status": {
                "acceptedNames": names,
                "conditions": [
                    {"lastTransitionTime": ts(CAPTURED_AT - 300 * DAY), "message": "no conflicts found", "reason": "NoConflicts", "status": "True", "type": "NamesAccepted"},
                    {"lastTransitionTime": ts(CAPTURED_AT - 300 * DAY), "message": "the initial names have been accepted", "reason": "InitialNamesAccepted", "status": "True", "type": "Established"},
                ],
                "storedVersions": [version],
            },
        })
    })
    .collect()
}

fn karpenter_nodepools(r: &mut Rng, plan: &Plan) -> Vec<Value> {
    let count = |spot: bool| {
        plan.nodes
            .iter()
            .filter(|n| !n.control_plane && n.spot == spot)
            .count()
    };
    [("default", false, 1.25), ("spot", true, 1.05)]
        .into_iter()
        .map(|(name, spot, headroom)| {
            let nodes = count(spot) as f64;
            let cpu_used = (nodes * 12.0) as u64;
            let cpu_limit = ((nodes * 12.0 * headroom) as u64).max(16);
            json!({
                "apiVersion": "karpenter.sh/v1", "kind": "NodePool",
                "metadata": meta(r, name, "", CAPTURED_AT - 200 * DAY, None),
                "spec": {
                    "disruption": {"consolidateAfter": "1m", "consolidationPolicy": "WhenEmptyOrUnderutilized"},
                    "limits": {"cpu": cpu_limit.to_string(), "memory": format!("{}Gi", cpu_limit * 4)},
                    "template": {"spec": {
                        "expireAfter": "720h",
                        "nodeClassRef": {"group": "karpenter.k8s.aws", "kind": "EC2NodeClass", "name": "default"},
                        "requirements": [
                            {"key": "karpenter.sh/capacity-type", "operator": "In", "values": [if spot { "spot" } else { "on-demand" }]},
                            {"key": "topology.kubernetes.io/zone", "operator": "In", "values": ZONES},
                        ],
                    }},
                },
                "status": {"resources": {"cpu": cpu_used.to_string(), "memory": format!("{}Gi", cpu_used * 4), "nodes": (nodes as u64).to_string(), "pods": (nodes as u64 * 110).to_string()}},
            })
        })
        .collect()
}

fn kube_system_extras(r: &mut Rng, plan: &Plan, created: i64, items: &mut Vec<Value>) {
    let cm = |r: &mut Rng, name: &str, data: Value| json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": meta(r, name, "kube-system", created, None), "data": data});
    items.push(cm(r, "coredns", json!({"Corefile": ".:53 {\n    errors\n    health {\n       lameduck 5s\n    }\n    ready\n    kubernetes cluster.local in-addr.arpa ip6.arpa {\n       pods insecure\n       fallthrough in-addr.arpa ip6.arpa\n       ttl 30\n    }\n    prometheus :9153\n    forward . /etc/resolv.conf {\n       max_concurrent 1000\n    }\n    cache 30\n    loop\n    reload\n    loadbalance\n}\n"})));
    items.push(cm(r, "kube-proxy", json!({"config.conf": "apiVersion: kubeproxy.config.k8s.io/v1alpha1\nkind: KubeProxyConfiguration\nmode: iptables\nclusterCIDR: 10.64.0.0/10\n"})));
    let endpoints: Vec<String> = plan
        .control_planes
        .iter()
        .map(|&i| format!("https://{}:2379", plan.nodes[i].ip))
        .collect();
    items.push(cm(r, "kubeadm-config", json!({"ClusterConfiguration": format!("apiServer: {{}}\napiVersion: kubeadm.k8s.io/v1beta4\nclusterName: gen\ncontrolPlaneEndpoint: api.gen.acme.internal:6443\netcd:\n  local:\n    dataDir: /var/lib/etcd\nkubernetesVersion: {SERVER_VERSION}\nnetworking:\n  dnsDomain: cluster.local\n  podSubnet: 10.64.0.0/10\n  serviceSubnet: 172.20.0.0/16\n# etcd endpoints: {}\n", endpoints.join(","))})));
    let role = json!({
        "apiVersion": "rbac.authorization.k8s.io/v1", "kind": "Role",
        "metadata": meta(r, "system::leader-locking-kube-scheduler", "kube-system", created, None),
        "rules": [{"apiGroups": ["coordination.k8s.io"], "resourceNames": ["kube-scheduler"], "resources": ["leases"], "verbs": ["get", "update"]}],
    });
    items.push(role);
    let rb = json!({
        "apiVersion": "rbac.authorization.k8s.io/v1", "kind": "RoleBinding",
        "metadata": meta(r, "system::leader-locking-kube-scheduler", "kube-system", created, None),
        "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": "system::leader-locking-kube-scheduler"},
        "subjects": [{"apiGroup": "rbac.authorization.k8s.io", "kind": "User", "name": "system:kube-scheduler"}],
    });
    items.push(rb);
}

fn velero_objects(r: &mut Rng, created: i64, namespaces: &[NsPlan], items: &mut Vec<Value>) {
    let ns = "velero";
    let mut bsl_meta = meta(r, "default", ns, created, None);
    bsl_meta["generation"] = json!(3);
    items.push(json!({
        "apiVersion": "velero.io/v1", "kind": "BackupStorageLocation",
        "metadata": bsl_meta,
        "spec": {"config": {"region": "us-east-1"}, "default": true, "objectStorage": {"bucket": "acme-velero-gen", "prefix": "gen"}, "provider": "aws"},
        "status": {"lastSyncedTime": ts(CAPTURED_AT - 40), "lastValidationTime": ts(CAPTURED_AT - 40), "phase": "Available"},
    }));
    items.push(json!({
        "apiVersion": "velero.io/v1", "kind": "Schedule",
        "metadata": meta(r, "daily", ns, created, None),
        "spec": {"schedule": "0 1 * * *", "template": {"includedNamespaces": ["*"], "excludedNamespaces": ["kube-system", "kube-node-lease"], "snapshotVolumes": true, "storageLocation": "default", "ttl": "720h0m0s"}, "useOwnerReferencesInBackup": false},
        "status": {"lastBackup": ts(CAPTURED_AT - CAPTURED_AT % DAY + 3600), "phase": "Enabled"},
    }));
    for d in 0..7 {
        let start = CAPTURED_AT - CAPTURED_AT % DAY + 3600 - d * DAY;
        let name = format!(
            "daily-{}",
            jiff::Timestamp::from_second(start)
                .expect("ts")
                .strftime("%Y%m%d%H%M%S")
        );
        let labels =
            json!({"velero.io/schedule-name": "daily", "velero.io/storage-location": "default"});
        let phase = if d == 3 {
            "PartiallyFailed"
        } else {
            "Completed"
        };
        let mut status = json!({
            "completionTimestamp": ts(start + 1400 + r.range(0, 400) as i64),
            "expiration": ts(start + 30 * DAY),
            "formatVersion": "1.1.0",
            "phase": phase,
            "progress": {"itemsBackedUp": 60_000 + r.below(5000), "totalItems": 60_000 + r.below(5000)},
            "startTimestamp": ts(start),
            "version": 1,
        });
        if d == 3 {
            status["errors"] = json!(4);
            status["warnings"] = json!(12);
        }
        items.push(json!({
            "apiVersion": "velero.io/v1", "kind": "Backup",
            "metadata": meta(r, &name, ns, start, labels.as_object().cloned()),
            "spec": {"includedNamespaces": ["*"], "excludedNamespaces": ["kube-system", "kube-node-lease"], "snapshotVolumes": true, "storageLocation": "default", "ttl": "720h0m0s"},
            "status": status,
        }));
    }
    let restored = CAPTURED_AT - 120 * DAY;
    let target = namespaces
        .iter()
        .find(|n| !n.system)
        .map_or("default", |n| n.name.as_str());
    items.push(json!({
        "apiVersion": "velero.io/v1", "kind": "Restore",
        "metadata": meta(r, "dr-drill-q2", ns, restored, None),
        "spec": {"backupName": "daily-drill", "includedNamespaces": [target], "namespaceMapping": {target: format!("{target}-restore-test")}},
        "status": {"completionTimestamp": ts(restored + 900), "phase": "Completed", "startTimestamp": ts(restored)},
    }));
}

fn monitoring_objects(r: &mut Rng, created: i64, items: &mut Vec<Value>) {
    let ns = "monitoring";
    items.push(json!({
        "apiVersion": "monitoring.coreos.com/v1", "kind": "Prometheus",
        "metadata": meta(r, "k8s", ns, created, None),
        "spec": {"replicas": 2, "retention": "15d", "ruleSelector": {}, "serviceMonitorSelector": {}, "serviceMonitorNamespaceSelector": {}, "alerting": {"alertmanagers": [{"name": "alertmanager-main", "namespace": ns, "port": "web"}]}},
    }));
    items.push(json!({
        "apiVersion": "monitoring.coreos.com/v1", "kind": "Alertmanager",
        "metadata": meta(r, "main", ns, created, None),
        "spec": {"replicas": 3},
    }));
    for target in [
        "kube-state-metrics",
        "node-exporter",
        "coredns",
        "ingress-nginx",
        "kubelet",
        "apiserver",
    ] {
        items.push(json!({
            "apiVersion": "monitoring.coreos.com/v1", "kind": "ServiceMonitor",
            "metadata": meta(r, target, ns, created, None),
            "spec": {"endpoints": [{"interval": "30s", "port": "metrics"}], "selector": {"matchLabels": {"app": target}}},
        }));
    }
    items.push(json!({
        "apiVersion": "monitoring.coreos.com/v1", "kind": "PrometheusRule",
        "metadata": meta(r, "kubernetes-apps", ns, created, None),
        "spec": {"groups": [{"name": "kubernetes-apps", "rules": [
            {"alert": "KubePodCrashLooping", "expr": "max_over_time(kube_pod_container_status_waiting_reason{reason=\"CrashLoopBackOff\"}[5m]) >= 1", "for": "15m", "labels": {"severity": "warning"}},
            {"alert": "KubeDeploymentReplicasMismatch", "expr": "kube_deployment_spec_replicas != kube_deployment_status_replicas_available", "for": "15m", "labels": {"severity": "warning"}},
        ]}]},
    }));
}

fn control_plane_command(component: &str, ip: &str, plan: &Plan) -> (String, Vec<String>, u16) {
    let peers: Vec<String> = plan
        .control_planes
        .iter()
        .map(|&i| format!("https://{}:2379", plan.nodes[i].ip))
        .collect();
    let image = |name: &str| format!("registry.k8s.io/{name}:{SERVER_VERSION}");
    let args: Vec<String> = match component {
        "kube-apiserver" => vec![
            "kube-apiserver".into(),
            format!("--advertise-address={ip}"),
            "--allow-privileged=true".into(),
            "--audit-log-maxage=30".into(),
            "--audit-log-path=/var/log/kubernetes/audit/audit.log".into(),
            "--audit-policy-file=/etc/kubernetes/audit-policy.yaml".into(),
            "--authorization-mode=Node,RBAC".into(),
            "--client-ca-file=/etc/kubernetes/pki/ca.crt".into(),
            "--enable-admission-plugins=NodeRestriction".into(),
            "--enable-bootstrap-token-auth=true".into(),
            "--etcd-cafile=/etc/kubernetes/pki/etcd/ca.crt".into(),
            "--etcd-certfile=/etc/kubernetes/pki/apiserver-etcd-client.crt".into(),
            "--etcd-keyfile=/etc/kubernetes/pki/apiserver-etcd-client.key".into(),
            format!("--etcd-servers={}", peers.join(",")),
            "--kubelet-client-certificate=/etc/kubernetes/pki/apiserver-kubelet-client.crt".into(),
            "--kubelet-client-key=/etc/kubernetes/pki/apiserver-kubelet-client.key".into(),
            "--kubelet-preferred-address-types=InternalIP,ExternalIP,Hostname".into(),
            "--secure-port=6443".into(),
            "--service-account-issuer=https://kubernetes.default.svc.cluster.local".into(),
            "--service-account-key-file=/etc/kubernetes/pki/sa.pub".into(),
            "--service-account-signing-key-file=/etc/kubernetes/pki/sa.key".into(),
            "--service-cluster-ip-range=172.20.0.0/16".into(),
            "--tls-cert-file=/etc/kubernetes/pki/apiserver.crt".into(),
            "--tls-private-key-file=/etc/kubernetes/pki/apiserver.key".into(),
        ],
        "etcd" => vec![
            "etcd".into(),
            format!("--advertise-client-urls=https://{ip}:2379"),
            "--cert-file=/etc/kubernetes/pki/etcd/server.crt".into(),
            "--client-cert-auth=true".into(),
            "--data-dir=/var/lib/etcd".into(),
            "--election-timeout=1000".into(),
            "--heartbeat-interval=100".into(),
            "--experimental-initial-corrupt-check=true".into(),
            format!("--initial-advertise-peer-urls=https://{ip}:2380"),
            format!(
                "--initial-cluster={}",
                plan.control_planes
                    .iter()
                    .map(|&i| format!("{}=https://{}:2380", plan.nodes[i].name, plan.nodes[i].ip))
                    .collect::<Vec<_>>()
                    .join(",")
            ),
            "--key-file=/etc/kubernetes/pki/etcd/server.key".into(),
            format!("--listen-client-urls=https://127.0.0.1:2379,https://{ip}:2379"),
            "--listen-metrics-urls=http://127.0.0.1:2381".into(),
            format!("--listen-peer-urls=https://{ip}:2380"),
            format!("--name={ip}"),
            "--peer-cert-file=/etc/kubernetes/pki/etcd/peer.crt".into(),
            "--peer-client-cert-auth=true".into(),
            "--peer-key-file=/etc/kubernetes/pki/etcd/peer.key".into(),
            "--peer-trusted-ca-file=/etc/kubernetes/pki/etcd/ca.crt".into(),
            "--snapshot-count=10000".into(),
            "--trusted-ca-file=/etc/kubernetes/pki/etcd/ca.crt".into(),
        ],
        "kube-controller-manager" => vec![
            "kube-controller-manager".into(),
            "--allocate-node-cidrs=true".into(),
            "--authentication-kubeconfig=/etc/kubernetes/controller-manager.conf".into(),
            "--authorization-kubeconfig=/etc/kubernetes/controller-manager.conf".into(),
            "--bind-address=127.0.0.1".into(),
            "--client-ca-file=/etc/kubernetes/pki/ca.crt".into(),
            "--cluster-cidr=10.64.0.0/10".into(),
            "--cluster-name=gen".into(),
            "--controllers=*,bootstrapsigner,tokencleaner".into(),
            "--kubeconfig=/etc/kubernetes/controller-manager.conf".into(),
            "--leader-elect=true".into(),
            "--root-ca-file=/etc/kubernetes/pki/ca.crt".into(),
            "--service-account-private-key-file=/etc/kubernetes/pki/sa.key".into(),
            "--use-service-account-credentials=true".into(),
        ],
        _ => vec![
            "kube-scheduler".into(),
            "--authentication-kubeconfig=/etc/kubernetes/scheduler.conf".into(),
            "--authorization-kubeconfig=/etc/kubernetes/scheduler.conf".into(),
            "--bind-address=127.0.0.1".into(),
            "--kubeconfig=/etc/kubernetes/scheduler.conf".into(),
            "--leader-elect=true".into(),
        ],
    };
    let (img, port) = match component {
        "etcd" => ("registry.k8s.io/etcd:3.5.21-0".to_string(), 2381),
        "kube-apiserver" => (image("kube-apiserver"), 6443),
        "kube-controller-manager" => (image("kube-controller-manager"), 10257),
        _ => (image("kube-scheduler"), 10259),
    };
    (img, args, port)
}

/// A certificate-shaped blob (not a real certificate).
fn fake_pem(r: &mut Rng) -> String {
    const B64: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut s = String::from("-----BEGIN CERTIFICATE-----\n");
    for _ in 0..17 {
        let line: String = (0..64).map(|_| char::from(B64[r.below(64)])).collect();
        s.push_str(&line);
        s.push('\n');
    }
    s.push_str("-----END CERTIFICATE-----\n");
    s
}
