"""The dispatcher: one request in, one reply out; the one place errors become wire errors."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from botocore.model import OperationModel

from userpools.domain.errors import (
    DomainError,
    InternalError,
    TooManyRequests,
    UnsupportedOperation,
)
from userpools.protocol.access import Gate
from userpools.protocol.codec import CONTENT_TYPE, decode_body, encode_error, encode_result
from userpools.protocol.model import TARGET_PREFIX, operation_for_target, service_model
from userpools.protocol.outputs import OutputMismatch, check_output
from userpools.protocol.ratelimit import RateLimiter
from userpools.protocol.sigv4 import HttpRequest
from userpools.protocol.validate import validate_input

logger = logging.getLogger("userpools")


@dataclass(frozen=True, slots=True)
class RequestContext:
    """What a handler may know about the request besides its parameters."""

    request_id: str
    region: str
    """From the SigV4 credential scope; ``us-east-1`` when absent."""
    pools: frozenset[str] | None = None
    """The pools the caller's key may see; ``None``: all."""


Handler = Callable[[dict[str, Any], RequestContext], Mapping[str, Any] | None]


@dataclass(frozen=True, slots=True)
class Reply:
    """An HTTP reply, ready to send."""

    status: int
    headers: dict[str, str]
    body: bytes
    operation: str | None
    """The resolved operation name, for the access log."""


class Dispatcher:
    """Resolves, decodes, validates and runs one request; renders the reply."""

    def __init__(
        self,
        handlers: Mapping[str, Handler],
        gate: Gate | None = None,
        limiter: RateLimiter | None = None,
        check_output: bool = False,
        reads: frozenset[str] = frozenset(),
    ) -> None:
        unknown = (set(handlers) | reads) - set(service_model().operation_names)
        if unknown:
            raise ValueError(f"handlers for operations not in the model: {sorted(unknown)}")
        self._handlers = dict(handlers)
        self._read_targets = frozenset(TARGET_PREFIX + name for name in reads)
        self._gate = gate if gate is not None else Gate(None)
        self._limiter = limiter
        self._check_output = check_output
        self.output_mismatches: list[str] = []
        """With ``check_output``: every result that did not fit its output shape."""

    def is_short_read(self, request: HttpRequest) -> bool:
        """Whether the request names one of the ``reads``: operations that only read and
        never wait (on a password hash, a lock or a retry's pause), so that they may run
        on the event loop rather than on a worker thread."""
        return request.headers.get("x-amz-target") in self._read_targets

    def handle(self, request: HttpRequest, request_id: str) -> Reply:
        """Answer one ``POST /``; never raises, except :class:`OutputMismatch` in check mode.

        The order is: resolve the operation, authenticate (signature), rate limit, decode,
        authorise (the key's scope, before any look-up), validate, run.
        """
        name: str | None = None
        try:
            operation = operation_for_target(request.headers.get("x-amz-target"))
            name = operation.name
            handler = self._handlers.get(name)
            if handler is None:
                raise UnsupportedOperation(f"userpools does not implement {name} yet")
            caller = self._gate.authenticate(operation, request)
            if self._limiter is not None and not self._limiter.allow(name):
                raise TooManyRequests()
            params = decode_body(request.body)
            self._gate.authorize(caller, name, params)
            validate_input(operation, params)
            result = handler(params, RequestContext(request_id, caller.region, caller.pools))
            if self._check_output:
                self._check(operation, result)
            payload = encode_result(operation.output_shape, result)
        except DomainError as error:
            return _error_reply(error, request_id, name)
        except OutputMismatch:
            raise  # a handler bug found in check mode: fail the test, not just the request
        # The only broad handler in the code base: anything unexpected is logged once
        # (never with the request's parameters) and answered as a plain 500.
        except Exception:
            logger.exception("unhandled error in %s (request %s)", name, request_id)
            return _error_reply(InternalError(), request_id, name)
        headers = {"content-type": CONTENT_TYPE, "x-amzn-RequestId": request_id}
        return Reply(200, headers, payload, name)

    def _check(self, operation: OperationModel, result: Mapping[str, Any] | None) -> None:
        try:
            check_output(operation, result)
        except OutputMismatch as mismatch:
            self.output_mismatches.append(str(mismatch))
            raise


def _error_reply(error: DomainError, request_id: str, operation: str | None) -> Reply:
    status, headers, body = encode_error(error, request_id)
    return Reply(status, headers, body, operation)
