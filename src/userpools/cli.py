"""The ``userpools`` command."""

from __future__ import annotations

import ipaddress
import json
import logging
from pathlib import Path

import click

from userpools import __version__
from userpools.settings import DEFAULT_HOST, DEFAULT_PORT, Settings, default_db_path


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="userpools")
def main() -> None:
    """A self-hosted server for the Amazon Cognito User Pools API (cognito-idp).

    Point boto3, the AWS CLI or any AWS SDK at it with endpoint_url. State lives in a
    SQLite file (see `userpools serve --help`).
    """


_DB_HELP = (
    "SQLite database file; created if missing. "
    "Default: $USERPOOLS_DB, else $XDG_DATA_HOME/userpools/userpools.db "
    "(~/.local/share/userpools/userpools.db)."
)


@main.command()
@click.option("--host", default=DEFAULT_HOST, show_default=True, help="Address to bind.")
@click.option(
    "--port",
    default=DEFAULT_PORT,
    show_default=True,
    type=click.IntRange(0, 65535),
    help="Port to bind; 0 picks a free one (the banner prints it).",
)
@click.option("--db", "db", type=click.Path(dir_okay=False, path_type=Path), help=_DB_HELP)
@click.option(
    "--sqlite-synchronous",
    type=click.Choice(["normal", "full"], case_sensitive=False),
    default="normal",
    show_default=True,
    help="normal survives a crash or kill -9; full also survives power loss (slower writes).",
)
@click.option(
    "--log-level",
    type=click.Choice(["debug", "info", "warning", "error"], case_sensitive=False),
    default="info",
    show_default=True,
    help="Log level; at info each request gets one access-log line.",
)
def serve(host: str, port: int, db: Path | None, sqlite_synchronous: str, log_level: str) -> None:
    """Serve the cognito-idp API (AWS JSON 1.1) at POST / on HOST:PORT.

    Migrations are applied at start. Stop with Ctrl-C; data is kept in the database
    file and survives restarts.

    This release does not verify request signatures: anyone who can reach the port can
    administer every pool. Keep it on a loopback address.
    """
    import uvicorn

    from userpools.app import build
    from userpools.http.listen import listening_socket

    logging.basicConfig(level=log_level.upper(), format="%(asctime)s %(name)s %(message)s")
    settings = Settings(host=host, port=port, db_path=db, sqlite_synchronous=sqlite_synchronous)
    server = build(settings)
    sock = listening_socket(host, port)
    bound_port = sock.getsockname()[1]
    url_host = f"[{host}]" if ":" in host else host
    endpoint = f"http://{url_host}:{bound_port}"
    click.echo(f"userpools {__version__} serving cognito-idp at {endpoint}")
    click.echo(f"database: {settings.database_path}")
    if not _is_loopback(host):
        click.echo(
            f"warning: listening on {host} without signature checks; anyone who can reach "
            "this port can administer every pool",
            err=True,
        )
    click.echo(
        "try: python -c \"import boto3; c = boto3.client('cognito-idp', "
        f"endpoint_url='{endpoint}', region_name='us-east-1', aws_access_key_id='x', "
        "aws_secret_access_key='x'); print(c.list_user_pools(MaxResults=10)['UserPools'])\""
    )
    config = uvicorn.Config(
        server.asgi, log_level=log_level.lower(), access_log=False, lifespan="off"
    )
    try:
        uvicorn.Server(config).run(sockets=[sock])
    finally:
        server.close()


def _is_loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"


@main.command()
@click.option("--db", "db", type=click.Path(dir_okay=False, path_type=Path), help=_DB_HELP)
@click.option("--pool", "pool_id", help="Only messages of this user pool id.")
def outbox(db: Path | None, pool_id: str | None) -> None:
    """Print the messages AWS would have sent by email or SMS, one JSON object per line.

    Invitations from AdminCreateUser (with their temporary passwords) land here instead
    of being sent.
    """
    from userpools.store.sqlite import SQLiteStore

    store = SQLiteStore(db or default_db_path())
    try:
        after = 0
        with store.read() as tx:
            messages = tx.list_messages(pool_id, after, 1_000_000)
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
