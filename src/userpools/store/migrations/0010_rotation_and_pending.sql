-- 0010: refresh token rotation and attribute values awaiting verification.
-- A rotated token family keeps the hash of the refresh token it replaced, usable until
-- previous_until (the client's RetryGracePeriodSeconds); a later use of it is a reuse.
-- pending_attributes holds an email or phone number that the pool's
-- AttributesRequireVerificationBeforeUpdate keeps out of the user's attributes until
-- VerifyUserAttribute confirms it; one per user and attribute.

ALTER TABLE refresh_tokens ADD COLUMN previous_hash TEXT;
ALTER TABLE refresh_tokens ADD COLUMN previous_until REAL;
CREATE INDEX refresh_tokens_by_previous ON refresh_tokens (previous_hash);

CREATE TABLE pending_attributes (
    pool        INTEGER NOT NULL,
    user_id     INTEGER NOT NULL,
    name        TEXT NOT NULL,
    value       TEXT NOT NULL,
    PRIMARY KEY (pool, user_id, name),
    FOREIGN KEY (pool, user_id) REFERENCES users (pool, id) ON DELETE CASCADE
);
