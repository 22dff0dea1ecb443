//! `?`: the help overlay, generated from the keymap, the shown pane's own
//! keys and the command list.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

use crate::config::keymap::key_name;
use crate::ui::state::{COMMANDS, State};

pub fn lines(state: &State) -> Vec<Line<'static>> {
    let theme = &state.theme;
    let mut out = vec![Line::styled("Keys", theme.header)];
    for b in &state.keymap.bindings {
        let keys: Vec<String> = b.keys.iter().map(key_name).collect();
        out.push(Line::from(vec![
            Span::styled(format!("  {:<16}", keys.join(" ")), theme.accent),
            Span::raw(b.description),
        ]));
    }
    let pane = state.active_pane();
    if !pane.hints().is_empty() {
        out.push(Line::raw(""));
        out.push(Line::styled(format!("{} pane", pane.title()), theme.header));
        for (action, text) in pane.hints() {
            out.push(Line::from(vec![
                Span::styled(
                    format!("  {:<16}", state.keymap.keys_of(*action)),
                    theme.accent,
                ),
                Span::raw(*text),
            ]));
        }
    }
    out.push(Line::raw(""));
    out.push(Line::styled("Commands (:)", theme.header));
    for (_, text) in COMMANDS {
        out.push(Line::raw(format!("  {text}")));
    }
    out.push(Line::raw(""));
    out.push(Line::styled(
        "Filters (/) match any column, case-insensitive; esc clears.",
        theme.muted,
    ));
    out
}

pub fn draw(f: &mut Frame, body: Rect, state: &State, scroll: u16) {
    let area = crate::ui::centered(body, 70, 90);
    crate::ui::clear(f, area);
    let theme = &state.theme;
    f.render_widget(
        Paragraph::new(lines(state))
            .style(theme.base)
            .scroll((scroll, 0))
            .block(
                Block::default()
                    .borders(Borders::ALL)
                    .border_style(theme.accent)
                    .title(Span::styled(" Help — esc to close ", theme.title)),
            ),
        area,
    );
}
