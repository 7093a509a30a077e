"""Triggers run by a real Lambda Invoke API implementation that no one here wrote.

serverless-offline (npm, ``tests/js/package.json``; ``make js-deps`` installs it) runs Node
handlers behind ``POST /2015-03-31/functions/{name}/invocations`` without Docker. userpools
reaches it through ``--lambda-config`` (serverless-offline knows functions by name, so each
ARN gets a ``function_name``). The handlers write each event they receive to a file, which
the tests read back. Node and ``tests/js/node_modules`` are required: without them these
tests fail (never skip).
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError
from support import error_of

from userpools.testing import RunningServer, start_server

JS_DIR = Path(__file__).resolve().parents[1] / "js"
PASSWORD = "Correct-horse-1"
PRE_SIGN_UP = "arn:aws:lambda:us-east-1:123456789012:function:app-dev-preSignUp"
PRE_TOKEN = "arn:aws:lambda:us-east-1:123456789012:function:app-dev-preToken"
EMAIL_SENDER = "arn:aws:lambda:us-east-1:123456789012:function:app-dev-emailSender"

SERVERLESS_YML = """\
service: app
frameworkVersion: '3'
provider:
  name: aws
  runtime: nodejs20.x
  region: us-east-1
plugins:
  - serverless-offline
functions:
  preSignUp:
    handler: handler.preSignUp
  preToken:
    handler: handler.preToken
  emailSender:
    handler: handler.emailSender
