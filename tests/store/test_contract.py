"""The store contract: what every ``Store`` backend must do, checked through the protocol.

Everything here goes through ``store.transaction(write=...)`` (one attempt, no retry), the
retrying ``store.read(fn)`` / ``store.write(fn)``, and the ``Transaction`` methods of
``userpools.domain.store``; nothing looks at tables, SQL or driver types. Stores are opened
by URL through the engine registry (``userpools.store.open_store``); a new backend joins by
adding its name to ``BACKENDS`` and its URL to the ``open_store`` fixture.

Two things the suite asks of a backend beyond the protocol's text, because the domain
relies on them:

- write transactions are serialisable: the domain checks, then acts (group limits, alias
  claims), so a read-modify-write inside one must never lose an update;
- each test gets a fresh, empty database, and every store opened by ``open_store`` within
  one test sees that same database.

On PostgreSQL the suite uses its own schema (``store_contract``) in the run's private
database (the ``postgres_url`` fixture), so it never touches the tables of a server the
session may be running there. The schema is migrated once, by the first store opened;
each test then starts with every table emptied and every identity restarted, which is
as empty as a new database (ids start at 1 again). ``DELETE`` plus ``ALTER … RESTART``
takes about a millisecond; ``TRUNCATE … RESTART IDENTITY`` (new files for every table
and index) about 45 ms, and a database per test longer still. Text in PostgreSQL cannot
hold NUL, so no username or value here contains one.

Sort keys compare by Unicode code point (Python's ``sorted`` on ``str``); see
reliability.md §3.4 for why listings are keyset scans anchored on values.
"""

from __future__ import annotations

import dataclasses
import itertools
import random
import threading
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, Literal, TypeVar

import psycopg
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from userpools.domain.errors import InternalError
from userpools.domain.filters import SearchableAttribute
from userpools.domain.models import (
    AppClient,
    AuthEvent,
    AuthSession,
    ClientSecret,
    ClientSettings,
    Group,
    Invocation,
    Message,
    PoolDomain,
    ResourceServer,
    TokenFamily,
    User,
    UserCode,
    UserMfa,
    UserPool,
    UserStatus,
)
from userpools.domain.password_policy import PasswordPolicy
from userpools.domain.pool_config import (
    AdminCreateUserConfig,
    LambdaConfig,
    LambdaVersionConfig,
    MessageTemplate,
    Policies,
    PoolConfig,
    SchemaAttribute,
    StringAttributeConstraints,
    UsernameConfiguration,
)
from userpools.domain.store import (
    Conflict,
    LookupField,
    MemberPage,
    Position,
    Retryable,
    SignInKeys,
    Store,
    Transaction,
    UserQuery,
)
from userpools.store import open_store as open_url
from userpools.store import sqlite_url, transactions
from userpools.store.postgres import PostgresStore

T = TypeVar("T")
P = TypeVar("P")

# backends --------------------------------------------------------------------------------

#: Every backend the contract runs against.
BACKENDS = ("sqlite", "postgres")

#: The PostgreSQL schema of this suite, inside the run's private database.
POSTGRES_SCHEMA = "store_contract"
#: Every table but ``schema_migrations``, referencing tables first; and the identities.
POSTGRES_TABLES = (
    "login_sessions",
    "resource_servers",
    "pool_domains",
    "auth_events",
    "pool_settings",
    "client_secrets",
    "memberships",
    "auth_sessions",
    "refresh_tokens",
    "user_codes",
    "pending_attributes",
    "user_mfa",
    "password_checks",
    "users",
    "groups",
    "user_pool_clients",
    "signing_keys",
    "user_pools",
    "outbox",
    "server_secrets",
    "trigger_invocations",
)
POSTGRES_IDENTITIES = (
    "login_sessions",
    "resource_servers",
    "pool_domains",
    "user_pools",
    "users",
    "groups",
    "user_pool_clients",
    "signing_keys",
    "outbox",
    "password_checks",
    "auth_events",
    "pool_settings",
    "client_secrets",
    "trigger_invocations",
)
_POSTGRES_EMPTY = "; ".join(
    [f"DELETE FROM {table}" for table in POSTGRES_TABLES]
    + [f"ALTER TABLE {table} ALTER COLUMN id RESTART" for table in POSTGRES_IDENTITIES]
)


@pytest.fixture(scope="session")
def contract_postgres_url(postgres_url: str) -> str:
    """A URL whose ``search_path`` is this suite's own, migrated schema."""
    import psycopg

    with psycopg.connect(postgres_url, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA IF NOT EXISTS {POSTGRES_SCHEMA}")
    url = psycopg.conninfo.make_conninfo(postgres_url, options=f"-c search_path={POSTGRES_SCHEMA}")
    open_url(url).close()  # applies the migrations
    with psycopg.connect(url, autocommit=True) as conn:
        tables = conn.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = %s",
            (POSTGRES_SCHEMA,),
        ).fetchall()
    # A table added by a later migration must be emptied between tests too.
    assert {t for (t,) in tables} == {*POSTGRES_TABLES, "schema_migrations"}
    return url


def _empty_postgres(url: str) -> None:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f"BEGIN; {_POSTGRES_EMPTY}; COMMIT".encode())  # one round trip


@pytest.fixture(params=BACKENDS)
def open_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Callable[[], Store]]:
    """Opens store instances on one fresh database; all are closed at teardown."""
    opened: list[Store] = []
    url = sqlite_url(tmp_path / "x.db")
    if request.param == "postgres":
        url = request.getfixturevalue("contract_postgres_url")
        _empty_postgres(url)

    def open_another() -> Store:
        opened.append(open_url(url))  # the same database on every call
        return opened[-1]

    yield open_another
    for store in reversed(opened):
        store.close()


@pytest.fixture
def store(open_store: Callable[[], Store]) -> Store:
    return open_store()


# records ---------------------------------------------------------------------------------

REGION = "us-east-1"
OTHER_REGION = "eu-west-1"
NOW = 1_717_171_717.123456
LATER = NOW + 60.5
POOL_A = "us-east-1_PoolAAAA"
POOL_B = "us-east-1_PoolBBBB"


def add_pool(
    tx: Transaction,
    pool_id: str = POOL_A,
    *,
    region: str = REGION,
    name: str = "pool",
    config: PoolConfig | None = None,
) -> UserPool:
    return tx.insert_pool(pool_id, region, name, config or PoolConfig(), NOW)


def make_user(username: str, **overrides: Any) -> User:
    user = User(
        key=0,
        username=username,
        username_key=username,
        sub=f"sub-{username}",
        status=UserStatus.CONFIRMED,
        enabled=True,
        attributes=(),
        mfa_options=(),
        created_at=NOW,
        updated_at=NOW,
    )
    return dataclasses.replace(user, **overrides)


def add_user(
    tx: Transaction,
    pool: UserPool,
    username: str,
    keys: SignInKeys | None = None,
    **overrides: Any,
) -> User:
    return tx.insert_user(pool, make_user(username, **overrides), keys or SignInKeys())


def make_group(name: str, **overrides: Any) -> Group:
    group = Group(
        key=0,
        name=name,
        description=None,
        role_arn=None,
        precedence=None,
        created_at=NOW,
        updated_at=NOW,
    )
    return dataclasses.replace(group, **overrides)


def add_group(tx: Transaction, pool: UserPool, name: str, **overrides: Any) -> Group:
    return tx.insert_group(pool, make_group(name, **overrides))


def make_message(pool_id: str, username: str, body: str, **overrides: Any) -> Message:
    message = Message(
        pool_id=pool_id,
        username=username,
        medium="EMAIL",
        destination=f"{username}@example.com",
        subject="Your temporary password",
        body=body,
        created_at=NOW,
    )
    return dataclasses.replace(message, **overrides)


def user_keys(users: Sequence[User]) -> list[str]:
    return [u.username_key for u in users]


def group_names(groups: Sequence[Group]) -> list[str]:
    return [g.name for g in groups]


def collect_pages(
    fetch: Callable[[P | None], list[T]], position: Callable[[T], P], limit: int
) -> list[T]:
    """Walk a keyset listing from the start; no page may exceed ``limit``."""
    items: list[T] = []
    after: P | None = None
    for _ in range(10_000):
        page = fetch(after)
        assert len(page) <= limit
        items.extend(page)
        if len(page) < limit:
            return items
        after = position(page[-1])
    raise AssertionError("the listing never ended")


def all_users(tx: Transaction, pool: UserPool, query: UserQuery | None, limit: int) -> list[User]:
    """Every user ``query`` matches, page by page, with positions as the domain builds them:
    ``(username_key,)``, or ``(value, username_key)`` for a prefix query."""

    def position(user: User) -> Position:
        if query is not None and query.prefix:
            return (_value_of(user, query.attribute) or "", user.username_key)
        return (user.username_key,)

    return collect_pages(lambda after: tx.list_users(pool, query, after, limit), position, limit)


