"""Password hashing with Argon2id (argon2-cffi).

The default cost is OWASP's recommended Argon2id setting: m = 19 MiB, t = 2, p = 1 (about 100 ms
per hash on a small VM, see reliability.md E9). Stored hashes are PHC strings that carry their own
parameters and salt, so a cost change only needs :meth:`PasswordHasher.needs_rehash` after the next
successful sign-in. Nothing here logs, returns or formats a password.
"""

from __future__ import annotations

import secrets

import argon2
from argon2.exceptions import InvalidHashError, VerificationError

OWASP_TIME_COST = 2
OWASP_MEMORY_COST_KIB = 19 * 1024
OWASP_PARALLELISM = 1
HASH_LENGTH = 32
SALT_LENGTH = 16

# The smallest cost Argon2 accepts (memory must be at least 8 KiB per lane): for tests only.
_TEST_TIME_COST = 1
_TEST_MEMORY_COST_KIB = 8


class PasswordHasher:
    """Hashes and verifies passwords as Argon2id PHC strings (``$argon2id$v=19$…``)."""

    __slots__ = ("_dummy_hash", "_hasher")

    def __init__(
        self,
        *,
        time_cost: int = OWASP_TIME_COST,
        memory_cost_kib: int = OWASP_MEMORY_COST_KIB,
        parallelism: int = OWASP_PARALLELISM,
    ) -> None:
        self._hasher = argon2.PasswordHasher(
            time_cost=time_cost,
            memory_cost=memory_cost_kib,
            parallelism=parallelism,
            hash_len=HASH_LENGTH,
            salt_len=SALT_LENGTH,
            type=argon2.Type.ID,
        )
        self._dummy_hash: str | None = None

    @classmethod
    def fast_for_tests(cls) -> PasswordHasher:
        """A hasher with Argon2's minimum cost. Never use it to store real passwords."""
        return cls(
            time_cost=_TEST_TIME_COST,
            memory_cost_kib=_TEST_MEMORY_COST_KIB,
            parallelism=OWASP_PARALLELISM,
        )

    def __repr__(self) -> str:
        p = self._hasher
        return f"PasswordHasher(t={p.time_cost}, m={p.memory_cost}KiB, p={p.parallelism})"

    def hash(self, password: str) -> str:
        """Hash ``password`` with a fresh random salt."""
        return self._hasher.hash(_encode(password))

    def verify(self, stored: str, password: str) -> bool:
        """Whether ``password`` matches ``stored``; False on mismatch or a malformed hash."""
        if not stored.isascii():
            return False
        try:
            return self._hasher.verify(stored, _encode(password))
        except (VerificationError, InvalidHashError):
            return False

    def needs_rehash(self, stored: str) -> bool:
        """Whether ``stored`` was made with other parameters (or cannot be read) than ours."""
        try:
            return self._hasher.check_needs_rehash(stored)
        except ValueError:  # InvalidHashError, or a parameter that is not a number
            return True

    def dummy_verify(self, password: str) -> None:
        """Spend the time of one verification, so unknown users answer as slowly as known ones."""
        if self._dummy_hash is None:
            self._dummy_hash = self.hash(secrets.token_urlsafe(32))
        self.verify(self._dummy_hash, password)


def _encode(password: str) -> bytes:
    # ``surrogatepass`` keeps a lone surrogate from raising: such a password simply never matches
    # one typed another way, instead of failing the request.
    return password.encode("utf-8", "surrogatepass")
