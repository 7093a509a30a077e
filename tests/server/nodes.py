"""Shared by the server suites: `userpools serve` subprocesses, racing calls, database checks.

A node's output goes to a log file, never to a pipe: a pipe nobody reads fills up after
64 KiB of access-log lines and then blocks the server.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import boto3
import psycopg
from botocore.config import Config
from botocore.exceptions import ClientError

USERPOOLS = Path(sys.executable).with_name("userpools")

#: What a client must never be shown: a lost race inside the server leaking out.
LEAKS = ("database is locked", "40001", "40P01", "serializ", "deadlock")

#: Memberships whose group or user no longer exists.
ORPHANS = (
    "SELECT count(*) FROM memberships m LEFT JOIN groups g ON g.id = m.group_id"
    " LEFT JOIN users u ON u.id = m.user_id WHERE g.id IS NULL OR u.id IS NULL"
)


def client(endpoint_url: str, *, attempts: int = 1, **config: Any) -> Any:
    """A boto3 cognito-idp client making at most ``attempts`` attempts per call.

    ``attempts=1``: no retry, every error reaches the test. (botocore's ``max_attempts``
    counts retries, not attempts: ``{"max_attempts": 1}`` retries once.)
    """
    retries = {"total_max_attempts": attempts, "mode": "standard"}
    return boto3.client(
        "cognito-idp",
        endpoint_url=endpoint_url,
        region_name="us-east-1",
        aws_access_key_id="x",
        aws_secret_access_key="x",
        config=Config(retries=retries, **config),
    )


# outcomes --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    """How one API call ended: ``code`` is ``None`` on success."""

    code: str | None
    status: int
    message: str = ""
    response: Any = None

    @property
    def ok(self) -> bool:
        return self.code is None


def attempt(call: Callable[[], Any]) -> Outcome:
    """Run one API call; an error answer becomes an ``Outcome`` instead of raising."""
    try:
        response = call()
    except ClientError as exc:
        error = exc.response.get("Error", {})
        status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0)
        return Outcome(error.get("Code", "?"), status, error.get("Message", ""))
    return Outcome(None, 200, response=response)


def check(outcomes: Iterable[Outcome], allowed: Iterable[str], what: str) -> None:
    """Every failure is a 4xx with an allowed code, and none leaks a lost race."""
    allowed = set(allowed)
    bad = [
        o
        for o in outcomes
        if not o.ok
        and (
            o.code not in allowed
            or o.status >= 500
            or any(leak in o.message.lower() for leak in LEAKS)
        )
    ]
    assert not bad, f"{what}: {len(bad)} unexpected answers, first {bad[:3]}"


def fire(executor: ThreadPoolExecutor, calls: Sequence[Callable[[], Any]]) -> list[Outcome]:
    """Run the calls at the same moment, one thread each, released together by a barrier.

    ``executor`` needs a free thread per call, or the barrier times out (BrokenBarrierError).
    """
    barrier = threading.Barrier(len(calls))

    def run(call: Callable[[], Any]) -> Outcome:
        barrier.wait(timeout=30)
        return attempt(call)

    futures = [executor.submit(run, call) for call in calls]
    return [future.result(timeout=60) for future in futures]


def together(executor: ThreadPoolExecutor, calls: Iterable[Callable[[], Any]]) -> list[Any]:
    """Run independent calls concurrently (no barrier) and return their results in order."""
    futures = [executor.submit(call) for call in calls]
    return [future.result(timeout=60) for future in futures]


def all_pages(api: Any, operation: str, key: str, page_size: int = 0, **params: Any) -> list[Any]:
    """Every item of a paginated listing, through boto3's paginator (it knows the token)."""
    config = {"PageSize": page_size} if page_size else {}
    pages = api.get_paginator(operation).paginate(**params, PaginationConfig=config)
    return [item for page in pages for item in page[key]]


# the database ----------------------------------------------------------------------------


def fresh_step() -> float:
    """Now, at least 10 s before the current 30-second TOTP step ends (waiting for the next
    step when it is later than that): nodes keep real time, so a test that computes TOTP codes
    for them (pyotp) starts early in a step and ends within it."""
    into = time.time() % 30
    if into > 20:
        time.sleep(30 - into + 0.2)
    return time.time()


def make_user(api: Any, pool_id: str, username: str) -> None:
    api.admin_create_user(UserPoolId=pool_id, Username=username, MessageAction="SUPPRESS")


def group_names(api: Any, pool_id: str, username: str) -> list[str]:
    groups = all_pages(
        api, "admin_list_groups_for_user", "Groups", UserPoolId=pool_id, Username=username
    )
    return [g["GroupName"] for g in groups]


