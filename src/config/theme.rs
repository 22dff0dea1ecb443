//! Themes: semantic styles (severity, selection, gauges…) read from TOML.
//! `themes/*.toml` are embedded; a user's `<config dir>/themes/NAME.toml`
//! overrides an embedded theme of the same name. Under `NO_COLOR` the
//! console uses `Theme::monochrome`, where severity is carried by text and
//! weight, never by colour alone.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use ratatui::style::{Color, Modifier, Style};
use serde::Deserialize;
use thiserror::Error;

use super::{MAX_FILE_BYTES, Position, at_text, from_toml, key_text};
use crate::file_input::{ReadError, read_text};
use crate::model::inert::inert;

pub const EMBEDDED: &[(&str, &str)] = &[
    ("dark", include_str!("../../themes/dark.toml")),
    ("light", include_str!("../../themes/light.toml")),
    (
        "high-contrast",
        include_str!("../../themes/high-contrast.toml"),
    ),
];

/// The theme used when none is named, and instead of one that cannot be used.
pub const DEFAULT: &str = "dark";

/// The semantic slots a theme fills.
#[derive(Debug, Clone, PartialEq)]
pub struct Theme {
    pub name: String,
    pub base: Style,
    pub muted: Style,
    pub accent: Style,
    pub border: Style,
    pub title: Style,
    pub tab: Style,
    pub tab_active: Style,
    pub header: Style,
    pub selected: Style,
    pub error: Style,
    pub warning: Style,
    pub info: Style,
    pub pass: Style,
    pub unknown: Style,
    pub gauge_ok: Style,
    pub gauge_warn: Style,
    pub gauge_full: Style,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct StyleSpec {
    fg: Option<String>,
    bg: Option<String>,
    #[serde(default)]
    bold: bool,
    #[serde(default)]
    reversed: bool,
    #[serde(default)]
    underlined: bool,
}

const SLOTS: &[&str] = &[
    "base",
    "muted",
    "accent",
    "border",
    "title",
    "tab",
    "tab_active",
    "header",
    "selected",
    "error",
    "warning",
    "info",
    "pass",
    "unknown",
    "gauge_ok",
    "gauge_warn",
    "gauge_full",
];

/// A theme that cannot be used. Said once, naming the file (or the
/// embedded theme) and the key. Loading never falls back to another theme;
/// the console does, with this as its warning (`config::console`).
#[derive(Debug, Error)]
pub enum ThemeError {
    /// The user's theme file exists but cannot be read, is not a regular
    /// file, is too large or is not UTF-8.
    #[error("{0}")]
    Read(ReadError),
    /// `origin` is the file, or `theme dark` for an embedded one.
    #[error(
        "{}{}: {}{}",
        inert(origin),
        at_text(at),
        key_text(key),
        inert(message)
    )]
    Invalid {
        origin: String,
        at: Option<Position>,
        key: String,
        message: String,
    },
    #[error("theme `{}` {reason}", inert(name))]
    Name { name: String, reason: String },
    #[error("no theme `{}`: the embedded themes are {}{}", inert(name), embedded_names(),
        dir.as_ref().map(|d| format!(", and a user theme is a NAME.toml in {}", inert(&d.display().to_string()))).unwrap_or_default())]
    Unknown { name: String, dir: Option<PathBuf> },
}

fn embedded_names() -> String {
    let names: Vec<&str> = EMBEDDED.iter().map(|(n, _)| *n).collect();
    names.join(", ")
}

/// A theme name is a file name in the themes folder, nothing more: no
/// path separators, dots or spaces. The error completes "theme `../x` …".
pub fn check_name(name: &str) -> Result<(), String> {
    let ok = !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if ok {
        Ok(())
    } else {
        Err("is not a theme name (letters, digits, `-` and `_` only)".into())
    }
}

/// A slot's style; an error is (key, message).
fn style(slot: &str, spec: &StyleSpec) -> Result<Style, (String, String)> {
    let color = |field: &str, v: &Option<String>| -> Result<Option<Color>, (String, String)> {
        v.as_ref()
            .map(|c| {
                Color::from_str(c).map_err(|_| {
                    (
                        format!("{slot}.{field}"),
                        format!(
                            "`{c}` is not a colour (a name such as `red` or `lightblue`, \
                             `#rrggbb`, or an index from 0 to 255)"
                        ),
                    )
                })
            })
            .transpose()
    };
    let mut s = Style::default();
    if let Some(c) = color("fg", &spec.fg)? {
        s = s.fg(c);
    }
    if let Some(c) = color("bg", &spec.bg)? {
        s = s.bg(c);
    }
    if spec.bold {
        s = s.add_modifier(Modifier::BOLD);
    }
    if spec.reversed {
        s = s.add_modifier(Modifier::REVERSED);
    }
    if spec.underlined {
        s = s.add_modifier(Modifier::UNDERLINED);
    }
    Ok(s)
}

