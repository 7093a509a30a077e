"""What OAuth 2.0 administration needs of a transaction: resource servers and domains."""

from __future__ import annotations

from typing import Protocol

from userpools.domain.models import PoolDomain, ResourceServer, UserPool


class OAuthStore(Protocol):
    # resource servers
    def insert_resource_server(self, pool: UserPool, server: ResourceServer) -> ResourceServer:
        """Raises ``Conflict`` when the pool has a resource server with that identifier."""
        ...

    def get_resource_server(self, pool: UserPool, identifier: str) -> ResourceServer | None: ...
    def update_resource_server(self, pool: UserPool, server: ResourceServer) -> None:
        """Its name, scopes and ``updated_at``."""
        ...

    def delete_resource_server(self, pool: UserPool, server: ResourceServer) -> None: ...
    def count_resource_servers(self, pool: UserPool) -> int: ...
    def list_resource_servers(
        self, pool: UserPool, after: str | None, limit: int
    ) -> list[ResourceServer]:
        """Up to ``limit`` resource servers with an identifier after ``after``, in identifier
        order (a keyset scan)."""
        ...

    # domains
    def insert_domain(self, pool: UserPool, domain: PoolDomain) -> PoolDomain:
        """Raises ``Conflict`` when the name is taken (by any pool), or the pool already has
        a domain of that kind (prefix or custom)."""
        ...

    def count_custom_domains(self, region: str) -> int:
        """The custom domains of every pool of ``region``."""
        ...

    def pool_domains(self, pool: UserPool) -> list[PoolDomain]:
        """The pool's domains: the prefix domain first, then the custom one."""
        ...

    def find_domain(self, domain: str) -> tuple[str, PoolDomain] | None:
        """The domain of that name and the id of its pool, whichever pool it is in."""
        ...

    def update_domain(self, pool: UserPool, domain: PoolDomain) -> None:
        """Its certificate ARN, managed login version and ``updated_at``."""
        ...

    def delete_domain(self, pool: UserPool, domain: PoolDomain) -> None: ...
