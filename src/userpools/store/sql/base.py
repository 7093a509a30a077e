"""The plumbing every feature's SQL shares: statements on one connection, driver errors
translated, and rows read by column name.

The SQL is written once, portable (``ON CONFLICT``, ``RETURNING``, row-value keyset
predicates), with ``?`` markers. An engine's transaction class (``store/sqlite.py``,
``store/postgres.py``) sets what differs: the driver's parameter marker, which driver
errors it translates and how, and whether writes lock the pool row.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Mapping, Sequence
from functools import cache
from typing import Any, ClassVar, TypeVar

#: One row, by column name (the name the SELECT gives it, without any table prefix).
Row = Mapping[str, Any]

_R = TypeVar("_R")


class SQLBase:
    """One transaction on one DB-API connection, under an engine's transaction class."""

    #: Parameter marker of the driver; the SQL here is written with ``?``.
    placeholder: ClassVar[str] = "?"
    #: Driver exceptions that :meth:`translate` looks at.
    driver_errors: ClassVar[tuple[type[Exception], ...]] = ()
    #: Lock the pool row in write transactions, serialising each pool's writers (SQLite
    #: needs none: it has one writer at a time).
    lock_pools: ClassVar[bool] = False
    #: ``SELECT … FOR UPDATE SKIP LOCKED`` exists (claims of outbox rows by several nodes).
    skip_locked: ClassVar[bool] = False

    def __init__(self, conn: Any, *, writing: bool) -> None:
        self._conn = conn
        self._writing = writing

    @staticmethod
    def translate(exc: Exception) -> Exception | None:
        """The contract error for a driver error; ``None``: not ours to map."""
        return None

    def _execute(self, sql: str, params: Sequence[Any]) -> Any:
        if self.placeholder != "?":
            sql = _converted(sql, self.placeholder)
        try:
            return self._conn.execute(sql, params)
        except self.driver_errors as exc:
            translated = self.translate(exc)
            if translated is None:
                raise
            raise translated from exc

    def _one(self, sql: str, params: Sequence[Any] = ()) -> Row | None:
        cursor = self._execute(sql, params)
        values = cursor.fetchone()
        return None if values is None else dict(zip(_names(cursor), values, strict=False))

    def _all(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        cursor = self._execute(sql, params)
        rows = cursor.fetchall()
        if not rows:
            return []
        names = _names(cursor)
        # A driver gives one value per described column; strict=True would cost a check
        # per row (about 15% of a page's mapping) to confirm it.
        return [dict(zip(names, values, strict=False)) for values in rows]

    def _run(self, sql: str, params: Sequence[Any] = ()) -> None:
        self._execute(sql, params)

    def _count(self, sql: str, params: Sequence[Any]) -> int:
        """The value of a ``SELECT count(*) AS n …``."""
        row = self._one(sql, params)
        assert row is not None  # an aggregate always gives one row
        return int(row["n"])

    def _insert(self, sql: str, params: Sequence[Any]) -> int:
        """Run an ``INSERT … RETURNING id`` and return the new surrogate id."""
        row = self._one(sql + " RETURNING id", params)
        assert row is not None
        return int(row["id"])


def _names(cursor: Any) -> list[str]:
    """The column names of the cursor's result (DB-API ``description``: name first)."""
    return [column[0] for column in cursor.description]


@cache
def _converted(sql: str, placeholder: str) -> str:
    """The statement with ``?`` markers replaced (the SQL here has no literal ``?``)."""
    return sql.replace("?", placeholder)


def qualified(columns: str, table: str) -> str:
    """``"a, b"`` as ``"t.a, t.b"``: a column list for a join."""
    return ", ".join(f"{table}.{c.strip()}" for c in columns.split(","))


def dumps(value: Any) -> str:
    """A JSON column's text."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def loads(text: str) -> Any:
    return json.loads(text)


def replace_key(record: _R, key: int) -> _R:
    """``record`` with the surrogate id the database gave it."""
    return dataclasses.replace(record, key=key)  # type: ignore[type-var]
