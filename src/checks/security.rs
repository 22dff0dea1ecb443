//! security checks.

use super::Check;

pub const CHECKS: &[&Check] = &[];
