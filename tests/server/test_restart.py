"""`kill -9` in the middle of a burst of writes loses nothing that was acknowledged.

Several threads write (create a user, then add it to a group) and record each write the
server acknowledged. The server is killed with SIGKILL while they write, and restarted
on the same database; twice. A write whose request failed because of the kill is "in
doubt": it may or may not be there. Everything acknowledged must be, on both stores.
"""

from __future__ import annotations

import signal
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from .nodes import Node, Nodes, all_pages, orphan_memberships

THREADS, GROUPS, KILL_AFTER, CYCLES = 6, 3, 40, 2


@dataclass
class Ledger:
    """What the server acknowledged, and what was in flight when it died."""

    users: set[str] = field(default_factory=set)
    members: dict[str, set[str]] = field(default_factory=dict)
    doubtful_users: set[str] = field(default_factory=set)
    doubtful_members: dict[str, set[str]] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def acknowledged(self) -> int:
        with self.lock:
            return len(self.users) + sum(map(len, self.members.values()))


def burst(node: Node, pool_id: str, groups: list[str], ledger: Ledger, cycle: int) -> None:
    """Write from several threads until the node dies under them."""
    api = node.client(max_pool_connections=THREADS)

    def write(t: int) -> None:
        for i in range(10_000):
            name, group = f"c{cycle}-t{t}-{i:04}", groups[i % len(groups)]
            try:
                api.admin_create_user(UserPoolId=pool_id, Username=name, MessageAction="SUPPRESS")
            except BotoCoreError:  # the connection died with the server
                with ledger.lock:
                    ledger.doubtful_users.add(name)
                return
            with ledger.lock:
                ledger.users.add(name)
            try:
                api.admin_add_user_to_group(UserPoolId=pool_id, GroupName=group, Username=name)
            except BotoCoreError:
                with ledger.lock:
                    ledger.doubtful_members.setdefault(group, set()).add(name)
                return
            with ledger.lock:
                ledger.members.setdefault(group, set()).add(name)

    def guarded(t: int) -> None:
        try:
            write(t)
        except ClientError as exc:  # an answer, not a dead server: never acceptable here
            with ledger.lock:
                ledger.errors.append(repr(exc))

    with ThreadPoolExecutor(THREADS) as executor:
        futures = [executor.submit(guarded, t) for t in range(THREADS)]
        target = ledger.acknowledged() + KILL_AFTER
        deadline = time.monotonic() + 60
        while ledger.acknowledged() < target and time.monotonic() < deadline:
            time.sleep(0.005)
        node.kill(signal.SIGKILL)  # mid-burst: every thread has a request in flight or next
        for future in futures:
            future.result(timeout=60)
    assert ledger.errors == []


def test_serve_kill_9_mid_burst_keeps_every_acknowledged_write(
    fresh_database: dict[str, Any], nodes: Nodes
) -> None:
    where = {"db": fresh_database["db_path"], "database_url": fresh_database["database_url"]}
    node = nodes.start(**where)
    api = node.client()
    pool_id = api.create_user_pool(PoolName="restart")["UserPool"]["Id"]
    groups = [f"group{i}" for i in range(GROUPS)]
    for group in groups:
        api.create_group(UserPoolId=pool_id, GroupName=group)

    ledger = Ledger()
    for cycle in range(CYCLES):
        burst(node, pool_id, groups, ledger, cycle)
        node = nodes.start(**where)  # the same database, a new process and port
    assert ledger.doubtful_users or ledger.doubtful_members, "the kill interrupted nothing"

    api = node.client()
    present = {u["Username"] for u in all_pages(api, "list_users", "Users", UserPoolId=pool_id)}
    assert ledger.users <= present
    assert present <= ledger.users | ledger.doubtful_users
    for group in groups:
        listed = all_pages(api, "list_users_in_group", "Users", UserPoolId=pool_id, GroupName=group)
        in_group = {u["Username"] for u in listed}
        assert ledger.members.get(group, set()) <= in_group
        maybe = ledger.doubtful_members.get(group, set())
        assert in_group <= ledger.members.get(group, set()) | maybe
    for name in sorted(ledger.users)[:: max(1, len(ledger.users) // 10)]:
        assert api.admin_get_user(UserPoolId=pool_id, Username=name)["Username"] == name
    assert orphan_memberships(fresh_database["db_path"], fresh_database["database_url"]) == 0
    # The restarted server takes writes as before.
    api.admin_create_user(UserPoolId=pool_id, Username="after", MessageAction="SUPPRESS")
    api.admin_add_user_to_group(UserPoolId=pool_id, GroupName=groups[0], Username="after")
