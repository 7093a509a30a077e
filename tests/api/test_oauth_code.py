"""The authorization-code flow with PKCE, driven by Authlib's OAuth 2.0 client (an independent
implementation) through the managed login page's HTML form with a plain HTTP client; then
refresh, userInfo and revocation. The tokens are checked by PyJWT against the pool's JWKS."""

from __future__ import annotations

import base64
import hashlib
import secrets
from typing import Any

import pytest
from authlib.integrations.requests_client import OAuth2Session  # type: ignore[import-untyped]
from web_support import (
    CALLBACK,
    READ,
    Browser,
    WebPool,
    fragment_of,
    query_of,
)

from userpools.testing import RunningServer


@pytest.fixture
def pool(userpools_server: RunningServer, cognito_idp: Any, user_pool_id: str) -> WebPool:
    web = WebPool(userpools_server, cognito_idp, user_pool_id)
    web.user()
    return web


def at_hash(token: str) -> str:
    half = hashlib.sha256(token.encode()).digest()[:16]
    return base64.urlsafe_b64encode(half).rstrip(b"=").decode()


@pytest.mark.parametrize("confidential", [False, True], ids=["public", "confidential"])
def test_code_with_pkce_then_refresh_userinfo_and_revoke(pool: WebPool, confidential: bool) -> None:
    client_id, secret = pool.client(secret=confidential)
    session = OAuth2Session(
        client_id,
        secret,
        scope="openid email orders/read",
        redirect_uri=CALLBACK,
        code_challenge_method="S256",
        token_endpoint_auth_method="client_secret_basic" if confidential else "none",
    )
    verifier = secrets.token_urlsafe(48)
    nonce = secrets.token_urlsafe(16)
    url, state = session.create_authorization_url(
        pool.authorize_url, code_verifier=verifier, nonce=nonce
    )
    answer = Browser().sign_in(pool.base, url)
    assert answer.status_code == 302, answer.text
    location = answer.headers["location"]
    assert location.startswith(CALLBACK + "?")
    assert query_of(location)["state"] == state

    token = session.fetch_token(
        pool.token_url, authorization_response=location, code_verifier=verifier
    )
    assert token["token_type"] == "Bearer" and token["expires_in"] == 3600
    access = pool.verify(token["access_token"])
    assert access["scope"] == "openid email orders/read"
    assert access["username"] == "ann" and access["client_id"] == client_id
    identity = pool.verify(token["id_token"], audience=client_id)
    assert identity["nonce"] == nonce
    assert identity["at_hash"] == at_hash(token["access_token"])
    assert identity["email"] == "ann@example.com" and identity["cognito:username"] == "ann"
    assert identity["auth_time"] == access["auth_time"]

    info = session.get(pool.userinfo_url).json()
    assert info["username"] == "ann" and info["email"] == "ann@example.com"
    assert info["email_verified"] == "true"

    refreshed = session.refresh_token(pool.token_url, refresh_token=token["refresh_token"])
    again = pool.verify(refreshed["access_token"])
    assert again["scope"] == "openid email orders/read"  # the grant's scopes, not the API's
    assert "nonce" not in pool.verify(refreshed["id_token"], audience=client_id)
    assert session.get(pool.userinfo_url).status_code == 200

    revoked = session.revoke_token(
        pool.revoke_url, token["refresh_token"], token_type_hint="refresh_token"
    )
    assert revoked.status_code == 200
    assert session.get(pool.userinfo_url).status_code == 401  # its tokens died with it


def test_no_openid_no_id_token_and_no_userinfo(pool: WebPool) -> None:
    client_id, _ = pool.client()
    session = OAuth2Session(
        client_id,
        scope=READ,
        redirect_uri=CALLBACK,
        code_challenge_method="S256",
        token_endpoint_auth_method="none",
    )
    verifier = secrets.token_urlsafe(48)
    url, _state = session.create_authorization_url(pool.authorize_url, code_verifier=verifier)
    location = Browser().sign_in(pool.base, url).headers["location"]
    token = session.fetch_token(
        pool.token_url, authorization_response=location, code_verifier=verifier
    )
    assert "id_token" not in token
    assert pool.verify(token["access_token"])["scope"] == READ
    assert session.get(pool.userinfo_url).status_code == 401


def test_without_scope_the_grant_has_every_scope_of_the_client(pool: WebPool) -> None:
    client_id, _ = pool.client()
    browser = Browser()
    answer = browser.sign_in(
        pool.base,
        f"{pool.authorize_url}?response_type=code&client_id={client_id}&redirect_uri={CALLBACK}",
    )
    code = query_of(answer.headers["location"])["code"]
    assert "state" not in query_of(answer.headers["location"])
    token = browser.http.post(
        pool.token_url,
        data={
            "grant_type": "authorization_code",
            "client_id": client_id,
            "code": code,
            "redirect_uri": CALLBACK,
        },
        timeout=10,
    ).json()
    assert pool.verify(token["access_token"])["scope"] == "openid email profile orders/read"


def test_implicit_grant_puts_the_tokens_in_the_fragment(pool: WebPool) -> None:
    client_id, _ = pool.client(AllowedOAuthFlows=["implicit"])
    session = OAuth2Session(client_id, scope="openid email", redirect_uri=CALLBACK)
    url, state = session.create_authorization_url(
        pool.authorize_url, response_type="token", nonce="n-1"
    )
    answer = Browser().sign_in(pool.base, url)
    location = answer.headers["location"]
    assert location.startswith(CALLBACK + "#")
    values = fragment_of(location)
    assert values["state"] == state and values["token_type"] == "bearer"
    assert "refresh_token" not in values and "code" not in values
    identity = pool.verify(values["id_token"], audience=client_id)
    assert identity["nonce"] == "n-1"
    assert identity["at_hash"] == at_hash(values["access_token"])
    assert pool.verify(values["access_token"])["scope"] == "openid email"
