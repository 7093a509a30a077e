"""What MFA needs of a transaction: each user's MFA state (``domain/mfa.py``)."""

from __future__ import annotations

from typing import Protocol

from userpools.domain.models import User, UserMfa, UserPool


class MfaStore(Protocol):
    def get_user_mfa(self, pool: UserPool, user: User) -> UserMfa | None:
        """The user's MFA state; ``None`` if it was never set."""
        ...

    def put_user_mfa(self, pool: UserPool, user: User, mfa: UserMfa) -> None:
        """Store the user's MFA state, replacing what was there."""
        ...
