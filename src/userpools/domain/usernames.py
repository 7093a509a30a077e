"""Username keys: how a pool compares usernames and aliases.

Case-sensitive pools compare values exactly as sent. Case-insensitive pools
(``UsernameConfiguration.CaseSensitive = false``) compare canonical caseless forms:
NFC, then full Unicode case folding, then NFC again. That folds ``ß`` to ``ss`` and
the Kelvin sign to ``k`` (``str.lower`` and SQL ``lower()`` do neither), while
compatibility forms such as full-width letters stay distinct. Usernames are stored as
sent; the key is a separate, indexed column.
"""

from __future__ import annotations

import unicodedata


def fold(value: str) -> str:
    return unicodedata.normalize("NFC", unicodedata.normalize("NFC", value).casefold())


def key(value: str, case_sensitive: bool) -> str:
    return value if case_sensitive else fold(value)
