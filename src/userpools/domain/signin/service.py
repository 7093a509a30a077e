"""The sign-in service: InitiateAuth and RespondToAuthChallenge, handed to their strategies.

A flow or a challenge name picks its strategy from the registry (``machine.py``); the strategy
gets the call as an :class:`~userpools.domain.signin.strategy.Attempt`. Nothing here knows a
flow by name.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable, Mapping, Sequence

from userpools.crypto.passwords import PasswordHasher
from userpools.domain import hooks, messages
from userpools.domain.errors import InvalidParameter, UnsupportedOperation
from userpools.domain.lookup import resolve
from userpools.domain.models import User, UserPool
from userpools.domain.outbox import KEEP_ALL, Delivery
from userpools.domain.password_checks import PasswordChecks
from userpools.domain.signin import refresh
from userpools.domain.signin.machine import SIGN_IN, StateMachine
from userpools.domain.signin.strategy import Attempt, Caller, Outcome
from userpools.domain.store import Store, Transaction
from userpools.domain.tokens import TokenIssuer, Tokens
from userpools.domain.triggers import Triggers

#: ``UserService.migrate``: UserMigration for an unknown user; whether one was created.
Migrate = Callable[[UserPool, str, str, str | None, Sequence[tuple[str, str]] | None], bool]
#: The flows that bring the password itself: the only ones UserMigration can serve (guide).
MIGRATING_FLOWS = frozenset({"USER_PASSWORD_AUTH", "ADMIN_USER_PASSWORD_AUTH"})


class AuthService:
    def __init__(
        self,
        store: Store,
        tokens: TokenIssuer,
        hasher: PasswordHasher,
        clock: Callable[[], float],
        machine: StateMachine = SIGN_IN,
        *,
        sleep: Callable[[float], None] = time.sleep,
        delivery: Delivery = KEEP_ALL,
        triggers: Triggers | None = None,
        migrate: Migrate | None = None,
    ) -> None:
        self._triggers = triggers
        self._migrate = migrate
        self._store = store
        self._tokens = tokens
        self._hasher = hasher
        self._checks = PasswordChecks(store, hasher, clock, sleep)
        self._clock = clock
        self._machine = machine
        self._delivery = delivery

    def initiate(
        self,
        caller: Caller,
        flow: str,
        parameters: Mapping[str, str],
        session: str | None = None,
    ) -> Outcome:
        """``session``: ConfirmSignUp's, for ``USER_AUTH`` (``user_auth.py``)."""
        name = self._machine.aliases.get(flow, flow)
        strategy = self._machine.flows.get(name)
        if strategy is None:
            raise UnsupportedOperation(messages.FLOW_NOT_IMPLEMENTED.format(flow=flow))
        if strategy.admin not in (None, caller.admin):
            raise InvalidParameter(messages.AUTH_METHOD_NOT_SUPPORTED)
        username = parameters.get("USERNAME")
        if self._triggers is not None and username and name != "REFRESH_TOKEN_AUTH":
            self._pre_authentication(self._triggers, caller, parameters, username, (name, flow))
        return _sent(strategy.start(self._attempt(caller, parameters, session, (name, flow))))

    def sign_in_on_page(self, caller: Caller, parameters: Mapping[str, str]) -> Outcome:
        """The managed login page's password sign-in: ``USER_PASSWORD_AUTH``'s steps, but not
        an API flow, so the client's ``ExplicitAuthFlows`` are not asked (on AWS they govern
        the API only; the page is governed by ``AllowedOAuthFlows``)."""
        strategy = self._machine.flows["USER_PASSWORD_AUTH"]
        return _sent(strategy.start(self._attempt(caller, parameters, None, None)))

    def respond(
        self,
        caller: Caller,
        challenge: str,
        responses: Mapping[str, str],
        session: str | None,
    ) -> Outcome:
        strategy = self._machine.challenges.get(challenge)
        if strategy is None:
            raise InvalidParameter(messages.CHALLENGE_NOT_EXPECTED.format(challenge=challenge))
        return _sent(strategy.answer(self._attempt(caller, responses, session, None)))

    def get_tokens_from_refresh_token(
        self, client_id: str, refresh_token: str, client_secret: str | None
    ) -> Tokens:
        """GetTokensFromRefreshToken (``refresh.py``): not a sign-in step, so no strategy."""
        return refresh.get_tokens(
            self._store, self._tokens, self._clock, client_id, refresh_token, client_secret
        )

    def _pre_authentication(
        self,
        triggers: Triggers,
        caller: Caller,
        parameters: Mapping[str, str],
        username: str,
        flow: tuple[str, str],
    ) -> None:
        """PreAuthentication ("Pre authentication Lambda trigger", developer guide), before
        any password is looked at and outside any transaction; its failure refuses the
        sign-in. Sent for a user that exists (AWS sends ``userNotFound: true`` only where
        user-existence errors are prevented; userpools does not invoke it then)."""

        def look(tx: Transaction) -> tuple[UserPool, User | None]:
            # The client must allow the flow and the secret hash must match before any
            # function sees the user (or its password).
            attempt = self._attempt(caller, parameters, None, flow)
            pool, client = attempt.open(tx)
            attempt.check_secret_hash(client, username)
            return pool, resolve(tx, pool, username)

        pool, user = self._store.read(look)
        password = parameters.get("PASSWORD")
        if user is None and flow[0] in MIGRATING_FLOWS and password and self._migrate is not None:
            metadata = tuple((caller.client_metadata or {}).items()) or None
            # The user is created, then signs in as any other (UserMigration, guide).
            self._migrate(pool, caller.client_id, username, password, metadata)
            return
        if user is None or not triggers.configured(pool, "PreAuthentication"):
            return
        request = {
            "userAttributes": hooks.user_attributes(pool, user),
            "userNotFound": False,
            "validationData": dict(caller.client_metadata or {}) or None,
        }
        triggers.invoke(
            pool,
            "PreAuthentication",
            "PreAuthentication_Authentication",
            user.username,
            caller.client_id,
            request,
        )

    def _attempt(
        self,
        caller: Caller,
        parameters: Mapping[str, str],
        session: str | None,
        flow: tuple[str, str] | None,
    ) -> Attempt:
        return Attempt(
            caller=caller,
            parameters=parameters,
            session=session,
            flow=flow,
            store=self._store,
            tokens=self._tokens,
            hasher=self._hasher,
            checks=self._checks,
            clock=self._clock,
            machine=self._machine,
            delivery=self._delivery,
            triggers=self._triggers,
        )


def _sent(outcome: Outcome) -> Outcome:
    """The outcome, once the code message it waits on is sent (``Outcome.pending``)."""
    if outcome.pending is None:
        return outcome
    outcome.pending()
    return dataclasses.replace(outcome, pending=None)
