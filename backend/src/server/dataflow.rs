//! Data flow across the library (`shared::api::dataflow`): `GET /api/dataflow`
//! draws the graphs a user may see (latest versions) and the files and tables
//! between them; `GET /api/dataflow/schedules` compares the schedules'
//! dependencies with what their approved graphs read and write.

use super::AppState;
use super::auth::{CurrentUser, Role};
use super::error::ApiResult;
use crate::store::Listing;
use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use sluice_shared::Graph;
use sluice_shared::api::dataflow::{DataflowMap, ScheduleSuggestions, SuggestedDependency};

/// Most graphs one map draws (the library's newest first).
pub const MAX_GRAPHS: usize = 2000;

pub fn router() -> Router<AppState> {
    Router::new().route("/api/dataflow", get(map)).route("/api/dataflow/schedules", get(schedules))
}

fn parse(doc: &str) -> Option<Graph> {
    serde_json::from_str(doc).ok()
}

/// The library's data flow: every graph the caller may see, at its latest version.
#[utoipa::path(get, path = "/api/dataflow", responses((status = 200, body = DataflowMap)))]
pub async fn map(State(state): State<AppState>, user: CurrentUser) -> ApiResult<Json<DataflowMap>> {
    let graphs = visible(&state, &user).await?;
    let map = crate::engine::limits::off_thread(move || DataflowMap::build(&graphs)).await;
    Ok(Json(map))
}

/// The graphs `user` may see as (id, name, document), newest first, at most
/// [`MAX_GRAPHS`]: an admin's all, an analyst's own, a viewer's approved
/// versions (what runs, not a draft).
pub async fn visible(state: &AppState, user: &CurrentUser) -> ApiResult<Vec<(String, String, Graph)>> {
    let mut listed = match user.role {
        Role::Admin => state.store.list_graphs(None, Listing::Active).await?,
        Role::Analyst => state.store.list_graphs(Some(&user.id), Listing::Active).await?,
        Role::Viewer => state.store.list_approved_graphs(Listing::Active).await?,
    };
    listed.sort_by_key(|g| std::cmp::Reverse(g.updated_at));
    listed.truncate(MAX_GRAPHS);
    let mut graphs = Vec::with_capacity(listed.len());
    for g in listed {
        let row = state.store.get_graph(&g.id).await?;
        let doc = match user.role {
            Role::Viewer => match state.store.approved(&g.id).await? {
                Some(s) => state.store.get_version(&g.id, s.version).await?,
                None => continue,
            },
            _ => row.doc,
        };
        if let Some(graph) = parse(&doc) {
            graphs.push((g.id, g.name, graph));
        }
    }
    Ok(graphs)
}

/// The approved graph each schedule runs, mapped; one suggestion per schedule
/// and upstream graph (`missing` where the schedule does not wait for it yet).
pub async fn suggestions(state: &AppState) -> ApiResult<Vec<SuggestedDependency>> {
    let schedules = state.scheduler.schedules().await?;
    let mut graphs: Vec<(String, String, Graph)> = Vec::new();
    for s in &schedules {
        if graphs.iter().any(|(id, _, _)| *id == s.graph_id) {
            continue;
        }
        let doc = state.store.doc_by_hash(&s.graph_id, &s.hash).await?;
        if let Some(g) = parse(&doc) {
            graphs.push((s.graph_id.clone(), g.name.clone(), g));
        }
    }
    let names: Vec<(String, String)> = graphs.iter().map(|(id, n, _)| (id.clone(), n.clone())).collect();
    let map = crate::engine::limits::off_thread(move || DataflowMap::build(&graphs)).await;
    let mut out = Vec::new();
    for s in &schedules {
        let deps = s.dependencies();
        for (upstream, dataset) in map.upstream(&s.graph_id) {
            let upstream_name =
                names.iter().find(|(id, _)| *id == upstream).map(|(_, n)| n.clone()).unwrap_or_default();
            out.push(SuggestedDependency {
                schedule: s.id.clone(),
                graph: s.graph_id.clone(),
                missing: !deps.contains(&upstream),
                upstream_graph: upstream,
                upstream_name,
                dataset,
            });
        }
    }
    Ok(out)
}

/// Dependencies the schedules should have: a schedule whose graph reads a file
/// or table another scheduled graph writes should wait for that graph.
#[utoipa::path(get, path = "/api/dataflow/schedules", responses((status = 200, body = ScheduleSuggestions)))]
pub async fn schedules(State(state): State<AppState>, _user: CurrentUser) -> ApiResult<Json<ScheduleSuggestions>> {
    Ok(Json(ScheduleSuggestions { suggestions: suggestions(&state).await? }))
}
