"""Lambda triggers: the event AWS sends, one invocation, its error, and its record.

A pool's ``LambdaConfig`` names a function (an ARN) per trigger. :meth:`Triggers.invoke` builds
nothing itself: the feature that fires a trigger (sign-up, sign-in, tokens) builds the
``request`` and the default ``response``; this module adds the fields every event shares
(:func:`event`), hands the JSON to the server's :class:`Invoker` (``userpools/lambdas.py``:
the Lambda Invoke API, a webhook, or a function registered in-process), reads the answer,
and records the invocation (``GET /_userpools/triggers``).

Invocations happen outside any transaction: a function may take seconds, and a write
transaction must not be held open across it. Callers therefore invoke before they write (a
PreSignUp failure leaves no user behind) or after they committed (PostConfirmation).

AWS's contract ("Customizing user pool workflows with Lambda triggers",
https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-user-pools-working-with-lambda-triggers.html):
synchronous ("Except for Custom Sender Lambda triggers, Amazon Cognito invokes Lambda
functions synchronously"), 5 s timeout, up to three attempts (the invoker's job), and three
errors:

- the handler failed (Lambda's ``X-Amz-Function-Error``): ``UserLambdaValidationException``,
  "PreSignUp failed with error {errorMessage}." (observed wording, aws-amplify/amplify-flutter
  PR #1051: "PreSignUp failed with error callback is not a function.");
- the function could not be run: ``UnexpectedLambdaException``, "PreSignUp invocation failed
  due to error {cause}." (AWS re:Post, "cognito-lambda-trigger-errors": "PreSignUp invocation
  failed due to error AccessDeniedException.");
- unreadable output: ``InvalidLambdaResponseException``, "Unrecognizable lambda output"
  (amazon-archives/amazon-cognito-identity-js#633).

The custom senders are invoked asynchronously (:meth:`Triggers.send`, Lambda's ``Event``
invocation): their event has no ``response``, nothing is read back, and a failing function
does not fail the call; a function that cannot be reached still does.

The record keeps the newest :data:`KEPT_PER_POOL` invocations of each pool.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Mapping
from typing import Any, Protocol

from userpools.domain.errors import (
    DomainError,
    InvalidLambdaResponse,
    UnexpectedLambda,
    UserLambdaValidation,
)
from userpools.domain.models import Invocation, UserPool
from userpools.domain.pool_config import LambdaConfig
from userpools.domain.store import Store

logger = logging.getLogger("userpools.triggers")

#: ``callerContext.awsSdkVersion``: AWS names the caller's SDK; userpools cannot know it and
#: sends what AWS sends for an unknown one (aws-lambda-go's pretokengen-v2_0 test event).
UNKNOWN_SDK = "aws-sdk-unknown-unknown"
UNRECOGNIZABLE = "Unrecognizable lambda output"
HANDLER_FAILED = "{trigger} failed with error {message}."
INVOCATION_FAILED = "{trigger} invocation failed due to error {cause}."
#: The cause named when no endpoint is configured for a function: what Lambda answers for a
#: function it does not have.
NO_FUNCTION = "ResourceNotFoundException"
REDACTED = "[redacted]"
#: Event members whose values are secrets, at any depth (UserMigration's password, a custom
#: challenge's answer and private parameters, a custom sender's code).
SECRET_KEYS = frozenset({"password", "challengeAnswer", "privateChallengeParameters", "code"})
#: How many invocations of a pool the record keeps; older ones are dropped as new ones come.
KEPT_PER_POOL = 1000

#: Trigger name -> the ``LambdaConfig`` field that names its function.
FIELDS: Mapping[str, str] = {
    "PreSignUp": "pre_sign_up",
    "CustomMessage": "custom_message",
    "PostConfirmation": "post_confirmation",
    "PreAuthentication": "pre_authentication",
    "PostAuthentication": "post_authentication",
    "DefineAuthChallenge": "define_auth_challenge",
    "CreateAuthChallenge": "create_auth_challenge",
    "VerifyAuthChallengeResponse": "verify_auth_challenge_response",
    "UserMigration": "user_migration",
}
PRE_TOKEN = "PreTokenGeneration"
#: The custom senders: ``{LambdaVersion: V1_0, LambdaArn}`` objects, one per medium.
SENDERS: Mapping[str, str] = {
    "CustomEmailSender": "custom_email_sender",
    "CustomSMSSender": "custom_sms_sender",
}


class FunctionError(Exception):
    """The function ran and failed (``X-Amz-Function-Error``); ``message`` is its
    ``errorMessage``."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class InvocationFailed(Exception):
    """The function could not be run: unreachable, timed out, throttled, refused. ``cause``
    names why in Lambda's terms (``TimeoutException``, ``AccessDeniedException`` …)."""

    def __init__(self, cause: str) -> None:
        super().__init__(cause)
        self.cause = cause


