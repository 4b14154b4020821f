//! Schedules that follow a business calendar, with the manual clock: firing on
//! business days only (a make-up Saturday included), T-1 counted in business
//! days, backfills skipping closed days, and the SLA measured in business days.
//! The calendar is a stored one, as an admin would import it.

mod common;

use common::world::{DAY, World};
use sluice_shared::calendar::parse_csv;

/// Late November 2026 (the world's clock starts Friday 2026-11-20 08:00 Shanghai):
/// a two-day closure on Tuesday and Wednesday, and a make-up Saturday.
const BANK: &str = "date,kind,note
2026-11-24,holiday,bank closure
2026-11-25,holiday,bank closure
2026-11-28,workday,make-up Saturday
";

async fn with_calendar(w: &World, sla: Option<&str>, graph: &(String, String)) -> sluice_backend::store::ScheduleRow {
    let cal = parse_csv(BANK).unwrap();
    if w.store.calendar("bank").await.unwrap().is_none() {
        w.store.create_calendar("bank", &cal, "admin").await.unwrap();
    }
    let mut s = w.schedule(graph, &[], 0, sla).await;
    // The world's helper makes every-day schedules; this one follows `bank`.
    w.store.delete_schedule(&s.id).await.unwrap();
    s.id = uuid::Uuid::new_v4().to_string();
    s.calendar = "bank".into();
    w.store.create_schedule(&s).await.unwrap();
    s
}

#[tokio::test]
async fn fires_on_business_days_with_t_minus_one_in_business_days() {
    let w = World::new(None).await;
    let g = w.graph("bank", "in").await;
    for d in ["2026-11-20", "2026-11-23", "2026-11-26", "2026-11-27", "2026-11-28"] {
        w.input("in", d, "a\n1\n");
    }
    with_calendar(&w, None, &g).await;
    w.clock.advance(10 * DAY); // firings at 02:00 on 2026-11-21 ..= 2026-11-30
    w.sched.drain().await.unwrap();
    w.sched.drain().await.unwrap();
    let got: Vec<String> = w.statuses(&g.0).await.into_iter().map(|(d, s, _)| format!("{d} {s}")).collect();
    // Sat 21, Sun 22, Tue 24, Wed 25, Sun 29: closed, no firing. Mon 23 runs Fri 20;
    // Thu 26 runs Mon 23 (24-25 closed); Sat 28 (make-up) runs 27; Mon 30 runs Sat 28.
    assert_eq!(
        got,
        [
            "2026-11-20 succeeded",
            "2026-11-23 succeeded",
            "2026-11-26 succeeded",
            "2026-11-27 succeeded",
            "2026-11-28 succeeded"
        ]
    );
}

#[tokio::test]
async fn a_backfill_skips_closed_days_and_refuses_years_without_data() {
    let w = World::new(None).await;
    let g = w.graph("fill", "in").await;
    let s = with_calendar(&w, None, &g).await;
    let dates = w.sched.backfill_dates(&s, "2026-11-21", "2026-11-30").await.unwrap();
    assert_eq!(dates, ["2026-11-23", "2026-11-26", "2026-11-27", "2026-11-28", "2026-11-30"]);
    let err = w.sched.backfill_dates(&s, "2026-12-30", "2027-01-04").await.unwrap_err();
    assert!(err.to_string().contains("2027"), "{err}");
}

#[tokio::test]
async fn the_sla_counts_to_the_next_business_day() {
    let w = World::new(None).await;
    let g = w.graph("late", "none").await; // its input never arrives: every run fails
    with_calendar(&w, Some("08:00"), &g).await;
    // Monday 2026-11-23 03:00: fired for Friday 20. By days the SLA (Saturday 08:00)
    // has passed; by the calendar it is Monday 08:00, still ahead.
    w.clock.advance(2 * DAY + 19 * 3_600_000);
    w.sched.drain().await.unwrap();
    w.sched.drain().await.unwrap();
    let misses = |a: Vec<sluice_backend::store::AlertRow>| a.into_iter().filter(|a| a.kind == "sla_miss").count();
    assert_eq!(w.statuses(&g.0).await.len(), 1);
    assert_eq!(misses(w.store.alerts(50).await.unwrap()), 0, "not missed yet in business time");
    w.clock.advance(5 * 3_600_000 + 60_000); // Monday 08:01
    w.sched.drain().await.unwrap();
    let alerts = w.store.alerts(50).await.unwrap();
    assert_eq!(misses(alerts.clone()), 1);
    assert!(alerts.iter().any(|a| a.kind == "sla_miss" && a.biz_date == "2026-11-20"));
}

#[tokio::test]
async fn a_year_without_calendar_data_is_alerted_once_30_days_ahead() {
    let w = World::new(None).await;
    let g = w.graph("gap", "in").await;
    with_calendar(&w, None, &g).await; // `bank` covers 2026 only
    let gaps = |a: Vec<sluice_backend::store::AlertRow>| {
        a.into_iter().filter(|a| a.kind == "calendar_gap").map(|a| (a.biz_date, a.message)).collect::<Vec<_>>()
    };
    w.sched.drain().await.unwrap();
    assert!(gaps(w.store.alerts(50).await.unwrap()).is_empty(), "2027 is more than 30 days away on 2026-11-20");
    w.clock.advance(13 * DAY); // 2026-12-03: the 2027-01-01 firing is within 30 days
    w.sched.drain().await.unwrap();
    w.clock.advance(DAY);
    w.sched.drain().await.unwrap();
    let got = gaps(w.store.alerts(50).await.unwrap());
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!(got[0].0, "2027-01-01");
    assert!(got[0].1.contains("2027") && got[0].1.contains("bank"), "{}", got[0].1);
}
