//! Which top-level module may use which: every `crate::X` path in
//! `src/**/*.rs` (in `use` lines and inline, grouped `crate::{a, b}` too,
//! and `super::` chains that climb to the crate root) must follow `RULES`.
//! `#[cfg(test)]` modules are not counted: tests may load their fixtures
//! through any module without that being a dependency of the code.
//! `main.rs` is the binary and may use everything.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// (module, the other top-level modules it may use). A module always may
/// use itself. Every top-level module of `src/` needs a row, and no row may
/// list `app` (the event loop is used by `main.rs` only). Change the rules
/// here, in one place; `rules_have_no_cycle` keeps them a hierarchy.
const RULES: &[(&str, &[&str])] = &[
    ("file_input", &[]),
    ("model", &["file_input"]),
    ("config", &["model", "file_input"]),
    ("store", &["model"]),
    ("source", &["model", "store", "file_input"]),
    ("view", &["model", "store", "config"]),
    ("checks", &["model", "store", "view", "config"]),
    ("report", &["checks", "model", "store", "config"]),
    ("cli", &["checks", "model", "config", "report"]),
    (
        "runtime",
        &["model", "config", "store", "source", "view", "checks"],
    ),
    (
        "ui",
        &[
            "runtime",
            "model",
            "config",
            "store",
            "source",
            "view",
            "checks",
            "report",
            "cli",
            "file_input",
        ],
    ),
    (
        "app",
        &[
            "model",
            "config",
            "store",
            "source",
            "view",
            "checks",
            "report",
            "cli",
            "file_input",
            "runtime",
            "ui",
        ],
    ),
];

fn allowed(module: &str) -> Option<&'static [&'static str]> {
    RULES.iter().find(|(m, _)| *m == module).map(|(_, a)| *a)
}

/// One reference to another top-level module: its line (1-based), the
/// module and the line as written.
#[derive(Debug, PartialEq)]
struct Use {
    line: usize,
    module: String,
    text: String,
}

/// The code of a file with comments and the insides of string and char
/// literals blanked and `#[cfg(test)]` items removed; every line stays
/// where it was, so that line numbers stay right.
fn code_lines(text: &str) -> Vec<String> {
    let blanked = blank_comments_and_literals(text);
    let lines: Vec<&str> = blanked.lines().collect();
    let mut out = Vec::with_capacity(lines.len());
    let mut i = 0;
    while i < lines.len() {
        if lines[i].trim() != "#[cfg(test)]" {
            out.push(lines[i].to_string());
            i += 1;
            continue;
        }
        // The item it guards: a `mod … {` block ends at the `}` with its
        // indentation (rustfmt's layout); anything else is one line.
        let mut j = i + 1;
        while j < lines.len() && lines[j].trim().starts_with("#[") {
            j += 1;
        }
        let item = lines.get(j).copied().unwrap_or("");
        let end = if item.trim_end().ends_with('{') {
            let indent = &item[..item.len() - item.trim_start().len()];
            let close = format!("{indent}}}");
            (j + 1..lines.len())
                .find(|&k| lines[k].trim_end() == close)
                .unwrap_or(lines.len() - 1)
        } else {
            j.min(lines.len() - 1)
        };
        out.extend((i..=end).map(|_| String::new()));
        i = end + 1;
    }
    out
}

