"""Each refusal of the browser's OAuth 2.0 flow with its exact error: at the authorization
endpoint (a page when the app cannot be told, else ``error`` on the redirect URI), and at the
token endpoint for the authorization-code grant (RFC 6749 §5.2)."""

from __future__ import annotations

import secrets
import urllib.parse
from typing import Any

import pytest
import requests
from web_support import (
    CALLBACK,
    PASSWORD,
    READ,
    Browser,
    WebPool,
    fragment_of,
    pkce_pair,
    query_of,
)

from userpools.testing import RunningServer


@pytest.fixture
def pool(userpools_server: RunningServer, cognito_idp: Any, user_pool_id: str) -> WebPool:
    web = WebPool(userpools_server, cognito_idp, user_pool_id)
    web.user()
    return web


def authorize(pool: WebPool, **params: str) -> requests.Response:
    return Browser().get(pool.authorize_url, **params)


def shown(response: requests.Response, error: str) -> None:
    """Refused on a page: no redirect, the error named, escaped."""
    assert response.status_code == 400, response.text
    assert "location" not in response.headers
    assert response.headers["content-type"].startswith("text/html")
    assert f"<code>{error}</code>" in response.text


def sent_back(
    response: requests.Response, error: str, state: str | None = "s-1", fragment: bool = False
) -> None:
    """Refused to the app: in the query, or the fragment for ``response_type=token``."""
    assert response.status_code == 302, response.text
    location = response.headers["location"]
    assert location.startswith(CALLBACK + ("#" if fragment else "?"))
    values = fragment_of(location) if fragment else query_of(location)
    assert values["error"] == error
    assert values.get("state") == state


def base(client_id: str, **extra: str) -> dict[str, str]:
    return {
        "response_type": "code",
        "client_id": client_id,
        "redirect_uri": CALLBACK,
        "state": "s-1",
        **extra,
    }


def test_a_wrong_redirect_uri_is_shown_not_followed(pool: WebPool) -> None:
    client_id, _ = pool.client()
    for uri in (
        "http://localhost:8000/callback/",
        "http://localhost:8000/Callback",
        "https://evil.example/callback",
    ):
        shown(authorize(pool, **base(client_id, redirect_uri=uri)), "redirect_mismatch")
    params = base(client_id)
    del params["redirect_uri"]
    shown(authorize(pool, **params), "redirect_mismatch")


def test_an_unknown_client_is_shown(pool: WebPool) -> None:
    shown(authorize(pool, **base("nosuchclient0000000000000a")), "invalid_client")
    params = base("x")
    del params["client_id"]
    shown(authorize(pool, **params), "invalid_client")


def test_a_parameter_given_twice_is_shown(pool: WebPool) -> None:
    client_id, _ = pool.client()
    query = urllib.parse.urlencode(base(client_id)) + "&state=again"
    response = requests.get(f"{pool.authorize_url}?{query}", allow_redirects=False, timeout=10)
    shown(response, "invalid_request")


@pytest.mark.parametrize(
    ("extra", "error"),
    [
        ({"response_type": "id_token"}, "unsupported_response_type"),
        ({"response_type": ""}, "invalid_request"),
        ({"response_type": "token"}, "unauthorized_client"),  # the client allows code only
        ({"scope": "openid phone"}, "invalid_scope"),  # phone is not the client's
        ({"scope": "orders/write"}, "invalid_scope"),  # no such scope
        ({"scope": "email orders/read"}, "invalid_scope"),  # email without openid
        ({"code_challenge": "a" * 43, "code_challenge_method": "plain"}, "invalid_request"),
        ({"code_challenge": "a" * 43}, "invalid_request"),  # no method
        ({"code_challenge": "short", "code_challenge_method": "S256"}, "invalid_request"),
        ({"identity_provider": "Google"}, "invalid_request"),
        ({"prompt": "consent"}, "invalid_request"),
        ({"prompt": "none"}, "login_required"),  # no session
    ],
)
def test_refusals_go_back_to_the_redirect_uri(
    pool: WebPool, extra: dict[str, str], error: str
) -> None:
    client_id, _ = pool.client()
    fragment = extra.get("response_type") == "token"
    sent_back(authorize(pool, **base(client_id, **extra)), error, fragment=fragment)


