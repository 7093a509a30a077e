"""The SQL of groups (``groups``) and memberships (``memberships``), listed both ways by
keyset scans: members of a group by user key, groups of a user by group name."""

from __future__ import annotations

from userpools.domain.models import Group, User, UserPool
from userpools.domain.store import GroupStore, MemberPage
from userpools.store.sql.base import Row, SQLBase, qualified, replace_key
from userpools.store.sql.users import USER_COLUMNS, user_from_row

GROUP_COLUMNS = "id, name, description, role_arn, precedence, created_at, updated_at"
#: The group's columns of a join, as ``g_<column>`` (beside a pool's and users' columns).
GROUP_AS_G = ", ".join(f"g.{c.strip()} AS g_{c.strip()}" for c in GROUP_COLUMNS.split(","))


class GroupSQL(SQLBase, GroupStore):
    def insert_group(self, pool: UserPool, group: Group) -> Group:
        key = self._insert(
            "INSERT INTO groups (pool, name, description, role_arn, precedence, created_at,"
            " updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                pool.key,
                group.name,
                group.description,
                group.role_arn,
                group.precedence,
                group.created_at,
                group.updated_at,
            ),
        )
        return replace_key(group, key)

    def get_group(self, pool: UserPool, name: str) -> Group | None:
        row = self._one(
            f"SELECT {GROUP_COLUMNS} FROM groups WHERE pool = ? AND name = ?", (pool.key, name)
        )
        return group_from_row(row) if row else None

    def update_group(self, pool: UserPool, group: Group) -> None:
        self._run(
            "UPDATE groups SET description = ?, role_arn = ?, precedence = ?, updated_at = ?"
            " WHERE pool = ? AND id = ?",
            (
                group.description,
                group.role_arn,
                group.precedence,
                group.updated_at,
                pool.key,
                group.key,
            ),
        )

    def delete_group(self, pool: UserPool, group: Group) -> None:
        self._run("DELETE FROM groups WHERE pool = ? AND id = ?", (pool.key, group.key))

    def count_groups(self, pool: UserPool) -> int:
        return self._count("SELECT count(*) AS n FROM groups WHERE pool = ?", (pool.key,))

    def list_groups(self, pool: UserPool, after: str | None, limit: int) -> list[Group]:
        rows = self._all(
            f"SELECT {GROUP_COLUMNS} FROM groups WHERE pool = ? AND name > ? ORDER BY name LIMIT ?",
            (pool.key, after or "", limit),
        )
        return [group_from_row(r) for r in rows]

    # memberships ------------------------------------------------------------------------

    def add_member(self, pool: UserPool, group: Group, user: User) -> None:
        self._run(
            "INSERT INTO memberships (pool, group_id, user_id, user_key, group_name)"
            " VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
            (pool.key, group.key, user.key, user.username_key, group.name),
        )

    def remove_member(self, pool: UserPool, group: Group, user: User) -> None:
        self._run(
            "DELETE FROM memberships WHERE pool = ? AND group_id = ? AND user_key = ?",
            (pool.key, group.key, user.username_key),
        )

    def is_member(self, pool: UserPool, group: Group, user: User) -> bool:
        row = self._one(
            "SELECT 1 AS found FROM memberships WHERE pool = ? AND group_id = ? AND user_key = ?",
            (pool.key, group.key, user.username_key),
        )
        return row is not None

    def count_groups_of(self, pool: UserPool, user: User) -> int:
        return self._count(
            "SELECT count(*) AS n FROM memberships WHERE pool = ? AND user_id = ?",
            (pool.key, user.key),
        )

    def _list_members(
        self, pool_key: int, group: Group, after: str | None, limit: int
    ) -> list[User]:
        rows = self._all(
            f"SELECT {qualified(USER_COLUMNS, 'u')} FROM memberships m"
            " JOIN users u ON u.id = m.user_id"
            " WHERE m.pool = ? AND m.group_id = ? AND m.user_key > ?"
            " ORDER BY m.user_key LIMIT ?",
            (pool_key, group.key, after or "", limit),
        )
        return [user_from_row(r) for r in rows]

    def member_page(
        self, pool_id: str, group_name: str, after: str | None, limit: int
    ) -> MemberPage:
        row = self._one(
            f"SELECT p.id AS pool_key, p.region AS pool_region, {GROUP_AS_G}"
            " FROM user_pools p LEFT JOIN groups g ON g.pool = p.id AND g.name = ?"
            " WHERE p.pool_id = ?",
            (group_name, pool_id),
        )
        if row is None:
            return MemberPage(None, None, None, [])
        group = group_from_row(row, "g_") if row["g_id"] is not None else None
        members = [] if group is None else self._list_members(row["pool_key"], group, after, limit)
        return MemberPage(row["pool_key"], row["pool_region"], group, members)

    def list_groups_of(
        self, pool: UserPool, user: User, after: str | None, limit: int
    ) -> list[Group]:
        rows = self._all(
            f"SELECT {qualified(GROUP_COLUMNS, 'g')} FROM memberships m"
            " JOIN groups g ON g.id = m.group_id"
            " WHERE m.pool = ? AND m.user_id = ? AND m.group_name > ?"
            " ORDER BY m.group_name LIMIT ?",
            (pool.key, user.key, after or "", limit),
        )
        return [group_from_row(r) for r in rows]


def group_from_row(row: Row, prefix: str = "") -> Group:
    """A group from its columns, named with ``prefix`` where a join selects them so."""
    return Group(
        key=row[prefix + "id"],
        name=row[prefix + "name"],
        description=row[prefix + "description"],
        role_arn=row[prefix + "role_arn"],
        precedence=row[prefix + "precedence"],
        created_at=row[prefix + "created_at"],
        updated_at=row[prefix + "updated_at"],
    )
