//! A scrolling table that builds only the rows it shows, so a pane with
//! 30,000 rows costs what 40 rows cost. `Nav` is the selection and filter
//! state every table pane keeps.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::Line;
use ratatui::widgets::{Block, Borders, Cell, Row, Table};

use crate::config::keymap::Action;
use crate::config::theme::Theme;
use crate::ui::widgets::inert_line;

/// What keeping a table's selection on its object means now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Keep {
    /// The user moved: remember the row now selected.
    Anchor,
    /// The rows changed: go back to the remembered row.
    Follow,
}

/// Selection and filter of a table.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Nav {
    pub selected: usize,
    pub filter: String,
    /// The identity of the selected row (a pane's own id for it: a
    /// finding's check and subject, an object's key), so that the selection
    /// stays on its object when the rows are derived again and re-sorted.
    pub anchor: Option<String>,
}

impl Nav {
    /// Moves the selection for a navigation action over `len` rows (a page
    /// is `page` rows). Returns false for actions that are not navigation.
    pub fn apply(
        &mut self,
        action: crate::config::keymap::Action,
        len: usize,
        page: usize,
    ) -> bool {
        let last = len.saturating_sub(1);
        let page = page.max(1);
        self.selected = match action {
            Action::Up => self.selected.saturating_sub(1),
            Action::Down => (self.selected + 1).min(last),
            Action::PageUp => self.selected.saturating_sub(page),
            Action::PageDown => (self.selected + page).min(last),
            Action::Top => 0,
            Action::Bottom => last,
            _ => return false,
        };
        true
    }

    /// Anchors the selection (after a move) or follows its anchor (after
    /// the rows changed): `anchor_here` or `follow`.
    pub fn keep(&mut self, how: Keep, len: usize, id_at: impl Fn(usize) -> Option<String>) {
        match how {
            Keep::Anchor => self.anchor_here(len, id_at),
            Keep::Follow => self.follow(len, id_at),
        }
    }

    /// After a move, anchors the selection on the row now selected;
    /// `id_at(i)` is row `i`'s identity.
    pub fn anchor_here(&mut self, len: usize, id_at: impl Fn(usize) -> Option<String>) {
        self.anchor = id_at(self.clamp(len));
    }

    /// After the rows changed: moves the selection to the anchored row,
    /// wherever it is now. If that row is gone the selection keeps its
    /// place (within the rows) and anchors on the row there.
    pub fn follow(&mut self, len: usize, id_at: impl Fn(usize) -> Option<String>) {
        let Some(anchor) = self.anchor.as_deref() else {
            return;
        };
        if id_at(self.selected).as_deref() == Some(anchor) {
            return;
        }
        match (0..len).find(|&i| id_at(i).as_deref() == Some(anchor)) {
            Some(i) => self.selected = i,
            None => {
                self.selected = self.clamp(len);
                self.anchor = id_at(self.selected);
            }
        }
    }

    /// Keeps the selection inside `len` rows (rows can disappear).
    pub fn clamp(&self, len: usize) -> usize {
        self.selected.min(len.saturating_sub(1))
    }

    /// Case-insensitive substring match of the filter against `haystack`.
    pub fn matches(&self, haystack: &str) -> bool {
        self.filter.is_empty() || contains_ignore_case(haystack, &self.filter)
    }
}

pub fn contains_ignore_case(haystack: &str, needle: &str) -> bool {
    if needle.is_ascii() && haystack.is_ascii() {
        let n = needle.as_bytes();
        return haystack
            .as_bytes()
            .windows(n.len().max(1))
            .any(|w| w.eq_ignore_ascii_case(n));
    }
    haystack.to_lowercase().contains(&needle.to_lowercase())
}

/// The hit after (or before) `from` among sorted `hits`, wrapping around:
/// `n` and `N` in a search.
pub fn next_hit(hits: &[usize], from: usize, forward: bool) -> Option<usize> {
    if forward {
        hits.iter().find(|&&i| i > from).or(hits.first()).copied()
    } else {
        hits.iter()
            .rev()
            .find(|&&i| i < from)
            .or(hits.last())
            .copied()
    }
}

