-- Watermarks of incremental `source.table` reads (issue 14): per graph, environment
-- (`prod` for scheduled runs, `dev` for drafts) and source node, the highest value of
-- the incremental column the last successful run read, as text. Written only in the
-- transaction that records that run as succeeded; deleted by an admin's reset.
CREATE TABLE watermarks (
    graph_id TEXT NOT NULL,
    environment TEXT NOT NULL,
    node_id TEXT NOT NULL,
    column_name TEXT NOT NULL,
    value TEXT NOT NULL,
    run_id TEXT NOT NULL,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (graph_id, environment, node_id)
);
