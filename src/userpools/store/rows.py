"""Mapping between stored rows and domain records (JSON columns included)."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Sequence
from typing import Any, TypeVar

import orjson

from userpools.domain.models import (
    AppClient,
    ClientSettings,
    User,
    UserStatus,
)

_R = TypeVar("_R")


def dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def loads(text: str) -> Any:
    return json.loads(text)


def dumps_pairs(pairs: Sequence[tuple[str, str]]) -> str:
    return dumps([list(p) for p in pairs])


def loads_pairs(text: str | None) -> tuple[tuple[str, str], ...]:
    if not text:
        return ()
    return tuple(map(tuple, orjson.loads(text)))


def user_from_row(row: Sequence[Any]) -> User:
    return User(
        key=row[0],
        username=row[1],
        username_key=row[2],
        sub=row[3],
        status=UserStatus(row[4]),
        enabled=bool(row[5]),
        attributes=loads_pairs(row[6]),
        mfa_options=loads_pairs(row[7]),
        created_at=row[8],
        updated_at=row[9],
        password_hash=row[10],
        password_expires_at=row[11],
        srp_verifier=row[12],
        failed_attempts=row[13],
        last_failure_at=row[14],
        locked_until=row[15],
        tokens_valid_after=row[16],
    )


def replace_key(record: _R, key: int) -> _R:
    return dataclasses.replace(record, key=key)  # type: ignore[type-var]


def client_settings_to_json(settings: ClientSettings) -> str:
    return dumps(dataclasses.asdict(settings))


def client_from_row(row: Sequence[Any]) -> AppClient:
    raw: dict[str, Any] = json.loads(row[4])
    for name in ("explicit_auth_flows", "read_attributes", "write_attributes"):
        if raw.get(name) is not None:
            raw[name] = tuple(raw[name])
    return AppClient(
        key=row[0],
        client_id=row[1],
        name=row[2],
        secret=row[3],
        settings=ClientSettings(**raw),
        document=json.loads(row[5]),
        created_at=row[6],
        updated_at=row[7],
    )
