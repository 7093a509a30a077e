"""``POST /oauth2/token`` and ``POST /oauth2/revoke`` driven by Authlib's OAuth 2.0 client,
an independent implementation, with the tokens checked by PyJWT against the pool's JWKS;
the refusals, each with its exact RFC 6749 error, by plain HTTP requests."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import urllib.parse
from typing import Any

import jwt
import pytest
import requests
from authlib.integrations.base_client.errors import (  # type: ignore[import-untyped]
    OAuthError as AuthlibError,
)
from authlib.integrations.requests_client import OAuth2Session  # type: ignore[import-untyped]
from botocore.exceptions import ClientError
from support import error_of

from userpools.crypto.jwt import sign
from userpools.domain.keys import current
from userpools.testing import RunningServer

PASSWORD = "Passw0rd!x"
INVALID_TOKEN = (
    "Access token is expired, disabled, or deleted, or the user has globally signed out."
)
READ, WRITE = "orders/read", "orders/write"


class Pool:
    """A pool with a resource server ``orders`` (``read``, ``write``), and its endpoints."""

    def __init__(self, server: RunningServer, api: Any, pool_id: str) -> None:
        self.server = server
        self.api = api
        self.pool_id = pool_id
        self.base = server.endpoint_url
        self.token_url = f"{self.base}/oauth2/token"
        self.revoke_url = f"{self.base}/oauth2/revoke"
        api.create_resource_server(
            UserPoolId=pool_id,
            Identifier="orders",
            Name="Orders",
            Scopes=[
                {"ScopeName": "read", "ScopeDescription": "Read orders"},
                {"ScopeName": "write", "ScopeDescription": "Write orders"},
            ],
        )

    def machine(self, scopes: tuple[str, ...] = (READ, WRITE), **extra: Any) -> tuple[str, str]:
        """A confidential client allowed client_credentials: ``(id, secret)``."""
        config = {
            "AllowedOAuthFlows": ["client_credentials"],
            "AllowedOAuthScopes": list(scopes),
            "AllowedOAuthFlowsUserPoolClient": True,
        }
        created = self.api.create_user_pool_client(
            UserPoolId=self.pool_id,
            ClientName="machine",
            GenerateSecret=True,
            **{**config, **extra},
        )["UserPoolClient"]
        return created["ClientId"], created["ClientSecret"]

    def app_client(self, **extra: Any) -> str:
        """A public client that signs users in with USER_PASSWORD_AUTH."""
        config = {"ExplicitAuthFlows": ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]}
        created = self.api.create_user_pool_client(
            UserPoolId=self.pool_id, ClientName="app", **{**config, **extra}
        )
        client_id: str = created["UserPoolClient"]["ClientId"]
        return client_id

    def signed_in(self, client_id: str, username: str = "ann") -> dict[str, Any]:
        self.api.admin_create_user(
            UserPoolId=self.pool_id, Username=username, MessageAction="SUPPRESS"
        )
        self.api.admin_set_user_password(
            UserPoolId=self.pool_id, Username=username, Password=PASSWORD, Permanent=True
        )
        result: dict[str, Any] = self.api.initiate_auth(
            ClientId=client_id,
            AuthFlow="USER_PASSWORD_AUTH",
            AuthParameters={"USERNAME": username, "PASSWORD": PASSWORD},
        )["AuthenticationResult"]
        return result

    def verify(self, token: str) -> dict[str, Any]:
        """The token's claims, checked by PyJWT with the key the JWKS names."""
        keys = jwt.PyJWKClient(f"{self.base}/{self.pool_id}/.well-known/jwks.json")
        key = keys.get_signing_key_from_jwt(token)
        claims: dict[str, Any] = jwt.decode(
            token,
            key.key,
            algorithms=["RS256"],
            issuer=f"{self.base}/{self.pool_id}",
            options={"require": ["exp", "iat", "iss", "sub"]},
        )
        return claims

    def post(
        self, url: str, form: Any, basic: tuple[str, str] | None = None, **headers: str
    ) -> requests.Response:
        body = form if isinstance(form, str) else urllib.parse.urlencode(form)
        sent = {"content-type": "application/x-www-form-urlencoded", **headers}
        if basic is not None and "authorization" not in headers:
            pair = f"{basic[0]}:{basic[1]}".encode()
            sent["authorization"] = "Basic " + base64.b64encode(pair).decode()
        return requests.post(url, data=body, headers=sent, timeout=10)


