-- 0002 for PostgreSQL: as 0002_clients.sql, with an identity column and a named constraint.

CREATE TABLE user_pool_clients (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    pool        BIGINT NOT NULL REFERENCES user_pools (id) ON DELETE CASCADE,
    client_id   TEXT COLLATE "C" NOT NULL,
    name        TEXT NOT NULL,
    secret      TEXT,
    settings    TEXT NOT NULL,
    document    TEXT NOT NULL,
    created_at  DOUBLE PRECISION NOT NULL,
    updated_at  DOUBLE PRECISION NOT NULL,
    CONSTRAINT user_pool_clients_client_id UNIQUE (client_id)
);
CREATE INDEX user_pool_clients_by_pool ON user_pool_clients (pool, client_id);
