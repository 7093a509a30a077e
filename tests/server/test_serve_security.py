"""`userpools serve` and its credentials, as real subprocesses.

- Development mode (no credentials) only on loopback: another address is refused with a
  clear message before anything listens, unless ``--insecure-allow-any-credentials``.
- The banner says which mode is on.
- With ``--credentials-file`` (or ``$USERPOOLS_CREDENTIALS_FILE``) signed operations need a
  signature from a configured key.
- A malformed credentials file stops the server with a message naming the problem and
  never the secret.

Every node is stopped at the end of its test (the ``nodes`` fixture).
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore import UNSIGNED
from botocore.config import Config
from botocore.exceptions import ClientError

from .nodes import USERPOOLS, Node, Nodes

KEY_ID = "AKIAUSERPOOLSSERVE01"
SECRET = "Do-Not-Print-This-Secret-0123456789"
DEV_BANNER = "admin API: development mode, any signature or none accepted (loopback only)"
SIGNED_BANNER = "admin API: SigV4 signatures required (keys from {path})"
WARNING = (
    "warning: admin API open on 0.0.0.0: any signature or none is accepted "
    "(--insecure-allow-any-credentials); anyone who can reach this port can "
    "administer every pool"
)


def credentials(path: Path, key_id: str = KEY_ID, secret: str = SECRET) -> Path:
    path.write_text(
        f"[[keys]]\naccess_key_id = {json.dumps(key_id)}\n"
        f"secret_access_key = {json.dumps(secret)}\n",
        encoding="utf-8",
    )
    return path


def idp(endpoint: str, key_id: str | None = None, secret: str | None = None) -> Any:
    config = Config(retries={"total_max_attempts": 1})
    if key_id is None:
        config = config.merge(Config(signature_version=UNSIGNED))
    return boto3.client(
        "cognito-idp",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id=key_id or "x",
        aws_secret_access_key=secret or "x",
        config=config,
    )


def code_of(call: Any) -> str | None:
    try:
        call()
    except ClientError as exc:
        return str(exc.response["Error"]["Code"])
    return None


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def listening(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=2).close()
    except OSError:
        return False
    return True


def run_serve(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """``userpools serve`` expected to exit on its own (a refusal)."""
    return subprocess.run(
        [str(USERPOOLS), "serve", *args],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, **(env or {})},
        check=False,
    )


def assert_signatures_required(node: Node, key_id: str = KEY_ID, secret: str = SECRET) -> None:
    endpoint = node.endpoint_url
    list_pools = {"MaxResults": 10}
    assert code_of(lambda: idp(endpoint).list_user_pools(**list_pools)) == (
        "MissingAuthenticationTokenException"
    )
    assert (
        code_of(
            lambda: idp(endpoint, key_id, "not-the-secret-0123456789").list_user_pools(**list_pools)
        )
        == "InvalidSignatureException"
    )
    admin = idp(endpoint, key_id, secret)
    pool_id = admin.create_user_pool(PoolName="signed")["UserPool"]["Id"]
    assert [p["Id"] for p in admin.list_user_pools(**list_pools)["UserPools"]] == [pool_id]
    admin.delete_user_pool(UserPoolId=pool_id)


# development mode and the loopback rule ------------------------------------------------------


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "192.0.2.1", "example.com"])
def test_development_mode_beyond_loopback_is_refused(tmp_path: Path, host: str) -> None:
    port, db = free_port(), tmp_path / "refused.db"
    result = run_serve("--host", host, "--port", str(port), "--db", str(db))
    assert result.returncode == 2, result
    message = " ".join(result.stderr.split())
    assert (
        f"refusing to listen on {host} without --credentials-file: in development mode anyone "
        "who can reach the port can administer every pool. Give a credentials file "
        "(docs/security.md), bind to 127.0.0.1, or pass --insecure-allow-any-credentials."
    ) in message
    assert "serving cognito-idp" not in result.stdout
    assert not listening(port)
    assert not db.exists()  # refused before the database is opened


def test_development_mode_on_loopback_says_so(nodes: Nodes, tmp_path: Path) -> None:
    node = nodes.start(db=tmp_path / "dev.db")
    output = node.output()
    assert DEV_BANNER in output
    assert "warning" not in output and "signatures required" not in output
    assert idp(node.endpoint_url).list_user_pools(MaxResults=10)["UserPools"] == []
    node.kill()


def test_insecure_flag_allows_any_address_with_a_warning(nodes: Nodes, tmp_path: Path) -> None:
    node = nodes.start(
        db=tmp_path / "open.db", extra=["--host", "0.0.0.0", "--insecure-allow-any-credentials"]
    )
    output = node.output()
    assert WARNING in " ".join(output.split())
    assert DEV_BANNER not in output
    for client in (idp(node.endpoint_url), idp(node.endpoint_url, "anything", "at-all")):
        pool_id = client.create_user_pool(PoolName="open")["UserPool"]["Id"]
        client.delete_user_pool(UserPoolId=pool_id)
    node.kill()


# with credentials -----------------------------------------------------------------------------


def test_credentials_file_requires_signatures(nodes: Nodes, tmp_path: Path) -> None:
    path = credentials(tmp_path / "keys.toml")
    node = nodes.start(db=tmp_path / "signed.db", extra=["--credentials-file", str(path)])
    output = node.output()
    assert SIGNED_BANNER.format(path=path) in output
    assert "development mode" not in output and "warning" not in output
    assert SECRET not in output
    assert_signatures_required(node)
    node.kill()


def test_credentials_from_the_environment(
    nodes: Nodes, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The variable works like the option, also for the loopback rule: 0.0.0.0 is allowed."""
    path = credentials(tmp_path / "env-keys.toml")
    monkeypatch.setenv("USERPOOLS_CREDENTIALS_FILE", str(path))
    node = nodes.start(db=tmp_path / "env.db", extra=["--host", "0.0.0.0"])
    output = node.output()
    assert SIGNED_BANNER.format(path=path) in output
    assert "warning" not in output and "development mode" not in output
    assert_signatures_required(node)
    node.kill()


