"""The authorization endpoint's rules (``GET /oauth2/authorize``) and its codes, apart from HTTP.

AWS documents the endpoint at https://docs.aws.amazon.com/cognito/latest/developerguide/
authorization-endpoint.html, and RFC 6749 §4.1 and §4.2 the two grants it serves; docs/oauth.md
lists each rule with its source. In short:

- The client (``client_id``) and the redirect URI (``redirect_uri``, exactly one of the
  client's ``CallbackURLs``) are checked first: while either is wrong, nothing can be sent
  back to the app, so the browser is shown the error (RFC 6749 §4.1.2.1).
- Every other refusal goes back to the redirect URI as ``error`` (and ``state``): in the query
  for ``response_type=code``, in the fragment for ``response_type=token``.
- ``scope`` asks for some of the client's ``AllowedOAuthScopes`` (all of them when left out);
  ``code_challenge`` binds the code to a PKCE verifier (``S256`` only).
- An authorization code is an :class:`~userpools.domain.models.AuthSession` of challenge
  ``AUTHORIZATION_CODE``: found by its hash, used once (taken, whatever the outcome), of one
  client, one user and one redirect URI, for five minutes.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from userpools.domain.client_oauth import COGNITO_PROVIDER, STANDARD_SCOPES
from userpools.domain.clients import MAX_CLIENT_ID, find_client_anywhere
from userpools.domain.domains import on_host
from userpools.domain.models import AppClient, AuthSession, User, UserPool
from userpools.domain.resource_servers import existing_custom_scopes
from userpools.domain.store import Transaction
from userpools.domain.tokens import digest, new_secret

CODE = "code"
TOKEN = "token"
#: ``AllowedOAuthFlows``' name of each response type.
FLOW_OF = {CODE: "code", TOKEN: "implicit"}
S256 = "S256"
#: The challenge name of an authorization code in ``auth_sessions``.
CODE_CHALLENGE = "AUTHORIZATION_CODE"
#: How long a code can be exchanged: AWS's codes last five minutes (docs/oauth.md).
CODE_SECONDS = 300
PROMPTS = ("login", "none")
#: Scopes that name ID token claims: asked for only with ``openid``.
OPENID_ONLY = frozenset({"email", "phone", "profile"})

#: Errors shown on a page (nothing can be sent back): no such client, or a redirect URI that
#: is not one of its callback URLs (Cognito's own name for the second).
UNKNOWN_CLIENT = "invalid_client"
REDIRECT_MISMATCH = "redirect_mismatch"


class PageError(Exception):
    """A refusal shown to the browser: the app cannot be told."""

    def __init__(self, error: str) -> None:
        super().__init__(error)
        self.error = error


class RedirectError(Exception):
    """A refusal sent back to the app's redirect URI (RFC 6749 §4.1.2.1, §4.2.2.1)."""

    def __init__(self, error: str, request: AuthorizeRequest) -> None:
        super().__init__(error)
        self.error = error
        self.request = request


