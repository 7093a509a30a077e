# The fixtures (make_clocked_app) are test_accounts.py's, imported by name.
# ruff: noqa: F401, F811
"""MFA end to end through boto3, on both stores: the pool's MFA configuration, software tokens
with codes computed by pyotp (an independent RFC 6238 implementation), users' preferences, and
the MFA challenges after a first factor, each refusal with AWS's code and message.

The server's clock is frozen (``frozen``): TOTP codes are computed by pyotp at the server's
moment, and a test moves it by whole 30-second steps where it needs a fresh code.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator
from typing import Any

import pyotp
import pytest
from pycognito.aws_srp import AWSSRP  # type: ignore[import-untyped]
from test_accounts import PASSWORD, App, AppFactory, fails, make_clocked_app

from userpools.testing import RunningServer, start_server

SNS = {"SnsCallerArn": "arn:aws:iam::000000000000:role/sns", "ExternalId": "userpools"}
SES = {
    "EmailSendingAccount": "DEVELOPER",
    "SourceArn": "arn:aws:ses:us-east-1:000000000000:identity/example.com",
    "From": "no-reply@example.com",
}
FLOWS = [
    "ALLOW_USER_PASSWORD_AUTH",
    "ALLOW_ADMIN_USER_PASSWORD_AUTH",
    "ALLOW_USER_SRP_AUTH",
    "ALLOW_REFRESH_TOKEN_AUTH",
]
PHONE = "+15555550123"

TOTP_MISMATCH = ("CodeMismatchException", "Invalid code received for user")
CODE_MISMATCH = ("CodeMismatchException", "Invalid code or auth state for the user.")
REUSED = ("ExpiredCodeException", "Your software token has already been used once.")
USED_TWICE = (
    "NotAuthorizedException",
    "Invalid session for the user, session can only be used once.",
)
INVALID_SESSION = ("NotAuthorizedException", "Invalid session for the user.")
EXPIRED_SESSION = ("NotAuthorizedException", "Invalid session for the user, session is expired.")
EXPIRED_CODE = ("ExpiredCodeException", "Invalid code provided, please request a code again.")
LOCKED = ("NotAuthorizedException", "Password attempts exceeded")
ENABLE_MISMATCH = (
    "EnableSoftwareTokenMFAException",
    "Code mismatch and fail enable Software Token MFA",
)


@pytest.fixture
def frozen(clock: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    """The clocked server's clock, stopped 5 s into a TOTP step: it moves only by
    ``advance``."""
    moment = (time.time() // 30) * 30 + 5
    monkeypatch.setattr(type(clock), "__call__", lambda self: moment + self.offset)
    return clock


def make(make_clocked_app: AppFactory, *, pool: dict[str, Any] | None = None, **client: Any) -> App:
    return make_clocked_app(pool=pool or {}, ExplicitAuthFlows=FLOWS, **client)


def user(app: App, username: str = "ann", *, phone: bool = True, email: bool = True) -> None:
    given = []
    if email:
        given.append({"Name": "email", "Value": f"{username}@example.com"})
    if phone:
        given.append({"Name": "phone_number", "Value": PHONE})
    app.api.admin_create_user(
        UserPoolId=app.pool_id, Username=username, UserAttributes=given, MessageAction="SUPPRESS"
    )
    app.api.admin_set_user_password(
        UserPoolId=app.pool_id, Username=username, Password=PASSWORD, Permanent=True
    )


def initiate(app: App, username: str = "ann") -> dict[str, Any]:
    response: dict[str, Any] = app.api.initiate_auth(
        ClientId=app.client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": username, "PASSWORD": PASSWORD},
    )
    return response


def respond(
    app: App, challenge: str, session: str, username: str = "ann", **responses: str
) -> dict[str, Any]:
    response: dict[str, Any] = app.api.respond_to_auth_challenge(
        ClientId=app.client_id,
        ChallengeName=challenge,
        Session=session,
        ChallengeResponses={"USERNAME": username, **responses},
    )
    return response


def tokens_of(app: App, username: str = "ann") -> str:
    """An access token, from a sign-in that asks no MFA."""
    response = initiate(app, username)
    assert "AuthenticationResult" in response, response
    token: str = response["AuthenticationResult"]["AccessToken"]
    return token


def set_mfa(app: App, mode: str = "OPTIONAL", **factors: Any) -> dict[str, Any]:
    answer: dict[str, Any] = app.api.set_user_pool_mfa_config(
        UserPoolId=app.pool_id, MfaConfiguration=mode, **factors
    )
    return answer


def totp_app(app: App, clock: Any, token: str) -> pyotp.TOTP:
    """Associate and verify a software token with the access token; the authenticator."""
    secret = app.api.associate_software_token(AccessToken=token)["SecretCode"]
    authenticator = pyotp.TOTP(secret)
    verified = app.api.verify_software_token(
        AccessToken=token, UserCode=authenticator.at(clock()), FriendlyDeviceName="phone"
    )
    assert verified["Status"] == "SUCCESS"
    return authenticator


def totp_user(app: App, clock: Any, username: str = "ann") -> pyotp.TOTP:
    """A user (:func:`user`) of a pool that allows TOTP, whose software token is verified and
    preferred; the authenticator."""
    set_mfa(app, SoftwareTokenMfaConfiguration={"Enabled": True})
    user(app, username)
    token = tokens_of(app, username)
    authenticator = totp_app(app, clock, token)
    app.api.set_user_mfa_preference(
        AccessToken=token, SoftwareTokenMfaSettings={"Enabled": True, "PreferredMfa": True}
    )
    return authenticator


def totp_refusal(app: App, session: str, code: str, username: str = "ann") -> tuple[str, str]:
    """The error code and message of answering ``SOFTWARE_TOKEN_MFA`` with ``code``, which must
    be refused."""
    return fails(
        respond,
        app=app,
        challenge="SOFTWARE_TOKEN_MFA",
        session=session,
        username=username,
        SOFTWARE_TOKEN_MFA_CODE=code,
    )


def outbox_code(app: App, username: str = "ann", digits: int = 6) -> str:
    body = app.messages(username)[-1].body
    found = re.search(rf"\b(\d{{{digits}}})\b", body)
    assert found, body
    return found.group(1)


# the pool's configuration -----------------------------------------------------------------


def test_mfa_config_is_off_until_set_and_agrees_with_describe(
    make_clocked_app: AppFactory,
) -> None:
    app = make(make_clocked_app, pool={"SmsConfiguration": SNS})
    assert app.api.get_user_pool_mfa_config(UserPoolId=app.pool_id)["MfaConfiguration"] == "OFF"
    answer = set_mfa(
        app,
        SoftwareTokenMfaConfiguration={"Enabled": True},
        SmsMfaConfiguration={"SmsAuthenticationMessage": "Code: {####}", "SmsConfiguration": SNS},
    )
    assert answer["MfaConfiguration"] == "OPTIONAL"
    assert answer["SoftwareTokenMfaConfiguration"] == {"Enabled": True}
    assert answer["SmsMfaConfiguration"]["SmsAuthenticationMessage"] == "Code: {####}"
    got = app.api.get_user_pool_mfa_config(UserPoolId=app.pool_id)
    assert {k: v for k, v in got.items() if k != "ResponseMetadata"} == {
        k: v for k, v in answer.items() if k != "ResponseMetadata"
    }
    described = app.api.describe_user_pool(UserPoolId=app.pool_id)["UserPool"]
    assert described["MfaConfiguration"] == "OPTIONAL"
    assert described["SmsAuthenticationMessage"] == "Code: {####}"
    app.api.update_user_pool(UserPoolId=app.pool_id, MfaConfiguration="ON")
    assert app.api.get_user_pool_mfa_config(UserPoolId=app.pool_id)["MfaConfiguration"] == "ON"


def test_mfa_config_refusals(make_clocked_app: AppFactory) -> None:
    app = make(make_clocked_app)
    set_params = {"UserPoolId": app.pool_id}
    assert fails(app.api.set_user_pool_mfa_config, **set_params, MfaConfiguration="ON") == (
        "InvalidParameterException",
        "Invalid MFA configuration given, can't disable all MFAs with a required or optional "
        "configuration.",
    )
    assert fails(
        app.api.set_user_pool_mfa_config,
        **set_params,
        MfaConfiguration="OFF",
        SoftwareTokenMfaConfiguration={"Enabled": True},
    ) == (
        "InvalidParameterException",
        "Invalid MFA configuration given, can't turn off MFA and configure an MFA together.",
    )
    # SMS MFA without an SmsConfiguration enables nothing.
    assert fails(
        app.api.set_user_pool_mfa_config,
        **set_params,
        MfaConfiguration="OPTIONAL",
        SmsMfaConfiguration={"SmsAuthenticationMessage": "Code: {####}"},
    )[0] == ("InvalidParameterException")
    code, _ = fails(
        app.api.set_user_pool_mfa_config,
        **set_params,
        MfaConfiguration="OPTIONAL",
        EmailMfaConfiguration={"Message": "Code {####}", "Subject": "Code"},
    )
    assert code == "InvalidParameterException"
    assert app.api.get_user_pool_mfa_config(UserPoolId=app.pool_id)["MfaConfiguration"] == "OFF"


# software tokens and preferences -----------------------------------------------------------


def test_software_token_with_pyotp_then_sign_in_with_totp(
    make_clocked_app: AppFactory, frozen: Any
) -> None:
    app = make(make_clocked_app)
    set_mfa(app, SoftwareTokenMfaConfiguration={"Enabled": True})
    user(app)
    token = tokens_of(app)
    secret = app.api.associate_software_token(AccessToken=token)["SecretCode"]
    assert re.fullmatch(r"[A-Z2-7]{32}", secret)
    authenticator = pyotp.TOTP(secret)
    wrong = f"{(int(authenticator.at(frozen())) + 1) % 10**6:06d}"
    assert fails(app.api.verify_software_token, AccessToken=token, UserCode=wrong) == (
        ENABLE_MISMATCH
    )
    app.api.verify_software_token(AccessToken=token, UserCode=authenticator.at(frozen()))
    # Verified is not enabled: sign-in asks nothing yet.
    assert "UserMFASettingList" not in app.get_user(token)
    app.api.set_user_mfa_preference(
        AccessToken=token, SoftwareTokenMfaSettings={"Enabled": True, "PreferredMfa": True}
    )
    shown = app.get_user(token)
    assert shown["UserMFASettingList"] == ["SOFTWARE_TOKEN_MFA"]
    assert shown["PreferredMfaSetting"] == "SOFTWARE_TOKEN_MFA"

    frozen.advance(30)
    challenge = initiate(app)
    assert challenge["ChallengeName"] == "SOFTWARE_TOKEN_MFA"
    session = challenge["Session"]
    wrong = f"{(int(authenticator.at(frozen())) + 1) % 10**6:06d}"
    assert totp_refusal(app, session, wrong) == TOTP_MISMATCH
    # A wrong code leaves the session for another try.
    done = respond(
        app, "SOFTWARE_TOKEN_MFA", session, SOFTWARE_TOKEN_MFA_CODE=authenticator.at(frozen())
    )
    assert done["AuthenticationResult"]["AccessToken"]
    assert totp_refusal(app, session, authenticator.at(frozen())) == USED_TWICE


def test_a_totp_code_is_accepted_once(make_clocked_app: AppFactory, frozen: Any) -> None:
    app = make(make_clocked_app)
    authenticator = totp_user(app, frozen)
    # The code VerifySoftwareToken took cannot sign in, nor can one of an earlier step.
    session = initiate(app)["Session"]
    code = authenticator.at(frozen())
    assert totp_refusal(app, session, code) == REUSED
    frozen.advance(30)
    assert totp_refusal(app, session, code) == REUSED
    fresh = authenticator.at(frozen())
    respond(app, "SOFTWARE_TOKEN_MFA", session, SOFTWARE_TOKEN_MFA_CODE=fresh)
    again = initiate(app)["Session"]
    assert totp_refusal(app, again, fresh) == REUSED


def test_wrong_totp_codes_lock_the_user_like_wrong_passwords(
    make_clocked_app: AppFactory, frozen: Any
) -> None:
    app = make(make_clocked_app)
    set_mfa(app, SoftwareTokenMfaConfiguration={"Enabled": True})
    user(app)
    token = tokens_of(app)
    authenticator = totp_app(app, frozen, token)
    app.api.admin_set_user_mfa_preference(
        UserPoolId=app.pool_id,
        Username="ann",
        SoftwareTokenMfaSettings={"Enabled": True, "PreferredMfa": True},
    )
    frozen.advance(30)
    session = initiate(app)["Session"]
    wrong = f"{(int(authenticator.at(frozen())) + 1) % 10**6:06d}"
    for _ in range(5):
        assert totp_refusal(app, session, wrong) == TOTP_MISMATCH
    right = authenticator.at(frozen())
    assert totp_refusal(app, session, right) == LOCKED
    assert fails(initiate, app=app) == LOCKED
    frozen.advance(1.5)
    respond(app, "SOFTWARE_TOKEN_MFA", session, SOFTWARE_TOKEN_MFA_CODE=right)


def test_mfa_preference_refusals_and_legacy_options(make_clocked_app: AppFactory) -> None:
    app = make(make_clocked_app, pool={"SmsConfiguration": SNS})
    set_mfa(app, SmsMfaConfiguration={"SmsConfiguration": SNS})
    user(app, "bob", phone=False, email=False)
    admin = {"UserPoolId": app.pool_id, "Username": "bob"}
    assert fails(
        app.api.admin_set_user_mfa_preference,
        **admin,
        SoftwareTokenMfaSettings={"Enabled": True},
    ) == (
        "InvalidParameterException",
        "User does not have delivery config set to turn on SOFTWARE_TOKEN_MFA",
    )
    assert fails(
        app.api.admin_set_user_mfa_preference, **admin, SMSMfaSettings={"Enabled": True}
    ) == ("InvalidParameterException", "User does not have delivery config set to turn on SMS_MFA")
    assert fails(
        app.api.admin_set_user_mfa_preference, **admin, EmailMfaSettings={"Enabled": True}
    ) == (
        "InvalidParameterException",
        "User does not have delivery config set to turn on EMAIL_OTP",
    )
    user(app)
    ann = {"UserPoolId": app.pool_id, "Username": "ann"}
    assert fails(
        app.api.admin_set_user_mfa_preference,
        **ann,
        SMSMfaSettings={"Enabled": True, "PreferredMfa": True},
        EmailMfaSettings={"Enabled": True, "PreferredMfa": True},
    ) == ("InvalidParameterException", "Only one MFA method can be set as preferred.")
    shown = app.user("ann")
    assert "UserMFASettingList" not in shown and "PreferredMfaSetting" not in shown
    app.api.admin_set_user_settings(
        **ann, MFAOptions=[{"DeliveryMedium": "SMS", "AttributeName": "phone_number"}]
    )
    assert app.user("ann")["UserMFASettingList"] == ["SMS_MFA"]
    app.api.admin_set_user_mfa_preference(
        **ann, SMSMfaSettings={"Enabled": True, "PreferredMfa": True}
    )
    assert app.user("ann")["PreferredMfaSetting"] == "SMS_MFA"
    app.api.admin_set_user_mfa_preference(**ann, SMSMfaSettings={"Enabled": False})
    shown = app.user("ann")
    assert "MFAOptions" not in shown
    assert "UserMFASettingList" not in shown and "PreferredMfaSetting" not in shown


# challenges ------------------------------------------------------------------------------


def test_mfa_setup_with_session_then_tokens(make_clocked_app: AppFactory, frozen: Any) -> None:
    app = make(make_clocked_app)
    set_mfa(app, "ON", SoftwareTokenMfaConfiguration={"Enabled": True})
    user(app, phone=False, email=False)
    challenge = initiate(app)
    assert challenge["ChallengeName"] == "MFA_SETUP"
    assert challenge["ChallengeParameters"] == {
        "MFAS_CAN_SETUP": '["SOFTWARE_TOKEN_MFA"]',
        "USER_ID_FOR_SRP": "ann",
    }
    # Answering before a token is verified does not end the sign-in.
    code, _ = fails(respond, app=app, challenge="MFA_SETUP", session=challenge["Session"])
    assert code == "InvalidParameterException"
    associated = app.api.associate_software_token(Session=challenge["Session"])
    authenticator = pyotp.TOTP(associated["SecretCode"])
    assert fails(app.api.associate_software_token, Session=challenge["Session"]) == USED_TWICE
    for forged in ("x" * 40, "us-east-1_Nope0000." + "x" * 40, app.pool_id + "." + "x" * 40):
        assert fails(app.api.associate_software_token, Session=forged) == INVALID_SESSION
    verified = app.api.verify_software_token(
        Session=associated["Session"], UserCode=authenticator.at(frozen())
    )
    assert verified["Status"] == "SUCCESS"
    done = respond(app, "MFA_SETUP", verified["Session"])
    assert done["AuthenticationResult"]["IdToken"]
    shown = app.user("ann")
    assert shown["UserMFASettingList"] == ["SOFTWARE_TOKEN_MFA"]
    assert shown["PreferredMfaSetting"] == "SOFTWARE_TOKEN_MFA"
    frozen.advance(30)
    assert initiate(app)["ChallengeName"] == "SOFTWARE_TOKEN_MFA"


def test_new_password_required_comes_before_mfa_setup(
    make_clocked_app: AppFactory, frozen: Any
) -> None:
    app = make(make_clocked_app)
    set_mfa(app, "ON", SoftwareTokenMfaConfiguration={"Enabled": True})
    app.api.admin_create_user(
        UserPoolId=app.pool_id,
        Username="ann",
        TemporaryPassword=PASSWORD,
        MessageAction="SUPPRESS",
    )
    first = initiate(app)
    assert first["ChallengeName"] == "NEW_PASSWORD_REQUIRED"
    after = respond(app, "NEW_PASSWORD_REQUIRED", first["Session"], NEW_PASSWORD="Another-pass-1")
    assert after["ChallengeName"] == "MFA_SETUP"


def test_sms_mfa_code_from_the_outbox(make_clocked_app: AppFactory, frozen: Any) -> None:
    app = make(make_clocked_app, pool={"SmsConfiguration": SNS})
    set_mfa(
        app,
        "ON",
        SmsMfaConfiguration={
            "SmsAuthenticationMessage": "Sign in: {####}",
            "SmsConfiguration": SNS,
        },
    )
    user(app)
    challenge = app.api.admin_initiate_auth(
        UserPoolId=app.pool_id,
        ClientId=app.client_id,
        AuthFlow="ADMIN_USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": "ann", "PASSWORD": PASSWORD},
    )
    assert challenge["ChallengeName"] == "SMS_MFA"
    assert challenge["ChallengeParameters"] == {
        "CODE_DELIVERY_DELIVERY_MEDIUM": "SMS",
        "CODE_DELIVERY_DESTINATION": "+*******0123",
    }
    message = app.messages("ann")[-1]
    assert message.medium == "SMS" and message.destination == PHONE
    assert re.fullmatch(r"Sign in: \d{6}", message.body)
    code = outbox_code(app)
    wrong = f"{(int(code) + 1) % 10**6:06d}"
    admin = {"UserPoolId": app.pool_id, "ClientId": app.client_id, "ChallengeName": "SMS_MFA"}
    answer = {"USERNAME": "ann", "SMS_MFA_CODE": wrong}
    assert (
        fails(
            app.api.admin_respond_to_auth_challenge,
            **admin,
            Session=challenge["Session"],
            ChallengeResponses=answer,
        )
        == CODE_MISMATCH
    )
    done = app.api.admin_respond_to_auth_challenge(
        **admin, Session=challenge["Session"], ChallengeResponses={**answer, "SMS_MFA_CODE": code}
    )
    assert done["AuthenticationResult"]["AccessToken"]
    # The code reached the phone: the number is verified.
    assert {a["Name"]: a["Value"] for a in app.user("ann")["UserAttributes"]}[
        "phone_number_verified"
    ] == "true"


def test_email_otp_mfa_code_is_eight_digits(make_clocked_app: AppFactory, frozen: Any) -> None:
    app = make(make_clocked_app, pool={"EmailConfiguration": SES})
    set_mfa(app, EmailMfaConfiguration={"Message": "Your code: {####}", "Subject": "Sign-in code"})
    user(app, phone=False)
    app.api.admin_set_user_mfa_preference(
        UserPoolId=app.pool_id, Username="ann", EmailMfaSettings={"Enabled": True}
    )
    challenge = initiate(app)
    assert challenge["ChallengeName"] == "EMAIL_OTP"
    assert challenge["ChallengeParameters"] == {
        "CODE_DELIVERY_DELIVERY_MEDIUM": "EMAIL",
        "CODE_DELIVERY_DESTINATION": "a***@e***",
    }
    message = app.messages("ann")[-1]
    assert message.subject == "Sign-in code" and message.sender == "no-reply@example.com"
    code = outbox_code(app, digits=8)
    done = respond(app, "EMAIL_OTP", challenge["Session"], EMAIL_OTP_CODE=code)
    assert done["AuthenticationResult"]["AccessToken"]


def test_select_mfa_type_when_several_and_none_preferred(
    make_clocked_app: AppFactory, frozen: Any
) -> None:
    app = make(make_clocked_app, pool={"SmsConfiguration": SNS})
    set_mfa(
        app,
        SmsMfaConfiguration={"SmsConfiguration": SNS},
        SoftwareTokenMfaConfiguration={"Enabled": True},
    )
    user(app)
    token = tokens_of(app)
    totp_app(app, frozen, token)
    app.api.set_user_mfa_preference(
        AccessToken=token,
        SMSMfaSettings={"Enabled": True},
        SoftwareTokenMfaSettings={"Enabled": True},
    )
    challenge = initiate(app)
    assert challenge["ChallengeName"] == "SELECT_MFA_TYPE"
    # Compact JSON in a string, as AWS writes it.
    assert challenge["ChallengeParameters"] == {
        "MFAS_CAN_CHOOSE": '["SMS_MFA","SOFTWARE_TOKEN_MFA"]'
    }
    chosen = respond(app, "SELECT_MFA_TYPE", challenge["Session"], ANSWER="SMS_MFA")
    assert chosen["ChallengeName"] == "SMS_MFA"
    # The skipped challenge: a SOFTWARE_TOKEN_MFA answer to the SMS_MFA session.
    assert totp_refusal(app, chosen["Session"], "123456") == INVALID_SESSION
    done = respond(app, "SMS_MFA", chosen["Session"], SMS_MFA_CODE=outbox_code(app))
    assert done["AuthenticationResult"]["AccessToken"]


def test_code_sessions_refuse_other_users_and_expire(
    make_clocked_app: AppFactory, frozen: Any
) -> None:
    app = make(make_clocked_app, pool={"SmsConfiguration": SNS}, AuthSessionValidity=15)
    set_mfa(app, "ON", SmsMfaConfiguration={"SmsConfiguration": SNS})
    user(app)
    user(app, "bob")
    session = initiate(app)["Session"]
    code = outbox_code(app)
    assert (
        fails(
            respond,
            app=app,
            challenge="SMS_MFA",
            session=session,
            username="bob",
            SMS_MFA_CODE=code,
        )
        == INVALID_SESSION
    )
    frozen.advance(3 * 60 + 1)
    assert (
        fails(respond, app=app, challenge="SMS_MFA", session=session, SMS_MFA_CODE=code)
        == EXPIRED_CODE
    )
    frozen.advance(12 * 60)
    assert (
        fails(respond, app=app, challenge="SMS_MFA", session=session, SMS_MFA_CODE=code)
        == EXPIRED_SESSION
    )


def test_optional_mfa_asks_nothing_of_users_without_factors(
    make_clocked_app: AppFactory,
) -> None:
    app = make(make_clocked_app, pool={"SmsConfiguration": SNS})
    set_mfa(app, SmsMfaConfiguration={"SmsConfiguration": SNS})
    user(app)
    assert "AuthenticationResult" in initiate(app)


def test_get_user_auth_factors(make_clocked_app: AppFactory, frozen: Any) -> None:
    app = make(make_clocked_app)
    set_mfa(app, SoftwareTokenMfaConfiguration={"Enabled": True})
    user(app)
    token = tokens_of(app)
    factors = app.api.get_user_auth_factors(AccessToken=token)
    assert factors["Username"] == "ann"
    assert factors["ConfiguredUserAuthFactors"] == ["PASSWORD"]
    assert "UserMFASettingList" not in factors and "PreferredMfaSetting" not in factors
    totp_app(app, frozen, token)
    app.api.set_user_mfa_preference(
        AccessToken=token, SoftwareTokenMfaSettings={"Enabled": True, "PreferredMfa": True}
    )
    factors = app.api.get_user_auth_factors(AccessToken=token)
    assert factors["UserMFASettingList"] == ["SOFTWARE_TOKEN_MFA"]
    assert factors["PreferredMfaSetting"] == "SOFTWARE_TOKEN_MFA"


def test_create_user_pool_with_mfa_needs_sms(make_clocked_app: AppFactory) -> None:
    app = make(make_clocked_app)
    needs_sms = (
        "InvalidParameterException",
        "SMS configuration and Auto verification for phone_number are required when MFA is "
        "required/optional",
    )
    assert fails(app.api.create_user_pool, PoolName="mfa", MfaConfiguration="ON") == needs_sms
    assert (
        fails(
            app.api.create_user_pool,
            PoolName="mfa",
            MfaConfiguration="OPTIONAL",
            SmsConfiguration=SNS,
        )
        == needs_sms
    )
    made = app.api.create_user_pool(
        PoolName="mfa",
        MfaConfiguration="OPTIONAL",
        SmsConfiguration=SNS,
        AutoVerifiedAttributes=["phone_number"],
    )["UserPool"]
    try:
        got = app.api.get_user_pool_mfa_config(UserPoolId=made["Id"])
        assert got["MfaConfiguration"] == "OPTIONAL"
        assert got["SmsMfaConfiguration"] == {"SmsConfiguration": SNS}
    finally:
        app.api.delete_user_pool(UserPoolId=made["Id"])


def test_srp_sign_in_then_totp_with_the_srp_user_id(
    make_clocked_app: AppFactory, frozen: Any
) -> None:
    """pycognito's SRP client, then the TOTP challenge answered as amazon-cognito-identity-js
    does: USERNAME is USER_ID_FOR_SRP, and SMS_MFA_CODE rides along."""
    app = make(make_clocked_app)
    authenticator = totp_user(app, frozen)
    frozen.advance(30)
    srp = AWSSRP(
        username="ann",
        password=PASSWORD,
        pool_id=app.pool_id,
        client_id=app.client_id,
        client=app.api,
    )
    first = app.api.initiate_auth(
        ClientId=app.client_id, AuthFlow="USER_SRP_AUTH", AuthParameters=srp.get_auth_params()
    )
    proof = srp.process_challenge(first["ChallengeParameters"], srp.get_auth_params())
    challenge = app.api.respond_to_auth_challenge(
        ClientId=app.client_id, ChallengeName="PASSWORD_VERIFIER", ChallengeResponses=proof
    )
    assert challenge["ChallengeName"] == "SOFTWARE_TOKEN_MFA"
    code = authenticator.at(frozen())
    user_id = first["ChallengeParameters"]["USER_ID_FOR_SRP"]
    done = respond(
        app,
        "SOFTWARE_TOKEN_MFA",
        challenge["Session"],
        username=user_id,
        SMS_MFA_CODE=code,
        SOFTWARE_TOKEN_MFA_CODE=code,
    )
    assert done["AuthenticationResult"]["AccessToken"]


@pytest.fixture
def second_node(clocked_server: RunningServer, frozen: Any) -> Iterator[RunningServer]:
    """Another server on the clocked server's database, with the same (frozen) clock."""
    settings = clocked_server.server.settings
    yield from start_server(
        clocked_server.db_path, database_url=settings.database_url, clock=frozen
    )


