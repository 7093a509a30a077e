"""Amplify's ``CUSTOM_WITH_SRP``: ``CUSTOM_AUTH`` with ``SRP_A`` and ``CHALLENGE_NAME=SRP_A``.

DefineAuthChallenge sees ``[{SRP_A, true}]`` and asks for ``PASSWORD_VERIFIER`` (answered with
pycognito's SRP proof, as USER_SRP_AUTH is); after a right proof it sees ``[{SRP_A, true},
{PASSWORD_VERIFIER, true}]`` and asks for a ``CUSTOM_CHALLENGE`` or issues tokens. The events
are checked against AWS's (``lambda_triggers.AWS_DEFINE``, from aws-lambda-go's test data and the
guide's "Define auth challenge Lambda trigger" page, whose example branches on exactly these
two session entries).
"""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError
from invoke_api import InvokeApi
from lambda_triggers import (
    AWS_DEFINE,
    CREATE,
    DEFINE,
    PASSWORD,
    VERIFY,
    assert_event,
    create,
    custom_auth_pool,
    from_initiate,
    verify,
)
from pycognito.aws_srp import AWSSRP  # type: ignore[import-untyped]
from support import claims, error_of

SRP_A = {"challengeName": "SRP_A", "challengeResult": True, "challengeMetadata": None}
VERIFIER = {
    "challengeName": "PASSWORD_VERIFIER",
    "challengeResult": True,
    "challengeMetadata": None,
}


def define_with_srp(event: dict[str, Any]) -> dict[str, Any]:
    """The guide's example: SRP_A, then PASSWORD_VERIFIER, then one custom challenge."""
    session = event["request"]["session"]
    response = event["response"]
    if len(session) == 1 and session[0]["challengeName"] == "SRP_A":
        response.update(challengeName="PASSWORD_VERIFIER")
    elif len(session) == 2 and session[1]["challengeName"] == "PASSWORD_VERIFIER":
        response.update(challengeName="CUSTOM_CHALLENGE", issueTokens=False)
    elif session[-1]["challengeName"] == "CUSTOM_CHALLENGE" and session[-1]["challengeResult"]:
        response.update(issueTokens=True)
    else:
        response.update(failAuthentication=True)
    return event


def start(client: Any, pool_id: str, client_id: str, password: str = PASSWORD) -> tuple[Any, Any]:
    srp = AWSSRP(
        username="kim", password=password, pool_id=pool_id, client_id=client_id, client=client
    )
    parameters = srp.get_auth_params() | {"CHALLENGE_NAME": "SRP_A"}
    started = client.initiate_auth(
        ClientId=client_id,
        AuthFlow="CUSTOM_AUTH",
        AuthParameters=parameters,
        ClientMetadata={"app": "web"},
    )
    return srp, started


def prove(client: Any, client_id: str, srp: Any, started: dict[str, Any]) -> Any:
    assert started["ChallengeName"] == "PASSWORD_VERIFIER"
    answer = srp.process_challenge(started["ChallengeParameters"], {"USERNAME": "kim"})
    # As for USER_SRP_AUTH, the SECRET_BLOCK names the exchange: there is no Session.
    assert "Session" not in started
    return client.respond_to_auth_challenge(
        ClientId=client_id,
        ChallengeName="PASSWORD_VERIFIER",
        ChallengeResponses=answer,
        ClientMetadata={"app": "web"},
    )