/// `text` with comments and what is inside string and char literals
/// replaced by spaces (newlines kept), so that neither is read as a path.
fn blank_comments_and_literals(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let blank = |c: char| if c == '\n' { '\n' } else { ' ' };
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        // The index just past the end of a comment or literal starting here.
        let end = match (c, next) {
            ('/', Some('/')) => (i..chars.len())
                .find(|&k| chars[k] == '\n')
                .unwrap_or(chars.len()),
            ('/', Some('*')) => (i + 2..chars.len())
                .find(|&k| chars[k - 1] == '*' && chars[k] == '/')
                .map_or(chars.len(), |k| k + 1),
            ('"', _) => {
                let mut k = i + 1;
                while k < chars.len() && chars[k] != '"' {
                    k += if chars[k] == '\\' { 2 } else { 1 };
                }
                k + 1
            }
            ('r', Some('"' | '#')) if !glued(&chars, i) => {
                let hashes = chars[i + 1..].iter().take_while(|&&h| h == '#').count();
                if chars.get(i + 1 + hashes) != Some(&'"') {
                    out.push(c);
                    i += 1;
                    continue;
                }
                let close: Vec<char> = std::iter::once('"')
                    .chain(std::iter::repeat_n('#', hashes))
                    .collect();
                (i + 2 + hashes..chars.len())
                    .find(|&k| chars[k..].starts_with(&close))
                    .map_or(chars.len(), |k| k + close.len())
            }
            // A char literal ('x', '\n', '"'), not a lifetime ('a).
            ('\'', Some('\\')) => (i + 2..chars.len())
                .find(|&k| chars[k] == '\'')
                .map_or(chars.len(), |k| k + 1),
            ('\'', Some(_)) if chars.get(i + 2) == Some(&'\'') => i + 3,
            _ => {
                out.push(c);
                i += 1;
                continue;
            }
        };
        let end = end.min(chars.len());
        out.extend(chars[i..end].iter().map(|&c| blank(c)));
        i = end;
    }
    out
}

/// Whether the character at `i` continues a name (so `r"` there is not a
/// raw string: `for"`, `bar#`).
fn glued(chars: &[char], i: usize) -> bool {
    i > 0 && (chars[i - 1].is_alphanumeric() || chars[i - 1] == '_')
}

/// The top-level modules a file refers to. `depth` is how deep the file's
/// module is: 1 for `src/x.rs` and `src/x/mod.rs`, 2 for `src/x/y.rs`.
fn uses(text: &str, depth: usize) -> Vec<Use> {
    let lines = code_lines(text);
    let code = lines.join("\n");
    let line_of = |at: usize| code[..at].matches('\n').count() + 1;
    let mut found = Vec::new();
    let mut at = 0;
    while at < code.len() {
        // The next `crate::` or `super::` that starts a path.
        let Some((start, rest)) = next_root_path(&code[at..], depth) else {
            break;
        };
        let start = at + start;
        let rest_at = code.len() - rest.len();
        for module in first_segments(rest) {
            if module != "self" {
                let line = line_of(start);
                found.push(Use {
                    line,
                    module,
                    text: lines[line - 1].trim().to_string(),
                });
            }
        }
        at = rest_at.max(start + 1);
    }
    found
}

/// Finds a path that reaches the crate root (`crate::`, or as many
/// `super::` as `depth`); gives its start and the text after the root.
fn next_root_path(code: &str, depth: usize) -> Option<(usize, &str)> {
    let mut from = 0;
    loop {
        let crate_at = code[from..].find("crate::").map(|i| from + i);
        let super_at = code[from..].find("super::").map(|i| from + i);
        let at = match (crate_at, super_at) {
            (Some(c), Some(s)) => c.min(s),
            (Some(c), None) => c,
            (None, Some(s)) => s,
            (None, None) => return None,
        };
        // Part of a longer name, or `$crate` inside a macro.
        let glued = code[..at]
            .chars()
            .next_back()
            .is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '$' || c == ':');
        if !glued {
            if code[at..].starts_with("crate::") {
                return Some((at, &code[at + "crate::".len()..]));
            }
            let mut rest = &code[at..];
            let mut climbed = 0;
            while let Some(r) = rest.strip_prefix("super::") {
                rest = r;
                climbed += 1;
            }
            if climbed == depth {
                return Some((at, rest));
            }
            // Stays inside this module: skip the whole chain.
            from = code.len() - rest.len();
            continue;
        }
        from = at + 1;
    }
}

