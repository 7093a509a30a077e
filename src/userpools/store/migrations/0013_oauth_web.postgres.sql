-- 0013: the browser's OAuth 2.0 flow (issue 14): managed login sessions, and the scopes a
-- sign-in through /oauth2/authorize was granted.
--
-- login_sessions: one browser's visit to the managed login pages, found by the SHA-256 of
-- the handle in its cookie: the CSRF token, the authorization request it serves, and, once
-- the user has signed in, who (a JSON document, the domain's own). Kept here, not in a
-- node's memory, so that any node answers the next page.
--
-- refresh_tokens.scopes: the space-separated scopes of a sign-in through the authorization
-- endpoint (NULL for API sign-in, whose tokens carry aws.cognito.signin.user.admin), so that
-- a refresh gives the scopes of the grant.
--
-- Authorization codes are auth_sessions rows (challenge AUTHORIZATION_CODE): a short-lived,
-- single-use secret of one user and one client, found by its hash.

CREATE TABLE login_sessions (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    pool        BIGINT NOT NULL REFERENCES user_pools (id) ON DELETE CASCADE,
    handle_hash TEXT NOT NULL UNIQUE,
    client_id   TEXT NOT NULL,
    state       TEXT NOT NULL,
    expires_at  DOUBLE PRECISION NOT NULL
);
CREATE INDEX login_sessions_by_expiry ON login_sessions (pool, expires_at);

ALTER TABLE refresh_tokens ADD COLUMN scopes TEXT;
