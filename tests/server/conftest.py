"""Fixtures of the server suites."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from userpools.testing import RunningServer

from .nodes import Nodes, client

#: Independent races fired together in one round (``test_races.py``, ``test_race_quotas.py``).
PAIRS = 8
_numbers = itertools.count()


@pytest.fixture
def nodes(tmp_path: Path) -> Iterator[Nodes]:
    """Starts ``userpools serve`` subprocesses; every one is stopped after the test."""
    started = Nodes(tmp_path)
    yield started
    started.stop_all()


@pytest.fixture
def api(userpools_server: RunningServer) -> Any:
    """A client of the in-process server that never retries (a 500 must reach the test)."""
    return userpools_server.bind(client(userpools_server.endpoint_url, attempts=1))


@pytest.fixture
def pool_id(api: Any) -> Iterator[str]:
    pool: str = api.create_user_pool(PoolName=f"races-{next(_numbers)}")["UserPool"]["Id"]
    yield pool
    api.delete_user_pool(UserPoolId=pool)


@pytest.fixture
def executor() -> Iterator[ThreadPoolExecutor]:
    """Threads enough for every call of a round of races at once."""
    with ThreadPoolExecutor(max_workers=4 * PAIRS) as pool:
        yield pool
