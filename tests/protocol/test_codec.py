"""Strict request decoding and response encoding."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import orjson
import pytest

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
    epoch_seconds,
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


def test_encode_result_renders_epoch_milliseconds() -> None:
    created = datetime(2023, 5, 1, 15, 43, 49, 578999, tzinfo=UTC)
    body = encode_result(
        LIST_USERS_IN_GROUP.output_shape,
        {"Users": [{"Username": "a", "UserCreateDate": created, "Enabled": True}]},
    )
    assert body == b'{"Users":[{"Username":"a","UserCreateDate":1682955829.578,"Enabled":true}]}'


def test_epoch_seconds_handles_zones_and_naive_values() -> None:
    moment = datetime(2023, 5, 1, 17, 43, 49, 578000, tzinfo=timezone(timedelta(hours=2)))
    assert epoch_seconds(moment) == 1682955829.578
    assert epoch_seconds(datetime(2023, 5, 1, 15, 43, 49, 578000)) == 1682955829.578
    assert epoch_seconds(datetime(1969, 12, 31, 23, 59, 59, 999000, tzinfo=UTC)) == -0.001


def test_encode_result_drops_none_at_any_depth() -> None:
    result: dict[str, Any] = {
        "Users": [
            {"Username": "a", "MFAOptions": None, "Attributes": [{"Name": "x", "Value": None}]}
        ],
        "NextToken": None,
    }
    body = encode_result(LIST_USERS_IN_GROUP.output_shape, result)
    assert orjson.loads(body) == {"Users": [{"Username": "a", "Attributes": [{"Name": "x"}]}]}


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
