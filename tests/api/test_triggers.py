"""Lambda triggers through the Lambda Invoke API: events, responses, errors, the record.

A server of its own per store (``--lambda-endpoint`` pointing at ``invoke_api.py``'s real HTTP
server) is driven with boto3. Each handler records the event it received, and the test compares
it key by key with AWS's documented event; each response field's effect is checked; each error
kind gives its exception and message, with nothing half-written.
"""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest
from botocore.exceptions import ClientError
from invoke_api import Garbage, InvokeApi, running
from support import error_of

from userpools.testing import RunningServer, start_server

ACCOUNT = "123456789012"
PASSWORD = "Correct-horse-1"


def arn(name: str) -> str:
    return f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:{name}"


PRE_SIGN_UP = arn("pre-sign-up")
POST_CONFIRMATION = arn("post-confirmation")

#: aws/aws-lambda-go events/testdata/cognito-event-userpools-presignup.json (the developer
#: guide's "Pre sign-up Lambda trigger" sample has the same keys).
AWS_PRE_SIGN_UP = {
    "version": "1",
    "triggerSource": "PreSignUp_SignUp",
    "region": "<region>",
    "userPoolId": "<userPoolId>",
    "userName": "<userName>",
    "callerContext": {"awsSdkVersion": "<sdk>", "clientId": "<client>"},
    "request": {
        "userAttributes": {"email": "<email>"},
        "validationData": {"k1": "v1"},
        "clientMetadata": {"exampleMetadataKey": "example metadata value"},
    },
    "response": {"autoConfirmUser": False, "autoVerifyEmail": True, "autoVerifyPhone": True},
}
#: The guide's "Post confirmation Lambda trigger" sample.
AWS_POST_CONFIRMATION = {
    "version": "1",
    "triggerSource": "PostConfirmation_ConfirmSignUp",
    "region": "<region>",
    "userPoolId": "<userPoolId>",
    "userName": "<userName>",
    "callerContext": {"awsSdkVersion": "<sdk>", "clientId": "<client>"},
    "request": {
        "userAttributes": {"email": "<email>"},
        "clientMetadata": {"exampleMetadataKey": "example metadata value"},
    },
    "response": {},
}
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


@pytest.fixture(scope="module")
def invoke_api() -> Iterator[InvokeApi]:
    with running() as api:
        yield api


@pytest.fixture(scope="module")
def server(
    store_kind: str,
    invoke_api: InvokeApi,
    tmp_path_factory: pytest.TempPathFactory,
    request: pytest.FixtureRequest,
) -> Iterator[RunningServer]:
    db_path = tmp_path_factory.mktemp("triggers") / "userpools.db"
    database_url = request.getfixturevalue("postgres_url") if store_kind == "postgres" else None
    yield from start_server(db_path, database_url=database_url, lambda_endpoint=invoke_api.url)


@pytest.fixture
def api(invoke_api: InvokeApi) -> Iterator[InvokeApi]:
    invoke_api.reset()
    yield invoke_api
    assert invoke_api.problems == []


@pytest.fixture
def client(server: RunningServer) -> Any:
    return server.client()


def make_pool(client: Any, **config: Any) -> tuple[str, str]:
    pool = client.create_user_pool(PoolName="triggers", **config)["UserPool"]
    app = client.create_user_pool_client(
        UserPoolId=pool["Id"],
        ClientName="app",
        ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
    )["UserPoolClient"]
    return pool["Id"], app["ClientId"]


def passthrough(event: dict[str, Any]) -> dict[str, Any]:
    return event


# configuration ------------------------------------------------------------------------------


def test_lambda_config_is_stored_as_aws_stores_it(client: Any) -> None:
    config = {
        "PreSignUp": PRE_SIGN_UP,
        "PostConfirmation": POST_CONFIRMATION,
        "PreTokenGenerationConfig": {"LambdaVersion": "V2_0", "LambdaArn": arn("tokens")},
        "CustomEmailSender": {"LambdaVersion": "V1_0", "LambdaArn": arn("email")},
        "CustomSMSSender": {"LambdaVersion": "V1_0", "LambdaArn": arn("sms")},
        "KMSKeyID": f"arn:aws:kms:us-east-1:{ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab",
    }
    pool_id, _ = make_pool(client, LambdaConfig=config)
    described = client.describe_user_pool(UserPoolId=pool_id)["UserPool"]["LambdaConfig"]
    assert described == config


# PreSignUp and PostConfirmation ---------------------------------------------------------------


def test_pre_sign_up_event_is_awss_and_auto_confirm_fires_post_confirmation(
    client: Any, api: InvokeApi
) -> None:
    pool_id, client_id = make_pool(
        client, LambdaConfig={"PreSignUp": PRE_SIGN_UP, "PostConfirmation": POST_CONFIRMATION}
    )

    def confirm(event: dict[str, Any]) -> dict[str, Any]:
        event["response"]["autoConfirmUser"] = True
        event["response"]["autoVerifyEmail"] = True
        return event

    api.handlers[PRE_SIGN_UP] = confirm
    api.handlers[POST_CONFIRMATION] = passthrough
    answer = client.sign_up(
        ClientId=client_id,
        Username="ann",
        Password=PASSWORD,
        UserAttributes=[{"Name": "email", "Value": "ann@example.com"}],
        ValidationData=[{"Name": "invite", "Value": "abc"}],
        ClientMetadata={"source": "test"},
    )
    assert answer["UserConfirmed"] is True
    assert "CodeDeliveryDetails" not in answer
    (event,) = api.events(PRE_SIGN_UP)
    assert_event(
        event,
        AWS_PRE_SIGN_UP,
        version="1",
        triggerSource="PreSignUp_SignUp",
        region="us-east-1",
        userPoolId=pool_id,
        userName="ann",
        callerContext__clientId=client_id,
        request__userAttributes={"email": "ann@example.com"},
        request__validationData={"invite": "abc"},
        request__clientMetadata={"source": "test"},
        response={"autoConfirmUser": False, "autoVerifyEmail": False, "autoVerifyPhone": False},
    )
    (posted,) = api.events(POST_CONFIRMATION)
    assert_event(
        posted,
        AWS_POST_CONFIRMATION,
        triggerSource="PostConfirmation_ConfirmSignUp",
        userName="ann",
        callerContext__clientId=client_id,
        request__clientMetadata={"source": "test"},
    )
    attributes = posted["request"]["userAttributes"]
    assert attributes["email"] == "ann@example.com"
    assert attributes["email_verified"] == "true"
    assert attributes["cognito:user_status"] == "CONFIRMED"
    assert attributes["sub"] == answer["UserSub"]
    user = client.admin_get_user(UserPoolId=pool_id, Username="ann")
    assert user["UserStatus"] == "CONFIRMED"
    tokens = client.initiate_auth(
        ClientId=client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": "ann", "PASSWORD": PASSWORD},
    )
    assert "AccessToken" in tokens["AuthenticationResult"]


