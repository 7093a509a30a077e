"""`userpools serve` as a real subprocess: banner, restart and kill -9 survival, --help."""

from __future__ import annotations

import os
import re
import signal
import socket
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.config import Config
from click.testing import CliRunner

from userpools.cli import main
from userpools.cli.listening import WorkerCount
from userpools.store.migrate import migration_files

USERPOOLS = Path(sys.executable).with_name("userpools")


class Served:
    def __init__(self, db: Path, *options: str) -> None:
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        self.process = subprocess.Popen(
            [str(USERPOOLS), "serve", "--port", "0", "--db", str(db), *options],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env=env,
        )
        assert self.process.stdout is not None
        self.banner: list[str] = []
        for line in self.process.stdout:
            self.banner.append(line)
            if line.startswith("try:"):
                break
        match = re.search(r"serving cognito-idp at (http://\S+)", "".join(self.banner))
        assert match, self.banner
        self.endpoint_url = match.group(1)

    def client(self) -> Any:
        return boto3.client(
            "cognito-idp",
            endpoint_url=self.endpoint_url,
            region_name="us-east-1",
            aws_access_key_id="x",
            aws_secret_access_key="x",
            config=Config(retries={"max_attempts": 6, "mode": "standard"}),
        )

    def kill(self, sig: int = signal.SIGKILL) -> None:
        self.process.send_signal(sig)
        self.process.wait(timeout=20)
        if self.process.stdout:
            self.process.stdout.close()


@pytest.fixture
def serve(tmp_path: Path) -> Iterator[Any]:
    started: list[Served] = []

    def start(db: Path | None = None, *options: str) -> Served:
        served = Served(db or tmp_path / "serve.db", *options)
        started.append(served)
        return served

    yield start
    for served in started:
        if served.process.poll() is None:
            served.kill()


def test_serve_prints_endpoint_and_example(serve: Any) -> None:
    served = serve()
    text = "".join(served.banner)
    assert "import boto3" in text and served.endpoint_url in text
    assert served.client().list_user_pools(MaxResults=10)["UserPools"] == []


def test_serve_banner_names_the_local_issuer(serve: Any) -> None:
    served = serve()
    (line,) = [line for line in served.banner if line.startswith("token issuers:")]
    assert line.strip() == f"token issuers: {served.endpoint_url}/<poolId>"


def test_serve_banner_with_aws_issuer_names_awss_issuer_and_where_keys_are(serve: Any) -> None:
    served = serve(None, "--aws-issuer")
    (line,) = [line for line in served.banner if line.startswith("token issuers:")]
    assert line.strip() == (
        "token issuers: https://cognito-idp.<region>.amazonaws.com/<poolId> (--aws-issuer); "
        f"JWKS and discovery at {served.endpoint_url}/<poolId>/.well-known/"
    )