class NoFunction(InvocationFailed):
    """No endpoint is configured for the ARN."""

    def __init__(self) -> None:
        super().__init__(NO_FUNCTION)


class Invoker(Protocol):
    """Runs functions: the event's JSON in."""

    def invoke(self, arn: str, payload: bytes) -> bytes:
        """Synchronously (``RequestResponse``): the function's output out."""
        ...

    def invoke_async(self, arn: str, payload: bytes) -> None:
        """Asynchronously (``Event``): accepted, nothing read back. ``FunctionError`` only
        where the runner says so at once (a webhook, an in-process function)."""
        ...


def function_of(config: LambdaConfig, trigger: str) -> tuple[str | None, str]:
    """The ARN configured for ``trigger`` and the event version it gets (``"1"``; ``"2"`` or
    ``"3"`` for PreTokenGeneration's ``V2_0``/``V3_0``)."""
    if trigger == PRE_TOKEN:
        versioned = config.pre_token_generation_config
        if versioned is not None and versioned.lambda_arn:
            version = (versioned.lambda_version or "V1_0")[1]
            return versioned.lambda_arn, version
        return config.pre_token_generation, "1"
    if trigger in SENDERS:
        sender = getattr(config, SENDERS[trigger])
        return (sender.lambda_arn if sender is not None else None), "1"
    return getattr(config, FIELDS[trigger]), "1"


def event(
    pool: UserPool,
    version: str,
    source: str,
    username: str | None,
    client_id: str | None,
    request: Mapping[str, Any],
    response: Mapping[str, Any] | None,
) -> dict[str, Any]:
    """The event, with the fields every trigger shares (the developer guide's "Lambda trigger
    sources and common parameters"). ``clientId`` is ``CLIENT_ID_NOT_APPLICABLE`` for an
    Admin call made without one, as AWS sends it. ``response`` ``None``: the event has none
    (the custom senders')."""
    sent = {
        "version": version,
        "triggerSource": source,
        "region": pool.region,
        "userPoolId": pool.id,
        "userName": username,
        "callerContext": {
            "awsSdkVersion": UNKNOWN_SDK,
            "clientId": client_id or "CLIENT_ID_NOT_APPLICABLE",
        },
        "request": dict(request),
    }
    if response is not None:
        sent["response"] = dict(response)
    return sent


