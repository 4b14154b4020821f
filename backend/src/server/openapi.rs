//! The OpenAPI document at `/api/openapi.json`, generated from the handlers'
//! annotations so it cannot drift from the routes. What every operation
//! shares is added here once, by rule, instead of in each annotation: the
//! session cookie, path and query parameters, and the error answers the
//! extractors and middleware give (`{"error": {"code", "message", "details"?}}`).

use super::{
    auth, calendars, connections, dataflow, engine_api, graph_status, graphs, i18n, lineage, lineage_trace, model_api,
    reports, resolve_params, reviews, run_outputs, runs, schedule_edit, settings, users, watermarks,
};
mod annotate;
mod rules;

use axum::Json;
use serde_json::{Value, json};
use std::sync::OnceLock;
use utoipa::OpenApi;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Sluice API",
        description = "Graphs, validation, previews, review, runs and users. Sign in with `POST /api/session`; \
            the answer sets the `sluice_session` cookie every other operation needs. \
            Errors are `{\"error\": {\"code\", \"message\", \"details\"?}}`."
    ),
    paths(
        auth::login,
        auth::whoami,
        auth::logout,
        graphs::list,
        graphs::create,
        graphs::fetch,
        graphs::save,
        graphs::remove,
        graphs::duplicate,
        graphs::unarchive,
        graphs::versions,
        graphs::version,
        engine_api::validate,
        engine_api::files,
        engine_api::preview,
        lineage::stored_latest,
        lineage::stored_version,
        lineage::draft,
        lineage_trace::column_trace,
        lineage::sql,
        model_api::discover_keys,
        dataflow::map,
        dataflow::schedules,
        reviews::submit,
        reviews::queue,
        reviews::graph_submissions,
        reviews::approved,
        reviews::detail,
        reviews::approve,
        reviews::reject,
        reviews::impact::get_impact,
        users::list,
        users::create,
        users::update,
        users::audit,
        runs::list_schedules,
        runs::create_schedule,
        schedule_edit::update_schedule,
        runs::delete_schedule,
        runs::backfill,
        runs::run_draft,
        resolve_params::for_graph,
        resolve_params::for_run,
        runs::list_runs,
        runs::run_detail,
        runs::cancel,
        graph_status::status,
        watermarks::list,
        watermarks::list_all,
        watermarks::reset,
        run_outputs::download,
        runs::alerts,
        connections::list,
        connections::save,
        connections::remove,
        connections::test,
        connections::environments::list,
        connections::environments::save,
        connections::catalog::list,
        connections::catalog::tables,
        connections::catalog::columns,
        calendars::list,
        calendars::show,
        calendars::export,
        calendars::export_ics,
        calendars::create,
        calendars::replace,
        calendars::remove,
        calendars::next_firings,
        reports::list,
        reports::dates,
        reports::rows,
        reports::download::csv,
        reports::download::xlsx,
        reports::download::svg,
        reports::download::png,
        reports::viewers,
        reports::grant,
        reports::revoke,
        reports::explore::pivot,
        reports::explore::save,
        reports::published::list,
        reports::published::sample,
        reports::published::pivot,
        reports::published::save,
        settings::show,
        settings::save,
        i18n::catalogue,
    ),
    components(schemas(
        sluice_shared::api::settings::UserSettings,
        sluice_shared::i18n::Lang,
        sluice_shared::i18n::format::DateStyle,
        auth::LoginRequest,
        auth::SessionInfo,
        auth::Role,
        graphs::GraphList,
        graphs::CreateGraph,
        graphs::SaveGraph,
        graphs::GraphDoc,
        graphs::Saved,
        graphs::Archived,
        graphs::VersionList,
        graphs::GraphSummary,
        graphs::VersionInfo,
        engine_api::ValidateRequest,
        engine_api::ValidateResponse,
        engine_api::FileEntry,
        engine_api::FileList,
        engine_api::PreviewRequest,
        engine_api::PreviewResponse,
        sluice_shared::api::lineage::GraphLineage,
        sluice_shared::api::lineage_trace::TraceRequest,
        sluice_shared::api::lineage_trace::TraceStep,
        sluice_shared::api::lineage_trace::ColumnTrace,
        sluice_shared::api::lineage::NodeLineage,
        sluice_shared::api::lineage::ColumnLineage,
        sluice_shared::api::lineage::Origin,
        sluice_shared::api::lineage::Via,
        sluice_shared::api::sql::LineageRequest,
        sluice_shared::api::sql::SqlRequest,
        sluice_shared::api::sql::SqlExport,
        sluice_shared::api::sql::SinkSql,
        sluice_shared::api::sql::Dialect,
        sluice_shared::api::model::KeysRequest,
        sluice_shared::api::model::KeysResponse,
        sluice_shared::api::model::DimensionKeys,
        sluice_shared::api::model::KeyProposal,
        sluice_shared::api::impact::Impact,
        sluice_shared::api::watermarks::WatermarkView,
        sluice_shared::api::watermarks::WatermarkList,
        sluice_shared::api::impact::ColumnChange,
        sluice_shared::api::impact::DownstreamUse,
        sluice_shared::api::impact::ChangeKind,
        sluice_shared::api::dataflow::DataflowMap,
        sluice_shared::api::dataflow::FlowGraph,
        sluice_shared::api::dataflow::FlowDataset,
        sluice_shared::api::dataflow::FlowEdge,
        sluice_shared::api::dataflow::ScheduleSuggestions,
        sluice_shared::api::dataflow::SuggestedDependency,
        sluice_shared::dataflow::Dataset,
        sluice_shared::dataflow::DatasetKind,
        reviews::SubmitRequest,
        reviews::Decision,
        reviews::SubmissionList,
        reviews::Approved,
        reviews::ReviewDetail,
        reviews::NodeSchemaDiff,
        reviews::SinkSampleDiff,
        sluice_shared::api::reviews::Submission,
        sluice_shared::api::SubmissionStatus,
        sluice_shared::api::SubmissionFilter,
        users::AuditEntry,
        users::UserInfo,
        calendars::CalendarInfo,
        calendars::CalendarList,
        calendars::CalendarDetail,
        calendars::ExceptionInfo,
        calendars::NewCalendar,
        calendars::CalendarUpdate,
        calendars::Firing,
        calendars::FiringList,
        users::UserList,
        users::NewUser,
        users::UserUpdate,
        users::AuditList,
        runs::NewSchedule,
        runs::ScheduleList,
        sluice_shared::api::runs::ScheduleUpdate,
        runs::Backfill,
        runs::RunList,
        runs::RunNow,
        sluice_shared::api::runs::ResolvedParams,
        sluice_shared::api::runs::ResolvedParam,
        runs::RunDetail,
        runs::AlertList,
        runs::Schedule,
        runs::Run,
        runs::RunNode,
        runs::Alert,
        sluice_shared::api::RunStatus,
        sluice_shared::api::NodeStatus,
        sluice_shared::api::RunKind,
        sluice_shared::api::Timestamp,
        reviews::uses::ConnectionUse,
        reviews::uses::ProdConnection,
        reviews::uses::Access,
    ))
)]
struct ApiDoc;

