"""RS256 tokens (``userpools.crypto.jwt``): round trips, the attack suite, and interop.

Attack sources: RFC 8725 (JWT Best Current Practices) §2.1 "weak signatures and insufficient
signature validation" (``alg: none``), §2.2 and §3.1 (the RSA-to-HMAC algorithm swap), §3.10
(``kid``/``jku`` key confusion); RFC 7515 §4.1.11 (``crit``); RFC 7519 §4.1.4-4.1.6 (times).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from typing import Any

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from joserfc import jwt as joserfc_jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet, RSAKey

from userpools.crypto.jwt import (
    MAX_TOKEN_LENGTH,
    InvalidToken,
    Reason,
    VerificationKey,
    sign,
    verify,
)
from userpools.crypto.keys import (
    SigningKey,
    generate_signing_key,
    jwks,
    private_key,
    public_jwk,
    public_key,
)

NOW = 1_700_000_000.0
HOUR = 3600

KEY = generate_signing_key(NOW)
SECOND_KEY = generate_signing_key(NOW)  # the pool's other key (ID vs access tokens)
OTHER_POOL_KEY = generate_signing_key(NOW)
POOL_KEYS: dict[str, VerificationKey] = {KEY.kid: KEY, SECOND_KEY.kid: SECOND_KEY}

CLAIMS: dict[str, Any] = {
    "sub": "0b4c6c1a-7c57-4b5e-9a39-1f7e0a0d7d10",
    "iss": "http://localhost:9229/us-east-1_abc",
    "client_id": "client",
    "token_use": "access",
    "scope": "aws.cognito.signin.user.admin",
    "auth_time": int(NOW),
    "iat": int(NOW),
    "exp": int(NOW) + HOUR,
    "jti": "jti",
    "username": "ann",
    "cognito:groups": ["admins", "ünïcode 👩‍💻"],
}
TOKEN = sign(KEY, CLAIMS)


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(segment: str) -> bytes:
    return base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))


def segment(value: Any) -> str:
    return b64url(json.dumps(value).encode())


def rs_sign(key: SigningKey, signing_input: str, algorithm: hashes.HashAlgorithm) -> str:
    signature = private_key(key.private_pem).sign(
        signing_input.encode("ascii"), padding.PKCS1v15(), algorithm
    )
    return b64url(signature)


def signed_raw(header: str, payload: str, key: SigningKey = KEY) -> str:
    """A token with a *valid* RS256 signature over arbitrary (possibly broken) segments."""
    signing_input = f"{header}.{payload}"
    return f"{signing_input}.{rs_sign(key, signing_input, hashes.SHA256())}"


def signed(header: dict[str, Any], payload: Any, key: SigningKey = KEY) -> str:
    return signed_raw(segment(header), segment(payload), key)


def header_of(token: str) -> dict[str, Any]:
    decoded: dict[str, Any] = json.loads(b64url_decode(token.split(".")[0]))
    return decoded


def refused(
    token: Any,
    keys: dict[str, VerificationKey] | None = None,
    *,
    now: float = NOW,
    **kwargs: Any,
) -> InvalidToken:
    """The error for ``token``: an InvalidToken whose message is a fixed reason."""
    with pytest.raises(InvalidToken) as caught:
        verify(token, POOL_KEYS if keys is None else keys, now=now, **kwargs)
    error = caught.value
    # The message is one of the fixed reasons, so it cannot quote the token.
    assert error.args == (error.reason.value,)
    assert isinstance(error.reason, Reason)
    return error


# --- round trip ------------------------------------------------------------------------------


def test_sign_verify_round_trip() -> None:
    assert verify(TOKEN, POOL_KEYS, now=NOW) == CLAIMS


def test_sign_header_is_kid_and_alg_only_like_cognito() -> None:
    """Cognito's header is ``{"kid": …, "alg": "RS256"}`` (spec §7.1)."""
    assert list(header_of(TOKEN).items()) == [("kid", KEY.kid), ("alg", "RS256")]


def test_sign_extra_headers_are_added() -> None:
    token = sign(KEY, CLAIMS, {"typ": "JWT"})
    assert header_of(token) == {"kid": KEY.kid, "alg": "RS256", "typ": "JWT"}
    assert verify(token, POOL_KEYS, now=NOW) == CLAIMS


