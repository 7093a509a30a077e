"""Target resolution against the service model, and the model's shipped copy."""

from __future__ import annotations

import tomllib
from pathlib import Path

import botocore
import botocore.session
import pytest
from packaging.specifiers import SpecifierSet
from packaging.version import Version

from userpools.domain.errors import UnknownOperation
from userpools.protocol.model import (
    PAGINATORS_FILE,
    SERVICE_FILE,
    SERVICE_NAME,
    TARGET_PREFIX,
    model_data,
    operation_for_target,
    service_model,
)

ROOT = Path(__file__).resolve().parents[2]


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


def _test_extra_pin(package: str) -> str:
    """The version the ``test`` extra of pyproject.toml pins ``package`` to."""
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    pins = [
        requirement.split("==", 1)[1]
        for requirement in pyproject["project"]["optional-dependencies"]["test"]
        if requirement.startswith(f"{package}==")
    ]
    assert len(pins) == 1, f"the test extra pins no single {package} version"
    return pins[0]


def test_shipped_model_is_the_pinned_botocores() -> None:
    """The package serves its own copy of the model; it must be the pinned botocore's."""
    assert botocore.__version__ == _test_extra_pin("botocore"), (
        "install the test extra with constraints.txt"
    )
    loader = botocore.session.get_session().get_component("data_loader")
    for name in (SERVICE_FILE, PAGINATORS_FILE):
        pinned = loader.load_service_model(SERVICE_NAME, name.removesuffix(".json"))
        assert model_data(name) == pinned, f"{name} is stale: run python tools/update_model.py"


def test_runtime_dependency_allows_the_pinned_botocore() -> None:
    """The runtime range of botocore is wide, and holds the version the model came from."""
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    (requirement,) = [
        dep for dep in pyproject["project"]["dependencies"] if dep.startswith("botocore")
    ]
    assert "==" not in requirement
    allowed = SpecifierSet(requirement.removeprefix("botocore"))
    assert Version(_test_extra_pin("botocore")) in allowed
