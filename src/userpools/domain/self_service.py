"""Self-service: the calls an access token authorises on its own user (GetUser,
DeleteUserAttributes, SetUserSettings, DeleteUser, ChangePassword).

UpdateUserAttributes and the attribute codes are ``attribute_updates.py``'s; GlobalSignOut is
``sign_out.py``'s.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable, Sequence

from userpools.crypto.passwords import PasswordHasher
from userpools.domain import messages, mfa, password_checks
from userpools.domain.attribute_updates import check_client_writes
from userpools.domain.errors import InvalidParameter, NotAuthorized, PasswordResetRequired
from userpools.domain.lookup import sign_in_keys, srp_verifier
from userpools.domain.models import User, UserStatus
from userpools.domain.password_checks import WAIT, Check, PasswordChecks, Wait
from userpools.domain.password_policy import check
from userpools.domain.store import Store, Transaction
from userpools.domain.tokens import Caller as TokenCaller
from userpools.domain.tokens import TokenIssuer, readable
from userpools.domain.users import UserService


class SelfService:
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

    def delete_user_attributes(self, access_token: str, names: Sequence[str]) -> None:
        """DeleteUserAttributes: AdminDeleteUserAttributes for the caller, within what its
        app client may write."""

        def run(tx: Transaction) -> None:
            caller = self._caller(tx, access_token)
            check_client_writes(caller.client, names)
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
        whether or not the user has a password: one without
        (``user_creation.unseen_password``) answers as a wrong one, after the same work
        (``PasswordChecks.verify``)."""

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


__all__ = ["SelfService"]
