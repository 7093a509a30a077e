-- 0001 for PostgreSQL: the same tables, columns and indexes as 0001_init.sql.
-- Differences: identity columns instead of AUTOINCREMENT (never reused either), BYTEA,
-- DOUBLE PRECISION, named constraints (store/errors.py maps the names), and
-- COLLATE "C" on every text sort key, so order is code-point order as on SQLite.

CREATE TABLE server_secrets (
    name        TEXT PRIMARY KEY,
    value       BYTEA NOT NULL,
    created_at  DOUBLE PRECISION NOT NULL
);

CREATE TABLE user_pools (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    pool_id     TEXT COLLATE "C" NOT NULL,
    region      TEXT COLLATE "C" NOT NULL,
    name        TEXT NOT NULL,
    settings    TEXT NOT NULL,
    document    TEXT NOT NULL,
    created_at  DOUBLE PRECISION NOT NULL,
    updated_at  DOUBLE PRECISION NOT NULL,
    CONSTRAINT user_pools_pool_id UNIQUE (pool_id)
);
CREATE INDEX user_pools_by_region ON user_pools (region, pool_id);

CREATE TABLE users (
    id                  BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    pool                BIGINT NOT NULL REFERENCES user_pools (id) ON DELETE CASCADE,
    username            TEXT COLLATE "C" NOT NULL,
    username_key        TEXT COLLATE "C" NOT NULL,
    sub                 TEXT COLLATE "C" NOT NULL,
    user_status         TEXT COLLATE "C" NOT NULL,
    enabled             INTEGER NOT NULL,
    email               TEXT COLLATE "C",
    phone_number        TEXT COLLATE "C",
    name                TEXT COLLATE "C",
    given_name          TEXT COLLATE "C",
    family_name         TEXT COLLATE "C",
    preferred_username  TEXT COLLATE "C",
    login_email         TEXT COLLATE "C",
    login_phone         TEXT COLLATE "C",
    login_preferred     TEXT COLLATE "C",
    attributes          TEXT NOT NULL,
    mfa_options         TEXT,
    password_hash       TEXT,
    password_expires_at DOUBLE PRECISION,
    created_at          DOUBLE PRECISION NOT NULL,
    updated_at          DOUBLE PRECISION NOT NULL,
    CONSTRAINT users_pool_id UNIQUE (pool, id),
    CONSTRAINT users_username UNIQUE (pool, username_key),
    CONSTRAINT users_sub UNIQUE (pool, sub)
);
CREATE UNIQUE INDEX users_login_email ON users (pool, login_email) WHERE login_email IS NOT NULL;
CREATE UNIQUE INDEX users_login_phone ON users (pool, login_phone) WHERE login_phone IS NOT NULL;
CREATE UNIQUE INDEX users_login_preferred ON users (pool, login_preferred)
    WHERE login_preferred IS NOT NULL;
CREATE INDEX users_by_email ON users (pool, email, username_key);
CREATE INDEX users_by_phone_number ON users (pool, phone_number, username_key);
CREATE INDEX users_by_name ON users (pool, name, username_key);
CREATE INDEX users_by_given_name ON users (pool, given_name, username_key);
CREATE INDEX users_by_family_name ON users (pool, family_name, username_key);
CREATE INDEX users_by_preferred_username ON users (pool, preferred_username, username_key);
CREATE INDEX users_by_status ON users (pool, user_status, username_key);
CREATE INDEX users_by_enabled ON users (pool, enabled, username_key);
CREATE INDEX users_by_username ON users (pool, username, username_key);

CREATE TABLE groups (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    pool        BIGINT NOT NULL REFERENCES user_pools (id) ON DELETE CASCADE,
    name        TEXT COLLATE "C" NOT NULL,
    description TEXT,
    role_arn    TEXT,
    precedence  BIGINT,
    created_at  DOUBLE PRECISION NOT NULL,
    updated_at  DOUBLE PRECISION NOT NULL,
    CONSTRAINT groups_pool_id UNIQUE (pool, id),
    CONSTRAINT groups_name UNIQUE (pool, name)
);

CREATE TABLE memberships (
    pool        BIGINT NOT NULL,
    group_id    BIGINT NOT NULL,
    user_id     BIGINT NOT NULL,
    user_key    TEXT COLLATE "C" NOT NULL,
    group_name  TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (pool, group_id, user_key),
    FOREIGN KEY (pool, group_id) REFERENCES groups (pool, id) ON DELETE CASCADE,
    FOREIGN KEY (pool, user_id) REFERENCES users (pool, id) ON DELETE CASCADE
);
CREATE UNIQUE INDEX memberships_by_user ON memberships (pool, user_id, group_name);

CREATE TABLE outbox (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    pool_id     TEXT NOT NULL,
    username    TEXT NOT NULL,
    medium      TEXT NOT NULL,
    destination TEXT NOT NULL,
    subject     TEXT,
    body        TEXT NOT NULL,
    created_at  DOUBLE PRECISION NOT NULL
);
CREATE INDEX outbox_by_pool ON outbox (pool_id, id);
