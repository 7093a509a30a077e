"""A PostgreSQL connection lost during COMMIT is settled, never answered as a bug (issue 10,
item 6).

When the connection drops while COMMIT is under way, the client cannot know whether the
transaction was kept. The store asks a fresh connection (``txid_status``) and answers the
truth: committed, the call succeeded (and its function is not run again); aborted, the
transaction runs again; unknowable, ``ServiceUnavailable`` (503). Three real ways in:

- the backend is terminated (``pg_terminate_backend``) while a deferred trigger holds the
  COMMIT open: the transaction aborts;
- a TCP proxy between the server and PostgreSQL forwards the COMMIT, lets it land, and
  cuts the connection before the answer comes back: the transaction committed;
- the same cut, with the proxy refusing new connections for a while: nothing can be asked.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Iterator
from typing import Any

import psycopg
import pytest

from userpools.domain.errors import COMMIT_UNSETTLED, DATABASE_UNREACHABLE
from userpools.store import postgres
from userpools.testing import RunningServer, start_server

from .nodes import attempt

#: A commit-time (deferred) trigger on ``groups`` that sleeps, so COMMIT takes a while.
SLOW_COMMIT = """
CREATE FUNCTION slow_commit() RETURNS trigger LANGUAGE plpgsql AS
  $$ BEGIN PERFORM pg_sleep(0.5); RETURN NULL; END $$;
