"""The ``userpools`` command."""

from __future__ import annotations

import errno
import ipaddress
import json
import logging
import os
import socket
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from userpools import __version__
from userpools.settings import (
    DEFAULT_HOST,
    DEFAULT_PORT,
    FAST_HASHING_WARNING,
    LOG_FORMAT,
    PASSWORD_HASHING,
    EdgeLimits,
    Settings,
)

if TYPE_CHECKING:
    from userpools.domain.store import Store


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


class WorkerCount(click.ParamType[int]):
    """``--workers``: a count from 1 to 64, or ``auto`` for one per core."""

    name = "workers"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> int:
        if isinstance(value, int):
            return value
        if str(value).lower() == "auto":
            from userpools.crypto.passwords import cores

            return min(cores(), 64)
        try:
            count = int(value)
        except ValueError:
            self.fail(f"{value!r} is neither a number nor 'auto'", param, ctx)
        if not 1 <= count <= 64:
            self.fail(f"{count} is not in the range 1<=x<=64", param, ctx)
        return count


def database_options(command: Callable[..., None]) -> Callable[..., None]:
    """``--db`` and ``--database-url``, shared by every command that opens the store."""
    command = click.option(
        "--database-url", envvar="USERPOOLS_DATABASE_URL", help=_DATABASE_URL_HELP
    )(command)
    return click.option(
        "--db", "db", type=click.Path(dir_okay=False, path_type=Path), help=_DB_HELP
    )(command)


def edge_options(command: Callable[..., None]) -> Callable[..., None]:
    """The HTTP edge's limits (``http/edge.py``; docs/deployment.md compares them with a
    reverse proxy's)."""
    default = EdgeLimits()
    seconds = click.FloatRange(0, min_open=True)
    options = [
        ("--header-timeout", seconds, default.header_timeout, "SECONDS",
         "A request's header must arrive whole within this time (from its first byte; from "
         "the connection's start for the first request), else 408 and the connection closes."),
        ("--body-timeout", seconds, default.body_timeout, "SECONDS",
         "A request's body must arrive whole within this time of its header, else 408."),
        ("--keepalive-timeout", seconds, default.keepalive_timeout, "SECONDS",
         "Close a connection idle this long between requests."),
        ("--max-connections", click.IntRange(1), default.max_connections, "N",
         "Open connections per process; past it, new ones get 503 ServiceUnavailable. "
         "Lowered to fit the descriptor limit, whose soft value is raised to the hard one."),
        ("--max-header-bytes", click.IntRange(1024), default.max_header_bytes, "BYTES",
         "Total size of a request's header (request line and fields); past it, 431."),
        ("--linger-bytes", click.IntRange(0), default.linger_bytes, "BYTES",
         "After answering before the end of a request (413, 431, 503), read and discard up "
         "to this much of the rest, so that the client reads the answer, not a reset."),
        ("--linger-timeout", seconds, default.linger_timeout, "SECONDS",
         "Lingering (--linger-bytes) ends after this long at most."),
    ]  # fmt: skip
    for name, kind, value, metavar, text in reversed(options):
        command = click.option(
            name, type=kind, default=value, show_default=True, metavar=metavar, help=text
        )(command)
    return command


