"""``GET /_userpools/triggers?pool=POOL_ID[&limit=N]``: the record of Lambda trigger invocations.

Newest first, as ``{"invocations": [{"pool_id", "username", "trigger", "source", "arn",
"outcome", "error", "duration_ms", "event", "created_at"}, …]}``; ``event`` is the JSON sent
to the function with its secrets redacted (``domain/triggers.py``), ``outcome`` ``"ok"`` or
the error code the caller got. "My trigger didn't fire" is answered here. Not part of
Cognito's API.

Who may read: as ``GET /_userpools/messages`` (``http/messages.py``): everyone in development
mode; with a credentials file, only a request signed by a key that may administer the pool.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from userpools.domain import messages
from userpools.domain.errors import DomainError, InvalidParameter
from userpools.domain.models import Invocation
from userpools.http.messages import DEFAULT_LIMIT, MAX_LIMIT
from userpools.http.well_known import POOL_ID
from userpools.protocol.access import Gate
from userpools.protocol.codec import encode_error
from userpools.protocol.sigv4 import HttpRequest

PATH = "/_userpools/triggers"
ACTION = "ReadTriggerInvocations"

#: ``(pool_id, limit)`` → the pool's newest invocations, newest first.
RecentInvocations = Callable[[str, int], list[Invocation]]


def triggers_route(gate: Gate, recent: RecentInvocations) -> Route:
    async def read_invocations(request: Request) -> Response:
        rid = str(uuid.uuid4())
        try:
            pool_id, limit = _query(request)
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
            found = await run_in_threadpool(recent, pool_id, limit)
        except DomainError as error:
            status, headers, body = encode_error(error, rid)
            return Response(body, status_code=status, headers=headers)
        return JSONResponse({"invocations": [render(i) for i in found]})

    return Route(PATH, read_invocations, methods=["GET"])


def render(invocation: Invocation) -> dict[str, object]:
    return {
        "pool_id": invocation.pool_id,
        "username": invocation.username,
        "trigger": invocation.trigger,
        "source": invocation.source,
        "arn": invocation.arn,
        "outcome": invocation.outcome,
        "error": invocation.error,
        "duration_ms": invocation.duration_ms,
        "event": json.loads(invocation.event),
        "created_at": invocation.created_at,
    }


def _query(request: Request) -> tuple[str, int]:
    params = request.query_params
    unknown = sorted(set(params) - {"pool", "limit"})
    if unknown:
        raise InvalidParameter(messages.TRIGGERS_UNKNOWN_PARAMETER.format(name=unknown[0][:64]))
    pool_id = params.get("pool")
    if pool_id is None:
        raise InvalidParameter(messages.MESSAGES_POOL_REQUIRED)
    if len(pool_id) > 55 or not POOL_ID.fullmatch(pool_id):
        raise InvalidParameter(messages.MESSAGES_POOL_INVALID)
    raw_limit = params.get("limit", str(DEFAULT_LIMIT))
    if not raw_limit.isdigit() or not 1 <= int(raw_limit) <= MAX_LIMIT:
        raise InvalidParameter(messages.MESSAGES_LIMIT_INVALID.format(limit=MAX_LIMIT))
    return pool_id, int(raw_limit)
