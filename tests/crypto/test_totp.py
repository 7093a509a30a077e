"""TOTP (RFC 6238) against the RFC's own test vectors and against pyotp, an independent
implementation."""

from __future__ import annotations

import base64

import pyotp
import pytest
from hypothesis import given
from hypothesis import strategies as st

from userpools.crypto import totp

#: RFC 6238 Appendix B: the SHA-1 seed "12345678901234567890" and its 8-digit codes.
RFC_SEED = b"12345678901234567890"
RFC_VECTORS = [
    (59, "94287082"),
    (1111111109, "07081804"),
    (1111111111, "14050471"),
    (1234567890, "89005924"),
    (2000000000, "69279037"),
    (20000000000, "65353130"),
]


@pytest.mark.parametrize(("at", "expected"), RFC_VECTORS)
def test_totp_matches_the_rfc_6238_vectors(at: int, expected: str) -> None:
    assert totp.hotp(RFC_SEED, at // 30, digits=8) == expected


def test_totp_secrets_are_base32_without_padding() -> None:
    secret = totp.new_secret()
    assert len(secret) == 32
    assert set(secret) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
    assert len(base64.b32decode(secret)) == totp.SECRET_BYTES
    assert secret != totp.new_secret()


@given(st.floats(min_value=0, max_value=4e9))
def test_totp_agrees_with_pyotp(now: float) -> None:
    secret = totp.new_secret()
    assert totp.code_at(secret, now) == pyotp.TOTP(secret).at(now)


def test_totp_accepts_one_step_either_side_and_says_which() -> None:
    secret, now = totp.new_secret(), 1_700_000_015.0
    app = pyotp.TOTP(secret)
    assert totp.match(secret, app.at(now), now) == int(now // 30)
    assert totp.match(secret, app.at(now - 30), now) == int(now // 30) - 1
    assert totp.match(secret, app.at(now + 30), now) == int(now // 30) + 1
    assert totp.match(secret, app.at(now - 60), now) is None
    assert totp.match(secret, app.at(now + 60), now) is None


@pytest.mark.parametrize("code", ["", "12345", "1234567", "12345a", "١٢٣٤٥٦"])
def test_totp_refuses_what_is_not_six_digits(code: str) -> None:
    assert totp.match(totp.new_secret(), code, 1_700_000_000.0) is None
