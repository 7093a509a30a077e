"""App clients' OAuth 2.0 settings, checked as AWS checks them (both stores)."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support import error_of

from userpools.domain.client_oauth import redirect_url_allowed
from userpools.domain.resource_servers import client_resource_scopes

SCOPES = [
    {"ScopeName": "read", "ScopeDescription": "r"},
    {"ScopeName": "write", "ScopeDescription": "w"},
]
WEB = {
    "AllowedOAuthFlowsUserPoolClient": True,
    "AllowedOAuthFlows": ["code"],
    "AllowedOAuthScopes": ["openid", "email"],
    "CallbackURLs": ["https://app.example.com/callback", "http://localhost:3000/cb"],
    "LogoutURLs": ["https://app.example.com/"],
    "DefaultRedirectURI": "https://app.example.com/callback",
    "SupportedIdentityProviders": ["COGNITO"],
}


@pytest.fixture
def api(cognito_idp: Any, user_pool_id: str) -> str:
    """A resource server ``https://api.example.com`` with scopes read and write."""
    cognito_idp.create_resource_server(
        UserPoolId=user_pool_id, Identifier="https://api.example.com", Name="api", Scopes=SCOPES
    )
    return "https://api.example.com"


def refused(cognito_idp: Any, pool_id: str, **members: Any) -> tuple[str, str]:
    with pytest.raises(ClientError) as excinfo:
        cognito_idp.create_user_pool_client(UserPoolId=pool_id, ClientName="c", **members)
    return error_of(excinfo)


def test_code_flow_client_is_stored_and_described(cognito_idp: Any, user_pool_id: str) -> None:
    client = cognito_idp.create_user_pool_client(UserPoolId=user_pool_id, ClientName="web", **WEB)[
        "UserPoolClient"
    ]
    described = cognito_idp.describe_user_pool_client(
        UserPoolId=user_pool_id, ClientId=client["ClientId"]
    )["UserPoolClient"]
    for member, value in WEB.items():
        assert client[member] == value
        assert described[member] == value


def test_client_credentials_with_custom_scopes(
    cognito_idp: Any, user_pool_id: str, api: str
) -> None:
    client = cognito_idp.create_user_pool_client(
        UserPoolId=user_pool_id,
        ClientName="m2m",
        GenerateSecret=True,
        AllowedOAuthFlowsUserPoolClient=True,
        AllowedOAuthFlows=["client_credentials"],
        AllowedOAuthScopes=[f"{api}/read", f"{api}/write"],
    )["UserPoolClient"]
    assert client["AllowedOAuthFlows"] == ["client_credentials"]
    assert client["AllowedOAuthScopes"] == [f"{api}/read", f"{api}/write"]


def test_client_credentials_rules(cognito_idp: Any, user_pool_id: str, api: str) -> None:
    m2m = {
        "AllowedOAuthFlowsUserPoolClient": True,
        "AllowedOAuthFlows": ["client_credentials"],
        "AllowedOAuthScopes": [f"{api}/read"],
    }
    assert refused(cognito_idp, user_pool_id, **m2m) == (
        "InvalidOAuthFlowException",
        "client_credentials flow can not be selected if client does not have a client secret.",
    )
    combined = {**m2m, "AllowedOAuthFlows": ["client_credentials", "code"]}
    assert refused(cognito_idp, user_pool_id, GenerateSecret=True, **combined) == (
        "InvalidOAuthFlowException",
        "client_credentials flow can not be selected along with code flow or implicit flow.",
    )
    standard = {**m2m, "AllowedOAuthScopes": [f"{api}/read", "openid", "email"]}
    assert refused(cognito_idp, user_pool_id, GenerateSecret=True, **standard) == (
        "InvalidOAuthFlowException",
        "openid is not supported with client_credentials flow",
    )
    # A client with its own secret may use the flow too; without, an update is refused.
    own = cognito_idp.create_user_pool_client(
        UserPoolId=user_pool_id, ClientName="own", ClientSecret="a" * 30, **m2m
    )["UserPoolClient"]
    assert own["AllowedOAuthFlows"] == ["client_credentials"]
    public = cognito_idp.create_user_pool_client(UserPoolId=user_pool_id, ClientName="public")
    with pytest.raises(ClientError) as excinfo:
        cognito_idp.update_user_pool_client(
            UserPoolId=user_pool_id, ClientId=public["UserPoolClient"]["ClientId"], **m2m
        )
    assert error_of(excinfo)[0] == "InvalidOAuthFlowException"


