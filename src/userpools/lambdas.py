"""Where trigger functions run: the Lambda Invoke API, an HMAC-signed webhook, or in-process.

``serve --lambda-endpoint URL`` sends every function to one Lambda Invoke API endpoint
(``POST /2015-03-31/functions/{FunctionName}/invocations``, the ARN as ``FunctionName``,
``X-Amz-Invocation-Type: RequestResponse``, or ``Event`` for the custom senders, which AWS
invokes asynchronously), through botocore's own Lambda client: AWS itself,
LocalStack, ``sam local start-lambda``, serverless-offline and the Lambda Runtime Interface
Emulator all speak it. Requests are SigV4-signed with ``--lambda-credentials`` or the usual
AWS environment (variables, shared files); with neither, with a fixed placeholder key, which
local runners ignore.

``--lambda-config FILE`` (TOML) sends single functions elsewhere::

    [functions."arn:aws:lambda:us-east-1:123456789012:function:pre-sign-up"]
    endpoint = "http://127.0.0.1:3002"        # another Lambda Invoke API
    function_name = "app-dev-preSignUp"       # optional: sent instead of the ARN

    [functions."arn:aws:lambda:us-east-1:123456789012:function:custom-claims"]
    webhook = "https://hooks.example.com/cognito"   # event JSON in, event JSON out
    secret = "a long random string"                 # HMAC-SHA256 key of the signature

A webhook request carries ``X-Userpools-Signature: t=<unix seconds>,v1=<hex>``, where
``<hex>`` is HMAC-SHA256 under ``secret`` of ``<t>.<body>``; the receiver recomputes it over
the raw body, compares in constant time, and refuses a ``t`` too far from its clock
(docs/triggers.md). It answers 200 with the event JSON, or a non-2xx status with
``{"errorMessage": …}`` for a handler error.

Every call has AWS's 5 s timeout and at most 3 attempts, retrying only transport errors and
throttling. The pytest plugin registers in-process functions
(:meth:`Lambdas.register`) for Python test suites.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
import tomllib
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from userpools.domain.triggers import FunctionError, InvocationFailed, NoFunction

TIMEOUT = 5.0
ATTEMPTS = 3
SIGNATURE_HEADER = "X-Userpools-Signature"
FUNCTION_HEADER = "X-Userpools-Function"
#: Used to sign Invoke API calls when no credentials are found: local runners ignore them.
PLACEHOLDER_KEY = ("userpools-local", "userpools-local")
_RETRIED_STATUS = frozenset({429, 502, 503, 504})

#: An in-process function: the event in, the event (with its response) out.
Handler = Callable[[dict[str, Any]], dict[str, Any]]


class LambdaConfigError(ValueError):
    """A ``--lambda-config`` file or ``--lambda-credentials`` value that cannot be used; the
    text never holds a secret."""


@dataclass(frozen=True)
class InvokeApi:
    """A Lambda Invoke API endpoint; ``function_name`` is sent instead of the ARN where the
    runner knows functions by name only (serverless-offline)."""

    url: str
    function_name: str | None = None


@dataclass(frozen=True)
class Webhook:
    url: str
    secret: str = field(repr=False)


Target = InvokeApi | Webhook


def sign(secret: str, timestamp: int, body: bytes) -> str:
    """The webhook's ``X-Userpools-Signature`` value."""
    mac = hmac.new(secret.encode(), str(timestamp).encode() + b"." + body, hashlib.sha256)
    return f"t={timestamp},v1={mac.hexdigest()}"


def load_targets(path: str) -> dict[str, Target]:
    """The ``[functions."ARN"]`` tables of a ``--lambda-config`` file."""
    try:
        with open(path, "rb") as handle:
            document = tomllib.load(handle)
    except OSError as exc:
        raise LambdaConfigError(f"cannot read --lambda-config {path}: {exc.strerror}") from None
    except tomllib.TOMLDecodeError as exc:
        raise LambdaConfigError(f"--lambda-config {path} is not TOML: {exc}") from None
    targets: dict[str, Target] = {}
    for arn, table in dict(document.get("functions", {})).items():
        if not isinstance(table, dict):
            raise LambdaConfigError(f"--lambda-config: functions.{arn!r} is not a table")
        if "endpoint" in table and "webhook" not in table:
            name = table.get("function_name")
            targets[arn] = InvokeApi(str(table["endpoint"]), str(name) if name else None)
        elif "webhook" in table and "endpoint" not in table:
            secret = table.get("secret")
            if not isinstance(secret, str) or not secret:
                raise LambdaConfigError(f"--lambda-config: webhook of {arn!r} needs a secret")
            targets[arn] = Webhook(str(table["webhook"]), secret)
        else:
            raise LambdaConfigError(
                f"--lambda-config: {arn!r} needs exactly one of endpoint and webhook"
            )
    return targets


def parse_credentials(text: str) -> tuple[str, str, str | None]:
    """``KEY_ID:SECRET[:SESSION_TOKEN]``."""
    parts = text.split(":", 2)
    if len(parts) < 2 or not parts[0] or not parts[1]:
        raise LambdaConfigError("--lambda-credentials must be KEY_ID:SECRET[:SESSION_TOKEN]")
    return parts[0], parts[1], parts[2] if len(parts) == 3 else None


