"""Run the fault campaigns long and print their figures (``make chaos``).

The campaigns live in ``tests/server/chaos.py`` (CI runs them short as
``tests/server/test_chaos.py``): kill -9 cycles of ``userpools serve`` on SQLite with 1 and
2 workers, node kills with two nodes on PostgreSQL, terminated PostgreSQL backends under
load, churn during paging, and a soak. Each prints its figures and any broken invariant;
the exit status is 1 when one broke.

    python tools/chaos.py                  # the long version: 30 kill cycles, a 5-minute soak
    python tools/chaos.py --quick          # about what CI runs
    python tools/chaos.py --only soak --soak-seconds 60

PostgreSQL campaigns run in a private database created at ``--admin-url`` and dropped at
the end; they are skipped (and say so) when PostgreSQL cannot be reached.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
from psycopg import sql

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from server import chaos  # the campaigns are shared with the test suite
from server.nodes import Nodes

CAMPAIGNS = ("kill", "kill2", "nodes", "terminate", "churn", "soak")
DEFAULT_ADMIN_URL = os.environ.get(
    "USERPOOLS_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test"
)


@contextmanager
def private_database(admin_url: str) -> Iterator[str]:
    """A database of its own at ``admin_url``'s server, dropped at the end."""
    name = f"userpools_chaos_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    with psycopg.connect(admin_url, autocommit=True, connect_timeout=5) as admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    info = psycopg.conninfo.conninfo_to_dict(admin_url)
    info["dbname"] = name
    try:
        yield psycopg.conninfo.make_conninfo(**info)
    finally:
        with psycopg.connect(admin_url, autocommit=True) as admin:
            admin.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )


def postgres_unreachable(admin_url: str) -> str | None:
    try:
        psycopg.connect(admin_url, connect_timeout=5).close()
    except psycopg.OperationalError as exc:
        return str(exc).strip()
    return None


def parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="the short version, as in CI")
    parser.add_argument("--cycles", type=int, help="kill -9 cycles per worker count (30)")
    parser.add_argument("--kills", type=int, help="node kills on PostgreSQL (10)")
    parser.add_argument(
        "--rounds", type=int, help="rounds of backend terminations, 0.3 s apart (100)"
    )
    parser.add_argument("--walks", type=int, help="ListUsersInGroup walks under churn (40)")
    parser.add_argument("--soak-seconds", type=float, help="length of the soak (300)")
    parser.add_argument("--only", action="append", choices=CAMPAIGNS, help="run only these")
    parser.add_argument("--admin-url", default=DEFAULT_ADMIN_URL, help="PostgreSQL to use")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()
    long, quick = (30, 10, 100, 40, 300.0), (3, 2, 4, 5, 20.0)
    defaults = quick if args.quick else long
    names = ("cycles", "kills", "rounds", "walks", "soak_seconds")
    for name, value in zip(names, defaults, strict=True):
        if getattr(args, name) is None:
            setattr(args, name, value)
    return args


def main() -> int:
    args = parse()
    chosen = args.only or list(CAMPAIGNS)
    results: list[chaos.Figures] = []
    with tempfile.TemporaryDirectory(prefix="userpools-chaos-") as tmp:
        nodes = Nodes(Path(tmp))
        sqlite = {
            "kill": lambda: chaos.kill_cycles(
                nodes, chaos.Place(db=Path(tmp) / "kill1.db"), cycles=args.cycles
            ),
            "kill2": lambda: chaos.kill_cycles(
                nodes, chaos.Place(db=Path(tmp) / "kill2.db"), cycles=args.cycles, workers=2
            ),
            "churn": lambda: chaos.churn_paging(
                nodes, chaos.Place(db=Path(tmp) / "churn.db"), walks=args.walks
            ),
            "soak": lambda: chaos.soak(
                nodes, chaos.Place(db=Path(tmp) / "soak.db"), seconds=args.soak_seconds
            ),
        }
        postgres: dict[str, Callable[[chaos.Place], chaos.Figures]] = {
            "nodes": lambda place: chaos.node_kills(nodes, place, kills=args.kills),
            "terminate": lambda place: chaos.backend_terminations(nodes, place, rounds=args.rounds),
        }
        try:
            for name in chosen:
                began = time.monotonic()
                if name in sqlite:
                    figures = sqlite[name]()
                elif unreachable := postgres_unreachable(args.admin_url):
                    print(f"\n## {name}: skipped, PostgreSQL unreachable: {unreachable}")
                    continue
                else:
                    with private_database(args.admin_url) as url:
                        figures = postgres[name](chaos.Place(database_url=url))
                figures.values["wall_s"] = round(time.monotonic() - began, 1)
                results.append(figures)
                show(figures)
        finally:
            nodes.stop_all()
    if args.json:
        args.json.write_text(
            json.dumps([vars(f) for f in results], indent=2, default=str), encoding="utf-8"
        )
    return 1 if any(f.violations for f in results) else 0


def show(figures: chaos.Figures) -> None:
    verdict = "ok" if not figures.violations else "BROKEN: " + "; ".join(figures.violations)
    print(f"\n## {figures.campaign}: {verdict}")
    for key, value in figures.values.items():
        print(f"  {key:>22}: {value}")
    sys.stdout.flush()


if __name__ == "__main__":
    sys.exit(main())
