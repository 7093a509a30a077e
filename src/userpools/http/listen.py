"""The listening socket that uvicorn serves on."""

from __future__ import annotations

import socket


def listening_socket(host: str, port: int) -> socket.socket:
    """A bound, listening TCP socket; ``port`` 0 picks a free one.

    The protocol is given explicitly (``IPPROTO_TCP``): asyncio only turns on
    ``TCP_NODELAY`` for accepted sockets whose protocol says TCP, and without it every
    keep-alive response waits ~40 ms for a delayed ACK (Nagle's algorithm).
    """
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        sock.bind((host, port))
        # Listen now, not when uvicorn starts: once the banner is printed, connections queue
        # even while worker processes are still starting.
        sock.listen(2048)
    except OSError:
        sock.close()
        raise
    return sock