@pytest.fixture
def pool(userpools_server: RunningServer, cognito_idp: Any, user_pool_id: str) -> Pool:
    return Pool(userpools_server, cognito_idp, user_pool_id)


def refused(response: requests.Response, error: str, status: int = 400) -> None:
    assert (response.status_code, response.json()) == (status, {"error": error})
    assert response.headers["cache-control"] == "no-store"


# client_credentials ---------------------------------------------------------------------------


@pytest.mark.parametrize("method", ["client_secret_basic", "client_secret_post"])
def test_authlib_gets_a_machine_token_that_pyjwt_verifies(pool: Pool, method: str) -> None:
    client_id, secret = pool.machine()
    session = OAuth2Session(client_id, secret, scope=READ, token_endpoint_auth_method=method)
    token = session.fetch_token(pool.token_url, grant_type="client_credentials")
    assert set(token) - {"expires_at"} == {"access_token", "token_type", "expires_in"}
    assert (token["token_type"], token["expires_in"]) == ("Bearer", 3600)
    claims = pool.verify(token["access_token"])
    assert claims["scope"] == READ
    assert (claims["client_id"], claims["sub"], claims["token_use"]) == (
        client_id,
        client_id,
        "access",
    )
    assert claims["exp"] - claims["iat"] == 3600
    for user_claim in ("username", "cognito:groups", "origin_jti", "event_id", "email"):
        assert user_claim not in claims
    header = jwt.get_unverified_header(token["access_token"])
    jwks = requests.get(f"{pool.base}/{pool.pool_id}/.well-known/jwks.json", timeout=10).json()
    # Signed with the pool's access-token key, the one that signs access tokens of sign-ins.
    signed_in = pool.signed_in(pool.app_client())["AccessToken"]
    assert header["kid"] == jwt.get_unverified_header(signed_in)["kid"]
    assert header["kid"] in {key["kid"] for key in jwks["keys"]}


def test_without_a_scope_the_token_has_every_custom_scope_of_the_client(pool: Pool) -> None:
    client_id, secret = pool.machine()
    session = OAuth2Session(client_id, secret)
    token = session.fetch_token(pool.token_url, grant_type="client_credentials")
    assert pool.verify(token["access_token"])["scope"] == f"{READ} {WRITE}"


def test_several_scopes_and_the_clients_access_token_validity(pool: Pool) -> None:
    client_id, secret = pool.machine(
        AccessTokenValidity=15, TokenValidityUnits={"AccessToken": "minutes"}
    )
    session = OAuth2Session(client_id, secret, scope=[WRITE, READ])
    token = session.fetch_token(pool.token_url, grant_type="client_credentials")
    assert token["expires_in"] == 900
    claims = pool.verify(token["access_token"])
    assert claims["scope"] == f"{WRITE} {READ}"
    assert claims["exp"] - claims["iat"] == 900


def test_a_machine_token_is_no_users_token(pool: Pool) -> None:
    client_id, secret = pool.machine()
    token = OAuth2Session(client_id, secret).fetch_token(
        pool.token_url, grant_type="client_credentials"
    )
    with pytest.raises(ClientError) as caught:
        pool.api.get_user(AccessToken=token["access_token"])
    assert error_of(caught)[0] == "NotAuthorizedException"


def test_a_second_secret_authenticates_too(pool: Pool) -> None:
    client_id, first = pool.machine()
    second = pool.api.add_user_pool_client_secret(UserPoolId=pool.pool_id, ClientId=client_id)
    value = second["ClientSecretDescriptor"]["ClientSecretValue"]
    for secret in (first, value):
        response = pool.post(
            pool.token_url, {"grant_type": "client_credentials"}, (client_id, secret)
        )
        assert response.status_code == 200, response.text


# Refusals -------------------------------------------------------------------------------------


def test_a_wrong_secret_is_invalid_client(pool: Pool) -> None:
    client_id, secret = pool.machine()
    with pytest.raises(AuthlibError) as caught:
        OAuth2Session(client_id, secret + "x").fetch_token(
            pool.token_url, grant_type="client_credentials"
        )
    assert caught.value.error == "invalid_client"
    by_basic = pool.post(pool.token_url, {"grant_type": "client_credentials"}, (client_id, "x"))
    refused(by_basic, "invalid_client", 401)
    assert by_basic.headers["www-authenticate"].startswith("Basic ")
    form = {"grant_type": "client_credentials", "client_id": client_id, "client_secret": "x"}
    by_form = pool.post(pool.token_url, form)
    refused(by_form, "invalid_client")
    assert "www-authenticate" not in by_form.headers
    no_secret = pool.post(
        pool.token_url, {"grant_type": "client_credentials", "client_id": client_id}
    )
    refused(no_secret, "invalid_client")
    unknown = pool.post(pool.token_url, {"grant_type": "client_credentials"}, ("nosuch", secret))
    refused(unknown, "invalid_client", 401)
    too_long = {"grant_type": "client_credentials", "client_id": "x" * 129}
    refused(pool.post(pool.token_url, too_long), "invalid_client")


