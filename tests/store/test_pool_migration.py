"""The pool configuration against today's main (d4a08e4): same answers, and old databases
migrate with nothing lost.

``fixtures/old_pools.sqlite3`` and ``fixtures/old_pools.json`` were made by
``fixtures/make_old_pools.py`` running on main at d4a08e4, before the configuration became
one value: the pools of ``fixtures/pool_samples.py`` created (and some updated) through the
API, their CreateUserPool and DescribeUserPool bodies, and the refused requests' errors.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from botocore.exceptions import ClientError
from psycopg import sql

from userpools.domain.password_policy import PasswordPolicy
from userpools.store import pool_codec
from userpools.store.migrate import apply_postgres
from userpools.testing import RunningServer, start_server

FIXTURES = Path(__file__).parent / "fixtures"
sys.path.insert(0, str(FIXTURES))

from pool_samples import CLOCK, REFUSED, SAMPLES  # noqa: E402

OLD = json.loads((FIXTURES / "old_pools.json").read_text(encoding="utf-8"))
OLD_DB = FIXTURES / "old_pools.sqlite3"
#: The last migration the old database has.
OLD_VERSION = 4
#: Samples whose answers differ from main's in key order only: a partial PasswordPolicy was
#: echoed in the request's order, then the defaults; now its members follow the model.
REORDERED = frozenset({"email-sign-in", "zero-validity", "updated"})


#: What issue 12 changed on purpose in a new pool's answers (docs/errors.md [S-schema]):
#: developer-only attributes are ``dev:custom:NAME``; the legacy verification members and
#: ``VerificationMessageTemplate`` are filled from each other. (The samples give every
#: custom attribute its ``AttributeDataType``, which CreateUserPool now requires; main's
#: answers were the same for them with ``String`` given.)
_LEGACY_MEMBERS = (
    ("SmsVerificationMessage", "SmsMessage"),
    ("EmailVerificationMessage", "EmailMessage"),
    ("EmailVerificationSubject", "EmailSubject"),
)


def as_today(body: str) -> str:
    """Main's answer with the changes made on purpose since (see above) applied."""
    value = json.loads(body)
    pool = value["UserPool"]
    for attribute in pool.get("SchemaAttributes", []):
        if attribute["Name"].startswith("dev:"):
            attribute["Name"] = "dev:custom:" + attribute["Name"].removeprefix("dev:")
    template = pool.setdefault("VerificationMessageTemplate", {})
    for legacy, member in _LEGACY_MEMBERS:
        filled = template.get(member) or pool.get(legacy)
        if filled is not None:
            template[member] = pool[legacy] = filled
    return json.dumps(value, ensure_ascii=False)


def canonical(body: str, *, identity: bool = True) -> str:
    """A JSON body with sorted keys (types kept: ``true`` is not ``1``); without
    ``identity``, the pool's random id and its ARN are left out."""
    value = json.loads(body)
    pool = value.get("UserPool", value)
    if not identity:
        pool.pop("Id", None)
        pool.pop("Arn", None)
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


class Bodies:
    """The raw response bodies of a client, by operation."""

    def __init__(self, client: Any) -> None:
        self.client = client
        self.last: dict[str, str] = {}
        client.meta.events.register("after-call.cognito-idp", self._keep)

    def _keep(self, http_response: Any, model: Any, **_: Any) -> None:
        self.last[model.name] = http_response.content.decode("utf-8")


