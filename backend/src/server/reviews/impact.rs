//! Impact of a submitted version on the approved graphs downstream: which sink
//! columns it removes, renames or retypes against the approved version, which
//! approved graphs read the files and tables those sinks write (the data flow
//! map), and which of their columns and rows come from a changed column (their
//! lineage, planned against the approved sink's columns). Planned in `dev`.

use super::super::AppState;
use super::super::error::{ApiError, ApiResult};
use crate::engine::{self, error::EngineError};
use crate::environments::DEV;
use crate::store::SubmissionRow;
use sluice_shared::api::dataflow::DataflowMap;
use sluice_shared::api::impact::{ColumnChange, DownstreamUse, Impact, column_changes, uses_of};
use sluice_shared::api::lineage::GraphLineage;
use sluice_shared::{Category, Graph, NodeKind, Schema};
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

/// Most uses listed per downstream column.
const MAX_USES: usize = 20;

fn parse(doc: &str) -> ApiResult<Graph> {
    serde_json::from_str(doc).map_err(|e| ApiError::Internal(format!("stored graph: {e}")))
}

fn why(e: EngineError) -> String {
    match e {
        EngineError::Invalid(p) => p.iter().map(|p| p.to_string()).collect::<Vec<_>>().join("; "),
        EngineError::Failed { message, .. } => message,
    }
}

/// A graph's lineage and columns in `dev`; the engine's refusal as a sentence.
type Planned = Result<(GraphLineage, BTreeMap<String, Schema>), String>;

async fn plan(state: &AppState, g: &Graph, sources: Option<HashMap<String, Schema>>) -> ApiResult<Planned> {
    let env = state.environment(DEV).await?;
    let calendars = super::super::calendars::known(state).await?;
    let opts = engine::Options {
        connections: Some(env.connections),
        calendars: Some(calendars),
        limits: Some(state.previews.limits),
        source_schemas: sources.map(Arc::new),
        ..Default::default()
    };
    Ok(engine::lineage::with_schemas(g, &BTreeMap::new(), &env.root, opts).await.map_err(why))
}

fn sinks(g: &Graph) -> impl Iterator<Item = &str> {
    g.nodes
        .iter()
        .filter(|n| NodeKind::parse(&n.kind).map(|k| k.category()) == Some(Category::Distribution))
        .map(|n| n.id.as_str())
}

/// The impact of submission `sub` (see the module comment).
pub async fn impact(state: &AppState, sub: &SubmissionRow) -> ApiResult<Impact> {
    let Some(base) = state.store.approved(&sub.graph_id).await?.filter(|b| b.version != sub.version) else {
        return Ok(Impact::default()); // nothing approved runs yet, or this very version does
    };
    let before = parse(&state.store.get_version(&sub.graph_id, base.version).await?)?;
    let after = parse(&state.store.get_version(&sub.graph_id, sub.version).await?)?;
    let mut out = Impact { approved_version: Some(base.version), ..Default::default() };
    let (old, new) = match (plan(state, &before, None).await?, plan(state, &after, None).await?) {
        (Ok(old), Ok(new)) => (old, new),
        (Err(e), _) | (_, Err(e)) => {
            out.notes.push(format!("the columns could not be compared: {e}"));
            return Ok(out);
        }
    };
    for sink in sinks(&before) {
        let Some(schema) = old.1.get(sink) else { continue };
        let gone = after.node(sink).is_none();
        let after_schema = if gone { None } else { new.1.get(sink) };
        if !gone && after_schema.is_none() {
            out.notes.push(format!("the columns of `{sink}` are not known in the submitted version"));
            continue;
        }
        out.changes.extend(column_changes(sink, schema, after_schema, old.0.node(sink), new.0.node(sink)));
    }
    if !out.changes.is_empty() {
        out.downstream = downstream(state, &sub.graph_id, &before, &old.1, &out.changes).await?;
    }
    Ok(out)
}

