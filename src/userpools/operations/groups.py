"""Groups, memberships, ListUsersInGroup and AdminListGroupsForUser."""

from __future__ import annotations

from typing import Any

from userpools.domain.groups import GroupChange
from userpools.domain.pagination import page_size
from userpools.operations import render
from userpools.operations.services import Services
from userpools.protocol.dispatch import RequestContext


def create_group(s: Services, p: dict[str, Any], ctx: RequestContext) -> dict[str, Any]:
    group = s.groups.create(
        ctx.region,
        p["UserPoolId"],
        p["GroupName"],
        p.get("Description"),
        p.get("RoleArn"),
        p.get("Precedence"),
    )
    return {"Group": render.group(group, p["UserPoolId"])}


def get_group(s: Services, p: dict[str, Any], ctx: RequestContext) -> dict[str, Any]:
    group = s.groups.get(ctx.region, p["UserPoolId"], p["GroupName"])
    return {"Group": render.group(group, p["UserPoolId"])}


def update_group(s: Services, p: dict[str, Any], ctx: RequestContext) -> dict[str, Any]:
    change = GroupChange(p.get("Description"), p.get("RoleArn"), p.get("Precedence"))
    group = s.groups.update(ctx.region, p["UserPoolId"], p["GroupName"], change)
    return {"Group": render.group(group, p["UserPoolId"])}


def delete_group(s: Services, p: dict[str, Any], ctx: RequestContext) -> None:
    s.groups.delete(ctx.region, p["UserPoolId"], p["GroupName"])


def list_groups(s: Services, p: dict[str, Any], ctx: RequestContext) -> dict[str, Any]:
    pool_id = p["UserPoolId"]
    page = s.groups.list_groups(
        ctx.region, pool_id, page_size("ListGroups", p.get("Limit")), p.get("NextToken")
    )
    return {
        "Groups": [render.group(g, pool_id) for g in page.items],
        "NextToken": page.next_token,
    }


def admin_add_user_to_group(s: Services, p: dict[str, Any], ctx: RequestContext) -> None:
    s.groups.add_user(ctx.region, p["UserPoolId"], p["GroupName"], p["Username"])


def admin_remove_user_from_group(s: Services, p: dict[str, Any], ctx: RequestContext) -> None:
    s.groups.remove_user(ctx.region, p["UserPoolId"], p["GroupName"], p["Username"])


def list_users_in_group(s: Services, p: dict[str, Any], ctx: RequestContext) -> dict[str, Any]:
    page = s.groups.list_users(
        ctx.region,
        p["UserPoolId"],
        p["GroupName"],
        page_size("ListUsersInGroup", p.get("Limit")),
        p.get("NextToken"),
    )
    return {"Users": [render.user(u) for u in page.items], "NextToken": page.next_token}


def admin_list_groups_for_user(
    s: Services, p: dict[str, Any], ctx: RequestContext
) -> dict[str, Any]:
    pool_id = p["UserPoolId"]
    page = s.groups.list_groups_of(
        ctx.region,
        pool_id,
        p["Username"],
        page_size("AdminListGroupsForUser", p.get("Limit")),
        p.get("NextToken"),
    )
    return {
        "Groups": [render.group(g, pool_id) for g in page.items],
        "NextToken": page.next_token,
    }


OPERATIONS = {
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
