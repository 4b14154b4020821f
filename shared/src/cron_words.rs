//! Five-field cron expressions (`minute hour day month weekday`) read for
//! people: [`check`] explains a mistake in words (the scheduler's parser is
//! still the authority on when a schedule fires), [`describe`] says when a
//! schedule fires ("every business day at 02:00").

mod error;
mod zh;

pub use error::{CronError, CronField};

use crate::i18n::Lang;

/// One field of a cron expression: its name, range and value names.
struct FieldSpec {
    field: CronField,
    min: u32,
    max: u32,
    names: &'static [&'static str],
}

const MONTHS: [&str; 12] = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"];
const DAYS: [&str; 7] = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];
const MONTH_WORDS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];
const DAY_WORDS: [&str; 7] = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];

const FIELDS: [FieldSpec; 5] = [
    FieldSpec { field: CronField::Minute, min: 0, max: 59, names: &[] },
    FieldSpec { field: CronField::Hour, min: 0, max: 23, names: &[] },
    FieldSpec { field: CronField::Day, min: 1, max: 31, names: &[] },
    FieldSpec { field: CronField::Month, min: 1, max: 12, names: &MONTHS },
    FieldSpec { field: CronField::Weekday, min: 0, max: 7, names: &DAYS },
];

/// A cron expression read into the values each field allows (`None`: every value).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cron {
    pub minutes: Option<Vec<u32>>,
    pub hours: Option<Vec<u32>>,
    pub days: Option<Vec<u32>>,
    pub months: Option<Vec<u32>>,
    /// 0 = Sunday … 6 = Saturday (7 is read as 0).
    pub weekdays: Option<Vec<u32>>,
    /// A `*/n` minute field (every n minutes).
    minute_step: Option<u32>,
}

/// Reads `expr`, or says what is wrong with it ([`CronError::message`] in words).
pub fn check(expr: &str) -> Result<Cron, CronError> {
    let text = expr.trim();
    if text.is_empty() {
        return Err(CronError::Empty);
    }
    let parts: Vec<&str> = text.split_whitespace().collect();
    if parts.len() != 5 {
        return Err(CronError::FieldCount { text: text.to_string(), count: parts.len() });
    }
    let mut sets = Vec::with_capacity(5);
    for (part, spec) in parts.iter().zip(FIELDS.iter()) {
        sets.push(field(part, spec)?);
    }
    let minute_step = parts[0].strip_prefix("*/").and_then(|n| n.parse().ok());
    let mut it = sets.into_iter();
    let mut next = || it.next().flatten();
    let (minutes, hours, days, months) = (next(), next(), next(), next());
    let weekdays = next().map(|w| {
        let mut w: Vec<u32> = w.into_iter().map(|d| d % 7).collect();
        w.sort_unstable();
        w.dedup();
        w
    });
    Ok(Cron { minutes, hours, days, months, weekdays, minute_step })
}

fn value(text: &str, spec: &FieldSpec) -> Result<u32, CronError> {
    let upper = text.to_ascii_uppercase();
    if let Some(i) = spec.names.iter().position(|n| *n == upper) {
        return Ok(i as u32 + u32::from(spec.names.len() == 12));
    }
    let n: u32 = text.parse().map_err(|_| CronError::NotNumber {
        field: spec.field,
        text: text.to_string(),
        example: spec.names.get(1).copied(),
    })?;
    if n < spec.min || n > spec.max {
        return Err(CronError::OutOfRange { field: spec.field, value: n, min: spec.min, max: spec.max });
    }
    Ok(n)
}

/// The values one field allows; `None` for `*` (or `?`).
fn field(text: &str, spec: &FieldSpec) -> Result<Option<Vec<u32>>, CronError> {
    if text == "*" || text == "?" {
        return Ok(None);
    }
    let mut out = Vec::new();
    for item in text.split(',') {
        if item.is_empty() {
            return Err(CronError::EmptyItem { field: spec.field, text: text.to_string() });
        }
        let (range, step) = match item.split_once('/') {
            Some((r, s)) => {
                let step: u32 = s
                    .parse()
                    .ok()
                    .filter(|s| *s > 0)
                    .ok_or_else(|| CronError::BadStep { field: spec.field, text: text.to_string() })?;
                (r, step)
            }
            None => (item, 1),
        };
        let (lo, hi) = if range == "*" {
            (spec.min, spec.max)
        } else if let Some((a, b)) = range.split_once('-') {
            let (a, b) = (value(a, spec)?, value(b, spec)?);
            if b < a {
                return Err(CronError::Backwards { field: spec.field, range: range.to_string() });
            }
            (a, b)
        } else {
            let v = value(range, spec)?;
            (v, if step > 1 { spec.max } else { v })
        };
        out.extend((lo..=hi).step_by(step as usize));
    }
    out.sort_unstable();
    out.dedup();
    Ok(Some(out))
}

