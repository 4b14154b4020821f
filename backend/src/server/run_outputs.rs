//! A run's output files: `GET /api/runs/{id}/outputs/{node}` downloads what a
//! file sink of the run wrote. Who may: admins, and analysts for the runs they
//! see (their own drafts, the production runs of their graphs). The file is
//! found from the path the run recorded, under the run's write root (the
//! environment's data root, or the requester's sandbox for a draft), and
//! must resolve inside it (symlinks included). A later run of the same graph
//! may have replaced the file since: the download is what is there now.

use super::AppState;
use super::auth::{CurrentUser, Role};
use super::error::{ApiError, ApiResult};
use axum::Router;
use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, Request, header};
use axum::response::Response;
use axum::routing::get;
use tower_http::services::ServeFile;

pub fn router() -> Router<AppState> {
    Router::new().route("/api/runs/{id}/outputs/{node}", get(download))
}

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
const PARQUET: &str = "application/vnd.apache.parquet";

/// The media type of an output file, by the extension its sink gave it (the
/// types the OpenAPI document lists for the download).
fn content_type(rel: &str) -> &'static str {
    let ext = rel.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase()).unwrap_or_default();
    match ext.as_str() {
        "csv" => "text/csv",
        "xlsx" => XLSX,
        "parquet" => PARQUET,
        _ => "application/octet-stream",
    }
}

/// A file name safe for a `Content-Disposition` header.
fn attachment(rel: &str) -> HeaderValue {
    let name: String = rel
        .rsplit('/')
        .next()
        .unwrap_or("output")
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() || ".-_".contains(c) { c } else { '_' })
        .collect();
    HeaderValue::from_str(&format!("attachment; filename=\"{name}\"")).unwrap_or(HeaderValue::from_static("attachment"))
}

#[utoipa::path(get, path = "/api/runs/{id}/outputs/{node}",
    responses((status = 200, description = "the file the sink wrote, typed by its format",
        content(("text/csv"), ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
            ("application/vnd.apache.parquet"), ("application/octet-stream"))),
        (status = 403), (status = 404)))]
pub async fn download(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((id, node)): Path<(String, String)>,
) -> ApiResult<Response> {
    user.require(&[Role::Admin, Role::Analyst])?;
    let run = super::runs::visible_run(&state, &user, &id).await?;
    let n = state
        .store
        .run_nodes(&id)
        .await?
        .into_iter()
        .find(|n| n.node_id == node)
        .ok_or_else(|| ApiError::NotFound(format!("run `{id}` has no node `{node}`")))?;
    let rel = n
        .output
        .filter(|o| !o.is_empty() && n.kind != "sink.table")
        .ok_or_else(|| ApiError::NotFound(format!("node `{node}` of run `{id}` wrote no file")))?;
    let root = state.scheduler.output_root(&run).await.map_err(ApiError::Internal)?;
    let path = root.resolve_existing(&rel).map_err(ApiError::NotFound)?;
    let served = ServeFile::new(path)
        .try_call(Request::new(Body::empty()))
        .await
        .map_err(|e| ApiError::NotFound(format!("`{rel}` cannot be read: {e}")))?;
    let mut resp = served.map(Body::new);
    if resp.status().is_success() {
        resp.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type(&rel)));
    }
    resp.headers_mut().insert(header::CONTENT_DISPOSITION, attachment(&rel));
    Ok(resp)
}

#[cfg(test)]
mod tests {
    #[test]
    fn each_output_format_has_its_media_type() {
        assert_eq!(super::content_type("out/a.csv"), "text/csv");
        assert_eq!(super::content_type("out/A.XLSX"), super::XLSX);
        assert_eq!(super::content_type("q/bad.parquet"), super::PARQUET);
        assert_eq!(super::content_type("out/noext"), "application/octet-stream");
    }
}
