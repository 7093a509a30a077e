"""The sign-in service: InitiateAuth and RespondToAuthChallenge, handed to their strategies.

A flow or a challenge name picks its strategy from the registry (``machine.py``); the strategy
gets the call as an :class:`~userpools.domain.signin.strategy.Attempt`. Nothing here knows a
flow by name.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping

from userpools.crypto.passwords import PasswordHasher
from userpools.domain import messages
from userpools.domain.errors import InvalidParameter, UnsupportedOperation
from userpools.domain.outbox import KEEP_ALL, Delivery
from userpools.domain.password_checks import PasswordChecks
from userpools.domain.signin import refresh
from userpools.domain.signin.machine import SIGN_IN, StateMachine
from userpools.domain.signin.strategy import Attempt, Caller, Outcome
from userpools.domain.store import Store
from userpools.domain.tokens import TokenIssuer, Tokens


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
    ) -> None:
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
        return strategy.start(self._attempt(caller, parameters, session, (name, flow)))

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
        return strategy.answer(self._attempt(caller, responses, session, None))

    def get_tokens_from_refresh_token(
        self, client_id: str, refresh_token: str, client_secret: str | None
    ) -> Tokens:
        """GetTokensFromRefreshToken (``refresh.py``): not a sign-in step, so no strategy."""
        return refresh.get_tokens(
            self._store, self._tokens, self._clock, client_id, refresh_token, client_secret
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
        )
