//! Kubernetes resource quantities (`100m`, `1.5Gi`, `1e3`, `2k`).
//!
//! Values are converted to `f64` in base units (cores, bytes): checks only
//! compare and divide them, and an `f64` holds every quantity the API accepts
//! with more precision than any threshold here needs.

use thiserror::Error;

#[derive(Debug, Error, PartialEq)]
#[error("invalid quantity {value:?}: {reason}")]
pub struct QuantityError {
    pub value: String,
    pub reason: &'static str,
}

/// Parses a quantity string into base units.
pub fn parse(input: &str) -> Result<f64, QuantityError> {
    let err = |reason| QuantityError {
        value: input.to_string(),
        reason,
    };
    let s = input.trim();
    if s.is_empty() {
        return Err(err("empty"));
    }
    // The number is the longest prefix of sign, digits and one '.'.
    let bytes = s.as_bytes();
    let mut end = 0;
    if matches!(bytes.first(), Some(b'+' | b'-')) {
        end = 1;
    }
    let digits_start = end;
    let mut seen_dot = false;
    while end < bytes.len() {
        match bytes[end] {
            b'0'..=b'9' => end += 1,
            b'.' if !seen_dot => {
                seen_dot = true;
                end += 1
            }
            _ => break,
        }
    }
    let number = &s[..end];
    if !number[digits_start..].bytes().any(|b| b.is_ascii_digit()) {
        return Err(err("no digits"));
    }
    let value: f64 = number.parse().map_err(|_| err("bad number"))?;
    let suffix = &s[end..];
    let multiplier = match suffix {
        "" => 1.0,
        "n" => 1e-9,
        "u" => 1e-6,
        "m" => 1e-3,
        "k" => 1e3,
        "M" => 1e6,
        "G" => 1e9,
        "T" => 1e12,
        "P" => 1e15,
        "E" => 1e18,
        "Ki" => 1024f64,
        "Mi" => 1024f64.powi(2),
        "Gi" => 1024f64.powi(3),
        "Ti" => 1024f64.powi(4),
        "Pi" => 1024f64.powi(5),
        "Ei" => 1024f64.powi(6),
        _ => {
            // Decimal exponent: e/E followed by a signed integer.
            let exp = suffix
                .strip_prefix('e')
                .or_else(|| suffix.strip_prefix('E'))
                .ok_or_else(|| err("unknown suffix"))?;
            let digits = exp.strip_prefix(['+', '-']).unwrap_or(exp);
            if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
                return Err(err("bad exponent"));
            }
            let e: i32 = exp.parse().map_err(|_| err("bad exponent"))?;
            10f64.powi(e)
        }
    };
    Ok(value * multiplier)
}

/// Parses a `k8s_openapi` quantity, `None` when it is malformed.
pub fn of(q: &k8s_openapi::apimachinery::pkg::api::resource::Quantity) -> Option<f64> {
    parse(&q.0).ok()
}

/// Formats a value in base units for humans: cores as `250m`/`2`, bytes as `512Mi`/`2Gi`.
pub fn format(resource: &str, value: f64) -> String {
    let is_cpu = resource == "cpu" || resource.ends_with(".cpu");
    if is_cpu {
        if value < 1.0 && value > 0.0 {
            format!("{}m", (value * 1000.0).round())
        } else {
            trim(value)
        }
    } else if value >= 1024f64.powi(3) {
        format!("{}Gi", trim(value / 1024f64.powi(3)))
    } else if value >= 1024f64.powi(2) {
        format!("{}Mi", trim(value / 1024f64.powi(2)))
    } else {
        trim(value)
    }
}

fn trim(v: f64) -> String {
    let s = format!("{v:.2}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}
