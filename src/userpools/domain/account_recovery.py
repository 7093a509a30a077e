"""Account recovery: ForgotPassword, ConfirmForgotPassword and AdminResetUserPassword.

The reset code goes where the pool's ``AccountRecoverySetting`` says, to a verified phone or
email; a pool whose recovery is ``admin_only`` refuses ForgotPassword.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence

from userpools.crypto.passwords import PasswordHasher
from userpools.domain import attributes, hooks, lockout, messages
from userpools.domain.clients import check_secret_hash, require_client_anywhere
from userpools.domain.errors import (
    CodeMismatch,
    DomainError,
    InvalidParameter,
    NotAuthorized,
    UserNotFound,
)
from userpools.domain.lookup import require_user, resolve, sign_in_keys, srp_verifier
from userpools.domain.models import AppClient, User, UserCode, UserPool, UserStatus
from userpools.domain.password_policy import check
from userpools.domain.pools import require_pool
from userpools.domain.store import Store, Transaction
from userpools.domain.user_creation import UserCreationService
from userpools.domain.users import UserService
from userpools.domain.verification_codes import (
    RESET,
    VERIFIED_FLAG,
    CodeDelivery,
    VerificationCodes,
    simulated_delivery,
    user_or_error,
)

ADMIN_ONLY = "admin_only"
_RECOVERY_ATTRIBUTE = {"verified_email": "email", "verified_phone_number": "phone_number"}


class AccountRecoveryService:
    def __init__(
        self,
        store: Store,
        users: UserService,
        creation: UserCreationService,
        codes: VerificationCodes,
        hasher: PasswordHasher,
        clock: Callable[[], float],
    ) -> None:
        self._store = store
        self._users = users
        self._creation = creation
        self._codes = codes
        self._hasher = hasher
        self._clock = clock

    def _migrate_unknown(
        self, client_id: str, username: str, metadata: Sequence[tuple[str, str]] | None
    ) -> None:
        """ForgotPassword for a user the pool does not have: UserMigration
        (``UserMigration_ForgotPassword``) may bring it, RESET_REQUIRED, before the code."""
        triggers = self._users.triggers
        if triggers is None:
            return

        def look(tx: Transaction) -> tuple[UserPool, bool]:
            pool, _client = require_client_anywhere(tx, client_id)
            return pool, resolve(tx, pool, username) is None

        pool, unknown = self._store.read(look)
        if unknown and triggers.configured(pool, "UserMigration"):
            given = None if metadata is None else dict(metadata)
            self._creation.migrate(pool, client_id, username, None, None, given)

    def forgot_password(
        self,
        client_id: str,
        username: str,
        secret_hash: str | None,
        client_metadata: Sequence[tuple[str, str]] | None = None,
    ) -> CodeDelivery:
        """ForgotPassword. Its ``ClientMetadata`` reaches UserMigration (``clientMetadata``),
        CustomMessage and a custom sender's ``_ForgotPassword`` event."""
        self._migrate_unknown(client_id, username, client_metadata)
        custom = self._codes.custom_message(
            client_id,
            username,
            "CustomMessage_ForgotPassword",
            _recovery_attribute,
            client_metadata,
        )
        handoff: list[hooks.SenderCode] = []

        def run(tx: Transaction) -> CodeDelivery:
            handoff.clear()  # the transaction may run again
            pool, client = require_client_anywhere(tx, client_id)
            check_secret_hash(client, secret_hash, username)
            if ADMIN_ONLY in pool.config.recovery:
                # A pool setting: refusing says nothing about the user.
                raise NotAuthorized(messages.RECOVERY_ADMIN_ONLY)
            user = resolve(tx, pool, username)
            hide = client.settings.prevent_user_existence_errors
            if user is None:
                if hide:
                    return simulated_delivery(pool)
                raise UserNotFound(messages.USERNAME_CLIENT_NOT_FOUND)
            if not user.enabled:
                if hide:
                    return simulated_delivery(pool)
                raise NotAuthorized(messages.USER_DISABLED)
            if user.status is UserStatus.FORCE_CHANGE_PASSWORD:
                raise NotAuthorized(messages.RESET_NOT_ALLOWED)
            attribute = _recovery_attribute(pool, user)
            if attribute is None:
                if hide:
                    return simulated_delivery(pool)
                raise InvalidParameter(messages.NO_RECOVERY_CHANNEL)
            return self._codes.send(
                tx, pool, user, RESET, attribute, custom=custom, handoff=handoff
            )

        delivery = self._store.write(run)
        self._codes.hand_off(handoff, "ForgotPassword", client_id, client_metadata)
        return delivery

    def confirm_forgot_password(
        self,
        client_id: str,
        username: str,
        code: str,
        password: str,
        secret_hash: str | None,
        client_metadata: Sequence[tuple[str, str]] | None = None,
    ) -> None:
        """ConfirmForgotPassword; then PostConfirmation (``_ConfirmForgotPassword``)."""
        reset: list[tuple[UserPool, User]] = []

        def look(tx: Transaction) -> tuple[UserPool, AppClient, User | None]:
            pool, client = require_client_anywhere(tx, client_id)
            return pool, client, resolve(tx, pool, username)

        pool, client, named = self._store.read(look)
        check_secret_hash(client, secret_hash, username)
        check(pool.config.password_policy, password)
        password_hash = self._hasher.hash(password)
        verifier = srp_verifier(pool, named.username, password) if named is not None else None

        def run(tx: Transaction) -> UserCode | DomainError:
            pool, client = require_client_anywhere(tx, client_id)
            user = user_or_error(tx, pool, client, username, CodeMismatch())
            if not user.enabled:
                raise (
                    CodeMismatch()
                    if client.settings.prevent_user_existence_errors
                    else NotAuthorized(messages.USER_DISABLED)
                )
            used = self._codes.use(tx, pool, user, RESET, code)
            if isinstance(used, UserCode):
                changed = dataclasses.replace(
                    lockout.succeeded(user),
                    status=UserStatus.CONFIRMED,
                    password_hash=password_hash,
                    password_expires_at=None,
                    srp_verifier=verifier
                    if named is not None and named.username == user.username
                    else srp_verifier(pool, user.username, password),
                    updated_at=self._clock(),
                )
                tx.update_user(pool, changed, sign_in_keys(pool, changed.attributes))
                reset[:] = [(pool, changed)]
            return used

        used = self._store.write(run)
        if isinstance(used, DomainError):
            raise used
        pool, user = reset[0]
        hooks.post_confirmation(
            self._users.triggers,
            pool,
            user,
            "PostConfirmation_ConfirmForgotPassword",
            client_id,
            client_metadata,
        )

    def admin_reset_password(self, region: str, pool_id: str, username: str) -> None:
        """RESET_REQUIRED: the password stops working and a reset code is sent."""

        def run(tx: Transaction) -> None:
            pool = require_pool(tx, pool_id, region)
            user = require_user(tx, pool, username)
            if not user.enabled:
                raise NotAuthorized(messages.USER_DISABLED)
            attribute = _recovery_attribute(pool, user)
            if attribute is None:
                raise InvalidParameter(messages.NO_RECOVERY_CHANNEL)
            reset = dataclasses.replace(
                user,
                status=UserStatus.RESET_REQUIRED,
                password_hash=None,
                srp_verifier=None,
                password_expires_at=None,
                updated_at=self._clock(),
            )
            tx.update_user(pool, reset, sign_in_keys(pool, reset.attributes))
            self._codes.send(tx, pool, reset, RESET, attribute)

        self._store.write(run)


def _recovery_attribute(pool: UserPool, user: User) -> str | None:
    """Where a reset code goes: the pool's recovery order, else a verified phone, then email."""
    order = pool.config.recovery or ("verified_phone_number", "verified_email")
    for mechanism in order:
        attribute = _RECOVERY_ATTRIBUTE.get(mechanism)
        if attribute is None:  # admin_only
            return None
        if user.attribute(attribute) and attributes.is_true(
            user.attribute(VERIFIED_FLAG[attribute])
        ):
            return attribute
    return None


__all__ = ["AccountRecoveryService"]
