"""Identifiers: pool ids and subs. Randomness is injectable so tests can fix it."""

from __future__ import annotations

import random
import secrets
import string
import uuid

_POOL_SUFFIX_ALPHABET = string.ascii_letters + string.digits
_CLIENT_ALPHABET = string.ascii_lowercase + string.digits


class Ids:
    def __init__(self, rng: random.Random | None = None) -> None:
        self._rng = rng or secrets.SystemRandom()

    def pool_id(self, region: str) -> str:
        suffix = "".join(self._rng.choice(_POOL_SUFFIX_ALPHABET) for _ in range(9))
        return f"{region}_{suffix}"

    def sub(self) -> str:
        return str(uuid.UUID(int=self._rng.getrandbits(128), version=4))

    def client_id(self) -> str:
        """26 lowercase letters and digits, like AWS's app client ids."""
        return "".join(self._rng.choice(_CLIENT_ALPHABET) for _ in range(26))

    def client_secret(self) -> str:
        """52 lowercase letters and digits, like AWS's generated client secrets."""
        return "".join(self._rng.choice(_CLIENT_ALPHABET) for _ in range(52))

    def client_secret_id(self, client_id: str) -> str:
        """A client secret's id: the client's id and 16 random hexadecimal digits."""
        return f"{client_id}--{self._rng.getrandbits(64):016x}"
