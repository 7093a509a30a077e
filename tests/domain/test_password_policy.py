"""Cognito's password policy (``userpools.domain.password_policy``)."""

from __future__ import annotations

import dataclasses
import random
import string

import pytest
from hypothesis import given
from hypothesis import strategies as st

from userpools.domain.errors import InvalidPassword
from userpools.domain.password_policy import (
    NO_LOWERCASE_MESSAGE,
    NO_NUMBER_MESSAGE,
    NO_SYMBOL_MESSAGE,
    NO_UPPERCASE_MESSAGE,
    SYMBOLS,
    TOO_SHORT_MESSAGE,
    PasswordPolicy,
    check,
    generate_temporary_password,
    has_symbol,
)

DEFAULT = PasswordPolicy()
NOTHING_REQUIRED = PasswordPolicy(
    minimum_length=6,
    require_uppercase=False,
    require_lowercase=False,
    require_numbers=False,
    require_symbols=False,
)


def _reason(policy: PasswordPolicy, password: str) -> str:
    with pytest.raises(InvalidPassword) as excinfo:
        check(policy, password)
    assert excinfo.value.code == "InvalidPasswordException"
    return excinfo.value.message


def test_password_policy_defaults_are_cognitos() -> None:
    """Source: cognito-spec.md §4.1 CreateUserPool defaults [I-12906]."""
    assert (DEFAULT.minimum_length, DEFAULT.temporary_validity_days) == (8, 7)
    assert DEFAULT.require_uppercase and DEFAULT.require_lowercase
    assert DEFAULT.require_numbers and DEFAULT.require_symbols
    assert DEFAULT.password_history_size is None


def test_password_policy_is_frozen() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        DEFAULT.minimum_length = 6  # type: ignore[misc]


def test_password_policy_messages_use_current_aws_wording() -> None:
    """Source: data-dot-all/dataall#690 (2023), a real AdminCreateUser response."""
    assert NO_NUMBER_MESSAGE == (
        "Password did not conform with password policy: Password must have numeric characters"
    )
    for message in (TOO_SHORT_MESSAGE, NO_UPPERCASE_MESSAGE, NO_LOWERCASE_MESSAGE):
        assert message.startswith("Password did not conform with password policy: ")
    assert NO_SYMBOL_MESSAGE.endswith(": Password must have symbol characters")
    assert TOO_SHORT_MESSAGE.endswith(": Password not long enough")


def test_password_policy_accepts_a_conforming_password() -> None:
    check(DEFAULT, "Passw0rd!")


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("Pa0!", TOO_SHORT_MESSAGE),
        ("Passw0!", TOO_SHORT_MESSAGE),
        ("passw0rd!", NO_UPPERCASE_MESSAGE),
        ("PASSW0RD!", NO_LOWERCASE_MESSAGE),
        ("Password!", NO_NUMBER_MESSAGE),
        ("Passw0rdX", NO_SYMBOL_MESSAGE),
    ],
)
def test_password_policy_rejects_each_rule(password: str, message: str) -> None:
    assert _reason(DEFAULT, password) == message


def test_password_policy_reports_length_first_then_classes_in_order() -> None:
    assert _reason(DEFAULT, "") == TOO_SHORT_MESSAGE
    assert _reason(DEFAULT, "!!!!!!!!") == NO_UPPERCASE_MESSAGE
    assert _reason(DEFAULT, "AAAAAAAA") == NO_LOWERCASE_MESSAGE
    assert _reason(DEFAULT, "AAAAaaaa") == NO_NUMBER_MESSAGE
    assert _reason(DEFAULT, "AAAAaaa1") == NO_SYMBOL_MESSAGE


def test_password_policy_minimum_length_counts_characters() -> None:
    policy = dataclasses.replace(NOTHING_REQUIRED, minimum_length=10)
    check(policy, "x" * 10)
    check(policy, "é" * 10)
    assert _reason(policy, "x" * 9) == TOO_SHORT_MESSAGE


def test_password_policy_with_nothing_required_accepts_any_long_enough_password() -> None:
    check(NOTHING_REQUIRED, "aaaaaa")
    check(NOTHING_REQUIRED, "日本語日本語")


@pytest.mark.parametrize(
    ("rule", "message", "without"),
    [
        ("require_uppercase", NO_UPPERCASE_MESSAGE, "passw0rd!"),
        ("require_lowercase", NO_LOWERCASE_MESSAGE, "PASSW0RD!"),
        ("require_numbers", NO_NUMBER_MESSAGE, "Password!"),
        ("require_symbols", NO_SYMBOL_MESSAGE, "Passw0rdX"),
    ],
)
def test_password_policy_each_rule_can_be_turned_off(rule: str, message: str, without: str) -> None:
    assert _reason(DEFAULT, without) == message
    check(dataclasses.replace(DEFAULT, **{rule: False}), without)