def run_in_thread(work: Callable[[], T]) -> T:
    """Run ``work`` on another thread (another connection) and wait for it."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(work).result(timeout=60)


#: Keys whose code-point order differs from naive orders: upper before lower case,
#: precomposed and combining accents, BMP characters above the surrogate gap (which UTF-16
#: order would put after astral ones), astral characters, prefixes of each other.
UNICODE_KEYS = (
    "alice",
    "Bob",
    "a",
    "ab",
    "a-b",
    "007",
    "émile",
    "e\u0301mile",
    "Ωmega",
    "日本",
    "\ud7ff",
    "\ue000",
    "\uffff",
    "\U00010000",
    "😀",
    "\U0010ffff",
    "z\U0010ffff",
)


# pools -----------------------------------------------------------------------------------


def test_insert_pool_get_round_trips_the_config(store: Store) -> None:
    config = PoolConfig(
        policies=Policies(PasswordPolicy(12, False, True, False, True, 5, 3)),
        deletion_protection="ACTIVE",
        lambda_config=LambdaConfig(
            pre_sign_up="arn:aws:lambda:us-east-1:1:function:f",
            custom_sms_sender=LambdaVersionConfig("V1_0", "arn:aws:lambda:us-east-1:1:function:s"),
        ),
        admin_create_user_config=AdminCreateUserConfig(
            True, None, MessageTemplate("短信 {####}", "Bonjour {username}, code {####} 🎉")
        ),
        user_pool_tier="PLUS",
        auto_verified_attributes=(),
        email_verification_subject='quote " backslash \\ tab \t line separator \u2028 \U0010ffff',
        user_pool_tags=(("équipe", "池 🐍"), ("", "empty key")),
        username_attributes=("email", "phone_number"),
        username_configuration=UsernameConfiguration(case_sensitive=False),
        schema_attributes=(
            SchemaAttribute("email", "String", False, True, True, StringAttributeConstraints()),
            SchemaAttribute("dev:ключ", "Number", True, False, False),
        ),
    )
    with store.transaction(write=True) as tx:
        inserted = tx.insert_pool(POOL_A, REGION, "Ünïcödé 池 🐍", config, NOW)
    assert (inserted.id, inserted.region, inserted.name) == (POOL_A, REGION, "Ünïcödé 池 🐍")
    with store.transaction(write=False) as tx:
        got = tx.get_pool(POOL_A)
    assert got == inserted
    assert got.config == config
    assert (got.created_at, got.updated_at) == (NOW, NOW)


def test_get_pool_unknown_id_is_none(store: Store) -> None:
    with store.transaction(write=True) as tx:
        add_pool(tx, POOL_A)
    with store.transaction(write=False) as tx:
        assert tx.get_pool(POOL_B) is None


def test_insert_pool_duplicate_id_conflicts(store: Store) -> None:
    with store.transaction(write=True) as tx:
        add_pool(tx, POOL_A)
    with pytest.raises(Conflict) as caught, store.transaction(write=True) as tx:
        add_pool(tx, POOL_A, region=OTHER_REGION, name="again")
    assert caught.value.constraint == "pool_id"


def test_update_pool_round_trips(store: Store) -> None:
    with store.transaction(write=True) as tx:
        pool = add_pool(tx)
    updated = dataclasses.replace(
        pool,
        name="renamed ✓",
        config=PoolConfig(
            mfa_configuration="OPTIONAL",
            admin_create_user_config=AdminCreateUserConfig(
                invite_message_template=MessageTemplate(email_message="Hé {####}")
            ),
        ),
        updated_at=LATER,
    )
    with store.transaction(write=True) as tx:
        tx.update_pool(updated)
    with store.transaction(write=False) as tx:
        got = tx.get_pool(POOL_A)
    assert got == updated
    assert (got.key, got.created_at, got.region) == (pool.key, NOW, REGION)


def test_list_pools_filters_by_region_in_id_order(store: Store) -> None:
    here = ["us-east-1_b", "us-east-1_A", "us-east-1_a", "us-east-1_Z9"]
    with store.transaction(write=True) as tx:
        for i, pool_id in enumerate(here):
            add_pool(tx, pool_id)
            add_pool(tx, f"eu-west-1_{i}", region=OTHER_REGION)
    with store.transaction(write=False) as tx:
        listed = tx.list_pools(REGION, None, 100)
        elsewhere = tx.list_pools(OTHER_REGION, None, 100)
        nowhere = tx.list_pools("ap-south-1", None, 100)
    assert [p.id for p in listed] == sorted(here)
    assert all(p.region == REGION for p in listed)
    assert [p.id for p in elsewhere] == [f"eu-west-1_{i}" for i in range(4)]
    assert nowhere == []


@pytest.mark.parametrize("limit", [1, 2, 3, 7])
def test_list_pools_pages_with_after_and_limit(store: Store, limit: int) -> None:
    ids = [f"us-east-1_P{i:02}" for i in range(7)]
    with store.transaction(write=True) as tx:
        for pool_id in reversed(ids):
            add_pool(tx, pool_id)
    with store.transaction(write=False) as tx:
        listed = collect_pages(
            lambda after: tx.list_pools(REGION, after, limit), lambda p: p.id, limit
        )
        # The anchor is a value: an id that no longer (or never) existed still works.
        after_gap = tx.list_pools(REGION, "us-east-1_P02x", 100)
        after_last = tx.list_pools(REGION, ids[-1], 100)
    assert [p.id for p in listed] == ids
    assert [p.id for p in after_gap] == ids[3:]
    assert after_last == []


def test_delete_pool_cascades_users_groups_and_memberships(store: Store) -> None:
    with store.transaction(write=True) as tx:
        pools = [add_pool(tx, POOL_A), add_pool(tx, POOL_B)]
        for pool in pools:
            users = [add_user(tx, pool, name) for name in ("ann", "bob")]
            groups = [add_group(tx, pool, name) for name in ("admins", "staff")]
            for group in groups:
                for user in users:
                    tx.add_member(pool, group, user)
    doomed, kept = pools
    with store.transaction(write=False) as tx:
        ann = tx.find_user(doomed, "username_key", "ann")
        admins = tx.get_group(doomed, "admins")
    assert ann is not None and admins is not None
    with store.transaction(write=True) as tx:
        tx.delete_pool(doomed)
    with store.transaction(write=False) as tx:
        assert tx.get_pool(POOL_A) is None
        assert tx.count_users(doomed) == 0
        assert tx.count_groups(doomed) == 0
        assert tx.find_user(doomed, "username_key", "ann") is None
        assert tx.get_group(doomed, "admins") is None
        assert tx.member_page(doomed.id, admins.name, None, 10).members == []
        assert tx.list_groups_of(doomed, ann, None, 10) == []
        assert tx.count_groups_of(doomed, ann) == 0
        assert not tx.is_member(doomed, admins, ann)
        assert tx.list_users(doomed, None, None, 10) == []
        # The other pool is untouched.
        assert tx.get_pool(POOL_B) == kept
        assert tx.count_users(kept) == 2
        assert tx.count_groups(kept) == 2
        kept_admins = tx.get_group(kept, "admins")
        assert kept_admins is not None
        assert user_keys(tx.member_page(kept.id, kept_admins.name, None, 10).members) == [
            "ann",
            "bob",
        ]


def test_count_users_counts_only_that_pool(store: Store) -> None:
    with store.transaction(write=True) as tx:
        a, b = add_pool(tx, POOL_A), add_pool(tx, POOL_B)
        assert tx.count_users(a) == 0
        users = [add_user(tx, a, f"u{i}") for i in range(3)]
        add_user(tx, b, "u0")
    with store.transaction(write=True) as tx:
        tx.delete_user(a, users[0])
    with store.transaction(write=False) as tx:
        assert (tx.count_users(a), tx.count_users(b)) == (2, 1)


# users -----------------------------------------------------------------------------------

LOOKUP_VALUES: dict[LookupField, str] = {
    "username_key": "straße",
    "sub": "5f0c1e9a-Ω-sub",
    "login_email": "ünï@exämple.com",
    "login_phone": "+4915112345678",
    "login_preferred": "straße-π",
}


@pytest.mark.parametrize("field", list(LOOKUP_VALUES))
def test_find_user_by_each_lookup_field(store: Store, field: LookupField) -> None:
    keys = SignInKeys(
        email=LOOKUP_VALUES["login_email"],
        phone=LOOKUP_VALUES["login_phone"],
        preferred=LOOKUP_VALUES["login_preferred"],
    )
    with store.transaction(write=True) as tx:
        pool = add_pool(tx)
        add_user(tx, pool, "decoy", SignInKeys("decoy@example.com", "+1555", "decoy"))
        user = add_user(
            tx,
            pool,
            "Straße",
            keys,
            username_key=LOOKUP_VALUES["username_key"],
            sub=LOOKUP_VALUES["sub"],
            attributes=(("email", "ünï@exämple.com"), ("preferred_username", "straße-π")),
        )
    assert user.key != 0
    with store.transaction(write=False) as tx:
        assert tx.find_user(pool, field, LOOKUP_VALUES[field]) == user
        assert tx.find_user(pool, field, "nobody") is None
        if (shouted := LOOKUP_VALUES[field].upper()) != LOOKUP_VALUES[field]:
            assert tx.find_user(pool, field, shouted) is None  # lookups are exact


@pytest.mark.parametrize("field", list(LOOKUP_VALUES))
def test_find_user_is_scoped_to_its_pool(store: Store, field: LookupField) -> None:
    keys = SignInKeys(
        email=LOOKUP_VALUES["login_email"],
        phone=LOOKUP_VALUES["login_phone"],
        preferred=LOOKUP_VALUES["login_preferred"],
    )
    with store.transaction(write=True) as tx:
        a, b = add_pool(tx, POOL_A), add_pool(tx, POOL_B)
        add_user(tx, a, "x", keys, username_key="straße", sub=LOOKUP_VALUES["sub"])
    with store.transaction(write=False) as tx:
        assert tx.find_user(b, field, LOOKUP_VALUES[field]) is None


#: For each constraint, how a second user collides with the first one.
FIRST_KEYS = SignInKeys(email="first@example.com", phone="+15550001", preferred="first")
SECOND_KEYS = SignInKeys(email="second@example.com", phone="+15550002", preferred="second")
COLLISIONS: dict[str, tuple[dict[str, Any], SignInKeys]] = {
    "username": ({"username_key": "first"}, SECOND_KEYS),
    "sub": ({"sub": "sub-first"}, SECOND_KEYS),
    "login_email": ({}, dataclasses.replace(SECOND_KEYS, email="first@example.com")),
    "login_phone": ({}, dataclasses.replace(SECOND_KEYS, phone="+15550001")),
    "login_preferred": ({}, dataclasses.replace(SECOND_KEYS, preferred="first")),
}


@pytest.mark.parametrize("constraint", list(COLLISIONS))
def test_insert_user_duplicate_conflicts(store: Store, constraint: str) -> None:
    overrides, keys = COLLISIONS[constraint]
    with store.transaction(write=True) as tx:
        pool = add_pool(tx)
        first = add_user(tx, pool, "first", FIRST_KEYS)
    with pytest.raises(Conflict) as caught, store.transaction(write=True) as tx:
        add_user(tx, pool, "FIRST" if constraint == "username" else "second", keys, **overrides)
    assert caught.value.constraint == constraint
    with store.transaction(write=False) as tx:
        assert tx.count_users(pool) == 1
        assert tx.find_user(pool, "username_key", "first") == first


@pytest.mark.parametrize("constraint", list(COLLISIONS))
def test_insert_user_same_values_in_another_pool_do_not_conflict(
    store: Store, constraint: str
) -> None:
    overrides, keys = COLLISIONS[constraint]
    with store.transaction(write=True) as tx:
        a, b, c = (add_pool(tx, pool_id) for pool_id in (POOL_A, POOL_B, "us-east-1_PoolCCCC"))
        in_a = add_user(tx, a, "first", FIRST_KEYS)
        add_user(tx, b, "FIRST" if constraint == "username" else "second", keys, **overrides)
        in_c = add_user(tx, c, "first", FIRST_KEYS)  # an exact copy
    assert in_a.key != in_c.key
    with store.transaction(write=False) as tx:
        assert tx.find_user(a, "login_email", "first@example.com") == in_a
        assert tx.find_user(c, "login_email", "first@example.com") == in_c
        assert (tx.count_users(a), tx.count_users(b), tx.count_users(c)) == (1, 1, 1)


def test_insert_user_null_sign_in_keys_never_conflict(store: Store) -> None:
    shared = (("email", "same@example.com"), ("phone_number", "+15550000"))
    with store.transaction(write=True) as tx:
        pool = add_pool(tx)
        add_user(tx, pool, "keyed", SignInKeys(email="same@example.com"), attributes=shared)
        for i in range(4):
            add_user(tx, pool, f"u{i}", SignInKeys(), attributes=shared)
        add_user(tx, pool, "phone-only", SignInKeys(phone="+15550000"), attributes=shared)
    with store.transaction(write=False) as tx:
        assert tx.count_users(pool) == 6
        found = tx.find_user(pool, "login_email", "same@example.com")
        assert found is not None and found.username == "keyed"


def test_update_user_round_trips(store: Store) -> None:
    with store.transaction(write=True) as tx:
        pool = add_pool(tx)
        user = add_user(
            tx,
            pool,
            "Ann",
            SignInKeys(email="ann@example.com"),
            username_key="ann",
            status=UserStatus.FORCE_CHANGE_PASSWORD,
            attributes=(("email", "ann@example.com"), ("name", "Ann")),
            password_hash="$argon2id$v=19$old",
            password_expires_at=NOW + 7 * 86400,
        )
    updated = dataclasses.replace(
        user,
        status=UserStatus.CONFIRMED,
        enabled=False,
        # deliberately not in any sorted order
        attributes=(
            ("zoneinfo", "Europe/Berlin"),
            ("email", "änn@exämple.com"),
            ("custom:ö", "ü ✓ 😀"),
            ("address", "1 Main St\nSpringfield"),
            ("name", "Ann"),
        ),
        mfa_options=(("SMS", "phone_number"), ("EMAIL", "email")),
        password_hash="$argon2id$v=19$m=65536,t=3,p=4$new",
        password_expires_at=None,
        updated_at=LATER,
    )
    new_keys = SignInKeys(email="änn@exämple.com", phone="+15550100", preferred="annie")
    with store.transaction(write=True) as tx:
        tx.update_user(pool, updated, new_keys)
    with store.transaction(write=False) as tx:
        got = tx.find_user(pool, "username_key", "ann")
        assert got == updated
        assert got is not None and got.key == user.key and got.created_at == NOW
        assert tx.find_user(pool, "login_email", "änn@exämple.com") == updated
        assert tx.find_user(pool, "login_phone", "+15550100") == updated
        assert tx.find_user(pool, "login_preferred", "annie") == updated
        assert tx.find_user(pool, "login_email", "ann@example.com") is None
    cleared = dataclasses.replace(
        updated, mfa_options=(), password_hash=None, attributes=(), enabled=True
    )
    with store.transaction(write=True) as tx:
        tx.update_user(pool, cleared, SignInKeys())
    with store.transaction(write=False) as tx:
        assert tx.find_user(pool, "sub", user.sub) == cleared
        assert tx.find_user(pool, "login_preferred", "annie") is None


def test_update_user_released_sign_in_keys_can_be_claimed(store: Store) -> None:
    keys = SignInKeys(email="x@example.com", phone="+15550001", preferred="x")
    with store.transaction(write=True) as tx:
        pool = add_pool(tx)
        holder = add_user(tx, pool, "holder", keys)
    with store.transaction(write=True) as tx:
        tx.update_user(pool, holder, SignInKeys())
        claimer = add_user(tx, pool, "claimer", keys)
    with store.transaction(write=False) as tx:
        assert tx.find_user(pool, "login_email", "x@example.com") == claimer


UPDATE_COLLISIONS = {"login_email": "email", "login_phone": "phone", "login_preferred": "preferred"}


@pytest.mark.parametrize("constraint", list(UPDATE_COLLISIONS))
def test_update_user_onto_a_taken_sign_in_key_conflicts(store: Store, constraint: str) -> None:
    with store.transaction(write=True) as tx:
        pool = add_pool(tx)
        add_user(tx, pool, "first", FIRST_KEYS)
        second = add_user(tx, pool, "second", SECOND_KEYS)
    taken = getattr(FIRST_KEYS, UPDATE_COLLISIONS[constraint])
    keys = dataclasses.replace(SECOND_KEYS, **{UPDATE_COLLISIONS[constraint]: taken})
    with pytest.raises(Conflict) as caught, store.transaction(write=True) as tx:
        tx.update_user(pool, dataclasses.replace(second, updated_at=LATER), keys)
    assert caught.value.constraint == constraint
    with store.transaction(write=False) as tx:
        assert tx.find_user(pool, "login_email", "second@example.com") == second


def test_update_user_onto_a_taken_sub_conflicts(store: Store) -> None:
    with store.transaction(write=True) as tx:
        pool = add_pool(tx)
        first = add_user(tx, pool, "first")
        second = add_user(tx, pool, "second")
    with pytest.raises(Conflict) as caught, store.transaction(write=True) as tx:
        tx.update_user(pool, dataclasses.replace(second, sub=first.sub), SignInKeys())
    assert caught.value.constraint == "sub"


def test_delete_user_removes_its_memberships(store: Store) -> None:
    with store.transaction(write=True) as tx:
        pool = add_pool(tx)
        doomed, kept = add_user(tx, pool, "doomed"), add_user(tx, pool, "kept")
        groups = [add_group(tx, pool, name) for name in ("g1", "g2")]
        for group in groups:
            tx.add_member(pool, group, doomed)
            tx.add_member(pool, group, kept)
    with store.transaction(write=True) as tx:
        tx.delete_user(pool, doomed)
    with store.transaction(write=False) as tx:
        assert tx.find_user(pool, "username_key", "doomed") is None
        assert tx.count_users(pool) == 1
        assert tx.count_groups_of(pool, doomed) == 0
        assert tx.list_groups_of(pool, doomed, None, 10) == []
        for group in groups:
            assert user_keys(tx.member_page(pool.id, group.name, None, 10).members) == ["kept"]
            assert not tx.is_member(pool, group, doomed)
        assert tx.count_groups_of(pool, kept) == 2
    # A user re-created under the old name starts with no groups.
    with store.transaction(write=True) as tx:
        again = add_user(tx, pool, "doomed")
    with store.transaction(write=False) as tx:
        assert again.key != doomed.key
        assert tx.count_groups_of(pool, again) == 0
        assert tx.list_groups_of(pool, again, None, 10) == []
        assert not any(tx.is_member(pool, group, again) for group in groups)


# list_users ------------------------------------------------------------------------------


@pytest.mark.parametrize("limit", [1, 2, 3, 5, 100])
def test_list_users_pages_by_username_key_in_code_point_order(store: Store, limit: int) -> None:
    shuffled = list(UNICODE_KEYS)
    random.Random(7).shuffle(shuffled)
    with store.transaction(write=True) as tx:
        pool, other = add_pool(tx, POOL_A), add_pool(tx, POOL_B)
        for key in shuffled:
            add_user(tx, pool, key.upper(), username_key=key, sub=f"sub-{key}")
        add_user(tx, other, "intruder")
    with store.transaction(write=False) as tx:
        listed = all_users(tx, pool, None, limit)
    assert user_keys(listed) == sorted(UNICODE_KEYS)


def test_list_users_never_exceeds_limit(store: Store) -> None:
    with store.transaction(write=True) as tx:
        pool = add_pool(tx)
        for i in range(5):
            add_user(tx, pool, f"u{i}", attributes=(("email", "same@example.com"),))
    email = UserQuery(SearchableAttribute.EMAIL, "same@example.com")
    prefix = UserQuery(SearchableAttribute.EMAIL, "same", prefix=True)
    with store.transaction(write=False) as tx:
        for limit in range(8):
            for query in (None, email, prefix):
                assert len(tx.list_users(pool, query, None, limit)) == min(limit, 5)


def _exact_query_users() -> list[User]:
    ann_like = (
        ("email", "shared@example.com"),
        ("phone_number", "+15550100"),
        ("name", "Zoë Ünal"),
        ("given_name", "Zoë"),
        ("family_name", "Ünal"),
        ("preferred_username", "zed"),
    )
    bob_like = (
        ("email", "bob@example.com"),
        ("phone_number", "+15550199"),
        ("name", "Bob"),
        ("given_name", "Bob"),
        ("family_name", "Builder"),
        ("preferred_username", "bobby"),
    )
    return [
        make_user("Ann", username_key="ann", attributes=ann_like),
        make_user("Bob", username_key="bob", attributes=bob_like, enabled=False),
        make_user("Cat", username_key="cat", attributes=tuple(reversed(ann_like)), sub="sub-ζ-cat"),
        make_user("Dan", username_key="dan", status=UserStatus.RESET_REQUIRED, enabled=False),
        make_user("Eve", username_key="eve", status=UserStatus.UNCONFIRMED),
    ]


EXACT_QUERIES: list[tuple[SearchableAttribute, str | int, list[str]]] = [
    (SearchableAttribute.USERNAME, "Cat", ["cat"]),
    (SearchableAttribute.USERNAME, "cat", []),  # the username as sent, not the folded key
    (SearchableAttribute.EMAIL, "shared@example.com", ["ann", "cat"]),
    (SearchableAttribute.EMAIL, "SHARED@example.com", []),
    (SearchableAttribute.PHONE_NUMBER, "+15550100", ["ann", "cat"]),
    (SearchableAttribute.NAME, "Zoë Ünal", ["ann", "cat"]),
    (SearchableAttribute.NAME, "Zoë", []),  # exact, not prefix
    (SearchableAttribute.GIVEN_NAME, "Zoë", ["ann", "cat"]),
    (SearchableAttribute.FAMILY_NAME, "Builder", ["bob"]),
    (SearchableAttribute.PREFERRED_USERNAME, "zed", ["ann", "cat"]),
    (SearchableAttribute.USER_STATUS, "CONFIRMED", ["ann", "bob", "cat"]),
    (SearchableAttribute.USER_STATUS, "RESET_REQUIRED", ["dan"]),
    (SearchableAttribute.USER_STATUS, "UNCONFIRMED", ["eve"]),
    (SearchableAttribute.STATUS, 1, ["ann", "cat", "eve"]),
    (SearchableAttribute.STATUS, 0, ["bob", "dan"]),
    (SearchableAttribute.SUB, "sub-ζ-cat", ["cat"]),
    (SearchableAttribute.SUB, "sub-Bob", ["bob"]),
]


@pytest.mark.parametrize(("field", "value", "expected"), EXACT_QUERIES)
def test_list_users_exact_query_on_each_field(
    store: Store, field: SearchableAttribute, value: str | int, expected: list[str]
) -> None:
    with store.transaction(write=True) as tx:
        pool, other = add_pool(tx, POOL_A), add_pool(tx, POOL_B)
        for user in _exact_query_users():
            tx.insert_user(pool, user, SignInKeys())
            tx.insert_user(other, user, SignInKeys())  # same values in another pool
    with store.transaction(write=False) as tx:
        listed = tx.list_users(pool, UserQuery(field, value), None, 100)
    assert user_keys(listed) == expected


@pytest.mark.parametrize("limit", [1, 2, 4])
def test_list_users_exact_query_pages_with_after(store: Store, limit: int) -> None:
    matching = ["😀", "b", "a", "\ue000", "Z", "\U00010000"]
    with store.transaction(write=True) as tx:
        pool = add_pool(tx)
        for key in matching:
            add_user(tx, pool, key, attributes=(("email", "same@example.com"),))
        for key in ("aa", "c", "\uffff"):
            add_user(tx, pool, key, attributes=(("email", "other@example.com"),))
    query = UserQuery(SearchableAttribute.EMAIL, "same@example.com")
    with store.transaction(write=False) as tx:
        listed = all_users(tx, pool, query, limit)
    assert user_keys(listed) == sorted(matching)


#: Values around the edges of prefix ranges: case, accents, both sides of the surrogate gap
#: (U+D7FF, U+E000), the end of the BMP, astral characters and U+10FFFF itself.
PREFIX_VALUES = (
    "a",
    "aa",
    "ab",
    "A",
    "a\ud7ff",
    "a\ue000",
    "a\uffff",
    "a\U00010000",
    "a\U0010ffff",
    "a\U0010ffff\U0010ffff",
    "b",
    "\ud7ff",
    "\ud7ffz",
    "\ue000",
    "\uffff",
    "\U0010ffff",
    "\U0010ffffx",
    "é",
    "e\u0301",
    "zz",
)
PREFIXES = (
    "",
    "a",
    "A",
    "ab",
    "a\ud7ff",
    "a\uffff",
    "a\U0010ffff",
    "\ud7ff",
    "\U0010ffff",
    "\U0010ffff\U0010ffff",
    "é",
    "nothing",
)
TEXT_FIELDS: tuple[SearchableAttribute, ...] = (
    SearchableAttribute.USERNAME,
    SearchableAttribute.EMAIL,
    SearchableAttribute.PHONE_NUMBER,
    SearchableAttribute.NAME,
    SearchableAttribute.GIVEN_NAME,
    SearchableAttribute.FAMILY_NAME,
    SearchableAttribute.PREFERRED_USERNAME,
    SearchableAttribute.SUB,
)


def _value_of(user: User, field: SearchableAttribute) -> str | None:
    if field == SearchableAttribute.USERNAME:
        return user.username
    if field == SearchableAttribute.SUB:
        return user.sub
    if field == SearchableAttribute.USER_STATUS:
        return user.status.value
    return user.attribute(field)


def _users_with_values(field: SearchableAttribute) -> list[User]:
    """One user per value (keys in the reverse order of values), plus ties and blanks."""
    values = list(PREFIX_VALUES)
    if field != "sub":  # sub is unique; the others may repeat
        values += ["ab", "a\U0010ffff", "ab"]
    users = []
    for i, value in enumerate(values):
        key = f"k{99 - i:02}"
        if field == "username":
            users.append(make_user(value, username_key=key, sub=f"sub-{key}"))
        elif field == "sub":
            users.append(make_user(key, sub=value))
        else:
            users.append(make_user(key, attributes=((field, value),)))
    users.append(make_user("blank"))  # no attributes: never matches, not even ""
    return users


@pytest.mark.parametrize("field", TEXT_FIELDS)
def test_list_users_prefix_query_pages_by_value_then_key(
    store: Store, field: SearchableAttribute
) -> None:
    users = _users_with_values(field)
    with store.transaction(write=True) as tx:
        pool, other = add_pool(tx, POOL_A), add_pool(tx, POOL_B)
        for user in users:
            tx.insert_user(pool, user, SignInKeys())
        tx.insert_user(other, make_user("kx", attributes=((field, "a"),), sub="a"), SignInKeys())
    for prefix in PREFIXES:
        expected = sorted(
            (value, u.username_key)
            for u in users
            if (value := _value_of(u, field)) is not None and value.startswith(prefix)
        )
        query = UserQuery(field, prefix, prefix=True)
        for limit in (1, 3, 100):
            with store.transaction(write=False) as tx:
                listed = all_users(tx, pool, query, limit)
            got = [(_value_of(u, field), u.username_key) for u in listed]
            assert got == expected, f"prefix {prefix!r}, limit {limit}"


def test_list_users_prefix_query_on_user_status(store: Store) -> None:
    statuses = list(UserStatus) * 2
    with store.transaction(write=True) as tx:
        pool = add_pool(tx)
        users = [add_user(tx, pool, f"u{i:02}", status=s) for i, s in enumerate(statuses)]
    for prefix in ("", "C", "CONFIRMED", "R", "F", "unconfirmed", "X"):
        expected = sorted(
            (u.status.value, u.username_key) for u in users if u.status.value.startswith(prefix)
        )
        query = UserQuery(SearchableAttribute.USER_STATUS, prefix, prefix=True)
        with store.transaction(write=False) as tx:
            listed = all_users(tx, pool, query, 2)
        assert [(u.status.value, u.username_key) for u in listed] == expected, prefix


def test_list_users_prefix_after_a_deleted_anchor_continues(store: Store) -> None:
    with store.transaction(write=True) as tx:
        pool = add_pool(tx)
        users = {
            key: add_user(tx, pool, key, attributes=(("name", name),))
            for key, name in [("u1", "Ann"), ("u2", "Anna"), ("u3", "Anna"), ("u4", "Annabel")]
        }
    query = UserQuery(SearchableAttribute.NAME, "Ann", prefix=True)
    with store.transaction(write=False) as tx:
        first = tx.list_users(pool, query, None, 2)
    assert user_keys(first) == ["u1", "u2"]
    with store.transaction(write=True) as tx:
        tx.delete_user(pool, users["u2"])
    position: Position = ("Anna", "u2")
    with store.transaction(write=False) as tx:
        assert user_keys(tx.list_users(pool, query, position, 10)) == ["u3", "u4"]


# groups ----------------------------------------------------------------------------------


def test_insert_group_get_round_trips(store: Store) -> None:
    with store.transaction(write=True) as tx:
        pool = add_pool(tx)
        group = add_group(
            tx,
            pool,
            "Админы 🛡",
            description="Ünïcödé description",
            role_arn="arn:aws:iam::123456789012:role/admins",
            precedence=0,
        )
        bare = add_group(tx, pool, "bare")
    assert group.key != 0 and bare.key != group.key
    with store.transaction(write=False) as tx:
        assert tx.get_group(pool, "Админы 🛡") == group
        assert tx.get_group(pool, "bare") == bare
        assert tx.get_group(pool, "админы 🛡") is None
        assert tx.get_group(pool, "missing") is None


def test_insert_group_duplicate_name_conflicts(store: Store) -> None:
    with store.transaction(write=True) as tx:
        pool = add_pool(tx)
        group = add_group(tx, pool, "admins", description="first")
    with pytest.raises(Conflict) as caught, store.transaction(write=True) as tx:
        add_group(tx, pool, "admins", description="second")
    assert caught.value.constraint == "group_name"
    with store.transaction(write=False) as tx:
        assert tx.get_group(pool, "admins") == group
        assert tx.count_groups(pool) == 1


def test_insert_group_same_name_in_another_pool_is_allowed(store: Store) -> None:
    with store.transaction(write=True) as tx:
        a, b = add_pool(tx, POOL_A), add_pool(tx, POOL_B)
        in_a, in_b = add_group(tx, a, "admins"), add_group(tx, b, "admins")
    assert in_a.key != in_b.key
    with store.transaction(write=False) as tx:
        assert tx.get_group(a, "admins") == in_a
        assert tx.get_group(b, "admins") == in_b


def test_update_group_round_trips(store: Store) -> None:
    with store.transaction(write=True) as tx:
        pool = add_pool(tx)
        group = add_group(tx, pool, "admins", description="old", precedence=5)
    updated = dataclasses.replace(
        group,
        description="nouvelle déscription",
        role_arn="arn:aws:iam::123456789012:role/new",
        precedence=2_000_000_000,
        updated_at=LATER,
    )
    with store.transaction(write=True) as tx:
        tx.update_group(pool, updated)
    with store.transaction(write=False) as tx:
        assert tx.get_group(pool, "admins") == updated
    cleared = dataclasses.replace(updated, description=None, role_arn=None, precedence=None)
    with store.transaction(write=True) as tx:
        tx.update_group(pool, cleared)
    with store.transaction(write=False) as tx:
        got = tx.get_group(pool, "admins")
    assert got == cleared
    assert got is not None and (got.key, got.created_at) == (group.key, NOW)


def test_delete_group_cascades_memberships(store: Store) -> None:
    with store.transaction(write=True) as tx:
        pool = add_pool(tx)
        users = [add_user(tx, pool, name) for name in ("ann", "bob")]
        doomed, kept = add_group(tx, pool, "doomed"), add_group(tx, pool, "kept")
        for user in users:
            tx.add_member(pool, doomed, user)
            tx.add_member(pool, kept, user)
    with store.transaction(write=True) as tx:
        tx.delete_group(pool, doomed)
    with store.transaction(write=False) as tx:
        assert tx.get_group(pool, "doomed") is None
        assert tx.member_page(pool.id, doomed.name, None, 10).members == []
        for user in users:
            assert group_names(tx.list_groups_of(pool, user, None, 10)) == ["kept"]
            assert tx.count_groups_of(pool, user) == 1
            assert not tx.is_member(pool, doomed, user)
        assert tx.count_users(pool) == 2


def test_delete_group_recreated_name_starts_empty(store: Store) -> None:
    with store.transaction(write=True) as tx:
        pool = add_pool(tx)
        user = add_user(tx, pool, "ann")
        old = add_group(tx, pool, "admins")
        tx.add_member(pool, old, user)
    with store.transaction(write=True) as tx:
        tx.delete_group(pool, old)
        new = add_group(tx, pool, "admins")
    assert new.key != old.key
    with store.transaction(write=False) as tx:
        assert tx.member_page(pool.id, new.name, None, 10).members == []
        assert not tx.is_member(pool, new, user)
        assert tx.count_groups_of(pool, user) == 0


def test_count_groups_counts_only_that_pool(store: Store) -> None:
    with store.transaction(write=True) as tx:
        a, b = add_pool(tx, POOL_A), add_pool(tx, POOL_B)
        assert tx.count_groups(a) == 0
        groups = [add_group(tx, a, f"g{i}") for i in range(3)]
        add_group(tx, b, "g0")
        tx.delete_group(a, groups[1])
        assert (tx.count_groups(a), tx.count_groups(b)) == (2, 1)


@pytest.mark.parametrize("limit", [1, 2, 5, 100])
def test_list_groups_pages_by_name(store: Store, limit: int) -> None:
    names = list(UNICODE_KEYS)
    random.Random(3).shuffle(names)
    with store.transaction(write=True) as tx:
        pool, other = add_pool(tx, POOL_A), add_pool(tx, POOL_B)
        for name in names:
            add_group(tx, pool, name)
        add_group(tx, other, "intruder")
    with store.transaction(write=False) as tx:
        listed = collect_pages(
            lambda after: tx.list_groups(pool, after, limit), lambda g: g.name, limit
        )
        after_gap = tx.list_groups(pool, "a\U0010ffff", 100)
    assert group_names(listed) == sorted(UNICODE_KEYS)
    assert group_names(after_gap) == [n for n in sorted(UNICODE_KEYS) if n > "a\U0010ffff"]


# memberships -----------------------------------------------------------------------------


def test_add_member_is_idempotent(store: Store) -> None:
    with store.transaction(write=True) as tx:
        pool = add_pool(tx)
        user, group = add_user(tx, pool, "ann"), add_group(tx, pool, "admins")
        tx.add_member(pool, group, user)
        tx.add_member(pool, group, user)
    with store.transaction(write=True) as tx:
        tx.add_member(pool, group, user)
    with store.transaction(write=False) as tx:
        assert tx.member_page(pool.id, group.name, None, 10).members == [user]
        assert tx.list_groups_of(pool, user, None, 10) == [group]
        assert tx.count_groups_of(pool, user) == 1


def test_remove_member_of_a_non_member_is_a_no_op(store: Store) -> None:
    with store.transaction(write=True) as tx:
        pool = add_pool(tx)
        ann, bob = add_user(tx, pool, "ann"), add_user(tx, pool, "bob")
        group, other = add_group(tx, pool, "admins"), add_group(tx, pool, "other")
        tx.add_member(pool, group, ann)
        tx.add_member(pool, other, bob)
    with store.transaction(write=True) as tx:
        tx.remove_member(pool, group, bob)
        tx.remove_member(pool, other, ann)
    with store.transaction(write=False) as tx:
        assert tx.member_page(pool.id, group.name, None, 10).members == [ann]
        assert tx.member_page(pool.id, other.name, None, 10).members == [bob]
    with store.transaction(write=True) as tx:
        tx.remove_member(pool, group, ann)
        tx.remove_member(pool, group, ann)
    with store.transaction(write=False) as tx:
        assert tx.member_page(pool.id, group.name, None, 10).members == []
        assert tx.member_page(pool.id, other.name, None, 10).members == [bob]


def test_is_member_reflects_add_and_remove(store: Store) -> None:
    with store.transaction(write=True) as tx:
        pool = add_pool(tx)
        ann, bob = add_user(tx, pool, "ann"), add_user(tx, pool, "bob")
        group = add_group(tx, pool, "admins")
        assert not tx.is_member(pool, group, ann)
        tx.add_member(pool, group, ann)
    with store.transaction(write=False) as tx:
        assert tx.is_member(pool, group, ann)
        assert not tx.is_member(pool, group, bob)
    with store.transaction(write=True) as tx:
        tx.remove_member(pool, group, ann)
    with store.transaction(write=False) as tx:
        assert not tx.is_member(pool, group, ann)


def test_count_groups_of_counts_only_that_user(store: Store) -> None:
    with store.transaction(write=True) as tx:
        pool = add_pool(tx)
        ann, bob = add_user(tx, pool, "ann"), add_user(tx, pool, "bob")
        groups = [add_group(tx, pool, f"g{i}") for i in range(4)]
        for group in groups:
            tx.add_member(pool, group, ann)
        tx.add_member(pool, groups[0], bob)
        tx.remove_member(pool, groups[3], ann)
    with store.transaction(write=False) as tx:
        assert (tx.count_groups_of(pool, ann), tx.count_groups_of(pool, bob)) == (3, 1)


@pytest.mark.parametrize("limit", [1, 2, 3, 100])
def test_list_members_pages_by_user_key(store: Store, limit: int) -> None:
    keys = list(UNICODE_KEYS)
    random.Random(5).shuffle(keys)
    with store.transaction(write=True) as tx:
        pool = add_pool(tx)
        group, other = add_group(tx, pool, "group"), add_group(tx, pool, "other")
        users = {key: add_user(tx, pool, key) for key in keys}
        for key in keys:
            tx.add_member(pool, group, users[key])
        outsider = add_user(tx, pool, "outsider")
        tx.add_member(pool, other, outsider)
    with store.transaction(write=False) as tx:
        listed = collect_pages(
            lambda after: tx.member_page(pool.id, group.name, after, limit).members,
            lambda u: u.username_key,
            limit,
        )
    assert listed == [users[key] for key in sorted(keys)]


def test_member_page_finds_the_pool_and_the_group_by_name(store: Store) -> None:
    with store.transaction(write=True) as tx:
        pool = add_pool(tx)
        group, empty = add_group(tx, pool, "group"), add_group(tx, pool, "empty")
        ann = add_user(tx, pool, "ann")
        tx.add_member(pool, group, ann)
        other = add_pool(tx, POOL_B)
        add_group(tx, other, "only-in-b")
    with store.transaction(write=False) as tx:
        assert tx.member_page(pool.id, "group", None, 10) == MemberPage(
            pool.key, REGION, group, [ann]
        )
        assert tx.member_page(pool.id, "group", "ann", 10) == MemberPage(
            pool.key, REGION, group, []
        )
        assert tx.member_page(pool.id, "empty", None, 10) == MemberPage(pool.key, REGION, empty, [])
        assert tx.member_page(pool.id, "only-in-b", None, 10) == MemberPage(
            pool.key, REGION, None, []
        )
        missing = MemberPage(None, None, None, [])
        assert tx.member_page("us-east-1_NoSuchOne", "group", None, 10) == missing


def test_list_members_after_a_removed_anchor_continues(store: Store) -> None:
    with store.transaction(write=True) as tx:
        pool = add_pool(tx)
        group = add_group(tx, pool, "group")
        users = [add_user(tx, pool, key) for key in ("a", "b", "c", "d")]
        for user in users:
            tx.add_member(pool, group, user)
    with store.transaction(write=True) as tx:
        tx.remove_member(pool, group, users[1])
        tx.delete_user(pool, users[2])
    with store.transaction(write=False) as tx:
        assert user_keys(tx.member_page(pool.id, group.name, "b", 10).members) == ["d"]


@pytest.mark.parametrize("limit", [1, 2, 3, 100])
def test_list_groups_of_pages_by_group_name(store: Store, limit: int) -> None:
    names = list(UNICODE_KEYS)
    random.Random(9).shuffle(names)
    with store.transaction(write=True) as tx:
        pool = add_pool(tx)
        ann, bob = add_user(tx, pool, "ann"), add_user(tx, pool, "bob")
        groups = {name: add_group(tx, pool, name) for name in names}
        for name in names:
            tx.add_member(pool, groups[name], ann)
        tx.add_member(pool, add_group(tx, pool, "bob only"), bob)
    with store.transaction(write=False) as tx:
        listed = collect_pages(
            lambda after: tx.list_groups_of(pool, ann, after, limit), lambda g: g.name, limit
        )
    assert listed == [groups[name] for name in sorted(names)]


#: (pool passed, group's pool, user's pool): every way a membership could cross pools.
CROSSINGS = [("b", "b", "a"), ("a", "b", "a"), ("a", "b", "b"), ("a", "a", "b")]


@pytest.mark.parametrize(("pool_of_call", "pool_of_group", "pool_of_user"), CROSSINGS)
def test_add_member_across_pools_conflicts(
    store: Store, pool_of_call: str, pool_of_group: str, pool_of_user: str
) -> None:
    # The same names in both pools, so only surrogate ids tell them apart.
    with store.transaction(write=True) as tx:
        pools = {"a": add_pool(tx, POOL_A), "b": add_pool(tx, POOL_B)}
        users = {p: add_user(tx, pool, "ann") for p, pool in pools.items()}
        groups = {p: add_group(tx, pool, "admins") for p, pool in pools.items()}
    with pytest.raises(Conflict), store.transaction(write=True) as tx:
        tx.add_member(pools[pool_of_call], groups[pool_of_group], users[pool_of_user])
    with store.transaction(write=False) as tx:
        for p, pool in pools.items():
            assert tx.member_page(pool.id, groups[p].name, None, 10).members == []
            assert tx.list_groups_of(pool, users[p], None, 10) == []
            assert tx.count_groups_of(pool, users[p]) == 0
            assert not tx.is_member(pool, groups[p], users[p])


# surrogate ids ---------------------------------------------------------------------------


def _new_pool(tx: Transaction, base: UserPool, name: str) -> int:
    return add_pool(tx, f"us-east-1_{name}").key


def _drop_pool(tx: Transaction, base: UserPool, name: str) -> None:
    pool = tx.get_pool(f"us-east-1_{name}")
    assert pool is not None
    tx.delete_pool(pool)


def _new_user(tx: Transaction, base: UserPool, name: str) -> int:
    return add_user(tx, base, name).key


def _drop_user(tx: Transaction, base: UserPool, name: str) -> None:
    user = tx.find_user(base, "username_key", name)
    assert user is not None
    tx.delete_user(base, user)


def _new_group(tx: Transaction, base: UserPool, name: str) -> int:
    return add_group(tx, base, name).key


def _drop_group(tx: Transaction, base: UserPool, name: str) -> None:
    group = tx.get_group(base, name)
    assert group is not None
    tx.delete_group(base, group)


Create = Callable[[Transaction, UserPool, str], int]
Drop = Callable[[Transaction, UserPool, str], None]
KINDS: dict[str, tuple[Create, Drop]] = {
    "pool": (_new_pool, _drop_pool),
    "user": (_new_user, _drop_user),
    "group": (_new_group, _drop_group),
}


@pytest.mark.parametrize("kind", list(KINDS))
def test_surrogate_ids_are_never_reused_after_deleting_the_newest(
    open_store: Callable[[], Store], kind: str
) -> None:
    create, drop = KINDS[kind]
    store = open_store()
    with store.transaction(write=True) as tx:
        base = add_pool(tx, "us-east-1_Base")
        create(tx, base, "first")
        newest = create(tx, base, "second")
    with store.transaction(write=True) as tx:
        drop(tx, base, "second")
    with store.transaction(write=True) as tx:
        again = create(tx, base, "second")
    assert again > newest
    # ... nor by another store instance on the same database, as after a restart.
    with store.transaction(write=True) as tx:
        drop(tx, base, "second")
    with open_store().transaction(write=True) as tx:
        once_more = create(tx, base, "second")
    assert once_more > again


# transactions ----------------------------------------------------------------------------


class Boom(Exception):
    pass


def test_write_runs_the_function_and_commits_what_it_returns(store: Store) -> None:
    pool = store.write(lambda tx: add_pool(tx, POOL_A))
    assert store.read(lambda tx: tx.get_pool(POOL_A)) == pool


def test_write_runs_again_after_a_lost_race_and_keeps_one_result(store: Store) -> None:
    """``Retryable`` (a lost race) rolls the attempt back and runs the function again, in a
    fresh transaction: what the lost attempt wrote is gone, what the last one wrote is kept."""
    attempts: list[int] = []

    def add_once(tx: Transaction) -> int:
        pool = tx.get_pool(POOL_A) or add_pool(tx, POOL_A)
        tx.add_message(make_message(POOL_A, "user", f"attempt {len(attempts)}"))
        attempts.append(len(tx.list_messages(None, 0, 10)))
        if len(attempts) < 3:
            raise Retryable("lost a race")
        return pool.key

    store.write(add_once)
    assert attempts == [1, 1, 1]  # each attempt started from nothing
    messages = store.read(lambda tx: tx.list_messages(None, 0, 10))
    assert [m.body for m in messages] == ["attempt 2"]


def test_write_gives_up_after_the_last_attempt(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(transactions, "BACKOFF_SECONDS", 0.0)
    calls: list[None] = []

    def always_lose(tx: Transaction) -> None:
        add_pool(tx, POOL_A)
        calls.append(None)
        raise Retryable("lost a race")

    with pytest.raises(InternalError):
        store.write(always_lose)
    assert len(calls) == transactions.MAX_ATTEMPTS
    assert store.read(lambda tx: tx.get_pool(POOL_A)) is None


def test_write_does_not_run_again_after_other_errors(store: Store) -> None:
    calls: list[None] = []

    def fails(tx: Transaction) -> None:
        add_pool(tx, POOL_A)
        calls.append(None)
        raise Boom

    with pytest.raises(Boom):
        store.write(fails)
    assert len(calls) == 1
    assert store.read(lambda tx: tx.get_pool(POOL_A)) is None


def test_write_exception_rolls_back_everything(store: Store) -> None:
    with store.transaction(write=True) as tx:
        pool = add_pool(tx, POOL_A)
        keep = add_user(tx, pool, "keep", SignInKeys(email="keep@example.com"))
        group, spare = add_group(tx, pool, "group"), add_group(tx, pool, "spare")
        tx.add_member(pool, spare, keep)
    with pytest.raises(Boom), store.transaction(write=True) as tx:
        add_pool(tx, POOL_B)
        add_user(tx, pool, "new", SignInKeys(email="new@example.com"))
        tx.add_member(pool, group, keep)
        tx.remove_member(pool, spare, keep)
        tx.update_user(pool, dataclasses.replace(keep, enabled=False), SignInKeys())
        tx.update_pool(dataclasses.replace(pool, name="renamed", updated_at=LATER))
        tx.update_group(pool, dataclasses.replace(group, description="changed"))
        tx.delete_group(pool, spare)
        tx.add_message(make_message(POOL_A, "new", "hello"))
        raise Boom
    with store.transaction(write=False) as tx:
        assert tx.get_pool(POOL_B) is None
        assert tx.get_pool(POOL_A) == pool
        assert tx.find_user(pool, "username_key", "new") is None
        assert tx.find_user(pool, "login_email", "keep@example.com") == keep
        assert tx.get_group(pool, "group") == group
        assert tx.get_group(pool, "spare") == spare
        assert group_names(tx.list_groups_of(pool, keep, None, 10)) == ["spare"]
        assert tx.list_messages(None, 0, 10) == []
    with store.transaction(write=True) as tx:  # the store is still usable
        add_user(tx, pool, "after")
    with store.transaction(write=False) as tx:
        assert tx.count_users(pool) == 2


def test_write_conflict_rolls_back_earlier_changes(store: Store) -> None:
    with store.transaction(write=True) as tx:
        pool = add_pool(tx)
        add_user(tx, pool, "taken")
    with pytest.raises(Conflict), store.transaction(write=True) as tx:
        add_user(tx, pool, "fresh")
        add_group(tx, pool, "fresh")
        add_user(tx, pool, "taken", sub="another-sub")
    with store.transaction(write=False) as tx:
        assert tx.find_user(pool, "username_key", "fresh") is None
        assert tx.get_group(pool, "fresh") is None
    with store.transaction(write=True) as tx:
        add_user(tx, pool, "fresh")
    with store.transaction(write=False) as tx:
        assert tx.count_users(pool) == 2


def test_read_sees_a_consistent_snapshot(store: Store) -> None:
    with store.transaction(write=True) as tx:
        pool = add_pool(tx)
        group = add_group(tx, pool, "group")
        old = add_user(tx, pool, "old")
        tx.add_member(pool, group, old)

    def change() -> None:
        with store.transaction(write=True) as tx:
            new = add_user(tx, pool, "new")
            tx.add_member(pool, group, new)
            tx.delete_user(pool, old)
            tx.update_pool(dataclasses.replace(pool, name="renamed", updated_at=LATER))
            add_group(tx, pool, "another")

    with store.transaction(write=False) as tx:
        assert tx.count_users(pool) == 1
        run_in_thread(change)
        assert tx.count_users(pool) == 1
        assert tx.find_user(pool, "username_key", "new") is None
        assert tx.find_user(pool, "username_key", "old") == old
        assert tx.member_page(pool.id, group.name, None, 10).members == [old]
        assert tx.get_pool(POOL_A) == pool
        assert tx.count_groups(pool) == 1
    with store.transaction(write=False) as tx:
        assert user_keys(tx.member_page(pool.id, group.name, None, 10).members) == ["new"]
        renamed = tx.get_pool(POOL_A)
        assert renamed is not None and renamed.name == "renamed"
        assert tx.count_groups(pool) == 2


def test_write_from_many_threads_all_land(store: Store) -> None:
    threads, per_thread = 8, 50
    with store.transaction(write=True) as tx:
        pool = add_pool(tx)
    start = threading.Barrier(threads)
    writing = threading.Event()

    def write(t: int) -> None:
        start.wait()
        for i in range(per_thread):
            with store.transaction(write=True) as tx:
                add_user(tx, pool, f"t{t}-{i:02}")

    def read() -> int:
        reads, last = 0, 0
        while writing.is_set() or reads == 0:
            with store.transaction(write=False) as tx:
                count = tx.count_users(pool)
            assert count >= last
            reads, last = reads + 1, count
        return reads

    writing.set()
    with ThreadPoolExecutor(threads + 2) as executor:
        readers = [executor.submit(read) for _ in range(2)]
        writers = [executor.submit(write, t) for t in range(threads)]
        for writer in writers:
            writer.result(timeout=60)
        writing.clear()
        for reader in readers:
            assert reader.result(timeout=60) > 0
    expected = sorted(f"t{t}-{i:02}" for t in range(threads) for i in range(per_thread))
    with store.transaction(write=False) as tx:
        assert tx.count_users(pool) == threads * per_thread
        assert user_keys(tx.list_users(pool, None, None, 1000)) == expected


def test_write_read_modify_write_is_serialized(store: Store) -> None:
    threads, per_thread = 8, 25
    with store.transaction(write=True) as tx:
        add_pool(tx, name="0")
    start = threading.Barrier(threads)

    def increment() -> None:
        start.wait()
        for _ in range(per_thread):
            with store.transaction(write=True) as tx:
                pool = tx.get_pool(POOL_A)
                assert pool is not None
                tx.update_pool(dataclasses.replace(pool, name=str(int(pool.name) + 1)))

    with ThreadPoolExecutor(threads) as executor:
        for future in [executor.submit(increment) for _ in range(threads)]:
            future.result(timeout=60)
    with store.transaction(write=False) as tx:
        pool = tx.get_pool(POOL_A)
    assert pool is not None and pool.name == str(threads * per_thread)


class Maker:
    """A ``create`` callback that counts its calls."""

    def __init__(self, value: bytes) -> None:
        self.value = value
        self.calls = 0

    def __call__(self) -> bytes:
        self.calls += 1
        return self.value


def test_secret_is_created_once_then_returned(store: Store) -> None:
    first = Maker(b"\x00\xffsecret\x00" + bytes(range(256)))
    with store.transaction(write=True) as tx:
        assert tx.secret("pagination", first, NOW) == first.value
    second = Maker(b"another")
    with store.transaction(write=True) as tx:
        assert tx.secret("pagination", second, LATER) == first.value
    with store.transaction(write=False) as tx:
        assert tx.secret("pagination", second, LATER) == first.value
    assert (first.calls, second.calls) == (1, 0)
    other = Maker(b"other")
    with store.transaction(write=True) as tx:
        assert tx.secret("other", other, NOW) == b"other"
        assert tx.secret("pagination", other, NOW) == first.value
    assert other.calls == 1


def test_secret_is_shared_between_store_instances(open_store: Callable[[], Store]) -> None:
    one, two = open_store(), open_store()
    with one.transaction(write=True) as tx:
        made_by_one = tx.secret("a", Maker(b"from one"), NOW)
    with two.transaction(write=True) as tx:
        assert tx.secret("a", Maker(b"from two"), NOW) == made_by_one
        made_by_two = tx.secret("b", Maker(b"from two"), NOW)
    with one.transaction(write=True) as tx:
        assert tx.secret("b", Maker(b"from one"), NOW) == made_by_two == b"from two"


def test_secret_concurrent_first_calls_agree(open_store: Callable[[], Store]) -> None:
    stores = [open_store(), open_store()]
    start = threading.Barrier(8)

    def get(i: int) -> bytes:
        start.wait()
        with stores[i % 2].transaction(write=True) as tx:
            return tx.secret("race", Maker(f"value {i}".encode()), NOW)

    with ThreadPoolExecutor(8) as executor:
        values = [f.result(timeout=60) for f in [executor.submit(get, i) for i in range(8)]]
    assert len(set(values)) == 1


# outbox ----------------------------------------------------------------------------------

MESSAGES = [
    make_message(POOL_A, "ann", "Your code is 1234"),
    make_message(POOL_B, "bob", "Ihr Code lautet 5678 ✓", medium="SMS", subject=None),
    make_message(POOL_A, "Ωmega", "コード: 9012 😀", destination="ω@example.com"),
    make_message(POOL_A, "ann", "again", created_at=LATER),
    make_message(POOL_B, "bob", "last"),
]


def _add_messages(store: Store) -> None:
    for message in MESSAGES:
        with store.transaction(write=True) as tx:
            tx.add_message(message)


def test_list_messages_filters_by_pool_in_insertion_order(store: Store) -> None:
    _add_messages(store)
    with store.transaction(write=False) as tx:
        assert tx.list_messages(None, 0, 100) == MESSAGES
        assert tx.list_messages(POOL_A, 0, 100) == [m for m in MESSAGES if m.pool_id == POOL_A]
        assert tx.list_messages(POOL_B, 0, 100) == [m for m in MESSAGES if m.pool_id == POOL_B]
        assert tx.list_messages("us-east-1_Nobody", 0, 100) == []


def test_list_messages_after_skips_earlier_messages(store: Store) -> None:
    # Message records carry no position; in a fresh store the n-th message is position n.
    _add_messages(store)
    with store.transaction(write=False) as tx:
        for after in range(len(MESSAGES) + 2):
            assert tx.list_messages(None, after, 100) == MESSAGES[after:]
            expected = [m for m in MESSAGES[after:] if m.pool_id == POOL_A]
            assert tx.list_messages(POOL_A, after, 100) == expected


def test_list_messages_never_exceeds_limit(store: Store) -> None:
    _add_messages(store)
    with store.transaction(write=False) as tx:
        for limit in range(len(MESSAGES) + 2):
            assert tx.list_messages(None, 0, limit) == MESSAGES[:limit]
            assert tx.list_messages(POOL_B, 1, limit) == [MESSAGES[1], MESSAGES[4]][:limit]


def test_recent_messages_are_the_pools_newest_first(store: Store) -> None:
    _add_messages(store)
    pool_a = [m for m in MESSAGES if m.pool_id == POOL_A]
    with store.transaction(write=False) as tx:
        assert tx.recent_messages(POOL_A, None, 100) == pool_a[::-1]
        assert tx.recent_messages(POOL_A, None, 2) == pool_a[::-1][:2]
        assert tx.recent_messages(POOL_A, "ω@example.com", 100) == [MESSAGES[2]]
        assert tx.recent_messages(POOL_B, MESSAGES[1].destination, 100) == [
            m
            for m in MESSAGES[::-1]
            if m.pool_id == POOL_B and m.destination == MESSAGES[1].destination
        ]
        assert tx.recent_messages("us-east-1_Nobody", None, 100) == []


def _invocation(pool_id: str, n: int, **overrides: Any) -> Invocation:
    values: dict[str, Any] = {
        "pool_id": pool_id,
        "username": f"user-{n}",
        "trigger": "PreSignUp",
        "source": "PreSignUp_SignUp",
        "arn": "arn:aws:lambda:us-east-1:123456789012:function:pre-sign-up",
        "outcome": "ok",
        "error": None,
        "duration_ms": 12.5 + n,
        "event": '{"request": {"userAttributes": {"name": "Ωmega 😀"}}}',
        "created_at": NOW + n,
    }
    return Invocation(**{**values, **overrides})


def test_recent_invocations_are_the_pools_newest_first(store: Store) -> None:
    made = [
        _invocation(POOL_A, 0),
        _invocation(POOL_B, 1, username=None, outcome="UnexpectedLambdaException", error="x"),
        _invocation(POOL_A, 2, trigger="PostConfirmation", source="PostConfirmation_ConfirmSignUp"),
        _invocation(POOL_A, 3, outcome="UserLambdaValidationException", error="no."),
    ]
    for invocation in made:
        with store.transaction(write=True) as tx:
            tx.add_invocation(invocation, 100)
    with store.transaction(write=False) as tx:
        assert tx.recent_invocations(POOL_A, 100) == [made[3], made[2], made[0]]
        assert tx.recent_invocations(POOL_A, 2) == [made[3], made[2]]
        assert tx.recent_invocations(POOL_B, 100) == [made[1]]
        assert tx.recent_invocations("us-east-1_Nobody", 100) == []


def test_add_invocation_keeps_the_pools_newest(store: Store) -> None:
    """The record is bounded per pool: adding past ``keep`` drops that pool's oldest, and
    leaves other pools' invocations alone."""
    other = _invocation(POOL_B, 0)
    with store.transaction(write=True) as tx:
        tx.add_invocation(other, 3)
    made = [_invocation(POOL_A, n) for n in range(1, 6)]
    for invocation in made:
        with store.transaction(write=True) as tx:
            tx.add_invocation(invocation, 3)
    with store.transaction(write=False) as tx:
        assert tx.recent_invocations(POOL_A, 100) == [made[4], made[3], made[2]]
        assert tx.recent_invocations(POOL_B, 100) == [other]


