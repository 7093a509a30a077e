"""The SQL of pool and client settings kept outside the pool's configuration
(``pool_settings``)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from userpools.domain.models import AppClient, PoolSetting, UserPool
from userpools.domain.store import SettingStore
from userpools.store.sql.base import Row, SQLBase, dumps, loads

_OWNER = "pool = ? AND kind = ? AND coalesce(client, 0) = ?"


class SettingSQL(SQLBase, SettingStore):
    def get_setting(
        self, pool: UserPool, kind: str, client: AppClient | None = None
    ) -> PoolSetting | None:
        row = self._one(
            f"SELECT kind, client, document, created_at, updated_at FROM pool_settings"
            f" WHERE {_OWNER}",
            (pool.key, kind, client.key if client else 0),
        )
        return _setting(row) if row else None

    def put_setting(
        self,
        pool: UserPool,
        kind: str,
        client: AppClient | None,
        document: Mapping[str, Any],
        now: float,
    ) -> PoolSetting:
        current = self.get_setting(pool, kind, client)
        client_key = client.key if client else None
        if current is None:
            self._run(
                "INSERT INTO pool_settings (pool, client, kind, document, created_at,"
                " updated_at) VALUES (?, ?, ?, ?, ?, ?)",
                (pool.key, client_key, kind, dumps(document), now, now),
            )
            return PoolSetting(kind, client_key, document, now, now)
        self._run(
            f"UPDATE pool_settings SET document = ?, updated_at = ? WHERE {_OWNER}",
            (dumps(document), now, pool.key, kind, client_key or 0),
        )
        return PoolSetting(kind, client_key, document, current.created_at, now)


def _setting(row: Row) -> PoolSetting:
    return PoolSetting(
        kind=row["kind"],
        client_key=row["client"],
        document=loads(row["document"]),
        created_at=row["created_at"],
        updated_at=row["updated_at"],
    )
