"""Thin adapters between wire shapes and domain services, one module per API family.

This is the only layer that knows both wire names (``UserPoolId``) and domain names
(``pool_id``). ``handlers(services)`` is the registry the dispatcher serves.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable, Mapping
from typing import Any

from userpools.domain.errors import InternalError
from userpools.domain.store import Retryable
from userpools.operations import accounts, auth, clients, groups, user_pools, users
from userpools.operations.services import Services
from userpools.protocol.dispatch import Handler, RequestContext

Operation = Callable[[Services, dict[str, Any], RequestContext], Mapping[str, Any] | None]

_FAMILIES: tuple[Mapping[str, Operation], ...] = (
    user_pools.OPERATIONS,
    clients.OPERATIONS,
    users.OPERATIONS,
    groups.OPERATIONS,
    auth.OPERATIONS,
    accounts.OPERATIONS,
)


def implemented() -> frozenset[str]:
    """The names of every operation this server answers."""
    return frozenset(name for family in _FAMILIES for name in family)


#: Attempts of one API call whose transaction keeps losing races, and the backoff.
MAX_ATTEMPTS = 12
_BACKOFF_SECONDS = 0.002
logger = logging.getLogger("userpools")


def handlers(services: Services) -> dict[str, Handler]:
    """Every implemented operation, bound to the services."""
    return {
        name: _with_retries(name, op, services)
        for family in _FAMILIES
        for name, op in family.items()
    }


def _with_retries(name: str, op: Operation, services: Services) -> Handler:
    """Run the call again when its transaction lost a race; clients never see it.

    Each API call is one transaction, so running the whole call again is running the
    transaction again: nothing of the failed attempt was committed.
    """

    def handler(params: dict[str, Any], ctx: RequestContext) -> Mapping[str, Any] | None:
        for attempt in range(1, MAX_ATTEMPTS + 1):
            try:
                return op(services, params, ctx)
            except Retryable as exc:
                if attempt == MAX_ATTEMPTS:
                    logger.error("%s gave up after %d attempts: %s", name, attempt, exc)
                    raise InternalError() from None
                time.sleep(random.uniform(0, min(0.25, _BACKOFF_SECONDS * 2**attempt)))
        raise AssertionError("unreachable")

    return handler


__all__ = ["Services", "handlers", "implemented"]