def test_without_auto_confirm_the_user_waits_for_its_code(
    server: RunningServer, client: Any, api: InvokeApi
) -> None:
    pool_id, client_id = make_pool(
        client,
        LambdaConfig={"PreSignUp": PRE_SIGN_UP, "PostConfirmation": POST_CONFIRMATION},
        AutoVerifiedAttributes=["email"],
    )
    api.handlers[PRE_SIGN_UP] = passthrough
    api.handlers[POST_CONFIRMATION] = passthrough
    answer = client.sign_up(
        ClientId=client_id,
        Username="bo",
        Password=PASSWORD,
        UserAttributes=[{"Name": "email", "Value": "bo@example.com"}],
    )
    assert answer["UserConfirmed"] is False
    (event,) = api.events(PRE_SIGN_UP)
    assert event["request"]["validationData"] is None
    assert "clientMetadata" not in event["request"]
    assert api.events(POST_CONFIRMATION) == []
    (message,) = server.outbox(pool_id)
    code = message.body.split()[-1].strip(".")
    client.confirm_sign_up(
        ClientId=client_id,
        Username="bo",
        ConfirmationCode=code,
        ClientMetadata={"step": "confirm"},
    )
    (posted,) = api.events(POST_CONFIRMATION)
    assert posted["triggerSource"] == "PostConfirmation_ConfirmSignUp"
    assert posted["request"]["clientMetadata"] == {"step": "confirm"}
    assert posted["request"]["userAttributes"]["email_verified"] == "true"


def test_auto_verify_phone_without_a_phone_fails_and_creates_nothing(
    client: Any, api: InvokeApi
) -> None:
    pool_id, client_id = make_pool(client, LambdaConfig={"PreSignUp": PRE_SIGN_UP})

    def verify_phone(event: dict[str, Any]) -> dict[str, Any]:
        event["response"]["autoVerifyPhone"] = True
        return event

    api.handlers[PRE_SIGN_UP] = verify_phone
    with pytest.raises(ClientError) as excinfo:
        client.sign_up(ClientId=client_id, Username="cy", Password=PASSWORD)
    assert error_of(excinfo)[0] == "InvalidParameterException"
    assert client.list_users(UserPoolId=pool_id)["Users"] == []


def test_admin_create_user_sends_its_source_and_ignores_the_flags(
    client: Any, api: InvokeApi
) -> None:
    pool_id, _ = make_pool(
        client, LambdaConfig={"PreSignUp": PRE_SIGN_UP, "PostConfirmation": POST_CONFIRMATION}
    )

    def confirm(event: dict[str, Any]) -> dict[str, Any]:
        event["response"] = {"autoConfirmUser": True, "autoVerifyEmail": True}
        return event

    api.handlers[PRE_SIGN_UP] = confirm
    created = client.admin_create_user(
        UserPoolId=pool_id,
        Username="dee",
        UserAttributes=[{"Name": "email", "Value": "dee@example.com"}],
        ValidationData=[{"Name": "k", "Value": "v"}],
        ClientMetadata={"by": "admin"},
        MessageAction="SUPPRESS",
    )["User"]
    assert created["UserStatus"] == "FORCE_CHANGE_PASSWORD"
    assert {"Name": "email_verified", "Value": "true"} not in created["Attributes"]
    (event,) = api.events(PRE_SIGN_UP)
    assert_event(
        event,
        AWS_PRE_SIGN_UP,
        triggerSource="PreSignUp_AdminCreateUser",
        userName="dee",
        callerContext__clientId="CLIENT_ID_NOT_APPLICABLE",
        request__validationData={"k": "v"},
        request__clientMetadata={"by": "admin"},
    )
    assert api.events(POST_CONFIRMATION) == []


def test_confirm_forgot_password_fires_post_confirmation(
    server: RunningServer, client: Any, api: InvokeApi
) -> None:
    pool_id, client_id = make_pool(client, LambdaConfig={"PostConfirmation": POST_CONFIRMATION})
    api.handlers[POST_CONFIRMATION] = passthrough
    client.admin_create_user(
        UserPoolId=pool_id,
        Username="eve",
        UserAttributes=[
            {"Name": "email", "Value": "eve@example.com"},
            {"Name": "email_verified", "Value": "true"},
        ],
        MessageAction="SUPPRESS",
    )
    client.admin_set_user_password(
        UserPoolId=pool_id, Username="eve", Password=PASSWORD, Permanent=True
    )
    client.forgot_password(ClientId=client_id, Username="eve")
    code = server.outbox(pool_id)[-1].body.split()[-1].strip(".")
    client.confirm_forgot_password(
        ClientId=client_id, Username="eve", ConfirmationCode=code, Password="New-password-2"
    )
    (posted,) = api.events(POST_CONFIRMATION)
    assert_event(
        posted,
        AWS_POST_CONFIRMATION | {"request": {"userAttributes": {}}},
        triggerSource="PostConfirmation_ConfirmForgotPassword",
        userName="eve",
    )


