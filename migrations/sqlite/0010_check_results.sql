-- What each check node of a run found (issue 14): one row per run and check node,
-- the result as JSON (rows checked, failures per rule, a capped sample of failing rows).
CREATE TABLE run_checks (
    run_id TEXT NOT NULL,
    node_id TEXT NOT NULL,
    result TEXT NOT NULL,
    PRIMARY KEY (run_id, node_id)
);
