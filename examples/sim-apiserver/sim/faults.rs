//! Injected faults, decided per request before routing: 429 with
//! `Retry-After` and 500, every Nth request or an even fraction of them
//! (deterministic, so tests repeat), optionally only on some paths.
//! Latency and dropped watches are applied where they happen (`http`,
//! `watch`).

use hyper::Response;
use serde_json::json;

use super::config::Faults;
use super::http::{Body, status};

/// The fault for request number `n` (counted from 1), if any.
pub fn inject(f: &Faults, n: u64, path: &str) -> Option<Response<Body>> {
    if f.only_path.as_deref().is_some_and(|p| !path.contains(p)) {
        return None;
    }
    if f.throttle_every
        .is_some_and(|k| k > 0 && n.is_multiple_of(k))
    {
        let mut resp = status(
            429,
            "TooManyRequests",
            "Too many requests, please try again later.",
            Some(json!({"retryAfterSeconds": f.retry_after_secs})),
        );
        if let Ok(v) = f.retry_after_secs.to_string().parse() {
            resp.headers_mut().insert("retry-after", v);
        }
        return Some(resp);
    }
    // With fraction f, request n fails when floor(n·f) steps up.
    let by_fraction = f.error_fraction > 0.0
        && (n as f64 * f.error_fraction).floor() > ((n - 1) as f64 * f.error_fraction).floor();
    if by_fraction || f.error_every.is_some_and(|k| k > 0 && n.is_multiple_of(k)) {
        return Some(status(
            500,
            "InternalError",
            "Internal error occurred: injected fault",
            Some(json!({"causes": [{"message": "injected fault"}]})),
        ));
    }
    None
}
