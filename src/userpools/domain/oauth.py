"""The OAuth 2.0 token endpoint's rules (``POST /oauth2/token``), apart from HTTP.

AWS documents the endpoint at https://docs.aws.amazon.com/cognito/latest/developerguide/
token-endpoint.html; docs/oauth.md lists each rule with its source. In short:

- The client authenticates with its id and secret, by HTTP Basic or in the form
  (``client_secret_basic``, ``client_secret_post``); a client without a secret names itself
  with ``client_id``. Client ids are unique across pools, so the client names the pool.
- ``client_credentials``: a confidential client whose ``AllowedOAuthFlows`` has the grant and
  whose OAuth features are on (``AllowedOAuthFlowsUserPoolClient``) gets an access token for
  its custom scopes (``{resourceServer}/{scope}``) that a resource server still defines:
  those asked for, which must all be such scopes of the client, or all of them. The token
  has no user claims, and there is no refresh token.
- ``refresh_token``: a refresh token this server issued to the same client, refreshed as
  GetTokensFromRefreshToken refreshes it (``signin/refresh.py``); a refusal there is
  ``invalid_grant`` here.
- ``authorization_code``: a code from ``/oauth2/authorize`` (``domain/authorize.py``), used
  once, by the client it was issued to, with the same ``redirect_uri`` and, when the request
  had a ``code_challenge``, its PKCE ``code_verifier``; the tokens carry the grant's scopes,
  and the ID token its ``nonce`` and ``at_hash``.

Errors are RFC 6749 §5.2 codes (:class:`OAuthError`); AWS's bodies carry only ``error``.
"""

from __future__ import annotations

import hmac
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from userpools.crypto import jwt
from userpools.domain import claims as claim_rules
from userpools.domain import token_hooks
from userpools.domain.authorize import take_code
from userpools.domain.clients import MAX_CLIENT_ID, find_client_anywhere
from userpools.domain.domains import on_host
from userpools.domain.errors import (
    InvalidParameter,
    NotAuthorized,
    RefreshTokenReuse,
    ResourceNotFound,
)
from userpools.domain.keys import current
from userpools.domain.models import AppClient, User, UserPool
from userpools.domain.resource_servers import client_resource_scopes
from userpools.domain.signin import refresh
from userpools.domain.store import Store, Transaction
from userpools.domain.tokens import Caller, Grant, TokenIssuer, readable
from userpools.domain.triggers import Triggers

CLIENT_CREDENTIALS = "client_credentials"
REFRESH_TOKEN = "refresh_token"
AUTHORIZATION_CODE = "authorization_code"
#: The grants the token endpoint serves (and discovery advertises).
GRANTS = (AUTHORIZATION_CODE, CLIENT_CREDENTIALS, REFRESH_TOKEN)


#: RFC 6749 §5.2 codes.
INVALID_REQUEST = "invalid_request"
INVALID_CLIENT = "invalid_client"
INVALID_GRANT = "invalid_grant"
UNAUTHORIZED_CLIENT = "unauthorized_client"
UNSUPPORTED_GRANT_TYPE = "unsupported_grant_type"
INVALID_SCOPE = "invalid_scope"


#: The userInfo endpoint's refusals (RFC 6750 §3.1), with AWS's descriptions
#: (https://docs.aws.amazon.com/cognito/latest/developerguide/userinfo-endpoint.html).
INVALID_TOKEN = "invalid_token"
USERINFO_BAD_REQUEST = "Bad OAuth2 request at UserInfo Endpoint"
USERINFO_INVALID_TOKEN = (
    "Access token is expired, disabled, or deleted, or the user has globally signed out."
)
#: What Cognito says of an access token without ``openid`` (quoted in simov/grant#189).
USERINFO_NO_OPENID = "Access token does not contain openid scope"
_VERIFIED_FLAGS = frozenset({"email_verified", "phone_number_verified"})


class UserInfoError(Exception):
    """A userInfo refusal: ``invalid_request`` (400) or ``invalid_token`` (401)."""

    def __init__(self, error: str, description: str) -> None:
        super().__init__(error)
        self.error = error
        self.description = description
        self.status = 401 if error == INVALID_TOKEN else 400


def userinfo_claims(client: AppClient, user: User) -> dict[str, Any]:
    """The user's attributes that the client may read, as the userInfo endpoint returns
    them: every value a string, the ``*_verified`` flags included ("true"/"false"), custom
    attributes as they are, and ``username``."""
    claims: dict[str, Any] = {"sub": user.sub}
    for name, value in readable(client, user.attributes):
        if name != "sub":
            claims[name] = value.lower() if name in _VERIFIED_FLAGS else value
    claims["username"] = user.username
    return claims


class OAuthError(Exception):
    """An RFC 6749 §5.2 error. ``status``: 400, or 401 for ``invalid_client`` (the HTTP layer
    adds ``WWW-Authenticate`` when the client used Basic)."""

    def __init__(self, error: str) -> None:
        super().__init__(error)
        self.error = error
        self.status = 401 if error == INVALID_CLIENT else 400


