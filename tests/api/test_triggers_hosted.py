"""Triggers on the managed login page's grants: the tokens the token endpoint gives for a code
fire PreTokenGeneration with ``TokenGeneration_HostedAuth`` (and the page's own sign-in fires
no PreTokenGeneration: its tokens never leave the server), and PostAuthentication fires once,
for the page's sign-in, not again at the exchange."""

from __future__ import annotations

import secrets
import uuid
from typing import Any

import requests
from authlib.integrations.requests_client import OAuth2Session  # type: ignore[import-untyped]
from web_support import CALLBACK, Browser, WebPool

from userpools.testing import RunningServer


def page_pool(pool: WebPool, lambda_config: dict[str, Any]) -> tuple[WebPool, str]:
    """``pool`` with its user, ``lambda_config`` and a public client (whose id comes back)."""
    pool.user()
    pool.api.update_user_pool(UserPoolId=pool.pool_id, LambdaConfig=lambda_config)
    client_id, _ = pool.client()
    return pool, client_id


def signed_in_on_the_page(
    pool: WebPool, client_id: str
) -> tuple[OAuth2Session, str, requests.Response]:
    """The user signed in on the managed login page for a PKCE authorization request of
    ``client_id``: the client's session, its code verifier, and the page's redirect."""
    session = OAuth2Session(
        client_id,
        None,
        scope="openid",
        redirect_uri=CALLBACK,
        code_challenge_method="S256",
        token_endpoint_auth_method="none",
    )
    verifier = secrets.token_urlsafe(48)
    url, _ = session.create_authorization_url(pool.authorize_url, code_verifier=verifier)
    answer = Browser().sign_in(pool.base, url)
    assert answer.status_code == 302, answer.text
    return session, verifier, answer


def test_code_exchange_fires_pre_token_generation_as_hosted_auth(
    userpools_server: RunningServer, cognito_idp: Any, user_pool_id: str
) -> None:
    suffix = uuid.uuid4().hex[:8]
    pre_token = f"arn:aws:lambda:us-east-1:123456789012:function:pre-token-{suffix}"
    post_auth = f"arn:aws:lambda:us-east-1:123456789012:function:post-auth-{suffix}"
    seen: list[tuple[str, str]] = []

    def add_claim(event: dict[str, Any]) -> dict[str, Any]:
        seen.append((event["triggerSource"], event["callerContext"]["clientId"]))
        event["response"] = {
            "claimsAndScopeOverrideDetails": {
                "idTokenGeneration": {"claimsToAddOrOverride": {"via": event["triggerSource"]}}
            }
        }
        return event

    def record(event: dict[str, Any]) -> dict[str, Any]:
        seen.append((event["triggerSource"], event["callerContext"]["clientId"]))
        return event

    userpools_server.register_function(pre_token, add_claim)
    userpools_server.register_function(post_auth, record)
    try:
        pool, client_id = page_pool(
            WebPool(userpools_server, cognito_idp, user_pool_id),
            {
                "PostAuthentication": post_auth,
                "PreTokenGenerationConfig": {"LambdaArn": pre_token, "LambdaVersion": "V2_0"},
            },
        )
        seen.clear()
        session, verifier, answer = signed_in_on_the_page(pool, client_id)
        token = session.fetch_token(
            pool.token_url,
            authorization_response=answer.headers["location"],
            code_verifier=verifier,
        )
    finally:
        userpools_server.register_function(pre_token, None)
        userpools_server.register_function(post_auth, None)
    identity = pool.verify(token["id_token"], audience=client_id)
    assert identity["via"] == "TokenGeneration_HostedAuth"
    assert seen == [
        ("PostAuthentication_Authentication", client_id),
        ("TokenGeneration_HostedAuth", client_id),
    ]


def test_a_failing_pre_token_generation_refuses_the_code_exchange(
    userpools_server: RunningServer, cognito_idp: Any, user_pool_id: str
) -> None:
    pre_token = f"arn:aws:lambda:us-east-1:123456789012:function:refuse-{uuid.uuid4().hex[:8]}"

    def refuse(event: dict[str, Any]) -> dict[str, Any]:
        raise RuntimeError("not from the hosted page")

    userpools_server.register_function(pre_token, refuse)
    try:
        pool, client_id = page_pool(
            WebPool(userpools_server, cognito_idp, user_pool_id),
            {"PreTokenGenerationConfig": {"LambdaArn": pre_token, "LambdaVersion": "V2_0"}},
        )
        _session, verifier, answer = signed_in_on_the_page(pool, client_id)
        code = answer.headers["location"].split("code=", 1)[1].split("&", 1)[0]
        reply = requests.post(
            pool.token_url,
            data={
                "grant_type": "authorization_code",
                "client_id": client_id,
                "code": code,
                "redirect_uri": CALLBACK,
                "code_verifier": verifier,
            },
            timeout=10,
        )
    finally:
        userpools_server.register_function(pre_token, None)
    assert reply.status_code == 400, reply.text
    assert reply.json() == {
        "error": "invalid_request",
        "error_description": "PreTokenGeneration failed with error not from the hosted page.",
    }
