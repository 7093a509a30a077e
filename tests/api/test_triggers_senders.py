"""CustomEmailSender and CustomSMSSender: the code goes to the function, after the transaction
that made it, and not to the outbox; the other medium still goes through the outbox. userpools
has no KMS: ``request.code`` is the code base64-encoded, marked by ``request.codeEncryption``
(docs/triggers.md). The senders are invoked asynchronously ("Except for Custom Sender Lambda
triggers, Amazon Cognito invokes Lambda functions synchronously", the guide's "Customizing user
pool workflows with Lambda triggers"): the Invoke API sees ``X-Amz-Invocation-Type: Event``,
and a function that fails does not fail the call."""

from __future__ import annotations

import base64
from typing import Any

import pytest
from botocore.exceptions import ClientError
from invoke_api import InvokeApi
from lambda_triggers import (
    CUSTOM_MESSAGE,
    PASSWORD,
    arn,
    assert_event,
    code_pool,
    confirmed_user,
    invocations,
    sign_in,
)
from support import claims, error_of

from userpools.testing import RunningServer

EMAIL_SENDER = arn("custom-email-sender")
SMS_SENDER = arn("custom-sms-sender")
KMS_KEY = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
#: The guide's event ("Custom email sender Lambda trigger", "Custom email sender Lambda trigger
#: parameters": request ``type``, ``code``, ``clientMetadata``, ``userAttributes``; no
#: ``response``, as in the event captured in maxivanov.io's "Custom email sender" post), with
#: userpools' ``codeEncryption`` marker.
AWS_CUSTOM_SENDER = {
    "version": "1",
    "triggerSource": "CustomEmailSender_Authentication",
    "region": "<region>",
    "userPoolId": "<userPoolId>",
    "userName": "<userName>",
    "callerContext": {"awsSdkVersion": "<sdk>", "clientId": "<client>"},
    "request": {
        "type": "customEmailSenderRequestV1",
        "code": "<base64>",
        "codeEncryption": "none (userpools has no KMS)",
        "clientMetadata": {},
        "userAttributes": {},
    },
}


BOTH = {
    "CustomEmailSender": {"LambdaVersion": "V1_0", "LambdaArn": EMAIL_SENDER},
    "CustomSMSSender": {"LambdaVersion": "V1_0", "LambdaArn": SMS_SENDER},
    "KMSKeyID": KMS_KEY,
}


@pytest.fixture(autouse=True)
def asynchronous(api: InvokeApi) -> None:
    """Both senders must be invoked with ``X-Amz-Invocation-Type: Event``."""
    api.asynchronous |= {EMAIL_SENDER, SMS_SENDER}


def start(client: Any, client_id: str, challenge: str, **extra: Any) -> Any:
    return client.initiate_auth(
        ClientId=client_id,
        AuthFlow="USER_AUTH",
        AuthParameters={"USERNAME": "ann", "PREFERRED_CHALLENGE": challenge},
        **extra,
    )


def answer(client: Any, client_id: str, started: Any, code: str) -> Any:
    name = started["ChallengeName"]
    return client.respond_to_auth_challenge(
        ClientId=client_id,
        ChallengeName=name,
        Session=started["Session"],
        ChallengeResponses={"USERNAME": "ann", f"{name}_CODE": code},
    )


def test_the_email_code_goes_to_the_custom_email_sender(
    server: RunningServer, client: Any, api: InvokeApi
) -> None:
    pool_id, client_id = code_pool(client, "senders", BOTH)
    api.handlers[EMAIL_SENDER] = lambda event: event
    started = start(client, client_id, "EMAIL_OTP", ClientMetadata={"lang": "en"})
    assert started["ChallengeName"] == "EMAIL_OTP"
    assert started["ChallengeParameters"]["CODE_DELIVERY_DELIVERY_MEDIUM"] == "EMAIL"
    assert server.outbox(pool_id) == []
    (event,) = api.events(EMAIL_SENDER)
    assert api.events(SMS_SENDER) == []
    assert_event(
        event,
        AWS_CUSTOM_SENDER,
        triggerSource="CustomEmailSender_Authentication",
        userPoolId=pool_id,
        userName="ann",
        callerContext__clientId=client_id,
        request__type="customEmailSenderRequestV1",
        request__codeEncryption="none (userpools has no KMS)",
        # InitiateAuth's ClientMetadata does not reach the senders (the API reference).
        request__clientMetadata=None,
    )
    assert event["request"]["userAttributes"]["email"] == "ann@example.com"
    code = base64.b64decode(event["request"]["code"], validate=True).decode()
    assert len(code) == 8 and code.isdigit()
    done = answer(client, client_id, started, code)
    assert claims(done["AuthenticationResult"]["AccessToken"])["username"] == "ann"
    (record,) = invocations(server, pool_id)
    assert record["source"] == "CustomEmailSender_Authentication"
    assert record["event"]["request"]["code"] == "[redacted]"  # the record keeps no code