# the four errors, nothing half-written -----------------------------------------------------


def sign_up_error(client: Any, pool_id: str, client_id: str) -> tuple[str, str]:
    before = client.list_users(UserPoolId=pool_id)["Users"]
    with pytest.raises(ClientError) as excinfo:
        client.sign_up(ClientId=client_id, Username="fay", Password=PASSWORD)
    assert client.list_users(UserPoolId=pool_id)["Users"] == before
    return error_of(excinfo)


def test_a_handler_error_is_user_lambda_validation(client: Any, api: InvokeApi) -> None:
    pool_id, client_id = make_pool(client, LambdaConfig={"PreSignUp": PRE_SIGN_UP})

    def refuse(event: dict[str, Any]) -> dict[str, Any]:
        raise ValueError("Registration from this domain is not allowed.")

    api.handlers[PRE_SIGN_UP] = refuse
    assert sign_up_error(client, pool_id, client_id) == (
        "UserLambdaValidationException",
        "PreSignUp failed with error Registration from this domain is not allowed..",
    )


def test_unreadable_output_is_invalid_lambda_response(client: Any, api: InvokeApi) -> None:
    pool_id, client_id = make_pool(client, LambdaConfig={"PreSignUp": PRE_SIGN_UP})
    api.handlers[PRE_SIGN_UP] = lambda event: Garbage(b"<html>not json</html>")
    assert sign_up_error(client, pool_id, client_id) == (
        "InvalidLambdaResponseException",
        "Unrecognizable lambda output",
    )


def test_a_missing_function_is_unexpected_lambda(
    client: Any, api: InvokeApi, caplog: pytest.LogCaptureFixture
) -> None:
    pool_id, client_id = make_pool(client, LambdaConfig={"PreSignUp": PRE_SIGN_UP})
    assert sign_up_error(client, pool_id, client_id) == (
        "UnexpectedLambdaException",
        "PreSignUp invocation failed due to error ResourceNotFoundException.",
    )


def test_throttling_is_retried_up_to_three_attempts(client: Any, api: InvokeApi) -> None:
    pool_id, client_id = make_pool(client, LambdaConfig={"PreSignUp": PRE_SIGN_UP})
    api.handlers[PRE_SIGN_UP] = passthrough
    api.throttle[PRE_SIGN_UP] = 2
    client.sign_up(ClientId=client_id, Username="gus", Password=PASSWORD)
    assert len(api.events(PRE_SIGN_UP)) == 3
    api.throttle[PRE_SIGN_UP] = 3
    assert sign_up_error(client, pool_id, client_id)[0] == "UnexpectedLambdaException"
    assert len(api.events(PRE_SIGN_UP)) == 6


def test_a_timeout_is_unexpected_lambda(client: Any, api: InvokeApi) -> None:
    pool_id, client_id = make_pool(client, LambdaConfig={"PreSignUp": PRE_SIGN_UP})
    api.handlers[PRE_SIGN_UP] = passthrough
    api.delay[PRE_SIGN_UP] = 5.5
    assert sign_up_error(client, pool_id, client_id) == (
        "UnexpectedLambdaException",
        "PreSignUp invocation failed due to error TimeoutException.",
    )


def test_a_server_without_an_endpoint_refuses_at_invocation(
    fresh_database: dict[str, Any], caplog: pytest.LogCaptureFixture
) -> None:
    for own in start_server(**fresh_database):
        client = own.client()
        pool_id, client_id = make_pool(client, LambdaConfig={"PreSignUp": PRE_SIGN_UP})
        with caplog.at_level("ERROR", logger="userpools.triggers"):
            code, message = sign_up_error(client, pool_id, client_id)
        assert code == "UnexpectedLambdaException"
        assert message == "PreSignUp invocation failed due to error ResourceNotFoundException."
        (line,) = [r.getMessage() for r in caplog.records if r.name == "userpools.triggers"]
        assert "PreSignUp" in line and PRE_SIGN_UP in line and pool_id in line


# the record ---------------------------------------------------------------------------------


def test_every_invocation_is_recorded(server: RunningServer, client: Any, api: InvokeApi) -> None:
    pool_id, client_id = make_pool(client, LambdaConfig={"PreSignUp": PRE_SIGN_UP})
    api.handlers[PRE_SIGN_UP] = passthrough
    client.sign_up(ClientId=client_id, Username="hal", Password=PASSWORD)
    api.handlers[PRE_SIGN_UP] = lambda event: Garbage(b"?")
    with pytest.raises(ClientError):
        client.sign_up(ClientId=client_id, Username="ida", Password=PASSWORD)
    url = f"{server.endpoint_url}/_userpools/triggers?pool={pool_id}"
    with urllib.request.urlopen(url) as reply:
        found = json.loads(reply.read())["invocations"]
    assert [(i["username"], i["outcome"]) for i in found] == [
        ("ida", "InvalidLambdaResponseException"),
        ("hal", "ok"),
    ]
    assert found[1]["trigger"] == "PreSignUp"
    assert found[1]["source"] == "PreSignUp_SignUp"
    assert found[1]["arn"] == PRE_SIGN_UP
    assert found[1]["event"]["userPoolId"] == pool_id
    assert found[1]["duration_ms"] >= 0
    assert found[0]["error"] == "Unrecognizable lambda output"


