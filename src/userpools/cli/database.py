"""The database options every command that opens the store shares, and ``migrate``."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import click

from userpools.settings import Settings

if TYPE_CHECKING:
    from userpools.domain.store import Store

_DB_HELP = (
    "SQLite database file; created if missing. "
    "Default: $USERPOOLS_DB, else $XDG_DATA_HOME/userpools/userpools.db "
    "(~/.local/share/userpools/userpools.db)."
)
_DATABASE_URL_HELP = (
    "Use PostgreSQL instead of SQLite, e.g. postgresql://user@host:5432/db "
    "(also $USERPOOLS_DATABASE_URL). Every node of a deployment points at the same one. "
    "sqlite:///PATH is the same as --db PATH."
)


def database_options(command: Callable[..., None]) -> Callable[..., None]:
    """``--db`` and ``--database-url``, shared by every command that opens the store."""
    command = click.option(
        "--database-url", envvar="USERPOOLS_DATABASE_URL", help=_DATABASE_URL_HELP
    )(command)
    return click.option(
        "--db", "db", type=click.Path(dir_okay=False, path_type=Path), help=_DB_HELP
    )(command)


@click.command()
@database_options
def migrate(db: Path | None, database_url: str | None) -> None:
    """Apply pending schema migrations, then exit (`serve` also does this at start).

    Safe to run while nodes are serving, and from several places at once.
    """
    from userpools.store import describe_store, engine_for
    from userpools.store.migrate import migration_files

    url = Settings(db_path=db, database_url=database_url).store_url
    open_store(url).close()
    version, name, _ = migration_files(engine_for(url).dialect)[-1]
    click.echo(f"{describe_store(url)}: schema at version {version} ({name})")


def open_store(url: str) -> Store:
    """The store at ``url``; a URL naming no engine is a usage error."""
    from userpools.store import DatabaseURLError
    from userpools.store import open_store as open_engine

    try:
        return open_engine(url)
    except DatabaseURLError as exc:
        raise click.UsageError(str(exc)) from None
