"""What the record of sign-in events needs of a transaction."""

from __future__ import annotations

from typing import Protocol

from userpools.domain.models import AuthEvent, User, UserPool


class EventStore(Protocol):
    def insert_auth_event(self, pool: UserPool, user: User, event: AuthEvent) -> None: ...
    def auth_events(
        self, pool: UserPool, user: User, before: int | None, limit: int
    ) -> list[AuthEvent]:
        """The user's events, newest first, older than the event ``before`` (its key)."""
        ...
