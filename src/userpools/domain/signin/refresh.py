"""Refreshing a sign-in: ``REFRESH_TOKEN_AUTH`` (alias ``REFRESH_TOKEN``) and
GetTokensFromRefreshToken, with the same checks.

The refresh token names its token family (``domain/tokens.py``); the new tokens keep the
family's ``origin_jti`` and ``auth_time``. Without refresh token rotation no new refresh token
is issued, and nothing is recorded (one read transaction).

With the client's ``RefreshTokenRotation`` enabled, only GetTokensFromRefreshToken refreshes
(AWS has the client drop ``ALLOW_REFRESH_TOKEN_AUTH``, so InitiateAuth answers as for a flow
the client does not allow). Each refresh gives the family a new refresh token; the one
presented keeps working for ``RetryGracePeriodSeconds`` (a retry), and after that is a reuse
(``RefreshTokenReuseException``). A retry within the grace period rotates again: only the
newest refresh token and the one presented first stay usable. The family's expiry does not
move: a rotated refresh token runs out when the sign-in's first one would have.
"""

from __future__ import annotations

import dataclasses
import hmac
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from userpools.domain import messages
from userpools.domain.clients import check_flow, require_client_anywhere
from userpools.domain.errors import InvalidParameter, NotAuthorized, RefreshTokenReuse
from userpools.domain.lookup import resolve
from userpools.domain.models import AppClient, TokenFamily, User, UserPool
from userpools.domain.signin.strategy import Attempt, Outcome
from userpools.domain.store import Store, Transaction
from userpools.domain.tokens import Grant, TokenIssuer, Tokens, digest, new_secret, revoked

FLOW_NAME = "REFRESH_TOKEN_AUTH"


def _family(
    tx: Transaction, pool: UserPool, client: AppClient, token: str
) -> tuple[TokenFamily, User, bool]:
    """The family and user behind ``token``, and whether ``token`` is the family's current
    refresh token (``False``: the one it replaced, within its grace period)."""
    hashed = digest(token)
    family = tx.find_token_family(pool, "token_hash", hashed)
    current = family is not None
    if family is None:
        family = tx.find_token_family(pool, "previous_hash", hashed)
    if family is None or family.client_id != client.client_id:
        raise NotAuthorized(messages.INVALID_REFRESH_TOKEN)
    user = tx.get_user(pool, family.user_key)
    if user is None:
        raise NotAuthorized(messages.INVALID_REFRESH_TOKEN)
    return family, user, current


def _check(family: TokenFamily, user: User, current: bool, now: float) -> None:
    """The refusals every refresh shares, in AWS's order."""
    # Before the revocation check: AdminDisableUser also revokes every family, which
    # would otherwise always answer first (cognito-spec §4.3 AdminDisableUser).
    if not user.enabled:
        raise NotAuthorized(messages.USER_DISABLED)
    if revoked(family, user):
        raise NotAuthorized(messages.REFRESH_TOKEN_REVOKED)
    if now >= family.expires_at:
        raise NotAuthorized(messages.REFRESH_TOKEN_EXPIRED)
    if not current and (family.previous_until is None or now >= family.previous_until):
        raise RefreshTokenReuse(messages.REFRESH_TOKEN_REUSED)


@dataclass(frozen=True)
class RefreshFlow:
    name: str = FLOW_NAME
    admin: bool | None = None

    def start(self, attempt: Attempt) -> Outcome:
        parameters = attempt.parameters
        token = attempt.required("REFRESH_TOKEN")
        now = attempt.clock()

        def run(tx: Transaction) -> Grant:
            pool, client = attempt.open(tx)
            if client.settings.rotate_refresh_tokens:
                shown = attempt.flow[1] if attempt.flow else FLOW_NAME
                raise InvalidParameter(messages.FLOW_NOT_ENABLED.format(flow=shown))
            family, user, current = _family(tx, pool, client, token)
            if not current:  # only GetTokensFromRefreshToken knows rotated tokens
                raise NotAuthorized(messages.INVALID_REFRESH_TOKEN)
            names = [user.username]
            if "USERNAME" in parameters and resolve(tx, pool, parameters["USERNAME"]) == user:
                names.append(parameters["USERNAME"])
            attempt.check_secret_hash(client, *names)
            _check(family, user, current, now)
            return attempt.tokens.grant(tx, pool, client, user, now=now, family=family)

        return Outcome(tokens=attempt.store.read(run).sign())


FLOW = RefreshFlow()


def get_tokens(
    store: Store,
    tokens: TokenIssuer,
    clock: Callable[[], float],
    client_id: str,
    token: str,
    client_secret: str | None,
    metadata: Mapping[str, str] | None = None,
) -> Tokens:
    """GetTokensFromRefreshToken: new ID and access tokens, and with rotation a new refresh
    token. A read transaction without rotation; a write with it (the family changes)."""
    now = clock()
    # The client says which transaction it takes; a client that starts rotating between
    # the two transactions does so from its next refresh.
    settings = store.read(lambda tx: require_client_anywhere(tx, client_id)[1]).settings
    writes = settings.rotate_refresh_tokens

    def run(tx: Transaction) -> Grant:
        pool, client = require_client_anywhere(tx, client_id)
        _check_client_secret(client, client_secret)
        if not client.settings.rotate_refresh_tokens:
            check_flow(client, FLOW_NAME, FLOW_NAME)
        family, user, current = _family(tx, pool, client, token)
        _check(family, user, current, now)
        grant = tokens.grant(tx, pool, client, user, now=now, family=family, metadata=metadata)
        if not (writes and client.settings.rotate_refresh_tokens):
            return grant
        fresh = new_secret()
        previous: str | None
        until: float | None
        if current:
            previous, until = family.token_hash, now + client.settings.retry_grace_seconds
        else:  # a retry within the grace period: the first token's grace does not restart
            previous, until = family.previous_hash, family.previous_until
        tx.rotate_token_family(pool, family.origin_jti, digest(fresh), previous, until)
        return dataclasses.replace(grant, refresh_token=fresh)

    return (store.write(run) if writes else store.read(run)).sign()


def _check_client_secret(client: AppClient, given: str | None) -> None:
    """A client with a secret must be sent it (constant-time); one without ignores it, as
    SECRET_HASH is ignored."""
    if client.secret is None:
        return
    if given is None or not hmac.compare_digest(
        client.secret.encode(), given.encode("utf-8", "surrogatepass")
    ):
        raise NotAuthorized(messages.CLIENT_SECRET_MISMATCH.format(client_id=client.client_id))
