"""Groups and memberships end to end, through boto3 against the real server."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError
from support import error_of

ROLE = "arn:aws:iam::123456789012:role/readers"


def make_users(client: Any, pool_id: str, *names: str) -> None:
    for name in names:
        client.admin_create_user(UserPoolId=pool_id, Username=name, MessageAction="SUPPRESS")


def test_create_group_returns_the_group(cognito_idp: Any, user_pool_id: str) -> None:
    group = cognito_idp.create_group(
        UserPoolId=user_pool_id,
        GroupName="admins",
        Description="Admins",
        RoleArn=ROLE,
        Precedence=1,
    )["Group"]
    assert group["GroupName"] == "admins"
    assert group["UserPoolId"] == user_pool_id
    assert group["Description"] == "Admins"
    assert group["RoleArn"] == ROLE
    assert group["Precedence"] == 1
    assert group["CreationDate"] == group["LastModifiedDate"]


def test_create_group_omits_unset_members(cognito_idp: Any, user_pool_id: str) -> None:
    """AWS's CreateGroup sample omits RoleArn when it is not set (spec §3.8)."""
    group = cognito_idp.create_group(UserPoolId=user_pool_id, GroupName="plain")["Group"]
    assert not {"Description", "RoleArn", "Precedence"} & set(group)


def test_create_group_twice_is_group_exists(cognito_idp: Any, user_pool_id: str) -> None:
    cognito_idp.create_group(UserPoolId=user_pool_id, GroupName="g")
    with pytest.raises(ClientError) as excinfo:
        cognito_idp.create_group(UserPoolId=user_pool_id, GroupName="g")
    assert error_of(excinfo)[0] == "GroupExistsException"


def test_create_group_names_are_unicode_but_never_whitespace(
    cognito_idp: Any, user_pool_id: str
) -> None:
    cognito_idp.create_group(UserPoolId=user_pool_id, GroupName="équipe-東京-🙂")
    with pytest.raises(ClientError) as excinfo:
        cognito_idp.create_group(UserPoolId=user_pool_id, GroupName="two words")
    assert error_of(excinfo) == (
        "InvalidParameterException",
        "1 validation error detected: Value 'two words' at 'groupName' failed to satisfy "
        r"constraint: Member must satisfy regular expression pattern: [\p{L}\p{M}\p{S}\p{N}\p{P}]+",
    )


def test_create_group_rejects_bad_role_arn(cognito_idp: Any, user_pool_id: str) -> None:
    with pytest.raises(ClientError) as excinfo:
        cognito_idp.create_group(
            UserPoolId=user_pool_id, GroupName="g", RoleArn="not-an-arn-but-long-enough"
        )
    assert error_of(excinfo)[0] == "InvalidParameterException"


def test_create_group_in_unknown_pool(cognito_idp: Any) -> None:
    with pytest.raises(ClientError) as excinfo:
        cognito_idp.create_group(UserPoolId="us-east-1_Missing00", GroupName="g")
    assert error_of(excinfo) == (
        "ResourceNotFoundException",
        "User pool us-east-1_Missing00 does not exist.",
    )


def test_get_group_unknown(cognito_idp: Any, user_pool_id: str) -> None:
    """Message source: aws-amplify/amplify-cli#2214 (spec §3.2)."""
    with pytest.raises(ClientError) as excinfo:
        cognito_idp.get_group(UserPoolId=user_pool_id, GroupName="nope")
    assert error_of(excinfo) == ("ResourceNotFoundException", "Group not found.")


def test_update_group_changes_only_what_is_sent(cognito_idp: Any, user_pool_id: str) -> None:
    cognito_idp.create_group(
        UserPoolId=user_pool_id, GroupName="g", Description="d", RoleArn=ROLE, Precedence=5
    )
    updated = cognito_idp.update_group(UserPoolId=user_pool_id, GroupName="g", Precedence=2)[
        "Group"
    ]
    assert updated["Precedence"] == 2
    assert updated["Description"] == "d"
    assert updated["RoleArn"] == ROLE
    fetched = cognito_idp.get_group(UserPoolId=user_pool_id, GroupName="g")["Group"]
    assert fetched == updated
    assert fetched["LastModifiedDate"] >= fetched["CreationDate"]


def test_delete_group_removes_memberships(cognito_idp: Any, user_pool_id: str) -> None:
    make_users(cognito_idp, user_pool_id, "ann")
    cognito_idp.create_group(UserPoolId=user_pool_id, GroupName="g")
    cognito_idp.admin_add_user_to_group(UserPoolId=user_pool_id, GroupName="g", Username="ann")
    cognito_idp.delete_group(UserPoolId=user_pool_id, GroupName="g")
    groups = cognito_idp.admin_list_groups_for_user(UserPoolId=user_pool_id, Username="ann")
    assert groups["Groups"] == []
    with pytest.raises(ClientError) as excinfo:
        cognito_idp.list_users_in_group(UserPoolId=user_pool_id, GroupName="g")
    assert error_of(excinfo) == ("ResourceNotFoundException", "Group not found.")
    # Re-created under the same name, the group starts empty.
    cognito_idp.create_group(UserPoolId=user_pool_id, GroupName="g")
    assert cognito_idp.list_users_in_group(UserPoolId=user_pool_id, GroupName="g")["Users"] == []


