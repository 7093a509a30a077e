"""What users need of a transaction: user records, found by key, by sign-in name, or by a
ListUsers filter."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, Protocol

from userpools.domain.filters import UserQuery
from userpools.domain.models import User, UserPool

#: The indexed ways to find one user: by username key, by sub, or by a sign-in alias.
LookupField = Literal["username_key", "sub", "login_email", "login_phone", "login_preferred"]

#: A keyset position: the sort key(s) of the last item of the previous page.
Position = tuple[str, ...]


@dataclass(frozen=True)
class SignInKeys:
    """The alias values under which a user may be found, already folded if need be."""

    email: str | None = None
    phone: str | None = None
    preferred: str | None = None


class UserStore(Protocol):
    def insert_user(self, pool: UserPool, user: User, keys: SignInKeys) -> User: ...
    def find_user(self, pool: UserPool, by: LookupField, value: str) -> User | None: ...
    def get_user(self, pool: UserPool, key: int) -> User | None: ...
    def lock_user(self, pool: UserPool, user: User) -> bool:
        """Make the user's other writers wait until this write transaction ends, where the
        pool is held ``shared`` (see ``get_pool``); False if the user is gone."""
        ...

    def update_user(self, pool: UserPool, user: User, keys: SignInKeys) -> None: ...
    def delete_user(self, pool: UserPool, user: User) -> None: ...
    def count_users(self, pool: UserPool) -> int: ...
    def list_users(
        self, pool: UserPool, query: UserQuery | None, after: Position | None, limit: int
    ) -> list[User]:
        """The pool's users after ``after``: by username key, or for a prefix query by the
        queried value, then username key."""
        ...
