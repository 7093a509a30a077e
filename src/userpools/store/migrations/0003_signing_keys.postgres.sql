-- 0003 for PostgreSQL: as 0003_signing_keys.sql, with an identity column.

CREATE TABLE signing_keys (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    pool        BIGINT NOT NULL REFERENCES user_pools (id) ON DELETE CASCADE,
    purpose     TEXT NOT NULL,
    kid         TEXT NOT NULL,
    private_pem TEXT NOT NULL,
    created_at  DOUBLE PRECISION NOT NULL,
    retired_at  DOUBLE PRECISION,
    CONSTRAINT signing_keys_kid UNIQUE (pool, kid)
);
CREATE INDEX signing_keys_by_pool ON signing_keys (pool, id);