@pytest.mark.parametrize("name", ["alg", "kid"])
def test_sign_extra_headers_cannot_replace_alg_or_kid(name: str) -> None:
    with pytest.raises(ValueError, match="alg or kid"):
        sign(KEY, CLAIMS, {name: "none"})


def test_sign_refuses_nan() -> None:
    with pytest.raises(ValueError):
        sign(KEY, {**CLAIMS, "exp": float("nan")})


def test_verify_accepts_public_keys_rebuilt_from_the_jwks() -> None:
    """A verifier that only has the JWKS document (as SDKs do) accepts our tokens."""
    rebuilt: dict[str, VerificationKey] = {}
    for jwk in jwks([KEY, SECOND_KEY])["keys"]:
        numbers = rsa.RSAPublicNumbers(
            int.from_bytes(b64url_decode(jwk["e"]), "big"),
            int.from_bytes(b64url_decode(jwk["n"]), "big"),
        )
        rebuilt[jwk["kid"]] = numbers.public_key()
    assert verify(TOKEN, rebuilt, now=NOW) == CLAIMS
    assert verify(sign(SECOND_KEY, CLAIMS), rebuilt, now=NOW) == CLAIMS


def test_verify_accepts_every_key_of_the_pool() -> None:
    token = sign(SECOND_KEY, CLAIMS)
    assert header_of(token)["kid"] == SECOND_KEY.kid
    assert verify(token, POOL_KEYS, now=NOW) == CLAIMS


def test_verify_lifetime_boundaries() -> None:
    """Valid from iat to just before exp (RFC 7519 §4.1.4: "on or after" exp is expired)."""
    exp = CLAIMS["exp"]
    assert verify(TOKEN, POOL_KEYS, now=exp - 0.001) == CLAIMS
    assert refused(TOKEN, now=exp).reason is Reason.EXPIRED
    assert verify(TOKEN, POOL_KEYS, now=exp, leeway=1) == CLAIMS
    assert refused(TOKEN, now=exp + 1, leeway=1).reason is Reason.EXPIRED


def test_verify_refuses_negative_leeway() -> None:
    with pytest.raises(ValueError, match="leeway"):
        verify(TOKEN, POOL_KEYS, now=NOW, leeway=-1)


def test_verify_accepts_our_largest_access_token() -> None:
    """100 groups (spec §5.1) with 128-character names (model max), all 4-byte UTF-8 characters."""
    groups = [chr(0x1F600 + i) * 128 for i in range(100)]
    claims = {**CLAIMS, "cognito:groups": groups, "username": "\U0001f9d1" * 128}
    token = sign(KEY, claims)
    assert 70_000 < len(token) < MAX_TOKEN_LENGTH * 0.6
    assert verify(token, POOL_KEYS, now=NOW) == claims


# --- the attack suite ----------------------------------------------------------------------

HEADER_B64, PAYLOAD_B64, SIGNATURE_B64 = TOKEN.split(".")
PUBLIC = public_key(KEY)
PUBLIC_KEY_SECRETS = {
    "spki-pem": PUBLIC.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ),
    "pkcs1-pem": PUBLIC.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.PKCS1),
    "spki-der": PUBLIC.public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    ),
    "jwk-json": json.dumps(public_jwk(KEY)).encode(),
    "jwks-json": json.dumps(jwks([KEY])).encode(),
    "n": b64url_decode(public_jwk(KEY)["n"]),
}


@pytest.mark.parametrize("alg", ["none", "None", "NONE", "nOnE", ""])
@pytest.mark.parametrize("signature", ["", SIGNATURE_B64], ids=["unsigned", "old-signature"])
def test_verify_refuses_alg_none(alg: str, signature: str) -> None:
    """RFC 8725 §2.1: an unsecured JWT must never be accepted where a signature is expected."""
    token = f"{segment({'kid': KEY.kid, 'alg': alg})}.{PAYLOAD_B64}.{signature}"
    assert refused(token).reason in {Reason.ALGORITHM, Reason.MALFORMED}


def test_verify_refuses_alg_none_without_a_signature_segment() -> None:
    refused(f"{segment({'alg': 'none'})}.{PAYLOAD_B64}")
    refused(f"{segment({'alg': 'none'})}.{PAYLOAD_B64}.")


