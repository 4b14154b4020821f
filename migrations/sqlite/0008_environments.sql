-- Environments: where a graph's connection names and file paths resolve.
-- `dev` (editing, previews, draft runs) and `prod` (scheduled and backfill
-- runs) always exist. data_root: a folder relative to the data dir; NULL is
-- `files`, the data root every server had before environments.
CREATE TABLE environments (
    name TEXT PRIMARY KEY,
    data_root TEXT,
    updated_at BIGINT NOT NULL,
    updated_by TEXT NOT NULL
);
INSERT INTO environments (name, data_root, updated_at, updated_by) VALUES ('dev', NULL, 0, 'sluice'), ('prod', NULL, 0, 'sluice');
-- A graph's connection name bound to a connection in one environment; a name
-- without a binding resolves to the connection of the same name.
CREATE TABLE environment_bindings (
    environment TEXT NOT NULL REFERENCES environments(name),
    graph_name TEXT NOT NULL,
    connection TEXT NOT NULL,
    PRIMARY KEY (environment, graph_name)
);
