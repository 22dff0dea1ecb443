//! A container's command line as the Go programs of the control plane and
//! its add-ons read it: words, pflag-style flags, literal env values, and
//! Go's boolean and duration syntax.

use k8s_openapi::api::core::v1::Container;

/// The command line of a container (`command` then `args`), split into
/// words. Entries that hold a whole shell line (`sh -c "etcd --x=1"`) are
/// split on whitespace too.
pub fn command_words(c: &Container) -> Vec<&str> {
    c.command
        .iter()
        .flatten()
        .chain(c.args.iter().flatten())
        .flat_map(|s| s.split_whitespace())
        .collect()
}

/// Every value given for flag `name`, in order, as Go's flag and pflag
/// packages read them: `--name=value` and `-name=value`; `--name value` (the
/// next word, whatever it looks like) for non-boolean flags; a bare boolean
/// `--name` is `true`. A non-boolean flag with no word after it is a usage
/// error and gives no value. Parsing stops at `--`.
pub fn flag_values<'a>(words: &[&'a str], name: &str, boolean: bool) -> Vec<&'a str> {
    let mut found = Vec::new();
    let mut i = 0;
    while i < words.len() {
        let w = words[i];
        if w == "--" {
            break;
        }
        let bare = w
            .strip_prefix("--")
            .or_else(|| w.strip_prefix('-'))
            .filter(|b| !b.starts_with('-'));
        if let Some(bare) = bare {
            if let Some(v) = bare.strip_prefix(name).and_then(|r| r.strip_prefix('=')) {
                found.push(v);
            } else if bare == name {
                if boolean {
                    found.push("true");
                } else if let Some(next) = words.get(i + 1) {
                    found.push(next);
                    i += 1;
                }
            }
        }
        i += 1;
    }
    found
}

/// The value of flag `name` that takes effect (the last one given; see
/// `flag_values`), `None` when the flag is absent.
pub fn flag_value<'a>(words: &[&'a str], name: &str, boolean: bool) -> Option<&'a str> {
    flag_values(words, name, boolean).pop()
}

/// A literal env var of a container (`valueFrom` is not resolvable here).
pub fn env_value<'a>(c: &'a Container, name: &str) -> Option<&'a str> {
    c.env
        .iter()
        .flatten()
        .find(|e| e.name == name)
        .and_then(|e| e.value.as_deref())
}

/// Go's `strconv.ParseBool`.
pub fn parse_go_bool(s: &str) -> Option<bool> {
    match s {
        "1" | "t" | "T" | "TRUE" | "true" | "True" => Some(true),
        "0" | "f" | "F" | "FALSE" | "false" | "False" => Some(false),
        _ => None,
    }
}

