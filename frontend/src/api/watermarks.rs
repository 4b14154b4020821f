//! Watermarks of incremental table reads (admins; types from `shared::api::watermarks`).

use super::{ApiError, call, call_as};
use sluice_shared::api::watermarks::{WatermarkList, WatermarkView};

/// Every graph's watermarks.
pub async fn watermarks() -> Result<Vec<WatermarkView>, ApiError> {
    call_as::<WatermarkList>("GET", "/api/watermarks", None).await.map(|l| l.watermarks)
}

/// Resets one watermark: the graph's next run in that environment reads from `initial` (or every row).
pub async fn reset_watermark(w: &WatermarkView) -> Result<(), ApiError> {
    let enc = |s: &str| String::from(js_sys::encode_uri_component(s));
    let url = format!("/api/graphs/{}/watermarks/{}/{}", enc(&w.graph_id), enc(&w.environment), enc(&w.node));
    call("DELETE", &url, None).await.map(drop)
}
