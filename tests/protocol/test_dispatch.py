"""The dispatcher: resolution, decoding, validation, handlers and wire errors."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

import orjson
import pytest

from userpools.domain.errors import UserNotFound
from userpools.protocol.dispatch import Dispatcher, Handler, Reply, RequestContext
from userpools.protocol.model import TARGET_PREFIX
from userpools.protocol.sigv4 import HttpRequest

POOL = "us-east-1_AbC123"
AUTH = (
    "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20240101/eu-west-1/cognito-idp/aws4_request, "
    "SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=00"
)


def _dispatcher(**handlers: Handler) -> Dispatcher:
    return Dispatcher(handlers)


def _call(
    dispatcher: Dispatcher,
    operation: str | None,
    params: Mapping[str, Any] | bytes,
    authorization: str | None = None,
) -> Reply:
    headers = {"host": "localhost"}
    if operation is not None:
        headers["x-amz-target"] = TARGET_PREFIX + operation
    if authorization is not None:
        headers["authorization"] = authorization
    body = params if isinstance(params, bytes) else orjson.dumps(params)
    return dispatcher.handle(HttpRequest("POST", "/", "", headers, body), "req-123")


def _error(reply: Reply) -> tuple[str, str]:
    body = orjson.loads(reply.body)
    assert set(body) == {"__type", "message"}
    assert reply.headers["x-amzn-ErrorType"] == body["__type"] + ":"
    assert reply.headers["x-amzn-RequestId"] == "req-123"
    return body["__type"], body["message"]


def test_handle_calls_handler_with_params_and_context() -> None:
    seen: list[tuple[dict[str, Any], RequestContext]] = []

    def get_user(params: dict[str, Any], context: RequestContext) -> Mapping[str, Any]:
        seen.append((params, context))
        return {"Username": params["Username"], "UserCreateDate": 1682955829.578}

    reply = _call(
        _dispatcher(AdminGetUser=get_user),
        "AdminGetUser",
        {"UserPoolId": POOL, "Username": "alice"},
        AUTH,
    )
    assert reply == Reply(
        200,
        {"content-type": "application/x-amz-json-1.1", "x-amzn-RequestId": "req-123"},
        b'{"Username":"alice","UserCreateDate":1682955829.578}',
        "AdminGetUser",
    )
    assert seen == [
        ({"UserPoolId": POOL, "Username": "alice"}, RequestContext("req-123", "eu-west-1"))
    ]


def test_handle_defaults_region_without_signature() -> None:
    regions: list[str] = []

    def delete_user(params: dict[str, Any], context: RequestContext) -> None:
        regions.append(context.region)

    reply = _call(
        _dispatcher(AdminDeleteUser=delete_user),
        "AdminDeleteUser",
        {"UserPoolId": POOL, "Username": "a"},
    )
    assert (reply.status, reply.body) == (200, b"{}")
    assert regions == ["us-east-1"]


def test_handle_unknown_target() -> None:
    reply = _call(_dispatcher(), "NoSuchOperation", {})
    assert reply.status == 400
    assert reply.operation is None
    assert _error(reply) == (
        "UnknownOperationException",
        "Unknown operation: AWSCognitoIdentityProviderService.NoSuchOperation",
    )


def test_handle_missing_target_header() -> None:
    reply = _call(_dispatcher(), None, {})
    assert reply.status == 400
    assert _error(reply)[0] == "UnknownOperationException"


def _unreachable(params: dict[str, Any], ctx: RequestContext) -> None:
    raise AssertionError("the handler must not run")


def test_handle_bad_json() -> None:
    reply = _call(_dispatcher(ListUsers=_unreachable), "ListUsers", b'{"UserPoolId": ')
    assert reply.status == 400
    assert reply.operation == "ListUsers"
    assert _error(reply)[0] == "SerializationException"


def test_handle_validation_before_handler() -> None:
    reply = _call(
        _dispatcher(ListUsers=_unreachable), "ListUsers", {"UserPoolId": POOL, "Limit": 100}
    )
    assert reply.status == 400
    code, message = _error(reply)
    assert code == "InvalidParameterException"
    assert message.startswith("1 validation error detected: Value '100' at 'limit'")


def test_handle_not_implemented_before_validation() -> None:
    """An unimplemented operation is named even when its parameters are wrong."""
    reply = _call(_dispatcher(), "ListUsers", {"UserPoolId": POOL, "Limit": 100})
    assert _error(reply) == (
        "UnsupportedOperationException",
        "userpools does not implement ListUsers yet",
    )


def test_handle_operation_without_handler() -> None:
    reply = _call(_dispatcher(), "ListUsers", {"UserPoolId": POOL})
    assert reply.status == 400
    assert reply.operation == "ListUsers"
    assert _error(reply) == (
        "UnsupportedOperationException",
        "userpools does not implement ListUsers yet",
    )


def test_handle_domain_error_from_handler() -> None:
    def get_user(params: dict[str, Any], context: RequestContext) -> None:
        raise UserNotFound()

    reply = _call(
        _dispatcher(AdminGetUser=get_user), "AdminGetUser", {"UserPoolId": POOL, "Username": "a"}
    )
    assert reply.status == 400
    assert reply.headers["x-amzn-ErrorMessage"] == "User does not exist."
    assert _error(reply) == ("UserNotFoundException", "User does not exist.")


def test_handle_unexpected_error_is_a_plain_500(caplog: pytest.LogCaptureFixture) -> None:
    def get_user(params: dict[str, Any], context: RequestContext) -> None:
        raise RuntimeError("secret-xyz")

    with caplog.at_level(logging.ERROR, logger="userpools"):
        reply = _call(
            _dispatcher(AdminGetUser=get_user),
            "AdminGetUser",
            {"UserPoolId": POOL, "Username": "password-in-params"},
        )
    assert reply.status == 500
    assert reply.operation == "AdminGetUser"
    assert _error(reply) == ("InternalErrorException", "An internal error occurred.")
    assert b"secret-xyz" not in reply.body
    assert b"Traceback" not in reply.body
    assert "secret-xyz" not in str(reply.headers)
    [record] = caplog.records
    assert "req-123" in record.getMessage()
    assert "AdminGetUser" in record.getMessage()
    assert "password-in-params" not in caplog.text
    assert record.exc_info is not None


def test_handle_unencodable_result_is_a_500(caplog: pytest.LogCaptureFixture) -> None:
    def get_user(params: dict[str, Any], context: RequestContext) -> Mapping[str, Any]:
        return {"Username": object()}

    with caplog.at_level(logging.ERROR, logger="userpools"):
        reply = _call(
            _dispatcher(AdminGetUser=get_user),
            "AdminGetUser",
            {"UserPoolId": POOL, "Username": "a"},
        )
    assert reply.status == 500
    assert len(caplog.records) == 1


def test_dispatcher_rejects_handlers_outside_the_model() -> None:
    with pytest.raises(ValueError, match="NotAnOperation"):
        _dispatcher(NotAnOperation=lambda params, context: None)
