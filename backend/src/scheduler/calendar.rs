//! Cron expressions in a time zone, business dates and SLA deadlines.

use chrono::{DateTime, Days, NaiveDate, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;
use croner::Cron;
use sluice_shared::calendar::{self as cal_calendar, Calendar, CalendarError};
use std::str::FromStr;

pub const DEFAULT_TZ: &str = "Asia/Shanghai";

/// A cron expression; a mistake explained in words (`shared::cron_words`).
pub fn parse_cron(expr: &str) -> Result<Cron, String> {
    let text = expr.trim();
    sluice_shared::cron_words::check(text).map_err(|e| format!("cron `{text}`: {e}"))?;
    Cron::from_str(text).map_err(|_| format!("cron `{text}` is not a schedule the scheduler can follow"))
}

pub fn parse_tz(name: &str) -> Result<Tz, String> {
    Tz::from_str(name).map_err(|_| format!("unknown time zone `{name}` (use an IANA name such as Asia/Shanghai)"))
}

pub fn parse_sla(text: &str) -> Result<NaiveTime, String> {
    NaiveTime::parse_from_str(text, "%H:%M").map_err(|_| format!("SLA `{text}` is not a time of day (HH:MM)"))
}

fn at(tz: Tz, ms: i64) -> DateTime<Tz> {
    Utc.timestamp_millis_opt(ms).single().unwrap_or_default().with_timezone(&tz)
}

/// Fire times in (`after`, `until`], at most `max` of them, as ms since 1970.
pub fn fire_times(cron: &Cron, tz: Tz, after: i64, until: i64, max: usize) -> Vec<i64> {
    let mut out = Vec::new();
    let mut t = at(tz, after);
    while out.len() < max {
        let Ok(next) = cron.find_next_occurrence(&t, false) else { break };
        let ms = next.timestamp_millis();
        if ms > until {
            break;
        }
        out.push(ms);
        t = next;
    }
    out
}

/// The business date of a firing: its local calendar date plus `offset` days.
pub fn biz_date(tz: Tz, fire_ms: i64, offset: i64) -> String {
    let day = at(tz, fire_ms).date_naive();
    shift(day, offset).format("%Y-%m-%d").to_string()
}

fn shift(day: NaiveDate, offset: i64) -> NaiveDate {
    if offset >= 0 {
        day.checked_add_days(Days::new(offset as u64))
    } else {
        day.checked_sub_days(Days::new(offset.unsigned_abs()))
    }
    .unwrap_or(day)
}

/// When the run for `biz_date` must have succeeded: `sla` local time on the
/// day after the business date.
pub fn sla_deadline(tz: Tz, biz_date: &str, sla: NaiveTime) -> Option<i64> {
    let day = NaiveDate::parse_from_str(biz_date, "%Y-%m-%d").ok()?;
    let local = shift(day, 1).and_time(sla);
    tz.from_local_datetime(&local).earliest().map(|t| t.timestamp_millis())
}

/// The business date of a firing by a business calendar: `None` when the firing
/// day is closed (the schedule does not fire), else `offset` business days from
/// it (-1: the business day before, 0: the day itself).
pub fn business_biz_date(cal: &Calendar, tz: Tz, fire_ms: i64, offset: i64) -> Result<Option<String>, CalendarError> {
    let day = at(tz, fire_ms).date_naive().format("%Y-%m-%d").to_string();
    let day = cal_calendar::parse_date(&day).unwrap_or_default();
    if !cal.is_business_day(day)? {
        return Ok(None);
    }
    Ok(Some(cal_calendar::format_date(cal.offset(day, offset)?)))
}

/// The next `n` firings after `after` with their business dates (ms, date): by
/// `cal` when given (closed days skipped; the list stops where its data ends).
pub fn next_firings(
    cron: &Cron,
    tz: Tz,
    cal: Option<&Calendar>,
    offset: i64,
    after: i64,
    n: usize,
) -> Vec<(i64, String)> {
    let horizon = after + 400 * 86_400_000;
    let mut out = Vec::new();
    for f in fire_times(cron, tz, after, horizon, 5000) {
        let date = match cal {
            None => biz_date(tz, f, offset),
            Some(cal) => match business_biz_date(cal, tz, f, offset) {
                Ok(Some(d)) => d,
                Ok(None) => continue,
                Err(_) => break,
            },
        };
        out.push((f, date));
        if out.len() == n {
            break;
        }
    }
    out
}

/// The year of a firing's local day when the calendar has no data for it.
pub fn uncovered_year(cal: &Calendar, tz: Tz, fire_ms: i64) -> Option<i32> {
    let day = at(tz, fire_ms).date_naive();
    let days = cal_calendar::parse_date(&day.format("%Y-%m-%d").to_string())?;
    (!cal.covers(days)).then(|| chrono::Datelike::year(&day))
}

/// The SLA deadline by a business calendar: `sla` local time on the business
/// day after the business date.
pub fn business_sla_deadline(cal: &Calendar, tz: Tz, biz_date: &str, sla: NaiveTime) -> Option<i64> {
    let next = cal.offset(cal_calendar::parse_date(biz_date)?, 1).ok()?;
    let day = NaiveDate::parse_from_str(&cal_calendar::format_date(next), "%Y-%m-%d").ok()?;
    tz.from_local_datetime(&day.and_time(sla)).earliest().map(|t| t.timestamp_millis())
}

/// The business days among `dates`; a date the calendar has no data for is an
/// error naming its year.
pub fn business_dates(cal: &Calendar, dates: Vec<String>) -> Result<Vec<String>, String> {
    let mut out = Vec::new();
    for d in dates {
        let day = cal_calendar::parse_date(&d).ok_or_else(|| format!("`{d}` is not a date"))?;
        if cal.is_business_day(day).map_err(|e| e.to_string())? {
            out.push(d);
        }
    }
    Ok(out)
}

/// Every date from `from` to `to`, inclusive, oldest first.
pub fn date_range(from: &str, to: &str) -> Result<Vec<String>, String> {
    let p = |s: &str, which: &str| {
        if s.trim().is_empty() {
            return Err(format!("choose the {which} date of the range"));
        }
        NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d")
            .map_err(|_| format!("the {which} date `{s}` is not a date (YYYY-MM-DD)"))
    };
    let (mut d, end) = (p(from, "first")?, p(to, "last")?);
    if end < d {
        return Err("the range ends before it starts".into());
    }
    let mut out = Vec::new();
    while d <= end && out.len() <= 3660 {
        out.push(d.format("%Y-%m-%d").to_string());
        d = shift(d, 1);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn daily_cron_in_shanghai_gives_the_previous_day() {
        let tz = parse_tz(DEFAULT_TZ).unwrap();
        let cron = parse_cron("0 2 * * *").unwrap();
        // 2026-11-24 00:00 UTC = 08:00 in Shanghai; the next 02:00 Shanghai is 2026-11-24 18:00 UTC.
        let start = Utc.with_ymd_and_hms(2026, 11, 24, 0, 0, 0).unwrap().timestamp_millis();
        let fires = fire_times(&cron, tz, start, start + 3 * 86_400_000, 10);
        assert_eq!(fires.len(), 3);
        assert_eq!(biz_date(tz, fires[0], -1), "2026-11-24");
        let deadline = sla_deadline(tz, "2026-11-24", parse_sla("08:00").unwrap()).unwrap();
        assert_eq!(deadline, Utc.with_ymd_and_hms(2026, 11, 25, 0, 0, 0).unwrap().timestamp_millis());
        assert_eq!(date_range("2026-02-27", "2026-03-02").unwrap().len(), 4);
        assert_eq!(
            parse_cron("61 * * * *").unwrap_err(),
            "cron `61 * * * *`: the minute `61` is out of range: it must be 0 to 59"
        );
        assert_eq!(date_range("", "2026-03-02").unwrap_err(), "choose the first date of the range");
        assert_eq!(date_range("2026-03-02", " ").unwrap_err(), "choose the last date of the range");
        assert!(parse_tz("Mars/Olympus").is_err());
    }

    #[test]
    fn next_firings_follow_the_business_calendar() {
        let cal =
            cal_calendar::parse_csv("date,kind,note\n2026-11-24,holiday,\n2026-11-25,holiday,\n2026-11-28,workday,\n")
                .unwrap();
        let tz = parse_tz(DEFAULT_TZ).unwrap();
        let cron = parse_cron("0 2 * * *").unwrap();
        let start = Utc.with_ymd_and_hms(2026, 11, 20, 0, 0, 0).unwrap().timestamp_millis();
        let got = next_firings(&cron, tz, Some(&cal), -1, start, 10);
        let local = |ms: i64| at(tz, ms).format("%m-%d").to_string();
        let pairs: Vec<String> = got.iter().map(|(f, d)| format!("{}→{}", local(*f), &d[5..])).collect();
        assert_eq!(
            pairs,
            [
                "11-23→11-20",
                "11-26→11-23",
                "11-27→11-26",
                "11-28→11-27",
                "11-30→11-28",
                "12-01→11-30",
                "12-02→12-01",
                "12-03→12-02",
                "12-04→12-03",
                "12-07→12-04"
            ]
        );
        // T-0: the firing day itself.
        assert_eq!(next_firings(&cron, tz, Some(&cal), 0, start, 1)[0].1, "2026-11-23");
        // The list ends where the calendar's data ends (2026).
        let late = Utc.with_ymd_and_hms(2026, 12, 27, 0, 0, 0).unwrap().timestamp_millis();
        let tail: Vec<String> = next_firings(&cron, tz, Some(&cal), -1, late, 10).into_iter().map(|(_, d)| d).collect();
        assert_eq!(tail, ["2026-12-25", "2026-12-28", "2026-12-29", "2026-12-30"]);
        // Without a calendar: every day, the previous day.
        assert_eq!(next_firings(&cron, tz, None, -1, start, 2)[1].1, "2026-11-21");
    }
}
