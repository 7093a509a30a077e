# The fixture frozen is test_mfa.py's, imported by name.
# ruff: noqa: F401, F811
"""MFA and choice-based sign-in (``USER_AUTH``) with the real clients, run by Node.

Amplify JS v6 (``tests/js/amplify_steps.mjs``) sets up TOTP, states its preference and signs
in with the code (also after a ``USER_AUTH`` password); signs in with SMS and email codes, and
with an email code under ``USER_AUTH``; chooses a first factor; chooses an MFA type; and sets
up TOTP or email MFA during a sign-in when the pool's MFA is ON (also after a new password).
amazon-cognito-identity-js (``tests/js/identity_steps.mjs``) covers what its callbacks and
``sendMFACode`` put on the wire differently: the ``USER_ID_FOR_SRP`` as ``USERNAME``, both
``SMS_MFA_CODE`` and ``SOFTWARE_TOKEN_MFA_CODE`` in one answer, ``MFA_SETUP`` through its own
associate/verify calls. Last, Amplify answers on a second node what it was asked on the first.

The server is the clocked one, its clock frozen 5 s into a TOTP step (``frozen``): pyotp
computes each code at the server's moment, and a test moves the clock a whole step where it
needs a code not used yet (the two nodes keep real time instead: ``fresh_step``). Codes sent by
SMS or email are read from ``GET /_userpools/messages`` as a test in any language would. Every
test runs on both stores. Node and ``tests/js/node_modules`` are required: without them these
tests fail (never skip).
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from typing import Any

import pyotp
import pytest
from test_amplify import JS_DIR, PASSWORD, Amplify, claims, messages
from test_mfa import frozen

from server.nodes import Node, Nodes, fresh_step
from userpools.testing import RunningServer

IDENTITY_SCRIPT = JS_DIR / "identity_steps.mjs"
PHONE = "+15555550123"
SES = {
    "EmailSendingAccount": "DEVELOPER",
    "SourceArn": "arn:aws:ses:us-east-1:000000000000:identity/example.com",
    "From": "no-reply@example.com",
}
SNS = {"SnsCallerArn": "arn:aws:iam::000000000000:role/sns", "ExternalId": "userpools"}
FLOWS = ["ALLOW_USER_SRP_AUTH", "ALLOW_USER_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]
WITH_EMAIL = {"SignInPolicy": {"AllowedFirstAuthFactors": ["PASSWORD", "EMAIL_OTP"]}}
DONE = {"isSignedIn": True, "nextStep": {"signInStep": "DONE"}}

TOTP_MISMATCH = ("CodeMismatchException", "Invalid code received for user")
CODE_MISMATCH = ("CodeMismatchException", "Invalid code or auth state for the user.")
REUSED = ("ExpiredCodeException", "Your software token has already been used once.")
ENABLE_MISMATCH = (
    "EnableSoftwareTokenMFAException",
    "Code mismatch and fail enable Software Token MFA",
)
EXPIRED_CODE = ("ExpiredCodeException", "Invalid code provided, please request a code again.")
INVALID_SESSION = ("NotAuthorizedException", "Invalid session for the user.")
USED_ONCE = (
    "NotAuthorizedException",
    "Invalid session for the user, session can only be used once.",
)
INCORRECT = ("NotAuthorizedException", "Incorrect username or password.")


def code_asked(medium: str, destination: str) -> dict[str, Any]:
    """Amplify's answer when a sign-in waits for the code it sent by ``medium`` (EMAIL or SMS)
    to the masked ``destination``."""
    return {
        "isSignedIn": False,
        "nextStep": {
            "signInStep": f"CONFIRM_SIGN_IN_WITH_{medium}_CODE",
            "codeDeliveryDetails": {"deliveryMedium": medium, "destination": destination},
        },
    }


def node_process(script: Any) -> Amplify:
    node = shutil.which("node")
    if node is None:
        pytest.fail("Node.js (20+) is not on PATH: install it, then run `make js-deps`")
    for package in ("aws-amplify", "amazon-cognito-identity-js"):
        if not (JS_DIR / "node_modules" / package).is_dir():
            pytest.fail(f"{JS_DIR / 'node_modules'} has no {package}: run `make js-deps`")
    return Amplify(node, script)


@pytest.fixture(scope="module")
def amplify(clocked_server: RunningServer) -> Iterator[Amplify]:
    """Amplify in one Node process for this module's tests (on the current store)."""
    process = node_process(JS_DIR / "amplify_steps.mjs")
    yield process
    process.close()


@pytest.fixture(scope="module")
def identity(clocked_server: RunningServer) -> Iterator[Amplify]:
    """amazon-cognito-identity-js in one Node process for this module's tests."""
    process = node_process(IDENTITY_SCRIPT)
    yield process
    process.close()


