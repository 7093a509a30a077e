"""The PostgreSQL store: several nodes on one database.

- A psycopg connection pool; each transaction borrows one connection. A connection that
  broke (PostgreSQL restarted) is discarded by the pool, and the transaction runs again on
  a fresh one, so nodes recover without a restart.
- Reads run at REPEATABLE READ, READ ONLY: one snapshot for every query of the call.
- Writes run at READ COMMITTED. The first thing every write of a pool does is read the
  pool row ``FOR UPDATE``, so the writers of one pool take turns: a domain rule checked
  inside the transaction (a quota, an alias, a name) still holds when it commits. The
  foreign keys (``ON DELETE CASCADE``) keep memberships consistent even so.
- Deadlocks, serialization failures and lost connections become ``Retryable``.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import Any

import psycopg
from psycopg_pool import ConnectionPool, PoolTimeout

from userpools.domain.store import Retryable
from userpools.store.errors import translate_postgres_error
from userpools.store.migrate import apply_postgres
from userpools.store.sql import SQLTransaction
from userpools.store.transactions import RetryingStore


class PostgresTransaction(SQLTransaction):
    """The shared SQL on a psycopg connection; writes lock the pool row (see above)."""

    placeholder = "%s"
    driver_errors = (psycopg.Error,)
    translate = staticmethod(translate_postgres_error)
    lock_pools = True


#: Connections per process. Each API call holds one for its transaction only.
POOL_MIN, POOL_MAX = 2, 16
#: Seconds a call waits for a connection before it fails (PostgreSQL down or saturated).
POOL_TIMEOUT = 5.0


class StoreUnavailable(Exception):
    """No connection could be had in time: PostgreSQL is down or saturated."""


class CommitOutcomeUnknown(Exception):
    """The connection broke during COMMIT; the change may or may not have been kept."""


class PostgresStore(RetryingStore):
    """A store on one PostgreSQL database. Safe to share between threads and nodes."""

    def __init__(self, url: str, *, min_size: int = POOL_MIN, max_size: int = POOL_MAX):
        self.url = url
        with psycopg.connect(url, autocommit=True) as conn:
            apply_postgres(conn)
        self._pool = ConnectionPool(
            url,
            min_size=min_size,
            max_size=max_size,
            open=True,
            timeout=POOL_TIMEOUT,
            kwargs={"autocommit": True},  # transactions are begun and ended explicitly
            name="userpools",
        )

    @contextmanager
    def _transaction(self, begin: str, writing: bool) -> Iterator[PostgresTransaction]:
        try:
            with self._pool.connection() as conn:
                conn.execute(begin)
                try:
                    yield PostgresTransaction(conn, writing=writing)
                except BaseException:
                    if not conn.closed:
                        conn.execute("ROLLBACK")
                    raise
                try:
                    conn.execute("COMMIT")
                except psycopg.OperationalError as exc:
                    if writing:
                        # The COMMIT may or may not have landed: never run it again.
                        raise CommitOutcomeUnknown(type(exc).__name__) from exc
                    raise  # a read changed nothing: safe to run again
        except PoolTimeout as exc:
            raise StoreUnavailable(str(exc)) from exc
        except psycopg.OperationalError as exc:
            # The connection broke before COMMIT, so nothing was committed. When one
            # broke, the others probably did too (PostgreSQL restarted): drop every
            # broken idle connection now, so the retry gets a live one.
            self._pool.check()
            raise Retryable("connection: " + type(exc).__name__) from exc

    def transaction(self, *, write: bool) -> AbstractContextManager[PostgresTransaction]:
        if write:
            return self._transaction("BEGIN ISOLATION LEVEL READ COMMITTED", True)
        return self._transaction("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", False)

    def close(self) -> None:
        self._pool.close()


def describe(url: str) -> str:
    """The URL without its password, for banners and logs."""
    info: Any = psycopg.conninfo.conninfo_to_dict(url)
    info.pop("password", None)
    return " ".join(f"{k}={v}" for k, v in sorted(info.items()))
