"""Write src/userpools/testing/primes.txt: the primes the test key supply builds keys from.

Run `python tools/gen_test_primes.py [COUNT]`. The primes are the factors of RSA-2048 keys
that OpenSSL generates (through `cryptography`), so each is a 1024-bit prime of the size RSA
key generation chooses, and the product of any two is a 2048-bit modulus. Test use only: see
`userpools.testing.keys`.
"""

from __future__ import annotations

import sys
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric import rsa

from userpools.crypto.keys import KEY_BITS, PUBLIC_EXPONENT

OUT = Path(__file__).resolve().parents[1] / "src" / "userpools" / "testing" / "primes.txt"
HEADER = "# Test-only 1024-bit primes (tools/gen_test_primes.py); never use them for real keys.\n"


def main(count: int) -> None:
    primes: list[int] = []
    while len(primes) < count:
        numbers = rsa.generate_private_key(PUBLIC_EXPONENT, KEY_BITS).private_numbers()
        primes += [numbers.p, numbers.q]
    OUT.write_text(HEADER + "".join(f"{p:x}\n" for p in primes[:count]), encoding="ascii")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 96)
