"""Thin adapters between wire shapes and domain services, one module per API family.

This is the only layer that knows both wire names (``UserPoolId``) and domain names
(``pool_id``). ``handlers(services)`` is the registry the dispatcher serves.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping

from userpools.operations import (
    accounts,
    auth,
    clients,
    groups,
    mfa,
    oauth,
    settings,
    user_pools,
    users,
)
from userpools.operations.services import Operation, Services
from userpools.protocol.dispatch import Handler

_FAMILIES: tuple[Mapping[str, Operation], ...] = (
    user_pools.OPERATIONS,
    clients.OPERATIONS,
    users.OPERATIONS,
    groups.OPERATIONS,
    auth.OPERATIONS,
    accounts.OPERATIONS,
    settings.OPERATIONS,
    mfa.OPERATIONS,
    oauth.OPERATIONS,
)


#: The operations that only read: no password hash, no write transaction (so no lock wait
#: and no retry pause). Short enough to answer on the event loop (``http/routes.py``).
READS = frozenset(
    {
        "AdminGetUser",
        "AdminListGroupsForUser",
        "AdminListUserAuthEvents",
        "DescribeResourceServer",
        "DescribeRiskConfiguration",
        "DescribeUserPool",
        "DescribeUserPoolClient",
        "DescribeUserPoolDomain",
        "GetCSVHeader",
        "GetGroup",
        "GetLogDeliveryConfiguration",
        "GetUICustomization",
        "GetUserPoolMfaConfig",
        "ListGroups",
        "ListResourceServers",
        "ListTagsForResource",
        "ListUserPoolClientSecrets",
        "ListUserPoolClients",
        "ListUserPools",
        "ListUsers",
        "ListUsersInGroup",
    }
)


def implemented() -> frozenset[str]:
    """The names of every operation this server answers."""
    return frozenset(name for family in _FAMILIES for name in family)


def handlers(services: Services) -> dict[str, Handler]:
    """Every implemented operation, bound to the services."""
    return {
        name: functools.partial(op, services) for family in _FAMILIES for name, op in family.items()
    }


__all__ = ["READS", "Services", "handlers", "implemented"]
