"""The ``Filter`` grammar of ListUsers.

A filter is one condition, ``AttributeName Filter-Type "AttributeValue"``:

- ``AttributeName`` is one of :data:`SEARCHABLE_ATTRIBUTES`; custom attributes are not searchable.
- ``Filter-Type`` is ``=`` (exact match) or ``^=`` (starts with).
- ``AttributeValue`` is a double-quoted string; inside it ``\\"`` is a quote and ``\\\\`` a
  backslash. Any other backslash sequence is a parse error. The quotes are mandatory.

Spaces, tabs, CR and LF may surround the tokens or be left out (``email^="a"``, as in AWS's CLI
example). An empty or all-whitespace filter is no filter. Every failure is an
:class:`~userpools.domain.errors.InvalidParameter` with AWS's text, ``Error while parsing
filter.``.

Source: the ListUsers API reference and the ``list-users`` CLI example (AWS docs); the error text
is a real response quoted in aws/aws-sdk-php#1088 and aws/aws-aspnet-cognito-identity-provider#235.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from userpools.domain.errors import InvalidParameter
from userpools.domain.models import User
from userpools.domain.store import UserQuery

PARSE_ERROR_MESSAGE = "Error while parsing filter."
# No real AWS response for a well-formed filter on an unsearchable attribute was found (moto
# answers "Invalid search attribute: <name>", which is its own text), so this reuses the one
# text AWS is known to give for a rejected filter.
UNSEARCHABLE_ATTRIBUTE_MESSAGE = PARSE_ERROR_MESSAGE

SEARCHABLE_ATTRIBUTES: frozenset[str] = frozenset(
    {
        "username",
        "email",
        "phone_number",
        "name",
        "given_name",
        "family_name",
        "preferred_username",
        "cognito:user_status",
        "status",
        "sub",
    }
)

_SPACE = r"[ \t\r\n]*"
_FILTER = re.compile(
    _SPACE
    + r"(?P<attribute>[A-Za-z0-9_:.\-]+)"
    + _SPACE
    + r"(?P<operator>\^?=)"
    + _SPACE
    + r'"(?P<body>(?:[^"\\]|\\["\\])*)"'
    + _SPACE,
    re.DOTALL,
)
_ESCAPE = re.compile(r"\\([\"\\])")
_BLANK = re.compile(_SPACE, re.DOTALL)


@dataclass(frozen=True)
class UserFilter:
    """One parsed ListUsers condition: ``prefix`` is ``^=``, otherwise ``=``."""

    attribute: str
    prefix: bool
    value: str


def parse_filter(text: str | None) -> UserFilter | None:
    """Parse a ListUsers ``Filter``; ``None`` when there is no filter to apply."""
    if text is None or _BLANK.fullmatch(text):
        return None
    match = _FILTER.fullmatch(text)
    if match is None:
        raise InvalidParameter(PARSE_ERROR_MESSAGE)
    attribute = match["attribute"]
    if attribute not in SEARCHABLE_ATTRIBUTES:
        raise InvalidParameter(UNSEARCHABLE_ATTRIBUTE_MESSAGE)
    return UserFilter(
        attribute=attribute,
        prefix=match["operator"] == "^=",
        value=_ESCAPE.sub(r"\1", match["body"]),
    )


def quote_filter_value(value: str) -> str:
    """Quote ``value`` as a filter ``AttributeValue``, escaping backslashes and quotes."""
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


class Nothing:
    """A filter that no user can match (for example ``status = "Sleeping"``)."""


#: The translation of a filter that matches no user.
NOTHING = Nothing()

_FILTER_FIELDS = {
    "username": "username",
    "email": "email",
    "phone_number": "phone_number",
    "name": "name",
    "given_name": "given_name",
    "family_name": "family_name",
    "preferred_username": "preferred_username",
    "cognito:user_status": "user_status",
    "sub": "sub",
}


def to_query(f: UserFilter | None) -> UserQuery | Nothing | None:
    """Translate a parsed filter into a storage query on one indexed column."""
    if f is None:
        return None
    if f.attribute == "status":
        matches = [
            enabled
            for label, enabled in (("Enabled", 1), ("Disabled", 0))
            if (label.startswith(f.value) if f.prefix else label == f.value)
        ]
        if len(matches) == 2:
            return None
        if not matches:
            return NOTHING
        return UserQuery("enabled", matches[0])
    if f.attribute == "cognito:user_status":
        value = f.value.upper()  # this attribute matches case-insensitively
        return UserQuery("user_status", value, f.prefix)
    return UserQuery(_FILTER_FIELDS[f.attribute], f.value, f.prefix)  # type: ignore[arg-type]


def sort_value(user: User, query: UserQuery) -> str:
    """The value of ``user`` that a prefix query sorts by (its keyset position)."""
    if query.field == "username":
        return user.username
    if query.field == "sub":
        return user.sub
    if query.field == "user_status":
        return user.status.value
    return user.attribute(query.field) or ""
