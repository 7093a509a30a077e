"""Verification codes: made, sent, and checked, for sign-up, password reset and attributes.

Codes are six digits from the operating system's CSPRNG, kept only as a hash, one per user and
purpose; a new one replaces the old. They expire (sign-up and attribute verification 24 hours,
reset 1 hour, cognito-spec §8.3), are used once, and die after :data:`MAX_CODE_FAILURES` wrong
guesses, after which a new code must be requested. Messages go to the outbox, as invitations do.

A wrong guess must be counted even though the call fails, so those errors are raised after the
transaction commits.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from userpools.domain import hooks, messages, outbox
from userpools.domain.clients import require_client_anywhere
from userpools.domain.errors import (
    CodeMismatch,
    DomainError,
    ExpiredCode,
    LimitExceeded,
    UserNotFound,
)
from userpools.domain.lookup import resolve
from userpools.domain.models import AppClient, User, UserCode, UserPool
from userpools.domain.store import Store, Transaction
from userpools.domain.users import UserService

SIGN_UP = "sign_up"
RESET = "reset"
#: Attribute verification: one code per attribute (GetUserAttributeVerificationCode).
VERIFY_EMAIL = "verify_email"
VERIFY_PHONE = "verify_phone_number"
CODE_VALIDITY = {SIGN_UP: 24 * 3600.0, RESET: 3600.0, VERIFY_EMAIL: 24 * 3600.0}
CODE_VALIDITY[VERIFY_PHONE] = CODE_VALIDITY[VERIFY_EMAIL]
MAX_CODE_FAILURES = 5
VERIFIED_FLAG = {"email": "email_verified", "phone_number": "phone_number_verified"}


@dataclass(frozen=True)
class CodeDelivery:
    destination: str
    medium: str  # EMAIL or SMS
    attribute: str


def mask(medium: str, destination: str) -> str:
    """How AWS shows where a code went: ``t***@e***`` or ``+*******1234``."""
    if medium == "EMAIL":
        local, _, domain = destination.partition("@")
        return f"{local[:1]}***@{domain[:1]}***"
    return "+" + "*" * max(len(destination) - 5, 0) + destination[-4:]


def _code_hash(user: User, purpose: str, code: str) -> str:
    return hashlib.sha256(f"{user.sub}\x00{purpose}\x00{code}".encode()).hexdigest()


def new_code() -> str:
    return f"{secrets.randbelow(10**6):06d}"


class VerificationCodes:
    """Makes a code and puts its message in the outbox (or hands it to a custom sender),
    and checks a code given back; shared by the services that send codes."""

    def __init__(self, store: Store, users: UserService, clock: Callable[[], float]) -> None:
        self._store = store
        self._users = users
        self._clock = clock

    def send(
        self,
        tx: Transaction,
        pool: UserPool,
        user: User,
        purpose: str,
        attribute: str,
        *,
        client_id: str | None = None,
        custom: hooks.CustomText | None = None,
        handoff: list[hooks.SenderCode] | None = None,
    ) -> CodeDelivery:
        """Make a code for ``purpose`` and put its message in the outbox. ``client_id``
        (SignUp, ResendConfirmationCode) lets a sign-up code go as a link when the pool's
        ``DefaultEmailOption`` is ``CONFIRM_WITH_LINK``. With ``handoff``, a code whose medium
        has a custom sender is put there instead, for :meth:`hand_off` after the commit."""
        now = self._clock()
        code = new_code()
        destination = user.attribute(attribute) or ""
        medium = "EMAIL" if attribute == "email" else "SMS"
        delivery = self._users.delivery
        if handoff is not None and hooks.has_sender(self._users.triggers, pool, medium):
            handoff.append(hooks.SenderCode(pool, medium, user, code))
        else:
            letter = outbox.verification(
                pool,
                medium,
                code,
                username=user.username,
                client_id=client_id if purpose == SIGN_UP else None,
                delivery=delivery,
                custom=custom,
            )
            outbox.post(tx, pool, user.username, destination, letter, now, delivery)
        tx.put_code(
            pool,
            user,
            UserCode(
                purpose, _code_hash(user, purpose, code), attribute, now + CODE_VALIDITY[purpose]
            ),
        )
        return CodeDelivery(mask(medium, destination), medium, attribute)

    def hand_off(
        self,
        handoff: list[hooks.SenderCode],
        source: str,
        client_id: str | None,
        metadata: Sequence[tuple[str, str]] | None = None,
    ) -> None:
        """Give the codes carried past the commit to the pool's custom sender
        (``hooks.custom_sender``; ``source`` is AWS's suffix, ``ResendCode`` …)."""
        hooks.hand_off(self._users.triggers, handoff, source, client_id, metadata)

    def custom_message(
        self,
        client_id: str,
        username: str,
        source: str,
        attribute_of: Callable[[UserPool, User], str | None] | None = None,
        metadata: Sequence[tuple[str, str]] | None = None,
    ) -> hooks.CustomText | None:
        """The CustomMessage trigger's texts for a code to ``username``, asked before the
        transaction that makes the code (``hooks.custom_message``); ``None`` without the
        trigger or the user (the transaction then answers as it would), or when the code's
        medium (``attribute_of``) has a custom sender, which takes its place. ``metadata``:
        the call's ``ClientMetadata``."""
        triggers = self._users.triggers
        if triggers is None:
            return None

        def look(tx: Transaction) -> tuple[UserPool, User | None]:
            pool, _client = require_client_anywhere(tx, client_id)
            if not triggers.configured(pool, "CustomMessage"):
                return pool, None
            return pool, resolve(tx, pool, username)

        pool, user = self._store.read(look)
        if user is None:
            return None
        attribute = attribute_of(pool, user) if attribute_of is not None else None
        medium = "EMAIL" if attribute == "email" else "SMS"
        if attribute is not None and hooks.has_sender(triggers, pool, medium):
            return None
        return hooks.custom_message(
            triggers,
            pool,
            source,
            user.username,
            client_id,
            hooks.user_attributes(pool, user),
            metadata,
        )

    def use(
        self, tx: Transaction, pool: UserPool, user: User, purpose: str, code: str
    ) -> UserCode | DomainError:
        """The stored code if ``code`` matches it (and it is then used up), else the error."""
        stored = tx.get_code(pool, user, purpose)
        if stored is None:
            return ExpiredCode()
        if stored.failures >= MAX_CODE_FAILURES:
            return LimitExceeded(messages.CODE_ATTEMPTS_EXCEEDED)
        if self._clock() > stored.expires_at:
            return ExpiredCode()
        given = _code_hash(user, purpose, code).encode()
        if not hmac.compare_digest(given, stored.code_hash.encode()):
            tx.count_code_failure(pool, user, purpose)
            return CodeMismatch()
        tx.delete_code(pool, user, purpose)
        return stored


def user_or_error(
    tx: Transaction,
    pool: UserPool,
    client: AppClient,
    username: str,
    hidden: DomainError,
) -> User:
    """The user ``username`` names, else ``UserNotFound``, or ``hidden`` where the client
    prevents user existence errors."""
    user = resolve(tx, pool, username)
    if user is None:
        raise hidden if client.settings.prevent_user_existence_errors else UserNotFound()
    return user


def simulated_delivery(pool: UserPool) -> CodeDelivery:
    """What PreventUserExistenceErrors answers for a user who gets no code."""
    if "phone_number" in pool.config.auto_verified and "email" not in pool.config.auto_verified:
        return CodeDelivery("+*******0000", "SMS", "phone_number")
    return CodeDelivery("u***@e***", "EMAIL", "email")


__all__ = [
    "CodeDelivery",
    "VerificationCodes",
    "mask",
    "new_code",
    "simulated_delivery",
    "user_or_error",
]
