//! Use against a limit (a quota's hard limit, a NodePool's limits): the
//! ratio, whether it reaches a threshold, and its percent text. The checks
//! that judge pressure and the gauges that show it share these, so both
//! draw the line in the same place.

/// Slack for float comparisons of ratios.
const EPSILON: f64 = 1e-9;

/// `used / limit`; a use of a zero limit is `∞` (and no use of it `0`).
pub fn ratio(used: f64, limit: f64) -> f64 {
    if limit > 0.0 {
        used / limit
    } else if used > 0.0 {
        f64::INFINITY
    } else {
        0.0
    }
}

/// Whether `ratio` reaches `threshold` (a warning ratio, or 1.0 for full).
pub fn reaches(ratio: f64, threshold: f64) -> bool {
    ratio + EPSILON >= threshold
}

/// `93%`, `∞%` for a use of a zero limit.
pub fn percent(ratio: f64) -> String {
    if ratio.is_infinite() {
        "∞%".into()
    } else {
        format!("{:.0}%", ratio * 100.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ratios_and_thresholds() {
        assert_eq!(ratio(1.0, 4.0), 0.25);
        assert_eq!(ratio(1.0, 0.0), f64::INFINITY);
        assert_eq!(ratio(0.0, 0.0), 0.0);
        // 0.1 + 0.2 falls short of 0.3 in floats: the slack counts it as reached.
        assert!(reaches(0.1 + 0.2, 0.3));
        assert!(!reaches(0.29, 0.3));
        assert!(reaches(f64::INFINITY, 1.0));
        assert_eq!(percent(0.934), "93%");
        assert_eq!(percent(f64::INFINITY), "∞%");
    }
}
