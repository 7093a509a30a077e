"""Groups and memberships, and the two listings between them."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass

from userpools.domain import messages
from userpools.domain.errors import (
    GroupExists,
    InvalidParameter,
    LimitExceeded,
    ResourceNotFound,
    UserNotFound,
)
from userpools.domain.lookup import require_user
from userpools.domain.models import Group, Page, User, UserPool
from userpools.domain.pagination import INVALID_TOKEN, Cursors
from userpools.domain.pools import require_pool
from userpools.domain.store import Conflict, Store, Transaction

#: Quotas from "Quotas in Amazon Cognito" (not adjustable).
MAX_GROUPS_PER_POOL = 10_000
MAX_GROUPS_PER_USER = 100

LIST_MEMBERS = "ListUsersInGroup"


@dataclass(frozen=True)
class GroupChange:
    """UpdateGroup: members left as ``None`` keep their current value."""

    description: str | None = None
    role_arn: str | None = None
    precedence: int | None = None


def require_group(tx: Transaction, pool: UserPool, name: str) -> Group:
    group = tx.get_group(pool, name)
    if group is None:
        raise ResourceNotFound(messages.GROUP_NOT_FOUND)
    return group


class GroupService:
    def __init__(self, store: Store, cursors: Cursors, clock: Callable[[], float]) -> None:
        self._store = store
        self._cursors = cursors
        self._clock = clock

    def create(
        self,
        region: str,
        pool_id: str,
        name: str,
        description: str | None,
        role_arn: str | None,
        precedence: int | None,
    ) -> Group:
        now = self._clock()
        group = Group(0, name, description, role_arn, precedence, now, now)

        def run(tx: Transaction) -> Group:
            pool = require_pool(tx, pool_id, region)
            if tx.get_group(pool, name) is not None:
                raise GroupExists(messages.GROUP_EXISTS.format(name=name))
            if tx.count_groups(pool) >= MAX_GROUPS_PER_POOL:
                raise LimitExceeded(messages.GROUP_LIMIT.format(limit=MAX_GROUPS_PER_POOL))
            try:
                return tx.insert_group(pool, group)
            except Conflict:
                raise GroupExists(messages.GROUP_EXISTS.format(name=name)) from None

        return self._store.write(run)

    def get(self, region: str, pool_id: str, name: str) -> Group:
        return self._store.read(
            lambda tx: require_group(tx, require_pool(tx, pool_id, region), name)
        )

    def update(self, region: str, pool_id: str, name: str, change: GroupChange) -> Group:
        def run(tx: Transaction) -> Group:
            pool = require_pool(tx, pool_id, region)
            group = require_group(tx, pool, name)
            updated = dataclasses.replace(
                group,
                description=group.description if change.description is None else change.description,
                role_arn=group.role_arn if change.role_arn is None else change.role_arn,
                precedence=group.precedence if change.precedence is None else change.precedence,
                updated_at=self._clock(),
            )
            tx.update_group(pool, updated)
            return updated

        return self._store.write(run)

    def delete(self, region: str, pool_id: str, name: str) -> None:
        """Delete the group and its memberships, in one transaction."""

        def run(tx: Transaction) -> None:
            pool = require_pool(tx, pool_id, region)
            tx.delete_group(pool, require_group(tx, pool, name))

        self._store.write(run)

    def list_groups(self, region: str, pool_id: str, limit: int, token: str | None) -> Page[Group]:
        scope = (pool_id,)
        after = self._cursors.decode("ListGroups", scope, token)

        def run(tx: Transaction) -> list[Group]:
            pool = require_pool(tx, pool_id, region)
            return tx.list_groups(pool, after[0] if after else None, limit + 1)

        groups = self._store.read(run)
        return self._cursors.page("ListGroups", scope, groups, limit, lambda g: (g.name,))

    # memberships ------------------------------------------------------------------------

    def add_user(self, region: str, pool_id: str, name: str, username: str) -> None:
        """Add a member; adding an existing member succeeds and changes nothing."""

        def run(tx: Transaction) -> None:
            # The per-user quota is the one rule here: the user's lock keeps it, so adds
            # hold the pool shared and adds for different users of a pool run at once.
            pool = require_pool(tx, pool_id, region, shared=True)
            group = require_group(tx, pool, name)
            user = require_user(tx, pool, username)
            if not tx.lock_user(pool, user):
                raise UserNotFound()
            if tx.is_member(pool, group, user):
                return
            if tx.count_groups_of(pool, user) >= MAX_GROUPS_PER_USER:
                raise LimitExceeded(messages.USER_GROUP_LIMIT.format(limit=MAX_GROUPS_PER_USER))
            try:
                tx.add_member(pool, group, user)
            except Conflict:
                # The user or group vanished under us (possible on multi-writer stores).
                raise ResourceNotFound(messages.GROUP_NOT_FOUND) from None

        self._store.write(run)

    def remove_user(self, region: str, pool_id: str, name: str, username: str) -> None:
        """Remove a member; removing a non-member succeeds and changes nothing."""

        def run(tx: Transaction) -> None:
            pool = require_pool(tx, pool_id, region, shared=True)  # no rule to keep
            group = require_group(tx, pool, name)
            tx.remove_member(pool, group, require_user(tx, pool, username))

        self._store.write(run)

    def list_users(
        self, region: str, pool_id: str, name: str, limit: int, token: str | None
    ) -> Page[User]:
        """A page of the group's members: one store call, one statement on PostgreSQL.

        The token is opened before the look-up (it is sealed with the names, not the keys),
        but a bad one is reported only after the pool and the group are found, as before.
        """
        names = (pool_id, name)
        try:
            opened = self._cursors.open_named(LIST_MEMBERS, names, token)
            refused: InvalidParameter | None = None
        except InvalidParameter as error:
            opened, refused = None, error
        after = opened.position[0] if opened else None
        found = self._store.read(lambda tx: tx.member_page(pool_id, name, after, limit + 1))
        if found.pool_key is None or found.region != region:
            raise ResourceNotFound(messages.POOL_NOT_FOUND.format(pool_id=pool_id))
        if found.group is None:
            raise ResourceNotFound(messages.GROUP_NOT_FOUND)
        keys = (found.pool_key, found.group.key)
        if refused is not None:
            raise refused
        if opened is not None and opened.keys != keys:
            raise InvalidParameter(INVALID_TOKEN)
        return self._cursors.page_named(
            LIST_MEMBERS, names, keys, found.members, limit, lambda u: (u.username_key,)
        )

    def list_groups_of(
        self, region: str, pool_id: str, username: str, limit: int, token: str | None
    ) -> Page[Group]:
        def run(tx: Transaction) -> Page[Group]:
            pool = require_pool(tx, pool_id, region)
            user = require_user(tx, pool, username)
            scope = (pool.key, user.key)
            after = self._cursors.decode("AdminListGroupsForUser", scope, token)
            groups = tx.list_groups_of(pool, user, after[0] if after else None, limit + 1)
            return self._cursors.page(
                "AdminListGroupsForUser", scope, groups, limit, lambda g: (g.name,)
            )

        return self._store.read(run)
