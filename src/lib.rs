//! kready: Kubernetes production readiness — the library behind the console
//! and `kready check`. Data flows sources → store → checks → reports / UI.

// Library code handles every failure or says why it cannot happen
// (`expect`); tests may unwrap.
#![cfg_attr(not(test), deny(clippy::unwrap_used))]

pub mod app;
pub mod checks;
pub mod cli;
pub mod config;
pub mod file_input;
pub mod model;
pub mod report;
pub mod runtime;
pub mod source;
pub mod store;
pub mod ui;
pub mod view;
