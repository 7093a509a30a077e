"""``userpools keys``: the signing keys of user pools."""

from __future__ import annotations

from pathlib import Path

import click

from userpools.cli.database import database_options, open_store
from userpools.settings import Settings


@click.group()
def keys() -> None:
    """Manage the signing keys of user pools."""


@keys.command()
@database_options
@click.argument("pool_id")
def rotate(db: Path | None, database_url: str | None, pool_id: str) -> None:
    """Give POOL_ID a new pair of signing keys (ID and access tokens).

    The old keys stay in the pool's JWKS for a day, so tokens signed with them keep
    verifying until they expire. Every node sees the new keys at once.
    """
    import time

    from userpools.domain.errors import DomainError
    from userpools.domain.keys import KeyService

    store = open_store(Settings(db_path=db, database_url=database_url).store_url)
    try:
        kids = KeyService(store, time.time).rotate(None, pool_id)
    except DomainError as error:
        raise click.ClickException(error.message) from None
    finally:
        store.close()
    click.echo(f"{pool_id}: new signing keys " + ", ".join(kids))
