//! `POST /api/graphs/{id}/run`'s body: the business date and parameter values
//! the run dialog sends, bound against the graph before anything is queued.

use super::error::{ApiError, ApiResult};
use crate::scheduler::calendar;
use sluice_shared::api::runs::RunNow;

/// The business date and parameter values of a draft run: every value is
/// checked against the graph's declarations now, so the run never starts with
/// values that cannot bind.
/// Derived date parameters bind by `calendars` (the stored and built-in ones).
pub(super) fn draft_values(
    doc: &str,
    req: RunNow,
    today: String,
    calendars: &crate::engine::limits::Calendars,
) -> ApiResult<(String, crate::store::RunParams)> {
    let graph: sluice_shared::Graph =
        serde_json::from_str(doc).map_err(|e| ApiError::Internal(format!("stored graph: {e}")))?;
    let date = draft_date(&req, today)?;
    let mut given = req.params;
    if graph.params.contains_key("biz_date") {
        given.insert("biz_date".into(), date.clone());
    }
    sluice_shared::params::bind(&graph.params, &given, Some(calendars)).map_err(ApiError::InvalidGraph)?;
    given.remove("biz_date");
    Ok((date, crate::store::RunParams(given)))
}

/// A draft run's business date: the `biz_date` parameter or field (they must
/// agree), else `today`; checked as a date.
pub(super) fn draft_date(req: &RunNow, today: String) -> ApiResult<String> {
    let date = match (req.params.get("biz_date"), &req.biz_date) {
        (Some(p), Some(d)) if p != d => {
            return Err(ApiError::BadRequest(format!("`biz_date` is {d} but the parameter biz_date is {p}")));
        }
        (Some(p), _) => p.clone(),
        (None, Some(d)) => d.clone(),
        (None, None) => today,
    };
    Ok(calendar::date_range(&date, &date).map_err(ApiError::BadRequest)?.remove(0))
}
