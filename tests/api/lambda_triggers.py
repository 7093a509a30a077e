"""What the trigger suites (``test_triggers*.py``) share: function ARNs, AWS's documented events
and the check that an event has exactly their keys, the handlers and pools more than one suite
uses, and a confirmed user who signs in with a password.

Each documented event names its source beside it: the Amazon Cognito Developer Guide's trigger
pages, or aws/aws-lambda-go's ``events/testdata``.
"""

from __future__ import annotations

import json
import urllib.request
from typing import Any

from userpools.testing import RunningServer

ACCOUNT = "123456789012"
PASSWORD = "Correct-horse-1"


def arn(name: str) -> str:
    return f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:{name}"


PRE_SIGN_UP = arn("pre-sign-up")
POST_CONFIRMATION = arn("post-confirmation")


#: Members whose values are maps of the caller's own keys: compared by value, not by shape.
USER_MAPS = {
    "userAttributes",
    "validationData",
    "clientMetadata",
    "privateChallengeParameters",
    "publicChallengeParameters",
}


def shape(event: dict[str, Any], prefix: str = "") -> set[str]:
    """The key paths of an event, user-keyed maps counted as leaves."""
    paths = set()
    for key, value in event.items():
        path = f"{prefix}{key}"
        paths.add(path)
        if isinstance(value, dict) and key not in USER_MAPS:
            paths |= shape(value, path + ".")
    return paths


def assert_event(received: dict[str, Any], documented: dict[str, Any], **values: Any) -> None:
    """``received`` has exactly the documented keys, and the given values."""
    assert shape(received) == shape(documented)
    for dotted, expected in values.items():
        found: Any = received
        for part in dotted.split("__"):
            found = found[part]
        assert found == expected, dotted


def from_initiate(documented: dict[str, Any]) -> dict[str, Any]:
    """``documented`` as a trigger InitiateAuth invokes gets it: without ``clientMetadata``.
    InitiateAuth and AdminInitiateAuth pass ``ClientMetadata`` to Pre authentication and User
    migration as ``validationData``, and invoke Define and Create auth challenge, Custom
    message, the custom senders, Post authentication and Pre token generation "but [don't]
    pass ClientMetadata" (the API reference's ``ClientMetadata`` of both operations)."""
    request = {k: v for k, v in documented["request"].items() if k != "clientMetadata"}
    return documented | {"request": request}


def invocations(server: RunningServer, pool_id: str) -> list[dict[str, Any]]:
    """The pool's recorded invocations, newest first (``GET /_userpools/triggers``)."""
    url = f"{server.endpoint_url}/_userpools/triggers?pool={pool_id}"
    with urllib.request.urlopen(url) as reply:
        found: list[dict[str, Any]] = json.loads(reply.read())["invocations"]
    return found


def passthrough(event: dict[str, Any]) -> dict[str, Any]:
    return event


def make_pool(client: Any, **config: Any) -> tuple[str, str]:
    """A pool made with ``config`` (its ``LambdaConfig``) and a client that signs in with a
    password; their ids."""
    pool = client.create_user_pool(PoolName="triggers", **config)["UserPool"]
    app = client.create_user_pool_client(
        UserPoolId=pool["Id"],
        ClientName="app",
        ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
    )["UserPoolClient"]
    return pool["Id"], app["ClientId"]


def confirmed_user(
    client: Any, pool_id: str, username: str = "kim", attributes: dict[str, str] | None = None
) -> None:
    """A confirmed user with :data:`PASSWORD` and ``attributes`` (by default an email and a
    ``family_name``; ``{}``: none), created with no message."""
    given = (
        {"email": f"{username}@example.com", "family_name": "Original"}
        if attributes is None
        else attributes
    )
    client.admin_create_user(
        UserPoolId=pool_id,
        Username=username,
        **(
            {"UserAttributes": [{"Name": k, "Value": v} for k, v in given.items()]} if given else {}
        ),
        MessageAction="SUPPRESS",
    )
    client.admin_set_user_password(
        UserPoolId=pool_id, Username=username, Password=PASSWORD, Permanent=True
    )


def sign_in(
    client: Any, client_id: str, username: str = "kim", password: str = PASSWORD, **extra: Any
) -> Any:
    """``USER_PASSWORD_AUTH``'s InitiateAuth; ``extra`` goes to it too."""
    return client.initiate_auth(
        ClientId=client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": username, "PASSWORD": password},
        **extra,
    )


