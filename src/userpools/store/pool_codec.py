"""A pool's configuration in the ``user_pools.config`` column, and the conversion of old rows.

The column holds ``{"version": 1, "config": {…}}``: the :class:`PoolConfig` record with its
field names as keys (``domain/plain.py``), unset members left out. A change to the record
that old values cannot be read into takes a new version, and :func:`decode` reads each.

Rows written before migration 0005 kept the configuration twice: ``document`` (the wire
form, as DescribeUserPool showed it) and ``settings`` (derived from it). :func:`from_legacy`
reads the document, which holds everything; migration 0005 uses it.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from functools import lru_cache
from typing import Any

from userpools.domain import plain
from userpools.domain.pool_config import PoolConfig, member_name

VERSION = 1


class UnknownConfigVersion(ValueError):
    """A stored configuration of a version this server does not know (a newer server's)."""


def encode(config: PoolConfig) -> str:
    value = {"version": VERSION, "config": plain.to_plain(config, plain.field_name)}
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


@lru_cache(maxsize=256)
def decode(text: str) -> PoolConfig:
    """The configuration in a ``config`` column. Every call reads a pool, so the values of
    recent texts are kept: they are immutable, and a text always decodes to the same one."""
    value: dict[str, Any] = json.loads(text)
    if value.get("version") != VERSION:
        raise UnknownConfigVersion(f"pool configuration version {value.get('version')!r}")
    return plain.from_plain(PoolConfig, value["config"], plain.field_name)


def from_legacy(document: str) -> PoolConfig:
    """The configuration kept in a pre-0005 row's ``document`` (wire form)."""
    return plain.from_plain(PoolConfig, json.loads(document), member_name)


def convert_legacy_rows(execute: Callable[[str, Sequence[Any]], Any], mark: str) -> None:
    """Migration 0005's step: fill ``config`` from ``document`` in every pool row.

    ``execute`` is the connection's, inside the migration's transaction; ``mark`` is the
    driver's parameter placeholder.
    """
    rows = execute("SELECT id, document FROM user_pools", ()).fetchall()
    update = f"UPDATE user_pools SET config = {mark} WHERE id = {mark}"
    for key, document in rows:
        execute(update, (encode(from_legacy(document)), key))