@dataclass(frozen=True)
class TokenRequest:
    """A token request, its form already parsed and the client's credentials gathered
    from wherever they came (Basic or the form)."""

    grant_type: str | None
    client_id: str | None
    client_secret: str | None = field(repr=False)
    scope: str | None = None
    refresh_token: str | None = field(default=None, repr=False)
    #: The request's ``Host``: on a registered domain's host only that pool's clients exist.
    host: str | None = None
    code: str | None = field(default=None, repr=False)
    redirect_uri: str | None = None
    code_verifier: str | None = field(default=None, repr=False)
    #: ``aws_client_metadata``: the JSON object PreTokenGeneration ``V3_0`` gets as
    #: ``clientMetadata`` for client credentials (the guide's pre token generation page).
    client_metadata: Mapping[str, str] | None = None


@dataclass(frozen=True)
class TokenResponse:
    """RFC 6749 §5.1's members; ``None`` ones are left out of the JSON."""

    access_token: str = field(repr=False)
    expires_in: int
    id_token: str | None = field(default=None, repr=False)
    refresh_token: str | None = field(default=None, repr=False)
    token_type: str = "Bearer"

    def as_json(self) -> dict[str, Any]:
        body: dict[str, Any] = {"access_token": self.access_token}
        if self.id_token is not None:
            body["id_token"] = self.id_token
        if self.refresh_token is not None:
            body["refresh_token"] = self.refresh_token
        body["token_type"] = self.token_type
        body["expires_in"] = self.expires_in
        return body


def authenticate_client(
    tx: Transaction, client_id: str | None, secret: str | None, host: str | None = None
) -> tuple[UserPool, AppClient]:
    """The client the credentials name, or ``invalid_client``: an unknown id (or one of
    another pool than the domain ``host`` names), a client with a secret sent none or a wrong
    one (any of its current secrets matches, compared in constant time), or a client without
    a secret sent one."""
    if not client_id or len(client_id) > MAX_CLIENT_ID:
        raise OAuthError(INVALID_CLIENT)
    found = find_client_anywhere(tx, client_id)
    if found is None or not on_host(tx, found[0], host):
        raise OAuthError(INVALID_CLIENT)
    client = found[1]
    if not client.secrets:
        if secret is not None:
            raise OAuthError(INVALID_CLIENT)
        return found
    given = (secret or "").encode("utf-8", "surrogatepass")
    matched = False
    for known in client.secrets:
        matched |= secret is not None and hmac.compare_digest(known.encode(), given)
    if not matched:
        raise OAuthError(INVALID_CLIENT)
    return found


def granted_scopes(allowed: tuple[str, ...], requested: str | None) -> tuple[str, ...]:
    """The scopes of a client-credentials token: the ones asked for (space-separated, each
    one of ``allowed``), or all of ``allowed``; ``invalid_scope`` otherwise, and when that
    leaves none. ``allowed``: the client's custom scopes that a resource server still
    defines."""
    if requested is None or not requested.strip(" "):
        scopes = allowed
    else:
        asked = tuple(dict.fromkeys(s for s in requested.split(" ") if s))
        if any(scope not in allowed for scope in asked):
            raise OAuthError(INVALID_SCOPE)
        scopes = asked
    if not scopes:
        raise OAuthError(INVALID_SCOPE)
    return scopes


def client_credentials_claims(
    *, issuer: str, client_id: str, scopes: tuple[str, ...], now: float, lifetime: int
) -> dict[str, Any]:
    """An access token for the client itself: ``sub`` is the client id, and there are no
    user claims (no ``username``, groups or ``origin_jti``)."""
    return {
        "sub": client_id,
        "token_use": "access",
        "scope": " ".join(scopes),
        "auth_time": int(now),
        "iss": issuer,
        "exp": int(now + lifetime),
        "iat": int(now),
        "version": claim_rules.ACCESS_TOKEN_VERSION,
        "jti": str(uuid.uuid4()),
        "client_id": client_id,
    }


