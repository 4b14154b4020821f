-- Reports (issue 16): a `sink.report` node of a graph gets a stable name the
-- first time a run publishes it; every run publishes its rows for the business
-- date as Parquet (`reports/<name>/<biz date>.parquet` in the run's data root)
-- and one index row here. `scope` is '' for scheduled and backfill runs (what
-- viewers see) and the requester's user id for a draft run (in their sandbox,
-- seen only by them). `config` is the report's config as that version had it,
-- so a date keeps its own chart and formats after the graph changes.
CREATE TABLE reports (
    name TEXT PRIMARY KEY,
    graph_id TEXT NOT NULL,
    node_id TEXT NOT NULL,
    title TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    UNIQUE (graph_id, node_id)
);
CREATE TABLE report_dates (
    report_name TEXT NOT NULL,
    biz_date TEXT NOT NULL,
    scope TEXT NOT NULL,
    run_id TEXT NOT NULL,
    graph_id TEXT NOT NULL,
    version BIGINT NOT NULL,
    hash TEXT NOT NULL,
    config TEXT NOT NULL,
    root TEXT NOT NULL,
    path TEXT NOT NULL,
    row_count BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (report_name, biz_date, scope)
);
-- Viewers (and analysts) an admin or the report's owner let read a report.
CREATE TABLE report_grants (
    report_name TEXT NOT NULL,
    user_id TEXT NOT NULL,
    granted_by TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (report_name, user_id)
);
