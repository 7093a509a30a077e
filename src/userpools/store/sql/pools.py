"""The SQL of user pools (``user_pools``)."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

from userpools.domain.models import CustomAttribute, PoolSettings, UserPool
from userpools.domain.store import PoolStore
from userpools.store.sql.base import Row, SQLBase, dumps, loads

POOL_COLUMNS = "id, pool_id, region, name, settings, document, created_at, updated_at"


class PoolSQL(SQLBase, PoolStore):
    def insert_pool(
        self,
        pool_id: str,
        region: str,
        name: str,
        settings: PoolSettings,
        document: Mapping[str, Any],
        now: float,
    ) -> UserPool:
        key = self._insert(
            "INSERT INTO user_pools (pool_id, region, name, settings, document, created_at,"
            " updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (pool_id, region, name, settings_to_json(settings), dumps(document), now, now),
        )
        return UserPool(key, pool_id, region, name, settings, document, now, now)

    def get_pool(self, pool_id: str) -> UserPool | None:
        lock = " FOR UPDATE" if self._writing and self.lock_pools else ""
        row = self._one(
            f"SELECT {POOL_COLUMNS} FROM user_pools WHERE pool_id = ?{lock}", (pool_id,)
        )
        return pool_from_row(row) if row else None

    def update_pool(self, pool: UserPool) -> None:
        self._run(
            "UPDATE user_pools SET name = ?, settings = ?, document = ?, updated_at = ?"
            " WHERE id = ?",
            (
                pool.name,
                settings_to_json(pool.settings),
                dumps(pool.document),
                pool.updated_at,
                pool.key,
            ),
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
        settings=settings_from_json(row["settings"]),
        document=loads(row["document"]),
        created_at=row["created_at"],
        updated_at=row["updated_at"],
    )


def settings_to_json(settings: PoolSettings) -> str:
    return dumps(dataclasses.asdict(settings))


def settings_from_json(text: str) -> PoolSettings:
    raw: Mapping[str, Any] = loads(text)
    return PoolSettings(
        username_attributes=tuple(raw.get("username_attributes", ())),
        alias_attributes=tuple(raw.get("alias_attributes", ())),
        case_sensitive=bool(raw.get("case_sensitive", True)),
        deletion_protection=bool(raw.get("deletion_protection", False)),
        custom_attributes=tuple(
            CustomAttribute(name=c["name"], mutable=c["mutable"])
            for c in raw.get("custom_attributes", ())
        ),
        required_attributes=tuple(raw.get("required_attributes", ())),
        password_policy=dict(raw.get("password_policy", {})),
        invite_message=raw.get("invite_message"),
        invite_subject=raw.get("invite_subject"),
        invite_sms=raw.get("invite_sms"),
        auto_verified=tuple(raw.get("auto_verified", ())),
        admin_create_only=bool(raw.get("admin_create_only", False)),
        verify_email_message=raw.get("verify_email_message"),
        verify_email_subject=raw.get("verify_email_subject"),
        verify_sms=raw.get("verify_sms"),
        recovery=tuple(raw.get("recovery", ())),
    )
