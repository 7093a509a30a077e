"""The floor of ``scale.py``: the least a Python server must do to answer a page.

A bare Starlette app under uvicorn, with the options ``userpools serve`` gives uvicorn
(httptools, uvloop when installed, no WebSockets, no lifespan, no access log): ``POST /``
reads the request body and parses it as JSON, then answers with ``orjson.dumps`` of one
ListUsersInGroup page held in memory, so it pays the encoding on every request as
userpools does. No store, no validation, no signature: how fast userpools could answer
if all of its own work cost nothing.

    .venv/bin/python benchmarks/floor.py --page page.json --port 9300
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

import orjson
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

MEDIA_TYPE = "application/x-amz-json-1.1"


def app_for(page: Any) -> Starlette:
    async def answer(request: Request) -> Response:
        orjson.loads(await request.body())
        return Response(orjson.dumps(page), media_type=MEDIA_TYPE)

    return Starlette(routes=[Route("/", answer, methods=["POST"])])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--page", type=Path, required=True, help="the page's JSON body")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    page = orjson.loads(args.page.read_bytes())
    uvicorn.run(
        app_for(page),
        host=args.host,
        port=args.port,
        http="httptools",
        ws="none",
        lifespan="off",
        access_log=False,
        log_level="warning",
    )


if __name__ == "__main__":
    main()
