"""A pool's attribute schema: the checks AWS makes of ``Schema`` and ``CustomAttributes``.

CreateUserPool's ``Schema`` and AddCustomAttributes' ``CustomAttributes`` go through the
same rules (:func:`custom_attribute`); the texts are AWS's (sources in docs/errors.md).
DescribeUserPool lists the standard attributes first, then the custom ones in the order
they were added, each with its full name: ``custom:NAME``, or ``dev:custom:NAME`` for a
developer-only attribute.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from userpools.domain import messages
from userpools.domain.attributes import STANDARD_ATTRIBUTES, StandardAttribute
from userpools.domain.errors import InvalidParameter
from userpools.domain.pool_config import (
    NumberAttributeConstraints,
    SchemaAttribute,
    StringAttributeConstraints,
)

#: "Custom attributes per user pool" (Quotas in Amazon Cognito).
MAX_CUSTOM_ATTRIBUTES = 50
#: The longest String attribute AWS allows.
MAX_STRING_LENGTH = 2048
CUSTOM_PREFIX = "custom:"
DEVELOPER_PREFIX = "dev:custom:"
#: What every developer-only name starts with, ``dev:NAME`` of pools stored before these
#: were named as AWS names them included.
LEGACY_DEVELOPER_PREFIX = "dev:"

_STANDARD = {a.name: a for a in STANDARD_ATTRIBUTES}
_INTEGER = re.compile(r"-?[0-9]+")


def full_name(bare: str, developer: bool) -> str:
    return (DEVELOPER_PREFIX if developer else CUSTOM_PREFIX) + bare


def bare_name(name: str) -> str:
    """The name a custom attribute was declared with, without its prefix."""
    for prefix in (DEVELOPER_PREFIX, LEGACY_DEVELOPER_PREFIX, CUSTOM_PREFIX):
        if name.startswith(prefix):
            return name[len(prefix) :]
    return name


def pool_schema(requested: Iterable[SchemaAttribute]) -> tuple[SchemaAttribute, ...]:
    """CreateUserPool's schema: the standard attributes (as the request sets them) and the
    custom ones, named in full."""
    standard: dict[str, SchemaAttribute] = {}
    custom: list[SchemaAttribute] = []
    seen: set[str] = set()
    for entry in requested:
        name = entry.name or ""
        if name in seen:
            raise InvalidParameter(messages.DUPLICATE_SCHEMA_ATTRIBUTE.format(name=name))
        seen.add(name)
        if name in _STANDARD:
            standard[name] = _standard_entry(_STANDARD[name], entry)
        else:
            custom.append(custom_attribute(entry))
    if len(custom) > MAX_CUSTOM_ATTRIBUTES:
        raise InvalidParameter(messages.CUSTOM_ATTRIBUTE_LIMIT)
    defaults = tuple(standard.get(a.name) or _standard_default(a) for a in STANDARD_ATTRIBUTES)
    return defaults + tuple(custom)


def with_custom_attributes(
    schema: tuple[SchemaAttribute, ...], requested: Iterable[SchemaAttribute]
) -> tuple[SchemaAttribute, ...]:
    """AddCustomAttributes: ``schema`` with the requested attributes appended.

    A name the pool already has, as a custom or developer-only attribute, is refused.
    """
    existing = {bare_name(a.name or ""): a.name or "" for a in schema if _is_custom(a)}
    added: list[SchemaAttribute] = []
    for entry in requested:
        attribute = custom_attribute(entry)
        bare = bare_name(attribute.name or "")
        if bare in existing:
            raise InvalidParameter(
                messages.CUSTOM_ATTRIBUTE_EXISTS.format(
                    name=CUSTOM_PREFIX + bare, existing=existing[bare]
                )
            )
        existing[bare] = attribute.name or ""
        added.append(attribute)
    if len(existing) > MAX_CUSTOM_ATTRIBUTES:
        raise InvalidParameter(messages.CUSTOM_ATTRIBUTE_LIMIT)
    return schema + tuple(added)


def custom_attribute(entry: SchemaAttribute) -> SchemaAttribute:
    """A custom attribute as the pool keeps it, or ``InvalidParameter`` as AWS words it."""
    data_type = entry.attribute_data_type
    if data_type is None:
        raise InvalidParameter(messages.CUSTOM_ATTRIBUTE_NO_TYPE)
    developer = bool(entry.developer_only_attribute)
    name = full_name((entry.name or "").removeprefix(CUSTOM_PREFIX), developer)
    if entry.required:
        raise InvalidParameter(messages.CUSTOM_ATTRIBUTE_REQUIRED)
    strings, numbers = _constraints(name, data_type, entry)
    if data_type == "String" and strings is None:
        strings = StringAttributeConstraints()
    return SchemaAttribute(
        name=name,
        attribute_data_type=data_type,
        developer_only_attribute=developer,
        mutable=True if entry.mutable is None else entry.mutable,
        required=False,
        string_attribute_constraints=strings,
        number_attribute_constraints=numbers,
    )


def _is_custom(attribute: SchemaAttribute) -> bool:
    return (attribute.name or "").startswith((CUSTOM_PREFIX, LEGACY_DEVELOPER_PREFIX))


def _standard_entry(standard: StandardAttribute, entry: SchemaAttribute) -> SchemaAttribute:
    """A standard attribute as the request sets it: only ``Required`` and ``Mutable`` may
    differ from AWS's definition; its constraints are checked, and AWS's kept."""
    changed_type = entry.attribute_data_type not in (None, standard.data_type)
    if changed_type or entry.developer_only_attribute:
        raise InvalidParameter(messages.STANDARD_ATTRIBUTE_CHANGED.format(name=standard.name))
    _constraints(standard.name, standard.data_type, entry)
    default = _standard_default(standard)
    return SchemaAttribute(
        name=standard.name,
        attribute_data_type=standard.data_type,
        developer_only_attribute=False,
        mutable=default.mutable if entry.mutable is None else entry.mutable,
        required=default.required or bool(entry.required),
        string_attribute_constraints=default.string_attribute_constraints,
        number_attribute_constraints=default.number_attribute_constraints,
    )


def _standard_default(attr: StandardAttribute) -> SchemaAttribute:
    return SchemaAttribute(
        name=attr.name,
        attribute_data_type=attr.data_type,
        developer_only_attribute=False,
        mutable=attr.mutable,
        required=attr.name == "sub",
        string_attribute_constraints=StringAttributeConstraints(
            str(attr.min_length), str(attr.max_length)
        )
        if attr.data_type == "String"
        else None,
        number_attribute_constraints=NumberAttributeConstraints(min_value="0")
        if attr.data_type == "Number"
        else None,
    )


def _constraints(
    name: str, data_type: str, entry: SchemaAttribute
) -> tuple[StringAttributeConstraints | None, NumberAttributeConstraints | None]:
    """The constraints of ``data_type`` the entry gives, checked; those of another type
    are dropped, as AWS drops them."""
    if data_type == "String" and entry.string_attribute_constraints is not None:
        strings = entry.string_attribute_constraints
        low = _bound(strings.min_length, name, "StringAttributeConstraints", signed=False)
        high = _bound(strings.max_length, name, "StringAttributeConstraints", signed=False)
        if max(low or 0, high or 0) > MAX_STRING_LENGTH:
            raise InvalidParameter(messages.SCHEMA_STRING_TOO_LONG.format(name=name))
        if low is not None and high is not None and low > high:
            raise InvalidParameter(messages.SCHEMA_LENGTHS_REVERSED.format(name=name))
        return strings, None
    if data_type == "Number" and entry.number_attribute_constraints is not None:
        numbers = entry.number_attribute_constraints
        low = _bound(numbers.min_value, name, "NumberAttributeConstraints", signed=True)
        high = _bound(numbers.max_value, name, "NumberAttributeConstraints", signed=True)
        if low is not None and high is not None and low > high:
            raise InvalidParameter(messages.SCHEMA_VALUES_REVERSED.format(name=name))
        return None, numbers
    return None, None


def _bound(value: str | None, name: str, kind: str, *, signed: bool) -> int | None:
    """A constraint's value as a number: lengths are whole numbers, values integers."""
    if value is None:
        return None
    if not _INTEGER.fullmatch(value) or (not signed and value.startswith("-")):
        raise InvalidParameter(messages.SCHEMA_CONSTRAINTS_INVALID.format(kind=kind, name=name))
    return int(value)