class Pool:
    """A pool and an app client on the clocked server, deleted afterwards."""

    def __init__(self, server: RunningServer) -> None:
        self.server = server
        self.idp = server.client()
        self.id = ""
        self.client_id = ""

    def create(self, session_minutes: int = 3, **config: Any) -> None:
        self.id = self.idp.create_user_pool(PoolName="mfa-clients", **config)["UserPool"]["Id"]
        self.client_id = self.idp.create_user_pool_client(
            UserPoolId=self.id,
            ClientName="web",
            ExplicitAuthFlows=FLOWS,
            AuthSessionValidity=session_minutes,
        )["UserPoolClient"]["ClientId"]

    def mfa(self, mode: str, **factors: Any) -> None:
        self.idp.set_user_pool_mfa_config(UserPoolId=self.id, MfaConfiguration=mode, **factors)

    def user(self, username: str = "bob", *, phone: bool = False) -> None:
        given = [
            {"Name": "email", "Value": f"{username}@example.com"},
            {"Name": "email_verified", "Value": "true"},
        ]
        if phone:
            given.append({"Name": "phone_number", "Value": PHONE})
        self.idp.admin_create_user(
            UserPoolId=self.id, Username=username, UserAttributes=given, MessageAction="SUPPRESS"
        )
        self.idp.admin_set_user_password(
            UserPoolId=self.id, Username=username, Password=PASSWORD, Permanent=True
        )

    def shown(self, username: str = "bob") -> dict[str, Any]:
        user: dict[str, Any] = self.idp.admin_get_user(UserPoolId=self.id, Username=username)
        return user

    def code(self, to: str, digits: int) -> str:
        """The code in the newest message to ``to`` (``GET /_userpools/messages``)."""
        newest = messages(self.server, self.id, to)[0]
        found = re.search(rf"\b(\d{{{digits}}})\b", newest["body"])
        assert found, newest["body"]
        return found.group(1)

    def delete(self) -> None:
        if self.id:
            self.idp.delete_user_pool(UserPoolId=self.id)


@pytest.fixture
def pool(clocked_server: RunningServer, clock: Any) -> Iterator[Pool]:
    made = Pool(clocked_server)
    yield made
    made.delete()


def configure(process: Amplify, pool: Pool) -> None:
    process.done(
        "configure",
        endpoint=pool.server.endpoint_url,
        userPoolId=pool.id,
        clientId=pool.client_id,
    )
    process.client_id = pool.client_id


@pytest.fixture
def app(amplify: Amplify, pool: Pool) -> Iterator[Amplify]:
    """Amplify, configured by the test (:func:`configure`) once its pool exists; signed out
    afterwards."""
    yield amplify
    if pool.id:
        amplify.done("signOut", **{"global": False})


def refusal(answer: dict[str, Any]) -> tuple[str, str]:
    assert answer["ok"] is False, answer
    return answer["name"], answer["message"]


def other(code: str) -> str:
    """A code of the same length that is not ``code``."""
    return f"{(int(code) + 1) % 10 ** len(code):0{len(code)}d}"


def totp_pool(pool: Pool, mode: str = "OPTIONAL") -> None:
    pool.create()
    pool.mfa(mode, SoftwareTokenMfaConfiguration={"Enabled": True})
    pool.user()


def signed_in_as(app: Amplify, pool: Pool, username: str) -> None:
    """Amplify holds tokens of ``username``, valid on the server."""
    tokens = app.done("session", forceRefresh=False)
    access = claims(pool.server, pool.id, tokens["accessToken"])
    assert (access["username"], access["client_id"]) == (username, pool.client_id)
    assert pool.idp.get_user(AccessToken=tokens["accessToken"])["Username"] == username


# Amplify: TOTP ----------------------------------------------------------------------------


def test_totp_set_up_then_asked_at_sign_in(app: Amplify, pool: Pool, frozen: Any) -> None:
    totp_pool(pool)
    configure(app, pool)
    assert app.done("signIn", username="bob", password=PASSWORD) == DONE
    assert app.done("fetchMFAPreference") == {}

    setup = app.done("setUpTOTP", appName="userpools")

    secret = setup["sharedSecret"]
    assert re.fullmatch(r"[A-Z2-7]{16,}=*", secret), secret
    assert setup["setupUri"].startswith("otpauth://totp/userpools:")
    assert f"secret={secret}&issuer=userpools" in setup["setupUri"]
    authenticator = pyotp.TOTP(secret)
    code = authenticator.at(frozen())
    assert refusal(app.step("verifyTOTPSetup", code=other(code))) == ENABLE_MISMATCH
    assert "UserMFASettingList" not in pool.shown()
    assert app.done("verifyTOTPSetup", code=code, friendlyDeviceName="phone") is None
    assert app.done("updateMFAPreference", totp="PREFERRED") is None
    assert app.done("fetchMFAPreference") == {"preferred": "TOTP", "enabled": ["TOTP"]}
    shown = pool.shown()
    assert shown["UserMFASettingList"] == ["SOFTWARE_TOKEN_MFA"]
    assert shown["PreferredMfaSetting"] == "SOFTWARE_TOKEN_MFA"
    app.done("signOut", **{"global": False})
    frozen.advance(30)

    asked = app.done("signIn", username="bob", password=PASSWORD)

    assert asked == {
        "isSignedIn": False,
        "nextStep": {"signInStep": "CONFIRM_SIGN_IN_WITH_TOTP_CODE"},
    }
    assert app.done("session", forceRefresh=False) is None
    code = authenticator.at(frozen())
    # A wrong code is refused and the challenge stands: Amplify retries with the same session.
    assert refusal(app.step("confirmSignIn", challengeResponse=other(code))) == TOTP_MISMATCH
    assert app.done("confirmSignIn", challengeResponse=code) == DONE
    assert app.done("currentUser")["signInDetails"] == {
        "loginId": "bob",
        "authFlowType": "USER_SRP_AUTH",
    }
    signed_in_as(app, pool, "bob")


