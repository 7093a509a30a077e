"""Benchmark the group-membership operations of userpools against moto's server.

Measured over HTTP with unmodified boto3, in one run:

* ListUsersInGroup: a full pagination of a group of N users (paginator, PageSize 60);
  first-page versus last-page latency (the last page fetched with the last token);
  first pages per second under several concurrent client processes;
* AdminListGroupsForUser: a full paging of one user who is in G groups;
* AdminAddUserToGroup: adds per second, sequentially and under concurrent clients;
* the server's resident memory after the measurements.

userpools is seeded in bulk through its store (before the server starts) and measured
at N (default 100,000) and at the moto size (default 10,000). moto is seeded through
its API and measured only at the moto size. Run with the project's venv:

    .venv/bin/python benchmarks/membership.py            # the reported figures
    .venv/bin/python benchmarks/membership.py --quick    # a smoke run
"""

from __future__ import annotations

import argparse
import itertools
import json
import multiprocessing as mp
import os
import platform
import shutil
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager, suppress
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from functools import partial
from importlib.metadata import version
from multiprocessing.queues import Queue
from multiprocessing.synchronize import Barrier
from pathlib import Path
from typing import Any

import boto3
from botocore.config import Config

REGION = "us-east-1"
USERPOOLS_POOL_ID = "us-east-1_Bench0001"
BIG_GROUP = "big"
MULTI_USER = "multi"
SEQ_GROUP = "adds-sequential"
PAR_GROUP = "adds-concurrent"
PAGE_SIZE = 60
SEED_BATCH = 10_000
RESULTS_DIR = Path(__file__).resolve().parent / "results"

Client = Any  # a boto3 cognito-idp client (boto3 ships no type information)


def username(i: int) -> str:
    return f"user{i:07d}"


def group_name(i: int) -> str:
    return f"g{i:03d}"


def make_client(endpoint: str) -> Client:
    """A client of its own session: boto3's default session is not thread-safe."""
    return boto3.session.Session().client(
        "cognito-idp",
        endpoint_url=endpoint,
        region_name=REGION,
        aws_access_key_id="bench",
        aws_secret_access_key="bench",
        config=Config(retries={"max_attempts": 1}),
    )


def retries_of(response: dict[str, Any]) -> int:
    return int(response.get("ResponseMetadata", {}).get("RetryAttempts", 0))


# servers ---------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def memory_mb(pid: int) -> tuple[float, float]:
    """(VmRSS, VmHWM) of a process, in MB (10^6 bytes)."""
    values: dict[str, float] = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _, rest = line.partition(":")
        if name in ("VmRSS", "VmHWM"):
            values[name] = int(rest.split()[0]) * 1024 / 1e6
    return values["VmRSS"], values["VmHWM"]


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time of a process so far (``/proc/<pid>/stat``)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@dataclass
class Server:
    name: str
    endpoint: str
    process: subprocess.Popen[bytes]
    log: Path

    @property
    def pid(self) -> int:
        return self.process.pid


@contextmanager
def running(name: str, command: Sequence[str], port: int, log: Path) -> Iterator[Server]:
    """Start a server, wait until it answers, and always stop it."""
    with log.open("wb") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT)
    server = Server(name, f"http://127.0.0.1:{port}", process, log)
    try:
        wait_ready(server)
        yield server
    finally:
        stop(process)


def wait_ready(server: Server, timeout: float = 120.0) -> None:
    client = boto3.session.Session().client(
        "cognito-idp",
        endpoint_url=server.endpoint,
        region_name=REGION,
        aws_access_key_id="bench",
        aws_secret_access_key="bench",
        config=Config(retries={"max_attempts": 0}, connect_timeout=1, read_timeout=5),
    )
    deadline = time.monotonic() + timeout
    while True:
        if server.process.poll() is not None:
            tail = server.log.read_text(errors="replace")[-2000:]
            raise RuntimeError(f"{server.name} exited with {server.process.returncode}:\n{tail}")
        try:
            client.list_user_pools(MaxResults=1)
            return
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


def userpools_command(port: int, db: Path) -> list[str]:
    script = Path(sys.executable).with_name("userpools")
    exe = str(script) if script.exists() else shutil.which("userpools")
    if exe is None:
        raise SystemExit("the userpools command is not installed (use the project's venv)")
    return [exe, "serve", "--host", "127.0.0.1", "--port", str(port), "--db", str(db)]


