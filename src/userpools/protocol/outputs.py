"""Checking a handler's result against its operation's output shape, for test servers.

botocore drops response members it does not know, so a misspelt member, a value of the
wrong type or a missing required member would pass unnoticed. With ``check_output`` on
(``Settings.check_output``; ``userpools.testing`` always sets it) the dispatcher runs
:func:`check_output` on every result and lets :class:`OutputMismatch` through instead of
answering a wire error, so the test fails.

The rules follow ``shapes.py``: members are those of the model, absent rather than
``None``; timestamps are floats (epoch seconds); blobs base64 text; enums one of their values
(``patches.json`` applied); lists are lists and maps dicts with string keys.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from botocore.model import OperationModel, Shape

from userpools.protocol.validate import model_patches

_TYPES: dict[str, tuple[type, ...]] = {
    "string": (str,),
    "blob": (str,),
    "integer": (int,),
    "long": (int,),
    "boolean": (bool,),
    "float": (int, float),
    "double": (int, float),
    "timestamp": (float,),
    "structure": (dict,),
    "map": (dict,),
    "list": (list,),
}


class OutputMismatch(AssertionError):
    """A handler's result does not fit its output shape: a bug in the handler."""


def check_output(operation: OperationModel, result: Mapping[str, Any] | None) -> None:
    """Raise :class:`OutputMismatch` listing every way ``result`` differs from the shape."""
    shape = operation.output_shape
    if shape is None:
        if result:
            raise OutputMismatch(f"{operation.name} has no output shape but returned {result!r}")
        return
    errors: list[str] = []
    _check(shape, {} if result is None else result, operation.name, errors)
    if errors:
        raise OutputMismatch(f"{operation.name} output: " + "; ".join(errors))


def _check(shape: Shape, value: Any, path: str, errors: list[str]) -> None:
    if shape.metadata.get("document"):
        return
    kind = shape.type_name
    expected = _TYPES[kind]
    if value.__class__ is bool and bool not in expected:
        errors.append(f"{path}: expected {kind}, got bool")
        return
    if not _is(value, expected):
        errors.append(f"{path}: expected {kind}, got {type(value).__name__}")
        return
    if kind == "string":
        enum = model_patches().get(shape.name, {}).get("enum", shape.metadata.get("enum"))
        if enum and value not in enum:
            errors.append(f"{path}: {value!r} is not one of {shape.name}")
    elif kind == "structure":
        _check_members(shape, value, path, errors)
    elif kind == "list":
        for index, item in enumerate(value):
            _check(shape.member, item, f"{path}[{index}]", errors)
    elif kind == "map":
        for key, item in value.items():
            _check(shape.key, key, f"{path} key {key!r}", errors)
            _check(shape.value, item, f"{path}[{key!r}]", errors)


def _is(value: Any, expected: tuple[type, ...]) -> bool:
    return isinstance(value, expected)


def _check_members(shape: Shape, value: dict[str, Any], path: str, errors: list[str]) -> None:
    members = shape.members
    for name, item in value.items():
        member = members.get(name)
        if member is None:
            errors.append(f"{path}: unknown member {name!r} (not in {shape.name})")
        elif item is None:
            errors.append(f"{path}.{name}: None (leave the member out)")
        else:
            _check(member, item, f"{path}.{name}", errors)
    for name in shape.required_members:
        if value.get(name) is None:
            errors.append(f"{path}: required member {name!r} is missing")
