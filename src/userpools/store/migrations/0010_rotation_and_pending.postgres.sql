-- 0010 for PostgreSQL: as 0010_rotation_and_pending.sql, with BIGINT and double precision.

ALTER TABLE refresh_tokens ADD COLUMN previous_hash TEXT;
ALTER TABLE refresh_tokens ADD COLUMN previous_until DOUBLE PRECISION;
CREATE INDEX refresh_tokens_by_previous ON refresh_tokens (previous_hash);

CREATE TABLE pending_attributes (
    pool        BIGINT NOT NULL,
    user_id     BIGINT NOT NULL,
    name        TEXT NOT NULL,
    value       TEXT NOT NULL,
    PRIMARY KEY (pool, user_id, name),
    FOREIGN KEY (pool, user_id) REFERENCES users (pool, id) ON DELETE CASCADE
);
