-- 0014 for PostgreSQL: as 0014_trigger_invocations.sql, with an identity and DOUBLE PRECISION.

CREATE TABLE trigger_invocations (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    pool_id       TEXT NOT NULL,
    username      TEXT,
    trigger_name  TEXT NOT NULL,
    source        TEXT NOT NULL,
    arn           TEXT NOT NULL,
    outcome       TEXT NOT NULL,
    error         TEXT,
    duration_ms   DOUBLE PRECISION NOT NULL,
    event         TEXT NOT NULL,
    created_at    DOUBLE PRECISION NOT NULL
);
CREATE INDEX trigger_invocations_by_pool ON trigger_invocations (pool_id, id);
