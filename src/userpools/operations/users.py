"""Administrative user operations and ListUsers."""

from __future__ import annotations

from userpools.domain.attributes import STANDARD_ATTRIBUTES
from userpools.domain.errors import InvalidParameter
from userpools.domain.pagination import page_size
from userpools.domain.user_creation import NewUser
from userpools.operations import render
from userpools.operations.mfa import mfa_members
from userpools.operations.services import Operation, Services
from userpools.protocol.dispatch import RequestContext
from userpools.protocol.shapes import (
    AdminConfirmSignUpRequest,
    AdminConfirmSignUpResponse,
    AdminCreateUserRequest,
    AdminCreateUserResponse,
    AdminDeleteUserAttributesRequest,
    AdminDeleteUserAttributesResponse,
    AdminDeleteUserRequest,
    AdminDisableUserRequest,
    AdminDisableUserResponse,
    AdminEnableUserRequest,
    AdminEnableUserResponse,
    AdminGetUserRequest,
    AdminGetUserResponse,
    AdminSetUserPasswordRequest,
    AdminSetUserPasswordResponse,
    AdminSetUserSettingsRequest,
    AdminSetUserSettingsResponse,
    AdminUpdateUserAttributesRequest,
    AdminUpdateUserAttributesResponse,
    AttributeType,
    ListUsersRequest,
    ListUsersResponse,
    MFAOptionType,
)

UNKNOWN_ATTRIBUTES_TO_GET = "One or more requested attributes do not exist."
_STANDARD_NAMES = frozenset(a.name for a in STANDARD_ATTRIBUTES)


def pairs(attrs: list[AttributeType] | None) -> tuple[tuple[str, str], ...]:
    return tuple((a["Name"], a.get("Value", "")) for a in attrs or ())


def mfa_options(options: list[MFAOptionType]) -> list[tuple[str, str]]:
    """The legacy ``MFAOptions`` of AdminSetUserSettings and SetUserSettings, defaults filled."""
    return [
        (o.get("DeliveryMedium", "SMS"), o.get("AttributeName", "phone_number")) for o in options
    ]


def admin_create_user(
    s: Services, p: AdminCreateUserRequest, ctx: RequestContext
) -> AdminCreateUserResponse:
    action = p.get("MessageAction")
    new = NewUser(
        username=p["Username"],
        attributes=pairs(p.get("UserAttributes")),
        temporary_password=p.get("TemporaryPassword"),
        resend=action == "RESEND",
        suppress=action == "SUPPRESS",
        delivery=tuple(p.get("DesiredDeliveryMediums") or ("SMS",)),
        force_alias=bool(p.get("ForceAliasCreation", False)),
        validation_data=pairs(p["ValidationData"]) if "ValidationData" in p else None,
        client_metadata=tuple(p["ClientMetadata"].items()) if "ClientMetadata" in p else None,
    )
    return {"User": render.user(s.user_creation.create(ctx.region, p["UserPoolId"], new))}


def admin_get_user(
    s: Services, p: AdminGetUserRequest, ctx: RequestContext
) -> AdminGetUserResponse:
    user = s.users.get(ctx.region, p["UserPoolId"], p["Username"])
    result: AdminGetUserResponse = {
        "Username": user.username,
        "UserAttributes": render.attributes(user.attributes),
        "UserCreateDate": render.when(user.created_at),
        "UserLastModifiedDate": render.when(user.updated_at),
        "Enabled": user.enabled,
        "UserStatus": render.user_status(user),
    }
    if user.mfa_options:
        result["MFAOptions"] = render.mfa_options(user)
    state = s.mfa.settings_of(ctx.region, p["UserPoolId"], p["Username"])
    result.update(mfa_members(state))  # type: ignore[typeddict-item]
    return result


def admin_delete_user(s: Services, p: AdminDeleteUserRequest, ctx: RequestContext) -> None:
    s.users.delete(ctx.region, p["UserPoolId"], p["Username"])


def admin_update_user_attributes(
    s: Services, p: AdminUpdateUserAttributesRequest, ctx: RequestContext
) -> AdminUpdateUserAttributesResponse:
    given = p.get("ClientMetadata")
    s.attribute_updates.admin_update_user_attributes(
        ctx.region,
        p["UserPoolId"],
        p["Username"],
        pairs(p["UserAttributes"]),
        tuple(given.items()) if given is not None else None,
    )
    return {}


def admin_delete_user_attributes(
    s: Services, p: AdminDeleteUserAttributesRequest, ctx: RequestContext
) -> AdminDeleteUserAttributesResponse:
    s.users.delete_attributes(
        ctx.region, p["UserPoolId"], p["Username"], list(p["UserAttributeNames"])
    )
    return {}


def admin_enable_user(
    s: Services, p: AdminEnableUserRequest, ctx: RequestContext
) -> AdminEnableUserResponse:
    s.users.set_enabled(ctx.region, p["UserPoolId"], p["Username"], True)
    return {}


def admin_disable_user(
    s: Services, p: AdminDisableUserRequest, ctx: RequestContext
) -> AdminDisableUserResponse:
    s.users.set_enabled(ctx.region, p["UserPoolId"], p["Username"], False)
    return {}


def admin_set_user_settings(
    s: Services, p: AdminSetUserSettingsRequest, ctx: RequestContext
) -> AdminSetUserSettingsResponse:
    s.users.set_mfa_options(
        ctx.region, p["UserPoolId"], p["Username"], mfa_options(p["MFAOptions"])
    )
    return {}


def admin_set_user_password(
    s: Services, p: AdminSetUserPasswordRequest, ctx: RequestContext
) -> AdminSetUserPasswordResponse:
    s.users.set_password(
        ctx.region, p["UserPoolId"], p["Username"], p["Password"], bool(p.get("Permanent"))
    )
    return {}


def admin_confirm_sign_up(
    s: Services, p: AdminConfirmSignUpRequest, ctx: RequestContext
) -> AdminConfirmSignUpResponse:
    metadata = p.get("ClientMetadata")
    s.users.confirm_sign_up(
        ctx.region, p["UserPoolId"], p["Username"], tuple(metadata.items()) if metadata else None
    )
    return {}


def list_users(s: Services, p: ListUsersRequest, ctx: RequestContext) -> ListUsersResponse:
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
    result: ListUsersResponse = {"Users": [render.user(u, only) for u in page.items]}
    if page.next_token is not None:
        result["PaginationToken"] = page.next_token
    return result


OPERATIONS: dict[str, Operation] = {
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
