"""Per-pool RSA signing keys, and their public form as a JWK Set.

A key is a PKCS#8 PEM private key (RSA 2048, e = 65537) plus its ``kid``. The ``kid`` is the
RFC 7638 JWK thumbprint of the public key (SHA-256, base64url without padding), so it is a pure
function of the key: the same on every node and after every restart, and never stored apart from
the key it names. Parsing a PEM costs about a millisecond and a key signs every token, so parsed
keys are cached by PEM.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

ALGORITHM = "RS256"
KEY_BITS = 2048
PUBLIC_EXPONENT = 65537

#: Parsed private keys kept in memory, by PEM. One pool has a few keys; this covers many pools.
_CACHE_SIZE = 1024


@dataclass(frozen=True)
class SigningKey:
    """An RSA private key (PKCS#8 PEM) and its ``kid``. The PEM never appears in ``repr``."""

    kid: str
    private_pem: bytes = field(repr=False)
    created_at: float


def b64url(data: bytes) -> str:
    """Base64url without padding (RFC 7515 §2)."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _uint(value: int) -> str:
    """A positive integer as the base64url of its shortest big-endian bytes (RFC 7518 §6.3.1)."""
    return b64url(value.to_bytes(max(1, (value.bit_length() + 7) // 8), "big"))


#: Where a server's new keys come from (``app.build``'s ``key_source``): given the time, a key never
#: handed out before. Production generates each one; test suites may use a faster supply.
KeySource = Callable[[float], SigningKey]


def generate_signing_key(now: float) -> SigningKey:
    """A fresh RSA 2048 key, created at ``now``."""
    private = rsa.generate_private_key(public_exponent=PUBLIC_EXPONENT, key_size=KEY_BITS)
    pem = private.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    return SigningKey(kid=kid_for(private.public_key()), private_pem=pem, created_at=now)


def load_signing_key(private_pem: bytes, created_at: float) -> SigningKey:
    """A stored PEM as a key, its ``kid`` derived again; ``ValueError`` if it is not RSA."""
    return SigningKey(
        kid=kid_for(private_key(private_pem).public_key()),
        private_pem=private_pem,
        created_at=created_at,
    )


@lru_cache(maxsize=_CACHE_SIZE)
def private_key(private_pem: bytes) -> rsa.RSAPrivateKey:
    """The parsed private key of a PEM (cached); ``ValueError`` if it is not an RSA key.

    Only keys this server made and stored are parsed, never one a client sent, so OpenSSL's
    RSA key check is skipped: it re-tests both primes and costs 60-300 ms per key, paid by
    the first token a pool signs in each process (pyca/cryptography added the switch for this).
    """
    loaded = serialization.load_pem_private_key(
        private_pem, password=None, unsafe_skip_rsa_key_validation=True
    )
    if not isinstance(loaded, rsa.RSAPrivateKey):
        raise ValueError("signing keys must be RSA")
    return loaded


def public_key(key: SigningKey) -> rsa.RSAPublicKey:
    return private_key(key.private_pem).public_key()


def _public_members(public: rsa.RSAPublicKey) -> dict[str, str]:
    """The required members of an RSA public JWK, in RFC 7638's lexicographic order."""
    numbers = public.public_numbers()
    return {"e": _uint(numbers.e), "kty": "RSA", "n": _uint(numbers.n)}


def kid_for(public: rsa.RSAPublicKey) -> str:
    """The RFC 7638 JWK thumbprint (SHA-256) of a public key."""
    canonical = json.dumps(_public_members(public), separators=(",", ":"), sort_keys=True)
    return b64url(hashlib.sha256(canonical.encode("ascii")).digest())


def public_jwk(key: SigningKey) -> dict[str, str]:
    """The public half of ``key`` as Cognito publishes it: ``kid, alg, kty, e, n, use``."""
    members = _public_members(public_key(key))
    return {
        "kid": key.kid,
        "alg": ALGORITHM,
        "kty": members["kty"],
        "e": members["e"],
        "n": members["n"],
        "use": "sig",
    }


def jwks(keys: Sequence[SigningKey]) -> dict[str, list[dict[str, str]]]:
    """The JWK Set document served at ``/{poolId}/.well-known/jwks.json``."""
    return {"keys": [public_jwk(key) for key in keys]}


def self_signed_certificate(key: SigningKey, common_name: str, now: float) -> bytes:
    """A self-signed X.509 certificate (DER) of ``key``'s public key, valid ten years from
    ``now``: what a SAML identity provider is told to trust (GetSigningCertificate)."""
    from datetime import UTC, datetime, timedelta

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes
    from cryptography.x509.oid import NameOID

    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    start = datetime.fromtimestamp(int(now), UTC)
    serial = int.from_bytes(hashlib.sha256(key.private_pem).digest()[:16], "big") >> 1
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(public_key(key))
        .serial_number(serial or 1)
        .not_valid_before(start)
        .not_valid_after(start + timedelta(days=3650))
        .sign(private_key(key.private_pem), hashes.SHA256())
    )
    return certificate.public_bytes(serialization.Encoding.DER)
