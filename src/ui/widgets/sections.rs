//! Panes with several tables ("sections"): which one has the focus, the
//! selection each keeps while another is focused, and the shared keys
//! (`/` filters all, `o` moves the focus, navigation moves in the focused one),
//! and the section switcher line and table titles such panes draw.

use ratatui::style::Style;
use ratatui::text::{Line, Span};

use crate::config::keymap::Action;
use crate::config::theme::Theme;
use crate::ui::widgets::table::Nav;

/// What the sections did with an action.
#[derive(Debug, Clone, PartialEq)]
pub enum Reply {
    Handled,
    Ignored,
    /// A line for the status bar (the newly focused section).
    Status(String),
}

/// Focus and per-section selection of a pane with sections.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Sections {
    pub focus: usize,
    saved: Vec<usize>,
}

impl Sections {
    /// Applies the `/` filter to every section: each starts again at its top.
    pub fn filter(&mut self, nav: &mut Nav, text: String) {
        nav.filter = text;
        nav.selected = 0;
        self.saved = vec![0; self.saved.len()];
    }

    /// Handles an action: the next or previous section, navigation within
    /// the focused one. `names` and `lens` are per section.
    pub fn action(
        &mut self,
        nav: &mut Nav,
        names: &[&str],
        lens: &[usize],
        action: Action,
    ) -> Reply {
        if self.saved.len() != names.len() {
            self.saved = vec![0; names.len()];
        }
        let step = match action {
            Action::NextSection => 1,
            Action::PrevSection => names.len().saturating_sub(1),
            _ => 0,
        };
        if step > 0 {
            self.saved[self.focus] = nav.selected;
            self.focus = (self.focus + step) % names.len();
            nav.selected = self.saved[self.focus];
            return Reply::Status(format!("section: {}", names[self.focus]));
        }
        let len = lens.get(self.focus).copied().unwrap_or(0);
        if nav.apply(action, len, 20) {
            Reply::Handled
        } else {
            Reply::Ignored
        }
    }

    /// The selection of section `i`: live for the focused one, saved for the others.
    pub fn selected(&self, nav: &Nav, i: usize) -> usize {
        if i == self.focus {
            nav.selected
        } else {
            self.saved.get(i).copied().unwrap_or(0)
        }
    }
}

/// The one-line section switcher shown when sections are tabbed.
pub fn section_line<'a>(theme: &Theme, titles: &[(&'a str, usize)], focused: usize) -> Line<'a> {
    let mut spans = Vec::new();
    for (i, (t, n)) in titles.iter().enumerate() {
        let style = if i == focused {
            theme.tab_active
        } else {
            theme.tab
        };
        let mark = if i == focused { "▶" } else { " " };
        spans.push(Span::styled(format!("{mark}{t} ({n}) "), style));
        spans.push(Span::raw(" "));
    }
    spans.push(Span::styled("o: next section", theme.muted));
    Line::from(spans)
}

/// The table title: focus marker, name, and the filter in use.
pub fn title<'a>(
    theme: &Theme,
    name: &str,
    focused: bool,
    extra: String,
    filter: &str,
) -> Line<'a> {
    let mut spans = vec![Span::styled(
        format!("{}{name} ", if focused { " ▶ " } else { " " }),
        if focused { theme.title } else { theme.muted },
    )];
    let mut info = extra;
    if !filter.is_empty() {
        info.push_str(&format!(" filter:/{filter}"));
    }
    if !info.is_empty() {
        spans.push(Span::styled(format!("{} ", info.trim_start()), theme.muted));
    }
    Line::from(spans)
}

/// The theme for an unfocused table: no selection highlight.
pub fn unfocused(theme: &Theme) -> Theme {
    Theme {
        selected: Style::default(),
        ..theme.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn focus_moves_and_each_section_keeps_its_selection() {
        let names = ["A", "B"];
        let lens = [5, 3];
        let mut s = Sections::default();
        let mut nav = Nav::default();
        assert_eq!(
            s.action(&mut nav, &names, &lens, Action::Down),
            Reply::Handled
        );
        assert_eq!(nav.selected, 1);
        assert_eq!(
            s.action(&mut nav, &names, &lens, Action::NextSection),
            Reply::Status("section: B".into())
        );
        assert_eq!((s.focus, nav.selected, s.selected(&nav, 0)), (1, 0, 1));
        s.action(&mut nav, &names, &lens, Action::NextSection);
        assert_eq!((s.focus, nav.selected), (0, 1));
        // The filter applies to all and sends every section to its top.
        s.filter(&mut nav, "web".into());
        assert_eq!(
            (nav.filter.as_str(), nav.selected, s.selected(&nav, 1)),
            ("web", 0, 0)
        );
    }
}
