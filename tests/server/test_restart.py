"""`kill -9` in the middle of a burst of writes loses nothing that was acknowledged.

Several threads write (create a user, then add it to a group) and record each write the
server acknowledged. The server is killed with SIGKILL while they write, and restarted
on the same database; twice. A write whose request failed because of the kill is "in
doubt": it may or may not be there. Everything acknowledged must be, on both stores.
"""

from __future__ import annotations

from typing import Any

from .chaos import Ledger, burst, kill_node
from .nodes import Nodes, all_pages, orphan_memberships

THREADS, GROUPS, KILL_AFTER, CYCLES = 6, 3, 40, 2


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
        kill = kill_node(node)
        burst(
            [node],
            pool_id,
            groups,
            ledger,
            f"c{cycle}",
            kill,
            kill_after=KILL_AFTER,
            threads=THREADS,
        )
        assert ledger.errors == []
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