/// Approved graphs reading what `before`'s changed sinks write, and their uses of each changed column.
async fn downstream(
    state: &AppState,
    graph_id: &str,
    before: &Graph,
    sink_schemas: &BTreeMap<String, Schema>,
    changes: &[ColumnChange],
) -> ApiResult<Vec<DownstreamUse>> {
    let mut graphs = vec![(graph_id.to_string(), before.name.clone(), before.clone())];
    let approved = state.store.submissions(Some(sluice_shared::api::SubmissionStatus::Approved), None).await?;
    let mut seen = std::collections::BTreeSet::from([graph_id.to_string()]);
    for s in &approved {
        if !seen.insert(s.graph_id.clone()) || state.store.get_graph(&s.graph_id).await?.archived_at.is_some() {
            continue;
        }
        if let Some(latest) = state.store.approved(&s.graph_id).await? {
            let g = parse(&state.store.get_version(&s.graph_id, latest.version).await?)?;
            graphs.push((s.graph_id.clone(), latest.graph_name.clone(), g));
        }
    }
    let map = DataflowMap::build(&graphs);
    let mut out = Vec::new();
    for (reader_graph, reader, dataset, sink) in map.downstream(graph_id) {
        let mine: Vec<&ColumnChange> = changes.iter().filter(|c| c.sink == sink).collect();
        let (Some((_, name, g)), false) = (graphs.iter().find(|(id, _, _)| *id == reader_graph), mine.is_empty())
        else {
            continue;
        };
        // What the reader sees today: the approved sink's columns.
        let given = sink_schemas.get(&sink).map(|s| HashMap::from([(reader.clone(), s.clone())]));
        let traced = plan(state, g, given).await?.map(|(l, _)| l);
        for c in mine {
            let (used_by, unknown) = match &traced {
                Ok(l) => (uses_of(l, &reader, &c.column, MAX_USES), None),
                Err(e) => (Vec::new(), Some(e.clone())),
            };
            if used_by.is_empty() && unknown.is_none() {
                continue;
            }
            out.push(DownstreamUse {
                graph: reader_graph.clone(),
                graph_name: name.clone(),
                reader: reader.clone(),
                dataset: dataset.clone(),
                sink: sink.clone(),
                column: c.column.clone(),
                kind: c.kind,
                used_by,
                unknown,
            });
        }
    }
    Ok(out)
}

/// What approving this submission changes for the approved graphs downstream.
#[utoipa::path(get, path = "/api/reviews/{sid}/impact",
    responses((status = 200, body = Impact), (status = 404), (status = 504)))]
pub async fn get_impact(
    axum::extract::State(state): axum::extract::State<AppState>,
    user: super::super::auth::CurrentUser,
    axum::extract::Path(sid): axum::extract::Path<String>,
) -> ApiResult<axum::Json<Impact>> {
    let sub = state.store.submission(&sid).await.map_err(|_| ApiError::NotFound(format!("no submission `{sid}`")))?;
    if user.role != super::super::auth::Role::Admin && sub.submitted_by != user.username {
        return Err(ApiError::NotFound(format!("no submission `{sid}`")));
    }
    Ok(axum::Json(bounded(&state, &sub).await?))
}

/// [`impact`] within the preview time bound.
pub async fn bounded(state: &AppState, sub: &SubmissionRow) -> ApiResult<Impact> {
    match tokio::time::timeout(state.previews.timeout, impact(state, sub)).await {
        Ok(answer) => answer,
        Err(_) => Err(ApiError::Timeout("working out the impact took too long and was stopped".into())),
    }
}

/// The refusal of an approval that breaks approved graphs downstream, naming them.
pub fn refusal(i: &Impact) -> ApiError {
    let mut names: Vec<String> = i.downstream.iter().map(|d| format!("{} (`{}`)", d.graph_name, d.column)).collect();
    names.dedup();
    ApiError::Conflict(format!(
        "approving this version breaks approved graph(s) downstream: {}; see the review's impact, \
         and approve with `confirm_impact: true` to accept it",
        names.join(", ")
    ))
}
