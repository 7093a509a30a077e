"""The HTTP edge of `userpools serve` (issue 10, items 1, 2 and 8), over real sockets.

- Past the connection cap a new client gets 503 ``ServiceUnavailable``, also when the cap
  comes from a low descriptor limit; before, the idle connections took every descriptor and
  new clients were dropped unanswered.
- An idle connection, a slow header and a body shorter than declared are closed after their
  timeouts (408 where a request was begun); before, they were held forever.
- A 64 MB header gets 431 without being buffered, while an unrelated call goes on; before, it
  was parsed whole (seconds of the event loop) and answered 200.
- A client that sends a whole 20 MB body with ``Connection: close`` reads the 413; before, it
  got "Connection reset by peer".
- ``--workers`` applies the same limits.

Time and memory figures are printed (``-s``), never asserted; `benchmarks/edge.py` measures
the issue's cases at full size.
"""

from __future__ import annotations

import contextlib
import json
import logging
import resource
import select
import socket
import threading
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from .nodes import Node, Nodes, attempt

TARGET = "AWSCognitoIdentityProviderService."
MB = 1_000_000


def nofile(soft: int, hard: int) -> Callable[[], None]:
    """A ``preexec_fn`` giving the server process this descriptor limit."""

    def apply() -> None:
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))

    return apply


def connect(node: Node) -> socket.socket:
    url = urlsplit(node.endpoint_url)
    assert url.hostname and url.port
    return socket.create_connection((url.hostname, url.port), timeout=30)


def read_response(sock: socket.socket, timeout: float = 60) -> tuple[int, dict[str, str], bytes]:
    """One HTTP response: status, headers (lower-cased names) and body."""
    sock.settimeout(timeout)
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            raise AssertionError(f"the connection closed before a response: {data!r}")
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    status_line, *fields = head.decode("latin-1").split("\r\n")
    headers = {}
    for field in fields:
        name, _, value = field.partition(":")
        headers[name.strip().lower()] = value.strip()
    length = int(headers.get("content-length", "0"))
    while len(body) < length:
        chunk = sock.recv(65536)
        if not chunk:
            break
        body += chunk
    return int(status_line.split()[1]), headers, body[:length]


def error_type(body: bytes) -> str:
    return str(json.loads(body)["__type"])


def closed_within(sock: socket.socket, timeout: float) -> bool:
    """Whether the server closes ``sock`` (EOF or reset) within ``timeout`` seconds."""
    sock.settimeout(timeout)
    try:
        while sock.recv(65536):
            pass
    except TimeoutError:
        return False
    except ConnectionResetError:
        return True
    return True


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmRSS")


def api_request(target: str, length: int, connection: str) -> bytes:
    return (
        f"POST / HTTP/1.1\r\nHost: x\r\nX-Amz-Target: {TARGET}{target}\r\n"
        "Content-Type: application/x-amz-json-1.1\r\n"
        f"Content-Length: {length}\r\nConnection: {connection}\r\n\r\n"
    ).encode()


def test_edge_past_the_descriptor_limit_new_clients_get_503(nodes: Nodes, tmp_path: Path) -> None:
    """256 descriptors: the cap is lowered to fit (256 - 128 kept for the rest); 300 idle
    connections take 128 places, every other one reads a 503, and so does a new client."""
    node = nodes.start(db=tmp_path / "db.sqlite", preexec_fn=nofile(256, 256))
    idle: list[socket.socket] = []
    refused = unanswered = 0
    try:
        for batch in range(16):  # in batches, closing each refused one as a client would
            if batch < 15:
                idle += [connect(node) for _ in range(20)]
            time.sleep(0.3)
            for sock in select.select(idle, [], [], 0)[0]:
                try:
                    head = sock.recv(65536)
                except ConnectionResetError:
                    head = b""
                if head.startswith(b"HTTP/1.1 503 "):
                    refused += 1
                else:
                    unanswered += 1
                idle.remove(sock)
                sock.close()
        api = node.client(connect_timeout=5, read_timeout=30)
        outcome = attempt(lambda: api.list_user_pools(MaxResults=1))
        print(f"\nidle held: {len(idle)}, answered 503: {refused}, dropped: {unanswered}")
        assert (outcome.code, outcome.status) == ("ServiceUnavailable", 503), outcome
        assert unanswered == 0
        assert 120 <= len(idle) <= 128
        assert "--max-connections 1000 lowered to 128" in node.output()
        assert "userpools.edge connection limit reached (128 open)" in node.output()
    finally:
        for sock in idle:
            sock.close()


