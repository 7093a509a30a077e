-- 0008 for PostgreSQL: as 0008_secrets_settings_events.sql, with identity columns, double
-- precision, and md5 for the copied secrets' ids.

CREATE TABLE client_secrets (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    client      BIGINT NOT NULL REFERENCES user_pool_clients (id) ON DELETE CASCADE,
    secret_id   TEXT NOT NULL UNIQUE,
    secret      TEXT NOT NULL,
    created_at  DOUBLE PRECISION NOT NULL
);
CREATE INDEX client_secrets_by_client ON client_secrets (client, id);
INSERT INTO client_secrets (client, secret_id, secret, created_at)
    SELECT id, client_id || '--' || substr(md5(random()::text || id::text), 1, 16), secret,
           created_at
    FROM user_pool_clients WHERE secret IS NOT NULL;

CREATE TABLE pool_settings (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    pool        BIGINT NOT NULL REFERENCES user_pools (id) ON DELETE CASCADE,
    client      BIGINT REFERENCES user_pool_clients (id) ON DELETE CASCADE,
    kind        TEXT NOT NULL,
    document    TEXT NOT NULL,
    created_at  DOUBLE PRECISION NOT NULL,
    updated_at  DOUBLE PRECISION NOT NULL
);
CREATE UNIQUE INDEX pool_settings_one ON pool_settings (pool, kind, coalesce(client, 0));
CREATE INDEX pool_settings_by_client ON pool_settings (client);

CREATE TABLE auth_events (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    pool        BIGINT NOT NULL,
    user_id     BIGINT NOT NULL,
    event_id    TEXT NOT NULL,
    event_type  TEXT NOT NULL,
    response    TEXT NOT NULL,
    challenges  TEXT NOT NULL,
    created_at  DOUBLE PRECISION NOT NULL,
    FOREIGN KEY (pool, user_id) REFERENCES users (pool, id) ON DELETE CASCADE
);
CREATE INDEX auth_events_by_user ON auth_events (pool, user_id, id);
