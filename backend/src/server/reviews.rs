//! Submission and review. An analyst submits a saved version; an admin other
//! than the submitter (four eyes) approves or rejects it with a comment, and
//! nobody approves a version containing a change they saved themselves since
//! the last approval (an admin who edited someone's graph cannot approve it). The
//! approved version is pinned by the content hash of its canonical JSON, and
//! the review page shows what changed against the version approved before it:
//! nodes, settings, edges, the columns at each changed node, and sample rows
//! of each affected sink.

use super::AppState;
use super::access::graph_for;
use super::auth::{CurrentUser, Role};
use super::error::{ApiError, ApiJson, ApiResult};
use crate::engine::{self, Mode, preview};
use crate::environments::{DEV, Resolved};
use crate::store::content_hash;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::Value;
use sluice_shared::api::reviews::Submission;
pub use sluice_shared::api::reviews::{
    Approved, Decision, NodeSchemaDiff, ReviewDetail, SinkSampleDiff, SubmissionList, SubmitRequest,
};
use sluice_shared::api::{SubmissionFilter, SubmissionStatus};
use sluice_shared::diff::diff;
use sluice_shared::{Category, Graph, NodeKind, Schema};
use std::collections::{BTreeMap, BTreeSet};

mod decide;
pub mod impact;
pub mod uses;
use decide::{archived, decide};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/graphs/{id}/submit", post(submit))
        .route("/api/graphs/{id}/submissions", get(graph_submissions))
        .route("/api/graphs/{id}/approved", get(approved))
        .route("/api/reviews", get(queue))
        .route("/api/reviews/{sid}", get(detail))
        .route("/api/reviews/{sid}/approve", post(approve))
        .route("/api/reviews/{sid}/reject", post(reject))
        .route("/api/reviews/{sid}/impact", get(impact::get_impact))
}

fn parse_doc(doc: &str) -> ApiResult<Graph> {
    serde_json::from_str(doc).map_err(|e| ApiError::Internal(format!("stored graph: {e}")))
}

#[utoipa::path(post, path = "/api/graphs/{id}/submit", request_body = SubmitRequest,
    responses((status = 201, body = Submission), (status = 404), (status = 409), (status = 422)))]
pub async fn submit(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    ApiJson(req): ApiJson<SubmitRequest>,
) -> ApiResult<(StatusCode, Json<Submission>)> {
    user.require(&[Role::Admin, Role::Analyst])?;
    let row = graph_for(&state, &user, &id).await?;
    if row.archived_at.is_some() {
        return Err(archived(&id));
    }
    let version = req.version.unwrap_or(row.version);
    let doc =
        state.store.get_version(&id, version).await.map_err(ApiError::missing(format!("no version {version}")))?;
    // Only a graph that validates against the real data can be submitted.
    let graph = parse_doc(&doc)?;
    let dev = state.environment(DEV).await?;
    let opts = engine::Options { connections: Some(dev.connections), ..Default::default() };
    engine::prepare_with(&graph, &BTreeMap::new(), &dev.root, Mode::Check, opts).await?;
    let sub = state.store.submit(&id, version, &content_hash(&doc), req.message.trim(), &user.username).await?;
    state.store.audit(&user.username, "submit", &id, &format!("version {version}")).await?;
    Ok((StatusCode::CREATED, Json(sub.into())))
}

#[derive(Deserialize, utoipa::IntoParams)]
pub struct QueueFilter {
    /// One state (default `submitted`) or `all`.
    #[serde(default)]
    pub status: Option<SubmissionFilter>,
}

/// Admins see every submission (default: those awaiting review); others their own.
#[utoipa::path(get, path = "/api/reviews", responses((status = 200, body = SubmissionList)))]
pub async fn queue(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(f): Query<QueueFilter>,
) -> ApiResult<Json<SubmissionList>> {
    let status = f.status.unwrap_or(SubmissionFilter::Submitted).status();
    let mut subs = state.store.submissions(status, None).await?;
    if user.role != Role::Admin {
        subs.retain(|s| s.submitted_by == user.username);
    }
    Ok(Json(SubmissionList { submissions: subs.into_iter().map(Submission::from).collect() }))
}

