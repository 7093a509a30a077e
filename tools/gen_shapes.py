"""Write src/userpools/protocol/shapes.py: the model's wire shapes as TypedDicts.

Every input and output shape of every ``cognito-idp`` operation becomes a TypedDict, and so
does every structure they reach; enums become ``Literal`` aliases (with the corrections of
``patches.json`` applied), timestamps ``EpochSeconds``, blobs base64 ``str``, documents
``object``. Required members are required; the others are ``NotRequired``, never ``None``:
on the wire an absent member and a null one are the same, so handlers leave members out.
The paginator definitions (``paginators-1.json``) become :data:`PAGINATORS`.

Run ``python tools/gen_shapes.py``; tests/test_docs.py fails when the module is stale.
"""

from __future__ import annotations

import json
import keyword
import sys
from pathlib import Path
from typing import Any

from botocore.model import Shape

from userpools.protocol.model import PAGINATORS_FILE, model_data, service_model
from userpools.protocol.validate import model_patches

MODULE = Path(__file__).resolve().parents[1] / "src" / "userpools" / "protocol" / "shapes.py"
LINE = 100

HEADER = '''\
"""The wire shapes of the botocore ``cognito-idp`` model, as TypedDicts.

Generated, do not edit; regenerate with python tools/gen_shapes.py.

One TypedDict per input, output and nested structure, named as in the model, each after the
structures it refers to (annotations are evaluated, so that ``__required_keys__`` is right
at run time). Members the
model requires are required; the others may be left out, and are never ``None``. Enums are
``Literal`` aliases, timestamps :data:`EpochSeconds` (what the wire carries), blobs base64
text. :data:`PAGINATORS` holds the model's paginator definitions.

This module is generated and long by nature; the 500-line guideline does not apply to it.
"""

from collections.abc import Mapping
from typing import Final, Literal, NamedTuple, NotRequired, TypeAlias, TypedDict

EpochSeconds: TypeAlias = float
"""A timestamp as the wire carries it: seconds since the epoch, to the millisecond."""

'''

PAGINATOR_CLASS = '''

class Paginator(NamedTuple):
    """The members an operation pages with, as botocore's paginator knows them."""

    input_token: str
    output_token: str
    limit_key: str
    result_key: str


'''

_SCALARS = {
    "string": "str",
    "integer": "int",
    "long": "int",
    "boolean": "bool",
    "float": "float",
    "double": "float",
    "timestamp": "EpochSeconds",
    "blob": "str",
}


def _enum(shape: Shape) -> list[str] | None:
    values = model_patches().get(shape.name, {}).get("enum", shape.metadata.get("enum"))
    return list(values) if values else None


