"""User pools: their configuration's rules, and create, describe, update, delete, list.

:func:`new_config` and :func:`updated_config` are pure: they take the configuration a
request asks for (``operations/pool_wire.py`` parses it) and return the pool's, with
AWS's defaults, rules and quotas applied.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable

from userpools.crypto.keys import KeySource, generate_signing_key
from userpools.domain import messages
from userpools.domain.attributes import STANDARD_ATTRIBUTES
from userpools.domain.errors import InvalidParameter, ResourceNotFound
from userpools.domain.ids import Ids
from userpools.domain.models import Page, PoolKey, UserPool
from userpools.domain.pagination import Cursors
from userpools.domain.password_policy import PasswordPolicy
from userpools.domain.pool_config import (
    NumberAttributeConstraints,
    PoolConfig,
    SchemaAttribute,
    StringAttributeConstraints,
)
from userpools.domain.store import Store, Transaction

OPERATION = "ListUserPools"
MAX_CUSTOM_ATTRIBUTES = 50
DEFAULT_TIER = "ESSENTIALS"
_STANDARD_NAMES = frozenset(a.name for a in STANDARD_ATTRIBUTES)


def new_config(request: PoolConfig) -> PoolConfig:
    """A new pool's configuration from what CreateUserPool asked for.

    ``request.schema_attributes`` holds the request's ``Schema``: the result has the whole
    schema, the standard attributes first.
    """
    schema = _schema(request.schema_attributes)
    config = dataclasses.replace(_settled(request, DEFAULT_TIER), schema_attributes=schema)
    if config.username_attribute_names and config.alias_attribute_names:
        raise InvalidParameter(messages.USERNAME_AND_ALIAS)
    return config


def updated_config(current: PoolConfig, request: PoolConfig) -> PoolConfig:
    """UpdateUserPool replaces each member it can set, so one left out goes back to its
    default; the members fixed at creation stay, and so does the tier when left out."""
    return dataclasses.replace(
        _settled(request, current.user_pool_tier or DEFAULT_TIER),
        alias_attributes=current.alias_attributes,
        username_attributes=current.username_attributes,
        username_configuration=current.username_configuration,
        schema_attributes=current.schema_attributes,
    )


def _settled(request: PoolConfig, tier: str) -> PoolConfig:
    """The password policy and tier always set, by the request or by default.

    Without a password policy, ``UnusedAccountValidityDays`` (the older member) sets the
    temporary password validity; both at once are refused.
    """
    policy = request.policies.password_policy
    unused = request.admin_create_user_config.unused_account_validity_days
    if policy is not None and policy.temporary_password_validity_days and unused:
        raise InvalidParameter(messages.TEMPORARY_PASSWORD_WITH_VALIDITY)
    if policy is None:
        policy = PasswordPolicy(temporary_password_validity_days=unused or None)
    policy = dataclasses.replace(
        policy, temporary_password_validity_days=policy.temporary_validity_days
    )
    return dataclasses.replace(
        request,
        policies=dataclasses.replace(request.policies, password_policy=policy),
        user_pool_tier=request.user_pool_tier or tier,
    )


def _schema(requested: Iterable[SchemaAttribute]) -> tuple[SchemaAttribute, ...]:
    """The standard attributes (some made required) and the custom ones, named in full."""
    required: set[str] = set()
    custom: list[SchemaAttribute] = []
    seen: set[str] = set()
    for entry in requested:
        name = entry.name or ""
        if name in seen:
            raise InvalidParameter(messages.DUPLICATE_SCHEMA_ATTRIBUTE.format(name=name))
        seen.add(name)
        if name in _STANDARD_NAMES:
            if entry.required:
                required.add(name)
            continue
        developer = bool(entry.developer_only_attribute)
        data_type = entry.attribute_data_type or "String"
        strings = entry.string_attribute_constraints
        if data_type == "String" and strings is None:
            strings = StringAttributeConstraints()
        bare = name.removeprefix("custom:").removeprefix("dev:")
        custom.append(
            SchemaAttribute(
                name=("dev:" if developer else "custom:") + bare,
                attribute_data_type=data_type,
                developer_only_attribute=developer,
                mutable=True if entry.mutable is None else entry.mutable,
                required=False,
                string_attribute_constraints=strings,
                number_attribute_constraints=entry.number_attribute_constraints,
            )
        )
    if len(custom) > MAX_CUSTOM_ATTRIBUTES:
        raise InvalidParameter(messages.CUSTOM_ATTRIBUTE_LIMIT)
    return _standard_schema(required) + tuple(custom)


def _standard_schema(required: set[str]) -> tuple[SchemaAttribute, ...]:
    return tuple(
        SchemaAttribute(
            name=attr.name,
            attribute_data_type=attr.data_type,
            developer_only_attribute=False,
            mutable=attr.mutable,
            required=attr.name == "sub" or attr.name in required,
            string_attribute_constraints=StringAttributeConstraints(
                str(attr.min_length), str(attr.max_length)
            )
            if attr.data_type == "String"
            else None,
            number_attribute_constraints=NumberAttributeConstraints(min_value="0")
            if attr.data_type == "Number"
            else None,
        )
        for attr in STANDARD_ATTRIBUTES
    )


#: A pool signs ID tokens and access tokens with different keys, as Cognito does.
KEY_PURPOSES = ("id", "access")


def new_pool_keys(now: float, key_source: KeySource = generate_signing_key) -> list[PoolKey]:
    """A fresh pair; made outside any transaction (RSA key generation is slow)."""
    return [PoolKey(purpose, key_source(now)) for purpose in KEY_PURPOSES]


def require_pool(tx: Transaction, pool_id: str, region: str, *, shared: bool = False) -> UserPool:
    """The pool, or ``ResourceNotFound``. Pools are regional, as on AWS. ``shared``: see
    ``PoolStore.get_pool``."""
    pool = tx.get_pool(pool_id, shared=shared)
    if pool is None or pool.region != region:
        raise ResourceNotFound(messages.POOL_NOT_FOUND.format(pool_id=pool_id))
    return pool


class PoolService:
    def __init__(
        self,
        store: Store,
        cursors: Cursors,
        ids: Ids,
        clock: Callable[[], float],
        key_source: KeySource = generate_signing_key,
    ):
        self._store = store
        self._cursors = cursors
        self._ids = ids
        self._clock = clock
        self._key_source = key_source

    def create(self, region: str, name: str, request: PoolConfig) -> UserPool:
        """A new pool configured as ``request`` asks (see :func:`new_config`)."""
        config = new_config(request)
        now = self._clock()
        keys = new_pool_keys(now, self._key_source)

        def run(tx: Transaction) -> UserPool:
            pool = tx.insert_pool(self._ids.pool_id(region), region, name, config, now)
            for key in keys:
                tx.insert_pool_key(pool, key)
            return pool

        return self._store.write(run)

    def describe(self, region: str, pool_id: str) -> tuple[UserPool, int]:
        """The pool and its number of users."""

        def run(tx: Transaction) -> tuple[UserPool, int]:
            pool = require_pool(tx, pool_id, region)
            return pool, tx.count_users(pool)

        return self._store.read(run)

    def update(
        self,
        region: str,
        pool_id: str,
        name: str | None,
        request: PoolConfig,
    ) -> None:
        """Rename the pool (``name`` given) and reconfigure it (see :func:`updated_config`)."""

        def run(tx: Transaction) -> None:
            pool = require_pool(tx, pool_id, region)
            tx.update_pool(
                dataclasses.replace(
                    pool,
                    name=pool.name if name is None else name,
                    config=updated_config(pool.config, request),
                    updated_at=self._clock(),
                )
            )

        self._store.write(run)

    def delete(self, region: str, pool_id: str) -> None:
        """Delete the pool with its users, groups and memberships, in one transaction."""

        def run(tx: Transaction) -> None:
            pool = require_pool(tx, pool_id, region)
            if pool.config.deletion_protected:
                raise InvalidParameter(messages.DELETION_PROTECTED)
            tx.delete_pool(pool)

        self._store.write(run)

    def list_pools(
        self, region: str, limit: int, token: str | None, only: frozenset[str] | None = None
    ) -> Page[UserPool]:
        """A page of the region's pools; ``only``: the pools the caller may see."""
        scope = (region,)
        position = self._cursors.decode(OPERATION, scope, token)

        pools = self._store.read(
            lambda tx: tx.list_pools(region, position[0] if position else None, limit + 1, only)
        )
        return self._cursors.page(OPERATION, scope, pools, limit, lambda p: (p.id,))
