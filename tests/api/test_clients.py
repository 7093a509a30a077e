"""App clients end to end, through boto3 against the real server (both stores)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from botocore.exceptions import ClientError
from support import error_of


def test_create_user_pool_client_defaults(cognito_idp: Any, user_pool_id: str) -> None:
    client = cognito_idp.create_user_pool_client(UserPoolId=user_pool_id, ClientName="web")[
        "UserPoolClient"
    ]
    assert re.fullmatch(r"[a-z0-9]{26}", client["ClientId"])  # real ids: spec §2.1
    assert "ClientSecret" not in client
    assert client["UserPoolId"] == user_pool_id
    assert client["ClientName"] == "web"
    assert client["CreationDate"] == client["LastModifiedDate"]
    # Defaults per the model's documentation (spec §4.2).
    assert client["ExplicitAuthFlows"] == [
        "ALLOW_REFRESH_TOKEN_AUTH",
        "ALLOW_USER_SRP_AUTH",
        "ALLOW_CUSTOM_AUTH",
    ]
    assert client["PreventUserExistenceErrors"] == "LEGACY"
    assert client["EnableTokenRevocation"] is True
    assert client["AuthSessionValidity"] == 3
    assert (client["AccessTokenValidity"], client["IdTokenValidity"]) == (60, 60)
    assert client["RefreshTokenValidity"] == 30
    assert client["TokenValidityUnits"] == {
        "AccessToken": "minutes",
        "IdToken": "minutes",
        "RefreshToken": "days",
    }


def test_create_user_pool_client_generates_a_secret(cognito_idp: Any, user_pool_id: str) -> None:
    client = cognito_idp.create_user_pool_client(
        UserPoolId=user_pool_id, ClientName="server", GenerateSecret=True
    )["UserPoolClient"]
    assert re.fullmatch(r"[a-z0-9]{52}", client["ClientSecret"])
    described = cognito_idp.describe_user_pool_client(
        UserPoolId=user_pool_id, ClientId=client["ClientId"]
    )["UserPoolClient"]
    assert described["ClientSecret"] == client["ClientSecret"]


def test_create_user_pool_client_with_own_secret(cognito_idp: Any, user_pool_id: str) -> None:
    secret = "my+own+secret+of+24+chars_x"
    client = cognito_idp.create_user_pool_client(
        UserPoolId=user_pool_id, ClientName="own", ClientSecret=secret
    )["UserPoolClient"]
    assert client["ClientSecret"] == secret
    with pytest.raises(ClientError) as excinfo:
        cognito_idp.create_user_pool_client(
            UserPoolId=user_pool_id, ClientName="both", ClientSecret=secret, GenerateSecret=True
        )
    assert error_of(excinfo)[0] == "InvalidParameterException"


@pytest.mark.parametrize(
    ("validity", "ok"),
    [
        ({"AccessTokenValidity": 5, "TokenValidityUnits": {"AccessToken": "minutes"}}, True),
        ({"AccessTokenValidity": 4, "TokenValidityUnits": {"AccessToken": "minutes"}}, False),
        ({"AccessTokenValidity": 24}, True),  # hours by default
        ({"AccessTokenValidity": 25}, False),
        ({"IdTokenValidity": 1, "TokenValidityUnits": {"IdToken": "days"}}, True),
        ({"RefreshTokenValidity": 3650}, True),  # days by default
        ({"RefreshTokenValidity": 3651}, False),
        ({"RefreshTokenValidity": 59, "TokenValidityUnits": {"RefreshToken": "minutes"}}, False),
    ],
)
def test_create_user_pool_client_token_validity_ranges(
    cognito_idp: Any, user_pool_id: str, validity: dict[str, Any], ok: bool
) -> None:
    """Ranges: access/ID 5 minutes..1 day, refresh 60 minutes..10 years (spec §4.2, §8.3)."""
    if ok:
        cognito_idp.create_user_pool_client(UserPoolId=user_pool_id, ClientName="c", **validity)
        return
    with pytest.raises(ClientError) as excinfo:
        cognito_idp.create_user_pool_client(UserPoolId=user_pool_id, ClientName="c", **validity)
    assert error_of(excinfo)[0] == "InvalidParameterException"


def test_create_user_pool_client_rejects_mixed_auth_flows(
    cognito_idp: Any, user_pool_id: str
) -> None:
    with pytest.raises(ClientError) as excinfo:
        cognito_idp.create_user_pool_client(
            UserPoolId=user_pool_id,
            ClientName="c",
            ExplicitAuthFlows=["USER_PASSWORD_AUTH", "ALLOW_USER_SRP_AUTH"],
        )
    assert error_of(excinfo)[0] == "InvalidParameterException"
    with pytest.raises(ClientError) as excinfo:
        cognito_idp.create_user_pool_client(
            UserPoolId=user_pool_id, ClientName="c", ExplicitAuthFlows=["NOT_A_FLOW"]
        )
    assert error_of(excinfo)[0] == "InvalidParameterException"


def test_describe_user_pool_client_unknown(cognito_idp: Any, user_pool_id: str) -> None:
    """Message source: aws-amplify/amplify-flutter#740 (spec §4.2)."""
    with pytest.raises(ClientError) as excinfo:
        cognito_idp.describe_user_pool_client(UserPoolId=user_pool_id, ClientId="nope123")
    assert error_of(excinfo) == (
        "ResourceNotFoundException",
        "User pool client nope123 does not exist.",
    )


