"""CreateUserPool, DescribeUserPool, UpdateUserPool, DeleteUserPool, ListUserPools,
AddCustomAttributes; and the pool's tags: TagResource, UntagResource, ListTagsForResource."""

from __future__ import annotations

from userpools.operations.pool_wire import (
    pool_description,
    pool_type,
    requested_attributes,
    requested_config,
)
from userpools.operations.services import Operation, Services
from userpools.protocol.dispatch import RequestContext
from userpools.protocol.shapes import (
    AddCustomAttributesRequest,
    AddCustomAttributesResponse,
    CreateUserPoolRequest,
    CreateUserPoolResponse,
    DeleteUserPoolRequest,
    DescribeUserPoolRequest,
    DescribeUserPoolResponse,
    ListTagsForResourceRequest,
    ListTagsForResourceResponse,
    ListUserPoolsRequest,
    ListUserPoolsResponse,
    TagResourceRequest,
    TagResourceResponse,
    UntagResourceRequest,
    UntagResourceResponse,
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
    pool, users, domains = s.pools.describe(ctx.region, p["UserPoolId"])
    described = pool_type(pool, users)
    for domain in domains:
        described["CustomDomain" if domain.custom else "Domain"] = domain.domain
    return {"UserPool": described}


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


def add_custom_attributes(
    s: Services, p: AddCustomAttributesRequest, ctx: RequestContext
) -> AddCustomAttributesResponse:
    s.pools.add_custom_attributes(
        ctx.region, p["UserPoolId"], requested_attributes(p["CustomAttributes"])
    )
    return {}


def tag_resource(s: Services, p: TagResourceRequest, ctx: RequestContext) -> TagResourceResponse:
    s.pools.tag(p["ResourceArn"], p["Tags"])
    return {}


def untag_resource(
    s: Services, p: UntagResourceRequest, ctx: RequestContext
) -> UntagResourceResponse:
    s.pools.tag(p["ResourceArn"], {}, p["TagKeys"])
    return {}


def list_tags_for_resource(
    s: Services, p: ListTagsForResourceRequest, ctx: RequestContext
) -> ListTagsForResourceResponse:
    return {"Tags": dict(s.pools.tags(p["ResourceArn"]))}


OPERATIONS: dict[str, Operation] = {
    "CreateUserPool": create_user_pool,
    "DescribeUserPool": describe_user_pool,
    "UpdateUserPool": update_user_pool,
    "DeleteUserPool": delete_user_pool,
    "ListUserPools": list_user_pools,
    "AddCustomAttributes": add_custom_attributes,
    "TagResource": tag_resource,
    "UntagResource": untag_resource,
    "ListTagsForResource": list_tags_for_resource,
}
