"""What messaging needs of a transaction: the outbox of messages AWS would have sent."""

from __future__ import annotations

from collections.abc import Collection
from typing import Protocol

from userpools.domain.models import Message


class MessageStore(Protocol):
    def add_message(self, message: Message) -> None: ...
    def list_messages(self, pool_id: str | None, after: int, limit: int) -> list[Message]:
        """Messages after position ``after``, oldest first; only the pool's with ``pool_id``."""
        ...

    def recent_messages(self, pool_id: str, destination: str | None, limit: int) -> list[Message]:
        """The pool's newest ``limit`` messages, newest first; only those to ``destination``
        when it is given."""
        ...

    def claim_messages(
        self, media: Collection[str], now: float, lease: float, limit: int
    ) -> list[tuple[int, Message]]:
        """Up to ``limit`` pending messages of ``media`` due by ``now``, oldest first, with
        their ids; each is leased: no other claim returns it for ``lease`` seconds, even
        from another node (PostgreSQL: ``FOR UPDATE SKIP LOCKED``)."""
        ...

    def any_message_due(self, media: Collection[str], now: float) -> bool:
        """Whether :meth:`claim_messages` would find something (a read, no lock)."""
        ...

    def mark_message_sent(self, message_id: int, now: float) -> None: ...

    def mark_message_failed(self, message_id: int, error: str, retry_at: float | None) -> None:
        """Record a failed attempt; retry at ``retry_at``, or give up when it is ``None``."""
        ...
