"""The SQL of sign-in's short-lived secrets: challenges in flight (``auth_sessions``) and
one-time codes (``user_codes``) and the values they verify (``pending_attributes``); and
password checks in flight (``password_checks``)."""

from __future__ import annotations

from userpools.domain.models import AuthSession, LoginSession, User, UserCode, UserPool
from userpools.domain.store import SessionStore
from userpools.store.sql.base import Row, SQLBase

_SESSION_COLUMNS = "handle_hash, user_id, client_id, challenge, state, expires_at"
_CODE_COLUMNS = "purpose, code_hash, attribute, expires_at, failures"


class SessionSQL(SQLBase, SessionStore):
    def insert_auth_session(self, pool: UserPool, session: AuthSession, now: float) -> None:
        self._run("DELETE FROM auth_sessions WHERE pool = ? AND expires_at < ?", (pool.key, now))
        self._run(
            "INSERT INTO auth_sessions (pool, user_id, handle_hash, client_id, challenge, state,"
            " expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                pool.key,
                session.user_key,
                session.handle_hash,
                session.client_id,
                session.challenge,
                session.state,
                session.expires_at,
            ),
        )

    def get_auth_session(self, pool: UserPool, handle_hash: str) -> AuthSession | None:
        row = self._one(
            f"SELECT {_SESSION_COLUMNS} FROM auth_sessions WHERE pool = ? AND handle_hash = ?",
            (pool.key, handle_hash),
        )
        return _session(row) if row else None

    def take_auth_session(self, pool: UserPool, handle_hash: str) -> AuthSession | None:
        row = self._one(
            "DELETE FROM auth_sessions WHERE pool = ? AND handle_hash = ?"
            f" RETURNING {_SESSION_COLUMNS}",
            (pool.key, handle_hash),
        )
        return _session(row) if row else None

    # one-time codes ---------------------------------------------------------------------

    def put_code(self, pool: UserPool, user: User, code: UserCode) -> None:
        self._run(
            "INSERT INTO user_codes (pool, user_id, purpose, code_hash, attribute, expires_at,"
            " failures) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (pool, user_id, purpose) DO"
            " UPDATE SET code_hash = excluded.code_hash, attribute = excluded.attribute,"
            " expires_at = excluded.expires_at, failures = excluded.failures",
            (
                pool.key,
                user.key,
                code.purpose,
                code.code_hash,
                code.attribute,
                code.expires_at,
                code.failures,
            ),
        )

    def get_code(self, pool: UserPool, user: User, purpose: str) -> UserCode | None:
        row = self._one(
            f"SELECT {_CODE_COLUMNS} FROM user_codes"
            " WHERE pool = ? AND user_id = ? AND purpose = ?",
            (pool.key, user.key, purpose),
        )
        if row is None:
            return None
        return UserCode(
            purpose=row["purpose"],
            code_hash=row["code_hash"],
            attribute=row["attribute"],
            expires_at=row["expires_at"],
            failures=row["failures"],
        )

    def count_code_failure(self, pool: UserPool, user: User, purpose: str) -> None:
        self._run(
            "UPDATE user_codes SET failures = failures + 1"
            " WHERE pool = ? AND user_id = ? AND purpose = ?",
            (pool.key, user.key, purpose),
        )

    def delete_code(self, pool: UserPool, user: User, purpose: str) -> None:
        self._run(
            "DELETE FROM user_codes WHERE pool = ? AND user_id = ? AND purpose = ?",
            (pool.key, user.key, purpose),
        )

    # attribute values awaiting verification ---------------------------------------------

    def put_pending_attribute(self, pool: UserPool, user: User, name: str, value: str) -> None:
        self._run(
            "INSERT INTO pending_attributes (pool, user_id, name, value) VALUES (?, ?, ?, ?)"
            " ON CONFLICT (pool, user_id, name) DO UPDATE SET value = excluded.value",
            (pool.key, user.key, name, value),
        )

    def get_pending_attribute(self, pool: UserPool, user: User, name: str) -> str | None:
        row = self._one(
            "SELECT value FROM pending_attributes WHERE pool = ? AND user_id = ? AND name = ?",
            (pool.key, user.key, name),
        )
        return str(row["value"]) if row else None

    def delete_pending_attribute(self, pool: UserPool, user: User, name: str) -> None:
        self._run(
            "DELETE FROM pending_attributes WHERE pool = ? AND user_id = ? AND name = ?",
            (pool.key, user.key, name),
        )

    # password checks in flight ----------------------------------------------------------

    def count_password_checks(self, pool: UserPool, user: User, now: float) -> int:
        return self._count(
            "SELECT count(*) AS n FROM password_checks"
            " WHERE pool = ? AND user_id = ? AND expires_at > ?",
            (pool.key, user.key, now),
        )

    def insert_password_check(
        self, pool: UserPool, user: User, now: float, expires_at: float
    ) -> int:
        self._run(
            "DELETE FROM password_checks WHERE pool = ? AND user_id = ? AND expires_at <= ?",
            (pool.key, user.key, now),
        )
        return self._insert(
            "INSERT INTO password_checks (pool, user_id, expires_at) VALUES (?, ?, ?)",
            (pool.key, user.key, expires_at),
        )

    def delete_password_check(self, pool: UserPool, key: int) -> None:
        self._run("DELETE FROM password_checks WHERE pool = ? AND id = ?", (pool.key, key))

    # managed login sessions -------------------------------------------------------------

    def put_login_session(self, pool: UserPool, session: LoginSession, now: float) -> None:
        self._run("DELETE FROM login_sessions WHERE pool = ? AND expires_at < ?", (pool.key, now))
        self._run(
            "INSERT INTO login_sessions (pool, handle_hash, client_id, state, expires_at)"
            " VALUES (?, ?, ?, ?, ?) ON CONFLICT (handle_hash) DO UPDATE SET"
            " client_id = excluded.client_id, state = excluded.state,"
            " expires_at = excluded.expires_at",
            (pool.key, session.handle_hash, session.client_id, session.state, session.expires_at),
        )

    def get_login_session(self, pool: UserPool, handle_hash: str) -> LoginSession | None:
        row = self._one(
            "SELECT handle_hash, client_id, state, expires_at FROM login_sessions"
            " WHERE pool = ? AND handle_hash = ?",
            (pool.key, handle_hash),
        )
        if row is None:
            return None
        return LoginSession(
            handle_hash=row["handle_hash"],
            client_id=row["client_id"],
            state=row["state"],
            expires_at=row["expires_at"],
        )

    def delete_login_session(self, pool: UserPool, handle_hash: str) -> None:
        self._run(
            "DELETE FROM login_sessions WHERE pool = ? AND handle_hash = ?",
            (pool.key, handle_hash),
        )


def _session(row: Row) -> AuthSession:
    return AuthSession(
        handle_hash=row["handle_hash"],
        user_key=row["user_id"],
        client_id=row["client_id"],
        challenge=row["challenge"],
        state=row["state"],
        expires_at=row["expires_at"],
    )
