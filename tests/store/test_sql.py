"""The shared SQL layer (``userpools.store.sql``) and the migrated schema, on both engines,
below the contract: rows are read by column name, and the schema indexes exactly the
searchable attributes."""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from userpools.domain.filters import SearchableAttribute
from userpools.domain.models import (
    AppClient,
    ClientSettings,
    Group,
    User,
    UserPool,
    UserStatus,
)
from userpools.domain.pool_config import AdminCreateUserConfig, MessageTemplate, PoolConfig
from userpools.domain.store import SignInKeys, Store
from userpools.store import open_store, sqlite_url
from userpools.store.sql import SQLTransaction
from userpools.store.sql.clients import CLIENT_COLUMNS, client_from_row
from userpools.store.sql.groups import GROUP_COLUMNS, group_from_row
from userpools.store.sql.pools import POOL_COLUMNS, pool_from_row
from userpools.store.sql.users import USER_COLUMNS, user_from_row
from userpools.store.sqlite import SQLiteTransaction

NOW = 1_700_000_000.5
#: This module's PostgreSQL schema, inside the run's private database.
POSTGRES_SCHEMA = "store_sql"


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def store(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Store]:
    """A migrated store of this module's own, on each engine."""
    url = sqlite_url(tmp_path_factory.mktemp("sql") / "x.db")
    if request.param == "postgres":
        import psycopg

        base = request.getfixturevalue("postgres_url")
        with psycopg.connect(base, autocommit=True) as conn:
            conn.execute(f"CREATE SCHEMA IF NOT EXISTS {POSTGRES_SCHEMA}")
        url = psycopg.conninfo.make_conninfo(base, options=f"-c search_path={POSTGRES_SCHEMA}")
    opened = open_store(url)
    yield opened
    opened.close()


def _reversed(columns: str) -> str:
    return ", ".join(reversed([c.strip() for c in columns.split(",")]))


def _records(tx: SQLTransaction) -> tuple[UserPool, User, Group, AppClient]:
    """One of each record, every column set to a value of its own."""
    pool = tx.insert_pool(
        f"us-east-1_{uuid.uuid4().hex[:9]}",
        "us-east-1",
        "rows",
        PoolConfig(
            alias_attributes=("email",),
            admin_create_user_config=AdminCreateUserConfig(
                invite_message_template=MessageTemplate(sms_message="{####}")
            ),
        ),
        NOW,
    )
    user = tx.insert_user(
        pool,
        User(
            key=0,
            username="Ann",
            username_key="ann",
            sub="sub-ann",
            status=UserStatus.FORCE_CHANGE_PASSWORD,
            enabled=False,
            attributes=(("email", "ann@example.com"), ("name", "Ann")),
            mfa_options=(("SMS", "phone_number"),),
            created_at=NOW,
            updated_at=NOW + 1,
            password_hash="$argon2id$hash",
            password_expires_at=NOW + 2,
            srp_verifier="abc123",
            failed_attempts=3,
            last_failure_at=NOW + 3,
            locked_until=NOW + 4,
            tokens_valid_after=NOW + 5,
        ),
        SignInKeys(email="ann@example.com"),
    )
    group = tx.insert_group(
        pool, Group(0, "admins", "the admins", "arn:aws:iam::1:role/a", 7, NOW, NOW + 1)
    )
    client = tx.insert_client(
        pool,
        AppClient(
            0,
            f"client{uuid.uuid4().hex[:20]}",
            "web",
            "s3cret",
            ClientSettings(explicit_auth_flows=("ALLOW_USER_SRP_AUTH",), read_attributes=("name",)),
            {"ClientName": "web"},
            NOW,
            NOW + 1,
        ),
    )
    return pool, user, group, client


