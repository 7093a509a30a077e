"""Amplify JS v6 signs in with ``authFlowType: 'CUSTOM_WITHOUT_SRP'`` and
``'CUSTOM_WITH_SRP'`` (its password proven by SRP first), answering a custom challenge
decided by Define/Create/VerifyAuthChallenge (run by ``invoke_api.py``'s Invoke API).

The Node process is ``tests/js/amplify_steps.mjs`` (as in test_amplify.py); Node and
``tests/js/node_modules`` are required: without them these tests fail (never skip).
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from typing import Any

import pytest
from invoke_api import InvokeApi
from lambda_triggers import CREATE, DEFINE, PASSWORD, VERIFY, arn, define, verify
from test_amplify import JS_DIR, Amplify

from userpools.testing import RunningServer

DEFINE_SRP = arn("define-srp")


def define_srp(event: dict[str, Any]) -> dict[str, Any]:
    """SRP_A, then PASSWORD_VERIFIER, then custom challenges (AWS's CUSTOM_WITH_SRP example)."""
    session = event["request"]["session"]
    if len(session) == 1 and session[0]["challengeName"] == "SRP_A":
        event["response"]["challengeName"] = "PASSWORD_VERIFIER"
    elif len(session) == 2 and session[1]["challengeName"] == "PASSWORD_VERIFIER":
        event["response"]["challengeName"] = "CUSTOM_CHALLENGE"
    elif session[-1]["challengeResult"]:
        event["response"]["issueTokens"] = True
    else:
        event["response"]["failAuthentication"] = True
    return event


def create(event: dict[str, Any]) -> dict[str, Any]:
    event["response"]["publicChallengeParameters"] = {"question": "2 + 2"}
    event["response"]["privateChallengeParameters"] = {"answer": "4"}
    return event


def custom_pool(client: Any, name: str, define_arn: str, username: str) -> tuple[str, str]:
    """A pool whose custom challenge ``define_arn`` decides, a web client that may use it, and
    a confirmed ``username``; the pool's and the client's ids."""
    pool_id = client.create_user_pool(
        PoolName=name,
        LambdaConfig={
            "DefineAuthChallenge": define_arn,
            "CreateAuthChallenge": CREATE,
            "VerifyAuthChallengeResponse": VERIFY,
        },
    )["UserPool"]["Id"]
    client_id = client.create_user_pool_client(
        UserPoolId=pool_id,
        ClientName="web",
        ExplicitAuthFlows=["ALLOW_CUSTOM_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
    )["UserPoolClient"]["ClientId"]
    client.admin_create_user(UserPoolId=pool_id, Username=username, MessageAction="SUPPRESS")
    client.admin_set_user_password(
        UserPoolId=pool_id, Username=username, Password=PASSWORD, Permanent=True
    )
    return pool_id, client_id


@pytest.fixture(scope="module")
def invoke_api(invoke_api: InvokeApi) -> InvokeApi:
    """conftest.py's Lambda Invoke API, with this module's functions for all its tests."""
    invoke_api.handlers.update(
        {DEFINE: define, DEFINE_SRP: define_srp, CREATE: create, VERIFY: verify}
    )
    return invoke_api


@pytest.fixture(scope="module")
def amplify(server: RunningServer) -> Iterator[Amplify]:
    node = shutil.which("node")
    if node is None:
        pytest.fail("Node.js (20+) is not on PATH: install it, then run `make js-deps`")
    if not (JS_DIR / "node_modules" / "aws-amplify").is_dir():
        pytest.fail(f"{JS_DIR / 'node_modules'} has no aws-amplify: run `make js-deps`")
    process = Amplify(node)
    yield process
    process.close()


def test_amplify_custom_without_srp(
    server: RunningServer, amplify: Amplify, invoke_api: InvokeApi
) -> None:
    client = server.client()
    pool_id, client_id = custom_pool(client, "amplify-custom", DEFINE, "amy")
    amplify.done("configure", endpoint=server.endpoint_url, userPoolId=pool_id, clientId=client_id)

    started = amplify.done("signIn", username="amy", authFlowType="CUSTOM_WITHOUT_SRP")
    assert started["isSignedIn"] is False
    assert started["nextStep"]["signInStep"] == "CONFIRM_SIGN_IN_WITH_CUSTOM_CHALLENGE"
    assert started["nextStep"]["additionalInfo"]["question"] == "2 + 2"

    wrong = amplify.done("confirmSignIn", challengeResponse="5")
    assert wrong["nextStep"]["signInStep"] == "CONFIRM_SIGN_IN_WITH_CUSTOM_CHALLENGE"
    done = amplify.done("confirmSignIn", challengeResponse="4")
    assert done["isSignedIn"] is True
    assert amplify.done("currentUser")["username"] == "amy"
    sessions = [
        e["request"]["session"] for e in invoke_api.events(DEFINE) if e["userPoolId"] == pool_id
    ]
    assert [[s["challengeResult"] for s in session] for session in sessions] == [
        [],
        [False],
        [False, True],
    ]
    amplify.done("signOut", **{"global": False})


def test_amplify_custom_with_srp(
    server: RunningServer, amplify: Amplify, invoke_api: InvokeApi
) -> None:
    client = server.client()
    pool_id, client_id = custom_pool(client, "amplify-custom-srp", DEFINE_SRP, "ivy")
    amplify.done("configure", endpoint=server.endpoint_url, userPoolId=pool_id, clientId=client_id)

    wrong = amplify.step(
        "signIn", username="ivy", password="Wrong-horse-1", authFlowType="CUSTOM_WITH_SRP"
    )
    assert (wrong["ok"], wrong.get("name")) == (False, "NotAuthorizedException")

    started = amplify.done(
        "signIn", username="ivy", password=PASSWORD, authFlowType="CUSTOM_WITH_SRP"
    )
    assert started["isSignedIn"] is False
    assert started["nextStep"]["signInStep"] == "CONFIRM_SIGN_IN_WITH_CUSTOM_CHALLENGE"
    assert started["nextStep"]["additionalInfo"]["question"] == "2 + 2"
    done = amplify.done("confirmSignIn", challengeResponse="4")
    assert done["isSignedIn"] is True
    assert amplify.done("currentUser")["username"] == "ivy"
    sessions = [
        [(s["challengeName"], s["challengeResult"]) for s in e["request"]["session"]]
        for e in invoke_api.events(DEFINE_SRP)
        if e["userPoolId"] == pool_id
    ]
    assert sessions == [
        [("SRP_A", True)],  # the wrong password
        [("SRP_A", True)],
        [("SRP_A", True), ("PASSWORD_VERIFIER", True)],
        [("SRP_A", True), ("PASSWORD_VERIFIER", True), ("CUSTOM_CHALLENGE", True)],
    ]
    amplify.done("signOut", **{"global": False})