/// Rows visible in a bordered table of this area (header row included).
pub fn page_size(area: Rect) -> usize {
    area.height.saturating_sub(3) as usize
}

/// Draws `total` rows, building only the visible window around `selected`.
/// Each cell is a `Line` (its style is the cell's); cells and title are
/// made inert here, so names from the cluster show their control
/// characters escaped wherever a pane puts them.
#[allow(clippy::too_many_arguments)]
pub fn draw<'a>(
    f: &mut Frame,
    area: Rect,
    theme: &Theme,
    title: Line<'a>,
    header: &[&'a str],
    widths: &[Constraint],
    total: usize,
    selected: usize,
    row: impl Fn(usize) -> Vec<Line<'a>>,
) {
    let visible = page_size(area);
    let selected = selected.min(total.saturating_sub(1));
    // Keep the selection on screen: scroll so it is the last visible row.
    let offset = if selected >= visible {
        selected + 1 - visible
    } else {
        0
    };
    let end = (offset + visible).min(total);
    let rows: Vec<Row> = (offset..end)
        .map(|i| {
            let r = Row::new(row(i).into_iter().map(cell));
            if i == selected {
                r.style(theme.selected)
            } else {
                r
            }
        })
        .collect();
    let header = Row::new(header.iter().map(|h| Cell::from(*h))).style(theme.header);
    let position = if total == 0 {
        " empty ".to_string()
    } else {
        format!(" {}/{} ", selected + 1, total)
    };
    let table = Table::new(rows, widths.to_vec())
        .header(header)
        .style(theme.base)
        .block(
            Block::default()
                .borders(Borders::ALL)
                .border_style(theme.border)
                .title(inert_line(title))
                .title_bottom(Line::from(position).right_aligned()),
        );
    f.render_widget(table, area);
}

/// A table cell of `line`, styled as a whole (background included) as the
/// line is.
fn cell(line: Line<'_>) -> Cell<'_> {
    let style = line.style;
    Cell::from(inert_line(line)).style(style)
}

/// Column widths that fit `total` cells of text: each column as wide as
/// its widest cell (header included), the widest shrunk first while the
/// row is too long, none below its header or 6.
pub fn fit_columns(natural: &[usize], headers: &[&str], total: usize) -> Vec<u16> {
    let mut w: Vec<usize> = natural.to_vec();
    let gaps = w.len().saturating_sub(1);
    let room = total.saturating_sub(gaps);
    while w.iter().sum::<usize>() > room {
        let (i, &widest) = w
            .iter()
            .enumerate()
            .max_by_key(|(_, v)| **v)
            .expect("columns");
        let floor = headers.get(i).map_or(6, |h| h.chars().count().max(6));
        if widest <= floor {
            break;
        }
        w[i] = widest - 1;
    }
    w.into_iter()
        .map(|v| v.min(u16::MAX as usize) as u16)
        .collect()
}

/// `text` in at most `width` columns, ending in `…` when cut.
pub fn ellipsize(text: &str, width: usize) -> String {
    if text.chars().count() <= width {
        return text.to_string();
    }
    let mut out: String = text.chars().take(width.saturating_sub(1)).collect();
    out.push('…');
    out
}

#[cfg(test)]
mod fit_tests {
    use super::*;

    #[test]
    fn columns_shrink_the_widest_first_and_cut_with_an_ellipsis() {
        let w = fit_columns(&[9, 40, 5], &["NAMESPACE", "NAME", "AGE"], 40);
        assert_eq!(w, vec![9, 24, 5], "the NAME column gives way");
        assert_eq!(w.iter().map(|v| *v as usize).sum::<usize>() + 2, 40);
        assert_eq!(ellipsize("checkout-7d9f", 8), "checkou…");
        assert_eq!(ellipsize("short", 8), "short");
    }
}
