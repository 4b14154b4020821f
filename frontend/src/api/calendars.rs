//! Business calendars (`/api/calendars`): list, detail, import, copy, delete.

use super::{ApiError, call, call_as};
use serde::Deserialize;
use serde_json::json;

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct CalendarInfo {
    pub name: String,
    pub builtin: bool,
    /// Seven `0`/`1`, Monday first.
    pub weekly: String,
    pub first_year: i32,
    pub last_year: i32,
    pub holidays: usize,
    pub workdays: usize,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct CalendarException {
    pub date: String,
    pub kind: String,
    pub note: String,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct CalendarDetail {
    #[serde(flatten)]
    pub info: CalendarInfo,
    pub exceptions: Vec<CalendarException>,
}

fn url(name: &str) -> String {
    format!("/api/calendars/{}", String::from(js_sys::encode_uri_component(name)))
}

pub async fn calendars() -> Result<Vec<CalendarInfo>, ApiError> {
    #[derive(Deserialize)]
    struct List {
        calendars: Vec<CalendarInfo>,
    }
    call_as::<List>("GET", "/api/calendars", None).await.map(|l| l.calendars)
}

pub async fn calendar(name: &str) -> Result<CalendarDetail, ApiError> {
    call_as("GET", &url(name), None).await
}

/// Imports a calendar file as calendar `name`: iCalendar when the text is a
/// `VCALENDAR`, else the CSV file (`date,kind,note`).
pub async fn import_calendar(name: &str, text: &str) -> Result<CalendarInfo, ApiError> {
    let form = if is_icalendar(text) { "ics" } else { "csv" };
    call_as("POST", "/api/calendars", Some(&json!({ "name": name, form: text }))).await
}

/// Whether a file's text is iCalendar (`BEGIN:VCALENDAR` first).
pub fn is_icalendar(text: &str) -> bool {
    let head = text.trim_start_matches('\u{feff}').trim_start();
    head.get(..15).is_some_and(|h| h.eq_ignore_ascii_case("BEGIN:VCALENDAR"))
}

/// Where a calendar downloads as `csv` or `ics`.
pub fn export_url(name: &str, form: &str) -> String {
    format!("{}/{form}", url(name))
}

/// Copies calendar `from` (e.g. the built-in `cn`) as `name`.
pub async fn copy_calendar(name: &str, from: &str) -> Result<CalendarInfo, ApiError> {
    call_as("POST", "/api/calendars", Some(&json!({ "name": name, "copy_from": from }))).await
}

pub async fn delete_calendar(name: &str) -> Result<(), ApiError> {
    call("DELETE", &url(name), None).await.map(drop)
}

/// A coming firing of a schedule and the business date it runs.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Firing {
    pub at: i64,
    pub biz_date: String,
}

/// The next 10 firings of schedule `id`, by its calendar.
pub async fn next_firings(id: &str) -> Result<Vec<Firing>, ApiError> {
    #[derive(Deserialize)]
    struct List {
        firings: Vec<Firing>,
    }
    let url = format!("/api/schedules/{}/next", String::from(js_sys::encode_uri_component(id)));
    call_as::<List>("GET", &url, None).await.map(|l| l.firings)
}
