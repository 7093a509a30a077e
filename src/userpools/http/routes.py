"""HTTP: ``POST /`` for the AWS JSON 1.1 API, and ``GET /health``.

The API route hands the body (already read under its cap by :class:`~.middleware.BodyCap`)
to the dispatcher on a worker thread. It knows nothing of JSON shapes or Cognito.
"""

from __future__ import annotations

from collections.abc import Sequence

from starlette.concurrency import run_in_threadpool
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from userpools.http.middleware import note_operation, request_id
from userpools.protocol.dispatch import Dispatcher
from userpools.protocol.sigv4 import HttpRequest


def routes(dispatcher: Dispatcher, api_middleware: Sequence[Middleware]) -> list[Route]:
    """``api_middleware``: the stack around ``POST /`` (``app.build`` composes it)."""

    async def api(request: Request) -> Response:
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
        reply = await run_in_threadpool(dispatcher.handle, wire, request_id(request.scope))
        note_operation(request.scope, reply.operation)
        return Response(reply.body, status_code=reply.status, headers=reply.headers)

    async def health(_request: Request) -> Response:
        return JSONResponse({"status": "ok"})

    return [
        Route("/", api, methods=["POST"], middleware=api_middleware),
        Route("/health", health, methods=["GET"]),
    ]
