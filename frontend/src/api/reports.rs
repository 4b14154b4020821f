//! Reports (`/api/reports`): the list, dates, a page of rows, downloads,
//! Explore's pivots and "save as report" (over a report or a file sink's
//! published output, `/api/published`). Types are `shared::api::reports`' and
//! `shared::api::published`'.

use super::{ApiError, call_as};
use sluice_shared::api::published::{PublishedList, PublishedSample};
use sluice_shared::api::reports::{
    Grant, PivotRequest, PivotResult, ReportDates, ReportList, ReportRows, RowsQuery, SaveAsReport, SavedReport,
    Viewers,
};

fn enc(s: &str) -> String {
    String::from(js_sys::encode_uri_component(s))
}

fn base(name: &str) -> String {
    format!("/api/reports/{}", enc(name))
}

/// `?date=…&sort=…` for a rows query (and the downloads of the same view).
pub fn query_string(q: &RowsQuery) -> String {
    let mut parts = Vec::new();
    let mut add = |k: &str, v: String| parts.push(format!("{k}={}", enc(&v)));
    if let Some(d) = &q.date {
        add("date", d.clone());
    }
    if q.draft {
        add("draft", "true".into());
    }
    if q.offset > 0 {
        add("offset", q.offset.to_string());
    }
    if let Some(l) = q.limit {
        add("limit", l.to_string());
    }
    if let Some(s) = &q.sort {
        add("sort", s.clone());
        add("desc", q.desc.to_string());
    }
    if let (Some(c), Some(t)) = (&q.filter_column, &q.filter)
        && !t.is_empty()
    {
        add("filter_column", c.clone());
        add("filter", t.clone());
    }
    if parts.is_empty() { String::new() } else { format!("?{}", parts.join("&")) }
}

pub async fn reports() -> Result<ReportList, ApiError> {
    call_as("GET", "/api/reports", None).await
}

pub async fn report_dates(name: &str) -> Result<ReportDates, ApiError> {
    call_as("GET", &format!("{}/dates", base(name)), None).await
}

pub async fn report_rows(name: &str, q: &RowsQuery) -> Result<ReportRows, ApiError> {
    call_as("GET", &format!("{}/rows{}", base(name), query_string(q)), None).await
}

/// Where a download of the same view is (`csv`, `xlsx`, `svg`, `png`).
pub fn download_url(name: &str, kind: &str, q: &RowsQuery) -> String {
    let q = RowsQuery { offset: 0, limit: None, ..q.clone() };
    format!("{}/{kind}{}", base(name), query_string(&q))
}

/// What Explore reads: a report, or a file sink's published output.
#[derive(Debug, Clone, PartialEq)]
pub enum Target {
    Report(String),
    Published { graph: String, node: String },
}

impl Target {
    fn base(&self) -> String {
        match self {
            Target::Report(name) => base(name),
            Target::Published { graph, node } => published_base(graph, node),
        }
    }
}

fn published_base(graph: &str, node: &str) -> String {
    format!("/api/published/{}/{}", enc(graph), enc(node))
}

pub async fn pivot_at(target: &Target, p: &PivotRequest) -> Result<PivotResult, ApiError> {
    let body = serde_json::to_value(p).map_err(|e| ApiError::local(e.to_string()))?;
    call_as("POST", &format!("{}/pivot", target.base()), Some(&body)).await
}

pub async fn save_at(target: &Target, s: &SaveAsReport) -> Result<SavedReport, ApiError> {
    let body = serde_json::to_value(s).map_err(|e| ApiError::local(e.to_string()))?;
    call_as("POST", &format!("{}/save", target.base()), Some(&body)).await
}

/// File sinks' published outputs the user may explore.
pub async fn published() -> Result<PublishedList, ApiError> {
    call_as("GET", "/api/published", None).await
}

/// A published output's columns and first rows for a date (latest when `None`).
pub async fn published_sample(graph: &str, node: &str, date: Option<&str>) -> Result<PublishedSample, ApiError> {
    let q = date.map(|d| format!("?date={}", enc(d))).unwrap_or_default();
    call_as("GET", &format!("{}{q}", published_base(graph, node)), None).await
}

/// Who may read a report besides its owner (owner or admin only; 403 otherwise).
pub async fn report_viewers(name: &str) -> Result<Viewers, ApiError> {
    call_as("GET", &format!("{}/viewers", base(name)), None).await
}

pub async fn grant_viewer(name: &str, username: &str) -> Result<Viewers, ApiError> {
    let body =
        serde_json::to_value(Grant { username: username.to_string() }).map_err(|e| ApiError::local(e.to_string()))?;
    call_as("POST", &format!("{}/viewers", base(name)), Some(&body)).await
}

pub async fn revoke_viewer(name: &str, username: &str) -> Result<(), ApiError> {
    super::call("DELETE", &format!("{}/viewers/{}", base(name), enc(username)), None).await.map(drop)
}
