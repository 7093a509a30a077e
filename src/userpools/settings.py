"""Server settings, with their defaults in one place."""

from __future__ import annotations

import dataclasses
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from userpools.store import sqlite_url

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 9229
MAX_BODY_BYTES = 1024 * 1024
LOG_FORMAT = "%(asctime)s %(process)d %(name)s %(message)s"
#: ``serve --password-hashing``: OWASP's Argon2id cost (m=19 MiB, t=2, p=1), or Argon2's
#: minimum (m=8 KiB, t=1, p=1) for test suites, whose hashes must never protect real passwords.
PASSWORD_HASHING = ("owasp", "fast")
FAST_HASHING_WARNING = (
    "warning: --password-hashing fast: password hashes are made at Argon2's minimum cost; "
    "never use this server for real passwords"
)


def default_db_path() -> Path:
    """``$USERPOOLS_DB``, else ``$XDG_DATA_HOME/userpools/userpools.db``."""
    explicit = os.environ.get("USERPOOLS_DB")
    if explicit:
        return Path(explicit)
    data_home = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(data_home) / "userpools" / "userpools.db"


def default_tls_dir() -> Path:
    """Where ``userpools dev-cert`` keeps its CA and certificate by default: beside the
    default database, ``$XDG_DATA_HOME/userpools/tls``."""
    data_home = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(data_home) / "userpools" / "tls"


@dataclass(frozen=True)
class EdgeLimits:
    """The HTTP edge's limits (``http/edge.py``), per worker process; ``serve`` has an
    option for each."""

    header_timeout: float = 10.0
    body_timeout: float = 30.0
    keepalive_timeout: float = 5.0
    max_connections: int = 1000
    max_header_bytes: int = 64 * 1024
    linger_bytes: int = 64 * 1024 * 1024
    linger_timeout: float = 5.0


@dataclass(frozen=True)
class Settings:
    host: str = DEFAULT_HOST
    port: int = DEFAULT_PORT
    db_path: Path | None = None
    #: The store's URL, ``postgresql://…`` or ``sqlite:///PATH`` (see ``store/__init__.py``);
    #: ``None``: the SQLite file at :attr:`database_path`.
    database_url: str | None = None
    #: SQLite ``synchronous``: NORMAL survives process crashes (kill -9); FULL also
    #: survives power loss, at the price of an fsync per write.
    sqlite_synchronous: str = "NORMAL"
    max_body_bytes: int = MAX_BODY_BYTES
    #: Argon2id cost, one of :data:`PASSWORD_HASHING`: "owasp" (m=19 MiB, t=2) or "fast"
    #: (for test suites only).
    password_hashing: str = "owasp"
    access_log: bool = True
    log_level: str = "info"
    #: Base URL clients reach this server at; token issuers are ``{public_url}/{poolId}``.
    #: ``None``: the URL the server listens on.
    public_url: str | None = None
    #: Mint ``iss`` in AWS's form, ``https://cognito-idp.{region}.amazonaws.com/{poolId}``, for
    #: verifiers that insist on it; JWKS and discovery are still served by this server.
    aws_issuer: bool = False
    #: TOML file of access keys (docs/security.md); ``None``: development mode, where signed
    #: operations accept any signature or none.
    credentials_file: str | None = None
    #: Per-category request-rate limits ("Category=RPS" or "aws"); empty: none.
    rate_limits: tuple[str, ...] = ()
    #: Send email through this SMTP server (``smtp://``, ``smtp+starttls://``, ``smtps://``,
    #: user and password in the URL); ``None``: email is only kept in the outbox.
    smtp_url: str | None = None
    #: POST each SMS as JSON to this URL; ``None``: SMS is only kept in the outbox.
    sms_webhook: str | None = None
    #: Seconds before the first retry of a failed delivery; each retry doubles it (15 min
    #: at most).
    delivery_retry_seconds: float = 5.0
    #: Check every result against its output shape and fail loudly on a mismatch (test
    #: servers; see protocol/outputs.py). Off in production: it costs a walk per reply.
    check_output: bool = False
    #: Lambda Invoke API endpoint for every trigger function (``serve --lambda-endpoint``).
    lambda_endpoint: str | None = None
    #: TOML file sending single functions elsewhere (``serve --lambda-config``, lambdas.py).
    lambda_config: str | None = None
    #: ``KEY_ID:SECRET[:SESSION_TOKEN]`` signing Invoke API calls; ``None``: the AWS
    #: environment.
    lambda_credentials: str | None = field(default=None, repr=False)
    #: Served over TLS (``serve --tls-cert/--tls-key``): the URL it listens on is https.
    tls: bool = False

    @property
    def base_url(self) -> str:
        if self.public_url:
            return self.public_url.rstrip("/")
        host = f"[{self.host}]" if ":" in self.host else self.host
        scheme = "https" if self.tls else "http"
        return f"{scheme}://{host}:{self.port}"

    def issuer_for(self, pool_id: str) -> str:
        """The ``iss`` of the pool's tokens."""
        if self.aws_issuer:
            region = pool_id.split("_", 1)[0]
            return f"https://cognito-idp.{region}.amazonaws.com/{pool_id}"
        return f"{self.base_url}/{pool_id}"

    @property
    def database_path(self) -> Path:
        return self.db_path if self.db_path is not None else default_db_path()

    @property
    def store_url(self) -> str:
        """Where the store is: :attr:`database_url`, else the SQLite file at
        :attr:`database_path`."""
        return self.database_url or sqlite_url(self.database_path)

    def to_json(self) -> str:
        """For worker processes, which rebuild the settings with :meth:`from_json`."""
        values = dataclasses.asdict(self)
        values["db_path"] = str(self.db_path) if self.db_path is not None else None
        return json.dumps(values)

    @classmethod
    def from_json(cls, text: str) -> Settings:
        values: dict[str, Any] = json.loads(text)
        values["rate_limits"] = tuple(values.get("rate_limits", ()))
        if values.get("db_path") is not None:
            values["db_path"] = Path(values["db_path"])
        return cls(**values)
