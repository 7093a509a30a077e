"""Two `userpools serve` nodes on one PostgreSQL database behave as one server.

The nodes start at the same moment on an empty database, so both try to migrate it (the
advisory lock makes them take turns) and both create the pagination secret (one wins,
the other reads it). To make sure they really meet there, the test holds the migration
lock until both nodes wait for it, then lets them go together.

A NextToken from one node then works on the other, and a write acknowledged by one node
is visible to the very next request on the other.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import psycopg
import pytest
from botocore.exceptions import ClientError

from userpools.store.migrate import POSTGRES_MIGRATION_LOCK, migration_files

from .nodes import Node, Nodes


@pytest.fixture(scope="session")
def store_kind() -> str:
    """Only PostgreSQL: ``fresh_database`` is a private PostgreSQL database here."""
    return "postgres"


WAITING_FOR_THE_LOCK = (
    "SELECT count(*) FROM pg_locks l JOIN pg_database d ON d.oid = l.database"
    " WHERE l.locktype = 'advisory' AND NOT l.granted AND d.datname = current_database()"
)


@pytest.fixture
def two_nodes(fresh_database: dict[str, Any], nodes: Nodes) -> Iterator[tuple[Node, Node]]:
    url = fresh_database["database_url"]
    with psycopg.connect(url) as holder:  # a transaction, holding the migration lock
        holder.execute("SELECT pg_advisory_xact_lock(%s)", (POSTGRES_MIGRATION_LOCK,))
        started = [nodes.start(database_url=url, wait=False) for _ in range(2)]
        deadline = time.monotonic() + 30
        while holder.execute(WAITING_FOR_THE_LOCK).fetchone() != (2,):
            assert all(node.process.poll() is None for node in started), started[0].output()
            assert time.monotonic() < deadline, "the nodes never waited for the migration lock"
            time.sleep(0.02)
        holder.commit()  # both nodes go on at once
    first, second = started
    yield first.wait_ready(), second.wait_ready()


def names(items: list[dict[str, Any]], key: str) -> list[str]:
    return [item[key] for item in items]


def test_two_nodes_started_together_migrate_once(
    fresh_database: dict[str, Any], two_nodes: tuple[Node, Node]
) -> None:
    with psycopg.connect(fresh_database["database_url"]) as conn:
        versions = [v for (v,) in conn.execute("SELECT version FROM schema_migrations")]
        secrets = conn.execute("SELECT count(*) FROM server_secrets").fetchone()
    assert sorted(versions) == [version for version, _, _ in migration_files("postgres")]
    assert secrets == (1,)
    for node in two_nodes:
        assert node.client().list_user_pools(MaxResults=10)["UserPools"] == []


def test_list_users_in_group_pages_alternate_between_nodes(two_nodes: tuple[Node, Node]) -> None:
    a, b = (node.client() for node in two_nodes)
    pool_id = a.create_user_pool(PoolName="two nodes")["UserPool"]["Id"]
    a.create_group(UserPoolId=pool_id, GroupName="team")
    members = [f"member{i:02}" for i in range(23)]

    def join(name: str) -> None:
        a.admin_create_user(UserPoolId=pool_id, Username=name, MessageAction="SUPPRESS")
        b.admin_add_user_to_group(UserPoolId=pool_id, GroupName="team", Username=name)

    with ThreadPoolExecutor(4) as executor:
        list(executor.map(join, reversed(members)))
    for start in (0, 1):  # first page from A, then from B
        seen: list[str] = []
        token: dict[str, str] = {}
        for page_number in range(start, start + 20):
            client = (a, b)[page_number % 2]  # the token of one node, used on the other
            page = client.list_users_in_group(
                UserPoolId=pool_id, GroupName="team", Limit=4, **token
            )
            seen += names(page["Users"], "Username")
            if "NextToken" not in page:
                break
            token = {"NextToken": page["NextToken"]}
        assert seen == members


def test_admin_list_groups_for_user_pages_alternate_between_nodes(
    two_nodes: tuple[Node, Node],
) -> None:
    a, b = (node.client() for node in two_nodes)
    pool_id = a.create_user_pool(PoolName="two nodes")["UserPool"]["Id"]
    b.admin_create_user(UserPoolId=pool_id, Username="joiner", MessageAction="SUPPRESS")
    groups = [f"group{i:02}" for i in range(17)]

    def join(group: str) -> None:
        b.create_group(UserPoolId=pool_id, GroupName=group)
        a.admin_add_user_to_group(UserPoolId=pool_id, GroupName=group, Username="joiner")

    with ThreadPoolExecutor(4) as executor:
        list(executor.map(join, reversed(groups)))
    for start in (0, 1):
        seen: list[str] = []
        token: dict[str, str] = {}
        for page_number in range(start, start + 20):
            client = (a, b)[page_number % 2]
            page = client.admin_list_groups_for_user(
                UserPoolId=pool_id, Username="joiner", Limit=3, **token
            )
            seen += names(page["Groups"], "GroupName")
            if "NextToken" not in page:
                break
            token = {"NextToken": page["NextToken"]}
        assert seen == groups


def test_two_nodes_write_on_one_is_read_on_the_other_at_once(
    two_nodes: tuple[Node, Node],
) -> None:
    clients = [node.client() for node in two_nodes]
    pool_id = clients[0].create_user_pool(PoolName="two nodes")["UserPool"]["Id"]
    for i in range(12):
        w, r = clients[i % 2], clients[1 - i % 2]
        group, user = f"group{i}", f"user{i}"
        w.create_group(UserPoolId=pool_id, GroupName=group, Precedence=i)
        assert r.get_group(UserPoolId=pool_id, GroupName=group)["Group"]["Precedence"] == i
        w.admin_create_user(UserPoolId=pool_id, Username=user, MessageAction="SUPPRESS")
        assert r.admin_get_user(UserPoolId=pool_id, Username=user)["Username"] == user
        w.admin_add_user_to_group(UserPoolId=pool_id, GroupName=group, Username=user)
        listed = r.list_users_in_group(UserPoolId=pool_id, GroupName=group)["Users"]
        assert names(listed, "Username") == [user]
        in_groups = w.admin_list_groups_for_user(UserPoolId=pool_id, Username=user)["Groups"]
        assert names(in_groups, "GroupName") == [group]
        r.admin_delete_user(UserPoolId=pool_id, Username=user)
        with pytest.raises(ClientError) as gone:
            w.admin_get_user(UserPoolId=pool_id, Username=user)
        assert gone.value.response["Error"]["Code"] == "UserNotFoundException"
        assert w.list_users_in_group(UserPoolId=pool_id, GroupName=group)["Users"] == []
        w.delete_group(UserPoolId=pool_id, GroupName=group)
        with pytest.raises(ClientError) as deleted:
            r.get_group(UserPoolId=pool_id, GroupName=group)
        assert deleted.value.response["Error"]["Code"] == "ResourceNotFoundException"
