"""UserMigration through the Lambda Invoke API: on sign-in (the event compared with AWS's
documented one, cited beside it; the password never recorded) and on ForgotPassword, never for
a password the client may not send; and what each response field does (the guide's "Migrate
user Lambda trigger" page): the welcome message unless ``messageAction`` is ``SUPPRESS``, by
``desiredDeliveryMediums`` (SMS when not returned), SMS MFA for ``enableSMSMFA``."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError
from invoke_api import InvokeApi
from lambda_triggers import (
    PASSWORD,
    arn,
    assert_event,
    from_initiate,
    invocations,
    make_pool,
    sign_in,
)
from support import claims, error_of

from userpools.testing import RunningServer

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

    result = sign_in(client, client_id, "pat", "Old-password-1", ClientMetadata={"from": "legacy"})[
        "AuthenticationResult"
    ]
    assert claims(result["IdToken"])["custom:legacy_id"] == "42"
    event = api.events(MIGRATION)[-1]
    # InitiateAuth's ClientMetadata reaches the function as validationData only.
    assert_event(
        event,
        from_initiate(AWS_USER_MIGRATION),
        triggerSource="UserMigration_Authentication",
        userName="pat",
        request__validationData={"from": "legacy"},
    )
    user = client.admin_get_user(UserPoolId=pool_id, Username="pat")
    assert user["UserStatus"] == "CONFIRMED"
    # The password never reaches the record.
    record = invocations(server, pool_id)[0]
    assert record["event"]["request"]["password"] == "[redacted]"
    # Known now: signing in again does not ask the old system.
    count = len(api.events(MIGRATION))
    sign_in(client, client_id, "pat", "Old-password-1")
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
    delivered = client.forgot_password(
        ClientId=client_id, Username="pat", ClientMetadata={"from": "forgot"}
    )
    assert delivered["CodeDeliveryDetails"]["AttributeName"] == "email"
    event = api.events(MIGRATION)[-1]
    assert event["triggerSource"] == "UserMigration_ForgotPassword"
    assert "password" not in event["request"]
    # ForgotPassword's ClientMetadata is the event's clientMetadata (the guide); no
    # validationData comes from it.
    assert event["request"]["clientMetadata"] == {"from": "forgot"}
    assert event["request"]["validationData"] is None
    assert client.admin_get_user(UserPoolId=pool_id, Username="pat")["UserStatus"] == (
        "RESET_REQUIRED"
    )
    code = server.outbox(pool_id)[-1].body.split()[-1].strip(".")
    client.confirm_forgot_password(
        ClientId=client_id, Username="pat", ConfirmationCode=code, Password=PASSWORD
    )
    sign_in(client, client_id, username="pat")


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


# what the response fields do ---------------------------------------------------------------------

SNS = {"SnsCallerArn": "arn:aws:iam::000000000000:role/sns", "ExternalId": "userpools"}
LEGACY = {"email": "sam@example.com", "phone_number": "+15555550123"}


def answering(**response: Any) -> Any:
    """A function that knows ``sam`` (any password) and answers ``response`` besides."""

    def handler(event: dict[str, Any]) -> dict[str, Any]:
        event["response"]["userAttributes"] = dict(LEGACY)
        event["response"].update(response)
        return event

    return handler


def test_the_welcome_message_goes_by_sms_unless_told_otherwise(
    server: RunningServer, client: Any, api: InvokeApi
) -> None:
    """Nothing returned: "the welcome message will be sent", "by SMS". It is the pool's
    invitation message; userpools writes no password into it (docs/triggers.md)."""
    pool_id, client_id = make_pool(client, LambdaConfig={"UserMigration": MIGRATION})
    api.handlers[MIGRATION] = answering()
    sign_in(client, client_id, "sam", PASSWORD)
    (welcome,) = server.outbox(pool_id)
    assert (welcome.medium, welcome.destination) == ("SMS", "+15555550123")
    assert welcome.body == "Your username is sam and temporary password is ********."
    assert PASSWORD not in welcome.body


def test_the_welcome_message_goes_by_the_desired_media(
    server: RunningServer, client: Any, api: InvokeApi
) -> None:
    pool_id, client_id = make_pool(client, LambdaConfig={"UserMigration": MIGRATION})
    api.handlers[MIGRATION] = answering(desiredDeliveryMediums=["EMAIL"])
    sign_in(client, client_id, "sam", PASSWORD)
    (welcome,) = server.outbox(pool_id)
    assert (welcome.medium, welcome.destination) == ("EMAIL", "sam@example.com")
    assert welcome.subject == "Your temporary password"


def test_suppress_sends_no_welcome(server: RunningServer, client: Any, api: InvokeApi) -> None:
    pool_id, client_id = make_pool(client, LambdaConfig={"UserMigration": MIGRATION})
    api.handlers[MIGRATION] = answering(messageAction="SUPPRESS")
    sign_in(client, client_id, "sam", PASSWORD)
    assert server.outbox(pool_id) == []


@pytest.mark.parametrize(
    ("response", "message"),
    [
        ({"messageAction": "RESEND"}, "messageAction must be SUPPRESS or left out; got 'RESEND'."),
        (
            {"desiredDeliveryMediums": ["FAX"]},
            "desiredDeliveryMediums must list EMAIL and/or SMS; got ['FAX'].",
        ),
        (
            {"enableSMSMFA": True, "userAttributes": {"email": "sam@example.com"}},
            "enableSMSMFA is set, yet the phone_number attribute is not given.",
        ),
        ({"enableSMSMFA": True}, "enableSMSMFA is set, yet the user pool does not allow SMS MFA."),
    ],
)
def test_an_unusable_answer_creates_no_user(
    server: RunningServer,
    client: Any,
    api: InvokeApi,
    response: dict[str, Any],
    message: str,
) -> None:
    pool_id, client_id = make_pool(client, LambdaConfig={"UserMigration": MIGRATION})
    api.handlers[MIGRATION] = answering(**response)
    with pytest.raises(ClientError) as excinfo:
        sign_in(client, client_id, "sam", PASSWORD)
    assert error_of(excinfo) == ("InvalidParameterException", message)
    assert client.list_users(UserPoolId=pool_id)["Users"] == []
    assert server.outbox(pool_id) == []


def test_enable_sms_mfa_asks_for_the_sms_code_at_once(
    server: RunningServer, client: Any, api: InvokeApi
) -> None:
    pool_id, client_id = make_pool(
        client,
        LambdaConfig={"UserMigration": MIGRATION},
        SmsConfiguration=SNS,
        AutoVerifiedAttributes=["phone_number"],
        MfaConfiguration="OPTIONAL",
    )
    api.handlers[MIGRATION] = answering(messageAction="SUPPRESS", enableSMSMFA=True)
    started = sign_in(client, client_id, "sam", PASSWORD)
    assert started["ChallengeName"] == "SMS_MFA"
    assert started["ChallengeParameters"]["CODE_DELIVERY_DESTINATION"] == "+*******0123"
    user = client.admin_get_user(UserPoolId=pool_id, Username="sam")
    assert user["UserMFASettingList"] == ["SMS_MFA"]
    assert user["PreferredMfaSetting"] == "SMS_MFA"
    (code_message,) = server.outbox(pool_id)
    assert code_message.medium == "SMS"


def test_a_legacy_password_weaker_than_the_policy_is_kept(client: Any, api: InvokeApi) -> None:
    """ "The password strength policy … will not be enforced during migration"
    (awsdocs/amazon-cognito-developer-guide, cognito-user-pools-import-using-lambda.md)."""
    _, client_id = make_pool(client, LambdaConfig={"UserMigration": MIGRATION})
    api.handlers[MIGRATION] = answering(messageAction="SUPPRESS")
    first = sign_in(client, client_id, "sam", "weak")
    assert "AuthenticationResult" in first
    again = sign_in(client, client_id, "sam", "weak")
    assert "AuthenticationResult" in again
