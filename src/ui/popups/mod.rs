//! Overlays drawn over the panes.

pub mod completion;
pub mod help;
pub mod yaml;
