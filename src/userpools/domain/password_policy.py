"""A user pool's password policy: its settings, the check, and temporary passwords.

Character classes follow the Cognito developer guide (user pool password policies): Basic Latin
upper- and lower-case letters, the digits 0-9, and the 32 ASCII symbols in :data:`SYMBOLS`. A
space counts as a symbol only when it is neither leading nor trailing, that is when other
characters come both before and after it.

Violations raise :class:`~userpools.domain.errors.InvalidPassword` with one reason, in the current
AWS wording ``Password did not conform with password policy: …`` (seen in data-dot-all/dataall#690,
2023; the older ``Password did not conform with policy: …`` dates from 2018). The 256-character
maximum and the ban on leading or trailing whitespace are the request validator's job, not this
module's. No message or repr here ever contains a password.
"""

from __future__ import annotations

import random
import secrets
import string
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from userpools.domain.errors import InvalidPassword

_PREFIX = "Password did not conform with password policy: "
TOO_SHORT_MESSAGE = _PREFIX + "Password not long enough"
NO_UPPERCASE_MESSAGE = _PREFIX + "Password must have uppercase characters"
NO_LOWERCASE_MESSAGE = _PREFIX + "Password must have lowercase characters"
NO_NUMBER_MESSAGE = _PREFIX + "Password must have numeric characters"
NO_SYMBOL_MESSAGE = _PREFIX + "Password must have symbol characters"

UPPERCASE = string.ascii_uppercase
LOWERCASE = string.ascii_lowercase
DIGITS = string.digits
SYMBOLS = "^$*.[]{}()?-\"!@#%&/\\,><':;|_~`+="
"""Cognito's special characters, in the order its documentation lists them."""

DEFAULT_MINIMUM_LENGTH = 8
DEFAULT_TEMPORARY_PASSWORD_VALIDITY_DAYS = 7
GENERATED_MINIMUM_LENGTH = 12
# Symbols used in generated passwords: Cognito's set without quotes, backslash, backtick and
# ``<>&``, so that a temporary password needs no escaping in HTML e-mail or JSON.
_GENERATED_SYMBOLS = "".join(c for c in SYMBOLS if c not in "\"'\\`<>&")
_GENERATED_ALPHABET = UPPERCASE + LOWERCASE + DIGITS + _GENERATED_SYMBOLS
# Not client-visible: a wrongly typed member means the request validator was bypassed.
_WRONG_TYPE_MESSAGE = "PasswordPolicy member {key} must be {kind}"


@dataclass(frozen=True)
class PasswordPolicy:
    """``PasswordPolicyType`` without ``PasswordHistorySize``; defaults are Cognito's."""

    minimum_length: int = DEFAULT_MINIMUM_LENGTH
    require_uppercase: bool = True
    require_lowercase: bool = True
    require_numbers: bool = True
    require_symbols: bool = True
    temporary_password_validity_days: int = DEFAULT_TEMPORARY_PASSWORD_VALIDITY_DAYS

    @classmethod
    def from_wire(cls, d: Mapping[str, Any] | None) -> PasswordPolicy:
        """Build from a validated ``PasswordPolicyType`` dict; absent members take defaults.

        A ``TemporaryPasswordValidityDays`` of 0 means unset, as in Cognito.
        """
        if d is None:
            return cls()
        validity = _int(d, "TemporaryPasswordValidityDays", 0)
        return cls(
            minimum_length=_int(d, "MinimumLength", DEFAULT_MINIMUM_LENGTH),
            require_uppercase=_bool(d, "RequireUppercase", True),
            require_lowercase=_bool(d, "RequireLowercase", True),
            require_numbers=_bool(d, "RequireNumbers", True),
            require_symbols=_bool(d, "RequireSymbols", True),
            temporary_password_validity_days=validity or DEFAULT_TEMPORARY_PASSWORD_VALIDITY_DAYS,
        )

    def to_wire(self) -> dict[str, int | bool]:
        """The ``PasswordPolicyType`` dict as DescribeUserPool shows it, all six members."""
        return {
            "MinimumLength": self.minimum_length,
            "RequireUppercase": self.require_uppercase,
            "RequireLowercase": self.require_lowercase,
            "RequireNumbers": self.require_numbers,
            "RequireSymbols": self.require_symbols,
            "TemporaryPasswordValidityDays": self.temporary_password_validity_days,
        }


MAX_LENGTH = 256
TOO_LONG_MESSAGE = _PREFIX + "Password must not be longer than 256 characters"
OUTER_WHITESPACE_MESSAGE = _PREFIX + "Password must not begin or end with whitespace"


def check_form(password: str) -> None:
    """The model's own limits on a password member (at most 256 characters, no whitespace at
    either end), for passwords that arrive inside a map the model cannot type
    (``ChallengeResponses.NEW_PASSWORD``); the validator applies them everywhere else."""
    if len(password) > MAX_LENGTH:
        raise InvalidPassword(TOO_LONG_MESSAGE)
    if password != password.strip():
        raise InvalidPassword(OUTER_WHITESPACE_MESSAGE)


def check(policy: PasswordPolicy, password: str) -> None:
    """Raise :class:`InvalidPassword` naming the first rule ``password`` breaks.

    Rules are checked in the order length, upper case, lower case, digits, symbols.
    """
    if len(password) < policy.minimum_length:
        raise InvalidPassword(TOO_SHORT_MESSAGE)
    if policy.require_uppercase and not any(c in UPPERCASE for c in password):
        raise InvalidPassword(NO_UPPERCASE_MESSAGE)
    if policy.require_lowercase and not any(c in LOWERCASE for c in password):
        raise InvalidPassword(NO_LOWERCASE_MESSAGE)
    if policy.require_numbers and not any(c in DIGITS for c in password):
        raise InvalidPassword(NO_NUMBER_MESSAGE)
    if policy.require_symbols and not has_symbol(password):
        raise InvalidPassword(NO_SYMBOL_MESSAGE)


def has_symbol(password: str) -> bool:
    """Whether ``password`` has a Cognito symbol; a space counts only between other characters."""
    return any(c in SYMBOLS for c in password) or " " in password.strip(" ")


def generate_temporary_password(policy: PasswordPolicy, rng: random.Random | None = None) -> str:
    """A random password that satisfies ``policy``, at least 12 characters long.

    It always has an upper-case letter, a lower-case letter, a digit and a symbol, and never a
    space. ``rng`` defaults to :class:`secrets.SystemRandom`; pass a seeded one only in tests.
    """
    chooser = rng if rng is not None else secrets.SystemRandom()
    length = max(policy.minimum_length, GENERATED_MINIMUM_LENGTH)
    chars = [chooser.choice(group) for group in (UPPERCASE, LOWERCASE, DIGITS, _GENERATED_SYMBOLS)]
    chars += [chooser.choice(_GENERATED_ALPHABET) for _ in range(length - len(chars))]
    chooser.shuffle(chars)
    return "".join(chars)


def _int(d: Mapping[str, Any], key: str, default: int) -> int:
    value = d.get(key)
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(_WRONG_TYPE_MESSAGE.format(key=key, kind="an integer"))
    return value


def _bool(d: Mapping[str, Any], key: str, default: bool) -> bool:
    value = d.get(key)
    if value is None:
        return default
    if not isinstance(value, bool):
        raise TypeError(_WRONG_TYPE_MESSAGE.format(key=key, kind="a boolean"))
    return value
