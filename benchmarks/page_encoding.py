"""How fast one ListUsersInGroup page of 60 users becomes JSON, per wire representation.

The figures behind the choice of TypedDicts over msgspec Structs (docs/decisions.md):

- today: ``render.user`` (TypedDicts with ``datetime`` values) and ``codec.encode_result``,
  whose generic walk drops ``None`` members and converts datetimes;
- wire-ready dicts (epoch floats, members left out rather than ``None``) dumped by orjson
  with no walk, the shape a fast page encoder would build;
- the same dicts with ``datetime`` values, which orjson hands to a ``default`` hook;
- msgspec Structs (``omit_defaults``) built and encoded by msgspec, when it is installed
  (it is not a dependency: ``pip install msgspec`` to include it).

Run: ``.venv/bin/python benchmarks/page_encoding.py``. Best of 5 runs, microseconds per page.
"""

from __future__ import annotations

import timeit
from collections.abc import Callable
from datetime import datetime
from typing import Any

import orjson

from userpools.domain.models import User, UserStatus
from userpools.operations import render
from userpools.protocol.codec import encode_result, epoch_seconds
from userpools.protocol.model import service_model

PAGE = 60
TOKEN = "A" * 80


def records() -> list[User]:
    users = []
    for i in range(PAGE):
        attributes = (
            ("sub", f"{i:08d}-1111-2222-3333-444444444444"),
            ("email", f"user{i}@example.com"),
            ("email_verified", "true"),
            ("name", f"User {i}"),
            ("given_name", "Given"),
            ("family_name", "Family"),
        )
        users.append(
            User(
                key=i,
                username=f"user{i:05d}",
                username_key=f"user{i:05d}",
                sub=attributes[0][1],
                status=UserStatus.CONFIRMED,
                enabled=True,
                attributes=attributes,
                mfa_options=(),
                created_at=1_700_000_000.123 + i,
                updated_at=1_700_000_100.456 + i,
            )
        )
    return users


def wire_ready(users: list[User]) -> dict[str, Any]:
    return {
        "Users": [
            {
                "Username": u.username,
                "Attributes": [{"Name": n, "Value": v} for n, v in u.attributes],
                "UserCreateDate": u.created_at,
                "UserLastModifiedDate": u.updated_at,
                "Enabled": u.enabled,
                "UserStatus": u.status.value,
            }
            for u in users
        ],
        "NextToken": TOKEN,
    }


def _datetime(value: object) -> float:
    if isinstance(value, datetime):
        return epoch_seconds(value)
    raise TypeError(type(value).__name__)


def cases(users: list[User]) -> dict[str, Callable[[], bytes]]:
    output = service_model().operation_model("ListUsersInGroup").output_shape

    def today() -> bytes:
        return encode_result(output, {"Users": [render.user(u) for u in users], "NextToken": TOKEN})

    def orjson_wire_ready() -> bytes:
        return orjson.dumps(wire_ready(users))

    def orjson_datetime_hook() -> bytes:
        page = {"Users": [render.user(u) for u in users], "NextToken": TOKEN}
        return orjson.dumps(page, default=_datetime, option=orjson.OPT_PASSTHROUGH_DATETIME)

    found = {
        "today: render.user + encode_result (walk)": today,
        "wire-ready dicts + orjson, no walk": orjson_wire_ready,
        "render.user + orjson datetime hook, no walk": orjson_datetime_hook,
    }
    found.update(_msgspec_cases(users))
    return found


def _msgspec_cases(users: list[User]) -> dict[str, Callable[[], bytes]]:
    try:
        import msgspec
    except ImportError:
        return {}

    class Attribute(msgspec.Struct, omit_defaults=True):
        Name: str
        Value: str | None = None

    class UserType(msgspec.Struct, omit_defaults=True):
        Username: str | None = None
        Attributes: list[Attribute] | None = None
        UserCreateDate: float | None = None
        UserLastModifiedDate: float | None = None
        Enabled: bool | None = None
        UserStatus: str | None = None

    class Page(msgspec.Struct, omit_defaults=True):
        Users: list[UserType] | None = None
        NextToken: str | None = None

    encoder = msgspec.json.Encoder()

    def structs() -> bytes:
        page = Page(
            [
                UserType(
                    u.username,
                    [Attribute(n, v) for n, v in u.attributes],
                    u.created_at,
                    u.updated_at,
                    u.enabled,
                    u.status.value,
                )
                for u in users
            ],
            TOKEN,
        )
        return encoder.encode(page)

    return {"msgspec Structs, built and encoded": structs}


def main() -> None:
    users = records()
    found = cases(users)
    reference = orjson.loads(found["today: render.user + encode_result (walk)"]())
    for name, case in found.items():
        assert orjson.loads(case()) == reference, name
        timer = timeit.Timer(case)
        number, _ = timer.autorange()
        best = min(timer.repeat(5, number)) / number
        print(f"{best * 1e6:9.1f} us  {name}")
    print(f"{len(found['wire-ready dicts + orjson, no walk']())} bytes per page")


if __name__ == "__main__":
    main()
