"""PreTokenGeneration ``V3_0`` for client credentials (``TokenGeneration_ClientCredentials``):
``POST /oauth2/token`` with ``grant_type=client_credentials`` asks the function, whose
``accessTokenGeneration`` changes the machine token's claims and scopes. V1_0 and V2_0
functions are not asked: AWS sends M2M events to V3_0 only (the guide's "Pre token generation
Lambda trigger" page)."""

from __future__ import annotations

from typing import Any

import pytest
import requests
from invoke_api import InvokeApi
from lambda_triggers import arn, assert_event
from support import claims

from userpools.testing import RunningServer

PRE_TOKEN = arn("pre-token-m2m")
READ, WRITE = "orders/read", "orders/write"
#: The guide's client-credentials sample (version "3"), with AWS's common members.
AWS_CLIENT_CREDENTIALS = {
    "version": "3",
    "triggerSource": "TokenGeneration_ClientCredentials",
    "region": "<region>",
    "userPoolId": "<userPoolId>",
    "userName": "<userName>",
    "callerContext": {"awsSdkVersion": "<sdk>", "clientId": "<client>"},
    "request": {"userAttributes": {}, "groupConfiguration": None, "scopes": []},
    "response": {"claimsAndScopeOverrideDetails": None},
}


def machine(server: RunningServer, version: str) -> tuple[str, str, str]:
    """A pool with PreTokenGeneration at ``version`` and a client-credentials client."""
    client = server.client()
    pool_id = client.create_user_pool(
        PoolName="m2m",
        LambdaConfig={
            "PreTokenGenerationConfig": {"LambdaArn": PRE_TOKEN, "LambdaVersion": version}
        },
    )["UserPool"]["Id"]
    client.create_resource_server(
        UserPoolId=pool_id,
        Identifier="orders",
        Name="Orders",
        Scopes=[
            {"ScopeName": "read", "ScopeDescription": "Read"},
            {"ScopeName": "write", "ScopeDescription": "Write"},
        ],
    )
    created = client.create_user_pool_client(
        UserPoolId=pool_id,
        ClientName="machine",
        GenerateSecret=True,
        AllowedOAuthFlows=["client_credentials"],
        AllowedOAuthScopes=[READ, WRITE],
        AllowedOAuthFlowsUserPoolClient=True,
    )["UserPoolClient"]
    return pool_id, created["ClientId"], created["ClientSecret"]


def token(server: RunningServer, client_id: str, secret: str, **form: str) -> dict[str, Any]:
    reply = requests.post(
        f"{server.endpoint_url}/oauth2/token",
        data={"grant_type": "client_credentials", "scope": f"{READ} {WRITE}", **form},
        auth=(client_id, secret),
        timeout=10,
    )
    assert reply.status_code == 200, reply.text
    return claims(reply.json()["access_token"])


def override(event: dict[str, Any]) -> dict[str, Any]:
    event["response"]["claimsAndScopeOverrideDetails"] = {
        "accessTokenGeneration": {
            "claimsToAddOrOverride": {"tenant": "acme", "zone": "eu", "client_id": "forged"},
            "claimsToSuppress": ["zone", "auth_time"],
            "scopesToAdd": ["orders/audit"],
            "scopesToSuppress": [WRITE],
        }
    }
    return event


def test_v3_changes_the_machine_token(server: RunningServer, api: InvokeApi) -> None:
    pool_id, client_id, secret = machine(server, "V3_0")
    api.handlers[PRE_TOKEN] = override
    got = token(server, client_id, secret)
    assert got["tenant"] == "acme"
    assert got["client_id"] == client_id  # reserved: Cognito's value stays
    assert "zone" not in got  # suppressed beats overridden
    assert isinstance(got["auth_time"], int)  # reserved: cannot be suppressed
    assert got["scope"].split() == [READ, "orders/audit"]
    assert got["sub"] == client_id and got["token_use"] == "access"
    (event,) = api.events(PRE_TOKEN)
    assert_event(
        event,
        AWS_CLIENT_CREDENTIALS,
        userPoolId=pool_id,
        userName=client_id,
        request__scopes=[READ, WRITE],
        request__groupConfiguration=None,
    )
    assert event["callerContext"]["clientId"] == client_id


def test_an_unchanged_event_leaves_the_token(server: RunningServer, api: InvokeApi) -> None:
    _pool_id, client_id, secret = machine(server, "V3_0")
    api.handlers[PRE_TOKEN] = lambda event: event
    got = token(server, client_id, secret)
    assert got["scope"].split() == [READ, WRITE]
    assert len(api.events(PRE_TOKEN)) == 1


@pytest.mark.parametrize("version", ["V1_0", "V2_0"])
def test_v1_and_v2_are_not_asked_for_client_credentials(
    server: RunningServer, api: InvokeApi, version: str
) -> None:
    _pool_id, client_id, secret = machine(server, version)
    api.handlers[PRE_TOKEN] = override
    got = token(server, client_id, secret)
    assert "tenant" not in got and got["scope"].split() == [READ, WRITE]
    assert api.events(PRE_TOKEN) == []


def test_a_failing_function_refuses_the_token_without_a_server_error(
    server: RunningServer, api: InvokeApi
) -> None:
    _pool_id, client_id, secret = machine(server, "V3_0")

    def fail(event: dict[str, Any]) -> dict[str, Any]:
        raise RuntimeError("no tenant for this client")

    api.handlers[PRE_TOKEN] = fail
    reply = requests.post(
        f"{server.endpoint_url}/oauth2/token",
        data={"grant_type": "client_credentials"},
        auth=(client_id, secret),
        timeout=10,
    )
    assert reply.status_code == 400, reply.text
    assert reply.json() == {
        "error": "invalid_request",
        "error_description": "PreTokenGeneration failed with error no tenant for this client.",
    }


def test_aws_client_metadata_reaches_the_function(server: RunningServer, api: InvokeApi) -> None:
    """ "In the POST body of token requests for client credentials, pass an
    aws_client_metadata parameter with the client metadata object URL-encoded" (the guide's
    pre token generation page); the event carries it as ``clientMetadata``."""
    _, client_id, secret = machine(server, "V3_0")
    api.handlers[PRE_TOKEN] = lambda event: event
    token(server, client_id, secret)
    token(server, client_id, secret, aws_client_metadata='{"environment": "dev"}')
    plain, given = api.events(PRE_TOKEN)
    assert "clientMetadata" not in plain["request"]
    assert given["request"]["clientMetadata"] == {"environment": "dev"}


@pytest.mark.parametrize("metadata", ["not json", "[1, 2]", '{"n": 1}'])
def test_unreadable_aws_client_metadata_is_invalid_request(
    server: RunningServer, api: InvokeApi, metadata: str
) -> None:
    """``ClientMetadata`` is a map of strings in the API; anything else is refused before any
    function runs."""
    _, client_id, secret = machine(server, "V3_0")
    api.handlers[PRE_TOKEN] = lambda event: event
    reply = requests.post(
        f"{server.endpoint_url}/oauth2/token",
        data={"grant_type": "client_credentials", "aws_client_metadata": metadata},
        auth=(client_id, secret),
        timeout=10,
    )
    assert (reply.status_code, reply.json()) == (400, {"error": "invalid_request"})
    assert api.events(PRE_TOKEN) == []
