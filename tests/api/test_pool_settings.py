"""Settings outside a pool's configuration, through boto3: UI customization, risk
configuration, log delivery, the SAML signing certificate, and the CSV import header."""

from __future__ import annotations

import base64
from typing import Any

import pytest
from botocore.exceptions import ClientError
from cryptography import x509
from support import error_of

PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(64))


@pytest.fixture
def client_id(cognito_idp: Any, user_pool_id: str) -> str:
    made = cognito_idp.create_user_pool_client(UserPoolId=user_pool_id, ClientName="web")
    return str(made["UserPoolClient"]["ClientId"])


def test_ui_customization_per_client_with_all_as_fallback(
    cognito_idp: Any, user_pool_id: str, client_id: str
) -> None:
    empty = cognito_idp.get_ui_customization(UserPoolId=user_pool_id)["UICustomization"]
    assert empty == {"UserPoolId": user_pool_id, "ClientId": "ALL"}
    shared = cognito_idp.set_ui_customization(
        UserPoolId=user_pool_id, ClientId="ALL", CSS=".banner { color: red; }", ImageFile=PNG
    )["UICustomization"]
    assert shared["ClientId"] == "ALL" and shared["CSS"] == ".banner { color: red; }"
    assert shared["CreationDate"] == shared["LastModifiedDate"] and shared["CSSVersion"]
    # A client without its own falls back to ALL.
    fallback = cognito_idp.get_ui_customization(UserPoolId=user_pool_id, ClientId=client_id)
    assert fallback["UICustomization"]["ClientId"] == "ALL"
    assert fallback["UICustomization"]["CSS"] == ".banner { color: red; }"
    own = cognito_idp.set_ui_customization(
        UserPoolId=user_pool_id, ClientId=client_id, CSS=".banner { color: blue; }"
    )["UICustomization"]
    assert own["ClientId"] == client_id
    got = cognito_idp.get_ui_customization(UserPoolId=user_pool_id, ClientId=client_id)
    assert got["UICustomization"]["CSS"] == ".banner { color: blue; }"
    assert got["UICustomization"]["ClientId"] == client_id
    pool_level = cognito_idp.get_ui_customization(UserPoolId=user_pool_id)["UICustomization"]
    assert pool_level["CSS"] == ".banner { color: red; }"
    # Deleting the client deletes its customization; a new client sees ALL again.
    cognito_idp.delete_user_pool_client(UserPoolId=user_pool_id, ClientId=client_id)
    with pytest.raises(ClientError) as excinfo:
        cognito_idp.get_ui_customization(UserPoolId=user_pool_id, ClientId=client_id)
    assert error_of(excinfo) == (
        "ResourceNotFoundException",
        f"User pool client {client_id} does not exist.",
    )


def test_ui_customization_replaced_keeps_its_creation_date(
    cognito_idp: Any, user_pool_id: str
) -> None:
    first = cognito_idp.set_ui_customization(UserPoolId=user_pool_id, CSS="a{}")["UICustomization"]
    second = cognito_idp.set_ui_customization(UserPoolId=user_pool_id)["UICustomization"]
    assert second["CreationDate"] == first["CreationDate"]
    assert "CSS" not in second


def test_ui_customization_unknown_pool(cognito_idp: Any) -> None:
    with pytest.raises(ClientError) as excinfo:
        cognito_idp.set_ui_customization(UserPoolId="us-east-1_nothere00", CSS="a{}")
    assert error_of(excinfo) == (
        "ResourceNotFoundException",
        "User pool us-east-1_nothere00 does not exist.",
    )


RISK = {
    "AccountTakeoverRiskConfiguration": {
        "Actions": {
            "LowAction": {"Notify": False, "EventAction": "NO_ACTION"},
            "MediumAction": {"Notify": False, "EventAction": "MFA_IF_CONFIGURED"},
            "HighAction": {"Notify": False, "EventAction": "BLOCK"},
        }
    },
    "RiskExceptionConfiguration": {"BlockedIPRangeList": ["10.0.0.0/8"]},
}


