"""The storage contract the domain owns.

A :class:`Store` runs a function of one :class:`Transaction`: ``read(fn)`` on a consistent
snapshot, ``write(fn)`` as one atomic unit of change. When the transaction loses a race the
store runs ``fn`` again in a fresh one, so ``fn`` must not act outside the transaction.
Implementations live in ``userpools.store``; they translate driver errors into
:class:`Conflict` (a uniqueness or reference rule refused the change) or
:class:`Retryable` (the transaction lost a race and may be run again), and nothing else
escapes as a driver type.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any, Literal, Protocol, TypeVar

from userpools.domain.models import (
    AppClient,
    AuthSession,
    Group,
    Message,
    PoolKey,
    PoolSettings,
    TokenFamily,
    User,
    UserCode,
    UserPool,
)

#: The indexed ways to find one user: by username key, by sub, or by a sign-in alias.
LookupField = Literal["username_key", "sub", "login_email", "login_phone", "login_preferred"]

#: Columns ListUsers can filter on (see ``domain/filters.py`` for the attribute names).
QueryField = Literal[
    "username",
    "email",
    "phone_number",
    "name",
    "given_name",
    "family_name",
    "preferred_username",
    "user_status",
    "enabled",
    "sub",
]


T = TypeVar("T")


class Retryable(Exception):
    """The transaction lost a race (lock timeout, serialization failure, deadlock, a
    dropped connection) and changed nothing; running it again is safe. ``connection``:
    the connection to the database was lost (when that keeps happening, the database is
    unavailable rather than contended)."""

    def __init__(self, message: str, *, connection: bool = False) -> None:
        super().__init__(message)
        self.connection = connection


class Conflict(Exception):
    """A uniqueness or foreign-key rule refused a write. ``constraint`` names which."""

    def __init__(self, constraint: str) -> None:
        super().__init__(constraint)
        self.constraint = constraint


@dataclass(frozen=True)
class SignInKeys:
    """The alias values under which a user may be found, already folded if need be."""

    email: str | None = None
    phone: str | None = None
    preferred: str | None = None


@dataclass(frozen=True)
class UserQuery:
    """A ListUsers filter in storage terms: one column, exact or prefix."""

    field: QueryField
    value: str | int
    prefix: bool = False


#: A keyset position: the sort key(s) of the last item of the previous page.
Position = tuple[str, ...]


class Transaction(Protocol):
    # pools
    def insert_pool(
        self,
        pool_id: str,
        region: str,
        name: str,
        settings: PoolSettings,
        document: Mapping[str, Any],
        now: float,
    ) -> UserPool: ...
    def get_pool(self, pool_id: str) -> UserPool | None: ...
    def update_pool(self, pool: UserPool) -> None: ...
    def delete_pool(self, pool: UserPool) -> None: ...
    def list_pools(
        self,
        region: str,
        after: str | None,
        limit: int,
        only: frozenset[str] | None = None,
    ) -> list[UserPool]:
        """The region's pools after ``after``, by id; ``only`` keeps just those pool ids."""
        ...

    def count_users(self, pool: UserPool) -> int: ...

    # signing keys
    def insert_pool_key(self, pool: UserPool, key: PoolKey) -> None: ...
    def pool_keys(self, pool: UserPool) -> list[PoolKey]: ...
    def retire_pool_keys(self, pool: UserPool, now: float) -> None: ...
    def find_pool_key(self, kid: str) -> tuple[str, PoolKey] | None:
        """The id of the pool that owns the key ``kid``, and the key."""
        ...

    # app clients
    def insert_client(self, pool: UserPool, client: AppClient) -> AppClient: ...
    def get_client(self, pool: UserPool, client_id: str) -> AppClient | None: ...
    def update_client(self, pool: UserPool, client: AppClient) -> None: ...
    def delete_client(self, pool: UserPool, client: AppClient) -> None: ...
    def count_clients(self, pool: UserPool) -> int: ...
    def list_clients(self, pool: UserPool, after: str | None, limit: int) -> list[AppClient]: ...
    def find_client(self, client_id: str) -> str | None:
        """The id of the pool the client belongs to (client ids are unique everywhere)."""
        ...

    # users
    def insert_user(self, pool: UserPool, user: User, keys: SignInKeys) -> User: ...
    def find_user(self, pool: UserPool, by: LookupField, value: str) -> User | None: ...
    def get_user(self, pool: UserPool, key: int) -> User | None: ...
    def update_user(self, pool: UserPool, user: User, keys: SignInKeys) -> None: ...
    def delete_user(self, pool: UserPool, user: User) -> None: ...
    def list_users(
        self, pool: UserPool, query: UserQuery | None, after: Position | None, limit: int
    ) -> list[User]: ...

    # groups
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
    def list_members(
        self, pool: UserPool, group: Group, after: str | None, limit: int
    ) -> list[User]: ...
    def list_groups_of(
        self, pool: UserPool, user: User, after: str | None, limit: int
    ) -> list[Group]: ...

    # sign-in state
    def insert_auth_session(self, pool: UserPool, session: AuthSession, now: float) -> None:
        """Store the session, and drop the pool's expired ones."""
        ...

    def get_auth_session(self, pool: UserPool, handle_hash: str) -> AuthSession | None: ...
    def take_auth_session(self, pool: UserPool, handle_hash: str) -> AuthSession | None:
        """Delete the session and return it; ``None`` if another call took it first."""
        ...

    def insert_token_family(self, pool: UserPool, family: TokenFamily) -> None:
        """Store a new sign-in, and drop the user's families expired by its start."""
        ...

    def find_token_family(
        self, pool: UserPool, by: Literal["token_hash", "origin_jti"], value: str
    ) -> TokenFamily | None: ...
    def revoke_token_family(self, pool: UserPool, origin_jti: str, now: float) -> None: ...
    def put_code(self, pool: UserPool, user: User, code: UserCode) -> None: ...
    def get_code(self, pool: UserPool, user: User, purpose: str) -> UserCode | None: ...
    def count_code_failure(self, pool: UserPool, user: User, purpose: str) -> None: ...
    def delete_code(self, pool: UserPool, user: User, purpose: str) -> None: ...

    # the outbox and server secrets
    def add_message(self, message: Message) -> None: ...
    def list_messages(self, pool_id: str | None, after: int, limit: int) -> list[Message]: ...
    def secret(self, name: str, create: Callable[[], bytes], now: float) -> bytes: ...


class Store(Protocol):
    def read(self, fn: Callable[[Transaction], T]) -> T:
        """``fn`` on one consistent snapshot, run again if the snapshot lost a race."""
        ...

    def write(self, fn: Callable[[Transaction], T]) -> T:
        """``fn`` in one write transaction, committed; run again if it lost a race."""
        ...

    def transaction(self, *, write: bool) -> AbstractContextManager[Transaction]:
        """One attempt, no retry: for the contract suite and tools, not for services."""
        ...

    def close(self) -> None: ...


__all__ = [
    "Conflict",
    "LookupField",
    "Position",
    "QueryField",
    "Retryable",
    "SignInKeys",
    "Store",
    "Transaction",
    "UserQuery",
]
