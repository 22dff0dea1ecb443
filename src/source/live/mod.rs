//! The live source: the cluster a kubeconfig context points at, kept current
//! by watch streams (see `watch`), with per-kind status for partial access.

mod board;
pub mod capture;
mod connect;
mod fetch;
mod raw;
mod resources;
mod sync;
mod watch;

pub use connect::{ConnectError, ConnectOptions, Connection, connect, contexts};
pub use fetch::fetch;
pub use resources::{Watched, wanted};
pub use sync::{cluster_info, sync_once};
pub use watch::{WatchScope, describe, run};
