"""What user pools need of a transaction: the pool records themselves."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol

from userpools.domain.models import PoolSettings, UserPool


class PoolStore(Protocol):
    def insert_pool(
        self,
        pool_id: str,
        region: str,
        name: str,
        settings: PoolSettings,
        document: Mapping[str, Any],
        now: float,
    ) -> UserPool: ...
    def get_pool(self, pool_id: str) -> UserPool | None: ...
    def update_pool(self, pool: UserPool) -> None: ...
    def delete_pool(self, pool: UserPool) -> None: ...
    def list_pools(
        self,
        region: str,
        after: str | None,
        limit: int,
        only: frozenset[str] | None = None,
    ) -> list[UserPool]:
        """The region's pools after ``after``, by id; ``only`` keeps just those pool ids."""
        ...
