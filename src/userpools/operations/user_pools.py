"""CreateUserPool, DescribeUserPool, UpdateUserPool, DeleteUserPool, ListUserPools."""

from __future__ import annotations

from userpools.operations.pool_wire import pool_description, pool_type, requested_config
from userpools.operations.services import Operation, Services
from userpools.protocol.dispatch import RequestContext
from userpools.protocol.shapes import (
    CreateUserPoolRequest,
    CreateUserPoolResponse,
    DeleteUserPoolRequest,
    DescribeUserPoolRequest,
    DescribeUserPoolResponse,
    ListUserPoolsRequest,
    ListUserPoolsResponse,
    UpdateUserPoolRequest,
    UpdateUserPoolResponse,
)


def create_user_pool(
    s: Services, p: CreateUserPoolRequest, ctx: RequestContext
) -> CreateUserPoolResponse:
    pool = s.pools.create(ctx.region, p["PoolName"], requested_config(p))
    return {"UserPool": pool_type(pool, 0)}


def describe_user_pool(
    s: Services, p: DescribeUserPoolRequest, ctx: RequestContext
) -> DescribeUserPoolResponse:
    pool, users = s.pools.describe(ctx.region, p["UserPoolId"])
    return {"UserPool": pool_type(pool, users)}


def update_user_pool(
    s: Services, p: UpdateUserPoolRequest, ctx: RequestContext
) -> UpdateUserPoolResponse:
    s.pools.update(ctx.region, p["UserPoolId"], p.get("PoolName"), requested_config(p))
    return {}


def delete_user_pool(s: Services, p: DeleteUserPoolRequest, ctx: RequestContext) -> None:
    s.pools.delete(ctx.region, p["UserPoolId"])


def list_user_pools(
    s: Services, p: ListUserPoolsRequest, ctx: RequestContext
) -> ListUserPoolsResponse:
    page = s.pools.list_pools(ctx.region, p["MaxResults"], p.get("NextToken"), ctx.pools)
    result: ListUserPoolsResponse = {"UserPools": [pool_description(pool) for pool in page.items]}
    if page.next_token is not None:
        result["NextToken"] = page.next_token
    return result


OPERATIONS: dict[str, Operation] = {
    "CreateUserPool": create_user_pool,
    "DescribeUserPool": describe_user_pool,
    "UpdateUserPool": update_user_pool,
    "DeleteUserPool": delete_user_pool,
    "ListUserPools": list_user_pools,
}
