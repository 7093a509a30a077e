"""Pages at a million members: userpools (SQLite, PostgreSQL) beside moto, and a floor.

In one run (issue 11, item 5):

1. **Seeding through the API**: AdminCreateUser (``MessageAction=SUPPRESS``, no
   password) then AdminAddUserToGroup for ``--api-n`` users, by 4 threads each with its
   own boto3 client, on userpools and on moto; and userpools seeded through its store.
2. **Pages** of one group of N members in one pool, N in ``--sizes``. userpools is seeded
   through its store, grown size by size, and restarted at each size. moto is seeded
   through its API and measured at the sizes whose seeding fits ``--moto-budget``; its
   figures at larger sizes are extrapolated (its page cost is linear in the pool size).
   At each size: first pages per second by ``wrk`` (1 and 8 connections) and by boto3,
   first, last and last full page latencies, interleaved, and the server's RSS.
3. **A floor**: ``floor.py``, a bare Starlette app answering the same page.

It prints the tables and the issue's targets, writes JSON to ``benchmarks/results/`` and
draws ``--plot``. Run with the project's venv:

    .venv/bin/python benchmarks/scale.py            # about 40 minutes (see benchmarks/README.md)
    .venv/bin/python benchmarks/scale.py --quick    # a smoke run (~2 minutes)
"""

from __future__ import annotations

import argparse
import json
import math
import os
import shutil
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import asdict, dataclass, replace
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any

import orjson

from _postgres import (
    DEFAULT_ADMIN_URL,
    SERVER_APPLICATION,
    backend_cpu,
    private_database,
    private_name,
    server_settings,
    vacuum_analyze,
    with_params,
)
from _scale_report import ApiFigures, Point, draw, extrapolate, report, targets
from _servers import (
    BIG_GROUP,
    USERPOOLS_POOL_ID,
    Client,
    CpuSnapshot,
    Server,
    cpu_used,
    environment,
    free_port,
    grow_group,
    log,
    make_client,
    moto_command,
    running,
    seed_userpools,
    tree_memory_mb,
    username,
    userpools_command,
)
from _wrk import Connection, Request, boto3_request, run_wrk, wrk_version

PAGE_SIZE = 60
API_THREADS = 4
HERE = Path(__file__).resolve().parent
RESULTS_DIR = HERE / "results"
SIZES = (1_000, 10_000, 100_000, 1_000_000)
QUICK = {"sizes": [1_000, 10_000], "duration": 2.0, "boto3_duration": 1.0, "repeats": 30}
QUICK |= {"api_n": 300, "moto_budget": 60.0}


# seeding through the API -----------------------------------------------------------------


@dataclass
class Calls:
    per_second: float
    p50_ms: float
    count: int
    errors: int
    first_error: str | None
    client_cpu_ms: float  # this process's CPU per call: the 4 clients share one GIL


def in_threads(
    clients: list[Client], call: Callable[[Client, str], Any], names: list[str]
) -> Calls:
    """``call(client, name)`` for every name, thread ``i`` taking every ``len(clients)``-th
    name with ``clients[i]`` (boto3 clients are made up front: making them is not
    thread-safe)."""
    latencies: list[list[float]] = [[] for _ in clients]
    errors: list[str] = []
    start_line = threading.Barrier(len(clients) + 1)

    def work(i: int) -> None:
        start_line.wait()
        for name in names[i :: len(clients)]:
            start = time.perf_counter()
            try:
                call(clients[i], name)
            except Exception as exc:
                errors.append(repr(exc))
                continue
            latencies[i].append(time.perf_counter() - start)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(len(clients))]
    for thread in threads:
        thread.start()
    start_line.wait()
    start, cpu = time.perf_counter(), time.process_time()
    for thread in threads:
        thread.join()
    elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
    done = [t for per_thread in latencies for t in per_thread]
    p50 = statistics.median(done) * 1000 if done else 0.0
    first_error = errors[0] if errors else None
    client_ms = 1000 * cpu / max(len(done), 1)
    return Calls(len(done) / elapsed, p50, len(done), len(errors), first_error, client_ms)


def api_clients(endpoint: str) -> list[Client]:
    clients = [make_client(endpoint) for _ in range(API_THREADS)]
    for client in clients:
        client.list_user_pools(MaxResults=1)  # opens its connection
    return clients


