"""``GET /_userpools/messages``: the outbox read over HTTP, as a script in any language would.

In development mode (the plugin's server, both stores) anyone may read it; with a
credentials file only a request signed by a key that may administer the pool. Requests go
over the socket with ``urllib`` (signed with botocore's ``SigV4Auth`` where needed), never
through the in-process transport.
"""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import boto3
import pytest
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from userpools.testing import RunningServer, start_server

PASSWORD = "Correct-horse-1"
FIELDS = {"pool_id", "username", "medium", "destination", "subject", "body", "created_at"}
CODE = re.compile(r"\b(\d{6})\b")
ADMIN = ("AKIAMESSAGESADMIN001", "admin-secret-0123456789abcdef")
READER = ("AKIAMESSAGESREADER01", "reader-secret-0123456789abcdef")
SCOPED = ("AKIAMESSAGESSCOPED01", "scoped-secret-0123456789abcdef")


def get(
    server: RunningServer, key: tuple[str, str] | None = None, **query: Any
) -> tuple[int, dict[str, Any]]:
    """``GET /_userpools/messages?…``: the status and the JSON body; signed with ``key``."""
    url = f"{server.endpoint_url}/_userpools/messages?{urlencode(query)}"
    headers: dict[str, str] = {}
    if key is not None:
        request = AWSRequest(method="GET", url=url)
        SigV4Auth(Credentials(*key), "cognito-idp", "us-east-1").add_auth(request)
        headers = dict(request.headers.items())
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers)) as reply:
            return reply.status, json.loads(reply.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def sign_up(api: Any, client_id: str, username: str, email: str) -> None:
    api.sign_up(
        ClientId=client_id,
        Username=username,
        Password=PASSWORD,
        UserAttributes=[{"Name": "email", "Value": email}],
    )


def app_client(api: Any, pool_id: str) -> str:
    client: dict[str, Any] = api.create_user_pool_client(UserPoolId=pool_id, ClientName="app")
    return str(client["UserPoolClient"]["ClientId"])


def test_development_mode_serves_the_pools_messages_newest_first(
    userpools_server: RunningServer, cognito_idp: Any, user_pool_id: str
) -> None:
    pool_id = cognito_idp.create_user_pool(PoolName="messages", AutoVerifiedAttributes=["email"])[
        "UserPool"
    ]["Id"]
    try:
        client_id = app_client(cognito_idp, pool_id)
        other_client = app_client(cognito_idp, user_pool_id)
        sign_up(cognito_idp, client_id, "ann", "ann@example.com")
        sign_up(cognito_idp, client_id, "bea", "bea@example.com")
        sign_up(cognito_idp, other_client, "cid", "cid@example.com")  # another pool

        status, body = get(userpools_server, pool=pool_id)
        assert status == 200
        newest, oldest = body["messages"]
        assert set(newest) == FIELDS
        assert (newest["username"], oldest["username"]) == ("bea", "ann")
        assert newest["pool_id"] == pool_id
        assert (newest["medium"], newest["destination"]) == ("EMAIL", "bea@example.com")
        assert newest["created_at"] >= oldest["created_at"]
        # The code in the message confirms the sign-up.
        code = CODE.search(oldest["body"])
        assert code is not None, oldest
        cognito_idp.confirm_sign_up(ClientId=client_id, Username="ann", ConfirmationCode=code[1])
        user = cognito_idp.admin_get_user(UserPoolId=pool_id, Username="ann")
        assert user["UserStatus"] == "CONFIRMED"

        status, body = get(userpools_server, pool=pool_id, to="ann@example.com")
        assert status == 200
        assert [m["username"] for m in body["messages"]] == ["ann"]
        status, body = get(userpools_server, pool=pool_id, limit=1)
        assert [m["username"] for m in body["messages"]] == ["bea"]
        status, body = get(userpools_server, pool=pool_id, to="nobody@example.com")
        assert (status, body) == (200, {"messages": []})
    finally:
        cognito_idp.delete_user_pool(UserPoolId=pool_id)


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({}, "The query parameter pool (a user pool id) is required."),
        ({"pool": "not a pool"}, "The query parameter pool is not a user pool id."),
        (
            {"pool": "us-east-1_abc", "limit": "0"},
            "The query parameter limit must be a number from 1 to 1000.",
        ),
        (
            {"pool": "us-east-1_abc", "limit": "x"},
            "The query parameter limit must be a number from 1 to 1000.",
        ),
        (
            {"pool": "us-east-1_abc", "user": "x"},
            "Unknown query parameter 'user': use pool, to, limit.",
        ),
    ],
)
def test_bad_queries_are_refused(
    userpools_server: RunningServer, query: dict[str, str], message: str
) -> None:
    assert get(userpools_server, **query) == (
        400,
        {"__type": "InvalidParameterException", "message": message},
    )


