-- 0004: sign-in state. Beside the Argon2id hash, each user keeps an SRP verifier and the
-- lock-out counter; the per-user token cut-off is set by global sign-out. Auth sessions,
-- refresh-token families and one-time codes live in their own tables, keyed by hashes of
-- the secrets the clients hold (never the secrets themselves), and go with their user.

ALTER TABLE users ADD COLUMN srp_verifier TEXT;
ALTER TABLE users ADD COLUMN failed_attempts INTEGER NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN last_failure_at REAL;
ALTER TABLE users ADD COLUMN locked_until REAL;
ALTER TABLE users ADD COLUMN tokens_valid_after REAL;

-- One row per challenge in flight; taken (deleted) by the answer, so each is used once.
CREATE TABLE auth_sessions (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    pool        INTEGER NOT NULL,
    user_id     INTEGER NOT NULL,
    handle_hash TEXT NOT NULL UNIQUE,
    client_id   TEXT NOT NULL,
    challenge   TEXT NOT NULL,
    state       TEXT NOT NULL,
    expires_at  REAL NOT NULL,
    FOREIGN KEY (pool, user_id) REFERENCES users (pool, id) ON DELETE CASCADE
);
CREATE INDEX auth_sessions_by_expiry ON auth_sessions (pool, expires_at);

-- One row per sign-in: the refresh token and the origin_jti every token of it carries.
CREATE TABLE refresh_tokens (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    pool        INTEGER NOT NULL,
    user_id     INTEGER NOT NULL,
    client_id   TEXT NOT NULL,
    token_hash  TEXT NOT NULL UNIQUE,
    origin_jti  TEXT NOT NULL UNIQUE,
    auth_time   REAL NOT NULL,
    created_at  REAL NOT NULL,
    expires_at  REAL NOT NULL,
    revoked_at  REAL,
    FOREIGN KEY (pool, user_id) REFERENCES users (pool, id) ON DELETE CASCADE
);
CREATE INDEX refresh_tokens_by_user ON refresh_tokens (pool, user_id);

-- The current sign-up or password-reset code of a user, one per purpose.
CREATE TABLE user_codes (
    pool        INTEGER NOT NULL,
    user_id     INTEGER NOT NULL,
    purpose     TEXT NOT NULL,
    code_hash   TEXT NOT NULL,
    attribute   TEXT,
    expires_at  REAL NOT NULL,
    failures    INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (pool, user_id, purpose),
    FOREIGN KEY (pool, user_id) REFERENCES users (pool, id) ON DELETE CASCADE
);

CREATE INDEX signing_keys_by_kid ON signing_keys (kid);
