//! `y`: the selected object's YAML, as `model::yaml::render` made it
//! (secret literals masked, control characters made visible). `/` searches
//! it, `n`/`N` move between matches; the bottom line says whether more
//! follows.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

use crate::config::theme::Theme;
use crate::ui::widgets::table::contains_ignore_case;

pub fn draw(
    f: &mut Frame,
    body: Rect,
    theme: &Theme,
    title: &str,
    text: &str,
    scroll: u16,
    search: &str,
) {
    let area = crate::ui::centered(body, 90, 94);
    crate::ui::clear(f, area);
    let visible = area.height.saturating_sub(2) as usize;
    let total = text.lines().count();
    let mut hits = 0;
    let lines: Vec<Line> = text
        .lines()
        .enumerate()
        .map(|(i, l)| {
            let hit = !search.is_empty() && contains_ignore_case(l, search);
            hits += usize::from(hit);
            let in_view = i >= scroll as usize && i < scroll as usize + visible;
            match (hit, in_view) {
                (true, _) => Line::styled(l.to_string(), theme.selected),
                (false, true) => Line::raw(l.to_string()),
                // Off screen: not worth a copy.
                (false, false) => Line::raw(""),
            }
        })
        .collect();
    let more = (scroll as usize) + visible < total;
    let mut bottom = if more {
        format!(" line {}/{total} · ↓ more ", scroll as usize + 1)
    } else {
        " end ".to_string()
    };
    if !search.is_empty() {
        bottom = format!(" {hits} matches for {search:?} (n/N) ·{bottom}");
    }
    f.render_widget(
        Paragraph::new(lines)
            .style(theme.base)
            .scroll((scroll, 0))
            .block(
                Block::default()
                    .borders(Borders::ALL)
                    .border_style(theme.accent)
                    .title(Span::styled(
                        format!(" {} — esc to close ", crate::model::inert::inert(title)),
                        theme.title,
                    ))
                    .title_bottom(Line::from(bottom).right_aligned()),
            ),
        area,
    );
}
