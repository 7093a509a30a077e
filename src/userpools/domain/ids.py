"""Identifiers: pool ids and subs. Randomness is injectable so tests can fix it."""

from __future__ import annotations

import random
import secrets
import string
import uuid

_POOL_SUFFIX_ALPHABET = string.ascii_letters + string.digits


class Ids:
    def __init__(self, rng: random.Random | None = None) -> None:
        self._rng = rng or secrets.SystemRandom()

    def pool_id(self, region: str) -> str:
        suffix = "".join(self._rng.choice(_POOL_SUFFIX_ALPHABET) for _ in range(9))
        return f"{region}_{suffix}"

    def sub(self) -> str:
        return str(uuid.UUID(int=self._rng.getrandbits(128), version=4))
