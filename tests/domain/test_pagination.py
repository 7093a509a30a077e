"""Pagination tokens, as pure values: sealed, scoped, canonical."""

from __future__ import annotations

import base64
import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from userpools.crypto.sealing import Sealer, new_key
from userpools.domain.errors import InvalidParameter
from userpools.domain.pagination import Cursors, page_size

CURSORS = Cursors(Sealer(b"k" * 32))
SCOPE = (1, 2)

positions = st.lists(st.text(st.characters(exclude_categories=["Cs"])), min_size=1, max_size=3)


@given(positions)
def test_cursor_round_trips_any_position(position: list[str]) -> None:
    token = CURSORS.encode("ListUsersInGroup", SCOPE, tuple(position))
    assert CURSORS.decode("ListUsersInGroup", SCOPE, token) == tuple(position)


@given(positions)
def test_cursor_text_is_never_a_botocore_token(position: list[str]) -> None:
    token = CURSORS.encode("ListUsersInGroup", SCOPE, tuple(position))
    assert "___" not in token and "=" not in token
    raw = base64.b64decode(token + "=" * (-len(token) % 4))
    with pytest.raises(ValueError):
        json.loads(raw)


def test_cursor_is_bound_to_operation_and_scope() -> None:
    token = CURSORS.encode("ListUsersInGroup", SCOPE, ("ann",))
    for operation, scope in (
        ("AdminListGroupsForUser", SCOPE),
        ("ListUsersInGroup", (1, 3)),
        ("ListUsersInGroup", (2, 2)),
    ):
        with pytest.raises(InvalidParameter):
            CURSORS.decode(operation, scope, token)


def test_cursor_from_another_secret_is_refused() -> None:
    other = Cursors(Sealer(new_key()))
    token = other.encode("ListGroups", SCOPE, ("g",))
    with pytest.raises(InvalidParameter):
        CURSORS.decode("ListGroups", SCOPE, token)


@pytest.mark.parametrize("garbage", ["x", "!!!!", "AAAA", "=" * 8, "é", "AQ" * 40])
def test_cursor_garbage_is_invalid_parameter(garbage: str) -> None:
    with pytest.raises(InvalidParameter, match=r"Invalid pagination token\."):
        CURSORS.decode("ListGroups", SCOPE, garbage)


def test_cursor_none_is_the_first_page() -> None:
    assert CURSORS.decode("ListGroups", SCOPE, None) is None


def test_page_size_defaults() -> None:
    assert page_size("ListUsersInGroup", None) == 25
    assert page_size("ListUsersInGroup", 0) == 25
    assert page_size("AdminListGroupsForUser", None) == 60
    assert page_size("ListUsers", None) == 60
    assert page_size("ListGroups", 7) == 7