def _pending(pool_id: str, username: str, medium: str = "EMAIL", **overrides: Any) -> Message:
    return make_message(
        pool_id, username, "code 123456", medium=medium, delivery="pending", **overrides
    )


def test_claims_lease_pending_messages_of_the_media(store: Store) -> None:
    with store.transaction(write=True) as tx:
        tx.add_message(make_message(POOL_A, "kept", "not to send"))
        tx.add_message(_pending(POOL_A, "mail"))
        tx.add_message(_pending(POOL_B, "text", medium="SMS", subject=None))
    email = frozenset({"EMAIL"})
    with store.transaction(write=False) as tx:
        assert tx.any_message_due(email, NOW)
        assert not tx.any_message_due(email, NOW - 1)  # due from its creation
        assert not tx.any_message_due(frozenset(), NOW)
    with store.transaction(write=True) as tx:
        ((_, claimed),) = tx.claim_messages(email, NOW, 60.0, 10)
        assert (claimed.username, claimed.delivery, claimed.attempts) == ("mail", "pending", 0)
    with store.transaction(write=True) as tx:
        assert tx.claim_messages(email, NOW + 59, 60.0, 10) == []  # leased
        assert not tx.any_message_due(email, NOW + 59)
        again = tx.claim_messages(email, NOW + 61, 60.0, 10)  # the lease ran out
        assert [m.username for _, m in again] == ["mail"]
        both = tx.claim_messages(frozenset({"EMAIL", "SMS"}), NOW + 200, 60.0, 10)
        assert sorted(m.username for _, m in both) == ["mail", "text"]


