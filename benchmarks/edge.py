"""The HTTP edge under idle, slow and oversized clients: issue 10's figures, reproduced.

Each case gets a fresh ``userpools serve`` (SQLite, one process) on a loopback port:

* **idle**: ``--idle`` (2,200) connections that never send a byte, with the server's soft
  descriptor limit at ``--nofile`` (1,024, a common default; the hard limit is left as it
  is). How many were held, answered 503 or dropped; whether a new client's call goes
  through meanwhile; how many the server closed ``--wait`` seconds later; a call after.
* **64 MB header**: one ``GET /health`` whose header is 64 MB. Its answer and how long it
  took; the latencies of an unrelated call made in a loop meanwhile; the server's RSS.
* **8 x 32 MB unfinished headers**: 8 connections each send 32 MB of a header that never
  ends; the server's RSS before and after.
* **20 MB body**: a whole 20 MB body sent with ``Connection: close``, then the answer read,
  as a simple client does: the status, or the error the client got.

``--src DIR`` serves another checkout's ``src`` (for a before/after comparison, e.g. a
worktree of ``main``). Results are printed and written as JSON to ``benchmarks/results/``.

    .venv/bin/python benchmarks/edge.py
    .venv/bin/python benchmarks/edge.py --src /tmp/edge-old/src   # the code before
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import resource
import select
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from _servers import Server, free_port, make_client, memory_mb, stop, userpools_command, wait_ready

RESULTS_DIR = Path(__file__).resolve().parent / "results"
MB = 1_000_000


@contextlib.contextmanager
def serving(args: argparse.Namespace, tmp: Path, name: str, nofile: int = 0) -> Iterator[Server]:
    """``userpools serve`` from ``args.src``; ``nofile``: its soft descriptor limit."""
    port = free_port()
    command = [*userpools_command(port), "--db", str(tmp / f"{name}.db"), "--log-level", "warning"]
    env = {**os.environ, "PYTHONPATH": str(args.src)}

    def limit() -> None:
        if nofile:
            hard = resource.getrlimit(resource.RLIMIT_NOFILE)[1]
            resource.setrlimit(resource.RLIMIT_NOFILE, (nofile, hard))

    log = tmp / f"{name}.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            command, stdout=out, stderr=subprocess.STDOUT, env=env, preexec_fn=limit
        )
    server = Server(name, f"http://127.0.0.1:{port}", process, log)
    try:
        wait_ready(server)
        yield server
    finally:
        stop(process)


def connect(server: Server) -> socket.socket:
    host, port = server.endpoint.removeprefix("http://").split(":")
    return socket.create_connection((host, int(port)), timeout=30)


def call(server: Server, timeout: float = 20) -> tuple[str, float]:
    """One ListUserPools call, no retry: ("ok" or what went wrong, seconds)."""
    client = make_client(server.endpoint, connect_timeout=timeout, read_timeout=timeout)
    started = time.monotonic()
    try:
        client.list_user_pools(MaxResults=1)
        outcome = "ok"
    except Exception as exc:  # any failure is a figure here
        code = (getattr(exc, "response", None) or {}).get("Error", {}).get("Code")
        outcome = code or type(exc).__name__
    return outcome, time.monotonic() - started


def status_of(sock: socket.socket, timeout: float) -> str:
    """The status code the server answers on ``sock``, or what happened instead."""
    sock.settimeout(timeout)
    data = b""
    try:
        while b"\r\n" not in data:
            chunk = sock.recv(65536)
            if not chunk:
                return "closed" if not data else repr(data[:40])
            data += chunk
    except TimeoutError:
        return "no answer"
    except OSError as exc:
        return type(exc).__name__
    return data.split(b" ", 2)[1].decode()


def readable(socks: list[socket.socket], timeout: float = 0) -> list[socket.socket]:
    """The sockets with something to read (data, EOF or a reset); poll, not select: these
    descriptors go past select's 1,024."""
    poller = select.poll()
    by_fd = {sock.fileno(): sock for sock in socks}
    for fd in by_fd:
        poller.register(fd, select.POLLIN)
    return [by_fd[fd] for fd, _ in poller.poll(timeout * 1000)]


def send_quietly(sock: socket.socket, data: bytes) -> None:
    """Send ``data``; the server may close before it has all of it (after answering)."""
    with contextlib.suppress(OSError):
        sock.sendall(data)


def rss(server: Server) -> float:
    return memory_mb(server.pid)[0]


def idle_case(args: argparse.Namespace, tmp: Path) -> dict[str, Any]:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))  # this process holds them all
    with serving(args, tmp, "idle", nofile=args.nofile) as server:
        socks = []
        for _ in range(args.idle):
            with contextlib.suppress(OSError):
                socks.append(connect(server))
        time.sleep(1)
        answered: dict[str, int] = {}
        answering = set(readable(socks))
        for sock in answering:
            answer = status_of(sock, 1)
            answered[answer] = answered.get(answer, 0) + 1
        held = [sock for sock in socks if sock not in answering]
        during = call(server)
        time.sleep(args.wait)
        closed = len(readable(held))
        after = call(server)
        for sock in socks:
            sock.close()
    resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))
    return {
        "connections": args.idle,
        "server_soft_nofile": args.nofile,
        "held_open": len(held),
        "answered_at_once": answered,
        "new_call_meanwhile": during[0],
        "new_call_meanwhile_s": round(during[1], 3),
        f"held_closed_by_server_after_{args.wait:g}_s": closed,
        "new_call_after": after[0],
    }


