//! Editing a schedule's settings (the server checked them first), and graph
//! names for the messages about schedules.

use super::scheduling::ScheduleRow;
use super::{Result, Store, StoreError};

impl Store {
    /// Writes every editable setting of `s` (not its hash, high-water mark or author).
    pub async fn update_schedule(&self, s: &ScheduleRow) -> Result<()> {
        let n = sqlx::query(
            "UPDATE schedules SET cron = $1, timezone = $2, biz_date_offset = $3, enabled = $4, retries = $5, \
             sla = $6, depends_on = $7, calendar = $8 WHERE id = $9",
        )
        .bind(&s.cron)
        .bind(&s.timezone)
        .bind(s.biz_date_offset)
        .bind(s.enabled)
        .bind(s.retries)
        .bind(&s.sla)
        .bind(&s.depends_on)
        .bind(&s.calendar)
        .bind(&s.id)
        .execute(self.pool())
        .await?;
        if n.rows_affected() == 0 { Err(StoreError::NotFound) } else { Ok(()) }
    }

    /// A graph's name (for messages people read), `None` when it is gone.
    pub async fn graph_name(&self, id: &str) -> Result<Option<String>> {
        Ok(sqlx::query_scalar("SELECT name FROM graphs WHERE id = $1").bind(id).fetch_optional(self.pool()).await?)
    }
}