def test_a_challenge_begun_on_one_node_is_answered_on_another(
    make_clocked_app: AppFactory, frozen: Any, second_node: RunningServer
) -> None:
    app = make(make_clocked_app)
    set_mfa(app, "ON", SoftwareTokenMfaConfiguration={"Enabled": True})
    user(app, phone=False, email=False)
    other = second_node.client()
    challenge = initiate(app)
    associated = other.associate_software_token(Session=challenge["Session"])
    authenticator = pyotp.TOTP(associated["SecretCode"])
    verified = app.api.verify_software_token(
        Session=associated["Session"], UserCode=authenticator.at(frozen())
    )
    done = other.respond_to_auth_challenge(
        ClientId=app.client_id,
        ChallengeName="MFA_SETUP",
        Session=verified["Session"],
        ChallengeResponses={"USERNAME": "ann"},
    )
    assert done["AuthenticationResult"]["AccessToken"]
    frozen.advance(30)
    session = initiate(app)["Session"]
    done = other.respond_to_auth_challenge(
        ClientId=app.client_id,
        ChallengeName="SOFTWARE_TOKEN_MFA",
        Session=session,
        ChallengeResponses={
            "USERNAME": "ann",
            "SOFTWARE_TOKEN_MFA_CODE": authenticator.at(frozen()),
        },
    )
    assert done["AuthenticationResult"]["AccessToken"]


