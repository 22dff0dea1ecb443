//! The RBAC pane: who-can over the demo and over small inline RBAC, risk
//! badges, stale bindings, keys, and rendering at 80×24 and 160×48.

use std::path::{Path, PathBuf};

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use kready::config::Config;
use kready::config::keymap::{Action, Keymap};
use kready::config::theme::Theme;
use kready::model::ObjKey;
use kready::runtime::Model;
use kready::source::Event;
use kready::source::snapshot::{self, LoadOptions};
use kready::store::ClusterStore;
use kready::ui::panes::rbac::{self, View};
use kready::ui::panes::{Outcome, PaneEvent};
use kready::ui::state::{Msg, State, update};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

fn demo_store() -> ClusterStore {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/demo");
    snapshot::load(&dir, &LoadOptions::default())
        .expect("the demo loads")
        .into_store()
}

fn yaml(text: &str) -> ClusterStore {
    snapshot::load_str(Path::new("inline.yaml"), text, &LoadOptions::default())
        .unwrap_or_else(|e| panic!("inline yaml: {e}"))
        .into_store()
}

fn model(store: ClusterStore) -> Model {
    Model::new(store, &Config::default(), None)
}

fn state(mono: bool) -> State {
    let theme = if mono {
        Theme::monochrome()
    } else {
        Theme::parse("dark", include_str!("../themes/dark.toml")).expect("dark theme")
    };
    let mut st = State::new(Keymap::default(), theme, PathBuf::from("/tmp"));
    st.show("rbac");
    st
}

fn key(st: &mut State, m: &mut Model, code: KeyCode) {
    update(st, m, Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)));
}

fn typed(st: &mut State, m: &mut Model, text: &str) {
    for c in text.chars() {
        key(st, m, KeyCode::Char(c));
    }
}

fn command(st: &mut State, m: &mut Model, line: &str) {
    key(st, m, KeyCode::Char(':'));
    typed(st, m, line);
    key(st, m, KeyCode::Enter);
}

fn render(st: &State, m: &Model, w: u16, h: u16) -> String {
    let mut term = Terminal::new(TestBackend::new(w, h)).expect("terminal");
    term.draw(|f| kready::ui::draw(f, st, m)).expect("draws");
    let buf = term.backend().buffer();
    let mut out = String::new();
    for y in 0..h {
        for x in 0..w {
            out.push_str(buf[(x, y)].symbol());
        }
        out.push('\n');
    }
    out
}

/// `Kind name` (ServiceAccounts `SA ns/name`) of the who-can answer, sorted.
fn who(store: &ClusterStore, args: &[&str]) -> Vec<String> {
    let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
    let q = rbac::parse_who_can(&args, store, None).expect("parses");
    let sys = |ns: &str| ns == "kube-system";
    let mut out: Vec<String> = rbac::who_can(store, &q, sys)
        .iter()
        .map(|r| match &r.subject.namespace {
            Some(ns) => format!("SA {ns}/{} @{}", r.subject.name, r.scope()),
            None => format!(
                "{} {} @{}",
                r.subject.kind.as_str(),
                r.subject.name,
                r.scope()
            ),
        })
        .collect();
    out.sort();
    out.dedup();
    out
}

const RBAC: &str = r#"
apiVersion: v1
kind: Namespace
metadata: {name: shop}
---
apiVersion: v1
kind: Namespace
metadata: {name: blog}
---
apiVersion: v1
kind: ServiceAccount
metadata: {name: app, namespace: shop}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: secret-reader}
rules: [{apiGroups: [""], resources: ["secrets"], verbs: ["get", "list"]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: god}
rules: [{apiGroups: ["*"], resources: ["*"], verbs: ["*"]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: deploy-anything}
rules: [{apiGroups: ["apps"], resources: ["deployments"], verbs: ["*"]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: pod-exec}
rules:
- {apiGroups: [""], resources: ["pods/exec"], verbs: ["create"]}
- {apiGroups: [""], resources: ["pods"], verbs: ["get", "list"]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: impersonator}
rules: [{apiGroups: [""], resources: ["users", "groups"], verbs: ["impersonate"]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: binder, namespace: shop}
rules: [{apiGroups: ["rbac.authorization.k8s.io"], resources: ["roles"], verbs: ["bind", "escalate"]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: global-secrets}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: secret-reader}
subjects: [{kind: Group, name: sre}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: root}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: god}
subjects: [{kind: User, name: root@acme.example}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: helpdesk}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: impersonator}
subjects: [{kind: Group, name: helpdesk}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: controller-exec}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: pod-exec}
subjects: [{kind: User, name: system:kube-controller-manager}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: app-secrets, namespace: shop}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: secret-reader}
subjects: [{kind: ServiceAccount, name: app}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: deployers, namespace: shop}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: deploy-anything}
subjects: [{kind: Group, name: shop-devs}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: alice-exec, namespace: shop}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: pod-exec}
subjects: [{kind: User, name: alice}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: binders, namespace: shop}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: binder}
subjects: [{kind: User, name: bob}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: broken, namespace: shop}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: missing}
subjects: [{kind: User, name: dave}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: ghost, namespace: shop}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: secret-reader}
subjects: [{kind: ServiceAccount, name: jenkins}]
"#;

