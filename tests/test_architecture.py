"""The import direction of DESIGN.md, checked by walking every module's imports."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "userpools"

#: What each layer must never import (top-level package names or userpools layers).
FORBIDDEN = {
    "domain": {
        "starlette",
        "uvicorn",
        "botocore",
        "boto3",
        "sqlite3",
        "psycopg",
        "psycopg_pool",
        "orjson",
        "userpools.protocol",
        "userpools.operations",
        "userpools.store",
        "userpools.http",
        "userpools.app",
    },
    "crypto": {"userpools.domain", "userpools.store", "userpools.protocol", "starlette"},
    "store": {"userpools.protocol", "userpools.operations", "userpools.http", "starlette"},
    "protocol": {
        "userpools.store",
        "userpools.operations",
        "userpools.http",
        "starlette",
        "psycopg",
    },
    "operations": {"userpools.store", "userpools.http", "starlette", "sqlite3", "psycopg"},
    "http": {"userpools.store", "userpools.operations", "sqlite3", "psycopg"},
}


def imported_names(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def violations(layer: str) -> list[str]:
    found = []
    for path in sorted((SRC / layer).rglob("*.py")):
        for name in imported_names(path):
            for banned in FORBIDDEN[layer]:
                if name == banned or name.startswith(banned + "."):
                    found.append(f"{path.relative_to(SRC)} imports {name}")
    return found


@pytest.mark.parametrize("layer", sorted(FORBIDDEN))
def test_layer_imports_go_one_way(layer: str) -> None:
    assert violations(layer) == []


def test_layer_check_catches_a_violation(tmp_path: Path) -> None:
    """The walker itself works: a planted bad import is found."""
    bad = tmp_path / "bad.py"
    bad.write_text("import sqlite3\nfrom botocore.model import Shape\n", encoding="utf-8")
    assert {"sqlite3", "botocore.model"} <= imported_names(bad)
