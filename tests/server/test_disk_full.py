"""A full disk is answered as what it is, not as a bug (issue 10, item 5).

The SQLite database lives on a real tmpfs of 2 MiB, mounted for the test. A file fills
the rest of it, so SQLite's next write fails with ``SQLITE_FULL``. Writes must then get
``ServiceUnavailable`` (503) naming the cause, and the cause is logged once per interval,
not once per request and never with a traceback; reads keep working; once the file is
deleted, writes work again without a restart. Mounting needs root (or CAP_SYS_ADMIN);
where it is refused the test is skipped and says why.
"""

from __future__ import annotations

import errno
import logging
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from userpools.domain.errors import STORAGE_FULL
from userpools.testing import RunningServer, start_server

from .nodes import Outcome, attempt

#: What the rate-limited log line about an unavailable store starts with.
LOGGED = "store unavailable"
FILL_CHUNK = 64 * 1024


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def tmpfs(tmp_path: Path) -> Iterator[Path]:
    """A 2 MiB tmpfs mounted for this test, unmounted afterwards."""
    mount_point = tmp_path / "disk"
    mount_point.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(mount_point)],
        capture_output=True,
        text=True,
        check=False,
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here (needs root): {mounted.stderr.strip()}")
    try:
        yield mount_point
    finally:
        subprocess.run(["umount", "-l", str(mount_point)], check=False)


@pytest.fixture
def server(tmpfs: Path) -> Iterator[RunningServer]:
    yield from start_server(tmpfs / "userpools.db")


def fill(directory: Path) -> Path:
    """Write a file until the filesystem has no byte left; return it."""
    filler = directory / "filler"
    with open(filler, "wb", buffering=0) as out:
        chunk = b"\0" * FILL_CHUNK
        while True:
            try:
                out.write(chunk)
            except OSError as exc:
                assert exc.errno == errno.ENOSPC, exc
                if len(chunk) == 1:
                    break
                chunk = chunk[: len(chunk) // 2]
    assert os.statvfs(directory).f_bavail == 0
    return filler


def create(api: Any, pool_id: str, name: str) -> Outcome:
    return attempt(
        lambda: api.admin_create_user(UserPoolId=pool_id, Username=name, MessageAction="SUPPRESS")
    )


def storage_lines(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [r for r in caplog.records if LOGGED in r.getMessage()]


def test_admin_create_user_on_a_full_disk_is_service_unavailable_until_space_is_freed(
    server: RunningServer, tmpfs: Path, caplog: pytest.LogCaptureFixture
) -> None:
    clock = FakeClock()
    server.server.store.unavailable_log.clock = clock  # type: ignore[attr-defined]
    api = server.client()
    pool_id = api.create_user_pool(PoolName="full")["UserPool"]["Id"]
    assert create(api, pool_id, "before").ok
    filler = fill(tmpfs)

    with caplog.at_level(logging.WARNING, logger="userpools"):
        # SQLite may still have room in pages it already holds; the disk stops it soon.
        outcomes = [create(api, pool_id, f"full-{i}") for i in range(40)]
        first = next(i for i, o in enumerate(outcomes) if not o.ok)
        refused = outcomes[first:]
        assert {(o.status, o.code, o.message) for o in refused} == {
            (503, "ServiceUnavailable", STORAGE_FULL)
        }
        # Reads keep working, and see what was acknowledged before the disk filled.
        assert api.admin_get_user(UserPoolId=pool_id, Username="before")["Username"] == "before"
        listed = {u["Username"] for u in api.list_users(UserPoolId=pool_id)["Users"]}
        assert listed == {"before", *(f"full-{i}" for i in range(first))}
        # One line for all of these refusals: the interval has not passed.
        assert len(storage_lines(caplog)) == 1
        clock.now += 60
        assert create(api, pool_id, "next-interval").code == "ServiceUnavailable"
        assert create(api, pool_id, "same-interval").code == "ServiceUnavailable"
        lines = storage_lines(caplog)

    assert len(lines) == 2
    assert f"({len(refused) - 1} more since the last report" in lines[1].getMessage()
    assert all(r.exc_info is None for r in caplog.records), "no traceback for a full disk"
    assert not [r for r in caplog.records if "unhandled" in r.getMessage()]

    filler.unlink()
    # Space is back: writes resume by themselves, and nothing refused was half-written.
    assert create(api, pool_id, "after").ok
    listed = {u["Username"] for u in api.list_users(UserPoolId=pool_id, Limit=60)["Users"]}
    assert listed == {"before", "after", *(f"full-{i}" for i in range(first))}
