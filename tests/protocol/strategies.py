"""Hypothesis strategies built from botocore shapes.

``shape_values(shape, valid=False)`` draws any JSON-typed value of the shape's type
(strings of arbitrary text, numbers anywhere in range). ``valid=True`` draws values that
satisfy the model's constraints as well; it knows the patterns of the operations the
tests use and fails loudly on any other, so a new pattern gets a deliberate strategy.
"""

from __future__ import annotations

import string
from datetime import UTC, datetime, timedelta
from typing import Any

from hypothesis import strategies as st

MAX_TEXT = 24
MAX_ITEMS = 3

_ASCII_SPACE = " \t\n\x0b\f\r"  # Java's \s
# U+0000 is refused by the decoder before validation (no store can keep it), so the
# strategies of requests botocore would send leave it out.
_WORD = string.ascii_letters + string.digits + "_"  # Java's \w

# Characters of the pattern's one class, for patterns of the form [class]+.
_ALPHABETS: dict[str, st.SearchStrategy[str]] = {
    # The model's [\p{L}\p{M}\p{S}\p{N}\p{P}] classes, as general categories.
    r"[\p{L}\p{M}\p{S}\p{N}\p{P}]+": st.characters(categories=["L", "M", "S", "N", "P"]),
    r"[\p{L}\p{M}\p{S}\p{N}\p{P}\t\n\r ]+": st.characters(
        categories=["L", "M", "S", "N", "P"], include_characters="\t\n\r "
    ),
    r"[\S]+": st.characters(exclude_categories=["Cs"], exclude_characters=_ASCII_SPACE + "\x00"),
    r"[\w+]+": st.sampled_from(_WORD + "+"),
    r"[\w+=/]+": st.sampled_from(_WORD + "+=/"),
    r"[0-9]+": st.sampled_from(string.digits),
}
# Patterns with more structure, as Python regexes over ASCII (lengths are filtered).
_REGEXES = {
    r"[\w-]+_[0-9a-zA-Z]+": r"[A-Za-z0-9_-]{1,20}_[0-9a-zA-Z]{1,20}",
    # ArnType: a small valid subset (IAM role ARNs).
    (
        r"arn:[\w+=/,.@-]+:[\w+=/,.@-]+:([\w+=/,.@-]*)?:[0-9]+:[\w+=/,.@-]+"
        r"(:[\w+=/,.@-]+)?(:[\w+=/,.@-]+)?"
    ): r"arn:aws:iam::[0-9]{12}:role/[A-Za-z0-9_+=,.@-]{1,20}",
}
_NOT_SPACE = st.characters(exclude_categories=["Cs"], exclude_characters=_ASCII_SPACE + "\x00")
_PASSWORD_WORDS = st.lists(st.text(_NOT_SPACE, min_size=1, max_size=8), min_size=1, max_size=3)


def shape_values(shape: Any, *, valid: bool = False) -> st.SearchStrategy[Any]:
    """Values of ``shape`` as they appear in decoded JSON (timestamps as datetimes)."""
    kind = shape.type_name
    meta = shape.metadata
    if kind == "structure":
        return _structure(shape, valid)
    if kind == "list":
        low, high = _sizes(meta, valid)
        return st.lists(shape_values(shape.member, valid=valid), min_size=low, max_size=high)
    if kind == "map":
        low, high = _sizes(meta, valid)
        keys = shape_values(shape.key, valid=valid)
        values = shape_values(shape.value, valid=valid)
        return st.dictionaries(keys, values, min_size=low, max_size=high)
    if kind == "string":
        return _string(shape, valid)
    if kind in ("integer", "long"):
        low = meta.get("min", -(2**31)) if valid else -(2**31)
        high = meta.get("max", 2**31 - 1) if valid else 2**31 - 1
        return st.integers(low, high)
    if kind == "boolean":
        return st.booleans()
    if kind == "timestamp":
        return timestamps()
    raise NotImplementedError(f"no strategy for {kind} shape {shape.name}")


def timestamps() -> st.SearchStrategy[datetime]:
    """UTC datetimes with millisecond precision, as the wire carries them."""
    start = datetime(1970, 1, 1, tzinfo=UTC)
    return st.integers(0, 4_102_444_800_000).map(lambda ms: start + timedelta(milliseconds=ms))


def _structure(shape: Any, valid: bool) -> st.SearchStrategy[dict[str, Any]]:
    required = set(shape.required_members)
    members = shape.members
    return st.fixed_dictionaries(
        {name: shape_values(members[name], valid=valid) for name in required},
        optional={
            name: shape_values(member, valid=valid)
            for name, member in members.items()
            if name not in required
        },
    )


def _sizes(meta: Any, valid: bool) -> tuple[int, int]:
    low = meta.get("min", 0) if valid else 0
    high = min(meta.get("max", MAX_ITEMS), MAX_ITEMS) if valid else MAX_ITEMS
    return low, max(low, high)


def _string(shape: Any, valid: bool) -> st.SearchStrategy[str]:
    meta = shape.metadata
    if not valid:
        return st.text(
            st.characters(exclude_categories=["Cs"], exclude_characters="\x00"), max_size=MAX_TEXT
        )
    if "enum" in meta:
        return st.sampled_from(meta["enum"])
    low = meta.get("min", 0)
    high = max(low, min(meta.get("max", MAX_TEXT), MAX_TEXT))
    pattern = meta.get("pattern")
    if shape.name == "PasswordType":
        return _PASSWORD_WORDS.map(" ".join).filter(lambda s: len(s) <= meta["max"])
    if pattern is None:
        return st.text(
            st.characters(exclude_categories=["Cs"], exclude_characters="\x00"),
            min_size=low,
            max_size=high,
        )
    if pattern in _ALPHABETS:
        return st.text(_ALPHABETS[pattern], min_size=max(low, 1), max_size=max(high, 1))
    if pattern in _REGEXES:
        top = meta.get("max", 2**31)
        regex = _REGEXES[pattern]
        return st.from_regex(regex, fullmatch=True).filter(lambda s: low <= len(s) <= top)
    raise NotImplementedError(f"no valid-value strategy for {shape.name}: {pattern}")
