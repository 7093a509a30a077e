"""``USER_PASSWORD_AUTH`` and ``ADMIN_USER_PASSWORD_AUTH``: the password sent in the clear.

The two flows differ only in who may start them (InitiateAuth or AdminInitiateAuth), so they
are one strategy with that as data. ``ADMIN_NO_SRP_AUTH`` is an alias (``machine.py``).

The Argon2id check is slow, so it runs between two write transactions (``domain/lockout.py``):
the first finds the user unlocked and counts the attempt as failed, the second clears the count
when the password was right and takes the next step.
"""

from __future__ import annotations

from dataclasses import dataclass

from userpools.domain import lockout, messages
from userpools.domain.errors import NotAuthorized
from userpools.domain.lookup import sign_in_keys
from userpools.domain.models import AppClient, User
from userpools.domain.signin.strategy import Attempt, Entry, Outcome, Step
from userpools.domain.store import Transaction


@dataclass(frozen=True)
class PasswordFlow:
    name: str
    admin: bool | None

    def start(self, attempt: Attempt) -> Outcome:
        username = attempt.required("USERNAME")
        password = attempt.required("PASSWORD")
        now = attempt.clock()

        def count(tx: Transaction) -> tuple[AppClient, User | None]:
            pool, client, user = attempt.admit(tx, username, now)
            if user is not None:
                # Counted as failed before the check; undone below when the password is right.
                tx.update_user(pool, lockout.failed(user, now), sign_in_keys(pool, user.attributes))
            return client, user

        client, user = attempt.store.write(count)
        hasher = attempt.hasher
        if user is None:
            hasher.dummy_verify(password)
            raise attempt.unknown_user(client)
        if user.password_hash is None:
            hasher.dummy_verify(password)
            raise NotAuthorized(messages.INCORRECT_CREDENTIALS)
        if not hasher.verify(user.password_hash, password):
            raise NotAuthorized(messages.INCORRECT_CREDENTIALS)
        now = attempt.clock()
        known = user

        def clear(tx: Transaction) -> Step:
            pool, client = attempt.client(tx)
            current = tx.get_user(pool, known.key)
            if current is None or current.password_hash != known.password_hash:
                raise NotAuthorized(messages.INCORRECT_CREDENTIALS)
            current = lockout.succeeded(current)
            tx.update_user(pool, current, sign_in_keys(pool, current.attributes))
            return attempt.signed_in(tx, self.name, Entry(pool, client, current), now)

        return attempt.store.write(clear).finish()


USER_PASSWORD_AUTH = PasswordFlow("USER_PASSWORD_AUTH", admin=False)
ADMIN_USER_PASSWORD_AUTH = PasswordFlow("ADMIN_USER_PASSWORD_AUTH", admin=True)