def test_a_totp_code_is_refused_the_second_time(app: Amplify, pool: Pool, frozen: Any) -> None:
    totp_pool(pool)
    configure(app, pool)
    assert app.done("signIn", username="bob", password=PASSWORD) == DONE
    authenticator = pyotp.TOTP(app.done("setUpTOTP", appName="userpools")["sharedSecret"])
    app.done("verifyTOTPSetup", code=authenticator.at(frozen()))
    app.done("updateMFAPreference", totp="PREFERRED")
    app.done("signOut", **{"global": False})
    frozen.advance(30)
    code = authenticator.at(frozen())
    app.done("signIn", username="bob", password=PASSWORD)
    assert app.done("confirmSignIn", challengeResponse=code) == DONE
    app.done("signOut", **{"global": False})

    asked = app.done("signIn", username="bob", password=PASSWORD)

    assert asked["nextStep"]["signInStep"] == "CONFIRM_SIGN_IN_WITH_TOTP_CODE"
    assert refusal(app.step("confirmSignIn", challengeResponse=code)) == REUSED
    assert app.done("session", forceRefresh=False) is None


def test_totp_turned_off_in_amplify(app: Amplify, pool: Pool, frozen: Any) -> None:
    totp_pool(pool)
    configure(app, pool)
    app.done("signIn", username="bob", password=PASSWORD)
    authenticator = pyotp.TOTP(app.done("setUpTOTP", appName="userpools")["sharedSecret"])
    app.done("verifyTOTPSetup", code=authenticator.at(frozen()))
    app.done("updateMFAPreference", totp="PREFERRED")

    assert app.done("updateMFAPreference", totp="DISABLED") is None

    assert app.done("fetchMFAPreference") == {}
    shown = pool.shown()
    assert "UserMFASettingList" not in shown and "PreferredMfaSetting" not in shown
    app.done("signOut", **{"global": False})
    assert app.done("signIn", username="bob", password=PASSWORD) == DONE


def test_mfa_on_with_nothing_set_up_sets_up_totp_in_the_sign_in(
    app: Amplify, pool: Pool, frozen: Any
) -> None:
    totp_pool(pool, "ON")
    configure(app, pool)

    asked = app.done("signIn", username="bob", password=PASSWORD)

    # Amplify called AssociateSoftwareToken with the MFA_SETUP session on its own.
    assert asked["isSignedIn"] is False
    assert asked["nextStep"]["signInStep"] == "CONTINUE_SIGN_IN_WITH_TOTP_SETUP"
    secret = asked["nextStep"]["totpSetupDetails"]["sharedSecret"]
    assert re.fullmatch(r"[A-Z2-7]{16,}=*", secret), secret
    code = pyotp.TOTP(secret).at(frozen())
    done = app.done("confirmSignIn", challengeResponse=code, friendlyDeviceName="laptop")
    assert done == DONE
    signed_in_as(app, pool, "bob")
    assert app.done("fetchMFAPreference") == {"preferred": "TOTP", "enabled": ["TOTP"]}
    assert pool.shown()["UserMFASettingList"] == ["SOFTWARE_TOKEN_MFA"]


def test_a_wrong_code_while_setting_up_totp_in_the_sign_in(
    app: Amplify, pool: Pool, frozen: Any
) -> None:
    totp_pool(pool, "ON")
    configure(app, pool)
    asked = app.done("signIn", username="bob", password=PASSWORD)
    code = pyotp.TOTP(asked["nextStep"]["totpSetupDetails"]["sharedSecret"]).at(frozen())

    refused = app.step("confirmSignIn", challengeResponse=other(code))

    assert refusal(refused) == ENABLE_MISMATCH
    assert app.done("session", forceRefresh=False) is None
    assert "UserMFASettingList" not in pool.shown()


@pytest.mark.parametrize(
    ("choice", "step"),
    [("TOTP", "CONFIRM_SIGN_IN_WITH_TOTP_CODE"), ("SMS", "CONFIRM_SIGN_IN_WITH_SMS_CODE")],
)
def test_mfa_type_chosen_in_amplify(
    app: Amplify, pool: Pool, frozen: Any, choice: str, step: str
) -> None:
    pool.create(SmsConfiguration=SNS)
    pool.mfa(
        "OPTIONAL",
        SmsMfaConfiguration={"SmsConfiguration": SNS},
        SoftwareTokenMfaConfiguration={"Enabled": True},
    )
    pool.user(phone=True)
    configure(app, pool)
    app.done("signIn", username="bob", password=PASSWORD)
    authenticator = pyotp.TOTP(app.done("setUpTOTP", appName="userpools")["sharedSecret"])
    app.done("verifyTOTPSetup", code=authenticator.at(frozen()))
    app.done("updateMFAPreference", totp="ENABLED", sms="ENABLED")
    assert app.done("fetchMFAPreference") == {"enabled": ["SMS", "TOTP"]}
    app.done("signOut", **{"global": False})
    frozen.advance(30)

    asked = app.done("signIn", username="bob", password=PASSWORD)

    assert asked == {
        "isSignedIn": False,
        "nextStep": {
            "signInStep": "CONTINUE_SIGN_IN_WITH_MFA_SELECTION",
            "allowedMFATypes": ["SMS", "TOTP"],
        },
    }
    chosen = app.done("confirmSignIn", challengeResponse=choice)
    assert chosen["isSignedIn"] is False
    assert chosen["nextStep"]["signInStep"] == step
    if choice == "SMS":
        assert chosen["nextStep"]["codeDeliveryDetails"] == {
            "deliveryMedium": "SMS",
            "destination": "+*******0123",
        }
        code = pool.code(PHONE, 6)
        assert refusal(app.step("confirmSignIn", challengeResponse=other(code))) == (CODE_MISMATCH)
    else:
        code = authenticator.at(frozen())
    assert app.done("confirmSignIn", challengeResponse=code) == DONE
    signed_in_as(app, pool, "bob")


