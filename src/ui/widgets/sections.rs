//! Panes with several tables ("sections"): which one has the focus, the
//! selection each keeps while another is focused, and the shared keys
//! (`/` filters all, `o` moves the focus, navigation moves in the focused one).

use crate::config::keymap::Action;
use crate::ui::panes::{Outcome, PaneEvent};
use crate::ui::widgets::table::Nav;

/// Focus and per-section selection of a pane with sections.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Sections {
    pub focus: usize,
    saved: Vec<usize>,
}

impl Sections {
    /// Handles the shared part of the pane contract: the filter, `o` for
    /// the next section, navigation within the focused one.
    pub fn handle(
        &mut self,
        nav: &mut Nav,
        names: &[&str],
        lens: &[usize],
        ev: PaneEvent,
    ) -> Outcome {
        if self.saved.len() != names.len() {
            self.saved = vec![0; names.len()];
        }
        match ev {
            PaneEvent::Filter(f) => {
                nav.filter = f;
                nav.selected = 0;
                self.saved.iter_mut().for_each(|s| *s = 0);
                Outcome::Handled
            }
            PaneEvent::Action(Action::Group) => {
                self.saved[self.focus] = nav.selected;
                self.focus = (self.focus + 1) % names.len();
                nav.selected = self.saved[self.focus];
                Outcome::Status(format!("section: {}", names[self.focus]))
            }
            PaneEvent::Action(a) => {
                let len = lens.get(self.focus).copied().unwrap_or(0);
                if nav.apply(a, len, 20) {
                    Outcome::Handled
                } else {
                    Outcome::Ignored
                }
            }
            PaneEvent::WhoCan(_) => Outcome::Ignored,
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
