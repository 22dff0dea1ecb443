//! security check tests.
