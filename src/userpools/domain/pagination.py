"""Pagination tokens: opaque, sealed, bound to the operation and its scope.

A token carries only a keyset position (the sort key of the last item returned), never
an offset. It is AES-GCM-sealed with a server secret kept in the database, with the
operation name and the listing's scope (pool, group or user, filter) as associated
data, so a token presented to another listing, or altered by one bit, fails to open.
A listing whose page is one statement (ListUsersInGroup: see ``member_page``) cannot know
its scope's keys before its query, so its tokens are sealed with the scope's names (pool id,
group name) as associated data, and carry the keys inside: :meth:`Cursors.open_named`
reads them first, and the listing refuses the token when the keys it found differ (a group
deleted and re-created under the same name is still a new scope).

The text form is standard base64 without padding: it never contains ``___`` and is
never base64 of JSON, both of which botocore's paginator would mistake for its own
resume tokens.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from userpools.crypto.sealing import Sealer
from userpools.domain.errors import InvalidParameter
from userpools.domain.models import Page

T = TypeVar("T")

_VERSION = b"\x01"
_NAMED = b"\x02"
"""The version byte of a token sealed with names and carrying its scope's keys."""

#: Page sizes when a request has no ``Limit`` (or ``Limit`` 0); see docs/pagination.md.
DEFAULT_PAGE_SIZE = {
    "ListUsers": 60,  # observed: up to 60 per call
    "ListUsersInGroup": 25,  # one 2025 report, forwarded by AWS staff to the docs team
    "ListGroups": 25,  # two independent reports
    "AdminListGroupsForUser": 60,  # unknown: the model's maximum
}
MAX_PAGE_SIZE = 60

INVALID_TOKEN = "Invalid pagination token."


def page_size(operation: str, limit: int | None) -> int:
    if not limit:
        return DEFAULT_PAGE_SIZE.get(operation, MAX_PAGE_SIZE)
    return limit


class Cursors:
    """Encodes and decodes the tokens of every paginated operation."""

    def __init__(self, sealer: Sealer) -> None:
        self._sealer = sealer

    def encode(self, operation: str, scope: tuple[object, ...], position: tuple[str, ...]) -> str:
        return self._seal(_VERSION, operation, scope, list(position))

    def page(
        self,
        operation: str,
        scope: tuple[object, ...],
        rows: list[T],
        limit: int,
        position: Callable[[T], tuple[str, ...]],
    ) -> Page[T]:
        """A page from ``rows``, fetched as ``limit + 1``: the extra row says a next page
        exists, and the token then points after the last item kept."""
        if len(rows) <= limit:
            return Page(rows, None)
        items = rows[:limit]
        return Page(items, self.encode(operation, scope, position(items[-1])))

    def decode(
        self, operation: str, scope: tuple[object, ...], token: str | None
    ) -> tuple[str, ...] | None:
        """The position a token points after; ``None`` for no token (the first page)."""
        if token is None:
            return None
        position = self._open(_VERSION, operation, scope, token)
        return tuple(str(p) for p in position)

    def open_named(
        self, operation: str, names: tuple[str, ...], token: str | None
    ) -> NamedPosition | None:
        """What a token of :meth:`page_named` holds; ``None`` for no token. The caller
        compares :attr:`NamedPosition.keys` with the keys of the scope it finds."""
        if token is None:
            return None
        opened = self._open(_NAMED, operation, names, token)
        if not isinstance(opened, dict) or set(opened) != {"k", "p"}:
            raise InvalidParameter(INVALID_TOKEN)
        return NamedPosition(tuple(int(k) for k in opened["k"]), tuple(str(p) for p in opened["p"]))

    def page_named(
        self,
        operation: str,
        names: tuple[str, ...],
        keys: tuple[int, ...],
        rows: list[T],
        limit: int,
        position: Callable[[T], tuple[str, ...]],
    ) -> Page[T]:
        """:meth:`page`, with a token sealed with the scope's names, carrying its keys."""
        if len(rows) <= limit:
            return Page(rows, None)
        items = rows[:limit]
        payload = {"k": list(keys), "p": list(position(items[-1]))}
        return Page(items, self._seal(_NAMED, operation, names, payload))

    def _seal(
        self, version: bytes, operation: str, scope: tuple[object, ...], payload: object
    ) -> str:
        text = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
        sealed = self._sealer.seal(text.encode(), _context(operation, scope))
        return base64.b64encode(version + sealed).decode("ascii").rstrip("=")

    def _open(self, version: bytes, operation: str, scope: tuple[object, ...], token: str) -> Any:
        try:
            raw = base64.b64decode(token + "=" * (-len(token) % 4), validate=True)
        except (binascii.Error, ValueError):
            raise InvalidParameter(INVALID_TOKEN) from None
        # Only the one canonical spelling is a token: the decoder would also accept
        # altered trailing bits and extra padding.
        if base64.b64encode(raw).decode("ascii").rstrip("=") != token:
            raise InvalidParameter(INVALID_TOKEN)
        if not raw.startswith(version):
            raise InvalidParameter(INVALID_TOKEN)
        payload = self._sealer.open(raw[1:], _context(operation, scope))
        if payload is None:
            raise InvalidParameter(INVALID_TOKEN)
        return json.loads(payload)


@dataclass(frozen=True, slots=True)
class NamedPosition:
    """A token of a listing scoped by names: the scope's keys when it was made, and the
    position it points after."""

    keys: tuple[int, ...]
    position: tuple[str, ...]


def _context(operation: str, scope: tuple[object, ...]) -> bytes:
    return json.dumps([operation, *map(str, scope)], ensure_ascii=False).encode()