def test_risk_configuration_per_pool_and_client(
    cognito_idp: Any, user_pool_id: str, client_id: str
) -> None:
    none = cognito_idp.describe_risk_configuration(UserPoolId=user_pool_id)
    assert none["RiskConfiguration"] == {"UserPoolId": user_pool_id}
    stored = cognito_idp.set_risk_configuration(UserPoolId=user_pool_id, **RISK)
    assert stored["RiskConfiguration"]["RiskExceptionConfiguration"] == {
        "BlockedIPRangeList": ["10.0.0.0/8"]
    }
    described = cognito_idp.describe_risk_configuration(UserPoolId=user_pool_id)
    assert (
        described["RiskConfiguration"]["AccountTakeoverRiskConfiguration"]
        == (RISK["AccountTakeoverRiskConfiguration"])
    )
    cognito_idp.set_risk_configuration(
        UserPoolId=user_pool_id,
        ClientId=client_id,
        RiskExceptionConfiguration={"SkippedIPRangeList": ["192.0.2.0/24"]},
    )
    own = cognito_idp.describe_risk_configuration(UserPoolId=user_pool_id, ClientId=client_id)
    assert own["RiskConfiguration"]["ClientId"] == client_id
    assert own["RiskConfiguration"]["RiskExceptionConfiguration"] == {
        "SkippedIPRangeList": ["192.0.2.0/24"]
    }
    assert "AccountTakeoverRiskConfiguration" not in own["RiskConfiguration"]


def test_log_delivery_configuration(cognito_idp: Any, user_pool_id: str) -> None:
    empty = cognito_idp.get_log_delivery_configuration(UserPoolId=user_pool_id)
    assert empty["LogDeliveryConfiguration"] == {
        "UserPoolId": user_pool_id,
        "LogConfigurations": [],
    }
    configurations = [
        {
            "LogLevel": "ERROR",
            "EventSource": "userNotification",
            "CloudWatchLogsConfiguration": {
                "LogGroupArn": "arn:aws:logs:us-east-1:000000000000:log-group:cognito"
            },
        }
    ]
    cognito_idp.set_log_delivery_configuration(
        UserPoolId=user_pool_id, LogConfigurations=configurations
    )
    got = cognito_idp.get_log_delivery_configuration(UserPoolId=user_pool_id)
    assert got["LogDeliveryConfiguration"]["LogConfigurations"] == configurations
    with pytest.raises(ClientError) as excinfo:
        cognito_idp.set_log_delivery_configuration(
            UserPoolId=user_pool_id,
            LogConfigurations=[{"LogLevel": "LOUD", "EventSource": "userNotification"}],
        )
    assert error_of(excinfo)[0] == "InvalidParameterException"
    again = cognito_idp.get_log_delivery_configuration(UserPoolId=user_pool_id)
    assert again["LogDeliveryConfiguration"]["LogConfigurations"] == configurations


def test_signing_certificate_is_a_stable_x509_per_pool(cognito_idp: Any, user_pool_id: str) -> None:
    first = cognito_idp.get_signing_certificate(UserPoolId=user_pool_id)["Certificate"]
    certificate = x509.load_der_x509_certificate(base64.b64decode(first))
    assert user_pool_id in certificate.subject.rfc4514_string()
    assert certificate.subject == certificate.issuer
    assert cognito_idp.get_signing_certificate(UserPoolId=user_pool_id)["Certificate"] == first
    other = cognito_idp.create_user_pool(PoolName="other")["UserPool"]["Id"]
    try:
        assert cognito_idp.get_signing_certificate(UserPoolId=other)["Certificate"] != first
    finally:
        cognito_idp.delete_user_pool(UserPoolId=other)


def test_csv_header_has_aws_columns_and_the_custom_attributes(cognito_idp: Any) -> None:
    pool_id = cognito_idp.create_user_pool(
        PoolName="import",
        Schema=[
            {"Name": "tenant", "AttributeDataType": "String"},
            {"Name": "secretish", "AttributeDataType": "String", "DeveloperOnlyAttribute": True},
        ],
    )["UserPool"]["Id"]
    try:
        header = cognito_idp.get_csv_header(UserPoolId=pool_id)
        assert header["UserPoolId"] == pool_id
        assert header["CSVHeader"] == [
            "name",
            "given_name",
            "family_name",
            "middle_name",
            "nickname",
            "preferred_username",
            "profile",
            "picture",
            "website",
            "email",
            "email_verified",
            "gender",
            "birthdate",
            "zoneinfo",
            "locale",
            "phone_number",
            "phone_number_verified",
            "address",
            "updated_at",
            "custom:tenant",
            "cognito:mfa_enabled",
            "cognito:username",
        ]
    finally:
        cognito_idp.delete_user_pool(UserPoolId=pool_id)
    with pytest.raises(ClientError) as excinfo:
        cognito_idp.get_csv_header(UserPoolId=pool_id)
    assert error_of(excinfo)[0] == "ResourceNotFoundException"
