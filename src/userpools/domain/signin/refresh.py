"""``REFRESH_TOKEN_AUTH`` (alias ``REFRESH_TOKEN``): new ID and access tokens for a sign-in.

The refresh token names its token family (``domain/tokens.py``); the new tokens keep the
family's ``origin_jti`` and ``auth_time``, and no new refresh token is issued. One read
transaction: nothing is recorded.
"""

from __future__ import annotations

from dataclasses import dataclass

from userpools.domain import messages
from userpools.domain.errors import NotAuthorized
from userpools.domain.lookup import resolve
from userpools.domain.signin.strategy import Attempt, Outcome
from userpools.domain.store import Transaction
from userpools.domain.tokens import Grant, digest, revoked


@dataclass(frozen=True)
class RefreshFlow:
    name: str = "REFRESH_TOKEN_AUTH"
    admin: bool | None = None

    def start(self, attempt: Attempt) -> Outcome:
        parameters = attempt.parameters
        token = attempt.required("REFRESH_TOKEN")
        now = attempt.clock()

        def run(tx: Transaction) -> Grant:
            pool, client = attempt.open(tx)
            family = tx.find_token_family(pool, "token_hash", digest(token))
            if family is None or family.client_id != client.client_id:
                raise NotAuthorized(messages.INVALID_REFRESH_TOKEN)
            user = tx.get_user(pool, family.user_key)
            if user is None:
                raise NotAuthorized(messages.INVALID_REFRESH_TOKEN)
            names = [user.username]
            if "USERNAME" in parameters and resolve(tx, pool, parameters["USERNAME"]) == user:
                names.append(parameters["USERNAME"])
            attempt.check_secret_hash(client, *names)
            # Before the revocation check: AdminDisableUser also revokes every family, which
            # would otherwise always answer first (cognito-spec §4.3 AdminDisableUser).
            if not user.enabled:
                raise NotAuthorized(messages.USER_DISABLED)
            if revoked(family, user):
                raise NotAuthorized(messages.REFRESH_TOKEN_REVOKED)
            if now >= family.expires_at:
                raise NotAuthorized(messages.REFRESH_TOKEN_EXPIRED)
            return attempt.tokens.grant(tx, pool, client, user, now=now, family=family)

        return Outcome(tokens=attempt.store.read(run).sign())


FLOW = RefreshFlow()
