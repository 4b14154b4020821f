-- Parameter values a run was started with, besides its business date (JSON
-- object of name → text, as `--param` takes them). Scheduled runs: '{}'.
ALTER TABLE runs ADD COLUMN params TEXT NOT NULL DEFAULT '{}';
