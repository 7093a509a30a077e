"""The SQL of users (``users``): sign-in look-ups and the ListUsers keyset scans."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import Any, get_args

import orjson

from userpools.domain.filters import SearchableAttribute
from userpools.domain.models import User, UserPool, UserStatus
from userpools.domain.store import LookupField, Position, SignInKeys, UserQuery, UserStore
from userpools.store.sql.base import Row, SQLBase, dumps, replace_key

USER_COLUMNS = (
    "id, username, username_key, sub, user_status, enabled, attributes, mfa_options,"
    " created_at, updated_at, password_hash, password_expires_at, srp_verifier,"
    " failed_attempts, last_failure_at, locked_until, tokens_valid_after"
)

#: The searchable attributes that are copied out of a user's attributes into their columns.
_COPIED = tuple(a for a in SearchableAttribute if a.is_user_attribute)
_LOOKUP_COLUMNS: frozenset[str] = frozenset(get_args(LookupField))

#: The stored status values (an enum call per row costs more than the look-up).
_STATUSES = {status.value: status for status in UserStatus}

#: The longest text an index column keeps as it is, in UTF-8 bytes. PostgreSQL refuses B-tree
#: entries past about 2.7 KB, and attribute values may be 2,048 characters (8 KB).
MAX_INDEXED_BYTES = 1024


class UserSQL(SQLBase, UserStore):
    def insert_user(self, pool: UserPool, user: User, keys: SignInKeys) -> User:
        values = _stored(user, keys)
        marks = ", ".join("?" for _ in values)
        key = self._insert(
            f"INSERT INTO users (pool, {', '.join(values)}) VALUES (?, {marks})",
            (pool.key, *values.values()),
        )
        return replace_key(user, key)

    def find_user(self, pool: UserPool, by: LookupField, value: str) -> User | None:
        if by not in _LOOKUP_COLUMNS:
            raise ValueError(by)
        row = self._one(
            f"SELECT {USER_COLUMNS} FROM users WHERE pool = ? AND {by} = ?",
            (pool.key, fit_for_index(value)),
        )
        return user_from_row(row) if row else None

    def get_user(self, pool: UserPool, key: int) -> User | None:
        row = self._one(
            f"SELECT {USER_COLUMNS} FROM users WHERE pool = ? AND id = ?", (pool.key, key)
        )
        return user_from_row(row) if row else None

    def lock_user(self, pool: UserPool, user: User) -> bool:
        # FOR NO KEY UPDATE: memberships being added for the user (foreign-key checks, which
        # take KEY SHARE) do not wait for it; a deletion of the user does.
        locking = " FOR NO KEY UPDATE" if self._writing and self.lock_pools else ""
        row = self._one(
            f"SELECT id FROM users WHERE pool = ? AND id = ?{locking}", (pool.key, user.key)
        )
        return row is not None

    def update_user(self, pool: UserPool, user: User, keys: SignInKeys) -> None:
        values = _stored(user, keys)
        sets = ", ".join(f"{column} = ?" for column in values)
        self._run(
            f"UPDATE users SET {sets} WHERE pool = ? AND id = ?",
            (*values.values(), pool.key, user.key),
        )

    def delete_user(self, pool: UserPool, user: User) -> None:
        self._run("DELETE FROM users WHERE pool = ? AND id = ?", (pool.key, user.key))

    def count_users(self, pool: UserPool) -> int:
        return self._count("SELECT count(*) AS n FROM users WHERE pool = ?", (pool.key,))

    def list_users(
        self, pool: UserPool, query: UserQuery | None, after: Position | None, limit: int
    ) -> list[User]:
        where = ["pool = ?"]
        params: list[Any] = [pool.key]
        order = "username_key"
        if query is not None:
            column = SearchableAttribute(query.attribute).column  # ValueError if not one
            if query.prefix:
                where.append(f"{column} >= ?")
                params.append(query.value)
                upper = prefix_upper_bound(str(query.value))
                if upper is not None:
                    where.append(f"{column} < ?")
                    params.append(upper)
                order = f"{column}, username_key"
                if after is not None:
                    where.append(f"({column}, username_key) > (?, ?)")
                    params.extend(after)
                    after = None
            else:
                where.append(f"{column} = ?")
                params.append(query.value)
        if after is not None:
            where.append("username_key > ?")
            params.append(after[-1])
        rows = self._all(
            f"SELECT {USER_COLUMNS} FROM users WHERE {' AND '.join(where)}"
            f" ORDER BY {order} LIMIT ?",
            (*params, limit),
        )
        return [user_from_row(r) for r in rows]


def _stored(user: User, keys: SignInKeys) -> dict[str, Any]:
    """What an insert or update writes, by column."""
    attrs = dict(user.attributes)
    return {
        "username": user.username,
        "username_key": user.username_key,
        "sub": user.sub,
        "user_status": user.status.value,
        "enabled": int(user.enabled),
        **{a.column: fit_for_index(attrs.get(a)) for a in _COPIED},
        "login_email": fit_for_index(keys.email),
        "login_phone": fit_for_index(keys.phone),
        "login_preferred": fit_for_index(keys.preferred),
        "attributes": _dumps_pairs(user.attributes),
        "mfa_options": _dumps_pairs(user.mfa_options) if user.mfa_options else None,
        "password_hash": user.password_hash,
        "password_expires_at": user.password_expires_at,
        "created_at": user.created_at,
        "updated_at": user.updated_at,
        "srp_verifier": user.srp_verifier,
        "failed_attempts": user.failed_attempts,
        "last_failure_at": user.last_failure_at,
        "locked_until": user.locked_until,
        "tokens_valid_after": user.tokens_valid_after,
    }


def user_from_row(row: Row) -> User:
    # A page maps 61 rows. The frozen dataclass's __init__ sets its 17 fields one
    # object.__setattr__ at a time (about 5 µs a row); filling the new instance's __dict__
    # in one call gives the same, equal record in a sixth of that. Nothing is validated
    # either way, and every field is named here.
    user = object.__new__(User)
    user.__dict__.update(
        key=row["id"],
        username=row["username"],
        username_key=row["username_key"],
        sub=row["sub"],
        status=_STATUSES[row["user_status"]],
        enabled=bool(row["enabled"]),
        attributes=_loads_pairs(row["attributes"]),
        mfa_options=_loads_pairs(row["mfa_options"]),
        created_at=row["created_at"],
        updated_at=row["updated_at"],
        password_hash=row["password_hash"],
        password_expires_at=row["password_expires_at"],
        srp_verifier=row["srp_verifier"],
        failed_attempts=row["failed_attempts"],
        last_failure_at=row["last_failure_at"],
        locked_until=row["locked_until"],
        tokens_valid_after=row["tokens_valid_after"],
    )
    return user


def _dumps_pairs(pairs: Sequence[tuple[str, str]]) -> str:
    return dumps([list(p) for p in pairs])


def _loads_pairs(text: str | None) -> tuple[tuple[str, str], ...]:
    if not text:
        return ()
    return tuple(map(tuple, orjson.loads(text)))


def fit_for_index(value: str | None) -> str | None:
    """``value``, or for a longer one its first :data:`MAX_INDEXED_BYTES` bytes, U+FFFF and
    the SHA-256 of the whole: still unique and still in prefix order. ListUsers filters
    (at most 256 characters) can never equal such a form by accident: it is longer.
    """
    if value is None:
        return None
    data = value.encode("utf-8", "surrogatepass")
    if len(data) <= MAX_INDEXED_BYTES:
        return value
    head = data[:MAX_INDEXED_BYTES].decode("utf-8", "ignore")
    return head + "\uffff" + hashlib.sha256(data).hexdigest()


def prefix_upper_bound(prefix: str) -> str | None:
    """The least string greater than every string that starts with ``prefix``.

    Binary UTF-8 comparison is code point order, so incrementing the last code point
    works; ``None`` means there is no upper bound.
    """
    chars = list(prefix)
    while chars:
        last = ord(chars.pop())
        if last < 0x10FFFF:
            nxt = last + 1
            if 0xD800 <= nxt <= 0xDFFF:
                nxt = 0xE000
            return "".join(chars) + chr(nxt)
    return None
