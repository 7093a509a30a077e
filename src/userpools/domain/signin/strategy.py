"""What every sign-in strategy shares: the interfaces, one call's context, and the preamble.

A :class:`Flow` (an ``AuthFlow`` of InitiateAuth) starts a sign-in. A :class:`Challenge` (a
``ChallengeName`` of RespondToAuthChallenge) answers one step of it. A :class:`FollowUp` is a
challenge that may come after a first factor: it says whether it is due for this user. Which
may follow which is a table (``machine.py``); strategies reach it only through
:meth:`Attempt.enter` and :meth:`Attempt.signed_in`, which check every step against it.

The preamble is here, once: the client (by id alone, or within the pool an Admin* call names),
whether the client allows the flow, ``SECRET_HASH``, the user, and the gate.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Protocol

from userpools.crypto.passwords import PasswordHasher
from userpools.domain import lockout, messages
from userpools.domain.auth_events import record_sign_in
from userpools.domain.clients import (
    check_flow,
    check_secret_hash,
    require_client,
    require_client_anywhere,
)
from userpools.domain.errors import (
    DomainError,
    InvalidParameter,
    NotAuthorized,
    PasswordResetRequired,
    ResourceNotFound,
    UserNotConfirmed,
    UserNotFound,
)
from userpools.domain.lookup import resolve
from userpools.domain.models import AppClient, User, UserPool, UserStatus
from userpools.domain.outbox import KEEP_ALL, Delivery
from userpools.domain.password_checks import PasswordChecks
from userpools.domain.pools import require_pool
from userpools.domain.signin import sessions
from userpools.domain.store import Store, Transaction
from userpools.domain.tokens import Grant, TokenIssuer, Tokens
from userpools.domain.triggers import Triggers


@dataclass(frozen=True)
class Caller:
    """Which client is asking, and, for the Admin* variants, which pool the caller named."""

    client_id: str
    pool_id: str | None = None
    region: str | None = None
    #: The call's ``ClientMetadata``, for its triggers (``None``: not given).
    client_metadata: Mapping[str, str] | None = field(default=None, compare=False)
    #: The managed login page signs in (``login.py``): its tokens never leave the server, so
    #: PreTokenGeneration waits for the code exchange (``TokenGeneration_HostedAuth``).
    on_page: bool = False

    @property
    def admin(self) -> bool:
        return self.pool_id is not None


@dataclass(frozen=True)
class Outcome:
    """Tokens, or the next challenge."""

    tokens: Tokens | None = None
    challenge: str | None = None
    session: str | None = field(default=None, repr=False)
    parameters: Mapping[str, str] = field(default_factory=dict)
    #: ``SELECT_CHALLENGE``'s choices (``AvailableChallenges``, ``user_auth.py``).
    available: tuple[str, ...] = ()
    #: A code's message still to send, after the transaction that made the code: CustomMessage
    #: (``_Authentication``) is asked first (``codes.py``); the sign-in service sends it.
    pending: Callable[[], None] | None = field(default=None, repr=False, compare=False)


@dataclass(frozen=True)
class Step:
    """What a transaction decided: a grant to sign, a challenge, or an error to raise.

    An error that must not undo what the transaction recorded (a failure counted, a session
    used) travels here and is raised by :meth:`finish`, after the commit.
    """

    grant: Grant | None = None
    outcome: Outcome | None = None
    error: DomainError | None = None

    def finish(self) -> Outcome:
        if self.error is not None:
            raise self.error
        if self.grant is not None:
            return Outcome(tokens=self.grant.sign())
        assert self.outcome is not None
        return self.outcome


@dataclass(frozen=True)
class Entry:
    """Who has passed a step, and through which client: what the next step needs."""

    pool: UserPool
    client: AppClient
    user: User


class Flow(Protocol):
    """Starts a sign-in (InitiateAuth, AdminInitiateAuth)."""

    @property
    def name(self) -> str: ...

    @property
    def admin(self) -> bool | None:
        """Only for AdminInitiateAuth (True), only for InitiateAuth (False), or both (None)."""
        ...

    def start(self, attempt: Attempt) -> Outcome: ...


class Challenge(Protocol):
    """Answers a challenge (RespondToAuthChallenge, AdminRespondToAuthChallenge)."""

    @property
    def name(self) -> str: ...

    def answer(self, attempt: Attempt) -> Outcome: ...


class FollowUp(Protocol):
    """A challenge that may come after a first factor."""

    @property
    def name(self) -> str: ...

    @property
    def when(self) -> str:
        """When it is due, in words (for the diagram)."""
        ...

    def begin(
        self, tx: Transaction, attempt: Attempt, source: str, entry: Entry, now: float
    ) -> Step | None:
        """The challenge (or a refusal) if it is due for ``entry.user``; ``None`` if not."""
        ...


class Machine(Protocol):
    """The table of steps, as strategies see it (``machine.py``)."""

    def check(self, source: str, target: str) -> None: ...

    def advance(
        self, tx: Transaction, attempt: Attempt, source: str, entry: Entry, now: float
    ) -> Step: ...


def required(parameters: Mapping[str, str], name: str) -> str:
    value = parameters.get(name)
    if value is None:
        raise missing(name)
    return value


def missing(name: str) -> InvalidParameter:
    return InvalidParameter(messages.MISSING_PARAMETER.format(name=name))


def gate(user: User, now: float) -> None:
    """The refusals that come before any password is looked at (cognito-spec §6)."""
    if not user.enabled:
        raise NotAuthorized(messages.USER_DISABLED)
    if user.status is UserStatus.UNCONFIRMED:
        raise UserNotConfirmed()
    if user.status is UserStatus.RESET_REQUIRED:
        raise PasswordResetRequired()
    if lockout.is_locked(user, now):
        raise NotAuthorized(lockout.ATTEMPTS_EXCEEDED)


@dataclass(frozen=True)
class Attempt:
    """One InitiateAuth or RespondToAuthChallenge call, as its strategy sees it.

    ``parameters`` are the ``AuthParameters`` or the ``ChallengeResponses``; ``flow`` is the
    flow being started (as named in the table, and as the caller spelt it), ``None`` for an
    answer.
    """

    caller: Caller
    parameters: Mapping[str, str] = field(repr=False)
    session: str | None = field(repr=False)
    flow: tuple[str, str] | None
    store: Store = field(repr=False)
    tokens: TokenIssuer = field(repr=False)
    hasher: PasswordHasher = field(repr=False)
    checks: PasswordChecks = field(repr=False)
    clock: Callable[[], float] = field(repr=False)
    machine: Machine = field(repr=False)
    #: How this server delivers messages (the codes of ``codes.py``).
    delivery: Delivery = field(default=KEEP_ALL, repr=False)
    #: The pools' Lambda triggers (``custom_auth.py``); ``None``: none are invoked.
    triggers: Triggers | None = field(default=None, repr=False)

    def required(self, name: str) -> str:
        return required(self.parameters, name)

    @property
    def step_metadata(self) -> Mapping[str, str] | None:
        """The ``ClientMetadata`` the triggers of this step get: RespondToAuthChallenge's own.
        InitiateAuth's reaches only PreAuthentication and UserMigration, as ``validationData``
        (the API reference's ``ClientMetadata`` of InitiateAuth and AdminInitiateAuth: Define
        and Create auth challenge, Custom message, the custom senders, Post authentication and
        Pre token generation are invoked without it)."""
        return self.caller.client_metadata if self.flow is None else None

    # the preamble ---------------------------------------------------------------------------

    def client(self, tx: Transaction) -> tuple[UserPool, AppClient]:
        """The client's pool (locked for writing) and the client."""
        caller = self.caller
        if caller.pool_id is None:
            return require_client_anywhere(tx, caller.client_id)
        pool = require_pool(tx, caller.pool_id, caller.region or "")
        if tx.find_client(caller.client_id) != pool.id:
            raise ResourceNotFound(messages.CLIENT_NOT_FOUND.format(client_id=caller.client_id))
        return pool, require_client(tx, pool, caller.client_id)

    def open(self, tx: Transaction) -> tuple[UserPool, AppClient]:
        """:meth:`client`, and, when starting a flow, whether the client allows it."""
        pool, client = self.client(tx)
        if self.flow is not None:
            check_flow(client, *self.flow)
        return pool, client

    def check_secret_hash(self, client: AppClient, *usernames: str) -> None:
        check_secret_hash(client, self.parameters.get("SECRET_HASH"), *usernames)

    def admit(
        self, tx: Transaction, username: str, now: float
    ) -> tuple[UserPool, AppClient, User | None]:
        """The whole preamble: :meth:`open`, ``SECRET_HASH``, the user, and the gate."""
        pool, client = self.open(tx)
        self.check_secret_hash(client, username)
        user = resolve(tx, pool, username)
        if user is not None:
            gate(user, now)
        return pool, client, user

    def unknown_user(self, client: AppClient) -> DomainError:
        if client.settings.prevent_user_existence_errors:
            return NotAuthorized(messages.INCORRECT_CREDENTIALS)
        return UserNotFound()

    # the steps ------------------------------------------------------------------------------

    def enter(
        self,
        tx: Transaction,
        source: str,
        entry: Entry,
        state: sessions.SessionState,
        handle: str,
        now: float,
    ) -> None:
        """Go from ``source`` to ``state``'s challenge, if the table allows it: store the
        session the client will hold as ``handle``."""
        self.machine.check(source, state.challenge)
        sessions.issue(tx, entry.pool, entry.client, entry.user, state, handle, now)

    def signed_in(self, tx: Transaction, source: str, entry: Entry, now: float) -> Step:
        """After ``source`` passed: the first follow-up due, or tokens; recorded as a sign-in
        event where the pool records them (``auth_events``)."""
        step = self.machine.advance(tx, self, source, entry, now)
        if step.error is None:
            response = "Pass" if step.grant is not None else "InProgress"
            record_sign_in(tx, entry.pool, entry.user, response, "Success", now)
        return step
