"""Each pool's RS256 signing keys: one for ID tokens, one for access tokens.

Keys are made when the pool is created and kept in the store, so every node signs and
verifies with the same keys. Rotation retires the current pair and makes a new one;
retired keys stay in the JWKS for :data:`GRACE_SECONDS`, the longest an ID or access
token can live, so tokens signed just before a rotation still verify.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from userpools.crypto.keys import KeySource, SigningKey, generate_signing_key, jwks
from userpools.domain.models import PoolKey, UserPool
from userpools.domain.pools import new_pool_keys, require_pool
from userpools.domain.store import Store, Transaction

GRACE_SECONDS = 86400.0


def published(keys: list[PoolKey], now: float) -> list[SigningKey]:
    """The keys a verifier may meet: current ones, and those retired within the grace."""
    return [k.key for k in keys if k.retired_at is None or now - k.retired_at < GRACE_SECONDS]


def current(keys: list[PoolKey], purpose: str) -> SigningKey:
    """The newest unretired key for ``purpose``."""
    for key in reversed(keys):
        if key.purpose == purpose and key.retired_at is None:
            return key.key
    raise LookupError(purpose)


class KeyService:
    def __init__(
        self,
        store: Store,
        clock: Callable[[], float],
        key_source: KeySource = generate_signing_key,
    ) -> None:
        self._store = store
        self._clock = clock
        self._key_source = key_source

    def jwks(self, pool_id: str) -> dict[str, Any] | None:
        """The pool's JWKS document, or ``None`` if there is no such pool."""

        def run(tx: Transaction) -> list[PoolKey] | None:
            pool = tx.get_pool(pool_id)
            return None if pool is None else tx.pool_keys(pool)

        keys = self._store.read(run)
        return None if keys is None else jwks(published(keys, self._clock()))

    def exists(self, pool_id: str) -> bool:
        return self._store.read(lambda tx: tx.get_pool(pool_id) is not None)

    def rotate(self, region: str | None, pool_id: str) -> list[str]:
        """Retire the pool's keys and make new ones; the new key ids."""
        fresh = new_pool_keys(self._clock(), self._key_source)

        def run(tx: Transaction) -> None:
            pool = _pool(tx, pool_id, region)
            tx.retire_pool_keys(pool, self._clock())
            for key in fresh:
                tx.insert_pool_key(pool, key)

        self._store.write(run)
        return [k.key.kid for k in fresh]


def _pool(tx: Transaction, pool_id: str, region: str | None) -> UserPool:
    if region is None:
        region = pool_id.split("_", 1)[0]
    return require_pool(tx, pool_id, region)
