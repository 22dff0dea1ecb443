//! Cron schedules as Kubernetes and Velero read them (src/view/schedule.rs).

use k8s_openapi::jiff::Timestamp;
use kready::view::schedule::{Schedule, ScheduleError, next_run};

fn ts(s: &str) -> Timestamp {
    s.parse().expect("timestamp")
}

/// Next run after `now` in UTC, as text.
fn next_at(now: &str, expr: &str) -> Option<String> {
    next_run(expr, None, ts(now)).map(|t| t.to_string())
}

/// A Friday morning in November.
const NOW: &str = "2026-11-20T09:30:00Z";

fn next(expr: &str) -> Option<String> {
    next_at(NOW, expr)
}

fn berlin_known() -> bool {
    k8s_openapi::jiff::tz::TimeZone::get("Europe/Berlin").is_ok()
}

#[test]
fn fields_ranges_steps_and_lists() {
    assert_eq!(next("30 3 * * *").as_deref(), Some("2026-11-21T03:30:00Z"));
    assert_eq!(next("0 2 * * *").as_deref(), Some("2026-11-21T02:00:00Z"));
    assert_eq!(next("15 * * * *").as_deref(), Some("2026-11-20T10:15:00Z"));
    assert_eq!(next("0 */6 * * *").as_deref(), Some("2026-11-20T12:00:00Z"));
    assert_eq!(
        next("*/15 * * * *").as_deref(),
        Some("2026-11-20T09:45:00Z")
    );
    assert_eq!(
        next("5-10/2 * * * *").as_deref(),
        Some("2026-11-20T10:05:00Z")
    );
    // robfig/cron: `N/step` runs from N to the maximum.
    assert_eq!(
        next("40/10 9 * * *").as_deref(),
        Some("2026-11-20T09:40:00Z")
    );
    assert_eq!(
        next("0 8,20 * * *").as_deref(),
        Some("2026-11-20T20:00:00Z")
    );
    assert_eq!(next("0 0 * 12 *").as_deref(), Some("2026-12-01T00:00:00Z"));
}

#[test]
fn strictly_after_now() {
    // A schedule due at `now` runs next time.
    assert_eq!(next("30 9 * * *").as_deref(), Some("2026-11-21T09:30:00Z"));
}

#[test]
fn business_hours_every_quarter_hour() {
    let e = "*/15 9-17 * * 1-5";
    assert_eq!(next(e).as_deref(), Some("2026-11-20T09:45:00Z"));
    // Friday 17:45 is the last run of the week; Monday 09:00 the next.
    assert_eq!(
        next_at("2026-11-20T17:45:00Z", e).as_deref(),
        Some("2026-11-23T09:00:00Z")
    );
    assert_eq!(
        next_at("2026-11-21T12:00:00Z", e).as_deref(),
        Some("2026-11-23T09:00:00Z")
    );
}

#[test]
fn descriptors() {
    assert_eq!(next("@hourly").as_deref(), Some("2026-11-20T10:00:00Z"));
    assert_eq!(next("@daily").as_deref(), Some("2026-11-21T00:00:00Z"));
    assert_eq!(next("@midnight").as_deref(), Some("2026-11-21T00:00:00Z"));
    assert_eq!(next("@weekly").as_deref(), Some("2026-11-22T00:00:00Z"));
    assert_eq!(next("@monthly").as_deref(), Some("2026-12-01T00:00:00Z"));
    assert_eq!(next("@yearly").as_deref(), Some("2027-01-01T00:00:00Z"));
    assert_eq!(next("@annually").as_deref(), Some("2027-01-01T00:00:00Z"));
}

#[test]
fn names_of_months_and_weekdays() {
    assert_eq!(
        next("0 9 * * mon-fri").as_deref(),
        Some("2026-11-23T09:00:00Z")
    );
    assert_eq!(
        next("0 9 * * MON-FRI").as_deref(),
        Some("2026-11-23T09:00:00Z")
    );
    assert_eq!(next("0 0 1 JAN *").as_deref(), Some("2027-01-01T00:00:00Z"));
    assert_eq!(
        next("0 0 * jul sun").as_deref(),
        Some("2027-07-04T00:00:00Z")
    );
}

#[test]
fn day_of_month_or_day_of_week() {
    // Both restricted: either matches (Monday the 23rd comes before the 1st).
    assert_eq!(next("0 0 1 * MON").as_deref(), Some("2026-11-23T00:00:00Z"));
    assert_eq!(next("0 0 1 * 1").as_deref(), Some("2026-11-23T00:00:00Z"));
    // From Tuesday the 24th the 1st of December (a Tuesday) comes first.
    assert_eq!(
        next_at("2026-11-24T00:00:00Z", "0 0 1 * MON").as_deref(),
        Some("2026-11-30T00:00:00Z")
    );
    // A stepped `*/2` is restricted (robfig/cron): the odd 21st runs, not
    // only odd Sundays (the 29th).
    assert_eq!(
        next("0 0 */2 * sun").as_deref(),
        Some("2026-11-21T00:00:00Z")
    );
    // `*` in the day of month: only the weekday decides.
    assert_eq!(next("0 0 * * sun").as_deref(), Some("2026-11-22T00:00:00Z"));
    // `?` is `*`.
    assert_eq!(next("0 0 ? * sun").as_deref(), Some("2026-11-22T00:00:00Z"));
}

