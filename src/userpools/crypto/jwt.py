"""RS256 JWS compact tokens (RFC 7515/7519): signing, and verification that trusts nothing.

Signed tokens carry the header ``{"kid": …, "alg": "RS256"}``, like Cognito's (no ``typ``).

:func:`verify` accepts exactly one algorithm, RS256, and only keys it is handed by ``kid``. It
never reads keys or key locations from the token (``jwk``, ``jku``, ``x5u``, ``x5c`` are ignored)
and rejects any ``crit`` extension. Every failure, for any input, is :class:`InvalidToken` with a
:class:`Reason`; no message ever quotes the token. The order of checks is: size, shape (three
canonical base64url segments), header, key, signature, and only then the payload's JSON and its
times, so an unauthenticated payload never reaches the JSON parser.

Parsing is strict: base64url must be canonical and unpadded, JSON must be UTF-8 objects without
duplicate names, ``NaN`` or ``Infinity``. ``exp`` is required; ``iat`` and ``nbf`` are checked
when present. All three must be finite numbers.
"""

from __future__ import annotations

import base64
import binascii
import json
import math
import re
from collections.abc import Mapping
from enum import StrEnum
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from userpools.crypto.keys import ALGORITHM, SigningKey, b64url, private_key, public_key

#: The longest token :func:`verify` reads: a bound on work, not a format rule. Our own largest
#: access token (a user in 100 groups whose 128-character names are all 4-byte UTF-8 characters,
#: and a 128-character username of the same) is about 72 KiB, so the cap leaves room above that.
MAX_TOKEN_LENGTH = 128 * 1024

_SEGMENT = re.compile(r"[A-Za-z0-9_-]+")
_RESERVED_HEADERS = frozenset({"alg", "kid"})

VerificationKey = rsa.RSAPublicKey | SigningKey


class Reason(StrEnum):
    """Why a token was refused. The values are safe to log: they never include the token."""

    MALFORMED = "token is malformed"
    TOO_LONG = "token is too long"
    ALGORITHM = "token algorithm is not RS256"
    UNSUPPORTED_HEADER = "token header has a critical extension"
    UNKNOWN_KEY = "token key id is unknown"
    SIGNATURE = "token signature does not verify"
    MISSING_EXPIRY = "token has no valid exp claim"
    BAD_TIME = "token has a non-numeric time claim"
    EXPIRED = "token has expired"
    NOT_YET_VALID = "token is not valid yet"


class InvalidToken(Exception):
    """A token that is malformed, forged, for another key, or outside its lifetime."""

    def __init__(self, reason: Reason) -> None:
        super().__init__(reason.value)
        self.reason = reason


def sign(
    key: SigningKey,
    claims: Mapping[str, Any],
    headers: Mapping[str, str] | None = None,
) -> str:
    """``claims`` as an RS256 JWS compact token under ``key``.

    ``headers`` adds header members (``typ``, say); it may not set ``alg`` or ``kid``.
    """
    header: dict[str, str] = {"kid": key.kid, "alg": ALGORITHM}
    if headers:
        if _RESERVED_HEADERS & headers.keys():
            raise ValueError("headers may not set alg or kid")
        header.update(headers)
    signing_input = f"{b64url(_json(header))}.{b64url(_json(claims))}".encode("ascii")
    signature = private_key(key.private_pem).sign(
        signing_input, padding.PKCS1v15(), hashes.SHA256()
    )
    return f"{signing_input.decode('ascii')}.{b64url(signature)}"


