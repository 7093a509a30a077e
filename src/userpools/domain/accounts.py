"""Self-service accounts: sign-up and its code, password reset, and the token-authorised calls.

Codes are six digits from the operating system's CSPRNG, kept only as a hash, one per user and
purpose; a new one replaces the old. They expire (sign-up and attribute verification 24 hours,
reset 1 hour, cognito-spec §8.3), are used once, and die after :data:`MAX_CODE_FAILURES` wrong
guesses, after which a new code must be requested. Messages go to the outbox, as invitations do.

A wrong guess must be counted even though the call fails, so those errors are raised after the
transaction commits.
"""

from __future__ import annotations

import dataclasses
import hashlib
import hmac
import secrets
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from userpools.crypto.passwords import PasswordHasher
from userpools.domain import attributes, hooks, lockout, messages, mfa, outbox, password_checks
from userpools.domain.clients import (
    check_secret_hash,
    find_client_anywhere,
    require_client,
    require_client_anywhere,
)
from userpools.domain.errors import (
    CodeMismatch,
    DomainError,
    ExpiredCode,
    InvalidParameter,
    LimitExceeded,
    NotAuthorized,
    PasswordResetRequired,
    Unauthorized,
    UnsupportedOperation,
    UnsupportedTokenType,
    UserNotFound,
)
from userpools.domain.lookup import require_user, resolve, sign_in_keys, srp_verifier
from userpools.domain.models import AppClient, User, UserCode, UserPool, UserStatus
from userpools.domain.password_checks import WAIT, Check, PasswordChecks, Wait
from userpools.domain.password_policy import check
from userpools.domain.pools import require_pool
from userpools.domain.schema import LEGACY_DEVELOPER_PREFIX
from userpools.domain.signin.sign_up import (
    confirm_sign_up_session,
    issue_sign_up_session,
    passwordless_sign_up,
)
from userpools.domain.store import Store, Transaction
from userpools.domain.tokens import Caller as TokenCaller
from userpools.domain.tokens import TokenIssuer, digest, new_secret, readable
from userpools.domain.users import NewUser, UserService

SIGN_UP = "sign_up"
RESET = "reset"
#: Attribute verification: one code per attribute (GetUserAttributeVerificationCode).
VERIFY_EMAIL = "verify_email"
VERIFY_PHONE = "verify_phone_number"
CODE_VALIDITY = {SIGN_UP: 24 * 3600.0, RESET: 3600.0, VERIFY_EMAIL: 24 * 3600.0}
CODE_VALIDITY[VERIFY_PHONE] = CODE_VALIDITY[VERIFY_EMAIL]
MAX_CODE_FAILURES = 5
_VERIFIED_FLAG = {"email": "email_verified", "phone_number": "phone_number_verified"}
_VERIFY_PURPOSE = {"email": VERIFY_EMAIL, "phone_number": VERIFY_PHONE}
_RECOVERY_ATTRIBUTE = {"verified_email": "email", "verified_phone_number": "phone_number"}
ADMIN_ONLY = "admin_only"


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


