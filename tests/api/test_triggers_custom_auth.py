"""CUSTOM_AUTH through the Lambda Invoke API: DefineAuthChallenge, CreateAuthChallenge and
VerifyAuthChallengeResponse with the session's history, each event compared with AWS's
(``lambda_triggers.AWS_DEFINE`` and its neighbours, from aws-lambda-go's test data and the
guide's "Custom authentication challenge Lambda triggers" pages)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from botocore.exceptions import ClientError
from invoke_api import InvokeApi
from lambda_triggers import (
    AWS_CREATE,
    AWS_DEFINE,
    AWS_VERIFY,
    CREATE,
    DEFINE,
    VERIFY,
    assert_event,
    create,
    custom_auth_pool,
    define,
    from_initiate,
    invocations,
    verify,
)
from support import claims, error_of

from userpools.testing import RunningServer


def test_custom_auth_with_the_session_history(
    server: RunningServer, client: Any, api: InvokeApi
) -> None:
    pool_id, client_id = custom_auth_pool(client, "custom")
    api.handlers.update({DEFINE: define, CREATE: create, VERIFY: verify})
    started = client.initiate_auth(
        ClientId=client_id,
        AuthFlow="CUSTOM_AUTH",
        AuthParameters={"USERNAME": "kim"},
        ClientMetadata={"channel": "sms"},
    )
    assert started["ChallengeName"] == "CUSTOM_CHALLENGE"
    assert started["ChallengeParameters"] == {"hint": "your PIN", "USERNAME": "kim"}
    (first,) = api.events(DEFINE)
    assert_event(first, from_initiate(AWS_DEFINE), request__session=[])
    (made,) = api.events(CREATE)
    assert_event(
        made,
        from_initiate(AWS_CREATE),
        request__challengeName="CUSTOM_CHALLENGE",
        request__session=[],
    )

    wrong = client.respond_to_auth_challenge(
        ClientId=client_id,
        ChallengeName="CUSTOM_CHALLENGE",
        Session=started["Session"],
        ChallengeResponses={"USERNAME": "kim", "ANSWER": "0000"},
        ClientMetadata={"channel": "sms"},
    )
    assert wrong["ChallengeName"] == "CUSTOM_CHALLENGE"
    (checked,) = api.events(VERIFY)
    assert_event(
        checked,
        AWS_VERIFY,
        request__privateChallengeParameters={"answer": "2468"},
        request__challengeAnswer="0000",
    )
    failed = {"challengeName": "CUSTOM_CHALLENGE", "challengeResult": False}
    assert api.events(DEFINE)[-1]["request"]["session"] == [failed | {"challengeMetadata": "PIN"}]
    with pytest.raises(ClientError) as excinfo:  # an answered session is used up
        client.respond_to_auth_challenge(
            ClientId=client_id,
            ChallengeName="CUSTOM_CHALLENGE",
            Session=started["Session"],
            ChallengeResponses={"USERNAME": "kim", "ANSWER": "2468"},
        )
    assert error_of(excinfo) == (
        "NotAuthorizedException",
        "Invalid session for the user, session can only be used once.",
    )

    done = client.respond_to_auth_challenge(
        ClientId=client_id,
        ChallengeName="CUSTOM_CHALLENGE",
        Session=wrong["Session"],
        ChallengeResponses={"USERNAME": "kim", "ANSWER": "2468"},
    )
    assert claims(done["AuthenticationResult"]["AccessToken"])["username"] == "kim"
    assert [len(e["request"]["session"]) for e in api.events(DEFINE)] == [0, 1, 2]
    # The record keeps no answer and no private parameter. (Compared as JSON strings: the
    # digits alone may turn up inside a timestamp or an id.)
    recorded = json.dumps(invocations(server, pool_id))
    assert '"2468"' not in recorded and '"0000"' not in recorded
    assert '"[redacted]"' in recorded


def test_custom_auth_fails_after_three_wrong_answers(client: Any, api: InvokeApi) -> None:
    pool_id, client_id = custom_auth_pool(client, "custom")
    api.handlers.update({DEFINE: define, CREATE: create, VERIFY: verify})
    step = client.admin_initiate_auth(
        UserPoolId=pool_id,
        ClientId=client_id,
        AuthFlow="CUSTOM_AUTH",
        AuthParameters={"USERNAME": "kim"},
    )
    for attempt in range(3):
        if attempt == 2:
            with pytest.raises(ClientError) as excinfo:
                _answer(client, pool_id, client_id, step, "9999")
            assert error_of(excinfo) == (
                "NotAuthorizedException",
                "Incorrect username or password.",
            )
        else:
            step = _answer(client, pool_id, client_id, step, "9999")
            assert step["ChallengeName"] == "CUSTOM_CHALLENGE"


def _answer(client: Any, pool_id: str, client_id: str, step: dict[str, Any], answer: str) -> Any:
    return client.admin_respond_to_auth_challenge(
        UserPoolId=pool_id,
        ClientId=client_id,
        ChallengeName="CUSTOM_CHALLENGE",
        Session=step["Session"],
        ChallengeResponses={"USERNAME": "kim", "ANSWER": answer},
    )
