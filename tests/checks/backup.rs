//! backup check tests.