@main.command()
@click.option("--host", default=DEFAULT_HOST, show_default=True, help="Address to bind.")
@click.option(
    "--port",
    default=DEFAULT_PORT,
    show_default=True,
    type=click.IntRange(0, 65535),
    help="Port to bind; 0 picks a free one (the banner prints it).",
)
@database_options
@click.option(
    "--workers",
    default="1",
    show_default=True,
    type=WorkerCount(),
    metavar="N|auto",
    help="Worker processes sharing the port (and the database: SQLite file or PostgreSQL); "
    "auto: one per core this process may run on. Each worker is one Python process, so "
    "more cores need more workers (docs/deployment.md).",
)
@click.option(
    "--public-url",
    help="Base URL clients reach this server at (behind a proxy or load balancer); token "
    "issuers, discovery and JWKS live under {public-url}/{poolId}. Default: the URL "
    "the server listens on.",
)
@click.option(
    "--tls-cert",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Serve HTTPS with this PEM certificate (chain first to last; with --tls-key). "
    "`userpools dev-cert` makes one for localhost signed by a local CA (docs/deployment.md).",
)
@click.option(
    "--tls-key",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="The PEM private key of --tls-cert (unencrypted).",
)
@click.option(
    "--credentials-file",
    envvar="USERPOOLS_CREDENTIALS_FILE",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="TOML file of access keys (docs/security.md; also $USERPOOLS_CREDENTIALS_FILE). "
    "Signed (admin) operations then need a valid SigV4 signature from one of them. Without "
    "it, the server runs in development mode: any signature or none is accepted, and only "
    "on a loopback address.",
)
@click.option(
    "--insecure-allow-any-credentials",
    is_flag=True,
    help="Allow development mode (no credentials file) on a non-loopback address: anyone "
    "who reaches the port can administer every pool.",
)
@click.option(
    "--rate-limit",
    "rate_limits",
    multiple=True,
    metavar="CATEGORY=RPS",
    help="Limit one of Cognito's request-rate categories (UserAuthentication, UserList, …; "
    "repeatable), or 'aws' for AWS's default figures. Excess calls get "
    "TooManyRequestsException. Per server process. Default: no limits.",
)
@click.option(
    "--aws-issuer",
    is_flag=True,
    help="Mint iss as https://cognito-idp.{region}.amazonaws.com/{poolId}, for verifiers that "
    "insist on AWS's issuer; point their JWKS fetch at {public-url}/{poolId}/.well-known/"
    "jwks.json (docs/tokens.md).",
)
@click.option(
    "--smtp-url",
    envvar="USERPOOLS_SMTP_URL",
    metavar="URL",
    help="Send email (codes, invitations) through this SMTP server: smtp://host:port, "
    "smtp+starttls://user:password@host:587 or smtps://user:password@host:465 (also "
    "$USERPOOLS_SMTP_URL). Sent after the call commits; a failure is kept in the outbox with "
    "its error and retried with backoff. Default: email is only kept in the outbox.",
)
@click.option(
    "--sms-webhook",
    metavar="URL",
    help="POST each SMS as JSON ({pool_id, username, medium, destination, body, created_at}) "
    "to this http(s) URL, retried like email. Default: SMS is only kept in the outbox.",
)
@click.option(
    "--lambda-endpoint",
    metavar="URL",
    help="Invoke trigger functions through the Lambda Invoke API at this URL (AWS, LocalStack, "
    "sam local start-lambda, serverless-offline); see docs/triggers.md.",
)
@click.option(
    "--lambda-config",
    type=click.Path(dir_okay=False, path_type=Path),
    help="TOML file sending single functions (by ARN) to other endpoints or to HMAC-signed "
    "webhooks (docs/triggers.md).",
)
@click.option(
    "--lambda-credentials",
    metavar="KEY_ID:SECRET[:TOKEN]",
    envvar="USERPOOLS_LAMBDA_CREDENTIALS",
    help="Sign Invoke API calls with this key (or $USERPOOLS_LAMBDA_CREDENTIALS). "
    "Default: the usual AWS environment.",
)
@click.option(
    "--sqlite-synchronous",
    type=click.Choice(["normal", "full"], case_sensitive=False),
    default="normal",
    show_default=True,
    help="normal survives a crash or kill -9; full also survives power loss (slower writes).",
)
@click.option(
    "--password-hashing",
    type=click.Choice(PASSWORD_HASHING, case_sensitive=False),
    default="owasp",
    show_default=True,
    help="Argon2id cost of password hashes: owasp (m=19 MiB, t=2, p=1, about 100 ms a hash) "
    "or fast (Argon2's minimum, for test suites; never for real passwords).",
)
@click.option(
    "--log-level",
    type=click.Choice(["debug", "info", "warning", "error"], case_sensitive=False),
    default="info",
    show_default=True,
    help="Log level; at info each request gets one access-log line.",
)
@edge_options
def serve(
    host: str,
    port: int,
    db: Path | None,
    database_url: str | None,
    workers: int,
    public_url: str | None,
    tls_cert: Path | None,
    tls_key: Path | None,
    credentials_file: Path | None,
    insecure_allow_any_credentials: bool,
    rate_limits: tuple[str, ...],
    aws_issuer: bool,
    smtp_url: str | None,
    sms_webhook: str | None,
    lambda_endpoint: str | None,
    lambda_config: Path | None,
    lambda_credentials: str | None,
    sqlite_synchronous: str,
    password_hashing: str,
    log_level: str,
    header_timeout: float,
    body_timeout: float,
    keepalive_timeout: float,
    max_connections: int,
    max_header_bytes: int,
    linger_bytes: int,
    linger_timeout: float,
) -> None:
    """Serve the cognito-idp API (AWS JSON 1.1) at POST / on HOST:PORT.

    Migrations are applied at start. Stop with Ctrl-C; data is kept in the database
    and survives restarts. See docs/deployment.md for several nodes on PostgreSQL.

    With --credentials-file, admin operations need a SigV4 signature from a configured
    key; without it (development mode) they accept any signature or none, and the server
    refuses to listen beyond loopback unless --insecure-allow-any-credentials is given.
    """
    import uvicorn
    from uvicorn.supervisors import Multiprocess

    from userpools.app import SETTINGS_ENV, SUPERVISOR_ENV, build
    from userpools.http.edge import EdgeConfig, connection_cap, raise_descriptor_limit
    from userpools.store import describe_store

    logging.basicConfig(level=log_level.upper(), format=LOG_FORMAT)
    if credentials_file is None and not _is_loopback(host) and not insecure_allow_any_credentials:
        raise click.UsageError(
            f"refusing to listen on {host} without --credentials-file: in development mode "
            "anyone who can reach the port can administer every pool. Give a credentials "
            "file (docs/security.md), bind to 127.0.0.1, or pass "
            "--insecure-allow-any-credentials."
        )
    tls_options = _tls_options(tls_cert, tls_key)
    descriptors = raise_descriptor_limit()  # before workers start: they inherit it
    limits = EdgeLimits(
        header_timeout=header_timeout,
        body_timeout=body_timeout,
        keepalive_timeout=keepalive_timeout,
        max_connections=connection_cap(max_connections, descriptors),
        max_header_bytes=max_header_bytes,
        linger_bytes=linger_bytes,
        linger_timeout=linger_timeout,
    )
    sock = _listen(host, port)
    settings = Settings(
        host=host,
        port=sock.getsockname()[1],
        public_url=public_url,
        credentials_file=str(credentials_file) if credentials_file is not None else None,
        aws_issuer=aws_issuer,
        smtp_url=smtp_url,
        sms_webhook=sms_webhook,
        lambda_endpoint=lambda_endpoint,
        lambda_config=str(lambda_config) if lambda_config is not None else None,
        lambda_credentials=lambda_credentials,
        rate_limits=tuple(rate_limits),
        db_path=db,
        database_url=database_url,
        sqlite_synchronous=sqlite_synchronous,
        password_hashing=password_hashing.lower(),
        log_level=log_level.lower(),
        tls=bool(tls_options),
    )
    # Build once here: migrations run, and a bad database or credentials file fails before
    # the banner.
    try:
        server = build(settings)
    except ValueError as exc:  # the credentials file's, database or delivery URL's: no secret
        sock.close()
        raise click.UsageError(str(exc)) from None
    url_host = f"[{host}]" if ":" in host else host
    endpoint = f"{'https' if tls_options else 'http'}://{url_host}:{settings.port}"
    click.echo(f"userpools {__version__} serving cognito-idp at {endpoint}")
    click.echo(f"database: {describe_store(settings.store_url)}")
    click.echo(_issuers_line(settings))
    if tls_options:
        click.echo(f"tls: certificate {tls_cert} (clients trust its CA: docs/deployment.md)")
    if workers > 1:
        click.echo(f"workers: {workers}")
    if rate_limits:
        click.echo(f"rate limits (per process): {', '.join(rate_limits)}")
    click.echo(
        f"connections: at most {limits.max_connections} per process; header "
        f"{max_header_bytes} bytes in {header_timeout:g} s, body in {body_timeout:g} s, "
        f"idle {keepalive_timeout:g} s"
    )
    if limits.max_connections < max_connections:
        click.echo(
            f"warning: --max-connections {max_connections} lowered to "
            f"{limits.max_connections}: the descriptor limit (ulimit -n) is {descriptors}",
            err=True,
        )
    if settings.password_hashing == "fast":
        click.echo(FAST_HASHING_WARNING, err=True)
    click.echo(f"messages: {_delivery_line(smtp_url, sms_webhook)}")
    if credentials_file is not None:
        click.echo(f"admin API: SigV4 signatures required (keys from {credentials_file})")
    elif _is_loopback(host):
        click.echo("admin API: development mode, any signature or none accepted (loopback only)")
    else:
        click.echo(
            f"warning: admin API open on {host}: any signature or none is accepted "
            "(--insecure-allow-any-credentials); anyone who can reach this port can "
            "administer every pool",
            err=True,
        )
    key_hint = (
        "<access key id>', aws_secret_access_key='<secret>'"
        if credentials_file
        else ("x', aws_secret_access_key='x'")
    )
    click.echo(
        "try: python -c \"import boto3; c = boto3.client('cognito-idp', "
        f"endpoint_url='{endpoint}', region_name='us-east-1', aws_access_key_id='{key_hint}); "
        "print(c.list_user_pools(MaxResults=10)['UserPools'])\""
    )
    options: dict[str, Any] = {
        "log_level": log_level.lower(),
        "access_log": False,
        "lifespan": "off",
        **tls_options,
    }
    try:
        if workers == 1:
            uvicorn.Server(EdgeConfig(server.asgi, limits, **options)).run(sockets=[sock])
            return
        server.close()
        # Each worker process builds its own server from the same settings.
        os.environ[SETTINGS_ENV] = settings.to_json()
        os.environ[SUPERVISOR_ENV] = str(os.getpid())
        config = EdgeConfig(
            "userpools.app:app_from_environment", limits, factory=True, workers=workers, **options
        )
        Multiprocess(config, sockets=[sock]).run()
    finally:
        server.close()


