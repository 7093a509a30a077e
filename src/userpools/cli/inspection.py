"""What the server kept, printed as JSON lines: ``outbox`` (the messages) and ``triggers``
(the Lambda trigger invocations)."""

from __future__ import annotations

import json
from pathlib import Path

import click

from userpools.cli.database import database_options, open_store
from userpools.settings import Settings


@click.command()
@database_options
@click.option("--pool", "pool_id", help="Only messages of this user pool id.")
def outbox(db: Path | None, database_url: str | None, pool_id: str | None) -> None:
    """Print the messages AWS would have sent by email or SMS, one JSON object per line.

    Invitations from AdminCreateUser (with their temporary passwords) land here instead
    of being sent.
    """
    store = open_store(Settings(db_path=db, database_url=database_url).store_url)
    try:
        messages = store.read(lambda tx: tx.list_messages(pool_id, 0, 1_000_000))
        for m in messages:
            click.echo(
                json.dumps(
                    {
                        "pool_id": m.pool_id,
                        "username": m.username,
                        "medium": m.medium,
                        "destination": m.destination,
                        "subject": m.subject,
                        "body": m.body,
                        "created_at": m.created_at,
                    },
                    ensure_ascii=False,
                )
            )
    finally:
        store.close()


@click.command()
@database_options
@click.option("--pool", "pool_id", required=True, help="The user pool id.")
@click.option("--limit", default=100, show_default=True, type=click.IntRange(1, 100_000))
def triggers(db: Path | None, database_url: str | None, pool_id: str, limit: int) -> None:
    """Print the pool's Lambda trigger invocations, newest first, one JSON object per line:
    trigger, source, user, outcome, duration and the event sent (secrets redacted)."""
    from userpools.http.triggers import render

    store = open_store(Settings(db_path=db, database_url=database_url).store_url)
    try:
        found = store.read(lambda tx: tx.recent_invocations(pool_id, limit))
        for invocation in found:
            click.echo(json.dumps(render(invocation), ensure_ascii=False))
    finally:
        store.close()
