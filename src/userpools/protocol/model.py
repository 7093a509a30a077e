"""The ``cognito-idp`` service model, loaded once, and target resolution.

The model is botocore's ``service-2.json`` for ``cognito-idp``, shipped beside this module
(with its ``paginators-1.json``, which ``tools/gen_shapes.py`` reads) instead of being read
from the installed botocore. What the server serves is then fixed by this package, whatever
botocore the application beside it pins; botocore's :class:`ServiceModel` still reads it.
``tests/protocol/test_model.py`` checks that the files equal the data of the botocore
version the ``test`` extra pins; ``tools/update_model.py`` copies them after a bump.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

from botocore.model import OperationModel, ServiceModel

from userpools.domain.errors import UnknownOperation

SERVICE_NAME = "cognito-idp"
TARGET_PREFIX = "AWSCognitoIdentityProviderService."

# Longest slice of a client-supplied target echoed back in an error message.
_MAX_ECHO = 100


#: The model files shipped in this package (``userpools.protocol``), by botocore's names.
SERVICE_FILE = "service-2.json"
PAGINATORS_FILE = "paginators-1.json"


def model_data(file_name: str) -> dict[str, Any]:
    """One of the shipped model files (:data:`SERVICE_FILE`, :data:`PAGINATORS_FILE`), parsed."""
    text = resources.files(__package__).joinpath(file_name).read_text("utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


@cache
def service_model() -> ServiceModel:
    """The shipped model of ``cognito-idp``, loaded on first use."""
    return ServiceModel(model_data(SERVICE_FILE), service_name=SERVICE_NAME)


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