def test_scopes_must_exist(cognito_idp: Any, user_pool_id: str, api: str) -> None:
    base = {"AllowedOAuthFlowsUserPoolClient": True, "AllowedOAuthFlows": ["code"]}
    base["CallbackURLs"] = ["https://app.example.com"]
    for scope in ("Cognito", f"{api}/delete", "https://other.example.com/read", "read"):
        assert refused(cognito_idp, user_pool_id, AllowedOAuthScopes=["openid", scope], **base) == (
            "ScopeDoesNotExistException",
            f"Invalid scope requested: {scope}",
        )
    client = cognito_idp.create_user_pool_client(
        UserPoolId=user_pool_id,
        ClientName="ok",
        AllowedOAuthScopes=[
            "phone",
            "email",
            "openid",
            "profile",
            "aws.cognito.signin.user.admin",
            f"{api}/write",
        ],
        **base,
    )
    assert len(client["UserPoolClient"]["AllowedOAuthScopes"]) == 6


def test_flows_and_scopes_required_when_enabled(cognito_idp: Any, user_pool_id: str) -> None:
    message = (
        "AllowedOAuthFlows and AllowedOAuthScopes are required if user pool client is allowed"
        " to use OAuth flows."
    )
    assert refused(cognito_idp, user_pool_id, AllowedOAuthFlowsUserPoolClient=True) == (
        "InvalidParameterException",
        message,
    )
    assert refused(
        cognito_idp,
        user_pool_id,
        AllowedOAuthFlowsUserPoolClient=True,
        AllowedOAuthFlows=["implicit"],
        CallbackURLs=["https://a.example.com"],
    ) == ("InvalidParameterException", message)
    assert refused(
        cognito_idp,
        user_pool_id,
        AllowedOAuthFlowsUserPoolClient=True,
        AllowedOAuthFlows=["code"],
        AllowedOAuthScopes=["openid"],
    ) == (
        "InvalidOAuthFlowException",
        "CallbackUrls can not be empty when code flow or implicit flow is selected",
    )


def test_redirect_urls(cognito_idp: Any, user_pool_id: str) -> None:
    for url in ("http://app.example.com/cb", "https://app.example.com/cb#frag", "/relative"):
        code, message = refused(cognito_idp, user_pool_id, **{**WEB, "CallbackURLs": [url]})
        assert (code, message.startswith(f"Invalid CallbackURLs: {url}.")) == (
            "InvalidParameterException",
            True,
        )
    code, message = refused(cognito_idp, user_pool_id, **{**WEB, "LogoutURLs": ["http://x.io"]})
    assert (code, message.startswith("Invalid LogoutURLs: http://x.io.")) == (
        "InvalidParameterException",
        True,
    )
    assert refused(
        cognito_idp, user_pool_id, **{**WEB, "DefaultRedirectURI": "https://elsewhere.example.com"}
    ) == ("InvalidParameterException", "DefaultRedirectURI must be one of the CallbackURLs.")
    loopbacks = ["http://localhost/cb", "http://127.0.0.1:8080/cb", "http://[::1]:9/", "myapp://cb"]
    members = {**WEB, "CallbackURLs": loopbacks, "DefaultRedirectURI": "myapp://cb"}
    client = cognito_idp.create_user_pool_client(UserPoolId=user_pool_id, ClientName="c", **members)
    assert client["UserPoolClient"]["CallbackURLs"] == loopbacks


def test_identity_providers_must_exist(cognito_idp: Any, user_pool_id: str) -> None:
    assert refused(
        cognito_idp, user_pool_id, **{**WEB, "SupportedIdentityProviders": ["COGNITO", "Google"]}
    ) == (
        "InvalidParameterException",
        f"The provider Google does not exist for User Pool {user_pool_id}",
    )


