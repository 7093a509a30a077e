"""Target resolution against the botocore model."""

from __future__ import annotations

import pytest

from userpools.domain.errors import UnknownOperation
from userpools.protocol.model import TARGET_PREFIX, operation_for_target, service_model


def test_operation_for_target_resolves_model_operation() -> None:
    operation = operation_for_target(TARGET_PREFIX + "ListUsersInGroup")
    assert operation.name == "ListUsersInGroup"
    assert operation.input_shape.name == "ListUsersInGroupRequest"


def test_operation_for_target_resolves_every_model_operation() -> None:
    for name in service_model().operation_names:
        assert operation_for_target(TARGET_PREFIX + name).name == name


@pytest.mark.parametrize(
    "target",
    [
        "AWSCognitoIdentityProviderService.NoSuchThing",
        "AWSCognitoIdentityService.ListUsers",  # the identity-pools prefix
        "ListUsers",
        "AWSCognitoIdentityProviderService.",
        "",
    ],
)
def test_operation_for_target_rejects_unknown(target: str) -> None:
    with pytest.raises(UnknownOperation) as caught:
        operation_for_target(target)
    assert caught.value.message == f"Unknown operation: {target}"
    assert caught.value.status == 400


def test_operation_for_target_rejects_missing_header() -> None:
    with pytest.raises(UnknownOperation, match="missing X-Amz-Target"):
        operation_for_target(None)


def test_operation_for_target_truncates_huge_target() -> None:
    with pytest.raises(UnknownOperation) as caught:
        operation_for_target("X" * 100_000)
    assert len(caught.value.message) < 200