def test_a_public_client_is_unauthorized_for_client_credentials(pool: Pool) -> None:
    client_id = pool.app_client()
    form = {"grant_type": "client_credentials", "client_id": client_id}
    refused(pool.post(pool.token_url, form), "unauthorized_client")
    with pytest.raises(AuthlibError) as caught:
        OAuth2Session(client_id, token_endpoint_auth_method="none").fetch_token(
            pool.token_url, grant_type="client_credentials"
        )
    assert caught.value.error == "unauthorized_client"


def test_a_client_without_the_flow_is_unauthorized(pool: Pool) -> None:
    created = pool.api.create_user_pool_client(
        UserPoolId=pool.pool_id, ClientName="no-oauth", GenerateSecret=True
    )["UserPoolClient"]
    pair = (created["ClientId"], created["ClientSecret"])
    response = pool.post(pool.token_url, {"grant_type": "client_credentials"}, pair)
    refused(response, "unauthorized_client")
    # The flow configured, but the client's OAuth features off.
    off = pool.machine(AllowedOAuthFlowsUserPoolClient=False)
    refused(
        pool.post(pool.token_url, {"grant_type": "client_credentials"}, off), "unauthorized_client"
    )
    # The authorization-code flow only.
    code = pool.api.create_user_pool_client(
        UserPoolId=pool.pool_id,
        ClientName="web",
        GenerateSecret=True,
        AllowedOAuthFlows=["code"],
        AllowedOAuthScopes=["openid", READ],
        AllowedOAuthFlowsUserPoolClient=True,
        CallbackURLs=["https://app.example.com/callback"],
    )["UserPoolClient"]
    pair = (code["ClientId"], code["ClientSecret"])
    response = pool.post(pool.token_url, {"grant_type": "client_credentials"}, pair)
    refused(response, "unauthorized_client")


def test_a_scope_of_a_deleted_resource_server_is_no_longer_granted(pool: Pool) -> None:
    pool.api.create_resource_server(
        UserPoolId=pool.pool_id,
        Identifier="https://billing.example.com",
        Name="Billing",
        Scopes=[{"ScopeName": "pay", "ScopeDescription": "Pay"}],
    )
    billing = "https://billing.example.com/pay"
    client_id, secret = pool.machine(scopes=(READ, billing))
    session = OAuth2Session(client_id, secret)
    token = session.fetch_token(pool.token_url, grant_type="client_credentials")
    assert pool.verify(token["access_token"])["scope"] == f"{READ} {billing}"
    pool.api.delete_resource_server(
        UserPoolId=pool.pool_id, Identifier="https://billing.example.com"
    )
    token = session.fetch_token(pool.token_url, grant_type="client_credentials")
    assert pool.verify(token["access_token"])["scope"] == READ
    form = {"grant_type": "client_credentials", "scope": billing}
    refused(pool.post(pool.token_url, form, (client_id, secret)), "invalid_scope")


@pytest.mark.parametrize(
    "scope", ["orders/delete", f"{READ} orders/delete", "openid", "offline_access", "Orders/read"]
)
def test_a_scope_the_client_lacks_is_invalid_scope(pool: Pool, scope: str) -> None:
    client_id, secret = pool.machine(scopes=(READ,))
    form = {"grant_type": "client_credentials", "scope": scope}
    refused(pool.post(pool.token_url, form, (client_id, secret)), "invalid_scope")
    with pytest.raises(AuthlibError) as caught:
        OAuth2Session(client_id, secret, scope=scope).fetch_token(
            pool.token_url, grant_type="client_credentials"
        )
    assert caught.value.error == "invalid_scope"


@pytest.mark.parametrize("grant", ["password", "implicit", "x" * 300])
def test_a_grant_this_server_does_not_serve_is_unsupported(pool: Pool, grant: str) -> None:
    client_id, secret = pool.machine()
    response = pool.post(pool.token_url, {"grant_type": grant}, (client_id, secret))
    refused(response, "unsupported_grant_type")