def test_the_totp_secret_is_sealed_for_its_user(make_clocked_app: AppFactory, frozen: Any) -> None:
    """What the database holds is not the secret, and opens only for the user it was sealed
    for."""
    from userpools.domain import mfa
    from userpools.domain.lookup import require_user
    from userpools.domain.pools import require_pool

    app = make(make_clocked_app)
    set_mfa(app, SoftwareTokenMfaConfiguration={"Enabled": True})
    user(app)
    user(app, "bob")
    secret = app.api.associate_software_token(AccessToken=tokens_of(app))["SecretCode"]
    store = app.server.server.services.mfa.store

    def look(tx: Any) -> tuple[bytes, str | None, str | None]:
        pool = require_pool(tx, app.pool_id, "us-east-1")
        ann, bob = require_user(tx, pool, "ann"), require_user(tx, pool, "bob")
        sealed = tx.get_user_mfa(pool, ann).pending_secret
        return (
            sealed,
            mfa.unseal(tx, pool, ann, sealed, frozen()),
            mfa.unseal(tx, pool, bob, sealed, frozen()),
        )

    sealed, for_ann, for_bob = store.read(look)
    assert secret.encode() not in sealed and len(sealed) == 12 + len(secret) + 16
    assert for_ann == secret and for_bob is None


