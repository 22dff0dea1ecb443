//! Cron schedules as Kubernetes CronJobs and Velero Schedules read them
//! (robfig/cron v3's standard parser), on top of `croner`.
//!
//! What robfig/cron accepts and kready reads: five fields (minute, hour,
//! day of month, month, day of week) with `*`, `?`, lists, ranges, steps
//! (`N/step` runs from N to the maximum) and month/weekday names; the
//! descriptors `@yearly`, `@annually`, `@monthly`, `@weekly`, `@daily`,
//! `@midnight` and `@hourly`; a `CRON_TZ=`/`TZ=` prefix naming the zone
//! (a CronJob's `spec.timeZone` does the same). When both day fields are
//! restricted either may match (the Vixie cron rule; `*/2` counts as
//! restricted, as in robfig/cron). `@every` is not read: it is relative to
//! the last run, which the objects do not record reliably.
//!
//! Croner accepts more than robfig/cron does (`L`, `W`, `#`, `+`, weekday
//! `7`); those are rejected here so that kready never shows a next run for
//! a schedule the cluster itself refuses.

use std::fmt;

use croner::Cron;
use croner::parser::{CronParser, Seconds, Year};
use k8s_openapi::jiff::Timestamp;
use k8s_openapi::jiff::tz::TimeZone;

/// Why a schedule cannot be read; the message quotes the expression.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ScheduleError {
    #[error("cron schedule `{expr}`: {reason}")]
    Invalid { expr: String, reason: String },
    #[error("cron schedule `{expr}`: unknown time zone `{zone}`")]
    UnknownZone { expr: String, zone: String },
}

/// A parsed schedule and the zone its fields are read in.
#[derive(Clone)]
pub struct Schedule {
    cron: Cron,
    zone: TimeZone,
    /// Whether any day matches at all (`0 0 30 2 *` never runs).
    runs: bool,
}

impl fmt::Debug for Schedule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Schedule")
            .field("pattern", &self.cron.pattern.to_string())
            .field("zone", &self.zone.iana_name().unwrap_or("UTC"))
            .finish()
    }
}

/// How far ahead `next_after` looks: every standard schedule that runs at
/// all runs within eight years (February 29th skips 2100).
const HORIZON_YEARS: i16 = 8;

impl Schedule {
    /// Parses `expr` in `time_zone` (an IANA name; `None` is UTC, which
    /// Velero's and the controller manager's containers run in). A
    /// `CRON_TZ=`/`TZ=` prefix in `expr` sets the zone too.
    pub fn parse(expr: &str, time_zone: Option<&str>) -> Result<Schedule, ScheduleError> {
        let invalid = |reason: &str| ScheduleError::Invalid {
            expr: expr.to_string(),
            reason: reason.to_string(),
        };
        let mut body = expr.trim();
        let mut zone = time_zone;
        if let Some(rest) = body
            .strip_prefix("CRON_TZ=")
            .or_else(|| body.strip_prefix("TZ="))
        {
            let (z, e) = rest
                .split_once(char::is_whitespace)
                .ok_or_else(|| invalid("a time zone prefix but no schedule"))?;
            zone = Some(z);
            body = e.trim();
        }
        let zone = match zone {
            None | Some("" | "UTC" | "Etc/UTC") => TimeZone::UTC,
            Some(z) => TimeZone::get(z).map_err(|_| ScheduleError::UnknownZone {
                expr: expr.to_string(),
                zone: z.to_string(),
            })?,
        };
        // Croner knows every robfig descriptor but `@midnight`.
        let body = match body {
            "@midnight" => "@daily",
            b if b.starts_with("@every") => {
                return Err(invalid("`@every` runs relative to the last run"));
            }
            b => b,
        };
        if !body.starts_with('@') {
            check_robfig_syntax(body).map_err(|r| invalid(&r))?;
        }
        let cron = CronParser::builder()
            .seconds(Seconds::Disallowed)
            .year(Year::Disallowed)
            // robfig/cron reads `N/step` as N to the maximum.
            .sloppy_ranges(true)
            .build()
            .parse(body)
            .map_err(|e| invalid(&e.to_string()))?;
        let runs = some_day_matches(&cron);
        Ok(Schedule { cron, zone, runs })
    }

    /// The first run strictly after `after`; `None` when it never runs.
    pub fn next_after(&self, after: Timestamp) -> Option<Timestamp> {
        if !self.runs {
            return None;
        }
        let start = after.to_zoned(self.zone.clone());
        let limit = start.year().saturating_add(HORIZON_YEARS);
        let next = self.cron.find_next_occurrence(&start, false).ok()?;
        (next.year() <= limit).then(|| next.timestamp())
    }
}

/// Whether some day matches: with the weekday field restricted a weekday
/// always comes (either field may match); otherwise some chosen day of the
/// month must exist in some chosen month. Checked up front because croner
/// searches a schedule that never runs up to the year 5000 (a fifth of a
/// second in a debug build, on every redraw of the pane).
fn some_day_matches(cron: &Cron) -> bool {
    let p = &cron.pattern;
    if !p.is_dow_wildcard() {
        return true;
    }
    let longest = |month: u16| match month {
        2 => 29,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    };
    let Some(max_day) = p.months.values().into_iter().map(longest).max() else {
        return false;
    };
    p.days.values().into_iter().any(|d| d <= max_day)
}

/// What robfig/cron rejects but croner would read: any field count but
/// five, the `L`/`W`/`#`/`+` day extensions, and weekday 7. (No weekday
/// name has an `l`, so one in the weekday field is the extension.)
fn check_robfig_syntax(body: &str) -> Result<(), String> {
    let fields: Vec<&str> = body.split_whitespace().collect();
    let [_, _, dom, _, dow] = fields.as_slice() else {
        return Err(format!("{} fields, a schedule has 5", fields.len()));
    };
    if dom.contains(['L', 'l', 'W', 'w']) {
        return Err(format!(
            "`L`/`W` in the day of month (`{dom}`) is not standard cron"
        ));
    }
    if dow.contains(['L', 'l', '#', '+']) {
        return Err(format!(
            "`L`/`#`/`+` in the day of week (`{dow}`) is not standard cron"
        ));
    }
    let seven = dow.split(',').any(|part| {
        // A step (`*/7`) is a count, not a weekday.
        let range = part.split_once('/').map_or(part, |(r, _)| r);
        range.split('-').any(|v| v == "7")
    });
    if seven {
        return Err("day of week 7 is outside 0-6".to_string());
    }
    Ok(())
}

/// The first run of `expr` strictly after `after` in `time_zone` (see
/// [`Schedule::parse`]); `None` when it does not parse or never runs.
pub fn next_run(expr: &str, time_zone: Option<&str>, after: Timestamp) -> Option<Timestamp> {
    Schedule::parse(expr, time_zone).ok()?.next_after(after)
}
