"""The pytest plugin (``userpools.testing``): its clients, its in-process transport, its keys,
its Argon2id cost.

``RunningServer.client`` must show every error to a test: a client that quietly retries
hides a 500 whenever the second attempt succeeds, and the suites that assert "no client
ever sees a 500" rely on seeing the first one.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

import userpools
from userpools.crypto.keys import load_signing_key
from userpools.testing import MISSING_BOTO3, RunningServer, start_server
from userpools.testing.keys import TestKeys, load_primes


class AlwaysFails(BaseHTTPRequestHandler):
    """Answers every call with a 500 InternalErrorException and counts the calls."""

    calls = 0

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("content-length", 0)))
        type(self).calls += 1
        body = b'{"__type": "InternalErrorException", "message": "boom"}'
        self.send_response(500)
        self.send_header("content-type", "application/x-amz-json-1.1")
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def failing_endpoint() -> Iterator[str]:
    AlwaysFails.calls = 0
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), AlwaysFails)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()
    thread.join(timeout=10)


def test_running_server_client_does_not_retry_a_500(failing_endpoint: str, tmp_path: Path) -> None:
    running = RunningServer(failing_endpoint, tmp_path / "unused.db", server=None)  # type: ignore[arg-type]
    with pytest.raises(ClientError) as failed:
        running.client().list_user_pools(MaxResults=1)
    assert failed.value.response["Error"]["Code"] == "InternalErrorException"
    assert AlwaysFails.calls == 1


# the in-process transport ---------------------------------------------------------------------


def _metadata(call: Any) -> tuple[int, str, dict[str, str]]:
    try:
        response = call()
    except ClientError as exc:
        response = exc.response
    meta = response["ResponseMetadata"]
    headers = {k: v for k, v in meta["HTTPHeaders"].items() if k not in VARYING}
    return meta["HTTPStatusCode"], response.get("Error", {}).get("Code", ""), headers


#: Headers that differ between any two answers, or that only uvicorn adds.
VARYING = {"x-amzn-requestid", "date", "server"}


def test_in_process_client_gets_the_answers_of_the_socket(
    userpools_server: RunningServer,
) -> None:
    """The same calls, in-process and over HTTP, give the same status, error and headers."""
    import boto3

    assert userpools_server.transport is not None
    in_process = userpools_server.client()
    over_socket = boto3.client(
        "cognito-idp",
        endpoint_url=userpools_server.endpoint_url,
        region_name="us-east-1",
        aws_access_key_id="AKIAUSERPOOLSTEST",
        aws_secret_access_key="userpools-test-secret",
    )
    calls = [
        lambda c: c.list_user_pools(MaxResults=1),
        lambda c: c.describe_user_pool(UserPoolId="us-east-1_missing"),
        lambda c: c.get_user_pool_mfa_config(UserPoolId="us-east-1_missing"),
    ]
    for call in calls:
        assert _metadata(partial(call, in_process)) == _metadata(partial(call, over_socket))
    with pytest.raises(ClientError) as missing:
        in_process.describe_user_pool(UserPoolId="us-east-1_missing")
    assert missing.value.response["ResponseMetadata"]["RequestId"]


def test_in_process_client_is_signed_and_checked(tmp_path: Path) -> None:
    """With credentials, the in-process request carries the headers botocore signed (the
    Host included): the right secret passes, a wrong one is refused."""
    keys = tmp_path / "keys.toml"
    keys.write_text(
        '[[keys]]\naccess_key_id = "AKIAUSERPOOLSTEST"\n'
        'secret_access_key = "userpools-test-secret"\n',
        encoding="utf-8",
    )
    servers = start_server(tmp_path / "signed.db", credentials_file=str(keys))
    running = next(servers)
    try:
        assert running.client().list_user_pools(MaxResults=1)["UserPools"] == []
        import boto3

        wrong = boto3.client(
            "cognito-idp",
            endpoint_url=running.endpoint_url,
            region_name="us-east-1",
            aws_access_key_id="AKIAUSERPOOLSTEST",
            aws_secret_access_key="not-the-secret",
        )
        with pytest.raises(ClientError) as refused:
            running.bind(wrong).list_user_pools(MaxResults=1)
        assert refused.value.response["Error"]["Code"] == "InvalidSignatureException"
    finally:
        servers.close()


def test_in_process_client_calls_from_many_threads_at_once(
    userpools_server: RunningServer, user_pool_id: str
) -> None:
    idp = userpools_server.client()
    names = [f"g{i}" for i in range(32)]
    with ThreadPoolExecutor(max_workers=len(names)) as executor:
        list(executor.map(lambda n: idp.create_group(UserPoolId=user_pool_id, GroupName=n), names))
    listed = idp.list_groups(UserPoolId=user_pool_id, Limit=60)["Groups"]
    assert sorted(g["GroupName"] for g in listed) == sorted(names)


# the key supply ---------------------------------------------------------------------------------


def test_test_keys_are_distinct_valid_rsa_2048_keys() -> None:
    """OpenSSL's full check (which the supply skips) passes; every kid is new."""
    primes = load_primes()
    supply = TestKeys(primes[:6])
    keys = [supply(float(i)) for i in range(15)]
    assert len({k.kid for k in keys}) == 15
    for key in keys[:3]:
        loaded = serialization.load_pem_private_key(key.private_pem, password=None)
        assert isinstance(loaded, rsa.RSAPrivateKey)
        assert loaded.key_size == 2048
        assert load_signing_key(key.private_pem, key.created_at) == key


