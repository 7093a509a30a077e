"""``userpools serve``: its options, the banner it prints, and the server it runs."""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any

import click

from userpools import __version__
from userpools.cli.database import database_options
from userpools.cli.listening import WorkerCount, edge_options, is_loopback, listen, tls_settings
from userpools.settings import (
    DEFAULT_HOST,
    DEFAULT_PORT,
    FAST_HASHING_WARNING,
    LOG_FORMAT,
    PASSWORD_HASHING,
    EdgeLimits,
    Settings,
)


@click.command()
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
    if credentials_file is None and not is_loopback(host) and not insecure_allow_any_credentials:
        raise click.UsageError(
            f"refusing to listen on {host} without --credentials-file: in development mode "
            "anyone who can reach the port can administer every pool. Give a credentials "
            "file (docs/security.md), bind to 127.0.0.1, or pass "
            "--insecure-allow-any-credentials."
        )
    tls_options = tls_settings(tls_cert, tls_key)
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
    sock = listen(host, port)
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
    elif is_loopback(host):
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


def _issuers_line(settings: Settings) -> str:
    """Where tokens say they come from; with --aws-issuer that is not where keys are."""
    served = f"{settings.base_url}/<poolId>"
    if not settings.aws_issuer:
        return f"token issuers: {served}"
    return (
        "token issuers: https://cognito-idp.<region>.amazonaws.com/<poolId> (--aws-issuer); "
        f"JWKS and discovery at {served}/.well-known/"
    )


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
