"""What user pools need of a transaction: the pool records themselves."""

from __future__ import annotations

from typing import Protocol

from userpools.domain.models import UserPool
from userpools.domain.pool_config import PoolConfig


class PoolStore(Protocol):
    def insert_pool(
        self,
        pool_id: str,
        region: str,
        name: str,
        config: PoolConfig,
        now: float,
    ) -> UserPool: ...
    def get_pool(self, pool_id: str, *, shared: bool = False) -> UserPool | None:
        """The pool. In a write transaction (where the engine has several writers) the
        pool's writers take turns from here to the end of the transaction; ``shared``
        writers only wait for the others and not for each other, and keep their rules by
        narrower locks (``lock_user``)."""
        ...

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
