"""Server-side validation of request parameters against an operation's input shape.

Wrong JSON types raise :class:`SerializationError` at once. Constraint violations are
collected and raised together as one :class:`InvalidParameter`, worded like AWS::

    2 validation errors detected: Value at 'username' failed to satisfy constraint: Member
    must have length greater than or equal to 1; Value at 'username' failed to satisfy ...

Paths use lowerCamelCase member names joined by dots; list items are ``<list>.<n>.member``
(1-based); map values are ``<map>.<key>`` and map-key violations are reported at ``<map>``.
Lengths count code points. Values inside ``sensitive`` shapes never appear in messages, nor
do those of :data:`SECRET_SHAPES`, which the model leaves unmarked. Corrections to the model
come from ``patches.json``.
"""

from __future__ import annotations

import binascii
import json
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any, NoReturn

import regex
from botocore.model import OperationModel, Shape

from userpools.domain.errors import InvalidParameter, SerializationError
from userpools.protocol.patterns import compile_java, full_match

MAX_VALUE_CHARS = 256
"""Longest rendering of one value in a message; longer ones end in ``...``."""

MAX_MESSAGE_CHARS = 4096
"""Violations past this length are summarised as ``and N more``."""

_INT_RANGES = {"integer": (-(2**31), 2**31 - 1), "long": (-(2**63), 2**63 - 1)}
_EXPECTED = {
    "string": "a string",
    "integer": "an integer",
    "long": "an integer",
    "boolean": "a boolean",
    "float": "a number",
    "double": "a number",
    "timestamp": "a number",
    "blob": "a base64 string",
    "structure": "an object",
    "map": "an object",
    "list": "an array",
}
_PATCHABLE = frozenset({"min", "max", "pattern", "enum"})

SECRET_SHAPES = frozenset(
    {"PaginationKey", "PaginationKeyType", "SearchPaginationTokenType", "ConfirmationCodeType"}
)
"""Shapes the model does not mark ``sensitive`` whose values are secrets all the same:
pagination tokens and confirmation codes. Their values are kept out of messages too."""

Check = Callable[["_Rule", Any, str, bool, list[str]], None]


@dataclass(eq=False, slots=True)
class _Rule:
    """The constraints of one shape, compiled once."""

    kind: str
    check: Check
    sensitive: bool = False
    min: int | None = None
    max: int | None = None
    pattern: regex.Pattern[str] | None = None
    pattern_text: str = ""
    enum: frozenset[str] | None = None
    enum_text: str = ""
    members: tuple[tuple[str, str, _Rule], ...] = ()
    names: frozenset[str] = frozenset()
    required: frozenset[str] = frozenset()
    member: _Rule | None = None
    key: _Rule | None = None
    value: _Rule | None = None


def validate_input(operation: OperationModel, params: Mapping[str, Any]) -> None:
    """Check ``params`` against the input shape of ``operation``.

    Members the shape does not have are dropped from ``params`` (and from every structure
    within), as AWS ignores them: a handler sees only the members of its input TypedDict,
    and never echoes a stranger back.
    """
    rule = _INPUT_RULES.get(operation.name)
    if rule is None:
        rule = _input_rule(operation)
    errors: list[str] = []
    rule.check(rule, params, "", False, errors)
    if errors:
        raise InvalidParameter(_message(errors))


# --- checks -------------------------------------------------------------------------------


def _check_string(rule: _Rule, value: Any, path: str, sensitive: bool, errors: list[str]) -> None:
    if value.__class__ is not str:
        _type_error(rule, value, path)
    _check_length(rule, value, len(value), path, sensitive, errors)
    # Past the model's maximum only the length is reported: some model patterns backtrack
    # quadratically, and the length violation already rejects the value.
    pattern = rule.pattern
    within = rule.max is None or len(value) <= rule.max
    if pattern is not None and within and not full_match(pattern, value):
        constraint = f"Member must satisfy regular expression pattern: {rule.pattern_text}"
        errors.append(_violation(value, path, sensitive or rule.sensitive, constraint))
    if rule.enum is not None and value not in rule.enum:
        constraint = f"Member must satisfy enum value set: {rule.enum_text}"
        errors.append(_violation(value, path, sensitive or rule.sensitive, constraint))


def _check_integer(rule: _Rule, value: Any, path: str, sensitive: bool, errors: list[str]) -> None:
    if value.__class__ is not int:
        _type_error(rule, value, path)
    low, high = _INT_RANGES[rule.kind]
    if not low <= value <= high:
        raise SerializationError(f"Number at '{path}' is out of range for {rule.kind}")
    _check_range(rule, value, path, sensitive, errors)