/// Go's `time.ParseDuration`, in seconds: a sequence of decimal numbers with
/// units (`ns`, `us`/`µs`, `ms`, `s`, `m`, `h`), optionally signed; `0` alone
/// needs no unit.
pub fn parse_go_duration(s: &str) -> Option<f64> {
    let s = s.trim();
    let (neg, mut rest) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    if rest == "0" {
        return Some(0.0);
    }
    if rest.is_empty() {
        return None;
    }
    let mut total = 0.0;
    while !rest.is_empty() {
        let num_end = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        let num = &rest[..num_end];
        if num.is_empty() || num == "." || num.matches('.').count() > 1 {
            return None;
        }
        let value: f64 = num.parse().ok()?;
        rest = &rest[num_end..];
        let unit_end = rest
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(rest.len());
        let mult = match &rest[..unit_end] {
            "ns" => 1e-9,
            "us" | "µs" | "μs" => 1e-6,
            "ms" => 1e-3,
            "s" => 1.0,
            "m" => 60.0,
            "h" => 3600.0,
            _ => return None,
        };
        total += value * mult;
        rest = &rest[unit_end..];
    }
    Some(if neg { -total } else { total })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values<'a>(words: &[&'a str], name: &str, boolean: bool) -> Vec<&'a str> {
        flag_values(words, name, boolean)
    }

    #[test]
    fn flag_forms() {
        let w = ["kube-apiserver", "--a=1", "-b=2", "--c", "3", "-d", "4"];
        assert_eq!(flag_value(&w, "a", false), Some("1"));
        assert_eq!(flag_value(&w, "b", false), Some("2"));
        assert_eq!(flag_value(&w, "c", false), Some("3"));
        assert_eq!(flag_value(&w, "d", false), Some("4"));
        assert_eq!(flag_value(&w, "e", false), None);
        // A prefix of another flag's name is not that flag.
        assert_eq!(flag_value(&["--ab=1"], "a", false), None);
        assert_eq!(flag_value(&["--a-b=1"], "a", false), None);
        // An empty value is a value.
        assert_eq!(flag_value(&["--a="], "a", false), Some(""));
        // Values may hold `=`.
        assert_eq!(flag_value(&["--a=k=v,x=y"], "a", false), Some("k=v,x=y"));
    }

    #[test]
    fn last_occurrence_wins() {
        let w = ["--a=1", "--a", "2", "-a=3"];
        assert_eq!(values(&w, "a", false), ["1", "2", "3"]);
        assert_eq!(flag_value(&w, "a", false), Some("3"));
    }

    #[test]
    fn boolean_flags() {
        // A bare boolean is true and does not take the next word.
        let w = ["--x", "false", "--y=false"];
        assert_eq!(flag_value(&w, "x", true), Some("true"));
        assert_eq!(flag_value(&w, "y", true), Some("false"));
        assert_eq!(flag_value(&["-x"], "x", true), Some("true"));
        assert_eq!(flag_value(&["--x=false", "--x"], "x", true), Some("true"));
    }

    #[test]
    fn next_word_is_taken_whole() {
        // Go takes the next word as the value even when it looks like a flag,
        // and that word is then not a flag itself.
        let w = ["--a", "--b=1"];
        assert_eq!(flag_value(&w, "a", false), Some("--b=1"));
        let w = ["--a", "--a=1", "--a", "2"];
        assert_eq!(values(&w, "a", false), ["--a=1", "2"]);
        // No word after a non-boolean flag: a usage error, no value.
        assert_eq!(flag_value(&["--a"], "a", false), None);
        assert_eq!(flag_value(&["--a=1", "--a"], "a", false), Some("1"));
    }

    #[test]
    fn not_flags() {
        assert_eq!(flag_value(&["---a=1"], "a", false), None);
        assert_eq!(flag_value(&["a=1"], "a", false), None);
        // Parsing stops at `--`.
        assert_eq!(flag_value(&["--", "--a=1"], "a", false), None);
        assert_eq!(flag_value(&["--a=1", "--", "--a=2"], "a", false), Some("1"));
    }

    #[test]
    fn words_split_shell_lines() {
        let c = Container {
            command: Some(vec!["sh".into(), "-c".into(), "etcd  --x=1 --y 2".into()]),
            args: Some(vec!["--z=3".into()]),
            ..Container::default()
        };
        assert_eq!(
            command_words(&c),
            ["sh", "-c", "etcd", "--x=1", "--y", "2", "--z=3"]
        );
        assert_eq!(flag_value(&command_words(&c), "y", false), Some("2"));
    }

    #[test]
    fn go_bools() {
        for t in ["1", "t", "T", "TRUE", "true", "True"] {
            assert_eq!(parse_go_bool(t), Some(true), "{t}");
        }
        for f in ["0", "f", "F", "FALSE", "false", "False"] {
            assert_eq!(parse_go_bool(f), Some(false), "{f}");
        }
        for bad in ["", "yes", "no", "tRUE", "fAlse", " true", "2"] {
            assert_eq!(parse_go_bool(bad), None, "{bad}");
        }
    }

    #[test]
    fn go_durations() {
        assert_eq!(parse_go_duration("10m"), Some(600.0));
        assert_eq!(parse_go_duration("1h30m"), Some(5400.0));
        assert_eq!(parse_go_duration("2h45m"), Some(9900.0));
        assert_eq!(parse_go_duration("90s"), Some(90.0));
        assert_eq!(parse_go_duration("1.5h"), Some(5400.0));
        assert_eq!(parse_go_duration(".5s"), Some(0.5));
        assert_eq!(parse_go_duration("0"), Some(0.0));
        assert_eq!(parse_go_duration("-0"), Some(0.0));
        assert_eq!(parse_go_duration("-1m"), Some(-60.0));
        assert_eq!(parse_go_duration("+5s"), Some(5.0));
        assert_eq!(parse_go_duration("300ms"), Some(0.3));
        assert_eq!(parse_go_duration("2us"), Some(2e-6));
        assert_eq!(parse_go_duration("2µs"), Some(2e-6));
        assert_eq!(parse_go_duration("2μs"), Some(2e-6));
        let ns = parse_go_duration("1500ns").unwrap();
        assert!((ns - 1.5e-6).abs() < 1e-15, "{ns}");
        assert_eq!(parse_go_duration("10"), None);
        assert_eq!(parse_go_duration(""), None);
        assert_eq!(parse_go_duration("-"), None);
        assert_eq!(parse_go_duration("1d"), None);
        assert_eq!(parse_go_duration("m"), None);
        assert_eq!(parse_go_duration("1.2.3s"), None);
        assert_eq!(parse_go_duration("1h 30m"), None);
    }
}
