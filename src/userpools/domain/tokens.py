"""Issuing tokens and checking access tokens (cognito-spec §7, reliability.md §1.5).

A sign-in starts a *token family*: a row holding the hash of the refresh token and the
``origin_jti`` that every ID and access token of that sign-in carries, refreshed ones included.
Revocation is state in the store, so it holds on every node at once:

- ``RevokeToken`` marks one family revoked: its refresh token and every token carrying its
  ``origin_jti`` stop working;
- global sign-out sets the user's ``tokens_valid_after``: every family that began at or before
  it is dead;
- deleting the user deletes its families; disabling the user refuses its tokens.

Claims are gathered inside the caller's transaction (:meth:`TokenIssuer.grant`) and signed after
it commits (:meth:`Grant.sign`), so RSA signing never holds a write lock.
"""

from __future__ import annotations

import base64
import dataclasses
import functools
import hashlib
import secrets
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from userpools.crypto import jwt
from userpools.crypto.keys import SigningKey
from userpools.domain import claims as claim_rules
from userpools.domain import token_hooks
from userpools.domain.errors import NotAuthorized
from userpools.domain.keys import GRACE_SECONDS, current
from userpools.domain.models import AppClient, TokenFamily, User, UserPool
from userpools.domain.store import Transaction
from userpools.domain.triggers import Triggers

#: A user's groups that a token can name: at most 100 (the per-user quota).
_MAX_GROUPS = 100
#: Attributes that never go into tokens: developer-only ones.
_PRIVATE_PREFIX = "dev:"  # dev:custom:NAME, and dev:NAME in pools stored before issue 12

INVALID_ACCESS_TOKEN = "Invalid Access Token"
ACCESS_TOKEN_EXPIRED = "Access Token has expired"
ACCESS_TOKEN_REVOKED = "Access Token has been revoked"
USER_DISABLED = "User is disabled."

Issuer = Callable[[UserPool], str]
#: How far ahead of ours another node's clock may be when it issued a token (``iat``).
ISSUED_AT_SKEW_SECONDS = 60.0


def digest(secret: str) -> str:
    """How the store keys a secret a client holds (refresh token, session handle)."""
    return hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()


def new_secret() -> str:
    """A fresh, unguessable, URL-safe handle (refresh tokens, session handles): 384 bits."""
    return secrets.token_urlsafe(48)


@dataclass(frozen=True)
class Tokens:
    access_token: str = field(repr=False)
    id_token: str = field(repr=False)
    refresh_token: str | None = field(repr=False)
    expires_in: int


@dataclass(frozen=True)
class Grant:
    """Everything needed to sign one sign-in's tokens."""

    id_key: SigningKey
    id_claims: Mapping[str, Any]
    access_key: SigningKey
    access_claims: Mapping[str, Any]
    refresh_token: str | None = field(repr=False)
    expires_in: int
    #: The ID token carries ``at_hash`` of its access token (OIDC Core §3.1.3.6): tokens of
    #: the authorization endpoint's grants.
    at_hash: bool = False
    #: The pool's PostAuthentication and PreTokenGeneration triggers (``token_hooks.py``):
    #: they run here, after the transaction, and may change the claims.
    finish: Callable[[Grant], Grant] | None = field(default=None, repr=False, compare=False)

    def sign(self) -> Tokens:
        grant = self
        if self.finish is not None:
            grant = self.finish(dataclasses.replace(self, finish=None))
        access_token = jwt.sign(grant.access_key, grant.access_claims)
        id_claims = dict(grant.id_claims)
        if grant.at_hash:
            id_claims["at_hash"] = at_hash(access_token)
        return Tokens(
            access_token=access_token,
            id_token=jwt.sign(grant.id_key, id_claims),
            refresh_token=grant.refresh_token,
            expires_in=grant.expires_in,
        )


def at_hash(access_token: str) -> str:
    """OIDC Core §3.1.3.6 for RS256: the left half of the token's SHA-256, base64url."""
    half = hashlib.sha256(access_token.encode("ascii")).digest()[:16]
    return base64.urlsafe_b64encode(half).rstrip(b"=").decode("ascii")


@dataclass(frozen=True)
class Caller:
    """Whoever presented a valid access token."""

    pool: UserPool
    user: User
    client: AppClient
    claims: Mapping[str, Any]


def readable(client: AppClient, attributes: tuple[tuple[str, str], ...]) -> list[tuple[str, str]]:
    """The attributes the app client may read (all but developer-only ones by default)."""
    allowed = client.settings.read_attributes
    return [
        (name, value)
        for name, value in attributes
        if not name.startswith(_PRIVATE_PREFIX) and (allowed is None or name in allowed)
    ]


