//! Completion candidates above the command line (`tab` takes the first).

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Block, Borders, Paragraph};

use crate::config::theme::Theme;
use crate::model::inert::inert;

/// Candidates can be names from the cluster (`:ns`), so they are shown inert.
pub fn draw(f: &mut Frame, body: Rect, theme: &Theme, candidates: &[String]) {
    let candidates: Vec<_> = candidates.iter().map(|c| inert(c)).collect();
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
        .map(|(i, c)| Line::styled(c.as_ref(), if i == 0 { theme.selected } else { theme.base }))
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
