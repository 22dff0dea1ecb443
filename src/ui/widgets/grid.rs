//! Tables of derived rows ("grids"): each row keeps the object behind it and
//! its cells' text and tone; columns fit the width, the most droppable going
//! first. The Backups, Nodes and Events panes draw their sections with them.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::config::theme::Theme;
use crate::model::ObjKey;
use crate::ui::widgets::inert_line;
use crate::ui::widgets::table::{self, Nav};

/// How a cell is styled; the cell's text carries the meaning on its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Tone {
    #[default]
    Plain,
    Error,
    Warning,
    Info,
    Pass,
    Unknown,
    Muted,
}

impl Tone {
    pub fn style(self, theme: &Theme) -> Style {
        match self {
            Tone::Plain => Style::default(),
            Tone::Error => theme.error,
            Tone::Warning => theme.warning,
            Tone::Info => theme.info,
            Tone::Pass => theme.pass,
            Tone::Unknown => theme.unknown,
            Tone::Muted => theme.muted,
        }
    }
}

/// One derived table row: the object behind it and its cells' text.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub obj: Option<ObjKey>,
    pub cells: Vec<String>,
    pub tones: Vec<Tone>,
}

impl Row {
    pub fn new(obj: Option<ObjKey>) -> Row {
        Row {
            obj,
            cells: Vec::new(),
            tones: Vec::new(),
        }
    }

    pub fn cell(mut self, text: impl Into<String>) -> Row {
        self.cells.push(text.into());
        self.tones.push(Tone::Plain);
        self
    }

    pub fn word(mut self, text: impl Into<String>, tone: Tone) -> Row {
        self.cells.push(text.into());
        self.tones.push(tone);
        self
    }

    /// The text of the cell under `header` in `grid`.
    pub fn get<'a>(&'a self, grid: &Grid, header: &str) -> Option<&'a str> {
        let i = grid.headers.iter().position(|h| *h == header)?;
        self.cells.get(i).map(String::as_str)
    }

    /// The row's identity, for a selection that follows it: its object,
    /// else its first cell (a name). Not the object's displayed name, which
    /// can change (a node's name loses the domain all nodes share).
    pub fn identity(&self) -> String {
        match &self.obj {
            Some(obj) => obj.to_string(),
            None => self.cells.first().cloned().unwrap_or_default(),
        }
    }

    pub fn matches(&self, nav: &Nav) -> bool {
        nav.filter.is_empty() || self.cells.iter().any(|c| nav.matches(c))
    }
}

/// A section's table: headers, which columns go first when the pane is
/// narrow (higher `drop` goes first; 0 never), the filtered rows, and what
/// to say when there are none.
#[derive(Debug, Clone, PartialEq)]
pub struct Grid {
    pub title: &'static str,
    pub headers: &'static [&'static str],
    pub drop: &'static [u8],
    pub rows: Vec<Row>,
    /// Rows before the filter (for "3/39").
    pub total: usize,
    pub empty: String,
    /// Extra words for the title (e.g. the RPO).
    pub note: String,
    /// Widest a column grows, per column (48 when unset).
    pub max: &'static [usize],
}

