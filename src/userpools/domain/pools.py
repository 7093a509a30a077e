"""User pools: create, describe, update, delete, list."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from typing import Any

from userpools.crypto.keys import KeySource, generate_signing_key
from userpools.domain import messages
from userpools.domain.errors import InvalidParameter, ResourceNotFound
from userpools.domain.ids import Ids
from userpools.domain.models import Page, PoolKey, PoolSettings, UserPool
from userpools.domain.pagination import Cursors
from userpools.domain.store import Store, Transaction

OPERATION = "ListUserPools"


#: A pool signs ID tokens and access tokens with different keys, as Cognito does.
KEY_PURPOSES = ("id", "access")


def new_pool_keys(now: float, key_source: KeySource = generate_signing_key) -> list[PoolKey]:
    """A fresh pair; made outside any transaction (RSA key generation is slow)."""
    return [PoolKey(purpose, key_source(now)) for purpose in KEY_PURPOSES]


def require_pool(tx: Transaction, pool_id: str, region: str) -> UserPool:
    """The pool, or ``ResourceNotFound``. Pools are regional, as on AWS."""
    pool = tx.get_pool(pool_id)
    if pool is None or pool.region != region:
        raise ResourceNotFound(messages.POOL_NOT_FOUND.format(pool_id=pool_id))
    return pool


class PoolService:
    def __init__(
        self,
        store: Store,
        cursors: Cursors,
        ids: Ids,
        clock: Callable[[], float],
        key_source: KeySource = generate_signing_key,
    ):
        self._store = store
        self._cursors = cursors
        self._ids = ids
        self._clock = clock
        self._key_source = key_source

    def create(
        self, region: str, name: str, settings: PoolSettings, document: Mapping[str, Any]
    ) -> UserPool:
        if settings.username_attributes and settings.alias_attributes:
            raise InvalidParameter(messages.USERNAME_AND_ALIAS)
        now = self._clock()
        keys = new_pool_keys(now, self._key_source)

        def run(tx: Transaction) -> UserPool:
            pool = tx.insert_pool(self._ids.pool_id(region), region, name, settings, document, now)
            for key in keys:
                tx.insert_pool_key(pool, key)
            return pool

        return self._store.write(run)

    def describe(self, region: str, pool_id: str) -> tuple[UserPool, int]:
        """The pool and its number of users."""

        def run(tx: Transaction) -> tuple[UserPool, int]:
            pool = require_pool(tx, pool_id, region)
            return pool, tx.count_users(pool)

        return self._store.read(run)

    def update(
        self,
        region: str,
        pool_id: str,
        change: Callable[[UserPool], tuple[str, PoolSettings, Mapping[str, Any]]],
    ) -> None:
        """Replace the pool's mutable configuration with what ``change`` derives from it."""

        def run(tx: Transaction) -> None:
            pool = require_pool(tx, pool_id, region)
            name, settings, document = change(pool)
            tx.update_pool(
                dataclasses.replace(
                    pool,
                    name=name,
                    settings=settings,
                    document=document,
                    updated_at=self._clock(),
                )
            )

        self._store.write(run)

    def delete(self, region: str, pool_id: str) -> None:
        """Delete the pool with its users, groups and memberships, in one transaction."""

        def run(tx: Transaction) -> None:
            pool = require_pool(tx, pool_id, region)
            if pool.settings.deletion_protection:
                raise InvalidParameter(messages.DELETION_PROTECTED)
            tx.delete_pool(pool)

        self._store.write(run)

    def list_pools(
        self, region: str, limit: int, token: str | None, only: frozenset[str] | None = None
    ) -> Page[UserPool]:
        """A page of the region's pools; ``only``: the pools the caller may see."""
        scope = (region,)
        position = self._cursors.decode(OPERATION, scope, token)

        pools = self._store.read(
            lambda tx: tx.list_pools(region, position[0] if position else None, limit + 1, only)
        )
        return self._cursors.page(OPERATION, scope, pools, limit, lambda p: (p.id,))