#[test]
fn who_can_inline_rbac() {
    let store = yaml(RBAC);
    // A RoleBinding to a ClusterRole grants only in its namespace.
    assert_eq!(
        who(&store, &["list", "secrets", "-n", "shop"]),
        [
            "Group sre @cluster-wide",
            "SA shop/app @ns shop",
            "SA shop/jenkins @ns shop",
            "User root@acme.example @cluster-wide",
        ]
    );
    assert_eq!(
        who(&store, &["list", "secrets", "-n", "blog"]),
        [
            "Group sre @cluster-wide",
            "User root@acme.example @cluster-wide"
        ]
    );
    // Without -n: cluster-wide grants and every namespace's, with scope.
    assert_eq!(
        who(&store, &["get", "secrets"]),
        [
            "Group sre @cluster-wide",
            "SA shop/app @ns shop",
            "SA shop/jenkins @ns shop",
            "User root@acme.example @cluster-wide",
        ]
    );
    // `*` verb in the rule; a group suffix or the well-known group.
    for res in ["deployments.apps", "deployments", "deploy"] {
        assert_eq!(
            who(&store, &["delete", res, "-n", "shop"]),
            [
                "Group shop-devs @ns shop",
                "User root@acme.example @cluster-wide"
            ],
            "{res}"
        );
    }
    // The query's verb `*`: only rules with verb `*` on the resource.
    assert_eq!(
        who(&store, &["*", "deployments.apps", "-n", "shop"]),
        [
            "Group shop-devs @ns shop",
            "User root@acme.example @cluster-wide"
        ]
    );
    assert_eq!(
        who(&store, &["*", "*"]),
        ["User root@acme.example @cluster-wide"]
    );
    // A subresource: `pods/exec` is not covered by `pods`, and vice versa.
    assert_eq!(
        who(&store, &["create", "pods/exec", "-n", "shop"]),
        [
            "User alice @ns shop",
            "User root@acme.example @cluster-wide",
            "User system:kube-controller-manager @cluster-wide",
        ]
    );
    assert_eq!(
        who(&store, &["create", "pods/exec", "-n", "blog"]),
        [
            "User root@acme.example @cluster-wide",
            "User system:kube-controller-manager @cluster-wide",
        ]
    );
    assert_eq!(
        who(&store, &["create", "pods", "-n", "shop"]),
        ["User root@acme.example @cluster-wide"]
    );
    assert_eq!(
        who(&store, &["get", "pods", "-n", "shop"]),
        [
            "User alice @ns shop",
            "User root@acme.example @cluster-wide",
            "User system:kube-controller-manager @cluster-wide",
        ]
    );
    // Cluster-scoped resources: RoleBindings never grant them, -n ignored.
    assert_eq!(
        who(&store, &["impersonate", "users", "-n", "shop"]),
        [
            "Group helpdesk @cluster-wide",
            "User root@acme.example @cluster-wide"
        ]
    );
    // A missing role grants nothing.
    assert!(
        !who(&store, &["get", "secrets", "-n", "shop"])
            .iter()
            .any(|s| s.contains("dave"))
    );
}

