"""User pool domains: the host names of a pool's managed login and authorization server.

A pool has at most one prefix domain (``myprefix``, served by AWS as
``myprefix.auth.<region>.amazoncognito.com``) and one custom domain (``auth.example.com``, with
an ACM certificate); a domain name belongs to one pool in the whole server. The sources of
each rule are in docs/oauth.md.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from dataclasses import dataclass

from userpools.domain import messages
from userpools.domain.errors import FeatureUnavailableInTier, InvalidParameter, LimitExceeded
from userpools.domain.models import PoolDomain, UserPool
from userpools.domain.pools import require_pool
from userpools.domain.store import Conflict, Store, Transaction

#: A prefix domain, and each label of a custom one (``DomainType``'s pattern).
LABEL = re.compile(r"[a-z0-9](?:[a-z0-9\-]{0,61}[a-z0-9])?")
#: Words a prefix domain cannot contain, anywhere in it.
RESERVED_WORDS = ("aws", "amazon", "cognito")
#: "Quotas in Amazon Cognito": 4 custom domains per Region (per account on AWS; this server
#: is one account).
MAX_CUSTOM_DOMAINS_PER_REGION = 4
#: 1: hosted UI (classic); 2: managed login. A domain created without one gets 1.
MANAGED_LOGIN_VERSIONS = (1, 2)
DEFAULT_MANAGED_LOGIN_VERSION = 1
#: Where a prefix domain is served on AWS: ``{prefix}.auth.{region}.amazoncognito.com``.
PREFIX_HOST = "{prefix}.auth.{region}.amazoncognito.com"


@dataclass(frozen=True)
class DomainOwner:
    """A domain and the pool it belongs to (DescribeUserPoolDomain, the endpoints' hosts)."""

    pool: UserPool
    domain: PoolDomain


def check_domain_name(name: str, *, custom: bool) -> None:
    """A prefix: one label without a reserved word. A custom domain: two or more labels."""
    if custom:
        labels = name.split(".")
        if len(labels) < 2 or not all(LABEL.fullmatch(label) for label in labels):
            raise InvalidParameter(messages.DOMAIN_INVALID_CUSTOM.format(domain=name))
        return
    if not LABEL.fullmatch(name):
        raise InvalidParameter(messages.DOMAIN_INVALID_PREFIX)
    for word in RESERVED_WORDS:
        if word in name:
            raise InvalidParameter(messages.DOMAIN_RESERVED_WORD.format(word=word))


def _check_version(pool: UserPool, version: int | None) -> None:
    if version is not None and version not in MANAGED_LOGIN_VERSIONS:
        raise InvalidParameter(messages.MANAGED_LOGIN_VERSION)
    if version == 2 and pool.config.user_pool_tier == "LITE":
        raise FeatureUnavailableInTier(messages.MANAGED_LOGIN_TIER)


def _owned(tx: Transaction, pool: UserPool, name: str) -> PoolDomain:
    for domain in tx.pool_domains(pool):
        if domain.domain == name:
            return domain
    raise InvalidParameter(messages.DOMAIN_NOT_FOUND)


def find_owner(tx: Transaction, name: str) -> DomainOwner | None:
    """The domain named ``name`` (a prefix, or a custom domain's full name) and its pool."""
    found = tx.find_domain(name)
    pool = tx.get_pool(found[0]) if found is not None else None
    if found is None or pool is None:
        return None
    return DomainOwner(pool, found[1])


def owner_of_host(tx: Transaction, host: str) -> DomainOwner | None:
    """The domain a request's ``Host`` names, and its pool; ``None`` for a host that is no
    domain's (such as the server's own address).

    ``host`` may carry a port, and any case. It is a custom domain's name, or
    ``{prefix}.auth.{region}.amazoncognito.com`` for the pool's region, or, for local
    use, ``{prefix}.localhost`` (browsers resolve every ``*.localhost`` to the loopback).
    """
    name = host.strip().lower().rstrip(".")
    if not name.startswith("["):
        name = name.rsplit(":", 1)[0] if name.count(":") == 1 else name
    custom = tx.find_domain(name)
    if custom is not None and custom[1].custom:
        return find_owner(tx, name)
    prefix, _, rest = name.partition(".")
    owner = find_owner(tx, prefix) if prefix else None
    if owner is None or owner.domain.custom:
        return None
    allowed = {PREFIX_HOST.format(prefix=prefix, region=owner.pool.region), f"{prefix}.localhost"}
    return owner if f"{prefix}.{rest}" in allowed else None


class DomainService:
    def __init__(self, store: Store, clock: Callable[[], float]) -> None:
        self._store = store
        self._clock = clock

    def create(
        self,
        region: str,
        pool_id: str,
        name: str,
        certificate_arn: str | None,
        version: int | None,
    ) -> PoolDomain:
        """A prefix domain, or a custom one when ``certificate_arn`` is given
        (``CustomDomainConfig``)."""
        custom = certificate_arn is not None
        now = self._clock()
        domain = PoolDomain(
            0, name, custom, certificate_arn, version or DEFAULT_MANAGED_LOGIN_VERSION, now, now
        )

        def run(tx: Transaction) -> PoolDomain:
            pool = require_pool(tx, pool_id, region)
            check_domain_name(name, custom=custom)
            _check_version(pool, version)
            if any(d.custom == custom for d in tx.pool_domains(pool)):
                raise InvalidParameter(messages.POOL_HAS_DOMAIN)
            if tx.find_domain(name) is not None:
                raise InvalidParameter(messages.DOMAIN_TAKEN)
            if custom and tx.count_custom_domains(region) >= MAX_CUSTOM_DOMAINS_PER_REGION:
                raise LimitExceeded(
                    messages.CUSTOM_DOMAIN_LIMIT.format(limit=MAX_CUSTOM_DOMAINS_PER_REGION)
                )
            try:
                return tx.insert_domain(pool, domain)
            except Conflict as conflict:
                # Only a writer of another pool can win the race (writers of one pool take
                # turns), so "domain_kind" is not expected; it is answered all the same.
                kind = conflict.constraint == "domain_kind"
                raise InvalidParameter(
                    messages.POOL_HAS_DOMAIN if kind else messages.DOMAIN_TAKEN
                ) from None

        return self._store.write(run)

    def describe(self, region: str, name: str) -> DomainOwner | None:
        """The domain and its pool; ``None`` when no pool of ``region`` has it (AWS then
        answers an empty ``DomainDescription``)."""

        def run(tx: Transaction) -> DomainOwner | None:
            owner = find_owner(tx, name)
            return owner if owner is not None and owner.pool.region == region else None

        return self._store.read(run)

    def update(
        self,
        region: str,
        pool_id: str,
        name: str,
        certificate_arn: str | None,
        version: int | None,
    ) -> PoolDomain:
        """A new certificate for a custom domain, and a new managed login version; what is
        not given stays."""

        def run(tx: Transaction) -> PoolDomain:
            pool = require_pool(tx, pool_id, region)
            domain = _owned(tx, pool, name)
            _check_version(pool, version)
            if certificate_arn is not None and not domain.custom:
                raise InvalidParameter(messages.DOMAIN_NOT_CUSTOM.format(domain=name))
            updated = dataclasses.replace(
                domain,
                certificate_arn=certificate_arn or domain.certificate_arn,
                managed_login_version=version or domain.managed_login_version,
                updated_at=self._clock(),
            )
            tx.update_domain(pool, updated)
            return updated

        return self._store.write(run)

    def delete(self, region: str, pool_id: str, name: str) -> None:
        def run(tx: Transaction) -> None:
            pool = require_pool(tx, pool_id, region)
            tx.delete_domain(pool, _owned(tx, pool, name))

        self._store.write(run)

    def owner_of_host(self, host: str) -> DomainOwner | None:
        """:func:`owner_of_host` in a read of its own, for the HTTP endpoints."""
        return self._store.read(lambda tx: owner_of_host(tx, host))


def on_host(tx: Transaction, pool: UserPool, host: str | None) -> bool:
    """Whether ``pool`` may answer on ``host``: any pool on a host that is no domain's (the
    server's own address), only the domain's pool on a registered domain's host."""
    owner = owner_of_host(tx, host) if host else None
    return owner is None or owner.pool.id == pool.id
