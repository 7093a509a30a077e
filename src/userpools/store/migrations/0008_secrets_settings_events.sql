-- 0008: app clients' secrets, pool and client settings, and sign-in events.
--
-- client_secrets: every current secret of an app client (at most two, AddUserPoolClientSecret).
-- user_pool_clients.secret stays: it is the oldest current secret, the one
-- DescribeUserPoolClient shows, and says at once whether the client has any. The secrets
-- clients already have are copied here, each with an id of its own.
--
-- pool_settings: a pool's documents that are not part of UserPoolType, one per kind, for the
-- pool (client NULL) or for one app client: UI customization, risk configuration, log
-- delivery, the SAML signing certificate. Deleting the pool or the client deletes them.
--
-- auth_events: sign-in attempts, for AdminListUserAuthEvents; deleted with their user.

CREATE TABLE client_secrets (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    client      INTEGER NOT NULL REFERENCES user_pool_clients (id) ON DELETE CASCADE,
    secret_id   TEXT NOT NULL UNIQUE,
    secret      TEXT NOT NULL,
    created_at  REAL NOT NULL
);
CREATE INDEX client_secrets_by_client ON client_secrets (client, id);
INSERT INTO client_secrets (client, secret_id, secret, created_at)
    SELECT id, client_id || '--' || lower(hex(randomblob(8))), secret, created_at
    FROM user_pool_clients WHERE secret IS NOT NULL;

CREATE TABLE pool_settings (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    pool        INTEGER NOT NULL REFERENCES user_pools (id) ON DELETE CASCADE,
    client      INTEGER REFERENCES user_pool_clients (id) ON DELETE CASCADE,
    kind        TEXT NOT NULL,
    document    TEXT NOT NULL,
    created_at  REAL NOT NULL,
    updated_at  REAL NOT NULL
);
CREATE UNIQUE INDEX pool_settings_one ON pool_settings (pool, kind, coalesce(client, 0));
CREATE INDEX pool_settings_by_client ON pool_settings (client);

CREATE TABLE auth_events (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    pool        INTEGER NOT NULL,
    user_id     INTEGER NOT NULL,
    event_id    TEXT NOT NULL,
    event_type  TEXT NOT NULL,
    response    TEXT NOT NULL,
    challenges  TEXT NOT NULL,
    created_at  REAL NOT NULL,
    FOREIGN KEY (pool, user_id) REFERENCES users (pool, id) ON DELETE CASCADE
);
CREATE INDEX auth_events_by_user ON auth_events (pool, user_id, id);