def orphan_memberships(db_path: Path | None, database_url: str | None) -> int:
    """Memberships whose group or user is gone, counted straight in the database."""
    if database_url:
        with psycopg.connect(database_url) as conn:
            row = conn.execute(ORPHANS).fetchone()
    else:
        assert db_path is not None
        conn3 = sqlite3.connect(db_path, timeout=30)
        try:
            row = conn3.execute(ORPHANS).fetchone()
        finally:
            conn3.close()
    assert row is not None
    return int(row[0])


# `userpools serve` -----------------------------------------------------------------------


class Node:
    """One ``userpools serve`` subprocess (with its workers) on a free port.

    It runs in a session of its own, so ``kill`` reaches its worker processes too.
    """

    def __init__(
        self,
        log: Path,
        *args: str,
        workers: int = 1,
        preexec_fn: Callable[[], None] | None = None,
    ) -> None:
        self.log = log
        #: Workers to wait for ("Started server process" lines, logged at info level).
        self.workers = workers
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        with open(log, "wb") as out:
            self.process = subprocess.Popen(
                [str(USERPOOLS), "serve", "--port", "0", *args],
                stdout=out,
                stderr=subprocess.STDOUT,
                env=env,
                start_new_session=True,
                preexec_fn=preexec_fn,
            )
        self.endpoint_url = ""

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def wait_banner(self, timeout: float = 30) -> Node:
        """Wait for the banner only (the endpoint is known, maybe not yet served)."""
        deadline = time.monotonic() + timeout
        while "\ntry:" not in (text := self.output()):
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(f"no banner:\n{text}")
            time.sleep(0.005)
        match = re.search(r"serving cognito-idp at (http://\S+)", text)
        assert match, text
        self.endpoint_url = match.group(1)
        return self

    def wait_ready(self, timeout: float = 30) -> Node:
        """Wait for the banner, for every worker (``--workers``), and for the port.

        The banner is printed before the workers start; a worker that is still starting
        would leave every (kept-alive) connection to the others.
        """
        deadline = time.monotonic() + timeout
        self.wait_banner(timeout)
        while self.workers > 1 and self.output().count("Started server process") < self.workers:
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(f"the workers did not start:\n{self.output()}")
            time.sleep(0.02)
        self.wait_listening(deadline - time.monotonic())
        return self

    def accepts_connections(self) -> bool:
        """Whether a TCP connection to the endpoint is accepted (or queued) right now."""
        host, port = urlsplit(self.endpoint_url).hostname, urlsplit(self.endpoint_url).port
        try:
            socket.create_connection((host, port), timeout=5).close()
        except ConnectionRefusedError:
            return False
        return True

    def wait_listening(self, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while not self.accepts_connections():
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(f"the port never accepted a connection:\n{self.output()}")
            time.sleep(0.02)

    def client(self, *, attempts: int = 1, **config: Any) -> Any:
        assert self.endpoint_url, "wait_ready() first"
        return client(self.endpoint_url, attempts=attempts, **config)

    def kill(self, sig: int = signal.SIGKILL, timeout: float = 20) -> None:
        """Send ``sig`` to the node and its workers, and wait for the node to exit."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, sig)
        self.process.wait(timeout=timeout)

    def stop(self) -> None:
        """SIGTERM to the node and its workers, or SIGKILL if they do not stop in time."""
        try:
            self.kill(signal.SIGTERM, timeout=15)
        except subprocess.TimeoutExpired:
            self.kill(signal.SIGKILL)

    def pids_that_served(self) -> set[int]:
        """Process ids in the access log (its format is ``time pid logger message``)."""
        return {
            int(m.group(1))
            for m in re.finditer(r"^\S+ \S+ (\d+) userpools\.access ", self.output(), re.M)
        }


class Nodes:
    """Starts nodes for one test and stops every one of them at teardown."""

    def __init__(self, tmp_path: Path) -> None:
        self._tmp_path = tmp_path
        self.started: list[Node] = []

    def start(
        self,
        *,
        db: Path | None = None,
        database_url: str | None = None,
        workers: int = 1,
        wait: bool = True,
        wait_for_workers: bool = True,
        extra: Sequence[str] = (),
        preexec_fn: Callable[[], None] | None = None,
    ) -> Node:
        """``preexec_fn`` runs in the node's process before ``userpools`` does (e.g. to lower
        its descriptor limit)."""
        args: list[str] = []
        if database_url:
            args += ["--database-url", database_url]
        elif db is not None:
            args += ["--db", str(db)]
        if workers != 1:
            args += ["--workers", str(workers)]
        log = self._tmp_path / f"node-{len(self.started)}.log"
        node = Node(
            log,
            *args,
            *extra,
            workers=workers if wait_for_workers else 1,
            preexec_fn=preexec_fn,
        )
        self.started.append(node)
        return node.wait_ready() if wait else node

    def stop_all(self) -> None:
        for node in self.started:
            node.stop()
