"""Create/Describe/Update/Delete/ListUserPoolClients; Add/Delete/ListUserPoolClientSecrets."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, cast

from userpools.domain.clients import DEFAULT_AUTH_FLOWS
from userpools.domain.models import AppClient, ClientSecret, ClientSettings
from userpools.operations import render
from userpools.operations.services import Operation, Services
from userpools.protocol.dispatch import RequestContext
from userpools.protocol.shapes import (
    AddUserPoolClientSecretRequest,
    AddUserPoolClientSecretResponse,
    ClientSecretDescriptorType,
    CreateUserPoolClientRequest,
    CreateUserPoolClientResponse,
    DeleteUserPoolClientRequest,
    DeleteUserPoolClientSecretRequest,
    DeleteUserPoolClientSecretResponse,
    DescribeUserPoolClientRequest,
    DescribeUserPoolClientResponse,
    ListUserPoolClientSecretsRequest,
    ListUserPoolClientSecretsResponse,
    ListUserPoolClientsRequest,
    ListUserPoolClientsResponse,
    UpdateUserPoolClientRequest,
    UpdateUserPoolClientResponse,
    UserPoolClientType,
)

_UNIT_SECONDS = {"seconds": 1, "minutes": 60, "hours": 3600, "days": 86400}
# (member, TokenValidityUnits key, default value, default unit) as AWS applies them; the
# defaults are echoed as 60 minutes / 60 minutes / 30 days.
_VALIDITIES = (
    ("AccessTokenValidity", "AccessToken", 60, "minutes", "hours"),
    ("IdTokenValidity", "IdToken", 60, "minutes", "hours"),
    ("RefreshTokenValidity", "RefreshToken", 30, "days", "days"),
)
# Members that are ours to interpret, not echoed from the request as they are.
_NOT_ECHOED = frozenset(
    {"UserPoolId", "ClientName", "ClientId", "GenerateSecret", "ClientSecret"}
    | {member for member, *_ in _VALIDITIES}
    | {"TokenValidityUnits"}
)


def _configuration(p: Mapping[str, Any]) -> tuple[ClientSettings, dict[str, Any]]:
    """The domain settings and the full wire configuration of a create or update."""
    units_in = dict(p.get("TokenValidityUnits") or {})
    document: dict[str, Any] = {
        "ExplicitAuthFlows": list(p.get("ExplicitAuthFlows") or DEFAULT_AUTH_FLOWS),
        "PreventUserExistenceErrors": p.get("PreventUserExistenceErrors", "LEGACY"),
        "EnableTokenRevocation": p.get("EnableTokenRevocation", True),
        "EnablePropagateAdditionalUserContextData": p.get(
            "EnablePropagateAdditionalUserContextData", False
        ),
        "AllowedOAuthFlowsUserPoolClient": p.get("AllowedOAuthFlowsUserPoolClient", False),
        "AuthSessionValidity": p.get("AuthSessionValidity", 3),
        "RefreshTokenRotation": _rotation(p.get("RefreshTokenRotation")),
    }
    for name, value in p.items():
        if name not in _NOT_ECHOED and name not in document:
            document[name] = value
    seconds: dict[str, int] = {}
    units_out: dict[str, str] = {}
    for member, key, default_value, default_unit, implied_unit in _VALIDITIES:
        value = p.get(member)
        if value is None or (member == "RefreshTokenValidity" and value == 0):
            value, unit = default_value, default_unit
        else:
            unit = units_in.get(key, implied_unit)
        document[member] = value
        units_out[key] = unit
        seconds[key] = value * _UNIT_SECONDS[unit]
    document["TokenValidityUnits"] = units_out
    settings = ClientSettings(
        explicit_auth_flows=tuple(document["ExplicitAuthFlows"]),
        access_token_seconds=seconds["AccessToken"],
        id_token_seconds=seconds["IdToken"],
        refresh_token_seconds=seconds["RefreshToken"],
        prevent_user_existence_errors=document["PreventUserExistenceErrors"] == "ENABLED",
        enable_token_revocation=bool(document["EnableTokenRevocation"]),
        auth_session_minutes=int(document["AuthSessionValidity"]),
        read_attributes=tuple(p["ReadAttributes"]) if "ReadAttributes" in p else None,
        write_attributes=tuple(p["WriteAttributes"]) if "WriteAttributes" in p else None,
        rotate_refresh_tokens=document["RefreshTokenRotation"]["Feature"] == "ENABLED",
        retry_grace_seconds=document["RefreshTokenRotation"]["RetryGracePeriodSeconds"],
        oauth_enabled=bool(document["AllowedOAuthFlowsUserPoolClient"]),
        oauth_flows=tuple(p.get("AllowedOAuthFlows") or ()),
        oauth_scopes=tuple(p.get("AllowedOAuthScopes") or ()),
        callback_urls=tuple(p.get("CallbackURLs") or ()),
        logout_urls=tuple(p.get("LogoutURLs") or ()),
        default_redirect_uri=p.get("DefaultRedirectURI"),
        identity_providers=tuple(p.get("SupportedIdentityProviders") or ()),
    )
    return settings, document


def _rotation(given: Mapping[str, Any] | None) -> dict[str, Any]:
    """``RefreshTokenRotation`` as DescribeUserPoolClient shows it: AWS answers the disabled
    default when it was left out, and a grace period of 0 when none was given."""
    given = given or {}
    return {
        "Feature": given.get("Feature", "DISABLED"),
        "RetryGracePeriodSeconds": given.get("RetryGracePeriodSeconds", 0),
    }


def client_type(client: AppClient, pool_id: str) -> UserPoolClientType:
    # The stored document holds request members in wire form (validated when they came);
    # the output check of the test servers confirms that they fit UserPoolClientType.
    rendered: UserPoolClientType = {
        **cast(UserPoolClientType, client.document),
        "UserPoolId": pool_id,
        "ClientName": client.name,
        "ClientId": client.client_id,
    }
    if client.secret is not None:
        rendered["ClientSecret"] = client.secret
    rendered["LastModifiedDate"] = render.when(client.updated_at)
    rendered["CreationDate"] = render.when(client.created_at)
    return rendered


def create_user_pool_client(
    s: Services, p: CreateUserPoolClientRequest, ctx: RequestContext
) -> CreateUserPoolClientResponse:
    settings, document = _configuration(p)
    client = s.clients.create(
        ctx.region,
        p["UserPoolId"],
        p["ClientName"],
        settings,
        document,
        generate_secret=bool(p.get("GenerateSecret", False)),
        secret=p.get("ClientSecret"),
    )
    return {"UserPoolClient": client_type(client, p["UserPoolId"])}


def describe_user_pool_client(
    s: Services, p: DescribeUserPoolClientRequest, ctx: RequestContext
) -> DescribeUserPoolClientResponse:
    client = s.clients.describe(ctx.region, p["UserPoolId"], p["ClientId"])
    return {"UserPoolClient": client_type(client, p["UserPoolId"])}


def update_user_pool_client(
    s: Services, p: UpdateUserPoolClientRequest, ctx: RequestContext
) -> UpdateUserPoolClientResponse:
    def change(client: AppClient) -> tuple[str, ClientSettings, Mapping[str, Any]]:
        settings, document = _configuration(p)
        return p.get("ClientName", client.name), settings, document

    client = s.clients.update(ctx.region, p["UserPoolId"], p["ClientId"], change)
    return {"UserPoolClient": client_type(client, p["UserPoolId"])}


def delete_user_pool_client(
    s: Services, p: DeleteUserPoolClientRequest, ctx: RequestContext
) -> None:
    s.clients.delete(ctx.region, p["UserPoolId"], p["ClientId"])


def list_user_pool_clients(
    s: Services, p: ListUserPoolClientsRequest, ctx: RequestContext
) -> ListUserPoolClientsResponse:
    pool_id = p["UserPoolId"]
    page = s.clients.list_clients(
        ctx.region, pool_id, p.get("MaxResults") or 60, p.get("NextToken")
    )
    result: ListUserPoolClientsResponse = {
        "UserPoolClients": [
            {"ClientId": c.client_id, "UserPoolId": pool_id, "ClientName": c.name}
            for c in page.items
        ]
    }
    if page.next_token is not None:
        result["NextToken"] = page.next_token
    return result


def _secret_descriptor(secret: ClientSecret, *, value: bool) -> ClientSecretDescriptorType:
    described: ClientSecretDescriptorType = {
        "ClientSecretId": secret.secret_id,
        "ClientSecretCreateDate": render.when(secret.created_at),
    }
    if value:
        described["ClientSecretValue"] = secret.value
    return described


def add_user_pool_client_secret(
    s: Services, p: AddUserPoolClientSecretRequest, ctx: RequestContext
) -> AddUserPoolClientSecretResponse:
    given = p.get("ClientSecret")
    secret = s.clients.add_secret(ctx.region, p["UserPoolId"], p["ClientId"], given)
    # AWS returns the value only when it generated it: the caller already has its own.
    return {"ClientSecretDescriptor": _secret_descriptor(secret, value=given is None)}


def delete_user_pool_client_secret(
    s: Services, p: DeleteUserPoolClientSecretRequest, ctx: RequestContext
) -> DeleteUserPoolClientSecretResponse:
    s.clients.delete_secret(ctx.region, p["UserPoolId"], p["ClientId"], p["ClientSecretId"])
    return {}


def list_user_pool_client_secrets(
    s: Services, p: ListUserPoolClientSecretsRequest, ctx: RequestContext
) -> ListUserPoolClientSecretsResponse:
    secrets = s.clients.list_secrets(ctx.region, p["UserPoolId"], p["ClientId"], p.get("NextToken"))
    return {"ClientSecrets": [_secret_descriptor(secret, value=False) for secret in secrets]}


OPERATIONS: dict[str, Operation] = {
    "CreateUserPoolClient": create_user_pool_client,
    "DescribeUserPoolClient": describe_user_pool_client,
    "UpdateUserPoolClient": update_user_pool_client,
    "DeleteUserPoolClient": delete_user_pool_client,
    "ListUserPoolClients": list_user_pool_clients,
    "AddUserPoolClientSecret": add_user_pool_client_secret,
    "DeleteUserPoolClientSecret": delete_user_pool_client_secret,
    "ListUserPoolClientSecrets": list_user_pool_client_secrets,
}
