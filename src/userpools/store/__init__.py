"""Store implementations, chosen by the database URL's scheme in :data:`ENGINES`.

- ``sqlite:///PATH``: the SQLite file at PATH, the default. PATH is everything after
  ``sqlite:///``, taken as it is, so an absolute path gives four slashes
  (``sqlite:////var/lib/userpools.db``). ``--db PATH`` means ``sqlite:///PATH``.
- ``postgresql://…`` (or ``postgres://…``): PostgreSQL, for several nodes; any URL libpq
  takes. A libpq keyword string with no scheme (``host=… dbname=…``) is PostgreSQL's too.

A new engine is a module with its ``Store`` and one :class:`Engine` row here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from userpools.domain.store import Store

SQLITE_PREFIX = "sqlite:///"


class DatabaseURLError(ValueError):
    """The database URL names no engine this server has, or is malformed. The message never
    repeats the URL, which may hold a password."""


@dataclass(frozen=True)
class Engine:
    """One kind of database: how to open a store on its URL, and how to name it."""

    #: For banners and logs: "SQLite", "PostgreSQL".
    label: str
    #: Which migration files apply (``store/migrate.py``).
    dialect: str
    #: A store on the URL, with pending migrations applied; the SQLite ``synchronous``
    #: setting is the one option an engine may use.
    open: Callable[[str, str], Store]
    #: The URL as it may be printed: without a password.
    describe: Callable[[str], str]


def sqlite_url(path: str | Path) -> str:
    """The URL of the SQLite file at ``path`` (what ``--db PATH`` means)."""
    return SQLITE_PREFIX + str(path)


def _sqlite_path(url: str) -> Path:
    if not url.startswith(SQLITE_PREFIX) or url == SQLITE_PREFIX:
        raise DatabaseURLError("a SQLite database URL is sqlite:///PATH")
    return Path(url.removeprefix(SQLITE_PREFIX))


def _open_sqlite(url: str, sqlite_synchronous: str) -> Store:
    from userpools.store.sqlite import SQLiteStore

    return SQLiteStore(_sqlite_path(url), synchronous=sqlite_synchronous)


def _open_postgres(url: str, sqlite_synchronous: str) -> Store:
    from userpools.store.postgres import PostgresStore

    return PostgresStore(url)


def _describe_postgres(url: str) -> str:
    from userpools.store.postgres import describe

    return describe(url)


SQLITE = Engine("SQLite", "sqlite", _open_sqlite, lambda url: str(_sqlite_path(url)))
POSTGRES = Engine("PostgreSQL", "postgres", _open_postgres, _describe_postgres)

#: Engines by URL scheme.
ENGINES: dict[str, Engine] = {"sqlite": SQLITE, "postgresql": POSTGRES, "postgres": POSTGRES}


def engine_for(url: str) -> Engine:
    """The engine for ``url``, by its scheme; :class:`DatabaseURLError` if there is none."""
    scheme, separator, _ = url.partition("://")
    if not separator:
        if "=" in url:  # libpq's keyword form, "host=… dbname=…"
            return POSTGRES
        raise DatabaseURLError(
            "the database URL has no scheme: use sqlite:///PATH or postgresql://…"
        )
    engine = ENGINES.get(scheme.lower())
    if engine is None:
        known = ", ".join(f"{s}://" for s in ENGINES)
        raise DatabaseURLError(f"unknown database URL scheme {scheme!r}: known are {known}")
    return engine


def open_store(url: str, *, sqlite_synchronous: str = "NORMAL") -> Store:
    """A store on the database at ``url``, with pending migrations applied."""
    return engine_for(url).open(url, sqlite_synchronous)


def describe_store(url: str) -> str:
    """The engine and where its database is, without any password: for banners and logs."""
    engine = engine_for(url)
    return f"{engine.label} {engine.describe(url)}"
