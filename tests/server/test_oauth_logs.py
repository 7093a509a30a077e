"""The OAuth endpoints of a real ``userpools serve --log-level debug`` never log a secret or
show one in an error: client secrets (right and wrong, by Basic and in the form), the
tokens they issue, refresh tokens (good, revoked, made up) and bearer tokens. Each request is
one access-log line naming its endpoint."""

from __future__ import annotations

import base64
import re
import secrets
import urllib.parse
from pathlib import Path

import requests

from .nodes import Nodes

ACCESS = re.compile(r"userpools\.access request_id=\S+ operation=(\S+) status=(\d{3})")
PASSWORD = "Passw0rd!x"


def test_oauth_endpoints_keep_secrets_out_of_logs_and_errors(tmp_path: Path) -> None:
    nodes = Nodes(tmp_path)
    try:
        node = nodes.start(db=tmp_path / "logs.db", extra=["--log-level", "debug"])
        api = node.client()
        base = node.endpoint_url
        pool_id = api.create_user_pool(PoolName="oauth-logs")["UserPool"]["Id"]
        api.create_resource_server(
            UserPoolId=pool_id,
            Identifier="orders",
            Name="Orders",
            Scopes=[{"ScopeName": "read", "ScopeDescription": "Read orders"}],
        )
        machine = api.create_user_pool_client(
            UserPoolId=pool_id,
            ClientName="machine",
            GenerateSecret=True,
            AllowedOAuthFlows=["client_credentials"],
            AllowedOAuthScopes=["orders/read"],
            AllowedOAuthFlowsUserPoolClient=True,
        )["UserPoolClient"]
        public = api.create_user_pool_client(
            UserPoolId=pool_id,
            ClientName="app",
            ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
        )["UserPoolClient"]["ClientId"]
        api.admin_create_user(UserPoolId=pool_id, Username="ann", MessageAction="SUPPRESS")
        api.admin_set_user_password(
            UserPoolId=pool_id, Username="ann", Password=PASSWORD, Permanent=True
        )
        signed_in = api.initiate_auth(
            ClientId=public,
            AuthFlow="USER_PASSWORD_AUTH",
            AuthParameters={"USERNAME": "ann", "PASSWORD": PASSWORD},
        )["AuthenticationResult"]

        client_id, secret = machine["ClientId"], machine["ClientSecret"]
        wrong = f"Wrong{secrets.token_hex(16)}"
        made_up = f"MadeUp{secrets.token_urlsafe(40)}"
        bearer = f"Bearer{secrets.token_urlsafe(40)}"
        answers: list[requests.Response] = []

        def post(path: str, form: dict[str, str], basic: tuple[str, str] | None = None) -> None:
            headers = {"content-type": "application/x-www-form-urlencoded"}
            if basic:
                pair = f"{basic[0]}:{basic[1]}".encode()
                headers["authorization"] = "Basic " + base64.b64encode(pair).decode()
            body = urllib.parse.urlencode(form)
            answers.append(requests.post(base + path, data=body, headers=headers, timeout=10))

        cc = {"grant_type": "client_credentials"}
        post("/oauth2/token", cc, (client_id, secret))
        post("/oauth2/token", cc, (client_id, wrong))
        post("/oauth2/token", {**cc, "client_id": client_id, "client_secret": wrong})
        post("/oauth2/token", {**cc, "client_id": client_id, "client_secret": secret})
        refresh = {"grant_type": "refresh_token", "client_id": public}
        post("/oauth2/token", {**refresh, "refresh_token": signed_in["RefreshToken"]})
        post("/oauth2/token", {**refresh, "refresh_token": made_up})
        post("/oauth2/revoke", {"token": signed_in["RefreshToken"], "client_id": public})
        post("/oauth2/token", {**refresh, "refresh_token": signed_in["RefreshToken"]})
        post("/oauth2/revoke", {"token": made_up}, (client_id, wrong))
        for token in (signed_in["AccessToken"], bearer):
            answers.append(
                requests.get(
                    f"{base}/oauth2/userInfo",
                    headers={"authorization": f"Bearer {token}"},
                    timeout=10,
                )
            )
    finally:
        nodes.stop_all()

    statuses = [a.status_code for a in answers]
    assert statuses == [200, 401, 400, 200, 200, 400, 200, 400, 401, 401, 401]
    issued = [a.json()[k] for a in answers if a.status_code == 200 and a.content for k in a.json()]
    secrets_seen = [
        secret,
        wrong,
        made_up,
        bearer,
        signed_in["RefreshToken"],
        signed_in["AccessToken"],
        *[value for value in issued if isinstance(value, str) and len(value) > 20],
    ]
    output = node.output()
    errors = "\n".join(a.text for a in answers if a.status_code >= 400)
    errors += "\n".join(str(a.headers) for a in answers)
    for value in secrets_seen:
        for text, where in ((output, "log"), (errors, "error answer")):
            assert value not in text, where
            assert value[:24] not in text, where
    logged = ACCESS.findall(output)
    oauth = [(op, int(status)) for op, status in logged if op.startswith("oauth2/")]
    ops = ["oauth2/token"] * 6 + ["oauth2/revoke", "oauth2/token", "oauth2/revoke"]
    assert oauth == list(zip([*ops, "oauth2/userInfo", "oauth2/userInfo"], statuses, strict=True))
