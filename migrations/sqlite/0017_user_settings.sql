-- A user's own preferences (issue 19): the language (`zh-CN`, `en`) and how
-- dates are written (`iso`, `long`); NULL while not chosen.
CREATE TABLE user_settings (
    user_id TEXT PRIMARY KEY REFERENCES users(id),
    lang TEXT,
    date_style TEXT,
    updated_at BIGINT NOT NULL
);