@pytest.mark.parametrize("secret", sorted(PUBLIC_KEY_SECRETS))
@pytest.mark.parametrize("alg", ["HS256", "HS384", "HS512"])
def test_verify_refuses_hmac_with_the_public_key_as_secret(secret: str, alg: str) -> None:
    """RFC 8725 §2.2: the "algorithm swap" — HMAC keyed with the (public) RSA key."""
    digest = {"HS256": hashlib.sha256, "HS384": hashlib.sha384, "HS512": hashlib.sha512}[alg]
    signing_input = f"{segment({'kid': KEY.kid, 'alg': alg})}.{PAYLOAD_B64}"
    mac = hmac.new(PUBLIC_KEY_SECRETS[secret], signing_input.encode(), digest).digest()
    assert refused(f"{signing_input}.{b64url(mac)}").reason is Reason.ALGORITHM


@pytest.mark.parametrize(
    ("alg", "hash_algorithm"),
    [("RS512", hashes.SHA512()), ("RS384", hashes.SHA384()), ("rs256", hashes.SHA256())],
)
def test_verify_refuses_other_rsa_algorithms(
    alg: str, hash_algorithm: hashes.HashAlgorithm
) -> None:
    """Correctly signed with the pool's own key, but not RS256: refused all the same."""
    signing_input = f"{segment({'kid': KEY.kid, 'alg': alg})}.{PAYLOAD_B64}"
    token = f"{signing_input}.{rs_sign(KEY, signing_input, hash_algorithm)}"
    assert refused(token).reason is Reason.ALGORITHM


def test_verify_refuses_pss() -> None:
    signing_input = f"{segment({'kid': KEY.kid, 'alg': 'PS256'})}.{PAYLOAD_B64}"
    signature = private_key(KEY.private_pem).sign(
        signing_input.encode(),
        padding.PSS(padding.MGF1(hashes.SHA256()), padding.PSS.DIGEST_LENGTH),
        hashes.SHA256(),
    )
    assert refused(f"{signing_input}.{b64url(signature)}").reason is Reason.ALGORITHM


@pytest.mark.parametrize(
    "header",
    [{"kid": KEY.kid}, {"kid": KEY.kid, "alg": None}, {"kid": KEY.kid, "alg": ["RS256"]}],
    ids=["missing", "null", "list"],
)
def test_verify_refuses_missing_or_non_string_alg(header: dict[str, Any]) -> None:
    assert refused(signed(header, CLAIMS)).reason is Reason.ALGORITHM


@pytest.mark.parametrize(
    "header",
    [
        {"alg": "RS256"},
        {"alg": "RS256", "kid": None},
        {"alg": "RS256", "kid": 1},
        {"alg": "RS256", "kid": [KEY.kid]},
        {"alg": "RS256", "kid": "unknown"},
        {"alg": "RS256", "kid": KEY.kid.upper()},
        {"alg": "RS256", "kid": KEY.kid + " "},
    ],
    ids=["missing", "null", "int", "list", "unknown", "case", "padded"],
)
def test_verify_refuses_missing_or_unknown_kid(header: dict[str, Any]) -> None:
    assert refused(signed(header, CLAIMS)).reason is Reason.UNKNOWN_KEY


def test_verify_refuses_a_token_from_another_pool() -> None:
    """Validly signed by another pool's key, whose kid is not in this pool's key set."""
    token = sign(OTHER_POOL_KEY, CLAIMS)
    assert verify(token, {OTHER_POOL_KEY.kid: OTHER_POOL_KEY}, now=NOW) == CLAIMS
    assert refused(token).reason is Reason.UNKNOWN_KEY


def test_verify_refuses_another_pools_key_under_our_kid() -> None:
    token = signed({"kid": KEY.kid, "alg": "RS256"}, CLAIMS, key=OTHER_POOL_KEY)
    assert refused(token).reason is Reason.SIGNATURE


def test_verify_refuses_the_other_key_of_the_same_pool_under_the_wrong_kid() -> None:
    token = signed({"kid": KEY.kid, "alg": "RS256"}, CLAIMS, key=SECOND_KEY)
    assert refused(token).reason is Reason.SIGNATURE


def test_verify_ignores_keys_embedded_in_the_header() -> None:
    """RFC 8725 §3.10: ``jwk``/``jku``/``x5u`` must not choose the key."""
    attacker = OTHER_POOL_KEY
    header = {
        "kid": attacker.kid,
        "alg": "RS256",
        "jwk": public_jwk(attacker),
        "jku": "https://attacker.example/jwks.json",
    }
    assert refused(signed(header, CLAIMS, key=attacker)).reason is Reason.UNKNOWN_KEY
    header["kid"] = KEY.kid
    assert refused(signed(header, CLAIMS, key=attacker)).reason is Reason.SIGNATURE