# sign-in: Pre/PostAuthentication, PreTokenGeneration ---------------------------------------

PRE_AUTH = arn("pre-auth")
POST_AUTH = arn("post-auth")
PRE_TOKEN = arn("pre-token")

#: The guide's "Pre authentication Lambda trigger" sample.
AWS_PRE_AUTHENTICATION = {
    "version": "1",
    "triggerSource": "PreAuthentication_Authentication",
    "region": "<region>",
    "userPoolId": "<userPoolId>",
    "userName": "<userName>",
    "callerContext": {"awsSdkVersion": "<sdk>", "clientId": "<client>"},
    "request": {"userAttributes": {}, "userNotFound": False, "validationData": {}},
    "response": {},
}
#: The guide's "Post authentication Lambda trigger" sample.
AWS_POST_AUTHENTICATION = {
    "version": "1",
    "triggerSource": "PostAuthentication_Authentication",
    "region": "<region>",
    "userPoolId": "<userPoolId>",
    "userName": "<userName>",
    "callerContext": {"awsSdkVersion": "<sdk>", "clientId": "<client>"},
    "request": {"userAttributes": {}, "newDeviceUsed": False},
    "response": {},
}
#: The guide's V1 pre token generation request (response as sent: not yet overridden).
AWS_PRE_TOKEN_V1 = {
    "version": "1",
    "triggerSource": "TokenGeneration_Authentication",
    "region": "<region>",
    "userPoolId": "<userPoolId>",
    "userName": "<userName>",
    "callerContext": {"awsSdkVersion": "<sdk>", "clientId": "<client>"},
    "request": {
        "userAttributes": {},
        "groupConfiguration": {
            "groupsToOverride": [],
            "iamRolesToOverride": [],
            "preferredRole": None,
        },
    },
    "response": {"claimsOverrideDetails": None},
}
#: aws/aws-lambda-go events/testdata/cognito-event-userpools-pretokengen-v2_0.json's request.
AWS_PRE_TOKEN_V2 = AWS_PRE_TOKEN_V1 | {
    "version": "2",
    "request": AWS_PRE_TOKEN_V1["request"] | {"scopes": ["aws.cognito.signin.user.admin"]},
    "response": {"claimsAndScopeOverrideDetails": None},
}


def confirmed_user(client: Any, pool_id: str, username: str = "kim") -> None:
    client.admin_create_user(
        UserPoolId=pool_id,
        Username=username,
        UserAttributes=[
            {"Name": "email", "Value": f"{username}@example.com"},
            {"Name": "family_name", "Value": "Original"},
        ],
        MessageAction="SUPPRESS",
    )
    client.admin_set_user_password(
        UserPoolId=pool_id, Username=username, Password=PASSWORD, Permanent=True
    )


def sign_in(client: Any, client_id: str, username: str = "kim", **extra: Any) -> Any:
    return client.initiate_auth(
        ClientId=client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": username, "PASSWORD": PASSWORD},
        **extra,
    )


def claims(token: str) -> dict[str, Any]:
    import base64

    payload = token.split(".")[1]
    return dict(json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))))


def test_pre_and_post_authentication_events(client: Any, api: InvokeApi) -> None:
    pool_id, client_id = make_pool(
        client, LambdaConfig={"PreAuthentication": PRE_AUTH, "PostAuthentication": POST_AUTH}
    )
    confirmed_user(client, pool_id)
    api.handlers[PRE_AUTH] = passthrough
    api.handlers[POST_AUTH] = passthrough
    sign_in(client, client_id, ClientMetadata={"app": "web"})
    (pre,) = api.events(PRE_AUTH)
    assert_event(
        pre,
        AWS_PRE_AUTHENTICATION,
        userName="kim",
        callerContext__clientId=client_id,
        request__validationData={"app": "web"},
        request__userNotFound=False,
    )
    assert pre["request"]["userAttributes"]["email"] == "kim@example.com"
    assert pre["request"]["userAttributes"]["cognito:user_status"] == "CONFIRMED"
    (post,) = api.events(POST_AUTH)
    assert_event(post, AWS_POST_AUTHENTICATION, userName="kim", callerContext__clientId=client_id)


def test_a_failing_pre_authentication_refuses_the_sign_in(client: Any, api: InvokeApi) -> None:
    pool_id, client_id = make_pool(
        client, LambdaConfig={"PreAuthentication": PRE_AUTH, "PostAuthentication": POST_AUTH}
    )
    confirmed_user(client, pool_id)

    def refuse(event: dict[str, Any]) -> dict[str, Any]:
        raise RuntimeError("Locked by the app")

    api.handlers[PRE_AUTH] = refuse
    with pytest.raises(ClientError) as excinfo:
        sign_in(client, client_id)
    assert error_of(excinfo) == (
        "UserLambdaValidationException",
        "PreAuthentication failed with error Locked by the app.",
    )
    assert api.events(POST_AUTH) == []


def test_a_failing_post_authentication_issues_no_tokens(client: Any, api: InvokeApi) -> None:
    pool_id, client_id = make_pool(client, LambdaConfig={"PostAuthentication": POST_AUTH})
    confirmed_user(client, pool_id)

    def refuse(event: dict[str, Any]) -> dict[str, Any]:
        raise RuntimeError("audit log down")

    api.handlers[POST_AUTH] = refuse
    with pytest.raises(ClientError) as excinfo:
        sign_in(client, client_id)
    assert error_of(excinfo) == (
        "UserLambdaValidationException",
        "PostAuthentication failed with error audit log down.",
    )