class _Writer:
    def __init__(self) -> None:
        self.enums: dict[str, list[str]] = {}
        self.structures: dict[str, Shape] = {}
        self.written: set[str] = set()

    def visit(self, shape: Shape) -> None:
        """Collect every enum and structure reachable from ``shape``."""
        if shape.type_name == "structure" and not shape.metadata.get("document"):
            if shape.name in self.structures:
                return
            self.structures[shape.name] = shape
            for member in shape.members.values():
                self.visit(member)
        elif shape.type_name == "list":
            self.visit(shape.member)
        elif shape.type_name == "map":
            self.visit(shape.key)
            self.visit(shape.value)
        elif shape.type_name == "string" and (values := _enum(shape)):
            self.enums[shape.name] = values

    def ordered(self) -> list[Shape]:
        """The structures, each after those it refers to (a cycle is cut by a quoted name)."""
        done: dict[str, Shape] = {}
        visiting: set[str] = set()

        def place(shape: Shape) -> None:
            if shape.name in done or shape.name in visiting:
                return
            visiting.add(shape.name)
            for name in sorted(_referenced(shape)):
                place(self.structures[name])
            visiting.discard(shape.name)
            done[shape.name] = shape

        for name in sorted(self.structures):
            place(self.structures[name])
        return list(done.values())

    def annotation(self, shape: Shape, shadowed: set[str]) -> str:
        """The type of ``shape``; enum aliases named like a member are spelt out."""
        if shape.metadata.get("document"):
            return "object"
        if shape.type_name == "structure":
            if shape.name in shadowed:
                raise ValueError(f"member named like its structure type: {shape.name}")
            if shape.name not in self.written:
                return f'"{shape.name}"'
            return shape.name
        if shape.type_name == "list":
            return f"list[{self.annotation(shape.member, shadowed)}]"
        if shape.type_name == "map":
            key = self.annotation(shape.key, shadowed)
            return f"dict[{key}, {self.annotation(shape.value, shadowed)}]"
        if shape.name in self.enums:
            if shape.name in shadowed:
                return _literal(self.enums[shape.name])
            return shape.name
        return _SCALARS[shape.type_name]

    def render_enum(self, name: str) -> str:
        return _wrapped(f"{name} = Literal[", [_quote(v) for v in self.enums[name]], "]")

    def render_structure(self, shape: Shape) -> str:
        required = set(shape.metadata.get("required", ()))
        shadowed = set(shape.members)
        lines = [f"class {shape.name}(TypedDict):"]
        for name, member in shape.members.items():
            if not name.isidentifier() or keyword.iskeyword(name):
                raise ValueError(f"{shape.name}.{name} is not a Python identifier")
            kind = self.annotation(member, shadowed)
            line = f"    {name}: {kind}" if name in required else f"    {name}: NotRequired[{kind}]"
            if len(line) > LINE:
                if name in required:
                    raise ValueError(f"{shape.name}.{name}: no way to wrap {kind}")
                line = f"    {name}: NotRequired[\n        {kind}\n    ]"
            lines.append(line)
        if len(lines) == 1:
            lines.append("    pass")
        self.written.add(shape.name)
        return "\n".join(lines)


def _referenced(shape: Shape) -> set[str]:
    """The structures that ``shape``'s members name, through lists and maps."""
    found: set[str] = set()
    stack = list(shape.members.values())
    while stack:
        item = stack.pop()
        if item.metadata.get("document"):
            continue
        if item.type_name == "structure":
            found.add(item.name)
        elif item.type_name == "list":
            stack.append(item.member)
        elif item.type_name == "map":
            stack.extend((item.key, item.value))
    return found


def _literal(values: list[str]) -> str:
    return "Literal[" + ", ".join(_quote(v) for v in values) + "]"


def _quote(text: str) -> str:
    """A double-quoted string literal, as ruff formats them."""
    return json.dumps(text)


def _wrapped(head: str, items: list[str], tail: str) -> str:
    """``head + items + tail`` on one line when it fits, else one item per line."""
    one_line = head + ", ".join(items) + tail
    if len(one_line) <= LINE:
        return one_line
    body = "".join(f"    {item},\n" for item in items)
    return f"{head}\n{body}{tail}"


def _paginators() -> dict[str, dict[str, Any]]:
    definitions: dict[str, dict[str, Any]] = model_data(PAGINATORS_FILE)["pagination"]
    return definitions


def render() -> str:
    model = service_model()
    writer = _Writer()
    for name in sorted(model.operation_names):
        operation = model.operation_model(name)
        for shape in (operation.input_shape, operation.output_shape):
            if shape is not None:
                writer.visit(shape)
    parts = [HEADER]
    parts.append("\n".join(writer.render_enum(name) for name in sorted(writer.enums)) + "\n")
    for shape in writer.ordered():
        parts.append("\n\n" + writer.render_structure(shape) + "\n")
    parts.append(PAGINATOR_CLASS)
    rows = []
    for name, spec in sorted(_paginators().items()):
        fields = [spec[k] for k in ("input_token", "output_token", "limit_key", "result_key")]
        if not all(isinstance(f, str) for f in fields):
            raise ValueError(f"paginator of {name} has a composite member")
        rows.append(f'    "{name}": Paginator({", ".join(_quote(f) for f in fields)}),')
    parts.append(
        "#: Paginated operations: their token, limit and result members (paginators-1.json).\n"
        "PAGINATORS: Final[Mapping[str, Paginator]] = {\n" + "\n".join(rows) + "\n}\n"
    )
    return "".join(parts)


if __name__ == "__main__":
    MODULE.write_text(render(), encoding="utf-8")
    sys.stdout.write(f"wrote {MODULE}\n")
