"""The engine registry: a database URL picks the store (``userpools.store``)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from userpools.cli import main
from userpools.settings import Settings
from userpools.store import (
    ENGINES,
    POSTGRES,
    SQLITE,
    DatabaseURLError,
    describe_store,
    engine_for,
    open_store,
    sqlite_url,
)
from userpools.store.migrate import migration_files


@pytest.mark.parametrize(
    ("url", "engine"),
    [
        ("sqlite:///relative/x.db", SQLITE),
        ("sqlite:////var/lib/userpools/x.db", SQLITE),
        ("postgresql://postgres@127.0.0.1:5432/test", POSTGRES),
        ("postgres://postgres@127.0.0.1/test", POSTGRES),
        ("PostgreSQL://postgres@db/test", POSTGRES),
        ("host=127.0.0.1 dbname=test user=postgres", POSTGRES),  # libpq's keyword form
    ],
)
def test_engine_is_picked_by_the_url_scheme(url: str, engine: object) -> None:
    assert engine_for(url) is engine


def test_every_engine_in_the_registry_is_reachable_by_its_scheme() -> None:
    assert {engine_for(f"{scheme}://x/y") for scheme in ENGINES} == {SQLITE, POSTGRES}


@pytest.mark.parametrize(
    "url",
    ["mysql://admin:hunter2@db/users", "postgresq://admin:hunter2@db/users", "file:///x.db"],
)
def test_unknown_scheme_is_a_clear_error_without_the_url(url: str) -> None:
    with pytest.raises(DatabaseURLError) as caught:
        open_store(url)
    message = str(caught.value)
    assert message.startswith(f"unknown database URL scheme {url.partition('://')[0]!r}")
    assert "sqlite://" in message and "postgresql://" in message
    assert "hunter2" not in message


@pytest.mark.parametrize("url", ["/var/lib/userpools.db", "userpools.db"])
def test_url_without_scheme_is_a_clear_error(url: str) -> None:
    with pytest.raises(DatabaseURLError, match="has no scheme"):
        open_store(url)


@pytest.mark.parametrize("url", ["sqlite://", "sqlite:///", "sqlite://x.db"])
def test_malformed_sqlite_url_is_a_clear_error(url: str) -> None:
    with pytest.raises(DatabaseURLError, match=r"sqlite:///PATH"):
        open_store(url)


def test_sqlite_url_opens_the_file_at_its_path(tmp_path: Path) -> None:
    path = tmp_path / "dir with space" / "a.db"
    assert sqlite_url(path) == "sqlite:///" + str(path)  # absolute: four slashes
    store = open_store(sqlite_url(path))
    store.close()
    with sqlite3.connect(path) as conn:  # created and migrated
        versions = [v for (v,) in conn.execute("SELECT version FROM schema_migrations")]
    assert versions == [v for v, _, _ in migration_files("sqlite")]


def test_sqlite_url_with_a_relative_path_is_relative_to_the_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    open_store("sqlite:///rel/b.db").close()
    assert (tmp_path / "rel" / "b.db").is_file()


def test_settings_store_url_is_the_database_url_else_the_db_path(tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    assert Settings(db_path=db).store_url == sqlite_url(db)
    url = "postgresql://postgres@127.0.0.1/test"
    assert Settings(db_path=db, database_url=url).store_url == url  # as today: the URL wins


def test_describe_store_leaves_out_the_password(tmp_path: Path) -> None:
    assert describe_store(sqlite_url(tmp_path / "d.db")) == f"SQLite {tmp_path / 'd.db'}"
    described = describe_store("postgresql://admin:hunter2@db.example:5433/users")
    assert described.startswith("PostgreSQL ")
    assert "hunter2" not in described and "db.example" in described


def test_cli_db_path_and_sqlite_url_are_the_same_store(tmp_path: Path) -> None:
    db = tmp_path / "cli.db"
    version, name, _ = migration_files("sqlite")[-1]
    for args in (["--db", str(db)], ["--database-url", sqlite_url(db)]):
        result = CliRunner().invoke(main, ["migrate", *args])
        assert result.exit_code == 0, result.output
        assert result.output == f"SQLite {db}: schema at version {version} ({name})\n"


@pytest.mark.parametrize(
    ("command", "arguments"),
    [(["migrate"], []), (["outbox"], []), (["keys", "rotate"], ["us-east-1_X"])],
)
def test_cli_unknown_scheme_is_a_usage_error(command: list[str], arguments: list[str]) -> None:
    url = "mysql://admin:hunter2@db/x"
    result = CliRunner().invoke(main, [*command, "--database-url", url, *arguments])
    assert result.exit_code == 2, result.output
    assert "unknown database URL scheme 'mysql'" in result.output
    assert "hunter2" not in result.output
