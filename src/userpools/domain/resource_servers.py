"""OAuth 2.0 resource servers: a pool's custom scopes, granted as ``{identifier}/{name}``.

The authorization server (``/oauth2/token``) and the client rules (``client_oauth``) read them
through :func:`split_scope`, :func:`existing_custom_scopes` and :func:`client_resource_scopes`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable

from userpools.domain import messages
from userpools.domain.errors import InvalidParameter, LimitExceeded, ResourceNotFound
from userpools.domain.models import AppClient, Page, ResourceServer, UserPool
from userpools.domain.pagination import Cursors
from userpools.domain.pools import require_pool
from userpools.domain.store import Conflict, Store, Transaction

#: "Quotas in Amazon Cognito": 25 resource servers per pool (adjustable on AWS). The 100
#: scopes per resource server are the model's maximum of ``Scopes``, checked with the request.
MAX_RESOURCE_SERVERS = 25
LIST_OPERATION = "ListResourceServers"

Scopes = tuple[tuple[str, str], ...]


def split_scope(scope: str) -> tuple[str, str] | None:
    """``(identifier, scope name)`` of a custom scope, ``None`` for a scope without a ``/``.

    A scope name cannot contain ``/`` (its model pattern leaves it out), so the name is what
    follows the last one: an identifier such as ``https://api.example.com`` keeps its own.
    """
    identifier, slash, name = scope.rpartition("/")
    if not slash or not identifier or not name:
        return None
    return identifier, name


def existing_custom_scopes(tx: Transaction, pool: UserPool, scopes: Iterable[str]) -> set[str]:
    """Those of ``scopes`` that a resource server of ``pool`` defines now.

    For the token endpoint: a client's ``AllowedOAuthScopes`` may name a scope whose resource
    server was deleted or changed since (AWS allows that), and such a scope is not granted.
    """
    servers: dict[str, ResourceServer | None] = {}
    found: set[str] = set()
    for scope in scopes:
        parts = split_scope(scope)
        if parts is None:
            continue
        identifier, name = parts
        if identifier not in servers:
            servers[identifier] = tx.get_resource_server(pool, identifier)
        server = servers[identifier]
        if server is not None and any(n == name for n, _ in server.scopes):
            found.add(scope)
    return found


def client_resource_scopes(tx: Transaction, pool: UserPool, client: AppClient) -> tuple[str, ...]:
    """The custom scopes ``client`` may be granted now: those of its ``AllowedOAuthScopes``
    that a resource server of ``pool`` defines, in the client's order (for the
    client-credentials grant, whose default is every custom scope of the client)."""
    scopes = client.settings.oauth_scopes
    existing = existing_custom_scopes(tx, pool, scopes)
    return tuple(scope for scope in scopes if scope in existing)


def require_resource_server(tx: Transaction, pool: UserPool, identifier: str) -> ResourceServer:
    server = tx.get_resource_server(pool, identifier)
    if server is None:
        raise ResourceNotFound(messages.RESOURCE_SERVER_NOT_FOUND.format(identifier=identifier))
    return server


def _check_scopes(scopes: Scopes) -> None:
    names = [name for name, _ in scopes]
    for name in names:
        if names.count(name) > 1:
            raise InvalidParameter(messages.RESOURCE_SERVER_SCOPE_TWICE.format(name=name))


class ResourceServerService:
    def __init__(self, store: Store, cursors: Cursors, clock: Callable[[], float]) -> None:
        self._store = store
        self._cursors = cursors
        self._clock = clock

    def create(
        self, region: str, pool_id: str, identifier: str, name: str, scopes: Scopes
    ) -> ResourceServer:
        now = self._clock()
        server = ResourceServer(0, identifier, name, scopes, now, now)
        exists = messages.RESOURCE_SERVER_EXISTS.format(identifier=identifier, pool_id=pool_id)

        def run(tx: Transaction) -> ResourceServer:
            pool = require_pool(tx, pool_id, region)
            _check_scopes(scopes)
            if tx.get_resource_server(pool, identifier) is not None:
                raise InvalidParameter(exists)
            if tx.count_resource_servers(pool) >= MAX_RESOURCE_SERVERS:
                raise LimitExceeded(
                    messages.RESOURCE_SERVER_LIMIT.format(limit=MAX_RESOURCE_SERVERS)
                )
            try:
                return tx.insert_resource_server(pool, server)
            except Conflict:
                raise InvalidParameter(exists) from None

        return self._store.write(run)

    def describe(self, region: str, pool_id: str, identifier: str) -> ResourceServer:
        return self._store.read(
            lambda tx: require_resource_server(tx, require_pool(tx, pool_id, region), identifier)
        )

    def update(
        self, region: str, pool_id: str, identifier: str, name: str, scopes: Scopes
    ) -> ResourceServer:
        """Replace the name and every scope: scopes left out of the request are removed, as
        AWS's update operations set what is not given to its default."""

        def run(tx: Transaction) -> ResourceServer:
            pool = require_pool(tx, pool_id, region)
            server = require_resource_server(tx, pool, identifier)
            _check_scopes(scopes)
            updated = dataclasses.replace(
                server, name=name, scopes=scopes, updated_at=self._clock()
            )
            tx.update_resource_server(pool, updated)
            return updated

        return self._store.write(run)

    def delete(self, region: str, pool_id: str, identifier: str) -> None:
        """Delete it even when app clients allow its scopes: AWS does, and their
        ``AllowedOAuthScopes`` stay as they were (those scopes are no longer granted)."""

        def run(tx: Transaction) -> None:
            pool = require_pool(tx, pool_id, region)
            tx.delete_resource_server(pool, require_resource_server(tx, pool, identifier))

        self._store.write(run)

    def list_servers(
        self, region: str, pool_id: str, limit: int, token: str | None
    ) -> Page[ResourceServer]:
        def run(tx: Transaction) -> Page[ResourceServer]:
            pool = require_pool(tx, pool_id, region)
            scope = (pool.key,)
            after = self._cursors.decode(LIST_OPERATION, scope, token)
            servers = tx.list_resource_servers(pool, after[0] if after else None, limit + 1)
            return self._cursors.page(
                LIST_OPERATION, scope, servers, limit, lambda s: (s.identifier,)
            )

        return self._store.read(run)
