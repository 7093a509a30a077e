"""Username keys: exact in case-sensitive pools, canonical caseless otherwise."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from userpools.domain.usernames import fold, key


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Ann", "ann"),
        ("STRASSE", "straße"),
        ("\u212aelvin", "kelvin"),  # Kelvin sign
        ("e\u0301", "\u00e9"),  # NFD and NFC spellings
        ("ΣΊΣΥΦΟΣ", "σίσυφοσ"),
    ],
)
def test_fold_matches_caseless_equivalents(a: str, b: str) -> None:
    assert fold(a) == fold(b)


@pytest.mark.parametrize(("a", "b"), [("ｆｕｌｌ", "full"), ("a", "b"), ("ﬁ", "f")])
def test_fold_keeps_distinct_names_apart(a: str, b: str) -> None:
    assert fold(a) != fold(b)


@given(st.text())
def test_fold_is_idempotent(value: str) -> None:
    assert fold(fold(value)) == fold(value)


@given(st.text())
def test_key_is_exact_in_case_sensitive_pools(value: str) -> None:
    assert key(value, case_sensitive=True) == value
