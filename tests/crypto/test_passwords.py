"""Argon2id password hashing (``userpools.crypto.passwords``)."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from userpools.crypto.passwords import (
    OWASP_MEMORY_COST_KIB,
    OWASP_PARALLELISM,
    OWASP_TIME_COST,
    PasswordHasher,
)

PASSWORD = "correct Horse battery staple 9!"


@pytest.fixture(scope="module")
def hasher() -> PasswordHasher:
    return PasswordHasher.fast_for_tests()


def test_password_hash_round_trip(hasher: PasswordHasher) -> None:
    stored = hasher.hash(PASSWORD)
    assert hasher.verify(stored, PASSWORD) is True


def test_password_hash_wrong_password_is_false(hasher: PasswordHasher) -> None:
    stored = hasher.hash(PASSWORD)
    assert hasher.verify(stored, PASSWORD + "x") is False
    assert hasher.verify(stored, PASSWORD.upper()) is False
    assert hasher.verify(stored, "") is False


def test_password_hash_is_argon2id_and_salted(hasher: PasswordHasher) -> None:
    first = hasher.hash(PASSWORD)
    second = hasher.hash(PASSWORD)
    assert first.startswith("$argon2id$v=19$")
    assert first != second
    assert hasher.verify(second, PASSWORD)


def test_password_hash_never_contains_the_plaintext(hasher: PasswordHasher) -> None:
    for password in (PASSWORD, "Passw0rd!", "argon2id-v19"):
        stored = hasher.hash(password)
        body = stored.split("$", 4)[-1]  # salt and digest, after the fixed header
        assert password not in body
    assert PASSWORD not in hasher.hash(PASSWORD)
    assert PASSWORD not in repr(hasher)


def test_password_hash_default_is_owasp_argon2id() -> None:
    """Source: OWASP Password Storage Cheat Sheet (m=19 MiB, t=2, p=1), reliability.md §1.2."""
    assert (OWASP_TIME_COST, OWASP_MEMORY_COST_KIB, OWASP_PARALLELISM) == (2, 19456, 1)
    default = PasswordHasher()
    assert repr(default) == "PasswordHasher(t=2, m=19456KiB, p=1)"
    stored = default.hash(PASSWORD)
    assert stored.startswith("$argon2id$v=19$m=19456,t=2,p=1$")
    assert default.verify(stored, PASSWORD)
    assert not default.needs_rehash(stored)


def test_password_hash_needs_rehash_when_parameters_change(hasher: PasswordHasher) -> None:
    cheap = hasher.hash(PASSWORD)
    assert not hasher.needs_rehash(cheap)
    assert PasswordHasher().needs_rehash(cheap)
    assert PasswordHasher().verify(cheap, PASSWORD)  # old hashes still verify


@pytest.mark.parametrize(
    "stored",
    [
        "",
        "not a hash",
        "$argon2id$",
        "$argon2id$v=19$m=8,t=1,p=1$",
        "$argon2id$v=19$m=8,t=1,p=1$c2FsdHNhbHQ$",
        "$argon2id$v=19$m=x,t=1,p=1$c2FsdHNhbHRzYWx0$aGFzaA",
        "$argon2x$v=19$m=8,t=1,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNo",
        "$2b$12$abcdefghijklmnopqrstuuJ7wD2c3xQ4q1m5PBG0f7eZ1V0S8zQ6a",
        "plaintext-password",
        "$argon2id$v=19$m=8,t=1,p=1$c2FsdHNhbHRzYWx0$ä",
        "ä$argon2id$",
    ],
)
def test_password_hash_malformed_hash_is_false(hasher: PasswordHasher, stored: str) -> None:
    assert hasher.verify(stored, PASSWORD) is False
    assert hasher.needs_rehash(stored) is True


def test_password_hash_truncated_hash_is_false(hasher: PasswordHasher) -> None:
    stored = hasher.hash(PASSWORD)
    assert hasher.verify(stored[:-4], PASSWORD) is False
    assert hasher.verify(stored + "AAAA", PASSWORD) is False


@pytest.mark.parametrize("password", ["", " ", "pässwörd", "パスワード", "🙂" * 64, "x" * 256])
def test_password_hash_round_trips_unicode_and_long_passwords(
    hasher: PasswordHasher, password: str
) -> None:
    stored = hasher.hash(password)
    assert hasher.verify(stored, password)
    assert not hasher.verify(stored, password + " ")


def test_password_hash_lone_surrogate_does_not_raise(hasher: PasswordHasher) -> None:
    stored = hasher.hash(PASSWORD)
    assert hasher.verify(stored, "\ud800") is False
    assert hasher.verify(hasher.hash("\ud800"), "\ud800") is True


def test_password_hash_dummy_verify_returns_nothing(hasher: PasswordHasher) -> None:
    assert hasher.dummy_verify(PASSWORD) is None  # type: ignore[func-returns-value]
    assert hasher.dummy_verify(PASSWORD) is None  # type: ignore[func-returns-value]


@settings(max_examples=200)
@given(
    stored=st.one_of(
        st.text(),
        st.text().map(lambda s: "$argon2id$" + s),
        st.text().map(lambda s: "$argon2id$v=19$m=8,t=1,p=1$" + s),
    ),
    password=st.text(),
)
def test_password_hash_verify_never_raises(
    hasher: PasswordHasher, stored: str, password: str
) -> None:
    assert hasher.verify(stored, password) is False


def test_a_full_queue_refuses_at_once_and_frees_again() -> None:
    # One thread, no queue: of two calls made at the same moment, one runs and the other is
    # refused without waiting. The cost is CPU only (8 KiB, many passes), about a second.
    class Throttled(Exception):
        pass

    slow = PasswordHasher(time_cost=30_000, memory_cost_kib=8, threads=1, queue=0, busy=Throttled)
    barrier = threading.Barrier(2)

    def call() -> str:
        barrier.wait(timeout=10)
        try:
            slow.hash(PASSWORD)
        except Throttled:
            return "busy"
        return "hashed"

    with ThreadPoolExecutor(2) as pool:
        outcomes = sorted(pool.map(lambda _: call(), range(2)))
    assert outcomes == ["busy", "hashed"]
    assert slow.verify(slow.hash(PASSWORD), PASSWORD)  # the slot came back
    slow.close()
