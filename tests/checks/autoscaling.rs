//! autoscaling check tests.
