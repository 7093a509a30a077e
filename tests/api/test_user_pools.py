"""User pools end to end, through boto3 against the real server."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError
from support import error_of


def test_create_user_pool_returns_full_pool(cognito_idp: Any) -> None:
    pool = cognito_idp.create_user_pool(PoolName="my pool")["UserPool"]
    try:
        assert pool["Id"].startswith("us-east-1_")
        assert len(pool["Id"].split("_")[1]) == 9
        assert pool["Name"] == "my pool"
        assert pool["Arn"].endswith(f":userpool/{pool['Id']}")
        assert pool["CreationDate"] == pool["LastModifiedDate"]
        assert pool["DeletionProtection"] == "INACTIVE"
        assert pool["MfaConfiguration"] == "OFF"
        assert pool["EstimatedNumberOfUsers"] == 0
        # Defaults as AWS documents them (spec §4.1, §9.1).
        assert pool["Policies"]["PasswordPolicy"] == {
            "MinimumLength": 8,
            "RequireUppercase": True,
            "RequireLowercase": True,
            "RequireNumbers": True,
            "RequireSymbols": True,
            "TemporaryPasswordValidityDays": 7,
        }
        names = [a["Name"] for a in pool["SchemaAttributes"]]
        assert names[0] == "sub"
        assert {"email", "phone_number", "email_verified", "updated_at"} <= set(names)
    finally:
        cognito_idp.delete_user_pool(UserPoolId=pool["Id"])


def test_create_user_pool_region_comes_from_the_signature(userpools_server: Any) -> None:
    client = userpools_server.client(region="eu-west-3")
    pool_id = client.create_user_pool(PoolName="paris")["UserPool"]["Id"]
    try:
        assert pool_id.startswith("eu-west-3_")
        # Pools are regional: the same id is unknown to another region's endpoint.
        with pytest.raises(ClientError) as excinfo:
            userpools_server.client(region="us-east-1").describe_user_pool(UserPoolId=pool_id)
        assert error_of(excinfo) == (
            "ResourceNotFoundException",
            f"User pool {pool_id} does not exist.",
        )
    finally:
        client.delete_user_pool(UserPoolId=pool_id)


def test_create_user_pool_with_custom_schema_and_policy(cognito_idp: Any) -> None:
    pool = cognito_idp.create_user_pool(
        PoolName="custom",
        Policies={"PasswordPolicy": {"MinimumLength": 12, "RequireSymbols": False}},
        Schema=[
            {"Name": "tenant", "AttributeDataType": "String", "Mutable": False},
            {"Name": "email", "AttributeDataType": "String", "Required": True},
        ],
        UsernameConfiguration={"CaseSensitive": False},
        AliasAttributes=["email"],
    )["UserPool"]
    try:
        policy = pool["Policies"]["PasswordPolicy"]
        assert policy["MinimumLength"] == 12
        assert policy["RequireSymbols"] is False
        assert policy["RequireUppercase"] is True
        schema = {a["Name"]: a for a in pool["SchemaAttributes"]}
        assert schema["custom:tenant"]["Mutable"] is False
        assert schema["email"]["Required"] is True
        assert pool["UsernameConfiguration"] == {"CaseSensitive": False}
        assert pool["AliasAttributes"] == ["email"]
    finally:
        cognito_idp.delete_user_pool(UserPoolId=pool["Id"])


def test_create_user_pool_rejects_alias_and_username_attributes(cognito_idp: Any) -> None:
    with pytest.raises(ClientError) as excinfo:
        cognito_idp.create_user_pool(
            PoolName="both", AliasAttributes=["email"], UsernameAttributes=["email"]
        )
    assert error_of(excinfo)[0] == "InvalidParameterException"


def test_create_user_pool_rejects_both_validity_settings(cognito_idp: Any) -> None:
    """Source: aws/aws-sdk-js#3817 (spec §4.1)."""
    with pytest.raises(ClientError) as excinfo:
        cognito_idp.create_user_pool(
            PoolName="p",
            Policies={"PasswordPolicy": {"TemporaryPasswordValidityDays": 3}},
            AdminCreateUserConfig={"UnusedAccountValidityDays": 3},
        )
    assert error_of(excinfo) == (
        "InvalidParameterException",
        "Please use TemporaryPasswordValidityDays in PasswordPolicy instead of "
        "UnusedAccountValidityDays",
    )


def test_create_user_pool_validates_pool_name_pattern(cognito_idp: Any) -> None:
    with pytest.raises(ClientError) as excinfo:
        cognito_idp.create_user_pool(PoolName="bad/name!")
    code, message = error_of(excinfo)
    assert code == "InvalidParameterException"
    assert message == (
        "1 validation error detected: Value 'bad/name!' at 'poolName' failed to satisfy "
        r"constraint: Member must satisfy regular expression pattern: [\w\s+=,.@-]+"
    )


def test_describe_user_pool_counts_users(cognito_idp: Any, user_pool_id: str) -> None:
    for name in ("a", "b", "c"):
        cognito_idp.admin_create_user(
            UserPoolId=user_pool_id, Username=name, MessageAction="SUPPRESS"
        )
    pool = cognito_idp.describe_user_pool(UserPoolId=user_pool_id)["UserPool"]
    assert pool["EstimatedNumberOfUsers"] == 3


