"""The HTTP concerns around an API route, as pure ASGI middleware.

``app.build`` gives each API route its stack, outermost first:

- :class:`RequestId` makes the request's id;
- :class:`AccessLog` writes one line per request (left out when ``Settings.access_log`` is off);
- :class:`BodyCap` reads the body under a size cap, and refuses a larger one in the route's
  error style (:data:`ErrorStyle`: AWS JSON 1.1 for ``POST /``; OAuth endpoints would bring
  RFC 6749's ``{"error", "error_description"}``).

Limits that apply to every connection before a request is parsed (connection counts, header
sizes, timeouts) are the edge's, in ``http/edge.py``.

The middleware and the route share what they learn through the ASGI ``state`` of the request
(:func:`request_id`, :func:`note_operation`).
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable

from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from userpools.domain.errors import DomainError, RequestTooLarge

access_log = logging.getLogger("userpools.access")

#: Renders an error in a route family's style: (error, request id) → (status, headers, body).
ErrorStyle = Callable[[DomainError, str], tuple[int, dict[str, str], bytes]]

TOO_LARGE = "Request body is larger than {limit} bytes"

_REQUEST_ID = "userpools.request_id"
_OPERATION = "userpools.operation"


def request_id(scope: Scope) -> str:
    """The id :class:`RequestId` gave this request."""
    return str(scope["state"][_REQUEST_ID])


def note_operation(scope: Scope, operation: str | None) -> None:
    """Tell the access log which operation the request resolved to."""
    scope["state"][_OPERATION] = operation


class _Disconnected(Exception):
    """The client went away before the whole body arrived."""


class RequestId:
    """Gives each request a fresh id, which the route's replies carry (``x-amzn-RequestId``)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            scope.setdefault("state", {})[_REQUEST_ID] = str(uuid.uuid4())
        await self.app(scope, receive, send)


class AccessLog:
    """One line per request: ``request_id=… operation=… status=… latency_ms=…``."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 0

        async def sending(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        await self.app(scope, receive, sending)
        access_log.info(
            "request_id=%s operation=%s status=%d latency_ms=%.1f",
            request_id(scope),
            scope["state"].get(_OPERATION) or "-",
            status,
            (time.perf_counter() - started) * 1000,
        )


class BodyCap:
    """Reads the whole body, refusing one over ``limit`` bytes before reading it when its
    declared length says so, else as soon as it passes the limit (never buffered past it)."""

    def __init__(self, app: ASGIApp, limit: int, errors: ErrorStyle) -> None:
        self.app = app
        self.limit = limit
        self.errors = errors

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        try:
            body = await self._read(scope, receive)
        except _Disconnected:  # there is no one left to answer
            return
        if body is None:
            error = RequestTooLarge(TOO_LARGE.format(limit=self.limit))
            status, headers, content = self.errors(error, request_id(scope))
            await Response(content, status_code=status, headers=headers)(scope, receive, send)
            return
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if replayed:
                return await receive()
            replayed = True
            return {"type": "http.request", "body": body, "more_body": False}

        await self.app(scope, replay, send)

    async def _read(self, scope: Scope, receive: Receive) -> bytes | None:
        for name, value in scope["headers"]:
            if name == b"content-length" and value.isdigit() and int(value) > self.limit:
                return None
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                raise _Disconnected
            chunk: bytes = message.get("body", b"")
            size += len(chunk)
            if size > self.limit:
                return None
            chunks.append(chunk)
            if not message.get("more_body", False):
                return b"".join(chunks)