class OAuthService:
    def __init__(
        self,
        store: Store,
        tokens: TokenIssuer,
        clock: Callable[[], float],
        triggers: Triggers | None = None,
    ) -> None:
        self._store = store
        self._tokens = tokens
        self._clock = clock
        #: PreTokenGeneration ``V3_0`` for client credentials (``token_hooks.py``).
        self._triggers = triggers

    def token(self, request: TokenRequest) -> TokenResponse:
        """``POST /oauth2/token``: the grant's tokens, or an :class:`OAuthError`."""
        if not request.grant_type:
            raise OAuthError(INVALID_REQUEST)
        if request.grant_type not in GRANTS:
            raise OAuthError(UNSUPPORTED_GRANT_TYPE)
        if request.grant_type == CLIENT_CREDENTIALS:
            return self._client_credentials(request)
        if request.grant_type == AUTHORIZATION_CODE:
            return self._authorization_code(request)
        return self._refresh(request)

    def client_on_host(self, client_id: str, host: str | None) -> None:
        """``invalid_client`` when ``host`` is a domain of another pool than the client's
        (the revocation endpoint checks this before RevokeToken's rules)."""

        def run(tx: Transaction) -> None:
            found = find_client_anywhere(tx, client_id[: MAX_CLIENT_ID + 1])
            if found is not None and not on_host(tx, found[0], host):
                raise OAuthError(INVALID_CLIENT)

        self._store.read(run)

    def user_info(self, access_token: str, host: str | None = None) -> dict[str, Any]:
        """``/oauth2/userInfo``: the claims of the user behind an access token that carries
        ``openid``, checked as GetUser checks its token (signature, expiry, revocation, the
        user enabled), of the pool whose domain ``host`` is, if it is one."""
        now = self._clock()

        def run(tx: Transaction) -> Caller:
            caller = self._tokens.authenticate(tx, access_token, now)
            if not on_host(tx, caller.pool, host):
                raise NotAuthorized(USERINFO_INVALID_TOKEN)
            return caller

        try:
            caller = self._store.read(run)
        except NotAuthorized:
            raise UserInfoError(INVALID_TOKEN, USERINFO_INVALID_TOKEN) from None
        scopes = str(caller.claims.get("scope", "")).split(" ")
        if "openid" not in scopes:
            raise UserInfoError(INVALID_TOKEN, USERINFO_NO_OPENID)
        return userinfo_claims(caller.client, caller.user)

    def _client_credentials(self, request: TokenRequest) -> TokenResponse:
        now = self._clock()

        def run(tx: Transaction) -> tuple[UserPool, Mapping[str, Any], Any, int]:
            pool, client = authenticate_client(
                tx, request.client_id, request.client_secret, request.host
            )
            settings = client.settings
            if (
                not client.secrets
                or not settings.oauth_enabled
                or CLIENT_CREDENTIALS not in settings.oauth_flows
            ):
                raise OAuthError(UNAUTHORIZED_CLIENT)
            # A scope whose resource server was deleted or changed since is not granted.
            scopes = granted_scopes(client_resource_scopes(tx, pool, client), request.scope)
            lifetime = client.settings.access_token_seconds
            claims = client_credentials_claims(
                issuer=self._tokens.issuer(pool),
                client_id=client.client_id,
                scopes=scopes,
                now=now,
                lifetime=lifetime,
            )
            return pool, claims, current(tx.pool_keys(pool), "access"), lifetime

        pool, claims, key, lifetime = self._store.read(run)
        claims = token_hooks.client_credentials(
            self._triggers, pool, str(claims["client_id"]), claims, request.client_metadata
        )
        return TokenResponse(access_token=jwt.sign(key, claims), expires_in=lifetime)

    def _authorization_code(self, request: TokenRequest) -> TokenResponse:
        if not request.code:
            raise OAuthError(INVALID_REQUEST)
        code = request.code
        now = self._clock()

        def run(tx: Transaction) -> tuple[Grant | None, bool]:
            pool, client = authenticate_client(
                tx, request.client_id, request.client_secret, request.host
            )
            if not client.settings.oauth_enabled or "code" not in client.settings.oauth_flows:
                raise OAuthError(UNAUTHORIZED_CLIENT)
            taken = take_code(
                tx, pool, client, code, request.redirect_uri, request.code_verifier, now
            )
            user = tx.get_user(pool, taken[0]) if taken is not None else None
            if taken is None or user is None or not user.enabled:
                return None, False  # the code is used up all the same: after the commit
            grant = taken[1]
            issued = self._tokens.grant(
                tx,
                pool,
                client,
                user,
                now=now,
                scopes=grant.scopes,
                nonce=grant.nonce,
                auth_time=grant.auth_time,
            )
            return issued, "openid" in grant.scopes

        issued, openid = self._store.write(run)
        if issued is None:
            raise OAuthError(INVALID_GRANT)
        tokens = issued.sign()
        return TokenResponse(
            access_token=tokens.access_token,
            id_token=tokens.id_token if openid else None,
            refresh_token=tokens.refresh_token,
            expires_in=tokens.expires_in,
        )

    def _refresh(self, request: TokenRequest) -> TokenResponse:
        if not request.refresh_token:
            raise OAuthError(INVALID_REQUEST)
        _, client = self._store.read(
            lambda tx: authenticate_client(
                tx, request.client_id, request.client_secret, request.host
            )
        )
        try:
            # GetTokensFromRefreshToken's rules; the secret was checked above (any current
            # one), so it is handed the one it compares with.
            tokens = refresh.get_tokens(
                self._store,
                self._tokens,
                self._clock,
                client.client_id,
                request.refresh_token,
                client.secret,
            )
        except InvalidParameter:  # the client does not allow refreshing
            raise OAuthError(UNAUTHORIZED_CLIENT) from None
        except ResourceNotFound:  # deleted since
            raise OAuthError(INVALID_CLIENT) from None
        except (NotAuthorized, RefreshTokenReuse):
            raise OAuthError(INVALID_GRANT) from None
        return TokenResponse(
            access_token=tokens.access_token,
            id_token=tokens.id_token,
            refresh_token=tokens.refresh_token,
            expires_in=tokens.expires_in,
        )
