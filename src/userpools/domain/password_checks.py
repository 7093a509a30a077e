"""Password checks in flight: the lock-out count, exact under parallel attempts.

An Argon2id check takes about 100 ms, too long to hold a pool's write lock, so it runs between
two write transactions:

1. :meth:`PasswordChecks.turn` runs the first. It finds the user unlocked and, when the checks
   already in flight leave room (``lockout.turn``), starts a :class:`Check`: a row of the store
   that holds a place. When they do not, the transaction writes nothing and is run again after a
   short pause, until the checks ahead have ended (the user is then locked, or there is room), at
   most ``lockout.MAX_WAIT_SECONDS``; then ``TooManyRequestsException``.
2. :meth:`PasswordChecks.verify` checks the password with no transaction open.
3. One write records the outcome and ends the check: a wrong password counts a failure (which may
   lock); a right one clears the count (:func:`succeeded`, in the caller's transaction that takes
   the next step). A check that ends by an error (the hashing queue full, a lost database) ends
   with nothing counted.

No attempt is counted before its outcome is known, so parallel right passwords all succeed; and
no more checks run at once than the failures left, so parallel wrong guesses get exactly those,
on any node. A check whose node died expires after ``lockout.CHECK_SECONDS``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Final, TypeVar

from userpools.crypto.passwords import PasswordHasher
from userpools.domain import lockout, messages
from userpools.domain.errors import NotAuthorized, TooManyRequests
from userpools.domain.lookup import sign_in_keys
from userpools.domain.models import User, UserPool
from userpools.domain.store import Store, Transaction

T = TypeVar("T")


class Wait:
    """What a transaction of :meth:`PasswordChecks.turn` answers when the check must wait."""


WAIT: Final = Wait()


@dataclass(frozen=True)
class Check:
    """A check of ``user``'s password in flight: the place it holds in the store."""

    pool: UserPool
    user: User = field(repr=False)
    key: int


def must_wait(tx: Transaction, pool: UserPool, user: User, now: float) -> bool:
    """Whether the checks of ``user``'s password in flight could use up the failures left."""
    in_flight = tx.count_password_checks(pool, user, now)
    return lockout.turn(user, in_flight, now) is lockout.Turn.WAIT


def start(tx: Transaction, pool: UserPool, user: User, now: float) -> Check | Wait:
    """A check of ``user``'s password, or :data:`WAIT`; refused while the user is locked."""
    in_flight = tx.count_password_checks(pool, user, now)
    match lockout.turn(user, in_flight, now):
        case lockout.Turn.LOCKED:
            raise NotAuthorized(lockout.ATTEMPTS_EXCEEDED)
        case lockout.Turn.WAIT:
            return WAIT
    return Check(pool, user, tx.insert_password_check(pool, user, now, now + lockout.CHECK_SECONDS))


def succeeded(tx: Transaction, check: Check | None, user: User) -> User:
    """End ``check`` (if any) of a right password: ``user`` (as read now), count cleared."""
    if check is not None:
        tx.delete_password_check(check.pool, check.key)
    return lockout.succeeded(user)


def _failed(tx: Transaction, check: Check, now: float) -> None:
    pool = tx.get_pool(check.pool.id)  # locked for writing, as by every writer of the pool
    if pool is None:
        return
    tx.delete_password_check(pool, check.key)
    user = tx.get_user(pool, check.user.key)
    # Locked only if the check outlived its place (a failure during a lock would lengthen it).
    if user is not None and not lockout.is_locked(user, now):
        counted = lockout.failed(user, now)
        tx.update_user(pool, counted, sign_in_keys(pool, counted.attributes))


def _abandon(tx: Transaction, check: Check) -> None:
    pool = tx.get_pool(check.pool.id)
    if pool is not None:
        tx.delete_password_check(pool, check.key)


class PasswordChecks:
    """Checks of users' passwords under the lock-out, for every path that takes a password."""

    def __init__(
        self,
        store: Store,
        hasher: PasswordHasher,
        clock: Callable[[], float],
        sleep: Callable[[float], None],
    ) -> None:
        self._store = store
        self._hasher = hasher
        self._clock = clock
        self._sleep = sleep

    def turn(self, fn: Callable[[Transaction], T | Wait]) -> T:
        """``store.write(fn)``, run again after a pause while ``fn`` answers :data:`WAIT`."""
        for pause in lockout.pauses():
            result = self._store.write(fn)
            if not isinstance(result, Wait):
                return result
            self._sleep(pause)
        result = self._store.write(fn)
        if isinstance(result, Wait):
            raise TooManyRequests(messages.CHECKS_IN_FLIGHT)
        return result

    def verify(self, check: Check, password: str) -> bool:
        """Whether ``password`` is the user's. A wrong one is counted and ends the check; a right
        one leaves it to the caller's next write (:func:`succeeded`, inside :meth:`held`)."""
        with self.held(check):
            stored = check.user.password_hash
            if stored is None:
                self._hasher.dummy_verify(password)
                right = False
            else:
                right = self._hasher.verify(stored, password)
            if not right:
                now = self._clock()
                self._store.write(lambda tx: _failed(tx, check, now))
        return right

    @contextmanager
    def held(self, check: Check | None) -> Iterator[None]:
        """End ``check`` (if any) with nothing counted if what runs inside fails."""
        try:
            yield
        except BaseException:
            if check is not None:
                self._store.write(lambda tx: _abandon(tx, check))
            raise