def header_case(args: argparse.Namespace, tmp: Path) -> dict[str, Any]:
    with serving(args, tmp, "header") as server:
        call(server)
        baseline = [call(server)[1] for _ in range(20)]
        rss_before = rss(server)
        sock = connect(server)
        request = b"GET /health HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * args.header_mb * MB
        request += b"\r\n\r\n"
        sender = threading.Thread(target=send_quietly, args=(sock, request), daemon=True)
        answer: list[str] = []
        started = time.monotonic()
        sender.start()
        reader = threading.Thread(target=lambda: answer.append(status_of(sock, 300)))
        reader.start()
        latencies: list[float] = []
        outcomes: set[str] = set()
        while reader.is_alive() or not latencies:
            outcome, seconds = call(server, timeout=60)
            outcomes.add(outcome)
            latencies.append(seconds)
        reader.join()
        answered = time.monotonic() - started
        peak = memory_mb(server.pid)[1]
        result = {
            "header_mb": args.header_mb,
            "answer": answer[0],
            "answered_after_s": round(answered, 2),
            "unrelated_calls": len(latencies),
            "unrelated_outcomes": sorted(outcomes),
            "unrelated_median_ms": round(statistics.median(latencies) * 1000, 1),
            "unrelated_max_ms": round(max(latencies) * 1000, 1),
            "unrelated_baseline_median_ms": round(statistics.median(baseline) * 1000, 1),
            "rss_before_mb": round(rss_before, 1),
            "rss_after_mb": round(rss(server), 1),
            "rss_peak_mb": round(peak, 1),
        }
        sock.close()
        sender.join(60)
    return result


def unfinished_case(args: argparse.Namespace, tmp: Path) -> dict[str, Any]:
    with serving(args, tmp, "unfinished") as server:
        call(server)
        before = rss(server)
        socks = [connect(server) for _ in range(8)]
        chunk = b"GET /health HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 32 * MB
        started = time.monotonic()
        senders = [threading.Thread(target=send_quietly, args=(s, chunk)) for s in socks]
        for sender in senders:
            sender.start()
        for sender in senders:
            sender.join(300)
        sent = time.monotonic() - started
        time.sleep(2)
        after, peak = memory_mb(server.pid)
        during = call(server)
        for sock in socks:
            sock.close()
    return {
        "rss_before_mb": round(before, 1),
        "rss_after_mb": round(after, 1),
        "rss_peak_mb": round(peak, 1),
        "sent_in_s": round(sent, 2),
        "new_call_meanwhile": during[0],
    }


def body_case(args: argparse.Namespace, tmp: Path) -> dict[str, Any]:
    with serving(args, tmp, "body") as server:
        results: dict[str, int] = {}
        for _ in range(args.rounds):
            sock = connect(server)
            head = (
                "POST / HTTP/1.1\r\nHost: x\r\n"
                "X-Amz-Target: AWSCognitoIdentityProviderService.CreateUserPool\r\n"
                "Content-Type: application/x-amz-json-1.1\r\n"
                f"Content-Length: {20 * MB}\r\nConnection: close\r\n\r\n"
            ).encode()
            try:
                sock.sendall(head + b"x" * 20 * MB)
                outcome = status_of(sock, 30)
            except OSError as exc:
                outcome = type(exc).__name__
            finally:
                sock.close()
            results[outcome] = results.get(outcome, 0) + 1
    return {"rounds": args.rounds, "outcomes": results}


CASES: dict[str, Callable[[argparse.Namespace, Path], dict[str, Any]]] = {
    "idle": idle_case,
    "header": header_case,
    "unfinished": unfinished_case,
    "body": body_case,
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    default_src = Path(__file__).resolve().parent.parent / "src"
    parser.add_argument("--src", type=Path, default=default_src, help="the server's source")
    parser.add_argument("--cases", nargs="+", choices=list(CASES), default=list(CASES))
    parser.add_argument("--idle", type=int, default=2200, help="idle connections")
    parser.add_argument("--nofile", type=int, default=1024, help="server's soft fd limit")
    parser.add_argument("--wait", type=float, default=15, help="seconds to wait for closes")
    parser.add_argument("--header-mb", type=int, default=64, help="size of the big header")
    parser.add_argument("--rounds", type=int, default=5, help="20 MB bodies sent")
    args = parser.parse_args()
    results: dict[str, Any] = {"src": str(args.src)}
    with tempfile.TemporaryDirectory(prefix="userpools-edge-") as tmp:
        for name in args.cases:
            print(f"{name} …", file=sys.stderr, flush=True)
            results[name] = CASES[name](args, Path(tmp))
            print(json.dumps({name: results[name]}, indent=2), flush=True)
    RESULTS_DIR.mkdir(exist_ok=True)
    out = RESULTS_DIR / f"edge-{time.strftime('%Y%m%d-%H%M%S')}.json"
    out.write_text(json.dumps(results, indent=2))
    print(f"written to {out}", file=sys.stderr)


if __name__ == "__main__":
    main()
