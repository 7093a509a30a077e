"""CreateUserPool, DescribeUserPool, UpdateUserPool, DeleteUserPool, ListUserPools."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, cast

from userpools.domain import messages
from userpools.domain.attributes import STANDARD_ATTRIBUTES
from userpools.domain.errors import InvalidParameter
from userpools.domain.models import CustomAttribute, PoolSettings, UserPool
from userpools.domain.password_policy import PasswordPolicy
from userpools.operations import render
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
    UserPoolType,
)

#: The account id in pool ARNs. A self-hosted server has no AWS account.
ACCOUNT_ID = "000000000000"
MAX_CUSTOM_ATTRIBUTES = 50

# Members that CreateUserPool/UpdateUserPool take and DescribeUserPool echoes as sent.
_ECHOED = (
    "LambdaConfig",
    "AutoVerifiedAttributes",
    "SmsVerificationMessage",
    "EmailVerificationMessage",
    "EmailVerificationSubject",
    "SmsAuthenticationMessage",
    "UserAttributeUpdateSettings",
    "DeviceConfiguration",
    "SmsConfiguration",
    "UserPoolTags",
    "UserPoolAddOns",
    "AccountRecoverySetting",
)
# Fixed at creation: UpdateUserPool has no member for these.
_FIXED_AT_CREATION = (
    "AliasAttributes",
    "UsernameAttributes",
    "UsernameConfiguration",
    "SchemaAttributes",
)


def _standard_schema(required: set[str]) -> list[dict[str, Any]]:
    schema = []
    for attr in STANDARD_ATTRIBUTES:
        entry: dict[str, Any] = {
            "Name": attr.name,
            "AttributeDataType": attr.data_type,
            "DeveloperOnlyAttribute": False,
            "Mutable": attr.mutable,
            "Required": attr.name == "sub" or attr.name in required,
        }
        if attr.data_type == "String":
            entry["StringAttributeConstraints"] = {
                "MinLength": str(attr.min_length),
                "MaxLength": str(attr.max_length),
            }
        elif attr.data_type == "Number":
            entry["NumberAttributeConstraints"] = {"MinValue": "0"}
        schema.append(entry)
    return schema


def _schema(
    requested: Sequence[Mapping[str, Any]],
) -> tuple[list[dict[str, Any]], PoolSettings]:
    """The pool's SchemaAttributes, and the custom/required attributes it defines."""
    standard = {a.name for a in STANDARD_ATTRIBUTES}
    required: set[str] = set()
    custom: list[dict[str, Any]] = []
    definitions: list[CustomAttribute] = []
    seen: set[str] = set()
    for entry in requested:
        name = entry.get("Name", "")
        if name in seen:
            raise InvalidParameter(messages.DUPLICATE_SCHEMA_ATTRIBUTE.format(name=name))
        seen.add(name)
        if name in standard:
            if entry.get("Required"):
                required.add(name)
            continue
        prefix = "dev:" if entry.get("DeveloperOnlyAttribute") else "custom:"
        full = prefix + name.removeprefix("custom:").removeprefix("dev:")
        mutable = entry.get("Mutable", True)
        rendered = {
            "Name": full,
            "AttributeDataType": entry.get("AttributeDataType", "String"),
            "DeveloperOnlyAttribute": bool(entry.get("DeveloperOnlyAttribute", False)),
            "Mutable": mutable,
            "Required": False,
        }
        for constraints in ("StringAttributeConstraints", "NumberAttributeConstraints"):
            if constraints in entry:
                rendered[constraints] = entry[constraints]
        if rendered["AttributeDataType"] == "String" and "StringAttributeConstraints" not in entry:
            rendered["StringAttributeConstraints"] = {}
        custom.append(rendered)
        definitions.append(CustomAttribute(full, bool(mutable)))
    if len(definitions) > MAX_CUSTOM_ATTRIBUTES:
        raise InvalidParameter(messages.CUSTOM_ATTRIBUTE_LIMIT)
    settings = PoolSettings(
        custom_attributes=tuple(definitions), required_attributes=tuple(sorted(required))
    )
    return _standard_schema(required) + custom, settings


