"""Model patterns (Java regular expressions) matched with Java semantics via ``regex``.

Java, without ``UNICODE_CHARACTER_CLASS``, reads ``\\w``, ``\\d`` and ``\\s`` as ASCII
classes and ``.`` as "anything but a line terminator"; ``\\p{L}`` and friends are Unicode
categories. Python's engines read the shorthands as Unicode classes, and ``regex.ASCII``
would also narrow ``\\p{..}``, so the shorthands are rewritten into explicit ASCII sets.
``regex.V1`` gives Java's nested character classes (``[a[^b]]``).

Patterns are always matched against the whole value, as AWS does.
"""

from __future__ import annotations

from functools import cache

import regex

_SHORTHANDS = {
    "w": "A-Za-z0-9_",
    "d": "0-9",
    "s": " \\t\\n\\x0B\\f\\r",
}
_NOT_LINE_TERMINATOR = "[^\\n\\r\\x85\\u2028\\u2029]"
_LEADING_FLAGS = regex.compile(r"\(\?([a-zA-Z]+)\)")

LONG_VALUE = 256
"""Values longer than this are matched under :data:`MATCH_BUDGET`."""

MATCH_BUDGET = 0.05
"""Seconds one match of a long value may take; some model patterns backtrack
quadratically on hostile input (``[\\p{P}]+@[\\p{P}]+`` on ``@@@…@ ``)."""


def translate(pattern: str) -> str:
    """Rewrite a Java pattern into an equivalent ``regex`` V1 pattern."""
    flags = _LEADING_FLAGS.match(pattern)
    dotall = flags is not None and "s" in flags[1]
    out: list[str] = []
    depth = 0  # nesting of character classes
    i = 0
    while i < len(pattern):
        char = pattern[i]
        if char == "\\" and i + 1 < len(pattern):
            escaped = pattern[i + 1]
            body = _SHORTHANDS.get(escaped.lower())
            if body is None:
                out.append(pattern[i : i + 2])
            elif escaped.isupper():
                out.append(f"[^{body}]")
            else:
                out.append(body if depth else f"[{body}]")
            i += 2
            continue
        if char == "[":
            depth += 1
        elif char == "]" and depth:
            depth -= 1
        elif char == "." and not depth and not dotall:
            char = _NOT_LINE_TERMINATOR
        out.append(char)
        i += 1
    return "".join(out)


@cache
def compile_java(pattern: str) -> regex.Pattern[str]:
    """Compile a model pattern with Java semantics (cached per pattern text)."""
    return regex.compile(translate(pattern), regex.V1)


def full_match(compiled: regex.Pattern[str], value: str) -> bool:
    """Whether ``compiled`` matches all of ``value``; a match over budget counts as no."""
    if len(value) <= LONG_VALUE:
        return compiled.fullmatch(value) is not None
    try:
        return compiled.fullmatch(value, timeout=MATCH_BUDGET) is not None
    except TimeoutError:
        return False
