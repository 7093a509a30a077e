"""Time-based one-time passwords, RFC 6238 as authenticator apps use them: HMAC-SHA-1,
6 digits, 30-second steps, and a code of the step before or after accepted for clock skew.

Secrets are base32 without padding, as AssociateSoftwareToken returns them: 32 characters
(20 random bytes, RFC 4226 §4's recommended length). :func:`match` says which time step a
code belongs to, so the caller can refuse a step it has already accepted (RFC 6238 §5.2: the
verifier must not accept the second use of a code).
"""

from __future__ import annotations

import base64
import hmac
import os
import struct

STEP_SECONDS = 30
DIGITS = 6
#: Steps of skew accepted either side of the current one.
WINDOW = 1
SECRET_BYTES = 20


def new_secret() -> str:
    """A fresh base32 secret (32 characters)."""
    return base64.b32encode(os.urandom(SECRET_BYTES)).decode("ascii").rstrip("=")


def _key(secret: str) -> bytes:
    text = secret.strip().replace(" ", "").upper()
    return base64.b32decode(text + "=" * (-len(text) % 8))


def step_of(now: float) -> int:
    return int(now // STEP_SECONDS)


def hotp(key: bytes, counter: int, digits: int = DIGITS, digest: str = "sha1") -> str:
    """RFC 4226's HOTP: the dynamic truncation of HMAC(key, counter)."""
    mac = hmac.new(key, struct.pack(">Q", counter), digest).digest()
    offset = mac[-1] & 0x0F
    value = struct.unpack(">I", mac[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{value % 10**digits:0{digits}d}"


def code_at(secret: str, now: float) -> str:
    """The code an authenticator app shows at ``now``."""
    return hotp(_key(secret), step_of(now))


def match(secret: str, code: str, now: float) -> int | None:
    """The time step (within ±:data:`WINDOW` of ``now``'s) whose code is ``code``, or
    ``None``. Every candidate is compared in constant time."""
    if len(code) != DIGITS or not code.isascii() or not code.isdigit():
        return None
    key = _key(secret)
    current = step_of(now)
    found = None
    for step in range(current - WINDOW, current + WINDOW + 1):
        if hmac.compare_digest(hotp(key, step).encode(), code.encode()) and found is None:
            found = step
    return found


__all__ = ["DIGITS", "STEP_SECONDS", "WINDOW", "code_at", "hotp", "match", "new_secret"]
