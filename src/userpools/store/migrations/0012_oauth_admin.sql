-- 0012: OAuth 2.0 administration: resource servers and user pool domains.
--
-- resource_servers: a pool's resource servers (CreateResourceServer), each with its custom
-- scopes as a JSON list of [name, description]; the identifier is unique in its pool, and
-- ListResourceServers pages through them by identifier.
--
-- pool_domains: the domains of a pool (CreateUserPoolDomain): at most one prefix domain and one
-- custom domain per pool (custom 0 or 1), and a domain name is unique across every pool.

CREATE TABLE resource_servers (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    pool        INTEGER NOT NULL REFERENCES user_pools (id) ON DELETE CASCADE,
    identifier  TEXT NOT NULL,
    name        TEXT NOT NULL,
    scopes      TEXT NOT NULL,
    created_at  REAL NOT NULL,
    updated_at  REAL NOT NULL
);
CREATE UNIQUE INDEX resource_servers_by_identifier ON resource_servers (pool, identifier);

CREATE TABLE pool_domains (
    id                     INTEGER PRIMARY KEY AUTOINCREMENT,
    pool                   INTEGER NOT NULL REFERENCES user_pools (id) ON DELETE CASCADE,
    domain                 TEXT NOT NULL UNIQUE,
    custom                 INTEGER NOT NULL,
    certificate_arn        TEXT,
    managed_login_version  INTEGER NOT NULL,
    created_at             REAL NOT NULL,
    updated_at             REAL NOT NULL
);
CREATE UNIQUE INDEX pool_domains_one_kind ON pool_domains (pool, custom);
