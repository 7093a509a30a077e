"""User attributes: the standard schema, custom attributes, and the write rules."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from userpools.domain import messages
from userpools.domain.errors import InvalidParameter
from userpools.domain.pool_config import PoolConfig


@dataclass(frozen=True)
class StandardAttribute:
    name: str
    data_type: str = "String"
    mutable: bool = True
    min_length: int = 0
    max_length: int = 2048


#: The standard attributes every pool has, in the order DescribeUserPool lists them.
STANDARD_ATTRIBUTES: tuple[StandardAttribute, ...] = (
    StandardAttribute("sub", mutable=False, min_length=1),
    StandardAttribute("name"),
    StandardAttribute("given_name"),
    StandardAttribute("family_name"),
    StandardAttribute("middle_name"),
    StandardAttribute("nickname"),
    StandardAttribute("preferred_username"),
    StandardAttribute("profile"),
    StandardAttribute("picture"),
    StandardAttribute("website"),
    StandardAttribute("email"),
    StandardAttribute("email_verified", data_type="Boolean"),
    StandardAttribute("gender"),
    StandardAttribute("birthdate", min_length=10, max_length=10),
    StandardAttribute("zoneinfo"),
    StandardAttribute("locale"),
    StandardAttribute("phone_number"),
    StandardAttribute("phone_number_verified", data_type="Boolean"),
    StandardAttribute("address"),
    StandardAttribute("updated_at", data_type="Number"),
)
_STANDARD = {a.name: a for a in STANDARD_ATTRIBUTES}
_BOOLEAN = frozenset(a.name for a in STANDARD_ATTRIBUTES if a.data_type == "Boolean")

#: E.164: a plus sign, then the country code and number, 15 digits at most.
_PHONE_NUMBER = re.compile(r"\+[0-9]{1,15}")

Attributes = tuple[tuple[str, str], ...]


def is_true(value: str | None) -> bool:
    """Whether a Boolean attribute's value is true. AWS takes ``true`` and ``false`` in any
    case and keeps the value as it was written (``True`` stays ``True``)."""
    return value is not None and value.lower() == "true"


def check_writable(config: PoolConfig, names: Iterable[str], *, creating: bool) -> None:
    """Refuse attribute names the pool does not know, and immutable ones after creation."""
    custom = {c.name for c in config.custom_attributes}
    immutable = config.immutable_attributes
    for name in names:
        if name == "sub":
            raise InvalidParameter(messages.SCHEMA_IMMUTABLE.format(name=name))
        if name not in _STANDARD and name not in custom:
            raise InvalidParameter(messages.SCHEMA_UNKNOWN_ATTRIBUTE.format(name=name))
        if not creating and name in immutable:
            raise InvalidParameter(messages.SCHEMA_IMMUTABLE.format(name=name))


def merge(current: Attributes, changes: Sequence[tuple[str, str]]) -> Attributes:
    """Upsert ``changes`` into ``current``; an empty value removes the attribute."""
    seen: set[str] = set()
    for name, value in changes:
        if name in seen:
            raise InvalidParameter(messages.SCHEMA_DUPLICATE.format(name=name))
        seen.add(name)
        if name in _BOOLEAN and value.lower() not in ("true", "false", ""):
            raise InvalidParameter(messages.SCHEMA_BOOLEAN.format(name=name))
        if name == "phone_number" and value and not _PHONE_NUMBER.fullmatch(value):
            raise InvalidParameter(messages.INVALID_PHONE_NUMBER)
    updated = dict(current)
    for name, value in changes:
        if value == "":
            updated.pop(name, None)
        else:
            updated[name] = value
    return tuple(updated.items())


def remove(current: Attributes, names: Iterable[str]) -> Attributes:
    drop = set(names)
    return tuple((n, v) for n, v in current if n not in drop)


def value_of(attributes: Attributes, name: str) -> str | None:
    for attr_name, value in attributes:
        if attr_name == name:
            return value
    return None