#: A pool whose users may sign in with an EMAIL_OTP or SMS_OTP code (``USER_AUTH``).
WITH_CODES = {"SignInPolicy": {"AllowedFirstAuthFactors": ["PASSWORD", "EMAIL_OTP", "SMS_OTP"]}}
#: A user both codes can reach.
CODE_USER = {
    "email": "ann@example.com",
    "email_verified": "true",
    "phone_number": "+15555550100",
    "phone_number_verified": "true",
}


def code_pool(client: Any, name: str, lambda_config: dict[str, Any]) -> tuple[str, str]:
    """A :data:`WITH_CODES` pool with ``lambda_config``, a ``USER_AUTH`` client, and ``ann``
    (:data:`CODE_USER`); the pool's and the client's ids."""
    pool_id = client.create_user_pool(
        PoolName=name, Policies=WITH_CODES, LambdaConfig=lambda_config
    )["UserPool"]["Id"]
    client_id = client.create_user_pool_client(
        UserPoolId=pool_id, ClientName="app", ExplicitAuthFlows=["ALLOW_USER_AUTH"]
    )["UserPoolClient"]["ClientId"]
    confirmed_user(client, pool_id, "ann", CODE_USER)
    return pool_id, client_id


# CustomMessage ----------------------------------------------------------------------------------

CUSTOM_MESSAGE = arn("custom-message")

# CUSTOM_AUTH: a PIN as the custom challenge, three tries ------------------------------------------

DEFINE = arn("define")
CREATE = arn("create")
VERIFY = arn("verify")
_COMMON = {
    "version": "1",
    "region": "<region>",
    "userPoolId": "<userPoolId>",
    "userName": "<userName>",
    "callerContext": {"awsSdkVersion": "<sdk>", "clientId": "<client>"},
}
#: aws/aws-lambda-go events/testdata/cognito-event-userpools-{define,create,verify}-auth-challenge
#: .json, as the guide's "Custom authentication challenge Lambda triggers" pages show them.
AWS_DEFINE = _COMMON | {
    "triggerSource": "DefineAuthChallenge_Authentication",
    "request": {"userAttributes": {}, "session": [], "clientMetadata": {}, "userNotFound": False},
    "response": {"challengeName": None, "issueTokens": False, "failAuthentication": False},
}
AWS_CREATE = _COMMON | {
    "triggerSource": "CreateAuthChallenge_Authentication",
    "request": {
        "userAttributes": {},
        "challengeName": "CUSTOM_CHALLENGE",
        "session": [],
        "clientMetadata": {},
        "userNotFound": False,
    },
    "response": {
        "publicChallengeParameters": None,
        "privateChallengeParameters": None,
        "challengeMetadata": None,
    },
}
AWS_VERIFY = _COMMON | {
    "triggerSource": "VerifyAuthChallengeResponse_Authentication",
    "request": {
        "userAttributes": {},
        "privateChallengeParameters": {},
        "challengeAnswer": "<answer>",
        "clientMetadata": {},
        "userNotFound": False,
    },
    "response": {"answerCorrect": None},
}


def define(event: dict[str, Any]) -> dict[str, Any]:
    session = event["request"]["session"]
    if session and session[-1]["challengeResult"]:
        event["response"].update(issueTokens=True, failAuthentication=False)
    elif len(session) >= 3:
        event["response"].update(issueTokens=False, failAuthentication=True)
    else:
        event["response"].update(challengeName="CUSTOM_CHALLENGE", issueTokens=False)
    return event


def create(event: dict[str, Any]) -> dict[str, Any]:
    event["response"] = {
        "publicChallengeParameters": {"hint": "your PIN"},
        "privateChallengeParameters": {"answer": "2468"},
        "challengeMetadata": "PIN",
    }
    return event


def verify(event: dict[str, Any]) -> dict[str, Any]:
    expected = event["request"]["privateChallengeParameters"]["answer"]
    event["response"]["answerCorrect"] = event["request"]["challengeAnswer"] == expected
    return event


def custom_auth_pool(client: Any, name: str, *flows: str) -> tuple[str, str]:
    """A pool whose custom challenge :data:`DEFINE`, :data:`CREATE` and :data:`VERIFY` run, a
    client allowed ``CUSTOM_AUTH`` and ``flows``, and a :func:`confirmed_user`; their ids."""
    pool = client.create_user_pool(
        PoolName=name,
        LambdaConfig={
            "DefineAuthChallenge": DEFINE,
            "CreateAuthChallenge": CREATE,
            "VerifyAuthChallengeResponse": VERIFY,
        },
    )["UserPool"]
    app = client.create_user_pool_client(
        UserPoolId=pool["Id"], ClientName="app", ExplicitAuthFlows=["ALLOW_CUSTOM_AUTH", *flows]
    )["UserPoolClient"]
    confirmed_user(client, pool["Id"])
    return pool["Id"], app["ClientId"]
