"""Servers and data for the benchmarks: processes, their CPU and memory, and seeding.

Used by ``membership.py`` (run as a script, so this module is imported by its plain name).
"""

from __future__ import annotations

import os
import platform
import re
import shutil
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from importlib.metadata import version
from pathlib import Path
from typing import TYPE_CHECKING, Any

import boto3
from botocore.config import Config

if TYPE_CHECKING:
    from userpools.domain.models import Group, User
    from userpools.domain.store import Store

REGION = "us-east-1"
USERPOOLS_POOL_ID = "us-east-1_Bench0001"
BIG_GROUP = "big"
MULTI_USER = "multi"
SEQ_GROUP = "adds-sequential"
PAR_GROUP = "adds-concurrent"
SEED_BATCH = 10_000

Client = Any  # a boto3 cognito-idp client (boto3 ships no type information)
#: CPU seconds used so far, by process id.
CpuSnapshot = dict[int, float]


def username(i: int) -> str:
    return f"user{i:07d}"


def group_name(i: int) -> str:
    return f"g{i:03d}"


def make_client(endpoint: str, **config: Any) -> Client:
    """A client of its own session: boto3's default session is not thread-safe."""
    return boto3.session.Session().client(
        "cognito-idp",
        endpoint_url=endpoint,
        region_name=REGION,
        aws_access_key_id="bench",
        aws_secret_access_key="bench",
        config=Config(**{"retries": {"max_attempts": 1}, **config}),
    )


def retries_of(response: dict[str, Any]) -> int:
    return int(response.get("ResponseMetadata", {}).get("RetryAttempts", 0))


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def environment(*packages: str) -> dict[str, Any]:
    """The machine and the versions that decide the figures, for the JSON reports."""
    names = ("userpools", "boto3", "botocore", "moto", *packages)
    return {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "sqlite": sqlite3.sqlite_version,
        "versions": {name: version(name) for name in names},
    }


# processes -------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def children(pid: int) -> list[int]:
    """The child processes of ``pid`` (``/proc/<pid>/task/*/children``)."""
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            found += [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            continue  # the thread or the process ended meanwhile
    return found


def process_tree(pid: int) -> list[int]:
    """``pid`` and all of its descendants, parents first."""
    tree, todo = [], [pid]
    while todo:
        current = todo.pop(0)
        tree.append(current)
        todo += children(current)
    return tree


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time of a process so far (``/proc/<pid>/stat``)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def cpu_of(pids: Sequence[int]) -> CpuSnapshot:
    snapshot: CpuSnapshot = {}
    for pid in pids:
        try:
            snapshot[pid] = cpu_seconds(pid)
        except (OSError, IndexError, ValueError):
            continue  # ended meanwhile
    return snapshot


def cpu_used(before: CpuSnapshot, after: CpuSnapshot) -> dict[int, float]:
    """CPU seconds each process used between two snapshots (new processes: all of theirs).

    A process that ended between the snapshots is missing from ``after``; its share is
    lost, which only ever understates the figure.
    """
    return {pid: cpu - before.get(pid, 0.0) for pid, cpu in after.items()}


def machine_cpu() -> tuple[float, float]:
    """(busy, total) CPU time of the whole machine so far, over all CPUs (``/proc/stat``)."""
    fields = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = fields[3] + fields[4]  # idle, iowait
    total = sum(fields[:8])  # user … steal; guest time is already in user
    return total - idle, total


def busy_since(mark: tuple[float, float]) -> float:
    """The share of the machine's CPU time that was busy since ``mark`` (0 to 1)."""
    busy, total = machine_cpu()
    return (busy - mark[0]) / (total - mark[1]) if total > mark[1] else 0.0


def memory_mb(pid: int) -> tuple[float, float]:
    """(VmRSS, VmHWM) of a process, in MB (10^6 bytes)."""
    values: dict[str, float] = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _, rest = line.partition(":")
        if name in ("VmRSS", "VmHWM"):
            values[name] = int(rest.split()[0]) * 1024 / 1e6
    return values["VmRSS"], values["VmHWM"]


def tree_memory_mb(pid: int) -> tuple[float, float]:
    """Sums over the process tree of (VmRSS, VmHWM), in MB; shared pages count once each."""
    rss = peak = 0.0
    for member in process_tree(pid):
        try:
            one, top = memory_mb(member)
        except (OSError, KeyError):
            continue
        rss, peak = rss + one, peak + top
    return rss, peak


# servers ---------------------------------------------------------------------------------


@dataclass
class Server:
    name: str
    endpoint: str
    process: subprocess.Popen[bytes]
    log: Path
    #: CPU of the database server's processes serving this server, if it has any.
    database_cpu: Callable[[], CpuSnapshot] | None = None

    @property
    def pid(self) -> int:
        return self.process.pid

    def cpu(self) -> CpuSnapshot:
        """CPU so far of the server process and of every process below it (its workers)."""
        return cpu_of(process_tree(self.pid))

    def worker_pids(self) -> list[int]:
        """The processes that serve requests: uvicorn's workers (from their start lines in
        the log; not the multiprocessing resource tracker), else the process itself."""
        started = re.findall(
            r"Started server process \[(\d+)\]", self.log.read_text(errors="replace")
        )
        alive = set(children(self.pid))
        workers = [int(pid) for pid in started if int(pid) in alive]
        return workers or [self.pid]

    def log_problems(self) -> int:
        """Lines of the log that report a failed call (a traceback, or retries given up)."""
        text = self.log.read_text(errors="replace")
        return len(re.findall(r"Traceback \(most recent call last\)|gave up after", text))


@contextmanager
def running(
    name: str,
    command: Sequence[str],
    port: int,
    log: Path,
    workers: int = 0,
    env: Mapping[str, str] | None = None,
) -> Iterator[Server]:
    """Start a server, wait until it answers (and ``workers`` workers started), then stop it.

    ``env``: the server's environment (default: this process's).
    """
    with log.open("wb") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, env=env)
    server = Server(name, f"http://127.0.0.1:{port}", process, log)
    try:
        wait_ready(server, workers)
        yield server
    finally:
        stop(process)


