//! rbac pane (placeholder until written).

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::widgets::{Block, Borders, Paragraph};

use super::{Cx, Outcome, PaneEvent};
use crate::model::ObjKey;
use crate::ui::widgets::table::Nav;

#[derive(Default)]
pub struct State {
    pub nav: Nav,
}

pub fn handle(_cx: &Cx, st: &mut State, ev: PaneEvent) -> Outcome {
    match ev {
        PaneEvent::Filter(f) => {
            st.nav.filter = f;
            Outcome::Handled
        }
        _ => Outcome::Ignored,
    }
}

pub fn selected_object(_cx: &Cx, _st: &State) -> Option<ObjKey> {
    None
}

pub fn draw(f: &mut Frame, area: Rect, cx: &Cx, _st: &State) {
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(cx.theme.border);
    f.render_widget(Paragraph::new("rbac").block(block), area);
}