#[test]
fn who_can_arguments() {
    let store = yaml(RBAC);
    let parse = |a: &[&str]| {
        let a: Vec<String> = a.iter().map(|s| s.to_string()).collect();
        rbac::parse_who_can(&a, &store, None)
    };
    let q = parse(&["create", "pods/exec", "-n", "shop"]).unwrap();
    assert_eq!(
        (
            q.verb.as_str(),
            q.group.as_str(),
            q.resource.as_str(),
            q.namespace.as_deref()
        ),
        ("create", "", "pods/exec", Some("shop"))
    );
    assert_eq!(q.describe(), "create pods/exec in shop");
    let q = parse(&["get", "deployments.apps/scale", "web"]).unwrap();
    assert_eq!(
        (
            q.group.as_str(),
            q.resource.as_str(),
            q.name.as_deref(),
            q.namespace.as_deref()
        ),
        ("apps", "deployments/scale", Some("web"), None)
    );
    assert_eq!(q.describe(), "get deployments.apps/scale web anywhere");
    let q = parse(&["list", "nodes", "-n", "shop"]).unwrap();
    assert!(q.cluster_scoped && q.namespace.is_none());
    for bad in [
        &[][..],
        &["get"],
        &["get", "pods", "-n"],
        &["get", "pods", "a", "b"],
        &["get", "pods", "--bogus"],
        &["pods/exec", "create"],
        &["get", "/exec"],
        &["get", ".apps"],
    ] {
        let err = parse(bad).expect_err(&format!("{bad:?} is rejected"));
        assert!(err.contains("usage: :who-can VERB RESOURCE"), "{err}");
    }
    // Through the pane: bad arguments are a status line with the usage.
    let mut m = model(yaml(RBAC));
    let mut st = state(false);
    command(&mut st, &mut m, "who-can get");
    assert!(
        st.status
            .as_deref()
            .unwrap_or("")
            .contains("usage: :who-can"),
        "{:?}",
        st.status
    );
    assert!(st.pane::<rbac::State>().query.is_none());
}

#[test]
fn risk_badges_and_stale_bindings() {
    let store = yaml(RBAC);
    let d = rbac::derive(&store, |ns| ns == "kube-system");
    let rows: Vec<(String, String, usize, bool)> = d
        .subjects
        .iter()
        .map(|s| {
            (
                format!("{} {}", s.kind_short(), s.name()),
                s.badge_text(),
                s.bindings.len(),
                s.system,
            )
        })
        .collect();
    let row = |name: &str| {
        rows.iter()
            .find(|r| r.0 == name)
            .unwrap_or_else(|| panic!("{name} in {rows:#?}"))
            .clone()
    };
    assert_eq!(row("User root@acme.example").1, "CLUSTER-ADMIN");
    assert_eq!(row("Group helpdesk").1, "IMPERSONATE");
    assert_eq!(row("Group sre").1, "SECRETS");
    assert_eq!(row("SA shop/app").1, "SECRETS(ns)");
    assert_eq!(row("Group shop-devs").1, "WILDCARD(ns)");
    assert_eq!(row("User alice").1, "EXEC(ns)");
    assert_eq!(row("User bob").1, "ESCALATE(ns) BIND(ns)");
    assert_eq!(row("User dave").1, "");
    let kcm = row("User system:kube-controller-manager");
    assert_eq!((kcm.1.as_str(), kcm.3), ("EXEC", true));
    // Sorted by risk, system subjects last.
    let order: Vec<&str> = rows.iter().map(|r| r.0.as_str()).collect();
    assert_eq!(order[0], "User root@acme.example");
    assert_eq!(order[1], "Group helpdesk");
    assert_eq!(order[2], "Group sre");
    assert_eq!(
        *order.last().unwrap(),
        "User system:kube-controller-manager"
    );
    // Stale: the missing Role and the missing ServiceAccount.
    let stale: Vec<(String, String)> = d
        .stale
        .iter()
        .map(|&i| {
            (
                d.bindings[i].describe.clone(),
                d.bindings[i].stale.join("; "),
            )
        })
        .collect();
    assert_eq!(
        stale,
        [
            (
                "RoleBinding shop/broken".to_string(),
                "Role shop/missing does not exist".to_string()
            ),
            (
                "RoleBinding shop/ghost".to_string(),
                "ServiceAccount shop/jenkins does not exist".to_string()
            ),
        ]
    );
}