class AccountService:
    def __init__(
        self,
        store: Store,
        users: UserService,
        tokens: TokenIssuer,
        hasher: PasswordHasher,
        clock: Callable[[], float],
        *,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._store = store
        self._users = users
        self._tokens = tokens
        self._hasher = hasher
        self._checks = PasswordChecks(store, hasher, clock, sleep)
        self._clock = clock

    # shared ---------------------------------------------------------------------------------

    def _send_code(
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
        has a custom sender is put there instead, for :meth:`_hand_off` after the commit."""
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

    def _migrate_unknown(self, client_id: str, username: str) -> None:
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
            self._users.migrate(pool, client_id, username, None, None)

    def _hand_off(
        self,
        handoff: list[hooks.SenderCode],
        source: str,
        client_id: str | None,
        metadata: Sequence[tuple[str, str]] | None = None,
    ) -> None:
        """Give the codes carried past the commit to the pool's custom sender
        (``hooks.custom_sender``; ``source`` is AWS's suffix, ``ResendCode`` …)."""
        hooks.hand_off(self._users.triggers, handoff, source, client_id, metadata)

    def _custom_message(
        self,
        client_id: str,
        username: str,
        source: str,
        attribute_of: Callable[[UserPool, User], str | None] | None = None,
    ) -> hooks.CustomText | None:
        """The CustomMessage trigger's texts for a code to ``username``, asked before the
        transaction that makes the code (``hooks.custom_message``); ``None`` without the
        trigger or the user (the transaction then answers as it would), or when the code's
        medium (``attribute_of``) has a custom sender, which takes its place."""
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
        )

    def _use_code(
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

    # sign-up --------------------------------------------------------------------------------

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
        _check_client_writes(client, [name for name, _ in given])
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
            and any(
                name in pool.config.auto_verified for name, _ in given if name in _VERIFIED_FLAG
            )
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
                    self._send_code(
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
        user = self._users.create(pool.region, pool.id, new, on_created=send_code)
        self._hand_off(handoff, "SignUp", client_id, client_metadata)
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
            user = self._user_or_error(tx, pool, client, username, CodeMismatch())
            if user.status is not UserStatus.UNCONFIRMED:
                raise NotAuthorized(messages.NOT_UNCONFIRMED)
            used = self._use_code(tx, pool, user, SIGN_UP, code)
            if isinstance(used, UserCode):
                changes = []
                if used.attribute in _VERIFIED_FLAG:
                    changes.append((_VERIFIED_FLAG[used.attribute], "true"))
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
        self, client_id: str, username: str, secret_hash: str | None
    ) -> CodeDelivery:
        custom = self._custom_message(
            client_id, username, "CustomMessage_ResendCode", _sign_up_attribute
        )
        handoff: list[hooks.SenderCode] = []

        def run(tx: Transaction) -> CodeDelivery:
            handoff.clear()  # the transaction may run again
            pool, client = require_client_anywhere(tx, client_id)
            check_secret_hash(client, secret_hash, username)
            user = resolve(tx, pool, username)
            if user is None:
                if client.settings.prevent_user_existence_errors:
                    return _simulated_delivery(pool)
                raise UserNotFound(messages.USERNAME_CLIENT_NOT_FOUND)
            if user.status is not UserStatus.UNCONFIRMED:
                raise InvalidParameter(messages.ALREADY_CONFIRMED)
            attribute = _sign_up_attribute(pool, user)
            if attribute is None:
                raise InvalidParameter(messages.AUTO_VERIFY_OFF)
            return self._send_code(
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
        self._hand_off(handoff, "ResendCode", client_id)
        return delivery

    # password reset -------------------------------------------------------------------------

    def forgot_password(
        self, client_id: str, username: str, secret_hash: str | None
    ) -> CodeDelivery:
        self._migrate_unknown(client_id, username)
        custom = self._custom_message(
            client_id, username, "CustomMessage_ForgotPassword", _recovery_attribute
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
                    return _simulated_delivery(pool)
                raise UserNotFound(messages.USERNAME_CLIENT_NOT_FOUND)
            if not user.enabled:
                if hide:
                    return _simulated_delivery(pool)
                raise NotAuthorized(messages.USER_DISABLED)
            if user.status is UserStatus.FORCE_CHANGE_PASSWORD:
                raise NotAuthorized(messages.RESET_NOT_ALLOWED)
            attribute = _recovery_attribute(pool, user)
            if attribute is None:
                if hide:
                    return _simulated_delivery(pool)
                raise InvalidParameter(messages.NO_RECOVERY_CHANNEL)
            return self._send_code(tx, pool, user, RESET, attribute, custom=custom, handoff=handoff)

        delivery = self._store.write(run)
        self._hand_off(handoff, "ForgotPassword", client_id)
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
            user = self._user_or_error(tx, pool, client, username, CodeMismatch())
            if not user.enabled:
                raise (
                    CodeMismatch()
                    if client.settings.prevent_user_existence_errors
                    else NotAuthorized(messages.USER_DISABLED)
                )
            used = self._use_code(tx, pool, user, RESET, code)
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
            self._send_code(tx, pool, reset, RESET, attribute)

        self._store.write(run)

    def _user_or_error(
        self,
        tx: Transaction,
        pool: UserPool,
        client: AppClient,
        username: str,
        hidden: DomainError,
    ) -> User:
        user = resolve(tx, pool, username)
        if user is None:
            raise hidden if client.settings.prevent_user_existence_errors else UserNotFound()
        return user

    # token-authorised calls ------------------------------------------------------------------

    def _caller(self, tx: Transaction, access_token: str) -> TokenCaller:
        return self._tokens.authenticate(tx, access_token, self._clock())

    def get_user(self, access_token: str) -> tuple[User, list[tuple[str, str]]]:
        """The caller and the attributes its app client may read; ``sub`` always, as it is
        the user's identifier (and always in the ID token), whatever ``ReadAttributes`` say."""

        caller = self._store.read(lambda tx: self._caller(tx, access_token))
        shown = readable(caller.client, caller.user.attributes)
        if all(name != "sub" for name, _ in shown):
            shown.insert(0, ("sub", caller.user.sub))
        return caller.user, shown

    def update_user_attributes(
        self, access_token: str, changes: Sequence[tuple[str, str]]
    ) -> list[CodeDelivery]:
        """UpdateUserAttributes: the codes sent for a changed email or phone number that the
        pool verifies (:meth:`_update_and_verify`)."""

        def look(tx: Transaction) -> tuple[UserPool, User, str]:
            caller = self._caller(tx, access_token)
            return caller.pool, caller.user, caller.client.client_id

        pool, user, client_id = self._store.read(look)
        custom = self._update_message(pool, user, changes, client_id)
        handoff: list[hooks.SenderCode] = []

        def run(tx: Transaction) -> list[CodeDelivery]:
            handoff.clear()  # the transaction may run again
            caller = self._caller(tx, access_token)
            _check_client_writes(caller.client, [name for name, _ in changes])
            return self._update_and_verify(tx, caller.pool, caller.user, changes, custom, handoff)

        deliveries = self._store.write(run)
        self._hand_off(handoff, "UpdateUserAttribute", client_id)
        return deliveries

    def admin_update_user_attributes(
        self, region: str, pool_id: str, username: str, changes: Sequence[tuple[str, str]]
    ) -> None:
        """AdminUpdateUserAttributes: as UpdateUserAttributes, codes included, unless the
        same call sets the attribute's ``*_verified`` to true."""

        def look(tx: Transaction) -> tuple[UserPool, User]:
            pool = require_pool(tx, pool_id, region)
            return pool, require_user(tx, pool, username)

        custom = self._update_message(*self._store.read(look), changes, None)
        handoff: list[hooks.SenderCode] = []

        def run(tx: Transaction) -> None:
            handoff.clear()  # the transaction may run again
            pool = require_pool(tx, pool_id, region)
            user = require_user(tx, pool, username)
            self._update_and_verify(tx, pool, user, changes, custom, handoff)

        self._store.write(run)
        self._hand_off(handoff, "UpdateUserAttribute", None)

    def _update_message(
        self,
        pool: UserPool,
        user: User,
        changes: Sequence[tuple[str, str]],
        client_id: str | None,
    ) -> hooks.CustomText | None:
        """CustomMessage (``_UpdateUserAttribute``) when the change sends a code (as
        :meth:`_update_and_verify` decides), asked before the transaction; not when every
        code it sends goes to a custom sender, which takes its place."""
        given = dict(changes)
        sends = [
            "EMAIL" if attribute == "email" else "SMS"
            for attribute, flag in _VERIFIED_FLAG.items()
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
        for attribute, flag in _VERIFIED_FLAG.items():
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
        return self._send_code(tx, pool, to, purpose, attribute, custom=custom, handoff=handoff)

    def get_user_attribute_verification_code(
        self, access_token: str, attribute: str
    ) -> CodeDelivery:
        """A new code for the email or phone number (its pending value, when one waits);
        CustomMessage (``_VerifyUserAttribute``) is asked before the transaction."""

        def look(tx: Transaction) -> tuple[UserPool, User, str]:
            caller = self._caller(tx, access_token)
            return caller.pool, caller.user, caller.client.client_id

        pool, user, client_id = self._store.read(look)
        custom = None
        medium = "EMAIL" if attribute == "email" else "SMS"
        if attribute in _VERIFIED_FLAG and not hooks.has_sender(self._users.triggers, pool, medium):
            custom = hooks.custom_message(
                self._users.triggers,
                pool,
                "CustomMessage_VerifyUserAttribute",
                user.username,
                client_id,
                hooks.user_attributes(pool, user),
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
        self._hand_off(handoff, "VerifyUserAttribute", client_id)
        return delivery

    def verify_user_attribute(self, access_token: str, attribute: str, code: str) -> None:
        """The code verifies the attribute: its pending value, if any, replaces the old one,
        and ``*_verified`` becomes true. Wrong guesses are counted (raised after commit)."""

        def run(tx: Transaction) -> UserCode | DomainError:
            caller = self._caller(tx, access_token)
            pool, user = caller.pool, caller.user
            _check_verifiable(attribute)
            used = self._use_code(tx, pool, user, _VERIFY_PURPOSE[attribute], code)
            if isinstance(used, UserCode):
                pending = tx.get_pending_attribute(pool, user, attribute)
                changes = [(attribute, pending)] if pending else []
                changes.append((_VERIFIED_FLAG[attribute], "true"))
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

    def delete_user_attributes(self, access_token: str, names: Sequence[str]) -> None:
        """DeleteUserAttributes: AdminDeleteUserAttributes for the caller, within what its
        app client may write."""

        def run(tx: Transaction) -> None:
            caller = self._caller(tx, access_token)
            _check_client_writes(caller.client, names)
            self._users.delete_attributes_in(tx, caller.pool, caller.user, names)

        self._store.write(run)

    def set_user_settings(self, access_token: str, options: Sequence[tuple[str, str]]) -> None:
        """SetUserSettings: AdminSetUserSettings (the legacy ``MFAOptions``) for the caller."""

        def run(tx: Transaction) -> None:
            caller = self._caller(tx, access_token)
            changed = dataclasses.replace(
                caller.user, mfa_options=tuple(options), updated_at=self._clock()
            )
            self._users.save(tx, caller.pool, changed)
            mfa.follow_legacy_options(tx, caller.pool, changed)

        self._store.write(run)

    def delete_user(self, access_token: str) -> None:
        def run(tx: Transaction) -> None:
            caller = self._caller(tx, access_token)
            tx.delete_user(caller.pool, caller.user)

        self._store.write(run)

    def change_password(self, access_token: str, previous: str | None, proposed: str) -> None:
        """ChangePassword. ``PreviousPassword`` is required and checked under the lock-out
        whether or not the user has a password: one without (``users.unseen_password``) answers
        as a wrong one, after the same work (``PasswordChecks.verify``)."""

        def first(tx: Transaction) -> tuple[TokenCaller, Check] | Wait:
            caller = self._caller(tx, access_token)
            pool, user = caller.pool, caller.user
            if user.status is UserStatus.RESET_REQUIRED:
                # The password was disabled by an administrator: only the reset code may
                # set a new one, not a token from before the reset.
                raise PasswordResetRequired()
            check(pool.config.password_policy, proposed)
            if previous is None:
                raise InvalidParameter(messages.PREVIOUS_PASSWORD_REQUIRED)
            started = password_checks.start(tx, pool, user, self._clock())
            return WAIT if isinstance(started, Wait) else (caller, started)

        checked, started = self._checks.turn(first)
        pool, user = checked.pool, checked.user
        if not self._checks.verify(started, previous or ""):
            raise NotAuthorized(messages.INCORRECT_CREDENTIALS)

        def run(tx: Transaction) -> None:
            caller = self._caller(tx, access_token)
            current = caller.user
            if current.password_hash != user.password_hash:
                raise NotAuthorized(messages.INCORRECT_CREDENTIALS)
            changed = dataclasses.replace(
                password_checks.succeeded(tx, started, current),
                password_hash=password_hash,
                srp_verifier=verifier,
                updated_at=self._clock(),
            )
            tx.update_user(caller.pool, changed, sign_in_keys(caller.pool, changed.attributes))

        with self._checks.held(started):
            password_hash = self._hasher.hash(proposed)
            verifier = srp_verifier(pool, user.username, proposed)
            self._store.write(run)

    # sign-out and revocation -----------------------------------------------------------------

    def global_sign_out(self, access_token: str) -> None:
        def run(tx: Transaction) -> None:
            caller = self._caller(tx, access_token)
            self._sign_out(tx, caller.pool, caller.user)

        self._store.write(run)

    def admin_global_sign_out(self, region: str, pool_id: str, username: str) -> None:
        def run(tx: Transaction) -> None:
            pool = require_pool(tx, pool_id, region)
            self._sign_out(tx, pool, require_user(tx, pool, username))

        self._store.write(run)

    def _sign_out(self, tx: Transaction, pool: UserPool, user: User) -> None:
        signed_out = dataclasses.replace(user, tokens_valid_after=self._clock())
        tx.update_user(pool, signed_out, sign_in_keys(pool, user.attributes))

    def revoke_token(self, client_id: str, token: str, client_secret: str | None) -> None:
        """Revoke a refresh token and every token of its sign-in (RFC 7009 semantics)."""

        def run(tx: Transaction) -> None:
            found = find_client_anywhere(tx, client_id)
            if found is None or not _secret_matches(found[1], client_secret):
                raise Unauthorized(messages.INVALID_CLIENT)
            pool, client = found
            if not client.settings.enable_token_revocation:
                raise UnsupportedOperation(messages.TOKEN_REVOCATION_DISABLED)
            if token.count(".") == 2:  # an ID or access token
                raise UnsupportedTokenType(messages.NOT_A_REFRESH_TOKEN)
            family = tx.find_token_family(pool, "token_hash", digest(token))
            if family is None:
                return  # unknown tokens are not an error (RFC 7009 §2.2)
            if family.client_id != client_id:
                raise Unauthorized(messages.INVALID_CLIENT)
            tx.revoke_token_family(pool, family.origin_jti, self._clock())

        self._store.write(run)


def _check_verifiable(attribute: str) -> None:
    if attribute not in _VERIFIED_FLAG:
        raise InvalidParameter(messages.NOT_VERIFIABLE.format(name=attribute))


def _secret_matches(client: AppClient, given: str | None) -> bool:
    if client.secret is None:
        return given is None
    matched = False
    for secret in client.secrets:
        matched |= given is not None and hmac.compare_digest(secret.encode(), given.encode())
    return matched


def _sign_up_attribute(pool: UserPool, user: User) -> str | None:
    """Where the sign-up code goes: an auto-verified attribute the user gave, phone first."""
    for attribute in ("phone_number", "email"):
        if attribute in pool.config.auto_verified and user.attribute(attribute):
            return attribute
    return None


def _check_client_writes(client: AppClient, names: Sequence[str]) -> None:
    """``NotAuthorized`` for an attribute the app client may not write for its user.

    By default a client writes the standard and custom attributes, neither the verified
    flags (a user must not vouch for an address they typed in) nor developer-only ones,
    which only IAM-authenticated (admin) operations write.
    """
    allowed = client.settings.write_attributes
    for name in names:
        refused = (
            name.startswith(LEGACY_DEVELOPER_PREFIX)
            or (allowed is None and name in _VERIFIED_FLAG.values())
            or (allowed is not None and name not in allowed)
        )
        if refused:
            raise NotAuthorized(messages.ATTRIBUTE_NOT_WRITABLE)


def _recovery_attribute(pool: UserPool, user: User) -> str | None:
    """Where a reset code goes: the pool's recovery order, else a verified phone, then email."""
    order = pool.config.recovery or ("verified_phone_number", "verified_email")
    for mechanism in order:
        attribute = _RECOVERY_ATTRIBUTE.get(mechanism)
        if attribute is None:  # admin_only
            return None
        if user.attribute(attribute) and attributes.is_true(
            user.attribute(_VERIFIED_FLAG[attribute])
        ):
            return attribute
    return None


def _simulated_delivery(pool: UserPool) -> CodeDelivery:
    """What PreventUserExistenceErrors answers for a user who gets no code."""
    if "phone_number" in pool.config.auto_verified and "email" not in pool.config.auto_verified:
        return CodeDelivery("+*******0000", "SMS", "phone_number")
    return CodeDelivery("u***@e***", "EMAIL", "email")


__all__ = ["AccountService", "CodeDelivery"]
