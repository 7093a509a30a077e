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
from dataclasses import dataclass
from typing import TYPE_CHECKING

from userpools.domain.errors import InvalidPassword

if TYPE_CHECKING:  # models imports this module (through pool_config)
    from userpools.domain.models import UserPool

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


@dataclass(frozen=True)
class PasswordPolicy:
    """``PasswordPolicyType``; defaults are Cognito's.

    ``password_history_size`` is kept and shown as set, not enforced. A
    ``temporary_password_validity_days`` of ``None`` (or 0, as in Cognito) means unset:
    :attr:`temporary_validity_days` gives the days that apply.
    """

    minimum_length: int = DEFAULT_MINIMUM_LENGTH
    require_uppercase: bool = True
    require_lowercase: bool = True
    require_numbers: bool = True
    require_symbols: bool = True
    password_history_size: int | None = None
    temporary_password_validity_days: int | None = None

    @property
    def temporary_validity_days(self) -> int:
        return self.temporary_password_validity_days or DEFAULT_TEMPORARY_PASSWORD_VALIDITY_DAYS


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


def policy_for(pool: UserPool, password: str) -> PasswordPolicy:
    """The pool's policy, re-checked inside the write (it may have changed meanwhile)."""
    policy = pool.config.password_policy
    check(policy, password)
    return policy


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
