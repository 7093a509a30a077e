"""SQL shared by every engine: one ``Transaction`` implementation over a DB-API cursor."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any, get_args

from userpools.crypto.keys import SigningKey, load_signing_key
from userpools.domain.models import (
    AppClient,
    AuthSession,
    Group,
    Message,
    PoolKey,
    PoolSettings,
    TokenFamily,
    User,
    UserCode,
    UserPool,
)
from userpools.domain.store import (
    LookupField,
    Position,
    QueryField,
    SignInKeys,
    UserQuery,
)
from userpools.store import rows as codec

_USER_COLUMNS = (
    "id, username, username_key, sub, user_status, enabled, attributes, mfa_options, "
    "created_at, updated_at, password_hash, password_expires_at, srp_verifier, failed_attempts,"
    " last_failure_at, locked_until, tokens_valid_after"
)
_GROUP_COLUMNS = "id, name, description, role_arn, precedence, created_at, updated_at"
_POOL_COLUMNS = "id, pool_id, region, name, settings, document, created_at, updated_at"
_CLIENT_COLUMNS = "id, client_id, name, secret, settings, document, created_at, updated_at"
_SESSION_COLUMNS = "handle_hash, user_id, client_id, challenge, state, expires_at"
_FAMILY_COLUMNS = (
    "user_id, client_id, token_hash, origin_jti, auth_time, created_at, expires_at, revoked_at"
)
_FAMILY_LOOKUPS = frozenset({"token_hash", "origin_jti"})

#: Attributes copied into their own indexed columns.
_INDEXED_ATTRIBUTES = (
    "email",
    "phone_number",
    "name",
    "given_name",
    "family_name",
    "preferred_username",
)
_LOOKUP_COLUMNS: frozenset[str] = frozenset(
    {"username_key", "sub", "login_email", "login_phone", "login_preferred"}
)
#: Columns a ListUsers query may name (the contract's ``QueryField``), for safe SQL text.
_QUERY_COLUMNS: frozenset[str] = frozenset(get_args(QueryField))


def _user(row: Sequence[Any]) -> User:
    return codec.user_from_row(row)


def _group(row: Sequence[Any]) -> Group:
    return Group(
        key=row[0],
        name=row[1],
        description=row[2],
        role_arn=row[3],
        precedence=row[4],
        created_at=row[5],
        updated_at=row[6],
    )


def _pool(row: Sequence[Any]) -> UserPool:
    return UserPool(
        key=row[0],
        id=row[1],
        region=row[2],
        name=row[3],
        settings=codec.settings_from_json(row[4]),
        document=codec.loads(row[5]),
        created_at=row[6],
        updated_at=row[7],
    )


#: The longest text an index column keeps as it is, in UTF-8 bytes. PostgreSQL refuses B-tree
#: entries past about 2.7 KB, and attribute values may be 2,048 characters (8 KB).
MAX_INDEXED_BYTES = 1024


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


@dataclass(frozen=True)
class Dialect:
    """What differs between the engines, as far as the shared SQL is concerned."""

    name: str
    #: Parameter marker of the driver; the SQL here is written with ``?``.
    placeholder: str
    #: Driver exceptions to translate, and the translation (``None``: not ours to map).
    driver_errors: tuple[type[Exception], ...]
    translate: Callable[[Exception], Exception | None]
    #: Lock the pool row in write transactions, serialising each pool's writers (SQLite
    #: needs none: it has one writer at a time).
    lock_pools: bool = False


class SQLTransaction:
    """One transaction on one connection. Implements ``domain.store.Transaction``.

    The SQL is portable (``ON CONFLICT``, ``RETURNING``, row-value keyset predicates);
    the dialect supplies the parameter marker and the error translation.
    """

    def __init__(self, conn: Any, dialect: Dialect, *, writing: bool) -> None:
        self._conn = conn
        self._dialect = dialect
        self._writing = writing

    def _sql(self, sql: str) -> str:
        if self._dialect.placeholder == "?":
            return sql
        return _converted(sql, self._dialect.placeholder)

    def _execute(self, sql: str, params: Sequence[Any]) -> Any:
        try:
            return self._conn.execute(self._sql(sql), params)
        except self._dialect.driver_errors as exc:
            translated = self._dialect.translate(exc)
            if translated is None:
                raise
            raise translated from exc

    def _one(self, sql: str, params: Sequence[Any] = ()) -> Any:
        return self._execute(sql, params).fetchone()

    def _all(self, sql: str, params: Sequence[Any] = ()) -> list[Any]:
        return list(self._execute(sql, params).fetchall())

    def _run(self, sql: str, params: Sequence[Any] = ()) -> None:
        self._execute(sql, params)

    def _insert(self, sql: str, params: Sequence[Any]) -> int:
        """Run an ``INSERT … RETURNING id`` and return the new surrogate id."""
        return int(self._one(sql + " RETURNING id", params)[0])

    # pools ------------------------------------------------------------------------------

    def insert_pool(
        self,
        pool_id: str,
        region: str,
        name: str,
        settings: PoolSettings,
        document: Mapping[str, Any],
        now: float,
    ) -> UserPool:
        key = self._insert(
            "INSERT INTO user_pools (pool_id, region, name, settings, document, created_at,"
            " updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                pool_id,
                region,
                name,
                codec.settings_to_json(settings),
                codec.dumps(document),
                now,
                now,
            ),
        )
        return UserPool(key, pool_id, region, name, settings, document, now, now)

    def get_pool(self, pool_id: str) -> UserPool | None:
        lock = " FOR UPDATE" if self._writing and self._dialect.lock_pools else ""
        row = self._one(
            f"SELECT {_POOL_COLUMNS} FROM user_pools WHERE pool_id = ?{lock}", (pool_id,)
        )
        return _pool(row) if row else None

    def update_pool(self, pool: UserPool) -> None:
        self._run(
            "UPDATE user_pools SET name = ?, settings = ?, document = ?, updated_at = ?"
            " WHERE id = ?",
            (
                pool.name,
                codec.settings_to_json(pool.settings),
                codec.dumps(pool.document),
                pool.updated_at,
                pool.key,
            ),
        )

    def delete_pool(self, pool: UserPool) -> None:
        self._run("DELETE FROM user_pools WHERE id = ?", (pool.key,))

    def list_pools(
        self,
        region: str,
        after: str | None,
        limit: int,
        only: frozenset[str] | None = None,
    ) -> list[UserPool]:
        within = ""
        params: list[Any] = [region, after or ""]
        if only is not None:
            if not only:
                return []
            within = f" AND pool_id IN ({', '.join('?' for _ in only)})"
            params.extend(sorted(only))
        rows = self._all(
            f"SELECT {_POOL_COLUMNS} FROM user_pools WHERE region = ? AND pool_id > ?{within}"
            " ORDER BY pool_id LIMIT ?",
            (*params, limit),
        )
        return [_pool(r) for r in rows]

    def count_users(self, pool: UserPool) -> int:
        return int(self._one("SELECT count(*) FROM users WHERE pool = ?", (pool.key,))[0])

    # signing keys -----------------------------------------------------------------------

    def insert_pool_key(self, pool: UserPool, key: PoolKey) -> None:
        self._run(
            "INSERT INTO signing_keys (pool, purpose, kid, private_pem, created_at, retired_at)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (
                pool.key,
                key.purpose,
                key.key.kid,
                key.key.private_pem.decode("ascii"),
                key.key.created_at,
                key.retired_at,
            ),
        )

    def pool_keys(self, pool: UserPool) -> list[PoolKey]:
        """Every key of the pool, oldest first."""
        rows = self._all(
            "SELECT purpose, private_pem, created_at, retired_at FROM signing_keys"
            " WHERE pool = ? ORDER BY id",
            (pool.key,),
        )
        return [
            PoolKey(purpose, _signing_key(pem, created_at), retired_at)
            for purpose, pem, created_at, retired_at in rows
        ]

    def retire_pool_keys(self, pool: UserPool, now: float) -> None:
        self._run(
            "UPDATE signing_keys SET retired_at = ? WHERE pool = ? AND retired_at IS NULL",
            (now, pool.key),
        )

    def find_pool_key(self, kid: str) -> tuple[str, PoolKey] | None:
        row = self._one(
            "SELECT p.pool_id, k.purpose, k.private_pem, k.created_at, k.retired_at"
            " FROM signing_keys k JOIN user_pools p ON p.id = k.pool WHERE k.kid = ?",
            (kid,),
        )
        if row is None:
            return None
        pool_id, purpose, pem, created_at, retired_at = row
        return pool_id, PoolKey(purpose, _signing_key(pem, created_at), retired_at)

    # app clients ------------------------------------------------------------------------

    def find_client(self, client_id: str) -> str | None:
        row = self._one(
            "SELECT p.pool_id FROM user_pool_clients c JOIN user_pools p ON p.id = c.pool"
            " WHERE c.client_id = ?",
            (client_id,),
        )
        return str(row[0]) if row else None

    def insert_client(self, pool: UserPool, client: AppClient) -> AppClient:
        key = self._insert(
            "INSERT INTO user_pool_clients (pool, client_id, name, secret, settings, document,"
            " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                pool.key,
                client.client_id,
                client.name,
                client.secret,
                codec.client_settings_to_json(client.settings),
                codec.dumps(client.document),
                client.created_at,
                client.updated_at,
            ),
        )
        return codec.replace_key(client, key)

    def get_client(self, pool: UserPool, client_id: str) -> AppClient | None:
        row = self._one(
            f"SELECT {_CLIENT_COLUMNS} FROM user_pool_clients WHERE pool = ? AND client_id = ?",
            (pool.key, client_id),
        )
        return codec.client_from_row(row) if row else None

    def update_client(self, pool: UserPool, client: AppClient) -> None:
        self._run(
            "UPDATE user_pool_clients SET name = ?, settings = ?, document = ?, updated_at = ?"
            " WHERE pool = ? AND id = ?",
            (
                client.name,
                codec.client_settings_to_json(client.settings),
                codec.dumps(client.document),
                client.updated_at,
                pool.key,
                client.key,
            ),
        )

    def delete_client(self, pool: UserPool, client: AppClient) -> None:
        self._run("DELETE FROM user_pool_clients WHERE pool = ? AND id = ?", (pool.key, client.key))

    def count_clients(self, pool: UserPool) -> int:
        row = self._one("SELECT count(*) FROM user_pool_clients WHERE pool = ?", (pool.key,))
        return int(row[0])

    def list_clients(self, pool: UserPool, after: str | None, limit: int) -> list[AppClient]:
        rows = self._all(
            f"SELECT {_CLIENT_COLUMNS} FROM user_pool_clients WHERE pool = ? AND client_id > ?"
            " ORDER BY client_id LIMIT ?",
            (pool.key, after or "", limit),
        )
        return [codec.client_from_row(r) for r in rows]

    # users ------------------------------------------------------------------------------

    def _user_values(self, user: User, keys: SignInKeys) -> list[Any]:
        attrs = dict(user.attributes)
        return [
            user.username,
            user.username_key,
            user.sub,
            user.status.value,
            int(user.enabled),
            *(fit_for_index(attrs.get(name)) for name in _INDEXED_ATTRIBUTES),
            fit_for_index(keys.email),
            fit_for_index(keys.phone),
            fit_for_index(keys.preferred),
            codec.dumps_pairs(user.attributes),
            codec.dumps_pairs(user.mfa_options) if user.mfa_options else None,
            user.password_hash,
            user.password_expires_at,
            user.created_at,
            user.updated_at,
            user.srp_verifier,
            user.failed_attempts,
            user.last_failure_at,
            user.locked_until,
            user.tokens_valid_after,
        ]

    _USER_WRITE_COLUMNS = (
        "username, username_key, sub, user_status, enabled, email, phone_number, name,"
        " given_name, family_name, preferred_username, login_email, login_phone,"
        " login_preferred, attributes, mfa_options, password_hash, password_expires_at,"
        " created_at, updated_at, srp_verifier, failed_attempts, last_failure_at, locked_until,"
        " tokens_valid_after"
    )

    def insert_user(self, pool: UserPool, user: User, keys: SignInKeys) -> User:
        values = self._user_values(user, keys)
        marks = ", ".join("?" for _ in values)
        key = self._insert(
            f"INSERT INTO users (pool, {self._USER_WRITE_COLUMNS}) VALUES (?, {marks})",
            (pool.key, *values),
        )
        return codec.replace_key(user, key)

    def find_user(self, pool: UserPool, by: LookupField, value: str) -> User | None:
        if by not in _LOOKUP_COLUMNS:
            raise ValueError(by)
        row = self._one(
            f"SELECT {_USER_COLUMNS} FROM users WHERE pool = ? AND {by} = ?",
            (pool.key, fit_for_index(value)),
        )
        return _user(row) if row else None

    def get_user(self, pool: UserPool, key: int) -> User | None:
        row = self._one(
            f"SELECT {_USER_COLUMNS} FROM users WHERE pool = ? AND id = ?", (pool.key, key)
        )
        return _user(row) if row else None

    def update_user(self, pool: UserPool, user: User, keys: SignInKeys) -> None:
        sets = ", ".join(f"{c.strip()} = ?" for c in self._USER_WRITE_COLUMNS.split(","))
        self._run(
            f"UPDATE users SET {sets} WHERE pool = ? AND id = ?",
            (*self._user_values(user, keys), pool.key, user.key),
        )

    def delete_user(self, pool: UserPool, user: User) -> None:
        self._run("DELETE FROM users WHERE pool = ? AND id = ?", (pool.key, user.key))

    def list_users(
        self, pool: UserPool, query: UserQuery | None, after: Position | None, limit: int
    ) -> list[User]:
        where = ["pool = ?"]
        params: list[Any] = [pool.key]
        order = "username_key"
        if query is not None:
            column = query.field
            if column not in _QUERY_COLUMNS:
                raise ValueError(column)
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
            f"SELECT {_USER_COLUMNS} FROM users WHERE {' AND '.join(where)}"
            f" ORDER BY {order} LIMIT ?",
            (*params, limit),
        )
        return [_user(r) for r in rows]

    # groups -----------------------------------------------------------------------------

    def insert_group(self, pool: UserPool, group: Group) -> Group:
        key = self._insert(
            "INSERT INTO groups (pool, name, description, role_arn, precedence, created_at,"
            " updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                pool.key,
                group.name,
                group.description,
                group.role_arn,
                group.precedence,
                group.created_at,
                group.updated_at,
            ),
        )
        return codec.replace_key(group, key)

    def get_group(self, pool: UserPool, name: str) -> Group | None:
        row = self._one(
            f"SELECT {_GROUP_COLUMNS} FROM groups WHERE pool = ? AND name = ?", (pool.key, name)
        )
        return _group(row) if row else None

    def update_group(self, pool: UserPool, group: Group) -> None:
        self._run(
            "UPDATE groups SET description = ?, role_arn = ?, precedence = ?, updated_at = ?"
            " WHERE pool = ? AND id = ?",
            (
                group.description,
                group.role_arn,
                group.precedence,
                group.updated_at,
                pool.key,
                group.key,
            ),
        )

    def delete_group(self, pool: UserPool, group: Group) -> None:
        self._run("DELETE FROM groups WHERE pool = ? AND id = ?", (pool.key, group.key))

    def count_groups(self, pool: UserPool) -> int:
        return int(self._one("SELECT count(*) FROM groups WHERE pool = ?", (pool.key,))[0])

    def list_groups(self, pool: UserPool, after: str | None, limit: int) -> list[Group]:
        rows = self._all(
            f"SELECT {_GROUP_COLUMNS} FROM groups WHERE pool = ? AND name > ?"
            " ORDER BY name LIMIT ?",
            (pool.key, after or "", limit),
        )
        return [_group(r) for r in rows]

    # memberships ------------------------------------------------------------------------

    def add_member(self, pool: UserPool, group: Group, user: User) -> None:
        self._run(
            "INSERT INTO memberships (pool, group_id, user_id, user_key, group_name)"
            " VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
            (pool.key, group.key, user.key, user.username_key, group.name),
        )

    def remove_member(self, pool: UserPool, group: Group, user: User) -> None:
        self._run(
            "DELETE FROM memberships WHERE pool = ? AND group_id = ? AND user_key = ?",
            (pool.key, group.key, user.username_key),
        )

    def is_member(self, pool: UserPool, group: Group, user: User) -> bool:
        row = self._one(
            "SELECT 1 FROM memberships WHERE pool = ? AND group_id = ? AND user_key = ?",
            (pool.key, group.key, user.username_key),
        )
        return row is not None

    def count_groups_of(self, pool: UserPool, user: User) -> int:
        row = self._one(
            "SELECT count(*) FROM memberships WHERE pool = ? AND user_id = ?",
            (pool.key, user.key),
        )
        return int(row[0])

    def list_members(
        self, pool: UserPool, group: Group, after: str | None, limit: int
    ) -> list[User]:
        columns = ", ".join(f"u.{c.strip()}" for c in _USER_COLUMNS.split(","))
        rows = self._all(
            f"SELECT {columns} FROM memberships m JOIN users u ON u.id = m.user_id"
            " WHERE m.pool = ? AND m.group_id = ? AND m.user_key > ?"
            " ORDER BY m.user_key LIMIT ?",
            (pool.key, group.key, after or "", limit),
        )
        return [_user(r) for r in rows]

    def list_groups_of(
        self, pool: UserPool, user: User, after: str | None, limit: int
    ) -> list[Group]:
        columns = ", ".join(f"g.{c.strip()}" for c in _GROUP_COLUMNS.split(","))
        rows = self._all(
            f"SELECT {columns} FROM memberships m JOIN groups g ON g.id = m.group_id"
            " WHERE m.pool = ? AND m.user_id = ? AND m.group_name > ?"
            " ORDER BY m.group_name LIMIT ?",
            (pool.key, user.key, after or "", limit),
        )
        return [_group(r) for r in rows]

    # outbox and secrets -----------------------------------------------------------------

    # sign-in state ----------------------------------------------------------------------

    def insert_auth_session(self, pool: UserPool, session: AuthSession, now: float) -> None:
        self._run("DELETE FROM auth_sessions WHERE pool = ? AND expires_at < ?", (pool.key, now))
        self._run(
            "INSERT INTO auth_sessions (pool, user_id, handle_hash, client_id, challenge, state,"
            " expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                pool.key,
                session.user_key,
                session.handle_hash,
                session.client_id,
                session.challenge,
                session.state,
                session.expires_at,
            ),
        )

    def get_auth_session(self, pool: UserPool, handle_hash: str) -> AuthSession | None:
        row = self._one(
            f"SELECT {_SESSION_COLUMNS} FROM auth_sessions WHERE pool = ? AND handle_hash = ?",
            (pool.key, handle_hash),
        )
        return AuthSession(*row) if row else None

    def take_auth_session(self, pool: UserPool, handle_hash: str) -> AuthSession | None:
        row = self._one(
            "DELETE FROM auth_sessions WHERE pool = ? AND handle_hash = ?"
            f" RETURNING {_SESSION_COLUMNS}",
            (pool.key, handle_hash),
        )
        return AuthSession(*row) if row else None

    def insert_token_family(self, pool: UserPool, family: TokenFamily) -> None:
        # The user's families that have run out go, so the table holds live sign-ins only.
        self._run(
            "DELETE FROM refresh_tokens WHERE pool = ? AND user_id = ? AND expires_at < ?",
            (pool.key, family.user_key, family.created_at),
        )
        self._run(
            f"INSERT INTO refresh_tokens (pool, {_FAMILY_COLUMNS})"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                pool.key,
                family.user_key,
                family.client_id,
                family.token_hash,
                family.origin_jti,
                family.auth_time,
                family.created_at,
                family.expires_at,
                family.revoked_at,
            ),
        )

    def find_token_family(self, pool: UserPool, by: str, value: str) -> TokenFamily | None:
        if by not in _FAMILY_LOOKUPS:
            raise ValueError(by)
        row = self._one(
            f"SELECT {_FAMILY_COLUMNS} FROM refresh_tokens WHERE pool = ? AND {by} = ?",
            (pool.key, value),
        )
        return TokenFamily(*row) if row else None

    def revoke_token_family(self, pool: UserPool, origin_jti: str, now: float) -> None:
        self._run(
            "UPDATE refresh_tokens SET revoked_at = ?"
            " WHERE pool = ? AND origin_jti = ? AND revoked_at IS NULL",
            (now, pool.key, origin_jti),
        )

    def count_password_checks(self, pool: UserPool, user: User, now: float) -> int:
        row = self._one(
            "SELECT count(*) FROM password_checks"
            " WHERE pool = ? AND user_id = ? AND expires_at > ?",
            (pool.key, user.key, now),
        )
        return int(row[0])

    def insert_password_check(
        self, pool: UserPool, user: User, now: float, expires_at: float
    ) -> int:
        self._run(
            "DELETE FROM password_checks WHERE pool = ? AND user_id = ? AND expires_at <= ?",
            (pool.key, user.key, now),
        )
        return self._insert(
            "INSERT INTO password_checks (pool, user_id, expires_at) VALUES (?, ?, ?)",
            (pool.key, user.key, expires_at),
        )

    def delete_password_check(self, pool: UserPool, key: int) -> None:
        self._run("DELETE FROM password_checks WHERE pool = ? AND id = ?", (pool.key, key))

    def put_code(self, pool: UserPool, user: User, code: UserCode) -> None:
        self._run(
            "INSERT INTO user_codes (pool, user_id, purpose, code_hash, attribute, expires_at,"
            " failures) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (pool, user_id, purpose) DO"
            " UPDATE SET code_hash = excluded.code_hash, attribute = excluded.attribute,"
            " expires_at = excluded.expires_at, failures = excluded.failures",
            (
                pool.key,
                user.key,
                code.purpose,
                code.code_hash,
                code.attribute,
                code.expires_at,
                code.failures,
            ),
        )

    def get_code(self, pool: UserPool, user: User, purpose: str) -> UserCode | None:
        row = self._one(
            "SELECT purpose, code_hash, attribute, expires_at, failures FROM user_codes"
            " WHERE pool = ? AND user_id = ? AND purpose = ?",
            (pool.key, user.key, purpose),
        )
        return UserCode(*row) if row else None

    def count_code_failure(self, pool: UserPool, user: User, purpose: str) -> None:
        self._run(
            "UPDATE user_codes SET failures = failures + 1"
            " WHERE pool = ? AND user_id = ? AND purpose = ?",
            (pool.key, user.key, purpose),
        )

    def delete_code(self, pool: UserPool, user: User, purpose: str) -> None:
        self._run(
            "DELETE FROM user_codes WHERE pool = ? AND user_id = ? AND purpose = ?",
            (pool.key, user.key, purpose),
        )

    # the outbox and server secrets -------------------------------------------------------

    def add_message(self, message: Message) -> None:
        self._run(
            "INSERT INTO outbox (pool_id, username, medium, destination, subject, body,"
            " created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                message.pool_id,
                message.username,
                message.medium,
                message.destination,
                message.subject,
                message.body,
                message.created_at,
            ),
        )

    def list_messages(self, pool_id: str | None, after: int, limit: int) -> list[Message]:
        sql = (
            "SELECT pool_id, username, medium, destination, subject, body, created_at"
            " FROM outbox WHERE id > ?"
        )
        params: list[Any] = [after]
        if pool_id is not None:
            sql += " AND pool_id = ?"
            params.append(pool_id)
        rows = self._all(sql + " ORDER BY id LIMIT ?", (*params, limit))
        return [Message(*r) for r in rows]

    def secret(self, name: str, create: Callable[[], bytes], now: float) -> bytes:
        row = self._one("SELECT value FROM server_secrets WHERE name = ?", (name,))
        if row is None:
            self._run(
                "INSERT INTO server_secrets (name, value, created_at) VALUES (?, ?, ?)"
                " ON CONFLICT DO NOTHING",
                (name, create(), now),
            )
            row = self._one("SELECT value FROM server_secrets WHERE name = ?", (name,))
        return bytes(row[0])


@lru_cache(maxsize=4096)
def _signing_key(pem: str, created_at: float) -> SigningKey:
    """Keys are parsed once per process: a PEM never changes once stored."""
    return load_signing_key(pem.encode("ascii"), created_at)


@cache
def _converted(sql: str, placeholder: str) -> str:
    """The statement with ``?`` markers replaced (the SQL here has no literal ``?``)."""
    return sql.replace("?", placeholder)
