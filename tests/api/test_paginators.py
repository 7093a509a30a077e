"""Every paginated operation honours its paginators-1.json definition, through botocore.

botocore's paginator reads the token, limit and result member names from the same
definitions that ``protocol/shapes.py`` exposes as ``PAGINATORS``. Paging one item at a time
through each implemented paginated operation must yield every item once.
"""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from userpools.operations import implemented
from userpools.protocol.shapes import PAGINATORS
from userpools.testing import RunningServer

COUNT = 3


def _listing(operation: str, server: RunningServer) -> tuple[Any, dict[str, Any], list[str]]:
    """A client, the operation's parameters and the names it must list, all made here."""
    # A region of its own, so that ListUserPools sees only this test's pools.
    client = server.client(region=f"eu-west-{uuid.uuid4().int % 1000}")
    pool = client.create_user_pool(PoolName="paginators")["UserPool"]["Id"]
    names = [f"item-{i}" for i in range(COUNT)]
    if operation == "ListUserPools":
        for name in names[1:]:
            client.create_user_pool(PoolName=name)
        return client, {"MaxResults": 60}, ["paginators", *names[1:]]
    if operation == "AdminListUserAuthEvents":
        return _auth_events(client)
    if operation == "ListUserPoolClients":
        for name in names:
            client.create_user_pool_client(UserPoolId=pool, ClientName=name)
        return client, {"UserPoolId": pool}, names
    if operation == "ListResourceServers":
        for name in names:
            client.create_resource_server(UserPoolId=pool, Identifier=name, Name=name)
        return client, {"UserPoolId": pool}, names
    for name in names:
        client.admin_create_user(UserPoolId=pool, Username=name, MessageAction="SUPPRESS")
        client.create_group(UserPoolId=pool, GroupName=name)
    if operation in ("ListUsers", "ListGroups"):
        return client, {"UserPoolId": pool}, names
    if operation == "ListUsersInGroup":
        for name in names:
            client.admin_add_user_to_group(UserPoolId=pool, Username=name, GroupName="item-0")
        return client, {"UserPoolId": pool, "GroupName": "item-0"}, names
    assert operation == "AdminListGroupsForUser"
    for name in names:
        client.admin_add_user_to_group(UserPoolId=pool, Username="item-0", GroupName=name)
    return client, {"UserPoolId": pool, "Username": "item-0"}, names


def _auth_events(client: Any) -> tuple[Any, dict[str, Any], list[str]]:
    """COUNT sign-ins of one user in a pool that records them; the names are the event ids
    one unpaged call lists."""
    pool = client.create_user_pool(
        PoolName="events", UserPoolAddOns={"AdvancedSecurityMode": "AUDIT"}
    )["UserPool"]["Id"]
    app = client.create_user_pool_client(
        UserPoolId=pool, ClientName="app", ExplicitAuthFlows=["ALLOW_ADMIN_USER_PASSWORD_AUTH"]
    )["UserPoolClient"]["ClientId"]
    client.admin_create_user(UserPoolId=pool, Username="ann", MessageAction="SUPPRESS")
    password = "Correct-horse-1"
    client.admin_set_user_password(
        UserPoolId=pool, Username="ann", Password=password, Permanent=True
    )
    for _ in range(COUNT):
        client.admin_initiate_auth(
            UserPoolId=pool,
            ClientId=app,
            AuthFlow="ADMIN_USER_PASSWORD_AUTH",
            AuthParameters={"USERNAME": "ann", "PASSWORD": password},
        )
    params = {"UserPoolId": pool, "Username": "ann"}
    events = client.admin_list_user_auth_events(**params, MaxResults=60)["AuthEvents"]
    return client, params, [e["EventId"] for e in events]


_NAME_OF = {
    "AuthEvents": "EventId",
    "Users": "Username",
    "Groups": "GroupName",
    "UserPools": "Name",
    "UserPoolClients": "ClientName",
    "ResourceServers": "Identifier",
}


@pytest.mark.parametrize("operation", sorted(set(PAGINATORS) & implemented()))
def test_paginated_operation_pages_through_its_paginator_definition(
    operation: str, userpools_server: RunningServer
) -> None:
    client, params, expected = _listing(operation, userpools_server)
    result_key = PAGINATORS[operation].result_key
    method = "".join("_" + c.lower() if c.isupper() else c for c in operation).lstrip("_")
    pages = list(client.get_paginator(method).paginate(**params, PaginationConfig={"PageSize": 1}))
    assert len(pages) >= COUNT
    listed = [item[_NAME_OF[result_key]] for page in pages for item in page[result_key]]
    assert sorted(listed) == sorted(expected)
