"""CustomMessage through the Lambda Invoke API: every code's message takes the trigger's texts,
asked after the transaction that made the code, with AWS's event (``AWS_CUSTOM_MESSAGE``, the
guide's "Custom message Lambda trigger" sample): the account's codes (sign-up, resend, forgot
password, the invitation, attribute verification) and the sign-in codes
(``CustomMessage_Authentication``: the EMAIL_OTP and SMS_OTP codes of ``USER_AUTH`` and the MFA
codes)."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from botocore.exceptions import ClientError
from invoke_api import InvokeApi
from lambda_triggers import (
    CUSTOM_MESSAGE,
    PASSWORD,
    WITH_CODES,
    assert_event,
    code_pool,
    confirmed_user,
    from_initiate,
    make_pool,
    sign_in,
)
from support import claims, error_of

from userpools.testing import RunningServer

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
MESSAGES = {"CustomMessage": CUSTOM_MESSAGE}


# the account's codes ------------------------------------------------------------------------


def welcoming(event: dict[str, Any]) -> dict[str, Any]:
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
    api.handlers[CUSTOM_MESSAGE] = welcoming
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


def test_custom_message_for_attribute_codes(
    server: RunningServer, client: Any, api: InvokeApi
) -> None:
    pool_id, client_id = make_pool(
        client,
        LambdaConfig={"CustomMessage": CUSTOM_MESSAGE},
        AutoVerifiedAttributes=["email"],
    )
    confirmed_user(client, pool_id, "pia")
    api.handlers[CUSTOM_MESSAGE] = welcoming
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


# sign-in codes ------------------------------------------------------------------------------


def branded(event: dict[str, Any]) -> dict[str, Any]:
    event["response"]["emailSubject"] = "Your sign-in code"
    event["response"]["emailMessage"] = "Hello {username}, sign in with {####}."
    event["response"]["smsMessage"] = "Code {####} (app)"
    return event


def test_email_otp_takes_the_custom_message(
    server: RunningServer, client: Any, api: InvokeApi
) -> None:
    pool_id, client_id = code_pool(client, "codes", MESSAGES)
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
        from_initiate(AWS_CUSTOM_MESSAGE),
        triggerSource="CustomMessage_Authentication",
        userName="ann",
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
    pool_id, client_id = code_pool(client, "codes", MESSAGES)
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
    pool_id, client_id = code_pool(client, "codes", MESSAGES)

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
    pool_id, client_id = code_pool(client, "codes", MESSAGES)
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
    confirmed_user(client, pool_id, "ola", {})
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
    confirmed_user(
        client, pool_id, "ann", {"phone_number": "+15555550100", "phone_number_verified": "true"}
    )
    client.admin_set_user_mfa_preference(
        UserPoolId=pool_id,
        Username="ann",
        SMSMfaSettings={"Enabled": True, "PreferredMfa": True},
    )
    api.handlers[CUSTOM_MESSAGE] = branded
    started = sign_in(client, client_id, "ann")
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
