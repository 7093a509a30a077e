"""Store implementations: SQLite (the default) and PostgreSQL (several nodes)."""

from __future__ import annotations

from pathlib import Path

from userpools.domain.store import Store


def open_store(
    *, database_url: str | None, db_path: Path, sqlite_synchronous: str = "NORMAL"
) -> Store:
    """The PostgreSQL store for a ``postgresql://`` URL, else SQLite at ``db_path``.

    Either way, pending migrations are applied before this returns.
    """
    if database_url:
        from userpools.store.postgres import PostgresStore

        return PostgresStore(database_url)
    from userpools.store.sqlite import SQLiteStore

    return SQLiteStore(db_path, synchronous=sqlite_synchronous)