def _configuration(params: Mapping[str, Any], kept: Mapping[str, Any]) -> dict[str, Any]:
    """The full configuration AWS would hold after a create or replace-style update."""
    policies = dict(params.get("Policies") or {})
    admin_config = dict(params.get("AdminCreateUserConfig") or {})
    password = policies.get("PasswordPolicy")
    if (
        password is not None
        and password.get("TemporaryPasswordValidityDays")
        and admin_config.get("UnusedAccountValidityDays")
    ):
        raise InvalidParameter(messages.TEMPORARY_PASSWORD_WITH_VALIDITY)
    policy = PasswordPolicy.from_wire(password)
    if password is None and admin_config.get("UnusedAccountValidityDays"):
        policy = PasswordPolicy.from_wire(
            {"TemporaryPasswordValidityDays": admin_config["UnusedAccountValidityDays"]}
        )
    policies["PasswordPolicy"] = {**dict(password or {}), **policy.to_wire()}
    admin_config.setdefault("AllowAdminCreateUserOnly", False)
    document: dict[str, Any] = {
        "Policies": policies,
        "DeletionProtection": params.get("DeletionProtection", "INACTIVE"),
        "LambdaConfig": {},
        "MfaConfiguration": params.get("MfaConfiguration", "OFF"),
        "VerificationMessageTemplate": {
            "DefaultEmailOption": "CONFIRM_WITH_CODE",
            **dict(params.get("VerificationMessageTemplate") or {}),
        },
        "EmailConfiguration": {
            "EmailSendingAccount": "COGNITO_DEFAULT",
            **dict(params.get("EmailConfiguration") or {}),
        },
        "AdminCreateUserConfig": admin_config,
        "UserPoolTier": params.get("UserPoolTier", kept.get("UserPoolTier", "ESSENTIALS")),
    }
    for member in _ECHOED:
        if member in params:
            document[member] = params[member]
    for member in _FIXED_AT_CREATION:
        if member in kept:
            document[member] = kept[member]
    return document


def _settings(document: Mapping[str, Any], base: PoolSettings) -> PoolSettings:
    invite = document["AdminCreateUserConfig"].get("InviteMessageTemplate", {})
    template = document.get("VerificationMessageTemplate", {})
    return PoolSettings(
        username_attributes=tuple(document.get("UsernameAttributes", ())),
        alias_attributes=tuple(document.get("AliasAttributes", ())),
        case_sensitive=bool(document.get("UsernameConfiguration", {}).get("CaseSensitive", True)),
        deletion_protection=document["DeletionProtection"] == "ACTIVE",
        custom_attributes=base.custom_attributes,
        required_attributes=base.required_attributes,
        password_policy=document["Policies"]["PasswordPolicy"],
        invite_message=invite.get("EmailMessage"),
        invite_subject=invite.get("EmailSubject"),
        invite_sms=invite.get("SMSMessage"),
        auto_verified=tuple(document.get("AutoVerifiedAttributes", ())),
        admin_create_only=bool(document["AdminCreateUserConfig"]["AllowAdminCreateUserOnly"]),
        verify_email_message=template.get("EmailMessage")
        or document.get("EmailVerificationMessage"),
        verify_email_subject=template.get("EmailSubject")
        or document.get("EmailVerificationSubject"),
        verify_sms=template.get("SmsMessage") or document.get("SmsVerificationMessage"),
        recovery=tuple(
            m["Name"]
            for m in sorted(
                document.get("AccountRecoverySetting", {}).get("RecoveryMechanisms", ()),
                key=lambda m: m.get("Priority", 0),
            )
        ),
    )


def pool_type(pool: UserPool, estimated_users: int) -> UserPoolType:
    # The stored document holds request members in wire form (validated when they came)
    # and defaults; the output check of the test servers confirms it fits UserPoolType.
    return {
        **cast(UserPoolType, pool.document),
        "Id": pool.id,
        "Name": pool.name,
        "Arn": f"arn:aws:cognito-idp:{pool.region}:{ACCOUNT_ID}:userpool/{pool.id}",
        "LastModifiedDate": render.when(pool.updated_at),
        "CreationDate": render.when(pool.created_at),
        "EstimatedNumberOfUsers": estimated_users,
    }


def create_user_pool(
    s: Services, p: CreateUserPoolRequest, ctx: RequestContext
) -> CreateUserPoolResponse:
    schema, schema_settings = _schema(p.get("Schema", []))
    request: Mapping[str, Any] = p
    kept = {m: request[m] for m in _FIXED_AT_CREATION if m in request}
    kept["SchemaAttributes"] = schema
    document = _configuration(p, kept)
    pool = s.pools.create(ctx.region, p["PoolName"], _settings(document, schema_settings), document)
    return {"UserPool": pool_type(pool, 0)}


def describe_user_pool(
    s: Services, p: DescribeUserPoolRequest, ctx: RequestContext
) -> DescribeUserPoolResponse:
    pool, users = s.pools.describe(ctx.region, p["UserPoolId"])
    return {"UserPool": pool_type(pool, users)}


def update_user_pool(
    s: Services, p: UpdateUserPoolRequest, ctx: RequestContext
) -> UpdateUserPoolResponse:
    def change(pool: UserPool) -> tuple[str, PoolSettings, Mapping[str, Any]]:
        document = _configuration(p, pool.document)
        return p.get("PoolName", pool.name), _settings(document, pool.settings), document

    s.pools.update(ctx.region, p["UserPoolId"], change)
    return {}


def delete_user_pool(s: Services, p: DeleteUserPoolRequest, ctx: RequestContext) -> None:
    s.pools.delete(ctx.region, p["UserPoolId"])


def list_user_pools(
    s: Services, p: ListUserPoolsRequest, ctx: RequestContext
) -> ListUserPoolsResponse:
    page = s.pools.list_pools(ctx.region, p["MaxResults"], p.get("NextToken"), ctx.pools)
    result: ListUserPoolsResponse = {
        "UserPools": [render.pool_description(pool) for pool in page.items]
    }
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