def test_a_client_without_oauth_is_unauthorized(pool: WebPool) -> None:
    client_id, _ = pool.client(AllowedOAuthFlowsUserPoolClient=False)
    sent_back(authorize(pool, **base(client_id)), "unauthorized_client")


def test_a_deleted_resource_servers_scope_is_invalid(pool: WebPool) -> None:
    client_id, _ = pool.client()
    pool.api.delete_resource_server(UserPoolId=pool.pool_id, Identifier="orders")
    sent_back(authorize(pool, **base(client_id, scope=READ)), "invalid_scope")


def code_for(pool: WebPool, client_id: str, challenge: str | None = None) -> str:
    extra = {"code_challenge": challenge, "code_challenge_method": "S256"} if challenge else {}
    query = urllib.parse.urlencode(base(client_id, **extra))
    answer = Browser().sign_in(pool.base, f"{pool.authorize_url}?{query}")
    assert answer.status_code == 302, answer.text
    return query_of(answer.headers["location"])["code"]


def exchange(pool: WebPool, form: dict[str, str], auth: Any = None) -> requests.Response:
    return requests.post(
        pool.token_url, data={"grant_type": "authorization_code", **form}, auth=auth, timeout=10
    )


def refused(response: requests.Response, error: str, status: int = 400) -> None:
    assert response.status_code == status, response.text
    assert response.json() == {"error": error}


def test_pkce_refusals(pool: WebPool) -> None:
    client_id, _ = pool.client()
    verifier, challenge = pkce_pair()
    form = {"client_id": client_id, "redirect_uri": CALLBACK}
    # No verifier, then a wrong one: each uses the code up.
    code = code_for(pool, client_id, challenge)
    refused(exchange(pool, {**form, "code": code}), "invalid_grant")
    refused(exchange(pool, {**form, "code": code, "code_verifier": verifier}), "invalid_grant")
    code = code_for(pool, client_id, challenge)
    other, _ = pkce_pair()
    refused(exchange(pool, {**form, "code": code, "code_verifier": other}), "invalid_grant")
    # A verifier for a code that had no challenge.
    code = code_for(pool, client_id)
    refused(exchange(pool, {**form, "code": code, "code_verifier": verifier}), "invalid_grant")
    # The right one works.
    code = code_for(pool, client_id, challenge)
    assert exchange(pool, {**form, "code": code, "code_verifier": verifier}).status_code == 200


def test_a_code_works_once(pool: WebPool) -> None:
    client_id, _ = pool.client()
    form = {"client_id": client_id, "redirect_uri": CALLBACK, "code": code_for(pool, client_id)}
    assert exchange(pool, form).status_code == 200
    refused(exchange(pool, form), "invalid_grant")


def test_a_code_is_bound_to_its_redirect_uri_and_client(pool: WebPool) -> None:
    client_id, _ = pool.client()
    other_id, _ = pool.client()
    code = code_for(pool, client_id)
    refused(
        exchange(pool, {"client_id": other_id, "redirect_uri": CALLBACK, "code": code}),
        "invalid_grant",
    )
    code = code_for(pool, client_id)
    refused(exchange(pool, {"client_id": client_id, "code": code}), "invalid_grant")
    code = code_for(pool, client_id)
    wrong = {"client_id": client_id, "redirect_uri": CALLBACK + "/x", "code": code}
    refused(exchange(pool, wrong), "invalid_grant")
    refused(exchange(pool, {"client_id": client_id, "redirect_uri": CALLBACK}), "invalid_request")
    refused(exchange(pool, {"client_id": client_id, "code": "nonsense"}), "invalid_grant")


