-- 0003: each pool's RS256 signing keys (one for ID tokens, one for access tokens).
-- Rotation retires the current keys; retired keys stay in the JWKS for a grace period.

CREATE TABLE signing_keys (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    pool        INTEGER NOT NULL REFERENCES user_pools (id) ON DELETE CASCADE,
    purpose     TEXT NOT NULL,
    kid         TEXT NOT NULL,
    private_pem TEXT NOT NULL,
    created_at  REAL NOT NULL,
    retired_at  REAL,
    UNIQUE (pool, kid)
);
CREATE INDEX signing_keys_by_pool ON signing_keys (pool, id);
