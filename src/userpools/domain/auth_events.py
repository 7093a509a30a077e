"""The record of sign-in events, and AdminListUserAuthEvents.

AWS records a user's sign-in events only while the pool's threat protection (advanced
security, ``UserPoolAddOns.AdvancedSecurityMode`` ``AUDIT`` or ``ENFORCED``) is on, and
AdminListUserAuthEvents refuses other pools with ``UserPoolAddOnNotEnabledException``. This
server does the same, so a pool without it pays nothing on each sign-in. An event holds no
secret: its type, outcome, time, a random id, and which challenge passed or failed
(``Password`` or ``Mfa``), never a value.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable

from userpools.domain import messages
from userpools.domain.errors import UserNotFound, UserPoolAddOnNotEnabled
from userpools.domain.lookup import resolve
from userpools.domain.models import AuthEvent, Page, User, UserPool
from userpools.domain.pagination import Cursors
from userpools.domain.pools import require_pool
from userpools.domain.store import Store, Transaction

OPERATION = "AdminListUserAuthEvents"
RECORDING_MODES = frozenset({"AUDIT", "ENFORCED"})


def recording(pool: UserPool) -> bool:
    """Whether the pool's threat protection is on, so its sign-in events are recorded."""
    add_ons = pool.config.user_pool_add_ons
    return add_ons is not None and add_ons.advanced_security_mode in RECORDING_MODES


def record_sign_in(
    tx: Transaction, pool: UserPool, user: User, response: str, password: str, now: float
) -> None:
    """A SignIn event: ``response`` Pass, Fail or InProgress (a challenge follows), and
    whether the password was right (``Success``/``Failure``)."""
    if recording(pool):
        event = AuthEvent(0, str(uuid.uuid4()), "SignIn", response, (("Password", password),), now)
        tx.insert_auth_event(pool, user, event)


def record_wrong_password(tx: Transaction, pool: UserPool, user: User, now: float) -> None:
    """A failed SignIn, in a transaction of its own after the check: the pool and the user
    are read again, and nothing is recorded if either has gone meanwhile."""
    current_pool = tx.get_pool(pool.id)
    current = tx.get_user(current_pool, user.key) if current_pool is not None else None
    if current_pool is not None and current is not None:
        record_sign_in(tx, current_pool, current, "Fail", "Failure", now)


class AuthEventService:
    def __init__(self, store: Store, cursors: Cursors, clock: Callable[[], float]) -> None:
        self._store = store
        self._cursors = cursors
        self._clock = clock

    def list_events(
        self, region: str, pool_id: str, username: str, limit: int, token: str | None
    ) -> Page[AuthEvent]:
        """A page of the user's events, newest first."""

        def run(tx: Transaction) -> Page[AuthEvent]:
            pool = require_pool(tx, pool_id, region)
            if not recording(pool):
                raise UserPoolAddOnNotEnabled(messages.ADD_ON_NOT_ENABLED)
            user = resolve(tx, pool, username)
            if user is None:
                raise UserNotFound()
            scope = (pool.key, user.key)
            after = self._cursors.decode(OPERATION, scope, token)
            before = int(after[0]) if after else None
            events = tx.auth_events(pool, user, before, limit + 1)
            return self._cursors.page(OPERATION, scope, events, limit, lambda e: (str(e.key),))

        return self._store.read(run)
