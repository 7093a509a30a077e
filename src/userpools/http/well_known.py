"""``GET /{poolId}/.well-known/jwks.json`` and ``…/openid-configuration``.

The issuer of a pool's tokens is ``{public URL}/{poolId}``; discovery and JWKS are served
under it, so ``iss``, ``jwks_uri`` and the keys always agree. Only the endpoints this
server really serves are advertised.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from userpools.domain.authorize import S256
from userpools.domain.client_oauth import STANDARD_SCOPES
from userpools.domain.oauth import GRANTS
from userpools.settings import Settings

# The model's UserPoolIdType, with Java's ASCII \w.
POOL_ID = re.compile(r"[A-Za-z0-9_-]+_[0-9a-zA-Z]+")
_CACHE = {"cache-control": "public, max-age=300"}

JwksSource = Callable[[str], dict[str, Any] | None]


def _not_found(pool_id: str) -> Response:
    return JSONResponse({"message": f"User pool {pool_id[:55]} does not exist."}, 404)


def discovery_document(issuer: str, served_at: str, root: str) -> dict[str, Any]:
    """``served_at`` is where this server answers for the pool; it is ``issuer`` unless
    tokens carry AWS's issuer (``--aws-issuer``). ``root``: the server's base URL, where the
    OAuth 2.0 endpoints are (as on AWS, on the domain, not under the issuer).

    What a verifier needs (the issuer, the keys, how tokens are signed and what they claim),
    and the endpoints that exist: authorization (its response types and PKCE method), token
    (its grants and client authentication methods), revocation and userInfo. ``/logout`` is
    not named as ``end_session_endpoint``: it takes Cognito's parameters (``logout_uri``),
    not OIDC RP-Initiated Logout's (``post_logout_redirect_uri``, ``id_token_hint``).
    """
    return {
        "issuer": issuer,
        "jwks_uri": f"{served_at}/.well-known/jwks.json",
        "authorization_endpoint": f"{root}/oauth2/authorize",
        "response_types_supported": ["code", "token"],
        "code_challenge_methods_supported": [S256],
        "scopes_supported": sorted(STANDARD_SCOPES),
        "token_endpoint": f"{root}/oauth2/token",
        "grant_types_supported": [*GRANTS, "implicit"],
        "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
        "revocation_endpoint": f"{root}/oauth2/revoke",
        "userinfo_endpoint": f"{root}/oauth2/userInfo",
        "id_token_signing_alg_values_supported": ["RS256"],
        "subject_types_supported": ["public"],
        "claims_supported": ["sub", "iss", "aud", "exp", "iat", "auth_time", "token_use"],
    }


def well_known_routes(settings: Settings, jwks: JwksSource) -> list[Route]:
    base = settings.base_url

    async def keys(request: Request) -> Response:
        pool_id = request.path_params["pool_id"]
        if len(pool_id) > 55 or not POOL_ID.fullmatch(pool_id):
            return _not_found(pool_id)
        document = await run_in_threadpool(jwks, pool_id)
        if document is None:
            return _not_found(pool_id)
        return JSONResponse(document, headers=_CACHE)

    async def discovery(request: Request) -> Response:
        pool_id = request.path_params["pool_id"]
        if len(pool_id) > 55 or not POOL_ID.fullmatch(pool_id):
            return _not_found(pool_id)
        if await run_in_threadpool(jwks, pool_id) is None:
            return _not_found(pool_id)
        document = discovery_document(settings.issuer_for(pool_id), f"{base}/{pool_id}", base)
        return JSONResponse(document, headers=_CACHE)

    return [
        Route("/{pool_id}/.well-known/jwks.json", keys, methods=["GET"]),
        Route("/{pool_id}/.well-known/openid-configuration", discovery, methods=["GET"]),
    ]