fn two(n: u32) -> String {
    format!("{n:02}")
}

fn list(words: Vec<String>) -> String {
    match words.len() {
        0 => String::new(),
        1 => words[0].clone(),
        n => format!("{} and {}", words[..n - 1].join(", "), words[n - 1]),
    }
}

/// Sorted weekdays as runs of consecutive days, `(first, last)`: [1,2,3,5] → (1,3), (5,5).
fn weekday_runs(days: &[u32]) -> Vec<(u32, u32)> {
    let mut runs: Vec<(u32, u32)> = Vec::new();
    for &d in days {
        match runs.last_mut() {
            Some((_, end)) if *end + 1 == d => *end = d,
            _ => runs.push((d, d)),
        }
    }
    runs
}

/// Runs of consecutive weekdays as words: "Monday to Friday", "Monday and Thursday".
fn weekday_words(days: &[u32]) -> String {
    let words = weekday_runs(days)
        .into_iter()
        .map(|(a, b)| match b - a {
            0 => DAY_WORDS[a as usize].to_string(),
            1 => format!("{} and {}", DAY_WORDS[a as usize], DAY_WORDS[b as usize]),
            _ => format!("{} to {}", DAY_WORDS[a as usize], DAY_WORDS[b as usize]),
        })
        .collect();
    list(words)
}

/// The time part: "at 02:00", "at 02:00 and 14:30", "every hour at :15", "every 15 minutes".
fn time_words(c: &Cron) -> String {
    match (&c.minutes, &c.hours) {
        (None, None) => "every minute".into(),
        (Some(_), None) if c.minute_step.is_some() => format!("every {} minutes", c.minute_step.unwrap_or(1)),
        (Some(m), None) => format!("every hour at {}", list(m.iter().map(|m| format!(":{}", two(*m))).collect())),
        (None, Some(h)) => format!("every minute of hour {}", list(h.iter().map(|h| two(*h)).collect())),
        (Some(m), Some(h)) if m.len() * h.len() <= 6 => {
            let times = h.iter().flat_map(|h| m.iter().map(move |m| format!("{}:{}", two(*h), two(*m)))).collect();
            format!("at {}", list(times))
        }
        (Some(m), Some(h)) => format!(
            "at minute {} of hours {}",
            list(m.iter().map(|m| m.to_string()).collect()),
            list(h.iter().map(|h| two(*h)).collect())
        ),
    }
}

/// The day part, by `calendar` when the schedule follows one (it then fires on business days only).
fn day_words(c: &Cron, calendar: Option<&str>) -> String {
    let business = calendar.is_some_and(|c| !c.trim().is_empty());
    let weekdays = c.weekdays.as_deref();
    let mut out = match (&c.days, weekdays) {
        (None, None) if business => "every business day".to_string(),
        (None, None) => "every day".to_string(),
        (None, Some([1, 2, 3, 4, 5])) if business => "every business day, Monday to Friday".to_string(),
        (None, Some([1, 2, 3, 4, 5])) => "every weekday (Monday to Friday)".to_string(),
        (None, Some(w)) => format!("every {}", weekday_words(w)),
        (Some(d), w) => {
            let days = list(d.iter().map(|d| format!("day {d}")).collect());
            let mut s = format!("on {days} of the month");
            if let Some(w) = w {
                s.push_str(&format!(" and every {}", weekday_words(w)));
            }
            s
        }
    };
    if let Some(m) = &c.months {
        out.push_str(&format!(" in {}", list(m.iter().map(|m| MONTH_WORDS[*m as usize - 1].to_string()).collect())));
    }
    if business && c.days.is_some() {
        out.push_str(" (business days only)");
    }
    out
}

/// When a schedule with cron `expr` fires, in words ("every business day at
/// 02:00" when it follows a business calendar); the reason in words for an
/// expression that does not read.
pub fn describe(expr: &str, calendar: Option<&str>) -> Result<String, String> {
    let c = check(expr).map_err(|e| e.message(Lang::En))?;
    let (day, time) = (day_words(&c, calendar), time_words(&c));
    Ok(match (day.as_str(), time.starts_with("every")) {
        ("every day", true) => time,
        (_, true) => format!("{time}, {day}"),
        _ => format!("{day} {time}"),
    })
}