def test_email_mfa_after_the_password_in_amplify(app: Amplify, pool: Pool, frozen: Any) -> None:
    pool.create(EmailConfiguration=SES)
    pool.mfa("OPTIONAL", EmailMfaConfiguration={"Message": "Code: {####}", "Subject": "Sign in"})
    pool.user()
    configure(app, pool)
    assert app.done("signIn", username="bob", password=PASSWORD) == DONE
    assert app.done("updateMFAPreference", email="PREFERRED") is None
    assert app.done("fetchMFAPreference") == {"preferred": "EMAIL", "enabled": ["EMAIL"]}
    app.done("signOut", **{"global": False})

    asked = app.done("signIn", username="bob", password=PASSWORD)

    assert asked == code_asked("EMAIL", "b***@e***")
    (newest, *_) = messages(pool.server, pool.id, "bob@example.com")
    assert (newest["subject"], newest["medium"]) == ("Sign in", "EMAIL")
    code = pool.code("bob@example.com", 8)
    assert refusal(app.step("confirmSignIn", challengeResponse=other(code))) == CODE_MISMATCH
    assert app.done("confirmSignIn", challengeResponse=code) == DONE
    signed_in_as(app, pool, "bob")


def test_new_password_then_totp_set_up_in_amplify(app: Amplify, pool: Pool, frozen: Any) -> None:
    pool.create()
    pool.mfa("ON", SoftwareTokenMfaConfiguration={"Enabled": True})
    pool.idp.admin_create_user(
        UserPoolId=pool.id,
        Username="carol",
        TemporaryPassword="Temporary-horse-1",
        MessageAction="SUPPRESS",
    )
    configure(app, pool)

    first = app.done("signIn", username="carol", password="Temporary-horse-1")

    assert first == {
        "isSignedIn": False,
        "nextStep": {
            "signInStep": "CONFIRM_SIGN_IN_WITH_NEW_PASSWORD_REQUIRED",
            "missingAttributes": [],
        },
    }
    setup = app.done("confirmSignIn", challengeResponse=PASSWORD)
    assert setup["nextStep"]["signInStep"] == "CONTINUE_SIGN_IN_WITH_TOTP_SETUP"
    assert pool.shown("carol")["UserStatus"] == "CONFIRMED"
    secret = setup["nextStep"]["totpSetupDetails"]["sharedSecret"]
    assert app.done("confirmSignIn", challengeResponse=pyotp.TOTP(secret).at(frozen())) == DONE
    signed_in_as(app, pool, "carol")


def test_totp_after_a_password_first_factor_under_user_auth(
    app: Amplify, pool: Pool, frozen: Any
) -> None:
    pool.create(Policies=WITH_EMAIL)
    pool.mfa("OPTIONAL", SoftwareTokenMfaConfiguration={"Enabled": True})
    pool.user()
    configure(app, pool)
    app.done("signIn", username="bob", password=PASSWORD)
    authenticator = pyotp.TOTP(app.done("setUpTOTP", appName="userpools")["sharedSecret"])
    app.done("verifyTOTPSetup", code=authenticator.at(frozen()))
    app.done("updateMFAPreference", totp="PREFERRED")
    app.done("signOut", **{"global": False})
    frozen.advance(30)

    asked = app.done(
        "signIn",
        username="bob",
        password=PASSWORD,
        authFlowType="USER_AUTH",
        preferredChallenge="PASSWORD",
    )

    assert asked == {
        "isSignedIn": False,
        "nextStep": {"signInStep": "CONFIRM_SIGN_IN_WITH_TOTP_CODE"},
    }
    assert app.done("confirmSignIn", challengeResponse=authenticator.at(frozen())) == DONE
    signed_in_as(app, pool, "bob")


@pytest.mark.parametrize("choice", ["TOTP", "EMAIL"])
def test_mfa_set_up_chosen_in_the_sign_in(
    app: Amplify, pool: Pool, frozen: Any, choice: str
) -> None:
    pool.create(EmailConfiguration=SES)
    pool.mfa(
        "ON",
        SoftwareTokenMfaConfiguration={"Enabled": True},
        EmailMfaConfiguration={"Message": "Code: {####}", "Subject": "Sign in"},
    )
    # No email address: the user must set a factor up.
    pool.idp.admin_create_user(UserPoolId=pool.id, Username="dan", MessageAction="SUPPRESS")
    pool.idp.admin_set_user_password(
        UserPoolId=pool.id, Username="dan", Password=PASSWORD, Permanent=True
    )
    configure(app, pool)

    asked = app.done("signIn", username="dan", password=PASSWORD)

    assert asked["isSignedIn"] is False
    assert asked["nextStep"]["signInStep"] == "CONTINUE_SIGN_IN_WITH_MFA_SETUP_SELECTION"
    assert sorted(asked["nextStep"]["allowedMFATypes"]) == ["EMAIL", "TOTP"]
    chosen = app.done("confirmSignIn", challengeResponse=choice)
    if choice == "TOTP":
        assert chosen["nextStep"]["signInStep"] == "CONTINUE_SIGN_IN_WITH_TOTP_SETUP"
        secret = chosen["nextStep"]["totpSetupDetails"]["sharedSecret"]
        answer = pyotp.TOTP(secret).at(frozen())
        factor, email = "SOFTWARE_TOKEN_MFA", None
    else:
        assert chosen == {
            "isSignedIn": False,
            "nextStep": {"signInStep": "CONTINUE_SIGN_IN_WITH_EMAIL_SETUP"},
        }
        # Amplify sends the address as EMAIL in the MFA_SETUP answer; a code goes to it.
        sent = app.done("confirmSignIn", challengeResponse="dan@example.com")
        assert sent == code_asked("EMAIL", "d***@e***")
        answer = pool.code("dan@example.com", 8)
        factor, email = "EMAIL_OTP", "dan@example.com"
    assert app.done("confirmSignIn", challengeResponse=answer) == DONE
    signed_in_as(app, pool, "dan")
    shown = pool.shown("dan")
    assert shown["UserMFASettingList"] == [factor]
    assert {a["Name"]: a["Value"] for a in shown["UserAttributes"]}.get("email") == email


