//! rbac check tests.