impl Theme {
    /// Parses theme TOML; every slot must be present. Errors name the theme
    /// and the key.
    pub fn parse(name: &str, text: &str) -> Result<Theme, ThemeError> {
        Theme::parse_from(&format!("theme {name}"), name, text)
    }

    /// `parse`, with errors naming `origin` (the file it came from).
    fn parse_from(origin: &str, name: &str, text: &str) -> Result<Theme, ThemeError> {
        let invalid = |at, key: &str, message: String| ThemeError::Invalid {
            origin: origin.to_string(),
            at,
            key: key.to_string(),
            message,
        };
        let map: BTreeMap<String, StyleSpec> =
            from_toml(text).map_err(|e| invalid(e.at, &e.key, e.message))?;
        if let Some(k) = map.keys().find(|k| !SLOTS.contains(&k.as_str())) {
            let message = format!("unknown slot (the slots are {})", SLOTS.join(", "));
            return Err(invalid(None, &super::toml_key(k), message));
        }
        // What is written is checked before what is missing: a typo in a
        // colour is the likelier mistake.
        let mut styles = BTreeMap::new();
        for (slot, spec) in &map {
            let s = style(slot, spec).map_err(|(key, message)| invalid(None, &key, message))?;
            styles.insert(slot.as_str(), s);
        }
        let get = |slot: &str| -> Result<Style, ThemeError> {
            styles
                .get(slot)
                .copied()
                .ok_or_else(|| invalid(None, slot, "not set (a theme sets every slot)".into()))
        };
        Ok(Theme {
            name: name.to_string(),
            base: get("base")?,
            muted: get("muted")?,
            accent: get("accent")?,
            border: get("border")?,
            title: get("title")?,
            tab: get("tab")?,
            tab_active: get("tab_active")?,
            header: get("header")?,
            selected: get("selected")?,
            error: get("error")?,
            warning: get("warning")?,
            info: get("info")?,
            pass: get("pass")?,
            unknown: get("unknown")?,
            gauge_ok: get("gauge_ok")?,
            gauge_warn: get("gauge_warn")?,
            gauge_full: get("gauge_full")?,
        })
    }

    /// No colour at all: weight and reverse video only.
    pub fn monochrome() -> Theme {
        let plain = Style::default();
        let bold = plain.add_modifier(Modifier::BOLD);
        Theme {
            name: "monochrome".into(),
            base: plain,
            muted: plain.add_modifier(Modifier::DIM),
            accent: bold,
            border: plain,
            title: bold,
            tab: plain,
            tab_active: plain.add_modifier(Modifier::REVERSED | Modifier::BOLD),
            header: plain.add_modifier(Modifier::BOLD | Modifier::UNDERLINED),
            selected: plain.add_modifier(Modifier::REVERSED),
            error: bold,
            warning: bold,
            info: plain,
            pass: plain,
            unknown: plain.add_modifier(Modifier::ITALIC),
            gauge_ok: plain,
            gauge_warn: bold,
            gauge_full: plain.add_modifier(Modifier::REVERSED),
        }
    }

    /// The embedded default theme, whatever the user's themes folder holds.
    pub fn embedded_default() -> Theme {
        // The embedded themes parse (a test holds them to it); monochrome
        // is the last resort because it needs no parsing.
        EMBEDDED
            .iter()
            .find(|(n, _)| *n == DEFAULT)
            .and_then(|(n, text)| Theme::parse(n, text).ok())
            .unwrap_or_else(Theme::monochrome)
    }

    /// Loads a theme by name: `<name>.toml` in the user's themes folder
    /// first, then the embedded ones. A user file that exists but cannot be
    /// read or parsed is an error here, never silently replaced by the
    /// embedded theme of that name.
    pub fn load(name: &str, user_dir: Option<&Path>) -> Result<Theme, ThemeError> {
        check_name(name).map_err(|reason| ThemeError::Name {
            name: name.to_string(),
            reason,
        })?;
        if let Some(dir) = user_dir {
            let path = dir.join(format!("{name}.toml"));
            match read_text(&path, MAX_FILE_BYTES, "") {
                Ok(text) => return Theme::parse_from(&path.display().to_string(), name, &text),
                Err(ReadError::Io { error: source, .. })
                    if source.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => return Err(ThemeError::Read(e)),
            }
        }
        match EMBEDDED.iter().find(|(n, _)| *n == name) {
            Some((n, text)) => Theme::parse(n, text),
            None => Err(ThemeError::Unknown {
                name: name.to_string(),
                dir: user_dir.map(Path::to_path_buf),
            }),
        }
    }
}
