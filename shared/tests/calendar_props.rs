//! Properties of business-day arithmetic on random calendars.

use proptest::prelude::*;
use sluice_shared::calendar::{Calendar, DayKind, Exception, MON_TO_FRI, Rule, civil, parse_csv};
use std::collections::BTreeMap;

const Y2020: i32 = 18262; // 2020-01-01
const DAYS: i32 = 366 * 6; // 2020 .. 2025

/// A calendar over 2020–2025 with random holidays on weekdays and make-up weekend days.
fn calendar() -> impl Strategy<Value = Calendar> {
    prop::collection::btree_set(0..DAYS, 1..200).prop_map(|days| {
        let mut ex = BTreeMap::new();
        // Pin the covered years: 2020-01-01 and 2025-12-31 listed.
        for d in days.into_iter().chain([0, civil::days_from_civil(2025, 12, 31).unwrap() - Y2020]) {
            let day = Y2020 + d;
            let kind = if civil::weekday(day) <= 5 { DayKind::Holiday } else { DayKind::Workday };
            ex.insert(day, Exception { kind, note: format!("n{d}") });
        }
        Calendar::new(MON_TO_FRI, ex).unwrap()
    })
}

/// A day well inside the covered years.
fn inner_day() -> impl Strategy<Value = i32> {
    (60..DAYS - 60).prop_map(|d| Y2020 + d)
}

proptest! {
    #[test]
    fn offset_there_and_back_returns_to_a_business_day(cal in calendar(), day in inner_day(), n in 1i64..20) {
        let start = cal.offset(day, 0).unwrap();
        prop_assert!(cal.is_business_day(start).unwrap());
        let there = cal.offset(start, n).unwrap();
        prop_assert_eq!(cal.offset(there, -n).unwrap(), start);
        let back = cal.offset(start, -n).unwrap();
        prop_assert_eq!(cal.offset(back, n).unwrap(), start);
    }

    #[test]
    fn an_offset_of_n_skips_exactly_n_business_days(cal in calendar(), day in inner_day(), n in -15i64..15) {
        let to = cal.offset(day, n).unwrap();
        prop_assert!(cal.is_business_day(to).unwrap());
        let (lo, hi) = if n >= 0 { (day + 1, to) } else { (to, day - 1) };
        let between = (lo..=hi).filter(|d| cal.is_business_day(*d).unwrap()).count() as i64;
        if n != 0 {
            prop_assert_eq!(between, n.abs());
        } else {
            prop_assert!(to <= day);
            prop_assert!((to + 1..=day).all(|d| !cal.is_business_day(d).unwrap()));
        }
    }

    #[test]
    fn rules_pick_the_first_or_last_open_day_of_the_period(cal in calendar(), day in inner_day(), i in 0usize..6) {
        let rule = Rule::ALL[i];
        let got = cal.apply_rule(day, rule).unwrap();
        prop_assert!(cal.is_business_day(got).unwrap());
        let (y, m, _) = civil::civil_from_days(day);
        let (gy, gm, _) = civil::civil_from_days(got);
        prop_assert_eq!(gy, y);
        match rule {
            Rule::FirstOfMonth | Rule::LastOfMonth => prop_assert_eq!(gm, m),
            Rule::FirstOfQuarter | Rule::LastOfQuarter => prop_assert_eq!((gm - 1) / 3, (m - 1) / 3),
            _ => {}
        }
        // Independently: the period's bounds, and no open day between its edge and the pick.
        let (m0, m1) = match rule {
            Rule::FirstOfMonth | Rule::LastOfMonth => (m, m),
            Rule::FirstOfQuarter | Rule::LastOfQuarter => ((m - 1) / 3 * 3 + 1, (m - 1) / 3 * 3 + 3),
            _ => (1, 12),
        };
        let from = civil::days_from_civil(y, m0, 1).unwrap();
        let to = civil::days_from_civil(y, m1, civil::month_len(y, m1)).unwrap();
        let first = matches!(rule, Rule::FirstOfMonth | Rule::FirstOfQuarter | Rule::FirstOfYear);
        let skipped = if first { from..got } else { got + 1..to + 1 };
        prop_assert!(skipped.clone().all(|d| !cal.is_business_day(d).unwrap()), "{:?} {:?}", rule, skipped);
    }

    #[test]
    fn same_day_rules_take_the_last_open_day_up_to_the_shifted_day(cal in calendar(), day in inner_day(), year in any::<bool>()) {
        let rule = if year { Rule::SameDayLastYear } else { Rule::SameDayLastMonth };
        let shifted = rule.same_day_before(day).unwrap();
        let (y, m, dd) = civil::civil_from_days(day);
        let (sy, sm, sd) = civil::civil_from_days(shifted);
        let months = (y * 12 + m as i32) - (sy * 12 + sm as i32);
        prop_assert_eq!(months, if year { 12 } else { 1 });
        prop_assert_eq!(sd, dd.min(civil::month_len(sy, sm)));
        if cal.covers(shifted) && cal.covers(shifted - 40) {
            let got = cal.apply_rule(day, rule).unwrap();
            prop_assert!(got <= shifted && cal.is_business_day(got).unwrap());
            prop_assert!((got + 1..=shifted).all(|d| !cal.is_business_day(d).unwrap()));
        }
    }

    #[test]
    fn csv_round_trips(cal in calendar()) {
        prop_assert_eq!(parse_csv(&cal.to_csv()).unwrap(), cal);
    }

    #[test]
    fn parse_never_panics(text in "(date,kind,note\n)?([0-9,\\-a-z\"\n ]{0,80})") {
        let _ = parse_csv(&text);
    }
}