"""
HANDLER_JS = """\
const fs = require("fs");
const path = require("path");
function record(name, event) {
  const dir = path.join(__dirname, "events");
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${name}-${Date.now()}-${Math.random()}.json`);
  fs.writeFileSync(file, JSON.stringify(event));
}
exports.preSignUp = async (event) => {
  record("preSignUp", event);
  if (!event.request.userAttributes.email.endsWith("@example.com")) {
    throw new Error("Registration from this domain is not allowed.");
  }
  event.response.autoConfirmUser = true;
  return event;
};
exports.preToken = async (event) => {
  record("preToken", event);
  event.response.claimsAndScopeOverrideDetails = {
    idTokenGeneration: { claimsToAddOrOverride: { tenant: "acme" } },
    accessTokenGeneration: { scopesToAdd: ["orders/read"] },
  };
  return event;
};
exports.emailSender = async (event) => {
  record("emailSender", event);
};
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def offline(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """serverless-offline serving the handlers: its Invoke API URL and the service folder."""
    node = shutil.which("node")
    assert node is not None, "Node is required (tests/js)"
    cli = JS_DIR / "node_modules" / "serverless" / "bin" / "serverless.js"
    assert cli.exists(), "run `make js-deps` to install serverless-offline"
    service = tmp_path_factory.mktemp("offline")
    (service / "serverless.yml").write_text(SERVERLESS_YML)
    (service / "handler.js").write_text(HANDLER_JS)
    (service / "node_modules").symlink_to(JS_DIR / "node_modules")
    port = free_port()
    env = {
        **os.environ,
        "SLS_TELEMETRY_DISABLED": "1",
        "SLS_NOTIFICATIONS_MODE": "off",
        "SLS_DEPRECATION_DISABLE": "*",
    }
    log = (service / "offline.log").open("w")
    process = subprocess.Popen(
        [
            node,
            str(cli),
            "offline",
            "--lambdaPort",
            str(port),
            "--httpPort",
            str(free_port()),
            "--websocketPort",
            str(free_port()),
        ],
        cwd=service,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 60
        while "listening on" not in (service / "offline.log").read_text():
            assert process.poll() is None, (service / "offline.log").read_text()
            assert time.monotonic() < deadline, "serverless-offline did not start"
            time.sleep(0.2)
        yield f"http://127.0.0.1:{port}", service
    finally:
        process.terminate()
        process.wait(timeout=10)
        log.close()


@pytest.fixture(scope="module")
def server(
    store_kind: str,
    offline: tuple[str, Path],
    tmp_path_factory: pytest.TempPathFactory,
    request: pytest.FixtureRequest,
) -> Iterator[RunningServer]:
    url, _ = offline
    folder = tmp_path_factory.mktemp("offline-server")
    config = folder / "lambdas.toml"
    config.write_text(
        "".join(
            f'[functions."{arn}"]\nendpoint = "{url}"\nfunction_name = "{arn.rsplit(":", 1)[1]}"\n'
            for arn in (PRE_SIGN_UP, PRE_TOKEN, EMAIL_SENDER)
        )
    )
    database_url = request.getfixturevalue("postgres_url") if store_kind == "postgres" else None
    yield from start_server(
        folder / "userpools.db", database_url=database_url, lambda_config=str(config)
    )


def recorded(service: Path, name: str) -> list[dict[str, Any]]:
    files = sorted((service / "events").glob(f"{name}-*.json"), key=lambda p: p.stat().st_mtime)
    return [json.loads(p.read_text()) for p in files]


def test_node_handlers_run_by_serverless_offline(
    server: RunningServer, offline: tuple[str, Path]
) -> None:
    _, service = offline
    client = server.client()
    pool_id = client.create_user_pool(
        PoolName="offline",
        LambdaConfig={
            "PreSignUp": PRE_SIGN_UP,
            "PreTokenGenerationConfig": {"LambdaArn": PRE_TOKEN, "LambdaVersion": "V2_0"},
        },
    )["UserPool"]["Id"]
    client_id = client.create_user_pool_client(
        UserPoolId=pool_id, ClientName="app", ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH"]
    )["UserPoolClient"]["ClientId"]
    before = len(recorded(service, "preSignUp"))

    answer = client.sign_up(
        ClientId=client_id,
        Username="ann",
        Password=PASSWORD,
        UserAttributes=[{"Name": "email", "Value": "ann@example.com"}],
    )
    assert answer["UserConfirmed"] is True
    event = recorded(service, "preSignUp")[before]
    assert event["triggerSource"] == "PreSignUp_SignUp"
    assert event["userPoolId"] == pool_id
    assert event["request"]["userAttributes"] == {"email": "ann@example.com"}

    with pytest.raises(ClientError) as excinfo:
        client.sign_up(
            ClientId=client_id,
            Username="bob",
            Password=PASSWORD,
            UserAttributes=[{"Name": "email", "Value": "bob@elsewhere.org"}],
        )
    assert error_of(excinfo) == (
        "UserLambdaValidationException",
        "PreSignUp failed with error Registration from this domain is not allowed..",
    )
    assert [u["Username"] for u in client.list_users(UserPoolId=pool_id)["Users"]] == ["ann"]

    result = client.initiate_auth(
        ClientId=client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": "ann", "PASSWORD": PASSWORD},
    )["AuthenticationResult"]
    import base64

    def payload(token: str) -> dict[str, Any]:
        part = token.split(".")[1]
        return dict(json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))))

    assert payload(result["IdToken"])["tenant"] == "acme"
    assert payload(result["AccessToken"])["scope"] == "aws.cognito.signin.user.admin orders/read"
    assert recorded(service, "preToken")[-1]["version"] == "2"


def test_a_custom_sender_runs_asynchronously_in_serverless_offline(
    server: RunningServer, offline: tuple[str, Path]
) -> None:
    """The sender is invoked with ``X-Amz-Invocation-Type: Event``: serverless-offline answers
    202 before the handler runs, and the handler gets the event a moment later. (Its handler
    does not throw: serverless-offline 13 does not catch an ``Event`` handler's rejection,
    and its process exits; ``test_triggers_senders.py`` shows a failing sender with the test
    Invoke API.)"""
    _, service = offline
    client = server.client()
    pool_id = client.create_user_pool(
        PoolName="offline-sender",
        AutoVerifiedAttributes=["email"],
        LambdaConfig={
            "CustomEmailSender": {"LambdaVersion": "V1_0", "LambdaArn": EMAIL_SENDER},
            "KMSKeyID": "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-123456",
        },
    )["UserPool"]["Id"]
    client_id = client.create_user_pool_client(
        UserPoolId=pool_id, ClientName="app", ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH"]
    )["UserPoolClient"]["ClientId"]
    before = len(recorded(service, "emailSender"))
    answer = client.sign_up(
        ClientId=client_id,
        Username="cy",
        Password=PASSWORD,
        UserAttributes=[{"Name": "email", "Value": "cy@example.com"}],
    )
    assert answer["UserConfirmed"] is False
    assert answer["CodeDeliveryDetails"]["DeliveryMedium"] == "EMAIL"
    deadline = time.monotonic() + 20
    while len(recorded(service, "emailSender")) == before:
        assert time.monotonic() < deadline, "the sender was never run"
        time.sleep(0.1)
    event = recorded(service, "emailSender")[before]
    assert event["triggerSource"] == "CustomEmailSender_SignUp"
    assert "response" not in event
    assert server.outbox(pool_id) == []