def test_verify_refuses_critical_extensions() -> None:
    """RFC 7515 §4.1.11: unknown ``crit`` extensions must be refused (e.g. RFC 7797 ``b64``)."""
    header = {"kid": KEY.kid, "alg": "RS256", "b64": False, "crit": ["b64"]}
    assert refused(signed(header, CLAIMS)).reason is Reason.UNSUPPORTED_HEADER


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"exp": int(NOW)}, Reason.EXPIRED),
        ({"exp": int(NOW) - 1}, Reason.EXPIRED),
        ({"exp": None}, Reason.MISSING_EXPIRY),
        ({"exp": str(int(NOW) + HOUR)}, Reason.MISSING_EXPIRY),
        ({"exp": True}, Reason.MISSING_EXPIRY),
        ({"exp": [int(NOW) + HOUR]}, Reason.MISSING_EXPIRY),
        ({"exp": 10**400}, Reason.MISSING_EXPIRY),
        ({"iat": int(NOW) + 1}, Reason.NOT_YET_VALID),
        ({"nbf": int(NOW) + 1}, Reason.NOT_YET_VALID),
        ({"iat": "now"}, Reason.BAD_TIME),
        ({"nbf": None}, Reason.BAD_TIME),
        ({"iat": -(10**400)}, Reason.BAD_TIME),
    ],
)
def test_verify_refuses_bad_times(changes: dict[str, Any], reason: Reason) -> None:
    claims = {**CLAIMS, **changes}
    assert refused(sign(KEY, claims)).reason is reason


def test_verify_refuses_missing_exp() -> None:
    claims = {name: value for name, value in CLAIMS.items() if name != "exp"}
    assert refused(sign(KEY, claims)).reason is Reason.MISSING_EXPIRY


@pytest.mark.parametrize("literal", ["NaN", "Infinity", "-Infinity", "1e400"])
def test_verify_refuses_non_finite_exp(literal: str) -> None:
    payload = b64url(f'{{"sub":"a","exp":{literal}}}'.encode())
    assert refused(signed_raw(HEADER_B64, payload)).reason in {
        Reason.MALFORMED,
        Reason.MISSING_EXPIRY,
    }


def test_verify_leeway_admits_small_clock_skew() -> None:
    token = sign(KEY, {**CLAIMS, "iat": int(NOW) + 5, "nbf": int(NOW) + 5})
    assert refused(token).reason is Reason.NOT_YET_VALID
    assert verify(token, POOL_KEYS, now=NOW, leeway=5)["iat"] == int(NOW) + 5


def test_verify_refuses_a_tampered_payload() -> None:
    forged = b64url(json.dumps({**CLAIMS, "username": "admin"}).encode())
    assert refused(f"{HEADER_B64}.{forged}.{SIGNATURE_B64}").reason is Reason.SIGNATURE


def test_verify_refuses_a_tampered_header() -> None:
    forged = segment({"kid": KEY.kid, "alg": "RS256", "typ": "JWT"})
    assert refused(f"{forged}.{PAYLOAD_B64}.{SIGNATURE_B64}").reason is Reason.SIGNATURE


def test_verify_refuses_a_tampered_signature() -> None:
    signature = bytearray(b64url_decode(SIGNATURE_B64))
    signature[100] ^= 1
    token = f"{HEADER_B64}.{PAYLOAD_B64}.{b64url(bytes(signature))}"
    assert refused(token).reason is Reason.SIGNATURE


def test_verify_refuses_a_signature_from_another_token() -> None:
    other = sign(KEY, {**CLAIMS, "username": "admin"})
    forged = ".".join([*other.split(".")[:2], SIGNATURE_B64])
    assert refused(forged).reason is Reason.SIGNATURE


def test_verify_refuses_a_non_canonical_base64_spelling() -> None:
    """342 characters carry 256 bytes; the last one has 4 unused bits that must be zero."""
    last = SIGNATURE_B64[-1]
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    twin = alphabet[alphabet.index(last) ^ 1]
    token = f"{HEADER_B64}.{PAYLOAD_B64}.{SIGNATURE_B64[:-1]}{twin}"
    assert b64url_decode(token.split(".")[2]) == b64url_decode(SIGNATURE_B64)
    assert refused(token).reason is Reason.MALFORMED