def moto_command(port: int) -> list[str]:
    return [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)]


# seeding ---------------------------------------------------------------------------------


def seed_userpools(db: Path, n: int, groups: int) -> str:
    """Write the pool, N members of BIG_GROUP and one user in G groups through the store."""
    from userpools.domain.models import Group, PoolSettings, User, UserStatus
    from userpools.domain.password_policy import PasswordPolicy
    from userpools.domain.store import SignInKeys
    from userpools.store.sqlite import SQLiteStore

    policy = PasswordPolicy.from_wire(None).to_wire()
    settings = PoolSettings(password_policy=policy)
    document = {
        "Policies": {"PasswordPolicy": policy},
        "DeletionProtection": "INACTIVE",
        "LambdaConfig": {},
        "MfaConfiguration": "OFF",
        "AdminCreateUserConfig": {"AllowAdminCreateUserOnly": False},
        "UserPoolTier": "ESSENTIALS",
    }
    keys = SignInKeys()
    now = time.time()

    def user(name: str, display: str) -> User:
        sub = str(uuid.uuid4())
        return User(
            key=0,
            username=name,
            username_key=name,
            sub=sub,
            status=UserStatus.CONFIRMED,
            enabled=True,
            attributes=(("sub", sub), ("email", f"{name}@example.com"), ("name", display)),
            mfa_options=(),
            created_at=now,
            updated_at=now,
        )

    def group(name: str) -> Group:
        return Group(0, name, None, None, None, now, now)

    store = SQLiteStore(db)
    try:
        with store.write() as tx:
            pool = tx.insert_pool(USERPOOLS_POOL_ID, REGION, "bench", settings, document, now)
            big = tx.insert_group(pool, group(BIG_GROUP))
            for name in (SEQ_GROUP, PAR_GROUP):
                tx.insert_group(pool, group(name))
            multi = tx.insert_user(pool, user(MULTI_USER, "Multi"), keys)
            for g in range(groups):
                tx.add_member(pool, tx.insert_group(pool, group(group_name(g))), multi)
        for start in range(0, n, SEED_BATCH):
            with store.write() as tx:
                for i in range(start, min(n, start + SEED_BATCH)):
                    member = tx.insert_user(pool, user(username(i), f"User {i}"), keys)
                    tx.add_member(pool, big, member)
    finally:
        store.close()
    return pool.id


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


# concurrent clients ----------------------------------------------------------------------


@dataclass
class WorkerResult:
    count: int
    errors: int
    retries: int
    elapsed: float
    cpu_s: float
    first_error: str | None


@dataclass
class Job:
    kind: str  # "pages" or "adds"
    endpoint: str
    pool_id: str
    group: str
    duration: float
    usernames: list[str] = field(default_factory=list)


def worker(job: Job, barrier: Barrier, results: Queue[WorkerResult | str]) -> None:
    """One client process: warm up, wait for the others, then run until the deadline."""
    try:
        client = make_client(job.endpoint)
        client.list_user_pools(MaxResults=1)  # opens the connection
    except Exception as exc:
        barrier.abort()
        results.put(f"worker start failed: {exc!r}")
        return
    try:
        barrier.wait(timeout=300)
    except threading.BrokenBarrierError:
        results.put("another worker failed to start")
        return
    count = errors = retries = 0
    first_error: str | None = None
    calls: Iterable[dict[str, Any]]
    if job.kind == "pages":
        page = {"UserPoolId": job.pool_id, "GroupName": job.group, "Limit": PAGE_SIZE}
        calls, call = itertools.repeat(page), client.list_users_in_group
    else:
        calls = (
            {"UserPoolId": job.pool_id, "GroupName": job.group, "Username": name}
            for name in job.usernames
        )
        call = client.admin_add_user_to_group
    cpu = time.process_time()
    start = time.perf_counter()
    deadline = start + job.duration
    for params in calls:
        if time.perf_counter() >= deadline:
            break
        try:
            retries += retries_of(call(**params))
            count += 1
        except Exception as exc:
            errors += 1
            first_error = first_error or repr(exc)
    elapsed = time.perf_counter() - start
    cpu = time.process_time() - cpu
    results.put(WorkerResult(count, errors, retries, elapsed, cpu, first_error))


@dataclass
class Concurrent:
    per_second: float
    count: int
    errors: int
    retries: int
    server_cpu_ms: float  # server CPU time per successful call
    client_cpu_ms: float  # client CPU time per successful call (all client processes)
    first_error: str | None


