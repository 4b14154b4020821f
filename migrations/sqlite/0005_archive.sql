-- A graph that ever had an approved version is archived instead of deleted:
-- hidden from the library by default, read-only, its versions, submissions,
-- schedules (disabled) and audit entries kept. NULL = not archived.
ALTER TABLE graphs ADD COLUMN archived_at BIGINT;
ALTER TABLE graphs ADD COLUMN archived_by TEXT;
