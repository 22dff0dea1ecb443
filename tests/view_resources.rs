//! Requests per node, summed once for resources/node-pressure and the
//! Autoscaling pane's headroom (src/view/resources.rs).

use std::path::Path;

use kready::source::snapshot::{self, LoadOptions};
use kready::view::resources::{NodeRequests, requests_per_node};

const PODS: &str = r#"
apiVersion: v1
kind: Pod
metadata: {name: web, namespace: shop}
spec:
  nodeName: node-a
  containers:
  - {name: app, image: web, resources: {requests: {cpu: 250m, memory: 256Mi}}}
  - {name: proxy, image: envoy, resources: {limits: {cpu: 100m, memory: 64Mi}}}
status: {phase: Running}
---
apiVersion: v1
kind: Pod
metadata: {name: migrate, namespace: shop}
spec:
  nodeName: node-a
  initContainers:
  - {name: schema, image: tool, resources: {requests: {cpu: "1", memory: 1Gi}}}
  containers:
  - {name: app, image: api, resources: {requests: {cpu: 500m, memory: 512Mi}}}
status: {phase: Pending}
---
apiVersion: v1
kind: Pod
metadata: {name: done, namespace: shop}
spec:
  nodeName: node-a
  containers:
  - {name: job, image: batch, resources: {requests: {cpu: "4", memory: 8Gi}}}
status: {phase: Succeeded}
---
apiVersion: v1
kind: Pod
metadata: {name: waiting, namespace: shop}
spec:
  containers:
  - {name: app, image: web, resources: {requests: {cpu: "2", memory: 2Gi}}}
status: {phase: Pending}
---
apiVersion: v1
kind: Pod
metadata: {name: dns, namespace: kube-system}
spec:
  nodeName: node-b
  containers:
  - {name: coredns, image: coredns, resources: {requests: {cpu: 100m, memory: 70Mi}}}
status: {phase: Running}
"#;

const MI: f64 = 1024.0 * 1024.0;

#[test]
fn requests_are_summed_per_node_over_running_pods() {
    let store = snapshot::load_str(Path::new("pods.yaml"), PODS, &LoadOptions::default())
        .expect("inline yaml")
        .into_store();
    let per_node = requests_per_node(&store);
    // web: 250m + the proxy's limit 100m; migrate: its init container (1
    // core, 1Gi) outweighs the app. The Succeeded pod holds nothing; the
    // unbound pod is on no node.
    let a = per_node["node-a"];
    assert!((a.cpu - 1.35).abs() < 1e-9, "{a:?}");
    assert!(
        (a.memory - (256.0 + 64.0 + 1024.0) * MI).abs() < 1.0,
        "{a:?}"
    );
    assert_eq!(a.pods, 2);
    let b = per_node["node-b"];
    assert_eq!(
        b,
        NodeRequests {
            cpu: 0.1,
            memory: 70.0 * MI,
            pods: 1
        }
    );
    assert_eq!(per_node.len(), 2);
}