def wait_ready(server: Server, workers: int = 0, timeout: float = 120.0) -> None:
    """Wait for an answer, and for uvicorn's start line from each of ``workers`` workers.

    With several workers one of them answers as soon as it is up: waiting for every
    worker keeps another worker's start-up out of the first measurement.
    """
    client = make_client(
        server.endpoint, retries={"max_attempts": 0}, connect_timeout=1, read_timeout=5
    )
    deadline = time.monotonic() + timeout
    answered = False
    while True:
        if server.process.poll() is not None:
            tail = server.log.read_text(errors="replace")[-2000:]
            raise RuntimeError(f"{server.name} exited with {server.process.returncode}:\n{tail}")
        try:
            if not answered:
                client.list_user_pools(MaxResults=1)
                answered = True
            started = server.log.read_text(errors="replace").count("Started server process")
            if started >= workers:
                return
            if time.monotonic() > deadline:
                raise RuntimeError(f"{server.name}: {started} of {workers} workers started")
        except Exception:
            if time.monotonic() > deadline:
                raise
        time.sleep(0.1)


def stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def userpools_command(port: int, *, workers: int = 1) -> list[str]:
    """``userpools serve`` on a loopback port; the caller appends the database option."""
    script = Path(sys.executable).with_name("userpools")
    exe = str(script) if script.exists() else shutil.which("userpools")
    if exe is None:
        raise SystemExit("the userpools command is not installed (use the project's venv)")
    command = [exe, "serve", "--host", "127.0.0.1", "--port", str(port)]
    if workers != 1:
        command += ["--workers", str(workers)]
    return command


def moto_command(port: int) -> list[str]:
    return [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)]


# seeding ---------------------------------------------------------------------------------


def seeded_user(i: int, now: float) -> User:
    """User ``i`` of the benchmarks: confirmed, with an email and a name."""
    from userpools.domain.models import User, UserStatus

    name, sub = username(i), str(uuid.uuid4())
    return User(
        key=0,
        username=name,
        username_key=name,
        sub=sub,
        status=UserStatus.CONFIRMED,
        enabled=True,
        attributes=(("sub", sub), ("email", f"{name}@example.com"), ("name", f"User {i}")),
        mfa_options=(),
        created_at=now,
        updated_at=now,
    )


def seeded_group(name: str, now: float) -> Group:
    from userpools.domain.models import Group

    return Group(0, name, None, None, None, now, now)


def seed_userpools(store: Store, n: int, groups: int, pool_id: str = USERPOOLS_POOL_ID) -> str:
    """Write the pool, N members of BIG_GROUP and one user in G groups through the store.

    The same path for every store (write transactions of SEED_BATCH users each);
    the store is closed afterwards.
    """
    from userpools.domain.models import User, UserStatus
    from userpools.domain.pool_config import PoolConfig
    from userpools.domain.pools import new_config
    from userpools.domain.store import SignInKeys

    config = new_config(PoolConfig())
    keys = SignInKeys()
    now = time.time()

    def multi_user() -> User:
        sub = str(uuid.uuid4())
        attributes = (("sub", sub), ("email", f"{MULTI_USER}@example.com"), ("name", "Multi"))
        return User(
            0, MULTI_USER, MULTI_USER, sub, UserStatus.CONFIRMED, True, attributes, (), now, now
        )

    try:
        with store.transaction(write=True) as tx:
            pool = tx.insert_pool(pool_id, REGION, "bench", config, now)
            big = tx.insert_group(pool, seeded_group(BIG_GROUP, now))
            for name in (SEQ_GROUP, PAR_GROUP):
                tx.insert_group(pool, seeded_group(name, now))
            multi = tx.insert_user(pool, multi_user(), keys)
            for g in range(groups):
                tx.add_member(pool, tx.insert_group(pool, seeded_group(group_name(g), now)), multi)
        for start in range(0, n, SEED_BATCH):
            with store.transaction(write=True) as tx:
                for i in range(start, min(n, start + SEED_BATCH)):
                    tx.add_member(pool, big, tx.insert_user(pool, seeded_user(i, now), keys))
    finally:
        store.close()
    return pool.id


