-- 0002: app clients. The secret is kept as issued: DescribeUserPoolClient returns it and
-- SECRET_HASH checks need it (an HMAC key cannot be stored as a one-way hash).

CREATE TABLE user_pool_clients (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    pool        INTEGER NOT NULL REFERENCES user_pools (id) ON DELETE CASCADE,
    client_id   TEXT NOT NULL UNIQUE,
    name        TEXT NOT NULL,
    secret      TEXT,
    settings    TEXT NOT NULL,
    document    TEXT NOT NULL,
    created_at  REAL NOT NULL,
    updated_at  REAL NOT NULL
);
CREATE INDEX user_pool_clients_by_pool ON user_pool_clients (pool, client_id);
