//! Civil (proleptic Gregorian) dates as days since 1970-01-01, without a date
//! library: the arithmetic business calendars need, identical in the browser.

/// Days since 1970-01-01 of `y-m-d` (Howard Hinnant's `days_from_civil`);
/// `None` when the day does not exist.
pub fn days_from_civil(y: i32, m: u32, d: u32) -> Option<i32> {
    if !(1..=12).contains(&m) || d < 1 || d > month_len(y, m) {
        return None;
    }
    let (y, m, d) = (i64::from(y), i64::from(m), i64::from(d));
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    i32::try_from(era * 146_097 + doe - 719_468).ok()
}

/// `(year, month, day)` of a day number (Hinnant's `civil_from_days`).
pub fn civil_from_days(days: i32) -> (i32, u32, u32) {
    let z = i64::from(days) + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = (yoe + era * 400 + i64::from(m <= 2)) as i32;
    (y, m, d)
}

pub fn is_leap(y: i32) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

/// Days in month `m` (1–12) of year `y`.
pub fn month_len(y: i32, m: u32) -> u32 {
    match m {
        2 if is_leap(y) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// ISO weekday: 1 = Monday … 7 = Sunday (1970-01-01 was a Thursday).
pub fn weekday(days: i32) -> u32 {
    (i64::from(days) + 3).rem_euclid(7) as u32 + 1
}

/// The ISO 8601 week number (1–53) of a day.
pub fn iso_week(days: i32) -> u32 {
    // The week belongs to the year of its Thursday.
    let thursday = days - weekday(days) as i32 + 4;
    let (y, _, _) = civil_from_days(thursday);
    let jan1 = days_from_civil(y, 1, 1).unwrap_or(thursday);
    ((thursday - jan1) / 7 + 1) as u32
}

/// Reads `YYYY-MM-DD` (exactly that form) as a day number.
pub fn parse_date(text: &str) -> Option<i32> {
    let b = text.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let digits = |r: std::ops::Range<usize>| {
        let s = &text[r];
        s.bytes().all(|c| c.is_ascii_digit()).then(|| s.parse::<u32>().ok()).flatten()
    };
    days_from_civil(digits(0..4)? as i32, digits(5..7)?, digits(8..10)?)
}

/// `YYYY-MM-DD` of a day number.
pub fn format_date(days: i32) -> String {
    let (y, m, d) = civil_from_days(days);
    format!("{y:04}-{m:02}-{d:02}")
}

pub fn weekday_name(days: i32) -> &'static str {
    ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"][weekday(days) as usize - 1]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_round_trips_and_known_days() {
        for d in -800_000..800_000 {
            let (y, m, dd) = civil_from_days(d);
            assert_eq!(days_from_civil(y, m, dd), Some(d));
        }
        assert_eq!(parse_date("1970-01-01"), Some(0));
        assert_eq!(parse_date("2024-02-29"), Some(19782));
        assert_eq!(parse_date("2023-02-29"), None);
        assert_eq!(parse_date("2024-1-01"), None);
        assert_eq!(parse_date("+024-01-01"), None);
        assert_eq!(format_date(19782), "2024-02-29");
        assert_eq!(weekday(parse_date("2024-10-01").unwrap()), 2); // Tuesday
        assert_eq!(weekday(parse_date("2024-09-29").unwrap()), 7); // Sunday
    }

    #[test]
    fn iso_weeks_at_year_edges() {
        let w = |s| iso_week(parse_date(s).unwrap());
        assert_eq!(w("2021-01-03"), 53); // Sunday of 2020-W53
        assert_eq!(w("2021-01-04"), 1);
        assert_eq!(w("2024-12-30"), 1); // Monday of 2025-W01
        assert_eq!(w("2026-12-31"), 53);
        assert_eq!(w("2024-10-01"), 40);
    }
}
