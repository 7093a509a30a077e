"""JWKS and OIDC discovery, served per pool, checked with an independent JOSE library."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from typing import Any

import pytest
from click.testing import CliRunner
from joserfc import jwt as jose_jwt
from joserfc.jwk import KeySet

from userpools.cli import main
from userpools.crypto.jwt import sign
from userpools.domain.keys import current


def get_json(url: str) -> tuple[int, Any]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def test_jwks_lists_the_pools_two_keys(userpools_server: Any, user_pool_id: str) -> None:
    status, document = get_json(
        f"{userpools_server.endpoint_url}/{user_pool_id}/.well-known/jwks.json"
    )
    assert status == 200
    keys = document["keys"]
    assert len(keys) == 2  # one for ID tokens, one for access tokens (spec §7.1)
    assert len({k["kid"] for k in keys}) == 2
    for key in keys:
        assert (key["alg"], key["kty"], key["use"], key["e"]) == ("RS256", "RSA", "sig", "AQAB")
        assert "d" not in key  # never a private part


def test_openid_configuration_agrees_with_issuer_and_jwks(
    userpools_server: Any, user_pool_id: str
) -> None:
    base = userpools_server.endpoint_url
    status, document = get_json(f"{base}/{user_pool_id}/.well-known/openid-configuration")
    assert status == 200
    assert document["issuer"] == f"{base}/{user_pool_id}"
    assert document["jwks_uri"] == f"{base}/{user_pool_id}/.well-known/jwks.json"
    assert document["id_token_signing_alg_values_supported"] == ["RS256"]
    status, keys = get_json(document["jwks_uri"])
    assert status == 200 and len(keys["keys"]) == 2


def test_openid_configuration_advertises_only_what_is_served(
    userpools_server: Any, user_pool_id: str
) -> None:
    """The authorization, token, revocation and userInfo endpoints are named, with the
    authorization endpoint's response types and PKCE method and the token endpoint's grants
    and client authentication; nothing else (``/logout`` takes Cognito's parameters, not
    RP-Initiated Logout's, so there is no ``end_session_endpoint``)."""
    base = userpools_server.endpoint_url
    _, document = get_json(f"{base}/{user_pool_id}/.well-known/openid-configuration")
    assert set(document) == {
        "issuer",
        "jwks_uri",
        "authorization_endpoint",
        "response_types_supported",
        "code_challenge_methods_supported",
        "scopes_supported",
        "token_endpoint",
        "grant_types_supported",
        "token_endpoint_auth_methods_supported",
        "revocation_endpoint",
        "userinfo_endpoint",
        "id_token_signing_alg_values_supported",
        "subject_types_supported",
        "claims_supported",
    }
    assert "end_session_endpoint" not in document
    assert document["authorization_endpoint"] == f"{base}/oauth2/authorize"
    assert document["response_types_supported"] == ["code", "token"]
    assert document["code_challenge_methods_supported"] == ["S256"]
    assert document["scopes_supported"] == [
        "aws.cognito.signin.user.admin",
        "email",
        "openid",
        "phone",
        "profile",
    ]
    assert document["token_endpoint"] == f"{base}/oauth2/token"
    assert document["revocation_endpoint"] == f"{base}/oauth2/revoke"
    assert document["userinfo_endpoint"] == f"{base}/oauth2/userInfo"
    assert document["grant_types_supported"] == [
        "authorization_code",
        "client_credentials",
        "refresh_token",
        "implicit",
    ]
    assert document["token_endpoint_auth_methods_supported"] == [
        "client_secret_basic",
        "client_secret_post",
    ]
    # Each named endpoint answers (a refusal, not a 404).
    for url, method in (
        (document["token_endpoint"], "POST"),
        (document["revocation_endpoint"], "POST"),
        (document["userinfo_endpoint"], "GET"),
        (document["authorization_endpoint"], "GET"),
    ):
        call = urllib.request.Request(url, data=b"" if method == "POST" else None, method=method)
        try:
            urllib.request.urlopen(call, timeout=10)
        except urllib.error.HTTPError as error:
            assert error.code in (400, 401), (url, error.code)


@pytest.mark.parametrize("pool_id", ["us-east-1_Missing00", "not-a-pool-id", "x" * 80])
def test_well_known_unknown_pool_is_404(userpools_server: Any, pool_id: str) -> None:
    for suffix in ("jwks.json", "openid-configuration"):
        status, document = get_json(
            f"{userpools_server.endpoint_url}/{pool_id}/.well-known/{suffix}"
        )
        assert status == 404
        assert "does not exist" in document["message"]


def test_jwks_verifies_tokens_signed_with_the_pools_key(
    userpools_server: Any, user_pool_id: str
) -> None:
    """A standard library (joserfc), given only the served JWKS, accepts the pool's tokens."""
    with userpools_server.server.store.transaction(write=False) as tx:
        pool = tx.get_pool(user_pool_id)
        assert pool is not None
        access_key = current(tx.pool_keys(pool), "access")
    issuer = f"{userpools_server.endpoint_url}/{user_pool_id}"
    now = int(time.time())
    token = sign(access_key, {"iss": issuer, "sub": "s", "token_use": "access", "exp": now + 60})
    _, document = get_json(f"{issuer}/.well-known/jwks.json")
    decoded = jose_jwt.decode(token, KeySet.import_key_set(document), algorithms=["RS256"])
    assert decoded.claims["iss"] == issuer
    assert decoded.header["kid"] == access_key.kid


def test_keys_rotate_keeps_old_keys_during_the_grace(
    userpools_server: Any, user_pool_id: str
) -> None:
    url = f"{userpools_server.endpoint_url}/{user_pool_id}/.well-known/jwks.json"
    _, before = get_json(url)
    settings = userpools_server.server.settings
    target = (
        ["--database-url", settings.database_url]
        if settings.database_url
        else ["--db", str(settings.db_path)]
    )
    result = CliRunner().invoke(main, ["keys", "rotate", *target, user_pool_id])
    assert result.exit_code == 0, result.output
    _, after = get_json(url)
    old = {k["kid"] for k in before["keys"]}
    new = {k["kid"] for k in after["keys"]} - old
    assert old <= {k["kid"] for k in after["keys"]}
    assert len(new) == 2 and all(kid in result.output for kid in new)
    with userpools_server.server.store.transaction(write=False) as tx:
        pool = tx.get_pool(user_pool_id)
        assert pool is not None
        assert current(tx.pool_keys(pool), "id").kid in new


def test_keys_rotate_unknown_pool_fails_cleanly(userpools_server: Any) -> None:
    settings = userpools_server.server.settings
    target = (
        ["--database-url", settings.database_url]
        if settings.database_url
        else ["--db", str(settings.db_path)]
    )
    result = CliRunner().invoke(main, ["keys", "rotate", *target, "us-east-1_Missing00"])
    assert result.exit_code != 0
    assert "User pool us-east-1_Missing00 does not exist." in result.output