def test_pre_token_generation_v1_changes_the_id_token_and_groups(
    client: Any, api: InvokeApi
) -> None:
    pool_id, client_id = make_pool(client, LambdaConfig={"PreTokenGeneration": PRE_TOKEN})
    confirmed_user(client, pool_id)
    client.create_group(UserPoolId=pool_id, GroupName="staff", Precedence=1)
    client.admin_add_user_to_group(UserPoolId=pool_id, Username="kim", GroupName="staff")

    def customize(event: dict[str, Any]) -> dict[str, Any]:
        event["response"]["claimsOverrideDetails"] = {
            "claimsToAddOrOverride": {"tenant": "acme", "family_name": "Changed", "both": "x"},
            "claimsToSuppress": ["email", "both"],
            "groupOverrideDetails": {"groupsToOverride": ["admins", "ops"]},
        }
        return event

    api.handlers[PRE_TOKEN] = customize
    result = sign_in(client, client_id)["AuthenticationResult"]
    (event,) = api.events(PRE_TOKEN)
    assert_event(
        event,
        AWS_PRE_TOKEN_V1,
        version="1",
        triggerSource="TokenGeneration_Authentication",
        request__groupConfiguration={
            "groupsToOverride": ["staff"],
            "iamRolesToOverride": [],
            "preferredRole": None,
        },
    )
    id_claims, access_claims = claims(result["IdToken"]), claims(result["AccessToken"])
    assert id_claims["tenant"] == "acme"
    assert id_claims["family_name"] == "Changed"
    assert "email" not in id_claims
    assert "both" not in id_claims  # suppressed beats overridden
    assert id_claims["cognito:groups"] == ["admins", "ops"]
    assert access_claims["cognito:groups"] == ["admins", "ops"]  # the group override only
    assert "tenant" not in access_claims


def test_pre_token_generation_v2_changes_both_tokens_and_scopes(
    client: Any, api: InvokeApi
) -> None:
    pool_id, client_id = make_pool(
        client,
        LambdaConfig={
            "PreTokenGenerationConfig": {"LambdaArn": PRE_TOKEN, "LambdaVersion": "V2_0"}
        },
    )
    confirmed_user(client, pool_id)

    def customize(event: dict[str, Any]) -> dict[str, Any]:
        event["response"]["claimsAndScopeOverrideDetails"] = {
            "idTokenGeneration": {"claimsToAddOrOverride": {"plan": "gold", "sub": "forged"}},
            "accessTokenGeneration": {
                "claimsToAddOrOverride": {"plan": "gold", "roles": ["a", "b"]},
                "claimsToSuppress": ["plan"],
                "scopesToAdd": ["orders/read"],
                "scopesToSuppress": ["aws.cognito.signin.user.admin"],
            },
            "groupOverrideDetails": None,
        }
        return event

    api.handlers[PRE_TOKEN] = customize
    first = sign_in(client, client_id)["AuthenticationResult"]
    (event,) = api.events(PRE_TOKEN)
    assert_event(
        event, AWS_PRE_TOKEN_V2, version="2", request__scopes=["aws.cognito.signin.user.admin"]
    )
    id_claims, access_claims = claims(first["IdToken"]), claims(first["AccessToken"])
    assert id_claims["plan"] == "gold"
    assert id_claims["sub"] != "forged"  # reserved
    assert access_claims["roles"] == ["a", "b"]
    assert "plan" not in access_claims
    assert access_claims["scope"] == "orders/read"
    refreshed = client.initiate_auth(
        ClientId=client_id,
        AuthFlow="REFRESH_TOKEN_AUTH",
        AuthParameters={"REFRESH_TOKEN": first["RefreshToken"]},
    )["AuthenticationResult"]
    assert api.events(PRE_TOKEN)[-1]["triggerSource"] == "TokenGeneration_RefreshTokens"
    assert claims(refreshed["IdToken"])["plan"] == "gold"


def test_new_password_challenge_source(client: Any, api: InvokeApi) -> None:
    pool_id, client_id = make_pool(client, LambdaConfig={"PreTokenGeneration": PRE_TOKEN})
    client.admin_create_user(
        UserPoolId=pool_id,
        Username="lee",
        TemporaryPassword="Temp-pass-1",
        MessageAction="SUPPRESS",
    )
    api.handlers[PRE_TOKEN] = passthrough
    started = client.initiate_auth(
        ClientId=client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": "lee", "PASSWORD": "Temp-pass-1"},
    )
    assert started["ChallengeName"] == "NEW_PASSWORD_REQUIRED"
    assert api.events(PRE_TOKEN) == []
    client.respond_to_auth_challenge(
        ClientId=client_id,
        ChallengeName="NEW_PASSWORD_REQUIRED",
        Session=started["Session"],
        ChallengeResponses={"USERNAME": "lee", "NEW_PASSWORD": PASSWORD},
    )
    (event,) = api.events(PRE_TOKEN)
    assert event["triggerSource"] == "TokenGeneration_NewPasswordChallenge"


# webhooks and in-process functions ------------------------------------------------------------

WEBHOOK_SECRET = "webhook-test-secret"