def concurrently(jobs: list[Job], server_pid: int) -> Concurrent:
    """Run one process per job (spawned, each with its own boto3 client)."""
    ctx = mp.get_context("spawn")
    barrier = ctx.Barrier(len(jobs) + 1)  # the workers and this process
    results: Queue[WorkerResult | str] = ctx.Queue()
    processes = [ctx.Process(target=worker, args=(job, barrier, results)) for job in jobs]
    try:
        for p in processes:
            p.start()
        with suppress(threading.BrokenBarrierError):
            barrier.wait(timeout=300)
        server_cpu = cpu_seconds(server_pid)
        timeout = 300 + max(job.duration for job in jobs)
        collected = [results.get(timeout=timeout) for _ in processes]
        server_cpu = cpu_seconds(server_pid) - server_cpu
        for p in processes:
            p.join(timeout=30)
    finally:
        for p in processes:
            if p.is_alive():
                p.terminate()
                p.join()
    failures = [r for r in collected if isinstance(r, str)]
    if failures:
        raise RuntimeError(failures[0])
    done = [r for r in collected if isinstance(r, WorkerResult)]
    count = sum(r.count for r in done)
    elapsed = max(r.elapsed for r in done)
    errors = [r.first_error for r in done if r.first_error]
    per_call = 1000 / count if count else 0.0
    return Concurrent(
        per_second=count / elapsed if elapsed > 0 else 0.0,
        count=count,
        errors=sum(r.errors for r in done),
        retries=sum(r.retries for r in done),
        server_cpu_ms=server_cpu * per_call,
        client_cpu_ms=sum(r.cpu_s for r in done) * per_call,
        first_error=errors[0] if errors else None,
    )


# measurements ----------------------------------------------------------------------------


@dataclass
class Measurements:
    server: str
    n: int
    groups: int
    seed_method: str
    seed_s: float
    full_pass_s: float = 0.0
    full_pass_pages: int = 0
    full_pass_items: int = 0
    full_pass_items_per_s: float = 0.0
    first_page_ms: float = 0.0
    last_page_ms: float = 0.0
    last_full_page_ms: float = 0.0
    last_full_over_first: float = 0.0
    last_over_first: float = 0.0
    first_page_items: int = 0
    last_page_items: int = 0
    groups_for_user_ms: float = 0.0
    groups_for_user_pages: int = 0
    groups_for_user_items: int = 0
    pages_per_s: float = 0.0
    pages_count: int = 0
    pages_errors: int = 0
    pages_retries: int = 0
    pages_server_cpu_ms: float = 0.0
    pages_client_cpu_ms: float = 0.0
    adds_seq_per_s: float = 0.0
    adds_seq_count: int = 0
    adds_seq_errors: int = 0
    adds_seq_server_cpu_ms: float = 0.0
    adds_par_per_s: float = 0.0
    adds_par_count: int = 0
    adds_par_errors: int = 0
    adds_par_retries: int = 0
    adds_par_server_cpu_ms: float = 0.0
    adds_par_client_cpu_ms: float = 0.0
    rss_mb: float = 0.0
    peak_rss_mb: float = 0.0
    first_errors: list[str] = field(default_factory=list)