def test_a_sent_message_is_never_claimed_again(store: Store) -> None:
    with store.transaction(write=True) as tx:
        tx.add_message(_pending(POOL_A, "ann"))
        ((message_id, _),) = tx.claim_messages(frozenset({"EMAIL"}), NOW, 60.0, 10)
        tx.mark_message_sent(message_id, NOW + 1)
    with store.transaction(write=True) as tx:
        assert tx.claim_messages(frozenset({"EMAIL"}), NOW + 10_000, 60.0, 10) == []
        (message,) = tx.list_messages(POOL_A, 0, 10)
    assert (message.delivery, message.attempts, message.error) == ("sent", 1, None)


def test_a_failed_attempt_keeps_its_error_and_retries_then_gives_up(store: Store) -> None:
    email = frozenset({"EMAIL"})
    with store.transaction(write=True) as tx:
        tx.add_message(_pending(POOL_A, "ann"))
        ((message_id, _),) = tx.claim_messages(email, NOW, 60.0, 10)
        tx.mark_message_failed(message_id, "ConnectionRefusedError: refused", NOW + 5)
    with store.transaction(write=True) as tx:
        (kept,) = tx.list_messages(POOL_A, 0, 10)
        assert (kept.delivery, kept.attempts, kept.error) == (
            "pending",
            1,
            "ConnectionRefusedError: refused",
        )
        assert tx.claim_messages(email, NOW + 4, 60.0, 10) == []
        ((again_id, again),) = tx.claim_messages(email, NOW + 5, 60.0, 10)
        assert again_id == message_id and again.attempts == 1
        tx.mark_message_failed(message_id, "still refused", None)
    with store.transaction(write=True) as tx:
        assert tx.claim_messages(email, NOW + 10**9, 60.0, 10) == []
        (given_up,) = tx.list_messages(POOL_A, 0, 10)
    assert (given_up.delivery, given_up.attempts, given_up.error) == ("failed", 2, "still refused")


