"""The sign-in service: InitiateAuth and RespondToAuthChallenge, handed to their strategies.

A flow or a challenge name picks its strategy from the registry (``machine.py``); the strategy
gets the call as an :class:`~userpools.domain.signin.strategy.Attempt`. Nothing here knows a
flow by name.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable, Mapping

from userpools.crypto.passwords import PasswordHasher
from userpools.domain import hooks, messages
from userpools.domain.errors import InvalidParameter, UnsupportedOperation
from userpools.domain.lookup import resolve
from userpools.domain.models import AppClient, User, UserPool
from userpools.domain.outbox import KEEP_ALL, Delivery
from userpools.domain.password_checks import PasswordChecks
from userpools.domain.signin import refresh
from userpools.domain.signin.machine import SIGN_IN, StateMachine
from userpools.domain.signin.strategy import Attempt, Caller, Outcome
from userpools.domain.store import Store, Transaction
from userpools.domain.tokens import TokenIssuer, Tokens
from userpools.domain.triggers import Triggers

#: ``UserCreationService.migrate``: UserMigration for an unknown user; whether one was created.
Migrate = Callable[[UserPool, str, str, str | None, Mapping[str, str] | None], bool]
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
        self,
        client_id: str,
        refresh_token: str,
        client_secret: str | None,
        metadata: Mapping[str, str] | None = None,
    ) -> Tokens:
        """GetTokensFromRefreshToken (``refresh.py``): not a sign-in step, so no strategy.
        ``metadata``: its ``ClientMetadata``, for PreTokenGeneration."""
        return refresh.get_tokens(
            self._store,
            self._tokens,
            self._clock,
            client_id,
            refresh_token,
            client_secret,
            metadata,
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
        sign-in. ``validationData`` is the call's ``ClientMetadata``. For a user the pool does
        not have, UserMigration is asked first (flows that bring the password); if that makes
        no user, PreAuthentication runs only when the client prevents user-existence errors,
        with ``userNotFound: true`` and no attributes ("This Lambda trigger doesn't activate
        when a user doesn't exist unless the PreventUserExistenceErrors setting of a user pool
        app client is set to ENABLED"); the sign-in then fails as for any unknown user."""

        def look(tx: Transaction) -> tuple[UserPool, AppClient, User | None]:
            # The client must allow the flow and the secret hash must match before any
            # function sees the user (or its password).
            attempt = self._attempt(caller, parameters, None, flow)
            pool, client = attempt.open(tx)
            attempt.check_secret_hash(client, username)
            return pool, client, resolve(tx, pool, username)

        pool, client, user = self._store.read(look)
        validation = dict(caller.client_metadata or {}) or None
        password = parameters.get("PASSWORD")
        migrate = self._migrate if user is None and flow[0] in MIGRATING_FLOWS else None
        # A migrated user is created, then signs in as any other (UserMigration, guide).
        if password and migrate and migrate(pool, caller.client_id, username, password, validation):
            return
        if not triggers.configured(pool, "PreAuthentication"):
            return
        if user is None and not client.settings.prevent_user_existence_errors:
            return
        request = {
            "userAttributes": {} if user is None else hooks.user_attributes(pool, user),
            "userNotFound": user is None,
            "validationData": validation,
        }
        triggers.invoke(
            pool,
            "PreAuthentication",
            "PreAuthentication_Authentication",
            username if user is None else user.username,
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
