"""The botocore ``cognito-idp`` service model, loaded once, and target resolution."""

from __future__ import annotations

from functools import cache
from typing import Any

import botocore.session
from botocore.model import OperationModel, ServiceModel

from userpools.domain.errors import UnknownOperation

SERVICE_NAME = "cognito-idp"
TARGET_PREFIX = "AWSCognitoIdentityProviderService."

# Longest slice of a client-supplied target echoed back in an error message.
_MAX_ECHO = 100


@cache
def service_model() -> ServiceModel:
    """The pinned botocore model of ``cognito-idp``, loaded on first use."""
    return botocore.session.get_session().get_service_model(SERVICE_NAME)


@cache
def _operations_by_target() -> dict[str, Any]:
    model = service_model()
    return {TARGET_PREFIX + name: model.operation_model(name) for name in model.operation_names}


def operation_for_target(target: str | None) -> OperationModel:
    """The operation named by an ``X-Amz-Target`` header, or :class:`UnknownOperation`."""
    operation = _operations_by_target().get(target) if target is not None else None
    if operation is None:
        raise UnknownOperation(f"Unknown operation: {_echo(target)}")
    return operation


def _echo(target: str | None) -> str:
    if target is None:
        return "missing X-Amz-Target header"
    if len(target) > _MAX_ECHO:
        return target[:_MAX_ECHO] + "..."
    return target
