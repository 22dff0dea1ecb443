//! resources check tests.
