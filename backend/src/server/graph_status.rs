//! `GET /api/graphs/status`: each graph of the caller's library with its stage
//! (`shared::api::graph_status`) and its last run the caller may see.

use super::AppState;
use super::auth::{CurrentUser, Role};
use super::error::ApiResult;
use crate::store::{Listing, RunFilter, RunRow};
use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use sluice_shared::api::graph_status::{GraphStage, GraphStatus, GraphStatusList, LastRun};
use std::collections::{BTreeMap, BTreeSet};

pub fn router() -> Router<AppState> {
    Router::new().route("/api/graphs/status", get(status))
}

#[utoipa::path(get, path = "/api/graphs/status",
    responses((status = 200, description = "stage and last run per graph (`shared::api::graph_status`)")))]
pub async fn status(State(state): State<AppState>, user: CurrentUser) -> ApiResult<Json<GraphStatusList>> {
    let graphs = match user.role {
        Role::Admin => state.store.list_graphs(None, Listing::default()).await?,
        Role::Analyst => state.store.list_graphs(Some(&user.id), Listing::default()).await?,
        Role::Viewer => state.store.list_approved_graphs(Listing::default()).await?,
    };
    let approved = state.store.latest_approved().await?;
    let pending: BTreeSet<String> = state
        .store
        .submissions(Some(sluice_shared::api::SubmissionStatus::Submitted), None)
        .await?
        .into_iter()
        .map(|s| s.graph_id)
        .collect();
    let scheduled: BTreeSet<String> =
        state.store.schedules().await?.into_iter().filter(|s| s.enabled != 0).map(|s| s.graph_id).collect();
    // The newest runs the caller sees, newest first: the first per graph is its last.
    let runs = state.store.runs_in_scope(super::runs::scope(&user), &RunFilter::default(), 2000).await?;
    let mut last: BTreeMap<String, RunRow> = BTreeMap::new();
    for r in runs {
        last.entry(r.graph_id.clone()).or_insert(r);
    }
    let graphs = graphs
        .into_iter()
        .map(|g| GraphStatus {
            stage: GraphStage::of(scheduled.contains(&g.id), pending.contains(&g.id), approved.contains_key(&g.id)),
            last_run: last.remove(&g.id).map(|r| LastRun {
                id: r.id,
                status: r.status,
                kind: r.kind,
                biz_date: r.biz_date,
                finished_at: r.finished_at,
            }),
            id: g.id,
        })
        .collect();
    Ok(Json(GraphStatusList { graphs }))
}
