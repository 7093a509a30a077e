"""Lock-out after failed sign-ins (cognito-spec §9.2, reliability.md §1.4), as pure functions.

After the fifth failure in a row a user is locked for 1 s, and each further failure doubles the
lock: 2^(n-5) seconds for n failures, at most 15 minutes. Attempts while locked are refused with
"Password attempts exceeded" and do not lengthen the lock. A correct password resets the count,
and so do 15 minutes without a failure.

The callers keep the check and the count atomic: the password paths record the attempt as a
failure *before* the (slow, lock-free) Argon2id check, in the same write transaction that saw the
user unlocked, and undo it on success. Parallel guesses therefore each take their own count and
the sixth one meets the lock, however they interleave, on any node.
"""

from __future__ import annotations

import dataclasses

from userpools.domain.models import User

FREE_ATTEMPTS = 5
MAX_LOCK_SECONDS = 15 * 60.0
#: A quiet spell after which the count starts again from zero.
FORGET_AFTER_SECONDS = 15 * 60.0

ATTEMPTS_EXCEEDED = "Password attempts exceeded"


def lock_seconds(failures: int) -> float:
    """How long ``failures`` failures in a row lock the user."""
    if failures < FREE_ATTEMPTS:
        return 0.0
    # The exponent is bounded first: 2.0 ** 1024 would raise OverflowError, and 2^30 s is far
    # beyond the cap anyway.
    return min(2.0 ** min(failures - FREE_ATTEMPTS, 30), MAX_LOCK_SECONDS)


def is_locked(user: User, now: float) -> bool:
    return user.locked_until is not None and now < user.locked_until


def failed(user: User, now: float) -> User:
    """``user`` with one more failure counted (the caller has checked it is not locked)."""
    count = user.failed_attempts
    if user.last_failure_at is not None and now - user.last_failure_at >= FORGET_AFTER_SECONDS:
        count = 0
    count += 1
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
