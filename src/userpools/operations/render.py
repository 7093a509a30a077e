"""Domain records to output shapes: the one place that knows the wire field names."""

from __future__ import annotations

from collections.abc import Iterable
from typing import cast

from userpools.domain.models import Group, User
from userpools.protocol.codec import wire_time
from userpools.protocol.shapes import (
    AttributeType,
    DeliveryMediumType,
    EpochSeconds,
    GroupType,
    MFAOptionType,
    UserStatusType,
    UserType,
)


def when(epoch: float) -> EpochSeconds:
    return wire_time(epoch)


def attributes(pairs: Iterable[tuple[str, str]]) -> list[AttributeType]:
    return [{"Name": name, "Value": value} for name, value in pairs]


def mfa_options(user: User) -> list[MFAOptionType]:
    """The user's ``MFAOptions``; the domain keeps the wire's medium names."""
    return [
        {"DeliveryMedium": cast(DeliveryMediumType, m), "AttributeName": a}
        for m, a in user.mfa_options
    ]


def user(record: User, only: frozenset[str] | None = None) -> UserType:
    """A ``UserType``; ``only`` restricts the attributes (ListUsers ``AttributesToGet``)."""
    pairs = record.attributes
    if only is not None:
        pairs = tuple(p for p in pairs if p[0] in only)
    rendered: UserType = {
        "Username": record.username,
        "Attributes": [{"Name": name, "Value": value} for name, value in pairs],
        "UserCreateDate": wire_time(record.created_at),
        "UserLastModifiedDate": wire_time(record.updated_at),
        "Enabled": record.enabled,
        "UserStatus": record.status.value,
    }
    if record.mfa_options:
        rendered["MFAOptions"] = mfa_options(record)
    return rendered


def user_status(record: User) -> UserStatusType:
    """The domain's ``UserStatus`` values are some of the model's (mypy checks it)."""
    return record.status.value


def group(record: Group, pool_id: str) -> GroupType:
    rendered: GroupType = {
        "GroupName": record.name,
        "UserPoolId": pool_id,
        "LastModifiedDate": when(record.updated_at),
        "CreationDate": when(record.created_at),
    }
    if record.description is not None:
        rendered["Description"] = record.description
    if record.role_arn is not None:
        rendered["RoleArn"] = record.role_arn
    if record.precedence is not None:
        rendered["Precedence"] = record.precedence
    return rendered
