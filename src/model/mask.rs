//! The one masking rule: a literal value bound to a name that kready treats
//! as a secret is never shown or written — not in the YAML view, exports,
//! reports' evidence or the log.
//!
//! The rule is `security/secrets-in-env`'s: an env var whose name looks
//! secret (`*PASSWORD*`, `*TOKEN*`, `*SECRET*`, `*_KEY`) and whose `value`
//! is a literal (not empty, not only `$(VAR)` references). The same names
//! are recognised on the command line (`--db-password=…`, `--token …`,
//! `PGPASSWORD=… psql`) and as ConfigMap keys, and the
//! `kubectl.kubernetes.io/last-applied-configuration` annotation, which
//! repeats the whole manifest, is masked by the same rule. Secret objects
//! never hold values in the first place (see `source::decode`).

use std::borrow::Cow;

use serde_json::Value;

/// What is shown in place of a masked value.
pub const NOT_SHOWN: &str = "<literal, not shown>";

/// The annotation `kubectl apply` leaves: the whole last-applied manifest.
pub const LAST_APPLIED: &str = "kubectl.kubernetes.io/last-applied-configuration";

/// Shown in place of a last-applied annotation that is not JSON, so it
/// cannot be masked field by field.
pub const LAST_APPLIED_FOLDED: &str =
    "<not shown: not valid JSON, and it may repeat secret values of the manifest>";

/// `*PASSWORD*`, `*TOKEN*`, `*SECRET*`, `*_KEY`, case-insensitively.
pub fn secret_looking(name: &str) -> bool {
    let u = name.to_ascii_uppercase();
    u.contains("PASSWORD") || u.contains("TOKEN") || u.contains("SECRET") || u.ends_with("_KEY")
}

/// Whether env var `name` set to `value` holds a secret literal: the
/// condition of `security/secrets-in-env`, and what every view hides.
pub fn secret_literal(name: &str, value: &str) -> bool {
    secret_looking(name) && literal(value)
}

/// A value that is written out rather than expanded from elsewhere.
fn literal(value: &str) -> bool {
    !value.is_empty() && !only_references(value)
}

/// A value made only of `$(VAR)` references is expanded from other env vars
/// (which may come from a Secret): it carries no literal.
fn only_references(value: &str) -> bool {
    let mut rest = value.trim();
    if rest.is_empty() {
        return false;
    }
    while !rest.is_empty() {
        let Some(inner) = rest.strip_prefix("$(") else {
            return false;
        };
        let Some(end) = inner.find(')') else {
            return false;
        };
        if end == 0 {
            return false;
        }
        rest = inner[end + 1..].trim_start();
    }
    true
}

/// A flag or assignment name (`--db-password`, `-Dspring.datasource.password`,
/// `PGPASSWORD`) read as an env var name: leading dashes (and a shell
/// quote before them) dropped, `-` and `.` as `_`. `None` when it is not a
/// name at all.
fn flag_name(word: &str) -> Option<String> {
    let bare = word.trim_start_matches(['\'', '"']).trim_start_matches('-');
    let is_name = !bare.is_empty()
        && bare
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'));
    is_name.then(|| bare.replace(['-', '.'], "_"))
}

/// A flag value that is a secret literal. Go's booleans are not: they
/// switch a feature (`--enable-bootstrap-token-auth=true`).
fn secret_flag_value(name: &str, value: &str) -> bool {
    secret_looking(name) && flag_literal(value)
}

fn flag_literal(value: &str) -> bool {
    literal(value) && !matches!(value, "true" | "false")
}

/// `text` with the value of every `NAME=VALUE` word whose name looks secret
/// replaced by `NOT_SHOWN` (`--password=x`, `PGPASSWORD=x psql`, a quoted
/// value included). For command lines, shell lines and log lines.
pub fn mask_words(text: &str) -> Cow<'_, str> {
    let mut out = String::new();
    let mut copied = 0; // text[..copied] is in `out`
    let mut at = 0;
    while at < text.len() {
        let rest = &text[at..];
        let word_len = rest.find(char::is_whitespace).unwrap_or(rest.len());
        let word = &rest[..word_len];
        let mut next = at + word_len;
        if let Some((name, _)) = word.split_once('=')
            && let Some(name) = flag_name(name)
        {
            let value_at = at + name_len(word) + 1;
            let value_end = quoted_end(text, value_at).unwrap_or(next);
            if secret_flag_value(&name, &text[value_at..value_end]) {
                out.push_str(&text[copied..value_at]);
                out.push_str(NOT_SHOWN);
                copied = value_end;
                next = value_end;
            }
        }
        // Skip the word's whitespace.
        at = next
            + text[next..]
                .find(|c: char| !c.is_whitespace())
                .unwrap_or(text.len() - next);
    }
    if copied == 0 {
        return Cow::Borrowed(text);
    }
    out.push_str(&text[copied..]);
    Cow::Owned(out)
}

/// The length of the name part of a `NAME=VALUE` word.
fn name_len(word: &str) -> usize {
    word.find('=').unwrap_or(word.len())
}