_KEY = f"access_key_id = {json.dumps(KEY_ID)}"
_SECRET = f"secret_access_key = {json.dumps(SECRET)}"
MALFORMED = {
    "bad TOML": (f"[[keys]]\n{_KEY}\n{_SECRET} trailing\n", "not valid TOML"),
    "no keys": ("# nothing here\n", "expected at least one [[keys]] entry"),
    "missing secret": (
        f"[[keys]]\n{_KEY}\n",
        f"[[keys]] entry 1 ({KEY_ID}): secret_access_key must be at least 16 characters",
    ),
    "short secret": (
        f'[[keys]]\n{_KEY}\nsecret_access_key = "Sh0rtS3cr3t"\n',
        f"[[keys]] entry 1 ({KEY_ID}): secret_access_key must be at least 16 characters",
    ),
    "short key id": (
        f'[[keys]]\naccess_key_id = "AKIA12"\n{_SECRET}\n',
        "[[keys]] entry 1: access_key_id must be 16-128 letters and digits",
    ),
    "key id not alphanumeric": (
        f'[[keys]]\naccess_key_id = "AKIA-USERPOOLS-SERVE"\n{_SECRET}\n',
        "[[keys]] entry 1: access_key_id must be 16-128 letters and digits",
    ),
    "unknown setting": (
        f'[[keys]]\n{_KEY}\n{_SECRET}\nsecret = "{SECRET}"\n',
        "[[keys]] entry 1: unknown setting 'secret'",
    ),
    "pools not a list": (
        f'[[keys]]\n{_KEY}\n{_SECRET}\npools = "us-east-1_abc"\n',
        f"[[keys]] entry 1 ({KEY_ID}): pools must be a list of pool ids",
    ),
    "read_only not a boolean": (
        f'[[keys]]\n{_KEY}\n{_SECRET}\nread_only = "yes"\n',
        f"[[keys]] entry 1 ({KEY_ID}): read_only must be true or false",
    ),
    "duplicate key id": (
        f"[[keys]]\n{_KEY}\n{_SECRET}\n[[keys]]\n{_KEY}\n{_SECRET}\n",
        "an access_key_id appears twice",
    ),
}


@pytest.mark.parametrize("case", sorted(MALFORMED))
def test_malformed_credentials_file_is_refused(tmp_path: Path, case: str) -> None:
    text, problem = MALFORMED[case]
    path = tmp_path / "keys.toml"
    path.write_text(text, encoding="utf-8")
    port = free_port()
    result = run_serve(
        "--port", str(port), "--db", str(tmp_path / "db"), "--credentials-file", str(path)
    )
    output = result.stdout + result.stderr
    assert result.returncode != 0, output
    assert problem in " ".join(result.stderr.split()), output
    assert str(path) in result.stderr
    assert SECRET not in output and "Sh0rtS3cr3t" not in output and "Do-Not-Print" not in output
    assert "serving cognito-idp" not in output
    assert not listening(port)


def test_malformed_credentials_from_the_environment_are_refused(tmp_path: Path) -> None:
    path = credentials(tmp_path / "keys.toml", key_id="AKIA12")
    result = run_serve(
        "--port", "0", "--db", str(tmp_path / "db"), env={"USERPOOLS_CREDENTIALS_FILE": str(path)}
    )
    assert result.returncode != 0
    assert "access_key_id must be 16-128 letters and digits" in result.stderr
    assert SECRET not in result.stdout + result.stderr


def test_missing_credentials_file_is_refused(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere.toml"
    result = run_serve(
        "--port", "0", "--db", str(tmp_path / "db"), "--credentials-file", str(missing)
    )
    assert result.returncode == 2
    assert "--credentials-file" in result.stderr and "does not exist" in result.stderr
    assert "serving cognito-idp" not in result.stdout
