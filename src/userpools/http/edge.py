"""The HTTP edge: limits on every connection, enforced before a request reaches the app.

``serve`` runs uvicorn with :class:`EdgeProtocol`, its httptools protocol with a timer and
a byte count per connection (:class:`EdgeLimits` has the figures):

- **connection cap**: past ``max_connections`` open connections in this process, a new
  one is answered 503 ``ServiceUnavailable`` at once, without reading its request, and
  closed (lingering, below). :func:`connection_cap` keeps the cap under the descriptor
  limit, which :func:`raise_descriptor_limit` first raises to its hard limit.
- **header timeout**: a request's header must be complete within ``header_timeout`` of
  its first byte (of the connection's start, for its first request). A partial header is
  answered 408 ``RequestTimeout``; a connection that sent nothing is just closed.
- **body timeout**: the whole body within ``body_timeout`` of the header's end, else 408.
- **keep-alive timeout**: a connection idle between requests is closed after
  ``keepalive_timeout``. Nothing is timed while the application works on a request.
- **header cap**: a header's bytes are counted as they arrive, before the parser sees
  them; past ``max_header_bytes`` the answer is 431 ``RequestHeaderFieldsTooLarge`` and no
  more of it is parsed. (httptools copies a header value once per chunk, so a header of
  many megabytes took seconds of the event loop, and all its bytes in memory.)
- **lingering close**: closing while the client may still be sending (an answer before
  the end of its request: 413, 431, 503) would make the kernel reset the connection, and
  the client would lose the answer. The edge half-closes instead, reads and discards up
  to ``linger_bytes`` for up to ``linger_timeout`` (nginx's lingering close), and closes
  when the client does.

Each limit hit is logged on ``userpools.edge``, at most once per :data:`NOTICE_INTERVAL`
per kind, with a count. The answers are wire errors of ``domain/errors.py``, rendered by
the protocol layer's ``encode_error`` like every other.

This leans on uvicorn's httptools protocol and its request cycle (``cycle.response_started``,
``timeout_keep_alive_task``, ``pipeline``); ``tests/server/test_edge.py`` drives it over real
sockets, so an uvicorn upgrade that changes them fails there.
"""

from __future__ import annotations

import asyncio
import http
import logging
import resource
import time
import uuid
from collections.abc import Callable
from typing import Any

from uvicorn import Config
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol
from uvicorn.server import ServerState

from userpools.domain.errors import (
    DomainError,
    HeaderTooLarge,
    RequestTimeout,
    ServiceUnavailable,
)
from userpools.protocol.codec import encode_error
from userpools.settings import EdgeLimits

log = logging.getLogger("userpools.edge")

#: Seconds between two log lines of one kind of limit hit.
NOTICE_INTERVAL = 10.0
#: Descriptors kept for everything but client connections: the listening socket, the
#: database (SQLite files, PostgreSQL's pool), logs, lingering refusals.
DESCRIPTOR_RESERVE = 128

OVER_CAPACITY = "The server is at its connection limit; retry later."
HEADER_TOO_LARGE = "Request header is larger than {limit} bytes"
HEADER_TOO_SLOW = "Request header not received within {seconds:g} s"
BODY_TOO_SLOW = "Request body not received within {seconds:g} s"