def timed(call: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    result = call()
    return time.perf_counter() - start, result


def measure(m: Measurements, server: Server, pool_id: str, args: argparse.Namespace) -> None:
    client = make_client(server.endpoint)
    members = {"UserPoolId": pool_id, "GroupName": BIG_GROUP}
    client.list_users_in_group(**members, Limit=PAGE_SIZE)  # warm-up
    log(f"  {server.name} N={m.n:,}: full pagination")

    # Full pagination, keeping each page's token.
    tokens: list[str] = []
    pages = items = 0
    last_items = 0
    paginator = client.get_paginator("list_users_in_group")
    start = time.perf_counter()
    for page in paginator.paginate(**members, PaginationConfig={"PageSize": PAGE_SIZE}):
        pages += 1
        last_items = len(page["Users"])
        items += last_items
        if page.get("NextToken"):
            tokens.append(page["NextToken"])
    m.full_pass_s = time.perf_counter() - start
    m.full_pass_pages, m.full_pass_items = pages, items
    m.full_pass_items_per_s = items / m.full_pass_s
    if items != m.n:
        m.first_errors.append(f"full pagination returned {items} users, expected {m.n}")

    # First page versus last page, interleaved.
    log(f"  {server.name} N={m.n:,}: first vs last page x{args.repeats}")
    last_token = tokens[-1] if tokens else None
    # The last page holds N mod 60 users; the one before it is the deepest full page.
    full_token = tokens[-2] if len(tokens) > 1 else None
    firsts: list[float] = []
    lasts: list[float] = []
    fulls: list[float] = []
    for _ in range(args.repeats):
        elapsed, first = timed(lambda: client.list_users_in_group(**members, Limit=PAGE_SIZE))
        firsts.append(elapsed)
        params = {**members, "Limit": PAGE_SIZE}
        if last_token is not None:
            params["NextToken"] = last_token
        elapsed, last = timed(partial(client.list_users_in_group, **params))
        lasts.append(elapsed)
        params = {**members, "Limit": PAGE_SIZE}
        if full_token is not None:
            params["NextToken"] = full_token
        elapsed, _ = timed(partial(client.list_users_in_group, **params))
        fulls.append(elapsed)
    m.first_page_items, m.last_page_items = len(first["Users"]), len(last["Users"])
    m.first_page_ms = statistics.median(firsts) * 1000
    m.last_page_ms = statistics.median(lasts) * 1000
    m.last_over_first = m.last_page_ms / m.first_page_ms
    m.last_full_page_ms = statistics.median(fulls) * 1000
    m.last_full_over_first = m.last_full_page_ms / m.first_page_ms

    # AdminListGroupsForUser: a full paging of the user in G groups.
    log(f"  {server.name} N={m.n:,}: AdminListGroupsForUser x{args.repeats}")
    pagings: list[float] = []
    for _ in range(args.repeats):
        start = time.perf_counter()
        token: str | None = None
        m.groups_for_user_pages = m.groups_for_user_items = 0
        while True:
            params = {"UserPoolId": pool_id, "Username": MULTI_USER, "Limit": PAGE_SIZE}
            if token is not None:
                params["NextToken"] = token
            page = client.admin_list_groups_for_user(**params)
            m.groups_for_user_pages += 1
            m.groups_for_user_items += len(page["Groups"])
            token = page.get("NextToken")
            if not token:
                break
        pagings.append(time.perf_counter() - start)
    m.groups_for_user_ms = statistics.median(pagings) * 1000

    # First pages under concurrent client processes.
    log(f"  {server.name} N={m.n:,}: first pages, {args.clients} clients, {args.duration:g} s")
    job = Job("pages", server.endpoint, pool_id, BIG_GROUP, args.duration)
    result = concurrently([job] * args.clients, server.pid)
    m.pages_per_s, m.pages_count = result.per_second, result.count
    m.pages_errors, m.pages_retries = result.errors, result.retries
    m.pages_server_cpu_ms, m.pages_client_cpu_ms = result.server_cpu_ms, result.client_cpu_ms
    if result.first_error:
        m.first_errors.append(f"first pages: {result.first_error}")

    # AdminAddUserToGroup into fresh groups: sequentially, then concurrently.
    log(f"  {server.name} N={m.n:,}: AdminAddUserToGroup, sequential, {args.duration:g} s")
    names = [username(i) for i in range(m.n)]
    count = errors = 0
    server_cpu = cpu_seconds(server.pid)
    start = time.perf_counter()
    deadline = start + args.duration
    for name in names:
        if time.perf_counter() >= deadline:
            break
        try:
            client.admin_add_user_to_group(UserPoolId=pool_id, GroupName=SEQ_GROUP, Username=name)
            count += 1
        except Exception as exc:
            if not errors:
                m.first_errors.append(f"sequential adds: {exc!r}")
            errors += 1
    m.adds_seq_per_s = count / (time.perf_counter() - start)
    m.adds_seq_count, m.adds_seq_errors = count, errors
    m.adds_seq_server_cpu_ms = (cpu_seconds(server.pid) - server_cpu) * 1000 / max(count, 1)

    log(f"  {server.name} N={m.n:,}: AdminAddUserToGroup, {args.clients} clients")
    jobs = [
        Job("adds", server.endpoint, pool_id, PAR_GROUP, args.duration, names[i :: args.clients])
        for i in range(args.clients)
    ]
    result = concurrently(jobs, server.pid)
    m.adds_par_per_s, m.adds_par_count = result.per_second, result.count
    m.adds_par_errors, m.adds_par_retries = result.errors, result.retries
    m.adds_par_server_cpu_ms, m.adds_par_client_cpu_ms = result.server_cpu_ms, result.client_cpu_ms
    if result.first_error:
        m.first_errors.append(f"concurrent adds: {result.first_error}")

    m.rss_mb, m.peak_rss_mb = memory_mb(server.pid)


def bench_userpools(n: int, args: argparse.Namespace, workdir: Path) -> Measurements:
    db = workdir / f"userpools-{n}.db"
    log(f"userpools N={n:,}: seeding {db} through the store")
    seed_s, pool_id = timed(lambda: seed_userpools(db, n, args.groups))
    m = Measurements("userpools", n, args.groups, "store (bulk)", seed_s)
    log(f"userpools N={n:,}: seeded in {seed_s:.1f} s")
    port = free_port()
    log_file = workdir / f"userpools-{n}.log"
    with running("userpools", userpools_command(port, db), port, log_file) as server:
        measure(m, server, pool_id, args)
    return m


def bench_moto(n: int, args: argparse.Namespace, workdir: Path) -> Measurements:
    port = free_port()
    with running("moto", moto_command(port), port, workdir / "moto.log") as server:
        log(f"moto N={n:,}: seeding through the API ({args.clients} threads)")
        seed_s, pool_id = timed(lambda: seed_moto(server.endpoint, n, args.groups, args.clients))
        log(f"moto N={n:,}: seeded in {seed_s:.1f} s")
        m = Measurements("moto", n, args.groups, "API (boto3)", seed_s)
        measure(m, server, pool_id, args)
    return m


# report ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    label: str
    attr: str
    fmt: str
    better: str  # "higher", "lower", or "" (no ratio)


ROWS = (
    Row("seeded through", "seed_method", "{}", ""),
    Row("seeding (s)", "seed_s", "{:.1f}", ""),
    Row("full pagination, PageSize 60 (s)", "full_pass_s", "{:.2f}", "lower"),
    Row("  pages", "full_pass_pages", "{:,}", ""),
    Row("  items/s", "full_pass_items_per_s", "{:,.0f}", "higher"),
    Row("first page, median (ms)", "first_page_ms", "{:.2f}", "lower"),
    Row("last page, median (ms)", "last_page_ms", "{:.2f}", "lower"),
    Row("  last/first", "last_over_first", "{:.2f}", ""),
    Row("  items on first / last page", "page_items", "{}", ""),
    Row("last full page (60 items), median (ms)", "last_full_page_ms", "{:.2f}", "lower"),
    Row("  last full/first", "last_full_over_first", "{:.2f}", ""),
    Row("AdminListGroupsForUser full paging, median (ms)", "groups_for_user_ms", "{:.2f}", "lower"),
    Row("  pages / groups", "groups_paging", "{}", ""),
    Row("first pages, concurrent clients (req/s)", "pages_per_s", "{:,.0f}", "higher"),
    Row("  errors / retries", "pages_failures", "{}", ""),
    Row("  server CPU per request (ms)", "pages_server_cpu_ms", "{:.2f}", "lower"),
    Row("  client CPU per request (ms, all clients)", "pages_client_cpu_ms", "{:.2f}", ""),
    Row("AdminAddUserToGroup, sequential (adds/s)", "adds_seq_per_s", "{:,.0f}", "higher"),
    Row("  adds / errors", "adds_seq", "{}", ""),
    Row("  server CPU per add (ms)", "adds_seq_server_cpu_ms", "{:.2f}", "lower"),
    Row("AdminAddUserToGroup, concurrent clients (adds/s)", "adds_par_per_s", "{:,.0f}", "higher"),
    Row("  adds / errors / retries", "adds_par", "{}", ""),
    Row("  server CPU per add (ms)", "adds_par_server_cpu_ms", "{:.2f}", "lower"),
    Row("  client CPU per add (ms, all clients)", "adds_par_client_cpu_ms", "{:.2f}", ""),
    Row("server RSS after the run (MB)", "rss_mb", "{:.0f}", "lower"),
    Row("server peak RSS (MB)", "peak_rss_mb", "{:.0f}", "lower"),
)


def cell(m: Measurements, row: Row) -> str:
    derived = {
        "page_items": f"{m.first_page_items} / {m.last_page_items}",
        "groups_paging": f"{m.groups_for_user_pages} / {m.groups_for_user_items}",
        "pages_failures": f"{m.pages_errors} / {m.pages_retries}",
        "adds_seq": f"{m.adds_seq_count:,} / {m.adds_seq_errors}",
        "adds_par": f"{m.adds_par_count:,} / {m.adds_par_errors} / {m.adds_par_retries}",
    }
    if row.attr in derived:
        return derived[row.attr]
    return row.fmt.format(getattr(m, row.attr))


def times(value: float) -> str:
    return f"{value:,.1f}x" if value >= 1 else f"{value:.2f}x"


def ratio(ours: Measurements | None, moto: Measurements | None, row: Row) -> str:
    if ours is None or moto is None or not row.better:
        return ""
    a, b = float(getattr(ours, row.attr)), float(getattr(moto, row.attr))
    value = a / b if row.better == "higher" else b / a
    return times(value) if a > 0 and b > 0 else "n/a"


def table(
    columns: list[tuple[str, Measurements]],
    ours_small: Measurements | None,
    moto: Measurements | None,
) -> str:
    header = ["metric", *(title for title, _ in columns)]
    if moto is not None and ours_small is not None:
        header.append(f"ratio (userpools vs moto, N={moto.n:,})")
    lines = [header]
    for row in ROWS:
        line = [row.label, *(cell(m, row) for _, m in columns)]
        if len(header) > len(columns) + 1:
            line.append(ratio(ours_small, moto, row))
        lines.append(line)
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]

    def fmt(line: list[str]) -> str:
        cells = [line[0].ljust(widths[0])]
        cells += [c.rjust(w) for c, w in zip(line[1:], widths[1:], strict=True)]
        return "| " + " | ".join(cells) + " |"

    rule = "|" + "|".join("-" * (w + 2) for w in widths) + "|"
    return "\n".join([fmt(lines[0]), rule, *(fmt(line) for line in lines[1:])])


