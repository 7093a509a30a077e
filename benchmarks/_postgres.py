"""PostgreSQL for the benchmarks: private databases or schemas, and backend CPU.

Every measured size gets a database (``--postgres``) or a schema (``--database-url``) of
its own, created here and dropped at the end, so runs never see each other's rows.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

import psycopg
from psycopg import sql

from _servers import CpuSnapshot, cpu_of

DEFAULT_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/test"
#: ``application_name`` of the server's connections: how its backends are told apart.
SERVER_APPLICATION = "userpools-bench"
_MONITOR_APPLICATION = "userpools-bench-monitor"
#: Settings shown in the report: they decide what a commit costs.
SHOWN_SETTINGS = ("synchronous_commit", "fsync", "shared_buffers", "max_connections")


def with_params(url: str, **params: str) -> str:
    """``url`` with query parameters added (libpq reads them as connection parameters)."""
    parts = urlsplit(url)
    query = [*parse_qsl(parts.query), *params.items()]
    return urlunsplit(parts._replace(query=urlencode(query, quote_via=quote)))  # %20, not +


def private_name(n: int) -> str:
    return f"userpools_bench_{time.strftime('%Y%m%d_%H%M%S')}_{os.getpid()}_{n}"


@contextmanager
def private_database(admin_url: str, name: str) -> Iterator[str]:
    """Create database ``name``, yield its URL, and always drop it (``WITH (FORCE)``)."""
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    parts = urlsplit(admin_url)
    url = urlunsplit(parts._replace(path=f"/{name}"))
    try:
        yield url
    finally:
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )


@contextmanager
def private_schema(url: str, name: str) -> Iterator[str]:
    """Create schema ``name`` in the database at ``url``; yield a URL whose search_path is
    that schema only (the store creates its tables there); always drop it (``CASCADE``)."""
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE SCHEMA {}").format(sql.Identifier(name)))
    try:
        yield with_params(url, options=f"-c search_path={name}")
    finally:
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(sql.Identifier(name)))


@contextmanager
def private_store_url(n: int, *, admin_url: str | None, database_url: str | None) -> Iterator[str]:
    """A URL on a private database (admin URL given) or schema (database URL given)."""
    name = private_name(n)
    if database_url is not None:
        with private_schema(database_url, name) as url:
            yield url
    elif admin_url is not None:
        with private_database(admin_url, name) as url:
            yield url
    else:
        raise ValueError("an admin URL or a database URL is needed")


#: The tables the seeding fills.
SEEDED_TABLES = ("user_pools", "users", "groups", "memberships")


def vacuum_analyze(url: str) -> None:
    """``VACUUM (ANALYZE)`` the seeded tables: what autovacuum does by itself within about
    a minute of a bulk load. Done here, it neither runs in the middle of a measurement
    nor changes the planner's statistics there."""
    tables = sql.SQL(", ").join(sql.Identifier(t) for t in SEEDED_TABLES)
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(sql.SQL("VACUUM (ANALYZE) {}").format(tables))


def server_settings(url: str) -> dict[str, str]:
    with psycopg.connect(url, autocommit=True) as conn:
        shown: dict[str, str] = {}
        version = conn.execute("SHOW server_version").fetchone()
        shown["server_version"] = str(version[0]) if version else "?"
        for name in SHOWN_SETTINGS:
            row = conn.execute(sql.SQL("SHOW {}").format(sql.Identifier(name))).fetchone()
            shown[name] = str(row[0]) if row else "?"
        return shown


class BackendCpu:
    """CPU of the PostgreSQL backends serving one application (``application_name``).

    Read from ``/proc/<pid>/stat``, so only when PostgreSQL runs on this machine and its
    processes are visible; otherwise ``available`` is false and snapshots are empty.
    """

    def __init__(self, url: str, application: str) -> None:
        self._conn = psycopg.connect(
            with_params(url, application_name=_MONITOR_APPLICATION), autocommit=True
        )
        self._application = application
        row = self._conn.execute("SELECT pg_backend_pid()").fetchone()
        own = int(row[0]) if row else 0
        try:
            self.available = Path(f"/proc/{own}/comm").read_text().strip() == "postgres"
        except OSError:
            self.available = False

    def pids(self) -> list[int]:
        rows = self._conn.execute(
            "SELECT pid FROM pg_stat_activity WHERE application_name = %s",
            (self._application,),
        ).fetchall()
        return [int(r[0]) for r in rows]

    def snapshot(self) -> CpuSnapshot:
        return cpu_of(self.pids()) if self.available else {}

    def close(self) -> None:
        self._conn.close()


@contextmanager
def backend_cpu(url: str, application: str) -> Iterator[Callable[[], CpuSnapshot] | None]:
    meter = BackendCpu(url, application)
    try:
        yield meter.snapshot if meter.available else None
    finally:
        meter.close()
