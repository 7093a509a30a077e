"""CustomMessage for sign-in codes (``CustomMessage_Authentication``): the EMAIL_OTP and SMS_OTP
codes of ``USER_AUTH`` and the MFA codes take the trigger's texts, asked after the transaction
that made the code, with AWS's event (``test_triggers.AWS_CUSTOM_MESSAGE``, the guide's
"Custom message Lambda trigger" sample)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import pytest
from botocore.exceptions import ClientError
from invoke_api import InvokeApi, running
from support import error_of
from test_triggers import AWS_CUSTOM_MESSAGE, CUSTOM_MESSAGE, PASSWORD, assert_event, claims

from userpools.testing import RunningServer, start_server

WITH_CODES = {"SignInPolicy": {"AllowedFirstAuthFactors": ["PASSWORD", "EMAIL_OTP", "SMS_OTP"]}}
CODE_USER = {
    "email": "ann@example.com",
    "email_verified": "true",
    "phone_number": "+15555550100",
    "phone_number_verified": "true",
}


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
    db_path = tmp_path_factory.mktemp("trigger-messages") / "userpools.db"
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


def code_pool(client: Any) -> tuple[str, str]:
    pool_id = client.create_user_pool(
        PoolName="codes", Policies=WITH_CODES, LambdaConfig={"CustomMessage": CUSTOM_MESSAGE}
    )["UserPool"]["Id"]
    client_id = client.create_user_pool_client(
        UserPoolId=pool_id, ClientName="app", ExplicitAuthFlows=["ALLOW_USER_AUTH"]
    )["UserPoolClient"]["ClientId"]
    client.admin_create_user(
        UserPoolId=pool_id,
        Username="ann",
        UserAttributes=[{"Name": k, "Value": v} for k, v in CODE_USER.items()],
        MessageAction="SUPPRESS",
    )
    client.admin_set_user_password(
        UserPoolId=pool_id, Username="ann", Password=PASSWORD, Permanent=True
    )
    return pool_id, client_id


def branded(event: dict[str, Any]) -> dict[str, Any]:
    event["response"]["emailSubject"] = "Your sign-in code"
    event["response"]["emailMessage"] = "Hello {username}, sign in with {####}."
    event["response"]["smsMessage"] = "Code {####} (app)"
    return event


def test_email_otp_takes_the_custom_message(
    server: RunningServer, client: Any, api: InvokeApi
) -> None:
    pool_id, client_id = code_pool(client)
    api.handlers[CUSTOM_MESSAGE] = branded
    started = client.initiate_auth(
        ClientId=client_id,
        AuthFlow="USER_AUTH",
        AuthParameters={"USERNAME": "ann", "PREFERRED_CHALLENGE": "EMAIL_OTP"},
        ClientMetadata={"lang": "en"},
    )
    assert started["ChallengeName"] == "EMAIL_OTP"
    sent = server.outbox(pool_id)[-1]
    assert sent.subject == "Your sign-in code"
    found = re.fullmatch(r"Hello \{username\}, sign in with (\d{8})\.", sent.body)
    assert found is not None  # {username} is only AdminCreateUser's placeholder
    (event,) = api.events(CUSTOM_MESSAGE)
    assert_event(
        event,
        AWS_CUSTOM_MESSAGE | {"request": AWS_CUSTOM_MESSAGE["request"] | {"clientMetadata": {}}},
        triggerSource="CustomMessage_Authentication",
        userName="ann",
        request__clientMetadata={"lang": "en"},
        request__usernameParameter=None,
    )
    assert event["request"]["userAttributes"]["email"] == "ann@example.com"
    assert found.group(1) not in json.dumps(event)  # the code never leaves the server
    done = client.respond_to_auth_challenge(
        ClientId=client_id,
        ChallengeName="EMAIL_OTP",
        Session=started["Session"],
        ChallengeResponses={"USERNAME": "ann", "EMAIL_OTP_CODE": found.group(1)},
    )
    assert claims(done["AuthenticationResult"]["AccessToken"])["username"] == "ann"


def test_sms_otp_takes_the_custom_sms(server: RunningServer, client: Any, api: InvokeApi) -> None:
    pool_id, client_id = code_pool(client)
    api.handlers[CUSTOM_MESSAGE] = branded
    started = client.initiate_auth(
        ClientId=client_id,
        AuthFlow="USER_AUTH",
        AuthParameters={"USERNAME": "ann", "PREFERRED_CHALLENGE": "SMS_OTP"},
    )
    assert started["ChallengeName"] == "SMS_OTP"
    sent = server.outbox(pool_id)[-1]
    assert sent.medium == "SMS"
    assert re.fullmatch(r"Code \d{6} \(app\)", sent.body)
    (event,) = api.events(CUSTOM_MESSAGE)
    assert_event(event, AWS_CUSTOM_MESSAGE, triggerSource="CustomMessage_Authentication")


def test_a_sign_in_message_without_the_code_is_refused(
    server: RunningServer, client: Any, api: InvokeApi
) -> None:
    pool_id, client_id = code_pool(client)

    def drops_the_code(event: dict[str, Any]) -> dict[str, Any]:
        event["response"]["emailMessage"] = "Welcome back!"
        return event

    api.handlers[CUSTOM_MESSAGE] = drops_the_code
    before = len(server.outbox(pool_id))
    with pytest.raises(ClientError) as excinfo:
        client.initiate_auth(
            ClientId=client_id,
            AuthFlow="USER_AUTH",
            AuthParameters={"USERNAME": "ann", "PREFERRED_CHALLENGE": "EMAIL_OTP"},
        )
    assert error_of(excinfo) == ("InvalidLambdaResponseException", "Unrecognizable lambda output")
    assert len(server.outbox(pool_id)) == before  # nothing was sent


def test_without_custom_message_the_pools_text_is_sent(
    server: RunningServer, client: Any, api: InvokeApi
) -> None:
    pool_id, client_id = code_pool(client)
    client.update_user_pool(UserPoolId=pool_id, Policies=WITH_CODES, LambdaConfig={})
    client.initiate_auth(
        ClientId=client_id,
        AuthFlow="USER_AUTH",
        AuthParameters={"USERNAME": "ann", "PREFERRED_CHALLENGE": "EMAIL_OTP"},
    )
    assert server.outbox(pool_id)[-1].body.startswith("Your authentication code is ")
    assert api.events(CUSTOM_MESSAGE) == []


def test_admin_create_user_resend_takes_the_custom_invitation(
    server: RunningServer, client: Any, api: InvokeApi
) -> None:
    pool_id = client.create_user_pool(
        PoolName="invites", LambdaConfig={"CustomMessage": CUSTOM_MESSAGE}
    )["UserPool"]["Id"]

    def invitation(event: dict[str, Any]) -> dict[str, Any]:
        event["response"]["emailSubject"] = "Join us"
        event["response"]["emailMessage"] = "Sign in as {username} with {####}."
        return event

    api.handlers[CUSTOM_MESSAGE] = invitation
    client.admin_create_user(
        UserPoolId=pool_id,
        Username="ned",
        UserAttributes=[{"Name": "email", "Value": "ned@example.com"}],
        TemporaryPassword="Temp-pass-1",
        DesiredDeliveryMediums=["EMAIL"],
    )
    client.admin_create_user(
        UserPoolId=pool_id,
        Username="ned",
        MessageAction="RESEND",
        TemporaryPassword="Temp-pass-2",
        DesiredDeliveryMediums=["EMAIL"],
        ClientMetadata={"reason": "lost"},
    )
    resent = server.outbox(pool_id)[-1]
    assert (resent.subject, resent.body) == ("Join us", "Sign in as ned with Temp-pass-2.")
    first, again = api.events(CUSTOM_MESSAGE)
    assert first["triggerSource"] == again["triggerSource"] == "CustomMessage_AdminCreateUser"
    assert_event(
        again,
        AWS_CUSTOM_MESSAGE | {"request": AWS_CUSTOM_MESSAGE["request"] | {"clientMetadata": {}}},
        triggerSource="CustomMessage_AdminCreateUser",
        userName="ned",
        request__usernameParameter="{username}",
        request__clientMetadata={"reason": "lost"},
    )
    assert again["request"]["userAttributes"]["email"] == "ned@example.com"
    assert "Temp-pass-2" not in json.dumps(again)


def test_resend_for_a_confirmed_user_invokes_nothing(client: Any, api: InvokeApi) -> None:
    pool_id = client.create_user_pool(
        PoolName="invites", LambdaConfig={"CustomMessage": CUSTOM_MESSAGE}
    )["UserPool"]["Id"]
    client.admin_create_user(UserPoolId=pool_id, Username="ola", MessageAction="SUPPRESS")
    client.admin_set_user_password(
        UserPoolId=pool_id, Username="ola", Password=PASSWORD, Permanent=True
    )
    with pytest.raises(ClientError) as excinfo:
        client.admin_create_user(UserPoolId=pool_id, Username="ola", MessageAction="RESEND")
    assert error_of(excinfo)[0] == "UnsupportedUserStateException"
    assert api.events(CUSTOM_MESSAGE) == []


SNS = {"SnsCallerArn": "arn:aws:iam::000000000000:role/sns", "ExternalId": "userpools"}


def test_an_sms_mfa_code_after_the_password_takes_the_custom_message(
    server: RunningServer, client: Any, api: InvokeApi
) -> None:
    pool_id = client.create_user_pool(
        PoolName="mfa",
        SmsConfiguration=SNS,
        LambdaConfig={"CustomMessage": CUSTOM_MESSAGE},
    )["UserPool"]["Id"]
    client.set_user_pool_mfa_config(
        UserPoolId=pool_id,
        SmsMfaConfiguration={
            "SmsAuthenticationMessage": "Pool code {####}",
            "SmsConfiguration": SNS,
        },
        MfaConfiguration="OPTIONAL",
    )
    client_id = client.create_user_pool_client(
        UserPoolId=pool_id, ClientName="app", ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH"]
    )["UserPoolClient"]["ClientId"]
    client.admin_create_user(
        UserPoolId=pool_id,
        Username="ann",
        UserAttributes=[
            {"Name": "phone_number", "Value": "+15555550100"},
            {"Name": "phone_number_verified", "Value": "true"},
        ],
        MessageAction="SUPPRESS",
    )
    client.admin_set_user_password(
        UserPoolId=pool_id, Username="ann", Password=PASSWORD, Permanent=True
    )
    client.admin_set_user_mfa_preference(
        UserPoolId=pool_id,
        Username="ann",
        SMSMfaSettings={"Enabled": True, "PreferredMfa": True},
    )
    api.handlers[CUSTOM_MESSAGE] = branded
    started = client.initiate_auth(
        ClientId=client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": "ann", "PASSWORD": PASSWORD},
    )
    assert started["ChallengeName"] == "SMS_MFA"
    sent = server.outbox(pool_id)[-1]
    found = re.fullmatch(r"Code (\d{6}) \(app\)", sent.body)
    assert found is not None  # the trigger's text, not the pool's "Pool code"
    (event,) = api.events(CUSTOM_MESSAGE)
    assert_event(event, AWS_CUSTOM_MESSAGE, triggerSource="CustomMessage_Authentication")
    done = client.respond_to_auth_challenge(
        ClientId=client_id,
        ChallengeName="SMS_MFA",
        Session=started["Session"],
        ChallengeResponses={"USERNAME": "ann", "SMS_MFA_CODE": found.group(1)},
    )
    assert claims(done["AuthenticationResult"]["IdToken"])["cognito:username"] == "ann"
