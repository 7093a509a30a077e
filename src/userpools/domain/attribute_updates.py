"""Attribute updates and their verification: UpdateUserAttributes, AdminUpdateUserAttributes,
GetUserAttributeVerificationCode and VerifyUserAttribute, and what an app client may write.

A new email or phone number the pool auto-verifies gets a code; under
``AttributesRequireVerificationBeforeUpdate`` it waits aside until verified.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence

from userpools.domain import attributes, hooks, messages
from userpools.domain.errors import DomainError, InvalidParameter, NotAuthorized
from userpools.domain.lookup import require_user
from userpools.domain.models import AppClient, User, UserCode, UserPool
from userpools.domain.pools import require_pool
from userpools.domain.schema import LEGACY_DEVELOPER_PREFIX
from userpools.domain.store import Store, Transaction
from userpools.domain.tokens import Caller as TokenCaller
from userpools.domain.tokens import TokenIssuer
from userpools.domain.users import UserService
from userpools.domain.verification_codes import (
    VERIFIED_FLAG,
    VERIFY_EMAIL,
    VERIFY_PHONE,
    CodeDelivery,
    VerificationCodes,
)

_VERIFY_PURPOSE = {"email": VERIFY_EMAIL, "phone_number": VERIFY_PHONE}


class AttributeUpdateService:
    def __init__(
        self,
        store: Store,
        users: UserService,
        codes: VerificationCodes,
        tokens: TokenIssuer,
        clock: Callable[[], float],
    ) -> None:
        self._store = store
        self._users = users
        self._codes = codes
        self._tokens = tokens
        self._clock = clock

    def _caller(self, tx: Transaction, access_token: str) -> TokenCaller:
        return self._tokens.authenticate(tx, access_token, self._clock())

    def update_user_attributes(
        self,
        access_token: str,
        changes: Sequence[tuple[str, str]],
        client_metadata: Sequence[tuple[str, str]] | None = None,
    ) -> list[CodeDelivery]:
        """UpdateUserAttributes: the codes sent for a changed email or phone number that the
        pool verifies (:meth:`_update_and_verify`). ``ClientMetadata`` reaches CustomMessage,
        not a custom sender (the guide's custom email sender page lists the sources that get
        it)."""

        def look(tx: Transaction) -> tuple[UserPool, User, str]:
            caller = self._caller(tx, access_token)
            return caller.pool, caller.user, caller.client.client_id

        pool, user, client_id = self._store.read(look)
        custom = self._update_message(pool, user, changes, client_id, client_metadata)
        handoff: list[hooks.SenderCode] = []

        def run(tx: Transaction) -> list[CodeDelivery]:
            handoff.clear()  # the transaction may run again
            caller = self._caller(tx, access_token)
            check_client_writes(caller.client, [name for name, _ in changes])
            return self._update_and_verify(tx, caller.pool, caller.user, changes, custom, handoff)

        deliveries = self._store.write(run)
        self._codes.hand_off(handoff, "UpdateUserAttribute", client_id)
        return deliveries

    def admin_update_user_attributes(
        self,
        region: str,
        pool_id: str,
        username: str,
        changes: Sequence[tuple[str, str]],
        client_metadata: Sequence[tuple[str, str]] | None = None,
    ) -> None:
        """AdminUpdateUserAttributes: as UpdateUserAttributes, codes included, unless the
        same call sets the attribute's ``*_verified`` to true."""

        def look(tx: Transaction) -> tuple[UserPool, User]:
            pool = require_pool(tx, pool_id, region)
            return pool, require_user(tx, pool, username)

        custom = self._update_message(*self._store.read(look), changes, None, client_metadata)
        handoff: list[hooks.SenderCode] = []

        def run(tx: Transaction) -> None:
            handoff.clear()  # the transaction may run again
            pool = require_pool(tx, pool_id, region)
            user = require_user(tx, pool, username)
            self._update_and_verify(tx, pool, user, changes, custom, handoff)

        self._store.write(run)
        self._codes.hand_off(handoff, "UpdateUserAttribute", None)

    def _update_message(
        self,
        pool: UserPool,
        user: User,
        changes: Sequence[tuple[str, str]],
        client_id: str | None,
        metadata: Sequence[tuple[str, str]] | None,
    ) -> hooks.CustomText | None:
        """CustomMessage (``_UpdateUserAttribute``) when the change sends a code (as
        :meth:`_update_and_verify` decides), asked before the transaction; not when every
        code it sends goes to a custom sender, which takes its place."""
        given = dict(changes)
        sends = [
            "EMAIL" if attribute == "email" else "SMS"
            for attribute, flag in VERIFIED_FLAG.items()
            if given.get(attribute)
            and given[attribute] != user.attribute(attribute)
            and attribute in pool.config.auto_verified
            and given.get(flag, "").lower() != "true"
        ]
        triggers = self._users.triggers
        if all(hooks.has_sender(triggers, pool, medium) for medium in sends):
            return None
        shown = hooks.user_attributes(pool, user) | {
            n: v for n, v in changes if not n.startswith("dev:")
        }
        return hooks.custom_message(
            self._users.triggers,
            pool,
            "CustomMessage_UpdateUserAttribute",
            user.username,
            client_id,
            shown,
            metadata,
        )

    def _update_and_verify(
        self,
        tx: Transaction,
        pool: UserPool,
        user: User,
        changes: Sequence[tuple[str, str]],
        custom: hooks.CustomText | None = None,
        handoff: list[hooks.SenderCode] | None = None,
    ) -> list[CodeDelivery]:
        """Apply ``changes``; for each new email or phone number in the pool's
        ``AutoVerifiedAttributes`` not vouched for in the same call, send a code.

        Under ``AttributesRequireVerificationBeforeUpdate`` a new value for an attribute the
        user already has is kept aside (``pending_attributes``): the old value stays, verified
        flag and sign-in alias included, until VerifyUserAttribute confirms the new one. An
        attribute changed without a code loses any code or value awaiting verification.
        """
        given = dict(changes)
        c = pool.config
        held = c.user_attribute_update_settings
        before_update = (held.attributes_require_verification_before_update or ()) if held else ()
        applied = list(changes)
        to_verify: list[tuple[str, str, bool]] = []  # attribute, value, kept aside
        for attribute, flag in VERIFIED_FLAG.items():
            value = given.get(attribute)
            if value is None or value == user.attribute(attribute):
                continue
            vouched = given.get(flag, "").lower() == "true"
            if value and attribute in c.auto_verified and not vouched:
                aside = attribute in before_update and user.attribute(attribute) is not None
                if aside:
                    applied = [(n, v) for n, v in applied if n != attribute]
                to_verify.append((attribute, value, aside))
            else:
                tx.delete_code(pool, user, _VERIFY_PURPOSE[attribute])
                tx.delete_pending_attribute(pool, user, attribute)
        self._users.update_attributes_in(tx, pool, user, applied)
        deliveries = []
        for attribute, value, aside in to_verify:
            if aside:
                tx.put_pending_attribute(pool, user, attribute, value)
            else:
                tx.delete_pending_attribute(pool, user, attribute)
            deliveries.append(
                self._send_verification(tx, pool, user, attribute, value, custom, handoff)
            )
        return deliveries

    def _send_verification(
        self,
        tx: Transaction,
        pool: UserPool,
        user: User,
        attribute: str,
        destination: str,
        custom: hooks.CustomText | None = None,
        handoff: list[hooks.SenderCode] | None = None,
    ) -> CodeDelivery:
        """A verification code for ``attribute``, sent to ``destination`` (its new or pending
        value, which the stored user may not hold yet)."""
        to = dataclasses.replace(
            user, attributes=attributes.merge(user.attributes, [(attribute, destination)])
        )
        purpose = _VERIFY_PURPOSE[attribute]
        return self._codes.send(tx, pool, to, purpose, attribute, custom=custom, handoff=handoff)

    def get_user_attribute_verification_code(
        self,
        access_token: str,
        attribute: str,
        client_metadata: Sequence[tuple[str, str]] | None = None,
    ) -> CodeDelivery:
        """A new code for the email or phone number (its pending value, when one waits);
        CustomMessage (``_VerifyUserAttribute``) is asked before the transaction, with the
        call's ``ClientMetadata``."""

        def look(tx: Transaction) -> tuple[UserPool, User, str]:
            caller = self._caller(tx, access_token)
            return caller.pool, caller.user, caller.client.client_id

        pool, user, client_id = self._store.read(look)
        custom = None
        medium = "EMAIL" if attribute == "email" else "SMS"
        if attribute in VERIFIED_FLAG and not hooks.has_sender(self._users.triggers, pool, medium):
            custom = hooks.custom_message(
                self._users.triggers,
                pool,
                "CustomMessage_VerifyUserAttribute",
                user.username,
                client_id,
                hooks.user_attributes(pool, user),
                client_metadata,
            )

        handoff: list[hooks.SenderCode] = []

        def run(tx: Transaction) -> CodeDelivery:
            handoff.clear()  # the transaction may run again
            caller = self._caller(tx, access_token)
            pool, user = caller.pool, caller.user
            _check_verifiable(attribute)
            destination = tx.get_pending_attribute(pool, user, attribute)
            destination = destination or user.attribute(attribute)
            if not destination:
                raise InvalidParameter(messages.NO_ATTRIBUTE_VALUE.format(name=attribute))
            return self._send_verification(tx, pool, user, attribute, destination, custom, handoff)

        delivery = self._store.write(run)
        self._codes.hand_off(handoff, "VerifyUserAttribute", client_id)
        return delivery

    def verify_user_attribute(self, access_token: str, attribute: str, code: str) -> None:
        """The code verifies the attribute: its pending value, if any, replaces the old one,
        and ``*_verified`` becomes true. Wrong guesses are counted (raised after commit)."""

        def run(tx: Transaction) -> UserCode | DomainError:
            caller = self._caller(tx, access_token)
            pool, user = caller.pool, caller.user
            _check_verifiable(attribute)
            used = self._codes.use(tx, pool, user, _VERIFY_PURPOSE[attribute], code)
            if isinstance(used, UserCode):
                pending = tx.get_pending_attribute(pool, user, attribute)
                changes = [(attribute, pending)] if pending else []
                changes.append((VERIFIED_FLAG[attribute], "true"))
                verified = dataclasses.replace(
                    user,
                    attributes=attributes.merge(user.attributes, changes),
                    updated_at=self._clock(),
                )
                tx.delete_pending_attribute(pool, user, attribute)
                self._users.save(tx, pool, verified)
            return used

        used = self._store.write(run)
        if isinstance(used, DomainError):
            raise used


def _check_verifiable(attribute: str) -> None:
    if attribute not in VERIFIED_FLAG:
        raise InvalidParameter(messages.NOT_VERIFIABLE.format(name=attribute))


def check_client_writes(client: AppClient, names: Sequence[str]) -> None:
    """``NotAuthorized`` for an attribute the app client may not write for its user.

    By default a client writes the standard and custom attributes, neither the verified
    flags (a user must not vouch for an address they typed in) nor developer-only ones,
    which only IAM-authenticated (admin) operations write.
    """
    allowed = client.settings.write_attributes
    for name in names:
        refused = (
            name.startswith(LEGACY_DEVELOPER_PREFIX)
            or (allowed is None and name in VERIFIED_FLAG.values())
            or (allowed is not None and name not in allowed)
        )
        if refused:
            raise NotAuthorized(messages.ATTRIBUTE_NOT_WRITABLE)


__all__ = ["AttributeUpdateService", "check_client_writes"]
