"""The SQL of token families (``refresh_tokens``): one row per sign-in."""

from __future__ import annotations

from userpools.domain.models import TokenFamily, UserPool
from userpools.domain.store import TokenStore
from userpools.store.sql.base import Row, SQLBase

_FAMILY_COLUMNS = (
    "user_id, client_id, token_hash, origin_jti, auth_time, created_at, expires_at, revoked_at,"
    " previous_hash, previous_until, scopes"
)
_FAMILY_LOOKUPS = frozenset({"token_hash", "origin_jti", "previous_hash"})


class TokenSQL(SQLBase, TokenStore):
    def insert_token_family(self, pool: UserPool, family: TokenFamily) -> None:
        # The user's families that have run out go, so the table holds live sign-ins only.
        self._run(
            "DELETE FROM refresh_tokens WHERE pool = ? AND user_id = ? AND expires_at < ?",
            (pool.key, family.user_key, family.created_at),
        )
        self._run(
            f"INSERT INTO refresh_tokens (pool, {_FAMILY_COLUMNS})"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                pool.key,
                family.user_key,
                family.client_id,
                family.token_hash,
                family.origin_jti,
                family.auth_time,
                family.created_at,
                family.expires_at,
                family.revoked_at,
                family.previous_hash,
                family.previous_until,
                family.scopes,
            ),
        )

    def find_token_family(self, pool: UserPool, by: str, value: str) -> TokenFamily | None:
        if by not in _FAMILY_LOOKUPS:
            raise ValueError(by)
        row = self._one(
            f"SELECT {_FAMILY_COLUMNS} FROM refresh_tokens WHERE pool = ? AND {by} = ?",
            (pool.key, value),
        )
        return _family(row) if row else None

    def rotate_token_family(
        self,
        pool: UserPool,
        origin_jti: str,
        token_hash: str,
        previous_hash: str | None,
        previous_until: float | None,
    ) -> None:
        self._run(
            "UPDATE refresh_tokens SET token_hash = ?, previous_hash = ?, previous_until = ?"
            " WHERE pool = ? AND origin_jti = ?",
            (token_hash, previous_hash, previous_until, pool.key, origin_jti),
        )

    def revoke_token_family(self, pool: UserPool, origin_jti: str, now: float) -> None:
        self._run(
            "UPDATE refresh_tokens SET revoked_at = ?"
            " WHERE pool = ? AND origin_jti = ? AND revoked_at IS NULL",
            (now, pool.key, origin_jti),
        )


def _family(row: Row) -> TokenFamily:
    return TokenFamily(
        user_key=row["user_id"],
        client_id=row["client_id"],
        token_hash=row["token_hash"],
        origin_jti=row["origin_jti"],
        auth_time=row["auth_time"],
        created_at=row["created_at"],
        expires_at=row["expires_at"],
        revoked_at=row["revoked_at"],
        previous_hash=row["previous_hash"],
        previous_until=row["previous_until"],
        scopes=row["scopes"],
    )
