//! When a schedule fires, in Chinese (the English sentences are the parent's):
//! "每个工作日 02:00", "每周一至周五 06:30", "每 15 分钟".

use super::{Cron, check, two, weekday_runs};
use crate::i18n::Lang;

const DAYS: [&str; 7] = ["周日", "周一", "周二", "周三", "周四", "周五", "周六"];

fn list(words: Vec<String>) -> String {
    words.join("、")
}

/// Runs of consecutive weekdays: "周一至周五", "周一、周四".
fn weekday_words(days: &[u32]) -> String {
    let words = weekday_runs(days)
        .into_iter()
        .map(|(a, b)| match b - a {
            0 => DAYS[a as usize].to_string(),
            1 => format!("{}、{}", DAYS[a as usize], DAYS[b as usize]),
            _ => format!("{}至{}", DAYS[a as usize], DAYS[b as usize]),
        })
        .collect();
    list(words)
}

fn time_words(c: &Cron) -> String {
    match (&c.minutes, &c.hours) {
        (None, None) => "每分钟".into(),
        (Some(_), None) if c.minute_step.is_some() => format!("每 {} 分钟", c.minute_step.unwrap_or(1)),
        (Some(m), None) => format!("每小时的第 {} 分", list(m.iter().map(|m| m.to_string()).collect())),
        (None, Some(h)) => format!("{} 点的每分钟", list(h.iter().map(|h| two(*h)).collect())),
        (Some(m), Some(h)) if m.len() * h.len() <= 6 => {
            list(h.iter().flat_map(|h| m.iter().map(move |m| format!("{}:{}", two(*h), two(*m)))).collect())
        }
        (Some(m), Some(h)) => format!(
            "{} 点的第 {} 分",
            list(h.iter().map(|h| two(*h)).collect()),
            list(m.iter().map(|m| m.to_string()).collect())
        ),
    }
}

fn day_words(c: &Cron, business: bool) -> String {
    let mut out = match (&c.days, c.weekdays.as_deref()) {
        (None, None) if business => "每个工作日".to_string(),
        (None, None) => "每天".to_string(),
        (None, Some([1, 2, 3, 4, 5])) if business => "每个工作日（周一至周五）".to_string(),
        (None, Some(w)) => format!("每{}", weekday_words(w)),
        (Some(d), w) => {
            let mut s = format!("每月 {}", list(d.iter().map(|d| format!("{d} 日")).collect()));
            if let Some(w) = w {
                s.push_str(&format!("及每{}", weekday_words(w)));
            }
            s
        }
    };
    if let Some(m) = &c.months {
        out = format!("{}的{out}", list(m.iter().map(|m| format!("{m}月")).collect()));
    }
    if business && c.days.is_some() {
        out.push_str("（仅工作日）");
    }
    out
}

/// [`super::describe`] in Chinese, a mistake too.
pub fn describe(expr: &str, calendar: Option<&str>) -> Result<String, String> {
    let c = check(expr).map_err(|e| e.message(Lang::ZhCn))?;
    let business = calendar.is_some_and(|c| !c.trim().is_empty());
    let (day, time) = (day_words(&c, business), time_words(&c));
    Ok(match (day.as_str(), time.starts_with('每')) {
        ("每天", true) => time,
        (_, true) => format!("{day}，{time}"),
        _ => format!("{day} {time}"),
    })
}

#[cfg(test)]
mod tests {
    fn words(e: &str, cal: Option<&str>) -> String {
        super::describe(e, cal).unwrap()
    }

    #[test]
    fn common_schedules_read_in_chinese() {
        assert_eq!(words("0 2 * * *", Some("cn")), "每个工作日 02:00");
        assert_eq!(words("0 2 * * *", None), "每天 02:00");
        assert_eq!(words("30 6 * * 1-5", None), "每周一至周五 06:30");
        assert_eq!(words("0 6 * * MON-FRI", Some("cn")), "每个工作日（周一至周五） 06:00");
        assert_eq!(words("0 8 * * 1,4", None), "每周一、周四 08:00");
        assert_eq!(words("0 8 * * 7", None), "每周日 08:00");
        assert_eq!(words("0 0 1 1 *", None), "1月的每月 1 日 00:00");
        assert_eq!(words("15 * * * *", None), "每小时的第 15 分");
        assert_eq!(words("*/15 * * * *", None), "每 15 分钟");
        assert_eq!(words("*/30 * * * 1-5", Some("cn")), "每个工作日（周一至周五），每 30 分钟");
        assert_eq!(words("0 2,14 * * *", None), "每天 02:00、14:00");
        assert_eq!(words("0 6 1,15 * *", Some("cn")), "每月 1 日、15 日（仅工作日） 06:00");
        assert!(super::describe("61 * * * *", None).is_err());
    }
}