def create_users(clients: list[Client], pool_id: str, names: list[str]) -> Calls:
    def create(client: Client, name: str) -> None:
        attributes = [
            {"Name": "email", "Value": f"{name}@example.com"},
            {"Name": "name", "Value": f"User {int(name[4:])}"},
        ]
        client.admin_create_user(
            UserPoolId=pool_id, Username=name, MessageAction="SUPPRESS", UserAttributes=attributes
        )

    return in_threads(clients, create, names)


def add_users(clients: list[Client], pool_id: str, group: str, names: list[str]) -> Calls:
    def add(client: Client, name: str) -> None:
        client.admin_add_user_to_group(UserPoolId=pool_id, GroupName=group, Username=name)

    return in_threads(clients, add, names)


def seed_through_api(server: Server, n: int) -> ApiFigures:
    """AdminCreateUser then AdminAddUserToGroup for ``n`` users in a pool of their own,
    deleted afterwards."""
    clients = api_clients(server.endpoint)
    pool_id = clients[0].create_user_pool(PoolName="api")["UserPool"]["Id"]
    clients[0].create_group(UserPoolId=pool_id, GroupName="api")
    names = [username(i) for i in range(n)]
    log(f"{server.name}: AdminCreateUser x{n:,}, {API_THREADS} threads")
    mark = cpu_mark(server)
    creates = create_users(clients, pool_id, names)
    create_cpu, mark = cpu_since(server, mark), cpu_mark(server)
    log(f"{server.name}: AdminAddUserToGroup x{n:,}, {API_THREADS} threads")
    adds = add_users(clients, pool_id, "api", names)
    add_cpu = cpu_since(server, mark)
    clients[0].delete_user_pool(UserPoolId=pool_id)
    return ApiFigures(
        server.name,
        n,
        creates.per_second,
        creates.p50_ms,
        1000 * create_cpu / max(creates.count, 1),
        adds.per_second,
        adds.p50_ms,
        1000 * add_cpu / max(adds.count, 1),
        creates.errors + adds.errors,
        creates.first_error or adds.first_error,
        creates.client_cpu_ms,
        adds.client_cpu_ms,
    )


def cpu_mark(server: Server) -> tuple[CpuSnapshot, CpuSnapshot]:
    """CPU so far of the server's processes and of its PostgreSQL backends, if any."""
    database = server.database_cpu() if server.database_cpu is not None else {}
    return server.cpu(), database


def cpu_since(server: Server, mark: tuple[CpuSnapshot, CpuSnapshot]) -> float:
    """CPU seconds the server's processes and its PostgreSQL backends used since ``mark``."""
    now = cpu_mark(server)
    return sum(cpu_used(mark[0], now[0]).values()) + sum(cpu_used(mark[1], now[1]).values())


# pages -------------------------------------------------------------------------------------


def measure(
    server: Server,
    pool_id: str,
    point: Point,
    args: argparse.Namespace,
    reference: Request | None = None,
) -> tuple[Request, bytes]:
    """Every page figure of ``point`` on a running server; the first page's request and body.

    ``reference``: a first page of another server (the smallest size), timed with the others.
    """
    client = make_client(server.endpoint)
    members = {"UserPoolId": pool_id, "GroupName": BIG_GROUP, "Limit": PAGE_SIZE}
    first = boto3_request(client, "list_users_in_group", **members)
    conn = Connection(first.url)
    status, first_body = conn.send(first)
    users = orjson.loads(first_body).get("Users", []) if status == 200 else []
    if status != 200 or len(users) != min(PAGE_SIZE, point.n):
        raise RuntimeError(f"{server.name}: first page {status}, {len(users)} users")

    log(f"{server.name} N={point.n:,}: walking the NextToken chain")
    tokens: list[str] = []
    start, body, items = time.perf_counter(), first_body, 0
    while True:
        page = orjson.loads(body)
        items += len(page["Users"])
        if not page.get("NextToken"):
            break
        tokens = [*tokens[-1:], page["NextToken"]]
        point.walk_pages += 1
        status, body = conn.send(first.with_params({**members, "NextToken": page["NextToken"]}))
        if status != 200:
            raise RuntimeError(f"{server.name}: page {point.walk_pages + 1}: {status} {body!r}")
    point.walk_pages += 1
    point.walk_s = time.perf_counter() - start
    if items != point.n:
        point.errors.append(f"the NextToken chain holds {items:,} users, not {point.n:,}")

    log(f"{server.name} N={point.n:,}: first, last, last full page x{args.repeats}")
    last = boto3_request(client, "list_users_in_group", **members, NextToken=tokens[-1])
    full = boto3_request(client, "list_users_in_group", **members, NextToken=tokens[0])
    point.last_items = len(orjson.loads(conn.send(last)[1])["Users"])
    point.first_ms, point.last_ms, point.last_full_ms = interleaved(
        [(conn, first), (conn, last), (conn, full)], args.repeats
    )
    if reference is not None:
        # Apart from the above: alternating between two servers slows both a little.
        other = Connection(reference.url)
        alongside, point.reference_first_ms = interleaved(
            [(conn, first), (other, reference)], args.repeats
        )
        point.first_over_reference = alongside / point.reference_first_ms
        other.close()
    conn.close()

    for connections in (1, 8):
        log(f"{server.name} N={point.n:,}: wrk -c {connections}, {args.duration:g} s")
        result = run_wrk(server, first, connections, args.wrk_threads, args.duration, args.tmp)
        point.set_wrk(connections, result)
        if result.non_2xx or result.socket_errors:
            point.errors.append(
                f"wrk -c {connections}: {result.non_2xx} non-2xx, "
                f"{result.socket_errors} socket errors"
            )

    log(f"{server.name} N={point.n:,}: boto3, 1 client, {args.boto3_duration:g} s")
    count, start = 0, time.perf_counter()
    while time.perf_counter() - start < args.boto3_duration:
        client.list_users_in_group(**members)
        count += 1
    point.boto3_pages_per_s = count / (time.perf_counter() - start)
    point.rss_mb = tree_memory_mb(server.pid)[0]
    if problems := server.log_problems():
        point.errors.append(f"{problems} tracebacks or given-up calls in {server.log}")
    return first, first_body


