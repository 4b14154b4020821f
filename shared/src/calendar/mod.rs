//! Business calendars: which days a bank is open, and the date arithmetic on
//! them (`sluice bizdate`, derived parameters, `source.dates`, schedules).
//!
//! A calendar is a weekly pattern (Monday to Friday open unless told otherwise)
//! plus dated exceptions: `holiday` (closed) and `workday` (open). It covers the
//! years from its first to its last exception; any date the arithmetic has to
//! look at outside those years is an [`CalendarError::Outside`] error naming the
//! year, never a guess.

pub mod civil;
mod csv;
pub mod dates;
mod ics;

pub use civil::{format_date, parse_date};
pub use csv::{CsvError, parse_csv, parse_csv_with};
pub use ics::{ICS_MAX_BYTES, IcsError, MAX_RANGE_DAYS, parse_ics, parse_ics_with};

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;

/// What an exception makes of its day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DayKind {
    /// Closed, although the weekly pattern would open it.
    Holiday,
    /// Open, although the weekly pattern would close it.
    Workday,
}

impl DayKind {
    pub fn as_str(self) -> &'static str {
        match self {
            DayKind::Holiday => "holiday",
            DayKind::Workday => "workday",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "holiday" => Some(DayKind::Holiday),
            "workday" => Some(DayKind::Workday),
            _ => None,
        }
    }
}

/// One dated exception.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exception {
    pub kind: DayKind,
    pub note: String,
}

/// Which business day of a period a [`Rule`] picks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Rule {
    FirstOfMonth,
    LastOfMonth,
    FirstOfQuarter,
    LastOfQuarter,
    FirstOfYear,
    LastOfYear,
    /// The same day of the month one month before (clamped to that month's last
    /// day: 03-31 → 02-28/29), rolled back to a business day when closed.
    SameDayLastMonth,
    /// The same day one year before (02-29 → 02-28), rolled back likewise.
    SameDayLastYear,
}

impl Rule {
    pub const ALL: [Rule; 8] = [
        Rule::FirstOfMonth,
        Rule::LastOfMonth,
        Rule::FirstOfQuarter,
        Rule::LastOfQuarter,
        Rule::FirstOfYear,
        Rule::LastOfYear,
        Rule::SameDayLastMonth,
        Rule::SameDayLastYear,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Rule::FirstOfMonth => "first_of_month",
            Rule::LastOfMonth => "last_of_month",
            Rule::FirstOfQuarter => "first_of_quarter",
            Rule::LastOfQuarter => "last_of_quarter",
            Rule::FirstOfYear => "first_of_year",
            Rule::LastOfYear => "last_of_year",
            Rule::SameDayLastMonth => "same_day_last_month",
            Rule::SameDayLastYear => "same_day_last_year",
        }
    }

    pub fn parse(text: &str) -> Result<Self, String> {
        Rule::ALL.into_iter().find(|r| r.as_str() == text).ok_or_else(|| {
            let names: Vec<&str> = Rule::ALL.iter().map(|r| r.as_str()).collect();
            format!("`{text}` is not a rule; use one of {}", names.join(", "))
        })
    }

    /// First and last day of the period of `day` this rule looks at.
    fn period(self, day: i32) -> (i32, i32) {
        let (y, m, _) = civil::civil_from_days(day);
        let (m0, m1) = match self {
            Rule::FirstOfMonth | Rule::LastOfMonth => (m, m),
            Rule::FirstOfQuarter | Rule::LastOfQuarter => ((m - 1) / 3 * 3 + 1, (m - 1) / 3 * 3 + 3),
            Rule::FirstOfYear | Rule::LastOfYear => (1, 12),
            Rule::SameDayLastMonth | Rule::SameDayLastYear => return (day, day),
        };
        let start = civil::days_from_civil(y, m0, 1).unwrap_or(day);
        let end = civil::days_from_civil(y, m1, civil::month_len(y, m1)).unwrap_or(day);
        (start, end)
    }

    fn is_first(self) -> bool {
        matches!(self, Rule::FirstOfMonth | Rule::FirstOfQuarter | Rule::FirstOfYear)
    }

    /// For the `same_day_*` rules, the day one month or one year before `day`,
    /// clamped to the last day of a shorter month; `None` for the period rules.
    pub fn same_day_before(self, day: i32) -> Option<i32> {
        let (y, m, d) = civil::civil_from_days(day);
        let (y, m) = match self {
            Rule::SameDayLastMonth if m == 1 => (y - 1, 12),
            Rule::SameDayLastMonth => (y, m - 1),
            Rule::SameDayLastYear => (y - 1, m),
            _ => return None,
        };
        civil::days_from_civil(y, m, d.min(civil::month_len(y, m)))
    }
}

/// Why a date could not be computed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CalendarError {
    /// The computation needed `date`, which lies outside the covered years.
    Outside { date: i32, first_year: i32, last_year: i32 },
    /// A rule's period has no business day at all.
    NoBusinessDay { rule: Rule, from: i32, to: i32 },
}

impl CalendarError {
    /// The year the calendar would need data for, if that is the trouble.
    pub fn missing_year(&self) -> Option<i32> {
        match self {
            CalendarError::Outside { date, .. } => Some(civil::civil_from_days(*date).0),
            CalendarError::NoBusinessDay { .. } => None,
        }
    }
}

