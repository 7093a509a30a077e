"""``POST /oauth2/token``, ``POST /oauth2/revoke`` and ``GET/POST /oauth2/userInfo``: the
OAuth 2.0 endpoints an app calls directly, at the server's root (the client id, or the
token, names the pool).

This module is the HTTP half: the ``application/x-www-form-urlencoded`` form (RFC 6749
Appendix B), the client's credentials from HTTP Basic (§2.3.1) or the form, and the
answers' shape: JSON, ``Cache-Control: no-store`` (§5.1), and §5.2's ``{"error": …}`` with
400, or 401 and ``WWW-Authenticate`` for a client that failed Basic authentication. The
rules are ``domain/oauth.py``'s (the token endpoint) and ``SignOutService.revoke_token``'s
(the revocation endpoint, which RevokeToken shares).
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable, Sequence
from urllib.parse import parse_qsl, unquote

from starlette.concurrency import run_in_threadpool
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from userpools.domain.errors import (
    DomainError,
    Unauthorized,
    UnsupportedOperation,
    UnsupportedTokenType,
)
from userpools.domain.oauth import (
    INVALID_CLIENT,
    INVALID_REQUEST,
    USERINFO_BAD_REQUEST,
    OAuthError,
    OAuthService,
    TokenRequest,
    UserInfoError,
)
from userpools.http.middleware import note_operation

FORM = "application/x-www-form-urlencoded"
_NO_STORE = {"cache-control": "no-store", "pragma": "no-cache"}
#: RFC 7009 §2.2.1: the token is not one the server revokes.
UNSUPPORTED_TOKEN_TYPE = "unsupported_token_type"

#: ``(client_id, token, client_secret)``: RevokeToken's rules.
Revoke = Callable[[str, str, str | None], None]


def oauth_error_style(error: DomainError, _request_id: str) -> tuple[int, dict[str, str], bytes]:
    """A refusal before the form is read (a body over the cap), in RFC 6749's shape."""
    body = json.dumps({"error": INVALID_REQUEST}).encode()
    return error.status, {"content-type": "application/json", **_NO_STORE}, body


def _error(error: str, status: int = 400, basic: bool = False) -> Response:
    headers = dict(_NO_STORE)
    if basic and status == 401:
        headers["www-authenticate"] = 'Basic realm="userpools"'
    body = json.dumps({"error": error}).encode()
    return Response(body, status_code=status, headers=headers, media_type="application/json")


def _trigger_error(error: DomainError) -> Response:
    """A refusal from outside RFC 6749's list: a PreTokenGeneration trigger that failed is
    ``invalid_request`` with the trigger's message (as the API shows it, e.g. ``PreTokenGeneration
    failed with error …``); a store that cannot answer keeps its 503."""
    if error.status >= 500:
        body = {"error": "temporarily_unavailable"}
    else:
        body = {"error": INVALID_REQUEST, "error_description": str(error)}
    return Response(
        json.dumps(body).encode(),
        status_code=400 if error.status < 500 else error.status,
        headers=_NO_STORE,
        media_type="application/json",
    )


class _Malformed(Exception):
    """The request is not a form RFC 6749 accepts: ``invalid_request``."""


def _form(request: Request, body: bytes) -> dict[str, str]:
    """The form's parameters; a repeated one, a wrong content type or bytes that are not
    UTF-8 are malformed (§3.2: "parameters MUST NOT be included more than once")."""
    kind = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    if kind != FORM:
        raise _Malformed
    try:
        pairs = parse_qsl(body.decode("utf-8"), keep_blank_values=True, errors="strict")
    except (UnicodeDecodeError, ValueError):
        raise _Malformed from None
    form: dict[str, str] = {}
    for name, value in pairs:
        if name in form:
            raise _Malformed
        form[name] = value
    return form


