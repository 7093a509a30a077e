"""Numbered migrations: ``migrations/NNNN_name.sql``, applied in order, each once.

One set of files serves every engine. ``NNNN_name.<dialect>.sql`` overrides the plain
file for that dialect, only where the engines differ. A version may also have a Python step
(:data:`PYTHON_STEPS`), run after its SQL in the same transaction, to convert data.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable, Sequence
from importlib import resources
from typing import Any

from userpools.store import pool_codec
from userpools.store.sql.clients import fill_oauth_settings

#: ``pg_advisory_xact_lock`` key: nodes starting at once take turns to migrate.
POSTGRES_MIGRATION_LOCK = 0x75736572706F6F6C  # "userpool"

_DIALECTS = ("postgres",)
_TABLE = (
    "CREATE TABLE IF NOT EXISTS schema_migrations ("
    " version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at DOUBLE PRECISION NOT NULL)"
)


#: version -> a step run after that version's SQL: ``step(execute, placeholder)``.
PYTHON_STEPS: dict[int, Callable[[Callable[[str, Sequence[Any]], Any], str], None]] = {
    5: pool_codec.convert_legacy_rows,
    12: fill_oauth_settings,
}


def migration_files(dialect: str) -> list[tuple[int, str, str]]:
    """(version, file name, sql) of every migration for ``dialect``, in order."""
    chosen: dict[int, tuple[str, str]] = {}
    for entry in resources.files("userpools.store").joinpath("migrations").iterdir():
        name = entry.name
        if not (name.endswith(".sql") and name[:4].isdigit()):
            continue
        parts = name.removesuffix(".sql").split(".")
        own_dialect = parts[1] if len(parts) > 1 and parts[1] in _DIALECTS else None
        if own_dialect not in (None, dialect):
            continue
        version = int(name[:4])
        if own_dialect is None and version in chosen:
            continue  # the dialect's override was seen first
        chosen[version] = (name, entry.read_text(encoding="utf-8"))
    return [(v, *chosen[v]) for v in sorted(chosen)]


def apply_sqlite(conn: sqlite3.Connection) -> list[str]:
    """Apply pending migrations in one ``BEGIN IMMEDIATE`` transaction; return their names."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        conn.execute(_TABLE)
        done = {row[0] for row in conn.execute("SELECT version FROM schema_migrations")}
        applied = []
        for version, name, sql in migration_files("sqlite"):
            if version in done:
                continue
            for statement in _statements(sql):
                conn.execute(statement)
            if version in PYTHON_STEPS:
                PYTHON_STEPS[version](conn.execute, "?")
            conn.execute(
                "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
                (version, name, time.time()),
            )
            applied.append(name)
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")
    return applied


def apply_postgres(conn: Any, upto: int | None = None) -> list[str]:
    """Apply pending migrations in one transaction, under an advisory lock.

    DDL is transactional in PostgreSQL: a node that waited for the lock sees the
    finished schema and applies nothing. ``upto`` stops after that version (tests make
    databases at an old schema with it).
    """
    with conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(%s)", (POSTGRES_MIGRATION_LOCK,))
        conn.execute(_TABLE)
        done = {row[0] for row in conn.execute("SELECT version FROM schema_migrations")}
        applied = []
        for version, name, sql in migration_files("postgres"):
            if version in done or (upto is not None and version > upto):
                continue
            conn.execute(sql.encode())  # several statements: the simple query protocol
            if version in PYTHON_STEPS:
                PYTHON_STEPS[version](conn.execute, "%s")
            conn.execute(
                "INSERT INTO schema_migrations (version, name, applied_at) VALUES (%s, %s, %s)",
                (version, name, time.time()),
            )
            applied.append(name)
    return applied


def _statements(sql: str) -> list[str]:
    """Split a migration file on semicolons that end a line (the files are written so)."""
    lines = [line for line in sql.splitlines() if not line.strip().startswith("--")]
    text = "\n".join(lines)
    return [s.strip() for s in text.split(";\n") if s.strip().rstrip(";")]