/// `model::x` → [model]; `{store, view::y, self}` → [store, view, self].
fn first_segments(rest: &str) -> Vec<String> {
    let ident = |s: &str| -> String {
        s.trim_start()
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect()
    };
    let Some(group) = rest.strip_prefix('{') else {
        return vec![ident(rest)];
    };
    let mut out = Vec::new();
    let mut depth = 0;
    let mut item_start = true;
    for (i, c) in group.char_indices() {
        match c {
            _ if item_start && !c.is_whitespace() => {
                item_start = false;
                if depth == 0 {
                    out.push(ident(&group[i..]));
                }
                if c == '{' {
                    depth += 1;
                }
            }
            '{' => depth += 1,
            '}' if depth == 0 => break,
            '}' => depth -= 1,
            ',' if depth == 0 => item_start = true,
            _ => {}
        }
    }
    out.retain(|m| !m.is_empty());
    out
}

/// What breaks the rules in one file of `module`.
fn violations(file: &str, module: &str, depth: usize, text: &str) -> Vec<String> {
    let Some(may) = allowed(module) else {
        return vec![format!(
            "{file}: `{module}` has no row in RULES (tests/architecture.rs): say what it may use"
        )];
    };
    uses(text, depth)
        .into_iter()
        .filter(|u| u.module != module && !may.contains(&u.module.as_str()))
        .map(|u| {
            format!(
                "{file}:{}: {module} may not use {} (`{}`); {module} may use: {}",
                u.line,
                u.module,
                u.text,
                if may.is_empty() {
                    "nothing".to_string()
                } else {
                    may.join(", ")
                }
            )
        })
        .collect()
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.expect("a directory entry").path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// (path from the crate root, top-level module, depth) of every file of the
/// library.
fn library_files() -> Vec<(PathBuf, String, usize)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let src = root.join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    files
        .into_iter()
        .filter_map(|path| {
            let rel = path
                .strip_prefix(root)
                .expect("under the crate")
                .to_path_buf();
            let inner: Vec<String> = path
                .strip_prefix(&src)
                .expect("under src")
                .iter()
                .map(|p| p.to_string_lossy().into_owned())
                .collect();
            let top = inner[0].trim_end_matches(".rs").to_string();
            if top == "lib" || top == "main" {
                return None;
            }
            let last_is_mod = inner.last().is_some_and(|f| f == "mod.rs");
            let depth = inner.len() - usize::from(last_is_mod);
            Some((rel, top, depth))
        })
        .collect()
}

#[test]
fn imports_between_top_level_modules_follow_the_rules() {
    let files = library_files();
    assert!(files.len() > 20, "src/ read: {} files", files.len());
    let mut edges: BTreeMap<(String, String), usize> = BTreeMap::new();
    let mut broken = Vec::new();
    for (path, module, depth) in &files {
        let text = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(path))
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        for u in uses(&text, *depth) {
            if u.module != *module {
                *edges.entry((module.clone(), u.module)).or_default() += 1;
            }
        }
        broken.extend(violations(
            &path.display().to_string(),
            module,
            *depth,
            &text,
        ));
    }
    // Not vacuous: the scan sees the imports everyone knows are there.
    assert!(
        edges.contains_key(&("checks".into(), "model".into())),
        "{edges:?}"
    );
    assert!(
        broken.is_empty(),
        "imports against RULES:\n{}",
        broken.join("\n")
    );
}

#[test]
fn every_top_level_module_has_a_row_and_none_may_use_app() {
    let lib = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/src/lib.rs"))
        .expect("src/lib.rs");
    let modules: Vec<&str> = lib
        .lines()
        .filter_map(|l| l.trim().strip_prefix("pub mod "))
        .filter_map(|l| l.strip_suffix(';'))
        .collect();
    assert!(modules.contains(&"model"), "{modules:?}");
    for m in &modules {
        assert!(allowed(m).is_some(), "`{m}` has no row in RULES");
    }
    for (m, may) in RULES {
        assert!(!may.contains(&"app"), "{m} may not use app");
        for other in *may {
            assert!(allowed(other).is_some(), "{m}: `{other}` has no row");
        }
    }
}