def interleaved(requests: list[tuple[Connection, Request]], repeats: int) -> list[float]:
    """Median milliseconds of each request, sent in turn ``repeats`` times."""
    times: list[list[float]] = [[] for _ in requests]
    for _ in range(repeats):
        for kind, (connection, request) in enumerate(requests):
            times[kind].append(connection.timed(request))
    return [statistics.median(t) * 1000 for t in times]


@dataclass
class Store:
    """userpools on one engine: where its data lives and how its server is started."""

    name: str  # "SQLite" or "PostgreSQL"
    url: str  # the store's URL (open_store, grow_group)
    server_options: list[str]
    #: The CPU meter of its PostgreSQL backends, entered once per server.
    database_cpu: Callable[[], AbstractContextManager[Callable[[], CpuSnapshot] | None]] = (
        nullcontext
    )


@contextmanager
def userpools_store(name: str, args: argparse.Namespace, label: str) -> Iterator[Store]:
    """A fresh database for userpools on ``name``'s engine, removed at the end."""
    from userpools.store import sqlite_url

    if name == "SQLite":
        db = args.tmp / f"userpools-{label}.db"
        yield Store(name, sqlite_url(db), ["--db", str(db)])
        return
    with private_database(args.postgres_admin_url, private_name(0) + f"_{label}") as url:
        application = f"{SERVER_APPLICATION}-{label}"  # its backends, told apart from others'
        server_url = with_params(url, application_name=application)
        yield Store(
            name, url, ["--database-url", server_url], partial(backend_cpu, url, application)
        )


@contextmanager
def serving(store: Store, args: argparse.Namespace, label: str) -> Iterator[Server]:
    """``userpools serve`` on ``store``, from ``--src``."""
    port = free_port()
    command = [*userpools_command(port, workers=args.workers), *store.server_options]
    env = {**os.environ, "PYTHONPATH": str(args.src)}
    log_file = args.tmp / f"userpools-{store.name.lower()}-{label}.log"
    name = f"userpools/{store.name}"
    workers = args.workers if args.workers > 1 else 0
    with (
        running(name, command, port, log_file, workers=workers, env=env) as server,
        store.database_cpu() as cpu,
    ):
        server.database_cpu = cpu
        yield server