def test_a_webhook_gets_the_event_signed_with_hmac(
    tmp_path: Any, fresh_database: dict[str, Any]
) -> None:
    import hashlib
    import hmac
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    seen: list[tuple[dict[str, str], bytes]] = []

    class Hook(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            pass

        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            seen.append(({k.lower(): v for k, v in self.headers.items()}, body))
            event = json.loads(body)
            if event["userName"] == "refused":
                status, answer = 400, {"errorMessage": "Not on the list."}
            else:
                event["response"]["autoConfirmUser"] = True
                status, answer = 200, event
            raw = json.dumps(answer).encode()
            self.send_response(status)
            self.send_header("Content-Length", str(len(raw)))
            self.end_headers()
            self.wfile.write(raw)

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Hook)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    config = tmp_path / "lambdas.toml"
    config.write_text(
        f'[functions."{PRE_SIGN_UP}"]\n'
        f'webhook = "http://127.0.0.1:{httpd.server_address[1]}/hook"\n'
        f'secret = "{WEBHOOK_SECRET}"\n'
    )
    try:
        for own in start_server(**fresh_database, lambda_config=str(config)):
            client = own.client()
            _, client_id = make_pool(client, LambdaConfig={"PreSignUp": PRE_SIGN_UP})
            answer = client.sign_up(ClientId=client_id, Username="jo", Password=PASSWORD)
            assert answer["UserConfirmed"] is True
            with pytest.raises(ClientError) as excinfo:
                client.sign_up(ClientId=client_id, Username="refused", Password=PASSWORD)
            assert error_of(excinfo) == (
                "UserLambdaValidationException",
                "PreSignUp failed with error Not on the list..",
            )
    finally:
        httpd.shutdown()
        httpd.server_close()
    headers, body = seen[0]
    assert headers["x-userpools-function"] == PRE_SIGN_UP
    fields = dict(part.split("=", 1) for part in headers["x-userpools-signature"].split(","))
    mac = hmac.new(WEBHOOK_SECRET.encode(), fields["t"].encode() + b"." + body, hashlib.sha256)
    assert hmac.compare_digest(mac.hexdigest(), fields["v1"])
    assert json.loads(body)["triggerSource"] == "PreSignUp_SignUp"


def test_the_pytest_plugin_runs_a_function_in_process(
    server: RunningServer, client: Any, api: InvokeApi
) -> None:
    name = arn("in-process")
    _, client_id = make_pool(client, LambdaConfig={"PreSignUp": name})
    events: list[dict[str, Any]] = []

    def handler(event: dict[str, Any]) -> dict[str, Any]:
        events.append(event)
        if event["userName"] == "no":
            raise ValueError("Refused in process.")
        event["response"]["autoConfirmUser"] = True
        return event

    server.register_function(name, handler)
    try:
        assert client.sign_up(ClientId=client_id, Username="yes", Password=PASSWORD)[
            "UserConfirmed"
        ]
        with pytest.raises(ClientError) as excinfo:
            client.sign_up(ClientId=client_id, Username="no", Password=PASSWORD)
        assert error_of(excinfo)[1] == "PreSignUp failed with error Refused in process.."
    finally:
        server.register_function(name, None)
    assert [e["userName"] for e in events] == ["yes", "no"]
    assert api.calls == []


# CustomMessage ----------------------------------------------------------------------------------

CUSTOM_MESSAGE = arn("custom-message")
#: The guide's "Custom message Lambda trigger" sample.
AWS_CUSTOM_MESSAGE = {
    "version": "1",
    "triggerSource": "CustomMessage_SignUp",
    "region": "<region>",
    "userPoolId": "<userPoolId>",
    "userName": "<userName>",
    "callerContext": {"awsSdkVersion": "<sdk>", "clientId": "<client>"},
    "request": {
        "userAttributes": {},
        "codeParameter": "{####}",
        "linkParameter": "{##Click Here##}",
        "usernameParameter": None,
    },
    "response": {"smsMessage": None, "emailMessage": None, "emailSubject": None},
}


def branded(event: dict[str, Any]) -> dict[str, Any]:
    source = event["triggerSource"]
    event["response"]["emailSubject"] = f"Welcome ({source})"
    event["response"]["emailMessage"] = f"Hello {event['userName']}, your code is {{####}}."
    if source == "CustomMessage_AdminCreateUser":
        event["response"]["emailMessage"] = "Sign in as {username} with {####}."
    return event


def test_custom_message_for_every_code_source(
    server: RunningServer, client: Any, api: InvokeApi
) -> None:
    pool_id, client_id = make_pool(
        client,
        LambdaConfig={"CustomMessage": CUSTOM_MESSAGE},
        AutoVerifiedAttributes=["email"],
    )
    api.handlers[CUSTOM_MESSAGE] = branded
    client.sign_up(
        ClientId=client_id,
        Username="mo",
        Password=PASSWORD,
        UserAttributes=[{"Name": "email", "Value": "mo@example.com"}],
        ClientMetadata={"lang": "en"},
    )
    sent = server.outbox(pool_id)[-1]
    assert sent.subject == "Welcome (CustomMessage_SignUp)"
    assert sent.body.startswith("Hello mo, your code is ")
    code = sent.body.split()[-1].strip(".")
    assert code.isdigit() and len(code) == 6
    (event,) = api.events(CUSTOM_MESSAGE)
    assert_event(
        event,
        AWS_CUSTOM_MESSAGE | {"request": AWS_CUSTOM_MESSAGE["request"] | {"clientMetadata": {}}},
        triggerSource="CustomMessage_SignUp",
        userName="mo",
        request__clientMetadata={"lang": "en"},
    )
    assert code not in json.dumps(event)  # the code never leaves the server

    client.resend_confirmation_code(ClientId=client_id, Username="mo")
    resent = server.outbox(pool_id)[-1]
    assert resent.subject == "Welcome (CustomMessage_ResendCode)"
    client.confirm_sign_up(
        ClientId=client_id, Username="mo", ConfirmationCode=resent.body.split()[-1].strip(".")
    )
    client.forgot_password(ClientId=client_id, Username="mo")
    reset = server.outbox(pool_id)[-1]
    assert reset.subject == "Welcome (CustomMessage_ForgotPassword)"
    assert_event(api.events(CUSTOM_MESSAGE)[-1], AWS_CUSTOM_MESSAGE, userName="mo")
    assert api.events(CUSTOM_MESSAGE)[-1]["request"]["userAttributes"]["email_verified"] == "true"

    client.admin_create_user(
        UserPoolId=pool_id,
        Username="ned",
        UserAttributes=[{"Name": "email", "Value": "ned@example.com"}],
        TemporaryPassword="Temp-pass-1",
        DesiredDeliveryMediums=["EMAIL"],
    )
    invite = server.outbox(pool_id)[-1]
    assert invite.body == "Sign in as ned with Temp-pass-1."
    admin_event = api.events(CUSTOM_MESSAGE)[-1]
    assert admin_event["triggerSource"] == "CustomMessage_AdminCreateUser"
    assert admin_event["request"]["usernameParameter"] == "{username}"
    assert "Temp-pass-1" not in json.dumps(admin_event)


