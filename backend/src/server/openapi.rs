//! The OpenAPI document at `/api/openapi.json`, generated from the handlers'
//! annotations so it cannot drift from the routes. What every operation
//! shares is added here once, by rule, instead of in each annotation: the
//! session cookie, path and query parameters, and the error answers the
//! extractors and middleware give (`{"error": {"code", "message", "details"?}}`).

use super::{
    auth, calendars, connections, dataflow, engine_api, graph_status, graphs, lineage, model_api, reports, reviews,
    run_outputs, runs, schedule_edit, settings, users, watermarks,
};
use axum::Json;
use serde_json::{Value, json};
use std::sync::OnceLock;
use utoipa::openapi::path::ParameterIn;
use utoipa::{IntoParams, OpenApi};

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
        settings::show,
        settings::save,
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

/// Operations that need no session: (path, method).
const PUBLIC: [(&str, &str); 3] = [("/api/session", "post"), ("/api/session", "delete"), ("/api/openapi.json", "get")];

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
    doc["components"]["schemas"]["ErrorBody"] = error_body();
    // Server-sent events have no utoipa annotation of their own.
    doc["paths"]["/api/runs/{id}/events"] = json!({ "get": {
        "operationId": "runs_events",
        "description": "Live progress of one run: a `run` or `node` event per state change.",
        "responses": { "200": { "description": "An event stream", "content": { "text/event-stream": {} } } }
    }});
    let queries = query_params();
    if let Some(paths) = doc["paths"].as_object_mut() {
        for (path, item) in paths.iter_mut() {
            let Some(item) = item.as_object_mut() else { continue };
            for (method, op) in item.iter_mut() {
                let query = queries.iter().find(|(p, m, _)| p == path && m == method).map(|(_, _, q)| q.clone());
                complete(path, method, op, query.unwrap_or_default());
            }
        }
    }
    add_links(&mut doc);
    add_examples(&mut doc);
    add_string_limits(&mut doc, string_limit);
    doc
}

/// The longest a request string field may be, by field name, as `server::limits`
/// enforces it.
fn string_limit(field: &str) -> Option<usize> {
    Some(super::limits::max_len(field))
}

/// States each enforced string limit as `maxLength` on the request schemas'
/// top-level string properties (the `graph` document has rules of its own).
fn add_string_limits(doc: &mut Value, limit: fn(&str) -> Option<usize>) {
    let Some(schemas) = doc["components"]["schemas"].as_object_mut() else { return };
    for schema in schemas.values_mut() {
        let Some(props) = schema.get_mut("properties").and_then(Value::as_object_mut) else { continue };
        for (name, prop) in props.iter_mut().filter(|(n, _)| n.as_str() != "graph") {
            let is_string =
                prop["type"] == "string" || prop["type"].as_array().is_some_and(|t| t.contains(&json!("string")));
            if let (true, Some(max)) = (is_string, limit(name)) {
                prop["maxLength"] = json!(max);
            }
        }
    }
}

/// What an answer's id leads to: (operation, status, linked operation, its
/// path parameter, the answer's field), so clients and test generators can
/// follow a created graph, submission, run or user to what acts on it.
const LINKS: &[(&str, &str, &str, &str, &str)] = &[
    ("graphs_create", "201", "graphs_fetch", "id", "id"),
    ("graphs_create", "201", "graphs_save", "id", "id"),
    ("graphs_create", "201", "graphs_duplicate", "id", "id"),
    ("graphs_create", "201", "graphs_versions", "id", "id"),
    ("graphs_create", "201", "graphs_submit", "id", "id"),
    ("graphs_create", "201", "graphs_graph_submissions", "id", "id"),
    ("graphs_create", "201", "graphs_approved", "id", "id"),
    ("graphs_create", "201", "graphs_run_draft", "id", "id"),
    ("graphs_create", "201", "graphs_remove", "id", "id"),
    ("graphs_submit", "201", "reviews_detail", "sid", "id"),
    ("graphs_submit", "201", "reviews_approve", "sid", "id"),
    ("graphs_submit", "201", "reviews_reject", "sid", "id"),
    ("graphs_run_draft", "201", "runs_run_detail", "id", "id"),
    ("graphs_run_draft", "201", "runs_cancel", "id", "id"),
    ("users_create", "201", "users_update", "username", "username"),
    ("schedules_create_schedule", "201", "schedules_update_schedule", "id", "id"),
    ("schedules_create_schedule", "201", "schedules_backfill", "id", "id"),
    ("schedules_create_schedule", "201", "schedules_delete_schedule", "id", "id"),
];

fn add_links(doc: &mut Value) {
    let mut where_is = std::collections::BTreeMap::new();
    for (path, item) in doc["paths"].as_object().into_iter().flatten() {
        for (method, op) in item.as_object().into_iter().flatten() {
            if let Some(id) = op["operationId"].as_str() {
                where_is.insert(id.to_string(), (path.clone(), method.clone()));
            }
        }
    }
    for (from, status, to, param, field) in LINKS {
        let (Some((path, method)), true) = (where_is.get(*from), where_is.contains_key(*to)) else { continue };
        let responses = &mut doc["paths"][path][method]["responses"];
        if let Some(response) = responses.get_mut(*status).filter(|r| r.is_object()) {
            response["links"][to] =
                json!({ "operationId": to, "parameters": { *param: format!("$response.body#/{field}") } });
        }
    }
}

