"""Per-pool RSA signing keys and their JWK Set (``userpools.crypto.keys``)."""

from __future__ import annotations

import base64
import dataclasses

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from joserfc.jwk import RSAKey

from userpools.crypto.keys import (
    SigningKey,
    generate_signing_key,
    jwks,
    kid_for,
    load_signing_key,
    public_jwk,
    public_key,
)

NOW = 1_700_000_000.0


def b64url_uint(value: str) -> int:
    return int.from_bytes(base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)), "big")


@pytest.fixture(scope="module")
def key() -> SigningKey:
    return generate_signing_key(NOW)


@pytest.fixture(scope="module")
def other_key() -> SigningKey:
    return generate_signing_key(NOW + 1)


def test_generate_signing_key_is_rsa_2048_pkcs8(key: SigningKey) -> None:
    assert key.created_at == NOW
    assert key.private_pem.startswith(b"-----BEGIN PRIVATE KEY-----")  # PKCS#8, unencrypted
    loaded = serialization.load_pem_private_key(key.private_pem, password=None)
    assert isinstance(loaded, rsa.RSAPrivateKey)
    assert loaded.key_size == 2048
    assert loaded.public_key().public_numbers().e == 65537


def test_kid_is_stable_across_reloads(key: SigningKey) -> None:
    """A restarted node (or another node) reading the same PEM derives the same kid."""
    reloaded = load_signing_key(key.private_pem, key.created_at)
    assert reloaded == key
    assert kid_for(public_key(reloaded)) == key.kid


def test_kid_is_the_rfc7638_thumbprint(key: SigningKey) -> None:
    """RFC 7638 §3, computed independently by joserfc."""
    jwk: dict[str, str | list[str]] = {**public_jwk(key)}
    assert key.kid == RSAKey.import_key(jwk).thumbprint()
    assert len(key.kid) == 43  # SHA-256, base64url without padding


def test_kid_differs_between_keys(key: SigningKey, other_key: SigningKey) -> None:
    assert key.kid != other_key.kid


def test_public_jwk_fields_decode_to_the_public_numbers(key: SigningKey) -> None:
    """Cognito's JWKS shape: kid, alg RS256, kty RSA, e, n, use sig (spec §7.4)."""
    jwk = public_jwk(key)
    assert list(jwk) == ["kid", "alg", "kty", "e", "n", "use"]
    assert jwk["kid"] == key.kid
    assert (jwk["alg"], jwk["kty"], jwk["use"], jwk["e"]) == ("RS256", "RSA", "sig", "AQAB")
    numbers = public_key(key).public_numbers()
    assert b64url_uint(jwk["n"]) == numbers.n
    assert b64url_uint(jwk["e"]) == numbers.e
    for value in jwk.values():
        assert "=" not in value and "+" not in value and "/" not in value
    assert not base64.urlsafe_b64decode(jwk["n"] + "=" * (-len(jwk["n"]) % 4)).startswith(b"\0")


def test_public_jwk_has_no_private_members(key: SigningKey) -> None:
    assert set(public_jwk(key)).isdisjoint({"d", "p", "q", "dp", "dq", "qi"})


def test_jwks_lists_every_key_in_order(key: SigningKey, other_key: SigningKey) -> None:
    document = jwks([key, other_key])
    assert [entry["kid"] for entry in document["keys"]] == [key.kid, other_key.kid]
    assert jwks([]) == {"keys": []}


def test_signing_key_repr_hides_the_private_key(key: SigningKey) -> None:
    body = key.private_pem.decode("ascii").splitlines()[1]
    for text in (repr(key), str(key)):
        assert key.kid in text
        assert "PRIVATE" not in text
        assert body not in text
        assert "private_pem" not in text


def test_signing_key_is_frozen(key: SigningKey) -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        key.kid = "other"  # type: ignore[misc]


def test_load_signing_key_refuses_non_rsa_keys() -> None:
    pem = ec.generate_private_key(ec.SECP256R1()).private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    with pytest.raises(ValueError, match="RSA"):
        load_signing_key(pem, NOW)
