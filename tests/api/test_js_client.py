"""Sign-in with the real ``amazon-cognito-identity-js``, run by Node, against the server.

The library does USER_SRP_AUTH, answers PASSWORD_VERIFIER and refreshes with
REFRESH_TOKEN_AUTH (``tests/js/srp_sign_in.mjs``); its tokens are checked here against the
pool's JWKS with an independent JOSE library. Node and ``tests/js/node_modules`` are required:
without them these tests fail (never skip), and ``make js-deps`` installs the library.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from joserfc import jwt as jose_jwt
from joserfc.jwk import KeySet

JS_DIR = Path(__file__).resolve().parents[1] / "js"
SCRIPT = JS_DIR / "srp_sign_in.mjs"
PASSWORD = "Correct-horse-1"
ROLE = "arn:aws:iam::123456789012:role/editors"

SignIn = Callable[..., dict[str, Any]]


@pytest.fixture(scope="session")
def node() -> str:
    """The ``node`` executable, with the library installed next to the script."""
    executable = shutil.which("node")
    if executable is None:
        pytest.fail("Node.js (20+) is not on PATH: install it, then run `make js-deps`")
    if not (JS_DIR / "node_modules" / "amazon-cognito-identity-js").is_dir():
        pytest.fail(f"{JS_DIR / 'node_modules'} is missing: run `make js-deps`")
    return executable


@pytest.fixture
def sign_in(node: str, userpools_server: Any, user_pool_id: str) -> SignIn:
    """Runs the script for one user of the test's pool; returns its JSON answer."""

    def run(client_id: str, username: str, password: str = PASSWORD) -> dict[str, Any]:
        request = {
            "endpoint": userpools_server.endpoint_url,
            "userPoolId": user_pool_id,
            "clientId": client_id,
            "username": username,
            "password": password,
        }
        done = subprocess.run(
            [node, str(SCRIPT)],
            input=json.dumps(request),
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert done.returncode == 0 and done.stdout.strip(), (
            f"node exited {done.returncode}\nstdout: {done.stdout}\nstderr: {done.stderr}"
        )
        answer: dict[str, Any] = json.loads(done.stdout)
        return answer

    return run


def make_client(cognito_idp: Any, pool_id: str) -> str:
    client_id: str = cognito_idp.create_user_pool_client(
        UserPoolId=pool_id,
        ClientName="js",
        ExplicitAuthFlows=["ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
    )["UserPoolClient"]["ClientId"]
    return client_id


def make_user(cognito_idp: Any, pool_id: str, username: str) -> None:
    cognito_idp.admin_create_user(UserPoolId=pool_id, Username=username, MessageAction="SUPPRESS")
    cognito_idp.admin_set_user_password(
        UserPoolId=pool_id, Username=username, Password=PASSWORD, Permanent=True
    )


def verified_claims(userpools_server: Any, pool_id: str, token: str) -> dict[str, Any]:
    """The claims of a token whose signature, issuer and expiry check out against the JWKS."""
    issuer = f"{userpools_server.endpoint_url}/{pool_id}"
    with urllib.request.urlopen(f"{issuer}/.well-known/jwks.json", timeout=10) as response:
        keys = KeySet.import_key_set(json.loads(response.read()))
    claims: dict[str, Any] = jose_jwt.decode(token, keys, algorithms=["RS256"]).claims
    assert claims["iss"] == issuer
    assert claims["exp"] - claims["iat"] == 3600  # the client's default lifetime
    return claims


def test_srp_sign_in_and_refresh(
    cognito_idp: Any, userpools_server: Any, user_pool_id: str, sign_in: SignIn
) -> None:
    client_id = make_client(cognito_idp, user_pool_id)
    make_user(cognito_idp, user_pool_id, "alice")

    answer = sign_in(client_id, "alice")

    assert answer["ok"] is True, answer
    access = verified_claims(userpools_server, user_pool_id, answer["accessToken"])
    assert access["username"] == "alice"
    assert access["token_use"] == "access"
    assert access["client_id"] == client_id
    id_claims = verified_claims(userpools_server, user_pool_id, answer["idToken"])
    assert id_claims["cognito:username"] == "alice"
    assert id_claims["token_use"] == "id"
    assert id_claims["aud"] == client_id
    assert id_claims["sub"] == access["sub"]
    assert answer["refreshToken"]
    refreshed = answer["refreshedAccessToken"]
    assert refreshed and refreshed != answer["accessToken"]
    again = verified_claims(userpools_server, user_pool_id, refreshed)
    assert (again["username"], again["token_use"], again["client_id"]) == (
        "alice",
        "access",
        client_id,
    )


def test_srp_sign_in_with_a_wrong_password(
    cognito_idp: Any, user_pool_id: str, sign_in: SignIn
) -> None:
    client_id = make_client(cognito_idp, user_pool_id)
    make_user(cognito_idp, user_pool_id, "bob")

    answer = sign_in(client_id, "bob", password="Wrong-horse-1")

    assert answer["ok"] is False, answer
    assert (answer["stage"], answer["code"]) == ("authenticate", "NotAuthorizedException")


def test_srp_sign_in_carries_groups_and_preferred_role(
    cognito_idp: Any, userpools_server: Any, user_pool_id: str, sign_in: SignIn
) -> None:
    client_id = make_client(cognito_idp, user_pool_id)
    make_user(cognito_idp, user_pool_id, "carol")
    cognito_idp.create_group(
        UserPoolId=user_pool_id, GroupName="editors", Precedence=1, RoleArn=ROLE
    )
    cognito_idp.admin_add_user_to_group(
        UserPoolId=user_pool_id, Username="carol", GroupName="editors"
    )

    answer = sign_in(client_id, "carol")

    assert answer["ok"] is True, answer
    id_claims = verified_claims(userpools_server, user_pool_id, answer["idToken"])
    assert id_claims["cognito:groups"] == ["editors"]
    assert id_claims["cognito:preferred_role"] == ROLE
    access = verified_claims(userpools_server, user_pool_id, answer["accessToken"])
    assert access["cognito:groups"] == ["editors"]