/// A working graph (the demo's first) as the example of every request that
/// carries one, so examples and generated requests reach past validation.
fn add_examples(doc: &mut Value) {
    let Some(graph) = crate::demo::graphs().into_iter().next() else { return };
    let node = graph.nodes.iter().find(|n| n.kind.starts_with("transform.")).map(|n| n.id.clone());
    let graph = serde_json::to_value(&graph).unwrap_or_default();
    let schemas = &mut doc["components"]["schemas"];
    for name in ["CreateGraph", "SaveGraph", "ValidateRequest", "PreviewRequest", "LineageRequest", "SqlRequest"] {
        if schemas[name]["properties"]["graph"].is_object() {
            schemas[name]["properties"]["graph"]["example"] = graph.clone();
        }
    }
    if let Some(node) = node {
        schemas["PreviewRequest"]["properties"]["node"]["example"] = json!(node);
    }
    schemas["SaveGraph"]["properties"]["base_version"]["example"] = json!(1);
}

/// Query parameters, from the handlers' own filter types.
fn query_params() -> Vec<(String, String, Vec<Value>)> {
    let q = || Some(ParameterIn::Query);
    let as_json = |params: Vec<utoipa::openapi::path::Parameter>| {
        params.into_iter().map(|p| serde_json::to_value(p).expect("a parameter serialises")).collect()
    };
    vec![
        ("/api/runs".into(), "get".into(), as_json(runs::RunQuery::into_params(q))),
        ("/api/audit".into(), "get".into(), as_json(users::AuditFilter::into_params(q))),
        ("/api/reviews".into(), "get".into(), as_json(reviews::QueueFilter::into_params(q))),
    ]
}

fn complete(path: &str, method: &str, op: &mut Value, query: Vec<Value>) {
    // Handler names repeat across modules (`list`, `create`): qualify them by
    // resource so every operationId is unique, as OpenAPI requires.
    let resource = path.trim_start_matches("/api/").split(['/', '.']).next().unwrap_or("api");
    if let Some(name) = op["operationId"].as_str().filter(|n| !n.starts_with(resource)) {
        op["operationId"] = json!(format!("{resource}_{name}"));
    }
    let public = PUBLIC.contains(&(path, method));
    if path == "/api/session" && method == "delete" {
        // Signing out works with or without a session.
        op["security"] = json!([{}, { "session": [] }]);
    } else if public {
        op["security"] = json!([]);
    }
    let path_params = path_params(path);
    let has_params = !path_params.is_empty() || !query.is_empty();
    let mut params: Vec<Value> = op["parameters"].as_array().cloned().unwrap_or_default();
    for p in path_params.into_iter().chain(query) {
        if !params.iter().any(|q| q["name"] == p["name"] && q["in"] == p["in"]) {
            params.push(p);
        }
    }
    if !params.is_empty() {
        op["parameters"] = Value::Array(params);
    }
    let has_body = op.get("requestBody").is_some();
    if !op["responses"].is_object() {
        op["responses"] = json!({});
    }
    let responses = op["responses"].as_object_mut().expect("an object");
    let mut add = |status: &str, why: &str| {
        responses.entry(status.to_string()).or_insert_with(|| json!({ "description": why }));
    };
    if !public {
        add("401", "No session, or it has ended: sign in again");
        add("403", "The caller's role may not do this");
    }
    if method != "get" {
        add("403", "Refused: a cross-site request");
    }
    if has_body {
        add("400", "The body is not the JSON this operation reads");
        add("413", "The body is too large");
        add("415", "The body is not `application/json`");
    }
    if has_params {
        add("400", "A path or query parameter is malformed");
    }
    if path.contains('{') {
        add("404", "Nothing with this id, or not visible to the caller");
    }
    for (status, response) in responses.iter_mut() {
        if status.starts_with('4') || status.starts_with('5') {
            error_content(response);
        }
    }
}

/// Every failure's body (`error::ApiError`). An invalid graph also repeats its
/// problems at the top level, as older clients read them there.
fn error_body() -> Value {
    json!({
        "type": "object",
        "required": ["error"],
        "properties": {
            "error": {
                "type": "object",
                "required": ["code", "message"],
                "properties": {
                    "code": {
                        "type": "string",
                        "description": "bad_request, unauthorized, forbidden, not_found, method_not_allowed, conflict, \
                            too_large, unsupported_media_type, invalid_graph, too_many_requests, timeout, unreachable, internal, ..."
                    },
                    "message": { "type": "string", "description": "What went wrong and what to do, for a person" },
                    "details": { "type": "object", "description": "e.g. `{\"problems\": [...]}` for an invalid graph" }
                }
            },
            "problems": { "type": "array", "items": { "type": "object" } }
        }
    })
}

/// `{name}` segments of a path: `version` is a number, every other one a string id.
fn path_params(path: &str) -> Vec<Value> {
    path.split('/')
        .filter_map(|s| s.strip_prefix('{')?.strip_suffix('}'))
        .map(|name| {
            let schema = if name == "version" {
                json!({"type": "integer", "format": "int64"})
            } else {
                json!({"type": "string"})
            };
            json!({ "name": name, "in": "path", "required": true, "schema": schema })
        })
        .collect()
}

fn error_content(response: &mut Value) {
    if response.get("content").and_then(|c| c.get("application/json")).is_none() {
        response["content"]["application/json"] = json!({ "schema": { "$ref": "#/components/schemas/ErrorBody" } });
    }
}
