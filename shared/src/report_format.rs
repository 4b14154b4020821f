//! Numbers as a report shows them: decimals, thousands separators, percent,
//! 万/亿 scaling. One formatter for the browser's table and the server's
//! downloads and charts, so they agree to the character.
//!
//! The work is done on the decimal text of the number (Rust's shortest
//! round-trip form for floats), never by multiplying floats: scaling moves the
//! decimal point and rounding is half away from zero on the digits a person
//! sees (`1.005` with 2 decimals is `1.01`, `12345` in 万 is `1.23万`).

use crate::report::{ColumnFormat, MAX_DECIMALS};
use serde_json::Value;

/// A float in `f`'s format; NaN and infinities as Rust writes them.
pub fn format_f64(v: f64, f: &ColumnFormat) -> String {
    if !v.is_finite() {
        return v.to_string();
    }
    format_decimal(&v.to_string(), f)
}

/// An integer in `f`'s format (exact for every `i64`).
pub fn format_i64(v: i64, f: &ColumnFormat) -> String {
    format_decimal(&v.to_string(), f)
}

/// A JSON cell: numbers (and text that reads as a decimal number) formatted,
/// anything else as its text (`null` as empty).
pub fn format_cell(v: &Value, f: &ColumnFormat) -> String {
    match v {
        Value::Null => String::new(),
        Value::Number(n) => format_decimal(&n.to_string(), f),
        Value::String(s) if is_decimal(s) => format_decimal(s, f),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn is_decimal(s: &str) -> bool {
    let body = s.strip_prefix('-').unwrap_or(s);
    let mut parts = body.splitn(2, '.');
    let int = parts.next().unwrap_or("");
    let frac = parts.next();
    !int.is_empty()
        && int.bytes().all(|b| b.is_ascii_digit())
        && frac.is_none_or(|f| !f.is_empty() && f.bytes().all(|b| b.is_ascii_digit()))
}

/// Formats decimal text `-?digits(.digits)?` (or JSON number text with an
/// exponent) in `f`'s format. Text that is not a number comes back unchanged.
pub fn format_decimal(text: &str, f: &ColumnFormat) -> String {
    let Some((neg, mut digits, mut point)) = split(text) else { return text.to_string() };
    let (shift, suffix) = match (f.percent, f.scale) {
        (true, _) => (-2, "%"),
        (false, Some(s)) => s.shift_and_suffix(),
        (false, None) => (0, ""),
    };
    // Moving the point: `point` is how many of `digits` stand before it.
    point -= shift as i64;
    let decimals = f.decimals.map(|d| d.min(MAX_DECIMALS) as i64).or(if suffix.is_empty() { None } else { Some(2) });
    // Pad so that the point falls inside the digits, with one digit before it.
    if point < 1 {
        digits = format!("{}{digits}", "0".repeat((1 - point) as usize));
        point = 1;
    }
    let have = digits.len() as i64 - point;
    let frac_len = decimals.unwrap_or(have.max(0));
    if have < frac_len {
        digits.push_str(&"0".repeat((frac_len - have) as usize));
    } else if have > frac_len {
        let keep = (point + frac_len) as usize;
        let round_up = digits.as_bytes()[keep] >= b'5';
        digits.truncate(keep);
        if round_up {
            let (d, carried) = increment(&digits);
            digits = d;
            if carried {
                point += 1;
            }
        }
    }
    let (int, frac) = digits.split_at(point as usize);
    let int = int.trim_start_matches('0');
    let int = if int.is_empty() { "0" } else { int };
    let int = if f.thousands { group(int) } else { int.to_string() };
    let zero = int.bytes().all(|b| b == b'0' || b == b',') && frac.bytes().all(|b| b == b'0');
    let sign = if neg && !zero { "-" } else { "" };
    if frac.is_empty() { format!("{sign}{int}{suffix}") } else { format!("{sign}{int}.{frac}{suffix}") }
}

/// `(negative, all digits, digits before the point)`; exponents folded in.
fn split(text: &str) -> Option<(bool, String, i64)> {
    let (neg, body) = match text.strip_prefix('-') {
        Some(b) => (true, b),
        None => (false, text),
    };
    let (mantissa, exp) = match body.split_once(['e', 'E']) {
        Some((m, e)) => (m, e.parse::<i64>().ok().filter(|e| e.abs() < 400)?),
        None => (body, 0),
    };
    let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    if int.is_empty() || !int.bytes().all(|b| b.is_ascii_digit()) || !frac.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some((neg, format!("{int}{frac}"), int.len() as i64 + exp))
}

/// Adds one to the last digit; `true` when a new leading digit appeared.
fn increment(digits: &str) -> (String, bool) {
    let mut b = digits.as_bytes().to_vec();
    for i in (0..b.len()).rev() {
        if b[i] == b'9' {
            b[i] = b'0';
        } else {
            b[i] += 1;
            return (String::from_utf8(b).expect("digits"), false);
        }
    }
    b.insert(0, b'1');
    (String::from_utf8(b).expect("digits"), true)
}

fn group(int: &str) -> String {
    let n = int.len();
    let mut out = String::with_capacity(n + n / 3);
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (n - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}
