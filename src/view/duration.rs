//! Durations as the checks' messages and the panes show them.

use k8s_openapi::jiff::Timestamp;

/// A duration for messages, at most two units: `45s`, `7m`, `2h`, `2h5m`,
/// `3d`, `3d4h`. Negative durations (clock skew) read as `0s`.
pub fn human_duration(secs: i64) -> String {
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

/// `7h20m` from `t` to `now` (`0s` for the future).
pub fn age(now: Timestamp, t: Timestamp) -> String {
    human_duration(now.as_second() - t.as_second())
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
}
