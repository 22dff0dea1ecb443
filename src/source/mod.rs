//! Sources of cluster state. They know Kubernetes I/O and file formats, and
//! nothing about checks or the UI: they fill a `ClusterStore`.

pub mod decode;
pub mod demo;
pub mod snapshot;
mod yaml;
