"""Password hashing with Argon2id (argon2-cffi).

The default cost is OWASP's recommended Argon2id setting: m = 19 MiB, t = 2, p = 1 (about 100 ms
per hash on a small VM, see reliability.md E9). Stored hashes are PHC strings that carry their own
parameters and salt, so a cost change only needs :meth:`PasswordHasher.needs_rehash` after the next
successful sign-in. Nothing here logs, returns or formats a password.

Each hash or verification needs its memory cost in RAM while it runs, so they run on a few
threads (one per core by default) behind a bounded queue (16 calls per thread by default):
however many requests arrive at once, at most ``threads`` of them hold Argon2 memory, and
past ``threads + queue`` waiting calls the hasher refuses at once (the caller's ``busy``
error, TooManyRequestsException on the wire) rather than growing.
"""

from __future__ import annotations

import os
import secrets
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

import argon2
from argon2.exceptions import InvalidHashError, VerificationError

OWASP_TIME_COST = 2
OWASP_MEMORY_COST_KIB = 19 * 1024
OWASP_PARALLELISM = 1
HASH_LENGTH = 32
SALT_LENGTH = 16

# The smallest cost Argon2 accepts (memory must be at least 8 KiB per lane): for tests only.
_TEST_TIME_COST = 1
_TEST_MEMORY_COST_KIB = 8

#: Calls that may wait for a hashing thread, per thread: at about 100 ms a hash, a call waits
#: at most about 1.6 s before its turn.
QUEUE_PER_THREAD = 16

T = TypeVar("T")


class HasherBusy(Exception):
    """Every hashing thread is busy and the queue is full: try again later."""


def cores() -> int:
    """The CPUs this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


class PasswordHasher:
    """Hashes and verifies passwords as Argon2id PHC strings (``$argon2id$v=19$…``)."""

    __slots__ = ("_busy", "_dummy_hash", "_executor", "_hasher", "_slots")

    def __init__(
        self,
        *,
        time_cost: int = OWASP_TIME_COST,
        memory_cost_kib: int = OWASP_MEMORY_COST_KIB,
        parallelism: int = OWASP_PARALLELISM,
        threads: int | None = None,
        queue: int | None = None,
        busy: Callable[[], Exception] = HasherBusy,
    ) -> None:
        self._hasher = argon2.PasswordHasher(
            time_cost=time_cost,
            memory_cost=memory_cost_kib,
            parallelism=parallelism,
            hash_len=HASH_LENGTH,
            salt_len=SALT_LENGTH,
            type=argon2.Type.ID,
        )
        self._dummy_hash: str | None = None
        threads = threads or cores()
        if queue is None:
            queue = QUEUE_PER_THREAD * threads
        self._executor = ThreadPoolExecutor(threads, thread_name_prefix="argon2")
        self._slots = threading.BoundedSemaphore(threads + queue)
        self._busy = busy

    @classmethod
    def fast_for_tests(cls, busy: Callable[[], Exception] = HasherBusy) -> PasswordHasher:
        """A hasher with Argon2's minimum cost. Never use it to store real passwords."""
        return cls(
            time_cost=_TEST_TIME_COST,
            memory_cost_kib=_TEST_MEMORY_COST_KIB,
            parallelism=OWASP_PARALLELISM,
            busy=busy,
        )

    def close(self) -> None:
        """Stop the hashing threads once the calls in flight are done."""
        self._executor.shutdown(wait=False)

    def _run(self, fn: Callable[..., T], *args: object) -> T:
        """``fn(*args)`` on a hashing thread, waiting for it; refused when the queue is full."""
        if not self._slots.acquire(blocking=False):
            raise self._busy()
        try:
            return self._executor.submit(fn, *args).result()
        finally:
            self._slots.release()

    def __repr__(self) -> str:
        p = self._hasher
        return f"PasswordHasher(t={p.time_cost}, m={p.memory_cost}KiB, p={p.parallelism})"

    def hash(self, password: str) -> str:
        """Hash ``password`` with a fresh random salt."""
        return self._run(self._hasher.hash, _encode(password))

    def verify(self, stored: str, password: str) -> bool:
        """Whether ``password`` matches ``stored``; False on mismatch or a malformed hash."""
        if not stored.isascii():
            return False
        return self._run(_verify, self._hasher, stored, _encode(password))

    def needs_rehash(self, stored: str) -> bool:
        """Whether ``stored`` was made with other parameters (or cannot be read) than ours."""
        try:
            return self._hasher.check_needs_rehash(stored)
        except ValueError:  # InvalidHashError, or a parameter that is not a number
            return True

    def dummy_verify(self, password: str) -> None:
        """Spend the time of one verification, so unknown users answer as slowly as known ones."""
        if self._dummy_hash is None:
            self._dummy_hash = self.hash(secrets.token_urlsafe(32))
        self.verify(self._dummy_hash, password)


def _verify(hasher: argon2.PasswordHasher, stored: str, password: bytes) -> bool:
    try:
        return hasher.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False


def _encode(password: str) -> bytes:
    # ``surrogatepass`` keeps a lone surrogate from raising: such a password simply never matches
    # one typed another way, instead of failing the request.
    return password.encode("utf-8", "surrogatepass")
