"""Resource servers end to end, through boto3 against the real server (both stores)."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError
from support import error_of

SCOPES = [
    {"ScopeName": "read", "ScopeDescription": "Read access"},
    {"ScopeName": "write", "ScopeDescription": "Write access"},
]


def test_create_describe_update_delete(cognito_idp: Any, user_pool_id: str) -> None:
    created = cognito_idp.create_resource_server(
        UserPoolId=user_pool_id, Identifier="https://api.example.com", Name="api", Scopes=SCOPES
    )["ResourceServer"]
    assert created == {
        "UserPoolId": user_pool_id,
        "Identifier": "https://api.example.com",
        "Name": "api",
        "Scopes": SCOPES,
    }
    described = cognito_idp.describe_resource_server(
        UserPoolId=user_pool_id, Identifier="https://api.example.com"
    )["ResourceServer"]
    assert described == created

    # Update replaces the name and every scope; scopes left out are gone.
    updated = cognito_idp.update_resource_server(
        UserPoolId=user_pool_id,
        Identifier="https://api.example.com",
        Name="renamed",
        Scopes=SCOPES[1:],
    )["ResourceServer"]
    assert (updated["Name"], updated["Scopes"]) == ("renamed", SCOPES[1:])
    cognito_idp.update_resource_server(
        UserPoolId=user_pool_id, Identifier="https://api.example.com", Name="bare"
    )
    bare = cognito_idp.describe_resource_server(
        UserPoolId=user_pool_id, Identifier="https://api.example.com"
    )["ResourceServer"]
    assert (bare["Name"], bare["Scopes"]) == ("bare", [])

    cognito_idp.delete_resource_server(
        UserPoolId=user_pool_id, Identifier="https://api.example.com"
    )
    with pytest.raises(ClientError) as excinfo:
        cognito_idp.describe_resource_server(
            UserPoolId=user_pool_id, Identifier="https://api.example.com"
        )
    assert error_of(excinfo) == (
        "ResourceNotFoundException",
        "Resource server https://api.example.com does not exist.",
    )


def test_identifier_is_unique_in_its_pool_only(cognito_idp: Any, user_pool_id: str) -> None:
    cognito_idp.create_resource_server(UserPoolId=user_pool_id, Identifier="orders", Name="a")
    with pytest.raises(ClientError) as excinfo:
        cognito_idp.create_resource_server(UserPoolId=user_pool_id, Identifier="orders", Name="b")
    assert error_of(excinfo) == (
        "InvalidParameterException",
        f"orders already exists in user pool {user_pool_id}.",
    )
    other = cognito_idp.create_user_pool(PoolName="other")["UserPool"]["Id"]
    try:
        cognito_idp.create_resource_server(UserPoolId=other, Identifier="orders", Name="b")
    finally:
        cognito_idp.delete_user_pool(UserPoolId=other)
    kept = cognito_idp.describe_resource_server(UserPoolId=user_pool_id, Identifier="orders")
    assert kept["ResourceServer"]["Name"] == "a"


def test_scope_names_are_unique_and_checked(cognito_idp: Any, user_pool_id: str) -> None:
    twice = [SCOPES[0], {"ScopeName": "read", "ScopeDescription": "again"}]
    with pytest.raises(ClientError) as excinfo:
        cognito_idp.create_resource_server(
            UserPoolId=user_pool_id, Identifier="api", Name="api", Scopes=twice
        )
    assert error_of(excinfo) == ("InvalidParameterException", "Scope read appears more than once.")
    # The model's pattern leaves '/' out of scope names (it separates them from identifiers).
    with pytest.raises(ClientError) as excinfo:
        cognito_idp.create_resource_server(
            UserPoolId=user_pool_id,
            Identifier="api",
            Name="api",
            Scopes=[{"ScopeName": "a/b", "ScopeDescription": "x"}],
        )
    assert error_of(excinfo)[0] == "InvalidParameterException"
    assert cognito_idp.list_resource_servers(UserPoolId=user_pool_id)["ResourceServers"] == []


def test_quota_of_25_per_pool(cognito_idp: Any, user_pool_id: str) -> None:
    for n in range(25):
        cognito_idp.create_resource_server(UserPoolId=user_pool_id, Identifier=f"s{n}", Name="s")
    with pytest.raises(ClientError) as excinfo:
        cognito_idp.create_resource_server(UserPoolId=user_pool_id, Identifier="s25", Name="s")
    assert error_of(excinfo) == (
        "LimitExceededException",
        "The user pool has the maximum of 25 resource servers.",
    )


def test_list_pages_with_sealed_tokens(cognito_idp: Any, user_pool_id: str) -> None:
    identifiers = sorted(f"server-{n:02}" for n in range(7))
    for identifier in reversed(identifiers):
        cognito_idp.create_resource_server(
            UserPoolId=user_pool_id, Identifier=identifier, Name="n", Scopes=SCOPES[:1]
        )
    seen: list[str] = []
    token: str | None = None
    pages = 0
    while True:
        kwargs: dict[str, Any] = {"UserPoolId": user_pool_id, "MaxResults": 3}
        if token:
            kwargs["NextToken"] = token
        page = cognito_idp.list_resource_servers(**kwargs)
        pages += 1
        seen += [s["Identifier"] for s in page["ResourceServers"]]
        assert all(s["Scopes"] == SCOPES[:1] for s in page["ResourceServers"])
        token = page.get("NextToken")
        if not token:
            break
    assert (seen, pages) == (identifiers, 3)
    # boto3's paginator reads the same pages.
    paginator = cognito_idp.get_paginator("list_resource_servers")
    listed = [
        s["Identifier"]
        for page in paginator.paginate(UserPoolId=user_pool_id, PaginationConfig={"PageSize": 2})
        for s in page["ResourceServers"]
    ]
    assert listed == identifiers
    with pytest.raises(ClientError) as excinfo:
        cognito_idp.list_resource_servers(UserPoolId=user_pool_id, NextToken="bm90LWEtdG9rZW4")
    assert error_of(excinfo) == ("InvalidParameterException", "Invalid pagination token.")


def test_unknown_pool(cognito_idp: Any) -> None:
    with pytest.raises(ClientError) as excinfo:
        cognito_idp.list_resource_servers(UserPoolId="us-east-1_nothere")
    assert error_of(excinfo) == (
        "ResourceNotFoundException",
        "User pool us-east-1_nothere does not exist.",
    )


def test_deleted_with_its_pool(cognito_idp: Any) -> None:
    pool_id = cognito_idp.create_user_pool(PoolName="gone")["UserPool"]["Id"]
    cognito_idp.create_resource_server(UserPoolId=pool_id, Identifier="api", Name="api")
    cognito_idp.delete_user_pool(UserPoolId=pool_id)
    with pytest.raises(ClientError) as excinfo:
        cognito_idp.describe_resource_server(UserPoolId=pool_id, Identifier="api")
    assert error_of(excinfo)[0] == "ResourceNotFoundException"
