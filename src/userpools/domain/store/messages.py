"""What messaging needs of a transaction: the outbox of messages AWS would have sent."""

from __future__ import annotations

from typing import Protocol

from userpools.domain.models import Message


class MessageStore(Protocol):
    def add_message(self, message: Message) -> None: ...
    def list_messages(self, pool_id: str | None, after: int, limit: int) -> list[Message]:
        """Messages after position ``after``, oldest first; only the pool's with ``pool_id``."""
        ...