def test_the_sms_code_goes_to_the_custom_sms_sender_and_email_to_the_outbox(
    server: RunningServer, client: Any, api: InvokeApi
) -> None:
    config = {"CustomSMSSender": BOTH["CustomSMSSender"], "KMSKeyID": KMS_KEY}
    pool_id, client_id = code_pool(client, "senders", config)
    api.handlers[SMS_SENDER] = lambda event: event
    started = start(client, client_id, "SMS_OTP")
    assert started["ChallengeName"] == "SMS_OTP"
    assert server.outbox(pool_id) == []
    (event,) = api.events(SMS_SENDER)
    assert_event(
        event,
        AWS_CUSTOM_SENDER,
        triggerSource="CustomSMSSender_Authentication",
        request__type="customSMSSenderRequestV1",
        request__clientMetadata=None,  # null when the call gave none, as captured events show
    )
    assert event["request"]["userAttributes"]["phone_number"] == "+15555550100"
    code = base64.b64decode(event["request"]["code"]).decode()
    wrong = "000000" if code != "000000" else "111111"
    with pytest.raises(ClientError) as raised:
        answer(client, client_id, started, wrong)
    assert error_of(raised)[0] == "CodeMismatchException"
    done = answer(client, client_id, started, code)
    assert "AuthenticationResult" in done
    # The email medium has no sender here: its code goes through the outbox as before.
    emailed = start(client, client_id, "EMAIL_OTP")
    (letter,) = server.outbox(pool_id)
    assert letter.medium == "EMAIL" and letter.destination == "ann@example.com"
    assert len(api.events(SMS_SENDER)) == 1
    assert emailed["ChallengeName"] == "EMAIL_OTP"


def fails(event: dict[str, Any]) -> dict[str, Any]:
    raise RuntimeError("mail provider down")


def test_a_failing_sender_does_not_fail_the_call(
    server: RunningServer, client: Any, api: InvokeApi
) -> None:
    """Lambda accepts an ``Event`` invocation (202) before the function runs: the caller
    never hears of the function's error, and the challenge is issued."""
    pool_id, client_id = code_pool(client, "senders", BOTH)
    api.handlers[EMAIL_SENDER] = fails
    started = start(client, client_id, "EMAIL_OTP")
    assert started["ChallengeName"] == "EMAIL_OTP"
    assert len(api.events(EMAIL_SENDER)) == 1
    assert server.outbox(pool_id) == []
    assert invocations(server, pool_id)[0]["outcome"] == "ok"


def test_a_failing_in_process_sender_is_recorded_not_raised(
    server: RunningServer, client: Any, api: InvokeApi
) -> None:
    """An in-process function reports its failure at once: the record keeps it, and the
    call still succeeds, as an asynchronous invocation does on AWS."""
    pool_id, client_id = code_pool(client, "senders", BOTH)
    server.register_function(EMAIL_SENDER, fails)
    try:
        started = start(client, client_id, "EMAIL_OTP")
    finally:
        server.register_function(EMAIL_SENDER, None)
    assert started["ChallengeName"] == "EMAIL_OTP"
    (record,) = invocations(server, pool_id)
    assert record["outcome"] == "UserLambdaValidationException"
    assert record["error"] == "CustomEmailSender failed with error mail provider down."


