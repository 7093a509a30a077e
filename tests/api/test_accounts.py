"""Self-service accounts end to end, through boto3 against the real server (both stores).

SignUp and its code, password reset (ForgotPassword, ConfirmForgotPassword,
AdminResetUserPassword), the calls an access token authorises (GetUser,
UpdateUserAttributes, DeleteUser, ChangePassword), and revocation (GlobalSignOut,
AdminUserGlobalSignOut, RevokeToken, disabling and deleting users). Codes are read from the
server's outbox; expiry is tested on ``clocked_server`` by moving its clock.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from botocore.exceptions import ClientError
from support import error_of

from userpools.testing import RunningServer

PASSWORD = "Correct-horse-1"
NEW_PASSWORD = "Battery-staple-2"
WEAK = "short"
TOO_SHORT = (
    "InvalidPasswordException",
    "Password did not conform with password policy: Password not long enough",
)
FLOWS = ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]
AUTO_VERIFY_EMAIL = {"AutoVerifiedAttributes": ["email"]}
CODE = re.compile(r"\b(\d{6})\b")

INCORRECT = ("NotAuthorizedException", "Incorrect username or password.")
CODE_MISMATCH = ("CodeMismatchException", "Invalid verification code provided, please try again.")
EXPIRED_CODE = ("ExpiredCodeException", "Invalid code provided, please request a code again.")
ATTEMPTS = ("LimitExceededException", "Attempt limit exceeded, please try after some time.")
NO_SUCH_USER = ("UserNotFoundException", "User does not exist.")
#: ForgotPassword and ResendConfirmationCode for an unknown user (quoted in
#: aws-amplify/amplify-js#11270).
NO_SUCH_NAME = ("UserNotFoundException", "Username/client id combination not found.")
NO_CHANNEL = (
    "InvalidParameterException",
    "Cannot reset password for the user as there is no registered/verified email or phone_number",
)
INVALID_ACCESS = ("NotAuthorizedException", "Invalid Access Token")
ACCESS_REVOKED = ("NotAuthorizedException", "Access Token has been revoked")
ACCESS_EXPIRED = ("NotAuthorizedException", "Access Token has expired")
REFRESH_REVOKED = ("NotAuthorizedException", "Refresh Token has been revoked")
INVALID_CLIENT = ("UnauthorizedException", "Invalid client credentials.")


def fails(call: Callable[..., Any], **params: Any) -> tuple[str, str]:
    """The error code and message of a call that must fail."""
    with pytest.raises(ClientError) as excinfo:
        call(**params)
    return error_of(excinfo)


def attrs(pairs: list[dict[str, str]]) -> dict[str, str]:
    return {a["Name"]: a["Value"] for a in pairs}


def secret_hash(secret: str, username: str, client_id: str) -> str:
    """SECRET_HASH computed here, independently of the server (cognito-spec §7.6)."""
    mac = hmac.new(secret.encode(), (username + client_id).encode(), hashlib.sha256)
    return base64.b64encode(mac.digest()).decode()


@dataclass
class App:
    """One pool and one app client on a server, and the calls the tests repeat."""

    server: RunningServer
    api: Any
    pool_id: str
    client_id: str
    secret: str | None = None

    def hashed(self, username: str, key: str = "SecretHash") -> dict[str, str]:
        if self.secret is None:
            return {}
        return {key: secret_hash(self.secret, username, self.client_id)}

    def another_client(self, **config: Any) -> App:
        made = self.api.create_user_pool_client(
            UserPoolId=self.pool_id, ClientName="other", **{"ExplicitAuthFlows": FLOWS, **config}
        )["UserPoolClient"]
        return App(self.server, self.api, self.pool_id, made["ClientId"], made.get("ClientSecret"))

    def sign_up(
        self, username: str, password: str = PASSWORD, email: str | None = None, **extra: Any
    ) -> dict[str, Any]:
        given = [{"Name": "email", "Value": email}] if email else []
        response: dict[str, Any] = self.api.sign_up(
            ClientId=self.client_id,
            Username=username,
            Password=password,
            UserAttributes=given,
            **self.hashed(username),
            **extra,
        )
        return response

    def confirm_sign_up(self, username: str, code: str) -> None:
        self.api.confirm_sign_up(
            ClientId=self.client_id,
            Username=username,
            ConfirmationCode=code,
            **self.hashed(username),
        )

    def messages(self, username: str) -> list[Any]:
        return [m for m in self.server.outbox(self.pool_id) if m.username == username]

    def code(self, username: str) -> str:
        """The code in the last message sent to ``username``."""
        match = CODE.search(self.messages(username)[-1].body)
        assert match, self.messages(username)[-1]
        return match.group(1)

    def user(self, username: str) -> dict[str, Any]:
        found: dict[str, Any] = self.api.admin_get_user(UserPoolId=self.pool_id, Username=username)
        return found

    def confirmed_user(
        self, username: str, email: str | None = None, verified: bool = True
    ) -> None:
        """An administratively created user in CONFIRMED with ``PASSWORD``."""
        given = []
        if email is not None:
            given = [
                {"Name": "email", "Value": email},
                {"Name": "email_verified", "Value": "true" if verified else "false"},
            ]
        self.api.admin_create_user(
            UserPoolId=self.pool_id,
            Username=username,
            UserAttributes=given,
            MessageAction="SUPPRESS",
        )
        self.api.admin_set_user_password(
            UserPoolId=self.pool_id, Username=username, Password=PASSWORD, Permanent=True
        )

    def sign_in(self, username: str, password: str = PASSWORD) -> dict[str, Any]:
        """``AuthenticationResult`` of a USER_PASSWORD_AUTH sign-in."""
        response = self.api.initiate_auth(
            ClientId=self.client_id,
            AuthFlow="USER_PASSWORD_AUTH",
            AuthParameters={
                "USERNAME": username,
                "PASSWORD": password,
                **self.hashed(username, "SECRET_HASH"),
            },
        )
        assert "ChallengeName" not in response, response
        result: dict[str, Any] = response["AuthenticationResult"]
        return result

    def refresh(self, refresh_token: str, username: str = "") -> dict[str, Any]:
        response = self.api.initiate_auth(
            ClientId=self.client_id,
            AuthFlow="REFRESH_TOKEN_AUTH",
            AuthParameters={"REFRESH_TOKEN": refresh_token, **self.hashed(username, "SECRET_HASH")},
        )
        result: dict[str, Any] = response["AuthenticationResult"]
        return result

    def get_user(self, access_token: str) -> dict[str, Any]:
        found: dict[str, Any] = self.api.get_user(AccessToken=access_token)
        return found

    def forgot_password(self, username: str) -> dict[str, Any]:
        response: dict[str, Any] = self.api.forgot_password(
            ClientId=self.client_id, Username=username, **self.hashed(username)
        )
        return response

    def confirm_forgot_password(self, username: str, code: str, password: str) -> None:
        self.api.confirm_forgot_password(
            ClientId=self.client_id,
            Username=username,
            ConfirmationCode=code,
            Password=password,
            **self.hashed(username),
        )


AppFactory = Callable[..., App]


def _factory(server: RunningServer, created: list[tuple[Any, str]]) -> AppFactory:
    def make(pool: dict[str, Any] | None = None, **client: Any) -> App:
        """A pool (``AutoVerifiedAttributes=["email"]`` unless ``pool`` says otherwise) and an
        app client allowing USER_PASSWORD_AUTH and refresh (unless ``client`` says otherwise)."""
        api = server.client()
        config = AUTO_VERIFY_EMAIL if pool is None else pool
        pool_id = api.create_user_pool(PoolName="accounts", **config)["UserPool"]["Id"]
        created.append((api, pool_id))
        made = api.create_user_pool_client(
            UserPoolId=pool_id, ClientName="app", **{"ExplicitAuthFlows": FLOWS, **client}
        )["UserPoolClient"]
        return App(server, api, pool_id, made["ClientId"], made.get("ClientSecret"))

    return make


@pytest.fixture
def make_app(userpools_server: RunningServer) -> Iterator[AppFactory]:
    created: list[tuple[Any, str]] = []
    yield _factory(userpools_server, created)
    for api, pool_id in created:
        api.delete_user_pool(UserPoolId=pool_id)


@pytest.fixture
def app(make_app: AppFactory) -> App:
    return make_app()


@pytest.fixture
def make_clocked_app(clocked_server: RunningServer, clock: Any) -> Iterator[AppFactory]:
    """Like ``make_app``, on the server whose clock the test moves with ``clock``."""
    created: list[tuple[Any, str]] = []
    yield _factory(clocked_server, created)
    clock.offset = 0.0
    for api, pool_id in created:
        api.delete_user_pool(UserPoolId=pool_id)


def signed_up(app: App, username: str = "ann", email: str = "ann@example.com") -> str:
    """A user who signed up (UNCONFIRMED); the code sent to them."""
    app.sign_up(username, email=email)
    return app.code(username)


def confirmed(app: App, username: str = "ann", email: str = "ann@example.com") -> None:
    app.confirm_sign_up(username, signed_up(app, username, email))


# SignUp ---------------------------------------------------------------------------------------


def test_sign_up_creates_an_unconfirmed_user_and_sends_a_code(app: App) -> None:
    response = app.sign_up("ann", email="bob@example.com")
    assert response["UserConfirmed"] is False
    assert response["CodeDeliveryDetails"] == {
        "Destination": "b***@e***",
        "DeliveryMedium": "EMAIL",
        "AttributeName": "email",
    }
    user = app.user("ann")
    assert user["UserStatus"] == "UNCONFIRMED"
    assert user["Enabled"] is True
    values = attrs(user["UserAttributes"])
    assert response["UserSub"] == values["sub"]
    assert values["email"] == "bob@example.com"
    assert "email_verified" not in values
    (message,) = app.messages("ann")
    assert (message.medium, message.destination) == ("EMAIL", "bob@example.com")
    assert CODE.search(message.body)


def test_sign_up_sends_no_code_without_auto_verification(make_app: AppFactory) -> None:
    app = make_app(pool={})
    response = app.sign_up("ann", email="ann@example.com")
    assert "CodeDeliveryDetails" not in response
    assert response["UserConfirmed"] is False
    assert app.user("ann")["UserStatus"] == "UNCONFIRMED"
    assert app.messages("ann") == []


def test_sign_up_sends_no_code_when_the_user_gave_no_email(app: App) -> None:
    response = app.sign_up("ann")
    assert "CodeDeliveryDetails" not in response
    assert app.messages("ann") == []


def test_sign_up_taken_username_is_username_exists(app: App) -> None:
    app.sign_up("ann", email="ann@example.com")
    assert fails(app.sign_up, username="ann") == (
        "UsernameExistsException",
        "User account already exists",
    )
    app.api.admin_create_user(UserPoolId=app.pool_id, Username="bob", MessageAction="SUPPRESS")
    assert fails(app.sign_up, username="bob")[0] == "UsernameExistsException"


def test_sign_up_checks_the_password_policy(app: App) -> None:
    assert fails(app.sign_up, username="ann", password=WEAK) == TOO_SHORT
    assert fails(app.sign_up, username="ann", password="nouppercase-1") == (
        "InvalidPasswordException",
        "Password did not conform with password policy: Password must have uppercase characters",
    )
    assert fails(app.user, username="ann") == NO_SUCH_USER  # nothing was written
    assert app.server.outbox(app.pool_id) == []


def test_sign_up_needs_the_required_attributes(make_app: AppFactory) -> None:
    schema = [{"Name": "email", "AttributeDataType": "String", "Required": True, "Mutable": True}]
    app = make_app(pool={"Schema": schema, **AUTO_VERIFY_EMAIL})
    assert fails(app.sign_up, username="ann") == (
        "InvalidParameterException",
        "Attributes did not conform to the schema: email: The attribute is required",
    )
    assert fails(app.user, username="ann") == NO_SUCH_USER
    assert app.sign_up("ann", email="ann@example.com")["UserConfirmed"] is False


def test_sign_up_refused_when_only_admins_create_users(make_app: AppFactory) -> None:
    app = make_app(pool={"AdminCreateUserConfig": {"AllowAdminCreateUserOnly": True}})
    assert fails(app.sign_up, username="ann", email="ann@example.com") == (
        "NotAuthorizedException",
        "SignUp is not permitted for this user pool",
    )
    assert fails(app.user, username="ann") == NO_SUCH_USER


def test_sign_up_with_unknown_client(app: App) -> None:
    unknown = "0123456789abcdefghijklmnop"
    assert fails(app.api.sign_up, ClientId=unknown, Username="ann", Password=PASSWORD) == (
        "ResourceNotFoundException",
        f"User pool client {unknown} does not exist.",
    )


def test_sign_up_with_a_client_secret_needs_the_secret_hash(make_app: AppFactory) -> None:
    app = make_app(GenerateSecret=True)
    assert app.secret is not None
    mismatch = (
        "NotAuthorizedException",
        f"Unable to verify secret hash for client {app.client_id}",
    )
    assert fails(app.api.sign_up, ClientId=app.client_id, Username="ann", Password=PASSWORD) == (
        mismatch
    )
    wrong = secret_hash(app.secret, "someone-else", app.client_id)
    assert (
        fails(
            app.api.sign_up,
            ClientId=app.client_id,
            Username="ann",
            Password=PASSWORD,
            SecretHash=wrong,
        )
        == mismatch
    )
    assert fails(app.user, username="ann") == NO_SUCH_USER
    code = signed_up(app)  # with the right hash (App adds it)
    assert (
        fails(
            app.api.confirm_sign_up, ClientId=app.client_id, Username="ann", ConfirmationCode=code
        )
        == mismatch
    )
    app.confirm_sign_up("ann", code)
    assert app.sign_in("ann")["AccessToken"]


# ConfirmSignUp, ResendConfirmationCode -----------------------------------------------------------


def test_confirm_sign_up_confirms_and_verifies_the_email(app: App) -> None:
    code = signed_up(app)
    assert fails(app.sign_in, username="ann") == (
        "UserNotConfirmedException",
        "User is not confirmed.",
    )
    app.confirm_sign_up("ann", code)
    user = app.user("ann")
    assert user["UserStatus"] == "CONFIRMED"
    assert attrs(user["UserAttributes"])["email_verified"] == "true"
    tokens = app.sign_in("ann")
    assert app.get_user(tokens["AccessToken"])["Username"] == "ann"
    # The code is used up.
    assert fails(app.confirm_sign_up, username="ann", code=code) == (
        "NotAuthorizedException",
        "User cannot confirm because user status is not UNCONFIRMED.",
    )


def test_confirm_sign_up_wrong_code_then_attempt_limit_until_a_new_code(app: App) -> None:
    code = signed_up(app)
    wrong = f"{(int(code) + 1) % 10**6:06d}"
    for _ in range(5):
        assert fails(app.confirm_sign_up, username="ann", code=wrong) == CODE_MISMATCH
    # Five wrong guesses kill the code: even the right one is refused now.
    assert fails(app.confirm_sign_up, username="ann", code=code) == ATTEMPTS
    assert app.user("ann")["UserStatus"] == "UNCONFIRMED"
    resent = app.api.resend_confirmation_code(ClientId=app.client_id, Username="ann")
    assert resent["CodeDeliveryDetails"] == {
        "Destination": "a***@e***",
        "DeliveryMedium": "EMAIL",
        "AttributeName": "email",
    }
    assert len(app.messages("ann")) == 2
    new_code = app.code("ann")
    if new_code != code:  # one chance in a million that the new code is the old one
        assert fails(app.confirm_sign_up, username="ann", code=code) == CODE_MISMATCH
    app.confirm_sign_up("ann", new_code)
    assert app.user("ann")["UserStatus"] == "CONFIRMED"


def test_confirm_sign_up_for_unknown_user(app: App) -> None:
    assert fails(app.confirm_sign_up, username="ghost", code="123456") == NO_SUCH_USER


def test_confirm_sign_up_code_expires_after_24_hours(
    make_clocked_app: AppFactory, clock: Any
) -> None:
    app = make_clocked_app()
    code = signed_up(app)
    clock.advance(24 * 3600 - 60)
    confirmed_in_time = signed_up(app, "bob", "bob@example.com")
    clock.advance(120)  # ann's code is 24 h + 1 min old now, bob's 2 min
    assert fails(app.confirm_sign_up, username="ann", code=code) == EXPIRED_CODE
    assert app.user("ann")["UserStatus"] == "UNCONFIRMED"
    app.confirm_sign_up("bob", confirmed_in_time)
    app.api.resend_confirmation_code(ClientId=app.client_id, Username="ann")
    app.confirm_sign_up("ann", app.code("ann"))
    assert app.user("ann")["UserStatus"] == "CONFIRMED"


def test_resend_confirmation_code_refusals(app: App, make_app: AppFactory) -> None:
    confirmed(app)
    resend = app.api.resend_confirmation_code
    assert fails(resend, ClientId=app.client_id, Username="ann") == (
        "InvalidParameterException",
        "User is already confirmed.",
    )
    assert fails(resend, ClientId=app.client_id, Username="ghost") == NO_SUCH_NAME
    plain = make_app(pool={})
    plain.sign_up("bob", email="bob@example.com")
    assert fails(plain.api.resend_confirmation_code, ClientId=plain.client_id, Username="bob") == (
        "InvalidParameterException",
        "Cannot resend codes. Auto verification not turned on.",
    )
    assert plain.messages("bob") == []


# ForgotPassword, ConfirmForgotPassword --------------------------------------------------------


def test_forgot_password_then_confirm_replaces_the_password(app: App) -> None:
    app.confirmed_user("ann", "ann@example.com")
    response = app.forgot_password("ann")
    assert response["CodeDeliveryDetails"] == {
        "Destination": "a***@e***",
        "DeliveryMedium": "EMAIL",
        "AttributeName": "email",
    }
    (message,) = app.messages("ann")
    assert (message.medium, message.destination) == ("EMAIL", "ann@example.com")
    # Nothing changes until the code comes back.
    assert app.user("ann")["UserStatus"] == "CONFIRMED"
    assert app.sign_in("ann")["AccessToken"]
    code = app.code("ann")
    app.confirm_forgot_password("ann", code, NEW_PASSWORD)
    assert app.user("ann")["UserStatus"] == "CONFIRMED"
    assert fails(app.sign_in, username="ann") == INCORRECT
    assert app.sign_in("ann", NEW_PASSWORD)["AccessToken"]
    # The code is used up.
    assert fails(app.confirm_forgot_password, username="ann", code=code, password=PASSWORD) == (
        EXPIRED_CODE
    )
    assert app.sign_in("ann", NEW_PASSWORD)["AccessToken"]


def test_forgot_password_needs_a_verified_email_or_phone(app: App) -> None:
    app.confirmed_user("ann", "ann@example.com", verified=False)
    app.confirmed_user("bob")
    assert fails(app.forgot_password, username="ann") == NO_CHANNEL
    assert fails(app.forgot_password, username="bob") == NO_CHANNEL
    assert app.server.outbox(app.pool_id) == []


def test_forgot_password_refusals_by_user_state(app: App) -> None:
    app.api.admin_create_user(
        UserPoolId=app.pool_id,
        Username="new",
        UserAttributes=[
            {"Name": "email", "Value": "new@example.com"},
            {"Name": "email_verified", "Value": "true"},
        ],
        MessageAction="SUPPRESS",
    )
    assert fails(app.forgot_password, username="new") == (
        "NotAuthorizedException",
        "User password cannot be reset in the current state.",
    )
    app.confirmed_user("off", "off@example.com")
    app.api.admin_disable_user(UserPoolId=app.pool_id, Username="off")
    assert fails(app.forgot_password, username="off") == (
        "NotAuthorizedException",
        "User is disabled.",
    )
    assert fails(app.forgot_password, username="ghost") == NO_SUCH_NAME
    assert fails(
        app.confirm_forgot_password, username="ghost", code="123456", password=NEW_PASSWORD
    ) == (NO_SUCH_USER)


def test_confirm_forgot_password_wrong_code(app: App) -> None:
    app.confirmed_user("ann", "ann@example.com")
    app.forgot_password("ann")
    code = app.code("ann")
    wrong = f"{(int(code) + 1) % 10**6:06d}"
    assert fails(
        app.confirm_forgot_password, username="ann", code=wrong, password=NEW_PASSWORD
    ) == (CODE_MISMATCH)
    assert app.sign_in("ann")["AccessToken"]  # unchanged
    app.confirm_forgot_password("ann", code, NEW_PASSWORD)
    assert app.sign_in("ann", NEW_PASSWORD)["AccessToken"]


def test_confirm_forgot_password_attempt_limit(app: App) -> None:
    app.confirmed_user("ann", "ann@example.com")
    app.forgot_password("ann")
    code = app.code("ann")
    wrong = f"{(int(code) + 1) % 10**6:06d}"
    for _ in range(5):
        assert (
            fails(app.confirm_forgot_password, username="ann", code=wrong, password=NEW_PASSWORD)
            == CODE_MISMATCH
        )
    assert fails(app.confirm_forgot_password, username="ann", code=code, password=NEW_PASSWORD) == (
        ATTEMPTS
    )
    assert app.sign_in("ann")["AccessToken"]
    app.forgot_password("ann")
    app.confirm_forgot_password("ann", app.code("ann"), NEW_PASSWORD)
    assert app.sign_in("ann", NEW_PASSWORD)["AccessToken"]


def test_confirm_forgot_password_weak_password_changes_nothing(app: App) -> None:
    app.confirmed_user("ann", "ann@example.com")
    app.forgot_password("ann")
    code = app.code("ann")
    assert fails(app.confirm_forgot_password, username="ann", code=code, password=WEAK) == (
        TOO_SHORT
    )
    assert app.sign_in("ann")["AccessToken"]
    # The code was not used up by the refused password.
    app.confirm_forgot_password("ann", code, NEW_PASSWORD)
    assert app.sign_in("ann", NEW_PASSWORD)["AccessToken"]


def test_confirm_forgot_password_code_expires_after_an_hour(
    make_clocked_app: AppFactory, clock: Any
) -> None:
    app = make_clocked_app()
    app.confirmed_user("ann", "ann@example.com")
    app.forgot_password("ann")
    code = app.code("ann")
    clock.advance(61 * 60)
    assert fails(app.confirm_forgot_password, username="ann", code=code, password=NEW_PASSWORD) == (
        EXPIRED_CODE
    )
    assert app.sign_in("ann")["AccessToken"]
    assert fails(app.sign_in, username="ann", password=NEW_PASSWORD) == INCORRECT


def test_forgot_password_hides_unknown_users_when_existence_errors_are_prevented(
    make_app: AppFactory,
) -> None:
    app = make_app(PreventUserExistenceErrors="ENABLED")
    simulated = app.forgot_password("ghost")["CodeDeliveryDetails"]
    assert simulated["DeliveryMedium"] == "EMAIL"
    assert simulated["AttributeName"] == "email"
    assert re.fullmatch(r".\*\*\*@.\*\*\*", simulated["Destination"])
    # A user who could get no code looks the same.
    app.confirmed_user("bob")
    assert app.forgot_password("bob")["CodeDeliveryDetails"] == simulated
    assert app.server.outbox(app.pool_id) == []
    assert (
        fails(app.confirm_forgot_password, username="ghost", code="123456", password=NEW_PASSWORD)
        == CODE_MISMATCH
    )
    resent = app.api.resend_confirmation_code(ClientId=app.client_id, Username="ghost")
    assert resent["CodeDeliveryDetails"] == simulated


# AdminResetUserPassword ------------------------------------------------------------------------


def test_admin_reset_user_password_requires_a_reset(app: App) -> None:
    app.confirmed_user("ann", "ann@example.com")
    app.api.admin_reset_user_password(UserPoolId=app.pool_id, Username="ann")
    assert app.user("ann")["UserStatus"] == "RESET_REQUIRED"
    assert fails(app.sign_in, username="ann") == (
        "PasswordResetRequiredException",
        "Password reset required for the user",
    )
    (message,) = app.messages("ann")
    assert message.destination == "ann@example.com"
    app.confirm_forgot_password("ann", app.code("ann"), NEW_PASSWORD)
    assert app.user("ann")["UserStatus"] == "CONFIRMED"
    assert fails(app.sign_in, username="ann") == INCORRECT
    assert app.sign_in("ann", NEW_PASSWORD)["AccessToken"]


def test_admin_reset_user_password_refusals(app: App) -> None:
    reset = app.api.admin_reset_user_password
    app.confirmed_user("bob")
    assert fails(reset, UserPoolId=app.pool_id, Username="bob") == NO_CHANNEL
    assert app.user("bob")["UserStatus"] == "CONFIRMED"
    assert fails(reset, UserPoolId=app.pool_id, Username="ghost") == NO_SUCH_USER
    app.confirmed_user("off", "off@example.com")
    app.api.admin_disable_user(UserPoolId=app.pool_id, Username="off")
    assert fails(reset, UserPoolId=app.pool_id, Username="off") == (
        "NotAuthorizedException",
        "User is disabled.",
    )


# GetUser, UpdateUserAttributes, DeleteUser, ChangePassword -----------------------------------


def test_get_user_returns_the_caller(app: App) -> None:
    confirmed(app)
    app.api.admin_update_user_attributes(
        UserPoolId=app.pool_id, Username="ann", UserAttributes=[{"Name": "name", "Value": "Ann"}]
    )
    tokens = app.sign_in("ann")
    got = app.get_user(tokens["AccessToken"])
    assert got["Username"] == "ann"
    assert attrs(got["UserAttributes"]) == attrs(app.user("ann")["UserAttributes"])
    assert set(attrs(got["UserAttributes"])) == {"sub", "email", "email_verified", "name"}
    assert "MFAOptions" not in got
    # An ID token is not an access token; garbage is not a token.
    assert fails(app.get_user, access_token=tokens["IdToken"]) == INVALID_ACCESS
    assert fails(app.get_user, access_token="garbage") == INVALID_ACCESS
    assert fails(app.get_user, access_token="a.b.c") == INVALID_ACCESS


def test_get_user_shows_only_what_the_client_may_read(app: App) -> None:
    confirmed(app)
    app.api.admin_update_user_attributes(
        UserPoolId=app.pool_id, Username="ann", UserAttributes=[{"Name": "name", "Value": "Ann"}]
    )
    narrow = app.another_client(ReadAttributes=["email"])
    got = narrow.get_user(narrow.sign_in("ann")["AccessToken"])
    shown = attrs(got["UserAttributes"])
    # sub identifies the user and is always shown; name and email_verified were not granted.
    assert shown == {
        "sub": attrs(app.user("ann")["UserAttributes"])["sub"],
        "email": "ann@example.com",
    }


def test_update_user_attributes(app: App) -> None:
    confirmed(app)
    token = app.sign_in("ann")["AccessToken"]
    app.api.update_user_attributes(
        AccessToken=token, UserAttributes=[{"Name": "name", "Value": "Ann"}]
    )
    values = attrs(app.get_user(token)["UserAttributes"])
    assert (values["name"], values["email_verified"]) == ("Ann", "true")
    # A new email is not verified.
    app.api.update_user_attributes(
        AccessToken=token, UserAttributes=[{"Name": "email", "Value": "new@example.com"}]
    )
    values = attrs(app.user("ann")["UserAttributes"])
    assert (values["email"], values["email_verified"]) == ("new@example.com", "false")
    assert (
        fails(
            app.api.update_user_attributes,
            AccessToken=token,
            UserAttributes=[{"Name": "custom:missing", "Value": "x"}],
        )[0]
        == "InvalidParameterException"
    )


def test_update_user_attributes_only_those_the_client_may_write(app: App) -> None:
    confirmed(app)
    narrow = app.another_client(WriteAttributes=["name"])
    token = narrow.sign_in("ann")["AccessToken"]
    refused = (
        "NotAuthorizedException",
        "A client attempted to write unauthorized attribute",
    )
    for change in (
        [{"Name": "email", "Value": "new@example.com"}],
        [{"Name": "name", "Value": "Ann"}, {"Name": "nickname", "Value": "A"}],
    ):
        assert fails(
            narrow.api.update_user_attributes, AccessToken=token, UserAttributes=change
        ) == (refused)
    values = attrs(app.user("ann")["UserAttributes"])
    assert values["email"] == "ann@example.com"
    assert "name" not in values and "nickname" not in values
    narrow.api.update_user_attributes(
        AccessToken=token, UserAttributes=[{"Name": "name", "Value": "Ann"}]
    )
    assert attrs(app.user("ann")["UserAttributes"])["name"] == "Ann"


def test_update_user_attributes_cannot_verify_an_address_by_default(app: App) -> None:
    """AWS: without WriteAttributes a client writes the standard attributes; the verified
    flags are listed apart (ReadAttributes gets them by default, WriteAttributes does not)."""
    confirmed(app)
    token = app.sign_in("ann")["AccessToken"]
    for change in (
        [
            {"Name": "email", "Value": "boss@example.com"},
            {"Name": "email_verified", "Value": "true"},
        ],
        [{"Name": "phone_number_verified", "Value": "true"}],
        [{"Name": "email_verified", "Value": "false"}],
    ):
        assert fails(app.api.update_user_attributes, AccessToken=token, UserAttributes=change) == (
            "NotAuthorizedException",
            "A client attempted to write unauthorized attribute",
        )
    values = attrs(app.user("ann")["UserAttributes"])
    assert (values["email"], values["email_verified"]) == ("ann@example.com", "true")
    # A client may be given the flag explicitly.
    trusted = app.another_client(WriteAttributes=["email", "email_verified"])
    trusted.api.update_user_attributes(
        AccessToken=trusted.sign_in("ann")["AccessToken"],
        UserAttributes=[
            {"Name": "email", "Value": "new@example.com"},
            {"Name": "email_verified", "Value": "true"},
        ],
    )
    values = attrs(app.user("ann")["UserAttributes"])
    assert (values["email"], values["email_verified"]) == ("new@example.com", "true")


def test_delete_user_deletes_the_user_and_its_memberships(app: App) -> None:
    confirmed(app)
    confirmed(app, "bob", "bob@example.com")
    for group in ("a", "b"):
        app.api.create_group(UserPoolId=app.pool_id, GroupName=group)
        for name in ("ann", "bob"):
            app.api.admin_add_user_to_group(UserPoolId=app.pool_id, GroupName=group, Username=name)
    tokens = app.sign_in("ann")
    app.api.delete_user(AccessToken=tokens["AccessToken"])
    assert fails(app.user, username="ann") == NO_SUCH_USER
    assert (
        fails(app.api.admin_list_groups_for_user, UserPoolId=app.pool_id, Username="ann")
        == NO_SUCH_USER
    )
    for group in ("a", "b"):
        users = app.api.list_users_in_group(UserPoolId=app.pool_id, GroupName=group)["Users"]
        assert [u["Username"] for u in users] == ["bob"]
    assert fails(app.get_user, access_token=tokens["AccessToken"]) == ACCESS_REVOKED
    assert fails(app.refresh, refresh_token=tokens["RefreshToken"]) == (
        "NotAuthorizedException",
        "Invalid Refresh Token",
    )
    # The name is free again, and the new user starts with no groups.
    confirmed(app)
    assert (
        app.api.admin_list_groups_for_user(UserPoolId=app.pool_id, Username="ann")["Groups"] == []
    )


def test_change_password(app: App) -> None:
    confirmed(app)
    tokens = app.sign_in("ann")
    change = app.api.change_password
    token = tokens["AccessToken"]
    assert fails(
        change, AccessToken=token, PreviousPassword="Wrong-horse-1", ProposedPassword=NEW_PASSWORD
    ) == (INCORRECT)
    assert fails(change, AccessToken=token, PreviousPassword=PASSWORD, ProposedPassword=WEAK) == (
        TOO_SHORT
    )
    assert (
        fails(
            change,
            AccessToken=tokens["IdToken"],
            PreviousPassword=PASSWORD,
            ProposedPassword=NEW_PASSWORD,
        )
        == INVALID_ACCESS
    )
    assert (
        fails(
            change, AccessToken="garbage", PreviousPassword=PASSWORD, ProposedPassword=NEW_PASSWORD
        )
        == INVALID_ACCESS
    )
    assert app.sign_in("ann")["AccessToken"]  # nothing changed so far
    change(AccessToken=token, PreviousPassword=PASSWORD, ProposedPassword=NEW_PASSWORD)
    assert fails(app.sign_in, username="ann") == INCORRECT
    assert app.sign_in("ann", NEW_PASSWORD)["AccessToken"]
    assert app.get_user(token)["Username"] == "ann"  # the session goes on


def test_admin_reset_user_password_gives_a_user_without_password_one(app: App) -> None:
    """A user created with SUPPRESS and no TemporaryPassword has no password (issue 11,
    item 4); AdminResetUserPassword and the code it sends give it one."""
    app.api.admin_create_user(
        UserPoolId=app.pool_id,
        Username="ann",
        UserAttributes=[
            {"Name": "email", "Value": "ann@example.com"},
            {"Name": "email_verified", "Value": "true"},
        ],
        MessageAction="SUPPRESS",
    )
    assert fails(app.sign_in, username="ann") == INCORRECT
    app.api.admin_reset_user_password(UserPoolId=app.pool_id, Username="ann")
    assert app.user("ann")["UserStatus"] == "RESET_REQUIRED"
    app.confirm_forgot_password("ann", app.code("ann"), NEW_PASSWORD)
    assert app.user("ann")["UserStatus"] == "CONFIRMED"
    assert app.sign_in("ann", NEW_PASSWORD)["AccessToken"]


def test_change_password_refused_after_an_admin_reset(app: App) -> None:
    """The reset code, not a token from before AdminResetUserPassword, sets the new password."""
    confirmed(app)
    token = app.sign_in("ann")["AccessToken"]
    app.api.admin_reset_user_password(UserPoolId=app.pool_id, Username="ann")
    reset = ("PasswordResetRequiredException", "Password reset required for the user")
    for previous in ({}, {"PreviousPassword": PASSWORD}):
        assert (
            fails(
                app.api.change_password,
                AccessToken=token,
                ProposedPassword=NEW_PASSWORD,
                **previous,
            )
            == reset
        )
    assert app.user("ann")["UserStatus"] == "RESET_REQUIRED"
    assert fails(app.sign_in, username="ann", password=NEW_PASSWORD) == reset
    app.confirm_forgot_password("ann", app.code("ann"), NEW_PASSWORD)
    assert app.sign_in("ann", NEW_PASSWORD)["AccessToken"]


# Revocation --------------------------------------------------------------------------------------


def test_global_sign_out_revokes_every_token_of_the_user(app: App) -> None:
    confirmed(app)
    first, second = app.sign_in("ann"), app.sign_in("ann")
    refreshed = app.refresh(first["RefreshToken"])
    app.api.global_sign_out(AccessToken=first["AccessToken"])
    for tokens in (first, second, refreshed):
        assert fails(app.get_user, access_token=tokens["AccessToken"]) == ACCESS_REVOKED
    for tokens in (first, second):
        assert fails(app.refresh, refresh_token=tokens["RefreshToken"]) == REFRESH_REVOKED
    assert fails(app.api.global_sign_out, AccessToken=first["AccessToken"]) == ACCESS_REVOKED
    again = app.sign_in("ann")
    assert app.get_user(again["AccessToken"])["Username"] == "ann"
    assert app.get_user(app.refresh(again["RefreshToken"])["AccessToken"])["Username"] == "ann"


def test_admin_user_global_sign_out_revokes_every_sign_in(app: App) -> None:
    confirmed(app)
    confirmed(app, "bob", "bob@example.com")
    other = app.another_client()
    sessions = [app.sign_in("ann"), other.sign_in("ann")]
    bobs = app.sign_in("bob")
    app.api.admin_user_global_sign_out(UserPoolId=app.pool_id, Username="ann")
    for client, tokens in zip((app, other), sessions, strict=True):
        assert fails(client.get_user, access_token=tokens["AccessToken"]) == ACCESS_REVOKED
        assert fails(client.refresh, refresh_token=tokens["RefreshToken"]) == REFRESH_REVOKED
    assert app.get_user(bobs["AccessToken"])["Username"] == "bob"  # other users are untouched
    assert app.get_user(app.sign_in("ann")["AccessToken"])["Username"] == "ann"
    assert (
        fails(app.api.admin_user_global_sign_out, UserPoolId=app.pool_id, Username="ghost")
        == NO_SUCH_USER
    )


def test_revoke_token_ends_one_sign_in_only(app: App) -> None:
    confirmed(app)
    first, second = app.sign_in("ann"), app.sign_in("ann")
    refreshed = app.refresh(first["RefreshToken"])
    app.api.revoke_token(Token=first["RefreshToken"], ClientId=app.client_id)
    for tokens in (first, refreshed):
        assert fails(app.get_user, access_token=tokens["AccessToken"]) == ACCESS_REVOKED
    assert fails(app.refresh, refresh_token=first["RefreshToken"]) == REFRESH_REVOKED
    assert app.get_user(second["AccessToken"])["Username"] == "ann"
    assert app.get_user(app.refresh(second["RefreshToken"])["AccessToken"])["Username"] == "ann"
    # Revoking again, or a token nobody issued, is not an error (RFC 7009 §2.2).
    app.api.revoke_token(Token=first["RefreshToken"], ClientId=app.client_id)
    app.api.revoke_token(Token="not-a-refresh-token", ClientId=app.client_id)


def test_revoke_token_only_takes_refresh_tokens(app: App) -> None:
    confirmed(app)
    tokens = app.sign_in("ann")
    for token in (tokens["AccessToken"], tokens["IdToken"]):
        assert fails(app.api.revoke_token, Token=token, ClientId=app.client_id) == (
            "UnsupportedTokenTypeException",
            "Only refresh tokens can be revoked.",
        )
    assert app.get_user(tokens["AccessToken"])["Username"] == "ann"


def test_revoke_token_checks_the_client(make_app: AppFactory) -> None:
    app = make_app(GenerateSecret=True)
    assert app.secret is not None
    confirmed(app)
    tokens = app.sign_in("ann")
    revoke = app.api.revoke_token
    token = tokens["RefreshToken"]
    assert fails(revoke, Token=token, ClientId=app.client_id) == INVALID_CLIENT
    assert fails(revoke, Token=token, ClientId=app.client_id, ClientSecret="x" * 52) == (
        INVALID_CLIENT
    )
    other = app.another_client()
    assert fails(revoke, Token=token, ClientId=other.client_id) == INVALID_CLIENT
    assert fails(revoke, Token=token, ClientId="0123456789abcdefghijklmnop") == INVALID_CLIENT
    assert app.get_user(app.refresh(token, "ann")["AccessToken"])["Username"] == "ann"
    revoke(Token=token, ClientId=app.client_id, ClientSecret=app.secret)
    assert fails(app.refresh, refresh_token=token, username="ann") == REFRESH_REVOKED
    assert fails(app.get_user, access_token=tokens["AccessToken"]) == ACCESS_REVOKED


def test_revoke_token_disabled_for_the_client(make_app: AppFactory) -> None:
    app = make_app(EnableTokenRevocation=False)
    confirmed(app)
    tokens = app.sign_in("ann")
    assert fails(app.api.revoke_token, Token=tokens["RefreshToken"], ClientId=app.client_id) == (
        "UnsupportedOperationException",
        "Token revocation is not enabled for this app client.",
    )
    assert app.get_user(tokens["AccessToken"])["Username"] == "ann"


DISABLED = ("NotAuthorizedException", "User is disabled.")


def test_disabled_user_tokens_are_refused(app: App) -> None:
    confirmed(app)
    tokens = app.sign_in("ann")
    app.api.admin_disable_user(UserPoolId=app.pool_id, Username="ann")
    assert fails(app.get_user, access_token=tokens["AccessToken"])[0] == "NotAuthorizedException"
    assert fails(app.refresh, refresh_token=tokens["RefreshToken"])[0] == "NotAuthorizedException"
    assert fails(app.api.global_sign_out, AccessToken=tokens["AccessToken"])[0] == (
        "NotAuthorizedException"
    )
    assert fails(app.sign_in, username="ann") == DISABLED
    # Enabling the user again does not bring the old sign-in back.
    app.api.admin_enable_user(UserPoolId=app.pool_id, Username="ann")
    assert fails(app.get_user, access_token=tokens["AccessToken"]) == ACCESS_REVOKED
    assert fails(app.refresh, refresh_token=tokens["RefreshToken"]) == REFRESH_REVOKED
    assert app.get_user(app.sign_in("ann")["AccessToken"])["Username"] == "ann"


def test_disabled_user_access_token_says_user_is_disabled(app: App) -> None:
    confirmed(app)
    tokens = app.sign_in("ann")
    app.api.admin_disable_user(UserPoolId=app.pool_id, Username="ann")
    assert fails(app.refresh, refresh_token=tokens["RefreshToken"]) == DISABLED
    assert fails(app.get_user, access_token=tokens["AccessToken"]) == DISABLED


def test_admin_deleted_user_tokens_are_revoked(app: App) -> None:
    confirmed(app)
    tokens = app.sign_in("ann")
    app.api.admin_delete_user(UserPoolId=app.pool_id, Username="ann")
    assert fails(app.get_user, access_token=tokens["AccessToken"]) == ACCESS_REVOKED
    # A user re-created under the same name does not inherit the old sign-in.
    confirmed(app)
    assert fails(app.get_user, access_token=tokens["AccessToken"]) == ACCESS_REVOKED


def test_access_token_expires(make_clocked_app: AppFactory, clock: Any) -> None:
    app = make_clocked_app()
    confirmed(app)
    tokens = app.sign_in("ann")
    assert tokens["ExpiresIn"] == 3600
    clock.advance(3600 + 5)
    assert fails(app.get_user, access_token=tokens["AccessToken"]) == ACCESS_EXPIRED
    assert fails(app.api.global_sign_out, AccessToken=tokens["AccessToken"]) == ACCESS_EXPIRED
    # The refresh token lives on (30 days by default) and gives a fresh access token.
    assert app.get_user(app.refresh(tokens["RefreshToken"])["AccessToken"])["Username"] == "ann"
    clock.advance(30 * 86400)
    assert fails(app.refresh, refresh_token=tokens["RefreshToken"]) == (
        "NotAuthorizedException",
        "Refresh Token has expired",
    )
