"""botocore as the oracle: its requests decode to its params; our replies parse back.

STYLE.md §12. Strategies come from the model's shapes (tests/protocol/strategies.py).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
from botocore.awsrequest import HeadersDict
from botocore.parsers import create_parser
from botocore.serialize import create_serializer
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from userpools.domain.errors import (
    DomainError,
    InternalError,
    InvalidParameter,
    NotAuthorized,
    ResourceNotFound,
    SerializationError,
    UnknownOperation,
)
from userpools.protocol.codec import decode_body, encode_error, encode_result
from userpools.protocol.model import TARGET_PREFIX, operation_for_target
from userpools.protocol.validate import validate_input

from .strategies import shape_values

REQUEST_OPERATIONS = [
    "AdminCreateUser",
    "AdminInitiateAuth",
    "AdminUpdateUserAttributes",
    "CreateGroup",
    "ListUsers",
    "ListUsersInGroup",
    "SignUp",
]
RESPONSE_OPERATIONS = ["ListUsersInGroup", "AdminGetUser", "ListGroups", "AdminCreateUser"]
ORACLE = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Arbitrary (out-of-constraint) values skip botocore's client-side checks, as raw HTTP,
# other SDKs or parameter_validation=False would.
_UNCHECKED = create_serializer("json", include_validation=False)
_CHECKED = create_serializer("json")


def _operation(name: str) -> Any:
    return operation_for_target(TARGET_PREFIX + name)


def _botocore_body(operation: Any, params: dict[str, Any], *, checked: bool = False) -> bytes:
    serializer = _CHECKED if checked else _UNCHECKED
    request = serializer.serialize_to_request(params, operation)
    assert request["headers"]["X-Amz-Target"] == TARGET_PREFIX + operation.name
    body: bytes = request["body"]
    return body


def _parse(status: int, headers: dict[str, str], body: bytes, shape: Any) -> dict[str, Any]:
    response = {"status_code": status, "headers": HeadersDict(headers), "body": body}
    parsed: dict[str, Any] = create_parser("json").parse(response, shape)
    return parsed


@pytest.mark.parametrize("name", REQUEST_OPERATIONS)
@ORACLE
@given(data=st.data())
def test_decode_body_returns_botocore_params(name: str, data: st.DataObject) -> None:
    operation = _operation(name)
    params = data.draw(shape_values(operation.input_shape))
    assert decode_body(_botocore_body(operation, params)) == params


@pytest.mark.parametrize("name", REQUEST_OPERATIONS)
@ORACLE
@given(data=st.data())
def test_validate_input_accepts_valid_botocore_requests(name: str, data: st.DataObject) -> None:
    operation = _operation(name)
    params = data.draw(shape_values(operation.input_shape, valid=True))
    decoded = decode_body(_botocore_body(operation, params, checked=True))
    assert decoded == params
    validate_input(operation, decoded)


@ORACLE
@given(surrogate=st.characters(categories=["Cs"]), prefix=st.text(max_size=3))
def test_decode_body_rejects_botocore_lone_surrogates(surrogate: str, prefix: str) -> None:
    operation = _operation("AdminGetUser")
    body = _botocore_body(operation, {"UserPoolId": "us-east-1_a", "Username": prefix + surrogate})
    with pytest.raises(SerializationError):
        decode_body(body)


@pytest.mark.parametrize("name", RESPONSE_OPERATIONS)
@ORACLE
@given(data=st.data())
def test_encode_result_parses_back_through_botocore(name: str, data: st.DataObject) -> None:
    shape = _operation(name).output_shape
    result = data.draw(shape_values(shape))
    headers = {"content-type": "application/x-amz-json-1.1", "x-amzn-RequestId": "rid-1"}
    parsed = _parse(200, headers, encode_result(shape, _wire(result)), shape)
    assert parsed.pop("ResponseMetadata")["RequestId"] == "rid-1"
    assert parsed == result


def _wire(value: Any) -> Any:
    """``value`` as a handler returns it: timestamps as epoch seconds."""
    if isinstance(value, dict):
        return {key: _wire(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_wire(item) for item in value]
    if isinstance(value, datetime):
        return value.timestamp()
    return value


@pytest.mark.parametrize(
    "error",
    [
        InvalidParameter("1 validation error detected: Value '100' at 'limit' failed"),
        ResourceNotFound("User pool us-east-1_x does not exist."),
        NotAuthorized("Incorrect username or password."),
        UnknownOperation("Unknown operation: X"),
        SerializationError("Request body is not valid JSON: Expecting value"),
        InternalError(),
    ],
)
def test_encode_error_parses_back_through_botocore(error: DomainError) -> None:
    status, headers, body = encode_error(error, "4f0c-rid")
    parsed = _parse(status, headers, body, None)
    assert parsed["Error"]["Code"] == error.code
    assert parsed["Error"]["Message"] == error.message
    assert parsed["ResponseMetadata"]["RequestId"] == "4f0c-rid"
    assert parsed["ResponseMetadata"]["HTTPStatusCode"] == status