#[test]
fn rules_have_no_cycle() {
    // Depth-first from each module; a module met again on the path is a cycle.
    fn visit<'a>(m: &'a str, path: &mut Vec<&'a str>) {
        if let Some(i) = path.iter().position(|p| *p == m) {
            panic!("RULES allow a cycle: {} -> {m}", path[i..].join(" -> "));
        }
        path.push(m);
        for next in allowed(m).unwrap_or(&[]) {
            visit(next, path);
        }
        path.pop();
    }
    for (m, _) in RULES {
        visit(m, &mut Vec::new());
    }
}

#[test]
fn the_scanner_reads_every_form_of_import() {
    let text = r#"//! Docs naming crate::ui are not imports.
use crate::model::Object;
use crate::{store, view::nodes::{self, Zone}};
use super::theme; // crate::report in a comment
use super::super::cli::Cli;

fn f() -> bool {
    crate::checks::find("crate::x").is_some() && kcrate::y() && $crate::z()
}

#[cfg(test)]
mod tests {
    use crate::source::snapshot::load;
}

#[cfg(test)]
use crate::app::Ended;
"#;
    let found: Vec<(usize, String)> = uses(text, 2)
        .into_iter()
        .map(|u| (u.line, u.module))
        .collect();
    // `super::theme` stays inside the module at depth 2; strings, comments
    // and test-only items do not count.
    let expect = [
        (2, "model"),
        (3, "store"),
        (3, "view"),
        (5, "cli"),
        (8, "checks"),
    ];
    assert_eq!(found, expect.map(|(l, m)| (l, m.to_string())).to_vec());
    // At depth 1, one `super::` is the crate root.
    let root: Vec<String> = uses("use super::theme;\n", 1)
        .into_iter()
        .map(|u| u.module)
        .collect();
    assert_eq!(root, ["theme"]);
}

#[test]
fn a_forbidden_import_is_named_with_its_file_line_and_rule() {
    let broken = violations(
        "src/config/mod.rs",
        "config",
        1,
        "use crate::model::inert::inert;\nuse crate::checks::{self, Check};\n",
    );
    assert_eq!(
        broken,
        [
            "src/config/mod.rs:2: config may not use checks (`use crate::checks::{self, Check};`); \
          config may use: model, file_input"
        ]
    );
    assert_eq!(
        violations("src/fixes/mod.rs", "fixes", 1, ""),
        [
            "src/fixes/mod.rs: `fixes` has no row in RULES (tests/architecture.rs): say what \
          it may use"
        ]
    );
}

/// Inside `ui/`: widgets are shared by panes and import none; no pane
/// imports another (a pane is one file plus its registration).
#[test]
fn ui_widgets_import_no_pane_and_panes_import_no_other_pane() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/ui");
    let mut files = Vec::new();
    rust_files(&root, &mut files);
    let panes: Vec<String> = std::fs::read_dir(root.join("panes"))
        .expect("src/ui/panes")
        .filter_map(|e| {
            let name = e.ok()?.file_name().to_string_lossy().to_string();
            let stem = name.strip_suffix(".rs")?;
            (stem != "mod").then(|| stem.to_string())
        })
        .collect();
    assert!(panes.len() >= 8, "{panes:?}");
    let mut bad = Vec::new();
    for file in files {
        let rel = file
            .strip_prefix(&root)
            .expect("under src/ui")
            .to_path_buf();
        let text = std::fs::read_to_string(&file).expect("readable");
        let own = rel.file_stem().map(|s| s.to_string_lossy().to_string());
        for (n, line) in code_lines(&text).iter().enumerate() {
            let line = line.trim();
            let at = || format!("src/ui/{}:{}: {line}", rel.display(), n + 1);
            if rel.starts_with("widgets") && line.contains("panes") {
                bad.push(format!("{}: a widget imports a pane", at()));
            }
            if rel.starts_with("panes") && own.as_deref() != Some("mod") {
                for other in panes.iter().filter(|p| Some(p.as_str()) != own.as_deref()) {
                    let names = [format!("super::{other}"), format!("panes::{other}")];
                    if names.iter().any(|n| line.contains(n.as_str())) {
                        bad.push(format!("{}: imports the {other} pane", at()));
                    }
                }
            }
        }
    }
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}
