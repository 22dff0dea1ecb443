//! The keymap as data: every binding has an action and a description, which
//! also drive the help overlay and the footer hints. Users override keys in
//! the `[keymap]` table of config.toml (`action = ["key", …]`).

use std::collections::BTreeMap;
use std::fmt;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::toml_key;
use crate::model::inert::inert;

/// What a key does. Text input (filter, command line) bypasses the keymap.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Action {
    Quit,
    Help,
    Back,
    NextPane,
    PrevPane,
    Pane(u8),
    Up,
    Down,
    PageUp,
    PageDown,
    Top,
    Bottom,
    Select,
    Filter,
    Command,
    Yaml,
    Export,
    Sort,
    Group,
    NextSection,
    PrevSection,
    Detail,
    Pods,
    Events,
    Related,
    NextMatch,
    PrevMatch,
}

/// (action name in config, action, default keys, description).
pub const DEFAULTS: &[(&str, Action, &[&str], &str)] = &[
    ("quit", Action::Quit, &["q", "ctrl-c"], "quit"),
    ("help", Action::Help, &["?"], "help"),
    ("back", Action::Back, &["esc"], "back / close"),
    ("next-pane", Action::NextPane, &["tab"], "next pane"),
    ("prev-pane", Action::PrevPane, &["backtab"], "previous pane"),
    ("pane-1", Action::Pane(1), &["1"], "Overview"),
    ("pane-2", Action::Pane(2), &["2"], "Readiness"),
    ("pane-3", Action::Pane(3), &["3"], "RBAC"),
    ("pane-4", Action::Pane(4), &["4"], "Quotas"),
    ("pane-5", Action::Pane(5), &["5"], "Autoscaling"),
    ("pane-6", Action::Pane(6), &["6"], "Backups"),
    ("pane-7", Action::Pane(7), &["7"], "Nodes & control plane"),
    ("pane-8", Action::Pane(8), &["8"], "Events"),
    ("up", Action::Up, &["up", "k"], "move up"),
    ("down", Action::Down, &["down", "j"], "move down"),
    (
        "page-up",
        Action::PageUp,
        &["pageup", "ctrl-b", "ctrl-u"],
        "page up",
    ),
    (
        "page-down",
        Action::PageDown,
        &["pagedown", "ctrl-f", "ctrl-d"],
        "page down",
    ),
    ("top", Action::Top, &["g", "home"], "first row"),
    ("bottom", Action::Bottom, &["G", "end"], "last row"),
    ("select", Action::Select, &["enter"], "open the object"),
    ("filter", Action::Filter, &["/"], "filter"),
    ("command", Action::Command, &[":"], "command"),
    ("yaml", Action::Yaml, &["y"], "YAML of selection"),
    ("export", Action::Export, &["e"], "export view"),
    ("sort", Action::Sort, &["s"], "sort column"),
    ("group", Action::Group, &["o"], "group by"),
    (
        "next-section",
        Action::NextSection,
        &["]", "l", "right"],
        "next section",
    ),
    (
        "prev-section",
        Action::PrevSection,
        &["[", "h", "left"],
        "previous section",
    ),
    (
        "detail",
        Action::Detail,
        &["i"],
        "show or hide the detail box",
    ),
    ("pods", Action::Pods, &["p"], "the object's pods"),
    ("events", Action::Events, &["v"], "the object's events"),
    ("related", Action::Related, &["r"], "related findings"),
    ("next-match", Action::NextMatch, &["n"], "next search match"),
    (
        "prev-match",
        Action::PrevMatch,
        &["N"],
        "previous search match",
    ),
];

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Key {
    pub code: KeyCode,
    pub ctrl: bool,
}

/// The one key that is not in the keymap: it always quits (the console
/// checks it before the keymap).
const CTRL_C: Key = Key {
    code: KeyCode::Char('c'),
    ctrl: true,
};

