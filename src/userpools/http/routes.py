"""HTTP: ``POST /`` for the AWS JSON 1.1 API, and ``GET /health``.

The API route hands the body (already read under its cap by :class:`~.middleware.BodyCap`)
to the dispatcher. It knows nothing of JSON shapes or Cognito.

Where a call runs: a short read (:meth:`Dispatcher.is_short_read`) runs on the event loop
itself when ``reads`` is ``None`` (a store of local files), else on ``reads``, an executor
with a thread per core (a store over the network); every other call on Starlette's thread
pool, since it may wait on a password hash, a lock or a retry's pause. Reads are most calls;
running them on one or two threads instead of up to 40 keeps the threads from queueing for
the GIL, so that eight clients get at least the pages per second of one.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from concurrent.futures import Executor

from starlette.concurrency import run_in_threadpool
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from userpools.http.middleware import note_operation, request_id
from userpools.protocol.dispatch import Dispatcher
from userpools.protocol.sigv4 import HttpRequest


def routes(
    dispatcher: Dispatcher, api_middleware: Sequence[Middleware], reads: Executor | None = None
) -> list[Route]:
    """``api_middleware``: the stack around ``POST /`` (``app.build`` composes it); ``reads``:
    where short reads run (above)."""

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
        rid = request_id(request.scope)
        if not dispatcher.is_short_read(wire):
            reply = await run_in_threadpool(dispatcher.handle, wire, rid)
        elif reads is None:
            reply = dispatcher.handle(wire, rid)
        else:
            loop = asyncio.get_running_loop()
            reply = await loop.run_in_executor(reads, dispatcher.handle, wire, rid)
        note_operation(request.scope, reply.operation)
        return Response(reply.body, status_code=reply.status, headers=reply.headers)

    async def health(_request: Request) -> Response:
        return JSONResponse({"status": "ok"})

    return [
        Route("/", api, methods=["POST"], middleware=api_middleware),
        Route("/health", health, methods=["GET"]),
    ]
