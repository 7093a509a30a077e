"""Both stores for every end-to-end suite, and a private PostgreSQL database per run.

PostgreSQL comes from ``$USERPOOLS_TEST_POSTGRES`` (default
``postgresql://postgres@127.0.0.1:5432/test``). Each test run creates its own database
there and drops it afterwards, so runs never interfere. When PostgreSQL cannot be
reached the PostgreSQL tests are skipped, except under CI (``CI=true``), where they fail.
"""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from psycopg import sql

from userpools.testing import RunningServer, start_server

ADMIN_URL = os.environ.get("USERPOOLS_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test")
STORES = ("sqlite", "postgres")


def _unreachable(reason: str) -> None:
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"PostgreSQL is required under CI and unreachable: {reason}")
    pytest.skip(f"PostgreSQL unreachable: {reason}")


def database_url_for(name: str) -> str:
    info = psycopg.conninfo.conninfo_to_dict(ADMIN_URL)
    info["dbname"] = name
    return psycopg.conninfo.make_conninfo(**info)


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A fresh PostgreSQL database for this test run, dropped at the end."""
    name = f"userpools_test_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    try:
        admin = psycopg.connect(ADMIN_URL, autocommit=True, connect_timeout=5)
    except psycopg.OperationalError as exc:
        _unreachable(str(exc).strip())
    with admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        try:
            yield database_url_for(name)
        finally:
            admin.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )


@pytest.fixture(scope="session", params=STORES)
def store_kind(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture(scope="session")
def userpools_server(
    store_kind: str, tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest
) -> Iterator[RunningServer]:
    """The plugin's server, once on SQLite and once on PostgreSQL."""
    db_path = tmp_path_factory.mktemp("userpools") / "userpools.db"
    database_url = request.getfixturevalue("postgres_url") if store_kind == "postgres" else None
    yield from start_server(db_path, database_url=database_url)


@pytest.fixture
def fresh_database(store_kind: str, tmp_path: Path, request: pytest.FixtureRequest) -> Any:
    """Settings for a server of its own (``db``/``database_url``), on the current store.

    PostgreSQL tests get their own database, so they can restart or kill servers freely.
    """
    if store_kind == "sqlite":
        yield {"db_path": tmp_path / "own.db", "database_url": None}
        return
    base = request.getfixturevalue("postgres_url")
    name = f"{psycopg.conninfo.conninfo_to_dict(base)['dbname']}_{uuid.uuid4().hex[:6]}"
    with psycopg.connect(ADMIN_URL, autocommit=True) as admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    yield {"db_path": tmp_path / "unused.db", "database_url": database_url_for(name)}
    with psycopg.connect(ADMIN_URL, autocommit=True) as admin:
        admin.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )


class Clock:
    """The server's ``time.time`` plus an offset a test can move forward."""

    def __init__(self) -> None:
        self.offset = 0.0

    def __call__(self) -> float:
        return time.time() + self.offset

    def advance(self, seconds: float) -> None:
        self.offset += seconds


@pytest.fixture(scope="session")
def _server_clock() -> Clock:
    return Clock()


@pytest.fixture(scope="session")
def clocked_server(
    store_kind: str,
    _server_clock: Clock,
    tmp_path_factory: pytest.TempPathFactory,
    request: pytest.FixtureRequest,
) -> Iterator[RunningServer]:
    """A server of its own whose clock tests move with :func:`clock`, on the current store."""
    db_path = tmp_path_factory.mktemp("clocked") / "userpools.db"
    database_url = None
    if store_kind == "postgres":
        base = request.getfixturevalue("postgres_url")
        name = f"{psycopg.conninfo.conninfo_to_dict(base)['dbname']}_clock"
        with psycopg.connect(ADMIN_URL, autocommit=True) as admin:
            admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        database_url = database_url_for(name)
    try:
        yield from start_server(db_path, database_url=database_url, clock=_server_clock)
    finally:
        if database_url is not None:
            with psycopg.connect(ADMIN_URL, autocommit=True) as admin:
                admin.execute(
                    sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                        sql.Identifier(psycopg.conninfo.conninfo_to_dict(database_url)["dbname"])
                    )
                )


@pytest.fixture
def clock(clocked_server: RunningServer, _server_clock: Clock) -> Iterator[Clock]:
    """The clock of :func:`clocked_server`, back at real time for each test."""
    _server_clock.offset = 0.0
    yield _server_clock
    _server_clock.offset = 0.0