#[test]
fn never_runs() {
    assert_eq!(next("0 0 30 2 *"), None);
    assert_eq!(next("0 0 31 4 *"), None);
    // Once in four years is still a next run.
    assert_eq!(next("0 0 29 2 *").as_deref(), Some("2028-02-29T00:00:00Z"));
    // 2100 is not a leap year: eight years to the next February 29th.
    assert_eq!(
        next_at("2096-03-01T00:00:00Z", "0 0 29 2 *").as_deref(),
        Some("2104-02-29T00:00:00Z")
    );
    // With a weekday the 30th of February does not matter: Mondays run.
    assert_eq!(
        next("0 0 30 2 mon").as_deref(),
        Some("2027-02-01T00:00:00Z")
    );
}

#[test]
fn invalid_expressions_say_why_and_quote_the_expression() {
    for e in [
        "61 * * * *",
        "* * * *",
        "0 0 * * * *",
        "0 0 * * 7",
        "*/0 * * * *",
        "0 0 L * *",
        "0 0 * * 5L",
        "0 0 * * 1#2",
        "@every 1h",
        "",
        "CRON_TZ=Europe/Berlin",
        "every day",
    ] {
        let err = Schedule::parse(e, None).expect_err(e);
        let ScheduleError::Invalid { expr, reason } = &err else {
            panic!("{e}: {err:?}");
        };
        assert_eq!(expr, e);
        assert!(!reason.is_empty(), "{e}");
        assert!(err.to_string().contains(&format!("`{e}`")), "{err}");
        assert_eq!(next(e), None, "{e}");
    }
    // A weekday step of 7 is a count, not weekday 7.
    assert!(Schedule::parse("0 0 * * */7", None).is_ok());
}

#[test]
fn unknown_zone() {
    let err = Schedule::parse("0 2 * * *", Some("Nowhere/Atlantis")).expect_err("zone");
    assert_eq!(
        err,
        ScheduleError::UnknownZone {
            expr: "0 2 * * *".into(),
            zone: "Nowhere/Atlantis".into()
        }
    );
    assert!(err.to_string().contains("`0 2 * * *`"), "{err}");
    let err = Schedule::parse("CRON_TZ=Mars/Olympus 0 2 * * *", None).expect_err("prefix");
    assert!(err.to_string().contains("Mars/Olympus"), "{err}");
}

#[test]
fn time_zones() {
    if !berlin_known() {
        return;
    }
    let now = ts(NOW);
    let at = |e: &str, z: Option<&str>| next_run(e, z, now).map(|t| t.to_string());
    // The CronJob's spec.timeZone, or a CRON_TZ=/TZ= prefix (CET is +1).
    assert_eq!(
        at("0 2 * * *", Some("Europe/Berlin")).as_deref(),
        Some("2026-11-21T01:00:00Z")
    );
    assert_eq!(
        at("CRON_TZ=Europe/Berlin 0 3 * * *", None).as_deref(),
        Some("2026-11-21T02:00:00Z")
    );
    assert_eq!(
        at("TZ=Europe/Berlin 0 3 * * *", None).as_deref(),
        Some("2026-11-21T02:00:00Z")
    );
    // The prefix wins over spec.timeZone (it is part of the schedule).
    assert_eq!(
        at("CRON_TZ=UTC 0 3 * * *", Some("Europe/Berlin")).as_deref(),
        Some("2026-11-21T03:00:00Z")
    );
    // In summer Berlin is +2.
    assert_eq!(
        next_run(
            "CRON_TZ=Europe/Berlin 0 3 * * *",
            None,
            ts("2027-07-01T12:00:00Z")
        )
        .map(|t| t.to_string())
        .as_deref(),
        Some("2027-07-02T01:00:00Z")
    );
}

#[test]
fn daylight_saving_transitions() {
    if !berlin_known() {
        return;
    }
    let at =
        |now: &str, e: &str| next_run(e, Some("Europe/Berlin"), ts(now)).map(|t| t.to_string());
    // Spring forward, 2027-03-28: 02:00 CET jumps to 03:00 CEST.
    let before = "2027-03-27T23:00:00Z"; // 00:00 CET
    // A daily job at 03:00 runs at 03:00 CEST.
    assert_eq!(
        at(before, "0 3 * * *").as_deref(),
        Some("2027-03-28T01:00:00Z")
    );
    // A daily job in the missing hour is not lost that day: it runs when
    // the gap ends (Vixie cron's rule, which croner follows; robfig/cron
    // would skip that day).
    assert_eq!(
        at(before, "30 2 * * *").as_deref(),
        Some("2027-03-28T01:00:00Z")
    );
    // Fall back, 2026-10-25: 03:00 CEST goes back to 02:00 CET.
    let before = "2026-10-24T22:00:00Z"; // 00:00 CEST
    // A daily job in the repeated hour runs once, at the first 02:30.
    assert_eq!(
        at(before, "30 2 * * *").as_deref(),
        Some("2026-10-25T00:30:00Z")
    );
    assert_eq!(
        at("2026-10-25T00:30:00Z", "30 2 * * *").as_deref(),
        Some("2026-10-26T01:30:00Z")
    );
    // An hourly job runs in both copies of the hour.
    // 02:00 CEST, then 02:00 CET, then 03:00 CET.
    assert_eq!(
        at("2026-10-25T00:00:00Z", "0 * * * *").as_deref(),
        Some("2026-10-25T01:00:00Z")
    );
    assert_eq!(
        at("2026-10-25T01:00:00Z", "0 * * * *").as_deref(),
        Some("2026-10-25T02:00:00Z")
    );
}