def _check_number(rule: _Rule, value: Any, path: str, sensitive: bool, errors: list[str]) -> None:
    if value.__class__ is not int and value.__class__ is not float:
        _type_error(rule, value, path)
    _check_range(rule, value, path, sensitive, errors)


def _check_boolean(rule: _Rule, value: Any, path: str, sensitive: bool, errors: list[str]) -> None:
    if value.__class__ is not bool:
        _type_error(rule, value, path)


def _check_timestamp(
    rule: _Rule, value: Any, path: str, sensitive: bool, errors: list[str]
) -> None:
    if value.__class__ is not int and value.__class__ is not float:
        _type_error(rule, value, path)


def _check_blob(rule: _Rule, value: Any, path: str, sensitive: bool, errors: list[str]) -> None:
    if value.__class__ is not str:
        _type_error(rule, value, path)
    try:
        size = len(binascii.a2b_base64(value, strict_mode=True))
    except (binascii.Error, ValueError):
        raise SerializationError(f"Value at '{path}' is not valid base64") from None
    _check_length(rule, value, size, path, sensitive, errors)


def _check_document(rule: _Rule, value: Any, path: str, sensitive: bool, errors: list[str]) -> None:
    """Documents are free-form JSON."""


def _check_structure(
    rule: _Rule, value: Any, path: str, sensitive: bool, errors: list[str]
) -> None:
    if value.__class__ is not dict and not isinstance(value, Mapping):
        _type_error(rule, value, path)
    if value.__class__ is dict and not rule.names.issuperset(value):
        for name in [name for name in value if name not in rule.names]:
            del value[name]
    sensitive = sensitive or rule.sensitive
    prefix = f"{path}." if path else ""
    for name, segment, child in rule.members:
        item = value.get(name)
        if item is None:
            if name in rule.required:
                errors.append(
                    f"Value null at '{prefix}{segment}' failed to satisfy constraint: "
                    "Member must not be null"
                )
            continue
        child.check(child, item, prefix + segment, sensitive, errors)


def _check_list(rule: _Rule, value: Any, path: str, sensitive: bool, errors: list[str]) -> None:
    if value.__class__ is not list:
        _type_error(rule, value, path)
    sensitive = sensitive or rule.sensitive
    _check_length(rule, value, len(value), path, sensitive, errors)
    child = rule.member
    assert child is not None
    for index, item in enumerate(value, 1):
        item_path = f"{path}.{index}.member"
        if item is None:
            raise SerializationError(f"Unexpected null at '{item_path}'")
        child.check(child, item, item_path, sensitive, errors)


def _check_map(rule: _Rule, value: Any, path: str, sensitive: bool, errors: list[str]) -> None:
    if value.__class__ is not dict:
        _type_error(rule, value, path)
    sensitive = sensitive or rule.sensitive
    _check_length(rule, value, len(value), path, sensitive, errors)
    key_rule, value_rule = rule.key, rule.value
    assert key_rule is not None and value_rule is not None
    for key, item in value.items():
        key_rule.check(key_rule, key, path, sensitive, errors)
        value_rule.check(value_rule, item, f"{path}.{_truncate(key)}", sensitive, errors)


def _check_length(
    rule: _Rule, value: Any, length: int, path: str, sensitive: bool, errors: list[str]
) -> None:
    if rule.min is not None and length < rule.min:
        constraint = f"Member must have length greater than or equal to {rule.min}"
        errors.append(_violation(value, path, sensitive or rule.sensitive, constraint))
    if rule.max is not None and length > rule.max:
        constraint = f"Member must have length less than or equal to {rule.max}"
        errors.append(_violation(value, path, sensitive or rule.sensitive, constraint))


def _check_range(rule: _Rule, value: Any, path: str, sensitive: bool, errors: list[str]) -> None:
    if rule.min is not None and value < rule.min:
        constraint = f"Member must have value greater than or equal to {rule.min}"
        errors.append(_violation(value, path, sensitive or rule.sensitive, constraint))
    if rule.max is not None and value > rule.max:
        constraint = f"Member must have value less than or equal to {rule.max}"
        errors.append(_violation(value, path, sensitive or rule.sensitive, constraint))


_CHECKS: dict[str, Check] = {
    "string": _check_string,
    "integer": _check_integer,
    "long": _check_integer,
    "float": _check_number,
    "double": _check_number,
    "boolean": _check_boolean,
    "timestamp": _check_timestamp,
    "blob": _check_blob,
    "document": _check_document,
    "structure": _check_structure,
    "list": _check_list,
    "map": _check_map,
}


# --- messages -----------------------------------------------------------------------------


