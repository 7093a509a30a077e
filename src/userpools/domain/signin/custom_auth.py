"""``CUSTOM_AUTH`` and its ``CUSTOM_CHALLENGE``: a sign-in decided by the pool's Lambdas.

"Custom authentication challenge Lambda triggers"
(https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-lambda-challenge.html):
DefineAuthChallenge looks at the ``session`` so far (one ``{challengeName, challengeResult,
challengeMetadata}`` per answered challenge) and decides: ``issueTokens``,
``failAuthentication``, or a ``challengeName``; for ``CUSTOM_CHALLENGE``, CreateAuthChallenge
makes it (``publicChallengeParameters`` go to the client with ``USERNAME``;
``privateChallengeParameters`` and ``challengeMetadata`` stay in the session), and
VerifyAuthChallengeResponse judges the ``ANSWER`` (``answerCorrect``). Then DefineAuthChallenge
again, with the longer session.

Every trigger runs outside a transaction: the flow reads what it needs, invokes, and then
stores the next session (or signs the user in) in a short write. The answered session is
spent before the next decision, so it cannot be answered twice. Without a DefineAuthChallenge
function the flow is refused, never allowed by a stub.

``CUSTOM_CHALLENGE`` is a follow-up in the table (``machine.py``) that is never due inside a
transaction: DefineAuthChallenge decides it before, and :func:`_decide` enters it.

Amplify's ``CUSTOM_WITH_SRP`` is ``CUSTOM_AUTH`` with ``SRP_A`` and ``CHALLENGE_NAME=SRP_A``:
DefineAuthChallenge first sees the session ``[{SRP_A, true}]`` and may answer
``PASSWORD_VERIFIER``, the SRP challenge of ``USER_SRP_AUTH`` (``srp.py``, the same checks and
lock-out). A right proof brings DefineAuthChallenge the session ``[{SRP_A, true},
{PASSWORD_VERIFIER, true}]`` (:func:`after_password`); a wrong one is refused and counted as
any wrong password, and the sign-in ends there. Tokens issued by DefineAuthChallenge come
without the MFA steps, as after any custom challenge.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, ClassVar, Self

from userpools.domain import hooks, messages
from userpools.domain.errors import InvalidLambdaResponse, InvalidParameter, NotAuthorized
from userpools.domain.lookup import resolve
from userpools.domain.models import AppClient, User, UserPool
from userpools.domain.signin import sessions, srp
from userpools.domain.signin.strategy import Attempt, Entry, Outcome, Step, gate, missing
from userpools.domain.store import Transaction
from userpools.domain.tokens import new_secret
from userpools.domain.triggers import UNRECOGNIZABLE, Triggers

CUSTOM_AUTH = "CUSTOM_AUTH"
CUSTOM_CHALLENGE = "CUSTOM_CHALLENGE"
#: ``CHALLENGE_NAME`` of ``CUSTOM_WITH_SRP``, and its first entry in the session.
SRP_A = "SRP_A"
#: InitiateAuth ``CUSTOM_AUTH`` in a pool without DefineAuthChallenge.
NOT_CONFIGURED = "Custom auth lambda trigger is not configured for the user pool."


@dataclass(frozen=True)
class CustomState:
    """Between CreateAuthChallenge and the answer: the session so far and the private
    parameters VerifyAuthChallengeResponse will get."""

    challenge: ClassVar[str] = CUSTOM_CHALLENGE
    history: tuple[dict[str, Any], ...] = ()
    private: dict[str, str] = field(default_factory=dict, repr=False)
    metadata: str | None = None

    def encode(self) -> str:
        return json.dumps(
            {"history": list(self.history), "private": self.private, "metadata": self.metadata}
        )

    @classmethod
    def decode(cls, text: str) -> Self:
        data = json.loads(text)
        return cls(tuple(data["history"]), dict(data["private"]), data["metadata"])


def _triggers(attempt: Attempt, pool: UserPool) -> Triggers:
    triggers = attempt.triggers
    if triggers is None or not triggers.configured(pool, "DefineAuthChallenge"):
        raise InvalidParameter(NOT_CONFIGURED)
    return triggers


def _request(attempt: Attempt, pool: UserPool, user: User, **members: Any) -> dict[str, Any]:
    request: dict[str, Any] = {
        "userAttributes": hooks.user_attributes(pool, user),
        **members,
        "userNotFound": False,
    }
    if attempt.step_metadata is not None:
        request["clientMetadata"] = dict(attempt.step_metadata)
    return request


def _strings(value: Any) -> dict[str, str]:
    if not isinstance(value, dict):
        return {}
    return {str(k): v if isinstance(v, str) else json.dumps(v) for k, v in value.items()}


def _decide(
    attempt: Attempt,
    triggers: Triggers,
    pool: UserPool,
    client: AppClient,
    user: User,
    source: str,
    history: list[dict[str, Any]],
    srp_a: str | None = None,
) -> Outcome:
    """DefineAuthChallenge, then tokens, a refusal, or CreateAuthChallenge's challenge; or,
    with ``srp_a`` (``CUSTOM_WITH_SRP``), the ``PASSWORD_VERIFIER`` challenge."""
    decided = triggers.invoke(
        pool,
        "DefineAuthChallenge",
        "DefineAuthChallenge_Authentication",
        user.username,
        client.client_id,
        _request(attempt, pool, user, session=history),
        {"challengeName": None, "issueTokens": False, "failAuthentication": False},
    )
    decided = decided or {}
    now = attempt.clock()
    if decided.get("failAuthentication") is True:
        raise NotAuthorized(messages.INCORRECT_CREDENTIALS)
    if decided.get("issueTokens") is True:

        def sign_in(tx: Transaction) -> Step:
            pool, client = attempt.client(tx)
            current = tx.get_user(pool, user.key)
            if current is None:
                raise NotAuthorized(messages.INCORRECT_CREDENTIALS)
            gate(current, now)
            # After the password of CUSTOM_WITH_SRP, the custom flow's own row: no MFA.
            after = CUSTOM_AUTH if source == srp.PASSWORD_VERIFIER else source
            return attempt.signed_in(tx, after, Entry(pool, client, current), now)

        return attempt.store.write(sign_in).finish()
    name = decided.get("challengeName")
    if name == srp.PASSWORD_VERIFIER and srp_a is not None:

        def verifier(tx: Transaction) -> Outcome:
            pool, client = attempt.client(tx)
            current = tx.get_user(pool, user.key)
            if current is None:
                raise NotAuthorized(messages.INCORRECT_CREDENTIALS)
            gate(current, now)
            found = (pool, client, current)
            return srp.begin(tx, attempt, source, found, user.username, srp_a, now, custom=True)

        return attempt.store.write(verifier)
    if name != CUSTOM_CHALLENGE:
        # Only CUSTOM_CHALLENGE, or PASSWORD_VERIFIER right after SRP_A, may be asked for.
        raise InvalidLambdaResponse(UNRECOGNIZABLE)
    created = triggers.invoke(
        pool,
        "CreateAuthChallenge",
        "CreateAuthChallenge_Authentication",
        user.username,
        client.client_id,
        _request(attempt, pool, user, challengeName=name, session=history),
        {
            "publicChallengeParameters": None,
            "privateChallengeParameters": None,
            "challengeMetadata": None,
        },
    )
    created = created or {}
    metadata = created.get("challengeMetadata")
    state = CustomState(
        tuple(history),
        _strings(created.get("privateChallengeParameters")),
        metadata if isinstance(metadata, str) else None,
    )
    handle = new_secret()

    def enter(tx: Transaction) -> None:
        pool, client = attempt.client(tx)
        current = tx.get_user(pool, user.key)
        if current is None:
            raise NotAuthorized(messages.INCORRECT_CREDENTIALS)
        attempt.enter(tx, source, Entry(pool, client, current), state, handle, now)

    attempt.store.write(enter)
    public = _strings(created.get("publicChallengeParameters"))
    return Outcome(
        challenge=CUSTOM_CHALLENGE,
        session=handle,
        parameters={**public, "USERNAME": user.username},
    )


@dataclass(frozen=True)
class CustomAuthFlow:
    name: str = CUSTOM_AUTH
    admin: bool | None = None

    def start(self, attempt: Attempt) -> Outcome:
        username = attempt.required("USERNAME")
        now = attempt.clock()

        def look(tx: Transaction) -> tuple[UserPool, AppClient, User | None]:
            pool, client = attempt.open(tx)
            _triggers(attempt, pool)
            attempt.check_secret_hash(client, username)
            user = resolve(tx, pool, username)
            if user is not None:
                gate(user, now)
            return pool, client, user

        pool, client, user = attempt.store.read(look)
        if user is None:
            raise attempt.unknown_user(client)
        triggers = _triggers(attempt, pool)
        if attempt.parameters.get("CHALLENGE_NAME") == SRP_A:
            srp_a = attempt.required(SRP_A)
            history = [{"challengeName": SRP_A, "challengeResult": True, "challengeMetadata": None}]
            return _decide(attempt, triggers, pool, client, user, self.name, history, srp_a)
        return _decide(attempt, triggers, pool, client, user, self.name, [])


def after_password(attempt: Attempt, entry: Entry) -> Outcome:
    """``CUSTOM_WITH_SRP`` after a right SRP proof: DefineAuthChallenge again, with both
    entries in the session."""
    history = [
        {"challengeName": SRP_A, "challengeResult": True, "challengeMetadata": None},
        {
            "challengeName": srp.PASSWORD_VERIFIER,
            "challengeResult": True,
            "challengeMetadata": None,
        },
    ]
    triggers = _triggers(attempt, entry.pool)
    return _decide(
        attempt, triggers, entry.pool, entry.client, entry.user, srp.PASSWORD_VERIFIER, history
    )


@dataclass(frozen=True)
class CustomChallenge:
    name: str = CUSTOM_CHALLENGE
    when: str = "DefineAuthChallenge asks for it"

    def begin(
        self, tx: Transaction, attempt: Attempt, source: str, entry: Entry, now: float
    ) -> Step | None:
        """Never due here: DefineAuthChallenge decides before the transaction."""
        return None

    def answer(self, attempt: Attempt) -> Outcome:
        username = attempt.required("USERNAME")
        answer = attempt.required("ANSWER")
        handle = attempt.session
        if handle is None:
            raise missing("Session")
        now = attempt.clock()

        def look(tx: Transaction) -> tuple[UserPool, AppClient, User, CustomState]:
            pool, client = attempt.client(tx)
            attempt.check_secret_hash(client, username)
            pending = sessions.peek(tx, pool, handle, CustomState)
            if pending is None or pending.client_id != client.client_id:
                used = sessions.was_used(tx, pool, handle)
                raise NotAuthorized(messages.SESSION_USED if used else messages.SESSION_INVALID)
            if pending.expired(now):
                raise NotAuthorized(messages.SESSION_EXPIRED)
            named = resolve(tx, pool, username)
            if named is None or named.key != pending.user_key:
                raise NotAuthorized(messages.SESSION_INVALID)
            gate(named, now)
            return pool, client, named, pending.state

        pool, client, user, state = attempt.store.read(look)
        triggers = _triggers(attempt, pool)
        verified = triggers.invoke(
            pool,
            "VerifyAuthChallengeResponse",
            "VerifyAuthChallengeResponse_Authentication",
            user.username,
            client.client_id,
            _request(
                attempt,
                pool,
                user,
                privateChallengeParameters=state.private,
                challengeAnswer=answer,
            ),
            {"answerCorrect": None},
        )
        result = {
            "challengeName": CUSTOM_CHALLENGE,
            "challengeResult": (verified or {}).get("answerCorrect") is True,
            "challengeMetadata": state.metadata,
        }

        def spend(tx: Transaction) -> None:
            pool, _client = attempt.client(tx)
            if not sessions.spend(tx, pool, handle, now):
                raise NotAuthorized(messages.SESSION_USED)

        attempt.store.write(spend)
        history = [*state.history, result]
        return _decide(attempt, triggers, pool, client, user, self.name, history)


@dataclass(frozen=True)
class SrpVerifierStep:
    """``PASSWORD_VERIFIER`` as a step of ``CUSTOM_AUTH`` (``CUSTOM_WITH_SRP``): never due
    inside a transaction, as DefineAuthChallenge asks for it first (:func:`_decide`)."""

    name: str = srp.PASSWORD_VERIFIER
    when: str = "SRP_A, and DefineAuthChallenge asks for it"

    def begin(
        self, tx: Transaction, attempt: Attempt, source: str, entry: Entry, now: float
    ) -> Step | None:
        return None


FLOW = CustomAuthFlow()
CHALLENGE = CustomChallenge()
SRP_VERIFIER = SrpVerifierStep()
