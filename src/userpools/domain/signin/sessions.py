"""Challenges in flight: typed state in, typed state out.

A challenge waiting for its answer is an :class:`~userpools.domain.models.AuthSession` in the
store, found by the SHA-256 of the handle the client holds (the ``Session`` string, or the SRP
``SECRET_BLOCK``), taken (deleted) by the answer and expiring after the client's
``AuthSessionValidity``; any node can take it. The record keeps the challenge's state as a
string; the domain sees a frozen dataclass, one per challenge, and this module is the only
place that turns the one into the other.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, Generic, Protocol, Self, TypeVar

from userpools.domain.models import AppClient, AuthSession, User, UserPool
from userpools.domain.store import Transaction
from userpools.domain.tokens import digest


class SessionState(Protocol):
    """A challenge's own state between the question and the answer (a frozen dataclass)."""

    challenge: ClassVar[str]

    def encode(self) -> str: ...

    @classmethod
    def decode(cls, text: str) -> Self: ...


S = TypeVar("S", bound=SessionState)


@dataclass(frozen=True)
class Pending(Generic[S]):
    """A stored session, its state decoded."""

    user_key: int
    client_id: str
    state: S
    expires_at: float

    def expired(self, now: float) -> bool:
        return now > self.expires_at


def issue(
    tx: Transaction,
    pool: UserPool,
    client: AppClient,
    user: User,
    state: SessionState,
    handle: str,
    now: float,
) -> None:
    """Store ``state`` under ``handle`` for the client's ``AuthSessionValidity``."""
    tx.insert_auth_session(
        pool,
        AuthSession(
            handle_hash=digest(handle),
            user_key=user.key,
            client_id=client.client_id,
            challenge=state.challenge,
            state=state.encode(),
            expires_at=now + client.settings.auth_session_minutes * 60,
        ),
        now,
    )


def take(tx: Transaction, pool: UserPool, handle: str, kind: type[S]) -> Pending[S] | None:
    """Use the session up; ``None`` if there is none of this kind (or another call took it)."""
    return _typed(tx.take_auth_session(pool, digest(handle)), kind)


def peek(tx: Transaction, pool: UserPool, handle: str, kind: type[S]) -> Pending[S] | None:
    """Look at the session without using it up."""
    return _typed(tx.get_auth_session(pool, digest(handle)), kind)


def _typed(stored: AuthSession | None, kind: type[S]) -> Pending[S] | None:
    if stored is None or stored.challenge != kind.challenge:
        return None
    return Pending(stored.user_key, stored.client_id, kind.decode(stored.state), stored.expires_at)


#: What a session answered correctly becomes: kept until it would have expired, so that
#: answering it again is told apart from answering a session that never was.
USED = "USED"


def spend(tx: Transaction, pool: UserPool, handle: str, now: float) -> bool:
    """Use the session up, leaving a marker that it was used (:func:`was_used`); False if
    another call took it first."""
    taken = tx.take_auth_session(pool, digest(handle))
    if taken is None:
        return False
    marker = AuthSession(
        digest(handle), taken.user_key, taken.client_id, USED, "{}", taken.expires_at
    )
    tx.insert_auth_session(pool, marker, now)
    return True


def was_used(tx: Transaction, pool: UserPool, handle: str) -> bool:
    stored = tx.get_auth_session(pool, digest(handle))
    return stored is not None and stored.challenge == USED
