"""Users: look-up by username or alias, listing, attributes, status, passwords, deletion.

Creation (AdminCreateUser, SignUp's insert, UserMigration) is ``domain/user_creation.py``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence

from userpools.crypto.passwords import PasswordHasher
from userpools.domain import attributes, hooks, messages, mfa
from userpools.domain.aliases import claim_aliases, conflict_error
from userpools.domain.errors import InvalidParameter, NotAuthorized
from userpools.domain.filters import Nothing, parse_filter, sort_value, to_query
from userpools.domain.lookup import require_user, sign_in_keys, srp_verifier
from userpools.domain.models import Message, Page, User, UserPool, UserStatus
from userpools.domain.outbox import KEEP_ALL, Delivery
from userpools.domain.pagination import Cursors
from userpools.domain.password_policy import check, policy_for
from userpools.domain.pools import require_pool
from userpools.domain.store import Conflict, Store, Transaction
from userpools.domain.triggers import Triggers

LIST_OPERATION = "ListUsers"
_DAY = 86400.0


class UserService:
    def __init__(
        self,
        store: Store,
        cursors: Cursors,
        hasher: PasswordHasher,
        clock: Callable[[], float],
        *,
        delivery: Delivery = KEEP_ALL,
        triggers: Triggers | None = None,
    ) -> None:
        self._store = store
        self._cursors = cursors
        #: The pools' Lambda triggers (``domain/triggers.py``); ``None``: none are invoked.
        self.triggers = triggers
        self._hasher = hasher
        self._clock = clock
        #: Which media this server delivers, and where links point (``domain/outbox.py``).
        self.delivery = delivery

    # reads ------------------------------------------------------------------------------

    def get(self, region: str, pool_id: str, username: str) -> User:
        return self._store.read(
            lambda tx: require_user(tx, require_pool(tx, pool_id, region), username)
        )

    def list_users(
        self,
        region: str,
        pool_id: str,
        filter_text: str | None,
        limit: int,
        token: str | None,
    ) -> Page[User]:
        user_filter = parse_filter(filter_text)
        scope = (pool_id, filter_text or "")
        after = self._cursors.decode(LIST_OPERATION, scope, token)
        query = to_query(user_filter)

        def run(tx: Transaction) -> list[User] | None:
            pool = require_pool(tx, pool_id, region)
            if isinstance(query, Nothing):
                return None
            return tx.list_users(pool, query, after, limit + 1)

        users = self._store.read(run)
        if users is None or isinstance(query, Nothing):
            return Page([], None)
        sorted_by = query

        def position(user: User) -> tuple[str, ...]:
            if sorted_by is not None and sorted_by.prefix:
                return (sort_value(user, sorted_by), user.username_key)
            return (user.username_key,)

        return self._cursors.page(LIST_OPERATION, scope, users, limit, position)

    # changes ----------------------------------------------------------------------------

    def _change(
        self, region: str, pool_id: str, username: str, change: Callable[[UserPool, User], User]
    ) -> None:
        def run(tx: Transaction) -> None:
            pool = require_pool(tx, pool_id, region)
            user = require_user(tx, pool, username)
            self.save(tx, pool, dataclasses.replace(change(pool, user), updated_at=self._clock()))

        self._store.write(run)

    def save(
        self, tx: Transaction, pool: UserPool, user: User, *, force_alias: bool = False
    ) -> None:
        """Store a changed user, claiming (or with ``force_alias`` taking over) its aliases."""
        keys = sign_in_keys(pool, user.attributes)
        claim_aliases(tx, pool, user, keys, force=force_alias, now=self._clock())
        try:
            tx.update_user(pool, user, keys)
        except Conflict as exc:
            raise conflict_error(pool, exc) from None

    def update_attributes_in(
        self, tx: Transaction, pool: UserPool, user: User, changes: Sequence[tuple[str, str]]
    ) -> None:
        """Update the attributes inside the caller's transaction: UpdateUserAttributes (the
        caller checked the token) and AdminUpdateUserAttributes (``domain/attribute_updates.py``,
        which sends the verification codes)."""
        changed = _with_attributes(pool, user, changes)
        self.save(tx, pool, dataclasses.replace(changed, updated_at=self._clock()))

    def delete_attributes(
        self, region: str, pool_id: str, username: str, names: Sequence[str]
    ) -> None:
        self._change(
            region, pool_id, username, lambda pool, user: _without_attributes(pool, user, names)
        )

    def delete_attributes_in(
        self, tx: Transaction, pool: UserPool, user: User, names: Sequence[str]
    ) -> None:
        """DeleteUserAttributes inside the caller's transaction (the caller checked the token)."""
        changed = _without_attributes(pool, user, names)
        self.save(tx, pool, dataclasses.replace(changed, updated_at=self._clock()))

    def set_enabled(self, region: str, pool_id: str, username: str, enabled: bool) -> None:
        """Enable or disable; disabling also ends every sign-in so far (re-enabling does not
        bring those tokens back)."""

        def change(_pool: UserPool, user: User) -> User:
            if enabled:
                return dataclasses.replace(user, enabled=True)
            return dataclasses.replace(user, enabled=False, tokens_valid_after=self._clock())

        self._change(region, pool_id, username, change)

    def set_mfa_options(
        self, region: str, pool_id: str, username: str, options: Sequence[tuple[str, str]]
    ) -> None:
        """AdminSetUserSettings: the legacy ``MFAOptions``, which the SMS factor follows."""

        def run(tx: Transaction) -> None:
            pool = require_pool(tx, pool_id, region)
            user = require_user(tx, pool, username)
            changed = dataclasses.replace(
                user, mfa_options=tuple(options), updated_at=self._clock()
            )
            self.save(tx, pool, changed)
            mfa.follow_legacy_options(tx, pool, changed)

        self._store.write(run)

    def _hashed_password(self, region: str, pool_id: str, given: str) -> tuple[UserPool, str]:
        """The pool, and ``given`` checked against its policy and hashed.

        Argon2id is deliberately slow, so it runs before the write transaction, never
        while holding the store's write lock.
        """
        pool = self._store.read(lambda tx: require_pool(tx, pool_id, region))
        check(pool.config.password_policy, given)
        return pool, self._hasher.hash(given)

    def set_password(
        self, region: str, pool_id: str, username: str, password: str, permanent: bool
    ) -> None:
        snapshot, password_hash = self._hashed_password(region, pool_id, password)
        named = self._store.read(lambda tx: require_user(tx, snapshot, username).username)
        verifier = srp_verifier(snapshot, named, password)

        def change(pool: UserPool, user: User) -> User:
            policy = policy_for(pool, password)
            now = self._clock()
            status = UserStatus.CONFIRMED if permanent else UserStatus.FORCE_CHANGE_PASSWORD
            expires = None if permanent else now + policy.temporary_validity_days * _DAY
            return dataclasses.replace(
                user,
                password_hash=password_hash,
                password_expires_at=expires,
                status=status,
                srp_verifier=verifier
                if user.username == named
                else srp_verifier(pool, user.username, password),
            )

        self._change(region, pool_id, username, change)

    def confirm_sign_up(
        self,
        region: str,
        pool_id: str,
        username: str,
        client_metadata: tuple[tuple[str, str], ...] | None = None,
    ) -> None:
        """AdminConfirmSignUp; then PostConfirmation (``PostConfirmation_ConfirmSignUp``, as
        AWS sends it for AdminConfirmSignUp too), after the commit."""
        confirmed: list[tuple[UserPool, User]] = []

        def change(pool: UserPool, user: User) -> User:
            if user.status is not UserStatus.UNCONFIRMED:
                raise NotAuthorized(messages.CANNOT_CONFIRM.format(status=user.status.value))
            done = dataclasses.replace(user, status=UserStatus.CONFIRMED)
            confirmed[:] = [(pool, done)]
            return done

        self._change(region, pool_id, username, change)
        pool, user = confirmed[0]
        hooks.post_confirmation(
            self.triggers, pool, user, "PostConfirmation_ConfirmSignUp", None, client_metadata
        )

    def delete(self, region: str, pool_id: str, username: str) -> None:
        """Delete the user and its memberships, in one transaction."""

        def run(tx: Transaction) -> None:
            pool = require_pool(tx, pool_id, region)
            tx.delete_user(pool, require_user(tx, pool, username))

        self._store.write(run)

    def outbox(self, pool_id: str | None, after: int = 0, limit: int = 1000) -> list[Message]:
        return self._store.read(lambda tx: tx.list_messages(pool_id, after, limit))

    def recent_messages(self, pool_id: str, destination: str | None, limit: int) -> list[Message]:
        """The pool's newest messages, newest first (``GET /_userpools/messages``)."""
        return self._store.read(lambda tx: tx.recent_messages(pool_id, destination, limit))


def _without_attributes(pool: UserPool, user: User, names: Sequence[str]) -> User:
    attributes.check_writable(pool.config, names, creating=False)
    for name in names:
        if name in pool.config.required_attributes:
            raise InvalidParameter(messages.SCHEMA_REQUIRED.format(name=name))
    return dataclasses.replace(user, attributes=attributes.remove(user.attributes, names))


def _with_attributes(pool: UserPool, user: User, changes: Sequence[tuple[str, str]]) -> User:
    """``user`` with ``changes`` applied; a changed email or phone number is unverified (and
    says so, ``*_verified=false``, when it had a flag or the pool verifies it)."""
    attributes.check_writable(pool.config, (n for n, _ in changes), creating=False)
    names = {n for n, _ in changes}
    implied: list[tuple[str, str]] = []
    for attr, flag in (("email", "email_verified"), ("phone_number", "phone_number_verified")):
        new_value = dict(changes).get(attr)
        flagged = user.attribute(flag) is not None or (
            bool(new_value) and attr in pool.config.auto_verified
        )
        if attr in names and flag not in names and new_value != user.attribute(attr) and flagged:
            implied.append((flag, "false"))
    return dataclasses.replace(
        user, attributes=attributes.merge(user.attributes, [*changes, *implied])
    )
