"""What sign-in needs of a transaction for its short-lived secrets: the challenges in flight
(auth sessions) and the one-time codes of sign-up, password reset and attribute verification.
Both are kept as hashes of what the client holds, and each is used once. An email or phone
number that must be verified before it replaces the user's is kept beside its code. Beside
them, the password checks in flight that the lock-out counts (``domain/password_checks.py``)."""

from __future__ import annotations

from typing import Protocol

from userpools.domain.models import AuthSession, LoginSession, User, UserCode, UserPool


class SessionStore(Protocol):
    def insert_auth_session(self, pool: UserPool, session: AuthSession, now: float) -> None:
        """Store the session, and drop the pool's expired ones."""
        ...

    def get_auth_session(self, pool: UserPool, handle_hash: str) -> AuthSession | None: ...
    def take_auth_session(self, pool: UserPool, handle_hash: str) -> AuthSession | None:
        """Delete the session and return it; ``None`` if another call took it first."""
        ...

    # one-time codes
    def put_code(self, pool: UserPool, user: User, code: UserCode) -> None: ...
    def get_code(self, pool: UserPool, user: User, purpose: str) -> UserCode | None: ...
    def count_code_failure(self, pool: UserPool, user: User, purpose: str) -> None: ...
    def delete_code(self, pool: UserPool, user: User, purpose: str) -> None: ...

    # attribute values awaiting verification (AttributesRequireVerificationBeforeUpdate)
    def put_pending_attribute(self, pool: UserPool, user: User, name: str, value: str) -> None:
        """Keep ``value`` for the user's ``name`` until it is verified; replaces an earlier one."""
        ...

    def get_pending_attribute(self, pool: UserPool, user: User, name: str) -> str | None: ...
    def delete_pending_attribute(self, pool: UserPool, user: User, name: str) -> None: ...

    # password checks in flight
    def count_password_checks(self, pool: UserPool, user: User, now: float) -> int:
        """The user's checks in flight that have not expired by ``now``."""
        ...

    def insert_password_check(
        self, pool: UserPool, user: User, now: float, expires_at: float
    ) -> int:
        """Start a check of the user's password (dropping the user's expired ones); its key."""
        ...

    def delete_password_check(self, pool: UserPool, key: int) -> None: ...

    # managed login sessions (domain/login.py)
    def put_login_session(self, pool: UserPool, session: LoginSession, now: float) -> None:
        """Store the session, replacing the one of the same handle; drop the pool's expired
        ones."""
        ...

    def get_login_session(self, pool: UserPool, handle_hash: str) -> LoginSession | None: ...
    def delete_login_session(self, pool: UserPool, handle_hash: str) -> None: ...