@dataclass(frozen=True)
class AuthorizeRequest:
    """An authorization request, checked: what the login page serves and the code binds."""

    client_id: str
    redirect_uri: str
    response_type: str
    scopes: tuple[str, ...]
    state: str | None = field(default=None, repr=False)
    nonce: str | None = field(default=None, repr=False)
    code_challenge: str | None = field(default=None, repr=False)
    prompt: str | None = None

    def as_json(self) -> dict[str, Any]:
        return {
            "client_id": self.client_id,
            "redirect_uri": self.redirect_uri,
            "response_type": self.response_type,
            "scopes": list(self.scopes),
            "state": self.state,
            "nonce": self.nonce,
            "code_challenge": self.code_challenge,
            "prompt": self.prompt,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> AuthorizeRequest:
        return cls(**{**data, "scopes": tuple(data["scopes"])})

    def query(self) -> dict[str, str]:
        """The request as ``/oauth2/authorize`` and ``/login`` take it."""
        params = {
            "client_id": self.client_id,
            "redirect_uri": self.redirect_uri,
            "response_type": self.response_type,
            "scope": " ".join(self.scopes),
        }
        for name in ("state", "nonce", "code_challenge"):
            value = getattr(self, name)
            if value is not None:
                params[name] = value
        if self.code_challenge is not None:
            params["code_challenge_method"] = S256
        return params


def browser_client(
    tx: Transaction, client_id: str | None, host: str | None
) -> tuple[UserPool, AppClient]:
    """The client a browser names, of the pool whose domain ``host`` is, if it is one."""
    if not client_id or len(client_id) > MAX_CLIENT_ID:
        raise PageError(UNKNOWN_CLIENT)
    found = find_client_anywhere(tx, client_id)
    if found is None or not on_host(tx, found[0], host):
        raise PageError(UNKNOWN_CLIENT)
    return found


def check_request(
    tx: Transaction, params: Mapping[str, str], host: str | None
) -> tuple[UserPool, AppClient, AuthorizeRequest]:
    """The request's client and its checked parameters; :class:`PageError` or
    :class:`RedirectError` otherwise, in the order the module's docstring gives."""
    pool, client = browser_client(tx, params.get("client_id"), host)
    redirect_uri = params.get("redirect_uri")
    if not redirect_uri or redirect_uri not in client.settings.callback_urls:
        raise PageError(REDIRECT_MISMATCH)
    response_type = params.get("response_type", "")
    request = AuthorizeRequest(
        client_id=client.client_id,
        redirect_uri=redirect_uri,
        response_type=response_type if response_type in FLOW_OF else CODE,
        scopes=(),
        state=params.get("state"),
    )
    if not response_type:
        raise RedirectError("invalid_request", request)
    if response_type not in FLOW_OF:
        raise RedirectError("unsupported_response_type", request)
    settings = client.settings
    if not settings.oauth_enabled or FLOW_OF[response_type] not in settings.oauth_flows:
        raise RedirectError("unauthorized_client", request)
    provider = params.get("identity_provider")
    if COGNITO_PROVIDER not in settings.identity_providers or provider not in (
        None,
        COGNITO_PROVIDER,
    ):
        raise RedirectError("invalid_request", request)
    prompt = params.get("prompt")
    if prompt is not None and prompt not in PROMPTS:
        raise RedirectError("invalid_request", request)
    challenge = params.get("code_challenge")
    method = params.get("code_challenge_method")
    if (challenge is None) != (method is None) or method not in (None, S256):
        raise RedirectError("invalid_request", request)
    if challenge is not None and not _valid_challenge(challenge):
        raise RedirectError("invalid_request", request)
    scopes = granted(tx, pool, client, params.get("scope"))
    if scopes is None:
        raise RedirectError("invalid_scope", request)
    return (
        pool,
        client,
        AuthorizeRequest(
            client_id=client.client_id,
            redirect_uri=redirect_uri,
            response_type=response_type,
            scopes=scopes,
            state=params.get("state"),
            nonce=params.get("nonce"),
            code_challenge=challenge,
            prompt=prompt,
        ),
    )


def _valid_challenge(challenge: str) -> bool:
    """RFC 7636 §4.2: S256's challenge is 43 base64url characters."""
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    return len(challenge) == 43 and all(c in alphabet for c in challenge)


def granted(
    tx: Transaction, pool: UserPool, client: AppClient, requested: str | None
) -> tuple[str, ...] | None:
    """The scopes of a user's grant: those asked for (each one of the client's
    ``AllowedOAuthScopes``, a custom one still defined by its resource server), or all of
    them when none is asked for; ``None`` when one is not allowed, or ``email``, ``phone`` or
    ``profile`` is asked for without ``openid`` (AWS: they "can only be requested if openid
    scope is also requested")."""
    allowed = client.settings.oauth_scopes
    existing = existing_custom_scopes(
        tx, pool, tuple(s for s in allowed if s not in STANDARD_SCOPES)
    )
    usable = tuple(s for s in allowed if s in STANDARD_SCOPES or s in existing)
    if requested is None or not requested.strip(" "):
        return usable or None
    asked = tuple(dict.fromkeys(s for s in requested.split(" ") if s))
    if any(scope not in usable for scope in asked):
        return None
    if "openid" not in asked and any(scope in OPENID_ONLY for scope in asked):
        return None
    return asked


# codes ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CodeGrant:
    """What a code stands for (kept as its ``auth_sessions`` state)."""

    redirect_uri: str
    scopes: tuple[str, ...]
    auth_time: float
    nonce: str | None = field(default=None, repr=False)
    code_challenge: str | None = field(default=None, repr=False)

    def encode(self) -> str:
        return json.dumps(
            {
                "redirect_uri": self.redirect_uri,
                "scopes": list(self.scopes),
                "auth_time": self.auth_time,
                "nonce": self.nonce,
                "code_challenge": self.code_challenge,
            }
        )

    @classmethod
    def decode(cls, text: str) -> CodeGrant:
        data = json.loads(text)
        return cls(**{**data, "scopes": tuple(data["scopes"])})


def issue_code(
    tx: Transaction,
    pool: UserPool,
    user: User,
    request: AuthorizeRequest,
    auth_time: float,
    now: float,
) -> str:
    """A fresh code for ``user``'s grant of ``request``; only its hash is stored."""
    code = new_secret()
    grant = CodeGrant(
        redirect_uri=request.redirect_uri,
        scopes=request.scopes,
        auth_time=auth_time,
        nonce=request.nonce,
        code_challenge=request.code_challenge,
    )
    tx.insert_auth_session(
        pool,
        AuthSession(
            handle_hash=digest(code),
            user_key=user.key,
            client_id=request.client_id,
            challenge=CODE_CHALLENGE,
            state=grant.encode(),
            expires_at=now + CODE_SECONDS,
        ),
        now,
    )
    return code


def take_code(
    tx: Transaction,
    pool: UserPool,
    client: AppClient,
    code: str,
    redirect_uri: str | None,
    verifier: str | None,
    now: float,
) -> tuple[int, CodeGrant] | None:
    """Use the code up, whatever comes of it (RFC 6749 §4.1.2: "MUST NOT be used more than
    once"); its user's key and grant, or ``None`` (``invalid_grant``) when it is unknown,
    used, expired, another client's, for another redirect URI, or its PKCE verifier is
    missing or wrong (RFC 7636 §4.6), or a verifier comes for a code without a challenge."""
    found = tx.take_auth_session(pool, digest(code))
    if found is None or found.challenge != CODE_CHALLENGE:
        return None
    grant = CodeGrant.decode(found.state)
    if (
        now > found.expires_at
        or found.client_id != client.client_id
        or redirect_uri != grant.redirect_uri
        or not pkce_matches(grant.code_challenge, verifier)
    ):
        return None
    return found.user_key, grant


def pkce_matches(challenge: str | None, verifier: str | None) -> bool:
    """RFC 7636 §4.6, S256: ``BASE64URL(SHA256(verifier)) == challenge``, compared in
    constant time; no challenge takes no verifier."""
    if challenge is None:
        return verifier is None
    if verifier is None or not 43 <= len(verifier) <= 128:
        return False
    hashed = hashlib.sha256(verifier.encode("ascii", "replace")).digest()
    expected = base64.urlsafe_b64encode(hashed).rstrip(b"=")
    return hmac.compare_digest(expected, challenge.encode("ascii", "replace"))
