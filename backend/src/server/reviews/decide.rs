//! Deciding a submission, and the four-eyes rule: the reviewer is not the
//! submitter, and an approver saved no version the approval would cover. A
//! deployment with a single admin may waive that with
//! `SLUICE_ALLOW_SELF_APPROVAL`; every waiver is audited as `self_approval`.

use super::super::AppState;
use super::super::auth::{CurrentUser, Role};
use super::super::error::{ApiError, ApiResult};
use crate::store::{StoreError, SubmissionRow, content_hash};
use axum::Json;
use sluice_shared::api::SubmissionStatus;
use sluice_shared::api::reviews::Submission;

pub(super) fn archived(graph_id: &str) -> ApiError {
    ApiError::Conflict(format!(
        "graph `{graph_id}` is archived and read-only; an admin must unarchive it before it is submitted or reviewed"
    ))
}

pub(super) async fn decide(
    state: &AppState,
    user: &CurrentUser,
    sid: &str,
    approve: bool,
    comment: &str,
    confirm_impact: bool,
) -> ApiResult<Json<Submission>> {
    user.require(&[Role::Admin])?;
    let comment = comment.trim();
    if comment.is_empty() {
        return Err(ApiError::BadRequest("a review needs a comment".into()));
    }
    let sub = state.store.submission(sid).await.map_err(ApiError::missing(format!("no submission `{sid}`")))?;
    if state.store.get_graph(&sub.graph_id).await?.archived_at.is_some() {
        return Err(archived(&sub.graph_id));
    }
    let own = own_work(state, user, &sub, approve).await?;
    let mut approved_doc = None;
    if approve {
        // The hash pins exactly what was submitted; the stored version must still be it.
        let doc = state.store.get_version(&sub.graph_id, sub.version).await?;
        if content_hash(&doc) != sub.hash {
            return Err(ApiError::Conflict("the submitted version no longer matches its hash".into()));
        }
        approved_doc = Some(doc);
    }
    // What breaks downstream is refused unless the admin confirms it, and a confirmed one is audited.
    let impact = if approve { Some(super::impact::bounded(state, &sub).await?) } else { None };
    if let Some(i) = impact.as_ref().filter(|i| i.breaks() && !confirm_impact) {
        return Err(super::impact::refusal(i));
    }
    let status = if approve { SubmissionStatus::Approved } else { SubmissionStatus::Rejected };
    let row = match state.store.decide(sid, status, &user.username, comment).await {
        Ok(row) => row,
        Err(StoreError::Conflict { .. }) => {
            let now = state.store.submission(sid).await?;
            return Err(if now.status == SubmissionStatus::Submitted {
                archived(&sub.graph_id) // the graph was archived in the meantime
            } else {
                ApiError::Conflict(format!("this submission was already {}", now.status))
            });
        }
        Err(e) => return Err(e.into()),
    };
    let detail = format!("version {} ({}): {comment}", sub.version, &sub.hash[..12]);
    state.store.audit(&user.username, status_action(approve), &sub.graph_id, &detail).await?;
    if let Some(i) = impact.filter(|i| i.breaks()) {
        let graphs: std::collections::BTreeSet<&str> = i.downstream.iter().map(|d| d.graph_name.as_str()).collect();
        let detail = format!(
            "version {} approved although it breaks: {}",
            sub.version,
            graphs.into_iter().collect::<Vec<_>>().join(", ")
        );
        state.store.audit(&user.username, "approve_with_impact", &sub.graph_id, &detail).await?;
    }
    if let Some(why) = own {
        // The single-admin escape hatch leaves its own trace, separately searchable.
        let detail =
            format!("version {} {status} by the admin who {why}, allowed by SLUICE_ALLOW_SELF_APPROVAL", sub.version);
        state.store.audit(&user.username, "self_approval", &sub.graph_id, &detail).await?;
    }
    if let (Some(dir), Some(doc)) = (state.config.git_dir.clone(), approved_doc) {
        let graph_name = serde_json::from_str::<serde_json::Value>(&doc)
            .ok()
            .and_then(|v| v["name"].as_str().map(str::to_string))
            .unwrap_or_else(|| sub.graph_id.clone());
        let a = GitApproval { graph_name, doc, sub, approver: user.username.clone(), comment: comment.into() };
        to_git(state, dir, a).await;
    }
    Ok(Json(row.into()))
}

/// What an approval commits to Git, owned so that it can move to a blocking thread.
struct GitApproval {
    graph_name: String,
    doc: String,
    sub: SubmissionRow,
    approver: String,
    comment: String,
}

/// Commits an approval to the Git history. The approval stands whatever
/// happens here; a failure is logged and audited (`git_export_failed`) so
/// that an admin sees the history has a gap.
async fn to_git(state: &AppState, dir: std::path::PathBuf, a: GitApproval) {
    let graph_id = a.sub.graph_id.clone();
    let done = tokio::task::spawn_blocking(move || {
        crate::versions_git::commit(
            &dir,
            &crate::versions_git::Approval {
                graph_id: &a.sub.graph_id,
                graph_name: &a.graph_name,
                version: a.sub.version,
                hash: &a.sub.hash,
                submitter: &a.sub.submitted_by,
                approver: &a.approver,
                comment: &a.comment,
                doc: &a.doc,
            },
        )
    })
    .await
    .unwrap_or_else(|e| Err(format!("the Git export stopped: {e}")));
    let (action, detail) = match done {
        Ok(id) => ("git_commit", format!("commit {id}")),
        Err(e) => {
            tracing::error!(graph = %graph_id, "committing an approved version to Git: {e}");
            ("git_export_failed", e)
        }
    };
    if let Err(e) = state.store.audit("sluice", action, &graph_id, &detail).await {
        tracing::error!(graph = %graph_id, "auditing the Git export: {e}");
    }
}

fn status_action(approve: bool) -> &'static str {
    if approve { "approve" } else { "reject" }
}

/// Four eyes: the reviewer must not be the submitter, and an approver must
/// not have saved any version since the last approved one (up to the
/// submitted version). Returns what was waived under the single-admin escape
/// hatch, if anything was.
async fn own_work(
    state: &AppState,
    user: &CurrentUser,
    sub: &SubmissionRow,
    approve: bool,
) -> ApiResult<Option<String>> {
    let mut why = Vec::new();
    if sub.submitted_by == user.username {
        why.push("submitted it".to_string());
    }
    if approve {
        let mine: Vec<String> = state
            .store
            .unreviewed_authors(&sub.graph_id, sub.version)
            .await?
            .into_iter()
            .filter(|(_, author)| *author == user.username)
            .map(|(v, _)| v.to_string())
            .collect();
        if !mine.is_empty() {
            why.push(format!("saved version {} since the last approval", mine.join(", ")));
        }
    }
    if why.is_empty() {
        return Ok(None);
    }
    let why = why.join(" and ");
    if self_approval_allowed(state).await? {
        return Ok(Some(why));
    }
    Err(ApiError::Forbidden(format!(
        "four eyes: you {why}, so another admin must {} it",
        if approve { "approve" } else { "review" }
    )))
}

/// A deployment with a single admin may allow self-approval, if it says so.
async fn self_approval_allowed(state: &AppState) -> ApiResult<bool> {
    Ok(state.config.allow_self_approval && state.store.count_admins().await? == 1)
}
