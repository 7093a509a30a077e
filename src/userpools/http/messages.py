"""``GET /_userpools/messages?pool=POOL_ID[&to=DESTINATION][&limit=N]``: the outbox over HTTP;
``GET /confirmUser``: the link of a ``CONFIRM_WITH_LINK`` email.

Tests and tools in any language read the codes and invitations a pool sent from here,
newest first, as ``{"messages": [{"pool_id", "username", "medium", "destination",
"subject", "body", "created_at"}, …]}`` (the fields ``userpools outbox`` prints;
``created_at`` in epoch seconds). It is not part of Cognito's API: AWS has no such route.

Who may read: everyone in development mode; with a credentials file, only a request signed
(SigV4, service ``cognito-idp``) by a key that may administer the pool
(:meth:`Gate.admit_to_pool_route`). Errors have the API's shape, ``{"__type", "message"}``.
"""

from __future__ import annotations

import html
import uuid
from collections.abc import Callable

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route

from userpools.domain import messages
from userpools.domain.errors import DomainError, InvalidParameter
from userpools.domain.models import Message
from userpools.http.well_known import POOL_ID
from userpools.protocol.access import Gate
from userpools.protocol.codec import encode_error
from userpools.protocol.sigv4 import HttpRequest

PATH = "/_userpools/messages"
#: The name a refusal gives the action (``… is not authorized to perform: cognito-idp:…``).
ACTION = "ReadMessages"
DEFAULT_LIMIT = 100
MAX_LIMIT = 1000

#: ``(pool_id, destination or None, limit)`` → the pool's newest messages, newest first.
RecentMessages = Callable[[str, str | None, int], list[Message]]


def messages_route(gate: Gate, recent: RecentMessages) -> Route:
    async def read_messages(request: Request) -> Response:
        rid = str(uuid.uuid4())
        try:
            pool_id, destination, limit = _query(request)
            wire = HttpRequest(
                method=request.method,
                path=request.url.path,
                query=request.url.query,
                headers={
                    name.decode("latin-1"): value.decode("latin-1")
                    for name, value in request.scope["headers"]
                },
                body=await request.body(),
            )
            await run_in_threadpool(gate.admit_to_pool_route, wire, ACTION, pool_id)
            found = await run_in_threadpool(recent, pool_id, destination, limit)
        except DomainError as error:
            status, headers, body = encode_error(error, rid)
            return Response(body, status_code=status, headers=headers)
        return JSONResponse({"messages": [render(m) for m in found]})

    return Route(PATH, read_messages, methods=["GET"])


def render(message: Message) -> dict[str, object]:
    return {
        "pool_id": message.pool_id,
        "username": message.username,
        "medium": message.medium,
        "destination": message.destination,
        "subject": message.subject,
        "body": message.body,
        "created_at": message.created_at,
    }


def _query(request: Request) -> tuple[str, str | None, int]:
    """The ``pool``, ``to`` and ``limit`` parameters, checked; ``InvalidParameter`` otherwise."""
    params = request.query_params
    unknown = sorted(set(params) - {"pool", "to", "limit"})
    if unknown:
        raise InvalidParameter(messages.MESSAGES_UNKNOWN_PARAMETER.format(name=unknown[0][:64]))
    pool_id = params.get("pool")
    if pool_id is None:
        raise InvalidParameter(messages.MESSAGES_POOL_REQUIRED)
    if len(pool_id) > 55 or not POOL_ID.fullmatch(pool_id):
        raise InvalidParameter(messages.MESSAGES_POOL_INVALID)
    destination = params.get("to")
    if destination is not None and not 0 < len(destination) <= 2048:
        raise InvalidParameter(messages.MESSAGES_TO_INVALID)
    raw_limit = params.get("limit", str(DEFAULT_LIMIT))
    if not raw_limit.isdigit() or not 1 <= int(raw_limit) <= MAX_LIMIT:
        raise InvalidParameter(messages.MESSAGES_LIMIT_INVALID.format(limit=MAX_LIMIT))
    return pool_id, destination, int(raw_limit)


#: ``(client_id, username, code)`` → confirms the sign-up, or raises the API's error.
#: ConfirmSignUp for the link's client, user and code; what it answers is not used.
ConfirmLink = Callable[[str, str, str], object]
_PAGE = (
    "<!doctype html><html><head><meta charset=utf-8><title>{title}</title></head>"
    "<body><h1>{title}</h1><p>{text}</p></body></html>"
)


def confirm_link_route(confirm: ConfirmLink) -> Route:
    """``GET /confirmUser?client_id=…&user_name=…&confirmation_code=…``, where the link of a
    ``CONFIRM_WITH_LINK`` email points (on AWS, the pool's hosted-UI domain). A small page
    says whether the account is confirmed; the error is ConfirmSignUp's."""

    async def confirm_user(request: Request) -> Response:
        params = request.query_params
        client_id, username = params.get("client_id"), params.get("user_name")
        code = params.get("confirmation_code")
        if not client_id or not username or not code:
            return _page("Not confirmed", messages.CONFIRM_LINK_INCOMPLETE, 400)
        try:
            await run_in_threadpool(confirm, client_id[:128], username[:128], code[:2048])
        except DomainError as error:
            return _page("Not confirmed", error.message, error.status)
        return _page("Confirmed", messages.CONFIRM_LINK_DONE, 200)

    return Route("/confirmUser", confirm_user, methods=["GET"])


def _page(title: str, text: str, status: int) -> Response:
    body = _PAGE.format(title=html.escape(title), text=html.escape(text))
    return HTMLResponse(body, status_code=status)
