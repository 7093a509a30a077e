"""Docs stay true: generated pages are fresh, and README's commands exist."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]


def load_generator(name: str = "gen_operations_doc") -> object:
    spec = importlib.util.spec_from_file_location(name, ROOT / "tools" / f"{name}.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_operations_doc_is_fresh() -> None:
    generator = load_generator()
    current = (ROOT / "docs" / "operations.md").read_text(encoding="utf-8")
    assert current == generator.render(), "run: python tools/gen_operations_doc.py"  # type: ignore[attr-defined]


def test_auth_flows_diagram_is_fresh() -> None:
    generator = load_generator("gen_auth_diagram")
    current = (ROOT / "docs" / "auth-flows.md").read_text(encoding="utf-8")
    assert current == generator.update(current), "run: python tools/gen_auth_diagram.py"  # type: ignore[attr-defined]


def test_auth_flows_diagram_follows_the_table() -> None:
    """A new row in the table shows in the drawing."""
    import dataclasses

    from userpools.domain.signin.machine import SIGN_IN

    generator: Any = load_generator("gen_auth_diagram")
    rows = {**SIGN_IN.transitions, "NEW_PASSWORD_REQUIRED": ("PASSWORD_VERIFIER",)}
    drawn = generator.render(dataclasses.replace(SIGN_IN, transitions=rows))
    assert "NEW_PASSWORD_REQUIRED --> PASSWORD_VERIFIER\n" in drawn
    assert "NEW_PASSWORD_REQUIRED --> TOKENS" not in drawn


def test_shapes_module_is_fresh() -> None:
    generator = load_generator("gen_shapes")
    current = (ROOT / "src" / "userpools" / "protocol" / "shapes.py").read_text(encoding="utf-8")
    assert current == generator.render(), "run: python tools/gen_shapes.py"  # type: ignore[attr-defined]


def test_readme_commands_are_make_targets() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    targets = set(re.findall(r"^([a-z-]+):", makefile, flags=re.MULTILINE))
    for target in re.findall(r"^\s*make ([a-z-]+)", readme, flags=re.MULTILINE):
        assert target in targets
    assert "make serve" in readme and "make test" in readme
    assert (ROOT / ".ci" / "run").read_text(encoding="utf-8").strip().endswith("make test")


def test_readme_lists_every_serve_option() -> None:
    from userpools.cli.serve import serve

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    table = readme[readme.index("## Configuration") :]
    table = table[: table.index("\n\n", table.index("| option |"))]
    options = [name for param in serve.params for name in param.opts if name.startswith("--")]
    missing = [name for name in options if f"`{name}" not in table]
    assert missing == []


def test_errors_doc_lists_every_error_class() -> None:
    from userpools.domain import errors

    doc = (ROOT / "docs" / "errors.md").read_text(encoding="utf-8")
    codes = {
        cls.code
        for cls in vars(errors).values()
        if isinstance(cls, type) and issubclass(cls, errors.DomainError)
    }
    missing = sorted(code for code in codes if f"`{code}`" not in doc)
    assert missing == []


def test_docs_index_lists_every_page() -> None:
    index = (ROOT / "docs" / "README.md").read_text(encoding="utf-8")
    pages = sorted(p.name for p in (ROOT / "docs").glob("*.md") if p.name != "README.md")
    missing = [name for name in pages if f"]({name})" not in index]
    assert missing == []
    assert "](docs/README.md)" in (ROOT / "README.md").read_text(encoding="utf-8")


def test_relative_links_of_readme_and_docs_resolve() -> None:
    broken = []
    for page in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]:
        for target in re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", page.read_text(encoding="utf-8")):
            if "://" not in target and not (page.parent / target).exists():
                broken.append(f"{page.relative_to(ROOT)}: {target}")
    assert broken == []
