//! `y`: the selected object's YAML, as `model::yaml::render` made it
//! (secret literals masked, control characters made visible).

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Span;
use ratatui::widgets::{Block, Borders, Paragraph};

use crate::config::theme::Theme;

pub fn draw(f: &mut Frame, body: Rect, theme: &Theme, title: &str, text: &str, scroll: u16) {
    let area = crate::ui::centered(body, 90, 94);
    crate::ui::clear(f, area);
    f.render_widget(
        Paragraph::new(text.to_string())
            .style(theme.base)
            .scroll((scroll, 0))
            .block(
                Block::default()
                    .borders(Borders::ALL)
                    .border_style(theme.accent)
                    .title(Span::styled(
                        format!(" {} — esc to close ", crate::model::inert::inert(title)),
                        theme.title,
                    )),
            ),
        area,
    );
}