@pytest.mark.parametrize(
    "token",
    [
        "",
        ".",
        "..",
        "...",
        TOKEN[:-1],
        TOKEN[: len(TOKEN) // 2],
        f"{HEADER_B64}.{PAYLOAD_B64}",
        f"{HEADER_B64}.{PAYLOAD_B64}.",
        f"{TOKEN}.",
        f".{TOKEN}",
        f"{TOKEN}.{SIGNATURE_B64}",
        f"{HEADER_B64}..{SIGNATURE_B64}",
        f"{HEADER_B64}=.{PAYLOAD_B64}.{SIGNATURE_B64}",
        f"{HEADER_B64}.{PAYLOAD_B64}.{SIGNATURE_B64}==",
        TOKEN.replace("-", "+").replace("_", "/")
        if ("-" in TOKEN or "_" in TOKEN)
        else TOKEN + "+",
        f" {TOKEN}",
        f"{TOKEN}\n",
        TOKEN.replace(".", ". "),
        "eyJhbGciOiJSUzI1NiJ9",
        "not a token",
        "ﾟ.ﾟ.ﾟ",
    ],
)
def test_verify_refuses_malformed_and_truncated_tokens(token: str) -> None:
    assert refused(token).reason in {Reason.MALFORMED, Reason.SIGNATURE}


@pytest.mark.parametrize("token", [None, b"a.b.c", 42, ["a", "b", "c"]])
def test_verify_refuses_non_strings(token: Any) -> None:
    assert refused(token).reason is Reason.MALFORMED


@pytest.mark.parametrize(
    "payload",
    [
        b"[1, 2]",
        b'"claims"',
        b"null",
        b"42",
        b"",
        b"{",
        b"\xff\xfe{}",
        b'\xef\xbb\xbf{"exp": 9999999999}',
        b'{"exp": 9999999999, "sub": "a", "sub": "admin"}',
        b'{"exp": 9999999999, "x": {"a": 1, "a": 2}}',
        b'{"exp": 9999999999, "x": ' + b"1" * 5000 + b"}",
        b'{"exp": 9999999999, "x": ' + b"[" * 5000 + b"]" * 5000 + b"}",
    ],
    ids=[
        "array",
        "string",
        "null",
        "number",
        "empty",
        "truncated",
        "not-utf8",
        "bom",
        "duplicate",
        "nested-duplicate",
        "huge-int",
        "deep",
    ],
)
def test_verify_refuses_a_validly_signed_payload_that_is_not_a_json_object(payload: bytes) -> None:
    """The signature is good; the payload alone is refused, strictly."""
    if payload:
        assert refused(signed_raw(HEADER_B64, b64url(payload))).reason is Reason.MALFORMED
    else:
        refused(signed_raw(HEADER_B64, ""))


@pytest.mark.parametrize(
    "header",
    [
        b"[]",
        b'{"kid": "%s", "alg": "none", "alg": "RS256"}',
        b'{"kid": "%s", "alg": "RS256", "kid": "other"}',
        b'{"kid": "%s", "alg": "RS256", "x": ' + b"[" * 5000 + b"]" * 5000 + b"}",
        b'{"kid": "%s", "alg": "RS256"',
    ],
    ids=["array", "duplicate-alg", "duplicate-kid", "deep", "truncated"],
)
def test_verify_refuses_a_bad_header(header: bytes) -> None:
    raw = header.replace(b"%s", KEY.kid.encode())
    assert refused(signed_raw(b64url(raw), PAYLOAD_B64)).reason is Reason.MALFORMED


def test_verify_refuses_an_oversize_token() -> None:
    padding_claim = "x" * MAX_TOKEN_LENGTH
    token = sign(KEY, {**CLAIMS, "pad": padding_claim})
    assert refused(token).reason is Reason.TOO_LONG
    assert refused("a" * (MAX_TOKEN_LENGTH + 1)).reason is Reason.TOO_LONG
    assert verify(token, POOL_KEYS, now=NOW, max_length=len(token))["pad"] == padding_claim


def test_verify_refuses_everything_with_an_empty_key_set() -> None:
    assert refused(TOKEN, keys={}).reason is Reason.UNKNOWN_KEY


# --- never anything but InvalidToken -------------------------------------------------------

JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.integers(min_value=-(10**500), max_value=10**500)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=10,
)
TIME_CLAIMS = st.sampled_from(["exp", "iat", "nbf"])
BASE64URL_TEXT = st.text(
    alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.=+/ ",
    max_size=400,
)


