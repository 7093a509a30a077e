"""The server side of Cognito's SRP-6a: ``USER_SRP_AUTH`` answered by ``PASSWORD_VERIFIER``.

Cognito documents the flow but not its arithmetic; what a compatible server must compute is fixed
by the public clients (pycognito ``aws_srp.py``, Amplify / amazon-cognito-identity-js
``AuthenticationHelper``; reliability.md §1.2 [S23]). In their notation, over the RFC 5054 /
RFC 3526 3072-bit group (``N`` below, ``g = 2``) with ``H`` = SHA-256 and ``PAD`` = the shortest
big-endian bytes of a positive integer whose top bit is clear (one ``00`` byte in front when it
would be set, as Java's ``BigInteger.toByteArray``; *not* RFC 5054's pad-to-length-of-N)::

    k = H(PAD(N) | PAD(g))
    x = H(PAD(salt) | H(poolName | username | ":" | password))    verifier v = g^x mod N
    B = (k*v + g^b) mod N          u = H(PAD(A) | PAD(B))          S = (A * v^u)^b mod N
    key = HKDF-SHA256(ikm = PAD(S), salt = PAD(u), info = "Caldera Derived Key", 16 bytes)
    PASSWORD_CLAIM_SIGNATURE = base64(HMAC-SHA256(key, poolName | username | block | TIMESTAMP))

``poolName`` is the part of the pool id after its ``_`` (:func:`pool_name_of`); ``username`` is
the user's real username, which the server returns as ``USER_ID_FOR_SRP`` and the clients use for
``x`` and the signature instead of what was typed. In a pool whose ``UsernameAttributes`` make
the email the sign-in name, that is the generated username (the ``sub``), so the verifier must be
made with it, not with the email. ``block`` is the decoded ``SECRET_BLOCK``. Strings are UTF-8;
a lone surrogate is kept (``surrogatepass``, as in :mod:`userpools.crypto.passwords`) so such a
name or password simply never matches.

``SALT`` (hex) is read by the clients as an integer, so :attr:`Verifier.salt` is hashed as the
integer its bytes spell. ``SECRET_BLOCK`` is opaque to clients, which echo it back
(``PASSWORD_CLAIM_SECRET_BLOCK``) and sign it: here it is random bytes kept in the
:class:`ServerSession`, which the caller stores with the auth session and must use once only.
``TIMESTAMP`` is ``EEE MMM d HH:mm:ss UTC yyyy`` in English, the day not zero-padded
(``Mon Nov 2 07:05:09 UTC 2026``); Cognito refuses a padded day or a wrong weekday, and so does
:func:`verify`, which also refuses a time more than :data:`MAX_SKEW_SECONDS` from ``now``.

A stored verifier is only as strong as two SHA-256 calls: offline-crackable if it leaks (see
reliability.md §1.2). Python's modular exponentiation is not constant-time; the comparisons are.
Nothing here logs, formats or returns a password, ``x``, ``b``, ``S`` or the key.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import re
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Final

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

#: The 3072-bit MODP prime of RFC 3526 §4 (RFC 5054 Appendix A), as the clients hard-code it.
N_HEX: Final = (
    "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74"
    "020BBEA63B139B22514A08798E3404DDEF9519B3CD3A431B302B0A6DF25F1437"
    "4FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED"
    "EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3DC2007CB8A163BF05"
    "98DA48361C55D39A69163FA8FD24CF5F83655D23DCA3AD961C62F356208552BB"
    "9ED529077096966D670C354E4ABC9804F1746C08CA18217C32905E462E36CE3B"
    "E39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9DE2BCBF695581718"
    "3995497CEA956AE515D2261898FA051015728E5A8AAAC42DAD33170D04507A33"
    "A85521ABDF1CBA64ECFB850458DBEF0A8AEA71575D060C7DB3970F85A6E1E4C7"
    "ABF5AE8CDB0933D71E8C94E04A25619DCEE3D2261AD2EE6BF12FFA06D98A0864"
    "D87602733EC86A64521F2B18177B200CBBE117577A615D6C770988C0BAD946E2"
    "08E24FA074E5AB3143DB5BFCE0FD108E4B82D120A93AD2CAFFFFFFFFFFFFFFFF"
)
N: Final = int(N_HEX, 16)
G: Final = 2

SALT_BYTES: Final = 16
SECRET_BLOCK_BYTES: Final = 48
#: The server's private ``b``: 256 bits, RFC 5054 §2.5.4's minimum.
PRIVATE_BYTES: Final = 32
KEY_BYTES: Final = 16
HKDF_INFO: Final = b"Caldera Derived Key"
#: How far ``TIMESTAMP`` may be from the server's clock. Cognito does not document its own; five
#: minutes is the SigV4 window, and the auth session (3-15 minutes) bounds the exchange anyway.
MAX_SKEW_SECONDS: Final = 300.0

_SERIAL_VERSION = 1
#: An ``SRP_A`` is below N, so 768 hex digits; leading zeros are tolerated up to this length.
_MAX_A_HEX = 1024
#: Draws of ``b`` before the random source is declared broken (a good one needs one).
_MAX_DRAWS = 8
_HEX = re.compile(r"[0-9a-fA-F]+")
_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_TIMESTAMP = re.compile(
    r"(?P<weekday>[A-Z][a-z]{2}) (?P<month>[A-Z][a-z]{2}) (?P<day>[1-9]|[12][0-9]|3[01]) "
    r"(?P<hour>[01][0-9]|2[0-3]):(?P<minute>[0-5][0-9]):(?P<second>[0-5][0-9]) UTC "
    r"(?P<year>[0-9]{4})"
)

RandomBytes = Callable[[int], bytes]


class SrpError(ValueError):
    """An unusable ``SRP_A``, salt or stored SRP value. The message never carries a secret."""


def _pad(value: int) -> bytes:
    """The clients' ``padHex``: big-endian, shortest, with a ``00`` byte if the top bit is set."""
    return value.to_bytes(value.bit_length() // 8 + 1, "big")


def _hash_int(data: bytes) -> int:
    return int.from_bytes(hashlib.sha256(data).digest(), "big")


def _utf8(text: str) -> bytes:
    return text.encode("utf-8", "surrogatepass")


K: Final = _hash_int(_pad(N) + _pad(G))


def pool_name_of(pool_id: str) -> str:
    """The ``poolName`` the clients hash: the pool id's second ``_``-separated part."""
    parts = pool_id.split("_")
    if len(parts) < 2 or not parts[1]:
        raise SrpError("a user pool id has the form <region>_<name>")
    return parts[1]


@dataclass(frozen=True)
class Verifier:
    """What the store keeps for SRP beside the Argon2id hash: salt and ``v = g^x mod N``.

    ``verifier`` stays out of ``repr``: it is a password-equivalent for offline guessing.
    """

    salt: bytes
    verifier: int = field(repr=False)

    @property
    def salt_hex(self) -> str:
        """``SALT`` as sent to the client: the salt's integer in hex, without leading zeros."""
        return f"{int.from_bytes(self.salt, 'big'):x}"

    def to_json(self) -> str:
        return json.dumps(
            {"v": _SERIAL_VERSION, "salt": self.salt.hex(), "verifier": f"{self.verifier:x}"},
            separators=(",", ":"),
        )

    @classmethod
    def from_json(cls, text: str | bytes) -> Verifier:
        """A verifier stored by :meth:`to_json`; :class:`SrpError` if it is not one."""
        data = _load_object(text, "verifier")
        return _checked_verifier(
            _hex_bytes(data.get("salt"), "verifier"), _hex_int(data.get("verifier"), "verifier")
        )


def make_verifier(
    pool_name: str, username: str, password: str, salt: bytes | None = None
) -> Verifier:
    """The verifier for ``password``; ``username`` is the real username (``USER_ID_FOR_SRP``)."""
    if salt is None:
        salt = secrets.token_bytes(SALT_BYTES)
    if not salt:
        raise SrpError("the SRP salt must not be empty")
    identity = hashlib.sha256(_utf8(pool_name) + _utf8(username) + b":" + _utf8(password))
    x = _hash_int(_pad(int.from_bytes(salt, "big")) + identity.digest())
    return Verifier(salt=salt, verifier=pow(G, x, N))


@dataclass(frozen=True)
class ServerSession:
    """The server's half of one exchange, from ``InitiateAuth`` to ``RespondToAuthChallenge``.

    Store it (:meth:`to_json`) with the auth session and load it (:meth:`from_json`) on whichever
    node receives the answer. Holds the private ``b``: kept out of ``repr``, and to be deleted
    after one :func:`verify`, successful or not.
    """

    salt: bytes
    verifier: int = field(repr=False)
    big_a: int = field(repr=False)
    small_b: int = field(repr=False)
    big_b: int = field(repr=False)
    secret_block: bytes = field(repr=False)

    @property
    def salt_hex(self) -> str:
        return f"{int.from_bytes(self.salt, 'big'):x}"

    @property
    def srp_b_hex(self) -> str:
        return f"{self.big_b:x}"

    @property
    def secret_block_b64(self) -> str:
        return base64.b64encode(self.secret_block).decode("ascii")

    def challenge_parameters(self, user_id_for_srp: str) -> dict[str, str]:
        """``ChallengeParameters`` of the ``PASSWORD_VERIFIER`` challenge.

        Cognito sends the real username as both ``USERNAME`` and ``USER_ID_FOR_SRP``.
        """
        return {
            "SALT": self.salt_hex,
            "SECRET_BLOCK": self.secret_block_b64,
            "SRP_B": self.srp_b_hex,
            "USERNAME": user_id_for_srp,
            "USER_ID_FOR_SRP": user_id_for_srp,
        }

    def to_json(self) -> str:
        return json.dumps(
            {
                "v": _SERIAL_VERSION,
                "salt": self.salt.hex(),
                "verifier": f"{self.verifier:x}",
                "A": f"{self.big_a:x}",
                "b": f"{self.small_b:x}",
                "B": f"{self.big_b:x}",
                "secret_block": self.secret_block.hex(),
            },
            separators=(",", ":"),
        )

    @classmethod
    def from_json(cls, text: str | bytes) -> ServerSession:
        """A session stored by :meth:`to_json`; :class:`SrpError` if it is not one."""
        data = _load_object(text, "session")
        verifier = _checked_verifier(
            _hex_bytes(data.get("salt"), "session"), _hex_int(data.get("verifier"), "session")
        )
        big_a = _hex_int(data.get("A"), "session")
        small_b = _hex_int(data.get("b"), "session")
        big_b = _hex_int(data.get("B"), "session")
        secret_block = _hex_bytes(data.get("secret_block"), "session")
        if not (0 < big_a < N and 0 < small_b < N and 0 < big_b < N and secret_block):
            raise SrpError("stored SRP session is malformed")
        return cls(
            salt=verifier.salt,
            verifier=verifier.verifier,
            big_a=big_a,
            small_b=small_b,
            big_b=big_b,
            secret_block=secret_block,
        )


def start(
    verifier: Verifier, srp_a_hex: str, random_bytes: RandomBytes = secrets.token_bytes
) -> ServerSession:
    """The server's reply to ``SRP_A``; :class:`SrpError` if ``SRP_A`` is unusable.

    ``SRP_A`` must be hex digits only (no sign, ``0x`` or spaces) for a value ``0 < A < N``, which
    honest clients always send; this refuses ``A ≡ 0 (mod N)``, RFC 5054 §2.5.4's check, and any
    unreduced ``A`` with it.
    """
    if len(srp_a_hex) > _MAX_A_HEX or not _HEX.fullmatch(srp_a_hex):
        raise SrpError("SRP_A must be a hexadecimal number")
    big_a = int(srp_a_hex, 16)
    if not 0 < big_a < N:
        raise SrpError("SRP_A must be between 0 and N, exclusive")
    if not 0 < verifier.verifier < N:
        raise SrpError("stored SRP verifier is malformed")
    for _ in range(_MAX_DRAWS):
        small_b = int.from_bytes(random_bytes(PRIVATE_BYTES), "big") % N
        big_b = (K * verifier.verifier + pow(G, small_b, N)) % N
        # The clients refuse B ≡ 0 and u = 0; both are 2^-256 events, redrawn rather than sent.
        if small_b and big_b and _scrambler(big_a, big_b):
            break
    else:
        raise RuntimeError("the random source keeps returning unusable values")
    return ServerSession(
        salt=verifier.salt,
        verifier=verifier.verifier,
        big_a=big_a,
        small_b=small_b,
        big_b=big_b,
        secret_block=random_bytes(SECRET_BLOCK_BYTES),
    )


def verify(
    session: ServerSession,
    pool_name: str,
    username: str,
    secret_block_b64: str,
    timestamp: str,
    signature_b64: str,
    *,
    now: float,
    max_skew: float | None = MAX_SKEW_SECONDS,
) -> bool:
    """Whether ``PASSWORD_CLAIM_SIGNATURE`` proves the password behind ``session``'s verifier.

    ``username`` is the ``USER_ID_FOR_SRP`` that was sent, ``secret_block_b64``, ``timestamp`` and
    ``signature_b64`` are ``PASSWORD_CLAIM_SECRET_BLOCK``, ``TIMESTAMP`` and
    ``PASSWORD_CLAIM_SIGNATURE`` as received; ``now`` is POSIX seconds. False for a wrong
    password or name, another session's block, a malformed or skewed timestamp (``max_skew=None``
    checks the form only) or a malformed signature; never raises for what a client sends.
    """
    block = _b64decode(secret_block_b64)
    signature = _b64decode(signature_b64)
    moment = parse_timestamp(timestamp)
    if block is None or signature is None or moment is None:
        return False
    if max_skew is not None and abs(now - moment) > max_skew:
        return False
    block_matches = hmac.compare_digest(block, session.secret_block)
    expected = hmac.new(
        _session_key(session),
        _utf8(pool_name) + _utf8(username) + session.secret_block + timestamp.encode("ascii"),
        hashlib.sha256,
    ).digest()
    return hmac.compare_digest(expected, signature) & block_matches


def format_timestamp(when: float) -> str:
    """``when`` (POSIX seconds) as clients write ``TIMESTAMP``: ``Mon Nov 2 07:05:09 UTC 2026``."""
    moment = datetime.fromtimestamp(when, UTC)
    return (
        f"{_WEEKDAYS[moment.weekday()]} {_MONTHS[moment.month - 1]} {moment.day} "
        f"{moment:%H:%M:%S} UTC {moment.year:04d}"
    )


def parse_timestamp(text: str) -> float | None:
    """POSIX seconds of a client ``TIMESTAMP``, or ``None`` unless it is exactly that format.

    Refused: a zero-padded day, a weekday that is not the date's, an impossible date, any other
    spelling, spacing or zone.
    """
    match = _TIMESTAMP.fullmatch(text)
    if match is None or match["month"] not in _MONTHS:
        return None
    try:
        moment = datetime(
            int(match["year"]),
            _MONTHS.index(match["month"]) + 1,
            int(match["day"]),
            int(match["hour"]),
            int(match["minute"]),
            int(match["second"]),
            tzinfo=UTC,
        )
    except ValueError:  # 31 April, 29 February of a common year, year 0
        return None
    if _WEEKDAYS[moment.weekday()] != match["weekday"]:
        return None
    return moment.timestamp()


def _scrambler(big_a: int, big_b: int) -> int:
    return _hash_int(_pad(big_a) + _pad(big_b))


def _session_key(session: ServerSession) -> bytes:
    u = _scrambler(session.big_a, session.big_b)
    shared = pow(session.big_a * pow(session.verifier, u, N), session.small_b, N)
    hkdf = HKDF(algorithm=hashes.SHA256(), length=KEY_BYTES, salt=_pad(u), info=HKDF_INFO)
    return hkdf.derive(_pad(shared))


def _b64decode(text: str) -> bytes | None:
    try:
        return base64.b64decode(text.encode("ascii"), validate=True)
    except (UnicodeEncodeError, binascii.Error):
        return None


def _load_object(text: str | bytes, what: str) -> Mapping[str, Any]:
    try:
        data = json.loads(text)
    except (ValueError, TypeError):
        raise SrpError(f"stored SRP {what} is not JSON") from None
    if not isinstance(data, dict) or data.get("v") != _SERIAL_VERSION:
        raise SrpError(f"stored SRP {what} has an unknown format")
    return data


def _hex_int(value: object, what: str) -> int:
    if not isinstance(value, str) or not _HEX.fullmatch(value):
        raise SrpError(f"stored SRP {what} is malformed")
    return int(value, 16)


def _hex_bytes(value: object, what: str) -> bytes:
    if not isinstance(value, str) or len(value) % 2 or not _HEX.fullmatch(value):
        raise SrpError(f"stored SRP {what} is malformed")
    return bytes.fromhex(value)


def _checked_verifier(salt: bytes, verifier: int) -> Verifier:
    if not salt or not 0 < verifier < N:
        raise SrpError("stored SRP verifier is malformed")
    return Verifier(salt=salt, verifier=verifier)
