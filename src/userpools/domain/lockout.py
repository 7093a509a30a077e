"""Lock-out after failed sign-ins (cognito-spec §9.2, reliability.md §1.4), as pure functions.

After the fifth failure in a row a user is locked for 1 s, and each further failure doubles the
lock: 2^(n-5) seconds for n failures, at most 15 minutes. Attempts while locked are refused with
"Password attempts exceeded" and do not lengthen the lock. A correct password resets the count,
and so do 15 minutes without a failure.

The count stays exact under parallel attempts without counting any attempt before its outcome
is known (``domain/password_checks.py``). A password check in flight holds a place; a new check
may start only while the places held are fewer than the failures the user has left before the
lock (:func:`turn`), and otherwise waits for them to end. Parallel wrong guesses therefore get
exactly the failures left, however they interleave, on any node; parallel right passwords all
succeed. A place expires after :data:`CHECK_SECONDS`, so a check whose node died frees it.
"""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Iterator

from userpools.domain.models import User

FREE_ATTEMPTS = 5
MAX_LOCK_SECONDS = 15 * 60.0
#: A quiet spell after which the count starts again from zero.
FORGET_AFTER_SECONDS = 15 * 60.0
#: How long a check in flight holds its place: far beyond a check's longest legitimate run
#: (the hashing queue, about 2 s, then two write transactions), so only a dead node's place
#: ever expires.
CHECK_SECONDS = 30.0
#: How long, in all, a check waits for the checks in flight ahead of it.
MAX_WAIT_SECONDS = 5.0
_FIRST_PAUSE, _LONGEST_PAUSE = 0.005, 0.2

ATTEMPTS_EXCEEDED = "Password attempts exceeded"


class Turn(enum.Enum):
    """Whether a password check may start now."""

    GO = "go"
    #: Not locked, but the checks in flight could use up the failures left: wait for them.
    WAIT = "wait"
    LOCKED = "locked"


def lock_seconds(failures: int) -> float:
    """How long ``failures`` failures in a row lock the user."""
    if failures < FREE_ATTEMPTS:
        return 0.0
    # The exponent is bounded first: 2.0 ** 1024 would raise OverflowError, and 2^30 s is far
    # beyond the cap anyway.
    return min(2.0 ** min(failures - FREE_ATTEMPTS, 30), MAX_LOCK_SECONDS)


def is_locked(user: User, now: float) -> bool:
    return user.locked_until is not None and now < user.locked_until


def _count(user: User, now: float) -> int:
    """The failures in a row that still count at ``now`` (none after a quiet spell)."""
    if user.last_failure_at is not None and now - user.last_failure_at >= FORGET_AFTER_SECONDS:
        return 0
    return user.failed_attempts


def failures_left(user: User, now: float) -> int:
    """How many failures may still be counted before one locks the user: 0 while locked.

    Five from a clean count; after a lock has run out, one (the next failure locks again).
    """
    if is_locked(user, now):
        return 0
    return max(1, FREE_ATTEMPTS - _count(user, now))


def turn(user: User, in_flight: int, now: float) -> Turn:
    """Whether a new check may start while ``in_flight`` checks hold places: only while they
    are fewer than the failures left, so that even if every one of them fails, none is
    counted against a locked user."""
    if is_locked(user, now):
        return Turn.LOCKED
    return Turn.GO if in_flight < failures_left(user, now) else Turn.WAIT


def pauses() -> Iterator[float]:
    """The pauses of a check waiting for its turn: doubling from 5 ms to 200 ms, and
    :data:`MAX_WAIT_SECONDS` in all, whatever the clock says."""
    pause, waited = _FIRST_PAUSE, 0.0
    while waited + pause <= MAX_WAIT_SECONDS:
        yield pause
        waited += pause
        pause = min(pause * 2, _LONGEST_PAUSE)


def failed(user: User, now: float) -> User:
    """``user`` with one more failure counted (the caller has checked it is not locked)."""
    count = _count(user, now) + 1
    seconds = lock_seconds(count)
    return dataclasses.replace(
        user,
        failed_attempts=count,
        last_failure_at=now,
        locked_until=now + seconds if seconds else None,
    )


def succeeded(user: User) -> User:
    """``user`` with the count cleared after a correct password."""
    return dataclasses.replace(user, failed_attempts=0, last_failure_at=None, locked_until=None)
