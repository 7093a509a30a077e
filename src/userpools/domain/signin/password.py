"""``USER_PASSWORD_AUTH`` and ``ADMIN_USER_PASSWORD_AUTH``: the password sent in the clear.

The two flows differ only in who may start them (InitiateAuth or AdminInitiateAuth), so they
are one strategy with that as data. ``ADMIN_NO_SRP_AUTH`` is an alias (``machine.py``).

The Argon2id check is slow, so it runs between two write transactions
(``domain/password_checks.py``): the first finds the user unlocked and starts a check, the
second, when the password was right, ends it with the count cleared and takes the next step.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from userpools.domain import messages, password_checks
from userpools.domain.auth_events import record_wrong_password, recording
from userpools.domain.errors import NotAuthorized
from userpools.domain.lookup import sign_in_keys
from userpools.domain.models import AppClient
from userpools.domain.password_checks import WAIT, Check, Wait
from userpools.domain.signin.strategy import Attempt, Entry, Outcome, Step
from userpools.domain.store import Transaction

#: Finds the user and starts the check (see :func:`sign_in`).
Begin = Callable[[Transaction], tuple[AppClient, Check | None] | Wait]


@dataclass(frozen=True)
class PasswordFlow:
    name: str
    admin: bool | None

    def start(self, attempt: Attempt) -> Outcome:
        username = attempt.required("USERNAME")
        password = attempt.required("PASSWORD")
        return sign_in(attempt, self.name, password, admitting(attempt, username))


def admitting(attempt: Attempt, username: str) -> Begin:
    """The preamble for ``username`` (``Attempt.admit``), then a check started."""

    def begin(tx: Transaction) -> tuple[AppClient, Check | None] | Wait:
        now = attempt.clock()
        pool, client, user = attempt.admit(tx, username, now)
        if user is None:
            return client, None
        check = password_checks.start(tx, pool, user, now)
        return WAIT if isinstance(check, Wait) else (client, check)

    return begin


def sign_in(attempt: Attempt, source: str, password: str, begin: Begin) -> Outcome:
    """Check ``password`` for the user ``begin`` finds (in a write transaction, where it also
    starts the check, or answers :data:`WAIT`), then take the step after ``source``.

    ``begin`` gives the client and the check, or no check for an unknown user (answered as a
    wrong password, after as long). The password flows and ``USER_AUTH``'s ``PASSWORD`` factor
    (``user_auth.py``) share it, so every path counts failures and waits its turn alike.
    """
    client, check = attempt.checks.turn(begin)
    if check is None:
        attempt.hasher.dummy_verify(password)
        raise attempt.unknown_user(client)
    if not attempt.checks.verify(check, password):
        if recording(check.pool):
            failed_at = attempt.clock()
            attempt.store.write(
                lambda tx: record_wrong_password(tx, check.pool, check.user, failed_at)
            )
        raise NotAuthorized(messages.INCORRECT_CREDENTIALS)
    now = attempt.clock()
    known = check.user

    def clear(tx: Transaction) -> Step:
        pool, client = attempt.client(tx)
        current = tx.get_user(pool, known.key)
        if current is None or current.password_hash != known.password_hash:
            raise NotAuthorized(messages.INCORRECT_CREDENTIALS)
        current = password_checks.succeeded(tx, check, current)
        tx.update_user(pool, current, sign_in_keys(pool, current.attributes))
        return attempt.signed_in(tx, source, Entry(pool, client, current), now)

    with attempt.checks.held(check):
        step = attempt.store.write(clear)
    return step.finish()


USER_PASSWORD_AUTH = PasswordFlow("USER_PASSWORD_AUTH", admin=False)
ADMIN_USER_PASSWORD_AUTH = PasswordFlow("ADMIN_USER_PASSWORD_AUTH", admin=True)
