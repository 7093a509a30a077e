"""App clients: create, describe, update, delete, list."""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import hmac
from collections.abc import Callable, Mapping
from typing import Any

from userpools.domain import messages
from userpools.domain.client_oauth import check_oauth
from userpools.domain.errors import (
    InvalidParameter,
    LimitExceeded,
    NotAuthorized,
    ResourceNotFound,
)
from userpools.domain.ids import Ids
from userpools.domain.models import AppClient, ClientSecret, ClientSettings, Page, UserPool
from userpools.domain.pagination import Cursors
from userpools.domain.pool_config import PoolConfig
from userpools.domain.pools import require_pool
from userpools.domain.store import Store, Transaction

MAX_CLIENTS_PER_POOL = 1_000  # "Quotas in Amazon Cognito" (adjustable on AWS)
#: "Supports up to 2 active secrets per app client" (AddUserPoolClientSecret, API Reference).
MAX_CLIENT_SECRETS = 2
LIST_OPERATION = "ListUserPoolClients"
SECRETS_OPERATION = "ListUserPoolClientSecrets"

_MINUTE, _HOUR, _DAY = 60, 3600, 86400
#: Allowed token lifetimes, in seconds ("Quotas in Amazon Cognito").
VALIDITY_RANGES = {
    "AccessToken": (5 * _MINUTE, _DAY),
    "IdToken": (5 * _MINUTE, _DAY),
    "RefreshToken": (_HOUR, 3650 * _DAY),
}
LEGACY_AUTH_FLOWS = frozenset({"ADMIN_NO_SRP_AUTH", "CUSTOM_AUTH_FLOW_ONLY", "USER_PASSWORD_AUTH"})
DEFAULT_AUTH_FLOWS = ("ALLOW_REFRESH_TOKEN_AUTH", "ALLOW_USER_SRP_AUTH", "ALLOW_CUSTOM_AUTH")


#: The model's ClientIdType is at most 128 characters: a longer id names no client.
MAX_CLIENT_ID = 128


def check_settings(settings: ClientSettings) -> None:
    """The rules a client configuration must satisfy, after units are applied."""
    lifetimes = {
        "AccessToken": settings.access_token_seconds,
        "IdToken": settings.id_token_seconds,
        "RefreshToken": settings.refresh_token_seconds,
    }
    for token, seconds in lifetimes.items():
        low, high = VALIDITY_RANGES[token]
        if not low <= seconds <= high:
            raise InvalidParameter(
                messages.TOKEN_VALIDITY_RANGE.format(token=token, low=low, high=high)
            )
    flows = set(settings.explicit_auth_flows)
    if flows & LEGACY_AUTH_FLOWS and flows - LEGACY_AUTH_FLOWS:
        raise InvalidParameter(messages.AUTH_FLOWS_MIXED)


def check_attribute_permissions(config: PoolConfig, settings: ClientSettings, action: str) -> None:
    """``ReadAttributes`` and ``WriteAttributes`` name attributes of the pool's schema
    (standard ones, ``custom:NAME``, ``dev:custom:NAME``). ``action``: ``creating`` or
    ``updating``, as AWS's message says."""
    known = {a.name for a in config.schema_attributes if a.name}
    for names, message in (
        (settings.read_attributes, messages.INVALID_READ_ATTRIBUTES),
        (settings.write_attributes, messages.INVALID_WRITE_ATTRIBUTES),
    ):
        if names is not None and any(name not in known for name in names):
            raise InvalidParameter(message.format(action=action))


#: The client setting each sign-in flow needs (cognito-spec §4.5 InitiateAuth). A client with
#: only legacy values, or none, may always use SRP and refresh, as on AWS.
FLOW_SETTINGS = {
    "USER_PASSWORD_AUTH": ("ALLOW_USER_PASSWORD_AUTH", "USER_PASSWORD_AUTH"),
    "ADMIN_USER_PASSWORD_AUTH": ("ALLOW_ADMIN_USER_PASSWORD_AUTH", "ADMIN_NO_SRP_AUTH"),
    "USER_SRP_AUTH": ("ALLOW_USER_SRP_AUTH",),
    "REFRESH_TOKEN_AUTH": ("ALLOW_REFRESH_TOKEN_AUTH",),
    "USER_AUTH": ("ALLOW_USER_AUTH",),
    "CUSTOM_AUTH": ("ALLOW_CUSTOM_AUTH", "CUSTOM_AUTH_FLOW_ONLY"),
}


