"""The SQL of app clients (``user_pool_clients``)."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable, Sequence
from typing import Any

from userpools.domain.models import AppClient, ClientSecret, ClientSettings, UserPool
from userpools.domain.store import ClientStore
from userpools.store.sql.base import Row, SQLBase, dumps, loads, replace_key

#: The newest secret comes in the same statement (a client has at most two); ``secret``, the
#: oldest, is NULL for a client without any. Secrets are in the order they were added (``id``).
CLIENT_COLUMNS = (
    "id, client_id, name, secret, settings, document, created_at, updated_at,"
    " (SELECT s.secret FROM client_secrets s WHERE s.client = user_pool_clients.id"
    " AND user_pool_clients.secret IS NOT NULL ORDER BY s.id DESC LIMIT 1) AS newer_secret"
)


class ClientSQL(SQLBase, ClientStore):
    def find_client(self, client_id: str) -> str | None:
        row = self._one(
            "SELECT p.pool_id FROM user_pool_clients c JOIN user_pools p ON p.id = c.pool"
            " WHERE c.client_id = ?",
            (client_id,),
        )
        return str(row["pool_id"]) if row else None

    def insert_client(self, pool: UserPool, client: AppClient) -> AppClient:
        key = self._insert(
            "INSERT INTO user_pool_clients (pool, client_id, name, secret, settings, document,"
            " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                pool.key,
                client.client_id,
                client.name,
                client.secret,
                _settings_to_json(client.settings),
                dumps(client.document),
                client.created_at,
                client.updated_at,
            ),
        )
        return replace_key(client, key)

    def get_client(self, pool: UserPool, client_id: str) -> AppClient | None:
        row = self._one(
            f"SELECT {CLIENT_COLUMNS} FROM user_pool_clients WHERE pool = ? AND client_id = ?",
            (pool.key, client_id),
        )
        return client_from_row(row) if row else None

    def update_client(self, pool: UserPool, client: AppClient) -> None:
        self._run(
            "UPDATE user_pool_clients SET name = ?, secret = ?, settings = ?, document = ?,"
            " updated_at = ? WHERE pool = ? AND id = ?",
            (
                client.name,
                client.secret,
                _settings_to_json(client.settings),
                dumps(client.document),
                client.updated_at,
                pool.key,
                client.key,
            ),
        )

    def delete_client(self, pool: UserPool, client: AppClient) -> None:
        self._run("DELETE FROM user_pool_clients WHERE pool = ? AND id = ?", (pool.key, client.key))

    def count_clients(self, pool: UserPool) -> int:
        return self._count(
            "SELECT count(*) AS n FROM user_pool_clients WHERE pool = ?", (pool.key,)
        )

    def list_clients(self, pool: UserPool, after: str | None, limit: int) -> list[AppClient]:
        rows = self._all(
            f"SELECT {CLIENT_COLUMNS} FROM user_pool_clients WHERE pool = ? AND client_id > ?"
            " ORDER BY client_id LIMIT ?",
            (pool.key, after or "", limit),
        )
        return [client_from_row(r) for r in rows]

    def client_secrets(self, client: AppClient) -> list[ClientSecret]:
        rows = self._all(
            "SELECT secret_id, secret, created_at FROM client_secrets WHERE client = ? ORDER BY id",
            (client.key,),
        )
        return [ClientSecret(r["secret_id"], r["secret"], r["created_at"]) for r in rows]

    def insert_client_secret(self, client: AppClient, secret: ClientSecret) -> None:
        self._run(
            "INSERT INTO client_secrets (client, secret_id, secret, created_at)"
            " VALUES (?, ?, ?, ?)",
            (client.key, secret.secret_id, secret.value, secret.created_at),
        )

    def delete_client_secret(self, client: AppClient, secret_id: str) -> None:
        self._run(
            "DELETE FROM client_secrets WHERE client = ? AND secret_id = ?",
            (client.key, secret_id),
        )


#: The settings that are tuples (JSON has only lists).
_TUPLES = (
    "explicit_auth_flows",
    "read_attributes",
    "write_attributes",
    "oauth_flows",
    "oauth_scopes",
    "callback_urls",
    "logout_urls",
    "identity_providers",
)


def _settings_to_json(settings: ClientSettings) -> str:
    return dumps(dataclasses.asdict(settings))


def client_from_row(row: Row) -> AppClient:
    raw: dict[str, Any] = loads(row["settings"])
    for name in _TUPLES:
        if raw.get(name) is not None:
            raw[name] = tuple(raw[name])
    return AppClient(
        key=row["id"],
        client_id=row["client_id"],
        name=row["name"],
        secret=row["secret"],
        settings=ClientSettings(**raw),
        document=loads(row["document"]),
        created_at=row["created_at"],
        updated_at=row["updated_at"],
        newer_secret=row["newer_secret"],
    )


#: ``ClientSettings`` field <- the request member it comes from (``operations/clients.py``).
_OAUTH_MEMBERS = {
    "oauth_enabled": "AllowedOAuthFlowsUserPoolClient",
    "oauth_flows": "AllowedOAuthFlows",
    "oauth_scopes": "AllowedOAuthScopes",
    "callback_urls": "CallbackURLs",
    "logout_urls": "LogoutURLs",
    "default_redirect_uri": "DefaultRedirectURI",
    "identity_providers": "SupportedIdentityProviders",
}


def fill_oauth_settings(execute: Callable[[str, Sequence[Any]], Any], mark: str) -> None:
    """Migration 0011's step: a client stored before it kept its OAuth members only in its
    ``document`` (as DescribeUserPoolClient shows them); copy them into ``settings``, which
    the authorization server reads. They were not checked then, and are not now: the next
    UpdateUserPoolClient checks them."""
    rows = execute("SELECT id, settings, document FROM user_pool_clients", ()).fetchall()
    update = f"UPDATE user_pool_clients SET settings = {mark} WHERE id = {mark}"
    for key, settings_text, document_text in rows:
        document = json.loads(document_text)
        if not any(member in document for member in _OAUTH_MEMBERS.values()):
            continue
        settings = json.loads(settings_text)
        for name, member in _OAUTH_MEMBERS.items():
            if member in document:
                settings[name] = document[member]
        settings["oauth_enabled"] = bool(settings.get("oauth_enabled", False))
        execute(update, (dumps(settings), key))
