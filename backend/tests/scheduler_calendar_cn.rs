//! A daily schedule by the built-in China calendar (`cn`, data/calendars/cn.csv)
//! across the 2025 National Day Golden Week and the 2025 Spring Festival, with the
//! manual clock stepped one day at a time: it fires on exactly the business days
//! (the make-up Sunday and Saturday included), each run's business date is the
//! business day before (a make-up Saturday too), and a backfill over the holidays
//! runs only business dates.

mod common;

use chrono::{NaiveDate, TimeZone, Utc};
use common::world::{DAY, World};
use sluice_backend::store::{RunFilter, RunKind, ScheduleRow};
use sluice_shared::api::RunStatus;

/// 00:00 UTC (08:00 in Shanghai) of a day.
fn utc_midnight(date: &str) -> i64 {
    let d = NaiveDate::parse_from_str(date, "%Y-%m-%d").unwrap();
    Utc.from_utc_datetime(&d.and_hms_opt(0, 0, 0).unwrap()).timestamp_millis()
}

fn days(from: &str, n: i64) -> Vec<String> {
    let d = NaiveDate::parse_from_str(from, "%Y-%m-%d").unwrap();
    (0..n).map(|i| (d + chrono::Duration::days(i)).format("%Y-%m-%d").to_string()).collect()
}

/// A world whose clock reads 08:00 Shanghai on `start`, a graph with an input for
/// every day of 2025 up to October, and its daily 02:00 schedule by `cn` (T-1) made at that moment.
async fn cn_world(start: &str) -> (World, (String, String), ScheduleRow) {
    let w = World::new(None).await;
    w.clock.set(utc_midnight(start));
    let g = w.graph("cn_daily", "in").await;
    for d in days("2025-01-01", 300) {
        w.input("in", &d, "a\n1\n");
    }
    let mut s = w.schedule(&g, &[], 0, None).await;
    w.store.delete_schedule(&s.id).await.unwrap();
    s.id = uuid::Uuid::new_v4().to_string();
    s.calendar = "cn".into();
    w.store.create_schedule(&s).await.unwrap();
    (w, g, s)
}

/// Steps the clock a day at a time for `n` days; returns (firing day, business
/// date) of each run that appeared, the firing day being the Shanghai date the
/// clock stepped onto (the schedule fires at 02:00 there).
async fn step_days(w: &World, graph: &str, first: &str, n: i64) -> Vec<(String, String)> {
    let mut seen = Vec::new();
    let mut out = Vec::new();
    for day in days(first, n) {
        w.clock.advance(DAY);
        w.sched.drain().await.unwrap();
        w.sched.drain().await.unwrap();
        for r in w.store.runs(&RunFilter::default().graph(graph), 1000).await.unwrap() {
            if !seen.contains(&r.id) {
                assert_eq!(r.status, RunStatus::Succeeded, "{r:?}");
                seen.push(r.id.clone());
                out.push((day.clone(), r.biz_date.clone()));
            }
        }
    }
    out
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter().map(|(a, b)| (a.to_string(), b.to_string())).collect()
}

#[tokio::test]
async fn golden_week_2025_fires_on_business_days_with_the_previous_business_day() {
    // Thursday 2025-09-25 08:00 Shanghai; step onto 26 Sep ..= 14 Oct.
    let (w, g, _) = cn_world("2025-09-25").await;
    let got = step_days(&w, &g.0, "2025-09-26", 19).await;
    // Closed: Sat 27 Sep, 1–8 Oct (holidays), Sun 12 Oct. Open: Sun 28 Sep and Sat 11 Oct (make-up).
    let want = [
        ("2025-09-26", "2025-09-25"),
        ("2025-09-28", "2025-09-26"), // make-up Sunday fires, for Friday
        ("2025-09-29", "2025-09-28"), // Monday runs the make-up Sunday
        ("2025-09-30", "2025-09-29"),
        ("2025-10-09", "2025-09-30"), // first day after the holidays runs 30 Sep
        ("2025-10-10", "2025-10-09"),
        ("2025-10-11", "2025-10-10"), // make-up Saturday fires
        ("2025-10-13", "2025-10-11"), // Monday runs the make-up Saturday
        ("2025-10-14", "2025-10-13"),
    ];
    assert_eq!(got, pairs(&want));
}

#[tokio::test]
async fn spring_festival_2025_fires_on_business_days_with_the_previous_business_day() {
    // Thursday 2025-01-23 08:00 Shanghai; step onto 24 Jan ..= 11 Feb.
    let (w, g, _) = cn_world("2025-01-23").await;
    let got = step_days(&w, &g.0, "2025-01-24", 19).await;
    // Closed: Sat 25 Jan, 28 Jan – 4 Feb, Sun 9 Feb. Open: Sun 26 Jan and Sat 8 Feb (make-up).
    let want = [
        ("2025-01-24", "2025-01-23"),
        ("2025-01-26", "2025-01-24"),
        ("2025-01-27", "2025-01-26"),
        ("2025-02-05", "2025-01-27"),
        ("2025-02-06", "2025-02-05"),
        ("2025-02-07", "2025-02-06"),
        ("2025-02-08", "2025-02-07"),
        ("2025-02-10", "2025-02-08"),
        ("2025-02-11", "2025-02-10"),
    ];
    assert_eq!(got, pairs(&want));
}

#[tokio::test]
async fn a_backfill_over_the_holidays_runs_only_business_dates() {
    let (w, g, s) = cn_world("2025-10-20").await;
    let autumn = w.sched.backfill_dates(&s, "2025-09-27", "2025-10-12").await.unwrap();
    assert_eq!(autumn, ["2025-09-28", "2025-09-29", "2025-09-30", "2025-10-09", "2025-10-10", "2025-10-11"]);
    let spring = w.sched.backfill_dates(&s, "2025-01-25", "2025-02-09").await.unwrap();
    assert_eq!(spring, ["2025-01-26", "2025-01-27", "2025-02-05", "2025-02-06", "2025-02-07", "2025-02-08"]);
    for d in &autumn {
        w.sched.enqueue(&s, d, RunKind::Backfill, "admin").await.unwrap();
    }
    w.sched.drain().await.unwrap();
    let runs = w.store.runs(&RunFilter::default().graph(&g.0), 100).await.unwrap();
    let mut ran: Vec<String> = runs.iter().map(|r| r.biz_date.clone()).collect();
    ran.sort();
    assert_eq!(ran, autumn, "one run per business date, none for 1–8 October");
    assert!(runs.iter().all(|r| r.status == RunStatus::Succeeded && r.kind == RunKind::Backfill), "{runs:?}");
}