def test_nodes_claiming_at_once_never_claim_a_message_twice(
    open_store: Callable[[], Store],
) -> None:
    nodes = [open_store() for _ in range(3)]
    with nodes[0].transaction(write=True) as tx:
        for number in range(40):
            tx.add_message(_pending(POOL_A, f"user{number}"))
    claimed: list[int] = []
    lock = threading.Lock()

    def drain(node: Store) -> None:
        while True:
            batch = node.write(lambda tx: tx.claim_messages(frozenset({"EMAIL"}), NOW, 600.0, 3))
            if not batch:
                return
            with lock:
                claimed.extend(message_id for message_id, _ in batch)

    with ThreadPoolExecutor(6) as executor:
        for future in [executor.submit(drain, nodes[i % 3]) for i in range(6)]:
            future.result(timeout=60)
    assert len(claimed) == 40
    assert len(set(claimed)) == 40


# properties ------------------------------------------------------------------------------

#: Any text a text column can hold: all of Unicode except surrogates and NUL (which
#: PostgreSQL text cannot store).
SURROGATES: tuple[Literal["Cs"]] = ("Cs",)
usernames = st.text(
    st.characters(exclude_categories=SURROGATES, exclude_characters="\x00"), min_size=1, max_size=8
)
_pool_numbers = itertools.count()