def test_password_policy_symbols_are_the_documented_set() -> None:
    """Source: Cognito developer guide, user pool password policies: the 32 ASCII specials."""
    assert len(SYMBOLS) == 32
    assert set(SYMBOLS) == set(string.punctuation)


@pytest.mark.parametrize("symbol", list(SYMBOLS))
def test_password_policy_every_documented_symbol_counts(symbol: str) -> None:
    check(DEFAULT, f"Passw0rd{symbol}")


@pytest.mark.parametrize(
    "letter",
    ["É", "Ä", "Ω", "Ж", "Ａ"],  # non-Basic-Latin capitals do not count
)
def test_password_policy_uppercase_means_basic_latin(letter: str) -> None:
    assert _reason(DEFAULT, f"passw0rd!{letter}") == NO_UPPERCASE_MESSAGE


@pytest.mark.parametrize("letter", ["é", "ß", "ω", "ж", "ａ"])
def test_password_policy_lowercase_means_basic_latin(letter: str) -> None:
    assert _reason(DEFAULT, f"PASSW0RD!{letter}") == NO_LOWERCASE_MESSAGE


@pytest.mark.parametrize("digit", ["٣", "३", "３", "²", "½"])
def test_password_policy_numbers_mean_ascii_digits(digit: str) -> None:
    assert _reason(DEFAULT, f"Password!{digit}") == NO_NUMBER_MESSAGE


@pytest.mark.parametrize("symbol", ["€", "£", "§", "¡", "¿", "«", "—", "·", "\u00a0", "\t"])
def test_password_policy_other_punctuation_is_not_a_symbol(symbol: str) -> None:
    assert _reason(DEFAULT, f"Passw0rdX{symbol}x") == NO_SYMBOL_MESSAGE


def test_password_policy_inner_space_is_a_symbol() -> None:
    """Source: Cognito developer guide: a space counts as a special character when it is neither
    leading nor trailing."""
    check(DEFAULT, "Pass w0rd")
    assert has_symbol("a b")
    assert has_symbol("a  b")
    assert has_symbol("  a b  ")


@pytest.mark.parametrize(
    "password", [" Passw0rd", "Passw0rd ", " Passw0rd ", "  Passw0rd", "Passw0rd  ", " \tPassw0rd"]
)
def test_password_policy_leading_or_trailing_space_is_not_a_symbol(password: str) -> None:
    assert _reason(DEFAULT, password) == NO_SYMBOL_MESSAGE


@pytest.mark.parametrize("password", ["", " ", "  ", "   ", "x", "x ", " x", "  x  "])
def test_password_policy_edge_spaces_alone_are_not_symbols(password: str) -> None:
    assert not has_symbol(password)


def test_password_policy_message_never_contains_the_password() -> None:
    password = "Secr3tValue"
    with pytest.raises(InvalidPassword) as excinfo:
        check(DEFAULT, password)
    assert password not in str(excinfo.value)
    assert password not in repr(excinfo.value)
    assert password not in repr(DEFAULT)


@pytest.mark.parametrize("validity", [0, None])
def test_password_policy_zero_or_unset_validity_means_seven(validity: int | None) -> None:
    """Source: PasswordPolicyType, TemporaryPasswordValidityDays 0..365, 0 treated as unset."""
    policy = PasswordPolicy(temporary_password_validity_days=validity)
    assert policy.temporary_validity_days == 7


def test_password_policy_generated_password_uses_system_random_by_default() -> None:
    first = generate_temporary_password(DEFAULT)
    second = generate_temporary_password(DEFAULT)
    assert first != second
    check(DEFAULT, first)
    assert len(first) == 12


def test_password_policy_generated_password_is_reproducible_with_seeded_rng() -> None:
    one = generate_temporary_password(DEFAULT, random.Random(7))
    two = generate_temporary_password(DEFAULT, random.Random(7))
    assert one == two


def test_password_policy_generated_password_is_at_least_twelve_long() -> None:
    rng = random.Random(0)
    assert len(generate_temporary_password(PasswordPolicy(minimum_length=6), rng)) == 12
    assert len(generate_temporary_password(PasswordPolicy(minimum_length=99), rng)) == 99


_POLICIES = st.builds(
    PasswordPolicy,
    minimum_length=st.integers(min_value=6, max_value=99),
    require_uppercase=st.booleans(),
    require_lowercase=st.booleans(),
    require_numbers=st.booleans(),
    require_symbols=st.booleans(),
    temporary_password_validity_days=st.integers(min_value=1, max_value=365),
)


@given(policy=_POLICIES, seed=st.integers())
def test_password_policy_generated_password_always_conforms(
    policy: PasswordPolicy, seed: int
) -> None:
    password = generate_temporary_password(policy, random.Random(seed))
    check(policy, password)
    check(dataclasses.replace(DEFAULT, minimum_length=policy.minimum_length), password)
    assert len(password) == max(policy.minimum_length, 12)
    assert password == password.strip()
    assert " " not in password
    assert password.isascii()
    assert password.isprintable()
