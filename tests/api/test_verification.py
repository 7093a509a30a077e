# The fixtures (app, make_app, make_clocked_app) are test_accounts.py's, imported by name.
# ruff: noqa: F401, F811
"""Attribute verification and the other calls an access token authorises, through boto3.

A changed email or phone number that the pool verifies (``AutoVerifiedAttributes``) becomes
unverified and gets a code, which VerifyUserAttribute takes; with
``AttributesRequireVerificationBeforeUpdate`` the old value stays until then. Also
DeleteUserAttributes, SetUserSettings, and ForgotPassword in an ``admin_only`` pool.
"""

from __future__ import annotations

from typing import Any

from test_accounts import (
    ATTEMPTS,
    CODE_MISMATCH,
    EXPIRED_CODE,
    App,
    AppFactory,
    app,
    attrs,
    confirmed,
    fails,
    make_app,
    make_clocked_app,
)

EMAIL_SENT = {"Destination": "n***@e***", "DeliveryMedium": "EMAIL", "AttributeName": "email"}
NEW_EMAIL = [{"Name": "email", "Value": "new@example.com"}]
NOT_WRITABLE = ("NotAuthorizedException", "A client attempted to write unauthorized attribute")


def signed_in(app: App, username: str = "ann") -> str:
    """A confirmed user with a verified email; their access token."""
    confirmed(app, username, f"{username}@example.com")
    token: str = app.sign_in(username)["AccessToken"]
    return token


def verify(app: App, token: str, code: str, attribute: str = "email") -> None:
    app.api.verify_user_attribute(AccessToken=token, AttributeName=attribute, Code=code)


def test_a_new_email_is_unverified_until_its_code_comes_back(app: App) -> None:
    token = signed_in(app)
    sent = app.api.update_user_attributes(AccessToken=token, UserAttributes=NEW_EMAIL)
    assert sent["CodeDeliveryDetailsList"] == [EMAIL_SENT]
    message = app.messages("ann")[-1]
    assert (message.medium, message.destination) == ("EMAIL", "new@example.com")
    values = attrs(app.user("ann")["UserAttributes"])
    assert (values["email"], values["email_verified"]) == ("new@example.com", "false")
    code = app.code("ann")
    wrong = "000000" if code != "000000" else "111111"
    assert fails(
        app.api.verify_user_attribute, AccessToken=token, AttributeName="email", Code=wrong
    ) == (CODE_MISMATCH)
    verify(app, token, code)
    values = attrs(app.get_user(token)["UserAttributes"])
    assert (values["email"], values["email_verified"]) == ("new@example.com", "true")
    # The code is used up.
    assert fails(
        app.api.verify_user_attribute, AccessToken=token, AttributeName="email", Code=code
    ) == (EXPIRED_CODE)


def test_no_code_for_attributes_the_pool_does_not_verify(make_app: AppFactory) -> None:
    app = make_app()
    token = signed_in(app)
    sent = app.api.update_user_attributes(
        AccessToken=token, UserAttributes=[{"Name": "name", "Value": "Ann"}]
    )
    assert "CodeDeliveryDetailsList" not in sent
    before = len(app.messages("ann"))
    # Same email again: nothing changes, nothing is sent.
    again = app.api.update_user_attributes(
        AccessToken=token, UserAttributes=[{"Name": "email", "Value": "ann@example.com"}]
    )
    assert "CodeDeliveryDetailsList" not in again
    assert len(app.messages("ann")) == before
    plain = make_app(pool={})
    plain.confirmed_user("bob", "bob@example.com")
    bob = plain.sign_in("bob")["AccessToken"]
    sent = plain.api.update_user_attributes(AccessToken=bob, UserAttributes=NEW_EMAIL)
    assert "CodeDeliveryDetailsList" not in sent
    assert plain.messages("bob") == []
    values = attrs(plain.user("bob")["UserAttributes"])
    assert (values["email"], values["email_verified"]) == ("new@example.com", "false")


