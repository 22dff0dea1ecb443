//! Tests for every check in the catalog: each has a passing and a failing
//! fixture, and `unknown` where the check can be undecidable.

mod support;

mod autoscaling;
mod backup;
mod control_plane;
mod delivery;
mod observability;
mod orphans;
mod rbac;
mod resources;
mod security;
mod workload;
