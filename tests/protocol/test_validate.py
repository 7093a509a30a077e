"""Input validation, worded like AWS."""

from __future__ import annotations

from typing import Any

import pytest

from userpools.domain.errors import InvalidParameter, SerializationError
from userpools.protocol.model import TARGET_PREFIX, operation_for_target
from userpools.protocol.validate import MAX_MESSAGE_CHARS, model_patches, validate_input

POOL = "us-east-1_AbC123"


def _message(operation: str, params: dict[str, Any]) -> str:
    with pytest.raises(InvalidParameter) as caught:
        validate_input(operation_for_target(TARGET_PREFIX + operation), params)
    assert caught.value.code == "InvalidParameterException"
    return caught.value.message


def _passes(operation: str, params: dict[str, Any]) -> None:
    validate_input(operation_for_target(TARGET_PREFIX + operation), params)


def _serialization(operation: str, params: dict[str, Any]) -> str:
    with pytest.raises(SerializationError) as caught:
        validate_input(operation_for_target(TARGET_PREFIX + operation), params)
    assert caught.value.code == "SerializationException"
    return caught.value.message


def test_list_users_in_group_limit_over_max() -> None:
    """Real message for Limit=100 (cognito-spec §1.3, [I-2193])."""
    message = _message("ListUsersInGroup", {"UserPoolId": POOL, "GroupName": "g", "Limit": 100})
    assert message == (
        "1 validation error detected: Value '100' at 'limit' failed to satisfy constraint: "
        "Member must have value less than or equal to 60"
    )


def test_list_users_in_group_limit_bounds() -> None:
    over = _message("ListUsersInGroup", {"UserPoolId": POOL, "GroupName": "g", "Limit": 61})
    assert over.endswith(
        "Value '61' at 'limit' failed to satisfy constraint: "
        "Member must have value less than or equal to 60"
    )
    under = _message("ListUsersInGroup", {"UserPoolId": POOL, "GroupName": "g", "Limit": -1})
    assert under == (
        "1 validation error detected: Value '-1' at 'limit' failed to satisfy constraint: "
        "Member must have value greater than or equal to 0"
    )
    _passes("ListUsersInGroup", {"UserPoolId": POOL, "GroupName": "g", "Limit": 0})
    _passes("ListUsersInGroup", {"UserPoolId": POOL, "GroupName": "g", "Limit": 60})


def test_admin_list_groups_for_user_empty_username() -> None:
    """Real message for Username='' (cognito-spec §1.3, [I-1356]); Username is sensitive."""
    message = _message("AdminListGroupsForUser", {"UserPoolId": POOL, "Username": ""})
    assert message == (
        "2 validation errors detected: Value at 'username' failed to satisfy constraint: "
        "Member must have length greater than or equal to 1; Value at 'username' failed to "
        "satisfy constraint: Member must satisfy regular expression pattern: "
        r"[\p{L}\p{M}\p{S}\p{N}\p{P}]+"
    )


def test_list_groups_pool_id_with_leading_space() -> None:
    """Real message from aws/aws-sdk-js#3344 (ListGroups, UserPoolId ' ap-northeast-1_xxx')."""
    message = _message("ListGroups", {"UserPoolId": " ap-northeast-1_xxx"})
    assert message == (
        "1 validation error detected: Value ' ap-northeast-1_xxx' at 'userPoolId' failed to "
        r"satisfy constraint: Member must satisfy regular expression pattern: [\w-]+_[0-9a-zA-Z]+"
    )


def test_describe_user_pool_bad_pool_id() -> None:
    """Same wording as the 'YOUR_USER_POOL_ID' sample (cognito-spec §1.3, anomalyco/guide#127)."""
    message = _message("DescribeUserPool", {"UserPoolId": "YOUR USER POOL ID"})
    assert message == (
        "1 validation error detected: Value 'YOUR USER POOL ID' at 'userPoolId' failed to "
        r"satisfy constraint: Member must satisfy regular expression pattern: [\w-]+_[0-9a-zA-Z]+"
    )


def test_describe_user_pool_placeholder_id_matches_pattern() -> None:
    """'YOUR_USER_POOL_ID' matches [\\w-]+_[0-9a-zA-Z]+ under Java semantics.

    The issue quoting it (anomalyco/guide#127) shows a placeholder the reporter pasted in
    place of the real, wrong value ("I was using the wrong value for userPoolId"); Java's
    Pattern.matches accepts the placeholder itself, so we do too.
    """
    _passes("DescribeUserPool", {"UserPoolId": "YOUR_USER_POOL_ID"})


def test_describe_user_pool_missing_required() -> None:
    assert _message("DescribeUserPool", {}) == (
        "1 validation error detected: Value null at 'userPoolId' failed to satisfy "
        "constraint: Member must not be null"
    )