#[test]
fn pane_keys_detail_and_selection() {
    let mut m = model(yaml(RBAC));
    let mut st = state(false);
    let cx_sel = |st: &State, m: &Model| {
        kready::ui::panes::rbac::selected_object(&st.cx(m), st.pane::<rbac::State>())
    };
    // First row: root's ClusterRoleBinding.
    assert_eq!(
        cx_sel(&st, &m),
        Some(ObjKey::new("ClusterRoleBinding", "", "root"))
    );
    // Filter `/app`: the shop/app ServiceAccount.
    key(&mut st, &mut m, KeyCode::Char('/'));
    typed(&mut st, &mut m, "app");
    key(&mut st, &mut m, KeyCode::Enter);
    assert_eq!(st.pane::<rbac::State>().nav.filter, "app");
    // The ServiceAccount exists: `y` shows it.
    assert_eq!(
        cx_sel(&st, &m),
        Some(ObjKey::new("ServiceAccount", "shop", "app"))
    );
    // `i`: the detail lists its effective rules per namespace.
    key(&mut st, &mut m, KeyCode::Char('i'));
    assert!(st.pane::<rbac::State>().detail);
    let screen = render(&st, &m, 80, 24);
    assert!(screen.contains("namespace shop"), "{screen}");
    assert!(
        screen.contains("RoleBinding shop/app-secrets → ClusterRole secret-reader"),
        "{screen}"
    );
    assert!(screen.contains("resources=[secrets]"), "{screen}");
    key(&mut st, &mut m, KeyCode::Esc);
    assert!(!st.pane::<rbac::State>().detail);
    // Clear the filter; `o` cycles to hiding system subjects, then stale.
    key(&mut st, &mut m, KeyCode::Char('/'));
    key(&mut st, &mut m, KeyCode::Esc);
    assert_eq!(st.pane::<rbac::State>().nav.filter, "");
    key(&mut st, &mut m, KeyCode::Char(']'));
    assert_eq!(st.pane::<rbac::State>().view, View::NoSystem);
    assert!(!render(&st, &m, 160, 48).contains("system:kube-controller-manager"));
    key(&mut st, &mut m, KeyCode::Char(']'));
    assert_eq!(st.pane::<rbac::State>().view, View::Stale);
    let screen = render(&st, &m, 80, 24);
    assert!(screen.contains("STALE"), "{screen}");
    assert!(screen.contains("RoleBinding shop/broken"), "{screen}");
    assert_eq!(
        cx_sel(&st, &m),
        Some(ObjKey::new("RoleBinding", "shop", "broken"))
    );
    key(&mut st, &mut m, KeyCode::Esc);
    assert_eq!(st.pane::<rbac::State>().view, View::Subjects);

    // A query from another pane switches to RBAC; esc returns to the
    // subjects with their selection.
    key(&mut st, &mut m, KeyCode::Char('j'));
    st.show("overview");
    command(&mut st, &mut m, "who-can create pods/exec -n shop");
    assert_eq!(st.active_slug(), "rbac");
    assert!(
        st.status.as_deref().unwrap().contains("3 subject(s)"),
        "{:?}",
        st.status
    );
    let screen = render(&st, &m, 80, 24);
    assert!(
        screen.contains("Who can create pods/exec in shop"),
        "{screen}"
    );
    assert!(screen.contains("alice"), "{screen}");
    // `y` on a who-can row: the binding.
    let sel = cx_sel(&st, &m).unwrap();
    assert_eq!(sel.kind, "ClusterRoleBinding");
    key(&mut st, &mut m, KeyCode::Esc);
    assert!(st.pane::<rbac::State>().query.is_none());
    assert_eq!(st.pane::<rbac::State>().nav.selected, 1);
    assert!(render(&st, &m, 80, 24).contains("Subjects"));
    // Esc with nothing open is not the pane's.
    let cx = st.cx(&m);
    let mut rbac_state = rbac::State::default();
    assert_eq!(
        rbac::handle(&cx, &mut rbac_state, PaneEvent::Action(Action::Back)),
        Outcome::Ignored
    );
}

