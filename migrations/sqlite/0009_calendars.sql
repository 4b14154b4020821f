-- Business calendars (issue 13), kept by admins: a weekly pattern and the dated
-- exceptions, stored as the calendar file itself (`date,kind,note`), which is
-- also the import and export format. History lives in the audit log.
CREATE TABLE calendars (
    name TEXT PRIMARY KEY,
    -- Seven characters, Monday first: 1 open, 0 closed ('1111100': Monday to Friday).
    weekly TEXT NOT NULL,
    exceptions_csv TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    updated_at BIGINT NOT NULL
);

-- A schedule may name a calendar ('' = every day): it fires on that calendar's
-- business days, its business date and SLA count in business days.
ALTER TABLE schedules ADD COLUMN calendar TEXT NOT NULL DEFAULT '';