def grow_group(store: Store, start: int, end: int, pool_id: str = USERPOOLS_POOL_ID) -> None:
    """Grow BIG_GROUP, whose pool has no other users, from ``start`` to ``end`` members.

    At ``start == 0`` the pool and the group are made first. The rows are those of
    ``seed_userpools`` and go through the store's transactions, SEED_BATCH users per
    transaction, but each batch is written as one ``executemany`` of the users (the column
    values the store's ``insert_user`` would write) and one ``INSERT … SELECT`` of their
    memberships: about 2.5x faster on SQLite and 10x on PostgreSQL (whose driver pipelines
    the batch) than a statement per row, which matters at a million users. Where the store
    lacks the internals this needs, it falls back to ``insert_user`` and ``add_member``.
    The store stays open.
    """
    from userpools.domain.pool_config import PoolConfig
    from userpools.domain.pools import new_config
    from userpools.domain.store import SignInKeys

    keys, now = SignInKeys(), time.time()
    with store.transaction(write=True) as tx:
        if start == 0:
            pool = tx.insert_pool(pool_id, REGION, "bench", new_config(PoolConfig()), now)
            group = tx.insert_group(pool, seeded_group(BIG_GROUP, now))
        else:
            found = tx.get_pool(pool_id)
            assert found is not None, pool_id
            pool, maybe = found, tx.get_group(found, BIG_GROUP)
            assert maybe is not None
            group = maybe
    from userpools.store.sql import users as user_sql

    # The column values insert_user writes; another checkout may lack it: a row at a time.
    stored = getattr(user_sql, "_stored", None)
    if stored is None:
        log("grow_group: no userpools.store.sql.users._stored; seeding a row at a time")
    for first in range(start, end, SEED_BATCH):
        last = min(end, first + SEED_BATCH)
        users = [seeded_user(i, now) for i in range(first, last)]
        with store.transaction(write=True) as tx:
            conn, mark = getattr(tx, "_conn", None), getattr(tx, "placeholder", None)
            if stored is None or conn is None or mark is None:  # a row at a time
                for user in users:
                    tx.add_member(pool, group, tx.insert_user(pool, user, keys))
                continue
            rows = [stored(user, keys) for user in users]
            columns = ", ".join(["pool", *rows[0]])
            marks = ", ".join([mark] * (len(rows[0]) + 1))
            cursor = conn.cursor()
            cursor.executemany(
                f"INSERT INTO users ({columns}) VALUES ({marks})",
                [(pool.key, *row.values()) for row in rows],
            )
            cursor.execute(
                "INSERT INTO memberships (pool, group_id, user_id, user_key, group_name)"
                f" SELECT pool, {mark}, id, username_key, {mark} FROM users"
                f" WHERE pool = {mark} AND username_key >= {mark} AND username_key <= {mark}",
                (group.key, group.name, pool.key, username(first), username(last - 1)),
            )


def seed_moto(endpoint: str, n: int, groups: int, threads: int) -> str:
    """The same data as ``seed_userpools``, through moto's API."""
    local = threading.local()

    def client() -> Client:
        if not hasattr(local, "client"):
            local.client = make_client(endpoint)
        return local.client

    pool_id: str = client().create_user_pool(PoolName="bench")["UserPool"]["Id"]

    def create_user(name: str, display: str) -> None:
        client().admin_create_user(
            UserPoolId=pool_id,
            Username=name,
            MessageAction="SUPPRESS",
            UserAttributes=[
                {"Name": "email", "Value": f"{name}@example.com"},
                {"Name": "name", "Value": display},
            ],
        )

    def create_group(name: str) -> None:
        client().create_group(UserPoolId=pool_id, GroupName=name)

    def add(group: str, name: str) -> None:
        client().admin_add_user_to_group(UserPoolId=pool_id, GroupName=group, Username=name)

    def run(calls: list[Callable[[], None]]) -> None:
        with ThreadPoolExecutor(threads) as pool:
            for future in [pool.submit(call) for call in calls]:
                future.result()

    names = [group_name(g) for g in range(groups)]
    run([partial(create_group, g) for g in [BIG_GROUP, SEQ_GROUP, PAR_GROUP, *names]])
    create_user(MULTI_USER, "Multi")
    run([partial(create_user, username(i), f"User {i}") for i in range(n)])
    run([partial(add, g, MULTI_USER) for g in names])
    run([partial(add, BIG_GROUP, username(i)) for i in range(n)])
    return pool_id