/// [`describe`] in `lang`.
pub fn describe_in(lang: Lang, expr: &str, calendar: Option<&str>) -> Result<String, String> {
    match lang {
        Lang::En => describe(expr, calendar),
        Lang::ZhCn => zh::describe(expr, calendar),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(e: &str, cal: Option<&str>) -> String {
        describe(e, cal).unwrap()
    }

    #[test]
    fn common_schedules_read_as_sentences() {
        assert_eq!(words("0 2 * * *", Some("cn")), "every business day at 02:00");
        assert_eq!(words("0 2 * * *", None), "every day at 02:00");
        assert_eq!(words("0 2 * * *", Some("")), "every day at 02:00");
        assert_eq!(words("30 6 * * 1-5", None), "every weekday (Monday to Friday) at 06:30");
        assert_eq!(words("0 6 * * MON-FRI", Some("cn")), "every business day, Monday to Friday at 06:00");
        assert_eq!(words("0 8 * * 1,4", None), "every Monday and Thursday at 08:00");
        assert_eq!(words("0 8 * * 0", None), "every Sunday at 08:00");
        assert_eq!(words("0 8 * * 7", None), "every Sunday at 08:00");
        assert_eq!(words("0 0 1 1 *", None), "on day 1 of the month in January at 00:00");
        assert_eq!(words("15 * * * *", None), "every hour at :15");
        assert_eq!(words("*/15 * * * *", None), "every 15 minutes");
        assert_eq!(words("*/30 * * * 1-5", Some("cn")), "every 30 minutes, every business day, Monday to Friday");
        assert_eq!(words("0 2,14 * * *", None), "every day at 02:00 and 14:00");
        assert_eq!(words("0 6 1,15 * *", Some("cn")), "on day 1 and day 15 of the month (business days only) at 06:00");
    }

    #[test]
    fn mistakes_are_explained_in_words() {
        let e = |x: &str| check(x).unwrap_err().to_string();
        assert_eq!(e("61 * * * *"), "the minute `61` is out of range: it must be 0 to 59");
        assert_eq!(e("0 24 * * *"), "the hour `24` is out of range: it must be 0 to 23");
        assert!(
            e("0 2 * *")
                .starts_with("a cron expression has five fields (minute hour day month weekday), `0 2 * *` has 4")
        );
        assert!(e("").starts_with("the cron expression is empty"));
        assert!(
            e("0 2 * * FUNDAY")
                .starts_with("the weekday field has `FUNDAY`, which is not a number or a name such as MON")
        );
        assert_eq!(e("0 5-2 * * *"), "the hour range `5-2` ends before it starts");
        assert!(e("*/0 * * * *").contains("a whole number above 0"));
        assert!(e("0 2 0 * *").starts_with("the day of the month `0` is out of range"));
        // Nothing of a parser's own wording.
        assert!(!e("x * * * *").contains("Expected"));
    }

    #[test]
    fn mistakes_are_explained_in_chinese_too() {
        let zh = |x: &str| check(x).unwrap_err().message(Lang::ZhCn);
        assert_eq!(zh("61 * * * *"), "分钟 `61` 超出范围：应在 0 到 59 之间");
        assert_eq!(zh("0 5-2 * * *"), "小时范围 `5-2` 的结束早于开始");
        assert_eq!(zh("0 2 * * FUNDAY"), "星期字段中的 `FUNDAY` 既不是数字，也不是 MON 这样的名称");
        assert_eq!(
            zh("0 2 * *"),
            "cron 表达式有五个字段（分钟 小时 日 月 星期），`0 2 * *` 有 4 个；例如 `0 2 * * 1-5` 表示周一至周五 02:00"
        );
        assert_eq!(describe_in(Lang::ZhCn, "0 2 0 * *", None), Err("日 `0` 超出范围：应在 1 到 31 之间".to_string()));
        assert_eq!(
            describe_in(Lang::En, "0 2 0 * *", None),
            Err("the day of the month `0` is out of range: it must be 1 to 31".to_string())
        );
        // Every field has a name in both languages, and no Chinese text is left in English.
        for f in CronField::ALL {
            assert_ne!(f.name(Lang::En), f.name(Lang::ZhCn));
        }
    }

    #[test]
    fn values_are_read_into_sets() {
        let c = check("*/20 1-3 * JAN,mar SUN").unwrap();
        assert_eq!(c.minutes, Some(vec![0, 20, 40]));
        assert_eq!(c.hours, Some(vec![1, 2, 3]));
        assert_eq!(c.days, None);
        assert_eq!(c.months, Some(vec![1, 3]));
        assert_eq!(c.weekdays, Some(vec![0]));
    }
}
