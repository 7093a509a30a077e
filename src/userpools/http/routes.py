"""HTTP: ``POST /`` for the AWS JSON 1.1 API, and ``GET /health``.

This layer reads the body under a size cap, gives each request an id, hands the call
to the dispatcher on a worker thread, and writes one access-log line. It knows nothing
of JSON shapes or Cognito.
"""

from __future__ import annotations

import logging
import time
import uuid

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from userpools.domain.errors import RequestTooLarge
from userpools.protocol.codec import encode_error
from userpools.protocol.dispatch import Dispatcher, Reply
from userpools.protocol.sigv4 import HttpRequest
from userpools.settings import Settings

access_log = logging.getLogger("userpools.access")

TOO_LARGE = "Request body is larger than {limit} bytes"


async def _read_capped(request: Request, limit: int) -> bytes | None:
    """The body, or ``None`` once it is known to exceed ``limit`` (never buffered past it)."""
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        return None
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
    return b"".join(chunks)


def routes(dispatcher: Dispatcher, settings: Settings) -> list[Route]:
    limit = settings.max_body_bytes

    async def api(request: Request) -> Response:
        started = time.perf_counter()
        request_id = str(uuid.uuid4())
        body = await _read_capped(request, limit)
        if body is None:
            status, headers, content = encode_error(
                RequestTooLarge(TOO_LARGE.format(limit=limit)), request_id
            )
            reply = Reply(status, headers, content, None)
        else:
            wire = HttpRequest(
                method=request.method,
                path=request.url.path,
                query=request.url.query,
                headers={
                    name.decode("latin-1"): value.decode("latin-1")
                    for name, value in request.scope["headers"]
                },
                body=body,
            )
            reply = await run_in_threadpool(dispatcher.handle, wire, request_id)
        if settings.access_log:
            access_log.info(
                "request_id=%s operation=%s status=%d latency_ms=%.1f",
                request_id,
                reply.operation or "-",
                reply.status,
                (time.perf_counter() - started) * 1000,
            )
        return Response(reply.body, status_code=reply.status, headers=reply.headers)

    async def health(_request: Request) -> Response:
        return JSONResponse({"status": "ok"})

    return [Route("/", api, methods=["POST"]), Route("/health", health, methods=["GET"])]
