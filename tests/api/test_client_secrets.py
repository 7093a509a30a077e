"""App client secrets: AddUserPoolClientSecret, DeleteUserPoolClientSecret,
ListUserPoolClientSecrets, and SECRET_HASH and ClientSecret checks under any current secret."""

from __future__ import annotations

import base64
import hashlib
import hmac
from typing import Any

import pytest
from botocore.exceptions import ClientError
from support import error_of

PASSWORD = "Correct-horse-1"


def secret_hash(secret: str, username: str, client_id: str) -> str:
    mac = hmac.new(secret.encode(), (username + client_id).encode(), hashlib.sha256)
    return base64.b64encode(mac.digest()).decode()


@pytest.fixture
def app(cognito_idp: Any, user_pool_id: str) -> tuple[str, str, str]:
    """(pool id, client id, first secret) of a confidential client, and a user "ann"."""
    made = cognito_idp.create_user_pool_client(
        UserPoolId=user_pool_id,
        ClientName="confidential",
        GenerateSecret=True,
        ExplicitAuthFlows=["ALLOW_ADMIN_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
    )["UserPoolClient"]
    cognito_idp.admin_create_user(UserPoolId=user_pool_id, Username="ann", MessageAction="SUPPRESS")
    cognito_idp.admin_set_user_password(
        UserPoolId=user_pool_id, Username="ann", Password=PASSWORD, Permanent=True
    )
    return user_pool_id, made["ClientId"], made["ClientSecret"]


def sign_in(idp: Any, pool_id: str, client_id: str, secret: str) -> Any:
    return idp.admin_initiate_auth(
        UserPoolId=pool_id,
        ClientId=client_id,
        AuthFlow="ADMIN_USER_PASSWORD_AUTH",
        AuthParameters={
            "USERNAME": "ann",
            "PASSWORD": PASSWORD,
            "SECRET_HASH": secret_hash(secret, "ann", client_id),
        },
    )


def test_the_created_secret_is_listed(cognito_idp: Any, app: tuple[str, str, str]) -> None:
    pool_id, client_id, _ = app
    listed = cognito_idp.list_user_pool_client_secrets(UserPoolId=pool_id, ClientId=client_id)
    (only,) = listed["ClientSecrets"]
    assert only["ClientSecretId"].startswith(client_id + "--")
    assert "ClientSecretValue" not in only
    assert "NextToken" not in listed


def test_rotation_with_a_generated_secret(cognito_idp: Any, app: tuple[str, str, str]) -> None:
    pool_id, client_id, first = app
    added = cognito_idp.add_user_pool_client_secret(UserPoolId=pool_id, ClientId=client_id)
    descriptor = added["ClientSecretDescriptor"]
    second = descriptor["ClientSecretValue"]
    assert len(second) == 52 and second != first
    # Both secrets sign in while both are current.
    assert "AuthenticationResult" in sign_in(cognito_idp, pool_id, client_id, first)
    assert "AuthenticationResult" in sign_in(cognito_idp, pool_id, client_id, second)
    listed = cognito_idp.list_user_pool_client_secrets(UserPoolId=pool_id, ClientId=client_id)
    ids = [s["ClientSecretId"] for s in listed["ClientSecrets"]]
    assert ids[1] == descriptor["ClientSecretId"] and len(ids) == 2
    # The first goes: the second is the one left, and the one DescribeUserPoolClient shows.
    cognito_idp.delete_user_pool_client_secret(
        UserPoolId=pool_id, ClientId=client_id, ClientSecretId=ids[0]
    )
    with pytest.raises(ClientError) as excinfo:
        sign_in(cognito_idp, pool_id, client_id, first)
    assert error_of(excinfo) == (
        "NotAuthorizedException",
        f"Unable to verify secret hash for client {client_id}",
    )
    assert "AuthenticationResult" in sign_in(cognito_idp, pool_id, client_id, second)
    described = cognito_idp.describe_user_pool_client(UserPoolId=pool_id, ClientId=client_id)
    assert described["UserPoolClient"]["ClientSecret"] == second


def test_own_secret_is_not_echoed_and_works(cognito_idp: Any, app: tuple[str, str, str]) -> None:
    pool_id, client_id, _ = app
    mine = "my0own0secret0of0thirty0two0chars"
    added = cognito_idp.add_user_pool_client_secret(
        UserPoolId=pool_id, ClientId=client_id, ClientSecret=mine
    )
    assert "ClientSecretValue" not in added["ClientSecretDescriptor"]
    assert "AuthenticationResult" in sign_in(cognito_idp, pool_id, client_id, mine)


def test_revoke_token_accepts_either_secret(cognito_idp: Any, app: tuple[str, str, str]) -> None:
    pool_id, client_id, first = app
    added = cognito_idp.add_user_pool_client_secret(UserPoolId=pool_id, ClientId=client_id)
    second = added["ClientSecretDescriptor"]["ClientSecretValue"]
    for secret in (first, second):
        token = sign_in(cognito_idp, pool_id, client_id, first)["AuthenticationResult"]
        cognito_idp.revoke_token(
            Token=token["RefreshToken"], ClientId=client_id, ClientSecret=secret
        )


def test_at_most_two_secrets(cognito_idp: Any, app: tuple[str, str, str]) -> None:
    pool_id, client_id, _ = app
    cognito_idp.add_user_pool_client_secret(UserPoolId=pool_id, ClientId=client_id)
    with pytest.raises(ClientError) as excinfo:
        cognito_idp.add_user_pool_client_secret(UserPoolId=pool_id, ClientId=client_id)
    assert error_of(excinfo) == (
        "LimitExceededException",
        "An app client can have at most 2 client secrets.",
    )
    listed = cognito_idp.list_user_pool_client_secrets(UserPoolId=pool_id, ClientId=client_id)
    assert len(listed["ClientSecrets"]) == 2


def test_the_last_secret_stays(cognito_idp: Any, app: tuple[str, str, str]) -> None:
    pool_id, client_id, first = app
    listed = cognito_idp.list_user_pool_client_secrets(UserPoolId=pool_id, ClientId=client_id)
    (only,) = listed["ClientSecrets"]
    with pytest.raises(ClientError) as excinfo:
        cognito_idp.delete_user_pool_client_secret(
            UserPoolId=pool_id, ClientId=client_id, ClientSecretId=only["ClientSecretId"]
        )
    assert error_of(excinfo) == (
        "InvalidParameterException",
        "You cannot delete the last remaining secret for an app client.",
    )
    with pytest.raises(ClientError) as excinfo:
        cognito_idp.delete_user_pool_client_secret(
            UserPoolId=pool_id, ClientId=client_id, ClientSecretId="nope"
        )
    assert error_of(excinfo) == ("ResourceNotFoundException", "Client secret nope does not exist.")
    assert "AuthenticationResult" in sign_in(cognito_idp, pool_id, client_id, first)


def test_public_clients_and_unknown_clients(cognito_idp: Any, user_pool_id: str) -> None:
    public = cognito_idp.create_user_pool_client(UserPoolId=user_pool_id, ClientName="public")
    client_id = public["UserPoolClient"]["ClientId"]
    with pytest.raises(ClientError) as excinfo:
        cognito_idp.add_user_pool_client_secret(UserPoolId=user_pool_id, ClientId=client_id)
    assert error_of(excinfo) == (
        "InvalidParameterException",
        f"User pool client {client_id} has no client secret.",
    )
    listed = cognito_idp.list_user_pool_client_secrets(UserPoolId=user_pool_id, ClientId=client_id)
    assert listed["ClientSecrets"] == []
    with pytest.raises(ClientError) as excinfo:
        cognito_idp.list_user_pool_client_secrets(UserPoolId=user_pool_id, ClientId="nothere")
    assert error_of(excinfo) == (
        "ResourceNotFoundException",
        "User pool client nothere does not exist.",
    )
    with pytest.raises(ClientError) as excinfo:
        cognito_idp.list_user_pool_client_secrets(
            UserPoolId=user_pool_id, ClientId=client_id, NextToken="forged"
        )
    assert error_of(excinfo) == ("InvalidParameterException", "Invalid pagination token.")


def test_a_secret_against_the_pattern_is_refused(
    cognito_idp: Any, app: tuple[str, str, str]
) -> None:
    pool_id, client_id, _ = app
    with pytest.raises(ClientError) as excinfo:
        cognito_idp.add_user_pool_client_secret(
            UserPoolId=pool_id, ClientId=client_id, ClientSecret="not-a-valid-secret-at-all-here"
        )
    code, message = error_of(excinfo)
    assert code == "InvalidParameterException" and "not-a-valid" not in message