def _listen(host: str, port: int) -> socket.socket:
    """The listening socket, or one line that says why not (not uvicorn's traceback)."""
    from userpools.http.listen import listening_socket

    try:
        return listening_socket(host, port)
    except OSError as exc:
        reason = exc.strerror or str(exc)
        if exc.errno == errno.EADDRINUSE:
            hint = "another process is listening there; choose another port with --port"
        elif exc.errno == errno.EACCES:
            hint = "ports below 1024 need privileges; choose another port with --port"
        else:
            hint = "check --host and --port"
        raise click.ClickException(f"cannot listen on {host}:{port}: {reason}; {hint}") from None


def _tls_options(cert: Path | None, key: Path | None) -> dict[str, str]:
    """uvicorn's ``ssl_certfile``/``ssl_keyfile``, after loading them once here, so that a
    wrong pair fails before the banner in one line (each worker loads them again)."""
    import ssl

    if cert is None and key is None:
        return {}
    if cert is None or key is None:
        raise click.UsageError("--tls-cert and --tls-key go together: give both or neither")
    try:
        ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER).load_cert_chain(cert, key)
    except (ssl.SSLError, OSError) as exc:
        raise click.UsageError(
            f"cannot use --tls-cert {cert} with --tls-key {key}: {exc.strerror or exc}"
        ) from None
    return {"ssl_certfile": str(cert), "ssl_keyfile": str(key)}