def test_custom_with_srp_password_then_a_custom_challenge(client: Any, api: InvokeApi) -> None:
    pool_id, client_id = custom_auth_pool(client, "custom-srp")
    api.handlers.update({DEFINE: define_with_srp, CREATE: create, VERIFY: verify})
    srp, started = start(client, pool_id, client_id)
    assert set(started["ChallengeParameters"]) >= {"SRP_B", "SALT", "SECRET_BLOCK"}
    assert started["ChallengeParameters"]["USER_ID_FOR_SRP"] == "kim"
    (first,) = api.events(DEFINE)
    assert_event(first, from_initiate(AWS_DEFINE), request__session=[SRP_A])
    assert api.events(CREATE) == []  # PASSWORD_VERIFIER is Cognito's, not CreateAuthChallenge's

    challenged = prove(client, client_id, srp, started)
    assert challenged["ChallengeName"] == "CUSTOM_CHALLENGE"
    assert challenged["ChallengeParameters"] == {"hint": "your PIN", "USERNAME": "kim"}
    second = api.events(DEFINE)[-1]
    assert_event(
        second,
        AWS_DEFINE,
        request__session=[SRP_A, VERIFIER],
        request__clientMetadata={"app": "web"},
    )
    (made,) = api.events(CREATE)
    assert made["request"]["session"] == [SRP_A, VERIFIER]
    assert made["request"]["challengeName"] == "CUSTOM_CHALLENGE"

    done = client.respond_to_auth_challenge(
        ClientId=client_id,
        ChallengeName="CUSTOM_CHALLENGE",
        Session=challenged["Session"],
        ChallengeResponses={"USERNAME": "kim", "ANSWER": "2468"},
    )
    assert claims(done["AuthenticationResult"]["AccessToken"])["username"] == "kim"
    last = api.events(DEFINE)[-1]["request"]["session"]
    assert last == [
        SRP_A,
        VERIFIER,
        {"challengeName": "CUSTOM_CHALLENGE", "challengeResult": True, "challengeMetadata": "PIN"},
    ]


def test_custom_with_srp_tokens_right_after_the_password(client: Any, api: InvokeApi) -> None:
    pool_id, client_id = custom_auth_pool(client, "custom-srp")

    def password_only(event: dict[str, Any]) -> dict[str, Any]:
        if len(event["request"]["session"]) == 1:
            event["response"]["challengeName"] = "PASSWORD_VERIFIER"
        else:
            event["response"]["issueTokens"] = True
        return event

    api.handlers.update({DEFINE: password_only})
    srp, started = start(client, pool_id, client_id)
    done = prove(client, client_id, srp, started)
    assert claims(done["AuthenticationResult"]["IdToken"])["cognito:username"] == "kim"
    assert [e["request"]["session"] for e in api.events(DEFINE)] == [[SRP_A], [SRP_A, VERIFIER]]


def test_custom_with_srp_a_wrong_password_is_refused_and_counted(
    client: Any, api: InvokeApi
) -> None:
    pool_id, client_id = custom_auth_pool(client, "custom-srp")
    api.handlers.update({DEFINE: define_with_srp, CREATE: create, VERIFY: verify})
    srp, started = start(client, pool_id, client_id, password="Wrong-password-1")
    with pytest.raises(ClientError) as excinfo:
        prove(client, client_id, srp, started)
    assert error_of(excinfo) == ("NotAuthorizedException", "Incorrect username or password.")
    assert len(api.events(DEFINE)) == 1  # the sign-in ends at the wrong proof
    assert api.events(CREATE) == []
    # The same session cannot be answered again, even with the right proof.
    with pytest.raises(ClientError) as again:
        right = AWSSRP(
            username="kim", password=PASSWORD, pool_id=pool_id, client_id=client_id, client=client
        )
        prove(client, client_id, right, started)
    assert error_of(again)[0] == "NotAuthorizedException"


def test_custom_with_srp_without_srp_a_is_refused(client: Any, api: InvokeApi) -> None:
    _pool_id, client_id = custom_auth_pool(client, "custom-srp")
    api.handlers.update({DEFINE: define_with_srp})
    with pytest.raises(ClientError) as excinfo:
        client.initiate_auth(
            ClientId=client_id,
            AuthFlow="CUSTOM_AUTH",
            AuthParameters={"USERNAME": "kim", "CHALLENGE_NAME": "SRP_A"},
        )
    assert error_of(excinfo) == ("InvalidParameterException", "Missing required parameter SRP_A")
    assert api.events(DEFINE) == []


def test_password_verifier_without_srp_a_is_an_unrecognizable_response(
    client: Any, api: InvokeApi
) -> None:
    _pool_id, client_id = custom_auth_pool(client, "custom-srp")

    def asks_for_a_password(event: dict[str, Any]) -> dict[str, Any]:
        event["response"]["challengeName"] = "PASSWORD_VERIFIER"
        return event

    api.handlers.update({DEFINE: asks_for_a_password})
    with pytest.raises(ClientError) as excinfo:
        client.initiate_auth(
            ClientId=client_id, AuthFlow="CUSTOM_AUTH", AuthParameters={"USERNAME": "kim"}
        )
    assert error_of(excinfo) == (
        "InvalidLambdaResponseException",
        "Unrecognizable lambda output",
    )
