-- Where each sink of a run wrote (issue 12 item 8): the file's path from the
-- run's write root (the data root, or the requester's sandbox for a draft), or
-- `<connection>.<table>` for a table sink; NULL for other nodes.
ALTER TABLE run_nodes ADD COLUMN output TEXT;