@given(st.text(max_size=2000))
def test_verify_arbitrary_text_raises_only_invalid_token(text: str) -> None:
    refused(text)


@given(BASE64URL_TEXT)
def test_verify_arbitrary_token_shaped_text_raises_only_invalid_token(text: str) -> None:
    refused(text)


@given(
    header=st.dictionaries(st.text(max_size=6), JSON_VALUES, max_size=4),
    payload=st.dictionaries(st.text(max_size=6) | TIME_CLAIMS, JSON_VALUES, max_size=6),
    kid=st.sampled_from([KEY.kid, OTHER_POOL_KEY.kid]),
    alg=st.sampled_from(["RS256", "none", "HS256"]) | JSON_VALUES,
)
@settings(suppress_health_check=[HealthCheck.too_slow])
def test_verify_signed_arbitrary_json_returns_claims_or_invalid_token(
    header: dict[str, Any], payload: dict[str, Any], kid: str, alg: Any
) -> None:
    """Validly signed headers and payloads of any JSON: claims back, or InvalidToken only."""
    token = signed_raw(
        b64url(json.dumps({**header, "kid": kid, "alg": alg}).encode()),
        b64url(json.dumps(payload).encode()),
    )
    try:
        claims = verify(token, POOL_KEYS, now=NOW)
    except InvalidToken:
        return
    assert claims == payload


MUTATIONS = st.one_of(
    st.tuples(st.just("replace"), st.integers(0, len(TOKEN) - 1), st.characters()),
    st.tuples(st.just("insert"), st.integers(0, len(TOKEN)), st.characters()),
    st.tuples(st.just("delete"), st.integers(0, len(TOKEN) - 1), st.just("")),
)


def mutate(token: str, mutation: tuple[str, int, str]) -> str:
    kind, index, char = mutation
    if kind == "replace":
        return token[:index] + char + token[index + 1 :]
    if kind == "insert":
        return token[:index] + char + token[index:]
    return token[:index] + token[index + 1 :]


@given(st.lists(MUTATIONS, min_size=1, max_size=4))
def test_verify_mutated_tokens_raise_only_invalid_token(
    mutations: list[tuple[str, int, str]],
) -> None:
    """Any change to a valid token's text makes it invalid (base64url is canonical here)."""
    token = TOKEN
    for mutation in mutations:
        token = mutate(token, mutation)
    if token == TOKEN:
        assert verify(token, POOL_KEYS, now=NOW) == CLAIMS
    else:
        refused(token)


@given(st.permutations(range(3)), st.sampled_from([TOKEN, sign(SECOND_KEY, CLAIMS)]))
def test_verify_shuffled_segments_raise_only_invalid_token(order: list[int], other: str) -> None:
    parts = TOKEN.split(".")
    mixed = ".".join(parts[i] if i != 1 else other.split(".")[i] for i in order)
    if mixed == TOKEN:
        return
    refused(mixed)


# --- interop with an independent library (joserfc) -----------------------------------------


def test_joserfc_verifies_our_tokens_with_only_the_jwks() -> None:
    key_set = KeySet.import_key_set(jwks([KEY, SECOND_KEY]))  # type: ignore[arg-type]
    for signer in (KEY, SECOND_KEY):
        decoded = joserfc_jwt.decode(sign(signer, CLAIMS), key_set, algorithms=["RS256"])
        assert decoded.header == {"kid": signer.kid, "alg": "RS256"}
        assert decoded.claims == CLAIMS


def test_joserfc_refuses_our_tokens_with_another_pools_jwks() -> None:
    key_set = KeySet.import_key_set(jwks([OTHER_POOL_KEY]))  # type: ignore[arg-type]
    with pytest.raises((JoseError, ValueError)):
        joserfc_jwt.decode(TOKEN, key_set, algorithms=["RS256"])


def test_verify_accepts_tokens_signed_by_joserfc() -> None:
    foreign_signer = RSAKey.import_key(KEY.private_pem, {"kid": KEY.kid})
    token = joserfc_jwt.encode({"alg": "RS256", "kid": KEY.kid}, CLAIMS, foreign_signer)
    assert verify(token, POOL_KEYS, now=NOW) == CLAIMS