impl fmt::Display for CalendarError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CalendarError::Outside { date, first_year, last_year } => {
                let year = civil::civil_from_days(*date).0;
                write!(
                    f,
                    "the calendar has no data for year {year} (needed for {}); it covers {first_year} to {last_year}",
                    format_date(*date)
                )
            }
            CalendarError::NoBusinessDay { rule, from, to } => {
                write!(f, "{}: no business day between {} and {}", rule.as_str(), format_date(*from), format_date(*to))
            }
        }
    }
}

/// A business calendar. Days are numbers since 1970-01-01 ([`civil`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Calendar {
    /// Open weekdays, index 0 = Monday.
    open: [bool; 7],
    exceptions: BTreeMap<i32, Exception>,
    first_year: i32,
    last_year: i32,
}

/// Monday to Friday open.
pub const MON_TO_FRI: [bool; 7] = [true, true, true, true, true, false, false];

impl Calendar {
    /// A calendar from a weekly pattern and its exceptions; `None` when there are
    /// no exceptions (nothing says which years it covers).
    pub fn new(open: [bool; 7], exceptions: BTreeMap<i32, Exception>) -> Option<Self> {
        let first_year = civil::civil_from_days(*exceptions.keys().next()?).0;
        let last_year = civil::civil_from_days(*exceptions.keys().next_back()?).0;
        Some(Calendar { open, exceptions, first_year, last_year })
    }

    /// First and last covered year.
    pub fn years(&self) -> (i32, i32) {
        (self.first_year, self.last_year)
    }

    pub fn weekly(&self) -> [bool; 7] {
        self.open
    }

    pub fn exceptions(&self) -> &BTreeMap<i32, Exception> {
        &self.exceptions
    }

    /// Whether `day` lies in a covered year.
    pub fn covers(&self, day: i32) -> bool {
        (self.first_year..=self.last_year).contains(&civil::civil_from_days(day).0)
    }

    fn check(&self, day: i32) -> Result<(), CalendarError> {
        if self.covers(day) {
            Ok(())
        } else {
            Err(CalendarError::Outside { date: day, first_year: self.first_year, last_year: self.last_year })
        }
    }

    /// Whether the weekly pattern alone opens `day`.
    pub fn weekly_open(&self, day: i32) -> bool {
        self.open[civil::weekday(day) as usize - 1]
    }

    /// Whether the bank is open on `day`.
    pub fn is_business_day(&self, day: i32) -> Result<bool, CalendarError> {
        self.check(day)?;
        Ok(match self.exceptions.get(&day).map(|e| e.kind) {
            Some(DayKind::Holiday) => false,
            Some(DayKind::Workday) => true,
            None => self.weekly_open(day),
        })
    }

    /// The first business day found stepping from `day` by `step` (±1),
    /// `day` itself included.
    fn seek(&self, mut day: i32, step: i32) -> Result<i32, CalendarError> {
        while !self.is_business_day(day)? {
            day += step;
        }
        Ok(day)
    }

    /// `n > 0`: the n-th business day after `day`; `n < 0`: the |n|-th before it
    /// (`day` itself not counted); `n = 0`: `day` if it is a business day, else
    /// the business day before it.
    pub fn offset(&self, day: i32, n: i64) -> Result<i32, CalendarError> {
        if n == 0 {
            return self.seek(day, -1);
        }
        let step = if n > 0 { 1 } else { -1 };
        let mut at = day;
        for _ in 0..n.unsigned_abs() {
            at = self.seek(at + step, step)?;
        }
        Ok(at)
    }

    /// The business day `rule` picks in the period of `day` (for the `same_day_*`
    /// rules: that day a month or a year before, else the business day before it).
    pub fn apply_rule(&self, day: i32, rule: Rule) -> Result<i32, CalendarError> {
        if let Some(before) = rule.same_day_before(day) {
            return self.seek(before, -1);
        }
        let (from, to) = rule.period(day);
        let mut days: Box<dyn Iterator<Item = i32>> =
            if rule.is_first() { Box::new(from..=to) } else { Box::new((from..=to).rev()) };
        for d in &mut days {
            if self.is_business_day(d)? {
                return Ok(d);
            }
        }
        Err(CalendarError::NoBusinessDay { rule, from, to })
    }

    /// `sluice bizdate`: the rule (if any) first, then the offset.
    pub fn resolve(&self, day: i32, rule: Option<Rule>, offset: i64) -> Result<i32, CalendarError> {
        let base = match rule {
            Some(r) => self.apply_rule(day, r)?,
            None => day,
        };
        self.offset(base, offset)
    }

    /// 1-based count of business days in `day`'s month up to and including it;
    /// `None` when `day` is closed.
    pub fn business_day_of_month(&self, day: i32) -> Result<Option<u32>, CalendarError> {
        if !self.is_business_day(day)? {
            return Ok(None);
        }
        let (y, m, _) = civil::civil_from_days(day);
        let first = civil::days_from_civil(y, m, 1).unwrap_or(day);
        let mut count = 0;
        for d in first..=day {
            count += u32::from(self.is_business_day(d)?);
        }
        Ok(Some(count))
    }
}

#[cfg(test)]
mod tests;
