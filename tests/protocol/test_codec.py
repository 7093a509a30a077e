"""Strict request decoding and response encoding."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import orjson
import pytest
from hypothesis import given
from hypothesis import strategies as st

from userpools.domain.errors import (
    InternalError,
    InvalidParameter,
    RequestTooLarge,
    SerializationError,
    UserNotFound,
)
from userpools.protocol.codec import (
    MAX_DEPTH,
    decode_body,
    encode_error,
    encode_result,
    wire_time,
)
from userpools.protocol.model import TARGET_PREFIX, operation_for_target

LIST_USERS_IN_GROUP = operation_for_target(TARGET_PREFIX + "ListUsersInGroup")


def test_decode_body_empty_is_empty_object() -> None:
    assert decode_body(b"") == {}


def test_decode_body_reads_object() -> None:
    body = b'{"UserPoolId":"us-east-1_a","Limit":5,"Attrs":[{"N":"x"}],"On":true,"F":1.5}'
    assert decode_body(body) == {
        "UserPoolId": "us-east-1_a",
        "Limit": 5,
        "Attrs": [{"N": "x"}],
        "On": True,
        "F": 1.5,
    }


def test_decode_body_drops_null_members() -> None:
    assert decode_body(b'{"Limit":null,"A":{"B":null,"C":1},"L":[null]}') == {
        "A": {"C": 1},
        "L": [None],
    }


def test_decode_body_accepts_surrogate_pairs_and_escaped_backslashes() -> None:
    body = b'{"U":"\\ud83d\\ude00","V":"\\\\ud800","\\ud83d\\ude00":"k"}'
    assert decode_body(body) == {"U": "😀", "V": "\\ud800", "😀": "k"}


def test_decode_body_accepts_raw_utf8() -> None:
    assert decode_body('{"U":"jörg 😀"}'.encode()) == {"U": "jörg 😀"}


def test_decode_body_accepts_nesting_at_limit() -> None:
    inner = "[" * (MAX_DEPTH - 1) + "]" * (MAX_DEPTH - 1)
    assert decode_body(f'{{"A":{inner}}}'.encode())["A"] is not None


def test_decode_body_ignores_brackets_inside_strings() -> None:
    text = "[{" * 500 + '\\"'
    assert decode_body(json.dumps({"A": text}).encode()) == {"A": text}


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        (b"\xff\xfe", "UTF-8"),
        (b'{"A":"\xed\xa0\x80"}', "UTF-8"),  # a surrogate encoded as UTF-8
        (b"{", "not valid JSON"),
        (b" ", "not valid JSON"),
        (b'{"A":1} x', "not valid JSON"),
        (b'{"A":"tab\there"}', "not valid JSON"),  # raw control character
        (b"\xef\xbb\xbf{}", "not valid JSON"),  # BOM
        (b"[]", "JSON object"),
        (b'"x"', "JSON object"),
        (b"null", "JSON object"),
        (b"1", "JSON object"),
        (b'{"Limit":1,"Limit":99}', "duplicate"),
        (b'{"A":[{"B":1,"C":{"D":1,"D":2}}]}', "duplicate"),
        (b'{"A":NaN}', "NaN"),
        (b'{"A":Infinity}', "Infinity"),
        (b'{"A":[-Infinity]}', "-Infinity"),
        (b'{"A":1e400}', "out of range"),
        (b'{"A":-1e400}', "out of range"),
        (b'{"A":' + b"9" * 5000 + b"}", "too long"),
        (b'{"A":' + b"1" * 100 + b".5}", "too long"),
        (b'{"A":"\\ud800"}', "surrogate"),
        (b'{"A":"x\\udfff"}', "surrogate"),
        (b'{"A":"\\ude00\\ud83d"}', "surrogate"),  # a pair in the wrong order
        (b'{"\\ud800":1}', "surrogate"),
        (b'{"A":[["\\uDBFF"]]}', "surrogate"),
        (b'{"A":{"\\udc00x":1}}', "surrogate"),
    ],
)
def test_decode_body_rejects(body: bytes, fragment: str) -> None:
    with pytest.raises(SerializationError) as caught:
        decode_body(body)
    assert fragment in caught.value.message
    assert caught.value.status == 400


def test_decode_body_rejects_depth_past_limit() -> None:
    inner = "[" * MAX_DEPTH + "]" * MAX_DEPTH
    with pytest.raises(SerializationError, match="deeper"):
        decode_body(f'{{"A":{inner}}}'.encode())


@pytest.mark.parametrize("opener", [b"[", b'{"a":'])
def test_decode_body_rejects_deep_nesting_without_recursion_error(opener: bytes) -> None:
    with pytest.raises(SerializationError, match="deeper"):
        decode_body(opener * 100_000)


def test_decode_body_messages_do_not_echo_body() -> None:
    with pytest.raises(SerializationError) as caught:
        decode_body(b'{"Password":"hunter2",')
    assert "hunter2" not in caught.value.message


def test_encode_result_dumps_the_wire_values_as_they_are() -> None:
    body = encode_result(
        LIST_USERS_IN_GROUP.output_shape,
        {"Users": [{"Username": "a", "UserCreateDate": 1682955829.578, "Enabled": True}]},
    )
    assert body == b'{"Users":[{"Username":"a","UserCreateDate":1682955829.578,"Enabled":true}]}'


def test_wire_time_truncates_to_milliseconds() -> None:
    assert wire_time(1682955829.578999) == 1682955829.578
    assert wire_time(1682955829.0) == 1682955829.0
    assert wire_time(1682955829.9999996) == 1682955830.0  # rounds to a whole second first
    assert wire_time(-0.0005) == -0.001


@given(st.floats(-2e9, 4.2e9, allow_nan=False))
def test_wire_time_is_the_datetime_route(epoch: float) -> None:
    """What the wire carried when timestamps went through datetime: fromtimestamp (which
    rounds to microseconds, half to even), then truncation to milliseconds."""
    moment = datetime.fromtimestamp(epoch, UTC)
    delta = moment - datetime(1970, 1, 1, tzinfo=UTC)
    millis = (delta.days * 86_400 + delta.seconds) * 1000 + delta.microseconds // 1000
    assert wire_time(epoch) == millis / 1000


def test_encode_result_empty_cases() -> None:
    assert encode_result(None, {"A": 1}) == b"{}"
    assert encode_result(LIST_USERS_IN_GROUP.output_shape, None) == b"{}"
    assert encode_result(LIST_USERS_IN_GROUP.output_shape, {}) == b"{}"


def test_encode_error_shape_and_headers() -> None:
    status, headers, body = encode_error(UserNotFound(), "req-1")
    assert status == 400
    assert headers == {
        "content-type": "application/x-amz-json-1.1",
        "x-amzn-RequestId": "req-1",
        "x-amzn-ErrorType": "UserNotFoundException:",
        "x-amzn-ErrorMessage": "User does not exist.",
    }
    assert orjson.loads(body) == {
        "__type": "UserNotFoundException",
        "message": "User does not exist.",
    }


def test_encode_error_statuses() -> None:
    assert encode_error(InternalError(), "r")[0] == 500
    assert encode_error(RequestTooLarge("too big"), "r")[0] == 413


@pytest.mark.parametrize("message", ["line\r\nX-Injected: 1", "ünïcode ✓", "x" * 2000])
def test_encode_error_omits_unsafe_header_message(message: str) -> None:
    _, headers, body = encode_error(InvalidParameter(message), "r")
    assert "x-amzn-ErrorMessage" not in headers
    assert orjson.loads(body)["message"] == message


def test_encode_error_survives_lone_surrogate() -> None:
    _, _, body = encode_error(InvalidParameter("bad \ud800 value"), "r")
    assert orjson.loads(body)["message"] == "bad ? value"
