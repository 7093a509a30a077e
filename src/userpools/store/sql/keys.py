"""The SQL of keys: each pool's signing keys (``signing_keys``) and the server's own
secrets (``server_secrets``)."""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache

from userpools.crypto.keys import SigningKey, load_signing_key
from userpools.domain.models import PoolKey, UserPool
from userpools.domain.store import KeyStore
from userpools.store.sql.base import Row, SQLBase


class KeySQL(SQLBase, KeyStore):
    def insert_pool_key(self, pool: UserPool, key: PoolKey) -> None:
        self._run(
            "INSERT INTO signing_keys (pool, purpose, kid, private_pem, created_at, retired_at)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (
                pool.key,
                key.purpose,
                key.key.kid,
                key.key.private_pem.decode("ascii"),
                key.key.created_at,
                key.retired_at,
            ),
        )

    def pool_keys(self, pool: UserPool) -> list[PoolKey]:
        """Every key of the pool, oldest first."""
        rows = self._all(
            "SELECT purpose, private_pem, created_at, retired_at FROM signing_keys"
            " WHERE pool = ? ORDER BY id",
            (pool.key,),
        )
        return [_pool_key(r) for r in rows]

    def retire_pool_keys(self, pool: UserPool, now: float) -> None:
        self._run(
            "UPDATE signing_keys SET retired_at = ? WHERE pool = ? AND retired_at IS NULL",
            (now, pool.key),
        )

    def find_pool_key(self, kid: str) -> tuple[str, PoolKey] | None:
        row = self._one(
            "SELECT p.pool_id, k.purpose, k.private_pem, k.created_at, k.retired_at"
            " FROM signing_keys k JOIN user_pools p ON p.id = k.pool WHERE k.kid = ?",
            (kid,),
        )
        if row is None:
            return None
        return row["pool_id"], _pool_key(row)

    # server secrets ---------------------------------------------------------------------

    def secret(self, name: str, create: Callable[[], bytes], now: float) -> bytes:
        row = self._one("SELECT value FROM server_secrets WHERE name = ?", (name,))
        if row is None:
            self._run(
                "INSERT INTO server_secrets (name, value, created_at) VALUES (?, ?, ?)"
                " ON CONFLICT DO NOTHING",
                (name, create(), now),
            )
            row = self._one("SELECT value FROM server_secrets WHERE name = ?", (name,))
            assert row is not None  # this call's insert, or the one that won the race
        return bytes(row["value"])


def _pool_key(row: Row) -> PoolKey:
    return PoolKey(
        purpose=row["purpose"],
        key=_signing_key(row["private_pem"], row["created_at"]),
        retired_at=row["retired_at"],
    )


@lru_cache(maxsize=4096)
def _signing_key(pem: str, created_at: float) -> SigningKey:
    """Keys are parsed once per process: a PEM never changes once stored."""
    return load_signing_key(pem.encode("ascii"), created_at)
