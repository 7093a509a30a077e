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
its API and measured only at the moto size. ``--postgres`` or ``--database-url`` puts
userpools on PostgreSQL, ``--workers`` gives it worker processes, and ``--scale-out``
compares SQLite and PostgreSQL with 2 workers each, and moto, at the moto size. Run with
the project's venv:

    .venv/bin/python benchmarks/membership.py              # the reported figures
    .venv/bin/python benchmarks/membership.py --quick      # a smoke run
    .venv/bin/python benchmarks/membership.py --scale-out  # SQLite vs PostgreSQL, 2 workers
"""

from __future__ import annotations

import argparse
import itertools
import json
import multiprocessing as mp
import os
import shutil
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from contextlib import suppress
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from functools import partial
from multiprocessing.queues import Queue
from multiprocessing.synchronize import Barrier
from pathlib import Path
from typing import Any

from _postgres import (
    DEFAULT_ADMIN_URL,
    SERVER_APPLICATION,
    backend_cpu,
    private_store_url,
    server_settings,
    vacuum_analyze,
    with_params,
)
from _report import (
    ROWS,
    SCALE_ROWS,
    Measurements,
    Row,
    Target,
    advantage,
    scale_targets,
    table,
    targets,
)
from _servers import (
    BIG_GROUP,
    MULTI_USER,
    PAR_GROUP,
    SEQ_GROUP,
    CpuSnapshot,
    Server,
    busy_since,
    cpu_used,
    environment,
    free_port,
    log,
    machine_cpu,
    make_client,
    moto_command,
    retries_of,
    running,
    seed_moto,
    seed_userpools,
    tree_memory_mb,
    username,
    userpools_command,
)

PAGE_SIZE = 60
RESULTS_DIR = Path(__file__).resolve().parent / "results"


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
class CpuMark:
    """CPU used so far by the server's processes and by its database's backends."""

    server: CpuSnapshot
    database: CpuSnapshot | None

    @classmethod
    def of(cls, server: Server) -> CpuMark:
        database = server.database_cpu() if server.database_cpu is not None else None
        return cls(server.cpu(), database)


@dataclass
class CpuUse:
    server_s: float  # the server process and its workers
    database_s: float | None  # the PostgreSQL backends serving it; None: no such thing
    split: str  # each worker's share of the server's CPU, in %; "" with one process


def cpu_since(server: Server, mark: CpuMark) -> CpuUse:
    used = cpu_used(mark.server, server.cpu())
    workers = sorted(server.worker_pids())
    split = ""
    total = sum(used.get(pid, 0.0) for pid in workers)
    if len(workers) > 1 and total > 0:
        split = " / ".join(f"{100 * used.get(pid, 0.0) / total:.0f}" for pid in workers)
    database = None
    if mark.database is not None and server.database_cpu is not None:
        database = sum(cpu_used(mark.database, server.database_cpu()).values())
    return CpuUse(sum(used.values()), database, split)


@dataclass
class Concurrent:
    per_second: float
    count: int
    errors: int
    retries: int
    server_cpu_ms: float  # server CPU time per successful call (all its processes)
    db_cpu_ms: float | None  # database backends' CPU time per successful call
    worker_split: str
    machine_busy: float  # share of the machine's CPU time that was busy (all processes)
    client_cpu_ms: float  # client CPU time per successful call (all client processes)
    first_error: str | None


def concurrently(jobs: list[Job], server: Server) -> Concurrent:
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
        mark, machine = CpuMark.of(server), machine_cpu()
        timeout = 300 + max(job.duration for job in jobs)
        collected = [results.get(timeout=timeout) for _ in processes]
        cpu, busy = cpu_since(server, mark), busy_since(machine)
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
        server_cpu_ms=cpu.server_s * per_call,
        db_cpu_ms=None if cpu.database_s is None else cpu.database_s * per_call,
        worker_split=cpu.split,
        machine_busy=busy,
        client_cpu_ms=sum(r.cpu_s for r in done) * per_call,
        first_error=errors[0] if errors else None,
    )


# measurements ----------------------------------------------------------------------------


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
    result = concurrently([job] * args.clients, server)
    m.pages_per_s, m.pages_count = result.per_second, result.count
    m.pages_errors, m.pages_retries = result.errors, result.retries
    m.pages_server_cpu_ms, m.pages_client_cpu_ms = result.server_cpu_ms, result.client_cpu_ms
    m.pages_db_cpu_ms, m.pages_worker_split = result.db_cpu_ms, result.worker_split
    m.pages_machine_busy_pct = result.machine_busy * 100
    if result.first_error:
        m.first_errors.append(f"first pages: {result.first_error}")

    # AdminAddUserToGroup into fresh groups: sequentially, then concurrently.
    log(f"  {server.name} N={m.n:,}: AdminAddUserToGroup, sequential, {args.duration:g} s")
    names = [username(i) for i in range(m.n)]
    count = errors = 0
    mark = CpuMark.of(server)
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
    cpu = cpu_since(server, mark)
    m.adds_seq_server_cpu_ms = cpu.server_s * 1000 / max(count, 1)
    if cpu.database_s is not None:
        m.adds_seq_db_cpu_ms = cpu.database_s * 1000 / max(count, 1)

    log(f"  {server.name} N={m.n:,}: AdminAddUserToGroup, {args.clients} clients")
    jobs = [
        Job("adds", server.endpoint, pool_id, PAR_GROUP, args.duration, names[i :: args.clients])
        for i in range(args.clients)
    ]
    result = concurrently(jobs, server)
    m.adds_par_per_s, m.adds_par_count = result.per_second, result.count
    m.adds_par_errors, m.adds_par_retries = result.errors, result.retries
    m.adds_par_server_cpu_ms, m.adds_par_client_cpu_ms = result.server_cpu_ms, result.client_cpu_ms
    m.adds_par_db_cpu_ms, m.adds_par_worker_split = result.db_cpu_ms, result.worker_split
    m.adds_par_machine_busy_pct = result.machine_busy * 100
    if result.first_error:
        m.first_errors.append(f"concurrent adds: {result.first_error}")

    # Every add that succeeded is there, once (not timed).
    paginator = client.get_paginator("list_users_in_group")
    pages = paginator.paginate(UserPoolId=pool_id, GroupName=PAR_GROUP)
    m.adds_par_members = sum(len(page["Users"]) for page in pages)
    if m.adds_par_members != m.adds_par_count:
        m.first_errors.append(
            f"concurrent adds: {m.adds_par_count} succeeded but the group has "
            f"{m.adds_par_members} members"
        )

    m.rss_mb, m.peak_rss_mb = tree_memory_mb(server.pid)
    m.log_problems = server.log_problems()
    if m.log_problems:
        m.first_errors.append(f"{m.log_problems} tracebacks or given-up calls in {server.log}")


@dataclass(frozen=True)
class Setup:
    """How userpools is run: on which store, with how many worker processes."""

    store: str  # "SQLite" or "PostgreSQL"
    workers: int = 1
    admin_url: str | None = None  # PostgreSQL: a private database per size, made here
    database_url: str | None = None  # PostgreSQL: a private schema per size, in this one

    @property
    def url(self) -> str:
        """Where PostgreSQL is reached (for its settings)."""
        url = self.database_url or self.admin_url
        if url is None:
            raise ValueError(f"{self.store} has no URL")
        return url

    def describe(self) -> str:
        where = ""
        if self.database_url is not None:
            where = f", a private schema in {describe_url(self.database_url)}"
        elif self.admin_url is not None:
            where = f", a private database made through {describe_url(self.admin_url)}"
        return f"{self.store}{where}, --workers {self.workers}"


def describe_url(url: str) -> str:
    from userpools.store import engine_for

    return engine_for(url).describe(url)


def bench_userpools(n: int, args: argparse.Namespace, workdir: Path, setup: Setup) -> Measurements:
    name = f"userpools/{setup.store}"
    from userpools.store import open_store, sqlite_url

    if setup.store == "SQLite":
        db = workdir / f"userpools-{n}.db"
        log(f"{name} N={n:,}: seeding {db} through the store")
        seed_s, pool_id = timed(lambda: seed_userpools(open_store(sqlite_url(db)), n, args.groups))
        m = Measurements("userpools", n, args.groups, "store (bulk)", seed_s, setup.store)
        return serve_userpools(m, pool_id, setup, args, workdir, ["--db", str(db)])

    with private_store_url(n, admin_url=setup.admin_url, database_url=setup.database_url) as url:
        log(f"{name} N={n:,}: seeding {describe_url(url)} through the store")
        seed_s, pool_id = timed(lambda: seed_userpools(open_store(url), n, args.groups))
        vacuum_s, _ = timed(lambda: vacuum_analyze(url))
        log(f"{name} N={n:,}: VACUUM (ANALYZE) took {vacuum_s:.1f} s")
        m = Measurements("userpools", n, args.groups, "store (bulk)", seed_s, setup.store)
        # The server's connections carry a name of their own: how their backends are found.
        server_url = with_params(url, application_name=SERVER_APPLICATION)
        with backend_cpu(url, SERVER_APPLICATION) as database_cpu:
            if database_cpu is None:
                log(f"{name}: PostgreSQL's processes are not visible here: no backend CPU")
            options = ["--database-url", server_url]
            return serve_userpools(m, pool_id, setup, args, workdir, options, database_cpu)


def serve_userpools(
    m: Measurements,
    pool_id: str,
    setup: Setup,
    args: argparse.Namespace,
    workdir: Path,
    database: list[str],
    database_cpu: Callable[[], CpuSnapshot] | None = None,
) -> Measurements:
    name = f"userpools/{setup.store}"
    log(f"{name} N={m.n:,}: seeded in {m.seed_s:.1f} s")
    m.workers = setup.workers
    port = free_port()
    log_file = workdir / f"userpools-{setup.store.lower()}-{m.n}.log"
    command = [*userpools_command(port, workers=setup.workers), *database]
    with running(name, command, port, log_file, workers=setup.workers) as server:
        server.database_cpu = database_cpu
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
        "--scale-out",
        action="store_true",
        help="measure userpools on SQLite and on PostgreSQL (both with --workers, default 2) "
        "and moto, all at --moto-n, and compare PostgreSQL with SQLite (uses --postgres "
        "unless --database-url is given)",
    )
    parser.add_argument(
        "--workers",
        type=int,
        default=None,
        help="worker processes of `userpools serve` (its --workers); default 1, and 2 with "
        "--scale-out",
    )
    postgres = parser.add_mutually_exclusive_group()
    postgres.add_argument(
        "--postgres",
        action="store_true",
        help="run userpools on PostgreSQL: a private database per measured size, created "
        "through --postgres-admin-url and dropped (WITH (FORCE)) at the end",
    )
    postgres.add_argument(
        "--database-url",
        metavar="URL",
        help="run userpools on PostgreSQL in this existing database: a private schema per "
        "measured size, created and dropped (CASCADE) here",
    )
    parser.add_argument(
        "--postgres-admin-url",
        metavar="URL",
        default=DEFAULT_ADMIN_URL,
        help="PostgreSQL database to connect to for CREATE/DROP DATABASE (--postgres)",
    )
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
    if args.workers is not None and not 1 <= args.workers <= 64:
        parser.error("--workers is between 1 and 64 (as for `userpools serve`)")
    return args


@dataclass
class Run:
    """What one mode measured, and how to print it."""

    columns: list[Measurements]
    rows: tuple[Row, ...]
    notes: list[str]  # lines printed above the table
    checks: list[Target]
    ratio_title: str | None = None
    ratio_of: Callable[[Row], str] | None = None
    postgres: dict[str, str] | None = None  # the settings PostgreSQL ran with


def postgres_setup(args: argparse.Namespace, workers: int) -> Setup:
    if args.database_url is not None:
        return Setup("PostgreSQL", workers, database_url=args.database_url)
    return Setup("PostgreSQL", workers, admin_url=args.postgres_admin_url)


def postgres_note(setup: Setup, settings: dict[str, str]) -> str:
    where = "a private schema" if setup.database_url else "a private database"
    shown = ", ".join(f"{k}={v}" for k, v in settings.items() if k != "server_version")
    return (
        f"PostgreSQL {settings['server_version']}: {where} per measured size, created for "
        f"this run and dropped after it; {shown}. After seeding, VACUUM (ANALYZE) of the "
        "seeded tables (what autovacuum would do within a minute; the query plans are the "
        "same without it)."
    )


def durability_note(settings: dict[str, str]) -> str:
    flushes = settings.get("synchronous_commit") != "off" and settings.get("fsync") == "on"
    pg = "flushes its WAL to disk at every commit" if flushes else "does not flush at commit"
    return (
        "durability differs: SQLite runs with the server's default synchronous=NORMAL (WAL: "
        f"no fsync at commit); PostgreSQL {pg}. This weighs on the add figures."
    )


def run_default(args: argparse.Namespace, workdir: Path) -> Run:
    workers = args.workers or 1
    on_postgres = args.postgres or args.database_url is not None
    setup = postgres_setup(args, workers) if on_postgres else Setup("SQLite", workers)
    settings = server_settings(setup.url) if on_postgres else None
    big = bench_userpools(args.n, args, workdir, setup)
    small = bench_userpools(args.moto_n, args, workdir, setup) if args.moto_n != args.n else big
    moto = None if args.skip_moto else bench_moto(args.moto_n, args, workdir)

    columns = [big, *([small] if small is not big else []), *([moto] if moto else [])]
    if setup.store == "SQLite" and workers == 1:
        how = "`userpools serve` with its defaults (access log to a file)"
    else:
        how = f"`userpools serve` on {setup.describe()} (access log to a file)"
    notes = [f"userpools: {how}, seeded through its store before it starts."]
    if settings is not None:
        notes += [postgres_note(setup, settings), durability_note(settings)]
    if workers > 1:
        notes.append("server CPU and RSS are sums over the server's processes (its workers).")
    if moto is not None:
        why = " (seeding it through its API at that size would take too long)"
        notes.append(
            f"moto: `python -m moto.server`, seeded through its API, measured at N={moto.n:,} "
            f"only{why if big.n > moto.n else ''}."
        )
    notes.append(
        "ratio = how many times better userpools is than moto at the same N "
        "(rates: userpools/moto; times and memory: moto/userpools)."
    )
    notes.append(
        "clients and server share the CPUs: client CPU per request is shown so that "
        "client-bound throughput figures can be told apart from server-bound ones."
    )
    ratio_title = f"ratio (userpools vs moto, N={moto.n:,})" if moto is not None else None
    return Run(
        columns,
        ROWS,
        notes,
        targets(big, small, moto),
        ratio_title,
        partial(advantage, small, moto),
        settings,
    )


def run_scale_out(args: argparse.Namespace, workdir: Path) -> Run:
    """SQLite and PostgreSQL with the same workers, and moto, all at --moto-n."""
    n, workers = args.moto_n, args.workers or 2
    on_sqlite, on_postgres = Setup("SQLite", workers), postgres_setup(args, workers)
    settings = server_settings(on_postgres.url)
    sqlite = bench_userpools(n, args, workdir, on_sqlite)
    postgres = bench_userpools(n, args, workdir, on_postgres)
    moto = None if args.skip_moto else bench_moto(n, args, workdir)

    notes = [
        f"userpools: `userpools serve --workers {workers}` (access log to a file) on SQLite "
        "(a file in a temporary directory) and on PostgreSQL, each seeded through its store "
        "before it starts.",
        postgres_note(on_postgres, settings),
        durability_note(settings),
    ]
    if moto is not None:
        notes.append("moto: `python -m moto.server` (one process), seeded through its API.")
    notes += [
        "PostgreSQL vs SQLite = how many times better SQLite's figure is (rates: "
        "sqlite/postgres; times, CPU and memory: postgres/sqlite): above 1, PostgreSQL is "
        "behind.",
        "server CPU = the `userpools serve` process and its worker processes; PostgreSQL "
        "backends' CPU = the backends of the server's connections (told apart by their "
        "application_name); both from /proc/<pid>/stat. On SQLite the database work happens "
        "inside the server's processes, on PostgreSQL partly in the backends: compare the "
        "'server + PostgreSQL' rows.",
        "clients, server and PostgreSQL share the CPUs: client CPU per request is shown so "
        "that client-bound throughput figures can be told apart from server-bound ones.",
    ]
    return Run(
        [sqlite, postgres, *([moto] if moto else [])],
        SCALE_ROWS,
        notes,
        scale_targets(sqlite, postgres),
        "PostgreSQL vs SQLite (sqlite/postgres)",
        partial(advantage, sqlite, postgres),
        settings,
    )


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    workdir = Path(tempfile.mkdtemp(prefix="userpools-bench-"))
    log(f"working directory: {workdir}")
    started = datetime.now(UTC)
    load_before = os.getloadavg()
    try:
        run = run_scale_out(args, workdir) if args.scale_out else run_default(args, workdir)
    finally:
        if args.keep:
            log(f"kept {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    load_after = os.getloadavg()

    print()
    mode = "Membership benchmark, scale-out" if args.scale_out else "Membership benchmark"
    print(
        f"{mode}, {started:%Y-%m-%d %H:%M} UTC; boto3 over HTTP on loopback, "
        f"{os.cpu_count()} CPUs; PageSize/Limit {PAGE_SIZE}; {args.clients} client processes "
        f"for {args.duration:g} s per throughput figure; medians of {args.repeats} repeats; "
        f"one user in {args.groups} groups."
    )
    for note in run.notes:
        print(note)
    print(
        "load average (1/5/15 min) at start: {:.2f} {:.2f} {:.2f}; at end: {:.2f} {:.2f} {:.2f} "
        "(other work on the machine skews every figure).".format(*load_before, *load_after)
    )
    if args.quick:
        print("--quick: small sizes, not the reported figures.")
    print()
    print(table(run.columns, run.rows, run.ratio_title, run.ratio_of))
    print()
    print("Targets:")
    for t in run.checks:
        status = "n/a " if t.passed is None else ("PASS" if t.passed else "MISS")
        print(f"  {status}  {t.description}: {t.value}")
    notes = [(m.title, e) for m in run.columns for e in m.first_errors]
    if notes:
        print()
        print("Errors seen:")
        for title, error in notes:
            print(f"  {title}: {error}")

    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    name = "membership-scale-out" if args.scale_out else "membership"
    out = RESULTS_DIR / f"{name}-{started:%Y%m%dT%H%M%SZ}.json"
    report = {
        "started": started.isoformat(),
        "arguments": vars(args),
        "environment": environment(),
        "postgres": run.postgres,
        "load_average": {"start": load_before, "end": load_after},
        "measurements": [{"title": m.title, **asdict(m)} for m in run.columns],
        "targets": [asdict(t) for t in run.checks],
    }
    out.write_text(json.dumps(report, indent=2) + "\n")
    print()
    print(f"results: {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
