"""Authenticated encryption of small payloads (AES-256-GCM), for opaque tokens."""

from __future__ import annotations

import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

KEY_BYTES = 32
_NONCE_BYTES = 12


def new_key() -> bytes:
    return os.urandom(KEY_BYTES)


class Sealer:
    """Seals a payload under a key, bound to ``context`` (authenticated, not encrypted)."""

    def __init__(self, key: bytes) -> None:
        self._aead = AESGCM(key)

    def seal(self, payload: bytes, context: bytes) -> bytes:
        nonce = os.urandom(_NONCE_BYTES)
        return nonce + self._aead.encrypt(nonce, payload, context)

    def open(self, sealed: bytes, context: bytes) -> bytes | None:
        """The payload, or ``None`` if forged, altered or sealed for another context."""
        if len(sealed) < _NONCE_BYTES + 16:
            return None
        try:
            return self._aead.decrypt(sealed[:_NONCE_BYTES], sealed[_NONCE_BYTES:], context)
        except InvalidTag:
            return None