/// Names of keys that are not a single character: the names the help
/// overlay shows (`shift-tab`, `↑`, `pgup`) and the long forms.
const NAMED: &[(&str, KeyCode)] = &[
    ("esc", KeyCode::Esc),
    ("enter", KeyCode::Enter),
    ("tab", KeyCode::Tab),
    ("shift-tab", KeyCode::BackTab),
    ("backtab", KeyCode::BackTab),
    ("up", KeyCode::Up),
    ("↑", KeyCode::Up),
    ("down", KeyCode::Down),
    ("↓", KeyCode::Down),
    ("left", KeyCode::Left),
    ("←", KeyCode::Left),
    ("right", KeyCode::Right),
    ("→", KeyCode::Right),
    ("pageup", KeyCode::PageUp),
    ("pgup", KeyCode::PageUp),
    ("pagedown", KeyCode::PageDown),
    ("pgdn", KeyCode::PageDown),
    ("home", KeyCode::Home),
    ("end", KeyCode::End),
    ("space", KeyCode::Char(' ')),
];

/// Parses a key as the help overlay names it (`q`, `G`, `ctrl-c`, `esc`,
/// `shift-tab`, `↑`, `pgup`, `f5`, `space`) or by a long name (`backtab`,
/// `up`, `pageup`). Only keys a terminal can send are accepted; the error
/// completes the sentence "`ctrl-Q` …".
pub fn parse_key(s: &str) -> Result<Key, String> {
    if s.is_empty() {
        return Err("is not a key (the name is empty)".into());
    }
    let (ctrl, name) = match s.strip_prefix("ctrl-") {
        Some(rest) => (true, rest),
        None => (false, s),
    };
    if name.is_empty() {
        return Err("is not a key (no key name follows `ctrl-`)".into());
    }
    let code = code_of(name).ok_or_else(|| {
        "is not a key (a key is a single character, `ctrl-` and a letter, f1 to f12, or one of \
         esc, enter, tab, shift-tab, up, down, left, right, pgup, pgdn, home, end, space)"
            .to_string()
    })?;
    if ctrl {
        ctrl_can_be_sent(code)?;
    }
    Ok(Key { code, ctrl })
}

fn code_of(name: &str) -> Option<KeyCode> {
    if let Some((_, code)) = NAMED.iter().find(|(n, _)| *n == name) {
        return Some(*code);
    }
    let function = name.strip_prefix('f').and_then(|n| n.parse::<u8>().ok());
    if let Some(n) = function.filter(|n| (1..=12).contains(n) && name == format!("f{n}")) {
        return Some(KeyCode::F(n));
    }
    let mut chars = name.chars();
    match (chars.next(), chars.next()) {
        // A control character is never reported as a character key.
        (Some(c), None) if !c.is_control() => Some(KeyCode::Char(c)),
        _ => None,
    }
}

/// Whether ctrl with `code` reaches the keymap as that key with ctrl.
/// Terminals send ctrl and a letter as one control byte, the same for
/// either case, and three of those bytes are tab, enter and esc; ctrl-space
/// is NUL and ctrl-4 to ctrl-7 are the bytes 0x1c to 0x1f (which crossterm
/// reports so). Arrows, home/end, page and function keys carry ctrl in
/// their escape sequence; esc, enter, tab and shift-tab do not.
fn ctrl_can_be_sent(code: KeyCode) -> Result<(), String> {
    let never = |what: &str| Err(format!("can never be pressed: {what}"));
    match code {
        KeyCode::Char('i') => never("terminals send ctrl-i as `tab`"),
        KeyCode::Char('m') => never("terminals send ctrl-m as `enter`"),
        KeyCode::Char(c) if c.is_ascii_uppercase() => never(&format!(
            "terminals send ctrl with a capital letter as ctrl with the small one; write `ctrl-{}`",
            c.to_ascii_lowercase()
        )),
        KeyCode::Char(c) if c.is_ascii_lowercase() || c == ' ' || ('4'..='7').contains(&c) => {
            Ok(())
        }
        KeyCode::Up
        | KeyCode::Down
        | KeyCode::Left
        | KeyCode::Right
        | KeyCode::Home
        | KeyCode::End
        | KeyCode::PageUp
        | KeyCode::PageDown
        | KeyCode::F(_) => Ok(()),
        other => never(&format!(
            "terminals do not send ctrl with `{}`",
            key_name(&Key {
                code: other,
                ctrl: false
            })
        )),
    }
}