# Amplify: USER_AUTH -----------------------------------------------------------------------


def user_auth_pool(pool: Pool) -> None:
    pool.create(Policies=WITH_EMAIL)
    pool.user()


def test_email_code_under_user_auth(app: Amplify, pool: Pool, frozen: Any) -> None:
    user_auth_pool(pool)
    configure(app, pool)

    asked = app.done(
        "signIn", username="bob", authFlowType="USER_AUTH", preferredChallenge="EMAIL_OTP"
    )

    assert asked == code_asked("EMAIL", "b***@e***")
    (newest, *_) = messages(pool.server, pool.id, "bob@example.com")
    assert (newest["username"], newest["medium"]) == ("bob", "EMAIL")
    code = pool.code("bob@example.com", 8)
    assert refusal(app.step("confirmSignIn", challengeResponse=other(code))) == CODE_MISMATCH
    assert app.done("session", forceRefresh=False) is None
    assert app.done("confirmSignIn", challengeResponse=code) == DONE
    assert app.done("currentUser")["signInDetails"] == {
        "loginId": "bob",
        "authFlowType": "USER_AUTH",
    }
    signed_in_as(app, pool, "bob")


def test_an_expired_email_code_under_user_auth(app: Amplify, pool: Pool, frozen: Any) -> None:
    pool.create(session_minutes=15, Policies=WITH_EMAIL)
    pool.user()
    configure(app, pool)
    app.done("signIn", username="bob", authFlowType="USER_AUTH", preferredChallenge="EMAIL_OTP")
    code = pool.code("bob@example.com", 8)
    frozen.advance(5 * 60 + 1)  # an email code lives 5 minutes; the session 15

    refused = app.step("confirmSignIn", challengeResponse=code)

    assert refusal(refused) == EXPIRED_CODE
    assert app.done("session", forceRefresh=False) is None


def test_sms_code_under_user_auth(app: Amplify, pool: Pool, frozen: Any) -> None:
    pool.create(Policies={"SignInPolicy": {"AllowedFirstAuthFactors": ["PASSWORD", "SMS_OTP"]}})
    pool.user(phone=True)
    pool.idp.admin_update_user_attributes(
        UserPoolId=pool.id,
        Username="bob",
        UserAttributes=[{"Name": "phone_number_verified", "Value": "true"}],
    )
    configure(app, pool)

    asked = app.done(
        "signIn", username="bob", authFlowType="USER_AUTH", preferredChallenge="SMS_OTP"
    )

    assert asked == code_asked("SMS", "+*******0123")
    code = pool.code(PHONE, 6)
    assert refusal(app.step("confirmSignIn", challengeResponse=other(code))) == CODE_MISMATCH
    assert app.done("confirmSignIn", challengeResponse=code) == DONE
    signed_in_as(app, pool, "bob")


def test_sign_up_without_a_password_then_auto_sign_in(
    app: Amplify, pool: Pool, frozen: Any
) -> None:
    """Amplify's passwordless sign-up: no password; confirmSignUp's Session signs the user in
    (InitiateAuth USER_AUTH with it) without another code."""
    pool.create(Policies=WITH_EMAIL, AutoVerifiedAttributes=["email"])
    configure(app, pool)

    signed_up = app.done(
        "signUp",
        username="fay",
        email="fay@example.com",
        autoSignIn={"authFlowType": "USER_AUTH"},
    )

    assert signed_up["isSignUpComplete"] is False
    assert signed_up["nextStep"]["signUpStep"] == "CONFIRM_SIGN_UP"
    code = pool.code("fay@example.com", 6)
    confirmed = app.done("confirmSignUp", username="fay", code=code)
    assert confirmed == {
        "isSignUpComplete": True,
        "nextStep": {"signUpStep": "COMPLETE_AUTO_SIGN_IN"},
    }
    sent = len(messages(pool.server, pool.id, "fay@example.com"))
    assert app.done("autoSignIn") == DONE
    assert len(messages(pool.server, pool.id, "fay@example.com")) == sent  # no other code
    signed_in_as(app, pool, "fay")
    assert pool.shown("fay")["UserStatus"] == "CONFIRMED"


@pytest.mark.parametrize("factor", ["PASSWORD", "PASSWORD_SRP"])
def test_preferred_password_factor_under_user_auth(
    app: Amplify, pool: Pool, frozen: Any, factor: str
) -> None:
    user_auth_pool(pool)
    configure(app, pool)

    refused = app.step(
        "signIn",
        username="bob",
        password="Wrong-horse-1",
        authFlowType="USER_AUTH",
        preferredChallenge=factor,
    )
    assert refusal(refused) == INCORRECT
    signed = app.done(
        "signIn",
        username="bob",
        password=PASSWORD,
        authFlowType="USER_AUTH",
        preferredChallenge=factor,
    )

    assert signed == DONE
    signed_in_as(app, pool, "bob")