@dataclass(frozen=True)
class Target:
    description: str
    value: str
    passed: bool | None  # None: not measured in this run


def targets(
    big: Measurements, small: Measurements | None, moto: Measurements | None
) -> list[Target]:
    out = [
        Target(
            f"at N={big.n:,} last page <= 1.3x first page",
            f"{big.last_over_first:.2f}x",
            big.last_over_first <= 1.3,
        ),
        Target(
            f"at N={big.n:,} last full page (60 items) <= 1.3x first page",
            f"{big.last_full_over_first:.2f}x",
            big.last_full_over_first <= 1.3,
        ),
    ]
    pairs = (
        ("8-client first pages (req/s)", "pages_per_s", 30.0),
        ("AdminAddUserToGroup sequential (adds/s)", "adds_seq_per_s", 10.0),
        ("AdminAddUserToGroup concurrent (adds/s)", "adds_par_per_s", 10.0),
    )
    for label, attr, goal in pairs:
        if small is None or moto is None:
            out.append(Target(f"{label} >= {goal:g}x moto's", "not measured", None))
            continue
        theirs = float(getattr(moto, attr))
        factor = float(getattr(small, attr)) / theirs if theirs > 0 else float("inf")
        out.append(
            Target(f"at N={small.n:,} {label} >= {goal:g}x moto's", times(factor), factor >= goal)
        )
    out.append(
        Target(f"at N={big.n:,} server RSS < 200 MB", f"{big.rss_mb:.0f} MB", big.rss_mb < 200)
    )
    return out


