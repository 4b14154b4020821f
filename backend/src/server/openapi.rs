//! The OpenAPI document at `/api/openapi.json`, generated from the handlers'
//! annotations so it cannot drift from the routes.

use super::{auth, engine_api, graphs, reviews, runs, users};
use axum::Json;
use utoipa::OpenApi;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Sluice API",
        description = "Graphs, validation, previews, review and users. Errors are `{\"error\": {\"code\", \"message\", \"details\"?}}`."
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
        reviews::submit,
        reviews::queue,
        reviews::graph_submissions,
        reviews::approved,
        reviews::detail,
        reviews::approve,
        reviews::reject,
        users::list,
        users::create,
        users::update,
        users::audit,
        runs::list_schedules,
        runs::create_schedule,
        runs::update_schedule,
        runs::delete_schedule,
        runs::backfill,
        runs::run_draft,
        runs::list_runs,
        runs::run_detail,
        runs::cancel,
        runs::alerts,
    ),
    components(schemas(
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
        crate::store::GraphSummary,
        crate::store::VersionRow,
        engine_api::ValidateRequest,
        engine_api::ValidateResponse,
        engine_api::FileEntry,
        engine_api::FileList,
        engine_api::PreviewRequest,
        engine_api::PreviewResponse,
        reviews::SubmitRequest,
        reviews::Decision,
        reviews::SubmissionList,
        reviews::Approved,
        reviews::ReviewDetail,
        reviews::NodeSchemaDiff,
        reviews::SinkSampleDiff,
        crate::store::SubmissionRow,
        crate::store::AuditRow,
        users::UserInfo,
        users::UserList,
        users::NewUser,
        users::UserUpdate,
        users::AuditList,
        runs::NewSchedule,
        runs::ScheduleList,
        runs::ScheduleUpdate,
        runs::Backfill,
        runs::RunList,
        runs::RunNow,
        runs::RunDetail,
        runs::AlertList,
        crate::store::ScheduleRow,
        crate::store::RunRow,
        crate::store::RunNodeRow,
        crate::store::AlertRow,
    ))
)]
struct ApiDoc;

pub async fn document() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}
