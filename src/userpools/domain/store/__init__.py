"""The storage contract the domain owns, one protocol per feature.

A :class:`Store` runs a function of one :class:`Transaction`: ``read(fn)`` on a consistent
snapshot, ``write(fn)`` as one atomic unit of change. When the transaction loses a race the
store runs ``fn`` again in a fresh one, so ``fn`` must not act outside the transaction.

Each feature declares what it needs of a transaction in its own module here (``pools``,
``users``, ``groups`` with memberships, ``clients``, ``sessions`` with one-time codes,
``tokens``, ``messages``, ``keys`` with server secrets, ``settings``, sign-in ``events``,
users' ``mfa``, ``oauth`` resource servers and domains, the ``triggers`` record);
:class:`Transaction` is their
union. Implementations live in ``userpools.store``; they translate driver errors into
:class:`Conflict` (a uniqueness or reference rule refused the change) or
:class:`Retryable` (the transaction lost a race and may be run again), and nothing else
escapes as a driver type.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Protocol, TypeVar

from userpools.domain.filters import UserQuery
from userpools.domain.store.clients import ClientStore
from userpools.domain.store.events import EventStore
from userpools.domain.store.groups import GroupStore, MemberPage
from userpools.domain.store.keys import KeyStore
from userpools.domain.store.messages import MessageStore
from userpools.domain.store.mfa import MfaStore
from userpools.domain.store.oauth import OAuthStore
from userpools.domain.store.pools import PoolStore
from userpools.domain.store.sessions import SessionStore
from userpools.domain.store.settings import SettingStore
from userpools.domain.store.tokens import TokenStore
from userpools.domain.store.triggers import TriggerStore
from userpools.domain.store.users import LookupField, Position, SignInKeys, UserStore

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


class Transaction(
    PoolStore,
    UserStore,
    GroupStore,
    ClientStore,
    SessionStore,
    TokenStore,
    MessageStore,
    KeyStore,
    SettingStore,
    EventStore,
    MfaStore,
    TriggerStore,
    OAuthStore,
    Protocol,
):
    """Everything a service may do in one transaction: the union of the features' stores."""


class Store(Protocol):
    #: Whether a read only touches local files (no network round trip, and no lock wait in
    #: the common case): short enough to run on the server's event loop.
    local_reads: bool

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
    "ClientStore",
    "Conflict",
    "EventStore",
    "GroupStore",
    "KeyStore",
    "LookupField",
    "MemberPage",
    "MessageStore",
    "MfaStore",
    "OAuthStore",
    "PoolStore",
    "Position",
    "Retryable",
    "SessionStore",
    "SettingStore",
    "SignInKeys",
    "Store",
    "TokenStore",
    "Transaction",
    "TriggerStore",
    "UserQuery",
    "UserStore",
]