def test_describe_user_pool_unknown(cognito_idp: Any) -> None:
    """Message source: getmoto/moto#4434 (a live measurement)."""
    with pytest.raises(ClientError) as excinfo:
        cognito_idp.describe_user_pool(UserPoolId="us-east-1_Nope12345")
    assert error_of(excinfo) == (
        "ResourceNotFoundException",
        "User pool us-east-1_Nope12345 does not exist.",
    )


def test_describe_user_pool_bad_id_is_a_validation_error(cognito_idp: Any) -> None:
    """Wording source: the validation texts in spec §1.3.

    (The spec's sample value ``YOUR_USER_POOL_ID`` does match today's model pattern, so
    this test uses an id without an underscore.)
    """
    with pytest.raises(ClientError) as excinfo:
        cognito_idp.describe_user_pool(UserPoolId="no-underscore")
    assert error_of(excinfo) == (
        "InvalidParameterException",
        "1 validation error detected: Value 'no-underscore' at 'userPoolId' failed to "
        r"satisfy constraint: Member must satisfy regular expression pattern: [\w-]+_[0-9a-zA-Z]+",
    )


def test_update_user_pool_replaces_configuration(cognito_idp: Any, user_pool_id: str) -> None:
    cognito_idp.update_user_pool(
        UserPoolId=user_pool_id,
        Policies={"PasswordPolicy": {"MinimumLength": 10}},
        MfaConfiguration="OFF",
        UserPoolTags={"team": "blue"},
    )
    pool = cognito_idp.describe_user_pool(UserPoolId=user_pool_id)["UserPool"]
    assert pool["Policies"]["PasswordPolicy"]["MinimumLength"] == 10
    assert pool["UserPoolTags"] == {"team": "blue"}
    assert pool["LastModifiedDate"] >= pool["CreationDate"]
    # Replace semantics: what the next update leaves out returns to its default.
    cognito_idp.update_user_pool(UserPoolId=user_pool_id)
    pool = cognito_idp.describe_user_pool(UserPoolId=user_pool_id)["UserPool"]
    assert pool["Policies"]["PasswordPolicy"]["MinimumLength"] == 8
    assert "UserPoolTags" not in pool
    assert pool["Name"] == "test"


def test_delete_user_pool_honours_deletion_protection(cognito_idp: Any) -> None:
    pool_id = cognito_idp.create_user_pool(PoolName="kept", DeletionProtection="ACTIVE")[
        "UserPool"
    ]["Id"]
    with pytest.raises(ClientError) as excinfo:
        cognito_idp.delete_user_pool(UserPoolId=pool_id)
    assert error_of(excinfo)[0] == "InvalidParameterException"
    cognito_idp.describe_user_pool(UserPoolId=pool_id)
    cognito_idp.update_user_pool(UserPoolId=pool_id, DeletionProtection="INACTIVE")
    cognito_idp.delete_user_pool(UserPoolId=pool_id)
    with pytest.raises(ClientError) as excinfo:
        cognito_idp.describe_user_pool(UserPoolId=pool_id)
    assert error_of(excinfo)[0] == "ResourceNotFoundException"


def test_delete_user_pool_removes_everything_in_it(cognito_idp: Any) -> None:
    pool_id = cognito_idp.create_user_pool(PoolName="doomed")["UserPool"]["Id"]
    cognito_idp.create_group(UserPoolId=pool_id, GroupName="g")
    cognito_idp.admin_create_user(UserPoolId=pool_id, Username="u", MessageAction="SUPPRESS")
    cognito_idp.admin_add_user_to_group(UserPoolId=pool_id, GroupName="g", Username="u")
    cognito_idp.delete_user_pool(UserPoolId=pool_id)
    for call in (
        lambda: cognito_idp.get_group(UserPoolId=pool_id, GroupName="g"),
        lambda: cognito_idp.admin_get_user(UserPoolId=pool_id, Username="u"),
        lambda: cognito_idp.list_users_in_group(UserPoolId=pool_id, GroupName="g"),
    ):
        with pytest.raises(ClientError) as excinfo:
            call()
        assert error_of(excinfo)[0] == "ResourceNotFoundException"


def test_list_user_pools_pages_through_the_region(userpools_server: Any) -> None:
    client = userpools_server.client(region="ap-south-2")
    created = [client.create_user_pool(PoolName=f"p{i}")["UserPool"]["Id"] for i in range(7)]
    try:
        paginator = client.get_paginator("list_user_pools")
        seen = [p["Id"] for page in paginator.paginate(MaxResults=3) for p in page["UserPools"]]
        assert seen == sorted(created)
        first = client.list_user_pools(MaxResults=60)["UserPools"][0]
        assert set(first) == {"Id", "Name", "LambdaConfig", "LastModifiedDate", "CreationDate"}
    finally:
        for pool_id in created:
            client.delete_user_pool(UserPoolId=pool_id)


def test_list_user_pools_max_results_is_bounded(cognito_idp: Any) -> None:
    with pytest.raises(ClientError) as excinfo:
        cognito_idp.list_user_pools(MaxResults=61)
    assert error_of(excinfo) == (
        "InvalidParameterException",
        "1 validation error detected: Value '61' at 'maxResults' failed to satisfy "
        "constraint: Member must have value less than or equal to 60",
    )