def test_admin_initiate_auth_enum_value_set() -> None:
    message = _message(
        "AdminInitiateAuth", {"UserPoolId": POOL, "ClientId": "abc", "AuthFlow": "NOPE"}
    )
    assert message == (
        "1 validation error detected: Value 'NOPE' at 'authFlow' failed to satisfy "
        "constraint: Member must satisfy enum value set: [USER_SRP_AUTH, REFRESH_TOKEN_AUTH, "
        "REFRESH_TOKEN, CUSTOM_AUTH, ADMIN_NO_SRP_AUTH, USER_PASSWORD_AUTH, "
        "ADMIN_USER_PASSWORD_AUTH, USER_AUTH]"
    )


def test_admin_create_user_nested_sensitive_attribute_value() -> None:
    """AttributeValueType is sensitive: the 3000-char value stays out of the message."""
    params = {
        "UserPoolId": POOL,
        "Username": "alice",
        "UserAttributes": [{"Name": "name", "Value": "v" * 3000}],
        "ValidationData": [{"Name": "a", "Value": "ok"}, {"Name": "b", "Value": "w" * 3000}],
    }
    message = _message("AdminCreateUser", params)
    assert message == (
        "2 validation errors detected: Value at 'userAttributes.1.member.value' failed to "
        "satisfy constraint: Member must have length less than or equal to 2048; "
        "Value at 'validationData.2.member.value' failed to satisfy constraint: "
        "Member must have length less than or equal to 2048"
    )


def test_admin_create_user_nested_missing_name() -> None:
    message = _message(
        "AdminCreateUser", {"UserPoolId": POOL, "Username": "a", "UserAttributes": [{}]}
    )
    assert message == (
        "1 validation error detected: Value null at 'userAttributes.1.member.name' failed to "
        "satisfy constraint: Member must not be null"
    )


def test_admin_create_user_lists_all_violations_in_model_order() -> None:
    message = _message(
        "AdminCreateUser",
        {
            "UserPoolId": "é_1",
            "Username": "a b",
            "MessageAction": "LOUD",
            "DesiredDeliveryMediums": ["EMAIL", "PIGEON"],
        },
    )
    assert message == (
        "4 validation errors detected: Value 'é_1' at 'userPoolId' failed to satisfy "
        r"constraint: Member must satisfy regular expression pattern: [\w-]+_[0-9a-zA-Z]+; "
        "Value at 'username' failed to satisfy constraint: Member must satisfy regular "
        r"expression pattern: [\p{L}\p{M}\p{S}\p{N}\p{P}]+; "
        "Value 'LOUD' at 'messageAction' failed to satisfy constraint: Member must satisfy "
        "enum value set: [RESEND, SUPPRESS]; Value 'PIGEON' at 'desiredDeliveryMediums.2.member' "
        "failed to satisfy constraint: Member must satisfy enum value set: [SMS, EMAIL]"
    )


def test_admin_get_user_java_semantics() -> None:
    _passes("AdminGetUser", {"UserPoolId": POOL, "Username": "\u3164"})
    _passes("AdminGetUser", {"UserPoolId": POOL, "Username": "jörg+tag@example.com"})
    assert "'username'" in _message("AdminGetUser", {"UserPoolId": POOL, "Username": "a b"})
    assert "'é_1'" in _message("AdminGetUser", {"UserPoolId": "é_1", "Username": "a"})


def test_admin_get_user_username_too_long() -> None:
    message = _message("AdminGetUser", {"UserPoolId": POOL, "Username": "u" * 129})
    assert message == (
        "1 validation error detected: Value at 'username' failed to satisfy constraint: "
        "Member must have length less than or equal to 128"
    )


def test_admin_get_user_length_counts_code_points() -> None:
    _passes("AdminGetUser", {"UserPoolId": POOL, "Username": "😀" * 128})


def test_admin_initiate_auth_sensitive_map_hides_values() -> None:
    message = _message(
        "AdminInitiateAuth",
        {
            "UserPoolId": POOL,
            "ClientId": "abc",
            "AuthFlow": "ADMIN_USER_PASSWORD_AUTH",
            "AuthParameters": {"PASSWORD": "p" * 131073},
        },
    )
    assert message == (
        "1 validation error detected: Value at 'authParameters.PASSWORD' failed to satisfy "
        "constraint: Member must have length less than or equal to 131072"
    )


def test_create_terms_map_paths() -> None:
    """Map values are reported at <map>.<key>; map-key violations at <map>."""
    link = "https://example.com/terms"
    message = _message(
        "CreateTerms",
        {
            "UserPoolId": POOL,
            "ClientId": "abc",
            "TermsName": "terms-of-use",
            "TermsSource": "LINK",
            "Enforcement": "NONE",
            "Links": {"cognito:english": "bad link", "klingon": link},
        },
    )
    assert message.startswith(
        "2 validation errors detected: Value 'bad link' at 'links.cognito:english' failed to "
        "satisfy constraint: Member must satisfy regular expression pattern: "
    )
    assert "; Value 'klingon' at 'links' failed to satisfy constraint: Member must" in message


