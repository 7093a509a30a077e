"""Requests exactly as boto3 sends them, replayed over raw HTTP and by ``wrk``.

Used by ``scale.py``: one boto3 call is serialised and signed by botocore as usual and
stopped just before it is sent; its method, headers and body are then sent again as they
are, by ``http.client`` (one keep-alive connection, for latencies and for walking a
NextToken chain) or by ``wrk`` (for throughput; a Lua script holding the request).
"""

from __future__ import annotations

import http.client
import json
import re
import resource
import shutil
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from _servers import Client, Server, busy_since, cpu_used, machine_cpu

#: wrk's own timeout per request: moto's pages at large N take seconds under 8 connections.
WRK_TIMEOUT = "60s"


class _Captured(Exception):
    """Raised from botocore's ``before-send`` hook: the request is built, not sent."""


@dataclass(frozen=True)
class Request:
    """One HTTP request, byte for byte as boto3 would send it (less ``Content-Length``,
    which every sender here computes from the body, and ``Host``, which it adds)."""

    url: str
    headers: dict[str, str]
    body: bytes

    def with_params(self, params: dict[str, Any]) -> Request:
        """The same headers with another JSON body (the signature no longer matches it:
        fine for a server in development mode, which checks none)."""
        return Request(self.url, self.headers, json.dumps(params).encode())


def boto3_request(client: Client, method: str, **params: Any) -> Request:
    """The request ``client.<method>(**params)`` would send, signed, without sending it."""
    seen: dict[str, Any] = {}

    def grab(request: Any, **_: Any) -> None:
        seen["request"] = request
        raise _Captured

    client.meta.events.register("before-send", grab)
    try:
        getattr(client, method)(**params)
    except _Captured:
        pass
    finally:
        client.meta.events.unregister("before-send", grab)
    request = seen["request"]
    headers = {
        str(k): v.decode() if isinstance(v, bytes) else str(v)
        for k, v in request.headers.items()
        if str(k).lower() != "content-length"
    }
    body = request.body if isinstance(request.body, bytes) else str(request.body).encode()
    return Request(request.url, headers, body)


class Connection:
    """One keep-alive HTTP connection to a server, sending :class:`Request` s."""

    def __init__(self, url: str, timeout: float = 120.0) -> None:
        parts = urlsplit(url)
        self._conn = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=timeout)

    def send(self, request: Request) -> tuple[int, bytes]:
        self._conn.request("POST", "/", body=request.body, headers=request.headers)
        response = self._conn.getresponse()
        return response.status, response.read()

    def timed(self, request: Request) -> float:
        """Seconds for one request and its whole answer; an answer other than 200 raises."""
        start = time.perf_counter()
        status, body = self.send(request)
        elapsed = time.perf_counter() - start
        if status != 200:
            raise RuntimeError(f"HTTP {status}: {body[:300]!r}")
        return elapsed

    def close(self) -> None:
        self._conn.close()


# wrk -------------------------------------------------------------------------------------


@dataclass
class WrkResult:
    connections: int
    threads: int
    seconds: float
    requests: int
    pages_per_s: float
    p50_ms: float
    p99_ms: float
    non_2xx: int  # wrk's "Non-2xx or 3xx responses" (statuses above 399)
    socket_errors: int  # connect, read, write errors and timeouts
    wrk_cpu_pct: float  # wrk's CPU time over the run's wall time (100 = one core)
    wrk_cpu_us: float  # wrk's CPU time per request
    server_cpu_ms: float  # the server's processes' CPU time per request
    db_cpu_ms: float | None  # its PostgreSQL backends' CPU time per request
    machine_busy_pct: float  # all processes, all CPUs


def lua_string(text: str) -> str:
    """A Lua string literal of ``text`` (bytes outside printable ASCII as ``\\ddd``)."""
    out = []
    for byte in text.encode():
        char = chr(byte)
        out.append(f"\\{byte:03d}" if byte < 32 or byte > 126 or char in '"\\' else char)
    return '"' + "".join(out) + '"'


def lua_script(request: Request) -> str:
    """wrk's script: the request, and a ``done`` hook printing the figures as JSON."""
    lines = ['wrk.method = "POST"', f"wrk.body = {lua_string(request.body.decode())}"]
    lines += [f"wrk.headers[{lua_string(k)}] = {lua_string(v)}" for k, v in request.headers.items()]
    lines.append(
        """
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRK-JSON {"requests": %d, "duration_us": %d, "p50_us": %d, "p99_us": %d, '
    .. '"status": %d, "connect": %d, "read": %d, "write": %d, "timeout": %d}\\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    e.status, e.connect, e.read, e.write, e.timeout))
end
"""
    )
    return "\n".join(lines)


def wrk_path() -> str:
    found = shutil.which("wrk")
    if found is None:
        raise SystemExit("wrk is not installed (apt-get install wrk)")
    return found


def run_wrk(
    server: Server, request: Request, connections: int, threads: int, seconds: float, tmp: Path
) -> WrkResult:
    """``wrk`` against the server for ``seconds``, with CPU figures from ``/proc``."""
    script = tmp / "page.lua"
    script.write_text(lua_script(request))
    command = [
        wrk_path(),
        f"-t{min(threads, connections)}",
        f"-c{connections}",
        f"-d{seconds:g}s",
        f"--timeout={WRK_TIMEOUT}",
        "-s",
        str(script),
        request.url,
    ]
    server_before, machine = server.cpu(), machine_cpu()
    db_before = server.database_cpu() if server.database_cpu is not None else None
    children_before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - start
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    server_s = sum(cpu_used(server_before, server.cpu()).values())
    db_s = None
    if db_before is not None and server.database_cpu is not None:
        db_s = sum(cpu_used(db_before, server.database_cpu()).values())
    busy = busy_since(machine)
    found = re.search(r"^WRK-JSON (.*)$", done.stdout, re.MULTILINE)
    if done.returncode != 0 or found is None:
        raise RuntimeError(f"wrk failed ({done.returncode}): {done.stdout}\n{done.stderr}")
    figures = json.loads(found.group(1))
    wrk_s = (children.ru_utime - children_before.ru_utime) + (
        children.ru_stime - children_before.ru_stime
    )
    count = max(int(figures["requests"]), 1)
    duration = figures["duration_us"] / 1e6
    return WrkResult(
        connections=connections,
        threads=min(threads, connections),
        seconds=duration,
        requests=figures["requests"],
        pages_per_s=figures["requests"] / duration,
        p50_ms=figures["p50_us"] / 1000,
        p99_ms=figures["p99_us"] / 1000,
        non_2xx=figures["status"],
        socket_errors=sum(figures[k] for k in ("connect", "read", "write", "timeout")),
        wrk_cpu_pct=100 * wrk_s / wall,
        wrk_cpu_us=1e6 * wrk_s / count,
        server_cpu_ms=1000 * server_s / count,
        db_cpu_ms=None if db_s is None else 1000 * db_s / count,
        machine_busy_pct=100 * busy,
    )


def wrk_version() -> str:
    done = subprocess.run([wrk_path(), "-v"], capture_output=True, text=True, check=False)
    return (done.stdout + done.stderr).splitlines()[0].strip()
