"""MFA after a first factor: ``MFA_SETUP``, ``SELECT_MFA_TYPE`` and ``SOFTWARE_TOKEN_MFA``,
and the follow-ups that begin them and the code challenges (``SMS_MFA``, ``EMAIL_OTP`` of
``codes.py``) when ``domain.mfa.due`` says the user needs them.

``MFA_SETUP`` sessions carry their pool's id in the handle (``<pool id>.<secret>``):
AssociateSoftwareToken and VerifySoftwareToken name no client or pool, only the session.
Each of those calls uses the session up and gives a new one; the last one, once a code has
proven the new software token, answers ``MFA_SETUP``, which turns TOTP on for the user (and
prefers it when nothing else is), then ends the sign-in. Or, for email MFA, it is answered
with the address, which gets the first code (``EMAIL_OTP``).
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import ClassVar, Self

from userpools.crypto import totp
from userpools.domain import messages
from userpools.domain import mfa as factors
from userpools.domain.errors import (
    AliasExists,
    CodeMismatch,
    DomainError,
    ExpiredCode,
    InvalidParameter,
    NotAuthorized,
    ResourceNotFound,
)
from userpools.domain.lookup import sign_in_keys
from userpools.domain.models import User, UserPool
from userpools.domain.pools import require_pool
from userpools.domain.signin import answers, codes, sessions
from userpools.domain.signin.strategy import Attempt, Entry, Outcome, Step
from userpools.domain.store import Conflict, Store, Transaction
from userpools.domain.tokens import new_secret

MFA_SETUP = "MFA_SETUP"
SELECT_MFA_TYPE = "SELECT_MFA_TYPE"
SOFTWARE_TOKEN_MFA = "SOFTWARE_TOKEN_MFA"


@dataclass(frozen=True)
class SetupState:
    """``verified``: a code has proven the software token associated in this sign-in."""

    challenge: ClassVar[str] = MFA_SETUP
    verified: bool = False

    def encode(self) -> str:
        return json.dumps({"verified": self.verified})

    @classmethod
    def decode(cls, text: str) -> Self:
        return cls(bool(json.loads(text).get("verified")))


@dataclass(frozen=True)
class SelectState:
    challenge: ClassVar[str] = SELECT_MFA_TYPE
    offered: tuple[str, ...] = ()

    def encode(self) -> str:
        return json.dumps({"offered": list(self.offered)})

    @classmethod
    def decode(cls, text: str) -> Self:
        return cls(tuple(json.loads(text).get("offered") or ()))


@dataclass(frozen=True)
class TotpState:
    challenge: ClassVar[str] = SOFTWARE_TOKEN_MFA

    def encode(self) -> str:
        return "{}"

    @classmethod
    def decode(cls, text: str) -> Self:
        return cls()


def _setup_handle(pool: UserPool) -> str:
    return f"{pool.id}.{new_secret()}"


def _pool_id_of(handle: str) -> str:
    pool_id, dot, _ = handle.partition(".")
    if not dot:
        raise NotAuthorized(messages.SESSION_INVALID)
    return pool_id


# beginning each challenge ------------------------------------------------------------------


def _names(offered: tuple[str, ...]) -> str:
    """A list of factors as AWS writes it in ``ChallengeParameters``: compact JSON."""
    return json.dumps(list(offered), separators=(",", ":"))


Starter = Callable[[Transaction, Attempt, str, Entry, float, tuple[str, ...]], Step]


def _start_setup(
    tx: Transaction,
    attempt: Attempt,
    source: str,
    entry: Entry,
    now: float,
    offered: tuple[str, ...],
) -> Step:
    handle = _setup_handle(entry.pool)
    attempt.enter(tx, source, entry, SetupState(), handle, now)
    parameters = {"MFAS_CAN_SETUP": _names(offered), "USER_ID_FOR_SRP": entry.user.username}
    return Step(outcome=Outcome(challenge=MFA_SETUP, session=handle, parameters=parameters))


def _start_select(
    tx: Transaction,
    attempt: Attempt,
    source: str,
    entry: Entry,
    now: float,
    offered: tuple[str, ...],
) -> Step:
    handle = new_secret()
    attempt.enter(tx, source, entry, SelectState(offered), handle, now)
    parameters = {"MFAS_CAN_CHOOSE": _names(offered)}
    return Step(outcome=Outcome(challenge=SELECT_MFA_TYPE, session=handle, parameters=parameters))


def _start_totp(
    tx: Transaction,
    attempt: Attempt,
    source: str,
    entry: Entry,
    now: float,
    offered: tuple[str, ...],
) -> Step:
    handle = new_secret()
    attempt.enter(tx, source, entry, TotpState(), handle, now)
    return Step(outcome=Outcome(challenge=SOFTWARE_TOKEN_MFA, session=handle, parameters={}))


def _code_starter(challenge: codes.CodeChallenge) -> Starter:
    def start(
        tx: Transaction,
        attempt: Attempt,
        source: str,
        entry: Entry,
        now: float,
        offered: tuple[str, ...],
    ) -> Step:
        return challenge.begin(tx, attempt, source, entry, now)

    return start


STARTERS: dict[str, Starter] = {
    MFA_SETUP: _start_setup,
    SELECT_MFA_TYPE: _start_select,
    SOFTWARE_TOKEN_MFA: _start_totp,
    codes.SMS_MFA.name: _code_starter(codes.SMS_MFA),
    codes.EMAIL_OTP.name: _code_starter(codes.EMAIL_OTP),
}


@dataclass(frozen=True)
class MfaFollowUp:
    """Begins ``name`` after a first factor when it is the MFA step due for the user."""

    name: str
    when: str

    def begin(
        self, tx: Transaction, attempt: Attempt, source: str, entry: Entry, now: float
    ) -> Step | None:
        found = factors.due(tx, entry.pool, entry.user)
        if found is None or found.challenge != self.name:
            return None
        return STARTERS[self.name](tx, attempt, source, entry, now, found.offered)


FOLLOW_UPS = (
    MfaFollowUp(MFA_SETUP, "MFA ON, no factor set up"),
    MfaFollowUp(SELECT_MFA_TYPE, "several factors, none preferred"),
    MfaFollowUp(SOFTWARE_TOKEN_MFA, "TOTP preferred or only"),
    MfaFollowUp(codes.SMS_MFA.name, "SMS preferred or only"),
    MfaFollowUp(codes.EMAIL_OTP.name, "email preferred or only"),
)


# answering -------------------------------------------------------------------------------


@dataclass(frozen=True)
class SoftwareTokenMfa:
    name: str = SOFTWARE_TOKEN_MFA

    def answer(self, attempt: Attempt) -> Outcome:
        code = attempt.required("SOFTWARE_TOKEN_MFA_CODE")
        now = attempt.clock()

        def run(tx: Transaction) -> Step:
            pool, client, user, _ = answers.open_session(tx, attempt, TotpState, now)
            state = factors.user_mfa(tx, pool, user)
            secret = (
                factors.unseal(tx, pool, user, state.totp_secret, now)
                if state.totp_secret is not None
                else None
            )
            step = totp.match(secret, code, now) if secret is not None else None
            if step is None:
                return answers.refuse(
                    tx, pool, user, CodeMismatch(messages.TOTP_CODE_MISMATCH), now
                )
            if state.last_step is not None and step <= state.last_step:
                return Step(error=ExpiredCode(messages.TOTP_CODE_REUSED))
            tx.put_user_mfa(pool, user, dataclasses.replace(state, last_step=step))
            return answers.accept(tx, attempt, self.name, Entry(pool, client, user), now)

        return attempt.store.write(run).finish()


@dataclass(frozen=True)
class SelectMfaType:
    name: str = SELECT_MFA_TYPE

    def answer(self, attempt: Attempt) -> Outcome:
        chosen = attempt.required("ANSWER")
        now = attempt.clock()

        def run(tx: Transaction) -> Step:
            pool, client, user, pending = answers.open_session(tx, attempt, SelectState, now)
            if chosen not in pending.state.offered:
                raise InvalidParameter(messages.MFA_METHOD_NOT_OFFERED.format(answer=chosen))
            if not sessions.spend(tx, pool, answers.handle_of(attempt), now):
                raise NotAuthorized(messages.SESSION_USED)
            return STARTERS[chosen](tx, attempt, self.name, Entry(pool, client, user), now, ())

        return attempt.store.write(run).finish()


@dataclass(frozen=True)
class MfaSetup:
    """Answered after VerifySoftwareToken proved a software token (``USERNAME`` only), or,
    where the pool has email MFA, with ``EMAIL``: the address the codes go to, which then
    gets one (``EMAIL_OTP``), as Amplify JS v6 sets email MFA up."""

    name: str = MFA_SETUP

    def answer(self, attempt: Attempt) -> Outcome:
        now = attempt.clock()
        address = attempt.parameters.get("EMAIL")

        def run(tx: Transaction) -> Step:
            pool, client, user, pending = answers.open_session(tx, attempt, SetupState, now)
            state = factors.user_mfa(tx, pool, user)
            if address is not None and not pending.state.verified:
                return _set_up_email(tx, attempt, Entry(pool, client, user), address, now)
            if not pending.state.verified:
                raise InvalidParameter(messages.MFA_SETUP_NOT_DONE)
            enabled = {**factors.enabled_map(state), factors.TOTP: True}
            factors.store_factors(tx, pool, user, state, enabled, state.preferred or factors.TOTP)
            fresh = tx.get_user(pool, user.key) or user
            return answers.accept(tx, attempt, self.name, Entry(pool, client, fresh), now)

        return attempt.store.write(run).finish()


def _set_up_email(
    tx: Transaction, attempt: Attempt, entry: Entry, address: str, now: float
) -> Step:
    """Email MFA for the user, at ``address`` (unverified until its first code comes back),
    and the first code."""
    pool, user = entry.pool, entry.user
    if not factors.pool_mfa(tx, pool).email:
        raise InvalidParameter(messages.MFA_METHOD_NOT_OFFERED.format(answer=factors.EMAIL))
    kept = tuple((n, v) for n, v in user.attributes if n not in ("email", "email_verified"))
    changed = dataclasses.replace(
        user, attributes=(*kept, ("email", address), ("email_verified", "false")), updated_at=now
    )
    try:
        tx.update_user(pool, changed, sign_in_keys(pool, changed.attributes))
    except Conflict:
        raise AliasExists() from None
    state = factors.user_mfa(tx, pool, changed)
    enabled = {**factors.enabled_map(state), factors.EMAIL: True}
    factors.store_factors(tx, pool, changed, state, enabled, state.preferred or factors.EMAIL)
    if not sessions.spend(tx, pool, answers.handle_of(attempt), now):
        raise NotAuthorized(messages.SESSION_USED)
    return codes.EMAIL_OTP.begin(tx, attempt, MFA_SETUP, Entry(pool, entry.client, changed), now)


# AssociateSoftwareToken and VerifySoftwareToken with a session ----------------------------


def _setup_session(
    tx: Transaction, handle: str, now: float
) -> tuple[UserPool, User, sessions.Pending[SetupState]]:
    pool_id = _pool_id_of(handle)
    try:
        pool = require_pool(tx, pool_id, _region_of(pool_id))
    except ResourceNotFound:
        raise NotAuthorized(messages.SESSION_INVALID) from None
    if sessions.was_used(tx, pool, handle):
        raise NotAuthorized(messages.SESSION_USED)
    pending = sessions.peek(tx, pool, handle, SetupState)
    if pending is None:
        raise NotAuthorized(messages.SESSION_INVALID)
    if pending.expired(now):
        raise NotAuthorized(messages.SESSION_EXPIRED)
    user = tx.get_user(pool, pending.user_key)
    if user is None:
        raise NotAuthorized(messages.SESSION_INVALID)
    return pool, user, pending


def _region_of(pool_id: str) -> str:
    return pool_id.partition("_")[0]


def _renew(
    tx: Transaction,
    pool: UserPool,
    user: User,
    handle: str,
    pending: sessions.Pending[SetupState],
    state: SetupState,
    now: float,
) -> str:
    """Use the session up and give the next one, for the same client."""
    if not sessions.spend(tx, pool, handle, now):
        raise NotAuthorized(messages.SESSION_USED)
    client = tx.get_client(pool, pending.client_id)
    if client is None:
        raise NotAuthorized(messages.SESSION_INVALID)
    fresh = _setup_handle(pool)
    sessions.issue(tx, pool, client, user, state, fresh, now)
    return fresh


def associate_in_session(store: Store, handle: str, now: float) -> tuple[str, str]:
    """AssociateSoftwareToken with an ``MFA_SETUP`` session: the secret and the next
    session."""

    def run(tx: Transaction) -> tuple[str, str]:
        pool, user, pending = _setup_session(tx, handle, now)
        secret = factors.associate(tx, pool, user, now)
        return secret, _renew(tx, pool, user, handle, pending, SetupState(), now)

    return store.write(run)


def verify_in_session(
    store: Store, handle: str, code: str, device_name: str | None, now: float
) -> str:
    """VerifySoftwareToken with an ``MFA_SETUP`` session: the next session, which may
    answer ``MFA_SETUP``; a wrong code leaves the session as it was."""

    def run(tx: Transaction) -> str | DomainError:
        pool, user, pending = _setup_session(tx, handle, now)
        error = factors.verify(tx, pool, user, code, device_name, now)
        if error is not None:
            return error
        return _renew(tx, pool, user, handle, pending, SetupState(verified=True), now)

    result = store.write(run)
    if isinstance(result, DomainError):
        raise result
    return result


CHALLENGES = (SoftwareTokenMfa(), SelectMfaType(), MfaSetup())