def test_get_user_attribute_verification_code_sends_a_new_one(app: App) -> None:
    token = signed_in(app)
    app.api.update_user_attributes(AccessToken=token, UserAttributes=NEW_EMAIL)
    first = app.code("ann")
    resent = app.api.get_user_attribute_verification_code(AccessToken=token, AttributeName="email")
    assert resent["CodeDeliveryDetails"] == EMAIL_SENT
    second = app.code("ann")
    if first != second:  # the new code replaces the old
        assert fails(
            app.api.verify_user_attribute, AccessToken=token, AttributeName="email", Code=first
        ) == (CODE_MISMATCH)
    verify(app, token, second)
    assert attrs(app.user("ann")["UserAttributes"])["email_verified"] == "true"
    get_code = app.api.get_user_attribute_verification_code
    assert fails(get_code, AccessToken=token, AttributeName="name") == (
        "InvalidParameterException",
        "name is not an attribute that can be verified.",
    )
    assert fails(get_code, AccessToken=token, AttributeName="phone_number") == (
        "InvalidParameterException",
        "The user has no phone_number to verify.",
    )
    assert fails(get_code, AccessToken=token + "x", AttributeName="email") == (
        "NotAuthorizedException",
        "Invalid Access Token",
    )


def test_verify_user_attribute_refusals_and_attempt_limit(app: App) -> None:
    token = signed_in(app)
    check = app.api.verify_user_attribute
    # No code was ever sent.
    assert fails(check, AccessToken=token, AttributeName="email", Code="123456") == EXPIRED_CODE
    assert fails(check, AccessToken=token, AttributeName="name", Code="123456") == (
        "InvalidParameterException",
        "name is not an attribute that can be verified.",
    )
    app.api.get_user_attribute_verification_code(AccessToken=token, AttributeName="email")
    code = app.code("ann")
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(5):
        assert fails(check, AccessToken=token, AttributeName="email", Code=wrong) == CODE_MISMATCH
    # Dead after five wrong guesses, even for the right code, until a new one is sent.
    assert fails(check, AccessToken=token, AttributeName="email", Code=code) == ATTEMPTS
    app.api.get_user_attribute_verification_code(AccessToken=token, AttributeName="email")
    verify(app, token, app.code("ann"))


def test_verification_code_expires_after_24_hours(make_clocked_app: AppFactory, clock: Any) -> None:
    app = make_clocked_app()
    token = signed_in(app)
    app.api.update_user_attributes(AccessToken=token, UserAttributes=NEW_EMAIL)
    code = app.code("ann")
    clock.advance(24 * 3600 + 1)
    token = app.sign_in("ann")["AccessToken"]
    assert fails(
        app.api.verify_user_attribute, AccessToken=token, AttributeName="email", Code=code
    ) == (EXPIRED_CODE)


def test_require_verification_before_update_keeps_the_old_value(make_app: AppFactory) -> None:
    app = make_app(
        pool={
            "AutoVerifiedAttributes": ["email"],
            "UserAttributeUpdateSettings": {"AttributesRequireVerificationBeforeUpdate": ["email"]},
            "UsernameAttributes": ["email"],
        }
    )
    app.api.sign_up(
        ClientId=app.client_id,
        Username="ann@example.com",
        Password="Correct-horse-1",
        UserAttributes=[{"Name": "email", "Value": "ann@example.com"}],
    )
    (sub,) = [m.username for m in app.server.outbox(app.pool_id)]
    app.confirm_sign_up("ann@example.com", app.code(sub))
    token = app.sign_in("ann@example.com")["AccessToken"]
    sent = app.api.update_user_attributes(AccessToken=token, UserAttributes=NEW_EMAIL)
    assert sent["CodeDeliveryDetailsList"] == [EMAIL_SENT]
    assert app.messages(sub)[-1].destination == "new@example.com"
    # The old value stays, verified, and still signs in; the new one does not yet.
    values = attrs(app.user(sub)["UserAttributes"])
    assert (values["email"], values["email_verified"]) == ("ann@example.com", "true")
    assert app.sign_in("ann@example.com")["AccessToken"]
    assert fails(app.sign_in, username="new@example.com")[0] == "UserNotFoundException"
    # A new code goes to the pending value.
    resent = app.api.get_user_attribute_verification_code(AccessToken=token, AttributeName="email")
    assert resent["CodeDeliveryDetails"] == EMAIL_SENT
    assert app.messages(sub)[-1].destination == "new@example.com"
    verify(app, token, app.code(sub))
    values = attrs(app.user(sub)["UserAttributes"])
    assert (values["email"], values["email_verified"]) == ("new@example.com", "true")
    assert app.sign_in("new@example.com")["AccessToken"]
    assert fails(app.sign_in, username="ann@example.com")[0] == "UserNotFoundException"