def test_a_sender_that_cannot_be_invoked_fails_the_call(
    server: RunningServer, client: Any, api: InvokeApi
) -> None:
    """No function behind the ARN: Lambda refuses the invocation itself, which the caller
    does hear of."""
    pool_id, client_id = code_pool(client, "senders", BOTH)
    with pytest.raises(ClientError) as raised:
        start(client, client_id, "EMAIL_OTP")
    assert error_of(raised) == (
        "UnexpectedLambdaException",
        "CustomEmailSender invocation failed due to error ResourceNotFoundException.",
    )
    assert server.outbox(pool_id) == []


def test_the_lambda_config_is_kept_as_given(client: Any, api: InvokeApi) -> None:
    pool_id, _ = code_pool(client, "senders", BOTH)
    stored = client.describe_user_pool(UserPoolId=pool_id)["UserPool"]["LambdaConfig"]
    assert stored == BOTH


def account_pool(client: Any) -> tuple[str, str]:
    """Sign-up and recovery by email, with a custom email sender and CustomMessage."""
    pool_id = client.create_user_pool(
        PoolName="accounts",
        AutoVerifiedAttributes=["email"],
        LambdaConfig={
            "CustomEmailSender": BOTH["CustomEmailSender"],
            "KMSKeyID": KMS_KEY,
            "CustomMessage": CUSTOM_MESSAGE,
        },
    )["UserPool"]["Id"]
    client_id = client.create_user_pool_client(
        UserPoolId=pool_id, ClientName="app", ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH"]
    )["UserPoolClient"]["ClientId"]
    return pool_id, client_id


def sent_code(api: InvokeApi, source: str) -> str:
    (event,) = [e for e in api.events(EMAIL_SENDER) if e["triggerSource"] == source]
    assert_event(
        event,
        AWS_CUSTOM_SENDER,
        triggerSource=source,
        userName="bob",
        request__type="customEmailSenderRequestV1",
        request__codeEncryption="none (userpools has no KMS)",
    )
    assert event["request"]["userAttributes"]["email"] == "bob@example.com"
    return base64.b64decode(event["request"]["code"], validate=True).decode()


def test_sign_up_resend_and_forgot_password_codes_go_to_the_custom_email_sender(
    server: RunningServer, client: Any, api: InvokeApi
) -> None:
    pool_id, client_id = account_pool(client)
    api.handlers[EMAIL_SENDER] = lambda event: event
    api.handlers[CUSTOM_MESSAGE] = lambda event: event
    client.sign_up(
        ClientId=client_id,
        Username="bob",
        Password=PASSWORD,
        UserAttributes=[{"Name": "email", "Value": "bob@example.com"}],
        ClientMetadata={"lang": "en"},
    )
    (signed_up,) = api.events(EMAIL_SENDER)
    assert signed_up["request"]["clientMetadata"] == {"lang": "en"}
    assert len(sent_code(api, "CustomEmailSender_SignUp")) == 6
    before = len(server.outbox(pool_id))
    assert before == 0
    resent = client.resend_confirmation_code(ClientId=client_id, Username="bob")
    assert resent["CodeDeliveryDetails"]["DeliveryMedium"] == "EMAIL"
    assert len(server.outbox(pool_id)) == before
    code = sent_code(api, "CustomEmailSender_ResendCode")
    client.confirm_sign_up(ClientId=client_id, Username="bob", ConfirmationCode=code)
    client.forgot_password(ClientId=client_id, Username="bob")
    assert len(server.outbox(pool_id)) == before
    code = sent_code(api, "CustomEmailSender_ForgotPassword")
    client.confirm_forgot_password(
        ClientId=client_id, Username="bob", ConfirmationCode=code, Password="Other-horse-2"
    )
    signed_in = sign_in(client, client_id, "bob", "Other-horse-2")
    assert "AuthenticationResult" in signed_in
    sources = [e["triggerSource"] for e in api.events(CUSTOM_MESSAGE)]
    assert sources == []  # the sender takes CustomMessage's place