@pytest.fixture(scope="module")
def clocked(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    yield from start_server(tmp_path_factory.mktemp("pc") / "new.db", clock=lambda: CLOCK)


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_create_and_describe_user_pool_answer_as_main_did(
    clocked: RunningServer, name: str
) -> None:
    bodies = Bodies(clocked.client())
    sample, old = SAMPLES[name], OLD["pools"][name]
    pool_id = bodies.client.create_user_pool(**sample["create"])["UserPool"]["Id"]
    created = bodies.last["CreateUserPool"]
    if "update" in sample:
        bodies.client.update_user_pool(UserPoolId=pool_id, **sample["update"])
    if name == "defaults":
        bodies.client.admin_create_user(UserPoolId=pool_id, Username="someone")
    bodies.client.describe_user_pool(UserPoolId=pool_id)
    described = bodies.last["DescribeUserPool"]
    old_created, old_described = as_today(old["create_body"]), as_today(old["describe_body"])
    assert canonical(created, identity=False) == canonical(old_created, identity=False)
    assert canonical(described, identity=False) == canonical(old_described, identity=False)


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_create_user_pool_refuses_as_main_did(clocked: RunningServer, name: str) -> None:
    with pytest.raises(ClientError) as caught:
        clocked.client().create_user_pool(**REFUSED[name])
    error = caught.value.response["Error"]
    assert [error["Code"], error["Message"]] == OLD["refused"][name]


def old_rows() -> list[tuple[str, str, str]]:
    """(pool id, settings, document) of the old database's pools."""
    with sqlite3.connect(OLD_DB) as conn:
        return conn.execute("SELECT pool_id, settings, document FROM user_pools").fetchall()


def assert_answers_unchanged(server: RunningServer) -> None:
    bodies = Bodies(server.client())
    for name, old in OLD["pools"].items():
        bodies.client.describe_user_pool(UserPoolId=old["id"])
        described = bodies.last["DescribeUserPool"]
        assert canonical(described) == canonical(old["describe_body"])
        if name not in REORDERED:
            assert described == old["describe_body"]
    bodies.client.list_user_pools(MaxResults=60)
    assert json.loads(bodies.last["ListUserPools"])["UserPools"] == OLD["listed"]


def assert_rules_unchanged(server: RunningServer) -> None:
    """What the domain rules read (the old ``settings`` column) is all in the new config."""
    store = server.server.services.pools
    for pool_id, settings_json, _ in old_rows():
        settings = json.loads(settings_json)
        pool, _, _ = store.describe("us-east-1", pool_id)
        c = pool.config
        assert c.username_attribute_names == tuple(settings["username_attributes"])
        assert c.alias_attribute_names == tuple(settings["alias_attributes"])
        assert c.case_sensitive == settings["case_sensitive"]
        assert c.deletion_protected == settings["deletion_protection"]
        assert [(a.name, a.mutable) for a in c.custom_attributes] == [
            (a["name"], a["mutable"]) for a in settings["custom_attributes"]
        ]
        assert c.required_attributes == tuple(settings["required_attributes"])
        old_policy = settings["password_policy"]
        assert c.password_policy == PasswordPolicy(
            old_policy["MinimumLength"],
            old_policy["RequireUppercase"],
            old_policy["RequireLowercase"],
            old_policy["RequireNumbers"],
            old_policy["RequireSymbols"],
            old_policy.get("PasswordHistorySize"),
            old_policy["TemporaryPasswordValidityDays"],
        )
        invite = c.invite
        assert (invite.email_message, invite.email_subject, invite.sms_message) == (
            settings["invite_message"],
            settings["invite_subject"],
            settings["invite_sms"],
        )
        assert c.auto_verified == tuple(settings["auto_verified"])
        assert c.admin_create_only == settings["admin_create_only"]
        assert (c.verify_email_message, c.verify_email_subject, c.verify_sms) == (
            settings["verify_email_message"],
            settings["verify_email_subject"],
            settings["verify_sms"],
        )
        assert c.recovery == tuple(settings["recovery"])


def test_migrate_sqlite_database_made_by_main(tmp_path: Path) -> None:
    db = tmp_path / "old.db"
    shutil.copyfile(OLD_DB, db)
    for server in start_server(db, clock=lambda: CLOCK):
        assert_answers_unchanged(server)
        assert_rules_unchanged(server)
    with sqlite3.connect(db) as conn:
        columns = {row[1] for row in conn.execute("PRAGMA table_info(user_pools)")}
        versions = [row[0] for row in conn.execute("SELECT version FROM schema_migrations")]
        configs = [row[0] for row in conn.execute("SELECT config FROM user_pools")]
    assert {"settings", "document"}.isdisjoint(columns)
    assert {5, 6} <= set(versions)
    assert all(json.loads(text)["version"] == pool_codec.VERSION for text in configs)
    assert len(configs) == len(OLD["pools"])


def copy_rows(source: sqlite3.Connection, target: Any) -> None:
    """Every row of the old SQLite database into a PostgreSQL one at the same schema."""
    tables = [
        row[0]
        for row in source.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table'"
            " AND name NOT IN ('sqlite_sequence', 'schema_migrations')"
        )
    ]
    # Parents first: pools, then users, then what refers to them.
    tables.sort(key=lambda t: (t != "user_pools", t != "users", t))
    for table in tables:
        cursor = source.execute(f"SELECT * FROM {table}")
        columns = [d[0] for d in cursor.description]
        insert = sql.SQL("INSERT INTO {} ({}) OVERRIDING SYSTEM VALUE VALUES ({})").format(
            sql.Identifier(table),
            sql.SQL(", ").join(map(sql.Identifier, columns)),
            sql.SQL(", ").join(sql.Placeholder() * len(columns)),
        )
        for row in cursor:
            target.execute(insert, row)
    identities = target.execute(
        "SELECT table_name, column_name FROM information_schema.columns"
        " WHERE is_identity = 'YES' AND table_schema = 'public'"
    ).fetchall()
    for table, column in identities:
        target.execute(
            sql.SQL("SELECT setval(pg_get_serial_sequence({}, {}), max({})) FROM {}").format(
                sql.Literal(table),
                sql.Literal(column),
                sql.Identifier(column),
                sql.Identifier(table),
            )
        )


@pytest.fixture
def old_postgres(postgres_url: str) -> Iterator[str]:
    """A PostgreSQL database at the old schema, holding the old database's rows."""
    admin_url = postgres_url
    name = f"{psycopg.conninfo.conninfo_to_dict(admin_url)['dbname']}_{uuid.uuid4().hex[:6]}"
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    info = psycopg.conninfo.conninfo_to_dict(admin_url)
    info["dbname"] = name
    url = psycopg.conninfo.make_conninfo(**info)
    with psycopg.connect(url, autocommit=True) as conn:
        apply_postgres(conn, upto=OLD_VERSION)
        with sqlite3.connect(OLD_DB) as source, conn.transaction():
            copy_rows(source, conn)
    yield url
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )


def test_migrate_postgres_database_made_by_main(old_postgres: str, tmp_path: Path) -> None:
    for server in start_server(
        tmp_path / "unused.db", database_url=old_postgres, clock=lambda: CLOCK
    ):
        assert_answers_unchanged(server)
        assert_rules_unchanged(server)
        # The migrated database takes new pools too.
        server.client().create_user_pool(PoolName="after the migration")
    with psycopg.connect(old_postgres) as conn:
        columns = {
            row[0]
            for row in conn.execute(
                "SELECT column_name FROM information_schema.columns WHERE table_name = 'user_pools'"
            )
        }
        nullable = conn.execute(
            "SELECT is_nullable FROM information_schema.columns"
            " WHERE table_name = 'user_pools' AND column_name = 'config'"
        ).fetchone()
    assert {"settings", "document"}.isdisjoint(columns)
    assert nullable == ("NO",)


def test_pool_config_of_a_newer_version_is_refused() -> None:
    with pytest.raises(pool_codec.UnknownConfigVersion):
        pool_codec.decode('{"version": 2, "config": {}}')