/// The name the help overlay and the footer show; `parse_key` reads it
/// back as the same key.
pub fn key_name(k: &Key) -> String {
    let base = match k.code {
        KeyCode::Esc => "esc".to_string(),
        KeyCode::Enter => "enter".into(),
        KeyCode::Tab => "tab".into(),
        KeyCode::BackTab => "shift-tab".into(),
        KeyCode::Up => "↑".into(),
        KeyCode::Down => "↓".into(),
        KeyCode::Left => "←".into(),
        KeyCode::Right => "→".into(),
        KeyCode::PageUp => "pgup".into(),
        KeyCode::PageDown => "pgdn".into(),
        KeyCode::Home => "home".into(),
        KeyCode::End => "end".into(),
        KeyCode::F(n) => format!("f{n}"),
        KeyCode::Char(' ') => "space".into(),
        KeyCode::Char(c) => c.to_string(),
        _ => "?".into(),
    };
    if k.ctrl { format!("ctrl-{base}") } else { base }
}

/// A `[keymap]` entry that cannot be: the action as written, the key as
/// written (none when the action itself is wrong), and why, as the rest of
/// a sentence: "`keymap.quit`: `ctrl-` is not a key (…)".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeymapError {
    pub action: String,
    pub value: Option<String>,
    pub reason: String,
}

impl KeymapError {
    /// `keymap.quit`, quoted as TOML needs it.
    pub fn key_path(&self) -> String {
        format!("keymap.{}", toml_key(&self.action))
    }
}

impl fmt::Display for KeymapError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "`{}`: ", inert(&self.key_path()))?;
        if let Some(v) = &self.value {
            write!(f, "`{}` ", inert(v))?;
        }
        f.write_str(&self.reason)
    }
}

impl std::error::Error for KeymapError {}

#[derive(Debug, Clone)]
pub struct Binding {
    pub action: Action,
    pub keys: Vec<Key>,
    pub description: &'static str,
}

#[derive(Debug, Clone)]
pub struct Keymap {
    pub bindings: Vec<Binding>,
}

impl Default for Keymap {
    fn default() -> Self {
        Keymap {
            bindings: DEFAULTS
                .iter()
                .map(|(_, action, keys, description)| Binding {
                    action: *action,
                    // Every default parses (a unit test holds them to it).
                    keys: keys.iter().filter_map(|k| parse_key(k).ok()).collect(),
                    description,
                })
                .collect(),
        }
    }
}

impl Keymap {
    /// The defaults with user overrides. An unknown action, a key that is
    /// not one or can never be pressed, and a key bound to two actions (of
    /// which only the first would ever run) are errors naming the action
    /// and the key.
    pub fn with_overrides(
        overrides: &BTreeMap<String, Vec<String>>,
    ) -> Result<Keymap, KeymapError> {
        let error = |action: &str, value: Option<&str>, reason: String| KeymapError {
            action: action.to_string(),
            value: value.map(str::to_string),
            reason,
        };
        let mut map = Keymap::default();
        let mut written: Vec<(usize, &str, Key)> = Vec::new();
        for (name, keys) in overrides {
            let i = DEFAULTS
                .iter()
                .position(|(n, ..)| n == name)
                .ok_or_else(|| {
                    let names: Vec<&str> = DEFAULTS.iter().map(|(n, ..)| *n).collect();
                    let reason = format!("no such action (the actions are {})", names.join(", "));
                    error(name, None, reason)
                })?;
            let mut parsed = Vec::with_capacity(keys.len());
            for k in keys {
                let key = parse_key(k).map_err(|reason| error(name, Some(k), reason))?;
                if key == CTRL_C && DEFAULTS[i].1 != Action::Quit {
                    let reason = "always quits: it cannot be bound to another action".to_string();
                    return Err(error(name, Some(k), reason));
                }
                parsed.push(key);
                written.push((i, k, key));
            }
            map.bindings[i].keys = parsed;
        }
        // Only what the user wrote can clash: the defaults do not.
        for (i, text, key) in written {
            let other = map
                .bindings
                .iter()
                .enumerate()
                .find(|(j, b)| *j != i && b.keys.contains(&key));
            if let Some((j, _)) = other {
                let reason = format!("is also bound to `{}`", DEFAULTS[j].0);
                return Err(error(DEFAULTS[i].0, Some(text), reason));
            }
        }
        Ok(map)
    }

