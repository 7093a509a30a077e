"""The ``userpools`` command: the group, and the commands each module defines.

``serve`` (``serve.py``, with ``listening.py``), ``migrate`` (``database.py``), ``dev-cert``
(``dev_cert.py``), ``outbox`` and ``triggers`` (``inspection.py``) and ``keys`` (``keys.py``).
"""

from __future__ import annotations

import click

from userpools import __version__
from userpools.cli import database, dev_cert, inspection, keys, serve


@click.group(context_settings={"help_option_names": ["-h", "--help"]}, invoke_without_command=True)
@click.version_option(__version__, prog_name="userpools")
@click.pass_context
def main(ctx: click.Context) -> None:
    """A self-hosted server for the Amazon Cognito User Pools API (cognito-idp).

    Point boto3, the AWS CLI or any AWS SDK at it with endpoint_url. State lives in a
    SQLite file, or in PostgreSQL for several nodes (see `userpools serve --help`).
    """
    # Asking for nothing is asking what there is: the help, and success (click says 2).
    if ctx.invoked_subcommand is None:
        click.echo(ctx.get_help())


for command in (
    serve.serve,
    dev_cert.dev_cert,
    database.migrate,
    inspection.outbox,
    inspection.triggers,
    keys.keys,
):
    main.add_command(command)

__all__ = ["main"]
