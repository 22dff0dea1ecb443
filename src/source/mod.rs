//! Sources of cluster state. They know Kubernetes I/O and file formats, and
//! nothing about checks or the UI: they produce `Event`s (see `event`)
//! that fill a `ClusterStore`.

pub mod decode;
pub mod demo;
pub mod event;
pub mod live;
pub mod loading;
pub mod reread;
pub mod snapshot;
mod yaml;

pub use event::Event;