impl Grid {
    pub fn new(title: &'static str, headers: &'static [&'static str], drop: &'static [u8]) -> Grid {
        Grid {
            title,
            headers,
            drop,
            rows: Vec::new(),
            total: 0,
            empty: "none".into(),
            note: String::new(),
            max: &[],
        }
    }

    /// Keeps the rows that match the filter.
    pub fn filter(&mut self, rows: Vec<Row>, nav: &Nav) {
        self.total = rows.len();
        self.rows = rows.into_iter().filter(|r| r.matches(nav)).collect();
    }

    /// The column of `header` across the rows (tests read it).
    pub fn column(&self, header: &str) -> Vec<&str> {
        self.rows
            .iter()
            .map(|r| r.get(self, header).unwrap_or(""))
            .collect()
    }
}

/// Column widths that fit `avail` cells: each column as wide as its widest
/// text (capped), dropping the most droppable columns first; the last kept
/// column takes what is left.
fn fit_columns(grid: &Grid, avail: u16) -> Vec<(usize, Constraint)> {
    const CAP: usize = 48;
    let n = grid.headers.len();
    let mut want: Vec<usize> = grid.headers.iter().map(|h| h.chars().count()).collect();
    for r in &grid.rows {
        for (i, c) in r.cells.iter().enumerate().take(n) {
            let cap = grid.max.get(i).copied().unwrap_or(CAP);
            want[i] = want[i].max(c.chars().count().min(cap));
        }
    }
    let mut keep: Vec<usize> = (0..n).collect();
    // The last column takes what is left: it needs only a little.
    fn width(want: &[usize], keep: &[usize]) -> usize {
        let Some((&last, rest)) = keep.split_last() else {
            return 0;
        };
        rest.iter().map(|&i| want[i]).sum::<usize>() + want[last].min(20) + rest.len()
    }
    while width(&want, &keep) > avail as usize {
        let Some(pos) = keep
            .iter()
            .enumerate()
            .filter(|(_, i)| grid.drop.get(**i).copied().unwrap_or(0) > 0)
            .max_by_key(|(p, i)| (grid.drop[**i], *p))
            .map(|(p, _)| p)
        else {
            break;
        };
        keep.remove(pos);
    }
    // Still too wide: narrow the widest columns (not below 10) so the
    // last one keeps its room.
    while width(&want, &keep) > avail as usize {
        let rest = &keep[..keep.len().saturating_sub(1)];
        let Some(widest) = rest.iter().copied().max_by_key(|&i| (want[i], i)) else {
            break;
        };
        if want[widest] <= 10 {
            break;
        }
        want[widest] -= 1;
    }
    let last = keep.len().saturating_sub(1);
    keep.iter()
        .enumerate()
        .map(|(p, &i)| {
            let c = if p == last {
                Constraint::Min(want[i].min(8) as u16)
            } else {
                Constraint::Length(want[i] as u16)
            };
            (i, c)
        })
        .collect()
}

/// Draws one section's table. An unfocused section shows no selection.
pub fn draw_grid(
    f: &mut Frame,
    area: Rect,
    theme: &Theme,
    grid: &Grid,
    selected: usize,
    focused: bool,
    filter: &str,
) {
    let mut t = theme.clone();
    if !focused {
        t.selected = t.base;
    }
    let marker = if focused { "▶ " } else { "  " };
    let count = if grid.rows.len() == grid.total {
        format!("{}", grid.total)
    } else {
        format!("{} of {}", grid.rows.len(), grid.total)
    };
    let mut spans = vec![
        Span::styled(format!(" {marker}{} ", grid.title), theme.title),
        Span::styled(format!("({count}) "), theme.muted),
    ];
    if !grid.note.is_empty() {
        spans.push(Span::styled(format!("{} ", grid.note), theme.muted));
    }
    if !filter.is_empty() {
        spans.push(Span::styled(format!("filter:/{filter} "), theme.muted));
    }
    let title = Line::from(spans);
    if grid.rows.is_empty() {
        let block = ratatui::widgets::Block::default()
            .borders(ratatui::widgets::Borders::ALL)
            .border_style(theme.border)
            .title(inert_line(title));
        let text = if grid.total > 0 {
            format!("no row matches /{filter}")
        } else {
            grid.empty.clone()
        };
        f.render_widget(
            Paragraph::new(Span::styled(text, theme.muted))
                .block(block)
                .wrap(ratatui::widgets::Wrap { trim: true }),
            area,
        );
        return;
    }
    let cols = fit_columns(grid, area.width.saturating_sub(2));
    let headers: Vec<&str> = cols.iter().map(|(i, _)| grid.headers[*i]).collect();
    let widths: Vec<Constraint> = cols.iter().map(|(_, c)| *c).collect();
    table::draw(
        f,
        area,
        &t,
        title,
        &headers,
        &widths,
        grid.rows.len(),
        selected,
        |r| {
            let row = &grid.rows[r];
            cols.iter()
                .map(|(i, _)| {
                    let text = row.cells.get(*i).cloned().unwrap_or_default();
                    let tone = row.tones.get(*i).copied().unwrap_or_default();
                    Line::from(text).style(tone.style(theme))
                })
                .collect()
        },
    );
}

/// Stacks the grids (tall panes) or shows the focused one under a line
/// naming every section (short panes). `tall` decides which.
#[allow(clippy::too_many_arguments)]
pub fn draw_sections(
    f: &mut Frame,
    area: Rect,
    theme: &Theme,
    grids: &[&Grid],
    focus: usize,
    selected: usize,
    filter: &str,
    tall: bool,
) {
    if tall {
        // Every section gets its rows when they fit; otherwise small
        // sections get theirs and the rest share what is left in
        // proportion to their rows.
        let need: u16 = grids.iter().map(|g| g.rows.len().max(1) as u16 + 3).sum();
        let mut constraints: Vec<Constraint> = grids
            .iter()
            .map(|g| {
                let rows = g.rows.len().max(1) as u16;
                if rows <= 6 || need <= area.height {
                    Constraint::Length(rows + 3)
                } else {
                    Constraint::Fill(rows.min(40))
                }
            })
            .collect();
        constraints.push(Constraint::Fill(0));
        let areas = Layout::vertical(constraints).split(area);
        for (i, (g, a)) in grids.iter().zip(areas.iter()).enumerate() {
            let sel = if i == focus { selected } else { 0 };
            draw_grid(f, *a, theme, g, sel, i == focus, filter);
        }
        return;
    }
    let [bar, body] = Layout::vertical([Constraint::Length(1), Constraint::Min(3)]).areas(area);
    let mut spans = Vec::new();
    for (i, g) in grids.iter().enumerate() {
        let label = format!("{} {}", g.title, g.rows.len());
        if i == focus {
            spans.push(Span::styled(format!("[{label}]"), theme.tab_active));
        } else {
            spans.push(Span::styled(format!(" {label} "), theme.tab));
        }
        spans.push(Span::raw(" "));
    }
    spans.push(Span::styled("o: next section", theme.muted));
    f.render_widget(Line::from(spans), bar);
    if let Some(g) = grids.get(focus) {
        draw_grid(f, body, theme, g, selected, true, filter);
    }
}

/// Whether a pane this tall stacks its sections.
pub fn is_tall(area: Rect) -> bool {
    area.height >= 40
}

/// Messages carry newlines and tabs; a cell shows one line.
pub fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}