def _issuers_line(settings: Settings) -> str:
    """Where tokens say they come from; with --aws-issuer that is not where keys are."""
    served = f"{settings.base_url}/<poolId>"
    if not settings.aws_issuer:
        return f"token issuers: {served}"
    return (
        "token issuers: https://cognito-idp.<region>.amazonaws.com/<poolId> (--aws-issuer); "
        f"JWKS and discovery at {served}/.well-known/"
    )


@main.command("dev-cert")
@click.option(
    "--dir",
    "directory",
    type=click.Path(file_okay=False, path_type=Path),
    help="Where to keep the CA and write the certificate. Default: "
    "$XDG_DATA_HOME/userpools/tls (~/.local/share/userpools/tls).",
)
def dev_cert(directory: Path | None) -> None:
    """Make a certificate for localhost, 127.0.0.1 and ::1, signed by a local CA.

    The CA is made on first use and kept in the directory; later runs sign new
    certificates with it, so clients trust the CA once. For development only: anyone
    with the CA's key can impersonate any site to whoever trusts it.
    """
    from userpools.crypto.devcert import make_dev_certificates
    from userpools.settings import default_tls_dir

    made = make_dev_certificates(directory or default_tls_dir())
    state = "new" if made.ca_created else "kept"
    click.echo(f"CA ({state}): {made.ca_cert}")
    click.echo(f"CA key: {made.ca_key} (keep it private)")
    click.echo(f"certificate for localhost, 127.0.0.1, ::1: {made.server_cert}")
    click.echo(f"its key: {made.server_key}")
    click.echo(f"valid until {made.not_after:%Y-%m-%d %H:%M} UTC")
    click.echo("")
    click.echo(f"serve: userpools serve --tls-cert {made.server_cert} --tls-key {made.server_key}")
    click.echo("trust the CA (docs/deployment.md):")
    click.echo(f"  Node.js:           export NODE_EXTRA_CA_CERTS={made.ca_cert}")
    click.echo(f"  boto3, AWS CLI:    export AWS_CA_BUNDLE={made.ca_cert}")
    click.echo(f"  Python requests:   export REQUESTS_CA_BUNDLE={made.ca_cert}")
    click.echo(f"  curl:              curl --cacert {made.ca_cert} https://localhost:9229/health")
    click.echo(
        f"  Debian, Ubuntu:    sudo cp {made.ca_cert} /usr/local/share/ca-certificates/"
        "userpools-dev-ca.crt && sudo update-ca-certificates"
    )
    click.echo(
        "  macOS:             sudo security add-trusted-cert -d -r trustRoot -k "
        f"/Library/Keychains/System.keychain {made.ca_cert}"
    )