CREATE CONSTRAINT TRIGGER slow_commit AFTER INSERT ON groups
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION slow_commit();
"""
SLEEPERS = (
    "SELECT pid FROM pg_stat_activity WHERE datname = current_database()"
    " AND wait_event = 'PgSleep' AND pid <> pg_backend_pid()"
)
#: How long the proxy waits after forwarding COMMIT before it cuts: PostgreSQL commits.
LAND_SECONDS = 0.3


@pytest.fixture(scope="session")
def store_kind() -> str:
    """Only PostgreSQL: ``fresh_database`` is a private PostgreSQL database here."""
    return "postgres"


class CuttingProxy:
    """A TCP proxy to PostgreSQL that, when armed, cuts the next connection that sends the
    COMMIT of a write (an INSERT): the COMMIT is forwarded, the answer never passed back."""

    def __init__(self, host: str, port: int) -> None:
        self.upstream = (host, port)
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port: int = self.listener.getsockname()[1]
        self.armed = threading.Event()
        self.cuts = 0
        self.refuse_until = 0.0
        self.refuse_seconds = 0.0
        #: Cut every connection that begins a transaction (new connections still open).
        self.drop_transactions = False
        self._sockets: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                downstream, _ = self.listener.accept()
            except OSError:
                return
            if time.monotonic() < self.refuse_until:
                downstream.close()
                continue
            upstream = socket.create_connection(self.upstream)
            self._sockets += [downstream, upstream]
            cut = threading.Event()
            threading.Thread(target=self._pump, args=(downstream, upstream, cut, True)).start()
            threading.Thread(target=self._pump, args=(upstream, downstream, cut, False)).start()

    def _pump(self, src: socket.socket, dst: socket.socket, cut: threading.Event, up: bool) -> None:
        wrote = False  # an INSERT since this connection's last COMMIT: a write transaction
        try:
            while data := src.recv(65536):
                wrote = wrote or (up and b"INSERT" in data)
                if up and self.drop_transactions and b"BEGIN" in data:
                    cut.set()  # the connection dies as the transaction begins
                    break
                if up and b"COMMIT" in data:
                    if wrote and self.armed.is_set():
                        self.armed.clear()
                        self.cuts += 1
                        self.refuse_until = time.monotonic() + self.refuse_seconds
                        cut.set()  # from now on, nothing more reaches the client
                        dst.sendall(data)
                        time.sleep(LAND_SECONDS)  # unless the answer came first: it landed
                        break
                    wrote = False
                if cut.is_set():
                    break
                dst.sendall(data)
        except OSError:
            pass
        for sock in (src, dst):
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()

    def close(self) -> None:
        self.listener.close()
        for sock in self._sockets:
            sock.close()


@pytest.fixture
def database_url(fresh_database: dict[str, Any]) -> str:
    return str(fresh_database["database_url"])


@pytest.fixture
def proxy(database_url: str) -> Iterator[CuttingProxy]:
    info = psycopg.conninfo.conninfo_to_dict(database_url)
    cutting = CuttingProxy(str(info.get("host", "127.0.0.1")), int(info.get("port", 5432)))
    yield cutting
    cutting.close()


@pytest.fixture
def proxied(proxy: CuttingProxy, database_url: str, tmp_path: Any) -> Iterator[RunningServer]:
    info = psycopg.conninfo.conninfo_to_dict(database_url)
    info.update(host="127.0.0.1", port=str(proxy.port))
    yield from start_server(
        tmp_path / "unused.db", database_url=psycopg.conninfo.make_conninfo(**info)
    )


def groups_named(database_url: str, name: str) -> int:
    with psycopg.connect(database_url) as conn:
        row = conn.execute("SELECT count(*) FROM groups WHERE name = %s", (name,)).fetchone()
    assert row is not None
    return int(row[0])


def test_create_group_when_the_backend_is_terminated_during_commit_runs_it_again(
    database_url: str, tmp_path: Any
) -> None:
    server_gen = start_server(tmp_path / "unused.db", database_url=database_url)
    server = next(server_gen)
    try:
        api = server.client()  # one attempt: the server alone must settle it
        pool_id = api.create_user_pool(PoolName="commit")["UserPool"]["Id"]
        with psycopg.connect(database_url, autocommit=True) as admin:
            admin.execute(SLOW_COMMIT)
            terminated: list[int] = []

            def terminate_the_first_sleeper() -> None:
                deadline = time.monotonic() + 10
                with psycopg.connect(database_url, autocommit=True) as conn:
                    while not terminated and time.monotonic() < deadline:
                        for (pid,) in conn.execute(SLEEPERS).fetchall():
                            conn.execute("SELECT pg_terminate_backend(%s)", (pid,))
                            terminated.append(pid)
                        time.sleep(0.01)

            killer = threading.Thread(target=terminate_the_first_sleeper)
            killer.start()
            outcome = attempt(lambda: api.create_group(UserPoolId=pool_id, GroupName="team"))
            killer.join()
        assert len(terminated) == 1, "the backend was terminated during COMMIT"
        assert outcome.ok, outcome  # aborted, so the store ran it again, and that one committed
        assert outcome.response["Group"]["GroupName"] == "team"
        assert groups_named(database_url, "team") == 1
    finally:
        server_gen.close()


def test_create_group_whose_commit_landed_before_the_cut_succeeds_once(
    proxied: RunningServer, proxy: CuttingProxy, database_url: str
) -> None:
    api = proxied.client()
    pool_id = api.create_user_pool(PoolName="commit")["UserPool"]["Id"]
    proxy.armed.set()
    outcome = attempt(lambda: api.create_group(UserPoolId=pool_id, GroupName="team"))
    assert proxy.cuts == 1, "the connection was cut during COMMIT"
    # It committed: the call succeeded, and was not run again (that would be GroupExists).
    assert outcome.ok, outcome
    assert outcome.response["Group"]["GroupName"] == "team"
    assert groups_named(database_url, "team") == 1
    assert api.get_group(UserPoolId=pool_id, GroupName="team")["Group"]["GroupName"] == "team"


def test_create_group_whose_commit_cannot_be_settled_is_service_unavailable(
    proxied: RunningServer,
    proxy: CuttingProxy,
    database_url: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(postgres, "SETTLE_SECONDS", 0.5)
    api = proxied.client()
    pool_id = api.create_user_pool(PoolName="commit")["UserPool"]["Id"]
    proxy.refuse_seconds = 3.0  # PostgreSQL cannot be asked until the store has given up
    proxy.armed.set()
    outcome = attempt(lambda: api.create_group(UserPoolId=pool_id, GroupName="team"))
    assert proxy.cuts == 1, "the connection was cut during COMMIT"
    assert (outcome.status, outcome.code, outcome.message) == (
        503,
        "ServiceUnavailable",
        COMMIT_UNSETTLED,
    )
    # The truth, once it can be read: the COMMIT had landed.
    assert groups_named(database_url, "team") == 1
    time.sleep(max(0.0, proxy.refuse_until - time.monotonic()))
    assert api.get_group(UserPoolId=pool_id, GroupName="team")["Group"]["GroupName"] == "team"


def test_create_group_when_every_connection_drops_is_service_unavailable(
    proxied: RunningServer, proxy: CuttingProxy, database_url: str
) -> None:
    """The connection is lost on every attempt of the transaction: the database is not
    reachable in any useful sense, which is a 503, not a bug."""
    api = proxied.client()
    pool_id = api.create_user_pool(PoolName="commit")["UserPool"]["Id"]
    proxy.drop_transactions = True
    outcome = attempt(lambda: api.create_group(UserPoolId=pool_id, GroupName="team"))
    assert (outcome.status, outcome.code, outcome.message) == (
        503,
        "ServiceUnavailable",
        DATABASE_UNREACHABLE,
    )
    assert groups_named(database_url, "team") == 0
    proxy.drop_transactions = False
    assert attempt(lambda: api.create_group(UserPoolId=pool_id, GroupName="team")).ok