/// Where a value that opens with a quote at `at` ends (after its closing
/// quote, or at the end of `text` when it is not closed).
fn quoted_end(text: &str, at: usize) -> Option<usize> {
    let quote = text[at..]
        .chars()
        .next()
        .filter(|c| matches!(c, '"' | '\''))?;
    let body = at + 1;
    Some(
        text[body..]
            .find(quote)
            .map_or(text.len(), |i| body + i + 1),
    )
}

/// A command or args list: each entry through `mask_words`, and the entry
/// after a bare secret-looking flag (`--token`, `abc`) masked whole.
fn mask_args(args: &mut [Value]) {
    let mut after_secret_flag = false;
    for arg in args {
        let Value::String(s) = arg else {
            after_secret_flag = false;
            continue;
        };
        if after_secret_flag && !s.starts_with('-') && flag_literal(s) {
            *s = NOT_SHOWN.to_string();
            after_secret_flag = false;
            continue;
        }
        after_secret_flag = s.starts_with('-')
            && !s.contains('=')
            && flag_name(s).is_some_and(|n| secret_looking(&n));
        if let Cow::Owned(masked) = mask_words(s) {
            *s = masked;
        }
    }
}

/// An env list: the `value` of each secret-looking var with a literal.
fn mask_env(env: &mut [Value]) {
    for var in env {
        let Value::Object(var) = var else { continue };
        let secret = matches!(
            (var.get("name"), var.get("value")),
            (Some(Value::String(name)), Some(Value::String(value))) if secret_literal(name, value)
        );
        if secret {
            var.insert("value".into(), Value::String(NOT_SHOWN.into()));
        }
    }
}

