"""Uniqueness and quotas under contention, on both stores: real threads against the real
application (in-process boto3 clients that never retry), many rounds each.

- Of eight CreateGroup calls for one name, exactly one succeeds, and the group kept is the
  winner's; the rest get ``GroupExistsException``.
- Twenty parallel AdminAddUserToGroup calls for a user in 95 groups let exactly five in;
  the rest get ``LimitExceededException``, and the user's listing shows exactly the 100.

Kept apart from ``test_races.py`` so the two long files run on different test workers.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from functools import partial
from typing import Any

from .nodes import check, fire, group_names, make_user, together


def test_create_group_in_parallel_with_one_name_exactly_one_succeeds(
    api: Any, pool_id: str, executor: ThreadPoolExecutor
) -> None:
    threads, names_per_round, rounds = 8, 2, 250  # 500 contested names
    create = partial(api.create_group, UserPoolId=pool_id)
    for r in range(rounds):
        names = [f"same{r}-{n}" for n in range(names_per_round)]
        racing = [
            partial(create, GroupName=name, Description=f"thread {t}")
            for name in names
            for t in range(threads)
        ]
        outcomes = fire(executor, racing)
        for n, name in enumerate(names):
            contest = outcomes[n * threads : (n + 1) * threads]
            check(contest, {"GroupExistsException"}, "CreateGroup")
            winners = [t for t, o in enumerate(contest) if o.ok]
            assert len(winners) == 1, f"{name}: {len(winners)} CreateGroup calls succeeded"
            kept = api.get_group(UserPoolId=pool_id, GroupName=name)["Group"]
            assert kept["Description"] == f"thread {winners[0]}"


def test_admin_add_user_to_group_in_parallel_stops_at_100_groups(
    api: Any, pool_id: str, executor: ThreadPoolExecutor
) -> None:
    base, extra, rounds = 95, 20, 150
    make_user(api, pool_id, "joiner")
    create = partial(api.create_group, UserPoolId=pool_id)
    add = partial(api.admin_add_user_to_group, UserPoolId=pool_id, Username="joiner")
    remove = partial(api.admin_remove_user_from_group, UserPoolId=pool_id, Username="joiner")
    bases = [f"base{i:03}" for i in range(base)]
    extras = [f"extra{i:02}" for i in range(extra)]
    together(executor, [partial(create, GroupName=g) for g in bases + extras])
    together(executor, [partial(add, GroupName=g) for g in bases])
    for _ in range(rounds):
        outcomes = fire(executor, [partial(add, GroupName=g) for g in extras])
        check(outcomes, {"LimitExceededException"}, "AdminAddUserToGroup")
        won = [g for g, o in zip(extras, outcomes, strict=True) if o.ok]
        assert len(won) == 100 - base, f"{len(won)} of {extra} adds succeeded"
        listed = group_names(api, pool_id, "joiner")
        assert sorted(listed) == sorted(bases + won)
        together(executor, [partial(remove, GroupName=g) for g in won])  # back to 95
