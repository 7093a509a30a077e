"""Domain records to output shapes: the one place that knows the wire field names."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from userpools.domain.models import Group, User, UserPool


def when(epoch: float) -> datetime:
    return datetime.fromtimestamp(epoch, UTC)


def attributes(pairs: Iterable[tuple[str, str]]) -> list[dict[str, str]]:
    return [{"Name": name, "Value": value} for name, value in pairs]


def mfa_options(user: User) -> list[dict[str, str]] | None:
    if not user.mfa_options:
        return None
    return [{"DeliveryMedium": m, "AttributeName": a} for m, a in user.mfa_options]


def user(record: User, only: frozenset[str] | None = None) -> dict[str, Any]:
    """A ``UserType``; ``only`` restricts the attributes (ListUsers ``AttributesToGet``)."""
    pairs = record.attributes
    if only is not None:
        pairs = tuple(p for p in pairs if p[0] in only)
    return {
        "Username": record.username,
        "Attributes": attributes(pairs),
        "UserCreateDate": when(record.created_at),
        "UserLastModifiedDate": when(record.updated_at),
        "Enabled": record.enabled,
        "UserStatus": record.status.value,
        "MFAOptions": mfa_options(record),
    }


def group(record: Group, pool_id: str) -> dict[str, Any]:
    return {
        "GroupName": record.name,
        "UserPoolId": pool_id,
        "Description": record.description,
        "RoleArn": record.role_arn,
        "Precedence": record.precedence,
        "LastModifiedDate": when(record.updated_at),
        "CreationDate": when(record.created_at),
    }


def pool_description(pool: UserPool) -> dict[str, Any]:
    return {
        "Id": pool.id,
        "Name": pool.name,
        "LambdaConfig": pool.document.get("LambdaConfig", {}),
        "LastModifiedDate": when(pool.updated_at),
        "CreationDate": when(pool.created_at),
    }