def _type_error(rule: _Rule, value: Any, path: str) -> NoReturn:
    where = f" at '{path}'" if path else ""
    raise SerializationError(f"Expected {_EXPECTED[rule.kind]}{where}, got {_json_kind(value)}")


def _json_kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int):
        return "an integer"
    if isinstance(value, float):
        return "a decimal number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    return "an object"


def _violation(value: Any, path: str, sensitive: bool, constraint: str) -> str:
    if sensitive:
        return f"Value at '{path}' failed to satisfy constraint: {constraint}"
    return f"Value '{_render(value)}' at '{path}' failed to satisfy constraint: {constraint}"


def _render(value: Any) -> str:
    """Java-style ``toString`` of a JSON value, cut to :data:`MAX_VALUE_CHARS`."""
    if isinstance(value, bool):
        text = "true" if value else "false"
    elif isinstance(value, list):
        text = "[" + ", ".join(_render(item) for item in value[:MAX_VALUE_CHARS]) + "]"
    elif isinstance(value, dict):
        items = list(value.items())[:MAX_VALUE_CHARS]
        text = "{" + ", ".join(f"{_render(k)}={_render(v)}" for k, v in items) + "}"
    else:
        text = str(value)
    return _truncate(text)


def _truncate(text: str) -> str:
    return text if len(text) <= MAX_VALUE_CHARS else text[:MAX_VALUE_CHARS] + "..."


def _message(errors: list[str]) -> str:
    count = len(errors)
    head = (
        "1 validation error detected: " if count == 1 else f"{count} validation errors detected: "
    )
    shown: list[str] = []
    size = len(head)
    for violation in errors:
        if shown and size + len(violation) > MAX_MESSAGE_CHARS:
            shown.append(f"and {count - len(shown)} more")
            break
        shown.append(violation)
        size += len(violation) + 2
    return head + "; ".join(shown)


# --- compiling rules from the model -------------------------------------------------------

_INPUT_RULES: dict[str, _Rule] = {}
_SHAPE_RULES: dict[str, _Rule] = {}
_BUILD_LOCK = threading.Lock()


@cache
def model_patches() -> dict[str, dict[str, Any]]:
    """Shape overrides from ``patches.json``, by shape name (the ``reason`` is dropped)."""
    text = resources.files("userpools.protocol").joinpath("patches.json").read_text("utf-8")
    patches: dict[str, dict[str, Any]] = {}
    for entry in json.loads(text)["shapes"]:
        overrides = {k: v for k, v in entry.items() if k not in ("shape", "reason")}
        if not entry.get("reason") or not overrides or overrides.keys() - _PATCHABLE:
            raise ValueError(f"bad patch for {entry.get('shape')!r} in patches.json")
        patches[entry["shape"]] = overrides
    return patches


def _input_rule(operation: OperationModel) -> _Rule:
    with _BUILD_LOCK:
        rule = _INPUT_RULES.get(operation.name)
        if rule is None:
            shape = operation.input_shape
            if shape is None:
                rule = _Rule(kind="structure", check=_check_structure)
            else:
                rule = _rule_for(shape)
            _INPUT_RULES[operation.name] = rule
        return rule


def _rule_for(shape: Shape) -> _Rule:
    """Compile ``shape`` (and everything it reaches) into a rule; call under the lock."""
    rule = _SHAPE_RULES.get(shape.name)
    if rule is not None:
        return rule
    metadata = {**shape.metadata, **model_patches().get(shape.name, {})}
    kind = "document" if metadata.get("document") else shape.type_name
    sensitive = bool(metadata.get("sensitive")) or shape.name in SECRET_SHAPES
    rule = _Rule(kind=kind, check=_CHECKS[kind], sensitive=sensitive)
    _SHAPE_RULES[shape.name] = rule  # registered first: shapes may refer to themselves
    rule.min = metadata.get("min")
    rule.max = metadata.get("max")
    if "pattern" in metadata:
        rule.pattern_text = metadata["pattern"]
        rule.pattern = compile_java(rule.pattern_text)
    if "enum" in metadata:
        rule.enum = frozenset(metadata["enum"])
        rule.enum_text = "[" + ", ".join(metadata["enum"]) + "]"
    if kind == "structure":
        rule.members = tuple(
            (name, _lower_camel(name), _rule_for(member)) for name, member in shape.members.items()
        )
        rule.names = frozenset(shape.members)
        rule.required = frozenset(metadata.get("required", ()))
    elif kind == "list":
        rule.member = _rule_for(shape.member)
    elif kind == "map":
        rule.key = _rule_for(shape.key)
        rule.value = _rule_for(shape.value)
    return rule


def _lower_camel(name: str) -> str:
    return name[:1].lower() + name[1:]
