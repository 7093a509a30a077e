-- 0007 for PostgreSQL: as 0007_checks_in_flight.sql, with an identity column and double
-- precision.

CREATE TABLE password_checks (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    pool        BIGINT NOT NULL,
    user_id     BIGINT NOT NULL,
    expires_at  DOUBLE PRECISION NOT NULL,
    FOREIGN KEY (pool, user_id) REFERENCES users (pool, id) ON DELETE CASCADE
);
CREATE INDEX password_checks_by_user ON password_checks (pool, user_id, expires_at);
