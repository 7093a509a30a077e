"""Running a service's function in a transaction, again when the transaction lost a race.

Services hand the store a function of one :class:`~userpools.domain.store.Transaction`
(``store.write(fn)``, ``store.read(fn)``). When the engine reports that the transaction lost
a race (:class:`~userpools.domain.store.Retryable`: SQLite busy, a PostgreSQL deadlock or
serialization failure, a connection lost before ``COMMIT``), nothing of it was committed,
so the store runs the function again in a fresh transaction, after a short randomised
backoff. Only that transaction runs again, never the whole API call: a call made of two
transactions (a sign-in around its Argon2id check) keeps what its first one committed.

When the store cannot serve a call for a cause outside it (a full disk, a commit whose
outcome could not be settled: :class:`~userpools.domain.errors.ServiceUnavailable`), the
transaction is not run again here (nor one whose connection was lost on every attempt:
the database is unreachable); the cause is logged at most once per
:data:`UNAVAILABLE_LOG_INTERVAL` seconds, with how many calls it refused meanwhile, and the
client gets the 503.
"""

from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import TypeVar

from userpools.domain.errors import DATABASE_UNREACHABLE, InternalError, ServiceUnavailable
from userpools.domain.store import Retryable, Transaction

T = TypeVar("T")

#: Attempts of one transaction that keeps losing races, and the base of the backoff.
MAX_ATTEMPTS = 12
BACKOFF_SECONDS = 0.002

#: Seconds between two log lines about the same cause of unavailability.
UNAVAILABLE_LOG_INTERVAL = 60.0

logger = logging.getLogger("userpools")


class IntervalLog:
    """Logs a repeated warning at most once per ``interval`` seconds, with a count of the
    occurrences it held back; ``clock`` is replaceable for tests."""

    def __init__(
        self,
        interval: float = UNAVAILABLE_LOG_INTERVAL,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.interval = interval
        self.clock = clock
        self._last: dict[str, float] = {}
        self._held: dict[str, int] = {}
        self._lock = threading.Lock()

    def warning(self, message: str) -> None:
        now = self.clock()
        with self._lock:
            last = self._last.get(message)
            if last is not None and now - last < self.interval:
                self._held[message] = self._held.get(message, 0) + 1
                return
            self._last[message] = now
            held = self._held.pop(message, 0)
        logger.warning(
            "store unavailable, answered ServiceUnavailable (503): %s"
            " (%d more since the last report; reported at most once per %.0f s)",
            message,
            held,
            self.interval,
        )


class RetryingStore:
    """``read(fn)`` and ``write(fn)`` over an engine's single-attempt ``transaction()``."""

    #: Where unavailability is reported; each store instance gets its own (see ``__init__``).
    unavailable_log: IntervalLog
    #: See :class:`~userpools.domain.store.Store`; engines over the network leave it False.
    local_reads: bool = False

    def __init__(self) -> None:
        self.unavailable_log = IntervalLog()

    def transaction(self, *, write: bool) -> AbstractContextManager[Transaction]:
        raise NotImplementedError

    def read(self, fn: Callable[[Transaction], T]) -> T:
        return self._run(fn, write=False)

    def write(self, fn: Callable[[Transaction], T]) -> T:
        return self._run(fn, write=True)

    def _run(
        self,
        fn: Callable[[Transaction], T],
        *,
        write: bool,
        opener: Callable[[], AbstractContextManager[Transaction]] | None = None,
    ) -> T:
        """``fn`` in a transaction from ``opener`` (default: :meth:`transaction`), run again
        after a lost race."""
        for attempt in range(1, MAX_ATTEMPTS + 1):
            try:
                with opener() if opener else self.transaction(write=write) as tx:
                    return fn(tx)
            except ServiceUnavailable as exc:
                self.unavailable_log.warning(exc.message)
                raise
            except Retryable as exc:
                if attempt == MAX_ATTEMPTS and exc.connection:
                    # Connections lost on every attempt: the database is unavailable.
                    self.unavailable_log.warning(DATABASE_UNREACHABLE)
                    raise ServiceUnavailable(DATABASE_UNREACHABLE) from None
                if attempt == MAX_ATTEMPTS:
                    logger.error("a transaction gave up after %d attempts: %s", attempt, exc)
                    raise InternalError() from None
                time.sleep(random.uniform(0, min(0.25, BACKOFF_SECONDS * 2**attempt)))
        raise AssertionError("unreachable")
