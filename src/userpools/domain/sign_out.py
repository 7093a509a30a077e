"""Sign-out and token revocation: GlobalSignOut, AdminGlobalSignOut and RevokeToken.

A sign-out sets the user's cut-off time (tokens issued before it stop working); RevokeToken
revokes a refresh token's whole sign-in, by its ``origin_jti``.
"""

from __future__ import annotations

import dataclasses
import hmac
from collections.abc import Callable

from userpools.domain import messages
from userpools.domain.clients import find_client_anywhere
from userpools.domain.errors import Unauthorized, UnsupportedOperation, UnsupportedTokenType
from userpools.domain.lookup import require_user, sign_in_keys
from userpools.domain.models import AppClient, User, UserPool
from userpools.domain.pools import require_pool
from userpools.domain.store import Store, Transaction
from userpools.domain.tokens import Caller as TokenCaller
from userpools.domain.tokens import TokenIssuer, digest


class SignOutService:
    def __init__(self, store: Store, tokens: TokenIssuer, clock: Callable[[], float]) -> None:
        self._store = store
        self._tokens = tokens
        self._clock = clock

    def _caller(self, tx: Transaction, access_token: str) -> TokenCaller:
        return self._tokens.authenticate(tx, access_token, self._clock())

    def global_sign_out(self, access_token: str) -> None:
        def run(tx: Transaction) -> None:
            caller = self._caller(tx, access_token)
            self._sign_out(tx, caller.pool, caller.user)

        self._store.write(run)

    def admin_global_sign_out(self, region: str, pool_id: str, username: str) -> None:
        def run(tx: Transaction) -> None:
            pool = require_pool(tx, pool_id, region)
            self._sign_out(tx, pool, require_user(tx, pool, username))

        self._store.write(run)

    def _sign_out(self, tx: Transaction, pool: UserPool, user: User) -> None:
        signed_out = dataclasses.replace(user, tokens_valid_after=self._clock())
        tx.update_user(pool, signed_out, sign_in_keys(pool, user.attributes))

    def revoke_token(self, client_id: str, token: str, client_secret: str | None) -> None:
        """Revoke a refresh token and every token of its sign-in (RFC 7009 semantics)."""

        def run(tx: Transaction) -> None:
            found = find_client_anywhere(tx, client_id)
            if found is None or not _secret_matches(found[1], client_secret):
                raise Unauthorized(messages.INVALID_CLIENT)
            pool, client = found
            if not client.settings.enable_token_revocation:
                raise UnsupportedOperation(messages.TOKEN_REVOCATION_DISABLED)
            if token.count(".") == 2:  # an ID or access token
                raise UnsupportedTokenType(messages.NOT_A_REFRESH_TOKEN)
            family = tx.find_token_family(pool, "token_hash", digest(token))
            if family is None:
                return  # unknown tokens are not an error (RFC 7009 §2.2)
            if family.client_id != client_id:
                raise Unauthorized(messages.INVALID_CLIENT)
            tx.revoke_token_family(pool, family.origin_jti, self._clock())

        self._store.write(run)


def _secret_matches(client: AppClient, given: str | None) -> bool:
    if client.secret is None:
        return given is None
    matched = False
    for secret in client.secrets:
        matched |= given is not None and hmac.compare_digest(secret.encode(), given.encode())
    return matched


__all__ = ["SignOutService"]
