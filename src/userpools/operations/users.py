"""Administrative user operations and ListUsers."""

from __future__ import annotations

from typing import Any

from userpools.domain.attributes import STANDARD_ATTRIBUTES
from userpools.domain.errors import InvalidParameter
from userpools.domain.pagination import page_size
from userpools.domain.users import NewUser
from userpools.operations import render
from userpools.operations.services import Services
from userpools.protocol.dispatch import RequestContext

UNKNOWN_ATTRIBUTES_TO_GET = "One or more requested attributes do not exist."
_STANDARD_NAMES = frozenset(a.name for a in STANDARD_ATTRIBUTES)


def pairs(attrs: list[dict[str, Any]] | None) -> tuple[tuple[str, str], ...]:
    return tuple((a["Name"], a.get("Value", "")) for a in attrs or ())


def admin_create_user(s: Services, p: dict[str, Any], ctx: RequestContext) -> dict[str, Any]:
    action = p.get("MessageAction")
    new = NewUser(
        username=p["Username"],
        attributes=pairs(p.get("UserAttributes")),
        temporary_password=p.get("TemporaryPassword"),
        resend=action == "RESEND",
        suppress=action == "SUPPRESS",
        delivery=tuple(p.get("DesiredDeliveryMediums") or ("SMS",)),
        force_alias=bool(p.get("ForceAliasCreation", False)),
    )
    return {"User": render.user(s.users.create(ctx.region, p["UserPoolId"], new))}


def admin_get_user(s: Services, p: dict[str, Any], ctx: RequestContext) -> dict[str, Any]:
    user = s.users.get(ctx.region, p["UserPoolId"], p["Username"])
    rendered = render.user(user)
    return {
        "Username": rendered["Username"],
        "UserAttributes": rendered["Attributes"],
        "UserCreateDate": rendered["UserCreateDate"],
        "UserLastModifiedDate": rendered["UserLastModifiedDate"],
        "Enabled": rendered["Enabled"],
        "UserStatus": rendered["UserStatus"],
        "MFAOptions": rendered["MFAOptions"],
    }


def admin_delete_user(s: Services, p: dict[str, Any], ctx: RequestContext) -> None:
    s.users.delete(ctx.region, p["UserPoolId"], p["Username"])


def admin_update_user_attributes(s: Services, p: dict[str, Any], ctx: RequestContext) -> None:
    s.users.update_attributes(
        ctx.region, p["UserPoolId"], p["Username"], pairs(p["UserAttributes"])
    )


def admin_delete_user_attributes(s: Services, p: dict[str, Any], ctx: RequestContext) -> None:
    s.users.delete_attributes(
        ctx.region, p["UserPoolId"], p["Username"], list(p["UserAttributeNames"])
    )


def admin_enable_user(s: Services, p: dict[str, Any], ctx: RequestContext) -> None:
    s.users.set_enabled(ctx.region, p["UserPoolId"], p["Username"], True)


def admin_disable_user(s: Services, p: dict[str, Any], ctx: RequestContext) -> None:
    s.users.set_enabled(ctx.region, p["UserPoolId"], p["Username"], False)


def admin_set_user_settings(s: Services, p: dict[str, Any], ctx: RequestContext) -> None:
    options = [
        (o.get("DeliveryMedium", "SMS"), o.get("AttributeName", "phone_number"))
        for o in p["MFAOptions"]
    ]
    s.users.set_mfa_options(ctx.region, p["UserPoolId"], p["Username"], options)


def admin_set_user_password(s: Services, p: dict[str, Any], ctx: RequestContext) -> None:
    s.users.set_password(
        ctx.region, p["UserPoolId"], p["Username"], p["Password"], bool(p.get("Permanent"))
    )


def admin_confirm_sign_up(s: Services, p: dict[str, Any], ctx: RequestContext) -> None:
    s.users.confirm_sign_up(ctx.region, p["UserPoolId"], p["Username"])


def list_users(s: Services, p: dict[str, Any], ctx: RequestContext) -> dict[str, Any]:
    wanted = p.get("AttributesToGet")
    only = None
    if wanted is not None:
        only = frozenset(wanted)
        unknown = [n for n in only if n not in _STANDARD_NAMES and ":" not in n]
        if unknown:
            raise InvalidParameter(UNKNOWN_ATTRIBUTES_TO_GET)
    page = s.users.list_users(
        ctx.region,
        p["UserPoolId"],
        p.get("Filter"),
        page_size("ListUsers", p.get("Limit")),
        p.get("PaginationToken"),
    )
    return {
        "Users": [render.user(u, only) for u in page.items],
        "PaginationToken": page.next_token,
    }


OPERATIONS = {
    "AdminCreateUser": admin_create_user,
    "AdminGetUser": admin_get_user,
    "AdminDeleteUser": admin_delete_user,
    "AdminUpdateUserAttributes": admin_update_user_attributes,
    "AdminDeleteUserAttributes": admin_delete_user_attributes,
    "AdminEnableUser": admin_enable_user,
    "AdminDisableUser": admin_disable_user,
    "AdminSetUserSettings": admin_set_user_settings,
    "AdminSetUserPassword": admin_set_user_password,
    "AdminConfirmSignUp": admin_confirm_sign_up,
    "ListUsers": list_users,
}
