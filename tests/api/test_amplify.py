"""Amplify JS v6 (``aws-amplify``), run by Node, against the server, step by step.

One Node process per store serves this module (``tests/js/amplify_steps.mjs``): each test
sends it Amplify's steps one at a time and, between them, checks with boto3 what the server
now holds, reads the delivered codes from ``GET /_userpools/messages`` as a script would, or
changes the pool as an admin would (adding the user to a group). Amplify signs in with
USER_SRP_AUTH, refreshes with GetTokensFromRefreshToken and signs out everywhere with
GlobalSignOut. Node and ``tests/js/node_modules`` are required: without them these tests
fail (never skip), and ``make js-deps`` installs Amplify.
"""

from __future__ import annotations

import json
import queue
import re
import shutil
import subprocess
import threading
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError
from joserfc import jwt as jose_jwt
from joserfc.jwk import KeySet
from support import error_of

JS_DIR = Path(__file__).resolve().parents[1] / "js"
SCRIPT = JS_DIR / "amplify_steps.mjs"
PASSWORD = "Correct-horse-1"
STEP_TIMEOUT = 20.0


class Amplify:
    """The Node process running Amplify (or another step runner with the same protocol, such
    as ``tests/js/identity_steps.mjs``): :meth:`step` sends one step and returns its answer."""

    def __init__(self, node: str, script: Path = SCRIPT) -> None:
        self._process = subprocess.Popen(
            [node, str(script)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        self._script = script.name
        #: The app client of the current test (:func:`app`).
        self.client_id = ""
        self._lines: queue.Queue[str] = queue.Queue()
        self._stderr: list[str] = []
        self._readers = [
            threading.Thread(target=self._read, daemon=True),
            threading.Thread(target=self._read_stderr, daemon=True),
        ]
        for reader in self._readers:
            reader.start()

    def _read(self) -> None:
        assert self._process.stdout is not None
        for line in self._process.stdout:
            self._lines.put(line)
        self._lines.put("")  # Node exited

    def _read_stderr(self) -> None:
        assert self._process.stderr is not None
        self._stderr.extend(self._process.stderr)

    def step(self, step: str, **arguments: Any) -> dict[str, Any]:
        assert self._process.stdin is not None
        self._process.stdin.write(json.dumps({"step": step, **arguments}) + "\n")
        self._process.stdin.flush()
        try:
            line = self._lines.get(timeout=STEP_TIMEOUT)
        except queue.Empty:
            line = ""
        if not line:
            # A late answer would be taken for the next step's: this process is done.
            self._process.kill()
            stderr = "".join(self._stderr)
            pytest.fail(f"{self._script} gave no answer to {step}; Node's stderr:\n{stderr}")
        answer: dict[str, Any] = json.loads(line)
        return answer

    def done(self, step: str, **arguments: Any) -> Any:
        """The result of a step that must succeed."""
        answer = self.step(step, **arguments)
        assert answer["ok"] is True, (step, answer)
        return answer["result"]

    def close(self) -> None:
        assert self._process.stdin is not None
        self._process.stdin.close()
        try:
            self._process.wait(timeout=10)
        finally:
            if self._process.poll() is None:
                self._process.kill()
            for reader in self._readers:
                reader.join(timeout=5)
            assert self._process.stdout is not None and self._process.stderr is not None
            self._process.stdout.close()
            self._process.stderr.close()


@pytest.fixture(scope="module")
def amplify(userpools_server: Any) -> Iterator[Amplify]:
    """Amplify in one Node process for this module's tests (on the current store)."""
    node = shutil.which("node")
    if node is None:
        pytest.fail("Node.js (20+) is not on PATH: install it, then run `make js-deps`")
    if not (JS_DIR / "node_modules" / "aws-amplify").is_dir():
        pytest.fail(f"{JS_DIR / 'node_modules'} has no aws-amplify: run `make js-deps`")
    process = Amplify(node)
    yield process
    process.close()


@pytest.fixture
def pool(cognito_idp: Any) -> Iterator[str]:
    """A pool that verifies email addresses by code, as Amplify's default backend does."""
    pool_id: str = cognito_idp.create_user_pool(
        PoolName="amplify", AutoVerifiedAttributes=["email"]
    )["UserPool"]["Id"]
    yield pool_id
    cognito_idp.delete_user_pool(UserPoolId=pool_id)


@pytest.fixture
def app(amplify: Amplify, userpools_server: Any, cognito_idp: Any, pool: str) -> Iterator[Amplify]:
    """Amplify configured for a public app client of :func:`pool`; signed out afterwards."""
    client_id = cognito_idp.create_user_pool_client(
        UserPoolId=pool,
        ClientName="web",
        ExplicitAuthFlows=["ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
    )["UserPoolClient"]["ClientId"]
    amplify.done(
        "configure", endpoint=userpools_server.endpoint_url, userPoolId=pool, clientId=client_id
    )
    amplify.client_id = client_id
    yield amplify
    amplify.done("signOut", **{"global": False})


def attributes(cognito_idp: Any, pool: str, username: str) -> dict[str, str]:
    user = cognito_idp.admin_get_user(UserPoolId=pool, Username=username)
    return {a["Name"]: a["Value"] for a in user["UserAttributes"]}


def messages(userpools_server: Any, pool: str, to: str) -> list[dict[str, Any]]:
    """``GET /_userpools/messages`` for one destination, newest first."""
    query = urllib.parse.urlencode({"pool": pool, "to": to})
    url = f"{userpools_server.endpoint_url}/_userpools/messages?{query}"
    with urllib.request.urlopen(url, timeout=10) as response:
        found: list[dict[str, Any]] = json.loads(response.read())["messages"]
    return found


def delivered_code(userpools_server: Any, pool: str, username: str, email: str) -> str:
    """The code of the newest email to ``email``, checked to be a code for ``username``."""
    newest = messages(userpools_server, pool, email)[0]
    assert (newest["pool_id"], newest["username"]) == (pool, username)
    assert (newest["medium"], newest["destination"]) == ("EMAIL", email)
    assert newest["subject"] == "Your verification code"
    # AWS's default text, its trailing space included.
    found = re.fullmatch(r"Your verification code is (\d{6})\. ", newest["body"])
    assert found, newest["body"]
    return found.group(1)


def claims(userpools_server: Any, pool: str, token: str) -> dict[str, Any]:
    """The claims of a token whose signature and issuer check out against the pool's JWKS."""
    issuer = f"{userpools_server.endpoint_url}/{pool}"
    with urllib.request.urlopen(f"{issuer}/.well-known/jwks.json", timeout=10) as response:
        keys = KeySet.import_key_set(json.loads(response.read()))
    found: dict[str, Any] = jose_jwt.decode(token, keys, algorithms=["RS256"]).claims
    assert found["iss"] == issuer
    return found


def signed_in(app: Amplify, cognito_idp: Any, pool: str, username: str, email: str) -> None:
    """``username``, made by an admin with a verified email, signed in through Amplify."""
    cognito_idp.admin_create_user(
        UserPoolId=pool,
        Username=username,
        MessageAction="SUPPRESS",
        UserAttributes=[
            {"Name": "email", "Value": email},
            {"Name": "email_verified", "Value": "true"},
        ],
    )
    cognito_idp.admin_set_user_password(
        UserPoolId=pool, Username=username, Password=PASSWORD, Permanent=True
    )
    assert app.done("signIn", username=username, password=PASSWORD) == {
        "isSignedIn": True,
        "nextStep": {"signInStep": "DONE"},
    }


def test_sign_up_waits_for_confirmation(
    app: Amplify, userpools_server: Any, cognito_idp: Any, pool: str
) -> None:
    result = app.done("signUp", username="alice", password=PASSWORD, email="alice@example.com")

    assert result["isSignUpComplete"] is False
    assert result["nextStep"] == {
        "signUpStep": "CONFIRM_SIGN_UP",
        "codeDeliveryDetails": {
            "destination": "a***@e***",
            "deliveryMedium": "EMAIL",
            "attributeName": "email",
        },
    }
    user = cognito_idp.admin_get_user(UserPoolId=pool, Username="alice")
    assert user["UserStatus"] == "UNCONFIRMED"
    assert result["userId"] == attributes(cognito_idp, pool, "alice")["sub"]
    assert attributes(cognito_idp, pool, "alice")["email"] == "alice@example.com"
    sent = userpools_server.outbox(pool)
    assert [(m.username, m.medium, m.destination) for m in sent] == [
        ("alice", "EMAIL", "alice@example.com")
    ]
    # Amplify turns the server's UserNotConfirmedException into a next step.
    assert app.done("signIn", username="alice", password=PASSWORD) == {
        "isSignedIn": False,
        "nextStep": {"signInStep": "CONFIRM_SIGN_UP"},
    }


def test_confirm_sign_up_with_the_delivered_code_then_sign_in(
    app: Amplify, userpools_server: Any, cognito_idp: Any, pool: str
) -> None:
    app.done("signUp", username="alice", password=PASSWORD, email="alice@example.com")
    code = delivered_code(userpools_server, pool, "alice", "alice@example.com")

    confirmed = app.done("confirmSignUp", username="alice", code=code)

    assert confirmed == {"isSignUpComplete": True, "nextStep": {"signUpStep": "DONE"}}
    assert cognito_idp.admin_get_user(UserPoolId=pool, Username="alice")["UserStatus"] == (
        "CONFIRMED"
    )
    assert attributes(cognito_idp, pool, "alice")["email_verified"] == "true"
    signed = app.done("signIn", username="alice", password=PASSWORD)
    assert signed == {"isSignedIn": True, "nextStep": {"signInStep": "DONE"}}


def test_auto_sign_in_after_confirming_with_a_resent_code(
    app: Amplify, userpools_server: Any, cognito_idp: Any, pool: str
) -> None:
    app.done(
        "signUp", username="alice", password=PASSWORD, email="alice@example.com", autoSignIn=True
    )
    first = delivered_code(userpools_server, pool, "alice", "alice@example.com")

    resent = app.done("resendSignUpCode", username="alice")

    assert resent == {
        "destination": "a***@e***",
        "deliveryMedium": "EMAIL",
        "attributeName": "email",
    }
    assert len(messages(userpools_server, pool, "alice@example.com")) == 2
    code = delivered_code(userpools_server, pool, "alice", "alice@example.com")
    assert re.fullmatch(r"\d{6}", first) and re.fullmatch(r"\d{6}", code)
    confirmed = app.done("confirmSignUp", username="alice", code=code)
    assert confirmed == {
        "isSignUpComplete": True,
        "nextStep": {"signUpStep": "COMPLETE_AUTO_SIGN_IN"},
    }
    assert app.done("autoSignIn") == {"isSignedIn": True, "nextStep": {"signInStep": "DONE"}}
    tokens = app.done("session", forceRefresh=False)
    assert cognito_idp.get_user(AccessToken=tokens["accessToken"])["Username"] == "alice"
    assert cognito_idp.admin_get_user(UserPoolId=pool, Username="alice")["UserStatus"] == (
        "CONFIRMED"
    )


def test_sign_in_with_srp(app: Amplify, userpools_server: Any, cognito_idp: Any, pool: str) -> None:
    signed_in(app, cognito_idp, pool, "bob", "bob@example.com")

    user = app.done("currentUser")
    sub = attributes(cognito_idp, pool, "bob")["sub"]
    assert user == {
        "username": "bob",
        "userId": sub,
        "signInDetails": {"loginId": "bob", "authFlowType": "USER_SRP_AUTH"},
    }
    tokens = app.done("session", forceRefresh=False)
    access = claims(userpools_server, pool, tokens["accessToken"])
    assert (access["token_use"], access["username"], access["sub"]) == ("access", "bob", sub)
    assert access["client_id"] == app.client_id
    id_claims = claims(userpools_server, pool, tokens["idToken"])
    assert (id_claims["token_use"], id_claims["email"]) == ("id", "bob@example.com")
    assert cognito_idp.get_user(AccessToken=tokens["accessToken"])["Username"] == "bob"
    assert app.done("userAttributes") == {
        "sub": sub,
        "email": "bob@example.com",
        "email_verified": "true",
    }


def test_sign_in_with_a_wrong_password(app: Amplify, cognito_idp: Any, pool: str) -> None:
    signed_in(app, cognito_idp, pool, "bob", "bob@example.com")
    app.done("signOut", **{"global": False})

    refused = app.step("signIn", username="bob", password="Wrong-horse-1")

    assert refused == {
        "ok": False,
        "name": "NotAuthorizedException",
        "message": "Incorrect username or password.",
    }
    assert app.done("session", forceRefresh=False) is None


def test_forced_refresh_carries_new_groups(
    app: Amplify, userpools_server: Any, cognito_idp: Any, pool: str
) -> None:
    signed_in(app, cognito_idp, pool, "carol", "carol@example.com")
    before = app.done("session", forceRefresh=False)
    assert "cognito:groups" not in claims(userpools_server, pool, before["idToken"])
    cognito_idp.create_group(UserPoolId=pool, GroupName="editors")
    cognito_idp.admin_add_user_to_group(UserPoolId=pool, Username="carol", GroupName="editors")

    after = app.done("session", forceRefresh=True)

    assert after["accessToken"] != before["accessToken"]
    assert claims(userpools_server, pool, after["idToken"])["cognito:groups"] == ["editors"]
    assert claims(userpools_server, pool, after["accessToken"])["cognito:groups"] == ["editors"]
    listed = cognito_idp.admin_list_groups_for_user(UserPoolId=pool, Username="carol")
    assert [group["GroupName"] for group in listed["Groups"]] == ["editors"]
    assert cognito_idp.get_user(AccessToken=after["accessToken"])["Username"] == "carol"


def test_forced_refresh_rotates_the_refresh_token(
    app: Amplify, userpools_server: Any, cognito_idp: Any, pool: str
) -> None:
    cognito_idp.update_user_pool_client(
        UserPoolId=pool,
        ClientId=app.client_id,
        ExplicitAuthFlows=["ALLOW_USER_SRP_AUTH"],
        RefreshTokenRotation={"Feature": "ENABLED", "RetryGracePeriodSeconds": 0},
    )
    signed_in(app, cognito_idp, pool, "carol", "carol@example.com")
    first = app.done("session", forceRefresh=False)

    second = app.done("session", forceRefresh=True)
    third = app.done("session", forceRefresh=True)

    # Amplify keeps each new refresh token and refreshes with it; the one it replaced last is
    # refused as a reuse once its grace period (none here) is over.
    assert len({first["refreshToken"], second["refreshToken"], third["refreshToken"]}) == 3
    with pytest.raises(ClientError) as excinfo:
        cognito_idp.get_tokens_from_refresh_token(
            ClientId=app.client_id, RefreshToken=second["refreshToken"]
        )
    assert error_of(excinfo) == (
        "RefreshTokenReuseException",
        "Refresh Token has been rotated and is no longer valid",
    )
    assert cognito_idp.get_user(AccessToken=third["accessToken"])["Username"] == "carol"


def test_changed_email_is_confirmed_with_the_delivered_code(
    app: Amplify, userpools_server: Any, cognito_idp: Any, pool: str
) -> None:
    signed_in(app, cognito_idp, pool, "dave", "dave@example.com")

    updated = app.done("updateEmail", email="dave@example.org")

    assert updated == {
        "email": {
            "isUpdated": False,
            "nextStep": {
                "updateAttributeStep": "CONFIRM_ATTRIBUTE_WITH_CODE",
                "codeDeliveryDetails": {
                    "destination": "d***@e***",
                    "deliveryMedium": "EMAIL",
                    "attributeName": "email",
                },
            },
        }
    }
    changed = attributes(cognito_idp, pool, "dave")
    assert (changed["email"], changed["email_verified"]) == ("dave@example.org", "false")
    code = delivered_code(userpools_server, pool, "dave", "dave@example.org")
    wrong = "000000" if code != "000000" else "111111"
    assert app.step("confirmEmail", code=wrong) == {
        "ok": False,
        "name": "CodeMismatchException",
        "message": "Invalid verification code provided, please try again.",
    }
    assert attributes(cognito_idp, pool, "dave")["email_verified"] == "false"

    assert app.done("confirmEmail", code=code) is None

    now = attributes(cognito_idp, pool, "dave")
    assert (now["email"], now["email_verified"]) == ("dave@example.org", "true")


def test_email_that_must_be_verified_first_changes_when_confirmed(
    app: Amplify, userpools_server: Any, cognito_idp: Any, pool: str
) -> None:
    cognito_idp.update_user_pool(
        UserPoolId=pool,
        AutoVerifiedAttributes=["email"],
        UserAttributeUpdateSettings={"AttributesRequireVerificationBeforeUpdate": ["email"]},
    )
    signed_in(app, cognito_idp, pool, "dave", "dave@example.com")

    updated = app.done("updateEmail", email="dave@example.org")

    assert updated["email"]["nextStep"]["updateAttributeStep"] == "CONFIRM_ATTRIBUTE_WITH_CODE"
    kept = attributes(cognito_idp, pool, "dave")
    assert (kept["email"], kept["email_verified"]) == ("dave@example.com", "true")
    code = delivered_code(userpools_server, pool, "dave", "dave@example.org")

    assert app.done("confirmEmail", code=code) is None

    now = attributes(cognito_idp, pool, "dave")
    assert (now["email"], now["email_verified"]) == ("dave@example.org", "true")
    assert app.done("userAttributes")["email"] == "dave@example.org"


def test_global_sign_out_refuses_the_old_tokens(
    app: Amplify, userpools_server: Any, cognito_idp: Any, pool: str
) -> None:
    signed_in(app, cognito_idp, pool, "erin", "erin@example.com")
    tokens = app.done("session", forceRefresh=False)
    assert tokens["refreshToken"]

    assert app.done("signOut", **{"global": True}) is None

    assert app.done("session", forceRefresh=False) is None
    with pytest.raises(ClientError) as excinfo:
        cognito_idp.get_user(AccessToken=tokens["accessToken"])
    assert error_of(excinfo) == ("NotAuthorizedException", "Access Token has been revoked")
    with pytest.raises(ClientError) as excinfo:
        cognito_idp.initiate_auth(
            ClientId=app.client_id,
            AuthFlow="REFRESH_TOKEN_AUTH",
            AuthParameters={"REFRESH_TOKEN": tokens["refreshToken"]},
        )
    assert error_of(excinfo) == ("NotAuthorizedException", "Refresh Token has been revoked")


def test_sign_out_revokes_the_refresh_token(
    app: Amplify, userpools_server: Any, cognito_idp: Any, pool: str
) -> None:
    signed_in(app, cognito_idp, pool, "erin", "erin@example.com")
    tokens = app.done("session", forceRefresh=False)

    assert app.done("signOut", **{"global": False}) is None

    # Amplify revokes the session's refresh token (RevokeToken); the access token of that
    # session is refused with it.
    assert app.done("session", forceRefresh=False) is None
    with pytest.raises(ClientError) as excinfo:
        cognito_idp.initiate_auth(
            ClientId=app.client_id,
            AuthFlow="REFRESH_TOKEN_AUTH",
            AuthParameters={"REFRESH_TOKEN": tokens["refreshToken"]},
        )
    assert error_of(excinfo) == ("NotAuthorizedException", "Refresh Token has been revoked")
    with pytest.raises(ClientError) as excinfo:
        cognito_idp.get_user(AccessToken=tokens["accessToken"])
    assert error_of(excinfo) == ("NotAuthorizedException", "Access Token has been revoked")
