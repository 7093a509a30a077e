-- 0007: password checks in flight (domain/password_checks.py). A check holds a row while its
-- slow Argon2id verification runs outside any transaction, and gives it back in the write that
-- records the outcome; a row left by a node that died expires. The lock-out lets a new check
-- start only while these rows are fewer than the failures the user has left.

CREATE TABLE password_checks (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    pool        INTEGER NOT NULL,
    user_id     INTEGER NOT NULL,
    expires_at  REAL NOT NULL,
    FOREIGN KEY (pool, user_id) REFERENCES users (pool, id) ON DELETE CASCADE
);
CREATE INDEX password_checks_by_user ON password_checks (pool, user_id, expires_at);
