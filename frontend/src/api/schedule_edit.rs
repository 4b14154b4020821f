//! Editing and deleting schedules (`PATCH` / `DELETE /api/schedules/{id}`).

use super::{ApiError, Schedule, ScheduleUpdate, call, call_as, to_json};

fn url(id: &str) -> String {
    format!("/api/schedules/{}", String::from(js_sys::encode_uri_component(id)))
}

/// Changes the settings in `body` (absent ones stay); answers the schedule as saved.
pub async fn update_schedule(id: &str, body: &ScheduleUpdate) -> Result<Schedule, ApiError> {
    call_as("PATCH", &url(id), Some(&to_json(body)?)).await
}

pub async fn delete_schedule(id: &str) -> Result<(), ApiError> {
    call("DELETE", &url(id), None).await.map(drop)
}
