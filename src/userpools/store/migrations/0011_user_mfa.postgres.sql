-- 0011 for PostgreSQL: as 0011_user_mfa.sql, with BIGINT and BYTEA.

CREATE TABLE user_mfa (
    pool            BIGINT NOT NULL,
    user_id         BIGINT NOT NULL,
    totp_secret     BYTEA,
    pending_secret  BYTEA,
    device_name     TEXT,
    last_step       BIGINT,
    sms_enabled     INTEGER NOT NULL DEFAULT 0,
    totp_enabled    INTEGER NOT NULL DEFAULT 0,
    email_enabled   INTEGER NOT NULL DEFAULT 0,
    preferred       TEXT,
    PRIMARY KEY (pool, user_id),
    FOREIGN KEY (pool, user_id) REFERENCES users (pool, id) ON DELETE CASCADE
);