def bench_userpools(
    engine: str, args: argparse.Namespace, api: list[ApiFigures], points: list[Point]
) -> tuple[Request, bytes]:
    """The API seeding, then every size, for userpools on ``engine``; the first page's
    request and body at the smallest size."""
    from userpools.store import open_store

    with userpools_store(engine, args, "api") as store:
        seeding = open_store(store.url)  # migrations: not timed
        start = time.perf_counter()
        seed_userpools(seeding, args.api_n, 0)
        rows_per_s = args.api_n / (time.perf_counter() - start)
        with serving(store, args, "api") as server:
            figures = seed_through_api(server, args.api_n)
        api.append(replace(figures, store_rows_per_s=rows_per_s))

    first: tuple[Request, bytes] | None = None
    with (
        userpools_store(engine, args, "reference") as reference_store,
        userpools_store(engine, args, "pages") as store,
    ):
        # The smallest size again, served throughout: its first page is timed alongside
        # each size's, so that their ratio does not depend on when each was measured.
        grow(reference_store, 0, args.sizes[0])
        with serving(reference_store, args, "reference") as reference:
            members = {"UserPoolId": USERPOOLS_POOL_ID, "GroupName": BIG_GROUP, "Limit": PAGE_SIZE}
            client = make_client(reference.endpoint)
            reference_page = boto3_request(client, "list_users_in_group", **members)
            seeded = 0
            for n in args.sizes:
                log(f"userpools/{engine}: growing the group from {seeded:,} to {n:,}")
                point = Point(f"userpools/{engine}", n, seed_s=grow(store, seeded, n))
                point.seed_per_s = (n - seeded) / point.seed_s
                seeded = n
                with serving(store, args, str(n)) as server:
                    page = measure(server, USERPOOLS_POOL_ID, point, args, reference_page)
                first = first or page
                points.append(point)
    assert first is not None
    return first


def grow(store: Store, start: int, end: int) -> float:
    """Grow the store's group through the store (and VACUUM it on PostgreSQL); seconds."""
    from userpools.store import open_store

    began = time.perf_counter()
    seeding = open_store(store.url)
    grow_group(seeding, start, end)
    seeding.close()
    if store.name == "PostgreSQL":
        vacuum_analyze(store.url)
    return time.perf_counter() - began