@main.command()
@database_options
def migrate(db: Path | None, database_url: str | None) -> None:
    """Apply pending schema migrations, then exit (`serve` also does this at start).

    Safe to run while nodes are serving, and from several places at once.
    """
    from userpools.store import describe_store, engine_for
    from userpools.store.migrate import migration_files

    url = Settings(db_path=db, database_url=database_url).store_url
    _open_store(url).close()
    version, name, _ = migration_files(engine_for(url).dialect)[-1]
    click.echo(f"{describe_store(url)}: schema at version {version} ({name})")


def _open_store(url: str) -> Store:
    """The store at ``url``; a URL naming no engine is a usage error."""
    from userpools.store import DatabaseURLError, open_store

    try:
        return open_store(url)
    except DatabaseURLError as exc:
        raise click.UsageError(str(exc)) from None


def _delivery_line(smtp_url: str | None, sms_webhook: str | None) -> str:
    """Where messages go, for the banner; never a password."""
    from urllib.parse import urlsplit

    sent = []
    if smtp_url:
        parts = urlsplit(smtp_url)
        sent.append(f"email by {parts.scheme}://{parts.hostname}:{parts.port or 'default'}")
    if sms_webhook:
        parts = urlsplit(sms_webhook)
        sent.append(f"SMS to {parts.scheme}://{parts.hostname}{parts.path}")
    kept = "the rest kept" if sent else "kept"
    return ", ".join([*sent, f"{kept} in the outbox (GET /_userpools/messages)"])


def _is_loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"


@main.command()
@database_options
@click.option("--pool", "pool_id", help="Only messages of this user pool id.")
def outbox(db: Path | None, database_url: str | None, pool_id: str | None) -> None:
    """Print the messages AWS would have sent by email or SMS, one JSON object per line.

    Invitations from AdminCreateUser (with their temporary passwords) land here instead
    of being sent.
    """
    store = _open_store(Settings(db_path=db, database_url=database_url).store_url)
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


@main.command()
@database_options
@click.option("--pool", "pool_id", required=True, help="The user pool id.")
@click.option("--limit", default=100, show_default=True, type=click.IntRange(1, 100_000))
def triggers(db: Path | None, database_url: str | None, pool_id: str, limit: int) -> None:
    """Print the pool's Lambda trigger invocations, newest first, one JSON object per line:
    trigger, source, user, outcome, duration and the event sent (secrets redacted)."""
    from userpools.http.triggers import render

    store = _open_store(Settings(db_path=db, database_url=database_url).store_url)
    try:
        found = store.read(lambda tx: tx.recent_invocations(pool_id, limit))
        for invocation in found:
            click.echo(json.dumps(render(invocation), ensure_ascii=False))
    finally:
        store.close()


@main.group()
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

    store = _open_store(Settings(db_path=db, database_url=database_url).store_url)
    try:
        kids = KeyService(store, time.time).rotate(None, pool_id)
    except DomainError as error:
        raise click.ClickException(error.message) from None
    finally:
        store.close()
    click.echo(f"{pool_id}: new signing keys " + ", ".join(kids))
