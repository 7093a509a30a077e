"""boto3 bound to the ASGI app in the same process: no socket, no HTTP parsing.

:class:`InProcess` is a botocore ``before-send`` handler. It takes the request botocore has
prepared and signed, runs the whole ASGI application (routes, middleware, dispatcher) on it,
and hands the reply back as an ``AWSResponse``, so parsing, errors and retries are still
botocore's own. The application sees the headers botocore signed, plus the ``Host`` and
``Content-Length`` that botocore's HTTP client would add on the wire.

Every application of the process runs on one event loop in a background thread; callers
block on their request's future, so any number of threads may call at once, and the
dispatcher's worker threads never wait on the loop's thread.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from typing import Any
from urllib.parse import unquote, urlsplit

from botocore.awsrequest import AWSPreparedRequest, AWSResponse
from starlette.types import ASGIApp, Message, Scope

logger = logging.getLogger("userpools.testing")

#: botocore's default read timeout: how long a call may take before it is given up.
TIMEOUT_SECONDS = 60.0
_DEFAULT_PORTS = {"http": 80, "https": 443}
_METHODS_WITH_BODY = {"POST", "PUT", "PATCH"}

_loop_lock = threading.Lock()
_loops: list[asyncio.AbstractEventLoop] = []


def event_loop() -> asyncio.AbstractEventLoop:
    """The process's loop for in-process requests, started on first use."""
    with _loop_lock:
        if not _loops:
            loop = asyncio.new_event_loop()
            thread = threading.Thread(target=_run, args=(loop,), name="userpools-asgi", daemon=True)
            thread.start()
            _loops.append(loop)
        return _loops[0]


def _run(loop: asyncio.AbstractEventLoop) -> None:
    """Runs ``loop`` for good, under one main task as ``asyncio.run`` would (as uvicorn does):
    anyio keeps its worker threads for the life of the main task, not of each request."""
    loop.run_until_complete(asyncio.Event().wait())


class _Body:
    """The ``raw`` of an ``AWSResponse``: botocore reads it through ``stream()``."""

    def __init__(self, content: bytes) -> None:
        self._content = content

    def stream(self, **_: Any) -> Any:
        yield self._content


class InProcess:
    """Sends a botocore client's requests to ``app`` instead of the network."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    def attach(self, client: Any) -> Any:
        """``client``, its requests now answered by the application. The handler runs after
        any other ``before-send`` handler, so the application sees their changes."""
        client.meta.events.register_last("before-send", self)
        return client

    def __call__(self, request: AWSPreparedRequest, **_: Any) -> AWSResponse:
        scope, body = _scope(request)
        future = asyncio.run_coroutine_threadsafe(self._exchange(scope, body), event_loop())
        status, headers, content = future.result(timeout=TIMEOUT_SECONDS)
        return AWSResponse(request.url, status, headers, _Body(content))

    async def _exchange(self, scope: Scope, body: bytes) -> tuple[int, dict[str, str], bytes]:
        finished = asyncio.Event()
        delivered = False
        status = 0
        headers: dict[str, str] = {}
        chunks: list[bytes] = []

        async def receive() -> Message:
            nonlocal delivered
            if not delivered:
                delivered = True
                return {"type": "http.request", "body": body, "more_body": False}
            await finished.wait()
            return {"type": "http.disconnect"}

        async def send(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                for name, value in message.get("headers", []):
                    key, text = name.decode("latin-1"), value.decode("latin-1")
                    headers[key] = f"{headers[key]}, {text}" if key in headers else text
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))
                if not message.get("more_body", False):
                    finished.set()

        try:
            await self.app(scope, receive, send)
        except Exception:
            # As uvicorn does: log it, and answer 500 if the application had not answered.
            logger.exception("Exception in ASGI application")
            if not status:
                return 500, {"content-type": "text/plain; charset=utf-8"}, b"Internal Server Error"
        finally:
            finished.set()
        return status, headers, b"".join(chunks)


def _scope(request: AWSPreparedRequest) -> tuple[Scope, bytes]:
    """The ASGI scope of a request as it would arrive over HTTP/1.1, and its body."""
    url = urlsplit(request.url)
    port = url.port or _DEFAULT_PORTS[url.scheme]
    host = url.hostname or ""
    host_header = host if port == _DEFAULT_PORTS[url.scheme] else f"{host}:{port}"
    body = _bytes(request.body)
    headers = [(b"host", host_header.encode("latin-1"))]
    for name, value in request.headers.items():
        raw = value if isinstance(value, bytes) else str(value).encode("latin-1")
        headers.append((name.lower().encode("latin-1"), raw))
    if b"content-length" not in {name for name, _ in headers} and (
        body or request.method in _METHODS_WITH_BODY
    ):
        headers.append((b"content-length", str(len(body)).encode("ascii")))
    scope: Scope = {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": "2.4"},
        "http_version": "1.1",
        "method": request.method,
        "scheme": url.scheme,
        "path": unquote(url.path) or "/",
        "raw_path": (url.path or "/").encode("latin-1"),
        "query_string": url.query.encode("latin-1"),
        "root_path": "",
        "headers": headers,
        "client": ("127.0.0.1", 0),
        "server": (host, port),
        "state": {},
    }
    return scope, body


def _bytes(body: Any) -> bytes:
    if body is None:
        return b""
    if isinstance(body, bytes):
        return body
    if isinstance(body, str):
        return body.encode("utf-8")
    return bytes(body.read())
