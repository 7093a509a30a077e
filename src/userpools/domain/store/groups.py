"""What groups need of a transaction: groups, and memberships listed both ways."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from userpools.domain.models import Group, User, UserPool


@dataclass(frozen=True, slots=True)
class MemberPage:
    """A page of a group's members, found from the names a request gives."""

    pool_key: int | None
    """``None``: no pool has that id."""
    region: str | None
    group: Group | None
    """``None``: no such pool, or no group of that name in it."""
    members: list[User]


class GroupStore(Protocol):
    def insert_group(self, pool: UserPool, group: Group) -> Group: ...
    def get_group(self, pool: UserPool, name: str) -> Group | None: ...
    def update_group(self, pool: UserPool, group: Group) -> None: ...
    def delete_group(self, pool: UserPool, group: Group) -> None: ...
    def count_groups(self, pool: UserPool) -> int: ...
    def list_groups(self, pool: UserPool, after: str | None, limit: int) -> list[Group]: ...

    # memberships
    def add_member(self, pool: UserPool, group: Group, user: User) -> None: ...
    def remove_member(self, pool: UserPool, group: Group, user: User) -> None: ...
    def is_member(self, pool: UserPool, group: Group, user: User) -> bool: ...
    def count_groups_of(self, pool: UserPool, user: User) -> int: ...
    def member_page(
        self, pool_id: str, group_name: str, after: str | None, limit: int
    ) -> MemberPage:
        """The pool, the group and up to ``limit`` members after ``after``: on PostgreSQL
        one statement, so that a page is one round trip."""
        ...

    def list_groups_of(
        self, pool: UserPool, user: User, after: str | None, limit: int
    ) -> list[Group]: ...