def check_flow(client: AppClient, flow: str, shown_as: str) -> None:
    """``InvalidParameter`` unless the client's ``ExplicitAuthFlows`` allow ``flow``."""
    flows = set(client.settings.explicit_auth_flows)
    legacy_only = flows <= LEGACY_AUTH_FLOWS
    if legacy_only and flow in ("USER_SRP_AUTH", "REFRESH_TOKEN_AUTH"):
        return
    if not flows & set(FLOW_SETTINGS[flow]):
        raise InvalidParameter(messages.FLOW_NOT_ENABLED.format(flow=shown_as))


def secret_hash(secret: str, username: str, client_id: str) -> str:
    """``Base64(HMAC-SHA256(client secret, username + client id))`` (cognito-spec §7.6)."""
    mac = hmac.new(
        secret.encode(), (username + client_id).encode("utf-8", "surrogatepass"), hashlib.sha256
    )
    return base64.b64encode(mac.digest()).decode("ascii")


def check_secret_hash(client: AppClient, given: str | None, *usernames: str) -> None:
    """For a client with a secret, ``given`` must be the SECRET_HASH of one of ``usernames``
    under one of the client's current secrets.

    The comparison is constant-time; a client without a secret ignores ``given``.
    """
    if client.secret is None:
        return
    matched = False
    for secret in client.secrets:
        for username in usernames:
            expected = secret_hash(secret, username, client.client_id).encode("ascii")
            matched |= given is not None and hmac.compare_digest(
                expected, given.encode("utf-8", "surrogatepass")
            )
    if not matched:
        raise NotAuthorized(messages.SECRET_HASH_MISMATCH.format(client_id=client.client_id))


def require_client(tx: Transaction, pool: UserPool, client_id: str) -> AppClient:
    client = tx.get_client(pool, client_id)
    if client is None:
        raise ResourceNotFound(messages.CLIENT_NOT_FOUND.format(client_id=client_id))
    return client


def find_client_anywhere(tx: Transaction, client_id: str) -> tuple[UserPool, AppClient] | None:
    """A client by its id alone (ids are unique everywhere), with its pool, locked for
    writing in write transactions; for the public operations, which name no pool."""
    owner = tx.find_client(client_id)
    pool = tx.get_pool(owner) if owner is not None else None
    client = tx.get_client(pool, client_id) if pool is not None else None
    if pool is None or client is None:
        return None
    return pool, client


def require_client_anywhere(tx: Transaction, client_id: str) -> tuple[UserPool, AppClient]:
    found = find_client_anywhere(tx, client_id)
    if found is None:
        raise ResourceNotFound(messages.CLIENT_NOT_FOUND.format(client_id=client_id))
    return found