@pytest.mark.parametrize("factor", ["PASSWORD", "PASSWORD_SRP", "EMAIL_OTP"])
def test_first_factor_chosen_in_amplify(app: Amplify, pool: Pool, frozen: Any, factor: str) -> None:
    user_auth_pool(pool)
    configure(app, pool)

    offered = app.done("signIn", username="bob", authFlowType="USER_AUTH")

    assert offered == {
        "isSignedIn": False,
        "nextStep": {
            "signInStep": "CONTINUE_SIGN_IN_WITH_FIRST_FACTOR_SELECTION",
            "availableChallenges": ["PASSWORD", "PASSWORD_SRP", "EMAIL_OTP"],
        },
    }
    chosen = app.done("confirmSignIn", challengeResponse=factor)
    if factor == "EMAIL_OTP":
        assert chosen["nextStep"]["signInStep"] == "CONFIRM_SIGN_IN_WITH_EMAIL_CODE"
        answer = pool.code("bob@example.com", 8)
    else:
        assert chosen == {
            "isSignedIn": False,
            "nextStep": {"signInStep": "CONFIRM_SIGN_IN_WITH_PASSWORD"},
        }
        answer = PASSWORD
    assert app.done("confirmSignIn", challengeResponse=answer) == DONE
    signed_in_as(app, pool, "bob")


def test_a_chosen_password_factor_refuses_a_wrong_password(
    app: Amplify, pool: Pool, frozen: Any
) -> None:
    user_auth_pool(pool)
    configure(app, pool)
    app.done("signIn", username="bob", authFlowType="USER_AUTH")
    app.done("confirmSignIn", challengeResponse="PASSWORD")

    refused = app.step("confirmSignIn", challengeResponse="Wrong-horse-1")

    assert refusal(refused) == INCORRECT
    assert app.done("session", forceRefresh=False) is None


# amazon-cognito-identity-js ---------------------------------------------------------------


@pytest.fixture
def js(identity: Amplify, pool: Pool) -> Amplify:
    """amazon-cognito-identity-js, configured by the test (:func:`configure`)."""
    return identity


def test_identity_js_sms_mfa_with_send_mfa_code(js: Amplify, pool: Pool, frozen: Any) -> None:
    pool.create(SmsConfiguration=SNS)
    pool.mfa("ON", SmsMfaConfiguration={"SmsConfiguration": SNS})
    pool.user(phone=True)
    configure(js, pool)

    asked = js.done("authenticate", username="bob", password=PASSWORD)

    assert asked == {
        "callback": "mfaRequired",
        "challengeName": "SMS_MFA",
        "challengeParameters": {
            "CODE_DELIVERY_DELIVERY_MEDIUM": "SMS",
            "CODE_DELIVERY_DESTINATION": "+*******0123",
        },
    }
    code = pool.code(PHONE, 6)
    assert refusal(js.step("sendMFACode", code=other(code))) == CODE_MISMATCH
    # The skipped challenge: the SMS_MFA session answered as SOFTWARE_TOKEN_MFA.
    skipped = js.step("sendMFACode", code=code, mfaType="SOFTWARE_TOKEN_MFA")
    assert refusal(skipped) == INVALID_SESSION
    signed = js.done("sendMFACode", code=code)
    assert signed["callback"] == "onSuccess"
    access = claims(pool.server, pool.id, signed["accessToken"])
    assert (access["username"], access["client_id"]) == ("bob", pool.client_id)
    # The library still holds the session it answered with: it was used.
    assert refusal(js.step("sendMFACode", code=code)) == USED_ONCE


def test_identity_js_totp_with_send_mfa_code(js: Amplify, pool: Pool, frozen: Any) -> None:
    totp_pool(pool)
    configure(js, pool)
    assert js.done("authenticate", username="bob", password=PASSWORD)["callback"] == "onSuccess"
    secret = js.done("associateSoftwareToken")["secretCode"]
    authenticator = pyotp.TOTP(secret)
    assert js.done(
        "verifySoftwareToken", code=authenticator.at(frozen()), friendlyDeviceName="phone"
    ) == {"Status": "SUCCESS"}
    preference = {"Enabled": True, "PreferredMfa": True}
    assert js.done("setUserMfaPreference", sms=None, totp=preference) == "SUCCESS"
    assert pool.shown()["PreferredMfaSetting"] == "SOFTWARE_TOKEN_MFA"
    frozen.advance(30)

    asked = js.done("authenticate", username="bob", password=PASSWORD)

    assert (asked["callback"], asked["challengeName"]) == ("totpRequired", "SOFTWARE_TOKEN_MFA")
    code = authenticator.at(frozen())
    # The library sends the code as SMS_MFA_CODE as well as SOFTWARE_TOKEN_MFA_CODE.
    wrong = js.step("sendMFACode", code=other(code), mfaType="SOFTWARE_TOKEN_MFA")
    assert refusal(wrong) == TOTP_MISMATCH
    signed = js.done("sendMFACode", code=code, mfaType="SOFTWARE_TOKEN_MFA")
    assert claims(pool.server, pool.id, signed["idToken"])["cognito:username"] == "bob"


def test_identity_js_mfa_setup_during_sign_in(js: Amplify, pool: Pool, frozen: Any) -> None:
    totp_pool(pool, "ON")
    configure(js, pool)

    asked = js.done("authenticate", username="bob", password=PASSWORD)

    assert (asked["callback"], asked["challengeName"]) == ("mfaSetup", "MFA_SETUP")
    assert asked["challengeParameters"]["MFAS_CAN_SETUP"] == '["SOFTWARE_TOKEN_MFA"]'
    assert asked["challengeParameters"]["USER_ID_FOR_SRP"] == "bob"
    secret = js.done("associateSoftwareToken")["secretCode"]
    signed = js.done(
        "verifySoftwareToken", code=pyotp.TOTP(secret).at(frozen()), friendlyDeviceName="phone"
    )
    assert signed["callback"] == "onSuccess"
    assert claims(pool.server, pool.id, signed["accessToken"])["username"] == "bob"
    assert pool.shown()["UserMFASettingList"] == ["SOFTWARE_TOKEN_MFA"]