#: Each table with a record mapper: its SELECT list, the mapper, and which of ``_records``.
MAPPERS: list[tuple[str, str, Callable[[Any], object], int]] = [
    ("user_pools", POOL_COLUMNS, pool_from_row, 0),
    ("users", USER_COLUMNS, user_from_row, 1),
    ("groups", GROUP_COLUMNS, group_from_row, 2),
    ("user_pool_clients", CLIENT_COLUMNS, client_from_row, 3),
]


@pytest.mark.parametrize(
    ("table", "columns", "mapper", "which"), MAPPERS, ids=[m[0] for m in MAPPERS]
)
def test_rows_map_by_column_name_whatever_the_select_order(
    store: Store, table: str, columns: str, mapper: Callable[[Any], object], which: int
) -> None:
    """The same row selected with its columns reversed maps to the same record."""
    with store.transaction(write=True) as tx:
        assert isinstance(tx, SQLTransaction)
        record: Any = _records(tx)[which]
        select = f"SELECT {{}} FROM {table} WHERE id = ?"
        as_written = tx._one(select.format(columns), (record.key,))
        reordered = tx._one(select.format(_reversed(columns)), (record.key,))
    assert as_written is not None and reordered is not None
    assert list(reordered) == list(reversed(list(as_written)))  # the order did change
    assert mapper(reordered) == mapper(as_written) == record


def test_a_user_mapped_from_a_row_has_every_field_and_no_other(store: Store) -> None:
    """``user_from_row`` fills the record's ``__dict__`` itself (for speed), so check that it
    sets exactly the dataclass's fields."""
    with store.transaction(write=True) as tx:
        assert isinstance(tx, SQLTransaction)
        user: Any = _records(tx)[1]
        row = tx._one(f"SELECT {USER_COLUMNS} FROM users WHERE id = ?", (user.key,))
    assert row is not None
    mapped = user_from_row(row)
    assert list(vars(mapped)) == [f.name for f in dataclasses.fields(User)]
    assert mapped == user and hash(mapped) == hash(user)
    with pytest.raises(dataclasses.FrozenInstanceError):
        mapped.username = "changed"  # type: ignore[misc]


# the searchable attributes and the schema -------------------------------------------------


def _users_indexes(store: Store) -> list[tuple[str, ...]]:
    """The columns of every index on ``users``, in index order, as migrated."""
    with store.transaction(write=False) as tx:
        assert isinstance(tx, SQLTransaction)
        if isinstance(tx, SQLiteTransaction):
            names = [r["name"] for r in tx._all("SELECT name FROM pragma_index_list('users')")]
            return [
                tuple(
                    r["name"]
                    for r in tx._all(
                        "SELECT name FROM pragma_index_info(?) ORDER BY seqno", (index,)
                    )
                )
                for index in names
            ]
        rows = tx._all(
            "SELECT array_agg(a.attname::text ORDER BY k.n) AS columns"
            " FROM pg_index x JOIN pg_class t ON t.oid = x.indrelid"
            " CROSS JOIN LATERAL unnest(x.indkey::int2[]) WITH ORDINALITY AS k(attnum, n)"
            " JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum"
            " WHERE t.oid = 'users'::regclass GROUP BY x.indexrelid"
        )
        return [tuple(r["columns"]) for r in rows]


def test_schema_has_an_indexed_column_for_exactly_the_searchable_attributes(
    store: Store,
) -> None:
    """The migrations and ``SearchableAttribute`` cannot drift apart: every searchable
    attribute's column leads an index of the pool's users (a keyset scan by value), and
    every index made for such scans, ``(pool, column, username_key)``, is a searchable
    attribute's."""
    indexes = _users_indexes(store)
    searchable = {a.column for a in SearchableAttribute}
    leading = {cols[1] for cols in indexes if len(cols) > 1 and cols[0] == "pool"}
    assert searchable <= leading, f"no index for {sorted(searchable - leading)}"
    scans = {
        cols[1]
        for cols in indexes
        if len(cols) == 3 and cols[0] == "pool" and cols[2] == "username_key"
    }
    assert scans <= searchable, f"not searchable: {sorted(scans - searchable)}"