def test_admin_update_user_attributes_sends_a_code_unless_verified_in_the_same_call(
    app: App,
) -> None:
    confirmed(app)
    app.api.admin_update_user_attributes(
        UserPoolId=app.pool_id, Username="ann", UserAttributes=NEW_EMAIL
    )
    message = app.messages("ann")[-1]
    assert message.destination == "new@example.com"
    values = attrs(app.user("ann")["UserAttributes"])
    assert (values["email"], values["email_verified"]) == ("new@example.com", "false")
    token = app.sign_in("ann")["AccessToken"]
    verify(app, token, app.code("ann"))
    assert attrs(app.user("ann")["UserAttributes"])["email_verified"] == "true"
    before = len(app.messages("ann"))
    app.api.admin_update_user_attributes(
        UserPoolId=app.pool_id,
        Username="ann",
        UserAttributes=[
            {"Name": "email", "Value": "third@example.com"},
            {"Name": "email_verified", "Value": "true"},
        ],
    )
    assert len(app.messages("ann")) == before
    values = attrs(app.user("ann")["UserAttributes"])
    assert (values["email"], values["email_verified"]) == ("third@example.com", "true")


# DeleteUserAttributes, SetUserSettings ----------------------------------------------------------


def test_delete_user_attributes(make_app: AppFactory) -> None:
    app = make_app(
        pool={
            "AutoVerifiedAttributes": ["email"],
            "Schema": [{"Name": "email", "AttributeDataType": "String", "Required": True}],
        }
    )
    token = signed_in(app)
    app.api.admin_update_user_attributes(
        UserPoolId=app.pool_id,
        Username="ann",
        UserAttributes=[{"Name": "name", "Value": "Ann"}, {"Name": "nickname", "Value": "A"}],
    )
    delete = app.api.delete_user_attributes
    delete(AccessToken=token, UserAttributeNames=["name"])
    values = attrs(app.user("ann")["UserAttributes"])
    assert "name" not in values and values["nickname"] == "A"
    assert fails(delete, AccessToken=token, UserAttributeNames=["email"]) == (
        "InvalidParameterException",
        "Attributes did not conform to the schema: email: The attribute is required",
    )
    assert fails(delete, AccessToken=token, UserAttributeNames=["custom:missing"]) == (
        "InvalidParameterException",
        "Attributes did not conform to the schema: Type for attribute {custom:missing} could not "
        "be determined",
    )
    narrow = app.another_client(WriteAttributes=["name"])
    narrow_token = narrow.sign_in("ann")["AccessToken"]
    assert fails(delete, AccessToken=narrow_token, UserAttributeNames=["nickname"]) == NOT_WRITABLE
    assert attrs(app.user("ann")["UserAttributes"])["nickname"] == "A"
    assert fails(delete, AccessToken="a.b.c", UserAttributeNames=["nickname"]) == (
        "NotAuthorizedException",
        "Invalid Access Token",
    )


def test_set_user_settings(app: App) -> None:
    token = signed_in(app)
    options = [{"DeliveryMedium": "SMS", "AttributeName": "phone_number"}]
    app.api.set_user_settings(AccessToken=token, MFAOptions=options)
    assert app.get_user(token)["MFAOptions"] == options
    assert app.user("ann")["MFAOptions"] == options
    app.api.set_user_settings(AccessToken=token, MFAOptions=[])
    assert "MFAOptions" not in app.get_user(token)
    assert fails(app.api.set_user_settings, AccessToken="a.b.c", MFAOptions=options) == (
        "NotAuthorizedException",
        "Invalid Access Token",
    )


# ForgotPassword in an admin_only pool ----------------------------------------------------------


def test_forgot_password_refused_when_only_admins_recover_accounts(make_app: AppFactory) -> None:
    app = make_app(
        pool={
            "AutoVerifiedAttributes": ["email"],
            "AccountRecoverySetting": {
                "RecoveryMechanisms": [{"Priority": 1, "Name": "admin_only"}]
            },
        },
        PreventUserExistenceErrors="ENABLED",
    )
    app.confirmed_user("ann", "ann@example.com")
    refused = (
        "NotAuthorizedException",
        "Self-service account recovery is not enabled for this user pool; "
        "an administrator must reset the password.",
    )
    assert fails(app.forgot_password, username="ann") == refused
    # The same for a user who does not exist: it is the pool's setting, not the user's.
    assert fails(app.forgot_password, username="ghost") == refused
    assert app.messages("ann") == []
