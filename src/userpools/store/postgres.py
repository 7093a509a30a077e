"""The PostgreSQL store: several nodes on one database.

- A psycopg connection pool; each transaction borrows one connection. A connection that
  broke (PostgreSQL restarted) is discarded by the pool, and the transaction runs again on
  a fresh one, so nodes recover without a restart.
- Reads run at REPEATABLE READ, READ ONLY: one snapshot for every query of the call. A
  read that is one statement (a page of ListUsersInGroup) needs no transaction around it:
  a statement sees one snapshot by itself. So a read is first run without ``BEGIN``, one
  round trip in all; if it makes a second statement, it is stopped before that statement
  runs and run again in a transaction, and its call site (the function's code) is
  remembered so that it starts in one from then on.
- Writes run at READ COMMITTED. The first thing a write of a pool does is read the pool
  row ``FOR UPDATE``, so the writers of one pool take turns: a domain rule checked inside
  the transaction (a quota, an alias, a name) still holds when it commits. Membership
  changes hold the pool row shared (``FOR KEY SHARE``: they wait for the other writers,
  not for each other) and lock the user's row for the per-user quota. The
  foreign keys (``ON DELETE CASCADE``) keep memberships consistent even so.
- Deadlocks, serialization failures and lost connections become ``Retryable``.
- A write learns its transaction id with its ``BEGIN`` (one round trip). When the
  connection is lost during ``COMMIT`` the outcome is unknown, so a fresh connection asks
  ``txid_status()``: ``committed``, the call succeeded and its result is returned (the
  transaction is never run again); ``aborted``, nothing was kept and it runs again; still
  unknown after :data:`SETTLE_SECONDS`, the call is answered ``ServiceUnavailable`` (503).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from types import CodeType
from typing import Any, TypeVar

import psycopg
from psycopg_pool import ConnectionPool, PoolTimeout

from userpools.domain.errors import COMMIT_UNSETTLED, DATABASE_UNREACHABLE, ServiceUnavailable
from userpools.domain.store import MemberPage, Retryable, Transaction
from userpools.store.errors import translate_postgres_error
from userpools.store.migrate import apply_postgres
from userpools.store.sql import SQLTransaction
from userpools.store.sql.base import qualified
from userpools.store.sql.groups import GROUP_AS_G, group_from_row
from userpools.store.sql.users import USER_COLUMNS, user_from_row
from userpools.store.transactions import RetryingStore

T = TypeVar("T")


class _SecondStatement(Exception):
    """A read run without a transaction tried a second statement (see above)."""


class PostgresTransaction(SQLTransaction):
    """The shared SQL on a psycopg connection; writes lock the pool row (see above)."""

    placeholder = "%s"
    driver_errors = (psycopg.Error,)
    translate = staticmethod(translate_postgres_error)
    lock_pools = True
    skip_locked = True

    def __init__(self, conn: Any, *, writing: bool, statements: int | None = None) -> None:
        super().__init__(conn, writing=writing)
        #: How many more statements may run; ``None``: any number (inside a transaction).
        self._statements = statements

    def _execute(self, sql: str, params: Sequence[Any]) -> Any:
        if self._statements is not None:
            if self._statements == 0:
                raise _SecondStatement()
            self._statements -= 1
        return super()._execute(sql, params)

    def member_page(
        self, pool_id: str, group_name: str, after: str | None, limit: int
    ) -> MemberPage:
        """One statement: the pool, its group and the page of members beside each row."""
        rows = self._all(_MEMBER_PAGE, (group_name, after or "", limit, pool_id))
        if not rows:
            return MemberPage(None, None, None, [])
        first = rows[0]
        if first["g_id"] is None:
            return MemberPage(first["pool_key"], first["pool_region"], None, [])
        group = group_from_row(first, "g_")
        members = [user_from_row(r) for r in rows if r["id"] is not None]
        return MemberPage(first["pool_key"], first["pool_region"], group, members)


#: The pool and group by name, and up to a limit of members after a key (a keyset scan of
#: the membership index, as in ``GroupSQL._list_members``); a row per member, or one row with the
#: members' columns NULL when there is none.
_MEMBER_PAGE = (
    f"SELECT p.id AS pool_key, p.region AS pool_region, {GROUP_AS_G}, u.*"
    " FROM user_pools p"
    " LEFT JOIN groups g ON g.pool = p.id AND g.name = ?"
    " LEFT JOIN LATERAL ("
    f"SELECT m.user_key AS member_key, {qualified(USER_COLUMNS, 'u')}"
    " FROM memberships m JOIN users u ON u.id = m.user_id"
    " WHERE m.pool = p.id AND m.group_id = g.id AND m.user_key > ?"
    " ORDER BY m.user_key LIMIT ?"
    ") u ON true"
    " WHERE p.pool_id = ?"
    " ORDER BY u.member_key"
)


#: Connections per process. Each API call holds one for its transaction only.
POOL_MIN, POOL_MAX = 2, 16
#: Seconds a call waits for a connection before it is answered ServiceUnavailable (503).
POOL_TIMEOUT = 5.0


#: Seconds to keep asking whether a transaction whose COMMIT was cut off committed.
SETTLE_SECONDS = 3.0
_SETTLE_POLL = 0.05

_BEGIN_WRITE = "BEGIN ISOLATION LEVEL READ COMMITTED; SELECT txid_current()"
_BEGIN_READ = "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"


class PostgresStore(RetryingStore):
    """A store on one PostgreSQL database. Safe to share between threads and nodes."""

    def __init__(self, url: str, *, min_size: int = POOL_MIN, max_size: int = POOL_MAX):
        super().__init__()
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
        #: The code of the reads that make more than one statement (see above).
        self._snapshot_reads: set[CodeType] = set()

    def read(self, fn: Callable[[Transaction], T]) -> T:
        code = getattr(fn, "__code__", None)
        if code is None or code in self._snapshot_reads:
            return self._run(fn, write=False)
        try:
            return self._run(fn, write=False, opener=lambda: self._transaction(False, 1))
        except _SecondStatement:
            self._snapshot_reads.add(code)
            return self._run(fn, write=False)

    @contextmanager
    def _connection(self) -> Iterator[psycopg.Connection[Any]]:
        """A connection of the pool; an unreachable database and a lost connection become
        the contract's errors."""
        try:
            with self._pool.connection() as conn:
                yield conn
        except PoolTimeout as exc:  # PostgreSQL is down, or every connection is busy
            raise ServiceUnavailable(DATABASE_UNREACHABLE) from exc
        except psycopg.OperationalError as exc:
            # The connection broke before COMMIT, so nothing was committed. When one
            # broke, the others probably did too (PostgreSQL restarted): drop every
            # broken idle connection now, so the retry gets a live one.
            self._pool.check()
            raise Retryable("connection: " + type(exc).__name__, connection=True) from exc
        except Retryable as exc:
            if exc.connection:  # the same, met by a statement (translated in SQLBase)
                self._pool.check()
            raise

    @contextmanager
    def _transaction(
        self, writing: bool, statements: int | None = None
    ) -> Iterator[PostgresTransaction]:
        """A transaction; with ``statements``, a read of at most that many statements run
        outside any (see the module's docstring)."""
        with self._connection() as conn:
            if statements is not None:
                yield PostgresTransaction(conn, writing=False, statements=statements)
                return
            xid = _begin(conn, writing)
            try:
                yield PostgresTransaction(conn, writing=writing)
            except BaseException:
                if not conn.closed:
                    conn.execute("ROLLBACK")
                raise
            try:
                conn.execute("COMMIT")
            except psycopg.Error as exc:
                if xid is not None and conn.broken:
                    # Cut off during COMMIT: it may or may not have landed.
                    self._settle(xid)
                    return  # it did: the call succeeded
                translated = translate_postgres_error(exc)
                if translated is None or isinstance(translated, Retryable):
                    raise  # a read, or nothing committed: see _connection
                raise translated from exc

    def _settle(self, xid: int) -> None:
        """Return if transaction ``xid`` committed; raise :class:`Retryable` if it aborted,
        :class:`ServiceUnavailable` if that cannot be known within :data:`SETTLE_SECONDS`."""
        deadline = time.monotonic() + SETTLE_SECONDS
        while True:
            status = self._xid_status(xid)
            if status == "committed":
                return
            if status == "aborted":
                self._pool.check()
                raise Retryable("connection lost during COMMIT; it aborted", connection=True)
            if time.monotonic() >= deadline:  # "in progress", forgotten, or unreachable
                raise ServiceUnavailable(COMMIT_UNSETTLED)
            time.sleep(_SETTLE_POLL)

    def _xid_status(self, xid: int) -> str | None:
        """``txid_status(xid)`` asked on a fresh connection; ``None`` if it cannot be asked."""
        try:
            with psycopg.connect(self.url, autocommit=True, connect_timeout=2) as conn:
                row = conn.execute("SELECT txid_status(%s)", (xid,)).fetchone()
        except psycopg.Error:
            return None
        return None if row is None else row[0]

    def transaction(self, *, write: bool) -> AbstractContextManager[PostgresTransaction]:
        return self._transaction(write)

    def close(self) -> None:
        self._pool.close()


def _begin(conn: psycopg.Connection[Any], writing: bool) -> int | None:
    """Begin a transaction; a write's id, for settling a COMMIT that was cut off."""
    if not writing:
        conn.execute(_BEGIN_READ)
        return None
    cursor = conn.execute(_BEGIN_WRITE)  # two statements, one round trip
    cursor.nextset()
    row = cursor.fetchone()
    assert row is not None
    return int(row[0])


def describe(url: str) -> str:
    """The URL without its password, for banners and logs."""
    info: Any = psycopg.conninfo.conninfo_to_dict(url)
    info.pop("password", None)
    return " ".join(f"{k}={v}" for k, v in sorted(info.items()))