def test_identity_js_select_mfa_type_then_sms(js: Amplify, pool: Pool, frozen: Any) -> None:
    pool.create(SmsConfiguration=SNS)
    pool.mfa(
        "OPTIONAL",
        SmsMfaConfiguration={"SmsConfiguration": SNS},
        SoftwareTokenMfaConfiguration={"Enabled": True},
    )
    pool.user(phone=True)
    configure(js, pool)
    js.done("authenticate", username="bob", password=PASSWORD)
    secret = js.done("associateSoftwareToken")["secretCode"]
    js.done("verifySoftwareToken", code=pyotp.TOTP(secret).at(frozen()), friendlyDeviceName="p")
    enabled = {"Enabled": True, "PreferredMfa": False}
    js.done("setUserMfaPreference", sms=enabled, totp=enabled)

    asked = js.done("authenticate", username="bob", password=PASSWORD)

    assert (asked["callback"], asked["challengeName"]) == ("selectMFAType", "SELECT_MFA_TYPE")
    # AWS's compact JSON, as in its answers (no space after the comma).
    assert asked["challengeParameters"]["MFAS_CAN_CHOOSE"] == '["SMS_MFA","SOFTWARE_TOKEN_MFA"]'
    chosen = js.done("sendMFASelectionAnswer", answer="SMS_MFA")
    assert (chosen["callback"], chosen["challengeName"]) == ("mfaRequired", "SMS_MFA")
    signed = js.done("sendMFACode", code=pool.code(PHONE, 6))
    assert claims(pool.server, pool.id, signed["accessToken"])["username"] == "bob"


def test_identity_js_legacy_enable_and_disable_mfa(js: Amplify, pool: Pool, frozen: Any) -> None:
    pool.create(SmsConfiguration=SNS)
    pool.mfa("OPTIONAL", SmsMfaConfiguration={"SmsConfiguration": SNS})
    pool.user(phone=True)
    configure(js, pool)
    assert js.done("authenticate", username="bob", password=PASSWORD)["callback"] == "onSuccess"

    assert js.done("enableMFA") == "SUCCESS"

    shown = pool.shown()
    assert shown["MFAOptions"] == [{"DeliveryMedium": "SMS", "AttributeName": "phone_number"}]
    assert shown["UserMFASettingList"] == ["SMS_MFA"]
    asked = js.done("authenticate", username="bob", password=PASSWORD)
    assert (asked["callback"], asked["challengeName"]) == ("mfaRequired", "SMS_MFA")
    assert js.done("sendMFACode", code=pool.code(PHONE, 6))["callback"] == "onSuccess"
    assert js.done("disableMFA") == "SUCCESS"
    shown = pool.shown()
    assert "MFAOptions" not in shown and "UserMFASettingList" not in shown
    assert js.done("authenticate", username="bob", password=PASSWORD)["callback"] == "onSuccess"


# a pool whose users sign in with their email address -------------------------------------


def email_login_pool(pool: Pool) -> str:
    """A pool with ``UsernameAttributes=[email]`` (Amplify Gen 2's default), TOTP MFA optional
    and email codes as a first factor, and gil, who signs in as gil@example.com; gil's
    username (a generated id)."""
    pool.create(UsernameAttributes=["email"], Policies=WITH_EMAIL)
    pool.mfa("OPTIONAL", SoftwareTokenMfaConfiguration={"Enabled": True})
    created = pool.idp.admin_create_user(
        UserPoolId=pool.id,
        Username="gil@example.com",
        MessageAction="SUPPRESS",
        UserAttributes=[{"Name": "email_verified", "Value": "true"}],
    )["User"]
    pool.idp.admin_set_user_password(
        UserPoolId=pool.id, Username="gil@example.com", Password=PASSWORD, Permanent=True
    )
    username: str = created["Username"]
    assert username != "gil@example.com"
    return username


def test_email_login_with_an_email_code_and_with_totp(
    app: Amplify, pool: Pool, frozen: Any
) -> None:
    username = email_login_pool(pool)
    configure(app, pool)

    # USER_AUTH: Amplify answers with the address as USERNAME.
    app.done(
        "signIn",
        username="gil@example.com",
        authFlowType="USER_AUTH",
        preferredChallenge="EMAIL_OTP",
    )
    code = pool.code("gil@example.com", 8)
    assert app.done("confirmSignIn", challengeResponse=code) == DONE
    sub = {a["Name"]: a["Value"] for a in pool.shown(username)["UserAttributes"]}["sub"]
    assert app.done("currentUser") == {
        "username": username,
        "userId": sub,
        "signInDetails": {"loginId": "gil@example.com", "authFlowType": "USER_AUTH"},
    }
    signed_in_as(app, pool, username)
    app.done("signOut", **{"global": False})

    # SRP, then TOTP: Amplify answers with InitiateAuth's USERNAME.
    assert app.done("signIn", username="gil@example.com", password=PASSWORD) == DONE
    authenticator = pyotp.TOTP(app.done("setUpTOTP", appName="userpools")["sharedSecret"])
    app.done("verifyTOTPSetup", code=authenticator.at(frozen()))
    app.done("updateMFAPreference", totp="PREFERRED")
    app.done("signOut", **{"global": False})
    frozen.advance(30)
    asked = app.done("signIn", username="gil@example.com", password=PASSWORD)
    assert asked["nextStep"]["signInStep"] == "CONFIRM_SIGN_IN_WITH_TOTP_CODE"
    assert app.done("confirmSignIn", challengeResponse=authenticator.at(frozen())) == DONE
    signed_in_as(app, pool, username)


