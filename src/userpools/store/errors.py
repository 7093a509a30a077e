"""Driver errors become contract errors here, and nowhere else.

- a uniqueness or foreign-key violation → :class:`Conflict`, named for the contract;
- lock contention, serialization failures, deadlocks and lost connections →
  :class:`Retryable`: the whole transaction may be run again;
- a full disk (SQLite's ``SQLITE_FULL``, PostgreSQL's ``disk_full``, SQLSTATE 53100) and
  SQLite's I/O errors (``SQLITE_IOERR`` and its variants) → :class:`ServiceUnavailable`
  (503): the transaction changed nothing, and running it again at once would fail the
  same way, so the client is told the cause and retries later;
- anything else is left alone (a bug, answered as a 500).
"""

from __future__ import annotations

import sqlite3

import psycopg
from psycopg import errors as pg

from userpools.domain.errors import STORAGE_FAILING, STORAGE_FULL, ServiceUnavailable
from userpools.domain.store import Conflict, Retryable

# SQLite names the columns of the violated unique index; map them to contract names.
_SQLITE_UNIQUE = {
    "users.pool, users.username_key": "username",
    "users.pool, users.sub": "sub",
    "users.pool, users.login_email": "login_email",
    "users.pool, users.login_phone": "login_phone",
    "users.pool, users.login_preferred": "login_preferred",
    "groups.pool, groups.name": "group_name",
    "user_pools.pool_id": "pool_id",
    "user_pool_clients.client_id": "client_id",
    "resource_servers.pool, resource_servers.identifier": "resource_server",
    "pool_domains.domain": "domain",
    "pool_domains.pool, pool_domains.custom": "domain_kind",
}

# PostgreSQL names the violated constraint; 0001_init.postgres.sql names them so.
_POSTGRES_UNIQUE = {
    "users_username": "username",
    "users_sub": "sub",
    "users_login_email": "login_email",
    "users_login_phone": "login_phone",
    "users_login_preferred": "login_preferred",
    "groups_name": "group_name",
    "user_pools_pool_id": "pool_id",
    "user_pool_clients_client_id": "client_id",
    "resource_servers_by_identifier": "resource_server",  # 0012_oauth_admin.postgres.sql
    "pool_domains_domain_key": "domain",
    "pool_domains_one_kind": "domain_kind",
}

_SQLITE_BUSY = ("database is locked", "database table is locked", "database is busy")


def translate_sqlite_error(exc: Exception) -> Exception | None:
    text = str(exc)
    primary = getattr(exc, "sqlite_errorcode", 0) & 0xFF  # extended codes keep it in the low byte
    if primary == sqlite3.SQLITE_FULL:
        return ServiceUnavailable(STORAGE_FULL)
    if primary == sqlite3.SQLITE_IOERR:
        return ServiceUnavailable(STORAGE_FAILING)
    if isinstance(exc, sqlite3.IntegrityError):
        if text.startswith("UNIQUE constraint failed: "):
            columns = text.removeprefix("UNIQUE constraint failed: ")
            return Conflict(_SQLITE_UNIQUE.get(columns, columns))
        if "FOREIGN KEY" in text:
            return Conflict("reference")
        return Conflict("integrity")
    if isinstance(exc, sqlite3.OperationalError) and text.startswith(_SQLITE_BUSY):
        return Retryable(text)
    return None


def translate_postgres_error(exc: Exception) -> Exception | None:
    if isinstance(exc, pg.UniqueViolation):
        name = exc.diag.constraint_name or ""
        return Conflict(_POSTGRES_UNIQUE.get(name, name))
    if isinstance(exc, pg.ForeignKeyViolation):
        return Conflict("reference")
    if isinstance(exc, pg.IntegrityError):
        return Conflict("integrity")
    if isinstance(exc, pg.SerializationFailure | pg.DeadlockDetected | pg.LockNotAvailable):
        return Retryable(type(exc).__name__)
    if isinstance(exc, pg.DiskFull):  # an OperationalError, but not a lost connection
        return ServiceUnavailable(STORAGE_FULL)
    if isinstance(exc, pg.ProgramLimitExceeded):
        return None  # a statement PostgreSQL refuses outright; running it again cannot help
    if isinstance(exc, psycopg.OperationalError):
        return Retryable("connection: " + type(exc).__name__, connection=True)
    return None
