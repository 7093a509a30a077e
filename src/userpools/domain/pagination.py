"""Pagination tokens: opaque, sealed, bound to the operation and its scope.

A token carries only a keyset position (the sort key of the last item returned), never
an offset. It is AES-GCM-sealed with a server secret kept in the database, with the
operation name and the listing's scope (pool, group or user, filter) as associated
data, so a token presented to another listing, or altered by one bit, fails to open.
The text form is standard base64 without padding: it never contains ``___`` and is
never base64 of JSON, both of which botocore's paginator would mistake for its own
resume tokens.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable
from typing import TypeVar

from userpools.crypto.sealing import Sealer
from userpools.domain.errors import InvalidParameter
from userpools.domain.models import Page

T = TypeVar("T")

_VERSION = b"\x01"

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
        payload = json.dumps(list(position), ensure_ascii=False, separators=(",", ":"))
        sealed = self._sealer.seal(payload.encode(), _context(operation, scope))
        return base64.b64encode(_VERSION + sealed).decode("ascii").rstrip("=")

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
        try:
            raw = base64.b64decode(token + "=" * (-len(token) % 4), validate=True)
        except (binascii.Error, ValueError):
            raise InvalidParameter(INVALID_TOKEN) from None
        # Only the one canonical spelling is a token: the decoder would also accept
        # altered trailing bits and extra padding.
        if base64.b64encode(raw).decode("ascii").rstrip("=") != token:
            raise InvalidParameter(INVALID_TOKEN)
        if not raw.startswith(_VERSION):
            raise InvalidParameter(INVALID_TOKEN)
        payload = self._sealer.open(raw[1:], _context(operation, scope))
        if payload is None:
            raise InvalidParameter(INVALID_TOKEN)
        position = json.loads(payload)
        return tuple(str(p) for p in position)


def _context(operation: str, scope: tuple[object, ...]) -> bytes:
    return json.dumps([operation, *map(str, scope)], ensure_ascii=False).encode()