def test_serve_on_a_busy_port_says_so_in_one_line(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = subprocess.run(
            [str(USERPOOLS), "serve", "--port", str(port), "--db", str(tmp_path / "busy.db")],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
    assert done.returncode == 1
    assert done.stdout == ""
    assert done.stderr == (
        f"Error: cannot listen on 127.0.0.1:{port}: Address already in use; another process "
        "is listening there; choose another port with --port\n"
    )


def test_userpools_without_a_command_prints_help_and_succeeds() -> None:
    result = CliRunner().invoke(main, [])
    assert result.exit_code == 0
    assert result.output.startswith("Usage: ")
    assert "serve" in result.output and "outbox" in result.output
    assert result.output == CliRunner().invoke(main, ["--help"]).output


def test_serve_data_survives_kill_9(serve: Any, tmp_path: Path) -> None:
    db = tmp_path / "durable.db"
    first = serve(db)
    client = first.client()
    pool_id = client.create_user_pool(PoolName="durable")["UserPool"]["Id"]
    client.create_group(UserPoolId=pool_id, GroupName="g", Precedence=4)
    acknowledged = []
    for i in range(30):
        client.admin_create_user(UserPoolId=pool_id, Username=f"u{i:02d}", MessageAction="SUPPRESS")
        client.admin_add_user_to_group(UserPoolId=pool_id, GroupName="g", Username=f"u{i:02d}")
        acknowledged.append(f"u{i:02d}")
    first.kill(signal.SIGKILL)

    second = serve(db)
    client = second.client()
    assert client.get_group(UserPoolId=pool_id, GroupName="g")["Group"]["Precedence"] == 4
    paginator = client.get_paginator("list_users_in_group")
    members = [
        u["Username"]
        for page in paginator.paginate(UserPoolId=pool_id, GroupName="g")
        for u in page["Users"]
    ]
    assert members == acknowledged


def test_serve_tokens_survive_restart(serve: Any, tmp_path: Path) -> None:
    db = tmp_path / "tokens.db"
    first = serve(db)
    client = first.client()
    pool_id = client.create_user_pool(PoolName="tokens")["UserPool"]["Id"]
    client.create_group(UserPoolId=pool_id, GroupName="g")
    for i in range(5):
        client.admin_create_user(UserPoolId=pool_id, Username=f"u{i}", MessageAction="SUPPRESS")
        client.admin_add_user_to_group(UserPoolId=pool_id, GroupName="g", Username=f"u{i}")
    page = client.list_users_in_group(UserPoolId=pool_id, GroupName="g", Limit=2)
    first.kill(signal.SIGTERM)

    second = serve(db)
    rest = second.client().list_users_in_group(
        UserPoolId=pool_id, GroupName="g", Limit=10, NextToken=page["NextToken"]
    )
    assert [u["Username"] for u in rest["Users"]] == ["u2", "u3", "u4"]


def test_cli_help_is_complete() -> None:
    runner = CliRunner()
    top = runner.invoke(main, ["--help"])
    assert top.exit_code == 0
    assert "serve" in top.output and "outbox" in top.output
    serve_help = runner.invoke(main, ["serve", "--help"])
    assert serve_help.exit_code == 0
    options = ("--host", "--port", "--db", "--sqlite-synchronous", "--password-hashing")
    options += ("--log-level",)
    edge = ("--header-timeout", "--body-timeout", "--keepalive-timeout", "--max-connections")
    edge += ("--max-header-bytes", "--linger-bytes", "--linger-timeout")
    for option in options + edge:
        assert option in serve_help.output


@pytest.mark.parametrize(
    ("given", "count"), [("1", 1), ("3", 3), ("auto", len(os.sched_getaffinity(0))), ("AUTO", None)]
)
def test_workers_take_a_count_or_auto(given: str, count: int | None) -> None:
    expected = len(os.sched_getaffinity(0)) if count is None else count
    assert WorkerCount().convert(given, None, None) == expected


@pytest.mark.parametrize("given", ["0", "65", "two", ""])
def test_workers_refuse_other_values(given: str) -> None:
    result = CliRunner().invoke(main, ["serve", "--workers", given])
    assert result.exit_code == 2
    assert "Invalid value for '--workers'" in result.output


def test_cli_outbox_prints_messages(tmp_path: Path) -> None:
    from userpools.testing import start_server

    db = tmp_path / "outbox.db"
    servers = start_server(db)
    server = next(servers)
    try:
        client = server.client()
        pool_id = client.create_user_pool(PoolName="mail")["UserPool"]["Id"]
        client.admin_create_user(
            UserPoolId=pool_id,
            Username="ann",
            UserAttributes=[{"Name": "email", "Value": "ann@example.com"}],
            DesiredDeliveryMediums=["EMAIL"],
        )
    finally:
        servers.close()
    result = CliRunner().invoke(main, ["outbox", "--db", str(db), "--pool", pool_id])
    assert result.exit_code == 0
    assert '"destination": "ann@example.com"' in result.output


def test_cli_migrate_applies_the_schema_once(fresh_database: dict[str, Any]) -> None:
    url = fresh_database["database_url"]
    args = ["--database-url", url] if url else ["--db", str(fresh_database["db_path"])]
    runner = CliRunner()
    for _ in range(2):  # the second run finds nothing to do
        result = runner.invoke(main, ["migrate", *args])
        assert result.exit_code == 0, result.output
        version, name, _ = migration_files("postgres" if url else "sqlite")[-1]
        assert f"schema at version {version} ({name})" in result.output
    if url:
        assert "password" not in result.output


def test_cli_help_shows_the_password_hashing_choices() -> None:
    serve_help = CliRunner().invoke(main, ["serve", "--help"])
    assert serve_help.exit_code == 0
    text = " ".join(serve_help.output.split())  # as wrapped for any terminal width
    assert re.search(r"--password-hashing \[owasp\|fast\] [^[]*never for real passwords", text)
    assert "--password-hashing [owasp|fast]" in text and "[default: owasp]" in text


@pytest.mark.parametrize(
    ("options", "cost", "warned"),
    [((), "m=19456,t=2,p=1", False), (("--password-hashing", "fast"), "m=8,t=1,p=1", True)],
    ids=["owasp", "fast"],
)
def test_serve_password_hashing(
    serve: Any, tmp_path: Path, options: tuple[str, ...], cost: str, warned: bool
) -> None:
    """OWASP's Argon2id cost by default; ``fast`` hashes at Argon2's minimum and says so in
    the banner. The hash's PHC string, read from the database, tells the cost it was made at."""
    from userpools.settings import FAST_HASHING_WARNING

    db = tmp_path / "hashing.db"
    served = serve(db, *options)
    assert (FAST_HASHING_WARNING + "\n" in served.banner) is warned
    client = served.client()
    pool_id = client.create_user_pool(PoolName="hashing")["UserPool"]["Id"]
    client.admin_create_user(
        UserPoolId=pool_id,
        Username="ann",
        TemporaryPassword="Temp-Passw0rd!",
        MessageAction="SUPPRESS",
    )
    with closing(sqlite3.connect(f"file:{db}?mode=ro", uri=True)) as connection:
        (stored,) = connection.execute("SELECT password_hash FROM users").fetchone()
    assert stored.startswith(f"$argon2id$v=19${cost}$")


def test_cli_serve_refuses_an_unknown_password_hashing(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        main, ["serve", "--port", "0", "--db", str(tmp_path / "x.db"), "--password-hashing", "slow"]
    )
    assert result.exit_code == 2
    assert "Invalid value for '--password-hashing'" in result.output
    assert not (tmp_path / "x.db").exists()
