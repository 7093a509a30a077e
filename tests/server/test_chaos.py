"""The fault campaigns of ``chaos.py``, short: a few kill cycles, a 10-second soak.

``make chaos`` (``tools/chaos.py``) runs the same campaigns long and prints their figures.
Here only the invariants are asserted: nothing acknowledged lost, no half-write, no 500,
no member skipped or repeated by a walk, no error in the soak; never a time.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from . import chaos
from .nodes import Nodes

SOAK_SECONDS = 10


@pytest.fixture(scope="session")
def store_kind() -> str:
    """``fresh_database`` is a private PostgreSQL database in this module."""
    return "postgres"


@pytest.fixture
def postgres(fresh_database: dict[str, Any]) -> chaos.Place:
    return chaos.Place(database_url=fresh_database["database_url"])


@pytest.mark.parametrize("workers", [1, 2])
def test_serve_kill_9_cycles_on_sqlite_lose_nothing(
    workers: int, nodes: Nodes, tmp_path: Path
) -> None:
    figures = chaos.kill_cycles(
        nodes, chaos.Place(db=tmp_path / "kill.db"), cycles=3, workers=workers
    )
    assert figures.violations == [], figures.values
    assert figures.values["in_doubt"] > 0, "the kills interrupted nothing"


def test_serve_node_kills_on_postgres_lose_nothing(nodes: Nodes, postgres: chaos.Place) -> None:
    figures = chaos.node_kills(nodes, postgres, kills=2)
    assert figures.violations == [], figures.values
    assert figures.values["served_by_survivor"] > 0


def test_serve_terminated_backends_under_load_answer_no_500(
    nodes: Nodes, postgres: chaos.Place
) -> None:
    figures = chaos.backend_terminations(nodes, postgres, rounds=4)
    assert figures.violations == [], figures.values
    assert figures.values["backends_terminated"] > 0


def test_list_users_in_group_walks_under_churn_skip_and_repeat_nothing(
    nodes: Nodes, tmp_path: Path
) -> None:
    place = chaos.Place(db=tmp_path / "churn.db")
    figures = chaos.churn_paging(nodes, place, walks=5, stable=60, churners=20)
    assert figures.violations == [], figures.values
    assert figures.values["churn_calls"] > 0


def test_serve_soak_has_no_errors(nodes: Nodes, tmp_path: Path) -> None:
    figures = chaos.soak(nodes, chaos.Place(db=tmp_path / "soak.db"), seconds=SOAK_SECONDS)
    assert figures.violations == [], figures.values
    assert figures.values["requests"] > 0
