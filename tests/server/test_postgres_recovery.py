"""A node recovers by itself when PostgreSQL drops its connections (as on a restart).

Stopping the shared PostgreSQL server is not an option in a test suite, so the test does
what a restart does to a node: every backend serving the node's private database is
terminated (``pg_terminate_backend``), which breaks each pooled connection. The node is
not restarted; its next calls must succeed. The client may use boto3's standard retry
mode, but no call may finally fail.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import psycopg
import pytest

from userpools.store.transactions import MAX_ATTEMPTS

from .nodes import Node, Nodes

#: Concurrent callers used to grow the node's connection pool to its largest size.
CALLERS = 16

BACKENDS = (
    "SELECT count(*) FROM pg_stat_activity"
    " WHERE datname = current_database() AND pid <> pg_backend_pid()"
)
TERMINATE = (
    "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
    " WHERE datname = current_database() AND pid <> pg_backend_pid()"
)


@pytest.fixture(scope="session")
def store_kind() -> str:
    """Only PostgreSQL: ``fresh_database`` is a private PostgreSQL database here."""
    return "postgres"


@pytest.fixture
def node(fresh_database: dict[str, Any], nodes: Nodes) -> Iterator[Node]:
    yield nodes.start(database_url=fresh_database["database_url"])


@pytest.fixture
def admin(fresh_database: dict[str, Any]) -> Iterator[psycopg.Connection[Any]]:
    """A connection of the test's own to the node's database (never terminated)."""
    with psycopg.connect(fresh_database["database_url"], autocommit=True) as conn:
        yield conn


def terminate_backends(admin: psycopg.Connection[Any]) -> int:
    row = admin.execute(TERMINATE).fetchone()
    assert row is not None
    return int(row[0])


def backends(admin: psycopg.Connection[Any]) -> int:
    row = admin.execute(BACKENDS).fetchone()
    assert row is not None
    return int(row[0])


def fill_the_pool(api: Any, pool_id: str) -> None:
    """Many overlapping calls, so the node opens as many connections as it may."""
    start = threading.Barrier(CALLERS)

    def call(i: int) -> None:
        start.wait(timeout=30)
        for _ in range(5):
            api.list_users_in_group(UserPoolId=pool_id, GroupName="team")
            api.admin_add_user_to_group(UserPoolId=pool_id, GroupName="team", Username="ann")

    with ThreadPoolExecutor(CALLERS) as executor:
        for future in [executor.submit(call, i) for i in range(CALLERS)]:
            future.result(timeout=60)


def test_serve_recovers_when_postgres_drops_every_connection(
    node: Node, admin: psycopg.Connection[Any]
) -> None:
    api = node.client(attempts=3, max_pool_connections=CALLERS)
    pool_id = api.create_user_pool(PoolName="recovery")["UserPool"]["Id"]
    api.create_group(UserPoolId=pool_id, GroupName="team")
    api.admin_create_user(UserPoolId=pool_id, Username="ann", MessageAction="SUPPRESS")
    for round_ in range(3):
        fill_the_pool(api, pool_id)
        assert backends(admin) > 2  # the pool grew beyond its minimum
        assert terminate_backends(admin) > 0
        # No restart: the very next calls, writes and reads, succeed.
        for i in range(8):
            name = f"r{round_}-{i}"
            api.admin_create_user(UserPoolId=pool_id, Username=name, MessageAction="SUPPRESS")
            api.admin_add_user_to_group(UserPoolId=pool_id, GroupName="team", Username=name)
            assert api.admin_get_user(UserPoolId=pool_id, Username=name)["Username"] == name
            listed = api.list_users_in_group(UserPoolId=pool_id, GroupName="team", Limit=60)
            assert name in {u["Username"] for u in listed["Users"]}
    members = api.list_users_in_group(UserPoolId=pool_id, GroupName="team", Limit=60)["Users"]
    assert len(members) == 1 + 3 * 8


def test_serve_recovers_when_postgres_drops_connections_mid_load(
    node: Node, admin: psycopg.Connection[Any]
) -> None:
    """Backends die under calls in flight. A COMMIT cut off is settled by the server
    (``test_commit_outcome.py``); the client's retries cover the rare 503 when it cannot
    be, and the calls are idempotent, so such a retry is safe."""
    api = node.client(attempts=3, max_pool_connections=CALLERS)
    pool_id = api.create_user_pool(PoolName="recovery")["UserPool"]["Id"]
    api.create_group(UserPoolId=pool_id, GroupName="team")
    api.admin_create_user(UserPoolId=pool_id, Username="ann", MessageAction="SUPPRESS")
    running = threading.Event()
    running.set()

    def load(i: int) -> int:
        calls = 0
        while running.is_set() or calls == 0:
            api.admin_add_user_to_group(UserPoolId=pool_id, GroupName="team", Username="ann")
            api.update_group(UserPoolId=pool_id, GroupName="team", Description=f"caller {i}")
            api.list_users_in_group(UserPoolId=pool_id, GroupName="team")
            api.admin_list_groups_for_user(UserPoolId=pool_id, Username="ann")
            calls += 4
        return calls

    with ThreadPoolExecutor(8) as executor:
        futures = [executor.submit(load, i) for i in range(8)]
        terminated = 0
        for _ in range(4):
            time.sleep(0.3)
            terminated += terminate_backends(admin)
        running.clear()
        assert all(future.result(timeout=60) > 0 for future in futures)
    assert terminated > 0
    members = api.list_users_in_group(UserPoolId=pool_id, GroupName="team")["Users"]
    assert [u["Username"] for u in members] == ["ann"]


def test_serve_first_call_after_postgres_drops_a_full_pool_succeeds(
    node: Node, admin: psycopg.Connection[Any]
) -> None:
    api = node.client(attempts=3, max_pool_connections=CALLERS)
    pool_id = api.create_user_pool(PoolName="recovery")["UserPool"]["Id"]
    api.create_group(UserPoolId=pool_id, GroupName="team")
    api.admin_create_user(UserPoolId=pool_id, Username="ann", MessageAction="SUPPRESS")
    # Reads run on a thread per core, so mostly the adds open connections: call until the
    # node holds more connections than a call has attempts (it keeps idle ones for minutes).
    for _ in range(10):
        fill_the_pool(api, pool_id)
        if backends(admin) >= MAX_ATTEMPTS:
            break
    assert backends(admin) >= MAX_ATTEMPTS  # more dead connections than attempts
    terminate_backends(admin)
    once = node.client(attempts=1)  # the server alone must cope: no client retry
    listed = once.list_users_in_group(UserPoolId=pool_id, GroupName="team")
    assert [u["Username"] for u in listed["Users"]] == ["ann"]
