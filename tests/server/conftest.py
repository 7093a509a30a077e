"""Fixtures of the server suites."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from .nodes import Nodes


@pytest.fixture
def nodes(tmp_path: Path) -> Iterator[Nodes]:
    """Starts ``userpools serve`` subprocesses; every one is stopped after the test."""
    started = Nodes(tmp_path)
    yield started
    started.stop_all()