    pub fn action(&self, ev: &KeyEvent) -> Option<Action> {
        let ctrl = ev.modifiers.contains(KeyModifiers::CONTROL);
        let key = Key {
            code: ev.code,
            ctrl,
        };
        self.bindings
            .iter()
            .find(|b| b.keys.contains(&key))
            .map(|b| b.action)
    }

    /// "q/ctrl-c" for an action, for hints.
    /// The short description of an action's binding.
    pub fn description_of(&self, action: Action) -> &'static str {
        self.bindings
            .iter()
            .find(|b| b.action == action)
            .map_or("", |b| b.description)
    }

    /// The first key of an action (the footer's hint).
    pub fn first_key_of(&self, action: Action) -> String {
        self.bindings
            .iter()
            .find(|b| b.action == action)
            .and_then(|b| b.keys.first())
            .map(key_name)
            .unwrap_or_default()
    }

    pub fn keys_of(&self, action: Action) -> String {
        self.bindings
            .iter()
            .find(|b| b.action == action)
            .map(|b| b.keys.iter().map(key_name).collect::<Vec<_>>().join("/"))
            .unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_parse_and_bind_each_key_once() {
        let map = Keymap::default();
        for ((name, _, keys, _), b) in DEFAULTS.iter().zip(&map.bindings) {
            assert_eq!(b.keys.len(), keys.len(), "{name}: a default does not parse");
        }
        let all: Vec<Key> = map.bindings.iter().flat_map(|b| b.keys.clone()).collect();
        for (i, k) in all.iter().enumerate() {
            assert!(!all[i + 1..].contains(k), "{} bound twice", key_name(k));
        }
    }

    /// Every name help shows reads back as the same key.
    #[test]
    fn names_round_trip() {
        let mut keys: Vec<Key> = Keymap::default()
            .bindings
            .into_iter()
            .flat_map(|b| b.keys)
            .collect();
        for (_, code) in NAMED {
            keys.push(Key {
                code: *code,
                ctrl: false,
            });
        }
        for c in ['a', 'z', 'Q', '~', 'é', '4'] {
            keys.push(Key {
                code: KeyCode::Char(c),
                ctrl: false,
            });
        }
        for c in ['a', 'q', 'z', ' ', '4', '7'] {
            keys.push(Key {
                code: KeyCode::Char(c),
                ctrl: true,
            });
        }
        for code in [
            KeyCode::Up,
            KeyCode::PageDown,
            KeyCode::F(1),
            KeyCode::F(12),
        ] {
            keys.push(Key { code, ctrl: true });
        }
        for k in keys {
            assert_eq!(parse_key(&key_name(&k)), Ok(k), "{}", key_name(&k));
        }
        assert_eq!(
            parse_key("shift-tab"),
            Ok(Key {
                code: KeyCode::BackTab,
                ctrl: false
            })
        );
    }

    #[test]
    fn keys_that_cannot_be_pressed_are_refused() {
        for name in [
            "",
            "ctrl-",
            "ctrl-Q",
            "ctrl-i",
            "ctrl-m",
            "ctrl-tab",
            "ctrl-esc",
            "ctrl-enter",
            "ctrl-shift-tab",
            "ctrl-1",
            "ctrl-é",
            "f0",
            "f13",
            "f01",
            "f+1",
            "\u{1b}",
            "esc-q",
            "ctrl",
        ] {
            assert!(parse_key(name).is_err(), "{name:?} was accepted");
        }
    }
}
