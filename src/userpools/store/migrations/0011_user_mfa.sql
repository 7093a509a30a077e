-- 0011: each user's MFA state (domain/mfa.py).
-- The TOTP secret and the one awaiting VerifySoftwareToken are sealed (AES-256-GCM under the
-- server secret "mfa-totp", bound to the pool id and the user's sub); last_step is the TOTP
-- time step last accepted (no code of that step or an earlier one is accepted again).
-- Which factors are enabled, and which one is preferred (SMS_MFA, SOFTWARE_TOKEN_MFA,
-- EMAIL_OTP or none). Deleted with the user.

CREATE TABLE user_mfa (
    pool            INTEGER NOT NULL,
    user_id         INTEGER NOT NULL,
    totp_secret     BLOB,
    pending_secret  BLOB,
    device_name     TEXT,
    last_step       INTEGER,
    sms_enabled     INTEGER NOT NULL DEFAULT 0,
    totp_enabled    INTEGER NOT NULL DEFAULT 0,
    email_enabled   INTEGER NOT NULL DEFAULT 0,
    preferred       TEXT,
    PRIMARY KEY (pool, user_id),
    FOREIGN KEY (pool, user_id) REFERENCES users (pool, id) ON DELETE CASCADE
);