class ClientService:
    def __init__(
        self, store: Store, cursors: Cursors, ids: Ids, clock: Callable[[], float]
    ) -> None:
        self._store = store
        self._cursors = cursors
        self._ids = ids
        self._clock = clock

    def create(
        self,
        region: str,
        pool_id: str,
        name: str,
        settings: ClientSettings,
        document: Mapping[str, Any],
        *,
        generate_secret: bool,
        secret: str | None,
    ) -> AppClient:
        now = self._clock()

        def run(tx: Transaction) -> AppClient:
            pool = require_pool(tx, pool_id, region)
            if generate_secret and secret is not None:
                raise InvalidParameter(messages.CLIENT_SECRET_TWICE)
            check_settings(settings)
            check_attribute_permissions(pool.config, settings, "creating")
            check_oauth(tx, pool, settings, has_secret=generate_secret or secret is not None)
            if tx.count_clients(pool) >= MAX_CLIENTS_PER_POOL:
                raise LimitExceeded(messages.CLIENT_LIMIT.format(limit=MAX_CLIENTS_PER_POOL))
            given = self._ids.client_secret() if generate_secret else secret
            client = AppClient(0, self._ids.client_id(), name, given, settings, document, now, now)
            client = tx.insert_client(pool, client)
            if given is not None:
                secret_id = self._ids.client_secret_id(client.client_id)
                tx.insert_client_secret(client, ClientSecret(secret_id, given, now))
            return client

        return self._store.write(run)

    def describe(self, region: str, pool_id: str, client_id: str) -> AppClient:
        return self._store.read(
            lambda tx: require_client(tx, require_pool(tx, pool_id, region), client_id)
        )

    def update(
        self,
        region: str,
        pool_id: str,
        client_id: str,
        change: Callable[[AppClient], tuple[str, ClientSettings, Mapping[str, Any]]],
    ) -> AppClient:
        """Replace the client's configuration with what ``change`` derives from it."""

        def run(tx: Transaction) -> AppClient:
            pool = require_pool(tx, pool_id, region)
            client = require_client(tx, pool, client_id)
            name, settings, document = change(client)
            check_settings(settings)
            check_attribute_permissions(pool.config, settings, "updating")
            check_oauth(tx, pool, settings, has_secret=client.secret is not None)
            updated = dataclasses.replace(
                client, name=name, settings=settings, document=document, updated_at=self._clock()
            )
            tx.update_client(pool, updated)
            return updated

        return self._store.write(run)

    def delete(self, region: str, pool_id: str, client_id: str) -> None:
        def run(tx: Transaction) -> None:
            pool = require_pool(tx, pool_id, region)
            tx.delete_client(pool, require_client(tx, pool, client_id))

        self._store.write(run)

    def list_clients(
        self, region: str, pool_id: str, limit: int, token: str | None
    ) -> Page[AppClient]:
        def run(tx: Transaction) -> Page[AppClient]:
            pool = require_pool(tx, pool_id, region)
            scope = (pool.key,)
            after = self._cursors.decode(LIST_OPERATION, scope, token)
            clients = tx.list_clients(pool, after[0] if after else None, limit + 1)
            return self._cursors.page(
                LIST_OPERATION, scope, clients, limit, lambda c: (c.client_id,)
            )

        return self._store.read(run)

    # secrets ---------------------------------------------------------------------------------

    def add_secret(
        self, region: str, pool_id: str, client_id: str, value: str | None
    ) -> ClientSecret:
        """AddUserPoolClientSecret: ``value``, or a generated secret, beside the current one."""
        now = self._clock()

        def run(tx: Transaction) -> ClientSecret:
            pool = require_pool(tx, pool_id, region)
            client = require_client(tx, pool, client_id)
            if client.secret is None:
                raise InvalidParameter(messages.CLIENT_HAS_NO_SECRET.format(client_id=client_id))
            if len(tx.client_secrets(client)) >= MAX_CLIENT_SECRETS:
                raise LimitExceeded(messages.CLIENT_SECRET_LIMIT.format(limit=MAX_CLIENT_SECRETS))
            secret = ClientSecret(
                self._ids.client_secret_id(client_id), value or self._ids.client_secret(), now
            )
            tx.insert_client_secret(client, secret)
            return secret

        return self._store.write(run)

    def delete_secret(self, region: str, pool_id: str, client_id: str, secret_id: str) -> None:
        """DeleteUserPoolClientSecret; never the last one. When the secret DescribeUserPoolClient
        shows goes, it shows the one left."""

        def run(tx: Transaction) -> None:
            pool = require_pool(tx, pool_id, region)
            client = require_client(tx, pool, client_id)
            current = tx.client_secrets(client)
            if not any(s.secret_id == secret_id for s in current):
                raise ResourceNotFound(messages.CLIENT_SECRET_NOT_FOUND.format(secret_id=secret_id))
            if len(current) == 1:
                raise InvalidParameter(messages.LAST_CLIENT_SECRET)
            tx.delete_client_secret(client, secret_id)
            left = [s for s in current if s.secret_id != secret_id]
            tx.update_client(pool, dataclasses.replace(client, secret=left[0].value))

        self._store.write(run)

    def list_secrets(
        self, region: str, pool_id: str, client_id: str, token: str | None
    ) -> list[ClientSecret]:
        """Every current secret, oldest first: there are at most two, so one page."""

        def run(tx: Transaction) -> list[ClientSecret]:
            pool = require_pool(tx, pool_id, region)
            client = require_client(tx, pool, client_id)
            self._cursors.decode(SECRETS_OPERATION, (pool.key, client.key), token)
            return tx.client_secrets(client)

        return self._store.read(run)
