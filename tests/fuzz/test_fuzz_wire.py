"""Size, depth and characters at the wire, on both stores (reliability.md §6, goals 3 and 4).

tests/server/test_wire.py already refuses a declared Content-Length over the cap. Added
here: nesting refused by the pre-scan before the JSON parser runs, a chunked body over
the cap refused before it has all arrived, the exact cap, integers past Python's digit
limit, and two failures on PostgreSQL the fuzzer found, now fixed: U+0000, and long
multi-byte values of indexed attributes.
"""

from __future__ import annotations

import json
import random
import socket
from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import pytest
from fuzz_harness import Reply, Wire, reply_problems

from userpools.protocol import codec
from userpools.protocol.model import TARGET_PREFIX
from userpools.testing import RunningServer

NESTING = "Request body nests deeper than 64 levels"


@pytest.fixture
def wire(userpools_server: RunningServer) -> Iterator[Wire]:
    connection = Wire(userpools_server)
    yield connection
    connection.close()


@pytest.fixture
def pool_id(wire: Wire) -> Iterator[str]:
    created = wire.ok("CreateUserPool", {"PoolName": "wire-fuzz"})["UserPool"]["Id"]
    yield created
    wire.call("DeleteUserPool", {"UserPoolId": created})


@pytest.fixture
def parses(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Counts the codec's calls of ``json.loads`` (the server runs in this process)."""
    calls: list[int] = []

    def loads(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        return json.loads(*args, **kwargs)

    spy = SimpleNamespace(loads=loads, JSONDecodeError=json.JSONDecodeError)
    monkeypatch.setattr(codec, "json", spy)
    return calls


def _error(reply: Reply) -> tuple[int, str, str]:
    payload = reply.json()
    return reply.status, payload["__type"], payload["message"]


@pytest.mark.parametrize("opener", ["[", '{"a":'])
@pytest.mark.parametrize("closed", [True, False])
def test_deep_nesting_is_refused_before_the_parser_runs(
    wire: Wire, parses: list[int], opener: str, closed: bool
) -> None:
    """100,000 levels (about 200 KB, under the size cap): the pre-scan refuses them, so
    the JSON parser never sees the body; unclosed nesting gets the same answer."""
    closer = "]" if opener == "[" else "}"
    depth = 100_000
    body = '{"MaxResults":' + opener * depth + ((closer * depth + "}") if closed else "")
    reply = wire.post(TARGET_PREFIX + "ListUserPools", body.encode())
    assert _error(reply) == (400, "SerializationException", NESTING)
    assert parses == []


def test_nesting_at_the_limit_is_parsed_and_one_more_is_not(wire: Wire, parses: list[int]) -> None:
    at_limit = '{"Unknown":' + "[" * 63 + "]" * 63 + ',"MaxResults":1}'  # 64 levels in all
    reply = wire.post(TARGET_PREFIX + "ListUserPools", at_limit.encode())
    assert reply.status == 200 and parses == [1]
    past = '{"Unknown":' + "[" * 64 + "]" * 64 + ',"MaxResults":1}'
    reply = wire.post(TARGET_PREFIX + "ListUserPools", past.encode())
    assert _error(reply) == (400, "SerializationException", NESTING)
    assert parses == [1]


def test_brackets_inside_strings_do_not_count_as_nesting(wire: Wire, pool_id: str) -> None:
    description = "[{" * 5_000
    body = json.dumps({"UserPoolId": pool_id, "GroupName": "brackets", "Description": description})
    reply = wire.post(TARGET_PREFIX + "CreateGroup", body.encode())
    assert reply.status == 400  # DescriptionType is at most 2048 characters: validated, not refused
    assert reply.error_type == "InvalidParameterException"


def test_chunked_body_over_the_cap_is_refused_before_it_has_all_arrived(
    userpools_server: RunningServer,
) -> None:
    """No Content-Length: the server counts as it reads and answers 413 once past the cap,
    without waiting for the rest (the last chunk is never sent; a server that waited for
    it would leave this test to its socket timeout)."""
    limit = userpools_server.server.settings.max_body_bytes
    host, port = userpools_server.endpoint_url.removeprefix("http://").split(":")
    chunk = b"[" + b" " * (64 * 1024 - 2) + b"]"
    with socket.create_connection((host, int(port)), timeout=20) as sock:
        sock.sendall(
            b"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
            b"Content-Type: application/x-amz-json-1.1\r\n"
            b"X-Amz-Target: " + (TARGET_PREFIX + "ListUserPools").encode() + b"\r\n\r\n"
        )
        sent = 0
        try:
            while sent <= limit:
                sock.sendall(b"%x\r\n%s\r\n" % (len(chunk), chunk))
                sent += len(chunk)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the server answered and closed while we were still sending
        response = b""
        while b"\r\n\r\n" not in response or not response.rstrip().endswith(b"}"):
            data = sock.recv(65536)
            if not data:
                break
            response += data
    head, _, body = response.partition(b"\r\n\r\n")
    assert head.split(b" ")[1] == b"413", head
    payload = json.loads(body[body.index(b"{") :])
    assert payload["__type"] == "SerializationException"
    assert payload["message"] == f"Request body is larger than {limit} bytes"


def test_a_body_of_exactly_the_cap_is_read_and_one_byte_more_is_not(
    userpools_server: RunningServer, wire: Wire
) -> None:
    limit = userpools_server.server.settings.max_body_bytes
    prefix = b'{"PoolName":"'
    body = prefix + b"a" * (limit - len(prefix) - 2) + b'"}'
    assert len(body) == limit
    reply = wire.post(TARGET_PREFIX + "CreateUserPool", body)
    assert reply.status == 400 and reply.error_type == "InvalidParameterException"
    bigger = prefix + b"a" * (limit - len(prefix) - 1) + b'"}'
    reply = wire.post(TARGET_PREFIX + "CreateUserPool", bigger)
    assert _error(reply)[:2] == (413, "SerializationException")


@pytest.mark.parametrize("digits", [65, 4_301, 100_000])
def test_integers_past_the_digit_limits_are_refused(wire: Wire, digits: int) -> None:
    """Python refuses to convert integers over 4,300 digits (ValueError): the codec must
    refuse them first, by length."""
    body = b'{"MaxResults":' + b"7" * digits + b"}"
    reply = wire.post(TARGET_PREFIX + "ListUserPools", body)
    assert _error(reply) == (
        400,
        "SerializationException",
        "Request body contains a number that is too long",
    )


@pytest.mark.parametrize(
    "body",
    [
        b'{"MaxResults":1,"Unknown":{"\\ud800":null}}',
        b'{"MaxResults":1,"\\udfffx":null}',
        b'{"MaxResults":1,"Unknown":[{"a":{"\\ude00\\ud83d":null}}]}',
    ],
)
def test_a_lone_surrogate_in_the_key_of_a_null_member_is_refused(wire: Wire, body: bytes) -> None:
    """Found by the fuzzer: null members are dropped while parsing, and their keys used to
    go with them, unchecked; docs/errors.md refuses any body with a lone surrogate."""
    reply = wire.post(TARGET_PREFIX + "ListUserPools", body)
    assert _error(reply) == (
        400,
        "SerializationException",
        "Request body contains an unpaired surrogate",
    )


#: U+0000 in members PostgreSQL stores or searches: text columns, indexed attributes,
#: a ListUsers filter, a username looked up from AuthParameters.
NUL_REQUESTS = [
    ("CreateGroup", {"GroupName": "nul", "Description": "a\x00b"}),
    (
        "AdminUpdateUserAttributes",
        {"Username": "u", "UserAttributes": [{"Name": "name", "Value": "\x00"}]},
    ),
    (
        "AdminUpdateUserAttributes",
        {"Username": "u", "UserAttributes": [{"Name": "email", "Value": "a\x00@b.c"}]},
    ),
    ("ListUsers", {"Filter": 'name ^= "\x00"'}),
    (
        "AdminInitiateAuth",
        {
            "AuthFlow": "ADMIN_USER_PASSWORD_AUTH",
            "AuthParameters": {"USERNAME": "u\x00", "PASSWORD": "x"},
        },
    ),
]


@pytest.mark.parametrize(("operation", "params"), NUL_REQUESTS)
def test_nul_characters_get_an_answer_on_every_store(
    wire: Wire,
    pool_id: str,
    operation: str,
    params: dict[str, Any],
    store_kind: str,
    request: pytest.FixtureRequest,
) -> None:
    """Found by the fuzzer on PostgreSQL, where U+0000 cannot be stored in text (it was an
    HTTP 500 there). The decoder now refuses it on every store, with the same answer."""
    client = wire.ok(
        "CreateUserPoolClient",
        {
            "UserPoolId": pool_id,
            "ClientName": "c",
            "ExplicitAuthFlows": ["ALLOW_ADMIN_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
        },
    )["UserPoolClient"]["ClientId"]
    wire.ok(
        "AdminCreateUser", {"UserPoolId": pool_id, "Username": "u", "MessageAction": "SUPPRESS"}
    )
    extra = {"ClientId": client} if operation == "AdminInitiateAuth" else {}
    reply = wire.call(operation, {"UserPoolId": pool_id, **extra, **params})
    assert reply.status == 400, reply.body
    assert reply_problems(operation, reply, b"") == []
    assert json.loads(reply.body) == {
        "__type": "SerializationException",
        "message": "Request body contains the character U+0000",
    }


def test_a_long_multibyte_value_of_an_indexed_attribute_is_stored(
    wire: Wire, pool_id: str, store_kind: str, request: pytest.FixtureRequest
) -> None:
    """2,048 characters are allowed (AttributeValueType); 2,048 CJK characters are about
    6 KB, past PostgreSQL's B-tree entry limit (~2.7 KB) for the ``users_by_name`` index.
    Found by the fuzzer (an HTTP 500 on PostgreSQL); indexes now hold a bounded form."""
    rng = random.Random(1)
    value = "".join(chr(rng.randrange(0x4E00, 0x9FFF)) for _ in range(2048))
    wire.ok(
        "AdminCreateUser", {"UserPoolId": pool_id, "Username": "long", "MessageAction": "SUPPRESS"}
    )
    reply = wire.call(
        "AdminUpdateUserAttributes",
        {
            "UserPoolId": pool_id,
            "Username": "long",
            "UserAttributes": [{"Name": "name", "Value": value}],
        },
    )
    assert reply.status == 200, reply.body
    got = wire.ok("AdminGetUser", {"UserPoolId": pool_id, "Username": "long"})
    assert {"Name": "name", "Value": value} in got["UserAttributes"]
