"""Migration 0008 copies the secrets app clients already have into ``client_secrets``, each
with an id of its own, on both engines; a client without a secret gets none."""

from __future__ import annotations

import sqlite3
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import psycopg

from userpools.domain.pool_config import PoolConfig
from userpools.store import open_store
from userpools.store.migrate import PYTHON_STEPS, apply_postgres, apply_sqlite, migration_files
from userpools.store.pool_codec import encode

BEFORE = 7


def _old_rows(execute: Callable[..., Any], mark: str) -> None:
    execute(
        "INSERT INTO user_pools (pool_id, region, name, config, created_at, updated_at)"
        f" VALUES ({mark}, {mark}, {mark}, {mark}, {mark}, {mark})",
        ("us-east-1_Migrated1", "us-east-1", "old", encode(PoolConfig()), 1.0, 1.0),
    )
    for client_id, secret in (("confidential", "s" * 52), ("public", None)):
        execute(
            "INSERT INTO user_pool_clients (pool, client_id, name, secret, settings, document,"
            f" created_at, updated_at) VALUES ((SELECT id FROM user_pools), {mark}, {mark},"
            f" {mark}, {mark}, {mark}, {mark}, {mark})",
            (client_id, client_id, secret, "{}", "{}", 2.0, 2.0),
        )


def _copied(execute: Callable[..., Any]) -> list[tuple[Any, ...]]:
    return list(
        execute(
            "SELECT c.client_id, s.secret_id, s.secret, s.created_at FROM client_secrets s"
            " JOIN user_pool_clients c ON c.id = s.client"
        ).fetchall()
    )


def _check(rows: list[tuple[Any, ...]]) -> None:
    ((client_id, secret_id, secret, created_at),) = rows
    assert client_id == "confidential" and secret == "s" * 52 and created_at == 2.0
    assert secret_id.startswith("confidential--") and len(secret_id) == len("confidential--") + 16


def test_sqlite(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute(
        "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL,"
        " applied_at DOUBLE PRECISION NOT NULL)"
    )
    for version, name, sql in migration_files("sqlite"):
        if version > BEFORE:
            break
        conn.executescript(sql)
        if version in PYTHON_STEPS:
            PYTHON_STEPS[version](conn.execute, "?")
        conn.execute("INSERT INTO schema_migrations VALUES (?, ?, 0)", (version, name))
    _old_rows(conn.execute, "?")
    assert apply_sqlite(conn)[0] == "0008_secrets_settings_events.sql"
    _check(_copied(conn.execute))
    conn.close()
    open_store(f"sqlite:///{path}").close()  # the migrated file opens


def test_postgres(postgres_url: str) -> None:
    schema = f"migration_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(postgres_url, autocommit=True) as admin:
        admin.execute(f"CREATE SCHEMA {schema}")
    try:
        url = psycopg.conninfo.make_conninfo(postgres_url, options=f"-c search_path={schema}")
        with psycopg.connect(url, autocommit=True) as conn:
            apply_postgres(conn, upto=BEFORE)
            with conn.transaction():
                _old_rows(conn.execute, "%s")
            apply_postgres(conn)
            _check(_copied(conn.execute))
    finally:
        with psycopg.connect(postgres_url, autocommit=True) as admin:
            admin.execute(f"DROP SCHEMA {schema} CASCADE")
