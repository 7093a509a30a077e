"""A pool set up for the browser's OAuth 2.0 flow, and a plain HTTP "browser" that reads the
managed login page's form and posts it back (CSRF token included), for the tests of
``/oauth2/authorize``, ``/login``, ``/logout`` and the authorization-code grant."""

from __future__ import annotations

import base64
import hashlib
import re
import secrets
import time
import urllib.parse
from html.parser import HTMLParser
from typing import Any

import jwt
import pytest
import requests

from userpools.testing import RunningServer

PASSWORD = "Passw0rd!x"
CALLBACK = "http://localhost:8000/callback"
LOGOUT = "http://localhost:8000/signed-out"
READ = "orders/read"


@pytest.fixture
def frozen(clock: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    """The clocked server's clock, stopped 5 s into a TOTP step: it moves only by
    ``advance``, so the codes pyotp computes at ``frozen()`` are the server's."""
    moment = (time.time() // 30) * 30 + 5
    monkeypatch.setattr(type(clock), "__call__", lambda self: moment + self.offset)
    return clock


class FormReader(HTMLParser):
    """The first form of a page: its action and its inputs' names and values."""

    def __init__(self) -> None:
        super().__init__()
        self.action: str | None = None
        self.fields: dict[str, str] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        named = dict(attrs)
        if tag == "form" and self.action is None:
            self.action = named.get("action") or ""
        if tag == "input" and named.get("name"):
            self.fields[str(named["name"])] = named.get("value") or ""


def read_form(page: str) -> FormReader:
    reader = FormReader()
    reader.feed(page)
    assert reader.action is not None, page
    return reader


def pkce_pair() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(48)
    digest = hashlib.sha256(verifier.encode()).digest()
    return verifier, base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


class WebPool:
    """A pool with a resource server ``orders`` and a user ``ann``; its endpoints."""

    def __init__(self, server: RunningServer, api: Any, pool_id: str) -> None:
        self.server = server
        self.api = api
        self.pool_id = pool_id
        self.base = server.endpoint_url
        self.authorize_url = f"{self.base}/oauth2/authorize"
        self.token_url = f"{self.base}/oauth2/token"
        self.userinfo_url = f"{self.base}/oauth2/userInfo"
        self.revoke_url = f"{self.base}/oauth2/revoke"
        api.create_resource_server(
            UserPoolId=pool_id,
            Identifier="orders",
            Name="Orders",
            Scopes=[{"ScopeName": "read", "ScopeDescription": "Read orders"}],
        )

    def client(self, secret: bool = False, **extra: Any) -> tuple[str, str | None]:
        """An app client of the code flow (``openid email profile orders/read``)."""
        config = {
            "AllowedOAuthFlows": ["code"],
            "AllowedOAuthScopes": ["openid", "email", "profile", READ],
            "AllowedOAuthFlowsUserPoolClient": True,
            "CallbackURLs": [CALLBACK],
            "LogoutURLs": [LOGOUT],
            "SupportedIdentityProviders": ["COGNITO"],
        }
        created = self.api.create_user_pool_client(
            UserPoolId=self.pool_id, ClientName="web", GenerateSecret=secret, **{**config, **extra}
        )["UserPoolClient"]
        return created["ClientId"], created.get("ClientSecret")

    def user(self, username: str = "ann", permanent: bool = True) -> None:
        self.api.admin_create_user(
            UserPoolId=self.pool_id,
            Username=username,
            MessageAction="SUPPRESS",
            TemporaryPassword=PASSWORD,
            UserAttributes=[
                {"Name": "email", "Value": f"{username}@example.com"},
                {"Name": "email_verified", "Value": "true"},
            ],
        )
        if permanent:
            self.api.admin_set_user_password(
                UserPoolId=self.pool_id, Username=username, Password=PASSWORD, Permanent=True
            )

    def delivered_code(self, email: str) -> str:
        """The code of the newest message to ``email`` (``GET /_userpools/messages``)."""
        query = urllib.parse.urlencode({"pool": self.pool_id, "to": email})
        found = requests.get(f"{self.base}/_userpools/messages?{query}", timeout=10).json()
        code = re.search(r"\b(\d{6})\b", found["messages"][0]["body"])
        assert code, found
        return code.group(1)

    def verify(self, token: str, audience: str | None = None) -> dict[str, Any]:
        keys = jwt.PyJWKClient(f"{self.base}/{self.pool_id}/.well-known/jwks.json")
        key = keys.get_signing_key_from_jwt(token)
        claims: dict[str, Any] = jwt.decode(
            token,
            key.key,
            algorithms=["RS256"],
            issuer=f"{self.base}/{self.pool_id}",
            audience=audience,
            options={"verify_aud": audience is not None},
        )
        return claims


class Browser:
    """requests with a cookie jar, following no redirect on its own."""

    def __init__(self) -> None:
        self.http = requests.Session()

    def get(self, url: str, **params: str) -> requests.Response:
        return self.http.get(url, params=params or None, allow_redirects=False, timeout=10)

    def post_form(self, base: str, form: FormReader, **fields: str) -> requests.Response:
        url = urllib.parse.urljoin(base, form.action or "")
        body = {**form.fields, **fields}
        return self.http.post(url, data=body, allow_redirects=False, timeout=10)

    def sign_in(
        self, base: str, authorize_url: str, username: str = "ann", password: str = PASSWORD
    ) -> requests.Response:
        """Open the authorization URL, follow it to the login page, sign in: the answer to
        the form (a redirect to the app, or a page)."""
        first = self.get(authorize_url)
        assert first.status_code == 302, first.text
        page = self.get(urllib.parse.urljoin(base, first.headers["location"]))
        assert page.status_code == 200, page.text
        form = read_form(page.text)
        return self.post_form(base, form, username=username, password=password)


def query_of(location: str) -> dict[str, str]:
    return dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(location).query))


def fragment_of(location: str) -> dict[str, str]:
    return dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(location).fragment))
