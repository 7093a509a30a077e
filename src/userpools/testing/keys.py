"""Test-only signing keys, made in about a millisecond instead of a fifth of a second.

CreateUserPool makes two RSA-2048 keys, and most of a key's cost is finding its two primes.
A test suite makes hundreds of pools, so the plugin's servers draw their keys from
:data:`TEST_KEYS` instead (``build(..., key_source=TEST_KEYS)``): each key is the product of
two distinct primes from ``primes.txt`` (made once by OpenSSL, ``tools/gen_test_primes.py``),
so P primes give P·(P-1)/2 different RSA-2048 keys, with different moduli and so different
``kid``s. They sign and verify like any other key.

Never use them outside tests: keys that share a prime give up their private keys to a GCD of
their moduli. A process never hands out the same key twice, because two pools in one
database must never share a ``kid`` (``find_pool_key`` maps a ``kid`` to one pool); once the
pairs run out, it generates keys as production does.
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Iterator
from importlib import resources

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from userpools.crypto.keys import (
    PUBLIC_EXPONENT,
    SigningKey,
    generate_signing_key,
    kid_for,
)


def load_primes() -> list[int]:
    text = resources.files(__package__).joinpath("primes.txt").read_text(encoding="ascii")
    return [int(line, 16) for line in text.splitlines() if line and not line.startswith("#")]


def key_from_primes(p: int, q: int, now: float) -> SigningKey:
    """The RSA key with modulus ``p·q``; the primes are trusted, so it is not re-validated
    (OpenSSL's check re-tests both primes and costs as much as making a key)."""
    d = pow(PUBLIC_EXPONENT, -1, (p - 1) * (q - 1))
    numbers = rsa.RSAPrivateNumbers(
        p=p,
        q=q,
        d=d,
        dmp1=rsa.rsa_crt_dmp1(d, p),
        dmq1=rsa.rsa_crt_dmq1(d, q),
        iqmp=rsa.rsa_crt_iqmp(p, q),
        public_numbers=rsa.RSAPublicNumbers(PUBLIC_EXPONENT, p * q),
    )
    private = numbers.private_key(unsafe_skip_rsa_key_validation=True)
    pem = private.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    return SigningKey(kid=kid_for(private.public_key()), private_pem=pem, created_at=now)


class TestKeys:
    """A process-wide supply of distinct keys; a ``KeySource`` for ``build``."""

    __test__ = False  # not a pytest test class, despite its name

    def __init__(self, primes: list[int]) -> None:
        self._primes = primes
        self._pairs: Iterator[tuple[int, int]] = itertools.combinations(range(len(primes)), 2)
        self._lock = threading.Lock()
        self.handed_out = 0

    def __call__(self, now: float) -> SigningKey:
        with self._lock:
            pair = next(self._pairs, None)
            self.handed_out += 1
        if pair is None:
            return generate_signing_key(now)
        return key_from_primes(self._primes[pair[0]], self._primes[pair[1]], now)


#: One supply for every server of the process: servers may share a database.
TEST_KEYS = TestKeys(load_primes())
