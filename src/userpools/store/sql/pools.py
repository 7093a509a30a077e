"""The SQL of user pools (``user_pools``)."""

from __future__ import annotations

from typing import Any

from userpools.domain.models import UserPool
from userpools.domain.pool_config import PoolConfig
from userpools.domain.store import PoolStore
from userpools.store import pool_codec
from userpools.store.sql.base import Row, SQLBase

POOL_COLUMNS = "id, pool_id, region, name, config, created_at, updated_at"


class PoolSQL(SQLBase, PoolStore):
    def insert_pool(
        self,
        pool_id: str,
        region: str,
        name: str,
        config: PoolConfig,
        now: float,
    ) -> UserPool:
        key = self._insert(
            "INSERT INTO user_pools (pool_id, region, name, config, created_at, updated_at)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (pool_id, region, name, pool_codec.encode(config), now, now),
        )
        return UserPool(key, pool_id, region, name, config, now, now)

    def get_pool(self, pool_id: str, *, shared: bool = False) -> UserPool | None:
        locking = ""
        if self._writing and self.lock_pools:
            locking = " FOR KEY SHARE" if shared else " FOR UPDATE"
        row = self._one(
            f"SELECT {POOL_COLUMNS} FROM user_pools WHERE pool_id = ?{locking}", (pool_id,)
        )
        return pool_from_row(row) if row else None

    def update_pool(self, pool: UserPool) -> None:
        self._run(
            "UPDATE user_pools SET name = ?, config = ?, updated_at = ? WHERE id = ?",
            (pool.name, pool_codec.encode(pool.config), pool.updated_at, pool.key),
        )

    def delete_pool(self, pool: UserPool) -> None:
        self._run("DELETE FROM user_pools WHERE id = ?", (pool.key,))

    def list_pools(
        self,
        region: str,
        after: str | None,
        limit: int,
        only: frozenset[str] | None = None,
    ) -> list[UserPool]:
        within = ""
        params: list[Any] = [region, after or ""]
        if only is not None:
            if not only:
                return []
            within = f" AND pool_id IN ({', '.join('?' for _ in only)})"
            params.extend(sorted(only))
        rows = self._all(
            f"SELECT {POOL_COLUMNS} FROM user_pools WHERE region = ? AND pool_id > ?{within}"
            " ORDER BY pool_id LIMIT ?",
            (*params, limit),
        )
        return [pool_from_row(r) for r in rows]


def pool_from_row(row: Row) -> UserPool:
    return UserPool(
        key=row["id"],
        id=row["pool_id"],
        region=row["region"],
        name=row["name"],
        config=pool_codec.decode(row["config"]),
        created_at=row["created_at"],
        updated_at=row["updated_at"],
    )
