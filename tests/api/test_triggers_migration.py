"""UserMigration through the Lambda Invoke API: on sign-in (the event compared with AWS's
documented one, cited beside it; the password never recorded) and on ForgotPassword, and never
for a password the client may not send."""

from __future__ import annotations

import json
import urllib.request
from typing import Any

import pytest
from botocore.exceptions import ClientError
from invoke_api import InvokeApi
from lambda_triggers import PASSWORD, arn, assert_event, make_pool, sign_in
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
