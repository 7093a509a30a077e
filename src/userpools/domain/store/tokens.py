"""What tokens need of a transaction: one token family per sign-in, for refresh and
revocation."""

from __future__ import annotations

from typing import Literal, Protocol

from userpools.domain.models import TokenFamily, UserPool


class TokenStore(Protocol):
    def insert_token_family(self, pool: UserPool, family: TokenFamily) -> None:
        """Store a new sign-in, and drop the user's families expired by its start."""
        ...

    def find_token_family(
        self, pool: UserPool, by: Literal["token_hash", "origin_jti", "previous_hash"], value: str
    ) -> TokenFamily | None: ...
    def rotate_token_family(
        self,
        pool: UserPool,
        origin_jti: str,
        token_hash: str,
        previous_hash: str | None,
        previous_until: float | None,
    ) -> None:
        """Give the family a new refresh token; the one it replaced works until
        ``previous_until``."""
        ...

    def revoke_token_family(self, pool: UserPool, origin_jti: str, now: float) -> None: ...
