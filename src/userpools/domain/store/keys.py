"""What keys need of a transaction: each pool's signing keys, and the server's own secrets
(kept in the database, so that every node shares them)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from userpools.domain.models import PoolKey, UserPool


class KeyStore(Protocol):
    def insert_pool_key(self, pool: UserPool, key: PoolKey) -> None: ...
    def pool_keys(self, pool: UserPool) -> list[PoolKey]: ...
    def retire_pool_keys(self, pool: UserPool, now: float) -> None: ...
    def find_pool_key(self, kid: str) -> tuple[str, PoolKey] | None:
        """The id of the pool that owns the key ``kid``, and the key."""
        ...

    def secret(self, name: str, create: Callable[[], bytes], now: float) -> bytes:
        """The server secret ``name``, made with ``create`` on first use; every caller, on
        every node, gets the same one."""
        ...
