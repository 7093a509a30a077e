"""The dispatcher: one request in, one reply out; the one place errors become wire errors."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from userpools.domain.errors import DomainError, InternalError, UnsupportedOperation
from userpools.protocol.codec import CONTENT_TYPE, decode_body, encode_error, encode_result
from userpools.protocol.model import operation_for_target, service_model
from userpools.protocol.sigv4 import region_from_authorization
from userpools.protocol.validate import validate_input

DEFAULT_REGION = "us-east-1"

logger = logging.getLogger("userpools")


@dataclass(frozen=True, slots=True)
class RequestContext:
    """What a handler may know about the request besides its parameters."""

    request_id: str
    region: str
    """From the SigV4 credential scope; :data:`DEFAULT_REGION` when absent."""


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

    def __init__(self, handlers: Mapping[str, Handler]) -> None:
        unknown = set(handlers) - set(service_model().operation_names)
        if unknown:
            raise ValueError(f"handlers for operations not in the model: {sorted(unknown)}")
        self._handlers = dict(handlers)

    def handle(
        self, target: str | None, body: bytes, authorization: str | None, request_id: str
    ) -> Reply:
        """Answer one ``POST /``; never raises."""
        name: str | None = None
        try:
            operation = operation_for_target(target)
            name = operation.name
            handler = self._handlers.get(name)
            if handler is None:
                raise UnsupportedOperation(f"userpools does not implement {name} yet")
            params = decode_body(body)
            validate_input(operation, params)
            region = region_from_authorization(authorization) or DEFAULT_REGION
            result = handler(params, RequestContext(request_id, region))
            payload = encode_result(operation.output_shape, result)
        except DomainError as error:
            return _error_reply(error, request_id, name)
        # The only broad handler in the code base: anything unexpected is logged once
        # (never with the request's parameters) and answered as a plain 500.
        except Exception:
            logger.exception("unhandled error in %s (request %s)", name, request_id)
            return _error_reply(InternalError(), request_id, name)
        headers = {"content-type": CONTENT_TYPE, "x-amzn-RequestId": request_id}
        return Reply(200, headers, payload, name)


def _error_reply(error: DomainError, request_id: str, operation: str | None) -> Reply:
    status, headers, body = encode_error(error, request_id)
    return Reply(status, headers, body, operation)
