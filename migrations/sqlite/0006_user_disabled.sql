-- Admins disable accounts (there is no delete: the audit log names them).
-- 0 = active; otherwise when the account was disabled (ms since 1970).
ALTER TABLE users ADD COLUMN disabled_at BIGINT NOT NULL DEFAULT 0;
