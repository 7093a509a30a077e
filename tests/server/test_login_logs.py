"""The browser's flow on a real ``userpools serve --log-level debug`` never logs a secret: the
passwords typed on the login page (right and wrong), the CSRF token, the session cookie, the
authorization code, the PKCE verifier and the tokens. Each request is one access-log line
naming its endpoint."""

from __future__ import annotations

import re
import secrets
import sys
import urllib.parse
from pathlib import Path

import requests

from .nodes import Nodes

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "api"))
from web_support import pkce_pair, read_form  # the HTTP tests' helpers

ACCESS = re.compile(r"userpools\.access request_id=\S+ operation=(\S+) status=(\d{3})")
PASSWORD = "Passw0rd!x"
CALLBACK = "http://localhost:8000/callback"


def test_the_browsers_flow_keeps_secrets_out_of_logs(tmp_path: Path) -> None:
    nodes = Nodes(tmp_path)
    wrong = f"Wrong{secrets.token_hex(12)}"
    seen: list[str] = [PASSWORD, wrong]
    try:
        node = nodes.start(db=tmp_path / "logs.db", extra=["--log-level", "debug"])
        api = node.client()
        base = node.endpoint_url
        pool_id = api.create_user_pool(PoolName="login-logs")["UserPool"]["Id"]
        client_id = api.create_user_pool_client(
            UserPoolId=pool_id,
            ClientName="web",
            AllowedOAuthFlows=["code"],
            AllowedOAuthScopes=["openid"],
            AllowedOAuthFlowsUserPoolClient=True,
            CallbackURLs=[CALLBACK],
            SupportedIdentityProviders=["COGNITO"],
        )["UserPoolClient"]["ClientId"]
        api.admin_create_user(UserPoolId=pool_id, Username="ann", MessageAction="SUPPRESS")
        api.admin_set_user_password(
            UserPoolId=pool_id, Username="ann", Password=PASSWORD, Permanent=True
        )
        verifier, challenge = pkce_pair()
        seen.append(verifier)
        query = urllib.parse.urlencode(
            {
                "response_type": "code",
                "client_id": client_id,
                "redirect_uri": CALLBACK,
                "code_challenge": challenge,
                "code_challenge_method": "S256",
            }
        )
        with requests.Session() as browser:
            first = browser.get(f"{base}/oauth2/authorize?{query}", allow_redirects=False)
            page = browser.get(base + first.headers["location"], allow_redirects=False)
            seen.append(page.cookies["userpools-login"])
            form = read_form(page.text)
            seen.append(form.fields["csrf"])
            action = base + (form.action or "")
            refused = browser.post(
                action, data={**form.fields, "username": "ann", "password": wrong}
            )
            assert refused.status_code == 400
            form = read_form(refused.text)
            seen.append(form.fields["csrf"])
            answer = browser.post(
                action,
                data={**form.fields, "username": "ann", "password": PASSWORD},
                allow_redirects=False,
            )
            assert answer.status_code == 302
            code = urllib.parse.parse_qs(urllib.parse.urlsplit(answer.headers["location"]).query)
            seen.append(code["code"][0])
            seen.append(answer.cookies["userpools-login"])
            tokens = requests.post(
                f"{base}/oauth2/token",
                data={
                    "grant_type": "authorization_code",
                    "client_id": client_id,
                    "code": code["code"][0],
                    "redirect_uri": CALLBACK,
                    "code_verifier": verifier,
                },
                timeout=10,
            ).json()
            seen += [tokens["id_token"], tokens["access_token"], tokens["refresh_token"]]
    finally:
        nodes.stop_all()
    output = node.output()
    for value in seen:
        assert value not in output
        assert value[:16] not in output
    logged = [(op, int(status)) for op, status in ACCESS.findall(output)]
    browser_ops = [entry for entry in logged if not entry[0][0].isupper()]
    assert browser_ops == [
        ("oauth2/authorize", 302),
        ("login", 200),
        ("login", 400),
        ("login", 302),
        ("oauth2/token", 200),
    ]
