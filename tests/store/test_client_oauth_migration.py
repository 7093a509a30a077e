"""Migration 0012 copies the OAuth members app clients already have in their ``document``
into their ``settings``, on both engines; a client without them keeps its settings."""

from __future__ import annotations

import json
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

BEFORE = 11
OAUTH = {
    "AllowedOAuthFlowsUserPoolClient": True,
    "AllowedOAuthFlows": ["code"],
    "AllowedOAuthScopes": ["openid"],
    "CallbackURLs": ["https://app.example.com/cb"],
    "SupportedIdentityProviders": ["COGNITO"],
}
PLAIN_SETTINGS = {"explicit_auth_flows": ["ALLOW_USER_SRP_AUTH"], "access_token_seconds": 600}


def _old_rows(execute: Callable[..., Any], mark: str) -> None:
    execute(
        "INSERT INTO user_pools (pool_id, region, name, config, created_at, updated_at)"
        f" VALUES ({mark}, {mark}, {mark}, {mark}, {mark}, {mark})",
        ("us-east-1_Migrated1", "us-east-1", "old", encode(PoolConfig()), 1.0, 1.0),
    )
    for client_id, document in (("web", {"ExplicitAuthFlows": [], **OAUTH}), ("api", {})):
        execute(
            "INSERT INTO user_pool_clients (pool, client_id, name, secret, settings, document,"
            f" created_at, updated_at) VALUES ((SELECT id FROM user_pools), {mark}, {mark},"
            f" {mark}, {mark}, {mark}, {mark}, {mark})",
            (client_id, client_id, None, json.dumps(PLAIN_SETTINGS), json.dumps(document), 2, 2),
        )


def _check(execute: Callable[..., Any]) -> None:
    rows = dict(execute("SELECT client_id, settings FROM user_pool_clients").fetchall())
    assert json.loads(rows["api"]) == PLAIN_SETTINGS
    assert json.loads(rows["web"]) == {
        **PLAIN_SETTINGS,
        "oauth_enabled": True,
        "oauth_flows": ["code"],
        "oauth_scopes": ["openid"],
        "callback_urls": ["https://app.example.com/cb"],
        "identity_providers": ["COGNITO"],
    }


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
    assert apply_sqlite(conn)[0] == "0012_oauth_admin.sql"
    _check(conn.execute)
    conn.close()
    store = open_store(f"sqlite:///{path}")  # the migrated file opens, and reads the settings
    try:
        with store.transaction(write=False) as tx:
            pool = tx.get_pool("us-east-1_Migrated1")
            assert pool is not None
            client = tx.get_client(pool, "web")
            assert client is not None
            assert client.settings.oauth_flows == ("code",)
            assert client.settings.callback_urls == ("https://app.example.com/cb",)
    finally:
        store.close()


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
            _check(conn.execute)
    finally:
        with psycopg.connect(postgres_url, autocommit=True) as admin:
            admin.execute(f"DROP SCHEMA {schema} CASCADE")
