//! The read side checks and panes share: queries over the store that more
//! than one consumer needs, so that each question is answered in one place.

pub mod autoscaling;
pub mod backup;
pub mod duration;
pub mod objects;
pub mod rbac;
pub mod resources;
pub mod schedule;
pub mod topology;
pub mod usage;