def test_mfa_setup_offers_every_factor_and_sets_up_email(
    make_clocked_app: AppFactory, frozen: Any
) -> None:
    """As Amplify JS v6 sets email MFA up: MFA_SETUP answered with EMAIL, then EMAIL_OTP."""
    app = make(make_clocked_app, pool={"EmailConfiguration": SES})
    set_mfa(
        app,
        "ON",
        SoftwareTokenMfaConfiguration={"Enabled": True},
        EmailMfaConfiguration={"Message": "Code {####}", "Subject": "Code"},
    )
    user(app, phone=False, email=False)
    challenge = initiate(app)
    assert challenge["ChallengeName"] == "MFA_SETUP"
    offered = challenge["ChallengeParameters"]["MFAS_CAN_SETUP"]
    assert offered == '["SOFTWARE_TOKEN_MFA","EMAIL_OTP"]'
    sent = respond(app, "MFA_SETUP", challenge["Session"], EMAIL="ann@example.com")
    assert sent["ChallengeName"] == "EMAIL_OTP"
    assert sent["ChallengeParameters"]["CODE_DELIVERY_DESTINATION"] == "a***@e***"
    done = respond(app, "EMAIL_OTP", sent["Session"], EMAIL_OTP_CODE=outbox_code(app, digits=8))
    assert done["AuthenticationResult"]["AccessToken"]
    shown = app.user("ann")
    assert shown["UserMFASettingList"] == ["EMAIL_OTP"]
    assert shown["PreferredMfaSetting"] == "EMAIL_OTP"
    attributes = {a["Name"]: a["Value"] for a in shown["UserAttributes"]}
    assert attributes["email"] == "ann@example.com" and attributes["email_verified"] == "true"


