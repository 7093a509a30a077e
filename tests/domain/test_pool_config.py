"""The pool configuration record: its wire names match the model, and the rules of
``domain/pools.py`` (defaults, the two validity members, what UpdateUserPool keeps)."""

from __future__ import annotations

import dataclasses
import typing
from typing import Any

import botocore.session
import pytest

from userpools.domain.errors import InvalidParameter
from userpools.domain.password_policy import PasswordPolicy
from userpools.domain.pool_config import (
    AdminCreateUserConfig,
    Policies,
    PoolConfig,
    SchemaAttribute,
    SmsConfiguration,
    UsernameConfiguration,
    member_name,
)
from userpools.domain.pools import new_config, updated_config

MODEL = botocore.session.get_session().get_service_model("cognito-idp")


def _record_of(hint: Any) -> Any:
    """The record class inside a field's type, if any."""
    for candidate in (hint, *typing.get_args(hint)):
        if dataclasses.is_dataclass(candidate):
            return candidate
        inner = typing.get_args(candidate)
        if inner and dataclasses.is_dataclass(inner[0]):
            return inner[0]
    return None


def _check(record: type, shape: Any, skip: frozenset[str], path: str) -> list[str]:
    """Differences between a record's fields and a model shape's members."""
    hints = typing.get_type_hints(record)
    names = {member_name(record, f.name): f.name for f in dataclasses.fields(record)}
    members = set(shape.members) - skip
    problems = [f"{path}: {n} not in the model" for n in set(names) - set(shape.members)]
    problems += [f"{path}: model member {m} has no field" for m in members - set(names)]
    for wire, field in names.items():
        inner = _record_of(hints[field])
        if inner is not None and wire in shape.members:
            member = shape.members[wire]
            member = member.member if member.type_name == "list" else member
            problems += _check(inner, member, frozenset(), f"{path}.{wire}")
    return problems


def test_pool_config_fields_are_the_models_members() -> None:
    """Every field maps to a member of UserPoolType, and every member of it that a request
    sets (or DescribeUserPool fills in) has a field: none is dropped without a word."""
    identity = {"Id", "Name", "Arn", "Status", "LastModifiedDate", "CreationDate"}
    not_kept = {
        "EstimatedNumberOfUsers",
        "SmsConfigurationFailure",
        "EmailConfigurationFailure",
        "Domain",
        "CustomDomain",
    }
    shape = MODEL.shape_for("UserPoolType")
    assert _check(PoolConfig, shape, frozenset(identity | not_kept), "UserPool") == []


@pytest.mark.parametrize("operation", ["CreateUserPool", "UpdateUserPool"])
def test_pool_config_holds_every_request_member(operation: str) -> None:
    wire = {member_name(PoolConfig, f.name) for f in dataclasses.fields(PoolConfig)}
    request = set(MODEL.operation_model(operation).input_shape.members)
    assert request - wire == {"PoolName", "Schema", "UserPoolId"} & request


def test_new_config_fills_aws_defaults() -> None:
    config = new_config(PoolConfig())
    assert config.password_policy == PasswordPolicy(temporary_password_validity_days=7)
    assert (config.user_pool_tier, config.mfa_configuration) == ("ESSENTIALS", "OFF")
    assert [a.name for a in config.schema_attributes][:2] == ["sub", "name"]
    assert config.required_attributes == ()


@pytest.mark.parametrize("validity", [0, None])
def test_new_config_zero_or_absent_validity_is_seven(validity: int | None) -> None:
    policy = PasswordPolicy(minimum_length=6, temporary_password_validity_days=validity)
    config = new_config(PoolConfig(policies=Policies(policy)))
    assert config.password_policy.temporary_password_validity_days == 7


def test_new_config_unused_account_days_set_validity_without_a_policy() -> None:
    admin = AdminCreateUserConfig(unused_account_validity_days=4)
    config = new_config(PoolConfig(admin_create_user_config=admin))
    assert config.password_policy.temporary_password_validity_days == 4
    # With a policy (even one without the member), the older member does not count.
    config = new_config(
        PoolConfig(policies=Policies(PasswordPolicy()), admin_create_user_config=admin)
    )
    assert config.password_policy.temporary_password_validity_days == 7


def test_new_config_refuses_both_validity_members() -> None:
    with pytest.raises(InvalidParameter):
        new_config(
            PoolConfig(
                policies=Policies(PasswordPolicy(temporary_password_validity_days=2)),
                admin_create_user_config=AdminCreateUserConfig(unused_account_validity_days=2),
            )
        )


def test_new_config_keeps_password_history_size() -> None:
    config = new_config(PoolConfig(policies=Policies(PasswordPolicy(password_history_size=3))))
    assert config.password_policy.password_history_size == 3


def test_updated_config_keeps_creation_members_and_tier_and_resets_the_rest() -> None:
    current = new_config(
        PoolConfig(
            mfa_configuration="OPTIONAL",
            sms_configuration=SmsConfiguration(sns_caller_arn="arn:aws:iam::1:role/sns"),
            auto_verified_attributes=("phone_number",),
            user_pool_tier="PLUS",
            alias_attributes=("email",),
            username_configuration=UsernameConfiguration(case_sensitive=False),
            schema_attributes=(SchemaAttribute("tenant", "String"),),
        )
    )
    updated = updated_config(current, PoolConfig())
    assert updated.mfa_configuration == "OFF"
    assert updated.user_pool_tier == "PLUS"
    assert updated.alias_attributes == ("email",)
    assert updated.case_sensitive is False
    assert updated.schema_attributes == current.schema_attributes
    assert [a.name for a in updated.custom_attributes] == ["custom:tenant"]
    assert updated_config(current, PoolConfig(user_pool_tier="LITE")).user_pool_tier == "LITE"
