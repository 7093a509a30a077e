"""User creation: AdminCreateUser (with its ``RESEND``), the insert of SignUp's user, and
UserMigration's user: the username and ``sub``, the temporary password, the invitation and the
migrated user's welcome."""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from userpools.crypto.passwords import PasswordHasher
from userpools.domain import attributes, hooks, messages, mfa, outbox, usernames
from userpools.domain.aliases import claim_aliases, conflict_error
from userpools.domain.errors import InvalidParameter, UnsupportedUserState, UsernameExists
from userpools.domain.ids import Ids
from userpools.domain.lookup import (
    EMAIL_LIKE,
    looks_like_phone,
    require_user,
    sign_in_keys,
    srp_verifier,
)
from userpools.domain.models import User, UserPool, UserStatus
from userpools.domain.outbox import KEEP_ALL, Delivery
from userpools.domain.password_policy import (
    PasswordPolicy,
    check,
    generate_temporary_password,
    policy_for,
)
from userpools.domain.pools import require_pool
from userpools.domain.store import Conflict, Store, Transaction
from userpools.domain.triggers import Triggers

#: The ``{####}`` of a migrated user's welcome message (``UserCreationService._welcome``).
WELCOME_CODE = "********"
_DAY = 86400.0


@dataclass(frozen=True)
class NewUser:
    username: str
    attributes: tuple[tuple[str, str], ...] = ()
    temporary_password: str | None = None
    resend: bool = False
    suppress: bool = False
    delivery: tuple[str, ...] = ("SMS",)
    force_alias: bool = False
    #: Self-service sign-up: ``temporary_password`` is the user's own password, the user starts
    #: UNCONFIRMED, no invitation is sent and the pool's required attributes must be given.
    signed_up: bool = False
    #: PreSignUp's ``autoConfirmUser`` (``domain/hooks.py``): the signed-up user starts
    #: CONFIRMED and is sent no code.
    confirmed: bool = False
    #: UserMigration's ``finalUserStatus`` ``RESET_REQUIRED`` (``domain/hooks.py``).
    reset_required: bool = False
    #: UserMigration's user: its password is not held to the pool's policy ("will not be
    #: enforced during migration", guide), it is welcomed unless ``suppress`` (on ``delivery``),
    #: and ``sms_mfa`` turns SMS MFA on for it (``enableSMSMFA``).
    migrated: bool = False
    sms_mfa: bool = False
    #: ``ValidationData`` and ``ClientMetadata`` for the PreSignUp trigger (``None``: not given).
    validation_data: tuple[tuple[str, str], ...] | None = None
    client_metadata: tuple[tuple[str, str], ...] | None = None


def unseen_password(new: NewUser) -> bool:
    """Whether the new user's temporary password is one nobody could ever see: generated (no
    ``TemporaryPassword``) and never sent (``MessageAction=SUPPRESS``).

    Such a user gets no password at all, so nothing is hashed (AWS's generated password is as
    unknowable): every sign-in fails as a wrong password does until AdminSetUserPassword,
    AdminCreateUser ``RESEND``, or AdminResetUserPassword and its code give the user one.
    SignUp without a password (allowed where one-time passwords may sign in) is the other case.
    """
    if new.signed_up:  # a password-less sign-up (``user_auth.passwordless_sign_up``)
        return new.temporary_password is None
    return new.suppress and new.temporary_password is None and not new.resend


def _password_for(policy: PasswordPolicy, given: str | None) -> str:
    """``given``, checked against ``policy``; or, without one, a temporary password made for it."""
    if given is None:
        return generate_temporary_password(policy)
    check(policy, given)
    return given


@dataclass(frozen=True)
class _Secret:
    """A usable password with its Argon2id hash and SRP verifier, made outside transactions."""

    password: str = field(repr=False)
    hash: str = field(repr=False)
    verifier: str = field(repr=False)