def test_edge_idle_slow_and_short_requests_are_closed(nodes: Nodes, tmp_path: Path) -> None:
    """A silent connection, a kept-alive one, a header dripped byte by byte and a body that
    stops short are each closed after their timeout; a begun request is answered 408."""
    timeouts = ["--header-timeout", "1", "--body-timeout", "1", "--keepalive-timeout", "1"]
    node = nodes.start(db=tmp_path / "db.sqlite", extra=timeouts)
    silent, kept_alive, dripping, short = (connect(node) for _ in range(4))
    try:
        kept_alive.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n")
        assert read_response(kept_alive)[0] == 200
        short.sendall(api_request("ListUserPools", 1000, "keep-alive") + b'{"MaxResults"')
        started = time.monotonic()
        answer = b""
        for byte in b"GET /health HTTP/1.1\r\nHost: x\r\nX-Slow: abcdefghij\r\n\r\n":
            try:
                dripping.sendall(bytes([byte]))
            except (BrokenPipeError, ConnectionResetError):
                break
            if select.select([dripping], [], [], 0.2)[0]:
                answer = dripping.recv(65536)
                break
        print(f"\nthe dripped header was answered after {time.monotonic() - started:.1f} s")
        assert answer.startswith(b"HTTP/1.1 408 "), answer
        assert b'"RequestTimeout"' in answer
        status, _, body = read_response(short, timeout=10)
        assert (status, error_type(body)) == (408, "RequestTimeout")
        assert json.loads(body)["message"] == "Request body not received within 1 s"
        for sock in (silent, kept_alive, dripping, short):
            assert closed_within(sock, 10)
        assert "request body not complete within 1 s: 408" in node.output()
    finally:
        for sock in (silent, kept_alive, dripping, short):
            sock.close()


def test_edge_64mb_header_gets_431_and_others_go_on(nodes: Nodes, tmp_path: Path) -> None:
    """The header is refused at 64 KiB, before it is buffered; the rest of it is read and
    discarded, so the client reads the 431. An unrelated call's latency is printed."""
    node = nodes.start(db=tmp_path / "db.sqlite")
    api = node.client()
    api.list_user_pools(MaxResults=1)
    pid = node.process.pid
    rss_before = rss_mb(pid)
    sock = connect(node)
    request = b"GET /health HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * (64 * MB) + b"\r\n\r\n"
    sent: list[BaseException] = []

    def send() -> None:
        try:
            sock.sendall(request)
        except OSError as exc:  # the server may close once it has discarded enough
            sent.append(exc)

    sender = threading.Thread(target=send)
    started = time.monotonic()
    sender.start()
    answer: list[tuple[int, dict[str, str], bytes]] = []
    reader = threading.Thread(target=lambda: answer.append(read_response(sock, timeout=120)))
    reader.start()
    latencies = []
    try:
        while reader.is_alive() or not latencies:
            call = time.monotonic()
            api.list_user_pools(MaxResults=1)
            latencies.append(time.monotonic() - call)
        reader.join()
        answered = time.monotonic() - started
        sender.join(120)
        print(
            f"\n64 MB header answered in {answered:.2f} s; unrelated calls meanwhile: "
            f"{len(latencies)}, max {max(latencies) * 1000:.0f} ms; server RSS "
            f"{rss_before:.0f} -> {rss_mb(pid):.0f} MB"
        )
        assert answer, "no response"
        status, _, body = answer[0]
        assert status == 431, (status, body[:200])
        assert error_type(body) == "RequestHeaderFieldsTooLarge"
        assert json.loads(body)["message"] == "Request header is larger than 65536 bytes"
    finally:
        sock.close()


