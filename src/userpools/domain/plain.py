"""Frozen dataclasses to plain JSON values and back, under a naming rule for the keys.

A record's fields are walked in declaration order. The field types it understands are
``str``, ``int``, ``bool``, another record, ``tuple[str, ...]``, ``tuple[Record, ...]``,
``tuple[tuple[str, str], ...]`` (a JSON object of strings), and any of these ``| None``.
``None`` is left out of the plain value, and a key missing from a plain value takes the
field's default. Two users: the wire mapping of a pool's configuration
(``operations/pool_wire.py``, AWS's member names) and its stored encoding
(``store/pool_codec.py``, the field names themselves).
"""

from __future__ import annotations

import dataclasses
import types
import typing
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

R = TypeVar("R")

#: A naming rule: (record class, field name) -> key in the plain value.
Naming = Callable[[type, str], str]

_SCALAR = "scalar"
_RECORD = "record"
_RECORDS = "records"
_STRINGS = "strings"
_PAIRS = "pairs"


def field_name(_cls: type, name: str) -> str:
    """The identity rule: keys are the field names."""
    return name


_FIELDS: dict[type, tuple[tuple[str, str, Any], ...]] = {}


def _fields(cls: type) -> tuple[tuple[str, str, Any], ...]:
    """(field name, kind, record class or None) of each field of ``cls``, worked out once."""
    known = _FIELDS.get(cls)
    if known is None:
        hints = typing.get_type_hints(cls)
        known = tuple((f.name, *_kind(hints[f.name])) for f in dataclasses.fields(cls))
        _FIELDS[cls] = known
    return known


def _kind(hint: Any) -> tuple[str, Any]:
    if typing.get_origin(hint) in (typing.Union, types.UnionType):
        (hint,) = [a for a in typing.get_args(hint) if a is not type(None)]
    if dataclasses.is_dataclass(hint):
        return _RECORD, hint
    if typing.get_origin(hint) is tuple:
        item = typing.get_args(hint)[0]
        if dataclasses.is_dataclass(item):
            return _RECORDS, item
        if typing.get_origin(item) is tuple:
            return _PAIRS, None
        return _STRINGS, None
    return _SCALAR, None


def to_plain(record: Any, naming: Naming) -> dict[str, Any]:
    """``record`` as a JSON object; ``None`` fields are left out."""
    cls = type(record)
    out: dict[str, Any] = {}
    for name, kind, _ in _fields(cls):
        value = getattr(record, name)
        if value is None:
            continue
        key = naming(cls, name)
        if kind == _RECORD:
            out[key] = to_plain(value, naming)
        elif kind == _RECORDS:
            out[key] = [to_plain(item, naming) for item in value]
        elif kind == _STRINGS:
            out[key] = list(value)
        elif kind == _PAIRS:
            out[key] = dict(value)
        else:
            out[key] = value
    return out


def from_plain(cls: type[R], data: Mapping[str, Any], naming: Naming) -> R:
    """A ``cls`` from a JSON object; keys it does not name are ignored."""
    given: dict[str, Any] = {}
    for name, kind, inner in _fields(cls):
        key = naming(cls, name)
        if key not in data or data[key] is None:
            continue
        value = data[key]
        if kind == _RECORD:
            given[name] = from_plain(inner, value, naming)
        elif kind == _RECORDS:
            given[name] = tuple(from_plain(inner, item, naming) for item in value)
        elif kind == _STRINGS:
            given[name] = tuple(value)
        elif kind == _PAIRS:
            given[name] = tuple((str(k), str(v)) for k, v in value.items())
        else:
            given[name] = value
    return cls(**given)