def test_an_attribute_verification_code_goes_to_the_custom_email_sender(
    server: RunningServer, client: Any, api: InvokeApi
) -> None:
    pool_id, client_id = account_pool(client)
    api.handlers[EMAIL_SENDER] = lambda event: event
    api.handlers[CUSTOM_MESSAGE] = lambda event: event
    confirmed_user(client, pool_id, "bob", {"email": "bob@example.com"})
    token = sign_in(client, client_id, "bob")["AuthenticationResult"]["AccessToken"]
    sent = client.get_user_attribute_verification_code(AccessToken=token, AttributeName="email")
    assert sent["CodeDeliveryDetails"]["DeliveryMedium"] == "EMAIL"
    assert server.outbox(pool_id) == []
    assert api.events(CUSTOM_MESSAGE) == []
    code = sent_code(api, "CustomEmailSender_VerifyUserAttribute")
    client.verify_user_attribute(AccessToken=token, AttributeName="email", Code=code)
    user = client.admin_get_user(UserPoolId=pool_id, Username="bob")
    assert {"Name": "email_verified", "Value": "true"} in user["UserAttributes"]


def test_an_updated_email_code_goes_to_the_custom_email_sender(
    server: RunningServer, client: Any, api: InvokeApi
) -> None:
    pool_id, client_id = account_pool(client)
    api.handlers[EMAIL_SENDER] = lambda event: event
    api.handlers[CUSTOM_MESSAGE] = lambda event: event
    confirmed_user(client, pool_id, "bob", {"email": "old@example.com"})
    token = sign_in(client, client_id, "bob")["AuthenticationResult"]["AccessToken"]
    updated = client.update_user_attributes(
        AccessToken=token, UserAttributes=[{"Name": "email", "Value": "bob@example.com"}]
    )
    assert updated["CodeDeliveryDetailsList"][0]["DeliveryMedium"] == "EMAIL"
    assert server.outbox(pool_id) == []
    assert api.events(CUSTOM_MESSAGE) == []
    code = sent_code(api, "CustomEmailSender_UpdateUserAttribute")
    client.verify_user_attribute(AccessToken=token, AttributeName="email", Code=code)
    user = client.admin_get_user(UserPoolId=pool_id, Username="bob")
    assert {"Name": "email_verified", "Value": "true"} in user["UserAttributes"]
    client.admin_update_user_attributes(
        UserPoolId=pool_id,
        Username="bob",
        UserAttributes=[{"Name": "email", "Value": "bob@example.org"}],
    )
    assert server.outbox(pool_id) == []
    (admin,) = [
        e
        for e in api.events(EMAIL_SENDER)
        if e["request"]["userAttributes"]["email"] == "bob@example.org"
    ]
    assert admin["triggerSource"] == "CustomEmailSender_UpdateUserAttribute"
    assert admin["callerContext"]["clientId"] == "CLIENT_ID_NOT_APPLICABLE"


def test_the_invitation_goes_to_the_custom_email_sender(
    server: RunningServer, client: Any, api: InvokeApi
) -> None:
    pool_id, client_id = account_pool(client)
    api.handlers[EMAIL_SENDER] = lambda event: event
    api.handlers[CUSTOM_MESSAGE] = lambda event: event
    client.admin_create_user(
        UserPoolId=pool_id,
        Username="bob",
        UserAttributes=[{"Name": "email", "Value": "bob@example.com"}],
        DesiredDeliveryMediums=["EMAIL"],
        ClientMetadata={"team": "a"},
    )
    assert server.outbox(pool_id) == []
    assert api.events(CUSTOM_MESSAGE) == []
    (invited,) = api.events(EMAIL_SENDER)
    # The guide lists _SignUp, _ForgotPassword and _Authentication as the sources that get it.
    assert invited["request"]["clientMetadata"] is None
    assert invited["callerContext"]["clientId"] == "CLIENT_ID_NOT_APPLICABLE"
    password = sent_code(api, "CustomEmailSender_AdminCreateUser")
    started = sign_in(client, client_id, "bob", password)
    assert started["ChallengeName"] == "NEW_PASSWORD_REQUIRED"
    api.calls.clear()
    client.admin_create_user(
        UserPoolId=pool_id, Username="bob", MessageAction="RESEND", DesiredDeliveryMediums=["EMAIL"]
    )
    assert server.outbox(pool_id) == []
    again = sent_code(api, "CustomEmailSender_AdminCreateUser")
    assert again != password
    started = sign_in(client, client_id, "bob", again)
    assert started["ChallengeName"] == "NEW_PASSWORD_REQUIRED"