def test_edge_unfinished_huge_headers_are_not_buffered(nodes: Nodes, tmp_path: Path) -> None:
    """8 connections each send 32 MB of a header that never ends: the server's memory does
    not grow by what they sent (before: 68 -> 388 MB of RSS)."""
    node = nodes.start(db=tmp_path / "db.sqlite")
    node.client().list_user_pools(MaxResults=1)
    pid = node.process.pid
    before = rss_mb(pid)
    socks = [connect(node) for _ in range(8)]
    chunk = b"GET /health HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * (32 * MB)

    def send(sock: socket.socket) -> None:
        with contextlib.suppress(OSError):  # the server closes once it has discarded enough
            sock.sendall(chunk)

    senders = [threading.Thread(target=send, args=(sock,)) for sock in socks]
    try:
        for sender in senders:
            sender.start()
        for sender in senders:
            sender.join(120)
        time.sleep(0.5)  # let the server take in what was sent
        after = rss_mb(pid)
        print(f"\nRSS with 8 unfinished 32 MB headers: {before:.0f} -> {after:.0f} MB")
        assert after - before < 64, (before, after)
    finally:
        for sock in socks:
            sock.close()


def whole_body_answer(
    node: Node, size: int, connection: str = "close"
) -> tuple[int, dict[str, str], bytes]:
    """Send a request with a whole ``size``-byte body, as a simple client does, then read
    the answer."""
    sock = connect(node)
    try:
        sock.sendall(api_request("CreateUserPool", size, connection) + b"x" * size)
        return read_response(sock)
    finally:
        sock.close()


@pytest.mark.parametrize("connection", ["close", "keep-alive"])
def test_edge_whole_oversized_body_reads_413(nodes: Nodes, tmp_path: Path, connection: str) -> None:
    """The answer comes before the body is read; the rest is discarded, and the answer says
    that the connection closes (it is not reused mid-body)."""
    node = nodes.start(db=tmp_path / "db.sqlite")
    status, headers, body = whole_body_answer(node, 20 * MB, connection)
    assert (status, error_type(body)) == (413, "SerializationException")
    assert headers.get("connection") == "close"


def test_edge_limits_apply_to_every_worker(nodes: Nodes, tmp_path: Path) -> None:
    """With --workers 2, wherever a connection lands: a 100 KiB header gets 431, and a whole
    20 MB body reads its 413."""
    node = nodes.start(db=tmp_path / "db.sqlite", workers=2)
    for _ in range(4):
        sock = connect(node)
        try:
            sock.sendall(b"GET /health HTTP/1.1\r\nX-Big: " + b"a" * 100_000 + b"\r\n\r\n")
            assert read_response(sock)[0] == 431
        finally:
            sock.close()
        assert whole_body_answer(node, 20 * MB)[0] == 413


def test_edge_serve_raises_the_descriptor_soft_limit(nodes: Nodes, tmp_path: Path) -> None:
    node = nodes.start(db=tmp_path / "db.sqlite", preexec_fn=nofile(256, 4096))
    limits = Path(f"/proc/{node.process.pid}/limits").read_text()
    (line,) = [line for line in limits.splitlines() if line.startswith("Max open files")]
    assert line.split()[3:5] == ["4096", "4096"], line
    assert "connections: at most 1000 per process" in node.output()


def test_edge_notices_are_rate_limited(caplog: pytest.LogCaptureFixture) -> None:
    """The first hit of a kind is logged at once; later ones once per interval, counted."""
    from userpools.http.edge import Notices

    now = [100.0]
    notice = Notices(interval=10, clock=lambda: now[0])
    with caplog.at_level(logging.WARNING, logger="userpools.edge"):
        for second in range(25):
            now[0] = 100.0 + second
            notice("header-size", "request header over 65536 bytes: 431")
        notice("connections", "connection limit reached (5 open): answering 503")
    assert [r.getMessage() for r in caplog.records] == [
        "request header over 65536 bytes: 431",
        "request header over 65536 bytes: 431 (10 times in the last 10 s)",
        "request header over 65536 bytes: 431 (10 times in the last 10 s)",
        "connection limit reached (5 open): answering 503",
    ]