class UserCreationService:
    def __init__(
        self,
        store: Store,
        ids: Ids,
        hasher: PasswordHasher,
        clock: Callable[[], float],
        *,
        delivery: Delivery = KEEP_ALL,
        triggers: Triggers | None = None,
    ) -> None:
        self._store = store
        #: The pools' Lambda triggers (``domain/triggers.py``); ``None``: none are invoked.
        self.triggers = triggers
        self._ids = ids
        self._hasher = hasher
        self._clock = clock
        #: Which media this server delivers, and where links point (``domain/outbox.py``).
        self.delivery = delivery

    def create(
        self,
        region: str,
        pool_id: str,
        new: NewUser,
        on_created: Callable[[Transaction, UserPool, User], None] | None = None,
    ) -> User:
        """Create the user; ``on_created`` runs in the same transaction, after the insert."""
        if new.resend:
            return self._resend(region, pool_id, new)
        snapshot = self._store.read(lambda tx: require_pool(tx, pool_id, region))
        custom = None
        if not new.signed_up:  # SignUp's PreSignUp ran in SignUpService.sign_up
            hooks.pre_sign_up(
                self.triggers,
                snapshot,
                "PreSignUp_AdminCreateUser",
                new.username,
                None,
                new.attributes,
                new.validation_data,
                new.client_metadata,
            )
            if not new.suppress and not all(
                hooks.has_sender(self.triggers, snapshot, medium) for medium in new.delivery
            ):
                custom = hooks.custom_message(
                    self.triggers,
                    snapshot,
                    "CustomMessage_AdminCreateUser",
                    new.username,
                    None,
                    dict(new.attributes),
                    new.client_metadata,
                )
        password = None
        if new.migrated:
            password = new.temporary_password
        elif not unseen_password(new):
            password = _password_for(snapshot.config.password_policy, new.temporary_password)
        # The username is settled, and the password's Argon2id hash and SRP verifier (a
        # 3072-bit modular power) made, before the write transaction. UsernameAttributes cannot
        # change after creation, so the snapshot's answer holds inside the transaction.
        username, start = self._initial_identity(snapshot, new)
        secret = None
        if password is not None:
            secret = _Secret(
                password, self._hasher.hash(password), srp_verifier(snapshot, username, password)
            )

        handoff: list[hooks.SenderCode] = []

        def run(tx: Transaction) -> User:
            handoff.clear()  # the transaction may run again
            pool = require_pool(tx, pool_id, region)
            policy = pool.config.password_policy
            if secret is not None and not new.migrated:
                policy = policy_for(pool, secret.password)
            attributes.check_writable(pool.config, (n for n, _ in new.attributes), creating=True)
            attrs = attributes.merge(start, new.attributes)
            if new.signed_up:
                for name in pool.config.required_attributes:
                    if attributes.value_of(attrs, name) is None:
                        raise InvalidParameter(messages.SCHEMA_REQUIRED.format(name=name))
            now = self._clock()
            user = User(
                key=0,
                username=username,
                username_key=usernames.key(username, pool.config.case_sensitive),
                sub=attributes.value_of(attrs, "sub") or "",
                status=(
                    UserStatus.RESET_REQUIRED
                    if new.reset_required
                    else UserStatus.CONFIRMED
                    if new.confirmed
                    else UserStatus.UNCONFIRMED
                )
                if new.signed_up
                else UserStatus.FORCE_CHANGE_PASSWORD,
                enabled=True,
                attributes=attrs,
                mfa_options=(),
                created_at=now,
                updated_at=now,
                # No password at all: nothing to hash, verify or expire (unseen_password).
                password_hash=secret.hash if secret is not None else None,
                password_expires_at=None
                if new.signed_up or secret is None
                else now + policy.temporary_validity_days * _DAY,
                srp_verifier=secret.verifier if secret is not None else None,
            )
            if tx.find_user(pool, "username_key", user.username_key) is not None:
                raise UsernameExists(messages.USER_EXISTS)
            keys = sign_in_keys(pool, attrs)
            claim_aliases(tx, pool, None, keys, force=new.force_alias, now=now)
            try:
                user = tx.insert_user(pool, user, keys)
            except Conflict as exc:
                raise conflict_error(pool, exc) from None
            if secret is not None and not (new.suppress or new.signed_up):
                self._invite(tx, pool, user, secret.password, new.delivery, now, custom, handoff)
            if new.migrated:
                self._welcome(tx, pool, user, new, now)
            if on_created is not None:
                on_created(tx, pool, user)
            return user

        created = self._store.write(run)
        # AWS gives ``ClientMetadata`` to the senders' _SignUp, _ForgotPassword and
        # _Authentication only (the guide's custom email sender page).
        hooks.hand_off(self.triggers, handoff, "AdminCreateUser", None)
        return created

    def _initial_identity(self, pool: UserPool, new: NewUser) -> tuple[str, attributes.Attributes]:
        """The stored username and the attributes every new user starts with."""
        sub = self._ids.sub()
        c = pool.config
        start: list[tuple[str, str]] = [("sub", sub)]
        if not c.username_attribute_names:
            if "email" in c.alias_attribute_names and EMAIL_LIKE in new.username:
                raise InvalidParameter(messages.USERNAME_IS_EMAIL)
            if "phone_number" in c.alias_attribute_names and looks_like_phone(new.username):
                raise InvalidParameter(messages.USERNAME_IS_PHONE)
            return new.username, tuple(start)
        # The sign-in name is an email or phone number; the real username is the sub.
        if "email" in c.username_attribute_names and EMAIL_LIKE in new.username:
            start.append(("email", new.username))
        elif "phone_number" in c.username_attribute_names and looks_like_phone(new.username):
            start.append(("phone_number", new.username))
        elif c.username_attribute_names == ("email",):
            raise InvalidParameter(messages.USERNAME_NOT_EMAIL)
        elif c.username_attribute_names == ("phone_number",):
            raise InvalidParameter(messages.USERNAME_NOT_PHONE)
        else:
            raise InvalidParameter(messages.USERNAME_NOT_EMAIL_OR_PHONE)
        return sub, tuple(start)

    def _resend(self, region: str, pool_id: str, new: NewUser) -> User:
        """MessageAction=RESEND: a new temporary password (given or generated) for a user in
        FORCE_CHANGE_PASSWORD, with or without one so far, and the invitation again, with
        CustomMessage's texts (``CustomMessage_AdminCreateUser``, asked before the transaction,
        with the user's stored attributes) where the pool has that trigger."""

        def look(tx: Transaction) -> tuple[UserPool, User]:
            pool = require_pool(tx, pool_id, region)
            user = require_user(tx, pool, new.username)
            _check_resend(user)
            return pool, user

        snapshot, existing = self._store.read(look)
        custom = None
        if not all(hooks.has_sender(self.triggers, snapshot, m) for m in new.delivery):
            custom = hooks.custom_message(
                self.triggers,
                snapshot,
                "CustomMessage_AdminCreateUser",
                existing.username,
                None,
                hooks.user_attributes(snapshot, existing),
                new.client_metadata,
            )
        password = _password_for(snapshot.config.password_policy, new.temporary_password)
        password_hash = self._hasher.hash(password)

        def run(tx: Transaction) -> User:
            pool = require_pool(tx, pool_id, region)
            policy = policy_for(pool, password)
            user = require_user(tx, pool, new.username)
            _check_resend(user)
            now = self._clock()
            user = dataclasses.replace(
                user,
                password_hash=password_hash,
                password_expires_at=now + policy.temporary_validity_days * _DAY,
                srp_verifier=srp_verifier(pool, user.username, password),
                updated_at=now,
            )
            tx.update_user(pool, user, sign_in_keys(pool, user.attributes))
            self._invite(tx, pool, user, password, new.delivery, now, custom, handoff)
            return user

        handoff: list[hooks.SenderCode] = []
        resent = self._store.write(run)
        # AWS gives ``ClientMetadata`` to the senders' _SignUp, _ForgotPassword and
        # _Authentication only (the guide's custom email sender page).
        hooks.hand_off(self.triggers, handoff, "AdminCreateUser", None)
        return resent

    def _invite(
        self,
        tx: Transaction,
        pool: UserPool,
        user: User,
        password: str,
        delivery: Sequence[str],
        now: float,
        custom: hooks.CustomText | None = None,
        handoff: list[hooks.SenderCode] | None = None,
    ) -> None:
        """Put the invitation in the outbox, once per medium the user has an address for; with
        ``handoff``, a medium with a custom sender gets the temporary password there instead,
        for ``hooks.hand_off`` after the commit (``CustomEmailSender_AdminCreateUser``)."""
        c = pool.config
        shown_name = attributes.value_of(user.attributes, "email") or user.username
        if not c.username_attribute_names:
            shown_name = user.username
        for medium in delivery:
            attribute = "email" if medium == "EMAIL" else "phone_number"
            destination = attributes.value_of(user.attributes, attribute)
            if destination is None:
                continue
            if handoff is not None and hooks.has_sender(self.triggers, pool, medium):
                handoff.append(hooks.SenderCode(pool, medium, user, password))
                continue
            letter = outbox.invitation(pool, medium, shown_name, password, custom)
            outbox.post(tx, pool, user.username, destination, letter, now, self.delivery)

    def _welcome(
        self, tx: Transaction, pool: UserPool, user: User, new: NewUser, now: float
    ) -> None:
        """A migrated user's welcome, and its SMS MFA. The welcome is the pool's invitation
        message on the media UserMigration asked for; its ``{####}`` has no temporary password
        to carry (the user keeps its own, or sets one by the reset), and userpools never writes
        a user's password into a message, so it reads :data:`WELCOME_CODE`. A medium with a
        custom sender gets no welcome: there is no code to hand it."""
        if not new.suppress:
            no_sender: list[hooks.SenderCode] = []  # what a custom sender would get: dropped
            self._invite(tx, pool, user, WELCOME_CODE, new.delivery, now, None, no_sender)
        if new.sms_mfa:
            if not mfa.pool_mfa(tx, pool).sms:
                raise InvalidParameter(hooks.SMS_MFA_OFF)
            setting = mfa.FactorSetting(enabled=True, preferred=True)
            mfa.set_preference(tx, pool, user, {mfa.SMS: setting}, now)

    def migrate(
        self,
        pool: UserPool,
        client_id: str,
        username: str,
        password: str | None,
        validation: Mapping[str, str] | None,
        metadata: Mapping[str, str] | None = None,
    ) -> bool:
        """UserMigration for ``username``, unknown to the pool (outside any transaction):
        whether the function answered a user, now created CONFIRMED with ``password`` (or
        RESET_REQUIRED, without one). ``validation``: InitiateAuth's ``ClientMetadata``;
        ``metadata``: ForgotPassword's (``hooks.user_migration``)."""
        source = "UserMigration_Authentication" if password else "UserMigration_ForgotPassword"
        found = hooks.user_migration(
            self.triggers, pool, source, username, client_id, password, validation, metadata
        )
        if found is None:
            return False
        new = NewUser(
            username=username,
            attributes=found.attributes,
            temporary_password=None if found.reset_required else password,
            force_alias=found.force_alias,
            signed_up=True,
            confirmed=not found.reset_required,
            reset_required=found.reset_required,
            migrated=True,
            suppress=found.suppress,
            delivery=found.delivery,
            sms_mfa=found.sms_mfa,
        )
        # Migrated meanwhile by a concurrent call: that user signs in.
        with contextlib.suppress(UsernameExists):
            self.create(pool.region, pool.id, new)
        return True


def _check_resend(user: User) -> None:
    if user.status is not UserStatus.FORCE_CHANGE_PASSWORD:
        raise UnsupportedUserState(messages.RESEND_NOT_ALLOWED.format(username=user.username))