def test_describe_user_pool_client_is_scoped_to_its_pool(cognito_idp: Any) -> None:
    pools = [cognito_idp.create_user_pool(PoolName=f"p{i}")["UserPool"]["Id"] for i in range(2)]
    try:
        client_id = cognito_idp.create_user_pool_client(UserPoolId=pools[0], ClientName="c")[
            "UserPoolClient"
        ]["ClientId"]
        with pytest.raises(ClientError) as excinfo:
            cognito_idp.describe_user_pool_client(UserPoolId=pools[1], ClientId=client_id)
        assert error_of(excinfo)[0] == "ResourceNotFoundException"
    finally:
        for pool_id in pools:
            cognito_idp.delete_user_pool(UserPoolId=pool_id)


def test_update_user_pool_client_replaces_configuration(
    cognito_idp: Any, user_pool_id: str
) -> None:
    created = cognito_idp.create_user_pool_client(
        UserPoolId=user_pool_id,
        ClientName="web",
        GenerateSecret=True,
        ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
        ReadAttributes=["email"],
    )["UserPoolClient"]
    updated = cognito_idp.update_user_pool_client(
        UserPoolId=user_pool_id,
        ClientId=created["ClientId"],
        PreventUserExistenceErrors="ENABLED",
        AccessTokenValidity=2,
    )["UserPoolClient"]
    assert updated["ClientName"] == "web"  # kept when omitted
    assert updated["ClientSecret"] == created["ClientSecret"]
    assert updated["PreventUserExistenceErrors"] == "ENABLED"
    assert updated["AccessTokenValidity"] == 2
    assert updated["TokenValidityUnits"]["AccessToken"] == "hours"
    # Replace semantics: what the update leaves out returns to its default.
    assert updated["ExplicitAuthFlows"] == [
        "ALLOW_REFRESH_TOKEN_AUTH",
        "ALLOW_USER_SRP_AUTH",
        "ALLOW_CUSTOM_AUTH",
    ]
    assert "ReadAttributes" not in updated
    described = cognito_idp.describe_user_pool_client(
        UserPoolId=user_pool_id, ClientId=created["ClientId"]
    )["UserPoolClient"]
    assert described == updated


def test_delete_user_pool_client(cognito_idp: Any, user_pool_id: str) -> None:
    client_id = cognito_idp.create_user_pool_client(UserPoolId=user_pool_id, ClientName="c")[
        "UserPoolClient"
    ]["ClientId"]
    cognito_idp.delete_user_pool_client(UserPoolId=user_pool_id, ClientId=client_id)
    with pytest.raises(ClientError) as excinfo:
        cognito_idp.delete_user_pool_client(UserPoolId=user_pool_id, ClientId=client_id)
    assert error_of(excinfo)[0] == "ResourceNotFoundException"


def test_list_user_pool_clients_pages(cognito_idp: Any, user_pool_id: str) -> None:
    created = {
        cognito_idp.create_user_pool_client(UserPoolId=user_pool_id, ClientName=f"c{i}")[
            "UserPoolClient"
        ]["ClientId"]: f"c{i}"
        for i in range(7)
    }
    paginator = cognito_idp.get_paginator("list_user_pool_clients")
    pages = list(paginator.paginate(UserPoolId=user_pool_id, MaxResults=3))
    assert [len(p["UserPoolClients"]) for p in pages] == [3, 3, 1]
    listed = [c for p in pages for c in p["UserPoolClients"]]
    assert [c["ClientId"] for c in listed] == sorted(created)
    assert all(c["ClientName"] == created[c["ClientId"]] for c in listed)
    assert all(c["UserPoolId"] == user_pool_id for c in listed)


def test_delete_user_pool_removes_its_clients(cognito_idp: Any) -> None:
    pool_id = cognito_idp.create_user_pool(PoolName="doomed")["UserPool"]["Id"]
    client_id = cognito_idp.create_user_pool_client(UserPoolId=pool_id, ClientName="c")[
        "UserPoolClient"
    ]["ClientId"]
    cognito_idp.delete_user_pool(UserPoolId=pool_id)
    with pytest.raises(ClientError) as excinfo:
        cognito_idp.describe_user_pool_client(UserPoolId=pool_id, ClientId=client_id)
    assert error_of(excinfo)[0] == "ResourceNotFoundException"
