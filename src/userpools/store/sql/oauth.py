"""The SQL of resource servers (``resource_servers``) and user pool domains
(``pool_domains``)."""

from __future__ import annotations

from userpools.domain.models import PoolDomain, ResourceServer, UserPool
from userpools.domain.store.oauth import OAuthStore
from userpools.store.sql.base import Row, SQLBase, dumps, loads, qualified, replace_key

SERVER_COLUMNS = "id, identifier, name, scopes, created_at, updated_at"
DOMAIN_COLUMNS = (
    "id, domain, custom, certificate_arn, managed_login_version, created_at, updated_at"
)


class OAuthSQL(SQLBase, OAuthStore):
    def insert_resource_server(self, pool: UserPool, server: ResourceServer) -> ResourceServer:
        key = self._insert(
            "INSERT INTO resource_servers (pool, identifier, name, scopes, created_at,"
            " updated_at) VALUES (?, ?, ?, ?, ?, ?)",
            (
                pool.key,
                server.identifier,
                server.name,
                dumps([list(s) for s in server.scopes]),
                server.created_at,
                server.updated_at,
            ),
        )
        return replace_key(server, key)

    def get_resource_server(self, pool: UserPool, identifier: str) -> ResourceServer | None:
        row = self._one(
            f"SELECT {SERVER_COLUMNS} FROM resource_servers WHERE pool = ? AND identifier = ?",
            (pool.key, identifier),
        )
        return _server(row) if row else None

    def update_resource_server(self, pool: UserPool, server: ResourceServer) -> None:
        self._run(
            "UPDATE resource_servers SET name = ?, scopes = ?, updated_at = ?"
            " WHERE pool = ? AND id = ?",
            (
                server.name,
                dumps([list(s) for s in server.scopes]),
                server.updated_at,
                pool.key,
                server.key,
            ),
        )

    def delete_resource_server(self, pool: UserPool, server: ResourceServer) -> None:
        self._run("DELETE FROM resource_servers WHERE pool = ? AND id = ?", (pool.key, server.key))

    def count_resource_servers(self, pool: UserPool) -> int:
        return self._count("SELECT count(*) AS n FROM resource_servers WHERE pool = ?", (pool.key,))

    def list_resource_servers(
        self, pool: UserPool, after: str | None, limit: int
    ) -> list[ResourceServer]:
        rows = self._all(
            f"SELECT {SERVER_COLUMNS} FROM resource_servers WHERE pool = ? AND identifier > ?"
            " ORDER BY identifier LIMIT ?",
            (pool.key, after or "", limit),
        )
        return [_server(r) for r in rows]

    def insert_domain(self, pool: UserPool, domain: PoolDomain) -> PoolDomain:
        key = self._insert(
            "INSERT INTO pool_domains (pool, domain, custom, certificate_arn,"
            " managed_login_version, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                pool.key,
                domain.domain,
                int(domain.custom),
                domain.certificate_arn,
                domain.managed_login_version,
                domain.created_at,
                domain.updated_at,
            ),
        )
        return replace_key(domain, key)

    def count_custom_domains(self, region: str) -> int:
        return self._count(
            "SELECT count(*) AS n FROM pool_domains d JOIN user_pools p ON p.id = d.pool"
            " WHERE p.region = ? AND d.custom = 1",
            (region,),
        )

    def pool_domains(self, pool: UserPool) -> list[PoolDomain]:
        rows = self._all(
            f"SELECT {DOMAIN_COLUMNS} FROM pool_domains WHERE pool = ? ORDER BY custom",
            (pool.key,),
        )
        return [_domain(r) for r in rows]

    def find_domain(self, domain: str) -> tuple[str, PoolDomain] | None:
        row = self._one(
            f"SELECT p.pool_id AS pool_id, {qualified(DOMAIN_COLUMNS, 'd')}"
            " FROM pool_domains d JOIN user_pools p ON p.id = d.pool WHERE d.domain = ?",
            (domain,),
        )
        return (str(row["pool_id"]), _domain(row)) if row else None

    def update_domain(self, pool: UserPool, domain: PoolDomain) -> None:
        self._run(
            "UPDATE pool_domains SET certificate_arn = ?, managed_login_version = ?,"
            " updated_at = ? WHERE pool = ? AND id = ?",
            (
                domain.certificate_arn,
                domain.managed_login_version,
                domain.updated_at,
                pool.key,
                domain.key,
            ),
        )

    def delete_domain(self, pool: UserPool, domain: PoolDomain) -> None:
        self._run("DELETE FROM pool_domains WHERE pool = ? AND id = ?", (pool.key, domain.key))


def _server(row: Row) -> ResourceServer:
    return ResourceServer(
        key=row["id"],
        identifier=row["identifier"],
        name=row["name"],
        scopes=tuple((str(n), str(d)) for n, d in loads(row["scopes"])),
        created_at=row["created_at"],
        updated_at=row["updated_at"],
    )


def _domain(row: Row) -> PoolDomain:
    return PoolDomain(
        key=row["id"],
        domain=row["domain"],
        custom=bool(row["custom"]),
        certificate_arn=row["certificate_arn"],
        managed_login_version=int(row["managed_login_version"]),
        created_at=row["created_at"],
        updated_at=row["updated_at"],
    )
