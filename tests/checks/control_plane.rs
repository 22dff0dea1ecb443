//! control_plane check tests.