def test_refused_update_changes_nothing(cognito_idp: Any, user_pool_id: str) -> None:
    client_id = cognito_idp.create_user_pool_client(
        UserPoolId=user_pool_id, ClientName="web", **WEB
    )["UserPoolClient"]["ClientId"]
    with pytest.raises(ClientError):
        cognito_idp.update_user_pool_client(
            UserPoolId=user_pool_id, ClientId=client_id, **{**WEB, "AllowedOAuthScopes": ["nope/x"]}
        )
    described = cognito_idp.describe_user_pool_client(UserPoolId=user_pool_id, ClientId=client_id)
    assert described["UserPoolClient"]["AllowedOAuthScopes"] == WEB["AllowedOAuthScopes"]


def test_client_resource_scopes(
    cognito_idp: Any, user_pool_id: str, api: str, userpools_server: Any
) -> None:
    """What the token endpoint grants a client-credentials client: its custom scopes that a
    resource server still defines, in the client's order."""
    client_id = cognito_idp.create_user_pool_client(
        UserPoolId=user_pool_id,
        ClientName="m2m",
        GenerateSecret=True,
        AllowedOAuthFlowsUserPoolClient=True,
        AllowedOAuthFlows=["client_credentials"],
        AllowedOAuthScopes=[f"{api}/write", f"{api}/read"],
    )["UserPoolClient"]["ClientId"]
    store = userpools_server.server.store

    def granted() -> tuple[str, ...]:
        def run(tx: Any) -> tuple[str, ...]:
            pool = tx.get_pool(user_pool_id)
            return client_resource_scopes(tx, pool, tx.get_client(pool, client_id))

        result: tuple[str, ...] = store.read(run)
        return result

    assert granted() == (f"{api}/write", f"{api}/read")
    cognito_idp.update_resource_server(
        UserPoolId=user_pool_id, Identifier=api, Name="api", Scopes=SCOPES[:1]
    )
    assert granted() == (f"{api}/read",)
    cognito_idp.delete_resource_server(UserPoolId=user_pool_id, Identifier=api)
    assert granted() == ()


def test_deleting_a_resource_server_keeps_clients(
    cognito_idp: Any, user_pool_id: str, api: str
) -> None:
    """AWS lets a resource server (or a scope) go while clients allow its scopes; the clients
    keep their list, and only a new configuration naming the scope is refused."""
    m2m = {
        "GenerateSecret": True,
        "AllowedOAuthFlowsUserPoolClient": True,
        "AllowedOAuthFlows": ["client_credentials"],
        "AllowedOAuthScopes": [f"{api}/read"],
    }
    client_id = cognito_idp.create_user_pool_client(
        UserPoolId=user_pool_id, ClientName="m2m", **m2m
    )["UserPoolClient"]["ClientId"]
    cognito_idp.delete_resource_server(UserPoolId=user_pool_id, Identifier=api)
    described = cognito_idp.describe_user_pool_client(UserPoolId=user_pool_id, ClientId=client_id)
    assert described["UserPoolClient"]["AllowedOAuthScopes"] == [f"{api}/read"]
    with pytest.raises(ClientError) as excinfo:
        cognito_idp.update_user_pool_client(
            UserPoolId=user_pool_id,
            ClientId=client_id,
            AllowedOAuthFlowsUserPoolClient=True,
            AllowedOAuthFlows=["client_credentials"],
            AllowedOAuthScopes=[f"{api}/read"],
        )
    assert error_of(excinfo)[0] == "ScopeDoesNotExistException"


_HOST = st.from_regex(r"[a-z][a-z0-9-]{0,20}(\.[a-z]{2,6}){1,2}", fullmatch=True)


@settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow])
@given(host=_HOST, path=st.from_regex(r"(/[a-z0-9]{0,8}){0,3}", fullmatch=True))
def test_redirect_url_rule(host: str, path: str) -> None:
    """HTTPS anywhere; HTTP only to a loopback host; never a fragment."""
    assert redirect_url_allowed(f"https://{host}{path}")
    assert not redirect_url_allowed(f"http://{host}{path}")
    assert not redirect_url_allowed(f"https://{host}{path}#x")
    for loopback in ("localhost", "127.0.0.1", "[::1]"):
        assert redirect_url_allowed(f"http://{loopback}:8000{path}")
