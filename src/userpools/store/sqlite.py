"""The SQLite store: the embedded default.

Discipline (see docs/storage.md): WAL, ``foreign_keys=ON`` on every connection, a busy
timeout, one connection per thread, and one writer at a time: ``write()`` takes a
process-wide lock and then ``BEGIN IMMEDIATE``, so other processes on the same file wait
in SQLite's busy handler instead of failing.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path

from userpools.store.errors import translate_sqlite_error
from userpools.store.migrate import apply_sqlite
from userpools.store.sql import SQLTransaction
from userpools.store.transactions import RetryingStore


class SQLiteTransaction(SQLTransaction):
    """The shared SQL on a ``sqlite3`` connection."""

    placeholder = "?"
    driver_errors = (sqlite3.Error,)
    translate = staticmethod(translate_sqlite_error)


class SQLiteStore(RetryingStore):
    """A store on one SQLite file. Safe to share between threads and processes."""

    #: A read in WAL mode reads the file and never waits for a writer.
    local_reads = True

    def __init__(self, path: str | Path, *, synchronous: str = "NORMAL") -> None:
        self.path = Path(path)
        if synchronous.upper() not in {"NORMAL", "FULL"}:
            raise ValueError("synchronous must be NORMAL or FULL")
        super().__init__()
        self._synchronous = synchronous.upper()
        self._local = threading.local()
        self._write_lock = threading.Lock()
        self._connections: list[sqlite3.Connection] = []
        self._connections_lock = threading.Lock()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        conn = self._connection()
        conn.execute("PRAGMA journal_mode = WAL")
        with self._write_lock:
            apply_sqlite(conn)

    def _connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(
            self.path, isolation_level=None, timeout=30.0, check_same_thread=False
        )
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute(f"PRAGMA synchronous = {self._synchronous}")
        conn.execute("PRAGMA busy_timeout = 30000")
        return conn

    def _connection(self) -> sqlite3.Connection:
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            conn = self._connect()
            self._local.conn = conn
            with self._connections_lock:
                self._connections.append(conn)
        return conn

    def transaction(self, *, write: bool) -> AbstractContextManager[SQLiteTransaction]:
        return self._write() if write else self._read()

    @contextmanager
    def _read(self) -> Iterator[SQLiteTransaction]:
        conn = self._connection()
        conn.execute("BEGIN")
        try:
            yield SQLiteTransaction(conn, writing=False)
        finally:
            conn.execute("ROLLBACK")  # a read changed nothing; end the snapshot

    @contextmanager
    def _write(self) -> Iterator[SQLiteTransaction]:
        conn = self._connection()
        with self._write_lock, _translated():  # BEGIN and COMMIT fail too: a full disk, a lock
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield SQLiteTransaction(conn, writing=True)
                conn.execute("COMMIT")
            except BaseException:
                if conn.in_transaction:  # also when COMMIT itself failed
                    conn.execute("ROLLBACK")
                raise

    def close(self) -> None:
        with self._connections_lock:
            for conn in self._connections:
                conn.close()
            self._connections.clear()
        self._local = threading.local()


@contextmanager
def _translated() -> Iterator[None]:
    """Driver errors raised outside a statement of the transaction, as contract errors."""
    try:
        yield
    except sqlite3.Error as exc:
        translated = translate_sqlite_error(exc)
        if translated is None:
            raise
        raise translated from exc
