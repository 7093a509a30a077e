"""Which of a pool's keys are published and which one signs."""

from __future__ import annotations

import pytest

from userpools.crypto.keys import generate_signing_key
from userpools.domain.keys import GRACE_SECONDS, current, published
from userpools.domain.models import PoolKey

OLD_ID, OLD_ACCESS, NEW_ID, NEW_ACCESS = (generate_signing_key(float(i)) for i in range(4))


def test_published_keeps_retired_keys_for_the_grace_only() -> None:
    retired_at = 1000.0
    keys = [
        PoolKey("id", OLD_ID, retired_at),
        PoolKey("access", OLD_ACCESS, retired_at),
        PoolKey("id", NEW_ID),
        PoolKey("access", NEW_ACCESS),
    ]
    assert published(keys, retired_at + GRACE_SECONDS - 1) == [
        OLD_ID,
        OLD_ACCESS,
        NEW_ID,
        NEW_ACCESS,
    ]
    assert published(keys, retired_at + GRACE_SECONDS) == [NEW_ID, NEW_ACCESS]


def test_current_is_the_newest_unretired_key_of_its_purpose() -> None:
    keys = [PoolKey("id", OLD_ID, 5.0), PoolKey("access", OLD_ACCESS), PoolKey("id", NEW_ID)]
    assert current(keys, "id") == NEW_ID
    assert current(keys, "access") == OLD_ACCESS
    with pytest.raises(LookupError):
        current([PoolKey("id", OLD_ID, 5.0)], "id")