def test_get_user_auth_factors_lists_passwordless_factors_the_pool_allows(
    make_clocked_app: AppFactory,
) -> None:
    policy = {"SignInPolicy": {"AllowedFirstAuthFactors": ["PASSWORD", "EMAIL_OTP", "SMS_OTP"]}}
    app = make(make_clocked_app, pool={"Policies": policy})
    user(app)
    app.api.admin_update_user_attributes(
        UserPoolId=app.pool_id,
        Username="ann",
        UserAttributes=[{"Name": "email_verified", "Value": "true"}],
    )
    factors = app.api.get_user_auth_factors(AccessToken=tokens_of(app))
    # The phone number is not verified: no SMS_OTP.
    assert factors["ConfiguredUserAuthFactors"] == ["PASSWORD", "EMAIL_OTP"]


def test_a_code_does_not_verify_an_address_another_user_signs_in_with(
    make_clocked_app: AppFactory, frozen: Any
) -> None:
    app = make(make_clocked_app, pool={"EmailConfiguration": SES, "AliasAttributes": ["email"]})
    set_mfa(app, EmailMfaConfiguration={"Message": "Code {####}", "Subject": "Code"})
    user(app, phone=False)
    app.api.admin_create_user(
        UserPoolId=app.pool_id,
        Username="bob",
        MessageAction="SUPPRESS",
        UserAttributes=[
            {"Name": "email", "Value": "ann@example.com"},
            {"Name": "email_verified", "Value": "true"},
        ],
    )
    app.api.admin_set_user_mfa_preference(
        UserPoolId=app.pool_id, Username="ann", EmailMfaSettings={"Enabled": True}
    )
    challenge = initiate(app)
    done = respond(
        app, "EMAIL_OTP", challenge["Session"], EMAIL_OTP_CODE=outbox_code(app, "ann", 8)
    )
    assert done["AuthenticationResult"]["AccessToken"]
    attributes = {a["Name"]: a["Value"] for a in app.user("ann")["UserAttributes"]}
    assert attributes.get("email_verified") != "true"


