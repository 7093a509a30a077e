"""The ``Filter`` grammar of ListUsers.

A filter is one condition, ``AttributeName Filter-Type "AttributeValue"``:

- ``AttributeName`` is a :class:`SearchableAttribute`; custom attributes are not searchable.
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
from enum import StrEnum

from userpools.domain.errors import InvalidParameter
from userpools.domain.models import User

PARSE_ERROR_MESSAGE = "Error while parsing filter."
# No real AWS response for a well-formed filter on an unsearchable attribute was found (moto
# answers "Invalid search attribute: <name>", which is its own text), so this reuses the one
# text AWS is known to give for a rejected filter.
UNSEARCHABLE_ATTRIBUTE_MESSAGE = PARSE_ERROR_MESSAGE


class SearchableAttribute(StrEnum):
    """The attributes a ListUsers filter may name, and the only ones: "You can only search
    for the following standard attributes" (ListUsers API reference).

    This is their one definition. Each has an indexed column in ``users`` (:attr:`column`),
    which the store writes and queries from here; the migrations create the columns and
    their indexes, and ``tests/store/test_sql.py`` checks that they match this list.
    """

    USERNAME = "username"
    EMAIL = "email"
    PHONE_NUMBER = "phone_number"
    NAME = "name"
    GIVEN_NAME = "given_name"
    FAMILY_NAME = "family_name"
    PREFERRED_USERNAME = "preferred_username"
    USER_STATUS = "cognito:user_status"
    STATUS = "status"
    SUB = "sub"

    @property
    def column(self) -> str:
        """Its indexed column in ``users``."""
        return _RECORD_COLUMNS.get(self, self.value)

    @property
    def is_user_attribute(self) -> bool:
        """Whether it is one of the user's attributes, copied into :attr:`column` (else a
        field of the user record: username, sub, status, enabled)."""
        return self not in _RECORD_COLUMNS


#: The searchable attributes that are fields of the user record, and their columns.
_RECORD_COLUMNS = {
    SearchableAttribute.USERNAME: "username",
    SearchableAttribute.USER_STATUS: "user_status",
    SearchableAttribute.STATUS: "enabled",
    SearchableAttribute.SUB: "sub",
}

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

    attribute: SearchableAttribute
    prefix: bool
    value: str


def parse_filter(text: str | None) -> UserFilter | None:
    """Parse a ListUsers ``Filter``; ``None`` when there is no filter to apply."""
    if text is None or _BLANK.fullmatch(text):
        return None
    match = _FILTER.fullmatch(text)
    if match is None:
        raise InvalidParameter(PARSE_ERROR_MESSAGE)
    try:
        attribute = SearchableAttribute(match["attribute"])
    except ValueError:
        raise InvalidParameter(UNSEARCHABLE_ATTRIBUTE_MESSAGE) from None
    return UserFilter(
        attribute=attribute,
        prefix=match["operator"] == "^=",
        value=_ESCAPE.sub(r"\1", match["body"]),
    )


def quote_filter_value(value: str) -> str:
    """Quote ``value`` as a filter ``AttributeValue``, escaping backslashes and quotes."""
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


@dataclass(frozen=True)
class UserQuery:
    """A ListUsers filter in storage terms: one searchable attribute's column, exact or
    prefix, on the value as stored (``status`` is 1 or 0)."""

    attribute: SearchableAttribute
    value: str | int
    prefix: bool = False


class Nothing:
    """A filter that no user can match (for example ``status = "Sleeping"``)."""


#: The translation of a filter that matches no user.
NOTHING = Nothing()


def to_query(f: UserFilter | None) -> UserQuery | Nothing | None:
    """Translate a parsed filter into a storage query on one indexed column."""
    if f is None:
        return None
    if f.attribute is SearchableAttribute.STATUS:
        matches = [
            enabled
            for label, enabled in (("Enabled", 1), ("Disabled", 0))
            if (label.startswith(f.value) if f.prefix else label == f.value)
        ]
        if len(matches) == 2:
            return None
        if not matches:
            return NOTHING
        return UserQuery(f.attribute, matches[0])
    if f.attribute is SearchableAttribute.USER_STATUS:
        value = f.value.upper()  # this attribute matches case-insensitively
        return UserQuery(f.attribute, value, f.prefix)
    return UserQuery(f.attribute, f.value, f.prefix)


def sort_value(user: User, query: UserQuery) -> str:
    """The value of ``user`` that a prefix query sorts by (its keyset position)."""
    if query.attribute is SearchableAttribute.USERNAME:
        return user.username
    if query.attribute is SearchableAttribute.SUB:
        return user.sub
    if query.attribute is SearchableAttribute.USER_STATUS:
        return user.status.value
    return user.attribute(query.attribute) or ""
