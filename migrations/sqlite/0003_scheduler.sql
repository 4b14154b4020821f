-- Schedules pin an approved graph version by hash; runs are attempts; each run
-- records every node; alerts are what went to the webhook (or tried to).
CREATE TABLE schedules (
    id TEXT PRIMARY KEY,
    graph_id TEXT NOT NULL REFERENCES graphs(id) ON DELETE CASCADE,
    hash TEXT NOT NULL,
    cron TEXT NOT NULL,
    timezone TEXT NOT NULL,
    biz_date_offset BIGINT NOT NULL,
    enabled BIGINT NOT NULL,
    retries BIGINT NOT NULL,
    backoff_secs BIGINT NOT NULL,
    timeout_secs BIGINT NOT NULL,
    sla TEXT,
    depends_on TEXT NOT NULL,
    last_fire_at BIGINT NOT NULL,
    created_by TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE TABLE runs (
    id TEXT PRIMARY KEY,
    schedule_id TEXT,
    graph_id TEXT NOT NULL,
    hash TEXT NOT NULL,
    biz_date TEXT NOT NULL,
    kind TEXT NOT NULL,
    status TEXT NOT NULL,
    attempt BIGINT NOT NULL,
    not_before BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    started_at BIGINT,
    finished_at BIGINT,
    error TEXT,
    requested_by TEXT NOT NULL
);
CREATE INDEX runs_status ON runs (status, not_before);
CREATE INDEX runs_graph_date ON runs (graph_id, biz_date);
CREATE TABLE run_nodes (
    run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    node_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    status TEXT NOT NULL,
    rows_in BIGINT,
    rows_out BIGINT,
    started_at BIGINT,
    finished_at BIGINT,
    error TEXT,
    PRIMARY KEY (run_id, node_id)
);
CREATE TABLE alerts (
    id TEXT PRIMARY KEY,
    run_id TEXT,
    schedule_id TEXT,
    biz_date TEXT NOT NULL,
    kind TEXT NOT NULL,
    message TEXT NOT NULL,
    at BIGINT NOT NULL,
    delivered BIGINT NOT NULL
);
CREATE UNIQUE INDEX alerts_once ON alerts (schedule_id, biz_date, kind);
