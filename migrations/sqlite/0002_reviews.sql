-- Submissions of a graph version for review, and their outcome. An approved
-- row pins a version by the content hash of its canonical JSON.
CREATE TABLE submissions (
    id TEXT PRIMARY KEY,
    graph_id TEXT NOT NULL REFERENCES graphs(id) ON DELETE CASCADE,
    version BIGINT NOT NULL,
    hash TEXT NOT NULL,
    message TEXT NOT NULL,
    status TEXT NOT NULL,
    submitted_by TEXT NOT NULL,
    submitted_at BIGINT NOT NULL,
    reviewed_by TEXT,
    reviewed_at BIGINT,
    comment TEXT
);
CREATE INDEX submissions_graph ON submissions (graph_id, submitted_at);
CREATE INDEX submissions_status ON submissions (status);
