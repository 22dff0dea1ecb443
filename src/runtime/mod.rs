//! The console's runtime: the store, the checker and the histories. Source
//! events go in through `Model::apply_events` (the same `source::Event`s
//! every source produces); the checks run on the checker's own thread and
//! their evaluations come back to the event loop as messages.

pub mod checker;
pub mod model;
pub mod results;
pub mod timeline;

pub use checker::Evaluation;
pub use model::Model;
pub use results::Results;
