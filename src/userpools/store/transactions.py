"""Running a service's function in a transaction, again when the transaction lost a race.

Services hand the store a function of one :class:`~userpools.domain.store.Transaction`
(``store.write(fn)``, ``store.read(fn)``). When the engine reports that the transaction lost
a race (:class:`~userpools.domain.store.Retryable`: SQLite busy, a PostgreSQL deadlock or
serialization failure, a connection lost before ``COMMIT``), nothing of it was committed,
so the store runs the function again in a fresh transaction, after a short randomised
backoff. Only that transaction runs again, never the whole API call: a call made of two
transactions (a sign-in around its Argon2id check) keeps what its first one committed.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import TypeVar

from userpools.domain.errors import InternalError
from userpools.domain.store import Retryable, Transaction

T = TypeVar("T")

#: Attempts of one transaction that keeps losing races, and the base of the backoff.
MAX_ATTEMPTS = 12
BACKOFF_SECONDS = 0.002

logger = logging.getLogger("userpools")


class RetryingStore:
    """``read(fn)`` and ``write(fn)`` over an engine's single-attempt ``transaction()``."""

    def transaction(self, *, write: bool) -> AbstractContextManager[Transaction]:
        raise NotImplementedError

    def read(self, fn: Callable[[Transaction], T]) -> T:
        return self._run(fn, write=False)

    def write(self, fn: Callable[[Transaction], T]) -> T:
        return self._run(fn, write=True)

    def _run(self, fn: Callable[[Transaction], T], *, write: bool) -> T:
        for attempt in range(1, MAX_ATTEMPTS + 1):
            try:
                with self.transaction(write=write) as tx:
                    return fn(tx)
            except Retryable as exc:
                if attempt == MAX_ATTEMPTS:
                    logger.error("a transaction gave up after %d attempts: %s", attempt, exc)
                    raise InternalError() from None
                time.sleep(random.uniform(0, min(0.25, BACKOFF_SECONDS * 2**attempt)))
        raise AssertionError("unreachable")
