//! Widgets shared by the panes.

pub mod sections;
pub mod table;