/// Masks, in place, every secret literal of an object as JSON: env values and
/// command lines wherever they are (containers, init and ephemeral
/// containers, pod templates of every workload kind, CronJob job templates,
/// custom resources), ConfigMap data under secret-looking keys, and the
/// last-applied annotation. Lists (`kind: List`) are masked item by item.
pub fn mask_object(value: &mut Value) {
    match value {
        Value::Object(map) => {
            if map.get("kind").and_then(Value::as_str) == Some("ConfigMap") {
                mask_config_map(map);
            }
            for (key, child) in map.iter_mut() {
                match (key.as_str(), &mut *child) {
                    ("env", Value::Array(env)) => mask_env(env),
                    ("command" | "args", Value::Array(args)) => mask_args(args),
                    ("annotations", Value::Object(annotations)) => {
                        if let Some(Value::String(text)) = annotations.get_mut(LAST_APPLIED) {
                            *text = mask_last_applied(text);
                        }
                    }
                    _ => {}
                }
                mask_object(child);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(mask_object),
        _ => {}
    }
}

/// A ConfigMap's entries under secret-looking keys (`DB_PASSWORD: …`): the
/// same literal that `envFrom` would turn into a secret-looking env var.
fn mask_config_map(map: &mut serde_json::Map<String, Value>) {
    for field in ["data", "binaryData"] {
        if let Some(Value::Object(data)) = map.get_mut(field) {
            for (key, value) in data.iter_mut() {
                if value.as_str().is_some_and(|v| secret_literal(key, v)) {
                    *value = Value::String(NOT_SHOWN.into());
                }
            }
        }
    }
}

/// The last-applied annotation masked by the same rule, or folded to a note
/// when it does not parse. Unchanged (byte for byte) when nothing is secret.
pub fn mask_last_applied(text: &str) -> String {
    let Ok(mut manifest) = serde_json::from_str::<Value>(text) else {
        return LAST_APPLIED_FOLDED.to_string();
    };
    let before = manifest.clone();
    mask_object(&mut manifest);
    if manifest == before {
        return text.to_string();
    }
    serde_json::to_string(&manifest).unwrap_or_else(|_| LAST_APPLIED_FOLDED.to_string())
}

/// A piece of check evidence (`field = value`) as reports show it: the value
/// of an env var or flag with a secret-looking name is masked.
pub fn evidence_value<'a>(field: &str, value: &'a str) -> Cow<'a, str> {
    let name = field
        .strip_prefix("env[")
        .and_then(|f| f.split(']').next())
        .or_else(|| field.starts_with('-').then_some(field));
    match name.and_then(flag_name) {
        Some(name) if value != NOT_SHOWN && secret_flag_value(&name, value) => {
            Cow::Borrowed(NOT_SHOWN)
        }
        _ => mask_words(value),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn names_and_literals() {
        for name in [
            "DB_PASSWORD",
            "AIRFLOW__CORE__FERNET_KEY",
            "api_token",
            "MySecret",
        ] {
            assert!(secret_literal(name, "x"), "{name}");
        }
        assert!(!secret_literal("LOG_LEVEL", "debug"));
        assert!(!secret_literal("KEYS", "x"));
        assert!(!secret_literal("DB_PASSWORD", ""));
        assert!(!secret_literal("DB_PASSWORD", "$(FROM_SECRET)"));
        assert!(!secret_literal("DB_PASSWORD", " $(A) $(B) "));
        assert!(secret_literal("DB_PASSWORD", "$(A)x"));
        assert!(secret_literal("DB_PASSWORD", "$()"));
    }

    #[test]
    fn words_of_a_command_line() {
        assert_eq!(
            mask_words("app --db-password=hunter2 --log-level=debug"),
            "app --db-password=<literal, not shown> --log-level=debug"
        );
        assert_eq!(
            mask_words("PGPASSWORD=s3cr3t psql -h db  -Dspring.datasource.password='a b' x"),
            "PGPASSWORD=<literal, not shown> psql -h db  \
             -Dspring.datasource.password=<literal, not shown> x"
        );
        assert_eq!(
            mask_words("--token=\"unclosed value"),
            "--token=<literal, not shown>"
        );
        // References, booleans and non-names stay.
        let kept = "--token=$(TOKEN) --enable-bootstrap-token-auth=true a=b==c --x= ==";
        assert!(matches!(mask_words(kept), Cow::Borrowed(_)));
        assert_eq!(
            mask_words("tökén ünïcode --secret=ü"),
            "tökén ünïcode --secret=<literal, not shown>"
        );
    }

    #[test]
    fn an_object_everywhere_env_and_args_appear() {
        let container = |name: &str| {
            json!({
                "name": name,
                "env": [
                    {"name": "DB_PASSWORD", "value": "hunter2"},
                    {"name": "LOG_LEVEL", "value": "debug"},
                    {"name": "API_TOKEN", "valueFrom": {"secretKeyRef": {"name": "s", "key": "k"}}},
                    {"name": "ALIAS_TOKEN", "value": "$(API_TOKEN)"}
                ],
                "command": ["server", "--api-key", "k3y", "--verbose"],
                "args": ["--client-secret=abc", "sh -c 'MYSQL_PASSWORD=pw mysqld'"]
            })
        };
        let mut cronjob = json!({
            "kind": "CronJob",
            "spec": {"jobTemplate": {"spec": {"template": {"spec": {
                "initContainers": [container("init")],
                "containers": [container("main")],
                "ephemeralContainers": [container("debug")]
            }}}}}
        });
        mask_object(&mut cronjob);
        let text = cronjob.to_string();
        for secret in ["hunter2", "k3y", "abc", "pw"] {
            assert!(!text.contains(secret), "{secret} in {text}");
        }
        assert_eq!(text.matches(NOT_SHOWN).count(), 3 * 4, "{text}");
        for shown in [
            "debug",
            "$(API_TOKEN)",
            "secretKeyRef",
            "--verbose",
            "--api-key",
        ] {
            assert!(text.contains(shown), "{shown} missing from {text}");
        }
    }

    #[test]
    fn config_map_keys() {
        let mut cm = json!({
            "kind": "ConfigMap",
            "data": {"REDIS_PASSWORD": "pw", "mode": "fast", "SECRET_REF": "$(X)"}
        });
        mask_object(&mut cm);
        assert_eq!(cm["data"]["REDIS_PASSWORD"], NOT_SHOWN);
        assert_eq!(cm["data"]["mode"], "fast");
        assert_eq!(cm["data"]["SECRET_REF"], "$(X)");
    }

    #[test]
    fn last_applied_is_masked_or_folded() {
        let manifest = json!({
            "kind": "Deployment",
            "spec": {"template": {"spec": {"containers": [{
                "name": "c",
                "env": [{"name": "DB_PASSWORD", "value": "hunter2"}, {"name": "A", "value": "1"}]
            }]}}}
        })
        .to_string();
        let mut obj = json!({"metadata": {"annotations": {LAST_APPLIED: manifest, "other": "x"}}});
        mask_object(&mut obj);
        let masked = obj["metadata"]["annotations"][LAST_APPLIED]
            .as_str()
            .unwrap();
        assert!(
            !masked.contains("hunter2") && masked.contains(NOT_SHOWN),
            "{masked}"
        );
        let back: Value = serde_json::from_str(masked).unwrap();
        assert_eq!(
            back["spec"]["template"]["spec"]["containers"][0]["env"][1]["value"],
            "1"
        );

        // Nothing secret: the annotation is left as written.
        let plain = "{\"kind\":  \"Service\"}";
        assert_eq!(mask_last_applied(plain), plain);
        // Not JSON: folded to a note.
        assert_eq!(
            mask_last_applied("DB_PASSWORD: hunter2 {"),
            LAST_APPLIED_FOLDED
        );
    }

    #[test]
    fn evidence_of_env_vars_and_flags() {
        assert_eq!(
            evidence_value("env[DB_PASSWORD].value", "hunter2"),
            NOT_SHOWN
        );
        assert_eq!(
            evidence_value("env[DB_PASSWORD].value", NOT_SHOWN),
            NOT_SHOWN
        );
        assert_eq!(evidence_value("--oidc-client-secret", "abc"), NOT_SHOWN);
        assert_eq!(evidence_value("--anonymous-auth", "false"), "false");
        assert_eq!(evidence_value("env[LOG_LEVEL].value", "debug"), "debug");
        assert_eq!(evidence_value("spec.secretName", "tls"), "tls");
        assert_eq!(
            evidence_value("command", "etcd --peer-key=abc"),
            "etcd --peer-key=<literal, not shown>"
        );
    }
}
