"""``NEW_PASSWORD_REQUIRED``: a temporary password must be replaced before tokens.

A follow-up: after a correct first factor it is due when the user is
``FORCE_CHANGE_PASSWORD`` (and refused when the temporary password has expired). Its
``ChallengeParameters`` carry ``USER_ID_FOR_SRP``, the user's attributes, and the pool's
required attributes the user lacks, which the answer must supply.

The answer is looked at first without using the session up, so a password the policy refuses
may be corrected within the same session; the Argon2id hash is computed outside any
transaction; a second transaction takes the session and sets the password.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass
from typing import ClassVar, Self

from userpools.domain import attributes, lockout, messages
from userpools.domain.errors import InvalidParameter, NotAuthorized
from userpools.domain.lookup import resolve, sign_in_keys, srp_verifier
from userpools.domain.models import User, UserPool, UserStatus
from userpools.domain.password_policy import check, check_form
from userpools.domain.signin import sessions
from userpools.domain.signin.strategy import Attempt, Entry, Outcome, Step, missing
from userpools.domain.store import Transaction
from userpools.domain.tokens import new_secret

NEW_PASSWORD_REQUIRED = "NEW_PASSWORD_REQUIRED"
_ATTRIBUTE_PREFIX = "userAttributes."


@dataclass(frozen=True)
class NewPasswordState:
    """Nothing beyond the session itself: the user and the client are in the record."""

    challenge: ClassVar[str] = NEW_PASSWORD_REQUIRED

    def encode(self) -> str:
        return "{}"

    @classmethod
    def decode(cls, text: str) -> Self:
        return cls()


@dataclass(frozen=True)
class NewPasswordRequired:
    name: str = NEW_PASSWORD_REQUIRED
    when: str = "FORCE_CHANGE_PASSWORD"

    def begin(
        self, tx: Transaction, attempt: Attempt, source: str, entry: Entry, now: float
    ) -> Step | None:
        user = entry.user
        if user.status is not UserStatus.FORCE_CHANGE_PASSWORD:
            return None
        if user.password_expires_at is not None and now > user.password_expires_at:
            return Step(error=NotAuthorized(messages.TEMPORARY_PASSWORD_EXPIRED))
        handle = new_secret()
        attempt.enter(tx, source, entry, NewPasswordState(), handle, now)
        parameters = _parameters(entry.pool, user)
        return Step(outcome=Outcome(challenge=self.name, session=handle, parameters=parameters))

    def answer(self, attempt: Attempt) -> Outcome:
        responses = attempt.parameters
        username = attempt.required("USERNAME")
        password = attempt.required("NEW_PASSWORD")
        handle = attempt.session
        if handle is None:
            raise missing("Session")
        given = [
            (name[len(_ATTRIBUTE_PREFIX) :], value)
            for name, value in responses.items()
            if name.startswith(_ATTRIBUTE_PREFIX)
        ]
        now = attempt.clock()

        def look(tx: Transaction) -> tuple[UserPool, User]:
            pool, client = attempt.client(tx)
            attempt.check_secret_hash(client, username)
            pending = sessions.peek(tx, pool, handle, NewPasswordState)
            if pending is None or pending.client_id != client.client_id:
                raise NotAuthorized(messages.SESSION_INVALID)
            if pending.expired(now):
                raise NotAuthorized(messages.SESSION_EXPIRED)
            named = resolve(tx, pool, username)
            if named is None or named.key != pending.user_key:
                raise NotAuthorized(messages.SESSION_INVALID)
            for name, _ in given:
                if name in pool.config.required_attributes and named.attribute(name):
                    raise InvalidParameter(messages.REQUIRED_ATTRIBUTE_SET.format(name=name))
            check_form(password)
            check(pool.config.password_policy, password)
            return pool, named

        pool, named = attempt.store.read(look)
        password_hash = attempt.hasher.hash(password)
        verifier = srp_verifier(pool, named.username, password)
        now = attempt.clock()

        def change(tx: Transaction) -> Step:
            pool, client = attempt.client(tx)
            pending = sessions.take(tx, pool, handle, NewPasswordState)
            user = tx.get_user(pool, pending.user_key) if pending is not None else None
            if user is None or user.status is not UserStatus.FORCE_CHANGE_PASSWORD:
                raise NotAuthorized(messages.SESSION_INVALID)
            attributes.check_writable(pool.config, (n for n, _ in given), creating=False)
            merged = attributes.merge(user.attributes, given)
            for name in pool.config.required_attributes:
                if attributes.value_of(merged, name) is None:
                    raise InvalidParameter(messages.REQUIRED_ATTRIBUTE_MISSING.format(name=name))
            user = dataclasses.replace(
                lockout.succeeded(user),
                attributes=merged,
                status=UserStatus.CONFIRMED,
                password_hash=password_hash,
                password_expires_at=None,
                srp_verifier=verifier,
                updated_at=now,
            )
            tx.update_user(pool, user, sign_in_keys(pool, merged))
            return attempt.signed_in(tx, self.name, Entry(pool, client, user), now)

        return attempt.store.write(change).finish()


def _parameters(pool: UserPool, user: User) -> dict[str, str]:
    """``USER_ID_FOR_SRP``, the user's attributes, and the required ones still missing."""
    shown = {name: value for name, value in user.attributes if name != "sub"}
    lacking = [
        f"{_ATTRIBUTE_PREFIX}{name}"
        for name in pool.config.required_attributes
        if attributes.value_of(user.attributes, name) is None
    ]
    return {
        "USER_ID_FOR_SRP": user.username,
        "requiredAttributes": json.dumps(lacking),
        "userAttributes": json.dumps(shown, ensure_ascii=False),
    }


CHALLENGE = NewPasswordRequired()
