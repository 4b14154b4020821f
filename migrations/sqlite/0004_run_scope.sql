-- Draft quotas count a user's queued and running drafts; listings scope runs
-- by requester. Portable DDL: serves SQLite and PostgreSQL.
CREATE INDEX runs_requester ON runs (requested_by, kind, status);
CREATE INDEX alerts_schedule ON alerts (schedule_id);