class TokenIssuer:
    def __init__(self, issuer: Issuer, triggers: Triggers | None = None) -> None:
        self._issuer = issuer
        self._triggers = triggers

    def issuer(self, pool: UserPool) -> str:
        return self._issuer(pool)

    def grant(
        self,
        tx: Transaction,
        pool: UserPool,
        client: AppClient,
        user: User,
        *,
        now: float,
        family: TokenFamily | None = None,
        scopes: tuple[str, ...] | None = None,
        nonce: str | None = None,
        auth_time: float | None = None,
        refresh: bool = True,
        source: str | None = None,
        metadata: Mapping[str, str] | None = None,
    ) -> Grant:
        """The tokens of a sign-in (a new family) or of a refresh (``family`` given).

        A sign-in through ``/oauth2/authorize`` gives its granted ``scopes`` (kept with the
        family, so a refresh gives them again), its ``nonce`` (in the ID token only), the
        time the user signed in on the login page (``auth_time``), and ``refresh=False`` for
        the implicit grant, which has no refresh token. ``source``: PreTokenGeneration's
        trigger source, when not the default (``TokenGeneration_Authentication``,
        ``_HostedAuth`` with ``scopes``, or ``_RefreshTokens`` with ``family``). ``metadata``:
        the call's ``ClientMetadata``, where AWS gives it to those triggers."""
        if source is None and family is not None:
            source = token_hooks.REFRESH
        elif source is None:
            source = token_hooks.AUTHENTICATION if scopes is None else token_hooks.HOSTED_AUTH
        refresh_token: str | None = None
        if family is None:
            refresh_token = new_secret()
            family = TokenFamily(
                user_key=user.key,
                client_id=client.client_id,
                token_hash=digest(refresh_token),
                origin_jti=str(uuid.uuid4()),
                auth_time=now if auth_time is None else auth_time,
                created_at=now,
                expires_at=now + client.settings.refresh_token_seconds,
                scopes=None if scopes is None else " ".join(scopes),
            )
            tx.insert_token_family(pool, family)
            if not refresh:
                refresh_token = None
        groups = tx.list_groups_of(pool, user, None, _MAX_GROUPS)
        keys = tx.pool_keys(pool)
        settings = client.settings
        event_id = str(uuid.uuid4())
        issuer = self._issuer(pool)
        id_claims = claim_rules.id_token_claims(
            issuer=issuer,
            client_id=client.client_id,
            username=user.username,
            sub=user.sub,
            attributes=readable(client, user.attributes),
            groups=groups,
            auth_time=family.auth_time,
            iat=now,
            exp=now + settings.id_token_seconds,
            jti=str(uuid.uuid4()),
            origin_jti=family.origin_jti,
            event_id=event_id,
        )
        if nonce is not None:
            id_claims["nonce"] = nonce
        access_claims = claim_rules.access_token_claims(
            issuer=issuer,
            client_id=client.client_id,
            username=user.username,
            sub=user.sub,
            groups=groups,
            auth_time=family.auth_time,
            iat=now,
            exp=now + settings.access_token_seconds,
            jti=str(uuid.uuid4()),
            origin_jti=family.origin_jti,
            event_id=event_id,
            **({} if family.scopes is None else {"scope": family.scopes}),
        )
        return Grant(
            id_key=current(keys, "id"),
            id_claims=id_claims,
            access_key=current(keys, "access"),
            access_claims=access_claims,
            refresh_token=refresh_token,
            expires_in=settings.access_token_seconds,
            finish=functools.partial(
                token_hooks.finish,
                self._triggers,
                pool,
                client.client_id,
                user,
                groups,
                source,
                metadata,
            )
            if self._triggers is not None and token_hooks.wanted(self._triggers, pool, source)
            else None,
            at_hash=scopes is not None,
        )

    def authenticate(self, tx: Transaction, token: str, now: float) -> Caller:
        """The caller behind an access token: signature, expiry, issuer, ``token_use``, the
        user still enabled and the token not revoked. ``NotAuthorized`` otherwise."""
        kid = jwt.unverified_kid(token)
        found = tx.find_pool_key(kid) if kid is not None else None
        if found is None:
            raise NotAuthorized(INVALID_ACCESS_TOKEN)
        pool_id, key = found
        if key.purpose != "access" or (
            key.retired_at is not None and now - key.retired_at >= GRACE_SECONDS
        ):
            raise NotAuthorized(INVALID_ACCESS_TOKEN)
        try:
            claims = jwt.verify(
                token, {key.key.kid: key.key}, now=now, issued_leeway=ISSUED_AT_SKEW_SECONDS
            )
        except jwt.InvalidToken as exc:
            expired = exc.reason is jwt.Reason.EXPIRED
            raise NotAuthorized(ACCESS_TOKEN_EXPIRED if expired else INVALID_ACCESS_TOKEN) from None
        pool = tx.get_pool(pool_id)
        if (
            pool is None
            or claims.get("iss") != self._issuer(pool)
            or claims.get("token_use") != "access"
            or not isinstance(claims.get("origin_jti"), str)
            or not isinstance(claims.get("client_id"), str)
        ):
            raise NotAuthorized(INVALID_ACCESS_TOKEN)
        family = tx.find_token_family(pool, "origin_jti", claims["origin_jti"])
        user = tx.get_user(pool, family.user_key) if family is not None else None
        client = tx.get_client(pool, claims["client_id"])
        if family is None or user is None or client is None:
            raise NotAuthorized(ACCESS_TOKEN_REVOKED)
        # Before revocation: disabling a user also ends its sign-ins, and says so.
        if not user.enabled:
            raise NotAuthorized(USER_DISABLED)
        if revoked(family, user):
            raise NotAuthorized(ACCESS_TOKEN_REVOKED)
        return Caller(pool, user, client, claims)


def revoked(family: TokenFamily, user: User) -> bool:
    """Whether ``RevokeToken`` or a global sign-out has ended the family."""
    if family.revoked_at is not None:
        return True
    return user.tokens_valid_after is not None and family.created_at <= user.tokens_valid_after
