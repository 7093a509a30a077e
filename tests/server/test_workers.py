"""`userpools serve --workers 2`: two processes on one database, on both stores.

Eight client threads write (create users, add them to groups) and read concurrently. The
workers share the port, so consecutive calls of one thread may land on different
processes: a write acknowledged by one must be visible to the very next read, wherever it
lands, and every acknowledged write must be there at the end.
"""

from __future__ import annotations

import os
import re
import signal
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from .nodes import Node, Nodes, all_pages, attempt

THREADS, USERS_PER_THREAD, GROUPS = 8, 12, 4


def start_workers(nodes: Nodes, database: dict[str, Any], *extra: str, wait: bool = True) -> Node:
    return nodes.start(
        db=database["db_path"],
        database_url=database["database_url"],
        workers=2,
        wait_for_workers=wait,
        extra=extra,
    )


def test_serve_workers_keep_every_acknowledged_write(
    fresh_database: dict[str, Any], nodes: Nodes
) -> None:
    node = start_workers(nodes, fresh_database)
    api = node.client(max_pool_connections=2 * THREADS)
    pool_id = api.create_user_pool(PoolName="workers")["UserPool"]["Id"]
    groups = [f"g{i}" for i in range(GROUPS)]
    for group in groups:
        api.create_group(UserPoolId=pool_id, GroupName=group)

    lock = threading.Lock()
    users: set[str] = set()
    members: dict[str, set[str]] = {group: set() for group in groups}
    failures: list[str] = []
    start = threading.Barrier(THREADS)

    def call(what: str, fn: Any, **params: Any) -> Any:
        outcome = attempt(lambda: fn(UserPoolId=pool_id, **params))
        if not outcome.ok:
            with lock:
                failures.append(f"{what} {params}: {outcome}")
        return outcome.response

    def work(t: int) -> None:
        start.wait(timeout=30)
        for i in range(USERS_PER_THREAD):
            name, group = f"w{t}-{i:02}", groups[(t + i) % GROUPS]
            if call("create", api.admin_create_user, Username=name, MessageAction="SUPPRESS"):
                with lock:
                    users.add(name)
            else:
                continue
            # Read your own write at once, on whichever worker answers.
            got = call("get", api.admin_get_user, Username=name)
            assert got is None or got["Username"] == name
            if call("add", api.admin_add_user_to_group, GroupName=group, Username=name):
                with lock:
                    members[group].add(name)
            listed = call("members", api.list_users_in_group, GroupName=group, Limit=60)
            if listed is not None and name not in {u["Username"] for u in listed["Users"]}:
                with lock:
                    failures.append(f"{name} missing from {group} right after its add")
            if i % 4 == 0:
                call("list", api.list_users, Limit=10)
                call("groups", api.admin_list_groups_for_user, Username=name)

    with ThreadPoolExecutor(THREADS) as executor:
        for future in [executor.submit(work, t) for t in range(THREADS)]:
            future.result(timeout=120)

    assert failures == []
    assert len(users) == THREADS * USERS_PER_THREAD
    listed = all_pages(api, "list_users", "Users", 25, UserPoolId=pool_id)
    assert sorted(u["Username"] for u in listed) == sorted(users)
    for group in groups:
        in_group = all_pages(
            api, "list_users_in_group", "Users", 7, UserPoolId=pool_id, GroupName=group
        )
        assert [u["Username"] for u in in_group] == sorted(members[group])
    assert len(node.pids_that_served()) == 2, "both workers should have answered calls"


def test_serve_workers_respect_log_level(fresh_database: dict[str, Any], nodes: Nodes) -> None:
    # At warning level uvicorn does not log its workers' start: wait for the port only.
    node = start_workers(nodes, fresh_database, "--log-level", "warning", wait=False)
    node.wait_banner().wait_listening()
    api = node.client()
    for _ in range(4):
        api.list_user_pools(MaxResults=1)
    node.stop()
    assert "userpools.access" not in node.output()


def test_serve_workers_banner_means_connections_are_accepted(nodes: Nodes, tmp_path: Path) -> None:
    node = nodes.start(db=tmp_path / "banner.db", workers=2, wait=False).wait_banner()
    assert node.accepts_connections()  # queued until a worker accepts it, never refused


def _gone(pid: int) -> bool:
    """Whether ``pid`` has exited (a zombie waiting for its new parent counts as exited)."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] in {"Z", "X"}
    except FileNotFoundError:
        return True


def test_workers_exit_when_the_supervisor_is_killed(tmp_path: Path, nodes: Nodes) -> None:
    node = nodes.start(db=tmp_path / "own.db", workers=2)
    workers = {int(pid) for pid in re.findall(r"Started server process \[(\d+)\]", node.output())}
    assert len(workers) == 2 and node.process.pid not in workers
    node.client().list_user_pools(MaxResults=1)

    os.kill(node.process.pid, signal.SIGKILL)  # the supervisor alone, not its process group
    node.process.wait(timeout=10)
    deadline = time.monotonic() + 20
    while not all(_gone(pid) for pid in workers):
        assert time.monotonic() < deadline, "workers outlived their supervisor"
        time.sleep(0.05)

    # The port is free again: a new server starts on it at once.
    port = str(urlsplit(node.endpoint_url).port)
    again = nodes.start(db=tmp_path / "own.db", extra=["--port", port])
    assert again.endpoint_url == node.endpoint_url
    again.client().list_user_pools(MaxResults=1)