def test_list_groups_in_name_order(cognito_idp: Any, user_pool_id: str) -> None:
    for name in ("b", "a", "c"):
        cognito_idp.create_group(UserPoolId=user_pool_id, GroupName=name)
    groups = cognito_idp.list_groups(UserPoolId=user_pool_id)["Groups"]
    assert [g["GroupName"] for g in groups] == ["a", "b", "c"]


def test_admin_add_user_to_group_is_idempotent(cognito_idp: Any, user_pool_id: str) -> None:
    make_users(cognito_idp, user_pool_id, "ann")
    cognito_idp.create_group(UserPoolId=user_pool_id, GroupName="g")
    for _ in range(2):
        cognito_idp.admin_add_user_to_group(UserPoolId=user_pool_id, GroupName="g", Username="ann")
    users = cognito_idp.list_users_in_group(UserPoolId=user_pool_id, GroupName="g")["Users"]
    assert [u["Username"] for u in users] == ["ann"]


def test_admin_add_user_to_group_errors(cognito_idp: Any, user_pool_id: str) -> None:
    """Messages: 'Group not found.' (amplify-cli#2214), 'User does not exist.' (moto#4467)."""
    make_users(cognito_idp, user_pool_id, "ann")
    cognito_idp.create_group(UserPoolId=user_pool_id, GroupName="g")
    with pytest.raises(ClientError) as excinfo:
        cognito_idp.admin_add_user_to_group(
            UserPoolId=user_pool_id, GroupName="missing", Username="ann"
        )
    assert error_of(excinfo) == ("ResourceNotFoundException", "Group not found.")
    with pytest.raises(ClientError) as excinfo:
        cognito_idp.admin_add_user_to_group(
            UserPoolId=user_pool_id, GroupName="g", Username="ghost"
        )
    assert error_of(excinfo) == ("UserNotFoundException", "User does not exist.")


def test_admin_add_user_to_group_caps_groups_per_user(cognito_idp: Any, user_pool_id: str) -> None:
    """Quota: a user can belong to at most 100 groups ("Quotas in Amazon Cognito")."""
    make_users(cognito_idp, user_pool_id, "busy")
    for i in range(101):
        cognito_idp.create_group(UserPoolId=user_pool_id, GroupName=f"g{i:03d}")
    for i in range(100):
        cognito_idp.admin_add_user_to_group(
            UserPoolId=user_pool_id, GroupName=f"g{i:03d}", Username="busy"
        )
    with pytest.raises(ClientError) as excinfo:
        cognito_idp.admin_add_user_to_group(
            UserPoolId=user_pool_id, GroupName="g100", Username="busy"
        )
    assert error_of(excinfo)[0] == "LimitExceededException"
    # Re-adding an existing membership at the cap still succeeds silently.
    cognito_idp.admin_add_user_to_group(UserPoolId=user_pool_id, GroupName="g000", Username="busy")
    paginator = cognito_idp.get_paginator("admin_list_groups_for_user")
    pages = list(paginator.paginate(UserPoolId=user_pool_id, Username="busy"))
    assert [len(p["Groups"]) for p in pages] == [60, 40]


def test_admin_remove_user_from_group_is_idempotent(cognito_idp: Any, user_pool_id: str) -> None:
    make_users(cognito_idp, user_pool_id, "ann", "bob")
    cognito_idp.create_group(UserPoolId=user_pool_id, GroupName="g")
    cognito_idp.admin_add_user_to_group(UserPoolId=user_pool_id, GroupName="g", Username="ann")
    cognito_idp.admin_remove_user_from_group(UserPoolId=user_pool_id, GroupName="g", Username="ann")
    cognito_idp.admin_remove_user_from_group(UserPoolId=user_pool_id, GroupName="g", Username="bob")
    assert cognito_idp.list_users_in_group(UserPoolId=user_pool_id, GroupName="g")["Users"] == []


