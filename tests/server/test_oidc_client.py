"""openid-client (npm), an independent certified OpenID Connect relying party, against
``userpools serve`` over TLS (``userpools dev-cert``'s CA trusted through
``NODE_EXTRA_CA_CERTS``): discovery, the authorization URL, the code exchange with PKCE (which
checks the ID token and its nonce) and userInfo. The user signs in through the managed login
page's HTML form, read and posted by a plain HTTPS client. Node and ``tests/js/node_modules``
are required: without them these tests fail (``make js-deps`` installs the library)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import urllib.parse
from pathlib import Path
from typing import Any

import boto3
import pytest
import requests

from .test_tls import TlsServer, certs, tls_server  # noqa: F401 (fixtures)

# The login form's reader is the HTTP tests' (tests/api/web_support.py).
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "api"))
from web_support import read_form

JS_DIR = Path(__file__).resolve().parents[1] / "js"
SCRIPT = JS_DIR / "oidc_code.mjs"
CALLBACK = "https://localhost:8443/callback"
PASSWORD = "Passw0rd!x"


def _node() -> str:
    node = shutil.which("node")
    if node is None:
        pytest.fail("Node.js (20+) is not on PATH")
    if not (JS_DIR / "node_modules" / "openid-client").is_dir():
        pytest.fail(f"{JS_DIR / 'node_modules'} is missing openid-client: run `make js-deps`")
    return node


def _api(server: TlsServer, ca: Path) -> Any:
    return boto3.client(
        "cognito-idp",
        endpoint_url=server.endpoint_url,
        region_name="us-east-1",
        aws_access_key_id="x",
        aws_secret_access_key="x",
        verify=str(ca),
    )


def test_openid_client_signs_in_with_code_and_pkce_over_tls(
    tls_server: Any,  # noqa: F811
    certs: Path,  # noqa: F811
) -> None:
    node = _node()
    server = tls_server()
    ca = certs / "ca.pem"
    api = _api(server, ca)
    pool_id = api.create_user_pool(PoolName="oidc")["UserPool"]["Id"]
    client_id = api.create_user_pool_client(
        UserPoolId=pool_id,
        ClientName="spa",
        AllowedOAuthFlows=["code"],
        AllowedOAuthScopes=["openid", "email"],
        AllowedOAuthFlowsUserPoolClient=True,
        CallbackURLs=[CALLBACK],
        SupportedIdentityProviders=["COGNITO"],
    )["UserPoolClient"]["ClientId"]
    api.admin_create_user(
        UserPoolId=pool_id,
        Username="ann",
        MessageAction="SUPPRESS",
        UserAttributes=[{"Name": "email", "Value": "ann@example.com"}],
    )
    api.admin_set_user_password(
        UserPoolId=pool_id, Username="ann", Password=PASSWORD, Permanent=True
    )
    issuer = f"{server.endpoint_url}/{pool_id}"
    relying_party = subprocess.Popen(
        [node, str(SCRIPT), issuer, client_id, CALLBACK],
        cwd=JS_DIR,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={"PATH": "/usr/bin:/bin", "NODE_EXTRA_CA_CERTS": str(ca)},
    )
    try:
        assert relying_party.stdout is not None and relying_party.stdin is not None
        first = relying_party.stdout.readline()
        assert first, relying_party.stderr.read() if relying_party.stderr else ""
        url = json.loads(first)["authorization_url"]
        assert url.startswith(f"{server.endpoint_url}/oauth2/authorize?")

        # The "browser": reads the login form, posts it back. ``verify`` on each request:
        # requests lets REQUESTS_CA_BUNDLE override a session's.
        browser = requests.Session()
        trust = str(ca)
        to_login = browser.get(url, allow_redirects=False, timeout=10, verify=trust)
        assert to_login.status_code == 302, to_login.text
        login_url = urllib.parse.urljoin(url, to_login.headers["location"])
        page = browser.get(login_url, timeout=10, verify=trust)
        assert page.status_code == 200
        cookie = page.headers["set-cookie"]
        assert "Secure" in cookie and "HttpOnly" in cookie  # over TLS
        form = read_form(page.text)
        answer = browser.post(
            urllib.parse.urljoin(url, form.action or ""),
            data={**form.fields, "username": "ann", "password": PASSWORD},
            allow_redirects=False,
            timeout=10,
            verify=trust,
        )
        assert answer.status_code == 302, answer.text
        callback = answer.headers["location"]
        assert callback.startswith(CALLBACK + "?code=")

        browser.close()
        out, err = relying_party.communicate(callback + "\n", timeout=60)
    finally:
        if relying_party.poll() is None:
            relying_party.kill()
            relying_party.communicate(timeout=10)
    assert relying_party.returncode == 0, err
    result = json.loads(out.strip().splitlines()[-1])
    assert result["claims"]["iss"] == issuer
    assert result["claims"]["aud"] == client_id
    assert result["claims"]["cognito:username"] == "ann"
    assert result["userinfo"]["email"] == "ann@example.com"
    assert result["userinfo"]["sub"] == result["claims"]["sub"]