def verify(
    token: str,
    keys: Mapping[str, VerificationKey],
    *,
    now: float,
    leeway: float = 0,
    issued_leeway: float = 0,
    max_length: int = MAX_TOKEN_LENGTH,
) -> dict[str, Any]:
    """The claims of ``token`` if it is an RS256 token signed by ``keys[kid]`` and current.

    It is expired when ``now >= exp + leeway``, and not valid yet when ``iat`` or ``nbf`` is
    later than ``now + leeway + issued_leeway`` (``issued_leeway`` forgives the clock of
    another node that issued the token running ahead of ours). Raises :class:`InvalidToken`,
    and nothing else, for any token.
    """
    if leeway < 0 or issued_leeway < 0:
        raise ValueError("leeway must not be negative")
    if not isinstance(token, str):
        raise InvalidToken(Reason.MALFORMED)
    if len(token) > max_length:
        raise InvalidToken(Reason.TOO_LONG)
    parts = token.split(".")
    if len(parts) != 3:
        raise InvalidToken(Reason.MALFORMED)
    header_b64, payload_b64, _ = parts
    header_bytes, payload_bytes, signature = (_decode(part) for part in parts)

    header = _object(header_bytes)
    if header.get("alg") != ALGORITHM:
        raise InvalidToken(Reason.ALGORITHM)
    if "crit" in header:
        raise InvalidToken(Reason.UNSUPPORTED_HEADER)
    kid = header.get("kid")
    key = keys.get(kid) if isinstance(kid, str) else None
    if key is None:
        raise InvalidToken(Reason.UNKNOWN_KEY)

    rsa_key = public_key(key) if isinstance(key, SigningKey) else key
    try:
        rsa_key.verify(
            signature,
            f"{header_b64}.{payload_b64}".encode("ascii"),
            padding.PKCS1v15(),
            hashes.SHA256(),
        )
    except InvalidSignature:
        raise InvalidToken(Reason.SIGNATURE) from None

    claims = _object(payload_bytes)
    _check_times(claims, now=now, leeway=leeway, issued_leeway=issued_leeway)
    return claims


def unverified_kid(token: str) -> str | None:
    """The ``kid`` a token's header names, to choose the key :func:`verify` needs.

    Nothing in the header is trusted by this: it only picks which key to try. ``None`` for
    anything that is not a well-formed compact token header with a string ``kid``.
    """
    if not isinstance(token, str) or len(token) > MAX_TOKEN_LENGTH or token.count(".") != 2:
        return None
    try:
        header = _object(_decode(token.split(".", 1)[0]))
    except InvalidToken:
        return None
    kid = header.get("kid")
    return kid if isinstance(kid, str) else None


def _json(value: Mapping[str, Any]) -> bytes:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False, allow_nan=False).encode()


def _decode(segment: str) -> bytes:
    """Strict base64url: the unpadded alphabet only, and the one canonical spelling of the bytes."""
    if _SEGMENT.fullmatch(segment) is None or len(segment) % 4 == 1:
        raise InvalidToken(Reason.MALFORMED)
    try:
        data = base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))
    except binascii.Error:
        raise InvalidToken(Reason.MALFORMED) from None
    if b64url(data) != segment:  # unused low bits set: another spelling of the same bytes
        raise InvalidToken(Reason.MALFORMED)
    return data


def _unique_names(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) != len(pairs):
        raise ValueError("duplicate member name")
    return result


def _no_constants(name: str) -> None:
    raise ValueError("NaN and Infinity are not JSON")


def _object(data: bytes) -> dict[str, Any]:
    """A JSON object, strictly: UTF-8, unique names, no ``NaN``/``Infinity``."""
    try:
        value = json.loads(
            data.decode("utf-8"),
            object_pairs_hook=_unique_names,
            parse_constant=_no_constants,
        )
    except (ValueError, RecursionError):  # UnicodeDecodeError and JSONDecodeError included
        raise InvalidToken(Reason.MALFORMED) from None
    if not isinstance(value, dict):
        raise InvalidToken(Reason.MALFORMED)
    return value


def _numeric_date(value: object) -> float | None:
    """A NumericDate as a float, or ``None`` if it is not a finite number."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    try:
        number = float(value)
    except OverflowError:
        return None
    return number if math.isfinite(number) else None


def _check_times(
    claims: Mapping[str, Any], *, now: float, leeway: float, issued_leeway: float
) -> None:
    exp = _numeric_date(claims.get("exp"))
    if exp is None:
        raise InvalidToken(Reason.MISSING_EXPIRY)
    for name in ("iat", "nbf"):
        if name in claims:
            moment = _numeric_date(claims[name])
            if moment is None:
                raise InvalidToken(Reason.BAD_TIME)
            if moment > now + leeway + issued_leeway:
                raise InvalidToken(Reason.NOT_YET_VALID)
    if now >= exp + leeway:
        raise InvalidToken(Reason.EXPIRED)
