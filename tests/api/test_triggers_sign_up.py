"""PreSignUp and PostConfirmation through the Lambda Invoke API: each event compared key by key
with AWS's documented one (cited beside it), and each response field's effect: auto-confirm,
auto-verify, and what AdminCreateUser ignores."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError
from invoke_api import InvokeApi
from lambda_triggers import (
    PASSWORD,
    POST_CONFIRMATION,
    PRE_SIGN_UP,
    assert_event,
    confirmed_user,
    make_pool,
    passthrough,
    sign_in,
)
from support import error_of

from userpools.testing import RunningServer

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
    tokens = sign_in(client, client_id, "ann")
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
    confirmed_user(client, pool_id, "eve", {"email": "eve@example.com", "email_verified": "true"})
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
