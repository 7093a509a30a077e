"""Model patterns compiled with Java semantics."""

from __future__ import annotations

import pytest

from userpools.protocol.model import service_model
from userpools.protocol.patterns import compile_java, full_match, translate
from userpools.protocol.validate import model_patches

USERNAME = r"[\p{L}\p{M}\p{S}\p{N}\p{P}]+"
USER_POOL_ID = r"[\w-]+_[0-9a-zA-Z]+"


def _model_patterns() -> set[str]:
    model = service_model()
    patterns = {
        model.shape_for(name).metadata["pattern"]
        for name in model.shape_names
        if "pattern" in model.shape_for(name).metadata
    }
    patterns.update(p["pattern"] for p in model_patches().values() if "pattern" in p)
    return patterns


def test_compile_java_compiles_every_model_pattern() -> None:
    patterns = _model_patterns()
    assert len(patterns) > 30
    for pattern in patterns:
        compile_java(pattern)


def test_translate_rewrites_shorthands_as_ascii() -> None:
    assert translate(r"[\w-]+") == "[A-Za-z0-9_-]+"
    assert translate(r"\d\s") == r"[0-9][ \t\n\x0B\f\r]"
    assert translate(r"[\S]+") == r"[[^ \t\n\x0B\f\r]]+"
    assert translate(r"[\p{L}\x21]") == r"[\p{L}\x21]"


def test_translate_keeps_dot_for_dotall_patterns() -> None:
    assert translate("(?s).*") == "(?s).*"
    assert translate(r".*\{####\}.*").startswith("[^")


@pytest.mark.parametrize(
    ("pattern", "value", "expected"),
    [
        # Java \w is ASCII: non-ASCII letters and digits fail UserPoolIdType.
        (USER_POOL_ID, "us-east-1_AbC123", True),
        (USER_POOL_ID, "é_1", False),
        (USER_POOL_ID, "Ķ_0", False),
        (USER_POOL_ID, "n¾_0", False),
        (USER_POOL_ID, "us-east-1_abc ", False),
        # Java \s is ASCII whitespace, so \S accepts NBSP and rejects VT.
        (r"[\S]+", "a\u00a0b", True),
        (r"[\S]+", "a\x0bb", False),
        (r"[\S]+", "a b", False),
        # \p{..} classes are Unicode categories.
        (USERNAME, "jörg", True),
        (USERNAME, "用户", True),
        (USERNAME, "\u3164", True),  # Hangul filler (Lo): invisible but valid
        (USERNAME, "\u2800", True),  # Braille blank (So)
        (USERNAME, "\u0301", True),  # a lone combining mark (Mn)
        (USERNAME, "a b", False),
        (USERNAME, "a\u00a0b", False),  # Zs
        (USERNAME, "a\u200bb", False),  # Cf
        (USERNAME, "a\u202eb", False),  # Cf (RLO)
        (USERNAME, "", False),
        # Java . excludes every line terminator, not only \n.
        (r".*\{####\}.*", "code {####}", True),
        (r".*\{####\}.*", "a\r{####}", False),
        (r".*\{####\}.*", "a\u2028{####}", False),
        (r".*\{####\}.*", "a\x85{####}", False),
        ("(?s).*", "a\r\nb", True),
        # Patterns always match the whole value.
        (r"[0-9]+", "123a", False),
        (r"^[0-9A-Za-z\.\-_]*(?<!\.)$", "bucket.name", True),
        (r"^[0-9A-Za-z\.\-_]*(?<!\.)$", "bucket.", False),
    ],
)
def test_full_match_uses_java_semantics(pattern: str, value: str, expected: bool) -> None:
    assert full_match(compile_java(pattern), value) is expected


def test_full_match_bounds_quadratic_backtracking() -> None:
    """EmailAddressType ([P]+@[P]+, no max) backtracks quadratically on '@@@…@ '."""
    email = compile_java(r"[\p{L}\p{M}\p{S}\p{N}\p{P}]+@[\p{L}\p{M}\p{S}\p{N}\p{P}]+")
    assert full_match(email, "@" * 60_000 + " ") is False
    assert full_match(email, "a" * 30_000 + "@" + "b" * 30_000) is True
