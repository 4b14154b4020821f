//! What happens after a run: retries with backoff or an alert, and SLA
//! deadlines. Only production runs (scheduled, backfill) alert or count.

use super::{Result, Scheduler, alerts, calendar};
use crate::store::RunFilter;
use crate::store::{AlertRow, NewRun, RunKind, RunRow, ScheduleRow};

impl Scheduler {
    /// After a failed or interrupted attempt: queue the next one with
    /// exponential backoff, or, when attempts are used up, alert.
    pub(super) async fn retry_or_alert(&self, r: &RunRow, why: &str) -> Result<()> {
        if r.kind == RunKind::Draft {
            // A draft's failure is its author's to see in the run list, not an operations alert.
            return Ok(());
        }
        let schedule = match &r.schedule_id {
            Some(id) => self.store.schedule(id).await.ok(),
            None => None,
        };
        let (retries, backoff) = schedule.as_ref().map(|s| (s.retries, s.backoff_secs)).unwrap_or((0, 0));
        if r.attempt <= retries {
            let delay = backoff.saturating_mul(1 << (r.attempt - 1).min(20)) * 1000;
            let next = NewRun {
                schedule_id: r.schedule_id.as_deref(),
                graph_id: &r.graph_id,
                // The schedule follows the latest approval; so do its retries.
                hash: schedule.as_ref().map_or(&r.hash, |s| &s.hash),
                biz_date: &r.biz_date,
                kind: r.kind,
                attempt: r.attempt + 1,
                not_before: self.clock.now_ms() + delay,
                requested_by: &r.requested_by,
                params: &r.params,
            };
            self.queue(next).await?;
            return Ok(());
        }
        let message = format!(
            "run {} of graph {} for {} failed after {} attempt(s): {why}",
            r.id,
            self.graph_name(&r.graph_id).await,
            r.biz_date,
            r.attempt
        );
        self.alert(r.schedule_id.as_deref(), Some(&r.id), &r.biz_date, "failure", message).await
    }

    pub(super) async fn check_sla(&self, s: &ScheduleRow, now: i64) -> Result<()> {
        let (Ok(tz), Some(Ok(sla))) = (calendar::parse_tz(&s.timezone), s.sla.as_deref().map(calendar::parse_sla))
        else {
            return Ok(());
        };
        let mut dates: Vec<String> = self
            .store
            .runs(&RunFilter { graph_id: Some(s.graph_id.clone()), ..RunFilter::default() }, 200)
            .await?
            .into_iter()
            // A backfill re-runs past dates on purpose: their deadlines passed long ago.
            .filter(|r| r.schedule_id.as_deref() == Some(&s.id) && r.kind == RunKind::Scheduled)
            .map(|r| r.biz_date)
            .collect();
        dates.sort();
        dates.dedup();
        let cal = self.schedule_calendar(s).await.ok().flatten();
        for date in dates {
            let deadline = match &cal {
                None => calendar::sla_deadline(tz, &date, sla),
                // By the same calendar: the SLA time on the next business day.
                Some(cal) => calendar::business_sla_deadline(cal, tz, &date, sla),
            };
            let Some(deadline) = deadline else { continue };
            if now <= deadline {
                continue;
            }
            let runs = self.store.production_successes(&s.graph_id, &date).await?;
            if runs.iter().any(|r| r.finished_at.is_some_and(|f| f <= deadline)) {
                continue;
            }
            let message = format!(
                "graph {} missed its SLA: the run for {date} had not succeeded by {} ({})",
                self.graph_name(&s.graph_id).await,
                s.sla.as_deref().unwrap_or(""),
                s.timezone
            );
            self.alert(Some(&s.id), None, &date, "sla_miss", message).await?;
        }
        Ok(())
    }

    /// Alerts once per year when schedule `s` will fire within 30 days on a day
    /// its calendar has no data for (it would not fire then).
    pub(super) async fn check_calendar_gap(&self, s: &ScheduleRow, now: i64) -> Result<()> {
        let (Ok(cron), Ok(tz)) = (calendar::parse_cron(&s.cron), calendar::parse_tz(&s.timezone)) else {
            return Ok(());
        };
        let Ok(Some(cal)) = self.schedule_calendar(s).await else { return Ok(()) };
        let soon = calendar::fire_times(&cron, tz, now, now + 30 * 86_400_000, 1000);
        let Some(year) = soon.into_iter().find_map(|f| calendar::uncovered_year(&cal, tz, f)) else {
            return Ok(());
        };
        let message = format!(
            "the schedule of graph {} fires within 30 days in {year}, which calendar `{}` has no data for \
             (it covers {} to {}); add that year's holidays",
            self.graph_name(&s.graph_id).await,
            s.calendar,
            cal.years().0,
            cal.years().1
        );
        self.alert(Some(&s.id), None, &format!("{year}-01-01"), "calendar_gap", message).await
    }

    /// A graph's name for messages people read (its id when it is gone).
    pub(super) async fn graph_name(&self, id: &str) -> String {
        self.store.graph_name(id).await.ok().flatten().unwrap_or_else(|| id.to_string())
    }

    pub(super) async fn alert(
        &self,
        schedule: Option<&str>,
        run: Option<&str>,
        date: &str,
        kind: &str,
        message: String,
    ) -> Result<()> {
        let row = AlertRow {
            id: uuid::Uuid::new_v4().to_string(),
            run_id: run.map(str::to_string),
            schedule_id: schedule.map(str::to_string),
            biz_date: date.to_string(),
            kind: kind.to_string(),
            message,
            at: self.clock.now_ms(),
            delivered: 0,
        };
        if !self.store.record_alert(&row).await? {
            return Ok(()); // already alerted for this schedule, date and kind
        }
        if let Some(url) = &self.webhook
            && alerts::post_json(url, &serde_json::to_value(&row).unwrap_or_default()).await.is_ok()
        {
            self.store.mark_alert_delivered(&row.id).await?;
        }
        Ok(())
    }
}
