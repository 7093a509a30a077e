"""Races between API calls, on both stores: real threads against the real application (its
boto3 clients call it in-process, as most suites do; the multi-node suites race over HTTP).

Each test repeats one race a few hundred times. A barrier releases the racing calls
together, so they really overlap in the server. What must hold whatever the interleaving:

- a membership never outlives its group, its user or its pool: not through the API (a
  group or user re-created under the old name starts empty) and not in the tables;
- a racing call either succeeds or fails with the error of the thing that vanished,
  never with a 500, "database is locked", a serialization failure or a deadlock.

Uniqueness and quotas under contention are in ``test_race_quotas.py``.

Setup and checks between races run concurrently too (``together``), only to save time.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from typing import Any

import pytest

from userpools.testing import RunningServer

from .conftest import PAIRS
from .nodes import (
    Outcome,
    all_pages,
    attempt,
    check,
    fire,
    group_names,
    make_user,
    orphan_memberships,
    together,
)

#: Rounds per test: with PAIRS races a round, ~500 races.
ROUNDS = 63


@pytest.fixture
def orphans(userpools_server: RunningServer) -> Callable[[], int]:
    """Counts orphan memberships in the server's own database."""
    url = userpools_server.server.settings.database_url
    return partial(orphan_memberships, userpools_server.db_path, url)


def usernames(api: Any, pool_id: str, group: str) -> list[str]:
    users = all_pages(api, "list_users_in_group", "Users", UserPoolId=pool_id, GroupName=group)
    return [u["Username"] for u in users]


def members_when_recreated(api: Any, pool_id: str, group: str) -> list[str]:
    api.create_group(UserPoolId=pool_id, GroupName=group)
    return usernames(api, pool_id, group)


def groups_when_recreated(api: Any, pool_id: str, username: str) -> list[str]:
    make_user(api, pool_id, username)
    return group_names(api, pool_id, username)


def doomed_pool(api: Any, name: str) -> str:
    """A pool with user ``u`` and group ``g``, not yet related."""
    pool: str = api.create_user_pool(PoolName=name)["UserPool"]["Id"]
    make_user(api, pool, "u")
    api.create_group(UserPoolId=pool, GroupName="g")
    return pool


def both_ways(adds: list[Outcome]) -> None:
    """The race went both ways: some adds won, some came too late."""
    won = sum(o.ok for o in adds)
    assert 0 < won < len(adds), f"{won} of {len(adds)} adds succeeded: the calls never overlapped"


# memberships against deletions -----------------------------------------------------------


def test_admin_add_user_to_group_racing_delete_group_leaves_no_orphan(
    api: Any, pool_id: str, executor: ThreadPoolExecutor, orphans: Callable[[], int]
) -> None:
    api.create_group(UserPoolId=pool_id, GroupName="keep")
    create_group = partial(api.create_group, UserPoolId=pool_id)
    adds: list[Outcome] = []
    for r in range(ROUNDS):
        user, groups = f"user{r}", [f"r{r}-g{i}" for i in range(PAIRS)]
        together(
            executor,
            [partial(make_user, api, pool_id, user)]
            + [partial(create_group, GroupName=g) for g in groups],
        )
        api.admin_add_user_to_group(UserPoolId=pool_id, GroupName="keep", Username=user)
        add = partial(api.admin_add_user_to_group, UserPoolId=pool_id, Username=user)
        delete = partial(api.delete_group, UserPoolId=pool_id)
        racing = [
            call
            for g in groups
            for call in (partial(add, GroupName=g), partial(delete, GroupName=g))
        ]
        outcomes = fire(executor, racing)
        round_adds, deletes = outcomes[::2], outcomes[1::2]
        check(round_adds, {"ResourceNotFoundException"}, "AdminAddUserToGroup")
        check(deletes, set(), "DeleteGroup")
        adds += round_adds
        # The surviving user lists no deleted group; a re-created group starts empty.
        assert group_names(api, pool_id, user) == ["keep"]
        recreated = together(
            executor, [partial(members_when_recreated, api, pool_id, g) for g in groups]
        )
        assert recreated == [[]] * PAIRS
        assert group_names(api, pool_id, user) == ["keep"]
        assert orphans() == 0
    both_ways(adds)


def test_admin_add_user_to_group_racing_admin_delete_user_leaves_no_orphan(
    api: Any, pool_id: str, executor: ThreadPoolExecutor, orphans: Callable[[], int]
) -> None:
    make_user(api, pool_id, "keeper")
    adds: list[Outcome] = []
    for r in range(ROUNDS):
        group, users = f"group{r}", [f"r{r}-u{i}" for i in range(PAIRS)]
        together(
            executor,
            [partial(api.create_group, UserPoolId=pool_id, GroupName=group)]
            + [partial(make_user, api, pool_id, u) for u in users],
        )
        api.admin_add_user_to_group(UserPoolId=pool_id, GroupName=group, Username="keeper")
        add = partial(api.admin_add_user_to_group, UserPoolId=pool_id, GroupName=group)
        delete = partial(api.admin_delete_user, UserPoolId=pool_id)
        racing = [
            call for u in users for call in (partial(add, Username=u), partial(delete, Username=u))
        ]
        outcomes = fire(executor, racing)
        round_adds, deletes = outcomes[::2], outcomes[1::2]
        check(round_adds, {"UserNotFoundException"}, "AdminAddUserToGroup")
        check(deletes, set(), "AdminDeleteUser")
        adds += round_adds
        # The group lists no deleted user; a re-created user starts in no group.
        assert usernames(api, pool_id, group) == ["keeper"]
        recreated = together(
            executor, [partial(groups_when_recreated, api, pool_id, u) for u in users]
        )
        assert recreated == [[]] * PAIRS
        assert usernames(api, pool_id, group) == ["keeper"]
        assert orphans() == 0
    both_ways(adds)


def test_admin_add_user_to_group_racing_delete_user_pool_leaves_no_orphan(
    api: Any, pool_id: str, executor: ThreadPoolExecutor, orphans: Callable[[], int]
) -> None:
    # A pool that survives, with the same names: deletions must not reach across pools.
    make_user(api, pool_id, "u")
    api.create_group(UserPoolId=pool_id, GroupName="g")
    api.admin_add_user_to_group(UserPoolId=pool_id, GroupName="g", Username="u")
    add = partial(api.admin_add_user_to_group, GroupName="g", Username="u")
    adds: list[Outcome] = []
    for r in range(ROUNDS):
        names = [f"doomed-{r}-{i}" for i in range(PAIRS)]
        doomed = together(executor, [partial(doomed_pool, api, name) for name in names])
        racing = [
            call
            for p in doomed
            for call in (partial(add, UserPoolId=p), partial(api.delete_user_pool, UserPoolId=p))
        ]
        outcomes = fire(executor, racing)
        round_adds, deletes = outcomes[::2], outcomes[1::2]
        check(round_adds, {"ResourceNotFoundException"}, "AdminAddUserToGroup")
        check(deletes, set(), "DeleteUserPool")
        adds += round_adds
        gone = together(
            executor,
            [partial(attempt, partial(api.describe_user_pool, UserPoolId=p)) for p in doomed],
        )
        assert {o.code for o in gone} == {"ResourceNotFoundException"}
        assert usernames(api, pool_id, "g") == ["u"]
        assert orphans() == 0
    both_ways(adds)