#[utoipa::path(get, path = "/api/graphs/{id}/submissions", responses((status = 200, body = SubmissionList), (status = 404)))]
pub async fn graph_submissions(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> ApiResult<Json<SubmissionList>> {
    graph_for(&state, &user, &id).await?;
    let subs = state.store.submissions(None, Some(&id)).await?;
    Ok(Json(SubmissionList { submissions: subs.into_iter().map(Submission::from).collect() }))
}

/// The version that runs today. Viewers may read it; nobody can change it.
#[utoipa::path(get, path = "/api/graphs/{id}/approved", responses((status = 200, body = Approved), (status = 404)))]
pub async fn approved(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> ApiResult<Json<Approved>> {
    if user.role != Role::Viewer {
        graph_for(&state, &user, &id).await?;
    }
    let sub = state
        .store
        .approved(&id)
        .await?
        .ok_or_else(|| ApiError::NotFound("this graph has no approved version".into()))?;
    let doc = state.store.get_version(&id, sub.version).await?;
    Ok(Json(Approved { version: sub.version, hash: sub.hash, graph: parse_doc(&doc)? }))
}

#[utoipa::path(get, path = "/api/reviews/{sid}", responses((status = 200, body = ReviewDetail), (status = 404)))]
pub async fn detail(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(sid): Path<String>,
) -> ApiResult<Json<ReviewDetail>> {
    let sub = state.store.submission(&sid).await.map_err(ApiError::missing(format!("no submission `{sid}`")))?;
    if user.role != Role::Admin && sub.submitted_by != user.username {
        return Err(ApiError::NotFound(format!("no submission `{sid}`")));
    }
    let graph = parse_doc(&state.store.get_version(&sub.graph_id, sub.version).await?)?;
    // Compare with the version approved before this submission was decided.
    let base_sub = state
        .store
        .submissions(Some(SubmissionStatus::Approved), Some(&sub.graph_id))
        .await?
        .into_iter()
        .find(|s| s.id != sub.id && s.reviewed_at.unwrap_or(0) <= sub.reviewed_at.unwrap_or(i64::MAX));
    let (base, base_version) = match &base_sub {
        Some(b) => (Some(parse_doc(&state.store.get_version(&sub.graph_id, b.version).await?)?), Some(b.version)),
        None => (None, None),
    };
    let empty = Graph::new(&graph.name);
    let before = base.as_ref().unwrap_or(&empty);
    let d = diff(before, &graph);
    let touched: BTreeSet<String> =
        d.nodes_added.iter().chain(d.nodes_changed.iter().map(|c| &c.id)).cloned().collect();
    // Columns and samples as the editor sees them (`dev`); what the version
    // reads and writes where it will run (`prod`).
    let dev = state.environment(DEV).await?;
    let schemas = schema_diffs(&dev, before, &graph, &touched).await;
    let samples = sample_diffs(&state, &dev, before, &graph, &touched).await;
    let connections = uses::in_prod(&state, &graph).await?;
    let last_checks = state.store.last_production_checks(&sub.graph_id).await?.map(|(_, c)| c).unwrap_or_default();
    let check_changes = sluice_shared::check_diff::rule_changes(before, &graph);
    Ok(Json(ReviewDetail {
        submission: sub.into(),
        graph,
        base,
        base_version,
        diff: d,
        schemas,
        samples,
        connections,
        check_changes,
        last_checks,
    }))
}

async fn planned(dev: &Resolved, g: &Graph) -> BTreeMap<String, Schema> {
    let opts = engine::Options { connections: Some(dev.connections.clone()), ..Default::default() };
    match engine::prepare_with(g, &BTreeMap::new(), &dev.root, Mode::Check, opts).await {
        Ok(p) => engine::planned_schemas(&p),
        Err(_) => BTreeMap::new(),
    }
}

async fn schema_diffs(
    dev: &Resolved,
    before: &Graph,
    after: &Graph,
    touched: &BTreeSet<String>,
) -> Vec<NodeSchemaDiff> {
    let (old, new) = (planned(dev, before).await, planned(dev, after).await);
    touched
        .iter()
        .map(|id| NodeSchemaDiff { node: id.clone(), before: old.get(id).cloned(), after: new.get(id).cloned() })
        .filter(|d| d.before != d.after)
        .collect()
}

/// Sinks downstream of a change, previewed (on a sample) in both versions;
/// rows present in only one of them are what the change adds or removes.
async fn sample_diffs(
    state: &AppState,
    dev: &Resolved,
    before: &Graph,
    after: &Graph,
    touched: &BTreeSet<String>,
) -> Vec<SinkSampleDiff> {
    let mut out = Vec::new();
    for n in &after.nodes {
        if NodeKind::parse(&n.kind).map(|k| k.category()) != Some(Category::Distribution) {
            continue;
        }
        if preview::upstream(after, &n.id).is_disjoint(touched) {
            continue;
        }
        let rows = |g: &Graph| {
            let id = n.id.clone();
            let g = g.clone();
            let state = state.clone();
            async move {
                if g.node(&id).is_none() {
                    return Ok((Vec::new(), Vec::new()));
                }
                // Within the preview limits and timeout, like the editor's previews.
                let calendars = super::calendars::known(&state).await.ok();
                let p = state.previews.run(g, &id, &BTreeMap::new(), dev, 200, false, None, calendars).await?;
                Ok::<_, super::previews::Failure>((
                    p.columns.into_iter().map(|c| c.name).collect::<Vec<String>>(),
                    p.rows,
                ))
            }
        };
        let (old, new) = (rows(before).await, rows(after).await);
        let entry = match (old, new) {
            (Ok((old_cols, old)), Ok((new_cols, new))) => {
                let (added, removed) = multiset_diff(&old, &new);
                let columns = if new_cols.is_empty() { old_cols } else { new_cols };
                SinkSampleDiff { node: n.id.clone(), columns, rows_added: added, rows_removed: removed, error: None }
            }
            (_, Err(e)) | (Err(e), _) => SinkSampleDiff {
                node: n.id.clone(),
                columns: vec![],
                rows_added: vec![],
                rows_removed: vec![],
                error: Some(e.to_string()),
            },
        };
        out.push(entry);
    }
    out
}

fn multiset_diff(old: &[Vec<Value>], new: &[Vec<Value>]) -> (Vec<Vec<Value>>, Vec<Vec<Value>>) {
    let mut counts: BTreeMap<String, i64> = BTreeMap::new();
    for r in old {
        *counts.entry(Value::from(r.clone()).to_string()).or_default() -= 1;
    }
    for r in new {
        *counts.entry(Value::from(r.clone()).to_string()).or_default() += 1;
    }
    let mut added = Vec::new();
    let mut removed = Vec::new();
    for r in new {
        let k = Value::from(r.clone()).to_string();
        if counts.get(&k).copied().unwrap_or(0) > 0 && added.len() < 50 {
            *counts.get_mut(&k).expect("counted") -= 1;
            added.push(r.clone());
        }
    }
    for r in old {
        let k = Value::from(r.clone()).to_string();
        if counts.get(&k).copied().unwrap_or(0) < 0 && removed.len() < 50 {
            *counts.get_mut(&k).expect("counted") += 1;
            removed.push(r.clone());
        }
    }
    (added, removed)
}

#[utoipa::path(post, path = "/api/reviews/{sid}/approve", request_body = Decision,
    responses((status = 200, body = Submission), (status = 400), (status = 403), (status = 409)))]
pub async fn approve(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(sid): Path<String>,
    ApiJson(d): ApiJson<Decision>,
) -> ApiResult<Json<Submission>> {
    decide(&state, &user, &sid, true, &d.comment, d.confirm_impact).await
}

#[utoipa::path(post, path = "/api/reviews/{sid}/reject", request_body = Decision,
    responses((status = 200, body = Submission), (status = 400), (status = 403), (status = 409)))]
pub async fn reject(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(sid): Path<String>,
    ApiJson(d): ApiJson<Decision>,
) -> ApiResult<Json<Submission>> {
    decide(&state, &user, &sid, false, &d.comment, false).await
}
