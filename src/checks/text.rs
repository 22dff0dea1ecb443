//! Wording shared by the checks' messages: durations and name lists.

/// A duration for messages, at most two units: `45s`, `7m`, `2h`, `2h5m`,
/// `3d`, `3d4h`. Negative durations (clock skew) read as `0s`.
pub(crate) fn human_duration(secs: i64) -> String {
    let s = secs.max(0);
    let (d, h, m) = (s / 86_400, (s % 86_400) / 3600, (s % 3600) / 60);
    match (d, h, m) {
        (0, 0, 0) => format!("{s}s"),
        (0, 0, m) => format!("{m}m"),
        (0, h, 0) => format!("{h}h"),
        (0, h, m) => format!("{h}h{m}m"),
        (d, 0, _) => format!("{d}d"),
        (d, h, _) => format!("{d}d{h}h"),
    }
}

/// Lists names for a message: at most `max`, then `+N more`.
pub(super) fn name_list<S: AsRef<str>>(names: &[S], max: usize) -> String {
    let mut out: Vec<&str> = names.iter().take(max).map(AsRef::as_ref).collect();
    let more;
    if names.len() > max {
        more = format!("+{} more", names.len() - max);
        out.push(&more);
    }
    out.join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(human_duration(-5), "0s");
        assert_eq!(human_duration(0), "0s");
        assert_eq!(human_duration(45), "45s");
        assert_eq!(human_duration(300), "5m");
        assert_eq!(human_duration(3600), "1h");
        assert_eq!(human_duration(5400), "1h30m");
        assert_eq!(human_duration(3600 + 5 * 60 + 59), "1h5m");
        assert_eq!(human_duration(86_400), "1d");
        assert_eq!(human_duration(86_400 * 3 + 3600 * 2 + 59 * 60), "3d2h");
    }

    #[test]
    fn name_lists() {
        assert_eq!(name_list::<&str>(&[], 3), "");
        assert_eq!(name_list(&["a", "b"], 3), "a, b");
        assert_eq!(name_list(&["a", "b", "c"], 3), "a, b, c");
        assert_eq!(name_list(&["a", "b", "c", "d", "e"], 3), "a, b, c, +2 more");
        let owned = vec!["x".to_string(), "y".to_string()];
        assert_eq!(name_list(&owned, 1), "x, +1 more");
    }
}
