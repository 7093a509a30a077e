"""A pool's configuration between the wire and the domain, both ways.

Wire names are the model's member names, derived from the field names of
``domain/pool_config.py`` (:func:`~userpools.domain.pool_config.member_name`). The request
validator has already checked types and ranges.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import cast

from userpools.domain import plain
from userpools.domain.models import UserPool
from userpools.domain.pool_config import PoolConfig, SchemaAttribute, member_name
from userpools.operations import render
from userpools.protocol.shapes import (
    LambdaConfigType,
    SchemaAttributeType,
    UserPoolDescriptionType,
    UserPoolType,
)

#: The account id in pool ARNs. A self-hosted server has no AWS account.
ACCOUNT_ID = "000000000000"


def requested_config(request: Mapping[str, object]) -> PoolConfig:
    """The configuration a CreateUserPool or UpdateUserPool request asks for.

    The request's ``Schema`` becomes ``schema_attributes``; ``domain/pools.py`` completes it.
    """
    members = dict(request)
    if "Schema" in members:
        members["SchemaAttributes"] = members.pop("Schema")
    return plain.from_plain(PoolConfig, members, member_name)


def requested_attributes(entries: Sequence[SchemaAttributeType]) -> list[SchemaAttribute]:
    """AddCustomAttributes' ``CustomAttributes``, as records."""
    return [plain.from_plain(SchemaAttribute, dict(entry), member_name) for entry in entries]


def pool_type(pool: UserPool, estimated_users: int) -> UserPoolType:
    """DescribeUserPool's ``UserPool``: the configuration, then the pool's identity."""
    # to_plain follows the records, whose fields mirror the model's members; the output
    # check of the test servers confirms that the result fits UserPoolType.
    rendered = cast(UserPoolType, plain.to_plain(pool.config, member_name))
    rendered["Id"] = pool.id
    rendered["Name"] = pool.name
    rendered["Arn"] = f"arn:aws:cognito-idp:{pool.region}:{ACCOUNT_ID}:userpool/{pool.id}"
    rendered["LastModifiedDate"] = render.when(pool.updated_at)
    rendered["CreationDate"] = render.when(pool.created_at)
    rendered["EstimatedNumberOfUsers"] = estimated_users
    return rendered


def pool_description(pool: UserPool) -> UserPoolDescriptionType:
    """ListUserPools' summary of a pool."""
    lambdas = plain.to_plain(pool.config.lambda_config, member_name)
    return {
        "Id": pool.id,
        "Name": pool.name,
        "LambdaConfig": cast(LambdaConfigType, lambdas),
        "LastModifiedDate": render.when(pool.updated_at),
        "CreationDate": render.when(pool.created_at),
    }