def redact(value: Any) -> Any:
    """``value`` with every :data:`SECRET_KEYS` member's value replaced."""
    if isinstance(value, dict):
        return {
            key: (REDACTED if key in SECRET_KEYS and item is not None else redact(item))
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [redact(item) for item in value]
    return value


class Triggers:
    """Invokes a pool's triggers and records each invocation."""

    def __init__(
        self,
        store: Store,
        invoker: Invoker,
        clock: Callable[[], float],
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._store = store
        self._invoker = invoker
        self._clock = clock
        self._monotonic = monotonic

    def configured(self, pool: UserPool, trigger: str) -> bool:
        return bool(function_of(pool.config.lambda_config, trigger)[0])

    def version(self, pool: UserPool, trigger: str) -> str:
        return function_of(pool.config.lambda_config, trigger)[1]

    def invoke(
        self,
        pool: UserPool,
        trigger: str,
        source: str,
        username: str | None,
        client_id: str | None,
        request: Mapping[str, Any],
        response: Mapping[str, Any] | None = None,
    ) -> dict[str, Any] | None:
        """The function's ``response`` object, or ``None`` when the pool has no such trigger.

        Raises ``UserLambdaValidation``, ``UnexpectedLambda`` or ``InvalidLambdaResponse``.
        Never call inside a transaction.
        """
        arn, version = function_of(pool.config.lambda_config, trigger)
        if not arn:
            return None
        sent = event(pool, version, source, username, client_id, request, response or {})
        started = self._monotonic()
        error: UserLambdaValidation | UnexpectedLambda | InvalidLambdaResponse | None = None
        answer: dict[str, Any] | None = None
        try:
            output = self._invoker.invoke(arn, json.dumps(sent).encode())
            answer = _response_of(output)
        except FunctionError as exc:
            error = UserLambdaValidation(
                HANDLER_FAILED.format(trigger=trigger, message=exc.message)
            )
        except InvocationFailed as exc:
            error = self._unreachable(pool, trigger, arn, exc)
        except ValueError:
            error = InvalidLambdaResponse(UNRECOGNIZABLE)
        self._record(pool, trigger, source, username, arn, sent, started, error)
        if error is not None:
            raise error
        return answer

    def send(
        self,
        pool: UserPool,
        trigger: str,
        source: str,
        username: str | None,
        client_id: str | None,
        request: Mapping[str, Any],
    ) -> None:
        """Invoke a custom sender asynchronously, as AWS does: the event has no ``response``,
        and a function that fails is recorded and logged, not the call's error. One that
        cannot be run at all (no endpoint, unreachable, refused) raises
        ``UnexpectedLambda``. Never call inside a transaction."""
        arn, version = function_of(pool.config.lambda_config, trigger)
        if not arn:
            return
        sent = event(pool, version, source, username, client_id, request, None)
        started = self._monotonic()
        error: UserLambdaValidation | UnexpectedLambda | None = None
        try:
            self._invoker.invoke_async(arn, json.dumps(sent).encode())
        except FunctionError as exc:
            failed = HANDLER_FAILED.format(trigger=trigger, message=exc.message)
            logger.warning("trigger %s of pool %s: %s", trigger, pool.id, failed)
            self._record(
                pool, trigger, source, username, arn, sent, started, UserLambdaValidation(failed)
            )
            return
        except InvocationFailed as exc:
            error = self._unreachable(pool, trigger, arn, exc)
        self._record(pool, trigger, source, username, arn, sent, started, error)
        if error is not None:
            raise error

    def _unreachable(
        self, pool: UserPool, trigger: str, arn: str, exc: InvocationFailed
    ) -> UnexpectedLambda:
        if isinstance(exc, NoFunction):
            logger.error(
                "trigger %s of pool %s: no endpoint configured for %s "
                "(serve --lambda-endpoint or --lambda-config)",
                trigger,
                pool.id,
                arn,
            )
        return UnexpectedLambda(INVOCATION_FAILED.format(trigger=trigger, cause=exc.cause))

    def _record(
        self,
        pool: UserPool,
        trigger: str,
        source: str,
        username: str | None,
        arn: str,
        sent: Mapping[str, Any],
        started: float,
        error: DomainError | None,
    ) -> None:
        record = Invocation(
            pool_id=pool.id,
            username=username,
            trigger=trigger,
            source=source,
            arn=arn,
            outcome="ok" if error is None else error.code,
            error=None if error is None else error.message,
            duration_ms=round((self._monotonic() - started) * 1000, 3),
            event=json.dumps(redact(sent), ensure_ascii=False),
            created_at=self._clock(),
        )
        self._store.write(lambda tx: tx.add_invocation(record, KEPT_PER_POOL))

    def recent(self, pool_id: str, limit: int) -> list[Invocation]:
        return self._store.read(lambda tx: tx.recent_invocations(pool_id, limit))


def _response_of(output: bytes) -> dict[str, Any]:
    """The ``response`` of the event the function returned; ``ValueError`` if there is none."""
    returned = json.loads(output)
    if not isinstance(returned, dict):
        raise ValueError("not an object")
    response = returned.get("response")
    if response is None:
        return {}
    if not isinstance(response, dict):
        raise ValueError("response is not an object")
    return response