@pytest.mark.parametrize(
    ("body", "headers"),
    [
        ("scope=orders%2Fread", {}),  # no grant_type
        ("grant_type=", {}),
        ("grant_type=client_credentials&grant_type=client_credentials", {}),
        ('{"grant_type": "client_credentials"}', {"content-type": "application/json"}),
        ("grant_type=client_credentials&client_secret=s", {}),  # Basic and a form secret
        ("grant_type=client_credentials&client_id=other", {}),  # two client ids
        ("grant_type=client_credentials", {"authorization": "Basic !!!"}),
        ("grant_type=client_credentials", {"authorization": "Bearer abc"}),
        ("grant_type=%ff", {}),
    ],
)
def test_a_malformed_request_is_invalid_request(
    pool: Pool, body: str, headers: dict[str, str]
) -> None:
    client_id, secret = pool.machine()
    response = pool.post(pool.token_url, body, (client_id, secret), **headers)
    refused(response, "invalid_request")


def test_the_token_endpoint_takes_only_post(pool: Pool) -> None:
    assert requests.get(pool.token_url, timeout=10).status_code == 405


# refresh_token --------------------------------------------------------------------------------


def test_authlib_refreshes_a_sign_in(pool: Pool) -> None:
    client_id = pool.app_client()
    signed_in = pool.signed_in(client_id)
    session = OAuth2Session(client_id, token_endpoint_auth_method="none")
    token = session.refresh_token(pool.token_url, refresh_token=signed_in["RefreshToken"])
    assert "refresh_token" not in token or token["refresh_token"] == signed_in["RefreshToken"]
    assert (token["token_type"], token["expires_in"]) == ("Bearer", 3600)
    access = pool.verify(token["access_token"])
    assert access["username"] == "ann" and access["client_id"] == client_id
    first = pool.verify(signed_in["AccessToken"])
    assert access["origin_jti"] == first["origin_jti"]
    identity = jwt.decode(
        token["id_token"],
        jwt.PyJWKClient(f"{pool.base}/{pool.pool_id}/.well-known/jwks.json")
        .get_signing_key_from_jwt(token["id_token"])
        .key,
        algorithms=["RS256"],
        audience=client_id,
    )
    assert identity["cognito:username"] == "ann"
    assert pool.api.get_user(AccessToken=token["access_token"])["Username"] == "ann"


