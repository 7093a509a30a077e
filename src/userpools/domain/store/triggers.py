"""What the trigger record needs of a transaction: one row per Lambda invocation."""

from __future__ import annotations

from typing import Protocol

from userpools.domain.models import Invocation


class TriggerStore(Protocol):
    def add_invocation(self, invocation: Invocation, keep: int) -> None:
        """Record ``invocation``; of its pool's invocations, only the newest ``keep`` stay."""
        ...

    def recent_invocations(self, pool_id: str, limit: int) -> list[Invocation]:
        """The pool's newest ``limit`` invocations, newest first."""
        ...