def test_identity_js_email_login_with_totp(js: Amplify, pool: Pool, frozen: Any) -> None:
    username = email_login_pool(pool)
    configure(js, pool)
    js.done("authenticate", username="gil@example.com", password=PASSWORD)
    authenticator = pyotp.TOTP(js.done("associateSoftwareToken")["secretCode"])
    js.done("verifySoftwareToken", code=authenticator.at(frozen()), friendlyDeviceName="phone")
    js.done("setUserMfaPreference", sms=None, totp={"Enabled": True, "PreferredMfa": True})
    frozen.advance(30)

    # The library answers with USER_ID_FOR_SRP, the username.
    asked = js.done("authenticate", username="gil@example.com", password=PASSWORD)

    assert (asked["callback"], asked["challengeName"]) == ("totpRequired", "SOFTWARE_TOKEN_MFA")
    signed = js.done("sendMFACode", code=authenticator.at(frozen()), mfaType="SOFTWARE_TOKEN_MFA")
    assert claims(pool.server, pool.id, signed["accessToken"])["username"] == username


# Amplify across two nodes ----------------------------------------------------------------


@pytest.fixture
def two_nodes(fresh_database: dict[str, Any], tmp_path: Any) -> Iterator[tuple[Node, Node]]:
    """Two ``userpools serve`` nodes on one database (the current store), behind one
    ``--public-url`` as behind a load balancer, so each accepts the other's tokens."""
    nodes = Nodes(tmp_path)
    database = {"db": fresh_database["db_path"], "database_url": fresh_database["database_url"]}
    try:
        a, b = (
            nodes.start(**database, extra=("--public-url", "http://userpools.test:9229"))
            for _ in "ab"
        )
        yield a, b
    finally:
        nodes.stop_all()


def on(process: Amplify, node: Node, pool_id: str, client_id: str) -> None:
    """Amplify pointed at ``node``; its sign-in in progress (and its tokens) kept."""
    process.done("configure", endpoint=node.endpoint_url, userPoolId=pool_id, clientId=client_id)


def node_code(node: Node, pool_id: str, to: str) -> str:
    newest = messages(node, pool_id, to)[0]
    found = re.search(r"\b(\d{8})\b", newest["body"])
    assert found, newest["body"]
    return found.group(1)


def test_amplify_answers_a_challenge_on_another_node(
    amplify: Amplify, two_nodes: tuple[Node, Node]
) -> None:
    first, second = two_nodes
    idp = first.client()
    pool_id = idp.create_user_pool(PoolName="two nodes", Policies=WITH_EMAIL)["UserPool"]["Id"]
    idp.set_user_pool_mfa_config(
        UserPoolId=pool_id,
        MfaConfiguration="OPTIONAL",
        SoftwareTokenMfaConfiguration={"Enabled": True},
    )
    client_id = idp.create_user_pool_client(
        UserPoolId=pool_id, ClientName="web", ExplicitAuthFlows=FLOWS
    )["UserPoolClient"]["ClientId"]
    for name in ("bob", "eve"):
        idp.admin_create_user(
            UserPoolId=pool_id,
            Username=name,
            MessageAction="SUPPRESS",
            UserAttributes=[
                {"Name": "email", "Value": f"{name}@example.com"},
                {"Name": "email_verified", "Value": "true"},
            ],
        )
        idp.admin_set_user_password(
            UserPoolId=pool_id, Username=name, Password=PASSWORD, Permanent=True
        )
    on(amplify, first, pool_id, client_id)
    assert amplify.done("signIn", username="bob", password=PASSWORD) == DONE
    authenticator = pyotp.TOTP(amplify.done("setUpTOTP", appName="userpools")["sharedSecret"])
    now = fresh_step()
    # The previous step's code (the server allows ±1 step) leaves this step's for the sign-in.
    amplify.done("verifyTOTPSetup", code=authenticator.at(now - 30))
    amplify.done("updateMFAPreference", totp="PREFERRED")
    amplify.done("signOut", **{"global": False})

    asked = amplify.done("signIn", username="bob", password=PASSWORD)
    assert asked["nextStep"]["signInStep"] == "CONFIRM_SIGN_IN_WITH_TOTP_CODE"
    on(amplify, second, pool_id, client_id)
    assert amplify.done("confirmSignIn", challengeResponse=authenticator.at(now)) == DONE

    tokens = amplify.done("session", forceRefresh=False)
    assert idp.get_user(AccessToken=tokens["accessToken"])["Username"] == "bob"
    amplify.done("signOut", **{"global": False})

    asked = amplify.done(
        "signIn", username="eve", authFlowType="USER_AUTH", preferredChallenge="EMAIL_OTP"
    )
    assert asked["nextStep"]["signInStep"] == "CONFIRM_SIGN_IN_WITH_EMAIL_CODE"
    on(amplify, first, pool_id, client_id)
    code = node_code(first, pool_id, "eve@example.com")
    assert amplify.done("confirmSignIn", challengeResponse=code) == DONE
    tokens = amplify.done("session", forceRefresh=False)
    assert second.client().get_user(AccessToken=tokens["accessToken"])["Username"] == "eve"
    amplify.done("signOut", **{"global": False})