@pytest.mark.parametrize(
    ("limit", "got"),
    [(True, "a boolean"), (10.0, "a decimal number"), ("10", "a string"), ([], "an array")],
)
def test_list_users_limit_type_mismatch(limit: Any, got: str) -> None:
    message = _serialization("ListUsers", {"UserPoolId": POOL, "Limit": limit})
    assert message == f"Expected an integer at 'limit', got {got}"


def test_list_users_limit_out_of_int_range() -> None:
    message = _serialization("ListUsers", {"UserPoolId": POOL, "Limit": 2**31})
    assert "'limit'" in message


@pytest.mark.parametrize(
    ("params", "path"),
    [
        ({"UserPoolId": 5, "Username": "a"}, "userPoolId"),
        ({"UserPoolId": POOL, "Username": "a", "UserAttributes": {}}, "userAttributes"),
        ({"UserPoolId": POOL, "Username": "a", "UserAttributes": ["x"]}, "userAttributes.1.member"),
        ({"UserPoolId": POOL, "Username": "a", "ForceAliasCreation": "true"}, "forceAliasCreation"),
        ({"UserPoolId": POOL, "Username": "a", "ClientMetadata": {"k": 1}}, "clientMetadata.k"),
        ({"UserPoolId": POOL, "Username": "a", "ClientMetadata": []}, "clientMetadata"),
    ],
)
def test_admin_create_user_type_mismatch_names_path(params: dict[str, Any], path: str) -> None:
    assert f"at '{path}'" in _serialization("AdminCreateUser", params)


def test_admin_create_user_null_list_item() -> None:
    params = {"UserPoolId": POOL, "Username": "a", "DesiredDeliveryMediums": [None]}
    assert "desiredDeliveryMediums.1.member" in _serialization("AdminCreateUser", params)


def test_admin_create_user_ignores_unknown_members() -> None:
    _passes("AdminCreateUser", {"UserPoolId": POOL, "Username": "a", "Surprise": {"x": [1]}})


def test_validate_input_drops_unknown_members_at_every_depth() -> None:
    """Handlers see only their input shape's members, so none can echo a stranger back (the
    output check of the test servers found CreateUserPool echoing one)."""
    params = {
        "PoolName": "p",
        "Surprise": 1,
        "UserAttributeUpdateSettings": {"a.b": [], "AttributesRequireVerificationBeforeUpdate": []},
        "Schema": [{"Name": "x", "Extra": True}],
    }
    validate_input(operation_for_target(TARGET_PREFIX + "CreateUserPool"), params)
    assert params == {
        "PoolName": "p",
        "UserAttributeUpdateSettings": {"AttributesRequireVerificationBeforeUpdate": []},
        "Schema": [{"Name": "x"}],
    }


def test_sign_up_password_patch_allows_inner_spaces() -> None:
    """AWS accepts inner spaces in passwords although the model says [\\S]+ (patches.json)."""
    base = {"ClientId": "abc", "Username": "alice"}
    _passes("SignUp", {**base, "Password": "correct horse battery"})
    _passes("SignUp", {**base, "Password": "tab\tinside"})
    for password in (" leading", "trailing ", "\tboth\t", "", " ", "new\n"):
        assert _message("SignUp", {**base, "Password": password}) == (
            "1 validation error detected: Value at 'password' failed to satisfy constraint: "
            r"Member must satisfy regular expression pattern: [\S]+(?:[\s]+[\S]+)*"
        )


def test_model_patches_every_entry_has_a_reason_and_a_model_shape() -> None:
    from userpools.protocol.model import service_model

    names = set(service_model().shape_names)
    assert "PasswordType" in model_patches()
    assert set(model_patches()) <= names


def test_admin_create_user_message_is_capped() -> None:
    attributes = [{"Name": "n" * 40, "Value": "v"} for _ in range(500)]
    message = _message(
        "AdminCreateUser", {"UserPoolId": POOL, "Username": "a", "UserAttributes": attributes}
    )
    assert message.startswith("500 validation errors detected: ")
    assert len(message) <= MAX_MESSAGE_CHARS + 100
    assert message.endswith("more")


def test_create_group_long_value_is_truncated_in_message() -> None:
    message = _message(
        "CreateGroup", {"UserPoolId": POOL, "GroupName": "g", "Description": "d" * 5000}
    )
    assert len(message) < 600
    assert "Member must have length less than or equal to 2048" in message