def test_refresh_refusals(pool: Pool) -> None:
    client_id = pool.app_client()
    signed_in = pool.signed_in(client_id)
    refresh = signed_in["RefreshToken"]
    missing = pool.post(pool.token_url, {"grant_type": "refresh_token", "client_id": client_id})
    refused(missing, "invalid_request")
    wrong = {"grant_type": "refresh_token", "client_id": client_id, "refresh_token": "nope"}
    refused(pool.post(pool.token_url, wrong), "invalid_grant")
    other = pool.app_client()
    elsewhere = {"grant_type": "refresh_token", "client_id": other, "refresh_token": refresh}
    refused(pool.post(pool.token_url, elsewhere), "invalid_grant")
    no_refresh = pool.app_client(ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH"])
    form = {"grant_type": "refresh_token", "client_id": no_refresh, "refresh_token": refresh}
    refused(pool.post(pool.token_url, form), "unauthorized_client")
    pool.api.admin_user_global_sign_out(UserPoolId=pool.pool_id, Username="ann")
    good = {"grant_type": "refresh_token", "client_id": client_id, "refresh_token": refresh}
    refused(pool.post(pool.token_url, good), "invalid_grant")


def test_a_confidential_client_refreshes_with_its_secret(pool: Pool) -> None:
    created = pool.api.create_user_pool_client(
        UserPoolId=pool.pool_id,
        ClientName="web",
        GenerateSecret=True,
        ExplicitAuthFlows=["ALLOW_ADMIN_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
    )["UserPoolClient"]
    client_id, secret = created["ClientId"], created["ClientSecret"]
    pool.api.admin_create_user(UserPoolId=pool.pool_id, Username="bo", MessageAction="SUPPRESS")
    pool.api.admin_set_user_password(
        UserPoolId=pool.pool_id, Username="bo", Password=PASSWORD, Permanent=True
    )
    digest = hmac.new(secret.encode(), ("bo" + client_id).encode(), hashlib.sha256).digest()
    result = pool.api.admin_initiate_auth(
        UserPoolId=pool.pool_id,
        ClientId=client_id,
        AuthFlow="ADMIN_USER_PASSWORD_AUTH",
        AuthParameters={
            "USERNAME": "bo",
            "PASSWORD": PASSWORD,
            "SECRET_HASH": base64.b64encode(digest).decode(),
        },
    )["AuthenticationResult"]
    form = {"grant_type": "refresh_token", "refresh_token": result["RefreshToken"]}
    refused(pool.post(pool.token_url, form, (client_id, "wrong")), "invalid_client", 401)
    refused(pool.post(pool.token_url, {**form, "client_id": client_id}), "invalid_client")
    session = OAuth2Session(client_id, secret)
    token = session.refresh_token(pool.token_url, refresh_token=result["RefreshToken"])
    assert pool.verify(token["access_token"])["username"] == "bo"


# /oauth2/revoke -------------------------------------------------------------------------------


def test_authlib_revokes_a_refresh_token_and_its_access_tokens(pool: Pool) -> None:
    client_id = pool.app_client()
    signed_in = pool.signed_in(client_id)
    session = OAuth2Session(client_id, token_endpoint_auth_method="none")
    response = session.revoke_token(
        pool.revoke_url, token=signed_in["RefreshToken"], token_type_hint="refresh_token"
    )
    assert (response.status_code, response.content) == (200, b"")
    form = {
        "grant_type": "refresh_token",
        "client_id": client_id,
        "refresh_token": signed_in["RefreshToken"],
    }
    refused(pool.post(pool.token_url, form), "invalid_grant")
    with pytest.raises(ClientError) as caught:
        pool.api.get_user(AccessToken=signed_in["AccessToken"])
    assert error_of(caught) == ("NotAuthorizedException", "Access Token has been revoked")
    # Revoking again, or a token the server never issued, is not an error (RFC 7009 §2.2).
    again = pool.post(pool.revoke_url, {"token": signed_in["RefreshToken"], "client_id": client_id})
    assert again.status_code == 200
    unknown = pool.post(pool.revoke_url, {"token": "never-issued", "client_id": client_id})
    assert unknown.status_code == 200


def test_revocation_refusals(pool: Pool) -> None:
    client_id = pool.app_client()
    signed_in = pool.signed_in(client_id)
    access = {"token": signed_in["AccessToken"], "client_id": client_id}
    refused(pool.post(pool.revoke_url, access), "unsupported_token_type")
    refused(pool.post(pool.revoke_url, {"client_id": client_id}), "invalid_request")
    refused(
        pool.post(pool.revoke_url, {"token": "t", "client_id": "nosuch"}), "invalid_client", 401
    )
    machine, secret = pool.machine()
    basic = pool.post(pool.revoke_url, {"token": "t"}, (machine, secret + "x"))
    refused(basic, "invalid_client", 401)
    assert basic.headers["www-authenticate"].startswith("Basic ")
    assert pool.post(pool.revoke_url, {"token": "t"}, (machine, secret)).status_code == 200
    off = pool.app_client(EnableTokenRevocation=False)
    refused(pool.post(pool.revoke_url, {"token": "t", "client_id": off}), "invalid_request")
    # The refresh token still works: nothing was revoked by the refusals.
    form = {
        "grant_type": "refresh_token",
        "client_id": client_id,
        "refresh_token": signed_in["RefreshToken"],
    }
    assert pool.post(pool.token_url, form).status_code == 200


# /oauth2/userInfo -----------------------------------------------------------------------------


def with_openid(server: RunningServer, pool_id: str, access_token: str) -> str:
    """``access_token`` re-signed with the pool's access-token key with ``openid`` added to
    its scope: what the authorization-code flow will issue (it does not exist yet)."""
    claims = jwt.decode(access_token, options={"verify_signature": False})
    claims["scope"] = f"openid profile {claims['scope']}"

    def key(tx: Any) -> Any:
        return current(tx.pool_keys(tx.get_pool(pool_id)), "access")

    return sign(server.server.store.read(key), claims)


def user_info(pool: Pool, token: str | None, method: str = "GET") -> requests.Response:
    headers = {} if token is None else {"authorization": f"Bearer {token}"}
    return requests.request(method, f"{pool.base}/oauth2/userInfo", headers=headers, timeout=10)


def test_user_info_answers_the_users_readable_attributes_as_strings(
    pool: Pool, userpools_server: RunningServer
) -> None:
    client_id = pool.app_client()
    signed_in = pool.signed_in(client_id)
    pool.api.admin_update_user_attributes(
        UserPoolId=pool.pool_id,
        Username="ann",
        UserAttributes=[
            {"Name": "email", "Value": "ann@example.com"},
            {"Name": "email_verified", "Value": "true"},
            {"Name": "name", "Value": "Ann <b>"},
        ],
    )
    token = with_openid(userpools_server, pool.pool_id, signed_in["AccessToken"])
    sub = pool.verify(signed_in["AccessToken"])["sub"]
    for method in ("GET", "POST"):
        response = user_info(pool, token, method)
        assert response.status_code == 200, response.text
        assert response.headers["cache-control"] == "no-store"
        assert response.json() == {
            "sub": sub,
            "email": "ann@example.com",
            "email_verified": "true",
            "name": "Ann <b>",
            "username": "ann",
        }
    pool.api.admin_user_global_sign_out(UserPoolId=pool.pool_id, Username="ann")
    revoked = user_info(pool, token)
    assert revoked.status_code == 401
    assert revoked.json()["error"] == "invalid_token"


def test_user_info_refusals(pool: Pool) -> None:
    client_id = pool.app_client()
    signed_in = pool.signed_in(client_id)
    machine, secret = pool.machine()
    m2m = OAuth2Session(machine, secret).fetch_token(
        pool.token_url, grant_type="client_credentials"
    )
    cases = [
        (None, 400, "invalid_request", "Bad OAuth2 request at UserInfo Endpoint"),
        ("", 400, "invalid_request", "Bad OAuth2 request at UserInfo Endpoint"),
        ("not-a-token", 401, "invalid_token", INVALID_TOKEN),
        (m2m["access_token"], 401, "invalid_token", INVALID_TOKEN),
        (signed_in["IdToken"], 401, "invalid_token", INVALID_TOKEN),
        # API sign-in gives aws.cognito.signin.user.admin only (cognito-spec §7.3).
        (
            signed_in["AccessToken"],
            401,
            "invalid_token",
            "Access token does not contain openid scope",
        ),
    ]
    for token, status, error, description in cases:
        response = user_info(pool, token)
        assert response.status_code == status, (token, response.text)
        assert response.json() == {"error": error, "error_description": description}
        assert response.headers["www-authenticate"] == (
            f'Bearer error="{error}", error_description="{description}"'
        )


# Domains --------------------------------------------------------------------------------------


def test_on_a_domains_host_only_that_pools_clients_exist(pool: Pool) -> None:
    """A request that arrives on a registered domain's host must be for the domain's pool."""
    prefix = f"tok{secrets.token_hex(4)}"
    pool.api.create_user_pool_domain(Domain=prefix, UserPoolId=pool.pool_id)
    other_pool = pool.api.create_user_pool(PoolName="other")["UserPool"]["Id"]
    try:
        other = Pool(pool.server, pool.api, other_pool)
        mine, my_secret = pool.machine()
        theirs, their_secret = other.machine()
        port = urllib.parse.urlsplit(pool.base).port
        cc = {"grant_type": "client_credentials"}
        for host in (f"{prefix}.localhost:{port}", f"{prefix}.auth.us-east-1.amazoncognito.com"):
            ok = pool.post(pool.token_url, cc, (mine, my_secret), host=host)
            assert ok.status_code == 200, ok.text
            refused(
                pool.post(pool.token_url, cc, (theirs, their_secret), host=host),
                "invalid_client",
                401,
            )
        # On the server's own address every pool's clients answer.
        assert pool.post(pool.token_url, cc, (theirs, their_secret)).status_code == 200
        # Revocation and userInfo too.
        host = f"{prefix}.localhost:{port}"
        revoke = pool.post(pool.revoke_url, {"token": "t"}, (theirs, their_secret), host=host)
        refused(revoke, "invalid_client", 401)
        assert (
            pool.post(pool.revoke_url, {"token": "t"}, (mine, my_secret), host=host).status_code
            == 200
        )
        app = other.app_client()
        token = with_openid(pool.server, other_pool, other.signed_in(app)["AccessToken"])
        headers = {"authorization": f"Bearer {token}"}
        elsewhere = requests.get(
            f"{pool.base}/oauth2/userInfo", headers={**headers, "host": host}, timeout=10
        )
        assert (elsewhere.status_code, elsewhere.json()["error"]) == (401, "invalid_token")
        home = requests.get(f"{pool.base}/oauth2/userInfo", headers=headers, timeout=10)
        assert home.status_code == 200 and home.json()["username"] == "ann"
    finally:
        pool.api.delete_user_pool(UserPoolId=other_pool)
