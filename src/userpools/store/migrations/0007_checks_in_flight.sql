-- 0007: password checks in flight (domain/password_checks.py). A check holds a row while its
-- slow Argon2id verification runs outside any transaction, and gives it back in the write that
-- records the outcome; a row left by a node that died expires. The lock-out lets a new check
-- start only while these rows are fewer than the failures the user has left.
-- No AUTOINCREMENT, so a failed sign-in leaves no trace, not even in sqlite_sequence. SQLite may
-- then reuse the id of the newest row once it is gone: only a check that outlived its place
-- could end another's early, and that costs one extra check at most.

CREATE TABLE password_checks (
    id          INTEGER PRIMARY KEY,
    pool        INTEGER NOT NULL,
    user_id     INTEGER NOT NULL,
    expires_at  REAL NOT NULL,
    FOREIGN KEY (pool, user_id) REFERENCES users (pool, id) ON DELETE CASCADE
);
CREATE INDEX password_checks_by_user ON password_checks (pool, user_id, expires_at);
