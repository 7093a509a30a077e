"""Self-registration: SignUp, ConfirmSignUp and ResendConfirmationCode.

PreSignUp and PostConfirmation run around them (``domain/hooks.py``); the confirmation code is
made, sent and checked by :class:`~userpools.domain.verification_codes.VerificationCodes`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence

from userpools.domain import attributes, hooks, messages
from userpools.domain.attribute_updates import check_client_writes
from userpools.domain.clients import check_secret_hash, require_client, require_client_anywhere
from userpools.domain.errors import (
    CodeMismatch,
    DomainError,
    InvalidParameter,
    NotAuthorized,
    UserNotFound,
)
from userpools.domain.lookup import resolve
from userpools.domain.models import User, UserCode, UserPool, UserStatus
from userpools.domain.signin.sign_up import (
    confirm_sign_up_session,
    issue_sign_up_session,
    passwordless_sign_up,
)
from userpools.domain.store import Store, Transaction
from userpools.domain.tokens import new_secret
from userpools.domain.user_creation import NewUser, UserCreationService
from userpools.domain.users import UserService
from userpools.domain.verification_codes import (
    SIGN_UP,
    VERIFIED_FLAG,
    CodeDelivery,
    VerificationCodes,
    simulated_delivery,
    user_or_error,
)


class SignUpService:
    def __init__(
        self,
        store: Store,
        users: UserService,
        creation: UserCreationService,
        codes: VerificationCodes,
        clock: Callable[[], float],
    ) -> None:
        self._store = store
        self._users = users
        self._creation = creation
        self._codes = codes
        self._clock = clock

    def sign_up(
        self,
        client_id: str,
        username: str,
        password: str | None,
        given: Sequence[tuple[str, str]],
        secret_hash: str | None,
        *,
        validation_data: Sequence[tuple[str, str]] | None = None,
        client_metadata: Sequence[tuple[str, str]] | None = None,
    ) -> tuple[User, CodeDelivery | None, str | None]:
        """The user, where the code went, and the ``Session`` ConfirmSignUp may take to sign
        the user in at once (``user_auth.issue_sign_up_session``).

        PreSignUp runs first, outside any transaction: its failure creates no user. Its
        ``autoConfirmUser`` creates the user CONFIRMED with no code sent, and PostConfirmation
        follows; ``autoVerifyEmail``/``autoVerifyPhone`` mark the attribute verified, taking
        an alias over from a previous owner (``domain/hooks.py``)."""
        pool, client = self._store.read(lambda tx: require_client_anywhere(tx, client_id))
        if pool.config.admin_create_only:
            raise NotAuthorized(messages.SIGN_UP_NOT_ALLOWED)
        check_secret_hash(client, secret_hash, username)
        if password is None and not passwordless_sign_up(pool, client, (n for n, _ in given)):
            raise InvalidParameter(messages.PASSWORD_REQUIRED)
        check_client_writes(client, [name for name, _ in given])
        answer = hooks.pre_sign_up(
            self._users.triggers,
            pool,
            "PreSignUp_SignUp",
            username,
            client_id,
            given,
            validation_data,
            client_metadata,
        )
        verified = [
            (flag, "true")
            for flag, wanted in (
                ("email_verified", answer.verify_email),
                ("phone_number_verified", answer.verify_phone),
            )
            if wanted
        ]
        custom = None
        sent_to = next(
            (
                a
                for a in ("phone_number", "email")
                if a in pool.config.auto_verified and dict(given).get(a)
            ),
            None,
        )  # as _sign_up_attribute will decide
        by_sender = sent_to is not None and hooks.has_sender(
            self._users.triggers, pool, "EMAIL" if sent_to == "email" else "SMS"
        )
        if (
            not answer.confirm
            and not by_sender
            and any(name in pool.config.auto_verified for name, _ in given if name in VERIFIED_FLAG)
        ):
            custom = hooks.custom_message(
                self._users.triggers,
                pool,
                "CustomMessage_SignUp",
                username,
                client_id,
                {**dict(given), "cognito:user_status": UserStatus.UNCONFIRMED.value},
                client_metadata,
            )
        delivered: list[CodeDelivery] = []
        handle = new_secret()
        issued: list[str] = []
        handoff: list[hooks.SenderCode] = []

        def send_code(tx: Transaction, pool: UserPool, user: User) -> None:
            handoff.clear()  # the transaction may run again
            client = require_client(tx, pool, client_id)
            attribute = None if answer.confirm else _sign_up_attribute(pool, user)
            # Replaced, not appended: the transaction may run again.
            delivered[:] = (
                []
                if attribute is None
                else [
                    self._codes.send(
                        tx,
                        pool,
                        user,
                        SIGN_UP,
                        attribute,
                        client_id=client_id,
                        custom=custom,
                        handoff=handoff,
                    )
                ]
            )
            now = self._clock()
            issued[:] = (
                [handle] if issue_sign_up_session(tx, pool, client, user, handle, now) else []
            )

        new = NewUser(
            username=username,
            attributes=(*given, *verified),
            temporary_password=password,
            signed_up=True,
            confirmed=answer.confirm,
            force_alias=bool(verified),
        )
        user = self._creation.create(pool.region, pool.id, new, on_created=send_code)
        self._codes.hand_off(handoff, "SignUp", client_id, client_metadata)
        if answer.confirm:
            hooks.post_confirmation(
                self._users.triggers,
                pool,
                user,
                "PostConfirmation_ConfirmSignUp",
                client_id,
                client_metadata,
            )
        return user, (delivered[0] if delivered else None), (issued[0] if issued else None)

    def confirm_sign_up(
        self,
        client_id: str,
        username: str,
        code: str,
        secret_hash: str | None,
        force_alias: bool,
        *,
        from_link: bool = False,
        session: str | None = None,
        client_metadata: Sequence[tuple[str, str]] | None = None,
    ) -> str | None:
        """ConfirmSignUp; ``from_link``: the ``confirmUser`` link of a
        ``CONFIRM_WITH_LINK`` email, which carries no secret hash (the code is the proof).
        For a client that allows ``USER_AUTH`` the answer is a ``Session`` for a sign-in
        without another factor (``sign_up.confirm_sign_up_session``)."""
        handle = new_secret()
        issued: list[str] = []
        confirmed_in: list[tuple[UserPool, User]] = []

        def run(tx: Transaction) -> UserCode | DomainError:
            pool, client = require_client_anywhere(tx, client_id)
            if not from_link:
                check_secret_hash(client, secret_hash, username)
            user = user_or_error(tx, pool, client, username, CodeMismatch())
            if user.status is not UserStatus.UNCONFIRMED:
                raise NotAuthorized(messages.NOT_UNCONFIRMED)
            used = self._codes.use(tx, pool, user, SIGN_UP, code)
            if isinstance(used, UserCode):
                changes = []
                if used.attribute in VERIFIED_FLAG:
                    changes.append((VERIFIED_FLAG[used.attribute], "true"))
                confirmed = dataclasses.replace(
                    user,
                    status=UserStatus.CONFIRMED,
                    attributes=attributes.merge(user.attributes, changes),
                    updated_at=self._clock(),
                )
                self._users.save(tx, pool, confirmed, force_alias=force_alias)
                confirmed_in[:] = [(pool, confirmed)]
                if not from_link:
                    now = self._clock()
                    issued[:] = (
                        [handle]
                        if confirm_sign_up_session(
                            tx, pool, client, confirmed, session, used.attribute, handle, now
                        )
                        else []
                    )
            return used

        used = self._store.write(run)
        if isinstance(used, DomainError):
            raise used
        pool, user = confirmed_in[0]
        hooks.post_confirmation(
            self._users.triggers,
            pool,
            user,
            "PostConfirmation_ConfirmSignUp",
            client_id,
            client_metadata,
        )
        return issued[0] if issued else None

    def resend_confirmation_code(
        self,
        client_id: str,
        username: str,
        secret_hash: str | None,
        client_metadata: Sequence[tuple[str, str]] | None = None,
    ) -> CodeDelivery:
        """ResendConfirmationCode. Its ``ClientMetadata`` reaches CustomMessage; a custom
        sender's ``_ResendCode`` event gets none (the guide's custom email sender page lists
        the sources that do)."""
        custom = self._codes.custom_message(
            client_id, username, "CustomMessage_ResendCode", _sign_up_attribute, client_metadata
        )
        handoff: list[hooks.SenderCode] = []

        def run(tx: Transaction) -> CodeDelivery:
            handoff.clear()  # the transaction may run again
            pool, client = require_client_anywhere(tx, client_id)
            check_secret_hash(client, secret_hash, username)
            user = resolve(tx, pool, username)
            if user is None:
                if client.settings.prevent_user_existence_errors:
                    return simulated_delivery(pool)
                raise UserNotFound(messages.USERNAME_CLIENT_NOT_FOUND)
            if user.status is not UserStatus.UNCONFIRMED:
                raise InvalidParameter(messages.ALREADY_CONFIRMED)
            attribute = _sign_up_attribute(pool, user)
            if attribute is None:
                raise InvalidParameter(messages.AUTO_VERIFY_OFF)
            return self._codes.send(
                tx,
                pool,
                user,
                SIGN_UP,
                attribute,
                client_id=client_id,
                custom=custom,
                handoff=handoff,
            )

        delivery = self._store.write(run)
        self._codes.hand_off(handoff, "ResendCode", client_id)
        return delivery


def _sign_up_attribute(pool: UserPool, user: User) -> str | None:
    """Where the sign-up code goes: an auto-verified attribute the user gave, phone first."""
    for attribute in ("phone_number", "email"):
        if attribute in pool.config.auto_verified and user.attribute(attribute):
            return attribute
    return None


__all__ = ["SignUpService"]
