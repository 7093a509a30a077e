-- 0004 for PostgreSQL: as 0004_auth.sql, with identity columns and double precision.

ALTER TABLE users ADD COLUMN srp_verifier TEXT;
ALTER TABLE users ADD COLUMN failed_attempts INTEGER NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN last_failure_at DOUBLE PRECISION;
ALTER TABLE users ADD COLUMN locked_until DOUBLE PRECISION;
ALTER TABLE users ADD COLUMN tokens_valid_after DOUBLE PRECISION;

-- One row per challenge in flight; taken (deleted) by the answer, so each is used once.
CREATE TABLE auth_sessions (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    pool        BIGINT NOT NULL,
    user_id     BIGINT NOT NULL,
    handle_hash TEXT NOT NULL UNIQUE,
    client_id   TEXT NOT NULL,
    challenge   TEXT NOT NULL,
    state       TEXT NOT NULL,
    expires_at  DOUBLE PRECISION NOT NULL,
    FOREIGN KEY (pool, user_id) REFERENCES users (pool, id) ON DELETE CASCADE
);
CREATE INDEX auth_sessions_by_expiry ON auth_sessions (pool, expires_at);

-- One row per sign-in: the refresh token and the origin_jti every token of it carries.
CREATE TABLE refresh_tokens (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    pool        BIGINT NOT NULL,
    user_id     BIGINT NOT NULL,
    client_id   TEXT NOT NULL,
    token_hash  TEXT NOT NULL UNIQUE,
    origin_jti  TEXT NOT NULL UNIQUE,
    auth_time   DOUBLE PRECISION NOT NULL,
    created_at  DOUBLE PRECISION NOT NULL,
    expires_at  DOUBLE PRECISION NOT NULL,
    revoked_at  DOUBLE PRECISION,
    FOREIGN KEY (pool, user_id) REFERENCES users (pool, id) ON DELETE CASCADE
);
CREATE INDEX refresh_tokens_by_user ON refresh_tokens (pool, user_id);

-- The current sign-up or password-reset code of a user, one per purpose.
CREATE TABLE user_codes (
    pool        BIGINT NOT NULL,
    user_id     BIGINT NOT NULL,
    purpose     TEXT NOT NULL,
    code_hash   TEXT NOT NULL,
    attribute   TEXT,
    expires_at  DOUBLE PRECISION NOT NULL,
    failures    INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (pool, user_id, purpose),
    FOREIGN KEY (pool, user_id) REFERENCES users (pool, id) ON DELETE CASCADE
);

CREATE INDEX signing_keys_by_kid ON signing_keys (kid);