def test_a_confidential_client_must_authenticate(pool: WebPool) -> None:
    client_id, secret = pool.client(secret=True)
    assert secret is not None
    code = code_for(pool, client_id)
    form = {"redirect_uri": CALLBACK, "code": code}
    refused(exchange(pool, form, auth=(client_id, secret + "x")), "invalid_client", 401)
    refused(exchange(pool, {**form, "client_id": client_id}), "invalid_client")
    assert exchange(pool, form, auth=(client_id, secret)).status_code == 200


def test_a_client_that_lost_the_code_flow_is_unauthorized(pool: WebPool) -> None:
    client_id, _ = pool.client()
    code = code_for(pool, client_id)
    pool.api.update_user_pool_client(
        UserPoolId=pool.pool_id,
        ClientId=client_id,
        AllowedOAuthFlows=["implicit"],
        AllowedOAuthScopes=["openid"],
        AllowedOAuthFlowsUserPoolClient=True,
        CallbackURLs=[CALLBACK],
        SupportedIdentityProviders=["COGNITO"],
    )
    form = {"client_id": client_id, "redirect_uri": CALLBACK, "code": code}
    refused(exchange(pool, form), "unauthorized_client")


def test_a_disabled_user_gets_no_tokens_for_a_code(pool: WebPool) -> None:
    client_id, _ = pool.client()
    code = code_for(pool, client_id)
    pool.api.admin_disable_user(UserPoolId=pool.pool_id, Username="ann")
    form = {"client_id": client_id, "redirect_uri": CALLBACK, "code": code}
    refused(exchange(pool, form), "invalid_grant")


def test_a_code_expires_after_five_minutes(clocked_server: RunningServer, clock: Any) -> None:
    api = clocked_server.client()
    pool_id = api.create_user_pool(PoolName="clocked")["UserPool"]["Id"]
    pool = WebPool(clocked_server, api, pool_id)
    pool.user()
    client_id, _ = pool.client()
    form = {"client_id": client_id, "redirect_uri": CALLBACK}
    code = code_for(pool, client_id)
    clock.advance(299)
    assert exchange(pool, {**form, "code": code}).status_code == 200
    code = code_for(pool, client_id)
    clock.advance(301)
    refused(exchange(pool, {**form, "code": code}), "invalid_grant")


def test_wrong_password_is_shown_on_the_page(pool: WebPool) -> None:
    client_id, _ = pool.client()
    query = urllib.parse.urlencode(base(client_id))
    answer = Browser().sign_in(pool.base, f"{pool.authorize_url}?{query}", password=PASSWORD + "x")
    assert answer.status_code == 400
    assert "Incorrect username or password." in answer.text
    assert "location" not in answer.headers


def test_on_a_domains_host_only_that_pools_clients_exist(pool: WebPool) -> None:
    """The sibling token endpoint's rule, at the browser's endpoints too."""
    client_id, _ = pool.client()
    other_pool = pool.api.create_user_pool(PoolName="other")["UserPool"]["Id"]
    prefix = f"web-{secrets.token_hex(4)}"
    pool.api.create_user_pool_domain(UserPoolId=other_pool, Domain=prefix)
    try:
        query = urllib.parse.urlencode(base(client_id))
        for path in ("/oauth2/authorize", "/login"):
            response = requests.get(
                f"{pool.base}{path}?{query}",
                headers={"host": f"{prefix}.localhost"},
                allow_redirects=False,
                timeout=10,
            )
            shown(response, "invalid_client")
        mine = f"mine-{secrets.token_hex(4)}"
        pool.api.create_user_pool_domain(UserPoolId=pool.pool_id, Domain=mine)
        response = requests.get(
            f"{pool.authorize_url}?{query}",
            headers={"host": f"{mine}.localhost"},
            allow_redirects=False,
            timeout=10,
        )
        assert response.status_code == 302 and response.headers["location"].startswith("/login?")
    finally:
        pool.api.delete_user_pool_domain(UserPoolId=other_pool, Domain=prefix)
        pool.api.delete_user_pool(UserPoolId=other_pool)