def test_test_keys_generate_real_keys_once_the_pairs_run_out() -> None:
    supply = TestKeys(load_primes()[:2])
    first, second = supply(1.0), supply(2.0)
    assert first.kid != second.kid
    assert supply.handed_out == 2


def test_test_keys_are_enough_for_the_primes_file() -> None:
    """P primes make P·(P-1)/2 keys: far more than a test session's pools use."""
    primes = load_primes()
    assert len(set(primes)) == len(primes) >= 64
    assert all(p.bit_length() == 1024 for p in primes)
    smallest, next_smallest = sorted(primes)[:2]
    assert (smallest * next_smallest).bit_length() == 2048  # so every product is 2048 bits


# the Argon2id cost ----------------------------------------------------------------------------

PLUGIN_USER_TEST = """
def test_cost(userpools_server):
    assert repr(userpools_server.server.hasher) == {expected!r}
"""


@pytest.mark.parametrize(
    ("ini", "expected"),
    [
        ("", "PasswordHasher(t=1, m=8KiB, p=1)"),
        ("userpools_password_hashing = owasp\n", "PasswordHasher(t=2, m=19456KiB, p=1)"),
    ],
    ids=["default-fast", "owasp"],
)
def test_plugin_password_hashing_is_fast_unless_the_ini_says_owasp(
    tmp_path: Path, ini: str, expected: str
) -> None:
    """A project that uses the plugin gets Argon2's minimum cost, or production's when its
    pytest configuration says ``userpools_password_hashing = owasp`` (a pytest run of its own,
    in a subprocess, with the plugin loaded from its entry point)."""
    (tmp_path / "pytest.ini").write_text(f"[pytest]\n{ini}", encoding="utf-8")
    (tmp_path / "test_cost.py").write_text(
        PLUGIN_USER_TEST.format(expected=expected), encoding="utf-8"
    )
    source = str(Path(userpools.__file__).resolve().parents[1])
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([source, os.environ.get("PYTHONPATH", "")])}
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:xdist"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert "1 passed" in run.stdout


def test_start_server_refuses_an_unknown_password_hashing(tmp_path: Path) -> None:
    """A misspelt ini value must not quietly fall back to either cost."""
    with pytest.raises(ValueError, match="unknown password hashing 'owsap'"):
        next(start_server(tmp_path / "never.db", password_hashing="owsap"))
    assert not (tmp_path / "never.db").exists()


def test_client_without_boto3_names_the_testing_extra(
    userpools_server: RunningServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """userpools needs only botocore: without boto3 the plugin says which extra to install."""
    monkeypatch.setitem(sys.modules, "boto3", None)  # import boto3 raises ModuleNotFoundError
    with pytest.raises(ModuleNotFoundError) as caught:
        userpools_server.client()
    assert str(caught.value) == MISSING_BOTO3
    assert "pip install 'userpools[testing]'" in MISSING_BOTO3
