//! The console's theme and keymap: what the user asked for, or, where that
//! cannot be used, the embedded default and a warning that quotes the bad
//! value and names the file and field. A bad colour or key binding is not
//! worth refusing to start over, unlike a bad threshold, which would change
//! check results (so `Config::load` still refuses those).

use std::path::Path;

use super::Config;
use super::keymap::Keymap;
use super::theme::{self, Theme, ThemeError};
use crate::model::inert::inert;

/// What the console is dressed in.
#[derive(Debug, Clone)]
pub struct ConsoleSettings {
    pub theme: Theme,
    pub keymap: Keymap,
    /// One sentence per setting that fell back to its default, for the
    /// start-up status line and the log. Values quoted from files are inert.
    pub warnings: Vec<String>,
}

impl ConsoleSettings {
    /// The theme named by `theme_flag` (`--theme`), else by the config,
    /// else the default, looked up in `themes_dir` (the user's themes) and
    /// then among the embedded ones; under `no_color` the monochrome theme,
    /// and no theme is read. The keymap is the config's `[keymap]` over the
    /// defaults.
    pub fn load(
        config: &Config,
        theme_flag: Option<&str>,
        no_color: bool,
        themes_dir: Option<&Path>,
    ) -> ConsoleSettings {
        let mut warnings = Vec::new();
        let theme = if no_color {
            Theme::monochrome()
        } else {
            load_theme(config, theme_flag, themes_dir, &mut warnings)
        };
        let keymap = match Keymap::with_overrides(&config.keymap) {
            Ok(keymap) => keymap,
            Err(e) => {
                warnings.push(format!(
                    "{}: {e}; using the default keymap",
                    config_origin(config)
                ));
                Keymap::default()
            }
        };
        ConsoleSettings {
            theme,
            keymap,
            warnings,
        }
    }

    /// The warnings as the console's one status line, if there are any.
    pub fn status_line(&self) -> Option<String> {
        (!self.warnings.is_empty()).then(|| self.warnings.join(" | "))
    }
}

fn load_theme(
    config: &Config,
    theme_flag: Option<&str>,
    themes_dir: Option<&Path>,
    warnings: &mut Vec<String>,
) -> Theme {
    // Where the name was written, for errors about the name itself.
    let (name, named_in) = match (theme_flag, config.theme.as_deref()) {
        (Some(name), _) => (name, Some("--theme".to_string())),
        (None, Some(name)) => (name, Some(format!("{}: `theme`", config_origin(config)))),
        (None, None) => (theme::DEFAULT, None),
    };
    let e = match Theme::load(name, themes_dir) {
        Ok(theme) => return theme,
        Err(e) => e,
    };
    // A file's errors start with its path; a bad name is said where it was
    // written, as the config's own errors are.
    let what = match (&e, named_in) {
        (ThemeError::Read(_) | ThemeError::Invalid { .. }, _) => format!("theme {e}"),
        (ThemeError::Name { name, reason }, Some(at)) => {
            format!("{at}: `{}` {reason}", inert(name))
        }
        (ThemeError::Unknown { .. }, Some(at)) => format!("{at}: {e}"),
        (ThemeError::Name { .. } | ThemeError::Unknown { .. }, None) => e.to_string(),
    };
    warnings.push(format!("{what}; using the default theme"));
    Theme::embedded_default()
}

/// The config file as messages name it.
fn config_origin(config: &Config) -> String {
    match &config.path {
        Some(path) => inert(&path.display().to_string()).into_owned(),
        None => "config".to_string(),
    }
}