def _credentials(request: Request, form: dict[str, str]) -> tuple[str | None, str | None, bool]:
    """``(client_id, client_secret, basic)`` from the Authorization header or the form; both
    at once, or a Basic header that does not decode, is malformed. Basic's id and secret are
    form-encoded before Base64 (§2.3.1), so they are decoded once more (``+`` stays ``+``:
    Cognito's secrets may hold it, and clients rarely encode it)."""
    header = request.headers.get("authorization")
    if header is None:
        return form.get("client_id"), form.get("client_secret"), False
    scheme, _, encoded = header.partition(" ")
    if scheme.lower() != "basic" or "client_secret" in form:
        raise _Malformed
    try:
        decoded = base64.b64decode(encoded.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        raise _Malformed from None
    client_id, colon, secret = decoded.partition(":")
    if not colon:
        raise _Malformed
    client_id, secret = unquote(client_id), unquote(secret)
    if form.get("client_id", client_id) != client_id:
        raise _Malformed
    return client_id, secret, True


def _client_metadata(text: str | None) -> dict[str, str] | None:
    """``aws_client_metadata``: a JSON object of strings, as ``ClientMetadata`` is in the API;
    anything else is malformed."""
    if text is None:
        return None
    try:
        found = json.loads(text)
    except ValueError:
        raise _Malformed from None
    if not isinstance(found, dict) or not all(isinstance(v, str) for v in found.values()):
        raise _Malformed
    return found


def oauth_routes(
    service: OAuthService, revoke: Revoke, middleware: Sequence[Middleware]
) -> list[Route]:
    """``middleware``: the stack around the routes (``app.build``: request id, access log and
    the body cap in :func:`oauth_error_style`)."""

    async def token(request: Request) -> Response:
        note_operation(request.scope, "oauth2/token")
        basic = False
        try:
            form = _form(request, await request.body())
            client_id, secret, basic = _credentials(request, form)
            asked = TokenRequest(
                grant_type=form.get("grant_type"),
                client_id=client_id,
                client_secret=secret,
                scope=form.get("scope"),
                refresh_token=form.get("refresh_token"),
                host=request.headers.get("host"),
                code=form.get("code"),
                redirect_uri=form.get("redirect_uri"),
                code_verifier=form.get("code_verifier"),
                client_metadata=_client_metadata(form.get("aws_client_metadata")),
            )
            answer = await run_in_threadpool(service.token, asked)
        except _Malformed:
            return _error(INVALID_REQUEST)
        except OAuthError as error:
            status = error.status if basic or error.error != INVALID_CLIENT else 400
            return _error(error.error, status, basic)
        except DomainError as error:
            # A trigger that refused or failed (PreTokenGeneration), or the store unavailable.
            return _trigger_error(error)
        return Response(
            json.dumps(answer.as_json()).encode(),
            headers=_NO_STORE,
            media_type="application/json",
        )

    async def revocation(request: Request) -> Response:
        note_operation(request.scope, "oauth2/revoke")
        basic = False
        try:
            form = _form(request, await request.body())
            client_id, secret, basic = _credentials(request, form)
            if not form.get("token"):
                return _error(INVALID_REQUEST)
            if not client_id:
                return _error(INVALID_CLIENT, 401, basic)
            await run_in_threadpool(service.client_on_host, client_id, request.headers.get("host"))
            await run_in_threadpool(revoke, client_id, form["token"], secret)
        except _Malformed:
            return _error(INVALID_REQUEST)
        except Unauthorized:
            return _error(INVALID_CLIENT, 401, basic)
        except UnsupportedOperation:  # revocation is off for the client
            return _error(INVALID_REQUEST)
        except UnsupportedTokenType:
            return _error(UNSUPPORTED_TOKEN_TYPE)
        except OAuthError as error:  # a client of another pool than the host's domain
            return _error(error.error, 401, basic)
        return Response(b"", headers=_NO_STORE)

    async def user_info(request: Request) -> Response:
        note_operation(request.scope, "oauth2/userInfo")
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        try:
            if scheme.lower() != "bearer" or not token.strip():
                raise UserInfoError(INVALID_REQUEST, USERINFO_BAD_REQUEST)
            host = request.headers.get("host")
            claims = await run_in_threadpool(service.user_info, token.strip(), host)
        except UserInfoError as error:
            challenge = f'Bearer error="{error.error}", error_description="{error.description}"'
            body = {"error": error.error, "error_description": error.description}
            return Response(
                json.dumps(body).encode(),
                status_code=error.status,
                headers={**_NO_STORE, "www-authenticate": challenge},
                media_type="application/json",
            )
        return Response(
            json.dumps(claims).encode(), headers=_NO_STORE, media_type="application/json"
        )

    return [
        Route("/oauth2/token", token, methods=["POST"], middleware=middleware),
        Route("/oauth2/revoke", revocation, methods=["POST"], middleware=middleware),
        Route("/oauth2/userInfo", user_info, methods=["GET", "POST"], middleware=middleware),
    ]
