"""Tags on user pools: TagResource, UntagResource, ListTagsForResource and UserPoolTags."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError
from support import error_of


@pytest.fixture
def pool(cognito_idp: Any) -> Any:
    created = cognito_idp.create_user_pool(PoolName="tagged", UserPoolTags={"team": "auth"})
    yield created["UserPool"]
    cognito_idp.delete_user_pool(UserPoolId=created["UserPool"]["Id"])


def test_create_tags_are_listed_and_described(cognito_idp: Any, pool: Any) -> None:
    assert pool["UserPoolTags"] == {"team": "auth"}
    assert cognito_idp.list_tags_for_resource(ResourceArn=pool["Arn"])["Tags"] == {"team": "auth"}


def test_tag_and_untag(cognito_idp: Any, pool: Any) -> None:
    cognito_idp.tag_resource(ResourceArn=pool["Arn"], Tags={"env": "test", "team": "identity"})
    tags = cognito_idp.list_tags_for_resource(ResourceArn=pool["Arn"])["Tags"]
    assert tags == {"env": "test", "team": "identity"}
    described = cognito_idp.describe_user_pool(UserPoolId=pool["Id"])["UserPool"]
    assert described["UserPoolTags"] == tags
    cognito_idp.untag_resource(ResourceArn=pool["Arn"], TagKeys=["team", "absent"])
    assert cognito_idp.list_tags_for_resource(ResourceArn=pool["Arn"])["Tags"] == {"env": "test"}
    cognito_idp.untag_resource(ResourceArn=pool["Arn"], TagKeys=["env"])
    assert cognito_idp.list_tags_for_resource(ResourceArn=pool["Arn"])["Tags"] == {}
    assert "UserPoolTags" not in cognito_idp.describe_user_pool(UserPoolId=pool["Id"])["UserPool"]


def test_update_user_pool_sets_tags_like_every_member(cognito_idp: Any, pool: Any) -> None:
    cognito_idp.update_user_pool(UserPoolId=pool["Id"], UserPoolTags={"a": "1"})
    assert cognito_idp.list_tags_for_resource(ResourceArn=pool["Arn"])["Tags"] == {"a": "1"}
    # Left out, they go back to the default (none), as every member UpdateUserPool can set.
    cognito_idp.update_user_pool(UserPoolId=pool["Id"], MfaConfiguration="OFF")
    assert cognito_idp.list_tags_for_resource(ResourceArn=pool["Arn"])["Tags"] == {}


def test_at_most_fifty_tags(cognito_idp: Any, pool: Any) -> None:
    cognito_idp.tag_resource(ResourceArn=pool["Arn"], Tags={f"k{i}": "v" for i in range(49)})
    with pytest.raises(ClientError) as excinfo:
        cognito_idp.tag_resource(ResourceArn=pool["Arn"], Tags={"one": "2", "more": "3"})
    assert error_of(excinfo) == (
        "InvalidParameterException",
        "A user pool can have as many as 50 tags.",
    )
    assert len(cognito_idp.list_tags_for_resource(ResourceArn=pool["Arn"])["Tags"]) == 50
    with pytest.raises(ClientError) as excinfo:
        cognito_idp.create_user_pool(
            PoolName="too many", UserPoolTags={f"k{i}": "v" for i in range(51)}
        )
    assert error_of(excinfo)[0] == "InvalidParameterException"


def test_key_and_value_lengths_follow_the_model(cognito_idp: Any, pool: Any) -> None:
    with pytest.raises(ClientError) as excinfo:
        cognito_idp.tag_resource(ResourceArn=pool["Arn"], Tags={"k" * 129: "v"})
    assert error_of(excinfo)[0] == "InvalidParameterException"
    with pytest.raises(ClientError) as excinfo:
        cognito_idp.tag_resource(ResourceArn=pool["Arn"], Tags={"k": "v" * 257})
    assert error_of(excinfo)[0] == "InvalidParameterException"
    cognito_idp.tag_resource(ResourceArn=pool["Arn"], Tags={"k" * 128: "", "x": "v" * 256})


def test_unknown_arns(cognito_idp: Any, pool: Any) -> None:
    missing = pool["Arn"].rsplit("/", 1)[0] + "/us-east-1_nothere00"
    with pytest.raises(ClientError) as excinfo:
        cognito_idp.list_tags_for_resource(ResourceArn=missing)
    assert error_of(excinfo) == (
        "ResourceNotFoundException",
        "User pool us-east-1_nothere00 does not exist.",
    )
    other = "arn:aws:s3:us-east-1:000000000000:bucket/b"
    with pytest.raises(ClientError) as excinfo:
        cognito_idp.tag_resource(ResourceArn=other, Tags={"a": "b"})
    assert error_of(excinfo) == ("ResourceNotFoundException", f"Resource {other} does not exist.")
    other_region = pool["Arn"].replace(":us-east-1:", ":eu-west-1:")
    with pytest.raises(ClientError) as excinfo:
        cognito_idp.untag_resource(ResourceArn=other_region, TagKeys=["team"])
    assert error_of(excinfo)[0] == "ResourceNotFoundException"
    assert cognito_idp.list_tags_for_resource(ResourceArn=pool["Arn"])["Tags"] == {"team": "auth"}