@pytest.fixture(scope="module")
def keyed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[RunningServer, str]]:
    """A SQLite server with a credentials file, and a pool with one message in it."""
    tmp = tmp_path_factory.mktemp("keyed")
    lines = []
    for (key_id, secret), extra in (
        (ADMIN, ""),
        (READER, "read_only = true\n"),
        (SCOPED, 'pools = ["us-east-1_Other0000"]\n'),
    ):
        lines.append(
            f'[[keys]]\naccess_key_id = "{key_id}"\nsecret_access_key = "{secret}"\n{extra}'
        )
    credentials = tmp / "keys.toml"
    credentials.write_text("\n".join(lines), encoding="utf-8")
    running = start_server(Path(tmp / "keyed.db"), credentials_file=str(credentials))
    server = next(running)
    try:
        admin = server.bind(
            boto3.client(
                "cognito-idp",
                endpoint_url=server.endpoint_url,
                region_name="us-east-1",
                aws_access_key_id=ADMIN[0],
                aws_secret_access_key=ADMIN[1],
            )
        )
        pool_id = admin.create_user_pool(PoolName="keyed", AutoVerifiedAttributes=["email"])[
            "UserPool"
        ]["Id"]
        sign_up(admin, app_client(admin, pool_id), "ann", "ann@example.com")
        yield server, pool_id
    finally:
        running.close()


def test_with_credentials_an_admin_key_reads_the_messages(
    keyed: tuple[RunningServer, str],
) -> None:
    server, pool_id = keyed
    status, body = get(server, ADMIN, pool=pool_id)
    assert status == 200
    assert [m["destination"] for m in body["messages"]] == ["ann@example.com"]


def test_with_credentials_an_unsigned_request_is_refused(keyed: tuple[RunningServer, str]) -> None:
    server, pool_id = keyed
    assert get(server, pool=pool_id) == (
        400,
        {
            "__type": "MissingAuthenticationTokenException",
            "message": "Missing Authentication Token",
        },
    )


def test_with_credentials_a_wrong_secret_is_refused(keyed: tuple[RunningServer, str]) -> None:
    server, pool_id = keyed
    status, body = get(server, (ADMIN[0], "not-the-admin-secret-0123456789"), pool=pool_id)
    assert (status, body["__type"]) == (400, "InvalidSignatureException")


@pytest.mark.parametrize("key", [READER, SCOPED], ids=["read-only", "other-pools"])
def test_with_credentials_a_key_that_cannot_administer_the_pool_is_refused(
    keyed: tuple[RunningServer, str], key: tuple[str, str]
) -> None:
    server, pool_id = keyed
    assert get(server, key, pool=pool_id) == (
        400,
        {
            "__type": "AccessDeniedException",
            "message": f"User: {key[0]} is not authorized to perform: cognito-idp:ReadMessages"
            f" on resource: arn:aws:cognito-idp:us-east-1:000000000000:userpool/{pool_id}",
        },
    )