def environment() -> dict[str, Any]:
    return {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "sqlite": sqlite3.sqlite_version,
        "versions": {name: version(name) for name in ("userpools", "boto3", "botocore", "moto")},
    }


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# command line ----------------------------------------------------------------------------


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="membership.py",
        description=(
            "Benchmark ListUsersInGroup, AdminListGroupsForUser and AdminAddUserToGroup on "
            "userpools and on moto's server, over HTTP with boto3, and print one table with "
            "ratios (also written as JSON to benchmarks/results/). userpools is seeded through "
            "its store before it starts and measured at --n and at --moto-n; moto is seeded "
            "through its API and measured at --moto-n only."
        ),
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    parser.add_argument(
        "--n", type=int, default=100_000, help="users in the big group, for userpools"
    )
    parser.add_argument(
        "--moto-n",
        type=int,
        default=10_000,
        help="users in the big group for moto, and the second size for userpools",
    )
    parser.add_argument(
        "--groups", type=int, default=100, help="groups of the one user (the per-user quota)"
    )
    parser.add_argument(
        "--duration",
        type=float,
        default=10.0,
        help="seconds of each throughput measurement (first pages, adds)",
    )
    parser.add_argument(
        "--clients", type=int, default=8, help="concurrent client processes (and seeding threads)"
    )
    parser.add_argument(
        "--repeats",
        type=int,
        default=200,
        help="repetitions of the first/last page timing and of the groups-for-user paging",
    )
    parser.add_argument("--skip-moto", action="store_true", help="measure userpools only")
    parser.add_argument(
        "--quick",
        action="store_true",
        help="a smoke run: n=2000, moto-n=1000, duration 2 s, repeats 20 (overrides those)",
    )
    parser.add_argument(
        "--keep", action="store_true", help="keep the temporary directory (databases, logs)"
    )
    args = parser.parse_args(argv)
    if args.quick:
        args.n, args.moto_n, args.duration, args.repeats = 2000, 1000, 2.0, 20
    for name in ("n", "moto_n", "groups", "clients", "repeats"):
        if getattr(args, name) < 1:
            parser.error(f"--{name.replace('_', '-')} must be at least 1")
    if args.groups > 100:
        parser.error("--groups is at most 100 (the per-user quota userpools enforces)")
    if args.duration <= 0:
        parser.error("--duration must be positive")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    workdir = Path(tempfile.mkdtemp(prefix="userpools-bench-"))
    log(f"working directory: {workdir}")
    started = datetime.now(UTC)
    load_before = os.getloadavg()
    try:
        big = bench_userpools(args.n, args, workdir)
        small = bench_userpools(args.moto_n, args, workdir) if args.moto_n != args.n else big
        moto = None if args.skip_moto else bench_moto(args.moto_n, args, workdir)
    finally:
        if args.keep:
            log(f"kept {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)

    columns = [(f"userpools N={big.n:,}", big)]
    if small is not big:
        columns.append((f"userpools N={small.n:,}", small))
    if moto is not None:
        columns.append((f"moto N={moto.n:,}", moto))
    checks = targets(big, small, moto)
    load_after = os.getloadavg()

    print()
    print(
        f"Membership benchmark, {started:%Y-%m-%d %H:%M} UTC; boto3 over HTTP on loopback, "
        f"{os.cpu_count()} CPUs; PageSize/Limit {PAGE_SIZE}; {args.clients} client processes "
        f"for {args.duration:g} s per throughput figure; medians of {args.repeats} repeats; "
        f"one user in {args.groups} groups."
    )
    print(
        "userpools: `userpools serve` with its defaults (access log to a file), seeded through "
        "its store before it starts."
    )
    if moto is not None:
        why = " (seeding it through its API at that size would take too long)"
        print(
            f"moto: `python -m moto.server`, seeded through its API, measured at N={moto.n:,} "
            f"only{why if big.n > moto.n else ''}."
        )
    print(
        "ratio = how many times better userpools is than moto at the same N "
        "(rates: userpools/moto; times and memory: moto/userpools)."
    )
    print(
        "clients and server share the CPUs: client CPU per request is shown so that "
        "client-bound throughput figures can be told apart from server-bound ones."
    )
    print(
        "load average (1/5/15 min) at start: {:.2f} {:.2f} {:.2f}; at end: {:.2f} {:.2f} {:.2f} "
        "(other work on the machine skews every figure).".format(*load_before, *load_after)
    )
    if args.quick:
        print("--quick: small sizes, not the reported figures.")
    print()
    print(table(columns, small, moto))
    print()
    print("Targets:")
    for t in checks:
        status = "n/a " if t.passed is None else ("PASS" if t.passed else "MISS")
        print(f"  {status}  {t.description}: {t.value}")
    notes = [(m.server, m.n, e) for _, m in columns for e in m.first_errors]
    if notes:
        print()
        print("Errors seen:")
        for server, n, error in notes:
            print(f"  {server} N={n:,}: {error}")

    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    out = RESULTS_DIR / f"membership-{started:%Y%m%dT%H%M%SZ}.json"
    report = {
        "started": started.isoformat(),
        "arguments": vars(args),
        "environment": environment(),
        "load_average": {"start": load_before, "end": load_after},
        "measurements": [asdict(m) for _, m in columns],
        "targets": [asdict(t) for t in checks],
    }
    out.write_text(json.dumps(report, indent=2) + "\n")
    print()
    print(f"results: {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
