//! The console's view: `draw` renders a frame from `&State` and `&Model`
//! (tabs, the active pane, overlays, the footer). Nothing here does I/O.

pub mod memo;
pub mod panes;
pub mod popups;
pub mod state;
pub mod views;
pub mod widgets;

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph, Wrap};

use crate::config::keymap::Action;
use crate::model::inert::inert;
use crate::runtime::Model;
use state::{InputKind, Overlay, State};

/// Smallest usable terminal.
pub const MIN_WIDTH: u16 = 80;
pub const MIN_HEIGHT: u16 = 24;

pub fn draw(f: &mut Frame, state: &State, model: &Model) {
    let area = f.area();
    let theme = &state.theme;
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        let msg = format!(
            "terminal too small: {}×{}, kready needs {MIN_WIDTH}×{MIN_HEIGHT}",
            area.width, area.height
        );
        f.render_widget(
            Paragraph::new(msg)
                .style(theme.warning)
                .wrap(Wrap { trim: true }),
            area,
        );
        return;
    }
    let [tabs, body, footer] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(1),
        Constraint::Length(1),
    ])
    .areas(area);
    f.render_widget(Paragraph::new("").style(theme.base), area);
    draw_tabs(f, tabs, state, model);
    let cx = state.cx(model);
    match state.stack.last() {
        Some(view) => view.draw(f, body, &cx),
        None => state.active_pane().draw(f, body, &cx),
    }
    draw_footer(f, footer, state);
    match &state.overlay {
        Some(Overlay::Help { scroll }) => popups::help::draw(f, body, state, *scroll),
        Some(Overlay::Yaml {
            title,
            text,
            scroll,
            search,
        }) => popups::yaml::draw(f, body, theme, title, text, *scroll, search),
        None => {}
    }
    if let Some(input) = &state.input
        && input.kind == InputKind::Command
        && !input.completions.is_empty()
    {
        popups::completion::draw(f, body, theme, &input.completions);
    }
}

fn draw_tabs(f: &mut Frame, area: Rect, state: &State, model: &Model) {
    let theme = &state.theme;
    let full: usize = state.panes.iter().map(|p| p.title().len() + 4).sum();
    // Narrow terminals get short titles so every tab stays visible.
    let narrow = full + 12 > area.width as usize;
    let mut spans: Vec<Span> = Vec::new();
    for (i, p) in state.panes.iter().enumerate() {
        let style = if i == state.active {
            theme.tab_active
        } else {
            theme.tab
        };
        let title = if narrow { p.short_title() } else { p.title() };
        spans.push(Span::styled(format!(" {} {} ", i + 1, title), style));
    }
    let info = &model.store.info;
    // The context name comes from the snapshot: shown inert.
    let right = format!(
        " {}:{}{}{} ",
        inert(&info.source),
        inert(&info.name),
        state
            .namespace
            .as_ref()
            .map(|n| format!(" ns:{}", inert(n)))
            .unwrap_or_default(),
        // Snapshots are whole by nature: only a live source syncs.
        model
            .store
            .sync_summary()
            .filter(|_| info.source == "live")
            .map(|s| format!(" · {s}"))
            .unwrap_or_default()
    );
    let used: usize = spans.iter().map(|s| s.width()).sum();
    let room = (area.width as usize).saturating_sub(used);
    if room > 4 {
        let text: String = if right.chars().count() > room {
            right
                .chars()
                .take(room.saturating_sub(1))
                .collect::<String>()
                + "…"
        } else {
            format!("{right:>room$}")
        };
        spans.push(Span::styled(text, theme.muted));
    }
    f.render_widget(Line::from(spans), area);
}

fn draw_footer(f: &mut Frame, area: Rect, state: &State) {
    let theme = &state.theme;
    if let Some(input) = &state.input {
        let prompt = match input.kind {
            InputKind::Filter => "/",
            InputKind::Command => ":",
        };
        let [p, rest] = Layout::horizontal([Constraint::Length(1), Constraint::Min(1)]).areas(area);
        f.render_widget(Span::styled(prompt, theme.accent), p);
        f.render_widget(&input.text, rest);
        return;
    }
    if let Some(status) = &state.status {
        // Status lines name objects and files (exports, errors).
        f.render_widget(Span::styled(inert(status), theme.accent), area);
        return;
    }
    let km = &state.keymap;
    // The focused view's or pane's keys, then the ones everywhere; what
    // does not fit is in `?`.
    let mut hints: Vec<(Action, &str)> = vec![(Action::Help, "help")];
    if state.stack.is_empty() {
        hints.push((Action::Select, "open"));
        for (a, _) in state.active_pane().hints() {
            if !hints.iter().any(|(h, _)| h == a) {
                hints.push((*a, km.description_of(*a)));
            }
        }
        hints.extend([
            (Action::Filter, "filter"),
            (Action::Command, "cmd"),
            (Action::Yaml, "yaml"),
            (Action::Export, "export"),
            (Action::Quit, "quit"),
        ]);
    } else {
        hints.extend([
            (Action::Back, "back"),
            (Action::Select, "open"),
            (Action::Pods, "pods"),
            (Action::Events, "events"),
            (Action::Related, "findings"),
            (Action::Yaml, "yaml"),
            (Action::Filter, "search/filter"),
        ]);
    }
    let mut spans = Vec::new();
    let mut used = 0;
    for (a, label) in hints {
        let key = format!("<{}>", km.first_key_of(a));
        let text = format!(" {label}  ");
        used += key.chars().count() + text.chars().count();
        if used > area.width as usize {
            break;
        }
        spans.push(Span::styled(key, theme.accent));
        spans.push(Span::styled(text, theme.muted));
    }
    f.render_widget(Line::from(spans), area);
}

/// A centred rectangle for overlays.
pub fn centered(area: Rect, width_pct: u16, height_pct: u16) -> Rect {
    let [_, v, _] = Layout::vertical([
        Constraint::Percentage((100 - height_pct) / 2),
        Constraint::Percentage(height_pct),
        Constraint::Min(0),
    ])
    .areas(area);
    let [_, h, _] = Layout::horizontal([
        Constraint::Percentage((100 - width_pct) / 2),
        Constraint::Percentage(width_pct),
        Constraint::Min(0),
    ])
    .areas(v);
    h
}

/// Clears an overlay's area before drawing it.
pub fn clear(f: &mut Frame, area: Rect) {
    f.render_widget(Clear, area);
}
