//! Text gauges for used/limit ratios (the Quotas and Autoscaling panes):
//! the level by the configured warning ratio, a bar and a percent cell that
//! read without colour.

use ratatui::style::Style;
use ratatui::text::{Line, Span};

use crate::config::theme::Theme;
use crate::view::usage::{percent, reaches};

/// How full a gauge is, by the configured warning ratio.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    Ok,
    High,
    Full,
}

impl Level {
    pub fn of(ratio: f64, warn: f64) -> Level {
        if reaches(ratio, 1.0) {
            Level::Full
        } else if reaches(ratio, warn) {
            Level::High
        } else {
            Level::Ok
        }
    }

    /// The word that carries the level without colour.
    pub fn word(self) -> &'static str {
        match self {
            Level::Ok => "",
            Level::High => "HIGH",
            Level::Full => "FULL",
        }
    }

    pub fn style(self, theme: &Theme) -> Style {
        match self {
            Level::Ok => theme.gauge_ok,
            Level::High => theme.gauge_warn,
            Level::Full => theme.gauge_full,
        }
    }
}

/// A text gauge `width` cells wide: filled blocks styled by level, the rest
/// as light shade (legible without colour).
pub fn bar<'a>(theme: &Theme, ratio: f64, level: Level, width: usize) -> Line<'a> {
    let filled = ((ratio.clamp(0.0, 1.0) * width as f64).round() as usize).min(width);
    // A non-zero use always shows at least one block.
    let filled = if ratio > 0.0 && filled == 0 && width > 0 {
        1
    } else {
        filled
    };
    Line::from(vec![
        Span::styled("█".repeat(filled), level.style(theme)),
        Span::styled("░".repeat(width - filled), theme.muted),
    ])
}

/// `93% HIGH`, styled by level.
pub fn percent_cell<'a>(theme: &Theme, ratio: f64, level: Level) -> Line<'a> {
    let text = format!("{:>4} {}", percent(ratio), level.word());
    Line::from(text.trim_end().to_string()).style(level.style(theme))
}