#[test]
fn demo_who_can_and_rendering() {
    let store = demo_store();
    // Exec in analytics: the cluster-admins, the Argo CD controller (*/*/*),
    // and analytics' own developer, lead and directly bound user.
    assert_eq!(
        who(&store, &["create", "pods/exec", "-n", "analytics"]),
        [
            "Group kubeadm:cluster-admins @cluster-wide",
            "Group oidc:platform-leads @cluster-wide",
            "Group oidc:team-analytics @ns analytics",
            "Group oidc:team-analytics-leads @ns analytics",
            "Group system:masters @cluster-wide",
            "SA argocd/argocd-application-controller @cluster-wide",
            "SA velero/velero @cluster-wide",
            "User jane.doe@acme-corp.example @cluster-wide",
            "User m.kowalski@acme-corp.example @ns analytics",
        ]
    );
    // Airflow's default ServiceAccount reads Secrets everywhere.
    assert!(
        who(&store, &["list", "secrets", "-n", "payments"])
            .contains(&"SA data-pipeline/default @cluster-wide".to_string())
    );

    let mut m = model(store);
    let d = rbac::derive(&m.store, |ns| m.config().is_system_namespace(ns));
    let top: Vec<String> = d
        .subjects
        .iter()
        .take(5)
        .map(|s| format!("{} {}", s.badge_text(), s.name()))
        .collect();
    assert_eq!(
        top,
        [
            "CLUSTER-ADMIN jane.doe@acme-corp.example",
            "CLUSTER-ADMIN kubeadm:cluster-admins",
            "CLUSTER-ADMIN oidc:platform-leads",
            "CLUSTER-ADMIN argocd/argocd-application-controller",
            "CLUSTER-ADMIN velero/velero",
        ]
    );
    assert_eq!(d.stale.len(), 3, "the demo's three stale bindings");

    let mut st = state(false);
    let small = render(&st, &m, 80, 24);
    assert!(small.contains("CLUSTER-ADMIN"), "{small}");
    assert!(small.contains("jane.doe@acme-corp.example"), "{small}");
    assert!(small.contains("3 stale bindings"), "{small}");
    insta::assert_snapshot!("rbac_demo_80x24", small);
    let big = render(&st, &m, 160, 48);
    assert!(big.contains("Detail"), "{big}");
    assert!(
        big.contains("ClusterRoleBinding oncall-jdoe-cluster-admin → ClusterRole cluster-admin")
    );
    insta::assert_snapshot!("rbac_demo_160x48", big);

    command(&mut st, &mut m, "who-can create pods/exec -n analytics");
    let small = render(&st, &m, 80, 24);
    assert!(
        small.contains("Who can create pods/exec in analytics"),
        "{small}"
    );
    assert!(small.contains("ns analytics"), "{small}");
    insta::assert_snapshot!("rbac_demo_who_can_80x24", small);
    let big = render(&st, &m, 160, 48);
    assert!(big.contains("m.kowalski@acme-corp.example"), "{big}");
    assert!(
        big.contains("granted by: verbs=[*] apiGroups=[*] resources=[*]"),
        "{big}"
    );
    insta::assert_snapshot!("rbac_demo_who_can_160x48", big);
}

#[test]
fn monochrome_words_and_stale_view() {
    let mut m = model(yaml(RBAC));
    let mut st = state(true);
    let screen = render(&st, &m, 80, 24);
    for word in [
        "CLUSTER-ADMIN",
        "IMPERSONATE",
        "SECRETS",
        "EXEC(ns)",
        "WILDCARD(ns)",
    ] {
        assert!(screen.contains(word), "{word} in {screen}");
    }
    insta::assert_snapshot!("rbac_inline_mono_80x24", screen);
    key(&mut st, &mut m, KeyCode::Char(']'));
    key(&mut st, &mut m, KeyCode::Char(']'));
    let screen = render(&st, &m, 160, 48);
    assert!(
        screen.contains("ServiceAccount shop/jenkins does not exist"),
        "{screen}"
    );
    insta::assert_snapshot!("rbac_inline_stale_160x48", screen);
}

#[test]
fn follows_rbac_changes() {
    let mut m = model(yaml(RBAC));
    let mut st = state(false);
    assert!(!render(&st, &m, 160, 48).contains("newcomer"));
    command(&mut st, &mut m, "who-can list secrets -n blog");
    assert!(!render(&st, &m, 160, 48).contains("newcomer"));
    let extra = yaml(
        r#"
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: newcomer-secrets, namespace: blog}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: secret-reader}
subjects: [{kind: User, name: newcomer}]
"#,
    );
    m.apply_events(
        extra
            .list("RoleBinding")
            .cloned()
            .map(Event::Apply)
            .collect(),
    );
    m.refresh();
    let screen = render(&st, &m, 160, 48);
    assert!(screen.contains("newcomer"), "{screen}");
    assert!(screen.contains("ns blog"), "{screen}");
    key(&mut st, &mut m, KeyCode::Esc);
    let screen = render(&st, &m, 160, 48);
    assert!(
        screen.contains("SECRETS(ns)") && screen.contains("newcomer"),
        "{screen}"
    );
}
