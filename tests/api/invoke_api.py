"""A small Lambda Invoke API server for the trigger tests: a real HTTP server on loopback.

It checks the wire contract of every call (``POST /2015-03-31/functions/{FunctionName}/
invocations``, ``X-Amz-Invocation-Type`` ``RequestResponse``, or ``Event`` for the functions in
``InvokeApi.asynchronous``, a SigV4 ``Authorization`` header for service ``lambda``), records
each event it receives, and answers as Lambda does: 200 with the function's output, or 200 with
``X-Amz-Function-Error: Unhandled`` and Lambda's error payload when the handler raised; an
``Event`` call runs the handler and answers 202 with no body, whatever the handler did. A
handler may also answer raw bytes (unreadable output), sleep past the 5 s timeout, or be
throttled (429 ``TooManyRequestsException``) a number of times.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import unquote

PREFIX = "/2015-03-31/functions/"
SUFFIX = "/invocations"

Handler = Callable[[dict[str, Any]], Any]


class Garbage(bytes):
    """A handler's answer sent as is: not JSON."""


@dataclass
class Call:
    function: str
    headers: dict[str, str]
    event: dict[str, Any]


@dataclass
class InvokeApi:
    url: str = ""
    handlers: dict[str, Handler] = field(default_factory=dict)
    calls: list[Call] = field(default_factory=list)
    #: Wire-contract violations seen; a test fails if any.
    problems: list[str] = field(default_factory=list)
    #: How many more calls of a function are answered 429.
    throttle: dict[str, int] = field(default_factory=dict)
    delay: dict[str, float] = field(default_factory=dict)
    #: Functions that must be invoked with ``X-Amz-Invocation-Type: Event`` (the custom
    #: senders, which AWS invokes asynchronously); every other call is ``RequestResponse``.
    asynchronous: set[str] = field(default_factory=set)

    def events(self, function: str) -> list[dict[str, Any]]:
        return [c.event for c in self.calls if c.function == function]

    def reset(self) -> None:
        self.handlers.clear()
        self.calls.clear()
        self.throttle.clear()
        self.delay.clear()
        self.asynchronous.clear()


def _make_handler(api: InvokeApi) -> type[BaseHTTPRequestHandler]:
    class Handle(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:  # quiet
            pass

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length)
            if not (self.path.startswith(PREFIX) and self.path.endswith(SUFFIX)):
                api.problems.append(f"path {self.path}")
                return self._answer(404, b"{}")
            function = unquote(self.path[len(PREFIX) : -len(SUFFIX)])
            headers = {k.lower(): v for k, v in self.headers.items()}
            kind = "Event" if function in api.asynchronous else "RequestResponse"
            if headers.get("x-amz-invocation-type") != kind:
                api.problems.append(f"invocation type {headers.get('x-amz-invocation-type')}")
            auth = headers.get("authorization", "")
            if not (auth.startswith("AWS4-HMAC-SHA256 ") and "/lambda/aws4_request" in auth):
                api.problems.append(f"authorization {auth[:40]!r}")
            event = json.loads(body)
            api.calls.append(Call(function, headers, json.loads(body)))
            left = api.throttle.get(function, 0)
            if left:
                api.throttle[function] = left - 1
                error = {"Type": "User", "message": "Rate Exceeded."}
                return self._answer(
                    429,
                    json.dumps(error).encode(),
                    {"x-amzn-ErrorType": "TooManyRequestsException"},
                )
            if function in api.delay:
                time.sleep(api.delay[function])
            handler = api.handlers.get(function)
            if handler is None:
                error = {"Type": "User", "Message": f"Function not found: {function}"}
                return self._answer(
                    404,
                    json.dumps(error).encode(),
                    {"x-amzn-ErrorType": "ResourceNotFoundException"},
                )
            try:
                output = handler(event)
            except Exception as exc:
                if kind == "Event":  # an asynchronous caller never hears of it
                    return self._answer(202, b"")
                payload = {"errorMessage": str(exc), "errorType": type(exc).__name__}
                return self._answer(
                    200, json.dumps(payload).encode(), {"X-Amz-Function-Error": "Unhandled"}
                )
            if kind == "Event":
                return self._answer(202, b"")
            raw = output if isinstance(output, Garbage) else json.dumps(output).encode()
            return self._answer(200, raw)

        def _answer(self, status: int, body: bytes, headers: dict[str, str] | None = None) -> None:
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                for name, value in (headers or {}).items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):  # the caller timed out
                pass

    return Handle


@contextmanager
def running() -> Iterator[InvokeApi]:
    api = InvokeApi()
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _make_handler(api))
    httpd.daemon_threads = True
    api.url = f"http://127.0.0.1:{httpd.server_address[1]}"
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield api
    finally:
        httpd.shutdown()
        httpd.server_close()
