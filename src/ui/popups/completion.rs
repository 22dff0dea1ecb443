//! Completion candidates above the command line (`tab` takes the first).

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Block, Borders, Paragraph};

use crate::config::theme::Theme;

pub fn draw(f: &mut Frame, body: Rect, theme: &Theme, candidates: &[String]) {
    let height = (candidates.len() as u16 + 2).min(body.height).min(10);
    let width = candidates
        .iter()
        .map(|c| c.chars().count() as u16 + 4)
        .max()
        .unwrap_or(10)
        .min(body.width);
    let area = Rect {
        x: body.x,
        y: body.y + body.height - height,
        width,
        height,
    };
    crate::ui::clear(f, area);
    let lines: Vec<Line> = candidates
        .iter()
        .enumerate()
        .map(|(i, c)| Line::styled(c.clone(), if i == 0 { theme.selected } else { theme.base }))
        .collect();
    f.render_widget(
        Paragraph::new(lines).block(
            Block::default()
                .borders(Borders::ALL)
                .border_style(theme.border),
        ),
        area,
    );
}