class Lambdas:
    """The server's :class:`~userpools.domain.triggers.Invoker`."""

    def __init__(
        self,
        endpoint: str | None = None,
        targets: Mapping[str, Target] | None = None,
        credentials: tuple[str, str, str | None] | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._default = InvokeApi(endpoint) if endpoint else None
        self._targets = dict(targets or {})
        self._credentials = credentials
        self._clock = clock
        self._registered: dict[str, Handler] = {}
        self._clients: dict[tuple[str, str], Any] = {}
        self._lock = threading.Lock()

    def register(self, arn: str, handler: Handler | None) -> None:
        """Run ``arn`` in-process (the pytest plugin); ``None`` removes it."""
        with self._lock:
            if handler is None:
                self._registered.pop(arn, None)
            else:
                self._registered[arn] = handler

    def invoke(self, arn: str, payload: bytes) -> bytes:
        handler = self._registered.get(arn)
        if handler is not None:
            return _run_in_process(handler, payload)
        target = self._targets.get(arn, self._default)
        if target is None:
            raise NoFunction()
        if isinstance(target, Webhook):
            return self._post(target, arn, payload)
        return self._invoke_api(target, arn, payload)

    def invoke_async(self, arn: str, payload: bytes) -> None:
        """Lambda's ``Event`` invocation through the Invoke API (202, nothing to read). A
        webhook and an in-process function are still called at once: their failure is
        reported, and the caller decides what it means."""
        handler = self._registered.get(arn)
        if handler is not None:
            _run_in_process(handler, payload)
            return
        target = self._targets.get(arn, self._default)
        if target is None:
            raise NoFunction()
        if isinstance(target, Webhook):
            self._post(target, arn, payload)
            return
        self._invoke_api(target, arn, payload, "Event")

    # the Lambda Invoke API ------------------------------------------------------------------

    def _client(self, url: str, region: str) -> Any:
        with self._lock:
            client = self._clients.get((url, region))
            if client is None:
                client = self._clients[(url, region)] = self._new_client(url, region)
            return client

    def _new_client(self, url: str, region: str) -> Any:
        import botocore.session
        from botocore.config import Config

        session = botocore.session.get_session()
        key = self._credentials
        if key is None and session.get_credentials() is None:
            key = (*PLACEHOLDER_KEY, None)
        return session.create_client(
            "lambda",
            region_name=region,
            endpoint_url=url,
            aws_access_key_id=key[0] if key else None,
            aws_secret_access_key=key[1] if key else None,
            aws_session_token=key[2] if key else None,
            config=Config(
                connect_timeout=TIMEOUT,
                read_timeout=TIMEOUT,
                retries={"total_max_attempts": ATTEMPTS, "mode": "standard"},
            ),
        )

    def _invoke_api(
        self, target: InvokeApi, arn: str, payload: bytes, kind: str = "RequestResponse"
    ) -> bytes:
        from botocore.exceptions import (
            BotoCoreError,
            ClientError,
            ConnectTimeoutError,
            ReadTimeoutError,
        )

        client = self._client(target.url, _region_of(arn))
        try:
            answer = client.invoke(
                FunctionName=target.function_name or arn,
                InvocationType=kind,
                Payload=payload,
            )
            body: bytes = answer["Payload"].read()
        except ClientError as exc:
            raise InvocationFailed(
                str(exc.response["Error"].get("Code") or "ClientError")
            ) from None
        except (ReadTimeoutError, ConnectTimeoutError):
            raise InvocationFailed("TimeoutException") from None
        except BotoCoreError as exc:
            raise InvocationFailed(type(exc).__name__) from None
        if answer.get("FunctionError"):
            raise FunctionError(_error_message(body))
        return body

    # webhooks -------------------------------------------------------------------------------

    def _post(self, target: Webhook, arn: str, payload: bytes) -> bytes:
        for attempt in range(1, ATTEMPTS + 1):
            timestamp = int(self._clock())
            request = urllib.request.Request(
                target.url,
                data=payload,
                method="POST",
                headers={
                    "Content-Type": "application/json",
                    FUNCTION_HEADER: arn,
                    SIGNATURE_HEADER: sign(target.secret, timestamp, payload),
                },
            )
            try:
                with urllib.request.urlopen(request, timeout=TIMEOUT) as reply:
                    body: bytes = reply.read()
                    return body
            except urllib.error.HTTPError as exc:
                body = exc.read()
                if exc.code in _RETRIED_STATUS and attempt < ATTEMPTS:
                    continue
                if exc.code in _RETRIED_STATUS:
                    raise InvocationFailed("TooManyRequestsException") from None
                raise FunctionError(_error_message(body)) from None
            except TimeoutError:
                cause = "TimeoutException"
            except (urllib.error.URLError, OSError) as exc:
                reason = getattr(exc, "reason", exc)
                cause = (
                    "TimeoutException" if isinstance(reason, TimeoutError) else "ConnectionError"
                )
            if attempt == ATTEMPTS:
                raise InvocationFailed(cause)
        raise AssertionError("unreachable")


def _run_in_process(handler: Handler, payload: bytes) -> bytes:
    try:
        returned = handler(json.loads(payload))
    except Exception as exc:  # the handler's failure is the trigger's error, as on AWS
        raise FunctionError(str(exc)) from None
    return json.dumps(returned).encode()


def _error_message(body: bytes) -> str:
    """A failed function's ``errorMessage`` (Lambda's error payload)."""
    try:
        parsed = json.loads(body)
    except ValueError:
        return body.decode("utf-8", "replace").strip()
    if isinstance(parsed, dict) and isinstance(parsed.get("errorMessage"), str):
        return str(parsed["errorMessage"])
    return json.dumps(parsed)


def _region_of(arn: str) -> str:
    """``arn:aws:lambda:REGION:ACCOUNT:function:NAME`` -> REGION (``us-east-1`` if absent)."""
    parts = arn.split(":")
    return parts[3] if len(parts) > 3 and parts[3] else "us-east-1"
