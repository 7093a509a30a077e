"""Groups, memberships, ListUsersInGroup and AdminListGroupsForUser."""

from __future__ import annotations

from userpools.domain.groups import GroupChange
from userpools.domain.pagination import page_size
from userpools.operations import render
from userpools.operations.services import Operation, Services
from userpools.protocol.dispatch import RequestContext
from userpools.protocol.shapes import (
    AdminAddUserToGroupRequest,
    AdminListGroupsForUserRequest,
    AdminListGroupsForUserResponse,
    AdminRemoveUserFromGroupRequest,
    CreateGroupRequest,
    CreateGroupResponse,
    DeleteGroupRequest,
    GetGroupRequest,
    GetGroupResponse,
    ListGroupsRequest,
    ListGroupsResponse,
    ListUsersInGroupRequest,
    ListUsersInGroupResponse,
    UpdateGroupRequest,
    UpdateGroupResponse,
)


def create_group(s: Services, p: CreateGroupRequest, ctx: RequestContext) -> CreateGroupResponse:
    group = s.groups.create(
        ctx.region,
        p["UserPoolId"],
        p["GroupName"],
        p.get("Description"),
        p.get("RoleArn"),
        p.get("Precedence"),
    )
    return {"Group": render.group(group, p["UserPoolId"])}


def get_group(s: Services, p: GetGroupRequest, ctx: RequestContext) -> GetGroupResponse:
    group = s.groups.get(ctx.region, p["UserPoolId"], p["GroupName"])
    return {"Group": render.group(group, p["UserPoolId"])}


def update_group(s: Services, p: UpdateGroupRequest, ctx: RequestContext) -> UpdateGroupResponse:
    change = GroupChange(p.get("Description"), p.get("RoleArn"), p.get("Precedence"))
    group = s.groups.update(ctx.region, p["UserPoolId"], p["GroupName"], change)
    return {"Group": render.group(group, p["UserPoolId"])}


def delete_group(s: Services, p: DeleteGroupRequest, ctx: RequestContext) -> None:
    s.groups.delete(ctx.region, p["UserPoolId"], p["GroupName"])


def list_groups(s: Services, p: ListGroupsRequest, ctx: RequestContext) -> ListGroupsResponse:
    pool_id = p["UserPoolId"]
    page = s.groups.list_groups(
        ctx.region, pool_id, page_size("ListGroups", p.get("Limit")), p.get("NextToken")
    )
    result: ListGroupsResponse = {"Groups": [render.group(g, pool_id) for g in page.items]}
    if page.next_token is not None:
        result["NextToken"] = page.next_token
    return result


def admin_add_user_to_group(
    s: Services, p: AdminAddUserToGroupRequest, ctx: RequestContext
) -> None:
    s.groups.add_user(ctx.region, p["UserPoolId"], p["GroupName"], p["Username"])


def admin_remove_user_from_group(
    s: Services, p: AdminRemoveUserFromGroupRequest, ctx: RequestContext
) -> None:
    s.groups.remove_user(ctx.region, p["UserPoolId"], p["GroupName"], p["Username"])


def list_users_in_group(
    s: Services, p: ListUsersInGroupRequest, ctx: RequestContext
) -> ListUsersInGroupResponse:
    page = s.groups.list_users(
        ctx.region,
        p["UserPoolId"],
        p["GroupName"],
        page_size("ListUsersInGroup", p.get("Limit")),
        p.get("NextToken"),
    )
    result: ListUsersInGroupResponse = {"Users": [render.user(u) for u in page.items]}
    if page.next_token is not None:
        result["NextToken"] = page.next_token
    return result


def admin_list_groups_for_user(
    s: Services, p: AdminListGroupsForUserRequest, ctx: RequestContext
) -> AdminListGroupsForUserResponse:
    pool_id = p["UserPoolId"]
    page = s.groups.list_groups_of(
        ctx.region,
        pool_id,
        p["Username"],
        page_size("AdminListGroupsForUser", p.get("Limit")),
        p.get("NextToken"),
    )
    result: AdminListGroupsForUserResponse = {
        "Groups": [render.group(g, pool_id) for g in page.items]
    }
    if page.next_token is not None:
        result["NextToken"] = page.next_token
    return result


OPERATIONS: dict[str, Operation] = {
    "CreateGroup": create_group,
    "GetGroup": get_group,
    "UpdateGroup": update_group,
    "DeleteGroup": delete_group,
    "ListGroups": list_groups,
    "AdminAddUserToGroup": admin_add_user_to_group,
    "AdminRemoveUserFromGroup": admin_remove_user_from_group,
    "ListUsersInGroup": list_users_in_group,
    "AdminListGroupsForUser": admin_list_groups_for_user,
}
