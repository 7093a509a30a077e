-- 0001: pools, users, groups, memberships, the outbox and server secrets.
-- Surrogate integer ids everywhere, so a group or user re-created under the same name
-- starts empty and old pagination tokens (bound to the surrogate id) stop working.
-- AUTOINCREMENT: SQLite would otherwise reuse the id of the newest row once it is deleted.
-- Text columns that are sort keys compare as binary UTF-8 (code point order).

CREATE TABLE server_secrets (
    name        TEXT PRIMARY KEY,
    value       BLOB NOT NULL,
    created_at  REAL NOT NULL
);

CREATE TABLE user_pools (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    pool_id     TEXT NOT NULL UNIQUE,
    region      TEXT NOT NULL,
    name        TEXT NOT NULL,
    settings    TEXT NOT NULL,          -- JSON: the pool's rules, read by the domain
    document    TEXT NOT NULL,          -- JSON: the rest of the configuration, echoed back
    created_at  REAL NOT NULL,
    updated_at  REAL NOT NULL
);
CREATE INDEX user_pools_by_region ON user_pools (region, pool_id);

CREATE TABLE users (
    id                  INTEGER PRIMARY KEY AUTOINCREMENT,
    pool                INTEGER NOT NULL REFERENCES user_pools (id) ON DELETE CASCADE,
    username            TEXT NOT NULL,
    username_key        TEXT NOT NULL,  -- folded when the pool is case-insensitive
    sub                 TEXT NOT NULL,
    user_status         TEXT NOT NULL,
    enabled             INTEGER NOT NULL,
    -- the filterable attributes, copied out of `attributes` for the indexes
    email               TEXT,
    phone_number        TEXT,
    name                TEXT,
    given_name          TEXT,
    family_name         TEXT,
    preferred_username  TEXT,
    -- sign-in keys: set only while the value may be used in place of the username
    login_email         TEXT,
    login_phone         TEXT,
    login_preferred     TEXT,
    attributes          TEXT NOT NULL,  -- JSON list of [name, value] pairs, in order
    mfa_options         TEXT,           -- JSON list of [medium, attribute] pairs
    password_hash       TEXT,
    password_expires_at REAL,
    created_at          REAL NOT NULL,
    updated_at          REAL NOT NULL,
    UNIQUE (pool, id),
    UNIQUE (pool, username_key),
    UNIQUE (pool, sub)
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
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    pool        INTEGER NOT NULL REFERENCES user_pools (id) ON DELETE CASCADE,
    name        TEXT NOT NULL,
    description TEXT,
    role_arn    TEXT,
    precedence  INTEGER,
    created_at  REAL NOT NULL,
    updated_at  REAL NOT NULL,
    UNIQUE (pool, id),
    UNIQUE (pool, name)
);

-- Both listings are keyset scans: members of a group by user key, groups of a user by
-- group name. The composite foreign keys keep a membership inside one pool.
CREATE TABLE memberships (
    pool        INTEGER NOT NULL,
    group_id    INTEGER NOT NULL,
    user_id     INTEGER NOT NULL,
    user_key    TEXT NOT NULL,
    group_name  TEXT NOT NULL,
    PRIMARY KEY (pool, group_id, user_key),
    FOREIGN KEY (pool, group_id) REFERENCES groups (pool, id) ON DELETE CASCADE,
    FOREIGN KEY (pool, user_id) REFERENCES users (pool, id) ON DELETE CASCADE
);
CREATE UNIQUE INDEX memberships_by_user ON memberships (pool, user_id, group_name);

-- Messages AWS would send by email or SMS.
CREATE TABLE outbox (
    id          INTEGER PRIMARY KEY,
    pool_id     TEXT NOT NULL,
    username    TEXT NOT NULL,
    medium      TEXT NOT NULL,
    destination TEXT NOT NULL,
    subject     TEXT,
    body        TEXT NOT NULL,
    created_at  REAL NOT NULL
);
CREATE INDEX outbox_by_pool ON outbox (pool_id, id);