def raise_descriptor_limit() -> int:
    """Raise this process's soft ``RLIMIT_NOFILE`` to its hard limit (children inherit it);
    returns the soft limit now in force."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = hard if hard != resource.RLIM_INFINITY else max(soft, 1 << 20)
    if soft != resource.RLIM_INFINITY and soft < target:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
        except (ValueError, OSError):  # e.g. macOS caps it below an infinite hard limit
            return soft
        return target
    return soft


def connection_cap(requested: int, descriptors: int) -> int:
    """The connection cap that leaves :data:`DESCRIPTOR_RESERVE` of ``descriptors`` free:
    connections past the descriptor limit would not be answered at all."""
    if descriptors == resource.RLIM_INFINITY:
        return requested
    return max(1, min(requested, descriptors - DESCRIPTOR_RESERVE))


class EdgeConfig(Config):
    """uvicorn's configuration with :class:`EdgeProtocol` and its limits. ``--workers``
    processes receive it pickled, limits included."""

    def __init__(self, app: Any, limits: EdgeLimits, **options: Any) -> None:
        super().__init__(app, http=EdgeProtocol, ws="none", **options)
        self.limits = limits


class Notices:
    """Rate-limited warnings: the first hit of a kind is logged at once, later ones at most
    once per ``interval``, with the number of hits since the last line."""

    def __init__(
        self, interval: float = NOTICE_INTERVAL, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.interval = interval
        self.clock = clock
        self._last: dict[str, float] = {}
        self._hits: dict[str, int] = {}

    def __call__(self, kind: str, message: str) -> None:
        hits = self._hits.get(kind, 0) + 1
        now = self.clock()
        last = self._last.get(kind)
        if last is not None and now - last < self.interval:
            self._hits[kind] = hits
            return
        self._last[kind] = now
        self._hits[kind] = 0
        since = "" if last is None else f" ({hits} times in the last {now - last:.0f} s)"
        log.warning("%s%s", message, since)


notice = Notices()


def error_response(error: DomainError) -> bytes:
    """``error`` as a whole HTTP/1.1 response that closes the connection."""
    status, headers, body = encode_error(error, str(uuid.uuid4()))
    lines = [f"HTTP/1.1 {status} {http.HTTPStatus(status).phrase}"]
    lines += [f"{name}: {value}" for name, value in headers.items()]
    lines += [f"content-length: {len(body)}", "connection: close", "", ""]
    return "\r\n".join(lines).encode("latin-1") + body


class EdgeProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol under :class:`EdgeLimits`."""

    def __init__(
        self,
        config: Config,
        server_state: ServerState,
        app_state: dict[str, Any],
        _loop: asyncio.AbstractEventLoop | None = None,
    ) -> None:
        super().__init__(config, server_state, app_state, _loop)
        assert isinstance(config, EdgeConfig)
        self.limits = config.limits
        self.socket_transport: asyncio.Transport = None  # type: ignore[assignment]
        self._timer: asyncio.TimerHandle | None = None
        #: Between requests, with the keep-alive timer running.
        self._idle = False
        #: Bytes now arriving belong to a request header; ``_header_bytes`` of it so far.
        self._in_header = True
        self._header_bytes = 0
        #: Whether the request in progress may keep the connection alive.
        self._keep_alive = False
        #: Half-closed, discarding what the client still sends; ``_discarded`` bytes so far.
        self.lingering = False
        self._discarded = 0

    # the connection ----------------------------------------------------------------------

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        self.socket_transport = transport
        super().connection_made(_EdgeTransport(transport, self))
        cap = self.limits.max_connections
        if len(self.connections) > cap:
            notice("connections", f"connection limit reached ({cap} open): answering 503")
            self.socket_transport.write(error_response(ServiceUnavailable(OVER_CAPACITY)))
            self._linger()
            return
        self._arm(self.limits.header_timeout, self._header_timed_out)

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def close(self) -> None:
        """Close, lingering if the client may still be sending (part of a request is in)."""
        if self.lingering or self.socket_transport.is_closing():
            self.socket_transport.close()
        elif self._in_header and self._header_bytes == 0:
            self._disarm()
            self.socket_transport.close()
        else:
            self._linger()

    def _linger(self) -> None:
        self.lingering = True
        self._disarm()
        transport = self.socket_transport
        transport.resume_reading()  # flow control may have paused it mid-body
        if transport.can_write_eof():
            transport.write_eof()  # after the answer: the client sees its end
        self._arm(self.limits.linger_timeout, transport.close)

    def _answer(self, error: DomainError) -> None:
        """Answer ``error`` and close (no lingering: this client is slow, not early)."""
        self.socket_transport.write(error_response(error))
        self.socket_transport.close()

    # timers ------------------------------------------------------------------------------

    def _arm(self, seconds: float, callback: Callable[[], None]) -> None:
        self._disarm()
        self._timer = self.loop.call_later(seconds, callback)

    def _disarm(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    def _header_timed_out(self) -> None:
        self._timer = None
        seconds = self.limits.header_timeout
        if self._header_bytes == 0:
            notice("idle", f"closing connections that sent no request within {seconds:g} s")
            self.socket_transport.close()
            return
        notice("header-timeout", f"request header not complete within {seconds:g} s: 408")
        self._answer(RequestTimeout(HEADER_TOO_SLOW.format(seconds=seconds)))

    def _body_timed_out(self) -> None:
        self._timer = None
        seconds = self.limits.body_timeout
        notice("body-timeout", f"request body not complete within {seconds:g} s: 408")
        if self.cycle.response_started:  # the application answered already
            self.socket_transport.close()
            return
        self._answer(RequestTimeout(BODY_TOO_SLOW.format(seconds=seconds)))

    def _idle_timed_out(self) -> None:
        self._timer = None
        self.socket_transport.close()

    # bytes in ----------------------------------------------------------------------------

    def data_received(self, data: bytes) -> None:
        if self.lingering:
            self._discarded += len(data)
            if self._discarded > self.limits.linger_bytes:
                self.socket_transport.close()
            return
        if self.socket_transport.is_closing():
            return
        if self._idle:
            self._idle = False
            self._arm(self.limits.header_timeout, self._header_timed_out)
        if not self._in_header:
            super().data_received(data)
            return
        room = self.limits.max_header_bytes - self._header_bytes
        if len(data) <= room:
            self._header_bytes += len(data)
            super().data_received(data)
            return
        # Feed the parser only up to the cap: if the header ends there, the rest is body
        # or the next request; if not, the header is too large and is parsed no further.
        self._header_bytes = self.limits.max_header_bytes
        super().data_received(data[:room])
        if self.lingering or self.socket_transport.is_closing():
            return
        if self._in_header:
            limit = self.limits.max_header_bytes
            notice("header-size", f"request header over {limit} bytes: 431")
            self.socket_transport.write(
                error_response(HeaderTooLarge(HEADER_TOO_LARGE.format(limit=limit)))
            )
            self._linger()
            return
        self.data_received(data[room:])

    # parser and request cycle callbacks --------------------------------------------------

    def on_headers_complete(self) -> None:
        self._in_header = False
        super().on_headers_complete()
        # An answer given before the end of the body (413) closes the connection and says
        # so (``Connection: close``); the close lingers. Restored once the body is in.
        self._keep_alive = self.cycle.keep_alive
        self.cycle.keep_alive = False
        self._arm(self.limits.body_timeout, self._body_timed_out)

    def on_message_complete(self) -> None:
        super().on_message_complete()
        self.cycle.keep_alive = self._keep_alive
        self._disarm()  # the application's turn: not timed
        self._in_header = True
        self._header_bytes = 0

    def shutdown(self) -> None:
        self._keep_alive = False  # a request still arriving must not restore keep-alive
        super().shutdown()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if self.socket_transport.is_closing() or self.lingering:
            return
        # uvicorn armed its keep-alive timer unless it started a pipelined request.
        if self.timeout_keep_alive_task is None:
            return
        self._unset_keepalive_if_required()
        if self._header_bytes:  # the next request has begun
            self._arm(self.limits.header_timeout, self._header_timed_out)
        else:
            self._idle = True
            self._arm(self.limits.keepalive_timeout, self._idle_timed_out)


class _EdgeTransport(asyncio.Transport):
    """The socket's transport as uvicorn sees it: :meth:`close` goes through
    :meth:`EdgeProtocol.close` (lingering when needed), and nothing is written once the
    edge lingers (the connection is half-closed)."""

    def __init__(self, transport: asyncio.Transport, protocol: EdgeProtocol) -> None:
        super().__init__()
        self._transport = transport
        self._protocol = protocol

    def close(self) -> None:
        self._protocol.close()

    def is_closing(self) -> bool:
        return self._protocol.lingering or self._transport.is_closing()

    def write(self, data: bytes | bytearray | memoryview) -> None:
        if not self._protocol.lingering:
            self._transport.write(data)

    def get_extra_info(self, name: str, default: Any = None) -> Any:
        return self._transport.get_extra_info(name, default)

    def pause_reading(self) -> None:
        if not self._protocol.lingering:
            self._transport.pause_reading()

    def resume_reading(self) -> None:
        self._transport.resume_reading()

    def is_reading(self) -> bool:
        return self._transport.is_reading()

    def set_protocol(self, protocol: asyncio.BaseProtocol) -> None:
        self._transport.set_protocol(protocol)

    def get_protocol(self) -> asyncio.BaseProtocol:
        return self._transport.get_protocol()

    def abort(self) -> None:
        self._transport.abort()

    def get_write_buffer_size(self) -> int:
        return self._transport.get_write_buffer_size()