pub async fn document() -> Json<Value> {
    static DOC: OnceLock<Value> = OnceLock::new();
    Json(DOC.get_or_init(build).clone())
}

/// The document: the annotations, then the shared rules applied to every operation.
pub fn build() -> Value {
    let mut doc = serde_json::to_value(ApiDoc::openapi()).expect("the OpenAPI document serialises");
    connections::doc::patch(&mut doc);
    reports::doc::patch(&mut doc);
    doc["components"]["securitySchemes"] =
        json!({ "session": { "type": "apiKey", "in": "cookie", "name": auth::COOKIE_NAME } });
    doc["security"] = json!([{ "session": [] }]);
    doc["components"]["schemas"]["ErrorBody"] = rules::error_body();
    // Server-sent events have no utoipa annotation of their own.
    doc["paths"]["/api/runs/{id}/events"] = json!({ "get": {
        "operationId": "runs_events",
        "description": "Live progress of one run: a `run` or `node` event per state change.",
        "responses": { "200": { "description": "An event stream", "content": { "text/event-stream": {} } } }
    }});
    let queries = rules::query_params();
    if let Some(paths) = doc["paths"].as_object_mut() {
        for (path, item) in paths.iter_mut() {
            let Some(item) = item.as_object_mut() else { continue };
            for (method, op) in item.iter_mut() {
                let query = queries.iter().find(|(p, m, _)| p == path && m == method).map(|(_, _, q)| q.clone());
                rules::complete(path, method, op, query.unwrap_or_default());
            }
        }
    }
    annotate::add_links(&mut doc);
    annotate::add_examples(&mut doc);
    annotate::add_string_limits(&mut doc, annotate::string_limit);
    doc
}
