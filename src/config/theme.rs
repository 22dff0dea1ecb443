//! Themes: semantic styles (severity, selection, gauges…) read from TOML.
//! `themes/*.toml` are embedded; a user's `<config dir>/themes/NAME.toml`
//! overrides an embedded theme of the same name. Under `NO_COLOR` the
//! console uses `Theme::monochrome`, where severity is carried by text and
//! weight, never by colour alone.

use std::collections::BTreeMap;
use std::path::Path;
use std::str::FromStr;

use ratatui::style::{Color, Modifier, Style};
use serde::Deserialize;

pub const EMBEDDED: &[(&str, &str)] = &[
    ("dark", include_str!("../../themes/dark.toml")),
    ("light", include_str!("../../themes/light.toml")),
    (
        "high-contrast",
        include_str!("../../themes/high-contrast.toml"),
    ),
];

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

fn style(name: &str, spec: &StyleSpec) -> Result<Style, String> {
    let color = |field: &str, v: &Option<String>| -> Result<Option<Color>, String> {
        v.as_ref()
            .map(|c| {
                Color::from_str(c).map_err(|_| format!("{name}.{field} = {c:?}: not a colour"))
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
    /// Parses theme TOML; every slot must be present. Errors quote the key.
    pub fn parse(name: &str, text: &str) -> Result<Theme, String> {
        let map: BTreeMap<String, StyleSpec> =
            toml::from_str(text).map_err(|e| format!("theme {name}: {e}"))?;
        if let Some(k) = map.keys().find(|k| !SLOTS.contains(&k.as_str())) {
            return Err(format!("theme {name}: unknown key {k:?}"));
        }
        let get = |slot: &str| -> Result<Style, String> {
            let spec = map
                .get(slot)
                .ok_or_else(|| format!("theme {name}: missing key {slot:?}"))?;
            style(slot, spec).map_err(|e| format!("theme {name}: {e}"))
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

    /// Loads a theme by name: the user's themes folder first, then the
    /// embedded ones.
    pub fn load(name: &str, user_dir: Option<&Path>) -> Result<Theme, String> {
        if let Some(dir) = user_dir {
            let path = dir.join(format!("{name}.toml"));
            if let Ok(text) = std::fs::read_to_string(&path) {
                return Theme::parse(name, &text).map_err(|e| format!("{}: {e}", path.display()));
            }
        }
        EMBEDDED
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(n, text)| Theme::parse(n, text))
            .unwrap_or_else(|| {
                let names: Vec<&str> = EMBEDDED.iter().map(|(n, _)| *n).collect();
                Err(format!(
                    "no theme {name:?}; embedded themes: {}",
                    names.join(", ")
                ))
            })
    }
}
