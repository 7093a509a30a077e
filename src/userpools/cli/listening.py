"""Where and how ``serve`` listens: the worker count, the HTTP edge's limits, the socket, the
TLS pair, and the loopback rule of development mode."""

from __future__ import annotations

import errno
import ipaddress
import socket
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from userpools.settings import EdgeLimits


class WorkerCount(click.ParamType[int]):
    """``--workers``: a count from 1 to 64, or ``auto`` for one per core."""

    name = "workers"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> int:
        if isinstance(value, int):
            return value
        if str(value).lower() == "auto":
            from userpools.crypto.passwords import cores

            return min(cores(), 64)
        try:
            count = int(value)
        except ValueError:
            self.fail(f"{value!r} is neither a number nor 'auto'", param, ctx)
        if not 1 <= count <= 64:
            self.fail(f"{count} is not in the range 1<=x<=64", param, ctx)
        return count


def edge_options(command: Callable[..., None]) -> Callable[..., None]:
    """The HTTP edge's limits (``http/edge.py``; docs/deployment.md compares them with a
    reverse proxy's)."""
    default = EdgeLimits()
    seconds = click.FloatRange(0, min_open=True)
    options = [
        ("--header-timeout", seconds, default.header_timeout, "SECONDS",
         "A request's header must arrive whole within this time (from its first byte; from "
         "the connection's start for the first request), else 408 and the connection closes."),
        ("--body-timeout", seconds, default.body_timeout, "SECONDS",
         "A request's body must arrive whole within this time of its header, else 408."),
        ("--keepalive-timeout", seconds, default.keepalive_timeout, "SECONDS",
         "Close a connection idle this long between requests."),
        ("--max-connections", click.IntRange(1), default.max_connections, "N",
         "Open connections per process; past it, new ones get 503 ServiceUnavailable. "
         "Lowered to fit the descriptor limit, whose soft value is raised to the hard one."),
        ("--max-header-bytes", click.IntRange(1024), default.max_header_bytes, "BYTES",
         "Total size of a request's header (request line and fields); past it, 431."),
        ("--linger-bytes", click.IntRange(0), default.linger_bytes, "BYTES",
         "After answering before the end of a request (413, 431, 503), read and discard up "
         "to this much of the rest, so that the client reads the answer, not a reset."),
        ("--linger-timeout", seconds, default.linger_timeout, "SECONDS",
         "Lingering (--linger-bytes) ends after this long at most."),
    ]  # fmt: skip
    for name, kind, value, metavar, text in reversed(options):
        command = click.option(
            name, type=kind, default=value, show_default=True, metavar=metavar, help=text
        )(command)
    return command


def listen(host: str, port: int) -> socket.socket:
    """The listening socket, or one line that says why not (not uvicorn's traceback)."""
    from userpools.http.listen import listening_socket

    try:
        return listening_socket(host, port)
    except OSError as exc:
        reason = exc.strerror or str(exc)
        if exc.errno == errno.EADDRINUSE:
            hint = "another process is listening there; choose another port with --port"
        elif exc.errno == errno.EACCES:
            hint = "ports below 1024 need privileges; choose another port with --port"
        else:
            hint = "check --host and --port"
        raise click.ClickException(f"cannot listen on {host}:{port}: {reason}; {hint}") from None


def tls_settings(cert: Path | None, key: Path | None) -> dict[str, str]:
    """uvicorn's ``ssl_certfile``/``ssl_keyfile``, after loading them once here, so that a
    wrong pair fails before the banner in one line (each worker loads them again)."""
    import ssl

    if cert is None and key is None:
        return {}
    if cert is None or key is None:
        raise click.UsageError("--tls-cert and --tls-key go together: give both or neither")
    try:
        ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER).load_cert_chain(cert, key)
    except (ssl.SSLError, OSError) as exc:
        raise click.UsageError(
            f"cannot use --tls-cert {cert} with --tls-key {key}: {exc.strerror or exc}"
        ) from None
    return {"ssl_certfile": str(cert), "ssl_keyfile": str(key)}


def is_loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"
