//! delivery check tests.
