# The fixture frozen is web_support.py's, imported by name.
# ruff: noqa: F401, F811
"""MFA on the managed login page over plain HTTP: setting up an authenticator app (the key
shown as text and as an ``otpauth://`` URI, the code computed by pyotp, an independent RFC 6238
implementation), then the TOTP challenge, and a wrong code's refusal. The server's clock is
frozen 5 s into a TOTP step, so the codes pyotp computes are the server's."""

from __future__ import annotations

import re
import urllib.parse
from typing import Any

import pyotp
import pytest
from web_support import (
    CALLBACK,
    PASSWORD,
    Browser,
    WebPool,
    frozen,
    query_of,
    read_form,
)

from userpools.testing import RunningServer


@pytest.fixture
def pool(clocked_server: RunningServer, frozen: Any) -> WebPool:
    api = clocked_server.client()
    pool_id = api.create_user_pool(PoolName="mfa-page")["UserPool"]["Id"]
    api.set_user_pool_mfa_config(
        UserPoolId=pool_id,
        MfaConfiguration="ON",
        SoftwareTokenMfaConfiguration={"Enabled": True},
    )
    web = WebPool(clocked_server, api, pool_id)
    web.user()
    return web


def authorize_url(pool: WebPool, client_id: str) -> str:
    params = {"response_type": "code", "client_id": client_id, "redirect_uri": CALLBACK}
    return f"{pool.authorize_url}?{urllib.parse.urlencode(params)}"


def test_set_up_an_authenticator_then_the_totp_challenge(pool: WebPool, frozen: Any) -> None:
    client_id, _ = pool.client()
    setup = Browser().sign_in(pool.base, authorize_url(pool, client_id))
    assert setup.status_code == 200, setup.text
    assert "<h1>Set up an authenticator app</h1>" in setup.text
    secret = re.search(r'<code id="secret">([A-Z2-7]+)</code>', setup.text)
    assert secret, setup.text
    uri = re.search(r'<a id="otpauth" href="([^"]+)"', setup.text)
    assert uri
    parsed = pyotp.parse_uri(uri.group(1).replace("&amp;", "&"))
    assert parsed.secret == secret.group(1) and parsed.name == "ann"
    assert parsed.issuer == "mfa-page"
    authenticator = pyotp.TOTP(secret.group(1))
    # A wrong code: VerifySoftwareToken's refusal, and the same page asks again.
    browser = Browser()
    setup = browser.sign_in(pool.base, authorize_url(pool, client_id))
    authenticator = pyotp.TOTP(re.findall(r'<code id="secret">([A-Z2-7]+)</code>', setup.text)[0])
    wrong = browser.post_form(pool.base, read_form(setup.text), code="000000")
    assert wrong.status_code == 400
    assert "Code mismatch and fail enable Software Token MFA" in wrong.text
    done = browser.post_form(pool.base, read_form(wrong.text), code=authenticator.at(frozen()))
    assert done.status_code == 302, done.text
    assert "code" in query_of(done.headers["location"])
    settings = pool.api.admin_get_user(UserPoolId=pool.pool_id, Username="ann")
    assert settings["UserMFASettingList"] == ["SOFTWARE_TOKEN_MFA"]

    frozen.advance(30)
    browser = Browser()
    challenge = browser.sign_in(pool.base, authorize_url(pool, client_id))
    assert challenge.status_code == 200 and "authenticator app" in challenge.text
    refused = browser.post_form(pool.base, read_form(challenge.text), code="000000")
    assert refused.status_code == 400
    assert "Invalid code received for user" in refused.text
    # RespondToAuthChallenge keeps the session after a wrong code: the page asks again.
    assert "authenticator app" in refused.text and "<h1>Sign in</h1>" not in refused.text
    signed_in = browser.post_form(
        pool.base, read_form(refused.text), code=authenticator.at(frozen())
    )
    assert signed_in.status_code == 302, signed_in.text
    assert "code" in query_of(signed_in.headers["location"])


SNS = {"SnsCallerArn": "arn:aws:iam::000000000000:role/sns", "ExternalId": "userpools"}
PHONE = "+15555550123"


def test_choose_sms_then_its_code(clocked_server: RunningServer, frozen: Any) -> None:
    """SELECT_MFA_TYPE as a choice on the page, then SMS_MFA with the code delivered."""
    api = clocked_server.client()
    pool_id = api.create_user_pool(PoolName="mfa-choice", SmsConfiguration=SNS)["UserPool"]["Id"]
    api.set_user_pool_mfa_config(
        UserPoolId=pool_id,
        MfaConfiguration="OPTIONAL",
        SmsMfaConfiguration={"SmsConfiguration": SNS},
        SoftwareTokenMfaConfiguration={"Enabled": True},
    )
    pool = WebPool(clocked_server, api, pool_id)
    pool.user()
    api.admin_update_user_attributes(
        UserPoolId=pool_id,
        Username="ann",
        UserAttributes=[
            {"Name": "phone_number", "Value": PHONE},
            {"Name": "phone_number_verified", "Value": "true"},
        ],
    )
    api_client = api.create_user_pool_client(
        UserPoolId=pool_id,
        ClientName="api",
        ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
    )["UserPoolClient"]["ClientId"]
    token = api.initiate_auth(
        ClientId=api_client,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": "ann", "PASSWORD": PASSWORD},
    )["AuthenticationResult"]["AccessToken"]
    secret = api.associate_software_token(AccessToken=token)["SecretCode"]
    api.verify_software_token(AccessToken=token, UserCode=pyotp.TOTP(secret).at(frozen()))
    api.set_user_mfa_preference(
        AccessToken=token,
        SMSMfaSettings={"Enabled": True},
        SoftwareTokenMfaSettings={"Enabled": True},
    )
    client_id, _ = pool.client()
    browser = Browser()
    choice = browser.sign_in(pool.base, authorize_url(pool, client_id))
    assert choice.status_code == 200 and "<legend>How do you want" in choice.text
    assert 'value="SMS_MFA"' in choice.text and 'value="SOFTWARE_TOKEN_MFA"' in choice.text
    sms = browser.post_form(pool.base, read_form(choice.text), mfa="SMS_MFA")
    assert sms.status_code == 200, sms.text
    assert "We have sent a code to +*******0123." in sms.text
    query = urllib.parse.urlencode({"pool": pool_id, "to": PHONE})
    sent = browser.http.get(f"{pool.base}/_userpools/messages?{query}", timeout=10).json()
    code = re.search(r"\b(\d{6})\b", sent["messages"][0]["body"])
    assert code
    done = browser.post_form(pool.base, read_form(sms.text), code=code.group(1))
    assert done.status_code == 302, done.text
    assert "code" in query_of(done.headers["location"])
