//! Headless report formats.
