-- Named database connections, managed by admins. `secret` is the password
-- encrypted by `secrets.rs` (`v1:<key id>:<base64 nonce+ciphertext>`), never
-- the plaintext; NULL when the connection has none. read_only: 1 or 0.
CREATE TABLE connections (
    name TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    host TEXT,
    port BIGINT,
    db_name TEXT NOT NULL,
    username TEXT,
    tls TEXT NOT NULL,
    connect_timeout_secs BIGINT NOT NULL,
    read_only BIGINT NOT NULL,
    secret TEXT,
    updated_at BIGINT NOT NULL,
    updated_by TEXT NOT NULL
);
