"""The SQL of groups (``groups``) and memberships (``memberships``), listed both ways by
keyset scans: members of a group by user key, groups of a user by group name."""

from __future__ import annotations

from userpools.domain.models import Group, User, UserPool
from userpools.domain.store import GroupStore
from userpools.store.sql.base import Row, SQLBase, replace_key
from userpools.store.sql.users import USER_COLUMNS, user_from_row

GROUP_COLUMNS = "id, name, description, role_arn, precedence, created_at, updated_at"


def _qualified(columns: str, table: str) -> str:
    return ", ".join(f"{table}.{c.strip()}" for c in columns.split(","))


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

    def list_members(
        self, pool: UserPool, group: Group, after: str | None, limit: int
    ) -> list[User]:
        rows = self._all(
            f"SELECT {_qualified(USER_COLUMNS, 'u')} FROM memberships m"
            " JOIN users u ON u.id = m.user_id"
            " WHERE m.pool = ? AND m.group_id = ? AND m.user_key > ?"
            " ORDER BY m.user_key LIMIT ?",
            (pool.key, group.key, after or "", limit),
        )
        return [user_from_row(r) for r in rows]

    def list_groups_of(
        self, pool: UserPool, user: User, after: str | None, limit: int
    ) -> list[Group]:
        rows = self._all(
            f"SELECT {_qualified(GROUP_COLUMNS, 'g')} FROM memberships m"
            " JOIN groups g ON g.id = m.group_id"
            " WHERE m.pool = ? AND m.user_id = ? AND m.group_name > ?"
            " ORDER BY m.group_name LIMIT ?",
            (pool.key, user.key, after or "", limit),
        )
        return [group_from_row(r) for r in rows]


def group_from_row(row: Row) -> Group:
    return Group(
        key=row["id"],
        name=row["name"],
        description=row["description"],
        role_arn=row["role_arn"],
        precedence=row["precedence"],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
    )
