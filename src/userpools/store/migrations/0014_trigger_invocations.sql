-- 0014: a record of every Lambda trigger invocation (domain/triggers.py), read by
-- GET /_userpools/triggers and `userpools triggers`. event is the JSON sent, with secrets
-- redacted; outcome is 'ok' or the error code (UserLambdaValidationException, ...); error is
-- its message. Kept per pool id (not a foreign key: the record outlives a deleted pool).
-- Numbered 0014 after 0013_oauth_web (issue 14).

CREATE TABLE trigger_invocations (
    id            INTEGER PRIMARY KEY,
    pool_id       TEXT NOT NULL,
    username      TEXT,
    trigger_name  TEXT NOT NULL,
    source        TEXT NOT NULL,
    arn           TEXT NOT NULL,
    outcome       TEXT NOT NULL,
    error         TEXT,
    duration_ms   REAL NOT NULL,
    event         TEXT NOT NULL,
    created_at    REAL NOT NULL
);
CREATE INDEX trigger_invocations_by_pool ON trigger_invocations (pool_id, id);