def test_list_users_in_group_returns_user_types(cognito_idp: Any, user_pool_id: str) -> None:
    cognito_idp.admin_create_user(
        UserPoolId=user_pool_id,
        Username="ann",
        UserAttributes=[{"Name": "name", "Value": "Ann"}],
        MessageAction="SUPPRESS",
    )
    cognito_idp.admin_disable_user(UserPoolId=user_pool_id, Username="ann")
    cognito_idp.admin_set_user_settings(
        UserPoolId=user_pool_id,
        Username="ann",
        MFAOptions=[{"DeliveryMedium": "SMS", "AttributeName": "phone_number"}],
    )
    cognito_idp.create_group(UserPoolId=user_pool_id, GroupName="g")
    cognito_idp.admin_add_user_to_group(UserPoolId=user_pool_id, GroupName="g", Username="ann")
    (user,) = cognito_idp.list_users_in_group(UserPoolId=user_pool_id, GroupName="g")["Users"]
    assert user["Username"] == "ann"
    assert user["Enabled"] is False
    assert user["UserStatus"] == "FORCE_CHANGE_PASSWORD"
    assert user["MFAOptions"] == [{"DeliveryMedium": "SMS", "AttributeName": "phone_number"}]
    attrs = {a["Name"]: a["Value"] for a in user["Attributes"]}
    assert attrs["name"] == "Ann"
    assert user["Attributes"][0]["Name"] == "sub"


def test_list_users_in_group_empty_group(cognito_idp: Any, user_pool_id: str) -> None:
    cognito_idp.create_group(UserPoolId=user_pool_id, GroupName="g")
    response = cognito_idp.list_users_in_group(UserPoolId=user_pool_id, GroupName="g")
    assert response["Users"] == []
    assert "NextToken" not in response


def test_admin_delete_user_removes_memberships(cognito_idp: Any, user_pool_id: str) -> None:
    make_users(cognito_idp, user_pool_id, "ann", "bob")
    cognito_idp.create_group(UserPoolId=user_pool_id, GroupName="g")
    for name in ("ann", "bob"):
        cognito_idp.admin_add_user_to_group(UserPoolId=user_pool_id, GroupName="g", Username=name)
    cognito_idp.admin_delete_user(UserPoolId=user_pool_id, Username="ann")
    users = cognito_idp.list_users_in_group(UserPoolId=user_pool_id, GroupName="g")["Users"]
    assert [u["Username"] for u in users] == ["bob"]
    # The name is free again, and the new user is not in the old user's groups.
    make_users(cognito_idp, user_pool_id, "ann")
    groups = cognito_idp.admin_list_groups_for_user(UserPoolId=user_pool_id, Username="ann")
    assert groups["Groups"] == []


def test_admin_list_groups_for_user_unknown_user(cognito_idp: Any, user_pool_id: str) -> None:
    with pytest.raises(ClientError) as excinfo:
        cognito_idp.admin_list_groups_for_user(UserPoolId=user_pool_id, Username="ghost")
    assert error_of(excinfo) == ("UserNotFoundException", "User does not exist.")


def test_admin_list_groups_for_user_by_alias_and_sub(cognito_idp: Any) -> None:
    pool_id = cognito_idp.create_user_pool(PoolName="alias", AliasAttributes=["email"])["UserPool"][
        "Id"
    ]
    try:
        user = cognito_idp.admin_create_user(
            UserPoolId=pool_id,
            Username="ann",
            UserAttributes=[
                {"Name": "email", "Value": "ann@example.com"},
                {"Name": "email_verified", "Value": "true"},
            ],
            MessageAction="SUPPRESS",
        )["User"]
        sub = next(a["Value"] for a in user["Attributes"] if a["Name"] == "sub")
        cognito_idp.create_group(UserPoolId=pool_id, GroupName="g")
        cognito_idp.admin_add_user_to_group(
            UserPoolId=pool_id, GroupName="g", Username="ann@example.com"
        )
        for name in ("ann", "ann@example.com", sub):
            groups = cognito_idp.admin_list_groups_for_user(UserPoolId=pool_id, Username=name)
            assert [g["GroupName"] for g in groups["Groups"]] == ["g"]
    finally:
        cognito_idp.delete_user_pool(UserPoolId=pool_id)


def test_create_group_caps_groups_per_pool(
    userpools_server: Any, cognito_idp: Any, user_pool_id: str
) -> None:
    """Quota: 10,000 groups per pool, not adjustable ("Quotas in Amazon Cognito").

    The first 9,999 groups are seeded through the store to keep the test quick; the
    last ones go through the API.
    """
    from userpools.domain.models import Group

    store = userpools_server.server.store
    with store.transaction(write=True) as tx:
        pool = tx.get_pool(user_pool_id)
        assert pool is not None
        for i in range(9_999):
            tx.insert_group(pool, Group(0, f"seeded{i:05d}", None, None, None, 0.0, 0.0))
    cognito_idp.create_group(UserPoolId=user_pool_id, GroupName="the-10000th")
    with pytest.raises(ClientError) as excinfo:
        cognito_idp.create_group(UserPoolId=user_pool_id, GroupName="one-too-many")
    assert error_of(excinfo)[0] == "LimitExceededException"
    cognito_idp.delete_group(UserPoolId=user_pool_id, GroupName="seeded00000")
    cognito_idp.create_group(UserPoolId=user_pool_id, GroupName="one-too-many")
