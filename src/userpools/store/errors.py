"""Driver errors become contract errors here, and nowhere else."""

from __future__ import annotations

import sqlite3

from userpools.domain.store import Conflict

# SQLite names the columns of the violated unique index; map them to contract names.
_UNIQUE_COLUMNS = {
    "users.pool, users.username_key": "username",
    "users.pool, users.sub": "sub",
    "users.pool, users.login_email": "login_email",
    "users.pool, users.login_phone": "login_phone",
    "users.pool, users.login_preferred": "login_preferred",
    "groups.pool, groups.name": "group_name",
    "user_pools.pool_id": "pool_id",
}


def translate_integrity_error(exc: sqlite3.IntegrityError) -> Conflict:
    text = str(exc)
    if text.startswith("UNIQUE constraint failed: "):
        columns = text.removeprefix("UNIQUE constraint failed: ")
        return Conflict(_UNIQUE_COLUMNS.get(columns, columns))
    if "FOREIGN KEY" in text:
        return Conflict("reference")
    return Conflict("integrity")