def test_set_user_settings_is_the_sms_factor(make_clocked_app: AppFactory) -> None:
    app = make(make_clocked_app, pool={"SmsConfiguration": SNS})
    set_mfa(app, SmsMfaConfiguration={"SmsConfiguration": SNS})
    user(app)
    token = tokens_of(app)
    sms = [{"DeliveryMedium": "SMS", "AttributeName": "phone_number"}]
    app.api.set_user_settings(AccessToken=token, MFAOptions=sms)
    shown = app.get_user(token)
    assert shown["MFAOptions"] == sms and shown["UserMFASettingList"] == ["SMS_MFA"]
    assert initiate(app)["ChallengeName"] == "SMS_MFA"
    app.api.set_user_mfa_preference(AccessToken=token, SMSMfaSettings={"PreferredMfa": True})
    assert app.get_user(token)["PreferredMfaSetting"] == "SMS_MFA"
    app.api.admin_set_user_settings(UserPoolId=app.pool_id, Username="ann", MFAOptions=[])
    shown = app.get_user(token)
    assert "MFAOptions" not in shown and "UserMFASettingList" not in shown
    assert "PreferredMfaSetting" not in shown
    assert "AuthenticationResult" in initiate(app)


def test_totp_accepts_one_step_of_skew_and_no_more(
    make_clocked_app: AppFactory, frozen: Any
) -> None:
    app = make(make_clocked_app)
    authenticator = totp_user(app, frozen)
    frozen.advance(90)
    session = initiate(app)["Session"]
    stale = authenticator.at(frozen() - 60)
    assert totp_refusal(app, session, stale) == TOTP_MISMATCH
    late = authenticator.at(frozen() - 30)
    respond(app, "SOFTWARE_TOKEN_MFA", session, SOFTWARE_TOKEN_MFA_CODE=late)
    frozen.advance(30)
    early = authenticator.at(frozen() + 30)
    done = respond(
        app, "SOFTWARE_TOKEN_MFA", initiate(app)["Session"], SOFTWARE_TOKEN_MFA_CODE=early
    )
    assert done["AuthenticationResult"]["AccessToken"]
