"""Raw HTTP against the real server: framing, errors and headers, without botocore."""

from __future__ import annotations

import http.client
import json
import urllib.error
import urllib.request
from typing import Any

import pytest

TARGET = "AWSCognitoIdentityProviderService."


def _lower(headers: Any) -> dict[str, str]:
    return {name.lower(): value for name, value in headers.items()}


def post(server: Any, body: bytes, target: str | None, **headers: str) -> tuple[int, Any, dict]:
    request = urllib.request.Request(server.endpoint_url + "/", data=body, method="POST")
    request.add_header("Content-Type", "application/x-amz-json-1.1")
    if target is not None:
        request.add_header("X-Amz-Target", target)
    for name, value in headers.items():
        request.add_header(name, value)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, _lower(response.headers), json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as error:
        return error.code, _lower(error.headers), json.loads(error.read() or b"{}")


@pytest.mark.parametrize(
    ("body", "target", "status", "code"),
    [
        (b"{not json", TARGET + "ListUserPools", 400, "SerializationException"),
        (b"[1, 2]", TARGET + "ListUserPools", 400, "SerializationException"),
        (
            b'{"MaxResults": 1, "MaxResults": 2}',
            TARGET + "ListUserPools",
            400,
            "SerializationException",
        ),
        (b"{}", TARGET + "NoSuchOperation", 400, "UnknownOperationException"),
        (b"{}", None, 400, "UnknownOperationException"),
        (b'{"MaxResults": true}', TARGET + "ListUserPools", 400, "SerializationException"),
        (b"{}", TARGET + "ListUserPools", 400, "InvalidParameterException"),
    ],
)
def test_wire_bad_requests(
    userpools_server: Any, body: bytes, target: str | None, status: int, code: str
) -> None:
    got_status, headers, payload = post(userpools_server, body, target)
    assert (got_status, payload["__type"]) == (status, code)
    assert isinstance(payload["message"], str) and payload["message"]
    assert headers["x-amzn-errortype"].startswith(code)
    assert headers["x-amzn-requestid"]


def test_wire_unimplemented_operation_names_it(userpools_server: Any) -> None:
    status, _, payload = post(userpools_server, b"{}", TARGET + "UpdateManagedLoginBranding")
    assert status == 400
    assert "UpdateManagedLoginBranding" in payload["message"]


def test_wire_oversized_body_is_refused_before_parsing(userpools_server: Any) -> None:
    """A declared length over the cap is answered before a byte of the body is sent."""
    limit = userpools_server.server.settings.max_body_bytes
    host, port = userpools_server.endpoint_url.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=10)
    try:
        connection.putrequest("POST", "/")
        connection.putheader("X-Amz-Target", TARGET + "CreateUserPool")
        connection.putheader("Content-Type", "application/x-amz-json-1.1")
        connection.putheader("Content-Length", str(limit + 1))
        connection.endheaders()
        response = connection.getresponse()
        assert response.status == 413
        assert json.loads(response.read())["__type"] == "SerializationException"
    finally:
        connection.close()


def test_wire_success_headers_and_epoch_timestamps(userpools_server: Any) -> None:
    status, headers, payload = post(
        userpools_server, b'{"PoolName": "wire"}', TARGET + "CreateUserPool"
    )
    assert status == 200
    assert headers["content-type"] == "application/x-amz-json-1.1"
    assert len(headers["x-amzn-requestid"]) == 36
    created = payload["UserPool"]["CreationDate"]
    assert isinstance(created, float | int)
    pool_id = payload["UserPool"]["Id"]
    assert pool_id.startswith("us-east-1_")  # unsigned: the default region
    post(userpools_server, json.dumps({"UserPoolId": pool_id}).encode(), TARGET + "DeleteUserPool")


def test_wire_delete_returns_empty_object(userpools_server: Any) -> None:
    _, _, payload = post(userpools_server, b'{"PoolName": "gone"}', TARGET + "CreateUserPool")
    body = json.dumps({"UserPoolId": payload["UserPool"]["Id"]}).encode()
    status, _, deleted = post(userpools_server, body, TARGET + "DeleteUserPool")
    assert (status, deleted) == (200, {})