@settings(
    max_examples=75,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_list_members_paging_yields_sorted_members_once(store: Store, data: st.DataObject) -> None:
    names = data.draw(st.lists(usernames, max_size=25, unique=True), label="usernames")
    chosen = data.draw(st.lists(st.booleans(), min_size=len(names), max_size=len(names)))
    members = [name for name, member in zip(names, chosen, strict=True) if member]
    with store.transaction(write=True) as tx:  # each example gets its own pool
        pool = add_pool(tx, f"us-east-1_Prop{next(_pool_numbers)}")
        group, everyone = add_group(tx, pool, "group"), add_group(tx, pool, "everyone")
        for name in names:
            user = add_user(tx, pool, name)
            tx.add_member(pool, everyone, user)
            if name in members:
                tx.add_member(pool, group, user)
    seen: list[str] = []
    after: str | None = None
    with store.transaction(write=False) as tx:
        for _ in range(len(names) + 2):
            limit = data.draw(st.integers(1, 6), label="limit")
            page = tx.member_page(pool.id, group.name, after, limit).members
            assert len(page) <= limit
            seen.extend(user_keys(page))
            if len(page) < limit:
                break
            after = page[-1].username_key
        else:
            raise AssertionError("the listing never ended")
    assert seen == sorted(members)
    assert len(set(seen)) == len(seen)


# app clients -----------------------------------------------------------------------


def make_client(client_id: str, **overrides: Any) -> AppClient:
    client = AppClient(
        key=0,
        client_id=client_id,
        name=f"name-{client_id}",
        secret=None,
        settings=ClientSettings(),
        document={"ExplicitAuthFlows": ["ALLOW_USER_SRP_AUTH"]},
        created_at=NOW,
        updated_at=NOW,
    )
    return dataclasses.replace(client, **overrides)


def test_insert_client_get_round_trips(store: Store) -> None:
    settings = ClientSettings(
        explicit_auth_flows=("ALLOW_USER_PASSWORD_AUTH",),
        access_token_seconds=300,
        read_attributes=("email", "name"),
        write_attributes=(),
    )
    with store.transaction(write=True) as tx:
        pool = add_pool(tx)
        inserted = tx.insert_client(
            pool, make_client("abc", secret="s3cret", settings=settings, name="wëb")
        )
    with store.transaction(write=False) as tx:
        pool_again = tx.get_pool(POOL_A)
        assert pool_again is not None
        assert tx.get_client(pool_again, "abc") == inserted
        assert tx.get_client(pool_again, "missing") is None


def test_insert_client_duplicate_id_conflicts_across_pools(store: Store) -> None:
    with store.transaction(write=True) as tx:
        pool_a, pool_b = add_pool(tx, POOL_A), add_pool(tx, POOL_B)
        tx.insert_client(pool_a, make_client("same"))
        with pytest.raises(Conflict) as excinfo:
            tx.insert_client(pool_b, make_client("same"))
    assert excinfo.value.constraint == "client_id"


def test_update_client_round_trips(store: Store) -> None:
    with store.transaction(write=True) as tx:
        pool = add_pool(tx)
        client = tx.insert_client(pool, make_client("abc"))
        changed = dataclasses.replace(
            client,
            name="renamed",
            settings=ClientSettings(prevent_user_existence_errors=True),
            document={"AuthSessionValidity": 5},
            updated_at=NOW + 1,
        )
        tx.update_client(pool, changed)
    with store.transaction(write=False) as tx:
        pool = tx.get_pool(POOL_A)
        assert pool is not None
        assert tx.get_client(pool, "abc") == changed


def test_list_clients_pages_by_client_id_and_pool_delete_cascades(store: Store) -> None:
    with store.transaction(write=True) as tx:
        pool, other = add_pool(tx, POOL_A), add_pool(tx, POOL_B)
        for client_id in ("c3", "c1", "c2"):
            tx.insert_client(pool, make_client(client_id))
        tx.insert_client(other, make_client("c0"))
        assert [c.client_id for c in tx.list_clients(pool, None, 2)] == ["c1", "c2"]
        assert [c.client_id for c in tx.list_clients(pool, "c2", 2)] == ["c3"]
        assert tx.count_clients(pool) == 3
        tx.delete_client(pool, make_client("c1", key=tx.list_clients(pool, None, 1)[0].key))
        assert tx.count_clients(pool) == 2
        tx.delete_pool(pool)
        assert tx.count_clients(pool) == 0
        assert tx.get_client(other, "c0") is not None
    with store.transaction(write=False) as tx:
        assert tx.get_pool(POOL_A) is None


def test_pool_keys_round_trip_and_retire(store: Store) -> None:
    from userpools.crypto.keys import generate_signing_key
    from userpools.domain.models import PoolKey

    first, second = generate_signing_key(NOW), generate_signing_key(NOW + 1)
    with store.transaction(write=True) as tx:
        pool, other = add_pool(tx, POOL_A), add_pool(tx, POOL_B)
        tx.insert_pool_key(pool, PoolKey("id", first))
        tx.retire_pool_keys(pool, NOW + 5)
        tx.insert_pool_key(pool, PoolKey("id", second))
        assert tx.pool_keys(other) == []
    with store.transaction(write=False) as tx:
        pool = tx.get_pool(POOL_A)
        assert pool is not None
        assert tx.pool_keys(pool) == [PoolKey("id", first, NOW + 5), PoolKey("id", second)]


# sign-in state ---------------------------------------------------------------------------


def _session(handle: str, user: User, **overrides: Any) -> AuthSession:
    session = AuthSession(
        handle_hash=handle,
        user_key=user.key,
        client_id="client",
        challenge="NEW_PASSWORD_REQUIRED",
        state='{"k": 1}',
        expires_at=NOW + 180,
    )
    return dataclasses.replace(session, **overrides)


def _family(token_hash: str, origin_jti: str, user: User, **overrides: Any) -> TokenFamily:
    family = TokenFamily(
        user_key=user.key,
        client_id="client",
        token_hash=token_hash,
        origin_jti=origin_jti,
        auth_time=NOW,
        created_at=NOW,
        expires_at=NOW + 3600,
    )
    return dataclasses.replace(family, **overrides)


def test_find_client_and_find_pool_key_name_the_owning_pool(store: Store) -> None:
    from userpools.crypto.keys import generate_signing_key
    from userpools.domain.models import PoolKey

    key = generate_signing_key(NOW)
    with store.transaction(write=True) as tx:
        pool, other = add_pool(tx, POOL_A), add_pool(tx, POOL_B)
        tx.insert_client(other, make_client("theirs"))
        tx.insert_pool_key(pool, PoolKey("access", key))
    with store.transaction(write=False) as tx:
        assert tx.find_client("theirs") == POOL_B
        assert tx.find_client("nobody") is None
        assert tx.find_pool_key(key.kid) == (POOL_A, PoolKey("access", key))
        assert tx.find_pool_key("unknown-kid") is None


def test_user_sign_in_fields_round_trip(store: Store) -> None:
    with store.transaction(write=True) as tx:
        pool = add_pool(tx)
        user = add_user(
            tx,
            pool,
            "ann",
            srp_verifier='{"v":1}',
            failed_attempts=6,
            last_failure_at=NOW,
            locked_until=NOW + 2,
            tokens_valid_after=NOW - 1,
        )
    with store.transaction(write=False) as tx:
        assert tx.get_user(pool, user.key) == user
        assert tx.get_user(pool, user.key + 1000) is None
    with store.transaction(write=True) as tx:
        cleared = dataclasses.replace(user, failed_attempts=0, locked_until=None)
        tx.update_user(pool, cleared, SignInKeys())
    with store.transaction(write=False) as tx:
        assert tx.get_user(pool, user.key) == cleared


def test_auth_session_is_taken_once(store: Store) -> None:
    with store.transaction(write=True) as tx:
        pool = add_pool(tx)
        user = add_user(tx, pool, "ann")
        tx.insert_auth_session(pool, _session("h1", user), NOW)
    with store.transaction(write=False) as tx:
        assert tx.get_auth_session(pool, "h1") == _session("h1", user)
    with store.transaction(write=True) as tx:
        assert tx.take_auth_session(pool, "h1") == _session("h1", user)
        assert tx.take_auth_session(pool, "h1") is None
        assert tx.get_auth_session(pool, "h1") is None


def test_auth_session_insert_drops_expired_sessions_of_the_pool(store: Store) -> None:
    with store.transaction(write=True) as tx:
        pool = add_pool(tx)
        user = add_user(tx, pool, "ann")
        tx.insert_auth_session(pool, _session("old", user, expires_at=NOW - 1), NOW - 10)
        tx.insert_auth_session(pool, _session("new", user), NOW)
        assert tx.get_auth_session(pool, "old") is None
        assert tx.get_auth_session(pool, "new") is not None


def test_auth_session_concurrent_takes_have_one_winner(
    open_store: Callable[[], Store],
) -> None:
    store = open_store()
    with store.transaction(write=True) as tx:
        pool = add_pool(tx)
        user = add_user(tx, pool, "ann")
        tx.insert_auth_session(pool, _session("race", user), NOW)
    stores = [open_store() for _ in range(4)]
    barrier = threading.Barrier(len(stores))

    def take(s: Store) -> bool:
        barrier.wait()
        with s.transaction(write=True) as tx:
            found = tx.get_pool(POOL_A)
            assert found is not None
            return tx.take_auth_session(found, "race") is not None

    with ThreadPoolExecutor(len(stores)) as pool_executor:
        results = list(pool_executor.map(take, stores))
    assert sorted(results) == [False, False, False, True]


def test_token_family_lookup_revoke_and_expiry_cleanup(store: Store) -> None:
    with store.transaction(write=True) as tx:
        pool = add_pool(tx)
        ann, bob = add_user(tx, pool, "ann"), add_user(tx, pool, "bob")
        old = _family("t-old", "o-old", ann, expires_at=NOW + 10)
        tx.insert_token_family(pool, old)
        tx.insert_token_family(pool, _family("t-bob", "o-bob", bob, expires_at=NOW + 10))
        assert tx.find_token_family(pool, "token_hash", "t-old") == old
        assert tx.find_token_family(pool, "origin_jti", "o-old") == old
        # A later sign-in of ann drops her expired family, not bob's.
        fresh = _family("t-new", "o-new", ann, created_at=NOW + 20, expires_at=NOW + 3620)
        tx.insert_token_family(pool, fresh)
        assert tx.find_token_family(pool, "token_hash", "t-old") is None
        assert tx.find_token_family(pool, "token_hash", "t-bob") is not None
        tx.revoke_token_family(pool, "o-new", NOW + 30)
        tx.revoke_token_family(pool, "o-new", NOW + 40)  # the first revocation stands
    with store.transaction(write=False) as tx:
        assert tx.find_token_family(pool, "origin_jti", "o-new") == dataclasses.replace(
            fresh, revoked_at=NOW + 30
        )
    with pytest.raises(ValueError), store.transaction(write=False) as tx:
        tx.find_token_family(pool, "user_id", "1")  # type: ignore[arg-type]


def test_token_family_keeps_the_scopes_of_its_grant(store: Store) -> None:
    with store.transaction(write=True) as tx:
        pool = add_pool(tx)
        ann = add_user(tx, pool, "ann")
        oauth = _family("t-web", "o-web", ann, scopes="openid orders/read")
        tx.insert_token_family(pool, oauth)
        tx.insert_token_family(pool, _family("t-api", "o-api", ann))
    with store.transaction(write=False) as tx:
        assert tx.find_token_family(pool, "origin_jti", "o-web") == oauth
        found = tx.find_token_family(pool, "origin_jti", "o-api")
        assert found is not None and found.scopes is None


def test_login_session_put_get_replace_delete(store: Store) -> None:
    from userpools.domain.models import LoginSession

    first = LoginSession("h1", "client", '{"csrf": "a"}', NOW + 3600)
    with store.transaction(write=True) as tx:
        pool, other = add_pool(tx, POOL_A), add_pool(tx, POOL_B)
        tx.put_login_session(pool, first, NOW)
        assert tx.get_login_session(pool, "h1") == first
        assert tx.get_login_session(other, "h1") is None  # another pool's is not found
        replaced = dataclasses.replace(first, state='{"csrf": "b"}', expires_at=NOW + 7200)
        tx.put_login_session(pool, replaced, NOW)
    with store.transaction(write=False) as tx:
        assert tx.get_login_session(pool, "h1") == replaced
    with store.transaction(write=True) as tx:
        tx.put_login_session(pool, LoginSession("old", "client", "{}", NOW - 1), NOW - 10)
        tx.put_login_session(pool, LoginSession("h2", "client", "{}", NOW + 10), NOW)
        assert tx.get_login_session(pool, "old") is None  # expired ones go
        tx.delete_login_session(pool, "h1")
        tx.delete_login_session(pool, "h1")  # a second delete changes nothing
    with store.transaction(write=False) as tx:
        assert tx.get_login_session(pool, "h1") is None
        assert tx.get_login_session(pool, "h2") is not None


def test_token_family_rotation_keeps_the_replaced_token_findable(store: Store) -> None:
    with store.transaction(write=True) as tx:
        pool = add_pool(tx)
        ann, bob = add_user(tx, pool, "ann"), add_user(tx, pool, "bob")
        family = _family("t-1", "o-ann", ann)
        tx.insert_token_family(pool, family)
        tx.insert_token_family(pool, _family("t-bob", "o-bob", bob))
        assert tx.find_token_family(pool, "previous_hash", "t-1") is None
        tx.rotate_token_family(pool, "o-ann", "t-2", "t-1", NOW + 60)
        rotated = dataclasses.replace(
            family, token_hash="t-2", previous_hash="t-1", previous_until=NOW + 60
        )
        assert tx.find_token_family(pool, "token_hash", "t-2") == rotated
        assert tx.find_token_family(pool, "previous_hash", "t-1") == rotated
        assert tx.find_token_family(pool, "token_hash", "t-1") is None
        tx.rotate_token_family(pool, "o-ann", "t-3", "t-1", NOW + 60)
        assert tx.find_token_family(pool, "token_hash", "t-2") is None
        assert tx.find_token_family(pool, "previous_hash", "t-1") == dataclasses.replace(
            rotated, token_hash="t-3"
        )
    with store.transaction(write=False) as tx:
        bobs = tx.find_token_family(pool, "origin_jti", "o-bob")
        assert bobs is not None and bobs.previous_hash is None and bobs.token_hash == "t-bob"


def test_pending_attributes_replace_delete_and_go_with_their_user(store: Store) -> None:
    with store.transaction(write=True) as tx:
        pool = add_pool(tx)
        ann, bob = add_user(tx, pool, "ann"), add_user(tx, pool, "bob")
        tx.put_pending_attribute(pool, ann, "email", "a@example.com")
        tx.put_pending_attribute(pool, ann, "email", "b@example.com")
        tx.put_pending_attribute(pool, ann, "phone_number", "+15550100")
        tx.put_pending_attribute(pool, bob, "email", "bob@example.com")
        assert tx.get_pending_attribute(pool, ann, "email") == "b@example.com"
        tx.delete_pending_attribute(pool, ann, "email")
        tx.delete_pending_attribute(pool, ann, "email")  # gone already: a no-op
        assert tx.get_pending_attribute(pool, ann, "email") is None
        assert tx.get_pending_attribute(pool, ann, "phone_number") == "+15550100"
        tx.delete_user(pool, ann)
        assert tx.get_pending_attribute(pool, ann, "phone_number") is None
        assert tx.get_pending_attribute(pool, bob, "email") == "bob@example.com"


def test_codes_replace_count_and_delete(store: Store) -> None:
    with store.transaction(write=True) as tx:
        pool = add_pool(tx)
        ann, bob = add_user(tx, pool, "ann"), add_user(tx, pool, "bob")
        tx.put_code(pool, ann, UserCode("sign_up", "h1", "email", NOW + 10))
        tx.put_code(pool, ann, UserCode("reset", "r1", "email", NOW + 10))
        tx.count_code_failure(pool, ann, "sign_up")
        tx.count_code_failure(pool, ann, "sign_up")
        assert tx.get_code(pool, ann, "sign_up") == UserCode(
            "sign_up", "h1", "email", NOW + 10, failures=2
        )
        tx.put_code(pool, ann, UserCode("sign_up", "h2", "phone_number", NOW + 20))
        assert tx.get_code(pool, ann, "sign_up") == UserCode(
            "sign_up", "h2", "phone_number", NOW + 20
        )
        assert tx.get_code(pool, bob, "sign_up") is None
        tx.delete_code(pool, ann, "sign_up")
        assert tx.get_code(pool, ann, "sign_up") is None
        assert tx.get_code(pool, ann, "reset") is not None


def test_password_checks_count_live_ones_expire_and_go_with_their_user(store: Store) -> None:
    with store.transaction(write=True) as tx:
        pool = add_pool(tx)
        ann, bob = add_user(tx, pool, "ann"), add_user(tx, pool, "bob")
        first = tx.insert_password_check(pool, ann, NOW, NOW + 30)
        second = tx.insert_password_check(pool, ann, NOW, NOW + 60)
        tx.insert_password_check(pool, bob, NOW, NOW + 30)
        assert first != second
        assert tx.count_password_checks(pool, ann, NOW) == 2
        assert tx.count_password_checks(pool, ann, NOW + 30) == 1  # expired at NOW + 30
        tx.delete_password_check(pool, second)
        tx.delete_password_check(pool, second)  # gone already: a no-op
        assert tx.count_password_checks(pool, ann, NOW) == 1
        # Starting a check drops the user's expired ones, not another user's.
        tx.insert_password_check(pool, ann, NOW + 30, NOW + 90)
        assert tx.count_password_checks(pool, ann, NOW) == 1
        assert tx.count_password_checks(pool, bob, NOW) == 1
        tx.delete_user(pool, ann)
        assert tx.count_password_checks(pool, ann, NOW) == 0
        assert tx.count_password_checks(pool, bob, NOW) == 1


def test_deleting_a_user_deletes_its_sign_in_state(store: Store) -> None:
    with store.transaction(write=True) as tx:
        pool = add_pool(tx)
        ann, bob = add_user(tx, pool, "ann"), add_user(tx, pool, "bob")
        for user in (ann, bob):
            name = user.username
            tx.insert_auth_session(pool, _session(f"s-{name}", user), NOW)
            tx.insert_token_family(pool, _family(f"t-{name}", f"o-{name}", user))
            tx.put_code(pool, user, UserCode("reset", "h", None, NOW + 10))
        tx.delete_user(pool, ann)
    with store.transaction(write=False) as tx:
        assert tx.get_auth_session(pool, "s-ann") is None
        assert tx.find_token_family(pool, "origin_jti", "o-ann") is None
        assert tx.get_code(pool, ann, "reset") is None
        assert tx.get_auth_session(pool, "s-bob") is not None
        assert tx.find_token_family(pool, "origin_jti", "o-bob") is not None
        assert tx.get_code(pool, bob, "reset") is not None
    with store.transaction(write=True) as tx:
        tx.delete_pool(pool)
    with store.transaction(write=False) as tx:
        assert tx.find_token_family(pool, "origin_jti", "o-bob") is None


def test_long_indexed_values_are_stored_found_and_ordered(store: Store) -> None:
    """Attribute values may be 2,048 characters; indexes hold a bounded form of long ones,
    which must still find the user by alias, keep uniqueness and keep prefix order."""
    long_name = "名" * 2048
    long_email = "a" * 3000 + "@example.com"
    with store.transaction(write=True) as tx:
        pool = add_pool(tx)
        ann = add_user(
            tx,
            pool,
            "ann",
            SignInKeys(email=long_email),
            attributes=(("name", long_name), ("email", long_email)),
        )
        add_user(tx, pool, "bob", attributes=(("name", "名" * 3),))
    with pytest.raises(Conflict), store.transaction(write=True) as tx:
        add_user(tx, pool, "eve", SignInKeys(email=long_email))
    with store.transaction(write=False) as tx:
        assert tx.find_user(pool, "login_email", long_email) == ann
        assert tx.find_user(pool, "login_email", long_email[:-1] + "n") is None
        found = tx.list_users(
            pool, UserQuery(SearchableAttribute.NAME, "名名", prefix=True), None, 10
        )
        assert [u.username for u in found] == ["bob", "ann"]
        assert tx.list_users(pool, UserQuery(SearchableAttribute.NAME, "名" * 256), None, 10) == []


# PostgreSQL: a read of one statement runs without a transaction (one round trip) ----------


@pytest.fixture
def postgres_store(contract_postgres_url: str) -> Iterator[PostgresStore]:
    _empty_postgres(contract_postgres_url)
    opened = PostgresStore(contract_postgres_url)
    yield opened
    opened.close()


class Statements:
    """Every statement the store's connections send, and whether each was in a transaction."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.sent: list[tuple[str, bool]] = []
        execute = psycopg.Connection.execute

        def spy(conn: psycopg.Connection[Any], query: Any, *args: Any, **kwargs: Any) -> Any:
            in_transaction = conn.info.transaction_status != psycopg.pq.TransactionStatus.IDLE
            self.sent.append((str(query), in_transaction))
            return execute(conn, query, *args, **kwargs)

        monkeypatch.setattr(psycopg.Connection, "execute", spy)


def seeded(store: PostgresStore) -> UserPool:
    with store.transaction(write=True) as tx:
        pool = add_pool(tx)
        group = add_group(tx, pool, "group")
        for name in ("ann", "bob"):
            tx.add_member(pool, group, add_user(tx, pool, name))
    return pool


def test_a_page_of_members_is_one_statement_outside_a_transaction(
    postgres_store: PostgresStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = postgres_store
    seeded(store)
    statements = Statements(monkeypatch)
    page = store.read(lambda tx: tx.member_page(POOL_A, "group", None, 10))
    assert [u.username for u in page.members] == ["ann", "bob"]
    assert len(statements.sent) == 1
    query, in_transaction = statements.sent[0]
    assert "LATERAL" in query and not in_transaction


def test_a_read_of_two_statements_runs_again_in_a_snapshot_and_starts_in_one_after(
    postgres_store: PostgresStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = postgres_store
    seeded(store)
    calls: list[int] = []

    def two_statements(tx: Transaction) -> tuple[int, int]:
        calls.append(1)
        pool = tx.get_pool(POOL_A)
        assert pool is not None
        group = tx.get_group(pool, "group")
        assert group is not None
        return pool.key, group.key

    statements = Statements(monkeypatch)
    first = store.read(two_statements)
    assert len(calls) == 2  # stopped before its second statement, then run in a snapshot
    begins = [q for q, _ in statements.sent if q.startswith("BEGIN")]
    assert len(begins) == 1 and "REPEATABLE READ" in begins[0]
    assert [inside for q, inside in statements.sent if "FROM groups" in q] == [True]

    statements.sent.clear()
    assert store.read(two_statements) == first
    assert len(calls) == 3  # remembered: straight into a transaction
    assert statements.sent[0][0].startswith("BEGIN")


def _waiting_for_a_lock(url: str) -> int:
    with psycopg.connect(url, autocommit=True) as conn:
        row = conn.execute(
            "SELECT count(*) FROM pg_stat_activity"
            " WHERE wait_event_type = 'Lock' AND datname = current_database()"
        ).fetchone()
    assert row is not None
    return int(row[0])


def test_shared_pool_writers_wait_for_the_others_but_not_for_each_other(
    postgres_store: PostgresStore, contract_postgres_url: str
) -> None:
    store = postgres_store
    pool = seeded(store)
    with ThreadPoolExecutor(2) as pool_threads, store.transaction(write=True) as holder:
        assert holder.get_pool(pool.id, shared=True) == pool

        def write(shared: bool) -> str:
            with store.transaction(write=True) as tx:
                found = tx.get_pool(pool.id, shared=shared)
                assert found is not None
                return found.id

        # Another shared writer does not wait for the holder.
        assert pool_threads.submit(write, True).result(timeout=30) == pool.id
        # An exclusive writer does: it waits on the lock until the holder ends.
        exclusive = pool_threads.submit(write, False)
        while _waiting_for_a_lock(contract_postgres_url) == 0:
            assert not exclusive.done(), exclusive.result()
        assert not exclusive.done()
    assert exclusive.result(timeout=30) == pool.id


# client secrets, settings, sign-in events ---------------------------------------------------


def test_client_secrets_in_creation_order_and_the_newest_on_the_client(store: Store) -> None:
    with store.transaction(write=True) as tx:
        pool = add_pool(tx)
        client = tx.insert_client(pool, make_client("abc", secret="first"))
        tx.insert_client_secret(client, ClientSecret("abc--1", "first", NOW))
        tx.insert_client_secret(client, ClientSecret("abc--2", "second", LATER))
    with store.transaction(write=False) as tx:
        pool = tx.get_pool(POOL_A)
        assert pool is not None
        loaded = tx.get_client(pool, "abc")
        assert loaded is not None
        assert loaded.secrets == ("first", "second")
        assert [s.secret_id for s in tx.client_secrets(loaded)] == ["abc--1", "abc--2"]
        assert tx.client_secrets(loaded)[1] == ClientSecret("abc--2", "second", LATER)
    with store.transaction(write=True) as tx:
        pool = tx.get_pool(POOL_A)
        assert pool is not None
        loaded = tx.get_client(pool, "abc")
        assert loaded is not None
        tx.delete_client_secret(loaded, "abc--1")
        tx.update_client(pool, dataclasses.replace(loaded, secret="second"))
    with store.transaction(write=False) as tx:
        pool = tx.get_pool(POOL_A)
        assert pool is not None
        loaded = tx.get_client(pool, "abc")
        assert loaded is not None and loaded.secrets == ("second",)
        assert loaded.secret == "second"


def test_client_secret_ids_are_unique(store: Store) -> None:
    with store.transaction(write=True) as tx:
        pool = add_pool(tx)
        client = tx.insert_client(pool, make_client("abc", secret="first"))
        tx.insert_client_secret(client, ClientSecret("abc--1", "first", NOW))
        with pytest.raises(Conflict):
            tx.insert_client_secret(client, ClientSecret("abc--1", "other", NOW))


def test_settings_per_pool_and_client_replace_and_keep_their_creation(store: Store) -> None:
    with store.transaction(write=True) as tx:
        pool = add_pool(tx)
        client = tx.insert_client(pool, make_client("abc"))
        assert tx.get_setting(pool, "ui") is None
        tx.put_setting(pool, "ui", None, {"CSS": "a"}, NOW)
        tx.put_setting(pool, "ui", client, {"CSS": "b"}, NOW)
        replaced = tx.put_setting(pool, "ui", None, {"CSS": "c"}, LATER)
        assert (replaced.created_at, replaced.updated_at) == (NOW, LATER)
    with store.transaction(write=False) as tx:
        pool = tx.get_pool(POOL_A)
        assert pool is not None
        client = tx.get_client(pool, "abc")
        pool_level = tx.get_setting(pool, "ui")
        assert pool_level is not None and pool_level.document == {"CSS": "c"}
        assert pool_level.client_key is None and pool_level.created_at == NOW
        own = tx.get_setting(pool, "ui", client)
        assert own is not None and own.document == {"CSS": "b"}
        assert tx.get_setting(pool, "risk", client) is None


def test_deleting_a_client_deletes_its_secrets_and_settings(store: Store) -> None:
    with store.transaction(write=True) as tx:
        pool = add_pool(tx)
        client = tx.insert_client(pool, make_client("abc", secret="first"))
        tx.insert_client_secret(client, ClientSecret("abc--1", "first", NOW))
        tx.put_setting(pool, "ui", client, {"CSS": "b"}, NOW)
        tx.put_setting(pool, "ui", None, {"CSS": "a"}, NOW)
        tx.delete_client(pool, client)
        again = tx.insert_client(pool, make_client("abd"))
        assert tx.client_secrets(client) == []
        assert tx.get_setting(pool, "ui", again) is None
        assert tx.get_setting(pool, "ui") is not None
        tx.delete_pool(pool)
        other = add_pool(tx, POOL_B)
        assert tx.get_setting(other, "ui") is None


def _event(number: int) -> AuthEvent:
    return AuthEvent(
        key=0,
        event_id=f"event-{number}",
        event_type="SignIn",
        response="Pass" if number % 2 else "Fail",
        challenges=(("Password", "Success" if number % 2 else "Failure"),),
        created_at=NOW + number,
    )


def test_auth_events_newest_first_by_page_and_deleted_with_their_user(store: Store) -> None:
    with store.transaction(write=True) as tx:
        pool = add_pool(tx)
        ann, bob = add_user(tx, pool, "ann"), add_user(tx, pool, "bob")
        for number in range(5):
            tx.insert_auth_event(pool, ann, _event(number))
        tx.insert_auth_event(pool, bob, _event(9))
    with store.transaction(write=False) as tx:
        first = tx.auth_events(pool, ann, None, 3)
        assert [e.event_id for e in first] == ["event-4", "event-3", "event-2"]
        assert dataclasses.replace(first[1], key=0) == _event(3)
        rest = tx.auth_events(pool, ann, first[-1].key, 3)
        assert [e.event_id for e in rest] == ["event-1", "event-0"]
    with store.transaction(write=True) as tx:
        tx.delete_user(pool, ann)
        assert tx.auth_events(pool, ann, None, 10) == []
        assert [e.event_id for e in tx.auth_events(pool, bob, None, 10)] == ["event-9"]


def test_user_mfa_round_trips_replaces_and_goes_with_its_user(store: Store) -> None:
    sealed, pending = b"\x00sealed\xff" * 4, bytes(range(60))
    with store.transaction(write=True) as tx:
        pool = add_pool(tx)
        ann, bob = add_user(tx, pool, "ann"), add_user(tx, pool, "bob")
        assert tx.get_user_mfa(pool, ann) is None
        first = UserMfa(pending_secret=pending)
        tx.put_user_mfa(pool, ann, first)
        assert tx.get_user_mfa(pool, ann) == first
        full = UserMfa(
            totp_secret=sealed,
            pending_secret=None,
            device_name="phöne",
            last_step=2**40,
            sms_enabled=True,
            totp_enabled=True,
            email_enabled=False,
            preferred="SOFTWARE_TOKEN_MFA",
        )
        tx.put_user_mfa(pool, ann, full)
        tx.put_user_mfa(pool, bob, UserMfa(email_enabled=True, preferred="EMAIL_OTP"))
    with store.transaction(write=False) as tx:
        assert tx.get_user_mfa(pool, ann) == full
        assert tx.get_user_mfa(pool, bob) == UserMfa(email_enabled=True, preferred="EMAIL_OTP")
    with store.transaction(write=True) as tx:
        tx.delete_user(pool, ann)
        assert tx.get_user_mfa(pool, ann) is None
        assert tx.get_user_mfa(pool, bob) is not None


# resource servers and domains (OAuth 2.0 administration) ---------------------------------


def _server(identifier: str, *scopes: str) -> ResourceServer:
    return ResourceServer(0, identifier, "name", tuple((s, f"{s} scope") for s in scopes), NOW, NOW)


def test_resource_servers_round_trip_update_delete_and_conflict(store: Store) -> None:
    with store.transaction(write=True) as tx:
        pool, other = add_pool(tx, POOL_A), add_pool(tx, POOL_B)
        server = tx.insert_resource_server(pool, _server("https://api.example.com", "read", "wr"))
        same_in_other = tx.insert_resource_server(other, _server("https://api.example.com"))
    assert server.key != 0 and same_in_other.key != server.key
    with pytest.raises(Conflict) as caught, store.transaction(write=True) as tx:
        tx.insert_resource_server(pool, _server("https://api.example.com"))
    assert caught.value.constraint == "resource_server"
    with store.transaction(write=True) as tx:
        assert tx.get_resource_server(pool, "https://api.example.com") == server
        assert tx.get_resource_server(pool, "https://API.example.com") is None
        changed = dataclasses.replace(server, name="new", scopes=(("x", "y"),), updated_at=LATER)
        tx.update_resource_server(pool, changed)
    with store.transaction(write=True) as tx:
        assert tx.get_resource_server(pool, "https://api.example.com") == changed
        assert (tx.count_resource_servers(pool), tx.count_resource_servers(other)) == (1, 1)
        tx.delete_resource_server(pool, changed)
        assert tx.get_resource_server(pool, "https://api.example.com") is None
        assert tx.get_resource_server(other, "https://api.example.com") == same_in_other


@pytest.mark.parametrize("limit", [1, 2, 5, 100])
def test_list_resource_servers_pages_by_identifier(store: Store, limit: int) -> None:
    identifiers = list(UNICODE_KEYS)
    random.Random(5).shuffle(identifiers)
    with store.transaction(write=True) as tx:
        pool, other = add_pool(tx, POOL_A), add_pool(tx, POOL_B)
        for identifier in identifiers:
            tx.insert_resource_server(pool, _server(identifier, "read"))
        tx.insert_resource_server(other, _server("intruder"))
    with store.transaction(write=False) as tx:
        listed = collect_pages(
            lambda after: tx.list_resource_servers(pool, after, limit),
            lambda s: s.identifier,
            limit,
        )
    assert [s.identifier for s in listed] == sorted(UNICODE_KEYS)
    assert all(s.scopes == (("read", "read scope"),) for s in listed)


def _domain(name: str, *, custom: bool = False) -> PoolDomain:
    arn = "arn:aws:acm:us-east-1:123456789012:certificate/abc" if custom else None
    return PoolDomain(0, name, custom, arn, 1, NOW, NOW)


def test_domains_one_of_each_kind_unique_everywhere(store: Store) -> None:
    with store.transaction(write=True) as tx:
        pool, other = add_pool(tx, POOL_A), add_pool(tx, POOL_B)
        prefix = tx.insert_domain(pool, _domain("my-app"))
        custom = tx.insert_domain(pool, _domain("auth.example.com", custom=True))
    with pytest.raises(Conflict) as caught, store.transaction(write=True) as tx:
        tx.insert_domain(pool, _domain("second"))
    assert caught.value.constraint == "domain_kind"
    with pytest.raises(Conflict) as caught, store.transaction(write=True) as tx:
        tx.insert_domain(other, _domain("my-app"))
    assert caught.value.constraint == "domain"
    with store.transaction(write=True) as tx:
        assert tx.pool_domains(pool) == [prefix, custom]
        assert tx.pool_domains(other) == []
        assert tx.find_domain("auth.example.com") == (POOL_A, custom)
        assert tx.find_domain("nothing") is None
        assert (tx.count_custom_domains(REGION), tx.count_custom_domains(OTHER_REGION)) == (1, 0)
        renewed = dataclasses.replace(
            custom,
            certificate_arn="arn:aws:acm:us-east-1:1:certificate/new",
            managed_login_version=2,
            updated_at=LATER,
        )
        tx.update_domain(pool, renewed)
    with store.transaction(write=True) as tx:
        assert tx.find_domain("auth.example.com") == (POOL_A, renewed)
        tx.delete_domain(pool, prefix)
        assert tx.pool_domains(pool) == [renewed]
        tx.delete_pool(pool)
        assert tx.find_domain("auth.example.com") is None
