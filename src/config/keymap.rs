//! The keymap as data: every binding has an action and a description, which
//! also drive the help overlay and the footer hints. Users override keys in
//! the `[keymap]` table of config.toml (`action = ["key", …]`).

use std::collections::BTreeMap;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

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
    ("page-up", Action::PageUp, &["pageup", "ctrl-b"], "page up"),
    (
        "page-down",
        Action::PageDown,
        &["pagedown", "ctrl-f"],
        "page down",
    ),
    ("top", Action::Top, &["g", "home"], "first row"),
    ("bottom", Action::Bottom, &["G", "end"], "last row"),
    ("select", Action::Select, &["enter"], "details"),
    ("filter", Action::Filter, &["/"], "filter"),
    ("command", Action::Command, &[":"], "command"),
    ("yaml", Action::Yaml, &["y"], "YAML of selection"),
    ("export", Action::Export, &["e"], "export view"),
    ("sort", Action::Sort, &["s"], "sort column"),
    ("group", Action::Group, &["o"], "group by"),
];

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Key {
    pub code: KeyCode,
    pub ctrl: bool,
}

/// Parses `q`, `G`, `ctrl-c`, `esc`, `enter`, `tab`, `backtab`, `up`,
/// `pageup`, `home`, `f1`, `space`.
pub fn parse_key(s: &str) -> Option<Key> {
    let (ctrl, name) = match s.strip_prefix("ctrl-") {
        Some(rest) => (true, rest),
        None => (false, s),
    };
    let code = match name {
        "esc" => KeyCode::Esc,
        "enter" => KeyCode::Enter,
        "tab" => KeyCode::Tab,
        "backtab" => KeyCode::BackTab,
        "up" => KeyCode::Up,
        "down" => KeyCode::Down,
        "left" => KeyCode::Left,
        "right" => KeyCode::Right,
        "pageup" => KeyCode::PageUp,
        "pagedown" => KeyCode::PageDown,
        "home" => KeyCode::Home,
        "end" => KeyCode::End,
        "space" => KeyCode::Char(' '),
        f if f.starts_with('f') && f.len() > 1 => KeyCode::F(f[1..].parse().ok()?),
        c if c.chars().count() == 1 => KeyCode::Char(c.chars().next()?),
        _ => return None,
    };
    Some(Key { code, ctrl })
}

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
                    keys: keys.iter().filter_map(|k| parse_key(k)).collect(),
                    description,
                })
                .collect(),
        }
    }
}

impl Keymap {
    /// The defaults with user overrides; an unknown action or key is an
    /// error quoting it.
    pub fn with_overrides(overrides: &BTreeMap<String, Vec<String>>) -> Result<Keymap, String> {
        let mut map = Keymap::default();
        for (name, keys) in overrides {
            let i = DEFAULTS
                .iter()
                .position(|(n, ..)| n == name)
                .ok_or_else(|| format!("keymap.{name}: no such action"))?;
            let parsed: Result<Vec<Key>, String> = keys
                .iter()
                .map(|k| parse_key(k).ok_or_else(|| format!("keymap.{name} = {k:?}: not a key")))
                .collect();
            map.bindings[i].keys = parsed?;
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
    pub fn keys_of(&self, action: Action) -> String {
        self.bindings
            .iter()
            .find(|b| b.action == action)
            .map(|b| b.keys.iter().map(key_name).collect::<Vec<_>>().join("/"))
            .unwrap_or_default()
    }
}