def test_a_custom_message_without_the_code_is_refused(
    server: RunningServer, client: Any, api: InvokeApi
) -> None:
    pool_id, client_id = make_pool(
        client,
        LambdaConfig={"CustomMessage": CUSTOM_MESSAGE},
        AutoVerifiedAttributes=["email"],
    )

    def drop_code(event: dict[str, Any]) -> dict[str, Any]:
        event["response"]["emailMessage"] = "Welcome aboard!"
        return event

    api.handlers[CUSTOM_MESSAGE] = drop_code
    with pytest.raises(ClientError) as excinfo:
        client.sign_up(
            ClientId=client_id,
            Username="ola",
            Password=PASSWORD,
            UserAttributes=[{"Name": "email", "Value": "ola@example.com"}],
        )
    assert error_of(excinfo) == ("InvalidLambdaResponseException", "Unrecognizable lambda output")
    assert client.list_users(UserPoolId=pool_id)["Users"] == []
    assert server.outbox(pool_id) == []


# UserMigration ----------------------------------------------------------------------------------

MIGRATION = arn("migrate")
#: The guide's "Migrate user Lambda trigger" sample (sign-in; ForgotPassword has no password).
AWS_USER_MIGRATION = {
    "version": "1",
    "triggerSource": "UserMigration_Authentication",
    "region": "<region>",
    "userPoolId": "<userPoolId>",
    "userName": "<userName>",
    "callerContext": {"awsSdkVersion": "<sdk>", "clientId": "<client>"},
    "request": {"password": "<password>", "validationData": {}, "clientMetadata": {}},
    "response": {
        "userAttributes": None,
        "finalUserStatus": None,
        "messageAction": None,
        "desiredDeliveryMediums": None,
        "forceAliasCreation": None,
        "enableSMSMFA": None,
    },
}
OLD_SYSTEM = {"pat": "Old-password-1"}


def old_system(event: dict[str, Any]) -> dict[str, Any]:
    name = event["userName"]
    if name not in OLD_SYSTEM:
        raise LookupError("Bad password")
    if "password" in event["request"] and event["request"]["password"] != OLD_SYSTEM[name]:
        raise LookupError("Bad password")
    event["response"]["userAttributes"] = {
        "email": f"{name}@example.com",
        "email_verified": "true",
        "custom:legacy_id": "42",
    }
    event["response"]["finalUserStatus"] = "CONFIRMED"
    event["response"]["messageAction"] = "SUPPRESS"
    return event


def test_user_migration_on_sign_in_creates_the_user(
    server: RunningServer, client: Any, api: InvokeApi
) -> None:
    pool_id, client_id = make_pool(
        client,
        LambdaConfig={"UserMigration": MIGRATION},
        Schema=[{"Name": "legacy_id", "AttributeDataType": "String", "Mutable": True}],
    )
    api.handlers[MIGRATION] = old_system
    with pytest.raises(ClientError) as excinfo:
        sign_in(client, client_id, username="nobody")
    assert error_of(excinfo) == (
        "UserLambdaValidationException",
        "UserMigration failed with error Bad password.",
    )
    assert client.list_users(UserPoolId=pool_id)["Users"] == []

    result = client.initiate_auth(
        ClientId=client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": "pat", "PASSWORD": "Old-password-1"},
        ClientMetadata={"from": "legacy"},
    )["AuthenticationResult"]
    assert claims(result["IdToken"])["custom:legacy_id"] == "42"
    event = api.events(MIGRATION)[-1]
    assert_event(
        event,
        AWS_USER_MIGRATION,
        triggerSource="UserMigration_Authentication",
        userName="pat",
        request__validationData={"from": "legacy"},
        request__clientMetadata={"from": "legacy"},
    )
    user = client.admin_get_user(UserPoolId=pool_id, Username="pat")
    assert user["UserStatus"] == "CONFIRMED"
    # The password never reaches the record.
    url = f"{server.endpoint_url}/_userpools/triggers?pool={pool_id}"
    with urllib.request.urlopen(url) as reply:
        record = json.loads(reply.read())["invocations"][0]
    assert record["event"]["request"]["password"] == "[redacted]"
    # Known now: signing in again does not ask the old system.
    count = len(api.events(MIGRATION))
    client.initiate_auth(
        ClientId=client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": "pat", "PASSWORD": "Old-password-1"},
    )
    assert len(api.events(MIGRATION)) == count


def test_user_migration_on_forgot_password(
    server: RunningServer, client: Any, api: InvokeApi
) -> None:
    pool_id, client_id = make_pool(
        client,
        LambdaConfig={"UserMigration": MIGRATION},
        Schema=[{"Name": "legacy_id", "AttributeDataType": "String", "Mutable": True}],
    )
    api.handlers[MIGRATION] = old_system
    delivered = client.forgot_password(ClientId=client_id, Username="pat")
    assert delivered["CodeDeliveryDetails"]["AttributeName"] == "email"
    event = api.events(MIGRATION)[-1]
    assert event["triggerSource"] == "UserMigration_ForgotPassword"
    assert "password" not in event["request"]
    assert client.admin_get_user(UserPoolId=pool_id, Username="pat")["UserStatus"] == (
        "RESET_REQUIRED"
    )
    code = server.outbox(pool_id)[-1].body.split()[-1].strip(".")
    client.confirm_forgot_password(
        ClientId=client_id, Username="pat", ConfirmationCode=code, Password=PASSWORD
    )
    sign_in(client, client_id, username="pat")


