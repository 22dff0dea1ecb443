//! observability check tests.
