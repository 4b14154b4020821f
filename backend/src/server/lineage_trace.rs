//! `POST /api/lineage/trace`: one column of the graph being edited, followed
//! back through the graphs of the library the caller may see (the data-flow
//! map's links: a file or table one graph writes and another reads). The walk
//! is `shared`'s [`trace`]; this plans each graph it asks for, in `dev`, within
//! the preview's time bound, and at most [`MAX_GRAPHS`] of them.

use super::AppState;
use super::auth::{CurrentUser, Role};
use super::error::{ApiError, ApiJson, ApiResult};
use axum::Json;
use sluice_shared::api::dataflow::DataflowMap;
use sluice_shared::api::lineage_trace::{ColumnTrace, DRAFT_ID, MAX_GRAPHS, Next, Planned, TraceRequest, trace};
use std::collections::BTreeMap;
use std::sync::Arc;

/// Where one column comes from, across graphs: the first step is the posted
/// graph's column; each further step a column another graph writes into a
/// file or table a step before reads. An invalid posted graph answers 422.
#[utoipa::path(post, path = "/api/lineage/trace", request_body = TraceRequest,
    responses((status = 200, body = ColumnTrace), (status = 422), (status = 504)))]
pub async fn column_trace(
    axum::extract::State(state): axum::extract::State<AppState>,
    user: CurrentUser,
    ApiJson(req): ApiJson<TraceRequest>,
) -> ApiResult<Json<ColumnTrace>> {
    user.require(&[Role::Admin, Role::Analyst])?;
    let graph = sluice_shared::parse_graph_value(req.graph).map_err(ApiError::InvalidGraph)?;
    let start_id = req.graph_id.clone().unwrap_or_else(|| DRAFT_ID.to_string());
    let mut library = super::dataflow::visible(&state, &user).await?;
    library.retain(|(id, _, _)| *id != start_id);
    library.push((start_id.clone(), graph.name.clone(), graph));
    let names: BTreeMap<String, String> = library.iter().map(|(id, n, _)| (id.clone(), n.clone())).collect();
    let library = Arc::new(library);
    let shared = library.clone();
    let map = crate::engine::limits::off_thread(move || DataflowMap::build(&shared)).await;
    let mut planned = Planned::new();
    loop {
        match trace((&start_id, &req.node, &req.column), &map, &names, &planned) {
            Next::Done(answer) => return Ok(Json(answer)),
            Next::Need(id) if planned.len() >= MAX_GRAPHS => {
                return Err(ApiError::Internal(format!("lineage trace asked for graph {id} past its limit")));
            }
            Next::Need(id) => {
                let Some(doc) = library.iter().find(|(g, _, _)| *g == id).map(|(_, _, doc)| doc.clone()) else {
                    planned.insert(id, Err("graph not found".to_string()));
                    continue;
                };
                let start = id == start_id;
                let given = if start { req.params.clone() } else { BTreeMap::new() };
                let lineage = match super::lineage::compute(&state, doc, given).await {
                    Ok(l) => Ok(l),
                    // The edited graph's own problems are the answer; an upstream
                    // graph's end only its branch of the walk.
                    Err(e) if start => return Err(e),
                    Err(e) => Err(upstream_reason(e)),
                };
                planned.insert(id, lineage);
            }
        }
    }
}

/// Why an upstream graph has no lineage, in one line.
fn upstream_reason(e: ApiError) -> String {
    match e {
        ApiError::InvalidGraph(problems) => {
            problems.iter().map(|p| p.to_string()).take(3).collect::<Vec<_>>().join("; ")
        }
        other => other.message(),
    }
}