# CUSTOM_AUTH ------------------------------------------------------------------------------------

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


def custom_pool(client: Any) -> tuple[str, str]:
    pool = client.create_user_pool(
        PoolName="custom",
        LambdaConfig={
            "DefineAuthChallenge": DEFINE,
            "CreateAuthChallenge": CREATE,
            "VerifyAuthChallengeResponse": VERIFY,
        },
    )["UserPool"]
    app = client.create_user_pool_client(
        UserPoolId=pool["Id"], ClientName="app", ExplicitAuthFlows=["ALLOW_CUSTOM_AUTH"]
    )["UserPoolClient"]
    confirmed_user(client, pool["Id"])
    return pool["Id"], app["ClientId"]


def test_custom_auth_with_the_session_history(
    server: RunningServer, client: Any, api: InvokeApi
) -> None:
    pool_id, client_id = custom_pool(client)
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
    assert_event(first, AWS_DEFINE, request__session=[], request__clientMetadata={"channel": "sms"})
    (made,) = api.events(CREATE)
    assert_event(made, AWS_CREATE, request__challengeName="CUSTOM_CHALLENGE", request__session=[])

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
    # The record keeps no answer and no private parameter.
    url = f"{server.endpoint_url}/_userpools/triggers?pool={pool_id}"
    with urllib.request.urlopen(url) as reply:
        recorded = json.dumps(json.loads(reply.read()))
    assert "2468" not in recorded and "0000" not in recorded


def test_custom_auth_fails_after_three_wrong_answers(client: Any, api: InvokeApi) -> None:
    pool_id, client_id = custom_pool(client)
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


def test_no_function_sees_a_password_the_client_may_not_send(client: Any, api: InvokeApi) -> None:
    pool_id, _ = make_pool(client, LambdaConfig={"UserMigration": MIGRATION})
    srp_only = client.create_user_pool_client(
        UserPoolId=pool_id, ClientName="srp", ExplicitAuthFlows=["ALLOW_USER_SRP_AUTH"]
    )["UserPoolClient"]["ClientId"]
    api.handlers[MIGRATION] = old_system
    with pytest.raises(ClientError) as excinfo:
        client.initiate_auth(
            ClientId=srp_only,
            AuthFlow="USER_PASSWORD_AUTH",
            AuthParameters={"USERNAME": "pat", "PASSWORD": "Old-password-1"},
        )
    assert error_of(excinfo)[0] == "InvalidParameterException"
    assert api.events(MIGRATION) == []
    assert client.list_users(UserPoolId=pool_id)["Users"] == []


def test_custom_message_for_attribute_codes(
    server: RunningServer, client: Any, api: InvokeApi
) -> None:
    pool_id, client_id = make_pool(
        client,
        LambdaConfig={"CustomMessage": CUSTOM_MESSAGE},
        AutoVerifiedAttributes=["email"],
    )
    confirmed_user(client, pool_id, "pia")
    api.handlers[CUSTOM_MESSAGE] = branded
    token = sign_in(client, client_id, username="pia")["AuthenticationResult"]["AccessToken"]
    client.update_user_attributes(
        AccessToken=token, UserAttributes=[{"Name": "email", "Value": "pia@new.example.com"}]
    )
    updated = server.outbox(pool_id)[-1]
    assert updated.subject == "Welcome (CustomMessage_UpdateUserAttribute)"
    assert updated.destination == "pia@new.example.com"
    event = api.events(CUSTOM_MESSAGE)[-1]
    assert_event(event, AWS_CUSTOM_MESSAGE, triggerSource="CustomMessage_UpdateUserAttribute")
    assert event["request"]["userAttributes"]["email"] == "pia@new.example.com"
    client.get_user_attribute_verification_code(AccessToken=token, AttributeName="email")
    again = server.outbox(pool_id)[-1]
    assert again.subject == "Welcome (CustomMessage_VerifyUserAttribute)"
    client.verify_user_attribute(
        AccessToken=token, AttributeName="email", Code=again.body.split()[-1].strip(".")
    )
    client.admin_update_user_attributes(
        UserPoolId=pool_id,
        Username="pia",
        UserAttributes=[{"Name": "email", "Value": "pia@third.example.com"}],
    )
    admin_event = api.events(CUSTOM_MESSAGE)[-1]
    assert admin_event["triggerSource"] == "CustomMessage_UpdateUserAttribute"
    assert admin_event["callerContext"]["clientId"] == "CLIENT_ID_NOT_APPLICABLE"


def test_the_triggers_command_prints_the_record(fresh_database: dict[str, Any]) -> None:
    from click.testing import CliRunner

    from userpools.cli import main

    url = fresh_database["database_url"]
    args = ["--database-url", url] if url else ["--db", str(fresh_database["db_path"])]
    for own in start_server(**fresh_database):
        client = own.client()
        pool_id, client_id = make_pool(client, LambdaConfig={"PreSignUp": PRE_SIGN_UP})
        with pytest.raises(ClientError):
            client.sign_up(ClientId=client_id, Username="quinn", Password=PASSWORD)
    result = CliRunner().invoke(main, ["triggers", *args, "--pool", pool_id])
    assert result.exit_code == 0, result.output
    (line,) = result.output.splitlines()
    printed = json.loads(line)
    assert printed["username"] == "quinn"
    assert printed["outcome"] == "UnexpectedLambdaException"
    assert printed["event"]["triggerSource"] == "PreSignUp_SignUp"
