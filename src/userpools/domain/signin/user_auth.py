"""``USER_AUTH``: choice-based sign-in, where the user picks the first factor.

InitiateAuth names the user and, maybe, a ``PREFERRED_CHALLENGE``. The factors on offer are
those the pool's ``SignInPolicy.AllowedFirstAuthFactors`` allows and this user can use
(:func:`offer`). A preferred factor on offer is begun at once; otherwise the answer is
``SELECT_CHALLENGE`` with the offer as ``AvailableChallenges``, and RespondToAuthChallenge
picks one as ``ANSWER``, with that factor's own parameters when it has them:

- ``PASSWORD`` with ``PASSWORD``: checked as ``USER_PASSWORD_AUTH`` checks it
  (``password.sign_in``: the same lock-out, the same turn-taking);
- ``PASSWORD_SRP`` with ``SRP_A``: the ``PASSWORD_VERIFIER`` challenge of ``USER_SRP_AUTH``
  (``srp.begin``, simulated for unknown names as there);
- ``PASSWORD`` or ``PASSWORD_SRP`` without them: a ``PASSWORD`` or ``PASSWORD_SRP`` challenge
  whose answer brings them;
- ``EMAIL_OTP`` and ``SMS_OTP``: a code sent, answered by that challenge (``codes.py``).

After a password the steps of ``AFTER_FIRST_FACTOR`` follow (``machine.py``), as after any
password. ``WEB_AUTHN`` is refused: userpools keeps no passkeys yet.

An unknown name under ``PreventUserExistenceErrors`` gets a ``SELECT_CHALLENGE`` like a real
user's, offering the password factors, with a session never stored; each answer then fails as
a wrong password does (``PASSWORD``), or runs a simulated SRP exchange (``PASSWORD_SRP``).

InitiateAuth may instead bring ConfirmSignUp's ``Session``: the confirmation code was the
first factor (``sign_up.py``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import ClassVar, Self

from userpools.domain import messages, password_checks
from userpools.domain.errors import InvalidParameter, NotAuthorized, UnsupportedOperation
from userpools.domain.lookup import resolve
from userpools.domain.models import AppClient, User, UserPool
from userpools.domain.password_checks import WAIT, Check, Wait
from userpools.domain.signin import codes, password, sessions, srp
from userpools.domain.signin.sign_up import (
    CODE_FACTORS,
    EMAIL_OTP,
    SMS_OTP,
    ConfirmedState,
    allowed_factors,
)
from userpools.domain.signin.strategy import Attempt, Entry, Outcome, Step, gate, missing
from userpools.domain.store import Transaction
from userpools.domain.tokens import new_secret

USER_AUTH = "USER_AUTH"
SELECT_CHALLENGE = "SELECT_CHALLENGE"
PASSWORD = "PASSWORD"
PASSWORD_SRP = "PASSWORD_SRP"
WEB_AUTHN = "WEB_AUTHN"
CODE_CHALLENGES = {EMAIL_OTP: codes.EMAIL_OTP, SMS_OTP: codes.SMS_OTP}

Found = tuple[UserPool, AppClient, User | None]


@dataclass(frozen=True)
class _Offer:
    """The factors offered, kept so that the answer may take only one of them."""

    challenge: ClassVar[str]
    offered: tuple[str, ...]

    def encode(self) -> str:
        return json.dumps(list(self.offered))

    @classmethod
    def decode(cls, text: str) -> Self:
        return cls(tuple(json.loads(text)))


class SelectState(_Offer):
    challenge: ClassVar[str] = SELECT_CHALLENGE


class PasswordState(_Offer):
    challenge: ClassVar[str] = PASSWORD


class PasswordSrpState(_Offer):
    challenge: ClassVar[str] = PASSWORD_SRP


def offer(tx: Transaction, pool: UserPool, user: User | None) -> tuple[str, ...]:
    """The first factors ``user`` may choose (``None``: an unknown name's decoy).

    The password factors need a password; a code factor needs its attribute verified, and is
    offered neither where MFA is required (AWS refuses that pool configuration,
    ``pools.check_sign_in_policy``) nor to a user with MFA turned on ("MFA and passwordless
    cannot be used together", docs.amplify.aws passwordless). WebAuthn needs a passkey,
    which nobody has here.
    """
    allowed = allowed_factors(pool)
    offered: list[str] = []
    if PASSWORD in allowed and (user is None or user.password_hash is not None):
        offered += [PASSWORD, PASSWORD_SRP]
    if user is None or pool.config.mfa_configuration == "ON":
        return tuple(offered)
    mfa = tx.get_user_mfa(pool, user) if pool.config.mfa_configuration != "OFF" else None
    if mfa is not None and (mfa.sms_enabled or mfa.totp_enabled or mfa.email_enabled):
        return tuple(offered)
    for factor, name in CODE_FACTORS.items():
        verified = user.attribute(f"{name}_verified") == "true"
        if factor in allowed and user.attribute(name) and verified:
            offered.append(factor)
    return tuple(offered)


def refuse_web_authn(factor: str | None) -> None:
    if factor == WEB_AUTHN:
        raise UnsupportedOperation(messages.WEB_AUTHN_NOT_SUPPORTED)


@dataclass(frozen=True)
class _CheckPassword:
    """The factor chosen is ``PASSWORD`` and the password came with it: check it next, outside
    the transaction that decided it (Argon2id is slow)."""


@dataclass(frozen=True)
class UserAuthFlow:
    name: str = USER_AUTH
    admin: bool | None = None

    def start(self, attempt: Attempt) -> Outcome:
        username = attempt.required("USERNAME")
        if attempt.session is not None:
            return _signed_up(attempt, username, attempt.session)
        preferred = attempt.parameters.get("PREFERRED_CHALLENGE")

        def run(tx: Transaction) -> Outcome | _CheckPassword:
            now = attempt.clock()
            pool, client, user = attempt.admit(tx, username, now)
            refuse_web_authn(preferred)
            if user is None and not client.settings.prevent_user_existence_errors:
                raise attempt.unknown_user(client)
            offered = offer(tx, pool, user)
            if not offered:
                raise NotAuthorized(messages.INCORRECT_CREDENTIALS)
            choice = preferred if preferred in offered else SELECT_CHALLENGE
            return _begin(tx, attempt, self.name, (pool, client, user), username, choice, offered)

        decided = attempt.store.write(run)
        if isinstance(decided, Outcome):
            return decided
        return password.sign_in(
            attempt, PASSWORD, attempt.required("PASSWORD"), password.admitting(attempt, username)
        )


def _begin(
    tx: Transaction,
    attempt: Attempt,
    source: str,
    found: Found,
    username: str,
    choice: str,
    offered: tuple[str, ...],
) -> Outcome | _CheckPassword:
    """Begin ``choice`` (one of ``offered``, or ``SELECT_CHALLENGE``) after ``source``."""
    pool, client, user = found
    now = attempt.clock()
    if choice == PASSWORD and PASSWORD in attempt.parameters:
        return _CheckPassword()
    if choice == PASSWORD_SRP and "SRP_A" in attempt.parameters:
        return srp.begin(tx, attempt, source, found, username, attempt.parameters["SRP_A"], now)
    if choice in CODE_FACTORS:
        assert user is not None  # code factors are never offered to a decoy
        return _begin_code(tx, attempt, source, Entry(pool, client, user), choice, now)
    state: _Offer
    if choice == PASSWORD:
        state = PasswordState(offered)
    elif choice == PASSWORD_SRP:
        state = PasswordSrpState(offered)
    else:
        state = SelectState(offered)
    handle = new_secret()
    if user is not None:  # a decoy's session is never stored: every answer to it fails
        attempt.enter(tx, source, Entry(pool, client, user), state, handle, now)
    available = offered if state.challenge == SELECT_CHALLENGE else ()
    return Outcome(challenge=state.challenge, session=handle, available=available)


def _begin_code(
    tx: Transaction, attempt: Attempt, source: str, entry: Entry, factor: str, now: float
) -> Outcome:
    """Send a sign-in code by email or SMS (``codes.py``); its answer ends in tokens."""
    step = CODE_CHALLENGES[factor].begin(tx, attempt, source, entry, now)
    assert step.outcome is not None  # begin always asks for the code
    return step.outcome


@dataclass(frozen=True)
class OfferAnswer:
    """``SELECT_CHALLENGE`` (``ANSWER`` picks a factor), and the ``PASSWORD`` and
    ``PASSWORD_SRP`` challenges (the factor picked, its parameters still to come)."""

    name: str
    kind: type[_Offer]

    def answer(self, attempt: Attempt) -> Outcome:
        username = attempt.required("USERNAME")
        choice = attempt.required("ANSWER") if self.name == SELECT_CHALLENGE else self.name
        refuse_web_authn(choice)
        if self.name != SELECT_CHALLENGE:
            attempt.required({PASSWORD: "PASSWORD", PASSWORD_SRP: "SRP_A"}[self.name])
        handle = attempt.session
        if handle is None:
            raise missing("Session")
        kind = self.kind

        if choice == PASSWORD and PASSWORD in attempt.parameters:

            def check(tx: Transaction) -> tuple[AppClient, Check | None] | Wait:
                now = attempt.clock()
                pool, client = attempt.client(tx)
                attempt.check_secret_hash(client, username)
                user, _ = _pending(tx, pool, client, kind, handle, username, choice, now)
                if user is None:
                    return client, None
                started = password_checks.start(tx, pool, user, now)
                if isinstance(started, Wait):
                    return WAIT
                _spend(tx, pool, handle, now)
                return client, started

            return password.sign_in(attempt, PASSWORD, attempt.parameters[PASSWORD], check)

        def run(tx: Transaction) -> Outcome | _CheckPassword:
            now = attempt.clock()
            pool, client = attempt.client(tx)
            attempt.check_secret_hash(client, username)
            user, offered = _pending(tx, pool, client, kind, handle, username, choice, now)
            if user is not None:
                _spend(tx, pool, handle, now)
            return _begin(tx, attempt, self.name, (pool, client, user), username, choice, offered)

        decided = attempt.store.write(run)
        assert isinstance(decided, Outcome)  # a password came with PASSWORD, handled above
        return decided


def _pending(
    tx: Transaction,
    pool: UserPool,
    client: AppClient,
    kind: type[_Offer],
    handle: str,
    username: str,
    choice: str,
    now: float,
) -> tuple[User | None, tuple[str, ...]]:
    """The user whose session ``handle`` is, and what it offered, once ``choice`` is found
    among it; ``None`` for a decoy (an unknown name under ``PreventUserExistenceErrors``)."""
    if sessions.was_used(tx, pool, handle):
        raise NotAuthorized(messages.SESSION_USED)
    pending = sessions.peek(tx, pool, handle, kind)
    named = resolve(tx, pool, username)
    if pending is None and named is None and client.settings.prevent_user_existence_errors:
        user, offered = None, offer(tx, pool, None)
    elif pending is None or pending.client_id != client.client_id:
        raise NotAuthorized(messages.SESSION_INVALID)
    elif pending.expired(now):
        raise NotAuthorized(messages.SESSION_EXPIRED)
    elif named is None or named.key != pending.user_key:
        raise NotAuthorized(messages.SESSION_INVALID)
    else:
        user, offered = named, pending.state.offered
    if choice not in offered:
        raise InvalidParameter(messages.CHALLENGE_NOT_AVAILABLE.format(challenge=choice))
    if user is not None:
        gate(user, now)
    return user, offered


def _signed_up(attempt: Attempt, username: str, handle: str) -> Outcome:
    """InitiateAuth ``USER_AUTH`` with ConfirmSignUp's ``Session``: the confirmation code was
    the first factor (InitiateAuth, ``Session``), so the steps after that code follow."""

    def run(tx: Transaction) -> Step:
        now = attempt.clock()
        pool, client, user = attempt.admit(tx, username, now)
        if sessions.was_used(tx, pool, handle):
            raise NotAuthorized(messages.SESSION_USED)
        pending = sessions.peek(tx, pool, handle, ConfirmedState)
        if pending is None or pending.client_id != client.client_id:
            raise NotAuthorized(messages.SESSION_INVALID)
        if user is None or pending.user_key != user.key:
            raise NotAuthorized(messages.SESSION_INVALID)
        if pending.expired(now):
            raise NotAuthorized(messages.SESSION_EXPIRED)
        _spend(tx, pool, handle, now)
        return attempt.signed_in(tx, pending.state.factor, Entry(pool, client, user), now)

    return attempt.store.write(run).finish()


def _spend(tx: Transaction, pool: UserPool, handle: str, now: float) -> None:
    """Use the session up, whatever the answer's outcome: a second answer is refused."""
    if not sessions.spend(tx, pool, handle, now):
        raise NotAuthorized(messages.SESSION_USED)


FLOW = UserAuthFlow()
SELECT = OfferAnswer(SELECT_CHALLENGE, SelectState)
PASSWORD_CHALLENGE = OfferAnswer(PASSWORD, PasswordState)
PASSWORD_SRP_CHALLENGE = OfferAnswer(PASSWORD_SRP, PasswordSrpState)
