//! Business calendars kept by admins. The exceptions are stored as the calendar
//! file (`date,kind,note`); reading them back goes through the same parser as
//! `sluice bizdate`, so the store can never hold a calendar the CLI would refuse.

use super::{Result, Store, StoreError, now_ms};
use sluice_shared::calendar::{self, Calendar};
use std::collections::BTreeMap;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct CalendarRow {
    pub name: String,
    /// Seven `0`/`1`, Monday first.
    pub weekly: String,
    pub exceptions_csv: String,
    pub updated_by: String,
    pub updated_at: i64,
}

/// `1111100` ⇄ `[true; 5] + [false; 2]`.
pub fn weekly_text(open: [bool; 7]) -> String {
    open.iter().map(|o| if *o { '1' } else { '0' }).collect()
}

pub fn weekly_from_text(text: &str) -> Option<[bool; 7]> {
    let bytes = text.as_bytes();
    if bytes.len() != 7 || !bytes.iter().all(|b| *b == b'0' || *b == b'1') {
        return None;
    }
    Some(std::array::from_fn(|i| bytes[i] == b'1'))
}

impl CalendarRow {
    /// The calendar this row holds (rows are checked before they are written).
    pub fn calendar(&self) -> Option<Calendar> {
        let open = weekly_from_text(&self.weekly)?;
        calendar::parse_csv_with(&self.exceptions_csv, open).ok()
    }
}

impl Store {
    pub async fn list_calendars(&self) -> Result<Vec<CalendarRow>> {
        Ok(sqlx::query_as("SELECT name, weekly, exceptions_csv, updated_by, updated_at FROM calendars ORDER BY name")
            .fetch_all(self.pool())
            .await?)
    }

    pub async fn calendar(&self, name: &str) -> Result<Option<CalendarRow>> {
        Ok(sqlx::query_as("SELECT name, weekly, exceptions_csv, updated_by, updated_at FROM calendars WHERE name = $1")
            .bind(name)
            .fetch_optional(self.pool())
            .await?)
    }

    /// Every stored calendar by name, parsed.
    pub async fn calendars_by_name(&self) -> Result<BTreeMap<String, Calendar>> {
        let rows = self.list_calendars().await?;
        Ok(rows.iter().filter_map(|r| Some((r.name.clone(), r.calendar()?))).collect())
    }

    /// Adds a calendar; `Duplicate` when the name is taken.
    pub async fn create_calendar(&self, name: &str, cal: &Calendar, by: &str) -> Result<CalendarRow> {
        let row = CalendarRow {
            name: name.to_string(),
            weekly: weekly_text(cal.weekly()),
            exceptions_csv: cal.to_csv(),
            updated_by: by.to_string(),
            updated_at: now_ms(),
        };
        let res = sqlx::query(
            "INSERT INTO calendars (name, weekly, exceptions_csv, updated_by, updated_at) VALUES ($1, $2, $3, $4, $5) \
             ON CONFLICT (name) DO NOTHING",
        )
        .bind(&row.name)
        .bind(&row.weekly)
        .bind(&row.exceptions_csv)
        .bind(&row.updated_by)
        .bind(row.updated_at)
        .execute(self.pool())
        .await?;
        if res.rows_affected() == 0 {
            return Err(StoreError::Duplicate(format!("calendar `{name}`")));
        }
        Ok(row)
    }

    /// Replaces a calendar's week and exceptions; `NotFound` when there is none.
    pub async fn replace_calendar(&self, name: &str, cal: &Calendar, by: &str) -> Result<CalendarRow> {
        let row = CalendarRow {
            name: name.to_string(),
            weekly: weekly_text(cal.weekly()),
            exceptions_csv: cal.to_csv(),
            updated_by: by.to_string(),
            updated_at: now_ms(),
        };
        let res = sqlx::query(
            "UPDATE calendars SET weekly = $1, exceptions_csv = $2, updated_by = $3, updated_at = $4 WHERE name = $5",
        )
        .bind(&row.weekly)
        .bind(&row.exceptions_csv)
        .bind(&row.updated_by)
        .bind(row.updated_at)
        .bind(&row.name)
        .execute(self.pool())
        .await?;
        if res.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(row)
    }

    pub async fn delete_calendar(&self, name: &str) -> Result<()> {
        let res = sqlx::query("DELETE FROM calendars WHERE name = $1").bind(name).execute(self.pool()).await?;
        if res.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }
}