def moto_sizes(api: ApiFigures, args: argparse.Namespace) -> list[int]:
    """The sizes whose seeding through moto's API is expected to fit ``--moto-budget``,
    from the rates measured in the API phase (the cost of a call does not grow with N).

    Extrapolating needs two: when fewer of ``--sizes`` fit, moto is measured at the largest
    that fits (else the largest power of ten that does) and at a tenth of it.
    """
    per_user = 1 / api.users_per_s + 1 / api.adds_per_s
    fits = [n for n in args.sizes if n * per_user <= args.moto_budget]
    if len(fits) >= 2:
        return fits
    top = fits[-1] if fits else 10 ** int(math.log10(max(args.moto_budget / per_user, 10)))
    return sorted({max(top // 10, 2 * PAGE_SIZE), max(top, 2 * PAGE_SIZE)})


def bench_moto(args: argparse.Namespace, api: list[ApiFigures], points: list[Point]) -> None:
    port = free_port()
    with running("moto", moto_command(port), port, args.tmp / "moto.log") as server:
        figures = seed_through_api(server, args.api_n)
        api.append(figures)
        sizes = moto_sizes(figures, args)
        log(f"moto: measured at N = {', '.join(f'{n:,}' for n in sizes)} (--moto-budget)")
        clients = api_clients(server.endpoint)
        pool_id = clients[0].create_user_pool(PoolName="bench")["UserPool"]["Id"]
        clients[0].create_group(UserPoolId=pool_id, GroupName=BIG_GROUP)
        seeded = 0
        for n in sizes:
            log(f"moto: growing the group from {seeded:,} to {n:,} through the API")
            names = [username(i) for i in range(seeded, n)]
            start = time.perf_counter()
            create_users(clients, pool_id, names)
            add_users(clients, pool_id, BIG_GROUP, names)
            point = Point("moto", n, seed_s=time.perf_counter() - start)
            point.seed_per_s = (n - seeded) / point.seed_s
            seeded = n
            measure(server, pool_id, point, args)
            points.append(point)


def bench_floor(request: Request, body: bytes, args: argparse.Namespace) -> dict[str, Any]:
    """The floor answering ``body`` to userpools' first page ``request``, under wrk."""
    page = args.tmp / "page.json"
    page.write_bytes(body)
    port = free_port()
    command = [sys.executable, str(HERE / "floor.py"), "--page", str(page), "--port", str(port)]
    with running("floor", command, port, args.tmp / "floor.log") as server:
        request = replace(request, url=server.endpoint + "/")
        return {
            str(c): run_wrk(server, request, c, args.wrk_threads, args.duration, args.tmp)
            for c in (1, 8)
        }


# command line ----------------------------------------------------------------------------


def postgres_reachable(url: str) -> bool:
    import psycopg

    try:
        psycopg.connect(url, connect_timeout=3).close()
    except psycopg.Error:
        return False
    return True


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="scale.py",
        description=__doc__.split("\n\n")[1].replace("\n", " ") if __doc__ else "pages at scale",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    add = parser.add_argument
    add("--sizes", type=int, nargs="+", default=list(SIZES), help="members of the group")
    add("--api-n", type=int, default=2_000, help="users created through the API")
    add("--moto-budget", type=float, default=300.0, help="seconds of moto seeding allowed")
    add("--duration", type=float, default=10.0, help="seconds of each wrk run")
    add("--boto3-duration", type=float, default=3.0, help="seconds of boto3 first pages")
    add("--repeats", type=int, default=200, help="first/last page timings per size")
    add("--wrk-threads", type=int, default=1, help="wrk's threads (-t)")
    add("--workers", type=int, default=1, help="userpools serve --workers (moto has one)")
    add(
        "--postgres",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="also on PostgreSQL (default: if --postgres-admin-url is reachable)",
    )
    add("--postgres-admin-url", default=DEFAULT_ADMIN_URL, help="where private databases are made")
    add("--skip-moto", action="store_true", help="measure userpools only")
    add("--src", type=Path, default=HERE.parent / "src", help="the server's source tree")
    add(
        "--plot",
        type=Path,
        default=None,
        help="the PNG to draw (default: docs/performance.png; with --quick, in results/)",
    )
    add("--no-plot", action="store_true", help="draw no plot")
    add("--keep", action="store_true", help="keep the temporary directory")
    add("--quick", action="store_true", help="a smoke run: " + ", ".join(QUICK))
    args = parser.parse_args(argv)
    if args.quick:
        for name, value in QUICK.items():
            if getattr(args, name) == parser.get_default(name):
                setattr(args, name, value)
    if args.plot is None:
        quick = RESULTS_DIR / "scale-quick.png"
        args.plot = quick if args.quick else HERE.parent / "docs" / "performance.png"
    args.sizes = sorted(set(args.sizes))
    if args.sizes[0] <= 2 * PAGE_SIZE:
        parser.error(f"--sizes: each must be above {2 * PAGE_SIZE} (the last two pages are timed)")
    args.src = args.src.resolve()
    if args.postgres is None:
        args.postgres = postgres_reachable(args.postgres_admin_url)
    return args


def finite(value: Any) -> Any:
    """``value`` with NaN (a figure that could not be extrapolated) as ``None``: valid JSON."""
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, dict):
        return {k: finite(v) for k, v in value.items()}
    if isinstance(value, list):
        return [finite(v) for v in value]
    return value


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    sys.path.insert(0, str(args.src))  # the store that seeds is the one that serves
    args.tmp = Path(tempfile.mkdtemp(prefix="userpools-scale-"))
    log(f"working directory: {args.tmp}; server source: {args.src}")
    started = datetime.now(UTC)
    load_before = os.getloadavg()
    api: list[ApiFigures] = []
    points: list[Point] = []
    settings = server_settings(args.postgres_admin_url) if args.postgres else None
    try:
        request, body = bench_userpools("SQLite", args, api, points)
        if args.postgres:
            bench_userpools("PostgreSQL", args, api, points)
        if not args.skip_moto:
            bench_moto(args, api, points)
            points += extrapolate(points, args.sizes)
        log("floor: Starlette + orjson, the same page")
        floor = bench_floor(request, body, args)
    finally:
        if args.keep:
            log(f"kept {args.tmp}")
        else:
            shutil.rmtree(args.tmp, ignore_errors=True)
    load_after = os.getloadavg()
    checks = targets(api, points, floor)
    print()
    print(report(api, points, floor, checks, args, started, (load_before, load_after)))

    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    out = RESULTS_DIR / f"scale-{started:%Y%m%dT%H%M%SZ}.json"
    results = {
        "started": started.isoformat(),
        "arguments": {k: str(v) if isinstance(v, Path) else v for k, v in vars(args).items()},
        "environment": {**environment("matplotlib"), "wrk": wrk_version()},
        "postgres": settings,
        "load_average": {"start": load_before, "end": load_after},
        "api": [asdict(a) for a in api],
        "points": [asdict(p) for p in points],
        "floor": {c: asdict(r) for c, r in floor.items()},
        "targets": [asdict(t) for t in checks],
    }
    out.write_text(json.dumps(finite(results), indent=2) + "\n")
    print(f"\nresults: {out}")
    if not args.no_plot:
        draw(points, floor, args.plot)
        print(f"plot: {args.plot}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
